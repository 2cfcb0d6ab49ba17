/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdp: statistics (stats.c): per-cpu counters and histograms of a
 * namespace, and their reset.  The data path counts through the
 * sdp_stats_*() helpers of netns.h.
 */
#ifndef _SDP_STATS_H
#define _SDP_STATS_H

#include <linux/atomic.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <asm/local64.h>

#include <linux/sdp.h>

#include "proto.h"

struct sdp_net;

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
	/* One per enum sdp_fallback_reason, in its order (sdp_stats_fallback()). */
	SDP_STAT_FALLBACK_RULE,
	SDP_STAT_FALLBACK_NO_DEVICE,
	SDP_STAT_FALLBACK_ADDRESS,
	SDP_STAT_FALLBACK_ROUTE,
	SDP_STAT_FALLBACK_REJECTED,
	SDP_STAT_FALLBACK_UNREACHABLE,
	SDP_STAT_FALLBACK_TIMEOUT,
	SDP_STAT_FALLBACK_RESOURCES,
	SDP_STAT_AUTOCORKED,
	SDP_STAT_NUM
};

/* Direction of a counted message. */
enum sdp_dir {
	SDP_TX,
	SDP_RX,
	SDP_DIR_NUM
};

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

#endif /* _SDP_STATS_H */
