// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: the port-mapping rule table of a network namespace.
 *
 * A pure data structure: netlink.c builds and checks rules from their
 * attributes and reports errors; here they are stored, found and matched.
 *
 * The table is an ordered array of rule pointers published with RCU and
 * replaced as a whole on every change (see struct sdp_rule_table).  The
 * data path asks sdp_map_lookup(), which walks the current array under
 * rcu_read_lock() and never blocks, and counts a hit on the deciding
 * rule; the map-lookup request asks sdp_map_query(), which counts none.
 * Netlink handlers change the table under sdp_net.lock with the *_locked
 * style helpers below.
 */

#include <linux/err.h>
#include <linux/in.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/ipv6.h>

#include "sdp.h"

/* ---- program patterns ---------------------------------------------------- */

/*
 * Shell wildcard patterns as fnmatch(3) without flags knows them: '*' any
 * run of characters, '?' one character, '[...]' a set with ranges and
 * '!' or '^' negation (a ']' first in the set is literal), '\' quotes the
 * next character.  The kernel's glob_match() is not used because it needs
 * CONFIG_GLOB and has no quoting; the names matched are task comms (at
 * most 15 bytes), so the simple backtracking below is cheap.
 */

/*
 * Match @c against the set starting at @p (which points at '[').
 * Return: length of the set in the pattern, 0 if it is unterminated.
 */
static size_t sdp_glob_set(const char *p, unsigned char c, bool *hit)
{
	const char *s = p + 1;
	bool neg = false;

	*hit = false;
	if (*s == '!' || *s == '^') {
		neg = true;
		s++;
	}
	do {
		unsigned char lo, hi;

		if (*s == '\\')
			s++;
		if (!*s)
			return 0;
		lo = *s++;
		hi = lo;
		if (s[0] == '-' && s[1] && s[1] != ']') {
			s++;
			if (*s == '\\')
				s++;
			if (!*s)
				return 0;
			hi = *s++;
		}
		if (lo <= c && c <= hi)
			*hit = true;
	} while (*s && *s != ']');
	if (!*s)
		return 0;
	*hit ^= neg;
	return s + 1 - p;
}

/**
 * sdp_rule_program_valid() - is a program pattern well formed
 * @p: the pattern
 *
 * Return: false if a set ('[...]') is unterminated or the pattern ends in
 *	the escape character.
 */
bool sdp_rule_program_valid(const char *p)
{
	bool hit;

	while (*p) {
		size_t n = 1;

		if (*p == '[')
			n = sdp_glob_set(p, 0, &hit);
		else if (*p == '\\')
			n = p[1] ? 2 : 0;
		if (!n)
			return false;
		p += n;
	}
	return true;
}

static bool sdp_glob_match(const char *pat, const char *str)
{
	const char *star_pat = NULL, *star_str = NULL;

	while (*str) {
		size_t n;
		bool hit;

		switch (*pat) {
		case '*':
			star_pat = ++pat;
			star_str = str;
			continue;
		case '?':
			pat++;
			str++;
			continue;
		case '[':
			n = sdp_glob_set(pat, *str, &hit);
			if (n && hit) {
				pat += n;
				str++;
				continue;
			}
			break;
		case '\\':
			if (pat[1] == *str) {
				pat += 2;
				str++;
				continue;
			}
			break;
		default:
			if (*pat == *str) {
				pat++;
				str++;
				continue;
			}
			break;
		}
		/* Mismatch: let the last '*' swallow one more character. */
		if (!star_pat)
			return false;
		pat = star_pat;
		str = ++star_str;
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

/* ---- addresses ------------------------------------------------------------ */

/**
 * sdp_rule_host_bits() - is any bit of an address beyond a prefix set
 * @addr: the address, network order
 * @len: its length in bytes
 * @plen: the prefix length in bits, at most @len * 8
 *
 * Return: true if a bit at or after bit @plen is set.
 */
bool sdp_rule_host_bits(const u8 *addr, unsigned int len, unsigned int plen)
{
	unsigned int i = plen / 8;

	if (plen % 8 && (addr[i++] & (0xff >> (plen % 8))))
		return true;
	for (; i < len; i++)
		if (addr[i])
			return true;
	return false;
}

static bool sdp_prefix_match(const u8 *a, const u8 *b, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, b, bytes))
		return false;
	return !bits || !((a[bytes] ^ b[bytes]) & (0xff00 >> bits) & 0xff);
}

/**
 * sdp_rule_same_match() - do two rules select the same endpoints?
 * @a: a rule
 * @b: another rule
 *
 * Compares everything but id, action and hits; this is what makes a rule
 * a duplicate.
 *
 * Return: true if they match the same endpoints.
 */
bool sdp_rule_same_match(const struct sdp_rule *a, const struct sdp_rule *b)
{
	static_assert(sizeof(struct sdp_rule_match) ==
		      3 * sizeof(u16) + 2 + SDP_ADDR_MAX_LEN +
		      SDP_PROGRAM_MAX_LEN + 1, "sdp_rule_match must not pad");

	return !memcmp(&a->match, &b->match, sizeof(a->match));
}

/* ---- the table ------------------------------------------------------------ */

/**
 * sdp_rules_locked() - the current table, for a holder of sdp_net.lock
 * @sn: the namespace state
 *
 * Return: the table; valid until the lock is released.
 */
struct sdp_rule_table *sdp_rules_locked(struct sdp_net *sn)
{
	return rcu_dereference_protected(sn->rules, lockdep_is_held(&sn->lock));
}

/**
 * sdp_rules_table_alloc() - allocate an unpublished table
 * @count: number of rule slots, all NULL
 *
 * Return: the table or NULL.
 */
struct sdp_rule_table *sdp_rules_table_alloc(u32 count)
{
	struct sdp_rule_table *t;

	t = kvzalloc(struct_size(t, rules, count), GFP_KERNEL);
	if (t)
		t->count = count;
	return t;
}

/**
 * sdp_rules_table_free() - free a table that was never published
 * @t: the table, with its rules (NULL slots are skipped); may be NULL
 */
void sdp_rules_table_free(struct sdp_rule_table *t)
{
	u32 i;

	if (!t)
		return;
	for (i = 0; i < t->count; i++)
		kfree(t->rules[i]);
	kvfree(t);
}

/**
 * sdp_rules_find_id() - position of the rule with an id
 * @t: the table
 * @id: the id
 *
 * Return: the position, or -ENOENT.
 */
int sdp_rules_find_id(const struct sdp_rule_table *t, u32 id)
{
	u32 i;

	for (i = 0; i < t->count; i++)
		if (t->rules[i]->id == id)
			return i;
	return -ENOENT;
}

/**
 * sdp_rules_find_match() - position of a rule matching what @r matches
 * @t: the table
 * @r: the rule to look for (need not be in a table)
 *
 * Return: the position, or -ENOENT.
 */
int sdp_rules_find_match(const struct sdp_rule_table *t,
			 const struct sdp_rule *r)
{
	u32 i;

	for (i = 0; i < t->count; i++)
		if (sdp_rule_same_match(t->rules[i], r))
			return i;
	return -ENOENT;
}

/**
 * sdp_rules_find_dup() - look for two rules of a table that are duplicates
 * @t: the table (a map-replace request, up to 64K rules)
 * @first: set to the position of the earlier of the two
 * @second: set to the position of the later one
 *
 * Hashes the match fields so that a large request is checked in linear
 * time rather than by comparing every pair.
 *
 * Return: 1 if a duplicate was found, 0 if none, -ENOMEM.
 */
int sdp_rules_find_dup(const struct sdp_rule_table *t, u32 *first,
		       u32 *second)
{
	u32 nbuckets, i, j, *head, *next;
	int ret = 0;

	if (t->count < 2)
		return 0;
	nbuckets = roundup_pow_of_two(t->count);
	head = kvmalloc_array(nbuckets, sizeof(*head), GFP_KERNEL);
	next = kvmalloc_array(t->count, sizeof(*next), GFP_KERNEL);
	if (!head || !next) {
		ret = -ENOMEM;
		goto out;
	}
	memset(head, 0xff, nbuckets * sizeof(*head));

	for (i = 0; i < t->count; i++) {
		const struct sdp_rule *r = t->rules[i];
		u32 h = jhash(&r->match, sizeof(r->match), 0) & (nbuckets - 1);

		for (j = head[h]; j != U32_MAX; j = next[j]) {
			if (sdp_rule_same_match(t->rules[j], r)) {
				*first = j;
				*second = i;
				ret = 1;
				goto out;
			}
		}
		next[i] = head[h];
		head[h] = i;
	}
out:
	kvfree(next);
	kvfree(head);
	return ret;
}

static u32 sdp_rules_next_id(struct sdp_net *sn)
{
	/*
	 * Monotonic; wrapping takes 2^32 rule additions, after which 0 is
	 * skipped (it means "no rule" on the wire and in sdp_map_lookup()).
	 */
	if (!++sn->next_id)
		sn->next_id = 1;
	return sn->next_id;
}

/* Publish @t; return the table it replaced, to be retired by the caller. */
static struct sdp_rule_table *sdp_rules_publish(struct sdp_net *sn,
						struct sdp_rule_table *t)
{
	if (!++sn->gen)
		sn->gen = 1;
	t->gen = sn->gen;
	return rcu_replace_pointer(sn->rules, t, lockdep_is_held(&sn->lock));
}

/**
 * sdp_rules_insert() - insert a rule into the table
 * @sn: the namespace state; sdp_net.lock held
 * @r: the validated rule; gets its id here and belongs to the table after
 *	success (it stays valid until the lock is released)
 * @pos: position, at most the current count
 *
 * Return: 0 or -ENOMEM.
 */
int sdp_rules_insert(struct sdp_net *sn, struct sdp_rule *r, u32 pos)
{
	struct sdp_rule_table *old = sdp_rules_locked(sn), *t;

	if (WARN_ON_ONCE(pos > old->count))
		return -EINVAL;
	t = sdp_rules_table_alloc(old->count + 1);
	if (!t)
		return -ENOMEM;
	memcpy(t->rules, old->rules, pos * sizeof(*t->rules));
	t->rules[pos] = r;
	memcpy(t->rules + pos + 1, old->rules + pos,
	       (old->count - pos) * sizeof(*t->rules));
	r->id = sdp_rules_next_id(sn);

	old = sdp_rules_publish(sn, t);
	kvfree_rcu(old, rcu);
	return 0;
}

/**
 * sdp_rules_remove() - take the rule at a position out of the table
 * @sn: the namespace state; sdp_net.lock held
 * @pos: its position
 *
 * The rule is not freed: readers may still see it, and the caller may
 * still want to report it.  The caller frees it with kfree_rcu().
 *
 * Return: the rule, or an ERR_PTR().
 */
struct sdp_rule *sdp_rules_remove(struct sdp_net *sn, u32 pos)
{
	struct sdp_rule_table *old = sdp_rules_locked(sn), *t;
	struct sdp_rule *r;

	if (WARN_ON_ONCE(pos >= old->count))
		return ERR_PTR(-EINVAL);
	t = sdp_rules_table_alloc(old->count - 1);
	if (!t)
		return ERR_PTR(-ENOMEM);
	r = old->rules[pos];
	memcpy(t->rules, old->rules, pos * sizeof(*t->rules));
	memcpy(t->rules + pos, old->rules + pos + 1,
	       (old->count - pos - 1) * sizeof(*t->rules));

	old = sdp_rules_publish(sn, t);
	kvfree_rcu(old, rcu);
	return r;
}

/**
 * sdp_rules_replace() - make a new set of rules the table
 * @sn: the namespace state; sdp_net.lock held
 * @t: unpublished table of validated rules (no duplicates); the rules
 *	get their ids here, in order, and the table belongs to @sn after
 *
 * Also used to flush, with an empty table.  Cannot fail, so callers do
 * all allocation and validation first and the swap is all-or-nothing.
 *
 * Return: number of rules the old table had.
 */
u32 sdp_rules_replace(struct sdp_net *sn, struct sdp_rule_table *t)
{
	struct sdp_rule_table *old;
	u32 i, count;

	for (i = 0; i < t->count; i++)
		t->rules[i]->id = sdp_rules_next_id(sn);
	old = sdp_rules_publish(sn, t);
	count = old->count;
	for (i = 0; i < old->count; i++)
		kfree_rcu(old->rules[i], rcu);
	kvfree_rcu(old, rcu);
	return count;
}

/**
 * sdp_rules_init() - give a new namespace an empty table
 * @sn: the namespace state
 *
 * Return: 0 or -ENOMEM.
 */
int sdp_rules_init(struct sdp_net *sn)
{
	struct sdp_rule_table *t = sdp_rules_table_alloc(0);

	if (!t)
		return -ENOMEM;
	sn->gen = 1;
	t->gen = sn->gen;
	RCU_INIT_POINTER(sn->rules, t);
	return 0;
}

/**
 * sdp_rules_exit() - free the table of a namespace that is going away
 * @sn: the namespace state
 *
 * Runs from the pernet exit: the namespace has no sockets left, so no
 * netlink request or data path lookup can be looking at the table, and
 * it can be freed at once.
 */
void sdp_rules_exit(struct sdp_net *sn)
{
	sdp_rules_table_free(rcu_dereference_protected(sn->rules, true));
	RCU_INIT_POINTER(sn->rules, NULL);
}

/* ---- lookup ----------------------------------------------------------------- */

static bool sdp_rule_matches(const struct sdp_rule *r, u16 family,
			     const u8 *addr, u16 port, u32 role,
			     const char *comm)
{
	const struct sdp_rule_match *m = &r->match;

	/* AF_UNSPEC: both families; such a rule has no address. */
	if ((m->family != AF_UNSPEC && m->family != family) ||
	    !(m->role & role) || port < m->port_min || port > m->port_max)
		return false;
	if (!sdp_prefix_match(m->addr, addr, m->prefix_len))
		return false;
	/*
	 * A rule without a program matches every task; a rule with one
	 * needs a name to match against, so a lookup without a name (a
	 * kernel socket, or a netlink query that gave none) only ever
	 * matches program-less rules.
	 */
	if (m->program[0])
		return comm && sdp_glob_match(m->program, comm);
	return true;
}

/*
 * The lookup behind sdp_map_lookup() and sdp_map_query(): the first
 * matching rule decides; a hit is counted on it only if @decide.
 */
static int sdp_map_resolve(struct net *net, u16 family, const void *addr,
			   u16 port, u32 role, const char *comm, u32 *rule_id,
			   bool decide)
{
	const struct sdp_rule_table *t;
	struct sdp_net *sn = sdp_net(net);
	u32 id = 0;
	int action;
	u32 i;

	if ((family != AF_INET && family != AF_INET6) ||
	    (role != SDP_ROLE_LISTEN && role != SDP_ROLE_CONNECT))
		return -EINVAL;
	/*
	 * A dual-stack socket reaches an IPv4 peer at ::ffff:a.b.c.d: the
	 * IPv4 rules decide it, as they would for an IPv4 socket.
	 */
	if (family == AF_INET6 && ipv6_addr_v4mapped(addr)) {
		family = AF_INET;
		addr = (const u8 *)addr + 12;
	}

	sdp_stats_inc(net, SDP_STAT_MAP_LOOKUPS);

	rcu_read_lock();
	t = rcu_dereference(sn->rules);
	action = (int)READ_ONCE(sn->tun[SDP_TUN_DEFAULT_ACTION]);
	for (i = 0; i < t->count; i++) {
		struct sdp_rule *r = t->rules[i];

		if (sdp_rule_matches(r, family, addr, port, role, comm)) {
			if (decide)
				atomic64_inc(&r->hits);
			id = r->id;
			action = r->action;
			break;
		}
	}
	rcu_read_unlock();

	if (rule_id)
		*rule_id = id;
	return action;
}

/**
 * sdp_map_lookup() - decide whether an endpoint uses SDP or TCP
 * @net: network namespace of the socket
 * @family: AF_INET or AF_INET6
 * @addr: address in network order, 4 or 16 bytes as @family says: the
 *	local address for %SDP_ROLE_LISTEN, the remote one for
 *	%SDP_ROLE_CONNECT
 * @port: port in host order
 * @role: exactly one of %SDP_ROLE_LISTEN and %SDP_ROLE_CONNECT
 * @comm: name of the task (its comm), or NULL to match only rules that
 *	name no program
 * @rule_id: if not NULL, set to the id of the deciding rule, or 0 when no
 *	rule matched and the default-action tunable decided
 *
 * For the data path, which acts on the answer: the first matching rule in
 * table order wins and has its hits counter incremented (a rule of no
 * family matches both; a v4-mapped IPv6 address is looked up as the IPv4
 * address it carries); the namespace's
 * map-lookups counter counts every call.  Queries that decide nothing use
 * sdp_map_query().  Lockless (RCU); callable from any context, including
 * atomic ones.
 *
 * Return: the action (%SDP_ACTION_SDP, %SDP_ACTION_TCP or
 * %SDP_ACTION_BOTH), or -EINVAL for a bad @family or @role.
 */
int sdp_map_lookup(struct net *net, u16 family, const void *addr, u16 port,
		   u32 role, const char *comm, u32 *rule_id)
{
	return sdp_map_resolve(net, family, addr, port, role, comm, rule_id,
			       true);
}

/**
 * sdp_map_query() - what sdp_map_lookup() would decide, without deciding
 * @net: as for sdp_map_lookup()
 * @family: as for sdp_map_lookup()
 * @addr: as for sdp_map_lookup()
 * @port: as for sdp_map_lookup()
 * @role: as for sdp_map_lookup()
 * @comm: as for sdp_map_lookup()
 * @rule_id: as for sdp_map_lookup()
 *
 * For the map-lookup request, which anyone may send: the answer is the
 * same, but no rule's hits counter moves, so hits count only what the
 * data path decided.  The map-lookups counter counts the call like any
 * lookup (it measures table walks, not decisions).
 *
 * Return: as for sdp_map_lookup().
 */
int sdp_map_query(struct net *net, u16 family, const void *addr, u16 port,
		  u32 role, const char *comm, u32 *rule_id)
{
	return sdp_map_resolve(net, family, addr, port, role, comm, rule_id,
			       false);
}
