/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/specs/sdp.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_SDP_GEN_H
#define _LINUX_SDP_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/sdp.h>
#include <kmod/compat.h>

/* Common nested types */
extern const struct nla_policy sdp_rule_add_nl_policy[SDP_A_RULE_ACTION + 1];
extern const struct nla_policy sdp_rule_del_nl_policy[SDP_A_RULE_ACTION + 1];
extern const struct nla_policy sdp_rule_get_nl_policy[SDP_A_RULE_ID + 1];
extern const struct nla_policy sdp_rule_replace_nl_policy[SDP_A_RULE_ACTION + 1];

/* Ops table for sdp */
extern const struct genl_split_ops sdp_nl_ops[14];

int sdp_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info);
int sdp_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int sdp_nl_stats_reset_doit(struct sk_buff *skb, struct genl_info *info);
int sdp_nl_map_add_doit(struct sk_buff *skb, struct genl_info *info);
int sdp_nl_map_del_doit(struct sk_buff *skb, struct genl_info *info);
int sdp_nl_map_get_doit(struct sk_buff *skb, struct genl_info *info);
int sdp_nl_map_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int sdp_nl_map_flush_doit(struct sk_buff *skb, struct genl_info *info);
int sdp_nl_map_replace_doit(struct sk_buff *skb, struct genl_info *info);
int sdp_nl_map_lookup_doit(struct sk_buff *skb, struct genl_info *info);
int sdp_nl_tune_get_doit(struct sk_buff *skb, struct genl_info *info);
int sdp_nl_tune_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int sdp_nl_tune_set_doit(struct sk_buff *skb, struct genl_info *info);
int sdp_nl_conn_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

enum {
	SDP_NLGRP_EVENTS,
};

#endif /* _LINUX_SDP_GEN_H */
