#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DKMS builds sdp.ko for every installed Debian kernel from what "make
# install-dkms" puts in /usr/src: dkms add, build and install, with the
# source, DKMS and install trees under build/dkms so that the host's
# /usr/src, /var/lib/dkms and /lib/modules stay as they are (dkms still
# makes its signing key in /var/lib/dkms once).  Each module DKMS built
# has the vermagic of its kernel and the srcversion of the one make builds
# from the same sources (the sdp-dkms package's modules, from the same
# dkms.conf, are the ones loaded in guests: tests/test-deb.sh).  Runs on
# the host, no VM; about a minute per kernel.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/vm/testlib.sh"

D=$TOP/build/dkms
rm -rf "$D"
mkdir -p "$D/tree" "$D/install"
SRC=$D/root/usr/src

sdp_section "make install-dkms DESTDIR=..."
expect_ok "make install-dkms" make -s -C "$TOP" install-dkms DESTDIR="$D/root"
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$SRC"/sdp-*/dkms.conf)
expect_eq "dkms.conf has the module's version, the tree its name" \
	"$(basename "$SRC"/sdp-*)" "sdp-$VER"
dk() { dkms "$@" -m sdp -v "$VER" --sourcetree "$SRC" --dkmstree "$D/tree"; }
expect_ok "dkms add" dk add

for b in /lib/modules/*/build; do
	k=$(basename "$(dirname "$b")")
	sdp_section "dkms build and install for $k"
	mkdir -p "$D/install/$k"
	expect_ok "dkms build" dk build -k "$k"
	expect_ok "dkms install" dk install -k "$k" --installtree "$D/install"
	# Compressed as the kernel's own modules are (6.12: sdp.ko.xz).
	ko=$(ls "$D/install/$k/updates/dkms/sdp.ko"* 2>/dev/null)
	expect_ok "the module is in updates/dkms" test -f "$ko"
	expect_eq "its vermagic is the kernel's" "$k" \
		"$(modinfo -F vermagic "$ko" | cut -d' ' -f1)"
	expect_eq "its sources are make's (srcversion)" \
		"$(modinfo -F srcversion "$TOP/build/$k/kmod/sdp.ko")" \
		"$(modinfo -F srcversion "$ko")"
done

sdp_test_summary dkms
