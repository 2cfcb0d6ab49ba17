/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdp: the state of one network namespace (struct sdp_net) and the
 * data path's lockless access to it: sdp_tun(), sdp_dbg() and the
 * sdp_stats_*() counters, callable from any context.
 */
#ifndef _SDP_NETNS_H
#define _SDP_NETNS_H

#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/percpu.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "rules.h"
#include "stats.h"
#include "tunables.h"

/**
 * struct sdp_net - SDP state of one network namespace
 * @lock: serialises every change in this namespace: rule table, tunables
 *	and stats reset, and sends the matching notification before it is
 *	released so that listeners see events in the order of the changes.
 *	Taken only in process context by netlink handlers; nothing else is
 *	taken inside it but memory allocation and netlink multicast.
 *	Readers never take it.
 * @rules: current rule table (RCU; written under @lock); never NULL while
 *	the namespace exists
 * @next_id: last rule id handed out (under @lock); ids are not reused
 * @gen: generation of the last table published (under @lock)
 * @tun: tunable values indexed by enum sdp_tun: WRITE_ONCE() under @lock,
 *	READ_ONCE() anywhere
 * @stats: counters (see struct sdp_stats)
 * @conn_lock: spinlock (BH) guarding @conns, @conn_seq and @conn_gen
 *	(diag.c).  Taken inside sdp_sock.lock when the caller holds that,
 *	never the reverse; only sk_callback_lock (read) is taken inside it.
 *	Unrelated to @lock.
 * @conns: the namespace's listed SDP sockets, by sdp_diag_sock.node,
 *	ordered by sdp_diag_sock.seq (see kmod/diag.c)
 * @conn_seq: last sdp_diag_sock.seq handed out; 64 bits never wrap
 * @conn_gen: generation of @conns, bumped on every change, never 0; the
 *	conn-get dump's sequence number
 *
 * Allocated and zeroed by the pernet core (sdp_net_ops.size), set up by
 * sdp_net_init() before the namespace is visible, and torn down by
 * sdp_net_exit() when nothing in the namespace can reach it any more.
 */
struct sdp_net {
	struct mutex lock;	/* writers only; see above */
	struct sdp_rule_table __rcu *rules;
	u32 next_id;
	u32 gen;
	u64 tun[SDP_TUN_NUM];
	struct sdp_stats stats;
	spinlock_t conn_lock;	/* see above */
	struct rb_root conns;
	u64 conn_seq;
	u32 conn_gen;
};

extern unsigned int sdp_net_id;

static inline struct sdp_net *sdp_net(const struct net *net)
{
	return net_generic(net, sdp_net_id);
}

/**
 * sdp_tun() - current value of a tunable in a namespace
 * @net: the network namespace
 * @id: which tunable
 *
 * Lockless; callable from any context.
 *
 * Return: the value.
 */
static inline u64 sdp_tun(const struct net *net, enum sdp_tun id)
{
	return sdp_tunable_get(sdp_net(net), id);
}

/*
 * Rate-limited log line shown when the namespace's debug-level tunable is
 * at least @level (1..3).
 */
#define sdp_dbg(net, level, fmt, ...) do {				\
	if (sdp_tun((net), SDP_TUN_DEBUG_LEVEL) >= (level))		\
		net_info_ratelimited("sdp: " fmt, ##__VA_ARGS__);	\
} while (0)

/**
 * sdp_stats_add() - add to a counter of a namespace
 * @net: the network namespace
 * @id: which counter
 * @val: amount
 *
 * Callable from any context, including hard interrupts.
 */
static inline void sdp_stats_add(struct net *net, enum sdp_stat id, u64 val)
{
	struct sdp_stats_cpu *c = get_cpu_ptr(sdp_net(net)->stats.pcpu);

	local64_add(val, &c->cnt[id]);
	put_cpu_ptr(c);
}

/**
 * sdp_stats_inc() - increment a counter of a namespace
 * @net: the network namespace
 * @id: which counter
 */
static inline void sdp_stats_inc(struct net *net, enum sdp_stat id)
{
	sdp_stats_add(net, id, 1);
}

/**
 * sdp_stats_msg() - count one SDP message sent or received
 * @net: the network namespace
 * @dir: SDP_TX or SDP_RX
 * @mid: message id; ids SDP does not define are not counted
 */
static inline void sdp_stats_msg(struct net *net, enum sdp_dir dir, u8 mid)
{
	int i = sdp_msg_index(mid);
	struct sdp_stats_cpu *c;

	if (i < 0)
		return;
	c = get_cpu_ptr(sdp_net(net)->stats.pcpu);
	local64_inc(&c->msg[dir][i]);
	put_cpu_ptr(c);
}

/**
 * sdp_stats_hist() - count a value in one of the log2 histograms
 * @net: the network namespace
 * @id: enum sdp_hist (1-based, as on netlink)
 * @value: the size to count; values of 2^32 and above land in the last
 *	bucket
 */
static inline void sdp_stats_hist(struct net *net, enum sdp_hist id, u64 value)
{
	unsigned int b = value ? min_t(unsigned int, fls64(value),
				       SDP_HIST_BUCKETS - 1) : 0;
	struct sdp_stats_cpu *c;

	if (id < SDP_HIST_TX_MSG_SIZE || id > SDP_HIST_NUM)
		return;
	c = get_cpu_ptr(sdp_net(net)->stats.pcpu);
	local64_inc(&c->hist[id - 1][b]);
	put_cpu_ptr(c);
}

/**
 * sdp_stats_conn_open() - a connection opened (conn-current gauge)
 * @net: the network namespace
 */
static inline void sdp_stats_conn_open(struct net *net)
{
	atomic64_inc(&sdp_net(net)->stats.conn_current);
}

/**
 * sdp_stats_conn_close() - a connection closed (conn-current gauge)
 * @net: the network namespace
 */
static inline void sdp_stats_conn_close(struct net *net)
{
	atomic64_dec(&sdp_net(net)->stats.conn_current);
}

#endif /* _SDP_NETNS_H */
