/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sockutil: what the SDP test programs (sdp-semantics, sdp-xfer, sdp-load)
 * share: the address under test, connected pairs of AF_INET_SDP,
 * IPPROTO_SDP or TCP sockets, and checksummed bulk transfers.
 */
#ifndef SDP_TESTS_SOCKUTIL_H
#define SDP_TESTS_SOCKUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/socket.h>
#include <linux/sdp.h>

#define AF_INET_SDP SDP_AF_INET_SDP
/*
 * Not a family: the tools' "family" argument for an IPPROTO_SDP socket of
 * the address's family (socket(AF_INET or AF_INET6, ..., IPPROTO_SDP)).
 */
#define INET_SDP (1 << 16 | SDP_IPPROTO_SDP)
/*
 * The same sockets where the rule table says TCP (tests/vm runs that
 * variant with default-action tcp): IPPROTO_SDP until connect() or
 * listen(), TCP's sockets after.
 */
#define INET_SDP_TCP (2 << 16 | SDP_IPPROTO_SDP)
/*
 * The same where the rule table says both (default-action both): a
 * listener that takes SDP and TCP clients, a connect that tries SDP
 * first; between two of them, SDP connections.
 */
#define INET_SDP_BOTH (3 << 16 | SDP_IPPROTO_SDP)
/*
 * The same where it says tcp for listen and both for connect: every
 * connect tries SDP, is refused (no SDP listener) and goes on over TCP,
 * the switch made after connect() started; TCP's semantics.
 */
#define INET_SDP_FALLBACK (4 << 16 | SDP_IPPROTO_SDP)

/*
 * The drivers' check (sdp-xfer, sdp-load): print "FAIL: ..." (one line,
 * counted by tests/vm/testlib.sh), count it, and return -1 from the
 * calling function.  Their successes print "ok: ..." lines.
 */
extern int check_failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		printf("FAIL: " __VA_ARGS__);				\
		printf(" (%s:%d errno %d %s)\n", __func__, __LINE__,	\
		       errno, strerror(errno));				\
		check_failures++;					\
		return -1;						\
	}								\
} while (0)

/*
 * The address under test: set once by sock_parse_addr() before anything
 * runs, read-only after.
 */
int sock_parse_addr(const char *addr);
const char *sock_addr_name(void);
/* AF_INET or AF_INET6: the family of TCP sockets to the same address. */
int sock_addr_family(void);
/* The address with @port into *ss; returns its length. */
socklen_t sock_addr_with_port(int port, struct sockaddr_storage *ss);
/* @ss (of length @len) has the family, length and host of the address. */
int sock_is_addr(const struct sockaddr_storage *ss, socklen_t len);
int sock_port_of(const struct sockaddr_storage *ss);

/*
 * SDP_STREAM_FAMILY=tcp runs the drivers over TCP instead of SDP (to try
 * them on a host without SDP), =inet over IPPROTO_SDP sockets: AF_INET_SDP
 * (unset, or "sdp"), the address's TCP family, INET_SDP, or -1 if the
 * variable names none of them.
 */
int sock_family_from_env(void);
/* A stream socket of @family (AF_INET_SDP, TCP's, INET_SDP or INET_SDP_TCP). */
int sock_open(int family);
/* @family's connections are SDP's (AF_INET_SDP or INET_SDP). */
int sock_is_sdp(int family);
/* @family makes IPPROTO_SDP sockets (INET_SDP or INET_SDP_TCP). */
int sock_is_inet_sdp(int family);
/* SO_DOMAIN of @family's sockets; the protocol socket() is given for them. */
int sock_domain(int family);
int sock_protocol(int family);
/* SO_PROTOCOL of @family's sockets once connected (TCP's once switched). */
int sock_protocol_connected(int family);

/*
 * A driver's start: @addr as the address under test, line-buffered
 * output (its ok:/FAIL: lines in order with a caller's), SIGPIPE ignored;
 * the family to test (sock_family_from_env()), or -1 if either is bad.
 */
int driver_setup(const char *addr);

/* Sockets of @family (as sock_open()) on the address's @port. */
int sock_listen(int family, int port, int backlog);
/* A listener with SO_REUSEPORT set if @reuse; -1 and errno if not. */
int sock_listen_reuseport(int family, int port, int reuse);
int sock_connect(int family, int port);
/* A connected pair on @port: *c connected, *a accepted; 0 or -1. */
int sock_pair(int family, int port, int *c, int *a);

/*
 * What the tests read of TCP_INFO (glibc's struct tcp_info ends before
 * most of it); sock_read_tcp_info() fills it, 0 or -1 with errno.
 */
struct sock_tcp_info {
	uint8_t state;
	uint32_t snd_mss, rcv_mss, unacked, snd_wnd, segs_out, segs_in;
	uint64_t bytes_sent, bytes_acked, bytes_received;
};
int sock_read_tcp_info(int fd, struct sock_tcp_info *ti);

/* poll() @fd for @ev within @ms; returns revents (0 on timeout). */
int wait_ev(int fd, short ev, int ms);
/* Read exactly @n bytes (MSG_WAITALL), with a 10 s receive timeout. */
ssize_t read_n(int fd, void *b, size_t n);
/* Blocking sends on @fd give up after 10 s: a failed check cannot hang. */
void send_timeout(int fd);

/* CLOCK_MONOTONIC in seconds. */
double now(void);

/* Byte @off + i of the deterministic stream @seed into b[i]. */
void fill(unsigned char *b, size_t n, uint64_t off, uint32_t seed);
#define FNV_INIT 0xcbf29ce484222325ull
uint64_t fnv(uint64_t h, const unsigned char *b, size_t n);
/* splitmix64: the next pseudo-random number of state *s. */
uint64_t rnd(uint64_t *s);

/* The largest send() or recv() of a transfer with random sizes. */
#define MIXED_MAX (16 << 20)

/* One direction of a transfer on one socket. */
struct xfer {
	int fd;
	uint64_t bytes;
	uint32_t seed;
	size_t chunk;		/* buffer size, and call size if not random */
	int random_sizes;	/* calls of 1 B .. chunk, log-uniform */
	uint64_t rng;
	uint64_t calls;
	uint64_t sum;
	uint64_t done;
	int err;
};

/* Send @bytes of stream @seed, then shutdown(SHUT_WR) (a thread body). */
void *sender(void *arg);
/* Receive to EOF, checking the content against stream @seed. */
void *receiver(void *arg);

/* Both directions of a transfer on one socket. */
struct side {
	int fd;
	struct xfer tx, rx;
};

/* Send and receive at once (a thread body). */
void *run_side(void *arg);

#endif
