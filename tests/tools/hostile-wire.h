/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile-wire: what sdp-hostile and sdp-wirefuzz share to speak SDP
 * themselves: the wire format, a raw rdma_cm/verbs connection (RC QP,
 * our own Hello, HelloAck and BSDH), AF_INET_SDP sockets, setup errors.
 */
#ifndef HOSTILE_WIRE_H
#define HOSTILE_WIRE_H

#include <netinet/in.h>
#include <stdint.h>
#include <stddef.h>

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
/* The most receive buffers sdp.ko posts: the rx-buffers tunable's max. */
#define SDP_RX_RING_MAX	1024

#define BSDH_OOB_PRES	0x01

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

static inline char *rx_buf(struct conn *c, int i)
{
	return c->mem + (size_t)i * RX_SIZE;
}

static inline char *tx_base(struct conn *c)
{
	return c->mem + (size_t)NRX * RX_SIZE;
}

extern const char *g_case;	/* what die() and reports name */
extern int g_nrx;		/* receives really posted at connect */
extern int g_timeout_ms;	/* for the teardown to be seen */

void wire_init(const char *name);
void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...);
long now_ms(void);
void make_addr(struct sockaddr_in *sin, const char *addr, const char *port);

int sdp_socket(void);
int sdp_listen(const char *addr, const char *port, int backlog);

int get_event(struct rdma_event_channel *ch, int ms, struct rdma_cm_event **ev);
struct rdma_cm_id *cm_listener(struct rdma_event_channel *ch,
			       const char *addr, const char *port,
			       int backlog);
void req_hello(struct hh *h, const struct rdma_cm_event *ev);
int post_recv_try(struct conn *c, int i);
void conn_res(struct conn *c, int nrx);
void fill_hello(struct hh *h, int port);
void fill_hello_ack(struct hah *a);
void conn_start(struct conn *c, const char *addr, const char *port,
		const void *pd, int pdlen);
void conn_accept(struct conn *c, const struct hah *a, int len);
int conn_wait_est(struct conn *c, int ms);
void check_hah(struct conn *c);
int post_msg(struct conn *c, uint8_t mid, uint16_t bufs, uint32_t lenf,
	     uint32_t mseq, uint32_t ack, const void *pl, uint32_t pln,
	     uint32_t total);
void conn_free(struct conn *c);

#endif
