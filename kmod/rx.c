// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: receiving messages.  Receive completions arrive in softirq
 * (IB_POLL_SOFTIRQ) in mseq order; each one is checked against the BSDH
 * rules, Data with payload is queued for recvmsg() and every other
 * buffer is reposted at once.  Anything the peer gets wrong aborts this
 * connection only.
 */

#include "sdp.h"
#include "sock.h"

/**
 * sdp_post_recv() - post one receive buffer
 * @ssk: the socket; lock held
 * @rb: an idle buffer of @ssk
 *
 * Return: 0, -ENOTCONN if the QP is gone, or the error of ib_post_recv().
 */
int sdp_post_recv(struct sdp_sock *ssk, struct sdp_rx_buf *rb)
{
	struct ib_recv_wr wr = {};
	int err;

	if (ssk->qp_dead || !ssk->qp)
		return -ENOTCONN;
	sdp_buf_sync(ssk->pd->device, &rb->mem, ssk->rx_size, DMA_FROM_DEVICE,
		     false);
	rb->cqe.done = sdp_rx_done;
	wr.wr_cqe = &rb->cqe;
	wr.sg_list = rb->mem.sge;
	wr.num_sge = rb->mem.nsge;
	err = ib_post_recv(ssk->qp, &wr, NULL);
	if (err)
		return err;
	rb->posted = true;
	ssk->rx_posted++;
	return 0;
}

/* The peer broke the protocol: abort this connection; lock held. */
static int sdp_proto_err(struct sdp_sock *ssk, const char *what, u32 val)
{
	struct net *net = sock_net(&ssk->sk);

	net_warn_ratelimited("sdp: protocol error from peer: %s (%u); connection aborted\n",
			     what, val);
	sdp_stats_inc(net, SDP_STAT_PROTO_ERRORS);
	sdp_conn_fail(ssk, EPROTO, true);
	return -EPROTO;
}

/* Repost a buffer whose message needs no further storage; lock held. */
static void sdp_rx_recycle(struct sdp_sock *ssk, struct sdp_rx_buf *rb)
{
	int err = sdp_post_recv(ssk, rb);

	if (err && err != -ENOTCONN)
		sdp_conn_fail(ssk, ECONNRESET, false);
}

/*
 * The Data message just queued ends with an urgent byte: it becomes the
 * mark, replacing an older one as TCP's newer urgent pointer does.  An
 * older urgent byte still ahead of the reader stays in the stream unless
 * it is out of line and the reader is right at it: then it is skipped, as
 * the reader would have done.  Lock held.
 */
static void sdp_rx_urgent(struct sdp_sock *ssk, struct sdp_rx_buf *rb)
{
	struct sock *sk = &ssk->sk;
	u8 byte = *((u8 *)rb->mem.addr + SDP_BSDH_LEN + rb->len - 1);

	if (ssk->rx_urg && ssk->rx_urg_seq == ssk->rx_copied &&
	    !sock_flag(sk, SOCK_URGINLINE)) {
		ssk->rx_hole = true;
		ssk->rx_hole_seq = ssk->rx_urg_seq;
	}
	ssk->rx_urg_seq = ssk->rx_copied + ssk->rx_queued - 1;
	WRITE_ONCE(ssk->rx_urg, SDP_URG_VALID | byte);
}

/*
 * SIGURG to the socket's owner.  close() may be orphaning the socket right
 * now, and the file's owner data goes right after ->release returns (6.12
 * frees file->f_owner in __fput): sock_orphan() marks the socket dead and
 * clears sk_socket under the write side of sk_callback_lock, so with the
 * read side held a live socket's file stays valid.  Lock held.
 */
static void sdp_rx_sigurg(struct sock *sk)
{
	read_lock(&sk->sk_callback_lock);
	if (!sock_flag(sk, SOCK_DEAD))
		sk_send_sigurg(sk);
	read_unlock(&sk->sk_callback_lock);
}

/* One message received into @rb, @bytes long; lock held. */
static int sdp_rx_msg(struct sdp_sock *ssk, struct sdp_rx_buf *rb, u32 bytes)
{
	struct sock *sk = &ssk->sk;
	struct net *net = sock_net(sk);
	struct sdp_bsdh *h = rb->mem.addr;
	u32 len, mseq, ack, paylen;
	int credits;

	sdp_buf_sync(ssk->pd->device, &rb->mem, bytes, DMA_FROM_DEVICE, true);
	if (bytes < SDP_BSDH_LEN)
		return sdp_proto_err(ssk, "message shorter than BSDH", bytes);
	len = be32_to_cpu(h->len);
	if (len != bytes)
		return sdp_proto_err(ssk, "BSDH len disagrees with bytes received",
				     len);
	mseq = be32_to_cpu(h->mseq);
	if (mseq != ssk->rx_seq + 1)
		return sdp_proto_err(ssk, "mseq out of sequence", mseq);
	if ((s32)(mseq - ssk->rx_adv) > 0)
		return sdp_proto_err(ssk, "credit overrun, mseq", mseq);
	ack = be32_to_cpu(h->mseq_ack);
	if ((s32)(ack - ssk->tx_acked) < 0)
		return sdp_proto_err(ssk, "mseq_ack went backwards", ack);
	if ((s32)(ack - (ssk->tx_seq - 1)) > 0)
		return sdp_proto_err(ssk, "mseq_ack of a message not sent", ack);

	ssk->rx_seq = mseq;
	ssk->tx_acked = ack;
	credits = (int)(ack - ssk->tx_seq + 1 + be16_to_cpu(h->bufs));
	ssk->tx_credits = credits;
	sdp_stats_msg(net, SDP_RX, h->mid);
	sdp_stats_hist(net, SDP_HIST_RX_MSG_SIZE, len);
	paylen = len - SDP_BSDH_LEN;

	switch (h->mid) {
	case SDP_MID_DATA:
		if (!paylen && (h->flags & SDP_BSDH_OOB_PRES))
			return sdp_proto_err(ssk, "urgent flag on empty Data",
					     h->flags);
		if (!paylen) {
			sdp_rx_recycle(ssk, rb);
			break;
		}
		if (ssk->disconn_rcvd)
			return sdp_proto_err(ssk, "data after DisConn", paylen);
		if (sock_flag(sk, SOCK_DEAD)) {
			/* Data for a closed socket: as TCP answers with RST. */
			sdp_conn_fail(ssk, ECONNRESET, true);
			return 0;
		}
		if (h->flags & SDP_BSDH_OOB_PEND)
			sdp_rx_sigurg(sk);
		rb->len = paylen;
		rb->off = 0;
		list_add_tail(&rb->node, &ssk->rx_queue);
		ssk->rx_queued += paylen;
		if (h->flags & SDP_BSDH_OOB_PRES)
			sdp_rx_urgent(ssk, rb);
		sdp_stats_add(net, SDP_STAT_RX_BYTES, paylen);
		sdp_diag_rx(&ssk->diag, paylen);
		sk->sk_data_ready(sk);
		break;
	case SDP_MID_DISCONN:
		if (paylen || ssk->disconn_rcvd)
			return sdp_proto_err(ssk, "bad or repeated DisConn", paylen);
		ssk->disconn_rcvd = true;
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
		sdp_rx_recycle(ssk, rb);
		sk->sk_state_change(sk);
		if (ssk->closing)
			sdp_conn_kick(ssk, 0);
		break;
	case SDP_MID_ABORT:
		sdp_conn_fail(ssk, ECONNRESET, false);
		return 0;
	default:
		return sdp_proto_err(ssk, "unsupported message id", h->mid);
	}

	sdp_tx_push(ssk);
	sdp_try_disconn(ssk);
	sdp_maybe_credit_update(ssk);
	sk->sk_write_space(sk);
	return 0;
}

/**
 * sdp_peer_gone_check() - settle a connection whose peer disconnected
 * @ssk: the socket; lock held
 * @force: do not wait for the flush of the posted receives any longer
 */
void sdp_peer_gone_check(struct sdp_sock *ssk, bool force)
{
	struct sock *sk = &ssk->sk;

	if (!ssk->peer_gone || ssk->conn_done || (ssk->rx_posted && !force))
		return;
	if (!ssk->disconn_rcvd) {
		sdp_conn_fail(ssk, ECONNRESET, false);
		return;
	}
	/* Graceful: the peer's DisConn came first; we cannot send any more. */
	ssk->conn_done = true;
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	sk->sk_state_change(sk);
	if (ssk->closing)
		sdp_conn_kick(ssk, 0);
}

/**
 * sdp_rx_done() - receive completion (softirq)
 * @cq: the receive CQ
 * @wc: the completion
 */
void sdp_rx_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct sdp_rx_buf *rb = container_of(wc->wr_cqe, struct sdp_rx_buf,
					     cqe);
	struct sdp_sock *ssk = rb->ssk;

	spin_lock_bh(&ssk->lock);
	rb->posted = false;
	ssk->rx_posted--;
	if (wc->status != IB_WC_SUCCESS) {
		if (sdp_qp_err_expected(ssk))
			goto out;
		/*
		 * A message larger than the buffer we advertised.  Soft-RoCE
		 * reports it as a local QP operation error, not a length
		 * error; either can only come from the incoming message, as
		 * our receive requests are one well-formed local entry.
		 */
		if (wc->status == IB_WC_LOC_LEN_ERR ||
		    wc->status == IB_WC_LOC_QP_OP_ERR) {
			sdp_proto_err(ssk, "message larger than receive buffer",
				      ssk->rx_size);
			goto out;
		}
		net_info_ratelimited("sdp: receive failed: %s\n",
				     ib_wc_status_msg(wc->status));
		sdp_conn_fail(ssk, ECONNRESET, false);
		goto out;
	}
	if (ssk->conn_done || ssk->qp_dead)
		goto out;
	ssk->rx_last = jiffies;
	ssk->ka_probes = 0;
	sdp_rx_msg(ssk, rb, wc->byte_len);
out:
	sdp_peer_gone_check(ssk, false);
	spin_unlock_bh(&ssk->lock);
}
