/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsdpctl internals: netlink message builders and reply parsers, split
 * from the socket I/O so the unit tests can feed them canned messages.
 * Nothing here is exported from the shared library (hidden visibility).
 */
#ifndef LIBSDPCTL_INTERNAL_H
#define LIBSDPCTL_INTERNAL_H

#include <netlink/msg.h>
#include <netlink/attr.h>

#include "sdpctl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SDPCTL_OFFSETOFEND(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

/*
 * The bytes of each public object this library knows: up to the end of
 * its last field (tail padding excluded, as a later field may go there).
 */
#define SDPCTL_INFO_KNOWN	SDPCTL_OFFSETOFEND(struct sdpctl_info, features)
#define SDPCTL_RULE_KNOWN	SDPCTL_OFFSETOFEND(struct sdpctl_rule, line)
#define SDPCTL_LOOKUP_KNOWN	SDPCTL_OFFSETOFEND(struct sdpctl_lookup, program)
#define SDPCTL_TUNABLE_KNOWN	SDPCTL_OFFSETOFEND(struct sdpctl_tunable, doc)
#define SDPCTL_CONN_KNOWN	SDPCTL_OFFSETOFEND(struct sdpctl_conn, mem_pages)
#define SDPCTL_PERR_KNOWN	SDPCTL_OFFSETOFEND(struct sdpctl_parse_error, msg)

/*
 * The public objects as ABI 2 first published them: the smallest a caller
 * may pass.  These stay when fields are appended; the KNOWN sizes grow.
 */
#define SDPCTL_INFO_SIZE_2	SDPCTL_INFO_KNOWN
#define SDPCTL_RULE_SIZE_2	SDPCTL_RULE_KNOWN
#define SDPCTL_LOOKUP_SIZE_2	SDPCTL_LOOKUP_KNOWN
#define SDPCTL_TUNABLE_SIZE_2	SDPCTL_TUNABLE_KNOWN
#define SDPCTL_PERR_SIZE_2	SDPCTL_PERR_KNOWN

/* A caller's object of @user_size bytes holds ABI 2's: 0 or -EINVAL. */
int sdpctl_obj_size_ok(size_t user_size, size_t min_size);
/*
 * The caller's object as the library's (zero-extended): 0, -EINVAL if
 * smaller than ABI 2's, -E2BIG if bytes past the library's are set.
 */
int sdpctl_obj_in(void *own, size_t own_size, const void *user,
		  size_t user_size, size_t min_size);
/*
 * The @known bytes of the library's object into the caller's, the rest of
 * it zeroed; its size says how much was filled in.
 */
void sdpctl_obj_out(void *user, size_t user_size, const void *own,
		    size_t known);

/* A scalar counter of the stats attribute set (spec-names.h). */
struct sdpctl_counter_name {
	uint16_t attr;
	const char *name;
};

/* Room for the kernel's extended ack text plus the attribute we name. */
#define SDPCTL_ERRMSG_LEN 384

struct sdpctl {
	struct nl_sock *sock;		/* requests and their replies */
	struct nl_sock *mon;		/* events, after sdpctl_monitor_open() */
	int family_id;
	int events_group;		/* multicast group id, 0 if none */
	void *rxbuf;
	size_t rxbuf_len;
	bool has_errmsg;
	int err_rule_index;
	char errmsg[SDPCTL_ERRMSG_LEN];
};

/* Why a request failed, decoded from an NLMSG_ERROR or NLMSG_DONE. */
struct sdpctl_ack {
	int error;			/* 0 or -errno */
	int rule_index;			/* -1 unless the kernel pointed at one */
	bool has_msg;
	char msg[SDPCTL_ERRMSG_LEN];
};

/* Called for each reply message; returns as the public dump callbacks do. */
typedef int (*sdpctl_reply_fn)(struct nlmsghdr *nlh, void *arg);

/* sdpctl_open() for any generic netlink family (tests use "nlctrl"). */
int sdpctl_open_family(const char *name, struct sdpctl **h);

/*
 * Send req (freed here) and read to its ack or the end of its dump,
 * handing each reply of the request's type to fn. 0 or -errno; a kernel
 * error leaves its extended ack in sdpctl_errmsg().
 */
int sdpctl_request(struct sdpctl *h, struct nl_msg *req, sdpctl_reply_fn fn,
		   void *arg);

/* libnl's NLE_* codes to -errno, for the few libnl calls that can fail. */
int sdpctl_nle_to_errno(int nle);

/* ---- request builders: 0 or -errno, *out owned by the caller ---- */

int sdpctl_msg_new(int family_id, uint8_t cmd, int nlm_flags, size_t payload,
		   struct nl_msg **out);
int sdpctl_msg_family(const char *name, struct nl_msg **out);
int sdpctl_msg_map_add(int family_id, const struct sdpctl_rule *r,
		       struct nl_msg **out);
int sdpctl_msg_map_del_id(int family_id, uint32_t id, struct nl_msg **out);
int sdpctl_msg_map_del_match(int family_id, const struct sdpctl_rule *r,
			     struct nl_msg **out);
int sdpctl_msg_map_get(int family_id, uint32_t id, struct nl_msg **out);
int sdpctl_msg_map_replace(int family_id, const struct sdpctl_rule *rules,
			   size_t n, struct nl_msg **out);
int sdpctl_msg_map_lookup(int family_id, const struct sdpctl_lookup *q,
			  struct nl_msg **out);
int sdpctl_msg_tune_get(int family_id, const char *name, struct nl_msg **out);
int sdpctl_msg_tune_set(int family_id, const char *name, uint64_t value,
			struct nl_msg **out);

/* ---- reply parsers: 0 or -errno (-EINVAL/-EBADMSG for bad replies) ---- */

int sdpctl_parse_family(struct nlmsghdr *nlh, int *family_id,
			int *events_group);
int sdpctl_parse_info(struct nlmsghdr *nlh, struct sdpctl_info *info);
/* *st: a new stats object (see stats.c); any earlier one is freed. */
int sdpctl_parse_stats(struct nlmsghdr *nlh, struct sdpctl_stats **st);
int sdpctl_parse_rule_attr(struct nlattr *nest, struct sdpctl_rule *r);
int sdpctl_parse_rule_msg(struct nlmsghdr *nlh, struct sdpctl_rule *r);
int sdpctl_parse_count(struct nlmsghdr *nlh, uint32_t *count);
int sdpctl_parse_lookup(struct nlmsghdr *nlh, uint32_t *action,
			uint32_t *rule_id);
int sdpctl_parse_tunable(struct nlmsghdr *nlh, struct sdpctl_tunable *t);
int sdpctl_parse_conn(struct nlmsghdr *nlh, struct sdpctl_conn *c);
/* 1 and *ev filled for an sdp event, 0 for a message to ignore, -errno. */
int sdpctl_parse_event(struct nlmsghdr *nlh, int family_id,
		       struct sdpctl_event *ev);

/*
 * Decode an NLMSG_ERROR (or the error of a dump's NLMSG_DONE): the errno
 * and the extended ack; req (may be NULL) is the request it answers, used
 * to name the attribute at NLMSGERR_ATTR_OFFS.
 */
void sdpctl_parse_ack(const struct nlmsghdr *nlh, const struct nlmsghdr *req,
		      struct sdpctl_ack *ack);

/* Name the attribute at byte offset off of request req, e.g. "rule[2].addr". */
int sdpctl_describe_offset(const struct nlmsghdr *req, uint32_t off,
			   char *buf, size_t len, int *rule_index);

#endif /* LIBSDPCTL_INTERNAL_H */
