// SPDX-License-Identifier: GPL-2.0
/* The rule text parser and formatter of libsdpctl (pure string work). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sdpctl.h"

static struct sdpctl_rule parse_ok(const char *line)
{
	struct sdpctl_parse_error err;
	struct sdpctl_rule r;
	int ret = sdpctl_rule_parse(line, &r, &err);

	if (ret)
		fail_msg("\"%s\": %d %s", line, ret, err.msg);
	return r;
}

static void assert_addr(const struct sdpctl_rule *r, const char *text)
{
	char buf[INET6_ADDRSTRLEN];

	assert_non_null(inet_ntop(r->family, r->addr, buf, sizeof(buf)));
	assert_string_equal(buf, text);
}

static void assert_rules_equal(const struct sdpctl_rule *a,
			       const struct sdpctl_rule *b)
{
	assert_int_equal(a->family, b->family);
	assert_memory_equal(a->addr, b->addr, sizeof(a->addr));
	assert_int_equal(a->prefix_len, b->prefix_len);
	assert_int_equal(a->port_min, b->port_min);
	assert_int_equal(a->port_max, b->port_max);
	assert_int_equal(a->role, b->role);
	assert_string_equal(a->program, b->program);
	assert_int_equal(a->action, b->action);
	assert_int_equal(a->has_position, b->has_position);
	if (a->has_position)
		assert_int_equal(a->position, b->position);
}

/* ---- valid forms ------------------------------------------------------ */

static void test_keyword_full(void **state)
{
	struct sdpctl_rule r = parse_ok("action sdp role connect family inet "
					"addr 198.18.0.0/24 port 5000-5010 "
					"program iperf*");

	(void)state;
	assert_int_equal(r.action, SDP_ACTION_SDP);
	assert_int_equal(r.role, SDP_ROLE_CONNECT);
	assert_int_equal(r.family, AF_INET);
	assert_addr(&r, "198.18.0.0");
	assert_int_equal(r.prefix_len, 24);
	assert_int_equal(r.port_min, 5000);
	assert_int_equal(r.port_max, 5010);
	assert_string_equal(r.program, "iperf*");
	assert_false(r.has_position);
	assert_int_equal(r.id, 0);
}

static void test_keyword_any_order_and_defaults(void **state)
{
	struct sdpctl_rule a = parse_ok("port 80 program nginx action both "
					"addr 10.0.0.0/8 role listen");
	struct sdpctl_rule b = parse_ok("action tcp");

	(void)state;
	assert_int_equal(a.action, SDP_ACTION_BOTH);
	assert_int_equal(a.role, SDP_ROLE_LISTEN);
	assert_int_equal(a.port_min, 80);
	assert_int_equal(a.port_max, 80);
	assert_int_equal(a.prefix_len, 8);

	/* Defaults: any address of both families, any port, both roles,
	 * any program. */
	assert_int_equal(b.action, SDP_ACTION_TCP);
	assert_int_equal(b.family, AF_UNSPEC);
	assert_int_equal(b.prefix_len, 0);
	assert_int_equal(b.port_min, 0);
	assert_int_equal(b.port_max, 65535);
	assert_int_equal(b.role, SDPCTL_ROLE_ANY);
	assert_string_equal(b.program, "");
}

static void test_keyword_families(void **state)
{
	struct sdpctl_rule r;

	(void)state;
	r = parse_ok("action sdp addr 2001:db8::/32 port any");
	assert_int_equal(r.family, AF_INET6);
	assert_int_equal(r.prefix_len, 32);
	assert_addr(&r, "2001:db8::");

	r = parse_ok("action sdp addr fe80::1");	/* a host: /128 */
	assert_int_equal(r.prefix_len, 128);

	r = parse_ok("family inet6 action sdp addr any");
	assert_int_equal(r.family, AF_INET6);
	assert_int_equal(r.prefix_len, 0);

	r = parse_ok("action sdp addr 198.18.0.9 family inet role any");
	assert_int_equal(r.prefix_len, 32);
	assert_int_equal(r.role, SDPCTL_ROLE_ANY);

	r = parse_ok("addr 0.0.0.0/0 action sdp");
	assert_int_equal(r.prefix_len, 0);
}

static void test_keyword_position_and_blanks(void **state)
{
	struct sdpctl_rule r = parse_ok("\t position 0   action sdp\tport 0 \r");

	(void)state;
	assert_true(r.has_position);
	assert_int_equal(r.position, 0);
	assert_int_equal(r.port_min, 0);
	assert_int_equal(r.port_max, 0);
	r = parse_ok("position 4294967295 action sdp # trailing comment");
	assert_int_equal(r.position, 4294967295u);
}

static void test_quoted_program(void **state)
{
	struct sdpctl_rule r = parse_ok("action sdp program \"my prog\\\"x\"");

	(void)state;
	assert_string_equal(r.program, "my prog\"x");
	r = parse_ok("action sdp program a#b");	/* # inside a word */
	assert_string_equal(r.program, "a#b");
}

static void test_libsdp_lines(void **state)
{
	struct sdpctl_rule r;

	(void)state;
	r = parse_ok("use sdp connect * 198.18.0.0/16:*");
	assert_int_equal(r.action, SDP_ACTION_SDP);
	assert_int_equal(r.role, SDP_ROLE_CONNECT);
	assert_string_equal(r.program, "");
	assert_int_equal(r.prefix_len, 16);
	assert_int_equal(r.port_min, 0);
	assert_int_equal(r.port_max, 65535);

	r = parse_ok("use tcp server ttcp* *:22-25");
	assert_int_equal(r.action, SDP_ACTION_TCP);
	assert_int_equal(r.role, SDP_ROLE_LISTEN);
	assert_string_equal(r.program, "ttcp*");
	assert_int_equal(r.family, AF_UNSPEC);	/* "*": both families */
	assert_int_equal(r.prefix_len, 0);
	assert_int_equal(r.port_min, 22);
	assert_int_equal(r.port_max, 25);

	r = parse_ok("use both client * [2001:db8::]/32:80");
	assert_int_equal(r.action, SDP_ACTION_BOTH);
	assert_int_equal(r.role, SDP_ROLE_CONNECT);
	assert_int_equal(r.family, AF_INET6);
	assert_int_equal(r.prefix_len, 32);
	assert_addr(&r, "2001:db8::");
	assert_int_equal(r.port_min, 80);

	r = parse_ok("use sdp listen * [2001:db8::/48]:*");
	assert_int_equal(r.prefix_len, 48);
	r = parse_ok("use sdp any * [::1]:5000");
	assert_int_equal(r.role, SDPCTL_ROLE_ANY);
	assert_int_equal(r.prefix_len, 128);
	r = parse_ok("use both client sshd 10.1.2.3:22");
	assert_int_equal(r.prefix_len, 32);
	assert_string_equal(r.program, "sshd");
}

static void test_no_rule_lines(void **state)
{
	static const char *const lines[] = {
		"", "   ", "# a comment", "\t# indented comment",
		"log min-level 9 destination stderr", "log destination syslog",
	};
	struct sdpctl_rule r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_int_equal(sdpctl_rule_parse(lines[i], &r, NULL),
				 -ENODATA);
}

static void test_parse_args(void **state)
{
	const char *good[] = { "action", "sdp", "program", "my prog" };
	const char *bad[] = { "action", "sdp", "port", "99999" };
	struct sdpctl_parse_error err;
	struct sdpctl_rule r;

	(void)state;
	/* Words are taken as they come: no quoting, no comments. */
	assert_int_equal(sdpctl_rule_parse_args(4, good, &r, &err), 0);
	assert_string_equal(r.program, "my prog");
	assert_int_equal(sdpctl_rule_parse_args(4, bad, &r, &err), -EINVAL);
	assert_int_equal(err.kind, SDPCTL_PERR_BAD_PORT);
	assert_int_equal(err.column, 4);	/* the fourth word */
	assert_int_equal(err.line, 0);
	assert_string_equal(err.token, "99999");
	assert_int_equal(strncmp(err.msg, "bad port", 8), 0);
	assert_int_equal(sdpctl_rule_parse_args(0, good, &r, &err), -EINVAL);
	assert_int_equal(err.kind, SDPCTL_PERR_MISSING_ACTION);
}

/* ---- bad lines -------------------------------------------------------- */

struct bad_line {
	const char *text;
	enum sdpctl_parse_error_kind kind;
	unsigned int column;
	const char *msg;	/* exact, after "line 3: ", or NULL */
};

static const struct bad_line bad_lines[] = {
	{ "action sdp bogus 1", SDPCTL_PERR_UNKNOWN_KEYWORD, 12,
	  "unknown keyword \"bogus\"" },
	{ "action sdp port", SDPCTL_PERR_MISSING_VALUE, 12,
	  "keyword \"port\" needs a value" },
	{ "action", SDPCTL_PERR_MISSING_VALUE, 1, NULL },
	{ "action sdp program \"\"", SDPCTL_PERR_MISSING_VALUE, 20, NULL },
	{ "action fast", SDPCTL_PERR_BAD_ACTION, 8,
	  "bad action \"fast\" (expected sdp, tcp or both)" },
	{ "action sdp role server2", SDPCTL_PERR_BAD_ROLE, 17, NULL },
	{ "action sdp family ipx", SDPCTL_PERR_BAD_FAMILY, 19, NULL },
	{ "action sdp addr 300.1.2.3", SDPCTL_PERR_BAD_ADDRESS, 17, NULL },
	{ "action sdp addr 10.0.0.0/x", SDPCTL_PERR_BAD_ADDRESS, 26, NULL },
	{ "action sdp addr 10.0.0.0/", SDPCTL_PERR_BAD_ADDRESS, 26, NULL },
	{ "action sdp family inet6 addr 10.0.0.1", SDPCTL_PERR_BAD_ADDRESS,
	  30, "addr 10.0.0.1 is inet but the rule says family inet6" },
	{ "action sdp addr 10.0.0.0/40", SDPCTL_PERR_PREFIX_TOO_LONG, 26,
	  "prefix length 40 is longer than 32 for inet" },
	{ "action sdp addr 2001:db8::/129", SDPCTL_PERR_PREFIX_TOO_LONG, 28,
	  "prefix length 129 is longer than 128 for inet6" },
	{ "action sdp addr 198.18.0.1/24", SDPCTL_PERR_HOST_BITS, 17,
	  "addr 198.18.0.1/24 has host bits set; did you mean 198.18.0.0/24?" },
	{ "action sdp addr 2001:db8::1/64", SDPCTL_PERR_HOST_BITS, 17,
	  "addr 2001:db8::1/64 has host bits set; did you mean 2001:db8::/64?" },
	{ "action sdp port 65536", SDPCTL_PERR_BAD_PORT, 17, NULL },
	{ "action sdp port 1-2-3", SDPCTL_PERR_BAD_PORT, 17, NULL },
	{ "action sdp port -5", SDPCTL_PERR_BAD_PORT, 17, NULL },
	{ "action sdp port *", SDPCTL_PERR_BAD_PORT, 17, NULL },
	{ "action sdp port 5010-5000", SDPCTL_PERR_PORT_RANGE_INVERTED, 17,
	  "port range 5010-5000 is inverted (did you mean 5000-5010?)" },
	{ "action sdp program abcdefghijklmnop", SDPCTL_PERR_PROGRAM_TOO_LONG,
	  20, "program pattern \"abcdefghijklmnop\" is 16 bytes, longer than 15" },
	{ "position x action sdp", SDPCTL_PERR_BAD_POSITION, 10, NULL },
	{ "position 4294967296 action sdp", SDPCTL_PERR_BAD_POSITION, 10, NULL },
	{ "role connect port 80", SDPCTL_PERR_MISSING_ACTION, 1,
	  "missing action (a rule needs \"action sdp|tcp|both\")" },
	{ "action sdp port 1 port 2", SDPCTL_PERR_DUPLICATE_KEYWORD, 19,
	  "duplicate keyword \"port\"" },
	{ "action sdp action tcp", SDPCTL_PERR_DUPLICATE_KEYWORD, 12, NULL },
	{ "action sdp program \"open", SDPCTL_PERR_BAD_QUOTE, 20,
	  "unterminated quote" },
	{ "action sdp program \"a\"b", SDPCTL_PERR_BAD_QUOTE, 23, NULL },
	{ "use sdp connect * 10.0.0.0/8:80 extra", SDPCTL_PERR_TRAILING_GARBAGE,
	  33, "trailing garbage \"extra\" after a libsdp rule" },
	{ "use sdp connect *", SDPCTL_PERR_MISSING_VALUE, 17, NULL },
	{ "use fast connect * *:*", SDPCTL_PERR_BAD_ACTION, 5, NULL },
	{ "use sdp sideways * *:*", SDPCTL_PERR_BAD_ROLE, 9, NULL },
	{ "use sdp connect * 10.0.0.0/8", SDPCTL_PERR_BAD_ADDRESS, 19, NULL },
	{ "use sdp connect * 2001:db8::/32:80", SDPCTL_PERR_BAD_ADDRESS, 19,
	  NULL },
	{ "use sdp connect * [2001:db8::/32:80", SDPCTL_PERR_BAD_ADDRESS, 19,
	  NULL },
	{ "use sdp connect * 10.0.0.0/33:*", SDPCTL_PERR_PREFIX_TOO_LONG, 28,
	  NULL },
	{ "use sdp connect * 10.0.0.1/8:*", SDPCTL_PERR_HOST_BITS, 19, NULL },
	{ "use sdp connect * *:90-80", SDPCTL_PERR_PORT_RANGE_INVERTED, 21,
	  NULL },
	{ "use sdp connect * *:http", SDPCTL_PERR_BAD_PORT, 21, NULL },
	{ "use sdp connect abcdefghijklmnop *:*", SDPCTL_PERR_PROGRAM_TOO_LONG,
	  17, NULL },
};

/* A bad line as line 3 of a file, after a comment and a good rule. */
static void test_bad_line(void **state)
{
	const struct bad_line *b = *state;
	struct sdpctl_parse_error err;
	struct sdpctl_rule *rules = (void *)1;
	char text[256], want[300];
	size_t n = 99;

	snprintf(text, sizeof(text),
		 "# rules\naction sdp port 1\n%s\naction tcp\n", b->text);
	assert_int_equal(sdpctl_rules_parse(text, &rules, &n, &err), -EINVAL);
	if (err.kind != b->kind || err.line != 3 || err.column != b->column)
		fail_msg("\"%s\": kind %d line %u column %u (%s); wanted "
			 "kind %d line 3 column %u", b->text, err.kind,
			 err.line, err.column, err.msg, b->kind, b->column);
	assert_null(rules);
	assert_int_equal(n, 0);
	assert_int_equal(strncmp(err.msg, "line 3: ", 8), 0);
	if (b->msg) {
		snprintf(want, sizeof(want), "line 3: %s", b->msg);
		assert_string_equal(err.msg, want);
	}
}

static void test_single_line_errors_have_no_line(void **state)
{
	struct sdpctl_parse_error err;
	struct sdpctl_rule r;

	(void)state;
	assert_int_equal(sdpctl_rule_parse("action sdp addr 10.0.0.0/40", &r,
					   &err), -EINVAL);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.msg,
			    "prefix length 40 is longer than 32 for inet");
	assert_string_equal(err.token, "10.0.0.0/40");
	/* err is optional. */
	assert_int_equal(sdpctl_rule_parse("nonsense", &r, NULL), -EINVAL);
}

static void test_file(void **state)
{
	static const char text[] =
		"# sdp rules\r\n"
		"log min-level 9 destination stderr\n"
		"\n"
		"action sdp role connect addr 198.18.0.0/24 port 5000-5010\n"
		"use tcp server ttcp* *:22-25   # libsdp style\n"
		"   \t\n"
		"use both client * [2001:db8::]/32:80\r\n"
		"action tcp";		/* no final newline */
	struct sdpctl_parse_error err;
	struct sdpctl_rule *rules;
	size_t n;

	(void)state;
	assert_int_equal(sdpctl_rules_parse(text, &rules, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_int_equal(rules[0].line, 4);
	assert_int_equal(rules[0].prefix_len, 24);
	assert_int_equal(rules[1].line, 5);
	assert_string_equal(rules[1].program, "ttcp*");
	assert_int_equal(rules[2].line, 7);
	assert_int_equal(rules[2].family, AF_INET6);
	assert_int_equal(rules[3].line, 8);
	assert_int_equal(rules[3].action, SDP_ACTION_TCP);
	assert_int_equal(err.kind, SDPCTL_PERR_NONE);
	free(rules);

	assert_int_equal(sdpctl_rules_parse("", &rules, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sdpctl_rules_parse("# only\n\n", &rules, &n, NULL), 0);
	assert_int_equal(n, 0);
	free(rules);
}

static void test_many_rules(void **state)
{
	size_t len = 3000 * 32, used = 0, n, i;
	char *text = malloc(len);
	struct sdpctl_rule *rules;

	(void)state;
	for (i = 0; i < 3000; i++)
		used += (size_t)snprintf(text + used, len - used,
					 "action sdp port %zu\n", i);
	assert_int_equal(sdpctl_rules_parse(text, &rules, &n, NULL), 0);
	assert_int_equal(n, 3000);
	assert_int_equal(rules[2999].port_min, 2999);
	assert_int_equal(rules[2999].line, 3000);
	free(rules);
	free(text);
}

/* ---- formatting ------------------------------------------------------- */

static void test_format_contract(void **state)
{
	struct sdpctl_rule r = parse_ok("action sdp role connect "
					"addr 198.18.0.0/24 port 5000-5010 "
					"program iperf*");
	char buf[SDPCTL_RULE_TEXT_LEN];

	(void)state;
	assert_int_equal(sdpctl_rule_format(&r, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "action sdp role connect family inet "
			    "addr 198.18.0.0/24 port 5000-5010 program iperf*");
	/* No family: both, and the text says none. */
	r = parse_ok("action tcp");
	assert_int_equal(sdpctl_rule_format(&r, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "action tcp role any addr any port any");
	r = parse_ok("action tcp family inet");
	assert_int_equal(sdpctl_rule_format(&r, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "action tcp role any family inet addr any "
			    "port any");
	r = parse_ok("position 2 action both addr 10.1.2.3 port 80 role listen");
	assert_int_equal(sdpctl_rule_format(&r, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "position 2 action both role listen family "
			    "inet addr 10.1.2.3 port 80");
}

static void test_format_round_trip(void **state)
{
	static const char *const lines[] = {
		"action sdp role connect addr 198.18.0.0/24 port 5000-5010 program iperf*",
		"action tcp",
		"position 0 action both role listen addr 10.1.2.3",
		"action sdp family inet6 addr any port 1-2",
		"action sdp addr 2001:db8::/32 port any",
		"action sdp addr ::1 program \"two words\"",
		"action sdp program \"quote\\\"and\\\\slash\"",
		"action sdp program \"#hash\"",
		"use both client * [2001:db8::]/32:80",
		"use tcp server ttcp* *:22-25",
		"action sdp port 65535 program [a-c]?x",
	};
	char buf[SDPCTL_RULE_TEXT_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct sdpctl_rule a = parse_ok(lines[i]), b;

		assert_int_equal(sdpctl_rule_format(&a, buf, sizeof(buf)), 0);
		b = parse_ok(buf);
		assert_rules_equal(&a, &b);
	}
}

static void test_format_errors(void **state)
{
	struct sdpctl_rule r = parse_ok("action sdp program iperf");
	char small[10];

	(void)state;
	assert_int_equal(sdpctl_rule_format(&r, small, sizeof(small)), -ENOSPC);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	r.family = 7;
	assert_int_equal(sdpctl_rule_format(&r, small, sizeof(small)), -EINVAL);
	r = parse_ok("action sdp");
	r.action = 9;
	assert_int_equal(sdpctl_rule_format(&r, small, sizeof(small)), -EINVAL);
}

/* ---- objects of other sizes ------------------------------------------- */

/* A rule as a later header may define it: a field appended. */
struct rule_next {
	struct sdpctl_rule r;
	uint64_t added;
};

#define ADDED_END (offsetof(struct rule_next, added) + sizeof(uint64_t))

/* A later program's object: filled as far as we know it, the rest zeroed. */
static void test_obj_larger_filled(void **state)
{
	struct rule_next big;

	(void)state;
	memset(&big, 0xa5, sizeof(big));
	assert_int_equal(sdpctl_rule_init_sz(&big.r, sizeof(big)), 0);
	assert_true(SDPCTL_HAS(&big.r, line));
	assert_true(big.r.size < ADDED_END);	/* "added" not ours */
	assert_true(big.added == 0);
	assert_int_equal(big.r.family, AF_UNSPEC);
	assert_int_equal(big.r.port_max, 65535);

	memset(&big, 0xa5, sizeof(big));
	assert_int_equal(sdpctl_rule_parse_sz("action sdp port 7000", &big.r,
					      sizeof(big), NULL, 0), 0);
	assert_int_equal(big.r.port_min, 7000);
	assert_true(big.added == 0);
}

/* Read from a later program: its unknown part must be zero. */
static void test_obj_larger_read(void **state)
{
	struct rule_next big = { 0 };
	char text[SDPCTL_RULE_TEXT_LEN], plain[SDPCTL_RULE_TEXT_LEN];

	(void)state;
	assert_int_equal(sdpctl_rule_init_sz(&big.r, sizeof(big)), 0);
	big.r.action = SDP_ACTION_TCP;
	assert_int_equal(sdpctl_rule_format_sz(&big.r, sizeof(big), text,
					       sizeof(text)), 0);
	assert_int_equal(sdpctl_rule_format(&big.r, plain, sizeof(plain)), 0);
	assert_string_equal(text, plain);
	big.added = 1;		/* something this library cannot honour */
	assert_int_equal(sdpctl_rule_format_sz(&big.r, sizeof(big), text,
					       sizeof(text)), -E2BIG);
}

/* Smaller than ABI 2 published: refused, and nothing written. */
static void test_obj_smaller_refused(void **state)
{
	unsigned char buf[sizeof(struct sdpctl_rule)], canary[sizeof(buf)];
	struct sdpctl_parse_error err;
	size_t small = offsetof(struct sdpctl_rule, line);

	(void)state;
	memset(buf, 0x5a, sizeof(buf));
	memcpy(canary, buf, sizeof(buf));
	assert_int_equal(sdpctl_rule_init_sz((struct sdpctl_rule *)buf, small),
			 -EINVAL);
	assert_int_equal(sdpctl_rule_parse_sz("action sdp",
					      (struct sdpctl_rule *)buf, small,
					      &err, sizeof(err)), -EINVAL);
	assert_memory_equal(buf, canary, sizeof(buf));
	assert_int_equal(sdpctl_rule_format_sz((struct sdpctl_rule *)buf,
					       small, (char *)canary, 8),
			 -EINVAL);
}

/* An array comes back laid out with the caller's size. */
static void test_obj_array_stride(void **state)
{
	struct sdpctl_rule *rules;
	struct rule_next *next;
	size_t n;

	(void)state;
	assert_int_equal(sdpctl_rules_parse_sz("action sdp port 1\n"
					       "action tcp port 2\n", &rules,
					       &n, sizeof(*next), NULL, 0), 0);
	assert_int_equal(n, 2);
	next = (struct rule_next *)rules;
	assert_int_equal(next[0].r.port_min, 1);
	assert_int_equal(next[1].r.port_min, 2);
	assert_int_equal(next[1].r.action, SDP_ACTION_TCP);
	assert_int_equal(next[1].r.line, 2);
	assert_true(next[0].added == 0 && next[1].added == 0);
	free(rules);
}

int main(void)
{
	const struct CMUnitTest valid[] = {
		cmocka_unit_test(test_keyword_full),
		cmocka_unit_test(test_keyword_any_order_and_defaults),
		cmocka_unit_test(test_keyword_families),
		cmocka_unit_test(test_keyword_position_and_blanks),
		cmocka_unit_test(test_quoted_program),
		cmocka_unit_test(test_libsdp_lines),
		cmocka_unit_test(test_no_rule_lines),
		cmocka_unit_test(test_parse_args),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_many_rules),
	};
	/* One test per bad line, named after it. */
	enum { N_BAD = sizeof(bad_lines) / sizeof(bad_lines[0]) };
	struct CMUnitTest invalid[N_BAD + 1];
	size_t i;
	const struct CMUnitTest format[] = {
		cmocka_unit_test(test_format_contract),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_format_errors),
	};
	const struct CMUnitTest sizes[] = {
		cmocka_unit_test(test_obj_larger_filled),
		cmocka_unit_test(test_obj_larger_read),
		cmocka_unit_test(test_obj_smaller_refused),
		cmocka_unit_test(test_obj_array_stride),
	};
	int failed = 0;

	for (i = 0; i < N_BAD; i++)
		invalid[i] = (struct CMUnitTest){
			.name = bad_lines[i].text,
			.test_func = test_bad_line,
			.initial_state = (void *)&bad_lines[i],
		};
	invalid[N_BAD] = (struct CMUnitTest)
		cmocka_unit_test(test_single_line_errors_have_no_line);

	failed += cmocka_run_group_tests_name("rules-valid", valid, NULL, NULL);
	failed += cmocka_run_group_tests_name("rules-invalid", invalid, NULL,
					      NULL);
	failed += cmocka_run_group_tests_name("rules-format", format, NULL,
					      NULL);
	failed += cmocka_run_group_tests_name("rules-sizes", sizes, NULL, NULL);
	return failed ? 1 : 0;
}
