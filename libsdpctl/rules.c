// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Rule text: the keyword form sdpctl reads and writes, and libsdp.conf
 * "use" lines for compatibility. Pure string work, no netlink.
 *
 *   [position N] action sdp|tcp|both [role listen|connect|any]
 *   [family inet|inet6] [addr ADDR[/PLEN]|any] [port N|N-M|any]
 *   [program PATTERN]
 *
 *   use sdp|tcp|both server|listen|client|connect|any PROGRAM|* ADDR:PORTS
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

/* A valid rule has at most 14 words; a few more get a precise error. */
#define MAX_WORDS 24

struct word {
	const char *s;
	unsigned int col;	/* 1-based column, or word index for argv */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int fail(struct sdpctl_parse_error *err, enum sdpctl_parse_error_kind kind,
		const struct word *w, unsigned int col_offset,
		const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail(struct sdpctl_parse_error *err, enum sdpctl_parse_error_kind kind,
		const struct word *w, unsigned int col_offset,
		const char *fmt, ...)
{
	char text[sizeof(err->msg) - 24];	/* room for "line N: " */
	va_list ap;

	err->kind = kind;
	err->column = w ? w->col + col_offset : 1;
	snprintf(err->token, sizeof(err->token), "%s", w ? w->s : "");
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (err->line)
		snprintf(err->msg, sizeof(err->msg), "line %u: %s", err->line,
			 text);
	else
		snprintf(err->msg, sizeof(err->msg), "%s", text);
	return -EINVAL;
}

/* Strict decimal: digits only, no sign or blanks, at most max. */
static bool parse_decimal(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (*s < '0' || *s > '9' || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static int parse_action(const struct word *w, struct sdpctl_rule *r,
			struct sdpctl_parse_error *err)
{
	if (sdpctl_action_parse(w->s, &r->action))
		return fail(err, SDPCTL_PERR_BAD_ACTION, w, 0,
			    "bad action \"%s\" (expected sdp, tcp or both)",
			    w->s);
	return 0;
}

/* libsdp spells the roles server and client; take both spellings. */
static int parse_role(const struct word *w, struct sdpctl_rule *r,
		      struct sdpctl_parse_error *err)
{
	if (!strcmp(w->s, "listen") || !strcmp(w->s, "server"))
		r->role = SDP_ROLE_LISTEN;
	else if (!strcmp(w->s, "connect") || !strcmp(w->s, "client"))
		r->role = SDP_ROLE_CONNECT;
	else if (!strcmp(w->s, "any"))
		r->role = SDPCTL_ROLE_ANY;
	else
		return fail(err, SDPCTL_PERR_BAD_ROLE, w, 0,
			    "bad role \"%s\" (expected listen, connect or any)",
			    w->s);
	return 0;
}

static int parse_program(const struct word *w, const char *pattern,
			 struct sdpctl_rule *r, struct sdpctl_parse_error *err)
{
	size_t len = strlen(pattern);

	if (!len)
		return fail(err, SDPCTL_PERR_MISSING_VALUE, w, 0,
			    "empty program pattern");
	if (len > SDP_PROGRAM_MAX_LEN)
		return fail(err, SDPCTL_PERR_PROGRAM_TOO_LONG, w, 0,
			    "program pattern \"%s\" is %zu bytes, longer than %d",
			    pattern, len, SDP_PROGRAM_MAX_LEN);
	memcpy(r->program, pattern, len + 1);
	return 0;
}

/* "N", "N-M" or "any" (or "*" where star_is_any, for libsdp). */
static int parse_ports(const struct word *w, const char *s,
		       unsigned int col_offset, bool star_is_any,
		       struct sdpctl_rule *r, struct sdpctl_parse_error *err)
{
	char lo[8], hi[8];
	const char *dash;
	uint64_t min, max;

	if (!strcmp(s, "any") || (star_is_any && !strcmp(s, "*"))) {
		r->port_min = 0;
		r->port_max = UINT16_MAX;
		return 0;
	}
	dash = strchr(s, '-');
	if (dash) {
		if ((size_t)(dash - s) >= sizeof(lo) || strlen(dash + 1) >= sizeof(hi))
			goto bad;
		memcpy(lo, s, dash - s);
		lo[dash - s] = '\0';
		strcpy(hi, dash + 1);
	} else {
		if (strlen(s) >= sizeof(lo))
			goto bad;
		strcpy(lo, s);
		strcpy(hi, s);
	}
	if (!parse_decimal(lo, UINT16_MAX, &min) ||
	    !parse_decimal(hi, UINT16_MAX, &max))
		goto bad;
	if (min > max)
		return fail(err, SDPCTL_PERR_PORT_RANGE_INVERTED, w, col_offset,
			    "port range %s is inverted (did you mean %s-%s?)",
			    s, hi, lo);
	r->port_min = (uint16_t)min;
	r->port_max = (uint16_t)max;
	return 0;
bad:
	return fail(err, SDPCTL_PERR_BAD_PORT, w, col_offset,
		    "bad port \"%s\" (expected a port 0-65535, a range N-M or %s)",
		    s, star_is_any ? "*" : "any");
}

static unsigned int family_bits(uint16_t family)
{
	return family == AF_INET6 ? 128 : 32;
}

/*
 * "ADDR[/PLEN]" into r. want_family is AF_UNSPEC or the family the rule
 * already named, which the address must agree with.
 */
static int parse_prefix(const struct word *w, const char *s,
			unsigned int col_offset, uint16_t want_family,
			struct sdpctl_rule *r, struct sdpctl_parse_error *err)
{
	char host[INET6_ADDRSTRLEN + 1], masked[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t host_len = slash ? (size_t)(slash - s) : strlen(s);
	uint8_t addr[16] = { 0 };
	uint16_t family;
	unsigned int bits, i;
	uint64_t plen;

	if (host_len >= sizeof(host))
		goto bad;
	memcpy(host, s, host_len);
	host[host_len] = '\0';
	if (inet_pton(AF_INET, host, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, host, addr) == 1)
		family = AF_INET6;
	else
		goto bad;
	bits = family_bits(family);
	if (want_family != AF_UNSPEC && want_family != family)
		return fail(err, SDPCTL_PERR_BAD_ADDRESS, w, col_offset,
			    "addr %s is %s but the rule says family %s", host,
			    sdpctl_family_name(family),
			    sdpctl_family_name(want_family));
	plen = bits;
	if (slash) {
		if (!parse_decimal(slash + 1, 999, &plen))
			return fail(err, SDPCTL_PERR_BAD_ADDRESS, w,
				    col_offset + host_len + 1,
				    "bad prefix length \"%s\" in addr %s",
				    slash + 1, s);
		if (plen > bits)
			return fail(err, SDPCTL_PERR_PREFIX_TOO_LONG, w,
				    col_offset + host_len + 1,
				    "prefix length %u is longer than %u for %s",
				    (unsigned int)plen, bits,
				    sdpctl_family_name(family));
	}
	/* Host bits past the prefix are almost always a typo: refuse them. */
	for (i = 0; i < bits / 8; i++) {
		unsigned int keep = plen >= (i + 1) * 8 ? 8 :
				    plen > i * 8 ? (unsigned int)plen - i * 8 : 0;
		uint8_t mask = (uint8_t)(0xff00 >> keep);
		uint8_t before = addr[i];

		addr[i] &= mask;
		if (before != addr[i]) {
			for (i++; i < bits / 8; i++)
				addr[i] = 0;
			inet_ntop(family, addr, masked, sizeof(masked));
			return fail(err, SDPCTL_PERR_HOST_BITS, w, col_offset,
				    "addr %s has host bits set; did you mean %s/%u?",
				    s, masked, (unsigned int)plen);
		}
	}
	r->family = family;
	memcpy(r->addr, addr, sizeof(addr));
	r->prefix_len = (uint8_t)plen;
	return 0;
bad:
	return fail(err, SDPCTL_PERR_BAD_ADDRESS, w, col_offset,
		    "bad address \"%s\" (expected an IPv4 or IPv6 address, "
		    "optionally /PREFIX, or any)", s);
}

/* Any address: of @family, or of both families for AF_UNSPEC. */
static void set_any_addr(struct sdpctl_rule *r, uint16_t family)
{
	r->family = family;
	memset(r->addr, 0, sizeof(r->addr));
	r->prefix_len = 0;
}

enum keyword {
	KW_POSITION, KW_ACTION, KW_ROLE, KW_FAMILY, KW_ADDR, KW_PORT,
	KW_PROGRAM, KW_COUNT
};

static const char *const keywords[KW_COUNT] = {
	[KW_POSITION] = "position",
	[KW_ACTION] = "action",
	[KW_ROLE] = "role",
	[KW_FAMILY] = "family",
	[KW_ADDR] = "addr",
	[KW_PORT] = "port",
	[KW_PROGRAM] = "program",
};

static int parse_keywords(const struct word *w, int n, struct sdpctl_rule *r,
			  struct sdpctl_parse_error *err)
{
	const struct word *addr = NULL;
	uint16_t want_family = AF_UNSPEC;
	unsigned int seen = 0;
	uint64_t v;
	int i, err_code;

	for (i = 0; i < n; i += 2) {
		const struct word *val = &w[i + 1];
		enum keyword kw;

		for (kw = 0; kw < KW_COUNT; kw++)
			if (!strcmp(w[i].s, keywords[kw]))
				break;
		if (kw == KW_COUNT)
			return fail(err, SDPCTL_PERR_UNKNOWN_KEYWORD, &w[i], 0,
				    "unknown keyword \"%s\"", w[i].s);
		if (seen & (1u << kw))
			return fail(err, SDPCTL_PERR_DUPLICATE_KEYWORD, &w[i], 0,
				    "duplicate keyword \"%s\"", w[i].s);
		seen |= 1u << kw;
		if (i + 1 >= n)
			return fail(err, SDPCTL_PERR_MISSING_VALUE, &w[i], 0,
				    "keyword \"%s\" needs a value", w[i].s);
		err_code = 0;
		switch (kw) {
		case KW_POSITION:
			if (!parse_decimal(val->s, UINT32_MAX, &v))
				return fail(err, SDPCTL_PERR_BAD_POSITION, val, 0,
					    "bad position \"%s\" (expected 0-%u)",
					    val->s, UINT32_MAX);
			r->position = (uint32_t)v;
			r->has_position = true;
			break;
		case KW_ACTION:
			err_code = parse_action(val, r, err);
			break;
		case KW_ROLE:
			err_code = parse_role(val, r, err);
			break;
		case KW_FAMILY:
			if (!strcmp(val->s, "inet"))
				want_family = AF_INET;
			else if (!strcmp(val->s, "inet6"))
				want_family = AF_INET6;
			else
				return fail(err, SDPCTL_PERR_BAD_FAMILY, val, 0,
					    "bad family \"%s\" (expected inet or inet6)",
					    val->s);
			break;
		case KW_ADDR:
			addr = val;
			break;
		case KW_PORT:
			err_code = parse_ports(val, val->s, 0, false, r, err);
			break;
		case KW_PROGRAM:
			err_code = parse_program(val, val->s, r, err);
			break;
		case KW_COUNT:
			break;
		}
		if (err_code)
			return err_code;
	}
	if (!(seen & (1u << KW_ACTION)))
		return fail(err, SDPCTL_PERR_MISSING_ACTION, n ? &w[0] : NULL, 0,
			    "missing action (a rule needs \"action sdp|tcp|both\")");
	/* Resolved last: "family" may come after "addr". */
	if (!addr || !strcmp(addr->s, "any")) {
		set_any_addr(r, want_family);
		return 0;
	}
	return parse_prefix(addr, addr->s, 0, want_family, r, err);
}

/* libsdp's "ADDR[/PLEN]:PORTS", IPv6 as "[ADDR]/PLEN:PORTS". */
static int parse_libsdp_endpoint(const struct word *w, struct sdpctl_rule *r,
				 struct sdpctl_parse_error *err)
{
	char host[INET6_ADDRSTRLEN + 8];
	const char *s = w->s, *ports;
	size_t host_len;
	unsigned int host_col = 0;
	int ret;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		const char *colon;

		if (!close)
			return fail(err, SDPCTL_PERR_BAD_ADDRESS, w, 0,
				    "bad address \"%s\" (no closing ])", s);
		colon = strchr(close, ':');
		if (!colon)
			goto no_ports;
		/* "[ADDR]/PLEN" and "[ADDR/PLEN]" both become "ADDR/PLEN". */
		host_len = (size_t)(close - s - 1) + (size_t)(colon - close - 1);
		if (host_len >= sizeof(host))
			goto bad;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		memcpy(host + (close - s - 1), close + 1,
		       (size_t)(colon - close - 1));
		host[host_len] = '\0';
		host_col = 1;
		ports = colon + 1;
	} else {
		const char *colon = strrchr(s, ':');

		if (!colon)
			goto no_ports;
		host_len = (size_t)(colon - s);
		if (host_len >= sizeof(host))
			goto bad;
		memcpy(host, s, host_len);
		host[host_len] = '\0';
		if (strchr(host, ':'))
			return fail(err, SDPCTL_PERR_BAD_ADDRESS, w, 0,
				    "bad address \"%s\" (write IPv6 addresses "
				    "in brackets: [2001:db8::]/32:80)", s);
		ports = colon + 1;
	}
	if (!strcmp(host, "*") || !strcmp(host, "any"))
		set_any_addr(r, AF_UNSPEC);
	else if ((ret = parse_prefix(w, host, host_col, AF_UNSPEC, r, err)))
		return ret;
	return parse_ports(w, ports, (unsigned int)(ports - s), true, r, err);
no_ports:
	return fail(err, SDPCTL_PERR_BAD_ADDRESS, w, 0,
		    "bad address \"%s\" (libsdp wants ADDRESS[/PREFIX]:PORTS, "
		    "* for any)", s);
bad:
	return fail(err, SDPCTL_PERR_BAD_ADDRESS, w, 0,
		    "bad address \"%s\"", s);
}

static int parse_libsdp(const struct word *w, int n, struct sdpctl_rule *r,
			struct sdpctl_parse_error *err)
{
	int ret;

	if (n < 5)
		return fail(err, SDPCTL_PERR_MISSING_VALUE, &w[n - 1], 0,
			    "libsdp rule needs 4 values: use ACTION ROLE "
			    "PROGRAM ADDRESS:PORTS");
	if (n > 5)
		return fail(err, SDPCTL_PERR_TRAILING_GARBAGE, &w[5], 0,
			    "trailing garbage \"%s\" after a libsdp rule",
			    w[5].s);
	ret = parse_action(&w[1], r, err);
	if (!ret)
		ret = parse_role(&w[2], r, err);
	if (!ret && strcmp(w[3].s, "*"))
		ret = parse_program(&w[3], w[3].s, r, err);
	if (!ret)
		ret = parse_libsdp_endpoint(&w[4], r, err);
	return ret;
}

/* All words of one rule: libsdp "use" or keyword form. */
static int parse_words(const struct word *w, int n, struct sdpctl_rule *r,
		       struct sdpctl_parse_error *err)
{
	sdpctl_rule_init(r);
	if (n && !strcmp(w[0].s, "use"))
		return parse_libsdp(w, n, r, err);
	return parse_keywords(w, n, r, err);
}

/*
 * Split line (modified in place) into words. A word starting with # starts
 * a comment; a word starting with " runs to the next unescaped " (so a
 * program pattern may hold blanks), with \" and \\ as escapes.
 */
static int split_words(char *line, struct word *w, int *n,
		       struct sdpctl_parse_error *err)
{
	char *p = line;
	int count = 0;

	for (;;) {
		struct word cur;
		char *start;

		while (is_space(*p))
			p++;
		if (!*p || *p == '#')
			break;
		start = p;
		cur.s = start;
		cur.col = (unsigned int)(start - line) + 1;
		if (count == MAX_WORDS)
			return fail(err, SDPCTL_PERR_TRAILING_GARBAGE, &cur, 0,
				    "trailing garbage: a rule has at most %d words",
				    MAX_WORDS);
		if (*p == '"') {
			char *dst = start;

			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				*dst++ = *p++;
			}
			if (*p != '"') {
				cur.s = "\"";
				return fail(err, SDPCTL_PERR_BAD_QUOTE, &cur, 0,
					    "unterminated quote");
			}
			p++;
			if (*p && !is_space(*p)) {
				cur.s = "\"";
				cur.col = (unsigned int)(p - line) + 1;
				return fail(err, SDPCTL_PERR_BAD_QUOTE, &cur, 0,
					    "a quoted word must end at its closing quote");
			}
			*dst = '\0';
		} else {
			while (*p && !is_space(*p))
				p++;
		}
		if (*p)
			*p++ = '\0';
		w[count++] = cur;
	}
	*n = count;
	return 0;
}

/* Parse one line into r: 0, -ENODATA (no rule there) or -EINVAL. */
static int parse_line(char *line, struct sdpctl_rule *r,
		      struct sdpctl_parse_error *err)
{
	struct word w[MAX_WORDS];
	int n = 0, ret;

	ret = split_words(line, w, &n, err);
	if (ret)
		return ret;
	/* libsdp's logging directives mean nothing to the kernel. */
	if (!n || !strcmp(w[0].s, "log"))
		return -ENODATA;
	return parse_words(w, n, r, err);
}

static void clear_error(struct sdpctl_parse_error *err, unsigned int line)
{
	memset(err, 0, sizeof(*err));
	err->size = SDPCTL_PERR_KNOWN;
	err->line = line;
}

/*
 * The entry points below parse into the library's own objects and hand
 * the caller's their sizes' worth (objsize.c); @err may be NULL.
 */
static int sizes_ok(size_t size, const struct sdpctl_parse_error *err,
		    size_t err_size)
{
	int ret = sdpctl_obj_size_ok(size, SDPCTL_RULE_SIZE_2);

	return ret || !err ? ret : sdpctl_obj_size_ok(err_size,
						      SDPCTL_PERR_SIZE_2);
}

static int parsed(int ret, struct sdpctl_rule *r, size_t size,
		  const struct sdpctl_rule *own, struct sdpctl_parse_error *err,
		  size_t err_size, const struct sdpctl_parse_error *own_err)
{
	if (!ret)
		sdpctl_obj_out(r, size, own, SDPCTL_RULE_KNOWN);
	if (err)
		sdpctl_obj_out(err, err_size, own_err, SDPCTL_PERR_KNOWN);
	return ret;
}

int sdpctl_rule_parse_sz(const char *line, struct sdpctl_rule *r, size_t size,
			 struct sdpctl_parse_error *err, size_t err_size)
{
	struct sdpctl_parse_error own_err;
	struct sdpctl_rule own;
	char *copy;
	int ret = sizes_ok(size, err, err_size);

	if (ret)
		return ret;
	clear_error(&own_err, 0);
	copy = strdup(line);
	if (!copy)
		return -ENOMEM;
	ret = parse_line(copy, &own, &own_err);
	free(copy);
	return parsed(ret, r, size, &own, err, err_size, &own_err);
}

static int rule_parse_args(int argc, const char *const *argv,
			   struct sdpctl_rule *r,
			   struct sdpctl_parse_error *err)
{
	struct word w[MAX_WORDS];
	int i;

	if (argc > MAX_WORDS) {
		struct word extra = { argv[MAX_WORDS], MAX_WORDS + 1 };

		return fail(err, SDPCTL_PERR_TRAILING_GARBAGE, &extra, 0,
			    "trailing garbage: a rule has at most %d words",
			    MAX_WORDS);
	}
	for (i = 0; i < argc; i++)
		w[i] = (struct word){ argv[i], (unsigned int)i + 1 };
	return parse_words(w, argc < 0 ? 0 : argc, r, err);
}

int sdpctl_rule_parse_args_sz(int argc, const char *const *argv,
			      struct sdpctl_rule *r, size_t size,
			      struct sdpctl_parse_error *err, size_t err_size)
{
	struct sdpctl_parse_error own_err;
	struct sdpctl_rule own;
	int ret = sizes_ok(size, err, err_size);

	if (ret)
		return ret;
	clear_error(&own_err, 0);
	ret = rule_parse_args(argc, argv, &own, &own_err);
	return parsed(ret, r, size, &own, err, err_size, &own_err);
}

static int rules_parse(const char *text, struct sdpctl_rule **rules,
		       size_t *n, struct sdpctl_parse_error *err)
{
	struct sdpctl_rule *out = NULL, r;
	size_t count = 0, cap = 0, buf_len = 0;
	unsigned int line_no = 0;
	char *buf = NULL;
	int ret = 0;

	*rules = NULL;
	*n = 0;
	while (*text) {
		const char *eol = strchr(text, '\n');
		size_t len = eol ? (size_t)(eol - text) : strlen(text);

		line_no++;
		clear_error(err, line_no);
		if (len + 1 > buf_len) {
			char *bigger = realloc(buf, len + 1);

			if (!bigger) {
				ret = -ENOMEM;
				break;
			}
			buf = bigger;
			buf_len = len + 1;
		}
		memcpy(buf, text, len);
		buf[len] = '\0';
		text += eol ? len + 1 : len;

		ret = parse_line(buf, &r, err);
		if (ret == -ENODATA) {
			ret = 0;
			continue;
		}
		if (ret)
			break;
		if (count == cap) {
			size_t new_cap = cap ? cap * 2 : 16;
			struct sdpctl_rule *bigger =
				realloc(out, new_cap * sizeof(*out));

			if (!bigger) {
				ret = -ENOMEM;
				break;
			}
			out = bigger;
			cap = new_cap;
		}
		r.line = line_no;
		out[count++] = r;
	}
	free(buf);
	if (ret) {
		free(out);
		return ret;
	}
	clear_error(err, 0);
	*rules = out;
	*n = count;
	return 0;
}

int sdpctl_rules_parse_sz(const char *text, struct sdpctl_rule **rules,
			  size_t *n, size_t size,
			  struct sdpctl_parse_error *err, size_t err_size)
{
	struct sdpctl_parse_error own_err;
	struct sdpctl_rule *own;
	char *out = NULL;
	size_t count, i;
	int ret = sizes_ok(size, err, err_size);

	*rules = NULL;
	*n = 0;
	if (ret)
		return ret;
	ret = rules_parse(text, &own, &count, &own_err);
	/* An array the caller indexes with its own size. */
	if (!ret && count) {
		out = calloc(count, size);
		if (!out)
			ret = -ENOMEM;
		for (i = 0; out && i < count; i++)
			sdpctl_obj_out(out + i * size, size, &own[i],
				       SDPCTL_RULE_KNOWN);
	}
	if (!ret) {
		*rules = (struct sdpctl_rule *)out;
		*n = count;
	}
	free(own);
	if (err)
		sdpctl_obj_out(err, err_size, &own_err, SDPCTL_PERR_KNOWN);
	return ret;
}

/* ---- formatting ------------------------------------------------------- */

struct out {
	char *buf;
	size_t len, used;	/* used may pass len: then we truncated */
};

static void emit(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void emit(struct out *o, const char *fmt, ...)
{
	size_t room = o->used < o->len ? o->len - o->used : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->used : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n;
}

static bool needs_quotes(const char *s)
{
	if (!*s || *s == '#' || *s == '"')
		return true;
	for (; *s; s++)
		if (is_space(*s) || *s == '"' || *s == '\\')
			return true;
	return false;
}

static int rule_format(const struct sdpctl_rule *r, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	const char *action = sdpctl_action_name(r->action);
	const char *role = sdpctl_role_name(r->role);
	const char *family = sdpctl_family_name(r->family);
	char addr[INET6_ADDRSTRLEN];

	if (len)
		buf[0] = '\0';
	if (!action || !role || !family ||
	    r->prefix_len > family_bits(r->family) || r->port_min > r->port_max ||
	    (r->family == AF_UNSPEC && r->prefix_len))
		return -EINVAL;
	if (r->has_position)
		emit(&o, "position %u ", r->position);
	emit(&o, "action %s role %s ", action, role);
	/* Both families is what a rule without "family" means. */
	if (r->family != AF_UNSPEC)
		emit(&o, "family %s ", family);
	emit(&o, "addr ");
	if (r->prefix_len == 0) {
		emit(&o, "any");
	} else {
		inet_ntop(r->family, r->addr, addr, sizeof(addr));
		emit(&o, "%s", addr);
		if (r->prefix_len != family_bits(r->family))
			emit(&o, "/%u", r->prefix_len);
	}
	if (r->port_min == 0 && r->port_max == UINT16_MAX)
		emit(&o, " port any");
	else if (r->port_min == r->port_max)
		emit(&o, " port %u", r->port_min);
	else
		emit(&o, " port %u-%u", r->port_min, r->port_max);
	if (r->program[0] && !needs_quotes(r->program)) {
		emit(&o, " program %s", r->program);
	} else if (r->program[0]) {
		const char *p;

		emit(&o, " program \"");
		for (p = r->program; *p; p++)
			emit(&o, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
		emit(&o, "\"");
	}
	return o.used < len ? 0 : -ENOSPC;
}

int sdpctl_rule_format_sz(const struct sdpctl_rule *r, size_t size, char *buf,
			  size_t len)
{
	struct sdpctl_rule own;
	int ret = sdpctl_obj_in(&own, sizeof(own), r, size, SDPCTL_RULE_SIZE_2);

	if (ret) {
		if (len)
			buf[0] = '\0';
		return ret;
	}
	return rule_format(&own, buf, len);
}
