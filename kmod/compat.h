/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdp: differences between the kernel versions the module builds against
 * (Debian 6.1 and 6.12).  Every version test of the module lives in this
 * file; the rest of the code is written against the 6.12 API and this
 * header fills in what older kernels lack.
 *
 * Things that need no shim because both kernels have them: struct genl_ops
 * with per-op .policy/.maxattr (struct genl_split_ops is 6.2+ and is not
 * used), genl_family.resv_start_op, GENL_UNS_ADMIN_PERM,
 * NL_SET_ERR_ATTR_MISS, NLA_POLICY_RANGE/MAX/MIN/NESTED (including length
 * ranges on NLA_BINARY), nla_put_u64_64bit, nla_strscpy, kvfree_rcu() with
 * an rcu_head, local64_t and ktime_get_boottime_seconds().
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
#include <linux/string.h>
#include <linux/version.h>

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
 * two apart.  The handler is declared with SDP_ACCEPT_PARAMS and reads the
 * accept flags with SDP_ACCEPT_FLAGS.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define SDP_ACCEPT_PARAMS	struct proto_accept_arg *sdp_accept_arg
#define SDP_ACCEPT_FLAGS	(sdp_accept_arg->flags)
#else
#define SDP_ACCEPT_PARAMS	int sdp_accept_flags, bool sdp_accept_kern
#define SDP_ACCEPT_FLAGS	(sdp_accept_flags)
#endif

#endif /* _SDP_COMPAT_H */
