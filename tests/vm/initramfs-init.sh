#!/bin/sh
# PID 1 of the sdp test VM (busybox sh inside the initramfs built by vm.sh).
#
# Loads the 9p modules, mounts the host's root (shared read-only over
# virtio-9p) at /newroot, gives it fresh proc/sys/dev/tmp/run mounts and
# makes it the root (switch_root), where guest-run.sh runs the requested
# command, prints "SDP-VM-EXIT: <status>" and powers off. The command and
# its arguments come from /sdp-vm/run.conf, a shell fragment written per
# run by vm.sh (see there for its format).
#
# This file is an input of the cached initramfs: editing it triggers a rebuild.

PATH=/bin
export PATH

/bin/busybox mkdir -p /proc /sys /dev /newroot
/bin/busybox --install -s /bin
mount -t devtmpfs devtmpfs /dev
# The kernel may have started us without a console fd if /dev/console was
# missing; re-open it explicitly so every message reaches ttyS0.
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys

# Any failure of the harness itself still ends with a marker (status 125, as
# in env(1) for "could not run") so the host sees a clear verdict, not a hang.
die() {
	echo "sdp-vm-init: ERROR: $*"
	echo "SDP-VM-EXIT: 125"
	poweroff -f
	sleep 10 # poweroff -f should not return; never let PID 1 exit (panic)
}

[ -r /sdp-vm/run.conf ] || die "missing /sdp-vm/run.conf (per-run initramfs part)"
# shellcheck disable=SC1091 # written by vm.sh, exists only in the guest
# Defines SDP_KVER, SDP_REPO, SDP_BUILD_DIR, SDP_GUEST_PATH and sets "$@".
. /sdp-vm/run.conf

# Modules in dependency order (computed on the host from modules.dep).
while read -r ko; do
	insmod "/sdp-vm/modules/$ko" || die "insmod $ko failed"
done </sdp-vm/modules.order

# msize: bigger messages mean fewer round trips through the (slow, TCG) 9p
# transport. cache=loose: the export is read-only and does not change while
# the guest runs, so caching data and metadata in the guest is safe.
P9OPTS=ro,trans=virtio,version=9p2000.L,msize=262144,cache=loose

# The virtio-9p device is probed asynchronously with module load; retry.
mount9p() { # TAG DIR
	n=0
	until mount -t 9p -o "$P9OPTS" "$1" "$2" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -lt 50 ] || die "cannot mount 9p tag $1 on $2"
		sleep 0.1
	done
}

mount9p sdproot /newroot
R=/newroot
mount -t proc proc $R/proc || die "mount proc"
mount -t sysfs sysfs $R/sys || die "mount sysfs"
mount -t devtmpfs devtmpfs $R/dev || die "mount devtmpfs"
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts || die "mount devpts"
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm || die "mount /dev/shm"
mount -t tmpfs -o mode=1777 tmpfs $R/tmp || die "mount /tmp"
mount -t tmpfs -o mode=755 tmpfs $R/run || die "mount /run"
# The debug-tier kernel (vm.sh debug) has everything built in and no
# /lib/modules tree on the host: vm.sh ships its modules.builtin & co, put
# here so that modprobe of a built-in module succeeds as on a stock kernel.
if [ -d /sdp-vm/lib-modules ]; then
	mount -t tmpfs -o mode=755 tmpfs $R/lib/modules || die "mount /lib/modules"
	cp -a /sdp-vm/lib-modules/. $R/lib/modules/ || die "copy modules.builtin"
fi
# Handy for module debugging (dynamic debug, tracing); absent is not fatal.
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null || true

# The repo (and the build dir, if outside it) are exported separately and
# mounted at their host paths: if the clone lives under /tmp or /run the root
# export's copy is now hidden by the tmpfs mounts above.
mkdir -p "$R$SDP_REPO" 2>/dev/null
mount9p sdprepo "$R$SDP_REPO"
if [ -n "${SDP_BUILD_SHARED:-}" ]; then
	mkdir -p "$R$SDP_BUILD_DIR" 2>/dev/null
	mount9p sdpbuild "$R$SDP_BUILD_DIR"
fi

# Boot ran with "quiet" (console_loglevel 4). From here on, let everything up
# to KERN_INFO reach the console: WARN splats are KERN_WARNING and user
# "segfault at" reports are KERN_INFO, and both must show in the log.
echo 7 >/proc/sys/kernel/printk

echo "sdp-vm-init: kernel $(uname -r), running: $*"
# The host's SDP_TEST_* knobs ("export NAME='value'" lines from vm.sh).
cp /sdp-vm/test.env $R/run/sdp-vm-test.env 2>/dev/null || : >$R/run/sdp-vm-test.env
cp /sdp-vm/run.conf $R/run/sdp-vm-run.conf || die "copy run.conf"
# switch_root, not chroot: a chrooted process may not create a user
# namespace (test-twohost.sh's unprivileged control-plane check).  PID 1
# goes on in guest-run.sh, in the real root.
exec switch_root $R /bin/sh "$SDP_REPO/tests/vm/guest-run.sh"
