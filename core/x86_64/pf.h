/*
 * pf.h - the x86 page-fault error code, and the #PF entry into fault.h.
 */
#ifndef CORE_X86_64_PF_H
#define CORE_X86_64_PF_H

#include <stdint.h>

#include "../fault.h"
#include "../vmm_cdefs.h"

VMM_BEGIN_DECLS

#define X86_PF_P    (1u << 0) /* 1: protection violation, 0: not present */
#define X86_PF_W    (1u << 1) /* write access                            */
#define X86_PF_U    (1u << 2) /* user mode (CPL3)                        */
#define X86_PF_RSVD (1u << 3) /* reserved bit set in an entry            */
#define X86_PF_I    (1u << 4) /* instruction fetch                       */
#define X86_PF_PK   (1u << 5) /* denied by a protection key (PKRU/PKRS)  */
#define X86_PF_SS   (1u << 6) /* shadow-stack access                     */
#define X86_PF_HLAT (1u << 7) /* the walk was HLAT paging (informative)  */
#define X86_PF_SGX  (1u << 15) /* SGX access-control violation (EPCM)    */
/* The bits x86_pf_decode knows; any other set bit (AMD's RMP bit 31, bits
 * of future CPUs) decodes as vmm_access_t.other. */
#define X86_PF_KNOWN (X86_PF_P | X86_PF_W | X86_PF_U | X86_PF_RSVD | X86_PF_I | \
                      X86_PF_PK | X86_PF_SS | X86_PF_HLAT | X86_PF_SGX)

/* The CPU state the decision reads besides the error code. */
#define X86_CR4_SMEP   (1u << 20) /* supervisor fetches from user pages fault */
#define X86_CR4_SMAP   (1u << 21) /* supervisor data accesses to them fault   */
#define X86_RFLAGS_AC  (1u << 18) /* lifts SMAP for CPL0-2 code's explicit
                                     accesses (stac / clac)               */
#define X86_CS_RPL     3u         /* the CS selector's RPL: the CPL        */

/* Decodes an x86 #PF error code (every bit: see X86_PF_KNOWN), for a CPU
 * with SMEP and SMAP off. */
vmm_access_t x86_pf_decode(uint64_t error_code);

/* Decodes error_code as x86_pf_decode does, and what the CPU enforced: cr4
 * is CR4 at the fault, rflags and cs the faulting context's RFLAGS and CS
 * (the #PF frame's). AC set lets CPL0-2 code read or write a user page under
 * SMAP; a supervisor access made while CPL3 ran (cs's RPL 3 with the error
 * code's U clear: an implicit access, e.g. to a descriptor table) is checked
 * whatever AC says, as the CPU does. A CPU with SMEP or SMAP on needs this
 * one: with x86_pf_decode, a supervisor access to a user page that the
 * tables allow reads as SPURIOUS, and retrying it faults forever. */
vmm_access_t x86_pf_decode_cpu(uint64_t error_code, uint64_t cr4, uint64_t rflags,
                               uint64_t cs);

/* The #PF handler's decision: cr2 and the error code in, verdict out, for a
 * CPU with SMEP and SMAP off. */
vmm_fault_kind_t x86_page_fault(vmm_t *vmm, uint64_t cr2, uint64_t error_code,
                                vmm_fault_result_t *out);

/* The #PF handler's decision with the CPU state (x86_pf_decode_cpu): a
 * supervisor access to a user page that SMEP / SMAP denied is
 * VMM_FAULT_KERNEL_USER, fatal. */
vmm_fault_kind_t x86_page_fault_cpu(vmm_t *vmm, uint64_t cr2, uint64_t error_code,
                                    uint64_t cr4, uint64_t rflags, uint64_t cs,
                                    vmm_fault_result_t *out);

VMM_END_DECLS

#endif
