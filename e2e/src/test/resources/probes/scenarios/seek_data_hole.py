# lseek SEEK_DATA / SEEK_HOLE over a sparse file.
# users: root nobody
from probelib import *

MIB = 1 << 20
fd = opened("create sparse", "s", os.O_RDWR | os.O_CREAT)
step("write 4 KiB at 0", os.pwrite, fd, pattern(4096), 0)
step("write 4 KiB at 1 MiB", os.pwrite, fd, pattern(4096), MIB)
step("ftruncate 3 MiB", os.ftruncate, fd, 3 * MIB)
step("fsync", os.fsync, fd)
for whence_name, whence in (("SEEK_DATA", os.SEEK_DATA), ("SEEK_HOLE", os.SEEK_HOLE)):
    for offset in (0, 100, 4096, 512 * 1024, MIB, MIB + 4095, 2 * MIB, 3 * MIB - 1, 3 * MIB, 4 * MIB):
        step(f"{whence_name} from {offset}", os.lseek, fd, offset, whence)
step("SEEK_DATA negative", os.lseek, fd, -1, os.SEEK_DATA)
step("punch hole 0..4 KiB", fallocate, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096)
step("SEEK_DATA from 0 after punch", os.lseek, fd, 0, os.SEEK_DATA)
close("close", fd)
fd = opened("create empty", "e", os.O_RDWR | os.O_CREAT)
step("SEEK_DATA in empty file", os.lseek, fd, 0, os.SEEK_DATA)
step("SEEK_HOLE in empty file", os.lseek, fd, 0, os.SEEK_HOLE)
close("close", fd)
fd = opened("create full", "full", os.O_RDWR | os.O_CREAT)
step("write 10000", os.write, fd, pattern(10000))
step("SEEK_HOLE in dense file", os.lseek, fd, 0, os.SEEK_HOLE)
step("SEEK_DATA from 9999", os.lseek, fd, 9999, os.SEEK_DATA)
close("close", fd)
