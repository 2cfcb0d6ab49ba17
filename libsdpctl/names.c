// SPDX-License-Identifier: LGPL-2.1-or-later
/* Names of the spec's enums and flags, as the spec spells them. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

static const char *const action_names[] = {
	[SDP_ACTION_SDP] = "sdp",
	[SDP_ACTION_TCP] = "tcp",
	[SDP_ACTION_BOTH] = "both",
};

static const char *const feature_names[] = {
	"map", "stats", "tune", "events", "stream", "ipv6", "zcopy", "conns",
};

/* The TCP state numbers of include/net/tcp_states.h. */
static const char *const conn_state_names[] = {
	[1] = "established", [2] = "syn-sent", [3] = "syn-recv",
	[4] = "fin-wait-1", [5] = "fin-wait-2", [6] = "time-wait",
	[7] = "close", [8] = "close-wait", [9] = "last-ack",
	[10] = "listen", [11] = "closing",
};

static const char *const msg_type_names[] = {
	"hello", "hello-ack", "disconnect", "abort", "send-sm",
	"rdma-wr-comp", "rdma-rd-comp", "mode-change", "src-cancel",
	"snk-cancel", "snk-cancel-ack", "ch-rcv-buf", "ch-rcv-buf-ack",
	"suspend", "suspend-ack", "sink-avail", "src-avail", "data",
};

_Static_assert(ARRAY_SIZE(msg_type_names) == SDPCTL_MSG_TYPES,
	       "msg-counts in the spec and msg_type_names disagree");

static const char *const hist_names[] = {
	[SDP_HIST_TX_MSG_SIZE] = "tx-msg-size",
	[SDP_HIST_RX_MSG_SIZE] = "rx-msg-size",
	[SDP_HIST_SENDMSG_SIZE] = "sendmsg-size",
	[SDP_HIST_RECVMSG_SIZE] = "recvmsg-size",
};

_Static_assert(ARRAY_SIZE(hist_names) == SDPCTL_HISTS + 1,
	       "enum sdp_hist in the spec and hist_names disagree");

const char *sdpctl_action_name(uint32_t action)
{
	return action < ARRAY_SIZE(action_names) ? action_names[action] : NULL;
}

int sdpctl_action_parse(const char *s, uint32_t *action)
{
	uint32_t i;

	for (i = 1; i < ARRAY_SIZE(action_names); i++) {
		if (!strcmp(s, action_names[i])) {
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
	default:
		return NULL;
	}
}

const char *sdpctl_feature_name(uint32_t feature_bit)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(feature_names); i++)
		if (feature_bit == 1u << i)
			return feature_names[i];
	return NULL;
}

const char *sdpctl_msg_type_name(unsigned int index)
{
	return index < ARRAY_SIZE(msg_type_names) ? msg_type_names[index] :
						    NULL;
}

const char *sdpctl_conn_state_name(uint8_t state)
{
	return state < ARRAY_SIZE(conn_state_names) ? conn_state_names[state] :
						      NULL;
}

const char *sdpctl_hist_name(uint32_t hist_id)
{
	return hist_id < ARRAY_SIZE(hist_names) ? hist_names[hist_id] : NULL;
}

void sdpctl_rule_init(struct sdpctl_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->family = AF_INET;
	r->port_max = UINT16_MAX;
	r->role = SDPCTL_ROLE_ANY;
}
