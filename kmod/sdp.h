/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdp: what every file of sdp.ko shares, and the headers of the control
 * plane's objects, one per object:
 *
 *   netns.h     struct sdp_net, a namespace's state, and the lockless
 *               helpers the data path reads it through
 *   tunables.h  the tunables          rules.h  the port-mapping table
 *   stats.h     the counters          netlink.h  the netlink family
 *   proto.h     the wire format       sock.h   the sockets (data path)
 *
 * Everything the control plane manages lives in a network namespace, in a
 * struct sdp_net reached with sdp_net(net).  The generic netlink family
 * (netlink.c) is the only writer; the data path only reads, through
 * sdp_map_lookup(), sdp_tun() and the sdp_stats_*() helpers, all of which
 * are lockless and callable from any context.
 */
#ifndef _SDP_H
#define _SDP_H

#include <linux/sdp.h>

#include "compat.h"
#include "netlink.h"
#include "netns.h"

/* The one place the module version is spelled. */
#define SDP_VERSION		"0.1.0"

#endif /* _SDP_H */
