// SPDX-License-Identifier: GPL-2.0
/*
 * What stats --interval and conns --interval share: their two options and
 * a fixed schedule of readings.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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

int watch_opt(const struct cli_ctx *ctx, int argc, char **argv, int *i,
	      struct watch_args *w, const char *counted)
{
	const char *val;
	int r;

	r = cli_opt_value(ctx, argc, argv, i, "--interval", "-i", &val);
	if (r)
		return r < 0 || parse_interval(ctx, val, &w->interval) ? -1 : 1;
	r = cli_opt_value(ctx, argc, argv, i, "--count", "-c", &val);
	if (r)
		return r < 0 || cli_parse_count(ctx, val, counted, &w->count) ?
		       -1 : 1;
	return 0;
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

void watch_start(struct watch_clock *c, const struct watch_args *w)
{
	c->args = *w;
	c->n = 0;
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	c->then = c->start;
}

bool watch_next(struct watch_clock *c)
{
	struct timespec due;

	if (c->args.count && c->n == c->args.count)
		return false;
	c->n++;
	due = ts_after(c->start, (double)c->n * c->args.interval);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) ==
	       EINTR)
		;
	return true;
}

double watch_mark(struct watch_clock *c)
{
	struct timespec now;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (double)(now.tv_sec - c->then.tv_sec) +
	       (double)(now.tv_nsec - c->then.tv_nsec) / 1e9;
	c->then = now;
	return secs;
}
