# copy_file_range: whole and partial copies, offsets, holes, overlap, and errors.
# users: root nobody
from probelib import *

src_data = pattern(300000, 11)
step("create src", write_file, "src", src_data)
src = opened("open src", "src", os.O_RDONLY)
dst = opened("create dst", "dst", os.O_RDWR | os.O_CREAT)


def copy_all(offset_src, offset_dst, count):
    total = 0
    while total < count:
        n = os.copy_file_range(src, dst, count - total, offset_src + total, offset_dst + total)
        if n == 0:
            break
        total += n
    return total


step("copy all", copy_all, 0, 0, 300000)
step("dst equals src", lambda: read_file("dst") == src_data)
step("copy 1000 from 5 to 200000", copy_all, 5, 200000, 1000)
step("dst bytes", lambda: read_file("dst")[200000:201000] == src_data[5:1005])
step("copy to beyond EOF (leaves a hole)", copy_all, 0, 500000, 10)
step("dst size", lambda: os.fstat(dst).st_size)
step("hole is zeros", lambda: read_file("dst")[300000:500000] == bytes(200000))
step("copy from beyond source EOF", os.copy_file_range, src, dst, 100, 400000, 0)
step("copy with file positions", lambda: (os.lseek(src, 10, 0), os.lseek(dst, 0, 0),
                                          os.copy_file_range(src, dst, 20),
                                          os.lseek(src, 0, 1), os.lseek(dst, 0, 1))[2:])
step("dst start", lambda: read_file("dst")[:30] == src_data[10:30] + src_data[20:30])
step("copy 0 bytes", os.copy_file_range, src, dst, 0, 0, 0)
same = opened("open src rw", "src", os.O_RDWR)
step("copy within a file, overlapping", os.copy_file_range, same, same, 1000, 0, 500)
step("copy within a file, not overlapping", os.copy_file_range, same, same, 1000, 0, 100000)
step("src after", lambda: read_file("src")[100000:101000] == src_data[:1000])
close("close src rw", same)
step("copy to read-only fd", os.copy_file_range, dst, src, 10, 0, 0)
wo = opened("open dst write-only", "dst", os.O_WRONLY)
step("copy from write-only fd", os.copy_file_range, wo, dst, 10, 0, 0)
close("close", wo)
ap = opened("open dst append", "dst", os.O_WRONLY | os.O_APPEND)
step("copy to append fd", os.copy_file_range, src, ap, 10, 0, 0)
close("close", ap)
step("mkdir d", os.mkdir, "d")
d = opened("open d", "d", os.O_RDONLY)
step("copy from dir", os.copy_file_range, d, dst, 10, 0, 0)
close("close", d)
step("negative offset", os.copy_file_range, src, dst, 10, -1, 0)
close("close src", src)
close("close dst", dst)
