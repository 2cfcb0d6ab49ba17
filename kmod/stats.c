// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: statistics of a network namespace.
 *
 * Counters are per-cpu and only ever grow (see struct sdp_stats); the
 * increment helpers are inline in sdp.h.  A reset records the current
 * totals as a baseline that reads subtract, which needs no coordination
 * with the CPUs that keep counting.
 */

#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "sdp.h"

/* Add up every CPU's counters into @out (not touching reset_time). */
static void sdp_stats_sum(struct sdp_stats *st, struct sdp_stats_snap *out)
{
	int cpu, d, i, b;

	memset(out->cnt, 0, sizeof(out->cnt));
	memset(out->msg, 0, sizeof(out->msg));
	memset(out->hist, 0, sizeof(out->hist));

	/* Possible, not online: an offlined CPU keeps what it counted. */
	for_each_possible_cpu(cpu) {
		struct sdp_stats_cpu *c = per_cpu_ptr(st->pcpu, cpu);

		for (i = 0; i < SDP_STAT_NUM; i++)
			out->cnt[i] += local64_read(&c->cnt[i]);
		for (d = 0; d < SDP_DIR_NUM; d++)
			for (i = 0; i < SDP_MSG_NUM; i++)
				out->msg[d][i] += local64_read(&c->msg[d][i]);
		for (i = 0; i < SDP_HIST_NUM; i++)
			for (b = 0; b < SDP_HIST_BUCKETS; b++)
				out->hist[i][b] += local64_read(&c->hist[i][b]);
	}
}

/* Counters are monotonic, but a read may race a reset's baseline sum. */
static u64 sdp_stats_delta(u64 now, u64 base)
{
	return now > base ? now - base : 0;
}

/**
 * sdp_stats_read() - counters of a namespace since its last reset
 * @st: the namespace's stats
 * @out: filled with the totals over all CPUs minus the reset baseline,
 *	and the boottime seconds of that reset
 *
 * Lockless; does not sleep.
 */
void sdp_stats_read(struct sdp_stats *st, struct sdp_stats_snap *out)
{
	const struct sdp_stats_snap *base;
	int d, i, b;

	rcu_read_lock();
	base = rcu_dereference(st->base);
	sdp_stats_sum(st, out);
	for (i = 0; i < SDP_STAT_NUM; i++)
		out->cnt[i] = sdp_stats_delta(out->cnt[i], base->cnt[i]);
	for (d = 0; d < SDP_DIR_NUM; d++)
		for (i = 0; i < SDP_MSG_NUM; i++)
			out->msg[d][i] = sdp_stats_delta(out->msg[d][i],
							 base->msg[d][i]);
	for (i = 0; i < SDP_HIST_NUM; i++)
		for (b = 0; b < SDP_HIST_BUCKETS; b++)
			out->hist[i][b] = sdp_stats_delta(out->hist[i][b],
							  base->hist[i][b]);
	out->reset_time = base->reset_time;
	rcu_read_unlock();
}

/**
 * sdp_stats_reset() - start the counters of a namespace from zero again
 * @sn: the namespace state; sdp_net.lock held (it orders resets)
 *
 * The conn-current gauge is left alone.
 *
 * Return: 0 or -ENOMEM.
 */
int sdp_stats_reset(struct sdp_net *sn)
{
	struct sdp_stats *st = &sn->stats;
	struct sdp_stats_snap *base, *old;

	base = kmalloc(sizeof(*base), GFP_KERNEL);
	if (!base)
		return -ENOMEM;
	sdp_stats_sum(st, base);
	base->reset_time = ktime_get_boottime_seconds();

	old = rcu_replace_pointer(st->base, base, lockdep_is_held(&sn->lock));
	kfree_rcu(old, rcu);
	return 0;
}

/**
 * sdp_stats_init() - set up the counters of a new namespace
 * @st: the namespace's stats
 *
 * Return: 0 or -ENOMEM.
 */
int sdp_stats_init(struct sdp_stats *st)
{
	struct sdp_stats_snap *base;

	/* alloc_percpu() zeroes, and a zero local64_t is a 0 counter. */
	st->pcpu = alloc_percpu(struct sdp_stats_cpu);
	if (!st->pcpu)
		return -ENOMEM;
	base = kzalloc(sizeof(*base), GFP_KERNEL);
	if (!base) {
		free_percpu(st->pcpu);
		st->pcpu = NULL;
		return -ENOMEM;
	}
	base->reset_time = ktime_get_boottime_seconds();
	RCU_INIT_POINTER(st->base, base);
	atomic64_set(&st->conn_current, 0);
	return 0;
}

/**
 * sdp_stats_exit() - free the counters of a namespace going away
 * @st: the namespace's stats
 *
 * Runs from the pernet exit, when nothing can count or read any more.
 */
void sdp_stats_exit(struct sdp_stats *st)
{
	kfree(rcu_dereference_protected(st->base, true));
	RCU_INIT_POINTER(st->base, NULL);
	free_percpu(st->pcpu);
	st->pcpu = NULL;
}
