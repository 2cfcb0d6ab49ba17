# SPDX-License-Identifier: GPL-2.0
# Assertions for guest test scripts (bash). Each check prints one line,
# "ok - NAME" or "FAIL - NAME: why", and the script ends with
# sdp_test_summary, which prints "SUITE: N passed, N failed".

SDP_PASSED=0
SDP_FAILED=0
SDP_SKIPPED=0
SDP_OUT=
SDP_ERR=
SDP_RC=0

# jq: gojq where installed (make deps installs it), the same language
# started in a sixth of the time: 36 ms against jq 1.6's 235 ms in a TCG
# guest, where jq's start (it compiles its builtins) was most of many
# checks' cost.
if command -v gojq >/dev/null; then
	jq() { gojq "$@"; }
fi

sdp_pass() { SDP_PASSED=$((SDP_PASSED + 1)); echo "ok - $1"; }

sdp_fail()
{
	SDP_FAILED=$((SDP_FAILED + 1))
	echo "FAIL - $1: $2"
	[ -z "$SDP_OUT" ] || echo "  stdout: $SDP_OUT"
	[ -z "$SDP_ERR" ] || echo "  stderr: $SDP_ERR"
}

# sdp_run CMD...: run a command, keep its stdout, stderr and exit status.
# Its stderr goes through a file read by bash itself: on the debug tier
# every process a check adds costs up to a second of a loaded guest.
sdp_run()
{
	local errf=${TMP:-/tmp}/.sdp_run.$BASHPID

	SDP_OUT=$("$@" 2>"$errf")
	SDP_RC=$?
	SDP_ERR=
	IFS= read -r -d '' SDP_ERR < "$errf" || :
	while [ "${SDP_ERR%$'\n'}" != "$SDP_ERR" ]; do
		SDP_ERR=${SDP_ERR%$'\n'}
	done
}

# expect_ok NAME CMD...: the command succeeds.
expect_ok()
{
	local name=$1
	shift
	sdp_run "$@"
	if [ "$SDP_RC" -eq 0 ]; then
		sdp_pass "$name"
	else
		sdp_fail "$name" "exit $SDP_RC from: $*"
	fi
}

# expect_fail NAME RC PATTERN CMD...: the command exits with RC and its
# stderr or stdout matches the extended regex PATTERN (the kernel's message).
expect_fail()
{
	local name=$1 rc=$2 pat=$3
	shift 3
	sdp_run "$@"
	if [ "$SDP_RC" -ne "$rc" ]; then
		sdp_fail "$name" "exit $SDP_RC, wanted $rc, from: $*"
	elif ! printf '%s\n%s\n' "$SDP_ERR" "$SDP_OUT" | grep -Eq -- "$pat"; then
		sdp_fail "$name" "output does not match /$pat/"
	else
		sdp_pass "$name"
	fi
}

# expect_match NAME PATTERN CMD...: the command succeeds and its stdout or
# stderr matches the extended regex PATTERN (expect_fail with exit 0).
expect_match()
{
	local name=$1 pat=$2
	shift 2
	expect_fail "$name" 0 "$pat" "$@"
}

# expect_eq NAME WANT GOT
expect_eq()
{
	if [ "$2" = "$3" ]; then
		sdp_pass "$1"
	else
		sdp_fail "$1" "wanted '$2', got '$3'"
	fi
}

# expect_jq NAME FILTER CMD...: the command succeeds and jq -e FILTER
# holds on its JSON output.
expect_jq()
{
	local name=$1 filter=$2
	shift 2
	sdp_run "$@"
	if [ "$SDP_RC" -ne 0 ]; then
		sdp_fail "$name" "exit $SDP_RC from: $*"
	elif ! printf '%s' "$SDP_OUT" | jq -e "$filter" >/dev/null 2>&1; then
		sdp_fail "$name" "jq '$filter' does not hold"
	else
		sdp_pass "$name"
	fi
}

# sdp_count_checks LOG: a test program's output as checks: one pass per
# "ok: ..." line, one failure per "FAIL: ..." line.
sdp_count_checks()
{
	local line
	while IFS= read -r line; do
		case $line in
		ok:*) sdp_pass "${line#ok: }" ;;
		FAIL:*) sdp_fail "${line#FAIL: }" "see above" ;;
		esac
	done < "$1"
}

# sdp_count_tap LOG NAME: the TAP output of a kselftest harness program
# (NAME) as checks "NAME: TEST": "ok N TEST" a pass, "ok N TEST # SKIP WHY"
# a skip, "not ok N TEST" a failure.  Fewer results than its plan ("1..N")
# is a failure too: the program died half-way.
sdp_count_tap()
{
	local line test plan= results=0
	while IFS= read -r line; do
		case $line in
		1..*) plan=${line#1..}; continue ;;
		"ok "*" # SKIP"*)
			test=${line#ok * }
			sdp_skip "$2: ${test%% # SKIP*}" "${test#* # SKIP }" ;;
		"ok "*) sdp_pass "$2: ${line#ok * }" ;;
		"not ok "*) sdp_fail "$2: ${line#not ok * }" "see above" ;;
		*) continue ;;
		esac
		results=$((results + 1))
	done < "$1"
	if [ -z "$plan" ]; then
		sdp_fail "$2" "no TAP plan (1..N) in its output"
	elif [ "$results" -ne "$plan" ]; then
		sdp_fail "$2" "$results of its $plan tests reported"
	fi
}

# sdp_run_program FORMAT NAME CMD...: run a test program (600 s at most)
# and print its output; its results (FORMAT "lines": sdp_count_checks,
# "tap": sdp_count_tap) and its exit status ("NAME exit status") are checks.
sdp_run_program()
{
	local format=$1 name=$2 out rc
	shift 2
	out=$(mktemp)
	timeout 600 "$@" > "$out" 2>&1
	rc=$?
	cat "$out"
	case $format in
	tap) sdp_count_tap "$out" "$name" ;;
	*) sdp_count_checks "$out" ;;
	esac
	rm -f "$out"
	expect_eq "$name exit status" 0 "$rc"
}

# tune_default NAME: the tunable's default, as the module reports it.
tune_default() { "$SDPCTL" -j tune get "$1" | jq -r .default; }

# sdp_stat NAME: one counter of `$SDPCTL -j stats` (conn_current, ...),
# read by bash: jq would be a second process, and a process costs a third
# of a second in a TCG guest (more on the debug tier).  The counters come
# first in that object, before the nested ones that could share a name.
sdp_stat()
{
	local out re="[{,]\"$1\":([0-9]+)"
	out=$("$SDPCTL" -j stats 2>/dev/null)
	[[ $out =~ $re ]] && echo "${BASH_REMATCH[1]}"
}

# sdp_semantics_runs ADDR PORT LABEL: tests/tools/sdp-semantics four
# times.  IPPROTO_SDP sockets follow the rule table, whose default-action
# is tcp: every variant but inet_tcp, inet_both and inet_fallback runs
# with default-action sdp, then inet_tcp (the same sockets made TCP
# sockets at connect/listen) with tcp, proven TCP's by the counters, then
# inet_both with both (both listeners, connects that try SDP first: SDP
# connections), then inet_fallback with rules that make listeners TCP's
# and connects both (each connect refused over SDP, carried on over TCP)
# for the tests where IPPROTO_SDP sockets differ.  On the debug tier the
# TCP variant would only check Linux's own TCP again, at a twentieth of
# the speed, and IPPROTO_SDP sockets are the same sockets past socket(),
# bind() and connect(): native SDP there, and IPPROTO_SDP (SDP, made TCP,
# both, fallen back) for the tests that differ.
SDP_SEM_INET_TESTS="inet_create inet_addresses dual_stack nonblock options
	accept_inherit epoll_before_connect epoll_before_listen
	async_before_connect options_before_connect fork_exec"
sdp_semantics_runs()
{
	local -a sdpf=(-V inet_tcp -V inet_both -V inet_fallback)
	local -a tcpf=(-v inet_tcp) bothf=(-v inet_both) fallbackf=()
	local sem=$TOP/tests/tools/sdp-semantics active0 lookups0 fallback0 t
	local fbport=$(($2 + 3000))

	for t in $SDP_SEM_INET_TESTS; do
		fallbackf+=(-r "sock.inet_fallback.$t")
	done

	if [ "$SDP_KVER" = debug ]; then
		sdpf=(-v sdp)
		tcpf=()
		bothf=()
		for t in $SDP_SEM_INET_TESTS; do
			sdpf+=(-r "sock.inet.$t")
			tcpf+=(-r "sock.inet_tcp.$t")
			bothf+=(-r "sock.inet_both.$t")
		done
	fi
	expect_ok "default-action sdp" "$SDPCTL" tune set default-action sdp
	sdp_run_program tap "sdp-semantics$3" "$sem" "$1" "$2" "${sdpf[@]}"
	expect_ok "default-action tcp" "$SDPCTL" tune set default-action tcp
	active0=$(sdp_stat conn_active_opens)
	lookups0=$(sdp_stat map_lookups)
	fallback0=$(sdp_stat fallback_tcp)
	sdp_run_program tap "sdp-semantics$3, IPPROTO_SDP made TCP" \
		"$sem" "$1" "$2" "${tcpf[@]}"
	expect_jq "the rule table made the sockets TCP's$3, none connected over SDP" \
		".conn_active_opens == $active0 and .map_lookups > $lookups0 and
		 .fallback_tcp > $fallback0" "$SDPCTL" -j stats
	# Ports of their own: a both listener's TCP side would meet the TCP
	# runs' TIME_WAIT connections on theirs.
	expect_ok "default-action both" "$SDPCTL" tune set default-action both
	active0=$(sdp_stat conn_active_opens)
	sdp_run_program tap "sdp-semantics$3, IPPROTO_SDP with both" \
		"$sem" "$1" $(($2 + 2000)) "${bothf[@]}"
	expect_ok "default-action tcp" "$SDPCTL" tune set default-action tcp
	expect_jq "the both sockets connected over SDP$3" \
		".conn_active_opens > $active0" "$SDPCTL" -j stats
	expect_ok "rules: listen tcp, connect both" sh -c "
		'$SDPCTL' map add action tcp role listen port $fbport-$((fbport + 400)) &&
		'$SDPCTL' map add action both role connect port $fbport-$((fbport + 400))"
	fallback0=$(sdp_stat fallback_rejected)
	sdp_run_program tap "sdp-semantics$3, IPPROTO_SDP falling back" \
		"$sem" "$1" "$fbport" "${fallbackf[@]}"
	expect_ok "map flush" "$SDPCTL" map flush
	expect_jq "the connects were refused over SDP and went on over TCP$3" \
		".fallback_rejected > $fallback0" "$SDPCTL" -j stats
}
# sdp_rxe_stat DEV COUNTER: one of Soft-RoCE's hardware counters of DEV.
# Read from rdma's text ("link rxe0/1 sent_pkts 12 rcvd_pkts 34 ..."),
# without a jq process (see sdp_stat).
sdp_rxe_stat()
{
	local out re="(^|[[:space:]])$2 ([0-9]+)"
	out=$(rdma statistic show link "$1/1")
	[[ $out =~ $re ]] && echo "${BASH_REMATCH[2]}"
}

# sdp_rdma_mark: remember the RDMA objects (cm_id qp cq pd mr) on rxe0;
# sdp_expect_rdma_back NAME [SECS]: they are those of the mark again.
# Teardown of closed sockets is asynchronous (the socket's work item), so
# it gets up to 15 s, or SECS.
sdp_rdma_mark() { SDP_RDMA_MARK=$(sdp_guest_rdma_counts "${SDP_RXE:-rxe0}"); }
sdp_expect_rdma_back()
{
	local now i
	for i in $(seq $((${2:-15} * 10))); do
		now=$(sdp_guest_rdma_counts "${SDP_RXE:-rxe0}")
		[ "$now" = "$SDP_RDMA_MARK" ] && break
		sleep 0.1
	done
	expect_eq "$1" "$SDP_RDMA_MARK" "$now"
}

# sdp_expect_unload NAME [SECS]: rmmod sdp succeeds within SECS (10)
# seconds: closed sockets are torn down by their work item and hold the
# module until they are freed.
sdp_expect_unload()
{
	local unloaded=1 _
	for _ in $(seq $((${2:-10} * 2))); do
		rmmod sdp 2>/dev/null && { unloaded=0; break; }
		sleep 0.5
	done
	expect_eq "$1" 0 "$unloaded"
}

# sdp_expect_counters_sane NAME CMD...: every number of the stats JSON
# that CMD prints is below 2^62: a gauge or counter that went below zero
# would read near 2^64.
sdp_expect_counters_sane()
{
	local name=$1
	shift
	expect_jq "$name" \
		'[.. | numbers] | all(. >= 0 and . < 4611686018427387904)' "$@"
}

# sdp_rxe_retries DEV: print how often DEV retransmitted so far.  Not a
# check: Soft-RoCE retransmits when an ACK is late (a loaded host), and on
# 6.12 a retransmitted multi-packet SEND may complete at a wrong length
# (docs/protocol.md, "Soft-RoCE"); a failure log should show whether the
# run was in that territory.
sdp_rxe_retries()
{
	echo "# $1: completer_retry_err $(sdp_rxe_stat "$1" completer_retry_err)," \
		"duplicate_request $(sdp_rxe_stat "$1" duplicate_request)"
}

# sdp_wait_until SECS CMD...: CMD succeeds within SECS seconds (tried
# every 0.1 s, and once more at the end).
sdp_wait_until()
{
	local n=$(($1 * 10))

	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sdp_nap 0.1
		n=$((n - 1))
	done
	"$@"
}

# sdp_wait_conn_zero SECS: conn_current back to 0 within SECS seconds
# (closed sockets are torn down by their work item, asynchronously).
sdp_conn_zero() { [ "$(sdp_stat conn_current)" = 0 ]; }
sdp_wait_conn_zero() { sdp_wait_until "$1" sdp_conn_zero; }
# sdp_conns_empty: sdpctl conns lists no socket (an empty JSON array).
sdp_conns_empty() { [ "$("$SDPCTL" -j conns)" = "[]" ]; }
# sdp_listeners PORT N: N SDP listeners on PORT in sdpctl conns.
sdp_listeners()
{
	[ "$("$SDPCTL" -j conns | jq --argjson p "$1" '[.[] | select(.state == "listen"
		and .local_port == $p and .transport == "sdp")] | length')" = "$2" ]
}

# tcp_listener PORT PROGRAM: a TCP listener on PORT, owned by PROGRAM (ss -p
# finds the process of a socket the rule table made TCP's), within 10 s.
tcp_listening() { ss -Hltnp "sport = :$1" | grep -q "\"$2\""; }
tcp_listener()
{
	sdp_wait_until 10 tcp_listening "$1" "$2" && return 0
	ss -ltnp
	return 1
}

# sdp_complete FILE WORDS...: what the bash completion in FILE offers
# for sdpctl WORDS (the last one the word being completed, "" for a new
# one), sorted, on one line.  The sdpctl it asks is $SDPCTL's.
sdp_complete()
{
	PATH=$(dirname "${SDPCTL:-sdpctl}"):$PATH bash -c '. "$1"; shift
		COMP_WORDS=(sdpctl "$@"); COMP_CWORD=$#; _sdpctl
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | xargs' _ "$@"
}

# sdp_wait_pid PID SECS: wait for a background job, at most SECS seconds;
# its exit status (killed if it overstays).
sdp_wait_pid()
{
	local n=$(($2 * 10))
	while [ "$n" -gt 0 ] && kill -0 "$1" 2>/dev/null; do
		sdp_nap 0.1
		n=$((n - 1))
	done
	kill "$1" 2>/dev/null
	wait "$1"
}

# sdp_skip NAME WHY: a check this host cannot make (never counted as passed).
sdp_skip() { SDP_SKIPPED=$((SDP_SKIPPED + 1)); echo "skip - $1: $2"; }

# sdp_kmemleak_check [NAME]: on a kernel with kmemleak (the debug tier,
# SDP_KVER=debug), scan twice with a pause (an object is reported only once
# it stayed unreferenced over a scan or two) and fail NAME if a leak's
# allocation backtrace runs through sdp.ko: a frame tagged [sdp], or an
# address with no symbol (the debug kernel has every other module built in,
# so that is sdp.ko after rmmod). Other leaks are printed, not counted. On a
# kernel without kmemleak it checks nothing, except on the debug tier where
# a missing or disabled kmemleak is a failure. Call it last, after rmmod.
sdp_kmemleak_check()
{
	local name=${1:-"kmemleak: no leak allocated through sdp.ko"}
	local f=/sys/kernel/debug/kmemleak report ours all
	[ -e "$f" ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	if [ ! -e "$f" ]; then
		if [ "${SDP_KVER:-}" = debug ]; then
			sdp_fail "$name" "no $f on the debug kernel"
		else
			sdp_skip "$name" "kernel without kmemleak"
		fi
		return 0
	fi
	echo "=== kmemleak scan (${SDP_KMEMLEAK_PAUSE:-5}s between two scans)"
	if ! { echo scan > "$f" && sleep "${SDP_KMEMLEAK_PAUSE:-5}" &&
		echo scan > "$f"; }; then
		sdp_fail "$name" "kmemleak refused to scan (disabled? see the console)"
		return 0
	fi
	report=$(cat "$f")
	all=$(printf '%s\n' "$report" | grep -c '^unreferenced object')
	# One block per "unreferenced object" line; keep the blocks with a
	# backtrace frame ("    func+0x1/0x2 [sdp]" or "    0xffff...") in sdp.ko.
	ours=$(printf '%s\n' "$report" | awk '
		function flush() { if (blk != "" && hit) print blk }
		/^unreferenced object/ { flush(); blk = $0; hit = 0; bt = 0; next }
		{ blk = blk "\n" $0 }
		/^  backtrace/ { bt = 1; next }
		bt && (/ \[sdp\]$/ || /^ +0x[0-9a-f]+$/) { hit = 1 }
		END { flush() }')
	if [ -n "$ours" ]; then
		printf '%s\n' "$ours"
		sdp_fail "$name" "$(printf '%s\n' "$ours" | grep -c '^unreferenced object') of $all leak(s) allocated through sdp.ko (above)"
	else
		[ "$all" -eq 0 ] || {
			echo "kmemleak: $all leak(s) not allocated through sdp.ko:"
			printf '%s\n' "$report"
		}
		sdp_pass "$name"
	fi
}

# sdp_section TITLE: start a section of the suite's output, and end the
# one before it with the seconds it took (where a suite's time goes).
SDP_SECTION=
SDP_SECTION_T0=
sdp_section_end()
{
	[ -n "$SDP_SECTION" ] || return 0
	local ms=$(((${EPOCHREALTIME/./} - SDP_SECTION_T0) / 1000))
	printf -- '--- %s: %d.%d s\n' "$SDP_SECTION" $((ms / 1000)) \
		$((ms % 1000 / 100))
	SDP_SECTION=
}
sdp_section()
{
	sdp_section_end
	echo "=== $*"
	SDP_SECTION=$*
	SDP_SECTION_T0=${EPOCHREALTIME/./}
}

sdp_test_summary()
{
	sdp_section_end
	[ "$SDP_SKIPPED" -eq 0 ] || echo "$1: $SDP_SKIPPED skipped"
	echo "$1: $SDP_PASSED passed, $SDP_FAILED failed"
	[ "$SDP_FAILED" -eq 0 ]
}

# sdp_man_example PAGE: the first example (.EX to .EE after .SH EXAMPLE)
# of a man page, plain or gzipped, with the roff escapes \- and \e undone.
sdp_man_example()
{
	zcat -f "$1" | sed -e '1,/^\.SH EXAMPLE/d' |
		sed -n '/^\.EX/,/^\.EE/{//!p;/^\.EE/q}' |
		sed -e 's/\\-/-/g' -e 's/\\e/\\/g'
}

# ---- the prologue every suite shares -----------------------------------------

# sdp_suite_init NAME: set TOP, KO, SDPCTL, SDP_COMPLETION, TMP (removed
# when the shell exits) and ADDR, the address of the RDMA netdev the suite
# connects to.
#
# Under tests/vm/vm.sh (SDP_VM=1) the RDMA device is Soft-RoCE on dummy0
# (guest-rdma.sh), set up by sdp_suite_rdma_up.  Any other host that has an
# active RDMA device and the module built for its kernel runs a suite as
# root with SDP_ADDR set to the address of that device's netdev; SDP_KVER
# defaults to the running kernel, SDP_KO to the module built for it.
# Checks that would take the host's device away are skipped there.
sdp_suite_init()
{
	TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	. "$TOP/tests/vm/guest-rdma.sh"
	: "${SDP_KVER:=$(uname -r)}"
	if [ "${SDP_TEST_INSTALLED:-}" = 1 ]; then
		sdp_installed_only "$1"
	else
		KO=${SDP_KO:-$TOP/build/$SDP_KVER/kmod/sdp.ko}
		SDPCTL=$TOP/sdpctl/sdpctl
		SDP_COMPLETION=$TOP/sdpctl/sdpctl.bash-completion
	fi
	if [ "${SDP_VM:-}" = 1 ]; then
		ADDR=$SDP_DUMMY_ADDR
	else
		[ "$(id -u)" = 0 ] || { echo "$1: run me as root" >&2; exit 2; }
		[ -n "${SDP_ADDR:-}" ] || {
			echo "$1: outside tests/vm/vm.sh, set SDP_ADDR to the address of an RDMA device's netdev" >&2
			exit 2
		}
		ADDR=$SDP_ADDR
	fi
	export ADDR	# for the python helpers
	# SDP_TEST_TIME_SCALE stretches sdp-semantics' SO_LINGER time and
	# its bounds (1 s, close < 0.9 s), and its tests' timeouts: 10 on the debug tier, where the
	# sends that close() waits for take longer than a second.
	[ "$SDP_KVER" != debug ] || : "${SDP_TEST_TIME_SCALE:=10}"
	export SDP_TEST_TIME_SCALE=${SDP_TEST_TIME_SCALE:-1}
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
}

# sdp_installed_only NAME: SDP_TEST_INSTALLED=1, in a guest booted on the
# root tests/test-deb.sh installed the packages into (vm.sh's
# SDP_VM_OVERLAY): the suite runs with the installed files only.  The
# checkout's build products are hidden under empty mounts; sdpctl and
# its completion are the installed ones, KO is the module DKMS built,
# as modprobe finds it.
sdp_installed_only()
{
	local d

	[ "${SDP_VM:-}" = 1 ] ||
		{ echo "$1: SDP_TEST_INSTALLED=1 is for a vm.sh guest" >&2; exit 2; }
	for d in build libsdpctl sdpctl preload; do
		mount -t tmpfs -o ro,mode=755 sdp-hidden "$TOP/$d" ||
			{ echo "$1: cannot hide $TOP/$d" >&2; exit 1; }
	done
	KO=$(modinfo -n sdp 2>/dev/null) || KO=/no-installed-module/sdp.ko
	SDPCTL=/usr/sbin/sdpctl
	SDP_COMPLETION=/usr/share/bash-completion/completions/sdpctl
}

# sdp_suite_rdma_up: the RDMA device is there and active (set up in a guest).
sdp_suite_rdma_up()
{
	if [ "${SDP_VM:-}" = 1 ]; then
		sdp_guest_rdma_up || { echo "rdma setup failed"; exit 1; }
	elif ! rdma link show 2>/dev/null | grep -q 'state ACTIVE'; then
		echo "no active RDMA device (rdma link show)"
		exit 1
	fi
}

# sdp_in_guest NAME: true in a vm.sh guest; elsewhere NAME is skipped.
sdp_in_guest()
{
	[ "${SDP_VM:-}" = 1 ] && return 0
	sdp_skip "$1" "changes the host's RDMA devices; runs under tests/vm/vm.sh only"
	return 1
}
