/*
 * pf.c - the x86 #PF error code decoded into the core's access description,
 * and the #PF handler's decision (see pf.h and fault.h).
 */
#include <stdbool.h>
#include <stdint.h>

#include "core/x86_64/pf.h"

/* Returns the access described by error_code: the bits of pf.h (HLAT, bit
 * 7, only says which walk faulted and changes nothing); any bit outside
 * X86_PF_KNOWN sets .other. */
vmm_access_t x86_pf_decode(uint64_t error_code)
{
    vmm_access_t a = {
        .present = (error_code & X86_PF_P) != 0,
        .write = (error_code & X86_PF_W) != 0,
        .user = (error_code & X86_PF_U) != 0,
        .fetch = (error_code & X86_PF_I) != 0,
        .reserved = (error_code & X86_PF_RSVD) != 0,
        .pkey = (error_code & X86_PF_PK) != 0,
        .shadow_stack = (error_code & X86_PF_SS) != 0,
        .enclave = (error_code & X86_PF_SGX) != 0,
        .other = (error_code & ~(uint64_t)X86_PF_KNOWN) != 0,
    };
    return a;
}

/* Returns x86_pf_decode(error_code) with what SMEP and SMAP (cr4) denied:
 * SMAP lifted only by RFLAGS.AC of a context below CPL3 (at CPL3 a
 * supervisor access is implicit, and AC does not lift SMAP for those). */
vmm_access_t x86_pf_decode_cpu(uint64_t error_code, uint64_t cr4, uint64_t rflags,
                               uint64_t cs)
{
    vmm_access_t a = x86_pf_decode(error_code);
    bool ac_lifts = (rflags & X86_RFLAGS_AC) != 0 && (cs & X86_CS_RPL) != X86_CS_RPL;
    a.deny_user_fetch = (cr4 & X86_CR4_SMEP) != 0;
    a.deny_user_data = (cr4 & X86_CR4_SMAP) != 0 && !ac_lifts;
    return a;
}

/* Returns vmm_fault's verdict for a fault at cr2 with error_code. */
vmm_fault_kind_t x86_page_fault(vmm_t *vmm, uint64_t cr2, uint64_t error_code,
                                vmm_fault_result_t *out)
{
    return vmm_fault(vmm, cr2, x86_pf_decode(error_code), out);
}

/* Returns vmm_fault's verdict for a fault at cr2 with error_code, on a CPU
 * in state cr4, the faulting context's rflags / cs. */
vmm_fault_kind_t x86_page_fault_cpu(vmm_t *vmm, uint64_t cr2, uint64_t error_code,
                                    uint64_t cr4, uint64_t rflags, uint64_t cs,
                                    vmm_fault_result_t *out)
{
    return vmm_fault(vmm, cr2, x86_pf_decode_cpu(error_code, cr4, rflags, cs), out);
}
