// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/specs/sdp.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/sdp.h>
#include <kmod/compat.h>

/* Common nested types */
const struct nla_policy sdp_rule_add_nl_policy[SDP_A_RULE_ACTION + 1] = {
	[SDP_A_RULE_POSITION] = { .type = NLA_U32, },
	[SDP_A_RULE_FAMILY] = NLA_POLICY_MAX(NLA_U16, 10),
	[SDP_A_RULE_ADDR] = { .type = NLA_BINARY, },
	[SDP_A_RULE_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[SDP_A_RULE_PORT_MIN] = { .type = NLA_U16, },
	[SDP_A_RULE_PORT_MAX] = { .type = NLA_U16, },
	[SDP_A_RULE_ROLE] = NLA_POLICY_RANGE(NLA_U32, 1, 3),
	[SDP_A_RULE_PROGRAM] = { .type = NLA_NUL_STRING, .len = SDP_PROGRAM_MAX_LEN, },
	[SDP_A_RULE_ACTION] = NLA_POLICY_RANGE(NLA_U32, 1, 3),
};

const struct nla_policy sdp_rule_del_nl_policy[SDP_A_RULE_ACTION + 1] = {
	[SDP_A_RULE_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[SDP_A_RULE_FAMILY] = NLA_POLICY_MAX(NLA_U16, 10),
	[SDP_A_RULE_ADDR] = { .type = NLA_BINARY, },
	[SDP_A_RULE_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[SDP_A_RULE_PORT_MIN] = { .type = NLA_U16, },
	[SDP_A_RULE_PORT_MAX] = { .type = NLA_U16, },
	[SDP_A_RULE_ROLE] = NLA_POLICY_RANGE(NLA_U32, 1, 3),
	[SDP_A_RULE_PROGRAM] = { .type = NLA_NUL_STRING, .len = SDP_PROGRAM_MAX_LEN, },
	[SDP_A_RULE_ACTION] = NLA_POLICY_RANGE(NLA_U32, 1, 3),
};

const struct nla_policy sdp_rule_get_nl_policy[SDP_A_RULE_ID + 1] = {
	[SDP_A_RULE_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

const struct nla_policy sdp_rule_replace_nl_policy[SDP_A_RULE_ACTION + 1] = {
	[SDP_A_RULE_FAMILY] = NLA_POLICY_MAX(NLA_U16, 10),
	[SDP_A_RULE_ADDR] = { .type = NLA_BINARY, },
	[SDP_A_RULE_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[SDP_A_RULE_PORT_MIN] = { .type = NLA_U16, },
	[SDP_A_RULE_PORT_MAX] = { .type = NLA_U16, },
	[SDP_A_RULE_ROLE] = NLA_POLICY_RANGE(NLA_U32, 1, 3),
	[SDP_A_RULE_PROGRAM] = { .type = NLA_NUL_STRING, .len = SDP_PROGRAM_MAX_LEN, },
	[SDP_A_RULE_ACTION] = NLA_POLICY_RANGE(NLA_U32, 1, 3),
};

/* SDP_CMD_MAP_ADD - do */
static const struct nla_policy sdp_map_add_nl_policy[SDP_A_MAP_ADD_RULE + 1] = {
	[SDP_A_MAP_ADD_RULE] = NLA_POLICY_NESTED(sdp_rule_add_nl_policy),
};

/* SDP_CMD_MAP_DEL - do */
static const struct nla_policy sdp_map_del_nl_policy[SDP_A_MAP_DEL_RULE + 1] = {
	[SDP_A_MAP_DEL_RULE] = NLA_POLICY_NESTED(sdp_rule_del_nl_policy),
};

/* SDP_CMD_MAP_GET - do */
static const struct nla_policy sdp_map_get_do_nl_policy[SDP_A_MAP_GET_RULE + 1] = {
	[SDP_A_MAP_GET_RULE] = NLA_POLICY_NESTED(sdp_rule_get_nl_policy),
};

/* SDP_CMD_MAP_GET - dump */
static const struct nla_policy sdp_map_get_dump_nl_policy[SDP_A_MAP_GET_RULE + 1] = {
	[SDP_A_MAP_GET_RULE] = NLA_POLICY_NESTED(sdp_rule_get_nl_policy),
};

/* SDP_CMD_MAP_REPLACE - do */
static const struct nla_policy sdp_map_replace_nl_policy[SDP_A_MAP_REPLACE_RULE + 1] = {
	[SDP_A_MAP_REPLACE_RULE] = NLA_POLICY_NESTED(sdp_rule_replace_nl_policy),
};

/* SDP_CMD_MAP_LOOKUP - do */
static const struct nla_policy sdp_map_lookup_nl_policy[SDP_A_LOOKUP_PROGRAM + 1] = {
	[SDP_A_LOOKUP_FAMILY] = NLA_POLICY_RANGE(NLA_U16, 2, 10),
	[SDP_A_LOOKUP_ADDR] = { .type = NLA_BINARY, },
	[SDP_A_LOOKUP_PORT] = { .type = NLA_U16, },
	[SDP_A_LOOKUP_ROLE] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
	[SDP_A_LOOKUP_PROGRAM] = { .type = NLA_NUL_STRING, .len = SDP_PROGRAM_MAX_LEN, },
};

/* SDP_CMD_TUNE_GET - do */
static const struct nla_policy sdp_tune_get_do_nl_policy[SDP_A_TUNABLE_NAME + 1] = {
	[SDP_A_TUNABLE_NAME] = { .type = NLA_NUL_STRING, .len = SDP_TUNABLE_NAME_MAX_LEN, },
};

/* SDP_CMD_TUNE_GET - dump */
static const struct nla_policy sdp_tune_get_dump_nl_policy[SDP_A_TUNABLE_NAME + 1] = {
	[SDP_A_TUNABLE_NAME] = { .type = NLA_NUL_STRING, .len = SDP_TUNABLE_NAME_MAX_LEN, },
};

/* SDP_CMD_TUNE_SET - do */
static const struct nla_policy sdp_tune_set_nl_policy[SDP_A_TUNABLE_VALUE + 1] = {
	[SDP_A_TUNABLE_NAME] = { .type = NLA_NUL_STRING, .len = SDP_TUNABLE_NAME_MAX_LEN, },
	[SDP_A_TUNABLE_VALUE] = { .type = NLA_U64, },
};

/* Ops table for sdp */
const struct genl_split_ops sdp_nl_ops[14] = {
	{
		.cmd	= SDP_CMD_INFO_GET,
		.doit	= sdp_nl_info_get_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SDP_CMD_STATS_GET,
		.doit	= sdp_nl_stats_get_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SDP_CMD_STATS_RESET,
		.doit	= sdp_nl_stats_reset_doit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SDP_CMD_MAP_ADD,
		.doit		= sdp_nl_map_add_doit,
		.policy		= sdp_map_add_nl_policy,
		.maxattr	= SDP_A_MAP_ADD_RULE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SDP_CMD_MAP_DEL,
		.doit		= sdp_nl_map_del_doit,
		.policy		= sdp_map_del_nl_policy,
		.maxattr	= SDP_A_MAP_DEL_RULE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SDP_CMD_MAP_GET,
		.doit		= sdp_nl_map_get_doit,
		.policy		= sdp_map_get_do_nl_policy,
		.maxattr	= SDP_A_MAP_GET_RULE,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SDP_CMD_MAP_GET,
		.dumpit		= sdp_nl_map_get_dumpit,
		.policy		= sdp_map_get_dump_nl_policy,
		.maxattr	= SDP_A_MAP_GET_RULE,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd	= SDP_CMD_MAP_FLUSH,
		.doit	= sdp_nl_map_flush_doit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SDP_CMD_MAP_REPLACE,
		.doit		= sdp_nl_map_replace_doit,
		.policy		= sdp_map_replace_nl_policy,
		.maxattr	= SDP_A_MAP_REPLACE_RULE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SDP_CMD_MAP_LOOKUP,
		.doit		= sdp_nl_map_lookup_doit,
		.policy		= sdp_map_lookup_nl_policy,
		.maxattr	= SDP_A_LOOKUP_PROGRAM,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SDP_CMD_TUNE_GET,
		.doit		= sdp_nl_tune_get_doit,
		.policy		= sdp_tune_get_do_nl_policy,
		.maxattr	= SDP_A_TUNABLE_NAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SDP_CMD_TUNE_GET,
		.dumpit		= sdp_nl_tune_get_dumpit,
		.policy		= sdp_tune_get_dump_nl_policy,
		.maxattr	= SDP_A_TUNABLE_NAME,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= SDP_CMD_TUNE_SET,
		.doit		= sdp_nl_tune_set_doit,
		.policy		= sdp_tune_set_nl_policy,
		.maxattr	= SDP_A_TUNABLE_VALUE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SDP_CMD_CONN_GET,
		.dumpit	= sdp_nl_conn_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group sdp_nl_mcgrps[] = {
	[SDP_NLGRP_EVENTS] = { "events", },
};
