#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) the debug-tier kernel: Debian's linux-source-6.12 with
# tests/debug-kernel/config.fragment (KASAN, lockdep, kmemleak, UBSAN, debug
# objects, fault injection; everything built in) on top of `make defconfig`.
#
# usage: scripts/build-debug-kernel.sh            build if needed, print the dir
#        scripts/build-debug-kernel.sh --print-dir  print the dir; exit 1 if not built
#
# The result lives outside the checkout, so clean clones on the same machine
# (CI) share it:
#   ${SDP_DEBUG_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sdp/debug-kernel}/<key>/
#     bzImage      the kernel vm.sh boots (tests/vm/vm.sh debug ...)
#     linux/       the built tree: `make -C <dir>/linux M=... modules` (Module.symvers)
#     modroot/     lib/modules/<release>/ with modules.builtin*, for modprobe
#     release      `uname -r` of that kernel
#     build.log, build-seconds
# <key> hashes the config fragment, this script, the source tarball and the
# compiler version: changing any of them builds a new kernel; an unchanged
# key is reused. Concurrent runs for one key build it once (flock).
#
# Env: SDP_KSRC_TAR (default /usr/src/linux-source-6.12.tar.xz),
#      SDP_DEBUG_KERNEL_JOBS (make -j, default: number of CPUs).
# The build runs under `nice -n 10`. About 20-25 minutes on 2 cores.
set -eu

die() { echo "build-debug-kernel: $*" >&2; exit 2; }

SELF=$(realpath -e -- "$0")
REPO=$(cd "$(dirname "$SELF")/.." && pwd -P)
FRAG=$REPO/tests/debug-kernel/config.fragment
TAR=${SDP_KSRC_TAR:-/usr/src/linux-source-6.12.tar.xz}
CACHE=${SDP_DEBUG_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sdp/debug-kernel}
JOBS=${SDP_DEBUG_KERNEL_JOBS:-$(nproc)}

PRINT_ONLY=
case ${1:-} in
'') ;;
--print-dir) PRINT_ONLY=1 ;;
*) die "usage: $0 [--print-dir]" ;;
esac

[ -r "$FRAG" ] || die "$FRAG missing"
[ -r "$TAR" ] || die "$TAR missing: apt-get install linux-source-6.12 (make deps)"

# The tarball's digest costs about a second; its name, size and mtime would
# miss a rebuilt package with the same name.
KEY=$({
	echo "sdp debug kernel v1"
	sha256sum <"$FRAG"
	sha256sum <"$SELF"
	sha256sum <"$TAR"
	gcc --version | head -n 1
} | sha256sum | cut -c1-16)
DIR=$CACHE/$KEY

if [ -n "$PRINT_ONLY" ]; then
	echo "$DIR"
	[ -f "$DIR/.complete" ]
	exit
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock-$KEY"
if ! flock -n 9; then
	echo "build-debug-kernel: another build of $KEY runs; waiting for it" >&2
	flock 9
fi

if [ -f "$DIR/.complete" ]; then
	echo "build-debug-kernel: cached: $DIR ($(cat "$DIR/release"))" >&2
	echo "$DIR"
	exit 0
fi

# A directory without .complete is a build that died: start it over.
rm -rf "$DIR"
mkdir -p "$DIR/linux"
SRC=$DIR/linux
LOG=$DIR/build.log
start=$(date +%s)
echo "build-debug-kernel: building $DIR (log $LOG)" >&2

step() { # message: log it, on stderr too
	echo "build-debug-kernel: $*" >&2
	echo "=== $*" >>"$LOG"
}

step "extracting $TAR"
tar -xJf "$TAR" -C "$SRC" --strip-components=1

step "configuring: defconfig + $(basename "$FRAG")"
kmake() { nice -n 10 make -C "$SRC" "$@" >>"$LOG" 2>&1; }
kmake defconfig
# merge_config.sh -m: merge only (no olddefconfig yet); it warns about
# overridden values, which is the point of the fragment.
(cd "$SRC" && scripts/kconfig/merge_config.sh -m .config "$FRAG") >>"$LOG" 2>&1
kmake olddefconfig

# Every value the fragment sets (not the "is not set" trims) must survive.
missing=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	if ! grep -qxF -- "$line" "$SRC/.config"; then
		got=$(grep -E "^${line%%=*}=|^# ${line%%=*} is not set" "$SRC/.config" || echo "absent")
		echo "build-debug-kernel: required $line, .config has: $got" >&2
		missing=$((missing + 1))
	fi
done <"$FRAG"
[ "$missing" -eq 0 ] || die "$missing required option(s) lost by olddefconfig (dependencies?); see $FRAG"
cp "$SRC/.config" "$DIR/config"

step "make -j$JOBS bzImage modules (nice 10)"
kmake -j"$JOBS" bzImage modules || { tail -n 40 "$LOG" >&2; die "kernel build failed (log $LOG)"; }
[ -s "$SRC/Module.symvers" ] || die "no Module.symvers after the build"

# No loadable modules, but modprobe still wants modules.builtin(.bin) to
# answer "built in" instead of "not found": install the (empty) module tree
# and let depmod index it.
kmake INSTALL_MOD_PATH="$DIR/modroot" DEPMOD=/sbin/depmod modules_install
# Under make (make test), -C alone would print "Entering directory" here.
make -s --no-print-directory -C "$SRC" kernelrelease >"$DIR/release"
cp "$SRC/arch/x86/boot/bzImage" "$DIR/bzImage"
rel=$(cat "$DIR/release")
[ -f "$DIR/modroot/lib/modules/$rel/modules.builtin.bin" ] ||
	die "modules_install left no modules.builtin.bin for $rel"

echo $(($(date +%s) - start)) >"$DIR/build-seconds"
touch "$DIR/.complete"
echo "build-debug-kernel: built $rel in $(cat "$DIR/build-seconds")s: $DIR" >&2
echo "$DIR"
