#!/usr/bin/env python3
"""FIFO scenarios between a "client" process and a "peer" process.

usage: fifo_scenarios.py SCENARIO FIFO_DIR CLIENT_DIR PEER_DIR

The client opens FIFO_DIR's FIFOs under CLIENT_DIR (through a mount, or the same directory
for a local FIFO), the peer under PEER_DIR (the server's directory, another mount, or the
same directory). Each scenario prints what happened, one fact a line, so that a remote run
can be compared line by line with a local one. Every wait is bounded.
"""
import errno
import os
import select
import signal
import subprocess
import sys
import time

SCENARIO, NAME_DIR, CLIENT, PEER = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
LIMIT = 20.0


def out(*parts):
    print(*parts, flush=True)


def path(side, name):
    return os.path.join(side, NAME_DIR, name)


def fresh(name):
    """A new FIFO, made on the peer's side."""
    p = path(PEER, name)
    if os.path.exists(p):
        os.unlink(p)
    os.mkfifo(p, 0o666)
    return name


def err(e):
    return errno.errorcode.get(e.errno, str(e.errno))


def child(code):
    """A separate process running code (the client side of a step), its output collected."""
    return subprocess.Popen([sys.executable, "-c", "import os, sys, signal, time\n" + code],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(p):
    try:
        text, _ = p.communicate(timeout=LIMIT)
    except subprocess.TimeoutExpired:
        p.kill()
        text, _ = p.communicate()
        return "TIMED OUT " + text
    return text.strip() + (" exit %d" % p.returncode)


def until(condition):
    end = time.monotonic() + LIMIT
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def reader_gone(name):
    """Whether the peer side sees no reader (closing a remote FIFO reaches the server a little after close(2) returns)."""
    def check():
        try:
            os.close(os.open(path(PEER, name), os.O_WRONLY | os.O_NONBLOCK))
            return False
        except OSError as e:
            return e.errno == errno.ENXIO
    return until(check)


def writer_gone(name):
    """Whether the peer side sees no writer: a non-blocking read of an empty FIFO answers EOF, not EAGAIN."""
    fd = os.open(path(PEER, name), os.O_RDONLY | os.O_NONBLOCK)
    try:
        def check():
            try:
                return os.read(fd, 1) == b""
            except BlockingIOError:
                return False
        return until(check)
    finally:
        os.close(fd)


def client_waits_in_open(name, client_code, peer_io):
    """The client runs client_code (% its FIFO path and a marker path), which opens first and
    must wait; the peer makes the marker, then runs peer_io(its FIFO path)."""
    marker = path(PEER, name + ".peer-opening")
    c = child(client_code % (path(CLIENT, name), marker))
    time.sleep(0.5)
    out("client still waiting in open:", c.poll() is None)
    open(marker, "w").close()
    peer_io(path(PEER, name))
    out(finish(c))
    os.unlink(marker)


def client_reads():
    """The client opens for reading first (blocks), the peer writes twice and closes: data, then EOF."""
    def peer(p):
        fd = os.open(p, os.O_WRONLY)
        os.write(fd, b"hello ")
        time.sleep(0.3)
        os.write(fd, b"world")
        os.close(fd)
    client_waits_in_open(fresh("reads"), """
fd = os.open(%r, os.O_RDONLY)
print("open returned; peer had opened:", os.path.exists(%r), flush=True)
data = b""
while True:
    chunk = os.read(fd, 100)
    if not chunk:
        break
    data += chunk
print("read", data, "then EOF")
""", peer)


def client_writes():
    """The client opens for writing first (blocks), writes, closes; the peer reads it all and sees EOF."""
    def peer(p):
        fd = os.open(p, os.O_RDONLY)
        data = b""
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
        os.close(fd)
        out("peer read", len(data), "bytes ending", data[-3:], "then EOF")
    client_waits_in_open(fresh("writes"), """
fd = os.open(%r, os.O_WRONLY)
print("open returned; peer had opened:", os.path.exists(%r), flush=True)
os.write(fd, b"x" * 100000)
os.write(fd, b"end")
os.close(fd)
""", peer)


def nonblocking():
    """O_NONBLOCK and O_RDWR opens, EAGAIN and EOF on reads, as open(2) and read(2) define them for FIFOs."""
    name = fresh("nonblock")
    c = path(CLIENT, name)
    try:
        os.open(c, os.O_WRONLY | os.O_NONBLOCK)
        out("O_WRONLY|O_NONBLOCK without reader: opened")
    except OSError as e:
        out("O_WRONLY|O_NONBLOCK without reader:", err(e))
    r = os.open(c, os.O_RDONLY | os.O_NONBLOCK)
    out("O_RDONLY|O_NONBLOCK without writer: opened")
    out("read without writer:", os.read(r, 10))
    w = os.open(path(PEER, name), os.O_WRONLY | os.O_NONBLOCK)
    out("peer O_WRONLY|O_NONBLOCK with the client reading: opened")
    try:
        os.read(r, 10)
        out("read of empty FIFO with writer: data")
    except OSError as e:
        out("read of empty FIFO with writer:", err(e))
    os.write(w, b"abc")
    out("read after peer wrote:", os.read(r, 10) if until(lambda: select.select([r], [], [], 0)[0]) else "nothing")
    os.close(w)
    out("read after peer closed:", os.read(r, 10) if until(lambda: select.select([r], [], [], 0)[0]) else "nothing")
    os.close(r)
    reader_gone(name)
    rw = os.open(c, os.O_RDWR)
    out("O_RDWR without peers: opened")
    os.write(rw, b"self")
    out("O_RDWR reads its own write:", os.read(rw, 10))
    os.close(rw)
    p = child("""
fd = os.open(%r, os.O_WRONLY | os.O_NONBLOCK)
print("O_WRONLY|O_NONBLOCK with a reader: opened")
""" % c)
    pr = os.open(path(PEER, name), os.O_RDONLY | os.O_NONBLOCK)
    out(finish(p))
    os.close(pr)


def broken_pipe():
    """A write after the last reader closed: EPIPE, and SIGPIPE to the writer (caught, then by default)."""
    name = fresh("pipe")
    code = """
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGPIPE])
r = os.open(%r, os.O_RDONLY | os.O_NONBLOCK)
w = os.open(%r, os.O_WRONLY)
os.write(w, b"before")
print("peer read", os.read(r, 10), flush=True)
os.close(r)
print("reader closed", flush=True)
time.sleep(0.3)
try:
    os.write(w, b"after")
    print("write after reader closed: written")
except OSError as e:
    print("write after reader closed:", e.strerror, "; SIGPIPE pending for the writer:", signal.SIGPIPE in signal.sigpending(), flush=True)
signal.sigwait([signal.SIGPIPE])
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGPIPE])
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
os.write(w, b"again")
print("still alive after a write with SIGPIPE at its default")
""" % (path(PEER, name), path(CLIENT, name))
    p = child(code)
    out(finish(p).replace("exit -13", "killed by SIGPIPE"))


def epoll_many():
    """One epoll set over several FIFOs read by the client: only the written ones wake it; EPOLLHUP when a writer closes; EPOLLOUT."""
    names = [fresh("ep%d" % i) for i in range(6)]
    ep = select.epoll()
    fds = {}
    for n in names:
        fd = os.open(path(CLIENT, n), os.O_RDONLY | os.O_NONBLOCK)
        fds[fd] = n
        ep.register(fd, select.EPOLLIN)
    writers = {n: os.open(path(PEER, n), os.O_WRONLY | os.O_NONBLOCK) for n in names}

    def wait(what):
        events = ep.poll(LIMIT)
        time.sleep(0.2)   # let every wake-up that is coming arrive
        events = dict(events)
        events.update(dict(ep.poll(0)))
        out(what, sorted((fds[f], flags_of(e)) for f, e in events.items()))

    out("nothing written:", ep.poll(0.5))
    os.write(writers["ep1"], b"1")
    os.write(writers["ep4"], b"4")
    wait("after writing ep1 and ep4:")
    for f, n in fds.items():
        if n in ("ep1", "ep4"):
            os.read(f, 10)
    out("after reading them:", ep.poll(0.5))
    os.write(writers["ep2"], b"2")
    wait("after writing ep2:")
    os.read([f for f, n in fds.items() if n == "ep2"][0], 10)
    os.close(writers["ep5"])
    wait("after closing the writer of ep5:")
    ep.unregister([f for f, n in fds.items() if n == "ep5"][0])
    for w in writers.values():
        try:
            os.close(w)
        except OSError:
            pass
    for f in fds:
        os.close(f)

    name = fresh("epout")
    pr = os.open(path(PEER, name), os.O_RDONLY | os.O_NONBLOCK)
    w = os.open(path(CLIENT, name), os.O_WRONLY | os.O_NONBLOCK)
    ep2 = select.epoll()
    ep2.register(w, select.EPOLLOUT)
    out("writer, FIFO empty:", [flags_of(e) for _, e in ep2.poll(LIMIT)])
    written = 0
    while True:
        try:
            written += os.write(w, b"z" * 4096)
        except BlockingIOError:
            break
    out("FIFO full:", ep2.poll(0.5))
    while True:
        try:
            if not os.read(pr, 65536):
                break
        except BlockingIOError:
            break
    out("after the peer read it all:", [flags_of(e) for _, e in ep2.poll(LIMIT)])
    os.close(pr)
    reader_gone(name)
    out("after the reader closed:", [flags_of(e) for _, e in ep2.poll(LIMIT)])
    os.close(w)


def flags_of(e):
    names = [n for n, bit in (("IN", select.EPOLLIN), ("OUT", select.EPOLLOUT), ("ERR", select.EPOLLERR),
                              ("HUP", select.EPOLLHUP)) if e & bit]
    return "|".join(names)


def interrupted():
    """A client process blocked in open or read is killed by SIGINT; the peer end is left as if it never opened."""
    for what, code, check in (
            ("open for reading", "os.open(%r, os.O_RDONLY)", "reader"),
            ("open for writing", "os.open(%r, os.O_WRONLY)", "writer"),
            ("read", "fd = os.open(%r, os.O_RDWR)\nprint('opened', flush=True)\nos.read(fd, 10)", None)):
        name = fresh("intr")
        p = child("signal.signal(signal.SIGINT, signal.SIG_DFL)\n" + code % path(CLIENT, name))
        time.sleep(0.7)
        out(what, "still waiting:", p.poll() is None)
        p.send_signal(signal.SIGINT)
        out(what, "after SIGINT:", finish(p).replace("opened", "").replace("exit -2", "killed by SIGINT").strip())
        if check == "reader":
            out(what, "left no reader behind:", reader_gone(name))
        elif check == "writer":
            out(what, "left no writer behind:", writer_gone(name))
        else:
            out(what, "left no reader behind:", reader_gone(name))


def client_mkfifo():
    """mkfifo through the client, then used by the client and the peer."""
    name = "made"
    for p in (path(CLIENT, name),):
        if os.path.exists(p):
            os.unlink(p)
    os.mkfifo(path(CLIENT, name), 0o640)
    import stat
    out("peer sees a FIFO:", stat.S_ISFIFO(os.stat(path(PEER, name)).st_mode), oct(os.stat(path(PEER, name)).st_mode & 0o777))
    r = os.open(path(PEER, name), os.O_RDONLY | os.O_NONBLOCK)
    w = os.open(path(CLIENT, name), os.O_WRONLY)
    os.write(w, b"through the new FIFO")
    out("peer read:", os.read(r, 100) if until(lambda: select.select([r], [], [], 0)[0]) else "nothing")
    os.close(w)
    os.close(r)


{"client_reads": client_reads, "client_writes": client_writes, "nonblocking": nonblocking, "broken_pipe": broken_pipe,
 "epoll_many": epoll_many, "interrupted": interrupted, "client_mkfifo": client_mkfifo}[SCENARIO]()
