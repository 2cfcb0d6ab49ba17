// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: sending.  sendmsg() copies into send slots (sdp_sendmsg(), as
 * smc_tx_sendmsg()).  Every SDP message is one SEND of one send slot
 * into one receive buffer the peer posted; the BSDH is filled in at post
 * time so that mseq, mseq_ack and bufs are current and messages leave in
 * mseq order.  The message functions run with sdp_sock.lock held (any
 * context) unless noted; sendmsg() and its helpers hold the socket lock.
 */

#include <linux/sched/signal.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "sdp.h"
#include "sock.h"

/**
 * sdp_tx_get_slot() - take a free send slot
 * @ssk: the socket; lock held
 *
 * Return: slot index, or -1 if all slots are in flight.
 */
int sdp_tx_get_slot(struct sdp_sock *ssk)
{
	int i = ssk->tx.free;

	if (i < 0)
		return -1;
	ssk->tx.free = ssk->tx.bufs[i].next_free;
	ssk->tx.nfree--;
	return i;
}

/**
 * sdp_tx_put_slot() - give a send slot back
 * @ssk: the socket; lock held
 * @slot: index from sdp_tx_get_slot()
 */
void sdp_tx_put_slot(struct sdp_sock *ssk, int slot)
{
	ssk->tx.bufs[slot].next_free = ssk->tx.free;
	ssk->tx.free = slot;
	ssk->tx.nfree++;
}

/* The BSDH of a message of @len bytes, current as it is posted. */
static void sdp_bsdh_fill(const struct sdp_sock *ssk, struct sdp_bsdh *h,
			  u8 mid, u8 flags, u32 len)
{
	h->mid = mid;
	h->flags = flags;
	h->bufs = cpu_to_be16(ssk->rx.posted);
	h->len = cpu_to_be32(len);
	h->mseq = cpu_to_be32(ssk->tx.seq);
	h->mseq_ack = cpu_to_be32(ssk->rx.seq);
}

/*
 * Post the BSDH at @h and @paylen bytes at @payload, copied into the work
 * request now, from the CPU's addresses (inline data is never DMA-read):
 * they may be on the stack.
 */
static int sdp_post_inline(struct sdp_sock *ssk, struct ib_cqe *cqe,
			   struct sdp_bsdh *h, void *payload, u32 paylen)
{
	struct ib_sge inl[2] = {
		{
			.addr = (uintptr_t)h,
			.length = SDP_BSDH_LEN,
			.lkey = ssk->pd->local_dma_lkey,
		}, {
			.addr = (uintptr_t)payload,
			.length = paylen,
			.lkey = ssk->pd->local_dma_lkey,
		},
	};
	struct ib_send_wr wr = {
		.wr_cqe = cqe,
		.opcode = IB_WR_SEND,
		.send_flags = IB_SEND_SIGNALED | IB_SEND_INLINE,
		.sg_list = inl,
		.num_sge = paylen ? 2 : 1,
	};

	return ib_post_send(ssk->qp, &wr, NULL);
}

/* A message of @paylen payload bytes has been posted: count it. */
static void sdp_tx_posted(struct sdp_sock *ssk, u8 mid, u32 paylen)
{
	struct net *net = sock_net(&ssk->sk);

	ssk->tx.seq++;
	ssk->tx.credits--;
	ssk->tx.out++;
	sdp_tx_progress(ssk, false);
	ssk->tx.out_bytes += paylen;
	ssk->tx.out_data += !!paylen;
	/* The peer now knows every buffer we have posted. */
	ssk->rx.adv = ssk->rx.seq + ssk->rx.posted;

	sdp_stats_msg(net, SDP_TX, mid);
	sdp_stats_hist(net, SDP_HIST_TX_MSG_SIZE, SDP_BSDH_LEN + paylen);
	if (paylen) {
		sdp_stats_add(net, SDP_STAT_TX_BYTES, paylen);
		sdp_diag_tx(&ssk->diag, paylen);
	}
}

/* A message may go: the QP is up and the peer has a buffer for it. */
static int sdp_tx_may_post(const struct sdp_sock *ssk)
{
	if (ssk->qp_dead || !ssk->qp)
		return -ENOTCONN;
	return ssk->tx.credits < 1 ? -EAGAIN : 0;
}

/**
 * sdp_post_msg() - send one message
 * @ssk: the socket; lock held
 * @slot: send slot holding @paylen payload bytes after the BSDH
 * @mid: message id
 * @flags: BSDH flags (SDP_BSDH_OOB_*)
 * @paylen: payload bytes
 *
 * Needs one credit: a message never goes to a buffer the peer has not
 * posted.  On failure the slot is given back.
 *
 * Return: 0, -EAGAIN without a credit, -ENOTCONN if the QP is gone, or
 * the error of ib_post_send().
 */
int sdp_post_msg(struct sdp_sock *ssk, int slot, u8 mid, u8 flags,
		 u32 paylen)
{
	struct sdp_tx_buf *tb = &ssk->tx.bufs[slot];
	u32 len = SDP_BSDH_LEN + paylen;
	struct ib_send_wr wr = {};
	struct ib_sge *last;
	u32 nsge, last_len;
	int err;

	err = sdp_tx_may_post(ssk);
	if (err)
		goto err;
	sdp_bsdh_fill(ssk, tb->mem.hdr, mid, flags, len);
	tb->cqe.done = sdp_tx_done;
	if (len <= ssk->tx.inline_max) {
		err = sdp_post_inline(ssk, &tb->cqe, tb->mem.hdr, tb->mem.addr,
				      paylen);
	} else {
		/*
		 * The BSDH and the pages holding @paylen bytes; the verbs
		 * copy the list at post time, so the last entry is trimmed
		 * just for the call.
		 */
		sdp_buf_sync(ssk->pd->device, &tb->mem, len, DMA_TO_DEVICE,
			     false);
		nsge = sdp_buf_sges(len);
		last = &tb->mem.sge[nsge - 1];
		last_len = last->length;
		if (nsge > 1)
			last->length = paylen - (nsge - 2) * PAGE_SIZE;
		wr.wr_cqe = &tb->cqe;
		wr.opcode = IB_WR_SEND;
		wr.send_flags = IB_SEND_SIGNALED;
		wr.sg_list = tb->mem.sge;
		wr.num_sge = nsge;
		err = ib_post_send(ssk->qp, &wr, NULL);
		last->length = last_len;
	}
	if (err)
		goto err;
	tb->len = paylen;
	sdp_tx_posted(ssk, mid, paylen);
	return 0;

err:
	sdp_tx_put_slot(ssk, slot);
	return err;
}

/**
 * sdp_tx_push() - post the slot being filled (sdp_sock.tx.pend)
 * @ssk: the socket; lock held
 *
 * It stays back while TCP_CORK / MSG_MORE hold it and it is neither full
 * nor urgent, or while data may not use the credits left (the last ones,
 * the reserve, are kept for control messages).
 *
 * Return: 0 if nothing is left to push, -EAGAIN if it stays back, or
 * the error of sdp_post_msg() (the data is dropped).
 */
int sdp_tx_push(struct sdp_sock *ssk)
{
	int slot = ssk->tx.pend, err;
	u8 flags = 0;

	if (slot < 0)
		return 0;
	if (sdp_tx_pend_held(ssk))
		return -EAGAIN;
	if (ssk->tx.credits < max(ssk->tx.reserve, 1)) {
		sdp_tx_progress(ssk, false);
		return -EAGAIN;
	}
	if (ssk->tx.pend_oob)
		flags = SDP_BSDH_OOB_PRES | SDP_BSDH_OOB_PEND;
	/* Has a credit, so it is sent or (QP gone) dropped. */
	ssk->tx.pend = -1;
	ssk->tx.pend_oob = false;
	err = sdp_post_msg(ssk, slot, SDP_MID_DATA, flags, ssk->tx.pend_len);
	ssk->tx.pend_len = 0;
	return err;
}

/**
 * sdp_post_ctrl() - post a message without payload
 * @ssk: the socket; lock held
 * @mid: DisConn, AbortConn, or Data (a credit update)
 *
 * Inline from the stack where the device takes a BSDH inline, so that a
 * connection needs no send slot until it sends data; else from a slot.
 *
 * Return: 0, -EAGAIN without a credit or room (SDP_TX_CTRL_MAX in
 * flight, or no free slot), or as sdp_post_msg().
 */
int sdp_post_ctrl(struct sdp_sock *ssk, u8 mid)
{
	struct sdp_bsdh h;
	int slot, err;

	if (!sdp_tx_ctrl_inline(ssk)) {
		slot = sdp_tx_get_slot(ssk);
		if (slot < 0)
			return -EAGAIN;
		return sdp_post_msg(ssk, slot, mid, 0, 0);
	}
	if (ssk->tx.ctrl_out >= SDP_TX_CTRL_MAX)
		return -EAGAIN;
	err = sdp_tx_may_post(ssk);
	if (err)
		return err;
	sdp_bsdh_fill(ssk, &h, mid, 0, SDP_BSDH_LEN);
	err = sdp_post_inline(ssk, &ssk->tx.ctrl_cqe, &h, NULL, 0);
	if (err)
		return err;
	ssk->tx.ctrl_out++;
	sdp_tx_posted(ssk, mid, 0);
	return 0;
}

/**
 * sdp_try_disconn() - send a wanted DisConn if credits allow
 * @ssk: the socket; lock held
 *
 * DisConn carries no credits, so (CA4-82) it needs two credits, leaving
 * the last one for a credit update.
 *
 * Return: true if DisConn has been sent (now or before).
 */
bool sdp_try_disconn(struct sdp_sock *ssk)
{
	if (ssk->disconn_sent)
		return true;
	if (!ssk->disconn_want || ssk->conn_done || ssk->qp_dead || !ssk->tx.bufs)
		return false;
	/* Data held back goes first. */
	ssk->tx.pend_hold = false;
	ssk->tx.pend_autocork = false;
	if (sdp_tx_push(ssk))
		return false;
	if (ssk->tx.credits < max(ssk->tx.reserve, 1))
		return false;
	if (sdp_post_ctrl(ssk, SDP_MID_DISCONN))
		return false;
	ssk->disconn_sent = true;
	return true;
}

/**
 * sdp_maybe_credit_update() - send a zero-length Data if the peer should
 *	learn about buffers we reposted
 * @ssk: the socket; lock held
 *
 * Sent when at least credit-update-threshold (at most half the ring)
 * reposted buffers are unadvertised, or when the peer may be stalled
 * (its view of its credits is down to the reserve).  May use the last
 * credit: a credit update is the one message CA4-82 allows with it.
 */
void sdp_maybe_credit_update(struct sdp_sock *ssk)
{
	struct net *net = sock_net(&ssk->sk);
	u32 unadv, peer_view, thr;

	if (ssk->conn_done || ssk->qp_dead || !ssk->tx.bufs || ssk->tx.credits < 1)
		return;
	unadv = ssk->rx.seq + ssk->rx.posted - ssk->rx.adv;
	if (!unadv || (s32)unadv < 0)
		return;
	peer_view = ssk->rx.adv - ssk->rx.seq;
	thr = min_t(u64, sdp_tun(net, SDP_TUN_CREDIT_UPDATE_THRESHOLD),
		    max(ssk->rx.ring / 2, 1U));
	if (unadv < thr && peer_view > SDP_CREDIT_RESERVE)
		return;
	if (!sdp_post_ctrl(ssk, SDP_MID_DATA))
		sdp_stats_inc(net, SDP_STAT_CREDIT_UPDATES);
}

/* A send completed (softirq): what it frees may let more go.  Lock held. */
static void sdp_tx_completed(struct sdp_sock *ssk, struct ib_wc *wc)
{
	struct sock *sk = &ssk->sk;

	if (wc->status != IB_WC_SUCCESS) {
		if (!sdp_wc_err_expected(ssk, wc->status))
			sdp_wc_failed(ssk, wc, "send");
	} else {
		sdp_tx_push(ssk);
		sdp_try_disconn(ssk);
		sdp_maybe_credit_update(ssk);
		sdp_tx_progress(ssk, true);
	}
	if (ssk->closing && !ssk->tx.out)
		sdp_conn_kick(ssk, 0);
	sk->sk_write_space(sk);
}

/**
 * sdp_tx_done() - send completion of a slot (softirq)
 * @cq: the send CQ
 * @wc: the completion
 */
void sdp_tx_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct sdp_tx_buf *tb = container_of(wc->wr_cqe, struct sdp_tx_buf,
					     cqe);
	struct sdp_sock *ssk = tb->ssk;

	spin_lock_bh(&ssk->lock);
	ssk->tx.out--;
	ssk->tx.out_bytes -= tb->len;
	ssk->tx.out_data -= !!tb->len;
	tb->len = 0;
	sdp_tx_put_slot(ssk, tb - ssk->tx.bufs);
	sdp_tx_completed(ssk, wc);
	spin_unlock_bh(&ssk->lock);
}

/**
 * sdp_tx_ctrl_done() - send completion of an inline control message
 * @cq: the send CQ
 * @wc: the completion
 */
void sdp_tx_ctrl_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct sdp_sock *ssk = container_of(wc->wr_cqe, struct sdp_sock,
					    tx.ctrl_cqe);

	spin_lock_bh(&ssk->lock);
	ssk->tx.out--;
	ssk->tx.ctrl_out--;
	sdp_tx_completed(ssk, wc);
	spin_unlock_bh(&ssk->lock);
}

/* sendmsg() has something to look at. */
static bool sdp_tx_ready(const struct sdp_sock *ssk, const void *arg)
{
	const struct sock *sk = &ssk->sk;

	return sdp_tx_data_ok(ssk) || READ_ONCE(sk->sk_err) ||
	       (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN) ||
	       READ_ONCE(ssk->conn_done);
}

/*
 * sendmsg() could send now but for a free slot: one more, up to
 * tx-queue-depth; the first whatever the credits.  Without it (memory
 * budget) the slots in flight come back.  Socket locked.
 *
 * Return: 0 if a slot was added, -EAGAIN if none is to be, or as
 * sdp_buf_add().
 */
static int sdp_tx_grow(struct sdp_sock *ssk)
{
	u32 i = ssk->tx.ring;
	int err;

	if (i >= ssk->tx.num || READ_ONCE(ssk->tx.pend) >= 0 ||
	    READ_ONCE(ssk->tx.nfree) ||
	    (i && READ_ONCE(ssk->tx.credits) <= READ_ONCE(ssk->tx.reserve)))
		return -EAGAIN;
	mutex_lock(&ssk->res_mutex);
	err = sdp_buf_add(ssk, &ssk->tx.bufs[i].mem, ssk->tx.size,
			  DMA_TO_DEVICE);
	if (!err) {
		spin_lock_bh(&ssk->lock);
		WRITE_ONCE(ssk->tx.ring, i + 1);
		sdp_tx_put_slot(ssk, i);
		spin_unlock_bh(&ssk->lock);
	}
	mutex_unlock(&ssk->res_mutex);
	return err;
}

/* Wait until data may be sent; socket locked. */
static int sdp_wait_tx(struct sdp_sock *ssk, long *timeo, bool *stalled)
{
	struct sock *sk = &ssk->sk;
	int err = 0;

	for (;;) {
		if (sk->sk_err) {
			err = sock_error(sk);
			break;
		}
		if ((READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN) ||
		    READ_ONCE(ssk->conn_done)) {
			err = -EPIPE;
			break;
		}
		if (!READ_ONCE(ssk->tx.ring)) {
			/* The first slot: no slot in flight would free one. */
			err = sdp_tx_grow(ssk);
			if (err == -ENOTCONN)
				err = sock_error(sk) ?: -EPIPE;
			if (err)
				break;
		}
		if (sdp_tx_data_ok(ssk) || !sdp_tx_grow(ssk))
			break;
		if (!*stalled && READ_ONCE(ssk->tx.nfree)) {
			*stalled = true;
			sdp_stats_inc(sock_net(sk), SDP_STAT_CREDIT_STALLS);
		}
		/* Blocking or not, the program's data waits from now on. */
		spin_lock_bh(&ssk->lock);
		if (!ssk->tx.blocked && !sdp_tx_data_ok(ssk)) {
			ssk->tx.blocked = true;
			sdp_tx_progress(ssk, false);
		}
		spin_unlock_bh(&ssk->lock);
		err = sdp_wait(ssk, timeo, sdp_tx_ready, NULL);
		if (err)
			break;
	}
	return err;
}

/*
 * A MSG_OOB send ended early: its last byte copied is the urgent one, as
 * in TCP.  It is still in the slot being filled unless that slot was
 * full and went out; then the mark is lost (docs/protocol.md).  Socket
 * locked.
 */
static void sdp_tx_mark_urgent(struct sdp_sock *ssk)
{
	spin_lock_bh(&ssk->lock);
	if (ssk->tx.pend >= 0) {
		ssk->tx.pend_oob = true;
		sdp_tx_push(ssk);
	}
	spin_unlock_bh(&ssk->lock);
}

/**
 * sdp_sendmsg() - proto_ops.sendmsg of AF_INET_SDP
 * @sock: the socket
 * @msg: what to send
 * @len: its length
 *
 * Return: bytes taken, or a negative errno.
 */
int sdp_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct socket *tcp = sdp_tcp_sock(sock);
	struct sock *sk = sock->sk;
	struct sdp_sock *ssk = sdp_sk(sk);
	bool oob = msg->msg_flags & MSG_OOB, stalled = false, corked = false;
	bool hold, autocork;
	size_t copied = 0;
	long timeo;
	int err = 0;

	if (unlikely(tcp))
		return tcp->ops->sendmsg(tcp, msg, len);
	lock_sock(sk);
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	if (sk->sk_state == TCP_SYN_SENT) {
		err = timeo ? sdp_wait_connect(ssk, &timeo) : -EAGAIN;
		if (err)
			goto out;
	}
	if (sk->sk_state != TCP_ESTABLISHED || !ssk->tx.bufs) {
		/* As TCP: the pending error first, then EPIPE. */
		err = sock_error(sk) ?: -EPIPE;
		goto out;
	}

	hold = READ_ONCE(ssk->cork) || (msg->msg_flags & MSG_MORE);
	autocork = !READ_ONCE(ssk->nodelay) &&
		   sdp_tun(sock_net(sk), SDP_TUN_AUTOCORK);
	while (copied < len) {
		u32 maxpay = sdp_tx_max_payload(ssk), plen = 0;
		size_t n;
		int slot;

		err = sdp_wait_tx(ssk, &timeo, &stalled);
		if (err)
			break;
		spin_lock_bh(&ssk->lock);
		slot = ssk->tx.pend;
		if (slot >= 0 && !ssk->tx.pend_oob &&
		    ssk->tx.pend_len < maxpay) {
			/* Append to the slot held back; ours while we copy. */
			plen = ssk->tx.pend_len;
			ssk->tx.pend = -1;
		} else if (slot < 0 && sdp_tx_data_ok(ssk)) {
			slot = sdp_tx_get_slot(ssk);
		} else {
			slot = -1;
		}
		spin_unlock_bh(&ssk->lock);
		if (slot < 0)
			continue;
		n = min_t(size_t, len - copied, maxpay - plen);
		if (!copy_from_iter_full(ssk->tx.bufs[slot].mem.addr + plen,
					 n, &msg->msg_iter)) {
			spin_lock_bh(&ssk->lock);
			if (plen)
				ssk->tx.pend = slot;
			else
				sdp_tx_put_slot(ssk, slot);
			spin_unlock_bh(&ssk->lock);
			err = -EFAULT;
			break;
		}
		copied += n;
		spin_lock_bh(&ssk->lock);
		ssk->tx.pend = slot;
		ssk->tx.pend_len = plen + n;
		ssk->tx.pend_hold = hold;
		ssk->tx.pend_autocork = autocork;
		/* MSG_OOB: the last byte of the call is urgent, as in TCP. */
		ssk->tx.pend_oob = oob && copied == len;
		/* -EAGAIN: held back, or sent once credits come (rx.c). */
		err = sdp_tx_push(ssk);
		if (err == -EAGAIN && !corked && !hold &&
		    sdp_tx_pend_held(ssk)) {
			corked = true;
			sdp_stats_inc(sock_net(sk), SDP_STAT_AUTOCORKED);
		}
		spin_unlock_bh(&ssk->lock);
		if (err && err != -EAGAIN) {
			err = -EPIPE;
			break;
		}
		err = 0;
	}
	if (oob && copied && copied < len)
		sdp_tx_mark_urgent(ssk);
	sdp_stats_hist(sock_net(sk), SDP_HIST_SENDMSG_SIZE, copied);
out:
	release_sock(sk);
	if (copied)
		return copied;
	if (err == -EPIPE && !(msg->msg_flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	return err;
}
