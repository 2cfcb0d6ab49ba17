#!/bin/sh
# Generate, from docs/netlink/specs/sdp.yaml and with the kernel's own YNL
# generator (ynl-gen-c.py), every file the spec defines, so that they and
# the spec cannot drift:
#
#   uapi/linux/sdp.h      the uapi header         (--mode uapi --header)
#   kmod/netlink-gen.h    policies and ops table  (--mode kernel --header)
#   kmod/netlink-gen.c                            (--mode kernel --source)
#   libsdpctl/spec-names.h  the library's names  (scripts/gen-lib-names.py)
#   libsdpctl/spec-tables.h the library's attribute sets, policies and
#   libsdpctl/spec-tables.c the op -> set table  (scripts/gen-lib-spec.py)
#   tests/tools/sdp-nlfuzz-spec.h  the fuzzer's requests
#                                  (scripts/gen-fuzz-spec.py)
#
#   scripts/ynl-gen.sh KSRC DIR     write them under DIR (. = in place)
#
# KSRC is a kernel source tree with tools/net/ynl and the netlink schemas
# (make extracts one from Debian's linux-source-6.12). The generator wants
# the spec inside a tree with a MAINTAINERS file and the schema two levels
# above the spec, so a scratch tree is laid out for it; the file names it
# is given are the final ones, since it writes them into the output (the
# source includes "netlink-gen.h").
set -eu

ksrc=$1
dir=$2
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/docs/netlink/specs" "$tmp/uapi/linux" "$tmp/kmod"
touch "$tmp/MAINTAINERS"
cp "$top/docs/netlink/specs/sdp.yaml" "$tmp/docs/netlink/specs/"
cp "$ksrc/Documentation/netlink/genetlink-legacy.yaml" "$tmp/docs/netlink/"

gen() {
	/usr/bin/python3 "$ksrc/tools/net/ynl/ynl-gen-c.py" \
		--spec "$tmp/docs/netlink/specs/sdp.yaml" "$@"
}
gen --mode uapi --header -o "$tmp/uapi/linux/sdp.h"
gen --mode kernel --header -o "$tmp/kmod/netlink-gen.h"
gen --mode kernel --source -o "$tmp/kmod/netlink-gen.c"
mkdir -p "$tmp/libsdpctl"
/usr/bin/python3 "$top/scripts/gen-lib-names.py" \
	"$tmp/docs/netlink/specs/sdp.yaml" "$tmp/libsdpctl/spec-names.h"
/usr/bin/python3 "$top/scripts/gen-lib-spec.py" \
	"$tmp/docs/netlink/specs/sdp.yaml" "$tmp/libsdpctl/spec-tables.h" \
	"$tmp/libsdpctl/spec-tables.c"
mkdir -p "$tmp/tests/tools"
/usr/bin/python3 "$top/scripts/gen-fuzz-spec.py" \
	"$tmp/docs/netlink/specs/sdp.yaml" "$tmp/tests/tools/sdp-nlfuzz-spec.h"

for f in uapi/linux/sdp.h kmod/netlink-gen.h kmod/netlink-gen.c \
	 libsdpctl/spec-names.h libsdpctl/spec-tables.h libsdpctl/spec-tables.c \
	 tests/tools/sdp-nlfuzz-spec.h; do
	mkdir -p "$dir/$(dirname "$f")"
	cp "$tmp/$f" "$dir/$f"
done
