#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SDP against TCP, raw verbs and rsockets, in one guest, on one device.
# Run inside a guest by tests/vm/vm.sh (`make bench`):
#
#   tests/vm/vm.sh 6.12 $PWD/tests/bench/bench.sh
#
# Everything runs over rxe0 on dummy0 (198.18.0.1, Soft-RoCE loopback);
# TCP uses the same address. Per message size: SDP (qperf sdp_bw, AF 27),
# TCP (qperf tcp_bw), verbs (perftest ib_send_bw -R) and rsockets
# (rstream); then 64-byte writes streamed (SDP with autocork on and off,
# TCP, rsockets); then 64-byte latency with each (qperf's mean, and
# sdp-pingpong's percentiles for SDP and TCP); then short connections (SDP
# and TCP connect / accept / 4 KiB each way / close cycles, one client
# and several at once) and the buffer memory of an idle and a busy SDP
# connection; then, at 64 KiB, 1, 4 and 8 SDP and TCP streams at once, and
# the veth path (rxe1 and rxe2 on the two ends of a veth pair: two devices,
# a real wire) for SDP, TCP and verbs. All but the memory runs
# SDP_BENCH_RUNS times (3): the tables show each number's median over the
# runs and its spread
# ((max - min) / median), and each ratio is the median of the ratios
# measured within one run (the host's load moves every number of a run
# together). The tables go to stdout.
#
# Units: MB/s is 10^6 bytes/s for every column (perftest's "MB/sec" is
# MiB/s and is converted; rstream's Gb/sec is converted). Latency is the
# average one-way time (half a round trip) in microseconds for all four.
#
# The benchmark reports; it never fails on speed. It exits 1 if any tool
# did not produce a number (naming it), 2 if the setup failed.
#
# Env: SDP_BENCH_TIME   seconds per qperf test (default 2)
#      SDP_BENCH_SIZES  message sizes in bytes (default 64 .. 1 MiB)
#      SDP_BENCH_TUNE   NAME=VALUE... SDP tunables to set first (sdpctl tune)
#      SDP_BENCH_RECV_POLL  recv-poll (us) of the second SDP latency runs (100:
#                       50 was shorter than a completion's way on TCG)
#      SDP_BENCH_CYCLES connect/close cycles per connection-rate run (400)
#      SDP_BENCH_RUNS   rounds of measurements (default 3)
# (vm.sh passes no environment into the guest: set these by editing a copy,
# or from a wrapper script under the repo or build dir.)
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/vm/guest-rdma.sh"

[ "${SDP_VM:-}" = 1 ] || { echo "bench.sh: run me inside the VM (tests/vm/vm.sh)" >&2; exit 2; }

KO=$TOP/build/$SDP_KVER/kmod/sdp.ko
SDPCTL=$TOP/sdpctl/sdpctl
ADDR=$SDP_DUMMY_ADDR
DEV=$SDP_RXE
QT=${SDP_BENCH_TIME:-2}
RECV_POLL=${SDP_BENCH_RECV_POLL:-100}
CYCLES=${SDP_BENCH_CYCLES:-400}
LOAD=$TOP/tests/tools/sdp-load
PINGPONG=$TOP/tests/tools/sdp-pingpong
PINGPONG_ROUNDS=5000
CLIENTS=4
RUNS=${SDP_BENCH_RUNS:-3}
SIZES=${SDP_BENCH_SIZES:-"64 1024 4096 16384 65536 262144 1048576"}
QPERF_PORT=19765 # and the 7 above it: a qperf server for each stream
STREAMS="1 4 8"
PORT=20000 # rdma_cm ports for perftest / rstream; one per run
TMP=$(mktemp -d)
QPERF_PIDS=()

# One run's numbers:
declare -A R    # R[kind:size] = number (MB/s, us, cycles/s, CPU-s/GB)
declare -A CPU  # CPU[kind:size] = "send% recv%" from qperf -v
declare -A ST   # ST[size] = "msgs updates stalls" (SDP counter deltas)
declare -A P    # P[size] = pipe reference MB/s measured just before
# Every run's: ALL[run:kind:size] = R[kind:size] of that run.
declare -A ALL
FAILED=()

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ "${#QPERF_PIDS[@]}" -eq 0 ] || kill "${QPERF_PIDS[@]}" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

say() { printf '%s\n' "$*"; }

# fail_tool NAME LOG...: record a missing number, show what the tool said.
fail_tool() {
	local name=$1 f
	shift
	FAILED+=("$name")
	say "bench: NO NUMBER from $name; its output:"
	for f in "$@"; do
		[ -s "$f" ] && sed 's/^/  | /' "$f"
	done
}

# --- unit conversion ----------------------------------------------------------
# qperf_num FILE KEY: the value of "KEY = N UNIT" in MB/s (bandwidth) or us
# (latency); empty if absent.
qperf_num() {
	awk -v key="$2" '
	$1 == key && $2 == "=" {
		v = $3; u = $4
		if (u ~ /b\/sec$/) { v /= 8; sub(/b\/sec$/, "B/sec", u) }
		if (u == "bytes/sec" || u == "B/sec") v /= 1e6
		else if (u == "KB/sec") v /= 1e3
		else if (u == "MB/sec") v = v
		else if (u == "GB/sec") v *= 1e3
		else if (u == "TB/sec") v *= 1e6
		else if (u == "ns") v /= 1e3
		else if (u == "us") v = v
		else if (u == "ms") v *= 1e3
		else if (u == "sec" || u == "s") v *= 1e6
		else next
		printf "%.2f\n", v; exit
	}' "$1"
}

# qperf_cpu FILE: "send% recv%" from qperf -v (empty if absent).
qperf_cpu() {
	awk '$1 == "send_cpus_used" { s = $3 } $1 == "recv_cpus_used" { r = $3 }
	     END { if (s != "" && r != "") print s "/" r }' "$1"
}

# --- servers and waits -------------------------------------------------------
wait_tcp_listen() { # PORT
	local _
	for _ in $(seq 100); do
		ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

next_port() { PORT=$((PORT + 1)); }

# --- the measurements --------------------------------------------------------
# serve WHAT LOG CMD...: start an rdma_cm server in the background (pid in
# SPID) and wait for its listener on $PORT; on failure name WHAT.
serve() {
	local what=$1 slog=$2
	shift 2
	"$@" >"$slog" 2>&1 &
	SPID=$!
	if ! sdp_guest_wait_listen "$PORT" 10 2>>"$slog"; then
		kill "$SPID" 2>/dev/null
		wait "$SPID"
		fail_tool "$what (server did not listen)" "$slog"
		return 1
	fi
}

# qperf_run KIND TEST SIZE KEY: one qperf client run; KIND names the result.
qperf_run() {
	local kind=$1 test=$2 size=$3 key=$4 log=$TMP/$1-$3.qperf v t0
	t0=$(busy_jiffies)
	timeout $((QT + 30)) qperf "$ADDR" -lp "$QPERF_PORT" -t "$QT" -m "$size" \
		-v "$test" >"$log" 2>&1
	v=$(qperf_num "$log" "$key")
	if [ -z "$v" ] || ! awk -v v="$v" 'BEGIN { exit !(v > 0) }'; then
		fail_tool "qperf $test -m $size" "$log"
		return 1
	fi
	R[$kind:$size]=$v
	CPU[$kind:$size]=$(qperf_cpu "$log")
	# qperf's bytes: its rate over its -t seconds.
	[ "$key" != bw ] || cpu_per_gb "$kind" "$size" $(($(busy_jiffies) - t0)) \
		"$(awk -v v="$v" -v t="$QT" 'BEGIN { printf "%.0f", v * 1e6 * t }')"
}

# put_pct KIND SIZE "MEAN P50 P99 P99.9": one-way latencies (us) as
# R[KIND:SIZE:mean] ... R[KIND:SIZE:p999].
put_pct() {
	local mean p50 p99 p999
	read -r mean p50 p99 p999 <<<"$3"
	R[$1:$2:mean]=$mean R[$1:$2:p50]=$p50 R[$1:$2:p99]=$p99 R[$1:$2:p999]=$p999
}

# perftest_run KIND TOOL SIZE ITERS: server in the background, then the
# client; the number is the client's report row for SIZE.
perftest_run() {
	local kind=$1 tool=$2 size=$3 iters=$4 v pct
	local slog=$TMP/$kind-$size.srv clog=$TMP/$kind-$size.cli
	next_port
	serve "$tool -s $size" "$slog" timeout 90 "$tool" -R -d "${SRV_DEV:-$DEV}" -F \
		-s "$size" -n "$iters" -p "$PORT" || return 1
	timeout 90 "$tool" -R -d "${CLI_DEV:-$DEV}" -F -s "$size" -n "$iters" -p "$PORT" \
		"$ADDR" >"$clog" 2>&1
	wait "$SPID"
	if [ "${kind%_lat}" != "$kind" ]; then
		# The columns headed t_avg, t_typical (its median) and the 99%
		# and 99.9% percentiles of the row for SIZE: "mean p50 p99
		# p99.9" (put_pct), the mean in v.
		pct=$(awk -v s="$size" '
			/t_avg/ { for (i = 1; i <= NF; i++) {
					if ($i ~ /^t_avg/) a = i
					if ($i ~ /^t_typical/) t = i
				  }
				  # "99% percentile[usec]" is two header words
				  next }
			a && $1 == s && NF >= a + 3 {
				printf "%.1f %.1f %.1f %.1f\n", $(a), $(t), $(a + 2), $(a + 3)
				exit }' "$clog")
		put_pct "$kind" "$size" "$pct"
		v=${pct%% *}
	else
		# #bytes #iterations BW-peak BW-average MsgRate; MiB/s -> MB/s.
		v=$(awk -v s="$size" '$1 == s && NF >= 5 && $4 ~ /^[0-9.]+$/ {
			printf "%.2f\n", $4 * 1.048576; exit }' "$clog")
	fi
	# A zero is no measurement either (seen once from ib_send_bw -s 1M on a
	# badly overloaded host).
	if [ -z "$v" ] || ! awk -v v="$v" 'BEGIN { exit !(v > 0) }'; then
		fail_tool "$tool -s $size (got '${v:-nothing}')" "$clog" "$slog"
		return 1
	fi
	R[$kind:$size]=$v
}

# streams_run KIND TEST N: N qperf clients of TEST (sdp_bw, tcp_bw) at once,
# 64 KiB messages, each against its own server; R[KIND:N] is the sum of
# their rates (they start within a few ms of each other).
streams_run() {
	local kind=$1 test=$2 n=$3 i v sum=0 pids=()
	for ((i = 0; i < n; i++)); do
		timeout $((QT + 30)) qperf "$ADDR" -lp $((QPERF_PORT + i)) -t "$QT" \
			-m 65536 "$test" >"$TMP/$kind-$n-$i.qperf" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	for ((i = 0; i < n; i++)); do
		v=$(qperf_num "$TMP/$kind-$n-$i.qperf" bw)
		if [ -z "$v" ]; then
			fail_tool "qperf $test, stream $((i + 1)) of $n" "$TMP/$kind-$n-$i.qperf"
			return 1
		fi
		sum=$(awk -v a="$sum" -v b="$v" 'BEGIN { printf "%.2f\n", a + b }')
	done
	R[$kind:$n]=$sum
}

# pingpong_run KIND FAMILY: sdp-pingpong's latency percentiles (put_pct).
pingpong_run() {
	local kind=$1 log=$TMP/$1.pingpong pct
	next_port
	SDP_STREAM_FAMILY=$2 timeout 120 "$PINGPONG" "$ADDR" "$PORT" \
		"$PINGPONG_ROUNDS" 64 >"$log" 2>&1
	pct=$(awk '$1 == "latency" { print $5, $7, $9, $11 }' "$log")
	[ -n "$pct" ] || fail_tool "sdp-pingpong ($kind)" "$log"
	put_pct "$kind" 64 "$pct"
}

# churn_run KIND FAMILY CLIENTS: CLIENTS sdp-load churn processes at once,
# each on its own port (a listener each), CYCLES cycles in all; the result
# is cycles per second over the slowest one.
churn_run() {
	local kind=$1 fam=$2 n=$3 i t0 t1 rc=0 pids=()
	t0=$(date +%s.%N)
	for ((i = 0; i < n; i++)); do
		next_port
		SDP_STREAM_FAMILY=$fam timeout 300 "$LOAD" "$ADDR" "$PORT" churn \
			$((CYCLES / n)) >"$TMP/$kind-$i.churn" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || rc=1; done
	t1=$(date +%s.%N)
	if [ "$rc" != 0 ]; then
		fail_tool "sdp-load churn ($kind)" "$TMP/$kind"-*.churn
		return 1
	fi
	R[$kind]=$(awk -v a="$t0" -v b="$t1" -v c=$((CYCLES / n * n)) \
		'BEGIN { printf "%.0f\n", c / (b - a) }')
}

# rstream_run KIND SIZE COUNT ITERS: rsockets; the client sends COUNT
# messages of SIZE and receives COUNT back, ITERS times. Bandwidth runs use
# ITERS=1 (as rstream's own bandwidth tests), latency runs COUNT=1.
rstream_run() {
	local kind=$1 size=$2 count=$3 iters=$4 v
	local slog=$TMP/$kind-$size.srv clog=$TMP/$kind-$size.cli
	next_port
	serve "rstream -S $size" "$slog" timeout 90 rstream -p "$PORT" \
		-S "$size" -C "$count" -I "$iters" || return 1
	timeout 90 rstream -s "$ADDR" -p "$PORT" -S "$size" -C "$count" \
		-I "$iters" >"$clog" 2>&1
	wait "$SPID"
	# name bytes xfers iters total time Gb/sec usec/xfer. usec/xfer is the
	# run time over all transfers both ways: one-way latency for -C 1, and
	# SIZE / usec/xfer = MB/s (the Gb/sec column has too few digits).
	v=$(awk -v lat="${kind#rs_}" -v s="$size" '
		NF >= 8 && $(NF-2) ~ /^[0-9.]+s$/ && $NF ~ /^[0-9.]+$/ && $NF > 0 {
			if (lat == "lat") printf "%.2f\n", $NF
			else printf "%.2f\n", s / $NF
			exit }' "$clog")
	if [ -z "$v" ] || ! awk -v v="$v" 'BEGIN { exit !(v > 0) }'; then
		fail_tool "rstream -S $size (got '${v:-nothing}')" "$clog" "$slog"
		return 1
	fi
	R[$kind:$size]=$v
}

# SDP counters before/after one run: data messages sent, credit updates,
# credit stalls (sender blocked with a free slot but no credit).
sdp_counters() {
	"$SDPCTL" -j stats 2>/dev/null |
		jq -r '"\(.tx_msgs.data // 0) \(.credit_updates // 0) \(.credit_stalls // 0)"' 2>/dev/null
}

# pipe_ref: MB/s of 64 MiB through a pipe (one copy in, one copy out, like a
# buffered socket with no protocol at all): the copy ceiling of this guest,
# and a host-load probe. The guest's vCPUs are host threads: when other VMs
# run on the host, this drops and so does everything measured near it.
pipe_ref() {
	{ timeout 60 dd if=/dev/zero bs=64K count=1024 2>/dev/null |
		timeout 60 dd of=/dev/null bs=64K iflag=fullblock 2>&1 >/dev/null; } |
		awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") t = $(i - 1) }
		     END { if (t > 0) printf "%.0f\n", 67108864 / t / 1e6 }'
}

clamp() { # VALUE MIN MAX
	local v=$1
	[ "$v" -lt "$2" ] && v=$2
	[ "$v" -gt "$3" ] && v=$3
	echo "$v"
}

# ratio A B: A/B with two decimals, "-" if either is missing or B is 0.
ratio() {
	awk -v a="${1:-}" -v b="${2:-}" 'BEGIN {
		if (a == "" || b == "" || b + 0 == 0) print "-"
		else printf "%.2f\n", a / b }'
}

# busy_jiffies: CPU time of every CPU but idle and iowait, in USER_HZ ticks
# (rxe's kworkers and softirqs count, as the sender's and receiver's).
busy_jiffies() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}
HZ=$(getconf CLK_TCK)

# cpu_per_gb KIND SIZE TICKS BYTES: R[KIND_cpu:SIZE] = CPU-seconds per 10^9
# bytes moved, from the busy ticks of the run.
cpu_per_gb() {
	R[$1_cpu:$2]=$(awk -v t="$3" -v b="$4" -v hz="$HZ" \
		'BEGIN { if (b > 0) printf "%.2f\n", t / hz / (b / 1e9) }')
}

# The report: medians over the runs, spreads, and ratios within a run.
# runs_stat KEY: "median min max" of KEY over the runs; nothing if no run had it.
# spread_of: "median min max" of the numbers on stdin ("-" lines skipped);
# nothing if there are none.
spread_of() {
	grep -v '^-\?$' | sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) exit
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		print m, v[1], v[NR] }'
}
runs_stat() {
	local r
	for ((r = 1; r <= RUNS; r++)); do echo "${ALL[$r:$1]:-}"; done | spread_of
}
# med KEY: the median, "-" if none.
med() { local m; read -r m _ <<<"$(runs_stat "$1")"; echo "${m:--}"; }
# cell KEY: "median ±spread%" (4 digits), the spread being (max - min) / median.
cell() {
	local m lo hi
	read -r m lo hi <<<"$(runs_stat "$1")"
	[ -n "$m" ] || { echo -; return; }
	awk -v m="$m" -v lo="$lo" -v hi="$hi" 'BEGIN {
		printf "%.4g ±%.0f%%\n", m, (m > 0 ? (hi - lo) * 100 / m : 0) }'
}
# rmed A B: the median over the runs of A / B within each run, "-" if none.
rmed() {
	local r m
	read -r m _ <<<"$(for ((r = 1; r <= RUNS; r++)); do
		ratio "${ALL[$r:$1]:-}" "${ALL[$r:$2]:-}"
	done | spread_of)"
	if [ -n "$m" ]; then printf '%.2f\n' "$m"; else echo -; fi
}

# --- setup -------------------------------------------------------------------
say "=== bench: setup ($(uname -r), $(nproc) vCPUs, $(date -u '+%Y-%m-%d %H:%M UTC'))"
sdp_guest_rdma_up || { say "bench: rdma setup failed"; exit 2; }
insmod "$KO" || { say "bench: insmod $KO failed"; exit 2; }
for t in qperf ib_send_bw ib_send_lat rstream jq ss; do
	command -v "$t" >/dev/null || { say "bench: $t not installed"; exit 2; }
done
"$SDPCTL" info
say "module: $KO srcversion $(modinfo -F srcversion "$KO" 2>/dev/null)" \
	"built $(date -u -r "$KO" '+%Y-%m-%d %H:%M UTC')"
say "tunables: $("$SDPCTL" -j tune get rx-buffers | jq -r '"rx-buffers=\(.value)"')" \
	"$("$SDPCTL" -j tune get rx-buffer-size | jq -r '"rx-buffer-size=\(.value)"')" \
	"$("$SDPCTL" -j tune get tx-queue-depth | jq -r '"tx-queue-depth=\(.value)"')" \
	"$("$SDPCTL" -j tune get credit-update-threshold | jq -r '"credit-update-threshold=\(.value)"')"
# SDP_BENCH_TUNE="rx-buffer-size=131088 rx-buffers=32": sdpctl tune set
# before any connection (for sweeps; the default run uses the defaults).
for kv in ${SDP_BENCH_TUNE:-}; do
	"$SDPCTL" tune set "${kv%%=*}" "${kv#*=}" ||
		{ say "bench: sdpctl tune set ${kv%%=*} ${kv#*=} failed"; exit 2; }
done
for ((i = 0; i < 8; i++)); do
	qperf -lp $((QPERF_PORT + i)) >"$TMP/qperf-server-$i.log" 2>&1 &
	QPERF_PIDS+=($!)
	wait_tcp_listen $((QPERF_PORT + i)) ||
		{ say "bench: qperf server on port $((QPERF_PORT + i)) did not listen"; exit 2; }
done
# The second path: two devices on a veth pair, rxe1 (client) and rxe2.
sdp_guest_veth_pair || { say "bench: veth pair setup failed"; exit 2; }
"$SDPCTL" stats --reset >/dev/null

PIPE=$(pipe_ref)
say "pipe reference: ${PIPE:-?} MB/s (dd 64K blocks through a pipe)"

# --- one run -------------------------------------------------------------------
# measure: every measurement once, into R (and CPU, ST, P).
measure() {
	# --- bandwidth, size by size (all four under the same conditions) ----------
	for s in $SIZES; do
		say "=== bench: ${s} B"
		P[$s]=$(pipe_ref)
		before=$(sdp_counters)
		qperf_run sdp sdp_bw "$s" bw
		after=$(sdp_counters)
		# shellcheck disable=SC2086
		ST[$s]=$(echo $before $after | awk '{ print $4-$1, $5-$2, $6-$3 }')
		qperf_run tcp tcp_bw "$s" bw
		# verbs: ~64 MiB per run, 100..20000 messages
		perftest_run verbs ib_send_bw "$s" "$(clamp $(( (64 << 20) / s )) 100 20000)"
		# rsockets: ~32 MiB each way, 50..20000 messages
		rstream_run rs_bw "$s" "$(clamp $(( (32 << 20) / s )) 50 20000)" 1
	done

	# --- 64-byte writes streamed: SDP with autocork on and off ---------------------
	say "=== bench: 64-byte writes"
	qperf_run rate_sdp sdp_bw 64 bw
	AUTOCORK_BEFORE=$("$SDPCTL" -j tune get autocork | jq .value)
	"$SDPCTL" tune set autocork 0
	qperf_run rate_sdp_nocork sdp_bw 64 bw
	"$SDPCTL" tune set autocork "${AUTOCORK_BEFORE:-1}"
	qperf_run rate_tcp tcp_bw 64 bw
	rstream_run rate_rs 64 20000 1

	# --- latency, 64 bytes -------------------------------------------------------
	say "=== bench: latency 64 B"
	qperf_run sdp_lat sdp_lat 64 latency
	pingpong_run pp_sdp sdp
	# Again with blocking reads spinning for data before they sleep.
	RECV_POLL_BEFORE=$("$SDPCTL" -j tune get recv-poll | jq .value)
	"$SDPCTL" tune set recv-poll "$RECV_POLL"
	qperf_run sdp_lat_poll sdp_lat 64 latency
	pingpong_run pp_sdp_poll sdp
	"$SDPCTL" tune set recv-poll "${RECV_POLL_BEFORE:-0}"
	qperf_run tcp_lat tcp_lat 64 latency
	pingpong_run pp_tcp tcp
	perftest_run verbs_lat ib_send_lat 64 5000
	rstream_run rs_lat 64 1 5000

	# --- short connections ---------------------------------------------------------
	say "=== bench: connections"
	churn_run conn_sdp sdp 1
	churn_run conn_tcp tcp 1
	churn_run conn_sdp_par sdp "$CLIENTS"
	churn_run conn_tcp_par tcp "$CLIENTS"
	# sdp-run's sockets with a both rule against a server the table made TCP's:
	# each cycle's SDP attempt is rejected and its connect() goes on over TCP.
	"$SDPCTL" map add action tcp role listen port $((PORT + 1)) >/dev/null
	"$SDPCTL" map add action both role connect port $((PORT + 1)) >/dev/null
	churn_run conn_both_rej inet 1
	"$SDPCTL" map flush >/dev/null

	# --- streams at once, 64 KiB -------------------------------------------
	say "=== bench: 1, 4 and 8 streams"
	for n in $STREAMS; do
		streams_run streams_sdp sdp_bw "$n"
		streams_run streams_tcp tcp_bw "$n"
	done

	# --- the veth path: rxe1 -> rxe2 over a veth pair ----------------------
	say "=== bench: the veth path"
	local ADDR=$SDP_VETH2_ADDR
	qperf_run veth_sdp sdp_bw 65536 bw
	qperf_run veth_tcp tcp_bw 65536 bw
	SRV_DEV=$SDP_RXE2 CLI_DEV=$SDP_RXE1 perftest_run veth_verbs ib_send_bw 65536 1000
	qperf_run veth_sdp_lat sdp_lat 64 latency
	qperf_run veth_tcp_lat tcp_lat 64 latency
	SRV_DEV=$SDP_RXE2 CLI_DEV=$SDP_RXE1 perftest_run veth_verbs_lat ib_send_lat 64 5000
}

START=$(date +%s)
for ((run = 1; run <= RUNS; run++)); do
	say "=== bench: run $run of $RUNS"
	R=() CPU=() ST=() P=()
	measure
	for k in "${!R[@]}"; do ALL[$run:$k]=${R[$k]}; done
done

# Buffer pages (sdpctl -j conns, mem_pages) of one idle connection, both
# ends, and of the same connection after 64 MiB went through it.
say "=== bench: memory per connection"
next_port
python3 "$TOP/tests/vm/mem-hold.py" "$ADDR" "$PORT" 1 "$TMP/held" >"$TMP/hold" 2>&1 &
HOLD=$!
for _ in $(seq 100); do grep -q '^error' "$TMP/hold" 2>/dev/null && break; sleep 0.1; done
mem_pages() { "$SDPCTL" -j conns | jq '[.[] | select(.state == "established") | .mem_pages] | add // 0'; }
MEM_IDLE=$(mem_pages)
touch "$TMP/held"
wait "$HOLD"
# A qperf sdp_bw run holds its connection while it lasts: look half way.
timeout $((QT + 30)) qperf "$ADDR" -lp "$QPERF_PORT" -t $((QT * 2)) -m 65536 sdp_bw \
	>"$TMP/mem-bw.qperf" 2>&1 &
BW=$!
sleep "$QT"
MEM_BUSY=$(mem_pages)
wait "$BW"
ELAPSED=$(($(date +%s) - START))

say "=== bench: sdpctl stats (all SDP runs above, bandwidth and latency)"
"$SDPCTL" stats

# --- report ------------------------------------------------------------------
say ""
say "=== bench: results, kernel $(uname -r), $(date -u +%Y-%m-%d), ${ELAPSED}s of measurements"
say "TCG, $(nproc) vCPUs, Soft-RoCE rxe0 on dummy0 ($ADDR), client and server in one guest."
say "MB/s = 10^6 B/s. SDP/TCP: qperf -t $QT; verbs: ib_send_bw -R; rsockets: rstream."
say "$RUNS runs: each number is the median over them, ±(max - min) / median;"
say "each ratio is the median of the ratios within one run."
say "Pipe reference (copy ceiling, host load check): ${PIPE:-?} MB/s."
say ""
fmt='%-8s | %14s | %14s | %14s | %14s | %9s | %7s | %12s\n'
# shellcheck disable=SC2059
printf "$fmt" size "SDP MB/s" "TCP MB/s" "verbs MB/s" "rsockets MB/s" SDP/verbs SDP/TCP SDP/rsockets
for s in $SIZES; do
	# shellcheck disable=SC2059
	printf "$fmt" "$s" "$(cell "sdp:$s")" "$(cell "tcp:$s")" "$(cell "verbs:$s")" \
		"$(cell "rs_bw:$s")" "$(rmed "sdp:$s" "verbs:$s")" "$(rmed "sdp:$s" "tcp:$s")" \
		"$(rmed "sdp:$s" "rs_bw:$s")"
done
say ""
# pair_table TITLE A B A_NAME B_NAME ROWS...: a row per ROW: ROW, the
# cells A:ROW and B:ROW, and A/B.
pair_table() {
	local title=$1 a=$2 b=$3 row
	local fmt='%-16s | %14s | %14s | %9s\n'
	# shellcheck disable=SC2059
	printf "$fmt" "$title" "$4" "$5" "$4/$5"
	shift 5
	for row; do
		# shellcheck disable=SC2059
		printf "$fmt" "$row" "$(cell "$a:$row")" "$(cell "$b:$row")" \
			"$(rmed "$a:$row" "$b:$row")"
	done
}
# shellcheck disable=SC2086 # the list of sizes
pair_table "CPU-s/GB" sdp_cpu tcp_cpu SDP TCP $SIZES
say "(guest CPU-seconds, every CPU from /proc/stat, per 10^9 bytes moved over the"
say " qperf runs above; both ends are in this guest, and rxe's kworkers count.)"
say ""
lfmt='%-8s | %14s | %14s | %14s | %14s | %9s | %7s | %12s\n'
# shellcheck disable=SC2059
printf "$lfmt" latency "SDP us" "TCP us" "verbs us" "rsockets us" SDP/verbs SDP/TCP SDP/rsockets
for k in sdp_lat sdp_lat_poll; do
	n=64
	[ "$k" = sdp_lat ] || n="64 rp$RECV_POLL"
	# shellcheck disable=SC2059
	printf "$lfmt" "$n" "$(cell "$k:64")" "$(cell tcp_lat:64)" "$(cell verbs_lat:64)" \
		"$(cell rs_lat:64)" "$(rmed "$k:64" verbs_lat:64)" "$(rmed "$k:64" tcp_lat:64)" \
		"$(rmed "$k:64" rs_lat:64)"
done
say "(qperf sdp_lat/tcp_lat's mean; rp$RECV_POLL: SDP with the recv-poll tunable at $RECV_POLL us.)"
say ""
pfmt='%-26s | %14s | %14s | %14s | %14s\n'
# shellcheck disable=SC2059
printf "$pfmt" "latency 64 B, one-way us" mean p50 p99 p99.9
for k in pp_sdp pp_sdp_poll pp_tcp verbs_lat rs_lat; do
	case $k in
	pp_sdp) n="SDP" ;;
	pp_sdp_poll) n="SDP, recv-poll $RECV_POLL" ;;
	pp_tcp) n="TCP" ;;
	verbs_lat) n="verbs (ib_send_lat -R)" ;;
	*) n="rsockets (rstream)" ;;
	esac
	if [ "$k" = rs_lat ]; then
		# rstream reports its mean only.
		# shellcheck disable=SC2059
		printf "$pfmt" "$n" "$(cell rs_lat:64)" - - -
	else
		# shellcheck disable=SC2059
		printf "$pfmt" "$n" "$(cell "$k:64:mean")" "$(cell "$k:64:p50")" \
			"$(cell "$k:64:p99")" "$(cell "$k:64:p999")"
	fi
done
say "ratios: p50 SDP/TCP $(rmed pp_sdp:64:p50 pp_tcp:64:p50)," \
	"p50 SDP rp$RECV_POLL/verbs $(rmed pp_sdp_poll:64:p50 verbs_lat:64:p50)," \
	"mean SDP rp$RECV_POLL/rsockets $(rmed pp_sdp_poll:64:mean rs_lat:64)"
say "(sdp-pingpong: $PINGPONG_ROUNDS round trips of 64 bytes, TCP_NODELAY, halved;"
say " verbs: ib_send_lat's t_avg, t_typical and percentiles.)"
say ""
rfmt='%-22s | %14s | %10s | %14s\n'
# shellcheck disable=SC2059
printf "$rfmt" "64-byte writes" "MB/s" "K writes/s" "SDP autocork/x"
for k in rate_sdp rate_sdp_nocork rate_tcp rate_rs; do
	case $k in
	rate_sdp) n="SDP (autocork)" ;;
	rate_sdp_nocork) n="SDP, autocork 0" ;;
	rate_tcp) n="TCP" ;;
	*) n="rsockets" ;;
	esac
	v=$(med "$k:64")
	# shellcheck disable=SC2059
	printf "$rfmt" "$n" "$(cell "$k:64")" \
		"$([ "$v" != - ] && awk -v v="$v" 'BEGIN { printf "%.0f", v * 1e6 / 64 / 1e3 }')" \
		"$(rmed rate_sdp:64 "$k:64")"
done
say "(qperf sdp_bw/tcp_bw -m 64, TCP_NODELAY off; rstream -S 64. SDP autocork/x:"
say " the SDP row with autocork on against that row.)"
say ""
cfmt2='%-24s | %14s | %14s | %7s\n'
# shellcheck disable=SC2059
printf "$cfmt2" "connect/close cycles/s" SDP TCP TCP/SDP
# shellcheck disable=SC2059
printf "$cfmt2" "1 client" "$(cell conn_sdp)" "$(cell conn_tcp)" "$(rmed conn_tcp conn_sdp)"
# shellcheck disable=SC2059
printf "$cfmt2" "$CLIENTS clients at once" "$(cell conn_sdp_par)" "$(cell conn_tcp_par)" \
	"$(rmed conn_tcp_par conn_sdp_par)"
# shellcheck disable=SC2059
printf "$cfmt2" "both, SDP rejected" "$(cell conn_both_rej)" "$(cell conn_tcp)" \
	"$(rmed conn_tcp conn_both_rej)"
say "(a cycle: connect, accept, 4 KiB each way, close; $CYCLES cycles per row;"
say " TCP/SDP is how many times longer an SDP cycle takes. both, SDP rejected:"
say " IPPROTO_SDP sockets, rules tcp for listen and both for connect, so each"
say " connect tries SDP, is rejected and goes on over TCP.)"
say ""
# shellcheck disable=SC2086 # the list of stream counts
pair_table "streams, 64 KiB" streams_sdp streams_tcp SDP TCP $STREAMS
say "(MB/s of N qperf sdp_bw/tcp_bw clients at once, each with its own server: the"
say " sum of their rates.)"
say ""
vfmt='%-16s | %14s | %14s | %14s | %9s | %7s\n'
# shellcheck disable=SC2059
printf "$vfmt" "veth path" SDP TCP verbs SDP/verbs SDP/TCP
# shellcheck disable=SC2059
printf "$vfmt" "64 KiB, MB/s" "$(cell veth_sdp:65536)" "$(cell veth_tcp:65536)" \
	"$(cell veth_verbs:65536)" "$(rmed veth_sdp:65536 veth_verbs:65536)" \
	"$(rmed veth_sdp:65536 veth_tcp:65536)"
# shellcheck disable=SC2059
printf "$vfmt" "64 B, us" "$(cell veth_sdp_lat:64)" "$(cell veth_tcp_lat:64)" \
	"$(cell veth_verbs_lat:64)" "$(rmed veth_sdp_lat:64 veth_verbs_lat:64)" \
	"$(rmed veth_sdp_lat:64 veth_tcp_lat:64)"
say "(rxe1 on one end of a veth pair, rxe2 on the other: every packet crosses the"
say " veth; qperf sdp_bw/tcp_bw and sdp_lat/tcp_lat's mean, ib_send_bw/ib_send_lat -R.)"
say ""
say "SDP buffer memory of one loopback connection, both ends (sdpctl mem_pages):"
say "  idle: ${MEM_IDLE:--} pages, during a 64 KiB sdp_bw run: ${MEM_BUSY:--} pages"
say ""
say "SDP per size, last run (counter deltas over the sdp_bw run; qperf -v CPU use,"
say "send/recv %). pipe MB/s: copy ceiling probed just before the row (low = busy host)."
cfmt='%-8s | %9s | %14s | %13s | %12s | %12s | %9s\n'
# shellcheck disable=SC2059
printf "$cfmt" size "data msgs" "credit updates" "credit stalls" "SDP cpu s/r" "TCP cpu s/r" "pipe MB/s"
for s in $SIZES; do
	read -r m u st <<<"${ST[$s]:-- - -}"
	# shellcheck disable=SC2059
	printf "$cfmt" "$s" "$m" "$u" "$st" "${CPU[sdp:$s]:--}" "${CPU[tcp:$s]:--}" "${P[$s]:--}"
done
say ""

if [ "${#FAILED[@]}" -gt 0 ]; then
	say "bench: FAILED: ${#FAILED[@]} measurement(s) produced no number:"
	for f in "${FAILED[@]}"; do say "  - $f"; done
	exit 1
fi
say "bench: every measurement produced a number"
exit 0
