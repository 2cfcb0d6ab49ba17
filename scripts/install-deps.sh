#!/bin/sh
# Install every Debian package sdp needs to build, test and benchmark.
# Idempotent: safe to run again; CI runs it on every build.
set -eu

PKGS="
build-essential bc bison flex kmod libelf-dev pkg-config
linux-headers-amd64 linux-image-amd64
linux-headers-6.12-amd64 linux-image-6.12-amd64
sparse
qemu-system-x86 busybox-static cpio xz-utils
libnl-3-dev libnl-genl-3-dev libcmocka-dev
rdma-core ibverbs-providers ibverbs-utils rdmacm-utils perftest libibverbs-dev librdmacm-dev
iproute2 jq gojq qperf strace python3-yaml python3-jsonschema util-linux tshark
curl iperf3 redis-server redis-tools socat
systemd man-db dkms
debhelper dh-dkms lintian fakeroot dpkg-dev
linux-source-6.12 libssl-dev
"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi
