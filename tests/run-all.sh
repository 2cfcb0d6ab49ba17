#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run every test of the project: make demo and bench on a fresh machine (a
# dry run), build, static checks, unit tests, the VM integration suites on
# each installed Debian kernel series (6.1, 6.12), the two of them talking
# to each other (tests/vm/two-hosts.sh), and every suite on the debug tier
# (6.12 with KASAN, lockdep, kmemleak...: tests/debug-kernel/).
# Prints one "N passed, N failed" line at the end (the sum of every suite's
# own count; a step without its own count counts as one test) and exits
# non-zero if anything failed.
#
# Two lanes run at once, each one guest at a time: a stock-kernel guest
# leaves more than half of the machine's two cores idle (test-hostile:
# ~0.85 of a core).  The debug lane starts first: it builds the debug
# kernel (niced: on a fresh machine it builds while everything else runs)
# and sdp.ko for it.  After the build and the static checks, the stock
# lane starts.  Both then take VM steps from one queue, from its two ends:
# the stock lane from the front (the suites on 6.1, then 6.12, then the
# two-host run), the debug lane from the back (the debug-tier suites,
# longest first).  When the ends meet, each lane has run what the other
# did not get to, so they end within one step of each other whichever
# tier ran slower (shortest steps in the middle).  Each lane's output is
# printed when it ends; progress lines as it goes.
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
# The debug tier's suites, longest first: 3-20x slower than on the stock
# kernels, with their counts and sizes scaled down (SDP_TEST_SCALE), never
# their checks; docs/design.md ("The debug tier") has their times.
DEBUG_SUITES="test-load.sh test-hostile.sh test-ctl.sh test-stream.sh test-topo.sh test-faults.sh"
STOCK_SUITES="smoke.sh test-load.sh test-ctl.sh test-stream.sh test-hostile.sh test-topo.sh test-preload.sh test-fuzz.sh"

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
LOG=$TOP/build/test-logs
rm -rf "$LOG"
mkdir -p "$LOG"
# One line per step: NAME PASSED FAILED EXIT (appends of one short line
# are atomic, whichever lane writes).
RESULTS=$LOG/results
: > "$RESULTS"
QUEUE=$LOG/queue
DEBUG_STATE=$LOG/debug-state	# "ready" or "failed", once known
TOOLS_STATE=$LOG/tools-state	# the same for the build of the tools
OUT=		# a lane's file, for its steps' output; empty: stdout

# record NAME PASSED FAILED EXIT
record() { echo "$1 $2 $3 $4" >> "$RESULTS"; }

# say LINE: a progress line, on stdout and in the lane's file.
say() { echo "$*"; [ -z "$OUT" ] || echo "$*" >> "$OUT"; }

# step NAME CMD...: run CMD, log it, and record its test counts.
step()
{
	local name=$1 log counts p f rc t0=$SECONDS
	shift
	log=$LOG/$name.log
	say "=== $name: $*"
	if [ -z "$OUT" ]; then
		"$@" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
	else
		"$@" > "$log" 2>&1
		rc=$?
		cat "$log" >> "$OUT"
	fi
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
	record "$name" "$p" "$f" "$rc"
	if [ "$rc" -eq 0 ]; then
		say "--- PASS $name ($p passed, $f failed, $((SECONDS - t0)) s)"
	else
		say "--- FAIL $name (exit $rc, $((SECONDS - t0)) s; log: $log)"
	fi
	return "$rc"
}

# The newest installed kernel of a series, e.g. 6.1 -> 6.1.0-56-amd64.
kernel_of()
{
	ls -d /lib/modules/"$1".*/build 2>/dev/null | sed 's|/lib/modules/||;s|/build||' |
		sort -V | tail -n 1
}

# take front|back: the next VM step from that end of the queue ("debug
# SUITE", "KVER SERIES SUITE" or "two-hosts"), or nothing once it is empty.
take()
{
	(
		flock 8
		if [ "$1" = front ]; then
			head -n 1 "$QUEUE"
			sed -i 1d "$QUEUE"
		else
			tail -n 1 "$QUEUE"
			sed -i '$d' "$QUEUE"
		fi
	) 8> "$LOG/queue.lock"
}

# run_vm_step KIND...: one step of the queue.
run_vm_step()
{
	local name mem

	case $1 in
	debug)
		# A lane may get here before the debug lane built the kernel.
		until [ -s "$DEBUG_STATE" ]; do sleep 5; done
		# Not built: recorded once, as vm-debug(not-built).
		[ "$(cat "$DEBUG_STATE")" = ready ] || return 0
		name=${2%.sh}
		step "vm-${name#test-}-debug" tests/vm/vm.sh debug "$TOP/tests/vm/$2"
		;;
	two-hosts)
		# 6.1 and 6.12 in two guests, talking to each other over a wire.
		step two-hosts tests/vm/two-hosts.sh 6.1 6.12
		;;
	*)
		name=${3%.sh}
		mem= tmo= inst=
		# 10,000 idle connections pin about 5 GiB (see test-load.sh),
		# and its 30,000 connection cycles took up to 15 min beside
		# the other guests, vm.sh's default limit.
		[ "$3" != test-load.sh ] || { mem=10240; tmo=1800; }
		# On the stock kernels the smoke and control-plane suites run
		# with the Debian packages' files only: installed by
		# tests/test-deb.sh into the root the guest boots on.
		case $3 in smoke.sh | test-ctl.sh)
			inst="SDP_VM_OVERLAY=$TOP/build/deb/overlay SDP_TEST_INSTALLED=1"
		esac
		# shellcheck disable=SC2086 # inst's words
		step "vm-${name#test-}${inst:+-installed}-$2" env ${mem:+SDP_VM_MEM=$mem} $inst \
			tests/vm/vm.sh ${tmo:+-t $tmo} "$1" "$TOP/tests/vm/$3"
		;;
	esac
}

# vm_worker front|back: once the tools are built, run VM steps from that
# end of the queue until it is empty.
vm_worker()
{
	local s

	until [ -s "$TOOLS_STATE" ]; do sleep 5; done
	[ "$(cat "$TOOLS_STATE")" = ready ] || return
	while s=$(take "$1") && [ -n "$s" ]; do
		# shellcheck disable=SC2086 # the step's words
		run_vm_step $s
	done
}

stock_lane() { vm_worker front; }

debug_lane()
{
	if step debug-kernel make debug-kernel && step module-debug make module-debug; then
		echo ready > "$DEBUG_STATE"
	else
		echo failed > "$DEBUG_STATE"
		record "vm-debug(not-built)" 0 1 1
	fi
	vm_worker back
}

# lane NAME FUNCTION: run FUNCTION in the background, its steps' output
# in a file.
lane()
{
	OUT=$LOG/lane-$1.out
	: > "$OUT"
	"$2" &
	OUT=
}

# The queue, front to back: the stock steps, then the debug-tier suites
# from the shortest to the longest.  The steps in the middle, where the
# lanes meet, are the shortest (6.12's fuzz, smoke and preload, the
# two-host run; debug faults).
{
	if [ -z "$DEBUG_ONLY" ]; then
		for series in 6.1 6.12; do
			kver=$(kernel_of "$series")
			if [ -z "$kver" ]; then
				echo "no Debian $series kernel installed (run make deps)" >&2
				record "vm-$series(no-kernel)" 0 1 1
				continue
			fi
			for t in $STOCK_SUITES; do echo "$kver $series $t"; done
		done
		[ -n "$(kernel_of 6.1)" ] && [ -n "$(kernel_of 6.12)" ] && echo two-hosts
	fi
	for t in $DEBUG_SUITES; do echo "debug $t"; done | tac
} > "$QUEUE"
echo "=== lane b: the debug kernel and sdp.ko for it, debug suites, then what is left of the queue"
lane b debug_lane
if [ -z "$DEBUG_ONLY" ]; then
	step fresh-machine tests/fresh-machine.sh
	step build make -j2 modules-all lib tool preload &&
		step build-test-tools make -C tests/tools
	BUILT=$?
else
	step build make -j2 lib tool preload &&
		step build-test-tools make -C tests/tools
	BUILT=$?
fi
if [ "$BUILT" -ne 0 ]; then
	echo failed > "$TOOLS_STATE"
	record "vm(not-built)" 0 1 1
else
	echo ready > "$TOOLS_STATE"
fi
if [ -z "$DEBUG_ONLY" ]; then
	step check-uapi make check-uapi
	step check-kmod make check-kmod
	step checkpatch make checkpatch
	step unit make unit
	[ "$BUILT" -ne 0 ] || step install tests/test-install.sh
	[ "$BUILT" -ne 0 ] || step dkms tests/test-dkms.sh
	# Before the stock lane: its control-plane suites boot on the root
	# this installs the packages into.
	[ "$BUILT" -ne 0 ] || step deb tests/test-deb.sh
fi
if [ "$BUILT" -eq 0 ] && [ -z "$DEBUG_ONLY" ]; then
	echo "=== lane a: stock kernels, two hosts, then what is left of the queue"
	lane a stock_lane
elif [ "$BUILT" -eq 0 ]; then
	echo "=== lane a: debug suites"
	lane a stock_lane
fi
wait
for l in a b; do
	[ -f "$LOG/lane-$l.out" ] || continue
	echo "=== lane $l, whole output"
	cat "$LOG/lane-$l.out"
done

# Only the end of a run's output may be kept (CI's record is its last
# few dozen lines): the step times, then the first failures of each failed
# step, then the totals.
PASSED=0
FAILED=0
FAILED_STEPS=
while read -r name p f rc; do
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	[ "$rc" -eq 0 ] || FAILED_STEPS="$FAILED_STEPS $name"
done < "$RESULTS"
echo "--- steps and their times:"
grep -h -E '^--- (PASS|FAIL) ' "$LOG"/lane-*.out 2>/dev/null
for name in $FAILED_STEPS; do
	echo "--- what failed first in $name:"
	[ -f "$LOG/$name.log" ] || continue
	grep -E '^FAIL|^not ok|BUG:|WARNING:|^vm\.sh: (FAIL|console matches|timed out|  |sdp-vm: watchdog)' "$LOG/$name.log" |
		grep -v 'taint' | head -n 20
done
[ -z "$FAILED_STEPS" ] || echo "failed steps:$FAILED_STEPS"
echo "all: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ -z "$FAILED_STEPS" ]
