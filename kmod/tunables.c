// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: tunables.  A table describes each one; every network namespace has
 * its own values, starting at the defaults.  The data path reads them with
 * sdp_tun() (READ_ONCE), netlink writes them under sdp_net.lock
 * (WRITE_ONCE), so a reader sees either the old or the new value and never
 * a torn one.
 *
 * Memory is the host's, not a namespace's: mem-max-pages is one budget for
 * all namespaces, set in the initial one only, and the tunables that size
 * a connection's buffers are capped by the initial namespace's values, so
 * that a container's root cannot give its connections more memory than
 * the host's administrator allows (docs/design.md, "Memory").
 */

#include <linux/mm.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "sdp.h"

/*
 * Written once by sdp_tunables_setup() (mem-max-pages depends on RAM).
 *
 * The ring defaults, 62 and 59: with the work requests beside them (the
 * drain's; two control messages, a keepalive probe and the drain) a
 * connection's queues and CQs take 63 entries, which devices round up to
 * 64 (powers of two; rxe keeps one entry more free).  At 64 and 64 each
 * took 128: 56 KiB more per end on rxe, an idle connection's largest part.
 */
struct sdp_tunable_desc sdp_tunables[SDP_TUN_NUM] __ro_after_init = {
	[SDP_TUN_RX_BUFFERS] = {
		.name = "rx-buffers", .def = 62, .min = 2, .max = 1024,
		.unit = "buffers",
		.doc = "receive buffers a connection may grow to (credits granted to the peer)",
	},
	[SDP_TUN_RX_BUFFER_SIZE] = {
		.name = "rx-buffer-size", .def = 32784, .min = 1040,
		.max = 1048592, .unit = "bytes",
		.doc = "size of each receive buffer, BSDH included",
	},
	[SDP_TUN_TX_QUEUE_DEPTH] = {
		.name = "tx-queue-depth", .def = 59, .min = 4, .max = 4096,
		.unit = "buffers",
		.doc = "send slots a connection may grow to",
	},
	[SDP_TUN_INLINE_THRESHOLD] = {
		.name = "inline-threshold", .def = 256, .min = 0, .max = 1024,
		.unit = "bytes",
		.doc = "messages up to this size (BSDH included) are posted inline (0 off)",
	},
	[SDP_TUN_ZCOPY_THRESHOLD] = {
		.name = "zcopy-threshold", .def = 65536, .min = 0,
		.max = 16777216, .unit = "bytes",
		.doc = "reserved for zero copy (SrcAvail/RDMA read): no effect yet",
	},
	[SDP_TUN_KEEPALIVE_TIME] = {
		.name = "keepalive-time", .def = 7200, .min = 1, .max = 32767,
		.unit = "sec",
		.doc = "idle time before keepalive probes",
	},
	[SDP_TUN_RECV_POLL] = {
		.name = "recv-poll", .def = 0, .min = 0, .max = 100000,
		.unit = "usec",
		.doc = "a blocking read spins this long for data before it sleeps",
	},
	[SDP_TUN_CREDIT_UPDATE_THRESHOLD] = {
		.name = "credit-update-threshold", .def = 16, .min = 1,
		.max = 1024, .unit = "buffers",
		.doc =
		"send a credit-only message once this many freed receive buffers are unadvertised",
	},
	[SDP_TUN_CONNECT_TIMEOUT] = {
		.name = "connect-timeout", .def = 10000, .min = 100,
		.max = 600000, .unit = "msec",
		.doc = "address/route resolution and connect deadline",
	},
	[SDP_TUN_ACK_TIMEOUT] = {
		.name = "ack-timeout", .def = 0, .min = 0, .max = 31,
		.unit = "exponent",
		.doc = "RC retransmit timeout of new connections: 4.096 us x 2^N (0: rdma_cm)",
	},
	[SDP_TUN_MAX_CONNECTIONS] = {
		.name = "max-connections", .def = 65536, .min = 1,
		.max = 1048576, .unit = "count",
		.doc = "SDP sockets allowed per netns",
	},
	[SDP_TUN_MAX_RULES] = {
		.name = "max-rules", .def = 1024, .min = 1, .max = 65536,
		.unit = "count",
		.doc = "rules allowed in the mapping table",
	},
	[SDP_TUN_DEFAULT_ACTION] = {
		.name = "default-action", .def = SDP_ACTION_TCP,
		.min = SDP_ACTION_SDP, .max = SDP_ACTION_BOTH, .unit = "action",
		.doc = "decision when no rule matches (2 = tcp: unmapped endpoints keep using TCP)",
	},
	[SDP_TUN_DEBUG_LEVEL] = {
		.name = "debug-level", .def = 0, .min = 0, .max = 3,
		.unit = "level",
		.doc = "verbosity of the module's rate-limited log",
	},
	[SDP_TUN_MEM_MAX_PAGES] = {
		.name = "mem-max-pages", .min = 64, .unit = "pages",
		.doc = "buffer memory of all SDP sockets, host-wide (default: RAM / 4)",
	},
	[SDP_TUN_FALLBACK_TIMEOUT] = {
		.name = "fallback-timeout", .def = 2000, .min = 100,
		.max = 600000, .unit = "msec",
		.doc = "action both: a connect not over SDP by then continues over TCP",
	},
	[SDP_TUN_AUTOCORK] = {
		.name = "autocork", .def = 1, .min = 0, .max = 1,
		.unit = "bool",
		.doc = "TCP_NODELAY off: small sends coalesce while a Data message is in flight",
	},
};

/* Host-wide: one value, the initial namespace's, for every namespace. */
static bool sdp_tunable_global(enum sdp_tun id)
{
	return id == SDP_TUN_MEM_MAX_PAGES;
}

/* Sizes a connection's memory: capped by the initial namespace's value. */
static bool sdp_tunable_capped(enum sdp_tun id)
{
	return id == SDP_TUN_RX_BUFFERS || id == SDP_TUN_RX_BUFFER_SIZE ||
	       id == SDP_TUN_TX_QUEUE_DEPTH;
}

static bool sdp_net_is_init(const struct sdp_net *sn)
{
	return sn == sdp_net(&init_net);
}

/**
 * sdp_tunables_setup() - complete the table at module load
 *
 * The memory budget defaults to a quarter of RAM (tcp_mem too scales with
 * memory) and can be raised to all of it.
 */
void sdp_tunables_setup(void)
{
	struct sdp_tunable_desc *d = &sdp_tunables[SDP_TUN_MEM_MAX_PAGES];

	d->max = max_t(u64, totalram_pages(), d->min);
	d->def = max_t(u64, totalram_pages() / 4, d->min);
}

/**
 * sdp_tunable_get() - the value of a tunable in effect in a namespace
 * @sn: the namespace state
 * @id: which tunable
 *
 * Return: the namespace's value; the initial namespace's for a host-wide
 * tunable, or if smaller, for a tunable that sizes buffers.
 */
u64 sdp_tunable_get(const struct sdp_net *sn, enum sdp_tun id)
{
	u64 val = READ_ONCE(sn->tun[id]);

	/* Most reads (the data path's) need no look at init_net. */
	if (!sdp_tunable_global(id) && !sdp_tunable_capped(id))
		return val;
	if (sdp_tunable_global(id))
		return READ_ONCE(sdp_net(&init_net)->tun[id]);
	return min(val, READ_ONCE(sdp_net(&init_net)->tun[id]));
}

/**
 * sdp_tunables_init() - give a new namespace the default values
 * @sn: the namespace state, not yet visible to anyone
 */
void sdp_tunables_init(struct sdp_net *sn)
{
	int i;

	for (i = 0; i < SDP_TUN_NUM; i++)
		WRITE_ONCE(sn->tun[i], sdp_tunables[i].def);
}

/**
 * sdp_tunable_find() - look a tunable up by name
 * @name: its name
 *
 * Return: its enum sdp_tun index, or -ENOENT.
 */
int sdp_tunable_find(const char *name)
{
	int i;

	for (i = 0; i < SDP_TUN_NUM; i++)
		if (!strcmp(sdp_tunables[i].name, name))
			return i;
	return -ENOENT;
}

/**
 * sdp_tunable_set() - change a tunable of a namespace
 * @sn: the namespace state; sdp_net.lock held
 * @id: which tunable
 * @value: the new value
 * @attr: the value attribute, for error reports
 * @extack: error report
 *
 * Return: 0, -EINVAL if @value is outside [min, max] or a buffer size
 * above the initial namespace's, -EPERM for a host-wide tunable outside
 * the initial namespace, or -EBUSY if max-rules would drop below the
 * number of rules in the table.
 */
int sdp_tunable_set(struct sdp_net *sn, enum sdp_tun id, u64 value,
		    const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	const struct sdp_tunable_desc *d = &sdp_tunables[id];

	lockdep_assert_held(&sn->lock);

	if (value < d->min || value > d->max) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, attr,
					"value %llu out of range [%llu, %llu] for %s",
					value, d->min, d->max, d->name);
		return -EINVAL;
	}
	if (!sdp_net_is_init(sn) && sdp_tunable_global(id)) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, attr,
					"%s is host-wide: set it in the initial network namespace",
					d->name);
		return -EPERM;
	}
	if (!sdp_net_is_init(sn) && sdp_tunable_capped(id) &&
	    value > sdp_tunable_get(sdp_net(&init_net), id)) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, attr,
					"%s %llu is above the initial network namespace's %llu",
					d->name, value,
					sdp_tunable_get(sdp_net(&init_net), id));
		return -EINVAL;
	}
	if (id == SDP_TUN_MAX_RULES) {
		u32 count = sdp_rules_locked(sn)->count;

		/* Shrinking under the table would make it over-full. */
		if (value < count) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, attr,
						"max-rules %llu is below the %u rules in the table",
						value, count);
			return -EBUSY;
		}
	}
	WRITE_ONCE(sn->tun[id], value);
	return 0;
}
