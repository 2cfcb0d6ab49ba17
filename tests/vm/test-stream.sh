#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Data-path integration test, run inside a guest by tests/vm/vm.sh: real
# AF_INET_SDP sockets over Soft-RoCE loopback (rxe0 on 198.18.0.1), with
# checksummed transfers both ways at once, socket semantics, the counters
# that traffic must move, live sockets pinning the module, and removal of
# the RDMA device under connected sockets.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/vm/testlib.sh"
. "$TOP/tests/vm/guest-rdma.sh"

[ "${SDP_VM:-}" = 1 ] || { echo "test-stream.sh: run me inside the VM" >&2; exit 2; }

KO=$TOP/build/$SDP_KVER/kmod/sdp.ko
SDPCTL=$TOP/sdpctl/sdpctl
STREAM=$TOP/tests/tools/sdp-stream-test
BYTES=$((64 << 20))
TMP=$(mktemp -d)

# count_checks LOG: one pass per "ok:" line, one failure per "FAIL:" line.
count_checks()
{
	local line
	while IFS= read -r line; do
		case $line in
		ok:*) sdp_pass "${line#ok: }" ;;
		FAIL:*) sdp_fail "${line#FAIL: }" "see above" ;;
		esac
	done < "$1"
}

echo "=== setup"
sdp_guest_rdma_up || { echo "rdma setup failed"; exit 1; }
expect_ok "insmod sdp.ko" insmod "$KO"
expect_jq "info advertises the stream feature" '.features | index("stream")' \
	"$SDPCTL" -j info

echo "=== socket semantics and transfers"
timeout 600 "$STREAM" 198.18.0.1 7300 "$BYTES" > "$TMP/stream" 2>&1
rc=$?
cat "$TMP/stream"
count_checks "$TMP/stream"
expect_eq "sdp-stream-test exit status" 0 "$rc"

echo "=== counters moved by the traffic"
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

echo "=== live sockets pin the module; device removal resets them"
timeout 120 "$STREAM" 198.18.0.1 7400 devremove > "$TMP/devremove" 2>&1 &
PID=$!
for _ in $(seq 200); do grep -q ready "$TMP/devremove" && break; sleep 0.1; done
expect_fail "rmmod is refused while sockets are open" 1 "in use" rmmod sdp
expect_ok "delete the Soft-RoCE device under connected sockets" rdma link delete rxe0
wait "$PID"
rc=$?
cat "$TMP/devremove"
count_checks "$TMP/devremove"
expect_eq "sockets saw the device go" 0 "$rc"
unloaded=1
for _ in $(seq 20); do
	rmmod sdp 2>/dev/null && { unloaded=0; break; }
	sleep 0.5
done
expect_eq "module unloads once the sockets are closed" 0 "$unloaded"

rm -rf "$TMP"
sdp_test_summary "stream-$SDP_KVER"
