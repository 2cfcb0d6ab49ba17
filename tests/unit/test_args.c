// SPDX-License-Identifier: GPL-2.0
/*
 * sdpctl without a kernel: command lookup, help, argument checks, exit
 * codes, error lines and the exact text of every output format.
 */
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
#include <fcntl.h>
#include <unistd.h>

#include <netlink/genl/genl.h>

#include "cli.h"
#include "internal.h"

#define MAX_ARGS 32

/* A command's own arguments, as its parser leaves them. */
union cmd_args {
	struct stats_args stats;
	struct map_add_args map_add;
	struct map_del_args map_del;
	struct map_get_args map_get;
	struct map_lookup_args map_lookup;
	struct map_load_args map_load;
	struct tune_get_args tune_get;
	struct tune_set_args tune_set;
	struct monitor_args monitor;
	struct conns_args conns;
};

/* One sdpctl invocation with stdout and stderr captured. */
struct run {
	struct cli_invocation inv;
	union cmd_args args;
	char *argv[MAX_ARGS + 2];
	char *out, *err;
	size_t out_len, err_len;
	int rc;
};

static void capture(struct run *r, FILE **out, FILE **err)
{
	*out = open_memstream(&r->out, &r->out_len);
	*err = open_memstream(&r->err, &r->err_len);
	assert_non_null(*out);
	assert_non_null(*err);
}

static int set_argv(struct run *r, va_list ap)
{
	const char *arg;
	int argc = 1;

	r->argv[0] = "sdpctl";
	while ((arg = va_arg(ap, const char *))) {
		assert_true(argc <= MAX_ARGS);
		r->argv[argc++] = (char *)arg;
	}
	r->argv[argc] = NULL;
	return argc;
}

/*
 * The parser the command's X_main() checks its words with before it runs:
 * everything but talking to the kernel.
 */
static int parse_cmd_args(const struct cli_ctx *ctx,
			  const struct cli_invocation *inv,
			  union cmd_args *args)
{
	int (*cmd_main)(struct cli_ctx *, int, char **) = inv->cmd->main;
	int argc = inv->argc;
	char **argv = inv->argv;

	if (cmd_main == stats_main)
		return stats_parse(ctx, argc, argv, &args->stats);
	if (cmd_main == conns_main)
		return conns_parse(ctx, argc, argv, &args->conns);
	if (cmd_main == map_add_main)
		return map_add_parse(ctx, argc, argv, &args->map_add);
	if (cmd_main == map_del_main)
		return map_del_parse(ctx, argc, argv, &args->map_del);
	if (cmd_main == map_get_main)
		return map_get_parse(ctx, argc, argv, &args->map_get);
	if (cmd_main == map_lookup_main)
		return map_lookup_parse(ctx, argc, argv, &args->map_lookup);
	if (cmd_main == map_load_main)
		return map_load_parse(ctx, argc, argv, &args->map_load);
	if (cmd_main == tune_get_main)
		return tune_get_parse(ctx, argc, argv, &args->tune_get);
	if (cmd_main == tune_set_main)
		return tune_set_parse(ctx, argc, argv, &args->tune_set);
	if (cmd_main == monitor_main)
		return monitor_parse(ctx, argc, argv, &args->monitor);
	return cli_no_args(ctx, argc, argv);
}

/*
 * cli_parse() of "sdpctl ARGS..." (NULL-terminated), then the command's
 * own parser; CLI_RUN if the command would run.
 */
static struct run *vparse(struct run *r, va_list ap)
{
	FILE *out, *err;
	int argc;

	memset(r, 0, sizeof(*r));
	argc = set_argv(r, ap);
	capture(r, &out, &err);
	r->rc = cli_parse(argc, r->argv, &r->inv, out, err);
	if (r->rc == CLI_RUN) {
		struct cli_ctx ctx = { .out = out, .err = err,
				       .json = r->inv.json,
				       .name = r->inv.name };
		int ret = parse_cmd_args(&ctx, &r->inv, &r->args);

		if (ret != EXIT_OK)
			r->rc = ret;
	}
	fclose(out);
	fclose(err);
	return r;
}

static struct run *parse(struct run *r, ...)
{
	va_list ap;

	va_start(ap, r);
	vparse(r, ap);
	va_end(ap);
	return r;
}

/* The whole tool, cli_main(), for paths that end before the kernel. */
static struct run *run_main(struct run *r, ...)
{
	FILE *out, *err;
	va_list ap;
	int argc;

	memset(r, 0, sizeof(*r));
	va_start(ap, r);
	argc = set_argv(r, ap);
	va_end(ap);
	capture(r, &out, &err);
	r->rc = cli_main(argc, r->argv, out, err);
	fclose(out);
	fclose(err);
	return r;
}

static void done(struct run *r)
{
	free(r->out);
	free(r->err);
	free(r->inv.argv);
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("\"%s\" not in:\n%s", part, text);
}

static void assert_starts(const char *text, const char *prefix)
{
	if (strncmp(text, prefix, strlen(prefix)))
		fail_msg("does not start with \"%s\":\n%s", prefix, text);
}

/* A usage error: exit 2, one line on stderr holding part, no stdout. */
static void assert_usage_error(struct run *r, const char *part)
{
	if (r->rc != EXIT_USAGE)
		fail_msg("exit %d, wanted 2; stderr: %s", r->rc, r->err);
	assert_contains(r->err, part);
	assert_int_equal(strncmp(r->err, "sdpctl: ", 8), 0);
	assert_int_equal(strchr(r->err, '\n') - r->err + 1, r->err_len);
	assert_int_equal(r->out_len, 0);
	done(r);
}

/* "sdpctl ARGS..." (NULL-terminated) is a usage error naming @part. */
static void assert_usage(const char *part, ...)
{
	struct run r;
	va_list ap;

	va_start(ap, part);
	vparse(&r, ap);
	va_end(ap);
	assert_usage_error(&r, part);
}

static const struct cli_cmd *run_cmd(struct run *r)
{
	if (r->rc != CLI_RUN)
		fail_msg("exit %d, wanted to run; stderr: %s", r->rc, r->err);
	assert_int_equal(r->err_len, 0);
	return r->inv.cmd;
}

/* ---- commands, help, global options ----------------------------------- */

static void test_help_everywhere(void **state)
{
	static const char *const cmds[][4] = {
		{ "--help" }, { "-h" }, { "map", "--help" }, { "map", "-h" },
		{ "tune", "--help" }, { "map", "add", "--help" },
		{ "map", "add", "action", "-h" }, { "map", "lookup", "-h" },
		{ "tune", "set", "--help" }, { "stats", "-h" },
		{ "monitor", "--help" }, { "info", "-h" }, { "-j", "info", "-h" },
	};
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		parse(&r, cmds[i][0], cmds[i][1], cmds[i][2], cmds[i][3],
		      NULL);
		if (r.rc != EXIT_OK)
			fail_msg("%s %s: exit %d", cmds[i][0], cmds[i][1], r.rc);
		assert_contains(r.out, "Usage: sdpctl");
		assert_contains(r.out, "3  the sdp module is not loaded");
		assert_int_equal(r.err_len, 0);
		done(&r);
	}
	parse(&r, "--help", NULL);
	assert_contains(r.out, "map lookup addr ADDR port N role");
	assert_contains(r.out, "4  permission denied");
	done(&r);
	parse(&r, "map", "add", "-h", NULL);
	assert_contains(r.out, "use sdp|tcp|both");	/* the grammar */
	done(&r);
	parse(&r, "tune", "set", "-h", NULL);
	assert_contains(r.out, "sdp, tcp or both");
	done(&r);
}

static void test_version(void **state)
{
	struct run r;

	(void)state;
	parse(&r, "-V", NULL);
	assert_int_equal(r.rc, EXIT_OK);
	assert_string_equal(r.out, "sdpctl " SDPCTL_LIB_VERSION "\n");
	done(&r);
	parse(&r, "--version", NULL);
	assert_int_equal(r.rc, EXIT_OK);
	done(&r);
}

static void test_unknown_commands_and_options(void **state)
{
	struct run r;

	(void)state;
	parse(&r, "bogus", NULL);
	assert_usage_error(&r, "unknown command \"bogus\"");
	parse(&r, "--bogus", NULL);
	assert_usage_error(&r, "unknown option \"--bogus\"");
	parse(&r, "-x", "info", NULL);
	assert_usage_error(&r, "unknown option \"-x\"");
	parse(&r, "map", "bogus", NULL);
	assert_usage_error(&r, "sdpctl: map: unknown command \"bogus\"");
	parse(&r, "tune", "-x", NULL);
	assert_usage_error(&r, "unknown option \"-x\"");
	/* Commands without arguments: the check in their own main(). */
	run_main(&r, "info", "extra", NULL);
	assert_usage_error(&r, "sdpctl: info: unexpected argument \"extra\"");
	run_main(&r, "map", "list", "--bogus", NULL);
	assert_usage_error(&r, "unexpected argument \"--bogus\"");
	parse(&r, "stats", "--resets", NULL);
	assert_usage_error(&r, "unexpected argument");

	/* No command at all: the usage, on stderr. */
	parse(&r, NULL);
	assert_int_equal(r.rc, EXIT_USAGE);
	assert_contains(r.err, "Usage: sdpctl");
	assert_int_equal(r.out_len, 0);
	done(&r);
}

static void test_command_lookup(void **state)
{
	struct run r;

	(void)state;
	assert_ptr_equal(run_cmd(parse(&r, "info", NULL))->main, info_main);
	assert_string_equal(r.inv.name, "info");
	assert_false(r.inv.json);
	done(&r);
	/* A group alone runs its listing, as ip does. */
	assert_ptr_equal(run_cmd(parse(&r, "map", NULL))->main, map_list_main);
	assert_string_equal(r.inv.name, "map list");
	done(&r);
	assert_ptr_equal(run_cmd(parse(&r, "map", "show", NULL))->main,
			 map_list_main);
	done(&r);
	assert_ptr_equal(run_cmd(parse(&r, "tune", NULL))->main,
			 tune_list_main);
	done(&r);
	assert_ptr_equal(run_cmd(parse(&r, "map", "delete", "3", NULL))->main,
			 map_del_main);
	assert_string_equal(r.inv.name, "map del");
	done(&r);
	assert_ptr_equal(run_cmd(parse(&r, "map", "save", NULL))->main,
			 map_save_main);
	done(&r);
	assert_ptr_equal(run_cmd(parse(&r, "map", "flush", NULL))->main,
			 map_flush_main);
	done(&r);
	assert_ptr_equal(run_cmd(parse(&r, "monitor", NULL))->main,
			 monitor_main);
	assert_true(r.args.monitor.count == 0);
	done(&r);
	assert_ptr_equal(run_cmd(parse(&r, "conns", NULL))->main, conns_main);
	assert_string_equal(r.inv.name, "conns");
	assert_false(r.args.conns.details || r.args.conns.exact ||
		     r.args.conns.watch.interval);
	done(&r);
	assert_ptr_equal(run_cmd(parse(&r, "-j", "connections", NULL))->main,
			 conns_main);
	assert_true(r.inv.json);
	done(&r);
	assert_usage_error(run_main(&r, "conns", "all", NULL),
			   "unexpected argument \"all\"");
	run_cmd(parse(&r, "conns", "-d", "--exact", "-i", "0.5", "-c", "4",
		      NULL));
	assert_true(r.args.conns.details && r.args.conns.exact &&
		    r.args.conns.watch.interval == 0.5 &&
		    r.args.conns.watch.count == 4);
	done(&r);
	run_cmd(parse(&r, "conns", "--details", "--interval=2", NULL));
	assert_true(r.args.conns.details && !r.args.conns.exact &&
		    r.args.conns.watch.interval == 2.0 &&
		    !r.args.conns.watch.count);
	done(&r);
	assert_usage("--count needs --interval", "conns", "--count", "2", NULL);
	assert_usage("bad interval \"0.01\"", "conns", "-i", "0.01", NULL);
	assert_usage("bad count \"x\" (expected a number of tables", "conns",
		     "-i", "1", "-c", "x", NULL);
}

static void test_json_flag_anywhere(void **state)
{
	static const char *const forms[][4] = {
		{ "-j", "info" }, { "--json", "info" }, { "info", "-j" },
		{ "map", "-j", "list" }, { "map", "list", "--json" },
		{ "-j", "map" }, { "tune", "get", "-j", "max-rules" },
	};
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		run_cmd(parse(&r, forms[i][0], forms[i][1], forms[i][2],
			      forms[i][3], NULL));
		assert_true(r.inv.json);
		done(&r);
	}
	run_cmd(parse(&r, "tune", "get", "-j", "max-rules", NULL));
	assert_string_equal(r.args.tune_get.name, "max-rules");
	done(&r);
}

static void test_stats_args(void **state)
{
	struct run r;

	(void)state;
	run_cmd(parse(&r, "stats", NULL));
	assert_false(r.args.stats.reset);
	done(&r);
	run_cmd(parse(&r, "stats", "--reset", NULL));
	assert_true(r.args.stats.reset);
	done(&r);
	run_cmd(parse(&r, "-j", "stats", "--interval", "2", "--count=3", NULL));
	assert_true(r.args.stats.watch.interval == 2.0 &&
		    r.args.stats.watch.count == 3 &&
		    !r.args.stats.exact && r.inv.json);
	done(&r);
	run_cmd(parse(&r, "stats", "-i", "0.5", "--exact", NULL));
	assert_true(r.args.stats.watch.interval == 0.5 &&
		    !r.args.stats.watch.count &&
		    r.args.stats.exact);
	done(&r);

	assert_usage("bad interval \"0\"", "stats", "--interval", "0", NULL);
	assert_usage("bad interval \"1s\"", "stats", "--interval", "1s", NULL);
	assert_usage("bad interval", "stats", "--interval=nan", NULL);
	assert_usage("0.1 to 86400", "stats", "--interval", "86401", NULL);
	assert_usage("--interval needs a value", "stats", "--interval", NULL);
	assert_usage("bad count \"0\"", "stats", "-i", "1", "--count", "0", NULL);
	assert_usage("--count and --exact need --interval", "stats", "--count",
		     "3", NULL);
	assert_usage("--reset takes no other option", "stats", "--reset", "-i",
		     "1", NULL);
}

/* ---- map -------------------------------------------------------------- */

static void test_map_add_args(void **state)
{
	struct run r;
	const struct sdpctl_rule *rule = &r.args.map_add.rule;

	(void)state;
	run_cmd(parse(&r, "map", "add", "action", "sdp", "role", "connect",
		      "addr", "198.18.0.0/24", "port", "5000-5010", "program",
		      "iperf*", NULL));
	assert_int_equal(rule->action, SDP_ACTION_SDP);
	assert_int_equal(rule->role, SDP_ROLE_CONNECT);
	assert_int_equal(rule->prefix_len, 24);
	assert_int_equal(rule->port_min, 5000);
	assert_string_equal(rule->program, "iperf*");
	done(&r);
	run_cmd(parse(&r, "map", "add", "position", "0", "action", "tcp", NULL));
	assert_true(rule->has_position);
	done(&r);
	run_cmd(parse(&r, "map", "add", "use", "sdp", "connect", "*",
		      "[2001:db8::]/32:80", NULL));
	assert_int_equal(rule->family, AF_INET6);
	done(&r);

	parse(&r, "map", "add", NULL);
	assert_usage_error(&r, "missing RULE");
	parse(&r, "map", "add", "action", "sdp", "addr", "198.18.0.1/24", NULL);
	assert_usage_error(&r, "sdpctl: map add: addr 198.18.0.1/24 has host "
			   "bits set; did you mean 198.18.0.0/24?");
	parse(&r, "map", "add", "role", "connect", NULL);
	assert_usage_error(&r, "missing action");
	parse(&r, "map", "add", "action", "sdp", "port", "90-80", NULL);
	assert_usage_error(&r, "inverted");
	parse(&r, "map", "add", "action", "sdp", "colour", "red", NULL);
	assert_usage_error(&r, "unknown keyword \"colour\"");
}

static void test_map_del_get_args(void **state)
{
	struct run r;

	(void)state;
	run_cmd(parse(&r, "map", "del", "7", NULL));
	assert_true(r.args.map_del.by_id);
	assert_int_equal(r.args.map_del.id, 7);
	done(&r);
	run_cmd(parse(&r, "map", "del", "12:", NULL));	/* as list shows it */
	assert_int_equal(r.args.map_del.id, 12);
	done(&r);
	run_cmd(parse(&r, "map", "del", "action", "tcp", "role", "listen",
		      "program", "ttcp*", "port", "22-25", NULL));
	assert_false(r.args.map_del.by_id);
	assert_int_equal(r.args.map_del.rule.port_max, 25);
	done(&r);
	run_cmd(parse(&r, "map", "get", "4294967295", NULL));
	assert_int_equal(r.args.map_get.id, 4294967295u);
	done(&r);

	parse(&r, "map", "del", "0", NULL);
	assert_usage_error(&r, "bad rule id \"0\"");
	parse(&r, "map", "del", "4294967296", NULL);
	assert_usage_error(&r, "bad rule id");
	parse(&r, "map", "del", "3x", NULL);
	assert_usage_error(&r, "bad rule id");
	parse(&r, "map", "del", NULL);
	assert_usage_error(&r, "missing RULE");
	parse(&r, "map", "del", "position", "1", "action", "sdp", NULL);
	assert_usage_error(&r, "position");
	parse(&r, "map", "get", NULL);
	assert_usage_error(&r, "missing ID");
	parse(&r, "map", "get", "1", "2", NULL);
	assert_usage_error(&r, "unexpected argument \"2\"");
	parse(&r, "map", "get", "one", NULL);
	assert_usage_error(&r, "bad rule id");
}

static void test_map_lookup_args(void **state)
{
	struct sdpctl_lookup *q;
	struct run r;

	(void)state;
	run_cmd(parse(&r, "map", "lookup", "addr", "198.18.0.7", "port", "5005",
		      "role", "connect", NULL));
	q = &r.args.map_lookup.lookup;
	assert_int_equal(q->family, AF_INET);
	assert_memory_equal(q->addr, "\xc6\x12\x00\x07", 4);
	assert_int_equal(q->port, 5005);
	assert_int_equal(q->role, SDP_ROLE_CONNECT);
	assert_string_equal(q->program, "");
	done(&r);
	run_cmd(parse(&r, "map", "lookup", "family", "inet6", "program",
		      "iperf3", "role", "listen", "port", "0", "addr",
		      "2001:db8::1", NULL));
	assert_int_equal(q->family, AF_INET6);
	assert_int_equal(q->role, SDP_ROLE_LISTEN);
	assert_string_equal(q->program, "iperf3");
	done(&r);

	parse(&r, "map", "lookup", "port", "1", "role", "listen", NULL);
	assert_usage_error(&r, "missing addr");
	parse(&r, "map", "lookup", "addr", "1.2.3.4", "role", "listen", NULL);
	assert_usage_error(&r, "missing port");
	parse(&r, "map", "lookup", "addr", "1.2.3.4", "port", "1", NULL);
	assert_usage_error(&r, "missing role");
	parse(&r, "map", "lookup", "addr", "1.2.3.4", "port", "1", "role",
	      "any", NULL);
	assert_usage_error(&r, "bad role \"any\"");
	parse(&r, "map", "lookup", "addr", "1.2.3.4", "port", "65536", "role",
	      "listen", NULL);
	assert_usage_error(&r, "bad port \"65536\"");
	parse(&r, "map", "lookup", "addr", "1.2.3.4", "port", "-1", "role",
	      "listen", NULL);
	assert_usage_error(&r, "bad port");
	parse(&r, "map", "lookup", "addr", "1.2.3.0/24", "port", "1", "role",
	      "listen", NULL);
	assert_usage_error(&r, "bad address \"1.2.3.0/24\"");
	parse(&r, "map", "lookup", "addr", "example.com", "port", "1", "role",
	      "listen", NULL);
	assert_usage_error(&r, "bad address");
	parse(&r, "map", "lookup", "addr", "1.2.3.4", "port", "1", "role",
	      "listen", "family", "inet6", NULL);
	assert_usage_error(&r, "addr 1.2.3.4 is inet but family says inet6");
	parse(&r, "map", "lookup", "addr", "1.2.3.4", "port", "1", "role",
	      "listen", "family", "ipx", NULL);
	assert_usage_error(&r, "bad family");
	parse(&r, "map", "lookup", "addr", "1.2.3.4", "addr", "1.2.3.5", NULL);
	assert_usage_error(&r, "duplicate keyword \"addr\"");
	parse(&r, "map", "lookup", "addr", "1.2.3.4", "port", NULL);
	assert_usage_error(&r, "keyword \"port\" needs a value");
	parse(&r, "map", "lookup", "host", "1.2.3.4", NULL);
	assert_usage_error(&r, "unknown keyword \"host\"");
	parse(&r, "map", "lookup", "addr", "1.2.3.4", "port", "1", "role",
	      "listen", "program", "abcdefghijklmnop", NULL);
	assert_usage_error(&r, "program name");
}

static void test_map_load_args(void **state)
{
	struct run r;

	(void)state;
	run_cmd(parse(&r, "map", "load", "-", NULL));
	assert_string_equal(r.args.map_load.file, "-");
	done(&r);
	parse(&r, "map", "load", NULL);
	assert_usage_error(&r, "missing FILE");
	parse(&r, "map", "load", "a", "b", NULL);
	assert_usage_error(&r, "unexpected argument \"b\"");
}

/* A bad file fails before the kernel is ever asked (exit 2). */
static void test_map_load_checks_file_first(void **state)
{
	char path[] = "/tmp/sdpctl-unit-XXXXXX";
	int fd = mkstemp(path);
	static const char bad[] =
		"# comment\naction sdp port 7000\n\naction tcp port 7001 bogus 1\n";
	static const char positioned[] = "action sdp\nposition 0 action tcp\n";
	struct run r;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bad, sizeof(bad) - 1), sizeof(bad) - 1);
	close(fd);
	run_main(&r, "map", "load", path, NULL);
	assert_usage_error(&r, "line 4: unknown keyword \"bogus\"");

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, positioned, sizeof(positioned) - 1),
			 sizeof(positioned) - 1);
	close(fd);
	run_main(&r, "map", "load", path, NULL);
	assert_usage_error(&r, "line 2: position has no place");

	/* tune lines: checked as the rules are, their lines the file's. */
	{
		static const struct {
			const char *text, *error;
		} cases[] = {
			{ "tune rx-buffers 16 # more\naction sdp port 1 x\n",
			  "line 2: unknown keyword \"x\"" },
			{ "action sdp\n  tune rx-buffers\n",
			  "line 2: expected tune NAME VALUE" },
			{ "tune rx-buffers 16 17\n",
			  "line 1: tune takes a NAME and a VALUE only" },
			{ "tune rx-buffers 1x\n",
			  "line 1: bad value \"1x\" for rx-buffers" },
			{ "tune default-action both\n\ntune default-action tcp",
			  "line 3: default-action is set on line 1 already" },
			{ "tunes rx-buffers 16\n",
			  "line 1: unknown keyword \"tunes\"" },
		};
		size_t i;

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			fd = open(path, O_WRONLY | O_TRUNC);
			assert_int_equal(write(fd, cases[i].text,
					       strlen(cases[i].text)),
					 strlen(cases[i].text));
			close(fd);
			run_main(&r, "map", "load", path, NULL);
			assert_usage_error(&r, cases[i].error);
		}
	}
	unlink(path);

	run_main(&r, "map", "load", "/nonexistent/rules", NULL);
	assert_int_equal(r.rc, EXIT_FAILED);
	assert_string_equal(r.err, "sdpctl: map load: No such file or "
			    "directory: /nonexistent/rules\n");
	done(&r);
}

/* ---- tune and monitor ------------------------------------------------- */

static void test_tune_args(void **state)
{
	struct run r;

	(void)state;
	run_cmd(parse(&r, "tune", "set", "max-rules", "10", NULL));
	assert_string_equal(r.args.tune_set.name, "max-rules");
	assert_true(r.args.tune_set.value == 10);
	assert_false(r.args.tune_set.value_is_action);
	done(&r);
	run_cmd(parse(&r, "tune", "set", "default-action", "both", NULL));
	assert_true(r.args.tune_set.value == SDP_ACTION_BOTH);
	assert_true(r.args.tune_set.value_is_action);
	done(&r);
	run_cmd(parse(&r, "tune", "set", "x", "18446744073709551615", NULL));
	assert_true(r.args.tune_set.value == UINT64_MAX);
	done(&r);
	run_cmd(parse(&r, "tune", "set", "x", "0x10", NULL));
	assert_true(r.args.tune_set.value == 16);
	done(&r);
	run_cmd(parse(&r, "tune", "get", "rx-buffers", NULL));
	assert_ptr_equal(r.inv.cmd->main, tune_get_main);
	done(&r);

	parse(&r, "tune", "set", "x", "18446744073709551616", NULL);
	assert_usage_error(&r, "value 18446744073709551616 does not fit in 64 "
			   "bits");
	parse(&r, "tune", "set", "x", "99999999999999999999999", NULL);
	assert_usage_error(&r, "does not fit");
	parse(&r, "tune", "set", "x", "-1", NULL);
	assert_usage_error(&r, "bad value \"-1\"");
	parse(&r, "tune", "set", "rx-buffers", "lots", NULL);
	assert_usage_error(&r, "bad value \"lots\"");
	parse(&r, "tune", "set", "x", "1.5", NULL);
	assert_usage_error(&r, "bad value");
	parse(&r, "tune", "set", "x", "", NULL);
	assert_usage_error(&r, "bad value");
	parse(&r, "tune", "set", "x", "0x", NULL);
	assert_usage_error(&r, "bad value");
	parse(&r, "tune", "set", "x", "SDP", NULL);
	assert_usage_error(&r, "bad value");
	parse(&r, "tune", "set", "x", NULL);
	assert_usage_error(&r, "missing VALUE");
	parse(&r, "tune", "set", NULL);
	assert_usage_error(&r, "missing NAME and VALUE");
	parse(&r, "tune", "set", "x", "1", "2", NULL);
	assert_usage_error(&r, "unexpected argument \"2\"");
	parse(&r, "tune", "get", NULL);
	assert_usage_error(&r, "missing NAME");
	parse(&r, "tune", "get", "a-name-that-is-much-longer-than-31", NULL);
	assert_usage_error(&r, "1-31 bytes");
}

static void test_parse_u64(void **state)
{
	uint64_t v = 0;
	bool action;

	(void)state;
	assert_int_equal(cli_parse_u64("0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(cli_parse_u64("0xFFFFFFFFFFFFFFFF", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(cli_parse_u64("0x10000000000000000", &v), -ERANGE);
	assert_int_equal(cli_parse_u64("18446744073709551616x", &v), -EINVAL);
	assert_int_equal(cli_parse_u64(" 1", &v), -EINVAL);
	assert_int_equal(cli_parse_u64("+1", &v), -EINVAL);
	assert_int_equal(tune_parse_value("tcp", &v, &action), 0);
	assert_true(action && v == SDP_ACTION_TCP);
	assert_int_equal(tune_parse_value("3", &v, &action), 0);
	assert_true(!action && v == 3);
}

static void test_monitor_args(void **state)
{
	struct run r;

	(void)state;
	run_cmd(parse(&r, "monitor", "--count", "5", NULL));
	assert_true(r.args.monitor.count == 5);
	done(&r);
	run_cmd(parse(&r, "monitor", "--count=7", NULL));
	assert_true(r.args.monitor.count == 7);
	done(&r);
	run_cmd(parse(&r, "-j", "monitor", "-c", "1", NULL));
	assert_true(r.args.monitor.count == 1 && r.inv.json);
	done(&r);

	assert_usage("bad count \"0\"", "monitor", "--count", "0", NULL);
	assert_usage("bad count", "monitor", "--count", "x", NULL);
	assert_usage("bad count", "monitor", "--count=-3", NULL);
	assert_usage("--count needs a value", "monitor", "--count", NULL);
	assert_usage("unexpected argument \"--follow\"", "monitor", "--follow",
		     NULL);
}

/* ---- exit codes and error lines ---------------------------------------- */

static void test_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(cli_exit_code(0), EXIT_OK);
	assert_int_equal(cli_exit_code(-EINVAL), EXIT_FAILED);
	assert_int_equal(cli_exit_code(-EEXIST), EXIT_FAILED);
	/* ENOENT from a request (no such rule) is a plain failure... */
	assert_int_equal(cli_exit_code(-ENOENT), EXIT_FAILED);
	assert_int_equal(cli_exit_code(-EPERM), EXIT_PERM);
	assert_int_equal(cli_exit_code(-EACCES), EXIT_PERM);
	/* ...but from resolving the family it means "not loaded". */
	assert_int_equal(cli_open_exit_code(-ENOENT), EXIT_NO_MODULE);
	assert_int_equal(cli_open_exit_code(-EPERM), EXIT_PERM);
	assert_int_equal(cli_open_exit_code(-ENOMEM), EXIT_FAILED);
	assert_int_equal(cli_open_exit_code(0), EXIT_OK);
}

static void test_error_line(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	cli_report(f, "map add", -EEXIST, "rule exists as id 3");
	cli_report(f, "stats", -EPERM, NULL);
	cli_report(f, "info", -ENOENT, "");
	fclose(f);
	assert_string_equal(text,
			    "sdpctl: map add: File exists: rule exists as id 3\n"
			    "sdpctl: stats: Operation not permitted\n"
			    "sdpctl: info: No such file or directory\n");
	free(text);
}

/* ---- output formats ---------------------------------------------------- */

/* Out of line: GCC takes the memstream's hold on text for a dangling one. */
static __attribute__((noinline)) char *
capture_print(void (*print)(FILE *, const void *), const void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	print(f, arg);
	fclose(f);
	return text;
}

static struct sdpctl_rule contract_rule(void)
{
	struct sdpctl_rule r;
	const char *words[] = { "action", "sdp", "role", "connect", "addr",
				"198.18.0.0/24", "port", "5000-5010",
				"program", "iperf*" };

	assert_int_equal(sdpctl_rule_parse_args(10, words, &r, NULL), 0);
	r.id = 3;
	r.has_position = true;
	r.position = 0;
	return r;
}

static void rule_line(FILE *f, const void *r) { print_rule_line(f, r); }
static void rule_json(FILE *f, const void *r) { print_rule_json(f, r); }

static void test_rule_output(void **state)
{
	struct sdpctl_rule r = contract_rule();
	char *text;

	(void)state;
	text = capture_print(rule_line, &r);
	assert_string_equal(text, "3: action sdp role connect family inet addr "
			    "198.18.0.0/24 port 5000-5010 program iperf* "
			    "hits 0\n");
	free(text);
	text = capture_print(rule_json, &r);
	assert_string_equal(text, "{\"id\":3,\"position\":0,\"family\":\"inet\","
			    "\"addr\":\"198.18.0.0\",\"prefix_len\":24,"
			    "\"port_min\":5000,\"port_max\":5010,"
			    "\"role\":\"connect\",\"program\":\"iperf*\","
			    "\"action\":\"sdp\",\"hits\":0}");
	free(text);

	/* No program: JSON null; a quote in one is escaped. */
	r.program[0] = '\0';
	r.hits = 12;
	text = capture_print(rule_json, &r);
	assert_contains(text, "\"program\":null");
	assert_contains(text, "\"hits\":12}");
	free(text);
	strcpy(r.program, "a\"b\\c");
	text = capture_print(rule_json, &r);
	assert_contains(text, "\"program\":\"a\\\"b\\\\c\"");
	free(text);
}

static void test_list_line_reparses(void **state)
{
	struct sdpctl_rule r = contract_rule(), back;
	char *text = capture_print(rule_line, &r);
	char *start = strstr(text, ": ") + 2, *end = strstr(text, " hits ");

	(void)state;
	*end = '\0';
	assert_int_equal(sdpctl_rule_parse(start, &back, NULL), 0);
	assert_int_equal(back.prefix_len, r.prefix_len);
	assert_string_equal(back.program, r.program);
	free(text);
}

struct lookup_case {
	uint32_t action, rule_id;
	bool json;
};

static void lookup_out(FILE *f, const void *arg)
{
	const struct lookup_case *c = arg;

	print_lookup(f, c->action, c->rule_id, c->json);
}

static void test_lookup_output(void **state)
{
	struct lookup_case c = { SDP_ACTION_SDP, 3, false };
	char *text;

	(void)state;
	text = capture_print(lookup_out, &c);
	assert_string_equal(text, "action sdp rule 3\n");
	free(text);
	c = (struct lookup_case){ SDP_ACTION_TCP, 0, false };
	text = capture_print(lookup_out, &c);
	assert_string_equal(text, "action tcp rule default\n");
	free(text);
	c = (struct lookup_case){ SDP_ACTION_SDP, 3, true };
	text = capture_print(lookup_out, &c);
	assert_string_equal(text, "{\"action\":\"sdp\",\"rule\":3}\n");
	free(text);
	c = (struct lookup_case){ SDP_ACTION_TCP, 0, true };
	text = capture_print(lookup_out, &c);
	assert_string_equal(text, "{\"action\":\"tcp\",\"rule\":null}\n");
	free(text);
}

static const struct sdpctl_info sample_info = {
	.version = "0.1.0", .af_inet_sdp = 27, .proto_version = 0x22,
	.features = SDP_FEATURE_MAP | SDP_FEATURE_STATS | SDP_FEATURE_TUNE |
		    SDP_FEATURE_EVENTS | SDP_FEATURE_IPV6,
};

static void info_text(FILE *f, const void *i) { print_info(f, i, false); }
static void info_json(FILE *f, const void *i) { print_info(f, i, true); }

static void test_info_output(void **state)
{
	char *text;

	(void)state;
	text = capture_print(info_text, &sample_info);
	assert_string_equal(text, "version 0.1.0\nfamily 27\nprotocol 2.2\n"
			    "features map stats tune events ipv6\n");
	free(text);
	text = capture_print(info_json, &sample_info);
	assert_string_equal(text, "{\"version\":\"0.1.0\",\"af_inet_sdp\":27,"
			    "\"proto_version\":\"2.2\",\"features\":[\"map\","
			    "\"stats\",\"tune\",\"events\",\"ipv6\"]}\n");
	free(text);
}

static void stats_text(FILE *f, const void *s) { print_stats_text(f, s); }
static void stats_json(FILE *f, const void *s) { print_stats_json(f, s); }

/*
 * A stats reply as the kernel sends it: every counter, two set; @k moves
 * tx-bytes (3 MB each), Data sent (1000 each) and conn-current (7).
 */
static struct sdpctl_stats *stats_reply_at(uint64_t k)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct sdpctl_stats *st = NULL;
	struct nlattr *nest;
	int a;

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 1, 0x20, 0, 0, SDP_CMD_STATS_GET, 1));
	for (a = SDP_A_STATS_CONN_ACTIVE_OPENS; a <= SDP_A_STATS_MAX; a++) {
		uint64_t v = a == SDP_A_STATS_CONN_ACTIVE_OPENS ? 5 :
			     a == SDP_A_STATS_MAP_LOOKUPS ? 9 :
			     a == SDP_A_STATS_RESET_TIME ? 12 :
			     a == SDP_A_STATS_TX_BYTES ? k * 3000000 :
			     a == SDP_A_STATS_CONN_CURRENT ? k * 7 : 0;

		if (a == SDP_A_STATS_TX_MSGS || a == SDP_A_STATS_RX_MSGS ||
		    a == SDP_A_STATS_HIST)
			continue;
		nla_put_u64(msg, a, v);
	}
	nest = nla_nest_start(msg, SDP_A_STATS_TX_MSGS);
	nla_put_u64(msg, SDP_A_MSG_COUNTS_DATA, 77 + k * 1000);
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, SDP_A_STATS_RX_MSGS);
	nla_put_u64(msg, SDP_A_MSG_COUNTS_HELLO_ACK, 1);
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, SDP_A_STATS_HIST);
	nla_put_u32(msg, SDP_A_HISTOGRAM_ID, SDP_HIST_TX_MSG_SIZE);
	nla_put_u64(msg, SDP_A_HISTOGRAM_BUCKET, 0);
	nla_put_u64(msg, SDP_A_HISTOGRAM_BUCKET, 0);
	nla_put_u64(msg, SDP_A_HISTOGRAM_BUCKET, 4);
	nla_nest_end(msg, nest);
	assert_int_equal(sdpctl_parse_stats(nlmsg_hdr(msg), &st), 0);
	nlmsg_free(msg);
	return st;
}

static struct sdpctl_stats *stats_reply(void)
{
	return stats_reply_at(0);
}

/* Two readings @secs apart. */
struct rates_case {
	struct sdpctl_stats *prev, *cur;
	double secs;
	bool json, exact;
};

static void rates_print(FILE *f, const void *c)
{
	const struct rates_case *rc = c;

	print_rates(f, rc->prev, rc->cur, rc->secs, rc->json, rc->exact);
}

static void rates_header(FILE *f, const void *c)
{
	(void)c;
	print_rates_header(f);
}

static void test_rates_output(void **state)
{
	struct rates_case c = { .prev = stats_reply_at(1),
				.cur = stats_reply_at(3), .secs = 2.0 };
	char *text;

	(void)state;
	text = capture_print(rates_header, NULL);
	assert_string_equal(text, "  tx B/s   rx B/s tx msg/s rx msg/s   conn/s "
			    "fallbk/s  abort/s     open\n");
	assert_true(strlen(text) <= 80);
	free(text);
	/* 6 MB and 2000 Data messages more in 2 s. */
	text = capture_print(rates_print, &c);
	assert_string_equal(text, "    3.0M        0     1.0K        0        0 "
			    "       0        0       21\n");
	free(text);
	c.exact = true;
	text = capture_print(rates_print, &c);
	assert_string_equal(text, " 3000000        0     1000        0        0 "
			    "       0        0       21\n");
	free(text);
	c.json = true;
	text = capture_print(rates_print, &c);
	assert_int_equal(strncmp(text, "{\"interval\":2.000,\"conn_current\":21,"
				 "\"rates\":{\"conn_active_opens\":0.0,", 69), 0);
	assert_contains(text, "\"conn_aborted\":0.0,\"tx_bytes\":3000000.0,");
	assert_null(strstr(text, "\"conn_current\":0"));
	assert_contains(text, "\"autocorked\":0.0,\"tx_msgs\":1000.0,"
			"\"rx_msgs\":0.0}}\n");
	free(text);
	/* Reset between readings 1 s apart: what the second holds. */
	sdpctl_stats_free(c.prev);
	c.prev = c.cur;
	c.cur = stats_reply_at(1);
	c.secs = 1.0;
	c.json = false;
	c.exact = false;
	text = capture_print(rates_print, &c);
	assert_string_equal(text, "    3.0M        0     1.1K        0        0 "
			    "       0        0        7\n");
	free(text);
	sdpctl_stats_free(c.prev);
	sdpctl_stats_free(c.cur);
}

static void test_stats_output(void **state)
{
	struct sdpctl_stats *st = stats_reply();
	char *text;

	(void)state;
	text = capture_print(stats_json, st);
	assert_int_equal(strncmp(text, "{\"conn_active_opens\":5,"
				 "\"conn_passive_opens\":0,", 46), 0);
	assert_contains(text, "\"map_lookups\":9,\"mem_refused\":0,"
			"\"half_open_expired\":0,\"local_qp_errors\":0,"
			"\"fallback_rule\":0,\"fallback_no_device\":0,"
			"\"fallback_address\":0,\"fallback_route\":0,"
			"\"fallback_rejected\":0,\"fallback_unreachable\":0,"
			"\"fallback_timeout\":0,\"fallback_resources\":0,"
			"\"autocorked\":0,"
			"\"tx_msgs\":{\"hello\":0,");
	assert_contains(text, "\"data\":77},\"rx_msgs\":{\"hello\":0,"
			"\"hello_ack\":1,");
	assert_contains(text, "\"hist\":{\"tx_msg_size\":[0,0,4],"
			"\"rx_msg_size\":[],\"sendmsg_size\":[],"
			"\"recvmsg_size\":[]},\"reset_time\":12}\n");
	free(text);

	text = capture_print(stats_text, st);
	assert_int_equal(strncmp(text, "conn-active-opens    5\n", 23), 0);
	assert_contains(text, "\nmap-lookups          9\n");
	assert_contains(text, "\nlocal-qp-errors      0\n");
	assert_contains(text, "\nreset-time           12\n");
	assert_contains(text, "\nmsg-type       tx rx\n");
	assert_contains(text, "\ndata           77  0\n");
	assert_contains(text, "\ntx-msg-size\n  0                 0\n");
	assert_contains(text, "\n  [2, 4)            4 ####");
	assert_contains(text, "\nrecvmsg-size\n  (no samples)\n");
	free(text);
	sdpctl_stats_free(st);
}

static void event_text(FILE *f, const void *e) { print_event(f, e, false); }
static void event_json(FILE *f, const void *e) { print_event(f, e, true); }

static void test_event_output(void **state)
{
	struct sdpctl_event ev = { .type = SDPCTL_EVENT_MAP_ADD };
	char *text;

	(void)state;
	ev.rule = contract_rule();
	text = capture_print(event_text, &ev);
	assert_string_equal(text, "map-add 3: action sdp role connect family "
			    "inet addr 198.18.0.0/24 port 5000-5010 program "
			    "iperf* hits 0\n");
	free(text);
	text = capture_print(event_json, &ev);
	assert_string_equal(text, "{\"event\":\"map-add\",\"rule\":{\"id\":3,"
			    "\"position\":0,\"family\":\"inet\",\"addr\":"
			    "\"198.18.0.0\",\"prefix_len\":24,\"port_min\":5000,"
			    "\"port_max\":5010,\"role\":\"connect\",\"program\":"
			    "\"iperf*\",\"action\":\"sdp\",\"hits\":0}}\n");
	free(text);

	ev.type = SDPCTL_EVENT_MAP_DEL;
	text = capture_print(event_text, &ev);
	assert_int_equal(strncmp(text, "map-del 3: action sdp", 21), 0);
	free(text);

	ev = (struct sdpctl_event){ .type = SDPCTL_EVENT_MAP_FLUSH, .count = 4 };
	text = capture_print(event_text, &ev);
	assert_string_equal(text, "map-flush count 4\n");
	free(text);
	text = capture_print(event_json, &ev);
	assert_string_equal(text, "{\"event\":\"map-flush\",\"count\":4}\n");
	free(text);

	ev = (struct sdpctl_event){ .type = SDPCTL_EVENT_MAP_REPLACE,
				    .count = 2 };
	text = capture_print(event_text, &ev);
	assert_string_equal(text, "map-replace count 2\n");
	free(text);
	text = capture_print(event_json, &ev);
	assert_string_equal(text, "{\"event\":\"map-replace\",\"count\":2}\n");
	free(text);

	ev = (struct sdpctl_event){ .type = SDPCTL_EVENT_TUNE_SET };
	strcpy(ev.tunable.name, "max-rules");
	ev.tunable.value = 10;
	text = capture_print(event_text, &ev);
	assert_string_equal(text, "tune-set max-rules 10\n");
	free(text);
	text = capture_print(event_json, &ev);
	assert_string_equal(text, "{\"event\":\"tune-set\",\"name\":"
			    "\"max-rules\",\"value\":10}\n");
	free(text);
	strcpy(ev.tunable.name, "default-action");
	strcpy(ev.tunable.unit, "action");
	ev.tunable.value = SDP_ACTION_BOTH;
	text = capture_print(event_text, &ev);
	assert_string_equal(text, "tune-set default-action both\n");
	free(text);

	ev = (struct sdpctl_event){ .type = SDPCTL_EVENT_STATS_RESET };
	text = capture_print(event_text, &ev);
	assert_string_equal(text, "stats-reset\n");
	free(text);
	text = capture_print(event_json, &ev);
	assert_string_equal(text, "{\"event\":\"stats-reset\"}\n");
	free(text);

	ev.type = 99;
	text = capture_print(event_text, &ev);
	assert_string_equal(text, "");
	free(text);
}

static const struct sdpctl_tunable sample_tunables[] = {
	{ sizeof(struct sdpctl_tunable), "max-rules", 1024, 1024, 1, 65536,
	  "count", "rules allowed in the mapping table" },
	{ sizeof(struct sdpctl_tunable), "default-action", 2, 2, 1, 3,
	  "action", "decision when no rule matches" },
};

static void tunable_json(FILE *f, const void *t) { print_tunable_json(f, t); }

static void tunables_text(FILE *f, const void *t)
{
	(void)t;
	print_tunables_text(f, sample_tunables, 2);
}

static void one_tunable_text(FILE *f, const void *t)
{
	print_tunables_text(f, t, 1);
}

static struct sdpctl_conn sample_conn(void)
{
	struct sdpctl_conn c = {
		.family = AF_INET, .local_port = 40000, .has_remote = true,
		.remote_port = 7500, .state = 1, .tx_bytes = 1000,
		.rx_bytes = 300, .tx_credits = 63, .rx_posted = 64,
		.tx_queued = 12, .rx_queued = 34, .uid = 1000, .inode = 777,
		.cookie = 5, .transport = SDP_TRANSPORT_SDP, .mem_pages = 48,
	};

	inet_pton(AF_INET, "198.18.0.1", c.local_addr);
	inet_pton(AF_INET, "198.18.0.2", c.remote_addr);
	return c;
}

static void conn_json(FILE *f, const void *c)
{
	print_conn_json(f, c, NULL);
}

struct conn_table {
	const struct sdpctl_conn *items;
	size_t n;
	struct conns_view view;
	double secs;			/* conns_json: with view.rates */
};

static void conns_text(FILE *f, const void *arg)
{
	const struct conn_table *t = arg;

	print_conns_text(f, t->items, t->n, &t->view);
}

static void conns_json(FILE *f, const void *arg)
{
	const struct conn_table *t = arg;

	print_conns_json(f, t->items, t->n, t->view.rates, t->secs);
}

static void test_conn_output(void **state)
{
	struct sdpctl_conn c[2] = { sample_conn(), sample_conn() };
	struct conn_table table = { .items = c, .n = 2 };
	struct sdpctl_event ev = { .type = SDPCTL_EVENT_CONN_UP };
	char *text;

	(void)state;
	text = capture_print(conn_json, &c[0]);
	assert_string_equal(text, "{\"family\":\"inet\",\"state\":"
			    "\"established\",\"local_addr\":\"198.18.0.1\","
			    "\"local_port\":40000,\"remote_addr\":"
			    "\"198.18.0.2\",\"remote_port\":7500,\"transport\":"
			    "\"sdp\",\"fallback_reason\":null,\"tx_bytes\":"
			    "1000,\"rx_bytes\":300,\"tx_queued\":12,"
			    "\"rx_queued\":34,\"tx_credits\":63,\"rx_posted\":"
			    "64,\"mem_pages\":48,\"uid\":1000,\"inode\":777,"
			    "\"cookie\":5}");
	free(text);

	/* A listener on an IPv6 wildcard: no peer, unbound address. */
	memset(&c[1], 0, sizeof(c[1]));
	c[1].family = AF_INET6;
	c[1].local_port = 7500;
	c[1].state = 10;
	c[1].cookie = 6;
	c[1].transport = SDP_TRANSPORT_TCP;
	c[1].fallback_reason = SDP_FALLBACK_REASON_RULE;
	text = capture_print(conn_json, &c[1]);
	assert_contains(text, "\"family\":\"inet6\",\"state\":\"listen\","
			"\"local_addr\":\"::\",\"local_port\":7500,"
			"\"remote_addr\":null,\"remote_port\":null,"
			"\"transport\":\"tcp\",\"fallback_reason\":\"rule\",");
	free(text);

	/* 80 columns: no per-socket ids unless --details; K, M, G. */
	c[0].tx_bytes = 1234567;
	text = capture_print(conns_text, &table);
	assert_string_equal(text,
		"STATE       VIA      LOCAL            PEER            SEND-Q "
		"RECV-Q   TX  RX\n"
		"established sdp      198.18.0.1:40000 198.18.0.2:7500     12 "
		"    34 1.2M 300\n"
		"listen      tcp:rule *:7500           *:*                  0 "
		"     0    0   0\n");
	free(text);
	table.view.details = true;
	table.view.exact = true;
	text = capture_print(conns_text, &table);
	assert_string_equal(text,
		"STATE       VIA      LOCAL            PEER            SEND-Q "
		"RECV-Q      TX  RX CREDITS POSTED PAGES  UID INODE COOKIE\n"
		"established sdp      198.18.0.1:40000 198.18.0.2:7500     12 "
		"    34 1234567 300      63     64    48 1000   777      5\n"
		"listen      tcp:rule *:7500           *:*                  0 "
		"     0       0   0       0      0     0    0     0      6\n");
	free(text);
	c[0].tx_bytes = 1000;
	table.view = (struct conns_view){ 0 };

	/* conns -j: the array; --interval: each socket with its rates. */
	text = capture_print(conns_json, &table);
	assert_starts(text, "[{\"family\":\"inet\",");
	assert_contains(text, "\"cookie\":5},{\"family\":\"inet6\",");
	assert_contains(text, "\"cookie\":6}]\n");
	assert_null(strstr(text, "rates"));
	free(text);
	{
		const struct conn_rates rates[2] = { { 2500, 150.25 }, { 0, 0 } };

		table.view.rates = rates;
		table.secs = 2;
		text = capture_print(conns_json, &table);
		assert_starts(text, "{\"interval\":2.000,\"conns\":"
			      "[{\"family\":\"inet\",");
		assert_contains(text, "\"cookie\":5,\"rates\":{\"tx_bytes\":"
				"2500.0,\"rx_bytes\":150.2}},{");
		assert_contains(text, "\"cookie\":6,\"rates\":{\"tx_bytes\":"
				"0.0,\"rx_bytes\":0.0}}]}\n");
		free(text);
		text = capture_print(conns_text, &table);
		assert_string_equal(text,
			"STATE       VIA      LOCAL            PEER            "
			"SEND-Q RECV-Q TX/s RX/s\n"
			"established sdp      198.18.0.1:40000 198.18.0.2:7500 "
			"    12     34 2.5K  150\n"
			"listen      tcp:rule *:7500           *:*             "
			"     0      0    0    0\n");
		free(text);
		table.view.rates = NULL;
	}

	/* An unknown state, transport or reason is shown as its number. */
	c[0].state = 42;
	c[0].transport = 9;
	c[0].fallback_reason = 77;
	table.n = 1;
	text = capture_print(conns_text, &table);
	assert_contains(text, "\n42    9:77 ");
	free(text);
	c[0].state = 1;
	c[0].transport = SDP_TRANSPORT_SDP;
	c[0].fallback_reason = 0;

	ev.conn = c[0];
	text = capture_print(event_text, &ev);
	assert_string_equal(text, "conn-up 198.18.0.1:40000 198.18.0.2:7500 "
			    "established via sdp tx-bytes 1000 rx-bytes 300 "
			    "cookie 5\n");
	free(text);
	ev.type = SDPCTL_EVENT_CONN_DOWN;
	ev.conn = c[1];
	text = capture_print(event_text, &ev);
	assert_string_equal(text, "conn-down *:7500 *:* listen via tcp:rule "
			    "tx-bytes 0 rx-bytes 0 cookie 6\n");
	free(text);
	text = capture_print(event_json, &ev);
	assert_int_equal(strncmp(text, "{\"event\":\"conn-down\",\"conn\":"
				 "{\"family\":\"inet6\",", 43), 0);
	assert_contains(text, "\"cookie\":6}}\n");
	free(text);
}

static void test_tunable_output(void **state)
{
	char *text, buf[24];

	(void)state;
	text = capture_print(tunable_json, &sample_tunables[0]);
	assert_string_equal(text, "{\"name\":\"max-rules\",\"value\":1024,"
			    "\"default\":1024,\"min\":1,\"max\":65536,"
			    "\"unit\":\"count\",\"doc\":\"rules allowed in the "
			    "mapping table\"}");
	free(text);
	text = capture_print(tunables_text, NULL);
	assert_string_equal(text,
		"NAME           VALUE DEFAULT MIN   MAX UNIT\n"
		"max-rules       1024    1024   1 65536 count\n"
		"    rules allowed in the mapping table\n"
		"default-action   tcp     tcp sdp  both action\n"
		"    decision when no rule matches\n");
	free(text);
	/* A description longer than a line goes on, between words. */
	{
		struct sdpctl_tunable t = sample_tunables[0];
		const char *line, *nl;

		snprintf(t.doc, sizeof(t.doc), "%s",
			 "send a credit-only message once this many freed "
			 "receive buffers are unadvertised, and then some more "
			 "words to fill a third line");
		text = capture_print(one_tunable_text, &t);
		for (line = text; (nl = strchr(line, '\n')); line = nl + 1)
			assert_true(nl - line <= 80);
		assert_contains(text, "\n    send a credit-only message once this "
				"many freed receive buffers are\n    unadvertised, "
				"and then some more words to fill a third line\n");
		free(text);
	}
	assert_string_equal(tunable_value_text(&sample_tunables[1], 3, buf,
					       sizeof(buf)), "both");
	assert_string_equal(tunable_value_text(&sample_tunables[1], 7, buf,
					       sizeof(buf)), "7");
	assert_string_equal(tunable_value_text(&sample_tunables[0], 2, buf,
					       sizeof(buf)), "2");
}

int main(void)
{
	const struct CMUnitTest args[] = {
		cmocka_unit_test(test_help_everywhere),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_unknown_commands_and_options),
		cmocka_unit_test(test_command_lookup),
		cmocka_unit_test(test_json_flag_anywhere),
		cmocka_unit_test(test_stats_args),
		cmocka_unit_test(test_map_add_args),
		cmocka_unit_test(test_map_del_get_args),
		cmocka_unit_test(test_map_lookup_args),
		cmocka_unit_test(test_map_load_args),
		cmocka_unit_test(test_map_load_checks_file_first),
		cmocka_unit_test(test_tune_args),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_monitor_args),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_error_line),
	};
	const struct CMUnitTest output[] = {
		cmocka_unit_test(test_rule_output),
		cmocka_unit_test(test_list_line_reparses),
		cmocka_unit_test(test_lookup_output),
		cmocka_unit_test(test_info_output),
		cmocka_unit_test(test_stats_output),
		cmocka_unit_test(test_rates_output),
		cmocka_unit_test(test_event_output),
		cmocka_unit_test(test_tunable_output),
		cmocka_unit_test(test_conn_output),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("cli-args", args, NULL, NULL);
	failed += cmocka_run_group_tests_name("cli-output", output, NULL, NULL);
	return failed ? 1 : 0;
}
