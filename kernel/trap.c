/*
 * trap.c - exception dispatch and recovery (see trap.h).
 */
#include "trap.h"

#include "arch.h"
#include "core/x86_64/pf.h"
#include "cpu.h"
#include "kernel.h"
#include "mm.h"
#include "serial.h"

/* A retried fault at the same rip and address this many times in a row
 * means the handler did not fix it: panic instead of hanging. */
#define FAULT_LOOP_LIMIT 4u

extern const char probe_read64_insn[], probe_read64_fixup[];
extern const char probe_write64_insn[], probe_write64_fixup[];
extern const char user_return[];
extern uint64_t user_kernel_rsp;

#define RFLAGS_RESERVED 0x2u
#define CPL_MASK 3u

static fault_record_t *expect_rec;   /* armed: where to record        */
static uint64_t expect_call_target;  /* armed: allowed fetch target   */
static unsigned expect_hits;         /* faults recovered while armed  */
static uint64_t last_retry_rip, last_retry_addr, last_retry_epoch;
static unsigned retry_repeats;
static uint64_t resolved_faults;

void trap_expect(fault_record_t *rec, uint64_t call_target)
{
    rec->hit = false;
    expect_rec = rec;
    expect_call_target = call_target;
    expect_hits = 0;
}

unsigned trap_disarm(void)
{
    expect_rec = 0;
    expect_call_target = 0;
    return expect_hits;
}

uint64_t trap_resolved_faults(void)
{
    return resolved_faults;
}

const char *trap_name(uint64_t vector)
{
    static const char *const names[NUM_EXCEPTIONS] = {
        "#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
        "#OF overflow", "#BR bound range", "#UD invalid opcode",
        "#NM device not available", "#DF double fault",
        "coprocessor segment overrun", "#TS invalid TSS",
        "#NP segment not present", "#SS stack fault",
        "#GP general protection", "#PF page fault", "reserved 15",
        "#MF x87 error", "#AC alignment check", "#MC machine check",
        "#XM SIMD error", "#VE virtualization", "#CP control protection",
    };
    if (vector < NUM_EXCEPTIONS && names[vector] != 0)
        return names[vector];
    return "reserved exception";
}

/* Resumes a faulting probe at its fixup (the probe returns false), or a
 * fault of user_run's CPL3 code in user_run. Returns false when not armed
 * or when rip is not an armed probe's access. */
static bool recover(trap_frame_t *f)
{
    if (expect_rec == 0)
        return false;
    if ((f->cs & CPL_MASK) == SEL_RPL_USER) {
        /* From user_run's code: back to CPL0, user_run returns. */
        f->rip = (uint64_t)(uintptr_t)user_return;
        f->cs = SEL_KERNEL_CODE;
        f->ss = SEL_KERNEL_DATA;
        f->rsp = user_kernel_rsp;
        f->rflags = RFLAGS_RESERVED;
    } else if (f->rip == (uint64_t)(uintptr_t)probe_read64_insn) {
        f->rip = (uint64_t)(uintptr_t)probe_read64_fixup;
    } else if (f->rip == (uint64_t)(uintptr_t)probe_write64_insn) {
        f->rip = (uint64_t)(uintptr_t)probe_write64_fixup;
    } else if (expect_call_target != 0 && f->rip == expect_call_target) {
        /* The fetch failed at the call target: return to probe_call. */
        f->rip = *(const uint64_t *)(uintptr_t)f->rsp;
        f->rsp += sizeof(uint64_t);
    } else {
        return false;
    }
    f->rax = 0;
    return true;
}

/* Records a fatal fault and recovers from it, or panics. */
static void fatal(trap_frame_t *f, uint64_t addr, vmm_fault_kind_t kind)
{
    uint64_t rip = f->rip;
    if (f->vector == VEC_DF || !recover(f))
        panic("unexpected %s at rip 0x%lx (error 0x%lx, cr2 0x%lx)",
              trap_name(f->vector), rip, f->error, addr);
    expect_hits++;
    expect_rec->hit = true;
    expect_rec->vector = f->vector;
    expect_rec->error = f->error;
    expect_rec->addr = addr;
    expect_rec->rip = rip;
    expect_rec->kind = kind;
    kprintf("  recovered: %s, expected by the test\n", trap_name(f->vector));
}

/* Counts a retried fault; panics when the same access (rip, address)
 * keeps faulting with no unmap and no CR3 switch in between (kmm.map_epoch:
 * a fault repeated across one, e.g. the same first touch in the next
 * process, is a new fault). */
static void note_retry(const trap_frame_t *f, uint64_t addr)
{
    if (f->rip == last_retry_rip && addr == last_retry_addr && kmm.map_epoch == last_retry_epoch) {
        if (++retry_repeats >= FAULT_LOOP_LIMIT)
            panic("fault loop: #PF at 0x%lx (rip 0x%lx) retried %u times "
                  "and still faults", addr, f->rip, retry_repeats);
    } else {
        last_retry_rip = f->rip;
        last_retry_addr = addr;
        last_retry_epoch = kmm.map_epoch;
        retry_repeats = 1;
    }
}

/* The #PF path: the core's verdict decides. */
static void page_fault(trap_frame_t *f)
{
    uint64_t cr2 = read_cr2();
    vmm_fault_result_t res;
    vmm_fault_kind_t kind = mm_page_fault(cr2, f->error, f->rflags, f->cs, &res);
    if (vmm_fault_retry(kind)) {
        if (kind == VMM_FAULT_RESOLVED)
            resolved_faults++;
        note_retry(f, cr2);
        return;
    }
    kprintf("  #PF at 0x%lx (rip 0x%lx, error 0x%lx%s%s%s%s%s%s%s%s): %s%s%s\n", cr2,
            f->rip, f->error, (f->error & X86_PF_P) ? " P" : "",
            (f->error & X86_PF_W) ? " W" : "", (f->error & X86_PF_U) ? " U" : "",
            (f->error & X86_PF_RSVD) ? " RSVD" : "",
            (f->error & X86_PF_I) ? " I" : "", (f->error & X86_PF_PK) ? " PK" : "",
            (f->error & X86_PF_SS) ? " SS" : "", (f->error & X86_PF_SGX) ? " SGX" : "",
            vmm_fault_name(kind), res.status != VMM_OK ? ", " : "",
            res.status != VMM_OK ? vmm_strerror(res.status) : ""); /* VMM_ERR_BUSY: a fault
                                                inside a call on the same vmm_t */
    fatal(f, cr2, kind);
}

uint64_t trap_entry_rflags;

void trap_dispatch(trap_frame_t *f)
{
    trap_entry_rflags = read_rflags();
    if (f->vector == VEC_PF) {
        page_fault(f);
        return;
    }
    kprintf("  %s at rip 0x%lx (error 0x%lx)\n", trap_name(f->vector), f->rip,
            f->error);
    fatal(f, 0, VMM_FAULT_KIND_COUNT);
}
