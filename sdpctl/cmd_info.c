// SPDX-License-Identifier: GPL-2.0
/* sdpctl info and sdpctl stats. */
#include <stdlib.h>
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
	int i, r;

	memset(args, 0, sizeof(*args));
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--reset")) {
			args->reset = true;
		} else if (!strcmp(argv[i], "--exact")) {
			args->exact = true;
		} else if ((r = watch_opt(ctx, argc, argv, &i, &args->watch,
					  "lines"))) {
			if (r < 0)
				return EXIT_USAGE;
		} else {
			return cli_unexpected(ctx, argv[i]);
		}
	}
	if (args->reset && (args->watch.interval || args->watch.count ||
			    args->exact))
		return cli_usage_error(ctx->err, ctx->name,
				       "--reset takes no other option");
	if (!args->watch.interval && (args->watch.count || args->exact))
		return cli_usage_error(ctx->err, ctx->name,
				       "--count and --exact need --interval");
	return EXIT_OK;
}

/*
 * A line of rates every interval, from readings taken on a fixed
 * schedule (a slow reading does not shift the next), each rate over the
 * time between the two readings it compares.
 */
static int stats_watch(struct cli_ctx *ctx, const struct stats_args *args)
{
	struct sdpctl_stats *prev, *cur;
	struct watch_clock clock;
	int err;

	err = sdpctl_stats_get(ctx->h, &prev);
	if (err)
		return cli_fail(ctx, err, NULL);
	watch_start(&clock, &args->watch);
	if (!ctx->json)
		print_rates_header(ctx->out);
	while (watch_next(&clock)) {
		err = sdpctl_stats_get(ctx->h, &cur);
		if (err)
			break;
		print_rates(ctx->out, prev, cur, watch_mark(&clock), ctx->json,
			    args->exact);
		fflush(ctx->out);
		sdpctl_stats_free(prev);
		prev = cur;
	}
	sdpctl_stats_free(prev);
	return err ? cli_fail(ctx, err, NULL) : EXIT_OK;
}

static int stats_run(struct cli_ctx *ctx, const struct stats_args *args)
{
	struct sdpctl_stats *st;
	int err = cli_open(ctx);

	if (err)
		return err;
	if (args->watch.interval)
		return stats_watch(ctx, args);
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
