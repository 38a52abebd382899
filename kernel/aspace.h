/*
 * aspace.h - the kernel's user address spaces: the core's x86_aspace_t
 * (kernel half shared, user-half VMM) with the kernel's TLB-invalidating
 * mapper and the CR3 switch.
 *
 * The user window is the whole user half [0x1000, 0x0000800000000000): the
 * VMM's hierarchical bitmap takes its nodes from the kernel heap as pages
 * get used, so the window's size costs nothing.
 */
#ifndef KERNEL_ASPACE_H
#define KERNEL_ASPACE_H

#include <stddef.h>
#include <stdint.h>

#include "core/x86_64/aspace.h"
#include "mm.h"

#define MM_USER_START X86_USER_START
#define MM_USER_END X86_USER_END

typedef struct mm_aspace {
    x86_aspace_t as;       /* tables and the user VMM                   */
    vmm_mapper_t tables;   /* x86_paging_mapper(&as.pt), wrapped below  */
    mm_tlb_batch_t tlb;    /* pending invalidations (while loaded)      */
} mm_aspace_t;

/* Creates a user address space in *a (which must not move). Returns the
 * core's error (nothing kept). */
vmm_status_t mm_aspace_create(mm_aspace_t *a);

/* Destroys *a, switching to the kernel's tables first if *a is loaded;
 * every frame it held goes back to the pmm, then the release queue is
 * flushed (INTEGRATION.md, 9). Panics if CR3 still holds *a or the core
 * refuses (VMM_ERR_BUSY from inside a callback of a call on *a). */
void mm_aspace_destroy(mm_aspace_t *a);

/* Loads a's tables into CR3 (NULL: the kernel's own). Kernel mappings are
 * global and shared: they stay valid and cached across the switch. */
void mm_aspace_switch(mm_aspace_t *a);

#endif
