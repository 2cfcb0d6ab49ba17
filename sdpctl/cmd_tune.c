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

	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct sdpctl_tunable *bigger =
			realloc(list->items, cap * sizeof(*bigger));

		if (!bigger)
			return -ENOMEM;
		list->items = bigger;
		list->cap = cap;
	}
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

static int tune_set_run(struct cli_ctx *ctx, const struct tune_set_args *args)
{
	struct sdpctl_tunable t;
	char what[64];
	int err = cli_open(ctx);

	if (err)
		return err;
	tunable_fallback(args->name, what, sizeof(what));
	/* Action names only make sense for a tunable that holds an action. */
	if (args->value_is_action) {
		err = sdpctl_tune_get(ctx->h, args->name, &t);
		if (err)
			return cli_fail(ctx, err, what);
		if (strcmp(t.unit, "action"))
			return cli_usage_error(ctx->err, ctx->name,
				"%s takes a number (unit %s), not an action",
				t.name, t.unit[0] ? t.unit : "none");
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
