#include "status.h"

#define NAME(code) [code] = #code

static const char *const status_names[VMM_ERR_COUNT] = {
    NAME(VMM_OK),
    NAME(VMM_ERR_NOT_ALLOCATED),
    NAME(VMM_ERR_ALREADY_ALLOCATED),
    NAME(VMM_ERR_PHYS_ALREADY_ALLOCATED),
    NAME(VMM_ERR_PHYS_VIRT_MISMATCH),
    NAME(VMM_ERR_INVALID_VIRT),
    NAME(VMM_ERR_INVALID_PHYS),
    NAME(VMM_ERR_OUT_OF_BOUNDS),
    NAME(VMM_ERR_OUT_OF_MEMORY),
    NAME(VMM_ERR_NO_SPACE),
    NAME(VMM_ERR_MISALIGNED),
    NAME(VMM_ERR_OVERFLOW),
    NAME(VMM_ERR_INVALID_ARGUMENT),
    NAME(VMM_ERR_OUT_OF_FRAMES),
    NAME(VMM_ERR_FRAME_RESERVED),
    NAME(VMM_ERR_FRAME_NOT_USED),
    NAME(VMM_ERR_NOT_START),
    NAME(VMM_ERR_NOT_IN_RESERVATION),
    NAME(VMM_ERR_NOT_RESERVATION),
    NAME(VMM_ERR_NON_CANONICAL),
    NAME(VMM_ERR_ALREADY_MAPPED),
    NAME(VMM_ERR_NOT_MAPPED),
    NAME(VMM_ERR_LARGE_PAGE_CONFLICT),
    NAME(VMM_ERR_PINNED),
    NAME(VMM_ERR_BUSY),
};

/* Returns the name of status, or "VMM_ERR_UNKNOWN" when it is out of range. */
const char *vmm_strerror(vmm_status_t status)
{
    if ((unsigned)status >= (unsigned)VMM_ERR_COUNT || status_names[status] == 0)
        return "VMM_ERR_UNKNOWN";
    return status_names[status];
}
