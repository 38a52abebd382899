/*
 * status.h - the error codes of every core function.
 *
 * Every fallible core function returns a vmm_status_t; results travel through
 * out-parameters (seL4 style: a status plus a value). VMM_OK is 0, every error
 * is non-zero, and a function that returns an error has changed nothing.
 *
 * Codes are append-only: their numeric values appear in fuzz corpora and logs.
 *
 * The NULL rule, the same for every public function of core/ (tests/
 * test_null.c checks each pointer parameter of each one; bitmap.h's are in
 * test_bitmap.c, vmm_btree.h's in test_vmm_btree.c): a NULL pointer
 * argument (object, out-pointer, configuration) makes a function returning
 * vmm_status_t return VMM_ERR_INVALID_ARGUMENT and change nothing; a query
 * returning bool / size_t / a pointer / attributes returns false / 0 / NULL
 * / 0; a void function does nothing; vmm_fault reports VMM_FAULT_NOT_PRESENT
 * with status VMM_ERR_INVALID_ARGUMENT. Interface structs passed by value
 * (vmm_frames_t, vmm_mapper_t) are checked for their required callbacks.
 * One exception: a call re-entered from a callback of a running call on the
 * same object answers VMM_ERR_BUSY before it looks at its other arguments
 * (a NULL out-pointer included; vmm.h, "Reentrancy").
 */
#ifndef CORE_STATUS_H
#define CORE_STATUS_H
#include "vmm_cdefs.h"

VMM_BEGIN_DECLS

typedef enum vmm_status {
    VMM_OK = 0,
    /* Pluto's VmmError set */
    VMM_ERR_NOT_ALLOCATED,          /* a range expected to be allocated is not    */
    VMM_ERR_ALREADY_ALLOCATED,      /* a virtual range expected free is not       */
    VMM_ERR_PHYS_ALREADY_ALLOCATED, /* a physical frame expected free is not      */
    VMM_ERR_PHYS_VIRT_MISMATCH,     /* physical and virtual ranges differ in size */
    VMM_ERR_INVALID_VIRT,           /* virtual range empty or start > end         */
    VMM_ERR_INVALID_PHYS,           /* physical range empty or start > end        */
    /* generic */
    VMM_ERR_OUT_OF_BOUNDS,          /* index or address outside the managed range */
    VMM_ERR_OUT_OF_MEMORY,          /* the caller's allocator returned NULL       */
    VMM_ERR_NO_SPACE,               /* no contiguous run of the requested size    */
    VMM_ERR_MISALIGNED,             /* address or size not aligned as required    */
    VMM_ERR_OVERFLOW,               /* start + size wraps around                  */
    VMM_ERR_INVALID_ARGUMENT,       /* n = 0, bad alignment, unknown flag bits... */
    /* frames */
    VMM_ERR_OUT_OF_FRAMES,          /* the frame source has no (contiguous) frame */
    VMM_ERR_FRAME_RESERVED,         /* frame is reserved / not managed memory     */
    VMM_ERR_FRAME_NOT_USED,         /* double free of a frame                     */
    /* allocation records */
    VMM_ERR_NOT_START,              /* address inside an allocation, not its start*/
    VMM_ERR_NOT_IN_RESERVATION,     /* page outside the given reservation (map_to)*/
    VMM_ERR_NOT_RESERVATION,        /* operation needs a reserve/claim record     */
    /* page tables */
    VMM_ERR_NON_CANONICAL,          /* x86_64 address not sign-extended from 47   */
    VMM_ERR_ALREADY_MAPPED,         /* a page of the request is already mapped    */
    VMM_ERR_NOT_MAPPED,             /* unmap/translate of an unmapped page        */
    VMM_ERR_LARGE_PAGE_CONFLICT,    /* request overlaps a larger/smaller mapping  */
    /* appended (codes are stable) */
    VMM_ERR_PINNED,                 /* record is permanent (vmm_pin): not freed   */
    VMM_ERR_BUSY,                   /* a call on this vmm_t is running: a callback
                                       re-entered it (vmm.h, "Reentrancy")       */
    VMM_ERR_COUNT                   /* number of codes; keep last                 */
} vmm_status_t;

/* Returns a static, human-readable name for status ("VMM_ERR_NO_SPACE");
 * never NULL, "VMM_ERR_UNKNOWN" for values outside the enum. */
const char *vmm_strerror(vmm_status_t status);

VMM_END_DECLS

#endif
