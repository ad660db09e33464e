# read and write: offsets, holes, large transfers, vectors, EOF, bad descriptors.
# users: root nobody
from probelib import *


def _preadv(fd, sizes, offset):
    buffers = [bytearray(n) for n in sizes]
    os.preadv(fd, buffers, offset)
    return buffers


section("offsets")
fd = opened("create f", "f", os.O_RDWR | os.O_CREAT)
step("write 10", os.write, fd, b"0123456789")
step("position", os.lseek, fd, 0, os.SEEK_CUR)
step("read at EOF", os.read, fd, 10)
step("lseek 3", os.lseek, fd, 3, os.SEEK_SET)
step("read 4", os.read, fd, 4)
step("write ABC at position 7", os.write, fd, b"ABC")
step("pread 100 at 0", os.pread, fd, 100, 0)
step("pwrite at 20 (leaves a hole)", os.pwrite, fd, b"Z", 20)
step("pread 100 at 0", os.pread, fd, 100, 0)
step("pread past EOF", os.pread, fd, 10, 1000)
step("position unchanged by pread/pwrite", os.lseek, fd, 0, os.SEEK_CUR)
step("lseek SEEK_END -1", os.lseek, fd, -1, os.SEEK_END)
step("lseek negative", os.lseek, fd, -100, os.SEEK_SET)
step("lseek bad whence", os.lseek, fd, 0, 17)
step("lseek far beyond EOF", os.lseek, fd, 1 << 40, os.SEEK_SET)
step("write at 1 TiB", os.write, fd, b"far")
show_fstat("f", fd)
step("pread at 1 TiB", os.pread, fd, 10, 1 << 40)
step("ftruncate 0", os.ftruncate, fd, 0)

section("large transfers")
big = pattern(3 * 1024 * 1024 + 123, 7)
step("pwrite 3 MiB + 123", os.pwrite, fd, big, 0)
step("pread back", lambda: os.pread(fd, len(big), 0) == big)
step("pread 1 MiB at odd offset", lambda: os.pread(fd, 1 << 20, 777777) == big[777777:777777 + (1 << 20)])
step("pwritev 3 buffers at 5", os.pwritev, fd, [b"aa", b"bbbb", b"c" * 70000], 5)
step("preadv 3 buffers at 5", lambda: [bytes(b) for b in _preadv(fd, [2, 4, 70000], 5)] == [b"aa", b"bbbb", b"c" * 70000])
close("close", fd)
show_content("f")

section("many small writes")
fd = opened("create s", "s", os.O_WRONLY | os.O_CREAT)
step("1000 writes of 7 bytes", lambda: sum(os.write(fd, b"%06d\n" % i) for i in range(1000)))
close("close", fd)
show_content("s")

section("errors")
step("mkdir d", os.mkdir, "d")
fd = opened("open d", "d", os.O_RDONLY)
step("read on dir", os.read, fd, 10)
step("pread on dir", os.pread, fd, 10, 0)
close("close", fd)
step("write to closed fd", os.write, fd, b"x")
