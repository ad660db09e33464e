"""Appends numbered records to a file, fsyncing each, until a stop file appears.

Prints `ack N` once the fsync of record N-1 returned, `done N` when stopped, and on a failed
call `error ERRNO NAME` (then exits 1). Records are `record %06d\n`, numbered from 0.

usage: record_writer.py FILE STOP_FILE
"""
import errno
import os
import sys
import time

path, stop = sys.argv[1:3]
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
i = 0
try:
    while not os.path.exists(stop):
        os.write(fd, b"record %06d\n" % i)
        os.fsync(fd)
        i += 1
        print("ack", i, flush=True)
        time.sleep(0.005)
except OSError as e:
    print("error", e.errno, errno.errorcode.get(e.errno, "?"), flush=True)
    sys.exit(1)
finally:
    try:
        os.close(fd)
    except OSError:
        pass
print("done", i, flush=True)
