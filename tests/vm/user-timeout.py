#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""TCP_USER_TIMEOUT on AF_INET_SDP sockets, run by tests/vm/test-stream.sh.

usage: user-timeout.py ADDR PORT BLACKHOLE_CMD RESTORE_CMD

1. A peer that never reads (SDP's zero window: no credits): a blocking
   send() with a 2 s user timeout fails with ETIMEDOUT after about 2 s;
   without one it is still waiting 4 s later.  TCP to the same address
   runs first, as the reference.
2. Keepalive with a user timeout: once BLACKHOLE_CMD makes the peer silent
   (every packet dropped), the connection fails with ETIMEDOUT after the
   3 s user timeout, long before the 50 probes of TCP_KEEPCNT.
3. A connect to the silent peer with a 2 s user timeout fails with
   ETIMEDOUT well before the connect-timeout tunable's 10 s.
RESTORE_CMD undoes the black hole.  SDP_TEST_TIME_SCALE stretches the
upper bounds (the debug tier).
Prints "ok: ..." / "FAIL: ..." lines; exit status 1 if any failed.
"""
import errno
import os
import socket
import subprocess
import sys

import sdpsock
from sdpsock import check, errname, timed

SCALE = int(os.environ.get("SDP_TEST_TIME_SCALE", "1"))


def stream_socket(sdp):
    return sdpsock.sdp_socket() if sdp else socket.socket()


def pair(sdp, listener, addr, port, user_timeout):
    c = stream_socket(sdp)
    if user_timeout:
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, user_timeout)
    c.connect((addr, port))
    a, _ = listener.accept()
    return c, a


def fill(c):
    """Send until nothing more fits (the peer does not read)."""
    c.setblocking(False)
    chunk = b"x" * 65536
    try:
        while True:
            c.send(chunk)
    except BlockingIOError:
        pass
    c.setblocking(True)


def blocked_send(c, secs):
    """Blocking sends for at most secs (more than any send buffer and
    window take): sdpsock.timed()'s errno and seconds."""
    return timed(c, secs, lambda: c.sendall(b"y" * (256 << 20)))


def not_reading(name, sdp, addr, port):
    ls = stream_socket(sdp)
    ls.bind((addr, port))
    ls.listen(2)
    c, a = pair(sdp, ls, addr, port, 2000)
    fill(c)
    err, dt = blocked_send(c, 30 * SCALE)
    check("%s, peer not reading, TCP_USER_TIMEOUT 2000: %s after %.1f s"
          % (name, errname(err), dt),
          err == errno.ETIMEDOUT and 1.5 <= dt < 15 * SCALE)
    c2, a2 = pair(sdp, ls, addr, port, 0)
    fill(c2)
    err, dt = blocked_send(c2, 4)
    check("%s, peer not reading, no user timeout: still waiting after %.1f s (%s)"
          % (name, dt, errname(err)), err is None)
    for s in (c, a, c2, a2, ls):
        s.close()


def main():
    addr, port, blackhole, restore = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

    not_reading("TCP", False, addr, port)
    not_reading("SDP", True, addr, port + 1)

    ls = sdpsock.sdp_socket()
    ls.bind((addr, port + 2))
    ls.listen(2)
    c, a = pair(True, ls, addr, port + 2, 3000)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 50)
    subprocess.check_call(blackhole, shell=True)
    try:
        err, dt = timed(c, 60, lambda: c.recv(1))
        check("keepalive + TCP_USER_TIMEOUT 3000 (KEEPCNT 50): recv %s after %.1f s"
              % (errname(err), dt), err == errno.ETIMEDOUT and dt < 20 * SCALE)

        s = sdpsock.sdp_socket()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 2000)
        err, dt = timed(s, None, lambda: s.connect((addr, port + 2)))
        check("connect, TCP_USER_TIMEOUT 2000, connect-timeout 10 s: %s after %.1f s"
              % (errname(err), dt), err == errno.ETIMEDOUT and dt < 9)
        s.close()
    finally:
        subprocess.check_call(restore, shell=True)
    for s in (c, a, ls):
        s.close()
    print("user-timeout: %d failed" % sdpsock.fails)
    return 1 if sdpsock.fails else 0


sys.exit(main())
