"""Steps for the conformance scenarios.

Every step prints exactly one line, `LABEL -> RESULT`, where RESULT is `ok`, a normalised value
or the errno name (`EEXIST`). Nothing printed may depend on where the scenario runs: no
absolute paths, inode or device numbers, pids, fd numbers or absolute clock times. Times are
printed exactly only when a step set them to a fixed value, otherwise as `recent` (within ten
minutes of now) or `other`, and scenarios compare them to each other instead.

Only paths relative to the current directory are used, so the same scenario gives the same
lines in a local directory and on a mount when both behave the same.
"""
import ctypes
import errno
import fcntl
import hashlib
import mmap
import os
import select
import stat
import struct
import sys
import time
import traceback

libc = ctypes.CDLL(None, use_errno=True)

AT_FDCWD = -100
AT_SYMLINK_NOFOLLOW = 0x100
AT_EACCESS = 0x200
RENAME_NOREPLACE = 1
RENAME_EXCHANGE = 2
RENAME_WHITEOUT = 4
FALLOC_FL_KEEP_SIZE = 0x01
FALLOC_FL_PUNCH_HOLE = 0x02
FALLOC_FL_ZERO_RANGE = 0x10
UTIME_NOW = (1 << 30) - 1
UTIME_OMIT = (1 << 30) - 2
XATTR_CREATE = 1
XATTR_REPLACE = 2

# A fixed instant used wherever a step sets times, so that they print the same everywhere.
OLD_NS = 1_000_000_000_123_456_789
RECENT_NS = 600 * 1_000_000_000

_prefix = ""


class _Failed:
    """What a failed step returns; later steps that get it as an argument print `not run`."""

    def __bool__(self):
        return False

    def __repr__(self):
        return "FAILED"


FAILED = _Failed()


def emit(label, text):
    sys.stdout.write(f"{_prefix}{label} -> {text}\n")
    sys.stdout.flush()


def errname(number):
    return errno.errorcode.get(number, f"errno{number}")


def step(label, fn, *args, show=None):
    """Runs fn(*args) and prints its result (through `show`, default `fmt`) or its errno name."""
    if any(a is FAILED for a in args):
        emit(label, "not run")
        return FAILED
    try:
        result = fn(*args)
    except OSError as e:
        emit(label, errname(e.errno))
        return FAILED
    emit(label, (show or fmt)(result))
    return result


def quiet(result):
    """A `show` for results that must not be printed, such as fd numbers."""
    return "ok"


def fmt(result):
    if result is None:
        return "ok"
    if isinstance(result, bool):
        return "yes" if result else "no"
    if isinstance(result, (bytes, bytearray)):
        return describe_bytes(bytes(result))
    if isinstance(result, os.stat_result):
        return describe_stat(result)
    if isinstance(result, (list, tuple)):
        return "[" + ", ".join(fmt(x) for x in result) + "]"
    return str(result)


def describe_bytes(data):
    if len(data) <= 48:
        return repr(data)
    return f"{len(data)} bytes sha256={hashlib.sha256(data).hexdigest()[:16]}"


KINDS = {stat.S_IFREG: "reg", stat.S_IFDIR: "dir", stat.S_IFLNK: "lnk", stat.S_IFIFO: "fifo",
         stat.S_IFSOCK: "sock", stat.S_IFCHR: "chr", stat.S_IFBLK: "blk"}


def describe_stat(st):
    kind = KINDS.get(stat.S_IFMT(st.st_mode), f"type{stat.S_IFMT(st.st_mode):o}")
    text = (f"{kind} mode={stat.S_IMODE(st.st_mode):04o} nlink={st.st_nlink}"
            f" uid={st.st_uid} gid={st.st_gid} size={st.st_size}")
    if kind in ("chr", "blk"):
        text += f" rdev={os.major(st.st_rdev)}:{os.minor(st.st_rdev)}"
    return text


def describe_time(ns):
    if ns == OLD_NS:
        return "old"
    if abs(time.time_ns() - ns) < RECENT_NS:
        return "recent"
    return str(ns)


# ---- files ----------------------------------------------------------------------------------

def write_file(path, data, mode=0o644):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def read_file(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(fd)


def pattern(size, seed=1):
    """Deterministic bytes that differ at every offset, so misplaced data shows."""
    block = hashlib.sha256(str(seed).encode()).digest() * 128
    return (block * (size // len(block) + 1))[:size]


def opened(label, path, flags, mode=0o644):
    return step(label, os.open, path, flags, mode, show=quiet)


def close(label, fd):
    return step(label, os.close, fd)


def show_stat(path, label=None):
    return step(label or f"stat {path}", os.stat, path)


def show_lstat(path, label=None):
    return step(label or f"lstat {path}", os.lstat, path)


def show_fstat(name, fd):
    return step(f"fstat {name}", os.fstat, fd)


def show_content(path):
    return step(f"content {path}", read_file, path)


def show_nlink(path):
    return step(f"nlink {path}", lambda p: os.lstat(p).st_nlink, path)


def show_times(path, follow=True):
    def times(p):
        st = os.stat(p, follow_symlinks=follow)
        return (f"atime={describe_time(st.st_atime_ns)} mtime={describe_time(st.st_mtime_ns)}"
                f" ctime={describe_time(st.st_ctime_ns)}")
    return step(f"times {path}", times, path)


def listing(path):
    """The raw directory entries, `.` and `..` included, with their d_type, sorted by name."""
    return step(f"readdir {path}", lambda p: " ".join(f"{n}:{t}" for n, t, _ in read_dir(p)), path)


class Dirent(ctypes.Structure):
    _fields_ = [("d_ino", ctypes.c_uint64), ("d_off", ctypes.c_int64), ("d_reclen", ctypes.c_ushort),
                ("d_type", ctypes.c_ubyte), ("d_name", ctypes.c_char * 256)]


libc.opendir.restype = ctypes.c_void_p
libc.opendir.argtypes = [ctypes.c_char_p]
libc.readdir.restype = ctypes.POINTER(Dirent)
libc.readdir.argtypes = [ctypes.c_void_p]
libc.closedir.argtypes = [ctypes.c_void_p]
DTYPES = {0: "unknown", 1: "fifo", 2: "chr", 4: "dir", 6: "blk", 8: "reg", 10: "lnk", 12: "sock"}


def read_dir(path):
    """[(name, d_type name, d_ino)] sorted by name, through readdir(3) itself."""
    handle = libc.opendir(os.fsencode(path))
    if not handle:
        raise_errno(path)
    try:
        entries = []
        while True:
            ctypes.set_errno(0)
            entry = libc.readdir(handle)
            if not entry:
                if ctypes.get_errno():
                    raise_errno(path)
                break
            e = entry.contents
            entries.append((e.d_name.decode(), DTYPES.get(e.d_type, str(e.d_type)), e.d_ino))
        return sorted(entries)
    finally:
        libc.closedir(handle)


# ---- calls that os does not offer -------------------------------------------------------------

def raise_errno(path=None):
    number = ctypes.get_errno()
    raise OSError(number, os.strerror(number), path)


libc.renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long]
libc.faccessat.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]


class Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


libc.utimensat.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(Timespec), ctypes.c_int]
libc.futimens.argtypes = [ctypes.c_int, ctypes.POINTER(Timespec)]
for _name in ("getxattr", "lgetxattr"):
    getattr(libc, _name).argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t]
    getattr(libc, _name).restype = ctypes.c_ssize_t
libc.listxattr.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t]
libc.listxattr.restype = ctypes.c_ssize_t


def renameat2(old, new, flags):
    if libc.renameat2(AT_FDCWD, os.fsencode(old), AT_FDCWD, os.fsencode(new), flags) != 0:
        raise_errno(old)


def fallocate(fd, mode, offset, length):
    if libc.fallocate(fd, mode, offset, length) != 0:
        raise_errno()


def access(path, mode, flags=0):
    if libc.faccessat(AT_FDCWD, os.fsencode(path), mode, flags) != 0:
        raise_errno(path)


def _times(atime, mtime):
    def spec(value):
        if value in (UTIME_NOW, UTIME_OMIT):
            return Timespec(0, value)
        return Timespec(value // 1_000_000_000, value % 1_000_000_000)
    return (Timespec * 2)(spec(atime), spec(mtime))


def utimensat(path, atime, mtime, flags=0):
    """atime/mtime: nanoseconds, UTIME_NOW or UTIME_OMIT."""
    if libc.utimensat(AT_FDCWD, os.fsencode(path), _times(atime, mtime), flags) != 0:
        raise_errno(path)


def futimens(fd, atime, mtime):
    if libc.futimens(fd, _times(atime, mtime)) != 0:
        raise_errno()


def xattr_size(path, name, follow=True):
    """getxattr with a zero-sized buffer: the size of the value."""
    call = libc.getxattr if follow else libc.lgetxattr
    size = call(os.fsencode(path), name.encode(), None, 0)
    if size < 0:
        raise_errno(path)
    return size


def xattr_into(path, name, buffer_size):
    buffer = ctypes.create_string_buffer(max(buffer_size, 1))
    size = libc.getxattr(os.fsencode(path), name.encode(), buffer, buffer_size)
    if size < 0:
        raise_errno(path)
    return buffer.raw[:size]


def xattr_list_size(path):
    size = libc.listxattr(os.fsencode(path), None, 0)
    if size < 0:
        raise_errno(path)
    return size


def aligned_buffer(size):
    """Page-aligned memory, as O_DIRECT wants."""
    return mmap.mmap(-1, size)


# ---- record locks ---------------------------------------------------------------------------

FLOCK = "hhqqi4x"  # struct flock: l_type, l_whence, l_start, l_len, l_pid (same on x86_64 and aarch64)
LOCK_TYPES = {fcntl.F_RDLCK: "rdlck", fcntl.F_WRLCK: "wrlck", fcntl.F_UNLCK: "unlck"}


def setlk(fd, kind, start, length, command=fcntl.F_SETLK):
    fcntl.fcntl(fd, command, struct.pack(FLOCK, kind, os.SEEK_SET, start, length, 0))


def getlk(fd, kind, start, length, command=fcntl.F_GETLK, holder_pid=None):
    """The conflicting lock as `type start len`, and whether l_pid names the holder when given."""
    result = fcntl.fcntl(fd, command, struct.pack(FLOCK, kind, os.SEEK_SET, start, length, 0))
    l_type, _, l_start, l_len, l_pid = struct.unpack(FLOCK, result)
    text = f"{LOCK_TYPES[l_type]} {l_start} {l_len}" if l_type != fcntl.F_UNLCK else "unlck"
    if holder_pid is not None and l_type != fcntl.F_UNLCK:
        text += " pid=" + ("holder" if l_pid == holder_pid else str(l_pid) if l_pid in (0, -1) else "another")
    return text


# ---- other processes and users --------------------------------------------------------------

class Gate:
    """A one-way signal between two processes of a scenario (a pipe)."""

    def __init__(self):
        self.read_end, self.write_end = os.pipe()

    def open(self):
        os.write(self.write_end, b"x")

    def wait(self, seconds=30):
        ready, _, _ = select.select([self.read_end], [], [], seconds)
        if not ready:
            raise SystemExit(f"{_prefix}gate not opened within {seconds} s")
        os.read(self.read_end, 1)


class Child:
    """fn() run in a forked process, as another user when uid is given; its lines carry [name]."""

    def __init__(self, name, fn, uid=None, gid=None, groups=()):
        sys.stdout.flush()
        self.name = name
        self.pid = os.fork()
        if self.pid == 0:
            code = 0
            try:
                global _prefix
                if uid is not None:
                    os.setgroups(list(groups))
                    os.setresgid(gid, gid, gid)
                    os.setresuid(uid, uid, uid)
                _prefix = f"[{name}] "
                fn()
            except BaseException:
                traceback.print_exc()
                code = 3
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def join(self):
        _, status = os.waitpid(self.pid, 0)
        if status != 0:
            raise SystemExit(f"the steps of {self.name} failed (wait status {status})")


def as_user(name, uid, gid, groups, fn):
    """Runs fn() as uid/gid/groups in a child process and waits for it."""
    Child(name, fn, uid, gid, groups).join()


class User:
    """A user a multi-user scenario switches to; ids need no passwd entry."""

    def __init__(self, name, uid, gid, groups):
        self.name, self.uid, self.gid, self.groups = name, uid, gid, list(groups)

    def run(self, fn):
        as_user(self.name, self.uid, self.gid, self.groups, fn)


ALICE = User("alice", 1001, 1001, [1001, 2002])
BOB = User("bob", 1002, 1002, [1002])
SHARED_GID = 2002  # a group alice is in and bob is not


def section(title):
    """A heading line, so that a diff shows which part of a scenario a step belongs to."""
    sys.stdout.write(f"{_prefix}== {title}\n")
    sys.stdout.flush()
