# Set-user-ID and set-group-ID bits are cleared by writes, truncation and chown as the kernel does.
# users: root
from probelib import *

step("mkdir w", os.mkdir, "w")
step("chmod w 0777", os.chmod, "w", 0o777)


def alice():
    step("create w/f", write_file, "w/f", b"binary", 0o755)
    step("chmod w/f 6755", os.chmod, "w/f", 0o6755)
    show_stat("w/f")
    fd = opened("open w/f for writing", "w/f", os.O_WRONLY)
    step("write", os.write, fd, b"X")
    show_fstat("w/f", fd)
    close("close", fd)
    step("chmod w/f 6755", os.chmod, "w/f", 0o6755)
    step("truncate w/f 3", os.truncate, "w/f", 3)
    show_stat("w/f")
    step("chmod w/f 2745 (setgid without group exec)", os.chmod, "w/f", 0o2745)
    fd = opened("open w/f for appending", "w/f", os.O_WRONLY | os.O_APPEND)
    step("write", os.write, fd, b"y")
    close("close", fd)
    show_stat("w/f")
    step("chmod w/f 4755", os.chmod, "w/f", 0o4755)
    step("chown w/f -1 -1", os.chown, "w/f", -1, -1)
    show_stat("w/f")
    step("chown w/f to own group 2002", os.chown, "w/f", -1, SHARED_GID)
    show_stat("w/f")
    step("chmod w/f 6755", os.chmod, "w/f", 0o6755)
    show_stat("w/f")
    step("chown w/f to own uid and gid", os.chown, "w/f", 1001, 1001)
    show_stat("w/f")
    step("chmod w/f 6777", os.chmod, "w/f", 0o6777)
    step("create w/g", write_file, "w/g", b"g", 0o755)
    step("chmod w/g 6755", os.chmod, "w/g", 0o6755)
    step("fallocate w/g", lambda: fallocate_file("w/g"))
    show_stat("w/g")
    step("chmod w/g 6755", os.chmod, "w/g", 0o6755)
    step("copy_file_range into w/g", lambda: copy_into("w/g"))
    show_stat("w/g")


def fallocate_file(path):
    fd = os.open(path, os.O_WRONLY)
    try:
        fallocate(fd, 0, 0, 8192)
    finally:
        os.close(fd)


def copy_into(path):
    write_file("w/src-" + str(os.getuid()), b"source bytes")
    src = os.open("w/src-" + str(os.getuid()), os.O_RDONLY)
    dst = os.open(path, os.O_WRONLY)
    try:
        return os.copy_file_range(src, dst, 5, 0, 0)
    finally:
        os.close(src)
        os.close(dst)


def bob():
    fd = opened("open w/f (alice's, 6777)", "w/f", os.O_WRONLY)
    step("write", os.write, fd, b"bob")
    close("close", fd)
    show_stat("w/f")


ALICE.run(alice)
BOB.run(bob)
step("root: chmod w/f 6755", os.chmod, "w/f", 0o6755)
fd = opened("root: open w/f for writing", "w/f", os.O_WRONLY)
step("root: write", os.write, fd, b"root")
close("root: close", fd)
show_stat("w/f")
step("root: chown w/f 1002 1002", os.chown, "w/f", 1002, 1002)
show_stat("w/f")
step("root: chmod w/f 6755", os.chmod, "w/f", 0o6755)
step("root: chown w/f -1 -1", os.chown, "w/f", -1, -1)
show_stat("w/f")
step("mkdir w/sd", os.mkdir, "w/sd")
step("chmod w/sd 6755", os.chmod, "w/sd", 0o6755)
step("chown w/sd 1001 1001 (directories keep their bits)", os.chown, "w/sd", 1001, 1001)
show_stat("w/sd")
