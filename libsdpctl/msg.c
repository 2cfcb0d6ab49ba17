// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Netlink message building and reply parsing, with no socket I/O: every
 * function here works on a message in memory, so the unit tests can drive
 * them with canned messages.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "internal.h"
#include "spec-tables.h"

int sdpctl_nle_to_errno(int nle)
{
	static const struct { int nle, err; } map[] = {
		{ NLE_SUCCESS, 0 },
		{ NLE_INTR, EINTR },
		{ NLE_BAD_SOCK, EBADF },
		{ NLE_AGAIN, EAGAIN },
		{ NLE_NOMEM, ENOMEM },
		{ NLE_EXIST, EEXIST },
		{ NLE_INVAL, EINVAL },
		{ NLE_RANGE, ERANGE },
		{ NLE_MSGSIZE, EMSGSIZE },
		{ NLE_OPNOTSUPP, EOPNOTSUPP },
		{ NLE_AF_NOSUPPORT, EAFNOSUPPORT },
		{ NLE_OBJ_NOTFOUND, ENOENT },
		{ NLE_NOATTR, ENOENT },
		{ NLE_MSG_TOOSHORT, EBADMSG },
		{ NLE_MSG_TRUNC, EMSGSIZE },
		{ NLE_PROTO_MISMATCH, EPROTONOSUPPORT },
		{ NLE_NOACCESS, EACCES },
		{ NLE_PERM, EPERM },
		{ NLE_BUSY, EBUSY },
		{ NLE_NODEV, ENODEV },
	};
	size_t i;

	if (nle < 0)
		nle = -nle;
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].nle == nle)
			return -map[i].err;
	return -EIO;
}

/* ---- building --------------------------------------------------------- */

/* Fixed header room plus slack for the attribute headers we add. */
#define MSG_OVERHEAD (NLMSG_HDRLEN + GENL_HDRLEN + 64)
/* Generous upper bound of one nested rule (all attributes, padded). */
#define RULE_NEST_MAX 160

static int msg_new_proto(int family_id, uint8_t cmd, uint8_t version,
			 int nlm_flags, size_t payload, struct nl_msg **out)
{
	struct nl_msg *msg;

	*out = NULL;
	msg = nlmsg_alloc_size(MSG_OVERHEAD + payload);
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0,
			 nlm_flags, cmd, version)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	*out = msg;
	return 0;
}

int sdpctl_msg_new(int family_id, uint8_t cmd, int nlm_flags, size_t payload,
		   struct nl_msg **out)
{
	return msg_new_proto(family_id, cmd, SDP_FAMILY_VERSION, nlm_flags,
			     payload, out);
}

int sdpctl_msg_family(const char *name, struct nl_msg **out)
{
	int err = msg_new_proto(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0, 64, out);

	if (err)
		return err;
	if (nla_put_string(*out, CTRL_ATTR_FAMILY_NAME, name) < 0) {
		nlmsg_free(*out);
		*out = NULL;
		return -EMSGSIZE;
	}
	return 0;
}

static int addr_len(uint16_t family)
{
	switch (family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	default:
		return -EAFNOSUPPORT;
	}
}

/* A rule's: AF_UNSPEC is both families, and has no address. */
static int rule_addr_len(uint16_t family)
{
	return family == AF_UNSPEC ? 0 : addr_len(family);
}

/* What of a rule a request carries. */
enum {
	PUT_ID		= 1 << 0,
	PUT_POSITION	= 1 << 1,	/* only if has_position */
	PUT_MATCH	= 1 << 2,	/* match attributes and action */
};

static int put_rule(struct nl_msg *msg, const struct sdpctl_rule *r,
		    unsigned int what)
{
	struct nlattr *nest;
	int alen = rule_addr_len(r->family);

	if ((what & PUT_MATCH) && alen < 0)
		return alen;
	/* New genl families validate strictly: nests must say they are. */
	nest = nla_nest_start(msg, SDP_A_MAP_RULE | NLA_F_NESTED);
	if (!nest)
		return -EMSGSIZE;
	if ((what & PUT_ID) && nla_put_u32(msg, SDP_A_RULE_ID, r->id) < 0)
		return -EMSGSIZE;
	if ((what & PUT_POSITION) && r->has_position &&
	    nla_put_u32(msg, SDP_A_RULE_POSITION, r->position) < 0)
		return -EMSGSIZE;
	if (what & PUT_MATCH) {
		/* No family is both families (and then no address). */
		if ((alen && nla_put_u16(msg, SDP_A_RULE_FAMILY, r->family) < 0) ||
		    (alen && nla_put(msg, SDP_A_RULE_ADDR, alen, r->addr) < 0) ||
		    nla_put_u8(msg, SDP_A_RULE_PREFIX_LEN, r->prefix_len) < 0 ||
		    nla_put_u16(msg, SDP_A_RULE_PORT_MIN, r->port_min) < 0 ||
		    nla_put_u16(msg, SDP_A_RULE_PORT_MAX, r->port_max) < 0 ||
		    nla_put_u32(msg, SDP_A_RULE_ACTION, r->action) < 0)
			return -EMSGSIZE;
		/* Absent role means both sides, as does an absent program. */
		if (r->role && nla_put_u32(msg, SDP_A_RULE_ROLE, r->role) < 0)
			return -EMSGSIZE;
		if (r->program[0] &&
		    nla_put_string(msg, SDP_A_RULE_PROGRAM, r->program) < 0)
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* Build cmd with one rule nest; frees the message on failure. */
static int msg_one_rule(int family_id, uint8_t cmd, const struct sdpctl_rule *r,
			unsigned int what, struct nl_msg **out)
{
	int err = sdpctl_msg_new(family_id, cmd, 0, RULE_NEST_MAX, out);

	if (err)
		return err;
	err = put_rule(*out, r, what);
	if (err) {
		nlmsg_free(*out);
		*out = NULL;
	}
	return err;
}

int sdpctl_msg_map_add(int family_id, const struct sdpctl_rule *r,
		       struct nl_msg **out)
{
	return msg_one_rule(family_id, SDP_CMD_MAP_ADD, r,
			    PUT_POSITION | PUT_MATCH, out);
}

int sdpctl_msg_map_del_id(int family_id, uint32_t id, struct nl_msg **out)
{
	struct sdpctl_rule r = { .id = id };

	return msg_one_rule(family_id, SDP_CMD_MAP_DEL, &r, PUT_ID, out);
}

int sdpctl_msg_map_del_match(int family_id, const struct sdpctl_rule *r,
			     struct nl_msg **out)
{
	return msg_one_rule(family_id, SDP_CMD_MAP_DEL, r, PUT_MATCH, out);
}

int sdpctl_msg_map_get(int family_id, uint32_t id, struct nl_msg **out)
{
	struct sdpctl_rule r = { .id = id };

	return msg_one_rule(family_id, SDP_CMD_MAP_GET, &r, PUT_ID, out);
}

int sdpctl_msg_map_replace(int family_id, const struct sdpctl_rule *rules,
			   size_t n, struct nl_msg **out)
{
	size_t i;
	int err;

	if (n > (SIZE_MAX - MSG_OVERHEAD) / RULE_NEST_MAX)
		return -E2BIG;
	err = sdpctl_msg_new(family_id, SDP_CMD_MAP_REPLACE, 0,
			     n * RULE_NEST_MAX, out);
	if (err)
		return err;
	/* The table order is the request order: positions mean nothing. */
	for (i = 0; i < n; i++) {
		err = put_rule(*out, &rules[i], PUT_MATCH);
		if (err) {
			nlmsg_free(*out);
			*out = NULL;
			return err;
		}
	}
	return 0;
}

int sdpctl_msg_map_lookup(int family_id, const struct sdpctl_lookup *q,
			  struct nl_msg **out)
{
	int alen = addr_len(q->family);
	int err;

	if (alen < 0)
		return alen;
	err = sdpctl_msg_new(family_id, SDP_CMD_MAP_LOOKUP, 0, 96, out);
	if (err)
		return err;
	if (nla_put_u16(*out, SDP_A_LOOKUP_FAMILY, q->family) < 0 ||
	    nla_put(*out, SDP_A_LOOKUP_ADDR, alen, q->addr) < 0 ||
	    nla_put_u16(*out, SDP_A_LOOKUP_PORT, q->port) < 0 ||
	    nla_put_u32(*out, SDP_A_LOOKUP_ROLE, q->role) < 0 ||
	    (q->program[0] &&
	     nla_put_string(*out, SDP_A_LOOKUP_PROGRAM, q->program) < 0)) {
		nlmsg_free(*out);
		*out = NULL;
		return -EMSGSIZE;
	}
	return 0;
}

static int check_tunable_name(const char *name)
{
	size_t len = strlen(name);

	return len && len <= SDP_TUNABLE_NAME_MAX_LEN ? 0 : -EINVAL;
}

int sdpctl_msg_tune_get(int family_id, const char *name, struct nl_msg **out)
{
	int err = check_tunable_name(name);

	if (!err)
		err = sdpctl_msg_new(family_id, SDP_CMD_TUNE_GET, 0, 64, out);
	if (err)
		return err;
	if (nla_put_string(*out, SDP_A_TUNABLE_NAME, name) < 0) {
		nlmsg_free(*out);
		*out = NULL;
		return -EMSGSIZE;
	}
	return 0;
}

int sdpctl_msg_tune_set(int family_id, const char *name, uint64_t value,
			struct nl_msg **out)
{
	int err = check_tunable_name(name);

	if (!err)
		err = sdpctl_msg_new(family_id, SDP_CMD_TUNE_SET, 0, 64, out);
	if (err)
		return err;
	if (nla_put_string(*out, SDP_A_TUNABLE_NAME, name) < 0 ||
	    nla_put_u64(*out, SDP_A_TUNABLE_VALUE, value) < 0) {
		nlmsg_free(*out);
		*out = NULL;
		return -EMSGSIZE;
	}
	return 0;
}

/* ---- parsing ---------------------------------------------------------- */

/*
 * Policies only check sizes; ids above each table's max (attributes a
 * newer kernel appended) are skipped by nla_parse().  The genl
 * controller's are ours; sdp's are generated from the spec
 * (spec-tables.c).
 */
static const struct nla_policy ctrl_policy[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID]		= { .type = NLA_U16 },
	[CTRL_ATTR_MCAST_GROUPS]	= { .type = NLA_NESTED },
};

static const struct nla_policy mcgrp_policy[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
	[CTRL_ATTR_MCAST_GRP_NAME]	= { .type = NLA_STRING },
	[CTRL_ATTR_MCAST_GRP_ID]	= { .type = NLA_U32 },
};

static int genl_parse(struct nlmsghdr *nlh, struct nlattr **tb, int maxtype,
		      const struct nla_policy *policy)
{
	return genlmsg_parse(nlh, 0, tb, maxtype, policy) < 0 ? -EBADMSG : 0;
}

int sdpctl_parse_family(struct nlmsghdr *nlh, int *family_id,
			int *events_group)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nlattr *grp;
	int rem;

	if (genl_parse(nlh, tb, CTRL_ATTR_MAX, ctrl_policy) ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return -EBADMSG;
	*family_id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	*events_group = 0;
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	nla_for_each_nested(grp, tb[CTRL_ATTR_MCAST_GROUPS], rem) {
		struct nlattr *gtb[CTRL_ATTR_MCAST_GRP_MAX + 1];

		if (nla_parse_nested(gtb, CTRL_ATTR_MCAST_GRP_MAX, grp,
				     mcgrp_policy) < 0)
			return -EBADMSG;
		if (gtb[CTRL_ATTR_MCAST_GRP_NAME] && gtb[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(nla_get_string(gtb[CTRL_ATTR_MCAST_GRP_NAME]),
			    SDP_MCGRP_EVENTS))
			*events_group = nla_get_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

int sdpctl_parse_info(struct nlmsghdr *nlh, struct sdpctl_info *info)
{
	struct nlattr *tb[SDP_A_INFO_MAX + 1];

	memset(info, 0, sizeof(*info));
	info->size = SDPCTL_INFO_KNOWN;
	if (genl_parse(nlh, tb, SDP_A_INFO_MAX, spec_info_policy))
		return -EBADMSG;
	if (tb[SDP_A_INFO_VERSION])
		nla_strlcpy(info->version, tb[SDP_A_INFO_VERSION],
			    sizeof(info->version));
	if (tb[SDP_A_INFO_AF_INET_SDP])
		info->af_inet_sdp = nla_get_u32(tb[SDP_A_INFO_AF_INET_SDP]);
	if (tb[SDP_A_INFO_PROTO_VERSION])
		info->proto_version = nla_get_u32(tb[SDP_A_INFO_PROTO_VERSION]);
	if (tb[SDP_A_INFO_FEATURES])
		info->features = nla_get_u32(tb[SDP_A_INFO_FEATURES]);
	return 0;
}

int sdpctl_parse_rule_attr(struct nlattr *nest, struct sdpctl_rule *r)
{
	struct nlattr *tb[SDP_A_RULE_MAX + 1];
	struct nlattr *addr;

	sdpctl_rule_init(r);
	if (nla_parse_nested(tb, SDP_A_RULE_MAX, nest, spec_rule_policy) < 0)
		return -EBADMSG;
	if (tb[SDP_A_RULE_ID])
		r->id = nla_get_u32(tb[SDP_A_RULE_ID]);
	if (tb[SDP_A_RULE_POSITION]) {
		r->position = nla_get_u32(tb[SDP_A_RULE_POSITION]);
		r->has_position = true;
	}
	addr = tb[SDP_A_RULE_ADDR];
	if (tb[SDP_A_RULE_FAMILY])
		r->family = nla_get_u16(tb[SDP_A_RULE_FAMILY]);
	else if (addr && nla_len(addr) == 16)
		r->family = AF_INET6;
	if (addr) {
		if (nla_len(addr) != rule_addr_len(r->family) || !nla_len(addr))
			return -EBADMSG;
		memcpy(r->addr, nla_data(addr), nla_len(addr));
	}
	if (tb[SDP_A_RULE_PREFIX_LEN])
		r->prefix_len = nla_get_u8(tb[SDP_A_RULE_PREFIX_LEN]);
	if (tb[SDP_A_RULE_PORT_MIN])
		r->port_min = nla_get_u16(tb[SDP_A_RULE_PORT_MIN]);
	if (tb[SDP_A_RULE_PORT_MAX])
		r->port_max = nla_get_u16(tb[SDP_A_RULE_PORT_MAX]);
	if (tb[SDP_A_RULE_ROLE])
		r->role = nla_get_u32(tb[SDP_A_RULE_ROLE]);
	if (tb[SDP_A_RULE_PROGRAM])
		nla_strlcpy(r->program, tb[SDP_A_RULE_PROGRAM],
			    sizeof(r->program));
	if (tb[SDP_A_RULE_ACTION])
		r->action = nla_get_u32(tb[SDP_A_RULE_ACTION]);
	if (tb[SDP_A_RULE_HITS])
		r->hits = nla_get_u64(tb[SDP_A_RULE_HITS]);
	return 0;
}

int sdpctl_parse_rule_msg(struct nlmsghdr *nlh, struct sdpctl_rule *r)
{
	struct nlattr *tb[SDP_A_MAP_MAX + 1];

	if (genl_parse(nlh, tb, SDP_A_MAP_MAX, spec_map_policy) ||
	    !tb[SDP_A_MAP_RULE])
		return -EBADMSG;
	return sdpctl_parse_rule_attr(tb[SDP_A_MAP_RULE], r);
}

int sdpctl_parse_count(struct nlmsghdr *nlh, uint32_t *count)
{
	struct nlattr *tb[SDP_A_MAP_MAX + 1];

	if (genl_parse(nlh, tb, SDP_A_MAP_MAX, spec_map_policy))
		return -EBADMSG;
	*count = tb[SDP_A_MAP_COUNT] ? nla_get_u32(tb[SDP_A_MAP_COUNT]) : 0;
	return 0;
}

int sdpctl_parse_lookup(struct nlmsghdr *nlh, uint32_t *action,
			uint32_t *rule_id)
{
	struct nlattr *tb[SDP_A_LOOKUP_MAX + 1];

	if (genl_parse(nlh, tb, SDP_A_LOOKUP_MAX, spec_lookup_policy) ||
	    !tb[SDP_A_LOOKUP_ACTION])
		return -EBADMSG;
	*action = nla_get_u32(tb[SDP_A_LOOKUP_ACTION]);
	*rule_id = tb[SDP_A_LOOKUP_RULE_ID] ?
		   nla_get_u32(tb[SDP_A_LOOKUP_RULE_ID]) : 0;
	return 0;
}

int sdpctl_parse_tunable(struct nlmsghdr *nlh, struct sdpctl_tunable *t)
{
	struct nlattr *tb[SDP_A_TUNABLE_MAX + 1];

	memset(t, 0, sizeof(*t));
	t->size = SDPCTL_TUNABLE_KNOWN;
	if (genl_parse(nlh, tb, SDP_A_TUNABLE_MAX, spec_tunable_policy) ||
	    !tb[SDP_A_TUNABLE_NAME])
		return -EBADMSG;
	nla_strlcpy(t->name, tb[SDP_A_TUNABLE_NAME], sizeof(t->name));
	if (tb[SDP_A_TUNABLE_VALUE])
		t->value = nla_get_u64(tb[SDP_A_TUNABLE_VALUE]);
	if (tb[SDP_A_TUNABLE_DEFAULT])
		t->def = nla_get_u64(tb[SDP_A_TUNABLE_DEFAULT]);
	if (tb[SDP_A_TUNABLE_MINIMUM])
		t->min = nla_get_u64(tb[SDP_A_TUNABLE_MINIMUM]);
	if (tb[SDP_A_TUNABLE_MAXIMUM])
		t->max = nla_get_u64(tb[SDP_A_TUNABLE_MAXIMUM]);
	if (tb[SDP_A_TUNABLE_UNIT])
		nla_strlcpy(t->unit, tb[SDP_A_TUNABLE_UNIT], sizeof(t->unit));
	if (tb[SDP_A_TUNABLE_DOC])
		nla_strlcpy(t->doc, tb[SDP_A_TUNABLE_DOC], sizeof(t->doc));
	return 0;
}

/* An address attribute of a conn: exactly the family's length. */
static int conn_addr(struct nlattr *a, uint16_t family, uint8_t *out)
{
	if (nla_len(a) != addr_len(family))
		return -EBADMSG;
	memcpy(out, nla_data(a), (size_t)nla_len(a));
	return 0;
}

int sdpctl_parse_conn(struct nlmsghdr *nlh, struct sdpctl_conn *c)
{
	struct nlattr *tb[SDP_A_CONN_MAX + 1];

	memset(c, 0, sizeof(*c));
	c->size = SDPCTL_CONN_KNOWN;
	if (genl_parse(nlh, tb, SDP_A_CONN_MAX, spec_conn_policy) ||
	    !tb[SDP_A_CONN_FAMILY] || !tb[SDP_A_CONN_STATE])
		return -EBADMSG;
	c->family = nla_get_u16(tb[SDP_A_CONN_FAMILY]);
	if (addr_len(c->family) < 0)
		return -EBADMSG;
	if (tb[SDP_A_CONN_LOCAL_ADDR] &&
	    conn_addr(tb[SDP_A_CONN_LOCAL_ADDR], c->family, c->local_addr))
		return -EBADMSG;
	if (tb[SDP_A_CONN_LOCAL_PORT])
		c->local_port = nla_get_u16(tb[SDP_A_CONN_LOCAL_PORT]);
	if (tb[SDP_A_CONN_REMOTE_ADDR]) {
		if (conn_addr(tb[SDP_A_CONN_REMOTE_ADDR], c->family,
			      c->remote_addr))
			return -EBADMSG;
		c->has_remote = true;
	}
	if (tb[SDP_A_CONN_REMOTE_PORT])
		c->remote_port = nla_get_u16(tb[SDP_A_CONN_REMOTE_PORT]);
	c->state = nla_get_u8(tb[SDP_A_CONN_STATE]);
	if (tb[SDP_A_CONN_TX_BYTES])
		c->tx_bytes = nla_get_u64(tb[SDP_A_CONN_TX_BYTES]);
	if (tb[SDP_A_CONN_RX_BYTES])
		c->rx_bytes = nla_get_u64(tb[SDP_A_CONN_RX_BYTES]);
	if (tb[SDP_A_CONN_TX_CREDITS])
		c->tx_credits = nla_get_u32(tb[SDP_A_CONN_TX_CREDITS]);
	if (tb[SDP_A_CONN_RX_POSTED])
		c->rx_posted = nla_get_u32(tb[SDP_A_CONN_RX_POSTED]);
	if (tb[SDP_A_CONN_TX_QUEUED])
		c->tx_queued = nla_get_u32(tb[SDP_A_CONN_TX_QUEUED]);
	if (tb[SDP_A_CONN_RX_QUEUED])
		c->rx_queued = nla_get_u32(tb[SDP_A_CONN_RX_QUEUED]);
	if (tb[SDP_A_CONN_UID])
		c->uid = nla_get_u32(tb[SDP_A_CONN_UID]);
	if (tb[SDP_A_CONN_INODE])
		c->inode = nla_get_u64(tb[SDP_A_CONN_INODE]);
	if (tb[SDP_A_CONN_COOKIE])
		c->cookie = nla_get_u64(tb[SDP_A_CONN_COOKIE]);
	/* A module that does not say lists SDP sockets only. */
	c->transport = tb[SDP_A_CONN_TRANSPORT] ?
		       nla_get_u8(tb[SDP_A_CONN_TRANSPORT]) : SDP_TRANSPORT_SDP;
	if (tb[SDP_A_CONN_FALLBACK_REASON])
		c->fallback_reason = nla_get_u8(tb[SDP_A_CONN_FALLBACK_REASON]);
	if (tb[SDP_A_CONN_MEM_PAGES])
		c->mem_pages = nla_get_u32(tb[SDP_A_CONN_MEM_PAGES]);
	return 0;
}

int sdpctl_parse_event(struct nlmsghdr *nlh, int family_id,
		       struct sdpctl_event *ev)
{
	struct genlmsghdr *ghdr;
	int err;

	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	if (nlh->nlmsg_type != family_id)
		return 0;
	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	ghdr = nlmsg_data(nlh);
	/* The request command ids are accepted too, to be lenient. */
	switch (ghdr->cmd) {
	case SDP_CMD_MAP_ADD_NTF:
	case SDP_CMD_MAP_ADD:
		ev->type = SDPCTL_EVENT_MAP_ADD;
		err = sdpctl_parse_rule_msg(nlh, &ev->rule);
		break;
	case SDP_CMD_MAP_DEL_NTF:
	case SDP_CMD_MAP_DEL:
		ev->type = SDPCTL_EVENT_MAP_DEL;
		err = sdpctl_parse_rule_msg(nlh, &ev->rule);
		break;
	case SDP_CMD_MAP_FLUSH_NTF:
	case SDP_CMD_MAP_FLUSH:
		ev->type = SDPCTL_EVENT_MAP_FLUSH;
		err = sdpctl_parse_count(nlh, &ev->count);
		break;
	case SDP_CMD_MAP_REPLACE_NTF:
	case SDP_CMD_MAP_REPLACE:
		ev->type = SDPCTL_EVENT_MAP_REPLACE;
		err = sdpctl_parse_count(nlh, &ev->count);
		break;
	case SDP_CMD_TUNE_SET_NTF:
	case SDP_CMD_TUNE_SET:
		ev->type = SDPCTL_EVENT_TUNE_SET;
		err = sdpctl_parse_tunable(nlh, &ev->tunable);
		break;
	case SDP_CMD_STATS_RESET_NTF:
	case SDP_CMD_STATS_RESET:
		ev->type = SDPCTL_EVENT_STATS_RESET;
		err = 0;
		break;
	case SDP_CMD_CONN_UP_NTF:
		ev->type = SDPCTL_EVENT_CONN_UP;
		err = sdpctl_parse_conn(nlh, &ev->conn);
		break;
	case SDP_CMD_CONN_DOWN_NTF:
		ev->type = SDPCTL_EVENT_CONN_DOWN;
		err = sdpctl_parse_conn(nlh, &ev->conn);
		break;
	default:
		return 0;	/* an event newer than us */
	}
	return err ? err : 1;
}

/* ---- errors ----------------------------------------------------------- */

/* Attribute type of set, if the spec knows it. */
static const struct spec_attr *spec_attr(const struct spec_set *set, int type)
{
	if (!set || type < 0 || type > set->max || !set->attrs[type].name)
		return NULL;
	return &set->attrs[type];
}

static const char *attr_name(const struct spec_set *set, int type, char *tmp,
			     size_t len)
{
	const struct spec_attr *at = spec_attr(set, type);

	if (at)
		return at->name;
	snprintf(tmp, len, "%d", type);
	return tmp;
}

static const struct spec_set *op_set(const struct nlmsghdr *req)
{
	const struct genlmsghdr *g;

	if (!req || req->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return NULL;
	g = NLMSG_DATA(req);
	return g->cmd < ARRAY_SIZE(spec_op_sets) ? spec_op_sets[g->cmd] : NULL;
}

/* How many attributes of hit's type come before it in [head, hit). */
static int sibling_index(const struct nlattr *head, const struct nlattr *hit)
{
	const struct nlattr *a;
	int n = 0;

	for (a = head; a != hit; a = (const struct nlattr *)
	     ((const char *)a + NLA_ALIGN(a->nla_len)))
		n += nla_type(a) == nla_type(hit);
	return n;
}

/* Append ".name" (no dot first), and "[index]" if the set repeats it. */
static void append_name(char *buf, size_t len, const struct spec_set *set,
			const struct nlattr *head, const struct nlattr *a)
{
	const struct spec_attr *at = spec_attr(set, nla_type(a));
	size_t used = strlen(buf);
	char tmp[16];

	snprintf(buf + used, len - used, "%s%s", used ? "." : "",
		 attr_name(set, nla_type(a), tmp, sizeof(tmp)));
	used = strlen(buf);
	if (at && at->multi)
		snprintf(buf + used, len - used, "[%d]",
			 sibling_index(head, a));
}

/*
 * Find the attribute starting at offset off in request req and name it by
 * its path through the nests the spec describes: "rule[1].addr", with an
 * index only where the request's set says the attribute may repeat.  With
 * missing_type >= 0, name that attribute inside the nest at off instead
 * (NLMSGERR_ATTR_MISS_NEST/MISS_TYPE).  *nest_index gets the index of the
 * top-level nest the offset is in among those of its type.
 */
static int describe(const struct nlmsghdr *req, uint32_t off, int missing_type,
		    char *buf, size_t len, int *nest_index)
{
	uint32_t start = NLMSG_HDRLEN + GENL_HDRLEN;
	const struct spec_set *set = op_set(req);
	const struct nlattr *head, *a;
	int rem, depth;

	if (!req || req->nlmsg_len < start || off < start ||
	    off >= req->nlmsg_len)
		return -ENOENT;
	buf[0] = '\0';
	head = (const struct nlattr *)((const char *)req + start);
	rem = (int)(req->nlmsg_len - start);
	for (depth = 0;; depth++) {
		const struct spec_attr *at;
		const struct nlattr *hit = NULL;
		uint32_t pos = 0;
		char tmp[16];
		int arem;

		nla_for_each_attr(a, (struct nlattr *)head, rem, arem) {
			pos = (uint32_t)((const char *)a - (const char *)req);
			if (off >= pos && off < pos + a->nla_len) {
				hit = a;
				break;
			}
		}
		if (!hit)
			break;
		at = spec_attr(set, nla_type(hit));
		if (!depth && at && at->nested)
			*nest_index = sibling_index(head, hit);
		append_name(buf, len, set, head, hit);
		if (off == pos) {
			size_t used = strlen(buf);

			if (missing_type >= 0)
				snprintf(buf + used, len - used, ".%s",
					 attr_name(at ? at->nested : NULL,
						   missing_type, tmp,
						   sizeof(tmp)));
			return 0;
		}
		if (!at || !at->nested)
			break;
		set = at->nested;
		head = nla_data(hit);
		rem = nla_len(hit);
	}
	buf[0] = '\0';		/* not the start of an attribute */
	return -ENOENT;
}

int sdpctl_describe_offset(const struct nlmsghdr *req, uint32_t off,
			   char *buf, size_t len, int *rule_index)
{
	return describe(req, off, -1, buf, len, rule_index);
}

/*
 * The kernel's text says what is wrong; where (the attribute at
 * NLMSGERR_ATTR_OFFS, or the one MISS_TYPE and MISS_NEST say is missing)
 * is ours to name, from the request and the spec, as ynl does: the
 * kernel's messages do not repeat it.
 */
void sdpctl_parse_ack(const struct nlmsghdr *nlh, const struct nlmsghdr *req,
		      struct sdpctl_ack *ack)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *payload = NLMSG_DATA(nlh);
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	size_t tlv_off;
	char attr[64] = "", missing[64] = "", kmsg[256] = "";
	int missing_type = -1;

	memset(ack, 0, sizeof(*ack));
	ack->rule_index = -1;
	if (nlh->nlmsg_len < NLMSG_HDRLEN) {
		ack->error = -EBADMSG;
		return;
	}
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = (const void *)payload;

		if (plen < sizeof(*e)) {
			ack->error = -EBADMSG;
			return;
		}
		ack->error = e->error > 0 ? -e->error : e->error;
		tlv_off = sizeof(*e);
		/* Unless capped, the request is echoed before the TLVs. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    e->msg.nlmsg_len >= NLMSG_HDRLEN)
			tlv_off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	} else {
		/* A dump's NLMSG_DONE: an int error, then the TLVs. */
		int error = 0;

		if (plen >= sizeof(error))
			memcpy(&error, payload, sizeof(error));
		ack->error = error > 0 ? -error : error;
		tlv_off = NLMSG_ALIGN(sizeof(error));
	}
	if (!ack->error || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    tlv_off >= plen)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)(payload + tlv_off),
		      (int)(plen - tlv_off), NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(kmsg, tb[NLMSGERR_ATTR_MSG], sizeof(kmsg));
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4)
		describe(req, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]), -1, attr,
			 sizeof(attr), &ack->rule_index);
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= 4)
		missing_type = (int)nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	if (missing_type >= 0) {
		char tmp[16];

		if (!tb[NLMSGERR_ATTR_MISS_NEST] ||
		    nla_len(tb[NLMSGERR_ATTR_MISS_NEST]) < 4 ||
		    describe(req, nla_get_u32(tb[NLMSGERR_ATTR_MISS_NEST]),
			     missing_type, missing, sizeof(missing),
			     &ack->rule_index)) {
			snprintf(missing, sizeof(missing), "%s",
				 attr_name(op_set(req), missing_type, tmp,
					   sizeof(tmp)));
		}
	}

	if (kmsg[0] && attr[0])
		snprintf(ack->msg, sizeof(ack->msg), "%s (attribute %s)",
			 kmsg, attr);
	else if (kmsg[0] && missing[0])
		snprintf(ack->msg, sizeof(ack->msg),
			 "%s (missing attribute %s)", kmsg, missing);
	else if (kmsg[0])
		snprintf(ack->msg, sizeof(ack->msg), "%s", kmsg);
	else if (attr[0])
		snprintf(ack->msg, sizeof(ack->msg), "invalid attribute %s",
			 attr);
	else if (missing[0])
		snprintf(ack->msg, sizeof(ack->msg), "missing attribute %s",
			 missing);
	ack->has_msg = ack->msg[0] != '\0';
}
