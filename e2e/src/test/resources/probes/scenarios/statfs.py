# statfs: the file system's geometry as the caller sees it.
# users: root nobody
from probelib import *


def geometry(path):
    v = os.statvfs(path)
    return f"bytes={v.f_blocks * v.f_frsize} files={v.f_files} namemax={v.f_namemax}"


step("statvfs .", geometry, ".")
step("create f", write_file, "f", b"")
step("statvfs f", geometry, "f")
fd = opened("open f", "f", os.O_RDONLY)
step("fstatvfs f", lambda: geometry(fd))
close("close", fd)
step("statvfs missing", os.statvfs, "missing")
step("statvfs f/x", os.statvfs, "f/x")
