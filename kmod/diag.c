// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: observability of live sockets, like ss(8) for SDP.
 *
 * Each namespace keeps its SDP sockets in a tree (sdp_net.conns): a socket
 * is listed from the moment it listens, starts connecting or (child) is
 * created for a connection request, until its connection is torn down.
 * The conn-get dump walks that tree; conn-up and conn-down notifications
 * go to the "events" group when a connection is established and when it
 * ends.
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
 * memory can go (teardown, or at the latest its sk_destruct), and the dump
 * fills each message into the skb it was given while holding that lock,
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

/* ---- one socket as a message ---------------------------------------------- */

static size_t sdp_diag_msg_size(void)
{
	return 3 * nla_total_size(sizeof(u16)) +	/* family, ports */
	       2 * nla_total_size(SDP_ADDR_MAX_LEN) +	/* addresses */
	       nla_total_size(sizeof(u8)) +		/* state */
	       5 * nla_total_size(sizeof(u32)) +	/* credits .. uid */
	       4 * nla_total_size_64bit(sizeof(u64));	/* bytes, inode, cookie */
}

/* Address bytes of @ss if it is of @family, else zeros; length returned. */
static int sdp_diag_addr(const struct sockaddr_storage *ss, u16 family,
			 u8 *out)
{
	memset(out, 0, SDP_ADDR_MAX_LEN);
	if (family == AF_INET6) {
		if (ss->ss_family == AF_INET6)
			memcpy(out, &((const struct sockaddr_in6 *)ss)->sin6_addr,
			       sizeof(struct in6_addr));
		return sizeof(struct in6_addr);
	}
	if (ss->ss_family == AF_INET)
		memcpy(out, &((const struct sockaddr_in *)ss)->sin_addr,
		       sizeof(struct in_addr));
	return sizeof(struct in_addr);
}

static int sdp_diag_put(struct sk_buff *skb, struct sdp_sock *ssk)
{
	struct sock *sk = &ssk->sk;
	struct sockaddr_storage laddr, raddr;
	u8 lbytes[SDP_ADDR_MAX_LEN], rbytes[SDP_ADDR_MAX_LEN];
	u32 cookie[2], txq;
	int alen, credits;
	u16 family;

	/* Racy copies (see the top); only ever written while connecting. */
	memcpy(&laddr, &ssk->laddr, sizeof(laddr));
	memcpy(&raddr, &ssk->raddr, sizeof(raddr));
	family = raddr.ss_family ?: laddr.ss_family;
	if (family != AF_INET6)
		family = AF_INET;
	alen = sdp_diag_addr(&laddr, family, lbytes);
	sdp_diag_addr(&raddr, family, rbytes);

	txq = READ_ONCE(ssk->tx.out_bytes);
	if (READ_ONCE(ssk->tx.pend) >= 0)
		txq += READ_ONCE(ssk->tx.pend_len);
	credits = READ_ONCE(ssk->tx.credits);
	sock_diag_save_cookie(sk, cookie);

	if (nla_put_u16(skb, SDP_A_CONN_FAMILY, family) ||
	    nla_put(skb, SDP_A_CONN_LOCAL_ADDR, alen, lbytes) ||
	    nla_put_u16(skb, SDP_A_CONN_LOCAL_PORT,
			ntohs(sdp_addr_port(&laddr))) ||
	    (raddr.ss_family &&
	     (nla_put(skb, SDP_A_CONN_REMOTE_ADDR, alen, rbytes) ||
	      nla_put_u16(skb, SDP_A_CONN_REMOTE_PORT,
			  ntohs(sdp_addr_port(&raddr))))) ||
	    nla_put_u8(skb, SDP_A_CONN_STATE, READ_ONCE(sk->sk_state)) ||
	    nla_put_u64_64bit(skb, SDP_A_CONN_TX_BYTES,
			      READ_ONCE(ssk->diag.tx_bytes), SDP_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SDP_A_CONN_RX_BYTES,
			      READ_ONCE(ssk->diag.rx_bytes), SDP_A_CONN_PAD) ||
	    nla_put_u32(skb, SDP_A_CONN_TX_CREDITS, max(credits, 0)) ||
	    nla_put_u32(skb, SDP_A_CONN_RX_POSTED, READ_ONCE(ssk->rx.posted)) ||
	    nla_put_u32(skb, SDP_A_CONN_TX_QUEUED, txq) ||
	    nla_put_u32(skb, SDP_A_CONN_RX_QUEUED, READ_ONCE(ssk->rx.queued)) ||
	    nla_put_u32(skb, SDP_A_CONN_UID,
			from_kuid_munged(sock_net(sk)->user_ns,
					 sock_i_uid(sk))) ||
	    nla_put_u64_64bit(skb, SDP_A_CONN_INODE, sock_i_ino(sk),
			      SDP_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SDP_A_CONN_COOKIE,
			      (u64)cookie[1] << 32 | cookie[0], SDP_A_CONN_PAD))
		return -EMSGSIZE;
	return 0;
}

/* One message for @ssk: a dump part (@cb set) or a notification. */
static int sdp_diag_fill(struct sk_buff *skb, struct sdp_sock *ssk, u32 portid,
			 u32 seq, int flags, u8 cmd, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &sdp_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		nl_dump_check_consistent(cb, genlmsg_nlhdr(hdr));
	if (sdp_diag_put(skb, ssk)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* What a conn-get dump keeps between parts, in netlink_callback.ctx. */
struct sdp_diag_dump {
	u64 last;	/* key of the last socket sent; 0 before the first */
};

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
 * sdp_nl_conn_get_dumpit() - the conn-get dump
 * @skb: the part being filled
 * @cb: the dump; its ctx is a &struct sdp_diag_dump (zeroed by netlink
 *	when the dump starts)
 *
 * Each part resumes after the last key sent (see the top of the file).
 *
 * Return: as for any dumpit.
 */
int sdp_nl_conn_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sdp_diag_dump *dump = (struct sdp_diag_dump *)cb->ctx;
	struct sdp_net *sn = sdp_net(sock_net(skb->sk));
	struct sdp_diag_sock *d;
	struct rb_node *n;
	int err = 0;

	BUILD_BUG_ON(sizeof(*dump) > sizeof(cb->ctx));
	spin_lock_bh(&sn->conn_lock);
	cb->seq = sn->conn_gen;
	for (n = sdp_diag_first_after(sn, dump->last); n; n = rb_next(n)) {
		d = rb_entry(n, struct sdp_diag_sock, node);
		err = sdp_diag_fill(skb, container_of(d, struct sdp_sock, diag),
				    NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI,
				    SDP_CMD_CONN_GET, cb);
		if (err)
			break;
		dump->last = d->seq;
	}
	spin_unlock_bh(&sn->conn_lock);

	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/* ---- events --------------------------------------------------------------- */

/* Process context: the message is built with GFP_KERNEL. */
static void sdp_diag_ntf(struct sdp_sock *ssk, u8 cmd)
{
	struct net *net = sock_net(&ssk->sk);
	struct sk_buff *msg;

	might_sleep();
	if (!sdp_nl_listening(net))
		return;
	msg = genlmsg_new(sdp_diag_msg_size(), GFP_KERNEL);
	if (!msg)
		return;
	if (sdp_diag_fill(msg, ssk, 0, 0, 0, cmd, NULL)) {
		nlmsg_free(msg);
		return;
	}
	sdp_nl_event(net, msg, GFP_KERNEL);
}

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
		sdp_diag_ntf(ssk, SDP_CMD_CONN_UP_NTF);
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
		sdp_diag_ntf(ssk, SDP_CMD_CONN_DOWN_NTF);
}
