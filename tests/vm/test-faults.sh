#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fault injection, run inside a debug-tier guest by tests/vm/vm.sh: every
# allocation that a socket call or a netlink request makes in the caller's
# context fails once in turn (fail-nth, with failslab and fail_page_alloc
# considering GFP_KERNEL allocations too), and each failure must give the
# caller a clean error, or a call that worked anyway; afterwards nothing
# is left: no connection, no RDMA object, no leak (kmemleak), and the
# module unloads.  Allocations made in other contexts (the rdma_cm
# handlers of both ends) are reached through sdp.ko's own allocating
# functions instead (fail_function: each call fails once in turn).  Needs
# CONFIG_FAULT_INJECTION (and CONFIG_FAIL_FUNCTION): on a stock kernel
# every check is reported as skipped.
set -u

. "$(dirname "$0")/testlib.sh"
sdp_suite_init test-faults
FAILNTH=$TOP/tests/tools/sdp-failnth
NLRAW=$TOP/tests/tools/sdp-nlraw
DBG=/sys/kernel/debug

sdp_section "setup"
[ -e $DBG/failslab ] || mount -t debugfs debugfs $DBG 2>/dev/null
if [ ! -e /proc/self/fail-nth ] || [ ! -d $DBG/failslab ]; then
	sdp_skip "fault injection" "kernel without CONFIG_FAULT_INJECTION/FAILSLAB"
	sdp_test_summary "faults-$SDP_KVER"
	exit
fi
sdp_suite_rdma_up
expect_ok "insmod sdp.ko" insmod "$KO"
# fail-nth counts the allocations failslab and fail_page_alloc consider:
# by default they skip GFP_KERNEL ones (those that may sleep), which are
# most of ours.  verbose 0: an injected failure prints nothing (a stack
# dump would read as a splat).
for f in failslab fail_page_alloc; do
	expect_ok "$f: GFP_KERNEL allocations can fail, quietly" sh -c \
		"echo N > $DBG/$f/ignore-gfp-wait && echo 0 > $DBG/$f/verbose"
done
echo 0 > $DBG/fail_page_alloc/min-order
sdp_rdma_mark

sdp_section "socket calls"
t0=$SECONDS
timeout 900 "$FAILNTH" "$ADDR" 7900 socket bind listen connect accept send \
	recv sockopt shutdown close > "$TMP/calls" 2>&1
rc=$?
cat "$TMP/calls"
echo "# socket calls: $((SECONDS - t0)) s"
sdp_count_checks "$TMP/calls"
expect_eq "sdp-failnth: exit status" 0 "$rc"
expect_ok "every connection torn down" sdp_wait_conn_zero 30
sdp_expect_rdma_back "rdma resources back to the start"

sdp_section "sdp.ko's functions, wherever they run"
# fail_function fails the N-th call of one of sdp.ko's allocating
# functions (ALLOW_ERROR_INJECTION) in any context: the rdma_cm handlers of
# both ends, where fail-nth cannot reach.  A connection starts with 4
# receive buffers and no send slot at each end (docs/design.md, "Memory"):
# sdp_buf_alloc's rounds are 2 ends x 4 calls, one failing in the middle
# of a ring.  Each count below proves both ends were reached.
# funcfail FUNCTION PORT OP COUNT: sdp-failnth -F; COUNT calls in OP.
funcfail()
{
	t0=$SECONDS
	timeout 900 "$FAILNTH" -F "$1" "$ADDR" "$2" "$3" > "$TMP/func" 2>&1
	rc=$?
	cat "$TMP/func"
	echo "# $1 in $3: $((SECONDS - t0)) s"
	sdp_count_checks "$TMP/func"
	expect_eq "sdp-failnth -F $1 $3: exit status" 0 "$rc"
	expect_ok "$3: $4 calls of $1 (each end's)" \
		grep -q "^ok: $3: $4 calls of $1," "$TMP/func"
}
# Without ftrace a kprobe is an int3 (a jump once optimized, which
# fail_function's probes are not): the handler then runs in NMI context,
# where fault injection's own random number (should_fail_ex(), even at
# probability 100) takes the crng lock, and lockdep reports that, nothing
# of sdp.ko.  With FUNCTION_TRACER the probe on a function's entry is an
# ftrace call instead.
if [ ! -e $DBG/fail_function/inject ]; then
	sdp_skip "function fault injection" "kernel without CONFIG_FAIL_FUNCTION"
elif [ ! -e /sys/kernel/tracing/available_filter_functions ] &&
	[ ! -e $DBG/tracing/available_filter_functions ]; then
	sdp_skip "function fault injection" \
		"kprobes without ftrace here: lockdep reports fault injection's own crng use in NMI context"
else
	expect_ok "sdp.ko's functions are injectable" sh -c \
		"grep -c '\[sdp\]' $DBG/fail_function/injectable | grep -qx 4"
	"$SDPCTL" tune set rx-buffers 4 && "$SDPCTL" tune set tx-queue-depth 4
	funcfail sdp_sock_alloc 7910 socket 1
	funcfail sdp_sock_alloc 7911 conn 1
	funcfail sdp_res_setup 7912 conn 2
	funcfail sdp_tx_setup 7913 conn 2
	funcfail sdp_buf_alloc 7914 conn 8
	# A stream grows both rings: the sender's send slots from 0 to 4, the
	# receiver's buffers from 4 to 8; one that cannot grow only slows it
	# (the first send slot fails the send: ENOBUFS).
	"$SDPCTL" tune set rx-buffers 8
	funcfail sdp_buf_alloc 7915 stream 8

	# A device SDP cannot use (one SGE per work request, which no device
	# here has): sdp_res_setup() says -ENODEV, made to by fail_function.
	# An SDP connect then fails as one without an RDMA device does,
	# ENETUNREACH, and a connect of action both goes on over TCP.
	FF=$DBG/fail_function
	nodev0=$(sdp_stat fallback_no_device)
	echo sdp_res_setup > $FF/inject &&
		printf '%#x\n' -19 > $FF/sdp_res_setup/retval &&
		echo 100 > $FF/probability && echo 1 > $FF/interval &&
		echo -1 > $FF/times && echo 0 > $FF/space && echo 0 > $FF/verbose
	"$SDPCTL" map add action both role connect port 7921 >/dev/null
	sdp_run_program lines "a device SDP cannot use" python3 - "$TOP/tests/vm" \
		"$ADDR" 7920 <<'PYEOF'
import errno, socket, sys
sys.path.insert(0, sys.argv[1])
from sdpsock import check, errname, sdp_socket
addr, port = sys.argv[2], int(sys.argv[3])
ls = sdp_socket()
ls.bind((addr, port))
ls.listen(4)
c = sdp_socket()
c.settimeout(30)
try:
    c.connect((addr, port))
    err = 0
except OSError as e:
    err = e.errno
check("an SDP connect fails ENETUNREACH (%s)" % errname(err),
      err == errno.ENETUNREACH)
t = socket.socket()
t.bind((addr, port + 1))
t.listen(4)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 253)
s.settimeout(30)
s.connect((addr, port + 1))
a, _ = t.accept()
s.sendall(b"over tcp")
check("a connect of action both goes on over TCP", a.recv(16) == b"over tcp")
PYEOF
	echo "!sdp_res_setup" > $FF/inject
	"$SDPCTL" map flush >/dev/null
	expect_eq "counted as a fallback for want of a device" $((nodev0 + 1)) \
		"$(sdp_stat fallback_no_device)"
	"$SDPCTL" tune set rx-buffers "$(tune_default rx-buffers)" &&
		"$SDPCTL" tune set tx-queue-depth "$(tune_default tx-queue-depth)"
	expect_ok "every connection torn down" sdp_wait_conn_zero 30
	sdp_expect_rdma_back "rdma resources back to the start"
fi

sdp_section "netlink requests"
# nlfail NAME [PREP -- ...] REQUEST: sdp-nlraw -f; the PREP requests set
# each round up (map-replace with one rule: the same table whatever the
# round before did); REQUEST must end well once no allocation fails.
nlfail()
{
	local name=$1
	shift
	t0=$SECONDS
	"$NLRAW" -f "$@" > "$TMP/nl" 2>&1
	rc=$?
	cat "$TMP/nl"
	echo "# $name: $((SECONDS - t0)) s"
	expect_eq "$name: each allocation failed once, then it worked" 0 "$rc"
}
rule() {
	echo nest:map.rule{ u16:rule.family=2 u16:rule.port-min="$1" \
		u16:rule.port-max="$1" u32:rule.role=1 u32:rule.action=1 }
}
rules() { "$SDPCTL" -j map list | jq length; }

nlfail "info-get" info-get
nlfail "stats-get" stats-get
nlfail "stats-reset" stats-reset
nlfail "tune-get" tune-get str:tunable.name=rx-buffers
nlfail "tune-get dump" -d tune-get
nlfail "tune-set" tune-set str:tunable.name=rx-buffers \
	u64:tunable.value="$(tune_default rx-buffers)"
# shellcheck disable=SC2046 # rule's words are the request's arguments
nlfail "map-add" map-flush -- map-add $(rule 5201)
expect_eq "map-add: one rule" 1 "$(rules)"
nlfail "map-get dump" -d map-get
nlfail "map-lookup" map-lookup u16:lookup.family=2 bin:lookup.addr=c6120001 \
	u16:lookup.port=5201 u32:lookup.role=1
# shellcheck disable=SC2046
nlfail "map-replace" map-replace $(rule 5202) $(rule 5203)
expect_eq "map-replace: the table is the new one" 2 "$(rules)"
# shellcheck disable=SC2046
nlfail "map-del" map-replace $(rule 5201) -- map-del $(rule 5201)
expect_eq "map-del: the rule is gone" 0 "$(rules)"
# shellcheck disable=SC2046
nlfail "map-flush" map-replace $(rule 5201) -- map-flush
expect_eq "map-flush: the table is empty" 0 "$(rules)"
# conn-get with a connection to list (both of its ends).
python3 - "$TOP/tests/vm" "$ADDR" "$TMP/held" <<'PYEOF' &
import sys, time
sys.path.insert(0, sys.argv[1])
from sdpsock import sdp_pair
held = sdp_pair(sys.argv[2], 7990, 10)
open(sys.argv[3], "w").close()
time.sleep(30)
PYEOF
holder=$!
expect_ok "a connection is up" sdp_wait_until 10 test -e "$TMP/held"
nlfail "conn-get dump" -d conn-get
kill "$holder"
wait "$holder"

sdp_section "nothing left behind"
expect_ok "every connection torn down" sdp_wait_conn_zero 30
sdp_expect_rdma_back "rdma resources back to the start"
for f in failslab fail_page_alloc; do
	echo Y > $DBG/$f/ignore-gfp-wait
done
expect_ok "rmmod sdp" rmmod sdp
sdp_kmemleak_check
sdp_test_summary "faults-$SDP_KVER"
