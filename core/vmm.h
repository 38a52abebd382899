/*
 * vmm.h - the virtual memory manager: a window [start, end) of 4 KiB pages
 * tracked by a hierarchical bitmap (hbitmap.h: its memory grows with the
 * partly used regions, not with the window, so a window may be the whole
 * 128 TiB higher half), with allocation records and a mapper.
 *
 * Two APIs on one manager:
 *  - Pluto's: vmm_init, vmm_is_set, vmm_set, vmm_alloc, vmm_free.
 *  - the Rust seed's: vmm_reserve (allocate_contiguous_pages), vmm_claim
 *    (already_allocated), vmm_map_page (map_to), vmm_release
 *    (unmap_and_deallocate; ours returns the frames, the original leaked them).
 * Beside them: vmm_pin makes a record permanent (boot pins the direct map and
 * the kernel image), vmm_set_fit chooses next or first fit.
 *
 * Every address is an absolute virtual address; start need not be 0 (Pluto's
 * bugs #136, #174, #178 all came from forgetting it). Page i of the bitmap is
 * the page at start + i * VMM_PAGE_SIZE.
 *
 * Atomicity: a call that returns an error has changed nothing: bitmap,
 * records, frames and mappings are exactly as before, also when the allocator,
 * the frame source or the mapper fails part-way (page-table frames emptied
 * by an undone unmap may wait in the mapper's release queue: see "How
 * vmm_free / vmm_release / vmm_deinit undo" below). Caller mistakes are errors;
 * only a broken internal invariant traps (VMM_ASSERT).
 *
 * Locking (INTEGRATION.md): a vmm_t is not thread-safe. One lock per vmm_t
 * serialises every call on it, vmm_fault included; the callbacks it makes
 * (allocator, frames, mapper) run under that lock, from every call that may
 * change the VMM and from vmm_fault (so in #PF context: alloc.h, frames.h,
 * mapper.h). The core has no global state: two vmm_t need two locks, not
 * one. A vmm_t holding records must not be moved in memory (its records
 * point back to it); copy none.
 *
 * Reentrancy: a callback must not call back into the vmm_t that called it
 * (nor fault on one of its lazy pages). The core detects it on one CPU: every
 * call that may change a VMM (vmm_set, vmm_alloc, vmm_free, vmm_reserve,
 * vmm_claim, vmm_map_page, vmm_release, vmm_pin, vmm_set_fit, vmm_deinit) and
 * vmm_is_set return VMM_ERR_BUSY while another call on the same vmm_t is
 * running, before anything else is checked (but a NULL vmm) and with nothing
 * read or changed; vmm_fault reports VMM_FAULT_NOT_PRESENT with status
 * VMM_ERR_BUSY (fatal: the kernel's bug). The running call then goes on as if
 * nothing had happened. The flag (vmm_t.busy) is no lock: two CPUs without
 * the lock are not detected. The record queries (vmm_find_record,
 * vmm_first_record / vmm_next_record, vmm_record_count and the vmm_record_*
 * readers) stay callable from a callback: they are memory-safe but see the
 * running call half done (a record being allocated not yet there, one being
 * freed still there). vmm_init cannot tell a vmm_t in use from garbage: from
 * a callback it loses the VMM as anywhere else. Fresh frames are zeroed
 * (frames.zero) before they are mapped.
 *
 * Ownership of frames: frames from vmm_alloc and demand faults are allocated
 * by the VMM; frames passed to vmm_map_page become the VMM's, unless the
 * reservation is VMM_RESERVE_BORROWED (they stay the caller's); frames of a
 * vmm_set physical range are claimed (managed ones). Freeing a record returns
 * all the VMM's frames to the frame source.
 */
#ifndef CORE_VMM_H
#define CORE_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "frames.h"
#include "hbitmap.h"
#include "mapper.h"
#include "status.h"
#include "vmm_btree.h"
#include "vmm_cdefs.h"

VMM_BEGIN_DECLS

/* The frame of a reservation page that is not mapped. */
#define VMM_NO_FRAME UINT64_MAX

/* A reservation's sparse store (vmm_record_t): 2^8 frames per leaf chunk,
 * 2^9 pointers per node above the leaves. */
#define VMM_STORE_LEAF_SHIFT 8u
#define VMM_STORE_NODE_SHIFT 9u
#define VMM_STORE_LEAF_PAGES (1u << VMM_STORE_LEAF_SHIFT)
#define VMM_STORE_NODE_SLOTS (1u << VMM_STORE_NODE_SHIFT)

/* vmm_reserve / vmm_claim flags */
#define VMM_RESERVE_LAZY (1u << 0) /* demand paging: faults map fresh frames */
/* The frames vmm_map_page maps stay the caller's: releasing the
 * reservation unmaps them and returns none to the frame source (shared
 * memory, one frame in two reservations or address spaces: the Rust
 * seed's map_to). Not with VMM_RESERVE_LAZY (a demand page's frame is the
 * VMM's): both together are VMM_ERR_INVALID_ARGUMENT. */
/* (bit 8: the bits between stay unknown flags, as they were before it) */
#define VMM_RESERVE_BORROWED (1u << 8)
#define VMM_RESERVE_FLAGS_ALL (VMM_RESERVE_LAZY | VMM_RESERVE_BORROWED)
/* vmm_record_t.flags of a permanent record (vmm_pin); never a reserve flag */
#define VMM_RECORD_PINNED (1u << 15)

typedef struct vmm_range {
    uint64_t start; /* first byte            */
    uint64_t end;   /* one past the last byte */
} vmm_range_t;

typedef enum vmm_record_kind {
    VMM_REC_ALLOC = 1, /* vmm_alloc: one owned frame per page              */
    VMM_REC_SET = 2,   /* vmm_set: phys == VMM_NO_FRAME when unmapped      */
    VMM_REC_RESERVE = 3, /* vmm_reserve/vmm_claim: frames per page_size page */
} vmm_record_kind_t;

/* One allocation record. Records are fixed-size slab objects, one cache
 * line each: chunks of VMM_INDEX_CHUNK_BYTES from the caller's allocator,
 * aligned to their size (a record finds its chunk by masking its address),
 * VMM_INDEX_CHUNK_NODES records each. They are indexed once, by the B+ tree
 * vmm_t.tree (vmm_btree.h) from virt to record: O(log n) lookups and
 * in-order iteration with vmm_first_record / vmm_next_record.
 *
 * Per-page data lives outside the slot, from the caller's allocator. An
 * ALLOC record has one flat block `frames` of nframes addresses, taken with
 * the record. A reservation has a sparse store `store` (vmm_records.c): a
 * radix tree whose leaves are chunks of VMM_STORE_LEAF_PAGES frames, each
 * followed by one attribute byte per frame; a chunk (and the path of
 * nodes of VMM_STORE_NODE_SLOTS pointers above it) is taken when the first
 * page in it is mapped (vmm_map_page, a demand fault), and everything is
 * given back with the record. The store is NULL until the first map, so
 * reserving costs nothing per page, and a map costs at most one chunk
 * (2304 bytes) plus one 4 KiB node per level (at most 3 up to 2^35 pages, 5
 * for the largest reservation, 2^52 - 1 pages) whatever the
 * reservation's size: memory grows with the pages mapped, not with the
 * reservation (INTEGRATION.md, section 10). A reservation of at most
 * VMM_STORE_LEAF_PAGES pages has a single leaf of 9 bytes per page. SET
 * records have none. Read a frame with vmm_record_frame, walk the mapped
 * pages with vmm_record_next_mapped. */
typedef struct vmm_record {
    VMM_ALIGNAS(64) uint64_t virt; /* first byte, inside the window        */
    uint64_t pages;      /* 4 KiB pages covered                            */
    uint64_t page_size;  /* 4K for ALLOC/SET; the reservation's page size  */
    uint64_t phys;       /* SET: first physical byte or VMM_NO_FRAME       */
    union {
        uint64_t *frames;             /* [added] ALLOC: its frames block   */
        void *store;                  /* [added] RESERVE: its sparse store,
                                         NULL exactly when mapped == 0    */
        struct vmm_record *next_free; /* [added] a free slot: the chunk's
                                         next free one                     */
    };
    vmm_attrs_t attrs;
    uint16_t kind;       /* vmm_record_kind_t; 0 while the slot is free    */
    uint16_t flags;      /* VMM_RESERVE_* for reservations; VMM_RECORD_PINNED */
    uint64_t nframes;    /* page_size pages: ALLOC pages, RESERVE
                            pages / (page_size / 4K), SET 0; any count a
                            window holds (up to 2^52 - 1)                  */
    uint64_t mapped;     /* RESERVE: pages of the store that are mapped
                            (store is NULL exactly when 0), else 0         */
} vmm_record_t;

VMM_STATIC_ASSERT(sizeof(vmm_record_t) == 64, "a record is one cache line");
VMM_STATIC_ASSERT(VMM_RESERVE_FLAGS_ALL <= UINT16_MAX && VMM_REC_RESERVE <= UINT16_MAX &&
                      VMM_RECORD_PINNED <= UINT16_MAX,
                  "kind and flags fit their fields");
VMM_STATIC_ASSERT((VMM_RESERVE_FLAGS_ALL & VMM_RECORD_PINNED) == 0,
                  "the pinned bit is no reservation flag");

#define VMM_INDEX_CHUNK_BYTES 4096u

/* 63: the chunk's header takes the first record's place */
#define VMM_INDEX_CHUNK_NODES \
    ((VMM_INDEX_CHUNK_BYTES - sizeof(vmm_record_t)) / sizeof(vmm_record_t))

struct vmm;

typedef struct vmm_index_chunk {
    struct vmm_index_chunk *prev, *next; /* in vmm_index_t.partial        */
    vmm_record_t *free;                  /* its free records, a stack     */
    size_t used;                         /* records in the tree           */
    struct vmm *owner;                   /* the vmm_t whose records these
                                            are (vmm_next_record)         */
    vmm_record_t records[VMM_INDEX_CHUNK_NODES];
} vmm_index_chunk_t;

VMM_STATIC_ASSERT(sizeof(vmm_index_chunk_t) <= VMM_INDEX_CHUNK_BYTES, "index chunk too big");

typedef struct vmm_index {
    vmm_index_chunk_t *partial; /* the chunks with a free record, a list;
                                   full chunks are reached from their records */
    vmm_index_chunk_t *spare;   /* a chunk taken for the next record (only
                                   inside a call, NULL between calls)       */
    size_t chunks;              /* chunks held from the allocator: each
                                   has at least one record in use           */
} vmm_index_t;

/* Where vmm_alloc / vmm_reserve place a run (vmm_set_fit). */
typedef enum vmm_fit {
    VMM_FIT_NEXT = 0,  /* from the end of the last allocation, then from the
                          window start (the default)                        */
    VMM_FIT_FIRST = 1, /* the lowest fitting address (Linux's vmalloc)      */
} vmm_fit_t;

typedef struct vmm {
    hbitmap_t bitmap;         /* entry i = page start + i * 4K is in a record;
                                 nodes come from `allocator`               */
    uint64_t start, end;      /* the window, 4 KiB aligned, start < end    */
    vmm_allocator_t allocator;
    vmm_mapper_t mapper;
    vmm_frames_t frames;
    vmm_btree_t tree;         /* the records by virt, non-overlapping;
                                 nodes come from `allocator`               */
    vmm_index_t index;        /* the chunks those nodes live in            */
    size_t hint;              /* next-fit search start (bitmap index)      */
    vmm_fit_t fit;
    bool busy;                /* a call that may change the VMM is running
                                 (vmm.h, "Reentrancy"); false between calls */
} vmm_t;

/* Initialises vmm over [start, end): all free, no records, next fit. The
 * structures pointed to are copied. The page bitmap takes its nodes from the
 * allocator as pages get used (nothing at init), like the records. (Before
 * the hierarchical bitmap, vmm_init took a flat storage array and its size
 * in words: those two parameters are gone.) Errors: VMM_ERR_INVALID_VIRT
 * (start >= end), VMM_ERR_MISALIGNED (start or end not 4 KiB aligned),
 * VMM_ERR_INVALID_ARGUMENT (NULL pointer or callback), or the
 * mapper's `mappable` error when the architecture cannot map every page of
 * the window (x86_64: VMM_ERR_NON_CANONICAL for a window touching the
 * canonical hole). Since every other call stays inside the window, no call
 * can then succeed on an address the hardware cannot map. The last page of
 * the address space, [2^64 - 4K, 2^64), can never be in a window.
 * A failed call leaves *vmm untouched. A ZEROED vmm_t (static storage whose
 * init failed or never ran) is safe to pass to every function: each returns
 * an error or nothing (its window is empty), vmm_fault reports
 * VMM_FAULT_NOT_PRESENT with VMM_ERR_INVALID_ARGUMENT as for NULL (it calls
 * no mapper), vmm_deinit frees nothing (VMM_OK). vmm_init of a vmm_t that is in use
 * cannot tell it from garbage and starts afresh: what the old one held
 * (records, frames, mappings, nodes) is lost; call vmm_deinit first. A
 * vmm_t whose init failed keeps its bytes: give it zeroed storage (garbage
 * in its busy flag would make every later call VMM_ERR_BUSY). Once
 * records exist, the vmm_t must stay where it is (its records point back
 * to it: vmm_next_record); move or copy none. */
vmm_status_t vmm_init(vmm_t *vmm, uint64_t start, uint64_t end,
                      const vmm_allocator_t *allocator,
                      const vmm_mapper_t *mapper, const vmm_frames_t *frames);

/* Frees every record (unmapping, returning frames) and every bitmap node:
 * the window is all free again and the allocator holds nothing of the vmm.
 * The vmm_t stays usable: an empty VMM over the same window, allocator,
 * mapper and frame source, as vmm_init left it (hint 0; the fit that
 * vmm_set_fit chose is kept). A page the mapper no longer maps as its
 * record did (unmapped or replaced behind the VMM's back, which vmm_free
 * reports as an error) is left as it is: the rest is unmapped and every
 * frame returned, no trap. Cost is proportional to what the records
 * cover. Returns VMM_OK (also for a zeroed vmm_t: nothing to free);
 * VMM_ERR_INVALID_ARGUMENT (NULL) or VMM_ERR_BUSY (from a callback of a
 * call on vmm) with nothing changed. (It returned nothing before the
 * reentrancy guard; a caller that ignores the status still compiles.) */
vmm_status_t vmm_deinit(vmm_t *vmm);

/* Chooses where vmm_alloc and vmm_reserve place runs from now on.
 * VMM_ERR_INVALID_ARGUMENT for NULL, a vmm_t vmm_init never set up (zeroed)
 * or an unknown fit, with nothing changed. */
vmm_status_t vmm_set_fit(vmm_t *vmm, vmm_fit_t fit);

/* *set = the page holding virt is in a record. VMM_ERR_OUT_OF_BOUNDS when
 * virt is outside [start, end), VMM_ERR_INVALID_ARGUMENT when set is NULL. */
vmm_status_t vmm_is_set(const vmm_t *vmm, uint64_t virt, bool *set);

/* Records the virtual range (4 KiB aligned, non-empty) and, when phys is not
 * NULL, maps it to the physical range of the same size (phys->start 4 KiB
 * aligned: Pluto took any), claiming its managed frames. Errors, the first
 * that applies in this order: VMM_ERR_INVALID_ARGUMENT (vmm NULL, attrs),
 * VMM_ERR_INVALID_VIRT (virt.start >= virt.end), VMM_ERR_MISALIGNED (virt),
 * VMM_ERR_OUT_OF_BOUNDS (outside the window), VMM_ERR_INVALID_PHYS
 * (phys->start >= phys->end), VMM_ERR_PHYS_VIRT_MISMATCH (sizes differ),
 * VMM_ERR_MISALIGNED (phys->start), VMM_ERR_ALREADY_ALLOCATED (a page of virt
 * is in a record), then VMM_ERR_OUT_OF_MEMORY, VMM_ERR_PHYS_ALREADY_ALLOCATED
 * (a managed frame of phys is in use) or the mapper's error. */
vmm_status_t vmm_set(vmm_t *vmm, vmm_range_t virt, const vmm_range_t *phys,
                     vmm_attrs_t attrs);

/* Allocates pages contiguous virtual pages, each backed by a fresh frame
 * (zeroed through frames.zero before it is mapped) and mapped with attrs;
 * stores the first address in *virt. Errors:
 * VMM_ERR_INVALID_ARGUMENT (pages == 0, attrs), VMM_ERR_NO_SPACE,
 * VMM_ERR_OUT_OF_FRAMES, VMM_ERR_OUT_OF_MEMORY, or the mapper's error. */
vmm_status_t vmm_alloc(vmm_t *vmm, size_t pages, vmm_attrs_t attrs,
                       uint64_t *virt);

/* Frees the record starting at virt: unmaps what the VMM mapped (vmm_alloc,
 * vmm_set with phys, vmm_map_page, demand faults), returns owned frames,
 * clears the range. A vmm_set record without phys maps nothing: freeing it
 * unmaps nothing, so the caller unmaps first what it mapped there itself
 * (else the VMM would later place runs over live mappings). Errors:
 * VMM_ERR_INVALID_ARGUMENT (vmm NULL), VMM_ERR_OUT_OF_BOUNDS (outside the
 * window), VMM_ERR_NOT_START (inside a record, not its start), VMM_ERR_NOT_ALLOCATED,
 * VMM_ERR_PINNED (a permanent record: vmm_pin), then
 * VMM_ERR_OUT_OF_MEMORY (freeing part of a wholly used region of the bitmap
 * splits it, which may need a node from the allocator, taken before
 * anything is unmapped), then the mapper's error (a page unmapped behind the
 * VMM's back: see below). */
vmm_status_t vmm_free(vmm_t *vmm, uint64_t virt);

/* Reserves count pages of page_size (4K/2M/1G), aligned to page_size, without
 * mapping; stores the first address in *virt. attrs are used by demand
 * faults when flags has VMM_RESERVE_LAZY. flags: VMM_RESERVE_LAZY or
 * VMM_RESERVE_BORROWED (not both) or 0. Errors: VMM_ERR_INVALID_ARGUMENT
 * (count == 0, page_size, attrs, flags), VMM_ERR_OVERFLOW, VMM_ERR_NO_SPACE,
 * VMM_ERR_OUT_OF_MEMORY. In that order. */
vmm_status_t vmm_reserve(vmm_t *vmm, size_t count, uint64_t page_size,
                         vmm_attrs_t attrs, uint32_t flags, uint64_t *virt);

/* Like vmm_reserve at the fixed address virt, which must be free: the Rust
 * seed's already_allocated wraps a range its caller knows, and so does
 * this, but it also records the range (a range already in a record is
 * VMM_ERR_ALREADY_ALLOCATED: free or release that record first). Errors:
 * vmm_reserve's argument errors (INVALID_ARGUMENT, then OVERFLOW when count x
 * page_size wraps), then VMM_ERR_MISALIGNED (virt not aligned to page_size),
 * VMM_ERR_OVERFLOW (virt + that size wraps), VMM_ERR_OUT_OF_BOUNDS,
 * VMM_ERR_ALREADY_ALLOCATED, VMM_ERR_OUT_OF_MEMORY. */
vmm_status_t vmm_claim(vmm_t *vmm, uint64_t virt, size_t count,
                       uint64_t page_size, vmm_attrs_t attrs, uint32_t flags);

/* Maps the page at virt of the reservation starting at reservation to the
 * frame(s) at phys (page_size bytes, which become the VMM's, or stay the
 * caller's in a VMM_RESERVE_BORROWED reservation). Errors, the first that
 * applies in this order: VMM_ERR_INVALID_ARGUMENT (attrs; vmm NULL),
 * VMM_ERR_NOT_ALLOCATED / VMM_ERR_NOT_START / VMM_ERR_NOT_RESERVATION (bad
 * reservation), VMM_ERR_NOT_IN_RESERVATION (virt outside it),
 * VMM_ERR_MISALIGNED (virt or phys), VMM_ERR_ALREADY_MAPPED,
 * VMM_ERR_FRAME_NOT_USED (a managed frame of phys is free: the caller never
 * allocated it; checked when the frame source has in_use), then
 * VMM_ERR_OUT_OF_MEMORY (the first mapped page of a chunk of the
 * reservation's store: the chunk and its path, vmm_record_t), or the
 * mapper's error. */
vmm_status_t vmm_map_page(vmm_t *vmm, uint64_t reservation, uint64_t virt,
                          uint64_t phys, vmm_attrs_t attrs);

/* The Rust seed's unmap_and_deallocate: vmm_free restricted to reservations
 * (VMM_ERR_NOT_RESERVATION for other records). */
vmm_status_t vmm_release(vmm_t *vmm, uint64_t reservation);

/* Makes the record starting at virt permanent: from now on vmm_free and
 * vmm_release of it fail with VMM_ERR_PINNED and change nothing; only
 * vmm_deinit frees it. For ranges a kernel tracks but must never give
 * back: x86_boot_init pins the direct map and the kernel image it records
 * (they were mapped before the VMM existed, so a free would leave them
 * mapped while the VMM handed the range out again). Pinning a pinned record
 * is not an error; there is no unpin. Errors: VMM_ERR_INVALID_ARGUMENT (vmm
 * NULL), VMM_ERR_OUT_OF_BOUNDS, VMM_ERR_NOT_START, VMM_ERR_NOT_ALLOCATED
 * (as vmm_free), with nothing changed. */
vmm_status_t vmm_pin(vmm_t *vmm, uint64_t virt);

/* Returns the record containing virt, or NULL. O(log n). */
const vmm_record_t *vmm_find_record(const vmm_t *vmm, uint64_t virt);

/* Iteration in address order: the lowest record / the one after rec, or
 * NULL at the end (or for NULL). O(log n) per step (a lookup in the index:
 * a vmm_t holding records must not be moved in memory). */
const vmm_record_t *vmm_first_record(const vmm_t *vmm);
const vmm_record_t *vmm_next_record(const vmm_record_t *rec);

/* Number of records (0 for NULL). */
size_t vmm_record_count(const vmm_t *vmm);

/* [added] Returns the frame page k of rec is mapped to (the first frame of
 * a page_size page), or VMM_NO_FRAME: an unmapped page, a reservation that
 * maps nothing (no store), a SET record, k >= nframes, rec NULL.
 * O(1) for ALLOC, O(store height) for a reservation (at most 4 steps up to
 * 2^35 pages, every x86_64 window; 6 for the largest, 2^52 - 1 pages). */
uint64_t vmm_record_frame(const vmm_record_t *rec, size_t k);

/* [added] Returns the lowest page j >= k of rec that is mapped (its frame is
 * not VMM_NO_FRAME), or rec->nframes when there is none (also for a SET
 * record, k >= nframes; 0 for rec NULL). Walking a reservation's mapped
 * pages with it costs O(pages mapped + chunks): absent chunks are skipped
 * whole. */
size_t vmm_record_next_mapped(const vmm_record_t *rec, size_t k);

/* [added] Returns the bytes rec's per-page data holds from the allocator
 * (ALLOC: its frames block; RESERVE: every node and chunk of its store; SET
 * and rec NULL: 0) and stores in *blocks (if not NULL) how many allocator
 * blocks those are. For tests and harnesses: O(chunks). */
size_t vmm_record_store_bytes(const vmm_record_t *rec, size_t *blocks);

/* [added] Returns true when the record index is sound: vmm_btree_check
 * holds; every value of the tree is a record of its chunk, keyed by its
 * virt, in use, owned by vmm, whose per-page data agrees with its kind
 * (ALLOC: a frames block; SET: none; RESERVE: a store exactly when
 * mapped != 0, holding exactly mapped mapped pages, with no empty node or
 * chunk); the partial
 * chunks are a proper list of chunks with 1 .. VMM_INDEX_CHUNK_NODES - 1
 * records in use and a free stack of the others; the chunks hold exactly
 * the tree's records; no spare chunk is held. For tests and fuzz
 * harnesses: O(records + chunks of the stores). */
bool vmm_index_check(const vmm_t *vmm);

/* [added] Returns the attributes page i of a reservation record was mapped
 * with (vmm_map_page's attrs, or the reservation's for a demand page). For
 * an unmapped page, a non-reservation or i >= nframes: rec->attrs. (They are
 * stored in the reservation's store, one byte after the frames of each
 * chunk.) O(store height). */
vmm_attrs_t vmm_record_page_attrs(const vmm_record_t *rec, size_t i);

/*
 * How vmm_free / vmm_release / vmm_deinit undo, and what traps.
 *
 * Only the mapper's unmap may fail while a record is released. ALLOC and
 * mapped SET records are unmapped by one call (all or nothing). A
 * reservation is first checked page by page with the mapper's query: a
 * mapped page that is no longer mapped, or is now covered by a page of
 * another size, fails the release with the query's error or
 * VMM_ERR_LARGE_PAGE_CONFLICT before anything is unmapped. It is then
 * unmapped one call per run of mapped pages; when a call fails anyway, the
 * runs already unmapped are mapped again with the frames and attributes the
 * record stores, and the error is returned: nothing changed.
 * After the unmap the frames are returned to the frame source.
 *
 * "Nothing changed" there means the mappings, records and frames; which
 * frames hold the page tables may differ: a table the undone unmap emptied
 * went to the mapper's release hook (x86_64/paging.h, freed at the queue's
 * flush) and the re-map took a fresh one.
 *
 * Broken invariants (VMM_ASSERT): that re-map failing (mapper.h's undo
 * contract: with core/x86_64's mapper an unmap after a successful query
 * does not fail, so it never gets there); frames.free failing
 * on frames the VMM owns; an undo unmap failing inside vmm_alloc; inside
 * vmm_deinit (whose only errors are a NULL vmm and VMM_ERR_BUSY, so a
 * harness must disarm its failure injection before calling it), an unmap
 * failing on a page the mapper's query reports mapped as the record did.
 * vmm_deinit does not trap on a caller's mistake it can see: when a
 * record's unmap fails (and so changed nothing) it goes page by page and
 * skips each page the query reports unmapped or of another size.
 * vmm_map_page checks, through frames.in_use when the frame source has it,
 * that phys is in use (allocated by the caller and handed over) or unmanaged
 * (device memory). What it cannot check: that a frame is not handed over
 * twice (to two pages or two VMMs); that frame's second free fails at
 * release and traps. A frame mapped more than once (shared memory) goes
 * into VMM_RESERVE_BORROWED reservations, which never free it: its owner
 * frees it after releasing them.
 */

VMM_END_DECLS

#endif
