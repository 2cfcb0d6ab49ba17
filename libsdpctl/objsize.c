// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The caller's objects and the library's: every public entry point that
 * reads or fills an object of the caller's is given the caller's sizeof
 * of it (the header's macros pass it) and works on a copy in the
 * library's own layout.  Fields are only ever appended, so the bytes both
 * layouts have mean the same; as the kernel's copy_struct_from_user(), a
 * larger object from a newer caller is accepted if what lies past the
 * library's struct is zero.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

int sdpctl_obj_size_ok(size_t user_size, size_t min_size)
{
	return user_size >= min_size ? 0 : -EINVAL;
}

int sdpctl_obj_in(void *own, size_t own_size, const void *user,
		  size_t user_size, size_t min_size)
{
	const unsigned char *bytes = user;
	size_t i;

	if (user_size < min_size)
		return -EINVAL;
	for (i = own_size; i < user_size; i++)
		if (bytes[i])
			return -E2BIG;
	memset(own, 0, own_size);
	memcpy(own, user, user_size < own_size ? user_size : own_size);
	return 0;
}

void sdpctl_obj_out(void *user, size_t user_size, const void *own,
		    size_t known)
{
	uint32_t filled = (uint32_t)(user_size < known ? user_size : known);

	memcpy(user, own, filled);
	memset((char *)user + filled, 0, user_size - filled);
	/* Every public object begins with its size: what was filled in. */
	memcpy(user, &filled, sizeof(filled));
}
