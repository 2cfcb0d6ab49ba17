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

int run_tune_list(struct cli_ctx *ctx, const struct cli_request *req)
{
	struct tunable_list list = { 0 };
	size_t i;
	int err = cli_open(ctx);

	(void)req;
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

static int tunable_name(struct cli_request *req, const char *name, FILE *err)
{
	size_t len = strlen(name);

	if (!len || len > SDP_TUNABLE_NAME_MAX_LEN)
		return cli_usage_error(err, req->name,
			"tunable name \"%s\" must be 1-%d bytes", name,
			SDP_TUNABLE_NAME_MAX_LEN);
	req->tunable = name;
	return EXIT_OK;
}

int cli_parse_tune_get(struct cli_request *req, int argc, char **argv,
		       FILE *err)
{
	if (argc != 1)
		return argc ? cli_unexpected(req, err, argv[1]) :
			      cli_usage_error(err, req->name, "missing NAME");
	return tunable_name(req, argv[0], err);
}

/* The tunable's name, for when the kernel gives no reason. */
static void tunable_fallback(const struct cli_request *req, char *buf,
			     size_t len)
{
	snprintf(buf, len, "tunable \"%s\"", req->tunable);
}

int run_tune_get(struct cli_ctx *ctx, const struct cli_request *req)
{
	struct sdpctl_tunable t;
	char what[64], value[24];
	int err = cli_open(ctx);

	if (err)
		return err;
	err = sdpctl_tune_get(ctx->h, req->tunable, &t);
	if (err) {
		tunable_fallback(req, what, sizeof(what));
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

int cli_parse_tune_value(const char *s, uint64_t *v, bool *is_action)
{
	uint32_t action;

	*is_action = !sdpctl_action_parse(s, &action);
	if (*is_action) {
		*v = action;
		return 0;
	}
	return cli_parse_u64(s, v);
}

int cli_parse_tune_set(struct cli_request *req, int argc, char **argv,
		       FILE *err)
{
	int ret;

	if (argc != 2)
		return argc > 2 ? cli_unexpected(req, err, argv[2]) :
			cli_usage_error(err, req->name, "missing %s",
					argc ? "VALUE" : "NAME and VALUE");
	ret = tunable_name(req, argv[0], err);
	if (ret)
		return ret;
	ret = cli_parse_tune_value(argv[1], &req->value, &req->value_is_action);
	if (ret == -ERANGE)
		return cli_usage_error(err, req->name,
			"value %s does not fit in 64 bits", argv[1]);
	if (ret)
		return cli_usage_error(err, req->name,
			"bad value \"%s\" (expected a number, or sdp, tcp or "
			"both for an action)", argv[1]);
	return EXIT_OK;
}

int run_tune_set(struct cli_ctx *ctx, const struct cli_request *req)
{
	struct sdpctl_tunable t;
	char what[64];
	int err = cli_open(ctx);

	if (err)
		return err;
	tunable_fallback(req, what, sizeof(what));
	/* Action names only make sense for a tunable that holds an action. */
	if (req->value_is_action) {
		err = sdpctl_tune_get(ctx->h, req->tunable, &t);
		if (err)
			return cli_fail(ctx, err, what);
		if (strcmp(t.unit, "action"))
			return cli_usage_error(ctx->err, ctx->name,
				"%s takes a number (unit %s), not an action",
				t.name, t.unit[0] ? t.unit : "none");
	}
	err = sdpctl_tune_set(ctx->h, req->tunable, req->value);
	if (err)
		return cli_fail(ctx, err, what);
	if (ctx->json)
		fputs("{}\n", ctx->out);
	return EXIT_OK;
}
