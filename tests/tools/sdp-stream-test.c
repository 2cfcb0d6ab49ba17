// SPDX-License-Identifier: GPL-2.0
/*
 * sdp-stream-test: exercise AF_INET_SDP (27) stream sockets.
 *
 *   sdp-stream-test ADDR PORT [BYTES]
 *
 * Runs a series of checks against ADDR (an address of an RDMA device,
 * 198.18.0.0/15 only) using ports PORT, PORT+1, ...; prints one line per
 * check and exits non-zero if any failed.  The transfer check moves BYTES
 * (default 64 MiB) in each direction at once and compares checksums.
 *
 * Build: gcc -O2 -Wall -pthread -o sdp-stream-test sdp-stream-test.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define AF_INET_SDP 27

static const char *g_addr;
static int g_port;
static int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		printf("FAIL: " __VA_ARGS__);				\
		printf(" (%s:%d errno %d %s)\n", __func__, __LINE__,	\
		       errno, strerror(errno));				\
		failures++;						\
		return -1;						\
	}								\
} while (0)

static struct sockaddr_in sin_of(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };

	inet_pton(AF_INET, g_addr, &a.sin_addr);
	return a;
}

static int sdp_socket(void)
{
	return socket(AF_INET_SDP, SOCK_STREAM, 0);
}

static int sdp_listener(int port, int backlog)
{
	struct sockaddr_in a = sin_of(port);
	int s = sdp_socket();

	if (s < 0)
		return -1;
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(s, backlog)) {
		close(s);
		return -1;
	}
	return s;
}

static int sdp_connect_to(int port)
{
	struct sockaddr_in a = sin_of(port);
	int s = sdp_socket();

	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&a, sizeof(a))) {
		int e = errno;

		close(s);
		errno = e;
		return -1;
	}
	return s;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Deterministic stream: byte i of stream `seed`. */
static void fill(unsigned char *b, size_t n, uint64_t off, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t x = (off + i + ((uint64_t)seed << 40)) *
			     0x9E3779B97F4A7C15ull;

		b[i] = (unsigned char)(x >> 56);
	}
}

static uint64_t fnv(uint64_t h, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

struct xfer {
	int fd;
	uint64_t bytes;
	uint32_t seed;
	size_t chunk;
	uint64_t sum;
	uint64_t done;
	int err;
};

static void *sender(void *arg)
{
	struct xfer *x = arg;
	unsigned char *buf = malloc(x->chunk);
	uint64_t h = 0xcbf29ce484222325ull;

	while (x->done < x->bytes) {
		size_t n = x->chunk;
		ssize_t w;

		if (n > x->bytes - x->done)
			n = x->bytes - x->done;
		fill(buf, n, x->done, x->seed);
		w = send(x->fd, buf, n, MSG_NOSIGNAL);
		if (w <= 0) {
			x->err = w ? errno : EIO;
			break;
		}
		h = fnv(h, buf, w);
		x->done += w;
		/* A short write: the rest is regenerated next round. */
	}
	if (!x->err && shutdown(x->fd, SHUT_WR))
		x->err = errno;
	x->sum = h;
	free(buf);
	return NULL;
}

/* Receive until EOF; checks content against the expected stream. */
static void *receiver(void *arg)
{
	struct xfer *x = arg;
	unsigned char *buf = malloc(x->chunk), *want = malloc(x->chunk);
	uint64_t h = 0xcbf29ce484222325ull;

	for (;;) {
		ssize_t r = recv(x->fd, buf, x->chunk, 0);

		if (r < 0) {
			x->err = errno;
			break;
		}
		if (!r)
			break;
		fill(want, r, x->done, x->seed);
		if (memcmp(buf, want, r)) {
			x->err = EBADMSG;
			break;
		}
		h = fnv(h, buf, r);
		x->done += r;
	}
	x->sum = h;
	free(buf);
	free(want);
	return NULL;
}

struct side {
	int fd;
	struct xfer tx, rx;
};

static void *run_side(void *arg)
{
	struct side *s = arg;
	pthread_t t;

	pthread_create(&t, NULL, sender, &s->tx);
	receiver(&s->rx);
	pthread_join(t, NULL);
	return NULL;
}

/* Both directions at once, BYTES each way, then EOF both ways. */
static int t_transfer(uint64_t bytes, size_t chunk)
{
	int port = g_port, l, c, a;
	struct side cs = {}, ss = {};
	pthread_t tc, ts;
	double t0, dt;

	l = sdp_listener(port, 4);
	CHECK(l >= 0, "listen on %s:%d", g_addr, port);
	c = sdp_connect_to(port);
	CHECK(c >= 0, "connect");
	a = accept(l, NULL, NULL);
	CHECK(a >= 0, "accept");
	close(l);

	cs.fd = c;
	cs.tx = (struct xfer){ .fd = c, .bytes = bytes, .seed = 1, .chunk = chunk };
	cs.rx = (struct xfer){ .fd = c, .bytes = bytes, .seed = 2, .chunk = chunk };
	ss.fd = a;
	ss.tx = (struct xfer){ .fd = a, .bytes = bytes, .seed = 2, .chunk = chunk };
	ss.rx = (struct xfer){ .fd = a, .bytes = bytes, .seed = 1, .chunk = chunk };
	t0 = now();
	pthread_create(&tc, NULL, run_side, &cs);
	pthread_create(&ts, NULL, run_side, &ss);
	pthread_join(tc, NULL);
	pthread_join(ts, NULL);
	dt = now() - t0;
	close(c);
	close(a);

	printf("transfer chunk %zu: c->s %llu bytes sum %016llx/%016llx, s->c %llu bytes sum %016llx/%016llx, %.2f s, %.1f MB/s each way, %.1f MB/s total\n",
	       chunk,
	       (unsigned long long)ss.rx.done,
	       (unsigned long long)cs.tx.sum, (unsigned long long)ss.rx.sum,
	       (unsigned long long)cs.rx.done,
	       (unsigned long long)ss.tx.sum, (unsigned long long)cs.rx.sum,
	       dt, bytes / dt / 1e6, 2 * bytes / dt / 1e6);
	errno = cs.tx.err ?: cs.rx.err ?: ss.tx.err ?: ss.rx.err;
	CHECK(!cs.tx.err && !cs.rx.err && !ss.tx.err && !ss.rx.err,
	      "transfer errors c.tx %d c.rx %d s.tx %d s.rx %d",
	      cs.tx.err, cs.rx.err, ss.tx.err, ss.rx.err);
	CHECK(ss.rx.done == bytes && cs.rx.done == bytes, "byte counts");
	CHECK(cs.tx.sum == ss.rx.sum && ss.tx.sum == cs.rx.sum, "checksums");
	printf("ok: transfer %llu bytes each way, checksums match\n",
	       (unsigned long long)bytes);
	return 0;
}

static int t_create(void)
{
	int s;

	s = socket(AF_INET_SDP, SOCK_STREAM, 0);
	CHECK(s >= 0, "socket(27, SOCK_STREAM, 0)");
	close(s);
	s = socket(AF_INET_SDP, SOCK_STREAM, IPPROTO_TCP);
	CHECK(s >= 0, "socket(27, SOCK_STREAM, IPPROTO_TCP)");
	close(s);
	s = socket(AF_INET_SDP, SOCK_DGRAM, 0);
	CHECK(s < 0 && errno == ESOCKTNOSUPPORT, "SOCK_DGRAM refused");
	s = socket(AF_INET_SDP, SOCK_STREAM, IPPROTO_UDP);
	CHECK(s < 0 && errno == EPROTONOSUPPORT, "IPPROTO_UDP refused");
	printf("ok: create\n");
	return 0;
}

static int t_bind(void)
{
	struct sockaddr_in a = sin_of(g_port + 1), got;
	socklen_t len = sizeof(got);
	int s1 = sdp_socket(), s2 = sdp_socket(), s3 = sdp_socket();

	CHECK(!bind(s1, (struct sockaddr *)&a, sizeof(a)), "bind");
	CHECK(bind(s2, (struct sockaddr *)&a, sizeof(a)) && errno == EADDRINUSE,
	      "second bind EADDRINUSE");
	a.sin_port = 0;
	CHECK(!bind(s3, (struct sockaddr *)&a, sizeof(a)), "bind port 0");
	CHECK(!getsockname(s3, (struct sockaddr *)&got, &len), "getsockname");
	CHECK(got.sin_family == AF_INET && got.sin_port != 0 &&
	      got.sin_addr.s_addr == a.sin_addr.s_addr, "ephemeral port %d",
	      ntohs(got.sin_port));
	printf("ok: bind (ephemeral port %d, EADDRINUSE)\n", ntohs(got.sin_port));
	close(s1);
	close(s2);
	close(s3);
	return 0;
}

static int t_refused(void)
{
	double t0 = now();
	int s = sdp_connect_to(g_port + 2);

	CHECK(s < 0 && errno == ECONNREFUSED, "connect without listener");
	printf("ok: ECONNREFUSED in %.3f s\n", now() - t0);
	return 0;
}

static int t_nonblock(void)
{
	struct sockaddr_in a = sin_of(g_port + 3), peer;
	socklen_t len = sizeof(int), plen = sizeof(peer);
	int l = sdp_listener(g_port + 3, 1), c = sdp_socket(), acc, err = -1;
	struct pollfd p;
	char b[16];
	int one = 1, v = 0;

	CHECK(l >= 0, "listen");
	fcntl(c, F_SETFL, O_NONBLOCK);
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) < 0 &&
	      errno == EINPROGRESS, "non-blocking connect EINPROGRESS");
	p = (struct pollfd){ .fd = c, .events = POLLOUT };
	CHECK(poll(&p, 1, 10000) == 1 && (p.revents & POLLOUT), "poll POLLOUT");
	CHECK(!getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) && !err,
	      "SO_ERROR 0");
	acc = accept(l, NULL, NULL);
	CHECK(acc >= 0, "accept");
	CHECK(recv(c, b, sizeof(b), MSG_DONTWAIT) < 0 && errno == EAGAIN,
	      "recv EAGAIN");
	CHECK(recv(acc, b, sizeof(b), MSG_DONTWAIT) < 0 && errno == EAGAIN,
	      "recv EAGAIN (accepted)");
	CHECK(!getpeername(c, (struct sockaddr *)&peer, &plen) &&
	      peer.sin_port == a.sin_port, "getpeername");
	CHECK(!setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)),
	      "TCP_NODELAY");
	len = sizeof(v);
	CHECK(!getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len) && v == 1,
	      "TCP_NODELAY readback");
	/* Small message through the non-blocking pair, poll for POLLIN. */
	CHECK(send(acc, "hello", 5, 0) == 5, "send");
	p = (struct pollfd){ .fd = c, .events = POLLIN };
	CHECK(poll(&p, 1, 10000) == 1 && (p.revents & POLLIN), "poll POLLIN");
	CHECK(recv(c, b, sizeof(b), 0) == 5 && !memcmp(b, "hello", 5), "recv");
	close(c);
	/* Graceful close: the peer reads EOF. */
	p = (struct pollfd){ .fd = acc, .events = POLLIN };
	CHECK(poll(&p, 1, 10000) == 1, "poll EOF");
	CHECK(recv(acc, b, sizeof(b), 0) == 0, "EOF after peer close");
	close(acc);
	close(l);
	printf("ok: non-blocking connect, poll, SO_ERROR, EAGAIN, getpeername, TCP_NODELAY, EOF\n");
	return 0;
}

static int t_abort(void)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int l = sdp_listener(g_port + 4, 1), c, a;
	char b[16];
	ssize_t r;

	CHECK(l >= 0, "listen");
	c = sdp_connect_to(g_port + 4);
	CHECK(c >= 0, "connect");
	a = accept(l, NULL, NULL);
	CHECK(a >= 0, "accept");
	CHECK(!setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), "linger");
	close(c);
	r = recv(a, b, sizeof(b), 0);
	CHECK(r < 0 && errno == ECONNRESET, "ECONNRESET after abortive close (got %zd)", r);
	close(a);
	close(l);
	printf("ok: abortive close -> ECONNRESET\n");
	return 0;
}

static int t_shutdown(void)
{
	int l = sdp_listener(g_port + 5, 1), c, a;
	char b[64];

	CHECK(l >= 0, "listen");
	c = sdp_connect_to(g_port + 5);
	CHECK(c >= 0, "connect");
	a = accept(l, NULL, NULL);
	CHECK(a >= 0, "accept");
	CHECK(send(c, "request", 7, 0) == 7, "send");
	CHECK(!shutdown(c, SHUT_WR), "shutdown");
	CHECK(recv(a, b, sizeof(b), MSG_WAITALL) == 7, "read request to EOF");
	CHECK(recv(a, b, sizeof(b), 0) == 0, "EOF");
	CHECK(send(a, "response", 8, 0) == 8, "reply after peer's shutdown");
	close(a);
	CHECK(recv(c, b, sizeof(b), MSG_WAITALL) == 8 && !memcmp(b, "response", 8),
	      "read response");
	CHECK(recv(c, b, sizeof(b), 0) == 0, "EOF");
	CHECK(send(c, "x", 1, MSG_NOSIGNAL) < 0 && errno == EPIPE, "EPIPE");
	close(c);
	close(l);
	printf("ok: shutdown(SHUT_WR) half close, EPIPE\n");
	return 0;
}

static int t_backlog(void)
{
	int l = sdp_listener(g_port + 6, 1), c[3], n = 0, a;

	CHECK(l >= 0, "listen");
	for (int i = 0; i < 3; i++) {
		c[i] = sdp_connect_to(g_port + 6);
		if (c[i] >= 0)
			n++;
	}
	CHECK(n >= 1 && n < 3, "backlog 1 bounds the accept queue (%d connected)", n);
	a = accept(l, NULL, NULL);
	CHECK(a >= 0, "accept");
	close(a);
	for (int i = 0; i < 3; i++)
		if (c[i] >= 0)
			close(c[i]);
	close(l);
	printf("ok: backlog (%d of 3 connected with backlog 1)\n", n);
	return 0;
}

/*
 * Connected pair, then block in recv on both until the RDMA device goes
 * away (the guest script deletes it): both must see ECONNRESET.
 */
static int t_devremove(void)
{
	int l = sdp_listener(g_port + 7, 1), c, a;
	char b[16];
	ssize_t r1, r2;

	CHECK(l >= 0, "listen");
	c = sdp_connect_to(g_port + 7);
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
	close(l);
	printf("ok: device removal -> ECONNRESET on both ends\n");
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t bytes = 64ull << 20;

	if (argc < 3) {
		fprintf(stderr, "usage: %s ADDR PORT [BYTES]\n", argv[0]);
		return 2;
	}
	g_addr = argv[1];
	g_port = atoi(argv[2]);
	if (argc > 3 && !strcmp(argv[3], "devremove")) {
		t_devremove();
		return failures ? 1 : 0;
	}
	if (argc > 3)
		bytes = strtoull(argv[3], NULL, 0);

	t_create();
	t_bind();
	t_refused();
	t_transfer(bytes, 65536);
	g_port += 10;
	t_transfer(bytes / 16, 100);
	g_port -= 10;
	t_nonblock();
	t_shutdown();
	t_abort();
	t_backlog();
	printf("sdp-stream-test: %d failed\n", failures);
	return failures ? 1 : 0;
}
