#!/bin/sh
# Generate uapi/linux/sdp.h from docs/netlink/specs/sdp.yaml with the
# kernel's own YNL generator, so that the header and the spec cannot drift.
#
#   scripts/ynl-gen.sh KSRC OUT     write the generated header to OUT
#
# KSRC is a kernel source tree with tools/net/ynl and the netlink schemas
# (make extracts one from Debian's linux-source-6.12). The generator wants
# the spec inside a tree with a MAINTAINERS file and the schema two levels
# above the spec, so a scratch tree is laid out for it.
set -eu

ksrc=$1
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/docs/netlink/specs"
touch "$tmp/MAINTAINERS"
cp "$top/docs/netlink/specs/sdp.yaml" "$tmp/docs/netlink/specs/"
cp "$ksrc/Documentation/netlink/genetlink-legacy.yaml" "$tmp/docs/netlink/"

/usr/bin/python3 "$ksrc/tools/net/ynl/ynl-gen-c.py" --mode uapi --header \
	--spec "$tmp/docs/netlink/specs/sdp.yaml" -o "$tmp/sdp.h"
cp "$tmp/sdp.h" "$out"
