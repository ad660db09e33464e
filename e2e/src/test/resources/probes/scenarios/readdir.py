# readdir and readdirplus: raw entries with . and .., d_type, d_ino against st_ino, large dirs.
# users: root nobody
from probelib import *


def entries(path):
    return " ".join(f"{n}:{t}" for n, t, _ in read_dir(path))


def inodes_agree(path):
    """Every entry's d_ino equals the st_ino that lstat gives for it."""
    wrong = [n for n, _, ino in read_dir(path)
             if n not in ("..",) and os.lstat(os.path.join(path, n)).st_ino != ino]
    return "all" if not wrong else "differ: " + " ".join(wrong)


section("kinds")
step("empty dir", entries, ".")
step("mkdir d", os.mkdir, "d")
step("create f", write_file, "f", b"f")
step("symlink l -> f", os.symlink, "f", "l")
step("mkfifo p", os.mkfifo, "p")
step("mknod s", os.mknod, "s", stat.S_IFSOCK | 0o644)
step("readdir .", entries, ".")
step("d_ino matches st_ino", inodes_agree, ".")
step("scandir is_dir/is_file/is_symlink", lambda: [(e.name, e.is_dir(follow_symlinks=False),
                                                     e.is_file(follow_symlinks=False), e.is_symlink())
                                                    for e in sorted(os.scandir("."), key=lambda e: e.name)])
step("readdir of file", entries, "f")
step("readdir missing", entries, "missing")
step("readdir through symlink to dir", lambda: (os.symlink("d", "ld"), entries("ld"))[1])

section("large directory")
step("create 600 files with 100-byte names", lambda: [write_file("d/%03d-" % i + "x" * 96, b"") for i in range(600)] and None)
step("count", lambda: len(read_dir("d")))
step("all names", lambda: describe_bytes("\n".join(n for n, _, _ in read_dir("d")).encode()))
step("d_ino matches st_ino", inodes_agree, "d")
step("unlink every other", lambda: [os.unlink("d/%03d-" % i + "x" * 96) for i in range(0, 600, 2)] and None)
step("count", lambda: len(read_dir("d")))
step("all names", lambda: describe_bytes("\n".join(n for n, _, _ in read_dir("d")).encode()))
show_stat("d")

section("changes between two listings")
step("create d/new", write_file, "d/new", b"")
step("new is listed", lambda: "new" in os.listdir("d"))
step("rename d/new d/renamed", os.rename, "d/new", "d/renamed")
step("names after rename", lambda: [n for n in os.listdir("d") if not n[0].isdigit()])


section("listing while the directory changes under an open handle")


def iterate_and_unlink():
    """POSIX: entries neither removed nor added during the listing are returned exactly once."""
    before = set(os.listdir("d"))
    seen = []
    with os.scandir("d") as it:
        for i, e in enumerate(it):
            seen.append(e.name)
            if i == 10:
                os.unlink("d/renamed")
    kept = before - {"renamed"}
    missing = len(kept - set(seen))
    repeated = len(seen) - len(set(seen))
    return f"missing={missing} repeated={repeated}"


step("listing while an entry is removed", iterate_and_unlink)

section("rewinddir: a second pass on one handle")
fd = opened("open d", "d", os.O_RDONLY | os.O_DIRECTORY)
step("first pass", lambda: len(os.listdir(fd)))
step("second pass", lambda: len(os.listdir(fd)))
close("close", fd)
