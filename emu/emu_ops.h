/*
 * emu_ops.h - input format of the `emu` fuzz target (harness conventions,
 * harness/fuzz_ops.h: configuration bytes, then ops of one opcode byte and
 * little-endian arguments read with harness/fuzz_data.h, zeros past the end).
 *
 * APPEND-ONLY: these numbers are stored in corpus/emu. Never renumber or
 * change an op's arguments; add new ops before EMU_OP_COUNT. Opcodes >=
 * EMU_OP_COUNT are no-ops. At most EMU_FUZZ_MAX_OPS ops run per input; after
 * the program, probe_world checks every page three ways (probe.h).
 *
 * config: u8 mode  bit 0 boot (x86_boot_init), bit 1 1 GiB direct-map pages,
 *                  bit 2 a second usable region far above the buffer
 *                  (64 MiB at 8 GiB, not backed: translate checks only),
 *                  bit 3 translate-probe every page after every op,
 *                  bits 4..6 the VMM window (enum emu_window; 0: the
 *                  default 4 GiB window of the plain or boot world),
 *                  bit 7 unused
 * rec  = u8: the (rec % records)-th VMM record, in address order
 * page = u16: a 4 KiB page index in the window
 * attrs = u8: bits 0..3 as vmm_attrs_t; bit 7 set: the raw byte (invalid)
 * size = u8: 0 4K, 1 2M, 2 1G, else the raw value (invalid)
 * phys = u8 class, u16 n: 0 none (vmm_set without phys), 1 frame n % frames
 *        of the buffer, 2 n GiB (not backed: translate checks only),
 *        3 n << 40 (beyond MAXPHYADDR: reserved-bit faults)
 * access = u8: bit 0 CPL3, bits 1..2 kind (0 read, 1 write, 2 fetch)
 */
#ifndef EMU_EMU_OPS_H
#define EMU_EMU_OPS_H

/* 32, measured: over the old corpus and four libFuzzer runs (about 1,400
 * inputs, up to 64 ops), programs cut at 32 ops reach the same core/ lines
 * and branches with one seed (seed_many_frames) for the pmm's word skip,
 * and a fuzz input costs half as much as with 64. */
#define EMU_FUZZ_MAX_OPS 32u

enum emu_fuzz_op {
    EMU_OP_ALLOC = 0,    /* u8 pages (1 + v % 8), attrs                     */
    EMU_OP_SET = 1,      /* page, u8 pages (1 + v % 8), phys, attrs          */
    EMU_OP_FREE = 2,     /* rec                                              */
    EMU_OP_RESERVE = 3,  /* u8 count (1 + v % 4), size, attrs, u8 lazy       */
    EMU_OP_CLAIM = 4,    /* page, u8 count (1 + v % 4), size, attrs, u8 lazy */
    EMU_OP_MAP_PAGE = 5, /* rec, u16 page of it, attrs (frames: owned ones
                            from the buffer; 1 GiB: far, unmanaged)          */
    EMU_OP_RELEASE = 6,  /* rec                                              */
    EMU_OP_ACCESS = 7,   /* rec, u32 off, access at rec start - 4K + off %
                            (rec size + 8K) (no record: window start + off):
                            judged, with the fault decision (demand paging)  */
    EMU_OP_PROBE = 8,    /* probe_world now                                  */
    EMU_OP_FAIL = 9,     /* u8 which (bit 0: allocator, else frames), u8 n   */
    EMU_OP_COUNT
};

#define EMU_MODE_BOOT 1u
#define EMU_MODE_1G 2u
#define EMU_MODE_FAR_REGION 4u
#define EMU_MODE_PROBE_EACH 8u
#define EMU_MODE_WINDOW(mode) (((mode) >> 4) & 7u)

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

#endif
