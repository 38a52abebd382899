/*
 * fuzz_boot_init.c - fuzz target: x86_boot_init on random memory maps and
 * kernel images, tables in host memory (frame_pool), checked by the harness's
 * own walker. Not a program of ops: the input is a configuration.
 *
 * Input: u8 flags (bit 0: 1G pages, bits 1-2: hhdm choice, bits 3-4: VMM
 * window choice), u8 window slot, u8 frame-fail, u8 alloc-fail, u8 entries
 * (% 9), per entry u16 base MiB, u16 base offset, u16 length 64K units,
 * u16 length bytes, u8 type (% 9, 8 = unknown); u8 segments (% 4), per
 * segment u16 virt page, u16 phys page, u16 size (64-byte units), u8 attrs;
 * u8 top (bit k: segment k ends exactly at 2^64); u8 nulls (bit 0: map
 * NULL, bit 1: segments NULL, their counts kept).
 *
 * Success: every leaf is a kernel segment page or a direct-map page (phys =
 * va - hhdm, kernel+writable+NX+global) lying inside one run of USABLE /
 * BOOTLOADER_RECLAIMABLE / EXECUTABLE_AND_MODULES / FRAMEBUFFER regions
 * rounded out to 4 KiB, minus the frames a region of another type covers
 * whole, cut where the framebuffer's frames or a read-only alias start and
 * end (sorted, merged and subtracted here), and the largest page that
 * fits there (the next larger aligned block is not inside a run, or is
 * larger than flags allow); the direct leaves' bytes add up to the runs';
 * table frames == the minimum computed here (sort and merge) ==
 * x86_boot_min_table_frames == the frames x86_boot_init took (no table frame taken and given back); the VMM window's bitmap says
 * set exactly where something is mapped, and its records are one SET record
 * per maximal run of the direct map and one per kernel segment, each
 * clipped to the window. Failure: a status the input
 * explains, and every frame and allocator block given back.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bitmap.h"
#include "core/x86_64/boot.h"
#include "fail_alloc.h"
#include "fuzz_bits.h"
#include "fuzz_check.h"
#include "fuzz_data.h"
#include "fuzz_driver.h"
#include "fuzz_walk.h"

#define POOL_BASE 0x10000000000ull       /* tables at 1 TiB (outside the map) */
#define PT_GARBAGE 0x5A                  /* *pt's bytes before each boot    */
#define POOL_FRAMES 2048u
#define ARENA_BYTES (1u << 20)           /* the VMM allocates one record at most */
#define MAX_ENTRIES 8u
#define MAX_SEGMENTS 3u
#define MAX_RUNS (3u * MAX_ENTRIES + 2u * MAX_SEGMENTS) /* cut by exclusions, framebuffers, aliases */
#define MAX_INTERVALS (MAX_RUNS + MAX_SEGMENTS)
#define MAX_TABLE_INTERVALS (MAX_SEGMENTS + 2u * MAX_RUNS) /* segments, run ends */
#define WINDOW_PAGES 4096u
#define WINDOW_WORDS BITMAP_WORDS(WINDOW_PAGES)
#define MIB (1ull << 20)
#define LEN_UNIT (64ull << 10)
#define LEN_OVERFLOW 0xFFFFu
#define SEG_UNIT 64u
#define TYPE_COUNT 9u
#define BIT(st) (1ull << (st))
/* Input encoding: flags byte and segment fields. */
#define CFG_1G 0x1u
#define CFG_HHDM_SHIFT 1u
#define CFG_WINDOW_SHIFT 3u
#define CFG_CHOICE_MASK 0x3u
#define CFG_WINDOW_EMPTY 0x3u  /* empty, or by slot: */
#define WINDOW_SLOT_HOLE_LOW 1u /* across 2^47                      */
#define WINDOW_SLOT_HOLE_HIGH 2u /* across 2^64 - 2^47              */
#define WINDOW_SLOT_TOP 3u      /* ends at 2^64 - 4K                */
#define TOP_PAGE (0ull - VMM_PAGE_SIZE) /* a window's end cannot wrap   */
#define CFG_BIG_WINDOW 0x60u   /* both bits: the whole higher half */
#define HIGHER_HALF 0xFFFF800000000000ull
#define SAMPLES_PER_RUN 3u
#define CFG_HHDM_ODD 0x80u     /* hhdm + 2M */
#define SEG_PAGE_MASK 0x7FFFu
#define SEG_ODD_SHIFT 15u      /* bit 15: one byte off */
#define RAW_FLAG 0x80u

static const uint64_t hhdm_choice[4] = {
    0xFFFF800000000000ull, 0xFFFF888000000000ull, X86_KERNEL_BASE, 0xFFFFFFFFC0000000ull,
};

typedef struct interval {
    uint64_t lo, hi; /* inclusive virtual bytes */
} interval_t;

typedef struct boot_state {
    frame_pool_t pool;
    fail_frames_t ff;           /* the core's frame source: pool, failing on demand */
    fail_alloc_t alloc;
    x86_paging_t pt;
    vmm_t vmm;
    bool built;                 /* x86_boot_init succeeded: reset tears down */
    memmap_entry_t map[MAX_ENTRIES];
    x86_kernel_segment_t seg[MAX_SEGMENTS];
    x86_boot_config_t cfg;
    uint64_t mapped[WINDOW_WORDS]; /* window pages the walk found mapped */
    uint64_t page;              /* largest direct-map page size */
    uint64_t direct_bytes;      /* bytes of the direct leaves the walk found */
    size_t kernel_leaves;
    size_t last_hit;    /* the run of the last direct page (< nruns) */
    /* per input, before the walk: what every leaf is compared with */
    interval_t pruns[MAX_RUNS];      /* the direct map's runs, physical */
    interval_t runs[MAX_RUNS];       /* the same, virtual (hhdm added) */
    bool run_ro[MAX_RUNS];           /* a read-only segment's alias     */
    size_t nruns;
    x86_pte_t direct_pte[X86_LEVEL_PDPT + 1][2]; /* flags of a direct page, by level, ro */
    x86_pte_t seg_pte[MAX_SEGMENTS]; /* flags of segment k's pages   */
    bool small_window;               /* s->mapped tracks the window  */
} boot_state_t;

/* Returns true when type is direct-mapped (boot.h). */
static bool mapped_type(uint32_t type)
{
    return type == MEMMAP_USABLE || type == MEMMAP_BOOTLOADER_RECLAIMABLE ||
           type == MEMMAP_EXECUTABLE_AND_MODULES || type == MEMMAP_FRAMEBUFFER;
}

/* Returns the rounded-up bytes of segment k. */
static uint64_t seg_len(const x86_kernel_segment_t *k)
{
    return (k->size + VMM_PAGE_MASK) & ~VMM_PAGE_MASK;
}

/* The per-leaf model lookups below (about 1,200 leaves per input) read only
 * the target's state, whose arrays lie inside one object: ASan could not see
 * an index past one (it lands in the next field), so its check of every
 * read found nothing and cost a fifth of the target's time. */

/* Returns the run holding [lo, hi] whole, or -1. The run that held the last
 * page is tried first (the walk meets a run's pages in a row). */
FUZZ_NO_ASAN static long run_holding(boot_state_t *s, uint64_t lo, uint64_t hi)
{
    size_t n = s->nruns, i = s->last_hit < n ? s->last_hit : 0;
    for (size_t j = 0; j < n; j++, i = i + 1u < n ? i + 1u : 0)
        if (s->runs[i].lo <= lo && hi <= s->runs[i].hi)
            return (long)(s->last_hit = i);
    return -1;
}

/* Returns true when the direct page [va, va + size) is one boot.h promises:
 * inside a run, and the largest page that fits there (the aligned block of
 * the next size up is not inside a run, or that size is not allowed: 4 KiB
 * only in the first 2 MiB). */
FUZZ_NO_ASAN static bool direct_page_wanted(boot_state_t *s, uint64_t va, uint64_t size)
{
    if (size > s->page || run_holding(s, va, va + (size - 1u)) < 0)
        return false;
    if (size > VMM_SIZE_4K && va - s->cfg.hhdm_offset < VMM_SIZE_2M)
        return false; /* 4 KiB only in the first 2 MiB */
    if (size == s->page)
        return true;
    uint64_t up = size == VMM_SIZE_4K ? VMM_SIZE_2M : VMM_SIZE_1G;
    uint64_t block = va & ~(up - 1u);
    return block - s->cfg.hhdm_offset < VMM_SIZE_2M || /* a larger page would hold it */
           run_holding(s, block, block + (up - 1u)) < 0;
}

/* Returns the segment holding va, or NULL. */
FUZZ_NO_ASAN static const x86_kernel_segment_t *segment_at(const boot_state_t *s, uint64_t va)
{
    for (size_t i = 0; i < s->cfg.kernel_len; i++) {
        const x86_kernel_segment_t *k = &s->seg[i];
        if (k->size && va >= k->virt && va - k->virt < seg_len(k))
            return k;
    }
    return NULL;
}

/* Marks the pages of the window that [va, va + size) covers in s->mapped
 * (what the VMM's bitmap must say). */
FUZZ_NO_ASAN static void mark_window(boot_state_t *s, uint64_t va, uint64_t size)
{
    if (!s->small_window)
        return; /* a big window is checked by sampling its records (check_big_vmm) */
    uint64_t lo = va > s->cfg.vmm_start ? va : s->cfg.vmm_start;
    uint64_t hi = va + (size - 1u) < s->cfg.vmm_end - 1u ? va + (size - 1u) : s->cfg.vmm_end - 1u;
    if (hi < lo)
        return;
    size_t i = (size_t)((lo - s->cfg.vmm_start) >> VMM_PAGE_SHIFT);
    size_t end = (size_t)((hi - s->cfg.vmm_start) >> VMM_PAGE_SHIFT) + 1u;
    while (i < end) { /* a word at a time */
        size_t room = FUZZ_WORD_BITS - i % FUZZ_WORD_BITS;
        size_t take = room < end - i ? room : end - i;
        uint64_t ones = take == FUZZ_WORD_BITS ? UINT64_MAX : ((uint64_t)1 << take) - 1u;
        s->mapped[i / FUZZ_WORD_BITS] |= ones << (i % FUZZ_WORD_BITS);
        i += take;
    }
}

/* fuzz_walk_all callback: each leaf is a wanted direct page or a segment
 * page, with exact frame and flags. */
FUZZ_NO_ASAN static void leaf_seen(void *ctx, uint64_t va, x86_pte_t leaf, uint64_t size)
{
    boot_state_t *s = ctx;
    mark_window(s, va, size);
    const x86_kernel_segment_t *k = size == VMM_SIZE_4K ? segment_at(s, va) : NULL;
    if (k) {
        FUZZ_CHECK(X86_PTE_ADDR(leaf) == k->phys + (va - k->virt) &&
                       (leaf & ~X86_PTE_ADDR_MASK) == s->seg_pte[k - s->seg],
                   "boot-kernel-page", "kernel page 0x%llx: entry 0x%llx, segment phys 0x%llx "
                   "attrs 0x%x", (unsigned long long)va, (unsigned long long)leaf,
                   (unsigned long long)k->phys, k->attrs);
        s->kernel_leaves++;
        return;
    }
    uint64_t phys = va - s->cfg.hhdm_offset;
    FUZZ_CHECK(va >= s->cfg.hhdm_offset && direct_page_wanted(s, va, size),
               "boot-stray-page", "0x%llx (size 0x%llx) is mapped but is neither a kernel "
               "page nor the largest direct-map page that fits inside a run of mapped "
               "regions", (unsigned long long)va, (unsigned long long)size);
    unsigned level = size == VMM_SIZE_1G ? X86_LEVEL_PDPT
                     : size == VMM_SIZE_2M ? X86_LEVEL_PD : X86_LEVEL_PT;
    bool ro = s->run_ro[s->last_hit]; /* the run direct_page_wanted found */
    FUZZ_CHECK(X86_PTE_ADDR(leaf) == phys &&
                   (leaf & ~X86_PTE_ADDR_MASK) == s->direct_pte[level][ro],
               "boot-direct-page", "direct page 0x%llx: entry 0x%llx, want phys 0x%llx",
               (unsigned long long)va, (unsigned long long)leaf, (unsigned long long)phys);
    s->direct_bytes += size;
}

/* Sorts intervals by lo (insertion sort: a dozen at most). */
static void sort_intervals(interval_t *iv, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && iv[j].lo < iv[j - 1].lo; j--) {
            interval_t t = iv[j];
            iv[j] = iv[j - 1];
            iv[j - 1] = t;
        }
}

/* Returns the number of distinct blocks of 1 << shift touched by the union
 * of the intervals (sorted, then merged block-wise). */
static uint64_t union_blocks(const interval_t *src, size_t n, unsigned shift)
{
    interval_t iv[MAX_TABLE_INTERVALS];
    for (size_t i = 0; i < n; i++)
        iv[i] = (interval_t){ src[i].lo >> shift, src[i].hi >> shift };
    sort_intervals(iv, n);
    uint64_t count = 0;
    for (size_t i = 0; i < n;) {
        uint64_t lo = iv[i].lo, hi = iv[i].hi;
        for (i++; i < n && iv[i].lo <= hi + 1u && hi != UINT64_MAX; i++)
            hi = iv[i].hi > hi ? iv[i].hi : hi;
        count += hi - lo + 1u;
    }
    return count;
}

/* Sorts the n intervals of iv and merges those that overlap or touch;
 * returns how many are left. */
static size_t merge_touching(interval_t *iv, size_t n)
{
    sort_intervals(iv, n);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && (iv[m - 1].hi == UINT64_MAX || iv[i].lo <= iv[m - 1].hi + 1u))
            iv[m - 1].hi = iv[i].hi > iv[m - 1].hi ? iv[i].hi : iv[m - 1].hi;
        else
            iv[m++] = iv[i];
    }
    return m;
}

/* Returns the direct map's attributes: read-only over a read-only kernel
 * segment's frames (its alias), else writable. */
static vmm_attrs_t direct_attrs(bool ro)
{
    vmm_attrs_t a = VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE;
    return ro ? a & ~VMM_ATTR_WRITABLE : a;
}

/* Computes the direct map's runs as boot.h defines them, by sort, merge and
 * subtraction (boot.c scans the map instead): the mapped regions rounded
 * out to 4 KiB, minus the frames a region of another type covers whole,
 * cut where a read-only kernel segment's alias starts or ends and where
 * the framebuffer's frames (those a FRAMEBUFFER region touches) do.
 * Physical (s->pruns) and virtual (s->runs, hhdm added). Entries that wrap
 * are left out (the configuration is refused). */
static void model_runs(boot_state_t *s)
{
    interval_t in[MAX_ENTRIES], ex[MAX_ENTRIES], fb[MAX_ENTRIES];
    size_t n = 0, nx = 0, nfb = 0;
    for (size_t i = 0; i < s->cfg.map_len; i++) {
        const memmap_entry_t *e = &s->map[i];
        if (!e->length || e->length - 1u > UINT64_MAX - e->base)
            continue;
        uint64_t last = e->base + (e->length - 1u);
        if (mapped_type(e->type)) {
            in[n++] = (interval_t){ e->base & ~(uint64_t)VMM_PAGE_MASK, last | VMM_PAGE_MASK };
            if (e->type == MEMMAP_FRAMEBUFFER)
                fb[nfb++] = in[n - 1];
            continue;
        }
        /* the frames [first, end) it covers whole (end << 12 wraps to 0 at
         * 2^64, so hi is then UINT64_MAX, as it should be) */
        uint64_t first = (e->base >> VMM_PAGE_SHIFT) + ((e->base & VMM_PAGE_MASK) != 0);
        uint64_t end = (last >> VMM_PAGE_SHIFT) + ((last & VMM_PAGE_MASK) == VMM_PAGE_MASK);
        if (first < end)
            ex[nx++] = (interval_t){ first << VMM_PAGE_SHIFT, (end << VMM_PAGE_SHIFT) - 1u };
    }
    n = merge_touching(in, n);
    nx = merge_touching(ex, nx);
    nfb = merge_touching(fb, nfb);
    interval_t ro[MAX_SEGMENTS], kept[MAX_ENTRIES];
    size_t nro = 0, nk = 0;
    for (size_t i = 0; i < s->cfg.kernel_len; i++) /* the read-only aliases */
        if (s->seg[i].size && !(s->seg[i].attrs & VMM_ATTR_WRITABLE) &&
            seg_len(&s->seg[i]) - 1u <= UINT64_MAX - s->seg[i].phys)
            ro[nro++] = (interval_t){ s->seg[i].phys, s->seg[i].phys + (seg_len(&s->seg[i]) - 1u) };
    nro = merge_touching(ro, nro);
    for (size_t i = 0; i < n; i++) { /* the mapped regions minus the exclusions */
        uint64_t cur = in[i].lo;
        bool done = false;
        for (size_t j = 0; j < nx && !done; j++) {
            if (ex[j].hi < cur || ex[j].lo > in[i].hi)
                continue;
            if (ex[j].lo > cur)
                kept[nk++] = (interval_t){ cur, ex[j].lo - 1u };
            if (ex[j].hi >= in[i].hi)
                done = true;
            else
                cur = ex[j].hi + 1u;
        }
        if (!done)
            kept[nk++] = (interval_t){ cur, in[i].hi };
    }
    s->nruns = 0;
    for (size_t i = 0; i < nk; i++) /* cut where the kind changes */
        for (uint64_t cur = kept[i].lo, hi;; cur = hi + 1u) {
            bool is_ro = false;
            hi = kept[i].hi;
            for (size_t j = 0; j < nro; j++) {
                if (ro[j].lo <= cur && cur <= ro[j].hi) {
                    is_ro = true;
                    hi = ro[j].hi < hi ? ro[j].hi : hi;
                } else if (ro[j].lo > cur && ro[j].lo - 1u < hi) {
                    hi = ro[j].lo - 1u;
                }
            }
            for (size_t j = 0; j < nfb; j++) {
                if (fb[j].lo <= cur && cur <= fb[j].hi)
                    hi = fb[j].hi < hi ? fb[j].hi : hi;
                else if (fb[j].lo > cur && fb[j].lo - 1u < hi)
                    hi = fb[j].lo - 1u;
            }
            s->run_ro[s->nruns] = is_ro;
            s->pruns[s->nruns++] = (interval_t){ cur, hi };
            if (hi == kept[i].hi)
                break;
        }
    for (size_t i = 0; i < s->nruns; i++)
        s->runs[i] = (interval_t){ s->cfg.hhdm_offset + s->pruns[i].lo,
                                   s->cfg.hhdm_offset + s->pruns[i].hi };
}

/* Collects the direct map's runs (virtual: model_runs) and, when kernel,
 * the kernel segments. Returns how many. */
static size_t collect(const boot_state_t *s, interval_t *iv, bool direct, bool kernel)
{
    size_t n = 0;
    for (size_t i = 0; direct && i < s->nruns; i++)
        iv[n++] = s->runs[i];
    for (size_t i = 0; kernel && i < s->cfg.kernel_len; i++)
        if (s->seg[i].size)
            iv[n++] = (interval_t){ s->seg[i].virt, s->seg[i].virt + (seg_len(&s->seg[i]) - 1u) };
    return n;
}

/* Computes once per input what leaf_seen compares every leaf with: the
 * direct map's flags (per page size), each segment's (4K pages), and
 * whether the window is small enough to track (model_runs came first). */
static void leaf_expect(boot_state_t *s)
{
    for (unsigned level = X86_LEVEL_PT; level <= X86_LEVEL_PDPT; level++)
        for (int ro = 0; ro < 2; ro++)
            s->direct_pte[level][ro] = fuzz_expected_pte(direct_attrs(ro != 0),
                                                         X86_LEVEL_SIZE(level), s->cfg.hhdm_offset);
    for (size_t i = 0; i < MAX_SEGMENTS; i++)
        s->seg_pte[i] = fuzz_expected_pte(s->seg[i].attrs | VMM_ATTR_KERNEL, VMM_SIZE_4K,
                                          s->seg[i].virt);
    s->small_window = s->cfg.vmm_end - s->cfg.vmm_start <= (uint64_t)WINDOW_PAGES * VMM_PAGE_SIZE;
}

/* Appends to iv the one-block intervals (blocks of 1 << shift bytes) that
 * hold an unaligned end of a direct run or its start below 2 MiB: the
 * direct map uses smaller pages there, everywhere else pages of at least
 * that size. Returns the count. */
static size_t run_edges(const boot_state_t *s, interval_t *iv, size_t n, unsigned shift)
{
    uint64_t mask = ((uint64_t)1 << shift) - 1u;
    for (size_t i = 0; i < s->nruns; i++) {
        if ((s->runs[i].lo & mask) || s->pruns[i].lo < VMM_SIZE_2M) /* 4 KiB there */
            iv[n++] = (interval_t){ s->runs[i].lo, s->runs[i].lo };
        if ((s->runs[i].hi + 1u) & mask)
            iv[n++] = (interval_t){ s->runs[i].hi, s->runs[i].hi };
    }
    return n;
}

/* The minimum number of table frames, computed here independently: a PDPT
 * per 512G block anything touches; a PD per 1G block a kernel segment or a
 * run's unaligned end touches (every 1G block of the direct map without
 * 1G pages); a PT per 2M block a kernel segment or a run's unaligned end
 * touches. Needs model_runs' runs. */
static uint64_t min_tables(const boot_state_t *s)
{
    interval_t all[MAX_INTERVALS], pd[MAX_TABLE_INTERVALS], pt[MAX_TABLE_INTERVALS];
    unsigned pd_shift = X86_PX_SHIFT(X86_LEVEL_PDPT), pt_shift = X86_PX_SHIFT(X86_LEVEL_PD);
    size_t n_all = collect(s, all, true, true);
    size_t n_pd = s->page == VMM_SIZE_1G ? run_edges(s, pd, collect(s, pd, false, true), pd_shift)
                                         : collect(s, pd, true, true);
    size_t n_pt = run_edges(s, pt, collect(s, pt, false, true), pt_shift);
    return 1u + union_blocks(all, n_all, X86_PX_SHIFT(X86_LEVEL_PML4)) +
           union_blocks(pd, n_pd, pd_shift) + union_blocks(pt, n_pt, pt_shift);
}

/* Returns the errors the configuration itself explains (bit per status). */
static uint64_t config_errors(const boot_state_t *s)
{
    uint64_t a = 0;
    if (s->cfg.hhdm_offset & (s->page - 1u))
        a |= BIT(VMM_ERR_MISALIGNED);
    for (size_t i = 0; i < s->cfg.map_len; i++)
        if (s->map[i].length && s->map[i].length - 1u > UINT64_MAX - s->map[i].base)
            a |= BIT(VMM_ERR_OVERFLOW);
    for (size_t i = 0; i < s->cfg.kernel_len; i++) {
        const x86_kernel_segment_t *k = &s->seg[i];
        if (k->attrs & ~VMM_ATTR_ALL)
            a |= BIT(VMM_ERR_INVALID_ARGUMENT);
        if ((k->attrs & (VMM_ATTR_WRITABLE | VMM_ATTR_EXECUTABLE)) ==
            (VMM_ATTR_WRITABLE | VMM_ATTR_EXECUTABLE))
            a |= BIT(VMM_ERR_INVALID_ARGUMENT); /* W^X */
        if (!k->size)
            continue;
        if ((k->virt | k->phys) & VMM_PAGE_MASK)
            a |= BIT(VMM_ERR_MISALIGNED);
        if (seg_len(k) - 1u > UINT64_MAX - k->virt)
            a |= BIT(VMM_ERR_OVERFLOW);
    }
    if ((!s->cfg.map && s->cfg.map_len) || (!s->cfg.kernel && s->cfg.kernel_len))
        a |= BIT(VMM_ERR_INVALID_ARGUMENT); /* a NULL array with entries */
    if (s->cfg.vmm_start >= s->cfg.vmm_end)
        a |= BIT(VMM_ERR_INVALID_VIRT);
    else if (!fuzz_window_mappable(s->cfg.vmm_start, s->cfg.vmm_end))
        a |= BIT(VMM_ERR_NON_CANONICAL);
    return a;
}

/* Returns the mapping errors the layout explains: kernel segments that
 * overlap each other or the direct map, a direct map that wraps or leaves
 * canonical space (model_runs came first). */
static uint64_t layout_errors(const boot_state_t *s)
{
    interval_t iv[MAX_INTERVALS];
    uint64_t a = 0;
    size_t n = collect(s, iv, true, false);
    for (size_t i = 0; i < n; i++) {
        if (iv[i].hi < iv[i].lo || !X86_CANONICAL(iv[i].lo) || !X86_CANONICAL(iv[i].hi))
            a |= BIT(VMM_ERR_OVERFLOW) | BIT(VMM_ERR_NON_CANONICAL);
    }
    for (size_t i = 0; i < s->nruns; i++)
        if (s->pruns[i].hi > UINT64_MAX - s->cfg.hhdm_offset)
            a |= BIT(VMM_ERR_OVERFLOW) | BIT(VMM_ERR_NON_CANONICAL);
    size_t m = collect(s, iv, true, true);
    for (size_t i = n; i < m; i++)
        for (size_t j = 0; j < m; j++)
            if (j != i && iv[i].lo <= iv[j].hi && iv[j].lo <= iv[i].hi)
                a |= BIT(VMM_ERR_ALREADY_MAPPED) | BIT(VMM_ERR_LARGE_PAGE_CONFLICT);
    return a;
}

/* Checks pages [lo, hi) of a big window at its ends and middle: set iff
 * mapped, and set == want (in a record or not). */
static void check_samples(const boot_state_t *s, const vmm_t *vmm, uint64_t lo, uint64_t hi,
                          bool want)
{
    uint64_t pages = (hi - lo) >> VMM_PAGE_SHIFT;
    for (unsigned k = 0; k < SAMPLES_PER_RUN && pages != 0; k++) {
        uint64_t va = lo + (k == 0 ? 0 : k == 1 ? pages - 1u : pages / 2u) * VMM_PAGE_SIZE;
        x86_pte_t leaf;
        uint64_t size;
        bool mapped = fuzz_walk_va(&s->pool, s->pt.pml4, va, &leaf, &size);
        bool set = false;
        FUZZ_CHECK_STATUS(vmm_is_set(vmm, va, &set), VMM_OK, "boot-vmm-is-set");
        FUZZ_CHECK(set == mapped && set == want, "boot-vmm-tracking",
                   "window page 0x%llx: %s, bitmap %s, %s a record", (unsigned long long)va,
                   mapped ? "mapped" : "not mapped", set ? "set" : "clear", want ? "in" : "not in");
    }
}

/* A window too big to walk page by page (the higher half): the records
 * cover exactly the used pages; each record and each gap between records
 * is sampled at both ends and its middle. */
static void check_big_vmm(const boot_state_t *s, const vmm_t *vmm)
{
    uint64_t used = 0, prev = vmm->start;
    for (const vmm_record_t *r = vmm_first_record(vmm); r; r = vmm_next_record(r)) {
        uint64_t end = r->virt + r->pages * VMM_PAGE_SIZE;
        FUZZ_CHECK(r->virt >= prev && end <= vmm->end, "boot-vmm-records",
                   "record 0x%llx out of order or outside the window", (unsigned long long)r->virt);
        check_samples(s, vmm, prev, r->virt, false);
        check_samples(s, vmm, r->virt, end, true);
        used += r->pages;
        prev = end;
    }
    check_samples(s, vmm, prev, vmm->end, false);
    FUZZ_CHECK(vmm->bitmap.num_free + used == (vmm->end - vmm->start) >> VMM_PAGE_SHIFT,
               "boot-vmm-free-count", "num_free %zu, %llu pages in records", vmm->bitmap.num_free,
               (unsigned long long)used);
}

/* Checks the VMM: its window, and a bit set exactly where the walk found a
 * page mapped (s->mapped, marked by leaf_seen). */
static void check_vmm(boot_state_t *s, const vmm_t *vmm)
{
    FUZZ_CHECK(vmm->start == s->cfg.vmm_start && vmm->end == s->cfg.vmm_end, "boot-vmm-window",
               "VMM window [0x%llx, 0x%llx)", (unsigned long long)vmm->start,
               (unsigned long long)vmm->end);
    FUZZ_CHECK(hbitmap_check(&vmm->bitmap), "boot-vmm-hbitmap",
               "the VMM's hbitmap summaries, counts or canonical form are broken");
    if (vmm->end - vmm->start > (uint64_t)WINDOW_PAGES * VMM_PAGE_SIZE) {
        check_big_vmm(s, vmm);
        return;
    }
    /* per run of pages the walk found (not) mapped: vmm_is_set at its ends,
     * one range query of the bitmap for all of it */
    size_t used = 0, pages = (size_t)((vmm->end - vmm->start) >> VMM_PAGE_SHIFT);
    for (size_t i = 0, next; i < pages; i = next) {
        bool mapped = (s->mapped[i / 64u] >> (i % 64u)) & 1u;
        next = fuzz_run_end(s->mapped, i, pages, mapped);
        bool whole = mapped ? hbitmap_range_set(&vmm->bitmap, i, next - i)
                            : hbitmap_range_clear(&vmm->bitmap, i, next - i);
        FUZZ_CHECK(whole, "boot-vmm-tracking", "window pages [0x%llx, 0x%llx): %s, the bitmap "
                   "is not all %s", (unsigned long long)(vmm->start + i * VMM_PAGE_SIZE),
                   (unsigned long long)(vmm->start + next * VMM_PAGE_SIZE),
                   mapped ? "mapped" : "not mapped", mapped ? "set" : "clear");
        for (size_t k = i; k < next; k = k + 1u < next - 1u ? next - 1u : k + 1u) {
            uint64_t va = vmm->start + k * VMM_PAGE_SIZE;
            bool set = !mapped;
            FUZZ_CHECK_STATUS(vmm_is_set(vmm, va, &set), VMM_OK, "boot-vmm-is-set");
            FUZZ_CHECK(set == mapped, "boot-vmm-tracking", "window page 0x%llx: %s, "
                       "vmm_is_set %s", (unsigned long long)va,
                       mapped ? "mapped" : "not mapped", set ? "set" : "clear");
        }
        used += mapped ? next - i : 0;
    }
    FUZZ_CHECK(vmm->bitmap.num_free + used == (vmm->end - vmm->start) >> VMM_PAGE_SHIFT,
               "boot-vmm-free-count", "num_free %zu, %zu pages used", vmm->bitmap.num_free, used);
}

/* Checks the VMM's records: one SET record per maximal run of direct-map
 * pages (touching or overlapping regions merged, as the walk's pages) and
 * one per kernel segment, each clipped to the window (boot.c's
 * track_mappings: one vmm_set per run), in address order. */
static void check_records(const boot_state_t *s, const vmm_t *vmm)
{
    interval_t want[MAX_INTERVALS];
    vmm_attrs_t attrs[MAX_INTERVALS];
    size_t m = collect(s, want, true, false);
    for (size_t i = 0; i < m; i++) /* one record per run, with its rights */
        attrs[i] = direct_attrs(s->run_ro[i]);
    for (size_t i = 0; i < s->cfg.kernel_len; i++)
        if (s->seg[i].size) {
            want[m] = (interval_t){ s->seg[i].virt, s->seg[i].virt + (seg_len(&s->seg[i]) - 1u) };
            attrs[m++] = s->seg[i].attrs | VMM_ATTR_KERNEL;
        }
    for (size_t i = 1; i < m; i++) /* by address (they do not overlap) */
        for (size_t j = i; j > 0 && want[j].lo < want[j - 1].lo; j--) {
            interval_t t = want[j];
            vmm_attrs_t a = attrs[j];
            want[j] = want[j - 1], attrs[j] = attrs[j - 1];
            want[j - 1] = t, attrs[j - 1] = a;
        }
    const vmm_record_t *r = vmm_first_record(vmm);
    for (size_t i = 0; i < m; i++) {
        if (want[i].hi < vmm->start || want[i].lo >= vmm->end)
            continue; /* outside the window */
        uint64_t lo = want[i].lo > vmm->start ? want[i].lo : vmm->start;
        uint64_t end = want[i].hi < vmm->end - 1u ? want[i].hi + 1u : vmm->end;
        FUZZ_CHECK(r && r->virt == lo && r->pages == (end - lo) >> VMM_PAGE_SHIFT &&
                       r->kind == VMM_REC_SET && r->phys == VMM_NO_FRAME && r->attrs == attrs[i],
                   "boot-vmm-records", "want a SET record [0x%llx, 0x%llx) attrs 0x%x; the VMM "
                   "has %s0x%llx, %llu pages, kind %u, attrs 0x%x", (unsigned long long)lo,
                   (unsigned long long)end, attrs[i], r ? "" : "none: ",
                   (unsigned long long)(r ? r->virt : 0), (unsigned long long)(r ? r->pages : 0),
                   r ? r->kind : 0, r ? r->attrs : 0);
        r = vmm_next_record(r);
    }
    FUZZ_CHECK(r == NULL, "boot-vmm-records", "the VMM has a record at 0x%llx the model does "
               "not", (unsigned long long)(r ? r->virt : 0));
}

/* Checks that every record boot made is pinned and that vmm_free of it
 * fails with VMM_ERR_PINNED, changing nothing (the vmm_t, the record count,
 * the tables): a free that succeeded would leave the boot mapping under a
 * range the VMM hands out again. */
static void check_pinned(boot_state_t *s)
{
    vmm_t before = s->vmm;
    size_t n = vmm_record_count(&s->vmm), tables = s->pt.table_frames;
    for (const vmm_record_t *r = vmm_first_record(&s->vmm); r; r = vmm_next_record(r)) {
        FUZZ_CHECK(r->flags & VMM_RECORD_PINNED, "boot-vmm-pinned",
                   "the record at 0x%llx is not pinned", (unsigned long long)r->virt);
        FUZZ_CHECK_STATUS(vmm_free(&s->vmm, r->virt), VMM_ERR_PINNED, "boot-vmm-pinned");
    }
    FUZZ_CHECK(memcmp(&before, &s->vmm, sizeof before) == 0 &&
                   vmm_record_count(&s->vmm) == n && s->pt.table_frames == tables,
               "boot-vmm-pinned", "a refused vmm_free changed the VMM or the tables");
}

/* Reads the input into s->cfg. */
static void read_config(boot_state_t *s, fuzz_data_t *fd, uint8_t *frame_fail,
                        uint8_t *alloc_fail)
{
    uint8_t flags = fd_u8(fd), slot = fd_u8(fd);
    *frame_fail = fd_u8(fd);
    *alloc_fail = fd_u8(fd);
    memset(&s->cfg, 0, sizeof s->cfg);
    s->cfg.has_1g_pages = flags & CFG_1G;
    s->page = s->cfg.has_1g_pages ? VMM_SIZE_1G : VMM_SIZE_2M;
    s->cfg.hhdm_offset = hhdm_choice[(flags >> CFG_HHDM_SHIFT) & CFG_CHOICE_MASK];
    if (flags & CFG_HHDM_ODD)
        s->cfg.hhdm_offset += VMM_SIZE_2M;          /* misaligned with 1G pages */
    s->cfg.map_len = fd_u8(fd) % (MAX_ENTRIES + 1u);
    for (size_t i = 0; i < s->cfg.map_len; i++) {
        uint64_t base = (uint64_t)fd_u16(fd) * MIB + fd_u16(fd);
        uint16_t units = fd_u16(fd);
        uint64_t len = (uint64_t)units * LEN_UNIT + fd_u16(fd);
        if (units == LEN_OVERFLOW)
            len = UINT64_MAX - base + 2u;            /* base + length wraps */
        s->map[i] = (memmap_entry_t){ base, len, fd_u8(fd) % TYPE_COUNT };
    }
    s->cfg.map = s->map;
    s->cfg.kernel_len = fd_u8(fd) % (MAX_SEGMENTS + 1u);
    for (size_t i = 0; i < s->cfg.kernel_len; i++) {
        uint16_t v = fd_u16(fd), p = fd_u16(fd), size = fd_u16(fd);
        uint8_t attrs = fd_u8(fd);
        s->seg[i] = (x86_kernel_segment_t){
            .virt = X86_KERNEL_BASE + (uint64_t)(v & SEG_PAGE_MASK) * VMM_PAGE_SIZE +
                    (v >> SEG_ODD_SHIFT),
            .phys = (uint64_t)p * VMM_PAGE_SIZE,
            .size = (uint64_t)size * SEG_UNIT,
            .attrs = (attrs & RAW_FLAG) ? (vmm_attrs_t)(attrs & ~RAW_FLAG) : (attrs & VMM_ATTR_ALL),
        };
    }
    /* segments_top (appended to the format: 0 past an older input's end):
     * bit k moves segment k to end exactly at 2^64 */
    uint8_t top = fd_u8(fd);
    for (size_t i = 0; i < s->cfg.kernel_len; i++)
        if ((top >> i) & 1u)
            s->seg[i].virt = 0u - seg_len(&s->seg[i]);
    s->cfg.kernel = s->seg;
    /* nulls (appended too): bit 0 the map, bit 1 the segments NULL */
    uint8_t nulls = fd_u8(fd);
    if (nulls & 1u)
        s->cfg.map = NULL;
    if (nulls & 2u)
        s->cfg.kernel = NULL;
    s->cfg.access_offset = frame_pool_offset(&s->pool);
    switch ((flags >> CFG_WINDOW_SHIFT) & CFG_CHOICE_MASK) {
    case 0: s->cfg.vmm_start = s->cfg.hhdm_offset + (uint64_t)slot * (256u * MIB); break;
    case 1: s->cfg.vmm_start = X86_KERNEL_BASE + (uint64_t)slot * VMM_SIZE_2M; break;
    case 2: s->cfg.vmm_start = X86_KERNEL_BASE + (uint64_t)slot * VMM_PAGE_SIZE; break;
    default: s->cfg.vmm_start = X86_KERNEL_BASE; break;
    }
    s->cfg.vmm_end = s->cfg.vmm_start + WINDOW_PAGES * VMM_PAGE_SIZE;
    if (((flags >> CFG_WINDOW_SHIFT) & CFG_CHOICE_MASK) == CFG_WINDOW_EMPTY) {
        /* slot 1 / 2: across the canonical hole's low / high edge; 3: up
         * to the top page of the address space; else empty */
        uint64_t half = WINDOW_PAGES / 2u * VMM_PAGE_SIZE;
        if (slot == WINDOW_SLOT_HOLE_LOW || slot == WINDOW_SLOT_HOLE_HIGH)
            s->cfg.vmm_start = (slot == WINDOW_SLOT_HOLE_LOW ? FUZZ_CANONICAL_LOW_END
                                                             : FUZZ_CANONICAL_HIGH_START) - half;
        else if (slot == WINDOW_SLOT_TOP)
            s->cfg.vmm_start = TOP_PAGE - WINDOW_PAGES * VMM_PAGE_SIZE;
        s->cfg.vmm_end = slot >= WINDOW_SLOT_HOLE_LOW && slot <= WINDOW_SLOT_TOP
                             ? s->cfg.vmm_start + WINDOW_PAGES * VMM_PAGE_SIZE
                             : s->cfg.vmm_start;
    }
    if (s->cfg.vmm_end < s->cfg.vmm_start)
        s->cfg.vmm_end = TOP_PAGE;
    if ((flags & CFG_BIG_WINDOW) == CFG_BIG_WINDOW) { /* the kernel's: whole higher half */
        s->cfg.vmm_start = HIGHER_HALF;
        s->cfg.vmm_end = TOP_PAGE;
    }
    s->cfg.allocator = fail_alloc_iface(&s->alloc);
}

/* Traces the configuration (repro listing). */
static void trace_config(const boot_state_t *s)
{
    TRACE("config: 1G pages %d, hhdm 0x%llx, window [0x%llx, 0x%llx)",
          s->cfg.has_1g_pages, (unsigned long long)s->cfg.hhdm_offset,
          (unsigned long long)s->cfg.vmm_start, (unsigned long long)s->cfg.vmm_end);
    for (size_t i = 0; i < s->cfg.map_len; i++)
        TRACE("map[%zu]: base 0x%llx length 0x%llx type %u", i,
              (unsigned long long)s->map[i].base, (unsigned long long)s->map[i].length,
              s->map[i].type);
    for (size_t i = 0; i < s->cfg.kernel_len; i++)
        TRACE("kernel[%zu]: virt 0x%llx phys 0x%llx size 0x%llx attrs 0x%x", i,
              (unsigned long long)s->seg[i].virt, (unsigned long long)s->seg[i].phys,
              (unsigned long long)s->seg[i].size, s->seg[i].attrs);
}

/* fuzz_target_t hooks (fuzz_driver.h). */
static void *create(void)
{
    boot_state_t *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    fuzz_frames_create(&s->pool, &s->ff, POOL_BASE, POOL_FRAMES);
    fail_alloc_init(&s->alloc);
    fail_alloc_use_arena(&s->alloc, ARENA_BYTES);
    return s;
}

/* Returns true when the n bytes at p all equal b. */
static bool bytes_are(const void *p, size_t n, unsigned char b)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i] != b)
            return false;
    return true;
}

/* Reads the configuration and runs x86_boot_init, judged by what the input
 * explains. Returns true when it succeeded (the final check follows). */
static bool setup(void *state, fuzz_data_t *fd)
{
    boot_state_t *s = state;
    uint8_t frame_fail, alloc_fail;
    fail_alloc_reset(&s->alloc);
    fail_frames_reset(&s->ff);
    read_config(s, fd, &frame_fail, &alloc_fail);
    trace_config(s);
    s->ff.countdown = fuzz_fail_countdown(frame_fail);
    s->alloc.countdown = fuzz_fail_countdown(alloc_fail);
    model_runs(s);
    uint64_t allowed = config_errors(s) | layout_errors(s);
    vmm_frames_t frames = fail_frames_iface(&s->ff);
    x86_boot_result_t res;
    /* *pt garbage, *vmm zeroed (a kernel's static storage): a failure must
     * keep both byte for byte (boot.h: nothing kept) */
    memset(&s->pt, PT_GARBAGE, sizeof(s->pt));
    memset(&s->vmm, 0, sizeof(s->vmm));
    vmm_status_t st = x86_boot_init(&s->cfg, &frames, &s->pt, &s->vmm, &res);
    TRACE("x86_boot_init -> %s", fuzz_status(st));
    s->ff.countdown = -1;
    s->alloc.countdown = -1;
    s->built = st == VMM_OK;
    if (st != VMM_OK) {
        bool injected = (st == VMM_ERR_OUT_OF_FRAMES && s->ff.failures) ||
                        (st == VMM_ERR_OUT_OF_MEMORY && s->alloc.failures);
        FUZZ_CHECK(injected || (st < 64 && ((allowed >> st) & 1u)), "boot-status",
                   "returned %s; the input explains mask 0x%llx", vmm_strerror(st),
                   (unsigned long long)allowed);
        FUZZ_CHECK(frame_pool_in_use(&s->pool) == 0 && s->alloc.live == 0, "boot-failed-leak",
                   "failed x86_boot_init kept %zu frames, %zu blocks",
                   frame_pool_in_use(&s->pool), s->alloc.live);
        FUZZ_CHECK(bytes_are(&s->pt, sizeof(s->pt), PT_GARBAGE) &&
                       bytes_are(&s->vmm, sizeof(s->vmm), 0),
                   "boot-failed-kept", "failed x86_boot_init changed *pt or *vmm");
        return false;
    }
    FUZZ_CHECK(allowed == 0, "boot-status", "succeeded; the input should fail (mask 0x%llx)",
               (unsigned long long)allowed);
    FUZZ_CHECK(res.cr3 == s->pt.pml4 && res.cr3_flags == 0 && res.direct_map_page == s->page,
               "boot-result", "cr3 0x%llx (pml4 0x%llx), page 0x%llx",
               (unsigned long long)res.cr3, (unsigned long long)s->pt.pml4,
               (unsigned long long)res.direct_map_page);
    FUZZ_CHECK(res.table_frames == s->pt.table_frames, "boot-table-count",
               "result %zu table frames, pt %zu", res.table_frames, s->pt.table_frames);
    return true;
}

/* Unused: boot_init runs no program (max_ops 0). */
static void run(void *state, fuzz_data_t *fd, unsigned op)
{
    (void)state, (void)fd, (void)op;
}

/* The tables, the table count and the VMM against the input. */
static void final_check(void *state)
{
    boot_state_t *s = state;
    s->direct_bytes = 0;
    s->kernel_leaves = s->last_hit = 0;
    memset(s->mapped, 0, sizeof s->mapped);
    leaf_expect(s);
    size_t tables = fuzz_walk_all(&s->pool, s->pt.pml4, leaf_seen, s);
    uint64_t direct_bytes = 0, kernel_pages = 0;
    for (size_t i = 0; i < s->nruns; i++)
        direct_bytes += s->runs[i].hi - s->runs[i].lo + 1u;
    for (size_t i = 0; i < s->cfg.kernel_len; i++)
        kernel_pages += seg_len(&s->seg[i]) >> VMM_PAGE_SHIFT;
    FUZZ_CHECK(s->direct_bytes == direct_bytes, "boot-direct-coverage",
               "direct-map pages of 0x%llx bytes mapped, the runs of mapped regions hold "
               "0x%llx", (unsigned long long)s->direct_bytes, (unsigned long long)direct_bytes);
    FUZZ_CHECK(s->kernel_leaves == kernel_pages, "boot-kernel-coverage",
               "%zu kernel pages mapped, segments hold %llu", s->kernel_leaves,
               (unsigned long long)kernel_pages);
    uint64_t minimum = min_tables(s);
    FUZZ_CHECK(tables == s->pt.table_frames && frame_pool_in_use(&s->pool) == tables,
               "boot-table-count", "walk %zu tables, pt %zu, frames in use %zu",
               tables, s->pt.table_frames, frame_pool_in_use(&s->pool));
    FUZZ_CHECK(tables == minimum && x86_boot_min_table_frames(&s->cfg) == minimum,
               "boot-table-minimal", "%zu table frames used, x86_boot_min_table_frames %zu, "
               "minimum %llu", tables, x86_boot_min_table_frames(&s->cfg),
               (unsigned long long)minimum);
    FUZZ_CHECK(s->ff.calls == tables, "boot-table-frames-taken", "x86_boot_init asked for "
               "%zu frames and uses %zu tables", s->ff.calls, tables);
    check_vmm(s, &s->vmm);
    check_records(s, &s->vmm);
    check_pinned(s);
    TRACE("ok: 0x%llx direct bytes, %zu kernel pages, %zu table frames",
          (unsigned long long)s->direct_bytes, s->kernel_leaves, tables);
}

/* Tears down what x86_boot_init built: every frame and block back. */
static void reset(void *state)
{
    boot_state_t *s = state;
    if (s->built) {
        vmm_deinit(&s->vmm);
        x86_paging_destroy(&s->pt);
        s->built = false;
    }
    FUZZ_CHECK(frame_pool_in_use(&s->pool) == 0 && s->alloc.live == 0, "boot-teardown-leak",
               "%zu frames, %zu blocks left after teardown", frame_pool_in_use(&s->pool),
               s->alloc.live);
    FUZZ_CHECK(frame_pool_reset(&s->pool), "boot-teardown-leak", "frames leaked");
}

static const fuzz_target_t target = {
    .ops = boot_init_part_desc, .nops = BOOT_PART_COUNT, .max_ops = 0,
    .create = create, .setup = setup, .run_op = run, .check_op = NULL,
    .check_final = final_check, .reset = reset,
};
FUZZ_TARGET(target)
