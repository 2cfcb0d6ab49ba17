// SPDX-License-Identifier: GPL-2.0
/*
 * sdp-semantics: the socket semantics of AF_INET_SDP (27) stream sockets,
 * each behaviour one test, run on SDP and then, unchanged, on TCP to the
 * same address, so that both must agree.
 *
 *   sdp-semantics ADDR PORT [harness options: -l to list, -v tcp, -t NAME...]
 *
 * ADDR is an IPv4 or IPv6 address of an RDMA device (AF_INET_SDP sockets
 * take sockaddr_in or sockaddr_in6 as it is one or the other; TCP uses
 * the same family).  The tests use ports PORT, PORT + 1, ...: two for
 * each test, in the order they are declared.
 *
 * Built on the kernel's selftest harness (kselftest_harness.h): every
 * test runs in a process of its own (a failed REQUIRE ends that test
 * only), the output is TAP ("ok N sock.sdp.bind", "not ok N ...",
 * "ok N ... # SKIP ..."), and the exit status is 0 when all passed.
 *
 * SDP_TEST_TIME_SCALE=N (N >= 1, default 1) stretches the SO_LINGER tests'
 * linger times and their bounds, and every test's timeout, N times, for
 * slow kernels (the debug tier).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "sockutil.h"

/* sockutil's CHECK prints ok:/FAIL: lines for the drivers; not used here. */
#undef CHECK

/*
 * A test's requirement: if @cond does not hold, log why (with errno, as
 * the call that failed left it) and end the test as failed.
 */
#define REQUIRE(cond, fmt, ...) do {					\
	int held = !!(cond), errno_ = errno;				\
									\
	if (!held)							\
		TH_LOG(fmt " (errno %d %s)", ##__VA_ARGS__, errno_,	\
		       strerror(errno_));				\
	ASSERT_TRUE(held);						\
} while (0)

/* Read-only once main() has run: the tests fork from it. */
static int time_scale = 1;	/* SDP_TEST_TIME_SCALE */
static int base_port;

/* How long a test may run before the harness kills it, times time_scale. */
#define TEST_TIMEOUT 60

FIXTURE(sock) {
	int family;	/* of the sockets under test */
	int port;	/* this test's own: port and port + 1 */
	double t0;	/* when it started: its time is printed (CI's budget) */
};

FIXTURE_VARIANT(sock) {
	int family;	/* AF_UNSPEC: TCP of the address's family */
};

FIXTURE_VARIANT_ADD(sock, sdp) {
	.family = AF_INET_SDP,
};

/* socket(AF_INET or AF_INET6, SOCK_STREAM, IPPROTO_SDP): what sdp-run makes. */
FIXTURE_VARIANT_ADD(sock, inet) {
	.family = INET_SDP,
};

/*
 * The same where the rule table decides TCP (tests/vm sets default-action
 * tcp for this variant alone): TCP's semantics throughout.
 */
FIXTURE_VARIANT_ADD(sock, inet_tcp) {
	.family = INET_SDP_TCP,
};

/* And where it decides both: SDP connections through a both listener. */
FIXTURE_VARIANT_ADD(sock, inet_both) {
	.family = INET_SDP_BOTH,
};

/* And both connects to listeners it made TCP's: each one falls back. */
FIXTURE_VARIANT_ADD(sock, inet_fallback) {
	.family = INET_SDP_FALLBACK,
};

FIXTURE_VARIANT_ADD(sock, tcp) {
	.family = AF_UNSPEC,
};

FIXTURE_SETUP(sock)
{
	struct __test_metadata *t;
	int index = 0;

	self->family = variant->family == AF_UNSPEC ? sock_addr_family() :
		       variant->family;
	/* The test's place in the list: its ports, the same in each variant. */
	for (t = _metadata->fixture->tests; t && t != _metadata; t = t->next)
		index++;
	self->port = base_port + 2 * index;
	self->t0 = now();
}

FIXTURE_TEARDOWN(sock)
{
	ksft_print_msg("%s took %.2f s\n", _metadata->name, now() - self->t0);
}

/* An int option's value, or -12345 if it cannot be read. */
static int getint(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int v = -12345;

	if (getsockopt(fd, level, name, &v, &len) || len != sizeof(int))
		return -12345;
	return v;
}

static int setint(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

/* Which socket() calls make an SDP socket (TCP's would be other ones). */
TEST_F(sock, create)
{
	int s;

	if (self->family != AF_INET_SDP)
		SKIP(return, "socket(27, ...) only");
	s = socket(AF_INET_SDP, SOCK_STREAM, 0);
	REQUIRE(s >= 0, "socket(27, SOCK_STREAM, 0)");
	close(s);
	s = socket(AF_INET_SDP, SOCK_STREAM, IPPROTO_TCP);
	REQUIRE(s >= 0, "socket(27, SOCK_STREAM, IPPROTO_TCP)");
	close(s);
	s = socket(AF_INET_SDP, SOCK_DGRAM, 0);
	REQUIRE(s < 0 && errno == ESOCKTNOSUPPORT, "SOCK_DGRAM refused");
	s = socket(AF_INET_SDP, SOCK_STREAM, IPPROTO_UDP);
	REQUIRE(s < 0 && errno == EPROTONOSUPPORT, "IPPROTO_UDP refused");
}

/* The inet families' SDP protocol, and what it is not. */
TEST_F(sock, inet_create)
{
	static const int families[] = { AF_INET, AF_INET6 };
	int s, i, v;

	if (!sock_is_inet_sdp(self->family))
		SKIP(return, "IPPROTO_SDP only");
	for (i = 0; i < 2; i++) {
		s = socket(families[i], SOCK_STREAM | SOCK_CLOEXEC,
			   SDP_IPPROTO_SDP);
		REQUIRE(s >= 0, "socket(%d, SOCK_STREAM, %d)", families[i],
		        SDP_IPPROTO_SDP);
		v = getint(s, SOL_SOCKET, SO_DOMAIN);
		REQUIRE(v == families[i], "SO_DOMAIN %d", v);
		v = getint(s, SOL_SOCKET, SO_PROTOCOL);
		REQUIRE(v == SDP_IPPROTO_SDP, "SO_PROTOCOL %d", v);
		REQUIRE(fcntl(s, F_GETFD) == FD_CLOEXEC, "SOCK_CLOEXEC kept");
		close(s);
		s = socket(families[i], SOCK_DGRAM, SDP_IPPROTO_SDP);
		REQUIRE(s < 0 && errno == EPROTONOSUPPORT,
		        "SOCK_DGRAM with IPPROTO_SDP refused");
	}
}

/*
 * A socket of an inet family takes addresses of its family only, with
 * TCP's errnos, and answers getsockname() in its family before bind().
 */
TEST_F(sock, inet_addresses)
{
	struct sockaddr_storage a = {}, got;
	socklen_t len = sizeof(got);
	int fam = sock_addr_family(), s;

	if (self->family == AF_INET_SDP)
		SKIP(return, "inet families only");
	s = sock_open(self->family);
	REQUIRE(s >= 0, "socket");
	REQUIRE(!getsockname(s, (struct sockaddr *)&got, &len) &&
	        got.ss_family == fam &&
	        len == (fam == AF_INET6 ? sizeof(struct sockaddr_in6) :
	                                  sizeof(struct sockaddr_in)),
	        "getsockname before bind: family %d, length %u",
	        got.ss_family, len);
	if (fam == AF_INET) {
		a.ss_family = AF_INET6;
		REQUIRE(bind(s, (struct sockaddr *)&a,
		             sizeof(struct sockaddr_in6)) &&
		        errno == EAFNOSUPPORT, "bind AF_INET6 EAFNOSUPPORT");
		REQUIRE(connect(s, (struct sockaddr *)&a,
		                sizeof(struct sockaddr_in6)) &&
		        errno == EAFNOSUPPORT, "connect AF_INET6 EAFNOSUPPORT");
	} else {
		a.ss_family = AF_INET;
		REQUIRE(bind(s, (struct sockaddr *)&a,
		             sizeof(struct sockaddr_in)) &&
		        errno == EINVAL, "bind sockaddr_in EINVAL");
		a.ss_family = AF_INET;
		REQUIRE(bind(s, (struct sockaddr *)&a,
		             sizeof(struct sockaddr_in6)) &&
		        errno == EAFNOSUPPORT, "bind AF_INET EAFNOSUPPORT");
	}
	close(s);
}

/* The v4-mapped form of the IPv4 address @a. */
static socklen_t v4mapped_of(const struct sockaddr_storage *a,
			     struct sockaddr_in6 *sin6)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)a;

	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = sin->sin_port;
	sin6->sin6_addr.s6_addr[10] = 0xff;
	sin6->sin6_addr.s6_addr[11] = 0xff;
	memcpy(&sin6->sin6_addr.s6_addr[12], &sin->sin_addr, 4);
	return sizeof(*sin6);
}

/* The v4-mapped form of the address under test, with @port. */
static socklen_t v4mapped(int port, struct sockaddr_in6 *sin6)
{
	struct sockaddr_storage a;

	sock_addr_with_port(port, &a);
	return v4mapped_of(&a, sin6);
}

/*
 * An AF_INET6 socket on [::] serves IPv4 clients, whose addresses it
 * shows v4-mapped, unless IPV6_V6ONLY (settable until bind()); an
 * AF_INET6 socket connects to a v4-mapped address unless IPV6_V6ONLY.
 */
TEST_F(sock, dual_stack)
{
	struct sockaddr_in6 any = { .sin6_family = AF_INET6 }, m, got;
	struct sockaddr_storage local;
	socklen_t len, mlen;
	int l, c, a;
	char b[8];

	if (self->family == AF_INET_SDP || sock_addr_family() != AF_INET)
		SKIP(return, "inet families, IPv4 address under test");
	l = socket(AF_INET6, SOCK_STREAM, sock_protocol(self->family));
	REQUIRE(l >= 0, "AF_INET6 socket");
	REQUIRE(!setint(l, SOL_SOCKET, SO_REUSEADDR, 1), "SO_REUSEADDR");
	REQUIRE(!setint(l, IPPROTO_IPV6, IPV6_V6ONLY, 0) &&
	        getint(l, IPPROTO_IPV6, IPV6_V6ONLY) == 0, "IPV6_V6ONLY 0");
	any.sin6_port = htons(self->port);
	REQUIRE(!bind(l, (struct sockaddr *)&any, sizeof(any)) &&
	        !listen(l, 4), "listen on [::]:%d", self->port);
	REQUIRE(setint(l, IPPROTO_IPV6, IPV6_V6ONLY, 1) && errno == EINVAL,
	        "IPV6_V6ONLY after bind EINVAL");
	c = sock_connect(self->family, self->port);
	REQUIRE(c >= 0, "IPv4 connect to the [::] listener");
	/* The client's address: the peer's own in a topology test. */
	len = sizeof(local);
	REQUIRE(!getsockname(c, (struct sockaddr *)&local, &len) &&
	        local.ss_family == AF_INET, "the IPv4 client's address");
	len = sizeof(got);
	a = accept(l, (struct sockaddr *)&got, &len);
	mlen = v4mapped_of(&local, &m);
	REQUIRE(a >= 0 && len == mlen && got.sin6_family == AF_INET6 &&
	        !memcmp(&got.sin6_addr, &m.sin6_addr, sizeof(m.sin6_addr)),
	        "accept: the IPv4 client v4-mapped (length %u)", len);
	mlen = v4mapped(0, &m);
	len = sizeof(got);
	REQUIRE(!getsockname(a, (struct sockaddr *)&got, &len) &&
	        len == mlen && ntohs(got.sin6_port) == self->port &&
	        !memcmp(&got.sin6_addr, &m.sin6_addr, sizeof(m.sin6_addr)),
	        "getsockname of the accepted socket v4-mapped");
	REQUIRE(send(c, "ping", 4, 0) == 4 && read_n(a, b, 4) == 4 &&
	        send(a, "pong", 4, 0) == 4 && read_n(c, b, 4) == 4 &&
	        !memcmp(b, "pong", 4), "data both ways");
	close(a);
	close(c);

	/* An AF_INET6 client to the v4-mapped address. */
	c = socket(AF_INET6, SOCK_STREAM, sock_protocol(self->family));
	mlen = v4mapped(self->port, &m);
	REQUIRE(c >= 0 && !connect(c, (struct sockaddr *)&m, mlen),
	        "AF_INET6 connect to a v4-mapped address");
	len = sizeof(got);
	REQUIRE(!getpeername(c, (struct sockaddr *)&got, &len) &&
	        len == mlen && !memcmp(&got, &m, mlen),
	        "getpeername: the v4-mapped address");
	a = accept(l, NULL, NULL);
	REQUIRE(a >= 0, "accept");
	close(a);
	close(c);
	close(l);

	/* IPV6_V6ONLY: no IPv4 on either side. */
	l = socket(AF_INET6, SOCK_STREAM, sock_protocol(self->family));
	REQUIRE(l >= 0 && !setint(l, SOL_SOCKET, SO_REUSEADDR, 1) &&
	        !setint(l, IPPROTO_IPV6, IPV6_V6ONLY, 1), "IPV6_V6ONLY 1");
	any.sin6_port = htons(self->port + 1);
	REQUIRE(!bind(l, (struct sockaddr *)&any, sizeof(any)) &&
	        !listen(l, 4), "listen on [::]:%d, IPv6 only", self->port + 1);
	c = sock_connect(self->family, self->port + 1);
	REQUIRE(c < 0 && errno == ECONNREFUSED,
	        "IPv4 connect to an IPv6-only listener refused");
	c = socket(AF_INET6, SOCK_STREAM, sock_protocol(self->family));
	mlen = v4mapped(self->port + 1, &m);
	REQUIRE(c >= 0 && !setint(c, IPPROTO_IPV6, IPV6_V6ONLY, 1) &&
	        connect(c, (struct sockaddr *)&m, mlen) &&
	        errno == ENETUNREACH, "IPv6-only connect to v4-mapped ENETUNREACH");
	REQUIRE(bind(c, (struct sockaddr *)&m, mlen) && errno == EINVAL,
	        "IPv6-only bind to v4-mapped EINVAL");
	close(c);
	close(l);
	ksft_print_msg("[::] serves IPv4 (v4-mapped), IPV6_V6ONLY refuses it\n");
}

/*
 * bind(): a port taken once only, port 0 an ephemeral one; a closed
 * socket that never connected frees its port at once.
 */
TEST_F(sock, bind)
{
	struct sockaddr_storage a, got;
	socklen_t alen = sock_addr_with_port(self->port, &a), len = sizeof(got);
	int s1 = sock_open(self->family);
	int s2 = sock_open(self->family);
	int s3 = sock_open(self->family);
	int i;

	REQUIRE(!bind(s1, (struct sockaddr *)&a, alen), "bind");
	REQUIRE(bind(s2, (struct sockaddr *)&a, alen) && errno == EADDRINUSE,
	        "second bind EADDRINUSE");
	alen = sock_addr_with_port(0, &a);
	REQUIRE(!bind(s3, (struct sockaddr *)&a, alen), "bind port 0");
	REQUIRE(!getsockname(s3, (struct sockaddr *)&got, &len), "getsockname");
	REQUIRE(sock_is_addr(&got, len) && sock_port_of(&got) != 0,
	        "getsockname: family %d, length %u, ephemeral port %d",
	        got.ss_family, len, sock_port_of(&got));
	ksft_print_msg("bind (ephemeral port %d, EADDRINUSE)\n", sock_port_of(&got));
	close(s1);
	/* Often enough to catch a port freed a little later. */
	alen = sock_addr_with_port(self->port, &a);
	for (i = 0; i < 100; i++) {
		REQUIRE(!bind(s2, (struct sockaddr *)&a, alen),
		        "bind %d right after the port's socket was closed", i);
		close(s2);
		s2 = sock_open(self->family);
		REQUIRE(s2 >= 0, "socket");
	}
	close(s2);
	close(s3);
}

/* connect() with no listener on the port: ECONNREFUSED. */
TEST_F(sock, refused)
{
	double t0 = now();
	int s = sock_connect(self->family, self->port);

	REQUIRE(s < 0 && errno == ECONNREFUSED, "connect without listener");
	ksft_print_msg("ECONNREFUSED in %.3f s\n", now() - t0);
}

/* A non-blocking connect and the calls around it, then a graceful close. */
TEST_F(sock, nonblock)
{
	struct sockaddr_storage a, peer;
	socklen_t alen = sock_addr_with_port(self->port, &a), len = sizeof(int);
	socklen_t plen = sizeof(peer);
	int l = sock_listen(self->family, self->port, 1);
	int c = sock_open(self->family), acc, err = -1;
	struct pollfd p;
	char b[16];
	int one = 1, v = 0;

	REQUIRE(l >= 0, "listen");
	fcntl(c, F_SETFL, O_NONBLOCK);
	REQUIRE(connect(c, (struct sockaddr *)&a, alen) < 0 &&
	        errno == EINPROGRESS, "non-blocking connect EINPROGRESS");
	p = (struct pollfd){ .fd = c, .events = POLLOUT };
	REQUIRE(poll(&p, 1, 10000) == 1 && (p.revents & POLLOUT), "poll POLLOUT");
	REQUIRE(!getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) && !err,
	        "SO_ERROR 0");
	acc = accept(l, NULL, NULL);
	REQUIRE(acc >= 0, "accept");
	REQUIRE(recv(c, b, sizeof(b), MSG_DONTWAIT) < 0 && errno == EAGAIN,
	        "recv EAGAIN");
	REQUIRE(recv(acc, b, sizeof(b), MSG_DONTWAIT) < 0 && errno == EAGAIN,
	        "recv EAGAIN (accepted)");
	REQUIRE(!getpeername(c, (struct sockaddr *)&peer, &plen) &&
	        sock_is_addr(&peer, plen) && sock_port_of(&peer) == self->port,
	        "getpeername");
	REQUIRE(!setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)),
	        "TCP_NODELAY");
	len = sizeof(v);
	REQUIRE(!getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len) && v == 1,
	        "TCP_NODELAY readback");
	/* Small message through the non-blocking pair, poll for POLLIN. */
	REQUIRE(send(acc, "hello", 5, 0) == 5, "send");
	p = (struct pollfd){ .fd = c, .events = POLLIN };
	REQUIRE(poll(&p, 1, 10000) == 1 && (p.revents & POLLIN), "poll POLLIN");
	REQUIRE(recv(c, b, sizeof(b), 0) == 5 && !memcmp(b, "hello", 5), "recv");
	close(c);
	/* Graceful close: the peer reads EOF. */
	p = (struct pollfd){ .fd = acc, .events = POLLIN };
	REQUIRE(poll(&p, 1, 10000) == 1, "poll EOF");
	REQUIRE(recv(acc, b, sizeof(b), 0) == 0, "EOF after peer close");
	close(acc);
	close(l);
	ksft_print_msg("non-blocking connect, poll, SO_ERROR, EAGAIN, getpeername, TCP_NODELAY, EOF\n");
}

/* SO_LINGER 0: close() resets the connection. */
TEST_F(sock, abort)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int l = sock_listen(self->family, self->port, 1), c, a;
	char b[16];
	ssize_t r;

	REQUIRE(l >= 0, "listen");
	c = sock_connect(self->family, self->port);
	REQUIRE(c >= 0, "connect");
	a = accept(l, NULL, NULL);
	REQUIRE(a >= 0, "accept");
	REQUIRE(!setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), "linger");
	close(c);
	r = recv(a, b, sizeof(b), 0);
	REQUIRE(r < 0 && errno == ECONNRESET, "ECONNRESET after abortive close (got %zd)", r);
	close(a);
	close(l);
	ksft_print_msg("abortive close -> ECONNRESET\n");
}

/* shutdown(SHUT_WR): a half close, the other way still works. */
TEST_F(sock, shutdown)
{
	int l = sock_listen(self->family, self->port, 1), c, a;
	char b[64];

	REQUIRE(l >= 0, "listen");
	c = sock_connect(self->family, self->port);
	REQUIRE(c >= 0, "connect");
	a = accept(l, NULL, NULL);
	REQUIRE(a >= 0, "accept");
	REQUIRE(send(c, "request", 7, 0) == 7, "send");
	REQUIRE(!shutdown(c, SHUT_WR), "shutdown");
	REQUIRE(recv(a, b, sizeof(b), MSG_WAITALL) == 7, "read request to EOF");
	REQUIRE(recv(a, b, sizeof(b), 0) == 0, "EOF");
	REQUIRE(send(a, "response", 8, 0) == 8, "reply after peer's shutdown");
	close(a);
	REQUIRE(recv(c, b, sizeof(b), MSG_WAITALL) == 8 && !memcmp(b, "response", 8),
	        "read response");
	REQUIRE(recv(c, b, sizeof(b), 0) == 0, "EOF");
	REQUIRE(send(c, "x", 1, MSG_NOSIGNAL) < 0 && errno == EPIPE, "EPIPE");
	close(c);
	close(l);
	ksft_print_msg("shutdown(SHUT_WR) half close, EPIPE\n");
}

/*
 * TCP's accept queue takes backlog + 1, and SYNs beyond it are retried;
 * SDP's refuses what is beyond its backlog.  A both listener has both
 * queues: a client SDP's refuses (a both connect too) goes on over TCP.
 */
TEST_F(sock, backlog)
{
	int l, c[3], n = 0, ntcp = 0, a;

	if (!sock_is_sdp(self->family))
		SKIP(return, "SDP's accept queue bound only");
	l = sock_listen(self->family, self->port, 1);
	REQUIRE(l >= 0, "listen");
	for (int i = 0; i < 3; i++) {
		c[i] = sock_connect(self->family, self->port);
		if (c[i] >= 0)
			n++;
		if (c[i] >= 0 && getint(c[i], SOL_SOCKET, SO_PROTOCOL) ==
				 IPPROTO_TCP)
			ntcp++;
	}
	if (self->family == INET_SDP_BOTH)
		REQUIRE(n == 3 && ntcp >= 1 && ntcp < 3,
		        "backlog 1: the clients SDP's queue refused went on over TCP (%d connected, %d over TCP)",
		        n, ntcp);
	else
		REQUIRE(n >= 1 && n < 3,
		        "backlog 1 bounds the accept queue (%d connected)", n);
	a = accept(l, NULL, NULL);
	REQUIRE(a >= 0, "accept");
	close(a);
	for (int i = 0; i < 3; i++)
		if (c[i] >= 0)
			close(c[i]);
	close(l);
	ksft_print_msg("backlog (%d of 3 connected with backlog 1)\n", n);
}

/* A new epoll instance watching @fd for @ev (-1 on error). */
static int epoll_new(int fd, uint32_t ev)
{
	struct epoll_event e = { .events = ev };
	int ep = epoll_create1(0);

	if (ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e)) {
		close(ep);
		return -1;
	}
	return ep;
}

/* One epoll_wait() of @ms on @ep: the events reported (0 if none). */
static int epoll_get(int ep, int ms)
{
	struct epoll_event e;
	int n;

	do
		n = epoll_wait(ep, &e, 1, ms);
	while (n < 0 && errno == EINTR);
	return n == 1 ? (int)e.events : 0;
}

/*
 * epoll_get() until an event has a bit of @want, for @ms at most: the
 * events seen, ORed.  Edge-triggered, a wake-up with other bits (a write
 * space one, say) may come first.
 */
static int epoll_until(int ep, int want, int ms)
{
	struct timespec t0, t;
	int seen = 0, left = ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!(seen & want) && left > 0) {
		seen |= epoll_get(ep, left);
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 +
				  (t.tv_nsec - t0.tv_nsec) / 1000000);
	}
	return seen;
}

/* epoll_get() on a fresh epoll instance watching @fd for @ev. */
static int epoll_once(int fd, uint32_t ev, int ms)
{
	int ep = epoll_new(fd, ev), r;

	if (ep < 0)
		return -1;
	r = epoll_get(ep, ms);
	close(ep);
	return r;
}

static int ioctl_int(int fd, unsigned long req)
{
	int v = -1;

	return ioctl(fd, req, &v) ? -1 : v;
}

struct late_send {
	int fd;
	int delay_ms;
	const char *data;
	size_t len;
	int how;	/* shutdown after sending, -1: no */
};

static void *late_sender(void *arg)
{
	struct late_send *ls = arg;

	usleep(ls->delay_ms * 1000);
	if (ls->len)
		send(ls->fd, ls->data, ls->len, MSG_NOSIGNAL);
	if (ls->how >= 0)
		shutdown(ls->fd, ls->how);
	return NULL;
}

/* MSG_PEEK leaves the data queued; MSG_DONTWAIT on an empty queue. */
TEST_F(sock, recv_peek)
{
	char b[64];
	int c, a;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	REQUIRE(send(a, "abcdef", 6, 0) == 6, "send");
	REQUIRE(wait_ev(c, POLLIN, 5000) & POLLIN, "poll POLLIN");
	REQUIRE(recv(c, b, 4, MSG_PEEK) == 4 && !memcmp(b, "abcd", 4),
	        "MSG_PEEK 4");
	REQUIRE(ioctl_int(c, SIOCINQ) == 6, "SIOCINQ 6 after peek");
	REQUIRE(recv(c, b, sizeof(b), MSG_PEEK) == 6 && !memcmp(b, "abcdef", 6),
	        "MSG_PEEK all");
	REQUIRE(recv(c, b, 2, 0) == 2 && !memcmp(b, "ab", 2), "recv 2");
	REQUIRE(recv(c, b, sizeof(b), MSG_PEEK) == 4 && !memcmp(b, "cdef", 4),
	        "MSG_PEEK rest");
	REQUIRE(recv(c, b, sizeof(b), 0) == 4 && !memcmp(b, "cdef", 4),
	        "recv rest");
	REQUIRE(recv(c, b, sizeof(b), MSG_DONTWAIT) < 0 && errno == EAGAIN,
	        "MSG_DONTWAIT EAGAIN");
	close(c);
	close(a);
}

/* MSG_WAITALL waits for the rest, sent 300 ms later. */
TEST_F(sock, recv_waitall)
{
	struct late_send ls;
	char b[64];
	int c, a;
	pthread_t t;
	double t0, dt;
	ssize_t r;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	REQUIRE(send(a, "123", 3, 0) == 3, "send");
	ls = (struct late_send){ .fd = a, .delay_ms = 300, .data = "45678",
				 .len = 5, .how = -1 };
	pthread_create(&t, NULL, late_sender, &ls);
	t0 = now();
	r = recv(c, b, 8, MSG_WAITALL);
	dt = now() - t0;
	pthread_join(t, NULL);
	REQUIRE(r == 8 && !memcmp(b, "12345678", 8) && dt > 0.2,
	        "MSG_WAITALL got %zd after %.3f s", r, dt);
	ksft_print_msg("MSG_WAITALL waits for the full amount (%.3f s)\n", dt);
	close(c);
	close(a);
}

/* SO_RCVLOWAT: not readable below it, recv waits for it. */
TEST_F(sock, recv_lowat)
{
	struct timeval tv = { .tv_usec = 300000 };
	char b[64];
	int c, a, lowat = 5;
	double t0, dt;
	ssize_t r;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	REQUIRE(!setsockopt(c, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat)),
	        "SO_RCVLOWAT");
	REQUIRE(send(a, "xyz", 3, 0) == 3, "send");
	REQUIRE(!(wait_ev(c, POLLIN, 300) & POLLIN), "not readable below SO_RCVLOWAT");
	REQUIRE(ioctl_int(c, SIOCINQ) == 3, "SIOCINQ 3");
	REQUIRE(send(a, "XY", 2, 0) == 2, "send");
	REQUIRE(wait_ev(c, POLLIN, 5000) & POLLIN, "readable at SO_RCVLOWAT");
	r = recv(c, b, sizeof(b), 0);
	REQUIRE(r == 5 && !memcmp(b, "xyzXY", 5), "recv at SO_RCVLOWAT got %zd",
	        r);
	/*
	 * Below it recv() waits (here until SO_RCVTIMEO).  Not for the rest
	 * to arrive: TCP does not wake a reader that has copied part of its
	 * SO_RCVLOWAT when less than SO_RCVLOWAT more arrives.
	 */
	REQUIRE(send(a, "abc", 3, 0) == 3, "send");
	REQUIRE(!setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
	        "SO_RCVTIMEO");
	t0 = now();
	r = recv(c, b, sizeof(b), 0);
	dt = now() - t0;
	REQUIRE(r == 3 && !memcmp(b, "abc", 3) && dt > 0.25,
	        "recv below SO_RCVLOWAT got %zd after %.3f s", r, dt);
	close(c);
	close(a);
}

/* SO_RCVTIMEO: EAGAIN after the timeout. */
TEST_F(sock, recv_timeout)
{
	struct timeval tv = { .tv_usec = 300000 };
	char b[64];
	int c, a;
	double t0, dt;
	ssize_t r;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	REQUIRE(!setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
	        "SO_RCVTIMEO");
	t0 = now();
	r = recv(c, b, sizeof(b), 0);
	dt = now() - t0;
	REQUIRE(r < 0 && errno == EAGAIN && dt > 0.25 && dt < 3,
	        "SO_RCVTIMEO EAGAIN after %.3f s (got %zd)", dt, r);
	ksft_print_msg("SO_RCVTIMEO 300 ms -> EAGAIN after %.3f s\n", dt);
	close(c);
	close(a);
}

/* writev() of three pieces, readv() into two. */
TEST_F(sock, readv_writev)
{
	struct iovec wv[3] = { { "one,", 4 }, { "two,", 4 }, { "three", 5 } };
	char r1[6], r2[7];
	struct iovec rv[2] = { { r1, sizeof(r1) }, { r2, sizeof(r2) } };
	int c, a;
	ssize_t r;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	REQUIRE(writev(a, wv, 3) == 13, "writev");
	REQUIRE(wait_ev(c, POLLIN, 5000) & POLLIN, "poll");
	for (int i = 0; i < 50 && ioctl_int(c, SIOCINQ) < 13; i++)
		usleep(10000);
	r = readv(c, rv, 2);
	REQUIRE(r == 13 && !memcmp(r1, "one,tw", 6) && !memcmp(r2, "o,three", 7),
	        "readv got %zd", r);
	close(c);
	close(a);
}

/* MSG_WAITALL returns what there is at EOF, then 0. */
TEST_F(sock, recv_waitall_eof)
{
	struct timeval tv = { .tv_sec = 10 };
	struct late_send ls;
	char b[64];
	int c, a;
	pthread_t t;
	ssize_t r;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	ls = (struct late_send){ .fd = a, .delay_ms = 200, .data = "end",
				 .len = 3, .how = SHUT_WR };
	pthread_create(&t, NULL, late_sender, &ls);
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	r = recv(c, b, sizeof(b), MSG_WAITALL);
	pthread_join(t, NULL);
	REQUIRE(r == 3 && !memcmp(b, "end", 3), "MSG_WAITALL short at EOF (%zd)",
	        r);
	REQUIRE(recv(c, b, sizeof(b), MSG_WAITALL) == 0, "then EOF");
	close(c);
	close(a);
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

/* SO_SNDTIMEO, SIGPIPE / MSG_NOSIGNAL, ECONNRESET then EPIPE after a reset. */
TEST_F(sock, sendflags)
{
	const int port = self->port;
	struct timeval tv = { .tv_usec = 300000 };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	static char big[65536];
	int c, a, n = 0, rev;
	double t0 = 0, dt;
	ssize_t r;

	signal(SIGPIPE, on_sigpipe);
	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	REQUIRE(!setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)),
	        "SO_SNDTIMEO");
	/* The peer does not read: sends block, then time out. */
	for (;;) {
		t0 = now();
		r = send(c, big, sizeof(big), 0);
		if (r < 0 || ++n > 4096)
			break;
	}
	dt = now() - t0;
	REQUIRE(r < 0 && errno == EAGAIN && dt > 0.25 && dt < 3,
	        "SO_SNDTIMEO EAGAIN after %.3f s, %d sends", dt, n);
	ksft_print_msg("SO_SNDTIMEO 300 ms -> EAGAIN after %.3f s (%d x 64 KiB queued)\n",
	               dt, n);
	/*
	 * Room may still come: SDP's receiver adds buffers as the sender's
	 * demand shows, reading or not (on the debug tier after the timeout).
	 * Bounded, it fills: then MSG_DONTWAIT fails at once.
	 */
	for (n = 0; n < 4096; n++) {
		r = send(c, big, sizeof(big), MSG_DONTWAIT);
		if (r < 0)
			break;
	}
	REQUIRE(r < 0 && errno == EAGAIN, "MSG_DONTWAIT send EAGAIN once full");
	ksft_print_msg("MSG_DONTWAIT send EAGAIN when full (%d more fitted)\n",
		       n);

	/* Peer resets: ECONNRESET once, then EPIPE with SIGPIPE. */
	REQUIRE(!setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), "linger 0");
	close(a);
	rev = wait_ev(c, POLLERR | POLLHUP, 5000);
	REQUIRE(rev & (POLLERR | POLLHUP), "POLLERR/POLLHUP after reset (%#x)",
	        rev);
	sigpipes = 0;
	r = send(c, "x", 1, 0);
	REQUIRE(r < 0 && errno == ECONNRESET, "first send after reset ECONNRESET (%zd)",
	        r);
	r = send(c, "x", 1, MSG_NOSIGNAL);
	REQUIRE(r < 0 && errno == EPIPE && !sigpipes,
	        "MSG_NOSIGNAL: EPIPE, no SIGPIPE (%zd, %d)", r, (int)sigpipes);
	r = send(c, "x", 1, 0);
	REQUIRE(r < 0 && errno == EPIPE && sigpipes == 1,
	        "EPIPE with SIGPIPE (%zd, %d)", r, (int)sigpipes);
	close(c);

	/* After our own shutdown(SHUT_WR). */
	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	REQUIRE(!shutdown(c, SHUT_WR), "shutdown");
	sigpipes = 0;
	REQUIRE(send(c, "x", 1, MSG_NOSIGNAL) < 0 && errno == EPIPE && !sigpipes,
	        "EPIPE after SHUT_WR, MSG_NOSIGNAL");
	REQUIRE(write(c, "x", 1) < 0 && errno == EPIPE && sigpipes == 1,
	        "write after SHUT_WR: EPIPE + SIGPIPE");
	close(c);
	close(a);
	signal(SIGPIPE, SIG_IGN);
	ksft_print_msg("reset -> ECONNRESET, then EPIPE; SIGPIPE unless MSG_NOSIGNAL\n");
}

/* Socket options that read back as set, on a connected socket. */
TEST_F(sock, options)
{
	int c, a, v;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	REQUIRE(getint(c, SOL_SOCKET, SO_TYPE) == SOCK_STREAM, "SO_TYPE");
	v = getint(c, SOL_SOCKET, SO_DOMAIN);
	REQUIRE(v == sock_domain(self->family), "SO_DOMAIN %d", v);
	v = getint(c, SOL_SOCKET, SO_PROTOCOL);
	REQUIRE(v == sock_protocol_connected(self->family), "SO_PROTOCOL %d", v);
	REQUIRE(getint(c, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR");
	REQUIRE(getint(c, SOL_SOCKET, SO_ACCEPTCONN) == 0, "SO_ACCEPTCONN");
	REQUIRE(!setint(c, IPPROTO_TCP, TCP_NODELAY, 1) &&
	        getint(c, IPPROTO_TCP, TCP_NODELAY) == 1 &&
	        !setint(c, IPPROTO_TCP, TCP_NODELAY, 0) &&
	        getint(c, IPPROTO_TCP, TCP_NODELAY) == 0, "TCP_NODELAY");
	REQUIRE(!setint(c, SOL_SOCKET, SO_KEEPALIVE, 1) &&
	        getint(c, SOL_SOCKET, SO_KEEPALIVE) == 1, "SO_KEEPALIVE");
	REQUIRE(!setint(c, IPPROTO_TCP, TCP_KEEPIDLE, 60) &&
	        getint(c, IPPROTO_TCP, TCP_KEEPIDLE) == 60 &&
	        !setint(c, IPPROTO_TCP, TCP_KEEPINTVL, 10) &&
	        getint(c, IPPROTO_TCP, TCP_KEEPINTVL) == 10 &&
	        !setint(c, IPPROTO_TCP, TCP_KEEPCNT, 5) &&
	        getint(c, IPPROTO_TCP, TCP_KEEPCNT) == 5, "TCP_KEEPIDLE/INTVL/CNT");
	REQUIRE(setint(c, IPPROTO_TCP, TCP_KEEPCNT, 0) && errno == EINVAL &&
	        setint(c, IPPROTO_TCP, TCP_KEEPIDLE, 40000) && errno == EINVAL,
	        "TCP_KEEPCNT 0 / TCP_KEEPIDLE 40000 EINVAL");
	REQUIRE(!setint(c, IPPROTO_TCP, TCP_USER_TIMEOUT, 30000) &&
	        getint(c, IPPROTO_TCP, TCP_USER_TIMEOUT) == 30000 &&
	        !setint(c, IPPROTO_TCP, TCP_USER_TIMEOUT, 0) &&
	        getint(c, IPPROTO_TCP, TCP_USER_TIMEOUT) == 0, "TCP_USER_TIMEOUT");
	REQUIRE(setint(c, IPPROTO_TCP, TCP_USER_TIMEOUT, -1) && errno == EINVAL,
	        "TCP_USER_TIMEOUT -1 EINVAL");
	ksft_print_msg("SO_TYPE, SO_DOMAIN %d, SO_PROTOCOL, SO_ERROR, TCP_NODELAY, SO_KEEPALIVE + TCP_KEEP*, TCP_USER_TIMEOUT\n",
	               self->family);
	close(c);
	close(a);
}

/* SO_RCVBUF and SO_SNDBUF read back doubled, as TCP's. */
TEST_F(sock, buffer_sizes)
{
	int fl, v;

	v = sock_open(self->family);
	REQUIRE(!setint(v, SOL_SOCKET, SO_RCVBUF, 65536) &&
	        !setint(v, SOL_SOCKET, SO_SNDBUF, 98304), "SO_RCVBUF/SO_SNDBUF");
	fl = getint(v, SOL_SOCKET, SO_RCVBUF);
	REQUIRE(fl == 2 * 65536, "SO_RCVBUF reads back doubled (%d)", fl);
	fl = getint(v, SOL_SOCKET, SO_SNDBUF);
	REQUIRE(fl == 2 * 98304, "SO_SNDBUF reads back doubled (%d)", fl);
	close(v);
	ksft_print_msg("SO_RCVBUF / SO_SNDBUF read back as set (doubled, as TCP)\n");
}

/* The running kernel is older than @major.@minor. */
static int kernel_before(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma < major || (ma == major && mi < minor);
}

/*
 * A connection to @port, accepted from whichever of @n listeners it went
 * to; that listener's index, or -1.
 */
static int reuseport_conn(int family, int port, const int *l, int n)
{
	struct pollfd p[2];
	int c = sock_connect(family, port), a = -1, k;

	for (k = 0; k < n; k++)
		p[k] = (struct pollfd){ .fd = l[k], .events = POLLIN };
	if (c >= 0 && poll(p, n, 5000) > 0) {
		for (k = 0; k < n && !(p[k].revents & POLLIN); k++)
			;
		if (k < n)
			a = accept(l[k], NULL, NULL);
	}
	if (c >= 0)
		close(c);
	if (a < 0)
		return -1;
	close(a);
	return k;
}

/*
 * SO_REUSEPORT: listeners of one owner share a port and its connections;
 * one without the option is refused the port; once one listener closes,
 * the others take every connection, and the last one's close frees it.
 */
TEST_F(sock, reuseport)
{
	int l[2], n[2] = { 0, 0 }, i, k, x;

	l[0] = sock_listen_reuseport(self->family, self->port, 1);
	if (l[0] < 0 && errno == EOPNOTSUPP && sock_is_sdp(self->family) &&
	    !sock_is_inet_sdp(self->family) && kernel_before(6, 12))
		SKIP(return, "AF_INET_SDP: this kernel's core refuses SO_REUSEPORT to non-inet sockets and cannot hand it to the family (no SOCK_CUSTOM_SOCKOPT)");
	l[1] = sock_listen_reuseport(self->family, self->port, 1);
	REQUIRE(l[0] >= 0 && l[1] >= 0,
	        "two SO_REUSEPORT listeners on one port");
	x = sock_listen_reuseport(self->family, self->port, 0);
	REQUIRE(x < 0 && errno == EADDRINUSE,
	        "one without SO_REUSEPORT: EADDRINUSE");
	/* The peer's address and port pick the listener: 32 spread. */
	for (i = 0; i < 32; i++) {
		k = reuseport_conn(self->family, self->port, l, 2);
		REQUIRE(k >= 0, "connection %d accepted", i);
		n[k]++;
	}
	REQUIRE(n[0] && n[1], "both listeners took connections (%d, %d)",
	        n[0], n[1]);
	close(l[0]);
	for (i = 0; i < 8; i++)
		REQUIRE(reuseport_conn(self->family, self->port, &l[1], 1) == 0,
		        "after one closed, the other takes connection %d", i);
	close(l[1]);
	x = sock_listen_reuseport(self->family, self->port, 0);
	REQUIRE(x >= 0, "the port is free once both closed");
	close(x);
	ksft_print_msg("SO_REUSEPORT: 32 connections split %d/%d, then all to the one left\n",
		       n[0], n[1]);
}

/*
 * TCP_DEFER_ACCEPT: seconds kept as TCP keeps them (5 reads back as 7, a
 * negative value turns it off), not inherited by an accepted socket; a
 * connection reaches accept() when its first data comes, or without data
 * once the deferral (1 s here) ran out.
 */
TEST_F(sock, defer_accept)
{
	double t0, waited;
	int l, c, a, c2, a2;
	char b = 0;

	l = sock_listen(self->family, self->port, 4);
	REQUIRE(l >= 0, "listen");
	REQUIRE(!setint(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, 5) &&
	        getint(l, IPPROTO_TCP, TCP_DEFER_ACCEPT) == 7,
	        "5 s reads back as 7 (%d)",
	        getint(l, IPPROTO_TCP, TCP_DEFER_ACCEPT));
	REQUIRE(!setint(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, -1) &&
	        getint(l, IPPROTO_TCP, TCP_DEFER_ACCEPT) == 0, "-1: off");
	REQUIRE(!setint(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, 1) &&
	        getint(l, IPPROTO_TCP, TCP_DEFER_ACCEPT) == 1, "1 s");

	c = sock_connect(self->family, self->port);
	REQUIRE(c >= 0, "connect");
	REQUIRE(!(wait_ev(l, POLLIN, 300) & POLLIN),
	        "no connection to accept before its data");
	REQUIRE(send(c, "x", 1, 0) == 1, "send one byte");
	REQUIRE(wait_ev(l, POLLIN, 5000 * time_scale) & POLLIN,
	        "the data makes it acceptable");
	a = accept(l, NULL, NULL);
	REQUIRE(a >= 0 && recv(a, &b, 1, 0) == 1 && b == 'x',
	        "accepted, the byte there");
	REQUIRE(getint(a, IPPROTO_TCP, TCP_DEFER_ACCEPT) == 0,
	        "the accepted socket has no deferral of its own");

	c2 = sock_connect(self->family, self->port);
	REQUIRE(c2 >= 0, "second connect");
	t0 = now();
	REQUIRE(wait_ev(l, POLLIN, 10000 * time_scale) & POLLIN,
	        "acceptable without data once the deferral ran out");
	waited = now() - t0;
	a2 = accept(l, NULL, NULL);
	REQUIRE(a2 >= 0 && waited > 0.5, "accepted after %.2f s", waited);
	REQUIRE(send(c2, "y", 1, 0) == 1 && recv(a2, &b, 1, 0) == 1 &&
	        b == 'y', "and carries data");
	ksft_print_msg("TCP_DEFER_ACCEPT: accepted at the first byte; without data after %.2f s\n",
		       waited);
	close(a2);
	close(c2);
	close(a);
	close(c);
	close(l);
}

/* The TCP and IP options SDP has no use for are refused, not ignored. */
TEST_F(sock, unsupported_options)
{
	int c, a;

	if (!sock_is_sdp(self->family))
		SKIP(return, "TCP takes them");
	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	REQUIRE(setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "cubic", 5) &&
	        errno == ENOPROTOOPT, "setting TCP_CONGESTION ENOPROTOOPT");
	REQUIRE(setint(c, SOL_SOCKET, SO_ZEROCOPY, 1) &&
	        (errno == ENOPROTOOPT || errno == EOPNOTSUPP),
	        "SO_ZEROCOPY refused");
	ksft_print_msg("unsupported options refused (ENOPROTOOPT)\n");
	close(c);
	close(a);
}

/*
 * IP_TOS (an int or a byte), and IPV6_TCLASS on IPv6 sockets, read back
 * as set but for the ECN bits, which are the transport's; IPV6_TCLASS -1
 * is the default class 0, beyond a byte EINVAL.  Over SDP the accepted
 * socket reports the class its connection was made in, the connecting
 * socket's (the REQ carries it; TCP's child has its listener's).  No IP
 * options.
 */
TEST_F(sock, tos_tclass)
{
	int v6 = sock_domain(self->family) == AF_INET6;
	struct sockaddr_storage sa;
	socklen_t alen = sock_addr_with_port(self->port, &sa);
	unsigned char byte = 0x28;
	char opts[40];
	socklen_t len = sizeof(opts);
	int l, c, a;

	l = sock_listen(self->family, self->port, 1);
	c = sock_open(self->family);
	REQUIRE(l >= 0 && c >= 0, "listener and socket");
	REQUIRE(!setint(c, IPPROTO_IP, IP_TOS, 0x13) &&
	        getint(c, IPPROTO_IP, IP_TOS) == 0x10, "IP_TOS 0x13 reads 0x10");
	REQUIRE(!setsockopt(c, IPPROTO_IP, IP_TOS, &byte, 1) &&
	        getint(c, IPPROTO_IP, IP_TOS) == 0x28, "IP_TOS as a byte");
	if (v6) {
		REQUIRE(setint(c, IPPROTO_IPV6, IPV6_TCLASS, 256) &&
		        errno == EINVAL, "IPV6_TCLASS 256 EINVAL");
		REQUIRE(!setint(c, IPPROTO_IPV6, IPV6_TCLASS, -1) &&
		        getint(c, IPPROTO_IPV6, IPV6_TCLASS) == 0,
		        "IPV6_TCLASS -1 reads 0");
		REQUIRE(!setint(c, IPPROTO_IPV6, IPV6_TCLASS, 0xb9) &&
		        getint(c, IPPROTO_IPV6, IPV6_TCLASS) == 0xb8,
		        "IPV6_TCLASS 0xb9 reads 0xb8");
	}
	REQUIRE(!setint(c, IPPROTO_IP, IP_TOS, 0xb8), "IP_TOS 0xb8");
	REQUIRE(!getsockopt(c, IPPROTO_IP, IP_OPTIONS, opts, &len) && !len,
	        "no IP options (%u bytes)", len);
	REQUIRE(!connect(c, (struct sockaddr *)&sa, alen), "connect");
	a = accept(l, NULL, NULL);
	REQUIRE(a >= 0, "accept");
	REQUIRE(getint(c, IPPROTO_IP, IP_TOS) == 0xb8,
	        "connected: IP_TOS still 0xb8");
	if (sock_is_sdp(self->family))
		REQUIRE(getint(a, IPPROTO_IP, IP_TOS) == 0xb8,
		        "the accepted socket's class is the connection's (%d)",
		        getint(a, IPPROTO_IP, IP_TOS));
	ksft_print_msg("IP_TOS%s read back without ECN bits, kept connected\n",
		       v6 ? " and IPV6_TCLASS" : "");
	close(a);
	close(c);
	close(l);
}

/*
 * TCP_QUICKACK is on and stays on (SDP acknowledges every message at
 * once); TCP_CONGESTION names the algorithm, "sdp" on SDP (the device
 * paces it), as much of the name as the buffer holds.
 */
TEST_F(sock, quickack_congestion)
{
	char ca[16] = "", two[2] = "xx";
	socklen_t len = sizeof(ca);
	int c, a;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	REQUIRE(!setint(c, IPPROTO_TCP, TCP_QUICKACK, 1) &&
	        getint(c, IPPROTO_TCP, TCP_QUICKACK) == 1, "TCP_QUICKACK 1");
	REQUIRE(!getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, ca, &len) &&
	        ca[0] && strnlen(ca, sizeof(ca)) < sizeof(ca),
	        "TCP_CONGESTION names an algorithm");
	if (sock_is_sdp(self->family))
		REQUIRE(!strcmp(ca, "sdp"), "TCP_CONGESTION \"sdp\" (%s)", ca);
	len = sizeof(two);
	REQUIRE(!getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, two, &len) &&
	        len == 2 && !memcmp(two, ca, 2), "a short buffer gets the start");
	ksft_print_msg("TCP_QUICKACK 1, TCP_CONGESTION %s\n", ca);
	close(c);
	close(a);
}

/*
 * TCP_INFO: the state, segment sizes and the bytes sent, acknowledged
 * and received, as TCP counts them.
 */
TEST_F(sock, tcp_info)
{
	struct sock_tcp_info ci, ai, li;
	static char buf[100000];
	/* Linux's TCP counts its SYN among the bytes acknowledged. */
	uint64_t acked = sizeof(buf) + !sock_is_sdp(self->family);
	int l, c, a, i;

	l = sock_listen(self->family, self->port, 1);
	REQUIRE(l >= 0, "listen");
	REQUIRE(!sock_read_tcp_info(l, &li) && li.state == TCP_LISTEN,
	        "a listener's state TCP_LISTEN (%u)", li.state);
	c = sock_connect(self->family, self->port);
	a = accept(l, NULL, NULL);
	REQUIRE(c >= 0 && a >= 0, "connected pair");
	REQUIRE(send(c, buf, sizeof(buf), 0) == sizeof(buf) &&
	        read_n(a, buf, sizeof(buf)) == sizeof(buf), "100000 bytes");
	/* The last acknowledgement may come a little after the data. */
	for (i = 0; i < 200; i++) {
		REQUIRE(!sock_read_tcp_info(c, &ci), "TCP_INFO");
		if (ci.bytes_acked >= acked)
			break;
		usleep(10000);
	}
	REQUIRE(!sock_read_tcp_info(a, &ai), "TCP_INFO (accepted)");
	REQUIRE(ci.state == TCP_ESTABLISHED && ai.state == TCP_ESTABLISHED,
	        "state TCP_ESTABLISHED (%u, %u)", ci.state, ai.state);
	REQUIRE(ci.snd_mss > 0 && ai.rcv_mss > 0, "segment sizes (%u, %u)",
	        ci.snd_mss, ai.rcv_mss);
	REQUIRE(ci.bytes_sent >= sizeof(buf) &&
	        ci.bytes_acked == acked &&
	        ai.bytes_received == sizeof(buf) && ci.unacked == 0,
	        "bytes sent %llu, acked %llu, received %llu, unacked %u",
	        (unsigned long long)ci.bytes_sent,
	        (unsigned long long)ci.bytes_acked,
	        (unsigned long long)ai.bytes_received, ci.unacked);
	REQUIRE(ci.segs_out >= sizeof(buf) / ci.snd_mss &&
	        ai.segs_in >= sizeof(buf) / ci.snd_mss,
	        "segments out %u, in %u", ci.segs_out, ai.segs_in);
	ksft_print_msg("TCP_INFO: mss %u/%u, %u segments out, send window %u\n",
		       ci.snd_mss, ai.rcv_mss, ci.segs_out, ci.snd_wnd);
	close(c);
	close(a);
	close(l);
}

/* FIONBIO, SIOCINQ, SIOCOUTQ. */
TEST_F(sock, ioctls)
{
	int c, a, v;
	char b[64];

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	/* FIONBIO */
	v = 1;
	REQUIRE(!ioctl(c, FIONBIO, &v), "FIONBIO on");
	REQUIRE(recv(c, b, sizeof(b), 0) < 0 && errno == EAGAIN, "EAGAIN with FIONBIO");
	v = 0;
	REQUIRE(!ioctl(c, FIONBIO, &v) && !(fcntl(c, F_GETFL) & O_NONBLOCK),
	        "FIONBIO off");
	/* SIOCINQ / SIOCOUTQ */
	REQUIRE(send(a, "0123456789", 10, 0) == 10, "send");
	for (int i = 0; i < 100 && ioctl_int(c, SIOCINQ) < 10; i++)
		usleep(10000);
	REQUIRE(ioctl_int(c, SIOCINQ) == 10, "SIOCINQ 10");
	for (int i = 0; i < 100 && ioctl_int(a, SIOCOUTQ); i++)
		usleep(10000);
	REQUIRE(ioctl_int(a, SIOCOUTQ) == 0, "SIOCOUTQ drains to 0");
	REQUIRE(read_n(c, b, 10) == 10, "read");
	REQUIRE(ioctl_int(c, SIOCINQ) == 0, "SIOCINQ 0");
	ksft_print_msg("FIONBIO, SIOCINQ, SIOCOUTQ\n");
	close(c);
	close(a);
}

/* TCP_CORK: nothing goes out until uncorked. */
TEST_F(sock, cork)
{
	int c, a;
	char b[64];
	ssize_t r;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	REQUIRE(!setint(a, IPPROTO_TCP, TCP_CORK, 1) &&
	        getint(a, IPPROTO_TCP, TCP_CORK) == 1, "TCP_CORK on");
	for (int i = 0; i < 3; i++)
		REQUIRE(send(a, "ab", 2, 0) == 2, "send corked");
	REQUIRE(!(wait_ev(c, POLLIN, 100) & POLLIN), "corked data held back");
	REQUIRE(ioctl_int(a, SIOCOUTQ) == 6, "SIOCOUTQ 6 while corked (%d)",
	        ioctl_int(a, SIOCOUTQ));
	REQUIRE(!setint(a, IPPROTO_TCP, TCP_CORK, 0) &&
	        getint(a, IPPROTO_TCP, TCP_CORK) == 0, "TCP_CORK off");
	r = read_n(c, b, 6);
	REQUIRE(r == 6 && !memcmp(b, "ababab", 6), "uncorked data (%zd)", r);
	ksft_print_msg("TCP_CORK holds data until uncorked\n");
	close(c);
	close(a);
}

/* MSG_MORE: held until a send without it; shutdown flushes a cork. */
TEST_F(sock, msg_more)
{
	int c, a;
	char b[64];
	ssize_t r;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	REQUIRE(send(a, "xy", 2, MSG_MORE) == 2, "send MSG_MORE");
	REQUIRE(!(wait_ev(c, POLLIN, 100) & POLLIN), "MSG_MORE data held back");
	REQUIRE(send(a, "z", 1, 0) == 1, "send");
	r = read_n(c, b, 3);
	REQUIRE(r == 3 && !memcmp(b, "xyz", 3), "MSG_MORE data (%zd)", r);
	/* A corked socket still sends full messages; shutdown flushes. */
	REQUIRE(!setint(a, IPPROTO_TCP, TCP_CORK, 1), "cork");
	REQUIRE(send(a, "tail", 4, 0) == 4, "send");
	REQUIRE(!shutdown(a, SHUT_WR), "shutdown");
	r = read_n(c, b, sizeof(b));
	REQUIRE(r == 4 && !memcmp(b, "tail", 4), "corked data flushed by shutdown (%zd)",
	        r);
	ksft_print_msg("MSG_MORE holds data until the next send; shutdown flushes a cork\n");
	close(c);
	close(a);
}

/*
 * TCP_NODELAY is off by default, as TCP's.  Small sends then coalesce
 * while one is in flight (SDP's autocork, TCP's Nagle and autocork), but
 * none is stranded: a burst arrives whole with nothing sent after it,
 * and a ping-pong of small messages flows.
 */
TEST_F(sock, small_sends)
{
	enum { N = 200, SZ = 64 };
	static char b[N * SZ];
	char m[SZ];
	int c, a, i, bad = 0;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	REQUIRE(getint(c, IPPROTO_TCP, TCP_NODELAY) == 0 &&
	        getint(a, IPPROTO_TCP, TCP_NODELAY) == 0,
	        "TCP_NODELAY off by default");
	send_timeout(a);
	for (i = 0; i < N; i++) {
		memset(m, 'A' + i % 26, SZ);
		REQUIRE(send(a, m, SZ, 0) == SZ, "small send %d", i);
	}
	REQUIRE(read_n(c, b, sizeof(b)) == sizeof(b),
	        "a burst of %d sends arrives whole, the last included", N);
	for (i = 0; i < N * SZ; i++)
		bad += b[i] != 'A' + i / SZ % 26;
	REQUIRE(!bad, "burst in order (%d bytes differ)", bad);
	send_timeout(c);
	for (i = 0; i < N; i++) {
		REQUIRE(send(c, m, SZ, 0) == SZ && read_n(a, b, SZ) == SZ &&
		        send(a, b, SZ, 0) == SZ && read_n(c, b, SZ) == SZ,
		        "ping-pong round %d", i);
	}
	ksft_print_msg("TCP_NODELAY off by default; %d small sends, burst and ping-pong, none held back\n",
	               N);
	close(c);
	close(a);
}

/*
 * A peer that does not read still takes 128 KiB of 64-byte writes, with
 * TCP_NODELAY on or off, as TCP's receive window and send buffer do:
 * however small the writes, a receive buffer each would not do.
 */
TEST_F(sock, unread_small_writes)
{
	enum { SZ = 64, N = (128 << 10) / SZ };
	static char b[N * SZ];
	int c, a, nd, i, bad;
	char m[SZ];

	for (nd = 0; nd < 2; nd++) {
		REQUIRE(!sock_pair(self->family, self->port + nd, &c, &a),
		        "connected pair");
		REQUIRE(!setint(a, IPPROTO_TCP, TCP_NODELAY, nd), "TCP_NODELAY %d",
		        nd);
		send_timeout(a);
		for (i = 0; i < N; i++) {
			memset(m, 'a' + i % 26, SZ);
			REQUIRE(send(a, m, SZ, 0) == SZ,
			        "TCP_NODELAY %d: write %d of %d, no reader", nd, i, N);
		}
		REQUIRE(read_n(c, b, sizeof(b)) == sizeof(b),
		        "TCP_NODELAY %d: all of it read at last", nd);
		for (i = bad = 0; i < N * SZ; i++)
			bad += b[i] != 'a' + i / SZ % 26;
		REQUIRE(!bad, "TCP_NODELAY %d: in order (%d bytes differ)", nd, bad);
		close(c);
		close(a);
	}
	ksft_print_msg("%d KiB of %d-byte writes taken with no reader, TCP_NODELAY off and on\n",
	               N * SZ >> 10, SZ);
}

struct drain {
	int fd;
	uint64_t got;
	int eof;
	int delay_ms;
};

static void *drainer(void *arg)
{
	struct drain *d = arg;
	static __thread char buf[65536];
	struct timeval tv = { .tv_sec = 20 };

	usleep(d->delay_ms * 1000);
	setsockopt(d->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		ssize_t r = recv(d->fd, buf, sizeof(buf), 0);

		if (r <= 0) {
			d->eof = !r;
			break;
		}
		d->got += r;
	}
	return NULL;
}

/*
 * SO_LINGER 5 s (times time_scale), the peer reading: close() returns once
 * all is delivered, well before the linger time.
 */
TEST_F(sock, linger_peer_reading)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 5 * time_scale };
	static char big[65536];
	struct drain d;
	pthread_t t;
	double t0, dt;
	int c, a;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	d = (struct drain){ .fd = a };
	pthread_create(&t, NULL, drainer, &d);
	REQUIRE(!setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), "linger");
	for (int i = 0; i < 16; i++)
		REQUIRE(send(c, big, sizeof(big), 0) == sizeof(big), "send");
	t0 = now();
	REQUIRE(!close(c), "close");
	dt = now() - t0;
	pthread_join(t, NULL);
	close(a);
	REQUIRE(dt < 4 * time_scale && d.got == 16 * sizeof(big) && d.eof,
	        "linger close %.3f s, peer got %llu eof %d", dt,
	        (unsigned long long)d.got, d.eof);
	ksft_print_msg("SO_LINGER 5 s, peer reading: close returned in %.3f s, all data + EOF\n",
	               dt);
}

/*
 * SO_LINGER, the peer not reading: close() blocks for the linger time;
 * the data and EOF arrive after.
 */
TEST_F(sock, linger_peer_not_reading)
{
	struct linger lg = { .l_onoff = 1 };
	static char big[65536];
	struct drain d;
	uint64_t sent = 0;
	double t0, dt;
	int c, a;
	ssize_t r;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	/*
	 * Full once no room comes for a while: SDP's receiver adds buffers
	 * as a sender fills them (docs/design.md, "Memory"), as TCP's window
	 * grows, up to its rx-buffers.
	 */
	for (;;) {
		r = send(c, big, sizeof(big), MSG_DONTWAIT);
		if (r > 0) {
			sent += r;
			continue;
		}
		if (r < 0 && errno == EAGAIN &&
		    wait_ev(c, POLLOUT, 200 * time_scale) & POLLOUT)
			continue;
		break;
	}
	REQUIRE(r < 0 && errno == EAGAIN, "filled (%llu bytes)",
	        (unsigned long long)sent);
	lg.l_linger = time_scale;
	REQUIRE(!setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), "linger");
	t0 = now();
	REQUIRE(!close(c), "close");
	dt = now() - t0;
	/*
	 * The end of the stream waits behind data the peer has no room for
	 * (TCP's FIN behind a closed window; SDP's DisConn behind the send
	 * slot held for credits), so close() blocks for the linger time.
	 */
	REQUIRE(dt > 0.9 * time_scale && dt < 3 * time_scale,
	        "linger %d s close took %.3f s", time_scale, dt);
	d = (struct drain){ .fd = a };
	drainer(&d);
	close(a);
	REQUIRE(d.got == sent && d.eof, "peer read %llu of %llu after close, eof %d",
	        (unsigned long long)d.got, (unsigned long long)sent, d.eof);
	ksft_print_msg("SO_LINGER %d s, peer not reading: close returned after %.3f s; data (%llu bytes) + EOF delivered after\n",
	               time_scale, dt, (unsigned long long)sent);
}

/* recv() of what is queued: 1 if exactly @want; prints what came if not. */
static int got(int fd, const char *want)
{
	char b[64];
	ssize_t r = recv(fd, b, sizeof(b), MSG_DONTWAIT);

	if (r == (ssize_t)strlen(want) && !memcmp(b, want, r))
		return 1;
	ksft_print_msg("read %zd: \"%.*s\", want \"%s\"\n", r,
		       r > 0 ? (int)r : 0, b, want);
	return 0;
}

/* recvmsg() of one byte with @flags: the byte (or -1), *mflags msg_flags. */
static int recv_byte(int fd, int flags, int *mflags)
{
	unsigned char ch;
	struct iovec iov = { &ch, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r = recvmsg(fd, &m, flags);

	*mflags = m.msg_flags;
	return r == 1 ? ch : -1;
}

/*
 * @pre, then @urg with MSG_OOB (its last byte is the urgent byte) from @s;
 * 0 once @r sees it (POLLPRI: all of it has arrived).
 */
static int send_urgent(int s, int r, const char *pre, const char *urg)
{
	ssize_t n = strlen(pre), u = strlen(urg);

	if (send(s, pre, n, 0) != n || send(s, urg, u, MSG_OOB) != u)
		return -1;
	return wait_ev(r, POLLPRI, 5000) & POLLPRI ? 0 : -1;
}

/* Urgent data read with MSG_OOB before the stream reaches the mark. */
TEST_F(sock, urgent)
{
	const int port = self->port;
	int c, a, fl, ch;

	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	REQUIRE(recv_byte(c, MSG_OOB, &fl) < 0 && errno == EINVAL,
	        "MSG_OOB without urgent data: EINVAL");
	REQUIRE(ioctl_int(c, SIOCATMARK) == 0, "SIOCATMARK 0 without urgent data");
	REQUIRE(!send_urgent(a, c, "xy", "abc"), "urgent data: POLLPRI");
	REQUIRE(ioctl_int(c, SIOCATMARK) == 0, "SIOCATMARK 0 before the mark");
	REQUIRE(ioctl_int(c, SIOCINQ) == 4, "SIOCINQ counts up to the mark (%d)",
	        ioctl_int(c, SIOCINQ));
	fl = epoll_once(c, EPOLLIN | EPOLLPRI, 0);
	REQUIRE(fl == (EPOLLIN | EPOLLPRI), "epoll: EPOLLIN | EPOLLPRI (%#x)",
	        fl);
	ch = recv_byte(c, MSG_OOB | MSG_PEEK, &fl);
	REQUIRE(ch == 'c' && fl == MSG_OOB,
	        "MSG_OOB | MSG_PEEK: %d, msg_flags %#x", ch, fl);
	ch = recv_byte(c, MSG_OOB, &fl);
	REQUIRE(ch == 'c' && fl == MSG_OOB, "MSG_OOB: %d, msg_flags %#x", ch, fl);
	REQUIRE(recv_byte(c, MSG_OOB, &fl) < 0 && errno == EINVAL,
	        "second MSG_OOB: EINVAL");
	fl = wait_ev(c, POLLIN | POLLPRI, 0);
	REQUIRE(fl == POLLIN, "no POLLPRI once read (%#x)", fl);
	ksft_print_msg("urgent byte: POLLPRI / EPOLLPRI, MSG_OOB (and MSG_OOB | MSG_PEEK) return it with msg_flags MSG_OOB, then EINVAL\n");

	REQUIRE(got(c, "xyab"), "read stops at the mark");
	REQUIRE(ioctl_int(c, SIOCATMARK) == 1, "SIOCATMARK 1 at the mark");
	fl = wait_ev(c, POLLIN | POLLPRI, 0);
	REQUIRE(!fl, "only the urgent byte left: not readable (%#x)", fl);
	REQUIRE(send(a, "de", 2, 0) == 2, "send");
	REQUIRE(wait_ev(c, POLLIN, 5000) & POLLIN, "POLLIN");
	REQUIRE(got(c, "de"), "read skips the urgent byte");
	REQUIRE(ioctl_int(c, SIOCATMARK) == 0, "SIOCATMARK 0 past the mark");
	close(c);
	close(a);
	ksft_print_msg("reads stop at the mark (SIOCINQ counts to it, SIOCATMARK 0 before, 1 at it), then skip the urgent byte\n");
}

/* The stream read up to the mark first; reading past it drops the byte. */
TEST_F(sock, urgent_mark)
{
	const int port = self->port;
	int c, a, fl, ch;

	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	REQUIRE(!send_urgent(a, c, "fg", "hij"), "urgent data: POLLPRI");
	REQUIRE(got(c, "fghi"), "read stops at the mark");
	REQUIRE(ioctl_int(c, SIOCATMARK) == 1, "SIOCATMARK 1 at the mark");
	fl = wait_ev(c, POLLIN | POLLPRI, 0);
	REQUIRE(fl == POLLPRI, "at the mark: POLLPRI, not POLLIN (%#x)", fl);
	ch = recv_byte(c, MSG_OOB, &fl);
	REQUIRE(ch == 'j', "MSG_OOB at the mark: %d", ch);
	REQUIRE(send(a, "kl", 2, 0) == 2, "send");
	REQUIRE(wait_ev(c, POLLIN, 5000) & POLLIN, "POLLIN");
	REQUIRE(got(c, "kl"), "read skips the urgent byte");

	REQUIRE(!send_urgent(a, c, "m", "no"), "urgent data: POLLPRI");
	REQUIRE(got(c, "mn"), "read stops at the mark");
	REQUIRE(send(a, "pq", 2, 0) == 2, "send");
	REQUIRE(wait_ev(c, POLLIN, 5000) & POLLIN, "POLLIN");
	REQUIRE(got(c, "pq"), "read past the mark skips the unread urgent byte");
	REQUIRE(recv_byte(c, MSG_OOB, &fl) < 0 && errno == EINVAL,
	        "MSG_OOB after reading past the mark: EINVAL");
	fl = wait_ev(c, POLLIN | POLLPRI, 0);
	REQUIRE(!fl && ioctl_int(c, SIOCATMARK) == 0,
	        "past the mark: no POLLPRI (%#x), SIOCATMARK 0", fl);
	close(c);
	close(a);
	ksft_print_msg("at the mark with only the urgent byte left: POLLPRI without POLLIN; reading past the mark drops an unread urgent byte\n");
}

/* SO_OOBINLINE: the urgent byte stays in the stream. */
TEST_F(sock, oobinline)
{
	const int port = self->port;
	int c, a, fl;

	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	REQUIRE(getint(c, SOL_SOCKET, SO_OOBINLINE) == 0,
	        "SO_OOBINLINE off by default");
	REQUIRE(!setint(c, SOL_SOCKET, SO_OOBINLINE, 1) &&
	        getint(c, SOL_SOCKET, SO_OOBINLINE) == 1, "SO_OOBINLINE on");
	REQUIRE(!send_urgent(a, c, "xy", "abc"), "urgent data: POLLPRI");
	REQUIRE(send(a, "de", 2, 0) == 2, "send");
	for (int i = 0; i < 100 && ioctl_int(c, SIOCINQ) < 7; i++)
		usleep(10000);
	REQUIRE(ioctl_int(c, SIOCINQ) == 7, "SIOCINQ counts the urgent byte (%d)",
	        ioctl_int(c, SIOCINQ));
	REQUIRE(recv_byte(c, MSG_OOB, &fl) < 0 && errno == EINVAL,
	        "MSG_OOB with SO_OOBINLINE: EINVAL");
	REQUIRE(ioctl_int(c, SIOCATMARK) == 0, "SIOCATMARK 0 before the mark");
	REQUIRE(got(c, "xyab"), "read stops at the mark");
	REQUIRE(ioctl_int(c, SIOCATMARK) == 1, "SIOCATMARK 1 at the mark");
	fl = wait_ev(c, POLLIN | POLLPRI, 0);
	REQUIRE(fl == (POLLIN | POLLPRI), "at the mark: POLLIN | POLLPRI (%#x)",
	        fl);
	REQUIRE(got(c, "cde"), "the urgent byte is read in order");
	fl = wait_ev(c, POLLIN | POLLPRI, 0);
	REQUIRE(!fl && ioctl_int(c, SIOCATMARK) == 0,
	        "past the mark: no POLLPRI (%#x), SIOCATMARK 0", fl);
	close(c);
	close(a);
	ksft_print_msg("SO_OOBINLINE: the urgent byte read in order after a stop at the mark, MSG_OOB EINVAL, POLLPRI until read\n");
}

static volatile sig_atomic_t sigurgs;

static void on_sigurg(int sig)
{
	(void)sig;
	sigurgs++;
}

/* SIGURG goes to the owner set with F_SETOWN when urgent data arrives. */
TEST_F(sock, sigurg)
{
	const int port = self->port;
	struct sigaction sa = { .sa_handler = on_sigurg, .sa_flags = SA_RESTART };
	int c, a;

	sigaction(SIGURG, &sa, NULL);
	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	REQUIRE(!fcntl(c, F_SETOWN, getpid()) && fcntl(c, F_GETOWN) == getpid(),
	        "F_SETOWN");
	sigurgs = 0;
	REQUIRE(send(a, "n", 1, 0) == 1 && (wait_ev(c, POLLIN, 5000) & POLLIN),
	        "normal data");
	REQUIRE(!sigurgs, "no SIGURG for normal data");
	REQUIRE(send(a, "u", 1, MSG_OOB) == 1 && (wait_ev(c, POLLPRI, 5000) & POLLPRI),
	        "urgent data: POLLPRI");
	REQUIRE(sigurgs == 1, "one SIGURG (%d)", (int)sigurgs);
	signal(SIGURG, SIG_DFL);
	close(c);
	close(a);
	ksft_print_msg("SIGURG to the F_SETOWN owner when urgent data arrives, not for normal data\n");
}

/* Level-triggered epoll: EPOLLOUT when connected, EPOLLIN while data. */
TEST_F(sock, epoll)
{
	const int port = self->port;
	char b[8];
	int c, a, ep, ev;

	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	ev = epoll_once(c, EPOLLIN | EPOLLOUT, 2000);
	REQUIRE(ev == EPOLLOUT, "connected: EPOLLOUT only (%#x)", ev);
	ep = epoll_new(c, EPOLLIN | EPOLLPRI | EPOLLRDHUP);
	REQUIRE(ep >= 0, "epoll");
	REQUIRE(!epoll_get(ep, 100), "no event without data");
	REQUIRE(send(a, "12345", 5, 0) == 5, "send");
	ev = epoll_get(ep, 2000);
	REQUIRE(ev == EPOLLIN, "EPOLLIN (%#x)", ev);
	REQUIRE(epoll_get(ep, 0) == EPOLLIN, "EPOLLIN again while unread");
	REQUIRE(recv(c, b, 2, 0) == 2, "recv");
	REQUIRE(epoll_get(ep, 0) == EPOLLIN, "EPOLLIN while data is left");
	REQUIRE(recv(c, b, sizeof(b), 0) == 3, "recv");
	REQUIRE(!epoll_get(ep, 100), "no event once drained");
	close(ep);
	close(c);
	close(a);
	ksft_print_msg("epoll level-triggered: EPOLLOUT when connected, EPOLLIN while data is unread\n");
}

/* Edge-triggered epoll: one event per arrival, none lost. */
TEST_F(sock, epollet)
{
	const int port = self->port;
	char b[8];
	int c, a, ep, ev;

	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	ep = epoll_new(c, EPOLLIN | EPOLLET);
	REQUIRE(ep >= 0, "epoll");
	REQUIRE(send(a, "a", 1, 0) == 1, "send");
	ev = epoll_get(ep, 2000);
	REQUIRE(ev == EPOLLIN, "EPOLLET: EPOLLIN on arrival (%#x)", ev);
	REQUIRE(!epoll_get(ep, 100), "EPOLLET: no repeat");
	REQUIRE(send(a, "b", 1, 0) == 1, "send");
	REQUIRE(epoll_get(ep, 2000) == EPOLLIN,
	        "EPOLLET: a new arrival, unread data: new event");
	REQUIRE(!epoll_get(ep, 100), "EPOLLET: no repeat");
	REQUIRE(recv(c, b, 1, 0) == 1 && b[0] == 'a', "recv");
	REQUIRE(send(a, "c", 1, 0) == 1, "send");
	REQUIRE(epoll_get(ep, 2000) == EPOLLIN,
	        "EPOLLET: arrival between reads: new event");
	REQUIRE(recv(c, b, sizeof(b), MSG_DONTWAIT) == 2 && !memcmp(b, "bc", 2) &&
	        recv(c, b, sizeof(b), MSG_DONTWAIT) < 0 && errno == EAGAIN,
	        "read to EAGAIN");
	REQUIRE(!epoll_get(ep, 100), "EPOLLET: no event once drained");
	REQUIRE(send(a, "d", 1, 0) == 1, "send");
	REQUIRE(epoll_get(ep, 2000) == EPOLLIN,
	        "EPOLLET: arrival after EAGAIN: new event");
	close(ep);
	close(c);
	close(a);
	ksft_print_msg("epoll edge-triggered: one event per arrival, no repeat, none lost between reads or after EAGAIN\n");
}

/*
 * The socket may change under the program at connect() or listen() (an
 * IPPROTO_SDP socket the rule table makes a TCP socket): what it set up
 * before, it keeps.  Here: epoll, edge-triggered, registered before a
 * non-blocking connect().
 */
TEST_F(sock, epoll_before_connect)
{
	struct sockaddr_storage sa;
	socklen_t alen = sock_addr_with_port(self->port, &sa);
	int l = sock_listen(self->family, self->port, 1);
	int c = sock_open(self->family), a, ep, ev, r;

	REQUIRE(l >= 0 && c >= 0, "listener and socket");
	REQUIRE(!fcntl(c, F_SETFL, O_NONBLOCK), "O_NONBLOCK");
	ep = epoll_new(c, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
	REQUIRE(ep >= 0, "epoll before connect");
	epoll_get(ep, 0);	/* an unconnected socket's EPOLLOUT | EPOLLHUP */
	r = connect(c, (struct sockaddr *)&sa, alen);
	REQUIRE(!r || errno == EINPROGRESS, "non-blocking connect");
	ev = epoll_until(ep, EPOLLOUT, 5000);
	REQUIRE(ev & EPOLLOUT, "EPOLLOUT once connected (%#x)", ev);
	REQUIRE(!(ev & (EPOLLERR | EPOLLHUP)), "no error (%#x)", ev);
	a = accept(l, NULL, NULL);
	REQUIRE(a >= 0, "accept");
	REQUIRE(!(epoll_get(ep, 100) & EPOLLIN), "no EPOLLIN before data");
	REQUIRE(send(a, "x", 1, 0) == 1, "send");
	ev = epoll_until(ep, EPOLLIN, 5000);
	REQUIRE(ev & EPOLLIN, "EPOLLIN on arrival (%#x)", ev);
	close(a);
	ev = epoll_until(ep, EPOLLRDHUP, 5000);
	REQUIRE(ev & EPOLLRDHUP, "EPOLLRDHUP on the peer's close (%#x)", ev);
	close(ep);
	close(c);
	close(l);
	ksft_print_msg("epoll (EPOLLET) registered before connect() sees the connection, data and the peer's close\n");
}

/*
 * The same for a listener: epoll instances registered before listen(),
 * one of them EPOLLEXCLUSIVE (nginx's workers), both edge-triggered so
 * that only a wake-up can report the client.
 */
TEST_F(sock, epoll_before_listen)
{
	struct sockaddr_storage sa;
	socklen_t alen = sock_addr_with_port(self->port, &sa);
	int l = sock_open(self->family), c, a, ep1, ep2, ev;

	REQUIRE(l >= 0 && !setint(l, SOL_SOCKET, SO_REUSEADDR, 1) &&
	        !bind(l, (struct sockaddr *)&sa, alen), "bound socket");
	ep1 = epoll_new(l, EPOLLIN | EPOLLET | EPOLLEXCLUSIVE);
	ep2 = epoll_new(l, EPOLLIN | EPOLLET);
	REQUIRE(ep1 >= 0 && ep2 >= 0, "epoll before listen");
	epoll_get(ep1, 0);	/* an unconnected socket's EPOLLHUP */
	epoll_get(ep2, 0);
	REQUIRE(!listen(l, 4), "listen");
	REQUIRE(!epoll_get(ep1, 100) && !epoll_get(ep2, 0),
	        "no event before a client");
	c = sock_connect(self->family, self->port);
	REQUIRE(c >= 0, "connect");
	ev = epoll_get(ep1, 5000);
	REQUIRE(ev == EPOLLIN, "EPOLLEXCLUSIVE instance: EPOLLIN (%#x)", ev);
	ev = epoll_get(ep2, 5000);
	REQUIRE(ev == EPOLLIN, "second instance: EPOLLIN (%#x)", ev);
	a = accept(l, NULL, NULL);
	REQUIRE(a >= 0, "accept");
	close(a);
	close(c);
	close(ep1);
	close(ep2);
	close(l);
	ksft_print_msg("epoll (EPOLLET, EPOLLEXCLUSIVE) registered before listen() sees the client\n");
}

static volatile sig_atomic_t sigios;

static void on_sigio(int sig)
{
	(void)sig;
	sigios++;
}

/* O_ASYNC and F_SETOWN set before connect(): SIGIO when data arrives. */
TEST_F(sock, async_before_connect)
{
	struct sigaction sa = { .sa_handler = on_sigio, .sa_flags = SA_RESTART };
	int l = sock_listen(self->family, self->port, 1);
	int c = sock_open(self->family), a, i;
	struct sockaddr_storage ss;
	socklen_t alen = sock_addr_with_port(self->port, &ss);

	REQUIRE(l >= 0 && c >= 0, "listener and socket");
	sigaction(SIGIO, &sa, NULL);
	REQUIRE(!fcntl(c, F_SETOWN, getpid()) &&
	        !fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_ASYNC),
	        "F_SETOWN, O_ASYNC before connect");
	REQUIRE(!connect(c, (struct sockaddr *)&ss, alen), "connect");
	REQUIRE(fcntl(c, F_GETOWN) == getpid(), "F_GETOWN after connect");
	a = accept(l, NULL, NULL);
	REQUIRE(a >= 0, "accept");
	sigios = 0;
	REQUIRE(send(a, "x", 1, 0) == 1, "send");
	for (i = 0; i < 500 && !sigios; i++)
		usleep(10000);
	REQUIRE(sigios >= 1, "SIGIO for the data (%d)", (int)sigios);
	sigios = 0;
	close(a);
	for (i = 0; i < 500 && !sigios; i++)
		usleep(10000);
	REQUIRE(sigios >= 1, "SIGIO for the peer's close (%d)", (int)sigios);
	close(c);
	close(l);
	signal(SIGIO, SIG_DFL);
	ksft_print_msg("O_ASYNC and F_SETOWN set before connect(): SIGIO on data and on the peer's close\n");
}

/*
 * Options set before connect() read back the same on the connection
 * (replayed onto a TCP socket that replaced the socket, if one did).
 */
TEST_F(sock, options_before_connect)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 5 }, lg2;
	/* A whole number of jiffies at any HZ: it reads back as set. */
	struct timeval tv = { .tv_sec = 2, .tv_usec = 500000 }, tv2;
	int l = sock_listen(self->family, self->port, 1);
	int c = sock_open(self->family), a, v;
	struct sockaddr_storage ss;
	socklen_t len, alen = sock_addr_with_port(self->port, &ss);

	REQUIRE(l >= 0 && c >= 0, "listener and socket");
	REQUIRE(!setint(c, SOL_SOCKET, SO_KEEPALIVE, 1) &&
	        !setint(c, IPPROTO_TCP, TCP_KEEPIDLE, 33) &&
	        !setint(c, IPPROTO_TCP, TCP_KEEPINTVL, 7) &&
	        !setint(c, IPPROTO_TCP, TCP_KEEPCNT, 4) &&
	        !setint(c, IPPROTO_TCP, TCP_NODELAY, 1) &&
	        !setint(c, IPPROTO_TCP, TCP_USER_TIMEOUT, 30000) &&
	        !setint(l, IPPROTO_TCP, TCP_USER_TIMEOUT, 25000) &&
	        !setint(c, SOL_SOCKET, SO_RCVBUF, 65536) &&
	        !setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) &&
	        !setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
	        "options before connect");
	REQUIRE(!connect(c, (struct sockaddr *)&ss, alen), "connect");
	a = accept(l, NULL, NULL);
	REQUIRE(a >= 0, "accept");
	REQUIRE(getint(c, SOL_SOCKET, SO_KEEPALIVE) == 1, "SO_KEEPALIVE");
	REQUIRE(getint(c, IPPROTO_TCP, TCP_KEEPIDLE) == 33, "TCP_KEEPIDLE");
	REQUIRE(getint(c, IPPROTO_TCP, TCP_KEEPINTVL) == 7, "TCP_KEEPINTVL");
	REQUIRE(getint(c, IPPROTO_TCP, TCP_KEEPCNT) == 4, "TCP_KEEPCNT");
	REQUIRE(getint(c, IPPROTO_TCP, TCP_NODELAY) == 1, "TCP_NODELAY");
	REQUIRE(getint(c, IPPROTO_TCP, TCP_USER_TIMEOUT) == 30000,
	        "TCP_USER_TIMEOUT");
	v = getint(a, IPPROTO_TCP, TCP_USER_TIMEOUT);
	REQUIRE(v == 25000, "accepted socket: the listener's TCP_USER_TIMEOUT (%d)", v);
	v = getint(c, SOL_SOCKET, SO_RCVBUF);
	REQUIRE(v == 2 * 65536, "SO_RCVBUF (%d)", v);
	len = sizeof(lg2);
	REQUIRE(!getsockopt(c, SOL_SOCKET, SO_LINGER, &lg2, &len) &&
	        lg2.l_onoff && lg2.l_linger == 5, "SO_LINGER");
	len = sizeof(tv2);
	REQUIRE(!getsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv2, &len) &&
	        tv2.tv_sec == 2 && tv2.tv_usec / 1000 == 500, "SO_RCVTIMEO");
	close(a);
	close(c);
	close(l);
	ksft_print_msg("SOL_SOCKET and TCP options set before connect() hold on the connection\n");
}

/*
 * The socket is an ordinary fd across fork() and execve(): a shell given
 * it as its standard output writes to the connection, and the parent's
 * end still works after the child is gone.
 */
TEST_F(sock, fork_exec)
{
	int c, a, status;
	char b[16];
	pid_t pid;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	pid = fork();
	REQUIRE(pid >= 0, "fork");
	if (!pid) {
		dup2(c, 1);
		execl("/bin/sh", "sh", "-c", "printf exec", (char *)NULL);
		_exit(127);
	}
	REQUIRE(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	        !WEXITSTATUS(status), "the shell ran (status %#x)", status);
	REQUIRE(read_n(a, b, 4) == 4 && !memcmp(b, "exec", 4),
	        "its output came through the connection");
	REQUIRE(send(c, "back", 4, 0) == 4 && read_n(a, b, 4) == 4 &&
	        !memcmp(b, "back", 4), "the parent's end works after it");
	close(c);
	close(a);
	ksft_print_msg("fork + exec: a shell writes to the socket as its stdout\n");
}

#define EV_ALL (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI)

/* The peer's shutdown(SHUT_WR): EPOLLRDHUP with EPOLLIN, then EOF. */
TEST_F(sock, rdhup)
{
	const int port = self->port;
	char b[8];
	int c, a, ev;

	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	REQUIRE(!shutdown(a, SHUT_WR), "shutdown");
	ev = epoll_once(c, EPOLLIN | EPOLLRDHUP, 2000);
	REQUIRE(ev == (EPOLLIN | EPOLLRDHUP), "EPOLLIN | EPOLLRDHUP (%#x)", ev);
	ev = epoll_once(c, EV_ALL, 0);
	REQUIRE(ev == (EPOLLIN | EPOLLOUT | EPOLLRDHUP), "all events (%#x)", ev);
	ev = wait_ev(c, POLLIN | POLLRDHUP | POLLOUT, 0);
	REQUIRE(ev == (POLLIN | POLLRDHUP | POLLOUT),
	        "poll: POLLIN | POLLRDHUP | POLLOUT (%#x)", ev);
	REQUIRE(recv(c, b, sizeof(b), 0) == 0, "EOF");
	close(c);
	close(a);
	ksft_print_msg("peer's SHUT_WR: EPOLLIN | EPOLLOUT | EPOLLRDHUP (POLLRDHUP), no EPOLLHUP, read 0\n");
}

/* EPOLLHUP once both directions are shut. */
TEST_F(sock, hup)
{
	const int port = self->port;
	const int hup = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLHUP;
	char b[4];
	int c, a, ev;

	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	REQUIRE(!shutdown(c, SHUT_WR), "shutdown");
	ev = epoll_once(c, EV_ALL, 0);
	REQUIRE(ev == EPOLLOUT, "own SHUT_WR: EPOLLOUT only (%#x)", ev);
	REQUIRE(epoll_once(a, EPOLLRDHUP, 2000) & EPOLLRDHUP, "peer RDHUP");
	REQUIRE(!shutdown(a, SHUT_WR), "shutdown");
	REQUIRE(epoll_once(c, EPOLLRDHUP, 2000) & EPOLLRDHUP, "RDHUP");
	ev = epoll_once(c, EV_ALL, 0);
	REQUIRE(ev == hup, "own and peer's SHUT_WR: %#x, want %#x", ev, hup);
	ev = epoll_once(a, EV_ALL, 0);
	REQUIRE(ev == hup, "peer: %#x, want %#x", ev, hup);
	ev = wait_ev(c, POLLIN | POLLOUT | POLLRDHUP, 0);
	REQUIRE(ev == (POLLIN | POLLOUT | POLLRDHUP | POLLHUP), "poll: %#x", ev);
	close(c);
	close(a);

	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	REQUIRE(!shutdown(c, SHUT_RDWR), "shutdown");
	ev = epoll_once(c, EV_ALL, 0);
	REQUIRE(ev == hup, "SHUT_RDWR: %#x, want %#x", ev, hup);
	REQUIRE(recv(c, b, sizeof(b), 0) == 0, "read 0 after SHUT_RDWR");
	ev = epoll_once(a, EPOLLIN | EPOLLRDHUP, 2000);
	REQUIRE(ev == (EPOLLIN | EPOLLRDHUP), "peer of SHUT_RDWR: %#x", ev);
	close(c);
	close(a);
	ksft_print_msg("EPOLLHUP (with EPOLLIN | EPOLLOUT | EPOLLRDHUP) after own + peer's SHUT_WR or own SHUT_RDWR; own SHUT_WR alone: EPOLLOUT\n");
}

/* The peer aborts: EPOLLERR until SO_ERROR (ECONNRESET) is read. */
TEST_F(sock, reset_events)
{
	const int port = self->port;
	const int hup = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLHUP;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int c, a, ev;

	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	REQUIRE(!setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), "linger 0");
	close(a);
	REQUIRE(epoll_once(c, 0, 2000) & EPOLLERR, "EPOLLERR");
	ev = epoll_once(c, EV_ALL, 0);
	REQUIRE(ev == (hup | EPOLLERR), "reset: %#x, want %#x", ev,
	        hup | EPOLLERR);
	ev = getint(c, SOL_SOCKET, SO_ERROR);
	REQUIRE(ev == ECONNRESET, "SO_ERROR ECONNRESET (%d)", ev);
	REQUIRE(getint(c, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR read clears it");
	ev = epoll_once(c, EV_ALL, 0);
	REQUIRE(ev == hup, "once SO_ERROR read: %#x, want %#x", ev, hup);
	close(c);
	ksft_print_msg("peer abort: EPOLLERR | EPOLLHUP | EPOLLIN | EPOLLOUT | EPOLLRDHUP, SO_ERROR ECONNRESET (then 0, no EPOLLERR)\n");
}

struct waiter {
	int fd;
	int use_epoll;
	int ev;
	double t;	/* when woken */
};

static void *waiter(void *arg)
{
	struct waiter *w = arg;

	if (w->use_epoll)
		w->ev = epoll_once(w->fd, EPOLLIN, 2000);
	else
		w->ev = wait_ev(w->fd, POLLIN, 2000);
	w->t = now();
	return NULL;
}

/* A thread blocked in epoll_wait() (then poll()) is woken by an arrival. */
TEST_F(sock, wakeup)
{
	const int port = self->port;
	struct waiter w;
	pthread_t t;
	double t0;
	char b[4];
	int c, a;

	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	for (int use_epoll = 1; use_epoll >= 0; use_epoll--) {
		w = (struct waiter){ .fd = c, .use_epoll = use_epoll };
		pthread_create(&t, NULL, waiter, &w);
		usleep(100000);
		t0 = now();
		REQUIRE(send(a, "w", 1, 0) == 1, "send");
		pthread_join(t, NULL);
		REQUIRE(w.ev == EPOLLIN && w.t - t0 < 2,
		        "blocked %s woken: %#x after %.3f s", use_epoll ? "epoll_wait" : "poll", w.ev, w.t - t0);
		REQUIRE(recv(c, b, sizeof(b), 0) == 1, "recv");
		ksft_print_msg("a thread blocked in %s is woken by the arrival (%.3f s)\n",
		               use_epoll ? "epoll_wait" : "poll", w.t - t0);
	}
	close(c);
	close(a);
}

struct file_send {
	int sock, file;
	off_t size;
	off_t off;	/* advanced by sendfile() */
	int err;
};

/* sendfile() all of the file into the socket, then shutdown(SHUT_WR). */
static void *file_sender(void *arg)
{
	struct file_send *f = arg;

	while (f->off < f->size) {
		ssize_t w = sendfile(f->sock, f->file, &f->off, f->size - f->off);

		if (w <= 0) {
			f->err = w ? errno : EIO;
			return NULL;
		}
	}
	if (shutdown(f->sock, SHUT_WR))
		f->err = errno;
	return NULL;
}

/* A temporary file (already unlinked) of @size bytes of stream @seed. */
static int patterned_file(off_t size, uint32_t seed)
{
	char name[] = "/tmp/sdp-semantics.XXXXXX";
	static unsigned char buf[65536];
	int fd = mkstemp(name);

	if (fd < 0)
		return -1;
	unlink(name);
	for (off_t off = 0; off < size; off += sizeof(buf)) {
		size_t n = size - off < (off_t)sizeof(buf) ?
			   (size_t)(size - off) : sizeof(buf);

		fill(buf, n, off, seed);
		if (write(fd, buf, n) != (ssize_t)n) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* sendfile() from a regular file into the socket. */
TEST_F(sock, sendfile)
{
	const int port = self->port;
	const off_t size = (4 << 20) + 12345;
	struct file_send f = { .size = size };
	struct xfer rx = { .seed = 5, .chunk = 65536 };
	pthread_t t;
	int c, a;

	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	f.sock = c;
	send_timeout(c);
	f.file = patterned_file(size, 5);
	REQUIRE(f.file >= 0, "temporary file");
	rx.fd = a;
	pthread_create(&t, NULL, file_sender, &f);
	receiver(&rx);
	pthread_join(t, NULL);
	close(f.file);
	close(c);
	close(a);
	errno = f.err ?: rx.err;
	REQUIRE(!f.err && f.off == size, "sendfile: %lld of %lld bytes", (long long)f.off, (long long)size);
	REQUIRE(!rx.err && rx.done == (uint64_t)size,
	        "received %llu of %lld bytes, content %s", (unsigned long long)rx.done, (long long)size,
	        rx.err == EBADMSG ? "differs" : "as sent");
	ksft_print_msg("sendfile() of a %lld byte file: bytes and content as in the file\n",
	               (long long)size);
}

/* Read exactly @n bytes from a pipe. */
static int pipe_read(int fd, unsigned char *b, size_t n)
{
	while (n) {
		ssize_t r = read(fd, b, n);

		if (r <= 0)
			return -1;
		b += r;
		n -= r;
	}
	return 0;
}

/*
 * splice() socket -> pipe until EOF, the bytes checked against stream
 * @seed; 0 or an errno (EBADMSG: content differs).
 */
static int splice_in(int sock, int p[2], uint32_t seed, uint64_t *done)
{
	static unsigned char buf[65536], want[65536];
	int bad = 0;
	ssize_t r;

	while ((r = splice(sock, NULL, p[1], NULL, sizeof(buf), 0)) > 0) {
		if (pipe_read(p[0], buf, r))
			return errno;
		fill(want, r, *done, seed);
		bad |= !!memcmp(buf, want, r);
		*done += r;
	}
	return r ? errno : bad ? EBADMSG : 0;
}

/*
 * splice() pipe -> socket: @bytes of stream @seed, written into the pipe
 * in @chunk pieces; 0 or an errno.
 */
static int splice_out(int sock, int p[2], uint32_t seed, uint64_t bytes,
		      size_t chunk)
{
	static unsigned char buf[65536];

	for (uint64_t off = 0; off < bytes; off += chunk) {
		size_t n = bytes - off < chunk ? bytes - off : chunk;

		fill(buf, n, off, seed);
		if (write(p[1], buf, n) != (ssize_t)n)
			return errno;
		while (n) {
			ssize_t w = splice(p[0], NULL, sock, NULL, n, 0);

			if (w <= 0)
				return w ? errno : EIO;
			n -= w;
		}
	}
	return 0;
}

/* splice() from the socket into a pipe, to EOF. */
TEST_F(sock, splice_in)
{
	const uint64_t bytes = (1 << 20) + 777;
	struct xfer x = { .bytes = bytes, .seed = 6, .chunk = 40000 };
	uint64_t done = 0;
	pthread_t t;
	int c, a, p[2], err;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	REQUIRE(!pipe(p), "pipe");
	x.fd = a;
	send_timeout(a);
	pthread_create(&t, NULL, sender, &x);
	err = splice_in(c, p, 6, &done);
	pthread_join(t, NULL);
	errno = err ?: x.err;
	REQUIRE(!err && !x.err && done == bytes,
	        "splice socket -> pipe: %llu of %llu bytes",
	        (unsigned long long)done, (unsigned long long)bytes);
	ksft_print_msg("splice() socket -> pipe: %llu bytes to EOF, content as sent\n",
	               (unsigned long long)bytes);
	close(p[0]);
	close(p[1]);
	close(c);
	close(a);
}

/* splice() from a pipe into the socket. */
TEST_F(sock, splice_out)
{
	const uint64_t bytes = (1 << 20) + 777;
	struct xfer x;
	pthread_t t;
	int c, a, p[2], err;

	REQUIRE(!sock_pair(self->family, self->port, &c, &a), "connected pair");
	REQUIRE(!pipe(p), "pipe");
	x = (struct xfer){ .fd = a, .seed = 7, .chunk = 65536 };
	pthread_create(&t, NULL, receiver, &x);
	err = splice_out(c, p, 7, bytes, 40000);
	shutdown(c, SHUT_WR);
	pthread_join(t, NULL);
	errno = err;
	REQUIRE(!err, "splice pipe -> socket");
	errno = x.err;
	REQUIRE(!x.err && x.done == bytes, "splice pipe -> socket: received %llu of %llu",
	        (unsigned long long)x.done, (unsigned long long)bytes);
	close(p[0]);
	close(p[1]);
	close(c);
	close(a);
	ksft_print_msg("splice() pipe -> socket: %llu bytes, content as sent\n",
	               (unsigned long long)bytes);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* CPU time this thread has used, in seconds. */
static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A recv() on @fd that must wait for its timeout (SO_RCVTIMEO 1 s) and
 * return @want bytes: it sleeps (little CPU), and returns at the timeout.
 * A watchdog signal after 4 s ends a recv() that never would.
 */
static void peek_times_out(struct __test_metadata *_metadata, int fd,
			   int flags, size_t len, const char *want,
			   const char *what)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct timeval tv = { .tv_sec = 1 };
	char b[128];
	double t0, c0, dt, cpu;
	ssize_t r;

	sigaction(SIGALRM, &sa, NULL);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	alarm(4);
	t0 = now();
	c0 = thread_cpu();
	r = recv(fd, b, len, flags);
	cpu = thread_cpu() - c0;
	dt = now() - t0;
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	REQUIRE(r == (ssize_t)strlen(want) && !memcmp(b, want, r) &&
	        dt > 0.9 && dt < 3.5 && cpu < 0.5,
	        "%s: %zd bytes after %.2f s using %.2f s of CPU", what,
	        r, dt, cpu);
	ksft_print_msg("%s sleeps until SO_RCVTIMEO (%.2f s, %.2f s CPU), returns what it saw\n",
	               what, dt, cpu);
}

/* A peek that has seen everything queued sleeps, as any read would. */
TEST_F(sock, peek_wait)
{
	const int port = self->port;
	int c, a, lowat = 50;
	char b[16];

	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	REQUIRE(send(a, "0123456789", 10, 0) == 10, "send");
	REQUIRE(wait_ev(c, POLLIN, 5000) & POLLIN, "poll POLLIN");
	peek_times_out(_metadata, c, MSG_PEEK | MSG_WAITALL, 100, "0123456789",
		       "MSG_PEEK | MSG_WAITALL of 100 with 10 queued");
	REQUIRE(!setsockopt(c, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat)),
	        "SO_RCVLOWAT");
	peek_times_out(_metadata, c, MSG_PEEK, 100, "0123456789",
		       "MSG_PEEK below SO_RCVLOWAT 50");
	lowat = 1;
	setsockopt(c, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat));
	REQUIRE(recv(c, b, sizeof(b), 0) == 10 && !memcmp(b, "0123456789", 10),
	        "the peeked bytes are still there");
	close(c);
	close(a);
}

/* A peek stops at the urgent mark, in line or not, and repeats nothing. */
TEST_F(sock, peek_mark)
{
	const int port = self->port;
	char b[40];
	int inl;

	for (inl = 0; inl <= 1; inl++) {
		int c, a;
		ssize_t r;

		REQUIRE(!sock_pair(self->family, port + inl, &c, &a), "connected pair");
		REQUIRE(!setint(c, SOL_SOCKET, SO_OOBINLINE, inl), "SO_OOBINLINE");
		REQUIRE(!send_urgent(a, c, "", "abcdef"), "urgent data: POLLPRI");
		r = recv(c, b, sizeof(b), MSG_PEEK);
		REQUIRE(r == 5 && !memcmp(b, "abcde", 5),
		        "MSG_PEEK (SO_OOBINLINE %d) got %zd: \"%.*s\"", inl,
		        r, r > 0 ? (int)r : 0, b);
		REQUIRE(got(c, "abcde"), "then the read stops at the mark too");
		close(c);
		close(a);
	}
	ksft_print_msg("MSG_PEEK stops before the urgent mark, with and without SO_OOBINLINE\n");
}

/* Options TCP's accepted sockets take from their listener. */
TEST_F(sock, accept_inherit)
{
	const int port = self->port;
	struct linger lg = { .l_onoff = 1, .l_linger = 7 }, lg2;
	struct timeval rt = { .tv_sec = 3, .tv_usec = 500000 };
	struct timeval st = { .tv_sec = 2, .tv_usec = 500000 }, t2;
	int l = sock_listen(self->family, port, 4), c, a;
	socklen_t len;

	REQUIRE(l >= 0, "listen");
	REQUIRE(!setsockopt(l, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) &&
	        !setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &rt, sizeof(rt)) &&
	        !setsockopt(l, SOL_SOCKET, SO_SNDTIMEO, &st, sizeof(st)) &&
	        !setint(l, SOL_SOCKET, SO_OOBINLINE, 1) &&
	        !setint(l, SOL_SOCKET, SO_RCVLOWAT, 7) &&
	        !setint(l, SOL_SOCKET, SO_KEEPALIVE, 1) &&
	        !setint(l, IPPROTO_TCP, TCP_KEEPIDLE, 77) &&
	        !setint(l, IPPROTO_TCP, TCP_NODELAY, 1) &&
	        !setint(l, IPPROTO_TCP, TCP_CORK, 1), "listener options");
	c = sock_connect(self->family, port);
	REQUIRE(c >= 0, "connect");
	a = accept(l, NULL, NULL);
	REQUIRE(a >= 0, "accept");
	close(l);
	REQUIRE(getint(a, SOL_SOCKET, SO_TYPE) == SOCK_STREAM,
	        "accepted SO_TYPE %d", getint(a, SOL_SOCKET, SO_TYPE));
	REQUIRE(getint(a, SOL_SOCKET, SO_PROTOCOL) ==
	        sock_protocol_connected(self->family), "accepted SO_PROTOCOL");
	len = sizeof(lg2);
	REQUIRE(!getsockopt(a, SOL_SOCKET, SO_LINGER, &lg2, &len) &&
	        lg2.l_onoff && lg2.l_linger == 7, "accepted SO_LINGER");
	len = sizeof(t2);
	REQUIRE(!getsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &t2, &len) &&
	        t2.tv_sec == 3 && t2.tv_usec / 1000 == 500,
	        "accepted SO_RCVTIMEO");
	len = sizeof(t2);
	REQUIRE(!getsockopt(a, SOL_SOCKET, SO_SNDTIMEO, &t2, &len) &&
	        t2.tv_sec == 2 && t2.tv_usec / 1000 == 500,
	        "accepted SO_SNDTIMEO %ld.%06ld", (long)t2.tv_sec,
	        (long)t2.tv_usec);
	REQUIRE(getint(a, SOL_SOCKET, SO_OOBINLINE) == 1, "accepted SO_OOBINLINE");
	REQUIRE(getint(a, SOL_SOCKET, SO_RCVLOWAT) == 7, "accepted SO_RCVLOWAT");
	REQUIRE(getint(a, SOL_SOCKET, SO_KEEPALIVE) == 1 &&
	        getint(a, IPPROTO_TCP, TCP_KEEPIDLE) == 77,
	        "accepted SO_KEEPALIVE, TCP_KEEPIDLE");
	REQUIRE(getint(a, IPPROTO_TCP, TCP_NODELAY) == 1, "accepted TCP_NODELAY");
	REQUIRE(getint(a, IPPROTO_TCP, TCP_CORK) == 1, "accepted TCP_CORK");
	REQUIRE(getint(c, SOL_SOCKET, SO_LINGER) != 1 &&
	        getint(c, IPPROTO_TCP, TCP_CORK) == 0,
	        "the connecting end keeps its own defaults");
	close(c);
	close(a);
	ksft_print_msg("accepted sockets are SOCK_STREAM and inherit SO_LINGER, SO_RCVTIMEO, SO_SNDTIMEO, SO_OOBINLINE, SO_RCVLOWAT, keepalive, TCP_NODELAY, TCP_CORK\n");
}

static void *acceptor(void *arg)
{
	int *fd = arg;

	*fd = accept(*fd, NULL, NULL);
	if (*fd < 0)
		*fd = -errno;
	return NULL;
}

/* A connection to listener @l on @port, accepted, then both ends closed. */
static int connect_accept(int family, int l, int port)
{
	int c = sock_connect(family, port), a;

	if (c < 0)
		return -1;
	a = accept(l, NULL, NULL);
	close(c);
	if (a < 0)
		return -1;
	close(a);
	return 0;
}

/*
 * shutdown() on a listener: SHUT_WR does nothing, SHUT_RD stops listening
 * and wakes a blocked accept() (EINVAL); listen() starts it again.
 */
TEST_F(sock, listen_shutdown)
{
	const int port = self->port;
	int l = sock_listen(self->family, port, 4), res;
	struct timespec until;
	pthread_t t;

	REQUIRE(l >= 0, "listen");
	REQUIRE(!shutdown(l, SHUT_WR), "SHUT_WR on a listener: 0");
	REQUIRE(!connect_accept(self->family, l, port), "connect and accept after SHUT_WR");

	res = l;
	pthread_create(&t, NULL, acceptor, &res);
	usleep(300000);
	REQUIRE(!shutdown(l, SHUT_RD), "SHUT_RD on a listener: 0");
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	if (pthread_timedjoin_np(t, NULL, &until)) {
		/* Still blocked: a connection ends it, so the test can go on. */
		close(sock_connect(self->family, port));
		pthread_join(t, NULL);
		REQUIRE(0, "SHUT_RD wakes the blocked accept()");
	}
	REQUIRE(res == -EINVAL, "the woken accept() fails with EINVAL (%d)",
	        res);
	REQUIRE(getint(l, SOL_SOCKET, SO_ACCEPTCONN) == 0,
	        "no longer listening");
	REQUIRE(!listen(l, 4), "listen() again");
	REQUIRE(!connect_accept(self->family, l, port), "connect and accept again");
	close(l);
	ksft_print_msg("shutdown() of a listener: SHUT_WR no-op, SHUT_RD wakes accept() with EINVAL, listen() again works\n");
}

/* Last: on a kernel that loses its place here, every other test has run. */
struct peeker {
	int fd;
	char buf[128];
	ssize_t r;
};

static void *peeker(void *arg)
{
	struct peeker *p = arg;

	p->r = recv(p->fd, p->buf, 100, MSG_PEEK | MSG_WAITALL);
	return NULL;
}

/*
 * Two readers: one peeks and waits for more, the other consumes what it
 * peeked.  The peek goes on from the consumer's position (TCP's "race in
 * MSG_PEEK") and ends at its timeout; the kernel must not lose its place.
 */
TEST_F(sock, peek_race)
{
	const int port = self->port;
	struct timeval tv = { .tv_sec = 2 };
	struct peeker p = { .r = -2 };
	struct timespec until;
	pthread_t t;
	char b[16];
	int c, a;

	REQUIRE(!sock_pair(self->family, port, &c, &a), "connected pair");
	REQUIRE(!setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
	        "SO_RCVTIMEO");
	REQUIRE(send(a, "0123456789", 10, 0) == 10, "send");
	REQUIRE(wait_ev(c, POLLIN, 5000) & POLLIN, "poll POLLIN");
	p.fd = c;
	pthread_create(&t, NULL, peeker, &p);
	usleep(300000);
	REQUIRE(recv(c, b, 10, MSG_DONTWAIT) == 10 && !memcmp(b, "0123456789", 10),
	        "the second reader consumes the peeked bytes");
	usleep(100000);
	REQUIRE(send(a, "ABCDE", 5, 0) == 5, "send");
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 15;
	/* A kernel that lost its place spins unkillably: report, do not wait. */
	REQUIRE(!pthread_timedjoin_np(t, NULL, &until),
	        "the peeking reader returned");
	/* TCP may repeat the new bytes after such a race: only their start counts. */
	REQUIRE(p.r >= 15 && !memcmp(p.buf, "0123456789ABCDE", 15),
	        "the peek saw its bytes, then the new ones (%zd: \"%.*s\")",
	        p.r, p.r > 0 ? (int)p.r : 0, p.buf);
	close(c);
	close(a);
	ksft_print_msg("a peek waiting while another reader consumes goes on from the new position\n");
}


int main(int argc, char **argv)
{
	const char *scale = getenv("SDP_TEST_TIME_SCALE");
	struct __test_metadata *t;

	if (argc < 3 || sock_parse_addr(argv[1]) || atoi(argv[2]) <= 0) {
		fprintf(stderr, "usage: %s ADDR PORT [harness options, -h]\n",
			argv[0]);
		return 2;
	}
	base_port = atoi(argv[2]);
	if (scale && atoi(scale) > 1)
		time_scale = atoi(scale);
	for (t = _sock_fixture_object.tests; t; t = t->next)
		t->timeout = TEST_TIMEOUT * time_scale;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	/* The harness parses what follows ADDR and PORT. */
	argv[2] = argv[0];
	return test_harness_run(argc - 2, argv + 2);
}
