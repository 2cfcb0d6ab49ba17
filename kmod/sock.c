// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: the AF_INET_SDP socket family: proto_ops, the socket state machine
 * and the lifetime of a socket.
 *
 * Lifetime: a socket starts with one reference (sk_alloc), owned by its
 * struct socket, or for a child not yet accepted by the listener's accept
 * queue / rdma_cm handler.  close() hands that reference to the work item
 * (sdp_sock.closing), which tears the connection down once DisConn or
 * AbortConn is out (or SDP_CLOSE_TIMEOUT passed) and drops it.  A pending
 * work item holds one more reference.  The module cannot go while any
 * socket exists: sdp_proto and the proto_ops are owned by THIS_MODULE.
 */

#include <linux/bitmap.h>
#include <linux/capability.h>
#include <linux/errno.h>
#include <linux/error-injection.h>
#include <linux/gfp.h>
#include <linux/memcontrol.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sockios.h>
#include <linux/termios.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <net/inet_ecn.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tcp_states.h>

#include "sdp.h"
#include "sock.h"

struct workqueue_struct *sdp_wq;

struct proto sdp_proto = {
	.name		= "SDP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct sdp_sock),
	.keepalive	= sdp_ka_set,
};

static const struct proto_ops sdp_stream_ops;

static void sdp_sk_destruct(struct sock *sk)
{
	struct sdp_sock *ssk = sdp_sk(sk);
	u32 i;

	/* Normally gone at teardown; a dump must never see freed memory. */
	sdp_diag_unlink(ssk);
	for (i = 0; ssk->rx.bufs && i < ssk->rx.num; i++)
		sdp_buf_free(&ssk->rx.bufs[i].mem);
	kfree(ssk->rx.bufs);
	for (i = 0; ssk->tx.bufs && i < ssk->tx.num; i++)
		sdp_buf_free(&ssk->tx.bufs[i].mem);
	kfree(ssk->tx.bufs);
	mem_cgroup_put(ssk->memcg);
	mutex_destroy(&ssk->res_mutex);
}

/**
 * sdp_conn_kick() - run the socket's work item after @delay jiffies
 * @ssk: the socket
 * @delay: jiffies; an earlier pending run stays earlier only if not
 *	re-armed by this call
 *
 * Any context.  The pending work holds a socket reference.
 */
void sdp_conn_kick(struct sdp_sock *ssk, unsigned long delay)
{
	sock_hold(&ssk->sk);
	if (mod_delayed_work(sdp_wq, &ssk->work, delay))
		sock_put(&ssk->sk);	/* was pending: holds one already */
}

/**
 * sdp_wc_failed() - a work request of a live connection failed: reset
 * @ssk: the socket; lock held, and sdp_wc_err_expected() false
 * @wc: the failed completion
 * @what: the request, for the log ("send", "receive", ...)
 *
 * IB_WC_LOC_QP_OP_ERR (a request the local device could not execute, on
 * an HCA usually a local fault, not the peer's; Soft-RoCE also reports a
 * too-long incoming message so) counts in local-qp-errors.  A peer whose
 * device never answered (transport retries exhausted) ends the connection
 * with ETIMEDOUT, as TCP's retransmission timeout; anything else with
 * ECONNRESET.
 */
void sdp_wc_failed(struct sdp_sock *ssk, const struct ib_wc *wc,
		   const char *what)
{
	if (wc->status == IB_WC_LOC_QP_OP_ERR)
		sdp_stats_inc(sock_net(&ssk->sk), SDP_STAT_LOCAL_QP_ERRORS);
	net_info_ratelimited("sdp: %s failed: %s\n", what,
			     ib_wc_status_msg(wc->status));
	sdp_conn_fail(ssk, wc->status == IB_WC_RETRY_EXC_ERR ?
		      ETIMEDOUT : ECONNRESET, false);
}

/**
 * sdp_conn_fail() - end a connection abnormally
 * @ssk: the socket; lock held
 * @err: positive errno for the socket's user, 0 for none
 * @send_abort: tell the peer with AbortConn (best effort: needs a credit
 *	and a free slot)
 *
 * Further messages are neither sent nor accepted; the work item
 * disconnects the QP once the AbortConn has gone out (or after a second).
 */
void sdp_conn_fail(struct sdp_sock *ssk, int err, bool send_abort)
{
	struct sock *sk = &ssk->sk;

	if (ssk->conn_done)
		return;
	if (send_abort && !ssk->qp_dead && ssk->tx.bufs)
		sdp_post_ctrl(ssk, SDP_MID_ABORT);
	ssk->conn_done = true;
	if (ssk->counted)
		sdp_stats_inc(sock_net(sk), SDP_STAT_CONN_ABORTED);
	if (err)
		WRITE_ONCE(sk->sk_err, err);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (sk->sk_state != TCP_LISTEN)
		sdp_set_state(sk, TCP_CLOSE);
	ssk->deadline = jiffies + HZ;
	if (err)
		sk_error_report(sk);
	sk->sk_state_change(sk);
	sdp_conn_kick(ssk, 0);
}

/**
 * sdp_peer_gone_check() - settle a connection whose peer disconnected
 * @ssk: the socket; lock held
 * @force: do not wait for the flush of the posted receives any longer
 */
void sdp_peer_gone_check(struct sdp_sock *ssk, bool force)
{
	struct sock *sk = &ssk->sk;

	if (!ssk->peer_gone || ssk->conn_done || (ssk->rx.posted && !force))
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
 * sdp_conn_destroy() - tear a connection down for good
 * @ssk: the socket
 *
 * Process context, socket lock not held.  Disconnects, destroys the QP,
 * CQs, PD and the rdma_cm id.  Buffer memory goes with the socket.
 */
void sdp_conn_destroy(struct sdp_sock *ssk)
{
	struct net *net = sock_net(&ssk->sk);
	struct rdma_cm_id *id;
	bool counted;

	/* The flushes rdma_disconnect() causes are ours (sdp_wc_err_expected()). */
	spin_lock_bh(&ssk->lock);
	ssk->dis_done = true;
	spin_unlock_bh(&ssk->lock);
	mutex_lock(&ssk->res_mutex);
	id = ssk->cm_id;
	WRITE_ONCE(ssk->cm_id, NULL);
	if (id) {
		if (ssk->qp)
			rdma_disconnect(id);
		sdp_res_free(ssk, id);
	}
	mutex_unlock(&ssk->res_mutex);
	/* Waits for a running handler; none is called afterwards. */
	if (id)
		rdma_destroy_id(id);

	spin_lock_bh(&ssk->lock);
	counted = ssk->counted;
	ssk->counted = false;
	ssk->conn_done = true;
	spin_unlock_bh(&ssk->lock);
	sdp_ka_stop(ssk);
	if (counted)
		sdp_stats_conn_close(net);
	/*
	 * After rdma_destroy_id(): no handler can announce conn-up later.  A
	 * socket now TCP-backed stays listed until its TCP socket goes.
	 */
	if (READ_ONCE(ssk->tcp))
		return;
	sdp_diag_conn_down(ssk);
	sdp_diag_unlink(ssk);
}

/**
 * sdp_child_release() - drop a child that never reached the accept queue
 * @child: the child; its id is gone or about to be destroyed by rdma_cm
 */
void sdp_child_release(struct sdp_sock *child)
{
	struct sdp_sock *lssk = child->parent;
	bool counted;

	child->parent = NULL;
	child->pending = false;
	spin_lock_bh(&lssk->lock);
	lssk->lsn.npending--;
	spin_unlock_bh(&lssk->lock);
	sock_put(&lssk->sk);

	spin_lock_bh(&child->lock);
	child->half_open = false;
	child->conn_done = true;
	child->destroyed = true;
	counted = child->counted;
	child->counted = false;
	spin_unlock_bh(&child->lock);
	if (counted)
		sdp_stats_conn_close(sock_net(&child->sk));
	sdp_diag_unlink(child);
	sock_set_flag(&child->sk, SOCK_DEAD);
	sock_put(&child->sk);
}

/**
 * sdp_child_expire() - give up a half-open child at its deadline
 * @child: a child of a listener, from its work item
 *
 * Destroying the id makes the IB CM reject the connection; the handler
 * that may run meanwhile either established the child first or finds it
 * claimed here (sdp_sock.half_open) and leaves it alone.
 */
void sdp_child_expire(struct sdp_sock *child)
{
	unsigned long left = sdp_jiffies_left(child->deadline);
	struct rdma_cm_id *id = NULL;
	bool claimed;

	mutex_lock(&child->res_mutex);
	spin_lock_bh(&child->lock);
	claimed = child->half_open && child->cm_id && !left;
	if (claimed) {
		child->half_open = false;
		child->conn_done = true;
		sdp_set_state(&child->sk, TCP_CLOSE);
	}
	spin_unlock_bh(&child->lock);
	if (claimed) {
		id = child->cm_id;
		WRITE_ONCE(child->cm_id, NULL);
		sdp_res_free(child, id);
	}
	mutex_unlock(&child->res_mutex);
	if (!claimed) {
		/* Not yet due: an earlier kick ran the work item. */
		if (READ_ONCE(child->half_open))
			sdp_conn_kick(child, left);
		return;
	}
	/* Waits for a running handler; none is called afterwards. */
	rdma_destroy_id(id);
	net_info_ratelimited("sdp: half-open connection given up after connect-timeout\n");
	sdp_stats_inc(sock_net(&child->sk), SDP_STAT_CONN_FAILED);
	sdp_stats_inc(sock_net(&child->sk), SDP_STAT_HALF_OPEN_EXPIRED);
	sdp_child_release(child);
}

/**
 * sdp_child_drop() - reset a child its listener will never accept
 * @child: a child taken off its listener's queues (or never put there)
 *
 * As TCP resets the connections a closing listener had queued.  The
 * child's reference to its listener goes; the work item tears it down.
 */
void sdp_child_drop(struct sdp_sock *child)
{
	struct sdp_sock *lssk = child->parent;

	child->parent = NULL;
	sock_put(&lssk->sk);
	sock_set_flag(&child->sk, SOCK_DEAD);
	spin_lock_bh(&child->lock);
	child->closing = true;
	child->deadline = jiffies + SDP_CLOSE_TIMEOUT;
	sdp_conn_fail(child, ECONNRESET, true);
	sdp_conn_kick(child, 0);
	spin_unlock_bh(&child->lock);
}

/*
 * TCP_DEFER_ACCEPT in TCP's terms: seconds become the count of SYN-ACK
 * retransmissions whose timeouts (1 s, doubling up to TCP_RTO_MAX) cover
 * them, and a count reads back as the seconds it covers (5 -> 7), so
 * programs see on SDP what they see on TCP.
 */
static u8 sdp_defer_retrans(int secs)
{
	int rto = TCP_TIMEOUT_INIT / HZ, covered = rto;
	u8 n;

	if (secs <= 0)
		return 0;
	for (n = 1; covered < secs && n < U8_MAX; n++) {
		rto = min(rto * 2, TCP_RTO_MAX / HZ);
		covered += rto;
	}
	return n;
}

int sdp_defer_secs(u8 retrans)
{
	int rto = TCP_TIMEOUT_INIT / HZ, covered = 0;

	for (; retrans; retrans--) {
		covered += rto;
		rto = min(rto * 2, TCP_RTO_MAX / HZ);
	}
	return covered;
}

/**
 * sdp_child_defer() - hold an established child back from accept()
 * @child: a child its listener put on the defer queue; called once, by
 *	the ESTABLISHED handler
 *
 * As TCP with TCP_DEFER_ACCEPT: the connection waits for its first data
 * (or the end of the stream, or an error) up to the deferral, then goes
 * to the accept queue either way.  The work item decides
 * (sdp_child_undefer()); the receive path kicks it when data comes.
 */
void sdp_child_defer(struct sdp_sock *child)
{
	u8 retrans = READ_ONCE(child->parent->lsn.defer_accept);

	spin_lock_bh(&child->lock);
	WRITE_ONCE(child->deferred, true);
	child->defer_until = jiffies + sdp_defer_secs(retrans) * HZ;
	/* Data may have come before: the work item looks at once. */
	sdp_conn_kick(child, 0);
	spin_unlock_bh(&child->lock);
}

/*
 * A deferred child: to the accept queue once it has data, its end of
 * stream or an error, or once its deferral ran out; reset if its listener
 * closed (which took it off the defer queue).  Only this work item clears
 * @child->parent of a deferred child, so the listener stays valid here.
 * Returns the jiffies until it is due again, 0 once it is decided.
 */
static unsigned long sdp_child_undefer(struct sdp_sock *child)
{
	struct sdp_sock *lssk = child->parent;
	struct sock *sk = &child->sk;
	unsigned long left;
	bool orphan, ready;

	spin_lock_bh(&child->lock);
	left = sdp_jiffies_left(child->defer_until);
	ready = !left || child->rx.queued || child->conn_done ||
		(sk->sk_shutdown & RCV_SHUTDOWN);
	spin_unlock_bh(&child->lock);

	spin_lock_bh(&lssk->lock);
	orphan = list_empty(&child->accept_node);
	if (orphan || ready)
		lssk->lsn.npending--;
	if (!orphan && ready) {
		list_move_tail(&child->accept_node, &lssk->lsn.accept_q);
		lssk->lsn.nqueued++;
		lssk->sk.sk_data_ready(&lssk->sk);
	}
	spin_unlock_bh(&lssk->lock);
	if (!orphan && !ready)
		return left;

	spin_lock_bh(&child->lock);
	WRITE_ONCE(child->deferred, false);
	spin_unlock_bh(&child->lock);
	if (orphan)
		sdp_child_drop(child);
	return 0;
}

static void sdp_conn_work(struct work_struct *work)
{
	struct sdp_sock *ssk = container_of(to_delayed_work(work),
					    struct sdp_sock, work);
	bool destroy = false, disconnect = false, again = false;
	struct sock *sk = &ssk->sk;
	unsigned long delay = HZ / 20, defer_left = 0;
	bool fallback = false;

	if (READ_ONCE(ssk->half_open)) {
		sdp_child_expire(ssk);
		sock_put(sk);		/* the work's own */
		return;
	}
	if (READ_ONCE(ssk->deferred))
		defer_left = sdp_child_undefer(ssk);
	spin_lock_bh(&ssk->lock);
	if (READ_ONCE(ssk->qp_broken) && !ssk->conn_done)
		sdp_conn_fail(ssk, ECONNRESET, false);
	/*
	 * connect-timeout, for blocking and non-blocking connects alike: the
	 * rdma_cm and IB CM timeouts would take minutes (hours if the peer
	 * keeps sending MRAs).
	 */
	if (sk->sk_state == TCP_SYN_SENT && !ssk->conn_done) {
		delay = sdp_jiffies_left(ssk->deadline);
		if (ssk->fb_reason) {
			fallback = true;
		} else if (!delay) {
			fallback = sdp_fallback_request(ssk,
							SDP_FALLBACK_REASON_TIMEOUT);
			if (!fallback) {
				sdp_stats_inc(sock_net(sk), SDP_STAT_CONN_FAILED);
				sdp_conn_fail(ssk, ETIMEDOUT, false);
			}
			delay = HZ / 20;
		} else {
			again = true;
		}
	}
	if (ssk->peer_gone && !ssk->conn_done) {
		sdp_peer_gone_check(ssk, time_after_eq(jiffies, ssk->deadline));
		again = !ssk->conn_done;
	}
	if (ssk->closing) {
		if (!ssk->destroyed) {
			sdp_try_disconn(ssk);
			if (!ssk->qp || ssk->qp_dead ||
			    time_after_eq(jiffies, ssk->deadline) ||
			    (!ssk->tx.out &&
			     (ssk->disconn_sent || ssk->conn_done))) {
				destroy = true;
				ssk->destroyed = true;
			} else {
				again = true;
			}
		}
	} else if (ssk->conn_done && !ssk->dis_done && ssk->qp) {
		if (!ssk->tx.out || time_after_eq(jiffies, ssk->deadline)) {
			disconnect = true;
			ssk->dis_done = true;
		} else {
			again = true;
		}
	}
	spin_unlock_bh(&ssk->lock);
	if (defer_left && (!again || defer_left < delay)) {
		delay = defer_left;
		again = true;
	}

	if (fallback)
		sdp_fallback_run(ssk);
	if (disconnect) {
		mutex_lock(&ssk->res_mutex);
		if (ssk->cm_id)
			rdma_disconnect(ssk->cm_id);
		mutex_unlock(&ssk->res_mutex);
	}
	if (destroy) {
		sdp_conn_destroy(ssk);
		sock_put(sk);		/* the reference close() left */
	} else if (again) {
		sdp_conn_kick(ssk, delay);
	}
	sock_put(sk);			/* the work's own */
}

/**
 * sdp_wait() - sleep in a system call until something may have changed
 * @ssk: the socket; socket locked (released while sleeping)
 * @timeo: time left (MAX_SCHEDULE_TIMEOUT: no limit); updated
 * @ready: what ends the sleep, read locklessly and again under the
 *	socket lock: true if the caller has something to look at
 * @arg: passed to @ready
 *
 * The one wait of accept, connect, send, receive and linger: they check
 * their state, and call this to sleep until a wake-up, the timeout or a
 * signal.  A wake-up may be spurious: the caller checks again.
 *
 * Return: 0 after a sleep (or if @ready already holds), -EAGAIN if no time
 * is left, or the errno of a pending signal.
 */
int sdp_wait(struct sdp_sock *ssk, long *timeo,
	     bool (*ready)(const struct sdp_sock *ssk, const void *arg),
	     const void *arg)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct sock *sk = &ssk->sk;

	if (!*timeo)
		return -EAGAIN;
	if (signal_pending(current))
		return sock_intr_errno(*timeo);
	add_wait_queue(sk_sleep(sk), &wait);
	sk_wait_event(sk, timeo, ready(ssk, arg), &wait);
	remove_wait_queue(sk_sleep(sk), &wait);
	return 0;
}

static struct lock_class_key sdp_slock_key;
static struct lock_class_key sdp_sk_lock_key;

/**
 * sdp_sock_setup() - initialise the SDP part of a new socket
 * @ssk: the socket, just allocated (by sdp_sock_alloc() or, for an
 *	IPPROTO_SDP socket, by inet_create() or inet6_create())
 */
void sdp_sock_setup(struct sdp_sock *ssk)
{
	struct sock *sk = &ssk->sk;

	/*
	 * A lock class of SDP's own: a socket the rule table makes TCP's
	 * takes the TCP socket's lock, of the same family, inside its own
	 * (tcp.c).
	 */
	sock_lock_init_class_and_name(sk, "slock-SDP", &sdp_slock_key,
				      "sk_lock-SDP", &sdp_sk_lock_key);
	sk->sk_destruct = sdp_sk_destruct;
	spin_lock_init(&ssk->lock);
	mutex_init(&ssk->res_mutex);
	INIT_LIST_HEAD(&ssk->rx.queue);
	INIT_LIST_HEAD(&ssk->lsn.accept_q);
	INIT_LIST_HEAD(&ssk->lsn.defer_q);
	INIT_LIST_HEAD(&ssk->accept_node);
	INIT_DELAYED_WORK(&ssk->work, sdp_conn_work);
	INIT_WORK(&ssk->rx.grow_work, sdp_rx_grow_work);
	INIT_LIST_HEAD(&ssk->reuseport_node);
	sdp_ka_init(ssk);
	sdp_diag_sock_init(ssk);
	ssk->tx.free = -1;
	ssk->tx.pend = -1;
	ssk->tx.seq = 1;
	ssk->laddr.ss_family = AF_INET;
}

/**
 * sdp_sock_open() - give a socket made by socket() its rdma_cm id
 * @ssk: the socket, set up
 *
 * Return: 0 or a negative errno; the caller releases the socket then.
 */
int sdp_sock_open(struct sdp_sock *ssk)
{
	struct rdma_cm_id *id;

	id = rdma_create_id(sock_net(&ssk->sk), sdp_cm_handler, ssk,
			    RDMA_PS_TCP, IB_QPT_RC);
	if (IS_ERR(id))
		return PTR_ERR(id);
	ssk->cm_id = id;
	/* Buffers are allocated in rdma_cm's workers: remember who pays. */
	ssk->memcg = get_mem_cgroup_from_mm(current->mm);
	return 0;
}

/**
 * sdp_sock_alloc() - allocate and initialise an SDP socket
 * @net: its namespace
 * @family: SDP_AF_INET_SDP, or a listener's AF_INET/AF_INET6 for a child
 * @prot: sdp_proto, or the listener's for a child
 * @sock: the struct socket, NULL for a child of a listener
 * @kern: kernel socket
 *
 * The debug tier's fault injection (fail_function) fails it on demand, for
 * socket() and for a listener's child: not inlined, or socket()'s call
 * would not be the function it hooks.
 *
 * Return: the socket with one reference, or NULL.
 */
noinline struct sdp_sock *sdp_sock_alloc(struct net *net, int family,
					 struct proto *prot,
					 struct socket *sock, int kern)
{
	struct sdp_sock *ssk;
	struct sock *sk;

	sk = sk_alloc(net, family, GFP_KERNEL, prot, kern);
	if (!sk)
		return NULL;
	sock_init_data(sock, sk);
	sk->sk_protocol = IPPROTO_TCP;
	ssk = sdp_sk(sk);
	sdp_sock_setup(ssk);
	return ssk;
}
ALLOW_ERROR_INJECTION(sdp_sock_alloc, NULL);

/**
 * sdp_child_inherit() - give a new child what TCP's children get from
 *	their listener (sk_clone_lock() copies the whole socket)
 * @child: the child, not visible to anyone yet
 * @lssk: its listener
 *
 * Socket options are read without the listener's lock, as a concurrent
 * setsockopt() may change them either side of the copy in TCP too.
 */
void sdp_child_inherit(struct sdp_sock *child, const struct sdp_sock *lssk)
{
	static const enum sock_flags flags[] = {
		SOCK_DBG, SOCK_KEEPOPEN, SOCK_URGINLINE, SOCK_LINGER,
	};
	const struct sock *lsk = &lssk->sk;
	struct sock *sk = &child->sk;
	unsigned int i;

	sk->sk_type = lsk->sk_type;
	sk->sk_protocol = lsk->sk_protocol;
	if (sk->sk_family == AF_INET6)
		sdp_inet6_child_init(sk, lsk);
	for (i = 0; i < ARRAY_SIZE(flags); i++)
		sock_valbool_flag(sk, flags[i], sock_flag(lsk, flags[i]));
	sk->sk_lingertime = READ_ONCE(lsk->sk_lingertime);
	sk->sk_rcvtimeo = READ_ONCE(lsk->sk_rcvtimeo);
	sk->sk_sndtimeo = READ_ONCE(lsk->sk_sndtimeo);
	sk->sk_rcvlowat = READ_ONCE(lsk->sk_rcvlowat);
	sk->sk_rcvbuf = READ_ONCE(lsk->sk_rcvbuf);
	sk->sk_sndbuf = READ_ONCE(lsk->sk_sndbuf);
	sk->sk_userlocks = lsk->sk_userlocks;
	sk->sk_priority = READ_ONCE(lsk->sk_priority);
	sk->sk_mark = READ_ONCE(lsk->sk_mark);
	child->nodelay = READ_ONCE(lssk->nodelay);
	child->cork = READ_ONCE(lssk->cork);
	/* As TCP charges an accepted socket to its listener's side. */
	child->memcg = lssk->memcg;
	if (child->memcg)
		css_get(&child->memcg->css);
	child->ka.idle = READ_ONCE(lssk->ka.idle);
	child->ka.intvl = READ_ONCE(lssk->ka.intvl);
	child->ka.cnt = READ_ONCE(lssk->ka.cnt);
	child->ka.user_timeout = READ_ONCE(lssk->ka.user_timeout);
	/* Until the REQ tells its connection's (cm.c). */
	child->tclass = READ_ONCE(lssk->tclass);
}

static int sdp_create(struct net *net, struct socket *sock, int protocol,
		      int kern)
{
	struct sdp_sock *ssk;
	int err;

	if (sock->type != SOCK_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != IPPROTO_TCP)
		return -EPROTONOSUPPORT;

	sock->state = SS_UNCONNECTED;
	sock->ops = &sdp_stream_ops;
	/* SOL_SOCKET comes to sdp_setsockopt(): SO_REUSEPORT (see there). */
	sdp_sock_custom_sockopt(sock);
	ssk = sdp_sock_alloc(net, SDP_AF_INET_SDP, &sdp_proto, sock, kern);
	if (!ssk)
		return -ENOMEM;
	err = sdp_sock_open(ssk);
	if (err) {
		sock_orphan(&ssk->sk);
		sock->sk = NULL;
		sock_put(&ssk->sk);
	}
	return err;
}

/*
 * SDP binds in rdma_cm's PS_TCP port space, which other RDMA services
 * share: iSER (3260), NVMe-oF (4420), RDS (18634), NFS/RDMA (20049).
 * rdma_cm guards only ports below 1024, so any user could take theirs.
 * Binding one of these ports needs CAP_NET_BIND_SERVICE, as binding a
 * port below 1024 does.  Host-wide, like ip_local_reserved_ports: the
 * reserved_ports module parameter, a list such as "3260,4420,18634-18640".
 * Writers are serialised by the module parameter lock; bind() reads the
 * bitmap under RCU.
 */
#define SDP_RESERVED_PORTS_DEFAULT	"3260,4420,18634,20049"
static unsigned long __rcu *sdp_reserved_ports;

static int sdp_reserved_ports_set(const char *val,
				  const struct kernel_param *kp)
{
	unsigned long *new, *old;

	new = bitmap_zalloc(U16_MAX + 1, GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	/* One errno for a bad list, whatever the parser's version says. */
	if (bitmap_parselist(val, new, U16_MAX + 1)) {
		bitmap_free(new);
		return -EINVAL;
	}
	old = rcu_replace_pointer(sdp_reserved_ports, new, true);
	if (old) {
		synchronize_rcu();
		bitmap_free(old);
	}
	return 0;
}

static int sdp_reserved_ports_get(char *buf, const struct kernel_param *kp)
{
	unsigned long *ports;
	int n = 0;

	rcu_read_lock();
	ports = rcu_dereference(sdp_reserved_ports);
	if (ports)
		n = scnprintf(buf, PAGE_SIZE, "%*pbl\n", U16_MAX + 1, ports);
	rcu_read_unlock();
	return n;
}

/* Module unload (or a failed load): no bind() can run any more. */
static void sdp_reserved_ports_free(void *arg)
{
	bitmap_free(rcu_replace_pointer(sdp_reserved_ports, NULL, true));
}

static const struct kernel_param_ops sdp_reserved_ports_ops = {
	.set = sdp_reserved_ports_set,
	.get = sdp_reserved_ports_get,
	.free = sdp_reserved_ports_free,
};
module_param_cb(reserved_ports, &sdp_reserved_ports_ops, NULL, 0644);
MODULE_PARM_DESC(reserved_ports,
		 "ports only CAP_NET_BIND_SERVICE may bind (default "
		 SDP_RESERVED_PORTS_DEFAULT ")");

static bool sdp_port_reserved(__be16 port)
{
	unsigned long *ports;
	bool ret;

	rcu_read_lock();
	ports = rcu_dereference(sdp_reserved_ports);
	ret = ports && test_bit(ntohs(port), ports);
	rcu_read_unlock();
	return ret;
}

/*
 * The address a bind() or connect() names, as rdma_cm is to see it.  An
 * AF_INET_SDP socket takes either family.  An IPPROTO_SDP socket takes
 * its own family, with TCP's errnos, and an AF_INET6 one a v4-mapped
 * address as the IPv4 address it is, unless IPV6_V6ONLY (then
 * @v6only_err, TCP's errno for the call).
 */
static int sdp_sock_addr(const struct sock *sk, const struct sockaddr *uaddr,
			 int alen, struct sockaddr_storage *addr,
			 int v6only_err)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)addr;
	struct sockaddr_in *sin = (struct sockaddr_in *)addr;
	int family, min_len;
	__be32 v4;
	__be16 port;

	if (alen < (int)sizeof(sa_family_t))
		return -EINVAL;
	family = sk->sk_family == SDP_AF_INET_SDP ? uaddr->sa_family :
						    sk->sk_family;
	if (family == AF_INET)
		min_len = sizeof(struct sockaddr_in);
	else if (family == AF_INET6)
		/* TCP's: a sockaddr_in6 without sin6_scope_id will do. */
		min_len = sk->sk_family == AF_INET6 ? SIN6_LEN_RFC2133 :
						      sizeof(struct sockaddr_in6);
	else
		return -EAFNOSUPPORT;
	if (alen < min_len)
		return -EINVAL;
	if (uaddr->sa_family != family)
		return -EAFNOSUPPORT;
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, uaddr, min_t(int, alen, sizeof(*addr)));
	if (sk->sk_family != AF_INET6 ||
	    !ipv6_addr_v4mapped(&sin6->sin6_addr))
		return 0;
	if (sk->sk_ipv6only)
		return v6only_err;
	port = sin6->sin6_port;
	v4 = sin6->sin6_addr.s6_addr32[3];
	memset(addr, 0, sizeof(*addr));
	sin->sin_family = AF_INET;
	sin->sin_port = port;
	sin->sin_addr.s_addr = v4;
	return 0;
}

/**
 * sdp_id_bind() - bind an rdma_cm id to @addr as @sk's bind() asks
 * @sk: the socket whose SO_REUSEADDR and IPV6_V6ONLY apply
 * @id: a new id: the socket's own, or its SO_REUSEPORT group's
 * @addr: the address
 *
 * Return: 0, -EADDRNOTAVAIL for an address of no RDMA device, or
 * rdma_bind_addr()'s error.
 */
int sdp_id_bind(const struct sock *sk, struct rdma_cm_id *id,
		struct sockaddr_storage *addr)
{
	int err;

	if (sk->sk_reuse)
		rdma_set_reuseaddr(id, 1);
	/* Dual stack or not, as TCP's [::] (native sockets: the sysctl's). */
	if (sk->sk_family == AF_INET6 && addr->ss_family == AF_INET6)
		rdma_set_afonly(id, sk->sk_ipv6only);
	err = rdma_bind_addr(id, (struct sockaddr *)addr);
	return err == -ENODEV ? -EADDRNOTAVAIL : err;
}

/* Socket locked, not yet bound, an id of its own. */
static int sdp_bind_id(struct sdp_sock *ssk, struct sockaddr_storage *addr)
{
	int err;

	ssk->bind_port = sdp_addr_port(addr);
	err = sdp_id_bind(&ssk->sk, ssk->cm_id, addr);
	if (!err) {
		ssk->bound = true;
		memcpy(&ssk->laddr, &ssk->cm_id->route.addr.src_addr,
		       sizeof(ssk->laddr));
	}
	return err;
}

static int sdp_bind(struct socket *sock, struct sockaddr *uaddr, int alen)
{
	struct socket *tcp = sdp_tcp_sock(sock);
	struct sockaddr_storage addr;
	struct sock *sk = sock->sk;
	struct sdp_sock *ssk = sdp_sk(sk);
	int err;

	if (unlikely(tcp))
		return tcp->ops->bind(tcp, uaddr, alen);
	err = sdp_sock_addr(sk, uaddr, alen, &addr, -EINVAL);
	if (err)
		return err;
	if (sdp_port_reserved(sdp_addr_port(&addr)) &&
	    !ns_capable(sock_net(sk)->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED || sk->sk_state != TCP_CLOSE ||
	    ssk->bound || ssk->connect_tried || !ssk->cm_id) {
		err = -EINVAL;
		goto out;
	}
	/* As TCP, port 0 with SO_REUSEPORT is a port of the socket's own. */
	if (sk->sk_reuseport && sdp_addr_port(&addr))
		err = sdp_reuseport_bind(ssk, &addr);
	else
		err = sdp_bind_id(ssk, &addr);
out:
	release_sock(sk);
	return err;
}

/**
 * sdp_bind_asked() - the address bind() asked for
 * @ssk: a bound socket
 * @addr: the bound address with the port bind() named: 0 where rdma_cm
 *	chose one, which was no choice of the program's
 */
void sdp_bind_asked(const struct sdp_sock *ssk, struct sockaddr_storage *addr)
{
	memcpy(addr, &ssk->laddr, sizeof(*addr));
	if (addr->ss_family == AF_INET6)
		((struct sockaddr_in6 *)addr)->sin6_port = ssk->bind_port;
	else
		((struct sockaddr_in *)addr)->sin_port = ssk->bind_port;
}

/*
 * The local end a listen() is decided by: the address bind() asked for,
 * or the family's any address, port 0.
 */
static void sdp_listen_addr(const struct sdp_sock *ssk,
			    struct sockaddr_storage *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (ssk->bound)
		sdp_bind_asked(ssk, addr);
	else
		addr->ss_family = ssk->sk.sk_family == AF_INET6 ? AF_INET6 :
								  AF_INET;
}

/*
 * The family of the TCP socket for a connection to or from @addr_family:
 * the socket's own, a native socket's the address's.
 */
static int sdp_tcp_family(const struct sdp_sock *ssk, int addr_family)
{
	return ssk->sk.sk_family == SDP_AF_INET_SDP ? addr_family :
						       ssk->sk.sk_family;
}

/*
 * The rule table said TCP: the socket becomes a TCP socket (tcp.c) and
 * gives up its rdma_cm id.  Socket locked; unlocked on return.
 */
static struct socket *sdp_become_tcp(struct sdp_sock *ssk,
				     struct socket *sock, int addr_family)
{
	return sdp_tcp_switch(ssk, sock, sdp_tcp_family(ssk, addr_family));
}

static void sdp_listener_close(struct sdp_sock *lssk);

static int sdp_listen(struct socket *sock, int backlog)
{
	struct socket *tcp = sdp_tcp_sock(sock);
	struct sockaddr_storage laddr;
	struct sock *sk = sock->sk;
	struct sdp_sock *ssk = sdp_sk(sk);
	int action, err = 0;

	if (unlikely(tcp))
		return tcp->ops->listen(tcp, backlog);
	lock_sock(sk);
	WRITE_ONCE(sk->sk_max_ack_backlog, max(backlog, 0));
	/* A `both' listener's TCP side takes the new backlog too. */
	if (sk->sk_state == TCP_LISTEN) {
		if (ssk->lsn.tcp)
			err = kernel_listen(ssk->lsn.tcp, max(backlog, 1));
		goto out;
	}
	if (sock->state != SS_UNCONNECTED || sk->sk_state != TCP_CLOSE ||
	    ssk->connect_tried || !ssk->cm_id) {
		err = -EINVAL;
		goto out;
	}
	sdp_listen_addr(ssk, &laddr);
	action = sdp_decide(ssk, SDP_ROLE_LISTEN, &laddr);
	if (action == SDP_ACTION_TCP) {
		tcp = sdp_become_tcp(ssk, sock, laddr.ss_family);
		if (IS_ERR(tcp))
			return PTR_ERR(tcp);
		return tcp->ops->listen(tcp, backlog);
	}
	/*
	 * rdma_listen() would bind an unbound id to IPv4's any address; an
	 * AF_INET6 socket listens on [::], as TCP's does.
	 */
	if (!ssk->bound && sk->sk_family == AF_INET6) {
		struct sockaddr_storage any = { .ss_family = AF_INET6 };

		err = sdp_bind_id(ssk, &any);
		if (err)
			goto out;
	}
	/* Before rdma_listen(): a request may arrive at once. */
	spin_lock_bh(&ssk->lock);
	sdp_set_state(sk, TCP_LISTEN);
	spin_unlock_bh(&ssk->lock);
	/*
	 * Listening again after shutdown(): the id still listens; a `both'
	 * listener's TCP side, shut down with it, listens again (on its
	 * port, still bound).
	 */
	if (ssk->listened) {
		if (ssk->lsn.tcp)
			err = kernel_listen(ssk->lsn.tcp, max(backlog, 1));
		if (err)
			sdp_listener_close(ssk);
		goto out;
	}
	if (ssk->reuseport)
		err = sdp_reuseport_listen(ssk, max(backlog, 1));
	else
		err = rdma_listen(ssk->cm_id, max(backlog, 1));
	if (err) {
		spin_lock_bh(&ssk->lock);
		sdp_set_state(sk, TCP_CLOSE);
		spin_unlock_bh(&ssk->lock);
		goto out;
	}
	ssk->bound = true;
	ssk->listened = true;
	/* A group member's address is the group's, since bind(). */
	if (!ssk->reuseport)
		memcpy(&ssk->laddr, &ssk->cm_id->route.addr.src_addr,
		       sizeof(ssk->laddr));
	sdp_diag_link(ssk);
	if (action == SDP_ACTION_BOTH) {
		err = sdp_tcp_listen_too(ssk, max(backlog, 1));
		if (err) {
			/* As after shutdown(): the id listens, no one accepts. */
			sdp_listener_close(ssk);
		}
	}
out:
	release_sock(sk);
	return err;
}

/*
 * A listener whose RDMA device went away: rdma_cm destroyed its id, no
 * connection can come any more (accept() and poll() say so each time).
 */
static bool sdp_listener_dead(const struct sdp_sock *ssk)
{
	if (ssk->reuseport)
		return sdp_reuseport_dead(ssk);
	return !READ_ONCE(ssk->cm_id);
}

/* accept() has something to look at. */
static bool sdp_accept_ready(const struct sdp_sock *ssk, const void *arg)
{
	const struct sock *sk = &ssk->sk;

	return READ_ONCE(ssk->lsn.nqueued) || sdp_tcp_lsn_ready(ssk) ||
	       READ_ONCE(sk->sk_state) != TCP_LISTEN ||
	       READ_ONCE(sk->sk_err) || sdp_listener_dead(ssk);
}

static int sdp_accept_common(struct socket *sock, struct socket *newsock,
			     int flags)
{
	struct sock *sk = sock->sk;
	struct sdp_sock *ssk = sdp_sk(sk);
	struct sdp_sock *child = NULL;
	struct socket *tcp_child = NULL;
	long timeo;
	int err = 0;

	lock_sock(sk);
	if (sk->sk_state != TCP_LISTEN) {
		err = -EINVAL;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	for (;;) {
		spin_lock_bh(&ssk->lock);
		child = list_first_entry_or_null(&ssk->lsn.accept_q,
						 struct sdp_sock, accept_node);
		if (child) {
			list_del_init(&child->accept_node);
			ssk->lsn.nqueued--;
		}
		spin_unlock_bh(&ssk->lock);
		if (child)
			break;
		/* A `both' listener: TCP's side. */
		tcp_child = sdp_tcp_lsn_accept(ssk, &err);
		if (tcp_child || err != -EAGAIN)
			break;
		err = 0;
		if (sk->sk_state != TCP_LISTEN) {
			err = -EINVAL;
			break;
		}
		err = sock_error(sk);
		if (err)
			break;
		if (sdp_listener_dead(ssk)) {
			err = -ENODEV;
			break;
		}
		err = sdp_wait(ssk, &timeo, sdp_accept_ready, NULL);
		if (err)
			break;
	}
out:
	release_sock(sk);
	if (tcp_child) {
		err = sdp_tcp_adopt(sk, newsock, tcp_child);
		if (err)
			sock_release(tcp_child);
		return err;
	}
	if (!child)
		return err;

	child->parent = NULL;
	sock_put(sk);		/* the child's reference to its listener */
	lock_sock(&child->sk);
	sock_graft(&child->sk, newsock);
	newsock->state = SS_CONNECTED;
	release_sock(&child->sk);
	return 0;
}

static int sdp_accept(struct socket *sock, struct socket *newsock,
		      SDP_ACCEPT_PARAMS)
{
	struct socket *tcp = sdp_tcp_sock(sock);
	int err;

	if (unlikely(tcp)) {
		struct socket *child = sdp_tcp_child_new(tcp);

		if (IS_ERR(child))
			return PTR_ERR(child);
		err = SDP_ACCEPT_FORWARD(tcp, child);
		if (!err)
			err = sdp_tcp_adopt(sock->sk, newsock, child);
		if (err)
			sock_release(child);
		return err;
	}
	return sdp_accept_common(sock, newsock, SDP_ACCEPT_FLAGS);
}

static bool sdp_connect_over(const struct sdp_sock *ssk, const void *arg)
{
	return READ_ONCE(ssk->sk.sk_state) != TCP_SYN_SENT;
}

/**
 * sdp_wait_connect() - wait for the end of SYN_SENT
 * @ssk: the socket; socket locked
 * @timeo: time left, updated
 *
 * The work item ends SYN_SENT at the connect-timeout deadline.
 *
 * Return: 0 when it ended, -EINPROGRESS when @timeo ran out, or the
 * signal's errno.
 */
int sdp_wait_connect(struct sdp_sock *ssk, long *timeo)
{
	int err = 0;

	while (READ_ONCE(ssk->sk.sk_state) == TCP_SYN_SENT) {
		err = sdp_wait(ssk, timeo, sdp_connect_over, NULL);
		if (err == -EAGAIN)
			err = -EINPROGRESS;
		if (err)
			break;
	}
	return err;
}

static int sdp_connect(struct socket *sock, struct sockaddr *uaddr, int alen,
		       int flags)
{
	struct socket *tcp = sdp_tcp_sock(sock);
	struct sockaddr_storage dst;
	struct sock *sk = sock->sk;
	struct sdp_sock *ssk = sdp_sk(sk);
	struct net *net = sock_net(sk);
	int action, err;
	long timeo;
	u32 tmo;

	if (unlikely(tcp))
		return tcp->ops->connect(tcp, uaddr, alen, flags);
	err = sdp_sock_addr(sk, uaddr, alen, &dst, -ENETUNREACH);
	if (err)
		return err;

	lock_sock(sk);
	switch (sock->state) {
	case SS_CONNECTED:
		err = -EISCONN;
		goto out;
	case SS_CONNECTING:
		if (sk->sk_state == TCP_SYN_SENT && (flags & O_NONBLOCK)) {
			err = -EALREADY;
			goto out;
		}
		break;
	case SS_UNCONNECTED:
		if (sk->sk_state == TCP_LISTEN) {
			err = -EINVAL;
			goto out;
		}
		if (sk->sk_state != TCP_CLOSE || ssk->connect_tried ||
		    !ssk->cm_id) {
			/* One attempt per socket (see docs/protocol.md). */
			err = -ECONNABORTED;
			goto out;
		}
		action = sdp_decide(ssk, SDP_ROLE_CONNECT, &dst);
		if (action == SDP_ACTION_TCP) {
			tcp = sdp_become_tcp(ssk, sock, uaddr->sa_family);
			if (IS_ERR(tcp))
				return PTR_ERR(tcp);
			return tcp->ops->connect(tcp, uaddr, alen, flags);
		}
		if (action == SDP_ACTION_BOTH) {
			int family = sdp_tcp_family(ssk, uaddr->sa_family);

			sdp_fallback_prepare(ssk, family);
		}
		/* max-connections: the socket may try again later. */
		if (atomic64_read(&sdp_net(net)->stats.conn_current) >=
		    sdp_tun(net, SDP_TUN_MAX_CONNECTIONS)) {
			tcp = sdp_fallback_now(ssk, sock,
					       SDP_FALLBACK_REASON_RESOURCES);
			if (tcp)
				return tcp->ops->connect(tcp, uaddr, alen, flags);
			sdp_stats_inc(net, SDP_STAT_CONN_FAILED);
			err = -ENOBUFS;
			goto out;
		}
		tmo = sdp_tun(net, SDP_TUN_CONNECT_TIMEOUT);
		/*
		 * A user timeout bounds the connect too, as it ends TCP's SYN
		 * retries (the first after a second: TCP_TIMEOUT_INIT).
		 */
		if (ssk->ka.user_timeout)
			tmo = min_t(u32, tmo,
				    max_t(u32, ssk->ka.user_timeout,
					  jiffies_to_msecs(TCP_TIMEOUT_INIT)));
		ssk->connect_tried = true;
		/* `both': TCP takes over after the (shorter) fallback-timeout. */
		if (ssk->fb_spare)
			tmo = min(tmo, sdp_tun(net, SDP_TUN_FALLBACK_TIMEOUT));
		ssk->deadline = jiffies + msecs_to_jiffies(tmo);
		memcpy(&ssk->raddr, &dst, sizeof(ssk->raddr));
		spin_lock_bh(&ssk->lock);
		sdp_set_state(sk, TCP_SYN_SENT);
		spin_unlock_bh(&ssk->lock);
		sdp_diag_link(ssk);
		sdp_stats_inc(net, SDP_STAT_CONN_ACTIVE_OPENS);
		if (ssk->tclass_set)
			rdma_set_service_type(ssk->cm_id, ssk->tclass);
		/* SO_BINDTODEVICE: address resolution routes out of it only. */
		if (sk->sk_bound_dev_if)
			ssk->cm_id->route.addr.dev_addr.bound_dev_if =
				sk->sk_bound_dev_if;
		err = rdma_resolve_addr(ssk->cm_id,
					ssk->bound ? (struct sockaddr *)&ssk->laddr :
						     NULL,
					(struct sockaddr *)&dst, tmo);
		if (err) {
			bool nodev = err == -ENODEV || err == -EADDRNOTAVAIL;

			spin_lock_bh(&ssk->lock);
			sdp_set_state(sk, TCP_CLOSE);
			spin_unlock_bh(&ssk->lock);
			tcp = sdp_fallback_now(ssk, sock, nodev ?
					       SDP_FALLBACK_REASON_NO_DEVICE :
					       SDP_FALLBACK_REASON_ADDRESS);
			if (tcp)
				return tcp->ops->connect(tcp, uaddr, alen, flags);
			spin_lock_bh(&ssk->lock);
			ssk->conn_done = true;
			spin_unlock_bh(&ssk->lock);
			sdp_stats_inc(net, SDP_STAT_CONN_FAILED);
			err = nodev ? -ENETUNREACH : err;
			goto out;
		}
		sock->state = SS_CONNECTING;
		sdp_conn_kick(ssk, sdp_jiffies_left(ssk->deadline));
		break;
	default:
		err = -EINVAL;
		goto out;
	}

	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	if (READ_ONCE(sk->sk_state) == TCP_SYN_SENT) {
		if (!timeo) {
			err = -EINPROGRESS;
			goto out;
		}
		err = sdp_wait_connect(ssk, &timeo);
		/* `both' fell back meanwhile: this connect() waits on TCP's. */
		tcp = sdp_tcp_sock(sock);
		if (tcp) {
			release_sock(sk);
			err = tcp->ops->connect(tcp, uaddr, alen, flags);
			return err == -EISCONN ? 0 : err;
		}
		if (err)
			goto out;
	}
	if (sk->sk_state == TCP_ESTABLISHED) {
		sock->state = SS_CONNECTED;
		err = 0;
	} else {
		sock->state = SS_UNCONNECTED;
		err = sock_error(sk) ?: -ECONNABORTED;
	}
out:
	release_sock(sk);
	return err;
}

/*
 * An AF_INET6 socket answers in its family: an IPv4 connection (a dual
 * stack listener's child, a v4-mapped connect) with v4-mapped addresses.
 */
static int sdp_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct socket *tcp = sdp_tcp_sock(sock);
	struct sock *sk = sock->sk;
	struct sdp_sock *ssk = sdp_sk(sk);
	struct sockaddr_storage *ss;
	int len;

	if (unlikely(tcp))
		return tcp->ops->getname(tcp, uaddr, peer);
	lock_sock(sk);
	if (peer) {
		if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_SYN_SENT ||
		    sk->sk_state == TCP_LISTEN) {
			release_sock(sk);
			return -ENOTCONN;
		}
		ss = &ssk->raddr;
	} else {
		ss = &ssk->laddr;
	}
	len = sdp_addr_in_family(ss, sk->sk_family,
				 (struct sockaddr_storage *)uaddr);
	release_sock(sk);
	return len;
}

static __poll_t sdp_poll(struct file *file, struct socket *sock,
			 poll_table *wait)
{
	struct socket *tcp = sdp_tcp_sock(sock);
	struct sock *sk = sock->sk;
	struct sdp_sock *ssk = sdp_sk(sk);
	int state, shutdown;
	__poll_t mask = 0;

	if (unlikely(tcp))
		return tcp->ops->poll(file, tcp, wait);
	sock_poll_wait(file, sock, wait);
	state = READ_ONCE(sk->sk_state);
	if (state == TCP_LISTEN) {
		if (READ_ONCE(ssk->lsn.nqueued) || sdp_tcp_lsn_ready(ssk))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (READ_ONCE(sk->sk_err) || sdp_listener_dead(ssk))
			mask |= EPOLLERR;
		return mask;
	}

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (shutdown == SHUTDOWN_MASK || (state == TCP_CLOSE &&
					  sock->state != SS_CONNECTING))
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (state == TCP_SYN_SENT)
		return mask;
	if (sdp_rx_readable(ssk))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(ssk->rx.urg) & SDP_URG_VALID)
		mask |= EPOLLPRI;
	if (state != TCP_ESTABLISHED || (shutdown & SEND_SHUTDOWN) ||
	    READ_ONCE(ssk->conn_done) || sdp_tx_data_ok(ssk))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static int sdp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct socket *tcp = sdp_tcp_sock(sock);
	struct sdp_sock *ssk = sdp_sk(sock->sk);
	int n;

	if (unlikely(tcp))
		return tcp->ops->ioctl(tcp, cmd, arg);
	switch (cmd) {
	case SIOCINQ:
		if (sock->sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		/* As tcp_inq(): an out-of-line urgent byte ends the count. */
		spin_lock_bh(&ssk->lock);
		n = ssk->rx.queued;
		if (ssk->rx.urg && !sock_flag(sock->sk, SOCK_URGINLINE) &&
		    ssk->rx.urg_seq - ssk->rx.copied < n)
			n = ssk->rx.urg_seq - ssk->rx.copied;
		spin_unlock_bh(&ssk->lock);
		break;
	case SIOCATMARK:
		spin_lock_bh(&ssk->lock);
		n = ssk->rx.urg && ssk->rx.urg_seq == ssk->rx.copied;
		spin_unlock_bh(&ssk->lock);
		break;
	case SIOCOUTQ:
	case SIOCOUTQNSD:
		if (sock->sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		/* Not yet in the peer's buffers (OUTQ) / not yet posted. */
		spin_lock_bh(&ssk->lock);
		n = ssk->tx.pend >= 0 ? ssk->tx.pend_len : 0;
		if (cmd == SIOCOUTQ)
			n += ssk->tx.out_bytes;
		spin_unlock_bh(&ssk->lock);
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(n, (int __user *)arg);
}

/*
 * Listener closing: no new children, reset the queued ones; a `both'
 * listener's TCP side closes (TCP resets its queued connections).
 */
static void sdp_listener_close(struct sdp_sock *lssk)
{
	struct sdp_sock *child, *tmp;
	LIST_HEAD(q);

	sdp_tcp_lsn_stop(lssk);
	spin_lock_bh(&lssk->lock);
	sdp_set_state(&lssk->sk, TCP_CLOSE);
	list_splice_init(&lssk->lsn.accept_q, &q);
	lssk->lsn.nqueued = 0;
	/* Off the defer queue, each one's work item resets it. */
	list_for_each_entry_safe(child, tmp, &lssk->lsn.defer_q, accept_node) {
		list_del_init(&child->accept_node);
		sdp_conn_kick(child, 0);
	}
	spin_unlock_bh(&lssk->lock);

	list_for_each_entry_safe(child, tmp, &q, accept_node) {
		list_del_init(&child->accept_node);
		sdp_child_drop(child);
	}
}

static int sdp_shutdown(struct socket *sock, int how)
{
	struct socket *tcp = sdp_tcp_sock(sock);
	struct sock *sk = sock->sk;
	struct sdp_sock *ssk = sdp_sk(sk);
	int err = 0;

	if (unlikely(tcp))
		return tcp->ops->shutdown(tcp, how);
	how++;		/* SHUT_RD -> RCV_SHUTDOWN, ... */
	if (how < RCV_SHUTDOWN || how > SHUTDOWN_MASK)
		return -EINVAL;
	lock_sock(sk);
	if (sk->sk_state == TCP_LISTEN) {
		/*
		 * As TCP: SHUT_RD stops listening, which wakes a blocked
		 * accept() (EINVAL); listen() may start again.
		 */
		if (how & RCV_SHUTDOWN)
			sdp_listener_close(ssk);
		sk->sk_state_change(sk);
		goto out;
	}
	if (sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_SYN_SENT) {
		err = -ENOTCONN;
		goto out;
	}
	spin_lock_bh(&ssk->lock);
	if ((how & SEND_SHUTDOWN) && !(sk->sk_shutdown & SEND_SHUTDOWN)) {
		ssk->disconn_want = true;
		sdp_try_disconn(ssk);
	}
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
	sk->sk_state_change(sk);
	spin_unlock_bh(&ssk->lock);
out:
	release_sock(sk);
	return err;
}

/* The graceful close is complete: everything and DisConn delivered. */
static bool sdp_close_done(const struct sdp_sock *ssk, const void *arg)
{
	return READ_ONCE(ssk->conn_done) || !READ_ONCE(ssk->qp) ||
	       (READ_ONCE(ssk->disconn_sent) && !READ_ONCE(ssk->tx.out));
}

/*
 * SO_LINGER with a timeout: wait until the data and the DisConn are in the
 * peer's receive buffers (their sends completed: the RC transport acked
 * them), the connection ended, the timeout passed or a signal came.
 * Socket locked.
 */
static void sdp_linger_wait(struct sdp_sock *ssk, long timeo)
{
	int err = 0;

	while (!err && !sdp_close_done(ssk, NULL))
		err = sdp_wait(ssk, &timeo, sdp_close_done, NULL);
}

static int sdp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct sdp_sock *ssk;
	bool abort, listener, unconnected;

	if (!sk)
		return 0;
	ssk = sdp_sk(sk);
	/*
	 * The file's last close: the TCP socket it had moved to goes too, and
	 * a `both' connect's TCP socket (taken under the socket lock, which
	 * sdp_fallback_run() switches under: no switch after this).
	 */
	lock_sock(sk);
	sdp_fallback_drop(ssk);
	release_sock(sk);
	if (ssk->tcp)
		sdp_tcp_release(ssk);
	lock_sock(sk);
	/* Shut down or not, a listener's id holds its port. */
	listener = ssk->listened;
	if (listener)
		sdp_listener_close(ssk);
	sdp_tcp_lsn_release(ssk);

	spin_lock_bh(&ssk->lock);
	abort = (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) ||
		!list_empty(&ssk->rx.queue);
	/* No QP, no peer to say goodbye to: nothing for the work to wait on. */
	unconnected = !ssk->qp;
	if (sk->sk_state == TCP_SYN_SENT) {
		/* An attempt in flight: its handler disconnects later. */
		ssk->conn_done = true;
		sdp_set_state(sk, TCP_CLOSE);
	} else if (!ssk->conn_done && sk->sk_state != TCP_CLOSE) {
		if (abort) {
			sdp_conn_fail(ssk, 0, true);
		} else {
			ssk->disconn_want = true;
			sdp_try_disconn(ssk);
		}
	}
	spin_unlock_bh(&ssk->lock);

	if (!abort && sock_flag(sk, SOCK_LINGER) &&
	    !(current->flags & PF_EXITING))
		sdp_linger_wait(ssk, sk->sk_lingertime);

	/*
	 * Once @closing is set, a work run already queued may tear the
	 * socket down and drop the reference close() leaves it: hold
	 * another until our own kick below.
	 */
	sock_hold(sk);
	spin_lock_bh(&ssk->lock);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	ssk->closing = true;
	ssk->deadline = jiffies + SDP_CLOSE_TIMEOUT;
	spin_unlock_bh(&ssk->lock);
	sdp_ka_stop(ssk);

	sock_orphan(sk);
	release_sock(sk);
	sock->sk = NULL;
	if (ssk->reuseport)
		sdp_reuseport_leave(ssk);
	/*
	 * As TCP, the port of a closed listener, or of a socket that never
	 * had a connection, is free for the next bind() at once: the rdma_cm
	 * id goes now, not in the work item.  A TCP-backed socket's id went
	 * at the switch, or goes in the work item after a fallback: close()
	 * does not wait for that teardown (a drained QP, a grace period).
	 */
	if ((listener || unconnected) && !ssk->tcp)
		sdp_conn_destroy(ssk);
	/* The socket's reference now belongs to the work item (see the top). */
	sdp_conn_kick(ssk, 0);
	sock_put(sk);
	return 0;
}

/* Limits of TCP's keepalive options (include/net/tcp.h). */
#define SDP_MAX_KEEPIDLE	32767
#define SDP_MAX_KEEPINTVL	32767
#define SDP_MAX_KEEPCNT		127

/* TCP_KEEPIDLE/KEEPINTVL/KEEPCNT: TCP's ranges, 1..@max. */
static int sdp_set_keepalive_opt(int *opt, int val, int max)
{
	if (val < 1 || val > max)
		return -EINVAL;
	WRITE_ONCE(*opt, val);
	return 0;
}

/* The int value of an option, as TCP's setsockopt() reads it. */
static int sdp_sockopt_int(sockptr_t optval, unsigned int optlen, int *val)
{
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(val, optval, sizeof(*val)))
		return -EFAULT;
	return 0;
}

/*
 * IP_TOS, IPV6_TCLASS: the traffic class of the connection connect()
 * makes (rdma_set_service_type(); RoCE writes it into the IP header of
 * every packet, and the passive side answers in the class the REQ
 * carried).  A live connection keeps its class, as an RC QP's path
 * cannot change once it sends; a child reports its connection's.  The
 * ECN bits are the device's, as TCP keeps them for itself.
 */
static void sdp_set_tclass(struct sdp_sock *ssk, int val)
{
	lock_sock(&ssk->sk);
	WRITE_ONCE(ssk->tclass, val & 0xff & ~INET_ECN_MASK);
	ssk->tclass_set = true;
	release_sock(&ssk->sk);
}

/* SOL_IP: IP_TOS, an int or (as for IP) a byte. */
static int sdp_setsockopt_ip(struct sdp_sock *ssk, int optname,
			     sockptr_t optval, unsigned int optlen)
{
	u8 byte;
	int val;

	if (optname != IP_TOS)
		return -ENOPROTOOPT;
	if (optlen >= sizeof(int)) {
		if (copy_from_sockptr(&val, optval, sizeof(val)))
			return -EFAULT;
	} else if (optlen >= sizeof(byte)) {
		if (copy_from_sockptr(&byte, optval, sizeof(byte)))
			return -EFAULT;
		val = byte;
	} else {
		return -EINVAL;
	}
	sdp_set_tclass(ssk, val);
	/* As IP's: the priority follows the TOS. */
	WRITE_ONCE(ssk->sk.sk_priority, rt_tos2priority(val));
	return 0;
}

/*
 * SOL_IPV6 of an AF_INET6 socket: IPV6_V6ONLY, until bind() or connect()
 * as in TCP (a dual-stack listener is the default of most servers), and
 * IPV6_TCLASS (-1: the default, 0).
 */
static int sdp_setsockopt_ipv6(struct sdp_sock *ssk, int optname,
			       sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = &ssk->sk;
	int val, err;

	if (optname != IPV6_V6ONLY && optname != IPV6_TCLASS)
		return -ENOPROTOOPT;
	err = sdp_sockopt_int(optval, optlen, &val);
	if (err)
		return err;
	if (optname == IPV6_TCLASS) {
		if (val < -1 || val > 0xff)
			return -EINVAL;
		sdp_set_tclass(ssk, max(val, 0));
		return 0;
	}
	lock_sock(sk);
	if (ssk->bound || ssk->connect_tried || sk->sk_state != TCP_CLOSE)
		err = -EINVAL;
	else
		sk->sk_ipv6only = !!val;
	release_sock(sk);
	return err;
}

/*
 * SOL_SOCKET of an AF_INET_SDP socket (SOCK_CUSTOM_SOCKOPT, compat.h):
 * the core's sock_setsockopt(), on the TCP socket once there is one, but
 * for SO_REUSEPORT, which the core keeps to inet sockets and which an
 * SDP listener honours as TCP's (reuseport.c).
 */
static int sdp_setsockopt_socket(struct socket *sock, struct socket *tcp,
				 int optname, sockptr_t optval,
				 unsigned int optlen)
{
	int val, err;

	if (tcp)
		return sock_setsockopt(tcp, SOL_SOCKET, optname, optval,
				       optlen);
	if (optname != SO_REUSEPORT)
		return sock_setsockopt(sock, SOL_SOCKET, optname, optval,
				       optlen);
	err = sdp_sockopt_int(optval, optlen, &val);
	if (err)
		return err;
	lock_sock(sock->sk);
	sock->sk->sk_reuseport = !!val;
	release_sock(sock->sk);
	return 0;
}

static int sdp_setsockopt(struct socket *sock, int level, int optname,
			  sockptr_t optval, unsigned int optlen)
{
	struct socket *tcp = sdp_tcp_sock(sock);
	struct sock *sk = sock->sk;
	struct sdp_sock *ssk = sdp_sk(sk);
	int val, err = 0;

	if (level == SOL_SOCKET)
		return sdp_setsockopt_socket(sock, tcp, optname, optval,
					     optlen);
	if (unlikely(tcp))
		return tcp->ops->setsockopt(tcp, level, optname, optval,
					    optlen);
	if (level == SOL_IP)
		return sdp_setsockopt_ip(ssk, optname, optval, optlen);
	if (level == SOL_IPV6 && sk->sk_family == AF_INET6)
		return sdp_setsockopt_ipv6(ssk, optname, optval, optlen);
	if (level != SOL_TCP)
		return -ENOPROTOOPT;
	switch (optname) {
	case TCP_NODELAY:
	case TCP_CORK:
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
	case TCP_KEEPCNT:
	case TCP_QUICKACK:
	case TCP_USER_TIMEOUT:
	case TCP_DEFER_ACCEPT:
		break;
	default:
		/* TCP_CONGESTION too: SDP's RC flow control is the device's. */
		return -ENOPROTOOPT;
	}
	err = sdp_sockopt_int(optval, optlen, &val);
	if (err)
		return err;
	/* Every message is acknowledged at once: quick ACKs are all there is. */
	if (optname == TCP_QUICKACK)
		return 0;

	lock_sock(sk);
	switch (optname) {
	case TCP_NODELAY:
		WRITE_ONCE(ssk->nodelay, !!val);
		if (!val)
			break;
		/* As TCP: pushes what MSG_MORE held back (not a cork). */
		spin_lock_bh(&ssk->lock);
		if (!ssk->cork)
			ssk->tx.pend_hold = false;
		ssk->tx.pend_autocork = false;
		sdp_tx_push(ssk);
		spin_unlock_bh(&ssk->lock);
		break;
	case TCP_CORK:
		spin_lock_bh(&ssk->lock);
		WRITE_ONCE(ssk->cork, !!val);
		if (!val) {
			ssk->tx.pend_hold = false;
			ssk->tx.pend_autocork = false;
			sdp_tx_push(ssk);
		}
		spin_unlock_bh(&ssk->lock);
		break;
	case TCP_KEEPIDLE:
		err = sdp_set_keepalive_opt(&ssk->ka.idle, val,
					    SDP_MAX_KEEPIDLE);
		/* As TCP: the new idle time applies to the running timer. */
		spin_lock_bh(&ssk->lock);
		if (!err)
			sdp_ka_arm(ssk);
		spin_unlock_bh(&ssk->lock);
		break;
	case TCP_KEEPINTVL:
		err = sdp_set_keepalive_opt(&ssk->ka.intvl, val,
					    SDP_MAX_KEEPINTVL);
		break;
	case TCP_KEEPCNT:
		err = sdp_set_keepalive_opt(&ssk->ka.cnt, val,
					    SDP_MAX_KEEPCNT);
		break;
	case TCP_USER_TIMEOUT:
		/* As TCP's: milliseconds, 0 for none, never negative. */
		if (val < 0) {
			err = -EINVAL;
			break;
		}
		WRITE_ONCE(ssk->ka.user_timeout, val);
		spin_lock_bh(&ssk->lock);
		sdp_ka_arm(ssk);
		spin_unlock_bh(&ssk->lock);
		break;
	case TCP_DEFER_ACCEPT:
		/* As TCP's: any socket keeps it, a listener uses it. */
		WRITE_ONCE(ssk->lsn.defer_accept, sdp_defer_retrans(val));
		sdp_tcp_lsn_setsockopt(ssk, SOL_TCP, optname, val);
		break;
	}
	release_sock(sk);
	return err;
}

/*
 * TCP_INFO: what an SDP connection can truthfully say in TCP's terms, zero
 * where a field has no SDP meaning (retransmissions happen in the RDMA
 * device, unseen; there is no congestion window or RTT estimate).  A
 * message is a segment; the send window is the peer's receive buffers we
 * hold credits for.
 */
static void sdp_tcp_info(struct sdp_sock *ssk, struct tcp_info *info)
{
	u32 snd_mss, rcv_mss;

	memset(info, 0, sizeof(*info));
	spin_lock_bh(&ssk->lock);
	snd_mss = ssk->tx.size ? ssk->tx.size - SDP_BSDH_LEN : 0;
	rcv_mss = ssk->rx.size ? ssk->rx.size - SDP_BSDH_LEN : 0;
	info->tcpi_state = ssk->sk.sk_state;
	info->tcpi_snd_mss = snd_mss;
	info->tcpi_rcv_mss = rcv_mss;
	info->tcpi_advmss = rcv_mss;
	info->tcpi_unacked = ssk->tx.out_data;
	info->tcpi_snd_wnd = max(ssk->tx.credits, 0) * snd_mss;
	info->tcpi_notsent_bytes = ssk->tx.pend >= 0 ? ssk->tx.pend_len : 0;
	info->tcpi_bytes_sent = ssk->diag.tx_bytes;
	/* A completed send is one the peer's device acknowledged. */
	info->tcpi_bytes_acked = ssk->diag.tx_bytes - ssk->tx.out_bytes;
	info->tcpi_bytes_received = ssk->diag.rx_bytes;
	info->tcpi_segs_out = ssk->tx.seq - 1;
	info->tcpi_segs_in = ssk->rx.seq;
	spin_unlock_bh(&ssk->lock);
}

static int sdp_getsockopt_info(struct sdp_sock *ssk, char __user *optval,
			       int __user *optlen)
{
	struct tcp_info info;
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	sdp_tcp_info(ssk, &info);
	len = min_t(unsigned int, len, sizeof(info));
	if (put_user(len, optlen) || copy_to_user(optval, &info, len))
		return -EFAULT;
	return 0;
}

/*
 * TCP_CONGESTION: "sdp", as TCP names its algorithm.  No TCP algorithm
 * runs: the RDMA device paces the connection and SDP's credits bound
 * what may be in flight.
 */
static int sdp_getsockopt_congestion(char __user *optval, int __user *optlen)
{
	static const char name[TCP_CA_NAME_MAX] = "sdp";
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	len = min_t(unsigned int, len, TCP_CA_NAME_MAX);
	if (put_user(len, optlen) || copy_to_user(optval, name, len))
		return -EFAULT;
	return 0;
}

static int sdp_getsockopt(struct socket *sock, int level, int optname,
			  char __user *optval, int __user *optlen)
{
	struct socket *tcp = sdp_tcp_sock(sock);
	struct sdp_sock *ssk = sdp_sk(sock->sk);
	int val, len;

	if (unlikely(tcp))
		return tcp->ops->getsockopt(tcp, level, optname, optval,
					    optlen);
	if (level == SOL_IPV6 && sock->sk->sk_family == AF_INET6 &&
	    optname == IPV6_V6ONLY)
		val = sock->sk->sk_ipv6only;
	else if ((level == SOL_IP && optname == IP_TOS) ||
		 (level == SOL_IPV6 && sock->sk->sk_family == AF_INET6 &&
		  optname == IPV6_TCLASS))
		val = READ_ONCE(ssk->tclass);
	else if (level == SOL_IP && optname == IP_OPTIONS)
		/* No IP options: SDP's packets have no IP header of ours. */
		return put_user(0, optlen);
	else if (level != SOL_TCP)
		return -ENOPROTOOPT;
	else if (optname == TCP_INFO)
		return sdp_getsockopt_info(ssk, optval, optlen);
	else if (optname == TCP_CONGESTION)
		return sdp_getsockopt_congestion(optval, optlen);
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (level != SOL_TCP)
		goto put;
	switch (optname) {
	case TCP_NODELAY:
		val = READ_ONCE(ssk->nodelay);
		break;
	case TCP_CORK:
		val = READ_ONCE(ssk->cork);
		break;
	case TCP_MAXSEG:
		val = ssk->tx.size ? ssk->tx.size - SDP_BSDH_LEN : 0;
		break;
	case TCP_QUICKACK:
		val = 1;
		break;
	case TCP_KEEPIDLE:
		val = sdp_keepidle(ssk);
		break;
	case TCP_KEEPINTVL:
		val = sdp_keepintvl(ssk);
		break;
	case TCP_KEEPCNT:
		val = sdp_keepcnt(ssk);
		break;
	case TCP_USER_TIMEOUT:
		val = READ_ONCE(ssk->ka.user_timeout);
		break;
	case TCP_DEFER_ACCEPT:
		val = sdp_defer_secs(READ_ONCE(ssk->lsn.defer_accept));
		break;
	default:
		return -ENOPROTOOPT;
	}
put:
	len = min_t(int, len, sizeof(val));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

/*
 * One set of operations for every SDP socket; those of the inet families
 * (inet.c) differ in ->family only.
 */
#define SDP_STREAM_OPS(fam) {					\
	.family		= (fam),				\
	.owner		= THIS_MODULE,				\
	.release	= sdp_release,				\
	.bind		= sdp_bind,				\
	.connect	= sdp_connect,				\
	.socketpair	= sock_no_socketpair,			\
	.accept		= sdp_accept,				\
	.getname	= sdp_getname,				\
	.poll		= sdp_poll,				\
	.ioctl		= sdp_ioctl,				\
	.listen		= sdp_listen,				\
	.shutdown	= sdp_shutdown,				\
	.setsockopt	= sdp_setsockopt,			\
	.getsockopt	= sdp_getsockopt,			\
	.sendmsg	= sdp_sendmsg,				\
	.recvmsg	= sdp_recvmsg,				\
	.mmap		= sock_no_mmap,				\
}

static const struct proto_ops sdp_stream_ops = SDP_STREAM_OPS(SDP_AF_INET_SDP);
const struct proto_ops sdp_inet_stream_ops = SDP_STREAM_OPS(PF_INET);
const struct proto_ops sdp_inet6_stream_ops = SDP_STREAM_OPS(PF_INET6);

static const struct net_proto_family sdp_family_ops = {
	.family	= SDP_AF_INET_SDP,
	.create	= sdp_create,
	.owner	= THIS_MODULE,
};

/**
 * sdp_sock_init() - register the AF_INET_SDP socket family and IPPROTO_SDP
 *
 * Return: 0 or a negative errno.
 */
int sdp_sock_init(void)
{
	int err;

	sdp_proto_build_checks();
	/* Unless reserved_ports was given at load time. */
	if (!rcu_access_pointer(sdp_reserved_ports)) {
		err = sdp_reserved_ports_set(SDP_RESERVED_PORTS_DEFAULT, NULL);
		if (err)
			return err;
	}
	sdp_wq = alloc_workqueue("sdp", 0, 0);
	if (!sdp_wq)
		return -ENOMEM;
	err = proto_register(&sdp_proto, 1);
	if (err)
		goto err_wq;
	err = sock_register(&sdp_family_ops);
	if (err)
		goto err_proto;
	err = sdp_inet_init();
	if (err)
		goto err_family;
	return 0;

err_family:
	sock_unregister(SDP_AF_INET_SDP);
err_proto:
	proto_unregister(&sdp_proto);
err_wq:
	destroy_workqueue(sdp_wq);
	return err;
}

/**
 * sdp_sock_exit() - unregister the family
 *
 * Runs only when no socket is left (each holds a module reference); the
 * workqueue is flushed before the slab goes, for a work item still
 * returning from its last sock_put().
 */
void sdp_sock_exit(void)
{
	sdp_inet_exit();
	sock_unregister(SDP_AF_INET_SDP);
	destroy_workqueue(sdp_wq);
	proto_unregister(&sdp_proto);
}
