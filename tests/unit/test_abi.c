// SPDX-License-Identifier: GPL-2.0
/*
 * The shared library's ABI as the dynamic loader sees it: the soname says
 * which ABI it is, every export carries its version node, and what a
 * program built against an earlier ABI asks for is not there, so the
 * loader rejects that program instead of letting it misread objects whose
 * layout changed (struct sdpctl_stats of ABI 1 was caller-allocated).
 */
#define _GNU_SOURCE		/* dlvsym(), dlinfo() */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <string.h>

#ifndef SDPCTL_SHLIB
#error "build with -DSDPCTL_SHLIB=\"/path/to/libsdpctl.so\""
#endif

#define ABI_SONAME	"libsdpctl.so.2"
#define ABI_NODE	"LIBSDPCTL_2"

static void *lib;

static int setup(void **state)
{
	(void)state;
	lib = dlopen(SDPCTL_SHLIB, RTLD_NOW | RTLD_LOCAL);
	return lib ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return dlclose(lib);
}

/* DT_SONAME of the loaded library, from its dynamic section. */
static const char *loaded_soname(void)
{
	const char *strtab = NULL;
	struct link_map *map;
	const ElfW(Dyn) *d;
	size_t soname = 0;
	bool has_soname = false;

	if (dlinfo(lib, RTLD_DI_LINKMAP, &map))
		return NULL;
	for (d = map->l_ld; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_STRTAB)
			strtab = (const char *)d->d_un.d_ptr;
		if (d->d_tag == DT_SONAME) {
			soname = d->d_un.d_val;
			has_soname = true;
		}
	}
	return strtab && has_soname ? strtab + soname : NULL;
}

static void test_soname(void **state)
{
	const char *soname = loaded_soname();

	(void)state;
	assert_non_null(soname);
	assert_string_equal(soname, ABI_SONAME);
}

/* A program of ABI 1 asks for name@LIBSDPCTL_1: none is there. */
static void test_old_abi_rejected(void **state)
{
	static const char *const v1_calls[] = {
		"sdpctl_open", "sdpctl_stats_get", "sdpctl_stats_counter",
		"sdpctl_map_dump", "sdpctl_conn_dump",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v1_calls) / sizeof(v1_calls[0]); i++)
		assert_null(dlvsym(lib, v1_calls[i], "LIBSDPCTL_1"));
}

static void test_current_abi_versioned(void **state)
{
	static const char *const calls[] = {
		"sdpctl_open", "sdpctl_close", "sdpctl_stats_get",
		"sdpctl_stats_free", "sdpctl_stats_counter",
		"sdpctl_stats_value", "sdpctl_stats_reset_time",
		"sdpctl_stats_msgs", "sdpctl_stats_hist", "sdpctl_info_sz",
		"sdpctl_rule_init_sz", "sdpctl_map_add_sz",
		"sdpctl_map_replace_sz", "sdpctl_rules_parse_sz",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		assert_non_null(dlvsym(lib, calls[i], ABI_NODE));
	/* Internals stay hidden. */
	assert_null(dlsym(lib, "sdpctl_parse_stats"));
}

/* Calls added since 2.0 carry the node that added them. */
static void test_later_calls_versioned(void **state)
{
	static const char *const calls_2_1[] = {
		"sdpctl_transport_name", "sdpctl_fallback_reason_name",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(calls_2_1) / sizeof(calls_2_1[0]); i++) {
		assert_non_null(dlvsym(lib, calls_2_1[i], "LIBSDPCTL_2.1"));
		assert_null(dlvsym(lib, calls_2_1[i], ABI_NODE));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_soname),
		cmocka_unit_test(test_old_abi_rejected),
		cmocka_unit_test(test_current_abi_versioned),
		cmocka_unit_test(test_later_calls_versioned),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
