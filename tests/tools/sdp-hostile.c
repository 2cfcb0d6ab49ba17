// SPDX-License-Identifier: GPL-2.0
/*
 * sdp-hostile: a misbehaving SDP peer, to check that sdp.ko aborts just the
 * connection that breaks the protocol (docs/protocol.md) and nothing else.
 *
 * Active attacks (librdmacm RDMA_PS_TCP, RC QP, our own Hello/BSDH):
 *   sdp-hostile CASE ADDR PORT [ARG]
 *     good                 Data "hello" + DisConn; the peer's DisConn and a
 *                          disconnect must follow (proves we speak SDP)
 *     len-mismatch         BSDH len 100, 21 bytes sent
 *     len-short            an 8-byte message
 *     unknown-mid          mid 0x42
 *     unsupported-mid [M]  mid M (hex, default 0xfe SrcAvail)
 *     bad-seq              mseq 1 then mseq 3
 *     credit-overrun       bufs+1 zero-length Data, advertising bufs 0 so the
 *                          peer can never grant more credits
 *     data-after-disconn   DisConn then Data
 *     disconn-twice        DisConn, DisConn
 *     disconn-payload      DisConn carrying 4 bytes
 *     oversize             one message of actrcvsz + 1024 bytes
 *     ack-future           mseq_ack 5 although the peer sent nothing
 *     urgent-empty         zero-length Data flagged OOB_PRES (no byte to
 *                          be urgent)
 *     ack-backwards        Data (warm_up()), wait for the peer's credit
 *                          update, acknowledge it, then acknowledge one less
 *     bad-rkey             Data (warm_up()), wait for the peer's credit
 *                          update (its reader is up), then one signalled
 *                          RDMA Write of 5 bytes to address 0x10000 with
 *                          rkey 0x1badcafe:
 *                          our Write must fail with a remote access error
 *                          (that moves the peer's QP to the error state,
 *                          only flushes tell it) and the peer must still
 *                          tear the connection down; if it does not, we
 *                          hold the connection $SDP_HOSTILE_HOLD seconds
 *                          (default 0) more before leaving, so that the
 *                          server's verdict is not made by our exit
 *     hello-huge-rcvsz     as good, with localrcvsz 0xffffffff in the Hello
 *                          (legal; the peer must clamp its send size)
 *     abort                AbortConn (legal: peer sees ECONNRESET, no error)
 *     credit-lie           Hello advertises 16 buffers, none posted; Data
 *                          "hello" + DisConn: the peer's DisConn is RNR-NAKed
 *                          forever, its orphan timeout must end it
 *     bad-hello-version | bad-hello-short | bad-hello-maxadv0 |
 *     bad-hello-bufs1 | bad-hello-mid | bad-hello-rcvsz
 *                          the REQ must be rejected
 *     flood-connects [N]   N connects (default 32), each on its own event
 *                          channel; a third never reaped (REP unanswered),
 *                          a third established and left, a third
 *                          established, one Data sent, left; then wait
 *                          $SDP_HOSTILE_HOLD seconds (default 0) and exit
 *                          without any cleanup (the kernel's ucma does it)
 *   An attack prints "CASE: ok ..." and exits 0 when the module reacted as
 *   required (this connection torn down / refused), else "CASE: FAIL ..."
 *   and exits 1; setup problems exit 2.
 *
 * Passive: sdp-hostile passive VARIANT ADDR PORT
 *   listen with rdma_cm and answer the first SDP connect with a HelloAck
 *   that is good | bad-version | bad-bufs1 | bad-mid | bad-rcvsz |
 *   bad-maxadv0, or never answer it (silent).
 *
 * Helpers using real AF_INET_SDP sockets:
 *   sdp-hostile server ADDR PORT [ACCEPT_SECS]
 *     accept one connection ("server: maxseg N": TCP_MAXSEG, our payload
 *     bytes per message), read until EOF or error; prints
 *     "server: data 'hello'" then "server: eof" or "server: recv -1 ERRNO"
 *     ("server: accept timeout" if nobody came); with $SDP_HOSTILE_LINGER_MS
 *     it waits that long after EOF and prints what one more recv() says;
 *     each recv() waits at most $SDP_HOSTILE_RECV_MS (default 30000), then
 *     "server: recv timeout after N bytes"; with $SDP_HOSTILE_SEND_AFTER
 *     set, once reading ends (any way) it sends 4 bytes without blocking
 *     and prints "server: then send 4" or "server: then send -1 ERRNO"
 *   sdp-hostile server-hold ADDR PORT BACKLOG SECS
 *     listen, accept nothing for SECS, then accept what is queued and
 *     close it all
 *   sdp-hostile client ADDR PORT
 *     connect, send "hello", shut down, read to EOF; prints
 *     "client: connect ok" / "client: connect -1 ERRNO"
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hostile-wire.h"

/* bad-rkey: nothing of the peer's is registered with these */
#define BOGUS_RKEY	0x1badcafe
#define BOGUS_ADDR	0x10000
#define WRID_WRITE	0xbad00000000ull

static const char *errname(int e)
{
	switch (e) {
	case ECONNRESET: return "ECONNRESET";
	case EPROTO: return "EPROTO";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECONNABORTED: return "ECONNABORTED";
	case EPIPE: return "EPIPE";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case ENOTCONN: return "ENOTCONN";
	case EAGAIN: return "EAGAIN";
	default: return strerrorname_np(e) ? strerrorname_np(e) : "E?";
	}
}

/* ---------------------------------------------------------------- sockets */

static int run_server(const char *addr, const char *port, int accept_secs)
{
	struct pollfd p;
	char buf[65536], shown[80];
	const char *l = getenv("SDP_HOSTILE_LINGER_MS");
	const char *r = getenv("SDP_HOSTILE_RECV_MS");
	int linger = l ? atoi(l) : 0;
	int recv_ms = r ? atoi(r) : 30000;
	int send_after = getenv("SDP_HOSTILE_SEND_AFTER") != NULL;
	long total = 0;
	int lfd, fd, n, maxseg, ret = 0;
	socklen_t len;
	size_t i;

	g_case = "server";
	lfd = sdp_listen(addr, port, 4);
	printf("server: listening\n");
	fflush(stdout);
	p.fd = lfd;
	p.events = POLLIN;
	if (poll(&p, 1, accept_secs * 1000) <= 0) {
		printf("server: accept timeout\n");
		return 0;
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0) {
		printf("server: accept -1 %s\n", errname(errno));
		return 1;
	}
	printf("server: accepted\n");
	/* Payload bytes per message: our send size, whatever the Hello said. */
	len = sizeof(maxseg);
	if (!getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &maxseg, &len))
		printf("server: maxseg %d\n", maxseg);
	fflush(stdout);
	for (;;) {
		p.fd = fd;
		p.events = POLLIN;
		if (poll(&p, 1, recv_ms) <= 0) {
			printf("server: recv timeout after %ld bytes\n", total);
			ret = 1;
			break;
		}
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			printf("server: recv -1 %s after %ld bytes\n",
			       errname(errno), total);
			break;
		}
		if (n == 0) {
			printf("server: eof after %ld bytes\n", total);
			if (linger) {
				/* what the peer does after its DisConn still counts */
				usleep(linger * 1000);
				n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
				printf("server: then recv %d %s\n", n,
				       n < 0 ? errname(errno) : "");
			}
			break;
		}
		if (!total) {
			for (i = 0; i < (size_t)n && i < sizeof(shown) - 1; i++)
				shown[i] = buf[i] >= 32 && buf[i] < 127 ? buf[i] : '.';
			shown[i] = 0;
			printf("server: data '%s'\n", shown);
		}
		total += n;
	}
	if (send_after) {
		/* a connection that failed must fail sends too, not eat them */
		n = send(fd, "late", 4, MSG_NOSIGNAL | MSG_DONTWAIT);
		printf("server: then send %d %s\n", n, n < 0 ? errname(errno) : "");
	}
	close(fd);
	close(lfd);
	return ret;
}

static int run_server_hold(const char *addr, const char *port, int backlog,
			   int secs)
{
	int lfd, fd, n = 0;

	g_case = "server-hold";
	lfd = sdp_listen(addr, port, backlog);
	printf("server: listening\n");
	fflush(stdout);
	sleep(secs);
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	while ((fd = accept(lfd, NULL, NULL)) >= 0) {
		n++;
		close(fd);
	}
	printf("server: accepted %d queued, then %s\n", n, errname(errno));
	close(lfd);
	return 0;
}

static int run_client(const char *addr, const char *port)
{
	struct sockaddr_in sin;
	char buf[256];
	long t0 = now_ms();
	int fd = sdp_socket(), n;

	g_case = "client";
	make_addr(&sin, addr, port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		printf("client: connect -1 %s after %ld ms\n", errname(errno),
		       now_ms() - t0);
		return 1;
	}
	printf("client: connect ok\n");
	fflush(stdout);
	if (send(fd, "hello", 5, MSG_NOSIGNAL) != 5) {
		printf("client: send -1 %s\n", errname(errno));
		return 1;
	}
	shutdown(fd, SHUT_WR);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		;
	printf("client: %s\n", n ? errname(errno) : "eof");
	close(fd);
	return n ? 1 : 0;
}

/* ---------------------------------------------------------------- verbs */

static void send_msg(struct conn *c, uint8_t mid, uint16_t bufs, uint32_t lenf,
		     uint32_t mseq, uint32_t ack, const void *pl, uint32_t pln,
		     uint32_t total)
{
	if (post_msg(c, mid, bufs, lenf, mseq, ack, pl, pln, total))
		die("ibv_post_send: %s", strerror(errno));
}

/* A well-formed message with the next mseq. */
static void send_next(struct conn *c, uint8_t mid, uint16_t bufs,
		      const char *pl, uint32_t ack)
{
	uint32_t n = pl ? strlen(pl) : 0;

	send_msg(c, mid, bufs, 16 + n, c->mseq + 1, ack, pl, n, 16 + n);
}

/* One signalled RDMA Write of 5 bytes with a key the peer never gave out. */
static void post_bad_write(struct conn *c)
{
	char *b = tx_base(c) + (size_t)(c->slot++ % NTX) * TX_SLOT;
	struct ibv_sge sge = {
		.addr = (uintptr_t)b, .length = 5, .lkey = c->mr->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = WRID_WRITE, .sg_list = &sge, .num_sge = 1,
		.opcode = IBV_WR_RDMA_WRITE, .send_flags = IBV_SEND_SIGNALED,
		.wr.rdma = { .remote_addr = BOGUS_ADDR, .rkey = BOGUS_RKEY },
	}, *bad;

	memcpy(b, "rkey!", 5);
	if (ibv_post_send(c->id->qp, &wr, &bad))
		die("ibv_post_send(RDMA Write): %s", strerror(errno));
}

/*
 * Poll completions and CM events until disconnected (or, with @until_disconn
 * 1, the peer's DisConn arrived; 2, any message arrived) or @ms passed.
 */
static void conn_watch_until(struct conn *c, int ms, int until_disconn)
{
	long end = now_ms() + ms;
	struct ibv_wc wc[16];
	int i, n;

	while (now_ms() < end) {
		struct rdma_cm_event *ev;

		while ((n = ibv_poll_cq(c->cq, 16, wc)) > 0) {
			for (i = 0; i < n; i++) {
				if (wc[i].wr_id == WRID_WRITE && !c->write_done++)
					c->write_status = wc[i].status;
				if (wc[i].status != IBV_WC_SUCCESS) {
					if (wc[i].status != IBV_WC_WR_FLUSH_ERR &&
					    !c->err_wc++)
						c->first_err = wc[i].status;
					continue;
				}
				if (wc[i].opcode == IBV_WC_RECV) {
					struct bsdh *h = (void *)rx_buf(c, wc[i].wr_id);

					c->n_rx++;
					if (h->mid == MID_ABORT)
						c->got_abort = 1;
					if (h->mid == MID_DISCONN)
						c->got_disconn = 1;
					c->peer_mseq = ntohl(h->mseq);
				}
			}
		}
		if (c->disconnected || (until_disconn == 1 && c->got_disconn) ||
		    (until_disconn == 2 && c->n_rx))
			return;
		if (!get_event(c->ch, 10, &ev)) {
			if (ev->event == RDMA_CM_EVENT_DISCONNECTED)
				c->disconnected = 1;
			rdma_ack_cm_event(ev);
			if (c->disconnected) {
				/* drain what the flush brings */
				end = now_ms() + 200;
				ms = 0;
			}
		}
	}
}

static void conn_watch(struct conn *c, int ms)
{
	conn_watch_until(c, ms, 0);
}

static void conn_report(struct conn *c, int ok, const char *what)
{
	printf("%s: %s %s (disconnected %d, peer msgs %d, abortconn %d, disconn %d, error wc %s)\n",
	       g_case, ok ? "ok" : "FAIL", what, c->disconnected, c->n_rx,
	       c->got_abort, c->got_disconn,
	       c->err_wc ? ibv_wc_status_str(c->first_err) : "none");
}

/*
 * 20 one-byte Data: the peer's reader consumes them and a credit update
 * comes back.  Return: 0 once it came, else 1 (reported).
 */
static int warm_up(struct conn *c)
{
	/*
	 * As many one-byte Data as the peer's HelloAck gives credits for,
	 * less the 2 a sender keeps for control messages (at most 20): a
	 * peer that starts with few buffers is not overrun.
	 */
	int i, n = ntohs(c->hah.bsdh.bufs) - 2;

	n = n < 1 ? 1 : n > 20 ? 20 : n;
	for (i = 0; i < n; i++)
		send_next(c, MID_DATA, NRX, "x", 0);
	conn_watch_until(c, g_timeout_ms, 2);
	if (c->n_rx && !c->disconnected)
		return 0;
	conn_report(c, 0, "no credit update from the peer");
	return 1;
}

static int run_bad_hello(const char *cas, const char *addr, const char *port)
{
	struct conn c = {};
	struct hh h;
	int len = sizeof(h), r, ok;
	long t0;

	fill_hello(&h, 40000);
	if (!strcmp(cas, "bad-hello-version"))
		h.majv_minv = 0x12;
	else if (!strcmp(cas, "bad-hello-short"))
		len = 10;
	else if (!strcmp(cas, "bad-hello-maxadv0"))
		h.max_adverts = 0;
	else if (!strcmp(cas, "bad-hello-bufs1"))
		h.bsdh.bufs = htons(1);
	else if (!strcmp(cas, "bad-hello-mid"))
		h.bsdh.mid = MID_HELLO_ACK;
	else if (!strcmp(cas, "bad-hello-rcvsz"))
		h.localrcvsz = htonl(16);
	else
		die("unknown case");
	t0 = now_ms();
	conn_start(&c, addr, port, &h, len);
	r = conn_wait_est(&c, 10000);
	if (r == 1) {
		/* 28: IB_CM_REJ_CONSUMER_DEFINED, i.e. sdp.ko said no */
		ok = c.reject_status == 28;
		printf("%s: %s rejected (status %d%s) after %ld ms\n", cas,
		       ok ? "ok" : "FAIL", c.reject_status,
		       ok ? "" : ", not by the SDP listener", now_ms() - t0);
		conn_free(&c);
		return !ok;
	}
	if (r == 0) {
		/* accepted: see whether it at least goes away */
		conn_watch(&c, 3000);
		conn_report(&c, 0, "bad Hello was accepted");
	} else {
		printf("%s: FAIL no answer to the REQ\n", cas);
	}
	conn_free(&c);
	return 1;
}

/*
 * Our Write's own completion may come after the peer's teardown, which
 * ends conn_watch(): wait for it, at most @ms.  Other completions are
 * only drained here.
 */
static void conn_wait_write(struct conn *c, int ms)
{
	long end = now_ms() + ms;
	struct ibv_wc wc;

	while (!c->write_done && now_ms() < end) {
		if (ibv_poll_cq(c->cq, 1, &wc) <= 0) {
			usleep(1000);
			continue;
		}
		if (wc.wr_id == WRID_WRITE && !c->write_done++)
			c->write_status = wc.status;
	}
}

/*
 * Our RDMA Write with a made-up rkey moves the peer's QP to the error
 * state; on Soft-RoCE it gets no completion or async event for it, only
 * its posted receives flushing.  It must still end the connection.
 */
static int run_bad_rkey(struct conn *c, int hold)
{
	char what[160];
	int ok;

	if (warm_up(c))
		return 1;
	post_bad_write(c);
	conn_watch(c, g_timeout_ms);
	conn_wait_write(c, 5000);
	ok = c->write_done && c->write_status == IBV_WC_REM_ACCESS_ERR &&
	     c->disconnected;
	snprintf(what, sizeof(what), "RDMA Write (rkey %#x) %s; connection %s",
		 BOGUS_RKEY, !c->write_done ? "never completed" :
		 ibv_wc_status_str(c->write_status),
		 c->disconnected ? "torn down" : "NOT torn down");
	conn_report(c, ok, what);
	if (!c->disconnected && hold > 0) {
		conn_watch(c, hold * 1000);
		printf("%s: leaving after holding %d s more (disconnected %d)\n",
		       g_case, hold, c->disconnected);
	}
	conn_free(c);
	return !ok;
}

static int run_flood(const char *addr, const char *port, int n, int hold)
{
	struct conn *cs = calloc(n, sizeof(*cs));
	struct hh h;
	int i, est = 0, rej = 0, other = 0, unreaped = 0;

	if (!cs)
		die("calloc");
	fill_hello(&h, 40001);
	for (i = 0; i < n; i++)
		conn_start(&cs[i], addr, port, &h, sizeof(h));
	for (i = 0; i < n; i++) {
		int r;

		if (i % 3 == 1) {
			unreaped++;
			continue;	/* never reaped: REP unanswered */
		}
		r = conn_wait_est(&cs[i], 5000);
		if (r == 0) {
			est++;
			if (i % 3 == 2)
				send_next(&cs[i], MID_DATA, NRX, "flood", 0);
		} else if (r == 1) {
			rej++;
		} else {
			other++;
		}
	}
	printf("flood-connects: ok %d connects: %d established, %d rejected, %d no answer, %d left unreaped; exiting without cleanup in %d s\n",
	       n, est, rej, other, unreaped, hold);
	fflush(stdout);
	usleep(200000 + hold * 1000000);
	fflush(stdout);
	_exit(0);
}

static int run_active(const char *cas, const char *addr, const char *port,
		      const char *arg)
{
	struct conn c = {};
	struct hh h;
	uint32_t bufs, rcvsz, i;
	const char *hs = getenv("SDP_HOSTILE_HOLD");
	int ok, hold = hs ? atoi(hs) : 0;

	if (!strncmp(cas, "bad-hello-", 10))
		return run_bad_hello(cas, addr, port);
	if (!strcmp(cas, "credit-lie"))
		g_nrx = 0;
	if (!strcmp(cas, "flood-connects"))
		return run_flood(addr, port, arg ? atoi(arg) : 32, hold);

	fill_hello(&h, 40002);
	if (!strcmp(cas, "hello-huge-rcvsz"))
		h.localrcvsz = htonl(0xffffffff);
	conn_start(&c, addr, port, &h, sizeof(h));
	switch (conn_wait_est(&c, 10000)) {
	case 0:
		break;
	case 1:
		die("rejected (status %d)", c.reject_status);
		break;
	default:
		die("not established");
	}
	check_hah(&c);
	bufs = ntohs(c.hah.bsdh.bufs);
	rcvsz = ntohl(c.hah.actrcvsz);

	if (!strcmp(cas, "good") || !strcmp(cas, "hello-huge-rcvsz")) {
		send_next(&c, MID_DATA, NRX, "hello", 0);
		send_next(&c, MID_DISCONN, NRX, NULL, 0);
		conn_watch(&c, g_timeout_ms);
		ok = c.disconnected && c.got_disconn && !c.got_abort && !c.err_wc;
		conn_report(&c, ok, "graceful close both ways");
		conn_free(&c);
		return !ok;
	}
	if (!strcmp(cas, "bad-rkey"))
		return run_bad_rkey(&c, hold);
	if (!strcmp(cas, "credit-lie")) {
		/*
		 * We advertised NRX buffers but posted none: whatever the peer
		 * sends (its DisConn after the server's close) is RNR-NAKed
		 * forever; its orphan teardown must still end the connection.
		 */
		send_next(&c, MID_DATA, NRX, "hello", 0);
		send_next(&c, MID_DISCONN, NRX, NULL, 0);
	} else if (!strcmp(cas, "abort")) {
		send_next(&c, MID_ABORT, NRX, NULL, 0);
	} else if (!strcmp(cas, "len-mismatch")) {
		send_msg(&c, MID_DATA, NRX, 100, 1, 0, "hello", 5, 21);
	} else if (!strcmp(cas, "len-short")) {
		send_msg(&c, MID_DATA, NRX, 8, 1, 0, NULL, 0, 8);
	} else if (!strcmp(cas, "unknown-mid")) {
		send_next(&c, 0x42, NRX, NULL, 0);
	} else if (!strcmp(cas, "unsupported-mid")) {
		send_next(&c, arg ? strtoul(arg, NULL, 16) : 0xfe, NRX, NULL, 0);
	} else if (!strcmp(cas, "bad-seq")) {
		send_next(&c, MID_DATA, NRX, "a", 0);
		send_msg(&c, MID_DATA, NRX, 17, 3, 0, "b", 1, 17);
	} else if (!strcmp(cas, "credit-overrun")) {
		/* bufs 0: the peer gets no credit to advertise anything more */
		for (i = 0; i <= bufs; i++)
			send_next(&c, MID_DATA, 0, NULL, 0);
	} else if (!strcmp(cas, "data-after-disconn")) {
		send_next(&c, MID_DISCONN, NRX, NULL, 0);
		send_next(&c, MID_DATA, NRX, "late", 0);
	} else if (!strcmp(cas, "ack-backwards")) {
		/* One-byte Data: the server reads them, a credit update comes */
		if (warm_up(&c))
			return 1;
		send_next(&c, MID_DATA, NRX, "y", c.peer_mseq);
		send_next(&c, MID_DATA, NRX, "z", c.peer_mseq - 1);
	} else if (!strcmp(cas, "disconn-twice")) {
		send_next(&c, MID_DISCONN, NRX, NULL, 0);
		send_next(&c, MID_DISCONN, NRX, NULL, 0);
	} else if (!strcmp(cas, "disconn-payload")) {
		send_next(&c, MID_DISCONN, NRX, "junk", 0);
	} else if (!strcmp(cas, "oversize")) {
		send_msg(&c, MID_DATA, NRX, rcvsz + 1024, 1, 0, "big", 3,
			 rcvsz + 1024);
	} else if (!strcmp(cas, "ack-future")) {
		send_next(&c, MID_DATA, NRX, "hello", 5);
	} else if (!strcmp(cas, "urgent-empty")) {
		c.flags = BSDH_OOB_PRES;
		send_next(&c, MID_DATA, NRX, NULL, 0);
	} else {
		die("unknown case %s", cas);
	}
	conn_watch(&c, g_timeout_ms);
	ok = c.disconnected;
	conn_report(&c, ok, ok ? "connection torn down" : "connection NOT torn down");
	conn_free(&c);
	return !ok;
}

/* ---------------------------------------------------------------- passive */

static int run_passive(const char *variant, const char *addr, const char *port)
{
	struct rdma_event_channel *ch = rdma_create_event_channel();
	struct rdma_cm_id *lid;
	struct rdma_cm_event *ev;
	struct conn c = {};
	struct hah a;
	struct hh h;
	long end;
	int ok, est = 0;

	g_case = "passive";
	lid = cm_listener(ch, addr, port, 4);
	printf("passive: listening\n");
	fflush(stdout);
	if (get_event(ch, 20000, &ev))
		die("no connect request");
	if (ev->event != RDMA_CM_EVENT_CONNECT_REQUEST)
		die("got %s", rdma_event_str(ev->event));
	req_hello(&h, ev);
	c.id = ev->id;
	c.ch = ch;
	rdma_ack_cm_event(ev);
	printf("passive: Hello mid %#x bufs %u len %u ver %#x ipv %#x maxadv %u rcvsz %u port %u\n",
	       h.bsdh.mid, ntohs(h.bsdh.bufs), ntohl(h.bsdh.len), h.majv_minv,
	       h.ipv_cap, h.max_adverts, ntohl(h.localrcvsz), ntohs(h.port));
	if (!strcmp(variant, "silent")) {
		/* never answer; the connect() must time out by itself */
		end = now_ms() + g_timeout_ms;
		while (now_ms() < end)
			if (!get_event(ch, 100, &ev)) {
				printf("passive: event %s\n", rdma_event_str(ev->event));
				rdma_ack_cm_event(ev);
			}
		printf("passive: ok stayed silent\n");
		return 0;
	}
	conn_res(&c, NRX);
	fill_hello_ack(&a);
	if (!strcmp(variant, "bad-version"))
		a.majv_minv = 0x32;
	else if (!strcmp(variant, "bad-bufs1"))
		a.bsdh.bufs = htons(1);
	else if (!strcmp(variant, "bad-mid"))
		a.bsdh.mid = MID_HELLO;
	else if (!strcmp(variant, "bad-rcvsz"))
		a.actrcvsz = htonl(16);
	else if (!strcmp(variant, "bad-maxadv0"))
		a.max_adverts = 0;
	else if (strcmp(variant, "good"))
		die("unknown variant %s", variant);
	conn_accept(&c, &a, sizeof(a));
	end = now_ms() + g_timeout_ms;
	while (now_ms() < end && !est) {
		if (get_event(ch, 100, &ev))
			continue;
		if (ev->event == RDMA_CM_EVENT_ESTABLISHED)
			est = 1;
		else if (ev->event == RDMA_CM_EVENT_DISCONNECTED)
			c.disconnected = 1;
		else
			printf("passive: event %s\n", rdma_event_str(ev->event));
		rdma_ack_cm_event(ev);
		if (c.disconnected)
			break;
	}
	if (!strcmp(variant, "good")) {
		/*
		 * The client sends "hello", then DisConn; answer with our
		 * DisConn and disconnect: its read must see EOF.
		 */
		conn_watch_until(&c, g_timeout_ms, 1);
		ok = est && c.got_disconn && c.n_rx >= 2 &&
		     !memcmp(rx_buf(&c, 0) + 16, "hello", 5);
		if (c.got_disconn) {
			send_next(&c, MID_DISCONN, NRX, NULL, c.peer_mseq);
			usleep(100000);
			rdma_disconnect(c.id);
			conn_watch(&c, g_timeout_ms);
			ok = ok && c.disconnected && !c.err_wc;
		}
	} else {
		conn_watch(&c, g_timeout_ms);
		ok = c.disconnected;
	}
	printf("passive: established %d\n", est);
	c.ch = NULL;
	conn_report(&c, ok, ok ? "peer went away" : "peer did NOT go away");
	rdma_destroy_qp(c.id);
	rdma_destroy_id(c.id);
	rdma_destroy_id(lid);
	rdma_destroy_event_channel(ch);
	return !ok;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sdp-hostile CASE ADDR PORT [ARG]\n"
		"       sdp-hostile passive VARIANT ADDR PORT\n"
		"       sdp-hostile server ADDR PORT [ACCEPT_SECS]\n"
		"       sdp-hostile server-hold ADDR PORT BACKLOG SECS\n"
		"       sdp-hostile client ADDR PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 4)
		usage();
	wire_init(argv[1]);
	if (!strcmp(argv[1], "server"))
		return run_server(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 20);
	if (!strcmp(argv[1], "server-hold")) {
		if (argc < 6)
			usage();
		return run_server_hold(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	}
	if (!strcmp(argv[1], "client"))
		return run_client(argv[2], argv[3]);
	if (!strcmp(argv[1], "passive")) {
		if (argc < 5)
			usage();
		return run_passive(argv[2], argv[3], argv[4]);
	}
	return run_active(argv[1], argv[2], argv[3], argc > 4 ? argv[4] : NULL);
}

