// SPDX-License-Identifier: GPL-2.0
/*
 * libsdpctl's socket I/O against the running kernel's own generic netlink
 * controller ("nlctrl"), which every Linux has: opening a family, do and
 * dump requests, stopping a dump early, kernel errors and the monitor
 * socket. Read-only; the sdp module is not needed (nor touched).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "internal.h"

static int setup(void **state)
{
	struct sdpctl *h;
	int err = sdpctl_open_family("nlctrl", &h);

	/* A sandbox without netlink cannot run these: they skip. */
	if (err == -EAFNOSUPPORT || err == -EPROTONOSUPPORT || err == -EPERM ||
	    err == -EACCES) {
		*state = NULL;
		return 0;
	}
	assert_int_equal(err, 0);
	*state = h;
	return 0;
}

/* The handle on nlctrl, or skip the test. */
static struct sdpctl *handle(void **state)
{
	if (!*state)
		skip();
	return *state;
}

static int teardown(void **state)
{
	sdpctl_close(*state);
	return 0;
}

static struct nl_msg *getfamily(const char *name, int flags)
{
	struct nl_msg *msg;

	assert_int_equal(sdpctl_msg_new(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
					flags, 64, &msg), 0);
	if (name)
		assert_int_equal(nla_put_string(msg, CTRL_ATTR_FAMILY_NAME,
						name), 0);
	return msg;
}

struct families {
	int seen, stop_after, fail_with;
	bool saw_nlctrl;
};

static int count_family(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct families *f = arg;

	assert_int_equal(genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL), 0);
	if (tb[CTRL_ATTR_FAMILY_NAME] &&
	    !strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), "nlctrl"))
		f->saw_nlctrl = true;
	f->seen++;
	if (f->fail_with)
		return f->fail_with;
	return f->stop_after && f->seen >= f->stop_after;
}

static void test_open(void **state)
{
	struct sdpctl *h = handle(state), *missing = (void *)1;

	assert_int_equal(h->family_id, GENL_ID_CTRL);
	assert_null(sdpctl_errmsg(h));
	/* ENOENT is how a missing family (module not loaded) shows;
	 * names stay under GENL_NAMSIZ or the controller says EINVAL. */
	assert_int_equal(sdpctl_open_family("sdp-nosuch", &missing),
			 -ENOENT);
	assert_null(missing);
}

static void test_do_request(void **state)
{
	struct families f = { 0 };
	struct sdpctl *h = handle(state);

	assert_int_equal(sdpctl_request(h, getfamily("nlctrl", 0),
					count_family, &f), 0);
	assert_int_equal(f.seen, 1);
	assert_true(f.saw_nlctrl);
}

static void test_dump(void **state)
{
	struct families f = { 0 };
	struct sdpctl *h = handle(state);

	/* A tiny buffer must grow to whatever the kernel sends. */
	h->rxbuf_len = 16;
	assert_int_equal(sdpctl_request(h, getfamily(NULL, NLM_F_DUMP),
					count_family, &f), 0);
	assert_true(f.seen >= 1);
	assert_true(f.saw_nlctrl);
	assert_true(h->rxbuf_len > 16);
}

static void test_dump_stopped_then_reused(void **state)
{
	struct families f = { .stop_after = 1 }, g = { 0 };
	struct sdpctl *h = handle(state);

	assert_int_equal(sdpctl_request(h, getfamily(NULL, NLM_F_DUMP),
					count_family, &f), 0);
	assert_int_equal(f.seen, 1);

	/* The rest of that dump was drained: the next request is clean. */
	f = (struct families){ .fail_with = -ECANCELED };
	assert_int_equal(sdpctl_request(h, getfamily(NULL, NLM_F_DUMP),
					count_family, &f), -ECANCELED);
	assert_int_equal(f.seen, 1);
	assert_int_equal(sdpctl_request(h, getfamily("nlctrl", 0),
					count_family, &g), 0);
	assert_int_equal(g.seen, 1);
}

static void test_kernel_error(void **state)
{
	struct families f = { 0 };
	struct sdpctl *h = handle(state);

	assert_int_equal(sdpctl_request(h, getfamily("sdp-nosuch", 0),
					count_family, &f), -ENOENT);
	assert_int_equal(f.seen, 0);
	assert_int_equal(sdpctl_err_rule_index(h), -1);
	assert_int_equal(sdpctl_request(h, getfamily("nlctrl", 0), NULL, NULL),
			 0);
	assert_null(sdpctl_errmsg(h));
}

/* A strict family's extended ack, if this kernel has ethtool netlink. */
static void test_extended_ack(void **state)
{
	struct sdpctl *ethtool;
	struct nl_msg *msg;

	handle(state);
	if (sdpctl_open_family("ethtool", &ethtool))
		skip();
	/* ETHTOOL_MSG_LINKINFO_GET with an attribute no policy knows. */
	assert_int_equal(sdpctl_msg_new(ethtool->family_id, 2, 0, 64, &msg), 0);
	assert_int_equal(nla_put_u32(msg, 99, 1), 0);
	assert_int_equal(sdpctl_request(ethtool, msg, NULL, NULL), -EINVAL);
	assert_non_null(sdpctl_errmsg(ethtool));
	assert_non_null(strstr(sdpctl_errmsg(ethtool), "99"));
	sdpctl_close(ethtool);
}

static void test_monitor_socket(void **state)
{
	struct sdpctl *h = handle(state);

	/* nlctrl has no "events" group: nothing to subscribe to. */
	assert_int_equal(h->events_group, 0);
	assert_int_equal(sdpctl_monitor_open(h), -EOPNOTSUPP);
	assert_int_equal(sdpctl_monitor_fd(h), -EBADF);
	assert_int_equal(sdpctl_monitor_dispatch(h, NULL, NULL), -EBADF);

	/* Its "notify" group has the family's id; nothing is pending. */
	h->events_group = GENL_ID_CTRL;
	assert_int_equal(sdpctl_monitor_open(h), 0);
	assert_true(sdpctl_monitor_fd(h) >= 0);
	assert_int_equal(sdpctl_monitor_open(h), 0);	/* idempotent */
	assert_int_equal(sdpctl_monitor_dispatch(h, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest io[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_do_request),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_dump_stopped_then_reused),
		cmocka_unit_test(test_kernel_error),
		cmocka_unit_test(test_extended_ack),
		cmocka_unit_test(test_monitor_socket),
	};

	return cmocka_run_group_tests_name("io-nlctrl", io, setup, teardown) ?
	       1 : 0;
}
