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
"""
import errno
import os
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


def main():
    addr, port, n, done = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    ls = sdp_socket()
    ls.bind((addr, port))
    ls.listen(n)
    ls.settimeout(30)
    held, err = [], "none"
    for _ in range(n):
        c = sdp_socket()
        try:
            c.connect((addr, port))
            a, _ = ls.accept()
        except OSError as e:
            err = errno.errorcode.get(e.errno, str(e))
            c.close()
            break
        held += [c, a]
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
