/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdpctl internals: the command table and what the commands share (args.c),
 * output helpers (print.c) and the commands, each parsing its own arguments
 * (testable without a kernel) and running in its cmd_*.c file.
 */
#ifndef SDPCTL_CLI_H
#define SDPCTL_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "sdpctl.h"

#define SDPCTL_TOOL_VERSION SDPCTL_LIB_VERSION

/* Exit status, documented in sdpctl(8) and --help. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* the operation failed (kernel or system) */
	EXIT_USAGE = 2,		/* usage or parse error; nothing was sent */
	EXIT_NO_MODULE = 3,	/* the sdp family is not registered */
	EXIT_PERM = 4,		/* EPERM or EACCES */
};

/* cli_parse() result meaning "go on and run the command". */
#define CLI_RUN (-1)

/* Everything a command needs besides its own arguments. */
struct cli_ctx {
	FILE *out, *err;
	bool json;
	const char *name;		/* command name for messages */
	struct sdpctl *h;		/* opened by cli_open() */
};

struct cli_cmd {
	const char *name;
	const char *alias;		/* or NULL */
	/* Leaves: check the words after the command, then run; exit code. */
	int (*main)(struct cli_ctx *ctx, int argc, char **argv);
	const char *synopsis;		/* arguments, for usage lines */
	const char *help;		/* one line */
	const char *details;		/* more help, or NULL */
	/* Groups: subcommands (NULL-name terminated) and the implied one. */
	const struct cli_cmd *subs;
	const char *default_sub;
};

/* The command line up to the command's own words, as cli_parse() saw it. */
struct cli_invocation {
	const struct cli_cmd *cmd;	/* a leaf */
	char name[32];			/* "map add", for messages */
	bool json;
	/* The words after the command, less -j and -h; free() argv. */
	int argc;
	char **argv;
};

extern const struct cli_cmd cli_commands[];

/* args.c */
int cli_parse(int argc, char **argv, struct cli_invocation *inv, FILE *out,
	      FILE *err);
int cli_main(int argc, char **argv, FILE *out, FILE *err);
int cli_usage_error(FILE *err, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cli_exit_code(int err);
int cli_open_exit_code(int err);
void cli_report(FILE *out, const char *cmd, int err, const char *detail);
int cli_open(struct cli_ctx *ctx);
int cli_fail(struct cli_ctx *ctx, int err, const char *fallback);
int cli_parse_u64(const char *s, uint64_t *v);
int cli_parse_u32(const char *s, uint32_t *v);
int cli_unexpected(const struct cli_ctx *ctx, const char *arg);
int cli_opt_value(const struct cli_ctx *ctx, int argc, char **argv, int *i,
		  const char *name, const char *alias, const char **val);
/*
 * @items (@n used of *@cap, each @size bytes) with room for one more:
 * itself, or grown to twice *@cap (@first the first time); NULL if
 * memory runs out, @items then as it was.
 */
void *cli_room(void *items, size_t n, size_t *cap, size_t size, size_t first);
int cli_parse_count(const struct cli_ctx *ctx, const char *val,
		    const char *what, uint64_t *n);
int cli_no_args(const struct cli_ctx *ctx, int argc, char **argv);

/*
 * The commands. Each X_main() is the table's entry point: it checks the
 * words after the command with X_parse() into its own struct X_args (or
 * with cli_no_args() if it takes none), sending nothing to the kernel, and
 * then runs the command.
 */

/* watch.c: --interval and --count, and readings on a fixed schedule. */
struct watch_args {
	double interval;		/* --interval SECONDS; 0: one reading */
	uint64_t count;			/* --count N readings shown; 0: no end */
};

struct watch_clock {
	struct watch_args args;
	struct timespec start, then;
	uint64_t n;			/* readings due so far */
};

/*
 * --interval SECONDS (-i) or --count N (-c, N @counted) at argv[*i]: 1
 * taken (*i moved past its value), 0 neither, -1 a usage error (printed).
 */
int watch_opt(const struct cli_ctx *ctx, int argc, char **argv, int *i,
	      struct watch_args *w, const char *counted);
/* The first reading was just taken. */
void watch_start(struct watch_clock *c, const struct watch_args *w);
/*
 * Sleep until the next reading is due, every interval from the first (a
 * slow reading does not shift the next); false after --count of them.
 */
bool watch_next(struct watch_clock *c);
/* Seconds since the previous reading; the one just taken becomes that. */
double watch_mark(struct watch_clock *c);

/* cmd_info.c */
struct stats_args {
	bool reset;			/* --reset */
	struct watch_args watch;	/* lines of rates */
	bool exact;			/* --exact: no K/M/G in text */
};

int info_main(struct cli_ctx *ctx, int argc, char **argv);
int stats_parse(const struct cli_ctx *ctx, int argc, char **argv,
		struct stats_args *args);
int stats_main(struct cli_ctx *ctx, int argc, char **argv);

/* cmd_map.c */
struct map_add_args {
	struct sdpctl_rule rule;
};

struct map_del_args {
	bool by_id;			/* ID rather than RULE */
	uint32_t id;
	struct sdpctl_rule rule;
};

struct map_get_args {
	uint32_t id;
};

struct map_lookup_args {
	struct sdpctl_lookup lookup;
};

struct map_load_args {
	const char *file;		/* "-" for stdin */
};

int map_add_parse(const struct cli_ctx *ctx, int argc, char **argv,
		  struct map_add_args *args);
int map_add_main(struct cli_ctx *ctx, int argc, char **argv);
int map_del_parse(const struct cli_ctx *ctx, int argc, char **argv,
		  struct map_del_args *args);
int map_del_main(struct cli_ctx *ctx, int argc, char **argv);
int map_get_parse(const struct cli_ctx *ctx, int argc, char **argv,
		  struct map_get_args *args);
int map_get_main(struct cli_ctx *ctx, int argc, char **argv);
int map_list_main(struct cli_ctx *ctx, int argc, char **argv);
int map_save_main(struct cli_ctx *ctx, int argc, char **argv);
int map_flush_main(struct cli_ctx *ctx, int argc, char **argv);
int map_lookup_parse(const struct cli_ctx *ctx, int argc, char **argv,
		     struct map_lookup_args *args);
int map_lookup_main(struct cli_ctx *ctx, int argc, char **argv);
int map_load_parse(const struct cli_ctx *ctx, int argc, char **argv,
		   struct map_load_args *args);
int map_load_main(struct cli_ctx *ctx, int argc, char **argv);

/* cmd_tune.c */
struct tune_get_args {
	const char *name;
};

struct tune_set_args {
	const char *name;
	uint64_t value;
	bool value_is_action;		/* VALUE was sdp, tcp or both */
};

int tune_list_main(struct cli_ctx *ctx, int argc, char **argv);
int tune_get_parse(const struct cli_ctx *ctx, int argc, char **argv,
		   struct tune_get_args *args);
int tune_get_main(struct cli_ctx *ctx, int argc, char **argv);
int tune_parse_value(const char *s, uint64_t *v, bool *is_action);
int tune_set_parse(const struct cli_ctx *ctx, int argc, char **argv,
		   struct tune_set_args *args);
int tune_set_main(struct cli_ctx *ctx, int argc, char **argv);

/* A "tune NAME VALUE" line of a rule file (map load). */
struct tune_line {
	unsigned int line;
	char name[SDPCTL_TUNABLE_NAME_LEN];
	uint64_t value;
	bool is_action;			/* VALUE was sdp, tcp or both */
	uint64_t old;			/* the value before, once set */
};

/*
 * Take the tune lines out of @text, the rule file @file, into *@lines
 * (free() them): blanked, so that the rule parser numbers the other lines
 * as the file does.  A bad one is a usage error, printed.
 */
int tune_lines_take(const struct cli_ctx *ctx, const char *file, char *text,
		    struct tune_line **lines, size_t *n);
/*
 * Set them in file order, each one's old value kept; if the kernel
 * refuses one, put back those set and report it (the exit code).
 */
int tune_lines_apply(struct cli_ctx *ctx, const char *file,
		     struct tune_line *lines, size_t n);
/* Put back the old values of the @n set (what follows them failed). */
void tune_lines_revert(struct cli_ctx *ctx, const struct tune_line *lines,
		       size_t n);

/* cmd_monitor.c */
struct monitor_args {
	uint64_t count;			/* --count, 0 = no limit */
};

int monitor_parse(const struct cli_ctx *ctx, int argc, char **argv,
		  struct monitor_args *args);
int monitor_main(struct cli_ctx *ctx, int argc, char **argv);

/* cmd_conns.c */
struct conns_args {
	bool details;			/* --details: credits, owner, ids */
	bool exact;			/* --exact: no K/M/G in text */
	struct watch_args watch;	/* tables of rates */
};

int conns_parse(const struct cli_ctx *ctx, int argc, char **argv,
		struct conns_args *args);
int conns_main(struct cli_ctx *ctx, int argc, char **argv);

/* print.c */
void json_string(FILE *f, const char *s);
void json_key(FILE *f, const char *name);
void print_rule_json(FILE *f, const struct sdpctl_rule *r);
void print_rule_line(FILE *f, const struct sdpctl_rule *r);
const char *tunable_value_text(const struct sdpctl_tunable *t, uint64_t v,
			       char *buf, size_t len);
void print_tunable_json(FILE *f, const struct sdpctl_tunable *t);
void print_tunables_text(FILE *f, const struct sdpctl_tunable *items,
			 size_t n);
void print_lookup(FILE *f, uint32_t action, uint32_t rule_id, bool json);
void print_info(FILE *f, const struct sdpctl_info *info, bool json);
void print_stats_json(FILE *f, const struct sdpctl_stats *st);
void print_stats_text(FILE *f, const struct sdpctl_stats *st);
void print_rates_header(FILE *f);
void print_rates(FILE *f, const struct sdpctl_stats *prev,
		 const struct sdpctl_stats *cur, double secs, bool json,
		 bool exact);
bool print_event(FILE *f, const struct sdpctl_event *ev, bool json);
void conn_endpoint_text(uint16_t family, const uint8_t *addr, uint16_t port,
			bool present, char *buf, size_t len);
/* Bytes per second of one connection, both ways (conns --interval). */
struct conn_rates {
	double tx, rx;
};

/* How conns shows its table; @rates, one per connection, or NULL. */
struct conns_view {
	bool details, exact;
	const struct conn_rates *rates;
};

void print_conn_json(FILE *f, const struct sdpctl_conn *c,
		     const struct conn_rates *r);
void print_conns_json(FILE *f, const struct sdpctl_conn *items, size_t n,
		      const struct conn_rates *rates, double secs);
void print_conns_text(FILE *f, const struct sdpctl_conn *items, size_t n,
		      const struct conns_view *v);

#endif /* SDPCTL_CLI_H */
