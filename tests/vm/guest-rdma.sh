# shellcheck shell=sh
# RDMA (Soft-RoCE) setup for guest test scripts run by tests/vm/vm.sh.
# Source it; it only defines functions and defaults. Needs root, iproute2 and
# rdma-core's `rdma`. Only 198.18.0.0/15 (benchmarking range) addresses.
#
#   sdp_guest_rdma_up     rxe0 on dummy0 = 198.18.0.1/24 (loopback RDMA)
#   sdp_guest_veth_pair   rxe1/rxe2 on the two ends of a veth pair
#   sdp_guest_wait_rxe    wait for an rxe port to be ACTIVE
#   sdp_guest_rdma_counts RDMA objects per device, for before/after checks
#
# Functions print what fails on stderr and return non-zero; they are safe to
# call under `set -e`.

# Topology names and addresses; override before calling if needed.
: "${SDP_DUMMY_IF:=dummy0}" "${SDP_DUMMY_ADDR:=198.18.0.1}" "${SDP_RXE:=rxe0}"
: "${SDP_NS1:=sdpns1}" "${SDP_NS2:=sdpns2}"
: "${SDP_VETH1:=sdpveth1}" "${SDP_VETH2:=sdpveth2}"
: "${SDP_VETH1_ADDR:=198.18.1.1}" "${SDP_VETH2_ADDR:=198.18.1.2}"
: "${SDP_RXE1:=rxe1}" "${SDP_RXE2:=rxe2}"
# TCG guests are slow; rxe ports usually go ACTIVE within a second.
: "${SDP_RXE_WAIT_SECS:=20}"

_sdp_err() { echo "guest-rdma: $*" >&2; }

# Load the RDMA core and Soft-RoCE. crc32_generic first: without it adding an
# rxe device fails with "failed to init crc32 algorithm err:-2" (rxe asks the
# crypto API for "crc32", which is not autoloaded).
# One modprobe for all of them (-a): a process costs up to a second on the
# debug tier, where they are all built in.
sdp_guest_rdma_modules() {
	modprobe -a crc32_generic ib_core ib_uverbs rdma_cm rdma_ucm rdma_rxe ||
		{ _sdp_err "modprobe -a crc32_generic ib_core ib_uverbs rdma_cm rdma_ucm rdma_rxe failed"; return 1; }
}

# sdp_guest_wait_rxe RXE [SECS]: wait until `rdma link` shows port 1 ACTIVE.
sdp_guest_wait_rxe() {
	_n=$(( ${2:-$SDP_RXE_WAIT_SECS} * 10 ))
	while [ "$_n" -gt 0 ]; do
		case $(rdma link show "$1/1" 2>/dev/null) in
		*'state ACTIVE'*) return 0 ;;
		esac
		sdp_nap 0.1
		_n=$((_n - 1))
	done
	_sdp_err "$1 not ACTIVE after ${2:-$SDP_RXE_WAIT_SECS}s:"
	rdma link show "$1/1" >&2 || true
	return 1
}

# Loopback RDMA: rxe0 on dummy0 (198.18.0.1/24). rdma_cm connections to that
# address go through rxe's internal loopback; no NIC needed.
sdp_guest_rdma_up() {
	sdp_guest_rdma_modules || return 1
	ip link set lo up || return 1
	if ! ip link show "$SDP_DUMMY_IF" >/dev/null 2>&1; then
		ip link add "$SDP_DUMMY_IF" type dummy || { _sdp_err "cannot create $SDP_DUMMY_IF"; return 1; }
	fi
	ip addr replace "$SDP_DUMMY_ADDR/24" dev "$SDP_DUMMY_IF" || return 1
	ip link set "$SDP_DUMMY_IF" up || return 1
	if ! rdma link show "$SDP_RXE/1" >/dev/null 2>&1; then
		rdma link add "$SDP_RXE" type rxe netdev "$SDP_DUMMY_IF" ||
			{ _sdp_err "rdma link add $SDP_RXE on $SDP_DUMMY_IF failed"; return 1; }
	fi
	sdp_guest_wait_rxe "$SDP_RXE"
}

# Two RDMA devices joined by a real wire: a veth pair sdpveth1 (198.18.1.1/24,
# rxe1) <-> sdpveth2 (198.18.1.2/24, rxe2). RDMA and TCP traffic between the
# two addresses crosses the veth (visible in its counters, capturable).
#
# Both ends stay in the initial network namespace, on purpose: on 6.1 and
# 6.12, rdma_rxe opens its UDP/4791 socket and does its route lookups in
# init_net only (drivers/infiniband/sw/rxe/rxe_net.c), so an rxe device on a
# netdev inside another namespace comes up ACTIVE but never receives: rping
# between two namespaces times out (measured on 6.12).
#
# With both addresses local, the kernel would short-cut traffic between them
# through lo. Policy routing forces it onto the wire instead: locally
# generated packets (iif lo) to one end are routed out of the other end's
# veth; the "local" table moves after those rules so it still handles what
# arrives on the veth; accept_local lets a veth accept a packet whose source
# is a local address; rp_filter off for the same reason.
sdp_guest_veth_pair() {
	sdp_guest_rdma_modules || return 1
	# ip and tc run their commands in batches (-batch -): one process
	# each, where a process costs up to a second on the debug tier.
	ip -batch - <<EOF || { _sdp_err "cannot create veth pair $SDP_VETH1/$SDP_VETH2"; return 1; }
link set lo up
link add $SDP_VETH1 type veth peer name $SDP_VETH2
EOF
	# The effective rp_filter is the max of "all" and the interface's.
	echo 0 >/proc/sys/net/ipv4/conf/all/rp_filter || return 1
	for _i in "$SDP_VETH1" "$SDP_VETH2"; do
		echo 1 >"/proc/sys/net/ipv4/conf/$_i/accept_local" || return 1
		echo 0 >"/proc/sys/net/ipv4/conf/$_i/rp_filter" || return 1
	done
	ip -batch - <<EOF || return 1
addr add $SDP_VETH1_ADDR/24 dev $SDP_VETH1
addr add $SDP_VETH2_ADDR/24 dev $SDP_VETH2
link set $SDP_VETH1 up
link set $SDP_VETH2 up
EOF
	case $(ip rule show pref 100) in
	*'lookup local'*) ;;
	*)
		if ! ip -batch - <<EOF
rule add pref 100 lookup local
rule del pref 0 lookup local
EOF
		then
			_sdp_err "cannot move the local routing table rule"
			return 1
		fi
		;;
	esac
	if ! ip -batch - <<EOF
route add $SDP_VETH2_ADDR/32 dev $SDP_VETH1 src $SDP_VETH1_ADDR table 201
route add $SDP_VETH1_ADDR/32 dev $SDP_VETH2 src $SDP_VETH2_ADDR table 202
rule add pref 10 iif lo to $SDP_VETH2_ADDR lookup 201
rule add pref 11 iif lo to $SDP_VETH1_ADDR lookup 202
EOF
	then
		_sdp_err "cannot set up policy routing over the veth pair"
		return 1
	fi
	# Static neighbours: with both addresses local, the first ARP
	# resolution by rdma_cm completes only at its deadline (measured on
	# 6.1: the first SDP connect took the whole 10 s connect-timeout,
	# later ones 0.1 s), which would turn every first connect into a
	# timeout.
	if ! { read -r _m1 <"/sys/class/net/$SDP_VETH1/address" &&
		read -r _m2 <"/sys/class/net/$SDP_VETH2/address" &&
		ip -batch - <<EOF
neigh replace $SDP_VETH2_ADDR dev $SDP_VETH1 nud permanent lladdr $_m2
neigh replace $SDP_VETH1_ADDR dev $SDP_VETH2 nud permanent lladdr $_m1
EOF
	}; then
		_sdp_err "cannot set the veth pair's neighbours"
		return 1
	fi
	# The wire's loss is set with sdp_guest_wire_loss, which changes this
	# netem qdisc in place: adding or deleting a root qdisc on a live
	# wire swaps in noop_qdisc for a moment, and a packet rxe sends then
	# is dropped with NET_XMIT_CN, which rxe takes as a fatal send error
	# (the QP, or QP1 and with it every later CM exchange, goes to the
	# error state).  Installed before the devices exist, nothing is lost.
	tc -batch - <<EOF || { _sdp_err "cannot add netem to $SDP_VETH1 and $SDP_VETH2"; return 1; }
qdisc add dev $SDP_VETH1 root netem limit 100000 loss 0%
qdisc add dev $SDP_VETH2 root netem limit 100000 loss 0%
EOF
	for _p in "$SDP_RXE1:$SDP_VETH1" "$SDP_RXE2:$SDP_VETH2"; do
		rdma link add "${_p%%:*}" type rxe netdev "${_p#*:}" ||
			{ _sdp_err "rdma link add ${_p%%:*} on ${_p#*:} failed"; return 1; }
	done
	sdp_guest_wait_rxe "$SDP_RXE1" && sdp_guest_wait_rxe "$SDP_RXE2"
}

# sdp_guest_wire_loss PERCENT: the veth pair (both directions) drops that
# share of packets from now on.
sdp_guest_wire_loss() {
	tc -batch - <<EOF
qdisc change dev $SDP_VETH1 root netem limit 100000 loss $1%
qdisc change dev $SDP_VETH2 root netem limit 100000 loss $1%
EOF
}

# sdp_guest_rdma_counts DEV...: the RDMA objects (cm_id qp cq pd mr) on
# each device, as one comparable line ("rxe0:cm_id=0 rxe0:qp=1 ...").
# One listing per kind for all the devices, its lines counted by the shell
# (as grep -c "DEV[/ ]" would): on the debug tier every process costs up to
# a second, and this runs in the suites' polling loops.
sdp_guest_rdma_counts() {
	for _k in cm_id qp cq pd mr; do
		eval "_rc_$_k=\$(rdma resource show $_k)"
	done
	for _d in "$@"; do
		for _k in cm_id qp cq pd mr; do
			eval "_o=\$_rc_$_k"
			_n=0
			# shellcheck disable=SC2154 # _o: set by the eval above
			while IFS= read -r _l; do
				case $_l in *"$_d"/* | *"$_d "*) _n=$((_n + 1)) ;; esac
			done <<EOF
$_o
EOF
			printf '%s:%s=%s ' "$_d" "$_k" "$_n"
		done
	done
}

# sdp_guest_wait_listen PORT [SECS]: wait until an rdma_cm listener on PORT
# exists (so a client started next cannot race the server's setup).
sdp_guest_wait_listen() {
	_n=$(( ${2:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		rdma resource show cm_id 2>/dev/null | grep LISTEN | grep -q ":$1 " && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	_sdp_err "no rdma_cm listener on port $1 after ${2:-10}s"
	return 1
}

# sdp_guest_kmemleak_manual: on a kernel with kmemleak (the debug tier),
# turn off its automatic scans (a minute after boot, then every ten
# minutes): each takes a vCPU for 15 s or more under TCG, away from the
# suite.  The suites scan at their end (sdp_kmemleak_check in testlib.sh),
# which reports every object still unreferenced then, whether or not an
# automatic scan saw it before.  Elsewhere it does nothing.
sdp_guest_kmemleak_manual() {
	_f=/sys/kernel/debug/kmemleak
	[ -e "$_f" ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	[ -e "$_f" ] || return 0
	echo scan=off >"$_f" || _sdp_err "kmemleak: scan=off refused"
	return 0
}

# sdp_guest_verbs_rxe_only: in a vm.sh guest, libibverbs loads the rxe
# provider only (a tmpfs over /etc/libibverbs.d with its rxe.driver): the
# guest's devices are all Soft-RoCE, and loading the other 16 providers
# took each librdmacm program 3 s of its start on a loaded debug guest
# (ibv_devices: 4.4 s, 1.4 s with rxe alone).  Elsewhere it does nothing.
sdp_guest_verbs_rxe_only() {
	[ "${SDP_VM:-}" = 1 ] || return 0
	_v=/etc/libibverbs.d
	[ -f "$_v/rxe.driver" ] || return 0
	[ "$(ls "$_v")" = rxe.driver ] && return 0
	if ! { _drv=$(cat "$_v/rxe.driver") &&
		mount -t tmpfs -o mode=755 tmpfs "$_v" &&
		echo "$_drv" >"$_v/rxe.driver"; }; then
		_sdp_err "cannot limit libibverbs to rxe"
		return 1
	fi
}

# sdp_nap SECS: sleep SECS (fractions too), in bash without a process (a
# read that times out on a fifo nobody writes to), elsewhere sleep(1).
# On the debug tier a process costs up to a second of a loaded guest: a
# polling loop that runs sleep 0.1 takes that from what it waits for.
sdp_nap() {
	if [ -n "${BASH_VERSION:-}" ]; then
		if [ -z "${_sdp_nap_fd:-}" ]; then
			if ! { _f=$(mktemp -u /tmp/sdp-nap.XXXXXX) && mkfifo "$_f"; }; then
				sleep "$1"
				return 0
			fi
			# shellcheck disable=SC3022 # bash only
			exec {_sdp_nap_fd}<>"$_f"
			rm -f "$_f"
		fi
		# shellcheck disable=SC3045 # bash only
		read -r -t "$1" -u "$_sdp_nap_fd" _ || :
		return 0
	fi
	sleep "$1"
}
