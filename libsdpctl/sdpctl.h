/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsdpctl: control the sdp (Sockets Direct Protocol) kernel module over
 * generic netlink (family "sdp", see docs/netlink/specs/sdp.yaml).
 *
 * Conventions: every call that can fail returns 0 or a negative errno.
 * A handle is not thread-safe; use one per thread. The library prints
 * nothing and keeps no global state of its own.
 *
 * Objects grow: later versions append fields to the structs below, never
 * move one. Each starts with `size`, the bytes of it the library filled
 * in (SDPCTL_HAS() tests a field). Calls that read or fill an object of
 * yours are macros passing the size your header gives it (the *_sz
 * functions), so a program keeps working with a later library, and a
 * later program with this one as far as the fields it checks. (For the
 * library's maintainers: a new field goes past the struct's end, never
 * into its tail padding, which this version neither reads nor fills.)
 */
#ifndef LIBSDPCTL_SDPCTL_H
#define LIBSDPCTL_SDPCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/sdp.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SDPCTL_EXPORT __attribute__((visibility("default")))

#define SDPCTL_LIB_VERSION "0.2.0"

/* Lengths of the fixed string buffers below, terminating NUL included. */
#define SDPCTL_PROGRAM_LEN	(SDP_PROGRAM_MAX_LEN + 1)
#define SDPCTL_TUNABLE_NAME_LEN	(SDP_TUNABLE_NAME_MAX_LEN + 1)
#define SDPCTL_TUNABLE_UNIT_LEN	16
#define SDPCTL_TUNABLE_DOC_LEN	128
#define SDPCTL_VERSION_LEN	32
/* Enough for any rule sdpctl_rule_format() writes. */
#define SDPCTL_RULE_TEXT_LEN	192

#define SDPCTL_ROLE_ANY		(SDP_ROLE_LISTEN | SDP_ROLE_CONNECT)

/* The library filled in @field of @obj (a pointer to a public object). */
#define SDPCTL_HAS(obj, field) \
	((obj)->size >= offsetof(__typeof__(*(obj)), field) + \
			sizeof((obj)->field))

struct sdpctl;

/* ---- handle ----------------------------------------------------------- */

/*
 * Open a generic netlink socket and resolve the "sdp" family.
 * -ENOENT means exactly one thing here: the sdp module is not loaded.
 */
SDPCTL_EXPORT int sdpctl_open(struct sdpctl **h);
SDPCTL_EXPORT void sdpctl_close(struct sdpctl *h);

/*
 * Why the last failed request failed, as the kernel put it (extended ack
 * message), followed by the attribute it pointed at if any, e.g.
 * "prefix length too long (attribute rule[2].prefix-len)". NULL when the
 * kernel gave no reason or the last request succeeded.
 */
SDPCTL_EXPORT const char *sdpctl_errmsg(const struct sdpctl *h);

/*
 * For a failed request carrying several rules (map-replace): 0-based index
 * of the rule the kernel pointed at, or -1 if it did not point at one.
 */
SDPCTL_EXPORT int sdpctl_err_rule_index(const struct sdpctl *h);

/* ---- info ------------------------------------------------------------- */

struct sdpctl_info {
	uint32_t size;			/* bytes filled in: see the top */
	char version[SDPCTL_VERSION_LEN];
	uint32_t af_inet_sdp;
	uint32_t proto_version;		/* major in high nibble, minor low */
	uint32_t features;		/* SDP_FEATURE_* bits */
};

SDPCTL_EXPORT int sdpctl_info_sz(struct sdpctl *h, struct sdpctl_info *info,
				 size_t size);
#define sdpctl_info(h, info) \
	sdpctl_info_sz(h, info, sizeof(struct sdpctl_info))

/* ---- statistics ------------------------------------------------------- */

/*
 * One reading of the counters of the caller's netns. Opaque, so that the
 * counters the kernel gains later need no new ABI: read it with the calls
 * below, which name counters as the spec does.
 */
struct sdpctl_stats;

enum sdpctl_dir {
	SDPCTL_TX,
	SDPCTL_RX,
};

/* *st (free it with sdpctl_stats_free()) holds the kernel's reply. */
SDPCTL_EXPORT int sdpctl_stats_get(struct sdpctl *h, struct sdpctl_stats **st);
SDPCTL_EXPORT void sdpctl_stats_free(struct sdpctl_stats *st);
SDPCTL_EXPORT int sdpctl_stats_reset(struct sdpctl *h);

/*
 * Walk the scalar counters the kernel sent, in spec order (reset-time
 * excluded): returns the spec's name of the i-th ("conn-active-opens",
 * ...) and stores its value, or returns NULL when i is past the last.
 */
SDPCTL_EXPORT const char *sdpctl_stats_counter(const struct sdpctl_stats *st,
					       unsigned int i, uint64_t *value);

/* A counter by its spec name: 0, or -ENOENT if the kernel sent no such one. */
SDPCTL_EXPORT int sdpctl_stats_value(const struct sdpctl_stats *st,
				     const char *name, uint64_t *value);

/* Seconds since the counters were last reset: 0, or -ENOENT. */
SDPCTL_EXPORT int sdpctl_stats_reset_time(const struct sdpctl_stats *st,
					  uint64_t *secs);

/*
 * Messages of one type sent or received; @type indexes the names of
 * sdpctl_msg_type_name(). 0 for a type the kernel did not report.
 */
SDPCTL_EXPORT uint64_t sdpctl_stats_msgs(const struct sdpctl_stats *st,
					 enum sdpctl_dir dir, unsigned int type);

/*
 * Histogram @hist_id (SDP_HIST_*, named by sdpctl_hist_name()): its log2
 * buckets (bucket 0 counts 0, bucket n counts [2^(n-1), 2^n)) and in
 * *n_buckets how many, trailing empty ones omitted. NULL for an id the
 * library does not know.
 */
SDPCTL_EXPORT const uint64_t *sdpctl_stats_hist(const struct sdpctl_stats *st,
						uint32_t hist_id,
						unsigned int *n_buckets);

/* ---- port-mapping rules ----------------------------------------------- */

struct sdpctl_rule {
	uint32_t size;			/* bytes filled in: see the top */
	uint32_t id;			/* kernel-assigned; 0 = none yet */
	uint32_t position;		/* valid when has_position */
	uint16_t family;		/* AF_INET, AF_INET6; AF_UNSPEC: both */
	uint8_t addr[16];		/* network byte order; 4 bytes for inet */
	uint8_t prefix_len;		/* 0 matches any address */
	uint16_t port_min, port_max;	/* 0-65535 matches any port */
	uint32_t role;			/* SDP_ROLE_* bits; 0 = any */
	char program[SDPCTL_PROGRAM_LEN]; /* wildcard pattern; "" = any */
	uint32_t action;		/* enum sdp_action */
	uint64_t hits;			/* data-path lookups it decided (replies) */
	bool has_position;		/* add: insert at position, not append */
	unsigned int line;		/* sdpctl_rules_parse(): source line */
};

#define SDPCTL_RULE_SZ sizeof(struct sdpctl_rule)

/* A rule matching everything: both families, any port, role, program. */
SDPCTL_EXPORT int sdpctl_rule_init_sz(struct sdpctl_rule *r, size_t size);
#define sdpctl_rule_init(r) sdpctl_rule_init_sz(r, SDPCTL_RULE_SZ)

/* Insert (or append) a rule; out_stored (may be NULL) gets it as stored. */
SDPCTL_EXPORT int sdpctl_map_add_sz(struct sdpctl *h,
				    const struct sdpctl_rule *in,
				    struct sdpctl_rule *out_stored,
				    size_t size);
#define sdpctl_map_add(h, in, out_stored) \
	sdpctl_map_add_sz(h, in, out_stored, SDPCTL_RULE_SZ)
SDPCTL_EXPORT int sdpctl_map_del_id(struct sdpctl *h, uint32_t id);
/* Delete the rule with the same match attributes and action. */
SDPCTL_EXPORT int sdpctl_map_del_match_sz(struct sdpctl *h,
					  const struct sdpctl_rule *r,
					  size_t size);
#define sdpctl_map_del_match(h, r) \
	sdpctl_map_del_match_sz(h, r, SDPCTL_RULE_SZ)
SDPCTL_EXPORT int sdpctl_map_get_sz(struct sdpctl *h, uint32_t id,
				    struct sdpctl_rule *out, size_t size);
#define sdpctl_map_get(h, id, out) sdpctl_map_get_sz(h, id, out, SDPCTL_RULE_SZ)

/*
 * Call cb for each rule in table order. cb returns 0 to go on, a positive
 * value to stop (sdpctl_map_dump() then returns 0), or a negative errno to
 * stop and have it returned. -EINTR means the table changed while it was
 * being dumped, so the rules seen may not be one table: dump again.
 */
typedef int (*sdpctl_rule_cb)(const struct sdpctl_rule *r, void *arg);
SDPCTL_EXPORT int sdpctl_map_dump(struct sdpctl *h, sdpctl_rule_cb cb,
				  void *arg);
/* count (may be NULL) gets the number of rules removed. */
SDPCTL_EXPORT int sdpctl_map_flush(struct sdpctl *h, uint32_t *count);
/*
 * Replace the table with rules[0..n) atomically. On a kernel rejection
 * nothing changed; sdpctl_err_rule_index() tells which rule it refused.
 */
SDPCTL_EXPORT int sdpctl_map_replace_sz(struct sdpctl *h,
					const struct sdpctl_rule *rules,
					size_t n, uint32_t *count,
					size_t size);
#define sdpctl_map_replace(h, rules, n, count) \
	sdpctl_map_replace_sz(h, rules, n, count, SDPCTL_RULE_SZ)

struct sdpctl_lookup {
	uint32_t size;			/* bytes filled in: see the top */
	uint16_t family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];		/* local for listen, remote for connect */
	uint16_t port;
	uint32_t role;			/* SDP_ROLE_LISTEN or SDP_ROLE_CONNECT */
	char program[SDPCTL_PROGRAM_LEN]; /* task comm; "" = not given */
};

/* rule_id (may be NULL) gets the deciding rule, 0 for the default action. */
SDPCTL_EXPORT int sdpctl_map_lookup_sz(struct sdpctl *h,
				       const struct sdpctl_lookup *q,
				       uint32_t *action, uint32_t *rule_id,
				       size_t size);
#define sdpctl_map_lookup(h, q, action, rule_id) \
	sdpctl_map_lookup_sz(h, q, action, rule_id, \
			     sizeof(struct sdpctl_lookup))

/* ---- tunables --------------------------------------------------------- */

struct sdpctl_tunable {
	uint32_t size;			/* bytes filled in: see the top */
	char name[SDPCTL_TUNABLE_NAME_LEN];
	uint64_t value, def, min, max;
	char unit[SDPCTL_TUNABLE_UNIT_LEN];	/* "action": enum sdp_action */
	char doc[SDPCTL_TUNABLE_DOC_LEN];
};

typedef int (*sdpctl_tunable_cb)(const struct sdpctl_tunable *t, void *arg);
SDPCTL_EXPORT int sdpctl_tune_get_sz(struct sdpctl *h, const char *name,
				     struct sdpctl_tunable *out, size_t size);
#define sdpctl_tune_get(h, name, out) \
	sdpctl_tune_get_sz(h, name, out, sizeof(struct sdpctl_tunable))
/* cb as for sdpctl_map_dump(). */
SDPCTL_EXPORT int sdpctl_tune_dump(struct sdpctl *h, sdpctl_tunable_cb cb,
				   void *arg);
SDPCTL_EXPORT int sdpctl_tune_set(struct sdpctl *h, const char *name,
				  uint64_t value);

/* ---- live sockets ----------------------------------------------------- */

/* One SDP socket of the caller's netns (conn attribute set of the spec). */
struct sdpctl_conn {
	uint32_t size;			/* bytes filled in: see the top */
	uint16_t family;		/* AF_INET or AF_INET6 */
	uint8_t local_addr[16];		/* network byte order; 4 bytes for inet */
	uint16_t local_port;		/* 0: not bound */
	bool has_remote;		/* false: listener, or not connecting */
	uint8_t remote_addr[16];
	uint16_t remote_port;
	uint8_t state;			/* TCP state numbers, see below */
	uint64_t tx_bytes, rx_bytes;	/* payload bytes sent / received */
	uint32_t tx_credits;		/* peer buffers free for us */
	uint32_t rx_posted;		/* our buffers posted for the peer */
	uint32_t tx_queued;		/* sent, not completed (SIOCOUTQ) */
	uint32_t rx_queued;		/* received, not read (SIOCINQ) */
	uint32_t uid;
	uint64_t inode;			/* 0 once closed / before accept() */
	uint64_t cookie;		/* unique socket id (SO_COOKIE) */
	/* Since 2.1 (size says whether filled in): */
	uint8_t transport;		/* SDP_TRANSPORT_SDP or _TCP */
	uint8_t fallback_reason;	/* SDP_FALLBACK_REASON_*; 0: none */
	/* Since 2.2: */
	uint32_t mem_pages;		/* buffer pages held (mem-max-pages) */
};

/*
 * Call cb for each SDP socket of the caller's network namespace; cb as for
 * sdpctl_map_dump(). -EINTR means sockets came or went while the dump was
 * in progress, so some of those may be missing (dump again for a snapshot);
 * every socket that stayed throughout was passed to cb exactly once.
 */
typedef int (*sdpctl_conn_cb)(const struct sdpctl_conn *c, void *arg);
SDPCTL_EXPORT int sdpctl_conn_dump(struct sdpctl *h, sdpctl_conn_cb cb,
				   void *arg);

/*
 * Name of a socket state (the TCP state numbers of /proc/net/tcp):
 * "established", "syn-sent", "syn-recv", ..., "close", "listen"; NULL for
 * a number it does not know.
 */
SDPCTL_EXPORT const char *sdpctl_conn_state_name(uint8_t state);
/*
 * Names of a socket's transport ("sdp", "tcp") and of why it runs over TCP
 * ("rule", "no-device", "rejected", ..., as the spec's fallback-reason
 * enum); NULL for a number the library does not know.  Since 2.1.
 */
SDPCTL_EXPORT const char *sdpctl_transport_name(uint8_t transport);
SDPCTL_EXPORT const char *sdpctl_fallback_reason_name(uint8_t reason);

/* ---- events ----------------------------------------------------------- */

enum sdpctl_event_type {
	SDPCTL_EVENT_MAP_ADD = 1,	/* rule */
	SDPCTL_EVENT_MAP_DEL,		/* rule */
	SDPCTL_EVENT_MAP_FLUSH,		/* count: rules removed */
	SDPCTL_EVENT_MAP_REPLACE,	/* count: rules now in the table */
	SDPCTL_EVENT_TUNE_SET,		/* tunable (name and value at least) */
	SDPCTL_EVENT_STATS_RESET,	/* nothing */
	SDPCTL_EVENT_CONN_UP,		/* conn: a connection was established */
	SDPCTL_EVENT_CONN_DOWN,		/* conn: it ended (final counters) */
};

struct sdpctl_event {
	uint32_t size;			/* bytes filled in: see the top */
	enum sdpctl_event_type type;
	union {
		struct sdpctl_rule rule;
		uint32_t count;
		struct sdpctl_tunable tunable;
		struct sdpctl_conn conn;
	};
};

/*
 * Subscribe to the "events" multicast group on a second socket, so that
 * events never interleave with request replies on the first.
 */
SDPCTL_EXPORT int sdpctl_monitor_open(struct sdpctl *h);
/* The socket to poll() for POLLIN, or -EBADF before sdpctl_monitor_open(). */
SDPCTL_EXPORT int sdpctl_monitor_fd(const struct sdpctl *h);

/*
 * Read the pending notifications without blocking and call cb for each
 * event. cb returns 0 to go on, anything else to stop dispatching (events
 * not yet read stay queued). Returns the number of events delivered, the
 * negative value cb returned, or -errno; -ENOBUFS means the socket
 * overflowed and events were lost (the monitor stays usable).
 */
typedef int (*sdpctl_event_cb)(const struct sdpctl_event *ev, void *arg);
SDPCTL_EXPORT int sdpctl_monitor_dispatch(struct sdpctl *h, sdpctl_event_cb cb,
					  void *arg);

/* ---- rule text -------------------------------------------------------- */

enum sdpctl_parse_error_kind {
	SDPCTL_PERR_NONE,
	SDPCTL_PERR_UNKNOWN_KEYWORD,
	SDPCTL_PERR_MISSING_VALUE,
	SDPCTL_PERR_DUPLICATE_KEYWORD,
	SDPCTL_PERR_BAD_ACTION,
	SDPCTL_PERR_BAD_ROLE,
	SDPCTL_PERR_BAD_FAMILY,
	SDPCTL_PERR_BAD_ADDRESS,
	SDPCTL_PERR_PREFIX_TOO_LONG,
	SDPCTL_PERR_HOST_BITS,
	SDPCTL_PERR_BAD_PORT,
	SDPCTL_PERR_PORT_RANGE_INVERTED,
	SDPCTL_PERR_PROGRAM_TOO_LONG,
	SDPCTL_PERR_BAD_POSITION,
	SDPCTL_PERR_MISSING_ACTION,
	SDPCTL_PERR_TRAILING_GARBAGE,
	SDPCTL_PERR_BAD_QUOTE,
};

struct sdpctl_parse_error {
	uint32_t size;			/* bytes filled in: see the top */
	enum sdpctl_parse_error_kind kind;
	unsigned int line;		/* 1-based; 0 when not parsing a text */
	unsigned int column;		/* 1-based; the word index for argv */
	char token[64];			/* offending word (may be truncated) */
	char msg[256];			/* "line 7: prefix length 40 is ..." */
};

/*
 * Parse one rule line: keyword form or a libsdp.conf "use" line. Returns
 * 0, -ENODATA when the line holds no rule (blank, comment, libsdp "log"
 * directive), or -EINVAL with err (may be NULL) filled in.
 */
SDPCTL_EXPORT int sdpctl_rule_parse_sz(const char *line, struct sdpctl_rule *r,
				       size_t size,
				       struct sdpctl_parse_error *err,
				       size_t err_size);
#define SDPCTL_PERR_SZ sizeof(struct sdpctl_parse_error)
#define sdpctl_rule_parse(line, r, err) \
	sdpctl_rule_parse_sz(line, r, SDPCTL_RULE_SZ, err, SDPCTL_PERR_SZ)

/* The same for a rule given as separate words (argv); columns are words. */
SDPCTL_EXPORT int sdpctl_rule_parse_args_sz(int argc, const char *const *argv,
					    struct sdpctl_rule *r, size_t size,
					    struct sdpctl_parse_error *err,
					    size_t err_size);
#define sdpctl_rule_parse_args(argc, argv, r, err) \
	sdpctl_rule_parse_args_sz(argc, argv, r, SDPCTL_RULE_SZ, err, \
				  SDPCTL_PERR_SZ)

/*
 * Parse a whole rule file. On success *rules (free() it) holds *n rules in
 * file order, each with its line. On -EINVAL err names the first bad line
 * and nothing is returned; -ENOMEM as usual.
 */
SDPCTL_EXPORT int sdpctl_rules_parse_sz(const char *text,
					struct sdpctl_rule **rules, size_t *n,
					size_t size,
					struct sdpctl_parse_error *err,
					size_t err_size);
#define sdpctl_rules_parse(text, rules, n, err) \
	sdpctl_rules_parse_sz(text, rules, n, SDPCTL_RULE_SZ, err, \
			      SDPCTL_PERR_SZ)

/*
 * Write a rule in keyword form, which sdpctl_rule_parse() reads back to the
 * same rule ("position N" only when has_position). Returns 0, -ENOSPC when
 * buf was too small (it then holds a truncated string), or -EINVAL.
 */
SDPCTL_EXPORT int sdpctl_rule_format_sz(const struct sdpctl_rule *r,
					size_t size, char *buf, size_t len);
#define sdpctl_rule_format(r, buf, len) \
	sdpctl_rule_format_sz(r, SDPCTL_RULE_SZ, buf, len)

/* ---- names ------------------------------------------------------------ */

/* Each returns NULL for a value it does not know. */
SDPCTL_EXPORT const char *sdpctl_action_name(uint32_t action);
SDPCTL_EXPORT const char *sdpctl_role_name(uint32_t role); /* listen|connect|any */
SDPCTL_EXPORT const char *sdpctl_family_name(uint16_t family); /* inet|inet6|any */
SDPCTL_EXPORT const char *sdpctl_feature_name(uint32_t feature_bit);
/* Message types in msg-counts order, from index 0 until NULL. */
SDPCTL_EXPORT const char *sdpctl_msg_type_name(unsigned int index);
SDPCTL_EXPORT const char *sdpctl_hist_name(uint32_t hist_id);

/* "sdp", "tcp", "both" to enum sdp_action: 0 or -EINVAL. */
SDPCTL_EXPORT int sdpctl_action_parse(const char *s, uint32_t *action);

#ifdef __cplusplus
}
#endif

#endif /* LIBSDPCTL_SDPCTL_H */
