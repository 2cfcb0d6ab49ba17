/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdp: differences between the kernel versions the module builds against
 * (Debian 6.1 and 6.12).  Every version test of the module lives in this
 * file; the rest of the code is written against the 6.12 API and this
 * header fills in what older kernels lack.
 *
 * Things that need no shim because both kernels have them:
 * genl_family.resv_start_op, GENL_UNS_ADMIN_PERM, GENL_CMD_CAP_DO/DUMP,
 * GENL_REQ_ATTR_CHECK/NL_REQ_ATTR_CHECK, NL_SET_ERR_ATTR_MISS,
 * NLA_POLICY_RANGE/MAX/MIN/NESTED, nla_put_u64_64bit, nla_strscpy,
 * kvfree_rcu() with an rcu_head, local64_t and ktime_get_boottime_seconds().
 *
 * Features are tested for directly (is the macro defined?) rather than by
 * version number, so a distribution kernel with a backport just works.
 */
#ifndef _SDP_COMPAT_H
#define _SDP_COMPAT_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/version.h>
#include <net/genetlink.h>
#include <net/sock.h>

/* Longest extack message netlink carries (NETLINK_MAX_FMTMSG_LEN, 6.2+). */
#define SDP_EXTACK_MSG_LEN	80

#ifndef NL_SET_ERR_MSG_FMT
/*
 * Formatted extack messages (NL_SET_ERR_MSG_FMT) arrived in 6.2 together
 * with a buffer inside struct netlink_ext_ack.  On 6.1 the extack only
 * holds a pointer, and the string is read after the handler returned,
 * when netlink_rcv_skb() builds the ack.  So the text must outlive the
 * handler: it goes into a small ring of static slots, reused round robin
 * (one ring per source file that reports formatted messages).
 * A slot is rewritten only after SDP_COMPAT_MSG_SLOTS further formatted
 * messages, far more than can be produced between a handler's return and
 * its ack; even then the reader could only see a garbled string, never
 * read out of bounds, because the byte after each slot's text area is
 * never written and stays NUL.
 */
#define SDP_COMPAT_MSG_SLOTS	64

static inline __printf(2, 3)
void sdp_compat_extack_fmt(struct netlink_ext_ack *extack, const char *fmt, ...)
{
	static char ring[SDP_COMPAT_MSG_SLOTS][SDP_EXTACK_MSG_LEN + 1];
	static atomic_t next = ATOMIC_INIT(0);
	char buf[SDP_EXTACK_MSG_LEN];
	unsigned int slot;
	va_list args;

	if (!extack)
		return;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);

	slot = (unsigned int)atomic_inc_return(&next) % SDP_COMPAT_MSG_SLOTS;
	memcpy(ring[slot], buf, sizeof(buf));
	do_trace_netlink_extack(ring[slot]);
	extack->_msg = ring[slot];
}

#define NL_SET_ERR_MSG_FMT(extack, fmt, args...) \
	sdp_compat_extack_fmt((extack), fmt, ##args)

#define NL_SET_ERR_MSG_ATTR_FMT(extack, attr, fmt, args...) do {	\
	struct netlink_ext_ack *__sdp_extack = (extack);		\
									\
	sdp_compat_extack_fmt(__sdp_extack, fmt, ##args);		\
	NL_SET_BAD_ATTR(__sdp_extack, attr);				\
} while (0)
#endif /* !NL_SET_ERR_MSG_FMT: before 6.2 */

/*
 * proto_ops.accept takes a struct proto_accept_arg since 6.10; before, it
 * took the flags and a "kern" boolean.  Nothing but the version tells the
 * two apart.  The handler is declared with SDP_ACCEPT_PARAMS, reads the
 * accept flags with SDP_ACCEPT_FLAGS and hands its call on to another
 * socket's accept() with SDP_ACCEPT_FORWARD().
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define SDP_ACCEPT_PARAMS	struct proto_accept_arg *sdp_accept_arg
#define SDP_ACCEPT_FLAGS	(sdp_accept_arg->flags)
static inline int sdp_accept_forward(struct socket *sock,
				     struct socket *newsock,
				     struct proto_accept_arg *arg)
{
	return sock->ops->accept(sock, newsock, arg);
}

#define SDP_ACCEPT_FORWARD(sock, newsock)			\
	sdp_accept_forward(sock, newsock, sdp_accept_arg)
#else
#define SDP_ACCEPT_PARAMS	int sdp_accept_flags, bool sdp_accept_kern
#define SDP_ACCEPT_FLAGS	(sdp_accept_flags)
static inline int sdp_accept_forward(struct socket *sock,
				     struct socket *newsock, int flags,
				     bool kern)
{
	return sock->ops->accept(sock, newsock, flags, kern);
}

#define SDP_ACCEPT_FORWARD(sock, newsock)			\
	sdp_accept_forward(sock, newsock, sdp_accept_flags, sdp_accept_kern)
#endif

/*
 * The ops table generated from the spec (netlink-gen.c) is an array of
 * struct genl_split_ops: one entry per do and per dump handler, each with
 * its own policy.  Split ops arrived in 6.2, so only the version tells.
 * sdp_genl_register() hands the table to the family; on 6.1 it first
 * merges it into the struct genl_ops array 6.1 takes (the do and dump of
 * one command share an entry, and the do's policy, which the spec makes
 * the same as the dump's).  sdp_genl_unregister() undoes it.  Either way
 * the table registered is a copy, freed by sdp_genl_unregister().
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
/*
 * The core gives a struct genl_ops without a policy (at or above
 * resv_start_op) a policy that rejects every attribute, but a split op
 * without one takes any attribute and ignores it.  So a copy of the table
 * is registered, with that same reject-all policy wherever the spec gives
 * none, and commands that take no attributes keep refusing them.
 */
static inline int sdp_genl_register(struct genl_family *family,
				    const struct genl_split_ops *split,
				    unsigned int n_split)
{
	static const struct nla_policy reject_all[] = {
		{ .type = NLA_REJECT },
		{ .type = NLA_REJECT },
	};
	struct genl_split_ops *ops;
	unsigned int i;
	int err;

	ops = kmemdup(split, n_split * sizeof(*split), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	for (i = 0; i < n_split; i++) {
		if (ops[i].policy || ops[i].cmd < family->resv_start_op)
			continue;
		ops[i].policy = reject_all;
		ops[i].maxattr = ARRAY_SIZE(reject_all) - 1;
	}
	family->split_ops = ops;
	family->n_split_ops = n_split;
	err = genl_register_family(family);
	if (err) {
		family->split_ops = NULL;
		kfree(ops);
	}
	return err;
}

static inline void sdp_genl_unregister(struct genl_family *family)
{
	genl_unregister_family(family);
	kfree(family->split_ops);
}
#else
/* The members of 6.2's struct genl_split_ops that generated tables set. */
struct genl_split_ops {
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 flags;
	u8 validate;
};

static inline int sdp_genl_register(struct genl_family *family,
				    const struct genl_split_ops *split,
				    unsigned int n_split)
{
	struct genl_ops *ops;
	unsigned int i, n = 0;
	int err;

	ops = kcalloc(n_split, sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	for (i = 0; i < n_split; i++) {
		const struct genl_split_ops *s = &split[i];
		struct genl_ops *o = &ops[n];

		/* Split ops come sorted by command, a do before its dump. */
		if (n && ops[n - 1].cmd == s->cmd) {
			o = &ops[n - 1];
		} else {
			o->cmd = s->cmd;
			o->flags = s->flags & ~(GENL_CMD_CAP_DO |
						GENL_CMD_CAP_DUMP |
						GENL_CMD_CAP_HASPOL);
			o->validate = s->validate;
			n++;
		}
		if (s->flags & GENL_CMD_CAP_DO)
			o->doit = s->doit;
		else
			o->dumpit = s->dumpit;
		if (!o->policy) {
			o->policy = s->policy;
			o->maxattr = s->maxattr;
		}
	}
	family->ops = ops;
	family->n_ops = n;
	err = genl_register_family(family);
	if (err) {
		family->ops = NULL;
		kfree(ops);
	}
	return err;
}

static inline void sdp_genl_unregister(struct genl_family *family)
{
	genl_unregister_family(family);
	kfree(family->ops);
}
#endif /* genl_split_ops: 6.2+ */

/*
 * struct proto.ipv6_pinfo_offset (6.5) says where inet6_create() finds an
 * AF_INET6 socket's struct ipv6_pinfo; before, it was at the end of the
 * object (inet6_sk_generic()).  A field, not a macro: a version test.
 */
static inline void sdp_proto_set_ipv6_pinfo(struct proto *prot,
					    unsigned int offset)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	prot->ipv6_pinfo_offset = offset;
#endif
}

/*
 * SOCK_CUSTOM_SOCKOPT (6.12 has it, 6.1 not) sends SOL_SOCKET options to
 * the family's setsockopt.  Without it the core refuses SO_REUSEPORT to
 * an AF_INET_SDP socket (EOPNOTSUPP: not inet), and the socket goes
 * without it.
 */
static inline void sdp_sock_custom_sockopt(struct socket *sock)
{
#ifdef SOCK_CUSTOM_SOCKOPT
	set_bit(SOCK_CUSTOM_SOCKOPT, &sock->flags);
#endif
}

#endif /* _SDP_COMPAT_H */
