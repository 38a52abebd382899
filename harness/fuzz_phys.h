/*
 * fuzz_phys.h - host memory standing for physical memory, as a frame source.
 *
 * A pool of frames [base, base + nframes * 4K) backed by a host buffer, so
 * page tables built in it are real bytes the harness can walk: the frame at
 * physical p is at host address p + access_offset. Frames are poisoned when
 * handed out, a word every 512 bytes (the core must zero its tables) and every alloc/free is checked
 * (double free). Allocation can be made to fail on demand.
 * Single frames come from a free stack (O(1)); a contiguous request scans.
 * After the input, every frame must be back: fuzz_phys_leaked() says if not.
 */
#ifndef HARNESS_FUZZ_PHYS_H
#define HARNESS_FUZZ_PHYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/frames.h"

#define FUZZ_PHYS_POISON 0xA5u

typedef struct fuzz_phys {
    uint8_t *host;         /* host bytes of frame 0                     */
    uint64_t base;         /* physical address of frame 0               */
    size_t nframes;
    uint8_t *used;         /* 1 = handed out                            */
    uint32_t *free_stack;  /* free frame numbers, top = next handed out;
                              2 * nframes long, may hold stale entries  */
    size_t free_top;
    size_t free_low;       /* lowest free_top since the last reset:
                              entries below it are as created           */
    size_t in_use;
    long fail_countdown;   /* allocs left before one fails; < 0: never  */
    unsigned failures;     /* allocations failed on purpose             */
    unsigned allocs;       /* successful allocations                    */
} fuzz_phys_t;

/* Creates a pool of nframes frames at physical base (4K aligned). Aborts if
 * the host has no memory. Call once; reuse across inputs. */
void fuzz_phys_create(fuzz_phys_t *fp, uint64_t base, size_t nframes);

/* Sets the failure countdown: the (n+1)-th next allocation fails once;
 * n < 0 disables. */
void fuzz_phys_fail_after(fuzz_phys_t *fp, long n);

/* Host pointer of physical address p (which must lie in the pool). */
void *fuzz_phys_host(const fuzz_phys_t *fp, uint64_t p);

/* access_offset for x86_paging_t: phys p is at host p + offset. */
uint64_t fuzz_phys_offset(const fuzz_phys_t *fp);

/* True when p is a frame of the pool / a frame handed out. */
bool fuzz_phys_owns(const fuzz_phys_t *fp, uint64_t p);
bool fuzz_phys_is_used(const fuzz_phys_t *fp, uint64_t p);

/* Clips [phys, phys + count frames) to the pool: *first = index of its first
 * pool frame; returns the number of pool frames in it. */
size_t fuzz_phys_clip(const fuzz_phys_t *fp, uint64_t phys, uint64_t count, size_t *first);

/* Takes count frames aligned to align frames for the harness itself (no
 * failure injection). Returns false when there are none. */
bool fuzz_phys_take(fuzz_phys_t *fp, size_t count, size_t align, uint64_t *phys);

/* The frame-source interface bound to fp. Frames outside the pool count as
 * unmanaged (device memory): free and claim skip them. */
vmm_frames_t fuzz_phys_frames(fuzz_phys_t *fp);

/* Puts the free stack back as fuzz_phys_create left it, so the next input
 * gets the same frames whatever ran before (reproducible findings). Costs
 * the stack entries popped since the last reset. Call only when no frame is
 * in use (returns false and does nothing otherwise). */
bool fuzz_phys_reset(fuzz_phys_t *fp);

/* True when count free frames aligned to align frames exist (what a
 * contiguous allocation needs). */
bool fuzz_phys_has_run(const fuzz_phys_t *fp, size_t count, size_t align);

/* Frames not yet returned. */
size_t fuzz_phys_in_use(const fuzz_phys_t *fp);

#endif
