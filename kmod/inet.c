// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: IPPROTO_SDP, SDP sockets of the inet families.
 *
 * socket(AF_INET or AF_INET6, SOCK_STREAM, SDP_IPPROTO_SDP) makes the
 * socket socket(AF_INET_SDP, SOCK_STREAM, 0) makes, registered in the inet
 * families as MPTCP and SMC register theirs (inet_register_protosw()).  It
 * keeps the family the program asked for: getsockname() answers in it and
 * IPV6_V6ONLY has a home.  The preload (libsdp.so, sdp-run) turns a TCP
 * socket() into one of these; a BPF update_socket_protocol program can too.
 *
 * inet_create() and inet6_create() allocate the socket (with the proto
 * below) and call sdp_inet_init_sock(); from there on it is an SDP socket
 * like any other (sock.c), with the same proto_ops but for the family.
 * The protocol is not loaded on demand (no module alias), as the family
 * is not: an administrator loads sdp.ko.
 */

#include <linux/init.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/protocol.h>
#include <net/sock.h>

#include "compat.h"
#include "sdp.h"
#include "sock.h"

static int sdp_inet_init_sock(struct sock *sk)
{
	struct sdp_sock *ssk = sdp_sk(sk);

	sdp_sock_setup(ssk);
	return sdp_sock_open(ssk);
}

/*
 * Only sk_common_release() calls it: when sdp_inet_init_sock() or a cgroup
 * BPF program failed the new socket.  Its id is the one resource it has.
 */
static void sdp_inet_destroy_sock(struct sock *sk)
{
	sdp_conn_destroy(sdp_sk(sk));
}

/* An SDP socket is in no table of the inet layer: nothing to unhash. */
static void sdp_inet_unhash(struct sock *sk)
{
}

static struct proto sdp_inet_proto = {
	.name		= "INET_SDP",
	.owner		= THIS_MODULE,
	.init		= sdp_inet_init_sock,
	.destroy	= sdp_inet_destroy_sock,
	.unhash		= sdp_inet_unhash,
	.keepalive	= sdp_ka_set,
	.obj_size	= sizeof(struct sdp_sock),
};

static struct inet_protosw sdp_inet_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= SDP_IPPROTO_SDP,
	.prot		= &sdp_inet_proto,
	.ops		= &sdp_inet_stream_ops,
};

/*
 * Where inet6_create() finds the IPv6 state: at ipv6_pinfo_offset (6.5+)
 * or, before, at the end of the object (see the build checks below).
 */
struct sdp6_sock {
	struct sdp_sock sdp;
	struct ipv6_pinfo inet6;
};

static struct proto sdp_inet6_proto = {
	.name		= "INET6_SDP",
	.owner		= THIS_MODULE,
	.init		= sdp_inet_init_sock,
	.destroy	= sdp_inet_destroy_sock,
	.unhash		= sdp_inet_unhash,
	.keepalive	= sdp_ka_set,
	.obj_size	= sizeof(struct sdp6_sock),
};

static struct inet_protosw sdp_inet6_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= SDP_IPPROTO_SDP,
	.prot		= &sdp_inet6_proto,
	.ops		= &sdp_inet6_stream_ops,
};

/**
 * sdp_inet6_child_init() - the IPv6 state of a new child of an AF_INET6
 *	listener, which inet6_create() gives the sockets it makes
 * @sk: the child, just allocated with the listener's proto
 * @parent: the listener
 */
void sdp_inet6_child_init(struct sock *sk, const struct sock *parent)
{
	struct sdp6_sock *ssk6 = container_of(sdp_sk(sk), struct sdp6_sock,
					      sdp);

	sk->sk_ipv6only = parent->sk_ipv6only;
	inet_sk(sk)->pinet6 = &ssk6->inet6;
}

/**
 * sdp_inet_init() - register IPPROTO_SDP in AF_INET and AF_INET6
 *
 * Return: 0 or a negative errno.
 */
int sdp_inet_init(void)
{
	int err;

	/* The inet layer finds the IPv6 state in one of these two ways. */
	BUILD_BUG_ON(offsetof(struct sdp6_sock, inet6) +
		     sizeof(struct ipv6_pinfo) != sizeof(struct sdp6_sock));
	sdp_proto_set_ipv6_pinfo(&sdp_inet6_proto,
				 offsetof(struct sdp6_sock, inet6));
	err = proto_register(&sdp_inet_proto, 1);
	if (err)
		return err;
	err = proto_register(&sdp_inet6_proto, 1);
	if (err)
		goto err_proto6;
	inet_register_protosw(&sdp_inet_protosw);
	err = inet6_register_protosw(&sdp_inet6_protosw);
	if (err)
		goto err_protosw6;
	return 0;

err_protosw6:
	inet_unregister_protosw(&sdp_inet_protosw);
	proto_unregister(&sdp_inet6_proto);
err_proto6:
	proto_unregister(&sdp_inet_proto);
	return err;
}

/**
 * sdp_inet_exit() - unregister IPPROTO_SDP
 *
 * No socket is left (each holds a module reference); the unregister
 * calls wait for a socket() that found the protocol before.
 */
void sdp_inet_exit(void)
{
	inet6_unregister_protosw(&sdp_inet6_protosw);
	inet_unregister_protosw(&sdp_inet_protosw);
	proto_unregister(&sdp_inet6_proto);
	proto_unregister(&sdp_inet_proto);
}
