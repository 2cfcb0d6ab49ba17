#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two real hosts: two QEMU guests, each booting its own kernel with its own
# sdp.ko, joined by an e1000 NIC on each (a QEMU socket netdev over the
# host's loopback) with Soft-RoCE on it; both run tests/vm/test-twohost.sh,
# so each kernel connects to the other and accepts from it.  Guest A's
# frames are recorded (QEMU filter-dump) and decoded by tshark's
# InfiniBand and SDP dissectors, as evidence of the wire format that owes
# nothing to our code: every SDP message's BSDH (docs/protocol.md) is
# checked against the frame that carried it.
#
# usage: tests/vm/two-hosts.sh [KVER_A [KVER_B]]    (default: 6.1 6.12)
# Env: SDP_VM_SMP (default 1 here: two guests share the host's cores),
#      SDP_TEST_SEED (the transfers' random sizes; default random).
# Prints each guest's output, the capture's checks and
# "two-hosts: N passed, N failed"; exit status 0 only if all passed.
set -u

HERE=$(cd "$(dirname "$0")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
BUILD=${SDP_BUILD_DIR:-$REPO/build}
mkdir -p "$BUILD/vm"
A=${1:-6.1} B=${2:-6.12}
SEED=${SDP_TEST_SEED:-$RANDOM}
export SDP_VM_SMP=${SDP_VM_SMP:-1}
PCAP=$BUILD/vm/two-hosts.pcap
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1${2:+: $2}"; }

# Two UDP ports on the loopback, one per guest's end of the wire.
PA=$((20000 + RANDOM % 20000))
PB=$((PA + 1))
rm -f "$PCAP"
echo "=== booting $A (198.18.9.1) and $B (198.18.9.2), seed $SEED"
SDP_VM_NET="socket,udp=127.0.0.1:$PB,localaddr=127.0.0.1:$PA" \
	SDP_VM_MAC=52:54:00:5d:70:0a SDP_VM_PCAP=$PCAP \
	"$HERE/vm.sh" "$A" "$HERE/test-twohost.sh" 198.18.9.1 198.18.9.2 "$SEED" \
	> "$OUT/a" 2>&1 &
pa=$!
SDP_VM_NET="socket,udp=127.0.0.1:$PA,localaddr=127.0.0.1:$PB" \
	SDP_VM_MAC=52:54:00:5d:70:0b \
	"$HERE/vm.sh" "$B" "$HERE/test-twohost.sh" 198.18.9.2 198.18.9.1 \
	"$((SEED + 1))" > "$OUT/b" 2>&1 &
pb=$!
wait "$pa"
ra=$?
wait "$pb"
rb=$?

# Each guest's own count, and vm.sh's verdict (console scan included).
for g in a:$A:$ra b:$B:$rb; do
	IFS=: read -r f kver rc <<<"$g"
	echo "=== guest ${f^^} ($kver)"
	cat "$OUT/$f"
	counts=$(grep -Eo 'twohost-[^:]*: [0-9]+ passed, [0-9]+ failed' "$OUT/$f" | tail -n 1)
	p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$counts")
	n=$(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$counts")
	PASSED=$((PASSED + ${p:-0}))
	FAILED=$((FAILED + ${n:-0}))
	if [ "$rc" -ne 0 ] && [ "${n:-0}" -eq 0 ]; then
		fail "guest ${f^^} ($kver)" "vm.sh exit $rc"
	fi
done

echo "=== the wire, as tshark decodes guest A's capture"
# Each host sent sdp-xfer's three transfers of 16 MiB, 1 MiB, 16 MiB as
# client and again as server (test-twohost.sh), qperf's on top.
MIN_BYTES=$((2 * (16 + 1 + 16) << 20))
if ! command -v tshark > /dev/null; then
	fail "tshark installed" "run make deps"
elif [ ! -s "$PCAP" ]; then
	fail "a capture was written" "$PCAP"
else
	pass "a capture was written ($(stat -c %s "$PCAP") bytes)"
	python3 "$HERE/twohost_wire.py" "$PCAP" "$MIN_BYTES" > "$OUT/wire"
	rc=$?
	cat "$OUT/wire"
	p=$(grep -c '^ok - ' "$OUT/wire")
	n=$(grep -c '^FAIL - ' "$OUT/wire")
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + n))
	[ "$rc" -eq 0 ] || [ "$n" -gt 0 ] || fail "wire checks" "exit $rc"
fi

# Whole frames (tshark reads no payload from a cut one): ~300 MB, kept
# only when something failed.
[ "$FAILED" -ne 0 ] || rm -f "$PCAP"
echo "two-hosts: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
