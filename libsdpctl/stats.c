// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The stats object: one stats-get reply, read by the spec's names.  Its
 * layout is private, so counters added to the spec change no ABI.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "internal.h"
#include "spec-names.h"

#define N_COUNTERS	ARRAY_SIZE(spec_stats_counters)
#define N_MSG_TYPES	ARRAY_SIZE(spec_msg_type_names)
#define N_HISTS		(ARRAY_SIZE(spec_hist_names) - 1)
/* Bucket 0 counts the value 0, bucket n [2^(n-1), 2^n): 65 cover u64. */
#define HIST_BUCKETS	65

struct stats_hist {
	unsigned int n_buckets;
	uint64_t buckets[HIST_BUCKETS];
};

struct sdpctl_stats {
	uint64_t counter[N_COUNTERS];	/* spec_stats_counters order */
	bool sent[N_COUNTERS];
	uint64_t reset_time;
	bool has_reset_time;
	uint64_t msgs[2][N_MSG_TYPES];	/* [enum sdpctl_dir][type] */
	struct stats_hist hist[N_HISTS];	/* [hist id - 1] */
};

static int parse_msg_counts(struct nlattr *nest, uint64_t *counts)
{
	struct nlattr *a;
	int rem;

	/* Types the library does not know yet are skipped. */
	nla_for_each_nested(a, nest, rem) {
		unsigned int t = nla_type(a) - SDP_A_MSG_COUNTS_HELLO;

		if (nla_type(a) < SDP_A_MSG_COUNTS_HELLO || t >= N_MSG_TYPES)
			continue;
		if (nla_len(a) < (int)sizeof(uint64_t))
			return -EBADMSG;
		counts[t] = nla_get_u64(a);
	}
	return 0;
}

static int parse_hist(struct nlattr *nest, struct sdpctl_stats *st)
{
	struct stats_hist hist = { 0 };
	struct nlattr *a;
	uint32_t id = 0;
	int rem;

	/* The id may come before or after the repeated bucket attributes. */
	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case SDP_A_HISTOGRAM_ID:
			if (nla_len(a) < (int)sizeof(uint32_t))
				return -EBADMSG;
			id = nla_get_u32(a);
			break;
		case SDP_A_HISTOGRAM_BUCKET:
			if (nla_len(a) < (int)sizeof(uint64_t))
				return -EBADMSG;
			/* Buckets past 2^64 cannot exist; ignore rather than fail. */
			if (hist.n_buckets < HIST_BUCKETS)
				hist.buckets[hist.n_buckets++] =
					nla_get_u64(a);
			break;
		}
	}
	if (id >= 1 && id <= N_HISTS)
		st->hist[id - 1] = hist;
	return 0;
}

/* A scalar counter; the walk is by hand as hist repeats. */
static int parse_counter(struct nlattr *a, struct sdpctl_stats *st)
{
	size_t i;

	for (i = 0; i < N_COUNTERS; i++) {
		if (spec_stats_counters[i].attr != nla_type(a))
			continue;
		if (nla_len(a) < (int)sizeof(uint64_t))
			return -EBADMSG;
		st->counter[i] = nla_get_u64(a);
		st->sent[i] = true;
	}
	return 0;
}

static int parse_stats_attrs(struct nlmsghdr *nlh, struct sdpctl_stats *st)
{
	struct genlmsghdr *ghdr;
	struct nlattr *a;
	int rem, err;

	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	ghdr = nlmsg_data(nlh);
	nla_for_each_attr(a, genlmsg_attrdata(ghdr, 0), genlmsg_attrlen(ghdr, 0),
			  rem) {
		switch (nla_type(a)) {
		case SDP_A_STATS_TX_MSGS:
			err = parse_msg_counts(a, st->msgs[SDPCTL_TX]);
			break;
		case SDP_A_STATS_RX_MSGS:
			err = parse_msg_counts(a, st->msgs[SDPCTL_RX]);
			break;
		case SDP_A_STATS_HIST:
			err = parse_hist(a, st);
			break;
		case SDP_A_STATS_RESET_TIME:
			if (nla_len(a) < (int)sizeof(uint64_t))
				return -EBADMSG;
			st->reset_time = nla_get_u64(a);
			st->has_reset_time = true;
			err = 0;
			break;
		default:
			err = parse_counter(a, st);
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

int sdpctl_parse_stats(struct nlmsghdr *nlh, struct sdpctl_stats **out)
{
	struct sdpctl_stats *st = calloc(1, sizeof(*st));
	int err;

	if (!st)
		return -ENOMEM;
	err = parse_stats_attrs(nlh, st);
	if (err) {
		free(st);
		return err;
	}
	/* A second reply (there is none today) replaces the first. */
	free(*out);
	*out = st;
	return 0;
}

void sdpctl_stats_free(struct sdpctl_stats *st)
{
	free(st);
}

const char *sdpctl_stats_counter(const struct sdpctl_stats *st, unsigned int i,
				 uint64_t *value)
{
	size_t c;

	for (c = 0; c < N_COUNTERS; c++) {
		if (!st->sent[c] || i--)
			continue;
		*value = st->counter[c];
		return spec_stats_counters[c].name;
	}
	return NULL;
}

int sdpctl_stats_value(const struct sdpctl_stats *st, const char *name,
		       uint64_t *value)
{
	size_t c;

	for (c = 0; c < N_COUNTERS; c++) {
		if (st->sent[c] && !strcmp(spec_stats_counters[c].name, name)) {
			*value = st->counter[c];
			return 0;
		}
	}
	return -ENOENT;
}

int sdpctl_stats_reset_time(const struct sdpctl_stats *st, uint64_t *secs)
{
	if (!st->has_reset_time)
		return -ENOENT;
	*secs = st->reset_time;
	return 0;
}

uint64_t sdpctl_stats_msgs(const struct sdpctl_stats *st, enum sdpctl_dir dir,
			   unsigned int type)
{
	if ((dir != SDPCTL_TX && dir != SDPCTL_RX) || type >= N_MSG_TYPES)
		return 0;
	return st->msgs[dir][type];
}

const uint64_t *sdpctl_stats_hist(const struct sdpctl_stats *st,
				  uint32_t hist_id, unsigned int *n_buckets)
{
	if (hist_id < 1 || hist_id > N_HISTS)
		return NULL;
	*n_buckets = st->hist[hist_id - 1].n_buckets;
	return st->hist[hist_id - 1].buckets;
}
