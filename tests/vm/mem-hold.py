#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hold as many SDP connections as the kernel allows, run by
tests/vm/test-load.sh to check the memory budget and its charging.

usage: mem-hold.py ADDR PORT N DONE_FILE [BYTES]

Listens on ADDR:PORT and opens up to N loopback connections to it (connect,
then accept), stopping at the first failure. With BYTES, each connecting
end then sends that many bytes, which the accepted end reads. Prints
"established K" and "error NAME" (the errno name of the failure, "none"
if all N came up), then keeps every connection open until DONE_FILE
exists (at most 120 s) and closes them all.

With MEM_HOLD_JOBS=J in the environment (no BYTES), J threads connect
at once, N/J each, each stopping at its first failure: thousands of
connections come up in less time on two vCPUs.
"""
import errno
import os
import socket
import sys
import threading
import time

from sdpsock import sdp_socket


def stream(c, a, nbytes):
    """nbytes from c to a, read by a thread; raises if any went missing."""
    got = [0]

    def reader():
        while got[0] < nbytes:
            n = len(a.recv(1 << 20))
            if not n:
                break
            got[0] += n

    t = threading.Thread(target=reader)
    t.start()
    c.sendall(bytes(64 << 10) * (nbytes >> 16))
    t.join(60)
    if got[0] != nbytes:
        raise OSError(errno.EIO, "streamed %d of %d bytes" % (got[0], nbytes))


def errname(e):
    return errno.errorcode.get(e.errno, str(e))


def one_by_one(ls, addr, port, n):
    """Connect, then accept, n times; pairs (c, a) and the first error."""
    held, err = [], "none"
    for _ in range(n):
        c = sdp_socket()
        try:
            c.connect((addr, port))
            a, _ = ls.accept()
        except OSError as e:
            err = errname(e)
            c.close()
            break
        held += [c, a]
    return held, err


def in_parallel(ls, addr, port, n, jobs):
    """jobs threads connect n in all while this one accepts them; the
    sockets of both ends and the first error."""
    conns, errs = [], []

    def connector(count):
        for _ in range(count):
            c = sdp_socket()
            try:
                c.connect((addr, port))
            except OSError as e:
                errs.append(errname(e))
                c.close()
                return
            conns.append(c)

    threads = [threading.Thread(target=connector, args=(n // jobs + (i < n % jobs),))
               for i in range(jobs)]
    for t in threads:
        t.start()
    accepted = []
    ls.settimeout(1)
    while len(accepted) < n:
        try:
            accepted.append(ls.accept()[0])
        except socket.timeout:
            if not any(t.is_alive() for t in threads) and len(accepted) >= len(conns):
                break
        except OSError as e:
            errs.append(errname(e))
            break
    for t in threads:
        t.join()
    return conns + accepted, errs[0] if errs else "none"


def main():
    addr, port, n, done = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    jobs = int(os.environ.get("MEM_HOLD_JOBS", "1"))
    ls = sdp_socket()
    ls.bind((addr, port))
    ls.listen(n)
    ls.settimeout(30)
    if jobs > 1 and len(sys.argv) == 5:
        held, err = in_parallel(ls, addr, port, n, jobs)
    else:
        held, err = one_by_one(ls, addr, port, n)
    if len(sys.argv) > 5:
        for c, a in zip(held[0::2], held[1::2]):
            stream(c, a, int(sys.argv[5]))
    print("established %d" % (len(held) // 2))
    print("error %s" % err, flush=True)
    end = time.time() + 120
    while not os.path.exists(done) and time.time() < end:
        time.sleep(0.1)
    for s in held + [ls]:
        s.close()
    return 0


sys.exit(main())
