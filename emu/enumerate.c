/*
 * enumerate.c - which addresses probe_world checks: every page found in the
 * tables (read raw here, not through the core), every page the intent says
 * should exist, their edges, neighbours and large-page interiors, and fixed
 * addresses of interest.
 */
#include <stdlib.h>

#include "core/x86_64/pte.h"
#include "fuzz_walk.h"
#include "probe.h"
#include "xorshift.h"

/* A growable list of addresses, each once (its storage is the world's
 * scratch list, kept from one probe to the next). */
typedef struct points {
    uint64_t *va;
    size_t len, cap;
    bool spilled; /* the set below was full: duplicates may be listed */
} points_t;

/* The addresses listed so far, as an open-addressing set whose slots count
 * as empty unless tagged with the current list's number (no clearing). */
#define SET_SLOTS 8192u /* a power of 2; lists beyond half of it spill */
static struct set_slot {
    uint64_t va, tag;
} listed[SET_SLOTS];
static uint64_t list_tag;

/* Borrows the world's scratch list, empty. */
static points_t borrow(const world_t *w)
{
    list_tag++;
    return (points_t){w->points, 0, w->points_cap, false};
}

/* True when va was listed before (and notes it now). */
NO_ASAN static bool seen_before(points_t *p, uint64_t va)
{
    if (p->len >= SET_SLOTS / 2u) {
        p->spilled = true;
        return false;
    }
    size_t i = (size_t)((va * 0x9E3779B97F4A7C15ull) >> 40) & (SET_SLOTS - 1u);
    for (;; i = (i + 1u) & (SET_SLOTS - 1u)) {
        if (listed[i].tag != list_tag) {
            listed[i] = (struct set_slot){va, list_tag};
            return false;
        }
        if (listed[i].va == va)
            return true;
    }
}

/* Gives the (possibly grown) storage back to the world. */
static void give_back(world_t *w, const points_t *p)
{
    w->points = p->va;
    w->points_cap = p->cap;
}

/* Appends va unless listed (silently drops it when the host is out of
 * memory). */
static void add(points_t *p, uint64_t va)
{
    if (seen_before(p, va))
        return;
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

/* Adds every present leaf below the table at phys (level), raw reads. */
NO_ASAN static void add_leaves(const world_t *w, points_t *p, uint64_t phys, int level,
                       uint64_t base)
{
    const x86_pte_t *table = hostmem_ptr(&w->hm, phys);
    if (table == NULL)
        return;
    for (unsigned i = 0; i < X86_ENTRIES; i++) {
        x86_pte_t e = table[i];
        if (!X86_PTE_PRESENT(e))
            continue;
        uint64_t va = fuzz_canonical(base + ((uint64_t)i << X86_PX_SHIFT(level)));
        if (level == X86_LEVEL_PT || (level < X86_LEVEL_PML4 && X86_PTE_LARGE(e)))
            add_page(p, va, X86_LEVEL_SIZE(level));
        else
            add_leaves(w, p, X86_PTE_ADDR(e), level - 1, va);
    }
}

/* Pages probed at each end of a long record (and one in the middle). */
#define RECORD_END_PAGES 4u

/* Adds the pages the VMM's records stand for: all of them, or the first
 * and last few and the middle one of a long record (boot records the
 * direct map with 1 GiB-long vmm_set records when the window covers it). */
static void add_records(const world_t *w, points_t *p)
{
    for (const vmm_record_t *r = vmm_first_record(&w->vmm); r != NULL; r = vmm_next_record(r)) {
        uint64_t size = r->kind == VMM_REC_RESERVE ? r->page_size : VMM_PAGE_SIZE;
        uint64_t n = r->pages * VMM_PAGE_SIZE / size;
        for (uint64_t i = 0; i < n; i++) {
            if (n > 2u * RECORD_END_PAGES + 1u && i == RECORD_END_PAGES)
                i = n - RECORD_END_PAGES; /* skip to the last pages */
            add_page(p, r->virt + i * size, size);
        }
        if (n > 2u * RECORD_END_PAGES + 1u)
            add_page(p, r->virt + n / 2u * size, size);
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

/* Moves va[i] down the max-heap va[0 .. n) to its place. */
static void sift_down(uint64_t *va, size_t i, size_t n)
{
    uint64_t v = va[i];
    for (size_t c; (c = 2u * i + 1u) < n; i = c) {
        if (c + 1u < n && va[c + 1u] > va[c])
            c++;
        if (va[c] <= v)
            break;
        va[i] = va[c];
    }
    va[i] = v;
}

/* Sorts va[0 .. n) in place (heapsort: thousands of points at most, no
 * comparison callback, no recursion). */
static void sort_addresses(uint64_t *va, size_t n)
{
    for (size_t i = n / 2u; i-- > 0;)
        sift_down(va, i, n);
    for (size_t end = n; end > 1u; end--) {
        uint64_t top = va[0];
        va[0] = va[end - 1u];
        va[end - 1u] = top;
        sift_down(va, 0, end - 1u);
    }
}

/* Collects the probe points of w, each once (in the order found; sorted
 * when there are too many to tell duplicates by the set). */
static void collect(const world_t *w, points_t *p)
{
    add_leaves(w, p, w->pt.pml4, X86_LEVEL_PML4, 0);
    add_records(w, p);
    add_boot(w, p);
    add_fixed(w, p);
    if (!p->spilled)
        return;
    sort_addresses(p->va, p->len);
    size_t kept = 0;
    for (size_t i = 0; i < p->len; i++)
        if (i == 0 || p->va[i] != p->va[i - 1])
            p->va[kept++] = p->va[i];
    p->len = kept;
}

/* Returns true when va looked different (walk entries or intent) at its
 * last PROBE_CHANGED probe, or was not probed then; notes how it looks now.
 * A full table of signatures answers true. */
static bool changed(world_t *w, uint64_t va)
{
    uint64_t sig = probe_signature(w, va);
    size_t mask = WORLD_SIGNATURES - 1u;
    size_t i = (size_t)((va * 0x9E3779B97F4A7C15ull) >> 40) & mask;
    for (size_t n = 0; n < WORLD_SIGNATURES; n++, i = (i + 1u) & mask) {
        world_signature_t *e = &w->signatures[i];
        if (e->epoch != w->signature_epoch) {
            if (w->signatures_used >= WORLD_SIGNATURES / 2u)
                return true; /* too full: probe, remember nothing */
            w->signatures_used++;
            *e = (world_signature_t){va, sig, w->signature_epoch};
            return true;
        }
        if (e->va == va) {
            bool differs = e->signature != sig;
            e->signature = sig;
            return differs;
        }
    }
    return true;
}

/* Probes every point once; see probe.h. */
unsigned probe_world(world_t *w, unsigned flags)
{
    points_t p = borrow(w);
    collect(w, &p);
    if (flags & PROBE_CHANGED) {
        size_t kept = 0;
        for (size_t i = 0; i < p.len; i++)
            if (changed(w, p.va[i]))
                p.va[kept++] = p.va[i];
        p.len = kept;
    }
    unsigned bad = 0;
    int seen[EMU_KINDS];
    for (int cpl = 0; cpl < EMU_CPLS; cpl++)
        for (size_t i = 0; i < p.len; i++)
            bad += probe_va_at(w, p.va[i], (emu_cpl_t)cpl, flags, seen);
    give_back(w, &p);
    return bad;
}

/* What a translate check saw: completed, #PF, #GP (the sample's classes). */
#define SAMPLE_CLASSES 3
#define SAMPLE_GP 2
static int sample_class(int vector)
{
    return vector == EMU_VEC_NONE ? 0 : vector == EMU_VEC_PF ? 1 : SAMPLE_GP;
}

/* One sampled access per class: the chosen point and how many competed. */
typedef struct sample {
    uint64_t va;
    uint64_t seen;
} sample_t;

/* Translate checks everywhere, real accesses on a sample; see probe.h. */
unsigned probe_world_sampled(world_t *w, uint64_t seed)
{
    points_t p = borrow(w);
    sample_t pick[EMU_CPLS][EMU_KINDS][SAMPLE_CLASSES] = {0};
    uint64_t rng = seed | 1u;
    int seen[EMU_KINDS];
    unsigned bad = 0;
    collect(w, &p);
    for (int cpl = 0; cpl < EMU_CPLS; cpl++)
        for (size_t i = 0; i < p.len; i++) {
            bad += probe_va_at(w, p.va[i], (emu_cpl_t)cpl, PROBE_TRANSLATE | PROBE_DECIDE,
                               seen);
            for (int kind = 0; kind < EMU_KINDS; kind++) {
                int c = sample_class(seen[kind]);
                sample_t *s = &pick[cpl][kind][c];
                s->seen++;
                if (kind == EMU_FETCH && c == 0) {
                    /* a completed fetch runs code at the point, translated
                     * once per address, frame and level and then kept:
                     * the lowest point, so that states sharing their first
                     * pages share the block (a new block makes libFuzzer
                     * run the input again) */
                    if (s->seen == 1 || p.va[i] < s->va)
                        s->va = p.va[i];
                } else if (xorshift_below(&rng, s->seen) == 0) {
                    s->va = p.va[i]; /* reservoir: each point equally likely */
                }
            }
        }
    give_back(w, &p);
    /* #GP (no CR2, no error code) is executed for one privilege and kind
     * per call, chosen by seed; completed accesses and #PFs for all. */
    unsigned gp_turn = (unsigned)(xorshift_below(&rng, EMU_CPLS * EMU_KINDS));
    for (int cpl = 0; cpl < EMU_CPLS; cpl++)
        for (int kind = 0; kind < EMU_KINDS; kind++)
            for (int c = 0; c < SAMPLE_CLASSES; c++)
                if (pick[cpl][kind][c].seen != 0 &&
                    (c != SAMPLE_GP || gp_turn == (unsigned)(cpl * EMU_KINDS + kind)))
                    bad += probe_access(w, pick[cpl][kind][c].va, (emu_cpl_t)cpl,
                                        (emu_kind_t)kind, PROBE_EXECUTE | PROBE_DECIDE);
    return bad;
}
