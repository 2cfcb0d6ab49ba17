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

# watchdog: two minutes before vm.sh kills the guest, say what every task
# waits on (the state and wait channel of each, the kernel stack of each
# blocked one), so that a run that hangs says where.  CI keeps only what
# vm.sh prints of the console ("sdp-vm: watchdog: " lines).
watchdog()
{
	limit=$((${SDP_VM_TIMEOUT:-900} - 120))
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$limit" ]; do sleep 5; done
	echo "sdp-vm: watchdog: still running at $limit s of $SDP_VM_TIMEOUT; tasks:"
	for d in /proc/[0-9]*; do
		read -r _ comm state _ <"$d/stat" 2>/dev/null || continue
		# Kernel threads (no executable) only if blocked.
		[ -e "$d/exe" ] || [ "$state" = D ] || continue
		echo "sdp-vm: watchdog: ${d#/proc/} $comm $state $(cat "$d/wchan" 2>/dev/null)"
		[ "$state" = D ] || continue
		sed "s|^|sdp-vm: watchdog:   ${d#/proc/} |" "$d/stack" 2>/dev/null
	done
}
watchdog &
WATCHDOG=$!

# shellcheck disable=SC2016 # $SDP_REPO and $@ expand in the command's sh
/usr/bin/env -i \
	PATH="$SDP_GUEST_PATH" HOME=/root TERM=dumb LANG=C.UTF-8 \
	SDP_VM=1 SDP_KVER="$SDP_KVER" SDP_REPO="$SDP_REPO" \
	SDP_BUILD_DIR="$SDP_BUILD_DIR" \
	/bin/sh -c '. /run/sdp-vm-test.env; cd "$SDP_REPO" || exit 125; exec "$@"' sdp-vm "$@" </dev/null
rc=$?
kill "$WATCHDOG" 2>/dev/null

# Leading newline: the marker must start a line even if the command's last
# output line had no newline.
echo
echo "SDP-VM-EXIT: $rc"
"$SDP_BUSYBOX" poweroff -f
sleep 10 # poweroff -f should not return; never let PID 1 exit (panic)
