/*
 * bench_boot.c - boot initialisation (x86_boot_init): time and table frames
 * for PC-like memory maps of 1 GiB, 64 GiB and 1 TiB, with and without
 * 1 GiB pages, beside x86_boot_min_table_frames (ratio = frames used /
 * minimum, 1.00x is optimal). The time's floor is zeroing that many frames.
 *
 * Cross-checks: result and tables agree on the frame count, it is never
 * below the minimum, the direct map translates (usable RAM mapped, the PCI
 * hole not), and teardown returns every frame.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "core/x86_64/boot.h"
#include "hostmem.h"

#define HHDM ((uint64_t)0xFFFF800000000000ull)
#define HOST_BYTES ((uint64_t)16 << 20)
#define GIB ((uint64_t)1 << 30)
#define MIB ((uint64_t)1 << 20)
#define PCI_HOLE (3 * GIB)          /* [3 GiB, 4 GiB) is not RAM */
#define HIGHER_HALF HHDM            /* the VMM manages the whole higher half */
#define REPS 20
#define MAP_MAX 8

/* A PC-like e820 map of ram bytes of RAM: low memory, the BIOS area, RAM up
 * to the PCI hole, ACPI tables, RAM above 4 GiB. Returns the entry count. */
static size_t pc_map(memmap_entry_t *map, uint64_t ram)
{
    size_t n = 0;
    uint64_t below = ram < PCI_HOLE ? ram : PCI_HOLE;
    map[n++] = (memmap_entry_t){0x1000, 0x9E000, MEMMAP_USABLE};
    map[n++] = (memmap_entry_t){0xF0000, 0x10000, MEMMAP_RESERVED};
    map[n++] = (memmap_entry_t){MIB, below - MIB - 2 * MIB, MEMMAP_USABLE};
    map[n++] = (memmap_entry_t){below - 2 * MIB, 2 * MIB, MEMMAP_ACPI_RECLAIMABLE};
    if (ram > PCI_HOLE)
        map[n++] = (memmap_entry_t){4 * GIB, ram - PCI_HOLE, MEMMAP_USABLE};
    return n;
}

/* The kernel image: text, rodata, data+bss at 2 MiB physical. */
static const x86_kernel_segment_t kernel[] = {
    {X86_KERNEL_BASE, 2 * MIB, 2 * MIB, VMM_ATTR_EXECUTABLE | VMM_ATTR_CACHABLE},
    {X86_KERNEL_BASE + 2 * MIB, 4 * MIB, MIB, VMM_ATTR_CACHABLE},
    {X86_KERNEL_BASE + 3 * MIB, 5 * MIB, 4 * MIB, VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE},
};

/* Checks a few translations of the direct map just built. */
static void check_direct_map(const x86_paging_t *pt, uint64_t ram)
{
    x86_walk_t w;
    uint64_t probe = MIB + 0x1234;
    if (x86_translate(pt, HHDM + probe, &w) != VMM_OK || w.phys != probe)
        bench_fail("direct map: %#llx not mapped to itself", (unsigned long long)probe);
    uint64_t top = ram > PCI_HOLE ? 4 * GIB + (ram - PCI_HOLE) - 8 : ram - 2 * MIB - 8;
    if (x86_translate(pt, HHDM + top, &w) != VMM_OK || w.phys != top)
        bench_fail("direct map: top of RAM %#llx not mapped", (unsigned long long)top);
    if (ram > PCI_HOLE && x86_translate(pt, HHDM + PCI_HOLE + GIB / 2, &w) == VMM_OK)
        bench_fail("direct map: the PCI hole is mapped");
}

/* Measures one configuration and prints its row. */
static void boot_case(hostmem_t *hm, uint64_t ram, bool has_1g, int reps)
{
    memmap_entry_t map[MAP_MAX];
    x86_boot_config_t cfg = {
        .map = map, .map_len = pc_map(map, ram), .hhdm_offset = HHDM,
        .has_1g_pages = has_1g, .kernel = kernel,
        .kernel_len = sizeof kernel / sizeof kernel[0],
        .access_offset = hm->access_offset,
        .vmm_start = HIGHER_HALF, .vmm_end = 0 - VMM_PAGE_SIZE, /* the kernel's window */
        .allocator = bench_heap_allocator(),
    };
    size_t min = x86_boot_min_table_frames(&cfg), frames = 0, track = 0, records = 0;
    double best = 0;
    for (int r = 0; r < reps; r++) {
        x86_paging_t pt;
        vmm_t vmm;
        x86_boot_result_t res;
        uint64_t t0 = bench_now_ns();
        vmm_status_t st = x86_boot_init(&cfg, &hm->frames, &pt, &vmm, &res);
        double ns = (double)(bench_now_ns() - t0);
        if (st != VMM_OK) {
            bench_fail("x86_boot_init(%llu GiB) failed: %s",
                       (unsigned long long)(ram / GIB), vmm_strerror(st));
            return;
        }
        if (r == 0 || ns < best)
            best = ns;
        frames = res.table_frames;
        if (frames != pt.table_frames || frames < min)
            bench_fail("boot %llu GiB: %zu frames (tables %zu), minimum %zu",
                       (unsigned long long)(ram / GIB), frames, pt.table_frames, min);
        if (r == 0) {
            check_direct_map(&pt, ram);
            track = hbitmap_bytes(&vmm.bitmap) + sizeof vmm.bitmap +
                    vmm.index.chunks * VMM_INDEX_CHUNK_BYTES + vmm.tree.nodes * sizeof(vmm_bnode_t);
            for (const vmm_record_t *rec = vmm_first_record(&vmm); rec; rec = vmm_next_record(rec))
                records++;
        }
        vmm_deinit(&vmm);
        x86_paging_destroy(&pt);
    }
    /* The floor: zeroing that many frames. */
    uint64_t t0 = bench_now_ns();
    for (size_t f = 0; f < frames && f * VMM_PAGE_SIZE < hm->size; f++)
        memset(hm->buf + f * VMM_PAGE_SIZE, 0, VMM_PAGE_SIZE);
    double zero_ns = (double)(bench_now_ns() - t0);

    char fig[96], v[64], base[96], t[112], z[32];
    snprintf(fig, sizeof fig, "boot init, %llu GiB map, %s direct map",
             (unsigned long long)(ram / GIB), has_1g ? "1G" : "2M");
    snprintf(v, sizeof v, "%s, %zu table frames", bench_fmt_time(t, sizeof t, best), frames);
    snprintf(base, sizeof base, "minimum %zu frames (zeroing them: %s)", min,
             bench_fmt_time(z, sizeof z, zero_ns));
    bench_row(fig, v, base, (double)frames / (double)min,
              "ratio = frames / minimum, goal 1.00x");
    if (ram == 4 * GIB && has_1g) {
        /* the hbitmap's nodes + its embedded root + the record index's
         * chunks, against a flat bitmap */
        uint64_t flat = ((0 - VMM_PAGE_SIZE - HIGHER_HALF) >> VMM_PAGE_SHIFT) / 8u;
        snprintf(fig, sizeof fig, "VMM tracking memory, higher half after boot, 4 GiB RAM");
        snprintf(v, sizeof v, "%zu bytes", track);
        snprintf(base, sizeof base, "flat bitmap %llu bytes", (unsigned long long)flat);
        snprintf(t, sizeof t, "ratio = bytes / flat (lower is better); %zu records; goal <= 65536 bytes",
                 records);
        bench_row(fig, v, base, (double)track / (double)flat, t);
    }
}

void bench_boot(const bench_opts_t *opts)
{
    static const uint64_t full[] = {GIB, 4 * GIB, 64 * GIB, 1024 * GIB};
    static const uint64_t smoke[] = {GIB, 4 * GIB, 64 * GIB};
    const uint64_t *rams = opts->smoke ? smoke : full;
    size_t count = opts->smoke ? 3 : 4;
    hostmem_t hm;
    hostmem_snap_t snap;
    if (!hostmem_init(&hm, 256 * MIB, HOST_BYTES) || !hostmem_snap_take(&hm, &snap)) {
        bench_fail("hostmem setup failed");
        return;
    }
    for (size_t k = 0; k < count; k++)
        for (int g = 1; g >= 0; g--)
            boot_case(&hm, rams[k], g == 1, opts->smoke ? 1 : REPS);
    if (!hostmem_snap_same(&hm, &snap))
        bench_fail("boot teardown did not return every frame");
    hostmem_snap_free(&snap);
    hostmem_destroy(&hm);
}
