# fallocate modes (allocate, KEEP_SIZE, PUNCH_HOLE, ZERO_RANGE), read back at once and after reopen.
# users: root nobody
from probelib import *

MIB = 1 << 20


def blocks(path):
    return f"size={os.stat(path).st_size} allocated={os.stat(path).st_blocks * 512}"


fd = opened("create f", "f", os.O_RDWR | os.O_CREAT)
data = pattern(4 * MIB, 9)
step("write 4 MiB", os.pwrite, fd, data, 0)
step("read back (fills the page cache)", lambda: os.pread(fd, 4 * MIB, 0) == data)

section("punch hole")
step("punch 1 MiB at 1 MiB", fallocate, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, MIB, MIB)
step("read back through same fd", lambda: os.pread(fd, 4 * MIB, 0) == data[:MIB] + bytes(MIB) + data[2 * MIB:])
step("read back after reopen", lambda: read_file("f") == data[:MIB] + bytes(MIB) + data[2 * MIB:])
step("space", blocks, "f")
step("punch unaligned 1000 bytes at 10", fallocate, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 10, 1000)
step("bytes 0..1100", os.pread, fd, 1100, 0)
step("punch without KEEP_SIZE", fallocate, fd, FALLOC_FL_PUNCH_HOLE, 0, 4096)
step("punch past EOF", fallocate, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 8 * MIB, MIB)
step("space", blocks, "f")
data = data[:10] + bytes(1000) + data[1010:MIB] + bytes(MIB) + data[2 * MIB:]

section("zero range")
step("zero 1 MiB at 2 MiB + 100", fallocate, fd, FALLOC_FL_ZERO_RANGE, 2 * MIB + 100, MIB)
data = data[:2 * MIB + 100] + bytes(MIB) + data[3 * MIB + 100:]
step("read back through same fd", lambda: os.pread(fd, 4 * MIB, 0) == data)
step("read back after reopen", lambda: read_file("f") == data)
step("zero range beyond EOF grows the file", fallocate, fd, FALLOC_FL_ZERO_RANGE, 4 * MIB, 4096)
step("size", lambda: os.fstat(fd).st_size)
step("zero range beyond EOF with KEEP_SIZE", fallocate, fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 5 * MIB, 4096)
step("size", lambda: os.fstat(fd).st_size)

section("allocate")
step("allocate to 6 MiB", fallocate, fd, 0, 0, 6 * MIB)
step("size", lambda: os.fstat(fd).st_size)
step("new tail is zeros", lambda: os.pread(fd, 2 * MIB, 4 * MIB + 4096) == bytes(2 * MIB - 4096))
step("allocate KEEP_SIZE to 8 MiB", fallocate, fd, FALLOC_FL_KEEP_SIZE, 0, 8 * MIB)
step("space", blocks, "f")
step("posix_fallocate to 7 MiB", os.posix_fallocate, fd, 0, 7 * MIB)
step("size", lambda: os.fstat(fd).st_size)

section("errors")
step("length 0", fallocate, fd, 0, 0, 0)
step("negative offset", fallocate, fd, 0, -1, 10)
step("unknown mode 0x1000", fallocate, fd, 0x1000, 0, 10)
close("close", fd)
fd = opened("open read-only", "f", os.O_RDONLY)
step("allocate on read-only fd", fallocate, fd, 0, 0, 10)
close("close", fd)
fd = opened("open append", "f", os.O_WRONLY | os.O_APPEND)
step("punch hole on append-only fd", fallocate, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 10)
close("close", fd)
step("mkdir d", os.mkdir, "d")
fd = opened("open d", "d", os.O_RDONLY)
step("allocate on dir", fallocate, fd, 0, 0, 10)
close("close", fd)
