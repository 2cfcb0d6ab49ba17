#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Data-path integration test, run inside a guest by tests/vm/vm.sh: real
# AF_INET_SDP and IPPROTO_SDP sockets over Soft-RoCE loopback (rxe0 on 198.18.0.1), with
# checksummed transfers both ways at once, socket semantics, the counters
# that traffic must move, live sockets pinning the module, and removal of
# the RDMA device under connected sockets.
set -u

. "$(dirname "$0")/testlib.sh"
sdp_suite_init test-stream
XFER=$TOP/tests/tools/sdp-xfer
# SDP_TEST_SCALE divides the bulk transfer sizes (64 MiB, 256 MiB mixed),
# never the checks: 1 by default, 16 on the debug tier (about 20x slower;
# at 8 its transfers took about 160 s of a quiet debug guest).
# vm.sh forwards SDP_TEST_* from the host.
SCALE=${SDP_TEST_SCALE:-1}
[ "$SDP_KVER" != debug ] || SCALE=${SDP_TEST_SCALE:-16}
BYTES=$(((64 << 20) / SCALE))
MIXED=$(((256 << 20) / SCALE))

sdp_section "setup"
sdp_suite_rdma_up
sdp_guest_kmemleak_manual
expect_ok "insmod sdp.ko" insmod "$KO"
expect_jq "info advertises the stream feature" '.features | index("stream")' \
	"$SDPCTL" -j info

what="each test on SDP, IPPROTO_SDP (SDP and made TCP) and TCP"
[ "$SDP_KVER" != debug ] || what="SDP, and IPPROTO_SDP for what differs"
sdp_section "socket semantics: $what"
sdp_semantics_runs "$ADDR" 7200 ""

sdp_section "transfers, $((BYTES >> 20)) MiB each way at once"
sdp_run_program lines sdp-xfer "$XFER" "$ADDR" 7300 "$BYTES"

sdp_section "the same over IPPROTO_SDP sockets, $((BYTES >> 22)) MiB each way"
expect_ok "default-action sdp" "$SDPCTL" tune set default-action sdp
sdp_run_program lines "sdp-xfer over IPPROTO_SDP" env SDP_STREAM_FAMILY=inet \
	"$XFER" "$ADDR" 7450 $((BYTES / 4))
expect_ok "default-action tcp" "$SDPCTL" tune set default-action tcp

sdp_section "random sizes, 1 B to 16 MiB, $((MIXED >> 20)) MiB each way, with recv-poll"
# recv-poll makes blocking reads spin before they sleep: the same bytes
# must arrive, in order, whatever the read path.
expect_ok "recv-poll 100 us" "$SDPCTL" tune set recv-poll 100
sdp_run_program lines "mixed-size run" "$XFER" "$ADDR" 7350 mixed "$MIXED"
expect_ok "recv-poll back to 0" "$SDPCTL" tune set recv-poll 0

sdp_section "sdp-pingpong, make bench's latency tool"
# 300 round trips of 64 bytes over SDP, SDP with recv-poll, and TCP: its
# one line, percentiles in order (the numbers themselves are the bench's).
# pingpong NAME FAMILY PORT
pingpong()
{
	local out
	out=$(SDP_STREAM_FAMILY=$2 "$TOP/tests/tools/sdp-pingpong" "$ADDR" "$3" 300 64 2>&1)
	echo "$out"
	expect_ok "$1: mean, p50 <= p99 <= p99.9" awk '$1 == "latency" && $5 > 0 &&
		$7 > 0 && $7 <= $9 && $9 <= $11 { ok = 1 } END { exit !ok }' <<<"$out"
}
pingpong "SDP" sdp 7355
"$SDPCTL" tune set recv-poll 100
pingpong "SDP with recv-poll" sdp 7356
"$SDPCTL" tune set recv-poll 0
pingpong "TCP" tcp 7357

sdp_section "no inline sends (inline-threshold 0), $((MIXED >> 22)) MiB each way"
# As on a device that takes no inline data: control messages (credit
# updates, DisConn) then come from the send slots, and a connection
# starts with two of them instead of none.
INLINE_DEFAULT=$(tune_default inline-threshold)
expect_ok "inline-threshold 0" "$SDPCTL" tune set inline-threshold 0
sdp_run_program lines "mixed-size run without inline sends" "$XFER" "$ADDR" \
	7360 mixed $((MIXED / 4))
expect_ok "inline-threshold back to $INLINE_DEFAULT" \
	"$SDPCTL" tune set inline-threshold "$INLINE_DEFAULT"

sdp_section "autocork: small writes share a message while one is in flight"
# qperf leaves TCP_NODELAY off (the default, as TCP's): while a Data
# message is in flight its 64-byte writes fill the next one.  Counted by
# autocorked; tx_bytes / 64 is the number of writes.  How many writes a
# message takes depends on the host's speed: make bench measures it.
QPERF_PORT=7380
qperf -lp "$QPERF_PORT" > "$TMP/qperf-server" 2>&1 &
QPERF=$!
expect_ok "qperf server listening" tcp_listener "$QPERF_PORT" qperf
# autocork_run AUTOCORK: one 2-second qperf sdp_bw -m 64; sets WRITES,
# MSGS (Data messages sent) and CORKED (autocorked) of the run.
autocork_run()
{
	local b0 m0 c0
	"$SDPCTL" tune set autocork "$1"
	b0=$(sdp_stat tx_bytes) c0=$(sdp_stat autocorked)
	m0=$("$SDPCTL" -j stats | jq .tx_msgs.data)
	timeout 120 qperf "$ADDR" -lp "$QPERF_PORT" -t 2 -m 64 sdp_bw \
		> "$TMP/qperf-client" 2>&1
	WRITES=$((($(sdp_stat tx_bytes) - b0) / 64))
	MSGS=$(($("$SDPCTL" -j stats | jq .tx_msgs.data) - m0))
	CORKED=$(($(sdp_stat autocorked) - c0))
	echo "# autocork $1: $WRITES writes of 64 bytes, $MSGS Data messages, autocorked $CORKED ($(grep -o 'bw *= .*' "$TMP/qperf-client"))"
}
autocork_run 1
expect_ok "autocork on: sends held back, counted" test "$CORKED" -gt 0
autocork_run 0
expect_eq "autocork off: no send held back by it" 0 "$CORKED"
expect_ok "tune set autocork 1" "$SDPCTL" tune set autocork 1
kill "$QPERF"
wait "$QPERF" 2>/dev/null
# TCP_NODELAY on: every write goes at once (or waits for a credit).
CORKED0=$(sdp_stat autocorked)
expect_ok "TCP_NODELAY: 2000 small writes arrive" \
	env ADDR="$ADDR" python3 - 7381 <<'PYEOF'
import os, socket, sys, threading
addr, port = os.environ["ADDR"], int(sys.argv[1])
def sdp():
    raw = socket.socket(27, socket.SOCK_STREAM)
    return socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, raw.detach())
ls = sdp()
ls.bind((addr, port))
ls.listen(1)
c = sdp()
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
c.connect((addr, port))
a, _ = ls.accept()
a.settimeout(10)
got = 0
def read():
    global got
    while got < 2000 * 64:
        got += len(a.recv(65536))
reader = threading.Thread(target=read)
reader.start()
c.settimeout(10)
for i in range(2000):
    c.sendall(b"n" * 64)
reader.join(20)
sys.exit(got != 2000 * 64)
PYEOF
expect_eq "TCP_NODELAY: no send held back by autocork" \
	"$CORKED0" "$(sdp_stat autocorked)"

sdp_section "IPv6: the same checks over sockaddr_in6"
# 2001:2::/48 is IPv6's benchmarking range (RFC 5180), as 198.18.0.0/15.
# On another host: SDP_ADDR6, an IPv6 address of the RDMA netdev.
ADDR6=${SDP_ADDR6:-}
if [ "${SDP_VM:-}" = 1 ]; then
	ADDR6=2001:2::1
	expect_ok "IPv6 address on $SDP_DUMMY_IF" \
		ip -6 addr add "$ADDR6/64" dev "$SDP_DUMMY_IF" nodad
fi
if [ -n "$ADDR6" ]; then
	sdp_semantics_runs "$ADDR6" 7600 " on IPv6"
	sdp_run_program lines "sdp-xfer on IPv6" "$XFER" "$ADDR6" 7700 \
		$((BYTES / 4))
else
	sdp_skip "IPv6 transfers" "no SDP_ADDR6 given"
fi

sdp_section "counters moved by the traffic"
expect_jq "connections were counted" \
	'.conn_active_opens > 0 and .conn_passive_opens > 0 and
	 .conn_established > 0 and .conn_refused > 0 and .conn_aborted > 0' \
	"$SDPCTL" -j stats
expect_jq "bytes both ways cover the transfers" \
	".tx_bytes >= 2 * $BYTES and .rx_bytes >= 2 * $BYTES" "$SDPCTL" -j stats
expect_jq "data and disconnect messages counted both ways" \
	'.tx_msgs.data > 0 and .rx_msgs.data > 0 and .tx_msgs.disconnect > 0
	 and .rx_msgs.disconnect > 0 and .tx_msgs.hello > 0 and .rx_msgs.hello_ack > 0' \
	"$SDPCTL" -j stats
expect_jq "no connection left open, no protocol error" \
	'.conn_current == 0 and .proto_errors == 0' "$SDPCTL" -j stats
expect_jq "message size histogram filled" '.hist.tx_msg_size | add > 0' \
	"$SDPCTL" -j stats

sdp_section "conns: live sockets and conn-up / conn-down events"
# A listener and one connection kept open by a python3 helper: AF_INET_SDP
# sockets driven as AF_INET ones (python knows no family 27 addresses).
CPORT_FILE=$TMP/conn-ready
CLOSE_FILE=$TMP/conn-close
PORT=7500
cat > "$TMP/conn.py" <<'PYEOF'
import os, socket, sys, time
port, ready, close = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def sdp():
    raw = socket.socket(27, socket.SOCK_STREAM)
    return socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, raw.detach())
ls = sdp()
ls.bind((os.environ["ADDR"], port))
ls.listen(4)
c = sdp()
c.connect((os.environ["ADDR"], port))
a, _ = ls.accept()
c.sendall(b"x" * 1000)
got = 0
while got < 1000:
    got += len(a.recv(4096))
a.sendall(b"y" * 300)
got = 0
while got < 300:
    got += len(c.recv(4096))
with open(ready, "w") as f:
    f.write("%d\n" % c.getsockname()[1])
while not os.path.exists(close):
    time.sleep(0.1)
c.close()
a.close()
ls.close()
PYEOF
conn_events() { jq -r .event < "$1" | tr '\n' ' ' | sed 's/ $//'; }
"$SDPCTL" -j monitor --count 2 > "$TMP/mon-up" 2>&1 &
MON=$!
sdp_nap 1
timeout 120 python3 "$TMP/conn.py" "$PORT" "$CPORT_FILE" "$CLOSE_FILE" \
	> "$TMP/conn-py" 2>&1 &
PY=$!
sdp_wait_until 30 test -s "$CPORT_FILE"
CPORT=$(cat "$CPORT_FILE" 2>/dev/null)
expect_ok "python helper connected (client port ${CPORT:-none})" test -n "$CPORT"
CPORT=${CPORT:-0}
sdp_wait_pid "$MON" 10
expect_eq "monitor saw two conn-up events" "conn-up conn-up" \
	"$(conn_events "$TMP/mon-up")"
UP_COOKIES=$(jq -sc '[.[].conn.cookie] | sort' "$TMP/mon-up" 2>/dev/null)
expect_ok "conn-up events carry both ends' ports" \
	jq -se "(map(.conn | [.local_port, .remote_port]) | sort) ==
		([[$PORT, $CPORT], [$CPORT, $PORT]] | sort)" "$TMP/mon-up"
expect_jq "conns lists the listener" \
	"map(select(.state == \"listen\" and .local_port == $PORT and
		    .remote_addr == null)) | length == 1" "$SDPCTL" -j conns
expect_jq "conns lists the client end, established, with its bytes" \
	"map(select(.state == \"established\" and .local_port == $CPORT and
		    .remote_port == $PORT and .remote_addr == \"$ADDR\" and
		    .tx_bytes == 1000 and .rx_bytes == 300 and .rx_queued == 0
		    and .inode > 0 and .cookie > 0 and .transport == \"sdp\"
		    and .fallback_reason == null)) | length == 1" \
	"$SDPCTL" -j conns
expect_jq "conns lists the server end, established, with its bytes" \
	"map(select(.state == \"established\" and .local_port == $PORT and
		    .remote_port == $CPORT and .tx_bytes == 300 and
		    .rx_bytes == 1000 and .tx_credits > 0 and .rx_posted > 0))
	 | length == 1" "$SDPCTL" -j conns
expect_jq "conns cookies are those of the conn-up events" \
	"([.[] | select(.state == \"established\") | .cookie] | sort) ==
	 ${UP_COOKIES:-null}" "$SDPCTL" -j conns
sdp_run "$SDPCTL" conns
echo "$SDP_OUT"
expect_eq "conns human table: header and three sockets" 4 \
	"$(printf '%s\n' "$SDP_OUT" | grep -c .)"
expect_ok "conns human table shows the listener, via sdp" \
	grep -Eq "^listen +sdp +198\.18\.0\.1:$PORT +\*:\*" <<< "$SDP_OUT"
ip netns add sdpconns
expect_jq "conns in another netns is empty" 'length == 0' \
	ip netns exec sdpconns "$SDPCTL" -j conns
ip netns del sdpconns
"$SDPCTL" monitor --count 2 > "$TMP/mon-down-text" 2>&1 &
MONT=$!
"$SDPCTL" -j monitor --count 2 > "$TMP/mon-down" 2>&1 &
MON=$!
sdp_nap 1
touch "$CLOSE_FILE"
sdp_wait_pid "$PY" 30
expect_eq "python helper exit status" 0 "$?"
cat "$TMP/conn-py"
sdp_wait_pid "$MON" 20
sdp_wait_pid "$MONT" 5
cat "$TMP/mon-down-text"
expect_eq "monitor saw two conn-down events" "conn-down conn-down" \
	"$(conn_events "$TMP/mon-down")"
expect_ok "conn-down events match the conn-up ones, with final bytes" \
	jq -se "(map(.conn.cookie) | sort) == ${UP_COOKIES:-null} and
		(map(.conn.tx_bytes) | sort) == [300, 1000]" "$TMP/mon-down"
expect_eq "human monitor: two conn-down lines" 2 \
	"$(grep -c "^conn-down .*:$PORT .*cookie [0-9]" "$TMP/mon-down-text")"
expect_ok "conns is empty once the sockets are torn down" \
	sdp_wait_until 10 sdp_conns_empty

sdp_section "a silent peer (veth pair, packets dropped): keepalive, connect-timeout, TCP_USER_TIMEOUT"
expect_ok "veth pair with rxe1/rxe2" sdp_guest_veth_pair
BLACKHOLE=". $TOP/tests/vm/guest-rdma.sh && sdp_guest_wire_loss 100"
RESTORE=". $TOP/tests/vm/guest-rdma.sh && sdp_guest_wire_loss 0"
ABORTED=$("$SDPCTL" -j stats | jq .conn_aborted)
expect_ok "connect-timeout 2000 ms" "$SDPCTL" tune set connect-timeout 2000
timeout 240 python3 "$TOP/tests/vm/silent-peer.py" "$SDP_VETH2_ADDR" 7450 \
	"$BLACKHOLE" "$RESTORE" 2000 > "$TMP/silent-peer" 2>&1
rc=$?
cat "$TMP/silent-peer"
sdp_count_checks "$TMP/silent-peer"
expect_eq "silent-peer.py exit status" 0 "$rc"
expect_ok "connect-timeout back to its default" "$SDPCTL" tune set connect-timeout 10000
# At least the timed-out end; the other end of that connection may be
# counted too, once its close finds the QP gone.
expect_jq "the timed-out connection was counted as aborted" \
	".conn_aborted >= ${ABORTED:-0} + 1 and .proto_errors == 0" \
	"$SDPCTL" -j stats
expect_ok "the silent peer's connections are torn down" sdp_wait_conn_zero 60
ABORTED=$(sdp_stat conn_aborted)
sdp_run_program lines "user-timeout.py" python3 "$TOP/tests/vm/user-timeout.py" \
	"$SDP_VETH2_ADDR" 7460 "$BLACKHOLE" "$RESTORE"
expect_jq "TCP_USER_TIMEOUT's aborts were counted" \
	".conn_aborted >= ${ABORTED:-0} + 2 and .proto_errors == 0" \
	"$SDPCTL" -j stats
expect_ok "the user timeout's connections are torn down" sdp_wait_conn_zero 60

sdp_section "exposure: other RDMA services' ports, no autoload"
# bind_as USER PORT: what bind() of an SDP socket to $ADDR:PORT says
# ("bound" or the errno name), as root or as nobody.
bind_as()
{
	local who=()
	[ "$1" = root ] || who=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	"${who[@]}" python3 -c '
import errno, sys
sys.path.insert(0, sys.argv[1])
from sdpsock import sdp_socket
try:
    sdp_socket().bind((sys.argv[3], int(sys.argv[2])))
    print("bound")
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))' "$TOP/tests/vm" "$2" "$ADDR"
}
RESV=/sys/module/sdp/parameters/reserved_ports
expect_eq "reserved_ports: the RDMA services' ports by default" \
	"3260,4420,18634,20049" "$(cat "$RESV")"
expect_eq "nobody cannot bind NVMe-oF's port 4420" EACCES "$(bind_as nobody 4420)"
expect_eq "nobody cannot bind NFS/RDMA's port 20049" EACCES "$(bind_as nobody 20049)"
expect_eq "nobody binds port 4421" bound "$(bind_as nobody 4421)"
expect_eq "root binds port 4420" bound "$(bind_as root 4420)"
expect_ok "reserved_ports set to 4421-4422" sh -c "echo 4421-4422 > $RESV"
expect_eq "nobody cannot bind port 4422 now" EACCES "$(bind_as nobody 4422)"
expect_eq "nobody binds port 4420 now" bound "$(bind_as nobody 4420)"
# bash, not dash: dash's echo reports any failed write as "I/O error".
expect_fail "a malformed list is refused" 1 "Invalid argument" \
	bash -c "echo 70000 > $RESV"
expect_ok "reserved_ports back to the default" \
	sh -c "echo 3260,4420,18634,20049 > $RESV"
expect_eq "no module alias: a netlink family lookup cannot load sdp.ko" "" \
	"$(modinfo -F alias "$KO")"

sdp_section "live sockets pin the module; device removal resets them"
if sdp_in_guest "device removal under connected sockets"; then
	# The SO_REUSEPORT listeners are IPPROTO_SDP sockets: over SDP.
	expect_ok "default-action sdp" "$SDPCTL" tune set default-action sdp
	timeout 120 "$XFER" "$ADDR" 7400 devremove > "$TMP/devremove" 2>&1 &
	PID=$!
	devremove_ready() { [[ $(< "$TMP/devremove") == *ready* ]]; }
	sdp_wait_until 20 devremove_ready
	expect_fail "rmmod is refused while sockets are open" 1 "in use" \
		rmmod sdp
	expect_ok "delete the Soft-RoCE device under connected sockets" \
		rdma link delete "$SDP_RXE"
	wait "$PID"
	rc=$?
	cat "$TMP/devremove"
	sdp_count_checks "$TMP/devremove"
	expect_eq "sockets saw the device go" 0 "$rc"
	expect_ok "default-action tcp" "$SDPCTL" tune set default-action tcp
fi
sdp_expect_unload "module unloads once the sockets are closed"

sdp_kmemleak_check

rm -rf "$TMP"
sdp_test_summary "stream-$SDP_KVER"
