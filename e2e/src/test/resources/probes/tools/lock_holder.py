"""Holds a lock on a file until told to let go (used to make lock conflicts across the mount).

usage: lock_holder.py FILE posix|flock READY_MARKER RELEASE_MARKER
Creates READY_MARKER once the lock is held; exits (dropping the lock) when RELEASE_MARKER
exists, or after 60 s at most.
"""
import fcntl
import os
import sys
import time

path, kind, ready, release = sys.argv[1:5]
fd = os.open(path, os.O_RDWR)
if kind == "posix":
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 0, 0)
else:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
open(ready, "w").close()
deadline = time.monotonic() + 60
while not os.path.exists(release) and time.monotonic() < deadline:
    time.sleep(0.02)
