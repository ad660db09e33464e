package qtfs.server.fs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.EntryOut;
import qtfs.fuse.proto.InHeader;
import qtfs.fuse.proto.Opcode;
import qtfs.fuse.proto.OutHeader;
import qtfs.sys.OpenFlags;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Many worker threads on one session, as qtfsd runs it: lookups and forgets of the same
 * names race, handles open and close; afterwards the counts are exact and closing the
 * session leaves no descriptor behind.
 */
class ConcurrencyTest {
    private static final int THREADS = 6, ROUNDS = 400, NAMES = 5;

    private static long openDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void racingLookupsForgetsAndOpensKeepExactCounts() throws Exception {
        long fdsBefore = openDescriptors();
        FsDriver d = FsDriver.open();
        try {
            for (int i = 0; i < NAMES; i++) Files.writeString(d.export.resolve("n" + i), "x".repeat(i + 1));
            int nodesBefore = d.fs.nodeCount();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS, Thread.ofPlatform().factory());
            List<Future<Void>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int seed = t;
                results.add(pool.submit((Callable<Void>) () -> {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment reply = arena.allocate(FsDriver.MAX_WRITE + 4096 + OutHeader.SIZE);
                        for (int round = 0; round < ROUNDS; round++) {
                            String name = "n" + ((round + seed) % NAMES);
                            send(d, arena, reply, Opcode.LOOKUP, FsDriver.ROOT, new RequestBody().name(name));
                            assertEquals(0, OutHeader.error(reply));
                            long node = EntryOut.nodeid(reply, OutHeader.SIZE);
                            send(d, arena, reply, Opcode.OPEN, node, new RequestBody().u32(OpenFlags.O_RDONLY).u32(0));
                            assertEquals(0, OutHeader.error(reply));
                            long fh = reply.get(qtfs.fuse.proto.Le.U64, OutHeader.SIZE);
                            send(d, arena, reply, Opcode.READ, node, new RequestBody().u64(fh).u64(0).u32(100).u32(0).u64(0).u32(0).u32(0));
                            assertEquals(OutHeader.SIZE + (round + seed) % NAMES + 1, OutHeader.len(reply));
                            send(d, arena, reply, Opcode.RELEASE, node, new RequestBody().u64(fh).u32(0).u32(0).u64(0));
                            assertEquals(0, OutHeader.error(reply));
                            assertEquals(0, send(d, arena, reply, Opcode.FORGET, node, new RequestBody().u64(1)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> f : results) f.get();
            pool.shutdown();
            assertEquals(nodesBefore, d.fs.nodeCount(), "every lookup was forgotten");
            assertEquals(0, d.fs.openHandleCount());
        } finally {
            d.close();
        }
        assertEquals(fdsBefore, openDescriptors(), "no descriptor leaked");
    }

    private static int send(FsDriver d, Arena arena, MemorySegment reply, Opcode op, long node, RequestBody body) {
        byte[] b = body.toBytes();
        MemorySegment req = arena.allocate(InHeader.SIZE + b.length);
        InHeader.write(req, InHeader.SIZE + b.length, op.code, d.nextUnique(), node, 0, 0, 1);
        MemorySegment.copy(b, 0, req, JAVA_BYTE, InHeader.SIZE, b.length);
        return d.fs.handle(req, new int[0], reply);
    }
}
