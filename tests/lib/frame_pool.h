/*
 * frame_pool.h - host memory standing for physical memory, as a frame source
 * (frames.h) for the fuzz harness and the tests that need speed: O(1) single
 * frames and an O(touched) reset between runs.
 *
 * A pool of frames [base, base + nframes * 4K) backed by a host buffer, so
 * page tables built in it are real bytes the harness can walk: the frame at
 * physical p is at host address p + access_offset. Frames are poisoned when
 * handed out, a word every 512 bytes (the core must zero its tables) and every alloc/free is checked
 * (a double free is reported through double_report.h). To fail calls on
 * demand, wrap frame_pool_frames() in a fail_frames (fail_frames.h).
 * Single frames come from a free stack (O(1)); a contiguous request scans.
 * After the input, every frame must be back: frame_pool_leaked() says if not.
 */
#ifndef TESTS_FRAME_POOL_H
#define TESTS_FRAME_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/frames.h"

#define FRAME_POOL_POISON 0xA5u
/* A frame handed out holds a word of FRAME_POOL_POISON bytes at every
 * multiple of FRAME_POOL_POISON_STRIDE bytes. */
#define FRAME_POOL_POISON_STRIDE 512u

typedef struct frame_pool {
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
    unsigned allocs;       /* successful allocations                    */
    size_t kept;           /* frames kept across resets (frame_pool_keep) */
    size_t kept_top;       /* free_top right after frame_pool_keep        */
} frame_pool_t;

/* Creates a pool of nframes frames at physical base (4K aligned). Aborts if
 * the host has no memory. Call once; reuse across inputs. */
void frame_pool_create(frame_pool_t *fp, uint64_t base, size_t nframes);

/* Host pointer of physical address p (which must lie in the pool). */
void *frame_pool_host(const frame_pool_t *fp, uint64_t p);

/* access_offset for x86_paging_t: phys p is at host p + offset. */
uint64_t frame_pool_offset(const frame_pool_t *fp);

/* True when p is a frame of the pool / a frame handed out. */
bool frame_pool_owns(const frame_pool_t *fp, uint64_t p);
bool frame_pool_is_used(const frame_pool_t *fp, uint64_t p);

/* Clips [phys, phys + count frames) to the pool: *first = index of its first
 * pool frame; returns the number of pool frames in it. */
size_t frame_pool_clip(const frame_pool_t *fp, uint64_t phys, uint64_t count, size_t *first);

/* Clears the poison words of the count frames from phys (all a frame the
 * pool handed out holds besides what was written to it): a frames.zero for
 * data frames nothing else writes. */
void frame_pool_unpoison(const frame_pool_t *fp, uint64_t phys, size_t count);
/* True when the frame at phys still holds a poison word (never zeroed
 * since the pool handed it out). */
bool frame_pool_poisoned(const frame_pool_t *fp, uint64_t phys);

/* Takes count frames aligned to align frames for the harness itself (no
 * failure, no poison check). Returns false when there are none. */
bool frame_pool_take(frame_pool_t *fp, size_t count, size_t align, uint64_t *phys);

/* The frame-source interface bound to fp. Frames outside the pool count as
 * unmanaged (device memory): free, claim and in_use skip them; in_use checks
 * the frame count it is given (every pool frame of the range in use). */
vmm_frames_t frame_pool_frames(frame_pool_t *fp);

/* Puts the free stack back as frame_pool_create left it, so the next input
 * gets the same frames whatever ran before (reproducible findings). Costs
 * the stack entries popped since the last reset. Call only when no frame is
 * in use but the kept ones (returns false and does nothing otherwise). */
bool frame_pool_reset(frame_pool_t *fp);

/* Keeps the frames in use now (single frames taken from a fresh pool, e.g.
 * kernel tables built once per process) across resets: frame_pool_reset
 * then expects exactly these in use and puts the free stack back as it was
 * right after this call. Returns false, keeping nothing, when frames were
 * freed or taken as runs since the pool was created or last reset. */
bool frame_pool_keep(frame_pool_t *fp);

/* True when count free frames aligned to align frames exist (what a
 * contiguous allocation needs). */
bool frame_pool_has_run(const frame_pool_t *fp, size_t count, size_t align);

/* Frames not yet returned. */
size_t frame_pool_in_use(const frame_pool_t *fp);

#endif
