// SPDX-License-Identifier: GPL-2.0
/*
 * sdp-load: load drivers for AF_INET_SDP (27) sockets.
 *
 *   sdp-load ADDR PORT churn N
 *   sdp-load ADDR PORT urgclose N
 *   sdp-load ADDR PORT connclose N
 *   sdp-load ADDR PORT concurrent N [BYTES]
 *   sdp-load ADDR PORT tail N
 *   sdp-load ADDR PORT maxconn M
 *
 * ADDR is an IPv4 or IPv6 address of an RDMA device, PORT the one port a
 * mode uses.  Prints one line per check ("ok: ..." or "FAIL: ...") and
 * exits non-zero if any failed; the caller checks what the load leaves
 * behind (counters, rdma resources, memory).
 *
 * churn: N connect/transfer/close cycles on one listener; urgclose: N
 * closes of a socket whose owner gets SIGURG while its peer floods urgent
 * data; connclose: N non-blocking connects closed while in progress;
 * concurrent: N connections at once, each moving BYTES (default 1 MiB)
 * both ways with checksums; tail: N connections whose last small message
 * and SHUT_WR arrive while the reader looks for more, every byte read
 * before EOF; maxconn: the max-connections tunable is M (set by the
 * caller): connections over loopback (two sockets each) are opened until
 * one fails, which must be with ENOBUFS or ECONNREFUSED after exactly
 * M / 2 of them.
 *
 * SDP_STREAM_FAMILY=tcp runs over TCP instead (maxconn then tests nothing
 * meaningful).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sockutil.h"

static int family;	/* as sock_family_from_env() */

static volatile sig_atomic_t sigurgs;

static void on_sigurg(int sig)
{
	(void)sig;
	sigurgs++;
}

/* churn N: connect, move 4 KiB each way, close; N times. */
static int churn(int port, int n)
{
	static unsigned char out[4096], in[4096];
	int l = sock_listen(family, port, 16), i;
	double t0 = now();

	CHECK(l >= 0, "listen");
	fill(out, sizeof(out), 0, 7);
	for (i = 0; i < n; i++) {
		int c = sock_connect(family, port), a;

		CHECK(c >= 0, "churn %d: connect", i);
		a = accept(l, NULL, NULL);
		CHECK(a >= 0, "churn %d: accept", i);
		CHECK(send(c, out, sizeof(out), 0) == sizeof(out) &&
		      send(a, out, sizeof(out), 0) == sizeof(out),
		      "churn %d: send", i);
		CHECK(read_n(a, in, sizeof(in)) == sizeof(in) &&
		      !memcmp(in, out, sizeof(in)), "churn %d: c->s data", i);
		CHECK(read_n(c, in, sizeof(in)) == sizeof(in) &&
		      !memcmp(in, out, sizeof(in)), "churn %d: s->c data", i);
		if (i & 1) {
			close(c);
			CHECK(read_n(a, in, 1) == 0, "churn %d: EOF", i);
			close(a);
		} else {
			close(a);
			CHECK(read_n(c, in, 1) == 0, "churn %d: EOF", i);
			close(c);
		}
	}
	close(l);
	printf("ok: churn %d connect/transfer/close cycles in %.2f s\n", n, now() - t0);
	return 0;
}

struct urg_flood {
	int fd;
	volatile int stop;
	long sent;
};

static void *urg_flooder(void *arg)
{
	struct urg_flood *f = arg;

	while (!f->stop && send(f->fd, "u", 1, MSG_OOB | MSG_NOSIGNAL) == 1)
		f->sent++;
	return NULL;
}

/*
 * urgclose N: the peer floods urgent data at a socket whose owner
 * (F_SETOWN) gets SIGURG for each, while that socket is closed; N times.
 * SIGURG is sent from the receive completion: it must never reach a file
 * that close() is freeing.  Passes if every cycle completes and signals
 * came; the kernel's verdict is the console (and KASAN where built in).
 */
static int urgclose(int port, int n)
{
	struct sigaction sa = { .sa_handler = on_sigurg, .sa_flags = SA_RESTART };
	long sent = 0;
	int i;

	sigaction(SIGURG, &sa, NULL);
	sigurgs = 0;
	for (i = 0; i < n; i++) {
		struct urg_flood f = { .stop = 0 };
		pthread_t t;
		int c, a;

		CHECK(!sock_pair(family, port, &c, &a), "urgclose %d: connected pair", i);
		CHECK(!fcntl(c, F_SETOWN, getpid()), "urgclose %d: F_SETOWN", i);
		send_timeout(a);
		f.fd = a;
		pthread_create(&t, NULL, urg_flooder, &f);
		usleep(i % 7 * 300);
		close(c);
		usleep(1000);
		f.stop = 1;
		shutdown(a, SHUT_RDWR);
		pthread_join(t, NULL);
		close(a);
		sent += f.sent;
	}
	signal(SIGURG, SIG_DFL);
	CHECK(sigurgs > 0, "urgclose: SIGURG arrived (%ld urgent bytes sent)",
	      sent);
	printf("ok: urgclose: %d closes under an urgent-data flood (%ld sent, %d SIGURG)\n",
	       n, sent, (int)sigurgs);
	return 0;
}

/*
 * connclose N: a non-blocking connect closed at once, or a little later,
 * N times: the close lands anywhere in address and route resolution and
 * the REQ, and must leave no verbs resources behind (the caller counts
 * them).  Accepted children are closed too.
 */
static int connclose(int port, int n)
{
	struct sockaddr_storage sa;
	socklen_t alen = sock_addr_with_port(port, &sa);
	int l = sock_listen(family, port, 64), i, accepted = 0;

	CHECK(l >= 0, "listen");
	fcntl(l, F_SETFL, O_NONBLOCK);
	for (i = 0; i < n; i++) {
		int c = sock_open(family), a;

		CHECK(c >= 0, "connclose %d: socket", i);
		fcntl(c, F_SETFL, O_NONBLOCK);
		CHECK(!connect(c, (struct sockaddr *)&sa, alen) ||
		      errno == EINPROGRESS, "connclose %d: connect", i);
		usleep(i % 20 * 250);
		close(c);
		while ((a = accept(l, NULL, NULL)) >= 0) {
			accepted++;
			close(a);
		}
	}
	close(l);
	printf("ok: connclose: %d connects closed while in progress (%d reached accept)\n",
	       n, accepted);
	return 0;
}

/* concurrent N [BYTES]: N connections, all moving data both ways at once. */
static int concurrent(int port, int n, uint64_t bytes)
{
	struct side *cs = calloc(n, sizeof(*cs)), *ss = calloc(n, sizeof(*ss));
	pthread_t *tc = calloc(n, sizeof(*tc)), *ts = calloc(n, sizeof(*ts));
	int l = sock_listen(family, port, n), bad = 0;
	double t0, dt;

	CHECK(l >= 0, "listen");
	for (int i = 0; i < n; i++) {
		int c = sock_connect(family, port), a;

		CHECK(c >= 0, "concurrent: connect %d", i);
		a = accept(l, NULL, NULL);
		CHECK(a >= 0, "concurrent: accept %d", i);
		cs[i].fd = c;
		cs[i].tx = (struct xfer){ .fd = c, .bytes = bytes, .seed = 100 + i,
					  .chunk = 16384 };
		cs[i].rx = (struct xfer){ .fd = c, .bytes = bytes, .seed = 1000 + i,
					  .chunk = 16384 };
		ss[i].fd = a;
		ss[i].tx = (struct xfer){ .fd = a, .bytes = bytes, .seed = 1000 + i,
					  .chunk = 16384 };
		ss[i].rx = (struct xfer){ .fd = a, .bytes = bytes, .seed = 100 + i,
					  .chunk = 16384 };
	}
	close(l);
	t0 = now();
	for (int i = 0; i < n; i++) {
		pthread_create(&tc[i], NULL, run_side, &cs[i]);
		pthread_create(&ts[i], NULL, run_side, &ss[i]);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(tc[i], NULL);
		pthread_join(ts[i], NULL);
		close(cs[i].fd);
		close(ss[i].fd);
		if (cs[i].tx.err || cs[i].rx.err || ss[i].tx.err || ss[i].rx.err ||
		    ss[i].rx.done != bytes || cs[i].rx.done != bytes ||
		    cs[i].tx.sum != ss[i].rx.sum || ss[i].tx.sum != cs[i].rx.sum) {
			printf("FAIL: concurrent connection %d: errors %d/%d/%d/%d, got %llu/%llu\n",
			       i, cs[i].tx.err, cs[i].rx.err, ss[i].tx.err, ss[i].rx.err,
			       (unsigned long long)ss[i].rx.done,
			       (unsigned long long)cs[i].rx.done);
			check_failures++;
			bad++;
		}
	}
	dt = now() - t0;
	free(cs);
	free(ss);
	free(tc);
	free(ts);
	if (bad)
		return -1;
	printf("ok: concurrent %d connections x %llu bytes each way, checksums match (%.2f s, %.1f MB/s total)\n",
	       n, (unsigned long long)bytes, dt, 2.0 * n * bytes / dt / 1e6);
	return 0;
}

struct tail_side {
	int fd;
	uint64_t rng;
	long sent, got;
	int err;
};

/*
 * One direction of a tail pair: a first message, a pause of a few
 * microseconds (the reader has taken it and is looking for more), then
 * the last message and SHUT_WR; and a reader counting to EOF.
 */
static void *tail_sender(void *arg)
{
	struct tail_side *t = arg;
	char buf[64] = { 0 };
	size_t a = 1 + rnd(&t->rng) % 64, b = 1 + rnd(&t->rng) % 64;
	double until;

	if (send(t->fd, buf, a, MSG_NOSIGNAL) != (ssize_t)a)
		t->err = errno ?: EIO;
	until = now() + (rnd(&t->rng) % 40) * 1e-6;
	while (now() < until)
		;
	if (send(t->fd, buf, b, MSG_NOSIGNAL) != (ssize_t)b)
		t->err = errno ?: EIO;
	t->sent = a + b;
	if (shutdown(t->fd, SHUT_WR))
		t->err = errno;
	return NULL;
}

static void *tail_reader(void *arg)
{
	struct tail_side *t = arg;
	char buf[256];
	ssize_t r;

	while ((r = recv(t->fd, buf, sizeof(buf), 0)) > 0)
		t->got += r;
	if (r < 0)
		t->err = errno;
	return NULL;
}

/*
 * tail N: N connections (in rounds of up to 64 at once), each sending
 * two small messages and SHUT_WR both ways: the last Data and the
 * DisConn complete together while the reader, having taken the first
 * message, looks for more.  Every byte sent must be read before EOF.
 */
static int tail(int port, int n)
{
	struct tail_side cs[64], ss[64];
	pthread_t th[4 * 64];
	uint64_t seed = (uint64_t)time(NULL) ^ getpid();
	int l = sock_listen(family, port, 64), done = 0, lost = 0;

	CHECK(l >= 0, "listen");
	while (done < n) {
		int k = n - done < 64 ? n - done : 64, i;

		for (i = 0; i < k; i++) {
			int c = sock_connect(family, port), a;

			CHECK(c >= 0, "tail: connect %d", done + i);
			a = accept(l, NULL, NULL);
			CHECK(a >= 0, "tail: accept %d", done + i);
			cs[i] = (struct tail_side){ .fd = c, .rng = seed + 2 * (done + i) };
			ss[i] = (struct tail_side){ .fd = a, .rng = seed + 2 * (done + i) + 1 };
		}
		for (i = 0; i < k; i++) {
			pthread_create(&th[4 * i], NULL, tail_reader, &cs[i]);
			pthread_create(&th[4 * i + 1], NULL, tail_reader, &ss[i]);
			pthread_create(&th[4 * i + 2], NULL, tail_sender, &cs[i]);
			pthread_create(&th[4 * i + 3], NULL, tail_sender, &ss[i]);
		}
		for (i = 0; i < 4 * k; i++)
			pthread_join(th[i], NULL);
		for (i = 0; i < k; i++) {
			if (cs[i].err || ss[i].err || cs[i].got != ss[i].sent ||
			    ss[i].got != cs[i].sent) {
				printf("FAIL: tail connection %d: errors %d/%d, read %ld/%ld of %ld/%ld before EOF\n",
				       done + i, cs[i].err, ss[i].err, ss[i].got,
				       cs[i].got, cs[i].sent, ss[i].sent);
				lost++;
			}
			close(cs[i].fd);
			close(ss[i].fd);
		}
		done += k;
	}
	close(l);
	CHECK(!lost, "tail: %d of %d connections lost data before EOF (seed %llu)",
	      lost, n, (unsigned long long)seed);
	printf("ok: tail: %d connections read every byte before EOF\n", n);
	return 0;
}

/* maxconn M: the max-connections tunable is M. */
static int maxconn(int port, int m)
{
	int l = sock_listen(family, port, m + 4), *fds = calloc(2 * m + 8, sizeof(int));
	int n = 0, nfd = 0, err = 0, c = -1;

	CHECK(l >= 0, "listen");
	for (int i = 0; i < m + 2; i++) {
		int a;

		c = sock_connect(family, port);
		if (c < 0) {
			err = errno;
			break;
		}
		a = accept(l, NULL, NULL);
		fds[nfd++] = c;
		if (a >= 0)
			fds[nfd++] = a;
		n++;
	}
	errno = err;
	CHECK(err == ENOBUFS || err == ECONNREFUSED,
	      "connection beyond max-connections %d fails with ENOBUFS/ECONNREFUSED (%d connected)",
	      m, n);
	CHECK(n == m / 2, "%d loopback connections (2 sockets each) with max-connections %d",
	      n, m);
	printf("ok: max-connections %d: %d loopback connections, the next one failed with %s\n",
	       m, n, strerror(err));
	while (nfd)
		close(fds[--nfd]);
	free(fds);
	/* Once they are gone, connections work again. */
	for (int i = 0; i < 100; i++) {
		c = sock_connect(family, port);
		if (c >= 0)
			break;
		usleep(100000);
	}
	CHECK(c >= 0, "connect after closing");
	close(c);
	close(l);
	printf("ok: max-connections: connect works again once connections closed\n");
	return 0;
}

static int bad_args(const char *prog)
{
	fprintf(stderr, "usage: %s ADDR PORT {churn N | urgclose N | connclose N |\n"
		"       concurrent N [BYTES] | tail N | maxconn M}\n"
		"       (SDP_STREAM_FAMILY=tcp: over TCP instead of SDP)\n", prog);
	return 2;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 3 ? argv[3] : "";
	int port, n;

	family = argc < 5 ? -1 : driver_setup(argv[1]);
	if (family < 0)
		return bad_args(argv[0]);
	port = atoi(argv[2]);
	n = atoi(argv[4]);
	if (!strcmp(mode, "churn"))
		churn(port, n);
	else if (!strcmp(mode, "urgclose"))
		urgclose(port, n);
	else if (!strcmp(mode, "connclose"))
		connclose(port, n);
	else if (!strcmp(mode, "concurrent"))
		concurrent(port, n, argc > 5 ? strtoull(argv[5], NULL, 0) : 1 << 20);
	else if (!strcmp(mode, "tail"))
		tail(port, n);
	else if (!strcmp(mode, "maxconn"))
		maxconn(port, n);
	else
		return bad_args(argv[0]);
	printf("sdp-load: %d failed\n", check_failures);
	return check_failures ? 1 : 0;
}
