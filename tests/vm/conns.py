#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Many SDP sockets for the conn-get dump checks of tests/vm/test-ctl.sh.

usage: conns.py listen ADDR READY STOP BASE N [CHURN_BASE CHURN_N]
       conns.py parts

listen: N listeners on ADDR, ports BASE .. BASE+N-1 ("steady": open until
STOP exists). With CHURN_N, as many again interleaved with them (one
steady, one churning, ...), so that churning sockets lie between steady
ones in the module's list; then, until STOP exists, every PACE seconds
the oldest churning listener is closed and a new one opened on the next
free port of CHURN_BASE .. CHURN_BASE+4*CHURN_N-1. New sockets go to the
end of the module's list, so only closing the first CHURN_N (those
between steady ones) moves sockets that lie before steady ones; "cycled"
is appended to READY once they are all closed. READY is written once all
are open; at the end, "churned K" is printed (listeners replaced).

parts: one conn-get dump over raw generic netlink; prints "messages M
parts P" (P: datagrams, one per dump part).
"""
import errno
import os
import resource
import socket
import struct
import subprocess
import sys
import time

from sdpsock import sdp_socket

TIME_LIMIT = 300
# Slow enough that closing the interleaved listeners spans several dumps.
PACE = 0.01


def sdp_listener(addr, port):
    s = sdp_socket()
    try:
        s.bind((addr, port))
        s.listen(1)
    except OSError:
        s.close()
        raise
    return s


def listen(addr, ready, stop, base, n, churn_base=0, churn_n=0):
    want = n + churn_n + 64
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))
    steady, churn = [], []
    nxt = 0
    for i in range(max(n, churn_n)):
        if i < n:
            steady.append(sdp_listener(addr, base + i))
        if i < churn_n:
            churn.append(sdp_listener(addr, churn_base + nxt))
            nxt += 1
    with open(ready, "w") as f:
        f.write("steady %d churn %d\n" % (len(steady), len(churn)))
    churned = 0
    deadline = time.monotonic() + TIME_LIMIT
    while not os.path.exists(stop) and time.monotonic() < deadline:
        if not churn:
            time.sleep(0.1)
            continue
        churn.pop(0).close()
        # A closed listener's port is freed by its teardown work, later.
        while True:
            port = churn_base + nxt % (4 * churn_n)
            nxt += 1
            try:
                churn.append(sdp_listener(addr, port))
                break
            except OSError as e:
                if e.errno != errno.EADDRINUSE:
                    raise
        churned += 1
        if churned == churn_n:
            with open(ready, "a") as f:
                f.write("cycled\n")
        time.sleep(PACE)
    for s in steady + churn:
        s.close()
    print("churned %d" % churned)


def nlmsg(mtype, flags, seq, payload):
    return struct.pack("=IHHII", 16 + len(payload), mtype, flags, seq, 0) \
        + payload


def attrs(buf):
    """(type, payload) of each netlink attribute in buf."""
    while len(buf) >= 4:
        alen, atype = struct.unpack_from("=HH", buf)
        if alen < 4:
            break
        yield atype & 0x3fff, buf[4:alen]
        buf = buf[(alen + 3) & ~3:]


def parts():
    GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
    CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
    NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
    NLMSG_ERROR, NLMSG_DONE = 2, 3
    # The number of conn-get, from uapi/linux/sdp.h by way of sdp-nlraw.
    nlraw = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "../tools/sdp-nlraw")
    conn_get = int(subprocess.check_output([nlraw, "-n", "conn-get"]))

    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)  # GENERIC
    name = b"sdp\0"
    attr = struct.pack("=HH", 4 + len(name), CTRL_ATTR_FAMILY_NAME) + name
    attr += b"\0" * (-len(attr) % 4)
    s.send(nlmsg(GENL_ID_CTRL, NLM_F_REQUEST, 1,
                 struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0) + attr))
    reply = s.recv(65536)
    fid = None
    for atype, data in attrs(reply[20:]):
        if atype == CTRL_ATTR_FAMILY_ID:
            fid = struct.unpack_from("=H", data)[0]
    if fid is None:
        sys.exit("parts: no sdp family")
    s.send(nlmsg(fid, NLM_F_REQUEST | NLM_F_DUMP, 2,
                 struct.pack("=BBH", conn_get, 1, 0)))
    msgs = nparts = 0
    while True:
        buf = s.recv(1 << 20)
        nparts += 1
        off = 0
        while off + 16 <= len(buf):
            mlen, mtype = struct.unpack_from("=IH", buf, off)
            if mtype == NLMSG_DONE:
                # The part holding only DONE carries no socket.
                print("messages %d parts %d" % (msgs, nparts - (off == 0)))
                return
            if mtype == NLMSG_ERROR:
                sys.exit("parts: dump failed")
            msgs += 1
            off += (mlen + 3) & ~3


if __name__ == "__main__":
    if sys.argv[1:2] == ["listen"] and len(sys.argv) in (7, 9):
        a = sys.argv[2:]
        listen(a[0], a[1], a[2], *map(int, a[3:]))
    elif sys.argv[1:] == ["parts"]:
        parts()
    else:
        sys.exit(__doc__)
