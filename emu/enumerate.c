/*
 * enumerate.c - which addresses probe_world checks: every page found in the
 * tables (read raw here, not through the core), every page the intent says
 * should exist, their edges, neighbours and large-page interiors, and fixed
 * addresses of interest.
 */
#include <stdlib.h>

#include "core/x86_64/pte.h"
#include "probe.h"

/* A growable list of addresses. */
typedef struct points {
    uint64_t *va;
    size_t len, cap;
} points_t;

/* Appends va (silently drops it when the host is out of memory). */
static void add(points_t *p, uint64_t va)
{
    if (p->len == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        uint64_t *grown = realloc(p->va, cap * sizeof(uint64_t));
        if (grown == NULL)
            return;
        p->va = grown;
        p->cap = cap;
    }
    p->va[p->len++] = va;
}

/* Interior offsets probed inside pages larger than 4 KiB. */
#define INTERIOR_ODD 0x1235u

/* Adds the probe points of the page [va, va + size). */
static void add_page(points_t *p, uint64_t va, uint64_t size)
{
    add(p, va);
    add(p, va + size - 1u);
    add(p, va - 1u);
    add(p, va + size);
    if (size > VMM_PAGE_SIZE) {
        add(p, va + VMM_PAGE_SIZE);
        add(p, va + size / 2u + INTERIOR_ODD);
        add(p, va + size - VMM_PAGE_SIZE);
    }
}

/* Sign-extends a 48-bit address. */
static uint64_t canonical(uint64_t va)
{
    return (va & ((uint64_t)1 << (X86_VA_BITS - 1u))) ? va | ~(((uint64_t)1 << X86_VA_BITS) - 1u)
                                                      : va;
}

/* Adds every present leaf below the table at phys (level), raw reads. */
static void add_leaves(const world_t *w, points_t *p, uint64_t phys, int level,
                       uint64_t base)
{
    const x86_pte_t *table = hostmem_ptr(&w->hm, phys);
    if (table == NULL)
        return;
    for (unsigned i = 0; i < X86_ENTRIES; i++) {
        x86_pte_t e = table[i];
        if (!X86_PTE_PRESENT(e))
            continue;
        uint64_t va = canonical(base + ((uint64_t)i << X86_PX_SHIFT(level)));
        if (level == X86_LEVEL_PT || (level < X86_LEVEL_PML4 && X86_PTE_LARGE(e)))
            add_page(p, va, X86_LEVEL_SIZE(level));
        else
            add_leaves(w, p, X86_PTE_ADDR(e), level - 1, va);
    }
}

/* Adds the pages the VMM's records stand for. */
static void add_records(const world_t *w, points_t *p)
{
    for (const vmm_record_t *r = vmm_first_record(&w->vmm); r != NULL; r = vmm_next_record(r)) {
        uint64_t size = r->kind == VMM_REC_RESERVE ? r->page_size : VMM_PAGE_SIZE;
        uint64_t end = r->virt + r->pages * VMM_PAGE_SIZE;
        for (uint64_t va = r->virt; va < end; va += size)
            add_page(p, va, size);
    }
}

/* Adds the boot configuration's kernel segments and direct-map pages. */
static void add_boot(const world_t *w, points_t *p)
{
    const world_config_t *c = &w->cfg;
    if (!c->boot)
        return;
    for (size_t i = 0; i < c->kernel_len; i++)
        for (uint64_t off = 0; off < c->kernel[i].size; off += VMM_PAGE_SIZE)
            add_page(p, c->kernel[i].virt + off, VMM_PAGE_SIZE);
    uint64_t page = c->has_1g_pages ? VMM_SIZE_1G : VMM_SIZE_2M;
    for (size_t i = 0; i < c->map_len; i++) {
        const memmap_entry_t *e = &c->map[i];
        if (e->length == 0)
            continue; /* every type: unmapped ones must stay unmapped */
        uint64_t first = e->base & ~(page - 1u), last = e->base + (e->length - 1u);
        for (uint64_t phys = first; phys <= last && phys >= first; phys += page)
            add_page(p, c->hhdm_offset + phys, page);
    }
}

/* Fixed addresses: non-canonical edges, the kernel region, the window and
 * direct-map edges, the machine's unmapped pages. */
static void add_fixed(const world_t *w, points_t *p)
{
    static const uint64_t fixed[] = {
        0, 0x1000, 0x00007FFFFFFFFFFFull, 0x0000800000000000ull,
        0xFFFF7FFFFFFFFFFFull, 0xFFFF800000000000ull, 0x8000000000000000ull,
        0xFFFFFFFFFFFFFFFFull, X86_KERNEL_BASE, X86_KERNEL_BASE - 1u,
        X86_KERNEL_BASE + 0x200000u,
    };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        add(p, fixed[i]);
    add(p, w->vmm.start);
    add(p, w->vmm.start - 1u);
    add(p, w->vmm.end);
    add(p, w->vmm.end - 1u);
    add(p, EMU_AUX_VA + EMU_AUX_PAGES * VMM_PAGE_SIZE);
    if (w->cfg.boot) {
        add(p, w->cfg.hhdm_offset);
        add(p, w->cfg.hhdm_offset - 1u);
    }
}

/* qsort order of addresses. */
static int by_address(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Probes every point once; see probe.h. */
unsigned probe_world(world_t *w, unsigned flags)
{
    points_t p = {0};
    add_leaves(w, &p, w->pt.pml4, X86_LEVEL_PML4, 0);
    add_records(w, &p);
    add_boot(w, &p);
    add_fixed(w, &p);
    qsort(p.va, p.len, sizeof(uint64_t), by_address);
    unsigned bad = 0;
    for (size_t i = 0; i < p.len; i++)
        if (i == 0 || p.va[i] != p.va[i - 1])
            bad += probe_va(w, p.va[i], flags);
    free(p.va);
    return bad;
}
