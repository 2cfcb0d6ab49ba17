// SPDX-License-Identifier: GPL-2.0
/*
 * libsdpctl message building and reply parsing, against canned netlink
 * messages built here with libnl (no kernel involved).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "internal.h"

#define FAMILY_ID 0x1d

/* ---- helpers ---------------------------------------------------------- */

static struct nlattr *top_attr(struct nl_msg *msg, int type)
{
	return nlmsg_find_attr(nlmsg_hdr(msg), GENL_HDRLEN, type);
}

static int count_top_attrs(struct nl_msg *msg, int type)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *a;
	int rem, n = 0;

	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem)
		n += nla_type(a) == type;
	return n;
}

static struct genlmsghdr *genl_hdr(struct nl_msg *msg)
{
	return nlmsg_data(nlmsg_hdr(msg));
}

/* Parse the one rule nest of a request into tb. */
static void rule_nest(struct nl_msg *msg, struct nlattr **tb)
{
	struct nlattr *nest = top_attr(msg, SDP_A_MAP_RULE);

	assert_non_null(nest);
	/* Strict kernel validation insists on the flag. */
	assert_true(nest->nla_type & NLA_F_NESTED);
	assert_int_equal(nla_parse_nested(tb, SDP_A_RULE_MAX, nest, NULL), 0);
}

static struct nl_msg *reply(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc_size(8192);

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 7, FAMILY_ID, 0, 0, cmd, 1));
	return msg;
}

static void put_rule_nest(struct nl_msg *msg, uint32_t id, uint16_t family,
			  const char *addr, uint8_t plen, uint32_t action)
{
	/* Newer kernels flag their nests; the parser must not mind. */
	struct nlattr *nest = nla_nest_start(msg, SDP_A_MAP_RULE | NLA_F_NESTED);
	uint8_t bytes[16];
	int alen = family == AF_INET ? 4 : 16;

	assert_int_equal(inet_pton(family, addr, bytes), 1);
	nla_put_u32(msg, SDP_A_RULE_ID, id);
	nla_put_u32(msg, SDP_A_RULE_POSITION, 2);
	nla_put_u16(msg, SDP_A_RULE_FAMILY, family);
	nla_put(msg, SDP_A_RULE_ADDR, alen, bytes);
	nla_put_u8(msg, SDP_A_RULE_PREFIX_LEN, plen);
	nla_put_u16(msg, SDP_A_RULE_PORT_MIN, 5000);
	nla_put_u16(msg, SDP_A_RULE_PORT_MAX, 5010);
	nla_put_u32(msg, SDP_A_RULE_ROLE, SDP_ROLE_CONNECT);
	nla_put_string(msg, SDP_A_RULE_PROGRAM, "iperf*");
	nla_put_u32(msg, SDP_A_RULE_ACTION, action);
	nla_put_u64(msg, SDP_A_RULE_HITS, 42);
	nla_nest_end(msg, nest);
}

static struct sdpctl_rule sample_rule(void)
{
	struct sdpctl_rule r;

	sdpctl_rule_init(&r);
	r.action = SDP_ACTION_SDP;
	r.role = SDP_ROLE_CONNECT;
	r.family = AF_INET;
	inet_pton(AF_INET, "198.18.0.0", r.addr);
	r.prefix_len = 24;
	r.port_min = 5000;
	r.port_max = 5010;
	strcpy(r.program, "iperf*");
	return r;
}

/* ---- request building ------------------------------------------------- */

static void test_build_map_add(void **state)
{
	struct sdpctl_rule r = sample_rule();
	struct nlattr *tb[SDP_A_RULE_MAX + 1];
	struct nl_msg *msg;

	(void)state;
	r.has_position = true;
	r.position = 0;
	r.id = 99;		/* the kernel assigns ids: never sent on add */
	assert_int_equal(sdpctl_msg_map_add(FAMILY_ID, &r, &msg), 0);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, FAMILY_ID);
	assert_int_equal(genl_hdr(msg)->cmd, SDP_CMD_MAP_ADD);
	assert_int_equal(genl_hdr(msg)->version, SDP_FAMILY_VERSION);
	assert_int_equal(count_top_attrs(msg, SDP_A_MAP_RULE), 1);
	rule_nest(msg, tb);
	assert_null(tb[SDP_A_RULE_ID]);
	assert_non_null(tb[SDP_A_RULE_POSITION]);
	assert_int_equal(nla_get_u32(tb[SDP_A_RULE_POSITION]), 0);
	assert_int_equal(nla_get_u16(tb[SDP_A_RULE_FAMILY]), AF_INET);
	assert_int_equal(nla_len(tb[SDP_A_RULE_ADDR]), 4);
	assert_memory_equal(nla_data(tb[SDP_A_RULE_ADDR]),
			    "\xc6\x12\x00\x00", 4);
	assert_int_equal(nla_len(tb[SDP_A_RULE_PREFIX_LEN]), 1);
	assert_int_equal(nla_get_u8(tb[SDP_A_RULE_PREFIX_LEN]), 24);
	assert_int_equal(nla_len(tb[SDP_A_RULE_PORT_MIN]), 2);
	assert_int_equal(nla_get_u16(tb[SDP_A_RULE_PORT_MIN]), 5000);
	assert_int_equal(nla_get_u16(tb[SDP_A_RULE_PORT_MAX]), 5010);
	assert_int_equal(nla_get_u32(tb[SDP_A_RULE_ROLE]), SDP_ROLE_CONNECT);
	assert_string_equal(nla_get_string(tb[SDP_A_RULE_PROGRAM]), "iperf*");
	assert_int_equal(nla_get_u32(tb[SDP_A_RULE_ACTION]), SDP_ACTION_SDP);
	assert_null(tb[SDP_A_RULE_HITS]);
	nlmsg_free(msg);
}

static void test_build_map_add_minimal_inet6(void **state)
{
	struct nlattr *tb[SDP_A_RULE_MAX + 1];
	struct sdpctl_rule r;
	struct nl_msg *msg;

	(void)state;
	sdpctl_rule_init(&r);
	r.family = AF_INET6;
	r.role = 0;		/* absent means both sides */
	r.action = SDP_ACTION_BOTH;
	inet_pton(AF_INET6, "2001:db8::", r.addr);
	r.prefix_len = 32;
	assert_int_equal(sdpctl_msg_map_add(FAMILY_ID, &r, &msg), 0);
	rule_nest(msg, tb);
	assert_null(tb[SDP_A_RULE_POSITION]);
	assert_null(tb[SDP_A_RULE_ROLE]);
	assert_null(tb[SDP_A_RULE_PROGRAM]);
	assert_int_equal(nla_get_u16(tb[SDP_A_RULE_FAMILY]), AF_INET6);
	assert_int_equal(nla_len(tb[SDP_A_RULE_ADDR]), 16);
	assert_memory_equal(nla_data(tb[SDP_A_RULE_ADDR]), r.addr, 16);
	assert_int_equal(nla_get_u16(tb[SDP_A_RULE_PORT_MAX]), 65535);
	nlmsg_free(msg);

	r.family = 7;
	msg = (struct nl_msg *)&r;	/* must be cleared on failure */
	assert_int_equal(sdpctl_msg_map_add(FAMILY_ID, &r, &msg),
			 -EAFNOSUPPORT);
	assert_null(msg);
}

static void test_build_map_del(void **state)
{
	struct nlattr *tb[SDP_A_RULE_MAX + 1];
	struct sdpctl_rule r = sample_rule();
	struct nl_msg *msg;
	int i;

	(void)state;
	assert_int_equal(sdpctl_msg_map_del_id(FAMILY_ID, 17, &msg), 0);
	assert_int_equal(genl_hdr(msg)->cmd, SDP_CMD_MAP_DEL);
	rule_nest(msg, tb);
	assert_int_equal(nla_get_u32(tb[SDP_A_RULE_ID]), 17);
	for (i = SDP_A_RULE_POSITION; i <= SDP_A_RULE_MAX; i++)
		assert_null(tb[i]);
	nlmsg_free(msg);

	/* By match: everything that matches, never id or position. */
	r.id = 5;
	r.has_position = true;
	assert_int_equal(sdpctl_msg_map_del_match(FAMILY_ID, &r, &msg), 0);
	rule_nest(msg, tb);
	assert_null(tb[SDP_A_RULE_ID]);
	assert_null(tb[SDP_A_RULE_POSITION]);
	assert_non_null(tb[SDP_A_RULE_ADDR]);
	assert_non_null(tb[SDP_A_RULE_ACTION]);
	assert_string_equal(nla_get_string(tb[SDP_A_RULE_PROGRAM]), "iperf*");
	nlmsg_free(msg);

	assert_int_equal(sdpctl_msg_map_get(FAMILY_ID, 9, &msg), 0);
	assert_int_equal(genl_hdr(msg)->cmd, SDP_CMD_MAP_GET);
	rule_nest(msg, tb);
	assert_int_equal(nla_get_u32(tb[SDP_A_RULE_ID]), 9);
	assert_null(tb[SDP_A_RULE_FAMILY]);
	nlmsg_free(msg);
}

static void test_build_map_replace(void **state)
{
	struct sdpctl_rule rules[300];
	struct nl_msg *msg;
	struct nlattr *a;
	int rem, i = 0;

	(void)state;
	for (i = 0; i < 300; i++) {
		rules[i] = sample_rule();
		rules[i].port_min = rules[i].port_max = (uint16_t)(1000 + i);
		rules[i].has_position = true;	/* meaningless here */
		rules[i].position = 77;
	}
	/* Far more than a page: the message must size itself. */
	assert_int_equal(sdpctl_msg_map_replace(FAMILY_ID, rules, 300, &msg), 0);
	assert_int_equal(genl_hdr(msg)->cmd, SDP_CMD_MAP_REPLACE);
	assert_int_equal(count_top_attrs(msg, SDP_A_MAP_RULE), 300);
	i = 0;
	nlmsg_for_each_attr(a, nlmsg_hdr(msg), GENL_HDRLEN, rem) {
		struct nlattr *tb[SDP_A_RULE_MAX + 1];

		assert_int_equal(nla_parse_nested(tb, SDP_A_RULE_MAX, a, NULL), 0);
		assert_null(tb[SDP_A_RULE_POSITION]);
		assert_int_equal(nla_get_u16(tb[SDP_A_RULE_PORT_MIN]), 1000 + i);
		i++;
	}
	assert_int_equal(i, 300);
	nlmsg_free(msg);

	/* An empty table is a valid replacement. */
	assert_int_equal(sdpctl_msg_map_replace(FAMILY_ID, rules, 0, &msg), 0);
	assert_int_equal(count_top_attrs(msg, SDP_A_MAP_RULE), 0);
	nlmsg_free(msg);
}

static void test_build_map_lookup(void **state)
{
	struct sdpctl_lookup q = { .family = AF_INET, .port = 5005,
				   .role = SDP_ROLE_CONNECT };
	struct nl_msg *msg;

	(void)state;
	inet_pton(AF_INET, "198.18.0.7", q.addr);
	assert_int_equal(sdpctl_msg_map_lookup(FAMILY_ID, &q, &msg), 0);
	assert_int_equal(genl_hdr(msg)->cmd, SDP_CMD_MAP_LOOKUP);
	assert_int_equal(nla_get_u16(top_attr(msg, SDP_A_LOOKUP_FAMILY)),
			 AF_INET);
	assert_int_equal(nla_len(top_attr(msg, SDP_A_LOOKUP_ADDR)), 4);
	assert_memory_equal(nla_data(top_attr(msg, SDP_A_LOOKUP_ADDR)),
			    "\xc6\x12\x00\x07", 4);
	assert_int_equal(nla_get_u16(top_attr(msg, SDP_A_LOOKUP_PORT)), 5005);
	assert_int_equal(nla_get_u32(top_attr(msg, SDP_A_LOOKUP_ROLE)),
			 SDP_ROLE_CONNECT);
	assert_null(top_attr(msg, SDP_A_LOOKUP_PROGRAM));
	assert_null(top_attr(msg, SDP_A_LOOKUP_ACTION));
	nlmsg_free(msg);

	q.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", q.addr);
	strcpy(q.program, "iperf3");
	assert_int_equal(sdpctl_msg_map_lookup(FAMILY_ID, &q, &msg), 0);
	assert_int_equal(nla_len(top_attr(msg, SDP_A_LOOKUP_ADDR)), 16);
	assert_string_equal(nla_get_string(top_attr(msg, SDP_A_LOOKUP_PROGRAM)),
			    "iperf3");
	nlmsg_free(msg);
}

static void test_build_tune(void **state)
{
	struct nl_msg *msg;

	(void)state;
	assert_int_equal(sdpctl_msg_tune_set(FAMILY_ID, "max-rules",
					     UINT64_MAX, &msg), 0);
	assert_int_equal(genl_hdr(msg)->cmd, SDP_CMD_TUNE_SET);
	assert_string_equal(nla_get_string(top_attr(msg, SDP_A_TUNABLE_NAME)),
			    "max-rules");
	assert_int_equal(nla_len(top_attr(msg, SDP_A_TUNABLE_VALUE)), 8);
	assert_true(nla_get_u64(top_attr(msg, SDP_A_TUNABLE_VALUE)) ==
		    UINT64_MAX);
	nlmsg_free(msg);

	assert_int_equal(sdpctl_msg_tune_get(FAMILY_ID, "rx-buffers", &msg), 0);
	assert_int_equal(genl_hdr(msg)->cmd, SDP_CMD_TUNE_GET);
	assert_string_equal(nla_get_string(top_attr(msg, SDP_A_TUNABLE_NAME)),
			    "rx-buffers");
	assert_null(top_attr(msg, SDP_A_TUNABLE_VALUE));
	nlmsg_free(msg);

	assert_int_equal(sdpctl_msg_tune_set(FAMILY_ID,
			 "a-name-that-is-longer-than-31-bytes", 1, &msg),
			 -EINVAL);
	assert_int_equal(sdpctl_msg_tune_get(FAMILY_ID, "", &msg), -EINVAL);
}

static void test_build_dump_and_family(void **state)
{
	struct nl_msg *msg;

	(void)state;
	assert_int_equal(sdpctl_msg_new(FAMILY_ID, SDP_CMD_MAP_GET, NLM_F_DUMP,
					0, &msg), 0);
	assert_true(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP);
	assert_int_equal(genlmsg_attrlen(genl_hdr(msg), 0), 0);
	nlmsg_free(msg);

	assert_int_equal(sdpctl_msg_family("sdp", &msg), 0);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, GENL_ID_CTRL);
	assert_int_equal(genl_hdr(msg)->cmd, CTRL_CMD_GETFAMILY);
	assert_string_equal(nla_get_string(top_attr(msg, CTRL_ATTR_FAMILY_NAME)),
			    "sdp");
	nlmsg_free(msg);
}

/* ---- reply parsing ---------------------------------------------------- */

static void test_parse_family(void **state)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *groups, *grp;
	int id = 0, group = -1;

	(void)state;
	genlmsg_put(msg, 0, 1, GENL_ID_CTRL, 0, 0, CTRL_CMD_NEWFAMILY, 2);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "sdp");
	nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, FAMILY_ID);
	groups = nla_nest_start(msg, CTRL_ATTR_MCAST_GROUPS);
	grp = nla_nest_start(msg, 1);
	nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, "other");
	nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, 11);
	nla_nest_end(msg, grp);
	grp = nla_nest_start(msg, 2);
	nla_put_u32(msg, CTRL_ATTR_MCAST_GRP_ID, 12);
	nla_put_string(msg, CTRL_ATTR_MCAST_GRP_NAME, "events");
	nla_nest_end(msg, grp);
	nla_nest_end(msg, groups);
	assert_int_equal(sdpctl_parse_family(nlmsg_hdr(msg), &id, &group), 0);
	assert_int_equal(id, FAMILY_ID);
	assert_int_equal(group, 12);
	nlmsg_free(msg);
}

static void test_parse_info(void **state)
{
	struct nl_msg *msg = reply(SDP_CMD_INFO_GET);
	struct sdpctl_info info;

	(void)state;
	nla_put_string(msg, SDP_A_INFO_VERSION, "0.1.0");
	nla_put_u32(msg, SDP_A_INFO_AF_INET_SDP, 27);
	nla_put_u32(msg, SDP_A_INFO_PROTO_VERSION, 0x22);
	nla_put_u32(msg, SDP_A_INFO_FEATURES, SDP_FEATURE_MAP | SDP_FEATURE_IPV6);
	nla_put_u32(msg, SDP_A_INFO_MAX + 5, 1);	/* from a newer kernel */
	assert_int_equal(sdpctl_parse_info(nlmsg_hdr(msg), &info), 0);
	assert_string_equal(info.version, "0.1.0");
	assert_int_equal(info.af_inet_sdp, 27);
	assert_int_equal(info.proto_version, 0x22);
	assert_int_equal(info.features, SDP_FEATURE_MAP | SDP_FEATURE_IPV6);
	nlmsg_free(msg);
}

static void put_hist(struct nl_msg *msg, uint32_t id, int n, bool id_last)
{
	struct nlattr *nest = nla_nest_start(msg, SDP_A_STATS_HIST);
	int i;

	if (!id_last)
		nla_put_u32(msg, SDP_A_HISTOGRAM_ID, id);
	for (i = 0; i < n; i++)
		nla_put_u64(msg, SDP_A_HISTOGRAM_BUCKET, 100 + (uint64_t)i);
	if (id_last)
		nla_put_u32(msg, SDP_A_HISTOGRAM_ID, id);
	nla_put_u32(msg, SDP_A_HISTOGRAM_MAX + 3, 1);	/* unknown: skipped */
	nla_nest_end(msg, nest);
}

static void test_parse_stats(void **state)
{
	struct nl_msg *msg = reply(SDP_CMD_STATS_GET);
	struct sdpctl_stats *st = NULL;
	const uint64_t *buckets;
	struct nlattr *nest;
	unsigned int n;
	const char *name;
	uint64_t value;
	int i;

	(void)state;
	for (i = SDP_A_STATS_CONN_ACTIVE_OPENS; i <= SDP_A_STATS_RX_BYTES; i++)
		nla_put_u64(msg, i, 1000 + (uint64_t)i);
	nest = nla_nest_start(msg, SDP_A_STATS_TX_MSGS);
	nla_put_u64(msg, SDP_A_MSG_COUNTS_HELLO, 1);
	nla_put_u64(msg, SDP_A_MSG_COUNTS_DATA, 77);
	nla_put_u64(msg, SDP_A_MSG_COUNTS_MAX + 1, 5);	/* a new msg type */
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, SDP_A_STATS_RX_MSGS);
	nla_put_u64(msg, SDP_A_MSG_COUNTS_ABORT, 3);
	nla_nest_end(msg, nest);
	for (i = SDP_A_STATS_CREDIT_STALLS; i <= SDP_A_STATS_MAP_LOOKUPS; i++)
		nla_put_u64(msg, i, 1000 + (uint64_t)i);
	put_hist(msg, SDP_HIST_TX_MSG_SIZE, 3, false);
	put_hist(msg, SDP_HIST_RECVMSG_SIZE, 70, true);	/* > 65: clipped */
	put_hist(msg, 9, 2, false);			/* unknown id */
	nla_put_u64(msg, SDP_A_STATS_RESET_TIME, 12);
	nla_put_u64(msg, SDP_A_STATS_LOCAL_QP_ERRORS, 4);
	nla_put_u64(msg, SDP_A_STATS_MAX + 1, 999);	/* appended later */
	nla_put_string(msg, SDP_A_STATS_MAX + 2, "future");

	assert_int_equal(sdpctl_parse_stats(nlmsg_hdr(msg), &st), 0);
	assert_non_null(st);
	assert_int_equal(sdpctl_stats_value(st, "conn-active-opens", &value), 0);
	assert_true(value == 1000 + SDP_A_STATS_CONN_ACTIVE_OPENS);
	assert_int_equal(sdpctl_stats_value(st, "rx-bytes", &value), 0);
	assert_true(value == 1000 + SDP_A_STATS_RX_BYTES);
	assert_int_equal(sdpctl_stats_value(st, "credit-stalls", &value), 0);
	assert_true(value == 1000 + SDP_A_STATS_CREDIT_STALLS);
	assert_int_equal(sdpctl_stats_value(st, "map-lookups", &value), 0);
	assert_true(value == 1000 + SDP_A_STATS_MAP_LOOKUPS);
	assert_int_equal(sdpctl_stats_value(st, "local-qp-errors", &value), 0);
	assert_true(value == 4);
	/* Known to the spec but not sent (an older kernel), or unknown. */
	assert_int_equal(sdpctl_stats_value(st, "mem-refused", &value), -ENOENT);
	assert_int_equal(sdpctl_stats_value(st, "no-such", &value), -ENOENT);
	assert_int_equal(sdpctl_stats_value(st, "reset-time", &value), -ENOENT);
	assert_int_equal(sdpctl_stats_reset_time(st, &value), 0);
	assert_true(value == 12);
	assert_true(sdpctl_stats_msgs(st, SDPCTL_TX, 0) == 1);
	assert_string_equal(sdpctl_msg_type_name(SDP_A_MSG_COUNTS_DATA -
						 SDP_A_MSG_COUNTS_HELLO), "data");
	assert_true(sdpctl_stats_msgs(st, SDPCTL_TX, SDP_A_MSG_COUNTS_DATA -
				      SDP_A_MSG_COUNTS_HELLO) == 77);
	assert_true(sdpctl_stats_msgs(st, SDPCTL_RX, SDP_A_MSG_COUNTS_ABORT -
				      SDP_A_MSG_COUNTS_HELLO) == 3);
	assert_true(sdpctl_stats_msgs(st, SDPCTL_RX, 0) == 0);
	/* Past the types the library knows: nothing, not a stray read. */
	assert_null(sdpctl_msg_type_name(SDP_A_MSG_COUNTS_MAX));
	assert_true(sdpctl_stats_msgs(st, SDPCTL_TX, SDP_A_MSG_COUNTS_MAX) == 0);
	assert_true(sdpctl_stats_msgs(st, (enum sdpctl_dir)7, 0) == 0);
	buckets = sdpctl_stats_hist(st, SDP_HIST_TX_MSG_SIZE, &n);
	assert_non_null(buckets);
	assert_int_equal(n, 3);
	assert_true(buckets[2] == 102);
	assert_non_null(sdpctl_stats_hist(st, SDP_HIST_RX_MSG_SIZE, &n));
	assert_int_equal(n, 0);
	buckets = sdpctl_stats_hist(st, SDP_HIST_RECVMSG_SIZE, &n);
	assert_int_equal(n, 65);
	assert_true(buckets[64] == 164);
	assert_null(sdpctl_stats_hist(st, 0, &n));
	assert_null(sdpctl_stats_hist(st, 9, &n));

	/* The counter walk covers the scalars sent, in spec order. */
	name = sdpctl_stats_counter(st, 0, &value);
	assert_string_equal(name, "conn-active-opens");
	assert_true(value == 1000 + SDP_A_STATS_CONN_ACTIVE_OPENS);
	for (i = 0; sdpctl_stats_counter(st, (unsigned int)i, &value); i++)
		;
	assert_int_equal(i, 17);
	assert_string_equal(sdpctl_stats_counter(st, 15, &value),
			    "map-lookups");
	assert_true(value == 1000 + SDP_A_STATS_MAP_LOOKUPS);
	assert_string_equal(sdpctl_stats_counter(st, 16, &value),
			    "local-qp-errors");

	sdpctl_stats_free(st);
	nlmsg_free(msg);
}

/* The kernel aligns u64s with empty pad attributes, nests included. */
static void test_parse_stats_pads(void **state)
{
	struct nl_msg *msg = reply(SDP_CMD_STATS_GET);
	struct sdpctl_stats *st = NULL;
	const uint64_t *buckets;
	struct nlattr *nest;
	unsigned int n;
	uint64_t value;

	(void)state;
	nla_put(msg, SDP_A_STATS_PAD, 0, NULL);
	nla_put_u64(msg, SDP_A_STATS_TX_BYTES, 8);
	nest = nla_nest_start(msg, SDP_A_STATS_TX_MSGS | NLA_F_NESTED);
	nla_put(msg, SDP_A_MSG_COUNTS_PAD, 0, NULL);
	nla_put_u64(msg, SDP_A_MSG_COUNTS_DATA, 3);
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, SDP_A_STATS_HIST | NLA_F_NESTED);
	nla_put_u32(msg, SDP_A_HISTOGRAM_ID, SDP_HIST_SENDMSG_SIZE);
	nla_put(msg, SDP_A_HISTOGRAM_PAD, 0, NULL);
	nla_put_u64(msg, SDP_A_HISTOGRAM_BUCKET, 6);
	nla_nest_end(msg, nest);
	assert_int_equal(sdpctl_parse_stats(nlmsg_hdr(msg), &st), 0);
	assert_int_equal(sdpctl_stats_value(st, "tx-bytes", &value), 0);
	assert_true(value == 8);
	assert_true(sdpctl_stats_msgs(st, SDPCTL_TX, SDP_A_MSG_COUNTS_DATA -
				      SDP_A_MSG_COUNTS_HELLO) == 3);
	buckets = sdpctl_stats_hist(st, SDP_HIST_SENDMSG_SIZE, &n);
	assert_int_equal(n, 1);
	assert_true(buckets[0] == 6);
	/* Only what was sent: the one counter, no reset time. */
	assert_non_null(sdpctl_stats_counter(st, 0, &value));
	assert_null(sdpctl_stats_counter(st, 1, &value));
	assert_int_equal(sdpctl_stats_reset_time(st, &value), -ENOENT);
	sdpctl_stats_free(st);
	nlmsg_free(msg);
}

static void test_parse_stats_bad(void **state)
{
	struct nl_msg *msg = reply(SDP_CMD_STATS_GET);
	struct sdpctl_stats *st = NULL;

	(void)state;
	nla_put_u32(msg, SDP_A_STATS_TX_BYTES, 5);	/* u64 cut short */
	assert_int_equal(sdpctl_parse_stats(nlmsg_hdr(msg), &st), -EBADMSG);
	assert_null(st);
	nlmsg_free(msg);
}

static void test_parse_rule(void **state)
{
	struct nl_msg *msg = reply(SDP_CMD_MAP_GET);
	struct sdpctl_rule r;

	(void)state;
	put_rule_nest(msg, 3, AF_INET, "198.18.0.0", 24, SDP_ACTION_SDP);
	assert_int_equal(sdpctl_parse_rule_msg(nlmsg_hdr(msg), &r), 0);
	assert_int_equal(r.id, 3);
	assert_true(r.has_position);
	assert_int_equal(r.position, 2);
	assert_int_equal(r.family, AF_INET);
	assert_memory_equal(r.addr, "\xc6\x12\x00\x00", 4);
	assert_int_equal(r.prefix_len, 24);
	assert_int_equal(r.port_min, 5000);
	assert_int_equal(r.port_max, 5010);
	assert_int_equal(r.role, SDP_ROLE_CONNECT);
	assert_string_equal(r.program, "iperf*");
	assert_int_equal(r.action, SDP_ACTION_SDP);
	assert_true(r.hits == 42);
	nlmsg_free(msg);

	msg = reply(SDP_CMD_MAP_GET);
	put_rule_nest(msg, 4, AF_INET6, "2001:db8::", 32, SDP_ACTION_BOTH);
	assert_int_equal(sdpctl_parse_rule_msg(nlmsg_hdr(msg), &r), 0);
	assert_int_equal(r.family, AF_INET6);
	assert_memory_equal(r.addr, "\x20\x01\x0d\xb8", 4);
	nlmsg_free(msg);
}

static void test_parse_rule_defaults_and_errors(void **state)
{
	struct nl_msg *msg = reply(SDP_CMD_MAP_GET);
	char text[SDPCTL_RULE_TEXT_LEN];
	struct nlattr *nest;
	struct sdpctl_rule r;

	(void)state;
	nest = nla_nest_start(msg, SDP_A_MAP_RULE);
	nla_put_u32(msg, SDP_A_RULE_ID, 8);
	nla_put_u16(msg, SDP_A_RULE_FAMILY, AF_INET);
	nla_put_u32(msg, SDP_A_RULE_ACTION, SDP_ACTION_TCP);
	nla_put_u32(msg, SDP_A_RULE_MAX + 4, 1);	/* a newer attribute */
	nla_nest_end(msg, nest);
	assert_int_equal(sdpctl_parse_rule_msg(nlmsg_hdr(msg), &r), 0);
	assert_int_equal(r.id, 8);
	assert_false(r.has_position);
	assert_string_equal(r.program, "");
	assert_int_equal(r.role, SDPCTL_ROLE_ANY);
	assert_int_equal(r.port_max, 65535);
	nlmsg_free(msg);

	/* The kernel leaves addr out of any-address rules. */
	msg = reply(SDP_CMD_MAP_GET);
	nest = nla_nest_start(msg, SDP_A_MAP_RULE | NLA_F_NESTED);
	nla_put_u16(msg, SDP_A_RULE_FAMILY, AF_INET6);
	nla_put_u8(msg, SDP_A_RULE_PREFIX_LEN, 0);
	nla_put_u32(msg, SDP_A_RULE_ACTION, SDP_ACTION_SDP);
	nla_put_u32(msg, SDP_A_RULE_ROLE, SDPCTL_ROLE_ANY);
	nla_nest_end(msg, nest);
	assert_int_equal(sdpctl_parse_rule_msg(nlmsg_hdr(msg), &r), 0);
	assert_int_equal(r.family, AF_INET6);
	assert_int_equal(r.prefix_len, 0);
	assert_int_equal(sdpctl_rule_format(&r, text, sizeof(text)), 0);
	assert_string_equal(text, "action sdp role any family inet6 addr any "
			    "port any");
	nlmsg_free(msg);

	/* An inet rule with 16 address bytes is a broken reply. */
	msg = reply(SDP_CMD_MAP_GET);
	nest = nla_nest_start(msg, SDP_A_MAP_RULE);
	nla_put_u16(msg, SDP_A_RULE_FAMILY, AF_INET);
	nla_put(msg, SDP_A_RULE_ADDR, 16, "0123456789abcdef");
	nla_nest_end(msg, nest);
	assert_int_equal(sdpctl_parse_rule_msg(nlmsg_hdr(msg), &r), -EBADMSG);
	nlmsg_free(msg);

	/* No rule at all. */
	msg = reply(SDP_CMD_MAP_GET);
	nla_put_u32(msg, SDP_A_MAP_COUNT, 1);
	assert_int_equal(sdpctl_parse_rule_msg(nlmsg_hdr(msg), &r), -EBADMSG);
	nlmsg_free(msg);
}

static void test_parse_count_lookup(void **state)
{
	struct nl_msg *msg = reply(SDP_CMD_MAP_FLUSH);
	uint32_t count = 0, action = 0, rule_id = 5;

	(void)state;
	nla_put_u32(msg, SDP_A_MAP_COUNT, 4);
	assert_int_equal(sdpctl_parse_count(nlmsg_hdr(msg), &count), 0);
	assert_int_equal(count, 4);
	nlmsg_free(msg);

	msg = reply(SDP_CMD_MAP_LOOKUP);
	nla_put_u32(msg, SDP_A_LOOKUP_ACTION, SDP_ACTION_SDP);
	nla_put_u32(msg, SDP_A_LOOKUP_RULE_ID, 3);
	assert_int_equal(sdpctl_parse_lookup(nlmsg_hdr(msg), &action, &rule_id),
			 0);
	assert_int_equal(action, SDP_ACTION_SDP);
	assert_int_equal(rule_id, 3);
	nlmsg_free(msg);

	/* No rule id: the default action decided. */
	msg = reply(SDP_CMD_MAP_LOOKUP);
	nla_put_u32(msg, SDP_A_LOOKUP_ACTION, SDP_ACTION_TCP);
	assert_int_equal(sdpctl_parse_lookup(nlmsg_hdr(msg), &action, &rule_id),
			 0);
	assert_int_equal(action, SDP_ACTION_TCP);
	assert_int_equal(rule_id, 0);
	nlmsg_free(msg);

	msg = reply(SDP_CMD_MAP_LOOKUP);
	nla_put_u32(msg, SDP_A_LOOKUP_RULE_ID, 3);
	assert_int_equal(sdpctl_parse_lookup(nlmsg_hdr(msg), &action, &rule_id),
			 -EBADMSG);
	nlmsg_free(msg);
}

static void test_parse_tunable(void **state)
{
	struct nl_msg *msg = reply(SDP_CMD_TUNE_GET);
	struct sdpctl_tunable t;
	char doc[300];

	(void)state;
	memset(doc, 'd', sizeof(doc) - 1);
	doc[sizeof(doc) - 1] = '\0';
	nla_put_string(msg, SDP_A_TUNABLE_NAME, "default-action");
	nla_put_u64(msg, SDP_A_TUNABLE_VALUE, 2);
	nla_put_u64(msg, SDP_A_TUNABLE_DEFAULT, 2);
	nla_put_u64(msg, SDP_A_TUNABLE_MINIMUM, 1);
	nla_put_u64(msg, SDP_A_TUNABLE_MAXIMUM, 3);
	nla_put_string(msg, SDP_A_TUNABLE_UNIT, "action");
	nla_put_string(msg, SDP_A_TUNABLE_DOC, doc);	/* longer than ours */
	assert_int_equal(sdpctl_parse_tunable(nlmsg_hdr(msg), &t), 0);
	assert_string_equal(t.name, "default-action");
	assert_true(t.value == 2 && t.def == 2 && t.min == 1 && t.max == 3);
	assert_string_equal(t.unit, "action");
	assert_int_equal(strlen(t.doc), sizeof(t.doc) - 1);
	nlmsg_free(msg);

	msg = reply(SDP_CMD_TUNE_GET);
	nla_put_u64(msg, SDP_A_TUNABLE_VALUE, 2);
	assert_int_equal(sdpctl_parse_tunable(nlmsg_hdr(msg), &t), -EBADMSG);
	nlmsg_free(msg);
}

static void test_parse_events(void **state)
{
	struct sdpctl_event ev;
	struct nl_msg *msg;

	(void)state;
	msg = reply(SDP_CMD_MAP_ADD_NTF);
	put_rule_nest(msg, 3, AF_INET, "198.18.0.0", 24, SDP_ACTION_SDP);
	assert_int_equal(sdpctl_parse_event(nlmsg_hdr(msg), FAMILY_ID, &ev), 1);
	assert_int_equal(ev.type, SDPCTL_EVENT_MAP_ADD);
	assert_int_equal(ev.rule.id, 3);
	/* Another family's message on the socket is not ours. */
	assert_int_equal(sdpctl_parse_event(nlmsg_hdr(msg), FAMILY_ID + 1, &ev),
			 0);
	nlmsg_free(msg);

	msg = reply(SDP_CMD_MAP_DEL_NTF);
	put_rule_nest(msg, 3, AF_INET, "198.18.0.0", 24, SDP_ACTION_SDP);
	assert_int_equal(sdpctl_parse_event(nlmsg_hdr(msg), FAMILY_ID, &ev), 1);
	assert_int_equal(ev.type, SDPCTL_EVENT_MAP_DEL);
	nlmsg_free(msg);

	msg = reply(SDP_CMD_MAP_FLUSH_NTF);
	nla_put_u32(msg, SDP_A_MAP_COUNT, 4);
	assert_int_equal(sdpctl_parse_event(nlmsg_hdr(msg), FAMILY_ID, &ev), 1);
	assert_int_equal(ev.type, SDPCTL_EVENT_MAP_FLUSH);
	assert_int_equal(ev.count, 4);
	nlmsg_free(msg);

	msg = reply(SDP_CMD_MAP_REPLACE_NTF);
	nla_put_u32(msg, SDP_A_MAP_COUNT, 2);
	assert_int_equal(sdpctl_parse_event(nlmsg_hdr(msg), FAMILY_ID, &ev), 1);
	assert_int_equal(ev.type, SDPCTL_EVENT_MAP_REPLACE);
	assert_int_equal(ev.count, 2);
	nlmsg_free(msg);

	msg = reply(SDP_CMD_TUNE_SET_NTF);
	nla_put_string(msg, SDP_A_TUNABLE_NAME, "max-rules");
	nla_put_u64(msg, SDP_A_TUNABLE_VALUE, 10);
	assert_int_equal(sdpctl_parse_event(nlmsg_hdr(msg), FAMILY_ID, &ev), 1);
	assert_int_equal(ev.type, SDPCTL_EVENT_TUNE_SET);
	assert_string_equal(ev.tunable.name, "max-rules");
	assert_true(ev.tunable.value == 10);
	nlmsg_free(msg);

	msg = reply(SDP_CMD_STATS_RESET_NTF);
	assert_int_equal(sdpctl_parse_event(nlmsg_hdr(msg), FAMILY_ID, &ev), 1);
	assert_int_equal(ev.type, SDPCTL_EVENT_STATS_RESET);
	nlmsg_free(msg);

	/* An event a newer kernel invented is skipped, not an error. */
	msg = reply(SDP_CMD_MAX + 1);
	assert_int_equal(sdpctl_parse_event(nlmsg_hdr(msg), FAMILY_ID, &ev), 0);
	nlmsg_free(msg);

	msg = reply(SDP_CMD_MAP_ADD_NTF);	/* no rule in it */
	assert_int_equal(sdpctl_parse_event(nlmsg_hdr(msg), FAMILY_ID, &ev),
			 -EBADMSG);
	nlmsg_free(msg);
}

/* A conn message as the kernel sends it (dump part or event). */
static struct nl_msg *conn_msg(uint8_t cmd, uint16_t family, bool remote)
{
	struct nl_msg *msg = reply(cmd);
	uint8_t laddr[16], raddr[16];
	int alen = family == AF_INET ? 4 : 16;

	assert_int_equal(inet_pton(family, family == AF_INET ? "198.18.0.1" :
				   "2001:db8::1", laddr), 1);
	assert_int_equal(inet_pton(family, family == AF_INET ? "198.18.0.2" :
				   "2001:db8::2", raddr), 1);
	nla_put_u16(msg, SDP_A_CONN_FAMILY, family);
	nla_put(msg, SDP_A_CONN_LOCAL_ADDR, alen, laddr);
	nla_put_u16(msg, SDP_A_CONN_LOCAL_PORT, 7500);
	if (remote) {
		nla_put(msg, SDP_A_CONN_REMOTE_ADDR, alen, raddr);
		nla_put_u16(msg, SDP_A_CONN_REMOTE_PORT, 40000);
	}
	nla_put_u8(msg, SDP_A_CONN_STATE, remote ? 1 : 10);
	nla_put_u64(msg, SDP_A_CONN_TX_BYTES, 1ULL << 40);
	nla_put_u64(msg, SDP_A_CONN_RX_BYTES, 300);
	nla_put_u32(msg, SDP_A_CONN_TX_CREDITS, 62);
	nla_put_u32(msg, SDP_A_CONN_RX_POSTED, 64);
	nla_put_u32(msg, SDP_A_CONN_TX_QUEUED, 5);
	nla_put_u32(msg, SDP_A_CONN_RX_QUEUED, 6);
	nla_put_u32(msg, SDP_A_CONN_UID, 1000);
	nla_put_u64(msg, SDP_A_CONN_INODE, 4242);
	nla_put_u64(msg, SDP_A_CONN_COOKIE, 0x100000001ULL);
	nla_put_u32(msg, SDP_A_CONN_MEM_PAGES, 48);
	/* An attribute a newer kernel appended is ignored. */
	nla_put_u32(msg, SDP_A_CONN_MAX + 1, 9);
	return msg;
}

static void test_parse_conn(void **state)
{
	static const uint8_t v4l[4] = { 198, 18, 0, 1 }, v4r[4] = { 198, 18, 0, 2 };
	struct sdpctl_conn c;
	struct nl_msg *msg;

	(void)state;
	msg = conn_msg(SDP_CMD_CONN_GET, AF_INET, true);
	assert_int_equal(sdpctl_parse_conn(nlmsg_hdr(msg), &c), 0);
	assert_int_equal(c.family, AF_INET);
	assert_memory_equal(c.local_addr, v4l, 4);
	assert_int_equal(c.local_port, 7500);
	assert_true(c.has_remote);
	assert_memory_equal(c.remote_addr, v4r, 4);
	assert_int_equal(c.remote_port, 40000);
	assert_int_equal(c.state, 1);
	assert_true(c.tx_bytes == 1ULL << 40);
	assert_true(c.rx_bytes == 300);
	assert_int_equal(c.tx_credits, 62);
	assert_int_equal(c.rx_posted, 64);
	assert_int_equal(c.tx_queued, 5);
	assert_int_equal(c.rx_queued, 6);
	assert_int_equal(c.uid, 1000);
	assert_true(c.inode == 4242);
	assert_true(c.cookie == 0x100000001ULL);
	/* A module that does not name the transport lists SDP sockets. */
	assert_int_equal(c.transport, SDP_TRANSPORT_SDP);
	assert_int_equal(c.fallback_reason, 0);
	assert_true(SDPCTL_HAS(&c, fallback_reason));
	assert_int_equal(c.mem_pages, 48);
	assert_true(SDPCTL_HAS(&c, mem_pages));
	nlmsg_free(msg);

	/* A TCP-backed socket, and why. */
	msg = conn_msg(SDP_CMD_CONN_GET, AF_INET, true);
	nla_put_u8(msg, SDP_A_CONN_TRANSPORT, SDP_TRANSPORT_TCP);
	nla_put_u8(msg, SDP_A_CONN_FALLBACK_REASON,
		   SDP_FALLBACK_REASON_REJECTED);
	assert_int_equal(sdpctl_parse_conn(nlmsg_hdr(msg), &c), 0);
	assert_int_equal(c.transport, SDP_TRANSPORT_TCP);
	assert_int_equal(c.fallback_reason, SDP_FALLBACK_REASON_REJECTED);
	nlmsg_free(msg);

	/* A listener: no remote end. */
	msg = conn_msg(SDP_CMD_CONN_GET, AF_INET6, false);
	assert_int_equal(sdpctl_parse_conn(nlmsg_hdr(msg), &c), 0);
	assert_int_equal(c.family, AF_INET6);
	assert_false(c.has_remote);
	assert_int_equal(c.remote_port, 0);
	assert_int_equal(c.state, 10);
	assert_int_equal(c.local_addr[15], 1);
	nlmsg_free(msg);

	/* Address length must agree with the family. */
	msg = reply(SDP_CMD_CONN_GET);
	nla_put_u16(msg, SDP_A_CONN_FAMILY, AF_INET6);
	nla_put(msg, SDP_A_CONN_LOCAL_ADDR, 4, v4l);
	nla_put_u8(msg, SDP_A_CONN_STATE, 1);
	assert_int_equal(sdpctl_parse_conn(nlmsg_hdr(msg), &c), -EBADMSG);
	nlmsg_free(msg);

	/* family and state are required; an unknown family is refused. */
	msg = reply(SDP_CMD_CONN_GET);
	nla_put_u16(msg, SDP_A_CONN_FAMILY, AF_INET);
	assert_int_equal(sdpctl_parse_conn(nlmsg_hdr(msg), &c), -EBADMSG);
	nlmsg_free(msg);
	msg = reply(SDP_CMD_CONN_GET);
	nla_put_u16(msg, SDP_A_CONN_FAMILY, 27);
	nla_put_u8(msg, SDP_A_CONN_STATE, 1);
	assert_int_equal(sdpctl_parse_conn(nlmsg_hdr(msg), &c), -EBADMSG);
	nlmsg_free(msg);
}

static void test_parse_conn_events(void **state)
{
	struct sdpctl_event ev;
	struct nl_msg *msg;

	(void)state;
	msg = conn_msg(SDP_CMD_CONN_UP_NTF, AF_INET, true);
	assert_int_equal(sdpctl_parse_event(nlmsg_hdr(msg), FAMILY_ID, &ev), 1);
	assert_int_equal(ev.type, SDPCTL_EVENT_CONN_UP);
	assert_int_equal(ev.conn.remote_port, 40000);
	assert_true(ev.conn.cookie == 0x100000001ULL);
	nlmsg_free(msg);

	msg = conn_msg(SDP_CMD_CONN_DOWN_NTF, AF_INET, true);
	assert_int_equal(sdpctl_parse_event(nlmsg_hdr(msg), FAMILY_ID, &ev), 1);
	assert_int_equal(ev.type, SDPCTL_EVENT_CONN_DOWN);
	assert_true(ev.conn.tx_bytes == 1ULL << 40);
	nlmsg_free(msg);

	msg = reply(SDP_CMD_CONN_DOWN_NTF);	/* no family, no state */
	assert_int_equal(sdpctl_parse_event(nlmsg_hdr(msg), FAMILY_ID, &ev),
			 -EBADMSG);
	nlmsg_free(msg);
}

static void test_conn_contract(void **state)
{
	(void)state;
	/* The spec is append-only: existing command numbers never move. */
	assert_int_equal(SDP_CMD_TUNE_SET, 11);
	assert_int_equal(SDP_CMD_STATS_RESET_NTF, 17);
	assert_int_equal(SDP_CMD_CONN_GET, 18);
	assert_int_equal(SDP_CMD_CONN_UP_NTF, 19);
	assert_int_equal(SDP_CMD_CONN_DOWN_NTF, 20);
	assert_int_equal(SDP_A_CONN_COOKIE, 16);
	assert_int_equal(SDP_A_CONN_TRANSPORT, 17);
	assert_int_equal(SDP_A_CONN_FALLBACK_REASON, 18);
	assert_int_equal(SDP_A_CONN_MEM_PAGES, 19);
	assert_string_equal(sdpctl_transport_name(SDP_TRANSPORT_SDP), "sdp");
	assert_string_equal(sdpctl_transport_name(SDP_TRANSPORT_TCP), "tcp");
	assert_null(sdpctl_transport_name(0));
	assert_null(sdpctl_transport_name(SDP_TRANSPORT_TCP + 1));
	assert_string_equal(sdpctl_fallback_reason_name(SDP_FALLBACK_REASON_RULE),
			    "rule");
	assert_string_equal(sdpctl_fallback_reason_name(SDP_FALLBACK_REASON_RESOURCES),
			    "resources");
	assert_null(sdpctl_fallback_reason_name(0));
	assert_null(sdpctl_fallback_reason_name(200));
	assert_int_equal(SDP_FEATURE_CONNS, 1 << 7);
	assert_string_equal(sdpctl_feature_name(SDP_FEATURE_CONNS), "conns");
	assert_string_equal(sdpctl_conn_state_name(1), "established");
	assert_string_equal(sdpctl_conn_state_name(2), "syn-sent");
	assert_string_equal(sdpctl_conn_state_name(3), "syn-recv");
	assert_string_equal(sdpctl_conn_state_name(7), "close");
	assert_string_equal(sdpctl_conn_state_name(10), "listen");
	assert_null(sdpctl_conn_state_name(0));
	assert_null(sdpctl_conn_state_name(12));
	assert_null(sdpctl_conn_state_name(255));
}

/* ---- errors ----------------------------------------------------------- */

/*
 * An NLMSG_ERROR answering req as the kernel builds it: error, the request
 * header (capped) or the whole request, then the extack TLVs.
 */
struct ack_tlvs {
	const char *msg;
	int64_t offs;		/* -1: none */
	int64_t miss_type, miss_nest;
};

static struct nl_msg *error_msg(struct nl_msg *req, int error, bool capped,
				const struct ack_tlvs *tlv)
{
	struct nlmsghdr *rh = nlmsg_hdr(req);
	size_t echo = capped ? sizeof(*rh) : rh->nlmsg_len;
	struct nl_msg *msg = nlmsg_alloc_size(16384);
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	int flags = capped ? NLM_F_CAPPED : 0;

	if (tlv)
		flags |= NLM_F_ACK_TLVS;
	nlh = nlmsg_put(msg, 0, rh->nlmsg_seq, NLMSG_ERROR,
			(int)(sizeof(e->error) + NLMSG_ALIGN(echo)), flags);
	e = nlmsg_data(nlh);
	e->error = error;
	memcpy(&e->msg, rh, echo);
	if (tlv && tlv->msg)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, tlv->msg);
	if (tlv && tlv->offs >= 0)
		nla_put_u32(msg, NLMSGERR_ATTR_OFFS, (uint32_t)tlv->offs);
	if (tlv && tlv->miss_type >= 0)
		nla_put_u32(msg, NLMSGERR_ATTR_MISS_TYPE,
			    (uint32_t)tlv->miss_type);
	if (tlv && tlv->miss_nest >= 0)
		nla_put_u32(msg, NLMSGERR_ATTR_MISS_NEST,
			    (uint32_t)tlv->miss_nest);
	return msg;
}

/* Byte offset of attribute type of the index-th rule nest of req. */
static uint32_t rule_attr_offset(struct nl_msg *req, int index, int type)
{
	struct nlmsghdr *rh = nlmsg_hdr(req);
	struct nlattr *a, *in;
	int rem, irem;

	nlmsg_for_each_attr(a, rh, GENL_HDRLEN, rem) {
		if (index--)
			continue;
		if (type < 0)
			return (uint32_t)((char *)a - (char *)rh);
		nla_for_each_nested(in, a, irem)
			if (nla_type(in) == type)
				return (uint32_t)((char *)in - (char *)rh);
	}
	fail_msg("no such attribute");
	return 0;
}

static struct nl_msg *two_rule_replace(void)
{
	struct sdpctl_rule rules[2] = { sample_rule(), sample_rule() };
	struct nl_msg *req;

	rules[1].action = SDP_ACTION_TCP;
	assert_int_equal(sdpctl_msg_map_replace(FAMILY_ID, rules, 2, &req), 0);
	nlmsg_hdr(req)->nlmsg_seq = 41;
	return req;
}

static void test_ack_message_only(void **state)
{
	struct ack_tlvs tlv = { "value 1 out of range [2, 1024] for rx-buffers",
				-1, -1, -1 };
	struct nl_msg *req, *msg;
	struct sdpctl_ack ack;

	(void)state;
	assert_int_equal(sdpctl_msg_tune_set(FAMILY_ID, "rx-buffers", 1, &req),
			 0);
	msg = error_msg(req, -EINVAL, true, &tlv);
	sdpctl_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), &ack);
	assert_int_equal(ack.error, -EINVAL);
	assert_true(ack.has_msg);
	assert_string_equal(ack.msg, tlv.msg);
	assert_int_equal(ack.rule_index, -1);
	nlmsg_free(msg);

	/* A plain ack: success, nothing to say. */
	msg = error_msg(req, 0, true, NULL);
	sdpctl_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), &ack);
	assert_int_equal(ack.error, 0);
	assert_false(ack.has_msg);
	nlmsg_free(msg);

	/* An error from a kernel without extack. */
	msg = error_msg(req, -EPERM, true, NULL);
	sdpctl_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), &ack);
	assert_int_equal(ack.error, -EPERM);
	assert_false(ack.has_msg);
	nlmsg_free(msg);
	nlmsg_free(req);
}

static void test_ack_offset_names_rule_attr(void **state)
{
	struct nl_msg *req = two_rule_replace(), *msg;
	struct ack_tlvs tlv = { "rule 1: bad action 2", -1, -1, -1 };
	struct sdpctl_ack ack;
	int capped;

	(void)state;
	/* Capped or with the request echoed, the TLVs must be found. */
	for (capped = 0; capped < 2; capped++) {
		tlv.offs = rule_attr_offset(req, 1, SDP_A_RULE_PREFIX_LEN);
		msg = error_msg(req, -EINVAL, capped, &tlv);
		sdpctl_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), &ack);
		assert_int_equal(ack.error, -EINVAL);
		assert_int_equal(ack.rule_index, 1);
		assert_string_equal(ack.msg, "rule 1: bad action 2 "
				    "(attribute rule[1].prefix-len)");
		nlmsg_free(msg);
	}

	/*
	 * Where is the library's to say, whatever words the kernel's text
	 * has: the name is not left out because the text has "action".
	 */
	tlv.msg = "action 2 is not allowed here";
	tlv.offs = rule_attr_offset(req, 1, SDP_A_RULE_ACTION);
	msg = error_msg(req, -EINVAL, true, &tlv);
	sdpctl_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), &ack);
	assert_int_equal(ack.rule_index, 1);
	assert_string_equal(ack.msg, "action 2 is not allowed here "
			    "(attribute rule[1].action)");
	nlmsg_free(msg);

	/* The nest itself, as the kernel points at a duplicate rule. */
	tlv.msg = "duplicate of rule 0 in the request";
	tlv.offs = rule_attr_offset(req, 1, -1);
	msg = error_msg(req, -EEXIST, true, &tlv);
	sdpctl_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), &ack);
	assert_int_equal(ack.error, -EEXIST);
	assert_int_equal(ack.rule_index, 1);
	assert_string_equal(ack.msg, "duplicate of rule 0 in the request "
			    "(attribute rule[1])");
	nlmsg_free(msg);

	/* Inside an attribute but not at its start: named not at all. */
	tlv.msg = "odd";
	tlv.offs = rule_attr_offset(req, 1, SDP_A_RULE_ACTION) + 2;
	msg = error_msg(req, -EINVAL, true, &tlv);
	sdpctl_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), &ack);
	assert_string_equal(ack.msg, "odd");
	nlmsg_free(msg);

	/* Pointing at the nest itself still tells the index. */
	tlv.msg = NULL;
	tlv.offs = rule_attr_offset(req, 0, -1);
	msg = error_msg(req, -EINVAL, true, &tlv);
	sdpctl_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), &ack);
	assert_int_equal(ack.rule_index, 0);
	assert_string_equal(ack.msg, "invalid attribute rule[0]");
	nlmsg_free(msg);
	nlmsg_free(req);
}

static void test_ack_missing_attribute(void **state)
{
	struct nl_msg *req = two_rule_replace(), *msg;
	struct ack_tlvs tlv = { NULL, -1, SDP_A_RULE_FAMILY, -1 };
	struct sdpctl_ack ack;

	(void)state;
	tlv.miss_nest = rule_attr_offset(req, 1, -1);
	msg = error_msg(req, -EINVAL, true, &tlv);
	sdpctl_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), &ack);
	assert_int_equal(ack.rule_index, 1);
	assert_string_equal(ack.msg, "missing attribute rule[1].family");
	nlmsg_free(msg);
	nlmsg_free(req);

	/* Top level, for a single-rule request: no index in the name. */
	assert_int_equal(sdpctl_msg_tune_set(FAMILY_ID, "rx-buffers", 1, &req),
			 0);
	tlv = (struct ack_tlvs){ NULL, -1, SDP_A_TUNABLE_VALUE, -1 };
	msg = error_msg(req, -EINVAL, true, &tlv);
	sdpctl_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), &ack);
	assert_string_equal(ack.msg, "missing attribute value");
	assert_int_equal(ack.rule_index, -1);
	nlmsg_free(msg);
	tlv.msg = "required";
	msg = error_msg(req, -EINVAL, true, &tlv);
	sdpctl_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), &ack);
	assert_string_equal(ack.msg, "required (missing attribute value)");
	nlmsg_free(msg);
	nlmsg_free(req);
}

static void test_ack_single_rule_offset(void **state)
{
	struct sdpctl_rule r = sample_rule();
	struct ack_tlvs tlv = { "prefix too long", -1, -1, -1 };
	struct nl_msg *req, *msg;
	struct sdpctl_ack ack;

	(void)state;
	assert_int_equal(sdpctl_msg_map_add(FAMILY_ID, &r, &req), 0);
	tlv.offs = rule_attr_offset(req, 0, SDP_A_RULE_PREFIX_LEN);
	msg = error_msg(req, -EINVAL, true, &tlv);
	sdpctl_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), &ack);
	assert_string_equal(ack.msg,
			    "prefix too long (attribute rule.prefix-len)");
	/* An offset outside the request is ignored, not trusted. */
	tlv.offs = 100000;
	nlmsg_free(msg);
	msg = error_msg(req, -EINVAL, true, &tlv);
	sdpctl_parse_ack(nlmsg_hdr(msg), nlmsg_hdr(req), &ack);
	assert_string_equal(ack.msg, "prefix too long");
	assert_int_equal(ack.rule_index, -1);
	nlmsg_free(msg);
	nlmsg_free(req);
}

static void test_ack_dump_done(void **state)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlmsghdr *nlh;
	struct sdpctl_ack ack;
	int error = -EPERM;

	(void)state;
	nlh = nlmsg_put(msg, 0, 3, NLMSG_DONE, sizeof(error),
			NLM_F_MULTI | NLM_F_ACK_TLVS);
	memcpy(nlmsg_data(nlh), &error, sizeof(error));
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "dump refused");
	sdpctl_parse_ack(nlmsg_hdr(msg), NULL, &ack);
	assert_int_equal(ack.error, -EPERM);
	assert_string_equal(ack.msg, "dump refused");
	nlmsg_free(msg);

	/* A normal end of dump. */
	msg = nlmsg_alloc();
	error = 0;
	nlh = nlmsg_put(msg, 0, 3, NLMSG_DONE, sizeof(error), NLM_F_MULTI);
	memcpy(nlmsg_data(nlh), &error, sizeof(error));
	sdpctl_parse_ack(nlmsg_hdr(msg), NULL, &ack);
	assert_int_equal(ack.error, 0);
	assert_false(ack.has_msg);
	nlmsg_free(msg);
}

static void test_ack_from_bytes(void **state)
{
	/*
	 * A capped EINVAL ack with the message "bad" in raw bytes, as read
	 * from a socket (little-endian host).
	 */
	static const uint8_t raw[] = {
		0x2c, 0, 0, 0,  0x02, 0,  0x00, 0x03,  9, 0, 0, 0,  0, 0, 0, 0,
		0xea, 0xff, 0xff, 0xff,
		0x10, 0, 0, 0,  0x1d, 0,  0x05, 0,  9, 0, 0, 0,  0, 0, 0, 0,
		0x08, 0,  0x01, 0,  'b', 'a', 'd', 0,
	};
	struct sdpctl_ack ack;
	struct nlmsghdr nlh;

	(void)state;
	memcpy(&nlh, raw, sizeof(nlh));
	if (nlh.nlmsg_len != sizeof(raw))
		skip();		/* a big-endian host */
	sdpctl_parse_ack((const struct nlmsghdr *)raw, NULL, &ack);
	assert_int_equal(ack.error, -EINVAL);
	assert_string_equal(ack.msg, "bad");
}

static void test_nle_to_errno(void **state)
{
	(void)state;
	assert_int_equal(sdpctl_nle_to_errno(-NLE_NOMEM), -ENOMEM);
	assert_int_equal(sdpctl_nle_to_errno(-NLE_OBJ_NOTFOUND), -ENOENT);
	assert_int_equal(sdpctl_nle_to_errno(-NLE_PERM), -EPERM);
	assert_int_equal(sdpctl_nle_to_errno(-NLE_NOACCESS), -EACCES);
	assert_int_equal(sdpctl_nle_to_errno(0), 0);
	assert_int_equal(sdpctl_nle_to_errno(-12345), -EIO);
}

static void test_names(void **state)
{
	uint32_t action = 0;

	(void)state;
	assert_string_equal(sdpctl_action_name(SDP_ACTION_BOTH), "both");
	assert_null(sdpctl_action_name(0));
	assert_null(sdpctl_action_name(9));
	assert_int_equal(sdpctl_action_parse("tcp", &action), 0);
	assert_int_equal(action, SDP_ACTION_TCP);
	assert_int_equal(sdpctl_action_parse("TCP", &action), -EINVAL);
	assert_string_equal(sdpctl_role_name(SDP_ROLE_LISTEN), "listen");
	assert_string_equal(sdpctl_role_name(0), "any");
	assert_string_equal(sdpctl_role_name(SDPCTL_ROLE_ANY), "any");
	assert_null(sdpctl_role_name(8));
	assert_string_equal(sdpctl_family_name(AF_INET6), "inet6");
	assert_null(sdpctl_family_name(7));
	assert_string_equal(sdpctl_feature_name(SDP_FEATURE_ZCOPY), "zcopy");
	assert_null(sdpctl_feature_name(1u << 20));
	assert_string_equal(sdpctl_msg_type_name(0), "hello");
	assert_string_equal(sdpctl_msg_type_name(SDP_A_MSG_COUNTS_DATA -
						 SDP_A_MSG_COUNTS_HELLO), "data");
	assert_null(sdpctl_msg_type_name(SDP_A_MSG_COUNTS_MAX));
	assert_string_equal(sdpctl_hist_name(SDP_HIST_RECVMSG_SIZE),
			    "recvmsg-size");
	assert_null(sdpctl_hist_name(0));
}

static void test_handle_without_open(void **state)
{
	(void)state;
	assert_null(sdpctl_errmsg(NULL));
	assert_int_equal(sdpctl_err_rule_index(NULL), -1);
	sdpctl_close(NULL);
}

int main(void)
{
	const struct CMUnitTest build[] = {
		cmocka_unit_test(test_build_map_add),
		cmocka_unit_test(test_build_map_add_minimal_inet6),
		cmocka_unit_test(test_build_map_del),
		cmocka_unit_test(test_build_map_replace),
		cmocka_unit_test(test_build_map_lookup),
		cmocka_unit_test(test_build_tune),
		cmocka_unit_test(test_build_dump_and_family),
	};
	const struct CMUnitTest parse[] = {
		cmocka_unit_test(test_parse_family),
		cmocka_unit_test(test_parse_info),
		cmocka_unit_test(test_parse_stats),
		cmocka_unit_test(test_parse_stats_pads),
		cmocka_unit_test(test_parse_stats_bad),
		cmocka_unit_test(test_parse_rule),
		cmocka_unit_test(test_parse_rule_defaults_and_errors),
		cmocka_unit_test(test_parse_count_lookup),
		cmocka_unit_test(test_parse_tunable),
		cmocka_unit_test(test_parse_events),
		cmocka_unit_test(test_parse_conn),
		cmocka_unit_test(test_parse_conn_events),
		cmocka_unit_test(test_conn_contract),
		cmocka_unit_test(test_names),
	};
	const struct CMUnitTest errors[] = {
		cmocka_unit_test(test_ack_message_only),
		cmocka_unit_test(test_ack_offset_names_rule_attr),
		cmocka_unit_test(test_ack_missing_attribute),
		cmocka_unit_test(test_ack_single_rule_offset),
		cmocka_unit_test(test_ack_dump_done),
		cmocka_unit_test(test_ack_from_bytes),
		cmocka_unit_test(test_nle_to_errno),
		cmocka_unit_test(test_handle_without_open),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("msg-build", build, NULL, NULL);
	failed += cmocka_run_group_tests_name("msg-parse", parse, NULL, NULL);
	failed += cmocka_run_group_tests_name("msg-errors", errors, NULL, NULL);
	return failed ? 1 : 0;
}
