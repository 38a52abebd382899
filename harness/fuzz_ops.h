/*
 * fuzz_ops.h - the input format of every fuzz target: configuration bytes,
 * then a program of operations, one opcode byte followed by its arguments
 * (read with fuzz_data.h: little-endian, zeros past the end).
 *
 * APPEND-ONLY: the numbers below are stored in corpus files. Never renumber,
 * never change an existing op's arguments; add new ops at the end. An opcode
 * byte with no op (>= *_OP_COUNT) is a no-op, so old files stay valid.
 * corpus/<target>.dict lists the opcode bytes for the fuzzers.
 * At most FUZZ_MAX_OPS ops run per input.
 */
#ifndef HARNESS_FUZZ_OPS_H
#define HARNESS_FUZZ_OPS_H

#define FUZZ_MAX_OPS 256u

/* ---- bitmap ------------------------------------------------------------
 * config: u16 entries (1 + v % BITMAP_FUZZ_MAX), u8 slack words (v % 3)
 * idx = fd_index (u16), cnt = fd_index (u16), align byte: bit 7 set -> raw
 * value (bits 0..6, may be no power of two), else 1 << (v % 8).          */
enum bitmap_fuzz_op {
    BITMAP_OP_SET = 0,          /* idx                                     */
    BITMAP_OP_CLEAR = 1,        /* idx                                     */
    BITMAP_OP_TEST = 2,         /* idx                                     */
    BITMAP_OP_SET_RANGE = 3,    /* idx cnt                                 */
    BITMAP_OP_CLEAR_RANGE = 4,  /* idx cnt                                 */
    BITMAP_OP_RANGE_CLEAR = 5,  /* idx cnt  (bitmap_range_clear)           */
    BITMAP_OP_RANGE_SET = 6,    /* idx cnt  (bitmap_range_set)             */
    BITMAP_OP_FIND_SET = 7,     /* cnt align hint(idx)                     */
    BITMAP_OP_INIT_BAD = 8,     /* u8 kind: 0 NULL storage, 1 zero entries,
                                   2 storage one word short                */
    BITMAP_OP_NULL_ARG = 9,     /* u8 kind (% 11): a public call with a NULL
                                   bm or out-pointer; idx cnt              */
    BITMAP_OP_COUNT
};
#define BITMAP_FUZZ_MAX 1100u

/* ---- paging ------------------------------------------------------------
 * config: u8 fail (0: no frame failure, else the frame allocation number
 * fail - 1 fails once), u8 flags (exactly 1: full check after every op).
 * va = u8 region, u16 slot: region base + slot * 4K (see fuzz_paging.c);
 * size = u8 (0 4K, 1 2M, 2 1G, else raw invalid); n = u8 pages (v % 9);
 * phys = u32 frame number * 4K; attrs = u8.                              */
enum paging_fuzz_op {
    PAGING_OP_MAP = 0,        /* va size n phys attrs                      */
    PAGING_OP_UNMAP = 1,      /* va size n                                 */
    PAGING_OP_TRANSLATE = 2,  /* va u16 offset                             */
    PAGING_OP_CHECK_ALL = 3,  /* (full table walk against the model)       */
    PAGING_OP_MAPPER_MAP = 4, /* as MAP, through vmm_mapper_t              */
    PAGING_OP_MAPPER_UNMAP = 5, /* as UNMAP, through vmm_mapper_t          */
    PAGING_OP_MAPPER_QUERY = 6, /* va u16 offset, through vmm_mapper_t     */
    PAGING_OP_FAIL_FRAMES = 7,  /* u8 n: the (n+1)-th next frame alloc fails */
    PAGING_OP_COUNT
};

/* ---- vmm ---------------------------------------------------------------
 * config: u8 window start class, u16 window pages, u8 alloc-fail,
 * u8 frame-fail, u8 flags (exactly 1: full check after every op); see
 * fuzz_vmm.c.                              */
enum vmm_fuzz_op {
    VMM_OP_ALLOC = 0,      /* u8 pages, u8 attrs                           */
    VMM_OP_SET = 1,        /* va u8 pages, u8 with_phys, u16 phys frame, attrs */
    VMM_OP_FREE = 2,       /* va                                           */
    VMM_OP_IS_SET = 3,     /* va                                           */
    VMM_OP_RESERVE = 4,    /* u8 count, u8 size, u8 attrs, u8 flags        */
    VMM_OP_CLAIM = 5,      /* va u8 count, u8 size, u8 attrs, u8 flags     */
    VMM_OP_MAP_PAGE = 6,   /* u8 record, u16 page, u16 phys frame, u8 attrs */
    VMM_OP_RELEASE = 7,    /* va                                           */
    VMM_OP_FAULT = 8,      /* va u8 access bits (pf error code)            */
    VMM_OP_FREE_RECORD = 9,   /* u8 record: vmm_free of a live record      */
    VMM_OP_RELEASE_RECORD = 10, /* u8 record: vmm_release of a live record */
    VMM_OP_FAULT_RECORD = 11, /* u8 record, u16 page, u8 access           */
    VMM_OP_FAIL = 12,      /* u8 which (0 alloc, 1 frames), u8 n           */
    VMM_OP_CHECK_ALL = 13, /* full check                                   */
    VMM_OP_COUNT
};

/* ---- pmm ---------------------------------------------------------------
 * config: u8 entries (% 9), per entry u16 base (x 256 B), u16 length
 * (x 64 B), u8 type (% 9). addr = u16: frame (bits 0-14) * 4K, + 1 byte
 * when bit 15; align byte: 1 << (v % 10), or raw bits 0-6 when bit 7.     */
enum pmm_fuzz_op {
    PMM_OP_ALLOC = 0,            /* -                                      */
    PMM_OP_ALLOC_CONTIGUOUS = 1, /* u8 count, align                        */
    PMM_OP_FREE = 2,             /* addr                                   */
    PMM_OP_CLAIM = 3,            /* addr                                   */
    PMM_OP_RESERVE = 4,          /* u16 base (x 256 B), u16 length (x 64 B;
                                    0xFFFF: to 2^64, wraps)                */
    PMM_OP_QUERY = 5,            /* addr: pmm_is_used + pmm_is_reserved    */
    PMM_OP_FRAMES_ALLOC = 6,     /* u8 count, align (pmm_frames().alloc)   */
    PMM_OP_FRAMES_FREE = 7,      /* addr, u8 count                         */
    PMM_OP_FRAMES_CLAIM = 8,     /* addr, u8 count                         */
    PMM_OP_CHECK_ALL = 9,        /* every frame against the model          */
    PMM_OP_COUNT
};

/* ---- boot_init ---------------------------------------------------------
 * A memory map and kernel segments, not a program: see fuzz_boot_init.c. */

#endif
