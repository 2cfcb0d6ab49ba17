// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: the "sdp" generic netlink family, as docs/netlink/specs/sdp.yaml
 * describes it.
 *
 * Every request acts on the caller's network namespace.  Reads are open
 * to everyone; changes need CAP_NET_ADMIN over the namespace
 * (GENL_UNS_ADMIN_PERM).  Each command has its own strict policy, so
 * attributes a command does not take are refused by the core.  The
 * policies and the ops table are generated from the spec into
 * netlink-gen.c (make uapi); the handlers here check what a policy cannot
 * say (required attributes, checks across attributes).  Changes
 * are made under sdp_net.lock, which is also held while the matching
 * notification goes to the "events" group of the same namespace, so that
 * listeners see events in the order the changes were made.  The family
 * runs with parallel_ops: requests from different namespaces (and reads
 * within one) do not wait for each other.
 */

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/slab.h>
#include <linux/sock_diag.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "sdp.h"
#include "sock.h"
#include "diag.h"
#include "netlink-gen.h"

/*
 * The map requests have attribute sets of their own in the spec, for their
 * rule nests' policies, with the values of the map set's.
 */
static_assert(SDP_A_MAP_RULE == (int)SDP_A_MAP_ADD_RULE &&
	      SDP_A_MAP_RULE == (int)SDP_A_MAP_DEL_RULE &&
	      SDP_A_MAP_RULE == (int)SDP_A_MAP_GET_RULE &&
	      SDP_A_MAP_RULE == (int)SDP_A_MAP_REPLACE_RULE &&
	      SDP_A_MAP_COUNT == (int)SDP_A_MAP_REPLACE_COUNT);

/* The same table as netlink-gen.c's, which a legacy family cannot use. */
static const struct genl_multicast_group sdp_nl_mcgrps[] = {
	[SDP_NLGRP_EVENTS] = { .name = SDP_MCGRP_EVENTS, },
};

/* ---- helpers -------------------------------------------------------------- */

/*
 * Addresses are 4 or 16 bytes.  The generator (ynl-gen-c of 6.12) cannot
 * put a length range on a binary attribute, so the generated policies take
 * any length; the range the policy used to check is checked here, first
 * thing in a handler, with the errno and message the core gives.  The
 * length the family needs is checked later, as before.
 */
static int sdp_nl_addr_range(const struct nlattr *head, int len, int type,
			     struct netlink_ext_ack *extack)
{
	const struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, head, len, rem) {
		if (nla_type(nla) != type)
			continue;
		if (nla_len(nla) < 4 || nla_len(nla) > SDP_ADDR_MAX_LEN) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "binary attribute size out of range");
			return -ERANGE;
		}
	}
	return 0;
}

/* The same for the addr of every rule nest of a map request. */
static int sdp_nl_rule_addr_range(struct genl_info *info)
{
	const struct nlattr *nla;
	int rem, err;

	nla_for_each_attr(nla, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(nla) != SDP_A_MAP_RULE)
			continue;
		err = sdp_nl_addr_range(nla_data(nla), nla_len(nla),
					SDP_A_RULE_ADDR, info->extack);
		if (err)
			return err;
	}
	return 0;
}

/* The single rule nest of a map-add, map-del or map-get request. */
static struct nlattr *sdp_nl_one_rule(struct genl_info *info)
{
	struct nlattr *nla, *rule = NULL;
	int rem, err;

	err = sdp_nl_rule_addr_range(info);
	if (err)
		return ERR_PTR(err);
	if (GENL_REQ_ATTR_CHECK(info, SDP_A_MAP_RULE))
		return ERR_PTR(-EINVAL);
	nla_for_each_attr(nla, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(nla) != SDP_A_MAP_RULE)
			continue;
		if (rule) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "only one rule allowed in this request");
			return ERR_PTR(-EINVAL);
		}
		rule = nla;
	}
	return rule;
}

/* The @n-th (0-based) rule nest of a map-replace request. */
static struct nlattr *sdp_nl_nth_rule(struct genl_info *info, u32 n)
{
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem)
		if (nla_type(nla) == SDP_A_MAP_RULE && !n--)
			return nla;
	return NULL;
}

/* ---- building messages ---------------------------------------------------- */

/**
 * struct sdp_nl_dest - where a message goes
 * @portid: the requester, 0 for a notification
 * @seq: the request's sequence number, 0 for a notification
 * @flags: NLM_F_MULTI for a dump part
 * @cmd: the command of the message
 * @cb: a dump: its messages are flagged if what it lists changed between
 *	parts (nl_dump_check_consistent())
 */
struct sdp_nl_dest {
	u32 portid;
	u32 seq;
	int flags;
	u8 cmd;
	struct netlink_callback *cb;
};

static struct sdp_nl_dest sdp_nl_reply_dest(const struct genl_info *info)
{
	return (struct sdp_nl_dest){
		.portid = info->snd_portid,
		.seq = info->snd_seq,
		.cmd = info->genlhdr->cmd,
	};
}

/* A dump's parts answer with the command of its request. */
static struct sdp_nl_dest sdp_nl_dump_dest(struct netlink_callback *cb)
{
	const struct genlmsghdr *ghdr = nlmsg_data(cb->nlh);

	return (struct sdp_nl_dest){
		.portid = NETLINK_CB(cb->skb).portid,
		.seq = cb->nlh->nlmsg_seq,
		.flags = NLM_F_MULTI,
		.cmd = ghdr->cmd,
		.cb = cb,
	};
}

/*
 * Every message is built the same way: a header for @d, then @put adds
 * the attributes of @obj (none if @put is NULL); a message that does not
 * fit is cancelled as a whole.
 */
static int sdp_nl_fill(struct sk_buff *skb, const struct sdp_nl_dest *d,
		       sdp_nl_put_t put, const void *obj)
{
	void *hdr;

	hdr = genlmsg_put(skb, d->portid, d->seq, &sdp_nl_family, d->flags,
			  d->cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (d->cb)
		nl_dump_check_consistent(d->cb, genlmsg_nlhdr(hdr));
	if (put && put(skb, obj)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* A reply of @size payload bytes to @info. */
static int sdp_nl_reply(struct genl_info *info, size_t size, sdp_nl_put_t put,
			const void *obj)
{
	struct sdp_nl_dest d = sdp_nl_reply_dest(info);
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = sdp_nl_fill(msg, &d, put, obj);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * The reply to a change already made, in @reply allocated beforehand for
 * exactly this (so it cannot fail: the change stands either way).
 */
static int sdp_nl_reply_made(struct sk_buff *reply, struct genl_info *info,
			     sdp_nl_put_t put, const void *obj)
{
	struct sdp_nl_dest d = sdp_nl_reply_dest(info);

	if (WARN_ON_ONCE(sdp_nl_fill(reply, &d, put, obj))) {
		nlmsg_free(reply);
		return 0;
	}
	return genlmsg_reply(reply, info);
}

/*
 * The end of a dump part: with messages in it, come back for the rest;
 * otherwise done (0) or a real error (a single message too big for an
 * empty part).
 */
static int sdp_nl_dump_end(struct sk_buff *skb, int err)
{
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/**
 * sdp_nl_notify() - send a notification to the "events" group of @net
 * @net: the network namespace
 * @cmd: the notification
 * @size: payload bytes it needs
 * @put: adds the attributes of @obj, or NULL for none
 * @obj: what the notification is about
 *
 * Process context.  Notifications are built after the change is made
 * and cannot undo it: if the (small) allocation fails the event is lost,
 * as any netlink multicast can be lost when a listener's queue is full.
 */
void sdp_nl_notify(struct net *net, u8 cmd, size_t size, sdp_nl_put_t put,
		   const void *obj)
{
	struct sdp_nl_dest d = { .cmd = cmd };
	struct sk_buff *msg;

	might_sleep();
	if (!genl_has_listeners(&sdp_nl_family, net, SDP_NLGRP_EVENTS))
		return;
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return;
	if (sdp_nl_fill(msg, &d, put, obj)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&sdp_nl_family, net, msg, 0, SDP_NLGRP_EVENTS,
				GFP_KERNEL);
}

/* ---- info ----------------------------------------------------------------- */

static int sdp_nl_put_info(struct sk_buff *skb, const void *unused)
{
	if (nla_put_string(skb, SDP_A_INFO_VERSION, SDP_VERSION) ||
	    nla_put_u32(skb, SDP_A_INFO_AF_INET_SDP, SDP_AF_INET_SDP) ||
	    nla_put_u32(skb, SDP_A_INFO_PROTO_VERSION, SDP_PROTO_VERSION) ||
	    nla_put_u32(skb, SDP_A_INFO_FEATURES,
			SDP_FEATURE_MAP | SDP_FEATURE_STATS |
			SDP_FEATURE_TUNE | SDP_FEATURE_EVENTS |
			SDP_FEATURE_IPV6 | SDP_FEATURE_STREAM |
			SDP_FEATURE_CONNS | SDP_FEATURE_INET))
		return -EMSGSIZE;
	return 0;
}

int sdp_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return sdp_nl_reply(info, nla_total_size(sizeof(SDP_VERSION)) +
			    3 * nla_total_size(sizeof(u32)),
			    sdp_nl_put_info, NULL);
}

/* ---- stats ---------------------------------------------------------------- */

static const u16 sdp_stat_attrs[SDP_STAT_NUM] = {
	[SDP_STAT_CONN_ACTIVE_OPENS] = SDP_A_STATS_CONN_ACTIVE_OPENS,
	[SDP_STAT_CONN_PASSIVE_OPENS] = SDP_A_STATS_CONN_PASSIVE_OPENS,
	[SDP_STAT_CONN_ESTABLISHED] = SDP_A_STATS_CONN_ESTABLISHED,
	[SDP_STAT_CONN_REFUSED] = SDP_A_STATS_CONN_REFUSED,
	[SDP_STAT_CONN_FAILED] = SDP_A_STATS_CONN_FAILED,
	[SDP_STAT_CONN_ABORTED] = SDP_A_STATS_CONN_ABORTED,
	[SDP_STAT_TX_BYTES] = SDP_A_STATS_TX_BYTES,
	[SDP_STAT_RX_BYTES] = SDP_A_STATS_RX_BYTES,
	[SDP_STAT_CREDIT_STALLS] = SDP_A_STATS_CREDIT_STALLS,
	[SDP_STAT_CREDIT_UPDATES] = SDP_A_STATS_CREDIT_UPDATES,
	[SDP_STAT_ZCOPY_TX] = SDP_A_STATS_ZCOPY_TX,
	[SDP_STAT_ZCOPY_RX] = SDP_A_STATS_ZCOPY_RX,
	[SDP_STAT_FALLBACK_TCP] = SDP_A_STATS_FALLBACK_TCP,
	[SDP_STAT_PROTO_ERRORS] = SDP_A_STATS_PROTO_ERRORS,
	[SDP_STAT_MAP_LOOKUPS] = SDP_A_STATS_MAP_LOOKUPS,
	[SDP_STAT_MEM_REFUSED] = SDP_A_STATS_MEM_REFUSED,
	[SDP_STAT_HALF_OPEN_EXPIRED] = SDP_A_STATS_HALF_OPEN_EXPIRED,
	[SDP_STAT_LOCAL_QP_ERRORS] = SDP_A_STATS_LOCAL_QP_ERRORS,
	[SDP_STAT_FALLBACK_RULE] = SDP_A_STATS_FALLBACK_RULE,
	[SDP_STAT_FALLBACK_NO_DEVICE] = SDP_A_STATS_FALLBACK_NO_DEVICE,
	[SDP_STAT_FALLBACK_ADDRESS] = SDP_A_STATS_FALLBACK_ADDRESS,
	[SDP_STAT_FALLBACK_ROUTE] = SDP_A_STATS_FALLBACK_ROUTE,
	[SDP_STAT_FALLBACK_REJECTED] = SDP_A_STATS_FALLBACK_REJECTED,
	[SDP_STAT_FALLBACK_UNREACHABLE] = SDP_A_STATS_FALLBACK_UNREACHABLE,
	[SDP_STAT_FALLBACK_TIMEOUT] = SDP_A_STATS_FALLBACK_TIMEOUT,
	[SDP_STAT_FALLBACK_RESOURCES] = SDP_A_STATS_FALLBACK_RESOURCES,
	[SDP_STAT_AUTOCORKED] = SDP_A_STATS_AUTOCORKED,
};

static size_t sdp_nl_stats_size(void)
{
	size_t u64sz = nla_total_size_64bit(sizeof(u64));

	return (SDP_STAT_NUM + 2) * u64sz +	/* + conn-current, reset-time */
	       SDP_DIR_NUM * (nla_total_size(0) + SDP_MSG_NUM * u64sz) +
	       SDP_HIST_NUM * (nla_total_size(0) +
			       nla_total_size(sizeof(u32)) +
			       SDP_HIST_BUCKETS * u64sz);
}

static int sdp_nl_put_msgs(struct sk_buff *skb, int type, const u64 *msg)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	/* msg-counts attributes follow the message ids in sdp_msg_index() order. */
	for (i = 0; i < SDP_MSG_NUM; i++)
		if (nla_put_u64_64bit(skb, SDP_A_MSG_COUNTS_HELLO + i, msg[i],
				      SDP_A_MSG_COUNTS_PAD))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int sdp_nl_put_hist(struct sk_buff *skb, u32 id, const u64 *bucket)
{
	unsigned int n = SDP_HIST_BUCKETS, b;
	struct nlattr *nest;

	/* Trailing empty buckets are left out, as the spec says. */
	while (n && !bucket[n - 1])
		n--;

	nest = nla_nest_start(skb, SDP_A_STATS_HIST);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SDP_A_HISTOGRAM_ID, id))
		goto cancel;
	for (b = 0; b < n; b++)
		if (nla_put_u64_64bit(skb, SDP_A_HISTOGRAM_BUCKET, bucket[b],
				      SDP_A_HISTOGRAM_PAD))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* A reading: the counters since the last reset, and the gauge. */
struct sdp_nl_stats {
	const struct sdp_stats_snap *snap;
	s64 conn_current;
};

static int sdp_nl_put_stats(struct sk_buff *skb, const void *obj)
{
	const struct sdp_nl_stats *st = obj;
	const struct sdp_stats_snap *s = st->snap;
	time64_t age = ktime_get_boottime_seconds() - s->reset_time;
	int i;

	for (i = 0; i < SDP_STAT_NUM; i++)
		if (nla_put_u64_64bit(skb, sdp_stat_attrs[i], s->cnt[i],
				      SDP_A_STATS_PAD))
			return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, SDP_A_STATS_CONN_CURRENT,
			      max_t(s64, st->conn_current, 0), SDP_A_STATS_PAD) ||
	    sdp_nl_put_msgs(skb, SDP_A_STATS_TX_MSGS, s->msg[SDP_TX]) ||
	    sdp_nl_put_msgs(skb, SDP_A_STATS_RX_MSGS, s->msg[SDP_RX]))
		return -EMSGSIZE;
	for (i = 0; i < SDP_HIST_NUM; i++)
		if (sdp_nl_put_hist(skb, i + 1, s->hist[i]))
			return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, SDP_A_STATS_RESET_TIME, max_t(s64, age, 0),
			      SDP_A_STATS_PAD))
		return -EMSGSIZE;
	return 0;
}

int sdp_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sdp_net *sn = sdp_net(genl_info_net(info));
	struct sdp_nl_stats st;
	struct sdp_stats_snap *snap;
	int err;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	sdp_stats_read(&sn->stats, snap);
	st.snap = snap;
	st.conn_current = atomic64_read(&sn->stats.conn_current);
	err = sdp_nl_reply(info, sdp_nl_stats_size(), sdp_nl_put_stats, &st);
	kfree(snap);
	return err;
}

int sdp_nl_stats_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sdp_net *sn = sdp_net(net);
	int err;

	mutex_lock(&sn->lock);
	err = sdp_stats_reset(sn);
	if (!err) {
		sdp_nl_notify(net, SDP_CMD_STATS_RESET_NTF, 0, NULL, NULL);
		sdp_dbg(net, 1, "statistics reset\n");
	}
	mutex_unlock(&sn->lock);
	return err;
}

/* ---- mapping rules -------------------------------------------------------- */

/**
 * sdp_nl_rule_parse() - fill and validate a rule from its attributes
 * @r: the rule; must be zeroed (the match fields are compared and hashed
 *	as bytes, so unused address and program bytes must stay 0)
 * @tb: attributes of the rule nest, parsed with one of the rule policies
 * @nest: the rule nest itself, for error reports
 * @extack: error report
 *
 * Applies defaults (any address, all ports, both roles, every program)
 * and checks everything the policy cannot: family-dependent lengths,
 * host bits beyond the prefix, port order and the pattern syntax.  Id,
 * position and hits are left to the caller.
 *
 * The messages say what is wrong, not where: the attribute they point at
 * (or the one NL_REQ_ATTR_CHECK() reports missing) names the rule and
 * its attribute, by index in a map-replace, as libsdpctl shows them.
 *
 * Return: 0 or -EINVAL with @extack set.
 */
static int sdp_nl_rule_parse(struct sdp_rule *r, struct nlattr **tb,
			     const struct nlattr *nest,
			     struct netlink_ext_ack *extack)
{
	struct sdp_rule_match *m = &r->match;
	const struct nlattr *a;
	unsigned int alen;

	/* No family: both, and then no address (see sdp_rule_matches()). */
	a = tb[SDP_A_RULE_FAMILY];
	m->family = a ? nla_get_u16(a) : AF_UNSPEC;
	if (m->family != AF_UNSPEC && m->family != AF_INET &&
	    m->family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, tb[SDP_A_RULE_FAMILY],
					"family %u is not AF_UNSPEC (0), AF_INET (2) or AF_INET6 (10)",
					m->family);
		return -EINVAL;
	}
	alen = m->family == AF_INET ? 4 : 16;

	if (NL_REQ_ATTR_CHECK(extack, nest, tb, SDP_A_RULE_ACTION))
		return -EINVAL;
	r->action = nla_get_u32(tb[SDP_A_RULE_ACTION]);

	a = tb[SDP_A_RULE_PREFIX_LEN];
	if (a) {
		m->prefix_len = nla_get_u8(a);
		if (m->prefix_len > alen * 8) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, a,
						"prefix-len %u exceeds %u bits of an %s address",
						m->prefix_len, alen * 8,
						m->family == AF_INET ? "inet" : "inet6");
			return -EINVAL;
		}
	}

	a = tb[SDP_A_RULE_ADDR];
	if (a && m->family == AF_UNSPEC) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "addr given without family (AF_INET or AF_INET6)");
		return -EINVAL;
	}
	if (a) {
		if (nla_len(a) != alen) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, a,
						"addr has %d bytes, %s needs %u",
						nla_len(a),
						m->family == AF_INET ? "AF_INET" : "AF_INET6",
						alen);
			return -EINVAL;
		}
		memcpy(m->addr, nla_data(a), alen);
		if (!tb[SDP_A_RULE_PREFIX_LEN])
			m->prefix_len = alen * 8;
		/*
		 * Like ip route: 10.1.2.3/8 is refused rather than silently
		 * widened, since the user may well have meant /32.
		 */
		if (sdp_rule_host_bits(m->addr, alen, m->prefix_len)) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, a,
						"addr has bits set beyond prefix-len %u",
						m->prefix_len);
			return -EINVAL;
		}
	} else if (m->prefix_len) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, tb[SDP_A_RULE_PREFIX_LEN],
					"prefix-len %u given without addr",
					m->prefix_len);
		return -EINVAL;
	}
	/* addr/0 and no addr are the same rule: stored as prefix-len 0. */

	m->port_min = 0;
	m->port_max = U16_MAX;
	if (tb[SDP_A_RULE_PORT_MIN]) {
		m->port_min = nla_get_u16(tb[SDP_A_RULE_PORT_MIN]);
		m->port_max = m->port_min;
		if (tb[SDP_A_RULE_PORT_MAX])
			m->port_max = nla_get_u16(tb[SDP_A_RULE_PORT_MAX]);
		if (m->port_min > m->port_max) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, tb[SDP_A_RULE_PORT_MAX],
						"port-min %u is above port-max %u",
						m->port_min, m->port_max);
			return -EINVAL;
		}
	} else if (tb[SDP_A_RULE_PORT_MAX]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SDP_A_RULE_PORT_MAX],
				    "port-max given without port-min");
		return -EINVAL;
	}

	/* The policies admit only 1..3: listen, connect or both. */
	m->role = SDP_ROLE_LISTEN | SDP_ROLE_CONNECT;
	if (tb[SDP_A_RULE_ROLE])
		m->role = nla_get_u32(tb[SDP_A_RULE_ROLE]);

	a = tb[SDP_A_RULE_PROGRAM];
	if (a) {
		/* NLA_NUL_STRING: NUL-terminated within max-len + 1 bytes. */
		strscpy_pad(m->program, nla_data(a), sizeof(m->program));
		if (!m->program[0]) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "program is empty (omit it to match every program)");
			return -EINVAL;
		}
		if (!sdp_rule_program_valid(m->program)) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, a,
						"program '%s' is not a valid pattern",
						m->program);
			return -EINVAL;
		}
	}
	return 0;
}

static size_t sdp_nl_rule_size(void)
{
	return nla_total_size(0) +			/* rule nest */
	       4 * nla_total_size(sizeof(u32)) +	/* id position role action */
	       3 * nla_total_size(sizeof(u16)) +	/* family port-min port-max */
	       nla_total_size(SDP_ADDR_MAX_LEN) +
	       nla_total_size(sizeof(u8)) +		/* prefix-len */
	       nla_total_size(SDP_PROGRAM_MAX_LEN + 1) +
	       nla_total_size_64bit(sizeof(u64));	/* hits */
}

/* A rule and where it is in the table. */
struct sdp_nl_rule_at {
	const struct sdp_rule *rule;
	u32 pos;
};

static int sdp_nl_put_rule(struct sk_buff *skb, const void *obj)
{
	const struct sdp_nl_rule_at *at = obj;
	const struct sdp_rule *r = at->rule;
	const struct sdp_rule_match *m = &r->match;
	u32 pos = at->pos;
	struct nlattr *nest;

	nest = nla_nest_start(skb, SDP_A_MAP_RULE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SDP_A_RULE_ID, r->id) ||
	    nla_put_u32(skb, SDP_A_RULE_POSITION, pos) ||
	    nla_put_u16(skb, SDP_A_RULE_FAMILY, m->family) ||
	    /* Any-address rules carry no addr, only prefix-len 0. */
	    (m->prefix_len &&
	     nla_put(skb, SDP_A_RULE_ADDR, m->family == AF_INET ? 4 : 16,
		     m->addr)) ||
	    nla_put_u8(skb, SDP_A_RULE_PREFIX_LEN, m->prefix_len) ||
	    nla_put_u16(skb, SDP_A_RULE_PORT_MIN, m->port_min) ||
	    nla_put_u16(skb, SDP_A_RULE_PORT_MAX, m->port_max) ||
	    nla_put_u32(skb, SDP_A_RULE_ROLE, m->role) ||
	    (m->program[0] &&
	     nla_put_string(skb, SDP_A_RULE_PROGRAM, m->program)) ||
	    nla_put_u32(skb, SDP_A_RULE_ACTION, r->action) ||
	    nla_put_u64_64bit(skb, SDP_A_RULE_HITS, atomic64_read(&r->hits),
			      SDP_A_RULE_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* map-flush / map-replace replies and notifications: a count. */
#define SDP_NL_COUNT_SIZE	nla_total_size(sizeof(u32))

static int sdp_nl_put_count(struct sk_buff *skb, const void *obj)
{
	return nla_put_u32(skb, SDP_A_MAP_COUNT, *(const u32 *)obj);
}

static struct sk_buff *sdp_nl_count_new(void)
{
	return genlmsg_new(SDP_NL_COUNT_SIZE, GFP_KERNEL);
}

int sdp_nl_map_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ARRAY_SIZE(sdp_rule_add_nl_policy)];
	struct netlink_ext_ack *extack = info->extack;
	struct net *net = genl_info_net(info);
	struct sdp_net *sn = sdp_net(net);
	struct sdp_nl_rule_at at;
	struct sdp_rule_table *t;
	struct sk_buff *reply;
	struct nlattr *nest;
	struct sdp_rule *r;
	u64 max_rules;
	int dup, err;
	u32 pos;

	nest = sdp_nl_one_rule(info);
	if (IS_ERR(nest))
		return PTR_ERR(nest);
	err = nla_parse_nested(tb, ARRAY_SIZE(tb) - 1, nest,
			       sdp_rule_add_nl_policy, extack);
	if (err)
		return err;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	err = sdp_nl_rule_parse(r, tb, nest, extack);
	if (err)
		goto err_free_rule;
	reply = genlmsg_new(sdp_nl_rule_size(), GFP_KERNEL);
	if (!reply) {
		err = -ENOMEM;
		goto err_free_rule;
	}

	mutex_lock(&sn->lock);
	t = sdp_rules_locked(sn);
	pos = t->count;
	if (tb[SDP_A_RULE_POSITION]) {
		pos = nla_get_u32(tb[SDP_A_RULE_POSITION]);
		if (pos > t->count) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, tb[SDP_A_RULE_POSITION],
						"position %u is past the end of the table (%u rules)",
						pos, t->count);
			err = -EINVAL;
			goto err_unlock;
		}
	}
	dup = sdp_rules_find_match(t, r);
	if (dup >= 0) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, nest,
					"duplicate rule (same as id %u)",
					t->rules[dup]->id);
		err = -EEXIST;
		goto err_unlock;
	}
	max_rules = READ_ONCE(sn->tun[SDP_TUN_MAX_RULES]);
	if (t->count >= max_rules) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, nest,
					"rule table full (max-rules %llu)",
					max_rules);
		err = -ENOSPC;
		goto err_unlock;
	}
	err = sdp_rules_insert(sn, r, pos);
	if (err)
		goto err_unlock;

	/* @r is in the table; it cannot go away before the unlock. */
	at.rule = r;
	at.pos = pos;
	sdp_nl_notify(net, SDP_CMD_MAP_ADD_NTF, sdp_nl_rule_size(),
		      sdp_nl_put_rule, &at);
	sdp_dbg(net, 1, "rule %u added at position %u\n", r->id, pos);
	/* Sized for any rule, so this cannot fail; the rule is in anyway. */
	err = sdp_nl_reply_made(reply, info, sdp_nl_put_rule, &at);
	mutex_unlock(&sn->lock);
	return err;

err_unlock:
	mutex_unlock(&sn->lock);
	nlmsg_free(reply);
err_free_rule:
	kfree(r);
	return err;
}

int sdp_nl_map_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ARRAY_SIZE(sdp_rule_del_nl_policy)];
	struct netlink_ext_ack *extack = info->extack;
	struct net *net = genl_info_net(info);
	struct sdp_net *sn = sdp_net(net);
	struct sdp_rule key = {};
	struct sdp_nl_rule_at at;
	struct sdp_rule_table *t;
	struct nlattr *nest;
	struct sdp_rule *r;
	int pos, err;

	nest = sdp_nl_one_rule(info);
	if (IS_ERR(nest))
		return PTR_ERR(nest);
	err = nla_parse_nested(tb, ARRAY_SIZE(tb) - 1, nest,
			       sdp_rule_del_nl_policy, extack);
	if (err)
		return err;
	/* By id if one is given; the other attributes then do not count. */
	if (!tb[SDP_A_RULE_ID]) {
		err = sdp_nl_rule_parse(&key, tb, nest, extack);
		if (err)
			return err;
	}

	mutex_lock(&sn->lock);
	t = sdp_rules_locked(sn);
	if (tb[SDP_A_RULE_ID]) {
		u32 id = nla_get_u32(tb[SDP_A_RULE_ID]);

		pos = sdp_rules_find_id(t, id);
		if (pos < 0) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, tb[SDP_A_RULE_ID],
						"no rule with id %u", id);
			err = -ENOENT;
			goto unlock;
		}
	} else {
		pos = sdp_rules_find_match(t, &key);
		if (pos < 0) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "no rule matches the rule given");
			err = -ENOENT;
			goto unlock;
		}
		if (t->rules[pos]->action != key.action) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, tb[SDP_A_RULE_ACTION],
						"rule id %u matches but has action %u, not %u",
						t->rules[pos]->id,
						t->rules[pos]->action,
						key.action);
			err = -ENOENT;
			goto unlock;
		}
	}

	r = sdp_rules_remove(sn, pos);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto unlock;
	}
	at.rule = r;
	at.pos = pos;
	sdp_nl_notify(net, SDP_CMD_MAP_DEL_NTF, sdp_nl_rule_size(),
		      sdp_nl_put_rule, &at);
	sdp_dbg(net, 1, "rule %u deleted from position %d\n", r->id, pos);
	/* Lookups that started before the removal may still be using it. */
	kfree_rcu(r, rcu);
unlock:
	mutex_unlock(&sn->lock);
	return err;
}

int sdp_nl_map_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ARRAY_SIZE(sdp_rule_get_nl_policy)];
	struct netlink_ext_ack *extack = info->extack;
	struct sdp_net *sn = sdp_net(genl_info_net(info));
	const struct sdp_rule_table *t;
	struct sdp_nl_rule_at at;
	struct sk_buff *reply;
	struct nlattr *nest;
	int pos, err;
	u32 id;

	nest = sdp_nl_one_rule(info);
	if (IS_ERR(nest))
		return PTR_ERR(nest);
	err = nla_parse_nested(tb, ARRAY_SIZE(tb) - 1, nest,
			       sdp_rule_get_nl_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, SDP_A_RULE_ID))
		return -EINVAL;
	id = nla_get_u32(tb[SDP_A_RULE_ID]);

	reply = genlmsg_new(sdp_nl_rule_size(), GFP_KERNEL);
	if (!reply)
		return -ENOMEM;

	/* A read: RCU only, so readers never wait for writers. */
	rcu_read_lock();
	t = rcu_dereference(sn->rules);
	pos = sdp_rules_find_id(t, id);
	if (pos < 0) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, tb[SDP_A_RULE_ID],
					"no rule with id %u", id);
		err = -ENOENT;
		nlmsg_free(reply);
	} else {
		at.rule = t->rules[pos];
		at.pos = pos;
		err = sdp_nl_reply_made(reply, info, sdp_nl_put_rule, &at);
	}
	rcu_read_unlock();
	return err;
}

/*
 * Dump the table in order.  cb->args[0] is the position to resume at.
 * Each part works on whatever table is current and sets cb->seq to its
 * generation: if the table changed between parts, the core's
 * nl_dump_check_consistent() marks the following messages (and the final
 * NLMSG_DONE) with NLM_F_DUMP_INTR and the reader knows to start over.
 */
int sdp_nl_map_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sdp_nl_dest d = sdp_nl_dump_dest(cb);
	struct sdp_net *sn = sdp_net(sock_net(skb->sk));
	const struct sdp_rule_table *t;
	unsigned long pos = cb->args[0];
	int err = 0;

	rcu_read_lock();
	t = rcu_dereference(sn->rules);
	cb->seq = t->gen;
	for (; pos < t->count; pos++) {
		struct sdp_nl_rule_at at = { t->rules[pos], pos };

		err = sdp_nl_fill(skb, &d, sdp_nl_put_rule, &at);
		if (err)
			break;
	}
	rcu_read_unlock();
	cb->args[0] = pos;
	return sdp_nl_dump_end(skb, err);
}

int sdp_nl_map_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sdp_net *sn = sdp_net(net);
	struct sdp_rule_table *t;
	struct sk_buff *reply;
	u32 count;

	reply = sdp_nl_count_new();
	t = sdp_rules_table_alloc(0);
	if (!reply || !t) {
		nlmsg_free(reply);
		kvfree(t);
		return -ENOMEM;
	}

	mutex_lock(&sn->lock);
	count = sdp_rules_replace(sn, t);
	sdp_nl_notify(net, SDP_CMD_MAP_FLUSH_NTF, SDP_NL_COUNT_SIZE,
		      sdp_nl_put_count, &count);
	sdp_dbg(net, 1, "%u rules flushed\n", count);
	mutex_unlock(&sn->lock);

	return sdp_nl_reply_made(reply, info, sdp_nl_put_count, &count);
}

/*
 * Replace the whole table.  The new table is built and checked off to the
 * side, without the lock: every rule validated (errors name the rule's
 * index and point at its nest), duplicates within the request refused.
 * Only the size limit, which a concurrent tune-set may move, is checked
 * again under the lock, right before the swap.  So either every rule
 * goes in or nothing changes.
 */
int sdp_nl_map_replace_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ARRAY_SIZE(sdp_rule_replace_nl_policy)];
	struct netlink_ext_ack *extack = info->extack;
	struct net *net = genl_info_net(info);
	struct sdp_net *sn = sdp_net(net);
	struct sdp_rule_table *t;
	struct sk_buff *reply;
	u32 n = 0, i = 0, first, second;
	struct nlattr *nla;
	u64 max_rules;
	int rem, err;

	err = sdp_nl_rule_addr_range(info);
	if (err)
		return err;
	nla_for_each_attr(nla, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem)
		if (nla_type(nla) == SDP_A_MAP_RULE)
			n++;
	max_rules = sdp_tun(net, SDP_TUN_MAX_RULES);
	if (n > max_rules) {
		NL_SET_ERR_MSG_FMT(extack,
				   "map-replace has %u rules, above max-rules %llu",
				   n, max_rules);
		return -ENOSPC;
	}

	t = sdp_rules_table_alloc(n);
	if (!t)
		return -ENOMEM;
	nla_for_each_attr(nla, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		struct sdp_rule *r;

		if (nla_type(nla) != SDP_A_MAP_RULE)
			continue;
		err = nla_parse_nested(tb, ARRAY_SIZE(tb) - 1, nla,
				       sdp_rule_replace_nl_policy, extack);
		if (err)
			goto err_free;
		r = kzalloc(sizeof(*r), GFP_KERNEL);
		if (!r) {
			err = -ENOMEM;
			goto err_free;
		}
		t->rules[i] = r;
		err = sdp_nl_rule_parse(r, tb, nla, extack);
		if (err)
			goto err_free;
		i++;
	}

	err = sdp_rules_find_dup(t, &first, &second);
	if (err < 0)
		goto err_free;
	if (err) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, sdp_nl_nth_rule(info, second),
					"duplicate of rule %u in the request",
					first);
		err = -EEXIST;
		goto err_free;
	}

	reply = sdp_nl_count_new();
	if (!reply) {
		err = -ENOMEM;
		goto err_free;
	}

	mutex_lock(&sn->lock);
	max_rules = READ_ONCE(sn->tun[SDP_TUN_MAX_RULES]);
	if (n > max_rules) {
		mutex_unlock(&sn->lock);
		NL_SET_ERR_MSG_FMT(extack,
				   "map-replace has %u rules, above max-rules %llu",
				   n, max_rules);
		nlmsg_free(reply);
		err = -ENOSPC;
		goto err_free;
	}
	sdp_rules_replace(sn, t);
	sdp_nl_notify(net, SDP_CMD_MAP_REPLACE_NTF, SDP_NL_COUNT_SIZE,
		      sdp_nl_put_count, &n);
	sdp_dbg(net, 1, "table replaced, %u rules\n", n);
	mutex_unlock(&sn->lock);

	return sdp_nl_reply_made(reply, info, sdp_nl_put_count, &n);

err_free:
	sdp_rules_table_free(t);
	return err;
}

int sdp_nl_map_lookup_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	char comm[SDP_PROGRAM_MAX_LEN + 1];
	struct nlattr **tb = info->attrs;
	struct sk_buff *reply;
	unsigned int alen;
	u32 role, rule_id;
	int action, err;
	u16 family;
	void *hdr;

	err = sdp_nl_addr_range(genlmsg_data(info->genlhdr),
				genlmsg_len(info->genlhdr), SDP_A_LOOKUP_ADDR,
				extack);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, SDP_A_LOOKUP_FAMILY) ||
	    GENL_REQ_ATTR_CHECK(info, SDP_A_LOOKUP_ADDR) ||
	    GENL_REQ_ATTR_CHECK(info, SDP_A_LOOKUP_PORT) ||
	    GENL_REQ_ATTR_CHECK(info, SDP_A_LOOKUP_ROLE))
		return -EINVAL;

	family = nla_get_u16(tb[SDP_A_LOOKUP_FAMILY]);
	if (family != AF_INET && family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, tb[SDP_A_LOOKUP_FAMILY],
					"family %u is not AF_INET (2) or AF_INET6 (10)",
					family);
		return -EINVAL;
	}
	alen = family == AF_INET ? 4 : 16;
	if (nla_len(tb[SDP_A_LOOKUP_ADDR]) != alen) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, tb[SDP_A_LOOKUP_ADDR],
					"addr has %d bytes, %s needs %u",
					nla_len(tb[SDP_A_LOOKUP_ADDR]),
					family == AF_INET ? "AF_INET" : "AF_INET6",
					alen);
		return -EINVAL;
	}
	role = nla_get_u32(tb[SDP_A_LOOKUP_ROLE]);
	if (tb[SDP_A_LOOKUP_PROGRAM])
		strscpy(comm, nla_data(tb[SDP_A_LOOKUP_PROGRAM]), sizeof(comm));

	reply = genlmsg_new(2 * nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!reply)
		return -ENOMEM;

	/* A query: open to anyone, so it must not move any rule's hits. */
	action = sdp_map_query(genl_info_net(info), family,
			       nla_data(tb[SDP_A_LOOKUP_ADDR]),
			       nla_get_u16(tb[SDP_A_LOOKUP_PORT]), role,
			       tb[SDP_A_LOOKUP_PROGRAM] ? comm : NULL,
			       &rule_id);
	if (WARN_ON_ONCE(action < 0)) {	/* arguments checked above */
		nlmsg_free(reply);
		return action;
	}

	hdr = genlmsg_put_reply(reply, info, &sdp_nl_family, 0,
				SDP_CMD_MAP_LOOKUP);
	if (!hdr || nla_put_u32(reply, SDP_A_LOOKUP_ACTION, action) ||
	    (rule_id && nla_put_u32(reply, SDP_A_LOOKUP_RULE_ID, rule_id))) {
		nlmsg_free(reply);
		return -EMSGSIZE;
	}
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);
}

/* ---- live sockets --------------------------------------------------------- */

static size_t sdp_nl_conn_size(void)
{
	return 3 * nla_total_size(sizeof(u16)) +	/* family, ports */
	       2 * nla_total_size(SDP_ADDR_MAX_LEN) +	/* addresses */
	       3 * nla_total_size(sizeof(u8)) +		/* state .. reason */
	       6 * nla_total_size(sizeof(u32)) +	/* credits .. uid, pages */
	       4 * nla_total_size_64bit(sizeof(u64));	/* bytes, inode, cookie */
}

/* What a conn message says of a socket, read from SDP's or TCP's. */
struct sdp_nl_conn_view {
	u16 family;
	u8 laddr[SDP_ADDR_MAX_LEN], raddr[SDP_ADDR_MAX_LEN];
	u16 lport, rport;
	bool has_remote;
	u8 state;
	u64 tx_bytes, rx_bytes;
	u32 tx_credits, rx_posted, tx_queued, rx_queued, mem_pages;
	u8 transport, reason;
};

/* Address bytes of @ss if it is of @family, else zeros. */
static void sdp_nl_conn_addr(const struct sockaddr_storage *ss, u16 family,
			     u8 *out)
{
	memset(out, 0, SDP_ADDR_MAX_LEN);
	if (family == AF_INET6) {
		if (ss->ss_family == AF_INET6)
			memcpy(out, &((const struct sockaddr_in6 *)ss)->sin6_addr,
			       sizeof(struct in6_addr));
		return;
	}
	if (ss->ss_family == AF_INET)
		memcpy(out, &((const struct sockaddr_in *)ss)->sin_addr,
		       sizeof(struct in_addr));
}

static void sdp_nl_conn_view_sdp(struct sdp_sock *ssk,
				 struct sdp_nl_conn_view *v)
{
	struct sockaddr_storage laddr, raddr;
	u32 txq;

	/* Racy copies (see the top); only ever written while connecting. */
	memcpy(&laddr, &ssk->laddr, sizeof(laddr));
	memcpy(&raddr, &ssk->raddr, sizeof(raddr));
	v->family = raddr.ss_family == AF_INET6 ||
		    (!raddr.ss_family && laddr.ss_family == AF_INET6) ?
		    AF_INET6 : AF_INET;
	sdp_nl_conn_addr(&laddr, v->family, v->laddr);
	sdp_nl_conn_addr(&raddr, v->family, v->raddr);
	v->lport = ntohs(sdp_addr_port(&laddr));
	v->rport = ntohs(sdp_addr_port(&raddr));
	v->has_remote = raddr.ss_family;
	v->state = READ_ONCE(ssk->sk.sk_state);
	v->tx_bytes = READ_ONCE(ssk->diag.tx_bytes);
	v->rx_bytes = READ_ONCE(ssk->diag.rx_bytes);
	v->tx_credits = max(READ_ONCE(ssk->tx.credits), 0);
	v->rx_posted = READ_ONCE(ssk->rx.posted);
	txq = READ_ONCE(ssk->tx.out_bytes);
	if (READ_ONCE(ssk->tx.pend) >= 0)
		txq += READ_ONCE(ssk->tx.pend_len);
	v->tx_queued = txq;
	v->rx_queued = READ_ONCE(ssk->rx.queued);
	v->mem_pages =
		READ_ONCE(ssk->rx.ring) * sdp_buf_pages(READ_ONCE(ssk->rx.size)) +
		READ_ONCE(ssk->tx.ring) * sdp_buf_pages(READ_ONCE(ssk->tx.size));
	v->transport = SDP_TRANSPORT_SDP;
}

/* The TCP socket underneath, read as /proc/net/tcp reads it. */
static void sdp_nl_conn_view_tcp(struct sdp_sock *ssk, struct sock *tsk,
				 struct sdp_nl_conn_view *v)
{
	const struct inet_sock *inet = inet_sk(tsk);
	const struct tcp_sock *tp = tcp_sk(tsk);

	v->family = tsk->sk_family;
	if (v->family == AF_INET6) {
		memcpy(v->laddr, &tsk->sk_v6_rcv_saddr, sizeof(struct in6_addr));
		memcpy(v->raddr, &tsk->sk_v6_daddr, sizeof(struct in6_addr));
	} else {
		memcpy(v->laddr, &inet->inet_rcv_saddr, sizeof(__be32));
		memcpy(v->raddr, &inet->inet_daddr, sizeof(__be32));
	}
	v->lport = READ_ONCE(inet->inet_num);
	v->rport = ntohs(READ_ONCE(inet->inet_dport));
	v->has_remote = v->rport;
	v->state = READ_ONCE(tsk->sk_state);
	v->tx_bytes = READ_ONCE(tp->bytes_acked);
	v->rx_bytes = READ_ONCE(tp->bytes_received);
	if (v->state != TCP_LISTEN) {
		v->tx_queued = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_una);
		v->rx_queued = READ_ONCE(tp->rcv_nxt) - READ_ONCE(tp->copied_seq);
	}
	v->transport = SDP_TRANSPORT_TCP;
	v->reason = READ_ONCE(ssk->fb_reason);
}

/*
 * Socket fields are read without sdp_sock.lock (READ_ONCE), as
 * /proc/net/tcp reads TCP sockets: a busy connection's values are a
 * snapshot, not a consistent one.  Never sleeps: the conn-get dump calls
 * it under sdp_net.conn_lock, which a TCP-backed socket leaves before
 * its TCP socket goes (tcp.c), as conn-down's sender does.
 */
static int sdp_nl_put_conn(struct sk_buff *skb, const void *obj)
{
	struct sdp_sock *ssk = (struct sdp_sock *)obj;
	/* Pairs with sdp_tcp_attach()'s release: a TCP socket set up. */
	struct socket *tcp = smp_load_acquire(&ssk->tcp);
	struct sdp_nl_conn_view v = {};
	struct sock *sk = &ssk->sk;
	int alen;
	u32 cookie[2];

	if (tcp)
		sdp_nl_conn_view_tcp(ssk, tcp->sk, &v);
	else
		sdp_nl_conn_view_sdp(ssk, &v);
	alen = v.family == AF_INET6 ? sizeof(struct in6_addr) :
				      sizeof(struct in_addr);
	sock_diag_save_cookie(sk, cookie);

	if (nla_put_u16(skb, SDP_A_CONN_FAMILY, v.family) ||
	    nla_put(skb, SDP_A_CONN_LOCAL_ADDR, alen, v.laddr) ||
	    nla_put_u16(skb, SDP_A_CONN_LOCAL_PORT, v.lport) ||
	    (v.has_remote &&
	     (nla_put(skb, SDP_A_CONN_REMOTE_ADDR, alen, v.raddr) ||
	      nla_put_u16(skb, SDP_A_CONN_REMOTE_PORT, v.rport))) ||
	    nla_put_u8(skb, SDP_A_CONN_STATE, v.state) ||
	    nla_put_u64_64bit(skb, SDP_A_CONN_TX_BYTES, v.tx_bytes,
			      SDP_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SDP_A_CONN_RX_BYTES, v.rx_bytes,
			      SDP_A_CONN_PAD) ||
	    nla_put_u32(skb, SDP_A_CONN_TX_CREDITS, v.tx_credits) ||
	    nla_put_u32(skb, SDP_A_CONN_RX_POSTED, v.rx_posted) ||
	    nla_put_u32(skb, SDP_A_CONN_TX_QUEUED, v.tx_queued) ||
	    nla_put_u32(skb, SDP_A_CONN_RX_QUEUED, v.rx_queued) ||
	    nla_put_u32(skb, SDP_A_CONN_UID,
			from_kuid_munged(sock_net(sk)->user_ns,
					 sock_i_uid(sk))) ||
	    nla_put_u64_64bit(skb, SDP_A_CONN_INODE, sock_i_ino(sk),
			      SDP_A_CONN_PAD) ||
	    nla_put_u64_64bit(skb, SDP_A_CONN_COOKIE,
			      (u64)cookie[1] << 32 | cookie[0], SDP_A_CONN_PAD) ||
	    nla_put_u8(skb, SDP_A_CONN_TRANSPORT, v.transport) ||
	    nla_put_u32(skb, SDP_A_CONN_MEM_PAGES, v.mem_pages) ||
	    (v.reason &&
	     nla_put_u8(skb, SDP_A_CONN_FALLBACK_REASON, v.reason)))
		return -EMSGSIZE;
	return 0;
}

/**
 * sdp_nl_conn_notify() - conn-up or conn-down for a socket
 * @ssk: the socket
 * @cmd: SDP_CMD_CONN_UP_NTF or SDP_CMD_CONN_DOWN_NTF
 *
 * Process context, no spinlock held (diag.c).
 */
void sdp_nl_conn_notify(struct sdp_sock *ssk, u8 cmd)
{
	sdp_nl_notify(sock_net(&ssk->sk), cmd, sdp_nl_conn_size(),
		      sdp_nl_put_conn, ssk);
}

/* What a conn-get dump keeps between parts, in netlink_callback.ctx. */
struct sdp_nl_conn_dump {
	u64 last;	/* key of the last socket sent; 0 before the first */
};

struct sdp_nl_conn_part {
	struct sk_buff *skb;
	struct sdp_nl_dest dest;
};

static int sdp_nl_conn_dump_one(struct sdp_sock *ssk, void *arg)
{
	struct sdp_nl_conn_part *part = arg;

	return sdp_nl_fill(part->skb, &part->dest, sdp_nl_put_conn, ssk);
}

/*
 * Each part resumes after the last socket key it sent (diag.c), with the
 * tree's generation as the sequence number the core checks.
 */
int sdp_nl_conn_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sdp_nl_conn_dump *dump = (struct sdp_nl_conn_dump *)cb->ctx;
	struct sdp_nl_conn_part part = { skb, sdp_nl_dump_dest(cb) };
	struct sdp_net *sn = sdp_net(sock_net(skb->sk));
	int err;

	BUILD_BUG_ON(sizeof(*dump) > sizeof(cb->ctx));
	/* The walk sets cb->seq before the first message is checked. */
	err = sdp_diag_walk(sn, &dump->last, &cb->seq, sdp_nl_conn_dump_one,
			    &part);
	return sdp_nl_dump_end(skb, err);
}

/* ---- tunables ------------------------------------------------------------- */

static size_t sdp_nl_tunable_size(int id)
{
	const struct sdp_tunable_desc *d = &sdp_tunables[id];

	return nla_total_size(strlen(d->name) + 1) +
	       4 * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(strlen(d->unit) + 1) +
	       nla_total_size(strlen(d->doc) + 1);
}

/* A tunable of a namespace. */
struct sdp_nl_tunable {
	const struct sdp_net *sn;
	int id;
};

static int sdp_nl_put_tunable(struct sk_buff *skb, const void *obj)
{
	const struct sdp_nl_tunable *tun = obj;
	const struct sdp_tunable_desc *d = &sdp_tunables[tun->id];
	const struct sdp_net *sn = tun->sn;
	int id = tun->id;

	if (nla_put_string(skb, SDP_A_TUNABLE_NAME, d->name) ||
	    nla_put_u64_64bit(skb, SDP_A_TUNABLE_VALUE, sdp_tunable_get(sn, id),
			      SDP_A_TUNABLE_PAD) ||
	    nla_put_u64_64bit(skb, SDP_A_TUNABLE_DEFAULT, d->def,
			      SDP_A_TUNABLE_PAD) ||
	    nla_put_u64_64bit(skb, SDP_A_TUNABLE_MINIMUM, d->min,
			      SDP_A_TUNABLE_PAD) ||
	    nla_put_u64_64bit(skb, SDP_A_TUNABLE_MAXIMUM, d->max,
			      SDP_A_TUNABLE_PAD) ||
	    nla_put_string(skb, SDP_A_TUNABLE_UNIT, d->unit) ||
	    nla_put_string(skb, SDP_A_TUNABLE_DOC, d->doc))
		return -EMSGSIZE;
	return 0;
}

/* The tunable a request names; -ENOENT with extack set if none. */
static int sdp_nl_tunable_id(struct genl_info *info)
{
	const struct nlattr *attr = info->attrs[SDP_A_TUNABLE_NAME];
	const char *name = nla_data(attr);	/* NLA_NUL_STRING */
	int id;

	id = sdp_tunable_find(name);
	if (id < 0)
		NL_SET_ERR_MSG_ATTR_FMT(info->extack, attr,
					"unknown tunable '%s'", name);
	return id;
}

int sdp_nl_tune_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sdp_net *sn = sdp_net(genl_info_net(info));
	struct sdp_nl_tunable tun;
	int id;

	if (GENL_REQ_ATTR_CHECK(info, SDP_A_TUNABLE_NAME))
		return -EINVAL;
	id = sdp_nl_tunable_id(info);
	if (id < 0)
		return id;

	tun.sn = sn;
	tun.id = id;
	return sdp_nl_reply(info, sdp_nl_tunable_size(id), sdp_nl_put_tunable,
			    &tun);
}

/* cb->args[0]: index of the next tunable to dump. */
int sdp_nl_tune_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sdp_nl_tunable tun = { sdp_net(sock_net(skb->sk)) };
	struct sdp_nl_dest d = sdp_nl_dump_dest(cb);
	unsigned long id;
	int err = 0;

	for (id = cb->args[0]; id < SDP_TUN_NUM; id++) {
		tun.id = id;
		err = sdp_nl_fill(skb, &d, sdp_nl_put_tunable, &tun);
		if (err)
			break;
	}
	cb->args[0] = id;
	return sdp_nl_dump_end(skb, err);
}

int sdp_nl_tune_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sdp_net *sn = sdp_net(net);
	u64 value;
	int id, err;

	if (GENL_REQ_ATTR_CHECK(info, SDP_A_TUNABLE_NAME))
		return -EINVAL;
	if (GENL_REQ_ATTR_CHECK(info, SDP_A_TUNABLE_VALUE))
		return -EINVAL;
	id = sdp_nl_tunable_id(info);
	if (id < 0)
		return id;
	value = nla_get_u64(info->attrs[SDP_A_TUNABLE_VALUE]);

	mutex_lock(&sn->lock);
	err = sdp_tunable_set(sn, id, value, info->attrs[SDP_A_TUNABLE_VALUE],
			      info->extack);
	if (!err) {
		/* Every successful set is an event, even to the same value. */
		struct sdp_nl_tunable tun = { sn, id };

		sdp_nl_notify(net, SDP_CMD_TUNE_SET_NTF,
			      sdp_nl_tunable_size(id), sdp_nl_put_tunable,
			      &tun);
		sdp_dbg(net, 1, "%s set to %llu\n", sdp_tunables[id].name,
			value);
	}
	mutex_unlock(&sn->lock);
	return err;
}

/* ---- the family ----------------------------------------------------------- */

/*
 * The ops (generated: sdp_nl_ops in netlink-gen.c) are handed over by
 * sdp_nl_register(), through kmod/compat.h since 6.1 takes them in another
 * shape.  Commands without a policy take no attributes, which the core
 * enforces because every command is at or above resv_start_op.
 */
struct genl_family sdp_nl_family __ro_after_init = {
	.name		= SDP_FAMILY_NAME,
	.version	= SDP_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	/* New family: reserved header fields checked for every command. */
	.resv_start_op	= SDP_CMD_INFO_GET,
	.module		= THIS_MODULE,
	.mcgrps		= sdp_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(sdp_nl_mcgrps),
};

/**
 * sdp_nl_register() - register the "sdp" generic netlink family
 *
 * Return: 0 or a negative errno; module init only.
 */
int sdp_nl_register(void)
{
	return sdp_genl_register(&sdp_nl_family, sdp_nl_ops,
				 ARRAY_SIZE(sdp_nl_ops));
}

/**
 * sdp_nl_unregister() - unregister the family registered by sdp_nl_register()
 */
void sdp_nl_unregister(void)
{
	sdp_genl_unregister(&sdp_nl_family);
}
