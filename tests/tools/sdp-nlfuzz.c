// SPDX-License-Identifier: GPL-2.0
/*
 * sdp-nlfuzz: a seeded, reproducible fuzzer of the "sdp" generic netlink
 * family, driven by docs/netlink/specs/sdp.yaml (through the table
 * scripts/gen-fuzz-spec.py writes: sdp-nlfuzz-spec.h).
 *
 *   sdp-nlfuzz [--seed S] [--count N] [--time SECS] [--unpriv PCT]
 *              [--show I]
 *
 * Sends N messages (default 10000), or as many as fit in SECS seconds if
 * that comes first: about 70% valid requests of random operations with
 * random attribute values (rules added and deleted, tunables set in and
 * out of their range, gets and dumps), 20% with one mutation (an unknown
 * attribute id, a wrong length, a value outside the spec's checks, an
 * overlong or unterminated string, a nest flag where it does not belong,
 * a flat value in a nest, a repeated attribute, a huge message up to
 * 64 KiB, trailing bytes, the reserved header field set, a random command,
 * flags or version, a truncated header, a wrong nlmsg_len) and 10%
 * garbage. Every reply is read before the next message goes out.
 *
 * With --unpriv PCT (default 20) a child process does PCT% of the messages
 * as user nobody (65534) at the same time; an operation that needs
 * CAP_NET_ADMIN must fail for it, with EPERM if the request was well-formed.
 * The seed (S, random unless given; the child uses S + 1) is printed first.
 * The messages follow from the seed and from the ids of the rules the
 * kernel added (map-del and map-get aim at them), so the same seed against
 * a freshly loaded module, with no other writer in the netns, sends the
 * same messages again; --show I prints message I and its outcome (stop
 * right after it with --count I+1).
 *
 * A violation is a message that succeeded although the spec's policies say
 * the kernel must refuse it (or an unprivileged success); it is printed
 * with its bytes. Exit status: 0, or 1 after a violation or a kernel-side
 * problem (no reply within 30 s, the socket failing); 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <arpa/inet.h>
#include <grp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/sdp.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NOBODY 65534
/* Room for a message: huge ones stay below an attribute's 64 KiB limit. */
#define MSG_ROOM 65000
#define RECV_BUF (256 * 1024)
#define REPLY_TIMEOUT_S 30
#define MAX_TUNABLES 64
#define MAX_ERRNO 140
#define MAX_IDS 32

enum fz_type { FZ_PAD, FZ_U8, FZ_U16, FZ_U32, FZ_U64, FZ_STRING, FZ_BINARY,
	       FZ_NEST };

struct fz_attr {
	const char *name;
	unsigned int id;
	enum fz_type type;
	int nest;		/* FZ_NEST: index in fz_sets */
	bool multi;
	bool has_min, has_max;
	unsigned long long min, max;
	unsigned int max_len;	/* FZ_STRING: 0 if unchecked */
};

struct fz_set {
	const char *name;
	const struct fz_attr *attrs;
	unsigned int n;
};

struct fz_op {
	const char *name;
	unsigned int cmd;
	bool dump;
	bool admin;
	int req;		/* index in fz_sets: the request's attributes */
};

#include "sdp-nlfuzz-spec.h"

/* One mutation per mutated message; the first ones act on one attribute. */
enum mutation {
	M_NONE,
	M_UNKNOWN_ATTR,		/* an id the request's set lacks: refused */
	M_WRONG_LEN,		/* an integer of the wrong size: refused */
	M_OUT_OF_RANGE,		/* outside the spec's checks: refused */
	M_LONG_STRING,		/* longer than max-len: refused */
	M_NO_NUL,		/* string without its NUL: refused */
	M_NEST_FLAG,		/* NLA_F_NESTED toggled: refused */
	M_FLAT_NEST,		/* raw bytes in a nest */
	M_REPEAT,		/* an attribute twice */
	M_HUGE,			/* many attributes, big binaries: ~64 KiB */
	M_TRAILING,		/* bytes after the last attribute: refused */
	M_RESERVED,		/* genl reserved field set: refused */
	M_CMD,			/* random command */
	M_FLAGS,		/* random nlmsg_flags */
	M_VERSION,		/* random genl version */
	M_TRUNCATE,		/* header cut short */
	M_NLMSG_LEN,		/* nlmsg_len disagrees with the datagram */
	M_GARBAGE,		/* not a mutation: random bytes */
	M_NUM
};

static const char *const mutation_names[M_NUM] = {
	"valid", "unknown-attr", "wrong-len", "out-of-range", "long-string",
	"no-nul", "nest-flag", "flat-nest", "repeat", "huge", "trailing",
	"reserved", "cmd", "flags", "version", "truncate", "nlmsg-len",
	"garbage",
};

struct tunable {
	char name[SDP_TUNABLE_NAME_MAX_LEN + 1];
	unsigned long long min, max;
};

/* The message being built and what is known about it. */
struct msg {
	unsigned char buf[MSG_ROOM + 256];
	size_t len;		/* bytes to send */
	const struct fz_op *op;
	enum mutation mut;	/* wanted; M_NONE once applied */
	enum mutation applied;
	bool must_fail;		/* the spec's policies refuse it */
	bool plain;		/* one terminal reply is certain */
	int tun;		/* tunable named in a tune request, or -1 */
	/* A rule or lookup that holds together: its family, prefix, ports. */
	unsigned int fam, plen, port_min;
	bool addr;		/* addr already in it */
};

struct fuzzer {
	const char *who;	/* "root" or "nobody" */
	bool unpriv;
	long show;		/* index of the message to print, or -1 */
	uint64_t seed, rng;
	int fd, evfd, family;
	uint32_t seq;
	struct tunable tun[MAX_TUNABLES];
	int n_tun;
	uint32_t ids[MAX_IDS];	/* of rules added lately, a ring */
	unsigned int n_ids;
	unsigned char *rbuf;
	/* counts */
	unsigned long sent, by_mut[M_NUM], err[MAX_ERRNO + 1], other_err;
	unsigned long valid[ARRAY_SIZE(fz_ops)], valid_ok[ARRAY_SIZE(fz_ops)];
	unsigned long no_reply, replies, events, overruns, send_err;
	unsigned long violations;
};

/* ---- PRNG: splitmix64, so a seed names one sequence everywhere ---------- */

static uint64_t rnd(struct fuzzer *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(struct fuzzer *f, uint64_t n)
{
	return n ? rnd(f) % n : 0;
}

static bool chance(struct fuzzer *f, unsigned int pct)
{
	return below(f, 100) < pct;
}

/* ---- message building ----------------------------------------------------- */

static struct nlattr *put(struct msg *m, unsigned int type, const void *data,
			  size_t len)
{
	struct nlattr *nla = (struct nlattr *)(m->buf + m->len);
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (m->len + total > MSG_ROOM)
		return NULL;
	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)nla + NLA_HDRLEN, data, len);
	memset((char *)nla + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	m->len += total;
	return nla;
}

static void nest_end(struct msg *m, struct nlattr *nest)
{
	nest->nla_len = m->buf + m->len - (unsigned char *)nest;
}

static void random_bytes(struct fuzzer *f, unsigned char *p, size_t len)
{
	while (len--)
		*p++ = rnd(f);
}

/*
 * Bytes that make interesting wildcard patterns and names; half of them
 * only letters, which always make a valid pattern.
 */
static void random_text(struct fuzzer *f, char *p, size_t len)
{
	static const char chars[] = "abcdefgz*?[]!^-\\ ./";
	size_t n = chance(f, 50) ? 8 : sizeof(chars) - 1;

	while (len--)
		*p++ = chars[below(f, n)];
}

static unsigned int int_size(enum fz_type t)
{
	return t == FZ_U8 ? 1 : t == FZ_U16 ? 2 : t == FZ_U32 ? 4 : 8;
}

static unsigned long long type_max(enum fz_type t)
{
	return int_size(t) == 8 ? ~0ULL : (1ULL << (8 * int_size(t))) - 1;
}

/* A value of the type: often an edge, often small (ids, positions). */
static unsigned long long any_value(struct fuzzer *f, enum fz_type t)
{
	unsigned long long max = type_max(t);

	switch (below(f, 6)) {
	case 0: return 0;
	case 1: return max;
	case 2: return max - below(f, 2);
	case 3: return rnd(f) & max;
	default: return below(f, 64) & max;
	}
}

static unsigned long long valid_value(struct fuzzer *f, const struct fz_attr *a)
{
	unsigned long long lo = a->has_min ? a->min : 0;
	unsigned long long hi = a->has_max ? a->max : type_max(a->type);
	unsigned long long v;

	if (!a->has_min && !a->has_max)
		return any_value(f, a->type);
	if (chance(f, 40))
		return chance(f, 50) ? lo : hi;
	v = any_value(f, a->type);
	return lo + (hi - lo == ~0ULL ? v : v % (hi - lo + 1));
}

/* A value the checks refuse; the attribute has a check that can fail. */
static bool bad_value(struct fuzzer *f, const struct fz_attr *a,
		      unsigned long long *v)
{
	bool low = a->has_min && a->min > 0;
	bool high = a->has_max && a->max < type_max(a->type);

	if (!low && !high)
		return false;
	if (low && (!high || chance(f, 50)))
		*v = below(f, 2) ? a->min - 1 : below(f, a->min);
	else
		*v = below(f, 2) ? a->max + 1 :
			a->max + 1 + below(f, type_max(a->type) - a->max);
	return true;
}

static void put_int(struct msg *m, unsigned int type, unsigned long long v,
		    unsigned int size)
{
	unsigned char b[16] = { 0 };

	/* Host byte order, as the kernel reads NLA_U*. */
	switch (size) {
	case 1: { uint8_t x = v; memcpy(b, &x, 1); break; }
	case 2: { uint16_t x = v; memcpy(b, &x, 2); break; }
	case 4: { uint32_t x = v; memcpy(b, &x, 4); break; }
	case 8: { uint64_t x = v; memcpy(b, &x, 8); break; }
	default: break;	/* wrong sizes: zero-filled bytes are as good */
	}
	put(m, type, b, size);
}

static bool is_tunable_name(const struct msg *m, const struct fz_attr *a)
{
	return (m->op->req == FZ_SET_TUNE_SET_DO_REQUEST ||
		m->op->req == FZ_SET_TUNE_GET_DO_REQUEST ||
		m->op->req == FZ_SET_TUNE_GET_DUMP_REQUEST) &&
		a->id == SDP_A_TUNABLE_NAME;
}

/* tune-set's value: in and out of the named tunable's range. */
static unsigned long long tunable_value(struct fuzzer *f, const struct msg *m)
{
	const struct tunable *t = &f->tun[m->tun];

	switch (below(f, 8)) {
	case 0: return t->min - 1;
	case 1: return t->max + 1;
	case 2: return t->min;
	case 3: return t->max;
	case 4: return rnd(f);
	default: return t->min + below(f, t->max - t->min + 1);
	}
}

/* Whether mutation @mut can act on attribute @a. */
static bool can_mutate(struct fuzzer *f, const struct msg *m,
		       const struct fz_attr *a)
{
	unsigned long long v;
	bool is_int = a->type >= FZ_U8 && a->type <= FZ_U64;

	switch (m->mut) {
	case M_WRONG_LEN: return is_int;
	case M_OUT_OF_RANGE: return is_int && bad_value(f, a, &v);
	case M_LONG_STRING: return a->type == FZ_STRING && a->max_len;
	case M_NO_NUL: return a->type == FZ_STRING;
	case M_NEST_FLAG: return true;
	case M_FLAT_NEST: return a->type == FZ_NEST;
	case M_REPEAT: return !a->multi;
	default: return false;
	}
}

static void gen_set(struct fuzzer *f, struct msg *m, int set, int depth);

/* Zero the bits of an address beyond its prefix, as a rule must have. */
static void clear_host_bits(unsigned char *addr, size_t len, unsigned int plen)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		addr[i] &= plen > 8 * i ? 0xff << (8 - (plen - 8 * i)) : 0;
	}
}

/* One attribute of @a's kind, valid or carrying the pending mutation. */
static void gen_attr(struct fuzzer *f, struct msg *m, const struct fz_attr *a,
		     int depth)
{
	enum mutation mut = M_NONE;
	unsigned int type = a->id;
	unsigned long long v;
	struct nlattr *nla;
	char s[512];
	size_t len;

	if (m->mut && chance(f, 60) && can_mutate(f, m, a)) {
		mut = m->mut;
		m->applied = mut;
		m->mut = M_NONE;
		m->must_fail = mut != M_FLAT_NEST && mut != M_REPEAT;
	}
	if (mut == M_NEST_FLAG && a->type != FZ_NEST)
		type |= NLA_F_NESTED;

	switch (a->type) {
	case FZ_U8:
	case FZ_U16:
	case FZ_U32:
	case FZ_U64:
		if (m->tun >= 0 && a->id == SDP_A_TUNABLE_VALUE &&
		    m->op->req == FZ_SET_TUNE_SET_DO_REQUEST)
			v = tunable_value(f, m);
		else if (a->id == SDP_A_RULE_ID && f->n_ids && chance(f, 60))
			v = f->ids[below(f, f->n_ids < MAX_IDS ? f->n_ids : MAX_IDS)];
		else if (m->fam && !strcmp(a->name, "family"))
			v = m->fam;
		else if (m->fam && !strcmp(a->name, "prefix-len"))
			v = m->addr ? m->plen : 0;
		else if (m->fam && !strcmp(a->name, "position"))
			v = below(f, 8);
		else if (m->fam && !strcmp(a->name, "port-max"))
			v = m->port_min + below(f, 0x10000 - m->port_min);
		else
			v = valid_value(f, a);
		if (!strcmp(a->name, "port-min"))
			m->port_min = v & 0xffff;
		if (mut == M_OUT_OF_RANGE)
			bad_value(f, a, &v);
		len = int_size(a->type);
		if (mut == M_WRONG_LEN)
			while (len == int_size(a->type))
				len = below(f, 10);
		put_int(m, type, v, len);
		break;
	case FZ_STRING:
		if (is_tunable_name(m, a) && f->n_tun && chance(f, 85)) {
			m->tun = below(f, f->n_tun);
			len = strlen(f->tun[m->tun].name);
			memcpy(s, f->tun[m->tun].name, len);
		} else {
			len = below(f, (a->max_len ? a->max_len : 40) + 1);
			random_text(f, s, len);
		}
		if (mut == M_LONG_STRING) {
			len = a->max_len + 1 + below(f, 200);
			random_text(f, s, len);
		}
		if (mut == M_NO_NUL) {
			put(m, type, s, len);	/* empty: no NUL either */
			break;
		}
		s[len] = '\0';
		put(m, type, s, len + 1);
		break;
	case FZ_BINARY:
		/* Mostly IPv4 and IPv6 sized; huge messages take big ones. */
		len = chance(f, 70) ? (chance(f, 50) ? 4 : 16) : below(f, 41);
		if (m->applied == M_HUGE && chance(f, 30))
			len = below(f, 8192);
		if (len > sizeof(s))
			len = below(f, sizeof(s));
		if (m->fam && !strcmp(a->name, "addr"))
			len = m->fam == AF_INET ? 4 : 16;
		random_bytes(f, (unsigned char *)s, len);
		if (m->fam && !strcmp(a->name, "addr")) {
			clear_host_bits((unsigned char *)s, len, m->plen);
			m->addr = true;
		}
		put(m, type, s, len);
		break;
	case FZ_NEST:
		if (mut != M_NEST_FLAG)
			type |= NLA_F_NESTED;
		if (mut == M_FLAT_NEST) {
			len = below(f, 64);
			random_bytes(f, (unsigned char *)s, len);
			put(m, type, s, len);
			break;
		}
		nla = put(m, type, NULL, 0);
		if (!nla)
			break;
		gen_set(f, m, a->nest, depth + 1);
		nest_end(m, nla);
		break;
	case FZ_PAD:
		put(m, type, NULL, 0);
		break;
	}
	if (mut == M_REPEAT)
		gen_attr(f, m, a, depth);
}

static bool in_set(const struct fz_set *s, unsigned int id)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->attrs[i].id == id)
			return true;
	return false;
}

static void gen_set(struct fuzzer *f, struct msg *m, int set, int depth)
{
	const struct fz_set *s = &fz_sets[set];
	unsigned int i, n, id;
	unsigned char junk[16];
	bool fam = false;

	/*
	 * Most rules and lookups hold together as the spec's docs ask (addr
	 * as long as family says, no bits beyond prefix-len nor prefix-len
	 * without addr, port-min not above port-max, a position inside the
	 * table), or the kernel would refuse nearly all of them.
	 */
	for (i = 0; i < s->n; i++)
		fam |= !strcmp(s->attrs[i].name, "family");
	m->fam = fam && chance(f, 85) ? (chance(f, 50) ? AF_INET : AF_INET6) : 0;
	m->plen = below(f, (m->fam == AF_INET ? 32 : 128) + 1);
	m->port_min = 0;
	m->addr = false;
	for (i = 0; i < s->n; i++) {
		const struct fz_attr *a = &s->attrs[i];

		if (a->multi)
			n = m->applied == M_HUGE ? 200 + below(f, 800) : below(f, 5);
		else if (m->fam && (!strcmp(a->name, "family") ||
				    !strcmp(a->name, "action")))
			n = chance(f, 95);
		else
			n = chance(f, 75);
		while (n-- && m->len < MSG_ROOM - 64)
			gen_attr(f, m, a, depth);
	}
	/* A huge message repeats attributes until it is near full. */
	while (m->applied == M_HUGE && depth == 0 && s->n &&
	       m->len < MSG_ROOM - 1024)
		gen_attr(f, m, &s->attrs[below(f, s->n)], depth);
	if (m->mut == M_UNKNOWN_ATTR && (depth == 0 || chance(f, 50))) {
		do
			id = chance(f, 70) ? below(f, 16) : below(f, 0x4000);
		while (in_set(s, id));
		n = below(f, sizeof(junk) + 1);
		random_bytes(f, junk, n);
		put(m, id | (chance(f, 20) ? NLA_F_NESTED : 0), junk, n);
		m->applied = M_UNKNOWN_ATTR;
		m->mut = M_NONE;
		m->must_fail = true;
	}
}

static bool op_exists(unsigned int cmd, bool dump)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fz_ops); i++)
		if (fz_ops[i].cmd == cmd && fz_ops[i].dump == dump)
			return true;
	return false;
}

static bool cmd_admin(unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fz_ops); i++)
		if (fz_ops[i].cmd == cmd && fz_ops[i].admin)
			return true;
	return false;
}

/* Garbage: random bytes behind a header that reaches a harmless target. */
static void gen_garbage(struct fuzzer *f, struct msg *m)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	size_t len = chance(f, 90) ? below(f, 512) : below(f, MSG_ROOM);

	random_bytes(f, m->buf, NLMSG_HDRLEN + len);
	m->len = NLMSG_HDRLEN + len;
	/*
	 * Our family, or a control type or nlctrl (read-only): never another
	 * family, which root could really configure.
	 */
	nlh->nlmsg_type = chance(f, 85) ? (unsigned int)f->family :
			  below(f, GENL_ID_CTRL + 1);
	/*
	 * Exact, too long (dropped) or too short to be a message: never short
	 * of the datagram, whose rest would be read as a message of any type.
	 */
	switch (below(f, 10)) {
	case 0: nlh->nlmsg_len = m->len + 1 + below(f, 1000); break;
	case 1: nlh->nlmsg_len = below(f, NLMSG_HDRLEN); break;
	default: nlh->nlmsg_len = m->len; break;
	}
	if (chance(f, 80))
		nlh->nlmsg_flags |= NLM_F_REQUEST;
	m->applied = M_GARBAGE;
}

/* Build the next message from the PRNG (and the rule ids learnt). */
static void gen_msg(struct fuzzer *f, struct msg *m)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	unsigned int kind = below(f, 100), cut;

	/* Rarely empty the table, so that rules pile up towards max-rules. */
	do
		m->op = &fz_ops[below(f, ARRAY_SIZE(fz_ops))];
	while ((m->op->cmd == SDP_CMD_MAP_FLUSH ||
		m->op->cmd == SDP_CMD_MAP_REPLACE) && chance(f, 90));
	m->mut = kind < 70 ? M_NONE : 1 + below(f, M_GARBAGE - 1);
	m->applied = M_NONE;
	m->must_fail = false;
	m->plain = true;
	m->tun = -1;
	m->fam = 0;
	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	if (kind >= 90) {
		m->mut = M_NONE;
		gen_garbage(f, m);
	} else {
		nlh->nlmsg_type = f->family;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
				   (m->op->dump ? NLM_F_DUMP : 0);
		g->cmd = m->op->cmd;
		g->version = SDP_FAMILY_VERSION;
		m->len = NLMSG_HDRLEN + GENL_HDRLEN;
		if (m->mut == M_HUGE) {
			m->applied = M_HUGE;
			m->mut = M_NONE;
		}
		gen_set(f, m, m->op->req, 0);
		nlh->nlmsg_len = m->len;
	}
	/* An attribute mutation with no attribute to act on: trailing bytes. */
	if (m->mut && m->mut < M_TRAILING)
		m->mut = M_TRAILING;
	switch (m->mut) {
	case M_TRAILING:
		cut = 1 + below(f, 3);
		random_bytes(f, m->buf + m->len, cut);
		m->len += cut;
		nlh->nlmsg_len = m->len;
		m->must_fail = true;
		break;
	case M_RESERVED:
		g->reserved = 1 + below(f, 0xffff);
		m->must_fail = true;
		break;
	case M_CMD:
		g->cmd = below(f, 2) ? below(f, 256) : below(f, SDP_CMD_MAX + 2);
		m->must_fail = !op_exists(g->cmd, m->op->dump);
		break;
	case M_FLAGS:
		nlh->nlmsg_flags = rnd(f);
		m->plain = (nlh->nlmsg_flags & (NLM_F_REQUEST | NLM_F_ACK)) ==
			   (NLM_F_REQUEST | NLM_F_ACK);
		m->must_fail = !op_exists(g->cmd, (nlh->nlmsg_flags & NLM_F_DUMP) ==
					  NLM_F_DUMP);
		break;
	case M_VERSION:
		g->version = rnd(f);
		break;
	case M_TRUNCATE:
		m->len = below(f, NLMSG_HDRLEN + GENL_HDRLEN);
		if (m->len >= NLMSG_HDRLEN)
			nlh->nlmsg_len = m->len;
		m->must_fail = true;
		m->plain = false;
		break;
	case M_NLMSG_LEN:
		/*
		 * Longer than the datagram (dropped), or shorter by less than a
		 * header: the rest is too short to be parsed as another message,
		 * which could reach another family.
		 */
		cut = below(f, 3);
		nlh->nlmsg_len = cut == 0 ? m->len + 1 + below(f, 200) :
				 cut == 1 ? below(f, NLMSG_HDRLEN) :
				 m->len - below(f, m->len < 16 ? m->len : 16);
		m->plain = false;
		break;
	default:
		break;
	}
	if (m->mut)
		m->applied = m->mut;
	if (m->applied == M_GARBAGE)
		m->plain = false;
	nlh->nlmsg_seq = ++f->seq;
	nlh->nlmsg_pid = 0;
}

/* ---- talking to the kernel ---------------------------------------------- */

struct outcome {
	bool terminal;		/* ack, error or end of dump seen */
	int err;		/* positive errno, 0 ok */
	unsigned int replies;	/* data messages for the request */
};

static void die(struct fuzzer *f, const char *what)
{
	fprintf(stderr, "sdp-nlfuzz[%s]: seed %llu: %s: %s\n", f->who,
		(unsigned long long)f->seed, what, strerror(errno));
	exit(1);
}

/* The attribute @type among the @len bytes at @p, or NULL. */
static struct nlattr *find_attr(void *p, int len, unsigned int type)
{
	struct nlattr *a = p;

	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

/* Remember the id of the rule a map-add reply carries. */
static void learn_id(struct fuzzer *f, struct nlmsghdr *nlh)
{
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlattr *rule, *id;

	if (nlh->nlmsg_type != f->family ||
	    nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
	    g->cmd != SDP_CMD_MAP_ADD)
		return;
	rule = find_attr((char *)g + GENL_HDRLEN,
			 nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), SDP_A_MAP_RULE);
	if (!rule)
		return;
	id = find_attr((char *)rule + NLA_HDRLEN, rule->nla_len - NLA_HDRLEN,
		       SDP_A_RULE_ID);
	if (id && id->nla_len == NLA_HDRLEN + sizeof(uint32_t))
		memcpy(&f->ids[f->n_ids++ % MAX_IDS], (char *)id + NLA_HDRLEN,
		       sizeof(uint32_t));
}

/*
 * Note what a datagram of @n bytes says about request @seq; true if it
 * holds the end (ack or error) of request @marker.
 */
static bool scan(struct fuzzer *f, ssize_t n, uint32_t seq, uint32_t marker,
		 struct outcome *o)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)f->rbuf;
	bool marked = false;

	for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
		bool terminal = nlh->nlmsg_type == NLMSG_ERROR ||
				nlh->nlmsg_type == NLMSG_DONE;
		int err = 0;

		/* A dump's NLMSG_DONE carries its error too. */
		if (terminal && nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
			err = -*(int *)NLMSG_DATA(nlh);
		if (nlh->nlmsg_seq == seq) {
			if (terminal) {
				o->terminal = true;
				o->err = err;
			} else {
				o->replies++;
				f->replies++;
				learn_id(f, nlh);
			}
		}
		if (marker && nlh->nlmsg_seq == marker && terminal)
			marked = true;
	}
	return marked;
}

/*
 * Send a NOOP that asks for an ack: the ack comes after the replies to
 * everything sent before it, but for further parts of a dump.
 */
static uint32_t send_marker(struct fuzzer *f)
{
	struct nlmsghdr nlh = {
		.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = ++f->seq,
	};

	if (send(f->fd, &nlh, sizeof(nlh), 0) < 0)
		die(f, "send marker");
	return nlh.nlmsg_seq;
}

/*
 * Read the replies to message @m. A plain request ends with an ack, an
 * error or NLMSG_DONE; any other may get no reply at all, so a marker
 * follows it, and once the marker is back only a running dump is waited
 * for.
 */
static void wait_for(struct fuzzer *f, const struct msg *m, struct outcome *o)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)m->buf;
	bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	uint32_t marker = m->plain ? 0 : send_marker(f);
	bool marked = false, lost = false;

	while (!o->terminal) {
		ssize_t n;

		if (marked && (lost || !dump || !o->replies))
			return;
		n = recv(f->fd, f->rbuf, RECV_BUF, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* Replies were lost: wait for a fresh marker instead. */
			f->overruns++;
			lost = true;
			marked = false;
			marker = send_marker(f);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			fprintf(stderr, "sdp-nlfuzz[%s]: message %lu got no reply in %d s\n",
				f->who, f->sent, REPLY_TIMEOUT_S);
			errno = ETIMEDOUT;
		}
		if (n < 0)
			die(f, "recv");
		marked |= scan(f, n, nlh->nlmsg_seq, marker, o);
	}
}

/* Drop the events the monitor socket got; they only exercise the notifier. */
static void drain_events(struct fuzzer *f)
{
	ssize_t n;

	if (f->evfd < 0)
		return;
	while ((n = recv(f->evfd, f->rbuf, RECV_BUF, MSG_DONTWAIT)) != 0) {
		if (n < 0 && errno == ENOBUFS) {
			f->overruns++;
			continue;
		}
		if (n < 0)
			break;
		f->events++;
	}
}

/* The family's id and its events group, through libnl's resolver. */
static void resolve(struct fuzzer *f, int *group)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk || genl_connect(sk)) {
		errno = ENOMEM;
		die(f, "libnl socket");
	}
	f->family = genl_ctrl_resolve(sk, SDP_FAMILY_NAME);
	*group = genl_ctrl_resolve_grp(sk, SDP_FAMILY_NAME, SDP_MCGRP_EVENTS);
	nl_socket_free(sk);
	if (f->family < 0) {
		errno = ENOENT;
		die(f, "family " SDP_FAMILY_NAME);
	}
}

static int open_socket(struct fuzzer *f)
{
	struct timeval tv = { .tv_sec = REPLY_TIMEOUT_S };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, rcvbuf = 4 * RECV_BUF;

	/* Bound: an unbound socket has port 0, which multicasts skip. */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die(f, "socket");
	/* Extended acks: the kernel's error reports are part of the target. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* The tunables' names and ranges, from a tune-get dump (before fuzzing). */
static void learn_tunables(struct fuzzer *f)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
	} req = {
		.n = { .nlmsg_len = sizeof(req), .nlmsg_type = f->family,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		       .nlmsg_seq = ++f->seq },
		.g = { .cmd = SDP_CMD_TUNE_GET, .version = SDP_FAMILY_VERSION },
	};

	if (send(f->fd, &req, sizeof(req), 0) < 0)
		die(f, "send tune-get");
	for (;;) {
		ssize_t n = recv(f->fd, f->rbuf, RECV_BUF, 0);
		struct nlmsghdr *nlh = (struct nlmsghdr *)f->rbuf;

		if (n < 0)
			die(f, "recv tune-get");
		for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			struct tunable *t = &f->tun[f->n_tun];
			struct nlattr *a;
			int rem;

			if (nlh->nlmsg_type == NLMSG_DONE ||
			    nlh->nlmsg_type == NLMSG_ERROR)
				return;
			if (f->n_tun == MAX_TUNABLES)
				continue;
			memset(t, 0, sizeof(*t));
			a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
			rem = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			       a->nla_len <= rem;
			     rem -= NLA_ALIGN(a->nla_len),
			     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
				void *d = (char *)a + NLA_HDRLEN;
				int len = a->nla_len - NLA_HDRLEN;

				if (a->nla_type == SDP_A_TUNABLE_NAME &&
				    len <= (int)sizeof(t->name))
					memcpy(t->name, d, len);
				else if (a->nla_type == SDP_A_TUNABLE_MINIMUM && len == 8)
					memcpy(&t->min, d, 8);
				else if (a->nla_type == SDP_A_TUNABLE_MAXIMUM && len == 8)
					memcpy(&t->max, d, 8);
			}
			t->name[sizeof(t->name) - 1] = '\0';
			if (t->name[0] && t->min <= t->max)
				f->n_tun++;
		}
	}
}

static void hexdump(const struct msg *m)
{
	size_t i;

	for (i = 0; i < m->len && i < 512; i++)
		fprintf(stderr, "%02x%s", m->buf[i], i % 32 == 31 ? "\n" : "");
	fprintf(stderr, "%s", i % 32 ? "\n" : "");
	if (m->len > i)
		fprintf(stderr, "(%zu more bytes)\n", m->len - i);
}

static void report(struct fuzzer *f, const struct msg *m, unsigned long idx,
		   const struct outcome *o, const char *what)
{
	const struct genlmsghdr *g =
		(const struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);

	fprintf(stderr, "sdp-nlfuzz[%s]: %s: seed %llu message %lu (%s %s%s, cmd %u, %zu bytes): %s (%s)\n",
		f->who, what, (unsigned long long)f->seed, idx,
		m->op->name, m->op->dump ? "dump" : "do",
		mutation_names[m->applied], m->len >= NLMSG_HDRLEN + 1 ? g->cmd : 0,
		m->len, o->terminal ? strerror(o->err) : "no reply",
		o->replies ? "with replies" : "no data");
	hexdump(m);
}

/*
 * Whether the header is as the operation wants it: then the core checks
 * the caller's rights before any attribute.
 */
static bool header_intact(const struct msg *m)
{
	return m->applied < M_RESERVED || m->applied == M_VERSION;
}

/* Check one outcome against what the spec and the caller's rights say. */
static void judge(struct fuzzer *f, const struct msg *m, unsigned long idx,
		  const struct outcome *o)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)m->buf;
	const struct genlmsghdr *g =
		(const struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	/* The core acks a message it does not hand on with 0 too. */
	bool handed = m->len >= NLMSG_HDRLEN &&
		      nlh->nlmsg_len >= NLMSG_HDRLEN && nlh->nlmsg_len <= m->len &&
		      (nlh->nlmsg_flags & NLM_F_REQUEST) &&
		      nlh->nlmsg_type >= NLMSG_MIN_TYPE;
	bool ours = handed && nlh->nlmsg_type == f->family &&
		    nlh->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN;
	bool ok = handed && ((o->terminal && !o->err) ||
			     (!o->terminal && o->replies));

	if (m->applied == M_NONE) {
		f->valid[m->op - fz_ops]++;
		f->valid_ok[m->op - fz_ops] += ok;
	}
	if (o->terminal && o->err <= MAX_ERRNO)
		f->err[o->err]++;
	else if (o->terminal)
		f->other_err++;
	else
		f->no_reply++;
	if (m->must_fail && ok) {
		f->violations++;
		report(f, m, idx, o, "VIOLATION: refused by the spec, yet accepted");
	}
	if (!f->unpriv || !ours || !cmd_admin(g->cmd))
		return;
	if (ok) {
		f->violations++;
		report(f, m, idx, o, "VIOLATION: privileged operation done for nobody");
	} else if (header_intact(m) && !m->op->dump && o->terminal &&
		   o->err != EPERM) {
		f->violations++;
		report(f, m, idx, o, "VIOLATION: unprivileged request not refused with EPERM");
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void summary(struct fuzzer *f, double secs)
{
	int i;

	printf("sdp-nlfuzz[%s]: seed %llu: %lu messages in %.1f s (%.0f/s); by kind:",
	       f->who, (unsigned long long)f->seed, f->sent, secs,
	       secs > 0 ? f->sent / secs : 0.0);
	for (i = 0; i < M_NUM; i++)
		if (f->by_mut[i])
			printf(" %s %lu", mutation_names[i], f->by_mut[i]);
	printf("\nsdp-nlfuzz[%s]: outcomes: ok %lu", f->who, f->err[0]);
	for (i = 1; i <= MAX_ERRNO; i++)
		if (f->err[i])
			printf(", %s %lu", strerrorname_np(i) ?: "?", f->err[i]);
	printf(", other %lu, no reply %lu; data replies %lu, events %lu, overruns %lu, send errors %lu\n",
	       f->other_err, f->no_reply, f->replies, f->events, f->overruns,
	       f->send_err);
	printf("sdp-nlfuzz[%s]: valid requests done:", f->who);
	for (i = 0; i < (int)ARRAY_SIZE(fz_ops); i++)
		printf(" %s%s %lu/%lu", fz_ops[i].name,
		       fz_ops[i].dump ? "(dump)" : "", f->valid_ok[i],
		       f->valid[i]);
	printf("\nsdp-nlfuzz[%s]: violations %lu\n", f->who, f->violations);
	fflush(stdout);
}

static int run(struct fuzzer *f, unsigned long count, double secs)
{
	static struct msg m;
	double start = now();
	unsigned long i;
	int group;

	f->rng = f->seed;
	f->rbuf = malloc(RECV_BUF);
	if (!f->rbuf)
		die(f, "malloc");
	resolve(f, &group);
	f->fd = open_socket(f);
	f->evfd = -1;
	/* An unread monitor: notifications to a full socket are fuzzed too. */
	if (!f->unpriv && group >= 0) {
		f->evfd = open_socket(f);
		setsockopt(f->evfd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
			   sizeof(group));
	}
	learn_tunables(f);
	printf("sdp-nlfuzz[%s]: seed %llu, family %d, %d tunables, %lu messages%s\n",
	       f->who, (unsigned long long)f->seed, f->family, f->n_tun, count,
	       secs > 0 ? " at most, time bounded" : "");
	fflush(stdout);

	for (i = 0; i < count && (secs <= 0 || now() - start < secs); i++) {
		struct outcome o = { 0 };

		gen_msg(f, &m);
		f->sent++;
		f->by_mut[m.applied]++;
		if (send(f->fd, m.buf, m.len, 0) < 0) {
			/* ENODATA: an empty datagram. */
			if (errno != ENOBUFS && errno != EMSGSIZE &&
			    errno != EINVAL && errno != ENODATA)
				die(f, "send");
			f->send_err++;
			continue;
		}
		wait_for(f, &m, &o);
		judge(f, &m, i, &o);
		if ((long)i == f->show)
			report(f, &m, i, &o, "shown");
		if (i % 256 == 0)
			drain_events(f);
	}
	drain_events(f);
	summary(f, now() - start);
	return f->violations ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: sdp-nlfuzz [--seed S] [--count N] [--time SECS] [--unpriv PCT] [--show I]\n");
	exit(2);
}

static unsigned long long number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	struct fuzzer root = { .who = "root", .show = -1 };
	struct fuzzer nobody = { .who = "nobody", .show = -1 };
	unsigned long count = 10000, share;
	unsigned int unpriv = 20;
	double secs = 0;
	bool seeded = false;
	int i, rc, status;
	pid_t pid = -1;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (i + 1 == argc)
			usage();
		if (!strcmp(opt, "--seed")) {
			root.seed = number(argv[++i]);
			seeded = true;
		} else if (!strcmp(opt, "--count")) {
			count = number(argv[++i]);
		} else if (!strcmp(opt, "--time")) {
			secs = number(argv[++i]);
		} else if (!strcmp(opt, "--unpriv")) {
			unpriv = number(argv[++i]);
		} else if (!strcmp(opt, "--show")) {
			root.show = number(argv[++i]);
		} else {
			usage();
		}
	}
	if (unpriv > 100)
		usage();
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		root.seed = (uint64_t)ts.tv_sec * 1000003 ^ ts.tv_nsec ^ getpid();
	}
	nobody.seed = root.seed + 1;
	nobody.unpriv = true;
	printf("sdp-nlfuzz: seed %llu (replay: --seed %llu)\n",
	       (unsigned long long)root.seed, (unsigned long long)root.seed);
	fflush(stdout);

	share = count * unpriv / 100;
	if (share) {
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (!pid) {
			if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
				perror("sdp-nlfuzz: become nobody");
				_exit(1);
			}
			_exit(run(&nobody, share, secs));
		}
	}
	rc = run(&root, count - share, secs);
	if (pid > 0) {
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			rc = 1;
	}
	return rc;
}
