/* Boot initialisation on synthetic memory maps (QEMU-like 128 MiB, 8 GiB
 * with holes and overlaps, 1 TiB), with and without 1 GiB pages: coverage of
 * the direct map (the regions to 4 KiB, the largest page that fits at each
 * point, nothing beyond), no page mapped twice or needlessly, the kernel segments,
 * the VMM's tracking, the minimal table-frame count, every error, and
 * frame/allocator exhaustion at every point. Only table frames need host
 * memory: the direct-mapped "physical memory" is never touched. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "xorshift.h"
#include "fail_alloc.h"
#include "fail_frames.h"
#include "hostmem.h"
#include "core/x86_64/boot.h"

#define K4 VMM_SIZE_4K
#define M2 VMM_SIZE_2M
#define G1 VMM_SIZE_1G
#define TIB ((uint64_t)1 << 40)
#define HHDM 0xFFFF800000000000ull
#define KTEXT 0xFFFFFFFF80000000ull
#define DIRECT_ATTRS (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)
#define WINDOW_PAGES 262144u /* VMM window: 1 GiB */

static hostmem_t hm;
static fail_frames_t ff;
static fail_alloc_t fa;

/* Kernel image: text RX, rodata R, data RW at 2 MiB physical (as a linker
 * would lay it out at KTEXT). */
static const x86_kernel_segment_t kernel3[] = {
    { KTEXT, 0x200000, 0x5000, VMM_ATTR_EXECUTABLE | VMM_ATTR_CACHABLE },
    { KTEXT + 0x5000, 0x205000, 0x1800, VMM_ATTR_CACHABLE },
    { KTEXT + 0x7000, 0x207000, 0x3000, VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE },
};

/* QEMU -m 128M as the PVH e820 gives it, translated to memmap types, plus a
 * framebuffer, the kernel image and bootloader data. */
static const memmap_entry_t qemu128[] = {
    { 0x0, 0x9FC00, MEMMAP_USABLE },
    { 0x9FC00, 0x400, MEMMAP_RESERVED },
    { 0xF0000, 0x10000, MEMMAP_RESERVED },
    { 0x100000, 0x7EE0000, MEMMAP_USABLE },
    { 0x200000, 0x10000, MEMMAP_EXECUTABLE_AND_MODULES },
    { 0x7000000, 0x20000, MEMMAP_BOOTLOADER_RECLAIMABLE },
    { 0x7FE0000, 0x20000, MEMMAP_ACPI_RECLAIMABLE },
    { 0xFD000000, 0x300000, MEMMAP_FRAMEBUFFER },
    { 0xFEFFC000, 0x4000, MEMMAP_RESERVED },
    { 0xFFFC0000, 0x40000, MEMMAP_RESERVED },
};

/* 8 GiB with holes, duplicates, overlaps, unaligned and empty entries. */
static const memmap_entry_t holes8g[] = {
    { 0x100000000ull, 0x100000000ull, MEMMAP_USABLE },      /* 4G..8G    */
    { 0x0, 0x80000000ull, MEMMAP_USABLE },                  /* 0..2G     */
    { 0x90000000ull, 0x100000, MEMMAP_ACPI_NVS },           /* hole      */
    { 0xC0000000ull, 0x40000000ull, MEMMAP_RESERVED },      /* hole      */
    { 0x1FFF00000ull, 0x200000, MEMMAP_BOOTLOADER_RECLAIMABLE }, /* over 8G */
    { 0x100000, 0x200000, MEMMAP_EXECUTABLE_AND_MODULES },  /* inside    */
    { 0x0, 0x80000000ull, MEMMAP_USABLE },                  /* duplicate */
    { 0x240000000ull, 0x40000000ull, MEMMAP_USABLE },       /* 9G..10G   */
    { 0x241000000ull, 0x1000, MEMMAP_USABLE },              /* shares    */
    { 0x280001000ull, 0x1000, MEMMAP_USABLE },              /* unaligned */
    { 0x300000000ull, 0, MEMMAP_USABLE },                   /* empty     */
    { 0x2C0000000ull, 0x1000, MEMMAP_BAD_MEMORY },          /* not mapped*/
    { 0x7FFFF000ull, 0x2000, MEMMAP_FRAMEBUFFER },          /* straddles */
};

/* 1 TiB: all usable above 1 MiB, the low MiB reserved. */
static const memmap_entry_t tib1[] = {
    { 0x0, 0x100000, MEMMAP_RESERVED },
    { 0x100000, TIB - 0x100000, MEMMAP_USABLE },
};

/* Sets up the table-frame source (16 MiB of host memory) and allocator. */
static void setup(void)
{
    CHECK(hostmem_init(&hm, 0x1000000, 16u << 20));
    fail_frames_init(&ff, &hm.frames);
    fail_alloc_init(&fa);
}

static void teardown(void)
{
    CHECK(pmm_free_count(&hm.pmm) == hm.size / K4);
    CHECK(ff.outstanding == 0);
    CHECK(fa.live == 0);
    hostmem_destroy(&hm);
}

static x86_boot_config_t config(const memmap_entry_t *map, size_t n,
                                bool has_1g, uint64_t hhdm)
{
    x86_boot_config_t c = {
        .map = map, .map_len = n, .hhdm_offset = hhdm, .has_1g_pages = has_1g,
        .kernel = kernel3, .kernel_len = 3, .access_offset = hm.access_offset,
        .vmm_start = KTEXT - G1 / 2, .vmm_end = KTEXT + G1 / 2,
        .allocator = fail_alloc_iface(&fa),
    };
    return c;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static bool is_mapped_type(uint32_t t)
{
    return t == MEMMAP_USABLE || t == MEMMAP_BOOTLOADER_RECLAIMABLE ||
           t == MEMMAP_EXECUTABLE_AND_MODULES || t == MEMMAP_FRAMEBUFFER;
}

/* One page of the model's direct map. */
typedef struct leaf {
    uint64_t phys, size;
    bool ro; /* the alias of a read-only kernel segment */
} leaf_t;

/* Sorts the n intervals [lo, hi) of iv by lo and merges those that overlap
 * or touch; returns how many are left. */
static size_t merge_intervals(uint64_t (*iv)[2], size_t n)
{
    for (size_t i = 1; i < n; i++) /* by start */
        for (size_t j = i; j > 0 && iv[j][0] < iv[j - 1][0]; j--) {
            uint64_t t0 = iv[j][0], t1 = iv[j][1];
            iv[j][0] = iv[j - 1][0], iv[j][1] = iv[j - 1][1];
            iv[j - 1][0] = t0, iv[j - 1][1] = t1;
        }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && iv[i][0] <= iv[m - 1][1]) {
            if (iv[i][1] > iv[m - 1][1])
                iv[m - 1][1] = iv[i][1];
        } else {
            iv[m][0] = iv[i][0], iv[m][1] = iv[i][1];
            m++;
        }
    }
    return m;
}

/* The model: the direct map's pages, in address order. The mapped regions
 * rounded out to 4 KiB, minus the 4 KiB frames another region covers whole
 * (its type wins, as in the pmm), sorted and merged into runs, cut where a
 * read-only alias or the framebuffer's frames start and end; each run cut
 * greedily, at every point the largest page (1 GiB only with has_1g_pages)
 * aligned there that ends inside the run (4 KiB in the first 2 MiB). */
static leaf_t *expected_leaves(const x86_boot_config_t *c, size_t *count)
{
    uint64_t (*iv)[2] = malloc((c->map_len + 1) * sizeof(*iv));
    uint64_t (*ex)[2] = malloc((c->map_len + 1) * sizeof(*ex));
    size_t n = 0, nx = 0;
    for (size_t i = 0; i < c->map_len; i++) {
        const memmap_entry_t *e = &c->map[i];
        if (e->length == 0)
            continue;
        uint64_t last = e->base + e->length - 1;
        if (is_mapped_type(e->type)) {
            iv[n][0] = e->base & ~(K4 - 1);
            iv[n][1] = (last | (K4 - 1)) + 1; /* exclusive (0 at 2^64: refused) */
            n++;
        } else if (((e->base + K4 - 1) & ~(K4 - 1)) < ((last + 1) & ~(K4 - 1)) ||
                   (last == UINT64_MAX && e->base <= UINT64_MAX - (K4 - 1))) {
            ex[nx][0] = (e->base + K4 - 1) & ~(K4 - 1);
            ex[nx][1] = last == UINT64_MAX ? UINT64_MAX : (last + 1) & ~(K4 - 1);
            nx++;
        }
    }
    n = merge_intervals(iv, n);
    nx = merge_intervals(ex, nx);
    uint64_t (*ro)[2] = malloc((c->kernel_len + 1) * sizeof(*ro)); /* read-only aliases */
    size_t nro = 0;
    for (size_t i = 0; i < c->kernel_len; i++)
        if (c->kernel[i].size && !(c->kernel[i].attrs & VMM_ATTR_WRITABLE)) {
            ro[nro][0] = c->kernel[i].phys;
            ro[nro][1] = c->kernel[i].phys + ((c->kernel[i].size + K4 - 1) & ~(K4 - 1));
            nro++;
        }
    nro = merge_intervals(ro, nro);
    uint64_t (*fb)[2] = malloc((c->map_len + 1) * sizeof(*fb)); /* framebuffer frames */
    size_t nfb = 0;
    for (size_t i = 0; i < c->map_len; i++)
        if (c->map[i].length && c->map[i].type == MEMMAP_FRAMEBUFFER) {
            fb[nfb][0] = c->map[i].base & ~(K4 - 1);
            fb[nfb][1] = ((c->map[i].base + c->map[i].length - 1) | (K4 - 1)) + 1;
            nfb++;
        }
    nfb = merge_intervals(fb, nfb);
    size_t m = 0, cap = 1024;
    leaf_t *v = malloc(cap * sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        for (uint64_t lo = iv[i][0]; lo < iv[i][1];) {
            uint64_t hi = iv[i][1]; /* this piece: [lo, hi) up to an exclusion */
            size_t j = 0;
            while (j < nx && ex[j][1] <= lo)
                j++;
            if (j < nx && ex[j][0] <= lo) { /* lo excluded: skip past it */
                lo = ex[j][1];
                continue;
            }
            if (j < nx && ex[j][0] < hi)
                hi = ex[j][0];
            /* cut again where the kind changes (a read-only alias or not) */
            bool is_ro = false;
            for (size_t k = 0; k < nro; k++) {
                if (ro[k][0] <= lo && lo < ro[k][1]) {
                    is_ro = true;
                    hi = ro[k][1] < hi ? ro[k][1] : hi;
                } else if (ro[k][0] > lo && ro[k][0] < hi) {
                    hi = ro[k][0];
                }
            }
            for (size_t k = 0; k < nfb; k++) /* and where framebuffer frames start / end */
                if (fb[k][0] <= lo && lo < fb[k][1])
                    hi = fb[k][1] < hi ? fb[k][1] : hi;
                else if (fb[k][0] > lo && fb[k][0] < hi)
                    hi = fb[k][0];
            for (uint64_t a = lo; a < hi;) {
                uint64_t size = K4;
                if (a < M2) /* 4 KiB only in the first 2 MiB */
                    size = K4;
                else if (c->has_1g_pages && a % G1 == 0 && hi - a >= G1)
                    size = G1;
                else if (a % M2 == 0 && hi - a >= M2)
                    size = M2;
                if (m == cap)
                    v = realloc(v, (cap *= 2) * sizeof(*v));
                v[m++] = (leaf_t){ a, size, is_ro };
                a += size;
            }
            lo = hi;
        }
    }
    free(iv);
    free(ex);
    free(ro);
    free(fb);
    *count = m;
    return v;
}

/* Returns the number of distinct values in v[0..n) (sorts v). */
static size_t distinct(uint64_t *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_u64);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += i == 0 || v[i] != v[i - 1];
    return m;
}

/* A third count of the tables needed (beside x86_boot_min_table_frames and
 * the walk): the distinct PML4/PDPT/PD slots above every page mapped
 * (a page smaller than a slot's span needs the table below that slot). */
static size_t brute_force_tables(const x86_boot_config_t *c, const leaf_t *leaves,
                                 size_t nleaves)
{
    size_t kpages = 0;
    for (size_t i = 0; i < c->kernel_len; i++)
        kpages += (c->kernel[i].size + K4 - 1) / K4;
    size_t cap = nleaves + kpages + 1, n512 = 0, n1g = 0, n2m = 0;
    uint64_t *s512 = malloc(cap * 8), *s1g = malloc(cap * 8), *s2m = malloc(cap * 8);
    for (size_t i = 0; i < nleaves; i++) {
        uint64_t v = c->hhdm_offset + leaves[i].phys;
        s512[n512++] = v >> 39;
        if (leaves[i].size < G1)
            s1g[n1g++] = v >> 30;
        if (leaves[i].size < M2)
            s2m[n2m++] = v >> 21;
    }
    for (size_t i = 0; i < c->kernel_len; i++)
        for (uint64_t off = 0; off < c->kernel[i].size; off += K4) {
            uint64_t v = c->kernel[i].virt + off;
            s512[n512++] = v >> 39;
            s1g[n1g++] = v >> 30;
            s2m[n2m++] = v >> 21;
        }
    size_t total = 1 + distinct(s512, n512) + distinct(s1g, n1g) + distinct(s2m, n2m);
    free(s512);
    free(s1g);
    free(s2m);
    return total;
}

/* Leaves found by a full walk of the tables. */
typedef struct leaves {
    size_t direct;        /* leaves with virt == hhdm + phys              */
    size_t kernel;        /* 4K leaves inside a kernel segment, right phys */
    size_t other;         /* anything else: must stay 0                   */
    size_t tables;        /* tables reached, the PML4 included            */
    bool global_ok;       /* every leaf is global and not user            */
} leaves_t;

static const x86_kernel_segment_t *segment_of(const x86_boot_config_t *c, uint64_t virt)
{
    for (size_t i = 0; i < c->kernel_len; i++) {
        const x86_kernel_segment_t *k = &c->kernel[i];
        if (virt >= k->virt && virt - k->virt < k->size)
            return k;
    }
    return NULL;
}

static void walk_table(const x86_boot_config_t *c, uint64_t phys, int level,
                       uint64_t base, leaves_t *out)
{
    const x86_pte_t *t = hostmem_ptr(&hm, phys);
    CHECK(t != NULL);
    if (t == NULL)
        return;
    out->tables++;
    for (unsigned i = 0; i < X86_ENTRIES; i++) {
        x86_pte_t e = t[i];
        uint64_t virt = base + (uint64_t)i * X86_LEVEL_SIZE(level);
        if (level == X86_LEVEL_PML4 && i >= 256)
            virt |= 0xFFFF000000000000ull; /* sign extension */
        if (!X86_PTE_PRESENT(e))
            continue;
        if (level > 0 && !X86_PTE_LARGE(e)) {
            walk_table(c, X86_PTE_ADDR(e), level - 1, virt, out);
            continue;
        }
        uint64_t size = X86_LEVEL_SIZE(level);
        uint64_t target = X86_PTE_ADDR(e) & ~(size - 1);
        /* kernel-only; global in the kernel half only (paging.h) */
        if ((e & X86_PTE_U) || ((e & X86_PTE_G) != 0) != ((virt >> 63) != 0))
            out->global_ok = false;
        const x86_kernel_segment_t *k = segment_of(c, virt);
        if (k == NULL && virt - c->hhdm_offset == target && (e & X86_PTE_NX) &&
            !(e & X86_PTE_PCD))
            out->direct++;
        else if (size == K4 && k != NULL && target == k->phys + (virt - k->virt))
            out->kernel++;
        else
            out->other++;
    }
}

/* Checks one successful x86_boot_init against the model. */
static void check_boot(const x86_boot_config_t *c, const x86_paging_t *pt,
                       vmm_t *vmm, const x86_boot_result_t *r)
{
    uint64_t page = c->has_1g_pages ? G1 : M2;
    CHECK(r->direct_map_page == page);
    CHECK(r->cr3 == pt->pml4 && r->cr3_flags == 0);
    CHECK(r->table_frames == pt->table_frames);
    CHECK(r->table_frames == x86_boot_min_table_frames(c));
    CHECK(ff.outstanding == (long)r->table_frames);

    /* coverage: every page of the model translates at its last byte, with
     * its size (first byte: the page below ends where it starts) */
    size_t n = 0;
    leaf_t *leaves = expected_leaves(c, &n);
    for (size_t i = 0; i < n; i++) {
        uint64_t phys = leaves[i].phys, size = leaves[i].size;
        x86_walk_t w;
        CHECK_OK(x86_translate(pt, c->hhdm_offset + phys + size - 1, &w));
        vmm_attrs_t want = leaves[i].ro ? DIRECT_ATTRS & ~VMM_ATTR_WRITABLE : DIRECT_ATTRS;
        if (w.phys != phys + size - 1 || w.page_size != size || x86_walk_attrs(&w) != want) {
            CHECK(!"direct map page wrong");
            fprintf(stderr, "  page %#llx size %#llx\n", (unsigned long long)phys,
                    (unsigned long long)size);
            break;
        }
    }
    /* no double or extra mapping: the leaves are exactly the model's */
    leaves_t l = { .global_ok = true };
    walk_table(c, pt->pml4, X86_LEVEL_PML4, 0, &l);
    CHECK(l.direct == n);
    CHECK(l.other == 0);
    CHECK(l.global_ok);
    CHECK(l.tables == r->table_frames);
    CHECK(brute_force_tables(c, leaves, n) == r->table_frames);
    size_t kernel_pages = 0;
    for (size_t i = 0; i < c->kernel_len; i++)
        kernel_pages += (c->kernel[i].size + K4 - 1) / K4;
    CHECK(l.kernel == kernel_pages);
    /* kernel segments: attributes, W^X as given */
    for (size_t i = 0; i < c->kernel_len; i++) {
        const x86_kernel_segment_t *k = &c->kernel[i];
        x86_walk_t w;
        if (k->size == 0)
            continue;
        CHECK_OK(x86_translate(pt, k->virt + k->size - 1, &w));
        CHECK(w.phys == k->phys + k->size - 1);
        CHECK(x86_walk_attrs(&w) == (k->attrs | VMM_ATTR_KERNEL));
    }
    /* the VMM tracks what lies in its window, nothing else */
    for (uint64_t v = vmm->start; v < vmm->end; v += 64 * K4) {
        bool set = true;
        CHECK_OK(vmm_is_set(vmm, v, &set));
        bool want = segment_of(c, v) != NULL;
        x86_walk_t w;
        if (x86_translate(pt, v, &w) == VMM_OK && v >= c->hhdm_offset &&
            w.phys == v - c->hhdm_offset)
            want = true; /* direct map inside the window */
        CHECK(set == want);
    }
    free(leaves);
}

/* Boots cfg, checks it, tears it down and checks every frame came back. */
static void boot_case(const x86_boot_config_t *c, size_t hand_count)
{
    x86_paging_t pt;
    vmm_t vmm;
    x86_boot_result_t r;
    vmm_frames_t frames = fail_frames_iface(&ff);
    hostmem_snap_t before;
    CHECK(hostmem_snap_take(&hm, &before));
    if (hand_count != 0)
        CHECK(x86_boot_min_table_frames(c) == hand_count);
    CHECK_OK(x86_boot_init(c, &frames, &pt, &vmm, &r));
    if (hand_count != 0)
        CHECK(r.table_frames == hand_count);
    check_boot(c, &pt, &vmm, &r);
    vmm_deinit(&vmm);
    x86_paging_destroy(&pt);
    CHECK(hostmem_snap_same(&hm, &before));
    CHECK(fa.live == 0);
    hostmem_snap_free(&before);
}

/* Boots map (n entries, no kernel image) with 2M and with 1G pages through
 * boot_case (the model, tables == x86_boot_min_table_frames, and == hand
 * unless 0), then checks the direct map's page size at each pages[i][0]
 * (physical; size 0: not mapped). */
static void check_direct_pages(const memmap_entry_t *map, size_t n, size_t hand,
                               const uint64_t (*pages)[2], size_t npages)
{
    for (int g = 0; g < 2; g++) {
        x86_boot_config_t c = config(map, n, g, HHDM);
        c.kernel_len = 0;
        boot_case(&c, hand);
        x86_paging_t pt;
        vmm_t vmm;
        x86_boot_result_t r;
        vmm_frames_t frames = fail_frames_iface(&ff);
        CHECK_OK(x86_boot_init(&c, &frames, &pt, &vmm, &r));
        for (size_t i = 0; i < npages; i++) {
            x86_walk_t w;
            vmm_status_t st = x86_translate(&pt, HHDM + pages[i][0], &w);
            CHECK(pages[i][1] == 0 ? st == VMM_ERR_NOT_MAPPED
                                   : st == VMM_OK && w.page_size == pages[i][1]);
        }
        vmm_deinit(&vmm);
        x86_paging_destroy(&pt);
    }
}

static void test_qemu_128m(void)
{
    setup();
    /* Runs [0, 0xA0000), [1M, 0x7FE0000), [0xFD000000, 0xFD300000): RAM
     * below 1G, so 1G pages change nothing. PML4, PDPT(256), PD(0..1G),
     * PD(3G..4G: framebuffer), PTs for the 2M blocks holding a run's
     * unaligned end: 0 (0xA0000 and 1M), 63 (0x7FE0000), 0x7E9
     * (0xFD300000), 1 (the kernel image's read-only alias ends at
     * 0x207000); kernel PDPT+PD+PT = 11. */
    x86_boot_config_t c = config(qemu128, 10, false, HHDM);
    boot_case(&c, 11);
    c = config(qemu128, 10, true, HHDM);
    boot_case(&c, 11);
    /* without the kernel image (no read-only alias): 7 and 7 */
    c = config(qemu128, 10, false, HHDM);
    c.kernel_len = 0;
    boot_case(&c, 7);
    c.has_1g_pages = true;
    boot_case(&c, 7);
    /* the window over the start of the direct map: it gets tracked */
    c = config(qemu128, 10, false, HHDM);
    c.vmm_start = HHDM + 0x1000000;
    c.vmm_end = HHDM + 0x1000000 + (uint64_t)WINDOW_PAGES * K4;
    boot_case(&c, 11);
    teardown();
}

/* The direct map stops at the regions' 4 KiB edges: nothing the map does not
 * report as RAM or framebuffer is reachable through it, with 1 GiB pages
 * too (they used to cover the whole first GiB: the legacy VGA window, the
 * BIOS, the ACPI tables, and, rounded out, the local APIC and IOAPIC
 * beside the framebuffer in the fourth), and every page is the largest
 * that fits there. */
static void test_only_regions(void)
{
    setup();
    static const uint64_t unmapped[] = {
        0xA0000, 0xB8000, 0xF0000, 0x7FE0000, 0x8000000, 0xFD300000,
        0xFEC00000 /* IOAPIC */, 0xFEE00000 /* local APIC */, 0xFFFC0000, 0x40000000,
    };
    static const uint64_t mapped[][2] = {
        { 0x0, K4 }, { 0x9F000, K4 }, { 0x100000, K4 }, { 0x1FF000, K4 },
        { 0x200000, K4 }, { 0x400000, M2 }, { 0x7C00000, M2 }, { 0x7E00000, K4 }, { 0x7FDF000, K4 },
        { 0xFD000000, M2 }, { 0xFD200000, K4 }, { 0xFD2FF000, K4 },
    };
    for (int g = 0; g < 2; g++) {
        x86_boot_config_t c = config(qemu128, 10, g, HHDM);
        x86_paging_t pt;
        vmm_t vmm;
        x86_boot_result_t r;
        vmm_frames_t frames = fail_frames_iface(&ff);
        CHECK_OK(x86_boot_init(&c, &frames, &pt, &vmm, &r));
        x86_walk_t w;
        for (size_t i = 0; i < sizeof unmapped / sizeof unmapped[0]; i++)
            CHECK_ERR(x86_translate(&pt, HHDM + unmapped[i], &w), VMM_ERR_NOT_MAPPED);
        for (size_t i = 0; i < sizeof mapped / sizeof mapped[0]; i++) {
            CHECK_OK(x86_translate(&pt, HHDM + mapped[i][0], &w));
            CHECK(w.phys == mapped[i][0] && w.page_size == mapped[i][1]);
        }
        /* the image's alias: text and rodata read-only (W^X on both
         * mappings), data writable; recorded with those rights */
        static const uint64_t alias[][2] = {
            { 0x200000, 0 }, { 0x204000, 0 }, { 0x205000, 0 }, { 0x206000, 0 }, { 0x207000, 1 },
            { 0x209000, 1 }, { 0x20A000, 1 },
        };
        for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++) {
            CHECK_OK(x86_translate(&pt, HHDM + alias[i][0], &w));
            CHECK(w.writable == (alias[i][1] != 0) && !w.executable);
        }
        vmm_deinit(&vmm);
        x86_paging_destroy(&pt);
    }
    /* RAM from 1M to 2G + 4K with 1G pages: 4K up to 2M, 2M up to 1G, one
     * 1G page, then the 4K page past 2G */
    static const memmap_entry_t low2g[] = { { 0x100000, 0x7FF01000, MEMMAP_USABLE } };
    x86_boot_config_t c = config(low2g, 1, true, HHDM);
    c.kernel_len = 0;
    x86_paging_t pt;
    vmm_t vmm;
    x86_boot_result_t r;
    vmm_frames_t frames = fail_frames_iface(&ff);
    CHECK_OK(x86_boot_init(&c, &frames, &pt, &vmm, &r));
    static const uint64_t pages[][2] = {
        { 0x100000, K4 }, { 0x1FF000, K4 }, { 0x200000, M2 }, { 0x3FE00000, M2 },
        { 0x40000000, G1 }, { 0x80000000, K4 },
    };
    x86_walk_t w;
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        CHECK_OK(x86_translate(&pt, HHDM + pages[i][0], &w));
        CHECK(w.page_size == pages[i][1]);
    }
    CHECK_ERR(x86_translate(&pt, HHDM + 0xFF000, &w), VMM_ERR_NOT_MAPPED);
    CHECK_ERR(x86_translate(&pt, HHDM + 0x80001000, &w), VMM_ERR_NOT_MAPPED);
    CHECK(r.direct_map_page == G1);
    vmm_deinit(&vmm);
    x86_paging_destroy(&pt);
    /* Entries that overlap (a raw e820): a reserved or NVS entry inside RAM
     * keeps the frames it covers whole out of the direct map (its type wins,
     * as in the pmm); a frame it only shares with RAM stays mapped. */
    static const memmap_entry_t nested[] = {
        { 0x100000, 0xBFF00000, MEMMAP_USABLE },
        { 0x7A2E3000, 0x1000, MEMMAP_ACPI_NVS },
        { 0x8BD00000, 0x4300000, MEMMAP_RESERVED },
        { 0x50000800, 0x1000, MEMMAP_RESERVED },
    };
    static const uint64_t nested_pages[][2] = {
        { 0x7A2E3000, 0 }, { 0x8BD00000, 0 }, { 0x8FFFF000, 0 }, { 0x7A2E2000, K4 },
        { 0x7A2E4000, K4 }, { 0x8BC00000, K4 }, { 0x90000000, M2 }, { 0x50000000, M2 },
        { 0x50001000, M2 }, { 0x40000000, M2 },
    };
    check_direct_pages(nested, 4, 0, nested_pages, sizeof nested_pages / sizeof nested_pages[0]);
    /* A framebuffer between two RAM regions, touching both: no page holds
     * framebuffer and RAM frames (the MTRRs may type them apart), so no
     * 1 GiB page at 1G or 2G. A frame a framebuffer shares with RAM
     * (0xC0010000) is the framebuffer's. Tables, 1G or 2M pages: PML4,
     * PDPT, PDs for 1G regions 0 (1M), 1, 2 and 3 (the 4K ends), PTs for
     * the 2M blocks 0 and 0xC0000000: 8 (with one run, 1G pages: 6). */
    static const memmap_entry_t beside[] = {
        { 0x100000, 0x7FD00000, MEMMAP_USABLE },
        { 0x7FE00000, 0x400000, MEMMAP_FRAMEBUFFER },
        { 0x80200000, 0x3FE00000, MEMMAP_USABLE },
        { 0xC0000000, 0x10800, MEMMAP_USABLE },
        { 0xC0010800, 0x1F800, MEMMAP_FRAMEBUFFER },
    };
    static const uint64_t beside_pages[][2] = {
        { 0x40000000, M2 }, { 0x7FC00000, M2 }, { 0x7FE00000, M2 }, { 0x80000000, M2 },
        { 0x80200000, M2 }, { 0xBFE00000, M2 }, { 0xC0000000, K4 }, { 0xC002F000, K4 },
        { 0xC0030000, 0 },
    };
    check_direct_pages(beside, 5, 8, beside_pages, sizeof beside_pages / sizeof beside_pages[0]);
    /* RAM from 0 to 1G: 4K pages in the first 2M whatever the map says
     * (the fixed-range MTRRs type the first MiB in pieces), then 2M pages,
     * no 1G page at 0. PML4, PDPT, PD, PT: 4. */
    static const memmap_entry_t from0[] = { { 0, G1, MEMMAP_USABLE } };
    static const uint64_t from0_pages[][2] = {
        { 0, K4 }, { 0xA0000, K4 }, { 0x1FF000, K4 }, { 0x200000, M2 }, { 0x3FE00000, M2 },
    };
    check_direct_pages(from0, 1, 4, from0_pages, sizeof from0_pages / sizeof from0_pages[0]);
    teardown();
}

static void test_8g_holes_overlaps(void)
{
    setup();
    /* Runs [0, 2G - 4K) (RAM), [2G - 4K, 2G + 4K) (the framebuffer, which
     * straddles 2G and takes the frame it shares with RAM), [4G, 8G + 1M)
     * (reclaimable over 8G), [9G, 10G), [10G + 4K, 10G + 8K) (unaligned).
     * 2M: PDs for 1G regions 0,1,2,4,5,6,7,8,9,10 = 10; PTs for the 2M
     * blocks of the unaligned ends 2G - 4K, 2G + 4K, 8G + 1M, 10G + 4K, of
     * the kernel's read-only alias (ends at 2M + 28K) and of the first 2M
     * (4K pages only) = 6; PDPT, PML4, kernel 3: 21. 1G: PDs only for the
     * 1G regions of those ends (0, 1, 2, 8, 10: [9G, 10G) is one 1G page;
     * [0, 1G) was one too before the alias cut it, [1G, 2G) before the
     * framebuffer's run), the same 6 PTs: 16. */
    x86_boot_config_t c = config(holes8g, 13, false, HHDM);
    boot_case(&c, 21);
    c = config(holes8g, 13, true, HHDM);
    boot_case(&c, 16);
    /* a Linux-like offset in another PML4 slot */
    c = config(holes8g, 13, true, 0xFFFF888000000000ull);
    boot_case(&c, 16);
    /* the same map in reverse order gives the same tables */
    memmap_entry_t rev[13];
    for (unsigned i = 0; i < 13; i++)
        rev[i] = holes8g[12 - i];
    c = config(rev, 13, false, HHDM);
    boot_case(&c, 21);
    teardown();
}

static void test_1tib(void)
{
    setup();
    /* 1G: [1M, 1T) over PML4 slots 256 and 257: PML4 + 2 PDPT, the PD and
     * PT holding the 4K / 2M pages from 1M up to 1G, the PT of the kernel's
     * read-only alias (2M + 28K), kernel 3: 9 */
    x86_boot_config_t c = config(tib1, 2, true, HHDM);
    boot_case(&c, 9);
    /* 2M: a PD for each of the 1024 1G regions instead of one: 1032 */
    c = config(tib1, 2, false, HHDM);
    boot_case(&c, 1032);
    /* an offset that is not 512G aligned: 1 TiB spans 3 PML4 slots */
    c = config(tib1, 2, true, HHDM + 256 * G1);
    boot_case(&c, 10);
    teardown();
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
/* Returns a pseudo-random number below bound (tests/lib/xorshift.h). */
static uint64_t rnd(uint64_t bound) { return xorshift_below(&rng_state, bound); }

/* Random memory maps (overlapping, unaligned, every type) and kernel
 * images: the boot always matches the model and uses the minimum. */
static void test_random_maps(void)
{
    setup();
    for (unsigned round = 0; round < 300; round++) {
        memmap_entry_t map[12];
        size_t n = 1 + rnd(12);
        for (size_t i = 0; i < n; i++) {
            const uint64_t grains[] = { 1, K4, M2, G1 };
            uint64_t grain = grains[rnd(4)];
            map[i].base = rnd(((uint64_t)64 << 30) / grain) * grain;
            map[i].length = rnd(4) == 0 ? rnd(3) * grain : 1 + rnd((uint64_t)4 << 30);
            map[i].type = (uint32_t)rnd(9);
        }
        x86_kernel_segment_t k[3];
        uint64_t virt = KTEXT - rnd(4) * M2 - rnd(512) * K4, phys = rnd(1024) * K4;
        for (size_t i = 0; i < 3; i++) {
            vmm_attrs_t a = (vmm_attrs_t)rnd(VMM_ATTR_ALL + 1);
            if (a & VMM_ATTR_WRITABLE)
                a &= ~VMM_ATTR_EXECUTABLE; /* W^X: boot refuses both */
            k[i] = (x86_kernel_segment_t){ virt, phys, 1 + rnd(3 * M2), a };
            uint64_t len = (k[i].size + K4 - 1) & ~(K4 - 1);
            virt += len + rnd(3) * K4;
            phys += len;
        }
        const uint64_t hhdms[] = { HHDM, 0xFFFF888000000000ull, HHDM + 511 * G1,
                                   0xFFFFC00000000000ull };
        x86_boot_config_t c = config(map, n, rnd(2), hhdms[rnd(4)]);
        c.kernel = k;
        c.kernel_len = rnd(4);
        if (rnd(2))
            c.vmm_start = c.hhdm_offset, c.vmm_end = c.hhdm_offset + (uint64_t)WINDOW_PAGES * K4;
        boot_case(&c, 0);
    }
    CHECK(x86_boot_min_table_frames(NULL) == 0);
    teardown();
}

/* A boot that must fail: the error, and every frame and record returned. */
static void boot_fails(const x86_boot_config_t *c, vmm_status_t expected)
{
    static x86_paging_t pt, pt_before;
    static vmm_t vmm, vmm_before;
    static x86_boot_result_t r, r_before;
    memset(&pt, 0x5A, sizeof(pt));
    memset(&vmm, 0xA5, sizeof(vmm)); /* garbage: vmm_init never succeeds here */
    memset(&r, 0x3C, sizeof(r));
    pt_before = pt, vmm_before = vmm, r_before = r;
    vmm_frames_t frames = fail_frames_iface(&ff);
    hostmem_snap_t before;
    CHECK(hostmem_snap_take(&hm, &before));
    CHECK_ERR(x86_boot_init(c, &frames, &pt, &vmm, &r), expected);
    /* refused before mapping: no table count either (boot.h) */
    if (expected != VMM_ERR_ALREADY_MAPPED && expected != VMM_ERR_LARGE_PAGE_CONFLICT &&
        expected != VMM_ERR_INVALID_VIRT && expected != VMM_ERR_OUT_OF_FRAMES)
        CHECK(x86_boot_min_table_frames(c) == 0);
    CHECK(memcmp(&pt, &pt_before, sizeof(pt)) == 0);
    CHECK(memcmp(&vmm, &vmm_before, sizeof(vmm)) == 0);
    CHECK(memcmp(&r, &r_before, sizeof(r)) == 0);
    CHECK(hostmem_snap_same(&hm, &before));
    CHECK(ff.outstanding == 0);
    CHECK(fa.live == 0);
    hostmem_snap_free(&before);
}

static void test_errors(void)
{
    setup();
    x86_paging_t pt;
    vmm_t vmm;
    x86_boot_result_t r;
    vmm_frames_t frames = fail_frames_iface(&ff);
    x86_boot_config_t c = config(qemu128, 10, true, HHDM);
    CHECK_ERR(x86_boot_init(NULL, &frames, &pt, &vmm, &r), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(x86_boot_init(&c, NULL, &pt, &vmm, &r), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(x86_boot_init(&c, &frames, NULL, &vmm, &r), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(x86_boot_init(&c, &frames, &pt, NULL, &r), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(x86_boot_init(&c, &frames, &pt, &vmm, NULL), VMM_ERR_INVALID_ARGUMENT);
    c.map = NULL;
    boot_fails(&c, VMM_ERR_INVALID_ARGUMENT);
    c = config(qemu128, 10, true, HHDM);
    c.kernel = NULL;
    boot_fails(&c, VMM_ERR_INVALID_ARGUMENT);
    /* a VMM window the CPU cannot map: touching or straddling the canonical
     * hole (issue: [0x00007FFFFFF00000, 0x0000800000100000) was accepted) */
    static const uint64_t bad_windows[][2] = {
        {0x00007FFFFFF00000ull, 0x0000800000100000ull},
        {0x00007FFFFFFFF000ull, 0x0000800000001000ull},
        {0x0000800000000000ull, 0x0000800000002000ull},
        {0xFFFF7FFFFFFFE000ull, 0xFFFF800000001000ull},
        {0x1000ull, 0xFFFF800000001000ull},
    };
    for (size_t i = 0; i < sizeof bad_windows / sizeof bad_windows[0]; i++) {
        c = config(qemu128, 10, true, HHDM);
        c.vmm_start = bad_windows[i][0];
        c.vmm_end = bad_windows[i][1];
        boot_fails(&c, VMM_ERR_NON_CANONICAL);
    }
    /* hhdm: 1G aligned with 1G pages, 2M aligned without */
    c = config(qemu128, 10, true, HHDM + M2);
    boot_fails(&c, VMM_ERR_MISALIGNED);
    c.has_1g_pages = false;
    boot_case(&c, 11);
    c.hhdm_offset = HHDM + K4;
    boot_fails(&c, VMM_ERR_MISALIGNED);
    /* kernel segments: below the top 512G, misaligned, bad attrs, wrap,
     * overlapping each other */
    x86_kernel_segment_t k[2] = { kernel3[0], kernel3[1] };
    c = config(qemu128, 10, true, HHDM);
    c.kernel = k;
    c.kernel_len = 2;
    k[1].virt = X86_KERNEL_BASE - K4;
    boot_fails(&c, VMM_ERR_INVALID_ARGUMENT);
    k[1] = kernel3[1];
    k[1].phys += 0x800;
    boot_fails(&c, VMM_ERR_MISALIGNED);
    k[1] = kernel3[1];
    k[1].virt += 0x10;
    boot_fails(&c, VMM_ERR_MISALIGNED);
    k[1] = kernel3[1];
    k[1].attrs = 1u << 9;
    boot_fails(&c, VMM_ERR_INVALID_ARGUMENT);
    k[1].attrs = VMM_ATTR_WRITABLE | VMM_ATTR_EXECUTABLE; /* W^X (outside tester) */
    boot_fails(&c, VMM_ERR_INVALID_ARGUMENT);
    k[1].attrs = VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_EXECUTABLE | VMM_ATTR_CACHABLE;
    boot_fails(&c, VMM_ERR_INVALID_ARGUMENT);
    k[1] = kernel3[1];
    k[1].virt = 0xFFFFFFFFFFFFF000ull;
    k[1].size = 0x2000;
    boot_fails(&c, VMM_ERR_OVERFLOW);
    k[1].size = UINT64_MAX;
    boot_fails(&c, VMM_ERR_OVERFLOW);
    k[1] = kernel3[1];
    k[1].virt = kernel3[0].virt + 0x1000;
    boot_fails(&c, VMM_ERR_ALREADY_MAPPED);
    /* a zero-size segment is skipped */
    k[1] = kernel3[1];
    k[1].size = 0;
    boot_case(&c, 11);
    /* memory map: wrapping entry, physical beyond 52 bits */
    memmap_entry_t bad[2] = { { 0x100000, 0x100000, MEMMAP_USABLE },
                              { UINT64_MAX - 0xFFF, 0x2000, MEMMAP_RESERVED } };
    c = config(bad, 2, true, HHDM);
    boot_fails(&c, VMM_ERR_OVERFLOW);
    /* physical memory beyond 52 bits cannot be direct-mapped: hhdm + phys
     * wraps (x86_map's INVALID_PHYS is unreachable with a canonical hhdm) */
    bad[1] = (memmap_entry_t){ X86_PHYS_MAX, 0x1000, MEMMAP_USABLE };
    boot_fails(&c, VMM_ERR_OVERFLOW);
    /* the direct map running into the non-canonical hole / wrapping */
    c = config(tib1, 2, true, 0x00007F0000000000ull);
    boot_case(&c, 0 + x86_boot_min_table_frames(&c));
    bad[1] = (memmap_entry_t){ TIB, TIB, MEMMAP_USABLE };
    c = config(bad, 2, true, 0x00007F0000000000ull);
    boot_fails(&c, VMM_ERR_NON_CANONICAL);
    c = config(bad, 2, true, 0xFFFFFF0000000000ull);
    boot_fails(&c, VMM_ERR_OVERFLOW);
    /* the direct map colliding with the kernel image: a 1G page there */
    bad[1] = (memmap_entry_t){ 510 * G1, G1, MEMMAP_USABLE };
    c = config(bad, 2, true, X86_KERNEL_BASE);
    boot_fails(&c, VMM_ERR_LARGE_PAGE_CONFLICT);
    /* the VMM window */
    c = config(qemu128, 10, true, HHDM);
    c.vmm_end = c.vmm_start;
    boot_fails(&c, VMM_ERR_INVALID_VIRT);
    teardown();
}

/* Fails the Nth frame allocation, then the Nth record allocation, for every
 * N until the boot succeeds: each failure returns everything. */
static void exhaust(const x86_boot_config_t *c, bool frames_fail)
{
    vmm_frames_t frames = fail_frames_iface(&ff);
    hostmem_snap_t before;
    CHECK(hostmem_snap_take(&hm, &before));
    size_t failures = 0;
    for (long n = 0; n < 100000; n++) {
        /* *pt garbage, *vmm zeroed (static storage): a failure keeps both
         * byte for byte (boot.h) */
        static x86_paging_t pt, pt_before;
        static vmm_t vmm, zero_vmm;
        memset(&pt, 0x5A, sizeof(pt));
        pt_before = pt;
        memset(&vmm, 0, sizeof(vmm));
        x86_boot_result_t r;
        if (frames_fail)
            ff.countdown = n;
        else
            fa.countdown = n;
        vmm_status_t st = x86_boot_init(c, &frames, &pt, &vmm, &r);
        ff.countdown = -1;
        fa.countdown = -1;
        if (st == VMM_OK) {
            check_boot(c, &pt, &vmm, &r);
            vmm_deinit(&vmm);
            x86_paging_destroy(&pt);
            break;
        }
        CHECK_ERR(st, frames_fail ? VMM_ERR_OUT_OF_FRAMES : VMM_ERR_OUT_OF_MEMORY);
        CHECK(hostmem_snap_same(&hm, &before));
        CHECK(ff.outstanding == 0 && fa.live == 0);
        CHECK(memcmp(&pt, &pt_before, sizeof(pt)) == 0);
        CHECK(memcmp(&vmm, &zero_vmm, sizeof(vmm)) == 0);
        failures++;
    }
    if (frames_fail)
        CHECK(failures == x86_boot_min_table_frames(c));
    else
        CHECK(failures >= 1);
    CHECK(hostmem_snap_same(&hm, &before));
    hostmem_snap_free(&before);
}

static void test_exhaustion_at_every_point(void)
{
    setup();
    for (int g = 0; g < 2; g++) {
        x86_boot_config_t c = config(holes8g, 13, g, HHDM);
        exhaust(&c, true);
        exhaust(&c, false);
        c.vmm_start = HHDM;
        c.vmm_end = HHDM + (uint64_t)WINDOW_PAGES * K4;
        exhaust(&c, false);
    }
    teardown();
}

/* A pmm with too few frames for the tables: out of frames, nothing kept. */
static void test_too_little_memory(void)
{
    CHECK(hostmem_init(&hm, 0x1000000, 64 * K4));
    fail_frames_init(&ff, &hm.frames);
    fail_alloc_init(&fa);
    x86_boot_config_t c = config(tib1, 2, false, HHDM);
    boot_fails(&c, VMM_ERR_OUT_OF_FRAMES);
    c.has_1g_pages = true;
    boot_case(&c, 9);
    teardown();
}

/* The VMM holds one record per maximal run of direct-map pages, however
 * the regions that make it up are ordered in the map (each touching the
 * next only once the run has grown), and one per kernel segment; a
 * segment may end exactly at 2^64. */
static void test_records_per_run(void)
{
    setup();
    static const memmap_entry_t chained[] = {
        { 0x600000, 0x200000, MEMMAP_USABLE }, { 0x400000, 0x200000, MEMMAP_USABLE },
        { 0x200000, 0x200000, MEMMAP_USABLE }, { 0x0, 0x200000, MEMMAP_USABLE },
        { 0x2000000, 0x1000, MEMMAP_FRAMEBUFFER },
    };
    x86_boot_config_t c = config(chained, 5, false, HHDM);
    c.kernel_len = 0; /* its read-only aliases would cut the run (test_only_regions) */
    c.vmm_start = HHDM;
    c.vmm_end = HHDM + G1;
    x86_paging_t pt;
    vmm_t vmm;
    x86_boot_result_t r;
    vmm_frames_t frames = fail_frames_iface(&ff);
    CHECK_OK(x86_boot_init(&c, &frames, &pt, &vmm, &r));
    CHECK(vmm_record_count(&vmm) == 2);
    const vmm_record_t *rec = vmm_first_record(&vmm);
    CHECK(rec && rec->virt == HHDM && rec->pages == 0x800000 / K4 && rec->attrs == DIRECT_ATTRS);
    rec = vmm_next_record(rec);
    CHECK(rec && rec->virt == HHDM + 0x2000000 && rec->pages == 1);
    vmm_deinit(&vmm);
    x86_paging_destroy(&pt);
    /* the kernel's data segment ending at the last byte of the address space */
    x86_kernel_segment_t k[3] = { kernel3[0], kernel3[1], kernel3[2] };
    k[2].virt = 0 - 0x3000;
    c = config(qemu128, 10, false, HHDM);
    c.kernel = k;
    c.vmm_start = KTEXT;
    c.vmm_end = 0 - K4;
    CHECK_OK(x86_boot_init(&c, &frames, &pt, &vmm, &r));
    CHECK(vmm_record_count(&vmm) == 3);
    bool set = false;
    CHECK_OK(vmm_is_set(&vmm, 0 - 2 * K4, &set));
    CHECK(set);
    vmm_deinit(&vmm);
    x86_paging_destroy(&pt);
    CHECK(fa.live == 0 && ff.outstanding == 0);
    teardown();
}

/* The records boot makes (the direct map, the kernel image) are pinned:
 * vmm_free and vmm_release refuse them with nothing changed and the boot
 * mappings stay; the VMM still allocates elsewhere; vmm_deinit drops them.
 * (Before vmm_pin a free returned VMM_OK and left the mapping under a range
 * the VMM handed out again: every later vmm_alloc failed with
 * VMM_ERR_LARGE_PAGE_CONFLICT.) */
static void test_boot_records_pinned(void)
{
    setup();
    x86_boot_config_t c = config(qemu128, 10, false, HHDM);
    c.vmm_start = HHDM;
    c.vmm_end = 0 - K4; /* the whole higher half */
    x86_paging_t pt;
    vmm_t vmm;
    x86_boot_result_t r;
    vmm_frames_t frames = fail_frames_iface(&ff);
    CHECK_OK(x86_boot_init(&c, &frames, &pt, &vmm, &r));
    size_t n = vmm_record_count(&vmm), tables = pt.table_frames;
    CHECK(n >= 2);
    vmm_t before = vmm;
    for (const vmm_record_t *rec = vmm_first_record(&vmm); rec; rec = vmm_next_record(rec)) {
        CHECK(rec->flags & VMM_RECORD_PINNED);
        CHECK(vmm_free(&vmm, rec->virt) == VMM_ERR_PINNED);
        CHECK(vmm_release(&vmm, rec->virt) == VMM_ERR_NOT_RESERVATION);
        x86_walk_t w;
        CHECK_OK(x86_translate(&pt, rec->virt, &w)); /* still mapped */
    }
    CHECK(memcmp(&before, &vmm, sizeof vmm) == 0 && vmm_record_count(&vmm) == n);
    CHECK(pt.table_frames == tables);
    uint64_t va;
    CHECK_OK(vmm_set_fit(&vmm, VMM_FIT_FIRST));
    CHECK_OK(vmm_alloc(&vmm, 4, DIRECT_ATTRS, &va)); /* lands in a free range */
    bool set;
    CHECK_OK(vmm_is_set(&vmm, va, &set));
    CHECK(set && !(vmm_find_record(&vmm, va)->flags & VMM_RECORD_PINNED));
    CHECK_OK(vmm_free(&vmm, va));
    vmm_deinit(&vmm);
    x86_paging_destroy(&pt);
    CHECK(fa.live == 0 && ff.outstanding == 0);
    teardown();
}

int main(void)
{
    RUN(test_qemu_128m);
    RUN(test_only_regions);
    RUN(test_8g_holes_overlaps);
    RUN(test_1tib);
    RUN(test_random_maps);
    RUN(test_errors);
    RUN(test_exhaustion_at_every_point);
    RUN(test_too_little_memory);
    RUN(test_records_per_run);
    RUN(test_boot_records_pinned);
    return check_exit();
}
