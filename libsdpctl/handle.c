// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The handle: sockets, one request/reply exchange at a time, and the
 * public operations built on msg.c's builders and parsers.
 *
 * Replies are read with plain recv() rather than libnl's callback
 * machinery so that the kernel's errno and extended ack reach the caller
 * unchanged (libnl folds errnos into its own NLE_* codes).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/genl/genl.h>

#include "internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Netlink dumps fill at most 32 KiB per datagram; start there. */
#define RXBUF_MIN (32 * 1024)

static void clear_error(struct sdpctl *h)
{
	h->has_errmsg = false;
	h->errmsg[0] = '\0';
	h->err_rule_index = -1;
}

const char *sdpctl_errmsg(const struct sdpctl *h)
{
	return h && h->has_errmsg ? h->errmsg : NULL;
}

int sdpctl_err_rule_index(const struct sdpctl *h)
{
	return h ? h->err_rule_index : -1;
}

/* Receive one datagram from the kernel into h->rxbuf; length or -errno. */
static ssize_t recv_datagram(struct sdpctl *h, int fd, int flags)
{
	for (;;) {
		struct sockaddr_nl from;
		socklen_t from_len = sizeof(from);
		ssize_t len;

		/* Peek at the real size first so nothing is truncated. */
		len = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | flags);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if ((size_t)len > h->rxbuf_len) {
			void *bigger = realloc(h->rxbuf, (size_t)len);

			if (!bigger)
				return -ENOMEM;
			h->rxbuf = bigger;
			h->rxbuf_len = (size_t)len;
		}
		len = recvfrom(fd, h->rxbuf, h->rxbuf_len, flags,
			       (struct sockaddr *)&from, &from_len);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* Only the kernel speaks for the sdp family. */
		if (from_len == sizeof(from) && from.nl_pid == 0)
			return len;
	}
}

/*
 * Send req and read until its ack (or a dump's NLMSG_DONE), handing every
 * reply to fn. Errors from the kernel land in h->errmsg.
 */
static int transact(struct sdpctl *h, struct nl_msg *req,
		    sdpctl_reply_fn fn, void *arg)
{
	struct nlmsghdr *rh = nlmsg_hdr(req);
	int fd = nl_socket_get_fd(h->sock);
	bool dump = rh->nlmsg_flags & NLM_F_DUMP;
	bool stopped = false, interrupted = false;
	int fn_err = 0;

	clear_error(h);
	rh->nlmsg_pid = nl_socket_get_local_port(h->sock);
	rh->nlmsg_seq = nl_socket_use_seq(h->sock);
	/* A dump ends in NLMSG_DONE; asking for an ack too would be noise. */
	rh->nlmsg_flags |= NLM_F_REQUEST | (dump ? 0 : NLM_F_ACK);
	while (send(fd, rh, rh->nlmsg_len, 0) < 0)
		if (errno != EINTR)
			return -errno;

	for (;;) {
		ssize_t len = recv_datagram(h, fd, 0);
		struct nlmsghdr *nlh;
		int rem;

		if (len < 0)
			return (int)len;
		rem = (int)len;
		for (nlh = h->rxbuf; nlmsg_ok(nlh, rem);
		     nlh = nlmsg_next(nlh, &rem)) {
			struct sdpctl_ack ack;

			/* Left over from a request given up on: skip. */
			if (nlh->nlmsg_seq != rh->nlmsg_seq)
				continue;
			/* The kernel's data changed between dump parts. */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				interrupted = true;
			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    (dump && nlh->nlmsg_type == NLMSG_DONE)) {
				sdpctl_parse_ack(nlh, rh, &ack);
				if (ack.error) {
					h->has_errmsg = ack.has_msg;
					memcpy(h->errmsg, ack.msg,
					       sizeof(h->errmsg));
					h->err_rule_index = ack.rule_index;
					return ack.error;
				}
				return fn_err ? fn_err :
				       interrupted ? -EINTR : 0;
			}
			if (nlh->nlmsg_type == NLMSG_OVERRUN)
				return -EOVERFLOW;
			if (nlh->nlmsg_type != rh->nlmsg_type || !fn || stopped)
				continue;
			/* Keep reading to the end even if fn gave up. */
			fn_err = fn(nlh, arg);
			if (fn_err) {
				stopped = true;
				if (fn_err > 0)
					fn_err = 0;
			}
		}
	}
}

int sdpctl_request(struct sdpctl *h, struct nl_msg *req, sdpctl_reply_fn fn,
		   void *arg)
{
	int err = transact(h, req, fn, arg);

	nlmsg_free(req);
	return err;
}

/* ---- open / close ----------------------------------------------------- */

struct family_reply {
	int family_id;
	int events_group;
	bool got;
};

static int family_cb(struct nlmsghdr *nlh, void *arg)
{
	struct family_reply *f = arg;
	int err = sdpctl_parse_family(nlh, &f->family_id, &f->events_group);

	f->got = !err;
	return err;
}

static int new_socket(struct nl_sock **out)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	*out = NULL;
	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_GENERIC);
	if (err < 0) {
		nl_socket_free(sk);
		return sdpctl_nle_to_errno(err);
	}
	*out = sk;
	return 0;
}

int sdpctl_open(struct sdpctl **hp)
{
	return sdpctl_open_family(SDP_FAMILY_NAME, hp);
}

int sdpctl_open_family(const char *name, struct sdpctl **hp)
{
	struct family_reply fam = { 0 };
	struct sdpctl *h;
	struct nl_msg *req;
	int one = 1, fd, err;

	*hp = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->err_rule_index = -1;
	h->rxbuf_len = RXBUF_MIN;
	h->rxbuf = malloc(h->rxbuf_len);
	err = h->rxbuf ? new_socket(&h->sock) : -ENOMEM;
	if (err)
		goto fail;
	/*
	 * Ask for the kernel's error text and attribute offsets, and for acks
	 * that do not echo the request back. Old kernels lack these; fine.
	 */
	fd = nl_socket_get_fd(h->sock);
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	err = sdpctl_msg_family(name, &req);
	if (err)
		goto fail;
	/* The controller answers ENOENT when no such family is registered. */
	err = sdpctl_request(h, req, family_cb, &fam);
	if (!err && !fam.got)
		err = -EBADMSG;
	if (err)
		goto fail;
	h->family_id = fam.family_id;
	h->events_group = fam.events_group;
	clear_error(h);
	*hp = h;
	return 0;
fail:
	sdpctl_close(h);
	return err;
}

void sdpctl_close(struct sdpctl *h)
{
	if (!h)
		return;
	if (h->mon)
		nl_socket_free(h->mon);
	if (h->sock)
		nl_socket_free(h->sock);
	free(h->rxbuf);
	free(h);
}

/* ---- simple requests -------------------------------------------------- */

/* A do request with exactly one reply, parsed by parse into out. */
struct one_reply {
	int (*parse)(struct nlmsghdr *nlh, void *out);
	void *out;
	bool got;
};

static int one_reply_cb(struct nlmsghdr *nlh, void *arg)
{
	struct one_reply *one = arg;
	int err = one->parse(nlh, one->out);

	one->got = !err;
	return err;
}

static int run_one(struct sdpctl *h, struct nl_msg *req,
		   int (*parse)(struct nlmsghdr *, void *), void *out)
{
	struct one_reply one = { parse, out, false };
	int err = sdpctl_request(h, req, one_reply_cb, &one);

	return !err && !one.got ? -EBADMSG : err;
}

static int parse_info(struct nlmsghdr *nlh, void *out)
{
	return sdpctl_parse_info(nlh, out);
}

static int parse_stats(struct nlmsghdr *nlh, void *out)
{
	return sdpctl_parse_stats(nlh, out);
}

static int parse_rule(struct nlmsghdr *nlh, void *out)
{
	return sdpctl_parse_rule_msg(nlh, out);
}

static int parse_count(struct nlmsghdr *nlh, void *out)
{
	return sdpctl_parse_count(nlh, out);
}

static int parse_tunable(struct nlmsghdr *nlh, void *out)
{
	return sdpctl_parse_tunable(nlh, out);
}

struct lookup_result {
	uint32_t action, rule_id;
};

static int parse_lookup(struct nlmsghdr *nlh, void *out)
{
	struct lookup_result *res = out;

	return sdpctl_parse_lookup(nlh, &res->action, &res->rule_id);
}

int sdpctl_info_sz(struct sdpctl *h, struct sdpctl_info *info, size_t size)
{
	struct sdpctl_info own;
	struct nl_msg *req;
	int err;

	clear_error(h);
	err = sdpctl_obj_size_ok(size, SDPCTL_INFO_SIZE_2);
	if (!err)
		err = sdpctl_msg_new(h->family_id, SDP_CMD_INFO_GET, 0, 0, &req);
	if (!err)
		err = run_one(h, req, parse_info, &own);
	if (!err)
		sdpctl_obj_out(info, size, &own, SDPCTL_INFO_KNOWN);
	return err;
}

int sdpctl_stats_get(struct sdpctl *h, struct sdpctl_stats **st)
{
	struct nl_msg *req;
	int err;

	*st = NULL;
	clear_error(h);
	err = sdpctl_msg_new(h->family_id, SDP_CMD_STATS_GET, 0, 0, &req);
	if (!err)
		err = run_one(h, req, parse_stats, st);
	if (err) {
		sdpctl_stats_free(*st);
		*st = NULL;
	}
	return err;
}

int sdpctl_stats_reset(struct sdpctl *h)
{
	struct nl_msg *req;
	int err;

	clear_error(h);
	err = sdpctl_msg_new(h->family_id, SDP_CMD_STATS_RESET, 0, 0, &req);
	return err ? err : sdpctl_request(h, req, NULL, NULL);
}

int sdpctl_map_add_sz(struct sdpctl *h, const struct sdpctl_rule *in,
		      struct sdpctl_rule *out_stored, size_t size)
{
	struct sdpctl_rule rule, stored;
	struct nl_msg *req;
	int err;

	clear_error(h);
	err = sdpctl_obj_in(&rule, sizeof(rule), in, size, SDPCTL_RULE_SIZE_2);
	if (!err)
		err = sdpctl_msg_map_add(h->family_id, &rule, &req);
	if (!err)
		err = run_one(h, req, parse_rule, &stored);
	if (!err && out_stored)
		sdpctl_obj_out(out_stored, size, &stored, SDPCTL_RULE_KNOWN);
	return err;
}

int sdpctl_map_del_id(struct sdpctl *h, uint32_t id)
{
	struct nl_msg *req;
	int err;

	clear_error(h);
	err = sdpctl_msg_map_del_id(h->family_id, id, &req);
	return err ? err : sdpctl_request(h, req, NULL, NULL);
}

int sdpctl_map_del_match_sz(struct sdpctl *h, const struct sdpctl_rule *r,
			    size_t size)
{
	struct sdpctl_rule rule;
	struct nl_msg *req;
	int err;

	clear_error(h);
	err = sdpctl_obj_in(&rule, sizeof(rule), r, size, SDPCTL_RULE_SIZE_2);
	if (!err)
		err = sdpctl_msg_map_del_match(h->family_id, &rule, &req);
	return err ? err : sdpctl_request(h, req, NULL, NULL);
}

int sdpctl_map_get_sz(struct sdpctl *h, uint32_t id, struct sdpctl_rule *out,
		      size_t size)
{
	struct sdpctl_rule rule;
	struct nl_msg *req;
	int err;

	clear_error(h);
	err = sdpctl_obj_size_ok(size, SDPCTL_RULE_SIZE_2);
	if (!err)
		err = sdpctl_msg_map_get(h->family_id, id, &req);
	if (!err)
		err = run_one(h, req, parse_rule, &rule);
	if (!err)
		sdpctl_obj_out(out, size, &rule, SDPCTL_RULE_KNOWN);
	return err;
}

struct rule_dump {
	sdpctl_rule_cb cb;
	void *arg;
};

static int rule_dump_cb(struct nlmsghdr *nlh, void *arg)
{
	struct rule_dump *d = arg;
	struct sdpctl_rule r;
	int err = sdpctl_parse_rule_msg(nlh, &r);

	return err ? err : d->cb(&r, d->arg);
}

int sdpctl_map_dump(struct sdpctl *h, sdpctl_rule_cb cb, void *arg)
{
	struct rule_dump d = { cb, arg };
	struct nl_msg *req;
	int err;

	clear_error(h);
	err = sdpctl_msg_new(h->family_id, SDP_CMD_MAP_GET, NLM_F_DUMP, 0,
			     &req);
	return err ? err : sdpctl_request(h, req, rule_dump_cb, &d);
}

int sdpctl_map_flush(struct sdpctl *h, uint32_t *count)
{
	uint32_t scratch;
	struct nl_msg *req;
	int err;

	clear_error(h);
	err = sdpctl_msg_new(h->family_id, SDP_CMD_MAP_FLUSH, 0, 0, &req);
	return err ? err : run_one(h, req, parse_count,
				   count ? count : &scratch);
}

int sdpctl_map_replace_sz(struct sdpctl *h, const struct sdpctl_rule *rules,
			  size_t n, uint32_t *count, size_t size)
{
	struct sdpctl_rule *own = calloc(n ? n : 1, sizeof(*own));
	struct nl_msg *req;
	uint32_t scratch;
	int err = 0;
	size_t i;

	clear_error(h);
	if (!own)
		return -ENOMEM;
	/* The caller's array steps by the caller's size. */
	for (i = 0; i < n && !err; i++)
		err = sdpctl_obj_in(&own[i], sizeof(own[i]),
				    (const char *)rules + i * size, size,
				    SDPCTL_RULE_SIZE_2);
	if (!err)
		err = sdpctl_msg_map_replace(h->family_id, own, n, &req);
	free(own);
	return err ? err : run_one(h, req, parse_count,
				   count ? count : &scratch);
}

int sdpctl_map_lookup_sz(struct sdpctl *h, const struct sdpctl_lookup *q,
			 uint32_t *action, uint32_t *rule_id, size_t size)
{
	struct sdpctl_lookup query;
	struct lookup_result res;
	struct nl_msg *req;
	int err;

	clear_error(h);
	err = sdpctl_obj_in(&query, sizeof(query), q, size,
			    SDPCTL_LOOKUP_SIZE_2);
	if (!err)
		err = sdpctl_msg_map_lookup(h->family_id, &query, &req);
	if (!err)
		err = run_one(h, req, parse_lookup, &res);
	if (err)
		return err;
	*action = res.action;
	if (rule_id)
		*rule_id = res.rule_id;
	return 0;
}

int sdpctl_tune_get_sz(struct sdpctl *h, const char *name,
		       struct sdpctl_tunable *out, size_t size)
{
	struct sdpctl_tunable t;
	struct nl_msg *req;
	int err;

	clear_error(h);
	err = sdpctl_obj_size_ok(size, SDPCTL_TUNABLE_SIZE_2);
	if (!err)
		err = sdpctl_msg_tune_get(h->family_id, name, &req);
	if (!err)
		err = run_one(h, req, parse_tunable, &t);
	if (!err)
		sdpctl_obj_out(out, size, &t, SDPCTL_TUNABLE_KNOWN);
	return err;
}

struct tunable_dump {
	sdpctl_tunable_cb cb;
	void *arg;
};

static int tunable_dump_cb(struct nlmsghdr *nlh, void *arg)
{
	struct tunable_dump *d = arg;
	struct sdpctl_tunable t;
	int err = sdpctl_parse_tunable(nlh, &t);

	return err ? err : d->cb(&t, d->arg);
}

int sdpctl_tune_dump(struct sdpctl *h, sdpctl_tunable_cb cb, void *arg)
{
	struct tunable_dump d = { cb, arg };
	struct nl_msg *req;
	int err;

	clear_error(h);
	err = sdpctl_msg_new(h->family_id, SDP_CMD_TUNE_GET, NLM_F_DUMP, 0,
			     &req);
	return err ? err : sdpctl_request(h, req, tunable_dump_cb, &d);
}

int sdpctl_tune_set(struct sdpctl *h, const char *name, uint64_t value)
{
	struct nl_msg *req;
	int err;

	clear_error(h);
	err = sdpctl_msg_tune_set(h->family_id, name, value, &req);
	return err ? err : sdpctl_request(h, req, NULL, NULL);
}

/* ---- live sockets ----------------------------------------------------- */

struct conn_dump {
	sdpctl_conn_cb cb;
	void *arg;
};

static int conn_dump_cb(struct nlmsghdr *nlh, void *arg)
{
	struct conn_dump *d = arg;
	struct sdpctl_conn c;
	int err = sdpctl_parse_conn(nlh, &c);

	return err ? err : d->cb(&c, d->arg);
}

int sdpctl_conn_dump(struct sdpctl *h, sdpctl_conn_cb cb, void *arg)
{
	struct conn_dump d = { cb, arg };
	struct nl_msg *req;
	int err;

	clear_error(h);
	err = sdpctl_msg_new(h->family_id, SDP_CMD_CONN_GET, NLM_F_DUMP, 0,
			     &req);
	return err ? err : sdpctl_request(h, req, conn_dump_cb, &d);
}

/* ---- events ----------------------------------------------------------- */

int sdpctl_monitor_open(struct sdpctl *h)
{
	int err;

	if (h->mon)
		return 0;
	if (!h->events_group)
		return -EOPNOTSUPP;
	err = new_socket(&h->mon);
	if (err)
		return err;
	err = nl_socket_add_membership(h->mon, h->events_group);
	if (!err)
		err = nl_socket_set_nonblocking(h->mon);
	/* Bursts (a large map-replace is one event, a flush too) fit easily. */
	if (!err)
		err = nl_socket_set_buffer_size(h->mon, 1 << 20, 0);
	if (err) {
		nl_socket_free(h->mon);
		h->mon = NULL;
		return sdpctl_nle_to_errno(err);
	}
	return 0;
}

int sdpctl_monitor_fd(const struct sdpctl *h)
{
	return h->mon ? nl_socket_get_fd(h->mon) : -EBADF;
}

int sdpctl_monitor_dispatch(struct sdpctl *h, sdpctl_event_cb cb, void *arg)
{
	int fd, delivered = 0;

	if (!h->mon)
		return -EBADF;
	fd = nl_socket_get_fd(h->mon);
	for (;;) {
		ssize_t len = recv_datagram(h, fd, MSG_DONTWAIT);
		struct nlmsghdr *nlh;
		int rem;

		if (len == -EAGAIN || len == -EWOULDBLOCK)
			return delivered;
		if (len < 0)
			return (int)len;
		rem = (int)len;
		for (nlh = h->rxbuf; nlmsg_ok(nlh, rem);
		     nlh = nlmsg_next(nlh, &rem)) {
			struct sdpctl_event ev;
			int ret = sdpctl_parse_event(nlh, h->family_id, &ev);

			if (ret < 0)
				return ret;
			if (!ret)
				continue;
			delivered++;
			ret = cb(&ev, arg);
			if (ret < 0)
				return ret;
			if (ret)
				return delivered;
		}
	}
}
