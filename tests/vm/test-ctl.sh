#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Control-plane integration test, run inside a guest by tests/vm/vm.sh:
# loads the real sdp.ko on top of ib_core/rdma_cm/rdma_rxe with a Soft-RoCE
# device up, and drives every sdpctl command, every kind of bad input (also
# sent raw, past sdpctl's own checks), permissions, netns isolation, events,
# and module unload/reload with rules present.
# With SDP_TEST_INSTALLED=1, in a guest on the root tests/test-deb.sh
# installed the Debian packages into, it uses the installed files only:
# sdpctl, the completion and the units from the packages, the module
# DKMS built; a section checks the packages' own parts (libsdpctl's
# example, sdp-run with socat).
set -u

. "$(dirname "$0")/testlib.sh"
sdp_suite_init test-ctl
NLRAW=$TOP/tests/tools/sdp-nlraw
CONNS_PY=$TOP/tests/vm/conns.py

sdpctl() { "$SDPCTL" "$@"; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# Raw requests name operations and attributes as the spec does (map-add,
# rule.family); sdp-nlraw looks their numbers up in uapi/linux/sdp.h.
# raw_add ATTR...: a map-add request whose rule nest holds ATTR...
raw_add() { "$NLRAW" map-add "nest:map.rule{" "$@" "}"; }

# installed_checks: the parts of the packages the rest does not use.
installed_checks()
{
	local port=7901 sent=$TMP/sent got=$TMP/got opens0 srv

	sdp_section "the installed packages"
	expect_eq "the module loaded is the one DKMS built" \
		"/lib/modules/$SDP_KVER/updates/dkms" "$(dirname "$(modinfo -n sdp)")"
	expect_eq "its version is sdp-dkms's" \
		"$(dpkg-query -W -f '${Version}' sdp-dkms)" "$(sdpctl -j info | jq -r .version)"
	expect_eq "the checkout's build products are out of sight" "" \
		"$(find "$TOP/build" "$TOP/sdpctl" "$TOP/libsdpctl" "$TOP/preload" -mindepth 1)"
	# tests/test-deb.sh built it with pkg-config against libsdpctl-dev.
	expect_match "libsdpctl(3)'s example, on libsdpctl.so.2" "^established: [0-9]+$" \
		/var/lib/sdp-test/example
	expect_jq "its rule is in the table" \
		'length == 1 and .[0].port_min == 6379 and .[0].action == "both"' \
		sdpctl -j map list
	expect_ok "map flush" sdpctl map flush

	# sdp-run from sdp-preload: socat's bytes over SDP, both ends.
	expect_ok "map add action sdp port $port" sdpctl map add action sdp port "$port"
	head -c $((1 << 20)) /dev/urandom > "$sent"
	opens0=$(sdp_stat conn_passive_opens)
	timeout 60 sdp-run socat -u "TCP-LISTEN:$port,bind=$ADDR" "CREATE:$got" &
	srv=$!
	expect_ok "sdp-run socat listens over SDP" sdp_wait_until 10 sdp_listeners "$port" 1
	expect_ok "sdp-run socat sends 1 MiB" \
		timeout 60 sdp-run socat -u "OPEN:$sent" "TCP:$ADDR:$port"
	wait "$srv"
	expect_eq "the listener exits" 0 "$?"
	expect_ok "what arrived is what was sent" cmp "$sent" "$got"
	expect_eq "one SDP connection accepted" $((opens0 + 1)) "$(sdp_stat conn_passive_opens)"
	expect_ok "map flush" sdpctl map flush
}

sdp_section "setup: RDMA stack and sdp.ko on $SDP_KVER"
sdp_suite_rdma_up
expect_fail "sdpctl without the module says so (exit 3)" 3 "not loaded|not found" \
	sdpctl info
if [ "${SDP_TEST_INSTALLED:-}" != 1 ]; then
	expect_ok "insmod sdp.ko" insmod "$KO"
else
	expect_ok "modprobe sdp, as sdp-rules.service does" modprobe sdp
	installed_checks
fi

sdp_section "info"
expect_jq "info: family 27, protocol 2.2, features" \
	'.af_inet_sdp == 27 and .proto_version == "2.2" and
	 (.features | index("map") and index("tune") and index("events"))' \
	sdpctl -j info
expect_ok "info: human output" sdpctl info
expect_eq "info: version equals modinfo" \
	"$(modinfo -F version "$KO")" "$(sdpctl -j info | jq -r .version)"

sdp_section "tunables"
sdp_run sdpctl tune list
expect_eq "tune list: a header and a row per tunable, each described, in 80 columns" \
	"|$(($(sdpctl -j tune list | jq length) + 1))|0" \
	"$(awk 'length > 80' <<<"$SDP_OUT")|$(grep -c '^[^ ]' <<<"$SDP_OUT")|$(awk \
	   'NR > 1 && /^[^ ]/ && prev ~ /^[^ ]/ && NR > 2 { n++ } { prev = $0 }
	    END { print n + 0 + (prev ~ /^[^ ]/) }' <<<"$SDP_OUT")"
expect_jq "tune list: every tunable at its default, inside its range" \
	'length >= 14 and all(.[]; .value == .default and .min <= .default
	 and .default <= .max and (.doc | length) > 0)' \
	sdpctl -j tune list
for t in rx-buffers rx-buffer-size tx-queue-depth inline-threshold \
	 zcopy-threshold keepalive-time recv-poll credit-update-threshold \
	 connect-timeout ack-timeout max-connections max-rules default-action \
	 debug-level fallback-timeout autocork; do
	expect_jq "tune get $t" ".name == \"$t\"" sdpctl -j tune get "$t"
done
expect_eq "bash completion offers the module's tunable names" \
	"$(sdpctl -j tune list | jq -r '.[].name' | LC_ALL=C sort | xargs)" \
	"$(sdp_complete "$SDP_COMPLETION" -j tune set "")"
expect_ok "tune set rx-buffers 128" sdpctl tune set rx-buffers 128
expect_jq "tune get shows the new value" '.value == 128' sdpctl -j tune get rx-buffers
expect_fail "tune set below min: EINVAL naming the tunable" 1 \
	"Invalid argument.*rx-buffers" sdpctl tune set rx-buffers 1
expect_fail "tune set above max" 1 "Invalid argument.*rx-buffers" \
	sdpctl tune set rx-buffers 1000000
expect_jq "rejected set leaves the value" '.value == 128' sdpctl -j tune get rx-buffers
expect_fail "tune set of an action to a number: a usage error" 2 \
	"rx-buffers takes a number \(unit buffers\), not an action" \
	sdpctl tune set rx-buffers both
printf 'tune debug-level 1\ntune rx-buffers both\n' > "$TMP/action.conf"
expect_fail "so in a rule file, naming the line" 2 \
	"action.conf: line 2: rx-buffers takes a number \(unit buffers\), not an action" \
	sdpctl map load "$TMP/action.conf"
expect_eq "the tunable set before it is put back" "128 0" \
	"$(sdpctl -j tune get rx-buffers | jq .value) $(sdpctl -j tune get debug-level | jq .value)"
expect_fail "tune set unknown name: ENOENT naming it" 1 "nosuch" \
	sdpctl tune set nosuch 1
expect_fail "tune get unknown name" 1 "nosuch" sdpctl tune get nosuch
expect_fail "tune set non-number: usage error, nothing sent" 2 "." \
	sdpctl tune set rx-buffers lots
expect_ok "tune set default-action by name" sdpctl tune set default-action both
expect_jq "default-action reads back as 3" '.value == 3' sdpctl -j tune get default-action
expect_ok "tune set default-action tcp" sdpctl tune set default-action tcp
expect_fail "raw tune-set without a value: names the missing attribute" 1 \
	"EINVAL.*value" "$NLRAW" tune-set "str:tunable.name=rx-buffers"
expect_fail "raw tune-get with an unknown attribute is rejected" 1 "EINVAL" \
	"$NLRAW" tune-get "str:tunable.name=rx-buffers" "u32:99=1"
expect_fail "raw tune-set with an overlong name" 1 "EINVAL" \
	"$NLRAW" tune-set "str:tunable.name=$(printf 'x%.0s' $(seq 40))" "u64:tunable.value=1"

sdp_section "rules"
expect_jq "map list starts empty" 'length == 0' sdpctl -j map list
expect_jq "map add connect rule" \
	'.action == "sdp" and .role == "connect" and .addr == "198.18.0.0"
	 and .prefix_len == 24 and .port_min == 5000 and .port_max == 5010' \
	sdpctl -j map add action sdp role connect addr 198.18.0.0/24 port 5000-5010
ID1=$(printf '%s' "$SDP_OUT" | jq -r .id)
expect_jq "map add listen rule with program, of both families" \
	'.program == "iperf*" and .family == "any" and .addr == ""' \
	sdpctl -j map add action both role listen addr any port 5201 program 'iperf*'
ID2=$(printf '%s' "$SDP_OUT" | jq -r .id)
expect_jq "map add inet6 rule" '.family == "inet6" and .prefix_len == 32' \
	sdpctl -j map add action sdp addr 2001:db8::/32 port any
ID3=$(printf '%s' "$SDP_OUT" | jq -r .id)
expect_jq "map add at position 0 goes first" '.position == 0' \
	sdpctl -j map add position 0 action tcp role connect addr 198.18.0.9/32 port 5000
ID0=$(printf '%s' "$SDP_OUT" | jq -r .id)
expect_jq "map list is in table order" \
	"[.[].id] == [$ID0, $ID1, $ID2, $ID3] and [.[].position] == [0, 1, 2, 3]" \
	sdpctl -j map list
expect_ok "map list human" sdpctl map list
expect_eq "human list has one line per rule" 4 "$(printf '%s\n' "$SDP_OUT" | grep -c 'hits')"
expect_fail "duplicate rule: EEXIST naming the existing id" 1 \
	"File exists.*$ID1" \
	sdpctl map add action tcp role connect addr 198.18.0.0/24 port 5000-5010
expect_fail "map add with host bits set: usage error" 2 "host bits|198.18.0.0/24" \
	sdpctl map add action sdp addr 198.18.0.1/24
expect_fail "map add without action: usage error" 2 "action" \
	sdpctl map add role connect addr 198.18.0.0/24
expect_fail "map add inverted ports: usage error" 2 "port" \
	sdpctl map add action sdp port 90-80
expect_fail "map add at a position past the end" 1 "position" \
	sdpctl map add position 99 action sdp port 1

sdp_section "rules: the kernel checks every attribute itself (raw requests)"
expect_fail "raw: missing action" 1 "EINVAL.*action" \
	raw_add "u16:rule.family=2"
expect_ok "raw: no family is both families" \
	raw_add "u32:rule.action=1" "u16:rule.port-min=7777" "u16:rule.port-max=7777"
expect_jq "raw: the rule has no family" \
	'[.[] | select(.port_min == 7777)] | length == 1 and .[0].family == "any"' \
	sdpctl -j map list
sdpctl map del action sdp port 7777
expect_fail "raw: addr without family" 1 "EINVAL.*addr.*family" \
	raw_add "u32:rule.action=1" "bin:rule.addr=c6120000"
expect_fail "raw: unknown family" 1 "EINVAL.*family" \
	raw_add "u16:rule.family=7" "u32:rule.action=1"
expect_fail "raw: unknown action is out of the policy range" 1 "ERANGE" \
	raw_add "u16:rule.family=2" "u32:rule.action=9"
expect_fail "raw: role 0 is out of the policy range" 1 "ERANGE" \
	raw_add "u16:rule.family=2" "u32:rule.action=1" "u32:rule.role=0"
expect_fail "raw: unknown role bits are out of the policy range" 1 "ERANGE" \
	raw_add "u16:rule.family=2" "u32:rule.action=1" "u32:rule.role=8"
expect_fail "raw: inverted port range" 1 "EINVAL.*port" \
	raw_add "u16:rule.family=2" "u32:rule.action=1" \
	"u16:rule.port-min=90" "u16:rule.port-max=80"
expect_fail "raw: prefix longer than an inet address" 1 "EINVAL.*prefix" \
	raw_add "u16:rule.family=2" "u32:rule.action=1" \
	"bin:rule.addr=c6120000" "u8:rule.prefix-len=33"
expect_fail "raw: prefix longer than an inet6 address is out of the policy range" 1 "ERANGE" \
	raw_add "u16:rule.family=10" "u32:rule.action=1" \
	"bin:rule.addr=20010db8000000000000000000000000" "u8:rule.prefix-len=129"
expect_fail "raw: inet address of 16 bytes" 1 "EINVAL.*addr" \
	raw_add "u16:rule.family=2" "u32:rule.action=1" \
	"bin:rule.addr=20010db8000000000000000000000000" "u8:rule.prefix-len=8"
expect_fail "raw: address of 5 bytes" 1 "EINVAL.*addr" \
	raw_add "u16:rule.family=2" "u32:rule.action=1" "bin:rule.addr=c612000001"
expect_fail "raw: host bits beyond the prefix" 1 "EINVAL.*(addr|prefix)" \
	raw_add "u16:rule.family=2" "u32:rule.action=1" \
	"bin:rule.addr=c6120001" "u8:rule.prefix-len=24"
expect_fail "raw: program pattern too long" 1 "EINVAL" \
	raw_add "u16:rule.family=2" "u32:rule.action=1" "str:rule.program=abcdefghijklmnopq"
expect_fail "raw: unknown attribute in the rule nest" 1 "EINVAL" \
	raw_add "u16:rule.family=2" "u32:rule.action=1" "u32:77=1"
expect_fail "raw: map-add without a rule" 1 "EINVAL.*rule" "$NLRAW" map-add
expect_fail "raw: map-get of an unknown id" 1 "ENOENT" \
	"$NLRAW" map-get "nest:map.rule{" "u32:rule.id=999999" "}"
expect_fail "raw: map-replace with one bad rule names its index" 1 "EINVAL.*rule\[1\]\.port-max" \
	"$NLRAW" map-replace \
	"nest:map.rule{" "u16:rule.family=2" "u32:rule.action=1" "u16:rule.port-min=1" "}" \
	"nest:map.rule{" "u16:rule.family=2" "u32:rule.action=1" \
	"u16:rule.port-min=90" "u16:rule.port-max=80" "}"
expect_jq "failed requests changed nothing" 'length == 4' sdpctl -j map list
expect_fail "raw: lookup with two roles" 1 "ERANGE" \
	"$NLRAW" map-lookup "u16:lookup.family=2" "bin:lookup.addr=c6120007" \
	"u16:lookup.port=5005" "u32:lookup.role=3"
expect_fail "raw: lookup without an address" 1 "EINVAL.*addr" \
	"$NLRAW" map-lookup "u16:lookup.family=2" "u16:lookup.port=5005" "u32:lookup.role=2"

sdp_section "lookup"
expect_jq "lookup hits the connect rule" ".action == \"sdp\" and .rule == $ID1" \
	sdpctl -j map lookup addr 198.18.0.7 port 5005 role connect
expect_jq "first match wins (position 0 rule)" ".action == \"tcp\" and .rule == $ID0" \
	sdpctl -j map lookup addr 198.18.0.9 port 5000 role connect
expect_jq "port outside the range: default" '.action == "tcp" and .rule == null' \
	sdpctl -j map lookup addr 198.18.0.7 port 6000 role connect
expect_jq "wrong role: default" '.rule == null' \
	sdpctl -j map lookup addr 198.18.0.7 port 5005 role listen
expect_jq "program pattern matches" ".action == \"both\" and .rule == $ID2" \
	sdpctl -j map lookup addr 198.18.0.1 port 5201 role listen program iperf3
expect_jq "program pattern does not match" '.rule == null' \
	sdpctl -j map lookup addr 198.18.0.1 port 5201 role listen program nc
expect_jq "inet6 lookup inside the prefix" ".action == \"sdp\" and .rule == $ID3" \
	sdpctl -j map lookup addr 2001:db8::1 port 80 role connect
expect_jq "inet6 lookup outside the prefix" '.rule == null' \
	sdpctl -j map lookup addr 2001:db9::1 port 80 role connect
expect_jq "a rule of no family decides an inet6 (dual-stack) listener" \
	".action == \"both\" and .rule == $ID2" \
	sdpctl -j map lookup addr :: port 5201 role listen program iperf3
expect_jq "a v4-mapped address is decided by the IPv4 rules" \
	".action == \"sdp\" and .rule == $ID1" \
	sdpctl -j map lookup addr ::ffff:198.18.0.7 port 5005 role connect
expect_ok "default-action both" sdpctl tune set default-action both
expect_jq "no match gives the default action" '.action == "both" and .rule == null' \
	sdpctl -j map lookup addr 198.18.5.5 port 1 role connect
sdpctl tune set default-action tcp
expect_ok "lookup human output" sdpctl map lookup addr 198.18.0.7 port 5005 role connect
expect_eq "lookup human line" "action sdp rule $ID1" "$SDP_OUT"
# hits count what the data path decided; a query (open to anyone) is none.
expect_jq "map lookup as root moved no rule's hits" \
	"length == 4 and all(.[]; .hits == 0)" sdpctl -j map list
expect_jq "unprivileged lookup answers with the connect rule" \
	".action == \"sdp\" and .rule == $ID1" \
	nobody "$SDPCTL" -j map lookup addr 198.18.0.7 port 5005 role connect
expect_jq "unprivileged lookup moved no hits either" \
	".id == $ID1 and .hits == 0" sdpctl -j map get "$ID1"
expect_jq "stats count map lookups" '.map_lookups >= 10' sdpctl -j stats

sdp_section "save, load, delete, flush"
sdpctl map save > "$TMP/saved"
expect_ok "map save" test -s "$TMP/saved"
sdpctl -j map list | jq -c '[.[] | del(.id, .hits)]' > "$TMP/before"
expect_jq "map flush reports the count" '.count == 4' sdpctl -j map flush
expect_ok "map load of the saved file" sdpctl map load "$TMP/saved"
expect_eq "save | load round-trips the table" "$(cat "$TMP/before")" \
	"$(sdpctl -j map list | jq -c '[.[] | del(.id, .hits)]')"
printf '# comment\naction sdp port 7000\n\naction tcp port 7001 bogus 1\n' > "$TMP/bad"
expect_fail "load with a bad line names the line" 2 "line 4" sdpctl map load "$TMP/bad"
expect_eq "a bad file changes nothing" "$(cat "$TMP/before")" \
	"$(sdpctl -j map list | jq -c '[.[] | del(.id, .hits)]')"
printf 'action sdp port 7000\naction tcp port 7000\n' > "$TMP/dup"
expect_fail "load rejected by the kernel (duplicate) changes nothing" 1 "." \
	sdpctl map load "$TMP/dup"
expect_eq "kernel rejection changes nothing" "$(cat "$TMP/before")" \
	"$(sdpctl -j map list | jq -c '[.[] | del(.id, .hits)]')"
printf 'log min-level 9 destination stderr\nuse sdp connect * 198.18.0.0/16:*\nuse tcp server ttcp* *:22-25\nuse both client * [2001:db8::]/32:80\n' > "$TMP/libsdp.conf"
expect_ok "load a libsdp.conf file" sdpctl map load "$TMP/libsdp.conf"
expect_jq "libsdp rules arrive in order" \
	'length == 3 and .[0].action == "sdp" and .[0].role == "connect" and
	 .[1].program == "ttcp*" and .[1].port_min == 22 and .[1].port_max == 25
	 and .[1].role == "listen" and .[2].family == "inet6"' sdpctl -j map list
FIRST=$(sdpctl -j map list | jq -r '.[0].id')
expect_ok "map del by id" sdpctl map del "$FIRST"
expect_fail "map del of a gone id: ENOENT" 1 "No such" sdpctl map del "$FIRST"
expect_ok "map del by exact match" sdpctl map del action tcp role listen program 'ttcp*' port 22-25
expect_jq "one rule left" 'length == 1' sdpctl -j map list
expect_fail "map del by match of no rule" 1 "No such" sdpctl map del action tcp port 9

sdp_section "bounds"
expect_ok "max-rules 2" sdpctl tune set max-rules 2
expect_ok "second rule fits" sdpctl map add action sdp port 1
expect_fail "third rule: ENOSPC naming max-rules" 1 "max-rules" sdpctl map add action sdp port 2
expect_fail "max-rules below the rule count: EBUSY" 1 "max-rules" sdpctl tune set max-rules 1
printf 'action sdp port 1\naction sdp port 2\naction sdp port 3\n' > "$TMP/three"
expect_fail "map load over max-rules changes nothing" 1 "max-rules" sdpctl map load "$TMP/three"
expect_jq "still two rules" 'length == 2' sdpctl -j map list
sdpctl map flush >/dev/null
sdpctl tune set max-rules 1024

sdp_section "stats"
expect_jq "stats: every counter present" \
	'has("conn_active_opens") and has("conn_current") and has("tx_bytes")
	 and (.tx_msgs | has("data") and has("hello")) and (.rx_msgs | has("abort"))
	 and has("credit_stalls") and has("proto_errors") and has("fallback_tcp")
	 and has("mem_refused") and has("half_open_expired")
	 and has("local_qp_errors") and has("reset_time")' sdpctl -j stats
expect_ok "stats human" sdpctl stats
expect_ok "stats --reset" sdpctl stats --reset
expect_jq "reset zeroes the counters" '.map_lookups == 0 and .reset_time < 5' sdpctl -j stats
# Rates: lookups asked in a loop move map_lookups' rate, nothing else
# moves; three JSON lines, then a header and two lines of text.
( while :; do "$SDPCTL" map lookup addr 198.18.0.1 port 80 role connect; done \
	>/dev/null 2>&1 ) &
LOOKUPS=$!
sdp_run "$SDPCTL" -j stats --interval 1 --count 3
kill "$LOOKUPS"
wait "$LOOKUPS" 2>/dev/null
expect_eq "stats --interval --count 3: three JSON lines" 3 "$(wc -l <<<"$SDP_OUT")"
# A process takes up to a second to start on the debug tier: lookups are
# looked for over the three seconds, not in each.
expect_jq "a second of rates each: lookups moved, bytes did not" \
	'all(.[]; .interval > 0.9 and .interval < 5 and .rates.tx_bytes == 0
	     and .rates.tx_msgs == 0 and .conn_current == 0)
	 and ([.[].rates.map_lookups] | add > 0)' \
	jq -s . <<<"$SDP_OUT"
sdp_run sdpctl stats -i 0.2 -c 2
expect_eq "stats -i 0.2 -c 2: a header, then two lines of rates, all 0" \
	"1 header, 2 rates" \
	"$(grep -Ec '^ +tx B/s +rx B/s .* open$' <<<"$SDP_OUT") header, $(grep -Ec '^( +0){8}$' <<<"$SDP_OUT") rates"

sdp_section "conns: the table, and each socket's rates"
# A connection moving 16 KiB every 0.1 s from the client to the
# accepted end, until $TMP/stop exists.
cat > "$TMP/flow.py" <<'PYEOF'
import os, sys, time
sys.path.insert(0, sys.argv[4])
from sdpsock import sdp_pair
ls, c, a = sdp_pair(sys.argv[1], int(sys.argv[2]), 1)
open(sys.argv[3] + ".ready", "w").close()
while not os.path.exists(sys.argv[3]):
    c.sendall(b"z" * 16384)
    got = 0
    while got < 16384:
        got += len(a.recv(65536))
    time.sleep(0.1)
PYEOF
FLOW_PORT=7450
timeout 120 python3 "$TMP/flow.py" "$ADDR" "$FLOW_PORT" "$TMP/stop" "$TOP/tests/vm" &
FLOW=$!
expect_ok "a connection moving bytes" sdp_wait_until 30 test -e "$TMP/stop.ready"
sdp_run sdpctl conns
expect_eq "conns: listener, client and accepted end, header first" \
	"STATE VIA LOCAL PEER SEND-Q RECV-Q TX RX|3" \
	"$(head -n 1 <<<"$SDP_OUT" | xargs)|$(grep -c " sdp " <<<"$SDP_OUT")"
expect_eq "the table fits 80 columns" "" "$(awk 'length > 80' <<<"$SDP_OUT")"
expect_match "--details adds credits, owner and ids" "PAGES +UID +INODE +COOKIE$" \
	sdpctl conns --details
sdp_run sdpctl -j conns --interval 1 --count 2
expect_eq "conns --interval 1 --count 2 -j: two JSON lines" 2 "$(wc -l <<<"$SDP_OUT")"
expect_jq "the client sends, the accepted end receives, the listener idles" \
	"all(.[]; .interval > 0.9 and .interval < 5 and
	     ([.conns[] | select(.remote_port == $FLOW_PORT)] | .[0].rates.tx_bytes > 0) and
	     ([.conns[] | select(.local_port == $FLOW_PORT and .remote_port != null)] |
	      .[0].rates.rx_bytes > 0) and
	     ([.conns[] | select(.state == \"listen\")] | .[0].rates ==
	      {tx_bytes: 0, rx_bytes: 0}))" jq -s . <<<"$SDP_OUT"
sdp_run sdpctl conns -i 0.3 -c 2
expect_eq "conns -i 0.3 -c 2: two tables of rates, an empty line between" \
	"2 headers, 1 empty" \
	"$(grep -c 'TX/s RX/s$' <<<"$SDP_OUT") headers, $(grep -c '^$' <<<"$SDP_OUT") empty"
touch "$TMP/stop"
wait "$FLOW"
expect_eq "the connection ends, its helper exits 0" 0 "$?"
expect_ok "and leaves the listing" sdp_wait_until 30 sdp_conns_empty

sdp_section "permissions: reads are open, changes need CAP_NET_ADMIN"
expect_ok "unprivileged info" nobody "$SDPCTL" info
expect_ok "unprivileged map list" nobody "$SDPCTL" map list
expect_ok "unprivileged tune list" nobody "$SDPCTL" tune list
expect_ok "unprivileged stats" nobody "$SDPCTL" stats
expect_ok "unprivileged lookup" nobody "$SDPCTL" map lookup addr 198.18.0.1 port 1 role connect
expect_fail "unprivileged map add: EPERM, exit 4" 4 "Operation not permitted" \
	nobody "$SDPCTL" map add action sdp port 1
expect_fail "unprivileged map flush" 4 "Operation not permitted" nobody "$SDPCTL" map flush
expect_fail "unprivileged tune set" 4 "Operation not permitted" \
	nobody "$SDPCTL" tune set debug-level 1
expect_fail "unprivileged stats reset" 4 "Operation not permitted" \
	nobody "$SDPCTL" stats --reset
expect_fail "unprivileged raw map-replace" 1 "EPERM" nobody "$NLRAW" map-replace
expect_jq "nothing changed" 'length == 0' sdpctl -j map list

sdp_section "user namespaces: their root administers their own netns only"
# The root of a user namespace (here made by nobody) administers the
# network namespaces that namespace owns (GENL_UNS_ADMIN_PERM), and
# nothing of the initial namespace's.
userns() { nobody unshare -U -r "$@"; }
rxbufs=$(sdpctl -j tune get rx-buffers | jq .value)
expect_ok "userns root, own netns: map add, tune set, map list" userns -n \
	sh -c "$SDPCTL map add action sdp port 5201 && $SDPCTL tune set rx-buffers 8 &&
		$SDPCTL -j map list | jq -e 'length == 1 and .[0].port_min == 5201'"
expect_fail "userns root, initial netns: map add is EPERM" 4 \
	"Operation not permitted" userns "$SDPCTL" map add action sdp port 5202
expect_fail "userns root, initial netns: tune set is EPERM" 4 \
	"Operation not permitted" userns "$SDPCTL" tune set rx-buffers 8
expect_ok "userns root, initial netns: reads are open" userns "$SDPCTL" stats
expect_jq "initial netns: rx-buffers unchanged" ".value == $rxbufs" \
	sdpctl -j tune get rx-buffers
expect_jq "initial netns: still no rule" 'length == 0' sdpctl -j map list

sdp_section "network namespaces are isolated"
ip netns add sdpt1
inns() { ip netns exec sdpt1 "$@"; }
expect_ok "rule in the init netns" sdpctl map add action sdp port 4000
expect_jq "a new netns starts with no rules" 'length == 0' inns "$SDPCTL" -j map list
expect_ok "rule in netns sdpt1" inns "$SDPCTL" map add action tcp port 4001
expect_ok "tunable in netns sdpt1" inns "$SDPCTL" tune set max-rules 7
expect_jq "init netns sees only its rule" 'length == 1 and .[0].port_min == 4000' sdpctl -j map list
expect_jq "sdpt1 sees only its rule" 'length == 1 and .[0].port_min == 4001' \
	inns "$SDPCTL" -j map list
expect_jq "init netns tunable unchanged" '.value == 1024' sdpctl -j tune get max-rules
expect_jq "sdpt1 tunable changed" '.value == 7' inns "$SDPCTL" -j tune get max-rules
expect_jq "lookup in sdpt1 uses sdpt1 rules" '.action == "tcp" and .rule != null' \
	inns "$SDPCTL" -j map lookup addr 198.18.0.1 port 4001 role connect
expect_jq "stats are per netns" '.map_lookups == 1' inns "$SDPCTL" -j stats

sdp_section "the sdp-rules units' commands"
# What systemd runs for sdp-rules.service and sdp-rules@sdpt1.service
# (etc/systemd/, or the installed units; tests/test-install.sh verifies
# the units themselves): their sdpctl $SDPCTL, their /etc/sdp file one of
# ours.  The module is loaded already (their ExecStartPre modprobes it).
UNIT_SRC=$TOP/etc/systemd/%s.in
[ "${SDP_TEST_INSTALLED:-}" != 1 ] || UNIT_SRC=/lib/systemd/system/%s
# unit_cmd UNIT KEY INSTANCE FILE: the command line of the unit's KEY=.
unit_cmd()
{
	# shellcheck disable=SC2059 # the format is UNIT_SRC
	sed -n "s|^$2=||p" "$(printf "$UNIT_SRC" "$1")" |
		sed -e "s|@SBINDIR@/sdpctl|$SDPCTL|" \
		-e "s|%i|$3|g" -e "s|/etc/sdp/[^ ]*\.conf|$4|"
}
printf 'action sdp port 4300\naction tcp port 4301 # comment\n' > "$TMP/rules.conf"
# shellcheck disable=SC2046 # the command's words
expect_ok "ExecStart loads the file" \
	$(unit_cmd sdp-rules.service ExecStart "" "$TMP/rules.conf")
expect_jq "the file is the table, in its order" \
	'length == 2 and .[0].port_min == 4300 and .[1].action == "tcp"' sdpctl -j map list
printf 'action sdp port 4302\naction tcp port 70000\n' > "$TMP/rules.conf"
# shellcheck disable=SC2046
expect_fail "ExecReload of a bad file: exit 2, naming the line" 2 "line 2" \
	$(unit_cmd sdp-rules.service ExecReload "" "$TMP/rules.conf")
expect_jq "and the table stays as it was" 'length == 2 and .[0].port_min == 4300' \
	sdpctl -j map list
# tune lines: set before the rules; a refusal puts back what was set.
printf 'tune rx-buffers 24\naction sdp port 4303\ntune default-action both\n' \
	> "$TMP/rules.conf"
# shellcheck disable=SC2046
expect_match "ExecReload of a file with tunables" "^loaded 1 rule, set 2 tunables$" \
	$(unit_cmd sdp-rules.service ExecReload "" "$TMP/rules.conf")
# default-action both reads back as 3.
expect_eq "its tunables are set, its rule the table" "24 3 4303" \
	"$(sdpctl -j tune get rx-buffers | jq .value) $(sdpctl -j tune get default-action |
	   jq .value) $(sdpctl -j map list | jq '.[0].port_min')"
printf 'tune rx-buffers 32\ntune max-connections 0\naction sdp port 4304\n' \
	> "$TMP/rules.conf"
# shellcheck disable=SC2046
expect_fail "a tunable the kernel refuses: exit 1, naming the line" 1 \
	"line 2: .*max-connections" \
	$(unit_cmd sdp-rules.service ExecReload "" "$TMP/rules.conf")
expect_eq "the tunable set before it is put back, the table kept" "24 4303" \
	"$(sdpctl -j tune get rx-buffers | jq .value) $(sdpctl -j map list | jq '.[0].port_min')"
printf 'tune rx-buffers 32\ntune max-rules 1\naction sdp port 4305\naction sdp port 4306\n' \
	> "$TMP/rules.conf"
# shellcheck disable=SC2046
expect_fail "rules the kernel refuses after the tunables" 1 "max-rules" \
	$(unit_cmd sdp-rules.service ExecReload "" "$TMP/rules.conf")
expect_eq "put back: rx-buffers, max-rules and the table" "24 1024 4303" \
	"$(sdpctl -j tune get rx-buffers | jq .value) $(sdpctl -j tune get max-rules |
	   jq .value) $(sdpctl -j map list | jq '.[0].port_min')"
sdpctl tune set rx-buffers "$(sdpctl -j tune get rx-buffers | jq .default)" >/dev/null
sdpctl tune set default-action tcp >/dev/null
printf 'action both port 4310\n' > "$TMP/net.conf"
# shellcheck disable=SC2046
expect_ok "the template's ExecStart in netns sdpt1" \
	inns $(unit_cmd sdp-rules@.service ExecStart sdpt1 "$TMP/net.conf")
expect_jq "sdpt1's table is its file" 'length == 1 and .[0].port_min == 4310' \
	inns "$SDPCTL" -j map list
expect_jq "the initial namespace's table is untouched" \
	'length == 1 and .[0].port_min == 4303' sdpctl -j map list
sdpctl map flush >/dev/null
inns "$SDPCTL" map flush >/dev/null

sdp_section "events"
sdpctl -j monitor --count 5 > "$TMP/events" 2>"$TMP/events.err" &
MON=$!
inns "$SDPCTL" -j monitor --count 1 > "$TMP/events-ns" 2>&1 &
MONNS=$!
sleep 1
sdpctl map add action sdp port 4100 >/dev/null
sdpctl tune set debug-level 1 >/dev/null
sdpctl map del action sdp port 4100 >/dev/null
printf 'action sdp port 1\naction sdp port 2\n' | sdpctl map load - >/dev/null
sdpctl map flush >/dev/null
wait "$MON"
expect_eq "monitor exits after --count events" 0 "$?"
expect_eq "events arrive in order" "map-add tune-set map-del map-replace map-flush" \
	"$(jq -r .event < "$TMP/events" | tr '\n' ' ' | sed 's/ $//')"
expect_ok "map-add event carries the rule" \
	jq -se 'map(select(.event == "map-add"))[0].rule.port_min == 4100' "$TMP/events"
expect_ok "tune-set event carries name and value" \
	jq -se 'map(select(.event == "tune-set"))[0] | .name == "debug-level" and .value == 1' "$TMP/events"
expect_ok "map-replace event carries the count" \
	jq -se 'map(select(.event == "map-replace"))[0].count == 2' "$TMP/events"
sdpctl tune set debug-level 0 >/dev/null
sleep 0.5
expect_eq "a monitor in another netns saw nothing of these" "" "$(cat "$TMP/events-ns")"
kill "$MONNS" 2>/dev/null
wait "$MONNS" 2>/dev/null
sdpctl monitor --count 1 > "$TMP/events-human" &
MON=$!
sleep 1
sdpctl stats --reset
wait "$MON"
expect_eq "human monitor line for stats-reset" "stats-reset" "$(cat "$TMP/events-human")"

sdp_section "conns: many sockets, one dump in many parts"
# Listeners only: no QP or buffers, so thousands are cheap even under TCG.
# One conn message is over 100 bytes and a dump part at most 32 KiB, so
# STEADY sockets need well over STEADY / 300 parts (checked, not assumed).
STEADY=1500 CHURN=1500 SPORT=20000 CPORT=30000 MIN_DUMPS=3 MAX_DUMPS=100
# The debug tier opens fewer (3 min of its CI for 1500+1500); 600 still
# take several parts, and every check stays.
[ "$SDP_KVER" != debug ] || STEADY=600 CHURN=600
echo "$STEADY steady listeners, $CHURN churning"
# conns_ready FILE: conns.py wrote FILE (all its listeners are open).
conns_ready() { sdp_wait_until 180 test -s "$1"; }
STEADY_PORTS="[range($SPORT; $SPORT + $STEADY)]"
rm -f "$TMP/ready" "$TMP/stop"
python3 "$CONNS_PY" listen "$ADDR" "$TMP/ready" "$TMP/stop" $SPORT $STEADY \
	> "$TMP/listen.out" 2>&1 &
LPID=$!
expect_ok "$STEADY listeners open" conns_ready "$TMP/ready"
expect_jq "conns lists each of them exactly once, listening" \
	"length == $STEADY and ([.[].local_port] | sort) == $STEADY_PORTS
	 and all(.[]; .state == \"listen\")" sdpctl -j conns
expect_jq "so it does for an unprivileged user" \
	"([.[].local_port] | sort) == $STEADY_PORTS" nobody "$SDPCTL" -j conns
sdp_run python3 "$CONNS_PY" parts
read -r _ NMSG _ NPARTS <<< "${SDP_OUT:-x 0 x 0}"
expect_ok "a raw dump got every socket, in several parts ($SDP_OUT)" \
	test "$NMSG" -eq $STEADY -a "$NPARTS" -ge $((STEADY / 300))
touch "$TMP/stop"
sdp_wait_pid "$LPID" 120
expect_ok "closed listeners leave the listing" sdp_wait_until 60 sdp_conns_empty

# Half the sockets come and go while the dumps run, interleaved with the
# steady half in the module's list: a dump must still list each steady
# socket exactly once and no socket twice (sdpctl reads again when the
# module flags a dump as interrupted; its last reading counts).  Dumps
# run until conns.py has closed every interleaved listener ("cycled"):
# later closes only move sockets past the steady ones.
rm -f "$TMP/ready" "$TMP/stop"
python3 "$CONNS_PY" listen "$ADDR" "$TMP/ready" "$TMP/stop" $SPORT $STEADY \
	$CPORT $CHURN > "$TMP/listen.out" 2>&1 &
LPID=$!
expect_ok "$STEADY steady and $CHURN churning listeners open" \
	conns_ready "$TMP/ready"
FAILED=0 TWICE=0 MISSED=0 DUMPS=0
while [ $DUMPS -lt $MAX_DUMPS ] && ! grep -q cycled "$TMP/ready"; do
	DUMPS=$((DUMPS + 1))
	if ! sdpctl -j conns > "$TMP/conns.json" 2>&1; then
		FAILED=$((FAILED + 1))
		continue
	fi
	jq -e '[.[].local_port] | length == (unique | length)' \
		"$TMP/conns.json" >/dev/null || TWICE=$((TWICE + 1))
	jq -e "[.[].local_port | select(. < $CPORT)] | sort == $STEADY_PORTS" \
		"$TMP/conns.json" >/dev/null || MISSED=$((MISSED + 1))
done
touch "$TMP/stop"
sdp_wait_pid "$LPID" 120
expect_ok "$DUMPS dumps ran while interleaved listeners were closed" \
	test $DUMPS -ge $MIN_DUMPS
expect_eq "every dump during churn succeeds" 0 "$FAILED"
expect_eq "no dump lists a port twice" 0 "$TWICE"
expect_eq "every dump lists each steady listener exactly once" 0 "$MISSED"
CHURNED=$(sed -n 's/^churned //p' "$TMP/listen.out")
expect_ok "listeners came and went during the dumps (${CHURNED:-none})" \
	test "${CHURNED:-0}" -ge $CHURN
expect_ok "every listener leaves the listing" sdp_wait_until 60 sdp_conns_empty

sdp_section "unload and reload with rules present"
sdpctl map add action sdp port 4200 >/dev/null
inns "$SDPCTL" map add action sdp port 4201 >/dev/null
expect_ok "rmmod with rules in two netns" rmmod sdp
expect_fail "sdpctl after unload: exit 3" 3 "." sdpctl map list
expect_ok "insmod again" insmod "$KO"
expect_jq "rules are gone after reload" 'length == 0' sdpctl -j map list
expect_jq "tunables are back to defaults" 'all(.[]; .value == .default)' sdpctl -j tune list
expect_jq "new netns state too" 'length == 0' inns "$SDPCTL" -j map list
ip netns del sdpt1
expect_ok "netns with sdp state can go away" sdpctl info
expect_ok "final rmmod" rmmod sdp
sdp_kmemleak_check

rm -rf "$TMP"
sdp_test_summary "ctl-$SDP_KVER"
