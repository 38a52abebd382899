/*
 * hostmem.h - a host buffer standing for physical memory, for tests, fuzzers,
 * the emulator checks and benchmarks.
 *
 * hostmem_init allocates size bytes (4 KiB aligned, filled with a poison
 * byte so that unzeroed table frames show up) that stand for the physical
 * range [base, base + size), builds a one-entry USABLE memory map of it and a
 * pmm over that map. The core reaches frame p at p + access_offset, so
 *     x86_paging_init(&pt, &hm.frames, hm.access_offset)
 * builds real x86_64 tables inside the buffer (an emulator can map hm.buf as
 * guest physical memory at hm.base).
 *
 * Only table frames need host memory: a test may describe far more memory
 * (say 1 TiB) in its own boot memory map and still take table frames from a
 * small hostmem (pass hm.frames and hm.access_offset to x86_boot_init).
 */
#ifndef TESTS_HOSTMEM_H
#define TESTS_HOSTMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/frames.h"
#include "core/memmap.h"
#include "core/pmm.h"

/* Byte every fresh hostmem buffer is filled with. */
#define HOSTMEM_POISON 0xA5u

typedef struct hostmem {
    uint8_t *buf;            /* host memory for [base, base + size)      */
    uint64_t base;           /* physical address of buf[0], 4K aligned   */
    uint64_t size;           /* bytes, multiple of 4 KiB                 */
    uint64_t access_offset;  /* host address of phys p = p + offset      */
    memmap_entry_t map[1];   /* the memory map: [base, base+size) USABLE */
    pmm_t pmm;               /* frame manager over map                   */
    uint64_t *pmm_storage;   /* its bitmaps (heap)                       */
    vmm_frames_t frames;     /* pmm_frames(&pmm): bound to this hostmem, so
                                a hostmem_t must not be moved after init */
} hostmem_t;

/* Returns true and sets up hm for [base, base + size); false when base or
 * size is not 4 KiB aligned, size is 0, or the host is out of memory. */
bool hostmem_init(hostmem_t *hm, uint64_t base, uint64_t size);

/* Releases the buffer and the pmm storage. */
void hostmem_destroy(hostmem_t *hm);

/* Returns the host pointer for physical address phys, NULL outside. */
void *hostmem_ptr(const hostmem_t *hm, uint64_t phys);

/* A copy of the pmm's whole state (the pmm_t, its hint included, and both
 * bitmaps), to check that an operation left the frame manager exactly as it
 * was. */
typedef struct hostmem_snap {
    uint64_t *used;   /* both bitmaps' words (the pmm's storage) */
    size_t words;
    size_t free_frames;
    pmm_t pmm;
} hostmem_snap_t;

/* Takes a snapshot (heap); false when out of memory. */
bool hostmem_snap_take(const hostmem_t *hm, hostmem_snap_t *snap);
/* Returns true when the pmm is in exactly the snapshot's state. */
bool hostmem_snap_same(const hostmem_t *hm, const hostmem_snap_t *snap);
/* Releases a snapshot. */
void hostmem_snap_free(hostmem_snap_t *snap);

#endif
