// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: keepalive probes (SO_KEEPALIVE, TCP_KEEPIDLE/KEEPINTVL/KEEPCNT).
 *
 * As TCP: once nothing has been heard from the peer for TCP_KEEPIDLE
 * seconds, a probe goes out every TCP_KEEPINTVL seconds; after
 * TCP_KEEPCNT probes without an answer the connection fails with
 * ETIMEDOUT.  Nothing is probed while sends are in flight: the RC
 * transport is retrying those already, as TCP's retransmission timer
 * stands in for keepalive.
 *
 * The probe is a zero-length RDMA Write, as OFED sent: it needs no
 * receive buffer or credit at the peer and its SDP layer never sees it,
 * yet the peer's RDMA device must acknowledge it.  A peer that is gone
 * fails it after the transport's retries (IB_WC_RETRY_EXC_ERR).  One
 * probe is in flight at most; it uses the send queue's spare entry.
 *
 * Timer: sk->sk_timer, armed with sk_reset_timer() (a pending timer holds
 * a socket reference).  Its handler takes sdp_sock.lock.  It is stopped
 * by close() and by teardown, and re-arms itself only while the socket is
 * open, established and has SOCK_KEEPOPEN.
 */

#include "sdp.h"
#include "sock.h"

/* TCP's defaults (include/net/tcp.h). */
#define SDP_DEF_KEEPINTVL	75
#define SDP_DEF_KEEPCNT		9

int sdp_keepidle(const struct sdp_sock *ssk)
{
	return READ_ONCE(ssk->ka.idle) ?:
	       (int)sdp_tun(sock_net(&ssk->sk), SDP_TUN_KEEPALIVE_TIME);
}

int sdp_keepintvl(const struct sdp_sock *ssk)
{
	return READ_ONCE(ssk->ka.intvl) ?: SDP_DEF_KEEPINTVL;
}

int sdp_keepcnt(const struct sdp_sock *ssk)
{
	return READ_ONCE(ssk->ka.cnt) ?: SDP_DEF_KEEPCNT;
}

/* Probe completion (softirq). */
static void sdp_ka_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct sdp_sock *ssk = container_of(wc->wr_cqe, struct sdp_sock,
					    ka.cqe);

	spin_lock_bh(&ssk->lock);
	ssk->ka.inflight = false;
	if (wc->status == IB_WC_SUCCESS) {
		/* The peer's device answered: it is alive. */
		ssk->rx.last = jiffies;
		ssk->ka.probes = 0;
	} else if (!sdp_wc_err_expected(ssk, wc->status)) {
		sdp_wc_failed(ssk, wc, "keepalive probe");
	}
	spin_unlock_bh(&ssk->lock);
}

/* Lock held. */
static int sdp_ka_post(struct sdp_sock *ssk)
{
	struct ib_rdma_wr wr = {};
	int err;

	ssk->ka.cqe.done = sdp_ka_done;
	wr.wr.wr_cqe = &ssk->ka.cqe;
	wr.wr.opcode = IB_WR_RDMA_WRITE;
	wr.wr.send_flags = IB_SEND_SIGNALED;
	/* No sge, no length: C9-88 needs neither address nor rkey. */
	err = ib_post_send(ssk->qp, &wr.wr, NULL);
	if (!err)
		ssk->ka.inflight = true;
	return err;
}

/* Jiffies until the peer has been silent for TCP_KEEPIDLE; lock held. */
static unsigned long sdp_ka_idle_left(const struct sdp_sock *ssk)
{
	unsigned long idle = (unsigned long)sdp_keepidle(ssk) * HZ;
	unsigned long quiet = jiffies - ssk->rx.last;

	return quiet < idle ? idle - quiet : 0;
}

/*
 * One keepalive step; lock held.
 * Return: jiffies until the next one, 0 for none.
 */
static unsigned long sdp_ka_step(struct sdp_sock *ssk)
{
	struct sock *sk = &ssk->sk;
	unsigned long left;

	if (!sock_flag(sk, SOCK_KEEPOPEN) || ssk->closing ||
	    sk->sk_state != TCP_ESTABLISHED || ssk->conn_done ||
	    ssk->qp_dead || !ssk->qp)
		return 0;
	if (ssk->tx.out)
		return sdp_keepintvl(ssk) * HZ;
	left = sdp_ka_idle_left(ssk);
	if (left && !ssk->ka.probes)
		return left;
	if (ssk->ka.probes >= sdp_keepcnt(ssk)) {
		net_info_ratelimited("sdp: peer silent after %d keepalive probes, connection timed out\n",
				     ssk->ka.probes);
		sdp_conn_fail(ssk, ETIMEDOUT, false);
		return 0;
	}
	/* A probe still in flight counts as one more unanswered. */
	if (ssk->ka.inflight || !sdp_ka_post(ssk))
		ssk->ka.probes++;
	return sdp_keepintvl(ssk) * HZ;
}

static void sdp_ka_timer(struct timer_list *t)
{
	struct sock *sk = from_timer(sk, t, sk_timer);
	struct sdp_sock *ssk = sdp_sk(sk);
	unsigned long next;

	spin_lock_bh(&ssk->lock);
	next = sdp_ka_step(ssk);
	if (next)
		sk_reset_timer(sk, &sk->sk_timer, jiffies + next);
	spin_unlock_bh(&ssk->lock);
	sock_put(sk);
}

/**
 * sdp_ka_init() - set up the keepalive timer of a new socket
 * @ssk: the socket
 */
void sdp_ka_init(struct sdp_sock *ssk)
{
	timer_setup(&ssk->sk.sk_timer, sdp_ka_timer, 0);
	ssk->rx.last = jiffies;
}

/**
 * sdp_ka_arm() - (re)start keepalive after a change
 * @ssk: the socket; lock held
 *
 * Called when the connection is established and when SO_KEEPALIVE or
 * TCP_KEEPIDLE change; the timer stops by itself when keepalive is off.
 * Nothing to do without SOCK_KEEPOPEN.
 */
void sdp_ka_arm(struct sdp_sock *ssk)
{
	struct sock *sk = &ssk->sk;

	if (!sock_flag(sk, SOCK_KEEPOPEN) || sk->sk_state != TCP_ESTABLISHED ||
	    ssk->conn_done || ssk->closing)
		return;
	sk_reset_timer(sk, &sk->sk_timer, jiffies + sdp_ka_idle_left(ssk));
}

/**
 * sdp_ka_stop() - stop keepalive for good (close, teardown)
 * @ssk: the socket; @ssk->closing or @ssk->conn_done already set, so a
 *	handler running now does not re-arm
 */
void sdp_ka_stop(struct sdp_sock *ssk)
{
	sk_stop_timer(&ssk->sk, &ssk->sk.sk_timer);
}

/* sk_prot->keepalive: SO_KEEPALIVE changed; socket locked. */
void sdp_ka_set(struct sock *sk, int on)
{
	struct sdp_sock *ssk = sdp_sk(sk);

	if (!on) {
		sk_stop_timer(sk, &sk->sk_timer);
		return;
	}
	/* The caller sets it too, but only after this returns. */
	sock_set_flag(sk, SOCK_KEEPOPEN);
	spin_lock_bh(&ssk->lock);
	sdp_ka_arm(ssk);
	spin_unlock_bh(&ssk->lock);
}
