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

/* Bit of frame phys in the dirty set. */
#define DIRTY_WORD(w, phys) ((w)->dirty[((phys) - (w)->hm.base) / VMM_PAGE_SIZE / 64u])
#define DIRTY_BIT(w, phys) ((uint64_t)1 << (((phys) - (w)->hm.base) / VMM_PAGE_SIZE % 64u))

/* Notes count frames from phys (those inside the buffer) as dirty. */
void world_note_written(world_t *w, uint64_t phys, size_t count)
{
    for (size_t i = 0; i < count; i++, phys += VMM_PAGE_SIZE)
        if (phys >= w->hm.base && phys - w->hm.base < w->hm.size)
            DIRTY_WORD(w, phys) |= DIRTY_BIT(w, phys);
}

/* Frame source of the world: the hostmem pmm, noting what it hands out. */
static vmm_status_t tracked_alloc(void *ctx, size_t count, size_t align, uint64_t *phys)
{
    world_t *w = ctx;
    vmm_status_t st = w->hm.frames.alloc(w->hm.frames.ctx, count, align, phys);
    if (st == VMM_OK && count == 1)
        world_note_written(w, *phys, count); /* a table frame (or a 4K page) */
    return st;
}

static vmm_status_t tracked_free(void *ctx, uint64_t phys, size_t count)
{
    world_t *w = ctx;
    return w->hm.frames.free(w->hm.frames.ctx, phys, count);
}

static vmm_status_t tracked_claim(void *ctx, uint64_t phys, size_t count)
{
    world_t *w = ctx;
    return w->hm.frames.claim(w->hm.frames.ctx, phys, count);
}

static vmm_status_t tracked_in_use(void *ctx, uint64_t phys, size_t count)
{
    world_t *w = ctx;
    return w->hm.frames.in_use(w->hm.frames.ctx, phys, count);
}

/* Returns true when the frame manager is exactly as snap (struct, hint
 * included, and storage). */
static bool pmm_same(const world_t *w, const pmm_t *snap, const uint64_t *words)
{
    return memcmp(&w->hm.pmm, snap, sizeof(*snap)) == 0 &&
           memcmp(w->hm.pmm_storage, words, w->pmm_words * sizeof(uint64_t)) == 0;
}

/* Copies the frame manager into snap and words. */
static void pmm_copy(const world_t *w, pmm_t *snap, uint64_t *words)
{
    *snap = w->hm.pmm;
    memcpy(words, w->hm.pmm_storage, w->pmm_words * sizeof(uint64_t));
}

/* Builds tables and VMM without boot: a fresh PML4 and a window. Returns
 * the core's status; *harness_ok false when the harness failed. */
static vmm_status_t build_plain(world_t *w, uint64_t *snap_words, bool *harness_ok)
{
    vmm_status_t st = x86_paging_init(&w->pt, &w->frames, w->hm.access_offset);
    if (st != VMM_OK)
        return *harness_ok = report_status("x86_paging_init", st), st;
    pmm_t snap;
    pmm_copy(w, &snap, snap_words);
    vmm_mapper_t mapper = x86_paging_mapper(&w->pt);
    st = vmm_init(&w->vmm, w->cfg.window_start, w->cfg.window_end, &w->allocator, &mapper,
                  &w->frames);
    if (st != VMM_OK) {
        w->failed_init_changed = !pmm_same(w, &snap, snap_words);
        x86_paging_destroy(&w->pt);
        return st;
    }
    w->boot.cr3 = w->pt.pml4;
    return VMM_OK;
}

/* Builds tables and VMM with x86_boot_init; returns its status. */
static vmm_status_t build_boot(world_t *w, uint64_t *snap_words)
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
    pmm_t snap;
    pmm_copy(w, &snap, snap_words);
    vmm_status_t st = x86_boot_init(&bc, &w->frames, &w->pt, &w->vmm, &w->boot);
    if (st != VMM_OK)
        w->failed_init_changed = !pmm_same(w, &snap, snap_words);
    return st;
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

/* Releases the state and puts the buffer back; see world.h. */
void world_clear(world_t *w)
{
    w->fa.countdown = -1;
    w->ff.countdown = -1;
    if (w->built && w->machine != NULL)
        emu_trim_code(w->machine); /* the tables still map its pages */
    if (w->built)
        vmm_deinit(&w->vmm);
    w->built = false;
    size_t words = (size_t)(w->hm.size / VMM_PAGE_SIZE + 63u) / 64u;
    for (size_t i = 0; i < words; i++)
        for (uint64_t bits = w->dirty[i]; bits != 0; bits &= bits - 1u) {
            uint64_t frame = (uint64_t)i * 64u + (uint64_t)__builtin_ctzll(bits);
            memset(w->hm.buf + frame * VMM_PAGE_SIZE, HOSTMEM_POISON, VMM_PAGE_SIZE);
        }
    memset(w->dirty, 0, words * sizeof(uint64_t));
    w->hm.pmm = w->pmm_clean;
    memcpy(w->hm.pmm_storage, w->pmm_clean_words, w->pmm_words * sizeof(uint64_t));
    memset(&w->pt, 0, sizeof(w->pt));
    memset(&w->vmm, 0, sizeof(w->vmm));
    memset(&w->boot, 0, sizeof(w->boot));
    memset(&w->stats, 0, sizeof(w->stats));
    w->noverrides = 0;
    w->failed_init_changed = false;
    w->signature_epoch++;
    w->signatures_used = 0;
    world_touch(w);
}

/* Builds w again for cfg; see world.h. */
bool world_rebuild(world_t *w, const world_config_t *cfg, vmm_status_t *core)
{
    *core = VMM_ERR_INVALID_ARGUMENT;
    if (cfg->phys_base != w->hm.base || cfg->phys_size != w->hm.size || !window_ok(cfg) ||
        cfg->window_start >= cfg->window_end) {
        fprintf(stderr, "emu world: bad window, or not the world's buffer\n");
        return false;
    }
    world_clear(w);
    w->cfg = *cfg;
    fail_alloc_init(&w->fa);
    fail_frames_init(&w->ff, &w->tracked);
    bool harness_ok = true;
    *core = cfg->boot ? build_boot(w, w->snap_words)
                      : build_plain(w, w->snap_words, &harness_ok);
    if (*core != VMM_OK)
        return harness_ok;
    w->built = true;
    world_touch(w);
    if (!map_aux(w) || !emu_switch(w->machine, w->boot.cr3))
        return false;
    w->phys_bits = emu_phys_bits(w->machine);
    return true;
}

/* Builds the world; see world.h. */
world_t *world_new(const world_config_t *cfg)
{
    world_t *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    w->report_limit = 10;
    if (!hostmem_init(&w->hm, cfg->phys_base, cfg->phys_size)) {
        fprintf(stderr, "emu world: bad hostmem [%#llx, +%#llx)\n",
                (unsigned long long)cfg->phys_base, (unsigned long long)cfg->phys_size);
        free(w);
        return NULL;
    }
    w->pmm_words = pmm_storage_words(w->hm.map, 1);
    w->pmm_clean_words = malloc(w->pmm_words * sizeof(uint64_t));
    w->snap_words = malloc(w->pmm_words * sizeof(uint64_t));
    w->dirty = calloc((size_t)(w->hm.size / VMM_PAGE_SIZE + 63u) / 64u, sizeof(uint64_t));
    /* No zero hook: hostmem's frames have none (demand frames are zeroed
     * by the probes, world_note_written). */
    w->tracked = (vmm_frames_t){.alloc = tracked_alloc, .free = tracked_free,
                                .claim = tracked_claim, .ctx = w,
                                .in_use = w->hm.frames.in_use ? tracked_in_use : NULL};
    fail_frames_init(&w->ff, &w->tracked);
    w->allocator = fail_alloc_iface(&w->fa);
    w->frames = fail_frames_iface(&w->ff);
    if (w->pmm_clean_words != NULL)
        pmm_copy(w, &w->pmm_clean, w->pmm_clean_words);
    w->machine = w->pmm_clean_words && w->snap_words && w->dirty
                     ? emu_open(w->hm.buf, w->hm.base, w->hm.size) : NULL;
    vmm_status_t st = VMM_OK;
    if (w->machine == NULL || !world_rebuild(w, cfg, &st) || st != VMM_OK) {
        if (st != VMM_OK)
            report_status(cfg->boot ? "x86_boot_init" : "vmm_init", st);
        world_free(w);
        return NULL;
    }
    return w;
}

/* Frees the world: VMM records, machine, buffers. */
void world_free(world_t *w)
{
    if (w == NULL)
        return;
    if (w->built)
        vmm_deinit(&w->vmm);
    emu_close(w->machine);
    free(w->dirty);
    free(w->pmm_clean_words);
    free(w->snap_words);
    free(w->points);
    hostmem_destroy(&w->hm);
    free(w);
}

/* Generations handed out so far, over all worlds. */
static uint64_t generations;

/* Gives w a fresh generation; see world.h. */
void world_touch(world_t *w)
{
    w->generation = ++generations;
}

/* Drops cached translations after the tables changed. */
void world_tables_changed(world_t *w)
{
    world_touch(w);
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
    world_touch(w);
    return vmm_reserve(&w->vmm, count, page_size, attrs, flags, virt);
}

/* vmm_claim (maps nothing). */
vmm_status_t world_claim(world_t *w, uint64_t virt, size_t count, uint64_t page_size,
                         vmm_attrs_t attrs, uint32_t flags)
{
    world_touch(w);
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
