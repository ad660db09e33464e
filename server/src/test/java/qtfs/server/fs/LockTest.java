package qtfs.server.fs;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qtfs.fuse.proto.Le;
import qtfs.fuse.proto.LkIn;
import qtfs.fuse.proto.Notify;
import qtfs.fuse.proto.OutHeader;
import qtfs.fuse.proto.Opcode;
import qtfs.sys.Errno;
import qtfs.sys.Locks;
import qtfs.sys.OpenFlags;

import static org.junit.jupiter.api.Assertions.*;

/** POSIX record locks per client lock owner, against each other and against server processes; flock. */
class LockTest {
    private static final long A = 0xA, B = 0xB, END = LkIn.OFFSET_MAX;
    private FsDriver d;
    private long node, fhA, fhB;

    @BeforeEach
    void setUp() throws Exception {
        d = FsDriver.open();
        Files.writeString(d.export.resolve("f"), "0123456789");
        node = d.lookup(FsDriver.ROOT, "f").nodeid();
        fhA = d.open(node, OpenFlags.O_RDWR).fh();
        fhB = d.open(node, OpenFlags.O_RDWR).fh();
    }

    @AfterEach
    void tearDown() throws Exception {
        d.close();
    }

    private Reply setlk(long fh, long owner, long start, long end, int type) {
        return d.call(Opcode.SETLK, node, FsDriver.lk(fh, owner, start, end, type, 0));
    }

    private Reply getlk(long fh, long owner, long start, long end, int type) {
        return d.call(Opcode.GETLK, node, FsDriver.lk(fh, owner, start, end, type, 0));
    }

    @Test
    void twoOwnersConflict() {
        setlk(fhA, A, 0, 99, Locks.F_WRLCK).ok();
        setlk(fhB, B, 50, 60, Locks.F_RDLCK).fails(Errno.EAGAIN);
        setlk(fhB, B, 100, END, Locks.F_WRLCK).ok();   // beyond A's range

        Reply conflict = getlk(fhB, B, 0, 10, Locks.F_RDLCK).ok();
        assertEquals(Locks.F_WRLCK, LkIn.outType(conflict.body(), 0));
        assertEquals(0, LkIn.outStart(conflict.body(), 0));
        assertEquals(99, LkIn.outEnd(conflict.body(), 0));
        Reply toEnd = getlk(fhA, A, 200, 300, Locks.F_RDLCK).ok();
        assertEquals(100, LkIn.outStart(toEnd.body(), 0));
        assertEquals(END, LkIn.outEnd(toEnd.body(), 0), "a lock to EOF reports OFFSET_MAX");

        assertEquals(Locks.F_UNLCK, LkIn.outType(getlk(fhA, A, 0, 10, Locks.F_WRLCK).body(), 0), "own locks never conflict");
        setlk(fhA, A, 0, 99, Locks.F_UNLCK).ok();
        setlk(fhB, B, 50, 60, Locks.F_WRLCK).ok();
    }

    @Test
    void aConflictNamesTheClientPidOfItsHolder() {
        d.call(Opcode.SETLK, node, FsDriver.lk(fhA, A, 0, 9, Locks.F_WRLCK, 0, 111)).ok();
        d.call(Opcode.SETLK, node, FsDriver.lk(fhA, A, 50, 59, Locks.F_RDLCK, 0, 111)).ok();
        d.call(Opcode.SETLK, node, FsDriver.lk(fhB, B, 20, 29, Locks.F_RDLCK, 0, 222)).ok();
        Reply write = getlk(fhB, B, 5, 5, Locks.F_WRLCK).ok();
        assertEquals(Locks.F_WRLCK, LkIn.outType(write.body(), 0));
        assertEquals(111, LkIn.outPid(write.body(), 0));
        Reply read = getlk(fhB, B, 55, 55, Locks.F_WRLCK).ok();
        assertEquals(Locks.F_RDLCK, LkIn.outType(read.body(), 0));
        assertEquals(50, LkIn.outStart(read.body(), 0));
        assertEquals(111, LkIn.outPid(read.body(), 0));
        assertEquals(222, LkIn.outPid(getlk(fhA, A, 20, 20, Locks.F_WRLCK).ok().body(), 0));
    }

    @Test
    void locksOfAnOwnerThatNeverClosedTheHandleEndWithIt() {
        // an OFD lock: its owner is the open file description, which sends no FLUSH
        setlk(fhA, A, 0, 9, Locks.F_WRLCK).ok();
        setlk(fhB, B, 0, 9, Locks.F_WRLCK).fails(Errno.EAGAIN);
        d.release(node, fhA).ok();
        setlk(fhB, B, 0, 9, Locks.F_WRLCK).ok();
    }

    @Test
    void aLateReleaseLeavesTheLocksAProcessTookSinceItClosed() {
        long fhC = d.open(node, OpenFlags.O_RDWR).fh();
        setlk(fhA, A, 0, 9, Locks.F_WRLCK).ok();
        d.flush(node, fhA, A).ok();
        setlk(fhB, A, 0, 9, Locks.F_WRLCK).ok();
        d.release(node, fhA).ok();   // the release of the closed file arrives after the new lock
        setlk(fhC, B, 0, 9, Locks.F_WRLCK).fails(Errno.EAGAIN);
    }

    /** (code, node id, name or null) of each notification sent since the last call. */
    private List<String> notifications() {
        List<String> seen = new ArrayList<>();
        for (byte[] n : d.notifications) {
            MemorySegment m = MemorySegment.ofArray(n);
            int code = Notify.code(m);
            long node = m.get(Le.U64, OutHeader.SIZE);
            String name = code == Notify.INVAL_ENTRY
                    ? new String(n, Notify.INVAL_ENTRY_HEADER_SIZE, m.get(Le.U32, OutHeader.SIZE + 8)) : null;
            seen.add(code == Notify.INVAL_INODE ? "inode " + node + " from " + m.get(Le.U64, OutHeader.SIZE + 8)
                    : "entry " + node + " " + name);
        }
        d.notifications.clear();
        return seen;
    }

    @Test
    void takingALockMakesTheClientForgetWhatMayHaveChangedMeanwhile() throws Exception {
        Files.writeString(d.export.resolve("journal"), "old");
        Files.writeString(d.export.resolve("kept"), "kept");
        Files.writeString(d.export.resolve("replaced"), "old");
        d.lookup(FsDriver.ROOT, "journal").ok();
        d.lookup(FsDriver.ROOT, "kept").ok();
        d.lookup(FsDriver.ROOT, "replaced").ok();
        notifications();
        setlk(fhA, A, 0, 9, Locks.F_RDLCK).ok();
        assertEquals(List.of("inode " + node + " from 0"), notifications(), "the file's data and attributes");

        // while the lock is free, a server process deletes one name and replaces another
        setlk(fhA, A, 0, 9, Locks.F_UNLCK).ok();
        assertEquals(List.of(), notifications(), "unlocking changes nothing");
        Files.delete(d.export.resolve("journal"));
        Files.writeString(d.export.resolve("replacement"), "new");
        Files.move(d.export.resolve("replacement"), d.export.resolve("replaced"), StandardCopyOption.REPLACE_EXISTING);
        setlk(fhB, B, 0, 9, Locks.F_WRLCK).ok();
        List<String> sent = notifications();
        assertEquals("inode " + node + " from 0", sent.get(0));
        assertEquals(java.util.Set.of("entry 1 journal", "entry 1 replaced"), java.util.Set.copyOf(sent.subList(1, sent.size())),
                "cached names that lead elsewhere now");

        // the client forgot those names: nothing more to tell; flock works the same
        d.lookup(FsDriver.ROOT, "replaced").ok();
        notifications();
        d.call(Opcode.SETLK, node, FsDriver.lk(fhA, A, 0, 0, Locks.F_RDLCK, LkIn.FUSE_LK_FLOCK)).ok();
        assertEquals(List.of("inode " + node + " from 0"), notifications());
    }

    @Test
    void sameOwnerOnTwoHandlesIsOneOwner() {
        setlk(fhA, A, 0, 9, Locks.F_WRLCK).ok();
        setlk(fhB, A, 0, 9, Locks.F_WRLCK).ok();
    }

    @Test
    void flushDropsTheOwnersLocks() {
        setlk(fhA, A, 0, END, Locks.F_WRLCK).ok();
        setlk(fhB, B, 0, 0, Locks.F_WRLCK).fails(Errno.EAGAIN);
        d.flush(node, fhA, A).ok();
        setlk(fhB, B, 0, 0, Locks.F_WRLCK).ok();
    }

    @Test
    void serverProcessLocksConflictBothWays() throws Exception {
        Path f = d.export.resolve("f");
        Process p = new ProcessBuilder("python3", "-c", """
                import fcntl, sys
                f = open(sys.argv[1], 'r+')
                fcntl.lockf(f, fcntl.LOCK_EX, 5, 0)
                print('locked', flush=True)
                sys.stdin.read()
                """, f.toString()).start();
        try (var out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            assertEquals("locked", out.readLine());
            setlk(fhA, A, 2, 3, Locks.F_RDLCK).fails(Errno.EAGAIN);
            Reply r = getlk(fhA, A, 0, END, Locks.F_RDLCK).ok();
            assertEquals(Locks.F_WRLCK, LkIn.outType(r.body(), 0));
            assertEquals(4, LkIn.outEnd(r.body(), 0));
            assertEquals(p.pid(), LkIn.outPid(r.body(), 0), "a server process is named by its server pid");
            setlk(fhA, A, 5, 9, Locks.F_WRLCK).ok();
        } finally {
            p.getOutputStream().close();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        // and the client's lock holds against a new server process
        Process q = new ProcessBuilder("python3", "-c", """
                import fcntl, sys
                f = open(sys.argv[1], 'r+')
                try:
                    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 6)
                    print('got it')
                except OSError:
                    print('busy')
                """, f.toString()).start();
        try (var out = new BufferedReader(new InputStreamReader(q.getInputStream()))) {
            assertEquals("busy", out.readLine());
        } finally {
            q.waitFor(10, TimeUnit.SECONDS);
            q.destroyForcibly();
        }
    }

    @Test
    void setlkwWaitsUntilTheLockIsFree() throws Exception {
        setlk(fhA, A, 0, 9, Locks.F_WRLCK).ok();
        Future<Reply> waiting = d.callAsync(Opcode.SETLKW, node, FsDriver.lk(fhB, B, 0, 9, Locks.F_WRLCK, 0), d.nextUnique());
        assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS));
        setlk(fhA, A, 0, 9, Locks.F_UNLCK).ok();
        waiting.get(10, TimeUnit.SECONDS).ok();
        setlk(fhA, A, 0, 0, Locks.F_RDLCK).fails(Errno.EAGAIN);
    }

    @Test
    void setlkwEndsWithEintrWhenInterrupted() throws Exception {
        setlk(fhA, A, 0, 9, Locks.F_WRLCK).ok();
        long unique = d.nextUnique();
        Future<Reply> waiting = d.callAsync(Opcode.SETLKW, node, FsDriver.lk(fhB, B, 0, 9, Locks.F_WRLCK, 0), unique);
        assertThrows(TimeoutException.class, () -> waiting.get(100, TimeUnit.MILLISECONDS));
        d.call(Opcode.INTERRUPT, 0, new RequestBody().u64(unique));
        waiting.get(10, TimeUnit.SECONDS).fails(Errno.EINTR);
    }

    @Test
    void anInterruptThatOvertakesItsRequestStillCounts() throws Exception {
        setlk(fhA, A, 0, 9, Locks.F_WRLCK).ok();
        long unique = d.nextUnique();
        d.fs.interrupt(unique);
        d.callAsync(Opcode.SETLKW, node, FsDriver.lk(fhB, B, 0, 9, Locks.F_WRLCK, 0), unique)
                .get(10, TimeUnit.SECONDS).fails(Errno.EINTR);
    }

    @Test
    void flockPerHandle() throws Exception {
        int FLOCK = LkIn.FUSE_LK_FLOCK;
        d.call(Opcode.SETLK, node, FsDriver.lk(fhA, A, 0, 0, Locks.F_WRLCK, FLOCK)).ok();
        d.call(Opcode.SETLK, node, FsDriver.lk(fhB, A, 0, 0, Locks.F_RDLCK, FLOCK)).fails(Errno.EAGAIN);
        Future<Reply> waiting = d.callAsync(Opcode.SETLKW, node, FsDriver.lk(fhB, B, 0, 0, Locks.F_RDLCK, FLOCK), d.nextUnique());
        assertThrows(TimeoutException.class, () -> waiting.get(100, TimeUnit.MILLISECONDS));
        // releasing the handle with FLOCK_UNLOCK frees it
        d.call(Opcode.RELEASE, node, new RequestBody().u64(fhA).u32(0).u32(2).u64(A)).ok();
        waiting.get(10, TimeUnit.SECONDS).ok();
    }

    @Test
    void malformedLockRequests() {
        setlk(fhA, A, 10, 5, Locks.F_WRLCK).fails(Errno.EINVAL);
        setlk(fhA, A, 0, 5, 7).fails(Errno.EINVAL);
        d.call(Opcode.SETLK, FsDriver.ROOT, FsDriver.lk(fhA, A, 0, 5, Locks.F_WRLCK, 0)).fails(Errno.EBADF);
        setlk(999, A, 0, 5, Locks.F_WRLCK).fails(Errno.EBADF);
    }

    @Test
    void closingTheSessionDropsLocks() throws Exception {
        setlk(fhA, A, 0, END, Locks.F_WRLCK).ok();
        d.fs.close();
        Process q = new ProcessBuilder("python3", "-c", """
                import fcntl, sys
                f = open(sys.argv[1], 'r+')
                fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, 0, 0)
                print('got it')
                """, d.export.resolve("f").toString()).start();
        try (var out = new BufferedReader(new InputStreamReader(q.getInputStream()))) {
            assertEquals("got it", out.readLine());
        } finally {
            q.waitFor(10, TimeUnit.SECONDS);
            q.destroyForcibly();
        }
    }
}
