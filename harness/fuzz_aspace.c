/*
 * fuzz_aspace.c - fuzz target: address spaces (core/x86_64/aspace.c) over
 * one pinned kernel half, and the table release hook (x86_table_queue_t).
 * Opcodes: fuzz_ops.h (ASPACE_OPS).
 *
 * Up to four address spaces are created and destroyed over kernel tables
 * pinned at setup; each gets a user window from a table (edges of the user
 * half, the whole half, windows the core must refuse), the default mapper
 * or a wrapper without `mappable`, and emptied tables freed at once or
 * queued in one x86_table_queue_t that an op drains. Ops map and unmap user
 * pages through each space's VMM, map kernel pages in the kernel tables,
 * try the kernel half through a space's own tables, switch (CR3), arm an
 * allocator or frame failure at any point, and unmap a user page straight
 * from a space's tables, behind its VMM's back (a caller mistake: the
 * record's free must then fail with VMM_ERR_NOT_MAPPED, changing nothing,
 * and destroy must still return every frame, with no trap).
 *
 * The model is the harness's own: each space's records (sorted), the
 * kernel's pages, and from them the number of table frames each needs
 * (distinct 512 GiB / 1 GiB / 2 MiB regions), so after every op the pool's
 * frames in use must equal kernel tables + every space's PML4, tables and
 * user frames + the queued frames (O(spaces + records)), and the kernel
 * half of every live space whose PML4 the op wrote (created, the kernel
 * half tried, a PDPT added or removed; every space after kmap, kunmap and
 * flush; a space before it is destroyed; all of them at the end) must equal
 * the kernel's (256 entries each). Pages an
 * op touched are walked by the harness's walker (fuzz_walk) in every live
 * space: user pages only in their own, kernel pages in all. A failed op
 * changes nothing. The end of the input walks every user half in full
 * (as a check_all op does; not again over a state one has just seen).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/x86_64/aspace.h"
#include "fail_alloc.h"
#include "fuzz_check.h"
#include "fuzz_data.h"
#include "fuzz_driver.h"
#include "fuzz_nosan.h"
#include "fuzz_walk.h"

#define POOL_FRAMES 1024u
#define POOL_BASE 0x100000ull
#define ARENA_BYTES (256u << 10)
#define MAX_SPACES 4u
#define MAX_RECS 32u              /* records per space in the model       */
#define MAX_KPAGES 32u            /* kernel pages in the model            */
#define MAX_ALLOC 16u             /* pages per alloc op                   */
#define KERNEL_PDPTS 256u         /* pinned: one per kernel-half slot     */
#define KPHYS_BASE 0x40000000ull  /* kernel pages map device memory here  */
#define ATTR_RAW_FLAG 0x80u       /* attrs byte: raw (maybe invalid)      */
#define WIN_INDEX_MASK 0x0Fu      /* create's window byte: table index    */
#define WIN_WRAPPER 0x40u         /*   the wrapper mapper (no mappable)   */
#define WIN_QUEUE 0x80u           /*   emptied tables go to the queue     */
#define TABLE_FLAGS (X86_PTE_P | X86_PTE_W | X86_PTE_U) /* intermediate   */
#define PAGE_BYTES VMM_PAGE_SIZE
#define POISON_STRIDE FRAME_POOL_POISON_STRIDE /* frame_pool poisons a word per 512 B */
#define FRAME_CLEAN 1u   /* fstate: zero but for the pool's poison words   */
#define FRAME_HANDED 2u  /*   handed out since pool_zero last zeroed it    */

/* User windows create picks from: the user half's edges, all of it, a
 * window across a PML4 slot, then windows the core must refuse. */
static const struct window {
    uint64_t start, end;
} windows[] = {
    { X86_USER_START, X86_USER_START + 32u * PAGE_BYTES },
    { 0x400000ull, 0x400000ull + 64u * PAGE_BYTES },
    { X86_USER_END - 16u * PAGE_BYTES, X86_USER_END },
    { X86_USER_START, X86_USER_END },
    { 0x200000ull - 3u * PAGE_BYTES, 0x200000ull + 5u * PAGE_BYTES },
    { 0x8000000000ull - 8u * PAGE_BYTES, 0x8000000000ull + 24u * PAGE_BYTES },
    { 0, 16u * PAGE_BYTES },                                       /* below */
    { X86_USER_END - 16u * PAGE_BYTES, X86_USER_END + PAGE_BYTES }, /* above */
    { 0x400000ull, 0x400000ull },                                  /* empty */
    { 0x400800ull, 0x400800ull + 8u * PAGE_BYTES },                /* misaligned */
    { 0xFFFF800000000000ull, 0xFFFF800000000000ull + 16u * PAGE_BYTES },
};
#define NWINDOWS (sizeof windows / sizeof windows[0])

/* Kernel-half bases of kernel pages (and of the kernel-half probes). */
static const uint64_t kernel_base[] = {
    0xFFFF800000000000ull, X86_KERNEL_BASE, 0xFFFF900000000000ull - 2u * PAGE_BYTES,
};
#define NKBASES (sizeof kernel_base / sizeof kernel_base[0])

typedef struct urec {
    uint64_t va;
    size_t pages;
    vmm_attrs_t attrs;
    uint16_t gone; /* bit k: page k unmapped behind the VMM's back */
} urec_t;
_Static_assert(MAX_ALLOC <= 16u, "urec_t.gone has a bit per page");

typedef struct space {
    x86_aspace_t as;
    fail_alloc_t alloc;  /* this space's records and bitmap nodes          */
    bool live, queued;   /* queued: emptied tables go to the queue         */
    bool wrapper;        /* the wrapper mapper (counts its unmaps)         */
    uint64_t start, end; /* its window                                     */
    urec_t recs[MAX_RECS];
    size_t nrecs;
    size_t unmaps;       /* unmap calls through the wrapper                */
    size_t frames;       /* space_frames of the model, as of the last op
                            that touched the space (check_counts)          */
} space_t;

typedef struct aspace_state {
    frame_pool_t pool;
    fail_frames_t ff;        /* the spaces' frame source (fails on demand) */
    vmm_frames_t raw;        /* the kernel's (never fails)                 */
    x86_paging_t kpt;        /* the pinned kernel tables                   */
    x86_table_queue_t queue;
    size_t queued;           /* the model's count of queued frames         */
    space_t spaces[MAX_SPACES];
    uint64_t kpages[MAX_KPAGES]; /* kernel pages, sorted                   */
    vmm_attrs_t kattrs[MAX_KPAGES];
    size_t nkpages;
    x86_aspace_t scratch;    /* what a refused create must leave alone     */
    vmm_frames_t pool_iface; /* the pool's own frame source (alloc_tracked) */
    uint8_t fstate[POOL_FRAMES]; /* FRAME_* bits of every pool frame       */
    unsigned khalf;          /* spaces whose PML4 the op wrote (bit per
                                space): check_op compares their kernel half */
    unsigned touched;        /* spaces the op named (bit per space), whose
                                frames check_op counts again               */
    bool unchecked;          /* an op that calls the core ran since the
                                last check_all (fail, nops and check_all
                                call none: its verdict stands)             */
} aspace_state_t;

#define ALL_SPACES ((1u << MAX_SPACES) - 1u)

static aspace_state_t *the_state; /* the frame doubles' state (one per process) */

/* ---------------------------------------------------------------- model */

/* The model's reads below (records, kernel pages: arrays inside the state
 * object, indices below their counts) run without ASan: an index past an
 * array lands in the next field, where ASan sees nothing; its checks and
 * stack redzones only cost time. */

/* Returns the number of distinct 2^shift regions sp's sorted records touch. */
FUZZ_NO_ASAN static size_t rec_regions(const space_t *sp, unsigned shift)
{
    size_t count = 0;
    uint64_t last = 0;
    for (size_t i = 0; i < sp->nrecs; i++) {
        uint64_t first = sp->recs[i].va >> shift;
        uint64_t end = (sp->recs[i].va + sp->recs[i].pages * PAGE_BYTES - 1u) >> shift;
        count += (size_t)(end - first) + 1u - (i > 0 && first == last);
        last = end;
    }
    return count;
}

/* Returns the number of distinct 2^shift regions the sorted kernel pages
 * touch. */
FUZZ_NO_ASAN static size_t kpage_regions(const aspace_state_t *s, unsigned shift)
{
    size_t count = 0;
    for (size_t i = 0; i < s->nkpages; i++)
        count += i == 0 || s->kpages[i] >> shift != s->kpages[i - 1u] >> shift;
    return count;
}

/* Returns the table frames the model says sp's user half needs below its
 * PML4: a PDPT per 512 GiB, a PD per 1 GiB, a PT per 2 MiB region used. */
static size_t user_tables(const space_t *sp)
{
    return rec_regions(sp, 39) + rec_regions(sp, 30) + rec_regions(sp, 21);
}

/* Returns the PDPTs the model says sp's user half has: one per 512 GiB
 * region used (the PML4 user slots in use). */
static size_t user_pdpts(const space_t *sp) { return rec_regions(sp, 39); }

/* Returns the user pages the model has in sp. */
FUZZ_NO_ASAN static size_t user_pages(const space_t *sp)
{
    size_t n = 0;
    for (size_t i = 0; i < sp->nrecs; i++)
        n += sp->recs[i].pages;
    return n;
}

/* Returns the user pages the model has mapped in sp: its pages but those
 * unmapped behind the VMM's back (their frames are still the VMM's). */
FUZZ_NO_ASAN static size_t user_leaves(const space_t *sp)
{
    size_t n = 0;
    for (size_t i = 0; i < sp->nrecs; i++)
        n += sp->recs[i].pages - (size_t)__builtin_popcount(sp->recs[i].gone);
    return n;
}

/* Returns true when page va of record r was unmapped behind the VMM's back. */
static bool page_gone(const urec_t *r, uint64_t va)
{
    return (r->gone >> ((va - r->va) / PAGE_BYTES) & 1u) != 0;
}

/* Returns the kernel's table frames: PML4, pinned PDPTs, a PD per 1 GiB and
 * a PT per 2 MiB region of its pages. */
static size_t kernel_tables(const aspace_state_t *s)
{
    return 1u + KERNEL_PDPTS + kpage_regions(s, 30) + kpage_regions(s, 21);
}

/* Returns every frame a live space holds: PML4, tables, user frames. */
static size_t space_frames(const space_t *sp)
{
    return 1u + user_tables(sp) + user_pages(sp);
}

/* Returns the record of sp holding va, or NULL. */
FUZZ_NO_ASAN static const urec_t *rec_at(const space_t *sp, uint64_t va)
{
    for (size_t i = 0; i < sp->nrecs; i++)
        if (va >= sp->recs[i].va && va - sp->recs[i].va < sp->recs[i].pages * PAGE_BYTES)
            return &sp->recs[i];
    return NULL;
}

/* Returns true when sp's window has a free run of pages pages. */
static bool has_run(const space_t *sp, size_t pages)
{
    uint64_t at = sp->start, want = pages * PAGE_BYTES;
    for (size_t i = 0; i <= sp->nrecs; i++) {
        uint64_t next = i < sp->nrecs ? sp->recs[i].va : sp->end;
        if (next - at >= want)
            return true;
        if (i < sp->nrecs)
            at = sp->recs[i].va + sp->recs[i].pages * PAGE_BYTES;
    }
    return false;
}

/* Inserts a record into sp's sorted list. */
static void rec_insert(space_t *sp, urec_t r)
{
    FUZZ_CHECK(sp->nrecs < MAX_RECS, "aspace-model", "model full");
    size_t i = sp->nrecs;
    while (i > 0 && sp->recs[i - 1u].va > r.va) {
        sp->recs[i] = sp->recs[i - 1u];
        i--;
    }
    sp->recs[i] = r;
    sp->nrecs++;
}

/* Returns the index of kernel page va, or nkpages. */
FUZZ_NO_ASAN static size_t kpage_index(const aspace_state_t *s, uint64_t va)
{
    for (size_t i = 0; i < s->nkpages; i++)
        if (s->kpages[i] == va)
            return i;
    return s->nkpages;
}

/* ---------------------------------------------------------------- checks */


/* Returns true when entries a[0, n) equal b[0, n). Run after every op on
 * every live space's kernel half (2 KiB): without ASan's memcmp interceptor
 * (it checked both ranges' shadow, 9% of the target's time) and the
 * sanitizers' per-word checks, which could find nothing here: both are
 * table frames in the pool's mmap, which ASan never poisons. */
FUZZ_NO_SAN static bool same_entries(const x86_pte_t *a, const x86_pte_t *b, size_t n)
{
    x86_pte_t d0 = 0, d1 = 0, d2 = 0, d3 = 0; /* n % 4 == 0: four chains */
    for (size_t i = 0; i + 3u < n; i += 4u) {
        d0 |= a[i] ^ b[i];
        d1 |= a[i + 1u] ^ b[i + 1u];
        d2 |= a[i + 2u] ^ b[i + 2u];
        d3 |= a[i + 3u] ^ b[i + 3u];
    }
    return (d0 | d1 | d2 | d3) == 0;
}
_Static_assert(KERNEL_PDPTS % 4u == 0, "same_entries compares 4 at a time");

/* Returns true when the n bytes at p are all v (the harness's own object,
 * whole: read without the sanitizers' per-byte checks). */
FUZZ_NO_SAN static bool all_bytes(const void *p, size_t n, uint8_t v)
{
    const uint8_t *b = p;
    uint64_t want = (uint64_t)v * 0x0101010101010101ull, diff = 0;
    size_t i = 0;
    for (; i + 8u <= n; i += 8u) { /* a word at a time (memcpy: any alignment) */
        uint64_t w;
        memcpy(&w, b + i, sizeof w);
        diff |= w ^ want;
    }
    for (; i < n; i++)
        diff |= (uint8_t)(b[i] ^ v);
    return diff == 0;
}

/* Checks that the kernel half of live space sp's PML4 equals the kernel's
 * (k: the kernel's PML4). */
static void check_kernel_half(aspace_state_t *s, const space_t *sp, const x86_pte_t *k)
{
    const x86_pte_t *u = frame_pool_host(&s->pool, x86_aspace_cr3(&sp->as));
    FUZZ_CHECK(same_entries(u + X86_KERNEL_HALF_SLOT, k + X86_KERNEL_HALF_SLOT, KERNEL_PDPTS),
               "aspace-kernel-half", "space %u's kernel half differs from the kernel's",
               (unsigned)(sp - s->spaces));
}

/* Frames in use == the model's count; every dead space's allocator empty;
 * the kernel half of every live space in khalf (bit per space) == the
 * kernel's. A space's model changes only in ops that touch it (mask): the
 * others' frame counts are those computed last. O(spaces + records and 256
 * entries per space in khalf). */
static void check_counts(aspace_state_t *s, unsigned mask, unsigned khalf)
{
    size_t want = kernel_tables(s) + s->queued;
    const x86_pte_t *k = frame_pool_host(&s->pool, s->kpt.pml4);
    for (unsigned i = 0; i < MAX_SPACES; i++) {
        space_t *sp = &s->spaces[i];
        if (!sp->live) {
            FUZZ_CHECK(sp->alloc.live == 0, "aspace-alloc-leak",
                       "dead space %u holds %zu blocks", i, sp->alloc.live);
            continue;
        }
        if (!(mask & (1u << i))) {
            want += sp->frames; /* its model did not change */
            continue;
        }
        want += sp->frames = space_frames(sp);
        if (khalf & (1u << i))
            check_kernel_half(s, sp, k);
    }
    FUZZ_CHECK(frame_pool_in_use(&s->pool) == want, "aspace-frames",
               "%zu frames in use, model %zu (kernel %zu, queued %zu)",
               frame_pool_in_use(&s->pool), want, kernel_tables(s), s->queued);
}

/* Checks that va in live space sp walks (harness walker) to the model's
 * answer: a user record page (own flags, a frame in use; zeroed when fresh:
 * just handed out by the op, and nothing writes a user frame after), a
 * kernel page, or nothing. Without ASan, as the model's reads: the walked
 * tables and the frame bytes lie in the pool's mmap, which ASan never
 * poisons. */
FUZZ_NO_ASAN static void check_page(aspace_state_t *s, const space_t *sp, uint64_t va,
                                    bool fresh, fuzz_walk_cache_t *cache)
{
    if (!X86_CANONICAL(va))
        return;
    x86_pte_t leaf = 0;
    uint64_t size = 0;
    uint64_t cr3 = x86_aspace_cr3(&sp->as);
    bool mapped = cache ? fuzz_walk_va_cached(&s->pool, cr3, va, &leaf, &size, cache)
                        : fuzz_walk_va(&s->pool, cr3, va, &leaf, &size);
    const urec_t *r = va < X86_USER_END ? rec_at(sp, va) : NULL;
    size_t k = va >= X86_USER_END ? kpage_index(s, va & ~(uint64_t)(PAGE_BYTES - 1u))
                                  : s->nkpages;
    bool want = (r != NULL && !page_gone(r, va)) || k < s->nkpages;
    FUZZ_CHECK(mapped == want, "aspace-mapped", "va 0x%llx is %smapped, the model says %s",
               (unsigned long long)va, mapped ? "" : "not ", want ? "mapped" : "not mapped");
    if (!mapped)
        return;
    vmm_attrs_t attrs = r ? r->attrs : s->kattrs[k];
    FUZZ_CHECK(size == VMM_SIZE_4K && (leaf & ~X86_PTE_ADDR_MASK) == fuzz_expected_pte(attrs, size, va),
               "aspace-leaf", "va 0x%llx: entry 0x%llx, attrs 0x%x", (unsigned long long)va,
               (unsigned long long)leaf, attrs);
    uint64_t phys = X86_PTE_ADDR(leaf);
    if (r) {
        FUZZ_CHECK(frame_pool_is_used(&s->pool, phys), "aspace-user-frame",
                   "va 0x%llx maps 0x%llx, not a frame in use", (unsigned long long)va,
                   (unsigned long long)phys);
        const uint8_t *b = frame_pool_host(&s->pool, phys);
        for (size_t off = 0; fresh && off < PAGE_BYTES; off += POISON_STRIDE)
            FUZZ_CHECK(b[off] == 0, "aspace-zero", "va 0x%llx: byte %zu not zeroed",
                       (unsigned long long)va, off);
    } else {
        FUZZ_CHECK(phys == KPHYS_BASE + (s->kpages[k] >> 12 & 0xFFFFu) * PAGE_BYTES,
                   "aspace-kernel-frame", "va 0x%llx maps 0x%llx", (unsigned long long)va,
                   (unsigned long long)phys);
    }
}

/* Checks va in live space sp (no page in it is fresh). */
static void check_va(aspace_state_t *s, const space_t *sp, uint64_t va)
{
    check_page(s, sp, va, false, NULL);
}

/* Checks va (and its neighbours) in every live space. */
static void check_everywhere(aspace_state_t *s, uint64_t va)
{
    for (unsigned i = 0; i < MAX_SPACES; i++) {
        if (!s->spaces[i].live)
            continue;
        check_va(s, &s->spaces[i], va);
        check_va(s, &s->spaces[i], va - PAGE_BYTES);
        check_va(s, &s->spaces[i], va + PAGE_BYTES);
    }
}

/* Checks the pages of [va, va + pages) and the page either side in every
 * live space (pages > 0; each page walked once: pages + 2 walks a space,
 * from the PML4 only on entering a 2 MiB region);
 * the run's pages are fresh in space fresh (NULL: none). */
static void check_run(aspace_state_t *s, uint64_t va, size_t pages, const space_t *fresh)
{
    for (unsigned i = 0; i < MAX_SPACES && pages > 0; i++) {
        if (!s->spaces[i].live)
            continue;
        fuzz_walk_cache_t cache = { 0 }; /* the tables stay as they are */
        for (size_t p = 0; p < pages + 2u; p++)
            check_page(s, &s->spaces[i], va + (p - 1u) * PAGE_BYTES,
                       &s->spaces[i] == fresh && p >= 1u && p <= pages, &cache);
    }
}

/* At an index i that is a multiple of 8, true when tab[i .. i + 7] are all
 * zero (no present entry among them), and then i moves to the block's last
 * entry: the walk's loop skips the block. */
#define SKIP_ZERO8(tab, i) ((i) % 8u == 0 && zero8(&(tab)[i]) && ((i) += 7u, true))

/* Returns true when the 8 entries from e are all zero. */
FUZZ_NO_ASAN static inline bool zero8(const x86_pte_t *e)
{
    return (e[0] | e[1] | e[2] | e[3] | e[4] | e[5] | e[6] | e[7]) == 0;
}

/* Walks sp's whole user half (PML4 slots 0-255): intermediate entries
 * exact, no empty table, no large page, every leaf a model page. Returns
 * the tables below the PML4 and counts the leaves in *leaves. It reads only
 * table frames in the pool (an mmap ASan never poisons): without ASan's
 * check of every entry, as fuzz_walk.c's walks. */
FUZZ_NO_ASAN static size_t walk_user(aspace_state_t *s, const space_t *sp, size_t *leaves)
{
    size_t tables = 0;
    const x86_pte_t *l4 = frame_pool_host(&s->pool, x86_aspace_cr3(&sp->as));
    *leaves = 0;
    for (unsigned a = 0; a < X86_KERNEL_HALF_SLOT; a++) {
        if (SKIP_ZERO8(l4, a))
            continue;
        if (!X86_PTE_PRESENT(l4[a]))
            continue;
        const x86_pte_t *l3 = frame_pool_host(&s->pool, X86_PTE_ADDR(l4[a]));
        for (unsigned b = 0; b < X86_ENTRIES; b++) {
            if (SKIP_ZERO8(l3, b))
                continue;
            if (!X86_PTE_PRESENT(l3[b]))
                continue;
            const x86_pte_t *l2 = frame_pool_host(&s->pool, X86_PTE_ADDR(l3[b]));
            for (unsigned c = 0; c < X86_ENTRIES; c++) {
                if (SKIP_ZERO8(l2, c))
                    continue;
                if (!X86_PTE_PRESENT(l2[c]))
                    continue;
                FUZZ_CHECK((l2[c] & ~X86_PTE_ADDR_MASK) == TABLE_FLAGS, "aspace-walk",
                           "PD entry 0x%llx", (unsigned long long)l2[c]);
                const x86_pte_t *l1 = frame_pool_host(&s->pool, X86_PTE_ADDR(l2[c]));
                size_t here = 0;
                for (unsigned d = 0; d < X86_ENTRIES; d++) {
                    if (SKIP_ZERO8(l1, d))
                        continue;
                    if (!X86_PTE_PRESENT(l1[d]))
                        continue;
                    uint64_t va = ((uint64_t)a << 39) | ((uint64_t)b << 30) |
                                  ((uint64_t)c << 21) | ((uint64_t)d << 12);
                    const urec_t *r = rec_at(sp, va);
                    FUZZ_CHECK(r && !page_gone(r, va) && (l1[d] & ~X86_PTE_ADDR_MASK) ==
                                        fuzz_expected_pte(r->attrs, VMM_SIZE_4K, va),
                               "aspace-stray-leaf", "va 0x%llx: entry 0x%llx, model %s",
                               (unsigned long long)va, (unsigned long long)l1[d],
                               r ? "other flags" : "nothing");
                    here++;
                }
                FUZZ_CHECK(here > 0, "aspace-empty-table", "empty page table kept");
                *leaves += here;
                tables++;
            }
            FUZZ_CHECK((l3[b] & ~X86_PTE_ADDR_MASK) == TABLE_FLAGS, "aspace-walk",
                       "PDPT entry 0x%llx", (unsigned long long)l3[b]);
            tables++;
        }
        FUZZ_CHECK((l4[a] & ~X86_PTE_ADDR_MASK) == TABLE_FLAGS, "aspace-walk",
                   "PML4 entry 0x%llx", (unsigned long long)l4[a]);
        tables++;
    }
    return tables;
}

/* The full check: every live space walked against its model. */
static void check_all(aspace_state_t *s)
{
    s->unchecked = false;
    check_counts(s, ALL_SPACES, ALL_SPACES);
    for (unsigned i = 0; i < MAX_SPACES; i++) {
        space_t *sp = &s->spaces[i];
        if (!sp->live)
            continue;
        size_t leaves;
        size_t tables = walk_user(s, sp, &leaves);
        FUZZ_CHECK(tables == user_tables(sp) && leaves == user_leaves(sp), "aspace-walk-all",
                   "space %u: %zu tables %zu leaves, model %zu tables %zu pages", i, tables,
                   leaves, user_tables(sp), user_leaves(sp));
        FUZZ_CHECK(vmm_index_check(&sp->as.vmm) && sp->as.vmm.tree.count == sp->nrecs,
                   "aspace-tree", "space %u: record tree broken or %zu records, model %zu", i,
                   sp->as.vmm.tree.count, sp->nrecs);
    }
}

/* ---------------------------------------------------------------- doubles */

/* Returns the fstate of the pool frame at phys, or NULL outside the pool. */
static uint8_t *fstate_of(aspace_state_t *s, uint64_t phys)
{
    if (!frame_pool_owns(&s->pool, phys))
        return NULL;
    return &s->fstate[(phys - POOL_BASE) / PAGE_BYTES];
}

/* frames.zero of the spaces' frame source: zeroes pool frames. Lazily: a
 * frame zeroed here and not handed out since (it went back after serving
 * as a user page, which nothing writes) holds only the poison words the
 * pool wrote when it handed the frame out again: those are cleared, the
 * rest is already zero. Any other frame (a table: written by the core,
 * never zeroed here) is zeroed whole. */
static void pool_zero(void *ctx, uint64_t phys, size_t count)
{
    aspace_state_t *s = the_state;
    (void)ctx;
    for (size_t i = 0; i < count; i++, phys += PAGE_BYTES) {
        uint8_t *st = fstate_of(s, phys), *b = frame_pool_host(&s->pool, phys);
        if (st && (*st & FRAME_CLEAN))
            frame_pool_unpoison(&s->pool, phys, 1); /* all it holds besides zeros */
        else
            memset(b, 0, PAGE_BYTES);
        if (st)
            *st = FRAME_CLEAN;
    }
}

/* frames.alloc of every frame source (the kernel's, the spaces'): the
 * pool's, noting each frame handed out. A frame handed out twice without a
 * pool_zero between was used as something else (a table) and may hold
 * anything: it is no longer clean. */
static vmm_status_t alloc_tracked(void *ctx, size_t count, size_t align, uint64_t *phys)
{
    aspace_state_t *s = the_state;
    (void)ctx; /* the pool's */
    vmm_status_t st = s->pool_iface.alloc(s->pool_iface.ctx, count, align, phys);
    if (st != VMM_OK)
        return st;
    for (size_t i = 0; i < count; i++) {
        uint8_t *f = fstate_of(s, *phys + i * PAGE_BYTES);
        if (f)
            *f = (*f & FRAME_HANDED) ? FRAME_HANDED : (uint8_t)(*f | FRAME_HANDED);
    }
    return VMM_OK;
}

/* The wrapper mapper (ctx: the space): the space's own tables, counting
 * unmaps, with no `mappable` (every window page is mappable). */
static vmm_status_t wrap_map(void *ctx, uint64_t virt, uint64_t phys, uint64_t len,
                             uint64_t page_size, vmm_attrs_t attrs)
{
    space_t *sp = ctx;
    return x86_map(&sp->as.pt, virt, phys, len, page_size, attrs);
}
static vmm_status_t wrap_unmap(void *ctx, uint64_t virt, uint64_t len, uint64_t page_size)
{
    space_t *sp = ctx;
    sp->unmaps++;
    return x86_unmap(&sp->as.pt, virt, len, page_size);
}
static vmm_status_t wrap_query(void *ctx, uint64_t virt, uint64_t *phys, vmm_attrs_t *attrs,
                               uint64_t *page_size)
{
    space_t *sp = ctx;
    vmm_mapper_t m = x86_paging_mapper(&sp->as.pt);
    return m.query(m.ctx, virt, phys, attrs, page_size);
}

/* Returns the configuration of space sp with window byte w. */
static x86_aspace_config_t config_of(aspace_state_t *s, space_t *sp, uint8_t w)
{
    const struct window *win = &windows[(w & WIN_INDEX_MASK) % NWINDOWS];
    x86_aspace_config_t cfg = {
        .kernel = &s->kpt, .frames = fail_frames_iface(&s->ff),
        .allocator = fail_alloc_iface(&sp->alloc),
        .user_start = win->start, .user_end = win->end,
    };
    if (w & WIN_QUEUE)
        cfg.release = x86_table_queue_release(&s->queue);
    if (w & WIN_WRAPPER)
        cfg.mapper = (vmm_mapper_t){ .map = wrap_map, .unmap = wrap_unmap,
                                     .query = wrap_query, .ctx = sp };
    return cfg;
}

/* Returns the status create must give for a window (the model's rule). */
static vmm_status_t window_status(uint64_t start, uint64_t end)
{
    if (start < X86_USER_START || end > X86_USER_END)
        return VMM_ERR_OUT_OF_BOUNDS;
    if (start >= end)
        return VMM_ERR_INVALID_VIRT;
    if ((start | end) & (PAGE_BYTES - 1u))
        return VMM_ERR_MISALIGNED;
    return VMM_OK;
}

/* ---------------------------------------------------------------- ops */

/* Returns the space of a slot byte. */
static space_t *space_of(aspace_state_t *s, uint8_t v) { return &s->spaces[v % MAX_SPACES]; }

/* Returns the bit of space sp in the touched and khalf masks. */
static unsigned bit_of(const aspace_state_t *s, const space_t *sp)
{
    return 1u << (unsigned)(sp - s->spaces);
}

/* Returns the space of a slot byte, noted as touched by the op: its frames
 * are counted again after the op. The kernel's own ops (kmap, kunmap,
 * flush) touch every space and compare every kernel half; the end of the
 * input compares them all. */
static space_t *touch_space(aspace_state_t *s, uint8_t v)
{
    s->touched |= 1u << (v % MAX_SPACES);
    return space_of(s, v);
}

static void op_create(aspace_state_t *s, fuzz_data_t *fd)
{
    space_t *sp = touch_space(s, fd_u8(fd));
    uint8_t w = fd_u8(fd);
    if (sp->live) {
        TRACE("create: space %u is live", (unsigned)(sp - s->spaces));
        return;
    }
    x86_aspace_config_t cfg = config_of(s, sp, w);
    size_t in_use = frame_pool_in_use(&s->pool), failures = s->ff.failures;
    vmm_status_t want = window_status(cfg.user_start, cfg.user_end);
    sp->unmaps = 0;
    memset(&sp->as, 0x5A, sizeof sp->as); /* a failed create keeps it (aspace.h) */
    vmm_status_t st = x86_aspace_create(&sp->as, &cfg);
    TRACE("create(space %u, [0x%llx, 0x%llx), %s mapper, %s) -> %s",
          (unsigned)(sp - s->spaces), (unsigned long long)cfg.user_start,
          (unsigned long long)cfg.user_end, (w & WIN_WRAPPER) ? "wrapper" : "own",
          (w & WIN_QUEUE) ? "queue" : "free at once", fuzz_status(st));
    /* the PML4 frame is taken before vmm_init judges the window */
    if (!(st == VMM_ERR_OUT_OF_FRAMES && want != VMM_ERR_OUT_OF_BOUNDS &&
          s->ff.failures != failures))
        FUZZ_CHECK_STATUS(st, want, "aspace-create");
    if (st != VMM_OK) {
        FUZZ_CHECK(frame_pool_in_use(&s->pool) == in_use && sp->alloc.live == 0,
                   "aspace-create-undo", "failed create kept %zu frames, %zu blocks",
                   frame_pool_in_use(&s->pool) - in_use, sp->alloc.live);
        FUZZ_CHECK(all_bytes(&sp->as, sizeof sp->as, 0x5A), "aspace-create-undo",
                   "failed create changed *as");
        /* the space stays dead: zeroed storage, which a later destroy of it
         * leaves alone (garbage would be destroyed as tables) */
        memset(&sp->as, 0, sizeof sp->as);
        return;
    }
    sp->live = true;
    s->khalf |= bit_of(s, sp);
    sp->queued = (w & WIN_QUEUE) != 0;
    sp->wrapper = (w & WIN_WRAPPER) != 0;
    sp->start = cfg.user_start;
    sp->end = cfg.user_end;
    sp->nrecs = 0;
    const x86_pte_t *u = frame_pool_host(&s->pool, x86_aspace_cr3(&sp->as));
    for (unsigned i = 0; i < X86_KERNEL_HALF_SLOT; i++)
        FUZZ_CHECK(u[i] == 0, "aspace-create-user-half", "fresh space has PML4 entry %u", i);
    for (size_t k = 0; k < s->nkpages; k++)
        check_va(s, sp, s->kpages[k]);
}

/* A create with one bad argument (kind % 14; 11-13: x86_paging_init, which
 * create calls, with a NULL pt, frames or frames.alloc): INVALID_ARGUMENT,
 * nothing written, nothing kept. */
static void op_create_bad(aspace_state_t *s, fuzz_data_t *fd)
{
    space_t *sp = touch_space(s, fd_u8(fd));
    unsigned kind = fd_u8(fd) % 14u;
    x86_aspace_config_t cfg = config_of(s, sp, 0);
    x86_paging_t kernel = s->kpt;
    x86_aspace_t *as = &s->scratch;
    switch (kind) {
    case 0: as = NULL; break;
    case 1: break;
    case 2: cfg.kernel = NULL; break;
    case 3: kernel.flags &= ~X86_PAGING_KERNEL_HALF_PINNED; cfg.kernel = &kernel; break;
    case 4: kernel.table_frames = 0; cfg.kernel = &kernel; break;
    case 5: cfg.frames.alloc = NULL; break;
    case 6: cfg.frames.free = NULL; break;
    case 7: cfg.allocator.alloc = NULL; break;
    case 8: cfg.allocator.free = NULL; break;
    case 9: cfg.mapper = (vmm_mapper_t){ .map = wrap_map, .query = wrap_query, .ctx = sp }; break;
    case 10: cfg.mapper = (vmm_mapper_t){ .map = wrap_map, .unmap = wrap_unmap, .ctx = sp }; break;
    default: cfg.frames.alloc = kind == 13 ? NULL : cfg.frames.alloc; break;
    }
    memset(&s->scratch, 0x5A, sizeof s->scratch);
    size_t in_use = frame_pool_in_use(&s->pool), live = sp->alloc.live;
    vmm_status_t st = kind < 11 ? x86_aspace_create(as, kind == 1 ? NULL : &cfg)
                                : x86_paging_init(kind == 11 ? NULL : &s->scratch.pt,
                                                  kind == 12 ? NULL : &cfg.frames, 0);
    TRACE("create_bad(kind %u) -> %s", kind, fuzz_status(st));
    FUZZ_CHECK_STATUS(st, VMM_ERR_INVALID_ARGUMENT, "aspace-create-bad");
    FUZZ_CHECK(frame_pool_in_use(&s->pool) == in_use && sp->alloc.live == live,
               "aspace-create-bad", "refused create kept frames");
    FUZZ_CHECK(all_bytes(&s->scratch, sizeof s->scratch, 0x5A), "aspace-create-bad",
               "refused create wrote *as");
}

static void op_destroy(aspace_state_t *s, fuzz_data_t *fd)
{
    space_t *sp = touch_space(s, fd_u8(fd));
    size_t in_use = frame_pool_in_use(&s->pool);
    size_t gone = sp->live ? space_frames(sp) : 0;
    if (sp->live) /* its last chance: check_op skips dead spaces */
        check_kernel_half(s, sp, frame_pool_host(&s->pool, s->kpt.pml4));
    x86_aspace_destroy(&sp->as);
    x86_aspace_destroy(NULL);
    TRACE("destroy(space %u, %s) -> %zu frames back", (unsigned)(sp - s->spaces),
          sp->live ? "live" : "dead", in_use - frame_pool_in_use(&s->pool));
    FUZZ_CHECK(in_use - frame_pool_in_use(&s->pool) == gone && sp->alloc.live == 0,
               "aspace-destroy", "%zu frames back (model %zu), %zu blocks left",
               in_use - frame_pool_in_use(&s->pool), gone, sp->alloc.live);
    uint64_t old_first = sp->nrecs ? sp->recs[0].va : 0;
    size_t old_pages = sp->nrecs ? sp->recs[0].pages : 0;
    sp->live = false;
    sp->nrecs = 0;
    check_run(s, old_first, old_pages, NULL);
}

static void op_alloc(aspace_state_t *s, fuzz_data_t *fd)
{
    space_t *sp = touch_space(s, fd_u8(fd));
    size_t pages = 1u + fd_u8(fd) % MAX_ALLOC;
    uint8_t a = fd_u8(fd);
    vmm_attrs_t attrs = (a & ATTR_RAW_FLAG) ? (vmm_attrs_t)(a & ~ATTR_RAW_FLAG) : (a & VMM_ATTR_ALL);
    if (!sp->live || sp->nrecs == MAX_RECS)
        return;
    size_t in_use = frame_pool_in_use(&s->pool), live = sp->alloc.live;
    size_t ffail = s->ff.failures, afail = sp->alloc.failures;
    uint64_t va = 0;
    vmm_status_t st = vmm_alloc(&sp->as.vmm, pages, attrs, &va);
    TRACE("alloc(space %u, %zu pages, attrs 0x%x) -> %s 0x%llx", (unsigned)(sp - s->spaces),
          pages, attrs, fuzz_status(st), (unsigned long long)va);
    vmm_status_t want = (attrs & ~VMM_ATTR_ALL) ? VMM_ERR_INVALID_ARGUMENT
                        : !has_run(sp, pages) ? VMM_ERR_NO_SPACE : VMM_OK;
    bool frames_short = s->ff.failures != ffail ||
                        frame_pool_in_use(&s->pool) + pages + 4u > s->pool.nframes;
    if (!(want == VMM_OK && ((st == VMM_ERR_OUT_OF_FRAMES && frames_short) ||
                             (st == VMM_ERR_OUT_OF_MEMORY && sp->alloc.failures != afail))))
        FUZZ_CHECK_STATUS(st, want, "aspace-alloc");
    if (st != VMM_OK) {
        /* The undo unmaps what was mapped: tables it empties go to the
         * hook, so a queue may hold them (at most 2 PTs, PDs and PDPTs:
         * a run of at most 16 pages touches two of each). */
        size_t kept = frame_pool_in_use(&s->pool) - in_use;
        FUZZ_CHECK(sp->alloc.live == live && (kept == 0 || (sp->queued && kept <= 6u)),
                   "aspace-alloc-undo", "failed alloc kept %zu frames, %zu blocks", kept,
                   sp->alloc.live - live);
        s->queued += kept;
        return;
    }
    FUZZ_CHECK(va >= sp->start && va <= sp->end - pages * PAGE_BYTES && !(va & (PAGE_BYTES - 1u)),
               "aspace-alloc-place", "0x%llx outside the window", (unsigned long long)va);
    for (size_t i = 0; i < sp->nrecs; i++)
        FUZZ_CHECK(va + pages * PAGE_BYTES <= sp->recs[i].va ||
                       va >= sp->recs[i].va + sp->recs[i].pages * PAGE_BYTES,
                   "aspace-alloc-place", "0x%llx overlaps a record", (unsigned long long)va);
    size_t pdpts = user_pdpts(sp);
    rec_insert(sp, (urec_t){ va, pages, attrs, 0 });
    if (user_pdpts(sp) != pdpts) /* a PML4 entry written */
        s->khalf |= bit_of(s, sp);
    check_run(s, va, pages, sp);
}

static void op_free(aspace_state_t *s, fuzz_data_t *fd)
{
    space_t *sp = touch_space(s, fd_u8(fd));
    uint8_t idx = fd_u8(fd);
    if (!sp->live || sp->nrecs == 0)
        return;
    size_t i = idx % sp->nrecs;
    urec_t r = sp->recs[i];
    size_t tables = user_tables(sp), live = sp->alloc.live, unmaps = sp->unmaps;
    size_t in_use = frame_pool_in_use(&s->pool), afail = sp->alloc.failures;
    vmm_status_t st = vmm_free(&sp->as.vmm, r.va);
    TRACE("free(space %u, 0x%llx, %zu pages) -> %s", (unsigned)(sp - s->spaces),
          (unsigned long long)r.va, r.pages, fuzz_status(st));
    if (st == VMM_ERR_OUT_OF_MEMORY && sp->alloc.failures != afail) {
        FUZZ_CHECK(frame_pool_in_use(&s->pool) == in_use && sp->alloc.live == live,
                   "aspace-free-undo", "failed free changed frames or blocks");
        return;
    }
    if (r.gone != 0) { /* a page unmapped behind its back: refused, nothing changed */
        FUZZ_CHECK_STATUS(st, VMM_ERR_NOT_MAPPED, "aspace-free-gone");
        FUZZ_CHECK(frame_pool_in_use(&s->pool) == in_use && sp->alloc.live == live &&
                       user_tables(sp) == tables,
                   "aspace-free-gone", "refused free changed frames or blocks");
        check_run(s, r.va, r.pages, NULL);
        return;
    }
    FUZZ_CHECK_STATUS(st, VMM_OK, "aspace-free");
    size_t pdpts = user_pdpts(sp);
    memmove(&sp->recs[i], &sp->recs[i + 1u], (sp->nrecs - i - 1u) * sizeof sp->recs[0]);
    sp->nrecs--;
    if (user_pdpts(sp) != pdpts) /* a PML4 entry cleared */
        s->khalf |= bit_of(s, sp);
    if (sp->queued)
        s->queued += tables - user_tables(sp);
    FUZZ_CHECK(!sp->wrapper || sp->unmaps > unmaps, "aspace-free-unmap",
               "free unmapped nothing through the space's mapper");
    check_run(s, r.va, r.pages, NULL);
}

/* Unmaps page (% pages) of a record (% records) straight from the space's
 * tables, behind its VMM's back: only a page whose 2 MiB region keeps
 * another mapped page of the record, so no table empties and the model's
 * table count stands. The frame stays the VMM's (in use) until destroy. */
static void op_unmap_behind(aspace_state_t *s, fuzz_data_t *fd)
{
    space_t *sp = touch_space(s, fd_u8(fd));
    uint8_t idx = fd_u8(fd), page = fd_u8(fd);
    if (!sp->live || sp->nrecs == 0)
        return;
    urec_t *r = &sp->recs[idx % sp->nrecs];
    size_t k = page % r->pages;
    uint64_t va = r->va + k * PAGE_BYTES;
    bool kept = false;
    for (size_t j = 0; j < r->pages; j++)
        kept |= j != k && !(r->gone >> j & 1u) && (r->va + j * PAGE_BYTES) >> 21 == va >> 21;
    if (!kept || page_gone(r, va)) {
        TRACE("unmap_behind(space %u, 0x%llx): would empty a table or gone already",
              (unsigned)(sp - s->spaces), (unsigned long long)va);
        return;
    }
    size_t in_use = frame_pool_in_use(&s->pool);
    vmm_status_t st = x86_unmap(&sp->as.pt, va, PAGE_BYTES, VMM_SIZE_4K);
    TRACE("unmap_behind(space %u, 0x%llx) -> %s", (unsigned)(sp - s->spaces),
          (unsigned long long)va, fuzz_status(st));
    FUZZ_CHECK_STATUS(st, VMM_OK, "aspace-unmap-behind");
    FUZZ_CHECK(frame_pool_in_use(&s->pool) == in_use, "aspace-unmap-behind",
               "unmapping a page beside a mapped one freed %zu frames",
               in_use - frame_pool_in_use(&s->pool));
    r->gone = (uint16_t)(r->gone | 1u << k);
    check_run(s, va, 1, NULL);
}

/* Switches to a live space: its CR3 is its own PML4 (a frame in use, no
 * other space's), and a walk from it sees the space's pages and the
 * kernel's. */
static void op_switch(aspace_state_t *s, fuzz_data_t *fd)
{
    space_t *sp = touch_space(s, fd_u8(fd));
    FUZZ_CHECK(x86_aspace_cr3(NULL) == 0, "aspace-cr3", "cr3 of NULL is not 0");
    if (!sp->live)
        return;
    uint64_t cr3 = x86_aspace_cr3(&sp->as);
    TRACE("switch(space %u) cr3 0x%llx", (unsigned)(sp - s->spaces), (unsigned long long)cr3);
    FUZZ_CHECK(!(cr3 & ~X86_CR3_ADDR_MASK) && frame_pool_is_used(&s->pool, cr3) &&
                   cr3 != s->kpt.pml4,
               "aspace-cr3", "cr3 0x%llx is not a PML4 of its own", (unsigned long long)cr3);
    for (unsigned i = 0; i < MAX_SPACES; i++)
        FUZZ_CHECK(&s->spaces[i] == sp || !s->spaces[i].live ||
                       x86_aspace_cr3(&s->spaces[i].as) != cr3,
                   "aspace-cr3", "two spaces share cr3 0x%llx", (unsigned long long)cr3);
    for (size_t i = 0; i < sp->nrecs; i++)
        check_va(s, sp, sp->recs[i].va);
    for (size_t k = 0; k < s->nkpages; k++)
        check_va(s, sp, s->kpages[k]);
}

/* Returns the kernel-half address of a region byte and a page number. */
static uint64_t kernel_va(uint8_t region, uint16_t page)
{
    return kernel_base[region % NKBASES] + (uint64_t)page * PAGE_BYTES;
}

static void op_kmap(aspace_state_t *s, fuzz_data_t *fd)
{
    uint64_t va = kernel_va(fd_u8(fd), fd_u16(fd));
    vmm_attrs_t attrs = (fd_u8(fd) & VMM_ATTR_ALL) | VMM_ATTR_KERNEL;
    if (s->nkpages == MAX_KPAGES)
        return;
    uint64_t phys = KPHYS_BASE + (va >> 12 & 0xFFFFu) * PAGE_BYTES; /* as check_va */
    vmm_status_t st = x86_map(&s->kpt, va, phys, PAGE_BYTES, PAGE_BYTES, attrs);
    TRACE("kmap(0x%llx -> 0x%llx, attrs 0x%x) -> %s", (unsigned long long)va,
          (unsigned long long)phys, attrs, fuzz_status(st));
    size_t k = kpage_index(s, va);
    bool full = frame_pool_in_use(&s->pool) + 3u > s->pool.nframes;
    if (!(st == VMM_ERR_OUT_OF_FRAMES && full))
        FUZZ_CHECK_STATUS(st, k < s->nkpages ? VMM_ERR_ALREADY_MAPPED : VMM_OK, "aspace-kmap");
    if (st != VMM_OK)
        return;
    size_t i = s->nkpages++;
    while (i > 0 && s->kpages[i - 1u] > va) {
        s->kpages[i] = s->kpages[i - 1u];
        s->kattrs[i] = s->kattrs[i - 1u];
        i--;
    }
    s->kpages[i] = va;
    s->kattrs[i] = attrs;
    check_everywhere(s, va);
}

static void op_kunmap(aspace_state_t *s, fuzz_data_t *fd)
{
    uint8_t idx = fd_u8(fd);
    if (s->nkpages == 0)
        return;
    size_t k = idx % s->nkpages;
    uint64_t va = s->kpages[k];
    vmm_status_t st = x86_unmap(&s->kpt, va, PAGE_BYTES, PAGE_BYTES);
    TRACE("kunmap(0x%llx) -> %s", (unsigned long long)va, fuzz_status(st));
    FUZZ_CHECK_STATUS(st, VMM_OK, "aspace-kunmap");
    s->nkpages--;
    memmove(&s->kpages[k], &s->kpages[k + 1u], (s->nkpages - k) * sizeof s->kpages[0]);
    memmove(&s->kattrs[k], &s->kattrs[k + 1u], (s->nkpages - k) * sizeof s->kattrs[0]);
    check_everywhere(s, va);
}

/* The kernel half through a space's own tables (kind % 3: map, unmap,
 * mappable): always VMM_ERR_OUT_OF_BOUNDS, nothing changed; the mapper's
 * `mappable` accepts the space's window. */
static void op_kernel_via_space(aspace_state_t *s, fuzz_data_t *fd)
{
    space_t *sp = touch_space(s, fd_u8(fd));
    unsigned kind = fd_u8(fd) % 3u;
    uint64_t va = kernel_va(fd_u8(fd), fd_u16(fd));
    s->khalf |= bit_of(s, sp);
    if (!sp->live) {
        /* a space never created or destroyed holds no tables: refused */
        uint64_t user = windows[0].start;
        vmm_status_t st = kind == 0 ? x86_map(&sp->as.pt, user, KPHYS_BASE, PAGE_BYTES,
                                              PAGE_BYTES, VMM_ATTR_WRITABLE)
                                    : x86_unmap(&sp->as.pt, user, PAGE_BYTES, PAGE_BYTES);
        TRACE("kernel_via_space(space %u dead, %s) -> %s", (unsigned)(sp - s->spaces),
              kind == 0 ? "map" : "unmap", fuzz_status(st));
        FUZZ_CHECK_STATUS(st, VMM_ERR_INVALID_ARGUMENT, "aspace-dead-space");
        return;
    }
    vmm_mapper_t m = x86_paging_mapper(&sp->as.pt);
    vmm_status_t st;
    if (kind == 0)
        st = x86_map(&sp->as.pt, va, KPHYS_BASE, PAGE_BYTES, PAGE_BYTES, VMM_ATTR_WRITABLE);
    else if (kind == 1)
        st = x86_unmap(&sp->as.pt, va, PAGE_BYTES, PAGE_BYTES);
    else
        st = m.mappable(m.ctx, va, PAGE_BYTES);
    TRACE("kernel_via_space(space %u, %s 0x%llx) -> %s", (unsigned)(sp - s->spaces),
          kind == 0 ? "map" : kind == 1 ? "unmap" : "mappable", (unsigned long long)va,
          fuzz_status(st));
    FUZZ_CHECK_STATUS(st, VMM_ERR_OUT_OF_BOUNDS, "aspace-kernel-via-space");
    if (kind == 2)
        FUZZ_CHECK_STATUS(m.mappable(m.ctx, sp->start, sp->end - sp->start), VMM_OK,
                          "aspace-mappable-window");
    check_everywhere(s, va);
}

/* Drains the queue: exactly the frames the model queued go back. */
static void op_flush(aspace_state_t *s)
{
    size_t in_use = frame_pool_in_use(&s->pool);
    size_t n = x86_table_queue_flush(&s->queue);
    TRACE("flush -> %zu frames (model %zu)", n, s->queued);
    FUZZ_CHECK(n == s->queued && in_use - frame_pool_in_use(&s->pool) == n,
               "aspace-flush", "flushed %zu, %zu back, model %zu", n,
               in_use - frame_pool_in_use(&s->pool), s->queued);
    FUZZ_CHECK(x86_table_queue_flush(NULL) == 0 && x86_table_queue_release(NULL).release == NULL,
               "aspace-flush", "NULL queue");
    s->queued = 0;
}

static void op_fail(aspace_state_t *s, fuzz_data_t *fd)
{
    uint8_t which = fd_u8(fd);
    space_t *sp = space_of(s, fd_u8(fd));
    uint8_t n = fd_u8(fd);
    TRACE("fail: %s call %u from now fails", which & 1u ? "frame" : "allocator", n + 1u);
    if (which & 1u)
        s->ff.countdown = n;
    else
        sp->alloc.countdown = n;
}

static void run_op(void *state, fuzz_data_t *fd, unsigned op)
{
    aspace_state_t *s = state;
    s->unchecked |= op < ASPACE_OP_COUNT && op != ASPACE_OP_FAIL && op != ASPACE_OP_CHECK_ALL;
    switch (op) {
    case ASPACE_OP_CREATE: op_create(s, fd); break;
    case ASPACE_OP_DESTROY: op_destroy(s, fd); break;
    case ASPACE_OP_ALLOC: op_alloc(s, fd); break;
    case ASPACE_OP_FREE: op_free(s, fd); break;
    case ASPACE_OP_SWITCH: op_switch(s, fd); break;
    case ASPACE_OP_KMAP: s->touched = s->khalf = ALL_SPACES; op_kmap(s, fd); break;
    case ASPACE_OP_KUNMAP: s->touched = s->khalf = ALL_SPACES; op_kunmap(s, fd); break;
    case ASPACE_OP_KERNEL_VIA_SPACE: op_kernel_via_space(s, fd); break;
    case ASPACE_OP_FLUSH: s->touched = s->khalf = ALL_SPACES; op_flush(s); break;
    case ASPACE_OP_FAIL: op_fail(s, fd); break;
    case ASPACE_OP_CREATE_BAD: op_create_bad(s, fd); break;
    case ASPACE_OP_UNMAP_BEHIND: op_unmap_behind(s, fd); break;
    case ASPACE_OP_CHECK_ALL:
        if (s->unchecked) /* (nothing ran since the last one: the same check) */
            check_all(s);
        break;
    default: TRACE("nop (opcode %u)", op); break;
    }
}

/* ---------------------------------------------------------------- hooks */

static void *create(void)
{
    aspace_state_t *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    the_state = s;
    frame_pool_create(&s->pool, POOL_BASE, POOL_FRAMES);
    s->pool_iface = frame_pool_frames(&s->pool);
    s->raw = s->pool_iface; /* same ctx: free, claim, in_use are the pool's */
    s->raw.alloc = alloc_tracked;
    vmm_frames_t inner = s->raw;
    inner.zero = pool_zero;
    fail_frames_init(&s->ff, &inner);
    s->ff.fail_on = FAIL_FRAMES_ALLOC;
    for (unsigned i = 0; i < MAX_SPACES; i++) {
        fail_alloc_init(&s->spaces[i].alloc);
        fail_alloc_use_arena(&s->spaces[i].alloc, ARENA_BYTES);
    }
    /* The kernel's tables, pinned once per process (257 frames kept by the
     * pool across inputs: building them per input was 3/4 of the time). */
    vmm_status_t st = x86_paging_init(&s->kpt, &s->raw, frame_pool_offset(&s->pool));
    FUZZ_CHECK_STATUS(st, VMM_OK, "aspace-kernel-init");
    st = x86_paging_pin_kernel_half(&s->kpt);
    FUZZ_CHECK_STATUS(st, VMM_OK, "aspace-kernel-pin");
    FUZZ_CHECK(s->kpt.table_frames == 1u + KERNEL_PDPTS && frame_pool_keep(&s->pool),
               "aspace-kernel-pin", "pinned kernel holds %zu table frames", s->kpt.table_frames);
    return s;
}

/* Config: u8 frame failure, u8 allocator failure (every space's). */
static bool setup(void *state, fuzz_data_t *fd)
{
    aspace_state_t *s = state;
    uint8_t ffail = fd_u8(fd), afail = fd_u8(fd);
    s->nkpages = 0;
    s->queued = 0;
    fail_frames_reset(&s->ff);
    x86_table_queue_init(&s->queue, &s->ff.inner, frame_pool_offset(&s->pool));
    for (unsigned i = 0; i < MAX_SPACES; i++) {
        s->spaces[i].live = false;
        s->spaces[i].nrecs = 0;
        memset(&s->spaces[i].as, 0, sizeof s->spaces[i].as);
        s->spaces[i].alloc.countdown = fuzz_fail_countdown(afail);
    }
    s->ff.countdown = fuzz_fail_countdown(ffail);
    TRACE("config: frame alloc %d fails, allocator call %d fails", ffail ? (int)ffail : -1,
          afail ? (int)afail : -1);
    s->touched = s->khalf = 0;
    s->unchecked = true;
    check_counts(s, ALL_SPACES, ALL_SPACES);
    return true;
}

/* After every op: the counts, the kernel halves of the spaces it touched. */
static void check_op(void *state)
{
    aspace_state_t *s = state;
    check_counts(s, s->touched, s->khalf);
    s->touched = s->khalf = 0;
}
/* The whole state at the end, unless a check_all saw it as it is. */
static void final_check(void *state)
{
    aspace_state_t *s = state;
    if (s->unchecked)
        check_all(s);
}

/* Destroys every space, drains the queue, unmaps the kernel's pages: the
 * pool is as created (the pinned kernel tables kept). */
static void reset(void *state)
{
    aspace_state_t *s = state;
    s->ff.countdown = -1;
    for (unsigned i = 0; i < MAX_SPACES; i++) {
        space_t *sp = &s->spaces[i];
        sp->alloc.countdown = -1;
        if (sp->live)
            x86_aspace_destroy(&sp->as);
        FUZZ_CHECK(sp->alloc.live == 0, "aspace-destroy", "space %u left %zu blocks", i,
                   sp->alloc.live);
        sp->live = false;
        fail_alloc_reset(&sp->alloc);
    }
    x86_table_queue_flush(&s->queue);
    for (size_t k = 0; k < s->nkpages; k++)
        FUZZ_CHECK_STATUS(x86_unmap(&s->kpt, s->kpages[k], PAGE_BYTES, PAGE_BYTES), VMM_OK,
                          "aspace-kunmap");
    s->nkpages = 0;
    FUZZ_CHECK(frame_pool_reset(&s->pool), "aspace-leak", "%zu frames leaked",
               frame_pool_in_use(&s->pool));
}

static const fuzz_target_t target = {
    .ops = aspace_op_desc, .nops = ASPACE_OP_COUNT, .max_ops = FUZZ_MAX_OPS,
    .create = create, .setup = setup, .run_op = run_op, .check_op = check_op,
    .check_final = final_check, .reset = reset,
};
FUZZ_TARGET(target)
