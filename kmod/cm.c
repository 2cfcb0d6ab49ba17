// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: connection management over rdma_cm (RDMA_PS_TCP, IB_QPT_RC) and the
 * verbs resources of a connection.
 *
 * Active side:  connect() -> rdma_resolve_addr -> ADDR_RESOLVED ->
 *   rdma_resolve_route -> ROUTE_RESOLVED -> resources, receives posted,
 *   rdma_connect(Hello) -> ESTABLISHED (REP with HelloAck; rdma_cm sent
 *   the RTU) -> HelloAck checked, send slots sized to the peer's buffers.
 * Passive side: CONNECT_REQUEST(Hello) on the listener -> child socket,
 *   resources, receives posted, rdma_accept(HelloAck) -> ESTABLISHED (RTU)
 *   -> child moves to the listener's accept queue.
 *
 * Handlers run in process context with rdma_cm's handler mutex of the id
 * held; they never take the socket lock (see sock.h) and never destroy
 * their own id except by returning non-zero.
 */

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/error-injection.h>
#include <linux/gfp.h>
#include <linux/irq_poll.h>
#include <linux/memcontrol.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <rdma/ib_cm.h>

#include "sdp.h"
#include "sock.h"

/*
 * SGEs a send may gather: enough for the largest message we send, which
 * our own buffer size @own bounds (sdp_tx_setup()), and no more: each
 * one is room in every entry of the send queue (rxe: 16 bytes, and 65 of
 * them for 256 KiB messages made an entry 2 KiB).
 */
static u32 sdp_tx_max_sge(struct ib_device *dev, u32 own)
{
	return min_t(u32, dev->attrs.max_send_sge,
		     sdp_buf_sges(min_t(u32, own, SDP_TX_MSG_MAX)));
}

/*
 * ib_poll_handler() calls ib_req_notify_cq() after irq_poll_complete(),
 * and irq_poll_complete() is what lets ib_free_cq()'s irq_poll_disable()
 * through: the free can race the handler's last access (KASAN,
 * use-after-free in rxe_req_notify_cq(), under churn on the debug tier).
 * So take each CQ's poll first (none can be scheduled while it is held),
 * wait a grace period for a handler still past its irq_poll_complete()
 * (softirq handlers are RCU read-side sections), and hand the polls back
 * for ib_free_cq().  The QP is gone: no completion schedules them again.
 */
static void sdp_cqs_quiesce(struct ib_cq *rcq, struct ib_cq *scq)
{
	if (rcq)
		irq_poll_disable(&rcq->iop);
	if (scq)
		irq_poll_disable(&scq->iop);
	synchronize_rcu();
	if (rcq)
		irq_poll_enable(&rcq->iop);
	if (scq)
		irq_poll_enable(&scq->iop);
}

/* Unmap and destroy all verbs objects; buffer memory stays (sk_destruct). */
void sdp_res_free(struct sdp_sock *ssk, struct rdma_cm_id *id)
{
	struct ib_device *dev = ssk->pd ? ssk->pd->device : NULL;
	u32 i;

	lockdep_assert_held(&ssk->res_mutex);
	spin_lock_bh(&ssk->lock);
	ssk->qp_dead = true;
	spin_unlock_bh(&ssk->lock);

	if (ssk->qp) {
		/*
		 * Consume every completion of the QP before it and its CQs
		 * go, as ULPs do (ib_drain_qp()): the handlers see qp_dead.
		 * Soft-RoCE of 6.1 delivers a CQ's completion event from a
		 * tasklet that nothing stops when the CQ is freed ("tasklet
		 * SCHED state not set: func 0x0" under close-during-traffic).
		 */
		ib_drain_qp(ssk->qp);
		rdma_destroy_qp(id);
		ssk->qp = NULL;
	}
	/* No completion handler runs once the CQs are freed. */
	if (ssk->rcq || ssk->scq)
		sdp_cqs_quiesce(ssk->rcq, ssk->scq);
	if (ssk->rcq) {
		ib_free_cq(ssk->rcq);
		ssk->rcq = NULL;
	}
	if (ssk->scq) {
		ib_free_cq(ssk->scq);
		ssk->scq = NULL;
	}
	if (!dev)
		return;
	for (i = 0; ssk->rx.bufs && i < ssk->rx.num; i++) {
		sdp_buf_unmap(dev, &ssk->rx.bufs[i].mem, DMA_FROM_DEVICE);
		ssk->rx.bufs[i].posted = false;
	}
	for (i = 0; ssk->tx.bufs && i < ssk->tx.num; i++)
		sdp_buf_unmap(dev, &ssk->tx.bufs[i].mem, DMA_TO_DEVICE);
	spin_lock_bh(&ssk->lock);
	ssk->rx.posted = 0;
	ssk->tx.nfree = 0;
	ssk->tx.free = -1;
	ssk->tx.pend = -1;
	ssk->tx.pend_oob = false;
	spin_unlock_bh(&ssk->lock);
	ib_dealloc_pd(ssk->pd);
	ssk->pd = NULL;
}

/*
 * QP async events, in whatever context the device raises them (may be
 * atomic): a failed QP is left to the work item, which takes the lock.
 * The socket outlives its QP, so it is valid here.
 */
static void sdp_qp_event(struct ib_event *ev, void *ctx)
{
	struct sdp_sock *ssk = ctx;
	struct rdma_cm_id *id = READ_ONCE(ssk->cm_id);

	switch (ev->event) {
	case IB_EVENT_COMM_EST:
		/* Data before the RTU: let the CM consider the connection up. */
		if (id)
			rdma_notify(id, IB_EVENT_COMM_EST);
		break;
	case IB_EVENT_QP_FATAL:
	case IB_EVENT_QP_REQ_ERR:
	case IB_EVENT_QP_ACCESS_ERR:
		net_info_ratelimited("sdp: %s; connection reset\n",
				     ib_event_msg(ev->event));
		WRITE_ONCE(ssk->qp_broken, true);
		sdp_conn_kick(ssk, 0);
		break;
	default:
		break;
	}
}

/*
 * The completion vector of a new connection's two CQs: connections take
 * the device's vectors in turn, so that on a real HCA their completions
 * spread over the CPUs (each vector's interrupt has its own); one
 * connection's completions stay on one vector.
 */
static int sdp_comp_vector(struct ib_device *dev)
{
	static atomic_t next = ATOMIC_INIT(0);
	int n = min_t(int, dev->num_comp_vectors, num_online_cpus());

	return n > 1 ? (u32)atomic_inc_return(&next) % n : 0;
}

/*
 * PD, receive buffers, CQs and QP; receives posted.  The queues are sized
 * for the whole rings (rx-buffers, tx-queue-depth), the memory only for
 * their start: sdp_rx_grow_work() and sendmsg() add buffers as the
 * traffic asks for them (rx.c, tx.c).  res_mutex held.  Not inlined, so
 * that fault injection (the debug tier's fail_function) can fail it as a
 * whole: a PD, CQ or QP the device refuses, or a device it cannot use
 * (-ENODEV).
 */
static noinline int sdp_res_setup(struct sdp_sock *ssk, struct rdma_cm_id *id)
{
	struct net *net = sock_net(&ssk->sk);
	struct ib_device *dev = id->device;
	struct ib_qp_init_attr qpa = {};
	u32 nrx, ntx, size, inl, try_inl, i;
	int vector, err;

	lockdep_assert_held(&ssk->res_mutex);
	/*
	 * Every message and buffer is a BSDH and pages of payload, an SGE
	 * each: a device that gathers one per work request cannot carry
	 * SDP, as if the route had no RDMA device.
	 */
	if (dev->attrs.max_recv_sge < 2 || dev->attrs.max_send_sge < 2) {
		net_warn_ratelimited("sdp: %s takes %u receive and %u send SGEs per work request, SDP needs 2\n",
				     dev_name(&dev->dev), dev->attrs.max_recv_sge,
				     dev->attrs.max_send_sge);
		return -ENODEV;
	}
	size = sdp_tun(net, SDP_TUN_RX_BUFFER_SIZE);
	nrx = sdp_tun(net, SDP_TUN_RX_BUFFERS);
	ntx = sdp_tun(net, SDP_TUN_TX_QUEUE_DEPTH);
	/* SO_RCVBUF set by the user bounds the credits we grant. */
	if (ssk->sk.sk_userlocks & SOCK_RCVBUF_LOCK)
		nrx = clamp_t(u32, READ_ONCE(ssk->sk.sk_rcvbuf) / size, 2, nrx);
	/* The BSDH's SGE and one per page of payload (buf.c). */
	size = min_t(u32, size, sdp_buf_max_size(dev->attrs.max_recv_sge));
	/* Room for ib_drain_qp()'s requests, and a keepalive probe. */
	nrx = min_t(u32, nrx, min(dev->attrs.max_qp_wr, dev->attrs.max_cqe) - 1);
	ntx = min_t(u32, ntx, min(dev->attrs.max_qp_wr, dev->attrs.max_cqe) -
		    SDP_TX_CTRL_MAX - 2);
	if (nrx < 2 || ntx < SDP_TX_MIN)
		return -EINVAL;

	ssk->pd = ib_alloc_pd(dev, 0);
	if (IS_ERR(ssk->pd)) {
		err = PTR_ERR(ssk->pd);
		ssk->pd = NULL;
		return err;
	}

	ssk->rx.bufs = kcalloc(nrx, sizeof(*ssk->rx.bufs), GFP_KERNEL_ACCOUNT);
	if (!ssk->rx.bufs)
		return -ENOMEM;
	ssk->rx.num = nrx;
	ssk->rx.size = size;
	for (i = 0; i < nrx; i++) {
		struct sdp_rx_buf *rb = &ssk->rx.bufs[i];

		rb->ssk = ssk;
		INIT_LIST_HEAD(&rb->node);
		if (i >= SDP_RX_RING_START)
			continue;
		err = sdp_buf_alloc(dev, &rb->mem, size,
				    ssk->pd->local_dma_lkey, DMA_FROM_DEVICE);
		if (err)
			return err;
		WRITE_ONCE(ssk->rx.ring, i + 1);
	}

	vector = sdp_comp_vector(dev);
	ssk->rcq = ib_alloc_cq(dev, ssk, nrx + 1, vector, IB_POLL_SOFTIRQ);
	if (IS_ERR(ssk->rcq)) {
		err = PTR_ERR(ssk->rcq);
		ssk->rcq = NULL;
		return err;
	}
	ssk->scq = ib_alloc_cq(dev, ssk, ntx + SDP_TX_CTRL_MAX + 2, vector,
			       IB_POLL_SOFTIRQ);
	if (IS_ERR(ssk->scq)) {
		err = PTR_ERR(ssk->scq);
		ssk->scq = NULL;
		return err;
	}

	qpa.event_handler = sdp_qp_event;
	qpa.qp_context = ssk;
	qpa.send_cq = ssk->scq;
	qpa.recv_cq = ssk->rcq;
	qpa.sq_sig_type = IB_SIGNAL_REQ_WR;
	qpa.qp_type = IB_QPT_RC;
	inl = sdp_tun(net, SDP_TUN_INLINE_THRESHOLD);
	/*
	 * Devices refuse what they cannot do in more than one way (mlx5:
	 * -ENOMEM for a deep queue of many-SGE requests): go without inline
	 * data, then with a shallower send queue.  Each attempt starts from
	 * our own numbers: a device may write its capabilities back into
	 * qpa.cap before it fails (rxe does, then fails its queue vmalloc
	 * under memory pressure), and retrying with those would never end.
	 */
	for (try_inl = inl;;) {
		/*
		 * Beyond the slots: control messages posted inline, the
		 * keepalive probe and the drain.
		 */
		qpa.cap.max_send_wr = ntx + SDP_TX_CTRL_MAX + 2;
		qpa.cap.max_recv_wr = nrx + 1;
		qpa.cap.max_send_sge = sdp_tx_max_sge(dev, size);
		qpa.cap.max_recv_sge = sdp_buf_sges(size);
		qpa.cap.max_inline_data = try_inl;
		err = rdma_create_qp(id, ssk->pd, &qpa);
		if (err != -EINVAL && err != -ENOMEM)
			break;
		if (try_inl)
			try_inl = 0;
		else if (ntx > SDP_TX_MIN)
			ntx = max_t(u32, ntx / 2, SDP_TX_MIN);
		else
			break;
	}
	if (err)
		return err;
	ssk->tx.num = ntx;
	/*
	 * The tunable is a cap: devices write back the room their WQEs have
	 * (mlx5: ~500 bytes), which may be more than was asked for.
	 */
	ssk->tx.inline_max = min(qpa.cap.max_inline_data, inl);

	spin_lock_bh(&ssk->lock);
	ssk->qp = id->qp;
	ssk->qp_dead = false;
	ssk->rx.seq = 0;
	ssk->tx.seq = 1;
	ssk->tx.acked = 0;
	ssk->tx.ctrl_out = 0;
	ssk->tx.ctrl_cqe.done = sdp_tx_ctrl_done;
	for (i = 0; i < ssk->rx.ring && !err; i++)
		err = sdp_post_recv(ssk, &ssk->rx.bufs[i]);
	/* The Hello / HelloAck advertises them all. */
	ssk->rx.adv = ssk->rx.posted;
	spin_unlock_bh(&ssk->lock);
	return err;
}
ALLOW_ERROR_INJECTION(sdp_res_setup, ERRNO);

/*
 * Send slots sized to the peer's receive buffers, within what one send
 * work request can gather (the BSDH's SGE, one per page of payload).
 * res_mutex held.  Not inlined, for fault injection as sdp_res_setup().
 */
static noinline int sdp_tx_setup(struct sdp_sock *ssk, u32 peer_size)
{
	struct ib_device *dev = ssk->pd->device;
	u32 own = ssk->rx.size;
	/*
	 * Our memory, our size: our receive buffers' size (rx-buffer-size
	 * when the QP was made) sizes messages both ways; the peer's buffer
	 * size only caps them.
	 */
	u32 size = min3(min(peer_size, own), SDP_TX_MSG_MAX,
			sdp_buf_max_size(sdp_tx_max_sge(dev, own)));
	u32 ntx = ssk->tx.num, start = 0, i;

	lockdep_assert_held(&ssk->res_mutex);
	if (!sdp_tx_ctrl_inline(ssk))
		start = SDP_TX_RING_START_NOINL;
	if (ssk->sk.sk_userlocks & SOCK_SNDBUF_LOCK)
		ntx = clamp_t(u32, READ_ONCE(ssk->sk.sk_sndbuf) / size,
			      SDP_TX_MIN, ntx);
	ssk->tx.bufs = kcalloc(ntx, sizeof(*ssk->tx.bufs), GFP_KERNEL_ACCOUNT);
	if (!ssk->tx.bufs)
		return -ENOMEM;
	ssk->tx.num = ntx;
	ssk->tx.size = size;
	for (i = 0; i < ntx; i++) {
		struct sdp_tx_buf *tb = &ssk->tx.bufs[i];
		int err;

		tb->ssk = ssk;
		if (i >= start)
			continue;
		err = sdp_buf_alloc(dev, &tb->mem, size,
				    ssk->pd->local_dma_lkey, DMA_TO_DEVICE);
		if (err)
			return err;
		WRITE_ONCE(ssk->tx.ring, i + 1);
	}
	spin_lock_bh(&ssk->lock);
	for (i = 0; i < ssk->tx.ring; i++)
		sdp_tx_put_slot(ssk, i);
	spin_unlock_bh(&ssk->lock);
	return 0;
}
ALLOW_ERROR_INJECTION(sdp_tx_setup, ERRNO);

/*
 * The two setups above run in rdma_cm's workers: what they allocate is
 * charged to the socket's memory cgroup, not the worker's.  A connection
 * the memory budget refused is counted once, here.
 */
static int sdp_res_alloc(struct sdp_sock *ssk, struct rdma_cm_id *id)
{
	struct mem_cgroup *old = set_active_memcg(ssk->memcg);
	int err = sdp_res_setup(ssk, id);

	set_active_memcg(old);
	if (err == -ENOBUFS)
		sdp_stats_inc(sock_net(&ssk->sk), SDP_STAT_MEM_REFUSED);
	return err;
}

static int sdp_tx_alloc(struct sdp_sock *ssk, u32 peer_size)
{
	struct mem_cgroup *old = set_active_memcg(ssk->memcg);
	int err = sdp_tx_setup(ssk, peer_size);

	set_active_memcg(old);
	if (err == -ENOBUFS)
		sdp_stats_inc(sock_net(&ssk->sk), SDP_STAT_MEM_REFUSED);
	return err;
}

/*
 * The RC transport parameters both ends give rdma_cm.  The retransmission
 * (local ACK) timeout is rdma_cm's, about half a second on RoCE, unless the
 * ack-timeout tunable sets one: where ACKs come later than that (Soft-RoCE
 * on a slow or loaded host) every message is sent again, and Soft-RoCE of
 * 6.12 then delivers some multi-packet SENDs at a wrong length
 * (docs/protocol.md, "Soft-RoCE").
 */
static void sdp_rc_params(struct sdp_sock *ssk, struct rdma_cm_id *id,
			  struct rdma_conn_param *param)
{
	u8 timeout = sdp_tun(sock_net(&ssk->sk), SDP_TUN_ACK_TIMEOUT);

	param->retry_count = 7;
	param->rnr_retry_count = 7;
	if (timeout)
		rdma_set_ack_timeout(id, timeout);
}

/* Credits from the peer's Hello / HelloAck, unless a message came first. */
static void sdp_init_credits(struct sdp_sock *ssk, u16 bufs)
{
	spin_lock_bh(&ssk->lock);
	if (!ssk->rx.seq)
		ssk->tx.credits = bufs;
	ssk->tx.reserve = min_t(int, SDP_CREDIT_RESERVE, bufs - 1);
	spin_unlock_bh(&ssk->lock);
}

static void sdp_save_addrs(struct sdp_sock *ssk, struct rdma_cm_id *id)
{
	memcpy(&ssk->laddr, &id->route.addr.src_addr, sizeof(ssk->laddr));
	memcpy(&ssk->raddr, &id->route.addr.dst_addr, sizeof(ssk->raddr));
	/* A child's traffic class is the one its REQ asked for. */
	if (id->route.path_rec)
		WRITE_ONCE(ssk->tclass, id->route.path_rec->traffic_class);
}

static void sdp_fill_bsdh(struct sdp_bsdh *h, u8 mid, u32 bufs, u32 len)
{
	h->mid = mid;
	h->bufs = cpu_to_be16(bufs);
	h->len = cpu_to_be32(len);
}

/* A Hello is acceptable; @len bytes of private data. */
static bool sdp_hh_ok(const struct sdp_hh *hh, u32 len)
{
	u8 ipv = hh ? hh->ipv_cap & 0xf0 : 0;

	return hh && len >= sizeof(*hh) &&
	       hh->bsdh.mid == SDP_MID_HELLO &&
	       be32_to_cpu(hh->bsdh.len) >= sizeof(*hh) &&
	       be16_to_cpu(hh->bsdh.bufs) >= 2 &&
	       SDP_HELLO_MAJOR(hh->majv_minv) == SDP_HELLO_MAJOR(SDP_HELLO_VERSION) &&
	       (ipv == SDP_HELLO_IPV4 || ipv == SDP_HELLO_IPV6) &&
	       hh->max_adverts >= 1 &&
	       be32_to_cpu(hh->localrcvsz) > SDP_BSDH_LEN;
}

static bool sdp_hah_ok(const struct sdp_hah *hah, u32 len)
{
	return hah && len >= sizeof(*hah) &&
	       hah->bsdh.mid == SDP_MID_HELLO_ACK &&
	       be32_to_cpu(hah->bsdh.len) >= sizeof(*hah) &&
	       be16_to_cpu(hah->bsdh.bufs) >= 2 &&
	       SDP_HELLO_MAJOR(hah->majv_minv) == SDP_HELLO_MAJOR(SDP_HELLO_VERSION) &&
	       hah->max_adverts >= 1 &&
	       be32_to_cpu(hah->actrcvsz) > SDP_BSDH_LEN;
}

/*
 * Count a connection in conn-current unless that would exceed the
 * max-connections tunable of @net.
 */
static bool sdp_conn_count(struct net *net)
{
	atomic64_t *cur = &sdp_net(net)->stats.conn_current;

	if (atomic64_inc_return(cur) <= (s64)sdp_tun(net, SDP_TUN_MAX_CONNECTIONS))
		return true;
	atomic64_dec(cur);
	return false;
}

/*
 * A connection attempt of @ssk failed with @err (positive errno); a `both'
 * socket falls back to TCP instead if there is a @reason to (enum
 * sdp_fallback_reason, 0: none, the peer broke the protocol).
 */
static void sdp_connect_failed(struct sdp_sock *ssk, int err, u8 reason)
{
	struct net *net = sock_net(&ssk->sk);
	struct sock *sk = &ssk->sk;

	spin_lock_bh(&ssk->lock);
	if (sk->sk_state == TCP_SYN_SENT && !ssk->conn_done &&
	    !(reason && sdp_fallback_request(ssk, reason))) {
		sdp_stats_inc(net, err == ECONNREFUSED ? SDP_STAT_CONN_REFUSED :
			      SDP_STAT_CONN_FAILED);
		ssk->conn_done = true;
		WRITE_ONCE(sk->sk_err, err);
		sdp_set_state(sk, TCP_CLOSE);
		sk_error_report(sk);
		sk->sk_state_change(sk);
	}
	spin_unlock_bh(&ssk->lock);
}

/* ROUTE_RESOLVED: resources, then the REQ with our Hello. */
static int sdp_cm_route_resolved(struct sdp_sock *ssk, struct rdma_cm_id *id)
{
	struct rdma_conn_param param = {};
	struct sdp_hh hh = {};
	int err;

	if (READ_ONCE(ssk->sk.sk_state) != TCP_SYN_SENT || ssk->conn_done)
		return -ECONNABORTED;
	mutex_lock(&ssk->res_mutex);
	/*
	 * close() may have torn the socket down meanwhile: teardown takes
	 * the id from the socket under res_mutex, then rdma_destroy_id()
	 * waits for this handler and does not destroy a QP we would create.
	 */
	if (ssk->cm_id != id || READ_ONCE(ssk->conn_done)) {
		err = -ECONNABORTED;
		goto out;
	}
	err = sdp_res_alloc(ssk, id);
	if (err)
		goto out;
	spin_lock_bh(&ssk->lock);
	sdp_fill_bsdh(&hh.bsdh, SDP_MID_HELLO, ssk->rx.posted, sizeof(hh));
	spin_unlock_bh(&ssk->lock);
	hh.majv_minv = SDP_HELLO_VERSION;
	hh.ipv_cap = id->route.addr.src_addr.ss_family == AF_INET6 ?
		     SDP_HELLO_IPV6 : SDP_HELLO_IPV4;
	hh.max_adverts = SDP_HELLO_MAX_ADV;
	hh.desremrcvsz = cpu_to_be32(ssk->rx.size);
	hh.localrcvsz = cpu_to_be32(ssk->rx.size);
	hh.port = sdp_addr_port(&id->route.addr.src_addr);

	param.private_data = &hh;
	param.private_data_len = sizeof(hh);
	sdp_rc_params(ssk, id, &param);
	err = rdma_connect_locked(id, &param);
	if (!err)
		sdp_stats_msg(sock_net(&ssk->sk), SDP_TX, SDP_MID_HELLO);
out:
	mutex_unlock(&ssk->res_mutex);
	return err;
}

/* ESTABLISHED on the active side: the REP carried the HelloAck. */
static void sdp_cm_active_established(struct sdp_sock *ssk,
				      struct rdma_cm_id *id,
				      struct rdma_cm_event *ev)
{
	const struct sdp_hah *hah = ev->param.conn.private_data;
	struct net *net = sock_net(&ssk->sk);
	struct sock *sk = &ssk->sk;
	int err;

	if (!sdp_hah_ok(hah, ev->param.conn.private_data_len)) {
		net_warn_ratelimited("sdp: invalid HelloAck; connection aborted\n");
		sdp_stats_inc(net, SDP_STAT_PROTO_ERRORS);
		sdp_connect_failed(ssk, EPROTO, 0);
		rdma_disconnect(id);
		return;
	}
	sdp_stats_msg(net, SDP_RX, SDP_MID_HELLO_ACK);
	if (!sdp_conn_count(net)) {
		/* max-connections reached meanwhile (see connect()). */
		sdp_connect_failed(ssk, ENOBUFS, SDP_FALLBACK_REASON_RESOURCES);
		rdma_disconnect(id);
		return;
	}
	mutex_lock(&ssk->res_mutex);
	err = ssk->pd ? sdp_tx_alloc(ssk, be32_to_cpu(hah->actrcvsz)) :
			-ENOTCONN;
	mutex_unlock(&ssk->res_mutex);
	if (err) {
		sdp_stats_conn_close(net);
		sdp_connect_failed(ssk, -err, SDP_FALLBACK_REASON_RESOURCES);
		rdma_disconnect(id);
		return;
	}
	sdp_init_credits(ssk, be16_to_cpu(hah->bsdh.bufs));
	sdp_save_addrs(ssk, id);

	spin_lock_bh(&ssk->lock);
	if (sk->sk_state == TCP_SYN_SENT && !ssk->conn_done) {
		sdp_set_state(sk, TCP_ESTABLISHED);
		sdp_ka_arm(ssk);
		ssk->counted = true;
		sdp_stats_inc(net, SDP_STAT_CONN_ESTABLISHED);
		/* Data that came with or before the RTU may need credits. */
		sdp_maybe_credit_update(ssk);
		sk->sk_state_change(sk);
		sk->sk_write_space(sk);
		err = 0;
	} else {
		err = -ECONNABORTED;
	}
	spin_unlock_bh(&ssk->lock);
	if (err) {
		sdp_stats_conn_close(net);
		rdma_disconnect(id);
		return;
	}
	sdp_fallback_drop(ssk);
	sdp_diag_conn_up(ssk);
}

/**
 * sdp_cm_req() - CONNECT_REQUEST on a listener
 * @lssk: the listener: @id's context, or the member a SO_REUSEPORT group
 *	picked (reuseport.c), held by the caller
 * @id: the new connection's id
 * @ev: the event
 *
 * Return: non-zero to have rdma_cm destroy @id.
 */
int sdp_cm_req(struct sdp_sock *lssk, struct rdma_cm_id *id,
	       struct rdma_cm_event *ev)
{
	const struct sdp_hh *hh = ev->param.conn.private_data;
	struct net *net = sock_net(&lssk->sk);
	struct rdma_conn_param param = {};
	struct sdp_hah hah = {};
	int bound_dev_if = READ_ONCE(lssk->sk.sk_bound_dev_if);
	struct sdp_sock *child;
	unsigned long tmo;
	bool ok;
	int err;

	if (!sdp_hh_ok(hh, ev->param.conn.private_data_len)) {
		net_warn_ratelimited("sdp: invalid Hello; connection refused\n");
		sdp_stats_inc(net, SDP_STAT_PROTO_ERRORS);
		rdma_reject(id, NULL, 0, IB_CM_REJ_CONSUMER_DEFINED);
		return 1;
	}
	sdp_stats_msg(net, SDP_RX, SDP_MID_HELLO);

	/*
	 * SO_BINDTODEVICE: a request that came in on another netdev finds no
	 * listener, as a SYN does in TCP.  rdma_cm set the new id's device.
	 */
	if (bound_dev_if &&
	    id->route.addr.dev_addr.bound_dev_if != bound_dev_if) {
		sdp_stats_inc(net, SDP_STAT_CONN_REFUSED);
		rdma_reject(id, NULL, 0, IB_CM_REJ_CONSUMER_DEFINED);
		return 1;
	}
	spin_lock_bh(&lssk->lock);
	ok = lssk->sk.sk_state == TCP_LISTEN &&
	     lssk->lsn.npending + lssk->lsn.nqueued <
	     max_t(u32, READ_ONCE(lssk->sk.sk_max_ack_backlog), 1);
	if (ok)
		lssk->lsn.npending++;
	spin_unlock_bh(&lssk->lock);
	/* max-connections: the child counts from now on (see below). */
	if (ok && !sdp_conn_count(net)) {
		spin_lock_bh(&lssk->lock);
		lssk->lsn.npending--;
		spin_unlock_bh(&lssk->lock);
		ok = false;
	}
	if (!ok) {
		sdp_stats_inc(net, SDP_STAT_CONN_REFUSED);
		rdma_reject(id, NULL, 0, IB_CM_REJ_CONSUMER_DEFINED);
		return 1;
	}

	child = sdp_sock_alloc(net, lssk->sk.sk_family, lssk->sk.sk_prot,
			       NULL, 0);
	if (!child) {
		sdp_stats_conn_close(net);
		spin_lock_bh(&lssk->lock);
		lssk->lsn.npending--;
		spin_unlock_bh(&lssk->lock);
		sdp_stats_inc(net, SDP_STAT_CONN_FAILED);
		rdma_reject(id, NULL, 0, IB_CM_REJ_CONSUMER_DEFINED);
		return 1;
	}
	sock_hold(&lssk->sk);
	child->counted = true;
	child->parent = lssk;
	sdp_child_inherit(child, lssk);
	sdp_set_state(&child->sk, TCP_SYN_RECV);
	child->pending = true;
	child->cm_id = id;
	id->context = child;
	sdp_save_addrs(child, id);
	sdp_diag_link(child);

	child->half_open = true;

	mutex_lock(&child->res_mutex);
	err = sdp_res_alloc(child, id);
	if (!err)
		err = sdp_tx_alloc(child, be32_to_cpu(hh->localrcvsz));
	if (!err) {
		sdp_init_credits(child, be16_to_cpu(hh->bsdh.bufs));
		spin_lock_bh(&child->lock);
		sdp_fill_bsdh(&hah.bsdh, SDP_MID_HELLO_ACK, child->rx.posted,
			      sizeof(hah));
		spin_unlock_bh(&child->lock);
		hah.majv_minv = SDP_HELLO_VERSION;
		hah.max_adverts = SDP_HELLO_MAX_ADV;
		hah.actrcvsz = cpu_to_be32(child->rx.size);
		param.private_data = &hah;
		param.private_data_len = sizeof(hah);
		sdp_rc_params(child, id, &param);
		err = rdma_accept(id, &param);
	}
	if (err) {
		sdp_res_free(child, id);
		child->cm_id = NULL;
	}
	mutex_unlock(&child->res_mutex);
	if (err) {
		sdp_stats_inc(net, SDP_STAT_CONN_FAILED);
		sdp_child_release(child);
		return 1;
	}
	sdp_stats_msg(net, SDP_TX, SDP_MID_HELLO_ACK);
	sdp_stats_inc(net, SDP_STAT_CONN_PASSIVE_OPENS);
	/*
	 * The IB CM waits for the RTU as long as the peer's REQ asked (up to
	 * hours): our own deadline bounds how long a half-open connection
	 * holds a backlog slot and its buffers.
	 */
	tmo = msecs_to_jiffies(sdp_tun(net, SDP_TUN_CONNECT_TIMEOUT));
	child->deadline = jiffies + tmo;
	sdp_conn_kick(child, tmo);
	return 0;
}

/*
 * ESTABLISHED on a child: queue it for accept(), or with TCP_DEFER_ACCEPT
 * on its listener, defer it (still counted as pending).
 */
static void sdp_cm_passive_established(struct sdp_sock *child)
{
	struct sdp_sock *lssk = child->parent;
	struct net *net = sock_net(&child->sk);
	bool queued = false, up = false, defer;

	child->pending = false;
	spin_lock_bh(&child->lock);
	if (!child->half_open) {
		/* Its deadline passed: sdp_child_expire() gives it up. */
		spin_unlock_bh(&child->lock);
		return;
	}
	child->half_open = false;
	/*
	 * Its QP broke under data that came before the RTU (the failure was
	 * a flush, which before ESTABLISHED may have been the CM's doing):
	 * accept() gets it reset, as TCP's child that was reset in the queue.
	 */
	if (child->qp_err_early && !child->conn_done)
		sdp_conn_fail(child, ECONNRESET, false);
	if (!child->conn_done) {
		sdp_set_state(&child->sk, TCP_ESTABLISHED);
		sdp_ka_arm(child);
		sdp_stats_inc(net, SDP_STAT_CONN_ESTABLISHED);
		up = true;
	}
	spin_unlock_bh(&child->lock);
	if (up)
		sdp_diag_conn_up(child);

	defer = up && READ_ONCE(lssk->lsn.defer_accept);
	spin_lock_bh(&lssk->lock);
	if (lssk->sk.sk_state == TCP_LISTEN) {
		if (defer) {
			list_add_tail(&child->accept_node, &lssk->lsn.defer_q);
		} else {
			lssk->lsn.npending--;
			list_add_tail(&child->accept_node, &lssk->lsn.accept_q);
			lssk->lsn.nqueued++;
			lssk->sk.sk_data_ready(&lssk->sk);
		}
		queued = true;
	} else {
		lssk->lsn.npending--;
	}
	spin_unlock_bh(&lssk->lock);
	if (queued && defer)
		sdp_child_defer(child);
	if (queued)
		return;

	/* The listener closed meanwhile: reset, as TCP does. */
	sdp_child_drop(child);
}

/*
 * DISCONNECTED: the RC connection is gone.  Whether it ended gracefully
 * (the peer's DisConn came first) is decided once the receives still in
 * the CQ are processed: rdma_disconnect() has moved the QP to the error
 * state, so all of them complete (flushed) behind the real messages.
 */
static void sdp_cm_disconnected(struct sdp_sock *ssk, struct rdma_cm_id *id)
{
	/* Before our QP goes to the error state: its flushes are expected. */
	spin_lock_bh(&ssk->lock);
	ssk->dis_done = true;
	spin_unlock_bh(&ssk->lock);
	rdma_disconnect(id);

	spin_lock_bh(&ssk->lock);
	if (!ssk->peer_gone) {
		ssk->peer_gone = true;
		ssk->deadline = jiffies + HZ;
		sdp_peer_gone_check(ssk, false);
		if (!ssk->conn_done)
			sdp_conn_kick(ssk, HZ);
	}
	if (ssk->closing)
		sdp_conn_kick(ssk, 0);
	spin_unlock_bh(&ssk->lock);
	sdp_diag_conn_down(ssk);
}

/* DEVICE_REMOVAL: give everything of the device back before returning. */
static int sdp_cm_device_removal(struct sdp_sock *ssk, struct rdma_cm_id *id)
{
	int ret = 0;

	spin_lock_bh(&ssk->lock);
	if (ssk->sk.sk_state == TCP_LISTEN) {
		WRITE_ONCE(ssk->sk.sk_err, ENODEV);
		sk_error_report(&ssk->sk);
	} else {
		sdp_conn_fail(ssk, ECONNRESET, false);
	}
	spin_unlock_bh(&ssk->lock);

	mutex_lock(&ssk->res_mutex);
	sdp_res_free(ssk, id);
	/* If teardown already took the id, it is waiting to destroy it. */
	if (ssk->cm_id == id) {
		WRITE_ONCE(ssk->cm_id, NULL);
		ret = 1;
	}
	mutex_unlock(&ssk->res_mutex);
	return ret;
}

/* A child not yet established failed: give it up; rdma_cm destroys @id. */
static int sdp_cm_child_failed(struct sdp_sock *child, struct rdma_cm_id *id)
{
	int ret = 0;

	mutex_lock(&child->res_mutex);
	sdp_res_free(child, id);
	if (child->cm_id == id) {
		WRITE_ONCE(child->cm_id, NULL);
		ret = 1;
	}
	mutex_unlock(&child->res_mutex);
	if (ret) {
		sdp_stats_inc(sock_net(&child->sk), SDP_STAT_CONN_FAILED);
		sdp_child_release(child);
	}
	return ret;
}

static int sdp_cm_errno(struct rdma_cm_event *ev)
{
	switch (ev->event) {
	case RDMA_CM_EVENT_REJECTED:
		return -ECONNREFUSED;
	case RDMA_CM_EVENT_UNREACHABLE:
		return -ETIMEDOUT;
	case RDMA_CM_EVENT_ADDR_ERROR:
	case RDMA_CM_EVENT_ROUTE_ERROR:
		return -EHOSTUNREACH;
	default:
		return -ECONNABORTED;
	}
}

/* Why a failed connect event makes a `both' socket fall back. */
static u8 sdp_cm_fallback_reason(const struct rdma_cm_event *ev)
{
	switch (ev->event) {
	case RDMA_CM_EVENT_ADDR_ERROR:
		/* rdma_cm found the route's netdev without an RDMA device. */
		return ev->status == -ENODEV ? SDP_FALLBACK_REASON_NO_DEVICE :
					       SDP_FALLBACK_REASON_ADDRESS;
	case RDMA_CM_EVENT_ROUTE_ERROR:
		return SDP_FALLBACK_REASON_ROUTE;
	case RDMA_CM_EVENT_REJECTED:
		return SDP_FALLBACK_REASON_REJECTED;
	default:
		return SDP_FALLBACK_REASON_UNREACHABLE;
	}
}

/**
 * sdp_cm_handler() - rdma_cm event handler of every SDP id
 * @id: the id; for CONNECT_REQUEST the new connection's id
 * @ev: the event
 *
 * Return: non-zero to have rdma_cm destroy @id.
 */
int sdp_cm_handler(struct rdma_cm_id *id, struct rdma_cm_event *ev)
{
	struct sdp_sock *ssk = id->context;
	struct sock *sk = &ssk->sk;
	int err;

	switch (ev->event) {
	case RDMA_CM_EVENT_CONNECT_REQUEST:
		return sdp_cm_req(ssk, id, ev);
	case RDMA_CM_EVENT_ADDR_RESOLVED:
		err = rdma_resolve_route(id, sdp_tun(sock_net(sk),
						     SDP_TUN_CONNECT_TIMEOUT));
		if (err)
			sdp_connect_failed(ssk, EHOSTUNREACH, SDP_FALLBACK_REASON_ROUTE);
		return 0;
	case RDMA_CM_EVENT_ROUTE_RESOLVED:
		err = sdp_cm_route_resolved(ssk, id);
		if (err == -ENOMEM || err == -ENOBUFS)
			sdp_connect_failed(ssk, -err, SDP_FALLBACK_REASON_RESOURCES);
		else if (err == -ENODEV)	/* as connect() without a device */
			sdp_connect_failed(ssk, ENETUNREACH,
					   SDP_FALLBACK_REASON_NO_DEVICE);
		else if (err == -ECONNABORTED)
			sdp_connect_failed(ssk, -err, 0);
		else if (err)
			sdp_connect_failed(ssk, EHOSTUNREACH, SDP_FALLBACK_REASON_ROUTE);
		return 0;
	case RDMA_CM_EVENT_ESTABLISHED:
		if (ssk->pending)
			sdp_cm_passive_established(ssk);
		else if (READ_ONCE(sk->sk_state) == TCP_SYN_SENT)
			sdp_cm_active_established(ssk, id, ev);
		else
			rdma_disconnect(id);
		return 0;
	case RDMA_CM_EVENT_ADDR_ERROR:
	case RDMA_CM_EVENT_ROUTE_ERROR:
	case RDMA_CM_EVENT_UNREACHABLE:
	case RDMA_CM_EVENT_REJECTED:
	case RDMA_CM_EVENT_CONNECT_ERROR:
		if (ssk->pending)
			return sdp_cm_child_failed(ssk, id);
		sdp_connect_failed(ssk, -sdp_cm_errno(ev),
				   sdp_cm_fallback_reason(ev));
		return 0;
	case RDMA_CM_EVENT_DISCONNECTED:
		if (ssk->pending) {
			rdma_disconnect(id);
			return sdp_cm_child_failed(ssk, id);
		}
		sdp_cm_disconnected(ssk, id);
		return 0;
	case RDMA_CM_EVENT_DEVICE_REMOVAL:
		if (id != READ_ONCE(ssk->cm_id))
			return 0;
		if (ssk->pending)
			return sdp_cm_child_failed(ssk, id);
		return sdp_cm_device_removal(ssk, id);
	default:
		return 0;
	}
}
