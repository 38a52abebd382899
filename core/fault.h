/*
 * fault.h - page-fault decisions, independent of the architecture.
 *
 * The arch decodes its fault report into a vmm_access_t (x86_64/pf.h does
 * the x86 error code); vmm_fault then resolves the fault (demand paging of a
 * VMM_RESERVE_LAZY reservation) or reports it fatal with a decoded reason.
 * The kernel's #PF handler and the Unicorn harness both call it.
 *
 * Demand pages are zero-before-visible: the fresh frame is zeroed through
 * vmm_frames_t.zero before its entry becomes present; the caller has nothing
 * to zero (and must not: another thread may already use the page).
 *
 * Reentrancy (INTEGRATION.md): vmm_fault runs under the lock of the vmm_t it
 * is given, like every other call on it. The #PF handler takes that lock; so
 * a fault raised while the same vmm_t's lock is held (by the core itself
 * touching an unmapped lazy page, or by the allocator, frame source or mapper
 * callbacks of this vmm_t) is a kernel bug, not something to resolve: those
 * callbacks must only touch memory that is already mapped (a direct map).
 * On one CPU the core sees it (vmm.h, "Reentrancy"): such a fault is
 * VMM_FAULT_NOT_PRESENT with status VMM_ERR_BUSY, nothing changed, and the
 * interrupted call goes on unharmed when the handler does not return to the
 * faulting access (it must not: the access would fault again). A fault on
 * another vmm_t (user space while the kernel's lock is held) is fine.
 * Interrupts: the #PF handler usually runs with interrupts off (an
 * interrupt gate). If it spins on a vmm_t lock that another CPU holds while
 * that CPU waits for this one to acknowledge a TLB shootdown (mapper.h),
 * neither moves: take the lock with interrupts enabled (re-enable them in
 * the handler before taking it), or let the shootdown not wait for CPUs
 * spinning on the lock (INTEGRATION.md, section 6). Cost: one mapper query, one record lookup (O(log n)), and for a
 * demand page one frame allocation, one zeroing and one map; the first
 * page faulted in a chunk of 256 pages of a reservation also takes that
 * chunk of the reservation's store from the allocator (2304 bytes) and the
 * missing nodes above it (at most 3 of at most 4 KiB up to 2^35 pages,
 * every x86_64 window; 5 for the largest reservation), whatever the
 * reservation's size (vmm.h: VMM_FAULT_OUT_OF_MEMORY with
 * VMM_ERR_OUT_OF_MEMORY when the allocator has none, nothing taken).
 */
#ifndef CORE_FAULT_H
#define CORE_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"
#include "vmm.h"
#include "vmm_cdefs.h"

VMM_BEGIN_DECLS

/* What the faulting access was, decoded from the arch's report. */
typedef struct vmm_access {
    bool present;  /* the page was present (protection fault)    */
    bool write;    /* write access (else read or fetch)          */
    bool user;     /* access from user mode (CPL3)               */
    bool fetch;    /* instruction fetch                          */
    bool reserved; /* a reserved bit was set in a paging entry   */
    bool pkey;     /* denied by a protection key (x86 PKU/PKS)   */
    bool shadow_stack; /* a shadow-stack access (x86 CET)        */
    bool enclave;  /* enclave access-control violation (x86 SGX) */
    bool other;    /* a cause the arch decoder does not know (x86: an error
                      code bit outside pf.h's, e.g. AMD's RMP bit 31)    */
    /* What the CPU enforced on this access besides the tables (the arch
     * decoder fills them from the CPU state: x86_64/pf.h): */
    bool deny_user_fetch; /* a supervisor fetch from a user page faults
                             (x86: CR4.SMEP)                            */
    bool deny_user_data;  /* a supervisor data access to a user page faults
                             (x86: CR4.SMAP, and RFLAGS.AC clear in the
                             faulting context or that context at CPL3:
                             x86_pf_decode_cpu)                         */
} vmm_access_t;

typedef enum vmm_fault_kind {
    VMM_FAULT_RESOLVED = 0,    /* demand page mapped: retry the access    */
    VMM_FAULT_SPURIOUS,        /* already allowed now (stale TLB): retry  */
    VMM_FAULT_NOT_PRESENT,     /* nothing mapped there, nothing to map    */
    VMM_FAULT_WRITE_READONLY,  /* write to a read-only page               */
    VMM_FAULT_USER_KERNEL,     /* user access to a kernel page            */
    VMM_FAULT_NX_FETCH,        /* instruction fetch from an NX page       */
    VMM_FAULT_RESERVED_BIT,    /* reserved bit set in a paging entry      */
    VMM_FAULT_OUT_OF_MEMORY,   /* demand page but no frame/table memory   */
    VMM_FAULT_PROTECTION_KEY,  /* a protection key denied the access      */
    VMM_FAULT_SHADOW_STACK,    /* shadow-stack access (the VMM maps none) */
    VMM_FAULT_ENCLAVE,         /* enclave (SGX) access-control violation  */
    VMM_FAULT_UNKNOWN_CAUSE,   /* the tables allow the access, but the
                                  fault names a cause the VMM does not
                                  know (access.other): not retryable      */
    VMM_FAULT_KERNEL_USER,     /* supervisor access to a user page that
                                  the CPU denies (access.deny_user_fetch /
                                  deny_user_data: x86 SMEP / SMAP)        */
    VMM_FAULT_KIND_COUNT
} vmm_fault_kind_t;

typedef struct vmm_fault_result {
    vmm_fault_kind_t kind;
    uint64_t page;       /* RESOLVED: virtual start of the page mapped   */
    uint64_t phys;       /* RESOLVED: its frame, zeroed before it was
                            mapped (vmm_frames_t.zero)                  */
    uint64_t page_size;  /* RESOLVED: size of that page                  */
    vmm_status_t status; /* NOT_PRESENT: VMM_OK, or VMM_ERR_INVALID_ARGUMENT
                            (NULL or zeroed vmm), VMM_ERR_BUSY (a fault
                            inside a call on the same vmm_t).
                            OUT_OF_MEMORY: the failing status: usually
                            VMM_ERR_OUT_OF_FRAMES / _OUT_OF_MEMORY, but
                            any error of the demand map lands here, e.g.
                            the mapper's VMM_ERR_LARGE_PAGE_CONFLICT for
                            a page mapped behind the VMM's back          */
} vmm_fault_result_t;

/* Decides the fault at addr for access. Returns the verdict (also stored in
 * out->kind; out may be NULL). Only RESOLVED changes state (one page mapped,
 * one record frame set); every other verdict changes nothing. */
vmm_fault_kind_t vmm_fault(vmm_t *vmm, uint64_t addr, vmm_access_t access,
                           vmm_fault_result_t *out);

/* Returns "resolved", "not present", "write to read-only", ...; never NULL. */
const char *vmm_fault_name(vmm_fault_kind_t kind);

/* True when the verdict means the access can simply be retried. */
static inline bool vmm_fault_retry(vmm_fault_kind_t kind)
{
    return kind == VMM_FAULT_RESOLVED || kind == VMM_FAULT_SPURIOUS;
}

VMM_END_DECLS

#endif
