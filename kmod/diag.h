/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdp: observability of live sockets (diag.c): the per-netns socket tree
 * behind the conn-get dump, per-socket byte counters, and the conn-up /
 * conn-down notifications on the "events" group.
 *
 * Locks: sdp_net.conn_lock (spinlock, BH) guards sdp_net.conns,
 * sdp_net.conn_seq, sdp_net.conn_gen and each socket's sdp_diag_sock.node
 * and .seq.  It is taken inside sdp_sock.lock if the caller holds
 * that (never the reverse: nothing but sk_callback_lock, read side, is
 * taken inside it), so sdp_diag_link() and sdp_diag_unlink() may be called
 * with or without sdp_sock.lock, from process or softirq context.
 */
#ifndef _SDP_DIAG_H
#define _SDP_DIAG_H

#include <linux/bitops.h>
#include <linux/rbtree.h>
#include <linux/types.h>

struct netlink_callback;
struct sdp_net;
struct sdp_sock;
struct sk_buff;

/**
 * struct sdp_diag_sock - what diag.c keeps in each socket
 * @node: in sdp_net.conns, keyed by @seq, while listed (under
 *	sdp_net.conn_lock); RB_EMPTY_NODE() otherwise
 * @seq: the socket's key in sdp_net.conns: 0 until first listed, then
 *	taken from sdp_net.conn_seq and kept for the socket's life, so a
 *	dump resuming after the last key it sent lists a socket at most once
 * @tx_bytes: payload bytes posted (written under sdp_sock.lock)
 * @rx_bytes: payload bytes received (written under sdp_sock.lock)
 * @flags: SDP_DIAG_* bits (atomic bit operations)
 *
 * The counters are read locklessly by the dump (READ_ONCE).
 */
struct sdp_diag_sock {
	struct rb_node node;
	u64 seq;
	u64 tx_bytes;
	u64 rx_bytes;
	unsigned long flags;
};

/* conn-up was reached (and announced); conn-down is still owed. */
#define SDP_DIAG_UP	0
/* The TCP socket underneath was seen established; conn-up is yet to go. */
#define SDP_DIAG_TCP_UP	1

/* Called by main.c for each namespace. */
void sdp_diag_net_init(struct sdp_net *sn);
void sdp_diag_net_exit(struct sdp_net *sn);

/* Called by the data path. */
void sdp_diag_sock_init(struct sdp_sock *ssk);
void sdp_diag_link(struct sdp_sock *ssk);
void sdp_diag_unlink(struct sdp_sock *ssk);
void sdp_diag_conn_up(struct sdp_sock *ssk);
void sdp_diag_conn_down(struct sdp_sock *ssk);

/* Called by netlink.c: the conn-get dump. */
int sdp_diag_walk(struct sdp_net *sn, u64 *after, u32 *gen,
		  int (*visit)(struct sdp_sock *ssk, void *arg), void *arg);

/* netlink.c: conn-up and conn-down. */
void sdp_nl_conn_notify(struct sdp_sock *ssk, u8 cmd);

/**
 * sdp_diag_tx() - count payload bytes sent on a socket
 * @d: the socket's &struct sdp_diag_sock; sdp_sock.lock held
 * @bytes: payload bytes
 */
static inline void sdp_diag_tx(struct sdp_diag_sock *d, u32 bytes)
{
	WRITE_ONCE(d->tx_bytes, d->tx_bytes + bytes);
}

/**
 * sdp_diag_rx() - count payload bytes received on a socket
 * @d: the socket's &struct sdp_diag_sock; sdp_sock.lock held
 * @bytes: payload bytes
 */
static inline void sdp_diag_rx(struct sdp_diag_sock *d, u32 bytes)
{
	WRITE_ONCE(d->rx_bytes, d->rx_bytes + bytes);
}

#endif /* _SDP_DIAG_H */
