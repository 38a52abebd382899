/*
 * paging.c - x86_64 four-level page tables (see paging.h for the contract).
 *
 * A map runs in three phases so that it is all-or-nothing without undo:
 *  1. check: walk every page of the request (skipping whole regions under a
 *     non-present entry), report conflicts and count the missing tables;
 *  2. reserve: allocate that many table frames, chained through their first
 *     word (no heap needed); on failure return them all;
 *  3. install: descend again, taking tables from the chain; cannot fail.
 * An unmap checks every page first (one walk per leaf table), then clears
 * the entries of each leaf table in one loop and tests that table (and its
 * parents) for emptiness once, scanning outward from the cleared entries;
 * an emptied table is unlinked, then released (pt->release, else freed).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vmm_assert.h"
#include "core/x86_64/paging.h"

/* Flags of a non-leaf entry: permissive, the leaf decides. */
#define TABLE_FLAGS (X86_PTE_P | X86_PTE_W | X86_PTE_U)
/* End of the chain of reserved table frames. */
#define CHAIN_END UINT64_MAX

/* Returns the level whose entries map page_size (0 for 4K, 1 for 2M, 2 for
 * 1G), or -1 for any other size. */
static int leaf_level(uint64_t page_size)
{
    if (page_size == VMM_SIZE_4K)
        return X86_LEVEL_PT;
    if (page_size == VMM_SIZE_2M)
        return X86_LEVEL_PD;
    if (page_size == VMM_SIZE_1G)
        return X86_LEVEL_PDPT;
    return -1;
}

/* Returns the table at physical address phys as seen by the core. */
static x86_pte_t *table_at(const x86_paging_t *pt, uint64_t phys)
{
    return (x86_pte_t *)(uintptr_t)(phys + pt->access_offset);
}

/* Returns true when entry e at level is a leaf (maps a page). */
static bool is_leaf(x86_pte_t e, int level)
{
    return level == X86_LEVEL_PT ||
           (level <= X86_LEVEL_PDPT && X86_PTE_LARGE(e));
}

/* Entries per block of a table scan: a block is tested with one OR. */
#define SCAN_BLOCK 8u
#define SCAN_BLOCKS (X86_ENTRIES / SCAN_BLOCK)
_Static_assert(X86_KERNEL_HALF_SLOT % SCAN_BLOCK == 0, "the kernel half starts a block");

typedef struct table_block {
    x86_pte_t e[SCAN_BLOCK];
} table_block_t;

/* A whole table as one object: assigning it zeroes the table in one block
 * operation (memset), not 512 single stores; scans read it block by block. */
typedef struct table_image {
    table_block_t block[SCAN_BLOCKS];
} table_image_t;
_Static_assert(sizeof(table_image_t) == X86_ENTRIES * sizeof(x86_pte_t), "one table");

/* Returns the table at phys as blocks. */
static table_image_t *image_at(const x86_paging_t *pt, uint64_t phys)
{
    return (table_image_t *)table_at(pt, phys);
}

/* Zeroes the table frame at phys (entry by entry: a compound literal of
 * the whole table put a 4 KiB temporary on the stack at -O0). */
static void table_zero(const x86_paging_t *pt, uint64_t phys)
{
    x86_pte_t *t = table_at(pt, phys);
    for (unsigned i = 0; i < X86_ENTRIES; i++)
        t[i] = 0;
}

/* Returns the OR of the entries of block blk (zero when none of them is
 * present or holds anything). */
static x86_pte_t block_bits(const table_block_t *blk)
{
    return blk->e[0] | blk->e[1] | blk->e[2] | blk->e[3] | blk->e[4] | blk->e[5] |
           blk->e[6] | blk->e[7];
}

/* The PS bits that make an entry at level a leaf (none in the PML4). */
#define LEAF_PS(level) ((level) == X86_LEVEL_PML4 ? 0 : X86_PTE_PS)
/* Bit 0 set when entry e, whose PS bits that count are ps, points to a
 * table: P set and PS (bit 7, shifted down to bit 0) clear. */
#define TABLE_BIT(e, ps) ((e) & ~(((e) & (ps)) >> 7) & X86_PTE_P)
_Static_assert(X86_PTE_PS >> 7 == X86_PTE_P, "TABLE_BIT shifts PS onto P");

/* Returns true when entry e at level points to a table: present, not a
 * large page, not in a page table (whose entries are all leaves). */
static bool is_table(x86_pte_t e, int level)
{
    return level != X86_LEVEL_PT && TABLE_BIT(e, LEAF_PS(level)) != 0;
}

/* Returns non-zero when an entry of block blk of a level-`level` table
 * points to a table (never in a page table). */
static x86_pte_t block_tables(const table_block_t *blk, int level)
{
    if (level == X86_LEVEL_PT)
        return 0;
    x86_pte_t ps = LEAF_PS(level);
    return TABLE_BIT(blk->e[0], ps) | TABLE_BIT(blk->e[1], ps) | TABLE_BIT(blk->e[2], ps) |
           TABLE_BIT(blk->e[3], ps) | TABLE_BIT(blk->e[4], ps) | TABLE_BIT(blk->e[5], ps) |
           TABLE_BIT(blk->e[6], ps) | TABLE_BIT(blk->e[7], ps);
}

/* Returns true when pt holds tables (initialised and not destroyed). */
static bool has_tables(const x86_paging_t *pt)
{
    return pt != NULL && pt->table_frames != 0;
}

/* Returns true when virt lies in a kernel half that pt borrows. */
static bool in_borrowed_half(const x86_paging_t *pt, uint64_t virt)
{
    return pt != NULL && (pt->flags & X86_PAGING_KERNEL_HALF_BORROWED) &&
           X86_PX(X86_LEVEL_PML4, virt) >= X86_KERNEL_HALF_SLOT;
}

/* Returns true when the table at path level `level` (a PDPT under a pinned
 * kernel-half PML4 slot) must never be freed. */
static bool pinned_table(const x86_paging_t *pt, uint64_t va, int level)
{
    return level == X86_LEVEL_PDPT && (pt->flags & X86_PAGING_KERNEL_HALF_PINNED) &&
           X86_PX(X86_LEVEL_PML4, va) >= X86_KERNEL_HALF_SLOT;
}

/* Hands the emptied, unlinked table frame at phys to pt's release hook, or
 * to the frame source when there is none. */
static void table_release(x86_paging_t *pt, uint64_t phys)
{
    VMM_ASSERT(pt->table_frames > 1);
    pt->table_frames--;
    if (pt->release.release != NULL) {
        pt->release.release(pt->release.ctx, phys);
        return;
    }
    vmm_status_t st = pt->frames.free(pt->frames.ctx, phys, 1);
    VMM_ASSERT(st == VMM_OK);
}

/* Returns VMM_OK when [virt, virt + len) is a valid request range for pages
 * of page_size, else the first of paging.h's errors for it (in its order:
 * INVALID_ARGUMENT, MISALIGNED, then x86_range_mappable's OVERFLOW and
 * NON_CANONICAL). */
static vmm_status_t check_virt_range(uint64_t virt, uint64_t len,
                                     uint64_t page_size)
{
    if (leaf_level(page_size) < 0 || len == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if ((virt | len) & (page_size - 1u))
        return VMM_ERR_MISALIGNED;
    return x86_range_mappable(virt, len);
}

/* Returns VMM_OK when a map request is valid (arguments only, not state). */
static vmm_status_t check_map_args(uint64_t virt, uint64_t phys, uint64_t len,
                                   uint64_t page_size, vmm_attrs_t attrs)
{
    if (attrs & ~VMM_ATTR_ALL)
        return VMM_ERR_INVALID_ARGUMENT;
    vmm_status_t st = check_virt_range(virt, len, page_size);
    if (st != VMM_OK)
        return st;
    if (phys & (page_size - 1u))
        return VMM_ERR_MISALIGNED;
    if (phys >= X86_PHYS_MAX || len > X86_PHYS_MAX - phys)
        return VMM_ERR_INVALID_PHYS;
    return VMM_OK;
}

/* Returns the number of level-`level` tables (each covering one entry of
 * level + 1) that the pages [first, last] touch. */
static uint64_t tables_touched(uint64_t first, uint64_t last, int level)
{
    unsigned shift = X86_PX_SHIFT(level + 1);
    return (last >> shift) - (first >> shift) + 1u;
}

/* Phase 1 of a map: returns VMM_OK and the number of missing tables in
 * *needed, or VMM_ERR_ALREADY_MAPPED / VMM_ERR_LARGE_PAGE_CONFLICT. */
static vmm_status_t map_check(const x86_paging_t *pt, uint64_t virt,
                              uint64_t pages, uint64_t page_size, int leaf,
                              uint64_t *needed)
{
    uint64_t count = 0;
    uint64_t i = 0;
    while (i < pages) {
        uint64_t va = virt + i * page_size;
        uint64_t table = pt->pml4;
        int level = X86_LEVEL_PML4;
        for (;;) {
            x86_pte_t e = table_at(pt, table)[X86_PX(level, va)];
            if (!X86_PTE_PRESENT(e))
                break;
            if (level == leaf)
                return is_leaf(e, level) ? VMM_ERR_ALREADY_MAPPED
                                         : VMM_ERR_LARGE_PAGE_CONFLICT;
            if (is_leaf(e, level))
                return VMM_ERR_LARGE_PAGE_CONFLICT;
            table = X86_PTE_ADDR(e);
            level--;
        }
        /* Every page of the region under this empty entry is free. */
        uint64_t region = X86_LEVEL_SIZE(level);
        uint64_t run = (region - (va & (region - 1u))) / page_size;
        if (run > pages - i)
            run = pages - i;
        uint64_t last = va + (run - 1u) * page_size;
        for (int k = leaf; k < level; k++)
            count += tables_touched(va, last, k);
        i += run;
    }
    *needed = count;
    return VMM_OK;
}

/* Returns the frames of the chain at head to the frame source. */
static void chain_free(x86_paging_t *pt, uint64_t head)
{
    while (head != CHAIN_END) {
        uint64_t next = table_at(pt, head)[0];
        vmm_status_t st = pt->frames.free(pt->frames.ctx, head, 1);
        VMM_ASSERT(st == VMM_OK);
        head = next;
    }
}

/* Phase 2 of a map: allocates n table frames chained through their first
 * word into *head. On failure returns the frame source's error with every
 * frame given back. */
static vmm_status_t chain_alloc(x86_paging_t *pt, uint64_t n, uint64_t *head)
{
    uint64_t chain = CHAIN_END;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t phys;
        vmm_status_t st = pt->frames.alloc(pt->frames.ctx, 1, 1, &phys);
        if (st != VMM_OK) {
            chain_free(pt, chain);
            return st;
        }
        table_at(pt, phys)[0] = chain;
        chain = phys;
    }
    *head = chain;
    return VMM_OK;
}

/* Returns the table below entry *e, creating it from the chain when the
 * entry is not present. */
static uint64_t next_table(x86_paging_t *pt, x86_pte_t *e, uint64_t *chain)
{
    if (X86_PTE_PRESENT(*e))
        return X86_PTE_ADDR(*e);
    uint64_t phys = *chain;
    VMM_ASSERT(phys != CHAIN_END);
    *chain = table_at(pt, phys)[0];
    table_zero(pt, phys);
    *e = (phys & X86_PTE_ADDR_MASK) | TABLE_FLAGS;
    pt->table_frames++;
    return phys;
}

/* Returns how many of the `pages` pages of level `leaf` from va lie in the
 * same level-`leaf` table as va (at least 1). Shifts, not divisions: this runs
 * on every map and unmap. */
static uint64_t pages_in_table(uint64_t va, uint64_t pages, int leaf)
{
    uint64_t region = X86_LEVEL_SIZE(leaf + 1);
    uint64_t run = (region - (va & (region - 1u))) >> X86_PX_SHIFT(leaf);
    return run < pages ? run : pages;
}

/* Writes the n leaves from index first of table t (all zero), mapping
 * consecutive pages of page_size from phys with flags. */
static void fill_leaves(x86_pte_t *t, unsigned first, uint64_t n,
                        uint64_t phys, uint64_t page_size, x86_pte_t flags)
{
    VMM_ASSERT(n >= 1 && n <= X86_ENTRIES - first && !(phys & (page_size - 1u)));
    for (unsigned i = 0; i < (unsigned)n; i++) {
        x86_pte_t *e = &t[first + i];
        VMM_ASSERT(*e == 0);
        *e = ((phys + i * page_size) & X86_PTE_ADDR_MASK) | flags;
    }
}

/* Phase 3 of a map: writes every leaf, one leaf table's run at a time,
 * creating tables from the chain. */
static void map_install(x86_paging_t *pt, uint64_t virt, uint64_t phys,
                        uint64_t pages, uint64_t page_size, int leaf,
                        x86_pte_t flags, uint64_t *chain)
{
    uint64_t done = 0;
    while (done < pages) {
        uint64_t va = virt + done * page_size;
        uint64_t table = pt->pml4;
        for (int level = X86_LEVEL_PML4; level > leaf; level--)
            table = next_table(pt, &table_at(pt, table)[X86_PX(level, va)],
                               chain);
        uint64_t run = pages_in_table(va, pages - done, leaf);
        fill_leaves(table_at(pt, table), X86_PX(leaf, va), run,
                    phys + done * page_size, page_size, flags);
        done += run;
    }
}

/* Returns the leaf flags of attrs at page_size for a mapping at virt:
 * x86_attrs_to_pte's, without G below the kernel half. A global entry
 * survives a CR3 switch, so a user-half page (kernel-only ones included)
 * would outlive the switch away from its address space. */
static x86_pte_t leaf_flags(uint64_t virt, vmm_attrs_t attrs, uint64_t page_size)
{
    x86_pte_t e = x86_attrs_to_pte(attrs, page_size);
    return X86_PX(X86_LEVEL_PML4, virt) >= X86_KERNEL_HALF_SLOT ? e : e & ~X86_PTE_G;
}

/* Runs `call`, a vmm_status_t expression, as a public entry that may
 * change the tables pt and returns its status: VMM_ERR_BUSY instead, with
 * nothing changed, while another runs on them (X86_PAGING_BUSY: a callback
 * re-entered). A NULL pt goes through to `call`. */
#define PAGING_GUARDED(pt, call)                        \
    do {                                                \
        x86_paging_t *guarded_ = (pt);                  \
        if (guarded_ != NULL) {                         \
            if (guarded_->flags & X86_PAGING_BUSY)      \
                return VMM_ERR_BUSY;                    \
            guarded_->flags |= X86_PAGING_BUSY;         \
        }                                               \
        vmm_status_t guarded_st_ = (call);              \
        if (guarded_ != NULL)                           \
            guarded_->flags &= ~X86_PAGING_BUSY;        \
        return guarded_st_;                             \
    } while (0)

/* Returns VMM_OK and maps the request (x86_map without the guard). */
static vmm_status_t map_pages(x86_paging_t *pt, uint64_t virt, uint64_t phys,
                              uint64_t len, uint64_t page_size, vmm_attrs_t attrs)
{
    if (!has_tables(pt))
        return VMM_ERR_INVALID_ARGUMENT;
    vmm_status_t st = check_map_args(virt, phys, len, page_size, attrs);
    if (st != VMM_OK)
        return st;
    if (in_borrowed_half(pt, virt))
        return VMM_ERR_OUT_OF_BOUNDS;
    int leaf = leaf_level(page_size);
    uint64_t pages = len / page_size;
    uint64_t needed = 0;
    st = map_check(pt, virt, pages, page_size, leaf, &needed);
    if (st != VMM_OK)
        return st;
    uint64_t chain = CHAIN_END;
    st = chain_alloc(pt, needed, &chain);
    if (st != VMM_OK)
        return st;
    map_install(pt, virt, phys, pages, page_size, leaf,
                leaf_flags(virt, attrs, page_size), &chain);
    VMM_ASSERT(chain == CHAIN_END);
    return VMM_OK;
}

/* Walks from the PML4 to the level-`leaf` table holding va's entry, storing
 * the table of each level in path[level]. Returns VMM_OK, else
 * VMM_ERR_NOT_MAPPED (an entry on the way is not present) or
 * VMM_ERR_LARGE_PAGE_CONFLICT (a larger page covers va). */
static vmm_status_t leaf_table_path(const x86_paging_t *pt, uint64_t va,
                                    int leaf, uint64_t path[X86_LEVELS])
{
    path[X86_LEVEL_PML4] = pt->pml4;
    for (int level = X86_LEVEL_PML4; level > leaf; level--) {
        x86_pte_t e = table_at(pt, path[level])[X86_PX(level, va)];
        if (!X86_PTE_PRESENT(e))
            return VMM_ERR_NOT_MAPPED;
        if (is_leaf(e, level))
            return VMM_ERR_LARGE_PAGE_CONFLICT;
        path[level - 1] = X86_PTE_ADDR(e);
    }
    return VMM_OK;
}

/* Returns VMM_OK when the n entries from index first of the level-`leaf`
 * table t all map pages of that level, else, for the first that does not,
 * VMM_ERR_NOT_MAPPED or VMM_ERR_LARGE_PAGE_CONFLICT (it points to a table of
 * smaller pages). */
static vmm_status_t check_leaves(const x86_pte_t *t, unsigned first,
                                 uint64_t n, int leaf)
{
    for (uint64_t i = 0; i < n; i++) {
        x86_pte_t e = t[first + i];
        if (!X86_PTE_PRESENT(e))
            return VMM_ERR_NOT_MAPPED;
        if (!is_leaf(e, leaf))
            return VMM_ERR_LARGE_PAGE_CONFLICT;
    }
    return VMM_OK;
}

/* Returns VMM_OK when every page of the unmap request is mapped with
 * page_size, else VMM_ERR_NOT_MAPPED / VMM_ERR_LARGE_PAGE_CONFLICT for the
 * first page that is not. Walks once per leaf table; on success path holds
 * the tables of the request's last leaf table. */
static vmm_status_t unmap_check(const x86_paging_t *pt, uint64_t virt,
                                uint64_t pages, uint64_t page_size, int leaf,
                                uint64_t path[X86_LEVELS])
{
    uint64_t va = virt;
    while (pages > 0) {
        uint64_t run = pages_in_table(va, pages, leaf);
        vmm_status_t st = leaf_table_path(pt, va, leaf, path);
        if (st == VMM_OK)
            st = check_leaves(table_at(pt, path[leaf]), X86_PX(leaf, va), run,
                              leaf);
        if (st != VMM_OK)
            return st;
        va += run * page_size;
        pages -= run;
    }
    return VMM_OK;
}

/* Returns true when table t has no non-zero entry outside [first, first + n)
 * (n >= 1; those are known to be zero). Tests a block of SCAN_BLOCK entries
 * at a time: the blocks holding the range's ends, then outward, nearest
 * first, stopping at the first block with a non-zero entry. The blocks
 * between the ends lie inside the range. */
static bool table_empty_around(const table_image_t *t, unsigned first, unsigned n)
{
    unsigned lo = first / SCAN_BLOCK;
    unsigned hi = (first + n - 1u) / SCAN_BLOCK;
    if ((block_bits(&t->block[lo]) | block_bits(&t->block[hi])) != 0)
        return false;
    hi++;
    while (lo > 0 || hi < SCAN_BLOCKS) {
        if (hi < SCAN_BLOCKS && block_bits(&t->block[hi++]) != 0)
            return false;
        if (lo > 0 && block_bits(&t->block[--lo]) != 0)
            return false;
    }
    return true;
}

/* Releases the tables on va's path (path[level] = table at level) that are
 * empty, from the leaf table up, each unlinked from its parent first;
 * entries [first, first + n) of the leaf table are known to be zero. The
 * PML4 and pinned kernel-half PDPTs are never released, nor anything while
 * pt is torn down (x86_paging_destroy frees it all). */
static void prune_path(x86_paging_t *pt, uint64_t va,
                       const uint64_t path[X86_LEVELS], int leaf,
                       unsigned first, unsigned n)
{
    if (pt->flags & X86_PAGING_TEARDOWN)
        return;
    for (int level = leaf; level < X86_LEVEL_PML4; level++) {
        if (pinned_table(pt, va, level) ||
            !table_empty_around(image_at(pt, path[level]), first, n))
            return;
        first = X86_PX(level + 1, va);
        n = 1;
        table_at(pt, path[level + 1])[first] = 0;
        table_release(pt, path[level]);
    }
}

/* Clears the run pages from va, all in the leaf table path[leaf], then frees
 * the tables of the path that became empty. Cannot fail (the check phase saw
 * every entry present; traps if one is not). The per-entry test also keeps
 * compilers from turning the loop into a costly `rep stos` for short runs. */
static void unmap_run(x86_paging_t *pt, uint64_t va, uint64_t run, int leaf,
                      const uint64_t path[X86_LEVELS])
{
    x86_pte_t *t = table_at(pt, path[leaf]);
    unsigned first = X86_PX(leaf, va);
    VMM_ASSERT(run >= 1 && run <= X86_ENTRIES - first);
    for (unsigned i = first; i < first + (unsigned)run; i++) {
        VMM_ASSERT(X86_PTE_PRESENT(t[i]));
        t[i] = 0;
    }
    prune_path(pt, va, path, leaf, first, (unsigned)run);
}

/* Clears the checked request one leaf table at a time; path holds the tables
 * unmap_check saw last, reused when the request lies in one leaf table, else
 * walked again per table. Cannot fail. */
static void unmap_clear(x86_paging_t *pt, uint64_t virt, uint64_t pages,
                        uint64_t page_size, int leaf, uint64_t path[X86_LEVELS])
{
    bool one_table = pages_in_table(virt, pages, leaf) == pages;
    uint64_t va = virt;
    while (pages > 0) {
        uint64_t run = pages_in_table(va, pages, leaf);
        if (!one_table) {
            vmm_status_t st = leaf_table_path(pt, va, leaf, path);
            VMM_ASSERT(st == VMM_OK);
        }
        unmap_run(pt, va, run, leaf, path);
        va += run * page_size;
        pages -= run;
    }
}

/* Maps the request under the guard; see paging.h. */
vmm_status_t x86_map(x86_paging_t *pt, uint64_t virt, uint64_t phys,
                     uint64_t len, uint64_t page_size, vmm_attrs_t attrs)
{
    if (pt != NULL && pt->table_frames != 0 && (pt->flags & X86_PAGING_TEARDOWN))
        return VMM_ERR_BUSY; /* tables being torn down: nothing new in them */
    PAGING_GUARDED(pt, map_pages(pt, virt, phys, len, page_size, attrs));
}

/* Returns VMM_OK and unmaps the request (x86_unmap without the guard).
 * Checks every page, then clears one leaf table's run of entries at a
 * time. */
static vmm_status_t unmap_pages(x86_paging_t *pt, uint64_t virt, uint64_t len,
                                uint64_t page_size)
{
    if (!has_tables(pt))
        return VMM_ERR_INVALID_ARGUMENT;
    vmm_status_t st = check_virt_range(virt, len, page_size);
    if (st != VMM_OK)
        return st;
    if (in_borrowed_half(pt, virt))
        return VMM_ERR_OUT_OF_BOUNDS;
    int leaf = leaf_level(page_size);
    uint64_t pages = len >> X86_PX_SHIFT(leaf);
    uint64_t path[X86_LEVELS];
    st = unmap_check(pt, virt, pages, page_size, leaf, path);
    if (st != VMM_OK)
        return st;
    unmap_clear(pt, virt, pages, page_size, leaf, path);
    return VMM_OK;
}

/* Unmaps the request under the guard; see paging.h. */
vmm_status_t x86_unmap(x86_paging_t *pt, uint64_t virt, uint64_t len,
                       uint64_t page_size)
{
    PAGING_GUARDED(pt, unmap_pages(pt, virt, len, page_size));
}

/* Returns VMM_OK and fills *out for virt; see paging.h. */
vmm_status_t x86_translate(const x86_paging_t *pt, uint64_t virt,
                           x86_walk_t *out)
{
    if (!has_tables(pt) || out == NULL)
        return VMM_ERR_INVALID_ARGUMENT;
    x86_walk_t w = { .writable = false };
    if (!X86_CANONICAL(virt)) {
        *out = w;
        return VMM_ERR_NON_CANONICAL;
    }
    w.writable = w.user = w.executable = true;
    uint64_t table = pt->pml4;
    for (int level = X86_LEVEL_PML4; level >= X86_LEVEL_PT; level--) {
        x86_pte_t e = table_at(pt, table)[X86_PX(level, virt)];
        w.entries[X86_LEVEL_PML4 - level] = e;
        if (!X86_PTE_PRESENT(e))
            break;
        w.writable = w.writable && (e & X86_PTE_W) != 0;
        w.user = w.user && (e & X86_PTE_U) != 0;
        w.executable = w.executable && (e & X86_PTE_NX) == 0;
        if (is_leaf(e, level)) {
            uint64_t size = X86_LEVEL_SIZE(level);
            uint64_t base = X86_PTE_ADDR(e) & ~(size - 1u);
            w.phys = base | (virt & (size - 1u));
            w.page_size = size;
            w.level = level;
            *out = w;
            return VMM_OK;
        }
        table = X86_PTE_ADDR(e);
    }
    w.writable = w.user = w.executable = false;
    *out = w;
    return VMM_ERR_NOT_MAPPED;
}

/* Returns the leaf flags for attrs at page_size; see paging.h. */
x86_pte_t x86_attrs_to_pte(vmm_attrs_t attrs, uint64_t page_size)
{
    x86_pte_t e = X86_PTE_P;
    if (attrs & VMM_ATTR_WRITABLE)
        e |= X86_PTE_W;
    if (attrs & VMM_ATTR_KERNEL)
        e |= X86_PTE_G;
    else
        e |= X86_PTE_U;
    if (!(attrs & VMM_ATTR_CACHABLE))
        e |= X86_PTE_PCD;
    if (!(attrs & VMM_ATTR_EXECUTABLE))
        e |= X86_PTE_NX;
    if (page_size != VMM_SIZE_4K)
        e |= X86_PTE_PS;
    return e;
}

/* Returns the attributes of a successful walk; see paging.h. */
vmm_attrs_t x86_walk_attrs(const x86_walk_t *walk)
{
    vmm_attrs_t a = 0;
    if (walk == NULL)
        return 0;
    if (!walk->user)
        a |= VMM_ATTR_KERNEL;
    if (walk->writable)
        a |= VMM_ATTR_WRITABLE;
    if (walk->executable)
        a |= VMM_ATTR_EXECUTABLE;
    int leaf = walk->level;
    if (leaf >= X86_LEVEL_PT && leaf <= X86_LEVEL_PDPT &&
        !(walk->entries[X86_LEVEL_PML4 - leaf] & X86_PTE_PCD))
        a |= VMM_ATTR_CACHABLE;
    return a;
}

/* Returns VMM_OK with a zeroed PML4 in pt; see paging.h. */
vmm_status_t x86_paging_init(x86_paging_t *pt, const vmm_frames_t *frames,
                             uint64_t access_offset)
{
    if (pt == NULL || frames == NULL || frames->alloc == NULL ||
        frames->free == NULL)
        return VMM_ERR_INVALID_ARGUMENT;
    x86_paging_t p = { .access_offset = access_offset, .frames = *frames };
    vmm_status_t st = p.frames.alloc(p.frames.ctx, 1, 1, &p.pml4);
    if (st != VMM_OK)
        return st;
    table_zero(&p, p.pml4);
    p.table_frames = 1;
    *pt = p;
    return VMM_OK;
}

/* Tables on the path from the PML4 down to a table at level (itself
 * included): still counted in table_frames while destroy_table is below. */
#define PATH_TABLES(level) ((size_t)(X86_LEVEL_PML4 - (level) + 1))

/* Frees the table at phys (level) and every table below it (at the PML4,
 * not a borrowed kernel half). The scan stops once table_frames counts
 * only the tables on the path: none is left below. */
static void destroy_table(x86_paging_t *pt, uint64_t phys, int level)
{
    if (level > X86_LEVEL_PT) {
        const table_image_t *t = image_at(pt, phys);
        unsigned end = level == X86_LEVEL_PML4 &&
                               (pt->flags & X86_PAGING_KERNEL_HALF_BORROWED)
                           ? X86_KERNEL_HALF_SLOT
                           : X86_ENTRIES;
        for (unsigned b = 0; b < end / SCAN_BLOCK && pt->table_frames > PATH_TABLES(level);
             b++) {
            const table_block_t *blk = &t->block[b];
            if (block_tables(blk, level) == 0)
                continue; /* no table below these entries */
            for (unsigned i = 0; i < SCAN_BLOCK; i++)
                if (is_table(blk->e[i], level))
                    destroy_table(pt, X86_PTE_ADDR(blk->e[i]), level - 1);
        }
    }
    vmm_status_t st = pt->frames.free(pt->frames.ctx, phys, 1);
    VMM_ASSERT(st == VMM_OK);
    pt->table_frames--;
}

/* Frees every table frame of pt, if it has any (VMM_OK). */
static vmm_status_t destroy_all(x86_paging_t *pt)
{
    if (pt->table_frames == 0)
        return VMM_OK; /* destroyed already, or zeroed */
    destroy_table(pt, pt->pml4, X86_LEVEL_PML4);
    VMM_ASSERT(pt->table_frames == 0);
    pt->pml4 = 0;
    pt->flags &= ~X86_PAGING_TEARDOWN; /* torn down: no tables left to refuse */
    return VMM_OK;
}

/* Frees every table frame; see paging.h. */
vmm_status_t x86_paging_destroy(x86_paging_t *pt)
{
    if (pt == NULL)
        return VMM_ERR_INVALID_ARGUMENT;
    PAGING_GUARDED(pt, destroy_all(pt));
}

/* Returns VMM_OK with a PDPT in every kernel-half PML4 slot (without the
 * guard). Allocates all missing PDPTs first, so a failure keeps nothing. */
static vmm_status_t pin_half(x86_paging_t *pt)
{
    if (!has_tables(pt) || (pt->flags & X86_PAGING_KERNEL_HALF_BORROWED))
        return VMM_ERR_INVALID_ARGUMENT;
    x86_pte_t *pml4 = table_at(pt, pt->pml4);
    uint64_t missing = 0;
    for (unsigned i = X86_KERNEL_HALF_SLOT; i < X86_ENTRIES; i++)
        missing += !X86_PTE_PRESENT(pml4[i]);
    uint64_t chain = CHAIN_END;
    vmm_status_t st = chain_alloc(pt, missing, &chain);
    if (st != VMM_OK)
        return st;
    for (unsigned i = X86_KERNEL_HALF_SLOT; i < X86_ENTRIES; i++)
        (void)next_table(pt, &pml4[i], &chain);
    VMM_ASSERT(chain == CHAIN_END);
    pt->flags |= X86_PAGING_KERNEL_HALF_PINNED;
    return VMM_OK;
}

/* Pins the kernel half under the guard; see paging.h. */
vmm_status_t x86_paging_pin_kernel_half(x86_paging_t *pt)
{
    PAGING_GUARDED(pt, pin_half(pt));
}

/* The table queue: released frames chained through entry 0. */

/* Empties q; see paging.h. */
void x86_table_queue_init(x86_table_queue_t *q, const vmm_frames_t *frames,
                          uint64_t access_offset)
{
    if (q == NULL)
        return;
    *q = (x86_table_queue_t){ .head = X86_TABLE_QUEUE_END }; /* inert: see queue_usable */
    if (frames != NULL && frames->free != NULL) {
        q->access_offset = access_offset;
        q->frames = *frames;
    }
}

/* Queues the released table frame phys (ctx: the queue). */
static void queue_push(void *ctx, uint64_t phys)
{
    x86_table_queue_t *q = ctx;
    *(x86_pte_t *)(uintptr_t)(phys + q->access_offset) = q->head;
    q->head = phys;
    q->count++;
}

/* Returns true when q can take frames and give them back: x86_table_queue_init
 * gave it a frame source. A zeroed queue, or one init refused, is inert. */
static bool queue_usable(const x86_table_queue_t *q)
{
    return q != NULL && q->frames.free != NULL;
}

/* Returns the release hook bound to q; see paging.h. */
x86_table_release_t x86_table_queue_release(x86_table_queue_t *q)
{
    x86_table_release_t r = { .release = queue_usable(q) ? queue_push : NULL,
                              .ctx = queue_usable(q) ? q : NULL };
    return r;
}

/* Returns the queued frames to the frame source; returns how many. */
size_t x86_table_queue_flush(x86_table_queue_t *q)
{
    if (!queue_usable(q))
        return 0;
    size_t n = 0;
    while (n < q->count && q->head != X86_TABLE_QUEUE_END) {
        uint64_t phys = q->head;
        x86_pte_t *link = (x86_pte_t *)(uintptr_t)(phys + q->access_offset);
        q->head = *link;
        *link = 0;
        vmm_status_t st = q->frames.free(q->frames.ctx, phys, 1);
        VMM_ASSERT(st == VMM_OK);
        n++;
    }
    VMM_ASSERT(n == q->count);
    VMM_ASSERT(q->head == X86_TABLE_QUEUE_END);
    q->count = 0;
    return n;
}

/* Mapper adapters: the core's mapper interface over x86_map & co. */

/* Returns x86_map's status for the tables ctx (an x86_paging_t). */
static vmm_status_t mapper_map(void *ctx, uint64_t virt, uint64_t phys,
                               uint64_t len, uint64_t page_size,
                               vmm_attrs_t attrs)
{
    return x86_map(ctx, virt, phys, len, page_size, attrs);
}

/* Returns x86_unmap's status for the tables ctx (an x86_paging_t). */
static vmm_status_t mapper_unmap(void *ctx, uint64_t virt, uint64_t len,
                                 uint64_t page_size)
{
    return x86_unmap(ctx, virt, len, page_size);
}

/* Returns VMM_OK with the translation of virt, else VMM_ERR_NOT_MAPPED
 * (non-canonical addresses are not mapped either). */
static vmm_status_t mapper_query(void *ctx, uint64_t virt, uint64_t *phys,
                                 vmm_attrs_t *attrs, uint64_t *page_size)
{
    x86_walk_t w;
    if (x86_translate(ctx, virt, &w) != VMM_OK)
        return VMM_ERR_NOT_MAPPED;
    if (phys != NULL)
        *phys = w.phys;
    if (attrs != NULL)
        *attrs = x86_walk_attrs(&w);
    if (page_size != NULL)
        *page_size = w.page_size;
    return VMM_OK;
}

/* Returns VMM_OK when [virt, virt + len) is canonical and on one side of
 * the hole, else VMM_ERR_NON_CANONICAL (VMM_ERR_OVERFLOW when it wraps). */
static vmm_status_t mapper_mappable(void *ctx, uint64_t virt, uint64_t len)
{
    vmm_status_t st = x86_range_mappable(virt, len);
    if (st == VMM_OK && in_borrowed_half(ctx, virt))
        return VMM_ERR_OUT_OF_BOUNDS;
    return st;
}

/* Returns VMM_OK when every byte of [virt, virt + len) is canonical, on one
 * side of the hole: VMM_ERR_INVALID_ARGUMENT (len == 0), VMM_ERR_OVERFLOW
 * (wraps), VMM_ERR_NON_CANONICAL. */
vmm_status_t x86_range_mappable(uint64_t virt, uint64_t len)
{
    if (len == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (len - 1u > UINT64_MAX - virt)
        return VMM_ERR_OVERFLOW;
    uint64_t last = virt + (len - 1u);
    if (!X86_CANONICAL(virt) || !X86_CANONICAL(last) ||
        (virt >> (X86_VA_BITS - 1u)) != (last >> (X86_VA_BITS - 1u)))
        return VMM_ERR_NON_CANONICAL;
    return VMM_OK;
}

/* Returns the mapper interface bound to pt; see paging.h. */
vmm_mapper_t x86_paging_mapper(x86_paging_t *pt)
{
    vmm_mapper_t m = { .map = mapper_map, .unmap = mapper_unmap,
                       .query = mapper_query, .ctx = pt,
                       .mappable = mapper_mappable };
    return m;
}
