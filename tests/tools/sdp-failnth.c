// SPDX-License-Identifier: GPL-2.0
/*
 * sdp-failnth: every allocation that an SDP socket call makes in the
 * caller's context fails once in turn (fail-nth; see failnth.h), and each
 * failure must give the caller a clean error, never a hang or a socket
 * that half works.
 *
 *   sdp-failnth [-F FUNCTION] ADDR PORT OP...
 *
 * OP is one of socket, bind, listen, connect, accept, send, recv,
 * stream (1 MiB through a new connection), sockopt, shutdown, close, conn
 * (connect and accept: both ends); each is
 * run in turn. Each round prepares what OP needs without a fault (a
 * listener on ADDR:PORT serves every round), arms the N-th allocation,
 * runs OP and disarms. A round whose fault was injected must end in
 * ENOMEM, ENOBUFS or ENFILE, or succeed (the allocation had a fallback);
 * either way the connection must then move data correctly or be gone.
 * The first round that needs fewer than N allocations ends the run and
 * must succeed.
 *
 * -F FUNCTION: fail the N-th call of FUNCTION instead, wherever it runs
 * (fail_function: sdp.ko's ALLOW_ERROR_INJECTION functions, also in the
 * rdma_cm handlers and work items fail-nth cannot reach), returning
 * -ENOMEM or NULL. A connect may then also end in the peer's refusal
 * (ECONNREFUSED) or reset (ECONNRESET).
 *
 * Output: "ok: ..." and "FAIL: ..." lines (tests/vm/testlib.sh counts
 * them). Exit status: 0 if nothing failed, 1 otherwise, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "failnth.h"

#define AF_INET_SDP 27
#define PAYLOAD 4096

static struct sockaddr_in g_addr;	/* ADDR:PORT, the listener */
static int g_listener = -1;		/* non-blocking */
static const char *g_function;		/* -F, or NULL: fail-nth */

/* ---- fail_function (Documentation/fault-injection/) --------------- */

#define FAILFUNC "/sys/kernel/debug/fail_function/"

static void failfunc_write(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void failfunc_write(const char *file, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), FAILFUNC "%s", file);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	if (fclose(f)) {
		perror(path);
		exit(2);
	}
}

/* The error type FUNCTION was declared with ("ERRNO", "NULL"...). */
static const char *failfunc_type(const char *function)
{
	static char type[32];
	char line[256], name[200];
	FILE *f = fopen(FAILFUNC "injectable", "r");

	if (!f) {
		perror(FAILFUNC "injectable (a kernel with CONFIG_FAIL_FUNCTION?)");
		exit(2);
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%199s [%*[^]]] %31s", name, type) == 2 &&
		    !strcmp(name, function)) {
			fclose(f);
			return type;
		}
	fclose(f);
	fprintf(stderr, "%s: not an injectable function\n", function);
	exit(2);
}

/*
 * FUNCTION, injected once, returns an error: -ENOMEM, or NULL where it
 * returns a pointer.  Quietly: a stack dump would read as a splat.
 */
static void failfunc_setup(const char *function)
{
	const char *type = failfunc_type(function);
	char retval[256];

	failfunc_write("inject", "%s", function);
	snprintf(retval, sizeof(retval), "%s/retval", function);
	if (!strcmp(type, "ERRNO") || !strcmp(type, "ERRNO_NULL"))
		failfunc_write(retval, "%#llx", (unsigned long long)-ENOMEM);
	failfunc_write("probability", "100");
	failfunc_write("interval", "1");
	failfunc_write("verbose", "0");
	failfunc_write("task-filter", "N");
	failfunc_write("times", "0");
}

static void failfunc_cleanup(void)
{
	failfunc_write("times", "0");
	failfunc_write("inject", "\n");
}

/* The n-th call from now on fails: the first n - 1 use up "space". */
static void failfunc_arm(unsigned int n)
{
	failfunc_write("space", "%u", n);
	failfunc_write("times", "1");
}

/* Disarm; true if the armed failure was injected ("times" used up). */
static int failfunc_disarm(void)
{
	FILE *f = fopen(FAILFUNC "times", "r");
	int times = -1;

	if (!f || fscanf(f, "%d", &times) != 1) {
		perror(FAILFUNC "times");
		exit(2);
	}
	fclose(f);
	failfunc_write("times", "0");
	return times == 0;
}

static void arm(unsigned int n)
{
	if (g_function)
		failfunc_arm(n);
	else
		failnth_arm(n);
}

static int disarm(void)
{
	return g_function ? failfunc_disarm() : failnth_disarm();
}

/* What one round works on; -1 where unused. */
struct round {
	int fd;		/* the socket OP works on */
	int peer;	/* fd's accepted peer, once connected */
};

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = 10 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int sdp_socket(void)
{
	int fd = socket(AF_INET_SDP, SOCK_STREAM, 0);

	if (fd >= 0)
		set_timeouts(fd);
	return fd;
}

static int sdp_connect(int fd)
{
	return connect(fd, (struct sockaddr *)&g_addr, sizeof(g_addr));
}

/* Until a connection waits on the listener (within @ms); 0 if one does. */
static int pending(int ms)
{
	struct pollfd p = { .fd = g_listener, .events = POLLIN };

	return poll(&p, 1, ms) == 1 ? 0 : -1;
}

static int port_of(int fd, int (*name)(int, struct sockaddr *, socklen_t *))
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	return name(fd, (struct sockaddr *)&a, &len) ? -1 : ntohs(a.sin_port);
}

/*
 * The accepted end of @fd's connection, waiting for it up to 10 s each.
 * Connections of earlier rounds that arrive late are closed.
 */
static int accept_peer_of(int fd)
{
	int want = port_of(fd, getsockname);

	while (!pending(10000)) {
		int peer = accept(g_listener, NULL, NULL);

		if (peer < 0)
			return -1;
		if (port_of(peer, getpeername) == want) {
			set_timeouts(peer);
			return peer;
		}
		close(peer);
	}
	return -1;
}

/* @r->fd connected to the listener and its peer accepted, no fault. */
static int connect_pair(struct round *r)
{
	r->fd = sdp_socket();
	if (r->fd < 0 || sdp_connect(r->fd))
		return -1;
	r->peer = accept_peer_of(r->fd);
	return r->peer < 0 ? -1 : 0;
}

static void fill(unsigned char *b, unsigned int seed)
{
	unsigned int i;

	for (i = 0; i < PAYLOAD; i++)
		b[i] = (unsigned char)(i * 131 + seed);
}

/* PAYLOAD patterned bytes from @from arrive whole and in order at @to. */
static int moves_data(int from, int to, unsigned int seed)
{
	unsigned char out[PAYLOAD], in[PAYLOAD];
	size_t got = 0;

	fill(out, seed);
	if (send(from, out, sizeof(out), 0) != (ssize_t)sizeof(out))
		return -1;
	while (got < sizeof(in)) {
		ssize_t n = recv(to, in + got, sizeof(in) - got, 0);

		if (n <= 0)
			return -1;
		got += n;
	}
	return memcmp(in, out, sizeof(in)) ? -1 : 0;
}

/* ---- the operations: run one, returning 0 or -errno ---------------- */

static int op_socket(struct round *r)
{
	r->fd = socket(AF_INET_SDP, SOCK_STREAM, 0);
	return r->fd < 0 ? -errno : 0;
}

static struct sockaddr_in other_port(void)
{
	struct sockaddr_in a = g_addr;

	a.sin_port = htons(ntohs(g_addr.sin_port) + 1);
	return a;
}

static int op_bind(struct round *r)
{
	struct sockaddr_in a = other_port();

	return bind(r->fd, (struct sockaddr *)&a, sizeof(a)) ? -errno : 0;
}

static int op_listen(struct round *r)
{
	return listen(r->fd, 4) ? -errno : 0;
}

static int op_connect(struct round *r)
{
	return sdp_connect(r->fd) ? -errno : 0;
}

/* connect() and the listener's accept(): both ends of a connection. */
static int op_conn(struct round *r)
{
	if (sdp_connect(r->fd))
		return -errno;
	r->peer = accept_peer_of(r->fd);
	return r->peer < 0 ? -ETIMEDOUT : 0;
}

static int op_accept(struct round *r)
{
	r->peer = accept(g_listener, NULL, NULL);
	return r->peer < 0 ? -errno : 0;
}

static int op_send(struct round *r)
{
	unsigned char b[PAYLOAD];

	fill(b, 7);
	return send(r->fd, b, sizeof(b), 0) == (ssize_t)sizeof(b) ? 0 : -errno;
}

static int op_recv(struct round *r)
{
	unsigned char b[PAYLOAD], want[PAYLOAD];
	ssize_t n;

	n = recv(r->peer, b, sizeof(b), MSG_WAITALL);
	if (n < 0)
		return -errno;
	fill(want, 7);
	return n == (ssize_t)sizeof(b) && !memcmp(b, want, sizeof(b)) ?
	       0 : -EBADMSG;
}

/*
 * Bytes of a stream op: enough for both rings to grow to their ends
 * (the caller keeps rx-buffers and tx-queue-depth small).
 */
#define STREAM_BYTES (1 << 20)

/*
 * The peer, in a child, reads STREAM_BYTES patterned bytes while r->fd
 * sends them: the receiving end adds buffers in recvmsg(), the sending
 * end send slots in sendmsg().  A ring that could not grow must only
 * slow the stream down; a first send slot that cannot be had fails the
 * send (ENOBUFS), as nothing in flight would free one.
 */
static int op_stream(struct round *r)
{
	static unsigned char out[STREAM_BYTES], in[STREAM_BYTES];
	size_t i, sent = 0;
	int status, err = 0;
	pid_t pid;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)(i * 131 + i / PAYLOAD);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		ssize_t n = recv(r->peer, in, sizeof(in), MSG_WAITALL);

		_exit(n == (ssize_t)sizeof(in) && !memcmp(in, out, sizeof(in)) ?
		      0 : 1);
	}
	while (sent < sizeof(out)) {
		ssize_t n = send(r->fd, out + sent, sizeof(out) - sent, 0);

		if (n <= 0) {
			err = n ? -errno : -EPIPE;
			/* The reader would wait for the rest. */
			kill(pid, SIGKILL);
			break;
		}
		sent += n;
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	if (err)
		return err;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EBADMSG;
}

static int op_sockopt(struct round *r)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 5 };
	socklen_t len = sizeof(int);
	int one = 1, v;

	if (setsockopt(r->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    setsockopt(r->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) ||
	    setsockopt(r->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) ||
	    getsockopt(r->fd, IPPROTO_TCP, TCP_MAXSEG, &v, &len))
		return -errno;
	return 0;
}

static int op_shutdown(struct round *r)
{
	return shutdown(r->fd, SHUT_WR) ? -errno : 0;
}

static int op_close(struct round *r)
{
	int err = close(r->fd) ? -errno : 0;

	r->fd = -1;
	return err;
}

/* ---- what each operation needs before, and checks after ------------ */

static int need_socket(struct round *r)
{
	r->fd = sdp_socket();
	return r->fd < 0 ? -1 : 0;
}

static int need_bound(struct round *r)
{
	struct sockaddr_in a = other_port();

	if (need_socket(r))
		return -1;
	return bind(r->fd, (struct sockaddr *)&a, sizeof(a));
}

/* A connection waits in the listener's queue; accept() is the OP. */
static int need_pending(struct round *r)
{
	return need_socket(r) || sdp_connect(r->fd) || pending(10000) ? -1 : 0;
}

static int need_sent(struct round *r)
{
	return connect_pair(r) || op_send(r) ? -1 : 0;
}

/* A connected socket, whatever the round did to it, still moves data. */
static int check_connected(struct round *r)
{
	if (r->peer < 0)
		r->peer = accept_peer_of(r->fd);
	if (r->peer < 0)
		return -1;
	return moves_data(r->fd, r->peer, 1) || moves_data(r->peer, r->fd, 2);
}

/* After a send that succeeded, the peer reads exactly what was sent. */
static int check_sent(struct round *r)
{
	return op_recv(r) || check_connected(r);
}

static int check_shut(struct round *r)
{
	char c;

	return recv(r->peer, &c, 1, 0) == 0 ? 0 : -1;
}

/* An accepted socket's file (an fd) is all accept() allocated here. */
static int check_none(struct round *r)
{
	(void)r;
	return 0;
}

/* r->fd listens on the other port: a connect there completes. */
static int check_listening(struct round *r)
{
	struct sockaddr_in a = other_port();
	int c = sdp_socket(), ok;

	(void)r;
	ok = c >= 0 && !connect(c, (struct sockaddr *)&a, sizeof(a));
	if (c >= 0)
		close(c);
	return ok ? 0 : -1;
}

struct op {
	const char *name;
	int (*prepare)(struct round *r);	/* NULL: nothing */
	int (*run)(struct round *r);
	int (*check)(struct round *r);		/* after a success */
};

static const struct op ops[] = {
	{ "socket", NULL, op_socket, check_none },
	{ "bind", need_socket, op_bind, check_none },
	{ "listen", need_bound, op_listen, check_listening },
	{ "connect", need_socket, op_connect, check_connected },
	{ "accept", need_pending, op_accept, check_connected },
	{ "send", connect_pair, op_send, check_sent },
	{ "stream", connect_pair, op_stream, check_connected },
	{ "recv", need_sent, op_recv, check_connected },
	{ "sockopt", connect_pair, op_sockopt, check_connected },
	{ "shutdown", connect_pair, op_shutdown, check_shut },
	{ "close", connect_pair, op_close, check_none },
	{ "conn", need_socket, op_conn, check_connected },
};

static void round_end(struct round *r)
{
	if (r->fd >= 0)
		close(r->fd);
	if (r->peer >= 0)
		close(r->peer);
	/* A connect whose peer was never accepted: take it off the queue. */
	while (!pending(0)) {
		int fd = accept(g_listener, NULL, NULL);

		if (fd < 0)
			break;
		close(fd);
	}
}

/*
 * What a call may say when memory ran out: ENFILE is the socket layer's
 * own answer when it cannot allocate the socket's inode (__sock_create(),
 * for TCP as for SDP).
 */
static int clean_error(int err)
{
	if (g_function && (err == -ECONNREFUSED || err == -ECONNRESET))
		return 1;	/* the peer's failure, as the peer's answer */
	return err == -ENOMEM || err == -ENOBUFS || err == -ENFILE;
}

static int run(const struct op *op)
{
	const char *what = g_function ? "call" : "allocation";
	unsigned int n, nomem = 0, completed = 0;
	int failed = 0;

	for (n = 1; n <= FAILNTH_MAX && !failed; n++) {
		struct round r = { .fd = -1, .peer = -1 };
		int err, injected;

		if (op->prepare && op->prepare(&r)) {
			printf("FAIL: %s: round %u: setting up: %s\n", op->name,
			       n, strerror(errno));
			round_end(&r);
			return 1;
		}
		/* A round that hangs ends the run: SIGALRM kills the tool. */
		alarm(120);
		arm(n);
		err = op->run(&r);
		injected = disarm();
		if (err && (!injected || !clean_error(err))) {
			printf("FAIL: %s: %s %u%s failed: %s\n", op->name, what,
			       n, injected ? "" : " (none injected)",
			       strerror(-err));
			failed = 1;
		} else if (!err && op->check(&r)) {
			printf("FAIL: %s: %s %u%s failed, the call succeeded, but the socket does not work: %s\n",
			       op->name, what, n,
			       injected ? "" : " (none injected)",
			       strerror(errno));
			failed = 1;
		}
		round_end(&r);
		if (!injected)
			break;
		if (err)
			nomem++;
		else
			completed++;
	}
	if (failed)
		return 1;
	if (n > FAILNTH_MAX) {
		printf("FAIL: %s: still allocating after %u rounds\n", op->name,
		       FAILNTH_MAX);
		return 1;
	}
	printf("ok: %s: %u %s%s, each failed once (%u clean errors, %u calls that worked anyway), then it worked\n",
	       op->name, n - 1,
	       g_function ? "calls of " : "allocations in the caller's context",
	       g_function ?: "", nomem, completed);
	return 0;
}

static const struct op *op_named(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(name, ops[i].name))
			return &ops[i];
	return NULL;
}

int main(int argc, char **argv)
{
	int i, one = 1, failed = 0;

	if (argc > 2 && !strcmp(argv[1], "-F")) {
		g_function = argv[2];
		argc -= 2;
		argv += 2;
	}
	g_addr.sin_family = AF_INET;
	g_addr.sin_port = htons(argc > 3 ? atoi(argv[2]) : 0);
	for (i = 3; i < argc && op_named(argv[i]); i++)
		;
	if (argc < 4 || i < argc ||
	    inet_pton(AF_INET, argv[1], &g_addr.sin_addr) != 1) {
		fprintf(stderr, "usage: sdp-failnth [-F FUNCTION] ADDR PORT OP... (OP: socket bind listen connect accept send recv stream sockopt shutdown close conn)\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (g_function)
		failfunc_setup(g_function);
	g_listener = socket(AF_INET_SDP, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (g_listener < 0 ||
	    setsockopt(g_listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(g_listener, (struct sockaddr *)&g_addr, sizeof(g_addr)) ||
	    listen(g_listener, 64)) {
		printf("FAIL: listener on %s:%s: %s\n", argv[1], argv[2],
		       strerror(errno));
		return 1;
	}
	for (i = 3; i < argc; i++)
		failed |= run(op_named(argv[i]));
	if (g_function)
		failfunc_cleanup();
	return failed;
}
