#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unmodified programs through sdp-run (preload/libsdp.so), run inside a
# guest by tests/vm/vm.sh: qperf, Python's HTTP server on a dual-stack [::]
# socket, curl, iperf3, redis-server with redis-benchmark, and socat's
# reuseport, defer-accept and TCP_USER_TIMEOUT options.  The rule table
# decides which transport carries them: with no rule (default-action tcp)
# or a tcp rule TCP does, and ss shows the programs' TCP sockets; with an
# sdp rule SDP does, shown by rdma_cm's listeners, sdp.ko's counters and
# plain TCP clients being refused; with a both rule the clients of plain
# TCP servers fall back.  Each program checks its own work.  Without
# sdp.ko the same commands run over TCP.
set -u
. "$(dirname "$0")/testlib.sh"
sdp_suite_init test-preload
RUN=$TOP/preload/sdp-run
QPERF_PORT=19800
HTTP_PORT=18080

sdp_section "setup"
sdp_suite_rdma_up
expect_ok "insmod sdp.ko" insmod "$KO"
expect_jq "info advertises IPPROTO_SDP sockets" '.features | index("inet")' \
	"$SDPCTL" -j info

# http_server BIND [sdp-run]: Python's HTTP server of $TMP/www on
# BIND:HTTP_PORT in the background (HTTPD), the program run by sdp-run or
# not.
http_server()
{
	local bind=$1
	shift
	"$@" python3 -m http.server -b "$bind" -d "$TMP/www" "$HTTP_PORT" \
		> "$TMP/http-server" 2>&1 &
	HTTPD=$!
}

# sdp_mark, then expect_one_sdp NAME: since the mark exactly one SDP
# connection (an active and a passive open) and no fallback to TCP.
sdp_mark()
{
	ACTIVE0=$(sdp_stat conn_active_opens)
	PASSIVE0=$(sdp_stat conn_passive_opens)
	FALLBACK0=$(sdp_stat fallback_tcp)
}
expect_one_sdp()
{
	expect_jq "$1" ".conn_active_opens - $ACTIVE0 == 1 and
		.conn_passive_opens - $PASSIVE0 == 1 and
		.fallback_tcp == $FALLBACK0" "$SDPCTL" -j stats
}

# fetch NAME HOST CLIENT...: CLIENT (a curl command line, with or without
# sdp-run) fetches the blob from HOST:HTTP_PORT; what it got is the file.
fetch()
{
	local name=$1 host=$2
	shift 2
	rm -f "$TMP/got"
	expect_ok "$name fetches 8 MiB" timeout 60 "$@" -sS -o "$TMP/got" \
		"http://$host:$HTTP_PORT/blob"
	expect_ok "$name: what it got is the file" cmp "$TMP/www/blob" "$TMP/got"
}

# monitor_start N: sdpctl's next N events (JSON lines) into $TMP/events, in
# the background (MON); monitor_wait: until it has them (10 s at most).
monitor_start()
{
	"$SDPCTL" -j monitor --count "$1" > "$TMP/events" 2>&1 &
	MON=$!
	sdp_nap 1
}
monitor_wait() { sdp_wait_pid "$MON" 10; }

sdp_section "qperf, no rule: default-action tcp keeps it on TCP"
"$RUN" qperf -lp "$QPERF_PORT" > "$TMP/qperf-server" 2>&1 &
QPERF=$!
expect_ok "qperf's listener is TCP's, and ss names qperf" \
	tcp_listener "$QPERF_PORT" qperf
ACTIVE0=$(sdp_stat conn_active_opens)
FALLBACK0=$(sdp_stat fallback_tcp)
expect_match "sdp-run qperf tcp_lat over TCP" "latency +=" \
	timeout 60 "$RUN" qperf -lp "$QPERF_PORT" -t 1 "$ADDR" tcp_lat
expect_match "a qperf without sdp-run reaches it too" "latency +=" \
	timeout 60 qperf -lp "$QPERF_PORT" -t 1 "$ADDR" tcp_lat
expect_jq "no SDP connection; the client's sockets became TCP's" \
	".conn_active_opens == $ACTIVE0 and .fallback_tcp >= $FALLBACK0 + 2" \
	"$SDPCTL" -j stats
kill "$QPERF" 2>/dev/null
wait "$QPERF" 2>/dev/null

sdp_section "qperf, a rule for the program: its control and test connections over SDP"
expect_ok "rule: action sdp program qperf" \
	"$SDPCTL" map add action sdp program qperf
"$RUN" qperf -lp "$QPERF_PORT" > "$TMP/qperf-server" 2>&1 &
QPERF=$!
expect_ok "qperf's listener is an rdma_cm one" \
	sdp_guest_wait_listen "$QPERF_PORT"
expect_fail "a qperf without sdp-run (TCP) finds no listener" 1 \
	"[Cc]onnection refused|failed to connect" \
	timeout 30 qperf -lp "$QPERF_PORT" -t 1 "$ADDR" tcp_lat
ACTIVE0=$(sdp_stat conn_active_opens)
TXB0=$(sdp_stat tx_bytes)
expect_match "sdp-run qperf tcp_bw, tcp_lat" "latency +=" \
	timeout 60 "$RUN" qperf -lp "$QPERF_PORT" -t 2 "$ADDR" tcp_bw tcp_lat
echo "$SDP_OUT"
expect_eq "qperf measured a bandwidth" 1 \
	"$(printf '%s\n' "$SDP_OUT" | grep -cE '^ +bw += +[0-9.]+ [KMG]B/sec')"
expect_jq "qperf's connections were SDP's (control, tcp_bw, tcp_lat)" \
	".conn_active_opens - $ACTIVE0 >= 3 and
	 .tx_bytes - $TXB0 >= 1048576" "$SDPCTL" -j stats
kill "$QPERF" 2>/dev/null
wait "$QPERF" 2>/dev/null
expect_jq "the rule decided them" \
	'.[0].program == "qperf" and .[0].hits >= 3' "$SDPCTL" -j map list
expect_ok "map flush" "$SDPCTL" map flush

sdp_section "Python's HTTP server on [::] (dual stack), curl over IPv4, a port rule"
mkdir -p "$TMP/www"
head -c $((8 << 20)) /dev/urandom > "$TMP/www/blob"
expect_ok "rule: action sdp port $HTTP_PORT" \
	"$SDPCTL" map add action sdp port "$HTTP_PORT"
http_server :: "$RUN"
expect_ok "the HTTP server's listener is an rdma_cm one" \
	sdp_guest_wait_listen "$HTTP_PORT"
expect_fail "curl without sdp-run (TCP) finds no listener" 7 "refused|Couldn't connect" \
	curl -sS -o /dev/null "http://$ADDR:$HTTP_PORT/blob"
ACTIVE0=$(sdp_stat conn_active_opens)
PASSIVE0=$(sdp_stat conn_passive_opens)
fetch "sdp-run curl" "$ADDR" "$RUN" curl
expect_jq "curl's connection was SDP's, accepted by the [::] listener" \
	".conn_active_opens - $ACTIVE0 >= 1 and
	 .conn_passive_opens - $PASSIVE0 >= 1" "$SDPCTL" -j stats
expect_match "the server saw the client v4-mapped" "^::ffff:$ADDR " \
	cat "$TMP/http-server"
kill "$HTTPD" 2>/dev/null
wait "$HTTPD" 2>/dev/null

sdp_section "the same with a tcp rule: TCP carries it, plain curl reaches it"
expect_ok "map flush" "$SDPCTL" map flush
expect_ok "rule: action tcp port $HTTP_PORT" \
	"$SDPCTL" map add action tcp port "$HTTP_PORT"
expect_ok "default-action sdp (the rule must win)" \
	"$SDPCTL" tune set default-action sdp
http_server :: "$RUN"
expect_ok "the HTTP server's listener is TCP's, and ss names python3" \
	tcp_listener "$HTTP_PORT" python3
LSN_INODE=$(ss -Hltne "sport = :$HTTP_PORT" | grep -o 'ino:[0-9]*' | cut -d: -f2)
expect_jq "conns lists it: TCP-backed by the rule, ss's inode" \
	"map(select(.local_port == $HTTP_PORT)) | length == 1 and
	 (.[0] | .state == \"listen\" and .transport == \"tcp\" and
		 .fallback_reason == \"rule\" and .inode == ${LSN_INODE:-0})" \
	"$SDPCTL" -j conns
ACTIVE0=$(sdp_stat conn_active_opens)
PASSIVE0=$(sdp_stat conn_passive_opens)
monitor_start 2
fetch "sdp-run curl (over TCP)" "$ADDR" "$RUN" curl
monitor_wait
# Its client socket: one conn-up and one conn-down over TCP (the server's
# accepted sockets are plain TCP ones, as accept() on TCP makes them).
expect_ok "events: conn-up, conn-down of curl's socket, tcp for the rule" \
	jq -se "map(.event) == [\"conn-up\", \"conn-down\"] and
		all(.[].conn; .transport == \"tcp\" and
			.fallback_reason == \"rule\" and
			.remote_port == $HTTP_PORT) and
		.[1].conn.rx_bytes > 8388608" "$TMP/events"
fetch "plain curl" "$ADDR" curl
expect_jq "no SDP connection at either end" \
	".conn_active_opens == $ACTIVE0 and .conn_passive_opens == $PASSIVE0" \
	"$SDPCTL" -j stats
expect_jq "the tcp rule decided the listener and curl's socket" \
	'.[0].action == "tcp" and .[0].hits >= 2' "$SDPCTL" -j map list
kill "$HTTPD" 2>/dev/null
wait "$HTTPD" 2>/dev/null
"$SDPCTL" map flush
"$SDPCTL" tune set default-action tcp

sdp_section "both: SDP where the server has an SDP listener, TCP where not"
# The server is plain TCP (no sdp-run): curl's SDP attempt is rejected (no
# rdma_cm listener) and the same connect() continues over TCP.  curl
# connects non-blocking (EINPROGRESS, then poll); Python's http.client
# with no timeout blocks in connect().
expect_jq "tunable fallback-timeout: 2000 ms by default, within connect-timeout" \
	'.value == 2000 and .default == 2000 and .min == 100' \
	"$SDPCTL" -j tune get fallback-timeout
expect_ok "rule: action both role connect port $HTTP_PORT" \
	"$SDPCTL" map add action both role connect port "$HTTP_PORT"
http_server ::
expect_ok "the plain server's listener is TCP's" \
	tcp_listener "$HTTP_PORT" python3
ACTIVE0=$(sdp_stat conn_active_opens)
FAILED0=$(sdp_stat conn_failed)
REJECTED0=$(sdp_stat fallback_rejected)
FALLBACK0=$(sdp_stat fallback_tcp)
monitor_start 4
fetch "sdp-run curl (non-blocking connect, falls back)" "$ADDR" "$RUN" curl
rm -f "$TMP/got"
cat > "$TMP/fetch.py" <<'PYEOF'
import http.client, sys
c = http.client.HTTPConnection(sys.argv[1], int(sys.argv[2]))
c.request("GET", "/blob")
open(sys.argv[3], "wb").write(c.getresponse().read())
PYEOF
expect_ok "sdp-run python (blocking connect) falls back and fetches 8 MiB" \
	timeout 60 "$RUN" python3 "$TMP/fetch.py" "$ADDR" "$HTTP_PORT" "$TMP/got"
expect_ok "what python got over TCP is the file" cmp "$TMP/www/blob" "$TMP/got"
monitor_wait
expect_ok "events: each fallen-back connection up and down, tcp for the REJ" \
	jq -se "(map(.event) | sort) == [\"conn-down\", \"conn-down\",
					\"conn-up\", \"conn-up\"] and
		all(.[].conn; .transport == \"tcp\" and
			.fallback_reason == \"rejected\")" "$TMP/events"
expect_jq "both tried SDP, both fell back for the REJ, none counted failed" \
	".conn_active_opens - $ACTIVE0 == 2 and .conn_failed == $FAILED0 and
	 .fallback_rejected - $REJECTED0 == 2 and
	 .fallback_tcp - $FALLBACK0 == 2" "$SDPCTL" -j stats
kill "$HTTPD" 2>/dev/null
wait "$HTTPD" 2>/dev/null

expect_ok "rule: action sdp role listen port $HTTP_PORT" \
	"$SDPCTL" map add action sdp role listen port "$HTTP_PORT"
http_server :: "$RUN"
expect_ok "the sdp-run server's listener is an rdma_cm one" \
	sdp_guest_wait_listen "$HTTP_PORT"
sdp_mark
fetch "sdp-run curl (over SDP)" "$ADDR" "$RUN" curl
expect_one_sdp "SDP carried it, no fallback"
kill "$HTTPD" 2>/dev/null
wait "$HTTPD" 2>/dev/null

# A both listener: the same server takes an SDP client and a plain TCP
# client at once (rdma_cm's PS_TCP port beside TCP's).
expect_ok "map flush" "$SDPCTL" map flush
expect_ok "rule: action both role listen port $HTTP_PORT" \
	"$SDPCTL" map add action both role listen port "$HTTP_PORT"
expect_ok "rule: action sdp role connect port $HTTP_PORT" \
	"$SDPCTL" map add action sdp role connect port "$HTTP_PORT"
http_server :: "$RUN"
expect_ok "the both server listens over SDP" sdp_guest_wait_listen "$HTTP_PORT"
expect_ok "and over TCP, and ss names python3" \
	tcp_listener "$HTTP_PORT" python3
sdp_mark
monitor_start 6
timeout 60 curl -sS -o "$TMP/got-tcp" "http://$ADDR:$HTTP_PORT/blob" &
TCPC=$!
fetch "sdp-run curl (SDP) beside a plain curl" "$ADDR" "$RUN" curl
wait "$TCPC"
expect_eq "the plain curl (TCP) got its answer at the same time" 0 "$?"
expect_ok "what the plain curl got is the file" cmp "$TMP/www/blob" "$TMP/got-tcp"
expect_one_sdp "one SDP connection, no fallback"
monitor_wait
# Up and down for both ends over SDP, and for the TCP client's accepted
# socket: TCP-backed, no reason (the client chose TCP).
expect_ok "events: the server's TCP child is TCP-backed, the SDP ends sdp" \
	jq -se "(map(select(.event == \"conn-up\") | .conn |
		     [.transport, .fallback_reason]) | sort) ==
		[[\"sdp\", null], [\"sdp\", null], [\"tcp\", null]] and
		(map(.event) | sort | unique) == [\"conn-down\", \"conn-up\"]" \
	"$TMP/events"
kill "$HTTPD" 2>/dev/null
wait "$HTTPD" 2>/dev/null
expect_ok "the TCP listener went with it" \
	sdp_wait_until 10 sh -c "! ss -Hltn 'sport = :$HTTP_PORT' | grep -q ."
expect_ok "map flush" "$SDPCTL" map flush
expect_ok "rule: action both role connect port $HTTP_PORT" \
	"$SDPCTL" map add action both role connect port "$HTTP_PORT"

# An address whose netdev has no RDMA device: rdma_cm's address
# resolution says so (ENODEV), the connect goes over TCP at once.
expect_ok "dummy netdev without an RDMA device, 198.18.5.1" \
	sh -c 'ip link add sdpnodev type dummy &&
		ip addr add 198.18.5.1/24 dev sdpnodev && ip link set sdpnodev up'
http_server 198.18.5.1
expect_ok "the plain server's listener is TCP's" \
	tcp_listener "$HTTP_PORT" python3
NODEV0=$(sdp_stat fallback_no_device)
fetch "sdp-run curl to it (falls back)" 198.18.5.1 "$RUN" curl
expect_jq "counted as no-device" ".fallback_no_device - $NODEV0 == 1" \
	"$SDPCTL" -j stats
kill "$HTTPD" 2>/dev/null
wait "$HTTPD" 2>/dev/null
ip link del sdpnodev
expect_ok "map flush" "$SDPCTL" map flush

IPERF_PORT=15201
REDIS_PORT=16379
IPERF_SERVER=
REDIS_SERVER=
# iperf3_server [sdp-run]: iperf3's default server (dual-stack [::]).
iperf3_server()
{
	"$@" iperf3 -s -p "$IPERF_PORT" > "$TMP/iperf3-server" 2>&1 &
	IPERF_SERVER=$!
}
# iperf3_runs NAME: sdp-run iperf3 -c, -R and -P 4, 2 s each; each run's
# JSON report must show the bytes and no error.
iperf3_runs()
{
	local args
	for args in "" "-R" "-P 4"; do
		# shellcheck disable=SC2086
		timeout 60 "$RUN" iperf3 -c "$ADDR" -p "$IPERF_PORT" -t 2 -J $args \
			> "$TMP/iperf3.json" 2>&1
		expect_jq "$1: iperf3 -c $args moved data" \
			'.error == null and .end.sum_received.bytes > 1000000' \
			cat "$TMP/iperf3.json"
	done
}
# redis_server [sdp-run]: redis-server without persistence, open to the
# wire (protected mode only answers loopback clients).
redis_server()
{
	"$@" redis-server --port "$REDIS_PORT" --save '' --appendonly no \
		--protected-mode no > "$TMP/redis-server" 2>&1 &
	REDIS_SERVER=$!
}
redis_ready() { timeout 5 "$RUN" redis-cli -h "$ADDR" -p "$REDIS_PORT" ping | grep -q PONG; }
# redis_runs NAME: redis-benchmark SET/GET, plain and pipelined (16), 20
# clients each; every test must report its requests per second.  Each run
# starts once the last one's SDP connections are torn down: a run's
# sockets of default buffers (4 MiB each) fit the 2 GiB guest's buffer
# budget (mem-max-pages, RAM / 4), two runs' of 50 clients do not
# (ENOBUFS; see issue 11).  20 clients, not 50: on a loaded TCG host 50
# connects at once took rdma_cm past connect-timeout (10 s) for some.
redis_runs()
{
	local p n
	expect_ok "$1: redis answers PING" sdp_wait_until 20 redis_ready
	for p in 1 16; do
		sdp_wait_conn_zero 60 || echo "# still open: $(sdp_stat conn_current)"
		timeout 120 "$RUN" redis-benchmark -h "$ADDR" -p "$REDIS_PORT" \
			-c 20 -t set,get -n 2000 -P "$p" -q > "$TMP/redis-bench" 2>&1
		tr '\r' '\n' < "$TMP/redis-bench" | grep -E '^(SET|GET): [0-9.]+ requests' \
			> "$TMP/redis-rps"
		cat "$TMP/redis-rps"
		n=$(grep -c . "$TMP/redis-rps")
		expect_eq "$1: redis-benchmark -P $p: SET and GET done" 2 "$n"
		[ "$n" = 2 ] || tr '\r' '\n' < "$TMP/redis-bench" | tail -n 5
	done
}
stop_servers()
{
	kill $IPERF_SERVER $REDIS_SERVER 2>/dev/null
	wait $IPERF_SERVER $REDIS_SERVER 2>/dev/null
	IPERF_SERVER= REDIS_SERVER=
}

sdp_section "iperf3 and redis, no rule: TCP (default-action tcp)"
iperf3_server "$RUN"
redis_server "$RUN"
expect_ok "iperf3's listener is TCP's" tcp_listener "$IPERF_PORT" iperf3
ACTIVE0=$(sdp_stat conn_active_opens)
RULE0=$(sdp_stat fallback_rule)
iperf3_runs "tcp"
redis_runs "tcp"
expect_jq "no SDP connection; every socket was decided TCP's" \
	".conn_active_opens == $ACTIVE0 and .fallback_rule - $RULE0 >= 40" \
	"$SDPCTL" -j stats
stop_servers

sdp_section "iperf3 and redis, an sdp rule for their ports: SDP"
expect_ok "rule: action sdp port $IPERF_PORT" \
	"$SDPCTL" map add action sdp port "$IPERF_PORT"
expect_ok "rule: action sdp port $REDIS_PORT" \
	"$SDPCTL" map add action sdp port "$REDIS_PORT"
iperf3_server "$RUN"
redis_server "$RUN"
expect_ok "iperf3's listener is an rdma_cm one" sdp_guest_wait_listen "$IPERF_PORT"
ACTIVE0=$(sdp_stat conn_active_opens)
PASSIVE0=$(sdp_stat conn_passive_opens)
TXB0=$(sdp_stat tx_bytes)
iperf3_runs "sdp"
expect_jq "iperf3's control and test connections were SDP's (2 + 2 + 5)" \
	".conn_active_opens - $ACTIVE0 >= 9 and .conn_passive_opens - $PASSIVE0 >= 9
	 and .tx_bytes - $TXB0 >= 3000000" "$SDPCTL" -j stats
ACTIVE0=$(sdp_stat conn_active_opens)
redis_runs "sdp"
expect_jq "redis-benchmark's 20 clients a run were SDP's" \
	".conn_active_opens - $ACTIVE0 >= 40" "$SDPCTL" -j stats
stop_servers

sdp_section "iperf3 and redis, a both rule, plain TCP servers: the clients fall back"
expect_ok "map flush" "$SDPCTL" map flush
expect_ok "rule: action both role connect port $IPERF_PORT" \
	"$SDPCTL" map add action both role connect port "$IPERF_PORT"
expect_ok "rule: action both role connect port $REDIS_PORT" \
	"$SDPCTL" map add action both role connect port "$REDIS_PORT"
iperf3_server
redis_server
expect_ok "iperf3's listener is TCP's" tcp_listener "$IPERF_PORT" iperf3
REJECTED0=$(sdp_stat fallback_rejected)
iperf3_runs "both"
redis_runs "both"
expect_jq "every client socket fell back for the REJ" \
	".fallback_rejected - $REJECTED0 >= 40 + 9" "$SDPCTL" -j stats
stop_servers
expect_ok "map flush" "$SDPCTL" map flush

sdp_section "socat's reuseport: two servers on one port over SDP share its clients"
# Each server answers its own letter; socat sets SO_REUSEPORT before its
# bind() and forks a child per connection.
SOCAT_PORT=17700
expect_ok "rule: action sdp port $SOCAT_PORT" \
	"$SDPCTL" map add action sdp port "$SOCAT_PORT"
SOCATS=
for letter in A B; do
	"$RUN" socat "TCP-LISTEN:$SOCAT_PORT,bind=$ADDR,reuseport,fork" \
		"SYSTEM:echo $letter" 2> "$TMP/socat-$letter.err" &
	SOCATS="$SOCATS $!"
done
expect_ok "two socat listeners over SDP on port $SOCAT_PORT" \
	sdp_wait_until 10 sdp_listeners "$SOCAT_PORT" 2
# reuse_bind UID: what an IPPROTO_SDP socket of UID with SO_REUSEPORT gets
# binding the servers' port: "bound" or the errno's name.
reuse_bind()
{
	setpriv --reuid="$1" --regid="$1" --clear-groups python3 -c '
import errno, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 253)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
    print("bound")
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))' "$ADDR" "$SOCAT_PORT"
}
expect_eq "another user's SO_REUSEPORT socket cannot share their port" \
	EADDRINUSE "$(reuse_bind 65534)"
expect_eq "the servers' user's can" bound "$(reuse_bind 0)"
ACTIVE0=$(sdp_stat conn_active_opens)
for i in $(seq 16); do
	timeout 10 "$RUN" socat -u "TCP:$ADDR:$SOCAT_PORT" - 2>> "$TMP/socat-c.err"
done > "$TMP/socat.out"
echo "answers: $(sort "$TMP/socat.out" | uniq -c | tr -s ' \n' ' ')"
expect_eq "16 clients answered" 16 "$(wc -l < "$TMP/socat.out")"
expect_ok "both servers took clients" \
	sh -c "grep -qx A '$TMP/socat.out' && grep -qx B '$TMP/socat.out'"
expect_jq "the clients' connections were SDP's" \
	".conn_active_opens - $ACTIVE0 >= 16" "$SDPCTL" -j stats
# shellcheck disable=SC2086 # two pids
kill $SOCATS
# shellcheck disable=SC2086
wait $SOCATS 2>/dev/null
expect_ok "their port is free again" sdp_wait_until 10 sdp_listeners "$SOCAT_PORT" 0
cat "$TMP"/socat-*.err
expect_ok "map flush" "$SDPCTL" map flush

sdp_section "socat's defer-accept: the server accepts at the first byte, over TCP and SDP"
# The client connects at once and writes 3 s later; socat's defer-accept
# is TCP_DEFER_ACCEPT (10 s): the server's accept() returns with the byte.
# Under sdp-run both ways: no rule (default-action tcp: TCP-backed) and a
# rule for the port (SDP).
DEFER_PORT=17710
# client_up VIA: the client's end of the connection is established.
client_up()
{
	if [ "$1" = tcp ]; then
		[ -n "$(ss -tnH state established "( dport = :$DEFER_PORT )")" ]
	else
		"$SDPCTL" -j conns | jq -e --argjson p "$DEFER_PORT" \
			'any(.[]; .state == "established" and .remote_port == $p
			     and .transport == "sdp")' > /dev/null
	fi
}
accepted() { grep -q "accepting connection" "$TMP/defer-$1.log"; }
# via_rule VIA PORT: for sdp a rule puts PORT on SDP; tcp needs none (the
# default action).  socat_listens VIA PORT: socat's listener on PORT is
# up, over VIA, within 10 s.
via_rule()
{
	[ "$1" = tcp ] || expect_ok "rule: action sdp port $2" \
		"$SDPCTL" map add action sdp port "$2"
}
socat_listens()
{
	if [ "$1" = tcp ]; then
		expect_ok "tcp: socat listens" tcp_listener "$2" socat
	else
		expect_ok "sdp: socat listens over SDP" \
			sdp_wait_until 10 sdp_listeners "$2" 1
	fi
}
for via in tcp sdp; do
	via_rule "$via" "$DEFER_PORT"
	"$RUN" socat -d -d -u \
		"TCP-LISTEN:$DEFER_PORT,bind=$ADDR,reuseaddr,defer-accept=10" \
		"CREATE:$TMP/defer-$via.got" 2> "$TMP/defer-$via.log" &
	SRV=$!
	socat_listens "$via" "$DEFER_PORT"
	timeout 20 "$RUN" socat -u SYSTEM:"sleep 3; echo hi" \
		"TCP:$ADDR:$DEFER_PORT" 2> "$TMP/defer-$via.client" &
	CLI=$!
	expect_ok "$via: the client is connected" sdp_wait_until 10 client_up "$via"
	expect_fail "$via: the server has not accepted it yet" 1 "" accepted "$via"
	expect_ok "$via: accepted once the byte came" sdp_wait_until 15 accepted "$via"
	# Here, not in expect_ok's subshell: only this shell can wait for them.
	sdp_wait_pid "$CLI" 20
	expect_eq "$via: the client is done" 0 "$?"
	sdp_wait_pid "$SRV" 20
	expect_eq "$via: so is the server" 0 "$?"
	expect_eq "$via: the server got the data" hi "$(cat "$TMP/defer-$via.got")"
	cat "$TMP/defer-$via.log" "$TMP/defer-$via.client"
done
expect_ok "map flush" "$SDPCTL" map flush

sdp_section "socat's TCP_USER_TIMEOUT: a sender whose reader stopped gives up, over TCP and SDP"
# The server's children never read: sleep holds the pipe each writes the
# connection into, so the senders' data stops being taken (TCP's zero
# window, SDP's credits).  socat's sockopt-int=6:18:2000 sets
# TCP_USER_TIMEOUT (2 s) once connected: that sender fails with ETIMEDOUT
# within seconds, while one without it is still blocked.  The server runs
# in its own session, so that its children go with it.
UT_PORT=17720
for via in tcp sdp; do
	via_rule "$via" "$UT_PORT"
	setsid "$RUN" socat -u "TCP-LISTEN:$UT_PORT,bind=$ADDR,reuseaddr,fork" \
		SYSTEM:"sleep 120" 2> "$TMP/ut-$via.server" &
	SRV=$!
	socat_listens "$via" "$UT_PORT"
	timeout 60 "$RUN" socat -u /dev/zero "TCP:$ADDR:$UT_PORT" \
		2> "$TMP/ut-$via.plain" &
	PLAIN=$!
	t0=$SECONDS
	timeout 60 "$RUN" socat -u /dev/zero \
		"TCP:$ADDR:$UT_PORT,sockopt-int=6:18:2000" 2> "$TMP/ut-$via.timed" &
	TIMED=$!
	sdp_wait_pid "$TIMED" 40
	expect_eq "$via: the sender with the user timeout gave up" 1 "$?"
	echo "$via: it gave up after $((SECONDS - t0)) s"
	expect_match "$via: with ETIMEDOUT" "Connection timed out" \
		cat "$TMP/ut-$via.timed"
	expect_ok "$via: the sender without it is still blocked" kill -0 "$PLAIN"
	kill "$PLAIN"
	wait "$PLAIN"
	kill -TERM -- -"$SRV"
	wait "$SRV"
	expect_ok "$via: every socket closed" sdp_wait_until 20 sdp_conns_empty
	cat "$TMP/ut-$via.timed"
done
expect_ok "map flush" "$SDPCTL" map flush

sdp_section "each namespace's rules decide its own sockets"
NS=sdppreload
expect_ok "netns $NS" ip netns add "$NS"
expect_ok "rule in $NS only: action sdp port $HTTP_PORT" \
	ip netns exec "$NS" "$SDPCTL" map add action sdp port "$HTTP_PORT"
ip netns exec "$NS" "$RUN" python3 -m http.server -b 0.0.0.0 -d "$TMP/www" \
	"$HTTP_PORT" > "$TMP/http-ns" 2>&1 &
HTTPD_NS=$!
http_server :: "$RUN"
expect_ok "here, no rule: the server's listener is TCP's" \
	tcp_listener "$HTTP_PORT" python3
ns_sdp_listening()
{
	ip netns exec "$NS" "$SDPCTL" -j conns | jq -e \
		"map(select(.state == \"listen\" and
			    .local_port == $HTTP_PORT)) | length == 1" > /dev/null
}
expect_ok "in $NS, its rule: the server's listener is SDP's" \
	sdp_wait_until 10 ns_sdp_listening
expect_eq "here the listener is TCP-backed, for the default action" \
	'["tcp","rule"]' "$("$SDPCTL" -j conns |
		jq -c "map(select(.local_port == $HTTP_PORT)) |
		       map(.transport, .fallback_reason)")"
kill "$HTTPD" "$HTTPD_NS" 2>/dev/null
wait "$HTTPD" "$HTTPD_NS" 2>/dev/null
ip netns del "$NS"

sdp_section "without sdp.ko: the same programs over TCP"
sdp_wait_conn_zero 15 || echo "# connections still open: $(sdp_stat conn_current)"
sdp_expect_unload "unload sdp.ko"
http_server :: "$RUN"
expect_ok "sdp-run's HTTP server falls back to a TCP listener" \
	tcp_listener "$HTTP_PORT" python3
fetch "sdp-run curl (TCP, no module)" "$ADDR" "$RUN" curl
kill "$HTTPD" 2>/dev/null
wait "$HTTPD" 2>/dev/null

sdp_kmemleak_check
sdp_test_summary "preload-$SDP_KVER"
