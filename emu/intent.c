/*
 * intent.c - what an address is meant to be, read from the VMM's records,
 * the map_page notes and the boot configuration: never from the tables.
 */
#include "probe.h"

#include "core/x86_64/pte.h"

/* Attributes of the direct map (boot.h: kernel, writable, not executable;
 * cached). */
#define DIRECT_MAP_ATTRS (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)

/* Sets *it to "mapped at phys with attrs in a page of page_size". */
static void mapped(intent_t *it, uint64_t phys, uint64_t page_size,
                   vmm_attrs_t attrs, const char *source)
{
    it->mapped = true;
    it->phys = phys;
    it->page_size = page_size;
    it->attrs = attrs;
    it->source = source;
}

/* True when the memory-map entry type is direct-mapped at boot. */
static bool direct_mapped_type(uint32_t type)
{
    return type == MEMMAP_USABLE || type == MEMMAP_BOOTLOADER_RECLAIMABLE ||
           type == MEMMAP_EXECUTABLE_AND_MODULES || type == MEMMAP_FRAMEBUFFER;
}

/* Returns true when a region of a type the direct map leaves out covers a
 * whole 4 KiB frame inside the physical bytes [lo, hi] (its type wins over
 * a mapped region that overlaps it, boot.h). */
static bool direct_excludes(const world_config_t *c, uint64_t lo, uint64_t hi)
{
    for (size_t i = 0; i < c->map_len; i++) {
        const memmap_entry_t *e = &c->map[i];
        if (e->length == 0 || direct_mapped_type(e->type))
            continue;
        uint64_t last = e->base + (e->length - 1u);
        uint64_t first = (e->base >> 12) + ((e->base & VMM_PAGE_MASK) != 0);
        uint64_t end = (last >> 12) + ((last & VMM_PAGE_MASK) == VMM_PAGE_MASK);
        if (first < end && first <= hi >> 12 && end - 1u >= lo >> 12)
            return true;
    }
    return false;
}

/* Returns true when the physical bytes [lo, hi] lie inside the direct map:
 * the mapped regions rounded out to 4 KiB, wherever they overlap or touch
 * (each pass over the unsorted map moves lo past a region holding it), and
 * no frame of them excluded (direct_excludes). */
static bool direct_covers(const world_config_t *c, uint64_t lo, uint64_t hi)
{
    if (direct_excludes(c, lo, hi))
        return false;
    for (bool moved = true; moved;) {
        moved = false;
        for (size_t i = 0; i < c->map_len; i++) {
            const memmap_entry_t *e = &c->map[i];
            if (e->length == 0 || !direct_mapped_type(e->type))
                continue;
            uint64_t first = e->base & ~VMM_PAGE_MASK;
            uint64_t last = (e->base + (e->length - 1u)) | VMM_PAGE_MASK;
            if (first <= lo && lo <= last) {
                if (last >= hi || last == UINT64_MAX)
                    return true;
                lo = last + 1u;
                moved = true;
            }
        }
    }
    return false;
}

/* Returns how many of the bytes [lo, hi] alias a read-only kernel segment:
 * 0 none, 1 all, 2 some (boot.h: a direct-map page never mixes them). */
static int read_only_alias(const world_config_t *c, uint64_t lo, uint64_t hi)
{
    bool any = false;
    for (size_t i = 0; i < c->kernel_len; i++) {
        const x86_kernel_segment_t *k = &c->kernel[i];
        uint64_t len = (k->size + VMM_PAGE_MASK) & ~VMM_PAGE_MASK;
        any |= len != 0 && !(k->attrs & VMM_ATTR_WRITABLE) && k->phys <= hi &&
               k->phys + (len - 1u) >= lo;
    }
    if (!any)
        return 0;
    for (bool moved = true; moved;) { /* all of it: move lo past each segment */
        moved = false;
        for (size_t i = 0; i < c->kernel_len; i++) {
            const x86_kernel_segment_t *k = &c->kernel[i];
            uint64_t len = (k->size + VMM_PAGE_MASK) & ~VMM_PAGE_MASK;
            if (len == 0 || (k->attrs & VMM_ATTR_WRITABLE) || k->phys > lo ||
                k->phys + (len - 1u) < lo)
                continue;
            if (k->phys + (len - 1u) >= hi)
                return 1;
            lo = k->phys + len;
            moved = true;
        }
    }
    return 2;
}

/* Returns true and the framebuffer entry i's frames as bytes [*lo, *hi]
 * (rounded out to 4 KiB), false when entry i is not a framebuffer. */
static bool framebuffer_bytes(const world_config_t *c, size_t i, uint64_t *lo, uint64_t *hi)
{
    const memmap_entry_t *e = &c->map[i];
    if (e->length == 0 || e->type != MEMMAP_FRAMEBUFFER)
        return false;
    *lo = e->base & ~VMM_PAGE_MASK;
    *hi = (e->base + (e->length - 1u)) | VMM_PAGE_MASK;
    return true;
}

/* Returns how many of the bytes [lo, hi] are framebuffer frames (those a
 * FRAMEBUFFER entry touches): 0 none, 1 all, 2 some (boot.h: a direct-map
 * page never holds framebuffer and RAM frames). */
static int framebuffer_frames(const world_config_t *c, uint64_t lo, uint64_t hi)
{
    bool any = false;
    uint64_t a, b;
    for (size_t i = 0; i < c->map_len; i++)
        any |= framebuffer_bytes(c, i, &a, &b) && a <= hi && b >= lo;
    if (!any)
        return 0;
    for (bool moved = true; moved;) { /* all of it: move lo past each entry */
        moved = false;
        for (size_t i = 0; i < c->map_len; i++) {
            if (!framebuffer_bytes(c, i, &a, &b) || a > lo || b < lo)
                continue;
            if (b >= hi)
                return 1;
            lo = b + 1u;
            moved = true;
        }
    }
    return 2;
}

/* Fills *it from the boot configuration (direct map, kernel segments);
 * true when va belongs to one of them. A direct-map address lies in the
 * largest page (1 GiB only with has_1g_pages) whose aligned block the
 * regions cover whole and that is all or none a read-only segment's alias
 * (read-only then, boot.h), all or none framebuffer frames; 4 KiB in the
 * first 2 MiB. */
static bool boot_intent(const world_t *w, uint64_t va, intent_t *it)
{
    const world_config_t *c = &w->cfg;
    if (!c->boot)
        return false;
    for (size_t i = 0; i < c->kernel_len; i++) {
        const x86_kernel_segment_t *k = &c->kernel[i];
        uint64_t len = (k->size + VMM_PAGE_MASK) & ~VMM_PAGE_MASK;
        if (va >= k->virt && va - k->virt < len) {
            mapped(it, k->phys + (va - k->virt), VMM_SIZE_4K,
                   k->attrs | VMM_ATTR_KERNEL, "kernel segment");
            return true;
        }
    }
    if (va < c->hhdm_offset)
        return false;
    uint64_t phys = va - c->hhdm_offset;
    static const uint64_t sizes[] = { VMM_SIZE_1G, VMM_SIZE_2M, VMM_SIZE_4K };
    for (size_t i = c->has_1g_pages ? 0 : 1; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint64_t first = phys & ~(sizes[i] - 1u);
        if (sizes[i] > VMM_SIZE_4K && first < VMM_SIZE_2M)
            continue; /* 4 KiB only in the first 2 MiB */
        int ro = read_only_alias(c, first, first + (sizes[i] - 1u));
        if (ro != 2 && framebuffer_frames(c, first, first + (sizes[i] - 1u)) != 2 &&
            direct_covers(c, first, first + (sizes[i] - 1u))) {
            mapped(it, phys, sizes[i], ro ? DIRECT_MAP_ATTRS & ~VMM_ATTR_WRITABLE : DIRECT_MAP_ATTRS,
                   "direct map");
            return true;
        }
    }
    return false;
}

/* Fills *it from the VMM record holding va; false when the record leaves
 * the question to the boot configuration (a vmm_set without phys). */
static bool record_intent(const world_t *w, const vmm_record_t *rec, uint64_t va,
                          intent_t *it)
{
    uint64_t off = va - rec->virt;
    switch (rec->kind) {
    case VMM_REC_ALLOC:
        mapped(it, vmm_record_frame(rec, off / VMM_PAGE_SIZE) + off % VMM_PAGE_SIZE,
               VMM_SIZE_4K, rec->attrs, "alloc record");
        return true;
    case VMM_REC_SET:
        if (rec->phys == VMM_NO_FRAME)
            return false;
        mapped(it, rec->phys + off, VMM_SIZE_4K, rec->attrs, "set record");
        return true;
    case VMM_REC_RESERVE: {
        uint64_t frame = vmm_record_frame(rec, (size_t)(off / rec->page_size));
        uint64_t page = va - off % rec->page_size;
        vmm_attrs_t attrs = rec->attrs;
        if (frame == VMM_NO_FRAME) {
            it->lazy = (rec->flags & VMM_RESERVE_LAZY) != 0;
            it->attrs = rec->attrs;
            it->source = it->lazy ? "lazy reservation, not faulted in"
                                  : "reservation, page not mapped";
            return true;
        }
        world_override(w, page, frame, &attrs);
        mapped(it, frame + off % rec->page_size, rec->page_size, attrs,
               "reservation page");
        return true;
    }
    default:
        return true;
    }
}

/* Fills *it with what va is meant to be; see probe.h. */
void probe_intent(const world_t *w, uint64_t va, intent_t *it)
{
    *it = (intent_t){.canonical = probe_canonical(va), .source = "nothing"};
    if (!it->canonical) {
        it->source = "non-canonical";
        return;
    }
    if (va >= EMU_AUX_VA && va - EMU_AUX_VA < EMU_AUX_PAGES * VMM_PAGE_SIZE) {
        emu_aux_page_t p = (emu_aux_page_t)((va - EMU_AUX_VA) / VMM_PAGE_SIZE);
        mapped(it, emu_aux_phys(p) + va % VMM_PAGE_SIZE, VMM_SIZE_4K,
               world_aux_attrs(p), "machine page");
        return;
    }
    const vmm_record_t *rec = NULL;
    if (va >= w->vmm.start && va < w->vmm.end)
        rec = vmm_find_record(&w->vmm, va);
    if (rec != NULL && record_intent(w, rec, va, it))
        return;
    boot_intent(w, va, it);
}
