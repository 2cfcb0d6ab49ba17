#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile-peer test, run inside a guest by tests/vm/vm.sh: a userspace SDP
# peer (tests/tools/sdp-hostile, librdmacm) breaks the protocol in one way
# per case against a real AF_INET_SDP server (and, passively, answers a real
# connect() with a bad HelloAck). For each case sdp.ko must tear down just
# that connection, fail the socket (EPROTO / ECONNRESET / refusal), count a
# protocol error where the peer broke the protocol, and leak nothing; the
# module must stay usable and unload at the end. Every step is bounded.
# Last, a seeded wire fuzz (tests/tools/sdp-wirefuzz: 30 + 15 s of new
# connections, 20 + 10 s on the debug tier, both directions) mixes all of
# it over hundreds of connections or more; it prints its seed, and
# SDP_TEST_WIREFUZZ_SEED replays a run.
set -u

. "$(dirname "$0")/testlib.sh"
sdp_suite_init test-hostile
HOSTILE=$TOP/tests/tools/sdp-hostile
WIREFUZZ=$TOP/tests/tools/sdp-wirefuzz
PORT=7600
# How long the tool waits for the teardown it provoked (ms).
export SDP_HOSTILE_TIMEOUT_MS=15000

# Every process costs: on the debug tier a fork and exec takes half a
# second to a second of a loaded guest, which made the bookkeeping around
# each case (grep, sed, cat, sleep, sdpctl | jq) cost more than the case.
# So the helpers below read files and wait (sdp_nap, guest-rdma.sh) in
# bash itself, and counters come from sdp_stat (testlib.sh): one process.

# has FILE REGEX: a line of FILE matches the extended regex (grep -Eq).
has()
{
	local l
	[ -r "$1" ] || return 1
	while IFS= read -r l || [ -n "$l" ]; do
		[[ $l =~ $2 ]] && return 0
	done < "$1"
	return 1
}

# show FILE...: the files, each line indented (sed 's/^/  /').
show()
{
	local f l
	for f; do
		while IFS= read -r l || [ -n "$l" ]; do printf '  %s\n' "$l"; done < "$f"
	done
}

# wait_for FILE PATTERN SECS
wait_for()
{
	local n=$(($3 * 10))
	while [ "$n" -gt 0 ]; do
		has "$1" "$2" && return 0
		sdp_nap 0.1
		n=$((n - 1))
	done
	return 1
}

# check_log NAME FILE REGEX: FILE matches REGEX.
check_log()
{
	if has "$2" "$3"; then
		sdp_pass "$1"
	else
		sdp_fail "$1" "no /$3/ in: $(tr '\n' '|' < "$2")"
	fi
}

# check_aftermath NAME PROTO_ERR BEFORE: proto_errors grew past BEFORE
# (PROTO_ERR 1) or stayed at it (0), and no connection is left open.
check_aftermath()
{
	local name=$1 perr=$2 before=$3 after
	after=$(sdp_stat proto_errors)
	if [ "$perr" = 1 ]; then
		if [ "$after" -gt "$before" ] 2>/dev/null; then
			sdp_pass "$name: proto_errors counted ($before -> $after)"
		else
			sdp_fail "$name: proto_errors counted" "$before -> $after"
		fi
	else
		expect_eq "$name: no proto_errors" "$before" "$after"
	fi
	if sdp_wait_conn_zero 15; then
		sdp_pass "$name: conn_current back to 0"
	else
		sdp_fail "$name: conn_current back to 0" "conn_current $(sdp_stat conn_current)"
	fi
}

# attack NAME SERVER_REGEX PROTO_ERR(1|0) CASE [ARG]: start an SDP server,
# run the case against it, check the tool's verdict, what the server's
# recv() saw, the proto_errors counter and that nothing stays open.
attack()
{
	local name=$1 srx=$2 perr=$3 cas=$4 arg=${5:-} spid rc before
	local slog=$TMP/$name.server clog=$TMP/$name.tool
	local accept_secs=30

	PORT=$((PORT + 1))
	sdp_section "$name ($cas $arg) on port $PORT"
	timeout 60 "$HOSTILE" server $ADDR $PORT $accept_secs > "$slog" 2>&1 &
	spid=$!
	if ! wait_for "$slog" "listening" 10; then
		sdp_fail "$name: server listens" "$(cat "$slog")"
		kill "$spid" 2>/dev/null
		wait "$spid"
		return
	fi
	before=$(sdp_stat proto_errors)
	# shellcheck disable=SC2086 # $arg is empty or one word
	timeout 40 "$HOSTILE" "$cas" $ADDR $PORT $arg > "$clog" 2>&1
	rc=$?
	# A refused connect never reaches accept(): stop waiting for it.
	[ "$srx" = NOACCEPT ] && { sdp_nap 1; kill "$spid" 2>/dev/null; }
	wait "$spid"
	show "$clog" "$slog"
	SDP_OUT=$(<"$clog")
	expect_eq "$name: tool verdict (exit status)" 0 "$rc"
	SDP_OUT=
	if [ "$srx" != NOACCEPT ]; then
		check_log "$name: server side" "$slog" "$srx"
	elif has "$slog" accepted; then
		sdp_fail "$name: server accepted nothing" "$(tr '\n' '|' < "$slog")"
	else
		sdp_pass "$name: server accepted nothing"
	fi
	check_aftermath "$name" "$perr" "$before"
}

# passive NAME VARIANT CLIENT_REGEX PROTO_ERR: sdp-hostile listens and
# answers a real SDP connect() (sdp-hostile client) with VARIANT.
passive()
{
	local name=$1 var=$2 crx=$3 perr=$4 ppid rc before
	local plog=$TMP/$name.passive clog=$TMP/$name.client

	PORT=$((PORT + 1))
	sdp_section "$name (passive $var) on port $PORT"
	timeout 60 "$HOSTILE" passive "$var" $ADDR $PORT > "$plog" 2>&1 &
	ppid=$!
	if ! wait_for "$plog" "listening" 10; then
		sdp_fail "$name: hostile listener up" "$(cat "$plog")"
		kill "$ppid" 2>/dev/null
		wait "$ppid"
		return
	fi
	before=$(sdp_stat proto_errors)
	timeout 40 "$HOSTILE" client $ADDR $PORT > "$clog" 2>&1
	rc=$?
	wait "$ppid"
	prc=$?
	show "$clog" "$plog"
	if [ "$rc" -ne 124 ]; then
		sdp_pass "$name: connect() did not hang"
	else
		sdp_fail "$name: connect() did not hang" "killed by timeout"
	fi
	check_log "$name: client side" "$clog" "$crx"
	SDP_OUT=$(<"$plog")
	expect_eq "$name: hostile peer verdict (exit status)" 0 "$prc"
	SDP_OUT=
	check_aftermath "$name" "$perr" "$before"
}

sdp_section "setup"
sdp_suite_rdma_up
sdp_guest_kmemleak_manual
sdp_guest_verbs_rxe_only
expect_ok "insmod sdp.ko" insmod "$KO"
for t in "$HOSTILE" "$WIREFUZZ"; do
	[ -x "$t" ] || { echo "build $t first"; exit 1; }
done

RESET='server: recv -1 (EPROTO|ECONNRESET)'

# The control: a well-formed exchange must work end to end.
attack good 'server: data .hello.' 0 good
check_log "good: server read to EOF" "$TMP/good.server" 'server: eof after 5 bytes'
attack abort 'server: recv -1 ECONNRESET' 0 abort
# Legal but extreme: the peer asks for 4 GiB messages; sdp.ko clamps its
# send slots (256 KiB + 16) and the exchange is the good one.
attack hello-huge-rcvsz 'server: eof after 5 bytes' 0 hello-huge-rcvsz
# Our send slots are our own size (rx-buffer-size 32784 by default, 16 of
# them the BSDH), not the 4 GiB the peer claims its buffers are.
check_log "hello-huge-rcvsz: the peer does not size our sends" \
	"$TMP/hello-huge-rcvsz.server" 'server: maxseg 32768$'
# A peer that advertises buffers it never posted cannot be detected (its
# sends are RNR-NAKed forever); the orphan teardown (<= 10 s) must end it.
SDP_HOSTILE_TIMEOUT_MS=30000 attack credit-lie 'server: eof after 5 bytes' 0 credit-lie

attack len-mismatch "$RESET" 1 len-mismatch
attack len-short "$RESET" 1 len-short
attack unknown-mid "$RESET" 1 unknown-mid
attack urgent-empty "$RESET" 1 urgent-empty
attack mid-srcavail "$RESET" 1 unsupported-mid fe
attack mid-sinkavail "$RESET" 1 unsupported-mid fd
attack mid-modechange "$RESET" 1 unsupported-mid 07
attack mid-hello "$RESET" 1 unsupported-mid 00
attack mid-helloack "$RESET" 1 unsupported-mid 01
attack bad-seq "$RESET" 1 bad-seq
attack credit-overrun "$RESET" 1 credit-overrun
# The server reads EOF at the DisConn; it keeps the socket open a while so
# the violation that follows meets an open connection (closed, the Data
# would just be dropped), then its socket must carry the error.
AFTER_EOF='server: recv -1 (EPROTO|ECONNRESET)|server: then recv -1 (EPROTO|ECONNRESET)'
SDP_HOSTILE_LINGER_MS=2000 attack data-after-disconn "$AFTER_EOF" 1 data-after-disconn
SDP_HOSTILE_LINGER_MS=2000 attack disconn-twice "$AFTER_EOF" 1 disconn-twice
attack disconn-payload "$RESET" 1 disconn-payload
# On Soft-RoCE the too-long SEND completes the receive with
# IB_WC_LOC_QP_OP_ERR (rxe's copy_data() says -EINVAL, not -ENOSPC), which
# on an HCA means a local fault: sdp.ko resets the connection and counts it
# in local_qp_errors, not in proto_errors.
lqp0=$(sdp_stat local_qp_errors)
attack oversize "$RESET" 0 oversize
expect_jq "oversize: counted as a local QP error" \
	".local_qp_errors > ${lqp0:-0}" "$SDPCTL" -j stats
attack ack-future "$RESET" 1 ack-future
attack ack-backwards "$RESET" 1 ack-backwards
# An RDMA Write with a made-up rkey moves the server's QP to the error
# state; Soft-RoCE gives the server no completion with an error and no
# async event for it, only its receives flushing. The tool wants the
# teardown within 8 s; the server's blocked recv() must fail within 12 s of
# the last data; a tool that saw no teardown holds the connection 12 s more.
# So neither verdict can be made by the other side giving up: the server's
# close cannot pass for the teardown, nor the tool's exit for the reset.
# A send after the reset must fail, not vanish. Not a protocol error: the
# server cannot tell a bogus rkey from a local fault.
SDP_HOSTILE_TIMEOUT_MS=8000 SDP_HOSTILE_RECV_MS=12000 SDP_HOSTILE_HOLD=12 \
	SDP_HOSTILE_SEND_AFTER=1 attack bad-rkey 'server: recv -1 ECONNRESET' 0 bad-rkey
check_log "bad-rkey: send after the reset fails" "$TMP/bad-rkey.server" \
	'server: then send -1 (EPIPE|ECONNRESET)'

for c in bad-hello-version bad-hello-short bad-hello-maxadv0 bad-hello-bufs1 \
	bad-hello-mid bad-hello-rcvsz; do
	attack "$c" NOACCEPT 1 "$c"
done

# flood NAME BACKLOG SERVER_HOLD TOOL_HOLD N: a listener that accepts
# nothing for SERVER_HOLD s (then takes what is queued and closes), N
# connects of which a third never answer the REP, the tool exits without
# cleanup after TOOL_HOLD s. Nothing may stay open or pinned.
flood()
{
	local name=$1 backlog=$2 shold=$3 thold=$4 n=$5 spid rc before after
	local slog=$TMP/$name.server tlog=$TMP/$name.tool

	PORT=$((PORT + 1))
	sdp_section "$name: $n connects, backlog $backlog, listener closes after ${shold}s, tool exits after ${thold}s"
	timeout 60 "$HOSTILE" server-hold $ADDR $PORT "$backlog" "$shold" > "$slog" 2>&1 &
	spid=$!
	wait_for "$slog" listening 10
	before=$(sdp_stat conn_refused)
	SDP_HOSTILE_HOLD=$thold timeout 60 "$HOSTILE" flood-connects $ADDR $PORT "$n" > "$tlog" 2>&1
	rc=$?
	show "$tlog"
	SDP_OUT=$(<"$tlog")
	expect_eq "$name: tool finished" 0 "$rc"
	SDP_OUT=
	"$SDPCTL" -j stats | jq -cM '{conn_current, conn_refused, conn_failed, conn_aborted, conn_established}'
	wait "$spid"
	show "$slog"
	check_log "$name: listener drained" "$slog" 'server: accepted [0-9]+ queued'
	after=$(sdp_stat conn_refused)
	if [ "$backlog" -ge "$n" ]; then
		:
	elif [ "$after" -gt "$before" ] 2>/dev/null; then
		sdp_pass "$name: backlog refused the excess ($before -> $after)"
	else
		sdp_fail "$name: backlog refused the excess" "$before -> $after"
	fi
	if sdp_wait_conn_zero 30; then
		sdp_pass "$name: conn_current back to 0"
	else
		sdp_fail "$name: conn_current back to 0" "conn_current $(sdp_stat conn_current)"
	fi
	"$SDPCTL" -j stats | jq -cM '{conn_current, conn_refused, conn_failed, conn_aborted, conn_established}'
}

# Small backlog: most connects refused; the tool goes first.
flood flood-connects 4 12 0 30
# Large backlog: the listener closes with children still waiting for the
# RTU (their REP never answered), the tool dies later.
flood flood-listener-closes 64 4 10 30

# Half-open connections (REP out, RTU never sent) are given up at the
# connect-timeout deadline, not after the REP timeout the peer's REQ chose:
# while the tool still holds everything, only established children still
# count (without the deadline all 30 would).  The listener handles the 30
# REQs one after the other: on a loaded debug guest the last of them come
# seconds after the tool is done, so the checks wait for the count (up to
# the tool's hold, 40 s there, 12 s elsewhere), and the tool and listener
# hold on until then.
PORT=$((PORT + 1))
HOLD=12
[ "$SDP_KVER" != debug ] || HOLD=40
sdp_section "half-open: 30 connects, a third never answer the REP; connect-timeout 3 s"
expect_ok "connect-timeout 3000 ms" "$SDPCTL" tune set connect-timeout 3000
timeout $((HOLD + 50)) "$HOSTILE" server-hold $ADDR $PORT 64 $((HOLD + 2)) \
	> "$TMP/half-open.server" 2>&1 &
spid=$!
wait_for "$TMP/half-open.server" listening 10
failed0=$(sdp_stat conn_failed)
expired0=$(sdp_stat half_open_expired)
t0=$SECONDS
SDP_HOSTILE_HOLD=$HOLD timeout $((HOLD + 50)) "$HOSTILE" flood-connects $ADDR $PORT 30 \
	> "$TMP/half-open.tool" 2>&1 &
tpid=$!
wait_for "$TMP/half-open.tool" 'flood-connects: ok' 20
show "$TMP/half-open.tool"
nest=$(sed -n 's/.* \([0-9]*\) established, .*/\1/p' "$TMP/half-open.tool")
nfree=$(sed -n 's/.* \([0-9]*\) left unreaped.*/\1/p' "$TMP/half-open.tool")
# At least the deadline (3 s) past the tool's last connect, then until
# every half-open one was given up or the tool's hold is nearly over.
sdp_nap 4
while [ $(($(sdp_stat half_open_expired) - ${expired0:-0})) -lt "${nfree:-1}" ] &&
	[ $((SECONDS - t0)) -lt $((HOLD - 2)) ]; do
	sdp_nap 0.5
done
echo "# half-open: checked $((SECONDS - t0)) s after the flood began"
"$SDPCTL" -j stats | jq -cM '{conn_current, conn_failed, half_open_expired}'
# At most: on a slow guest a connect whose RTU came just after its
# deadline is given up too (the tool then sees a CONNECT_ERROR).
expect_jq "half-open: no more than the $nest established children still count" \
	".conn_current <= ${nest:-0}" "$SDPCTL" -j stats
expect_jq "half-open: the $nfree half-open ones were given up (conn_failed)" \
	".conn_failed - ${failed0:-0} >= ${nfree:-1}" "$SDPCTL" -j stats
expect_jq "half-open: and counted in half_open_expired" \
	".half_open_expired - ${expired0:-0} >= ${nfree:-1}" "$SDPCTL" -j stats
sdp_wait_pid "$tpid" 30
wait "$spid"
show "$TMP/half-open.server"
check_log "half-open: the listener got the established ones" \
	"$TMP/half-open.server" 'server: accepted [0-9]+ queued'
expect_ok "connect-timeout back to its default" "$SDPCTL" tune set connect-timeout 10000
if sdp_wait_conn_zero 30; then
	sdp_pass "half-open: conn_current back to 0"
else
	sdp_fail "half-open: conn_current back to 0" "conn_current $(sdp_stat conn_current)"
fi

passive passive-good good 'client: eof' 0
for v in bad-version bad-bufs1 bad-mid bad-rcvsz bad-maxadv0; do
	passive "bad-helloack-$v" "$v" 'client: connect -1 (EPROTO|ECONNREFUSED|ECONNRESET)' 1
done
passive passive-silent silent 'client: connect -1 ETIMEDOUT' 0

# Wire fuzz: seeded random and mutated message sequences (sdp-wirefuzz
# active), hundreds of connections (three processes, each one after the
# other) against one real listener. Each must end as its messages
# require (the tool's verdict); then the listener still serves a normal
# connection, nothing stays open or allocated, and proto_errors grew by
# one per refused Hello or torn down protocol error (a racy ending may
# add one). SDP_TEST_WIREFUZZ_SEED replays a run; SDP_TEST_WIREFUZZ_SECS,
# SDP_TEST_WIREFUZZ_PASSIVE_SECS and SDP_TEST_WIREFUZZ_PROCS set how long
# new connections start in the two parts and how many processes fuzz at
# once. SDP_TEST_FUZZ_* belong to test-fuzz.sh (netlink).

# fuzz_counted NAME LOG BEFORE: proto_errors grew from BEFORE by as much
# as LOG's "...: proto_errors expected MIN..MAX" line allows.
fuzz_counted()
{
	local name=$1 log=$2 before=$3 after min max
	after=$(sdp_stat proto_errors)
	read -r min max <<< "$(sed -n 's/^fuzz[a-z-]*: proto_errors expected \([0-9]*\)\.\.\([0-9]*\)$/\1 \2/p' "$log")"
	if [ -n "${min:-}" ] && [ $((after - before)) -ge "$min" ] &&
		[ $((after - before)) -le "$max" ]; then
		sdp_pass "$name: proto_errors counted each error ($before -> $after, expected +$min..$max)"
	else
		sdp_fail "$name: proto_errors counted each error" "$before -> $after, expected +${min:-?}..${max:-?}"
	fi
}

FUZZ_SEED=${SDP_TEST_WIREFUZZ_SEED:-$(date +%s)}
FUZZ_PROCS=${SDP_TEST_WIREFUZZ_PROCS:-3}
# The debug tier runs this suite too and is CI's slowest step; a connection
# costs it several times as much, so it fuzzes for less time.
if [ "$SDP_KVER" = debug ]; then
	FUZZ_SECS=${SDP_TEST_WIREFUZZ_SECS:-20}
	FUZZ_PSECS=${SDP_TEST_WIREFUZZ_PASSIVE_SECS:-10}
else
	FUZZ_SECS=${SDP_TEST_WIREFUZZ_SECS:-30}
	FUZZ_PSECS=${SDP_TEST_WIREFUZZ_PASSIVE_SECS:-15}
fi
PORT=$((PORT + 1))
sdp_section "wire fuzz: seed $FUZZ_SEED, ${FUZZ_SECS}s on port $PORT"
fuzz_t0=$SECONDS
sdp_rdma_mark
perr0=$(sdp_stat proto_errors)
timeout $((FUZZ_SECS + 120)) "$WIREFUZZ" server $ADDR $PORT 30 \
	> "$TMP/fuzz.server" 2>&1 &
spid=$!
wait_for "$TMP/fuzz.server" listening 10
SDP_WIREFUZZ_SECS=$FUZZ_SECS timeout $((FUZZ_SECS + 60)) \
	"$WIREFUZZ" active $ADDR $PORT "$FUZZ_SEED" 1000000 "$FUZZ_PROCS" \
	> "$TMP/fuzz.tool" 2>&1
rc=$?
show "$TMP/fuzz.tool"
SDP_OUT=$(grep -E 'FAIL|SETUP|replay' "$TMP/fuzz.tool")
expect_eq "fuzz: every connection ended as required (seed $FUZZ_SEED)" 0 "$rc"
SDP_OUT=
expect_ok "fuzz: the fuzzed listener still serves a normal connection" \
	timeout 30 "$HOSTILE" client $ADDR $PORT
kill -TERM "$spid"
wait "$spid"
show "$TMP/fuzz.server"
check_log "fuzz: listener read every connection to its end" "$TMP/fuzz.server" \
	'fuzz-server: accepted [1-9]'
if sdp_wait_conn_zero 30; then
	sdp_pass "fuzz: conn_current back to 0"
else
	sdp_fail "fuzz: conn_current back to 0" "conn_current $(sdp_stat conn_current)"
fi
fuzz_counted "fuzz" "$TMP/fuzz.tool" "$perr0"
if [ "$rc" -ne 0 ]; then
	echo "fuzz: replay with SDP_TEST_WIREFUZZ_SEED=$FUZZ_SEED tests/vm/vm.sh $SDP_KVER tests/vm/test-hostile.sh,"
	echo "fuzz: or just the failing connection with the 'replay it' line above"
fi

# The same from the other side: sdp-wirefuzz passive listens, answers each
# real connect() of sdp-wirefuzz client with a valid or broken HelloAck
# (the connect must fail, counted) and then fuzzes as above.
PORT=$((PORT + 1))
sdp_section "passive wire fuzz: seed $FUZZ_SEED, ${FUZZ_PSECS}s on port $PORT"
perr0=$(sdp_stat proto_errors)
SDP_WIREFUZZ_SECS=$FUZZ_PSECS timeout $((FUZZ_PSECS + 60)) \
	"$WIREFUZZ" passive $ADDR $PORT "$FUZZ_SEED" 1000000 \
	> "$TMP/pfuzz.tool" 2>&1 &
ppid=$!
wait_for "$TMP/pfuzz.tool" listening 10
timeout $((FUZZ_PSECS + 60)) "$WIREFUZZ" client $ADDR $PORT \
	$((FUZZ_PSECS + 30)) > "$TMP/pfuzz.client" 2>&1
crc=$?
wait "$ppid"
rc=$?
show "$TMP/pfuzz.tool" "$TMP/pfuzz.client"
SDP_OUT=$(grep -E 'FAIL|SETUP|replay' "$TMP/pfuzz.tool")
expect_eq "passive fuzz: every connection ended as required (seed $FUZZ_SEED)" 0 "$rc"
SDP_OUT=
expect_eq "passive fuzz: every connect() and read returned" 0 "$crc"
if sdp_wait_conn_zero 30; then
	sdp_pass "passive fuzz: conn_current back to 0"
else
	sdp_fail "passive fuzz: conn_current back to 0" "conn_current $(sdp_stat conn_current)"
fi
fuzz_counted "passive fuzz" "$TMP/pfuzz.tool" "$perr0"
# Once for both parts: the CM holds ids in timewait a few seconds.
sdp_expect_rdma_back "fuzz: RDMA resources back to the start" 30
echo "wire fuzz: both parts took $((SECONDS - fuzz_t0)) s"
if [ "$rc" -ne 0 ]; then
	echo "passive fuzz: replay with SDP_TEST_WIREFUZZ_SEED=$FUZZ_SEED tests/vm/vm.sh $SDP_KVER tests/vm/test-hostile.sh,"
	echo "passive fuzz: or just the failing connection with the 'replay it' line above (and sdp-wirefuzz client)"
fi

sdp_section "module still healthy"
PORT=$((PORT + 1))
timeout 60 "$HOSTILE" server $ADDR $PORT 20 > "$TMP/final.server" 2>&1 &
spid=$!
wait_for "$TMP/final.server" listening 10
expect_ok "normal SDP connection after all attacks" timeout 30 "$HOSTILE" client $ADDR $PORT
wait "$spid"
check_log "normal connection: server read hello to EOF" "$TMP/final.server" 'server: eof after 5 bytes'
sdp_wait_conn_zero 15
"$SDPCTL" -j stats | jq -cM '{conn_current, proto_errors, conn_refused, conn_failed, conn_aborted, conn_established}'
expect_jq "no connection left open" '.conn_current == 0' "$SDPCTL" -j stats
echo "--- kernel log (sdp)"
dmesg | grep -i sdp | tail -n 40 | sed 's/^/  /'
sdp_expect_unload "rmmod sdp succeeds (nothing leaked or pinned)"
sdp_kmemleak_check

rm -rf "$TMP"
sdp_test_summary "hostile-$SDP_KVER"
