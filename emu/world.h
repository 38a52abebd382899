/*
 * world.h - one VMM state built by the unchanged core inside a hostmem
 * buffer, the emulated CPU that walks its tables, and what the state is
 * meant to map (the intent) so both can be judged.
 *
 * A world is built either plainly (x86_paging_init + vmm_init over a window)
 * or by x86_boot_init (direct map, kernel segments, window). Operations go
 * through the core's public API; the world remembers only what the API does
 * not keep (the attributes given to vmm_map_page). The machine's auxiliary
 * pages are mapped with x86_map at EMU_AUX_VA, outside every window.
 */
#ifndef EMU_WORLD_H
#define EMU_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vmm.h"
#include "core/x86_64/boot.h"
#include "core/x86_64/paging.h"
#include "fail_alloc.h"
#include "fail_frames.h"
#include "hostmem.h"
#include "machine.h"

#define WORLD_MAX_OVERRIDES 256u /* vmm_map_page attributes remembered */
#define WORLD_MAX_REGIONS 8u     /* boot memory-map entries             */
#define WORLD_MAX_SEGMENTS 4u    /* boot kernel segments                */

/* Attributes given to vmm_map_page for one page (the record keeps its own
 * reservation attributes only). */
typedef struct world_override {
    uint64_t page;  /* virtual start of the page       */
    uint64_t phys;  /* frame it was mapped to           */
    vmm_attrs_t attrs;
} world_override_t;

/* How a world is built. */
typedef struct world_config {
    uint64_t phys_base, phys_size; /* the hostmem buffer                 */
    uint64_t window_start, window_end; /* the VMM window                 */
    bool boot;                     /* build with x86_boot_init            */
    bool has_1g_pages;             /* boot: 1 GiB direct-map pages         */
    uint64_t hhdm_offset;          /* boot: direct-map offset              */
    memmap_entry_t map[WORLD_MAX_REGIONS]; /* boot: memory map (empty: the
                                      hostmem buffer alone)               */
    size_t map_len;
    x86_kernel_segment_t kernel[WORLD_MAX_SEGMENTS]; /* boot: kernel image */
    size_t kernel_len;
    emu_machine_t *machine;        /* reuse this machine (the caller keeps
                                      it); NULL: open one for the world   */
} world_config_t;

/* Counters of one world's checks. */
typedef struct world_stats {
    uint64_t translations;  /* uc_vmem_translate checks            */
    uint64_t accesses;      /* executed loads/stores/fetches        */
    uint64_t faults_decided;/* #PF handed to the core's fault decision */
    uint64_t demand_resolved; /* demand faults resolved and retried */
    uint64_t mismatches;
    uint64_t error_bits_seen; /* union of #PF error codes observed   */
    uint64_t verdicts_seen;   /* bit per vmm_fault_kind_t observed   */
} world_stats_t;

typedef struct world {
    world_config_t cfg;
    hostmem_t hm;
    fail_alloc_t fa;
    fail_frames_t ff;
    vmm_frames_t frames;        /* ff over hm.frames                   */
    vmm_allocator_t allocator;  /* fa                                  */
    x86_paging_t pt;
    vmm_t vmm;
    x86_boot_result_t boot;
    world_override_t overrides[WORLD_MAX_OVERRIDES];
    size_t noverrides;
    emu_machine_t *machine;
    world_stats_t stats;
    unsigned report_limit;      /* mismatches printed in full          */
    const char *context;        /* printed with mismatches (scenario line) */
} world_t;

/* Builds the world (tables, VMM, auxiliary pages, started machine). Returns
 * NULL and prints why on failure (a core error is printed by name). */
world_t *world_new(const world_config_t *cfg);
void world_free(world_t *w);

/* The core's operations; each returns the core's status and keeps the
 * world's notes (map_page attributes) in step. */
vmm_status_t world_alloc(world_t *w, size_t pages, vmm_attrs_t attrs, uint64_t *virt);
vmm_status_t world_set(world_t *w, uint64_t virt, uint64_t len, const uint64_t *phys,
                       vmm_attrs_t attrs);
vmm_status_t world_free_range(world_t *w, uint64_t virt);
vmm_status_t world_reserve(world_t *w, size_t count, uint64_t page_size,
                           vmm_attrs_t attrs, uint32_t flags, uint64_t *virt);
vmm_status_t world_claim(world_t *w, uint64_t virt, size_t count, uint64_t page_size,
                         vmm_attrs_t attrs, uint32_t flags);
vmm_status_t world_map_page(world_t *w, uint64_t reservation, uint64_t virt,
                            uint64_t phys, vmm_attrs_t attrs);
vmm_status_t world_release(world_t *w, uint64_t reservation);

/* Tells the machine that the tables changed. */
void world_tables_changed(world_t *w);

/* True when the emulator has memory behind physical byte phys (the hostmem
 * buffer or the machine's pages). */
bool world_backed(const world_t *w, uint64_t phys);

/* Attributes the machine's page is mapped with. */
vmm_attrs_t world_aux_attrs(emu_aux_page_t page);

/* The map_page attributes noted for page, or false. */
bool world_override(const world_t *w, uint64_t page, uint64_t phys, vmm_attrs_t *attrs);

#endif
