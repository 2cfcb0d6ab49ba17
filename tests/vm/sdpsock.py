# SPDX-License-Identifier: GPL-2.0
"""What the python helpers of the VM suites share: AF_INET_SDP sockets
driven as AF_INET ones, and "ok: ..." / "FAIL: ..." check lines (counted
by sdp_count_checks in testlib.sh)."""
import errno
import socket
import time

AF_INET_SDP = 27
fails = 0


def check(name, cond):
    global fails
    print(("ok: " if cond else "FAIL: ") + name, flush=True)
    fails += not cond


def timed(sock, secs, call):
    """call() with sock's timeout at secs: how it ended, as an errno (0: it
    returned; None: Python's own timeout, which has none) and the seconds
    it took."""
    sock.settimeout(secs)
    t0 = time.time()
    try:
        call()
        return 0, time.time() - t0
    except OSError as e:
        return e.errno, time.time() - t0


def errname(err):
    """ETIMEDOUT for 110, "returned" for 0, "timed out" for None."""
    if err is None:
        return "timed out"
    return errno.errorcode.get(err, str(err)) if err else "returned"


def sdp_socket():
    # Python knows no family 27 addresses: drive it as an AF_INET socket.
    raw = socket.socket(AF_INET_SDP, socket.SOCK_STREAM)
    return socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, raw.detach())


def sdp_pair(addr, port, nbytes):
    """A listener on addr:port, a connection to it from an unbound socket,
    and nbytes moved from the client to the accepted end: (listener,
    client, accepted)."""
    ls = sdp_socket()
    ls.bind((addr, port))
    ls.listen(4)
    c = sdp_socket()
    c.connect((addr, port))
    a, _ = ls.accept()
    c.sendall(b"x" * nbytes)
    got = 0
    while got < nbytes:
        got += len(a.recv(65536))
    return ls, c, a
