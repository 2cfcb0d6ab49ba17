// SPDX-License-Identifier: GPL-2.0
/* sdpctl info and sdpctl stats. */
#include <string.h>

#include "cli.h"

static int info_run(struct cli_ctx *ctx)
{
	struct sdpctl_info info;
	int err = cli_open(ctx);

	if (err)
		return err;
	err = sdpctl_info(ctx->h, &info);
	if (err)
		return cli_fail(ctx, err, NULL);
	print_info(ctx->out, &info, ctx->json);
	return EXIT_OK;
}

int info_main(struct cli_ctx *ctx, int argc, char **argv)
{
	int ret = cli_no_args(ctx, argc, argv);

	return ret ? ret : info_run(ctx);
}

int stats_parse(const struct cli_ctx *ctx, int argc, char **argv,
		struct stats_args *args)
{
	int i;

	memset(args, 0, sizeof(*args));
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--reset"))
			return cli_unexpected(ctx, argv[i]);
		args->reset = true;
	}
	return EXIT_OK;
}

static int stats_run(struct cli_ctx *ctx, const struct stats_args *args)
{
	struct sdpctl_stats *st;
	int err = cli_open(ctx);

	if (err)
		return err;
	if (args->reset) {
		err = sdpctl_stats_reset(ctx->h);
		if (err)
			return cli_fail(ctx, err, NULL);
		if (ctx->json)
			fputs("{}\n", ctx->out);
		return EXIT_OK;
	}
	err = sdpctl_stats_get(ctx->h, &st);
	if (err)
		return cli_fail(ctx, err, NULL);
	if (ctx->json)
		print_stats_json(ctx->out, st);
	else
		print_stats_text(ctx->out, st);
	sdpctl_stats_free(st);
	return EXIT_OK;
}

int stats_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct stats_args args;
	int ret = stats_parse(ctx, argc, argv, &args);

	return ret ? ret : stats_run(ctx, &args);
}
