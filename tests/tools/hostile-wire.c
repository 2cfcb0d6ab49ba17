// SPDX-License-Identifier: GPL-2.0
/* What sdp-hostile and sdp-wirefuzz share; see hostile-wire.h. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "hostile-wire.h"

const char *g_case;
int g_nrx = NRX;
int g_timeout_ms = 15000;

/* @name for die(); line-buffered output and $SDP_HOSTILE_TIMEOUT_MS. */
void wire_init(const char *name)
{
	const char *t = getenv("SDP_HOSTILE_TIMEOUT_MS");

	g_case = name;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (t)
		g_timeout_ms = atoi(t);
}

void __attribute__((noreturn, format(printf, 1, 2)))
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

long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

void make_addr(struct sockaddr_in *sin, const char *addr, const char *port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(atoi(port));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		die("bad address %s", addr);
}

int sdp_socket(void)
{
	int fd = socket(AF_INET_SDP, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket(AF_INET_SDP): %s", strerror(errno));
	return fd;
}

int sdp_listen(const char *addr, const char *port, int backlog)
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

int get_event(struct rdma_event_channel *ch, int ms, struct rdma_cm_event **ev)
{
	struct pollfd p = { .fd = ch->fd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return -1;
	return rdma_get_cm_event(ch, ev);
}

/* Wait for event @want; anything else, or nothing within @ms, is fatal. */
static int expect_event(struct rdma_event_channel *ch,
			enum rdma_cm_event_type want, int ms)
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

/* An rdma_cm listener on @addr:@port, its events on @ch. */
struct rdma_cm_id *cm_listener(struct rdma_event_channel *ch,
			       const char *addr, const char *port,
			       int backlog)
{
	struct rdma_cm_id *lid = NULL;
	struct sockaddr_in sin;

	make_addr(&sin, addr, port);
	if (!ch || rdma_create_id(ch, &lid, NULL, RDMA_PS_TCP))
		die("rdma_create_id: %s", strerror(errno));
	if (rdma_bind_addr(lid, (struct sockaddr *)&sin) ||
	    rdma_listen(lid, backlog))
		die("bind/listen: %s", strerror(errno));
	return lid;
}

/* The Hello of connect request @ev; what it lacks is zero. */
void req_hello(struct hh *h, const struct rdma_cm_event *ev)
{
	memset(h, 0, sizeof(*h));
	memcpy(h, ev->param.conn.private_data,
	       ev->param.conn.private_data_len < sizeof(*h) ?
	       ev->param.conn.private_data_len : sizeof(*h));
}

int post_recv_try(struct conn *c, int i)
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
void conn_res(struct conn *c, int nrx)
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

void fill_hello(struct hh *h, int port)
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

/* A valid HelloAck announcing our NRX buffers of RX_SIZE. */
void fill_hello_ack(struct hah *a)
{
	memset(a, 0, sizeof(*a));
	a->bsdh.mid = MID_HELLO_ACK;
	a->bsdh.bufs = htons(NRX);
	a->bsdh.len = htonl(sizeof(*a));
	a->majv_minv = 0x22;
	a->max_adverts = 1;
	a->actrcvsz = htonl(RX_SIZE);
}

/* Resolve, set up, send the REQ with @pd/@pdlen; no waiting for the REP. */
void conn_start(struct conn *c, const char *addr, const char *port,
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

/* Accept the connect request on @c->id with HelloAck @a (@len bytes). */
void conn_accept(struct conn *c, const struct hah *a, int len)
{
	struct rdma_conn_param cp = {
		.private_data = a, .private_data_len = len,
		.retry_count = 7, .rnr_retry_count = 7,
	};

	if (rdma_accept(c->id, &cp))
		die("rdma_accept: %s", strerror(errno));
}

/* Wait for the REP: 0 established (HelloAck saved), 1 rejected. */
int conn_wait_est(struct conn *c, int ms)
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

void check_hah(struct conn *c)
{
	struct hah *a = &c->hah;

	if (a->bsdh.mid != MID_HELLO_ACK || ntohl(a->bsdh.len) < 24 ||
	    ntohs(a->bsdh.bufs) < 2 || a->majv_minv >> 4 != 2 ||
	    a->max_adverts < 1 || ntohl(a->actrcvsz) <= 16)
		die("bad HelloAck: mid %#x len %u bufs %u ver %#x maxadv %u rcvsz %u",
		    a->bsdh.mid, ntohl(a->bsdh.len), ntohs(a->bsdh.bufs),
		    a->majv_minv, a->max_adverts, ntohl(a->actrcvsz));
}

static char *big_buf(struct conn *c)
{
	return tx_base(c) + (size_t)NTX * TX_SLOT;
}

/*
 * Queue one message: BSDH with @mid/@bufs/@lenf/@mseq/@ack, then @pl
 * (@pln bytes); @total bytes are actually sent (the BSDH is cut off if
 * @total < 16).  Messages larger than a slot use the big area.
 * Return: 0 or ibv_post_send()'s error.
 */
int post_msg(struct conn *c, uint8_t mid, uint16_t bufs, uint32_t lenf,
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

void conn_free(struct conn *c)
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

