// SPDX-License-Identifier: GPL-2.0
/* sdpctl info and sdpctl stats. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Seconds between readings: a tenth of a second to a day. */
static int parse_interval(const struct cli_ctx *ctx, const char *val,
			  double *secs)
{
	char *end;

	errno = 0;
	*secs = strtod(val, &end);
	if (errno || end == val || *end || !isfinite(*secs) || *secs < 0.1 ||
	    *secs > 86400)
		return cli_usage_error(ctx->err, ctx->name,
				       "bad interval \"%s\" (expected seconds, 0.1 to 86400)",
				       val);
	return EXIT_OK;
}

int stats_parse(const struct cli_ctx *ctx, int argc, char **argv,
		struct stats_args *args)
{
	const char *val;
	int i, r;

	memset(args, 0, sizeof(*args));
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--reset")) {
			args->reset = true;
		} else if (!strcmp(argv[i], "--exact")) {
			args->exact = true;
		} else if ((r = cli_opt_value(ctx, argc, argv, &i, "--interval",
					      "-i", &val))) {
			if (r < 0 || parse_interval(ctx, val, &args->interval))
				return EXIT_USAGE;
		} else if ((r = cli_opt_value(ctx, argc, argv, &i, "--count",
					      "-c", &val))) {
			if (r < 0 ||
			    cli_parse_count(ctx, val, "lines", &args->count))
				return EXIT_USAGE;
		} else {
			return cli_unexpected(ctx, argv[i]);
		}
	}
	if (args->reset && (args->interval || args->count || args->exact))
		return cli_usage_error(ctx->err, ctx->name,
				       "--reset takes no other option");
	if (!args->interval && (args->count || args->exact))
		return cli_usage_error(ctx->err, ctx->name,
				       "--count and --exact need --interval");
	return EXIT_OK;
}

/* @t plus @secs (not negative). */
static struct timespec ts_after(struct timespec t, double secs)
{
	time_t whole = (time_t)secs;

	t.tv_sec += whole;
	t.tv_nsec += (long)((secs - (double)whole) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static double ts_secs(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/*
 * A line of rates every interval, from readings taken on a fixed
 * schedule (a slow reading does not shift the next), each rate over the
 * time between the two readings it compares.
 */
static int stats_watch(struct cli_ctx *ctx, const struct stats_args *args)
{
	struct timespec start, then, now, next;
	struct sdpctl_stats *prev, *cur;
	uint64_t n;
	int err;

	err = sdpctl_stats_get(ctx->h, &prev);
	if (err)
		return cli_fail(ctx, err, NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);
	then = start;
	if (!ctx->json)
		print_rates_header(ctx->out);
	for (n = 1; !args->count || n <= args->count; n++) {
		next = ts_after(start, (double)n * args->interval);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
				       NULL) == EINTR)
			;
		err = sdpctl_stats_get(ctx->h, &cur);
		if (err)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		print_rates(ctx->out, prev, cur, ts_secs(&then, &now), ctx->json,
			    args->exact);
		fflush(ctx->out);
		sdpctl_stats_free(prev);
		prev = cur;
		then = now;
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
	if (args->interval)
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
