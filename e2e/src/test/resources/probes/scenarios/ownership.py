# New nodes belong to the caller; chown and chmod rules for owners, group members and others.
# users: root
from probelib import *

step("mkdir open", os.mkdir, "open")
step("chmod open 0777", os.chmod, "open", 0o777)
step("chown open to group 2002", os.chown, "open", -1, SHARED_GID)


def alice():
    step("create open/a", write_file, "open/a", b"a")
    show_stat("open/a")
    step("mkdir open/ad", os.mkdir, "open/ad")
    show_stat("open/ad")
    step("symlink open/al", os.symlink, "a", "open/al")
    show_lstat("open/al")
    step("mkfifo open/ap", os.mkfifo, "open/ap")
    show_stat("open/ap")
    step("mknod open/as (socket)", os.mknod, "open/as", stat.S_IFSOCK | 0o600)
    show_stat("open/as")
    step("link open/a open/ah", os.link, "open/a", "open/ah")
    show_stat("open/ah")
    step("chmod open/ad 0777", os.chmod, "open/ad", 0o777)
    step("chown open/a to bob", os.chown, "open/a", 1002, -1)
    step("chown open/a to group 2002", os.chown, "open/a", -1, SHARED_GID)
    show_stat("open/a")
    step("chown open/a to group 3000 (not a member)", os.chown, "open/a", -1, 3000)
    step("chown open/a to own uid (no change)", os.chown, "open/a", 1001, -1)
    step("lchown open/al to group 2002", os.lchown, "open/al", -1, SHARED_GID)
    show_lstat("open/al")


def bob():
    step("create open/ad/b (in alice's 0777 dir)", write_file, "open/ad/b", b"b")
    show_stat("open/ad/b")
    step("chmod open/a (alice's)", os.chmod, "open/a", 0o777)
    step("chown open/a to bob", os.chown, "open/a", 1002, 1002)
    step("chown open/a -1 -1 (not owner)", os.chown, "open/a", -1, -1)
    step("utimensat open/a explicit (not owner)", utimensat, "open/a", OLD_NS, OLD_NS)
    step("chmod open/ad/b 0600 (own)", os.chmod, "open/ad/b", 0o600)
    step("setxattr user.x on open/a (not writable)", os.setxattr, "open/a", "user.x", b"x")


ALICE.run(alice)
BOB.run(bob)
step("root: chown open/a to bob", os.chown, "open/a", 1002, 1002)
show_stat("open/a")
step("root: lchown open/al 1002 1002", os.lchown, "open/al", 1002, 1002)
show_lstat("open/al")
show_stat("open/a")
step("root: chown open/ad/b 4000 4001", os.chown, "open/ad/b", 4000, 4001)
show_stat("open/ad/b")
