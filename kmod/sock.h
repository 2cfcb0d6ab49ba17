/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdp: AF_INET_SDP stream sockets - the data path.
 *
 * sock.c  proto_ops, family registration, socket state machine
 * inet.c  IPPROTO_SDP: the same sockets in the AF_INET/AF_INET6 families
 * cm.c    rdma_cm events, Hello/HelloAck, QP/CQ/buffer setup and teardown
 * tx.c    sendmsg(), posting messages, credits
 * rx.c    recvmsg(), urgent data, receive completions, message parsing
 * keepalive.c  keepalive probes (sk->sk_timer)
 * buf.c   message buffer memory and DMA mappings
 * reuseport.c  SO_REUSEPORT: sockets sharing one listening id
 *
 * Locks, in the order they may nest (outermost first):
 *
 * lock_sock(sk)      serialises the socket's system calls (connect,
 *                    sendmsg, ...).  Never taken by rdma_cm handlers or
 *                    completion handlers: rdma_connect(), rdma_listen() and
 *                    rdma_destroy_id() wait for the id's handler, so a
 *                    handler blocking on the socket lock could deadlock.
 * sdp_sock.res_mutex serialises setup and teardown of the connection's
 *                    verbs resources and the clearing of sdp_sock.cm_id;
 *                    held by rdma_cm handlers (device removal), by the
 *                    teardown work and by the rings' growth (sendmsg(),
 *                    sdp_rx_grow_work()), never across rdma_destroy_id().
 * sdp_sock.lock      spinlock (BH): everything completion handlers touch
 *                    (rings, credits, sequence numbers, rx queue, flags,
 *                    sk_state / sk_shutdown / sk_err changes once the
 *                    socket has a connection, the accept queue of a
 *                    listener).  Innermost but for sdp_net.conn_lock;
 *                    never held while sleeping.
 *                    A parent's and a child's lock are never nested.
 *                    The keepalive timer's handler takes it too.
 * sdp_net.conn_lock  spinlock (BH) of the namespace's socket tree (diag.h);
 *                    may be taken inside sdp_sock.lock, never around it.
 * sk_callback_lock   read side taken inside sdp_sock.lock to signal SIGURG
 *                    (rx.c): sock_orphan() in close() takes its write side
 *                    without sdp_sock.lock.
 */
#ifndef _SDP_SOCK_H
#define _SDP_SOCK_H

#include <linux/dma-direction.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <rdma/ib_verbs.h>
#include <rdma/rdma_cm.h>

#include "compat.h"
#include "proto.h"
#include "diag.h"

struct sdp_reuseport;

/* sdp_sock.rx.urg, as TCP's urg_data: the low byte is the urgent byte. */
#define SDP_URG_VALID		0x0100
#define SDP_URG_READ		0x0200

/* Called by main.c. */
int sdp_sock_init(void);
void sdp_sock_exit(void);

#define SDP_BSDH_LEN		((u32)sizeof(struct sdp_bsdh))
/* Credits kept back from data for control messages (CA4-82, as OFED). */
#define SDP_CREDIT_RESERVE	2
/* Largest message we send, whatever the peer's buffers are. */
#define SDP_TX_MSG_MAX		(256 * 1024 + SDP_BSDH_LEN)
/* Fewest send slots a connection works with. */
#define SDP_TX_MIN		4
/*
 * Buffers a connection starts with, each way (docs/design.md, "Memory"):
 * more than SDP_CREDIT_RESERVE receive buffers so that the peer can send
 * data.  Send slots come with the first sendmsg(): control messages are
 * posted inline, from no slot, up to SDP_TX_CTRL_MAX at a time.  A
 * device without inline data (or inline-threshold 0) takes them from the
 * slots, and starts with two: one beside the one sendmsg() may hold back.
 * The rings grow to rx-buffers and tx-queue-depth.
 */
#define SDP_RX_RING_START	4
#define SDP_TX_RING_START_NOINL	2
#define SDP_TX_CTRL_MAX		2
/* Orphaned sockets wait at most this long for their sends to finish. */
#define SDP_CLOSE_TIMEOUT	(10 * HZ)

/**
 * struct sdp_buf - memory of one message buffer (buf.c)
 * @hdr: its BSDH (kmalloc), apart from the payload: a buffer of 32 KiB
 *	of payload takes 8 pages, not 9
 * @addr: the payload (vmalloc, page aligned)
 * @sge: the BSDH's entry, then one per page of payload: DMA address and
 *	length, the PD's lkey
 * @nsge: entries mapped (0: none, or unmapped at teardown)
 * @pages: pages counted against the memory budget (buf.c)
 */
struct sdp_buf {
	struct sdp_bsdh *hdr;
	void *addr;
	struct ib_sge *sge;
	u32 nsge;
	u32 pages;
};

/* Pages of payload of a buffer or message of @size bytes, BSDH included. */
static inline u32 sdp_buf_pages(u32 size)
{
	return DIV_ROUND_UP(size - SDP_BSDH_LEN, PAGE_SIZE);
}

/* SGEs of a buffer or message of @size bytes: the BSDH's, the pages'. */
static inline u32 sdp_buf_sges(u32 size)
{
	return 1 + sdp_buf_pages(size);
}

/* The largest buffer @sges SGEs take, BSDH included. */
static inline u32 sdp_buf_max_size(u32 sges)
{
	return SDP_BSDH_LEN + (sges - 1) * PAGE_SIZE;
}

/**
 * struct sdp_rx_buf - one receive buffer
 * @cqe: completion entry of its receive work request
 * @node: in sdp_sock.rx.queue while it holds unread data
 * @ssk: owner
 * @mem: its memory, SDP_BSDH_LEN header then payload
 * @len: payload bytes (queued buffers)
 * @off: payload bytes already read (queued buffers)
 * @posted: a receive work request owns it
 *
 * A buffer is posted, queued with data, or idle (connection dead).
 */
struct sdp_rx_buf {
	struct ib_cqe cqe;
	struct list_head node;
	struct sdp_sock *ssk;
	struct sdp_buf mem;
	u32 len;
	u32 off;
	bool posted;
};

/**
 * struct sdp_tx_buf - one send buffer
 * @cqe: completion entry of its send work request
 * @ssk: owner
 * @mem: its memory, SDP_BSDH_LEN header then payload
 * @next_free: index of the next free slot while free
 * @len: payload bytes while posted
 */
struct sdp_tx_buf {
	struct ib_cqe cqe;
	struct sdp_sock *ssk;
	struct sdp_buf mem;
	int next_free;
	u32 len;
};

/**
 * struct sdp_rx - the receive side of a connection
 * @bufs: @num receive buffers of @size bytes
 * @num: receive buffers at most (rx-buffers tunable at connect/accept
 *	time, SO_RCVBUF)
 * @ring: buffers [0, @ring) have memory: posted, queued, or idle once the
 *	connection is dead; the rest have none yet (under sdp_sock.lock;
 *	grown by @grow_work, which also holds res_mutex)
 * @grow: the peer has sent large messages, or messages the reader left
 *	unread, until it ran out of credits: @grow_work is queued to double
 *	@ring (under sdp_sock.lock)
 * @grow_work: rx.c's sdp_rx_grow_work(); holds a socket reference while
 *	queued or running
 * @size: bytes per receive buffer, BSDH included
 * @queue: buffers holding unread data, in order (under sdp_sock.lock)
 * @queued: unread payload bytes in @queue (under sdp_sock.lock)
 * @unread_msgs: Data messages arrived since recvmsg() last took bytes
 *	(under sdp_sock.lock); as many as the peer has credits for means
 *	the reader stalls (rx.c)
 * @posted: receives posted now; advertised in every BSDH
 * @seq: mseq of the last message received
 * @adv: @seq + @posted as of our last message: the highest mseq the peer
 *	may use (a larger one is a credit overrun); @seq + @posted - @adv
 *	buffers are unadvertised
 * @copied: stream offset of the next byte recvmsg() returns; with
 *	@queued, @copied + @queued is the offset of the next byte to arrive
 *	(under sdp_sock.lock)
 * @urg: urgent data state, as TCP's urg_data: 0, SDP_URG_VALID | the
 *	urgent byte, or SDP_URG_READ once recv(MSG_OOB) took it; cleared when
 *	reading passes @urg_seq (under sdp_sock.lock)
 * @urg_seq: stream offset of the urgent byte (the mark)
 * @hole: a byte at @hole_seq is skipped by reads: an earlier urgent byte,
 *	out of line, whose mark a newer one replaced (under sdp_sock.lock)
 * @hole_seq: its stream offset
 * @last: jiffies when the peer was last heard from (a message or an
 *	answered keepalive probe); under sdp_sock.lock
 *
 * Set up by cm.c with the connection's resources; the buffers' memory
 * goes with the socket (sk_destruct), everything else is under
 * sdp_sock.lock once the QP exists.
 */
struct sdp_rx {
	struct sdp_rx_buf *bufs;
	u32 num;
	u32 ring;
	bool grow;
	struct work_struct grow_work;
	u32 size;
	struct list_head queue;
	u32 queued;
	u32 unread_msgs;
	u32 posted;
	u32 seq;
	u32 adv;
	u32 copied;
	u16 urg;
	bool hole;
	u32 urg_seq;
	u32 hole_seq;
	unsigned long last;
};

/**
 * struct sdp_tx - the send side of a connection
 * @bufs: @num send slots of @size bytes
 * @num: send slots at most (tx-queue-depth tunable, SO_SNDBUF)
 * @ring: slots [0, @ring) have memory, the rest none yet: sendmsg() adds
 *	one when it could send but for a free slot (written under the
 *	socket lock, res_mutex and sdp_sock.lock)
 * @size: bytes per send slot: our rx-buffer-size, capped by the peer's
 *	buffer size and SDP_TX_MSG_MAX
 * @inline_max: messages up to this many bytes (BSDH included) are posted
 *	inline (inline-threshold tunable, 0 if the device refused it)
 * @ctrl_cqe: completion entry of control messages posted inline, from no
 *	slot (sdp_post_ctrl())
 * @ctrl_out: those posted and not completed, SDP_TX_CTRL_MAX at most
 * @free: index of the first free slot, -1 if none
 * @nfree: free slots
 * @seq: mseq of the next message we send
 * @acked: highest mseq the peer acknowledged
 * @credits: receive buffers the peer has free for us
 * @reserve: credits data leaves for control messages
 * @out: sends posted and not completed, control messages included
 * @out_bytes: payload bytes of those sends (SIOCOUTQ, SO_LINGER)
 * @out_data: those of them carrying payload; TCP_INFO's unacked, which
 *	counts data segments and not pure ACKs (credit updates)
 * @pend: slot being filled and not posted yet (TCP_CORK, MSG_MORE, or no
 *	credit when it was due), -1 if none.  A sendmsg() filling it takes
 *	it out (-1) while it copies.
 * @pend_len: payload bytes in @pend
 * @pend_hold: @pend is held back by TCP_CORK / MSG_MORE; a full slot is
 *	posted regardless
 * @pend_autocork: @pend is held back while a Data message is in flight
 *	(TCP_NODELAY off, tunable autocork on); that message's completion
 *	or a message from the peer posts it
 * @pend_oob: the last byte of @pend is urgent (MSG_OOB): nothing is
 *	appended to it and it goes out as soon as credits allow
 * @blocked: a sendmsg() found no room (no credit or slot), and no room
 *	has come since
 * @since: jiffies (never 0) since sends have been waiting (a message out
 *	and not completed, @pend due and held for lack of credits, or
 *	@blocked) without progress (a completion, or credits from the peer);
 *	0 while nothing waits.  TCP_USER_TIMEOUT counts from it
 *	(keepalive.c).
 *
 * All under sdp_sock.lock once the QP exists (set up by cm.c).
 */
struct sdp_tx {
	struct sdp_tx_buf *bufs;
	u32 num;
	u32 ring;
	u32 size;
	u32 inline_max;
	struct ib_cqe ctrl_cqe;
	u32 ctrl_out;
	int free;
	u32 nfree;
	u32 seq;
	u32 acked;
	int credits;
	int reserve;
	u32 out;
	u32 out_bytes;
	u32 out_data;
	int pend;
	u32 pend_len;
	bool pend_hold;
	bool pend_autocork;
	bool pend_oob;
	bool blocked;
	unsigned long since;
};

/**
 * struct sdp_ka - keepalive and TCP_USER_TIMEOUT (keepalive.c)
 * @cqe: completion entry of the probe
 * @probes: probes unanswered so far (under sdp_sock.lock)
 * @inflight: the probe is posted and not completed (under sdp_sock.lock)
 * @idle: TCP_KEEPIDLE (s), 0: the keepalive-time tunable
 * @intvl: TCP_KEEPINTVL (s), 0: default
 * @cnt: TCP_KEEPCNT, 0: default
 * @user_timeout: TCP_USER_TIMEOUT (ms), 0: none
 *
 * The options are set under the socket lock and read by the timer with
 * READ_ONCE(); a child takes its listener's.
 */
struct sdp_ka {
	struct ib_cqe cqe;
	int probes;
	bool inflight;
	int idle;
	int intvl;
	int cnt;
	int user_timeout;
};

/**
 * struct sdp_listen - a listener's children (under sdp_sock.lock)
 * @accept_q: established children not yet accepted
 * @defer_q: established children TCP_DEFER_ACCEPT holds back until data
 *	comes or @defer_accept runs out (sdp_child_undefer())
 * @npending: children not yet established, or in @defer_q (as TCP counts
 *	its deferred connections among the requests)
 * @nqueued: children in @accept_q
 * @defer_accept: TCP_DEFER_ACCEPT as TCP keeps it, a count of SYN-ACK
 *	retransmissions (sdp_defer_secs()); set under the socket lock, read
 *	by the ESTABLISHED handler without it
 * @tcp: a `both' listener's TCP listener on the same address and port
 *	(tcp.c), from listen() to the file's release (shut down with the
 *	listener before that); set and cleared under the socket lock, its
 *	wake-ups forwarded by sdp_sock.tcp_wake
 *
 * Each child holds a reference to its listener until it is accepted or
 * given up (sdp_sock.parent).
 */
struct sdp_listen {
	struct list_head accept_q;
	struct list_head defer_q;
	u32 npending;
	u32 nqueued;
	u8 defer_accept;
	struct socket *tcp;
};

/**
 * struct sdp_sock - an SDP socket (listener, connection or child)
 * @sk: the socket; must be first (sk_alloc() of its proto)
 * @inet: the same, as inet_create() and inet6_create() see the socket of
 *	an IPPROTO_SDP socket (inet.c); unused by native AF_INET_SDP ones
 * @lock: see the top of this file
 * @res_mutex: see the top of this file
 * @cm_id: rdma_cm id; created with the socket (or by rdma_cm for a child),
 *	destroyed by sdp_conn_destroy() or by rdma_cm on device removal.
 *	NULL once either took it.  Holds no socket reference: the socket
 *	lives until sdp_conn_destroy() ran, which destroys the id first.
 * @pd: protection domain of the connection (NULL: no resources)
 * @scq: send CQ, IB_POLL_SOFTIRQ
 * @rcq: receive CQ, IB_POLL_SOFTIRQ
 * @qp: RC queue pair, created with rdma_create_qp()
 * @rx: the receive side
 * @tx: the send side
 * @qp_dead: the QP is (being) destroyed: post nothing (under @lock)
 * @conn_done: the connection is over (reset, abort, disconnected)
 * @disconn_want: a DisConn must go out once credits allow
 * @disconn_sent: we sent DisConn
 * @disconn_rcvd: peer sent DisConn
 * @dis_done: rdma_disconnect() was called (or the peer's came)
 * @closing: close() ran; sdp_conn_work() owns the last reference
 * @destroyed: sdp_conn_destroy() ran
 * @counted: counted in conn-current
 * @bound: bind() succeeded
 * @listened: rdma_listen() succeeded; the id listens until destroyed,
 *	even while shutdown() has stopped the socket listening
 * @connect_tried: connect() started (an id is good for one attempt)
 * @pending: child not yet established; touched only by its rdma_cm
 *	handler, which rdma_cm serialises per id
 * @half_open: child whose REP is out and whose RTU has not come: given
 *	up after connect-timeout by its work item (under @lock; the work
 *	item and the ESTABLISHED handler each claim it by clearing it)
 * @qp_broken: an async event said the QP failed (any context); the work
 *	item resets the connection
 * @qp_err_early: a completion was flushed before ESTABLISHED (under
 *	@lock): a REJ or timeout of the CM, or a QP that broke under data
 *	that came before the RTU; a child that becomes ESTABLISHED with it
 *	is reset (sdp_wc_err_expected())
 * @deferred: child established and put on its listener's defer queue
 *	(under @lock; cleared by the work item, sdp_child_undefer())
 * @peer_gone: DISCONNECTED arrived; decided graceful or reset once the
 *	receives still in flight are flushed (or at @deadline)
 * @nodelay: TCP_NODELAY value; off (as TCP's default) small sends
 *	autocork (sdp_tx_pend_held())
 * @cork: TCP_CORK value
 * @tclass: IP_TOS / IPV6_TCLASS, ECN bits clear: the traffic class of the
 *	connection connect() makes; a connection's own once it has one
 *	(set under the socket lock, read without it)
 * @tclass_set: a setsockopt() set @tclass (else rdma_cm's default)
 * @ka: keepalive
 * @work: deferred rdma_disconnect() and teardown of closed sockets; holds
 *	a socket reference while pending
 * @deadline: jiffies by which a closing socket is torn down regardless
 * @defer_until: jiffies at which a @deferred child is queued for accept()
 *	without data
 * @laddr: local address (bind, connect, accept); for getsockname()
 * @bind_port: the port bind() asked for (0: any), network order
 * @raddr: peer address once connected; for getpeername()
 * @lsn: a listener's children
 * @reuseport: the SO_REUSEPORT group whose id the socket shares
 *	(reuseport.c), from bind() to close(); NULL if none
 * @reuseport_node: in the group's members
 * @accept_node: child: in the parent's accept queue or defer queue (under
 *	the parent's lock)
 * @parent: child before accept(): the listener (holds a reference)
 * @memcg: memory cgroup buffers are charged to: the creator's, a child's
 *	listener's (a reference, dropped by sk_destruct)
 * @diag: conn-get listing, payload byte counters and conn-up/conn-down
 *	state (see diag.h)
 * @tcp: the TCP socket the rule table made of this one (tcp.c), NULL
 *	before; set once, under the socket lock, released with the socket
 * @tcp_wake: entry on @tcp's wait queue forwarding its wake-ups to ours
 * @tcp_events: sends conn-up and conn-down for @tcp's connection (tcp.c);
 *	holds a socket reference while queued, cancelled before @tcp goes
 * @fb_spare: action both, from connect() until the attempt is decided:
 *	the TCP socket a fallback continues on (tcp.c); whoever uses or
 *	drops it takes it under @lock
 * @fb_reason: enum sdp_fallback_reason: the SDP attempt failed and the
 *	work item is to switch to @fb_spare; once switched, why the socket
 *	is TCP-backed (0: a both listener's TCP client).  Written under
 *	@lock, read by the conn-get dump without it
 */
struct sdp_sock {
	union {
		struct sock sk;
		struct inet_sock inet;
	};
	spinlock_t lock;		/* see above */
	struct mutex res_mutex;		/* see above */
	struct rdma_cm_id *cm_id;

	struct ib_pd *pd;
	struct ib_cq *scq;
	struct ib_cq *rcq;
	struct ib_qp *qp;

	struct sdp_rx rx;
	struct sdp_tx tx;

	bool qp_dead;
	bool conn_done;
	bool disconn_want;
	bool disconn_sent;
	bool disconn_rcvd;
	bool dis_done;
	bool closing;
	bool destroyed;
	bool counted;
	bool bound;
	bool listened;
	bool connect_tried;
	bool pending;
	bool half_open;
	bool deferred;
	bool peer_gone;
	bool qp_broken;
	bool qp_err_early;
	bool tclass_set;
	int nodelay;
	int cork;
	u8 tclass;
	struct sdp_ka ka;

	struct delayed_work work;
	unsigned long deadline;
	unsigned long defer_until;

	struct sockaddr_storage laddr;
	struct sockaddr_storage raddr;
	__be16 bind_port;

	struct sdp_listen lsn;
	struct sdp_reuseport *reuseport;
	struct list_head reuseport_node;
	struct list_head accept_node;
	struct sdp_sock *parent;

	struct mem_cgroup *memcg;
	struct sdp_diag_sock diag;

	struct socket *tcp;
	struct wait_queue_entry tcp_wake;
	struct work_struct tcp_events;
	struct socket *fb_spare;
	u8 fb_reason;
};

static inline struct sdp_sock *sdp_sk(const struct sock *sk)
{
	return (struct sdp_sock *)sk;
}

/* Jiffies until @deadline, 0 once it has passed (jiffies read once). */
static inline unsigned long sdp_jiffies_left(unsigned long deadline)
{
	long left = (long)(deadline - jiffies);

	return left > 0 ? left : 0;
}

/* sk_state is read locklessly by poll and the wait conditions. */
static inline void sdp_set_state(struct sock *sk, int state)
{
	WRITE_ONCE(sk->sk_state, state);
}

/* Port of an AF_INET or AF_INET6 address, network order. */
static inline __be16 sdp_addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ((const struct sockaddr_in6 *)ss)->sin6_port;
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_port;
	return 0;
}

/* sock.c */
extern struct proto sdp_proto;
extern const struct proto_ops sdp_inet_stream_ops;
extern const struct proto_ops sdp_inet6_stream_ops;
extern struct workqueue_struct *sdp_wq;
struct sdp_sock *sdp_sock_alloc(struct net *net, int family,
				struct proto *prot, struct socket *sock,
				int kern);
void sdp_sock_setup(struct sdp_sock *ssk);
void sdp_bind_asked(const struct sdp_sock *ssk, struct sockaddr_storage *addr);
int sdp_id_bind(const struct sock *sk, struct rdma_cm_id *id,
		struct sockaddr_storage *addr);
int sdp_sock_open(struct sdp_sock *ssk);
void sdp_conn_kick(struct sdp_sock *ssk, unsigned long delay);
void sdp_conn_destroy(struct sdp_sock *ssk);
void sdp_child_inherit(struct sdp_sock *child, const struct sdp_sock *lssk);
void sdp_child_release(struct sdp_sock *child);
void sdp_child_expire(struct sdp_sock *child);
void sdp_child_drop(struct sdp_sock *child);
void sdp_child_defer(struct sdp_sock *child);
int sdp_defer_secs(u8 retrans);
void sdp_peer_gone_check(struct sdp_sock *ssk, bool force);
void sdp_conn_fail(struct sdp_sock *ssk, int err, bool send_abort);
void sdp_wc_failed(struct sdp_sock *ssk, const struct ib_wc *wc,
		   const char *what);
int sdp_wait_connect(struct sdp_sock *ssk, long *timeo);
int sdp_wait(struct sdp_sock *ssk, long *timeo,
	     bool (*ready)(const struct sdp_sock *ssk, const void *arg),
	     const void *arg);

/*
 * The TCP socket @sock (an SDP socket's) became, or NULL: every operation
 * asks first (tcp.c).
 */
static inline struct socket *sdp_tcp_sock(const struct socket *sock)
{
	/* Pairs with the smp_store_release() in sdp_tcp_switch(). */
	return smp_load_acquire(&sdp_sk(sock->sk)->tcp);
}

/* tcp.c */
int sdp_decide(struct sdp_sock *ssk, u32 role,
	       const struct sockaddr_storage *addr);
int sdp_addr_in_family(const struct sockaddr_storage *ss, int family,
		       struct sockaddr_storage *out);
struct socket *sdp_tcp_switch(struct sdp_sock *ssk, struct socket *sock,
			      int family);
void sdp_fallback_prepare(struct sdp_sock *ssk, int family);
void sdp_fallback_drop(struct sdp_sock *ssk);
bool sdp_fallback_request(struct sdp_sock *ssk, u8 reason);
struct socket *sdp_fallback_now(struct sdp_sock *ssk, struct socket *sock,
				u8 reason);
void sdp_fallback_run(struct sdp_sock *ssk);
int sdp_tcp_listen_too(struct sdp_sock *ssk, int backlog);
void sdp_tcp_lsn_setsockopt(struct sdp_sock *ssk, int level, int optname,
			    int val);
bool sdp_tcp_lsn_ready(const struct sdp_sock *ssk);
struct socket *sdp_tcp_lsn_accept(struct sdp_sock *ssk, int *err);
void sdp_tcp_lsn_stop(struct sdp_sock *ssk);
void sdp_tcp_lsn_release(struct sdp_sock *ssk);
void sdp_tcp_release(struct sdp_sock *ssk);
struct socket *sdp_tcp_child_new(struct socket *tcp);
int sdp_tcp_adopt(const struct sock *lsk, struct socket *newsock,
		  struct socket *child);

/* inet.c */
int sdp_inet_init(void);
void sdp_inet_exit(void);
void sdp_inet6_child_init(struct sock *sk, const struct sock *parent);

/* cm.c */
int sdp_cm_handler(struct rdma_cm_id *id, struct rdma_cm_event *ev);
int sdp_cm_req(struct sdp_sock *lssk, struct rdma_cm_id *id,
	       struct rdma_cm_event *ev);

/* reuseport.c */
int sdp_reuseport_bind(struct sdp_sock *ssk, struct sockaddr_storage *addr);
int sdp_reuseport_listen(struct sdp_sock *ssk, int backlog);
bool sdp_reuseport_dead(const struct sdp_sock *ssk);
void sdp_reuseport_leave(struct sdp_sock *ssk);
void sdp_res_free(struct sdp_sock *ssk, struct rdma_cm_id *id);

/* tx.c */
int sdp_post_msg(struct sdp_sock *ssk, int slot, u8 mid, u8 flags,
		 u32 paylen);
int sdp_post_ctrl(struct sdp_sock *ssk, u8 mid);
int sdp_tx_get_slot(struct sdp_sock *ssk);
int sdp_tx_push(struct sdp_sock *ssk);
void sdp_tx_put_slot(struct sdp_sock *ssk, int slot);
bool sdp_try_disconn(struct sdp_sock *ssk);
void sdp_maybe_credit_update(struct sdp_sock *ssk);
void sdp_tx_done(struct ib_cq *cq, struct ib_wc *wc);
void sdp_tx_ctrl_done(struct ib_cq *cq, struct ib_wc *wc);
int sdp_sendmsg(struct socket *sock, struct msghdr *msg, size_t len);

/* keepalive.c */
int sdp_keepidle(const struct sdp_sock *ssk);
int sdp_keepintvl(const struct sdp_sock *ssk);
int sdp_keepcnt(const struct sdp_sock *ssk);
void sdp_ka_init(struct sdp_sock *ssk);
void sdp_ka_arm(struct sdp_sock *ssk);
void sdp_ka_stop(struct sdp_sock *ssk);
void sdp_ka_set(struct sock *sk, int on);

/* buf.c */
int sdp_buf_add(struct sdp_sock *ssk, struct sdp_buf *b, u32 size,
		enum dma_data_direction dir);
int sdp_buf_alloc(struct ib_device *dev, struct sdp_buf *b, u32 size,
		  u32 lkey, enum dma_data_direction dir);
void sdp_buf_unmap(struct ib_device *dev, struct sdp_buf *b,
		   enum dma_data_direction dir);
void sdp_buf_free(struct sdp_buf *b);
void sdp_buf_sync(struct ib_device *dev, struct sdp_buf *b, u32 len,
		  enum dma_data_direction dir, bool for_cpu);

/* rx.c */
int sdp_post_recv(struct sdp_sock *ssk, struct sdp_rx_buf *rb);
void sdp_rx_grow_work(struct work_struct *work);
void sdp_rx_done(struct ib_cq *cq, struct ib_wc *wc);
bool sdp_rx_readable(const struct sdp_sock *ssk);
int sdp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags);

/**
 * sdp_wc_err_expected() - a failed completion needs no action now
 * @ssk: the socket; lock held
 * @status: the completion's status
 *
 * The connection is over, disconnecting (rdma_disconnect() moves the QP to
 * the error state and flushes every posted request), or its QP is being
 * destroyed: failures are ours.  Before ESTABLISHED the CM moves the QP
 * to the error state itself on a REJ or a timeout, and its event says what
 * happened: a flush then needs nothing either, but is remembered in
 * @ssk->qp_err_early.  Any other failure (a flush of a live connection, or
 * any status but a flush) means the QP broke under a live connection or
 * under the data that opened it: a reset.  A bad RDMA access from the peer
 * on Soft-RoCE shows only as flushed receives.
 *
 * Return: true if the failed completion needs no action.
 */
static inline bool sdp_wc_err_expected(struct sdp_sock *ssk,
				       enum ib_wc_status status)
{
	if (ssk->conn_done || ssk->dis_done || ssk->qp_dead)
		return true;
	if (ssk->sk.sk_state == TCP_ESTABLISHED ||
	    status != IB_WC_WR_FLUSH_ERR)
		return false;
	ssk->qp_err_early = true;
	return true;
}

/* Payload bytes one message carries. */
static inline u32 sdp_tx_max_payload(const struct sdp_sock *ssk)
{
	return ssk->tx.size - SDP_BSDH_LEN;
}

/**
 * sdp_tx_data_ok() - may sendmsg() take more data now
 * @ssk: the socket; @ssk->lock held or a racy read that is re-checked
 *
 * The slot being filled is the socket's send buffer: sendmsg() fills it
 * with or without credits, and sdp_tx_push() posts it once credits allow,
 * so that small writes the peer has no buffers for yet are taken (and
 * coalesced) as TCP takes them into its send buffer.
 *
 * Return: the slot being filled has room and no urgent byte, or (none
 * being filled) a send slot is free, or none has memory yet.
 */
static inline bool sdp_tx_data_ok(const struct sdp_sock *ssk)
{
	if (READ_ONCE(ssk->tx.pend) >= 0)
		return !READ_ONCE(ssk->tx.pend_oob) &&
		       READ_ONCE(ssk->tx.pend_len) < sdp_tx_max_payload(ssk);
	/* No slot yet: sendmsg() adds the first (sdp_wait_tx()). */
	return READ_ONCE(ssk->tx.nfree) > 0 || !READ_ONCE(ssk->tx.ring);
}

/*
 * Control messages (a bare BSDH) go inline, from no send slot, where the
 * QP takes that much inline data; else from the slots (tx.c).
 */
static inline bool sdp_tx_ctrl_inline(const struct sdp_sock *ssk)
{
	return ssk->tx.inline_max >= SDP_BSDH_LEN;
}

/*
 * The slot being filled stays back while it has room and no urgent byte:
 * by the program's choice (TCP_CORK, MSG_MORE), or autocorked while a
 * Data message is in flight.  The latter is Nagle's rule without its
 * timer: the peer's device acknowledges a message whatever its program
 * does, so the completion that posts the held slot always comes.  Lock
 * held.
 */
static inline bool sdp_tx_pend_held(const struct sdp_sock *ssk)
{
	if (ssk->tx.pend_oob || ssk->tx.pend_len >= sdp_tx_max_payload(ssk))
		return false;
	return ssk->tx.pend_hold ||
	       (ssk->tx.pend_autocork && ssk->tx.out_data);
}

/**
 * sdp_tx_progress() - note whether sends wait, for TCP_USER_TIMEOUT
 * @ssk: the socket; lock held
 * @moved: a send completed, or the peer gave credits
 *
 * Called where messages go out, complete or stay back for lack of
 * credits, and where sendmsg() finds no room (a slot held by TCP_CORK /
 * MSG_MORE is the program's choice, not a wait).  Sets or clears
 * sdp_tx.since.
 */
static inline void sdp_tx_progress(struct sdp_sock *ssk, bool moved)
{
	bool due;

	if (ssk->tx.blocked && sdp_tx_data_ok(ssk))
		ssk->tx.blocked = false;
	due = ssk->tx.blocked ||
	      (ssk->tx.pend >= 0 && !sdp_tx_pend_held(ssk));

	if (!ssk->tx.out && !due)
		ssk->tx.since = 0;
	else if (moved || !ssk->tx.since)
		ssk->tx.since = jiffies ?: 1;
}

#endif /* _SDP_SOCK_H */
