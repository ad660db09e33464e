package qtfs.server.daemon;

/**
 * What one client may hold on qtfsd, beyond the connection count and frame size of
 * {@link QtfsdConfig}.
 *
 * @param openFiles        open file and directory handles of one mount session; an open beyond
 *                         it is answered EMFILE
 * @param requestsInFlight requests of one connection being served at once; beyond it the server
 *                         stops reading that connection until some are answered
 * @param connectionMemory bytes of request buffers the requests in flight of one connection may
 *                         hold (a request always fits when none is in flight); beyond it the
 *                         server stops reading that connection too
 */
public record ClientLimits(int openFiles, int requestsInFlight, long connectionMemory) {
    public static final int DEFAULT_OPEN_FILES = 65536;
    public static final int DEFAULT_REQUESTS_IN_FLIGHT = 256;
    public static final long DEFAULT_CONNECTION_MEMORY = 64L << 20;
    /** Below one small request buffer the memory limit would only slow everything down. */
    public static final long MIN_CONNECTION_MEMORY = RequestBuffers.SMALL;

    public ClientLimits {
        if (openFiles < 1) throw new IllegalArgumentException("max open files must be at least 1, not " + openFiles);
        if (requestsInFlight < 1) throw new IllegalArgumentException("max requests in flight must be at least 1, not " + requestsInFlight);
        if (connectionMemory < MIN_CONNECTION_MEMORY) {
            throw new IllegalArgumentException("max connection memory must be at least " + MIN_CONNECTION_MEMORY + " bytes, not "
                    + connectionMemory);
        }
    }

    public static ClientLimits defaults() {
        return new ClientLimits(DEFAULT_OPEN_FILES, DEFAULT_REQUESTS_IN_FLIGHT, DEFAULT_CONNECTION_MEMORY);
    }
}
