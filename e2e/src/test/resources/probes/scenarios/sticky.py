# Sticky directories: only the owner of an entry, of the directory, or root may remove or rename it.
# users: root
from probelib import *

step("mkdir t", os.mkdir, "t")
step("chmod t 1777", os.chmod, "t", 0o1777)
show_stat("t")


def alice_creates():
    step("create t/a", write_file, "t/a", b"alice")
    step("chmod t/a 0666", os.chmod, "t/a", 0o666)
    step("mkdir t/ad", os.mkdir, "t/ad")
    step("chmod t/ad 0777", os.chmod, "t/ad", 0o777)
    step("mkdir t/own (alice's sticky dir)", os.mkdir, "t/own")
    step("chmod t/own 1777", os.chmod, "t/own", 0o1777)


def bob_tries():
    step("create t/b", write_file, "t/b", b"bob")
    step("write t/a (world-writable)", write_file, "t/a", b"bob was here", 0o666)
    step("unlink t/a", os.unlink, "t/a")
    step("rename t/a t/x", os.rename, "t/a", "t/x")
    step("rename t/b t/a (over alice's file)", os.rename, "t/b", "t/a")
    step("exchange t/b t/a", renameat2, "t/b", "t/a", RENAME_EXCHANGE)
    step("rmdir t/ad", os.rmdir, "t/ad")
    step("rename t/ad t/bd", os.rename, "t/ad", "t/bd")
    step("create t/ad/inside (dir is 0777)", write_file, "t/ad/inside", b"")
    step("unlink t/ad/inside (non-sticky dir)", os.unlink, "t/ad/inside")
    step("rename t/b t/b2 (own file)", os.rename, "t/b", "t/b2")
    step("create t/own/bob", write_file, "t/own/bob", b"")
    step("unlink t/b2 (own file)", os.unlink, "t/b2")
    step("create t/b3", write_file, "t/b3", b"")


def alice_cleans():
    show_content("t/a")
    step("unlink t/own/bob (as owner of the dir)", os.unlink, "t/own/bob")
    step("unlink t/b3 (bob's, in root's dir)", os.unlink, "t/b3")
    step("unlink t/a (own)", os.unlink, "t/a")
    step("rmdir t/ad (own)", os.rmdir, "t/ad")


ALICE.run(alice_creates)
BOB.run(bob_tries)
ALICE.run(alice_cleans)
step("unlink t/b3 as root", os.unlink, "t/b3")
step("readdir t", lambda: " ".join(f"{n}:{t}" for n, t, _ in read_dir("t")))
