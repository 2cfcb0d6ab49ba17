// SPDX-License-Identifier: GPL-2.0
/* sdpctl tune: the tunables of the caller's network namespace. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct tunable_list {
	struct sdpctl_tunable *items;
	size_t n, cap;
};

static int collect_tunable(const struct sdpctl_tunable *t, void *arg)
{
	struct tunable_list *list = arg;
	struct sdpctl_tunable *items = cli_room(list->items, list->n,
						&list->cap, sizeof(*items), 16);

	if (!items)
		return -ENOMEM;
	list->items = items;
	list->items[list->n++] = *t;
	return 0;
}

static int tune_list_run(struct cli_ctx *ctx)
{
	struct tunable_list list = { 0 };
	size_t i;
	int err = cli_open(ctx);

	if (err)
		return err;
	err = sdpctl_tune_dump(ctx->h, collect_tunable, &list);
	if (err) {
		free(list.items);
		return cli_fail(ctx, err, NULL);
	}
	if (ctx->json) {
		fputc('[', ctx->out);
		for (i = 0; i < list.n; i++) {
			fputs(i ? "," : "", ctx->out);
			print_tunable_json(ctx->out, &list.items[i]);
		}
		fputs("]\n", ctx->out);
	} else {
		print_tunables_text(ctx->out, list.items, list.n);
	}
	free(list.items);
	return EXIT_OK;
}

int tune_list_main(struct cli_ctx *ctx, int argc, char **argv)
{
	int ret = cli_no_args(ctx, argc, argv);

	return ret ? ret : tune_list_run(ctx);
}

static int check_tunable_name(const struct cli_ctx *ctx, const char *name)
{
	size_t len = strlen(name);

	if (!len || len > SDP_TUNABLE_NAME_MAX_LEN)
		return cli_usage_error(ctx->err, ctx->name,
			"tunable name \"%s\" must be 1-%d bytes", name,
			SDP_TUNABLE_NAME_MAX_LEN);
	return EXIT_OK;
}

int tune_get_parse(const struct cli_ctx *ctx, int argc, char **argv,
		   struct tune_get_args *args)
{
	memset(args, 0, sizeof(*args));
	if (argc != 1)
		return argc ? cli_unexpected(ctx, argv[1]) :
			      cli_usage_error(ctx->err, ctx->name,
					      "missing NAME");
	args->name = argv[0];
	return check_tunable_name(ctx, args->name);
}

/* The tunable's name, for when the kernel gives no reason. */
static void tunable_fallback(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "tunable \"%s\"", name);
}

static int tune_get_run(struct cli_ctx *ctx, const struct tune_get_args *args)
{
	struct sdpctl_tunable t;
	char what[64], value[24];
	int err = cli_open(ctx);

	if (err)
		return err;
	err = sdpctl_tune_get(ctx->h, args->name, &t);
	if (err) {
		tunable_fallback(args->name, what, sizeof(what));
		return cli_fail(ctx, err, what);
	}
	if (ctx->json) {
		print_tunable_json(ctx->out, &t);
		fputc('\n', ctx->out);
	} else {
		fprintf(ctx->out, "%s %s\n", t.name,
			tunable_value_text(&t, t.value, value, sizeof(value)));
	}
	return EXIT_OK;
}

int tune_get_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct tune_get_args args;
	int ret = tune_get_parse(ctx, argc, argv, &args);

	return ret ? ret : tune_get_run(ctx, &args);
}

/* A number, or an action name (sdp, tcp, both) as its number. */
int tune_parse_value(const char *s, uint64_t *v, bool *is_action)
{
	uint32_t action;

	*is_action = !sdpctl_action_parse(s, &action);
	if (*is_action) {
		*v = action;
		return 0;
	}
	return cli_parse_u64(s, v);
}

int tune_set_parse(const struct cli_ctx *ctx, int argc, char **argv,
		   struct tune_set_args *args)
{
	int ret;

	memset(args, 0, sizeof(*args));
	if (argc != 2)
		return argc > 2 ? cli_unexpected(ctx, argv[2]) :
			cli_usage_error(ctx->err, ctx->name, "missing %s",
					argc ? "VALUE" : "NAME and VALUE");
	args->name = argv[0];
	ret = check_tunable_name(ctx, args->name);
	if (ret)
		return ret;
	ret = tune_parse_value(argv[1], &args->value, &args->value_is_action);
	if (ret == -ERANGE)
		return cli_usage_error(ctx->err, ctx->name,
			"value %s does not fit in 64 bits", argv[1]);
	if (ret)
		return cli_usage_error(ctx->err, ctx->name,
			"bad value \"%s\" (expected a number, or sdp, tcp or "
			"both for an action)", argv[1]);
	return EXIT_OK;
}

/*
 * Action names only make sense for a tunable that holds an action: a
 * usage error for an action given to @t, its message after @where.
 */
static int tune_value_fits(const struct cli_ctx *ctx,
			   const struct sdpctl_tunable *t, bool is_action,
			   const char *where)
{
	if (!is_action || !strcmp(t->unit, "action"))
		return EXIT_OK;
	return cli_usage_error(ctx->err, ctx->name,
			       "%s%s takes a number (unit %s), not an action",
			       where, t->name, t->unit[0] ? t->unit : "none");
}

static int tune_set_run(struct cli_ctx *ctx, const struct tune_set_args *args)
{
	struct sdpctl_tunable t;
	char what[64];
	int err = cli_open(ctx);

	if (err)
		return err;
	tunable_fallback(args->name, what, sizeof(what));
	if (args->value_is_action) {
		err = sdpctl_tune_get(ctx->h, args->name, &t);
		if (err)
			return cli_fail(ctx, err, what);
		err = tune_value_fits(ctx, &t, true, "");
		if (err)
			return err;
	}
	err = sdpctl_tune_set(ctx->h, args->name, args->value);
	if (err)
		return cli_fail(ctx, err, what);
	if (ctx->json)
		fputs("{}\n", ctx->out);
	return EXIT_OK;
}

int tune_set_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct tune_set_args args;
	int ret = tune_set_parse(ctx, argc, argv, &args);

	return ret ? ret : tune_set_run(ctx, &args);
}

/* ---- "tune NAME VALUE" lines of a rule file (map load) ----------------- */

/* The next blank-separated word of @s at *@pos, or NULL at the end. */
static const char *next_word(char *s, size_t *pos, size_t end)
{
	size_t start;

	while (*pos < end && (s[*pos] == ' ' || s[*pos] == '\t'))
		(*pos)++;
	if (*pos == end || s[*pos] == '#')
		return NULL;
	start = *pos;
	while (*pos < end && s[*pos] != ' ' && s[*pos] != '\t')
		(*pos)++;
	return s + start;
}

/*
 * One line, [@from, @end) of @text: 1 a tune line, taken into @t and
 * blanked; 0 not one; -1 a bad one (the usage error printed).
 */
static int take_tune_line(const struct cli_ctx *ctx, const char *file,
			  char *text, size_t from, size_t end,
			  unsigned int line, struct tune_line *t)
{
	const char *word[4], *what = NULL;
	size_t pos = from, len[4];
	char value[32];
	int i;

	for (i = 0; i < 4; i++) {
		word[i] = next_word(text, &pos, end);
		len[i] = word[i] ? (size_t)(text + pos - word[i]) : 0;
	}
	if (!word[0] || len[0] != 4 || strncmp(word[0], "tune", 4))
		return 0;
	if (!word[2])
		what = "expected tune NAME VALUE";
	else if (word[3])
		what = "tune takes a NAME and a VALUE only";
	else if (len[1] >= sizeof(t->name))
		what = "tunable name too long";
	if (what) {
		cli_usage_error(ctx->err, ctx->name, "%s: line %u: %s", file,
				line, what);
		return -1;
	}
	memset(t, 0, sizeof(*t));
	t->line = line;
	memcpy(t->name, word[1], len[1]);
	snprintf(value, sizeof(value), "%.*s", (int)len[2], word[2]);
	if (len[2] >= sizeof(value) ||
	    tune_parse_value(value, &t->value, &t->is_action)) {
		cli_usage_error(ctx->err, ctx->name,
				"%s: line %u: bad value \"%.*s\" for %s", file,
				line, (int)len[2], word[2], t->name);
		return -1;
	}
	/* Blank it: the rule parser then counts lines as the file does. */
	memset(text + from, ' ', end - from);
	return 1;
}

/*
 * Keep @t, unless its tunable is on an earlier line (-1, printed) or
 * memory runs out (-2, printed).
 */
static int add_tune_line(const struct cli_ctx *ctx, const char *file,
			 const struct tune_line *t, struct tune_line **lines,
			 size_t *n, size_t *cap)
{
	struct tune_line *more;
	size_t i;

	for (i = 0; i < *n; i++) {
		if (!strcmp((*lines)[i].name, t->name)) {
			cli_usage_error(ctx->err, ctx->name,
					"%s: line %u: %s is set on line %u already",
					file, t->line, t->name, (*lines)[i].line);
			return -1;
		}
	}
	more = cli_room(*lines, *n, cap, sizeof(*more), 8);
	if (!more) {
		cli_report(ctx->err, ctx->name, -ENOMEM, file);
		return -2;
	}
	*lines = more;
	(*lines)[(*n)++] = *t;
	return 0;
}

int tune_lines_take(const struct cli_ctx *ctx, const char *file, char *text,
		    struct tune_line **lines, size_t *n)
{
	size_t from = 0, end, cap = 0;
	unsigned int line = 1;
	struct tune_line t;
	int r = 0;

	*lines = NULL;
	*n = 0;
	while (text[from] && r >= 0) {
		end = from + strcspn(text + from, "\n");
		r = take_tune_line(ctx, file, text, from, end, line, &t);
		if (r > 0)
			r = add_tune_line(ctx, file, &t, lines, n, &cap);
		from = text[end] ? end + 1 : end;
		line++;
	}
	if (r >= 0)
		return EXIT_OK;
	free(*lines);
	*lines = NULL;
	*n = 0;
	return r == -2 ? EXIT_FAILED : EXIT_USAGE;
}

void tune_lines_revert(struct cli_ctx *ctx, const struct tune_line *lines,
		       size_t n)
{
	while (n--)
		sdpctl_tune_set(ctx->h, lines[n].name, lines[n].old);
}

int tune_lines_apply(struct cli_ctx *ctx, const char *file,
		     struct tune_line *lines, size_t n)
{
	struct sdpctl_tunable t;
	char where[300], detail[512];
	const char *kmsg;
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		snprintf(where, sizeof(where), "%s: line %u: ", file,
			 lines[i].line);
		err = sdpctl_tune_get(ctx->h, lines[i].name, &t);
		if (!err && tune_value_fits(ctx, &t, lines[i].is_action, where)) {
			tune_lines_revert(ctx, lines, i);
			return EXIT_USAGE;
		}
		if (!err) {
			lines[i].old = t.value;
			err = sdpctl_tune_set(ctx->h, lines[i].name,
					      lines[i].value);
		}
		if (err) {
			/* The kernel's reason before the revert's replace it. */
			kmsg = sdpctl_errmsg(ctx->h);
			snprintf(detail, sizeof(detail), "%s%s", where,
				 kmsg ? kmsg : lines[i].name);
			tune_lines_revert(ctx, lines, i);
			cli_report(ctx->err, ctx->name, err, detail);
			return cli_exit_code(err);
		}
	}
	return EXIT_OK;
}
