# flock(2): shared and exclusive locks between processes, upgrades, dup'ed fds, release on close.
# users: root nobody
from probelib import *

step("create f", write_file, "f", b"x")
fd = opened("[parent] open f", "f", os.O_RDONLY)
step("[parent] LOCK_EX", fcntl.flock, fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def contender():
    c = opened("open f", "f", os.O_RDONLY)
    step("LOCK_SH|LOCK_NB", fcntl.flock, c, fcntl.LOCK_SH | fcntl.LOCK_NB)
    step("LOCK_EX|LOCK_NB", fcntl.flock, c, fcntl.LOCK_EX | fcntl.LOCK_NB)
    close("close", c)


Child("child", contender).join()
step("[parent] downgrade to LOCK_SH", fcntl.flock, fd, fcntl.LOCK_SH | fcntl.LOCK_NB)


def sharer():
    c = opened("open f", "f", os.O_RDONLY)
    step("LOCK_SH|LOCK_NB", fcntl.flock, c, fcntl.LOCK_SH | fcntl.LOCK_NB)
    step("upgrade to LOCK_EX|LOCK_NB", fcntl.flock, c, fcntl.LOCK_EX | fcntl.LOCK_NB)
    step("LOCK_UN", fcntl.flock, c, fcntl.LOCK_UN)
    close("close", c)


Child("child", sharer).join()

section("a blocking LOCK_EX waits for the holder")
released = Gate()
waiting = Gate()


def waiter():
    c = opened("open f", "f", os.O_RDONLY)
    step("LOCK_EX|LOCK_NB", fcntl.flock, c, fcntl.LOCK_EX | fcntl.LOCK_NB)
    waiting.open()
    released.wait()
    step("LOCK_EX (blocking)", fcntl.flock, c, fcntl.LOCK_EX)
    close("close", c)


child = Child("child", waiter)
waiting.wait()
step("[parent] LOCK_UN", fcntl.flock, fd, fcntl.LOCK_UN)
released.open()
child.join()

section("the lock belongs to the open file description")
step("[parent] LOCK_EX", fcntl.flock, fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
dup = step("[parent] dup", os.dup, fd, show=quiet)
close("[parent] close original", fd)


def still_locked():
    c = opened("open f", "f", os.O_RDONLY)
    step("LOCK_SH|LOCK_NB while the dup is open", fcntl.flock, c, fcntl.LOCK_SH | fcntl.LOCK_NB)
    close("close", c)


Child("child", still_locked).join()
close("[parent] close dup", dup)


def unlocked():
    c = opened("open f", "f", os.O_RDONLY)
    step("LOCK_EX|LOCK_NB after last close", fcntl.flock, c, fcntl.LOCK_EX | fcntl.LOCK_NB)
    close("close", c)


Child("child", unlocked).join()

section("flock and fcntl locks do not interact")
a = opened("open f rw as a", "f", os.O_RDWR)
step("a: flock LOCK_EX", fcntl.flock, a, fcntl.LOCK_EX | fcntl.LOCK_NB)


def fcntl_side():
    c = opened("open f rw", "f", os.O_RDWR)
    step("fcntl write lock", setlk, c, fcntl.F_WRLCK, 0, 0)
    close("close", c)


Child("child", fcntl_side).join()
step("a: LOCK_EX then LOCK_EX again", fcntl.flock, a, fcntl.LOCK_EX | fcntl.LOCK_NB)
step("bad operation", fcntl.flock, a, 0)
close("close a", a)
step("mkdir d", os.mkdir, "d")
d = opened("open d", "d", os.O_RDONLY)
step("flock a directory", fcntl.flock, d, fcntl.LOCK_EX | fcntl.LOCK_NB)
close("close d", d)
