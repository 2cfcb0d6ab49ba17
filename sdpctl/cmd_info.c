// SPDX-License-Identifier: GPL-2.0
/* sdpctl info and sdpctl stats. */
#include <string.h>

#include "cli.h"

int run_info(struct cli_ctx *ctx, const struct cli_request *req)
{
	struct sdpctl_info info;
	int err = cli_open(ctx);

	(void)req;
	if (err)
		return err;
	err = sdpctl_info(ctx->h, &info);
	if (err)
		return cli_fail(ctx, err, NULL);
	print_info(ctx->out, &info, ctx->json);
	return EXIT_OK;
}

int cli_parse_stats(struct cli_request *req, int argc, char **argv, FILE *err)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--reset"))
			return cli_unexpected(req, err, argv[i]);
		req->reset = true;
	}
	return EXIT_OK;
}

int run_stats(struct cli_ctx *ctx, const struct cli_request *req)
{
	struct sdpctl_stats *st;
	int err = cli_open(ctx);

	if (err)
		return err;
	if (req->reset) {
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
