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
#define WORLD_SIGNATURES 4096u   /* probe signatures kept (power of 2)  */

/* What a probed address looked like at its last PROBE_CHANGED probe
 * (probe.h): valid while epoch is the world's signature epoch. */
typedef struct world_signature {
    uint64_t va, signature, epoch;
} world_signature_t;

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
} world_config_t;

/* Counters of one world's checks. */
typedef struct world_stats {
    uint64_t translations;  /* translate checks                    */
    uint64_t walks;         /* ... of them, uc_vmem_translate calls
                               (the others reused an answer: answers.h) */
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
    pmm_t pmm_clean;            /* hm.pmm as hostmem_init left it      */
    uint64_t *pmm_clean_words;  /* ... and its storage                 */
    size_t pmm_words;
    uint64_t *dirty;            /* frames written since the last build
                                   (poisoned again by the next)        */
    vmm_frames_t tracked;       /* hm.frames, noting single frames in
                                   dirty (tables are written; large
                                   pages only where zero_frame wrote)  */
    fail_alloc_t fa;
    fail_frames_t ff;
    vmm_frames_t frames;        /* ff over tracked                     */
    vmm_allocator_t allocator;  /* fa                                  */
    x86_paging_t pt;
    vmm_t vmm;
    bool built;                 /* tables and VMM exist                */
    bool failed_init_changed;   /* the failed vmm_init / x86_boot_init
                                   left the frame manager changed      */
    x86_boot_result_t boot;
    world_override_t overrides[WORLD_MAX_OVERRIDES];
    size_t noverrides;
    emu_machine_t *machine;
    unsigned phys_bits;         /* the machine's MAXPHYADDR            */
    world_stats_t stats;
    uint64_t generation;        /* changes with every state (world_touch) */
    world_signature_t signatures[WORLD_SIGNATURES];
    uint64_t signature_epoch;   /* world_clear starts a new one          */
    size_t signatures_used;
    uint64_t *points;           /* scratch list of probe points          */
    size_t points_cap;
    uint64_t *snap_words;       /* scratch copy of the pmm's storage     */
    unsigned report_limit;      /* mismatches printed in full          */
    const char *context;        /* printed with mismatches (scenario line) */
} world_t;

/* Builds the world (tables, VMM, auxiliary pages, started machine). Returns
 * NULL and prints why on failure (a core error is printed by name). */
world_t *world_new(const world_config_t *cfg);
void world_free(world_t *w);

/* Builds w again for cfg (same phys_base and phys_size as before) at the
 * cost of what the last state touched: releases the VMM (vmm_deinit), fills
 * every frame written since the last build with HOSTMEM_POISON again,
 * puts the frame manager back as hostmem_init left it, and
 * points the started machine at the new tables (TLB flushed). Returns false
 * (and prints why) when the harness failed; else true with *core the
 * status of vmm_init / x86_boot_init: on an error w->built is false and
 * w->failed_init_changed tells whether the call left the frame manager
 * changed (it must not). */
bool world_rebuild(world_t *w, const world_config_t *cfg, vmm_status_t *core);

/* Releases the VMM state (vmm_deinit: w->fa.live then counts record
 * memory the core did not give back), poisons the frames handed out since
 * the last build again and puts the frame manager back as hostmem_init left
 * it. world_rebuild starts with it; cheap when already done. */
void world_clear(world_t *w);

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

/* Notes that the harness wrote count frames from phys: the next build
 * poisons them again. (Single frames the core allocates, its tables among
 * them, are noted by the world's frame source itself; probes put back
 * every byte they store.) */
void world_note_written(world_t *w, uint64_t phys, size_t count);

/* Tells the machine that the tables changed (and world_touch). */
void world_tables_changed(world_t *w);

/* Gives w a generation no world had before: what was computed from its
 * records or tables must be computed again. */
void world_touch(world_t *w);

/* True when the emulator has memory behind physical byte phys (the hostmem
 * buffer or the machine's pages). */
bool world_backed(const world_t *w, uint64_t phys);

/* Attributes the machine's page is mapped with. */
vmm_attrs_t world_aux_attrs(emu_aux_page_t page);

/* The map_page attributes noted for page, or false. */
bool world_override(const world_t *w, uint64_t page, uint64_t phys, vmm_attrs_t *attrs);

#endif
