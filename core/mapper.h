/*
 * mapper.h - attributes of a mapping and the mapper interface.
 *
 * All page-table work of the VMM goes through a vmm_mapper_t (Pluto's
 * Mapper(Payload): the ctx pointer is the payload). The x86_64 page tables
 * (x86_64/paging.h) are one implementation; a harness's recording mapper is
 * another. This is the small arch interface: generic code knows nothing else
 * about page tables.
 */
#ifndef CORE_MAPPER_H
#define CORE_MAPPER_H

#include <stdint.h>

#include "status.h"
#include "vmm_cdefs.h"

VMM_BEGIN_DECLS

/* Attributes (Pluto's kernel/writable/cachable, plus executable). The zero
 * value is user, read-only, uncached, not executable. */
typedef uint32_t vmm_attrs_t;
#define VMM_ATTR_KERNEL     ((vmm_attrs_t)1u << 0) /* not accessible from CPL3 */
#define VMM_ATTR_WRITABLE   ((vmm_attrs_t)1u << 1)
#define VMM_ATTR_CACHABLE   ((vmm_attrs_t)1u << 2) /* clear for device memory  */
#define VMM_ATTR_EXECUTABLE ((vmm_attrs_t)1u << 3) /* default: not executable  */
#define VMM_ATTR_ALL (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE | \
                      VMM_ATTR_EXECUTABLE)

/* Page sizes a mapping may use. */
#define VMM_SIZE_4K ((uint64_t)1 << 12)
#define VMM_SIZE_2M ((uint64_t)1 << 21)
#define VMM_SIZE_1G ((uint64_t)1 << 30)

/* Initialise it with designated initializers (.map = ...): optional fields
 * are added at the end (flush was), and a positional initializer then
 * misses them (-Wmissing-field-initializers). */
typedef struct vmm_mapper {
    /* Maps [virt, virt + len) to [phys, phys + len) with pages of page_size
     * (VMM_SIZE_4K/2M/1G; virt, phys and len multiples of it). All or nothing:
     * on error nothing is mapped and no table memory is kept. */
    vmm_status_t (*map)(void *ctx, uint64_t virt, uint64_t phys, uint64_t len,
                        uint64_t page_size, vmm_attrs_t attrs);
    /* Unmaps [virt, virt + len), mapped earlier with page_size. All or
     * nothing; VMM_ERR_NOT_MAPPED when a page of it is not mapped.
     * TLB contract (INTEGRATION.md): when it returns VMM_OK, no CPU may still
     * translate the range (invlpg, or a full flush that drops global entries
     * too, plus a shootdown on SMP), because the VMM frees the frames right
     * after; page-table frames emptied by the unmap are freed only after
     * that invalidation (x86_64/paging.h: the release hook).
     * Undo contract: an unmap may fail only with a page that query does not
     * report mapped with page_size (the VMM checks that first, vmm.h), OR, if
     * it may fail otherwise, a map that re-creates within the same VMM call
     * what an earlier unmap of that call removed must not fail: the VMM
     * undoes a reservation's release that way and traps if it fails (keep
     * emptied tables until the call returns, or reserve their frames).
     * core/x86_64's mapper fails only in the first way.
     * Context: map and query run from vmm_fault (#PF context) too; unmap
     * never does. The VMM makes one unmap call per run of mapped pages and
     * frees their frames after the last one of the call (after `flush`,
     * below, when the mapper has one). */
    vmm_status_t (*unmap)(void *ctx, uint64_t virt, uint64_t len,
                          uint64_t page_size);
    /* Looks up virt: on VMM_OK stores the physical address virt translates
     * to, the attributes and the size of the page holding it; otherwise
     * VMM_ERR_NOT_MAPPED. Any out pointer may be NULL. */
    vmm_status_t (*query)(void *ctx, uint64_t virt, uint64_t *phys,
                          vmm_attrs_t *attrs, uint64_t *page_size);
    void *ctx;
    /* Optional (NULL: every range is mappable). Returns VMM_OK when every
     * address of [virt, virt + len) (len > 0, no wrap) is one the
     * architecture can map, else why not (x86_64: VMM_ERR_NON_CANONICAL for
     * a range that touches or straddles the canonical hole). The VMM refuses
     * a window that is not wholly mappable, so no VMM call can succeed on an
     * address the hardware would answer with #GP instead of #PF. */
    vmm_status_t (*mappable)(void *ctx, uint64_t virt, uint64_t len);
    /* Optional (NULL: each unmap completes its invalidation before it
     * returns, as above). When set, unmap may leave its invalidation (the
     * shootdown on SMP) pending, and flush completes every pending one:
     * the VMM calls it once after the unmaps of a free / release (one per
     * record in vmm_deinit) or of vmm_alloc's undo, before it returns any
     * frame they unmapped to the frame source and before the call returns,
     * also when a release failed and was undone (then perhaps with nothing
     * pending: an unmap that failed left nothing to flush); never for a
     * record that maps nothing. So a
     * sparse reservation released in many runs costs one shootdown, not
     * one per run. A release-queue flush (x86_64/paging.h) belongs in it. */
    void (*flush)(void *ctx);
} vmm_mapper_t;

VMM_END_DECLS

#endif
