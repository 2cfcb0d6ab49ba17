/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdp: the port-mapping rule table (rules.c), a pure data structure:
 * netlink.c builds rules from attributes, the data path looks them up.
 */
#ifndef _SDP_RULES_H
#define _SDP_RULES_H

#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include <linux/sdp.h>

struct net;
struct sdp_net;

/* Longest address a rule holds (IPv6). */
#define SDP_ADDR_MAX_LEN	16

/**
 * struct sdp_rule_match - what a rule selects
 * @family: AF_INET or AF_INET6
 * @port_min: first port matched (host order)
 * @port_max: last port matched (host order), >= @port_min
 * @prefix_len: leading bits of @addr that must match; 0: any address
 * @role: enum sdp_role bits the rule applies to, never 0
 * @addr: address, network order; all bits beyond @prefix_len are 0
 * @program: comm-name pattern; empty: every program
 *
 * Two rules with equal match are duplicates.  The layout has no padding
 * and every byte of @addr and @program past the meaningful ones is 0, so
 * memcmp() and jhash() over the whole struct are exact.
 */
struct sdp_rule_match {
	u16 family;
	u16 port_min;
	u16 port_max;
	u8 prefix_len;
	u8 role;
	u8 addr[SDP_ADDR_MAX_LEN];
	char program[SDP_PROGRAM_MAX_LEN + 1];
};

/**
 * struct sdp_rule - one entry of a namespace's mapping table
 * @rcu: frees the rule a grace period after it left the table
 * @hits: data-path lookups this rule decided (sdp_map_lookup(), not
 *	sdp_map_query()); the only field written after publish
 * @id: identifier, unique within the namespace, never 0
 * @action: enum sdp_action
 * @match: what the rule selects
 *
 * A rule is built and validated off to the side, then published in a
 * struct sdp_rule_table; from then on it is immutable (save @hits) and
 * shared by every later table that keeps it.  It is freed with
 * kfree_rcu() once the table that dropped it has been published.
 */
struct sdp_rule {
	struct rcu_head rcu;
	atomic64_t hits;
	u32 id;
	u32 action;
	struct sdp_rule_match match;
};

/**
 * struct sdp_rule_table - ordered, immutable snapshot of the mapping table
 * @rcu: frees the table (not its rules) after a grace period
 * @gen: generation: differs from that of every other table this namespace
 *	published lately, never 0 (dumps compare it across their parts)
 * @count: number of rules
 * @rules: the rules in match order
 *
 * Copy-on-write: every change builds a new table (an array of pointers,
 * at most max-rules long, so a copy is cheap next to a netlink round
 * trip), publishes it with rcu_assign_pointer() and frees the old one
 * with kvfree_rcu().  Readers therefore see either the old or the new
 * table as a whole, never a half-done change, and a map-replace is atomic.
 */
struct sdp_rule_table {
	struct rcu_head rcu;
	u32 gen;
	u32 count;
	struct sdp_rule *rules[];
};

/* rules.c */
int sdp_rules_init(struct sdp_net *sn);
void sdp_rules_exit(struct sdp_net *sn);
bool sdp_rule_program_valid(const char *pattern);
bool sdp_rule_host_bits(const u8 *addr, unsigned int len, unsigned int plen);
bool sdp_rule_same_match(const struct sdp_rule *a, const struct sdp_rule *b);
struct sdp_rule_table *sdp_rules_locked(struct sdp_net *sn);
int sdp_rules_find_id(const struct sdp_rule_table *t, u32 id);
int sdp_rules_find_match(const struct sdp_rule_table *t,
			 const struct sdp_rule *r);
int sdp_rules_find_dup(const struct sdp_rule_table *t, u32 *first,
		       u32 *second);
struct sdp_rule_table *sdp_rules_table_alloc(u32 count);
void sdp_rules_table_free(struct sdp_rule_table *t);
int sdp_rules_insert(struct sdp_net *sn, struct sdp_rule *r, u32 pos);
struct sdp_rule *sdp_rules_remove(struct sdp_net *sn, u32 pos);
u32 sdp_rules_replace(struct sdp_net *sn, struct sdp_rule_table *t);
int sdp_map_lookup(struct net *net, u16 family, const void *addr, u16 port,
		   u32 role, const char *comm, u32 *rule_id);
int sdp_map_query(struct net *net, u16 family, const void *addr, u16 port,
		  u32 role, const char *comm, u32 *rule_id);

#endif /* _SDP_RULES_H */
