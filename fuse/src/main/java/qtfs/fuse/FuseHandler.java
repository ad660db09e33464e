package qtfs.fuse;

import java.lang.foreign.MemorySegment;

import qtfs.fuse.proto.InitParams;

/**
 * The file system behind a {@link FuseSession}. The session answers INIT and DESTROY itself
 * and hands every other request here.
 */
public interface FuseHandler {
    /** The kernel finished INIT; called once, before the first request. */
    default void onInit(FuseSession session, InitParams init) {}

    /**
     * One request: exactly {@code fuse_in_header.len} bytes. The segment is reused once this
     * returns, so copy what you keep. Answer with {@link FuseSession#reply} now or later, from
     * any thread; FORGET and BATCH_FORGET take no answer.
     */
    void onRequest(FuseSession session, MemorySegment request);

    /** The file system was unmounted or the session closed; no request follows. */
    default void onDestroy() {}
}
