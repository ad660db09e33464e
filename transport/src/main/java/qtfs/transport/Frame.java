package qtfs.transport;

import java.nio.ByteBuffer;

import qtfs.wire.FrameHeader;

/**
 * A received frame. The payload (little-endian, position 0 to limit) lives in the
 * connection's receive buffer and is valid only until the next receive on that connection.
 */
public record Frame(FrameHeader header, ByteBuffer payload) {}
