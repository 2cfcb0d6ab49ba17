#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make demo" and "make bench" on a machine where "make deps" never ran: no
# kernel headers under /lib/modules until their deps prerequisite installs
# them. Each target is dry-run (make -n) with an empty MODULES_DIR and, for
# deps, a stand-in that "installs" one kernel there (the leading + makes
# make -n run it). The target passes if the module is built for that kernel
# and the VM boots it: the kernel list was read after deps ran.
# Takes a second or two; runs on the host, no VM, no root.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/vm/testlib.sh"

FAKE=6.12.99-fresh-amd64
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# The stand-in for scripts/install-deps.sh: headers for one kernel, whose
# build directory builds nothing.
cat > "$TMP/deps.sh" <<EOF
mkdir -p "$TMP/modules/$FAKE/build"
printf 'modules:\n' > "$TMP/modules/$FAKE/build/Makefile"
EOF

for target in demo bench; do
	case $target in
	demo) guest=tests/vm/demo.sh ;;
	bench) guest=tests/bench/bench.sh ;;
	esac
	rm -rf "$TMP/modules"
	mkdir -p "$TMP/modules"
	sdp_run env -u MAKEFLAGS -u MFLAGS make -n --no-print-directory -C "$TOP" \
		MODULES_DIR="$TMP/modules" INSTALL_DEPS="+sh $TMP/deps.sh" "$target"
	# On failure, show only the lines that name the kernel.
	SDP_OUT=$(grep -e "$TMP/deps.sh" -e ' M=' -e 'vm\.sh' <<<"$SDP_OUT")
	if [ "$SDP_RC" -ne 0 ]; then
		sdp_fail "make $target on a fresh machine" "make -n exit $SDP_RC"
	elif ! grep -q -- "-C $TMP/modules/$FAKE/build M=" <<<"$SDP_OUT"; then
		sdp_fail "make $target on a fresh machine" \
			"sdp.ko is not built for $FAKE, installed by deps"
	# vm.sh's options (make bench: -t) come before the kernel.
	elif ! sed 's/^tests\/vm\/vm\.sh -t [0-9]* /tests\/vm\/vm.sh /' <<<"$SDP_OUT" |
		grep -qx -- "tests/vm/vm.sh $FAKE $TOP/$guest"; then
		sdp_fail "make $target on a fresh machine" \
			"the VM does not boot $FAKE, installed by deps"
	else
		sdp_pass "make $target on a fresh machine"
	fi
done

sdp_test_summary fresh-machine
