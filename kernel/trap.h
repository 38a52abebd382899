/*
 * trap.h - exception dispatch, fatal-fault reports and their recovery.
 *
 * A #PF goes to the page-fault policy (mm.h: the core's vmm_fault). A verdict
 * that retries returns to the faulting instruction; a fault that keeps
 * repeating at the same place is a broken handler and panics. Every fatal
 * fault (#PF with a fatal verdict, #GP, #DF, anything else) is printed with
 * its decoded reason; when it hit an armed probe (trap_expect + probe_*),
 * the probe returns false and the fault is recorded, else the kernel panics.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/fault.h"

/* What isr.S pushed, lowest address first. */
typedef struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
} trap_frame_t;

/* A recovered fatal fault. */
typedef struct fault_record {
    bool hit;               /* a fault was recovered               */
    uint64_t vector;        /* exception vector                    */
    uint64_t error;         /* CPU error code                      */
    uint64_t addr;          /* CR2 for #PF, else 0                 */
    uint64_t rip;           /* faulting instruction                */
    vmm_fault_kind_t kind;  /* #PF: the core's verdict             */
} fault_record_t;

/* Arms recovery for the next probe: its fatal fault fills *rec. call_target
 * (0: none) also allows a fetch fault at that address from probe_call. */
void trap_expect(fault_record_t *rec, uint64_t call_target);
/* Disarms recovery; returns the number of faults recovered while armed. */
unsigned trap_disarm(void);

/* The probes (isr.S): true when the access completed, false when it faulted
 * fatally and was recovered (only while armed). */
bool probe_read64(uint64_t addr, uint64_t *out);
bool probe_write64(uint64_t addr, uint64_t value);
bool probe_call(uint64_t addr);

/* Runs code at CPL3 from rip with stack rsp and rdi = arg (isr.S). The code
 * must end with a fault (ud2 when its access worked); while armed, that
 * fault is recorded and user_run returns. */
void user_run(uint64_t rip, uint64_t rsp, uint64_t arg);

/* Called by isr.S for every exception (RFLAGS.AC already cleared). */
void trap_dispatch(trap_frame_t *frame);

/* RFLAGS as the last trap_dispatch found it on entry. */
extern uint64_t trap_entry_rflags;

/* Returns "#PF page fault", "#GP general protection", ... for a vector. */
const char *trap_name(uint64_t vector);

/* Number of #PF the core resolved (demand pages) since boot. */
uint64_t trap_resolved_faults(void);

#endif
