// SPDX-License-Identifier: GPL-2.0
/* sdpctl map: the port-mapping rule table. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"

/* Refuse files larger than this: a rule table is tiny. */
#define RULE_FILE_MAX (64u << 20)

static void print_rule(struct cli_ctx *ctx, const struct sdpctl_rule *r)
{
	if (ctx->json) {
		print_rule_json(ctx->out, r);
		fputc('\n', ctx->out);
	} else {
		print_rule_line(ctx->out, r);
	}
}

/* RULE... of map add (position allowed) and map del (not: it matches). */
static int parse_rule(const struct cli_ctx *ctx, int argc, char **argv,
		      struct sdpctl_rule *rule, bool allow_position)
{
	struct sdpctl_parse_error perr;

	if (!argc)
		return cli_usage_error(ctx->err, ctx->name,
			"missing RULE (try sdpctl %s --help)", ctx->name);
	if (sdpctl_rule_parse_args(argc, (const char *const *)argv, rule,
				   &perr))
		return cli_usage_error(ctx->err, ctx->name, "%s", perr.msg);
	if (rule->has_position && !allow_position)
		return cli_usage_error(ctx->err, ctx->name,
			"position is not part of what a rule matches; "
			"leave it out");
	return EXIT_OK;
}

int map_add_parse(const struct cli_ctx *ctx, int argc, char **argv,
		  struct map_add_args *args)
{
	memset(args, 0, sizeof(*args));
	return parse_rule(ctx, argc, argv, &args->rule, true);
}

static int map_add_run(struct cli_ctx *ctx, const struct map_add_args *args)
{
	struct sdpctl_rule stored;
	int err = cli_open(ctx);

	if (err)
		return err;
	err = sdpctl_map_add(ctx->h, &args->rule, &stored);
	if (err)
		return cli_fail(ctx, err, NULL);
	print_rule(ctx, &stored);
	return EXIT_OK;
}

int map_add_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct map_add_args args;
	int ret = map_add_parse(ctx, argc, argv, &args);

	return ret ? ret : map_add_run(ctx, &args);
}

/* An id as map list prints it ("3:") or plain ("3"). */
static bool parse_rule_id(const char *s, uint32_t *id)
{
	char buf[16];
	size_t len = strlen(s);

	if (!len || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len + 1);
	if (buf[len - 1] == ':')
		buf[len - 1] = '\0';
	if (buf[0] < '0' || buf[0] > '9' || cli_parse_u32(buf, id))
		return false;
	return *id != 0;
}

/* The one argument of "map del ID" and "map get ID". */
static int rule_id_arg(const struct cli_ctx *ctx, const char *arg,
		       uint32_t *id)
{
	if (!parse_rule_id(arg, id))
		return cli_usage_error(ctx->err, ctx->name,
			"bad rule id \"%s\" (expected 1-%u)", arg,
			UINT32_MAX);
	return EXIT_OK;
}

int map_del_parse(const struct cli_ctx *ctx, int argc, char **argv,
		  struct map_del_args *args)
{
	memset(args, 0, sizeof(*args));
	if (argc == 1 && argv[0][0] >= '0' && argv[0][0] <= '9') {
		args->by_id = true;
		return rule_id_arg(ctx, argv[0], &args->id);
	}
	return parse_rule(ctx, argc, argv, &args->rule, false);
}

static int map_del_run(struct cli_ctx *ctx, const struct map_del_args *args)
{
	char what[32];
	int err = cli_open(ctx);

	if (err)
		return err;
	snprintf(what, sizeof(what), "rule %" PRIu32, args->id);
	err = args->by_id ? sdpctl_map_del_id(ctx->h, args->id) :
			    sdpctl_map_del_match(ctx->h, &args->rule);
	if (err)
		return cli_fail(ctx, err, args->by_id ? what : NULL);
	if (ctx->json)
		fputs("{}\n", ctx->out);
	return EXIT_OK;
}

int map_del_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct map_del_args args;
	int ret = map_del_parse(ctx, argc, argv, &args);

	return ret ? ret : map_del_run(ctx, &args);
}

int map_get_parse(const struct cli_ctx *ctx, int argc, char **argv,
		  struct map_get_args *args)
{
	memset(args, 0, sizeof(*args));
	if (argc != 1)
		return argc ? cli_unexpected(ctx, argv[1]) :
			      cli_usage_error(ctx->err, ctx->name,
					      "missing ID");
	return rule_id_arg(ctx, argv[0], &args->id);
}

static int map_get_run(struct cli_ctx *ctx, const struct map_get_args *args)
{
	struct sdpctl_rule r;
	char what[32];
	int err = cli_open(ctx);

	if (err)
		return err;
	snprintf(what, sizeof(what), "rule %" PRIu32, args->id);
	err = sdpctl_map_get(ctx->h, args->id, &r);
	if (err)
		return cli_fail(ctx, err, what);
	print_rule(ctx, &r);
	return EXIT_OK;
}

int map_get_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct map_get_args args;
	int ret = map_get_parse(ctx, argc, argv, &args);

	return ret ? ret : map_get_run(ctx, &args);
}

struct rule_list {
	struct sdpctl_rule *rules;
	size_t n, cap;
};

static int collect_rule(const struct sdpctl_rule *r, void *arg)
{
	struct rule_list *list = arg;
	struct sdpctl_rule *rules = cli_room(list->rules, list->n, &list->cap,
					     sizeof(*rules), 32);

	if (!rules)
		return -ENOMEM;
	list->rules = rules;
	list->rules[list->n++] = *r;
	return 0;
}

/* Dumps the table changed under before giving up (-EINTR). */
#define DUMP_TRIES 5

/* The whole table first, so a failed dump prints nothing half-done. */
static int fetch_rules(struct cli_ctx *ctx, struct rule_list *list)
{
	int tries = 0, err = cli_open(ctx);

	memset(list, 0, sizeof(*list));
	if (err)
		return err;
	do {
		list->n = 0;
		err = sdpctl_map_dump(ctx->h, collect_rule, list);
	} while (err == -EINTR && ++tries < DUMP_TRIES);
	if (err) {
		free(list->rules);
		return cli_fail(ctx, err, err == -EINTR ?
				"the table kept changing during the dump" : NULL);
	}
	return EXIT_OK;
}

static void print_rules_json(FILE *f, const struct rule_list *list)
{
	size_t i;

	fputc('[', f);
	for (i = 0; i < list->n; i++) {
		fputs(i ? "," : "", f);
		print_rule_json(f, &list->rules[i]);
	}
	fputs("]\n", f);
}

static int map_list_run(struct cli_ctx *ctx)
{
	struct rule_list list;
	size_t i;
	int err = fetch_rules(ctx, &list);

	if (err)
		return err;
	if (ctx->json)
		print_rules_json(ctx->out, &list);
	else
		for (i = 0; i < list.n; i++)
			print_rule_line(ctx->out, &list.rules[i]);
	free(list.rules);
	return EXIT_OK;
}

int map_list_main(struct cli_ctx *ctx, int argc, char **argv)
{
	int ret = cli_no_args(ctx, argc, argv);

	return ret ? ret : map_list_run(ctx);
}

static int map_save_run(struct cli_ctx *ctx)
{
	struct rule_list list;
	size_t i;
	int err;

	/* JSON has no rule-file form: save is then the same as list. */
	if (ctx->json)
		return map_list_run(ctx);
	err = fetch_rules(ctx, &list);
	if (err)
		return err;
	fprintf(ctx->out,
		"# sdp port-mapping rules, saved by sdpctl %s.\n"
		"# One rule per line in table order (first match wins);\n"
		"# restore with: sdpctl map load FILE\n",
		SDPCTL_TOOL_VERSION);
	for (i = 0; i < list.n; i++) {
		struct sdpctl_rule r = list.rules[i];
		char text[SDPCTL_RULE_TEXT_LEN];

		r.has_position = false;
		err = sdpctl_rule_format(&r, text, sizeof(text));
		if (err) {
			cli_report(ctx->err, ctx->name, err,
				   "the kernel sent a rule sdpctl cannot write");
			free(list.rules);
			return EXIT_FAILED;
		}
		fprintf(ctx->out, "%s\n", text);
	}
	free(list.rules);
	return EXIT_OK;
}

int map_save_main(struct cli_ctx *ctx, int argc, char **argv)
{
	int ret = cli_no_args(ctx, argc, argv);

	return ret ? ret : map_save_run(ctx);
}

static int map_flush_run(struct cli_ctx *ctx)
{
	uint32_t count;
	int err = cli_open(ctx);

	if (err)
		return err;
	err = sdpctl_map_flush(ctx->h, &count);
	if (err)
		return cli_fail(ctx, err, NULL);
	if (ctx->json)
		fprintf(ctx->out, "{\"count\":%" PRIu32 "}\n", count);
	else
		fprintf(ctx->out, "flushed %" PRIu32 " rule%s\n", count,
			count == 1 ? "" : "s");
	return EXIT_OK;
}

int map_flush_main(struct cli_ctx *ctx, int argc, char **argv)
{
	int ret = cli_no_args(ctx, argc, argv);

	return ret ? ret : map_flush_run(ctx);
}

int map_lookup_parse(const struct cli_ctx *ctx, int argc, char **argv,
		     struct map_lookup_args *args)
{
	static const char *const keys[] = {
		"addr", "port", "role", "program", "family"
	};
	struct sdpctl_lookup *q = &args->lookup;
	const char *val[5] = { NULL };
	uint16_t family = AF_UNSPEC;
	uint32_t port;
	int i;
	size_t k;

	memset(args, 0, sizeof(*args));
	for (i = 0; i < argc; i += 2) {
		for (k = 0; k < 5; k++)
			if (!strcmp(argv[i], keys[k]))
				break;
		if (k == 5)
			return cli_usage_error(ctx->err, ctx->name,
				"unknown keyword \"%s\" (expected addr, port, "
				"role, program or family)", argv[i]);
		if (val[k])
			return cli_usage_error(ctx->err, ctx->name,
				"duplicate keyword \"%s\"", argv[i]);
		if (i + 1 >= argc)
			return cli_usage_error(ctx->err, ctx->name,
				"keyword \"%s\" needs a value", argv[i]);
		val[k] = argv[i + 1];
	}
	for (k = 0; k < 3; k++)
		if (!val[k])
			return cli_usage_error(ctx->err, ctx->name,
				"missing %s (try sdpctl map lookup --help)",
				keys[k]);

	if (val[4]) {
		if (!strcmp(val[4], "inet"))
			family = AF_INET;
		else if (!strcmp(val[4], "inet6"))
			family = AF_INET6;
		else
			return cli_usage_error(ctx->err, ctx->name,
				"bad family \"%s\" (expected inet or inet6)",
				val[4]);
	}
	if (inet_pton(AF_INET, val[0], q->addr) == 1)
		q->family = AF_INET;
	else if (inet_pton(AF_INET6, val[0], q->addr) == 1)
		q->family = AF_INET6;
	else
		return cli_usage_error(ctx->err, ctx->name,
			"bad address \"%s\" (expected one IPv4 or IPv6 "
			"address)", val[0]);
	if (family != AF_UNSPEC && family != q->family)
		return cli_usage_error(ctx->err, ctx->name,
			"addr %s is %s but family says %s", val[0],
			sdpctl_family_name(q->family),
			sdpctl_family_name(family));
	if (val[1][0] < '0' || val[1][0] > '9' || cli_parse_u32(val[1], &port) ||
	    port > UINT16_MAX)
		return cli_usage_error(ctx->err, ctx->name,
			"bad port \"%s\" (expected 0-65535)", val[1]);
	q->port = (uint16_t)port;
	if (!strcmp(val[2], "listen"))
		q->role = SDP_ROLE_LISTEN;
	else if (!strcmp(val[2], "connect"))
		q->role = SDP_ROLE_CONNECT;
	else
		return cli_usage_error(ctx->err, ctx->name,
			"bad role \"%s\" (a lookup is for listen or connect)",
			val[2]);
	if (val[3]) {
		size_t len = strlen(val[3]);

		if (!len || len > SDP_PROGRAM_MAX_LEN)
			return cli_usage_error(ctx->err, ctx->name,
				"program name \"%s\" must be 1-%d bytes "
				"(a task's comm)", val[3], SDP_PROGRAM_MAX_LEN);
		memcpy(q->program, val[3], len + 1);
	}
	return EXIT_OK;
}

static int map_lookup_run(struct cli_ctx *ctx,
			  const struct map_lookup_args *args)
{
	uint32_t action, rule_id;
	int err = cli_open(ctx);

	if (err)
		return err;
	err = sdpctl_map_lookup(ctx->h, &args->lookup, &action, &rule_id);
	if (err)
		return cli_fail(ctx, err, NULL);
	print_lookup(ctx->out, action, rule_id, ctx->json);
	return EXIT_OK;
}

int map_lookup_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct map_lookup_args args;
	int ret = map_lookup_parse(ctx, argc, argv, &args);

	return ret ? ret : map_lookup_run(ctx, &args);
}

/* Read all of path ("-": stdin) into a NUL-terminated buffer. */
static int read_file(const char *path, char **text, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t cap = 0, used = 0;
	char *buf = NULL;
	int err = 0;

	if (!f)
		return -errno;
	for (;;) {
		size_t got;

		if (cap - used < 2) {
			size_t new_cap = cap ? cap * 2 : 4096;
			char *bigger = new_cap <= RULE_FILE_MAX ?
				       realloc(buf, new_cap) : NULL;

			if (!bigger) {
				err = new_cap <= RULE_FILE_MAX ? -ENOMEM : -EFBIG;
				break;
			}
			buf = bigger;
			cap = new_cap;
		}
		got = fread(buf + used, 1, cap - used - 1, f);
		used += got;
		if (!got) {
			if (ferror(f))
				err = -EIO;
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	buf[used] = '\0';
	*text = buf;
	*len = used;
	return 0;
}

/* Line number of the map-replace rule the kernel refused, or 0. */
static unsigned int refused_line(const struct cli_ctx *ctx,
				 const struct sdpctl_rule *rules, size_t n)
{
	int index = sdpctl_err_rule_index(ctx->h);

	return index >= 0 && (size_t)index < n ? rules[index].line : 0;
}

int map_load_parse(const struct cli_ctx *ctx, int argc, char **argv,
		   struct map_load_args *args)
{
	memset(args, 0, sizeof(*args));
	if (argc != 1)
		return argc ? cli_unexpected(ctx, argv[1]) :
			      cli_usage_error(ctx->err, ctx->name,
					      "missing FILE (- for stdin)");
	args->file = argv[0];
	return EXIT_OK;
}

static int map_load_run(struct cli_ctx *ctx, const struct map_load_args *args)
{
	const char *shown = strcmp(args->file, "-") ? args->file : "<stdin>";
	struct sdpctl_parse_error perr;
	struct tune_line *tunes;
	struct sdpctl_rule *rules;
	size_t len = 0, n, ntunes, i;
	char *text = NULL;
	uint32_t count;
	int err;

	/* Check the whole file before talking to the kernel at all. */
	err = read_file(args->file, &text, &len);
	if (err) {
		cli_report(ctx->err, ctx->name, err, shown);
		return EXIT_FAILED;
	}
	if (strlen(text) != len) {
		unsigned int line = 1;

		for (i = 0; text[i]; i++)
			line += text[i] == '\n';
		free(text);
		return cli_usage_error(ctx->err, ctx->name,
				       "%s: line %u: NUL byte in a text file",
				       shown, line);
	}
	err = tune_lines_take(ctx, shown, text, &tunes, &ntunes);
	if (err) {
		free(text);
		return err;
	}
	err = sdpctl_rules_parse(text, &rules, &n, &perr);
	free(text);
	if (err)
		free(tunes);
	if (err == -EINVAL)
		return cli_usage_error(ctx->err, ctx->name, "%s: %s", shown,
				       perr.msg);
	if (err) {
		cli_report(ctx->err, ctx->name, err, shown);
		return EXIT_FAILED;
	}
	for (i = 0; i < n; i++) {
		if (rules[i].has_position) {
			err = cli_usage_error(ctx->err, ctx->name,
				"%s: line %u: position has no place in a rule "
				"file (rules load in file order)", shown,
				rules[i].line);
			free(rules);
			free(tunes);
			return err;
		}
	}

	/* Tunables first (max-rules may have to grow for the rules). */
	err = cli_open(ctx);
	if (!err)
		err = tune_lines_apply(ctx, shown, tunes, ntunes);
	if (!err) {
		err = sdpctl_map_replace(ctx->h, rules, n, &count);
		if (err) {
			const char *kmsg = sdpctl_errmsg(ctx->h);
			unsigned int line = refused_line(ctx, rules, n);
			char detail[512];

			if (line)
				snprintf(detail, sizeof(detail),
					 "%s: line %u: %s", shown, line,
					 kmsg ? kmsg : "rule refused");
			else
				snprintf(detail, sizeof(detail), "%s",
					 kmsg ? kmsg : "");
			cli_report(ctx->err, ctx->name, err, detail);
			err = cli_exit_code(err);
			tune_lines_revert(ctx, tunes, ntunes);
		} else if (ctx->json) {
			fprintf(ctx->out,
				"{\"count\":%" PRIu32 ",\"tunables\":%zu}\n",
				count, ntunes);
		} else {
			fprintf(ctx->out, "loaded %" PRIu32 " rule%s", count,
				count == 1 ? "" : "s");
			if (ntunes)
				fprintf(ctx->out, ", set %zu tunable%s", ntunes,
					ntunes == 1 ? "" : "s");
			fputc('\n', ctx->out);
		}
	}
	free(rules);
	free(tunes);
	return err;
}

int map_load_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct map_load_args args;
	int ret = map_load_parse(ctx, argc, argv, &args);

	return ret ? ret : map_load_run(ctx, &args);
}
