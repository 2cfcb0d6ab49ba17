// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: SO_REUSEPORT.  rdma_cm lets one id listen on an address and port,
 * so the sockets that share a port, as TCP's SO_REUSEPORT lets them, share
 * one id: a group (struct sdp_reuseport) per network namespace and bound
 * address, made by the first socket's bind(), owns a listening id whose
 * event handler hands each connection request to one listening member,
 * picked by a hash of the peer's address and port as TCP does.  Members
 * join at bind() if they set SO_REUSEPORT and have the first one's owner
 * (TCP's rule); the last one to leave destroys the id.  A member keeps its
 * own, unbound id for nothing but its teardown.
 *
 * Locks: sdp_reuseport_lock (mutex) serialises joining, leaving, listening
 * and the device removal of a group's id, and guards the list of groups;
 * taken under the socket lock and by the id's removal handler, so never
 * held across rdma_destroy_id() or while a new id is made and bound.
 * sdp_reuseport.lock (spinlock, process context only) guards the members
 * for the request handler, which takes nothing else of the group, and
 * the claim of the id.
 *
 * Lifetime: a group lives while it has members.  Its id goes first: the
 * last member destroys it (rdma_destroy_id() waits for its handler), or
 * rdma_cm does once the handler claimed it for a device removal.
 */

#include <linux/jhash.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <rdma/ib_cm.h>

#include "sdp.h"
#include "sock.h"

/**
 * struct sdp_reuseport - the sockets sharing one address and port
 * @node: in sdp_reuseport_groups
 * @net: the namespace (its members hold it)
 * @addr: the address bound, port included
 * @v6only: IPV6_V6ONLY of the members ([::] with and without are not
 *	the same bind)
 * @uid: the owner every member must have
 * @seed: of the hash that picks a member, as TCP's secret: which peer
 *	goes where cannot be worked out from outside
 * @id: the listening id; NULL once claimed for destruction, under @lock
 *	(and sdp_reuseport_lock where the group is listed, so that
 *	listen() may use it under that mutex)
 * @lock: guards @members (see the top)
 * @members: sdp_sock.reuseport_node of every member
 * @listening: rdma_listen() done on @id
 * @dead: the device went away with @id: members' accept() fails
 */
struct sdp_reuseport {
	struct list_head node;
	struct net *net;
	struct sockaddr_storage addr;
	bool v6only;
	kuid_t uid;
	u32 seed;
	struct rdma_cm_id *id;
	spinlock_t lock;		/* see above */
	struct list_head members;
	bool listening;
	bool dead;
};

static DEFINE_MUTEX(sdp_reuseport_lock);
static LIST_HEAD(sdp_reuseport_groups);

static bool sdp_reuseport_same(const struct sockaddr_storage *a,
			       const struct sockaddr_storage *b)
{
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)b;
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port &&
		       ipv6_addr_equal(&a6->sin6_addr, &b6->sin6_addr);
	return a4->sin_port == b4->sin_port &&
	       a4->sin_addr.s_addr == b4->sin_addr.s_addr;
}

/* A listening member for the request on @id, held; NULL if none. */
static struct sdp_sock *sdp_reuseport_pick(struct sdp_reuseport *g,
					   struct rdma_cm_id *id)
{
	const struct sockaddr_storage *peer = &id->route.addr.dst_addr;
	struct sdp_sock *ssk, *found = NULL;
	u32 n = 0, hash;

	hash = jhash(peer, sizeof(struct sockaddr_in6), g->seed);
	spin_lock(&g->lock);
	list_for_each_entry(ssk, &g->members, reuseport_node)
		n += READ_ONCE(ssk->sk.sk_state) == TCP_LISTEN;
	if (n) {
		n = reciprocal_scale(hash, n);
		list_for_each_entry(ssk, &g->members, reuseport_node) {
			if (READ_ONCE(ssk->sk.sk_state) != TCP_LISTEN)
				continue;
			if (!n--) {
				found = ssk;
				sock_hold(&found->sk);
				break;
			}
		}
	}
	spin_unlock(&g->lock);
	return found;
}

/* DEVICE_REMOVAL on the group's id: every member hears of it. */
static int sdp_reuseport_removal(struct sdp_reuseport *g,
				 struct rdma_cm_id *id)
{
	struct sdp_sock *ssk;
	int ret = 0;

	mutex_lock(&sdp_reuseport_lock);
	spin_lock(&g->lock);
	/* If the last member took the id, it is waiting to destroy it. */
	if (g->id == id) {
		g->id = NULL;
		ret = 1;
	}
	WRITE_ONCE(g->dead, true);
	list_for_each_entry(ssk, &g->members, reuseport_node) {
		WRITE_ONCE(ssk->sk.sk_err, ENODEV);
		sk_error_report(&ssk->sk);
	}
	spin_unlock(&g->lock);
	mutex_unlock(&sdp_reuseport_lock);
	return ret;
}

/*
 * rdma_cm event handler of a group's id.  rdma_cm makes a request's new
 * id with the listening id's handler and context: the new id gets SDP's
 * own handler (as rdma_cm's cma_listen_handler() hands its ids on), and
 * sdp_cm_req() makes the child its context.
 */
static int sdp_reuseport_cm_handler(struct rdma_cm_id *id,
				    struct rdma_cm_event *ev)
{
	struct sdp_reuseport *g = id->context;
	struct sdp_sock *lssk;
	int ret;

	if (ev->event == RDMA_CM_EVENT_CONNECT_REQUEST) {
		id->event_handler = sdp_cm_handler;
		lssk = sdp_reuseport_pick(g, id);
		if (!lssk) {
			sdp_stats_inc(g->net, SDP_STAT_CONN_REFUSED);
			rdma_reject(id, NULL, 0, IB_CM_REJ_CONSUMER_DEFINED);
			return 1;
		}
		ret = sdp_cm_req(lssk, id, ev);
		sock_put(&lssk->sk);
		return ret;
	}
	if (ev->event == RDMA_CM_EVENT_DEVICE_REMOVAL)
		return sdp_reuseport_removal(g, id);
	return 0;
}

/* Give a group's id back unless the removal handler took it; free it. */
static void sdp_reuseport_free(struct sdp_reuseport *g)
{
	struct rdma_cm_id *id;

	spin_lock(&g->lock);
	id = g->id;
	g->id = NULL;
	spin_unlock(&g->lock);
	/* Waits for a running handler; none is called afterwards. */
	if (id)
		rdma_destroy_id(id);
	kfree(g);
}

/*
 * A new group for @ssk's bind() to @addr, its id bound; not listed yet.
 * Made without sdp_reuseport_lock: the removal handler of the new id
 * takes it.
 */
static struct sdp_reuseport *sdp_reuseport_make(struct sdp_sock *ssk,
						struct sockaddr_storage *addr,
						int *err)
{
	struct sock *sk = &ssk->sk;
	struct sdp_reuseport *g;
	struct rdma_cm_id *id;

	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g) {
		*err = -ENOMEM;
		return NULL;
	}
	g->net = sock_net(sk);
	memcpy(&g->addr, addr, sizeof(*addr));
	g->v6only = sk->sk_family == AF_INET6 && sk->sk_ipv6only;
	g->uid = sock_i_uid(sk);
	g->seed = get_random_u32();
	spin_lock_init(&g->lock);
	INIT_LIST_HEAD(&g->members);
	id = rdma_create_id(sock_net(sk), sdp_reuseport_cm_handler, g,
			    RDMA_PS_TCP, IB_QPT_RC);
	if (IS_ERR(id)) {
		kfree(g);
		*err = PTR_ERR(id);
		return NULL;
	}
	g->id = id;
	*err = sdp_id_bind(sk, id, addr);
	if (*err) {
		sdp_reuseport_free(g);
		return NULL;
	}
	return g;
}

/*
 * @ssk joins the group of @addr, which is @made (listed now) if there is
 * none yet.  Return: 0, -ENOENT without a group, -EADDRINUSE for another
 * owner's.
 */
static int sdp_reuseport_join(struct sdp_sock *ssk,
			      struct sockaddr_storage *addr,
			      struct sdp_reuseport *made)
{
	struct sock *sk = &ssk->sk;
	bool v6only = sk->sk_family == AF_INET6 && sk->sk_ipv6only;
	struct sdp_reuseport *g;
	int err = 0;

	mutex_lock(&sdp_reuseport_lock);
	list_for_each_entry(g, &sdp_reuseport_groups, node) {
		if (net_eq(g->net, sock_net(sk)) && !READ_ONCE(g->dead) &&
		    g->v6only == v6only && sdp_reuseport_same(&g->addr, addr))
			goto found;
	}
	if (!made) {
		err = -ENOENT;
		goto out;
	}
	g = made;
	list_add(&g->node, &sdp_reuseport_groups);
found:
	/* TCP's rule: the same owner throughout. */
	if (!uid_eq(g->uid, sock_i_uid(sk))) {
		err = -EADDRINUSE;
		goto out;
	}
	spin_lock(&g->lock);
	list_add_tail(&ssk->reuseport_node, &g->members);
	spin_unlock(&g->lock);
	ssk->reuseport = g;
	ssk->bound = true;
	ssk->bind_port = sdp_addr_port(addr);
	memcpy(&ssk->laddr, &g->id->route.addr.src_addr, sizeof(ssk->laddr));
out:
	mutex_unlock(&sdp_reuseport_lock);
	return err;
}

/**
 * sdp_reuseport_bind() - bind() of a socket with SO_REUSEPORT
 * @ssk: the socket; locked, not bound
 * @addr: the address, with a port other than 0
 *
 * Return: 0, -EADDRINUSE if the address is bound by a socket that may
 * not share it (no SO_REUSEPORT, another owner), or as rdma_bind_addr().
 */
int sdp_reuseport_bind(struct sdp_sock *ssk, struct sockaddr_storage *addr)
{
	struct sdp_reuseport *made;
	int err;

	err = sdp_reuseport_join(ssk, addr, NULL);
	if (err != -ENOENT)
		return err;
	made = sdp_reuseport_make(ssk, addr, &err);
	if (!made) {
		/* Another socket's bind() may have made the group meanwhile. */
		if (err == -EADDRINUSE)
			err = sdp_reuseport_join(ssk, addr, NULL);
		return err == -ENOENT ? -EADDRINUSE : err;
	}
	/* Our id holds the port: no other group can have been made. */
	return sdp_reuseport_join(ssk, addr, made);
}

/**
 * sdp_reuseport_listen() - listen() of a group member
 * @ssk: the member; locked
 * @backlog: for rdma_listen(), by the first member to listen
 *
 * Return: 0, -ENODEV once the device went away, or rdma_listen()'s error.
 */
int sdp_reuseport_listen(struct sdp_sock *ssk, int backlog)
{
	struct sdp_reuseport *g = ssk->reuseport;
	int err = 0;

	mutex_lock(&sdp_reuseport_lock);
	if (!g->id)
		err = -ENODEV;
	else if (!g->listening)
		err = rdma_listen(g->id, backlog);
	if (!err)
		g->listening = true;
	mutex_unlock(&sdp_reuseport_lock);
	return err;
}

/* A member whose group's device went away: no connection comes any more. */
bool sdp_reuseport_dead(const struct sdp_sock *ssk)
{
	return READ_ONCE(ssk->reuseport->dead);
}

/**
 * sdp_reuseport_leave() - a member is closed
 * @ssk: the member; not locked (the last one destroys the group's id)
 */
void sdp_reuseport_leave(struct sdp_sock *ssk)
{
	struct sdp_reuseport *g = ssk->reuseport;
	bool last;

	mutex_lock(&sdp_reuseport_lock);
	spin_lock(&g->lock);
	list_del_init(&ssk->reuseport_node);
	last = list_empty(&g->members);
	spin_unlock(&g->lock);
	if (last)
		list_del(&g->node);
	mutex_unlock(&sdp_reuseport_lock);
	ssk->reuseport = NULL;
	if (last)
		sdp_reuseport_free(g);
}
