#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One of the two guests of tests/vm/two-hosts.sh, each with its own kernel
# and its own sdp.ko, joined by an e1000 NIC (a QEMU socket netdev on the
# host's loopback) with Soft-RoCE on it.  Both guests run the same steps:
# serve checked transfers, then ask the other for them (so each kernel
# connects to the other and accepts from it), and qperf's SDP tests
# across.  Two barriers over
# plain TCP keep the guests in step: nobody connects before the other
# listens, nobody powers off while the other still needs it.
#
# usage (in a guest): test-twohost.sh LOCAL_ADDR PEER_ADDR SEED
set -u

. "$(dirname "$0")/testlib.sh"
sdp_suite_init test-twohost
[ $# -eq 3 ] || { echo "usage: $0 LOCAL_ADDR PEER_ADDR SEED" >&2; exit 2; }
LOCAL=$1 PEER=$2 SEED=$3
XFER=$TOP/tests/tools/sdp-xfer
XFER_PORT=7700
QPERF_PORT=19765
# Boots differ by tens of seconds (one kernel is bigger, TCG is slow).
PEER_WAIT=${SDP_TEST_PEER_WAIT:-600}

# barrier PORT: both guests got here (each listens on PORT and connects
# to the other's PORT until it answers).
barrier()
{
	python3 - "$LOCAL" "$PEER" "$1" "$PEER_WAIT" <<'EOF'
import socket, sys, threading, time
local, peer, port, wait = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
srv = socket.create_server((local, port))
srv.settimeout(wait)
got = threading.Thread(target=lambda: srv.accept()[0].close())
got.start()
end = time.time() + wait
while True:
    try:
        socket.create_connection((peer, port), timeout=2).close()
        break
    except OSError:
        if time.time() > end:
            sys.exit("barrier %d: %s never answered" % (port, peer))
        time.sleep(0.5)
got.join()
EOF
}

sdp_section "setup: $LOCAL on the e1000 NIC, rxe0 on it, sdp.ko ($SDP_KVER)"
modprobe e1000 2>/dev/null
nic=
for _ in $(seq 50); do
	for d in /sys/class/net/*; do
		[ "$(basename "$(readlink -f "$d/device/driver" 2>/dev/null)")" = e1000 ] &&
			nic=${d##*/}
	done
	[ -n "$nic" ] && break
	sleep 0.1
done
expect_ok "an e1000 NIC ($nic)" test -n "$nic"
ip link set "$nic" up
ip addr add "$LOCAL/24" dev "$nic"
sdp_guest_rdma_modules
expect_ok "rxe0 on $nic" rdma link add rxe0 type rxe netdev "$nic"
expect_ok "rxe0 ACTIVE" sdp_guest_wait_rxe rxe0
expect_ok "insmod sdp.ko" insmod "$KO"
sdp_rdma_mark

sdp_section "wait for the other host ($PEER)"
"$XFER" "$LOCAL" "$XFER_PORT" serve 4 > "$TMP/serve" 2>&1 &
server=$!
qperf --listen_port "$QPERF_PORT" > /dev/null 2>&1 &
qperfd=$!
t0=$SECONDS
expect_ok "the other host is up and serving" barrier 7801
echo "# waited $((SECONDS - t0)) s"

sdp_section "checked transfers across: this host connects, $PEER accepts"
"$XFER" "$PEER" "$XFER_PORT" remote $((16 << 20)) "$SEED" > "$TMP/remote" 2>&1
rc=$?
cat "$TMP/remote"
sdp_count_checks "$TMP/remote"
expect_eq "sdp-xfer remote: exit status" 0 "$rc"

sdp_section "qperf across (an unmodified SDP program)"
timeout 120 qperf "$PEER" --listen_port "$QPERF_PORT" -t 3 -m 64K \
	sdp_bw sdp_lat > "$TMP/qperf" 2>&1
rc=$?
cat "$TMP/qperf"
expect_eq "qperf sdp_bw sdp_lat: exit status" 0 "$rc"
expect_ok "qperf measured a bandwidth" grep -Eq 'bw += +[0-9.]+ [KMG]B/sec' "$TMP/qperf"
expect_ok "qperf measured a latency" grep -Eq 'latency += +[0-9.]+ (ns|us|ms)' "$TMP/qperf"

sdp_section "$PEER connected here, this host accepted"
sdp_wait_pid "$server" 300
rc=$?
cat "$TMP/serve"
sdp_count_checks "$TMP/serve"
expect_eq "sdp-xfer serve: exit status" 0 "$rc"

sdp_section "done: wait for the other host, then clean up"
expect_ok "the other host is done too" barrier 7802
kill "$qperfd" 2>/dev/null
wait "$qperfd" 2>/dev/null
expect_ok "every connection torn down" sdp_wait_conn_zero 30
sdp_expect_rdma_back "rdma resources back to the start"
sdp_expect_unload "rmmod sdp"
sdp_kmemleak_check
sdp_test_summary "twohost-$SDP_KVER"
