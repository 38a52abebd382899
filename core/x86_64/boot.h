/*
 * boot.h - boot-time initialisation (the Rust seed's init): a new PML4, the
 * higher-half direct map, the kernel image in the top 512 GiB, and a VMM
 * whose tracking already holds both.
 *
 * The caller reads CPUID (has_1g_pages) and writes CR3 itself.
 *
 * What is recorded: the direct-map runs and the image's segments, each as
 * a pinned record. The Rust seed adds the whole top 512 GiB as one
 * permanent interval; here only the segments are taken, and the rest of
 * the top 512 GiB is free for kernel allocations like any other free part
 * of the window (issue 11: "kernel allocations may land anywhere that is
 * free"). A kernel that wants it closed claims it (vmm_claim) and pins it.
 * The same holds for the holes of the direct map (MMIO, firmware, the PCI
 * hole): they are free in the VMM, so a kernel allocation may land at
 * hhdm_offset + phys of a hole (first fit takes the lowest: on a PC the
 * legacy window at 0xA0000), and a stray phys-to-virt of a hole then
 * reads that allocation instead of faulting. Record (vmm_set without phys)
 * and pin the holes you want kept, as kernel/mm.c's pin_direct_holes does,
 * or put the VMM window elsewhere.
 */
#ifndef CORE_X86_64_BOOT_H
#define CORE_X86_64_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../alloc.h"
#include "../frames.h"
#include "../memmap.h"
#include "../vmm.h"
#include "paging.h"
#include "../vmm_cdefs.h"

VMM_BEGIN_DECLS

/* One piece of the kernel image, mapped with 4 KiB pages and its own rights:
 * W^X is enforced, a piece both writable and executable is refused
 * (VMM_ERR_INVALID_ARGUMENT), and the direct map's alias of a piece that is
 * not writable is read-only (x86_boot_init). */
typedef struct x86_kernel_segment {
    uint64_t virt;      /* >= X86_KERNEL_BASE, 4 KiB aligned */
    uint64_t phys;      /* 4 KiB aligned                     */
    uint64_t size;      /* bytes, rounded up to 4 KiB        */
    vmm_attrs_t attrs;  /* VMM_ATTR_KERNEL is implied        */
} x86_kernel_segment_t;

typedef struct x86_boot_config {
    const memmap_entry_t *map;   /* the boot memory map                      */
    size_t map_len;
    uint64_t hhdm_offset;        /* phys p appears at p + hhdm_offset; 1 GiB
                                    aligned (2 MiB without 1 GiB pages)      */
    bool has_1g_pages;           /* CPUID.80000001h:EDX.Page1GB              */
    const x86_kernel_segment_t *kernel; /* kernel image pieces              */
    size_t kernel_len;
    uint64_t access_offset;      /* how the core reaches frames while building
                                    (x86_paging_t.access_offset)             */
    /* The VMM returned: window [vmm_start, vmm_end) (e.g. the whole higher
     * half, [0xFFFF800000000000, 2^64 - 4K)). The parts of the direct map
     * and kernel image inside the window are set (vmm_set, one record per
     * run, without phys: the VMM did not map them) and pinned (vmm_pin):
     * vmm_free / vmm_release of them fail with VMM_ERR_PINNED, only
     * vmm_deinit drops them. The allocator stores the VMM's records and
     * bitmap nodes. */
    uint64_t vmm_start, vmm_end;
    vmm_allocator_t allocator;
} x86_boot_config_t;

/* The seed's VmmReturn. */
typedef struct x86_boot_result {
    uint64_t cr3;            /* value for CR3: PML4 address | cr3_flags     */
    uint64_t cr3_flags;      /* PWT/PCD bits of CR3 (0: write-back)         */
    uint64_t direct_map_page;/* largest page size the direct map may use
                                (1 GiB with has_1g_pages, else 2 MiB): the
                                ends of its runs use smaller pages           */
    size_t table_frames;     /* table frames used, the PML4 included        */
} x86_boot_result_t;

/* Direct-maps every USABLE, BOOTLOADER_RECLAIMABLE, EXECUTABLE_AND_MODULES
 * and FRAMEBUFFER region at hhdm_offset + phys, rounded out to 4 KiB, minus
 * the frames an entry of any other type covers whole (where a raw map's
 * entries overlap, a reserved, ACPI, bad or unknown entry wins, as in the
 * pmm; a frame it only shares with RAM stays mapped), and nothing more:
 * each maximal run of such frames (regions that overlap or touch merged)
 * of one kind (framebuffer frames, those a FRAMEBUFFER entry touches, in
 * runs apart from RAM's) gets the largest pages that fit inside it, 4 KiB up to the
 * first 2 MiB boundary, 2 MiB up to the first 1 GiB one, 1 GiB pages
 * (has_1g_pages), then 2 MiB and 4 KiB to its end, and 4 KiB pages only
 * in the first 2 MiB of physical memory (as Linux does). So no
 * direct-map page reaches MMIO, firmware or a hole next to RAM (the local
 * APIC, the IOAPIC, the legacy VGA window stay unmapped), and a large page
 * lies inside one run of RAM frames or of framebuffer frames, never both
 * nor over the first 2 MiB (a large page over ranges the MTRRs give
 * different types is undefined, SDM vol. 3, 11.11.9: firmware types a
 * framebuffer UC or WC, and the fixed-range MTRRs the first MiB in pieces).
 * Each frame is mapped once; kernel, writable, not executable, global (in
 * the kernel half: paging.h), write-back (CACHABLE), the framebuffer too:
 * map it again write-combining or uncached elsewhere to draw through it.
 * The direct map's alias of a kernel segment that is not writable (text,
 * rodata) is read-only too, so W^X holds on both mappings of the image (as
 * Linux's alias handling does): a run is cut where such a segment's frames
 * start and end, and the pages there are the largest that fit each part;
 * the VMM records each part with its rights. The
 * legacy range [0xA0000, 0x100000) is mapped (with 4 KiB pages) when the
 * map calls it RAM; firmware maps normally report it reserved.
 * ACPI_RECLAIMABLE, ACPI_NVS, RESERVED, BAD_MEMORY and unknown types are
 * not mapped: read ACPI tables through a mapping of your own, and zero a
 * reclaimed ACPI range only after adding it to the map you boot with.
 * Maps each kernel segment at its virt with 4 KiB pages. Initialises *pt
 * (tables) and *vmm (mapper = pt; the parts of both inside its window are
 * pinned records, see vmm_start above) and fills *result. Cost: the pages
 * mapped (at most 2 x 511 4 KiB and 2 x 511 2 MiB pages per run besides
 * its largest pages), plus O(map_len^2) to find the direct map's runs in
 * the unsorted map without storage, whatever its order and overlaps (1000
 * entries: about 50 ms; 8000: about 3 s).
 * Errors (nothing kept, every frame and allocator block returned; *pt and
 * *result as they were; *vmm as it was, except after a failure past
 * vmm_init, which leaves it zeroed: inert, as a vmm_t whose init failed,
 * vmm.h; a kernel's zeroed static vmm_t is thus unchanged either way):
 * VMM_ERR_INVALID_ARGUMENT
 * (also a kernel segment with unknown attribute bits, or writable and
 * executable at once), VMM_ERR_NON_CANONICAL (the VMM window, checked
 * first), VMM_ERR_MISALIGNED, VMM_ERR_OVERFLOW (a memory-map entry or a
 * kernel segment whose end wraps, or hhdm_offset + a mapped region's end:
 * the direct map must fit below 2^64, clear of the image, so on a machine
 * with more RAM than the space above hhdm_offset the whole boot fails;
 * Linux clamps such RAM, the core leaves that to the caller's map),
 * VMM_ERR_NON_CANONICAL (the direct map reaching the canonical hole),
 * VMM_ERR_LARGE_PAGE_CONFLICT / VMM_ERR_ALREADY_MAPPED (a segment over the
 * direct map), VMM_ERR_OUT_OF_FRAMES,
 * VMM_ERR_OUT_OF_MEMORY, and the errors of vmm_init / x86_map. */
vmm_status_t x86_boot_init(const x86_boot_config_t *cfg,
                           const vmm_frames_t *frames, x86_paging_t *pt,
                           vmm_t *vmm, x86_boot_result_t *result);

/* The minimum number of table frames a direct map of cfg needs plus the
 * kernel segments (PML4 included): what x86_boot_init must use. 0 for a
 * configuration x86_boot_init refuses before mapping anything (cfg NULL,
 * NULL arrays with entries, a non-canonical window, a misaligned hhdm,
 * an entry or segment it rejects, a direct map that wraps or leaves
 * canonical space); a layout whose mappings collide (a segment over the
 * direct map) or that vmm_init refuses is still counted. Cost: no storage,
 * O(map_len^2 + kernel_len^2), about 2.5x x86_boot_init's run search (it
 * walks the runs once per table level). */
size_t x86_boot_min_table_frames(const x86_boot_config_t *cfg);

VMM_END_DECLS

#endif
