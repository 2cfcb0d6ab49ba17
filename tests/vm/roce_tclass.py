#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One SDP connection with a traffic class, and the classes on the wire.

usage: roce_tclass.py IFACE SERVER PORT TOS
       roce_tclass.py IFACE -- COMMAND [ARG...]

Listens on SERVER:PORT and connects to it from an unbound socket that set
IP_TOS TOS first (none if TOS is -1), moves 256 KiB each way, and counts
the RoCEv2 packets (UDP port 4791) IFACE carries meanwhile, by direction
and IP traffic class; packets to QP 1 (the CM's MADs) are counted apart.
Prints one JSON object: the client's and the accepted socket's IP_TOS,
the frames the capture dropped, and {"SRC>DST": {"data"|"cm":
{"TCLASS": count}}}.  The second form counts while COMMAND runs (a real
program's connection) and gives its exit status instead of the IP_TOS
values.
"""
import json
import os
import socket
import struct
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sdpsock import sdp_socket  # noqa: E402

ETH_P_ALL = 0x0003
SO_RCVBUFFORCE = 33
SOL_PACKET = 263
PACKET_STATISTICS = 6
ROCE_PORT = 4791
NBYTES = 256 << 10


def roce_class(frame):
    """(src, dst, kind, tclass) of an Ethernet frame carrying RoCEv2,
    else None."""
    ethertype = struct.unpack_from("!H", frame, 12)[0]
    ip = frame[14:]
    if ethertype == 0x0800 and len(ip) >= 20 and ip[9] == socket.IPPROTO_UDP:
        hlen = (ip[0] & 0x0F) * 4
        src, dst = socket.inet_ntop(socket.AF_INET, ip[12:16]), \
            socket.inet_ntop(socket.AF_INET, ip[16:20])
        tclass, udp = ip[1], ip[hlen:]
    elif ethertype == 0x86DD and len(ip) >= 40 and ip[6] == socket.IPPROTO_UDP:
        src, dst = socket.inet_ntop(socket.AF_INET6, ip[8:24]), \
            socket.inet_ntop(socket.AF_INET6, ip[24:40])
        tclass, udp = ((ip[0] & 0x0F) << 4) | (ip[1] >> 4), ip[40:]
    else:
        return None
    if len(udp) < 8 + 12 or struct.unpack_from("!H", udp, 2)[0] != ROCE_PORT:
        return None
    # BTH: opcode, flags, P_Key, reserved, destination QP (24 bits).
    qpn = int.from_bytes(udp[8 + 5:8 + 8], "big")
    return src, dst, "cm" if qpn == 1 else "data", tclass


def capture(iface):
    """A packet socket on IFACE, bound before anything is sent."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    # Room for every frame of the run: the sniffer reads slower than the
    # guest sends (a full buffer drops frames, in both directions).
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    s.bind((iface, 0))
    s.settimeout(0.5)
    return s


def sniff(s, stop, counts):
    while True:
        try:
            frame = s.recv(65536)
        except socket.timeout:
            if stop.is_set():   # and everything queued was read
                break
            continue
        c = roce_class(frame)
        if c:
            src, dst, kind, tclass = c
            per = counts.setdefault("%s>%s" % (src, dst), {}).setdefault(kind, {})
            per[str(tclass)] = per.get(str(tclass), 0) + 1
    drops = s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)
    counts["dropped"] = struct.unpack("II", drops)[1]
    s.close()


def move(a, b, n):
    a.sendall(b"t" * n)
    got = 0
    while got < n:
        got += len(b.recv(65536))


def own_connection(server, port, tos):
    ls = sdp_socket()
    ls.bind((server, port))
    ls.listen(1)
    c = sdp_socket()
    if tos >= 0:
        c.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, tos)
    c.connect((server, port))
    a, _ = ls.accept()
    move(c, a, NBYTES)
    move(a, c, NBYTES)
    result = {"client_tos": c.getsockopt(socket.IPPROTO_IP, socket.IP_TOS),
              "accepted_tos": a.getsockopt(socket.IPPROTO_IP, socket.IP_TOS)}
    c.close()
    a.close()
    ls.close()
    return result


def main():
    iface = sys.argv[1]
    counts, stop = {}, threading.Event()
    sniffer = threading.Thread(target=sniff,
                               args=(capture(iface), stop, counts))
    sniffer.start()
    if sys.argv[2] == "--":
        result = {"status": subprocess.run(sys.argv[3:]).returncode}
    else:
        result = own_connection(sys.argv[2], int(sys.argv[3]),
                                int(sys.argv[4], 0))
    stop.set()
    sniffer.join()
    result["dropped"] = counts.pop("dropped")
    result["wire"] = counts
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
