# Permission checks between users: EACCES and EPERM for every operation, search and read bits.
# users: root
from probelib import *

step("mkdir p", os.mkdir, "p")
step("chown p to alice", os.chown, "p", 1001, 1001)
step("mkdir w (world-writable, not sticky)", os.mkdir, "w")
step("chmod w 0777", os.chmod, "w", 0o777)


def alice_sets_up():
    step("create p/private 0600", write_file, "p/private", b"secret", 0o600)
    step("create p/readable 0644", write_file, "p/readable", b"public", 0o644)
    step("create p/writable 0666", write_file, "p/writable", b"anyone", 0o666)
    step("chmod p/writable 0666", os.chmod, "p/writable", 0o666)
    step("create p/group 0640 group 2002", write_file, "p/group", b"group", 0o640)
    step("chown p/group to group 2002", os.chown, "p/group", -1, SHARED_GID)
    step("create p/others-only 0044", write_file, "p/others-only", b"others", 0o644)
    step("chmod p/others-only 0044", os.chmod, "p/others-only", 0o044)
    step("read p/others-only as owner", read_file, "p/others-only")
    step("read p/group as member", read_file, "p/group")
    step("mkdir w/ad", os.mkdir, "w/ad")
    step("mkdir w/dst", os.mkdir, "w/dst", 0o777)
    step("chmod w/dst 0777", os.chmod, "w/dst", 0o777)


def bob_tries():
    section("files")
    step("read p/private", read_file, "p/private")
    step("read p/readable", read_file, "p/readable")
    step("read p/group (not a member)", read_file, "p/group")
    step("read p/others-only", read_file, "p/others-only")
    step("open p/readable for writing", os.open, "p/readable", os.O_WRONLY, show=quiet)
    step("open p/readable O_RDONLY|O_TRUNC", os.open, "p/readable", os.O_RDONLY | os.O_TRUNC, show=quiet)
    step("truncate p/readable", os.truncate, "p/readable", 0)
    step("truncate p/writable", os.truncate, "p/writable", 2)
    step("utimensat p/writable NOW NOW", utimensat, "p/writable", UTIME_NOW, UTIME_NOW)
    step("utimensat p/readable NOW NOW", utimensat, "p/readable", UTIME_NOW, UTIME_NOW)
    step("utimensat p/writable explicit", utimensat, "p/writable", OLD_NS, OLD_NS)
    step("chmod p/writable", os.chmod, "p/writable", 0o777)
    step("chown p/writable to bob", os.chown, "p/writable", 1002, 1002)
    step("setxattr user.b on p/writable", os.setxattr, "p/writable", "user.b", b"b")
    step("setxattr user.b on p/readable", os.setxattr, "p/readable", "user.b", b"b")
    step("getxattr user.b on p/writable", os.getxattr, "p/writable", "user.b")
    step("getxattr on p/private (no read permission)", os.getxattr, "p/private", "user.b")
    step("removexattr user.b on p/readable", os.removexattr, "p/readable", "user.b")

    section("directory writes")
    step("create p/new", os.open, "p/new", os.O_CREAT | os.O_WRONLY, show=quiet)
    step("mkdir p/newdir", os.mkdir, "p/newdir")
    step("mkfifo p/fifo", os.mkfifo, "p/fifo")
    step("symlink p/link", os.symlink, "x", "p/link")
    step("unlink p/readable", os.unlink, "p/readable")
    step("rename p/readable p/r2", os.rename, "p/readable", "p/r2")
    step("rename p/readable w/r2 (out of p)", os.rename, "p/readable", "w/r2")
    step("link p/readable p/hard", os.link, "p/readable", "p/hard")
    step("link p/writable w/hard (protected_hardlinks may refuse)", os.link, "p/writable", "w/hard")
    step("rename w/ad w/ad2 (alice's dir, same parent)", os.rename, "w/ad", "w/ad2")
    step("rename w/ad2 w/dst/ad (alice's dir, new parent)", os.rename, "w/ad2", "w/dst/ad")
    step("rmdir w/ad2 (alice's, in non-sticky dir)", os.rmdir, "w/ad2")
    step("create in w/dst", write_file, "w/dst/bob", b"")


def alice_restricts(mode):
    step(f"chmod p {mode:04o}", os.chmod, "p", mode)


def bob_looks():
    step("stat p/readable", lambda: os.stat("p/readable").st_size)
    step("listdir p", lambda: sorted(os.listdir("p")))
    step("open p O_RDONLY", lambda: os.close(os.open("p", os.O_RDONLY)))
    step("access p/readable R_OK", access, "p/readable", os.R_OK)
    step("chdir p and back", lambda: (os.chdir("p"), os.chdir("..")) and None)


ALICE.run(alice_sets_up)
BOB.run(bob_tries)
for mode in (0o700, 0o711, 0o744, 0o755):
    ALICE.run(lambda: alice_restricts(mode))
    BOB.run(bob_looks)
step("root reads p/private", read_file, "p/private")
step("root: chmod p/private 0000", os.chmod, "p/private", 0)
step("root reads p/private (mode 0)", read_file, "p/private")
step("root: access p/private X_OK (mode 0)", access, "p/private", os.X_OK)
step("root: chmod p/private 0100", os.chmod, "p/private", 0o100)
step("root: access p/private X_OK (mode 0100)", access, "p/private", os.X_OK)
