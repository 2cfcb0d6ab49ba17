// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: observability of live sockets, like ss(8) for SDP.
 *
 * Each namespace keeps its SDP sockets in a tree (sdp_net.conns): a socket
 * is listed from the moment it listens, starts connecting or (child) is
 * created for a connection request, until its connection is torn down.
 * The conn-get dump (netlink.c) walks that tree with sdp_diag_walk();
 * conn-up and conn-down notifications go to the "events" group when a
 * connection is established and when it ends.
 *
 * The tree is an rbtree keyed by a per-socket sequence number
 * (sdp_diag_sock.seq), handed out from sdp_net.conn_seq when the socket
 * is first listed and kept for its life.  A dump part resumes at the
 * first key above the last one it sent, found in O(log n), so each part
 * holds the lock (bottom halves off) for that search plus one skb's worth
 * of sockets, whatever the number of sockets; a walk from the head each
 * part would be quadratic over a dump, and any user may start one.
 * A socket keeps its key, so a dump lists every socket that stays for all
 * of it exactly once and none twice; a socket first listed during a dump
 * gets a key above all others, so the dump's later parts list it.
 *
 * Dump safety: a socket unlinks itself under sdp_net.conn_lock before its
 * memory can go (teardown, or at the latest its sk_destruct), and the walk
 * hands each socket to the dump, which fills its message into the skb it
 * was given, while holding that lock,
 * so every socket it looks at stays valid; nothing in the fill sleeps or
 * allocates.  Between parts the dump keeps only a key, never a pointer,
 * so a socket unlinked meanwhile is simply not found.  The tree's
 * generation is the dump's sequence number, so a reader learns
 * (NLM_F_DUMP_INTR) that sockets came or went between parts.
 *
 * Socket fields are read without sdp_sock.lock (READ_ONCE), as
 * /proc/net/tcp reads TCP sockets: a busy connection's values are a
 * snapshot, not a consistent one.
 */

#include <linux/bitops.h>
#include <linux/cred.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/rbtree.h>
#include <linux/sock_diag.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "sdp.h"
#include "sock.h"
#include "diag.h"

/**
 * sdp_diag_net_init() - set up a namespace's socket tree
 * @sn: the namespace's state
 */
void sdp_diag_net_init(struct sdp_net *sn)
{
	spin_lock_init(&sn->conn_lock);
	sn->conns = RB_ROOT;
	sn->conn_seq = 0;
	sn->conn_gen = 1;
}

/**
 * sdp_diag_net_exit() - a namespace goes
 * @sn: the namespace's state
 *
 * Every user socket holds a reference to its namespace, so none is listed.
 */
void sdp_diag_net_exit(struct sdp_net *sn)
{
	WARN_ON_ONCE(!RB_EMPTY_ROOT(&sn->conns));
}

/**
 * sdp_diag_sock_init() - initialise a new socket's diag state
 * @ssk: the socket, not yet visible to anyone
 */
void sdp_diag_sock_init(struct sdp_sock *ssk)
{
	RB_CLEAR_NODE(&ssk->diag.node);
	ssk->diag.seq = 0;
	ssk->diag.tx_bytes = 0;
	ssk->diag.rx_bytes = 0;
	ssk->diag.flags = 0;
}

/* A change of the tree; the generation is never 0 (0: no dump check). */
static void sdp_diag_gen_bump(struct sdp_net *sn)
{
	if (!++sn->conn_gen)
		sn->conn_gen = 1;
}

static bool sdp_diag_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct sdp_diag_sock, node)->seq <
	       rb_entry(b, struct sdp_diag_sock, node)->seq;
}

/**
 * sdp_diag_link() - list a socket in its namespace (if not listed yet)
 * @ssk: the socket
 *
 * Any context but hard interrupt; sdp_sock.lock may be held.
 */
void sdp_diag_link(struct sdp_sock *ssk)
{
	struct sdp_net *sn = sdp_net(sock_net(&ssk->sk));
	struct sdp_diag_sock *d = &ssk->diag;

	spin_lock_bh(&sn->conn_lock);
	if (RB_EMPTY_NODE(&d->node)) {
		/* Listed again: same key, so a dump still lists it once. */
		if (!d->seq)
			d->seq = ++sn->conn_seq;
		rb_add(&d->node, &sn->conns, sdp_diag_less);
		sdp_diag_gen_bump(sn);
	}
	spin_unlock_bh(&sn->conn_lock);
}

/**
 * sdp_diag_unlink() - take a socket out of its namespace's tree (if listed)
 * @ssk: the socket
 *
 * Any context but hard interrupt; sdp_sock.lock may be held.  Must run
 * before the socket is freed (sk_destruct at the latest).
 */
void sdp_diag_unlink(struct sdp_sock *ssk)
{
	struct sdp_net *sn = sdp_net(sock_net(&ssk->sk));

	spin_lock_bh(&sn->conn_lock);
	if (!RB_EMPTY_NODE(&ssk->diag.node)) {
		rb_erase(&ssk->diag.node, &sn->conns);
		RB_CLEAR_NODE(&ssk->diag.node);
		sdp_diag_gen_bump(sn);
	}
	spin_unlock_bh(&sn->conn_lock);
}

/* ---- walking the tree ----------------------------------------------------- */

/* The listed socket with the smallest key above @seq, or NULL. */
static struct rb_node *sdp_diag_first_after(struct sdp_net *sn, u64 seq)
{
	struct rb_node *n = sn->conns.rb_node, *found = NULL;

	lockdep_assert_held(&sn->conn_lock);
	while (n) {
		if (rb_entry(n, struct sdp_diag_sock, node)->seq > seq) {
			found = n;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return found;
}

/**
 * sdp_diag_walk() - visit a namespace's listed sockets in key order
 * @sn: the namespace's state
 * @after: visit the sockets with a key above this one; set to the key of
 *	each socket @visit took
 * @gen: set to the tree's generation (see sdp_net.conn_gen)
 * @visit: called for each socket under sdp_net.conn_lock (bottom halves
 *	off: it must not sleep); a non-zero return stops the walk and leaves
 *	@after at the socket before
 * @arg: passed to @visit
 *
 * Each call resumes in O(log n) after the last key, so a caller may walk
 * in parts, keeping only the key between them (see the top of the file).
 *
 * Return: 0 after the last socket, or what @visit returned.
 */
int sdp_diag_walk(struct sdp_net *sn, u64 *after, u32 *gen,
		  int (*visit)(struct sdp_sock *ssk, void *arg), void *arg)
{
	struct sdp_diag_sock *d;
	struct rb_node *n;
	int err = 0;

	spin_lock_bh(&sn->conn_lock);
	*gen = sn->conn_gen;
	for (n = sdp_diag_first_after(sn, *after); n; n = rb_next(n)) {
		d = rb_entry(n, struct sdp_diag_sock, node);
		err = visit(container_of(d, struct sdp_sock, diag), arg);
		if (err)
			break;
		*after = d->seq;
	}
	spin_unlock_bh(&sn->conn_lock);
	return err;
}

/* ---- events --------------------------------------------------------------- */

/**
 * sdp_diag_conn_up() - a connection was established: conn-up
 * @ssk: the socket, now established
 *
 * Process context, no spinlock held (rdma_cm handlers).  Owes the
 * connection one conn-down.
 */
void sdp_diag_conn_up(struct sdp_sock *ssk)
{
	if (!test_and_set_bit(SDP_DIAG_UP, &ssk->diag.flags))
		sdp_nl_conn_notify(ssk, SDP_CMD_CONN_UP_NTF);
}

/**
 * sdp_diag_conn_down() - an established connection ended: conn-down
 * @ssk: the socket
 *
 * Process context, no spinlock held.  Sends at most one conn-down per
 * conn-up, whichever caller (DISCONNECTED handler, teardown) comes first.
 */
void sdp_diag_conn_down(struct sdp_sock *ssk)
{
	if (test_and_clear_bit(SDP_DIAG_UP, &ssk->diag.flags))
		sdp_nl_conn_notify(ssk, SDP_CMD_CONN_DOWN_NTF);
}
