// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: receiving.  recvmsg() reads the queued Data in place and reposts
 * each buffer it empties (sdp_recvmsg(), as smc_rx_recvmsg()), urgent data
 * included.  Receive completions arrive in softirq
 * (IB_POLL_SOFTIRQ) in mseq order; each one is checked against the BSDH
 * rules, Data with payload is queued for recvmsg() (packed into fewer
 * buffers while the reader stalls, sdp_rx_compact()) and every other
 * buffer is reposted at once.  Anything the peer gets wrong aborts this
 * connection only.
 */

#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <net/tcp_states.h>

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
	sdp_buf_sync(ssk->pd->device, &rb->mem, ssk->rx.size, DMA_FROM_DEVICE,
		     false);
	rb->cqe.done = sdp_rx_done;
	wr.wr_cqe = &rb->cqe;
	wr.sg_list = rb->mem.sge;
	wr.num_sge = rb->mem.nsge;
	err = ib_post_recv(ssk->qp, &wr, NULL);
	if (err)
		return err;
	rb->posted = true;
	ssk->rx.posted++;
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
	u8 byte = *((u8 *)rb->mem.addr + rb->len - 1);

	if (ssk->rx.urg && ssk->rx.urg_seq == ssk->rx.copied &&
	    !sock_flag(sk, SOCK_URGINLINE)) {
		ssk->rx.hole = true;
		ssk->rx.hole_seq = ssk->rx.urg_seq;
	}
	ssk->rx.urg_seq = ssk->rx.copied + ssk->rx.queued - 1;
	WRITE_ONCE(ssk->rx.urg, SDP_URG_VALID | byte);
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

/*
 * The reader stalls: as many Data messages as the peer could send (all
 * of the ring but the reserve) arrived since it last took bytes.  Lock
 * held.
 */
static bool sdp_rx_stalled(const struct sdp_sock *ssk)
{
	return ssk->rx.unread_msgs + SDP_CREDIT_RESERVE >= ssk->rx.ring;
}

/*
 * Pack the unread data into as few buffers as it needs, in order, and
 * repost the buffers that empties: a stalled reader then holds the
 * stream in buffers as full as TCP's window is in bytes, not a 32 KiB
 * buffer per small message.  A buffer's data moves only if all of it
 * fits behind the data of the buffer before; the head buffer never moves.
 * recvmsg() copies from queued buffers without this lock, so the caller
 * makes sure no recvmsg() owns the socket.  Lock held.
 */
static void sdp_rx_compact(struct sdp_sock *ssk)
{
	u32 room = ssk->rx.size - SDP_BSDH_LEN, n;
	struct sdp_rx_buf *dst = NULL, *rb, *tmp;
	int err;

	list_for_each_entry_safe(rb, tmp, &ssk->rx.queue, node) {
		n = rb->len - rb->off;
		if (!dst || dst->len + n > room) {
			dst = rb;
			continue;
		}
		memcpy(dst->mem.addr + dst->len, rb->mem.addr + rb->off, n);
		dst->len += n;
		list_del_init(&rb->node);
		rb->len = 0;
		rb->off = 0;
		err = sdp_post_recv(ssk, rb);
		if (err && err != -ENOTCONN) {
			sdp_conn_fail(ssk, ECONNRESET, false);
			return;
		}
	}
}

/*
 * A Data message of @len bytes just took a buffer and left the peer no
 * credits for more data.  If it fills half a buffer or more, or the
 * reader stalls, the peer has more to send than the ring takes: the ring
 * grows (sdp_rx_grow_work()) while it can, and once it cannot, a stalled
 * reader's data is packed to free buffers.  Ping-pong traffic never gets
 * here, nor small messages to a reader that keeps up.  Lock held.
 */
static void sdp_rx_make_room(struct sdp_sock *ssk, u32 len)
{
	struct sock *sk = &ssk->sk;
	bool stalled = sdp_rx_stalled(ssk);

	if (ssk->rx.adv - ssk->rx.seq > SDP_CREDIT_RESERVE || ssk->rx.grow)
		return;
	if (ssk->rx.ring >= ssk->rx.num) {
		/*
		 * Without the socket's spinlock: a recvmsg() that looked up
		 * a buffer did so under our lock, after lock_sock() marked
		 * the socket owned, so holding our lock we see the mark.
		 */
		if (stalled && !sock_owned_by_user_nocheck(sk))
			sdp_rx_compact(ssk);
		return;
	}
	if (len * 2 <= ssk->tx.size && !stalled)
		return;
	ssk->rx.grow = true;
	sock_hold(sk);
	if (!queue_work(sdp_wq, &ssk->rx.grow_work))
		sock_put(sk);
}

/* One message received into @rb, @bytes long; lock held. */
static int sdp_rx_msg(struct sdp_sock *ssk, struct sdp_rx_buf *rb, u32 bytes)
{
	struct sock *sk = &ssk->sk;
	struct net *net = sock_net(sk);
	struct sdp_bsdh *h = rb->mem.hdr;
	u32 len, mseq, ack, paylen;
	bool more;
	int credits;

	sdp_buf_sync(ssk->pd->device, &rb->mem, bytes, DMA_FROM_DEVICE, true);
	if (bytes < SDP_BSDH_LEN)
		return sdp_proto_err(ssk, "message shorter than BSDH", bytes);
	len = be32_to_cpu(h->len);
	if (len != bytes)
		return sdp_proto_err(ssk, "BSDH len disagrees with bytes received",
				     len);
	mseq = be32_to_cpu(h->mseq);
	if (mseq != ssk->rx.seq + 1)
		return sdp_proto_err(ssk, "mseq out of sequence", mseq);
	if ((s32)(mseq - ssk->rx.adv) > 0)
		return sdp_proto_err(ssk, "credit overrun, mseq", mseq);
	ack = be32_to_cpu(h->mseq_ack);
	if ((s32)(ack - ssk->tx.acked) < 0)
		return sdp_proto_err(ssk, "mseq_ack went backwards", ack);
	if ((s32)(ack - (ssk->tx.seq - 1)) > 0)
		return sdp_proto_err(ssk, "mseq_ack of a message not sent", ack);

	ssk->rx.seq = mseq;
	ssk->tx.acked = ack;
	credits = (int)(ack - ssk->tx.seq + 1 + be16_to_cpu(h->bufs));
	more = credits > ssk->tx.credits;
	ssk->tx.credits = credits;
	if (more)
		sdp_tx_progress(ssk, true);
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
		list_add_tail(&rb->node, &ssk->rx.queue);
		ssk->rx.queued += paylen;
		ssk->rx.unread_msgs++;
		/* The peer answered: what autocork held goes (below). */
		ssk->tx.pend_autocork = false;
		if (h->flags & SDP_BSDH_OOB_PRES)
			sdp_rx_urgent(ssk, rb);
		sdp_rx_make_room(ssk, len);
		sdp_stats_add(net, SDP_STAT_RX_BYTES, paylen);
		sdp_diag_rx(&ssk->diag, paylen);
		sk->sk_data_ready(sk);
		/* TCP_DEFER_ACCEPT waited for this (sdp_child_defer()). */
		if (ssk->deferred)
			sdp_conn_kick(ssk, 0);
		break;
	case SDP_MID_DISCONN:
		if (paylen || ssk->disconn_rcvd)
			return sdp_proto_err(ssk, "bad or repeated DisConn", paylen);
		ssk->disconn_rcvd = true;
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
		sdp_rx_recycle(ssk, rb);
		sk->sk_state_change(sk);
		/* As tcp_fin(): O_ASYNC owners hear of the end of the stream. */
		if (!sock_flag(sk, SOCK_DEAD))
			sk_wake_async(sk, SOCK_WAKE_WAITD,
				      sk->sk_shutdown == SHUTDOWN_MASK ?
				      POLL_HUP : POLL_IN);
		if (ssk->closing || ssk->deferred)
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
	ssk->rx.posted--;
	if (wc->status != IB_WC_SUCCESS) {
		if (sdp_wc_err_expected(ssk, wc->status))
			goto out;
		/* A message larger than the buffer we advertised. */
		if (wc->status == IB_WC_LOC_LEN_ERR) {
			sdp_proto_err(ssk, "message larger than receive buffer",
				      ssk->rx.size);
			goto out;
		}
		sdp_wc_failed(ssk, wc, "receive");
		goto out;
	}
	if (ssk->conn_done || ssk->qp_dead)
		goto out;
	ssk->rx.last = jiffies;
	ssk->ka.probes = 0;
	sdp_rx_msg(ssk, rb, wc->byte_len);
out:
	sdp_peer_gone_check(ssk, false);
	spin_unlock_bh(&ssk->lock);
}

/*
 * The byte at stream offset @seq is an urgent byte that reads step over
 * (TCP: a hole): out of line and at the mark, or replaced by a newer mark.
 */
static bool sdp_rx_skips(const struct sdp_sock *ssk, u32 seq)
{
	if (READ_ONCE(ssk->rx.urg) && READ_ONCE(ssk->rx.urg_seq) == seq &&
	    !sock_flag(&ssk->sk, SOCK_URGINLINE))
		return true;
	return READ_ONCE(ssk->rx.hole) && READ_ONCE(ssk->rx.hole_seq) == seq;
}

/**
 * sdp_rx_readable() - poll()'s EPOLLIN for a connection
 * @ssk: the socket; racy reads
 *
 * Return: enough unread data for SO_RCVLOWAT, or as much as the peer can
 * send before we read (it has no credits left for data).  An out-of-line
 * urgent byte next in line does not count, as in tcp_poll().
 */
bool sdp_rx_readable(const struct sdp_sock *ssk)
{
	u32 queued = READ_ONCE(ssk->rx.queued);

	if (queued && sdp_rx_skips(ssk, READ_ONCE(ssk->rx.copied)))
		queued--;
	if (!queued)
		return false;
	return queued >= max_t(int, READ_ONCE(ssk->sk.sk_rcvlowat), 1) ||
	       READ_ONCE(ssk->rx.posted) <= SDP_CREDIT_RESERVE;
}

/* Give a fully read buffer back to the peer; lock held. */
static void sdp_rx_consumed(struct sdp_sock *ssk, struct sdp_rx_buf *rb)
{
	int err;

	list_del_init(&rb->node);
	rb->len = 0;
	rb->off = 0;
	err = sdp_post_recv(ssk, rb);
	if (err && err != -ENOTCONN)
		sdp_conn_fail(ssk, ECONNRESET, false);
	sdp_try_disconn(ssk);
	sdp_maybe_credit_update(ssk);
}

/*
 * Nothing to read at stream offset @seq yet, and nothing that would end a
 * wait for it.  @seq is where the reader is: sdp_sock.rx.copied, or
 * further on for MSG_PEEK, which must sleep once it has seen everything
 * queued.
 */
static bool sdp_rx_none(const struct sdp_sock *ssk, u32 seq)
{
	const struct sock *sk = &ssk->sk;

	return READ_ONCE(ssk->rx.copied) + READ_ONCE(ssk->rx.queued) == seq &&
	       !READ_ONCE(sk->sk_err) &&
	       !(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN) &&
	       !READ_ONCE(ssk->conn_done);
}

/* recvmsg() at stream offset *@arg has something to look at. */
static bool sdp_rx_ready(const struct sdp_sock *ssk, const void *arg)
{
	return !sdp_rx_none(ssk, *(const u32 *)arg);
}

/*
 * recv-poll: a blocking read spins up to that many microseconds for data
 * before it takes the socket lock and maybe sleeps; the receive
 * completion (softirq, another CPU) queues it meanwhile.  Saves the
 * sleep and wake-up on request/response traffic.
 */
static void sdp_rx_busy_wait(struct sdp_sock *ssk, int flags)
{
	u64 usec = sdp_tun(sock_net(&ssk->sk), SDP_TUN_RECV_POLL), end;

	if (!usec || !sock_rcvtimeo(&ssk->sk, flags & MSG_DONTWAIT) ||
	    READ_ONCE(ssk->sk.sk_state) != TCP_ESTABLISHED)
		return;
	end = local_clock() + usec * NSEC_PER_USEC;
	while (sdp_rx_none(ssk, READ_ONCE(ssk->rx.copied)) && !need_resched() &&
	       !signal_pending(current) && local_clock() < end)
		cpu_relax();
}

/* recv(MSG_OOB), as tcp_recv_urg(): never blocks.  Socket locked. */
static int sdp_recv_urg(struct sdp_sock *ssk, struct msghdr *msg, size_t len,
			int flags)
{
	struct sock *sk = &ssk->sk;
	u16 urg;
	u8 byte;

	if (sock_flag(sk, SOCK_URGINLINE))
		return -EINVAL;
	spin_lock_bh(&ssk->lock);
	urg = ssk->rx.urg;
	if (!(flags & MSG_PEEK) && (urg & SDP_URG_VALID))
		WRITE_ONCE(ssk->rx.urg, SDP_URG_READ);
	spin_unlock_bh(&ssk->lock);
	if (!(urg & SDP_URG_VALID))
		return -EINVAL;
	byte = urg & 0xff;
	msg->msg_flags |= MSG_OOB;
	if (!len) {
		msg->msg_flags |= MSG_TRUNC;
		return 0;
	}
	if (!(flags & MSG_TRUNC) && memcpy_to_msg(msg, &byte, 1))
		return -EFAULT;
	return 1;
}

/*
 * Where a read that is at stream offset @seq, @avail (> 0) bytes before
 * the end of its buffer, may copy from: *@skip bytes to step over (an
 * out-of-line urgent byte) and then at most the returned count, which
 * stops before the urgent mark (TCP reads stop there) and may be 0 if
 * the skipped byte ends the buffer.  Lock held.
 */
static u32 sdp_rx_span(const struct sdp_sock *ssk, u32 seq, u32 avail,
		       u32 *skip)
{
	u32 to_mark;

	*skip = 0;
	if (sdp_rx_skips(ssk, seq)) {
		*skip = 1;
		seq++;
		avail--;
	}
	to_mark = ssk->rx.urg_seq - seq;
	if (ssk->rx.urg && to_mark && to_mark < avail)
		avail = to_mark;
	return avail;
}

/*
 * The queued buffer holding the byte at stream offset @seq (not before
 * sdp_sock.rx.copied), and in *@off that byte's place in its payload; NULL
 * if @seq has not arrived.  Lock held.
 */
static struct sdp_rx_buf *sdp_rx_find(struct sdp_sock *ssk, u32 seq, u32 *off)
{
	u32 ahead = seq - ssk->rx.copied;
	struct sdp_rx_buf *rb;

	list_for_each_entry(rb, &ssk->rx.queue, node) {
		/* Only the head buffer has been read from (rb->off). */
		if (ahead < rb->len - rb->off) {
			*off = rb->off + ahead;
			return rb;
		}
		ahead -= rb->len - rb->off;
	}
	return NULL;
}

/* Account @n bytes read (and @skip skipped) from the head buffer; lock held. */
static void sdp_rx_advance(struct sdp_sock *ssk, struct sdp_rx_buf *rb,
			   u32 n)
{
	rb->off += n;
	ssk->rx.queued -= n;
	ssk->rx.unread_msgs = 0;
	ssk->rx.copied += n;
	if (ssk->rx.hole && (s32)(ssk->rx.copied - ssk->rx.hole_seq) > 0)
		ssk->rx.hole = false;
	if (ssk->rx.urg && (s32)(ssk->rx.copied - ssk->rx.urg_seq) > 0)
		WRITE_ONCE(ssk->rx.urg, 0);
	if (rb->off == rb->len)
		sdp_rx_consumed(ssk, rb);
}

/**
 * sdp_rx_grow_work() - double the receive ring (sdp_sock.rx.grow_work)
 * @work: the work item
 *
 * The peer showed it has more to send than the ring takes
 * (sdp_rx_make_room()): double the ring, up to rx-buffers, and tell the
 * peer, whether or not the program is reading, as TCP's window lets a
 * sender fill the receiver's buffer.  A buffer the memory budget refuses
 * ends the growth; the ring works as it is.  Holds a socket reference,
 * taken when queued.
 */
void sdp_rx_grow_work(struct work_struct *work)
{
	struct sdp_sock *ssk = container_of(work, struct sdp_sock,
					    rx.grow_work);
	u32 want, i;

	mutex_lock(&ssk->res_mutex);
	want = min(ssk->rx.ring * 2, ssk->rx.num);
	for (i = ssk->rx.ring; i < want; i++) {
		struct sdp_rx_buf *rb = &ssk->rx.bufs[i];

		if (sdp_buf_add(ssk, &rb->mem, ssk->rx.size, DMA_FROM_DEVICE))
			break;
		spin_lock_bh(&ssk->lock);
		WRITE_ONCE(ssk->rx.ring, i + 1);
		sdp_rx_recycle(ssk, rb);
		spin_unlock_bh(&ssk->lock);
	}
	spin_lock_bh(&ssk->lock);
	ssk->rx.grow = false;
	sdp_maybe_credit_update(ssk);
	spin_unlock_bh(&ssk->lock);
	mutex_unlock(&ssk->res_mutex);
	sock_put(&ssk->sk);
}

/**
 * sdp_recvmsg() - proto_ops.recvmsg of AF_INET_SDP
 * @sock: the socket
 * @msg: where to copy
 * @len: how much at most
 * @flags: MSG_*
 *
 * Return: bytes copied, or a negative errno.
 */
int sdp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	struct socket *tcp = sdp_tcp_sock(sock);
	bool peek = flags & MSG_PEEK;
	struct sock *sk = sock->sk;
	struct sdp_sock *ssk = sdp_sk(sk);
	struct sdp_rx_buf *rb;
	size_t copied = 0;
	int target, err = 0;
	long timeo;
	u32 seq;

	if (unlikely(tcp))
		return tcp->ops->recvmsg(tcp, msg, len, flags);
	if (!(flags & MSG_OOB))
		sdp_rx_busy_wait(ssk, flags);
	lock_sock(sk);
	if (flags & MSG_OOB) {
		err = sdp_recv_urg(ssk, msg, len, flags);
		goto out;
	}
	if (sk->sk_state == TCP_LISTEN ||
	    (sock->state == SS_UNCONNECTED && !ssk->connect_tried)) {
		err = -ENOTCONN;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	/*
	 * @seq is the stream offset of the next byte to copy.  A peek keeps
	 * only that offset across sleeps, which drop the socket lock: another
	 * reader may consume and repost any buffer meanwhile, so the buffer
	 * is looked up again each time.  Readers hold the socket lock, so
	 * rx.copied is stable here.
	 */
	seq = READ_ONCE(ssk->rx.copied);
	while (copied < len) {
		u32 off = 0, n = 0, skip = 0;
		bool at_mark, ended = false;

		spin_lock_bh(&ssk->lock);
		/*
		 * Another reader took bytes this peek had not reached; go on
		 * from its position, as TCP does ("race in MSG_PEEK").
		 */
		if (!peek || (s32)(ssk->rx.copied - seq) > 0)
			seq = ssk->rx.copied;
		/* A read stops at the urgent mark once it has data (TCP). */
		at_mark = ssk->rx.urg && seq == ssk->rx.urg_seq;
		rb = sdp_rx_find(ssk, seq, &off);
		if (rb)
			n = sdp_rx_span(ssk, seq, rb->len - off, &skip);
		else
			/*
			 * Looked at with the queue: the last Data and the
			 * DisConn (or the failure) may complete together
			 * right after the lock is dropped, and an end seen
			 * later would hide that Data.
			 */
			ended = sk->sk_err ||
				(sk->sk_shutdown & RCV_SHUTDOWN) ||
				ssk->conn_done;
		spin_unlock_bh(&ssk->lock);
		if (at_mark && copied)
			break;

		if (rb) {
			n = min_t(size_t, n, len - copied);
			/*
			 * Only recvmsg (under the socket lock, held since the
			 * lookup) removes buffers from the queue or moves
			 * their offsets, so @rb stays put.
			 */
			if (copy_to_iter(rb->mem.addr + off + skip,
					 n, &msg->msg_iter) != n) {
				err = -EFAULT;
				break;
			}
			copied += n;
			seq += skip + n;
			if (peek)
				continue;
			spin_lock_bh(&ssk->lock);
			sdp_rx_advance(ssk, rb, skip + n);
			spin_unlock_bh(&ssk->lock);
			continue;
		}

		if (copied >= target)
			break;
		if (ended) {
			if (!copied)
				err = sock_error(sk);
			break;
		}
		err = sdp_wait(ssk, &timeo, sdp_rx_ready, &seq);
		if (err)
			break;
	}
	sdp_stats_hist(sock_net(sk), SDP_HIST_RECVMSG_SIZE, copied);
out:
	release_sock(sk);
	return copied ? copied : err;
}
