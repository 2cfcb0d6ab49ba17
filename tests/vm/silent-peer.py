#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A silent peer on AF_INET_SDP sockets, run by tests/vm/test-stream.sh:
keepalive finds it, connect-timeout bounds connecting to it.

usage: silent-peer.py ADDR PORT BLACKHOLE_CMD RESTORE_CMD CONNECT_TIMEOUT_MS

Opens connections to ADDR (a listener there, in this process); one with
SO_KEEPALIVE (idle 2 s, interval 1 s, 3 probes), one without. A healthy
idle peer must survive several probe rounds. Then BLACKHOLE_CMD makes the
peer silent (drops every packet, no disconnect): the keepalive socket's
blocked recv() must fail with ETIMEDOUT within the probe budget, the
other one must still be waiting. While the peer is silent, connects to it
must fail with ETIMEDOUT once the connect-timeout tunable (set by the
caller to CONNECT_TIMEOUT_MS) has passed, non-blocking ones (poll() then
SO_ERROR) as well as blocking ones, not after the much longer rdma_cm and
IB CM timeouts. RESTORE_CMD undoes the black hole.
Prints "ok: ..." / "FAIL: ..." lines; exit status 1 if any failed.
"""
import errno
import select
import socket
import subprocess
import sys
import time

import sdpsock
from sdpsock import check, errname, sdp_socket, timed


def pair(listener, addr, port, keepalive):
    c = sdp_socket()
    if keepalive:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 2)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
    c.connect((addr, port))
    a, _ = listener.accept()
    c.sendall(b"x")
    a.recv(1)
    a.sendall(b"y")
    c.recv(1)
    return c, a


def connect_silent(addr, port, tmo):
    # Generous for a slow guest, far below rdma_cm's own ~60 s.
    limit = tmo + 8
    s = sdp_socket()
    s.setblocking(False)
    t0 = time.time()
    rc = s.connect_ex((addr, port))
    check("non-blocking connect to a silent peer: EINPROGRESS (%d)" % rc,
          rc == errno.EINPROGRESS)
    p = select.poll()
    p.register(s, select.POLLOUT)
    ev = p.poll(60000)
    dt = time.time() - t0
    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    check("non-blocking connect to a silent peer: poll() %r, SO_ERROR %d after %.1f s"
          % (ev, err, dt), ev and err == errno.ETIMEDOUT and dt < limit)
    s.close()
    s = sdp_socket()
    t0 = time.time()
    try:
        s.connect((addr, port))
        check("blocking connect to a silent peer: succeeded", False)
    except OSError as e:
        dt = time.time() - t0
        check("blocking connect to a silent peer: %r after %.1f s" % (e, dt),
              e.errno == errno.ETIMEDOUT and dt < limit)
    s.close()


def main():
    addr, port, blackhole, restore = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    tmo = int(sys.argv[5]) / 1000
    ls = sdp_socket()
    ls.bind((addr, port))
    ls.listen(4)

    c, a = pair(ls, addr, port, True)
    check("keepalive options read back",
          c.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1 and
          c.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 2 and
          c.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT) == 3)
    err, _ = timed(c, 8, lambda: c.recv(1))
    check("healthy idle peer survives 8 s of probes (recv: %s)" % errname(err),
          err is None)
    a.sendall(b"z")
    check("the probed connection still carries data", c.recv(1) == b"z")
    c.close()
    a.close()

    c, a = pair(ls, addr, port, True)
    c2, a2 = pair(ls, addr, port, False)
    subprocess.check_call(blackhole, shell=True)
    err, dt = timed(c, 60, lambda: c.recv(1))
    # idle 2 s + 3 probes 1 s apart; generous for a slow guest.
    check("silent peer detected: recv %s after %.1f s" % (errname(err), dt),
          err == errno.ETIMEDOUT and dt < 30)
    err, _ = timed(c2, 10, lambda: c2.recv(1))
    check("without keepalive the silent peer goes unnoticed (recv: %s)"
          % errname(err), err is None)
    try:
        c.send(b"x")
        check("send after the timeout: succeeded", False)
    except OSError as e:
        check("send after the timeout: %r" % e, e.errno == errno.EPIPE)
    connect_silent(addr, port, tmo)
    subprocess.check_call(restore, shell=True)
    for s in (c, a, c2, a2, ls):
        s.close()
    print("silent-peer: %d failed" % sdpsock.fails)
    return 1 if sdpsock.fails else 0


sys.exit(main())
