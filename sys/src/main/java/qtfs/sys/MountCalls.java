package qtfs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static qtfs.sys.Libc.C_INT;
import static qtfs.sys.Libc.C_LONG;
import static qtfs.sys.Libc.C_POINTER;

/** mount(2) and umount2(2). The flag values are the same on x86_64 and aarch64. */
public final class MountCalls {
    private MountCalls() {}

    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
            MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOSYMFOLLOW = 256, MS_NOATIME = 1024,
            MS_NODIRATIME = 2048, MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768,
            MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20,
            MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24, MS_LAZYTIME = 1 << 25;
    public static final int MNT_FORCE = 1, MNT_DETACH = 2, UMOUNT_NOFOLLOW = 8;

    private static final MethodHandle MOUNT = Libc.errnoFunction("mount",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_LONG, C_POINTER));
    private static final MethodHandle UMOUNT2 = Libc.errnoFunction("umount2",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT));

    /** mount(2); {@code data} is the file system's option string (may be null). The exception names {@code target}. */
    public static void mount(String source, String target, String fsType, long flags, String data) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dataSegment = data == null ? MemorySegment.NULL : NativeStrings.cString(arena, data);
            Libc.check((int) MOUNT.invokeExact(Libc.errnoState(), NativeStrings.cString(arena, source),
                    NativeStrings.cString(arena, target), NativeStrings.cString(arena, fsType), flags, dataSegment),
                    "mount", target);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    /** umount2(2), e.g. with {@link #MNT_DETACH} for a lazy unmount. */
    public static void umount2(String target, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            Libc.check((int) UMOUNT2.invokeExact(Libc.errnoState(), NativeStrings.cString(arena, target), flags),
                    "umount2", target);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }
}
