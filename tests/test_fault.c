/* vmm_fault: every verdict, demand paging of lazy reservations at 4K and 2M,
 * and frame/mapper failure during a demand fault (state unchanged). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "core/fault.h"
#include "vmm_fixture.h"

#define K4 VMM_PAGE_SIZE
#define M2 VMM_SIZE_2M
#define START 0x40001000ull
#define PAGES 2048u
#define PHYS_BYTES (16u << 20)
#define KRW (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)

static const vmm_access_t READ = {.present = false};
static const vmm_access_t WRITE = {.write = true};
static const vmm_access_t FETCH = {.fetch = true};
static const vmm_access_t USER_READ = {.user = true};
static const vmm_access_t RSVD = {.present = true, .reserved = true};

/* Runs vmm_fault, checks the verdict and that out->kind matches it. */
static vmm_fault_kind_t fault(vmm_fixture_t *fx, uint64_t addr, vmm_access_t acc,
                              vmm_fault_result_t *out)
{
    vmm_fault_kind_t k = vmm_fault(&fx->vmm, addr, acc, out);
    CHECK(out->kind == k);
    return k;
}

/* Checks that the fault at addr gets verdict and changes nothing. */
static void check_fatal(vmm_fixture_t *fx, uint64_t addr, vmm_access_t acc,
                        vmm_fault_kind_t verdict)
{
    fx_snapshot_t s;
    vmm_fault_result_t out;
    fx_snap(fx, &s);
    vmm_fault_kind_t k = fault(fx, addr, acc, &out);
    if (k != verdict)
        fprintf(stderr, "fault at %#llx: got \"%s\", expected \"%s\"\n",
                (unsigned long long)addr, vmm_fault_name(k), vmm_fault_name(verdict));
    CHECK(k == verdict);
    CHECK(fx_same(fx, &s));
    fx_snap_free(&s);
}

static void test_names(void)
{
    for (int a = 0; a < VMM_FAULT_KIND_COUNT; a++) {
        CHECK(strcmp(vmm_fault_name((vmm_fault_kind_t)a), "unknown fault") != 0);
        for (int b = 0; b < a; b++)
            CHECK(strcmp(vmm_fault_name((vmm_fault_kind_t)a),
                         vmm_fault_name((vmm_fault_kind_t)b)) != 0);
    }
    CHECK(strcmp(vmm_fault_name(VMM_FAULT_KIND_COUNT), "unknown fault") == 0);
    CHECK(strcmp(vmm_fault_name((vmm_fault_kind_t)-1), "unknown fault") == 0);
    CHECK(vmm_fault_retry(VMM_FAULT_RESOLVED) && vmm_fault_retry(VMM_FAULT_SPURIOUS));
    CHECK(!vmm_fault_retry(VMM_FAULT_NOT_PRESENT) && !vmm_fault_retry(VMM_FAULT_OUT_OF_MEMORY));
}

/* Faults on mapped pages: permission verdicts, or spurious when allowed. */
static void test_mapped_pages(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, START, PAGES, PHYS_BYTES);
    uint64_t kro, urw, kx;
    CHECK_OK(vmm_alloc(&fx.vmm, 1, VMM_ATTR_KERNEL, &kro));
    CHECK_OK(vmm_alloc(&fx.vmm, 1, VMM_ATTR_WRITABLE, &urw));
    CHECK_OK(vmm_alloc(&fx.vmm, 1, VMM_ATTR_KERNEL | VMM_ATTR_EXECUTABLE, &kx));
    check_fatal(&fx, kro + 8, USER_READ, VMM_FAULT_USER_KERNEL);
    check_fatal(&fx, kro, WRITE, VMM_FAULT_WRITE_READONLY);
    check_fatal(&fx, kro + 0xFFF, FETCH, VMM_FAULT_NX_FETCH);
    check_fatal(&fx, kro, READ, VMM_FAULT_SPURIOUS);
    check_fatal(&fx, urw, (vmm_access_t){.user = true, .write = true}, VMM_FAULT_SPURIOUS);
    check_fatal(&fx, urw, (vmm_access_t){.user = true, .fetch = true}, VMM_FAULT_NX_FETCH);
    check_fatal(&fx, kx, FETCH, VMM_FAULT_SPURIOUS);
    check_fatal(&fx, kx, (vmm_access_t){.user = true, .fetch = true}, VMM_FAULT_USER_KERNEL);
    /* protection key, shadow stack, enclave: fatal whatever the page allows */
    check_fatal(&fx, urw, (vmm_access_t){.present = true, .user = true, .pkey = true},
                VMM_FAULT_PROTECTION_KEY);
    check_fatal(&fx, kx, (vmm_access_t){.present = true, .shadow_stack = true},
                VMM_FAULT_SHADOW_STACK);
    check_fatal(&fx, kro, (vmm_access_t){.present = true, .enclave = true}, VMM_FAULT_ENCLAVE);
    check_fatal(&fx, kx + K4, (vmm_access_t){.pkey = true, .enclave = true},
                VMM_FAULT_PROTECTION_KEY);
    /* reserved bit wins over everything */
    check_fatal(&fx, kro, RSVD, VMM_FAULT_RESERVED_BIT);
    check_fatal(&fx, kro, (vmm_access_t){.reserved = true, .pkey = true, .shadow_stack = true,
                                         .enclave = true}, VMM_FAULT_RESERVED_BIT);
    check_fatal(&fx, 0, RSVD, VMM_FAULT_RESERVED_BIT);
    /* nothing there */
    check_fatal(&fx, kx + K4, READ, VMM_FAULT_NOT_PRESENT);
    check_fatal(&fx, 0, WRITE, VMM_FAULT_NOT_PRESENT);
    check_fatal(&fx, UINT64_MAX, READ, VMM_FAULT_NOT_PRESENT);
    /* a set without physical range, an eager reservation: not present */
    uint64_t res;
    CHECK_OK(vmm_set(&fx.vmm, (vmm_range_t){START + 1000 * K4, START + 1001 * K4}, NULL, KRW));
    check_fatal(&fx, START + 1000 * K4, READ, VMM_FAULT_NOT_PRESENT);
    CHECK_OK(vmm_reserve(&fx.vmm, 2, K4, KRW, 0, &res));
    check_fatal(&fx, res, WRITE, VMM_FAULT_NOT_PRESENT);
    CHECK(fx_destroy(&fx));
}

/* Demand paging: the first access maps a fresh frame with the reservation's
 * attributes; the page is then no longer lazy; release returns the frame. */
static void test_demand_4k(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, START, PAGES, PHYS_BYTES);
    size_t free_before = pmm_free_count(&fx.pmm);
    uint64_t res;
    CHECK_OK(vmm_reserve(&fx.vmm, 4, K4, KRW, VMM_RESERVE_LAZY, &res));
    vmm_fault_result_t out;
    CHECK(fault(&fx, res + 2 * K4 + 0x123, WRITE, &out) == VMM_FAULT_RESOLVED);
    CHECK(out.page == res + 2 * K4 && out.page_size == K4 && out.status == VMM_OK);
    rec_page_t p;
    CHECK(rec_mapper_lookup(&fx.rm, res + 2 * K4, &p) && p.phys == out.phys && p.attrs == KRW);
    bool used;
    CHECK_OK(pmm_is_used(&fx.pmm, out.phys, &used));
    CHECK(used);
    const vmm_record_t *r = vmm_find_record(&fx.vmm, res);
    CHECK(vmm_record_frame(r, 2) == out.phys && vmm_record_frame(r, 0) == VMM_NO_FRAME);
    /* the same access again is spurious (stale TLB), other pages still lazy */
    check_fatal(&fx, res + 2 * K4, WRITE, VMM_FAULT_SPURIOUS);
    CHECK(fault(&fx, res, READ, &out) == VMM_FAULT_RESOLVED && out.page == res);
    CHECK(fx.rm.count == 2);
    /* permission checks against the reservation before mapping anything */
    check_fatal(&fx, res + K4, USER_READ, VMM_FAULT_USER_KERNEL);
    check_fatal(&fx, res + 3 * K4, FETCH, VMM_FAULT_NX_FETCH);
    CHECK_OK(vmm_release(&fx.vmm, res));
    CHECK(pmm_free_count(&fx.pmm) == free_before && fx.rm.count == 0);

    uint64_t ro;
    CHECK_OK(vmm_reserve(&fx.vmm, 1, K4, 0, VMM_RESERVE_LAZY, &ro));
    check_fatal(&fx, ro, WRITE, VMM_FAULT_WRITE_READONLY);
    CHECK(fault(&fx, ro, USER_READ, &out) == VMM_FAULT_RESOLVED);
    CHECK(fx_destroy(&fx));
}

/* A 2 MiB lazy reservation gets a 2 MiB aligned frame run, mapped as one
 * large page. */
static void test_demand_2m(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, START, PAGES, PHYS_BYTES);
    uint64_t res;
    CHECK_OK(vmm_reserve(&fx.vmm, 2, M2, KRW | VMM_ATTR_EXECUTABLE, VMM_RESERVE_LAZY, &res));
    vmm_fault_result_t out;
    CHECK(fault(&fx, res + M2 + 0x12345, FETCH, &out) == VMM_FAULT_RESOLVED);
    CHECK(out.page == res + M2 && out.page_size == M2 && out.phys % M2 == 0);
    rec_page_t p;
    CHECK(rec_mapper_lookup(&fx.rm, res + M2 + 0x1FF000, &p) && p.page_size == M2);
    CHECK(fx.ff.outstanding == (long)(M2 / K4));
    CHECK(fx_destroy(&fx));
}

/* Frames exhausted or the mapper failing: OUT_OF_MEMORY, nothing changed. */
static void test_demand_failures(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, START, PAGES, 0x102000); /* 2 usable frames */
    uint64_t res, big;
    CHECK_OK(vmm_reserve(&fx.vmm, 3, K4, KRW, VMM_RESERVE_LAZY, &res));
    CHECK_OK(vmm_reserve(&fx.vmm, 1, M2, KRW, VMM_RESERVE_LAZY, &big));
    vmm_fault_result_t out;
    fx_snapshot_t s;
    fx_snap(&fx, &s);
    CHECK(fault(&fx, big, READ, &out) == VMM_FAULT_OUT_OF_MEMORY);
    CHECK(out.status == VMM_ERR_OUT_OF_FRAMES && fx_same(&fx, &s));
    fx.rm.map_countdown = 0;
    fx.rm.map_error = VMM_ERR_OUT_OF_FRAMES; /* no frame for a page table */
    CHECK(fault(&fx, res, READ, &out) == VMM_FAULT_OUT_OF_MEMORY);
    CHECK(out.status == VMM_ERR_OUT_OF_FRAMES && fx_same(&fx, &s));
    fx_snap_free(&s);
    CHECK(fault(&fx, res, READ, &out) == VMM_FAULT_RESOLVED);
    CHECK(fault(&fx, res + K4, READ, &out) == VMM_FAULT_RESOLVED);
    fx_snap(&fx, &s);
    CHECK(fault(&fx, res + 2 * K4, READ, &out) == VMM_FAULT_OUT_OF_MEMORY);
    CHECK(out.status == VMM_ERR_OUT_OF_FRAMES && fx_same(&fx, &s));
    fx_snap_free(&s);
    CHECK(fx_destroy(&fx));
}

/* Injection at every point of a demand fault. */
static uint64_t lazy_res;

static void setup_lazy(vmm_fixture_t *fx, void *ctx)
{
    (void)ctx;
    CHECK_OK(vmm_reserve(&fx->vmm, 4, K4, KRW, VMM_RESERVE_LAZY, &lazy_res));
}

static vmm_status_t op_fault(vmm_fixture_t *fx, void *ctx)
{
    (void)ctx;
    vmm_fault_result_t out;
    vmm_fault_kind_t k = vmm_fault(&fx->vmm, lazy_res + K4, WRITE, &out);
    if (k == VMM_FAULT_RESOLVED)
        return VMM_OK;
    CHECK(k == VMM_FAULT_OUT_OF_MEMORY && out.status != VMM_OK);
    return out.status;
}

static void test_fault_inject(void)
{
    size_t pts[FX_INJ_KINDS];
    CHECK(fx_inject_everywhere("fault", START, PAGES, PHYS_BYTES, setup_lazy, op_fault, NULL,
                               pts));
    /* the allocator: the first chunk of the reservation's store, with its first page */
    CHECK(pts[FX_INJ_ALLOC] == 1 && pts[FX_INJ_FRAMES] == 1 && pts[FX_INJ_MAP] == 1 &&
          pts[FX_INJ_UNMAP] == 0);
}

/* Setup: setup_lazy with its page 0 faulted in (its store's chunk taken). */
static void setup_lazy_page0(vmm_fixture_t *fx, void *ctx)
{
    setup_lazy(fx, ctx);
    CHECK(vmm_fault(&fx->vmm, lazy_res, WRITE, NULL) == VMM_FAULT_RESOLVED);
}

/* A second demand page needs no allocation: the block is there. */
static void test_fault_inject_second_page(void)
{
    size_t pts[FX_INJ_KINDS];
    CHECK(fx_inject_everywhere("fault, second page", START, PAGES, PHYS_BYTES, setup_lazy_page0,
                               op_fault, NULL, pts));
    CHECK(pts[FX_INJ_ALLOC] == 0 && pts[FX_INJ_FRAMES] == 1 && pts[FX_INJ_MAP] == 1 &&
          pts[FX_INJ_UNMAP] == 0);
}

/* SMEP / SMAP: a supervisor access to a user page that the CPU denies is
 * KERNEL_USER (fetch: deny_user_fetch; read or write: deny_user_data),
 * fatal, and a lazy user page is not demand-mapped for it; a kernel page,
 * a user-mode access, or the other kind of access is judged as before. */
static void test_kernel_user(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, START, PAGES, PHYS_BYTES);
    uint64_t urw, ux, kx, lazy;
    CHECK_OK(vmm_alloc(&fx.vmm, 1, VMM_ATTR_WRITABLE, &urw));
    CHECK_OK(vmm_alloc(&fx.vmm, 1, VMM_ATTR_EXECUTABLE, &ux));
    CHECK_OK(vmm_alloc(&fx.vmm, 1, VMM_ATTR_KERNEL | VMM_ATTR_EXECUTABLE, &kx));
    const vmm_access_t smap_read = {.present = true, .deny_user_data = true};
    const vmm_access_t smap_write = {.present = true, .write = true, .deny_user_data = true};
    const vmm_access_t smep_fetch = {.present = true, .fetch = true, .deny_user_fetch = true};
    check_fatal(&fx, urw, smap_read, VMM_FAULT_KERNEL_USER);
    check_fatal(&fx, urw + 0xFFF, smap_write, VMM_FAULT_KERNEL_USER);
    check_fatal(&fx, ux, smep_fetch, VMM_FAULT_KERNEL_USER);
    /* SMEP alone does not deny data, SMAP alone (or AC set) not fetches */
    check_fatal(&fx, urw, (vmm_access_t){.present = true, .deny_user_fetch = true},
                VMM_FAULT_SPURIOUS);
    check_fatal(&fx, ux, (vmm_access_t){.present = true, .fetch = true, .deny_user_data = true},
                VMM_FAULT_SPURIOUS);
    /* a kernel page, or a user-mode access: SMEP / SMAP change nothing */
    check_fatal(&fx, kx, smep_fetch, VMM_FAULT_SPURIOUS);
    check_fatal(&fx, kx, smap_read, VMM_FAULT_SPURIOUS);
    check_fatal(&fx, urw, (vmm_access_t){.present = true, .user = true, .write = true,
                                         .deny_user_data = true, .deny_user_fetch = true},
                VMM_FAULT_SPURIOUS);
    /* the other checks still apply to user pages: NX for a user's fetch */
    check_fatal(&fx, urw, (vmm_access_t){.present = true, .user = true, .fetch = true,
                                         .deny_user_fetch = true}, VMM_FAULT_NX_FETCH);
    /* a reserved bit or a protection key still wins */
    check_fatal(&fx, urw, (vmm_access_t){.present = true, .reserved = true,
                                         .deny_user_data = true}, VMM_FAULT_RESERVED_BIT);
    /* a lazy user page: refused before anything is mapped, then mapped for
     * the same access with SMAP lifted (AC set: deny_user_data clear) */
    CHECK_OK(vmm_reserve(&fx.vmm, 2, K4, VMM_ATTR_WRITABLE, VMM_RESERVE_LAZY, &lazy));
    check_fatal(&fx, lazy + K4, (vmm_access_t){.write = true, .deny_user_data = true},
                VMM_FAULT_KERNEL_USER);
    check_fatal(&fx, lazy, (vmm_access_t){.fetch = true, .deny_user_fetch = true},
                VMM_FAULT_KERNEL_USER);
    vmm_fault_result_t out;
    CHECK(fault(&fx, lazy + K4, (vmm_access_t){.write = true, .deny_user_fetch = true}, &out) ==
          VMM_FAULT_RESOLVED);
    CHECK(out.page == lazy + K4 && fx.rm.count == 4);
    CHECK(fx_destroy(&fx));
}

int main(void)
{
    RUN(test_names);
    RUN(test_mapped_pages);
    RUN(test_kernel_user);
    RUN(test_demand_4k);
    RUN(test_demand_2m);
    RUN(test_demand_failures);
    RUN(test_fault_inject);
    RUN(test_fault_inject_second_page);
    return check_exit();
}
