"""Tries once, without waiting, to take an exclusive lock on a file; prints `locked` or the errno name.

usage: lock_try.py FILE posix|flock
"""
import errno
import fcntl
import os
import sys

path, kind = sys.argv[1:3]
fd = os.open(path, os.O_RDWR)
try:
    if kind == "posix":
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 0, 0)
    else:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("locked")
except OSError as e:
    print(errno.errorcode[e.errno])
