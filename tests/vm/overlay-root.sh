#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run a command in a mount namespace of its own where DIR/root is this
# machine's root filesystem with DIR/upper on top (overlayfs, DIR/work its
# work directory), with /proc, /sys and /dev mounted inside so that
# chroot DIR/root works.  Whatever the command writes below DIR/root
# lands in DIR/upper; the host's own files never change, and the mounts
# go away with the namespace.  tests/test-deb.sh installs the packages
# into such a root; tests/vm/vm.sh (SDP_VM_OVERLAY=DIR) boots a guest on it.
#
# usage: tests/vm/overlay-root.sh DIR CMD [ARGS...]   (as root)
set -eu

[ $# -ge 2 ] || { echo "usage: $0 DIR CMD [ARGS...]" >&2; exit 2; }
DIR=$(realpath -m -- "$1")
shift

if [ -z "${SDP_OVERLAY_NS:-}" ]; then
	mkdir -p "$DIR/upper" "$DIR/work" "$DIR/root"
	SDP_OVERLAY_NS=1 exec unshare -m --propagation private "$0" "$DIR" "$@"
fi
unset SDP_OVERLAY_NS
mount -t overlay sdp-root -o "lowerdir=/,upperdir=$DIR/upper,workdir=$DIR/work" "$DIR/root"
for m in proc sys dev; do
	mount --rbind "/$m" "$DIR/root/$m"
done
exec "$@"
