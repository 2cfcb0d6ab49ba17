/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdp: the generic netlink family (netlink.c); its policies and ops
 * table are generated from the spec (netlink-gen.h).
 */
#ifndef _SDP_NETLINK_H
#define _SDP_NETLINK_H

#include <linux/types.h>
#include <net/genetlink.h>

/* netlink.c */
extern struct genl_family sdp_nl_family;
int sdp_nl_register(void);
void sdp_nl_unregister(void);

/* Adds the attributes of one object to a message: 0 or -EMSGSIZE. */
typedef int (*sdp_nl_put_t)(struct sk_buff *skb, const void *obj);
void sdp_nl_notify(struct net *net, u8 cmd, size_t size, sdp_nl_put_t put,
		   const void *obj);

#endif /* _SDP_NETLINK_H */
