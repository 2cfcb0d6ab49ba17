#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Load and resource suite, run inside a guest by tests/vm/vm.sh: connection
# churn, many concurrent checksummed connections, the max-connections
# bound, and nothing left behind (counters, rdma resources, memory,
# sockets) after.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/vm/testlib.sh"
. "$TOP/tests/vm/guest-rdma.sh"

[ "${SDP_VM:-}" = 1 ] || { echo "test-load.sh: run me inside the VM" >&2; exit 2; }

KO=$TOP/build/$SDP_KVER/kmod/sdp.ko
SDPCTL=$TOP/sdpctl/sdpctl
STREAM=$TOP/tests/tools/sdp-stream-test
CHURN=500
CONCURRENT=40
TMP=$(mktemp -d)

# mode NAME ARGS...: run one sdp-stream-test mode; its "ok:"/"FAIL:" lines
# and its exit status are checks.
mode()
{
	local name=$1 rc
	shift
	timeout 600 "$STREAM" 198.18.0.1 "$@" > "$TMP/out" 2>&1
	rc=$?
	cat "$TMP/out"
	sdp_count_checks "$TMP/out"
	expect_eq "$name: exit status" 0 "$rc"
}

mem_avail() { awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo; }

echo "=== setup"
sdp_guest_rdma_up || { echo "rdma setup failed"; exit 1; }
expect_ok "insmod sdp.ko" insmod "$KO"
# Warm up once so that lazily created caches do not count as growth.
mode "warm-up" 7600 churn 5
QPS_BEFORE=$(rdma resource show qp | grep -c 'rxe0')
MRS_BEFORE=$(rdma resource show mr | grep -c 'rxe0')
MEM_BEFORE=$(mem_avail)

echo "=== churn: $CHURN connect/transfer/close cycles"
mode "churn" 7610 churn "$CHURN"
expect_jq "no connection left open after churn" '.conn_current == 0' "$SDPCTL" -j stats

echo "=== $CONCURRENT concurrent connections with checksums"
mode "concurrent" 7620 concurrent "$CONCURRENT"
expect_jq "no connection left open after the concurrent run" \
	'.conn_current == 0 and .proto_errors == 0' "$SDPCTL" -j stats

echo "=== max-connections bound"
expect_ok "max-connections 6" "$SDPCTL" tune set max-connections 6
mode "maxconn" 7630 maxconn 6
expect_ok "max-connections back to default" "$SDPCTL" tune set max-connections 65536

echo "=== nothing left behind"
sleep 1
expect_eq "rdma QPs back to the count before" "$QPS_BEFORE" \
	"$(rdma resource show qp | grep -c 'rxe0')"
expect_eq "rdma MRs back to the count before" "$MRS_BEFORE" \
	"$(rdma resource show mr | grep -c 'rxe0')"
# Each connection holds rx-buffers x rx-buffer-size (2 MiB by default) per
# end: leaking even a tenth of the connections above would show as GiBs.
MEM_AFTER=$(mem_avail)
echo "MemAvailable: $MEM_BEFORE kB before, $MEM_AFTER kB after"
expect_ok "memory available within 64 MiB of before" \
	test $((MEM_BEFORE - MEM_AFTER)) -lt 65536
expect_jq "conn_current is 0" '.conn_current == 0' "$SDPCTL" -j stats
# Every SDP socket holds a reference on the module (proto .owner), so an
# unload that succeeds proves that no socket was leaked. (SLUB's
# active-object counts in /proc/slabinfo include per-cpu slabs and cannot
# tell.)
expect_ok "module unloads: no socket left" rmmod sdp

rm -rf "$TMP"
sdp_test_summary "load-$SDP_KVER"
