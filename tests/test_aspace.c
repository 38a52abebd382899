/* Integration contracts of the core (INTEGRATION.md): deferred release of
 * emptied table frames, a pinned kernel half, address spaces sharing it
 * (create, isolation, destroy returning every frame, failure part-way), and
 * zero-before-visible for every fresh frame the VMM maps. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "core/fault.h"
#include "core/x86_64/aspace.h"
#include "fail_alloc.h"
#include "fail_frames.h"
#include "hostmem.h"

#define K4 VMM_SIZE_4K
#define M2 VMM_SIZE_2M
#define KVIRT 0xFFFFFFFF80000000ull  /* a kernel page (PML4 slot 511)   */
#define KVIRT2 0xFFFF900000000000ull /* another kernel slot (288)       */
#define UVIRT 0x0000000000400000ull  /* a user page                     */
#define UWIN_START X86_USER_START
#define UWIN_END (X86_USER_START + (64ull << 20))
#define KRW (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)
#define URW (VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)

static hostmem_t hm;
static fail_frames_t ff;
static fail_alloc_t fa;
static size_t hm_free0; /* free frames of a fresh hostmem */

/* Zeroes frames of hm (the frames.zero of the sources below). */
static size_t zero_calls;
static void hm_zero(void *ctx, uint64_t phys, size_t count)
{
    (void)ctx;
    zero_calls++;
    memset(hostmem_ptr(&hm, phys), 0, count * K4);
}

/* Fresh host memory, a failure-injecting frame source over it (with zero). */
static vmm_frames_t setup(void)
{
    CHECK(hostmem_init(&hm, 0x100000, 8u << 20));
    fail_frames_init(&ff, &hm.frames);
    fail_alloc_init(&fa);
    hm_free0 = pmm_free_count(&hm.pmm);
    vmm_frames_t f = fail_frames_iface(&ff);
    f.zero = hm_zero;
    return f;
}

/* Returns the PML4 of pt as host entries. */
static const x86_pte_t *pml4_of(const x86_paging_t *pt)
{
    return hostmem_ptr(&hm, pt->pml4);
}

/* ---- deferred release of emptied table frames ---- */

static void test_unmap_hands_tables_to_release_hook(void)
{
    vmm_frames_t f = setup();
    x86_paging_t pt;
    x86_table_queue_t q;
    CHECK_OK(x86_paging_init(&pt, &f, hm.access_offset));
    x86_table_queue_init(&q, &f, hm.access_offset);
    pt.release = x86_table_queue_release(&q);
    size_t free0 = pmm_free_count(&hm.pmm);
    CHECK_OK(x86_map(&pt, UVIRT, 0x200000, K4, K4, URW));
    CHECK(pt.table_frames == 4);
    CHECK(pmm_free_count(&hm.pmm) == free0 - 3);
    CHECK_OK(x86_unmap(&pt, UVIRT, K4, K4));
    /* Unlinked at once, but not free before the caller's invalidation. */
    CHECK(pt.table_frames == 1);
    CHECK(pml4_of(&pt)[0] == 0);
    CHECK(q.count == 3);
    CHECK(pmm_free_count(&hm.pmm) == free0 - 3);
    for (uint64_t p = q.head; p != X86_TABLE_QUEUE_END;) {
        const x86_pte_t *t = hostmem_ptr(&hm, p);
        CHECK(!X86_PTE_PRESENT(t[0])); /* a stale walk still sees empty */
        for (unsigned i = 1; i < X86_ENTRIES; i++)
            CHECK(t[i] == 0);
        p = t[0];
    }
    CHECK(x86_table_queue_flush(&q) == 3);
    CHECK(q.count == 0 && q.head == X86_TABLE_QUEUE_END);
    CHECK(pmm_free_count(&hm.pmm) == free0);
    CHECK(x86_table_queue_flush(&q) == 0);
    /* A failed unmap releases nothing. */
    CHECK_ERR(x86_unmap(&pt, UVIRT, K4, K4), VMM_ERR_NOT_MAPPED);
    CHECK(q.count == 0);
    x86_paging_destroy(&pt);
    CHECK(pmm_free_count(&hm.pmm) == free0 + 1);
    hostmem_destroy(&hm);
}

static void test_default_release_frees_at_once(void)
{
    vmm_frames_t f = setup();
    x86_paging_t pt;
    CHECK_OK(x86_paging_init(&pt, &f, hm.access_offset));
    CHECK(pt.release.release == NULL);
    size_t free0 = pmm_free_count(&hm.pmm);
    CHECK_OK(x86_map(&pt, UVIRT, 0x200000, 2 * M2, M2, URW));
    CHECK_OK(x86_unmap(&pt, UVIRT, 2 * M2, M2));
    CHECK(pmm_free_count(&hm.pmm) == free0);
    x86_paging_destroy(&pt);
    hostmem_destroy(&hm);
}

/* ---- the pinned kernel half ---- */

static void test_pin_kernel_half(void)
{
    vmm_frames_t f = setup();
    x86_paging_t pt;
    CHECK_OK(x86_paging_init(&pt, &f, hm.access_offset));
    CHECK_OK(x86_map(&pt, KVIRT, 0x200000, K4, K4, KRW));
    x86_pte_t slot511 = pml4_of(&pt)[511];
    /* Failure part-way through the 255 missing PDPTs keeps nothing. */
    for (long fail_at = 0; fail_at < 255; fail_at += 127) {
        hostmem_snap_t s;
        CHECK(hostmem_snap_take(&hm, &s));
        ff.countdown = fail_at;
        CHECK_ERR(x86_paging_pin_kernel_half(&pt), VMM_ERR_OUT_OF_FRAMES);
        ff.countdown = -1;
        CHECK(hostmem_snap_same(&hm, &s));
        CHECK(pt.table_frames == 4 && !(pt.flags & X86_PAGING_KERNEL_HALF_PINNED));
        for (unsigned i = X86_KERNEL_HALF_SLOT; i < 511; i++)
            CHECK(pml4_of(&pt)[i] == 0);
        hostmem_snap_free(&s);
    }
    CHECK_OK(x86_paging_pin_kernel_half(&pt));
    CHECK(pt.flags & X86_PAGING_KERNEL_HALF_PINNED);
    CHECK(pt.table_frames == 4 + 255);
    CHECK(pml4_of(&pt)[511] == slot511);
    for (unsigned i = X86_KERNEL_HALF_SLOT; i < X86_ENTRIES; i++)
        CHECK(X86_PTE_PRESENT(pml4_of(&pt)[i]));
    for (unsigned i = 0; i < X86_KERNEL_HALF_SLOT; i++)
        CHECK(pml4_of(&pt)[i] == 0);
    /* Unmapping the last kernel page frees its PT and PD, not the PDPT. */
    CHECK_OK(x86_unmap(&pt, KVIRT, K4, K4));
    CHECK(pt.table_frames == 2 + 255);
    CHECK(pml4_of(&pt)[511] == slot511);
    /* A user-half table is still pruned as before. */
    CHECK_OK(x86_map(&pt, UVIRT, 0x200000, K4, K4, URW));
    CHECK_OK(x86_unmap(&pt, UVIRT, K4, K4));
    CHECK(pt.table_frames == 2 + 255);
    x86_paging_destroy(&pt);
    CHECK(pmm_free_count(&hm.pmm) == hm_free0);
    hostmem_destroy(&hm);
}

/* ---- address spaces ---- */

static x86_paging_t kpt;
static uint64_t bitmap_a[1], bitmap_b[1]; /* (names only: no bitmap storage any more) */

/* Kernel tables: one kernel page mapped, the kernel half pinned. */
static vmm_frames_t setup_kernel(void)
{
    vmm_frames_t f = setup();
    CHECK_OK(x86_paging_init(&kpt, &f, hm.access_offset));
    CHECK_OK(x86_map(&kpt, KVIRT, 0x300000, K4, K4, KRW));
    CHECK_OK(x86_paging_pin_kernel_half(&kpt));
    return f;
}

static x86_aspace_config_t config(const vmm_frames_t *f, uint64_t *bitmap)
{
    (void)bitmap;
    x86_aspace_config_t c = {
        .kernel = &kpt, .frames = *f, .allocator = fail_alloc_iface(&fa),
        .user_start = UWIN_START, .user_end = UWIN_END,
    };
    return c;
}

/* Returns the frame virt translates to in pt, or UINT64_MAX. */
static uint64_t phys_of(const x86_paging_t *pt, uint64_t virt)
{
    x86_walk_t w;
    return x86_translate(pt, virt, &w) == VMM_OK ? w.phys : UINT64_MAX;
}

static void test_aspaces_share_kernel_half(void)
{
    vmm_frames_t f = setup_kernel();
    x86_aspace_t a, b;
    x86_aspace_config_t ca = config(&f, bitmap_a), cb = config(&f, bitmap_b);
    CHECK_OK(x86_aspace_create(&a, &ca));
    CHECK_OK(x86_aspace_create(&b, &cb));
    CHECK(x86_aspace_cr3(&a) == a.pt.pml4 && a.pt.pml4 != b.pt.pml4);
    CHECK(a.pt.table_frames == 1 && b.pt.table_frames == 1);
    for (unsigned i = 0; i < X86_ENTRIES; i++) {
        x86_pte_t want = i >= X86_KERNEL_HALF_SLOT ? pml4_of(&kpt)[i] : 0;
        CHECK(pml4_of(&a.pt)[i] == want && pml4_of(&b.pt)[i] == want);
    }
    /* A kernel mapping made afterwards is seen through both. */
    CHECK_OK(x86_map(&kpt, KVIRT2, 0x400000, M2, M2, KRW));
    CHECK(phys_of(&a.pt, KVIRT2 + 0x1234) == 0x401234);
    CHECK(phys_of(&b.pt, KVIRT2 + 0x1234) == 0x401234);
    CHECK(phys_of(&a.pt, KVIRT) == 0x300000 && phys_of(&b.pt, KVIRT) == 0x300000);
    /* The same user address, different frames. */
    uint64_t fa_phys, fb_phys;
    CHECK_OK(vmm_claim(&a.vmm, UVIRT, 1, K4, URW, 0));
    CHECK_OK(vmm_claim(&b.vmm, UVIRT, 1, K4, URW, 0));
    CHECK_OK(f.alloc(f.ctx, 1, 1, &fa_phys));
    CHECK_OK(f.alloc(f.ctx, 1, 1, &fb_phys));
    CHECK_OK(vmm_map_page(&a.vmm, UVIRT, UVIRT, fa_phys, URW));
    CHECK_OK(vmm_map_page(&b.vmm, UVIRT, UVIRT, fb_phys, URW));
    CHECK(phys_of(&a.pt, UVIRT) == fa_phys && phys_of(&b.pt, UVIRT) == fb_phys);
    CHECK(phys_of(&kpt, UVIRT) == UINT64_MAX);
    /* The kernel half cannot be mapped through an address space. */
    CHECK_ERR(x86_map(&a.pt, KVIRT + K4, 0x500000, K4, K4, KRW), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(x86_unmap(&a.pt, KVIRT, K4, K4), VMM_ERR_OUT_OF_BOUNDS);
    /* ... before NOT_MAPPED / ALREADY_MAPPED (paging.h's order). */
    CHECK(phys_of(&kpt, KVIRT2 + M2) == UINT64_MAX);
    CHECK_ERR(x86_unmap(&a.pt, KVIRT2 + M2, K4, K4), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(x86_map(&a.pt, KVIRT, 0x500000, K4, K4, KRW), VMM_ERR_OUT_OF_BOUNDS);
    vmm_mapper_t m = x86_paging_mapper(&a.pt);
    CHECK_ERR(m.mappable(m.ctx, KVIRT, K4), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_OK(m.mappable(m.ctx, UVIRT, K4));
    CHECK(phys_of(&kpt, KVIRT) == 0x300000);
    x86_aspace_destroy(&a);
    x86_aspace_destroy(&b);
    CHECK(phys_of(&kpt, KVIRT2) == 0x400000 && phys_of(&kpt, KVIRT) == 0x300000);
    x86_paging_destroy(&kpt);
    CHECK(pmm_free_count(&hm.pmm) == hm_free0);
    CHECK(fa.live == 0);
    hostmem_destroy(&hm);
}

/* Fills an address space with every kind of record. */
static void populate(x86_aspace_t *as, const vmm_frames_t *f)
{
    uint64_t v, lazy, phys;
    CHECK_OK(vmm_alloc(&as->vmm, 5, URW, &v));
    CHECK_OK(vmm_reserve(&as->vmm, 2, M2, URW, VMM_RESERVE_LAZY, &lazy));
    vmm_access_t write = {.write = true, .user = true};
    CHECK(vmm_fault(&as->vmm, lazy + M2 + 8, write, NULL) == VMM_FAULT_RESOLVED);
    CHECK_OK(vmm_claim(&as->vmm, UWIN_END - 16 * K4, 4, K4, URW, 0));
    CHECK_OK(f->alloc(f->ctx, 1, 1, &phys));
    CHECK_OK(vmm_map_page(&as->vmm, UWIN_END - 16 * K4, UWIN_END - 14 * K4, phys, URW));
    vmm_range_t r = {UWIN_END - 64 * K4, UWIN_END - 60 * K4};
    CHECK_OK(vmm_set(&as->vmm, r, NULL, URW));
}

static void test_aspace_destroy_returns_every_frame(void)
{
    vmm_frames_t f = setup_kernel();
    x86_aspace_t a;
    x86_aspace_config_t ca = config(&f, bitmap_a);
    /* With a deferring hook in place too: destroy frees straight away. */
    x86_table_queue_t q;
    x86_table_queue_init(&q, &f, hm.access_offset);
    ca.release = x86_table_queue_release(&q);
    hostmem_snap_t s;
    CHECK(hostmem_snap_take(&hm, &s));
    size_t kframes = kpt.table_frames;
    x86_pte_t kpml4[X86_ENTRIES];
    memcpy(kpml4, pml4_of(&kpt), sizeof(kpml4));
    CHECK_OK(x86_aspace_create(&a, &ca));
    populate(&a, &f);
    CHECK(a.pt.table_frames > 3);
    CHECK(pmm_free_count(&hm.pmm) < s.free_frames - 8);
    x86_aspace_destroy(&a);
    CHECK(q.count == 0);
    CHECK(a.pt.table_frames == 0);
    CHECK(hostmem_snap_same(&hm, &s));
    CHECK(fa.live == 0);
    CHECK(kpt.table_frames == kframes);
    CHECK(memcmp(kpml4, pml4_of(&kpt), sizeof(kpml4)) == 0);
    CHECK(phys_of(&kpt, KVIRT) == 0x300000);
    x86_aspace_destroy(&a); /* twice: nothing happens */
    CHECK(hostmem_snap_same(&hm, &s));
    hostmem_snap_free(&s);
    x86_paging_destroy(&kpt);
    hostmem_destroy(&hm);
}

/* Pages unmapped behind the VMM's back (x86_unmap on the address space's
 * own tables: a caller mistake) in an ALLOC record, a reservation of 4 KiB
 * pages, a lazy one of 2 MiB pages and a SET record with frames. vmm_free /
 * vmm_release report each (VMM_ERR_NOT_MAPPED, nothing changed); destroy
 * still completes without a trap: it unmaps the pages still mapped and
 * returns every frame, user and table. */
static void test_aspace_destroy_after_unmap_behind_back(void)
{
    vmm_frames_t f = setup_kernel();
    x86_aspace_t a;
    x86_aspace_config_t ca = config(&f, bitmap_a);
    size_t free0 = pmm_free_count(&hm.pmm);
    CHECK_OK(x86_aspace_create(&a, &ca));
    uint64_t va, vr, lazy, phys[3], sphys;
    CHECK_OK(vmm_alloc(&a.vmm, 4, URW, &va));
    CHECK_OK(vmm_reserve(&a.vmm, 4, K4, URW, 0, &vr));
    for (int i = 0; i < 3; i++) {
        CHECK_OK(f.alloc(f.ctx, 1, 1, &phys[i]));
        CHECK_OK(vmm_map_page(&a.vmm, vr, vr + (uint64_t)i * K4, phys[i], URW));
    }
    CHECK_OK(vmm_reserve(&a.vmm, 2, M2, URW, VMM_RESERVE_LAZY, &lazy));
    vmm_access_t write = {.write = true, .user = true};
    CHECK(vmm_fault(&a.vmm, lazy + 8, write, NULL) == VMM_FAULT_RESOLVED);
    CHECK(vmm_fault(&a.vmm, lazy + M2 + 8, write, NULL) == VMM_FAULT_RESOLVED);
    CHECK_OK(f.alloc(f.ctx, 3, 1, &sphys));
    CHECK_OK(f.free(f.ctx, sphys, 3)); /* a free run for vmm_set to claim */
    vmm_range_t sv = {UWIN_END - 8 * K4, UWIN_END - 5 * K4}, sp = {sphys, sphys + 3 * K4};
    CHECK_OK(vmm_set(&a.vmm, sv, &sp, URW));
    CHECK(pmm_free_count(&hm.pmm) < free0 - 10);
    /* The mistakes: one page of each record unmapped directly. */
    CHECK_OK(x86_unmap(&a.pt, va + K4, K4, K4));
    CHECK_OK(x86_unmap(&a.pt, vr + K4, K4, K4));
    CHECK_OK(x86_unmap(&a.pt, lazy + M2, M2, M2));
    CHECK_OK(x86_unmap(&a.pt, sv.start + 2 * K4, K4, K4));
    hostmem_snap_t s;
    CHECK(hostmem_snap_take(&hm, &s));
    size_t tables = a.pt.table_frames, live = fa.live;
    CHECK_ERR(vmm_free(&a.vmm, va), VMM_ERR_NOT_MAPPED);
    CHECK_ERR(vmm_release(&a.vmm, vr), VMM_ERR_NOT_MAPPED);
    CHECK_ERR(vmm_release(&a.vmm, lazy), VMM_ERR_NOT_MAPPED);
    CHECK_ERR(vmm_free(&a.vmm, sv.start), VMM_ERR_NOT_MAPPED);
    CHECK(hostmem_snap_same(&hm, &s));
    CHECK(a.pt.table_frames == tables && fa.live == live);
    CHECK(phys_of(&a.pt, va) != UINT64_MAX && phys_of(&a.pt, vr + 2 * K4) == phys[2]);
    hostmem_snap_free(&s);
    CHECK_OK(x86_aspace_destroy(&a)); /* unmaps the rest, returns every frame */
    CHECK(a.pt.table_frames == 0);
    CHECK(fa.live == 0);
    CHECK(pmm_free_count(&hm.pmm) == free0);
    x86_paging_destroy(&kpt);
    hostmem_destroy(&hm);
}

/* Checks that create with c fails with want and keeps nothing: the frames,
 * and *as byte for byte (zeroed and garbage-filled alike). */
static void check_create_fails(const x86_aspace_config_t *c, vmm_status_t want)
{
    hostmem_snap_t s;
    CHECK(hostmem_snap_take(&hm, &s));
    static x86_aspace_t a, before;
    long countdown = ff.countdown; /* the same injected failure each time */
    for (int fill = 0; fill <= 0xA5; fill += 0xA5) {
        ff.countdown = countdown;
        memset(&a, fill, sizeof(a));
        before = a;
        CHECK_ERR(x86_aspace_create(&a, c), want);
        CHECK(memcmp(&a, &before, sizeof(a)) == 0);
    }
    CHECK(hostmem_snap_same(&hm, &s));
    CHECK(fa.live == 0);
    hostmem_snap_free(&s);
}

static void test_aspace_create_errors_keep_nothing(void)
{
    vmm_frames_t f = setup_kernel();
    x86_aspace_config_t c = config(&f, bitmap_a);
    CHECK_ERR(x86_aspace_create(NULL, &c), VMM_ERR_INVALID_ARGUMENT);
    x86_aspace_t a;
    CHECK_ERR(x86_aspace_create(&a, NULL), VMM_ERR_INVALID_ARGUMENT);
    /* Allocation failure part-way: the PML4 (the only frame create takes). */
    ff.countdown = 0;
    check_create_fails(&c, VMM_ERR_OUT_OF_FRAMES);
    ff.countdown = -1;
    /* vmm_init fails after the PML4 exists: the PML4 goes back. */
    c.user_end = UWIN_END - 1;
    check_create_fails(&c, VMM_ERR_MISALIGNED);
    c = config(&f, bitmap_a);
    c.user_start = UWIN_START + 1;
    check_create_fails(&c, VMM_ERR_MISALIGNED);
    c = config(&f, bitmap_a);
    c.user_start = 0;
    check_create_fails(&c, VMM_ERR_OUT_OF_BOUNDS);
    c = config(&f, bitmap_a);
    c.user_start = X86_USER_END - K4;
    c.user_end = X86_USER_END + K4;
    check_create_fails(&c, VMM_ERR_OUT_OF_BOUNDS);
    c = config(&f, bitmap_a);
    c.allocator.alloc = NULL;
    check_create_fails(&c, VMM_ERR_INVALID_ARGUMENT);
    c = config(&f, bitmap_a);
    c.frames.claim = NULL; /* vmm_init requires it: refused before the PML4 */
    ff.countdown = 0;      /* a PML4 allocation would fail with OUT_OF_FRAMES */
    check_create_fails(&c, VMM_ERR_INVALID_ARGUMENT);
    ff.countdown = -1;
    c = config(&f, bitmap_a);
    c.mapper.map = x86_paging_mapper(&kpt).map; /* map without unmap/query */
    check_create_fails(&c, VMM_ERR_INVALID_ARGUMENT);
    /* Kernel tables that are not pinned cannot be shared. */
    kpt.flags &= ~X86_PAGING_KERNEL_HALF_PINNED;
    c = config(&f, bitmap_a);
    check_create_fails(&c, VMM_ERR_INVALID_ARGUMENT);
    kpt.flags |= X86_PAGING_KERNEL_HALF_PINNED;
    /* Failure part-way through the address space's own calls. */
    CHECK_OK(x86_aspace_create(&a, &c));
    for (long fail_at = 0; fail_at < 8; fail_at++) {
        hostmem_snap_t s;
        CHECK(hostmem_snap_take(&hm, &s));
        size_t tables = a.pt.table_frames;
        uint64_t v;
        ff.countdown = fail_at;
        vmm_status_t st = vmm_alloc(&a.vmm, 3, URW, &v);
        ff.countdown = -1;
        if (st == VMM_OK) {
            CHECK(fail_at >= 6); /* 3 frames and 3 tables */
            CHECK_OK(vmm_free(&a.vmm, v));
        } else {
            CHECK(st == VMM_ERR_OUT_OF_FRAMES);
        }
        CHECK(hostmem_snap_same(&hm, &s) && a.pt.table_frames == tables);
        hostmem_snap_free(&s);
    }
    x86_aspace_destroy(&a);
    x86_paging_destroy(&kpt);
    CHECK(pmm_free_count(&hm.pmm) == hm_free0);
    hostmem_destroy(&hm);
}

/* ---- zero-before-visible ---- */

/* A mapper over the tables in mapped_pt that checks, when asked to map,
 * that every frame of the request is already zero. */
static x86_paging_t zpt;
static size_t dirty_maps, checked_maps;
static vmm_status_t zero_checking_map(void *ctx, uint64_t virt, uint64_t phys, uint64_t len,
                                      uint64_t page_size, vmm_attrs_t attrs)
{
    (void)ctx;
    const uint8_t *p = hostmem_ptr(&hm, phys);
    for (uint64_t i = 0; i < len; i++)
        if (p[i] != 0) {
            dirty_maps++;
            break;
        }
    checked_maps++;
    return x86_map(&zpt, virt, phys, len, page_size, attrs);
}

static void test_fresh_frames_zeroed_before_mapped(void)
{
    vmm_frames_t f = setup(); /* hostmem is poisoned: fresh frames are dirty */
    CHECK_OK(x86_paging_init(&zpt, &f, hm.access_offset));
    vmm_mapper_t m = x86_paging_mapper(&zpt);
    m.map = zero_checking_map;
    vmm_allocator_t al = fail_alloc_iface(&fa);
    vmm_t vmm;
    CHECK_OK(vmm_init(&vmm, UWIN_START, UWIN_END, &al, &m, &f));
    dirty_maps = checked_maps = zero_calls = 0;
    uint64_t v, lazy;
    CHECK_OK(vmm_alloc(&vmm, 3, URW, &v));
    CHECK(zero_calls == 3);
    CHECK_OK(vmm_reserve(&vmm, 1, M2, URW, VMM_RESERVE_LAZY, &lazy));
    vmm_fault_result_t r;
    vmm_access_t write = {.write = true};
    CHECK(vmm_fault(&vmm, lazy + 5, write, &r) == VMM_FAULT_RESOLVED);
    CHECK(zero_calls == 4);
    CHECK(checked_maps >= 2 && dirty_maps == 0);
    const uint8_t *page = hostmem_ptr(&hm, r.phys);
    for (uint64_t i = 0; i < M2; i++)
        CHECK(page[i] == 0);
    /* Without frames.zero nothing zeroes the frame: the check above bites. */
    vmm.frames.zero = NULL;
    CHECK_OK(vmm_reserve(&vmm, 1, K4, URW, VMM_RESERVE_LAZY, &lazy));
    CHECK(vmm_fault(&vmm, lazy, write, &r) == VMM_FAULT_RESOLVED);
    CHECK(dirty_maps == 1);
    vmm_deinit(&vmm);
    x86_paging_destroy(&zpt);
    CHECK(pmm_free_count(&hm.pmm) == hm_free0);
    hostmem_destroy(&hm);
}

/* ---- reentrancy (vmm.h, "Reentrancy"): callbacks of a call on an address
 * space or on page tables that call back into them are refused ---- */

typedef struct reentered {
    x86_aspace_t *as;      /* re-entered from frames.free / .alloc when set */
    x86_paging_t *pt;
    vmm_frames_t inner;
    unsigned hits, refused, wrong;
} reentered_t;
static reentered_t re;

/* Calls back into re.as (its VMM, its tables, its destroy) or re.pt. */
static void re_enter(void)
{
    re.hits++;
    uint64_t v;
    vmm_status_t got[5];
    unsigned n = 0;
    if (re.as != NULL) {
        got[n++] = vmm_alloc(&re.as->vmm, 1, URW, &v);
        got[n++] = x86_aspace_destroy(re.as);
        got[n++] = x86_map(&re.as->pt, UVIRT + 64 * M2, 0x200000, K4, K4, URW);
        vmm_fault_result_t out;
        vmm_fault(&re.as->vmm, UWIN_START, (vmm_access_t){ .write = true, .user = true }, &out);
        got[n++] = out.status;
    } else {
        got[n++] = x86_map(re.pt, UVIRT + 64 * M2, 0x200000, K4, K4, URW);
        got[n++] = x86_paging_destroy(re.pt);
    }
    for (unsigned i = 0; i < n; i++) {
        if (got[i] == VMM_ERR_BUSY)
            re.refused++;
        else
            re.wrong++;
    }
}
static vmm_status_t re_free(void *ctx, uint64_t phys, size_t count)
{
    (void)ctx;
    re_enter();
    return re.inner.free(re.inner.ctx, phys, count);
}
static vmm_status_t re_alloc(void *ctx, size_t count, size_t align, uint64_t *phys)
{
    (void)ctx;
    re_enter();
    return re.inner.alloc(re.inner.ctx, count, align, phys);
}

/* x86_aspace_destroy keeps every call on the space refused until its tables
 * are gone (its frames.free re-enters the VMM, the tables and destroy
 * itself: all BUSY), returns every frame and block, and leaves as->vmm
 * inert (zeroed): a reserve on it afterwards fails and takes nothing. */
static void test_aspace_destroy_refuses_reentry(void)
{
    vmm_frames_t f = setup_kernel();
    hostmem_snap_t s;
    CHECK(hostmem_snap_take(&hm, &s));
    x86_aspace_t a;
    re = (reentered_t){ .inner = f };
    vmm_frames_t hooked = f;
    hooked.free = re_free;
    x86_aspace_config_t ca = config(&hooked, bitmap_a);
    CHECK_OK(x86_aspace_create(&a, &ca));
    populate(&a, &f);
    re.as = &a;
    CHECK_OK(x86_aspace_destroy(&a));
    re.as = NULL;
    CHECK(re.hits > 0 && re.wrong == 0 && re.refused == 4 * re.hits);
    CHECK(hostmem_snap_same(&hm, &s) && fa.live == 0);
    uint64_t v;
    CHECK(vmm_reserve(&a.vmm, 1, K4, URW, 0, &v) != VMM_OK && fa.live == 0);
    CHECK_OK(x86_aspace_destroy(&a));
    hostmem_snap_free(&s);
    x86_paging_destroy(&kpt);
    hostmem_destroy(&hm);
}

/* A frame source that calls x86_map / x86_paging_destroy on the tables it
 * is allocating for gets VMM_ERR_BUSY; the outer map goes on unharmed. */
static void test_paging_refuses_reentry(void)
{
    vmm_frames_t f = setup();
    x86_paging_t pt;
    CHECK_OK(x86_paging_init(&pt, &f, hm.access_offset));
    re = (reentered_t){ .inner = f, .pt = &pt };
    pt.frames.alloc = re_alloc;
    CHECK_OK(x86_map(&pt, UVIRT, 0x200000, K4, K4, URW));
    CHECK(re.hits == 3 && re.wrong == 0 && re.refused == 6);
    CHECK(phys_of(&pt, UVIRT) == 0x200000 && pt.table_frames == 4);
    CHECK(!(pt.flags & X86_PAGING_BUSY));
    pt.frames.alloc = f.alloc;
    CHECK_OK(x86_unmap(&pt, UVIRT, K4, K4));
    CHECK_OK(x86_paging_destroy(&pt));
    CHECK(pmm_free_count(&hm.pmm) == hm_free0);
    hostmem_destroy(&hm);
}

int main(void)
{
    RUN(test_unmap_hands_tables_to_release_hook);
    RUN(test_default_release_frees_at_once);
    RUN(test_pin_kernel_half);
    RUN(test_aspaces_share_kernel_half);
    RUN(test_aspace_destroy_returns_every_frame);
    RUN(test_aspace_destroy_after_unmap_behind_back);
    RUN(test_aspace_create_errors_keep_nothing);
    RUN(test_fresh_frames_zeroed_before_mapped);
    RUN(test_aspace_destroy_refuses_reentry);
    RUN(test_paging_refuses_reentry);
    return check_exit();
}
