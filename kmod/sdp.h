/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdp: internal declarations shared by the files of sdp.ko.
 *
 * Everything the control plane manages lives in a network namespace, in a
 * struct sdp_net reached with sdp_net(net).  The generic netlink family
 * (netlink.c) is the only writer; the future data path only reads, through
 * sdp_map_lookup(), sdp_tun() and the sdp_stats_*() helpers, all of which
 * are lockless and callable from any context.
 */
#ifndef _SDP_H
#define _SDP_H

#include <linux/atomic.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/percpu.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <asm/local64.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include <linux/sdp.h>

#include "compat.h"

/* The one place the module version is spelled. */
#define SDP_VERSION		"0.1.0"

/* Longest address a rule holds (IPv6). */
#define SDP_ADDR_MAX_LEN	16

/* ---- tunables (tunables.c) ---------------------------------------------- */

/* Index of a tunable in sdp_tunables[] and in sdp_net.tun[]. */
enum sdp_tun {
	SDP_TUN_RX_BUFFERS,
	SDP_TUN_RX_BUFFER_SIZE,
	SDP_TUN_TX_QUEUE_DEPTH,
	SDP_TUN_INLINE_THRESHOLD,
	SDP_TUN_ZCOPY_THRESHOLD,
	SDP_TUN_KEEPALIVE_TIME,
	SDP_TUN_RECV_POLL,
	SDP_TUN_CREDIT_UPDATE_THRESHOLD,
	SDP_TUN_CONNECT_TIMEOUT,
	SDP_TUN_MAX_CONNECTIONS,
	SDP_TUN_MAX_RULES,
	SDP_TUN_DEFAULT_ACTION,
	SDP_TUN_DEBUG_LEVEL,
	SDP_TUN_MEM_MAX_PAGES,
	SDP_TUN_NUM
};

/**
 * struct sdp_tunable_desc - static description of one tunable
 * @name: name used on netlink (at most SDP_TUNABLE_NAME_MAX_LEN bytes)
 * @def: value a new network namespace starts with
 * @min: smallest accepted value
 * @max: largest accepted value
 * @unit: unit of the value, as documented in the spec
 * @doc: one-line description
 */
struct sdp_tunable_desc {
	const char *name;
	u64 def;
	u64 min;
	u64 max;
	const char *unit;
	const char *doc;
};

extern struct sdp_tunable_desc sdp_tunables[SDP_TUN_NUM];

/* ---- statistics (stats.c) ----------------------------------------------- */

/* Monotonic per-cpu counters; conn-current is a gauge and kept apart. */
enum sdp_stat {
	SDP_STAT_CONN_ACTIVE_OPENS,
	SDP_STAT_CONN_PASSIVE_OPENS,
	SDP_STAT_CONN_ESTABLISHED,
	SDP_STAT_CONN_REFUSED,
	SDP_STAT_CONN_FAILED,
	SDP_STAT_CONN_ABORTED,
	SDP_STAT_TX_BYTES,
	SDP_STAT_RX_BYTES,
	SDP_STAT_CREDIT_STALLS,
	SDP_STAT_CREDIT_UPDATES,
	SDP_STAT_ZCOPY_TX,
	SDP_STAT_ZCOPY_RX,
	SDP_STAT_FALLBACK_TCP,
	SDP_STAT_PROTO_ERRORS,
	SDP_STAT_MAP_LOOKUPS,
	SDP_STAT_MEM_REFUSED,
	SDP_STAT_HALF_OPEN_EXPIRED,
	SDP_STAT_LOCAL_QP_ERRORS,
	SDP_STAT_NUM
};

/* Direction of a counted message. */
enum sdp_dir {
	SDP_TX,
	SDP_RX,
	SDP_DIR_NUM
};

/* SDP message ids (IBTA Annex A4), the index space of the msg-counts set. */
#define SDP_MID_HELLO		0x00
#define SDP_MID_SUSPEND_ACK	0x0e
#define SDP_MID_SINK_AVAIL	0xfd
#define SDP_MID_SRC_AVAIL	0xfe
#define SDP_MID_DATA		0xff

/* Control ids 0x00..0x0e, then SinkAvail, SrcAvail and Data. */
#define SDP_MSG_NUM		(SDP_MID_SUSPEND_ACK + 1 + 3)

/* Histograms; index = enum sdp_hist - 1. */
#define SDP_HIST_NUM		SDP_HIST_RECVMSG_SIZE
/* Bucket 0 counts 0, bucket n counts [2^(n-1), 2^n): 33 cover all of u32. */
#define SDP_HIST_BUCKETS	33

/**
 * struct sdp_stats_cpu - one CPU's share of a namespace's counters
 * @cnt: counters indexed by enum sdp_stat
 * @msg: messages by direction and by sdp_msg_index() of the message id
 * @hist: log2 histograms, bucket counts
 *
 * local64_t makes each update a single irq-safe instruction on the local
 * CPU (the data path counts from process, softirq and CQ interrupt
 * context) and each remote read untorn, also on 32-bit.
 */
struct sdp_stats_cpu {
	local64_t cnt[SDP_STAT_NUM];
	local64_t msg[SDP_DIR_NUM][SDP_MSG_NUM];
	local64_t hist[SDP_HIST_NUM][SDP_HIST_BUCKETS];
};

/**
 * struct sdp_stats_snap - a namespace's counters summed over CPUs
 * @rcu: frees a replaced baseline after readers are gone
 * @reset_time: boottime seconds of the reset this baseline was taken at
 * @cnt: see struct sdp_stats_cpu
 * @msg: see struct sdp_stats_cpu
 * @hist: see struct sdp_stats_cpu
 *
 * Used both as the baseline of the last reset and as the result of a read.
 */
struct sdp_stats_snap {
	struct rcu_head rcu;
	time64_t reset_time;
	u64 cnt[SDP_STAT_NUM];
	u64 msg[SDP_DIR_NUM][SDP_MSG_NUM];
	u64 hist[SDP_HIST_NUM][SDP_HIST_BUCKETS];
};

/**
 * struct sdp_stats - counters of one network namespace
 * @pcpu: per-cpu counters; they only ever grow, a reset never touches them
 * @base: totals at the last reset, subtracted from every read.  Replaced
 *	as a whole by a reset under sdp_net.lock (rcu_assign_pointer, old
 *	one freed after a grace period); readers use rcu_dereference().
 *	Never NULL while the namespace exists.
 * @conn_current: gauge of open connections; not affected by a reset
 *
 * Counting into per-cpu data that is never zeroed keeps a reset race-free
 * against concurrent increments without any lock on the increment path:
 * an increment lands either before the baseline sum (and is cancelled by
 * it) or after it (and is shown).
 */
struct sdp_stats {
	struct sdp_stats_cpu __percpu *pcpu;
	struct sdp_stats_snap __rcu *base;
	atomic64_t conn_current;
};

/* ---- mapping rules (rules.c) -------------------------------------------- */

/**
 * struct sdp_rule_match - what a rule selects
 * @family: AF_INET or AF_INET6
 * @port_min: first port matched (host order)
 * @port_max: last port matched (host order), >= @port_min
 * @prefix_len: leading bits of @addr that must match; 0: any address
 * @role: enum sdp_role bits the rule applies to, never 0
 * @addr: address, network order; all bits beyond @prefix_len are 0
 * @program: comm-name pattern; empty: every program
 *
 * Two rules with equal match are duplicates.  The layout has no padding
 * and every byte of @addr and @program past the meaningful ones is 0, so
 * memcmp() and jhash() over the whole struct are exact.
 */
struct sdp_rule_match {
	u16 family;
	u16 port_min;
	u16 port_max;
	u8 prefix_len;
	u8 role;
	u8 addr[SDP_ADDR_MAX_LEN];
	char program[SDP_PROGRAM_MAX_LEN + 1];
};

/**
 * struct sdp_rule - one entry of a namespace's mapping table
 * @rcu: frees the rule a grace period after it left the table
 * @hits: data-path lookups this rule decided (sdp_map_lookup(), not
 *	sdp_map_query()); the only field written after publish
 * @id: identifier, unique within the namespace, never 0
 * @action: enum sdp_action
 * @match: what the rule selects
 *
 * A rule is built and validated off to the side, then published in a
 * struct sdp_rule_table; from then on it is immutable (save @hits) and
 * shared by every later table that keeps it.  It is freed with
 * kfree_rcu() once the table that dropped it has been published.
 */
struct sdp_rule {
	struct rcu_head rcu;
	atomic64_t hits;
	u32 id;
	u32 action;
	struct sdp_rule_match match;
};

/**
 * struct sdp_rule_table - ordered, immutable snapshot of the mapping table
 * @rcu: frees the table (not its rules) after a grace period
 * @gen: generation: differs from that of every other table this namespace
 *	published lately, never 0 (dumps compare it across their parts)
 * @count: number of rules
 * @rules: the rules in match order
 *
 * Copy-on-write: every change builds a new table (an array of pointers,
 * at most max-rules long, so a copy is cheap next to a netlink round
 * trip), publishes it with rcu_assign_pointer() and frees the old one
 * with kvfree_rcu().  Readers therefore see either the old or the new
 * table as a whole, never a half-done change, and a map-replace is atomic.
 */
struct sdp_rule_table {
	struct rcu_head rcu;
	u32 gen;
	u32 count;
	struct sdp_rule *rules[];
};

/* ---- per network namespace state ---------------------------------------- */

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

/* netlink.c */
extern struct genl_family sdp_nl_family;
int sdp_nl_register(void);
void sdp_nl_unregister(void);

/* Adds the attributes of one object to a message: 0 or -EMSGSIZE. */
typedef int (*sdp_nl_put_t)(struct sk_buff *skb, const void *obj);
void sdp_nl_notify(struct net *net, u8 cmd, size_t size, sdp_nl_put_t put,
		   const void *obj);

/* tunables.c */
void sdp_tunables_setup(void);
void sdp_tunables_init(struct sdp_net *sn);
u64 sdp_tunable_get(const struct sdp_net *sn, enum sdp_tun id);
int sdp_tunable_find(const char *name);
int sdp_tunable_set(struct sdp_net *sn, enum sdp_tun id, u64 value,
		    const struct nlattr *attr, struct netlink_ext_ack *extack);

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

/* rules.c */
int sdp_rules_init(struct sdp_net *sn);
void sdp_rules_exit(struct sdp_net *sn);
bool sdp_rule_program_valid(const char *pattern);
bool sdp_rule_host_bits(const u8 *addr, unsigned int len, unsigned int plen);
bool sdp_rule_same_match(const struct sdp_rule *a, const struct sdp_rule *b);
struct sdp_rule_table *sdp_rules_locked(struct sdp_net *sn);
int sdp_rules_find_id(const struct sdp_rule_table *t, u32 id);
int sdp_rules_find_match(const struct sdp_rule_table *t,
			 const struct sdp_rule *r);
int sdp_rules_find_dup(const struct sdp_rule_table *t, u32 *first,
		       u32 *second);
struct sdp_rule_table *sdp_rules_table_alloc(u32 count);
void sdp_rules_table_free(struct sdp_rule_table *t);
int sdp_rules_insert(struct sdp_net *sn, struct sdp_rule *r, u32 pos);
struct sdp_rule *sdp_rules_remove(struct sdp_net *sn, u32 pos);
u32 sdp_rules_replace(struct sdp_net *sn, struct sdp_rule_table *t);
int sdp_map_lookup(struct net *net, u16 family, const void *addr, u16 port,
		   u32 role, const char *comm, u32 *rule_id);
int sdp_map_query(struct net *net, u16 family, const void *addr, u16 port,
		  u32 role, const char *comm, u32 *rule_id);

/* stats.c */
int sdp_stats_init(struct sdp_stats *st);
void sdp_stats_exit(struct sdp_stats *st);
void sdp_stats_read(struct sdp_stats *st, struct sdp_stats_snap *out);
int sdp_stats_reset(struct sdp_net *sn);

/**
 * sdp_msg_index() - slot of an SDP message id in the msg-counts arrays
 * @mid: message id from the BSDH
 *
 * Return: 0..SDP_MSG_NUM-1, or -1 for an id SDP does not define.
 */
static inline int sdp_msg_index(u8 mid)
{
	if (mid <= SDP_MID_SUSPEND_ACK)
		return mid;
	if (mid >= SDP_MID_SINK_AVAIL)
		return SDP_MID_SUSPEND_ACK + 1 + (mid - SDP_MID_SINK_AVAIL);
	return -1;
}

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

#endif /* _SDP_H */
