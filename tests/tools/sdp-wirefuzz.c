// SPDX-License-Identifier: GPL-2.0
/*
 * sdp-wirefuzz: a seeded wire fuzz of sdp.ko, from a raw librdmacm peer
 * (RDMA_PS_TCP, RC QP, our own Hello/HelloAck/BSDH; hostile-wire.c) and
 * real AF_INET_SDP sockets on the other side.  sdp-hostile checks each
 * attack alone; this mixes them, valid traffic around them, by the
 * thousand.
 *
 * sdp-wirefuzz active ADDR PORT SEED N [PROCS]
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
 *   $SDP_WIREFUZZ_SECS (if set) bounds how long new ones start.
 * sdp-wirefuzz passive ADDR PORT SEED N
 *   the same as the listener: each real connect() (client) gets a valid
 *   or broken HelloAck (then the connect must fail, counted), then the
 *   same sequences; ends after N, the time above, or 10 s without a
 *   connect.
 *
 * The real sockets on the other side:
 *   sdp-wirefuzz server ADDR PORT IDLE_SECS
 *     active's listener: accept everything, read each connection in
 *     random sizes (urgent bytes too) to its end, close it; on SIGTERM or
 *     after IDLE_SECS of nothing print what it saw and exit
 *   sdp-wirefuzz client ADDR PORT SECS
 *     connects one after the other for passive, each sending random
 *     bytes (maybe one urgent), shutting down and reading to the end;
 *     stops after SECS or once refused
 *
 * Output lines start with fuzz:, fuzz-passive:, fuzz-server: and
 * fuzz-client:; a verdict is "ok" or "FAIL", setup problems exit 2.
 * $SDP_HOSTILE_TIMEOUT_MS (default 15000) bounds each wait for the peer.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hostile-wire.h"

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
	const char *mode;	/* "active" or "passive", to replay */
	struct conn *c;
	uint64_t seed;		/* this connection's; "fuzz A P SEED 1" replays it */
	uint64_t rng;
	enum fz_expect expect;
	uint32_t adv;		/* the highest mseq the peer surely allows */
	uint32_t ack;		/* the last mseq_ack of a valid message of ours */
	uint32_t maxpl;		/* payload that fits its buffers and our slot */
	char log[3072];		/* what we sent, printed on failure */
	size_t loglen;
};

/* passive: a connect request that came while fz_poll() was busy */
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
		n = ibv_poll_cq(c->cq, 16, wc);
		if (n > 0) {
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
			g_fz_req = ev;	/* the next one (passive) */
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
		 * nothing more.  Its ring grows past its Hello's bufs with
		 * use, to at most SDP_RX_RING_MAX beyond the mseq it last saw
		 * from us; in-order messages up to what it advertised each
		 * find a buffer, and so does the first one past it: the
		 * overrun, wherever the peer's ring stands.
		 */
		end = c->mseq + SDP_RX_RING_MAX + 1;
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
	printf("fuzz: replay it: sdp-wirefuzz %s %s %s %llu 1\n", f->mode, addr,
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
		fz_reset(&f, &c, "active", seed, i);
		n->failed = fz_conn(&f, addr, port, n);
		if (n->conns % 500 == 0)
			printf("fuzz: [%d] %d connections\n", first, n->conns);
	}
	conn_free(&c);
}

/* When new connections stop: @secs (if set) after @t0. */
static long fz_end(long t0, const char *secs)
{
	return t0 + (secs ? atol(secs) * 1000 : LONG_MAX / 2);
}

/*
 * active ADDR PORT SEED N [PROCS]: N connections, connection i from its
 * own seed SEED + i, so a failing one replays alone as
 * "active ADDR PORT SEED+i 1"; PROCS processes (default 1) take every
 * PROCS-th one, at the same time.  New ones start for at most
 * $SDP_WIREFUZZ_SECS seconds (if set).
 */
static int run_active(const char *addr, const char *port, const char *seed_s,
		      const char *count_s, const char *procs_s)
{
	const char *secs = getenv("SDP_WIREFUZZ_SECS");
	uint64_t seed = strtoull(seed_s, NULL, 0);
	long t0 = now_ms(), end = fz_end(t0, secs);
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
		printf("fuzz: replay the run: sdp-wirefuzz active %s %s %llu %d %d\n",
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

	fill_hello_ack(a);
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
	struct conn *c = f->c;
	const char *what = "";
	int bad = chance(f, 10), ok;
	struct hah a;
	struct hh h;

	req_hello(&h, ev);
	c->id = ev->id;
	rdma_ack_cm_event(ev);
	conn_res(c, NRX);
	conn_accept(c, &a, fz_hello_ack(f, &a, bad));
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
 * passive ADDR PORT SEED N: listen with rdma_cm and take N real SDP
 * connects (client), connection i driven by seed SEED + i: a valid
 * or broken HelloAck, then the fuzz's sequences.  Ends after N, after
 * $SDP_WIREFUZZ_SECS, or once no connect came for 10 s.
 */
static int run_passive(const char *addr, const char *port,
		       const char *seed_s, const char *count_s)
{
	const char *secs = getenv("SDP_WIREFUZZ_SECS");
	uint64_t seed = strtoull(seed_s, NULL, 0);
	long t0 = now_ms(), end = fz_end(t0, secs);
	int i, count = atoi(count_s);
	struct rdma_cm_id *lid;
	struct rdma_cm_event *ev;
	struct fz_count n = {};
	struct conn c = {};
	struct fz f;

	g_case = "fuzz-passive";
	c.ch = rdma_create_event_channel();
	lid = cm_listener(c.ch, addr, port, 8);
	printf("fuzz-passive: listening, seed %llu, %d connections%s%s s\n",
	       (unsigned long long)seed, count, secs ? ", at most " : "",
	       secs ? secs : "");
	fflush(stdout);
	for (i = 0; i < count && now_ms() < end && !n.failed; i++) {
		ev = fz_next_req(c.ch, i ? 10000 : 30000);
		if (!ev)
			break;
		fz_reset(&f, &c, "passive", seed, i);
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
 * client ADDR PORT SECS: real AF_INET_SDP connects, one after the
 * other, for passive: each sends random bytes (now and then an
 * urgent one), shuts down writing and reads to the end.  Stops after
 * SECS, or when refused (passive is gone).
 */
static int run_client(const char *addr, const char *port, int secs)
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
 * server ADDR PORT IDLE_SECS: a real AF_INET_SDP listener for the
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

static int run_server(const char *addr, const char *port, int idle)
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

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: sdp-wirefuzz active ADDR PORT SEED N [PROCS]\n"
		"       sdp-wirefuzz passive ADDR PORT SEED N\n"
		"       sdp-wirefuzz server ADDR PORT IDLE_SECS\n"
		"       sdp-wirefuzz client ADDR PORT SECS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 4)
		usage();
	wire_init(argv[1]);
	if (!strcmp(argv[1], "server"))
		return run_server(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 5);
	if (!strcmp(argv[1], "client"))
		return run_client(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 60);
	if (argc < 6)
		usage();
	if (!strcmp(argv[1], "passive"))
		return run_passive(argv[2], argv[3], argv[4], argv[5]);
	if (!strcmp(argv[1], "active"))
		return run_active(argv[2], argv[3], argv[4], argv[5],
				  argc > 6 ? argv[6] : NULL);
	usage();
}
