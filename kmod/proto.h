/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdp: wire format (IBTA Annex A4) as this module sends and expects it.
 * Everything on the wire is big-endian; see docs/protocol.md for the
 * message set and every deviation from the Annex.
 */
#ifndef _SDP_PROTO_H
#define _SDP_PROTO_H

#include <linux/build_bug.h>
#include <linux/types.h>

/*
 * Message ids (IBTA Annex A4).  The control ids 0x00..0x0e and SinkAvail,
 * SrcAvail and Data are also the index space of the msg-counts counters
 * (sdp_msg_index()).
 */
#define SDP_MID_HELLO		0x00
#define SDP_MID_HELLO_ACK	0x01
#define SDP_MID_DISCONN		0x02
#define SDP_MID_ABORT		0x03
#define SDP_MID_SEND_SM		0x04
#define SDP_MID_CH_RCV_BUF	0x0b
#define SDP_MID_CH_RCV_BUF_ACK	0x0c
#define SDP_MID_SUSPEND_ACK	0x0e
#define SDP_MID_SINK_AVAIL	0xfd
#define SDP_MID_SRC_AVAIL	0xfe
#define SDP_MID_DATA		0xff

/*
 * BSDH flags.  OOB_PRES: the last payload byte of this Data message is
 * urgent (MSG_OOB).  OOB_PEND: urgent data is on its way; the receiver
 * signals SIGURG.  We set both on the message carrying the urgent byte,
 * as OFED does.
 */
#define SDP_BSDH_OOB_PRES	0x01
#define SDP_BSDH_OOB_PEND	0x02

/* Hello / HelloAck version byte: major 2, minor 2 (as OFED). */
#define SDP_HELLO_VERSION	0x22
#define SDP_HELLO_MAJOR(v)	((v) >> 4)
#define SDP_HELLO_IPV4		0x40
#define SDP_HELLO_IPV6		0x60
/* Zero-copy adverts we accept; we never send any, 1 is the minimum legal. */
#define SDP_HELLO_MAX_ADV	1

/**
 * struct sdp_bsdh - Base Sockets Direct Header, first 16 bytes of every
 *	message
 * @mid: message id
 * @flags: SDP_BSDH_OOB_PRES, SDP_BSDH_OOB_PEND; other bits ignored
 * @bufs: receive buffers the sender has posted right now
 * @len: message length, this header and payload included
 * @mseq: sequence number of this message (first one after Hello: 1)
 * @mseq_ack: mseq of the last message the sender received from its peer
 */
struct sdp_bsdh {
	u8 mid;
	u8 flags;
	__be16 bufs;
	__be32 len;
	__be32 mseq;
	__be32 mseq_ack;
} __packed;

/**
 * struct sdp_hh - Hello, in the rdma_cm REQ private data
 * @bsdh: mid 0x00, bufs = receives posted for the new connection,
 *	len = sizeof(struct sdp_hh), mseq = mseq_ack = 0
 * @majv_minv: SDP_HELLO_VERSION
 * @ipv_cap: SDP_HELLO_IPV4 or SDP_HELLO_IPV6 (high nibble)
 * @rsvd1: 0
 * @max_adverts: outstanding zero-copy adverts supported, >= 1
 * @desremrcvsz: desired size of the peer's receive buffers
 * @localrcvsz: size of each of our receive buffers, BSDH included
 * @port: our (source) port
 * @rsvd2: 0
 *
 * The Annex's src/dst address fields and trailing reserved bytes are not
 * sent: with RDMA_PS_TCP rdma_cm prepends its own 36-byte header carrying
 * both addresses and ports, leaving 56 bytes of the 92-byte REQ payload.
 */
struct sdp_hh {
	struct sdp_bsdh bsdh;
	u8 majv_minv;
	u8 ipv_cap;
	u8 rsvd1;
	u8 max_adverts;
	__be32 desremrcvsz;
	__be32 localrcvsz;
	__be16 port;
	__be16 rsvd2;
} __packed;

/**
 * struct sdp_hah - HelloAck, in the rdma_cm REP private data
 * @bsdh: mid 0x01, bufs = receives posted by the passive side,
 *	len = sizeof(struct sdp_hah), mseq = mseq_ack = 0
 * @majv_minv: SDP_HELLO_VERSION
 * @rsvd1: 0
 * @max_adverts: as in Hello, >= 1
 * @actrcvsz: size of each of the passive side's receive buffers
 */
struct sdp_hah {
	struct sdp_bsdh bsdh;
	u8 majv_minv;
	u8 rsvd1[2];
	u8 max_adverts;
	__be32 actrcvsz;
} __packed;

static inline void sdp_proto_build_checks(void)
{
	BUILD_BUG_ON(sizeof(struct sdp_bsdh) != 16);
	BUILD_BUG_ON(sizeof(struct sdp_hh) != 32);
	BUILD_BUG_ON(sizeof(struct sdp_hah) != 24);
}

#endif /* _SDP_PROTO_H */
