#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job, run in a guest by `make demo`: bring up Soft-RoCE, load
# sdp.ko, move data over SDP with an unmodified SDP application (qperf's
# sdp_bw and sdp_lat open socket(27, SOCK_STREAM, 0)), and show what an
# operator sees through sdpctl.
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/vm/guest-rdma.sh"
SDPCTL=$TOP/sdpctl/sdpctl

show() { echo "# $*"; "$@"; echo; }

sdp_guest_rdma_up
rdma link show
insmod "$TOP/build/$SDP_KVER/kmod/sdp.ko"

show "$SDPCTL" info
show "$SDPCTL" map add action sdp role connect addr 198.18.0.0/24 port 5000-5010
show "$SDPCTL" map add action both role listen port 5201 program 'iperf*'
show "$SDPCTL" map list
show "$SDPCTL" map lookup addr 198.18.0.7 port 5005 role connect
show "$SDPCTL" map lookup addr 198.18.0.7 port 80 role connect
show "$SDPCTL" tune list

qperf --listen_port 19765 &
QPERF=$!
# qperf's control connection is TCP; wait for its listener.
for _ in $(seq 50); do ss -ltn | grep -q ':19765 ' && break; sleep 0.1; done
show timeout 120 qperf 198.18.0.1 --listen_port 19765 -t 3 -m 64K sdp_bw sdp_lat
kill "$QPERF"
wait "$QPERF" 2>/dev/null || true
show "$SDPCTL" stats
rmmod sdp
echo "demo: done"
