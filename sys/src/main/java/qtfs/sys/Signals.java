package qtfs.sys;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static qtfs.sys.Libc.C_INT;

/** Sending signals to threads of other processes. */
public final class Signals {
    private Signals() {}

    public static final int SIGPIPE = 13;

    private static final MethodHandle TGKILL = Libc.errnoFunction("tgkill",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT));

    /** tgkill(2): {@code signal} to thread {@code tid} of process {@code tgid}; ESRCH when it is gone. */
    public static void toThread(int tgid, int tid, int signal) throws ErrnoException {
        Calls.checked("tgkill", () -> (int) TGKILL.invokeExact(Libc.errnoState(), tgid, tid, signal));
    }

    /** The process (thread group) thread {@code tid} belongs to, from /proc; ESRCH when it is gone. */
    public static int processOf(int tid) throws ErrnoException {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + tid + "/status"))) {
                if (line.startsWith("Tgid:")) return Integer.parseInt(line.substring(5).trim());
            }
        } catch (IOException | NumberFormatException e) {
            // gone meanwhile
        }
        throw new ErrnoException("read", Errno.ESRCH, "/proc/" + tid + "/status");
    }
}
