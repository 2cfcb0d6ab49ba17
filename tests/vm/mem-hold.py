#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hold as many SDP connections as the kernel allows, run by
tests/vm/test-load.sh to check the memory budget and its charging.

usage: mem-hold.py ADDR PORT N DONE_FILE

Listens on ADDR:PORT and opens up to N loopback connections to it (connect,
then accept), stopping at the first failure. Prints "established K" and
"error NAME" (the errno name of the failure, "none" if all N came up),
then keeps every connection open until DONE_FILE exists (at most 120 s)
and closes them all.
"""
import errno
import os
import sys
import time

from sdpsock import sdp_socket


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
    print("established %d" % (len(held) // 2))
    print("error %s" % err, flush=True)
    end = time.time() + 120
    while not os.path.exists(done) and time.time() < end:
        time.sleep(0.1)
    for s in held + [ls]:
        s.close()
    return 0


sys.exit(main())
