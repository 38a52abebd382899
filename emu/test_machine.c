/*
 * test_machine.c - the emulated CPU against page tables written by hand:
 * proves the machine itself (CPU state, CPL3 entry, error-code discovery,
 * translate and snippets) before it is trusted to judge the core's tables.
 * Expected outcomes are written out from the x86 manual, not computed.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/x86_64/pte.h"
#include "machine.h"

#define PHYS_SIZE ((uint64_t)4 << 20)
#define TABLE_START 0x1000u     /* hand tables are bump-allocated from here */
#define PAGE 4096u
#define PF_P 0x1u
#define PF_W 0x2u
#define PF_U 0x4u
#define PF_RSVD 0x8u
#define PF_I 0x10u
#define PHYS_BIT51 ((uint64_t)1 << 51) /* beyond any MAXPHYADDR < 52 */
#define LEAF_4K_USER_RW_NX (X86_PTE_P | X86_PTE_W | X86_PTE_U | X86_PTE_NX)
#define LEAF_4K_KERNEL_RO_X X86_PTE_P
#define TABLE_FLAGS (X86_PTE_P | X86_PTE_W | X86_PTE_U)

static uint8_t *mem;          /* physical memory [0, PHYS_SIZE) */
static uint64_t next_table = TABLE_START;
static emu_machine_t *machine;

/* Returns the entry slot for va at level, creating tables down to it. */
static uint64_t *slot(uint64_t va, int level)
{
    uint64_t table = 0; /* the PML4 is the first table frame */
    for (int l = X86_LEVEL_PML4;; l--) {
        uint64_t *e = (uint64_t *)(mem + table) + X86_PX(l, va);
        if (l == level)
            return e;
        if (!X86_PTE_PRESENT(*e)) {
            next_table += PAGE;
            *e = next_table | TABLE_FLAGS;
        }
        table = X86_PTE_ADDR(*e);
    }
}

/* Writes a leaf entry for va at level. */
static void leaf(uint64_t va, int level, uint64_t entry)
{
    *slot(va, level) = entry;
}

/* Expected outcome: vector, then error code (for #PF) or phys. */
typedef struct expect {
    uint64_t va;
    emu_cpl_t cpl;
    emu_kind_t kind;
    int vector;
    uint64_t phys_or_code;
} expect_t;

#define USER_PAGE 0x400000ull          /* 4K user RW NX -> 0x200000       */
#define KERNEL_PAGE 0x401000ull        /* 4K kernel RO X -> 0x201000      */
#define RSVD_PAGE 0x402000ull          /* entry with bit 51 in the address */
#define ABSENT_PAGE 0x403000ull        /* PT exists, entry not present     */
#define LARGE_2M 0x800000ull           /* 2M user RW X -> 0x200000        */
#define HHDM 0xFFFF800000000000ull     /* 1G kernel RW NX -> 0             */
#define KERNEL_BASE 0xFFFFFF8000000000ull /* 4K kernel RO X -> 0x203000    */
#define NON_CANONICAL 0x0000800000000000ull

static const expect_t expects[] = {
    {USER_PAGE, EMU_CPL0, EMU_READ, EMU_VEC_NONE, 0x200000},
    {USER_PAGE + 0xFFF, EMU_CPL3, EMU_READ, EMU_VEC_NONE, 0x200FFF},
    {USER_PAGE + 8, EMU_CPL3, EMU_WRITE, EMU_VEC_NONE, 0x200008},
    {USER_PAGE, EMU_CPL0, EMU_FETCH, EMU_VEC_PF, PF_P | PF_I},
    {USER_PAGE, EMU_CPL3, EMU_FETCH, EMU_VEC_PF, PF_P | PF_I | PF_U},
    {KERNEL_PAGE + 5, EMU_CPL0, EMU_READ, EMU_VEC_NONE, 0x201005},
    {KERNEL_PAGE, EMU_CPL0, EMU_WRITE, EMU_VEC_PF, PF_P | PF_W},
    {KERNEL_PAGE + 0x10, EMU_CPL0, EMU_FETCH, EMU_VEC_NONE, 0x201010},
    {KERNEL_PAGE + 0xFFF, EMU_CPL0, EMU_FETCH, EMU_VEC_NONE, 0x201FFF},
    {KERNEL_PAGE, EMU_CPL3, EMU_READ, EMU_VEC_PF, PF_P | PF_U},
    {KERNEL_PAGE, EMU_CPL3, EMU_WRITE, EMU_VEC_PF, PF_P | PF_W | PF_U},
    {KERNEL_PAGE, EMU_CPL3, EMU_FETCH, EMU_VEC_PF, PF_P | PF_I | PF_U},
    {RSVD_PAGE, EMU_CPL0, EMU_READ, EMU_VEC_PF, PF_P | PF_RSVD},
    {RSVD_PAGE, EMU_CPL3, EMU_WRITE, EMU_VEC_PF, PF_P | PF_RSVD | PF_W | PF_U},
    {ABSENT_PAGE, EMU_CPL0, EMU_READ, EMU_VEC_PF, 0},
    {ABSENT_PAGE, EMU_CPL0, EMU_WRITE, EMU_VEC_PF, PF_W},
    {ABSENT_PAGE, EMU_CPL0, EMU_FETCH, EMU_VEC_PF, PF_I},
    {ABSENT_PAGE, EMU_CPL3, EMU_READ, EMU_VEC_PF, PF_U},
    {ABSENT_PAGE + 0xFFF, EMU_CPL3, EMU_WRITE, EMU_VEC_PF, PF_W | PF_U},
    {ABSENT_PAGE, EMU_CPL3, EMU_FETCH, EMU_VEC_PF, PF_I | PF_U},
    {LARGE_2M + 0x12345, EMU_CPL3, EMU_READ, EMU_VEC_NONE, 0x212345},
    {LARGE_2M + 0x1FFFFF, EMU_CPL3, EMU_WRITE, EMU_VEC_NONE, 0x3FFFFF},
    {LARGE_2M + 0x100, EMU_CPL3, EMU_FETCH, EMU_VEC_NONE, 0x200100},
    {LARGE_2M + 0x1FFFFF, EMU_CPL3, EMU_FETCH, EMU_VEC_NONE, 0x3FFFFF},
    {LARGE_2M + 0x200000, EMU_CPL0, EMU_READ, EMU_VEC_PF, 0},
    {HHDM + 0x3001, EMU_CPL0, EMU_READ, EMU_VEC_NONE, 0x3001},
    {HHDM + 0x3FFFFF, EMU_CPL0, EMU_WRITE, EMU_VEC_NONE, 0x3FFFFF},
    {HHDM + 0x1000, EMU_CPL0, EMU_FETCH, EMU_VEC_PF, PF_P | PF_I},
    {HHDM + 0x1000, EMU_CPL3, EMU_READ, EMU_VEC_PF, PF_P | PF_U},
    {KERNEL_BASE + 0x7, EMU_CPL0, EMU_FETCH, EMU_VEC_NONE, 0x203007},
    {KERNEL_BASE + 0x1000, EMU_CPL0, EMU_READ, EMU_VEC_PF, 0},
    {NON_CANONICAL, EMU_CPL0, EMU_READ, EMU_VEC_GP, 0},
    {NON_CANONICAL - 1, EMU_CPL3, EMU_READ, EMU_VEC_PF, PF_U},
    {0xFFFF7FFFFFFFF000ull, EMU_CPL3, EMU_WRITE, EMU_VEC_GP, 0},
};

/* Builds the hand tables (and the machine's auxiliary pages). */
static void build_tables(void)
{
    memset(mem, 0, PHYS_SIZE);
    leaf(USER_PAGE, X86_LEVEL_PT, 0x200000 | LEAF_4K_USER_RW_NX);
    leaf(KERNEL_PAGE, X86_LEVEL_PT, 0x201000 | LEAF_4K_KERNEL_RO_X);
    leaf(RSVD_PAGE, X86_LEVEL_PT, (PHYS_BIT51 | 0x202000) | LEAF_4K_USER_RW_NX);
    leaf(LARGE_2M, X86_LEVEL_PD, 0x200000 | TABLE_FLAGS | X86_PTE_PS);
    leaf(HHDM, X86_LEVEL_PDPT, 0 | X86_PTE_P | X86_PTE_W | X86_PTE_PS | X86_PTE_NX);
    leaf(KERNEL_BASE, X86_LEVEL_PT, 0x203000 | LEAF_4K_KERNEL_RO_X);
    leaf(EMU_AUX_VA, X86_LEVEL_PT, emu_aux_phys(EMU_AUX_CODE) | X86_PTE_P | X86_PTE_U);
    leaf(EMU_AUX_VA + PAGE, X86_LEVEL_PT, emu_aux_phys(EMU_AUX_GDT) | X86_PTE_P | X86_PTE_NX);
    leaf(EMU_AUX_VA + 2 * PAGE, X86_LEVEL_PT,
         emu_aux_phys(EMU_AUX_STACK) | X86_PTE_P | X86_PTE_W | X86_PTE_NX);
    for (uint64_t p = 0x200000; p < 0x400000; p++)
        mem[p] = (uint8_t)(p * 7u + (p >> 8));
}

/* Compares one outcome with its expectation; prints both on mismatch. */
static void check_outcome(const char *how, const expect_t *e, const emu_outcome_t *o)
{
    bool ok = o->vector == e->vector;
    if (ok && e->vector == EMU_VEC_PF)
        ok = o->error_code == e->phys_or_code && o->cr2 == e->va;
    if (ok && e->vector == EMU_VEC_NONE && strcmp(how, "translate") == 0)
        ok = o->phys == e->phys_or_code;
    CHECK(ok);
    if (!ok)
        fprintf(stderr, "  %s %#llx %s %s: expected vector %d (%#llx), got %d "
                "(phys %#llx cr2 %#llx err %#x)\n", how, (unsigned long long)e->va,
                emu_cpl_name(e->cpl), emu_kind_name(e->kind), e->vector,
                (unsigned long long)e->phys_or_code, o->vector,
                (unsigned long long)o->phys, (unsigned long long)o->cr2, o->error_code);
}

/* Runs every expectation through uc_vmem_translate. */
static void test_translate(void)
{
    emu_machine_t *m = machine;
    for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
        emu_outcome_t o;
        emu_translate(m, expects[i].cpl, expects[i].va, expects[i].kind, &o);
        check_outcome("translate", &expects[i], &o);
    }
}

/* Runs every expectation as a real instruction; loads must return the byte
 * in physical memory, stores must land there. */
static void test_snippets(void)
{
    emu_machine_t *m = machine;
    for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
        const expect_t *e = &expects[i];
        bool lands = e->vector == EMU_VEC_NONE;
        uint64_t phys = lands ? e->phys_or_code : UINT64_MAX;
        uint8_t before = lands ? mem[phys] : 0;
        emu_outcome_t o;
        emu_access(m, e->cpl, e->va, e->kind, (uint8_t)(before ^ 0xA5), phys, &o);
        check_outcome("snippet", e, &o);
        if (lands && e->kind == EMU_READ)
            CHECK(o.data == before);
        if (lands && e->kind == EMU_WRITE) {
            CHECK(mem[phys] == (uint8_t)(before ^ 0xA5));
            mem[phys] = before;
        }
        if (lands && e->kind == EMU_FETCH)
            CHECK(mem[phys] == before); /* the int3 was taken out again */
    }
}

/* Every check in the wake of every other: no state leaks between checks
 * (a fault must not turn the next one into a #DF). */
static void test_pairs(void)
{
    const size_t n = sizeof(expects) / sizeof(expects[0]);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            const expect_t *a = &expects[i], *b = &expects[j];
            emu_outcome_t o;
            emu_access(machine, a->cpl, a->va, a->kind, 0,
                       a->vector == EMU_VEC_NONE ? a->phys_or_code : UINT64_MAX, &o);
            emu_access(machine, b->cpl, b->va, b->kind, 0,
                       b->vector == EMU_VEC_NONE ? b->phys_or_code : UINT64_MAX, &o);
            if (b->kind == EMU_WRITE && b->vector == EMU_VEC_NONE)
                mem[b->phys_or_code] = 0;
            check_outcome("after another", b, &o);
        }
}

/* The MMU sets accessed/dirty bits in the tables it walks. */
static void test_accessed_dirty(void)
{
    CHECK((*slot(USER_PAGE, X86_LEVEL_PT) & X86_PTE_A) != 0);
    CHECK((*slot(USER_PAGE, X86_LEVEL_PT) & X86_PTE_D) != 0);
    CHECK((*slot(KERNEL_PAGE, X86_LEVEL_PT) & X86_PTE_D) == 0);
}

int main(void)
{
    mem = aligned_alloc(PAGE, PHYS_SIZE);
    if (mem == NULL)
        return 1;
    build_tables();
    emu_machine_t *m = emu_open(mem, 0, PHYS_SIZE);
    CHECK(m != NULL);
    if (m == NULL || !emu_start(m, 0)) {
        CHECK(!"machine did not start");
        return check_exit();
    }
    machine = m;
    fprintf(stderr, "MAXPHYADDR %u\n", emu_phys_bits(m));
    RUN(test_translate);
    RUN(test_snippets);
    RUN(test_accessed_dirty);
    RUN(test_pairs);
    emu_close(m);
    free(mem);
    return check_exit();
}
