#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job, run in a guest by `make demo`: bring up Soft-RoCE, load
# sdp.ko and show what an operator sees through sdpctl.
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
show "$SDPCTL" stats
rmmod sdp
echo "demo: done"
