#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The soak (make soak; not part of make test): the mixed workload for
# SDP_TEST_SOAK_MINUTES (30) in one guest, by default the debug kernel:
# checksummed transfers, connection churn, hostile peers, netlink changes
# and fuzzing in a namespace, and the RDMA device removed and added again
# every SDP_TEST_SOAK_DEVREMOVE_SECS (300). Each worker loops until the
# time is up; transfers cut by a device removal fail and are counted, not
# checked. At the end: every worker ran and succeeded at least once, no
# connection and no RDMA object is left, counters are sane, the module
# unloads, and kmemleak (debug) finds nothing. vm.sh fails the run on any
# kernel report.
set -u

. "$(dirname "$0")/testlib.sh"
sdp_suite_init soak
LOAD=$TOP/tests/tools/sdp-load
HOSTILE=$TOP/tests/tools/sdp-hostile
FUZZ=$TOP/tests/tools/sdp-nlfuzz
MINUTES=${SDP_TEST_SOAK_MINUTES:-30}
DEVREMOVE=${SDP_TEST_SOAK_DEVREMOVE_SECS:-300}
END=$(($(date +%s) + MINUTES * 60))

echo "=== setup: $MINUTES minutes on $SDP_KVER, device removal every $DEVREMOVE s"
sdp_suite_rdma_up
expect_ok "insmod sdp.ko" insmod "$KO"
sdp_rdma_mark

running() { [ "$(date +%s)" -lt "$END" ]; }

# worker NAME CMD...: run CMD until the time is up; NAME.count gets
# "rounds passed".
worker()
{
	local name=$1 n=0 ok=0
	shift
	while running; do
		"$@" >> "$TMP/$name.log" 2>&1 && ok=$((ok + 1))
		n=$((n + 1))
	done
	echo "$n $ok" > "$TMP/$name.count"
}

# One hostile case after another, each against a fresh server.
hostile_round()
{
	local cas port=7300
	for cas in len-mismatch credit-overrun oversize bad-seq unknown-mid \
		ack-future disconn-twice urgent-empty; do
		port=$((port + 1))
		timeout 60 "$HOSTILE" server "$ADDR" "$port" 20 &
		sleep 1
		timeout 40 "$HOSTILE" "$cas" "$ADDR" "$port"
		wait
	done
}

# Rules and tunables change under the traffic; a namespace is fuzzed.
netlink_round()
{
	local seed=$RANDOM
	"$SDPCTL" map add action sdp port $((9000 + seed % 100)) > /dev/null &&
		"$SDPCTL" tune set recv-poll $((seed % 2 * 50)) &&
		"$SDPCTL" map flush > /dev/null &&
		ip netns add soakns &&
		ip netns exec soakns "$FUZZ" --seed "$seed" --count 2000
	local rc=$?
	ip netns del soakns 2>/dev/null
	return $rc
}

devremove_round()
{
	local left=$((END - $(date +%s)))
	sleep $((left < DEVREMOVE ? left : DEVREMOVE))
	running || return 0
	echo "$(date +%T) removing $SDP_RXE"
	rdma link delete "$SDP_RXE" && sleep 2 && sdp_suite_rdma_up
}

worker transfers timeout 300 "$LOAD" "$ADDR" 7100 concurrent 8 1048576 &
worker churn timeout 600 "$LOAD" "$ADDR" 7120 churn 200 &
worker hostile hostile_round &
worker netlink netlink_round &
worker devremove devremove_round &
wait

echo "=== what ran"
for w in transfers churn hostile netlink devremove; do
	read -r n ok < "$TMP/$w.count"
	echo "$w: $n rounds, $ok passed"
	expect_ok "$w: ran and passed at least once ($ok of $n)" test "$ok" -ge 1
done
grep -h '^FAIL' "$TMP"/transfers.log "$TMP"/churn.log 2>/dev/null |
	sed 's/[0-9]\+/N/g' | sort | uniq -c | head -n 10

echo "=== nothing left behind"
"$SDPCTL" tune set recv-poll 0
expect_ok "connections all gone" sdp_wait_conn_zero 120
sdp_expect_rdma_back "rdma resources back to the start"
sdp_expect_counters_sane "counters sane: every number below 2^62" \
	"$SDPCTL" -j stats
"$SDPCTL" -j stats | jq -cM '{conn_established, conn_aborted, proto_errors,
	local_qp_errors, mem_refused, half_open_expired}'
sdp_expect_unload "the module unloads" 60
sdp_kmemleak_check

rm -rf "$TMP"
sdp_test_summary "soak-$SDP_KVER"
