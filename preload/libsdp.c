// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsdp.so: moves an unmodified TCP program onto SDP (sdp-run(1)).
 *
 * Only socket() is interposed: a TCP socket of the inet families is asked
 * for as an IPPROTO_SDP socket of the same family and type, which sdp.ko
 * provides. Everything after socket() is an ordinary kernel fd, so fork,
 * exec, dup3, epoll, sendfile or io_uring need no wrapper here; whether a
 * connection then runs over SDP or TCP is decided by sdp.ko (its rules).
 *
 * Where sdp.ko is missing, the program gets the TCP socket it asked for,
 * and the process stops asking in that family: each failed attempt makes
 * the kernel run modprobe twice (request_module() for two module aliases).
 */
#define _GNU_SOURCE		/* RTLD_NEXT */
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include <linux/sdp.h>

#define LIBSDP_EXPORT	__attribute__((visibility("default")))

typedef int socket_fn(int family, int type, int protocol);

/*
 * The socket() after this library in the lookup order: libc's, or that of
 * another preload listed after this one, which then still sees every call.
 */
static _Atomic(socket_fn *) next_socket;

/*
 * Set once a family is known to have no SDP in this process; a stale read
 * costs one more attempt, never a wrong socket, so relaxed order will do.
 */
static atomic_bool no_sdp_inet, no_sdp_inet6;

static socket_fn *find_next_socket(void)
{
	socket_fn *fn = atomic_load_explicit(&next_socket, memory_order_acquire);

	if (!fn) {
		fn = (socket_fn *)dlsym(RTLD_NEXT, "socket");
		atomic_store_explicit(&next_socket, fn, memory_order_release);
	}
	return fn;
}

/*
 * At load time, so that socket() (async-signal-safe) does not call dlsym()
 * (which is not); only a socket opened by another library's constructor,
 * before this one ran, resolves it there.
 */
__attribute__((constructor)) static void libsdp_init(void)
{
	find_next_socket();
}

static atomic_bool *no_sdp_flag(int family)
{
	switch (family) {
	case AF_INET:
		return &no_sdp_inet;
	case AF_INET6:
		return &no_sdp_inet6;
	default:
		return NULL;
	}
}

/* What a program opens for TCP: the default stream protocol, or TCP. */
static bool asks_for_tcp(int type, int protocol)
{
	return (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) == SOCK_STREAM &&
	       (protocol == 0 || protocol == IPPROTO_TCP);
}

/*
 * Errors a TCP socket would get too: the process or the host is out of
 * file descriptors or memory. Trying TCP next would fail the same way (or
 * take the last of what is left), so they are the program's answer.
 * Every other error says that SDP is not to be had here: no sdp.ko
 * (EPROTONOSUPPORT), a family the kernel lacks (EAFNOSUPPORT, which TCP
 * then reports itself), or a policy that refuses the protocol but may
 * allow TCP (EACCES, EPERM: SELinux files these sockets under
 * rawip_socket, not tcp_socket; a seccomp filter may name the protocol).
 */
static bool out_of_resources(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOBUFS ||
	       err == ENOMEM;
}

LIBSDP_EXPORT int socket(int family, int type, int protocol)
{
	socket_fn *next = find_next_socket();
	atomic_bool *no_sdp = no_sdp_flag(family);
	int saved_errno = errno;
	int fd;

	/* Only a program without libc has no socket() after this one. */
	if (!next) {
		errno = ENOSYS;
		return -1;
	}
	if (!no_sdp || !asks_for_tcp(type, protocol) ||
	    atomic_load_explicit(no_sdp, memory_order_relaxed))
		return next(family, type, protocol);

	fd = next(family, type, SDP_IPPROTO_SDP);
	if (fd >= 0 || out_of_resources(errno))
		return fd;

	atomic_store_explicit(no_sdp, true, memory_order_relaxed);
	/* As a plain socket() would leave it, if TCP succeeds. */
	errno = saved_errno;
	return next(family, type, protocol);
}
