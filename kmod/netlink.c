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

#include <linux/err.h>
#include <linux/in.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "sdp.h"
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
	if (GENL_REQ_ATTR_CHECK(info, SDP_A_MAP_RULE)) {
		NL_SET_ERR_MSG(info->extack, "missing attribute: rule");
		return ERR_PTR(-EINVAL);
	}
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

static void sdp_nl_notify(struct net *net, struct sk_buff *skb)
{
	genlmsg_multicast_netns(&sdp_nl_family, net, skb, 0,
				SDP_NLGRP_EVENTS, GFP_KERNEL);
}

static bool sdp_nl_has_listeners(struct net *net)
{
	return genl_has_listeners(&sdp_nl_family, net, SDP_NLGRP_EVENTS);
}

/**
 * sdp_nl_listening() - does anyone listen to the "events" group of @net
 * @net: the network namespace
 *
 * Return: true if an event would reach someone; any context.
 */
bool sdp_nl_listening(struct net *net)
{
	return sdp_nl_has_listeners(net);
}

/**
 * sdp_nl_event() - send a notification to the "events" group of @net
 * @net: the network namespace
 * @skb: the message, consumed
 * @gfp: GFP_KERNEL in process context, GFP_ATOMIC elsewhere
 */
void sdp_nl_event(struct net *net, struct sk_buff *skb, gfp_t gfp)
{
	genlmsg_multicast_netns(&sdp_nl_family, net, skb, 0,
				SDP_NLGRP_EVENTS, gfp);
}

/*
 * Notifications are built after the change is made and cannot undo it:
 * if the (small, GFP_KERNEL) allocation fails the event is lost, as any
 * netlink multicast can be lost when a listener's queue is full.
 */

/* ---- info ----------------------------------------------------------------- */

int sdp_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(SDP_VERSION)) +
			  3 * nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &sdp_nl_family, 0,
				SDP_CMD_INFO_GET);
	if (!hdr)
		goto nospace;
	if (nla_put_string(msg, SDP_A_INFO_VERSION, SDP_VERSION) ||
	    nla_put_u32(msg, SDP_A_INFO_AF_INET_SDP, SDP_AF_INET_SDP) ||
	    nla_put_u32(msg, SDP_A_INFO_PROTO_VERSION, SDP_PROTO_VERSION) ||
	    nla_put_u32(msg, SDP_A_INFO_FEATURES,
			SDP_FEATURE_MAP | SDP_FEATURE_STATS |
			SDP_FEATURE_TUNE | SDP_FEATURE_EVENTS |
			SDP_FEATURE_IPV6 | SDP_FEATURE_STREAM |
			SDP_FEATURE_CONNS))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
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

static int sdp_nl_put_stats(struct sk_buff *skb, const struct sdp_stats_snap *s,
			    s64 conn_current)
{
	time64_t age = ktime_get_boottime_seconds() - s->reset_time;
	int i;

	for (i = 0; i < SDP_STAT_NUM; i++)
		if (nla_put_u64_64bit(skb, sdp_stat_attrs[i], s->cnt[i],
				      SDP_A_STATS_PAD))
			return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, SDP_A_STATS_CONN_CURRENT,
			      max_t(s64, conn_current, 0), SDP_A_STATS_PAD) ||
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
	struct sdp_stats_snap *snap;
	struct sk_buff *msg;
	void *hdr;
	int err;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	msg = genlmsg_new(sdp_nl_stats_size(), GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}
	sdp_stats_read(&sn->stats, snap);

	hdr = genlmsg_put_reply(msg, info, &sdp_nl_family, 0,
				SDP_CMD_STATS_GET);
	if (!hdr || sdp_nl_put_stats(msg, snap,
				     atomic64_read(&sn->stats.conn_current))) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
out:
	kfree(snap);
	return err;
}

static void sdp_nl_ntf_empty(struct net *net, u8 cmd)
{
	struct sk_buff *msg;
	void *hdr;

	if (!sdp_nl_has_listeners(net))
		return;
	msg = genlmsg_new(0, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &sdp_nl_family, 0, cmd);
	if (!hdr) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	sdp_nl_notify(net, msg);
}

int sdp_nl_stats_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sdp_net *sn = sdp_net(net);
	int err;

	mutex_lock(&sn->lock);
	err = sdp_stats_reset(sn);
	if (!err) {
		sdp_nl_ntf_empty(net, SDP_CMD_STATS_RESET_NTF);
		sdp_dbg(net, 1, "statistics reset\n");
	}
	mutex_unlock(&sn->lock);
	return err;
}

/* ---- mapping rules -------------------------------------------------------- */

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

static int sdp_nl_put_rule(struct sk_buff *skb, const struct sdp_rule *r,
			   u32 pos)
{
	const struct sdp_rule_match *m = &r->match;
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

/*
 * One message holding one rule: a map-add or map-get reply, a map-get
 * dump part (@cb set, to flag a table that changed between parts), or a
 * map-add/map-del notification.
 */
static int sdp_nl_rule_fill(struct sk_buff *skb, u32 portid, u32 seq,
			    int flags, u8 cmd, const struct sdp_rule *r,
			    u32 pos, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &sdp_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		nl_dump_check_consistent(cb, genlmsg_nlhdr(hdr));
	if (sdp_nl_put_rule(skb, r, pos)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static void sdp_nl_ntf_rule(struct net *net, u8 cmd, const struct sdp_rule *r,
			    u32 pos)
{
	struct sk_buff *msg;

	if (!sdp_nl_has_listeners(net))
		return;
	msg = genlmsg_new(sdp_nl_rule_size(), GFP_KERNEL);
	if (!msg)
		return;
	if (sdp_nl_rule_fill(msg, 0, 0, 0, cmd, r, pos, NULL)) {
		nlmsg_free(msg);
		return;
	}
	sdp_nl_notify(net, msg);
}

/* A message holding only a count: map-flush/replace replies and events. */
static struct sk_buff *sdp_nl_count_new(void)
{
	return genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
}

static int sdp_nl_count_fill(struct sk_buff *msg, u32 portid, u32 seq, u8 cmd,
			     u32 count)
{
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &sdp_nl_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, SDP_A_MAP_COUNT, count)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static void sdp_nl_ntf_count(struct net *net, u8 cmd, u32 count)
{
	struct sk_buff *msg;

	if (!sdp_nl_has_listeners(net))
		return;
	msg = sdp_nl_count_new();
	if (!msg)
		return;
	if (sdp_nl_count_fill(msg, 0, 0, cmd, count)) {
		nlmsg_free(msg);
		return;
	}
	sdp_nl_notify(net, msg);
}

/* Reply with a count once the change is made; @reply was sized for it. */
static int sdp_nl_count_reply(struct sk_buff *reply, struct genl_info *info,
			      u32 count)
{
	if (WARN_ON_ONCE(sdp_nl_count_fill(reply, info->snd_portid,
					   info->snd_seq,
					   info->genlhdr->cmd, count))) {
		nlmsg_free(reply);
		return 0;
	}
	return genlmsg_reply(reply, info);
}

int sdp_nl_map_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ARRAY_SIZE(sdp_rule_add_nl_policy)];
	struct netlink_ext_ack *extack = info->extack;
	struct net *net = genl_info_net(info);
	struct sdp_net *sn = sdp_net(net);
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
	err = sdp_rule_from_attrs(r, tb, nest, -1, extack);
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
						"rule position %u is past the end of the table (%u rules)",
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
	sdp_nl_ntf_rule(net, SDP_CMD_MAP_ADD_NTF, r, pos);
	sdp_dbg(net, 1, "rule %u added at position %u\n", r->id, pos);
	err = sdp_nl_rule_fill(reply, info->snd_portid, info->snd_seq, 0,
			       SDP_CMD_MAP_ADD, r, pos, NULL);
	mutex_unlock(&sn->lock);

	/* Sized for any rule, so this cannot fail; the rule is in anyway. */
	if (WARN_ON_ONCE(err)) {
		nlmsg_free(reply);
		return 0;
	}
	return genlmsg_reply(reply, info);

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
		err = sdp_rule_from_attrs(&key, tb, nest, -1, extack);
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
	sdp_nl_ntf_rule(net, SDP_CMD_MAP_DEL_NTF, r, pos);
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
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, SDP_A_RULE_ID)) {
		NL_SET_ERR_MSG(extack, "missing attribute: rule id");
		return -EINVAL;
	}
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
	} else {
		err = sdp_nl_rule_fill(reply, info->snd_portid, info->snd_seq,
				       0, SDP_CMD_MAP_GET, t->rules[pos], pos,
				       NULL);
	}
	rcu_read_unlock();

	if (err) {
		nlmsg_free(reply);
		return err;
	}
	return genlmsg_reply(reply, info);
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
	struct sdp_net *sn = sdp_net(sock_net(skb->sk));
	const struct sdp_rule_table *t;
	unsigned long pos = cb->args[0];
	int err = 0;

	rcu_read_lock();
	t = rcu_dereference(sn->rules);
	cb->seq = t->gen;
	for (; pos < t->count; pos++) {
		err = sdp_nl_rule_fill(skb, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI,
				       SDP_CMD_MAP_GET, t->rules[pos], pos, cb);
		if (err)
			break;
	}
	rcu_read_unlock();
	cb->args[0] = pos;

	/* Full skb: come back for the rest; else done (0) or real error. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
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
	sdp_nl_ntf_count(net, SDP_CMD_MAP_FLUSH_NTF, count);
	sdp_dbg(net, 1, "%u rules flushed\n", count);
	mutex_unlock(&sn->lock);

	return sdp_nl_count_reply(reply, info, count);
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
		err = sdp_rule_from_attrs(r, tb, nla, i, extack);
		if (err)
			goto err_free;
		i++;
	}

	err = sdp_rules_find_dup(t, &first, &second);
	if (err < 0)
		goto err_free;
	if (err) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, sdp_nl_nth_rule(info, second),
					"rule %u: duplicate of rule %u in the request",
					second, first);
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
	sdp_nl_ntf_count(net, SDP_CMD_MAP_REPLACE_NTF, n);
	sdp_dbg(net, 1, "table replaced, %u rules\n", n);
	mutex_unlock(&sn->lock);

	return sdp_nl_count_reply(reply, info, n);

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
	const char *missing = NULL;
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
	if (GENL_REQ_ATTR_CHECK(info, SDP_A_LOOKUP_FAMILY))
		missing = "family";
	else if (GENL_REQ_ATTR_CHECK(info, SDP_A_LOOKUP_ADDR))
		missing = "addr";
	else if (GENL_REQ_ATTR_CHECK(info, SDP_A_LOOKUP_PORT))
		missing = "port";
	else if (GENL_REQ_ATTR_CHECK(info, SDP_A_LOOKUP_ROLE))
		missing = "role";
	if (missing) {
		NL_SET_ERR_MSG_FMT(extack, "missing attribute: lookup %s",
				   missing);
		return -EINVAL;
	}

	family = nla_get_u16(tb[SDP_A_LOOKUP_FAMILY]);
	if (family != AF_INET && family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, tb[SDP_A_LOOKUP_FAMILY],
					"lookup family %u is not AF_INET (2) or AF_INET6 (10)",
					family);
		return -EINVAL;
	}
	alen = family == AF_INET ? 4 : 16;
	if (nla_len(tb[SDP_A_LOOKUP_ADDR]) != alen) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, tb[SDP_A_LOOKUP_ADDR],
					"lookup addr has %d bytes, %s needs %u",
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

/* ---- tunables ------------------------------------------------------------- */

static size_t sdp_nl_tunable_size(int id)
{
	const struct sdp_tunable_desc *d = &sdp_tunables[id];

	return nla_total_size(strlen(d->name) + 1) +
	       4 * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(strlen(d->unit) + 1) +
	       nla_total_size(strlen(d->doc) + 1);
}

static int sdp_nl_tunable_fill(struct sk_buff *skb, u32 portid, u32 seq,
			       int flags, u8 cmd, struct sdp_net *sn, int id)
{
	const struct sdp_tunable_desc *d = &sdp_tunables[id];
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &sdp_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
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
	    nla_put_string(skb, SDP_A_TUNABLE_DOC, d->doc)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
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
	struct sk_buff *reply;
	int id, err;

	if (GENL_REQ_ATTR_CHECK(info, SDP_A_TUNABLE_NAME)) {
		NL_SET_ERR_MSG(info->extack, "missing attribute: tunable name");
		return -EINVAL;
	}
	id = sdp_nl_tunable_id(info);
	if (id < 0)
		return id;

	reply = genlmsg_new(sdp_nl_tunable_size(id), GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	err = sdp_nl_tunable_fill(reply, info->snd_portid, info->snd_seq, 0,
				  SDP_CMD_TUNE_GET, sn, id);
	if (err) {
		nlmsg_free(reply);
		return err;
	}
	return genlmsg_reply(reply, info);
}

/* cb->args[0]: index of the next tunable to dump. */
int sdp_nl_tune_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sdp_net *sn = sdp_net(sock_net(skb->sk));
	unsigned long id;
	int err = 0;

	for (id = cb->args[0]; id < SDP_TUN_NUM; id++) {
		err = sdp_nl_tunable_fill(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI,
					  SDP_CMD_TUNE_GET, sn, id);
		if (err)
			break;
	}
	cb->args[0] = id;

	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static void sdp_nl_ntf_tunable(struct net *net, struct sdp_net *sn, int id)
{
	struct sk_buff *msg;

	if (!sdp_nl_has_listeners(net))
		return;
	msg = genlmsg_new(sdp_nl_tunable_size(id), GFP_KERNEL);
	if (!msg)
		return;
	if (sdp_nl_tunable_fill(msg, 0, 0, 0, SDP_CMD_TUNE_SET_NTF, sn, id)) {
		nlmsg_free(msg);
		return;
	}
	sdp_nl_notify(net, msg);
}

int sdp_nl_tune_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sdp_net *sn = sdp_net(net);
	u64 value;
	int id, err;

	if (GENL_REQ_ATTR_CHECK(info, SDP_A_TUNABLE_NAME)) {
		NL_SET_ERR_MSG(info->extack, "missing attribute: tunable name");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, SDP_A_TUNABLE_VALUE)) {
		NL_SET_ERR_MSG(info->extack, "missing attribute: tunable value");
		return -EINVAL;
	}
	id = sdp_nl_tunable_id(info);
	if (id < 0)
		return id;
	value = nla_get_u64(info->attrs[SDP_A_TUNABLE_VALUE]);

	mutex_lock(&sn->lock);
	err = sdp_tunable_set(sn, id, value, info->attrs[SDP_A_TUNABLE_VALUE],
			      info->extack);
	if (!err) {
		/* Every successful set is an event, even to the same value. */
		sdp_nl_ntf_tunable(net, sn, id);
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
