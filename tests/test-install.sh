#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install and make uninstall into a staging DESTDIR: the files land
# where the README says, the module is in the staged tree's depmod index,
# the installed sdpctl runs and takes sdp-rules.conf(5)'s example, a
# program builds against the installed
# library through its pkg-config file and runs with it, sdp-run names the
# installed preload, and make uninstall leaves no file behind.
# Runs on the host, no VM, no root; a few seconds after the build.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/vm/testlib.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
D=$TMP/root
# The newest kernel with headers, the Makefile's default; sdp.ko is built.
KVER=$(basename "$(dirname "$(ls -d /lib/modules/*/build | sort -V | tail -n 1)")")
MULTIARCH=$(gcc -print-multiarch)

sdp_section "make install DESTDIR=... PREFIX=/usr (kernel $KVER)"
expect_ok "make install" make -s -C "$TOP" install DESTDIR="$D" PREFIX=/usr KVER="$KVER"

# Every file and link, relative to DESTDIR, but the depmod index.
cat > "$TMP/want" <<LIST
etc/modprobe.d/sdp.conf
lib/modules/$KVER/updates/sdp.ko
usr/bin/sdp-run
usr/include/libsdpctl/linux/sdp.h
usr/include/libsdpctl/sdpctl.h
usr/lib/systemd/system/sdp-rules.service
usr/lib/systemd/system/sdp-rules@.service
usr/lib/$MULTIARCH/sdp/libsdp.so
usr/lib/libsdpctl.a
usr/lib/libsdpctl.so
usr/lib/libsdpctl.so.2
usr/lib/libsdpctl.so.2.2.0
usr/lib/pkgconfig/libsdpctl.pc
usr/sbin/sdpctl
usr/share/bash-completion/completions/sdpctl
usr/share/man/man1/sdp-run.1
usr/share/man/man3/libsdpctl.3
usr/share/man/man5/sdp-rules.conf.5
usr/share/man/man8/sdpctl.8
LIST
installed() { (cd "$D" && find . ! -type d ! -path "./lib/modules/$KVER/modules.*" |
	sed 's|^\./||' | LC_ALL=C sort); }
expect_eq "the files installed" "$(LC_ALL=C sort "$TMP/want")" "$(installed)"
expect_match "depmod indexed it: modules.dep names updates/sdp.ko" \
	"^updates/sdp.ko:" cat "$D/lib/modules/$KVER/modules.dep"
expect_eq "the installed module is the one built" \
	"$(modinfo -F version "$TOP/build/$KVER/kmod/sdp.ko")" \
	"$(modinfo -F version "$D/lib/modules/$KVER/updates/sdp.ko")"
expect_eq "libsdpctl.so.2 -> libsdpctl.so.2.2.0" libsdpctl.so.2.2.0 \
	"$(readlink "$D/usr/lib/libsdpctl.so.2")"
expect_match "the library's soname" "SONAME +libsdpctl\\.so\\.2\$" \
	objdump -p "$D/usr/lib/libsdpctl.so.2.2.0"
expect_match "the installed sdpctl runs" "^sdpctl [0-9]" "$D/usr/sbin/sdpctl" --version
expect_match "sdp-run names the installed preload" \
	"^installed_lib='/usr/\\\$LIB/sdp/libsdp.so'" cat "$D/usr/bin/sdp-run"
expect_match "the .pc file has the prefix" "^prefix=/usr\$" \
	cat "$D/usr/lib/pkgconfig/libsdpctl.pc"
expect_eq "and the library's version, as sdpctl -V says it" \
	"sdpctl $(sed -n 's/^Version: //p' "$D/usr/lib/pkgconfig/libsdpctl.pc")" \
	"$("$D/usr/sbin/sdpctl" -V)"

# The units, as systemd-analyze verify sees them (any complaint fails,
# warnings included): their sdpctl the staged one, their man pages the
# staged ones, the template with an instance name.
mkdir -p "$TMP/units"
sed "s|/usr/sbin/sdpctl|$D/usr/sbin/sdpctl|" \
	"$D/usr/lib/systemd/system/sdp-rules.service" > "$TMP/units/sdp-rules.service"
sed "s|/usr/sbin/sdpctl|$D/usr/sbin/sdpctl|" \
	"$D/usr/lib/systemd/system/sdp-rules@.service" > "$TMP/units/sdp-rules@net1.service"
expect_match "the units run the installed sdpctl" \
	"^ExecReload=/usr/sbin/sdpctl map load /etc/sdp/rules.conf\$" \
	cat "$D/usr/lib/systemd/system/sdp-rules.service"
expect_eq "systemd-analyze verify: no complaint" "" \
	"$(cd "$TMP/units" && MANPATH=$D/usr/share/man systemd-analyze verify \
		./sdp-rules.service ./sdp-rules@net1.service 2>&1)"

# Bash completion, installed where bash-completion looks.  The tunable
# names come from the module (test-ctl checks them); none here.
COMP=$D/usr/share/bash-completion/completions/sdpctl
expect_eq "completion: commands" "conns info map monitor stats tune" \
	"$(sdp_complete "$COMP" "")"
expect_eq "completion: options" "--help --json --version -V -h -j" \
	"$(sdp_complete "$COMP" -)"
expect_eq "completion: map subcommands" "add" "$(sdp_complete "$COMP" map a)"
expect_eq "completion: an action" "both sdp tcp" \
	"$(sdp_complete "$COMP" -j map add action "")"
expect_eq "completion: the keywords left" "addr family port position program" \
	"$(sdp_complete "$COMP" map add action sdp role any "")"
expect_eq "completion: stats options" "--count --exact --help --interval --json --reset -h -j" \
	"$(sdp_complete "$COMP" stats -)"
expect_eq "completion: conns options" "--count --details --exact --help --interval --json -h -j" \
	"$(sdp_complete "$COMP" conns -)"
expect_match "completion: map load takes a file" "sdpctl" \
	sdp_complete "$COMP" map load "$D/usr/sbin/sd"

# sdp-rules.conf(5)'s example is a rule file sdpctl takes: map load checks
# a whole file before it looks for the module (exit 2 on a bad line, 3
# without the module), in a namespace of its own lest it replace this
# host's table where the module is loaded.
sdp_man_example "$D/usr/share/man/man5/sdp-rules.conf.5" > "$TMP/rules.conf"
rules_load() { unshare -rn "$D/usr/sbin/sdpctl" map load "$1"; }
expect_match "sdp-rules.conf(5)'s example has rules" "^action " cat "$TMP/rules.conf"
sdp_run rules_load "$TMP/rules.conf"
if [ "$SDP_RC" = 0 ] || [ "$SDP_RC" = 3 ]; then
	sdp_pass "sdp-rules.conf(5)'s example parses"
else
	sdp_fail "sdp-rules.conf(5)'s example parses" "exit $SDP_RC: $SDP_ERR"
fi
echo "action sdp port 99999" > "$TMP/bad.conf"
expect_fail "a bad rule file: exit 2 naming the line" 2 "line 1" \
	rules_load "$TMP/bad.conf"

# A program of a library user: built with what pkg-config says of the
# installed copy (sysroot: the staged tree), run with the installed .so.
cat > "$TMP/user.c" <<'C'
#include <stdio.h>
#include <sdpctl.h>
#include <linux/sdp.h>

int main(void)
{
	struct sdpctl_rule r;
	int err = sdpctl_rule_init(&r);

	printf("rule_init %d port_max %u af %d\n", err, r.port_max,
	       SDP_AF_INET_SDP);
	return err != 0;
}
C
PC="env PKG_CONFIG_PATH=$D/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D pkg-config"
expect_ok "a program builds against the installed library" \
	sh -c "gcc -o '$TMP/user' '$TMP/user.c' \$($PC --cflags --libs libsdpctl)"
expect_match "and runs with the installed .so" "^rule_init 0 port_max 65535 af 27\$" \
	env LD_LIBRARY_PATH="$D/usr/lib" "$TMP/user"
expect_match "the installed .so is the one it loaded" "$D/usr/lib/libsdpctl.so.2" \
	env LD_LIBRARY_PATH="$D/usr/lib" ldd "$TMP/user"
# libsdpctl(3)'s example builds too, and runs: exit 3 where the module is
# not loaded, else 0 (it adds a rule: in a namespace of its own).
sdp_man_example "$D/usr/share/man/man3/libsdpctl.3" > "$TMP/example.c"
expect_ok "libsdpctl(3)'s example builds" \
	sh -c "gcc -Wall -Werror -o '$TMP/example' '$TMP/example.c' \$($PC --cflags --libs libsdpctl)"
sdp_run unshare -rn env LD_LIBRARY_PATH="$D/usr/lib" "$TMP/example"
if [ "$SDP_RC" = 0 ] || { [ "$SDP_RC" = 3 ] && [ "$SDP_ERR" = "sdp module not loaded" ]; }; then
	sdp_pass "libsdpctl(3)'s example runs"
else
	sdp_fail "libsdpctl(3)'s example runs" "exit $SDP_RC: $SDP_ERR"
fi

sdp_section "make uninstall"
expect_ok "make uninstall" make -s -C "$TOP" uninstall DESTDIR="$D" PREFIX=/usr \
	KVER="$KVER"
expect_eq "no file left but the staged depmod index" "" "$(installed)"

sdp_test_summary install
