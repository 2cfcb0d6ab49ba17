// SPDX-License-Identifier: GPL-2.0
/*
 * sdp-nlraw: send one hand-built request to the "sdp" generic netlink
 * family, bypassing libsdpctl's checks, so tests can show that the kernel
 * itself rejects bad input (and says why).
 *
 *   sdp-nlraw [-d] CMD ATTR...
 *   sdp-nlraw -f [[-d] CMD ATTR... --]... [-d] CMD ATTR...
 *   sdp-nlraw -n NAME
 *
 * CMD is an operation named as in docs/netlink/specs/sdp.yaml: map-add is
 * SDP_CMD_MAP_ADD. Each ATTR is one of
 *   u8:TYPE=V  u16:TYPE=V  u32:TYPE=V  u64:TYPE=V   integer attributes
 *   str:TYPE=TEXT                                  NUL-terminated string
 *   bin:TYPE=HEX                                   raw bytes
 *   nest:TYPE{ ... }                               nested attributes;
 *                                                  "}" closes the nest
 * where TYPE is SET.ATTR, also as in the spec: rule.prefix-len is
 * SDP_A_RULE_PREFIX_LEN. A number in place of CMD or TYPE is sent as it is,
 * for commands and attributes the family does not have.
 * -d sends the request as a dump (NLM_F_DUMP).
 * -f sends the last request once per allocation the kernel makes for it,
 * each time with that allocation failing (fail-nth, on the debug tier: see
 * fail_each()), then once more as it is; the requests before it, separated
 * by "--", prepare each of those rounds. Prints "fail-nth: failed=N ..."
 * first.
 * -n prints the number of NAME, an operation or a SET.ATTR attribute, for
 * tests that build requests themselves; nothing is sent.
 *
 * Output, one line: "ok" (with "replies N") or "error ERRNO_NAME MESSAGE",
 * MESSAGE as sdpctl would show it: the kernel's reason with the attribute
 * it points at named by libsdpctl (linked in statically for that alone).
 * Exit status: 0 ok, 1 the kernel returned an error, 2 usage, 3 no family.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <linux/netlink.h>

#include <linux/sdp.h>

#include "failnth.h"
#include "internal.h"

#define MAX_NEST 8

struct sdp_name {
	const char *name;
	unsigned int value;
};

/*
 * Every SDP_CMD_* and SDP_A_* name of <linux/sdp.h>: the Makefile lists them
 * from the header, the compiler gives them their values.
 */
#define SDP_NAME(n) { #n, n }
static const struct sdp_name sdp_names[] = {
#include "sdp-nlraw-names.h"
};

struct result {
	int err;
	int replies;
	int done;
	const struct nlmsghdr *req;
	char msg[SDPCTL_ERRMSG_LEN];
};

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct result *res = arg;
	struct sdpctl_ack ack;

	(void)nla;
	sdpctl_parse_ack((struct nlmsghdr *)e - 1, res->req, &ack);
	res->err = ack.error;
	res->done = 1;
	snprintf(res->msg, sizeof(res->msg), "%s", ack.msg);
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct result *)arg)->replies++;
	return NL_OK;
}

static int on_end(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct result *)arg)->done = 1;
	return NL_STOP;
}

/*
 * resolve: *value for the LEN characters at NAME: a number, or a command or
 * attribute spelled as in the spec, whose uapi name is PREFIX ("SDP_CMD_" or
 * "SDP_A_") then NAME in capitals with '_' for '-' and '.'.
 */
static int resolve(const char *prefix, const char *name, size_t len,
		   unsigned int *value)
{
	char cname[64], *end;
	size_t n, i;

	if (!len)
		return -1;
	if (isdigit((unsigned char)name[0])) {
		*value = strtoul(name, &end, 0);
		return end == name + len ? 0 : -1;
	}
	n = snprintf(cname, sizeof(cname), "%s", prefix);
	if (n + len >= sizeof(cname))
		return -1;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '-' || c == '.')
			c = '_';
		else if (islower((unsigned char)c) || isdigit((unsigned char)c))
			c = toupper((unsigned char)c);
		else
			return -1;
		cname[n++] = c;
	}
	cname[n] = '\0';
	for (i = 0; i < ARRAY_SIZE(sdp_names); i++) {
		if (!strcmp(sdp_names[i].name, cname)) {
			*value = sdp_names[i].value;
			return 0;
		}
	}
	return -1;
}

static int put_attr(struct nl_msg *msg, const char *spec)
{
	char kind[8];
	unsigned int type;
	int off = 0;
	const char *name, *val;

	if (sscanf(spec, "%7[a-z0-9]:%n", kind, &off) != 1 || !off)
		return -1;
	name = spec + off;
	val = strchr(name, '=');
	if (!val || resolve("SDP_A_", name, val - name, &type))
		return -1;
	val++;
	if (!strcmp(kind, "u8"))
		return nla_put_u8(msg, type, strtoul(val, NULL, 0));
	if (!strcmp(kind, "u16"))
		return nla_put_u16(msg, type, strtoul(val, NULL, 0));
	if (!strcmp(kind, "u32"))
		return nla_put_u32(msg, type, strtoul(val, NULL, 0));
	if (!strcmp(kind, "u64"))
		return nla_put_u64(msg, type, strtoull(val, NULL, 0));
	if (!strcmp(kind, "str"))
		return nla_put_string(msg, type, val);
	if (!strcmp(kind, "bin")) {
		unsigned char buf[256];
		size_t n = strlen(val) / 2, i;

		if (n > sizeof(buf) || strlen(val) % 2)
			return -1;
		for (i = 0; i < n; i++) {
			unsigned int byte;

			if (sscanf(val + 2 * i, "%2x", &byte) != 1)
				return -1;
			buf[i] = byte;
		}
		return nla_put(msg, type, n, buf);
	}
	return -1;
}

/* One request of the command line: CMD and its ATTRs, argv[first, end). */
struct request {
	unsigned int cmd;
	int flags;		/* NLM_F_DUMP or 0 */
	int first, end;
};

/*
 * [-d] CMD ATTR... from argv[*i], up to "--" or the end; *i is left on
 * what follows. Return 0, or 2 (usage) after saying why.
 */
static int parse_request(int argc, char **argv, int *i, struct request *req)
{
	req->flags = 0;
	if (*i < argc && !strcmp(argv[*i], "-d")) {
		req->flags = NLM_F_DUMP;
		(*i)++;
	}
	if (*i >= argc) {
		fprintf(stderr, "usage: sdp-nlraw [-f [-d] CMD ATTR... -- ...] [-d] CMD ATTR... | -n NAME\n");
		return 2;
	}
	if (resolve("SDP_CMD_", argv[*i], strlen(argv[*i]), &req->cmd)) {
		fprintf(stderr, "sdp-nlraw: unknown command '%s'\n", argv[*i]);
		return 2;
	}
	req->first = ++(*i);
	while (*i < argc && strcmp(argv[*i], "--"))
		(*i)++;
	req->end = *i;
	return 0;
}

/* The message of @req; 0, or the index of the first bad argument. */
static int build(struct nl_msg **msgp, int family, const struct request *req,
		 char **argv)
{
	struct nlattr *nests[MAX_NEST];
	struct nl_msg *msg = nlmsg_alloc();
	int depth = 0, i;

	*msgp = msg;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
		    req->flags | NLM_F_ACK, req->cmd, SDP_FAMILY_VERSION);
	for (i = req->first; i < req->end; i++) {
		size_t len = strlen(argv[i]);
		unsigned int type;

		if (!strcmp(argv[i], "}")) {
			if (!depth)
				return i;
			nla_nest_end(msg, nests[--depth]);
		} else if (!strncmp(argv[i], "nest:", 5) && argv[i][len - 1] == '{') {
			if (resolve("SDP_A_", argv[i] + 5, len - 6, &type) ||
			    depth == MAX_NEST)
				return i;
			nests[depth++] = nla_nest_start(msg, type);
		} else if (put_attr(msg, argv[i])) {
			return i;
		}
	}
	return depth ? req->end - 1 : 0;
}

/*
 * Send @msg and read until the ACK, the end of the dump, or an error.
 * Return 0 with the outcome in *res, or a libnl error (the reply was lost:
 * the socket's receive timeout passed, or the kernel could not queue it).
 */
static int transact(struct nl_sock *sk, struct nl_msg *msg, struct result *res)
{
	memset(res, 0, sizeof(*res));
	res->req = nlmsg_hdr(msg);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, res);
	nl_socket_modify_cb(sk, NL_CB_ACK, NL_CB_CUSTOM, on_end, res);
	nl_socket_modify_cb(sk, NL_CB_FINISH, NL_CB_CUSTOM, on_end, res);
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, on_error, res);
	if (nl_send_auto(sk, msg) < 0)
		return -NLE_FAILURE;
	while (!res->done) {
		int err = nl_recvmsgs_default(sk);

		if (err < 0 && !res->done)
			return err;
	}
	return 0;
}

static const char *errno_name(int e)
{
	return e == EPERM ? "EPERM" : e == EINVAL ? "EINVAL" :
	       e == ENOENT ? "ENOENT" : e == EEXIST ? "EEXIST" :
	       e == ENOSPC ? "ENOSPC" : e == ERANGE ? "ERANGE" :
	       e == EBUSY ? "EBUSY" : e == EOPNOTSUPP ? "EOPNOTSUPP" :
	       e == ENOMEM ? "ENOMEM" : e == ENOBUFS ? "ENOBUFS" :
	       strerror(e);
}

/* A socket to the kernel's generic netlink, with extended ACKs. */
static struct nl_sock *open_socket(void)
{
	struct timeval tv = { .tv_sec = 1 };
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;

	if (!sk || genl_connect(sk))
		return NULL;
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	/* -f: a reply the kernel could not allocate never comes. */
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	return sk;
}

/* Send @req and wait for its answer; 0 if it succeeded. */
static int request(struct nl_sock *sk, int family, const struct request *req,
		   char **argv, struct result *res)
{
	struct nl_msg *msg;
	int err;

	build(&msg, family, req, argv);
	err = transact(sk, msg, res);
	nlmsg_free(msg);
	return err ? err : res->err;
}

/*
 * -f: send the last request again and again, the N-th allocation failing
 * in the N-th round, until a round needs fewer than N; the requests
 * before it prepare each round, without a fault. A failed round must end
 * with ENOMEM or ENOBUFS, or with its reply lost (the kernel could not
 * allocate it: the socket reports ENOBUFS, or nothing comes); another
 * answer under memory pressure, or rounds that never end, fail the tool.
 * Some allocations have a fallback and the request completes anyway
 * ("completed"). The last round runs without a fault, and its outcome is
 * the tool's.
 */
static int fail_each(struct nl_sock **skp, int family,
		     const struct request *reqs, int nreqs, char **argv,
		     struct result *res)
{
	const struct request *subject = &reqs[nreqs - 1];
	unsigned int n, nomem = 0, lost = 0, completed = 0;
	int i, err = 0;

	for (n = 1; n <= FAILNTH_MAX; n++) {
		for (i = 0; i < nreqs - 1; i++) {
			if (request(*skp, family, &reqs[i], argv, res)) {
				printf("FAIL: round %u: preparing request %d failed: %s\n",
				       n, i + 1, res->msg);
				return -1;
			}
		}
		failnth_arm(n);
		err = request(*skp, family, subject, argv, res);
		if (!failnth_disarm())
			break;
		if (err && !res->done) {
			/* A late reply must not answer the next round. */
			lost++;
			nl_socket_free(*skp);
			*skp = open_socket();
			if (!*skp)
				return -1;
		} else if (res->err == -ENOMEM || res->err == -ENOBUFS) {
			nomem++;
		} else if (!res->err) {
			completed++;
		} else {
			printf("FAIL: allocation %u failed: error %s %s\n", n,
			       errno_name(-res->err), res->msg);
			return -1;
		}
	}
	printf("fail-nth: failed=%u nomem=%u lost=%u completed=%u\n",
	       n - 1, nomem, lost, completed);
	if (n > FAILNTH_MAX) {
		printf("FAIL: still allocating after %u rounds\n", FAILNTH_MAX);
		return -1;
	}
	if (err && !res->done) {
		printf("FAIL: no answer to the request without a fault\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct request reqs[8];
	struct result res = { 0 };
	struct nl_sock *sk;
	int family, i = 1, nreqs = 0, each = 0;

	if (argc == 3 && !strcmp(argv[1], "-n")) {
		unsigned int value;

		if (resolve(strchr(argv[2], '.') ? "SDP_A_" : "SDP_CMD_",
			    argv[2], strlen(argv[2]), &value)) {
			fprintf(stderr, "sdp-nlraw: unknown name '%s'\n", argv[2]);
			return 2;
		}
		printf("%u\n", value);
		return 0;
	}
	if (i < argc && !strcmp(argv[i], "-f")) {
		each = 1;
		i++;
	}
	do {
		if (nreqs && (!each || nreqs == ARRAY_SIZE(reqs) || ++i >= argc)) {
			fprintf(stderr, "sdp-nlraw: \"--\" separates requests only with -f\n");
			return 2;
		}
		if (parse_request(argc, argv, &i, &reqs[nreqs++]))
			return 2;
	} while (i < argc);

	sk = open_socket();
	if (!sk)
		return 1;
	family = genl_ctrl_resolve(sk, SDP_FAMILY_NAME);
	if (family < 0) {
		printf("error ENOENT family not found\n");
		return 3;
	}
	for (i = 0; i < nreqs; i++) {
		struct nl_msg *msg;
		int bad = build(&msg, family, &reqs[i], argv);

		nlmsg_free(msg);
		if (bad) {
			fprintf(stderr, "sdp-nlraw: bad attribute spec '%s'\n",
				argv[bad]);
			return 2;
		}
	}
	if (each) {
		if (fail_each(&sk, family, reqs, nreqs, argv, &res))
			return 1;
	} else if (request(sk, family, &reqs[0], argv, &res) && !res.done) {
		printf("error reading the reply\n");
		return 1;
	}
	if (res.err) {
		printf("error %s %s\n", errno_name(-res.err), res.msg);
		return 1;
	}
	printf("ok replies %d\n", res.replies);
	return 0;
}
