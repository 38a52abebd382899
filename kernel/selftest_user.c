/*
 * selftest_user.c - self-tests of user/supervisor rights through the MMU:
 * code at CPL3 (user_run) touches user and kernel pages, and the core's
 * verdict on each fault is checked (see selftest_util.h).
 */
#include "selftest_util.h"

/* User snippets: one access at rdi, then ud2 (the "it worked" fault). */
static const uint8_t code_read[] = { 0x48, 0x8B, 0x07, 0x0F, 0x0B };  /* mov (%rdi),%rax */
static const uint8_t code_write[] = { 0x48, 0x89, 0x3F, 0x0F, 0x0B }; /* mov %rdi,(%rdi) */
/* pushfq; orl $0x40000, (%rsp); popfq (RFLAGS.AC set at CPL3); ud2 */
static const uint8_t code_set_ac[] = { 0x9C, 0x81, 0x0C, 0x24, 0x00, 0x00, 0x04, 0x00,
                                       0x9D, 0x0F, 0x0B };
#define CODE_WRITE_OFFSET 64u
#define CODE_SET_AC_OFFSET 128u
#define USER_RX (VMM_ATTR_EXECUTABLE | VMM_ATTR_CACHABLE)
#define USER_RW (VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)
#define USER_RO VMM_ATTR_CACHABLE
#define VEC_UD 6u

/* The user test's pages: code (user RX), stack and data (user RW), a user
 * read-only page. */
typedef struct user_pages {
    uint64_t code, stack, data, ro;
} user_pages_t;

/* Returns the fault that ended user_run(rip, stack, arg). */
static fault_record_t run_user(const user_pages_t *u, uint64_t rip, uint64_t arg)
{
    fault_record_t rec;
    trap_expect(&rec, 0);
    user_run(rip, u->stack + PAGE, arg);
    (void)trap_disarm();
    return rec;
}

/* Returns true when CPL3 code at rip accessing arg ends as expected: with
 * #UD after the access (want_ok) or with a #PF at want_addr with verdict
 * want and the user bit set in the error code. */
static bool user_access(const user_pages_t *u, uint64_t rip, uint64_t arg,
                        bool want_ok, uint64_t want_addr, vmm_fault_kind_t want)
{
    fault_record_t rec = run_user(u, rip, arg);
    bool ok = rec.hit && (want_ok ? rec.vector == VEC_UD
                                  : rec.vector == VEC_PF && rec.kind == want &&
                                        rec.addr == want_addr && (rec.error & X86_PF_U));
    if (!ok)
        kprintf("    CPL3 at 0x%lx on 0x%lx: hit %d, %s, verdict %s, error 0x%lx\n", rip,
                arg, rec.hit, trap_name(rec.vector), vmm_fault_name(rec.kind), rec.error);
    return ok;
}

/* Allocates the user pages and writes the snippets (through the direct
 * map: the code page is read-only). */
static bool user_setup(user_pages_t *u)
{
    mm_heap_refill();
    EXPECT_ST(vmm_alloc(&kmm.vmm, 1, USER_RX, &u->code), VMM_OK);
    EXPECT_ST(vmm_alloc(&kmm.vmm, 1, USER_RW, &u->stack), VMM_OK);
    EXPECT_ST(vmm_alloc(&kmm.vmm, 1, USER_RW, &u->data), VMM_OK);
    EXPECT_ST(vmm_alloc(&kmm.vmm, 1, USER_RO, &u->ro), VMM_OK);
    x86_walk_t w;
    EXPECT_ST(x86_translate(&kmm.pt, u->code, &w), VMM_OK);
    EXPECT(w.user && w.executable && !w.writable);
    uint8_t *code = mm_phys_to_virt(w.phys);
    for (size_t i = 0; i < sizeof(code_read); i++) {
        code[i] = code_read[i];
        code[CODE_WRITE_OFFSET + i] = code_write[i];
    }
    for (size_t i = 0; i < sizeof(code_set_ac); i++)
        code[CODE_SET_AC_OFFSET + i] = code_set_ac[i];
    return true;
}

/* Frees the user test's pages; true when every frame is back (frames0:
 * free_frames() before user_setup). */
static bool user_teardown(const user_pages_t *u, size_t frames0)
{
    EXPECT_ST(mm_free_pages(u->code), VMM_OK);
    EXPECT_ST(mm_free_pages(u->stack), VMM_OK);
    EXPECT_ST(mm_free_pages(u->data), VMM_OK);
    EXPECT_ST(mm_free_pages(u->ro), VMM_OK);
    EXPECT(free_frames() == frames0);
    return true;
}

/* Returns the word at user address virt as the kernel reads it: through
 * the direct map (SMAP denies the user address itself); ~0 when unmapped. */
static uint64_t user_word(uint64_t virt)
{
    x86_walk_t w;
    if (x86_translate(&kmm.pt, virt, &w) != VMM_OK)
        return ~(uint64_t)0;
    return *(volatile uint64_t *)mm_phys_to_virt(w.phys);
}

/* CPL3 reaches user pages with their rights and never kernel pages. */
bool test_user_rights(void)
{
    user_pages_t u;
    size_t frames0 = free_frames();
    if (!user_setup(&u))
        return false;
    uint64_t rd = u.code, wr = u.code + CODE_WRITE_OFFSET;
    uint64_t kdata = (uint64_t)(uintptr_t)&selftest_data_word;
    uint64_t direct = (uint64_t)(uintptr_t)mm_phys_to_virt(kdata - KERNEL_VMA);
    uint64_t ktext = (uint64_t)(uintptr_t)&test_user_rights;
    EXPECT(user_access(&u, rd, u.data, true, 0, 0));
    EXPECT(user_access(&u, wr, u.data, true, 0, 0));
    EXPECT(user_word(u.data) == u.data); /* the CPL3 write landed */
    EXPECT(user_access(&u, rd, u.ro, true, 0, 0));
    EXPECT(user_access(&u, wr, u.ro, false, u.ro, VMM_FAULT_WRITE_READONLY));
    EXPECT(user_access(&u, rd, kdata, false, kdata, VMM_FAULT_USER_KERNEL));
    EXPECT(user_access(&u, wr, kdata, false, kdata, VMM_FAULT_USER_KERNEL));
    EXPECT(user_access(&u, rd, direct, false, direct, VMM_FAULT_USER_KERNEL));
    uint64_t unmapped = MM_WINDOW_END - PAGE;
    EXPECT(user_access(&u, rd, unmapped, false, unmapped, VMM_FAULT_NOT_PRESENT));
    /* Fetches: kernel text and a user page without execute. */
    EXPECT(user_access(&u, ktext, 0, false, ktext, VMM_FAULT_USER_KERNEL));
    EXPECT(user_access(&u, u.data, 0, false, u.data, VMM_FAULT_NX_FETCH));
    EXPECT(*word_at(kdata) == selftest_data_word);
    return user_teardown(&u, frames0);
}

/* With SMEP / SMAP on (the CPU has them: -cpu max), CPL0 neither runs nor
 * touches a user page, traps from CPL3 included (the entry clears AC): the #PF handler hands CR4 and the faulting RFLAGS to
 * the core (x86_page_fault_cpu), which calls it KERNEL_USER, fatal, and
 * maps no lazy user page for it; between stac and clac the kernel reads and
 * writes user pages, lazy ones demand-mapped. Without CR4's part the core
 * would call the same fault SPURIOUS, retried forever. Without SMEP / SMAP
 * (-cpu qemu64) the same accesses simply work. */
bool test_kernel_denied_user_pages(void)
{
    user_pages_t u;
    size_t frames0 = free_frames();
    if (!user_setup(&u))
        return false;
    uint64_t lazy, v = 0;
    EXPECT_ST(vmm_reserve(&kmm.vmm, 1, PAGE, USER_RW, VMM_RESERVE_LAZY, &lazy), VMM_OK);
    uint64_t cr4 = read_cr4();
    EXPECT(kmm.smep == ((cr4 & X86_CR4_SMEP) != 0) && kmm.smap == ((cr4 & X86_CR4_SMAP) != 0));
    x86_walk_t w;
    if (kmm.smap) {
        EXPECT(faults_with(u.data, false, VMM_FAULT_KERNEL_USER));
        EXPECT(faults_with(u.data, true, VMM_FAULT_KERNEL_USER));
        EXPECT(faults_with(lazy, true, VMM_FAULT_KERNEL_USER));
        EXPECT_ST(x86_translate(&kmm.pt, lazy, &w), VMM_ERR_NOT_MAPPED);
        stac();
        bool wrote = probe_write64(u.data, PATTERN(1));
        bool read = probe_read64(lazy + 8, &v);
        clac();
        EXPECT(wrote && read && v == 0 && user_word(u.data) == PATTERN(1));
        vmm_fault_result_t out;
        EXPECT(x86_page_fault(&kmm.vmm, u.data, X86_PF_P, &out) == VMM_FAULT_SPURIOUS);
        EXPECT(x86_page_fault_cpu(&kmm.vmm, u.data, X86_PF_P, cr4, 0, SEL_KERNEL_CODE, &out) ==
               VMM_FAULT_KERNEL_USER);
    } else {
        EXPECT(probe_write64(u.data, PATTERN(1)) && user_word(u.data) == PATTERN(1));
        EXPECT(probe_read64(lazy + 8, &v) && v == 0);
    }
    EXPECT_ST(x86_translate(&kmm.pt, lazy, &w), VMM_OK);
    if (kmm.smep)
        EXPECT(call_faults_with(u.code, VMM_FAULT_KERNEL_USER));
    /* A user's AC does not reach the handler (isr.S clears it): else SMAP
     * would be off for every trap a user process chooses to take. */
    fault_record_t rec = run_user(&u, u.code + CODE_SET_AC_OFFSET, 0);
    EXPECT(rec.hit && rec.vector == VEC_UD);
    EXPECT(!(trap_entry_rflags & X86_RFLAGS_AC));
    EXPECT_ST(vmm_release(&kmm.vmm, lazy), VMM_OK);
    return user_teardown(&u, frames0);
}
