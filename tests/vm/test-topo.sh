#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two-device topology suite, run inside a guest by tests/vm/vm.sh: SDP
# between two Soft-RoCE devices joined by a real wire, a veth pair: the
# client on rxe1 (sdpveth1, 198.18.1.1), the server on rxe2 (sdpveth2,
# 198.18.1.2). Checksummed transfers and the socket semantics across the
# wire, proof that the bytes crossed it (veth and rxe counters) and that
# each end of a live connection sits on its own device; IP_TOS's class on
# the wire and SO_BINDTODEVICE, from our own sockets and from socat under
# sdp-run; and nothing left behind.
#
# One network namespace, not two: on 6.1 and 6.12 rdma_rxe only works in
# the initial namespace (its UDP socket and route lookups are init_net's),
# so both "hosts" are ends of the veth in init_net, and policy routing
# sends traffic between their addresses over the wire instead of lo (see
# sdp_guest_veth_pair in guest-rdma.sh).
set -u

. "$(dirname "$0")/testlib.sh"
sdp_suite_init test-topo
XFER=$TOP/tests/tools/sdp-xfer
CLI=$SDP_VETH1_ADDR
SRV=$SDP_VETH2_ADDR
# SDP_TEST_SCALE divides the transfer size (32 MiB), never the checks: 1
# by default, 8 on the debug tier (as test-stream.sh; 32 MiB took 133 s
# of a quiet debug guest's time there).
SCALE=${SDP_TEST_SCALE:-1}
[ "$SDP_KVER" != debug ] || SCALE=${SDP_TEST_SCALE:-8}
BYTES=$(((32 << 20) / SCALE))
# sdp-xfer moves BYTES, then BYTES / 16 in 100-byte writes, each
# way at once: the least that must cross the wire in each direction.
MOVED=$((BYTES + BYTES / 16))

netstat_of() { cat "/sys/class/net/$1/statistics/$2"; }

# expect_grew NAME BEFORE AFTER MIN: AFTER - BEFORE >= MIN.
expect_grew()
{
	local v
	for v in "$2" "$3" "$4"; do
		case $v in
		'' | *[!0-9]*)
			sdp_fail "$1" "not numbers: before '$2', after '$3', want '$4'"
			return ;;
		esac
	done
	echo "$1: $2 -> $3 (+$(($3 - $2)), want >= $4)"
	if [ $(($3 - $2)) -ge "$4" ]; then
		sdp_pass "$1"
	else
		sdp_fail "$1" "grew by $(($3 - $2)), wanted at least $4"
	fi
}

sdp_section "setup: $SDP_RXE1 on $SDP_VETH1 ($CLI) <-> $SDP_RXE2 on $SDP_VETH2 ($SRV)"
sdp_guest_veth_pair || { echo "veth pair setup failed"; exit 1; }
sdp_guest_kmemleak_manual
expect_eq "only $SDP_RXE1 and $SDP_RXE2 exist (no loopback device to take)" \
	"$SDP_RXE1 $SDP_RXE2" \
	"$(rdma -j link show | jq -r '[.[].ifname] | sort | join(" ")')"
expect_ok "insmod sdp.ko" insmod "$KO"
RDMA_BEFORE=$(sdp_guest_rdma_counts "$SDP_RXE1" "$SDP_RXE2")
echo "rdma resources at the start: $RDMA_BEFORE"

sdp_section "sdp-xfer and sdp-semantics to $SRV: transfers and semantics across the wire"
V1TX=$(netstat_of "$SDP_VETH1" tx_bytes)
V1RX=$(netstat_of "$SDP_VETH1" rx_bytes)
V2TX=$(netstat_of "$SDP_VETH2" tx_bytes)
V2RX=$(netstat_of "$SDP_VETH2" rx_bytes)
R1TX=$(sdp_rxe_stat "$SDP_RXE1" sent_pkts)
R2RX=$(sdp_rxe_stat "$SDP_RXE2" rcvd_pkts)
R2TX=$(sdp_rxe_stat "$SDP_RXE2" sent_pkts)
R1RX=$(sdp_rxe_stat "$SDP_RXE1" rcvd_pkts)
start=$(date +%s)
sdp_run_program lines sdp-xfer "$XFER" "$SRV" 7700 "$BYTES"
echo "sdp-xfer: $(($(date +%s) - start)) s"
sdp_semantics_runs "$SRV" 7600 ""

sdp_section "the bytes crossed the wire ($MOVED bytes each way at least)"
expect_grew "client -> server: $SDP_VETH1 tx_bytes" \
	"$V1TX" "$(netstat_of "$SDP_VETH1" tx_bytes)" "$MOVED"
expect_grew "client -> server: $SDP_VETH2 rx_bytes" \
	"$V2RX" "$(netstat_of "$SDP_VETH2" rx_bytes)" "$MOVED"
expect_grew "server -> client: $SDP_VETH2 tx_bytes" \
	"$V2TX" "$(netstat_of "$SDP_VETH2" tx_bytes)" "$MOVED"
expect_grew "server -> client: $SDP_VETH1 rx_bytes" \
	"$V1RX" "$(netstat_of "$SDP_VETH1" rx_bytes)" "$MOVED"
# RoCE packets carry at most 4096 bytes of payload (the path MTU here is
# 1024): so many packets at least, sent by one device, received by the other.
expect_grew "client -> server: $SDP_RXE1 sent_pkts" \
	"$R1TX" "$(sdp_rxe_stat "$SDP_RXE1" sent_pkts)" $((MOVED / 4096))
expect_grew "client -> server: $SDP_RXE2 rcvd_pkts" \
	"$R2RX" "$(sdp_rxe_stat "$SDP_RXE2" rcvd_pkts)" $((MOVED / 4096))
expect_grew "server -> client: $SDP_RXE2 sent_pkts" \
	"$R2TX" "$(sdp_rxe_stat "$SDP_RXE2" sent_pkts)" $((MOVED / 4096))
expect_grew "server -> client: $SDP_RXE1 rcvd_pkts" \
	"$R1RX" "$(sdp_rxe_stat "$SDP_RXE1" rcvd_pkts)" $((MOVED / 4096))
expect_jq "sdp counted the bytes both ways, no protocol error" \
	".tx_bytes >= 2 * $MOVED and .rx_bytes >= 2 * $MOVED and
	 .proto_errors == 0" "$SDPCTL" -j stats

sdp_section "a live connection: client end on $SDP_RXE1, server end on $SDP_RXE2"
# A listener on the server address and one connection to it from an
# unbound socket (the source comes from the routing: the client's veth),
# kept open by a python3 helper (sdpsock.py: AF_INET_SDP sockets driven
# as AF_INET ones, python knows no family 27 addresses).
PORT=7800
cat > "$TMP/conn.py" <<'PYEOF'
import os, sys, time
sys.path.insert(0, sys.argv[5])
from sdpsock import sdp_pair
srv, port, ready, close = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ls, c, a = sdp_pair(srv, port, 1000)
a.sendall(b"y" * 300)
got = 0
while got < 300:
    got += len(c.recv(4096))
print("client %s:%d -> server %s:%d" % (c.getsockname() + a.getsockname()))
with open(ready, "w") as f:
    f.write("%s %d\n" % c.getsockname())
while not os.path.exists(close):
    time.sleep(0.1)
c.close()
a.close()
ls.close()
PYEOF
timeout 300 python3 "$TMP/conn.py" "$SRV" "$PORT" "$TMP/ready" "$TMP/close" \
	"$TOP/tests/vm" > "$TMP/conn-py" 2>&1 &
PY=$!
sdp_wait_until 30 test -s "$TMP/ready"
CADDR='' CPORT=''
[ -s "$TMP/ready" ] && read -r CADDR CPORT < "$TMP/ready"
expect_eq "the unbound client got the client address $CLI" "$CLI" "${CADDR:-none}"
CPORT=${CPORT:-0}
sdp_run "$SDPCTL" conns
echo "$SDP_OUT"
expect_jq "conns: client end $CLI:$CPORT -> $SRV:$PORT, established" \
	"map(select(.state == \"established\" and
		    .local_addr == \"$CLI\" and .local_port == $CPORT and
		    .remote_addr == \"$SRV\" and .remote_port == $PORT and
		    .tx_bytes == 1000 and .rx_bytes == 300)) | length == 1" \
	"$SDPCTL" -j conns
expect_jq "conns: server end $SRV:$PORT -> $CLI:$CPORT, established" \
	"map(select(.state == \"established\" and
		    .local_addr == \"$SRV\" and .local_port == $PORT and
		    .remote_addr == \"$CLI\" and .remote_port == $CPORT and
		    .tx_bytes == 300 and .rx_bytes == 1000)) | length == 1" \
	"$SDPCTL" -j conns
rdma resource show cm_id
rdma resource show qp
rdma -j resource show cm_id > "$TMP/cm_id"
rdma -j resource show qp > "$TMP/qp"
# cm_id src-addr / dst-addr are "ADDR:PORT".
expect_ok "cm_id: the client end is on $SDP_RXE1 ($CLI:$CPORT -> $SRV:$PORT)" \
	jq -e "map(select(.comm == \"sdp\" and .state == \"CONNECT\" and
			  .\"src-addr\" == \"$CLI:$CPORT\" and
			  .\"dst-addr\" == \"$SRV:$PORT\")) |
	       length == 1 and .[0].ifname == \"$SDP_RXE1\"" "$TMP/cm_id"
expect_ok "cm_id: the server end is on $SDP_RXE2 ($SRV:$PORT -> $CLI:$CPORT)" \
	jq -e "map(select(.comm == \"sdp\" and .state == \"CONNECT\" and
			  .\"src-addr\" == \"$SRV:$PORT\" and
			  .\"dst-addr\" == \"$CLI:$CPORT\")) |
	       length == 1 and .[0].ifname == \"$SDP_RXE2\"" "$TMP/cm_id"
expect_ok "cm_id: the listener is on $SDP_RXE2 ($SRV:$PORT)" \
	jq -e "map(select(.comm == \"sdp\" and .state == \"LISTEN\" and
			  .\"src-addr\" == \"$SRV:$PORT\")) |
	       length == 1 and .[0].ifname == \"$SDP_RXE2\"" "$TMP/cm_id"
# The QPs of the two cm_ids are each other's remote QP.
Q1=$(jq -r "map(select(.comm == \"sdp\" and .state == \"CONNECT\" and
		       .ifname == \"$SDP_RXE1\")) | .[0].lqpn" "$TMP/cm_id")
Q2=$(jq -r "map(select(.comm == \"sdp\" and .state == \"CONNECT\" and
		       .ifname == \"$SDP_RXE2\")) | .[0].lqpn" "$TMP/cm_id")
expect_ok "qp: $SDP_RXE1 QP $Q1 is connected (RTS) to $SDP_RXE2 QP $Q2" \
	jq -e "map(select(.ifname == \"$SDP_RXE1\" and .lqpn == $Q1 and
			  .type == \"RC\" and .state == \"RTS\" and
			  .rqpn == $Q2)) | length == 1" "$TMP/qp"
expect_ok "qp: $SDP_RXE2 QP $Q2 is connected (RTS) to $SDP_RXE1 QP $Q1" \
	jq -e "map(select(.ifname == \"$SDP_RXE2\" and .lqpn == $Q2 and
			  .type == \"RC\" and .state == \"RTS\" and
			  .rqpn == $Q1)) | length == 1" "$TMP/qp"
touch "$TMP/close"
sdp_wait_pid "$PY" 30
expect_eq "python helper exit status" 0 "$?"
cat "$TMP/conn-py"

sdp_section "IP_TOS: the connection's traffic class on the wire"
# roce_tclass.py counts the RoCE packets on the server's veth by class
# while one connection moves 256 KiB each way: with IP_TOS set before
# connect(), every packet of the connection's QPs, both ways, carries it
# (the server's QP answers in the class of the REQ); without, class 0.
tclass_run() # NAME PORT TOS: roce_tclass.py's JSON in $TMP/tclass-NAME
{
	timeout 120 python3 "$TOP/tests/vm/roce_tclass.py" "$SDP_VETH2" "$SRV" \
		"$2" "$3" > "$TMP/tclass-$1" 2>&1
	cat "$TMP/tclass-$1"
}
tclass_keys() { echo "(.wire[\"$1\"].data | keys) == [\"$2\"]"; }
tclass_run ef 7830 0xb8
expect_jq "IP_TOS 0xb8: the client and the accepted socket read 184" \
	'.client_tos == 184 and .accepted_tos == 184' cat "$TMP/tclass-ef"
expect_jq "IP_TOS 0xb8: every data packet, both ways, in class 184 (EF)" \
	".dropped == 0 and $(tclass_keys "$CLI>$SRV" 184) and
	 $(tclass_keys "$SRV>$CLI" 184)" \
	cat "$TMP/tclass-ef"
tclass_run default 7831 -1
expect_jq "no IP_TOS: both sockets read 0, every data packet in class 0" \
	".client_tos == 0 and .accepted_tos == 0 and .dropped == 0 and
	 $(tclass_keys "$CLI>$SRV" 0) and $(tclass_keys "$SRV>$CLI" 0)" \
	cat "$TMP/tclass-default"

sdp_section "SO_BINDTODEVICE: a listener hears its device only, a connect leaves by it"
# A listener on the any address bound to the client's netdev refuses the
# request that arrives on the server's; bound to the server's it takes
# it.  A connect bound to a netdev with neither a route to the server nor
# an RDMA device fails; bound to the route's own, it connects.
cat > "$TMP/bindtodev.py" <<'PYEOF'
import errno, os, socket, sys
sys.path.insert(0, sys.argv[1])
import sdpsock
from sdpsock import check, sdp_socket
srv, port, v1, v2, nodev = sys.argv[2], int(sys.argv[3]), *sys.argv[4:7]
def bound(dev):
    s = sdp_socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
    return s
def listener(dev):
    ls = bound(dev)
    ls.bind(("0.0.0.0", port))
    ls.listen(4)
    return ls
def connect(dev=None):
    c = bound(dev) if dev else sdp_socket()
    c.settimeout(30)
    try:
        c.connect((srv, port))
        return c, "connected"
    except OSError as e:
        c.close()
        return None, errno.errorcode.get(e.errno, str(e.errno))
ls = listener(v1)
c, how = connect()
check("listener bound to %s: the request via %s refused (%s)" % (v1, v2, how),
      how == "ECONNREFUSED")
ls.close()
ls = listener(v2)
c, how = connect()
check("listener bound to %s: the request accepted (%s)" % (v2, how),
      how == "connected" and ls.accept()[0] is not None)
c and c.close()
c, how = connect(nodev)
check("connect bound to %s fails (%s)" % (nodev, how), how != "connected")
c, how = connect(v1)
check("connect bound to %s, the route's device (%s)" % (v1, how),
      how == "connected" and ls.accept()[0] is not None)
c and c.close()
ls.close()
sys.exit(1 if sdpsock.fails else 0)
PYEOF
expect_ok "a dummy netdev, no route to $SRV, no RDMA device" \
	sh -c 'ip link add sdpnodev type dummy && ip link set sdpnodev up'
REFUSED0=$(sdp_stat conn_refused)
sdp_run_program lines "SO_BINDTODEVICE:" python3 \
	"$TMP/bindtodev.py" "$TOP/tests/vm" "$SRV" 7835 "$SDP_VETH1" \
	"$SDP_VETH2" sdpnodev
expect_jq "the refused request counted at both ends (refused, and refused to us)" \
	".conn_refused - $REFUSED0 == 2" "$SDPCTL" -j stats

sdp_section "a real program's IP_TOS and SO_BINDTODEVICE: socat under sdp-run"
# socat's tos= and if= set IP_TOS and SO_BINDTODEVICE on the sockets
# sdp-run converts, and a rule puts its port on SDP: the same effects as
# above, on the wire and in who hears whom.
RUN=$TOP/preload/sdp-run
SOCAT_PORT=7836
head -c $((256 << 10)) /dev/urandom > "$TMP/socat.in"
expect_ok "rule: action sdp port $SOCAT_PORT" \
	"$SDPCTL" map add action sdp port "$SOCAT_PORT"
# socat_server DEV: a one-connection socat listener on the any address,
# bound to DEV, writing what it gets to $TMP/socat.out (SOCAT_SRV).
socat_server()
{
	rm -f "$TMP/socat.out"
	"$RUN" socat -u "TCP-LISTEN:$SOCAT_PORT,reuseaddr,if=$1" \
		"CREATE:$TMP/socat.out" 2> "$TMP/socat-$1.server" &
	SOCAT_SRV=$!
	expect_ok "socat listens over SDP, bound to $1" \
		sdp_wait_until 10 sdp_listeners "$SOCAT_PORT" 1
}
socat_send() # [OPTIONS]: socat sends socat.in to the server's port
{
	timeout 60 "$RUN" socat -u "OPEN:$TMP/socat.in" \
		"TCP:$SRV:$SOCAT_PORT${1:+,$1}"
}
socat_server "$SDP_VETH1"
expect_fail "the listener bound to $SDP_VETH1 refuses the request via $SDP_VETH2" \
	1 "E connect.*Connection refused" socat_send
kill "$SOCAT_SRV"
wait "$SOCAT_SRV"
socat_server "$SDP_VETH2"
expect_fail "a connect bound to sdpnodev fails" 1 "E connect" \
	socat_send "if=sdpnodev"
ACTIVE0=$(sdp_stat conn_active_opens)
PASSIVE0=$(sdp_stat conn_passive_opens)
timeout 120 python3 "$TOP/tests/vm/roce_tclass.py" "$SDP_VETH2" -- \
	timeout 60 "$RUN" socat -u "OPEN:$TMP/socat.in" \
	"TCP:$SRV:$SOCAT_PORT,tos=0xb8,if=$SDP_VETH1" > "$TMP/tclass-socat" 2>&1
cat "$TMP/tclass-socat"
expect_jq "tos=0xb8, if=$SDP_VETH1: socat connected and sent it all" \
	'.status == 0' tail -n 1 "$TMP/tclass-socat"
sdp_wait_pid "$SOCAT_SRV" 20
expect_eq "the server bound to $SDP_VETH2 took it" 0 "$?"
expect_ok "what it got is what was sent" cmp "$TMP/socat.in" "$TMP/socat.out"
expect_jq "over SDP: one active and one passive open" \
	".conn_active_opens - $ACTIVE0 == 1 and
	 .conn_passive_opens - $PASSIVE0 == 1" "$SDPCTL" -j stats
expect_jq "every data packet, both ways, in class 184 (EF)" \
	".dropped == 0 and $(tclass_keys "$CLI>$SRV" 184) and
	 $(tclass_keys "$SRV>$CLI" 184)" tail -n 1 "$TMP/tclass-socat"
expect_ok "map flush" "$SDPCTL" map flush
ip link del sdpnodev

sdp_section "ack-timeout: a wire that drops everything for a while"
# A connection whose wire loses every packet (sdp_guest_wire_loss)
# for LOSS_S seconds while the client sends 4 KiB: the RC transport
# retransmits every ack-timeout, which the client device's
# completer_retry_err counts.  At 14 (67 ms) that is many times; at 31
# (2.4 hours) never.  At 14, the data arrives once the wire is back.
LOSS_S=2
cat > "$TMP/lossy.py" <<'PYEOF'
import os, select, socket, sys, time
sys.path.insert(0, sys.argv[4])
from sdpsock import sdp_pair
srv, port, tmp = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def wait_for(name):
    while not os.path.exists(os.path.join(tmp, name)):
        time.sleep(0.05)
ls, c, a = sdp_pair(srv, port, 100)
open(os.path.join(tmp, "ready"), "w").close()
wait_for("go")
c.send(b"y" * 4096)
wait_for("healed")
got = 0
t0 = time.time()
while got < 4096 and time.time() - t0 < 5:
    if select.select([a], [], [], 0.1)[0]:
        got += len(a.recv(65536))
print("server read %d of 4096 bytes after the wire came back" % got)
# Abort, so that nothing waits on a wire that may still drop.
for s in (c, a):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
    s.close()
ls.close()
PYEOF
# lossy PORT ACK_TIMEOUT: run the helper with that tunable; RETRIES is
# what completer_retry_err grew by while the wire dropped everything.
lossy()
{
	local r0
	rm -f "$TMP/ready" "$TMP/go" "$TMP/healed"
	expect_ok "ack-timeout $2" "$SDPCTL" tune set ack-timeout "$2"
	timeout 60 python3 "$TMP/lossy.py" "$SRV" "$1" "$TMP" "$TOP/tests/vm" \
		> "$TMP/lossy" 2>&1 &
	LOSSY_PID=$!
	sdp_wait_until 30 test -e "$TMP/ready"
	sdp_guest_wire_loss 100
	r0=$(sdp_rxe_stat "$SDP_RXE1" completer_retry_err)
	touch "$TMP/go"
	sleep "$LOSS_S"
	RETRIES=$(($(sdp_rxe_stat "$SDP_RXE1" completer_retry_err) - r0))
	sdp_guest_wire_loss 0
	touch "$TMP/healed"
	wait "$LOSSY_PID"
	cat "$TMP/lossy"
	echo "retransmissions in $LOSS_S s of loss: $RETRIES"
}
lossy 7810 14
expect_ok "ack-timeout 14: retransmitted several times in $LOSS_S s" \
	test "$RETRIES" -ge 5
expect_ok "ack-timeout 14: the data arrived once the wire was back" \
	grep -q "^server read 4096 of 4096" "$TMP/lossy"
lossy 7811 31
expect_eq "ack-timeout 31: not retransmitted in $LOSS_S s" 0 "$RETRIES"
expect_ok "ack-timeout back to the default" \
	"$SDPCTL" tune set ack-timeout "$(tune_default ack-timeout)"

sdp_section "both: SDP gets no answer, fallback-timeout, the connect goes on over TCP"
# A plain TCP server, and a client socket as sdp-run makes it
# (IPPROTO_SDP) under a both rule, while the wire drops everything: the
# REQ is never answered (the neighbours are static, so address and route
# resolve), and after fallback-timeout (2 s) the same blocking connect()
# continues over TCP, whose SYN gets through once the wire is back.
FB_PORT=7840
cat > "$TMP/fbtimeout.py" <<'PYEOF'
import os, socket, sys, threading, time
srv, port, tmp = sys.argv[1], int(sys.argv[2]), sys.argv[3]
IPPROTO_SDP = 253
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((srv, port))
ls.listen(1)
def serve():
    a, _ = ls.accept()
    a.sendall(a.recv(100).upper())
    a.recv(1)
    a.close()
threading.Thread(target=serve, daemon=True).start()
c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_SDP)
open(os.path.join(tmp, "connecting"), "w").close()
t0 = time.time()
c.connect((srv, port))
print("connected after %.1f s" % (time.time() - t0), flush=True)
c.sendall(b"fallback")
print("got %s" % c.recv(100).decode(), flush=True)
open(os.path.join(tmp, "connected"), "w").close()
while not os.path.exists(os.path.join(tmp, "done")):
    time.sleep(0.05)
c.close()
PYEOF
expect_ok "rule: action both role connect port $FB_PORT" \
	"$SDPCTL" map add action both role connect port "$FB_PORT"
TIMEOUT0=$(sdp_stat fallback_timeout)
FAILED0=$(sdp_stat conn_failed)
rm -f "$TMP/connecting" "$TMP/connected" "$TMP/done"
sdp_guest_wire_loss 100
timeout 60 python3 "$TMP/fbtimeout.py" "$SRV" "$FB_PORT" "$TMP" \
	> "$TMP/fbtimeout" 2>&1 &
FB_PID=$!
sdp_wait_until 30 test -e "$TMP/connecting"
sleep 3
sdp_guest_wire_loss 0
sdp_wait_until 30 test -e "$TMP/connected"
cat "$TMP/fbtimeout"
expect_ok "the connect carried on over TCP: the server answered" \
	grep -qx "got FALLBACK" "$TMP/fbtimeout"
expect_jq "conns: the client is TCP-backed, reason timeout" \
	"map(select(.remote_port == $FB_PORT)) | length == 1 and
	 (.[0] | .transport == \"tcp\" and .fallback_reason == \"timeout\" and
		 .state == \"established\")" "$SDPCTL" -j conns
expect_jq "stats: one fallback for the timeout, not a failed connection" \
	".fallback_timeout - $TIMEOUT0 == 1 and .conn_failed == $FAILED0" \
	"$SDPCTL" -j stats
touch "$TMP/done"
wait "$FB_PID"
expect_ok "map flush" "$SDPCTL" map flush

sdp_section "nothing left behind"
no_socket_left() { sdp_conn_zero && sdp_conns_empty; }
expect_ok "no socket left in conns, conn_current back to 0" \
	sdp_wait_until 10 no_socket_left
expect_jq "conn_current is 0, no protocol error" \
	'.conn_current == 0 and .proto_errors == 0' "$SDPCTL" -j stats
for _ in $(seq 150); do
	RDMA_NOW=$(sdp_guest_rdma_counts "$SDP_RXE1" "$SDP_RXE2")
	[ "$RDMA_NOW" = "$RDMA_BEFORE" ] && break
	sdp_nap 0.1
done
expect_eq "rdma resources back to the start" "$RDMA_BEFORE" "$RDMA_NOW"
expect_ok "module unloads: no socket left" rmmod sdp
sdp_kmemleak_check

rm -rf "$TMP"
sdp_test_summary "topo-$SDP_KVER"
