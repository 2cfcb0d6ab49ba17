#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The sdp.ko DKMS built for this kernel (tests/test-dkms.sh, under
# build/dkms) loads, reports its version, and carries a checksummed
# transfer both ways.  Run inside a guest by tests/vm/vm.sh.
set -u

# Compressed as the kernel's own modules are (6.12: sdp.ko.xz).
SDP_KO=$(ls "$(cd "$(dirname "$0")/../.." && pwd)/build/dkms/install/$SDP_KVER/updates/dkms/sdp.ko"*)
# Never the module make built, which testlib takes for an empty SDP_KO.
SDP_KO=${SDP_KO:-/no-dkms-build/sdp.ko}
. "$(dirname "$0")/testlib.sh"
sdp_suite_init dkms-load
XFER=$TOP/tests/tools/sdp-xfer

sdp_section "the DKMS-built module"
sdp_suite_rdma_up
expect_ok "it is there: $KO" test -f "$KO"
expect_ok "insmod" insmod "$KO"
expect_eq "sdpctl info: its version" "$(modinfo -F version "$KO")" \
	"$("$SDPCTL" -j info | jq -r .version)"
sdp_run_program lines "sdp-xfer, 4 MiB each way" "$XFER" "$ADDR" 7900 $((4 << 20))
expect_ok "rmmod" sdp_wait_until 10 rmmod sdp

sdp_test_summary "dkms-load-$SDP_KVER"
