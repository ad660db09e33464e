# Set-group-ID directories: new entries take the directory's group; subdirectories inherit the bit.
# users: root
from probelib import *

step("mkdir g", os.mkdir, "g")
step("chown g to group 2002", os.chown, "g", 0, SHARED_GID)
step("chmod g 2777", os.chmod, "g", 0o2777)
show_stat("g")
step("mkdir plain (no setgid)", os.mkdir, "plain")
step("chown plain to group 2002", os.chown, "plain", 0, SHARED_GID)
step("chmod plain 0777", os.chmod, "plain", 0o777)
step("mkdir alice (alice's own)", os.mkdir, "alice")
step("chown alice to alice", os.chown, "alice", 1001, 1001)


def alice():
    step("create g/a", write_file, "g/a", b"")
    show_stat("g/a")
    step("mkdir g/asub", os.mkdir, "g/asub")
    show_stat("g/asub")
    step("create g/asub/deeper", write_file, "g/asub/deeper", b"")
    show_stat("g/asub/deeper")
    step("symlink g/al", os.symlink, "a", "g/al")
    show_lstat("g/al")
    step("mkfifo g/ap", os.mkfifo, "g/ap")
    show_stat("g/ap")
    step("create g/ax mode 2755 (member of the group)", lambda: os.close(os.open("g/ax", os.O_CREAT | os.O_WRONLY, 0o2755)))
    show_stat("g/ax")
    step("chmod g/a 2755", os.chmod, "g/a", 0o2755)
    show_stat("g/a")
    step("create plain/a", write_file, "plain/a", b"")
    show_stat("plain/a")
    step("create a in own dir, then rename into g", lambda: (write_file("alice/m", b""), os.rename("alice/m", "g/m")) and None)
    show_stat("g/m")


def bob():
    step("create g/b", write_file, "g/b", b"")
    show_stat("g/b")
    step("mkdir g/bsub", os.mkdir, "g/bsub")
    show_stat("g/bsub")
    step("create g/bx mode 2755 (not a member)", lambda: os.close(os.open("g/bx", os.O_CREAT | os.O_WRONLY, 0o2755)))
    show_stat("g/bx")
    step("create g/by mode 2745 (not a member, no group exec)", lambda: os.close(os.open("g/by", os.O_CREAT | os.O_WRONLY, 0o2745)))
    show_stat("g/by")
    step("chmod g/b 2755 (not a member)", os.chmod, "g/b", 0o2755)
    show_stat("g/b")
    step("mkdir g/bsub/x mode 2755", os.mkdir, "g/bsub/x", 0o2755)
    show_stat("g/bsub/x")
    step("chown g/b to group 2002 (not a member)", os.chown, "g/b", -1, SHARED_GID)


ALICE.run(alice)
BOB.run(bob)
step("root: chmod g 0777 (clear setgid)", os.chmod, "g", 0o777)
show_stat("g")
step("root: create g/r", write_file, "g/r", b"")
show_stat("g/r")
