#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages: dpkg-buildpackage -b builds sdp-dkms, libsdpctl2,
# libsdpctl-dev, sdpctl and sdp-preload from this tree; lintian finds
# nothing to warn about; libsdpctl2's symbols file is the library's
# versioned map; then dpkg -i installs them into an overlay of this
# machine's root (tests/vm/overlay-root.sh, under build/deb/overlay: the
# host's own files never change), where DKMS builds sdp.ko for both
# Debian kernels and a kernel update builds it again.  The guests of
# tests/vm/test-ctl.sh with SDP_TEST_INSTALLED=1 then boot on that root
# and run the control-plane suite with the installed files only.  Last,
# dpkg --purge in a copy of it leaves nothing behind.
# Runs on the host as root, no VM; about two minutes.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/vm/testlib.sh"

D=$TOP/build/deb
OVL=$D/overlay
rm -rf "$D"
mkdir -p "$D/src"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
VER=$(sed -n 's/^#define SDP_VERSION[[:space:]]*"\(.*\)"/\1/p' "$TOP/kmod/sdp.h")
PKGS="sdp-dkms libsdpctl2 libsdpctl-dev sdpctl sdp-preload"
ARCH=$(dpkg --print-architecture)
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

# deb PKG: the package's file.
deb()
{
	local a=$ARCH

	[ "$1" != sdp-dkms ] || a=all
	echo "$D/${1}_${VER}_$a.deb"
}

# in_root CMD...: CMD chrooted into the overlay root.
in_root() { "$TOP/tests/vm/overlay-root.sh" "$OVL" chroot "$OVL/root" "$@"; }

sdp_section "dpkg-buildpackage -b (version $VER)"
# The tree's files as they are, not its build products.
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$TOP" ls-files -z -co --exclude-standard |
		(cd "$TOP" && xargs -0 cp --parents -t "$D/src")
else
	(cd "$TOP" && tar --exclude=./build -cf - .) | tar -xf - -C "$D/src"
fi
expect_eq "debian/changelog has kmod/sdp.h's version" "$VER" \
	"$(cd "$D/src" && dpkg-parsechangelog -S Version)"
expect_ok "dpkg-buildpackage -b -us -uc" \
	sh -c "cd '$D/src' && dpkg-buildpackage -b -us -uc > '$D/build.log' 2>&1"
[ "$SDP_RC" = 0 ] || tail -n 30 "$D/build.log"
for p in $PKGS; do
	expect_ok "$p built" test -f "$(deb "$p")"
done
expect_match "the package build ran the unit tests" "^unit: [0-9]* passed, 0 failed" \
	cat "$D/build.log"

sdp_section "lintian"
expect_ok "no error, no warning" \
	lintian --fail-on error,warning "$D/sdp_${VER}_$ARCH.changes"

sdp_section "libsdpctl2's symbols file is the versioned map"
# The build already failed on any difference (DPKG_GENSYMBOLS_CHECK_LEVEL
# 4 in debian/rules); this shows that the check bites.
SYMS=$D/src/debian/libsdpctl2.symbols
gensym() # SYMBOLS_FILE
{
	(cd "$D/src" && dpkg-gensymbols -plibsdpctl2 -Pdebian/libsdpctl2 \
		-c4 -I"$1" -O"$TMP/symbols.out" -v"$VER")
}
expect_ok "the built library matches it" gensym "$SYMS"
grep -v ' sdpctl_open@' "$SYMS" > "$TMP/short.symbols"
expect_fail "a symbols file missing sdpctl_open fails" 2 "new symbols appeared" \
	gensym "$TMP/short.symbols"
expect_eq "its version nodes are the map's" \
	"$(sed -n 's/^\(LIBSDPCTL_[0-9.]*\) {.*/\1/p' "$TOP/libsdpctl/libsdpctl.map" | sort)" \
	"$(sed -n 's/^ \(LIBSDPCTL_[0-9.]*\)@.*/\1/p' "$SYMS" | sort)"

sdp_section "dpkg -i into an overlay of this machine's root"
debs=
for p in $PKGS; do debs="$debs $(deb "$p")"; done
# shellcheck disable=SC2086 # the file names
expect_ok "dpkg -i $PKGS" in_root dpkg -i $debs
echo "$SDP_OUT" | grep -E '^(Setting up|Building|Created symlink)'
for p in $PKGS; do
	expect_match "$p is installed" "^install ok installed" \
		in_root dpkg-query -W -f '${Status}\n' "$p"
done
# ko KVER: where DKMS installed the module for KVER (6.12: sdp.ko.xz),
# in the overlay's upper layer (/lib/modules, or /usr/lib/modules where
# /lib is a link to usr/lib).
ko() { ls "$OVL"/upper{,/usr}/lib/modules/"$1"/updates/dkms/sdp.ko* 2>/dev/null; }
for b in /lib/modules/*/build; do
	k=$(basename "$(dirname "$b")")
	expect_ok "DKMS built sdp.ko for $k" test -f "$(ko "$k")"
	expect_eq "its vermagic is $k's" "$k" \
		"$(modinfo -F vermagic "$(ko "$k")" | cut -d' ' -f1)"
	expect_match "depmod indexed it" "updates/dkms/sdp.ko" \
		in_root modinfo -k "$k" -n sdp
done
expect_ok "sdp-rules.service is enabled" \
	test -L "$OVL/upper/etc/systemd/system/multi-user.target.wants/sdp-rules.service"
expect_match "the installed sdpctl runs" "^Usage: sdpctl" in_root sdpctl --help
expect_match "sdp-run names the installed preload" \
	"='/usr/\\\$LIB/sdp/libsdp.so'\$" in_root grep '^installed_lib=' /usr/bin/sdp-run
expect_ok "the preload is where \$LIB finds it" \
	test -f "$OVL/upper/usr/lib/$MULTIARCH/sdp/libsdp.so"

# A kernel update: the kernel's postinst hook has DKMS build for it.
k=$(basename "$(dirname "$(ls -d /lib/modules/*/build | sort -V | head -n 1)")")
expect_ok "dkms remove for $k" in_root dkms remove sdp/"$VER" -k "$k"
expect_ok "and the module is gone" test -z "$(ko "$k")"
expect_ok "the kernel's postinst.d/dkms hook for $k" \
	in_root /etc/kernel/postinst.d/dkms "$k"
expect_ok "rebuilt sdp.ko for $k" test -f "$(ko "$k")"

# libsdpctl(3)'s example, built against libsdpctl-dev as a user would;
# the guests run it against the module.
mkdir -p "$OVL/upper/var/lib/sdp-test"
sdp_man_example "$OVL/upper/usr/share/man/man3/libsdpctl.3.gz" \
	> "$OVL/upper/var/lib/sdp-test/example.c"
expect_ok "libsdpctl(3)'s example builds with pkg-config" \
	in_root sh -c 'cd /var/lib/sdp-test && gcc -Wall -Werror -o example example.c $(pkg-config --cflags --libs libsdpctl)'
expect_match "and loads the installed libsdpctl.so.2" \
	"libsdpctl.so.2 => (/usr)?/lib/$MULTIARCH/libsdpctl.so.2 " \
	in_root ldd /var/lib/sdp-test/example

sdp_section "dpkg --purge (in a copy)"
P=$D/purged
mkdir -p "$P"
cp -a "$OVL/upper" "$P/upper"
# shellcheck disable=SC2086 # the package names
expect_ok "dpkg --purge" \
	"$TOP/tests/vm/overlay-root.sh" "$P" chroot "$P/root" dpkg --purge $PKGS
# What dpkg left in the upper layer that names us (overlayfs whiteouts,
# character devices, are files that went away).
left=$(cd "$P/upper" && find . -path '*sdp*' ! -type d ! -type c \
	! -path ./var/lib/sdp-test/\* | sort)
expect_eq "no file of ours left" "" "$left"

sdp_test_summary deb
