// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: message buffers.  A receive buffer or send slot is a BSDH of its
 * own (kmalloc, one SGE) and a payload that is virtually contiguous
 * (vmalloc) and DMA-mapped page by page, one SGE per page, so that no
 * buffer needs a high-order allocation (32 KiB + BSDH buffers taken as
 * order-4 pages failed under fragmentation with hundreds of MiB still
 * free: 256 connections in a 2 GiB guest), and 32 KiB of payload takes
 * 8 pages, not a 9th for the BSDH's 16 bytes.
 *
 * Lifetime: the mappings go with the connection's verbs resources
 * (sdp_res_free()), the memory with the socket (sk_destruct), since
 * recvmsg() may still read queued data after the connection is gone.
 *
 * Memory: buffers are charged to the memory cgroup of the socket's
 * creator (the caller sets it active: allocations here run in rdma_cm's
 * workers) and count against one host-wide budget, the mem-max-pages
 * tunable of the initial namespace; past it a buffer is refused
 * (-ENOBUFS) and so is the connection that wanted it.
 */

#include <linux/atomic.h>
#include <linux/error-injection.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/net_namespace.h>

#include "sdp.h"
#include "sock.h"

/* Pages of all SDP buffers of all namespaces (sdp_buf.pages summed). */
static atomic_long_t sdp_mem_pages = ATOMIC_LONG_INIT(0);

/* Take @pages from the budget, or fail if that would exceed it. */
static bool sdp_mem_charge(u32 pages)
{
	long max = sdp_tun(&init_net, SDP_TUN_MEM_MAX_PAGES);

	if (atomic_long_add_return(pages, &sdp_mem_pages) <= max)
		return true;
	atomic_long_sub(pages, &sdp_mem_pages);
	net_warn_ratelimited("sdp: buffer memory budget (mem-max-pages %ld) exhausted; buffer refused\n",
			     max);
	return false;
}

/**
 * sdp_buf_alloc() - allocate and map a buffer
 * @dev: the device that will access it
 * @b: zeroed; on failure partly set up, for sdp_buf_unmap()/sdp_buf_free()
 * @size: bytes
 * @lkey: local key for its SGEs
 * @dir: DMA_FROM_DEVICE (receive) or DMA_TO_DEVICE (send)
 *
 * The debug tier's fault injection (fail_function) fails it on demand:
 * any buffer of either ring, at either end.
 *
 * Return: 0, -ENOBUFS past the memory budget, or -ENOMEM.
 */
int sdp_buf_alloc(struct ib_device *dev, struct sdp_buf *b, u32 size,
		  u32 lkey, enum dma_data_direction dir)
{
	u32 i, n = sdp_buf_pages(size), pay = size - SDP_BSDH_LEN;
	u64 dma;

	if (!sdp_mem_charge(n))
		return -ENOBUFS;
	b->pages = n;
	b->hdr = kzalloc(SDP_BSDH_LEN, GFP_KERNEL_ACCOUNT);
	/* A failure is the caller's error (or a ring that stops growing). */
	b->addr = __vmalloc(pay, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	b->sge = kcalloc(1 + n, sizeof(*b->sge), GFP_KERNEL_ACCOUNT);
	if (!b->hdr || !b->addr || !b->sge)
		return -ENOMEM;
	dma = ib_dma_map_single(dev, b->hdr, SDP_BSDH_LEN, dir);
	if (ib_dma_mapping_error(dev, dma))
		return -ENOMEM;
	b->sge[0].addr = dma;
	b->sge[0].length = SDP_BSDH_LEN;
	b->sge[0].lkey = lkey;
	b->nsge = 1;
	for (i = 0; i < n; i++) {
		u32 len = min_t(u32, PAGE_SIZE, pay - i * PAGE_SIZE);
		struct page *pg = vmalloc_to_page(b->addr + i * PAGE_SIZE);

		dma = ib_dma_map_page(dev, pg, 0, len, dir);
		if (ib_dma_mapping_error(dev, dma))
			return -ENOMEM;
		b->sge[1 + i].addr = dma;
		b->sge[1 + i].length = len;
		b->sge[1 + i].lkey = lkey;
		b->nsge = 2 + i;
	}
	return 0;
}
ALLOW_ERROR_INJECTION(sdp_buf_alloc, ERRNO);

/**
 * sdp_buf_add() - a buffer more for a ring of a live connection
 * @ssk: the socket; res_mutex held (which orders it with the teardown)
 * @b: a buffer without memory
 * @size: bytes
 * @dir: DMA_FROM_DEVICE (receive) or DMA_TO_DEVICE (send)
 *
 * Charged like the buffers of the connection's setup (cm.c).  A ring
 * that cannot grow keeps working with what it has, so a failure only
 * leaves @b without memory again.
 *
 * Return: 0, -ENOTCONN once the connection's resources are gone, or as
 * sdp_buf_alloc().
 */
int sdp_buf_add(struct sdp_sock *ssk, struct sdp_buf *b, u32 size,
		enum dma_data_direction dir)
{
	struct mem_cgroup *old;
	int err;

	lockdep_assert_held(&ssk->res_mutex);
	if (!ssk->pd || !ssk->qp)
		return -ENOTCONN;
	old = set_active_memcg(ssk->memcg);
	err = sdp_buf_alloc(ssk->pd->device, b, size,
			    ssk->pd->local_dma_lkey, dir);
	set_active_memcg(old);
	if (err) {
		sdp_buf_unmap(ssk->pd->device, b, dir);
		sdp_buf_free(b);
	}
	return err;
}

/* Undo the mappings of sdp_buf_alloc(); the memory stays. */
void sdp_buf_unmap(struct ib_device *dev, struct sdp_buf *b,
		   enum dma_data_direction dir)
{
	u32 i;

	if (b->nsge)
		ib_dma_unmap_single(dev, b->sge[0].addr, b->sge[0].length, dir);
	for (i = 1; i < b->nsge; i++)
		ib_dma_unmap_page(dev, b->sge[i].addr, b->sge[i].length, dir);
	b->nsge = 0;
}

/* Free the memory (any context but NMI: vfree() defers from softirq). */
void sdp_buf_free(struct sdp_buf *b)
{
	kfree(b->sge);
	b->sge = NULL;
	vfree(b->addr);
	b->addr = NULL;
	kfree(b->hdr);
	b->hdr = NULL;
	atomic_long_sub(b->pages, &sdp_mem_pages);
	b->pages = 0;
}

/**
 * sdp_buf_sync() - hand the first @len bytes to the CPU or the device
 * @dev: the device
 * @b: a mapped buffer
 * @len: bytes from the start, the BSDH's first
 * @dir: the buffer's direction
 * @for_cpu: true before the CPU reads what the device wrote, false before
 *	the device accesses what the CPU wrote (or may overwrite it)
 */
void sdp_buf_sync(struct ib_device *dev, struct sdp_buf *b, u32 len,
		  enum dma_data_direction dir, bool for_cpu)
{
	u32 i, n;

	for (i = 0; i < b->nsge && len; i++, len -= n) {
		n = min(len, b->sge[i].length);
		if (for_cpu)
			ib_dma_sync_single_for_cpu(dev, b->sge[i].addr, n, dir);
		else
			ib_dma_sync_single_for_device(dev, b->sge[i].addr, n,
						      dir);
	}
}
