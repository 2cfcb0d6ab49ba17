#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The two-host run's capture, read by tshark's own dissectors (not ours):
every SDP message on the wire is checked against docs/protocol.md.

usage: twohost_wire.py PCAP MIN_BYTES

tshark's InfiniBand dissector reads RoCEv2 (UDP 4791) and its CM MADs; the
SDP dissector is forced onto the RC payloads (rdma_cm's PS_TCP service ids
hide SDP from its heuristics), and only the first packet of each message
(SEND_FIRST, SEND_ONLY) starts with a BSDH.  Checked, per direction of each
connection (source address, destination QP): message ids, mseq +1 per
message from 1, mseq_ack never backwards, bufs within rx-buffers, len equal
to the bytes the message's packets carried; the Hello in the CM REQ and
the HelloAck in the REP; each host sent at least MIN_BYTES of Data
payload, and graceful and abortive closes happened both ways.
Prints "ok - ..." / "FAIL - ..." lines; exit status 1 on a failure.
"""
import collections
import subprocess
import sys

# Defaults of the tunables (kmod/tunables.c): the run does not change them.
RX_BUFFERS = 64
RX_BUFFER_SIZE = 32784
BSDH = 16
# Eth 14 + IPv4 20 + UDP 8 + BTH 12 ... ICRC 4 (no extended headers on SENDs)
ROCE_OVERHEAD = 14 + 20 + 8 + 12 + 4
SEND_FIRST, SEND_MIDDLE, SEND_LAST, SEND_ONLY = 0, 1, 2, 4
MID_HELLO, MID_HELLO_ACK, MID_DISCONN, MID_ABORT, MID_DATA = 0, 1, 2, 3, 0xFF
PSN_MOD = 1 << 24
PS_TCP = 0x0106  # rdma_cm's port space in the service id: 0x0106PPPP

FIELDS = ["frame.len", "ip.src", "infiniband.bth.opcode",
          "infiniband.bth.destqp", "infiniband.bth.psn",
          "infiniband.bth.padcnt", "infiniband_sdp.bsdh.mid",
          "infiniband_sdp.bsdh.bufs", "infiniband_sdp.bsdh.len",
          "infiniband_sdp.bsdh.mseq", "infiniband_sdp.bsdh.mseqack",
          "infiniband.cm.req.serviceid", "infiniband.cm.req.ip_cm.private",
          "infiniband.cm.rep.private"]

failed = 0


def check(name, cond, why=""):
    global failed
    if cond:
        print("ok - " + name)
    else:
        failed += 1
        print("FAIL - " + name + (": " + why if why else ""))


def num(s):
    return int(s, 0) if s else None


def packets(pcap):
    cmd = ["tshark", "-r", pcap, "-o", "infiniband.try_heuristic_first:FALSE",
           "-d", "infiniband,infiniband_sdp", "-T", "fields",
           "-E", "separator=|", "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, check=True).stdout
    for line in out.splitlines():
        yield dict(zip(FIELDS, line.split("|")))


class Direction:
    """One direction of one connection: what one QP received."""

    def __init__(self):
        self.pkts = {}          # PSN -> the packet, first copy
        self.msgs = collections.Counter()
        self.mseq = 0
        self.ack = 0
        self.open = None        # (len, bytes so far) of a multi-packet message
        self.errors = []

    def error(self, what):
        if len(self.errors) < 3:
            self.errors.append(what)

    def add(self, p):
        self.pkts.setdefault(num(p["infiniband.bth.psn"]), p)

    def replay(self):
        """The packets in PSN order: the capture has them in arrival order,
        where a lost packet's retransmission comes after its successors'
        first copies (which the receiver discarded)."""
        if not self.pkts:
            return
        # Around the first PSN captured, half the 24-bit space either way.
        first = next(iter(self.pkts)) - PSN_MOD // 2
        for psn in sorted(self.pkts, key=lambda n: (n - first) % PSN_MOD):
            self.packet(self.pkts[psn])

    def packet(self, p):
        op = num(p["infiniband.bth.opcode"])
        payload = (num(p["frame.len"]) - ROCE_OVERHEAD -
                   (num(p["infiniband.bth.padcnt"]) or 0))
        if op in (SEND_FIRST, SEND_ONLY):
            self.message(p, op, payload)
        elif op in (SEND_MIDDLE, SEND_LAST) and self.open:
            length, got = self.open
            got += payload
            self.open = (length, got) if op == SEND_MIDDLE else None
            if op == SEND_LAST and got != length:
                self.error("mseq %d: len %d, its packets carried %d" %
                           (self.mseq, length, got))

    def message(self, p, op, payload):
        mid = num(p["infiniband_sdp.bsdh.mid"])
        length = num(p["infiniband_sdp.bsdh.len"])
        mseq = num(p["infiniband_sdp.bsdh.mseq"])
        ack = num(p["infiniband_sdp.bsdh.mseqack"])
        bufs = num(p["infiniband_sdp.bsdh.bufs"])
        self.msgs[mid] += 1
        if mid == MID_DATA:
            self.msgs["bytes"] += length - BSDH
        if mid not in (MID_DATA, MID_DISCONN, MID_ABORT):
            self.error("message id %#x" % mid)
        if mseq != self.mseq + 1:
            self.error("mseq %d after %d" % (mseq, self.mseq))
        self.mseq = mseq
        if ack < self.ack:
            self.error("mseq_ack %d after %d" % (ack, self.ack))
        self.ack = ack
        if not 0 <= bufs <= RX_BUFFERS:
            self.error("bufs %d" % bufs)
        if not BSDH <= length <= RX_BUFFER_SIZE:
            self.error("len %d" % length)
        if op == SEND_ONLY and length != payload:
            self.error("mseq %d: len %d in a packet of %d" %
                       (mseq, length, payload))
        if op == SEND_FIRST:
            self.open = (length, payload)


def hello(data):
    """(mid, len, mseq, version, ipv_cap, max_adverts, localrcvsz)."""
    b = bytes.fromhex(data.replace(":", ""))
    return (b[0], int.from_bytes(b[4:8], "big"), int.from_bytes(b[8:12], "big"),
            b[16], b[17], b[19], int.from_bytes(b[24:28], "big"))


def hello_ack(data):
    """(mid, len, mseq, version, max_adverts, actrcvsz)."""
    b = bytes.fromhex(data.replace(":", ""))
    return (b[0], int.from_bytes(b[4:8], "big"), int.from_bytes(b[8:12], "big"),
            b[16], b[19], int.from_bytes(b[20:24], "big"))


def main():
    pcap, min_bytes = sys.argv[1], int(sys.argv[2])
    dirs = collections.defaultdict(Direction)
    hellos, acks, spaces = set(), set(), set()
    for p in packets(pcap):
        # tshark parses rdma_cm's header: this is what follows it.
        if p["infiniband.cm.req.ip_cm.private"]:
            hellos.add(hello(p["infiniband.cm.req.ip_cm.private"]))
            spaces.add(num(p["infiniband.cm.req.serviceid"]) >> 16)
        if p["infiniband.cm.rep.private"]:
            acks.add(hello_ack(p["infiniband.cm.rep.private"]))
        if not p["infiniband.bth.opcode"] or not p["infiniband.bth.destqp"]:
            continue
        dirs[(p["ip.src"], p["infiniband.bth.destqp"])].add(p)
    for d in dirs.values():
        d.replay()

    conns = {k: d for k, d in dirs.items() if d.mseq}
    check("every CM REQ in rdma_cm's PS_TCP service ids (0x0106PPPP)",
          spaces == {PS_TCP}, str(spaces))
    check("Hello in every CM REQ: mid 0, len 32, mseq 0, version 2.2, IPv4, "
          "max_adverts 1, localrcvsz %d" % RX_BUFFER_SIZE,
          hellos == {(MID_HELLO, 32, 0, 0x22, 0x40, 1, RX_BUFFER_SIZE)},
          str(hellos))
    check("HelloAck in every CM REP: mid 1, len 24, mseq 0, version 2.2, "
          "max_adverts 1, actrcvsz %d" % RX_BUFFER_SIZE,
          acks == {(MID_HELLO_ACK, 24, 0, 0x22, 1, RX_BUFFER_SIZE)}, str(acks))
    bad = {"%s qp %s" % k: d.errors for k, d in conns.items() if d.errors}
    check("%d connection directions, %d messages: ids, mseq, mseq_ack, bufs "
          "and len as docs/protocol.md says" %
          (len(conns), sum(d.mseq for d in conns.values())), not bad, str(bad))
    for src in sorted({k[0] for k in conns}):
        mine = [d for k, d in conns.items() if k[0] == src]
        total = collections.Counter()
        for d in mine:
            total.update(d.msgs)
        print("# from %s: %d Data (%d payload bytes), %d DisConn, %d AbortConn"
              % (src, total[MID_DATA], total["bytes"], total[MID_DISCONN],
                 total[MID_ABORT]))
        check("from %s: at least %d payload bytes in Data messages" %
              (src, min_bytes), total["bytes"] >= min_bytes,
              str(total["bytes"]))
        check("from %s: graceful closes (DisConn) and an abort (AbortConn)"
              % src, total[MID_DISCONN] >= 6 and total[MID_ABORT] >= 1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
