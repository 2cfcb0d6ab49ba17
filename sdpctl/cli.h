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

struct cli_request;
struct cli_ctx;

struct cli_cmd {
	const char *name;
	const char *alias;		/* or NULL */
	/* Leaves: check the words after the command into req; exit code. */
	int (*parse)(struct cli_request *req, int argc, char **argv, FILE *err);
	int (*run)(struct cli_ctx *ctx, const struct cli_request *req);
	const char *synopsis;		/* arguments, for usage lines */
	const char *help;		/* one line */
	const char *details;		/* more help, or NULL */
	/* Groups: subcommands (NULL-name terminated) and the implied one. */
	const struct cli_cmd *subs;
	const char *default_sub;
};

/* Everything a command needs, as the command line said it. */
struct cli_request {
	const struct cli_cmd *cmd;
	char name[32];			/* "map add", for messages */
	bool json;
	bool reset;			/* stats --reset */
	struct sdpctl_rule rule;	/* map add, map del RULE */
	bool by_id;			/* map del ID, map get ID */
	uint32_t id;
	struct sdpctl_lookup lookup;
	const char *tunable;		/* tune get/set */
	uint64_t value;			/* tune set */
	bool value_is_action;		/* VALUE was sdp, tcp or both */
	const char *file;		/* map load */
	uint64_t count;			/* monitor --count, 0 = no limit */
};

struct cli_ctx {
	FILE *out, *err;
	bool json;
	const char *name;		/* command name for messages */
	struct sdpctl *h;		/* opened by cli_open() */
};

extern const struct cli_cmd cli_commands[];

/* args.c */
int cli_parse(int argc, char **argv, struct cli_request *req, FILE *out,
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
int cli_unexpected(struct cli_request *req, FILE *err, const char *arg);
int cli_parse_none(struct cli_request *req, int argc, char **argv, FILE *err);

/* The commands' argument parsers, in their cmd_*.c files. */
int cli_parse_stats(struct cli_request *req, int argc, char **argv, FILE *err);
int cli_parse_map_add(struct cli_request *req, int argc, char **argv,
		      FILE *err);
int cli_parse_map_del(struct cli_request *req, int argc, char **argv,
		      FILE *err);
int cli_parse_map_get(struct cli_request *req, int argc, char **argv,
		      FILE *err);
int cli_parse_map_lookup(struct cli_request *req, int argc, char **argv,
			 FILE *err);
int cli_parse_map_load(struct cli_request *req, int argc, char **argv,
		       FILE *err);
int cli_parse_tune_value(const char *s, uint64_t *v, bool *is_action);
int cli_parse_tune_get(struct cli_request *req, int argc, char **argv,
		       FILE *err);
int cli_parse_tune_set(struct cli_request *req, int argc, char **argv,
		       FILE *err);
int cli_parse_monitor(struct cli_request *req, int argc, char **argv,
		      FILE *err);

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
bool print_event(FILE *f, const struct sdpctl_event *ev, bool json);
void conn_endpoint_text(uint16_t family, const uint8_t *addr, uint16_t port,
			bool present, char *buf, size_t len);
void print_conn_json(FILE *f, const struct sdpctl_conn *c);
void print_conns_text(FILE *f, const struct sdpctl_conn *items, size_t n);

/* Command handlers. */
int run_info(struct cli_ctx *ctx, const struct cli_request *req);
int run_stats(struct cli_ctx *ctx, const struct cli_request *req);
int run_map_add(struct cli_ctx *ctx, const struct cli_request *req);
int run_map_del(struct cli_ctx *ctx, const struct cli_request *req);
int run_map_get(struct cli_ctx *ctx, const struct cli_request *req);
int run_map_list(struct cli_ctx *ctx, const struct cli_request *req);
int run_map_flush(struct cli_ctx *ctx, const struct cli_request *req);
int run_map_lookup(struct cli_ctx *ctx, const struct cli_request *req);
int run_map_load(struct cli_ctx *ctx, const struct cli_request *req);
int run_map_save(struct cli_ctx *ctx, const struct cli_request *req);
int run_tune_list(struct cli_ctx *ctx, const struct cli_request *req);
int run_tune_get(struct cli_ctx *ctx, const struct cli_request *req);
int run_tune_set(struct cli_ctx *ctx, const struct cli_request *req);
int run_monitor(struct cli_ctx *ctx, const struct cli_request *req);
int run_conns(struct cli_ctx *ctx, const struct cli_request *req);

#endif /* SDPCTL_CLI_H */
