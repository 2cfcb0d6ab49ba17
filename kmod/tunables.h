/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdp: tunables (tunables.c): what each one is, and the calls that read
 * and change a namespace's values; sdp_tun() is in netns.h.
 */
#ifndef _SDP_TUNABLES_H
#define _SDP_TUNABLES_H

#include <linux/types.h>

struct netlink_ext_ack;
struct nlattr;
struct sdp_net;

/* Index of a tunable in sdp_tunables[] and in sdp_net.tun[]. */
enum sdp_tun {
	SDP_TUN_RX_BUFFERS,
	SDP_TUN_RX_BUFFER_SIZE,
	SDP_TUN_TX_QUEUE_DEPTH,
	SDP_TUN_INLINE_THRESHOLD,
	SDP_TUN_ZCOPY_THRESHOLD,
	SDP_TUN_KEEPALIVE_TIME,
	SDP_TUN_RECV_POLL,
	SDP_TUN_CREDIT_UPDATE_THRESHOLD,
	SDP_TUN_CONNECT_TIMEOUT,
	SDP_TUN_ACK_TIMEOUT,
	SDP_TUN_MAX_CONNECTIONS,
	SDP_TUN_MAX_RULES,
	SDP_TUN_DEFAULT_ACTION,
	SDP_TUN_DEBUG_LEVEL,
	SDP_TUN_MEM_MAX_PAGES,
	SDP_TUN_FALLBACK_TIMEOUT,
	SDP_TUN_AUTOCORK,
	SDP_TUN_NUM
};

/**
 * struct sdp_tunable_desc - static description of one tunable
 * @name: name used on netlink (at most SDP_TUNABLE_NAME_MAX_LEN bytes)
 * @def: value a new network namespace starts with
 * @min: smallest accepted value
 * @max: largest accepted value
 * @unit: unit of the value, as documented in the spec
 * @doc: one-line description
 */
struct sdp_tunable_desc {
	const char *name;
	u64 def;
	u64 min;
	u64 max;
	const char *unit;
	const char *doc;
};

extern struct sdp_tunable_desc sdp_tunables[SDP_TUN_NUM];

/* tunables.c */
void sdp_tunables_setup(void);
void sdp_tunables_init(struct sdp_net *sn);
u64 sdp_tunable_get(const struct sdp_net *sn, enum sdp_tun id);
int sdp_tunable_find(const char *name);
int sdp_tunable_set(struct sdp_net *sn, enum sdp_tun id, u64 value,
		    const struct nlattr *attr, struct netlink_ext_ack *extack);

#endif /* _SDP_TUNABLES_H */
