/*
 * vmm_fixture.h - a complete VMM for tests and harnesses: a pmm over
 * [1 MiB, phys_bytes) of usable RAM (frames below 1 MiB reserved), wrapped
 * in a fail_frames; a fail_alloc allocator; a rec_mapper; a vmm over
 * [start, start + pages * 4K). Plus a full snapshot of all of it, to check
 * that a failed call changed nothing.
 *
 *   vmm_fixture_t fx; fx_init(&fx, 0x40000000, 512, 8 << 20);
 *   fx_snapshot_t s; fx_snap(&fx, &s);
 *   ... a call that fails ...
 *   CHECK(fx_same(&fx, &s)); fx_snap_free(&s); fx_destroy(&fx);
 */
#ifndef TESTS_VMM_FIXTURE_H
#define TESTS_VMM_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/pmm.h"
#include "core/vmm.h"
#include "check.h"
#include "fail_alloc.h"
#include "fail_frames.h"
#include "rec_mapper.h"

#define FX_LOW_RESERVED 0x100000u /* frames below 1 MiB are reserved */

typedef struct vmm_fixture {
    pmm_t pmm;
    uint64_t *pmm_words;
    size_t pmm_nwords;
    fail_frames_t ff;   /* wraps pmm_frames(&pmm); the VMM's frame source */
    fail_alloc_t fa;    /* the VMM's allocator                           */
    rec_mapper_t rm;    /* the VMM's mapper                              */
    vmm_t vmm;
    uint64_t *bits;     /* the VMM's bitmap in the flat layout (fx_bits) */
    size_t nbits;
} vmm_fixture_t;

/* Builds everything; aborts (test bug) when the core refuses. */
void fx_init(vmm_fixture_t *fx, uint64_t start, size_t pages, uint64_t phys_bytes);
/* Disarms every injection, vmm_deinit, checks nothing leaked (returns false
 * and prints if something did), frees everything. */
bool fx_destroy(vmm_fixture_t *fx);
/* Disarms every injection. */
void fx_disarm(vmm_fixture_t *fx);

typedef struct fx_snapshot {
    vmm_t vmm;                 /* shallow copy                         */
    uint64_t *bits;
    pmm_t pmm;
    uint64_t *pmm_words;
    size_t nrecords;
    const vmm_record_t **rec_ptrs; /* the record blocks, in address order */
    unsigned char **rec_bytes; /* their contents                       */
    size_t *rec_sizes;
    rec_mapper_t rm;           /* deep copy                            */
    size_t fa_live, fa_live_bytes;
    long ff_outstanding;
} fx_snapshot_t;

/* Takes / compares / frees a full snapshot. fx_same prints the first
 * difference to stderr. */
void fx_snap(const vmm_fixture_t *fx, fx_snapshot_t *s);
bool fx_same(const vmm_fixture_t *fx, const fx_snapshot_t *s);

/* Returns the VMM's bitmap in the flat layout (fx->bits, nbits words),
 * read from its hierarchical bitmap now. */
const uint64_t *fx_bits(vmm_fixture_t *fx);
void fx_snap_free(fx_snapshot_t *s);

/* Checks (check.h) that expr returns code and leaves the fixture exactly as
 * before. */
#define CHECK_ERR_SAME(fx, expr, code)      \
    do {                                    \
        fx_snapshot_t s_;                   \
        fx_snap((fx), &s_);                 \
        CHECK_ERR((expr), (code));          \
        CHECK(fx_same((fx), &s_));          \
        fx_snap_free(&s_);                  \
    } while (0)

/* Failure injection "at every point". For each kind of failure (allocator,
 * frame source alloc/claim, mapper map, mapper unmap) and N = 0, 1, 2, ...:
 * builds a fresh fixture (fx_init with the given geometry), runs setup,
 * snapshots, arms a failure of the Nth call of that kind, runs op; while the
 * failure fires, op must return an error and the state must equal the
 * snapshot; the first N at which nothing fires must return VMM_OK.
 * points[k] receives the number of failure points found per kind (may be
 * NULL). Returns false (and prints why) on any violation. */
enum fx_inject_kind { FX_INJ_ALLOC, FX_INJ_FRAMES, FX_INJ_MAP, FX_INJ_UNMAP, FX_INJ_KINDS };
typedef void (*fx_setup_fn)(vmm_fixture_t *fx, void *ctx);
typedef vmm_status_t (*fx_op_fn)(vmm_fixture_t *fx, void *ctx);
bool fx_inject_everywhere(const char *name, uint64_t start, size_t pages,
                          uint64_t phys_bytes, fx_setup_fn setup, fx_op_fn op,
                          void *ctx, size_t points[FX_INJ_KINDS]);

/* Bytes of a record's per-page data (vmm_record_store_bytes: an ALLOC
 * record's frames block, a reservation's store), 0 when it has none
 * (vmm.h: SET, and reservations mapping nothing). The record itself is a
 * slot of an index chunk. */
size_t fx_record_bytes(const vmm_record_t *rec);

#endif
