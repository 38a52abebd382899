/*
 * fault.c - page-fault decisions (see fault.h).
 *
 * Order of the verdicts: a reserved bit is fatal whatever else holds; then a
 * protection-key, shadow-stack or enclave fault is fatal whatever the tables
 * say (the VMM gives every page key 0, maps no shadow stack and no enclave
 * page, so the tables alone would call such a fault spurious, and retrying
 * it would fault forever); a page
 * the mapper says is mapped is checked against the access (a fault that the
 * mapping allows now is spurious, unless the fault names a cause the VMM
 * does not know: then retrying could fault forever, so it is fatal); an unmapped page of a lazy reservation is
 * checked against the reservation's attributes and then demand-mapped;
 * anything else is not present. A supervisor access to a user page that the
 * CPU denies (SMEP / SMAP, as the access says) is fatal like a user access
 * to a kernel page, and an unmapped lazy page is not demand-mapped for it:
 * the retry would fault again.
 */
#include "fault.h"

#include "vmm_assert.h"
#include "vmm_internal.h"

/* True when the CPU denies a supervisor access to a user page (SMEP for a
 * fetch, SMAP for a read or write) and access is one. */
#define DENIED_TO_KERNEL(access, attrs)                          \
    (!(access).user && !((attrs) & VMM_ATTR_KERNEL) &&           \
     ((access).fetch ? (access).deny_user_fetch : (access).deny_user_data))

/* Returns the fatal verdict of access against attrs, or VMM_FAULT_SPURIOUS
 * when attrs allow the access. */
static vmm_fault_kind_t check_access(vmm_access_t access, vmm_attrs_t attrs)
{
    if (access.user && (attrs & VMM_ATTR_KERNEL))
        return VMM_FAULT_USER_KERNEL;
    if (DENIED_TO_KERNEL(access, attrs))
        return VMM_FAULT_KERNEL_USER;
    if (access.write && !(attrs & VMM_ATTR_WRITABLE))
        return VMM_FAULT_WRITE_READONLY;
    if (access.fetch && !(attrs & VMM_ATTR_EXECUTABLE))
        return VMM_FAULT_NX_FETCH;
    return VMM_FAULT_SPURIOUS;
}

/* Returns the lazy reservation whose unmapped page holds addr, or NULL. */
static const vmm_record_t *lazy_record(const vmm_t *vmm, uint64_t addr)
{
    const vmm_record_t *rec = vmm_find_record(vmm, addr);
    if (rec == 0 || rec->kind != VMM_REC_RESERVE || !(rec->flags & VMM_RESERVE_LAZY))
        return 0;
    size_t k = (size_t)((addr - rec->virt) / rec->page_size);
    return vmm_record_frame(rec, k) == VMM_NO_FRAME ? rec : 0;
}

/* Maps a fresh page of rec at the page holding addr, its frames zeroed
 * through frames.zero before the entry is written (zero-before-visible).
 * Stores the verdict (RESOLVED, or OUT_OF_MEMORY with the failing status) in
 * out; on failure nothing changed. */
static vmm_fault_kind_t demand_map(vmm_t *vmm, const vmm_record_t *rec, uint64_t addr,
                                   vmm_fault_result_t *out)
{
    uint64_t page = addr & ~(rec->page_size - 1u);
    size_t frames = (size_t)(rec->page_size >> VMM_PAGE_SHIFT);
    uint64_t phys;
    vmm_status_t st = vmm->frames.alloc(vmm->frames.ctx, frames, frames, &phys);
    if (st == VMM_OK) {
        if (vmm->frames.zero != 0)
            vmm->frames.zero(vmm->frames.ctx, phys, frames);
        st = vmm_map_page_unguarded(vmm, rec->virt, page, phys, rec->attrs);
        if (st != VMM_OK)
            VMM_ASSERT(vmm->frames.free(vmm->frames.ctx, phys, frames) == VMM_OK);
    }
    if (st != VMM_OK) {
        out->status = st;
        return out->kind = VMM_FAULT_OUT_OF_MEMORY;
    }
    out->page = page;
    out->phys = phys;
    out->page_size = rec->page_size;
    return out->kind = VMM_FAULT_RESOLVED;
}

/* Decides the fault at addr for access on an initialised vmm, out set to
 * NOT_PRESENT with status VMM_OK (see fault.h). */
static vmm_fault_kind_t decide(vmm_t *vmm, uint64_t addr, vmm_access_t access,
                               vmm_fault_result_t *out)
{
    if (access.reserved)
        return out->kind = VMM_FAULT_RESERVED_BIT;
    if (access.pkey)
        return out->kind = VMM_FAULT_PROTECTION_KEY;
    if (access.shadow_stack)
        return out->kind = VMM_FAULT_SHADOW_STACK;
    if (access.enclave)
        return out->kind = VMM_FAULT_ENCLAVE;
    vmm_attrs_t attrs;
    if (vmm->mapper.query(vmm->mapper.ctx, addr, 0, &attrs, 0) == VMM_OK) {
        vmm_fault_kind_t verdict = check_access(access, attrs);
        if (verdict == VMM_FAULT_SPURIOUS && access.other)
            verdict = VMM_FAULT_UNKNOWN_CAUSE;
        return out->kind = verdict;
    }
    const vmm_record_t *rec = lazy_record(vmm, addr);
    if (rec == 0)
        return out->kind = VMM_FAULT_NOT_PRESENT;
    vmm_fault_kind_t verdict = check_access(access, rec->attrs);
    if (verdict != VMM_FAULT_SPURIOUS)
        return out->kind = verdict;
    return demand_map(vmm, rec, addr, out);
}

/* Decides the fault at addr for access (see fault.h); out may be NULL. */
vmm_fault_kind_t vmm_fault(vmm_t *vmm, uint64_t addr, vmm_access_t access,
                           vmm_fault_result_t *out)
{
    vmm_fault_result_t ignored;
    if (out == 0)
        out = &ignored;
    out->kind = VMM_FAULT_NOT_PRESENT;
    out->page = 0;
    out->phys = 0;
    out->page_size = 0;
    out->status = VMM_OK;
    if (vmm == 0 || !vmm_initialised(vmm)) { /* NULL, or zeroed */
        out->status = VMM_ERR_INVALID_ARGUMENT;
        return out->kind; /* nothing to resolve against (no mapper): fatal */
    }
    if (vmm->busy) { /* a fault inside a call on vmm (vmm.h, "Reentrancy"): fatal */
        out->status = VMM_ERR_BUSY;
        return out->kind;
    }
    vmm->busy = true;
    vmm_fault_kind_t verdict = decide(vmm, addr, access, out);
    vmm->busy = false;
    return verdict;
}

/* Returns the verdict's name, "unknown fault" outside the enum. */
const char *vmm_fault_name(vmm_fault_kind_t kind)
{
    switch (kind) {
    case VMM_FAULT_RESOLVED: return "resolved";
    case VMM_FAULT_SPURIOUS: return "spurious";
    case VMM_FAULT_NOT_PRESENT: return "not present";
    case VMM_FAULT_WRITE_READONLY: return "write to read-only";
    case VMM_FAULT_USER_KERNEL: return "user access to kernel page";
    case VMM_FAULT_NX_FETCH: return "fetch from no-execute page";
    case VMM_FAULT_RESERVED_BIT: return "reserved bit set";
    case VMM_FAULT_OUT_OF_MEMORY: return "out of memory";
    case VMM_FAULT_PROTECTION_KEY: return "protection-key violation";
    case VMM_FAULT_SHADOW_STACK: return "shadow-stack access";
    case VMM_FAULT_ENCLAVE: return "enclave (SGX) violation";
    case VMM_FAULT_UNKNOWN_CAUSE: return "unknown cause";
    case VMM_FAULT_KERNEL_USER: return "kernel access to user page";
    case VMM_FAULT_KIND_COUNT: break;
    }
    return "unknown fault";
}
