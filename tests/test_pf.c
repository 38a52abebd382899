/* The x86 #PF error code: decoding of every bit combination, and the
 * handler's verdict for each error-code case on a VMM over real x86_64 page
 * tables in a host buffer (demand paging included, with frame exhaustion). */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "fail_alloc.h"
#include "fail_frames.h"
#include "hostmem.h"
#include "core/x86_64/paging.h"
#include "core/x86_64/pf.h"

#define K4 VMM_SIZE_4K
#define M2 VMM_SIZE_2M
#define WIN_START 0x0000100000000000ull /* user-space window, 64 MiB */
#define WIN_PAGES 16384u
#define USER_RW (VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)
#define USER_RX (VMM_ATTR_EXECUTABLE | VMM_ATTR_CACHABLE)
#define KERNEL_RW (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)

static void test_decode_every_combination(void)
{
    for (uint64_t i = 0; i < 256; i++) {
        /* bits 0-6 as they are, bit 7 of i stands for SGX (bit 15) */
        uint64_t ec = (i & 0x7Fu) | ((i & 0x80u) << 8);
        vmm_access_t a = x86_pf_decode(ec);
        CHECK(a.present == ((ec & X86_PF_P) != 0));
        CHECK(a.write == ((ec & X86_PF_W) != 0));
        CHECK(a.user == ((ec & X86_PF_U) != 0));
        CHECK(a.reserved == ((ec & X86_PF_RSVD) != 0));
        CHECK(a.fetch == ((ec & X86_PF_I) != 0));
        CHECK(a.pkey == ((ec & X86_PF_PK) != 0));
        CHECK(a.shadow_stack == ((ec & X86_PF_SS) != 0));
        CHECK(a.enclave == ((ec & X86_PF_SGX) != 0));
        CHECK(!a.other && !a.deny_user_fetch && !a.deny_user_data);
        /* with the CPU state: the same decode, and SMEP / SMAP as CR4 says;
         * RFLAGS.AC lifts SMAP only, and only below CPL3 (CS's RPL) */
        for (unsigned cpu = 0; cpu < 16; cpu++) {
            uint64_t cr4 = (cpu & 1u ? X86_CR4_SMEP : 0) | (cpu & 2u ? X86_CR4_SMAP : 0) |
                           0x6A0u; /* PAE, PGE, OSFXSR, OSXMMEXCPT: ignored */
            uint64_t rflags = (cpu & 4u ? X86_RFLAGS_AC : 0) | 0x202u;
            uint64_t cs = cpu & 8u ? 0x2Bu : 0x08u; /* a user / a kernel code selector */
            vmm_access_t c = x86_pf_decode_cpu(ec, cr4, rflags, cs);
            CHECK(a.present == c.present && a.write == c.write && a.user == c.user &&
                  a.reserved == c.reserved && a.fetch == c.fetch && a.pkey == c.pkey &&
                  a.shadow_stack == c.shadow_stack && a.enclave == c.enclave && !c.other);
            CHECK(c.deny_user_fetch == ((cpu & 1u) != 0));
            CHECK(c.deny_user_data == ((cpu & 2u) != 0 && ((cpu & 4u) == 0 || (cpu & 8u) != 0)));
        }
        /* HLAT (bit 7) only names the walk: nothing else changes */
        vmm_access_t h = x86_pf_decode(ec | X86_PF_HLAT);
        CHECK(a.present == h.present && a.write == h.write &&
              a.user == h.user && a.reserved == h.reserved &&
              a.fetch == h.fetch && a.pkey == h.pkey &&
              a.shadow_stack == h.shadow_stack && a.enclave == h.enclave && !h.other);
        /* every bit outside X86_PF_KNOWN (bits 8-14, AMD's RMP bit 31, the
         * high bits) sets .other and changes nothing else */
        for (unsigned bit = 8; bit < 64; bit++) {
            if (bit == 15)
                continue;
            vmm_access_t b = x86_pf_decode(ec | ((uint64_t)1 << bit));
            CHECK(a.present == b.present && a.write == b.write &&
                  a.user == b.user && a.reserved == b.reserved &&
                  a.fetch == b.fetch && a.pkey == b.pkey &&
                  a.shadow_stack == b.shadow_stack && a.enclave == b.enclave && b.other);
        }
    }
    /* the codes an emulated CPU reports (shared/notes/toolchain.md) */
    vmm_access_t a = x86_pf_decode(0x3);
    CHECK(a.present && a.write && !a.user && !a.fetch && !a.reserved);
    a = x86_pf_decode(0x15);
    CHECK(a.present && !a.write && a.user && a.fetch && !a.reserved);
    a = x86_pf_decode(0x9);
    CHECK(a.present && a.reserved && !a.write && !a.user && !a.fetch);
    a = x86_pf_decode(0x0);
    CHECK(!a.present && !a.write && !a.user && !a.fetch && !a.reserved);
}

static hostmem_t hm;
static fail_frames_t ff;
static fail_alloc_t fa;
static x86_paging_t pt;
static vmm_t vmm;

static void setup(void)
{
    CHECK(hostmem_init(&hm, 0x100000, 16u << 20));
    fail_frames_init(&ff, &hm.frames);
    fail_alloc_init(&fa);
    vmm_frames_t frames = fail_frames_iface(&ff);
    vmm_allocator_t alloc = fail_alloc_iface(&fa);
    CHECK_OK(x86_paging_init(&pt, &frames, hm.access_offset));
    vmm_mapper_t mapper = x86_paging_mapper(&pt);
    CHECK_OK(vmm_init(&vmm, WIN_START, WIN_START + (uint64_t)WIN_PAGES * K4,
                      &alloc, &mapper, &frames));
}

static void teardown(void)
{
    vmm_deinit(&vmm);
    CHECK(pt.table_frames == 1);
    x86_paging_destroy(&pt);
    CHECK(ff.outstanding == 0 && fa.live == 0);
    CHECK(pmm_free_count(&hm.pmm) == hm.size / K4);
    hostmem_destroy(&hm);
}

/* Expects verdict for a fault at addr with error code ec. */
static void expect(uint64_t addr, uint64_t ec, vmm_fault_kind_t verdict)
{
    vmm_fault_result_t out;
    vmm_fault_kind_t got = x86_page_fault(&vmm, addr, ec, &out);
    CHECK(got == verdict);
    CHECK(out.kind == got);
    if (got != verdict)
        fprintf(stderr, "  ec %#llx at %#llx: got \"%s\", expected \"%s\"\n",
                (unsigned long long)ec, (unsigned long long)addr,
                vmm_fault_name(got), vmm_fault_name(verdict));
}

/* Mapped pages: each protection case, and accesses that are allowed now
 * (a stale TLB) are spurious. */
static void test_protection_faults(void)
{
    setup();
    uint64_t ro, rx, krw, rw;
    CHECK_OK(vmm_alloc(&vmm, 1, VMM_ATTR_CACHABLE, &ro));
    CHECK_OK(vmm_alloc(&vmm, 1, USER_RX, &rx));
    CHECK_OK(vmm_alloc(&vmm, 1, KERNEL_RW, &krw));
    CHECK_OK(vmm_alloc(&vmm, 1, USER_RW, &rw));
    const uint64_t P = X86_PF_P, W = X86_PF_W, U = X86_PF_U, I = X86_PF_I;
    expect(ro + 8, P | W, VMM_FAULT_WRITE_READONLY);          /* 0x3  */
    expect(ro + 8, P | W | U, VMM_FAULT_WRITE_READONLY);      /* 0x7  */
    expect(ro, P | I, VMM_FAULT_NX_FETCH);                    /* 0x11 */
    expect(ro, P | U | I, VMM_FAULT_NX_FETCH);                /* 0x15 */
    expect(ro, P | U, VMM_FAULT_SPURIOUS);                    /* 0x5  */
    expect(rx, P | U | I, VMM_FAULT_SPURIOUS);
    expect(rx, P | W | U, VMM_FAULT_WRITE_READONLY);
    expect(krw, P | U, VMM_FAULT_USER_KERNEL);                /* 0x5  */
    expect(krw, P | W | U, VMM_FAULT_USER_KERNEL);            /* 0x7  */
    expect(krw, U, VMM_FAULT_USER_KERNEL);                    /* 0x4  */
    expect(krw, P | W, VMM_FAULT_SPURIOUS);
    expect(krw, P | I, VMM_FAULT_NX_FETCH);
    expect(rw, P | W | U, VMM_FAULT_SPURIOUS);
    expect(rw, P | U | I, VMM_FAULT_NX_FETCH);
    /* a reserved bit is fatal whatever the rest says */
    expect(rw, P | X86_PF_RSVD, VMM_FAULT_RESERVED_BIT);      /* 0x9  */
    expect(rw, P | W | U | X86_PF_RSVD, VMM_FAULT_RESERVED_BIT);
    expect(WIN_START - K4, P | X86_PF_RSVD, VMM_FAULT_RESERVED_BIT);
    /* nothing there */
    expect(WIN_START - K4, 0, VMM_FAULT_NOT_PRESENT);         /* 0x0  */
    expect(rw + 64 * K4, W, VMM_FAULT_NOT_PRESENT);           /* 0x2  */
    expect(0xFFFF800000000000ull, I, VMM_FAULT_NOT_PRESENT);
    teardown();
}

/* SMEP / SMAP through x86_page_fault_cpu: a CPL0 access to a user page that
 * CR4 denies is KERNEL_USER (a lazy page is not mapped for it); RFLAGS.AC
 * lifts SMAP, not SMEP, and not for an implicit access made while CPL3 ran;
 * x86_page_fault keeps calling it spurious. */
static void test_smep_smap(void)
{
    setup();
    uint64_t rw, rx, krw, lazy;
    CHECK_OK(vmm_alloc(&vmm, 1, USER_RW, &rw));
    CHECK_OK(vmm_alloc(&vmm, 1, USER_RX, &rx));
    CHECK_OK(vmm_alloc(&vmm, 1, KERNEL_RW, &krw));
    CHECK_OK(vmm_reserve(&vmm, 1, K4, USER_RW, VMM_RESERVE_LAZY, &lazy));
    const uint64_t P = X86_PF_P, W = X86_PF_W, I = X86_PF_I;
    const uint64_t BOTH = X86_CR4_SMEP | X86_CR4_SMAP, AC = X86_RFLAGS_AC;
    const uint64_t K = 0x08u, U3 = 0x2Bu; /* CS: a kernel, a user code selector */
    struct { uint64_t addr, ec, cr4, rflags, cs; vmm_fault_kind_t want; } cases[] = {
        { rw, P, BOTH, 0, K, VMM_FAULT_KERNEL_USER },               /* SMAP read    */
        { rw, P | W, X86_CR4_SMAP, 0, K, VMM_FAULT_KERNEL_USER },   /* SMAP write   */
        { rw, P | W, BOTH, AC, K, VMM_FAULT_SPURIOUS },             /* stac'd       */
        { rw, P, X86_CR4_SMEP, 0, K, VMM_FAULT_SPURIOUS },          /* SMEP: data   */
        { rx, P | I, X86_CR4_SMEP, AC, K, VMM_FAULT_KERNEL_USER },  /* SMEP fetch   */
        { rx, P | I, X86_CR4_SMAP, 0, K, VMM_FAULT_SPURIOUS },      /* SMAP: fetch  */
        { rw, P | I, BOTH, 0, K, VMM_FAULT_KERNEL_USER },           /* NX and SMEP  */
        { krw, P | W, BOTH, 0, K, VMM_FAULT_SPURIOUS },             /* kernel page  */
        { rw, P | W | X86_PF_U, BOTH, 0, U3, VMM_FAULT_SPURIOUS },  /* CPL3         */
        { rw, P | X86_PF_PK, BOTH, 0, K, VMM_FAULT_PROTECTION_KEY },
        { rw + 64 * K4, W, BOTH, 0, K, VMM_FAULT_NOT_PRESENT },
        { lazy, W, BOTH, 0, K, VMM_FAULT_KERNEL_USER },             /* not mapped   */
        { lazy, I, BOTH, AC, K, VMM_FAULT_KERNEL_USER },
        /* a supervisor access while CPL3 ran (implicit): AC lifts nothing */
        { rw, P, BOTH, AC, U3, VMM_FAULT_KERNEL_USER },
        { lazy, W, X86_CR4_SMAP, AC, U3, VMM_FAULT_KERNEL_USER },
        { rw, P | X86_PF_U, BOTH, AC, U3, VMM_FAULT_SPURIOUS },  /* explicit CPL3 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vmm_fault_result_t out;
        vmm_fault_kind_t got = x86_page_fault_cpu(&vmm, cases[i].addr, cases[i].ec,
                                                  cases[i].cr4, cases[i].rflags, cases[i].cs,
                                                  &out);
        CHECK(got == cases[i].want && out.kind == got);
        if (got != cases[i].want)
            fprintf(stderr, "  case %zu: got \"%s\", expected \"%s\"\n", i,
                    vmm_fault_name(got), vmm_fault_name(cases[i].want));
    }
    x86_walk_t w;
    CHECK_ERR(x86_translate(&pt, lazy, &w), VMM_ERR_NOT_MAPPED);
    expect(rw, P | W, VMM_FAULT_SPURIOUS); /* without the CPU state */
    vmm_fault_result_t out;
    CHECK(x86_page_fault_cpu(&vmm, lazy, W, BOTH, AC, K, &out) == VMM_FAULT_RESOLVED);
    CHECK_OK(x86_translate(&pt, lazy, &w));
    teardown();
}

/* Protection-key, shadow-stack and SGX faults are fatal whatever the tables
 * allow (the VMM gives every page key 0, maps no shadow stack and no enclave
 * page): a spurious verdict would make the handler retry forever. A reserved
 * bit still comes first; a lazy page is not demand-mapped for them. */
static void test_arch_denied_faults(void)
{
    setup();
    uint64_t rw, lazy;
    CHECK_OK(vmm_alloc(&vmm, 1, USER_RW, &rw));
    CHECK_OK(vmm_reserve(&vmm, 1, K4, USER_RW, VMM_RESERVE_LAZY, &lazy));
    const uint64_t P = X86_PF_P, W = X86_PF_W, U = X86_PF_U;
    expect(rw, P | U | X86_PF_PK, VMM_FAULT_PROTECTION_KEY);       /* 0x25 */
    expect(rw, P | W | X86_PF_PK, VMM_FAULT_PROTECTION_KEY);       /* 0x23 */
    expect(rw, P | W | U | X86_PF_SS, VMM_FAULT_SHADOW_STACK);     /* 0x47 */
    expect(rw, W | U | X86_PF_SS, VMM_FAULT_SHADOW_STACK);
    expect(rw, P | W | U | X86_PF_SGX, VMM_FAULT_ENCLAVE);         /* 0x8007 */
    expect(rw, P | X86_PF_RSVD | X86_PF_PK | X86_PF_SS | X86_PF_SGX,
           VMM_FAULT_RESERVED_BIT);
    expect(rw, P | U | X86_PF_PK | X86_PF_SS | X86_PF_SGX, VMM_FAULT_PROTECTION_KEY);
    expect(rw, P | U | X86_PF_SS | X86_PF_SGX, VMM_FAULT_SHADOW_STACK);
    /* nothing mapped there: still fatal, with the same verdicts */
    expect(rw + 64 * K4, U | X86_PF_SS, VMM_FAULT_SHADOW_STACK);
    /* a cause the decoder does not know (AMD's RMP bit 31): fatal where the
     * tables allow the access (spurious would be retried forever), their
     * verdict where they deny it, a demand map where the page is lazy */
    const uint64_t RMP = (uint64_t)1 << 31;
    expect(rw, P | W | U | RMP, VMM_FAULT_UNKNOWN_CAUSE);
    expect(rw, P | U | X86_PF_I | RMP, VMM_FAULT_NX_FETCH);
    expect(rw, P | W | U | X86_PF_HLAT, VMM_FAULT_SPURIOUS);
    expect(rw + 64 * K4, U | RMP, VMM_FAULT_NOT_PRESENT);
    expect(lazy, W | U | X86_PF_SS, VMM_FAULT_SHADOW_STACK);
    expect(lazy, U | X86_PF_PK, VMM_FAULT_PROTECTION_KEY);
    expect(lazy, U | X86_PF_SGX, VMM_FAULT_ENCLAVE);
    x86_walk_t w;
    CHECK_ERR(x86_translate(&pt, lazy, &w), VMM_ERR_NOT_MAPPED);
    expect(lazy, W | U, VMM_FAULT_RESOLVED);
    teardown();
}

/* Demand paging: the first touch maps a frame, the next is spurious. */
static void test_demand_paging(void)
{
    setup();
    uint64_t lazy, lazy2m, klazy;
    CHECK_OK(vmm_reserve(&vmm, 4, K4, USER_RW, VMM_RESERVE_LAZY, &lazy));
    CHECK_OK(vmm_reserve(&vmm, 2, M2, USER_RW, VMM_RESERVE_LAZY, &lazy2m));
    CHECK_OK(vmm_reserve(&vmm, 1, K4, KERNEL_RW, VMM_RESERVE_LAZY, &klazy));
    x86_walk_t w;
    vmm_fault_result_t out;
    CHECK(x86_page_fault(&vmm, lazy + K4 + 5, X86_PF_W | X86_PF_U, &out) ==
          VMM_FAULT_RESOLVED);
    CHECK(out.page == lazy + K4 && out.page_size == K4);
    CHECK_OK(x86_translate(&pt, lazy + K4 + 5, &w));
    CHECK(w.phys == out.phys + 5 && w.user && w.writable && !w.executable);
    expect(lazy + K4, X86_PF_P | X86_PF_W | X86_PF_U, VMM_FAULT_SPURIOUS);
    CHECK_ERR(x86_translate(&pt, lazy, &w), VMM_ERR_NOT_MAPPED);
    /* a violation of the reservation's attributes maps nothing */
    expect(lazy, X86_PF_U | X86_PF_I, VMM_FAULT_NX_FETCH);
    expect(klazy, X86_PF_U, VMM_FAULT_USER_KERNEL);
    CHECK_ERR(x86_translate(&pt, lazy, &w), VMM_ERR_NOT_MAPPED);
    CHECK_ERR(x86_translate(&pt, klazy, &w), VMM_ERR_NOT_MAPPED);
    expect(klazy, 0, VMM_FAULT_RESOLVED);
    expect(klazy, X86_PF_P | X86_PF_W, VMM_FAULT_SPURIOUS);
    /* a 2M reservation gets a 2M page */
    CHECK(x86_page_fault(&vmm, lazy2m + M2 + 12345, X86_PF_U, &out) ==
          VMM_FAULT_RESOLVED);
    CHECK(out.page == lazy2m + M2 && out.page_size == M2);
    CHECK_OK(x86_translate(&pt, lazy2m + M2 + 12345, &w));
    CHECK(w.page_size == M2 && w.phys == out.phys + 12345);
    /* the release returns the demand frames (checked by teardown) */
    CHECK_OK(vmm_release(&vmm, lazy2m));
    CHECK_ERR(x86_translate(&pt, lazy2m + M2, &w), VMM_ERR_NOT_MAPPED);
    teardown();
}

/* Out of frames for the page or for a table: OUT_OF_MEMORY, nothing kept. */
static void test_demand_out_of_memory(void)
{
    setup();
    uint64_t lazy;
    CHECK_OK(vmm_reserve(&vmm, 4, K4, USER_RW, VMM_RESERVE_LAZY, &lazy));
    /* the first fault needs the frame, then PDPT, PD, PT: fail each */
    for (long n = 0; n < 4; n++) {
        hostmem_snap_t before;
        CHECK(hostmem_snap_take(&hm, &before));
        size_t tables = pt.table_frames;
        ff.countdown = n;
        vmm_fault_result_t out;
        CHECK(x86_page_fault(&vmm, lazy, X86_PF_W | X86_PF_U, &out) ==
              VMM_FAULT_OUT_OF_MEMORY);
        ff.countdown = -1;
        CHECK_ERR(out.status, VMM_ERR_OUT_OF_FRAMES);
        CHECK(hostmem_snap_same(&hm, &before));
        CHECK(pt.table_frames == tables);
        x86_walk_t w;
        CHECK_ERR(x86_translate(&pt, lazy, &w), VMM_ERR_NOT_MAPPED);
        hostmem_snap_free(&before);
    }
    expect(lazy, X86_PF_W | X86_PF_U, VMM_FAULT_RESOLVED);
    teardown();
}

int main(void)
{
    RUN(test_decode_every_combination);
    RUN(test_protection_faults);
    RUN(test_arch_denied_faults);
    RUN(test_smep_smap);
    RUN(test_demand_paging);
    RUN(test_demand_out_of_memory);
    return check_exit();
}
