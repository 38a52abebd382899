/*
 * boot.c - boot-time initialisation (the Rust seed's init); see boot.h.
 *
 * The direct map is built run by run: a run is a maximal stretch of 4 KiB
 * frames covered by mapped memory-map regions and of one kind (framebuffer
 * frames apart from RAM, read-only kernel aliases apart from the rest),
 * found by scanning the (unsorted, possibly overlapping) map without any
 * storage, so every frame is mapped exactly once and nothing outside the
 * regions is. Each run is
 * mapped with the largest page that fits at each point (as Linux does):
 * 4 KiB up to the first 2 MiB boundary, 2 MiB up to the first 1 GiB one,
 * 1 GiB pages (has_1g_pages), then 2 MiB and 4 KiB at the end; 4 KiB
 * pages only in the first 2 MiB of physical memory. The kernel
 * segments follow with 4 KiB pages.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/x86_64/boot.h"

#include "core/vmm_assert.h"

/* Attributes of the direct map: kernel, writable, cached, not executable. */
#define DIRECT_MAP_ATTRS (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)

/* Frames (4 KiB) in a page or table span of a level: 1 at the PT, 512 at
 * the PD (2 MiB), 512^2 at the PDPT (1 GiB), 512^3 at the PML4 (512 GiB). */
#define FRAMES_AT(level) (X86_LEVEL_SIZE(level) / VMM_PAGE_SIZE)

/* Frames below this (the first 2 MiB) get 4 KiB pages only, as in Linux:
 * the fixed-range MTRRs type the first MiB in pieces (RAM, the VGA window,
 * option ROMs, the BIOS), and a large page over ranges of different types
 * is undefined (SDM vol. 3, 11.11.9). */
#define SMALL_PAGES_BELOW FRAMES_AT(X86_LEVEL_PD)

/* Returns the largest page size of the direct map for cfg. */
static uint64_t direct_page_size(const x86_boot_config_t *cfg)
{
    return cfg->has_1g_pages ? VMM_SIZE_1G : VMM_SIZE_2M;
}

/* Returns true when memory of type is direct-mapped. */
static bool type_is_mapped(uint32_t type)
{
    return type == MEMMAP_USABLE || type == MEMMAP_BOOTLOADER_RECLAIMABLE ||
           type == MEMMAP_EXECUTABLE_AND_MODULES || type == MEMMAP_FRAMEBUFFER;
}

/* Returns true and the frames [*first, *end) that entry e touches, or false
 * when e is not direct-mapped (type, zero length). */
static bool entry_frames(const memmap_entry_t *e, uint64_t *first, uint64_t *end)
{
    if (e->length == 0 || !type_is_mapped(e->type))
        return false;
    *first = e->base >> VMM_PAGE_SHIFT;
    *end = ((e->base + (e->length - 1u)) >> VMM_PAGE_SHIFT) + 1u;
    return true;
}

/* Returns true and the frames [*first, *end) that entry e covers whole
 * when it is not direct-mapped (reserved, ACPI, ...): they stay out of the
 * direct map even where a mapped entry overlaps them (the pmm's rule too:
 * the non-usable type wins). False for a mapped type or no whole frame. */
static bool entry_excluded(const memmap_entry_t *e, uint64_t *first, uint64_t *end)
{
    if (e->length == 0 || type_is_mapped(e->type))
        return false;
    uint64_t last = e->base + (e->length - 1u);
    *first = (e->base >> VMM_PAGE_SHIFT) + ((e->base & VMM_PAGE_MASK) != 0);
    *end = (last >> VMM_PAGE_SHIFT) + ((last & VMM_PAGE_MASK) == VMM_PAGE_MASK);
    return *first < *end;
}

/* Returns the end of the excluded frames holding frame f, or f when no
 * entry excludes it. */
static uint64_t exclusion_end(const x86_boot_config_t *cfg, uint64_t f)
{
    uint64_t first, end;
    for (size_t i = 0; i < cfg->map_len; i++)
        if (entry_excluded(&cfg->map[i], &first, &end) && first <= f && f < end)
            return end;
    return f;
}

/* Returns the bytes of kernel segment k, rounded up to 4 KiB. */
static uint64_t segment_len(const x86_kernel_segment_t *k)
{
    return (k->size + VMM_PAGE_MASK) & ~VMM_PAGE_MASK;
}

/* Returns true and the frames [*first, *end) of kernel segment k when it
 * is not writable: the direct map's alias of them is read-only too (W^X
 * on both mappings of the image, as Linux's alias handling does). */
static bool segment_read_only(const x86_kernel_segment_t *k, uint64_t *first, uint64_t *end)
{
    if (k->size == 0 || (k->attrs & VMM_ATTR_WRITABLE))
        return false;
    *first = k->phys >> VMM_PAGE_SHIFT;
    *end = *first + (segment_len(k) >> VMM_PAGE_SHIFT);
    return true;
}

/* A kind of frame the direct map keeps in runs of their own: returns true
 * and the frames [*first, *end) of item i of the kind's list (kernel
 * segments or map entries), false when item i is not of that kind. */
typedef bool (*frame_kind_t)(const x86_boot_config_t *cfg, size_t i, uint64_t *first,
                             uint64_t *end);

/* Kind: the alias of a read-only kernel segment (item i of cfg->kernel). */
static bool read_only_alias(const x86_boot_config_t *cfg, size_t i, uint64_t *first,
                            uint64_t *end)
{
    return segment_read_only(&cfg->kernel[i], first, end);
}

/* Kind: a framebuffer frame (item i of cfg->map): a frame a framebuffer
 * entry touches, even one it shares with RAM. The framebuffer is often
 * typed apart from RAM (MTRR UC / WC) and a page across both has an
 * undefined memory type (SDM 11.11.9), so no page holds both. */
static bool framebuffer(const x86_boot_config_t *cfg, size_t i, uint64_t *first, uint64_t *end)
{
    return cfg->map[i].type == MEMMAP_FRAMEBUFFER && entry_frames(&cfg->map[i], first, end);
}

/* Returns true when frame f is of kind (one of the n items of its list
 * holds f); *edge gets the first frame after f where that changes (the end
 * of the kind's stretch holding f, or the start of the next one). */
static bool frame_of_kind(const x86_boot_config_t *cfg, frame_kind_t kind, size_t n,
                          uint64_t f, uint64_t *edge)
{
    uint64_t first, end;
    bool in = false;
    *edge = f;
    for (bool grown = true; grown;) { /* through items that touch or overlap */
        grown = false;
        for (size_t i = 0; i < n; i++)
            if (kind(cfg, i, &first, &end) && first <= *edge && *edge < end &&
                (first <= f || in)) {
                *edge = end;
                in = grown = true;
            }
    }
    if (in)
        return true;
    *edge = UINT64_MAX;
    for (size_t i = 0; i < n; i++)
        if (kind(cfg, i, &first, &end) && first > f && first < *edge)
            *edge = first;
    return false;
}

/* Returns true when frame f is the alias of a read-only kernel segment;
 * *edge as frame_of_kind's. */
static bool frame_read_only(const x86_boot_config_t *cfg, uint64_t f, uint64_t *edge)
{
    return frame_of_kind(cfg, read_only_alias, cfg->kernel_len, f, edge);
}

/* Returns the attributes of the direct map's run starting at frame start
 * (runs are cut where they change: next_run). */
static vmm_attrs_t run_attrs(const x86_boot_config_t *cfg, uint64_t start)
{
    uint64_t edge;
    return frame_read_only(cfg, start, &edge) ? DIRECT_MAP_ATTRS & ~VMM_ATTR_WRITABLE
                                              : DIRECT_MAP_ATTRS;
}

/* Returns true and the next run [*start, *end) of direct-map frames at or
 * after frame cursor: frames a mapped region touches and no other region
 * excludes (entry_excluded), of one kind twice over (a read-only segment's
 * alias or not; a framebuffer frame or not: runs of different kinds may
 * touch, a page never spans two); false when none is left. */
static bool next_run(const x86_boot_config_t *cfg, uint64_t cursor,
                     uint64_t *start, uint64_t *end)
{
    uint64_t s, first, stop;
    for (;;) { /* the lowest touched frame >= cursor, past exclusions */
        bool found = false;
        s = UINT64_MAX;
        for (size_t i = 0; i < cfg->map_len; i++) {
            if (!entry_frames(&cfg->map[i], &first, &stop) || stop <= cursor)
                continue;
            uint64_t candidate = first > cursor ? first : cursor;
            if (candidate < s)
                s = candidate;
            found = true;
        }
        if (!found)
            return false;
        uint64_t past = exclusion_end(cfg, s);
        if (past == s)
            break;
        cursor = past;
    }
    uint64_t limit = UINT64_MAX, edge; /* the first exclusion or change of kind */
    for (size_t i = 0; i < cfg->map_len; i++)
        if (entry_excluded(&cfg->map[i], &first, &stop) && first > s && first < limit)
            limit = first;
    (void)frame_read_only(cfg, s, &edge);
    if (edge < limit)
        limit = edge;
    (void)frame_of_kind(cfg, framebuffer, cfg->map_len, s, &edge);
    if (edge < limit)
        limit = edge;
    uint64_t e = s; /* through touching regions, never past limit: each run
                     * regrows only its own regions (O(map_len^2) in all) */
    for (bool grown = true; grown && e < limit;) {
        grown = false;
        for (size_t i = 0; i < cfg->map_len; i++) {
            if (entry_frames(&cfg->map[i], &first, &stop) && first <= e && stop > e) {
                e = stop < limit ? stop : limit;
                grown = true;
            }
        }
    }
    *start = s;
    *end = e;
    return true;
}

/* Returns the level whose pages map frame p of a run ending before frame
 * end: the largest the direct map may use that is aligned at p and fits
 * before end (4 KiB below SMALL_PAGES_BELOW). *count gets how many such
 * pages follow from p, stopping at the next boundary where a larger page
 * could start (a piece never crosses a 512 GiB boundary, so its length in
 * bytes cannot wrap). */
static unsigned direct_piece(const x86_boot_config_t *cfg, uint64_t p, uint64_t end,
                             uint64_t *count)
{
    if (p < SMALL_PAGES_BELOW) {
        *count = (end < SMALL_PAGES_BELOW ? end : SMALL_PAGES_BELOW) - p;
        return X86_LEVEL_PT;
    }
    unsigned top = cfg->has_1g_pages ? X86_LEVEL_PDPT : X86_LEVEL_PD;
    uint64_t bound = FRAMES_AT(X86_LEVEL_PML4);
    for (unsigned level = top;; level--) {
        uint64_t size = FRAMES_AT(level);
        if (level == X86_LEVEL_PT || (p % size == 0 && end - p >= size)) {
            uint64_t n = (end - p) / size, room = (bound - p % bound) / size;
            *count = n < room ? n : room;
            return level;
        }
        bound = size;
    }
}

/* Returns VMM_OK when the memory map is acceptable: VMM_ERR_OVERFLOW when an
 * entry's base + length wraps. */
static vmm_status_t check_map(const x86_boot_config_t *cfg)
{
    for (size_t i = 0; i < cfg->map_len; i++) {
        const memmap_entry_t *e = &cfg->map[i];
        if (e->length != 0 && e->length - 1u > UINT64_MAX - e->base)
            return VMM_ERR_OVERFLOW;
    }
    return VMM_OK;
}

/* A kernel segment may be writable or executable, never both (W^X). */
#define SEGMENT_WX (VMM_ATTR_WRITABLE | VMM_ATTR_EXECUTABLE)

/* Returns VMM_OK when every kernel segment is acceptable (size 0 segments
 * are skipped), else the first error found. */
static vmm_status_t check_segments(const x86_boot_config_t *cfg)
{
    for (size_t i = 0; i < cfg->kernel_len; i++) {
        const x86_kernel_segment_t *k = &cfg->kernel[i];
        if ((k->attrs & ~VMM_ATTR_ALL) || (k->attrs & SEGMENT_WX) == SEGMENT_WX)
            return VMM_ERR_INVALID_ARGUMENT; /* unknown bits, or writable AND executable */
        if (k->size == 0)
            continue;
        if (k->virt < X86_KERNEL_BASE)
            return VMM_ERR_INVALID_ARGUMENT;
        if ((k->virt | k->phys) & VMM_PAGE_MASK)
            return VMM_ERR_MISALIGNED;
        if (k->size > UINT64_MAX - VMM_PAGE_MASK ||
            segment_len(k) - 1u > UINT64_MAX - k->virt)
            return VMM_ERR_OVERFLOW;
    }
    return VMM_OK;
}

/* Returns VMM_OK when cfg itself can be used (its arrays, window, hhdm, map
 * and segments), else the error. */
static vmm_status_t check_layout(const x86_boot_config_t *cfg)
{
    if ((cfg->map == NULL && cfg->map_len != 0) || (cfg->kernel == NULL && cfg->kernel_len != 0))
        return VMM_ERR_INVALID_ARGUMENT;
    if (cfg->vmm_start < cfg->vmm_end &&
        x86_range_mappable(cfg->vmm_start, cfg->vmm_end - cfg->vmm_start) != VMM_OK)
        return VMM_ERR_NON_CANONICAL; /* checked again by vmm_init; fail early */
    if (cfg->hhdm_offset & (direct_page_size(cfg) - 1u))
        return VMM_ERR_MISALIGNED;
    vmm_status_t st = check_map(cfg);
    if (st != VMM_OK)
        return st;
    return check_segments(cfg);
}

/* Returns VMM_OK when cfg and the pointers can be used, else the error. */
static vmm_status_t check_config(const x86_boot_config_t *cfg,
                                 const vmm_frames_t *frames,
                                 const x86_paging_t *pt, const vmm_t *vmm,
                                 const x86_boot_result_t *result)
{
    if (cfg == NULL || frames == NULL || pt == NULL || vmm == NULL || result == NULL)
        return VMM_ERR_INVALID_ARGUMENT;
    return check_layout(cfg);
}

/* Returns VMM_OK after direct-mapping the frames [start, end) with the
 * largest pages that fit, else the first error. */
static vmm_status_t map_run(const x86_boot_config_t *cfg, x86_paging_t *pt,
                            uint64_t start, uint64_t end)
{
    vmm_attrs_t attrs = run_attrs(cfg, start); /* one kind per run (next_run) */
    for (uint64_t p = start, n; p < end; p += n) {
        uint64_t pages;
        unsigned level = direct_piece(cfg, p, end, &pages);
        n = pages * FRAMES_AT(level); /* frames of this piece */
        uint64_t phys = p << VMM_PAGE_SHIFT;
        if (phys > UINT64_MAX - cfg->hhdm_offset)
            return VMM_ERR_OVERFLOW;
        vmm_status_t st = x86_map(pt, cfg->hhdm_offset + phys, phys, n << VMM_PAGE_SHIFT,
                                  X86_LEVEL_SIZE(level), attrs);
        if (st != VMM_OK)
            return st;
    }
    return VMM_OK;
}

/* Returns VMM_OK after direct-mapping every run, else the first error. */
static vmm_status_t map_direct(const x86_boot_config_t *cfg, x86_paging_t *pt)
{
    uint64_t start, end;
    for (uint64_t cursor = 0; next_run(cfg, cursor, &start, &end); cursor = end) {
        vmm_status_t st = map_run(cfg, pt, start, end);
        if (st != VMM_OK)
            return st;
    }
    return VMM_OK;
}

/* Returns VMM_OK after mapping every kernel segment, else the first error. */
static vmm_status_t map_kernel(const x86_boot_config_t *cfg, x86_paging_t *pt)
{
    for (size_t i = 0; i < cfg->kernel_len; i++) {
        const x86_kernel_segment_t *k = &cfg->kernel[i];
        if (k->size == 0)
            continue;
        vmm_status_t st = x86_map(pt, k->virt, k->phys, segment_len(k),
                                  VMM_SIZE_4K, k->attrs | VMM_ATTR_KERNEL);
        if (st != VMM_OK)
            return st;
    }
    return VMM_OK;
}

/* Returns VMM_OK after recording in vmm the part of [virt, virt + len)
 * inside its window (nothing when disjoint) as a pinned record (vmm_pin:
 * vmm_free would leave the boot mapping in place under a range the VMM
 * hands out again), else vmm_set's error. */
static vmm_status_t set_in_window(vmm_t *vmm, uint64_t virt, uint64_t len,
                                  vmm_attrs_t attrs)
{
    uint64_t last = virt + (len - 1u);
    if (last < vmm->start || virt >= vmm->end)
        return VMM_OK;
    vmm_range_t r = { .start = virt > vmm->start ? virt : vmm->start,
                      .end = last < vmm->end - 1u ? last + 1u : vmm->end };
    vmm_status_t st = vmm_set(vmm, r, NULL, attrs);
    if (st == VMM_OK)
        VMM_ASSERT(vmm_pin(vmm, r.start) == VMM_OK); /* the record just made */
    return st;
}

/* Returns VMM_OK after recording the direct map and the kernel segments
 * inside the window of vmm, else the first error. */
static vmm_status_t track_mappings(const x86_boot_config_t *cfg, vmm_t *vmm)
{
    uint64_t start, end;
    vmm_status_t st = VMM_OK;
    for (uint64_t cursor = 0; st == VMM_OK && next_run(cfg, cursor, &start, &end);
         cursor = end)
        st = set_in_window(vmm, cfg->hhdm_offset + (start << VMM_PAGE_SHIFT),
                           (end - start) << VMM_PAGE_SHIFT, run_attrs(cfg, start));
    for (size_t i = 0; st == VMM_OK && i < cfg->kernel_len; i++) {
        const x86_kernel_segment_t *k = &cfg->kernel[i];
        if (k->size != 0)
            st = set_in_window(vmm, k->virt, segment_len(k),
                               k->attrs | VMM_ATTR_KERNEL);
    }
    return st;
}

/* Returns VMM_OK with new tables, a VMM and *result; see boot.h. */
vmm_status_t x86_boot_init(const x86_boot_config_t *cfg,
                           const vmm_frames_t *frames, x86_paging_t *pt,
                           vmm_t *vmm, x86_boot_result_t *result)
{
    vmm_status_t st = check_config(cfg, frames, pt, vmm, result);
    if (st != VMM_OK)
        return st;
    x86_paging_t caller_pt = *pt; /* restored on failure: nothing kept */
    st = x86_paging_init(pt, frames, cfg->access_offset);
    if (st != VMM_OK)
        return st; /* *pt untouched */
    bool vmm_ready = false;
    st = map_direct(cfg, pt);
    if (st == VMM_OK)
        st = map_kernel(cfg, pt);
    if (st == VMM_OK) {
        vmm_mapper_t mapper = x86_paging_mapper(pt);
        st = vmm_init(vmm, cfg->vmm_start, cfg->vmm_end, &cfg->allocator, &mapper, frames);
        vmm_ready = st == VMM_OK;
    }
    if (st == VMM_OK)
        st = track_mappings(cfg, vmm);
    if (st != VMM_OK) {
        if (vmm_ready) {
            vmm_deinit(vmm);
            *vmm = (vmm_t){ 0 }; /* inert, as a vmm_t whose init failed */
        }
        x86_paging_destroy(pt);
        *pt = caller_pt;
        return st;
    }
    result->cr3_flags = 0;
    result->cr3 = (pt->pml4 & X86_CR3_ADDR_MASK) | result->cr3_flags;
    result->direct_map_page = direct_page_size(cfg);
    result->table_frames = pt->table_frames;
    return VMM_OK;
}

/*
 * The minimum, computed independently of the mapping code: a level-L table
 * is needed for every distinct region covered by one entry of level L + 1
 * that some mapping with pages smaller than that entry touches. Regions are
 * counted one by one in increasing order over the union of the intervals.
 * The kernel segments use 4 KiB pages everywhere; the direct map uses
 * pages smaller than a region only in the regions holding an unaligned end
 * of a run or the first 2 MiB (every other region it touches it covers
 * whole: one page). The
 * runs come from next_run, so exclusions shape the count as the mapping.
 */

/* Returns true and the blocks [*lo, *hi] (address >> shift) touched by
 * kernel segment i; false when it is empty. */
static bool segment_blocks(const x86_boot_config_t *cfg, size_t i, unsigned shift,
                           uint64_t *lo, uint64_t *hi)
{
    const x86_kernel_segment_t *k = &cfg->kernel[i];
    if (k->size == 0)
        return false;
    *lo = k->virt >> shift;
    *hi = (k->virt + (segment_len(k) - 1u)) >> shift;
    return true;
}

/* Returns the number of distinct blocks of 1 << shift bytes inside the
 * blocks [lo, hi] that the direct map's runs touch (runs come in address
 * order: a block two runs share is counted once). */
static uint64_t run_blocks(const x86_boot_config_t *cfg, unsigned shift, uint64_t lo,
                           uint64_t hi)
{
    uint64_t start, end, count = 0, next = lo;
    for (uint64_t cursor = 0; next_run(cfg, cursor, &start, &end); cursor = end) {
        uint64_t a = (cfg->hhdm_offset + (start << VMM_PAGE_SHIFT)) >> shift;
        uint64_t b = (cfg->hhdm_offset + ((end - 1u) << VMM_PAGE_SHIFT) + VMM_PAGE_MASK) >> shift;
        uint64_t from = a > next ? a : next, to = b < hi ? b : hi;
        if (from <= to) {
            count += to - from + 1u;
            next = to + 1u;
        }
        if (b >= hi)
            break;
    }
    return count;
}

/* Returns the number of distinct blocks of 1 << shift bytes the kernel
 * segments touch (with_runs false), or of those the direct map's runs
 * touch too (with_runs true), counted stretch by stretch of the segments'
 * union in address order. */
static uint64_t kernel_blocks(const x86_boot_config_t *cfg, unsigned shift, bool with_runs)
{
    uint64_t count = 0, cursor = 0, lo, hi;
    for (;;) {
        /* the lowest block >= cursor that a segment touches */
        uint64_t first = UINT64_MAX;
        for (size_t i = 0; i < cfg->kernel_len; i++)
            if (segment_blocks(cfg, i, shift, &lo, &hi) && hi >= cursor &&
                (lo > cursor ? lo : cursor) < first)
                first = lo > cursor ? lo : cursor;
        if (first == UINT64_MAX)
            return count;
        /* the last block of the union's stretch holding first */
        uint64_t last = first;
        for (bool grown = true; grown;) {
            grown = false;
            for (size_t i = 0; i < cfg->kernel_len; i++)
                if (segment_blocks(cfg, i, shift, &lo, &hi) && lo <= last + 1u && hi > last) {
                    last = hi;
                    grown = true;
                }
        }
        count += with_runs ? run_blocks(cfg, shift, first, last) : last - first + 1u;
        if (last == UINT64_MAX >> shift)
            return count;
        cursor = last + 1u;
    }
}

/* Returns the number of distinct blocks of 1 << shift bytes the direct
 * map's runs or the kernel segments touch. */
static uint64_t all_blocks(const x86_boot_config_t *cfg, unsigned shift)
{
    return run_blocks(cfg, shift, 0, UINT64_MAX >> shift) + kernel_blocks(cfg, shift, false) -
           kernel_blocks(cfg, shift, true);
}

/* Returns true when a kernel segment touches the virtual block b of
 * 1 << shift bytes. */
static bool kernel_touches(const x86_boot_config_t *cfg, uint64_t b, unsigned shift)
{
    uint64_t lo, hi;
    for (size_t i = 0; i < cfg->kernel_len; i++)
        if (segment_blocks(cfg, i, shift, &lo, &hi) && lo <= b && b <= hi)
            return true;
    return false;
}

/* Returns the number of distinct blocks of a level's span (1 << shift
 * bytes, shift >= the largest direct-map page's) that hold an unaligned end
 * of a direct-map run, or the start of one below SMALL_PAGES_BELOW, and
 * that no kernel segment touches (kernel_blocks counts those). Runs come
 * in address order, so a block met twice in a row is counted once. */
static size_t edge_blocks(const x86_boot_config_t *cfg, unsigned shift)
{
    uint64_t per = ((uint64_t)1 << shift) >> VMM_PAGE_SHIFT, start, end;
    uint64_t base = cfg->hhdm_offset >> shift, last = UINT64_MAX;
    size_t count = 0;
    for (uint64_t cursor = 0; next_run(cfg, cursor, &start, &end); cursor = end) {
        bool unaligned[2] = { start % per != 0 || start < SMALL_PAGES_BELOW, end % per != 0 };
        uint64_t block[2] = { start / per, (end - 1u) / per };
        for (int k = 0; k < 2; k++) {
            if (!unaligned[k] || block[k] == last)
                continue;
            last = block[k];
            count += !kernel_touches(cfg, base + block[k], shift);
        }
    }
    return count;
}

/* Returns true when every run of the direct map lies at canonical virtual
 * addresses that do not wrap (x86_boot_init refuses the others). */
static bool direct_map_fits(const x86_boot_config_t *cfg)
{
    uint64_t start, end;
    for (uint64_t cursor = 0; next_run(cfg, cursor, &start, &end); cursor = end) {
        uint64_t first = start << VMM_PAGE_SHIFT, last = ((end - 1u) << VMM_PAGE_SHIFT) + VMM_PAGE_MASK;
        if (last > UINT64_MAX - cfg->hhdm_offset || !X86_CANONICAL(cfg->hhdm_offset + first) ||
            !X86_CANONICAL(cfg->hhdm_offset + last))
            return false;
    }
    return true;
}

/* Returns the minimum number of table frames for cfg; see boot.h. */
size_t x86_boot_min_table_frames(const x86_boot_config_t *cfg)
{
    if (cfg == NULL || check_layout(cfg) != VMM_OK || !direct_map_fits(cfg))
        return 0;
    unsigned pdpt = X86_PX_SHIFT(X86_LEVEL_PDPT), pd = X86_PX_SHIFT(X86_LEVEL_PD);
    uint64_t pds = cfg->has_1g_pages ? kernel_blocks(cfg, pdpt, false) + edge_blocks(cfg, pdpt)
                                     : all_blocks(cfg, pdpt);
    return (size_t)(1u + all_blocks(cfg, X86_PX_SHIFT(X86_LEVEL_PML4)) + pds +
                    kernel_blocks(cfg, pd, false) + edge_blocks(cfg, pd));
}
