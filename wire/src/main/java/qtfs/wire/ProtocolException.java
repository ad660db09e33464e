package qtfs.wire;

import java.io.IOException;

/**
 * The peer broke a rule of the wire protocol (docs/PROTOCOL.md): bad magic, a length that
 * runs past its frame, an unknown type, a non-zero reserved field, an oversized frame.
 * The connection cannot be trusted any more and is closed; the message says which rule.
 */
public final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
