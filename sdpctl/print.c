// SPDX-License-Identifier: GPL-2.0
/*
 * Everything sdpctl prints on stdout, in both forms (human and JSON), kept
 * apart from the commands so the unit tests can check the exact text.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "cli.h"

void json_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* "conn-active-opens" as the JSON key "conn_active_opens". */
void json_key(FILE *f, const char *name)
{
	fputc('"', f);
	for (; *name; name++)
		fputc(*name == '-' ? '_' : *name, f);
	fputs("\":", f);
}

static void json_enum(FILE *f, const char *name, uint32_t value)
{
	if (name)
		json_string(f, name);
	else
		fprintf(f, "%" PRIu32, value);
}

void print_rule_json(FILE *f, const struct sdpctl_rule *r)
{
	char addr[INET6_ADDRSTRLEN] = "";

	if (r->family == AF_INET || r->family == AF_INET6)
		inet_ntop(r->family, r->addr, addr, sizeof(addr));
	fprintf(f, "{\"id\":%" PRIu32 ",\"position\":", r->id);
	if (r->has_position)
		fprintf(f, "%" PRIu32, r->position);
	else
		fputs("null", f);
	fputs(",\"family\":", f);
	json_enum(f, sdpctl_family_name(r->family), r->family);
	fputs(",\"addr\":", f);
	json_string(f, addr);
	fprintf(f, ",\"prefix_len\":%u,\"port_min\":%u,\"port_max\":%u,"
		"\"role\":", r->prefix_len, r->port_min, r->port_max);
	json_enum(f, sdpctl_role_name(r->role), r->role);
	fputs(",\"program\":", f);
	json_string(f, r->program[0] ? r->program : NULL);
	fputs(",\"action\":", f);
	json_enum(f, sdpctl_action_name(r->action), r->action);
	fprintf(f, ",\"hits\":%" PRIu64 "}", r->hits);
}

/* "ID: RULE hits N": what lies between "ID: " and " hits" parses back. */
void print_rule_line(FILE *f, const struct sdpctl_rule *r)
{
	struct sdpctl_rule shown = *r;
	char text[SDPCTL_RULE_TEXT_LEN];

	/* Table order already says where a rule is. */
	shown.has_position = false;
	if (sdpctl_rule_format(&shown, text, sizeof(text)))
		snprintf(text, sizeof(text),
			 "(unknown rule: family %u action %u role %u)",
			 r->family, r->action, r->role);
	fprintf(f, "%" PRIu32 ": %s hits %" PRIu64 "\n", r->id, text, r->hits);
}

static bool is_action_unit(const struct sdpctl_tunable *t)
{
	return !strcmp(t->unit, "action");
}

/* A tunable's value for people: action names for the action unit. */
const char *tunable_value_text(const struct sdpctl_tunable *t, uint64_t v,
			       char *buf, size_t len)
{
	const char *name = v <= UINT32_MAX ? sdpctl_action_name((uint32_t)v) :
					     NULL;

	if (is_action_unit(t) && name)
		return name;
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

void print_tunable_json(FILE *f, const struct sdpctl_tunable *t)
{
	fputs("{\"name\":", f);
	json_string(f, t->name);
	fprintf(f, ",\"value\":%" PRIu64 ",\"default\":%" PRIu64
		",\"min\":%" PRIu64 ",\"max\":%" PRIu64 ",\"unit\":",
		t->value, t->def, t->min, t->max);
	json_string(f, t->unit);
	fputs(",\"doc\":", f);
	json_string(f, t->doc);
	fputc('}', f);
}

void print_lookup(FILE *f, uint32_t action, uint32_t rule_id, bool json)
{
	const char *name = sdpctl_action_name(action);

	if (json) {
		fputs("{\"action\":", f);
		json_enum(f, name, action);
		if (rule_id)
			fprintf(f, ",\"rule\":%" PRIu32 "}\n", rule_id);
		else
			fputs(",\"rule\":null}\n", f);
		return;
	}
	if (name)
		fprintf(f, "action %s", name);
	else
		fprintf(f, "action %" PRIu32, action);
	if (rule_id)
		fprintf(f, " rule %" PRIu32 "\n", rule_id);
	else
		fputs(" rule default\n", f);
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/* Human output fits this many columns (the rows of wide tables aside). */
#define TEXT_COLUMNS 80
#define DOC_INDENT 4

/*
 * @text in lines of at most @cols columns, each indented by @indent,
 * broken between words (a word longer than a line gets one of its own).
 */
static void print_wrapped(FILE *f, const char *text, int indent, int cols)
{
	int col = 0, len;

	while (*text) {
		while (*text == ' ')
			text++;
		len = (int)strcspn(text, " ");
		if (!len)
			break;
		if (col && col + 1 + len > cols) {
			fputc('\n', f);
			col = 0;
		}
		col += col ? fprintf(f, " %.*s", len, text) :
			     fprintf(f, "%*s%.*s", indent, "", len, text);
		text += len;
	}
	if (col)
		fputc('\n', f);
}

/* Columns sized to their contents; each description wrapped under its row. */
void print_tunables_text(FILE *f, const struct sdpctl_tunable *items,
			 size_t n)
{
	static const char *const heads[] = {
		"NAME", "VALUE", "DEFAULT", "MIN", "MAX", "UNIT"
	};
	char cell[4][24];
	int w[6];
	size_t i, c;

	for (c = 0; c < 6; c++)
		w[c] = (int)strlen(heads[c]);
	for (i = 0; i < n; i++) {
		const struct sdpctl_tunable *t = &items[i];
		const uint64_t v[4] = { t->value, t->def, t->min, t->max };

		w[0] = max_int(w[0], (int)strlen(t->name));
		for (c = 0; c < 4; c++)
			w[c + 1] = max_int(w[c + 1], (int)strlen(
				tunable_value_text(t, v[c], cell[c], 24)));
		w[5] = max_int(w[5], (int)strlen(t->unit));
	}
	fprintf(f, "%-*s %*s %*s %*s %*s %s\n", w[0], heads[0], w[1],
		heads[1], w[2], heads[2], w[3], heads[3], w[4], heads[4],
		heads[5]);
	for (i = 0; i < n; i++) {
		const struct sdpctl_tunable *t = &items[i];

		fprintf(f, "%-*s %*s %*s %*s %*s %s\n", w[0], t->name,
			w[1], tunable_value_text(t, t->value, cell[0], 24),
			w[2], tunable_value_text(t, t->def, cell[1], 24),
			w[3], tunable_value_text(t, t->min, cell[2], 24),
			w[4], tunable_value_text(t, t->max, cell[3], 24),
			t->unit);
		print_wrapped(f, t->doc, DOC_INDENT, TEXT_COLUMNS);
	}
}

void print_info(FILE *f, const struct sdpctl_info *info, bool json)
{
	unsigned int major = (info->proto_version >> 4) & 0xf;
	unsigned int minor = info->proto_version & 0xf;
	bool first = true;
	unsigned int bit;

	if (json) {
		fputs("{\"version\":", f);
		json_string(f, info->version);
		fprintf(f, ",\"af_inet_sdp\":%" PRIu32
			",\"proto_version\":\"%u.%u\",\"features\":[",
			info->af_inet_sdp, major, minor);
	} else {
		fprintf(f, "version %s\nfamily %" PRIu32 "\nprotocol %u.%u\n"
			"features", info->version, info->af_inet_sdp, major,
			minor);
	}
	for (bit = 0; bit < 32; bit++) {
		const char *name = sdpctl_feature_name(1u << bit);
		char unknown[16];

		if (!(info->features & (1u << bit)))
			continue;
		if (!name) {
			snprintf(unknown, sizeof(unknown), "bit%u", bit);
			name = unknown;
		}
		if (json) {
			fputs(first ? "" : ",", f);
			json_string(f, name);
		} else {
			fprintf(f, " %s", name);
		}
		first = false;
	}
	fputs(json ? "]}\n" : "\n", f);
}

void print_stats_json(FILE *f, const struct sdpctl_stats *st)
{
	const uint64_t *buckets;
	unsigned int i, n, b;
	const char *name;
	uint64_t value;
	uint32_t h;

	fputc('{', f);
	for (i = 0; (name = sdpctl_stats_counter(st, i, &value)); i++) {
		json_key(f, name);
		fprintf(f, "%" PRIu64 ",", value);
	}
	for (i = SDPCTL_TX; i <= SDPCTL_RX; i++) {
		unsigned int t;

		fputs(i == SDPCTL_RX ? "\"rx_msgs\":{" : "\"tx_msgs\":{", f);
		for (t = 0; (name = sdpctl_msg_type_name(t)); t++) {
			fputs(t ? "," : "", f);
			json_key(f, name);
			fprintf(f, "%" PRIu64, sdpctl_stats_msgs(st, i, t));
		}
		fputs("},", f);
	}
	fputs("\"hist\":{", f);
	for (h = 1; (name = sdpctl_hist_name(h)); h++) {
		buckets = sdpctl_stats_hist(st, h, &n);
		fputs(h > 1 ? "," : "", f);
		json_key(f, name);
		fputc('[', f);
		for (b = 0; buckets && b < n; b++)
			fprintf(f, "%s%" PRIu64, b ? "," : "", buckets[b]);
		fputc(']', f);
	}
	fputc('}', f);
	if (!sdpctl_stats_reset_time(st, &value))
		fprintf(f, ",\"reset_time\":%" PRIu64, value);
	fputs("}\n", f);
}

/* 2^exp as people write sizes: 512, 1K, 64M, 16E. */
static void pow2_text(unsigned int exp, char *buf, size_t len)
{
	static const char suffix[] = "KMGTPE";

	if (exp < 10)
		snprintf(buf, len, "%u", 1u << exp);
	else
		snprintf(buf, len, "%u%c", 1u << (exp % 10),
			 suffix[exp / 10 - 1]);
}

/* Bucket 0 holds 0, bucket 1 holds 1, bucket n holds [2^(n-1), 2^n). */
static void bucket_label(unsigned int b, char *buf, size_t len)
{
	char lo[8], hi[8];

	if (b < 2) {
		snprintf(buf, len, "%u", b);
		return;
	}
	pow2_text(b - 1, lo, sizeof(lo));
	pow2_text(b, hi, sizeof(hi));
	snprintf(buf, len, "[%s, %s)", lo, hi);
}

static void hist_text(FILE *f, const char *name, const uint64_t *buckets,
		      unsigned int n)
{
	char label[24];
	uint64_t max = 0;
	int width = 1;
	unsigned int b;

	fprintf(f, "\n%s\n", name);
	if (!n) {
		fputs("  (no samples)\n", f);
		return;
	}
	for (b = 0; b < n; b++) {
		bucket_label(b, label, sizeof(label));
		if ((int)strlen(label) > width)
			width = (int)strlen(label);
		if (buckets[b] > max)
			max = buckets[b];
	}
	for (b = 0; b < n; b++) {
		/* A 40-column bar; any sample at all shows as one mark. */
		int bar = max ? (int)((double)buckets[b] * 40 / (double)max) : 0;

		if (buckets[b] && !bar)
			bar = 1;
		bucket_label(b, label, sizeof(label));
		fprintf(f, "  %-*s %12" PRIu64 "%s%.*s\n", width, label,
			buckets[b], bar ? " " : "", bar,
			"########################################");
	}
}

void print_stats_text(FILE *f, const struct sdpctl_stats *st)
{
	int width = (int)strlen("reset-time"), tw = (int)strlen("msg-type");
	const uint64_t *buckets;
	const char *name;
	uint64_t value;
	unsigned int i, n;
	int vw = 2;

	for (i = 0; (name = sdpctl_stats_counter(st, i, &value)); i++)
		if ((int)strlen(name) > width)
			width = (int)strlen(name);
	for (i = 0; (name = sdpctl_stats_counter(st, i, &value)); i++)
		fprintf(f, "%-*s %" PRIu64 "\n", width, name, value);
	if (!sdpctl_stats_reset_time(st, &value))
		fprintf(f, "%-*s %" PRIu64 "\n", width, "reset-time", value);

	for (i = 0; (name = sdpctl_msg_type_name(i)); i++) {
		uint64_t tx = sdpctl_stats_msgs(st, SDPCTL_TX, i);
		uint64_t rx = sdpctl_stats_msgs(st, SDPCTL_RX, i);
		char num[24];

		if ((int)strlen(name) > tw)
			tw = (int)strlen(name);
		if (snprintf(num, sizeof(num), "%" PRIu64, tx > rx ? tx : rx) > vw)
			vw = (int)strlen(num);
	}
	fprintf(f, "\n%-*s %*s %*s\n", tw, "msg-type", vw, "tx", vw, "rx");
	for (i = 0; (name = sdpctl_msg_type_name(i)); i++)
		fprintf(f, "%-*s %*" PRIu64 " %*" PRIu64 "\n", tw, name, vw,
			sdpctl_stats_msgs(st, SDPCTL_TX, i), vw,
			sdpctl_stats_msgs(st, SDPCTL_RX, i));

	for (i = 1; (name = sdpctl_hist_name(i)); i++) {
		buckets = sdpctl_stats_hist(st, i, &n);
		hist_text(f, name, buckets, buckets ? n : 0);
	}
}

/* ---- rates: sdpctl stats --interval ------------------------------------ */

/*
 * Per second between two readings; a counter that went back (the counters
 * were reset between them) counts from 0.
 */
static double rate(uint64_t before, uint64_t after, double secs)
{
	return (double)(after >= before ? after - before : after) / secs;
}

static uint64_t counter(const struct sdpctl_stats *st, const char *name)
{
	uint64_t v = 0;

	sdpctl_stats_value(st, name, &v);
	return v;
}

static uint64_t msgs_total(const struct sdpctl_stats *st, enum sdpctl_dir d)
{
	uint64_t n = 0;
	unsigned int t;

	for (t = 0; sdpctl_msg_type_name(t); t++)
		n += sdpctl_stats_msgs(st, d, t);
	return n;
}

/* The text form's columns: what an operator watches, 9 wide each. */
static const struct {
	const char *head;
	const char *counter;	/* its spec name, or NULL: messages */
	enum sdpctl_dir dir;	/* of the messages (no counter) */
} rate_cols[] = {
	{ .head = "tx B/s", .counter = "tx-bytes" },
	{ .head = "rx B/s", .counter = "rx-bytes" },
	{ .head = "tx msg/s", .dir = SDPCTL_TX },
	{ .head = "rx msg/s", .dir = SDPCTL_RX },
	{ .head = "conn/s", .counter = "conn-established" },
	{ .head = "fallbk/s", .counter = "fallback-tcp" },
	{ .head = "abort/s", .counter = "conn-aborted" },
};

/* 1234567 as 1.2M (K, M, G, T, P: powers of 1000), or whole if @exact. */
static const char *scaled(double v, bool exact, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	int u = -1;

	if (exact || v < 999.5) {
		snprintf(buf, len, "%.0f", v);
		return buf;
	}
	while (v >= 999.5 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(buf, len, v < 9.95 ? "%.1f%c" : "%.0f%c", v, units[u]);
	return buf;
}

void print_rates_header(FILE *f)
{
	size_t c;

	for (c = 0; c < sizeof(rate_cols) / sizeof(rate_cols[0]); c++)
		fprintf(f, "%8s ", rate_cols[c].head);
	fprintf(f, "%8s\n", "open");
}

/*
 * One line of rates between readings @prev and @cur, @secs apart: the
 * columns of print_rates_header(), then the connections open now; or,
 * with @json, an object with every counter's rate (conn-current, a
 * gauge, as its value) and the messages of each direction.
 */
void print_rates(FILE *f, const struct sdpctl_stats *prev,
		 const struct sdpctl_stats *cur, double secs, bool json,
		 bool exact)
{
	const char *name;
	uint64_t after;
	char buf[32];
	unsigned int i;
	size_t c;

	if (!json) {
		for (c = 0; c < sizeof(rate_cols) / sizeof(rate_cols[0]); c++) {
			const char *n = rate_cols[c].counter;
			enum sdpctl_dir d = rate_cols[c].dir;
			double r = n ? rate(counter(prev, n), counter(cur, n), secs) :
				       rate(msgs_total(prev, d), msgs_total(cur, d), secs);

			fprintf(f, "%8s ", scaled(r, exact, buf, sizeof(buf)));
		}
		fprintf(f, "%8" PRIu64 "\n", counter(cur, "conn-current"));
		return;
	}
	fprintf(f, "{\"interval\":%.3f,\"conn_current\":%" PRIu64 ",\"rates\":{",
		secs, counter(cur, "conn-current"));
	for (i = 0; (name = sdpctl_stats_counter(cur, i, &after)); i++) {
		if (!strcmp(name, "conn-current"))
			continue;
		json_key(f, name);
		fprintf(f, "%.1f,", rate(counter(prev, name), after, secs));
	}
	fprintf(f, "\"tx_msgs\":%.1f,\"rx_msgs\":%.1f}}\n",
		rate(msgs_total(prev, SDPCTL_TX), msgs_total(cur, SDPCTL_TX), secs),
		rate(msgs_total(prev, SDPCTL_RX), msgs_total(cur, SDPCTL_RX), secs));
}

/* "198.18.0.1:7300", "[2001:db8::1]:7300", "*:*" (unbound or absent). */
void conn_endpoint_text(uint16_t family, const uint8_t *addr, uint16_t port,
			bool present, char *buf, size_t len)
{
	static const uint8_t zero[16];
	char a[INET6_ADDRSTRLEN] = "*", p[8] = "*";
	size_t alen = family == AF_INET6 ? 16 : 4;

	if (present && memcmp(addr, zero, alen) &&
	    !inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, a,
		       sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (present && port)
		snprintf(p, sizeof(p), "%u", port);
	if (family == AF_INET6 && a[0] != '*')
		snprintf(buf, len, "[%s]:%s", a, p);
	else
		snprintf(buf, len, "%s:%s", a, p);
}

static void json_addr(FILE *f, uint16_t family, const uint8_t *addr,
		      bool present)
{
	char a[INET6_ADDRSTRLEN];

	if (!present || !inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET,
				   addr, a, sizeof(a))) {
		fputs("null", f);
		return;
	}
	json_string(f, a);
}

void print_conn_json(FILE *f, const struct sdpctl_conn *c,
		     const struct conn_rates *r)
{
	fputs("{\"family\":", f);
	json_enum(f, sdpctl_family_name(c->family), c->family);
	fputs(",\"state\":", f);
	json_enum(f, sdpctl_conn_state_name(c->state), c->state);
	fputs(",\"local_addr\":", f);
	json_addr(f, c->family, c->local_addr, true);
	fprintf(f, ",\"local_port\":%u,\"remote_addr\":", c->local_port);
	json_addr(f, c->family, c->remote_addr, c->has_remote);
	fputs(",\"remote_port\":", f);
	if (c->has_remote)
		fprintf(f, "%u", c->remote_port);
	else
		fputs("null", f);
	fputs(",\"transport\":", f);
	json_enum(f, sdpctl_transport_name(c->transport), c->transport);
	fputs(",\"fallback_reason\":", f);
	if (c->fallback_reason)
		json_enum(f, sdpctl_fallback_reason_name(c->fallback_reason),
			  c->fallback_reason);
	else
		fputs("null", f);
	fprintf(f, ",\"tx_bytes\":%" PRIu64 ",\"rx_bytes\":%" PRIu64
		",\"tx_queued\":%" PRIu32 ",\"rx_queued\":%" PRIu32
		",\"tx_credits\":%" PRIu32 ",\"rx_posted\":%" PRIu32
		",\"mem_pages\":%" PRIu32
		",\"uid\":%" PRIu32 ",\"inode\":%" PRIu64
		",\"cookie\":%" PRIu64,
		c->tx_bytes, c->rx_bytes, c->tx_queued, c->rx_queued,
		c->tx_credits, c->rx_posted, c->mem_pages, c->uid, c->inode,
		c->cookie);
	/* Named as stats --interval names them: the counter's name. */
	if (r)
		fprintf(f, ",\"rates\":{\"tx_bytes\":%.1f,\"rx_bytes\":%.1f}",
			r->tx, r->rx);
	fputc('}', f);
}

/*
 * conns -j: an array of sockets; with @rates (conns --interval), a line
 * {"interval":@secs,"conns":[...]} whose sockets carry their rates.
 */
void print_conns_json(FILE *f, const struct sdpctl_conn *items, size_t n,
		      const struct conn_rates *rates, double secs)
{
	size_t i;

	if (rates)
		fprintf(f, "{\"interval\":%.3f,\"conns\":", secs);
	fputc('[', f);
	for (i = 0; i < n; i++) {
		fputs(i ? "," : "", f);
		print_conn_json(f, &items[i], rates ? &rates[i] : NULL);
	}
	fputs(rates ? "]}\n" : "]\n", f);
}

/* The state column: the name, or the number sdpctl does not know. */
static const char *conn_state_text(uint8_t state, char *buf, size_t len)
{
	const char *name = sdpctl_conn_state_name(state);

	if (name)
		return name;
	snprintf(buf, len, "%u", state);
	return buf;
}

/*
 * The transport column: "sdp", "tcp", or "tcp:REASON" for a socket that
 * was to try SDP (numbers where sdpctl knows no name).
 */
static const char *conn_via_text(const struct sdpctl_conn *c, char *buf,
				 size_t len)
{
	const char *via = sdpctl_transport_name(c->transport);
	const char *why = sdpctl_fallback_reason_name(c->fallback_reason);
	char num[2][8];

	if (!via)
		snprintf(num[0], sizeof(num[0]), "%u", c->transport);
	if (!why)
		snprintf(num[1], sizeof(num[1]), "%u", c->fallback_reason);
	if (c->fallback_reason)
		snprintf(buf, len, "%s:%s", via ?: num[0], why ?: num[1]);
	else
		snprintf(buf, len, "%s", via ?: num[0]);
	return buf;
}

enum conn_col {
	COL_STATE, COL_VIA, COL_LOCAL, COL_PEER, COL_SENDQ, COL_RECVQ,
	COL_TX, COL_RX,
	/* conns --details only: */
	COL_CREDITS, COL_POSTED, COL_PAGES, COL_UID, COL_INODE, COL_COOKIE,
	CONN_COLS
};

#define CONN_CELL 64

/* One socket's row; TX and RX its bytes, or with @r its rates. */
static void conn_cells(const struct sdpctl_conn *k, const struct conn_rates *r,
		       bool exact, char cell[CONN_COLS][CONN_CELL])
{
	snprintf(cell[COL_STATE], CONN_CELL, "%s",
		 conn_state_text(k->state, cell[COL_VIA], CONN_CELL));
	conn_via_text(k, cell[COL_VIA], CONN_CELL);
	conn_endpoint_text(k->family, k->local_addr, k->local_port, true,
			   cell[COL_LOCAL], CONN_CELL);
	conn_endpoint_text(k->family, k->remote_addr, k->remote_port,
			   k->has_remote, cell[COL_PEER], CONN_CELL);
	snprintf(cell[COL_SENDQ], CONN_CELL, "%" PRIu32, k->tx_queued);
	snprintf(cell[COL_RECVQ], CONN_CELL, "%" PRIu32, k->rx_queued);
	scaled(r ? r->tx : (double)k->tx_bytes, exact, cell[COL_TX], CONN_CELL);
	scaled(r ? r->rx : (double)k->rx_bytes, exact, cell[COL_RX], CONN_CELL);
	snprintf(cell[COL_CREDITS], CONN_CELL, "%" PRIu32, k->tx_credits);
	snprintf(cell[COL_POSTED], CONN_CELL, "%" PRIu32, k->rx_posted);
	snprintf(cell[COL_PAGES], CONN_CELL, "%" PRIu32, k->mem_pages);
	snprintf(cell[COL_UID], CONN_CELL, "%" PRIu32, k->uid);
	snprintf(cell[COL_INODE], CONN_CELL, "%" PRIu64, k->inode);
	snprintf(cell[COL_COOKIE], CONN_CELL, "%" PRIu64, k->cookie);
}

/* One row: cells apart by a space, none after the last (ss style). */
static void conn_row(FILE *f, char cell[CONN_COLS][CONN_CELL],
		     const int *w, size_t cols)
{
	size_t c;

	for (c = 0; c < cols; c++)
		fprintf(f, "%s%*s", c ? " " : "",
			c <= COL_PEER ? -w[c] : w[c], cell[c]);
	fputc('\n', f);
}

/*
 * Columns sized to their contents, text left-aligned and numbers right.
 * Without --details the table fits 80 columns for IPv4 sockets; TX and
 * RX in K, M, G unless exact.
 */
void print_conns_text(FILE *f, const struct sdpctl_conn *items, size_t n,
		      const struct conns_view *v)
{
	static const char *const heads[CONN_COLS] = {
		"STATE", "VIA", "LOCAL", "PEER", "SEND-Q", "RECV-Q",
		"TX", "RX", "CREDITS", "POSTED", "PAGES", "UID", "INODE",
		"COOKIE"
	};
	size_t cols = v->details ? CONN_COLS : COL_CREDITS;
	char cell[CONN_COLS][CONN_CELL];
	int w[CONN_COLS];
	size_t i, c;

	for (c = 0; c < CONN_COLS; c++)
		snprintf(cell[c], CONN_CELL, "%s", heads[c]);
	if (v->rates) {
		snprintf(cell[COL_TX], CONN_CELL, "TX/s");
		snprintf(cell[COL_RX], CONN_CELL, "RX/s");
	}
	for (c = 0; c < CONN_COLS; c++)
		w[c] = (int)strlen(cell[c]);
	for (i = 0; i < n; i++) {
		char row[CONN_COLS][CONN_CELL];

		conn_cells(&items[i], v->rates ? &v->rates[i] : NULL, v->exact,
			   row);
		for (c = 0; c < CONN_COLS; c++)
			w[c] = max_int(w[c], (int)strlen(row[c]));
	}
	conn_row(f, cell, w, cols);
	for (i = 0; i < n; i++) {
		conn_cells(&items[i], v->rates ? &v->rates[i] : NULL, v->exact,
			   cell);
		conn_row(f, cell, w, cols);
	}
}

static const char *const event_names[] = {
	[SDPCTL_EVENT_MAP_ADD] = "map-add",
	[SDPCTL_EVENT_MAP_DEL] = "map-del",
	[SDPCTL_EVENT_MAP_FLUSH] = "map-flush",
	[SDPCTL_EVENT_MAP_REPLACE] = "map-replace",
	[SDPCTL_EVENT_TUNE_SET] = "tune-set",
	[SDPCTL_EVENT_STATS_RESET] = "stats-reset",
	[SDPCTL_EVENT_CONN_UP] = "conn-up",
	[SDPCTL_EVENT_CONN_DOWN] = "conn-down",
};

static void event_json(FILE *f, const struct sdpctl_event *ev)
{
	fputs("{\"event\":", f);
	json_string(f, event_names[ev->type]);
	switch (ev->type) {
	case SDPCTL_EVENT_MAP_ADD:
	case SDPCTL_EVENT_MAP_DEL:
		fputs(",\"rule\":", f);
		print_rule_json(f, &ev->rule);
		break;
	case SDPCTL_EVENT_MAP_FLUSH:
	case SDPCTL_EVENT_MAP_REPLACE:
		fprintf(f, ",\"count\":%" PRIu32, ev->count);
		break;
	case SDPCTL_EVENT_TUNE_SET:
		fputs(",\"name\":", f);
		json_string(f, ev->tunable.name);
		fprintf(f, ",\"value\":%" PRIu64, ev->tunable.value);
		break;
	case SDPCTL_EVENT_STATS_RESET:
		break;
	case SDPCTL_EVENT_CONN_UP:
	case SDPCTL_EVENT_CONN_DOWN:
		fputs(",\"conn\":", f);
		print_conn_json(f, &ev->conn, NULL);
		break;
	}
	fputs("}\n", f);
}

/* " LOCAL PEER STATE via VIA tx-bytes N rx-bytes N cookie N" */
static void conn_event_text(FILE *f, const struct sdpctl_conn *c)
{
	char local[64], peer[64], state[8], via[40];

	conn_endpoint_text(c->family, c->local_addr, c->local_port, true,
			   local, sizeof(local));
	conn_endpoint_text(c->family, c->remote_addr, c->remote_port,
			   c->has_remote, peer, sizeof(peer));
	fprintf(f, " %s %s %s via %s tx-bytes %" PRIu64 " rx-bytes %" PRIu64
		" cookie %" PRIu64, local, peer,
		conn_state_text(c->state, state, sizeof(state)),
		conn_via_text(c, via, sizeof(via)), c->tx_bytes, c->rx_bytes,
		c->cookie);
}

static void event_text(FILE *f, const struct sdpctl_event *ev)
{
	char value[24];

	fputs(event_names[ev->type], f);
	switch (ev->type) {
	case SDPCTL_EVENT_MAP_ADD:
	case SDPCTL_EVENT_MAP_DEL:
		fputc(' ', f);
		print_rule_line(f, &ev->rule);
		return;
	case SDPCTL_EVENT_MAP_FLUSH:
	case SDPCTL_EVENT_MAP_REPLACE:
		fprintf(f, " count %" PRIu32, ev->count);
		break;
	case SDPCTL_EVENT_TUNE_SET:
		fprintf(f, " %s %s", ev->tunable.name,
			tunable_value_text(&ev->tunable, ev->tunable.value,
					   value, sizeof(value)));
		break;
	case SDPCTL_EVENT_STATS_RESET:
		break;
	case SDPCTL_EVENT_CONN_UP:
	case SDPCTL_EVENT_CONN_DOWN:
		conn_event_text(f, &ev->conn);
		break;
	}
	fputc('\n', f);
}

/* One line per event; false for an event type sdpctl does not know. */
bool print_event(FILE *f, const struct sdpctl_event *ev, bool json)
{
	if ((size_t)ev->type >= sizeof(event_names) / sizeof(event_names[0]) ||
	    !event_names[ev->type])
		return false;
	if (json)
		event_json(f, ev);
	else
		event_text(f, ev);
	return true;
}
