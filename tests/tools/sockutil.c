// SPDX-License-Identifier: GPL-2.0
/* sockutil: see sockutil.h. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "sockutil.h"

int check_failures;

static struct sockaddr_storage addr;	/* port 0 */
static socklen_t addr_len;
static const char *addr_name;

/* @name (an IPv4 or IPv6 literal) as the address under test; 0 if valid. */
int sock_parse_addr(const char *name)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)&addr;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addr;

	addr_name = name;
	if (inet_pton(AF_INET, name, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		addr_len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, name, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		addr_len = sizeof(*a6);
		return 0;
	}
	return -1;
}

const char *sock_addr_name(void)
{
	return addr_name;
}

int sock_addr_family(void)
{
	return addr.ss_family;
}

static in_port_t *port_ptr(struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return &((struct sockaddr_in6 *)ss)->sin6_port;
	return &((struct sockaddr_in *)ss)->sin_port;
}

int sock_port_of(const struct sockaddr_storage *ss)
{
	return ntohs(*port_ptr((struct sockaddr_storage *)ss));
}

socklen_t sock_addr_with_port(int port, struct sockaddr_storage *ss)
{
	*ss = addr;
	*port_ptr(ss) = htons(port);
	return addr_len;
}

int sock_is_addr(const struct sockaddr_storage *ss, socklen_t len)
{
	if (len != addr_len || ss->ss_family != addr.ss_family)
		return 0;
	if (ss->ss_family == AF_INET6)
		return !memcmp(&((struct sockaddr_in6 *)ss)->sin6_addr,
			       &((struct sockaddr_in6 *)&addr)->sin6_addr,
			       sizeof(struct in6_addr));
	return ((struct sockaddr_in *)ss)->sin_addr.s_addr ==
	       ((struct sockaddr_in *)&addr)->sin_addr.s_addr;
}

int sock_family_from_env(void)
{
	const char *f = getenv("SDP_STREAM_FAMILY");

	if (!f || !*f || !strcmp(f, "sdp"))
		return AF_INET_SDP;
	if (!strcmp(f, "tcp"))
		return sock_addr_family();
	if (!strcmp(f, "inet"))
		return INET_SDP;
	return -1;
}

int sock_open(int family)
{
	if (sock_is_inet_sdp(family))
		return socket(sock_addr_family(), SOCK_STREAM, SDP_IPPROTO_SDP);
	return socket(family, SOCK_STREAM, 0);
}

int sock_is_sdp(int family)
{
	return family == AF_INET_SDP || family == INET_SDP ||
	       family == INET_SDP_BOTH;
}

int sock_is_inet_sdp(int family)
{
	return family == INET_SDP || family == INET_SDP_TCP ||
	       family == INET_SDP_BOTH || family == INET_SDP_FALLBACK;
}

int sock_domain(int family)
{
	return sock_is_inet_sdp(family) ? sock_addr_family() : family;
}

int sock_protocol(int family)
{
	return sock_is_inet_sdp(family) ? SDP_IPPROTO_SDP : IPPROTO_TCP;
}

int sock_protocol_connected(int family)
{
	return family == INET_SDP || family == INET_SDP_BOTH ?
	       SDP_IPPROTO_SDP : IPPROTO_TCP;
}

int driver_setup(const char *addr)
{
	if (sock_parse_addr(addr))
		return -1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	return sock_family_from_env();
}

int sock_read_tcp_info(int fd, struct sock_tcp_info *ti)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len))
		return -1;
	*ti = (struct sock_tcp_info){
		.state = info.tcpi_state,
		.snd_mss = info.tcpi_snd_mss,
		.rcv_mss = info.tcpi_rcv_mss,
		.unacked = info.tcpi_unacked,
		.snd_wnd = info.tcpi_snd_wnd,
		.segs_out = info.tcpi_segs_out,
		.segs_in = info.tcpi_segs_in,
		.bytes_sent = info.tcpi_bytes_sent,
		.bytes_acked = info.tcpi_bytes_acked,
		.bytes_received = info.tcpi_bytes_received,
	};
	return 0;
}

int sock_listen(int family, int port, int backlog)
{
	struct sockaddr_storage a;
	socklen_t alen = sock_addr_with_port(port, &a);
	int s = sock_open(family), one = 1;

	if (s < 0)
		return -1;
	/* TCP's TIME_WAIT would hold the port between tests (a both one's too). */
	if (!sock_is_sdp(family) || family == INET_SDP_BOTH)
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, alen) || listen(s, backlog)) {
		close(s);
		return -1;
	}
	return s;
}

int sock_listen_reuseport(int family, int port, int reuse)
{
	struct sockaddr_storage sa;
	socklen_t len = sock_addr_with_port(port, &sa);
	int fd = sock_open(family), one = 1, err;

	if (fd < 0)
		return -1;
	/* As sock_listen(): TCP's closing children would hold the port. */
	if (!sock_is_sdp(family))
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if ((reuse &&
	     setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))) ||
	    bind(fd, (struct sockaddr *)&sa, len) || listen(fd, 64)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int sock_connect(int family, int port)
{
	struct sockaddr_storage a;
	socklen_t alen = sock_addr_with_port(port, &a);
	int s = sock_open(family);

	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&a, alen)) {
		int e = errno;

		close(s);
		errno = e;
		return -1;
	}
	return s;
}

int sock_pair(int family, int port, int *c, int *a)
{
	int l = sock_listen(family, port, 4);

	*c = *a = -1;
	if (l < 0)
		return -1;
	*c = sock_connect(family, port);
	if (*c >= 0)
		*a = accept(l, NULL, NULL);
	close(l);
	if (*c < 0 || *a < 0) {
		if (*c >= 0)
			close(*c);
		return -1;
	}
	return 0;
}

int wait_ev(int fd, short ev, int ms)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int n;

	do
		n = poll(&p, 1, ms);
	while (n < 0 && errno == EINTR);
	return n == 1 ? p.revents : 0;
}

ssize_t read_n(int fd, void *b, size_t n)
{
	struct timeval tv = { .tv_sec = 10 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return recv(fd, b, n, MSG_WAITALL);
}

void send_timeout(int fd)
{
	struct timeval tv = { .tv_sec = 10 };

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void fill(unsigned char *b, size_t n, uint64_t off, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t x = (off + i + ((uint64_t)seed << 40)) *
			     0x9E3779B97F4A7C15ull;

		b[i] = (unsigned char)(x >> 56);
	}
}

uint64_t fnv(uint64_t h, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* 1 .. 16 MiB, log-uniform-ish: uniform in 1 .. 2^e, e uniform in 0 .. 24. */
static size_t rnd_size(uint64_t *s)
{
	unsigned int e = rnd(s) % 25;

	return 1 + rnd(s) % ((size_t)1 << e);
}

/* The length of the next send() or recv() buffer. */
static size_t next_len(struct xfer *x)
{
	size_t n = x->random_sizes ? rnd_size(&x->rng) : x->chunk;

	return n < x->chunk ? n : x->chunk;
}

void *sender(void *arg)
{
	struct xfer *x = arg;
	unsigned char *buf = malloc(x->chunk);
	uint64_t h = FNV_INIT;

	while (x->done < x->bytes) {
		size_t n = next_len(x);
		ssize_t w;

		if (n > x->bytes - x->done)
			n = x->bytes - x->done;
		fill(buf, n, x->done, x->seed);
		w = send(x->fd, buf, n, MSG_NOSIGNAL);
		x->calls++;
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

void *receiver(void *arg)
{
	struct xfer *x = arg;
	unsigned char *buf = malloc(x->chunk), *want = malloc(x->chunk);
	uint64_t h = FNV_INIT;

	for (;;) {
		ssize_t r = recv(x->fd, buf, next_len(x), 0);

		x->calls++;
		if (r < 0) {
			x->err = errno;
			break;
		}
		if (!r)
			break;
		/* A mismatch: go on reading to EOF, so that the sender ends. */
		if (!x->err) {
			fill(want, r, x->done, x->seed);
			if (memcmp(buf, want, r))
				x->err = EBADMSG;
		}
		h = fnv(h, buf, r);
		x->done += r;
	}
	x->sum = h;
	free(buf);
	free(want);
	return NULL;
}

void *run_side(void *arg)
{
	struct side *s = arg;
	pthread_t t;

	pthread_create(&t, NULL, sender, &s->tx);
	receiver(&s->rx);
	pthread_join(t, NULL);
	return NULL;
}
