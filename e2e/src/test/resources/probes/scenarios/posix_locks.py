# POSIX record locks (fcntl F_SETLK/F_SETLKW/F_GETLK and OFD locks), conflicts between processes.
# users: root nobody
from probelib import *

step("create f", write_file, "f", bytes(100))
fd = opened("[parent] open f rw", "f", os.O_RDWR)
parent_pid = os.getpid()
step("[parent] write lock 0..10", setlk, fd, fcntl.F_WRLCK, 0, 10)
step("[parent] read lock 50..60", setlk, fd, fcntl.F_RDLCK, 50, 10)


def contender():
    c = opened("open f rw", "f", os.O_RDWR)
    step("getlk write 5..6", getlk, c, fcntl.F_WRLCK, 5, 1, fcntl.F_GETLK, parent_pid)
    step("getlk write 20..30 (free)", getlk, c, fcntl.F_WRLCK, 20, 10)
    step("getlk read 55..56", getlk, c, fcntl.F_RDLCK, 55, 1)
    step("getlk write 55..56", getlk, c, fcntl.F_WRLCK, 55, 1, fcntl.F_GETLK, parent_pid)
    step("write lock 0..10", setlk, c, fcntl.F_WRLCK, 0, 10)
    step("read lock 5..6", setlk, c, fcntl.F_RDLCK, 5, 1)
    step("write lock 9..11 (overlaps)", setlk, c, fcntl.F_WRLCK, 9, 2)
    step("write lock 10..20 (adjacent)", setlk, c, fcntl.F_WRLCK, 10, 10)
    step("read lock 50..60 (shared)", setlk, c, fcntl.F_RDLCK, 50, 10)
    step("write lock 50..60", setlk, c, fcntl.F_WRLCK, 50, 10)
    step("write lock whole file", setlk, c, fcntl.F_WRLCK, 0, 0)
    step("unlock 10..20", setlk, c, fcntl.F_UNLCK, 10, 10)
    close("close", c)


Child("child", contender).join()

section("F_SETLKW waits for the holder")
released = Gate()
waiting = Gate()


def waiter():
    c = opened("open f rw", "f", os.O_RDWR)
    step("write lock 0..10 without waiting", setlk, c, fcntl.F_WRLCK, 0, 10)
    waiting.open()
    released.wait()
    step("write lock 0..10 waiting", setlk, c, fcntl.F_WRLCK, 0, 10, fcntl.F_SETLKW)
    close("close", c)


child = Child("child", waiter)
waiting.wait()
step("[parent] unlock 0..10", setlk, fd, fcntl.F_UNLCK, 0, 10)
released.open()
child.join()

section("closing any fd of the file drops the process's locks")
step("[parent] write lock 0..100", setlk, fd, fcntl.F_WRLCK, 0, 100)
other = opened("[parent] open f again", "f", os.O_RDONLY)
close("[parent] close the other fd", other)


def after_close():
    c = opened("open f rw", "f", os.O_RDWR)
    step("getlk write 0..100", getlk, c, fcntl.F_WRLCK, 0, 100)
    close("close", c)


Child("child", after_close).join()

section("lock types need matching access modes")
ro = opened("[parent] open f read-only", "f", os.O_RDONLY)
step("[parent] write lock on read-only fd", setlk, ro, fcntl.F_WRLCK, 0, 1)
step("[parent] read lock on read-only fd", setlk, ro, fcntl.F_RDLCK, 0, 1)
close("[parent] close read-only", ro)
wo = opened("[parent] open f write-only", "f", os.O_WRONLY)
step("[parent] read lock on write-only fd", setlk, wo, fcntl.F_RDLCK, 0, 1)
close("[parent] close write-only", wo)
step("[parent] lock with negative start", setlk, fd, fcntl.F_WRLCK, -5, 1)
step("[parent] lock with bad type", lambda: fcntl.fcntl(fd, fcntl.F_SETLK, struct.pack(FLOCK, 99, 0, 0, 1, 0)))

section("OFD locks conflict between open file descriptions of one process")
a = opened("open f as a", "f", os.O_RDWR)
b = opened("open f as b", "f", os.O_RDWR)
step("a: OFD write lock 0..10", setlk, a, fcntl.F_WRLCK, 0, 10, fcntl.F_OFD_SETLK)
step("b: OFD getlk write 0..1", getlk, b, fcntl.F_WRLCK, 0, 1, fcntl.F_OFD_GETLK)
step("b: OFD write lock 0..10", setlk, b, fcntl.F_WRLCK, 0, 10, fcntl.F_OFD_SETLK)
step("b: OFD write lock 10..20", setlk, b, fcntl.F_WRLCK, 10, 10, fcntl.F_OFD_SETLK)
close("close a", a)
step("b: OFD write lock 0..10 after a closed", setlk, b, fcntl.F_WRLCK, 0, 10, fcntl.F_OFD_SETLK)
close("close b", b)
close("[parent] close", fd)
