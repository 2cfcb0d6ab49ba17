#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sdp-run and libsdp.so on the host, where no sdp.ko answers protocol 253:
# test_preload under sdp-run (TCP keeps working, errno as from a plain
# socket(), the fallback and its memory), sdp-run's usage errors and exit
# status, the LD_PRELOAD it builds, and an installed copy whose $LIB path
# ld.so must resolve. Run by "make -C tests/unit run" after building
# test_preload and ../../preload/libsdp.so; no root, no module.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/vm/testlib.sh"

PRELOAD=$TOP/preload
SDP_RUN=$PRELOAD/sdp-run
LIB=$PRELOAD/libsdp.so
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
unset LD_PRELOAD

# expect_maps NAME PATTERN...: a shell started by sdp-run with the current
# environment has every PATTERN (grep -F) among the files it mapped.
expect_maps()
{
	local name=$1 p
	shift
	sdp_run "$SDP_RUN" sh -c 'cat /proc/$$/maps'
	for p in "$@"; do
		if ! grep -qF -- "$p" <<<"$SDP_OUT"; then
			SDP_OUT=
			sdp_fail "$name" "$p is not mapped"
			return
		fi
	done
	sdp_pass "$name"
}

sdp_run_program lines "test_preload under sdp-run" "$SDP_RUN" "$TOP/tests/unit/test_preload"

expect_fail "sdp-run without PROGRAM" 1 '^sdp-run: no PROGRAM given \(usage: ' "$SDP_RUN"
expect_eq "its error is one line on stderr, none on stdout" "1 0" \
	"$(wc -l <<<"$SDP_ERR") ${#SDP_OUT}"
expect_fail "sdp-run with an unknown option" 1 "^sdp-run: unknown option '-x'" \
	"$SDP_RUN" -x true
expect_fail "sdp-run -h" 0 '^usage: sdp-run \[-h\] \[--\] PROGRAM' "$SDP_RUN" -h
expect_fail "PROGRAM's exit status is sdp-run's" 7 '' "$SDP_RUN" sh -c 'exit 7'
expect_fail "-- ends the options" 0 '^-x$' "$SDP_RUN" -- echo -x
expect_fail "a PROGRAM not found" 127 'not found' "$SDP_RUN" sdp-run-no-such-program
touch "$TMP/not-executable"
expect_fail "a PROGRAM not executable" 126 'Permission denied' "$SDP_RUN" "$TMP/not-executable"

# From another directory, the library is still found, by an absolute path.
sdp_run env -C / "$SDP_RUN" printenv LD_PRELOAD
expect_eq "LD_PRELOAD is the library's absolute path" "$LIB" "$SDP_OUT"
expect_maps "the library is loaded" "$LIB"

# What the caller preloads stays preloaded, after libsdp.so.
export LD_PRELOAD=libcmocka.so.0
sdp_run "$SDP_RUN" printenv LD_PRELOAD
expect_eq "an existing LD_PRELOAD is kept" "$LIB libcmocka.so.0" "$SDP_OUT"
expect_maps "both libraries are loaded" "$LIB" libcmocka.so.0
unset LD_PRELOAD

# Installed under a prefix: sdp-run names $PREFIX/$LIB/sdp/libsdp.so and
# ld.so's expansion of $LIB must be the directory make install chose.
expect_ok "make install into a prefix" make -s -C "$PRELOAD" install PREFIX="$TMP/usr"
INSTALLED_LIB=$(find "$TMP/usr" -name libsdp.so)
# shellcheck disable=SC2016
sdp_run env -C / "$TMP/usr/bin/sdp-run" printenv LD_PRELOAD
expect_eq "the installed sdp-run preloads the \$LIB path" "$TMP/usr/\$LIB/sdp/libsdp.so" "$SDP_OUT"
SDP_RUN=$TMP/usr/bin/sdp-run
expect_maps "ld.so finds the installed library through \$LIB" "${INSTALLED_LIB:-none}"
rm -r "$TMP/usr/lib"
expect_fail "the installed sdp-run without its library" 1 \
	"^sdp-run: no libsdp.so next to sdp-run or at $TMP/usr/\\\$LIB/sdp/libsdp.so\$" \
	"$SDP_RUN" true

sdp_test_summary preload
