/*
 * fuzz_emu.c - fuzz target `emu`: a fuzzed program of VMM operations builds a
 * state with the unchanged core (plainly or through x86_boot_init), then the
 * emulated CPU walks the tables: every page, edge, neighbour and interior is
 * judged three ways (intent, core walk, emulator; probe.h), emulated #PFs go
 * to the core's fault decision and demand faults are retried. Any mismatch
 * is a finding. Input format and ops: harness/fuzz_ops.h (EMU_OPS); the
 * loop: harness/fuzz_driver.h.
 *
 * One world serves every input: Unicorn is opened once, the host buffer
 * standing for physical memory is mapped once, and each input rebuilds the
 * tables and VMM in it at the cost of what the last input touched
 * (world_rebuild). The final probe translates every point and executes a
 * sample (probe_world_sampled, seeded by the input); ACCESS ops and scenario
 * tests execute everything they probe.
 *
 * Windows (mode bits 4..6) include ones that straddle the canonical hole,
 * lie inside it, end at it, and end at 2^64 - 4 KiB: the harness's own
 * canonical rule (fuzz_window_mappable) says whether vmm_init /
 * x86_boot_init must succeed or fail with VMM_ERR_NON_CANONICAL, and a
 * failed init must leave the frame manager exactly as it was.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_check.h"
#include "fuzz_driver.h"
#include "fuzz_walk.h"
#include "probe.h"
#include "world.h"

#define PHYS_SIZE ((uint64_t)8 << 20)
#define WINDOW_USER 0x0000100000000000ull
#define WINDOW_KERNEL 0xFFFFC00000000000ull
#define WINDOW_SIZE ((uint64_t)4 << 30) /* 4 x 1 GiB fit; bitmap 128 KiB */
#define HHDM 0xFFFF800000000000ull
#define KERNEL_VIRT 0xFFFFFFFF80000000ull
#define KERNEL_PHYS 0x100000ull
#define FAR_REGION 0x200000000ull     /* 8 GiB: usable, not backed */
#define FAR_REGION_SIZE ((uint64_t)64 << 20)
#define ATTR_RAW_FLAG 0x80u
#define ATTR_BITS 0x0Fu
#define MAX_PAGES 8u
#define MAX_COUNT 4u

/* Returns attributes from one byte (see fuzz_ops.h). */
static vmm_attrs_t attrs_of(uint8_t v)
{
    return (v & ATTR_RAW_FLAG) ? (vmm_attrs_t)v : (vmm_attrs_t)(v & ATTR_BITS);
}

/* Returns a page size from one byte (see fuzz_ops.h). */
static uint64_t size_of(uint8_t v)
{
    static const uint64_t sizes[] = {VMM_SIZE_4K, VMM_SIZE_2M, VMM_SIZE_1G};
    return v < 3 ? sizes[v] : v;
}

/* Returns the (i % n)-th record, or NULL when there is none. */
static const vmm_record_t *record_of(const world_t *w, uint8_t i)
{
    size_t n = 0;
    for (const vmm_record_t *r = vmm_first_record(&w->vmm); r; r = vmm_next_record(r))
        n++;
    if (n == 0)
        return NULL;
    const vmm_record_t *r = vmm_first_record(&w->vmm);
    for (size_t k = i % n; k > 0; k--)
        r = vmm_next_record(r);
    return r;
}

/* The VMM windows mode bits 4..6 pick (fuzz_ops.h); 0 is the default window
 * of the plain or boot world. */
#define TOP_END 0xFFFFFFFFFFFFF000ull /* 2^64 - 4 KiB                        */
static const struct window {
    uint64_t start, end;
} windows[EMU_WINDOWS] = {
    [EMU_WINDOW_DEFAULT] = {0, 0},
    [EMU_WINDOW_STRADDLE_LOW] = {0x00007FFFFFF00000ull, 0x0000800000100000ull},
    [EMU_WINDOW_STRADDLE_HIGH] = {0xFFFF7FFFFFF00000ull, 0xFFFF800000100000ull},
    [EMU_WINDOW_IN_HOLE] = {0x0000800000000000ull, 0x0000800000000000ull + WINDOW_SIZE},
    [EMU_WINDOW_TOP] = {TOP_END - WINDOW_SIZE, TOP_END},
    [EMU_WINDOW_TOP_SMALL] = {TOP_END - ((uint64_t)4 << 20), TOP_END},
    [EMU_WINDOW_HOLE_EDGE] = {EMU_AUX_VA + EMU_AUX_REGION, 0x0000800000000000ull},
    [EMU_WINDOW_HIGH_EDGE] = {0xFFFF800000000000ull, 0xFFFF800000000000ull + WINDOW_SIZE},
};

/* Builds the world's configuration from the mode byte. */
static void configure(world_config_t *c, uint8_t mode)
{
    *c = (world_config_t){.phys_base = 0, .phys_size = PHYS_SIZE};
    const struct window *win = &windows[EMU_MODE_WINDOW(mode)];
    c->window_start = (mode & EMU_MODE_BOOT) ? WINDOW_KERNEL : WINDOW_USER;
    c->window_end = c->window_start + WINDOW_SIZE;
    if (win->end != 0) {
        c->window_start = win->start;
        c->window_end = win->end;
    }
    if (!(mode & EMU_MODE_BOOT))
        return;
    c->boot = true;
    c->has_1g_pages = (mode & EMU_MODE_1G) != 0;
    c->hhdm_offset = HHDM;
    c->map[c->map_len++] = (memmap_entry_t){0, PHYS_SIZE, MEMMAP_USABLE};
    c->map[c->map_len++] = (memmap_entry_t){PHYS_SIZE, 0x1000, MEMMAP_RESERVED};
    if (mode & EMU_MODE_FAR_REGION)
        c->map[c->map_len++] = (memmap_entry_t){FAR_REGION, FAR_REGION_SIZE,
                                                MEMMAP_USABLE};
    c->kernel[c->kernel_len++] = (x86_kernel_segment_t){
        KERNEL_VIRT, KERNEL_PHYS, 0x2000, VMM_ATTR_EXECUTABLE | VMM_ATTR_CACHABLE};
    c->kernel[c->kernel_len++] = (x86_kernel_segment_t){
        KERNEL_VIRT + 0x2000, KERNEL_PHYS + 0x2000, 0x1000,
        VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE};
}

/* Returns a physical address for vmm_set from its class and number. */
static const uint64_t *phys_of(uint8_t cls, uint16_t n, uint64_t *buf)
{
    switch (cls % 4u) {
    case 0: return NULL;
    case 1: *buf = (uint64_t)(n % (PHYS_SIZE / VMM_PAGE_SIZE)) * VMM_PAGE_SIZE; break;
    case 2: *buf = (uint64_t)(1u + n % 60u) << 30; break;
    default: *buf = (uint64_t)(1u + n % 15u) << 40; break;
    }
    return buf;
}

/* map_page on a page of a reservation, with frames the VMM may own. */
static void op_map_page(world_t *w, fuzz_data_t *fd)
{
    const vmm_record_t *r = record_of(w, fd_u8(fd));
    uint16_t page = fd_u16(fd);
    vmm_attrs_t attrs = attrs_of(fd_u8(fd));
    if (r == NULL || r->kind != VMM_REC_RESERVE)
        return;
    uint64_t virt = r->virt + (uint64_t)(page % r->nframes) * r->page_size, phys;
    size_t frames = (size_t)(r->page_size / VMM_PAGE_SIZE);
    bool owned = r->page_size != VMM_SIZE_1G;
    if (!owned)
        phys = (uint64_t)(1u + page % 60u) << 30; /* unmanaged: never freed */
    else if (w->frames.alloc(w->frames.ctx, frames, frames, &phys) != VMM_OK)
        return;
    vmm_status_t st = world_map_page(w, r->virt, virt, phys, attrs);
    TRACE("map_page %#llx -> %#llx attrs %#x: %s", (unsigned long long)virt,
          (unsigned long long)phys, attrs, fuzz_status(st));
    if (st != VMM_OK && owned)
        FUZZ_CHECK(w->frames.free(w->frames.ctx, phys, frames) == VMM_OK, "frames",
                   "frames handed back after a failed map_page");
}

/* One judged access with the fault decision. */
static void op_access(world_t *w, fuzz_data_t *fd)
{
    const vmm_record_t *r = record_of(w, fd_u8(fd));
    uint32_t off = fd_u32(fd);
    uint8_t a = fd_u8(fd);
    uint64_t va = r ? r->virt + off % (r->pages * VMM_PAGE_SIZE + 2u * VMM_PAGE_SIZE)
                      - VMM_PAGE_SIZE
                    : w->vmm.start + off;
    emu_cpl_t cpl = (a & 1u) ? EMU_CPL3 : EMU_CPL0;
    emu_kind_t kind = (emu_kind_t)((a >> 1) % EMU_KINDS);
    uint64_t demand = w->stats.demand_resolved;
    probe_access(w, va, cpl, kind, PROBE_ALL);
    TRACE("access %#llx %s %s%s", (unsigned long long)va, emu_cpl_name(cpl),
          emu_kind_name(kind), w->stats.demand_resolved > demand ? ": demand fault resolved" : "");
}

/* Runs one op (seed: for the PROBE op's sample). */
static void run_op(world_t *w, fuzz_data_t *fd, uint8_t op, uint64_t seed)
{
    uint64_t virt = 0, pbuf;
    vmm_status_t st = VMM_OK;
    switch (op) {
    case EMU_OP_ALLOC: {
        size_t pages = 1u + fd_u8(fd) % MAX_PAGES;
        st = world_alloc(w, pages, attrs_of(fd_u8(fd)), &virt);
        TRACE("alloc %zu: %s %#llx", pages, fuzz_status(st), (unsigned long long)virt);
        break;
    }
    case EMU_OP_SET: {
        uint64_t va = w->vmm.start + (uint64_t)fd_u16(fd) * VMM_PAGE_SIZE;
        uint64_t len = (1u + fd_u8(fd) % MAX_PAGES) * VMM_PAGE_SIZE;
        uint8_t cls = fd_u8(fd);
        const uint64_t *phys = phys_of(cls, fd_u16(fd), &pbuf);
        st = world_set(w, va, len, phys, attrs_of(fd_u8(fd)));
        TRACE("set %#llx +%#llx phys %#llx: %s", (unsigned long long)va,
              (unsigned long long)len, phys ? (unsigned long long)*phys : 0ull,
              fuzz_status(st));
        break;
    }
    case EMU_OP_FREE:
    case EMU_OP_RELEASE: {
        const vmm_record_t *r = record_of(w, fd_u8(fd));
        if (r == NULL || (w->cfg.boot && r->kind == VMM_REC_SET && r->phys == VMM_NO_FRAME))
            break; /* boot's own records stay */
        virt = r->virt;
        st = op == EMU_OP_FREE ? world_free_range(w, virt) : world_release(w, virt);
        TRACE("%s %#llx: %s", op == EMU_OP_FREE ? "free" : "release",
              (unsigned long long)virt, fuzz_status(st));
        break;
    }
    case EMU_OP_RESERVE:
    case EMU_OP_CLAIM: {
        uint64_t va = op == EMU_OP_CLAIM
                          ? w->vmm.start + (uint64_t)fd_u16(fd) * VMM_PAGE_SIZE : 0;
        size_t count = 1u + fd_u8(fd) % MAX_COUNT;
        uint64_t size = size_of(fd_u8(fd));
        vmm_attrs_t attrs = attrs_of(fd_u8(fd));
        uint32_t flags = (fd_u8(fd) & 1u) ? VMM_RESERVE_LAZY : 0;
        if (op == EMU_OP_CLAIM && size < VMM_SIZE_1G && size > 0)
            va &= ~(size - 1u);
        st = op == EMU_OP_CLAIM ? world_claim(w, va, count, size, attrs, flags)
                                : world_reserve(w, count, size, attrs, flags, &va);
        TRACE("%s %zu x %#llx at %#llx: %s", op == EMU_OP_CLAIM ? "claim" : "reserve",
              count, (unsigned long long)size, (unsigned long long)va, fuzz_status(st));
        break;
    }
    case EMU_OP_MAP_PAGE:
        op_map_page(w, fd);
        break;
    case EMU_OP_ACCESS:
        op_access(w, fd);
        break;
    case EMU_OP_PROBE: /* translate everything, execute a sample */
        probe_world_sampled(w, seed);
        break;
    case EMU_OP_FAIL: {
        uint8_t which = fd_u8(fd), n = fd_u8(fd);
        if (which & 1u)
            w->fa.countdown = n % 8u;
        else
            w->ff.countdown = n % 8u;
        break;
    }
    default:
        break;
    }
    (void)st;
}

/* Builds the world for cfg; false (after checking the failure) when the
 * window cannot be mapped and init had to refuse it. */
static bool build(world_t *w, const world_config_t *cfg, uint8_t mode)
{
    vmm_status_t st;
    bool canonical = fuzz_window_mappable(cfg->window_start, cfg->window_end);
    const char *init = cfg->boot ? "x86_boot_init" : "vmm_init";
    FUZZ_CHECK(world_rebuild(w, cfg, &st), "world", "the world could not be rebuilt");
    TRACE("%s [%#llx, %#llx): %s", init, (unsigned long long)cfg->window_start,
          (unsigned long long)cfg->window_end, fuzz_status(st));
    if (canonical) {
        FUZZ_CHECK(st == VMM_OK, "init", "%s of a canonical window failed: %s (mode %#x)",
                   init, fuzz_status(st), mode);
        return true;
    }
    FUZZ_CHECK(st == VMM_ERR_NON_CANONICAL, "init-non-canonical",
               "%s of [%#llx, %#llx) returned %s, not VMM_ERR_NON_CANONICAL", init,
               (unsigned long long)cfg->window_start, (unsigned long long)cfg->window_end,
               fuzz_status(st));
    FUZZ_CHECK(!w->failed_init_changed, "init-unchanged",
               "the failed %s left the frame manager changed (hint or bitmap)", init);
    return false;
}

/* The target's state: the world every input rebuilds, and the input's. */
typedef struct emu_fuzz {
    world_t *world;    /* opened at the first input                 */
    uint8_t mode;
    uint64_t seed;     /* FNV-1a of the input: the probes' samples  */
    unsigned ops_run;
} emu_fuzz_t;

static void *emu_create(void)
{
    static emu_fuzz_t state;
    return &state;
}

/* Returns a seed for the probe sample: FNV-1a of the input. */
static uint64_t input_seed(const fuzz_data_t *fd)
{
    uint64_t h = 0xCBF29CE484222325ull;
    for (size_t i = 0; i < fd->left; i++)
        h = (h ^ fd->next[i]) * 0x100000001B3ull;
    return h;
}

/* Reads the mode, builds the world; false when init refused the window. */
static bool emu_setup(void *state, fuzz_data_t *fd)
{
    emu_fuzz_t *s = state;
    s->seed = input_seed(fd);
    s->mode = fd_u8(fd);
    s->ops_run = 0;
    world_config_t cfg;
    configure(&cfg, s->mode);
    if (s->world == NULL) {
        world_config_t first = cfg;
        first.window_start = WINDOW_USER;
        first.window_end = WINDOW_USER + WINDOW_SIZE;
        first.boot = false;
        s->world = world_new(&first);
        FUZZ_CHECK(s->world != NULL, "world", "the emulated machine could not be set up");
    }
    s->world->report_limit = 5;
    return build(s->world, &cfg, s->mode);
}

static void emu_run_op(void *state, fuzz_data_t *fd, unsigned op)
{
    emu_fuzz_t *s = state;
    run_op(s->world, fd, (uint8_t)op, s->seed + s->ops_run++);
}

/* After every op: the changed points translated (mode bit 3), no mismatch. */
static void emu_check_op(void *state)
{
    emu_fuzz_t *s = state;
    world_t *w = s->world;
    if (s->mode & EMU_MODE_PROBE_EACH)
        probe_world(w, PROBE_TRANSLATE | PROBE_CHANGED);
    FUZZ_CHECK(w->stats.mismatches == 0, "emulator", "%llu mismatch(es), see above",
               (unsigned long long)w->stats.mismatches);
}

/* At the end: every point translated, a sample executed (no failures). */
static void emu_check_final(void *state)
{
    emu_fuzz_t *s = state;
    world_t *w = s->world;
    w->fa.countdown = -1;
    w->ff.countdown = -1;
    probe_world_sampled(w, s->seed);
    FUZZ_CHECK(w->stats.mismatches == 0, "emulator", "%llu mismatch(es) in the final probe",
               (unsigned long long)w->stats.mismatches);
}

/* Releases the state: vmm_deinit must free every record. */
static void emu_reset(void *state)
{
    emu_fuzz_t *s = state;
    world_t *w = s->world;
    world_clear(w);
    FUZZ_CHECK(w->fa.live == 0, "records-freed",
               "vmm_deinit left %zu allocation(s) (%zu bytes) unfreed", w->fa.live,
               w->fa.live_bytes);
}

static const fuzz_target_t emu_target = {
    .ops = emu_op_desc,
    .nops = EMU_OP_COUNT,
    .max_ops = EMU_MAX_OPS,
    .create = emu_create,
    .setup = emu_setup,
    .run_op = emu_run_op,
    .check_op = emu_check_op,
    .check_final = emu_check_final,
    .reset = emu_reset,
};

FUZZ_TARGET(emu_target)
