// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: observability of live sockets, like ss(8) for SDP.
 *
 * Each namespace keeps a list of its SDP sockets (sdp_net.conns): a socket
 * is listed from the moment it listens, starts connecting or (child) is
 * created for a connection request, until its connection is torn down.
 * The conn-get dump walks that list; conn-up and conn-down notifications
 * go to the "events" group when a connection is established and when it
 * ends.
 *
 * Dump safety: a socket unlinks itself under sdp_net.conn_lock before its
 * memory can go (teardown, or at the latest its sk_destruct), and the dump
 * fills each message into the skb it was given while holding that lock,
 * so every socket it looks at stays valid; nothing in the fill sleeps or
 * allocates.  Parts of a dump resume by position; the list generation is
 * the dump's sequence number, so a reader learns (NLM_F_DUMP_INTR) that
 * sockets came or went between parts.
 *
 * Socket fields are read without sdp_sock.lock (READ_ONCE), as
 * /proc/net/tcp reads TCP sockets: a busy connection's values are a
 * snapshot, not a consistent one.
 */

#include <linux/bitops.h>
#include <linux/cred.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/sock_diag.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "sdp.h"
#include "sock.h"
#include "diag.h"

/**
 * sdp_diag_net_init() - set up a namespace's socket list
 * @sn: the namespace's state
 */
void sdp_diag_net_init(struct sdp_net *sn)
{
	spin_lock_init(&sn->conn_lock);
	INIT_LIST_HEAD(&sn->conns);
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
	WARN_ON_ONCE(!list_empty(&sn->conns));
}

/**
 * sdp_diag_sock_init() - initialise a new socket's diag state
 * @ssk: the socket, not yet visible to anyone
 */
void sdp_diag_sock_init(struct sdp_sock *ssk)
{
	INIT_LIST_HEAD(&ssk->diag.node);
	ssk->diag.tx_bytes = 0;
	ssk->diag.rx_bytes = 0;
	ssk->diag.flags = 0;
}

/* A change of the list; the generation is never 0 (0: no dump check). */
static void sdp_diag_gen_bump(struct sdp_net *sn)
{
	if (!++sn->conn_gen)
		sn->conn_gen = 1;
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

	spin_lock_bh(&sn->conn_lock);
	if (list_empty(&ssk->diag.node)) {
		list_add_tail(&ssk->diag.node, &sn->conns);
		sdp_diag_gen_bump(sn);
	}
	spin_unlock_bh(&sn->conn_lock);
}

/**
 * sdp_diag_unlink() - take a socket off its namespace's list (if listed)
 * @ssk: the socket
 *
 * Any context but hard interrupt; sdp_sock.lock may be held.  Must run
 * before the socket is freed (sk_destruct at the latest).
 */
void sdp_diag_unlink(struct sdp_sock *ssk)
{
	struct sdp_net *sn = sdp_net(sock_net(&ssk->sk));

	spin_lock_bh(&sn->conn_lock);
	if (!list_empty(&ssk->diag.node)) {
		list_del_init(&ssk->diag.node);
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

	txq = READ_ONCE(ssk->tx_out_bytes);
	if (READ_ONCE(ssk->tx_pend) >= 0)
		txq += READ_ONCE(ssk->tx_pend_len);
	credits = READ_ONCE(ssk->tx_credits);
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
	    nla_put_u32(skb, SDP_A_CONN_RX_POSTED, READ_ONCE(ssk->rx_posted)) ||
	    nla_put_u32(skb, SDP_A_CONN_TX_QUEUED, txq) ||
	    nla_put_u32(skb, SDP_A_CONN_RX_QUEUED, READ_ONCE(ssk->rx_queued)) ||
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

/**
 * sdp_nl_conn_get_dumpit() - the conn-get dump
 * @skb: the part being filled
 * @cb: the dump; cb->args[0] is the list position to resume at
 *
 * Return: as for any dumpit.
 */
int sdp_nl_conn_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sdp_net *sn = sdp_net(sock_net(skb->sk));
	unsigned long pos = 0, start = cb->args[0];
	struct sdp_diag_sock *d;
	int err = 0;

	spin_lock_bh(&sn->conn_lock);
	cb->seq = sn->conn_gen;
	list_for_each_entry(d, &sn->conns, node) {
		if (pos < start) {
			pos++;
			continue;
		}
		err = sdp_diag_fill(skb, container_of(d, struct sdp_sock, diag),
				    NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI,
				    SDP_CMD_CONN_GET, cb);
		if (err)
			break;
		pos++;
	}
	spin_unlock_bh(&sn->conn_lock);
	cb->args[0] = pos;

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
