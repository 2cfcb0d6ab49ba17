// SPDX-License-Identifier: GPL-2.0
/*
 * libsdp.so on a host without SDP, run by preload.sh under sdp-run: TCP
 * programs keep working, on the TCP socket they asked for, and see the
 * errno a plain socket() gives them.
 *
 * seccomp filters play the kernel's answers to protocol IPPROTO_SDP:
 * EPROTONOSUPPORT is "no sdp.ko", ENOBUFS a resource error that the
 * preload must pass on. ENOBUFS is also the tripwire: with it installed,
 * any attempt at IPPROTO_SDP shows as a failed socket().
 *
 * Every case runs in a child forked from a parent that never opened a TCP
 * socket: each starts with the preload's state as a new process has it.
 * Prints "ok: CASE" or "FAIL: CASE: why" per check, then
 * "test_preload: N passed, N failed"; exits 1 on any failure.
 */
#define _GNU_SOURCE		/* RTLD_DEFAULT */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/sdp.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP	262
#endif

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH	AUDIT_ARCH_AARCH64
#else
#error "no seccomp audit arch for this architecture"
#endif

/* The low 32 bits of a syscall argument: an int, as socket() takes. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(n)	offsetof(struct seccomp_data, args[n])
#else
#define ARG_LO(n)	(offsetof(struct seccomp_data, args[n]) + 4)
#endif

#define TIMEOUT_MS	5000
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Shared with the children, which do the checking. */
static struct {
	int passed;
	int failed;
} *tally;

static void check(bool ok, const char *name, const char *why, ...)
{
	va_list ap;

	if (ok) {
		tally->passed++;
		printf("ok: %s\n", name);
	} else {
		tally->failed++;
		printf("FAIL: %s: ", name);
		va_start(ap, why);
		vprintf(why, ap);
		va_end(ap);
		putchar('\n');
	}
	fflush(stdout);
}

/*
 * From now on socket(family, type, SDP_IPPROTO_SDP) fails with err in this
 * process; family or type -1 stands for any. A filter installed later
 * wins over an earlier one for the same call.
 */
static bool refuse_sdp(int family, int type, int err)
{
	__u32 family_mask = family == -1 ? 0 : ~0u;
	__u32 type_mask = type == -1 ? 0 : ~0u;
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 0, 11),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 9),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SDP_IPPROTO_SDP, 0, 7),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, family_mask),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, family & family_mask, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1)),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, type_mask),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, type & type_mask, 0, 1),
		BPF_STMT(BPF_RET | BPF_K,
			 SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = ARRAY_SIZE(insns),
		.filter = insns,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		check(false, "seccomp filter", "%s", strerror(errno));
		return false;
	}
	return true;
}

static int sock_int(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int val = -1;

	if (getsockopt(fd, level, name, &val, &len))
		return -errno;
	return val;
}

static bool wait_for(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	return poll(&pfd, 1, TIMEOUT_MS) == 1 && (pfd.revents & events);
}

/* One message each way between two connected sockets. */
static bool exchange(int a, int b)
{
	static const char ping[] = "ping", pong[] = "pong";
	char buf[8];

	if (send(a, ping, sizeof(ping), 0) != sizeof(ping) ||
	    !wait_for(b, POLLIN) ||
	    recv(b, buf, sizeof(buf), 0) != sizeof(ping) ||
	    memcmp(buf, ping, sizeof(ping)))
		return false;
	if (send(b, pong, sizeof(pong), 0) != sizeof(pong) ||
	    !wait_for(a, POLLIN) ||
	    recv(a, buf, sizeof(buf), 0) != sizeof(pong) ||
	    memcmp(buf, pong, sizeof(pong)))
		return false;
	return true;
}

static void loopback(int family, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		*len = sizeof(*sin6);
	}
}

/* Why fd is not a TCP socket of family, or NULL. */
static const char *not_tcp(int fd, int family)
{
	int protocol = sock_int(fd, SOL_SOCKET, SO_PROTOCOL);
	int domain = sock_int(fd, SOL_SOCKET, SO_DOMAIN);
	int type = sock_int(fd, SOL_SOCKET, SO_TYPE);
	static char why[96];

	if (protocol == IPPROTO_TCP && domain == family && type == SOCK_STREAM)
		return NULL;
	snprintf(why, sizeof(why), "SO_PROTOCOL %d, SO_DOMAIN %d, SO_TYPE %d%s",
		 protocol, domain, type, protocol == SDP_IPPROTO_SDP ?
		 " (this kernel has SDP)" : "");
	return why;
}

/*
 * socket(family, type, protocol) gives a TCP socket and leaves errno as
 * it was (EDOM here), as a plain socket() that succeeds does.
 */
static int tcp_socket(const char *name, int family, int type, int protocol)
{
	const char *why;
	int fd;

	errno = EDOM;
	fd = socket(family, type, protocol);
	if (fd < 0) {
		check(false, name, "socket(): %s", strerror(errno));
	} else if (errno != EDOM) {
		check(false, name, "errno %s after success", strerrorname_np(errno));
	} else {
		why = not_tcp(fd, family);
		check(!why, name, "%s", why);
	}
	return fd;
}

/*
 * A listener and a client made with socket(family, type, protocol) on the
 * loopback, one message each way; errno is EDOM before each socket() and
 * must still be after it.
 */
static void tcp_pair(const char *what, int family, int type, int protocol)
{
	bool nonblocking = type & SOCK_NONBLOCK;
	struct sockaddr_storage ss;
	int listener, client, server;
	char name[160];
	socklen_t len;
	int ret;

	snprintf(name, sizeof(name), "%s: the listener is TCP", what);
	listener = tcp_socket(name, family, type, protocol);
	snprintf(name, sizeof(name), "%s: the client is TCP", what);
	client = tcp_socket(name, family, type, protocol);
	if (listener < 0 || client < 0)
		return;

	if (type & (SOCK_NONBLOCK | SOCK_CLOEXEC)) {
		snprintf(name, sizeof(name), "%s: O_NONBLOCK and FD_CLOEXEC",
			 what);
		check((fcntl(client, F_GETFL) & O_NONBLOCK) &&
		      (fcntl(client, F_GETFD) & FD_CLOEXEC) &&
		      (fcntl(listener, F_GETFL) & O_NONBLOCK) &&
		      (fcntl(listener, F_GETFD) & FD_CLOEXEC), name,
		      "flags %#x/%#x, fd flags %#x/%#x",
		      fcntl(listener, F_GETFL), fcntl(client, F_GETFL),
		      fcntl(listener, F_GETFD), fcntl(client, F_GETFD));
	}

	loopback(family, &ss, &len);
	snprintf(name, sizeof(name), "%s: connect and accept", what);
	if (bind(listener, (struct sockaddr *)&ss, len) ||
	    listen(listener, 1) ||
	    getsockname(listener, (struct sockaddr *)&ss, &len)) {
		check(false, name, "listen: %s", strerror(errno));
		return;
	}
	ret = connect(client, (struct sockaddr *)&ss, len);
	if (ret && errno == EINPROGRESS && nonblocking &&
	    wait_for(client, POLLOUT))
		ret = sock_int(client, SOL_SOCKET, SO_ERROR);
	if (nonblocking && !wait_for(listener, POLLIN))
		server = -1;
	else
		server = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
	check(!ret && server >= 0 && !not_tcp(server, family), name,
	      "connect %d, accept %d: %s", ret, server,
	      server < 0 ? strerror(errno) : not_tcp(server, family));
	if (server < 0)
		return;

	snprintf(name, sizeof(name), "%s: data both ways", what);
	check(exchange(client, server), name, "%s", strerror(errno));
	close(server);
	close(client);
	close(listener);
}

/* Fill the descriptor table: socket() must fail with EMFILE. */
static void at_fd_limit(void)
{
	struct rlimit lim = { .rlim_cur = 64, .rlim_max = 64 };
	int fd;

	if (setrlimit(RLIMIT_NOFILE, &lim)) {
		check(false, "EMFILE at the descriptor limit", "setrlimit: %s",
		      strerror(errno));
		return;
	}
	while (dup(STDOUT_FILENO) >= 0)
		;
	errno = 0;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	check(fd < 0 && errno == EMFILE, "EMFILE at the descriptor limit",
	      "fd %d, errno %s", fd, strerror(errno));
	errno = 0;
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP);
	check(fd < 0 && errno == EMFILE,
	      "EMFILE at the descriptor limit, inet6 non-blocking",
	      "fd %d, errno %s", fd, strerror(errno));
}

/* An error every socket would get is the program's answer, each time. */
static void passed_on(int err)
{
	char name[80];
	int fd, i;

	if (!refuse_sdp(-1, -1, err))
		return;
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "%s from IPPROTO_SDP is returned (%s)",
			 strerrorname_np(err), i ? "inet6" : "inet");
		errno = 0;
		fd = socket(i ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
		check(fd < 0 && errno == err, name, "fd %d, errno %s", fd,
		      strerror(errno));
	}
}

/* Any other error says "no SDP here": the TCP socket, errno untouched. */
static void falls_back(int err)
{
	char name[80];

	snprintf(name, sizeof(name), "%s from IPPROTO_SDP falls back to TCP",
		 strerrorname_np(err));
	if (refuse_sdp(-1, -1, err))
		tcp_socket(name, AF_INET, SOCK_STREAM, 0);
}

/* The attempt asks for the family and type flags the program gave. */
static void same_family_and_type(void)
{
	int type = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
	int fd;

	if (!refuse_sdp(AF_INET6, type, ENOBUFS))
		return;
	errno = 0;
	fd = socket(AF_INET6, type, IPPROTO_TCP);
	check(fd < 0 && errno == ENOBUFS,
	      "IPPROTO_SDP is asked for with the same family and type",
	      "fd %d, errno %s", fd, strerror(errno));
}

/* After "no SDP" a family is not tried again; the other one still is. */
static void not_retried(void)
{
	const char *name = "no second attempt after EPROTONOSUPPORT";
	int fd, i;

	if (!refuse_sdp(-1, -1, EPROTONOSUPPORT))
		return;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	check(fd >= 0, "first socket() after EPROTONOSUPPORT", "%s",
	      strerror(errno));
	close(fd);
	if (!refuse_sdp(-1, -1, ENOBUFS))
		return;
	for (i = 0; i < 100; i++) {
		fd = socket(AF_INET, i & 1 ? SOCK_STREAM | SOCK_CLOEXEC :
				     SOCK_STREAM, i & 2 ? IPPROTO_TCP : 0);
		if (fd < 0)
			break;
		close(fd);
	}
	check(i == 100, name, "call %d after it tried IPPROTO_SDP again (%s)",
	      i + 1, strerror(errno));
	errno = 0;
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	check(fd < 0 && errno == ENOBUFS,
	      "inet6 is still tried after inet had no SDP", "fd %d, errno %s",
	      fd, strerror(errno));
}

/*
 * Everything but TCP over inet goes to the kernel as given: the same
 * answer as the system call itself, with the tripwire set.
 */
static void untouched(void)
{
	static const struct {
		const char *name;
		int family, type, protocol;
	} calls[] = {
		{ "udp", AF_INET, SOCK_DGRAM, 0 },
		{ "udp6", AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP },
		{ "unix stream", AF_UNIX, SOCK_STREAM, 0 },
		{ "unix seqpacket", AF_UNIX, SOCK_SEQPACKET, 0 },
		{ "raw tcp", AF_INET, SOCK_RAW, IPPROTO_TCP },
		{ "raw icmpv6", AF_INET6, SOCK_RAW, IPPROTO_ICMPV6 },
		{ "inet seqpacket", AF_INET, SOCK_SEQPACKET, 0 },
		{ "mptcp", AF_INET, SOCK_STREAM, IPPROTO_MPTCP },
		{ "udp protocol on a stream", AF_INET, SOCK_STREAM, IPPROTO_UDP },
		{ "tcp protocol on a datagram", AF_INET, SOCK_DGRAM, IPPROTO_TCP },
		{ "stream with an unknown type bit", AF_INET, SOCK_STREAM | 0x100, 0 },
		{ "IPPROTO_SDP asked for", AF_INET, SOCK_STREAM, SDP_IPPROTO_SDP },
		{ "netlink", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE },
	};
	char name[80];
	size_t i;

	if (!refuse_sdp(-1, -1, ENOBUFS))
		return;
	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		int f = calls[i].family, t = calls[i].type;
		int p = calls[i].protocol;
		int fd, sys_fd, err, sys_err;

		errno = 0;
		fd = socket(f, t, p);
		err = errno;
		errno = 0;
		sys_fd = syscall(SYS_socket, f, t, p);
		sys_err = errno;
		snprintf(name, sizeof(name), "untouched: %s", calls[i].name);
		if (fd >= 0 && sys_fd >= 0)
			check(sock_int(fd, SOL_SOCKET, SO_PROTOCOL) ==
			      sock_int(sys_fd, SOL_SOCKET, SO_PROTOCOL), name,
			      "SO_PROTOCOL %d, the system call's %d",
			      sock_int(fd, SOL_SOCKET, SO_PROTOCOL),
			      sock_int(sys_fd, SOL_SOCKET, SO_PROTOCOL));
		else
			check((fd < 0) == (sys_fd < 0) && err == sys_err, name,
			      "fd %d errno %s; the system call: fd %d errno %s",
			      fd, strerrorname_np(err), sys_fd,
			      strerrorname_np(sys_err));
		if (fd >= 0)
			close(fd);
		if (sys_fd >= 0)
			close(sys_fd);
	}
}

static void v4_pair(void)
{
	tcp_pair("inet, this kernel", AF_INET, SOCK_STREAM, 0);
}

static void v6_pair(void)
{
	if (refuse_sdp(-1, -1, EPROTONOSUPPORT))
		tcp_pair("inet6 nonblock|cloexec", AF_INET6,
			 SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 IPPROTO_TCP);
}

static void passed_on_emfile(void) { passed_on(EMFILE); }
static void passed_on_enfile(void) { passed_on(ENFILE); }
static void passed_on_enobufs(void) { passed_on(ENOBUFS); }
static void passed_on_enomem(void) { passed_on(ENOMEM); }
static void falls_back_eprotonosupport(void) { falls_back(EPROTONOSUPPORT); }
static void falls_back_esocktnosupport(void) { falls_back(ESOCKTNOSUPPORT); }
static void falls_back_eafnosupport(void) { falls_back(EAFNOSUPPORT); }
static void falls_back_eacces(void) { falls_back(EACCES); }
static void falls_back_eperm(void) { falls_back(EPERM); }
static void falls_back_einval(void) { falls_back(EINVAL); }

static void run_in_child(const char *name, void (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fn();
		fflush(stdout);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		check(false, name, "the child did not exit cleanly (status %#x)",
		      pid < 0 ? -1 : status);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} cases[] = {
		{ "inet pair", v4_pair },
		{ "inet6 pair", v6_pair },
		{ "EMFILE", at_fd_limit },
		{ "EMFILE passed on", passed_on_emfile },
		{ "ENFILE passed on", passed_on_enfile },
		{ "ENOBUFS passed on", passed_on_enobufs },
		{ "ENOMEM passed on", passed_on_enomem },
		{ "EPROTONOSUPPORT fallback", falls_back_eprotonosupport },
		{ "ESOCKTNOSUPPORT fallback", falls_back_esocktnosupport },
		{ "EAFNOSUPPORT fallback", falls_back_eafnosupport },
		{ "EACCES fallback", falls_back_eacces },
		{ "EPERM fallback", falls_back_eperm },
		{ "EINVAL fallback", falls_back_einval },
		{ "same family and type", same_family_and_type },
		{ "not retried", not_retried },
		{ "untouched", untouched },
	};
	void *sym = dlsym(RTLD_DEFAULT, "socket");
	Dl_info where;
	size_t i;

	tally = mmap(NULL, sizeof(*tally), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tally == MAP_FAILED) {
		perror("test_preload: mmap");
		return 1;
	}
	/* Without the preload every case below but the tripwires passes. */
	check(sym && dladdr(sym, &where) && where.dli_fname &&
	      strstr(where.dli_fname, "libsdp.so"), "socket() is libsdp.so's",
	      "it is %s's (LD_PRELOAD=%s)", sym && dladdr(sym, &where) ?
	      where.dli_fname : "nobody", getenv("LD_PRELOAD") ?: "");
	if (!tally->failed)
		for (i = 0; i < ARRAY_SIZE(cases); i++)
			run_in_child(cases[i].name, cases[i].fn);

	printf("test_preload: %d passed, %d failed\n", tally->passed,
	       tally->failed);
	return tally->failed ? 1 : 0;
}
