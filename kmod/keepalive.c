// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: keepalive probes (SO_KEEPALIVE, TCP_KEEPIDLE/KEEPINTVL/KEEPCNT)
 * and TCP_USER_TIMEOUT.
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
 * TCP_USER_TIMEOUT, as TCP's: the connection fails with ETIMEDOUT once
 * sends have waited that long without progress (sdp_tx.since: a message
 * the peer's device has not acknowledged, or data the peer gives no
 * credits for, TCP's zero window), once a connect has taken that long,
 * and, with keepalive, once the peer has been silent that long and a
 * probe went unanswered (in place of TCP_KEEPCNT).
 *
 * Timer: sk->sk_timer, armed with sk_reset_timer() (a pending timer holds
 * a socket reference).  Its handler takes sdp_sock.lock.  It is stopped
 * by close() and by teardown, and re-arms itself only while the socket is
 * open and connected, with SOCK_KEEPOPEN or a user timeout.
 */

#include <net/tcp.h>

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

/* The user timeout in jiffies, 0 if none. */
static unsigned long sdp_user_timeout(const struct sdp_sock *ssk)
{
	return msecs_to_jiffies(READ_ONCE(ssk->ka.user_timeout));
}

/* The timer has work: the connection is up, with keepalive or a user timeout. */
static bool sdp_timer_wanted(const struct sdp_sock *ssk)
{
	const struct sock *sk = &ssk->sk;

	if (ssk->closing || ssk->conn_done || ssk->qp_dead || !ssk->qp)
		return false;
	if (sk->sk_state == TCP_ESTABLISHED && sock_flag(sk, SOCK_KEEPOPEN))
		return true;
	return (sk->sk_state == TCP_ESTABLISHED ||
		sk->sk_state == TCP_CLOSE_WAIT) && READ_ONCE(ssk->ka.user_timeout);
}

/*
 * The user timeout's step; lock held.  It looks no more often than TCP's
 * shortest retransmission timeout, when TCP looks too: a user timeout of
 * a millisecond must not fire a timer every jiffy for each socket that
 * has one.
 * Return: jiffies until it must look again, 0 if it failed the connection
 * or has no timeout to watch.
 */
static unsigned long sdp_ut_step(struct sdp_sock *ssk, unsigned long ut)
{
	unsigned long waited;

	if (!ut)
		return 0;
	if (!ssk->tx.since)
		return max(ut, TCP_RTO_MIN);
	waited = jiffies - ssk->tx.since;
	if (waited < ut)
		return max(ut - waited, TCP_RTO_MIN);
	net_info_ratelimited("sdp: sends made no progress for TCP_USER_TIMEOUT (%u ms), connection timed out\n",
			     jiffies_to_msecs(ut));
	sdp_conn_fail(ssk, ETIMEDOUT, false);
	return 0;
}

/*
 * One keepalive step; lock held.
 * Return: jiffies until the next one, 0 for none.
 */
static unsigned long sdp_ka_step(struct sdp_sock *ssk, unsigned long ut)
{
	struct sock *sk = &ssk->sk;
	unsigned long left;
	bool expired;

	if (!sock_flag(sk, SOCK_KEEPOPEN) || sk->sk_state != TCP_ESTABLISHED)
		return 0;
	if (ssk->tx.out)
		return sdp_keepintvl(ssk) * HZ;
	left = sdp_ka_idle_left(ssk);
	if (left && !ssk->ka.probes)
		return left;
	/* As TCP's: a user timeout takes TCP_KEEPCNT's place. */
	if (ut)
		expired = ssk->ka.probes && jiffies - ssk->rx.last >= ut;
	else
		expired = ssk->ka.probes >= sdp_keepcnt(ssk);
	if (expired) {
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

/* The earlier of two delays, where 0 is none. */
static unsigned long sdp_sooner(unsigned long a, unsigned long b)
{
	return a && b ? min(a, b) : a | b;
}

static void sdp_ka_timer(struct timer_list *t)
{
	struct sock *sk = from_timer(sk, t, sk_timer);
	struct sdp_sock *ssk = sdp_sk(sk);
	unsigned long ut, next;

	spin_lock_bh(&ssk->lock);
	if (sdp_timer_wanted(ssk)) {
		ut = sdp_user_timeout(ssk);
		next = sdp_ut_step(ssk, ut);
		if (!ssk->conn_done)
			next = sdp_sooner(next, sdp_ka_step(ssk, ut));
		if (next && !ssk->conn_done)
			sk_reset_timer(sk, &sk->sk_timer, jiffies + next);
	}
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
 * sdp_ka_arm() - (re)start the timer after a change
 * @ssk: the socket; lock held
 *
 * Called when the connection is established and when SO_KEEPALIVE,
 * TCP_KEEPIDLE or TCP_USER_TIMEOUT change; the timer stops by itself
 * when it has nothing left to watch.
 */
void sdp_ka_arm(struct sdp_sock *ssk)
{
	/* The handler works out what is due, and when. */
	if (sdp_timer_wanted(ssk))
		sk_reset_timer(&ssk->sk, &ssk->sk.sk_timer, jiffies + 1);
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

	/* A user timeout keeps the timer; its step sees keepalive off. */
	if (!on) {
		if (!READ_ONCE(ssk->ka.user_timeout))
			sk_stop_timer(sk, &sk->sk_timer);
		return;
	}
	/* The caller sets it too, but only after this returns. */
	sock_set_flag(sk, SOCK_KEEPOPEN);
	spin_lock_bh(&ssk->lock);
	sdp_ka_arm(ssk);
	spin_unlock_bh(&ssk->lock);
}
