// SPDX-License-Identifier: GPL-2.0
/*
 * sdp-xfer: checksummed bulk transfers over AF_INET_SDP (27) sockets.
 *
 *   sdp-xfer ADDR PORT [BYTES]
 *   sdp-xfer ADDR PORT mixed BYTES [SEED]
 *   sdp-xfer ADDR PORT devremove
 *
 * ADDR is an IPv4 or IPv6 address of an RDMA device (AF_INET_SDP sockets
 * take sockaddr_in or sockaddr_in6 as it is one or the other).  Prints one
 * line per check ("ok: ..." or "FAIL: ...") and exits non-zero if any
 * failed.
 *
 * Default: one connection on PORT moves BYTES (default 64 MiB) each way
 * at once in 64 KiB calls, then one on PORT + 10 moves BYTES / 16 in
 * 100-byte calls; both compare checksums.  mixed: one connection moving
 * BYTES both ways at once in send() and recv() calls of random sizes from
 * 1 byte to 16 MiB (log-uniform), content checked byte for byte, the sizes
 * following SEED (default: from the clock; printed).  devremove: a
 * connected pair and its listener wait ("devremove: ready") for the
 * caller to delete the RDMA device, then both ends must see ECONNRESET
 * and the listener ENODEV.
 *
 * SDP_STREAM_FAMILY=tcp runs over TCP instead (devremove then tests
 * nothing meaningful).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sockutil.h"

static int family;	/* AF_INET_SDP, or TCP's (SDP_STREAM_FAMILY) */

/*
 * A connected pair on @port as two sides, client stream seed 1, server
 * stream seed 2, @bytes each way in @chunk byte buffers.
 */
static int transfer_pair(int port, struct side *cs, struct side *ss,
			 uint64_t bytes, size_t chunk)
{
	int c, a;

	CHECK(!sock_pair(family, port, &c, &a), "connected pair on %s:%d",
	      sock_addr_name(), port);
	cs->fd = c;
	cs->tx = (struct xfer){ .fd = c, .bytes = bytes, .seed = 1, .chunk = chunk };
	cs->rx = (struct xfer){ .fd = c, .bytes = bytes, .seed = 2, .chunk = chunk };
	ss->fd = a;
	ss->tx = (struct xfer){ .fd = a, .bytes = bytes, .seed = 2, .chunk = chunk };
	ss->rx = (struct xfer){ .fd = a, .bytes = bytes, .seed = 1, .chunk = chunk };
	return 0;
}

/* Run both sides at once, then print @what's summary and check it. */
static int run_transfer(const char *what, struct side *cs, struct side *ss,
			uint64_t bytes)
{
	pthread_t tc, ts;
	double t0, dt;

	t0 = now();
	pthread_create(&tc, NULL, run_side, cs);
	pthread_create(&ts, NULL, run_side, ss);
	pthread_join(tc, NULL);
	pthread_join(ts, NULL);
	dt = now() - t0;
	close(cs->fd);
	close(ss->fd);

	printf("%s: c->s %llu bytes (%llu sends, %llu recvs) sum %016llx/%016llx, s->c %llu bytes (%llu sends, %llu recvs) sum %016llx/%016llx, %.2f s, %.1f MB/s each way, %.1f MB/s total\n",
	       what, (unsigned long long)ss->rx.done,
	       (unsigned long long)cs->tx.calls, (unsigned long long)ss->rx.calls,
	       (unsigned long long)cs->tx.sum, (unsigned long long)ss->rx.sum,
	       (unsigned long long)cs->rx.done,
	       (unsigned long long)ss->tx.calls, (unsigned long long)cs->rx.calls,
	       (unsigned long long)ss->tx.sum, (unsigned long long)cs->rx.sum,
	       dt, bytes / dt / 1e6, 2 * bytes / dt / 1e6);
	errno = cs->tx.err ?: cs->rx.err ?: ss->tx.err ?: ss->rx.err;
	CHECK(!cs->tx.err && !cs->rx.err && !ss->tx.err && !ss->rx.err,
	      "%s errors c.tx %d c.rx %d s.tx %d s.rx %d", what,
	      cs->tx.err, cs->rx.err, ss->tx.err, ss->rx.err);
	CHECK(ss->rx.done == bytes && cs->rx.done == bytes, "%s byte counts", what);
	CHECK(cs->tx.sum == ss->rx.sum && ss->tx.sum == cs->rx.sum,
	      "%s checksums", what);
	return 0;
}

/* Both directions at once, @bytes each way, then EOF both ways. */
static int transfer(int port, uint64_t bytes, size_t chunk)
{
	struct side cs, ss;
	char what[64];

	if (transfer_pair(port, &cs, &ss, bytes, chunk))
		return -1;
	snprintf(what, sizeof(what), "transfer chunk %zu", chunk);
	if (run_transfer(what, &cs, &ss, bytes))
		return -1;
	printf("ok: transfer %llu bytes each way, checksums match\n",
	       (unsigned long long)bytes);
	return 0;
}

/* Both directions at once, every call of a random size following @seed. */
static int mixed(int port, uint64_t bytes, uint64_t seed)
{
	struct side cs, ss;
	struct xfer *x[] = { &cs.tx, &cs.rx, &ss.tx, &ss.rx };
	char what[64];

	printf("mixed: seed %llu\n", (unsigned long long)seed);
	if (transfer_pair(port, &cs, &ss, bytes, MIXED_MAX))
		return -1;
	for (int i = 0; i < 4; i++) {
		x[i]->random_sizes = 1;
		x[i]->rng = seed * 4 + i;
	}
	snprintf(what, sizeof(what), "mixed seed %llu", (unsigned long long)seed);
	if (run_transfer(what, &cs, &ss, bytes))
		return -1;
	printf("ok: mixed sizes (1 B .. 16 MiB, seed %llu): %llu bytes each way, content and checksums match\n",
	       (unsigned long long)seed, (unsigned long long)bytes);
	return 0;
}

/*
 * Connected pair, then block in recv on both until the RDMA device goes
 * away (the guest script deletes it): both must see ECONNRESET.
 */
static int devremove(int port)
{
	int l = sock_listen(family, port, 1), c, a;
	char b[16];
	ssize_t r1, r2;

	CHECK(l >= 0, "listen");
	c = sock_connect(family, port);
	CHECK(c >= 0, "connect");
	a = accept(l, NULL, NULL);
	CHECK(a >= 0, "accept");
	printf("devremove: ready\n");
	fflush(stdout);
	r1 = recv(c, b, sizeof(b), 0);
	CHECK(r1 < 0 && errno == ECONNRESET, "client ECONNRESET (got %zd)", r1);
	r2 = recv(a, b, sizeof(b), 0);
	CHECK(r2 < 0 && errno == ECONNRESET, "server ECONNRESET (got %zd)", r2);
	close(c);
	close(a);
	printf("ok: device removal -> ECONNRESET on both ends\n");

	/* The listener lost its device: it says so every time, never blocks. */
	fcntl(l, F_SETFL, O_NONBLOCK);
	CHECK(accept(l, NULL, NULL) < 0 && errno == ENODEV,
	      "listener: accept() ENODEV");
	CHECK(accept(l, NULL, NULL) < 0 && errno == ENODEV,
	      "listener: accept() ENODEV again");
	CHECK(wait_ev(l, POLLIN, 1000) & POLLERR, "listener: poll() POLLERR");
	close(l);
	printf("ok: device removal -> the listener's accept() fails with ENODEV each time, poll() POLLERR\n");
	return 0;
}

static int bad_args(const char *prog)
{
	fprintf(stderr, "usage: %s ADDR PORT [BYTES | mixed BYTES [SEED] | devremove]\n"
		"       (SDP_STREAM_FAMILY=tcp: over TCP instead of SDP)\n", prog);
	return 2;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 3 ? argv[3] : "";
	uint64_t bytes;
	int port;

	family = argc < 3 ? -1 : driver_setup(argv[1]);
	if (family < 0)
		return bad_args(argv[0]);
	port = atoi(argv[2]);
	if (!strcmp(mode, "devremove")) {
		devremove(port);
		return check_failures ? 1 : 0;
	}
	if (!strcmp(mode, "mixed") && argc > 4) {
		mixed(port, strtoull(argv[4], NULL, 0), argc > 5 ?
		      strtoull(argv[5], NULL, 0) : (uint64_t)time(NULL) ^ getpid());
	} else if (!*mode || (*mode >= '0' && *mode <= '9')) {
		bytes = *mode ? strtoull(mode, NULL, 0) : 64ull << 20;
		transfer(port, bytes, 65536);
		transfer(port + 10, bytes / 16, 100);
	} else {
		return bad_args(argv[0]);
	}
	printf("sdp-xfer: %d failed\n", check_failures);
	return check_failures ? 1 : 0;
}
