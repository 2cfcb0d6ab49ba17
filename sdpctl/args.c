// SPDX-License-Identifier: GPL-2.0
/*
 * sdpctl command line: the command table, help, global options, exit codes
 * and the helpers the commands' parsers share. cli_parse() finds the
 * command; its X_main() in cmd_*.c checks the words after it and runs it.
 * Nothing here talks to the kernel except cli_open(), so the unit tests
 * drive cli_parse() and the commands' parsers directly.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define RULE_GRAMMAR \
"RULE (keywords in any order, action required):\n" \
"  [position N] action sdp|tcp|both [role listen|connect|any]\n" \
"  [family inet|inet6] [addr ADDR[/PLEN]|any] [port N|N-M|any]\n" \
"  [program PATTERN]\n" \
"or a libsdp.conf line:\n" \
"  use sdp|tcp|both server|listen|client|connect|any PROGRAM|* ADDR[/PLEN]:PORTS\n" \
"  (* for any address or ports; IPv6 in brackets: [2001:db8::]/32:80)\n" \
"Defaults: role any, addr any (both families), port any, any program.\n"

#define EXIT_STATUS_HELP \
"Exit status:\n" \
"  0  success\n" \
"  1  the operation failed (kernel or system error)\n" \
"  2  usage or parse error (nothing was sent)\n" \
"  3  the sdp module is not loaded\n" \
"  4  permission denied (changes need CAP_NET_ADMIN)\n"

static const struct cli_cmd map_commands[] = {
	{ .name = "add", .main = map_add_main, .synopsis = "RULE...",
	  .help = "insert a rule (appended unless position is given)",
	  .details = RULE_GRAMMAR },
	{ .name = "del", .alias = "delete", .main = map_del_main,
	  .synopsis = "ID | RULE...",
	  .help = "delete the rule with that id, or exactly equal to RULE",
	  .details = RULE_GRAMMAR },
	{ .name = "get", .main = map_get_main, .synopsis = "ID",
	  .help = "show one rule" },
	{ .name = "list", .alias = "show", .main = map_list_main,
	  .synopsis = "",
	  .help = "list the rules in table order (first match wins)" },
	{ .name = "flush", .main = map_flush_main, .synopsis = "",
	  .help = "delete every rule" },
	{ .name = "lookup", .main = map_lookup_main,
	  .synopsis = "addr ADDR port N role listen|connect [program NAME] "
		      "[family inet|inet6]",
	  .help = "show what the kernel decides for an endpoint",
	  .details = "ADDR is the local address for listen, the remote one "
		     "for connect.\n" },
	{ .name = "load", .main = map_load_main, .synopsis = "FILE|-",
	  .help = "replace the table with the rules in FILE, atomically",
	  .details = "One RULE per line; # starts a comment; libsdp \"log\" "
		     "lines are ignored.\nThe whole file is checked first: "
		     "an error changes nothing.\n" RULE_GRAMMAR },
	{ .name = "save", .main = map_save_main, .synopsis = "",
	  .help = "print the table as a file for map load" },
	{ 0 }
};

static const struct cli_cmd tune_commands[] = {
	{ .name = "list", .alias = "show", .main = tune_list_main,
	  .synopsis = "",
	  .help = "list the tunables with their defaults and ranges" },
	{ .name = "get", .main = tune_get_main, .synopsis = "NAME",
	  .help = "show one tunable" },
	{ .name = "set", .main = tune_set_main, .synopsis = "NAME VALUE",
	  .help = "change a tunable",
	  .details = "VALUE is a number; for a tunable whose unit is action "
		     "it may also be sdp, tcp or both.\n" },
	{ 0 }
};

const struct cli_cmd cli_commands[] = {
	{ .name = "info", .main = info_main, .synopsis = "",
	  .help = "describe the running module" },
	{ .name = "stats", .main = stats_main,
	  .synopsis = "[--reset | --interval SECONDS [--count N] [--exact]]",
	  .help = "show the counters and histograms (or reset them)",
	  .details = "--interval prints a line of rates every SECONDS (0.1 "
		     "to 86400): bytes, messages,\nconnections established, "
		     "fallbacks to TCP and aborts per second, and the\n"
		     "connections open; -j prints every counter's rate as a "
		     "JSON line.  --count\nstops after N lines, --exact "
		     "prints whole numbers instead of K, M, G.\n" },
	{ .name = "map", .synopsis = "COMMAND",
	  .help = "manage the port-mapping rules", .subs = map_commands,
	  .default_sub = "list" },
	{ .name = "tune", .synopsis = "COMMAND", .help = "show and change the tunables",
	  .subs = tune_commands, .default_sub = "list" },
	{ .name = "conns", .alias = "connections", .main = conns_main,
	  .synopsis = "[--details] [--exact] [--interval SECONDS [--count N]]",
	  .help = "list the SDP sockets of this network namespace",
	  .details = "One line per listener or connection, in creation order:\n"
		     "state, transport, local and peer address, bytes queued "
		     "to send (SEND-Q)\nand unread (RECV-Q), payload bytes "
		     "sent and received (K, M, G unless\n--exact).  "
		     "--details (-d) adds send credits, receive buffers posted,"
		     " buffer\npages held, owner, inode and socket cookie.  "
		     "--interval prints the table\nevery SECONDS with bytes "
		     "per second each way instead of totals (-j: a JSON\n"
		     "line per interval); --count stops after N tables.\n" },
	{ .name = "monitor", .main = monitor_main, .synopsis = "[--count N]",
	  .help = "print one line per event until interrupted or N events" },
	{ 0 }
};

/* ---- messages and exit codes ----------------------------------------- */

int cli_usage_error(FILE *err, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(err, "sdpctl: %s%s", cmd ? cmd : "", cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
	return EXIT_USAGE;
}

/*
 * Is argv[*i] option @name ("--count"), as "--count=V" or "--count V", or
 * @alias (may be NULL) as "-c V"?  Then *val is V and *i its word.
 * Return: 1 if so, 0 if argv[*i] is another word, -1 (reported as a
 * usage error) if V is missing.
 */
int cli_opt_value(const struct cli_ctx *ctx, int argc, char **argv, int *i,
		  const char *name, const char *alias, const char **val)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);

	if (!strncmp(arg, name, n) && arg[n] == '=') {
		*val = arg + n + 1;
		return 1;
	}
	if (strcmp(arg, name) && (!alias || strcmp(arg, alias)))
		return 0;
	if (*i + 1 >= argc) {
		cli_usage_error(ctx->err, ctx->name, "%s needs a value", arg);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

void *cli_room(void *items, size_t n, size_t *cap, size_t size, size_t first)
{
	size_t want;
	void *bigger;

	if (n < *cap)
		return items;
	want = *cap ? *cap * 2 : first;
	bigger = realloc(items, want * size);
	if (bigger)
		*cap = want;
	return bigger;
}

/* A count of @what, at least 1; else a usage error. */
int cli_parse_count(const struct cli_ctx *ctx, const char *val,
		    const char *what, uint64_t *n)
{
	if (val[0] < '0' || val[0] > '9' || cli_parse_u64(val, n) || !*n)
		return cli_usage_error(ctx->err, ctx->name,
				       "bad count \"%s\" (expected a number of %s, at least 1)",
				       val, what);
	return EXIT_OK;
}

int cli_exit_code(int err)
{
	if (!err)
		return EXIT_OK;
	if (err == -EPERM || err == -EACCES)
		return EXIT_PERM;
	return EXIT_FAILED;
}

/* Opening is the one place where ENOENT means "module not loaded". */
int cli_open_exit_code(int err)
{
	return err == -ENOENT ? EXIT_NO_MODULE : cli_exit_code(err);
}

void cli_report(FILE *out, const char *cmd, int err, const char *detail)
{
	fprintf(out, "sdpctl: %s: %s", cmd, strerror(-err));
	if (detail && *detail)
		fprintf(out, ": %s", detail);
	fputc('\n', out);
}

int cli_open(struct cli_ctx *ctx)
{
	int err;

	if (ctx->h)
		return EXIT_OK;
	err = sdpctl_open(&ctx->h);
	if (!err)
		return EXIT_OK;
	cli_report(ctx->err, ctx->name, err, err == -ENOENT ?
		   "sdp module not loaded (no generic netlink family \""
		   SDP_FAMILY_NAME "\")" : NULL);
	return cli_open_exit_code(err);
}

/* Report a failed library call; the kernel's words if it had any. */
int cli_fail(struct cli_ctx *ctx, int err, const char *fallback)
{
	const char *kmsg = sdpctl_errmsg(ctx->h);

	cli_report(ctx->err, ctx->name, err, kmsg ? kmsg : fallback);
	return cli_exit_code(err);
}

/* ---- help ------------------------------------------------------------- */

static void print_usage(FILE *f)
{
	const struct cli_cmd *c;

	fprintf(f,
		"Usage: sdpctl [-j|--json] COMMAND [ARGS...]\n"
		"       sdpctl -V|--version | -h|--help\n"
		"\n"
		"Control the sdp (Sockets Direct Protocol) kernel module.\n"
		"\n"
		"Options:\n"
		"  -j, --json     machine-readable JSON output\n"
		"  -V, --version  print the version and exit\n"
		"  -h, --help     print help (also after any command)\n"
		"\n"
		"Commands:\n");
	for (c = cli_commands; c->name; c++) {
		const struct cli_cmd *s;

		if (!c->subs) {
			fprintf(f, "  %s%s%s\n      %s\n", c->name,
				*c->synopsis ? " " : "", c->synopsis, c->help);
			continue;
		}
		for (s = c->subs; s->name; s++)
			fprintf(f, "  %s %s%s%s\n      %s\n", c->name, s->name,
				*s->synopsis ? " " : "", s->synopsis, s->help);
	}
	fprintf(f, "\nRun 'sdpctl COMMAND --help' for details.\n\n%s",
		EXIT_STATUS_HELP);
}

/* A one-line help ("list the rules") as a sentence. */
static void print_sentence(FILE *f, const char *help)
{
	fprintf(f, "%c%s.\n", toupper((unsigned char)help[0]), help + 1);
}

static void print_group_help(FILE *f, const struct cli_cmd *group)
{
	const struct cli_cmd *s;

	fprintf(f, "Usage: sdpctl [-j] %s COMMAND [ARGS...]\n\n",
		group->name);
	print_sentence(f, group->help);
	fprintf(f, "Without COMMAND: %s %s.\n\nCommands:\n", group->name,
		group->default_sub);
	for (s = group->subs; s->name; s++) {
		fprintf(f, "  %s%s%s\n      %s", s->name,
			*s->synopsis ? " " : "", s->synopsis, s->help);
		if (s->alias)
			fprintf(f, " (alias: %s)", s->alias);
		fputc('\n', f);
	}
	fprintf(f, "\n%s", EXIT_STATUS_HELP);
}

static void print_leaf_help(FILE *f, const struct cli_invocation *inv)
{
	const struct cli_cmd *c = inv->cmd;

	fprintf(f, "Usage: sdpctl [-j] %s%s%s\n\n", inv->name,
		*c->synopsis ? " " : "", c->synopsis);
	print_sentence(f, c->help);
	if (c->details)
		fprintf(f, "\n%s", c->details);
	fprintf(f, "\n%s", EXIT_STATUS_HELP);
}

/* ---- top level -------------------------------------------------------- */

static const struct cli_cmd *find_cmd(const struct cli_cmd *table,
				      const char *name)
{
	for (; table->name; table++)
		if (!strcmp(table->name, name) ||
		    (table->alias && !strcmp(table->alias, name)))
			return table;
	return NULL;
}

static bool is_json_flag(const char *s)
{
	return !strcmp(s, "-j") || !strcmp(s, "--json");
}

static bool is_help_flag(const char *s)
{
	return !strcmp(s, "-h") || !strcmp(s, "--help");
}

/*
 * The command line up to the command's own words: the global options, the
 * command, and -j or -h anywhere after it. CLI_RUN with inv filled in (then
 * free inv->argv), or the exit code once help, the version or an error is
 * printed.
 */
int cli_parse(int argc, char **argv, struct cli_invocation *inv, FILE *out,
	      FILE *err)
{
	const struct cli_cmd *cmd;
	int i, j;

	memset(inv, 0, sizeof(*inv));
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (is_json_flag(argv[i])) {
			inv->json = true;
		} else if (is_help_flag(argv[i])) {
			print_usage(out);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "-V") ||
			   !strcmp(argv[i], "--version")) {
			fprintf(out, "sdpctl %s\n", SDPCTL_TOOL_VERSION);
			return EXIT_OK;
		} else {
			cli_usage_error(err, NULL, "unknown option \"%s\" "
					"(try sdpctl --help)", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i == argc) {
		print_usage(err);
		return EXIT_USAGE;
	}
	cmd = find_cmd(cli_commands, argv[i]);
	if (!cmd)
		return cli_usage_error(err, NULL, "unknown command \"%s\" "
				       "(try sdpctl --help)", argv[i]);
	snprintf(inv->name, sizeof(inv->name), "%s", cmd->name);
	i++;
	if (cmd->subs) {
		const struct cli_cmd *group = cmd;
		const char *sub = group->default_sub;

		/* Options may come before the subcommand: "map -j list". */
		for (; i < argc && argv[i][0] == '-'; i++) {
			if (is_help_flag(argv[i])) {
				print_group_help(out, group);
				return EXIT_OK;
			}
			if (!is_json_flag(argv[i]))
				return cli_usage_error(err, group->name,
					"unknown option \"%s\"", argv[i]);
			inv->json = true;
		}
		if (i < argc)
			sub = argv[i++];
		cmd = find_cmd(group->subs, sub);
		if (!cmd)
			return cli_usage_error(err, group->name,
				"unknown command \"%s\" (try sdpctl %s --help)",
				sub, group->name);
		snprintf(inv->name, sizeof(inv->name), "%s %s", group->name,
			 cmd->name);
	}
	inv->cmd = cmd;

	/* -j and -h are global: take them anywhere after the command. */
	for (j = i; j < argc; j++) {
		if (is_help_flag(argv[j])) {
			print_leaf_help(out, inv);
			return EXIT_OK;
		}
	}
	inv->argv = calloc((size_t)(argc - i) + 1, sizeof(*inv->argv));
	if (!inv->argv) {
		fprintf(err, "sdpctl: out of memory\n");
		return EXIT_FAILED;
	}
	for (; i < argc; i++) {
		if (is_json_flag(argv[i]))
			inv->json = true;
		else
			inv->argv[inv->argc++] = argv[i];
	}
	return CLI_RUN;
}

int cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct cli_invocation inv;
	struct cli_ctx ctx;
	int ret = cli_parse(argc, argv, &inv, out, err);

	if (ret != CLI_RUN)
		return ret;
	ctx = (struct cli_ctx){ .out = out, .err = err, .json = inv.json,
				.name = inv.name };
	ret = inv.cmd->main(&ctx, inv.argc, inv.argv);
	free(inv.argv);
	sdpctl_close(ctx.h);
	/* A full disk or a closed pipe must not look like success. */
	if (fflush(out) || ferror(out)) {
		if (ret == EXIT_OK)
			cli_report(err, inv.name, -EIO, "cannot write output");
		return ret == EXIT_OK ? EXIT_FAILED : ret;
	}
	return ret;
}

/* ---- helpers for the commands' parsers -------------------------------- */

int cli_unexpected(const struct cli_ctx *ctx, const char *arg)
{
	return cli_usage_error(ctx->err, ctx->name,
			       "unexpected argument \"%s\"", arg);
}

/* The parser of a command that takes no arguments. */
int cli_no_args(const struct cli_ctx *ctx, int argc, char **argv)
{
	return argc ? cli_unexpected(ctx, argv[0]) : EXIT_OK;
}

/* Decimal, or hexadecimal after 0x; 0, -EINVAL or -ERANGE. */
int cli_parse_u64(const char *s, uint64_t *v)
{
	unsigned int base = 10;
	uint64_t acc = 0;

	if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) && s[2]) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return -EINVAL;
		if (acc > (UINT64_MAX - d) / base) {
			/* Keep scanning: "99999999999999999999x" is not a number. */
			for (s++; *s; s++)
				if (!(*s >= '0' && *s <= '9') &&
				    !(base == 16 && ((*s >= 'a' && *s <= 'f') ||
						     (*s >= 'A' && *s <= 'F'))))
					return -EINVAL;
			return -ERANGE;
		}
		acc = acc * base + d;
	}
	*v = acc;
	return 0;
}

/* The same, for a value that must fit in 32 bits. */
int cli_parse_u32(const char *s, uint32_t *v)
{
	uint64_t wide;
	int err = cli_parse_u64(s, &wide);

	if (!err && wide > UINT32_MAX)
		err = -ERANGE;
	if (!err)
		*v = (uint32_t)wide;
	return err;
}
