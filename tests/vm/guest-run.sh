#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# PID 1 of the sdp test VM once initramfs-init.sh made the host's root (over
# 9p) the guest's root: runs the requested command, prints
# "SDP-VM-EXIT: <status>" and powers off.  The command and its environment
# come from /run/sdp-vm-run.conf and /run/sdp-vm-test.env (written by
# vm.sh, copied by initramfs-init.sh).

# shellcheck disable=SC1091 # exists only in the guest
. /run/sdp-vm-run.conf
# Kernel-initiated module loads (request_module: "ip link add ... type
# veth", crypto algorithms) run from this root: the real modprobe.
echo /sbin/modprobe >/proc/sys/kernel/modprobe

# shellcheck disable=SC2016 # $SDP_REPO and $@ expand in the command's sh
/usr/bin/env -i \
	PATH="$SDP_GUEST_PATH" HOME=/root TERM=dumb LANG=C.UTF-8 \
	SDP_VM=1 SDP_KVER="$SDP_KVER" SDP_REPO="$SDP_REPO" \
	SDP_BUILD_DIR="$SDP_BUILD_DIR" \
	/bin/sh -c '. /run/sdp-vm-test.env; cd "$SDP_REPO" || exit 125; exec "$@"' sdp-vm "$@" </dev/null
rc=$?

# Leading newline: the marker must start a line even if the command's last
# output line had no newline.
echo
echo "SDP-VM-EXIT: $rc"
"$SDP_BUSYBOX" poweroff -f
sleep 10 # poweroff -f should not return; never let PID 1 exit (panic)
