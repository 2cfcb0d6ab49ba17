// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: the decision between SDP and TCP, and the TCP socket a socket
 * becomes when the rule table says TCP.
 *
 * An IPPROTO_SDP socket (what sdp-run makes of a program's TCP socket)
 * asks the rule table at connect() and at listen(), as a program-named
 * endpoint; the table, or its default-action, decides.  An AF_INET_SDP
 * socket was asked for by name, so only a rule that matches it moves it.
 *
 * When the answer is TCP, sdp_tcp_switch() creates a TCP socket as the
 * program would have (same namespace, same credentials, a user socket for
 * LSMs and cgroup BPF), gives it the options set so far and the address
 * bound so far, and points the file at it (file->private_data), as SMC
 * does for its fallback: from then on every system call on the file is
 * TCP's own, with TCP's semantics and no SDP code in between.  accept()
 * on it returns plain TCP sockets.
 *
 * What stays with the SDP socket, which the file's inode still is:
 *  - the release at the last close(), which releases the TCP socket too;
 *  - wait queue entries made before the switch (poll, select and epoll
 *    registrations of the SDP socket): @tcp_wake, an entry on the TCP
 *    socket's wait queue, forwards every wake-up to them, so an epoll set
 *    up before connect() or listen() keeps working, level or edge
 *    triggered, EPOLLEXCLUSIVE included (SMC's fallback lacked this for
 *    years: commit 341adeec9ada);
 *  - calls that were already in an SDP operation when the file moved
 *    (another thread, or a kernel user of a file-less socket): every
 *    operation looks at sdp_sock.tcp first and hands over.
 * fasync (O_ASYNC, F_SETOWN) registrations move to the TCP socket.  The
 * TCP socket takes the SDP socket's inode number, so ss -p and lsof see
 * the process that owns it.
 *
 * `both' (connect): connect() creates the TCP socket up front, in the
 * caller's context (credentials, cgroup, LSM labels), and tries SDP.  If
 * the attempt fails in connect() itself (no device, max-connections), the
 * switch happens there and TCP's connect() carries on with the caller's
 * flags.  If it fails later (an rdma_cm error event, a REJ, the
 * fallback-timeout deadline), sdp_fallback_request() records the reason
 * and the socket's work item switches the file and starts a non-blocking
 * TCP connect; a connect() blocked on the SDP attempt wakes up and waits
 * on TCP's, a non-blocking one's poll/epoll see TCP's connect complete.
 * An attempt that succeeds over SDP drops the TCP socket.
 */

#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/tcp.h>
#include <linux/wait.h>
#include <net/inet_connection_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include <linux/sdp.h>

#include "diag.h"
#include "rules.h"
#include "sdp.h"
#include "sock.h"

/**
 * sdp_decide() - SDP or TCP for a connection about to be made
 * @ssk: the socket; locked, neither connected nor listening
 * @role: %SDP_ROLE_CONNECT (@addr: the peer) or %SDP_ROLE_LISTEN (@addr:
 *	the local address, port 0 if none was bound)
 * @addr: AF_INET or AF_INET6 address, as rdma_cm sees it
 *
 * Counts a hit on the deciding rule.
 *
 * Return: %SDP_ACTION_SDP, %SDP_ACTION_TCP or %SDP_ACTION_BOTH.
 */
int sdp_decide(struct sdp_sock *ssk, u32 role,
	       const struct sockaddr_storage *addr)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)addr;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	char comm[TASK_COMM_LEN];
	const void *a;
	u32 rule;
	int action;

	if (addr->ss_family == AF_INET6)
		a = &sin6->sin6_addr;
	else
		a = &sin->sin_addr;
	get_task_comm(comm, current);
	action = sdp_map_lookup(sock_net(&ssk->sk), addr->ss_family, a,
				ntohs(sdp_addr_port(addr)), role, comm, &rule);
	/* socket(AF_INET_SDP, ...): default-action is not for it. */
	if (ssk->sk.sk_family == SDP_AF_INET_SDP && !rule)
		return SDP_ACTION_SDP;
	return action;
}

/* TCP states of a connection that was established. */
static bool sdp_tcp_was_established(int state)
{
	return (1 << state) & (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 |
			       TCPF_FIN_WAIT2 | TCPF_CLOSE_WAIT |
			       TCPF_CLOSING | TCPF_LAST_ACK);
}

/* conn-up and conn-down of a TCP-backed socket, as far as they are due. */
static void sdp_tcp_events(struct sdp_sock *ssk)
{
	if (test_and_clear_bit(SDP_DIAG_TCP_UP, &ssk->diag.flags))
		sdp_diag_conn_up(ssk);
	if (READ_ONCE(ssk->tcp->sk->sk_state) == TCP_CLOSE)
		sdp_diag_conn_down(ssk);
}

static void sdp_tcp_events_work(struct work_struct *work)
{
	struct sdp_sock *ssk = container_of(work, struct sdp_sock, tcp_events);

	sdp_tcp_events(ssk);
	sock_put(&ssk->sk);	/* the queued work's */
}

/*
 * A state change of the TCP socket, seen from its wait queue (often in
 * softirq): notifications need process context, so the work item sends
 * them.  Established is recorded now, so a connection that ends before
 * the work runs still has its conn-up.
 */
static void sdp_tcp_state_seen(struct sdp_sock *ssk)
{
	struct socket *tcp = READ_ONCE(ssk->tcp);
	int state;

	if (!tcp)		/* a both listener's TCP side */
		return;
	state = READ_ONCE(tcp->sk->sk_state);
	if (sdp_tcp_was_established(state))
		set_bit(SDP_DIAG_TCP_UP, &ssk->diag.flags);
	else if (state != TCP_CLOSE ||
		 !test_bit(SDP_DIAG_UP, &ssk->diag.flags))
		return;
	sock_hold(&ssk->sk);
	if (!queue_work(sdp_wq, &ssk->tcp_events))
		sock_put(&ssk->sk);
}

/*
 * An entry on the TCP socket's wait queue: every wake-up it gets goes on
 * to the SDP socket's queue, where waiters from before the switch are.
 * Called under the TCP queue's lock, which has a class of its own
 * (sdp_tcp_wq_key) so that lockdep sees two queues, not one taken twice.
 */
static int sdp_tcp_wake(struct wait_queue_entry *wait, unsigned int mode,
			int sync, void *key)
{
	struct sdp_sock *ssk = container_of(wait, struct sdp_sock, tcp_wake);
	struct socket_wq *wq;

	/* No key: a state change, which wakes everyone (sock_def_wakeup()). */
	if (!key)
		sdp_tcp_state_seen(ssk);
	rcu_read_lock();
	wq = rcu_dereference(ssk->sk.sk_wq);
	if (skwq_has_sleeper(wq))
		__wake_up(&wq->wait, mode, key ? 1 : 0, key);
	rcu_read_unlock();
	return 0;
}

static struct lock_class_key sdp_tcp_wq_key;

/* What TCP's sockets take from the SDP socket's SOL_SOCKET options. */
#define SDP_TCP_SK_FLAGS						\
	(BIT(SOCK_URGINLINE) | BIT(SOCK_KEEPOPEN) | BIT(SOCK_LINGER) |	\
	 BIT(SOCK_BROADCAST) | BIT(SOCK_TIMESTAMP) | BIT(SOCK_DBG) |	\
	 BIT(SOCK_RCVTSTAMP) | BIT(SOCK_RCVTSTAMPNS) |			\
	 BIT(SOCK_LOCALROUTE) | BIT(SOCK_RXQ_OVFL) | BIT(SOCK_NOFCS) |	\
	 BIT(SOCK_TSTAMP_NEW))

/* An int option onto a TCP socket, through TCP's own setsockopt(). */
static void sdp_tcp_setopt_int(struct sock *nsk, int level, int optname,
			       int val)
{
	nsk->sk_prot->setsockopt(nsk, level, optname, KERNEL_SOCKPTR(&val),
				 sizeof(val));
}

/* IP_TOS, and for IPv6 IPV6_TCLASS. */
static void sdp_tcp_set_tclass(struct sock *nsk, int tclass)
{
	sdp_tcp_setopt_int(nsk, SOL_IP, IP_TOS, tclass);
	if (nsk->sk_family == AF_INET6)
		sdp_tcp_setopt_int(nsk, SOL_IPV6, IPV6_TCLASS, tclass);
}

/*
 * The options set on the SDP socket so far, onto the new TCP socket: the
 * generic ones the socket layer stored in @osk, and SDP's own record of
 * the TCP and IPv6 ones it accepted.
 */
static void sdp_tcp_copy_options(const struct sdp_sock *ssk, struct sock *nsk)
{
	const struct sock *osk = &ssk->sk;
	u8 locks = osk->sk_userlocks & (SOCK_SNDBUF_LOCK | SOCK_RCVBUF_LOCK);

	lock_sock(nsk);
	nsk->sk_flags = (nsk->sk_flags & ~SDP_TCP_SK_FLAGS) |
			(osk->sk_flags & SDP_TCP_SK_FLAGS);
	nsk->sk_userlocks |= locks;
	/* Buffer sizes only if set: TCP's defaults are not the socket layer's. */
	if (locks & SOCK_SNDBUF_LOCK)
		WRITE_ONCE(nsk->sk_sndbuf, READ_ONCE(osk->sk_sndbuf));
	if (locks & SOCK_RCVBUF_LOCK)
		WRITE_ONCE(nsk->sk_rcvbuf, READ_ONCE(osk->sk_rcvbuf));
	WRITE_ONCE(nsk->sk_rcvtimeo, READ_ONCE(osk->sk_rcvtimeo));
	WRITE_ONCE(nsk->sk_sndtimeo, READ_ONCE(osk->sk_sndtimeo));
	WRITE_ONCE(nsk->sk_rcvlowat, READ_ONCE(osk->sk_rcvlowat));
	WRITE_ONCE(nsk->sk_lingertime, READ_ONCE(osk->sk_lingertime));
	WRITE_ONCE(nsk->sk_priority, READ_ONCE(osk->sk_priority));
	WRITE_ONCE(nsk->sk_mark, READ_ONCE(osk->sk_mark));
	WRITE_ONCE(nsk->sk_bound_dev_if, READ_ONCE(osk->sk_bound_dev_if));
	nsk->sk_reuse = osk->sk_reuse;
	nsk->sk_reuseport = osk->sk_reuseport;
	if (nsk->sk_family == AF_INET6)
		nsk->sk_ipv6only = osk->sk_ipv6only;
	release_sock(nsk);

	/* The TCP options, through TCP's own setters (they lock). */
	if (ssk->nodelay)
		tcp_sock_set_nodelay(nsk);
	if (ssk->cork)
		tcp_sock_set_cork(nsk, true);
	if (ssk->ka.idle)
		tcp_sock_set_keepidle(nsk, ssk->ka.idle);
	if (ssk->ka.intvl)
		tcp_sock_set_keepintvl(nsk, ssk->ka.intvl);
	if (ssk->ka.cnt)
		tcp_sock_set_keepcnt(nsk, ssk->ka.cnt);
	if (ssk->ka.user_timeout)
		tcp_sock_set_user_timeout(nsk, ssk->ka.user_timeout);
	if (ssk->tclass_set)
		sdp_tcp_set_tclass(nsk, ssk->tclass);
	if (ssk->lsn.defer_accept)
		sdp_tcp_setopt_int(nsk, SOL_TCP, TCP_DEFER_ACCEPT,
				   sdp_defer_secs(ssk->lsn.defer_accept));
}

/**
 * sdp_addr_in_family() - an address as a socket of @family shows it
 * @ss: AF_INET or AF_INET6 address (an AF_UNSPEC one reads as IPv4's any)
 * @family: AF_INET or AF_INET6
 * @out: the address; an IPv4 one v4-mapped for AF_INET6
 *
 * Return: its length.
 */
int sdp_addr_in_family(const struct sockaddr_storage *ss, int family,
		       struct sockaddr_storage *out)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

	if (ss->ss_family == AF_INET6) {
		memcpy(out, ss, sizeof(struct sockaddr_in6));
		return sizeof(struct sockaddr_in6);
	}
	if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

		memset(sin6, 0, sizeof(*sin6));
		sin6->sin6_family = AF_INET6;
		if (ss->ss_family == AF_INET) {
			sin6->sin6_port = sin->sin_port;
			ipv6_addr_set_v4mapped(sin->sin_addr.s_addr,
					       &sin6->sin6_addr);
		}
		return sizeof(*sin6);
	}
	memcpy(out, ss, sizeof(struct sockaddr_in));
	out->ss_family = AF_INET;
	return sizeof(struct sockaddr_in);
}

/*
 * From here on @ssk, whose struct socket is @sock, is @tcp: calls to the
 * SDP socket find it, the file (if any) points at it, and its wait queue
 * forwards wake-ups to @ssk's.  @ssk is locked, or not yet visible.
 */
static void sdp_tcp_attach(struct sdp_sock *ssk, struct socket *sock,
			   struct socket *tcp)
{
	struct file *file = sock->file;

	INIT_WORK(&ssk->tcp_events, sdp_tcp_events_work);
	init_waitqueue_func_entry(&ssk->tcp_wake, sdp_tcp_wake);
	add_wait_queue(&tcp->wq.wait, &ssk->tcp_wake);
	/* Calls that still come to the SDP socket find the TCP one. */
	smp_store_release(&ssk->tcp, tcp);
	if (!file)
		return;
	/* sock_fasync() of the SDP socket needs its lock: held or unseen. */
	tcp->wq.fasync_list = sock->wq.fasync_list;
	sock->wq.fasync_list = NULL;
	sock_valbool_flag(tcp->sk, SOCK_FASYNC, !!tcp->wq.fasync_list);
	SOCK_INODE(tcp)->i_ino = SOCK_INODE(sock)->i_ino;
	tcp->file = file;
	WRITE_ONCE(file->private_data, tcp);
}

/*
 * A TCP socket of @family as the program would have made it, with the
 * options of @ssk (locked), bound to @addr unless NULL.
 */
static struct socket *sdp_tcp_create(struct sdp_sock *ssk, int family,
				     const struct sockaddr_storage *addr)
{
	struct sock *sk = &ssk->sk;
	struct sockaddr_storage a;
	struct socket *tcp;
	int len, err;

	err = __sock_create(sock_net(sk), family, SOCK_STREAM, IPPROTO_TCP,
			    &tcp, sk->sk_kern_sock);
	if (err)
		return ERR_PTR(err);
	lockdep_set_class(&tcp->wq.wait.lock, &sdp_tcp_wq_key);
	sdp_tcp_copy_options(ssk, tcp->sk);
	if (addr) {
		len = sdp_addr_in_family(addr, family, &a);
		err = kernel_bind(tcp, (struct sockaddr *)&a, len);
		if (err) {
			sock_release(tcp);
			return ERR_PTR(err);
		}
	}
	return tcp;
}

/* The TCP socket a switch or a fallback continues on: bound as bind() asked. */
static struct socket *sdp_tcp_create_asked(struct sdp_sock *ssk, int family)
{
	struct sockaddr_storage asked;

	if (!ssk->bound)
		return sdp_tcp_create(ssk, family, NULL);
	sdp_bind_asked(ssk, &asked);
	return sdp_tcp_create(ssk, family, &asked);
}

static void sdp_stats_fallback(struct net *net, u8 reason)
{
	sdp_stats_inc(net, SDP_STAT_FALLBACK_TCP);
	sdp_stats_inc(net, SDP_STAT_FALLBACK_RULE + reason -
		      SDP_FALLBACK_REASON_RULE);
}

/*
 * @ssk (locked; unlocked on return), whose struct socket is @sock, becomes
 * @tcp for @reason and gives up its rdma_cm id.
 */
static struct socket *sdp_tcp_take_over(struct sdp_sock *ssk,
					struct socket *sock,
					struct socket *tcp, u8 reason)
{
	spin_lock_bh(&ssk->lock);
	ssk->fb_reason = reason;
	spin_unlock_bh(&ssk->lock);
	sdp_tcp_attach(ssk, sock, tcp);
	/* Listed, as TCP-backed, until its TCP socket goes (conns). */
	sdp_diag_link(ssk);
	/* A fallback's connect may have completed before the entry was on. */
	sdp_tcp_state_seen(ssk);
	release_sock(&ssk->sk);
	sdp_stats_fallback(sock_net(&ssk->sk), reason);
	/* TCP's own SO_REUSEPORT shares the port from now on. */
	if (ssk->reuseport)
		sdp_reuseport_leave(ssk);
	/*
	 * A connect() waiting for the SDP attempt goes on with TCP's now,
	 * not after the attempt's teardown (a drained QP, a grace period).
	 */
	if (READ_ONCE(ssk->sk.sk_state) == TCP_SYN_SENT) {
		spin_lock_bh(&ssk->lock);
		sdp_set_state(&ssk->sk, TCP_CLOSE);
		spin_unlock_bh(&ssk->lock);
		ssk->sk.sk_state_change(&ssk->sk);
	}
	sdp_conn_destroy(ssk);
	return tcp;
}

/**
 * sdp_tcp_switch() - make the socket a TCP socket of @family
 * @ssk: the socket; locked (unlocked on return), undecided (sdp_decide()
 *	said TCP)
 * @sock: its struct socket
 * @family: AF_INET or AF_INET6
 *
 * Creates the TCP socket with the options and the bound address of the
 * SDP socket, moves the file to it (see the top of this file) and gives
 * up the rdma_cm id.  The caller carries on with the TCP socket's
 * connect() or listen().  On failure nothing changed: the socket is still
 * undecided.
 *
 * Return: the TCP socket, or an ERR_PTR(): socket creation's errors,
 * bind()'s (EADDRINUSE: TCP's port is not rdma_cm's).
 */
struct socket *sdp_tcp_switch(struct sdp_sock *ssk, struct socket *sock,
			      int family)
{
	struct socket *tcp = sdp_tcp_create_asked(ssk, family);

	if (IS_ERR(tcp)) {
		release_sock(&ssk->sk);
		return tcp;
	}
	return sdp_tcp_take_over(ssk, sock, tcp, SDP_FALLBACK_REASON_RULE);
}

/**
 * sdp_fallback_prepare() - a `both' connect: the TCP socket to fall back on
 * @ssk: the socket; locked, about to connect
 * @family: the TCP socket's family
 *
 * Without it (no memory, or TCP's port bound elsewhere) the connect is
 * SDP's only.
 */
void sdp_fallback_prepare(struct sdp_sock *ssk, int family)
{
	struct socket *tcp = sdp_tcp_create_asked(ssk, family);

	if (IS_ERR(tcp)) {
		net_info_ratelimited("sdp: no TCP socket to fall back on (%ld)\n",
				     PTR_ERR(tcp));
		return;
	}
	spin_lock_bh(&ssk->lock);
	ssk->fb_spare = tcp;
	spin_unlock_bh(&ssk->lock);
}

static struct socket *sdp_fallback_take(struct sdp_sock *ssk)
{
	struct socket *tcp;

	spin_lock_bh(&ssk->lock);
	tcp = ssk->fb_spare;
	ssk->fb_spare = NULL;
	spin_unlock_bh(&ssk->lock);
	return tcp;
}

/**
 * sdp_fallback_drop() - no fallback any more: SDP connected, or close()
 * @ssk: the socket; process context
 */
void sdp_fallback_drop(struct sdp_sock *ssk)
{
	struct socket *tcp = sdp_fallback_take(ssk);

	if (tcp)
		sock_release(tcp);
}

/**
 * sdp_fallback_request() - the SDP attempt failed: continue over TCP
 * @ssk: the socket; @lock held, in SYN_SENT and not yet given up
 * @reason: enum sdp_fallback_reason
 *
 * Return: true if the work item will switch (the attempt is not to fail),
 * false if the socket has no TCP socket to fall back on.
 */
bool sdp_fallback_request(struct sdp_sock *ssk, u8 reason)
{
	lockdep_assert_held(&ssk->lock);
	if (!ssk->fb_spare)
		return false;
	if (!ssk->fb_reason) {
		ssk->fb_reason = reason;
		sdp_conn_kick(ssk, 0);
	}
	return true;
}

/**
 * sdp_fallback_now() - fall back in connect() itself
 * @ssk: the socket; locked, unlocked on return unless NULL is returned
 * @sock: its struct socket
 * @reason: enum sdp_fallback_reason
 *
 * Return: the TCP socket the file now is, for the caller's connect(); NULL
 * if there is none (not `both').
 */
struct socket *sdp_fallback_now(struct sdp_sock *ssk, struct socket *sock,
				u8 reason)
{
	struct socket *tcp = sdp_fallback_take(ssk);

	if (!tcp)
		return NULL;
	return sdp_tcp_take_over(ssk, sock, tcp, reason);
}

/**
 * sdp_fallback_run() - the work item's part of a fallback (see the top)
 * @ssk: the socket; sdp_fallback_request() was called
 *
 * Unless close() took the TCP socket first: starts its connect to the
 * same peer, switches to it and ends SYN_SENT of the SDP socket, which
 * wakes a connect() waiting on it and the SDP socket's pollers.
 */
void sdp_fallback_run(struct sdp_sock *ssk)
{
	struct sockaddr_storage dst;
	struct sock *sk = &ssk->sk;
	struct socket *tcp;
	int len, err;
	u8 reason;

	lock_sock(sk);
	spin_lock_bh(&ssk->lock);
	reason = ssk->fb_reason;
	tcp = NULL;
	/* Not if established meanwhile, or if close() took the TCP socket. */
	if (sk->sk_state == TCP_SYN_SENT && !ssk->conn_done) {
		tcp = ssk->fb_spare;
		ssk->fb_spare = NULL;
		ssk->conn_done = !!tcp;
	}
	spin_unlock_bh(&ssk->lock);
	if (!tcp) {
		release_sock(sk);
		return;
	}
	/*
	 * Connect before the switch: once the file points at the TCP socket,
	 * a close() may release it at any time (this work holds no file).
	 * Wake-ups it misses meanwhile are made good by ours below.
	 */
	len = sdp_addr_in_family(&ssk->raddr, tcp->sk->sk_family, &dst);
	err = kernel_connect(tcp, (struct sockaddr *)&dst, len, O_NONBLOCK);
	if (err && err != -EINPROGRESS) {
		/* For SO_ERROR and poll(), as TCP reports a failed attempt. */
		WRITE_ONCE(tcp->sk->sk_err, -err);
		sk_error_report(tcp->sk);
	}
	sdp_tcp_take_over(ssk, sk->sk_socket, tcp, reason);
}

/**
 * sdp_tcp_listen_too() - a `both' listener: TCP listens on the same end
 * @ssk: the listener; locked, rdma_listen() done (@ssk->laddr has the
 *	address and the port)
 * @backlog: listen()'s
 *
 * rdma_cm's PS_TCP ports are not TCP's: the TCP listener binds the same
 * address and port in TCP's space.  accept() takes from either, poll()
 * reports either (wake-ups forwarded as for a switched socket).
 *
 * Return: 0, or socket creation's, bind()'s (EADDRINUSE) or listen()'s
 * error.
 */
int sdp_tcp_listen_too(struct sdp_sock *ssk, int backlog)
{
	struct socket *sock = ssk->sk.sk_socket;
	struct socket *tcp;
	int err;

	tcp = sdp_tcp_create(ssk, ssk->sk.sk_family, &ssk->laddr);
	if (IS_ERR(tcp))
		return PTR_ERR(tcp);
	err = kernel_listen(tcp, backlog);
	if (err) {
		sock_release(tcp);
		return err;
	}
	init_waitqueue_func_entry(&ssk->tcp_wake, sdp_tcp_wake);
	add_wait_queue(&tcp->wq.wait, &ssk->tcp_wake);
	/* ss -p finds the process by the inode of its file's socket. */
	if (sock && sock->file)
		SOCK_INODE(tcp)->i_ino = SOCK_INODE(sock)->i_ino;
	WRITE_ONCE(ssk->lsn.tcp, tcp);
	return 0;
}

/**
 * sdp_tcp_lsn_setsockopt() - a listener option set after listen(): onto a
 * `both' listener's TCP side too
 * @ssk: the listener; locked
 * @level: SOL_TCP...
 * @optname: the option
 * @val: its value, as the caller gave it
 */
void sdp_tcp_lsn_setsockopt(struct sdp_sock *ssk, int level, int optname,
			    int val)
{
	if (ssk->lsn.tcp)
		sdp_tcp_setopt_int(ssk->lsn.tcp->sk, level, optname, val);
}

/* A `both' listener's TCP listener has a connection to accept. */
bool sdp_tcp_lsn_ready(const struct sdp_sock *ssk)
{
	struct socket *tcp = READ_ONCE(ssk->lsn.tcp);

	return tcp && !reqsk_queue_empty(&inet_csk(tcp->sk)->icsk_accept_queue);
}

/**
 * sdp_tcp_lsn_accept() - a connection from a `both' listener's TCP side
 * @ssk: the listener; locked
 * @err: set to the error when NULL is returned (-EAGAIN: none queued)
 *
 * Return: the accepted TCP socket, not yet anyone's, or NULL.
 */
struct socket *sdp_tcp_lsn_accept(struct sdp_sock *ssk, int *err)
{
	struct socket *child;

	if (!ssk->lsn.tcp) {
		*err = -EAGAIN;
		return NULL;
	}
	*err = kernel_accept(ssk->lsn.tcp, &child, O_NONBLOCK);
	if (*err)
		return NULL;
	lockdep_set_class(&child->wq.wait.lock, &sdp_tcp_wq_key);
	return child;
}

/**
 * sdp_tcp_lsn_stop() - a `both' listener stops listening: TCP's side too
 * @ssk: the listener; locked
 *
 * TCP resets the connections it had queued.  The socket stays until the
 * listener's release: poll() and a waiting accept() read it unlocked.
 */
void sdp_tcp_lsn_stop(struct sdp_sock *ssk)
{
	if (ssk->lsn.tcp)
		kernel_sock_shutdown(ssk->lsn.tcp, SHUT_RD);
}

/**
 * sdp_tcp_lsn_release() - release a `both' listener's TCP side
 * @ssk: the listener, whose file is going away; locked
 */
void sdp_tcp_lsn_release(struct sdp_sock *ssk)
{
	struct socket *tcp = ssk->lsn.tcp;

	if (!tcp)
		return;
	WRITE_ONCE(ssk->lsn.tcp, NULL);
	remove_wait_queue(&tcp->wq.wait, &ssk->tcp_wake);
	sock_release(tcp);
}

/**
 * sdp_tcp_release() - release the TCP socket at the SDP socket's release
 * @ssk: the socket, whose file is going away
 */
void sdp_tcp_release(struct sdp_sock *ssk)
{
	struct socket *tcp = ssk->tcp;

	remove_wait_queue(&tcp->wq.wait, &ssk->tcp_wake);
	if (cancel_work_sync(&ssk->tcp_events))
		sock_put(&ssk->sk);
	/* What the work item had yet to say, and conn-down: it goes now. */
	sdp_tcp_events(ssk);
	sdp_diag_conn_down(ssk);
	sdp_diag_unlink(ssk);
	/* Not the TCP socket's file: it must free its own inode. */
	tcp->file = NULL;
	sock_release(tcp);
}

/**
 * sdp_tcp_child_new() - a socket for accept() on a switched listener
 *	called through the SDP socket (see the top of this file)
 * @tcp: the TCP listener
 *
 * Return: a socket with TCP's operations and no sock yet, or an ERR_PTR().
 */
struct socket *sdp_tcp_child_new(struct socket *tcp)
{
	struct socket *child;
	int err;

	err = sock_create_lite(tcp->sk->sk_family, SOCK_STREAM, IPPROTO_TCP,
			       &child);
	if (err)
		return ERR_PTR(err);
	lockdep_set_class(&child->wq.wait.lock, &sdp_tcp_wq_key);
	child->ops = tcp->ops;
	__module_get(child->ops->owner);
	return child;
}

/**
 * sdp_tcp_adopt() - give accept()'s new socket the TCP child it accepted
 * @lsk: the SDP listener
 * @newsock: the socket accept() made, with the SDP socket's operations
 *	(the socket layer, and kernel_accept(), use those on it afterwards)
 * @child: the accepted TCP socket (sdp_tcp_child_new())
 *
 * @newsock gets an SDP socket of its own, switched to @child from the
 * start, as SMC wraps its fallback children.
 *
 * Return: 0, or -ENOMEM (the caller releases @child).
 */
int sdp_tcp_adopt(const struct sock *lsk, struct socket *newsock,
		  struct socket *child)
{
	struct sdp_sock *ssk;

	ssk = sdp_sock_alloc(sock_net(lsk), lsk->sk_family, lsk->sk_prot,
			     newsock, lsk->sk_kern_sock);
	if (!ssk)
		return -ENOMEM;
	ssk->sk.sk_protocol = lsk->sk_protocol;
	if (lsk->sk_family == AF_INET6)
		sdp_inet6_child_init(&ssk->sk, lsk);
	newsock->state = SS_CONNECTED;
	sdp_tcp_attach(ssk, newsock, child);
	sdp_diag_link(ssk);
	/* Established before anyone watched its state changes. */
	sdp_tcp_state_seen(ssk);
	return 0;
}
