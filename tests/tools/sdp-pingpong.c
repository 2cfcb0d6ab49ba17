// SPDX-License-Identifier: GPL-2.0
/*
 * sdp-pingpong ADDR PORT ROUNDS SIZE: the one-way latency of SIZE-byte
 * messages, as make bench reports it.  A connected pair on PORT (of the
 * family SDP_STREAM_FAMILY names, as for the other drivers: AF_INET_SDP
 * unless "tcp"), TCP_NODELAY at both ends; a forked child echoes each
 * message back, this process times ROUNDS round trips after a warm-up of
 * a tenth as many.  Prints one line, half of each round trip in
 * microseconds:
 *
 *   latency SIZE B: mean M p50 A p99 B p99.9 C us (ROUNDS round trips)
 *
 * Exits 1 if anything failed (its "FAIL: ..." line says what).
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockutil.h"

/*
 * TCP_NODELAY, and a receive timeout so that a lost echo cannot hang the
 * run (set once: read_n() sets it on every call, a system call more in
 * each timed round).
 */
static int setup_end(int fd)
{
	struct timeval tv = { .tv_sec = 10 };
	int one = 1;

	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	       setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static ssize_t recv_all(int fd, unsigned char *buf, size_t size)
{
	return recv(fd, buf, size, MSG_WAITALL);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The value at quantile @q of the sorted @v[@n] (nearest rank). */
static double quantile(const double *v, size_t n, double q)
{
	size_t rank = (size_t)(q * n + 0.999999);

	return v[rank ? rank - 1 : 0];
}

/* The child's end: echo every message until the parent closes. */
static void echo(int fd, unsigned char *buf, size_t size)
{
	for (;;) {
		if (recv_all(fd, buf, size) != (ssize_t)size)
			_exit(0);
		if (send(fd, buf, size, 0) != (ssize_t)size)
			_exit(1);
	}
}

/* One round trip: 0, or -1 with a FAIL line. */
static int round_trip(int fd, unsigned char *buf, size_t size, double *secs)
{
	double t0 = now();

	CHECK(send(fd, buf, size, 0) == (ssize_t)size, "send %zu bytes", size);
	CHECK(recv_all(fd, buf, size) == (ssize_t)size, "echo of %zu bytes", size);
	*secs = now() - t0;
	return 0;
}

static int pingpong(int family, int port, size_t rounds, size_t size)
{
	size_t warm = rounds / 10, i;
	unsigned char *buf = calloc(1, size);
	double *rtt = calloc(rounds, sizeof(*rtt)), sum = 0, t;
	int c, a, status;
	pid_t pid;

	CHECK(buf && rtt, "memory for %zu rounds of %zu bytes", rounds, size);
	CHECK(!sock_pair(family, port, &c, &a), "connected pair on port %d", port);
	CHECK(!setup_end(c) && !setup_end(a), "TCP_NODELAY and SO_RCVTIMEO");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid) {
		close(c);
		echo(a, buf, size);
	}
	close(a);
	for (i = 0; i < warm; i++)
		if (round_trip(c, buf, size, &t))
			return -1;
	for (i = 0; i < rounds; i++) {
		if (round_trip(c, buf, size, &rtt[i]))
			return -1;
		rtt[i] /= 2;
		sum += rtt[i];
	}
	close(c);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      !WEXITSTATUS(status), "the echoing child's exit");
	qsort(rtt, rounds, sizeof(*rtt), cmp_double);
	printf("latency %zu B: mean %.1f p50 %.1f p99 %.1f p99.9 %.1f us (%zu round trips)\n",
	       size, sum / rounds * 1e6, quantile(rtt, rounds, 0.5) * 1e6,
	       quantile(rtt, rounds, 0.99) * 1e6,
	       quantile(rtt, rounds, 0.999) * 1e6, rounds);
	free(rtt);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	long rounds, size;
	int family;

	if (argc != 5) {
		fprintf(stderr, "usage: %s ADDR PORT ROUNDS SIZE\n", argv[0]);
		return 2;
	}
	family = driver_setup(argv[1]);
	rounds = atol(argv[3]);
	size = atol(argv[4]);
	if (family < 0 || rounds < 1 || size < 1) {
		fprintf(stderr, "%s: bad address, family, ROUNDS or SIZE\n", argv[0]);
		return 2;
	}
	return pingpong(family, atoi(argv[2]), rounds, size) ? 1 : 0;
}
