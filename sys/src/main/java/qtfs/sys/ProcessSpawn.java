package qtfs.sys;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_POINTER;

/**
 * Runs a short-lived helper program with posix_spawn(3) and waits for it. Unlike
 * {@link ProcessBuilder}, it can hand the child one of our descriptors under a chosen number
 * (fusermount3 expects its socket in {@code _FUSE_COMMFD}). The child's stdin is /dev/null;
 * its stdout and stderr are collected.
 */
public final class ProcessSpawn {
    private ProcessSpawn() {}

    /** How the program ended: its exit code (or -1 if a signal killed it), the signal (or 0), and what it printed. */
    public record Outcome(int exitCode, int signal, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        /** {@code "exit status 1: fusermount3: ..."} or {@code "killed by signal 9"}. */
        public String describe() {
            String how = signal != 0 ? "killed by signal " + signal : "exit status " + exitCode;
            String text = output.strip();
            return text.isEmpty() ? how : how + ": " + text;
        }
    }

    /** glibc's posix_spawn_file_actions_t is 80 bytes on LP64; leave headroom. */
    private static final long FILE_ACTIONS_SIZE = 256;
    private static final int MAX_OUTPUT = 64 * 1024;

    private static final MethodHandle PIPE2 = Libc.errnoFunction("pipe2",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
    private static final MethodHandle WAITPID = Libc.errnoFunction("waitpid",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
    // The posix_spawn family returns an error number instead of setting errno.
    private static final MethodHandle ACTIONS_INIT = Libc.function("posix_spawn_file_actions_init",
            FunctionDescriptor.of(C_INT, C_POINTER));
    private static final MethodHandle ACTIONS_DESTROY = Libc.function("posix_spawn_file_actions_destroy",
            FunctionDescriptor.of(C_INT, C_POINTER));
    private static final MethodHandle ACTIONS_ADDDUP2 = Libc.function("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT));
    private static final MethodHandle ACTIONS_ADDOPEN = Libc.function("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_INT));
    /** glibc 2.34 and later; without it, the child still only inherits descriptors that lack close-on-exec. */
    private static final Optional<MethodHandle> ACTIONS_ADDCLOSEFROM = Libc.LOOKUP
            .find("posix_spawn_file_actions_addclosefrom_np")
            .map(symbol -> Libc.LINKER.downcallHandle(symbol, FunctionDescriptor.of(C_INT, C_POINTER, C_INT)));
    private static final MethodHandle POSIX_SPAWN = Libc.function("posix_spawn",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));

    /**
     * Runs {@code program} (an absolute path) with {@code args} (argv[0] is the program's file
     * name) in {@code environment}, waits for it to end and returns how it ended. When
     * {@code passFd >= 0}, the child gets that descriptor as {@code childFd} (3 or above).
     */
    public static Outcome run(String program, List<String> args, Map<String, String> environment, int passFd, int childFd)
            throws ErrnoException {
        if (passFd >= 0 && childFd < 3) throw new IllegalArgumentException("childFd must be 3 or above, not " + childFd);
        int[] pipe = pipe();
        int readEnd = pipe[0], writeEnd = pipe[1];
        int pid;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(FILE_ACTIONS_SIZE, 16);
            spawnCheck((int) ACTIONS_INIT.invokeExact(actions), "posix_spawn_file_actions_init");
            try {
                spawnCheck((int) ACTIONS_ADDOPEN.invokeExact(actions, 0, NativeStrings.cString(arena, "/dev/null"),
                        OpenFlags.O_RDONLY, 0), "posix_spawn_file_actions_addopen");
                spawnCheck((int) ACTIONS_ADDDUP2.invokeExact(actions, writeEnd, 1), "posix_spawn_file_actions_adddup2");
                spawnCheck((int) ACTIONS_ADDDUP2.invokeExact(actions, writeEnd, 2), "posix_spawn_file_actions_adddup2");
                if (passFd >= 0) {
                    // dup2 onto the same number clears close-on-exec (glibc 2.29 and later)
                    spawnCheck((int) ACTIONS_ADDDUP2.invokeExact(actions, passFd, childFd), "posix_spawn_file_actions_adddup2");
                }
                if (ACTIONS_ADDCLOSEFROM.isPresent()) {
                    int from = passFd >= 0 ? childFd + 1 : 3;
                    spawnCheck((int) ACTIONS_ADDCLOSEFROM.get().invokeExact(actions, from),
                            "posix_spawn_file_actions_addclosefrom_np");
                }
                MemorySegment pidOut = arena.allocate(ValueLayout.JAVA_INT);
                spawnCheck((int) POSIX_SPAWN.invokeExact(pidOut, NativeStrings.cString(arena, program), actions,
                        MemorySegment.NULL, stringArray(arena, args), environmentArray(arena, environment)),
                        "posix_spawn " + program);
                pid = pidOut.get(ValueLayout.JAVA_INT, 0);
            } finally {
                int ignored = (int) ACTIONS_DESTROY.invokeExact(actions);
            }
        } catch (ErrnoException e) {
            FileIo.closeQuietly(readEnd);
            FileIo.closeQuietly(writeEnd);
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        FileIo.closeQuietly(writeEnd);
        String output;
        try {
            output = readAll(readEnd);
        } finally {
            FileIo.closeQuietly(readEnd);
        }
        int status = waitFor(pid);
        int signal = status & 0x7f;
        return signal == 0 ? new Outcome((status >> 8) & 0xff, 0, output) : new Outcome(-1, signal, output);
    }

    private static int[] pipe() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            Libc.check((int) PIPE2.invokeExact(Libc.errnoState(), fds, OpenFlags.O_CLOEXEC), "pipe2");
            return new int[] {fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1)};
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    /** Reads until the child closes its end (normally when it exits), keeping the first MAX_OUTPUT bytes. */
    private static String readAll(int fd) throws ErrnoException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(4096);
            while (true) {
                long n;
                try {
                    n = FileIo.read(fd, buffer, buffer.byteSize());
                } catch (ErrnoException e) {
                    if (e.is(Errno.EINTR)) continue;
                    throw e;
                }
                if (n == 0) break;
                int keep = (int) Math.min(n, MAX_OUTPUT - kept.size());
                if (keep > 0) kept.write(buffer.asSlice(0, keep).toArray(ValueLayout.JAVA_BYTE), 0, keep);
            }
        }
        return kept.toString(StandardCharsets.UTF_8);
    }

    private static int waitFor(int pid) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
            while (true) {
                int rc = (int) WAITPID.invokeExact(Libc.errnoState(), pid, status, 0);
                if (rc == -1 && Libc.lastErrno() == Errno.EINTR) continue;
                Libc.check(rc, "waitpid");
                return status.get(ValueLayout.JAVA_INT, 0);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    private static void spawnCheck(int rc, String call) throws ErrnoException {
        if (rc != 0) throw new ErrnoException(call, rc);
    }

    private static MemorySegment stringArray(Arena arena, List<String> strings) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) {
            array.setAtIndex(ValueLayout.ADDRESS, i, NativeStrings.cString(arena, strings.get(i)));
        }
        array.setAtIndex(ValueLayout.ADDRESS, strings.size(), MemorySegment.NULL);
        return array;
    }

    private static MemorySegment environmentArray(Arena arena, Map<String, String> environment) {
        return stringArray(arena, environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
