/* fuzz_walk.c - independent page-table reader (see fuzz_walk.h). */
#include "fuzz_walk.h"

#include "fuzz_check.h"
#include "fuzz_nosan.h"

#define TABLE_FLAGS (X86_PTE_P | X86_PTE_W | X86_PTE_U)
#define SIGN_BIT ((uint64_t)1 << (X86_VA_BITS - 1u))
#define LOW_MASK (((uint64_t)1 << X86_VA_BITS) - 1u)
#define MAX_TABLES 4096u /* walk refuses more (a cycle or a runaway) */
/* The walks read only the pool (an mmap ASan never poisons), after table()
 * checked the frame is a pool frame in use: ASan's checks there can find
 * nothing and cost a third of a walk. */

x86_pte_t fuzz_expected_pte(vmm_attrs_t attrs, uint64_t size, uint64_t va)
{
    x86_pte_t e = X86_PTE_P;
    bool kernel_half = (va & SIGN_BIT) != 0;
    e |= (attrs & VMM_ATTR_WRITABLE) ? X86_PTE_W : 0;
    e |= (attrs & VMM_ATTR_KERNEL) ? (kernel_half ? X86_PTE_G : 0) : X86_PTE_U;
    e |= (attrs & VMM_ATTR_CACHABLE) ? 0 : X86_PTE_PCD;
    e |= (attrs & VMM_ATTR_EXECUTABLE) ? 0 : X86_PTE_NX;
    e |= size == VMM_SIZE_4K ? 0 : X86_PTE_PS;
    return e;
}

uint64_t fuzz_canonical(uint64_t va)
{
    va &= LOW_MASK;
    return (va & SIGN_BIT) ? va | ~LOW_MASK : va;
}

/* True when [start, end) lies wholly in one canonical half. */
bool fuzz_window_mappable(uint64_t start, uint64_t end)
{
    return end <= FUZZ_CANONICAL_LOW_END || start >= FUZZ_CANONICAL_HIGH_START;
}

/* Returns the table at physical t, checking it is a pool frame in use
 * (frame_pool_is_used, inline: every step of every walk comes here). */
FUZZ_NO_ASAN static const x86_pte_t *table(const frame_pool_t *fp, uint64_t t)
{
    uint64_t i = (t - fp->base) >> VMM_PAGE_SHIFT;
    bool used = t >= fp->base && (t & VMM_PAGE_MASK) == 0 && i < fp->nframes && fp->used[i];
    FUZZ_CHECK(used, "walk-table-frame",
               "a table entry points to 0x%llx, not a table frame in use",
               (unsigned long long)t);
    return (const x86_pte_t *)(const void *)(fp->host + (t - fp->base));
}

/* Returns true when e at level is a leaf. */
static bool leaf_at(x86_pte_t e, int level)
{
    return level == X86_LEVEL_PT || (level <= X86_LEVEL_PDPT && X86_PTE_LARGE(e));
}

#define REGION_SHIFT 21u /* a page table maps 2 MiB */

/* Walks va; remembers the page table it reaches in *cache (may be NULL). */
FUZZ_NO_ASAN static bool walk(const frame_pool_t *fp, uint64_t pml4, uint64_t va, x86_pte_t *leaf,
                         uint64_t *size, fuzz_walk_cache_t *cache)
{
    uint64_t t = pml4;
    for (int level = X86_LEVEL_PML4; level >= X86_LEVEL_PT; level--) {
        const x86_pte_t *tab = table(fp, t);
        if (level == X86_LEVEL_PT && cache) {
            cache->region = va >> REGION_SHIFT;
            cache->pt = tab;
        }
        x86_pte_t e = tab[X86_PX(level, va)];
        if (!X86_PTE_PRESENT(e))
            return false;
        if (leaf_at(e, level)) {
            *leaf = e;
            *size = X86_LEVEL_SIZE(level);
            return true;
        }
        t = X86_PTE_ADDR(e);
    }
    return false;
}

bool fuzz_walk_va(const frame_pool_t *fp, uint64_t pml4, uint64_t va,
                  x86_pte_t *leaf, uint64_t *size)
{
    return walk(fp, pml4, va, leaf, size, NULL);
}

FUZZ_NO_ASAN bool fuzz_walk_va_cached(const frame_pool_t *fp, uint64_t pml4, uint64_t va,
                                 x86_pte_t *leaf, uint64_t *size, fuzz_walk_cache_t *cache)
{
    if (!cache->pt || cache->region != va >> REGION_SHIFT)
        return walk(fp, pml4, va, leaf, size, cache);
    x86_pte_t e = cache->pt[X86_PX(X86_LEVEL_PT, va)];
    if (!X86_PTE_PRESENT(e))
        return false;
    *leaf = e;
    *size = VMM_SIZE_4K;
    return true;
}

typedef struct walk_ctx {
    const frame_pool_t *fp;
    fuzz_leaf_fn fn;
    void *ctx;
    size_t tables;
} walk_ctx_t;

/* Returns true when the 8 entries from e are all zero: the walk skips them
 * at once (most entries of most tables are zero). */
FUZZ_NO_ASAN static inline bool zero8(const x86_pte_t *e)
{
    return (e[0] | e[1] | e[2] | e[3] | e[4] | e[5] | e[6] | e[7]) == 0;
}
_Static_assert(X86_ENTRIES % 8u == 0, "walk_table skips 8 entries at a time");

/* Visits the table t at level covering addresses from base. */
FUZZ_NO_ASAN static void walk_table(walk_ctx_t *w, uint64_t t, int level, uint64_t base)
{
    const x86_pte_t *tab = table(w->fp, t);
    w->tables++;
    FUZZ_CHECK(w->tables <= MAX_TABLES, "walk-table-count", "more than %u tables", MAX_TABLES);
    bool any = false;
    for (unsigned i = 0; i < X86_ENTRIES; i++) {
        if (i % 8u == 0 && zero8(&tab[i])) {
            i += 7u;
            continue;
        }
        x86_pte_t e = tab[i];
        if (e == 0)
            continue;
        FUZZ_CHECK(X86_PTE_PRESENT(e), "walk-stale-entry",
                   "non-zero entry 0x%llx without P at level %d",
                   (unsigned long long)e, level);
        any = true;
        uint64_t va = fuzz_canonical(base + (uint64_t)i * X86_LEVEL_SIZE(level));
        if (leaf_at(e, level)) {
            FUZZ_CHECK(level <= X86_LEVEL_PDPT, "walk-leaf-level", "leaf in the PML4");
            w->fn(w->ctx, va, e, X86_LEVEL_SIZE(level));
            continue;
        }
        FUZZ_CHECK((e & ~X86_PTE_ADDR_MASK) == TABLE_FLAGS, "walk-table-flags",
                   "entry for va 0x%llx at level %d has flags 0x%llx, want P|W|U",
                   (unsigned long long)va, level,
                   (unsigned long long)(e & ~X86_PTE_ADDR_MASK));
        walk_table(w, X86_PTE_ADDR(e), level - 1, va);
    }
    FUZZ_CHECK(any || level == X86_LEVEL_PML4, "walk-empty-table",
               "an empty table at level %d was not freed", level);
}

size_t fuzz_walk_all(const frame_pool_t *fp, uint64_t pml4, fuzz_leaf_fn fn, void *ctx)
{
    walk_ctx_t w = { fp, fn, ctx, 0 };
    walk_table(&w, pml4, X86_LEVEL_PML4, 0);
    /* Tables reached twice would be counted twice: compare with the pool. */
    return w.tables;
}
