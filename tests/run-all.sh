#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run every test of the project: make demo and bench on a fresh machine (a
# dry run), build, static checks, unit tests, the VM integration suites on
# each installed Debian kernel series (6.1, 6.12), the two of them talking
# to each other (tests/vm/two-hosts.sh), and then on the debug tier (6.12
# with KASAN, lockdep, kmemleak...: tests/debug-kernel/).
# Prints one "N passed, N failed" line at the end (the sum of every suite's
# own count; a step without its own count counts as one test) and exits
# non-zero if anything failed.
#
# usage: tests/run-all.sh [--debug-only]
#   --debug-only  build the tools, then every suite on the debug tier alone
#                 (make test-debug)
set -u

DEBUG_ONLY=
case ${1:-} in
'') ;;
--debug-only) DEBUG_ONLY=1 ;;
*) echo "usage: $0 [--debug-only]" >&2; exit 2 ;;
esac
# The debug tier's suites: 3-20x slower than on the stock kernels, with
# their counts and sizes scaled down (SDP_TEST_SCALE), never their checks.
# All of them would take about an hour, so a full run takes the two that
# cover the data path and its error paths, and fault injection (which
# needs this kernel), --debug-only takes all six; docs/design.md ("The
# debug tier") has their measured times.
if [ -z "$DEBUG_ONLY" ]; then
	DEBUG_SUITES="test-stream.sh test-hostile.sh test-faults.sh"
else
	DEBUG_SUITES="test-stream.sh test-hostile.sh test-faults.sh test-topo.sh test-ctl.sh test-load.sh"
fi

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
LOG=$TOP/build/test-logs
mkdir -p "$LOG"

PASSED=0
FAILED=0
FAILED_STEPS=

# step NAME CMD...: run CMD, log it, and add its test counts to the totals.
step()
{
	local name=$1 log counts p f rc t0=$SECONDS
	shift
	log=$LOG/$name.log
	echo "=== $name: $*"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	counts=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -n "$counts" ]; then
		p=${counts%% passed*}
		f=${counts#*passed, }
		f=${f%% failed*}
	elif [ "$rc" -eq 0 ]; then
		p=1 f=0
	else
		p=0 f=1
	fi
	# A suite that exits non-zero failed even if its count says otherwise.
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	if [ "$rc" -eq 0 ]; then
		echo "--- PASS $name ($p passed, $f failed, $((SECONDS - t0)) s)"
	else
		echo "--- FAIL $name (exit $rc, $((SECONDS - t0)) s; log: $log)"
		FAILED_STEPS="$FAILED_STEPS $name"
	fi
	return "$rc"
}

# The newest installed kernel of a series, e.g. 6.1 -> 6.1.0-56-amd64.
kernel_of()
{
	ls -d /lib/modules/"$1".*/build 2>/dev/null | sed 's|/lib/modules/||;s|/build||' |
		sort -V | tail -n 1
}

# stock_tier: build, static checks, unit tests, the suites on 6.1 and 6.12.
stock_tier()
{
	local series kver

	step check-uapi make check-uapi
	step check-kmod make check-kmod
	step checkpatch make checkpatch
	step unit make unit

	for series in 6.1 6.12; do
		kver=$(kernel_of "$series")
		if [ -z "$kver" ]; then
			echo "no Debian $series kernel installed (run make deps)"
			FAILED=$((FAILED + 1))
			FAILED_STEPS="$FAILED_STEPS vm-$series"
			continue
		fi
		if [ "$BUILT" -ne 0 ]; then
			FAILED=$((FAILED + 1))
			FAILED_STEPS="$FAILED_STEPS vm-$series(not built)"
			continue
		fi
		step "vm-smoke-$series" tests/vm/vm.sh "$kver" "$TOP/tests/vm/smoke.sh"
		step "vm-ctl-$series" tests/vm/vm.sh "$kver" "$TOP/tests/vm/test-ctl.sh"
		step "vm-stream-$series" tests/vm/vm.sh "$kver" "$TOP/tests/vm/test-stream.sh"
		step "vm-topo-$series" tests/vm/vm.sh "$kver" "$TOP/tests/vm/test-topo.sh"
		# 256 concurrent connections pin about 2.4 GiB (see test-load.sh).
		step "vm-load-$series" env SDP_VM_MEM=6144 \
			tests/vm/vm.sh "$kver" "$TOP/tests/vm/test-load.sh"
		step "vm-hostile-$series" tests/vm/vm.sh "$kver" "$TOP/tests/vm/test-hostile.sh"
		step "vm-fuzz-$series" tests/vm/vm.sh "$kver" "$TOP/tests/vm/test-fuzz.sh"
	done
	# 6.1 and 6.12 in two guests, talking to each other over a wire.
	[ "$BUILT" -eq 0 ] && [ -n "$(kernel_of 6.1)" ] && [ -n "$(kernel_of 6.12)" ] &&
		step two-hosts tests/vm/two-hosts.sh 6.1 6.12
}

# debug_tier: the debug kernel (built once per machine, then cached),
# sdp.ko against it with no warning, and DEBUG_SUITES on it.
debug_tier()
{
	local t name

	step debug-kernel make debug-kernel &&
		step module-debug make module-debug || {
		FAILED_STEPS="$FAILED_STEPS vm-debug(not built)"
		return
	}
	[ "$BUILT" -eq 0 ] || return
	for t in $DEBUG_SUITES; do
		name=${t%.sh}
		step "vm-${name#test-}-debug" tests/vm/vm.sh debug "$TOP/tests/vm/$t"
	done
}

if [ -z "$DEBUG_ONLY" ]; then
	step fresh-machine tests/fresh-machine.sh
	step build make -j2 modules-all lib tool &&
		step build-test-tools make -C tests/tools
	BUILT=$?
	stock_tier
else
	step build make -j2 lib tool &&
		step build-test-tools make -C tests/tools
	BUILT=$?
fi
debug_tier

# Only the end of a run's output may be kept (CI's record is its tail):
# repeat what failed there, with the guest's kernel messages around it.
for name in $FAILED_STEPS; do
	echo "--- what failed in $name:"
	grep -E 'FAIL|^vm\.sh: |BUG:|WARNING:|Call Trace|\] sdp: ' \
		"$LOG/$name.log" | grep -v 'taint' | tail -n 40
done
[ -z "$FAILED_STEPS" ] || echo "failed steps:$FAILED_STEPS"
echo "all: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ -z "$FAILED_STEPS" ]
