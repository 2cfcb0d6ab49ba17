// SPDX-License-Identifier: GPL-2.0
/* sdpctl monitor: one line per event of the "events" multicast group. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

#include "cli.h"

/* Set by SIGINT/SIGTERM so the poll loop ends with exit status 0. */
static volatile sig_atomic_t stop_requested;

static void request_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct monitor {
	struct cli_ctx *ctx;
	uint64_t seen, limit;
};

static int on_event(const struct sdpctl_event *ev, void *arg)
{
	struct monitor *mon = arg;

	if (!print_event(mon->ctx->out, ev, mon->ctx->json))
		return 0;
	/* Readers are scripts on the other end of a pipe: no buffering. */
	if (fflush(mon->ctx->out))
		return -EIO;
	mon->seen++;
	return mon->limit && mon->seen >= mon->limit;
}

int monitor_parse(const struct cli_ctx *ctx, int argc, char **argv,
		  struct monitor_args *args)
{
	int i;

	memset(args, 0, sizeof(*args));
	for (i = 0; i < argc; i++) {
		const char *val;
		int r = cli_opt_value(ctx, argc, argv, &i, "--count", "-c", &val);

		if (r < 0)
			return EXIT_USAGE;
		if (!r)
			return cli_unexpected(ctx, argv[i]);
		if (cli_parse_count(ctx, val, "events", &args->count))
			return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int monitor_run(struct cli_ctx *ctx, const struct monitor_args *args)
{
	struct monitor mon = { ctx, 0, args->count };
	struct sigaction sa;
	struct pollfd pfd;
	int err = cli_open(ctx);

	if (err)
		return err;
	err = sdpctl_monitor_open(ctx->h);
	if (err)
		return cli_fail(ctx, err, err == -EOPNOTSUPP ?
				"the module has no events group" : NULL);

	/* No SA_RESTART: poll() must return so the loop sees the flag. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = request_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	pfd.fd = sdpctl_monitor_fd(ctx->h);
	pfd.events = POLLIN;
	while (!stop_requested) {
		int ret = poll(&pfd, 1, -1);

		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return cli_fail(ctx, -errno, NULL);
		}
		ret = sdpctl_monitor_dispatch(ctx->h, on_event, &mon);
		if (ret == -ENOBUFS) {
			cli_report(ctx->err, ctx->name, ret,
				   "events were lost (receive buffer overrun)");
			continue;
		}
		if (ret < 0)
			return cli_fail(ctx, ret, NULL);
		if (mon.limit && mon.seen >= mon.limit)
			break;
	}
	return EXIT_OK;
}

int monitor_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct monitor_args args;
	int ret = monitor_parse(ctx, argc, argv, &args);

	return ret ? ret : monitor_run(ctx, &args);
}
