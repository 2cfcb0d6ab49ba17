/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection with fail-nth (Documentation/fault-injection/): writing N
 * to /proc/thread-self/fail-nth makes the N-th failslab/fail_page_alloc
 * check of this thread fail; reading it back says 0 if that happened.
 * The debug-tier kernel has FAILSLAB and FAIL_PAGE_ALLOC; the suite
 * (tests/vm/test-faults.sh) makes them consider GFP_KERNEL allocations.
 *
 * A tool repeats one operation with N = 1, 2, ... until it completes
 * without reaching the N-th allocation: every allocation the operation
 * makes in the caller's context has then failed once.
 */
#ifndef SDP_TESTS_FAILNTH_H
#define SDP_TESTS_FAILNTH_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* No operation of ours makes more allocations than this in one call. */
#define FAILNTH_MAX 2000

static int failnth_fd = -1;

static void failnth_write(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (failnth_fd < 0)
		failnth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (failnth_fd < 0 || pwrite(failnth_fd, buf, len, 0) != len) {
		perror("fail-nth (a kernel with CONFIG_FAULT_INJECTION?)");
		exit(2);
	}
}

/* Arm: the n-th allocation from now on fails. */
static inline void failnth_arm(unsigned int n)
{
	failnth_write(n);
}

/* Disarm; true if the armed failure was injected. */
static inline int failnth_disarm(void)
{
	char buf[16] = "";
	ssize_t len = pread(failnth_fd, buf, sizeof(buf) - 1, 0);

	failnth_write(0);
	return len > 0 && atoi(buf) == 0;
}

#endif
