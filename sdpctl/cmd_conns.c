// SPDX-License-Identifier: GPL-2.0
/* sdpctl conns: the SDP sockets of the caller's network namespace. */
#include <errno.h>
#include <stdlib.h>

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

	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct sdpctl_conn *bigger =
			realloc(list->items, cap * sizeof(*bigger));

		if (!bigger)
			return -ENOMEM;
		list->items = bigger;
		list->cap = cap;
	}
	list->items[list->n++] = *c;
	return 0;
}

static int conns_run(struct cli_ctx *ctx)
{
	struct conn_list list = { 0 };
	int tries = 0, err = cli_open(ctx);
	size_t i;

	if (err)
		return err;
	/* Sockets came or went between dump parts: take a fresh look. */
	do {
		list.n = 0;
		err = sdpctl_conn_dump(ctx->h, collect_conn, &list);
	} while (err == -EINTR && ++tries < CONN_DUMP_TRIES);
	if (err == -EINTR)
		err = 0;
	if (err) {
		free(list.items);
		return cli_fail(ctx, err, err == -EOPNOTSUPP ?
				"the module cannot list connections" : NULL);
	}
	if (ctx->json) {
		fputc('[', ctx->out);
		for (i = 0; i < list.n; i++) {
			fputs(i ? "," : "", ctx->out);
			print_conn_json(ctx->out, &list.items[i]);
		}
		fputs("]\n", ctx->out);
	} else {
		print_conns_text(ctx->out, list.items, list.n);
	}
	free(list.items);
	return EXIT_OK;
}

int conns_main(struct cli_ctx *ctx, int argc, char **argv)
{
	int ret = cli_no_args(ctx, argc, argv);

	return ret ? ret : conns_run(ctx);
}
