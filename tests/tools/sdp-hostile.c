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
 *     ack-backwards        20 Data, wait for the peer's credit update,
 *                          acknowledge it, then acknowledge one less
 *     bad-rkey             20 Data, wait for the peer's credit update (its
 *                          reader is up), then one signalled RDMA Write of
 *                          5 bytes to address 0x10000 with rkey 0x1badcafe:
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
 * Wire fuzz: sdp-hostile fuzz ADDR PORT SEED N [PROCS]
 *   N connections one after the other (in each of PROCS processes, which
 *   share them out), connection i driven by a PRNG seeded SEED + i: a
 *   Hello, valid or broken in one field; then a random sequence of valid
 *   Data (urgent flags, random unknown flags, bufs 0 or a lie, any valid
 *   mseq_ack, pauses) in which one message may break a rule (len off or
 *   huge, short message, mseq repeated or skipping, mseq_ack forward or
 *   backwards, a message id sdp.ko does not take, OOB_PRES on empty Data,
 *   DisConn with payload, a credit overrun); then maybe junk, and an end:
 *   DisConn, AbortConn, rdma_disconnect or just going away.  The verdict
 *   per connection follows from what was sent: refused, torn down,
 *   closed gracefully, or (racy or left) at least ended.  A failure prints
 *   the connection's seed, what was sent and the command that replays it
 *   alone; the summary gives the range proto_errors must have grown by.
 *   Shared PD/CQ/MR per process keep a connection cheap.
 *   $SDP_HOSTILE_FUZZ_SECS (if set) bounds how long new ones start.
 * sdp-hostile fuzz-passive ADDR PORT SEED N
 *   the same as the listener: each real connect() (fuzz-client) gets a
 *   valid or broken HelloAck (then the connect must fail, counted), then
 *   the same sequences; ends after N, the time above, or 10 s without
 *   a connect.
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
 *   sdp-hostile fuzz-client ADDR PORT SECS
 *     connects one after the other for fuzz-passive, each sending random
 *     bytes (maybe one urgent), shutting down and reading to the end;
 *     stops after SECS or once refused
 *   sdp-hostile fuzz-server ADDR PORT IDLE_SECS
 *     the fuzz's listener: accept everything, read each connection in
 *     random sizes (urgent bytes too) to its end, close it; on SIGTERM or
 *     after IDLE_SECS of nothing print what it saw and exit
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <infiniband/verbs.h>
#include <rdma/rdma_cma.h>

#define AF_INET_SDP 27

#define MID_HELLO	0x00
#define MID_HELLO_ACK	0x01
#define MID_DISCONN	0x02
#define MID_ABORT	0x03
#define MID_DATA	0xff

#define NRX		16
#define RX_SIZE		32784
#define TX_SLOT		4096
#define NTX		128
#define BIG_SIZE	(2u << 20)

#define BSDH_OOB_PRES	0x01

/* bad-rkey: nothing of the peer's is registered with these */
#define BOGUS_RKEY	0x1badcafe
#define BOGUS_ADDR	0x10000
#define WRID_WRITE	0xbad00000000ull
/* wr_id: send or receive, connection number (fuzz), mseq or buffer index */
#define WR_SEND		(1ull << 63)
#define WR_GEN(c)	((uint64_t)(c)->gen << 32)

struct bsdh {
	uint8_t mid;
	uint8_t flags;
	uint16_t bufs;
	uint32_t len;
	uint32_t mseq;
	uint32_t mseq_ack;
} __attribute__((packed));

struct hh {
	struct bsdh bsdh;
	uint8_t majv_minv;
	uint8_t ipv_cap;
	uint8_t rsvd1;
	uint8_t max_adverts;
	uint32_t desremrcvsz;
	uint32_t localrcvsz;
	uint16_t port;
	uint16_t rsvd2;
} __attribute__((packed));

struct hah {
	struct bsdh bsdh;
	uint8_t majv_minv;
	uint8_t rsvd1[2];
	uint8_t max_adverts;
	uint32_t actrcvsz;
} __attribute__((packed));

_Static_assert(sizeof(struct bsdh) == 16, "bsdh");
_Static_assert(sizeof(struct hh) == 32, "hh");
_Static_assert(sizeof(struct hah) == 24, "hah");

static const char *g_case = "sdp-hostile";
static int g_nrx = NRX;		/* receives really posted at connect */
static int g_timeout_ms = 15000;	/* for the teardown to be seen */

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "%s: SETUP ", g_case);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fprintf(stdout, "\n");
	exit(2);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

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

static void make_addr(struct sockaddr_in *sin, const char *addr, const char *port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(atoi(port));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		die("bad address %s", addr);
}

/* ---------------------------------------------------------------- sockets */

static int sdp_socket(void)
{
	int fd = socket(AF_INET_SDP, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket(AF_INET_SDP): %s", strerror(errno));
	return fd;
}

static int sdp_listen(const char *addr, const char *port, int backlog)
{
	struct sockaddr_in sin;
	int one = 1, fd = sdp_socket();

	make_addr(&sin, addr, port);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("bind: %s", strerror(errno));
	if (listen(fd, backlog))
		die("listen: %s", strerror(errno));
	return fd;
}

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

struct conn {
	struct rdma_event_channel *ch;
	struct rdma_cm_id *id;
	struct ibv_pd *pd;
	struct ibv_comp_channel *comp;	/* the fuzz sleeps on it */
	struct ibv_cq *cq;
	struct ibv_mr *mr;
	char *mem;		/* NRX rx buffers, NTX tx slots, one big area */
	struct hah hah;		/* what the peer sent */
	uint32_t mseq;		/* last mseq we sent */
	uint8_t flags;		/* BSDH flags of what we send */
	int slot;
	/* what we saw */
	int disconnected, rejected, reject_status, err_wc, n_rx;
	int got_abort, got_disconn;
	uint32_t peer_mseq;	/* last mseq received */
	enum ibv_wc_status first_err;
	int write_done;		/* our RDMA Write completed, with: */
	enum ibv_wc_status write_status;
	uint32_t gen;		/* fuzz: connection number, in every wr_id */
	int tx_out;		/* sends posted, not yet completed (fuzz) */
};

static char *rx_buf(struct conn *c, int i) { return c->mem + (size_t)i * RX_SIZE; }
static char *tx_base(struct conn *c) { return c->mem + (size_t)NRX * RX_SIZE; }
static char *big_buf(struct conn *c) { return tx_base(c) + (size_t)NTX * TX_SLOT; }

static int get_event(struct rdma_event_channel *ch, int ms,
		     struct rdma_cm_event **ev)
{
	struct pollfd p = { .fd = ch->fd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return -1;
	return rdma_get_cm_event(ch, ev);
}

/* Wait for event @want; anything else is returned as failure. */
static int expect_event(struct rdma_event_channel *ch, enum rdma_cm_event_type want,
			int ms)
{
	struct rdma_cm_event *ev;
	int t;

	if (get_event(ch, ms, &ev))
		die("no %s within %d ms", rdma_event_str(want), ms);
	t = ev->event;
	rdma_ack_cm_event(ev);
	if (t != (int)want)
		die("got %s waiting for %s", rdma_event_str(t), rdma_event_str(want));
	return 0;
}

static int post_recv_try(struct conn *c, int i)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)rx_buf(c, i), .length = RX_SIZE,
		.lkey = c->mr->lkey,
	};
	struct ibv_recv_wr wr = {
		.wr_id = WR_GEN(c) | i, .sg_list = &sge, .num_sge = 1,
	}, *bad;

	return ibv_post_recv(c->id->qp, &wr, &bad);
}

static void post_recv(struct conn *c, int i)
{
	if (post_recv_try(c, i))
		die("ibv_post_recv: %s", strerror(errno));
}

/* PD, CQ, MR on @c->id's device; the fuzz keeps them for all its QPs. */
static void conn_mem(struct conn *c)
{
	size_t sz = (size_t)NRX * RX_SIZE + (size_t)NTX * TX_SLOT + BIG_SIZE;

	c->pd = ibv_alloc_pd(c->id->verbs);
	if (!c->pd)
		die("ibv_alloc_pd");
	c->comp = ibv_create_comp_channel(c->id->verbs);
	if (!c->comp)
		die("ibv_create_comp_channel");
	/* room for one QP's flush plus what its predecessors left (fuzz) */
	c->cq = ibv_create_cq(c->id->verbs, 4 * (NRX + NTX), NULL, c->comp, 0);
	if (!c->cq)
		die("ibv_create_cq");
	c->mem = aligned_alloc(4096, sz);
	if (!c->mem)
		die("alloc");
	memset(c->mem, 0, sz);
	c->mr = ibv_reg_mr(c->pd, c->mem, sz, IBV_ACCESS_LOCAL_WRITE);
	if (!c->mr)
		die("ibv_reg_mr: %s", strerror(errno));
}

/* QP and receives posted on @c->id (and the rest, the first time). */
static void conn_res(struct conn *c, int nrx)
{
	struct ibv_qp_init_attr qa = {};
	int i;

	if (!c->pd)
		conn_mem(c);
	qa.send_cq = c->cq;
	qa.recv_cq = c->cq;
	qa.qp_type = IBV_QPT_RC;
	qa.cap.max_send_wr = NTX;
	qa.cap.max_recv_wr = NRX;
	qa.cap.max_send_sge = 1;
	qa.cap.max_recv_sge = 1;
	if (rdma_create_qp(c->id, c->pd, &qa))
		die("rdma_create_qp: %s", strerror(errno));
	for (i = 0; i < nrx; i++)
		post_recv(c, i);
}

static void fill_hello(struct hh *h, int port)
{
	memset(h, 0, sizeof(*h));
	h->bsdh.mid = MID_HELLO;
	h->bsdh.bufs = htons(NRX);
	h->bsdh.len = htonl(sizeof(*h));
	h->majv_minv = 0x22;
	h->ipv_cap = 0x40;
	h->max_adverts = 1;
	h->desremrcvsz = htonl(RX_SIZE);
	h->localrcvsz = htonl(RX_SIZE);
	h->port = htons(port);
}

/* Resolve, set up, send the REQ with @pd/@pdlen; no waiting for the REP. */
static void conn_start(struct conn *c, const char *addr, const char *port,
		       const void *pd, int pdlen)
{
	struct rdma_conn_param cp = {};
	struct sockaddr_in dst;

	make_addr(&dst, addr, port);
	if (!c->ch)
		c->ch = rdma_create_event_channel();
	if (!c->ch)
		die("rdma_create_event_channel: %s", strerror(errno));
	if (rdma_create_id(c->ch, &c->id, c, RDMA_PS_TCP))
		die("rdma_create_id: %s", strerror(errno));
	if (rdma_resolve_addr(c->id, NULL, (struct sockaddr *)&dst, 2000))
		die("rdma_resolve_addr: %s", strerror(errno));
	expect_event(c->ch, RDMA_CM_EVENT_ADDR_RESOLVED, 5000);
	if (rdma_resolve_route(c->id, 2000))
		die("rdma_resolve_route: %s", strerror(errno));
	expect_event(c->ch, RDMA_CM_EVENT_ROUTE_RESOLVED, 5000);
	conn_res(c, g_nrx);
	cp.private_data = pd;
	cp.private_data_len = pdlen;
	cp.responder_resources = 0;
	cp.initiator_depth = 0;
	cp.retry_count = 7;
	cp.rnr_retry_count = 7;
	if (rdma_connect(c->id, &cp))
		die("rdma_connect: %s", strerror(errno));
}

/* Wait for the REP: 0 established (HelloAck saved), 1 rejected. */
static int conn_wait_est(struct conn *c, int ms)
{
	struct rdma_cm_event *ev;
	int t;

	if (get_event(c->ch, ms, &ev))
		return -1;
	t = ev->event;
	if (t == RDMA_CM_EVENT_ESTABLISHED) {
		memset(&c->hah, 0, sizeof(c->hah));
		memcpy(&c->hah, ev->param.conn.private_data,
		       ev->param.conn.private_data_len < sizeof(c->hah) ?
		       ev->param.conn.private_data_len : sizeof(c->hah));
		rdma_ack_cm_event(ev);
		return 0;
	}
	if (t == RDMA_CM_EVENT_REJECTED) {
		c->rejected = 1;
		c->reject_status = ev->status;
		rdma_ack_cm_event(ev);
		return 1;
	}
	rdma_ack_cm_event(ev);
	printf("%s: got %s instead of ESTABLISHED\n", g_case, rdma_event_str(t));
	return 2;
}

static void check_hah(struct conn *c)
{
	struct hah *a = &c->hah;

	if (a->bsdh.mid != MID_HELLO_ACK || ntohl(a->bsdh.len) < 24 ||
	    ntohs(a->bsdh.bufs) < 2 || a->majv_minv >> 4 != 2 ||
	    a->max_adverts < 1 || ntohl(a->actrcvsz) <= 16)
		die("bad HelloAck: mid %#x len %u bufs %u ver %#x maxadv %u rcvsz %u",
		    a->bsdh.mid, ntohl(a->bsdh.len), ntohs(a->bsdh.bufs),
		    a->majv_minv, a->max_adverts, ntohl(a->actrcvsz));
}

/*
 * Queue one message: BSDH with @mid/@bufs/@lenf/@mseq/@ack, then @pl
 * (@pln bytes); @total bytes are actually sent (the BSDH is cut off if
 * @total < 16).  Messages larger than a slot use the big area.
 * Return: 0 or ibv_post_send()'s error.
 */
static int post_msg(struct conn *c, uint8_t mid, uint16_t bufs, uint32_t lenf,
		    uint32_t mseq, uint32_t ack, const void *pl, uint32_t pln,
		    uint32_t total)
{
	struct bsdh h = {
		.mid = mid, .flags = c->flags, .bufs = htons(bufs),
		.len = htonl(lenf),
		.mseq = htonl(mseq), .mseq_ack = htonl(ack),
	};
	struct ibv_sge sge;
	struct ibv_send_wr wr = {}, *bad;
	char *b;

	if (total > TX_SLOT) {
		if (total > BIG_SIZE)
			die("message too large");
		b = big_buf(c);
	} else {
		b = tx_base(c) + (size_t)(c->slot++ % NTX) * TX_SLOT;
	}
	memset(b, 0, total);
	memcpy(b, &h, total < 16 ? total : 16);
	if (pl && total > 16)
		memcpy(b + 16, pl, pln < total - 16 ? pln : total - 16);
	sge.addr = (uintptr_t)b;
	sge.length = total;
	sge.lkey = c->mr->lkey;
	wr.wr_id = WR_SEND | WR_GEN(c) | mseq;
	wr.sg_list = &sge;
	wr.num_sge = 1;
	wr.opcode = IBV_WR_SEND;
	wr.send_flags = IBV_SEND_SIGNALED;
	if (ibv_post_send(c->id->qp, &wr, &bad))
		return -1;
	c->tx_out++;
	c->mseq = mseq;
	return 0;
}

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
	int i;

	for (i = 0; i < 20; i++)
		send_next(c, MID_DATA, NRX, "x", 0);
	conn_watch_until(c, g_timeout_ms, 2);
	if (c->n_rx && !c->disconnected)
		return 0;
	conn_report(c, 0, "no credit update from the peer");
	return 1;
}

static void conn_free(struct conn *c)
{
	if (c->id && c->id->qp)
		rdma_destroy_qp(c->id);
	if (c->mr)
		ibv_dereg_mr(c->mr);
	if (c->cq)
		ibv_destroy_cq(c->cq);
	if (c->comp)
		ibv_destroy_comp_channel(c->comp);
	if (c->pd)
		ibv_dealloc_pd(c->pd);
	if (c->id)
		rdma_destroy_id(c->id);
	if (c->ch)
		rdma_destroy_event_channel(c->ch);
	free(c->mem);
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
		/* 20 one-byte Data: the server reads them, a credit update comes */
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
	struct rdma_cm_id *lid = NULL;
	struct rdma_cm_event *ev;
	struct conn c = {};
	struct sockaddr_in sin;
	struct rdma_conn_param cp = {};
	struct hah a = {};
	struct hh h;
	long end;
	int ok, est = 0;

	g_case = "passive";
	make_addr(&sin, addr, port);
	if (!ch || rdma_create_id(ch, &lid, NULL, RDMA_PS_TCP))
		die("rdma_create_id: %s", strerror(errno));
	if (rdma_bind_addr(lid, (struct sockaddr *)&sin) || rdma_listen(lid, 4))
		die("bind/listen: %s", strerror(errno));
	printf("passive: listening\n");
	fflush(stdout);
	if (get_event(ch, 20000, &ev))
		die("no connect request");
	if (ev->event != RDMA_CM_EVENT_CONNECT_REQUEST)
		die("got %s", rdma_event_str(ev->event));
	memset(&h, 0, sizeof(h));
	memcpy(&h, ev->param.conn.private_data,
	       ev->param.conn.private_data_len < sizeof(h) ?
	       ev->param.conn.private_data_len : sizeof(h));
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
	a.bsdh.mid = MID_HELLO_ACK;
	a.bsdh.bufs = htons(NRX);
	a.bsdh.len = htonl(sizeof(a));
	a.majv_minv = 0x22;
	a.max_adverts = 1;
	a.actrcvsz = htonl(RX_SIZE);
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
	cp.private_data = &a;
	cp.private_data_len = sizeof(a);
	cp.retry_count = 7;
	cp.rnr_retry_count = 7;
	if (rdma_accept(c.id, &cp))
		die("rdma_accept: %s", strerror(errno));
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

/* ---------------------------------------------------------------- fuzz */

/*
 * What a fuzzed connection must come to, by what we sent.  The model is
 * sdp_rx_msg()'s rules; a message counts as wrong only if it breaks one
 * whatever the peer did meanwhile (its credit updates may be in flight).
 */
enum fz_expect {
	FZ_KEEP,	/* all valid: stays up, closes gracefully on our DisConn */
	FZ_PROTO,	/* a certain protocol error: torn down, counted */
	FZ_RESET,	/* our AbortConn: torn down, not counted */
	FZ_ANY,		/* racy, or we left: it only has to end */
};

struct fz {
	const char *mode;	/* "fuzz" or "fuzz-passive", to replay */
	struct conn *c;
	uint64_t seed;		/* this connection's; "fuzz A P SEED 1" replays it */
	uint64_t rng;
	enum fz_expect expect;
	uint32_t adv;		/* the highest mseq the peer surely allows */
	uint32_t ack;		/* the last mseq_ack of a valid message of ours */
	uint32_t maxpl;		/* payload that fits its buffers and our slot */
	uint16_t peer_bufs;	/* its HelloAck's bufs: all it ever posts */
	char log[3072];		/* what we sent, printed on failure */
	size_t loglen;
};

/* fuzz-passive: a connect request that came while fz_poll() was busy */
static struct rdma_cm_event *g_fz_req;

struct fz_count {
	int conns, refused, proto, reset, graceful, any, failed;
};

/* splitmix64 */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd_below(struct fz *f, uint32_t n)
{
	return n ? rnd(&f->rng) % n : 0;
}

static int chance(struct fz *f, int pct)
{
	return rnd_below(f, 100) < (uint32_t)pct;
}

static void __attribute__((format(printf, 2, 3)))
fz_log(struct fz *f, const char *fmt, ...)
{
	size_t room = sizeof(f->log) - f->loglen;
	va_list ap;
	int n;

	if (room < 2)
		return;
	va_start(ap, fmt);
	n = vsnprintf(f->log + f->loglen, room, fmt, ap);
	va_end(ap);
	f->loglen += n < 0 ? 0 : (size_t)n < room ? (size_t)n : room - 1;
}

/* One completion of ours: peer messages update the credits and are reposted. */
static void fz_wc(struct fz *f, struct ibv_wc *wc)
{
	struct conn *c = f->c;
	uint32_t i = wc->wr_id & 0xffffffff, adv;
	struct bsdh *h;

	if ((wc->wr_id >> 32 & 0x7fffffff) != (c->gen & 0x7fffffff))
		return;		/* flushed from an earlier connection's QP */
	if (wc->wr_id & WR_SEND)
		c->tx_out--;
	if (wc->status != IBV_WC_SUCCESS) {
		if (wc->status != IBV_WC_WR_FLUSH_ERR && !c->err_wc++)
			c->first_err = wc->status;
		return;
	}
	if (wc->wr_id & WR_SEND)
		return;
	h = (void *)rx_buf(c, i);
	c->n_rx++;
	if (h->mid == MID_ABORT)
		c->got_abort = 1;
	if (h->mid == MID_DISCONN)
		c->got_disconn = 1;
	c->peer_mseq = ntohl(h->mseq);
	adv = ntohl(h->mseq_ack) + ntohs(h->bufs);
	if ((int32_t)(adv - f->adv) > 0)
		f->adv = adv;
	post_recv_try(c, i);
}

enum { FZ_WAIT, FZ_GONE, FZ_CREDIT, FZ_ROOM };

/*
 * Take completions and CM events for @ms at most; stop early once
 * disconnected, or for FZ_GONE only then, FZ_CREDIT once @mseq may be
 * sent, FZ_ROOM once the send queue is half free.
 */
static void fz_poll(struct fz *f, int ms, int until, uint32_t mseq)
{
	struct conn *c = f->c;
	long end = now_ms() + ms;
	struct rdma_cm_event *ev;
	struct pollfd p[2];
	struct ibv_wc wc[16];
	struct ibv_cq *cq;
	void *ctx;
	int i, n;

	for (;;) {
		while ((n = ibv_poll_cq(c->cq, 16, wc)) > 0)
			for (i = 0; i < n; i++)
				fz_wc(f, &wc[i]);
		if ((until != FZ_WAIT && c->disconnected) ||
		    (until == FZ_CREDIT && (int32_t)(mseq - f->adv) <= 0) ||
		    (until == FZ_ROOM && c->tx_out < NTX / 2) ||
		    now_ms() >= end)
			return;
		/* armed, then looked at once more: nothing slips in between */
		ibv_req_notify_cq(c->cq, 0);
		if ((n = ibv_poll_cq(c->cq, 16, wc)) > 0) {
			for (i = 0; i < n; i++)
				fz_wc(f, &wc[i]);
			continue;
		}
		p[0].fd = c->ch->fd;
		p[1].fd = c->comp->fd;
		p[0].events = p[1].events = POLLIN;
		if (poll(p, 2, end - now_ms() > 0 ? end - now_ms() : 0) <= 0)
			continue;
		if ((p[1].revents & POLLIN) && !ibv_get_cq_event(c->comp, &cq, &ctx))
			ibv_ack_cq_events(cq, 1);
		if (!(p[0].revents & POLLIN) || rdma_get_cm_event(c->ch, &ev))
			continue;
		if (ev->event == RDMA_CM_EVENT_CONNECT_REQUEST && !g_fz_req) {
			g_fz_req = ev;	/* the next one (fuzz-passive) */
			continue;
		}
		if (ev->id == c->id && ev->event == RDMA_CM_EVENT_DISCONNECTED)
			c->disconnected = 1;
		rdma_ack_cm_event(ev);
	}
}

/* A message as post_msg() takes it, with random payload; -1 if it cannot go. */
static int fz_send(struct fz *f, uint8_t mid, uint8_t flags, uint16_t bufs,
		   uint32_t lenf, uint32_t mseq, uint32_t ack, uint32_t total)
{
	static char pl[TX_SLOT];
	struct conn *c = f->c;
	uint32_t i;

	if (c->tx_out >= NTX - 2)
		fz_poll(f, 5000, FZ_ROOM, 0);
	if (c->disconnected || c->tx_out >= NTX - 2)
		return -1;
	for (i = 16; i < total; i++)
		pl[i - 16] = rnd(&f->rng);
	fz_log(f, " %02x/%x/%u/%u/%u/%u", mid, flags, bufs, lenf, mseq, ack);
	if (total != lenf)
		fz_log(f, "(%ub)", total);
	c->flags = flags;
	return post_msg(c, mid, bufs, lenf, mseq, ack, pl, TX_SLOT, total);
}

/* Wait (briefly) until the next mseq is surely within the peer's credits. */
static int fz_credit(struct fz *f)
{
	uint32_t mseq = f->c->mseq + 1;

	if ((int32_t)(mseq - f->adv) > 0)
		fz_poll(f, 2000, FZ_CREDIT, mseq);
	return (int32_t)(mseq - f->adv) <= 0 && !f->c->disconnected;
}

/* A valid mseq_ack: from the last we sent to the peer's last message. */
static uint32_t fz_ack(struct fz *f)
{
	uint32_t a = f->ack + rnd_below(f, f->c->peer_mseq - f->ack + 1);

	f->ack = a;
	return a;
}

/* bufs: mostly the truth (all NRX reposted), sometimes 0 or a lie. */
static uint16_t fz_bufs(struct fz *f)
{
	uint32_t r = rnd_below(f, 20);

	return r == 0 ? 0 : r == 1 ? 0xffff : r == 2 ? rnd_below(f, NRX) : NRX;
}

/* A valid Data message (or credit update with @n 0); -1 if it cannot go. */
static int fz_valid_data(struct fz *f, uint32_t n)
{
	uint8_t flags = 0;
	uint32_t r = rnd_below(f, 10);

	if (!fz_credit(f))
		return -1;
	/* urgent data, both flags or one; unknown flags are ignored */
	if (r < 2)
		flags = BSDH_OOB_PRES | 0x02;
	else if (r == 2)
		flags = BSDH_OOB_PRES;
	else if (r == 3)
		flags = rnd(&f->rng);
	if (!n)
		flags &= ~BSDH_OOB_PRES;
	return fz_send(f, MID_DATA, flags, fz_bufs(f), 16 + n, f->c->mseq + 1,
		       fz_ack(f), 16 + n);
}

static uint32_t fz_paylen(struct fz *f)
{
	/* mostly small, sometimes up to what fits */
	return 1 + rnd_below(f, chance(f, 70) ? 32 : f->maxpl);
}

/* One step of a valid sequence; -1 if the sequence cannot go on. */
static int fz_valid_step(struct fz *f)
{
	uint32_t r = rnd_below(f, 100), i, k;

	if (r < 55)
		return fz_valid_data(f, fz_paylen(f));
	if (r < 70)
		return fz_valid_data(f, 0);
	if (r < 85) {
		/* let the peer catch up: credit updates, the reader */
		fz_poll(f, rnd_below(f, 20), FZ_WAIT, 0);
		return 0;
	}
	k = 2 + rnd_below(f, 7);
	for (i = 0; i < k; i++)
		if (fz_valid_data(f, chance(f, 80) ? fz_paylen(f) : 0))
			return -1;
	return 0;
}

/*
 * One message the peer must reject, whatever credit updates of its are
 * still in flight; a valid prefix with one or two fields mutated.
 */
static void fz_violation(struct fz *f)
{
	static const uint8_t bad_mids[] = {
		0x00, 0x01, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
		0x0c, 0x0d, 0x0e, 0xfd, 0xfe,
	};
	struct conn *c = f->c;
	uint32_t mseq = c->mseq + 1, ack = f->ack, n = rnd_below(f, 64), d;
	uint32_t end, kind = rnd_below(f, 10);
	uint8_t mid;

	fz_log(f, " |v%u", kind);
	switch (kind) {
	case 0:	/* len off by a bit */
		d = 1 + rnd_below(f, 8);
		fz_send(f, MID_DATA, 0, NRX, chance(f, 50) ? 16 + n - d :
			16 + n + d, mseq, ack, 16 + n);
		break;
	case 1:	/* len huge or nonsense */
		d = rnd(&f->rng);
		if (d == 16 + n)
			d++;
		fz_send(f, MID_DATA, 0, NRX, d, mseq, ack, 16 + n);
		break;
	case 2:	/* shorter than a BSDH */
		n = rnd_below(f, 16);
		fz_send(f, MID_DATA, 0, NRX, n, mseq, ack, n);
		break;
	case 3:	/* mseq repeated, skipping, or anything */
		d = rnd_below(f, 3);
		mseq = d == 0 ? c->mseq : d == 1 ? c->mseq + 2 + rnd_below(f, 1000) :
			(uint32_t)rnd(&f->rng);
		if (mseq == c->mseq + 1)
			mseq++;
		fz_send(f, MID_DATA, 0, NRX, 16 + n, mseq, ack, 16 + n);
		break;
	case 4:	/* mseq_ack of messages the peer cannot have sent */
		fz_send(f, MID_DATA, 0, NRX, 16 + n, mseq,
			c->peer_mseq + 1000 + rnd_below(f, 1u << 30), 16 + n);
		break;
	case 5:	/* mseq_ack backwards */
		fz_send(f, MID_DATA, 0, NRX, 16 + n, mseq,
			f->ack - 1 - rnd_below(f, 1u << 30), 16 + n);
		break;
	case 6:	/* a message id we do not take */
		mid = chance(f, 70) ? bad_mids[rnd_below(f, sizeof(bad_mids))] :
			rnd(&f->rng);
		if (mid == MID_DATA || mid == MID_DISCONN || mid == MID_ABORT)
			mid = 0x42;
		fz_send(f, mid, rnd(&f->rng), NRX, 16 + n, mseq, ack, 16 + n);
		break;
	case 7:	/* urgent flag on empty Data */
		fz_send(f, MID_DATA, BSDH_OOB_PRES | rnd(&f->rng), NRX, 16, mseq,
			ack, 16);
		break;
	case 8:	/* DisConn with payload */
		fz_send(f, MID_DISCONN, 0, NRX, 17 + n, mseq, ack, 17 + n);
		break;
	default:
		/*
		 * Credit overrun: from here on bufs 0, so the peer can grant
		 * nothing more; it has at most peer_bufs buffers beyond the
		 * mseq it last saw from us, so one more is an overrun.
		 */
		end = c->mseq + f->peer_bufs + 1;
		while ((int32_t)(c->mseq - end) < 0)
			if (fz_send(f, MID_DATA, 0, 0, 16, c->mseq + 1, ack, 16))
				break;
		break;
	}
}

/* Anything at all, after the verdict is made: the teardown must cope. */
static void fz_junk(struct fz *f)
{
	struct conn *c = f->c;
	uint32_t n = rnd_below(f, 64), k = 1 + rnd_below(f, 3);
	uint8_t mid;

	fz_log(f, " |junk");
	while (k--) {
		mid = chance(f, 60) ? MID_DATA : chance(f, 50) ? MID_DISCONN :
			rnd(&f->rng);
		fz_send(f, mid, rnd(&f->rng), NRX, 16 + n, c->mseq + 1,
			c->peer_mseq, 16 + n);
	}
}

/*
 * A Hello, valid (some fields at their odd but legal values) or, with
 * @bad, broken in one field.  Return: its length.
 */
static int fz_hello(struct fz *f, struct hh *h, int bad)
{
	int len = sizeof(*h) + rnd_below(f, 25);	/* REQ data: 56 max */
	uint32_t k = rnd_below(f, 9);

	fill_hello(h, rnd(&f->rng));
	if (chance(f, 25))
		h->majv_minv = 0x20 | (rnd(&f->rng) & 0xf);
	if (chance(f, 25))
		h->ipv_cap = (chance(f, 50) ? 0x40 : 0x60) | (rnd(&f->rng) & 0xf);
	if (chance(f, 25))
		h->max_adverts = 1 + rnd_below(f, 255);
	if (chance(f, 25))
		h->bsdh.bufs = htons(2 + rnd_below(f, NRX - 1));
	if (chance(f, 25))
		h->localrcvsz = htonl(chance(f, 50) ? 17 + rnd_below(f, 4096) :
				      (uint32_t)rnd(&f->rng) | 0x1000);
	if (chance(f, 25))
		h->desremrcvsz = htonl(rnd(&f->rng));
	if (chance(f, 25))
		h->bsdh.len = htonl(32 + rnd_below(f, 1u << 31));
	if (!bad) {
		fz_log(f, "hello ok");
		return len;
	}
	fz_log(f, "hello bad%u", k);
	switch (k) {
	case 0:
		h->majv_minv = (rnd_below(f, 15) + 3) << 4 | (rnd(&f->rng) & 0xf);
		break;
	case 1:
		/* the CM pads it with zeros: cut into localrcvsz, it is 0 */
		return rnd_below(f, offsetof(struct hh, localrcvsz) + 1);
	case 2:
		h->bsdh.mid = 1 + rnd_below(f, 255);
		break;
	case 3:
		h->bsdh.len = htonl(rnd_below(f, sizeof(*h)));
		break;
	case 4:
		h->bsdh.bufs = htons(rnd_below(f, 2));
		break;
	case 5:
		h->ipv_cap = (chance(f, 50) ? 0 : 0x50) | (rnd(&f->rng) & 0xf);
		break;
	case 6:
		h->max_adverts = 0;
		break;
	case 7:
		h->localrcvsz = htonl(rnd_below(f, 17));
		break;
	default:
		h->majv_minv = rnd(&f->rng) & 0x1f;
		break;
	}
	return len;
}

static void fz_fail(struct fz *f, const char *addr, const char *port,
		    const char *what)
{
	struct conn *c = f->c;

	printf("fuzz: FAIL connection %u (seed %llu): %s (disconnected %d, peer msgs %d, abortconn %d, disconn %d, error wc %s)\n",
	       c->gen, (unsigned long long)f->seed, what, c->disconnected,
	       c->n_rx, c->got_abort, c->got_disconn,
	       c->err_wc ? ibv_wc_status_str(c->first_err) : "none");
	printf("fuzz: sent (mid/flags/bufs/len/mseq/ack): %s\n", f->log);
	printf("fuzz: replay it: sdp-hostile %s %s %s %llu 1\n", f->mode, addr,
	       port, (unsigned long long)f->seed);
}

/*
 * On an established connection: a sequence, an end, the verdict.
 * Return: 1 as required, else 0 and *@what says why.
 */
static int fz_seq(struct fz *f, struct fz_count *n, const char **what)
{
	struct conn *c = f->c;
	int r, steps, ok = 0;

	for (steps = rnd_below(f, 12); steps > 0; steps--) {
		if (chance(f, 8)) {
			fz_violation(f);
			f->expect = FZ_PROTO;
			if (chance(f, 30))
				fz_junk(f);
			break;
		}
		if (fz_valid_step(f))
			break;
	}
	r = rnd_below(f, 100);
	/* no credit came back (after our bufs 0, say): just leave */
	if (f->expect == FZ_KEEP && r < 70 && !fz_credit(f))
		r = 100;
	if (f->expect == FZ_KEEP && (c->disconnected || c->got_abort)) {
		*what = "connection torn down during a valid sequence";
		return 0;
	}
	if (f->expect == FZ_KEEP && r < 55) {
		fz_log(f, " |disconn");
		fz_send(f, MID_DISCONN, 0, NRX, 16, c->mseq + 1, fz_ack(f), 16);
		if (chance(f, 15)) {
			fz_junk(f);
			f->expect = FZ_ANY;
		}
	} else if (f->expect == FZ_KEEP && r < 70) {
		fz_log(f, " |abort");
		fz_send(f, MID_ABORT, 0, NRX, 16, c->mseq + 1, fz_ack(f), 16);
		f->expect = FZ_RESET;
	}
	if (r >= 70 || (f->expect == FZ_PROTO && chance(f, 15))) {
		/* in the middle of it all: disconnect, or just go */
		if (chance(f, 50)) {
			fz_log(f, " |rdma_disconnect");
			rdma_disconnect(c->id);
		} else {
			fz_log(f, " |leave");
		}
		n->any++;
		return 1;
	}
	fz_poll(f, g_timeout_ms, FZ_GONE, 0);
	switch (f->expect) {
	case FZ_KEEP:
		ok = c->disconnected && c->got_disconn && !c->got_abort &&
		     !c->err_wc;
		*what = "valid sequence and DisConn not closed gracefully";
		n->graceful += ok;
		break;
	case FZ_PROTO:
		ok = c->disconnected;
		*what = "protocol error, connection NOT torn down";
		n->proto += ok;
		break;
	case FZ_RESET:
		ok = c->disconnected;
		*what = "AbortConn, connection NOT torn down";
		n->reset += ok;
		break;
	case FZ_ANY:
		ok = c->disconnected;
		*what = "connection never ended";
		n->any += ok;
		break;
	}
	return ok;
}

/* Count, report a failure, free the connection's id and QP; 1 if failed. */
static int fz_done(struct fz *f, const char *addr, const char *port,
		   struct fz_count *n, int ok, const char *what)
{
	struct conn *c = f->c;

	n->conns++;
	if (!ok)
		fz_fail(f, addr, port, what);
	if (c->id->qp)
		rdma_destroy_qp(c->id);
	rdma_destroy_id(c->id);
	c->id = NULL;
	return !ok;
}

/* Peer limits from its Hello or HelloAck. */
static void fz_peer(struct fz *f, uint16_t bufs, uint32_t rcvsz)
{
	f->peer_bufs = bufs;
	f->adv = bufs;
	rcvsz -= 16;
	f->maxpl = rcvsz < TX_SLOT - 16 ? rcvsz : TX_SLOT - 16;
}

/* One active connection: Hello, then fz_seq(); 1 if it failed. */
static int fz_conn(struct fz *f, const char *addr, const char *port,
		   struct fz_count *n)
{
	struct conn *c = f->c;
	const char *what = "";
	int bad = chance(f, 10), len, r, ok;
	struct hh h;

	len = fz_hello(f, &h, bad);
	conn_start(c, addr, port, &h, len);
	r = conn_wait_est(c, g_timeout_ms);
	if (bad || r) {
		ok = bad && r == 1 && c->reject_status == 28;
		n->refused += ok;
		return fz_done(f, addr, port, n, ok, !bad ? "good Hello not accepted" :
			       !r ? "bad Hello accepted" :
			       "bad Hello not refused by the SDP listener");
	}
	check_hah(c);
	fz_peer(f, ntohs(c->hah.bsdh.bufs), ntohl(c->hah.actrcvsz));
	r = fz_seq(f, n, &what);
	return fz_done(f, addr, port, n, r, what);
}

/* Fresh state for connection @i of the run with @seed; @c is kept. */
static void fz_reset(struct fz *f, struct conn *c, const char *mode,
		     uint64_t seed, int i)
{
	struct ibv_wc wc[16];

	memset(f, 0, sizeof(*f));
	f->mode = mode;
	f->c = c;
	f->seed = seed + i;
	f->rng = f->seed;
	c->gen = i;
	c->mseq = 0;
	c->flags = 0;
	c->disconnected = c->rejected = c->reject_status = 0;
	c->err_wc = c->n_rx = c->got_abort = c->got_disconn = 0;
	c->peer_mseq = 0;
	c->tx_out = 0;
	/* what earlier QPs left behind, flushed before they went */
	while (c->cq && ibv_poll_cq(c->cq, 16, wc) > 0)
		;
}

/* Connections @first, @first + @step, ... below @count, until @end. */
static void fz_part(const char *addr, const char *port, uint64_t seed,
		    int first, int step, int count, long end,
		    struct fz_count *n)
{
	struct conn c = {};
	struct fz f;
	int i;

	for (i = first; i < count && now_ms() < end && !n->failed; i += step) {
		fz_reset(&f, &c, "fuzz", seed, i);
		n->failed = fz_conn(&f, addr, port, n);
		if (n->conns % 500 == 0)
			printf("fuzz: [%d] %d connections\n", first, n->conns);
	}
	conn_free(&c);
}

/*
 * fuzz ADDR PORT SEED N [PROCS]: N connections, connection i from its
 * own seed SEED + i, so a failing one replays alone as
 * "fuzz ADDR PORT SEED+i 1"; PROCS processes (default 1) take every
 * PROCS-th one, at the same time.  New ones start for at most
 * $SDP_HOSTILE_FUZZ_SECS seconds (if set).
 */
static int run_fuzz(const char *addr, const char *port, const char *seed_s,
		    const char *count_s, const char *procs_s)
{
	const char *secs = getenv("SDP_HOSTILE_FUZZ_SECS");
	uint64_t seed = strtoull(seed_s, NULL, 0);
	long t0 = now_ms(), end = t0 + (secs ? atol(secs) * 1000 : LONG_MAX / 2);
	int j, count = atoi(count_s), procs = procs_s ? atoi(procs_s) : 1;
	struct fz_count n = {}, part;
	int pfd[2], rfd[16];
	pid_t pid;

	g_case = "fuzz";
	if (procs < 1 || procs > 16)
		die("1 to 16 processes");
	printf("fuzz: seed %llu, %d connections, %d processes%s%s s\n",
	       (unsigned long long)seed, count, procs,
	       secs ? ", at most " : "", secs ? secs : "");
	for (j = 0; j < procs; j++) {
		if (pipe(pfd))
			die("pipe: %s", strerror(errno));
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (!pid) {
			close(pfd[0]);
			memset(&part, 0, sizeof(part));
			fz_part(addr, port, seed, j, procs, count, end, &part);
			if (write(pfd[1], &part, sizeof(part)) != sizeof(part))
				_exit(2);
			_exit(0);
		}
		close(pfd[1]);
		rfd[j] = pfd[0];
	}
	for (j = 0; j < procs; j++) {
		if (read(rfd[j], &part, sizeof(part)) != sizeof(part)) {
			printf("fuzz: FAIL process %d died without a verdict\n", j);
			part.failed = 1;
		}
		close(rfd[j]);
		n.conns += part.conns;
		n.refused += part.refused;
		n.proto += part.proto;
		n.reset += part.reset;
		n.graceful += part.graceful;
		n.any += part.any;
		n.failed |= part.failed;
	}
	while (wait(NULL) > 0)
		;
	printf("fuzz: %s %d connections in %ld ms (seed %llu): %d refused at Hello, %d protocol errors torn down, %d AbortConn, %d graceful, %d left or racy\n",
	       n.failed ? "FAIL" : "ok", n.conns, now_ms() - t0,
	       (unsigned long long)seed, n.refused, n.proto, n.reset,
	       n.graceful, n.any);
	/* each refusal and protocol error counts one; a racy one may */
	printf("fuzz: proto_errors expected %d..%d\n", n.refused + n.proto,
	       n.refused + n.proto + n.any);
	if (n.failed)
		printf("fuzz: replay the run: sdp-hostile fuzz %s %s %llu %d %d\n",
		       addr, port, (unsigned long long)seed, n.conns, procs);
	return n.failed;
}

/*
 * A HelloAck, valid (some fields at their odd but legal values) or, with
 * @bad, broken in one field.  Return: its length.
 */
static int fz_hello_ack(struct fz *f, struct hah *a, int bad)
{
	int len = sizeof(*a) + rnd_below(f, 33);
	uint32_t k = rnd_below(f, 7);

	memset(a, 0, sizeof(*a));
	a->bsdh.mid = MID_HELLO_ACK;
	a->bsdh.bufs = htons(NRX);
	a->bsdh.len = htonl(sizeof(*a));
	a->majv_minv = 0x22;
	a->max_adverts = 1;
	a->actrcvsz = htonl(RX_SIZE);
	if (chance(f, 25))
		a->majv_minv = 0x20 | (rnd(&f->rng) & 0xf);
	if (chance(f, 25))
		a->max_adverts = 1 + rnd_below(f, 255);
	if (chance(f, 25))
		a->bsdh.bufs = htons(2 + rnd_below(f, NRX - 1));
	if (chance(f, 25))
		a->actrcvsz = htonl(17 + rnd_below(f, RX_SIZE - 16));
	if (chance(f, 25))
		a->bsdh.len = htonl(sizeof(*a) + rnd_below(f, 1u << 31));
	if (!bad) {
		fz_log(f, "helloack ok");
		return len;
	}
	fz_log(f, "helloack bad%u", k);
	switch (k) {
	case 0:
		a->majv_minv = (rnd_below(f, 15) + 3) << 4 | (rnd(&f->rng) & 0xf);
		break;
	case 1:
		/* the CM pads it with zeros: cut into actrcvsz, it is 0 */
		return rnd_below(f, offsetof(struct hah, actrcvsz) + 1);
	case 2:
		a->bsdh.mid = rnd(&f->rng);
		if (a->bsdh.mid == MID_HELLO_ACK)
			a->bsdh.mid = MID_HELLO;
		break;
	case 3:
		a->bsdh.len = htonl(rnd_below(f, sizeof(*a)));
		break;
	case 4:
		a->bsdh.bufs = htons(rnd_below(f, 2));
		break;
	case 5:
		a->max_adverts = 0;
		break;
	default:
		a->actrcvsz = htonl(rnd_below(f, 17));
		break;
	}
	return len;
}

/*
 * Wait for the next connect request (one fz_poll() kept, or a new one),
 * at most @ms.  Return: it (to be acked), or NULL.
 */
static struct rdma_cm_event *fz_next_req(struct rdma_event_channel *ch, int ms)
{
	struct rdma_cm_event *ev = g_fz_req;
	long end = now_ms() + ms;

	g_fz_req = NULL;
	while (!ev && now_ms() < end) {
		if (get_event(ch, 100, &ev))
			continue;
		if (ev->event == RDMA_CM_EVENT_CONNECT_REQUEST)
			break;
		/* late news of an id already gone */
		rdma_ack_cm_event(ev);
		ev = NULL;
	}
	return ev;
}

/* ESTABLISHED (1) or not (0) for our id within @ms; disconnects noted. */
static int fz_wait_est(struct fz *f, int ms)
{
	struct conn *c = f->c;
	long end = now_ms() + ms;
	struct rdma_cm_event *ev;
	int t;

	while (now_ms() < end && !c->disconnected) {
		if (get_event(c->ch, 100, &ev))
			continue;
		if (ev->event == RDMA_CM_EVENT_CONNECT_REQUEST && !g_fz_req) {
			g_fz_req = ev;
			continue;
		}
		t = ev->id == c->id ? (int)ev->event : -1;
		rdma_ack_cm_event(ev);
		if (t == RDMA_CM_EVENT_ESTABLISHED)
			return 1;
		if (t == RDMA_CM_EVENT_DISCONNECTED)
			c->disconnected = 1;
		else if (t >= 0)
			printf("fuzz-passive: event %s\n", rdma_event_str(t));
	}
	return 0;
}

/*
 * One passive connection: answer the connect request @ev with a HelloAck,
 * then fz_seq().  Return: 1 if it failed.
 */
static int fz_passive_conn(struct fz *f, struct rdma_cm_event *ev,
			   const char *addr, const char *port,
			   struct fz_count *n)
{
	struct rdma_conn_param cp = {};
	struct conn *c = f->c;
	const char *what = "";
	int bad = chance(f, 10), ok;
	struct hah a;
	struct hh h;

	memset(&h, 0, sizeof(h));
	memcpy(&h, ev->param.conn.private_data,
	       ev->param.conn.private_data_len < sizeof(h) ?
	       ev->param.conn.private_data_len : sizeof(h));
	c->id = ev->id;
	rdma_ack_cm_event(ev);
	conn_res(c, NRX);
	cp.private_data = &a;
	cp.private_data_len = fz_hello_ack(f, &a, bad);
	cp.retry_count = 7;
	cp.rnr_retry_count = 7;
	if (rdma_accept(c->id, &cp))
		die("rdma_accept: %s", strerror(errno));
	ok = fz_wait_est(f, g_timeout_ms);
	if (bad) {
		/* the connecting side must give up on it */
		fz_poll(f, g_timeout_ms, FZ_GONE, 0);
		n->refused += c->disconnected;
		return fz_done(f, addr, port, n, c->disconnected,
			       "bad HelloAck, connection NOT torn down");
	}
	if (!ok)
		return fz_done(f, addr, port, n, 0, "good HelloAck, not established");
	fz_peer(f, ntohs(h.bsdh.bufs), ntohl(h.localrcvsz));
	ok = fz_seq(f, n, &what);
	return fz_done(f, addr, port, n, ok, what);
}

/*
 * fuzz-passive ADDR PORT SEED N: listen with rdma_cm and take N real SDP
 * connects (fuzz-client), connection i driven by seed SEED + i: a valid
 * or broken HelloAck, then the fuzz's sequences.  Ends after N, after
 * $SDP_HOSTILE_FUZZ_SECS, or once no connect came for 10 s.
 */
static int run_fuzz_passive(const char *addr, const char *port,
			    const char *seed_s, const char *count_s)
{
	const char *secs = getenv("SDP_HOSTILE_FUZZ_SECS");
	uint64_t seed = strtoull(seed_s, NULL, 0);
	long t0 = now_ms(), end = t0 + (secs ? atol(secs) * 1000 : LONG_MAX / 2);
	int i, count = atoi(count_s);
	struct rdma_cm_id *lid = NULL;
	struct rdma_cm_event *ev;
	struct fz_count n = {};
	struct sockaddr_in sin;
	struct conn c = {};
	struct fz f;

	g_case = "fuzz-passive";
	make_addr(&sin, addr, port);
	c.ch = rdma_create_event_channel();
	if (!c.ch || rdma_create_id(c.ch, &lid, NULL, RDMA_PS_TCP))
		die("rdma_create_id: %s", strerror(errno));
	if (rdma_bind_addr(lid, (struct sockaddr *)&sin) || rdma_listen(lid, 8))
		die("bind/listen: %s", strerror(errno));
	printf("fuzz-passive: listening, seed %llu, %d connections%s%s s\n",
	       (unsigned long long)seed, count, secs ? ", at most " : "",
	       secs ? secs : "");
	fflush(stdout);
	for (i = 0; i < count && now_ms() < end && !n.failed; i++) {
		ev = fz_next_req(c.ch, i ? 10000 : 30000);
		if (!ev)
			break;
		fz_reset(&f, &c, "fuzz-passive", seed, i);
		n.failed = fz_passive_conn(&f, ev, addr, port, &n);
	}
	if (!n.conns) {
		printf("fuzz-passive: FAIL no connect came\n");
		n.failed = 1;
	}
	printf("fuzz-passive: %s %d connections in %ld ms (seed %llu): %d bad HelloAcks refused, %d protocol errors torn down, %d AbortConn, %d graceful, %d left or racy\n",
	       n.failed ? "FAIL" : "ok", n.conns, now_ms() - t0,
	       (unsigned long long)seed, n.refused, n.proto, n.reset,
	       n.graceful, n.any);
	printf("fuzz-passive: proto_errors expected %d..%d\n",
	       n.refused + n.proto, n.refused + n.proto + n.any);
	/* the client's connect that came too late: refuse it */
	ev = g_fz_req;
	g_fz_req = NULL;
	if (ev) {
		rdma_reject(ev->id, NULL, 0);
		rdma_ack_cm_event(ev);
	}
	rdma_destroy_id(lid);
	conn_free(&c);
	return n.failed;
}

/*
 * fuzz-client ADDR PORT SECS: real AF_INET_SDP connects, one after the
 * other, for fuzz-passive: each sends random bytes (now and then an
 * urgent one), shuts down writing and reads to the end.  Stops after
 * SECS, or when refused (fuzz-passive is gone).
 */
static int run_fuzz_client(const char *addr, const char *port, int secs)
{
	struct timeval tv = { .tv_sec = 20 };
	int fd, k, e, conns = 0, est = 0, eof = 0, cerr = 0, rerr = 0;
	int eproto = 0;
	long end = now_ms() + secs * 1000L;
	struct sockaddr_in sin;
	static char buf[4096];

	g_case = "fuzz-client";
	make_addr(&sin, addr, port);
	while (now_ms() < end) {
		fd = sdp_socket();
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		conns++;
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
			e = errno;
			close(fd);
			if (e == ECONNREFUSED)
				break;
			cerr++;
			eproto += e == EPROTO;
			continue;
		}
		est++;
		k = 1 + rand() % sizeof(buf);
		memset(buf, 'a' + conns % 26, k);
		send(fd, buf, k, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (!(rand() % 4))
			send(fd, "!", 1, MSG_OOB | MSG_DONTWAIT | MSG_NOSIGNAL);
		shutdown(fd, SHUT_WR);
		while ((k = recv(fd, buf, sizeof(buf), 0)) > 0)
			;
		if (k)
			rerr++;
		else
			eof++;
		close(fd);
	}
	printf("fuzz-client: %d connects: %d established (%d read to eof, %d ended in an error), %d failed (%d EPROTO)\n",
	       conns, est, eof, rerr, cerr, eproto);
	return 0;
}

/*
 * fuzz-server ADDR PORT IDLE_SECS: a real AF_INET_SDP listener for the
 * fuzz: accepts any number of connections, reads each (random sizes,
 * urgent bytes with MSG_OOB, every other one SO_OOBINLINE) until EOF or
 * error, closes it; exits on SIGTERM, or once nothing happened for
 * IDLE_SECS.
 */
#define FZ_SRV_MAX	256
static volatile sig_atomic_t g_stop;

static void on_sigterm(int sig)
{
	g_stop = sig;
}

static int run_fuzz_server(const char *addr, const char *port, int idle)
{
	struct pollfd p[1 + FZ_SRV_MAX];
	int lfd, fd, i, k, np = 1, acc = 0, eof = 0, reset = 0, eproto = 0;
	int other = 0, urg = 0, one = 1;
	long bytes = 0, last = now_ms();
	static char buf[65536];
	struct sigaction sa = { .sa_handler = on_sigterm };	/* no SA_RESTART */

	g_case = "fuzz-server";
	sigaction(SIGTERM, &sa, NULL);
	lfd = sdp_listen(addr, port, 64);
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	p[0].fd = lfd;
	p[0].events = POLLIN;
	printf("fuzz-server: listening\n");
	fflush(stdout);
	while (!g_stop && (np > 1 || now_ms() - last < idle * 1000L)) {
		if (poll(p, np, 100) <= 0)
			continue;
		while (np <= FZ_SRV_MAX &&
		       (fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
			if (acc++ & 1)
				setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &one,
					   sizeof(one));
			p[np].fd = fd;
			p[np].events = POLLIN | POLLPRI;
			p[np++].revents = 0;
			last = now_ms();
		}
		for (i = 1; i < np; i++) {
			if (!p[i].revents)
				continue;
			if ((p[i].revents & POLLPRI) &&
			    recv(p[i].fd, buf, 1, MSG_OOB) == 1)
				urg++;
			k = recv(p[i].fd, buf, 1 + rand() % sizeof(buf), 0);
			if (k > 0) {
				bytes += k;
				last = now_ms();
				continue;
			}
			if (k < 0 && errno == EAGAIN)
				continue;
			if (!k)
				eof++;
			else if (errno == ECONNRESET)
				reset++;
			else if (errno == EPROTO)
				eproto++;
			else
				other++;
			close(p[i].fd);
			p[i--] = p[--np];
			last = now_ms();
		}
	}
	printf("fuzz-server: accepted %d: %d eof, %d ECONNRESET, %d EPROTO, %d other errors; %ld bytes, %d urgent\n",
	       acc, eof, reset, eproto, other, bytes, urg);
	close(lfd);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sdp-hostile CASE ADDR PORT [ARG]\n"
		"       sdp-hostile passive VARIANT ADDR PORT\n"
		"       sdp-hostile server ADDR PORT [ACCEPT_SECS]\n"
		"       sdp-hostile server-hold ADDR PORT BACKLOG SECS\n"
		"       sdp-hostile client ADDR PORT\n"
		"       sdp-hostile fuzz ADDR PORT SEED N [PROCS]\n"
		"       sdp-hostile fuzz-server ADDR PORT IDLE_SECS\n"
		"       sdp-hostile fuzz-passive ADDR PORT SEED N\n"
		"       sdp-hostile fuzz-client ADDR PORT SECS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *t = getenv("SDP_HOSTILE_TIMEOUT_MS");

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (t)
		g_timeout_ms = atoi(t);
	if (argc < 4)
		usage();
	g_case = argv[1];
	if (!strcmp(argv[1], "server"))
		return run_server(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 20);
	if (!strcmp(argv[1], "server-hold")) {
		if (argc < 6)
			usage();
		return run_server_hold(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	}
	if (!strcmp(argv[1], "client"))
		return run_client(argv[2], argv[3]);
	if (!strcmp(argv[1], "fuzz-server"))
		return run_fuzz_server(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 5);
	if (!strcmp(argv[1], "fuzz-client"))
		return run_fuzz_client(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 60);
	if (!strcmp(argv[1], "fuzz-passive")) {
		if (argc < 6)
			usage();
		return run_fuzz_passive(argv[2], argv[3], argv[4], argv[5]);
	}
	if (!strcmp(argv[1], "fuzz")) {
		if (argc < 6)
			usage();
		return run_fuzz(argv[2], argv[3], argv[4], argv[5],
				argc > 6 ? argv[6] : NULL);
	}
	if (!strcmp(argv[1], "passive")) {
		if (argc < 5)
			usage();
		return run_passive(argv[2], argv[3], argv[4]);
	}
	return run_active(argv[1], argv[2], argv[3], argc > 4 ? argv[4] : NULL);
}
