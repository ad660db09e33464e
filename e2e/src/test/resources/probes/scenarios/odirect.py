# O_DIRECT: aligned reads and writes through page-aligned buffers, mixed with buffered access.
# users: root nobody
from probelib import *

block = aligned_buffer(8192)
block.write(pattern(8192, 5))
fd = opened("create d.bin O_DIRECT", "d.bin", os.O_RDWR | os.O_CREAT | os.O_DIRECT)
step("pwritev 8192 at 0", os.pwritev, fd, [block], 0)
step("pwritev 8192 at 1 MiB", os.pwritev, fd, [block], 1 << 20)
show_fstat("d.bin", fd)
back = aligned_buffer(8192)
step("preadv 8192 at 0", os.preadv, fd, [back], 0)
step("data read back", lambda: bytes(back) == bytes(block))
step("preadv 8192 past EOF", os.preadv, fd, [back], 2 << 20)
step("fsync", os.fsync, fd)
close("close", fd)
show_content("d.bin")
fd = opened("open buffered", "d.bin", os.O_RDWR)
step("buffered pwrite 4096 at 4096", os.pwrite, fd, pattern(4096, 6), 4096)
close("close", fd)
fd = opened("open O_DIRECT read-only", "d.bin", os.O_RDONLY | os.O_DIRECT)
step("preadv 8192 at 0 sees buffered write", lambda: os.preadv(fd, [back], 0) == 8192
     and bytes(back) == pattern(8192, 5)[:4096] + pattern(4096, 6))
close("close", fd)
fd = opened("fcntl F_SETFL O_DIRECT on buffered fd", "d.bin", os.O_RDWR)
step("set O_DIRECT", fcntl.fcntl, fd, fcntl.F_SETFL, os.O_DIRECT)
step("O_DIRECT is set", lambda: bool(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_DIRECT))
step("preadv 4096 at 8192", os.preadv, fd, [aligned_buffer(4096)], 8192)
close("close", fd)
