# SPDX-License-Identifier: GPL-2.0
# Assertions for guest test scripts (bash). Each check prints one line,
# "ok - NAME" or "FAIL - NAME: why", and the script ends with
# sdp_test_summary, which prints "SUITE: N passed, N failed".

SDP_PASSED=0
SDP_FAILED=0
SDP_OUT=
SDP_ERR=
SDP_RC=0

sdp_pass() { SDP_PASSED=$((SDP_PASSED + 1)); echo "ok - $1"; }

sdp_fail()
{
	SDP_FAILED=$((SDP_FAILED + 1))
	echo "FAIL - $1: $2"
	[ -z "$SDP_OUT" ] || echo "  stdout: $SDP_OUT"
	[ -z "$SDP_ERR" ] || echo "  stderr: $SDP_ERR"
}

# sdp_run CMD...: run a command, keep its stdout, stderr and exit status.
sdp_run()
{
	local errf
	errf=$(mktemp)
	SDP_OUT=$("$@" 2>"$errf")
	SDP_RC=$?
	SDP_ERR=$(cat "$errf")
	rm -f "$errf"
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

# sdp_stat NAME: one field of `$SDPCTL -j stats` (conn_current, ...).
sdp_stat() { "$SDPCTL" -j stats 2>/dev/null | jq -r ".$1"; }

# sdp_wait_conn_zero SECS: conn_current back to 0 within SECS seconds
# (closed sockets are torn down by their work item, asynchronously).
sdp_wait_conn_zero()
{
	local n=$(($1 * 10))
	while [ "$n" -gt 0 ]; do
		[ "$(sdp_stat conn_current)" = 0 ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# sdp_wait_pid PID SECS: wait for a background job, at most SECS seconds;
# its exit status (killed if it overstays).
sdp_wait_pid()
{
	local _
	for _ in $(seq $(($2 * 10))); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill "$1" 2>/dev/null
	wait "$1"
}

sdp_test_summary()
{
	echo "$1: $SDP_PASSED passed, $SDP_FAILED failed"
	[ "$SDP_FAILED" -eq 0 ]
}
