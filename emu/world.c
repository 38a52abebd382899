/*
 * world.c - building a VMM state with the core and keeping notes on it
 * (see world.h).
 */
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The machine's pages and their attributes in the core's terms. */
static const vmm_attrs_t aux_attrs[EMU_AUX_PAGES] = {
    [EMU_AUX_CODE] = VMM_ATTR_EXECUTABLE | VMM_ATTR_CACHABLE,
    [EMU_AUX_GDT] = VMM_ATTR_KERNEL | VMM_ATTR_CACHABLE,
    [EMU_AUX_STACK] = VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE,
};

/* Returns the attributes the machine's page i is mapped with. */
vmm_attrs_t world_aux_attrs(emu_aux_page_t i)
{
    return aux_attrs[i];
}

/* Prints a failed core call; returns false. */
static bool report_status(const char *what, vmm_status_t st)
{
    fprintf(stderr, "emu world: %s failed: %s\n", what, vmm_strerror(st));
    return false;
}

/* True when the window keeps clear of the machine's 2 MiB. */
static bool window_ok(const world_config_t *cfg)
{
    uint64_t aux_end = EMU_AUX_VA + EMU_AUX_REGION;
    return cfg->window_end <= EMU_AUX_VA || cfg->window_start >= aux_end;
}

/* Builds tables and VMM without boot: a fresh PML4 and a window. */
static bool build_plain(world_t *w)
{
    vmm_status_t st = x86_paging_init(&w->pt, &w->frames, w->hm.access_offset);
    if (st != VMM_OK)
        return report_status("x86_paging_init", st);
    vmm_mapper_t mapper = x86_paging_mapper(&w->pt);
    st = vmm_init(&w->vmm, w->cfg.window_start, w->cfg.window_end, &w->allocator, &mapper,
                  &w->frames);
    if (st != VMM_OK)
        return report_status("vmm_init", st);
    w->boot.cr3 = w->pt.pml4;
    return true;
}

/* Builds tables and VMM with x86_boot_init. */
static bool build_boot(world_t *w)
{
    world_config_t *c = &w->cfg;
    if (c->map_len == 0) {
        c->map[0] = w->hm.map[0];
        c->map_len = 1;
    }
    x86_boot_config_t bc = {
        .map = c->map, .map_len = c->map_len, .hhdm_offset = c->hhdm_offset,
        .has_1g_pages = c->has_1g_pages, .kernel = c->kernel,
        .kernel_len = c->kernel_len, .access_offset = w->hm.access_offset,
        .vmm_start = c->window_start, .vmm_end = c->window_end,
        .allocator = w->allocator,
    };
    vmm_status_t st = x86_boot_init(&bc, &w->frames, &w->pt, &w->vmm, &w->boot);
    if (st != VMM_OK)
        return report_status("x86_boot_init", st);
    return true;
}

/* Hand-written leaf entries of the machine's pages: the machine must run
 * even when the core's flag translation is broken (then the probes report
 * it instead of the machine failing to start). */
static const x86_pte_t aux_leaf_flags[EMU_AUX_PAGES] = {
    [EMU_AUX_CODE] = X86_PTE_P | X86_PTE_U,
    [EMU_AUX_GDT] = X86_PTE_P | X86_PTE_NX,
    [EMU_AUX_STACK] = X86_PTE_P | X86_PTE_W | X86_PTE_NX,
};

/* Returns the host address of the PT entry of va (walking the raw tables
 * the core built), or NULL when there is none. */
static x86_pte_t *leaf_slot(const world_t *w, uint64_t va)
{
    uint64_t table = w->pt.pml4;
    for (int level = X86_LEVEL_PML4;; level--) {
        x86_pte_t *e = (x86_pte_t *)hostmem_ptr(&w->hm, table);
        if (e == NULL)
            return NULL;
        e += X86_PX(level, va);
        if (level == X86_LEVEL_PT)
            return e;
        if (!X86_PTE_PRESENT(*e) || X86_PTE_LARGE(*e))
            return NULL;
        table = X86_PTE_ADDR(*e);
    }
}

/* Maps the machine's pages into the core's tables with x86_map, then
 * writes their leaf entries by hand. */
static bool map_aux(world_t *w)
{
    for (int i = 0; i < EMU_AUX_PAGES; i++) {
        uint64_t va = EMU_AUX_VA + (uint64_t)i * VMM_PAGE_SIZE;
        vmm_status_t st = x86_map(&w->pt, va, emu_aux_phys((emu_aux_page_t)i),
                                  VMM_PAGE_SIZE, VMM_SIZE_4K, aux_attrs[i]);
        if (st != VMM_OK)
            return report_status("x86_map of the machine's pages", st);
        x86_pte_t *slot = leaf_slot(w, va);
        if (slot == NULL) {
            fprintf(stderr, "emu world: x86_map left no 4 KiB entry for %#llx\n",
                    (unsigned long long)va);
            return false;
        }
        *slot = emu_aux_phys((emu_aux_page_t)i) | aux_leaf_flags[i];
    }
    return true;
}

/* Builds the world; see world.h. */
world_t *world_new(const world_config_t *cfg)
{
    world_t *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    w->cfg = *cfg;
    w->report_limit = 10;
    if (!window_ok(cfg) || cfg->window_start >= cfg->window_end ||
        !hostmem_init(&w->hm, cfg->phys_base, cfg->phys_size)) {
        fprintf(stderr, "emu world: bad window or hostmem [%#llx, +%#llx)\n",
                (unsigned long long)cfg->phys_base, (unsigned long long)cfg->phys_size);
        free(w);
        return NULL;
    }
    fail_alloc_init(&w->fa);
    w->allocator = fail_alloc_iface(&w->fa);
    fail_frames_init(&w->ff, &w->hm.frames);
    w->frames = fail_frames_iface(&w->ff);
    bool ok = (cfg->boot ? build_boot(w) : build_plain(w)) &&
              map_aux(w);
    if (ok && cfg->machine != NULL) {
        w->machine = cfg->machine;
        ok = emu_remap(w->machine, w->hm.buf, w->hm.base, w->hm.size);
    } else if (ok) {
        w->machine = emu_open(w->hm.buf, w->hm.base, w->hm.size);
        ok = w->machine != NULL;
    }
    ok = ok && emu_start(w->machine, w->boot.cr3);
    if (!ok) {
        world_free(w);
        return NULL;
    }
    return w;
}

/* Frees the world: VMM records, tables, machine, buffers. */
void world_free(world_t *w)
{
    if (w == NULL)
        return;
    if (w->vmm.mapper.map != NULL)
        vmm_deinit(&w->vmm);
    if (w->pt.table_frames != 0)
        x86_paging_destroy(&w->pt);
    if (w->machine != w->cfg.machine)
        emu_close(w->machine);
    hostmem_destroy(&w->hm);
    free(w);
}

/* Drops cached translations after the tables changed. */
void world_tables_changed(world_t *w)
{
    emu_flush(w->machine);
}

/* True when the emulator has memory behind phys. */
bool world_backed(const world_t *w, uint64_t phys)
{
    if (phys >= w->hm.base && phys - w->hm.base < w->hm.size)
        return true;
    return phys >= EMU_AUX_PHYS && phys - EMU_AUX_PHYS < EMU_AUX_PAGES * VMM_PAGE_SIZE;
}

/* Forgets the notes on pages inside the record that starts at virt. */
static void forget_record(world_t *w, const vmm_record_t *rec)
{
    uint64_t end = rec->virt + rec->pages * VMM_PAGE_SIZE;
    size_t kept = 0;
    for (size_t i = 0; i < w->noverrides; i++) {
        const world_override_t *o = &w->overrides[i];
        if (o->page < rec->virt || o->page >= end)
            w->overrides[kept++] = *o;
    }
    w->noverrides = kept;
}

/* Notes the map_page attributes of page (dropping an older note). */
static void note_override(world_t *w, uint64_t page, uint64_t phys, vmm_attrs_t attrs)
{
    size_t i = 0;
    while (i < w->noverrides && w->overrides[i].page != page)
        i++;
    if (i == w->noverrides) {
        if (w->noverrides == WORLD_MAX_OVERRIDES)
            return; /* full: world_override then reports nothing noted */
        w->noverrides++;
    }
    w->overrides[i] = (world_override_t){page, phys, attrs};
}

/* Returns true and the map_page attributes noted for page at phys. */
bool world_override(const world_t *w, uint64_t page, uint64_t phys, vmm_attrs_t *attrs)
{
    for (size_t i = 0; i < w->noverrides; i++)
        if (w->overrides[i].page == page && w->overrides[i].phys == phys) {
            *attrs = w->overrides[i].attrs;
            return true;
        }
    return false;
}

/* vmm_alloc; the machine forgets cached translations. */
vmm_status_t world_alloc(world_t *w, size_t pages, vmm_attrs_t attrs, uint64_t *virt)
{
    vmm_status_t st = vmm_alloc(&w->vmm, pages, attrs, virt);
    world_tables_changed(w);
    return st;
}

/* vmm_set of [virt, virt + len), mapped to [*phys, ...) when phys is set. */
vmm_status_t world_set(world_t *w, uint64_t virt, uint64_t len, const uint64_t *phys,
                       vmm_attrs_t attrs)
{
    vmm_range_t v = {virt, virt + len};
    vmm_range_t p = {phys ? *phys : 0, phys ? *phys + len : 0};
    vmm_status_t st = vmm_set(&w->vmm, v, phys ? &p : NULL, attrs);
    world_tables_changed(w);
    return st;
}

/* vmm_free, forgetting the notes on the freed record. */
vmm_status_t world_free_range(world_t *w, uint64_t virt)
{
    const vmm_record_t *rec = vmm_find_record(&w->vmm, virt);
    vmm_record_t copy = {0};
    if (rec != NULL)
        copy = *rec;
    vmm_status_t st = vmm_free(&w->vmm, virt);
    if (st == VMM_OK && rec != NULL)
        forget_record(w, &copy);
    world_tables_changed(w);
    return st;
}

/* vmm_reserve (maps nothing). */
vmm_status_t world_reserve(world_t *w, size_t count, uint64_t page_size,
                           vmm_attrs_t attrs, uint32_t flags, uint64_t *virt)
{
    return vmm_reserve(&w->vmm, count, page_size, attrs, flags, virt);
}

/* vmm_claim (maps nothing). */
vmm_status_t world_claim(world_t *w, uint64_t virt, size_t count, uint64_t page_size,
                         vmm_attrs_t attrs, uint32_t flags)
{
    return vmm_claim(&w->vmm, virt, count, page_size, attrs, flags);
}

/* vmm_map_page, noting the attributes given. */
vmm_status_t world_map_page(world_t *w, uint64_t reservation, uint64_t virt,
                            uint64_t phys, vmm_attrs_t attrs)
{
    vmm_status_t st = vmm_map_page(&w->vmm, reservation, virt, phys, attrs);
    if (st == VMM_OK)
        note_override(w, virt, phys, attrs);
    world_tables_changed(w);
    return st;
}

/* vmm_release, forgetting the notes on the released record. */
vmm_status_t world_release(world_t *w, uint64_t reservation)
{
    const vmm_record_t *rec = vmm_find_record(&w->vmm, reservation);
    vmm_record_t copy = {0};
    if (rec != NULL)
        copy = *rec;
    vmm_status_t st = vmm_release(&w->vmm, reservation);
    if (st == VMM_OK && rec != NULL)
        forget_record(w, &copy);
    world_tables_changed(w);
    return st;
}
