/*
 * machine.c - the emulated x86_64 CPU over the caller's page tables.
 *
 * Unicorn facts relied on (shared/notes/toolchain.md): uc_mem_* are physical;
 * faults reach a UC_HOOK_INTR hook (14 = #PF, 13 = #GP) instead of a guest
 * IDT; the #PF error code is only in the saved context block, at an offset
 * found once at start-up; a fault leaves "exception in progress" (the next
 * fault would become #DF), so a check restores a clean saved context
 * whenever the previous one faulted or ran at the other privilege level.
 */
#include "machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicorn/unicorn.h>

/* Architectural bits the machine sets (names, not numbers). */
#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define MSR_EFER 0xC0000080u
#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)
#define RFLAGS_FIXED (1ull << 1)

/* GDT selectors and flat 64-bit descriptors (accessed bit preset, so the
 * CPU never writes the read-only GDT page). */
#define SEL_KCODE 0x08u
#define SEL_KDATA 0x10u
#define SEL_UDATA 0x18u
#define SEL_UCODE 0x20u
#define SEL_RPL3 3u
static const uint64_t gdt_entries[] = {
    0,
    0x00AF9B000000FFFFull, /* kernel code, 64-bit, DPL0 */
    0x00CF93000000FFFFull, /* kernel data, DPL0         */
    0x00CFF3000000FFFFull, /* user data, DPL3           */
    0x00AFFB000000FFFFull, /* user code, 64-bit, DPL3   */
};

/* Snippets in the code page: offset and bytes; each ends where `until` is. */
#define SNIP_IRETQ 0x020u   /* iretq                                     */
#define SNIP_LANDING 0x030u /* where iretq lands at CPL3                 */
#define SNIP_LOAD 0x100u    /* mov al, [rbx]                             */
#define SNIP_STORE 0x120u   /* mov [rbx], al                             */
#define SNIP_CPUID 0x140u   /* mov eax, 0x80000008; cpuid                */
#define SNIP_UNTIL 0x180u   /* the `until` of checks: never reached     */
#define SNIP_STOP 0x1C0u    /* int3: where a fetch's `ret` returns      */
#define SNIP_RET_SLOT 0x200u /* 8 bytes: SNIP_STOP's address (a fetch's
                                return address)                         */
/* The snippets lie in [SNIP_FIRST, SNIP_END): clear of the page's edges,
 * which probes fetch from. */
#define SNIP_FIRST SNIP_IRETQ
#define SNIP_END (SNIP_RET_SLOT + 8u)
static const uint8_t code_iretq[] = {0x48, 0xCF};
static const uint8_t code_landing[] = {0x90, 0x90};
static const uint8_t code_load[] = {0x8A, 0x03};
static const uint8_t code_store[] = {0x88, 0x03};
static const uint8_t code_cpuid[] = {0xB8, 0x08, 0x00, 0x00, 0x80, 0x0F, 0xA2};
/* #PF error-code bits of the marker faults (as hardware reports them). */
#define PF_P 0x1u
#define PF_W 0x2u
#define PF_U 0x4u
#define PF_I 0x10u
/* Fills the code page around the snippets: stray execution traps, and a
 * completed check stops at the int3 after its snippet (vector 3, which the
 * interrupt hook catches at both levels). Checks never reach their `until`:
 * Unicorn translates the block at `until` anew at every run and drops the
 * block holding the byte before it after every run, so a check that
 * stopped there would translate code (and allocate) every time. Stopped by
 * int3, a check runs blocks translated once and kept. */
#define INT3 0xCCu
#define VEC_BREAKPOINT 3
/* A fetch probe plants this one-byte instruction and checks its effect
 * (RSP moved past the return address at SNIP_RET_SLOT). */
#define RET_NEAR 0xC3u
#define PAGE 4096u
#define CPUID_PHYS_BITS_MASK 0xFFu
/* No timeout: Unicorn would start a timer thread for every run. Every run
 * is bounded by construction (fixed snippets; a fetch asks the MMU first). */
#define SNIPPET_TIMEOUT_US 0u
/* CR2 in a clean context: non-canonical, so no #PF ever reports it. */
#define CR2_SENTINEL 0xDEAD000000000000ull
/* Fetch plants whose translated blocks are known to be kept. */
#define PLANTS_MAX 512u
#define PAGE_OF(phys) ((phys) & ~(uint64_t)(PAGE - 1u))

/* A fetch plant Unicorn translated: address, frame, level. */
typedef struct plant {
    uint64_t va, phys;
    emu_cpl_t cpl;
} plant_t;

struct emu_machine {
    uc_engine *uc;
    uint64_t phys_base, phys_size; /* the caller's physical memory     */
    uc_context *ctx[EMU_CPLS]; /* clean contexts to restore before a check */
    uc_context *scratch;       /* where a faulted context is saved        */
    size_t ctx_size;           /* bytes of a context block                */
    size_t err_offset;         /* offset of the #PF error code in it      */
    uint8_t *aux;              /* EMU_AUX_PAGES pages, host side           */
    uint8_t *host;             /* the caller's physical memory, host side  */
    int last_vector;           /* set by the interrupt hook               */
    unsigned phys_bits;
    uint64_t cr3;
    bool started;              /* ctx[] hold contexts of an earlier start */
    bool dirty;                /* the CPU may not be clean: restore ctx[] */
    bool walk_faulted;         /* a translate failed since the last restore:
                                  CR2 and the error code changed (nothing
                                  runs until ctx[] is restored)         */
    emu_cpl_t cpl;             /* level of the clean CPU when !dirty      */
    plant_t plants[PLANTS_MAX]; /* blocks kept since the last trim        */
    size_t nplants;
    bool tlb_stale;            /* the tables changed since the last TLB
                                  flush (flushed before the next check) */
    bool code_dead;            /* blocks were dropped since the last trim:
                                  what they hold is freed by a flush only
                                  (emu_trim_code)                       */
};

/* Returns the physical address of an auxiliary page. */
uint64_t emu_aux_phys(emu_aux_page_t page)
{
    return EMU_AUX_PHYS + (uint64_t)page * PAGE;
}

/* Returns a static name for a kind of access. */
const char *emu_kind_name(emu_kind_t kind)
{
    static const char *const names[EMU_KINDS] = {"read", "write", "fetch"};
    return (unsigned)kind < EMU_KINDS ? names[kind] : "?";
}

/* Returns a static name for a privilege level. */
const char *emu_cpl_name(emu_cpl_t cpl)
{
    return cpl == EMU_CPL3 ? "CPL3" : "CPL0";
}

/* Records the vector and stops: faults are never delivered to the guest. */
static void on_interrupt(uc_engine *uc, uint32_t intno, void *user)
{
    emu_machine_t *m = user;
    m->last_vector = (int)intno;
    uc_emu_stop(uc);
}

/* Returns false (after printing what) when err is not UC_ERR_OK. */
static bool uc_ok(uc_err err, const char *what)
{
    if (err == UC_ERR_OK)
        return true;
    fprintf(stderr, "emu: %s: %s\n", what, uc_strerror(err));
    return false;
}

/* Opens Unicorn and maps physical memory and the auxiliary pages. */
emu_machine_t *emu_open(void *host, uint64_t phys_base, uint64_t phys_size)
{
    emu_machine_t *m = calloc(1, sizeof(*m));
    if (m == NULL)
        return NULL;
    m->aux = aligned_alloc(PAGE, EMU_AUX_PAGES * PAGE);
    if (m->aux == NULL) {
        free(m);
        return NULL;
    }
    memset(m->aux, 0, EMU_AUX_PAGES * PAGE);
    m->last_vector = EMU_VEC_NONE;
    uc_hook hook;
    bool ok = uc_ok(uc_open(UC_ARCH_X86, UC_MODE_64, &m->uc), "uc_open") &&
              uc_ok(uc_mem_map_ptr(m->uc, phys_base, phys_size, UC_PROT_ALL, host),
                    "map physical memory") &&
              uc_ok(uc_mem_map_ptr(m->uc, EMU_AUX_PHYS, EMU_AUX_PAGES * PAGE,
                                   UC_PROT_ALL, m->aux), "map auxiliary pages") &&
              uc_ok(uc_hook_add(m->uc, &hook, UC_HOOK_INTR, (void *)on_interrupt,
                                m, 1, 0), "interrupt hook") &&
              uc_ok(uc_context_alloc(m->uc, &m->ctx[EMU_CPL0]), "context") &&
              uc_ok(uc_context_alloc(m->uc, &m->ctx[EMU_CPL3]), "context") &&
              uc_ok(uc_context_alloc(m->uc, &m->scratch), "context");
    if (!ok) {
        emu_close(m);
        return NULL;
    }
    m->ctx_size = uc_context_size(m->uc);
    m->phys_base = phys_base;
    m->host = host;
    m->phys_size = phys_size;
    return m;
}

/* Frees everything emu_open made. */
void emu_close(emu_machine_t *m)
{
    if (m == NULL)
        return;
    for (int i = 0; i < EMU_CPLS; i++)
        if (m->ctx[i] != NULL)
            uc_context_free(m->ctx[i]);
    if (m->scratch != NULL)
        uc_context_free(m->scratch);
    if (m->uc != NULL)
        uc_close(m->uc);
    free(m->aux);
    free(m);
}

/* Returns the virtual address of a snippet. */
static uint64_t snip_va(unsigned offset)
{
    return EMU_AUX_VA + EMU_AUX_CODE * PAGE + offset;
}

/* Writes the snippets and the GDT into the auxiliary pages. */
static void write_aux_pages(emu_machine_t *m)
{
    uint8_t *code = m->aux + EMU_AUX_CODE * PAGE;
    memset(code, INT3, PAGE);
    memcpy(code + SNIP_IRETQ, code_iretq, sizeof(code_iretq));
    memcpy(code + SNIP_LANDING, code_landing, sizeof(code_landing));
    memcpy(code + SNIP_LOAD, code_load, sizeof(code_load));   /* int3 follows */
    memcpy(code + SNIP_STORE, code_store, sizeof(code_store)); /* int3 follows */
    memcpy(code + SNIP_CPUID, code_cpuid, sizeof(code_cpuid));
    uint64_t stop_va = snip_va(SNIP_STOP);
    memcpy(code + SNIP_RET_SLOT, &stop_va, sizeof(stop_va));
    memcpy(m->aux + EMU_AUX_GDT * PAGE, gdt_entries, sizeof(gdt_entries));
    memset(m->aux + EMU_AUX_STACK * PAGE, 0, PAGE);
}

/* Loads control registers, EFER and GDTR at CPL0. */
static bool load_system_state(emu_machine_t *m, uint64_t cr3)
{
    uc_x86_msr efer = {MSR_EFER, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE};
    uint64_t cr4 = CR4_PAE;
    uint64_t cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
    uc_x86_mmr gdtr = {0, EMU_AUX_VA + EMU_AUX_GDT * PAGE,
                       (uint32_t)sizeof(gdt_entries) - 1u, 0};
    uint64_t rflags = RFLAGS_FIXED, cr2 = CR2_SENTINEL;
    return uc_ok(uc_reg_write(m->uc, UC_X86_REG_CR2, &cr2), "CR2") &&
           uc_ok(uc_reg_write(m->uc, UC_X86_REG_MSR, &efer), "EFER") &&
           uc_ok(uc_reg_write(m->uc, UC_X86_REG_CR4, &cr4), "CR4") &&
           uc_ok(uc_reg_write(m->uc, UC_X86_REG_CR3, &cr3), "CR3") &&
           uc_ok(uc_reg_write(m->uc, UC_X86_REG_CR0, &cr0), "CR0") &&
           uc_ok(uc_reg_write(m->uc, UC_X86_REG_GDTR, &gdtr), "GDTR") &&
           uc_ok(uc_reg_write(m->uc, UC_X86_REG_EFLAGS, &rflags), "RFLAGS");
}

/* Runs [begin, until) from the current context; returns the vector seen
 * (EMU_VEC_NONE when it simply ended, EMU_VEC_EMU_ERROR when Unicorn failed). */
static int run(emu_machine_t *m, uint64_t begin, uint64_t until, size_t count)
{
    m->last_vector = EMU_VEC_NONE;
    uc_err err = uc_emu_start(m->uc, begin, until, SNIPPET_TIMEOUT_US, count);
    if (m->last_vector != EMU_VEC_NONE)
        return m->last_vector;
    return err == UC_ERR_OK ? EMU_VEC_NONE : EMU_VEC_EMU_ERROR;
}

/* Enters CPL3 from the CPL0 context with an iretq frame on the kernel stack. */
static bool enter_user(emu_machine_t *m)
{
    uint64_t frame[5] = {snip_va(SNIP_LANDING), SEL_UCODE | SEL_RPL3,
                         RFLAGS_FIXED, EMU_AUX_VA + EMU_AUX_STACK * PAGE + PAGE,
                         SEL_UDATA | SEL_RPL3};
    uint8_t *stack = m->aux + EMU_AUX_STACK * PAGE;
    uint64_t rsp = EMU_AUX_VA + EMU_AUX_STACK * PAGE + PAGE / 2;
    memcpy(stack + PAGE / 2, frame, sizeof(frame));
    if (!uc_ok(uc_reg_write(m->uc, UC_X86_REG_RSP, &rsp), "RSP"))
        return false;
    int vec = run(m, snip_va(SNIP_IRETQ), snip_va(SNIP_LANDING), 0);
    uint64_t cs = 0;
    uc_reg_read(m->uc, UC_X86_REG_CS, &cs);
    if (vec != EMU_VEC_NONE || (cs & SEL_RPL3) != SEL_RPL3) {
        fprintf(stderr, "emu: iretq to CPL3 failed (vector %d, cs %#llx)\n",
                vec, (unsigned long long)cs);
        return false;
    }
    return true;
}

/* Reads MAXPHYADDR with cpuid 0x80000008 at CPL0. */
static bool read_phys_bits(emu_machine_t *m)
{
    m->dirty = true; /* cpuid leaves registers changed */
    uc_context_restore(m->uc, m->ctx[EMU_CPL0]);
    int vec = run(m, snip_va(SNIP_CPUID), snip_va(SNIP_CPUID) + sizeof(code_cpuid), 0);
    uint64_t rax = 0;
    uc_reg_read(m->uc, UC_X86_REG_RAX, &rax);
    m->phys_bits = (unsigned)(rax & CPUID_PHYS_BITS_MASK);
    if (vec != EMU_VEC_NONE || m->phys_bits < 36 || m->phys_bits > 52) {
        fprintf(stderr, "emu: cpuid 0x80000008 failed (vector %d, eax %#llx)\n",
                vec, (unsigned long long)rax);
        return false;
    }
    return true;
}

static int run_access(emu_machine_t *m, emu_cpl_t cpl, uint64_t va,
                      emu_kind_t kind, uint8_t value, uint64_t fetch_phys,
                      uint8_t *data);

/* One fault used to find the error code: access, and the code hardware gives. */
typedef struct marker_fault {
    emu_cpl_t cpl;
    uint64_t va;
    emu_kind_t kind;
    uint32_t error_code;
} marker_fault_t;

/* Runs one access at cpl and saves the resulting context in scratch;
 * returns the vector. */
static int fault_and_save(emu_machine_t *m, const marker_fault_t *f)
{
    uint8_t data;
    int vec = run_access(m, f->cpl, f->va, f->kind, 0, UINT64_MAX, &data);
    uc_context_save(m->uc, m->scratch);
    return vec;
}

/* Clears the candidates (one flag per 32-bit slot of a saved context) whose
 * slot in the scratch context does not hold code. */
static void narrow(const emu_machine_t *m, uint8_t *candidate, size_t words,
                   uint32_t code)
{
    const uint8_t *blob = (const uint8_t *)m->scratch;
    for (size_t w = 0; w < words; w++) {
        uint32_t v;
        memcpy(&v, blob + w * sizeof(v), sizeof(v));
        if (v != code)
            candidate[w] = 0;
    }
}

/* Finds the offset of the #PF error code in a saved context: the only
 * 32-bit slot holding each marker fault's code. False when not unique (or a
 * marker access does not fault as on hardware). */
static bool find_error_code_offset(emu_machine_t *m)
{
    const uint64_t unmapped = EMU_AUX_VA + EMU_AUX_PAGES * PAGE;
    const uint64_t code = snip_va(0), gdt = EMU_AUX_VA + EMU_AUX_GDT * PAGE;
    const uint64_t stack = EMU_AUX_VA + EMU_AUX_STACK * PAGE;
    const marker_fault_t faults[] = {
        {EMU_CPL0, unmapped, EMU_READ, 0},
        {EMU_CPL3, code, EMU_WRITE, PF_P | PF_W | PF_U},
        {EMU_CPL3, gdt, EMU_READ, PF_P | PF_U},
        {EMU_CPL3, stack, EMU_FETCH, PF_P | PF_U | PF_I},
        {EMU_CPL0, code, EMU_WRITE, PF_P | PF_W},
        {EMU_CPL0, stack, EMU_FETCH, PF_P | PF_I},
        {EMU_CPL0, unmapped, EMU_WRITE, PF_W},
        {EMU_CPL3, unmapped, EMU_FETCH, PF_U | PF_I},
    };
    size_t words = m->ctx_size / sizeof(uint32_t), found = 0;
    uint8_t *candidate = malloc(words);
    if (candidate == NULL)
        return false;
    memset(candidate, 1, words);
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        int vec = fault_and_save(m, &faults[i]);
        if (vec != EMU_VEC_PF) {
            fprintf(stderr, "emu: marker fault %zu gave vector %d, not #PF\n", i, vec);
            words = 0;
            break;
        }
        narrow(m, candidate, words, faults[i].error_code);
    }
    for (size_t w = 0; w < words; w++)
        if (candidate[w]) {
            m->err_offset = w * sizeof(uint32_t);
            found++;
        }
    free(candidate);
    if (found != 1)
        fprintf(stderr, "emu: %zu candidate offsets for the #PF error code\n", found);
    return found == 1;
}

/* Sets up CPU state for cr3; see machine.h. */
bool emu_start(emu_machine_t *m, uint64_t cr3)
{
    m->cr3 = cr3;
    write_aux_pages(m);
    if (m->started) /* begin again from CPL0, whatever ran last */
        uc_context_restore(m->uc, m->ctx[EMU_CPL0]);
    m->dirty = true;
    uc_ctl_flush_tlb(m->uc);
    uint64_t rip = snip_va(SNIP_LANDING);
    if (!load_system_state(m, cr3) ||
        !uc_ok(uc_reg_write(m->uc, UC_X86_REG_RIP, &rip), "RIP") ||
        !uc_ok(uc_context_save(m->uc, m->ctx[EMU_CPL0]), "save CPL0"))
        return false;
    if (!enter_user(m) ||
        !uc_ok(uc_context_save(m->uc, m->ctx[EMU_CPL3]), "save CPL3"))
        return false;
    m->started = read_phys_bits(m) && find_error_code_offset(m);
    return m->started;
}

/* Rewrites CR3 in the clean contexts; see machine.h. */
bool emu_switch(emu_machine_t *m, uint64_t cr3)
{
    if (!m->started)
        return emu_start(m, cr3);
    write_aux_pages(m);
    m->cr3 = cr3;
    for (int cpl = 0; cpl < EMU_CPLS; cpl++) {
        uc_context_restore(m->uc, m->ctx[cpl]);
        if (!uc_ok(uc_reg_write(m->uc, UC_X86_REG_CR3, &cr3), "CR3") ||
            !uc_ok(uc_context_save(m->uc, m->ctx[cpl]), "save context"))
            return false;
    }
    uc_ctl_flush_tlb(m->uc);
    m->tlb_stale = false;
    m->dirty = false;
    m->walk_faulted = false;
    m->cpl = EMU_CPL3;
    return true;
}

/* Drops translated blocks; see machine.h. */
void emu_flush_code(emu_machine_t *m)
{
    uc_ctl_flush_tb(m->uc);
    m->nplants = 0;
}

/* Fills the fault fields of out from the current (faulted) CPU state. */
static void read_fault(emu_machine_t *m, int vector, emu_outcome_t *out)
{
    out->vector = vector;
    if (vector != EMU_VEC_PF)
        return;
    uc_reg_read(m->uc, UC_X86_REG_CR2, &out->cr2);
    uc_context_save(m->uc, m->scratch);
    memcpy(&out->error_code, (const uint8_t *)m->scratch + m->err_offset,
           sizeof(out->error_code));
}

/* Flushes the TLB when the tables changed since the last flush (most
 * table changes are followed by checks answered without the emulator:
 * answers.h). */
static void settle_tlb(emu_machine_t *m)
{
    if (m->tlb_stale)
        uc_ctl_flush_tlb(m->uc);
    m->tlb_stale = false;
}

/* Brings the CPU to a clean state at cpl: restores the saved context
 * unless the last check left it clean at that level already. */
static void enter(emu_machine_t *m, emu_cpl_t cpl)
{
    settle_tlb(m);
    if (m->dirty || m->walk_faulted || m->cpl != cpl)
        uc_context_restore(m->uc, m->ctx[cpl]);
    m->dirty = false;
    m->walk_faulted = false;
    m->cpl = cpl;
}

/* Brings the CPU to a state at cpl in which a translate walk behaves as
 * from a clean one: a failed walk changed only CR2 and the error code
 * (uc_vmem_translate executes nothing), so CR2 gets its sentinel back
 * instead of a whole context being restored. */
static void enter_walk(emu_machine_t *m, emu_cpl_t cpl)
{
    settle_tlb(m);
    if (m->dirty || m->cpl != cpl) {
        enter(m, cpl);
        return;
    }
    if (m->walk_faulted) {
        uint64_t cr2 = CR2_SENTINEL;
        uc_reg_write(m->uc, UC_X86_REG_CR2, &cr2);
    }
}

/* uc_vmem_translate at cpl; see machine.h. */
void emu_translate(emu_machine_t *m, emu_cpl_t cpl, uint64_t va,
                   emu_kind_t kind, emu_outcome_t *out)
{
    static const uc_prot prot[EMU_KINDS] = {UC_PROT_READ, UC_PROT_WRITE, UC_PROT_EXEC};
    memset(out, 0, sizeof(*out));
    enter_walk(m, cpl);
    uc_err err = uc_vmem_translate(m->uc, va, prot[kind], &out->phys);
    if (err == UC_ERR_OK) {
        out->vector = EMU_VEC_NONE;
        return;
    }
    m->walk_faulted = true;
    /* The walk failed: a #PF sets CR2, a non-canonical address (#GP)
     * leaves the sentinel. */
    uint64_t cr2 = CR2_SENTINEL;
    uc_reg_read(m->uc, UC_X86_REG_CR2, &cr2);
    read_fault(m, cr2 == CR2_SENTINEL ? EMU_VEC_GP : EMU_VEC_PF, out);
}

/* Notes that a fetch ran the plant at va (frame phys) at the current level,
 * its block dropped after the run when dropped. A block not noted before
 * was translated, and kept (fetches of va landing there run it again). */
static void note_plant(emu_machine_t *m, uint64_t va, uint64_t phys, bool dropped)
{
    if (dropped) {
        m->code_dead = true;
        return;
    }
    for (size_t i = 0; i < m->nplants; i++)
        if (m->plants[i].va == va && m->plants[i].phys == phys && m->plants[i].cpl == m->cpl)
            return;
    if (m->nplants == PLANTS_MAX)
        m->code_dead = true; /* untracked: a write could drop it unnoticed */
    else
        m->plants[m->nplants++] = (plant_t){va, phys, m->cpl};
}

/* Forgets the plants on the 4 KiB frame of phys: a write there through the
 * emulator dropped their blocks (Unicorn's self-modifying-code check). */
static void forget_plants(emu_machine_t *m, uint64_t phys)
{
    size_t kept = 0;
    for (size_t i = 0; i < m->nplants; i++)
        if (PAGE_OF(m->plants[i].phys) != PAGE_OF(phys))
            m->plants[kept++] = m->plants[i];
    m->code_dead |= kept != m->nplants;
    m->nplants = kept;
}

/* Returns the vector of a check's run: EMU_VEC_NONE when it stopped at the
 * int3 after its access, an emulator error when it reached `until`. */
static int completed(int vec)
{
    if (vec == VEC_BREAKPOINT)
        return EMU_VEC_NONE;
    return vec == EMU_VEC_NONE ? EMU_VEC_EMU_ERROR : vec;
}

/* Returns the host address of physical byte phys, or NULL when no memory
 * of the machine is there. */
static uint8_t *host_byte(emu_machine_t *m, uint64_t phys)
{
    if (phys - m->phys_base < m->phys_size)
        return m->host + (phys - m->phys_base);
    if (phys - EMU_AUX_PHYS < EMU_AUX_PAGES * PAGE)
        return m->aux + (phys - EMU_AUX_PHYS);
    return NULL;
}

/* Runs a fetch of va from the current context (see emu_access). Returns the
 * vector. No run is ever cut off by an instruction count (switching count on
 * and off makes Unicorn flush every translated block) or a timeout (a
 * thread per run): the MMU is asked first, and code runs only when the
 * fetch faults at va itself or lands on the planted instruction.
 *
 * The planted instruction is a `ret` to SNIP_STOP through a return address
 * kept in the code page (readable at both levels): its block ends there,
 * away from `until`, so the next fetch of va landing on the same frame at
 * the same level runs it from the cache (it is the same instruction again)
 * instead of translating it anew. The plant is written on the host side: a
 * write through Unicorn would drop the frame's blocks. Only a plant among
 * the snippets (which have blocks of their own) drops the blocks it
 * shares, before and after. */
static int run_fetch(emu_machine_t *m, uint64_t va, uint64_t fetch_phys)
{
    uint64_t lands = UINT64_MAX;
    bool fetchable = uc_vmem_translate(m->uc, va, UC_PROT_EXEC, &lands) == UC_ERR_OK;
    m->dirty = true; /* RIP and RSP moved, or a fault is in progress */
    if (!fetchable) {
        /* The real fault, with its error code, from a real fetch. */
        uc_context_restore(m->uc, m->ctx[m->cpl]);
        return run(m, va, snip_va(SNIP_UNTIL), 0);
    }
    if (fetch_phys == UINT64_MAX || lands != fetch_phys)
        return EMU_VEC_EMU_ERROR; /* fetchable, but not where expected */
    uint8_t *byte = host_byte(m, fetch_phys);
    if (byte == NULL)
        return EMU_VEC_EMU_ERROR;
    uint8_t saved = *byte;
    uint64_t rsp = snip_va(SNIP_RET_SLOT);
    uint64_t code_off = fetch_phys - emu_aux_phys(EMU_AUX_CODE);
    bool in_code = code_off >= SNIP_FIRST && code_off < SNIP_END;
    *byte = RET_NEAR;
    if (in_code)
        uc_ctl_remove_cache(m->uc, va, va + 1);
    uc_reg_write(m->uc, UC_X86_REG_RSP, &rsp);
    int vec = completed(run(m, va, snip_va(SNIP_UNTIL), 0));
    *byte = saved;
    if (in_code)
        uc_ctl_remove_cache(m->uc, va, va + 1);
    uc_reg_read(m->uc, UC_X86_REG_RSP, &rsp);
    if (vec == EMU_VEC_NONE && rsp != snip_va(SNIP_RET_SLOT) + sizeof(uint64_t))
        vec = EMU_VEC_EMU_ERROR; /* it ran, but not our instruction */
    note_plant(m, va, fetch_phys, in_code);
    return vec;
}

/* Runs a one-byte load or store at va from the current context; *data gets
 * the byte loaded. Returns the vector. */
static int run_load_store(emu_machine_t *m, uint64_t va, emu_kind_t kind,
                          uint8_t value, uint8_t *data)
{
    uint64_t rbx = va, rax = value;
    uc_reg_write(m->uc, UC_X86_REG_RBX, &rbx);
    uc_reg_write(m->uc, UC_X86_REG_RAX, &rax);
    unsigned snip = kind == EMU_READ ? SNIP_LOAD : SNIP_STORE;
    int vec = completed(run(m, snip_va(snip), snip_va(SNIP_UNTIL), 0));
    uc_reg_read(m->uc, UC_X86_REG_RAX, &rax);
    *data = (uint8_t)rax;
    uint64_t phys;
    if (kind == EMU_WRITE && vec == EMU_VEC_NONE && m->nplants != 0 &&
        uc_vmem_translate(m->uc, va, UC_PROT_WRITE, &phys) == UC_ERR_OK)
        forget_plants(m, phys);
    return vec;
}

/* Runs the access from a clean state at cpl and leaves the CPU as the
 * access left it. Returns the vector. */
static int run_access(emu_machine_t *m, emu_cpl_t cpl, uint64_t va,
                      emu_kind_t kind, uint8_t value, uint64_t fetch_phys,
                      uint8_t *data)
{
    enter(m, cpl);
    int vec = kind == EMU_FETCH ? run_fetch(m, va, fetch_phys)
                                : run_load_store(m, va, kind, value, data);
    if (vec != EMU_VEC_NONE) /* "exception in progress": restore next time */
        m->dirty = true;
    return vec;
}

/* A real load, store or fetch at cpl; see machine.h. */
void emu_access(emu_machine_t *m, emu_cpl_t cpl, uint64_t va, emu_kind_t kind,
                uint8_t value, uint64_t fetch_phys, emu_outcome_t *out)
{
    memset(out, 0, sizeof(*out));
    int vec = run_access(m, cpl, va, kind, value, fetch_phys, &out->data);
    read_fault(m, vec, out);
}

/* Reads physical memory through Unicorn. */
bool emu_phys_read(emu_machine_t *m, uint64_t phys, void *buf, size_t len)
{
    return uc_mem_read(m->uc, phys, buf, len) == UC_ERR_OK;
}

/* Writes physical memory through Unicorn (translated code built from it is
 * NOT dropped: see run_fetch). */
bool emu_phys_write(emu_machine_t *m, uint64_t phys, const void *buf, size_t len)
{
    if (len != 0) {
        forget_plants(m, phys);
        forget_plants(m, phys + len - 1u);
    }
    return uc_mem_write(m->uc, phys, buf, len) == UC_ERR_OK;
}

/* MAXPHYADDR read at start-up. */
unsigned emu_phys_bits(const emu_machine_t *m)
{
    return m->phys_bits;
}

/* Translates the blocks every check runs (load, store, the fetch's stop) at
 * both levels, from the code page (a store there faults: its block is
 * translated all the same). */
static void warm_up(emu_machine_t *m)
{
    uint8_t data;
    for (int cpl = 0; cpl < EMU_CPLS; cpl++) {
        run_access(m, (emu_cpl_t)cpl, snip_va(0), EMU_READ, 0, UINT64_MAX, &data);
        run_access(m, (emu_cpl_t)cpl, snip_va(0), EMU_WRITE, 0, UINT64_MAX, &data);
        enter(m, (emu_cpl_t)cpl);
        run(m, snip_va(SNIP_STOP), snip_va(SNIP_UNTIL), 0);
        m->dirty = true;
    }
}

/* Drops the blocks when some were translated since the last trim; see
 * machine.h. */
void emu_trim_code(emu_machine_t *m)
{
    if (!m->started || !m->code_dead)
        return;
    emu_flush_code(m);
    warm_up(m);
    m->code_dead = false;
}

/* Drops cached translations (before the next check). */
void emu_flush(emu_machine_t *m)
{
    m->tlb_stale = true;
}
