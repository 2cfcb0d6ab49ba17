// SPDX-License-Identifier: GPL-2.0
/* sdpctl conns: the SDP sockets of the caller's network namespace. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/*
 * A dump that sockets keep interrupting is retried this often; then the
 * last one is shown: the module lists every socket that stayed throughout
 * exactly once, so only sockets that came or went may be missing.
 */
#define CONN_DUMP_TRIES 5

struct conn_list {
	struct sdpctl_conn *items;
	size_t n, cap;
};

static int collect_conn(const struct sdpctl_conn *c, void *arg)
{
	struct conn_list *list = arg;
	struct sdpctl_conn *items = cli_room(list->items, list->n, &list->cap,
					     sizeof(*items), 16);

	if (!items)
		return -ENOMEM;
	list->items = items;
	list->items[list->n++] = *c;
	return 0;
}

/* The sockets now, in creation order; failures reported (exit code). */
static int conns_read(struct cli_ctx *ctx, struct conn_list *list)
{
	int tries = 0, err;

	/* Sockets came or went between dump parts: take a fresh look. */
	do {
		list->n = 0;
		err = sdpctl_conn_dump(ctx->h, collect_conn, list);
	} while (err == -EINTR && ++tries < CONN_DUMP_TRIES);
	if (err == -EINTR || !err)
		return EXIT_OK;
	return cli_fail(ctx, err, err == -EOPNOTSUPP ?
			"the module cannot list connections" : NULL);
}

static int cookie_cmp(const void *a, const void *b)
{
	const struct sdpctl_conn *x = a, *y = b;

	return (x->cookie > y->cookie) - (x->cookie < y->cookie);
}

/*
 * Each socket's bytes per second since the reading @prev (sorted by
 * cookie), @secs ago; a socket not in it is new, counted from 0.
 */
static void conn_rates_since(const struct conn_list *prev,
			     const struct conn_list *cur, double secs,
			     struct conn_rates *rates)
{
	const struct sdpctl_conn *was;
	size_t i;

	for (i = 0; i < cur->n; i++) {
		const struct sdpctl_conn *c = &cur->items[i];
		uint64_t tx0 = 0, rx0 = 0;

		was = bsearch(c, prev->items, prev->n, sizeof(*c), cookie_cmp);
		if (was && was->tx_bytes <= c->tx_bytes &&
		    was->rx_bytes <= c->rx_bytes) {
			tx0 = was->tx_bytes;
			rx0 = was->rx_bytes;
		}
		rates[i].tx = (double)(c->tx_bytes - tx0) / secs;
		rates[i].rx = (double)(c->rx_bytes - rx0) / secs;
	}
}

/* A table (or JSON line) of every socket's rates each interval. */
static int conns_watch(struct cli_ctx *ctx, const struct watch_args *w,
		       struct conns_view view)
{
	struct conn_list prev = { 0 }, cur = { 0 }, swap;
	struct conn_rates *rates = NULL;
	struct watch_clock clock;
	int ret = conns_read(ctx, &prev);
	bool first = true;
	double secs;

	watch_start(&clock, w);
	while (!ret && watch_next(&clock)) {
		qsort(prev.items, prev.n, sizeof(*prev.items), cookie_cmp);
		ret = conns_read(ctx, &cur);
		if (ret)
			break;
		secs = watch_mark(&clock);
		free(rates);
		rates = calloc(cur.n ?: 1, sizeof(*rates));
		if (!rates) {
			ret = cli_fail(ctx, -ENOMEM, NULL);
			break;
		}
		conn_rates_since(&prev, &cur, secs, rates);
		if (ctx->json) {
			print_conns_json(ctx->out, cur.items, cur.n, rates, secs);
		} else {
			/* Tables apart by an empty line, as watch would. */
			fputs(first ? "" : "\n", ctx->out);
			view.rates = rates;
			print_conns_text(ctx->out, cur.items, cur.n, &view);
		}
		fflush(ctx->out);
		first = false;
		swap = prev;
		prev = cur;
		cur = swap;
	}
	free(rates);
	free(prev.items);
	free(cur.items);
	return ret;
}

static int conns_run(struct cli_ctx *ctx, const struct conns_args *args)
{
	struct conns_view view = { .details = args->details,
				   .exact = args->exact };
	struct conn_list list = { 0 };
	int ret = cli_open(ctx);

	if (ret)
		return ret;
	if (args->watch.interval)
		return conns_watch(ctx, &args->watch, view);
	ret = conns_read(ctx, &list);
	if (!ret && ctx->json)
		print_conns_json(ctx->out, list.items, list.n, NULL, 0);
	else if (!ret)
		print_conns_text(ctx->out, list.items, list.n, &view);
	free(list.items);
	return ret;
}

int conns_parse(const struct cli_ctx *ctx, int argc, char **argv,
		struct conns_args *args)
{
	int i, r;

	memset(args, 0, sizeof(*args));
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--details") || !strcmp(argv[i], "-d")) {
			args->details = true;
		} else if (!strcmp(argv[i], "--exact")) {
			args->exact = true;
		} else if ((r = watch_opt(ctx, argc, argv, &i, &args->watch,
					  "tables"))) {
			if (r < 0)
				return EXIT_USAGE;
		} else {
			return cli_unexpected(ctx, argv[i]);
		}
	}
	if (!args->watch.interval && args->watch.count)
		return cli_usage_error(ctx->err, ctx->name,
				       "--count needs --interval");
	return EXIT_OK;
}

int conns_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct conns_args args;
	int ret = conns_parse(ctx, argc, argv, &args);

	return ret ? ret : conns_run(ctx, &args);
}
