/*
 * fuzz_ops.h - the input format of every fuzz target, one table per target:
 * configuration bytes, then a program of operations, one opcode byte
 * followed by its arguments (read with fuzz_data.h: little-endian, zeros
 * past the end).
 *
 * Each table is an X-macro, the ONE place an op is described:
 *     X(ENUM, value, "name", "argument widths", example arguments...)
 * The widths are one digit per argument, its bytes (1, 2, 4 or 8); the
 * example is one typical call. From the table come the opcode enum, the op
 * names the targets trace, the seed encoder of gen_corpus.c (fuzz_op_put
 * checks the argument count against the widths) and the dictionary
 * corpus/<target>.dict (one entry per op: opcode byte + example; ctest
 * dict_current fails when the committed file differs from the table).
 * emu/'s target is described here too (its seeds and dictionary come from
 * the same generator; Unicorn is needed to run it, not to encode it).
 *
 * APPEND-ONLY: the values are stored in corpus files. Never renumber, never
 * change an existing op's arguments; add new ops at the end (values must
 * stay 0 .. COUNT - 1: the enum's count and the descriptor table check it).
 * An opcode byte with no op (>= *_OP_COUNT) is a no-op, so old files stay
 * valid. At most FUZZ_MAX_OPS ops run per input.
 */
#ifndef HARNESS_FUZZ_OPS_H
#define HARNESS_FUZZ_OPS_H

#include <stddef.h>
#include <stdint.h>

/* Ops run per input at most, and the input length the fuzzers are given
 * (-max_len; `fuzz_gen_corpus --ops` prints it per target), unless a
 * target sets its own below where longer programs measurably stop finding
 * anything (harness/README.md, "Program length"). */
#define FUZZ_MAX_OPS 256u
#define FUZZ_MAX_LEN 2048u

/* ---- bitmap ------------------------------------------------------------
 * config: u16 entries (1 + v % BITMAP_FUZZ_MAX), u8 slack words (v % 3)
 * idx = fd_index (u16), cnt = fd_index (u16), align byte: bit 7 set -> raw
 * value (bits 0..6, may be no power of two), else 1 << (v % 8).          */
#define BITMAP_CONFIG "21"
#define BITMAP_OPS(X)                                                        \
    X(BITMAP_OP_SET, 0, "set", "2", 64)                        /* idx     */ \
    X(BITMAP_OP_CLEAR, 1, "clear", "2", 63)                    /* idx     */ \
    X(BITMAP_OP_TEST, 2, "test", "2", 63)                      /* idx     */ \
    X(BITMAP_OP_SET_RANGE, 3, "set_range", "22", 63, 2)        /* idx cnt */ \
    X(BITMAP_OP_CLEAR_RANGE, 4, "clear_range", "22", 0, 64)    /* idx cnt */ \
    X(BITMAP_OP_RANGE_CLEAR, 5, "range_clear", "22", 60, 10)   /* bitmap_range_clear */ \
    X(BITMAP_OP_RANGE_SET, 6, "range_set", "22", 60, 10)       /* bitmap_range_set   */ \
    X(BITMAP_OP_FIND_SET, 7, "find_set", "212", 64, 6, 0)      /* cnt align hint(idx) */ \
    X(BITMAP_OP_INIT_BAD, 8, "init_bad", "1", 2) /* kind: 0 NULL storage, 1 zero
                                                    entries, 2 one word short */ \
    X(BITMAP_OP_NULL_ARG, 9, "null_arg", "122", 1, 10, 5) /* kind (% 11): a call with a
                                                NULL bm or out-pointer; idx cnt */
#define BITMAP_FUZZ_MAX 1100u

/* ---- paging ------------------------------------------------------------
 * config: u8 fail (0: no frame failure, else the frame allocation number
 * fail - 1 fails once), u8 flags (exactly 1: full check after every op).
 * va = u8 region, u16 slot: region base + slot * 4K (see fuzz_paging.c);
 * size = u8 (0 4K, 1 2M, 2 1G, else raw invalid); n = u8 pages (v % 9);
 * phys = u32 frame number * 4K; attrs = u8.                              */
#define PAGING_CONFIG "11"
#define PAGING_OPS(X)                                                                  \
    X(PAGING_OP_MAP, 0, "map", "121141", 0, 511, 0, 2, 1, 7)     /* va size n phys attrs */ \
    X(PAGING_OP_UNMAP, 1, "unmap", "1211", 0, 511, 0, 2)          /* va size n            */ \
    X(PAGING_OP_TRANSLATE, 2, "translate", "122", 0, 511, 1)       /* va u16 offset        */ \
    X(PAGING_OP_CHECK_ALL, 3, "check_all", "")          /* full table walk against the model */ \
    X(PAGING_OP_MAPPER_MAP, 4, "mapper.map", "121141", 9, 1, 1, 1, 1, 15) /* as MAP      */ \
    X(PAGING_OP_MAPPER_UNMAP, 5, "mapper.unmap", "1211", 9, 1, 1, 1)      /* as UNMAP    */ \
    X(PAGING_OP_MAPPER_QUERY, 6, "mapper.query", "122", 0, 511, 1)  /* va u16 offset      */ \
    X(PAGING_OP_FAIL_FRAMES, 7, "fail_frames", "1", 0) /* n: the (n+1)-th next alloc fails */

/* ---- vmm ---------------------------------------------------------------
 * config: u8 window class, u16 window pages, u8 alloc-fail, u8 frame-fail,
 * u8 flags (unused; was: exactly 1, full check after every op, now
 * VMM_FUZZ_PARANOID=1); see fuzz_vmm.c.
 * va = u8 mode, u16 slot (fuzz_vmm.c read_va).                           */
#define VMM_CONFIG "12111"
#define VMM_MAX_OPS 96u   /* every edge and feature of a 2108-input corpus */
#define VMM_WORK_BUDGET 1024u /* pages mapped, unmapped and checked per input
                                 (fuzz_vmm.c): the program ends past it;
                                 4096 found no more (harness/README.md) */
#define VMM_MAX_LEN 64u   /* as many edges per CPU second as 128..256,
                             1.5-2x the execs (harness/README.md) */
#define VMM_OPS(X)                                                                        \
    X(VMM_OP_ALLOC, 0, "alloc", "11", 2, 7)                       /* u8 pages, u8 attrs */ \
    X(VMM_OP_SET, 1, "set", "121121", 0, 1, 1, 1, 1100, 7) /* va pages with_phys frame attrs */ \
    X(VMM_OP_FREE, 2, "free", "12", 0, 1)                          /* va                 */ \
    X(VMM_OP_IS_SET, 3, "is_set", "12", 0, 1)                      /* va                 */ \
    X(VMM_OP_RESERVE, 4, "reserve", "1111", 2, 0, 7, 1)      /* count size attrs flags   */ \
    X(VMM_OP_CLAIM, 5, "claim", "121111", 5, 1, 1, 1, 7, 1)  /* va count size attrs flags */ \
    X(VMM_OP_MAP_PAGE, 6, "map_page", "12121", 0, 0, 0, 0, 7) /* record page phys frame attrs */ \
    X(VMM_OP_RELEASE, 7, "release", "12", 0, 1)                    /* va                 */ \
    X(VMM_OP_FAULT, 8, "fault", "121", 0, 1, 2)              /* va, u8 #PF error code    */ \
    X(VMM_OP_FREE_RECORD, 9, "free_record", "1", 0)       /* record: vmm_free of a live one */ \
    X(VMM_OP_RELEASE_RECORD, 10, "release_record", "1", 0) /* record: vmm_release        */ \
    X(VMM_OP_FAULT_RECORD, 11, "fault_record", "121", 0, 0, 2) /* record, u16 page, code */ \
    X(VMM_OP_FAIL, 12, "fail", "11", 1, 0)          /* which (0 alloc, 1 frames), u8 n  */ \
    X(VMM_OP_CHECK_ALL, 13, "check_all", "")                       /* full check         */ \
    X(VMM_OP_NULL_ARG, 14, "null_arg", "112", 0, 0, 1) /* call, va: one NULL pointer argument */ \
    X(VMM_OP_RELEASE_BEHIND, 15, "release_behind", "111", 0, 1, 1) /* record, page, mode:
        a mapped page unmapped (bit 0: and mapped one size smaller) behind the VMM, then
        vmm_release (bit 1: vmm_free) must refuse; the page is put back */ \
    X(VMM_OP_FAIL_UNMAP, 16, "fail_unmap", "1", 0) /* n: the mapper's (n+1)-th unmap from now,
        inside vmm_free / vmm_release, fails once (with no frame failure armed) */ \
    X(VMM_OP_FAULT_CODE, 17, "fault_code", "124", 0, 1, 0x80000001) /* va, u32 #PF error code:
        every bit as given, bits no CPU defines today (AMD's RMP bit 31) and HLAT (7) too */ \
    X(VMM_OP_PIN_RECORD, 18, "pin_record", "1", 0) /* record: vmm_pin of a live one; its
        vmm_free / vmm_release then fail with VMM_ERR_PINNED, changing nothing */ \
    X(VMM_OP_DEINIT, 19, "deinit", "") /* vmm_deinit (failures disarmed): everything given
        back; the program goes on with the same vmm_t, an empty VMM over the window */ \
    X(VMM_OP_REENTER, 20, "reenter", "11", 2, 0) /* kind (% 10: allocator.alloc, .free,
        frames.alloc, .free, .claim, .zero, .in_use, mapper.map, .unmap, .query), n: that
        kind's (n+1)-th call from now first calls back into the VMM (tests/lib/reentry.h):
        every call that may change it must return VMM_ERR_BUSY; the op it interrupted goes
        on as the model says */ \
    X(VMM_OP_FAULT_CPU, 21, "fault_cpu", "1241", 0, 1, 0x1, 0x3) /* va, u32 #PF error code,
        u8 CPU state (bit 0 CR4.SMEP, 1 CR4.SMAP, 2 RFLAGS.AC, 3 CS at CPL3):
        x86_page_fault_cpu */

/* ---- pmm ---------------------------------------------------------------
 * config: u8 entries (% 9), per entry u16 base (x 256 B), u16 length
 * (x 64 B), u8 type (% 9). addr = u16: frame (bits 0-14) * 4K, + 1 byte
 * when bit 15; align byte: 1 << (v % 10), or raw bits 0-6 when bit 7.     */
#define PMM_CONFIG "1"
#define PMM_OPS(X)                                                                      \
    X(PMM_OP_ALLOC, 0, "alloc", "")                                                     \
    X(PMM_OP_ALLOC_CONTIGUOUS, 1, "alloc_contiguous", "11", 16, 4)    /* count, align  */ \
    X(PMM_OP_FREE, 2, "free", "2", 256)                               /* addr          */ \
    X(PMM_OP_CLAIM, 3, "claim", "2", 256)                             /* addr          */ \
    X(PMM_OP_RESERVE, 4, "reserve", "22", 0x1000, 0x40) /* base x 256 B, length x 64 B
                                                           (0xFFFF: to 2^64, wraps)    */ \
    X(PMM_OP_QUERY, 5, "query", "2", 256)             /* pmm_is_used + pmm_is_reserved */ \
    X(PMM_OP_FRAMES_ALLOC, 6, "frames.alloc", "11", 2, 0x83) /* count, align (frames) */ \
    X(PMM_OP_FRAMES_FREE, 7, "frames.free", "21", 256, 4)     /* addr, u8 count       */ \
    X(PMM_OP_FRAMES_CLAIM, 8, "frames.claim", "21", 256, 4)   /* addr, u8 count       */ \
    X(PMM_OP_CHECK_ALL, 9, "check_all", "")               /* every frame against the model */ \
    X(PMM_OP_NULL_ARG, 10, "null_arg", "12", 10, 256)    /* call, addr: one NULL argument */ \
    X(PMM_OP_FRAMES_IN_USE, 11, "frames.in_use", "21", 0x4000, 4) /* addr, u8 count       */
/* Not an op: one memory map entry of the configuration. */
#define PMM_ENTRY "221"

/* ---- boot_init ---------------------------------------------------------
 * A configuration, not a program (fuzz_boot_init.c): u8 flags, u8 window
 * slot, u8 frame-fail, u8 alloc-fail, u8 entries, the entries, u8
 * segments, the segments, u8 segments_top, u8 nulls (appended: 0 in older
 * inputs). Its table lists the parts (no opcode byte is
 * stored); the dictionary holds the examples.                            */
#define BOOT_INIT_CONFIG "11111"
#define BOOT_INIT_PARTS(X)                                                              \
    X(BOOT_PART_ENTRY, 0, "entry", "22221", 1, 0, 16, 0, 0) /* base MiB, base offset,
                                                  length 64K units, length bytes, type */ \
    X(BOOT_PART_ENTRY_RECLAIM, 1, "entry_reclaim", "22221", 4096, 0, 16384, 0, 5)      \
    X(BOOT_PART_ENTRY_MODULES, 2, "entry_modules", "22221", 2, 0x345, 3, 0x10, 6)      \
    X(BOOT_PART_ENTRY_FRAMEBUFFER, 3, "entry_framebuffer", "22221", 4032, 0, 128, 0, 7) \
    X(BOOT_PART_SEGMENT, 4, "segment", "2221", 0, 512, 0x140, 0x8) /* virt page (bit 15:
                                                  +1 byte), phys page, size x 64 B, attrs */ \
    X(BOOT_PART_TOP, 5, "segments_top", "1", 1) /* after the segments (0 past the end): bit k
                                       moves segment k to end exactly at 2^64             */ \
    X(BOOT_PART_NULLS, 6, "nulls", "1", 1) /* after segments_top (0 past the end): bit 0 map
                                       NULL, bit 1 kernel NULL (their lengths kept)        */

/* ---- hbitmap -----------------------------------------------------------
 * config: u8 window class, u16 tweak; see fuzz_hbitmap.c (which runs its
 * own loop). pos = u8 zone selector, u16 offset; fail = u8 (0 none, else
 * allocation number fail - 1 of the op fails); n = u16 run length (bit 15:
 * a fraction of the window); align = u8; mode = u8 (bit 0 set, bit 1 commit). */
#define HBITMAP_CONFIG "12"
#define HBITMAP_MAX_OPS 16u   /* longer programs found no more (harness/README.md) */
#define HBITMAP_MAX_LEN 128u  /* 16 ops of 8 bytes at most, bar prepare (9) */
#define HBITMAP_OPS(X)                                                                    \
    X(HB_OP_SET_RANGE, 0, "set_range", "12121", 0, 3, 1, 5000, 0)      /* pos pos fail */ \
    X(HB_OP_CLEAR_RANGE, 1, "clear_range", "12121", 1, 10, 2, 8000, 1) /* pos pos fail */ \
    X(HB_OP_FIND_SET, 2, "find_set", "21121", 7, 3, 0, 0, 1)  /* n align pos(hint) fail */ \
    X(HB_OP_FIND, 3, "find", "2112", 0x8064, 0, 0, 0)              /* n align pos(hint) */ \
    X(HB_OP_TEST, 4, "test", "12", 1, 4596)                                    /* pos */ \
    X(HB_OP_RANGE_CLEAR, 5, "range_clear", "1212", 0, 0, 2, 9000)           /* pos pos */ \
    X(HB_OP_RANGE_SET, 6, "range_set", "1212", 1, 0, 1, 8)                  /* pos pos */ \
    X(HB_OP_PREPARE, 7, "prepare", "121211", 1, 1, 1, 9000, 3, 1) /* pos pos mode fail */ \
    X(HB_OP_CHECK_ALL, 8, "check_all", "")                            /* full check */ \
    X(HB_OP_BAD, 9, "bad", "1", 5)            /* kind: bad arguments, nothing changes */ \
    X(HB_OP_BAD_INIT, 10, "bad_init", "1", 3)  /* kind: hbitmap_init refuses, writes none */

/* ---- aspace ------------------------------------------------------------
 * config: u8 frame-fail, u8 allocator-fail (every space's); see
 * fuzz_aspace.c. slot = u8 (% 4 spaces); window byte: bits 0-3 the window
 * table index, bit 6 the wrapper mapper (no mappable), bit 7 emptied tables
 * to the queue; region = u8 kernel-half base, page = u16.                  */
#define ASPACE_CONFIG "11"
#define ASPACE_MAX_LEN 512u /* the edges of 2048 at equal CPU time (256 lost
                               some): harness/README.md, "Program length" */
#define ASPACE_OPS(X)                                                                     \
    X(ASPACE_OP_CREATE, 0, "create", "11", 0, 0x81)               /* slot window        */ \
    X(ASPACE_OP_DESTROY, 1, "destroy", "1", 0)                    /* slot               */ \
    X(ASPACE_OP_ALLOC, 2, "alloc", "111", 0, 3, 3)                /* slot pages attrs   */ \
    X(ASPACE_OP_FREE, 3, "free", "11", 0, 0)                      /* slot record        */ \
    X(ASPACE_OP_SWITCH, 4, "switch", "1", 1)                      /* slot               */ \
    X(ASPACE_OP_KMAP, 5, "kmap", "121", 1, 511, 3)                /* region page attrs  */ \
    X(ASPACE_OP_KUNMAP, 6, "kunmap", "1", 0)                      /* kernel page        */ \
    X(ASPACE_OP_KERNEL_VIA_SPACE, 7, "kernel_via_space", "1112", 0, 0, 1, 0) /* slot kind
                                                       (map unmap mappable) region page */ \
    X(ASPACE_OP_FLUSH, 8, "flush", "")                 /* drain the table release queue */ \
    X(ASPACE_OP_FAIL, 9, "fail", "111", 0, 0, 1)  /* which (0 allocator, 1 frames) slot n */ \
    X(ASPACE_OP_CREATE_BAD, 10, "create_bad", "11", 0, 3)         /* slot kind (% 14)   */ \
    X(ASPACE_OP_CHECK_ALL, 11, "check_all", "")                   /* full check         */ \
    X(ASPACE_OP_UNMAP_BEHIND, 12, "unmap_behind", "111", 0, 0, 1) /* slot record page   */
/* ---- emu (emu/fuzz_emu.c: the unchanged core walked by Unicorn) ---------
 * config: u8 mode (EMU_MODE_*, below). After the program, every probe
 * point is checked three ways (emu/probe.h).
 * rec = u8: the (rec % records)-th VMM record, in address order;
 * page = u16: a 4 KiB page index in the window; attrs = u8: bits 0..3 as
 * vmm_attrs_t, bit 7 set: the raw byte (invalid); size = u8: 0 4K, 1 2M,
 * 2 1G, else raw (invalid); phys = u8 class, u16 n: 0 none (vmm_set
 * without phys), 1 frame n % frames of the buffer, 2 n GiB (not backed:
 * translate checks only), 3 n << 40 (beyond MAXPHYADDR: reserved-bit
 * faults); access = u8: bit 0 CPL3, bits 1..2 kind (0 read, 1 write,
 * 2 fetch).                                                              */
#define EMU_CONFIG "1"
/* 32, measured: over the old corpus and four libFuzzer runs (about 1,400
 * inputs, up to 64 ops), programs cut at 32 ops reach the same core/ lines
 * and branches with one seed (seed-many-frames) for the pmm's word skip.
 * The longest op takes 8 bytes: 32 of them and the mode fit EMU_MAX_LEN. */
#define EMU_MAX_OPS 32u
#define EMU_MAX_LEN 264u
#define EMU_OPS(X)                                                                       \
    X(EMU_OP_ALLOC, 0, "alloc", "11", 2, 3)               /* u8 pages (1 + v % 8), attrs */ \
    X(EMU_OP_SET, 1, "set", "21121", 16, 3, 1, 1024, 3)   /* page, u8 pages (1 + v % 8),
                                                             phys (class, n), attrs     */ \
    X(EMU_OP_FREE, 2, "free", "1", 0)                     /* rec                         */ \
    X(EMU_OP_RESERVE, 3, "reserve", "1111", 1, 1, 3, 1)   /* u8 count (1 + v % 4), size,
                                                             attrs, u8 lazy (bit 0)      */ \
    X(EMU_OP_CLAIM, 4, "claim", "21111", 512, 1, 1, 3, 1) /* page, then as RESERVE       */ \
    X(EMU_OP_MAP_PAGE, 5, "map_page", "121", 0, 1, 7)     /* rec, u16 page of it, attrs
                                                             (frames: owned ones from the
                                                             buffer; 1 GiB: far, unmanaged) */ \
    X(EMU_OP_RELEASE, 6, "release", "1", 0)               /* rec                         */ \
    X(EMU_OP_ACCESS, 7, "access", "141", 0, 0x1000, 3)    /* rec, u32 off, access at rec
                                                             start - 4K + off % (rec size
                                                             + 8K) (no record: window
                                                             start + off): judged, with
                                                             the fault decision          */ \
    X(EMU_OP_PROBE, 8, "probe", "")                       /* every point now             */ \
    X(EMU_OP_FAIL, 9, "fail", "11", 1, 0)                 /* u8 which (bit 0: allocator,
                                                             else frames), u8 n (% 8)    */
/* Mode bits: x86_boot_init instead of vmm_init; 1 GiB direct-map pages; a
 * second usable region far above the buffer (64 MiB at 8 GiB, not backed:
 * translate checks only); translate-probe every changed point after every
 * op; bits 4..6 the VMM window (enum emu_window); bit 7 unused. */
#define EMU_MODE_BOOT 1u
#define EMU_MODE_1G 2u
#define EMU_MODE_FAR_REGION 4u
#define EMU_MODE_PROBE_EACH 8u
#define EMU_MODE_WINDOW(mode) (((mode) >> 4) & 7u)
#define EMU_MODE_OF_WINDOW(window) ((unsigned)(window) << 4)
/* VMM windows (mode bits 4..6). Non-canonical ones must be refused by
 * vmm_init / x86_boot_init with VMM_ERR_NON_CANONICAL. */
enum emu_window {
    EMU_WINDOW_DEFAULT = 0,       /* 4 GiB at 2^44 (boot: at -64 TiB)       */
    EMU_WINDOW_STRADDLE_LOW = 1,  /* [2^47 - 1 MiB, 2^47 + 1 MiB): refused  */
    EMU_WINDOW_STRADDLE_HIGH = 2, /* the hole's upper edge +- 1 MiB: refused */
    EMU_WINDOW_IN_HOLE = 3,       /* 4 GiB from 2^47: refused               */
    EMU_WINDOW_TOP = 4,           /* 4 GiB ending at 2^64 - 4 KiB           */
    EMU_WINDOW_TOP_SMALL = 5,     /* 4 MiB ending at 2^64 - 4 KiB           */
    EMU_WINDOW_HOLE_EDGE = 6,     /* lower half up to 2^47 (after the
                                     machine's pages)                      */
    EMU_WINDOW_HIGH_EDGE = 7,     /* 4 GiB from the upper half's start      */
    EMU_WINDOWS
};

/* ---- generated from the tables ------------------------------------------ */

#define FUZZ_OP_ENUM(e, v, ...) e = v,
#define FUZZ_OP_ONE(e, v, ...) +1
enum bitmap_fuzz_op { BITMAP_OPS(FUZZ_OP_ENUM) BITMAP_OP_COUNT };
enum paging_fuzz_op { PAGING_OPS(FUZZ_OP_ENUM) PAGING_OP_COUNT };
enum vmm_fuzz_op { VMM_OPS(FUZZ_OP_ENUM) VMM_OP_COUNT };
enum pmm_fuzz_op { PMM_OPS(FUZZ_OP_ENUM) PMM_OP_COUNT };
enum boot_init_fuzz_part { BOOT_INIT_PARTS(FUZZ_OP_ENUM) BOOT_PART_COUNT };
enum hbitmap_fuzz_op { HBITMAP_OPS(FUZZ_OP_ENUM) HB_OP_COUNT };
enum aspace_fuzz_op { ASPACE_OPS(FUZZ_OP_ENUM) ASPACE_OP_COUNT };
enum emu_fuzz_op { EMU_OPS(FUZZ_OP_ENUM) EMU_OP_COUNT };
/* Values 0 .. COUNT - 1 with none twice (the descriptor tables' designated
 * initialisers are errors when a value repeats): an append-only enum. */
_Static_assert(BITMAP_OP_COUNT == 0 BITMAP_OPS(FUZZ_OP_ONE), "bitmap ops: 0 .. COUNT - 1");
_Static_assert(PAGING_OP_COUNT == 0 PAGING_OPS(FUZZ_OP_ONE), "paging ops: 0 .. COUNT - 1");
_Static_assert(VMM_OP_COUNT == 0 VMM_OPS(FUZZ_OP_ONE), "vmm ops: 0 .. COUNT - 1");
_Static_assert(PMM_OP_COUNT == 0 PMM_OPS(FUZZ_OP_ONE), "pmm ops: 0 .. COUNT - 1");
_Static_assert(BOOT_PART_COUNT == 0 BOOT_INIT_PARTS(FUZZ_OP_ONE), "boot parts: 0 .. COUNT - 1");
_Static_assert(HB_OP_COUNT == 0 HBITMAP_OPS(FUZZ_OP_ONE), "hbitmap ops: 0 .. COUNT - 1");
_Static_assert(ASPACE_OP_COUNT == 0 ASPACE_OPS(FUZZ_OP_ONE), "aspace ops: 0 .. COUNT - 1");
_Static_assert(EMU_OP_COUNT == 0 EMU_OPS(FUZZ_OP_ONE), "emu ops: 0 .. COUNT - 1");

#define FUZZ_OP_MAX_ARGS 8u

/* One op of a table. */
typedef struct fuzz_op_desc {
    const char *name;
    const char *args;                  /* widths, one digit per argument */
    uint64_t example[FUZZ_OP_MAX_ARGS + 1u]; /* [0] unused            */
    unsigned nexample;                 /* arguments in example           */
} fuzz_op_desc_t;

/* One target's input format. */
typedef struct fuzz_format {
    const char *target;
    const char *config;                /* widths of the fixed config bytes */
    const fuzz_op_desc_t *ops;
    unsigned nops;
    int has_opcode;                    /* 0: parts of a configuration    */
    unsigned max_ops;                  /* ops run per input at most      */
    unsigned max_len;                  /* bytes the fuzzers give an input */
} fuzz_format_t;

extern const fuzz_op_desc_t bitmap_op_desc[BITMAP_OP_COUNT];
extern const fuzz_op_desc_t paging_op_desc[PAGING_OP_COUNT];
extern const fuzz_op_desc_t vmm_op_desc[VMM_OP_COUNT];
extern const fuzz_op_desc_t pmm_op_desc[PMM_OP_COUNT];
extern const fuzz_op_desc_t boot_init_part_desc[BOOT_PART_COUNT];
extern const fuzz_op_desc_t hbitmap_op_desc[HB_OP_COUNT];
extern const fuzz_op_desc_t aspace_op_desc[ASPACE_OP_COUNT];
extern const fuzz_op_desc_t emu_op_desc[EMU_OP_COUNT];

/* Every target's format, in build order; fuzz_format_count entries. */
extern const fuzz_format_t fuzz_formats[];
extern const unsigned fuzz_format_count;

/* Returns the format of target, or NULL. */
const fuzz_format_t *fuzz_format(const char *target);

/* The seed encoder: appends op (its opcode byte when f has opcodes) and
 * its arguments v[0 .. n) with the widths of its table row to buf[*len ..
 * cap). Returns false, appending nothing, when op is not in the table, n is
 * not its argument count or the bytes do not fit. */
int fuzz_op_encode(const fuzz_format_t *f, unsigned op, const uint64_t *v, unsigned n,
                   uint8_t *buf, size_t *len, size_t cap);

/* Appends values v[0 .. n) with the widths in widths (one digit, the bytes,
 * per value) to buf[*len .. cap). Returns false, appending nothing, when n
 * is not the number of widths or the bytes do not fit. */
int fuzz_encode(const char *widths, const uint64_t *v, unsigned n, uint8_t *buf, size_t *len,
                size_t cap);

/* Returns the name of op in a table of n ops ("nop" past the end). */
const char *fuzz_op_name(const fuzz_op_desc_t *ops, unsigned n, unsigned op);

#endif
