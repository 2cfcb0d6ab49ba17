// SPDX-License-Identifier: LGPL-2.1-or-later
/* Names of the spec's enums and flags, as the spec spells them (spec-names.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "spec-names.h"

/* The TCP state numbers of include/net/tcp_states.h. */
static const char *const conn_state_names[] = {
	[1] = "established", [2] = "syn-sent", [3] = "syn-recv",
	[4] = "fin-wait-1", [5] = "fin-wait-2", [6] = "time-wait",
	[7] = "close", [8] = "close-wait", [9] = "last-ack",
	[10] = "listen", [11] = "closing",
};

const char *sdpctl_action_name(uint32_t action)
{
	return action < ARRAY_SIZE(spec_action_names) ?
	       spec_action_names[action] : NULL;
}

int sdpctl_action_parse(const char *s, uint32_t *action)
{
	uint32_t i;

	for (i = 1; i < ARRAY_SIZE(spec_action_names); i++) {
		if (!strcmp(s, spec_action_names[i])) {
			*action = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *sdpctl_role_name(uint32_t role)
{
	switch (role) {
	case SDP_ROLE_LISTEN:
		return "listen";
	case SDP_ROLE_CONNECT:
		return "connect";
	case 0:			/* absent: both sides */
	case SDPCTL_ROLE_ANY:
		return "any";
	default:
		return NULL;
	}
}

const char *sdpctl_family_name(uint16_t family)
{
	switch (family) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	case AF_UNSPEC:
		return "any";
	default:
		return NULL;
	}
}

const char *sdpctl_feature_name(uint32_t feature_bit)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(spec_feature_names); i++)
		if (feature_bit == 1u << i)
			return spec_feature_names[i];
	return NULL;
}

const char *sdpctl_msg_type_name(unsigned int index)
{
	return index < ARRAY_SIZE(spec_msg_type_names) ? spec_msg_type_names[index] :
						    NULL;
}

const char *sdpctl_conn_state_name(uint8_t state)
{
	return state < ARRAY_SIZE(conn_state_names) ? conn_state_names[state] :
						      NULL;
}

const char *sdpctl_transport_name(uint8_t transport)
{
	return transport < ARRAY_SIZE(spec_transport_names) ?
	       spec_transport_names[transport] : NULL;
}

const char *sdpctl_fallback_reason_name(uint8_t reason)
{
	return reason < ARRAY_SIZE(spec_fallback_reason_names) ?
	       spec_fallback_reason_names[reason] : NULL;
}

const char *sdpctl_hist_name(uint32_t hist_id)
{
	return hist_id < ARRAY_SIZE(spec_hist_names) ? spec_hist_names[hist_id] : NULL;
}

int sdpctl_rule_init_sz(struct sdpctl_rule *r, size_t size)
{
	struct sdpctl_rule own = {
		.family = AF_UNSPEC,
		.port_max = UINT16_MAX,
		.role = SDPCTL_ROLE_ANY,
	};
	int err = sdpctl_obj_size_ok(size, SDPCTL_RULE_SIZE_2);

	if (!err)
		sdpctl_obj_out(r, size, &own, SDPCTL_RULE_KNOWN);
	return err;
}
