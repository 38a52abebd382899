/* x86_64 page tables on a host buffer: map, unmap, translate at every size,
 * every error with the state compared before and after, rollback under frame
 * exhaustion at every point, and a random run against a model. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "xorshift.h"
#include "hostmem.h"
#include "core/x86_64/paging.h"

#define K4 VMM_SIZE_4K
#define M2 VMM_SIZE_2M
#define G1 VMM_SIZE_1G
#define G512 X86_LEVEL_SIZE(X86_LEVEL_PML4)
#define HIGH_HALF 0xFFFF800000000000ull
#define TOP_4K 0xFFFFFFFFFFFFF000ull
#define LOW_TOP 0x0000800000000000ull /* one past the low half */
#define RW_KERNEL (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)

static hostmem_t hm;
static x86_paging_t pt;

/* A frame source that fails the Nth alloc (countdown, -1 = never). */
static long fail_countdown = -1;
static vmm_status_t failing_alloc(void *ctx, size_t count, size_t align,
                                  uint64_t *phys)
{
    if (fail_countdown == 0)
        return VMM_ERR_OUT_OF_FRAMES;
    if (fail_countdown > 0)
        fail_countdown--;
    return hm.frames.alloc(ctx, count, align, phys);
}

static void setup(void)
{
    CHECK(hostmem_init(&hm, 0x100000, 4u << 20));
    vmm_frames_t frames = hm.frames;
    frames.alloc = failing_alloc;
    fail_countdown = -1;
    CHECK_OK(x86_paging_init(&pt, &frames, hm.access_offset));
    CHECK(pt.table_frames == 1);
}

static void teardown(void)
{
    size_t free_before_destroy = pmm_free_count(&hm.pmm);
    size_t tables = pt.table_frames;
    x86_paging_destroy(&pt);
    CHECK(pt.table_frames == 0);
    CHECK(pmm_free_count(&hm.pmm) == free_before_destroy + tables);
    CHECK(pmm_free_count(&hm.pmm) == hm.size / K4);
    hostmem_destroy(&hm);
}

/* FNV-1a over every reachable table entry, in tree order: equal hashes mean
 * (in practice) identical tables. */
static uint64_t hash_table(uint64_t phys, int level, uint64_t h)
{
    const x86_pte_t *t = hostmem_ptr(&hm, phys);
    if (t == NULL)
        return h ^ 0xDEAD;
    for (unsigned i = 0; i < X86_ENTRIES; i++) {
        h = (h ^ t[i]) * 0x100000001B3ull;
        if (level > 0 && X86_PTE_PRESENT(t[i]) && !X86_PTE_LARGE(t[i]))
            h = hash_table(X86_PTE_ADDR(t[i]), level - 1, h);
    }
    return h;
}

static uint64_t tables_hash(void)
{
    return hash_table(pt.pml4, X86_LEVEL_PML4, 0xCBF29CE484222325ull);
}

/* The whole observable state: tables, table count and frame manager. */
typedef struct state {
    uint64_t hash;
    size_t tables;
    hostmem_snap_t snap;
} state_t;

static void state_take(state_t *s)
{
    s->hash = tables_hash();
    s->tables = pt.table_frames;
    CHECK(hostmem_snap_take(&hm, &s->snap));
}

static bool state_same(const state_t *s)
{
    return s->hash == tables_hash() && s->tables == pt.table_frames &&
           hostmem_snap_same(&hm, &s->snap);
}

static void state_free(state_t *s)
{
    hostmem_snap_free(&s->snap);
}

/* Checks that virt translates to phys with size and flags. */
static void check_translates(uint64_t virt, uint64_t phys, uint64_t size,
                             vmm_attrs_t attrs)
{
    x86_walk_t w;
    vmm_status_t st = x86_translate(&pt, virt, &w);
    CHECK_OK(st);
    if (st != VMM_OK) {
        fprintf(stderr, "  at virt %#llx\n", (unsigned long long)virt);
        return;
    }
    CHECK(w.phys == phys);
    CHECK(w.page_size == size);
    CHECK(X86_LEVEL_SIZE(w.level) == size);
    CHECK(x86_walk_attrs(&w) == attrs);
    /* x86_attrs_to_pte's flags; no G below the kernel half (paging.h) */
    x86_pte_t flags = x86_attrs_to_pte(attrs, size);
    if (X86_PX(X86_LEVEL_PML4, virt) < X86_KERNEL_HALF_SLOT)
        flags &= ~X86_PTE_G;
    CHECK(w.entries[X86_LEVEL_PML4 - w.level] ==
          (((phys & ~(size - 1)) & X86_PTE_ADDR_MASK) | flags));
}

static void check_unmapped(uint64_t virt)
{
    x86_walk_t w;
    CHECK_ERR(x86_translate(&pt, virt, &w), VMM_ERR_NOT_MAPPED);
}

/* Tables a single page of size at virt needs in an empty address space. */
static size_t tables_for_one(uint64_t size)
{
    return size == K4 ? 3 : size == M2 ? 2 : 1;
}

/* Map one page (and a run of 3) at virt, check the translation at its first,
 * middle and last byte and its neighbours, unmap, check the state is back. */
static void map_unmap_at(uint64_t virt, uint64_t size, uint64_t pages)
{
    state_t before;
    state_take(&before);
    uint64_t phys = 0x40000000ull; /* 1 GiB: aligned for every size */
    uint64_t len = pages * size;
    CHECK_OK(x86_map(&pt, virt, phys, len, size, RW_KERNEL));
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t v = virt + i * size, p = phys + i * size;
        check_translates(v, p, size, RW_KERNEL);
        check_translates(v + size / 2 + 8, p + size / 2 + 8, size, RW_KERNEL);
        check_translates(v + size - 1, p + size - 1, size, RW_KERNEL);
    }
    if (virt != 0 && virt != HIGH_HALF)
        check_unmapped(virt - 1);
    if (virt + len != 0 && virt + len != LOW_TOP)
        check_unmapped(virt + len);
    CHECK_ERR(x86_map(&pt, virt, phys, size, size, RW_KERNEL),
              VMM_ERR_ALREADY_MAPPED);
    CHECK_OK(x86_unmap(&pt, virt, len, size));
    check_unmapped(virt);
    CHECK(state_same(&before));
    state_free(&before);
}

static void test_every_size_at_boundaries(void)
{
    setup();
    const uint64_t sizes[] = { K4, M2, G1 };
    for (unsigned s = 0; s < 3; s++) {
        uint64_t z = sizes[s];
        const uint64_t addrs[] = {
            0, z, LOW_TOP - z, LOW_TOP - 3 * z, HIGH_HALF,
            0 - z, 0 - 3 * z, G512 - z, /* 3 pages crossing 512G */
            G1 - z, z < M2 ? M2 - z : z, X86_KERNEL_BASE,
        };
        for (unsigned a = 0; a < sizeof(addrs) / sizeof(addrs[0]); a++) {
            map_unmap_at(addrs[a], z, 1);
            map_unmap_at(addrs[a] == LOW_TOP - z || addrs[a] == 0 - z
                             ? addrs[a] - 2 * z : addrs[a], z, 3);
        }
    }
    teardown();
}

/* One page needs exactly the tables it touches; a run crossing table
 * boundaries needs one more table per boundary crossed. */
static void test_table_counts(void)
{
    setup();
    const uint64_t sizes[] = { K4, M2, G1 };
    for (unsigned s = 0; s < 3; s++) {
        uint64_t z = sizes[s];
        CHECK_OK(x86_map(&pt, 0x7F0000000000ull, 0, z, z, 0));
        CHECK(pt.table_frames == 1 + tables_for_one(z));
        CHECK_OK(x86_unmap(&pt, 0x7F0000000000ull, z, z));
        CHECK(pt.table_frames == 1);
    }
    /* 2 x 4K across a 2M boundary: PDPT, PD, 2 PTs */
    CHECK_OK(x86_map(&pt, M2 - K4, 0, 2 * K4, K4, 0));
    CHECK(pt.table_frames == 5);
    /* across a 1G boundary: 2 PDs, 2 PTs */
    CHECK_OK(x86_map(&pt, 5 * G1 - K4, 0, 2 * K4, K4, 0));
    CHECK(pt.table_frames == 9);
    /* across a 512G boundary: 2 PDPTs, 2 PDs, 2 PTs */
    CHECK_OK(x86_map(&pt, 3 * G512 - K4, 0, 2 * K4, K4, 0));
    CHECK(pt.table_frames == 15);
    /* 1024 x 4K = 2 full PTs in an existing PD: +2 */
    CHECK_OK(x86_map(&pt, 4 * M2, 0, 1024 * K4, K4, 0));
    CHECK(pt.table_frames == 17);
    /* unmapping half of one PT keeps it, the other frees it */
    CHECK_OK(x86_unmap(&pt, 4 * M2, 256 * K4, K4));
    CHECK(pt.table_frames == 17);
    CHECK_OK(x86_unmap(&pt, 4 * M2 + 256 * K4, 512 * K4, K4));
    CHECK(pt.table_frames == 16);
    CHECK_OK(x86_unmap(&pt, 5 * M2 + 256 * K4, 256 * K4, K4));
    CHECK(pt.table_frames == 15);
    /* unmap one side of a pair: shared tables stay */
    CHECK_OK(x86_unmap(&pt, M2 - K4, K4, K4));
    CHECK(pt.table_frames == 14);
    CHECK_OK(x86_unmap(&pt, M2, K4, K4)); /* its PT and the PD go */
    CHECK(pt.table_frames == 12);
    teardown();
}

/* Every attribute combination becomes the right flags and comes back. */
static void test_attributes(void)
{
    setup();
    const uint64_t sizes[] = { K4, M2, G1 };
    for (unsigned s = 0; s < 3; s++) {
        for (vmm_attrs_t a = 0; a <= VMM_ATTR_ALL; a++) {
            uint64_t z = sizes[s], virt = (uint64_t)a * G1 + 7 * G512;
            x86_pte_t e = x86_attrs_to_pte(a, z);
            CHECK(X86_PTE_PRESENT(e));
            CHECK(((e & X86_PTE_U) != 0) == !(a & VMM_ATTR_KERNEL));
            CHECK(((e & X86_PTE_G) != 0) == ((a & VMM_ATTR_KERNEL) != 0));
            CHECK(((e & X86_PTE_W) != 0) == ((a & VMM_ATTR_WRITABLE) != 0));
            CHECK(((e & X86_PTE_PCD) != 0) == !(a & VMM_ATTR_CACHABLE));
            CHECK(((e & X86_PTE_NX) != 0) == !(a & VMM_ATTR_EXECUTABLE));
            CHECK(((e & X86_PTE_PS) != 0) == (z != K4));
            CHECK((e & (X86_PTE_PWT | X86_PTE_HW_BITS | X86_PTE_ADDR_MASK)) == 0);
            CHECK_OK(x86_map(&pt, virt, G1, z, z, a));
            check_translates(virt + 5, G1 + 5, z, a);
            vmm_mapper_t m = x86_paging_mapper(&pt);
            uint64_t phys = 0, size = 0;
            vmm_attrs_t got = 0;
            CHECK_OK(m.query(m.ctx, virt + 5, &phys, &got, &size));
            CHECK(phys == G1 + 5 && got == a && size == z);
            CHECK_OK(m.query(m.ctx, virt, NULL, NULL, NULL));
            CHECK_OK(x86_unmap(&pt, virt, z, z));
        }
    }
    CHECK(pt.table_frames == 1);
    teardown();
}

/* Effective flags combine across levels, as the hardware does. */
static void test_walk_combines_levels(void)
{
    setup();
    const vmm_attrs_t all_open = VMM_ATTR_WRITABLE | VMM_ATTR_EXECUTABLE |
                                 VMM_ATTR_CACHABLE;
    uint64_t virt = 0x12345678000ull;
    CHECK_OK(x86_map(&pt, virt, 0x5000, K4, K4, all_open));
    x86_walk_t w;
    CHECK_OK(x86_translate(&pt, virt, &w));
    CHECK(w.writable && w.user && w.executable && w.level == 0);
    for (int l = X86_LEVEL_PML4; l >= X86_LEVEL_PT; l--)
        CHECK(X86_PTE_PRESENT(w.entries[X86_LEVEL_PML4 - l]));
    /* Clear one permission at each upper level in turn. */
    const x86_pte_t drop[] = { X86_PTE_W, X86_PTE_U };
    for (int l = X86_LEVEL_PML4; l > X86_LEVEL_PT; l--) {
        uint64_t table = pt.pml4;
        for (int k = X86_LEVEL_PML4; k > l; k--)
            table = X86_PTE_ADDR(((x86_pte_t *)hostmem_ptr(&hm, table))[X86_PX(k, virt)]);
        x86_pte_t *e = &((x86_pte_t *)hostmem_ptr(&hm, table))[X86_PX(l, virt)];
        for (unsigned d = 0; d < 2; d++) {
            *e &= ~drop[d];
            CHECK_OK(x86_translate(&pt, virt, &w));
            CHECK(w.writable == (d != 0));
            CHECK(w.user == (d != 1));
            CHECK(w.executable);
            *e |= drop[d];
        }
        *e |= X86_PTE_NX;
        CHECK_OK(x86_translate(&pt, virt, &w));
        CHECK(!w.executable && w.writable && w.user);
        CHECK(x86_walk_attrs(&w) == (all_open & ~VMM_ATTR_EXECUTABLE));
        *e &= ~X86_PTE_NX;
    }
    /* A not-present walk reports the entries read so far. */
    CHECK_ERR(x86_translate(&pt, virt + K4, &w), VMM_ERR_NOT_MAPPED);
    CHECK(X86_PTE_PRESENT(w.entries[0]) && X86_PTE_PRESENT(w.entries[2]));
    CHECK(w.entries[3] == 0);
    CHECK_ERR(x86_translate(&pt, virt + G512, &w), VMM_ERR_NOT_MAPPED);
    CHECK(w.entries[0] == 0 && w.entries[1] == 0);
    CHECK_ERR(x86_translate(&pt, LOW_TOP, &w), VMM_ERR_NON_CANONICAL);
    CHECK(!w.writable && !w.user && !w.executable);
    CHECK_OK(x86_unmap(&pt, virt, K4, K4));
    /* the PAT bit of a large leaf (bit 12) is not part of the address */
    const uint64_t sizes[] = { M2, G1 };
    for (unsigned s = 0; s < 2; s++) {
        CHECK_OK(x86_map(&pt, 4 * G1, 8 * G1, sizes[s], sizes[s], all_open));
        CHECK_OK(x86_translate(&pt, 4 * G1 + 0x234, &w));
        x86_pte_t *leaf = NULL;
        uint64_t table = pt.pml4;
        for (int l = X86_LEVEL_PML4; l >= w.level; l--) {
            leaf = &((x86_pte_t *)hostmem_ptr(&hm, table))[X86_PX(l, 4 * G1)];
            table = X86_PTE_ADDR(*leaf);
        }
        *leaf |= X86_PTE_PAT_LARGE;
        CHECK_OK(x86_translate(&pt, 4 * G1 + 0x234, &w));
        CHECK(w.phys == 8 * G1 + 0x234 && w.page_size == sizes[s]);
        *leaf &= ~X86_PTE_PAT_LARGE;
        CHECK_OK(x86_unmap(&pt, 4 * G1, sizes[s], sizes[s]));
    }
    teardown();
}

/* Runs a failing map and checks the whole state is unchanged. */
static void check_map_fails(uint64_t virt, uint64_t phys, uint64_t len,
                            uint64_t size, vmm_attrs_t attrs,
                            vmm_status_t expected)
{
    state_t before;
    state_take(&before);
    CHECK_ERR(x86_map(&pt, virt, phys, len, size, attrs), expected);
    CHECK(state_same(&before));
    state_free(&before);
}

static void check_unmap_fails(uint64_t virt, uint64_t len, uint64_t size,
                              vmm_status_t expected)
{
    state_t before;
    state_take(&before);
    CHECK_ERR(x86_unmap(&pt, virt, len, size), expected);
    CHECK(state_same(&before));
    state_free(&before);
}

static void test_argument_errors(void)
{
    setup();
    CHECK_OK(x86_map(&pt, 0x200000, 0x200000, K4, K4, 0)); /* some state */
    check_map_fails(0x400000, 0, K4, 8192, 0, VMM_ERR_INVALID_ARGUMENT);
    check_map_fails(0x400000, 0, K4, 0, 0, VMM_ERR_INVALID_ARGUMENT);
    check_map_fails(0x400000, 0, 0, K4, 0, VMM_ERR_INVALID_ARGUMENT);
    check_map_fails(0x400000, 0, K4, K4, VMM_ATTR_ALL + 1, VMM_ERR_INVALID_ARGUMENT);
    check_map_fails(0x400000, 0, K4, K4, 1u << 31, VMM_ERR_INVALID_ARGUMENT);
    check_map_fails(0x400001, 0, K4, K4, 0, VMM_ERR_MISALIGNED);
    check_map_fails(0x400000, 0x800, K4, K4, 0, VMM_ERR_MISALIGNED);
    check_map_fails(0x400000, 0, 100, K4, 0, VMM_ERR_MISALIGNED);
    check_map_fails(0x401000, 0, M2, M2, 0, VMM_ERR_MISALIGNED);
    check_map_fails(0x400000, 0x1000, M2, M2, 0, VMM_ERR_MISALIGNED);
    check_map_fails(G1, M2, G1, G1, 0, VMM_ERR_MISALIGNED);
    check_map_fails(G1 + M2, 0, G1, G1, 0, VMM_ERR_MISALIGNED);
    check_map_fails(0, 0, G1 + M2, G1, 0, VMM_ERR_MISALIGNED);
    check_map_fails(TOP_4K, 0, 2 * K4, K4, 0, VMM_ERR_OVERFLOW);
    check_map_fails(2 * K4, 0, 0 - K4, K4, 0, VMM_ERR_OVERFLOW);
    check_map_fails(K4, 0, 0 - K4, K4, 0, VMM_ERR_NON_CANONICAL);
    check_map_fails(LOW_TOP, 0, K4, K4, 0, VMM_ERR_NON_CANONICAL);
    check_map_fails(HIGH_HALF - K4, 0, K4, K4, 0, VMM_ERR_NON_CANONICAL);
    check_map_fails(0x0123000000000000ull, 0, K4, K4, 0, VMM_ERR_NON_CANONICAL);
    check_map_fails(LOW_TOP - K4, 0, 2 * K4, K4, 0, VMM_ERR_NON_CANONICAL);
    check_map_fails(LOW_TOP - G1, 0, 2 * G1, G1, 0, VMM_ERR_NON_CANONICAL);
    /* a range from the low half to the high half spans the hole */
    check_map_fails(0, 0, HIGH_HALF, G1, 0, VMM_ERR_NON_CANONICAL);
    check_map_fails(0x400000, X86_PHYS_MAX, K4, K4, 0, VMM_ERR_INVALID_PHYS);
    check_map_fails(0x400000, X86_PHYS_MAX - K4, 2 * K4, K4, 0, VMM_ERR_INVALID_PHYS);
    check_map_fails(0x400000, 0xFFFFFFFFFFFFF000ull, K4, K4, 0, VMM_ERR_INVALID_PHYS);
    CHECK_OK(x86_map(&pt, 0x400000, X86_PHYS_MAX - K4, K4, K4, 0)); /* last frame */
    CHECK_OK(x86_unmap(&pt, 0x400000, K4, K4));
    CHECK_ERR(x86_map(NULL, 0, 0, K4, K4, 0), VMM_ERR_INVALID_ARGUMENT);

    check_unmap_fails(0x200000, K4, 3, VMM_ERR_INVALID_ARGUMENT);
    check_unmap_fails(0x200000, 0, K4, VMM_ERR_INVALID_ARGUMENT);
    check_unmap_fails(0x200800, K4, K4, VMM_ERR_MISALIGNED);
    check_unmap_fails(0x200000, 10, K4, VMM_ERR_MISALIGNED);
    check_unmap_fails(TOP_4K, 2 * K4, K4, VMM_ERR_OVERFLOW);
    check_unmap_fails(LOW_TOP, K4, K4, VMM_ERR_NON_CANONICAL);
    CHECK_ERR(x86_unmap(NULL, 0, K4, K4), VMM_ERR_INVALID_ARGUMENT);

    x86_walk_t w;
    CHECK_ERR(x86_translate(NULL, 0, &w), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(x86_translate(&pt, 0, NULL), VMM_ERR_INVALID_ARGUMENT);
    vmm_frames_t none = { 0 };
    x86_paging_t other;
    CHECK_ERR(x86_paging_init(&other, &none, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(x86_paging_init(&other, NULL, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(x86_paging_init(NULL, &hm.frames, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_OK(x86_unmap(&pt, 0x200000, K4, K4));
    teardown();
}

static void test_state_errors(void)
{
    setup();
    /* already mapped: whole range, partly, last page only */
    CHECK_OK(x86_map(&pt, 0x10000, 0x10000, 4 * K4, K4, 0));
    check_map_fails(0x10000, 0, K4, K4, 0, VMM_ERR_ALREADY_MAPPED);
    check_map_fails(0xE000, 0, 3 * K4, K4, 0, VMM_ERR_ALREADY_MAPPED);
    check_map_fails(0xD000, 0, 4 * K4, K4, 0, VMM_ERR_ALREADY_MAPPED);
    check_map_fails(0x13000, 0, 8 * K4, K4, 0, VMM_ERR_ALREADY_MAPPED);
    /* a 2M page over a PT with mappings: conflict (smaller under larger) */
    check_map_fails(0, 0, M2, M2, 0, VMM_ERR_LARGE_PAGE_CONFLICT);
    /* a 1G page over a PD: conflict */
    check_map_fails(0, 0, G1, G1, 0, VMM_ERR_LARGE_PAGE_CONFLICT);
    /* unmap: not mapped, partly mapped, wrong size */
    check_unmap_fails(0x20000, K4, K4, VMM_ERR_NOT_MAPPED);
    check_unmap_fails(0x12000, 4 * K4, K4, VMM_ERR_NOT_MAPPED);
    check_unmap_fails(0x7000000000ull, K4, K4, VMM_ERR_NOT_MAPPED);
    check_unmap_fails(0, M2, M2, VMM_ERR_LARGE_PAGE_CONFLICT);
    check_unmap_fails(0, G1, G1, VMM_ERR_LARGE_PAGE_CONFLICT);
    check_unmap_fails(M2, M2, M2, VMM_ERR_NOT_MAPPED);

    /* 2M leaf: a 4K map or unmap under it conflicts, 2M again is mapped */
    CHECK_OK(x86_map(&pt, 4 * M2, 0, M2, M2, 0));
    check_map_fails(4 * M2 + K4, 0, K4, K4, 0, VMM_ERR_LARGE_PAGE_CONFLICT);
    check_map_fails(4 * M2 - K4, 0, 2 * K4, K4, 0, VMM_ERR_LARGE_PAGE_CONFLICT);
    check_map_fails(4 * M2, 0, M2, M2, 0, VMM_ERR_ALREADY_MAPPED);
    check_map_fails(0, 0, G1, G1, 0, VMM_ERR_LARGE_PAGE_CONFLICT);
    check_unmap_fails(4 * M2, K4, K4, VMM_ERR_LARGE_PAGE_CONFLICT);
    check_unmap_fails(4 * M2, 2 * M2, M2, VMM_ERR_NOT_MAPPED);

    /* 1G leaf: 2M and 4K under it conflict */
    CHECK_OK(x86_map(&pt, 3 * G1, 0, G1, G1, 0));
    check_map_fails(3 * G1 + M2, 0, M2, M2, 0, VMM_ERR_LARGE_PAGE_CONFLICT);
    check_map_fails(3 * G1 + 5 * K4, 0, K4, K4, 0, VMM_ERR_LARGE_PAGE_CONFLICT);
    check_map_fails(2 * G1, 0, 2 * G1, G1, 0, VMM_ERR_ALREADY_MAPPED);
    check_unmap_fails(3 * G1, M2, M2, VMM_ERR_LARGE_PAGE_CONFLICT);
    check_unmap_fails(3 * G1 + K4, K4, K4, VMM_ERR_LARGE_PAGE_CONFLICT);

    CHECK_OK(x86_unmap(&pt, 3 * G1, G1, G1));
    CHECK_OK(x86_unmap(&pt, 4 * M2, M2, M2));
    CHECK_OK(x86_unmap(&pt, 0x10000, 4 * K4, K4));
    CHECK(pt.table_frames == 1);
    teardown();
}

/* Unmaps spanning several leaf tables: an error in any table (a missing
 * page, a missing table, a large page) leaves everything unchanged, and the
 * first bad page decides the error. */
static void test_unmap_across_tables(void)
{
    setup();
    const uint64_t base = 8 * M2; /* PTs 8, 9, 10 of the first PD */
    CHECK_OK(x86_map(&pt, base, 0, 3 * M2 - K4, K4, 0)); /* last missing */
    CHECK(pt.table_frames == 6);
    check_unmap_fails(base, 3 * M2, K4, VMM_ERR_NOT_MAPPED);
    check_unmap_fails(base + K4, 3 * M2 - K4, K4, VMM_ERR_NOT_MAPPED);
    CHECK_OK(x86_map(&pt, base + 3 * M2 - K4, 0, K4, K4, 0));
    /* the fourth PT does not exist at all */
    check_unmap_fails(base, 4 * M2, K4, VMM_ERR_NOT_MAPPED);
    check_unmap_fails(base + 2 * M2 + 5 * K4, M2, K4, VMM_ERR_NOT_MAPPED);
    /* PT 11 full, then a 2M page at 12 * M2: 4K pages there conflict */
    CHECK_OK(x86_map(&pt, 11 * M2, 0, M2, K4, 0));
    CHECK_OK(x86_map(&pt, 12 * M2, 0, M2, M2, 0));
    CHECK(pt.table_frames == 7);
    check_unmap_fails(base, 5 * M2, K4, VMM_ERR_LARGE_PAGE_CONFLICT);
    /* a hole before the conflict decides */
    CHECK_OK(x86_unmap(&pt, 9 * M2 + 7 * K4, K4, K4));
    check_unmap_fails(base, 5 * M2, K4, VMM_ERR_NOT_MAPPED);
    CHECK_OK(x86_map(&pt, 9 * M2 + 7 * K4, 0, K4, K4, 0));
    /* 2M pages: a PT in the way conflicts, a missing page is not mapped */
    check_unmap_fails(11 * M2, 2 * M2, M2, VMM_ERR_LARGE_PAGE_CONFLICT);
    check_unmap_fails(12 * M2, 2 * M2, M2, VMM_ERR_NOT_MAPPED);
    /* all four PTs in one call: each freed, the PD stays for the 2M page */
    CHECK_OK(x86_unmap(&pt, base, 4 * M2, K4));
    CHECK(pt.table_frames == 3);
    CHECK_OK(x86_unmap(&pt, 12 * M2, M2, M2));
    CHECK(pt.table_frames == 1);
    teardown();
}

/* Emptiness is judged on the whole table, whichever side of the cleared
 * entries the survivors sit: the table stays while any entry is left and
 * goes with the last one, wherever it is. */
static void test_unmap_frees_when_last_goes(void)
{
    setup();
    const uint64_t pt_base = 0x7F0000000000ull;
    const unsigned order[][3] = { { 0, 511, 300 }, { 511, 0, 300 },
                                  { 300, 0, 511 }, { 300, 511, 0 },
                                  { 1, 510, 2 },   { 510, 1, 509 } };
    for (unsigned o = 0; o < sizeof order / sizeof order[0]; o++) {
        for (unsigned k = 0; k < 3; k++)
            CHECK_OK(x86_map(&pt, pt_base + order[o][k] * K4, 0, K4, K4, 0));
        CHECK(pt.table_frames == 4);
        for (unsigned k = 0; k < 3; k++) {
            CHECK_OK(x86_unmap(&pt, pt_base + order[o][k] * K4, K4, K4));
            CHECK(pt.table_frames == (k == 2 ? 1u : 4u));
        }
    }
    /* a run in the middle, survivors at both ends */
    CHECK_OK(x86_map(&pt, pt_base, 0, M2, K4, 0));
    CHECK_OK(x86_unmap(&pt, pt_base + K4, M2 - 2 * K4, K4));
    CHECK(pt.table_frames == 4);
    CHECK_OK(x86_unmap(&pt, pt_base + M2 - K4, K4, K4));
    CHECK(pt.table_frames == 4);
    CHECK_OK(x86_unmap(&pt, pt_base, K4, K4));
    CHECK(pt.table_frames == 1);
    /* parents too: two PTs in one PD, two PDs in one PDPT */
    CHECK_OK(x86_map(&pt, pt_base + G1 - K4, 0, 2 * K4, K4, 0));
    CHECK_OK(x86_map(&pt, pt_base, 0, K4, K4, 0));
    CHECK(pt.table_frames == 7);
    CHECK_OK(x86_unmap(&pt, pt_base + G1 - K4, 2 * K4, K4)); /* PT, PT, PD */
    CHECK(pt.table_frames == 4);
    CHECK_OK(x86_unmap(&pt, pt_base, K4, K4));
    CHECK(pt.table_frames == 1);
    teardown();
}

/* The emptiness test reads a table a block of 8 entries at a time: a run
 * cleared next to (or in the same block as) one surviving entry keeps the
 * table, and the survivor's own unmap then frees it, for survivors and runs
 * at every block edge. */
static void test_unmap_keeps_table_with_block_neighbour(void)
{
    setup();
    const uint64_t base = 0x7F0000000000ull;
    const unsigned survivors[] = { 0, 1, 6, 7, 8, 9, 15, 16, 255, 256, 263, 264, 504, 510, 511 };
    const unsigned runs[][2] = { /* first entry, entries */
        { 0, 1 }, { 1, 1 }, { 1, 6 }, { 0, 7 }, { 0, 8 }, { 1, 7 }, { 7, 2 }, { 8, 8 },
        { 9, 6 }, { 2, 14 }, { 17, 200 }, { 100, 156 }, { 256, 7 }, { 257, 7 },
        { 265, 239 }, { 505, 5 }, { 505, 7 }, { 511, 1 }, { 2, 500 }, { 1, 510 },
    };
    for (unsigned a = 0; a < sizeof survivors / sizeof survivors[0]; a++) {
        for (unsigned r = 0; r < sizeof runs / sizeof runs[0]; r++) {
            unsigned s = survivors[a], first = runs[r][0], n = runs[r][1];
            if (s >= first && s < first + n)
                continue;
            CHECK_OK(x86_map(&pt, base + s * K4, 0, K4, K4, 0));
            CHECK_OK(x86_map(&pt, base + first * K4, 0, n * K4, K4, 0));
            CHECK(pt.table_frames == 4);
            CHECK_OK(x86_unmap(&pt, base + first * K4, n * K4, K4));
            CHECK(pt.table_frames == 4);
            check_unmapped(base + first * K4);
            check_translates(base + s * K4, 0, K4, 0);
            CHECK_OK(x86_unmap(&pt, base + s * K4, K4, K4));
            CHECK(pt.table_frames == 1);
        }
    }
    /* the parent levels too: a PD kept by a PT in the same block, a PDPT by
     * a PD in the next block */
    CHECK_OK(x86_map(&pt, base + 3 * M2, 0, K4, K4, 0));
    CHECK_OK(x86_map(&pt, base + 4 * M2, 0, K4, K4, 0));
    CHECK_OK(x86_map(&pt, base + 8 * G1, 0, K4, K4, 0));
    CHECK(pt.table_frames == 1 + 1 + 2 + 3);
    CHECK_OK(x86_unmap(&pt, base + 4 * M2, K4, K4)); /* its PT only */
    CHECK(pt.table_frames == 6);
    CHECK_OK(x86_unmap(&pt, base + 3 * M2, K4, K4)); /* PT and PD */
    CHECK(pt.table_frames == 4);
    CHECK_OK(x86_unmap(&pt, base + 8 * G1, K4, K4)); /* PT, PD, PDPT */
    CHECK(pt.table_frames == 1);
    teardown();
}

/* X86_PAGING_TEARDOWN: unmap checks and clears as always (all or nothing),
 * but leaves emptied tables linked; destroy then frees every table. */
static void test_teardown_unmap_keeps_tables(void)
{
    setup();
    const uint64_t base = 0x7F0000000000ull;
    CHECK_OK(x86_map(&pt, base, 0x200000, 3 * K4, K4, VMM_ATTR_WRITABLE));
    CHECK_OK(x86_map(&pt, base + G1, 0, M2, M2, 0));
    CHECK(pt.table_frames == 1 + 1 + 2 + 1);
    pt.flags |= X86_PAGING_TEARDOWN;
    state_t before;
    state_take(&before);
    CHECK_ERR(x86_unmap(&pt, base, 4 * K4, K4), VMM_ERR_NOT_MAPPED);
    CHECK_ERR(x86_unmap(&pt, base + G1, K4, K4), VMM_ERR_LARGE_PAGE_CONFLICT);
    CHECK(state_same(&before));
    state_free(&before);
    size_t free0 = pmm_free_count(&hm.pmm);
    CHECK_OK(x86_unmap(&pt, base, 3 * K4, K4));
    CHECK_OK(x86_unmap(&pt, base + G1, M2, M2));
    check_unmapped(base);
    check_unmapped(base + G1);
    CHECK(pt.table_frames == 5); /* nothing pruned, nothing freed */
    CHECK(pmm_free_count(&hm.pmm) == free0);
    const x86_pte_t *pml4 = hostmem_ptr(&hm, pt.pml4);
    CHECK(X86_PTE_PRESENT(pml4[X86_PX(X86_LEVEL_PML4, base)]));
    teardown(); /* destroy frees the five tables: every frame back */
}

/* destroy tells tables from large pages inside one block of entries: a PD
 * whose entries 0 and 2 map 2 MiB pages and 1 and 3 point to PTs, a PDPT
 * mixing 1 GiB pages and PDs the same way. */
static void test_destroy_mixed_block(void)
{
    setup();
    const uint64_t base = 0x7F0000000000ull;
    for (unsigned i = 0; i < 4; i++) {
        if (i % 2 == 0) {
            CHECK_OK(x86_map(&pt, base + i * M2, 0x40000000ull, M2, M2, 0));
            CHECK_OK(x86_map(&pt, base + (i + 8) * G1, 0x40000000ull, G1, G1, 0));
        } else {
            CHECK_OK(x86_map(&pt, base + i * M2, 0x40000000ull, K4, K4, 0));
            CHECK_OK(x86_map(&pt, base + (i + 8) * G1, 0x40000000ull, K4, K4, 0));
        }
    }
    CHECK(pt.table_frames == 1 + 1 + 1 + 2 + 2 * 2);
    teardown(); /* every table back, the mapped frames untouched */
}

/* Fails the Nth table allocation for every N: the state is unchanged, then
 * the map succeeds; unmap brings everything back. */
static void rollback_case(uint64_t virt, uint64_t len, uint64_t size,
                          size_t tables_needed)
{
    state_t before;
    state_take(&before);
    size_t failures = 0;
    for (long n = 0;; n++) {
        fail_countdown = n;
        vmm_status_t st = x86_map(&pt, virt, 0, len, size, 0);
        fail_countdown = -1;
        if (st == VMM_OK)
            break;
        CHECK_ERR(st, VMM_ERR_OUT_OF_FRAMES);
        CHECK(state_same(&before));
        failures++;
        if (n > 10000)
            break;
    }
    CHECK(failures == tables_needed);
    CHECK(pt.table_frames == before.tables + tables_needed);
    CHECK_OK(x86_unmap(&pt, virt, len, size));
    CHECK(state_same(&before));
    state_free(&before);
}

static void test_rollback_at_every_point(void)
{
    setup();
    rollback_case(0x7000000000ull, K4, K4, 3);
    rollback_case(G512 - 2 * M2, 4 * M2, K4, 2 + 2 + 4);
    rollback_case(G512 - G1, 2 * G1, M2, 2 + 2);
    rollback_case(G512 - G1, 2 * G1, G1, 2);
    /* with existing tables, only the missing ones are allocated */
    CHECK_OK(x86_map(&pt, 0x3000, 0, K4, K4, 0));
    rollback_case(0x1000, K4, K4, 0);
    rollback_case(M2 - K4, 2 * K4, K4, 1);
    rollback_case(G1 - K4, 2 * K4, K4, 3);
    CHECK_OK(x86_unmap(&pt, 0x3000, K4, K4));
    /* the pmm itself running out (no countdown): all or nothing too */
    state_t before;
    state_take(&before);
    size_t free_frames = pmm_free_count(&hm.pmm);
    uint64_t span = (uint64_t)(free_frames + 1) * M2; /* needs > free PTs */
    CHECK_ERR(x86_map(&pt, 0, 0, span, K4, 0), VMM_ERR_OUT_OF_FRAMES);
    CHECK(state_same(&before));
    state_free(&before);
    teardown();
}

/* x86_paging_init: out of frames keeps nothing; tables start zeroed even
 * in poisoned memory. */
static void test_init_and_destroy(void)
{
    CHECK(hostmem_init(&hm, 0x200000, 16 * K4));
    x86_paging_t p;
    uint64_t got[16];
    for (unsigned i = 0; i < 16; i++)
        CHECK_OK(pmm_alloc(&hm.pmm, &got[i]));
    CHECK_ERR(x86_paging_init(&p, &hm.frames, hm.access_offset), VMM_ERR_OUT_OF_FRAMES);
    for (unsigned i = 0; i < 16; i++)
        CHECK_OK(pmm_free(&hm.pmm, got[i]));
    CHECK_OK(x86_paging_init(&p, &hm.frames, hm.access_offset));
    const x86_pte_t *pml4 = hostmem_ptr(&hm, p.pml4);
    for (unsigned i = 0; i < X86_ENTRIES; i++)
        CHECK(pml4[i] == 0);
    /* destroy frees nested tables, not the mapped frames */
    CHECK_OK(x86_map(&p, 0, 0, 4 * K4, K4, 0));
    CHECK_OK(x86_map(&p, G1, 0, M2, M2, 0));
    CHECK_OK(x86_map(&p, HIGH_HALF, 0, G1, G1, 0));
    CHECK(p.table_frames == 6);
    CHECK(pmm_free_count(&hm.pmm) == 16 - 6);
    x86_paging_destroy(&p);
    CHECK(pmm_free_count(&hm.pmm) == 16);
    x86_paging_destroy(&p); /* twice is harmless */
    x86_walk_t w;
    CHECK_ERR(x86_map(&p, 0, 0, K4, K4, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(x86_unmap(&p, 0, K4, K4), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(x86_translate(&p, 0, &w), VMM_ERR_INVALID_ARGUMENT);
    x86_paging_destroy(NULL);
    hostmem_destroy(&hm);
}

/* The mapper interface drives the same tables. */
static void test_mapper_interface(void)
{
    setup();
    vmm_mapper_t m = x86_paging_mapper(&pt);
    CHECK(m.ctx == &pt);
    CHECK_OK(m.map(m.ctx, HIGH_HALF, M2, 2 * M2, M2, RW_KERNEL));
    uint64_t phys = 0, size = 0;
    vmm_attrs_t attrs = 0;
    CHECK_OK(m.query(m.ctx, HIGH_HALF + M2 + 3, &phys, &attrs, &size));
    CHECK(phys == 2 * M2 + 3 && attrs == RW_KERNEL && size == M2);
    CHECK_ERR(m.query(m.ctx, HIGH_HALF + 2 * M2, &phys, &attrs, &size), VMM_ERR_NOT_MAPPED);
    CHECK_ERR(m.query(m.ctx, LOW_TOP, NULL, NULL, NULL), VMM_ERR_NOT_MAPPED);
    CHECK_ERR(m.map(m.ctx, HIGH_HALF, 0, M2, M2, 0), VMM_ERR_ALREADY_MAPPED);
    CHECK_ERR(m.unmap(m.ctx, HIGH_HALF, M2, K4), VMM_ERR_LARGE_PAGE_CONFLICT);
    CHECK_OK(m.unmap(m.ctx, HIGH_HALF, 2 * M2, M2));
    CHECK_ERR(m.unmap(m.ctx, HIGH_HALF, M2, M2), VMM_ERR_NOT_MAPPED);
    CHECK(pt.table_frames == 1);
    teardown();
}

/* Random maps and unmaps in a small virtual area, against a model of which
 * 4K slots are covered (and by which mapping). */
#define MODEL_SLOTS 2048 /* 8 MiB of 4K slots in each of two areas */
typedef struct model_map { uint64_t virt, phys, len, size; vmm_attrs_t attrs; } model_map_t;
static model_map_t maps[256];
static unsigned nmaps;
static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
/* Returns a pseudo-random number below bound (tests/lib/xorshift.h). */
static uint64_t rnd(uint64_t bound) { return xorshift_below(&rng_state, bound); }

static const model_map_t *model_find(uint64_t virt)
{
    for (unsigned i = 0; i < nmaps; i++)
        if (virt >= maps[i].virt && virt - maps[i].virt < maps[i].len)
            return &maps[i];
    return NULL;
}

/* The error a map of [virt, virt+len) with size should give in the model. */
static vmm_status_t model_map_error(uint64_t virt, uint64_t len, uint64_t size)
{
    for (uint64_t p = virt; p < virt + len; p += size) {
        for (unsigned i = 0; i < nmaps; i++) {
            const model_map_t *m = &maps[i];
            if (m->virt >= p + size || p >= m->virt + m->len)
                continue;
            /* an overlapping mapping: same size and same page -> mapped */
            if (m->size == size)
                return VMM_ERR_ALREADY_MAPPED;
            return VMM_ERR_LARGE_PAGE_CONFLICT;
        }
        /* a smaller mapping's table sharing our large page's slot, even
         * without overlap in bytes, cannot exist: slots are page-aligned */
    }
    return VMM_OK;
}

static void check_model(uint64_t base)
{
    for (unsigned probe = 0; probe < 64; probe++) {
        uint64_t v = base + rnd(MODEL_SLOTS) * K4 + rnd(K4);
        const model_map_t *m = model_find(v);
        if (m == NULL) {
            check_unmapped(v);
        } else {
            uint64_t off = v - m->virt;
            check_translates(v, m->phys + off, m->size, m->attrs);
        }
    }
}

/* Adds the level-`level` tables (keys virt >> shift of the entry above) that
 * [virt, virt + len) needs to the set keys[0..*n). */
static void add_table_keys(uint64_t *keys, unsigned *n, unsigned cap,
                           uint64_t virt, uint64_t len, int level)
{
    unsigned shift = X86_PX_SHIFT(level + 1);
    for (uint64_t k = virt >> shift; k <= (virt + len - 1) >> shift; k++) {
        unsigned i = 0;
        while (i < *n && keys[i] != k)
            i++;
        if (i == *n && *n < cap)
            keys[(*n)++] = k;
    }
}

/* Table frames the model's mappings need: the PML4 plus one table per
 * distinct region of each level (tables are freed as soon as empty). */
static size_t model_tables(void)
{
    size_t total = 1;
    for (int level = X86_LEVEL_PT; level < X86_LEVEL_PML4; level++) {
        uint64_t keys[64];
        unsigned n = 0;
        for (unsigned i = 0; i < nmaps; i++)
            if (X86_LEVEL_SIZE(level) >= maps[i].size) /* level >= leaf */
                add_table_keys(keys, &n, 64, maps[i].virt, maps[i].len, level);
        CHECK(n < 64);
        total += n;
    }
    return total;
}

static void test_random_against_model(void)
{
    setup();
    /* two areas: one low, one straddling the top of a 512G slot */
    const uint64_t bases[] = { 0x40000000ull, G512 - 4 * M2 };
    state_t empty;
    state_take(&empty);
    for (unsigned step = 0; step < 4000; step++) {
        uint64_t base = bases[rnd(2)];
        uint64_t size = rnd(4) == 0 ? M2 : K4;
        uint64_t virt = base + (size == M2 ? rnd(4) * M2 : rnd(MODEL_SLOTS) * K4);
        uint64_t pages = 1 + rnd(size == M2 ? 2 : 16);
        if (virt + pages * size > base + MODEL_SLOTS * K4)
            pages = (base + MODEL_SLOTS * K4 - virt) / size;
        uint64_t len = pages * size;
        if (rnd(2) == 0 && nmaps < 256) {
            vmm_attrs_t attrs = (vmm_attrs_t)rnd(VMM_ATTR_ALL + 1);
            uint64_t phys = rnd(1u << 20) * M2;
            vmm_status_t want = model_map_error(virt, len, size);
            state_t before;
            state_take(&before);
            CHECK_ERR(x86_map(&pt, virt, phys, len, size, attrs), want);
            if (want == VMM_OK)
                maps[nmaps++] = (model_map_t){ virt, phys, len, size, attrs };
            else
                CHECK(state_same(&before));
            state_free(&before);
        } else if (nmaps > 0) {
            unsigned i = (unsigned)rnd(nmaps);
            CHECK_OK(x86_unmap(&pt, maps[i].virt, maps[i].len, maps[i].size));
            maps[i] = maps[--nmaps];
        }
        check_model(base);
        CHECK(pt.table_frames == model_tables());
    }
    while (nmaps > 0) {
        nmaps--;
        CHECK_OK(x86_unmap(&pt, maps[nmaps].virt, maps[nmaps].len, maps[nmaps].size));
    }
    CHECK(state_same(&empty));
    state_free(&empty);
    teardown();
}

int main(void)
{
    RUN(test_every_size_at_boundaries);
    RUN(test_table_counts);
    RUN(test_attributes);
    RUN(test_walk_combines_levels);
    RUN(test_argument_errors);
    RUN(test_state_errors);
    RUN(test_unmap_across_tables);
    RUN(test_unmap_frees_when_last_goes);
    RUN(test_unmap_keeps_table_with_block_neighbour);
    RUN(test_teardown_unmap_keeps_tables);
    RUN(test_destroy_mixed_block);
    RUN(test_rollback_at_every_point);
    RUN(test_init_and_destroy);
    RUN(test_mapper_interface);
    RUN(test_random_against_model);
    return check_exit();
}
