// SPDX-License-Identifier: GPL-2.0
/*
 * sdp-xfer: checksummed bulk transfers over AF_INET_SDP (27) sockets.
 *
 *   sdp-xfer ADDR PORT [BYTES]
 *   sdp-xfer ADDR PORT mixed BYTES [SEED]
 *   sdp-xfer ADDR PORT devremove
 *   sdp-xfer ADDR PORT serve N
 *   sdp-xfer ADDR PORT remote BYTES [SEED]
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
 * serve and remote split the two ends between hosts (two guests, each its
 * own kernel: tests/vm/two-hosts.sh).  serve listens on its own ADDR and
 * serves N connections one after the other; remote connects to the
 * serving host's ADDR and asks it, in a header at the start of each
 * connection, for: BYTES each way in 64 KiB calls, BYTES / 16 in 100-byte
 * calls, BYTES in random sizes following SEED, and an abort (the server
 * closes with SO_LINGER 0: ECONNRESET here); then a connect to PORT + 1,
 * where nobody listens, must be refused.  Each end checks the content it
 * receives against the stream it expects, so each host's "ok:" lines
 * stand on their own.  remote takes 4 connections of serve.
 *
 * SDP_STREAM_FAMILY=tcp runs over TCP instead (devremove then tests
 * nothing meaningful).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sockutil.h"

static int family;	/* as sock_family_from_env() */

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
 * Both listeners of an SO_REUSEPORT group lost their device.  The group's
 * id may hear of it after the connections' ids did: poll() waits for it.
 */
static int devremove_reuseport(const int *rl)
{
	int i;

	for (i = 0; i < 2; i++) {
		CHECK(wait_ev(rl[i], POLLIN, 10000) & POLLERR,
		      "SO_REUSEPORT listener %d: poll() POLLERR", i);
		fcntl(rl[i], F_SETFL, O_NONBLOCK);
		CHECK(accept(rl[i], NULL, NULL) < 0 && errno == ENODEV,
		      "SO_REUSEPORT listener %d: accept() ENODEV", i);
		close(rl[i]);
	}
	printf("ok: device removal -> both SO_REUSEPORT listeners sharing a port fail with ENODEV, poll() POLLERR\n");
	return 0;
}

/*
 * Connected pair, then block in recv on both until the RDMA device goes
 * away (the guest script deletes it): both must see ECONNRESET.
 */
static int devremove(int port)
{
	int l = sock_listen(family, port, 1), c, a, rl[2];
	char b[16];
	ssize_t r1, r2;

	CHECK(l >= 0, "listen");
	c = sock_connect(family, port);
	CHECK(c >= 0, "connect");
	a = accept(l, NULL, NULL);
	CHECK(a >= 0, "accept");
	/*
	 * A group's listening id is its own (kmod/reuseport.c).  IPPROTO_SDP
	 * sockets (the caller's rule table says sdp): every kernel gives them
	 * SO_REUSEPORT.
	 */
	rl[0] = sock_listen_reuseport(INET_SDP, port + 1, 1);
	rl[1] = sock_listen_reuseport(INET_SDP, port + 1, 1);
	CHECK(rl[0] >= 0 && rl[1] >= 0,
	      "two IPPROTO_SDP listeners share port %d (SO_REUSEPORT)",
	      port + 1);
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
	return devremove_reuseport(rl);
}

/* What remote asks of serve, at the start of each connection. */
struct remote_req {
	uint32_t magic;		/* REMOTE_MAGIC, network order as the rest */
	uint32_t chunk;		/* 0: abort instead */
	uint64_t bytes;
	uint64_t seed;		/* random call sizes following it; 0: chunk */
};
#define REMOTE_MAGIC 0x53445078	/* "SDPx" */

/* One end of a transfer: send stream @tx_seed, expect stream @rx_seed. */
static int remote_side(int fd, const char *who, const struct remote_req *rq,
		       uint32_t tx_seed, uint32_t rx_seed)
{
	uint64_t bytes = be64toh(rq->bytes), seed = be64toh(rq->seed);
	size_t chunk = seed ? MIXED_MAX : ntohl(rq->chunk);
	struct side sd = {
		.fd = fd,
		.tx = { .fd = fd, .bytes = bytes, .seed = tx_seed, .chunk = chunk },
		.rx = { .fd = fd, .bytes = bytes, .seed = rx_seed, .chunk = chunk },
	};
	double t0 = now(), dt;

	sd.tx.random_sizes = sd.rx.random_sizes = !!seed;
	sd.tx.rng = seed * 4 + tx_seed;
	sd.rx.rng = seed * 4 + 2 + rx_seed;
	run_side(&sd);
	dt = now() - t0;
	close(fd);
	errno = sd.tx.err ?: sd.rx.err;
	CHECK(!sd.tx.err && !sd.rx.err, "%s: errors tx %d rx %d", who,
	      sd.tx.err, sd.rx.err);
	CHECK(sd.rx.done == bytes, "%s: received %llu of %llu bytes", who,
	      (unsigned long long)sd.rx.done, (unsigned long long)bytes);
	printf("ok: %s: %llu bytes each way (%llu sends, %llu recvs), content as sent, %.2f s\n",
	       who, (unsigned long long)bytes, (unsigned long long)sd.tx.calls,
	       (unsigned long long)sd.rx.calls, dt);
	return 0;
}

static int serve(int port, int n)
{
	int l = sock_listen(family, port, 4), i;

	CHECK(l >= 0, "serve: listen on %s:%d", sock_addr_name(), port);
	printf("serve: listening on %s:%d\n", sock_addr_name(), port);
	fflush(stdout);
	for (i = 0; i < n; i++) {
		struct remote_req rq;
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };
		char who[64];
		int a = accept(l, NULL, NULL);

		CHECK(a >= 0, "serve: accept");
		send_timeout(a);
		CHECK(read_n(a, &rq, sizeof(rq)) == sizeof(rq) &&
		      ntohl(rq.magic) == REMOTE_MAGIC, "serve: request header");
		if (!rq.chunk) {
			CHECK(!setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)),
			      "serve: SO_LINGER 0");
			close(a);
			printf("ok: serve: aborted a connection (SO_LINGER 0)\n");
			continue;
		}
		snprintf(who, sizeof(who), "serve %d", i + 1);
		remote_side(a, who, &rq, 2, 1);
	}
	close(l);
	return 0;
}

/* One connection to the serving host, asking for @rq. */
static int remote_conn(int port, const struct remote_req *rq, const char *who)
{
	int c = sock_connect(family, port);

	CHECK(c >= 0, "%s: connect to %s:%d", who, sock_addr_name(), port);
	send_timeout(c);
	CHECK(send(c, rq, sizeof(*rq), 0) == sizeof(*rq), "%s: request", who);
	return remote_side(c, who, rq, 1, 2);
}

static int remote(int port, uint64_t bytes, uint64_t seed)
{
	struct remote_req rq = { .magic = htonl(REMOTE_MAGIC) };
	char b;
	int c;

	rq.bytes = htobe64(bytes);
	rq.chunk = htonl(65536);
	remote_conn(port, &rq, "remote 64 KiB calls");
	rq.bytes = htobe64(bytes / 16);
	rq.chunk = htonl(100);
	remote_conn(port, &rq, "remote 100-byte calls");
	printf("remote: mixed seed %llu\n", (unsigned long long)seed);
	rq.bytes = htobe64(bytes);
	rq.seed = htobe64(seed);
	remote_conn(port, &rq, "remote mixed sizes");

	c = sock_connect(family, port);
	CHECK(c >= 0, "abort: connect");
	rq.chunk = 0;
	CHECK(send(c, &rq, sizeof(rq), 0) == sizeof(rq), "abort: request");
	send_timeout(c);
	CHECK(recv(c, &b, 1, 0) < 0 && errno == ECONNRESET,
	      "abort: the peer's SO_LINGER 0 close is ECONNRESET here");
	close(c);
	printf("ok: remote: the peer's abortive close reads as ECONNRESET\n");

	CHECK(sock_connect(family, port + 1) < 0 && errno == ECONNREFUSED,
	      "connect where nobody listens: ECONNREFUSED");
	printf("ok: remote: a connect to a port nobody listens on is refused\n");
	return 0;
}

static int bad_args(const char *prog)
{
	fprintf(stderr, "usage: %s ADDR PORT [BYTES | mixed BYTES [SEED] | devremove | serve N | remote BYTES [SEED]]\n"
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
	if (!strcmp(mode, "serve") && argc > 4) {
		serve(port, atoi(argv[4]));
	} else if (!strcmp(mode, "remote") && argc > 4) {
		remote(port, strtoull(argv[4], NULL, 0), argc > 5 ?
		       strtoull(argv[5], NULL, 0) : (uint64_t)time(NULL) ^ getpid());
	} else if (!strcmp(mode, "mixed") && argc > 4) {
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
