#!/usr/bin/env python3
"""gen_seeds.py - writes the seed inputs of the `emu` fuzz target into
corpus/emu/ (format: emu/emu_ops.h). Run from anywhere; rewrites the seeds."""
import os
import struct

ALLOC, SET, FREE, RESERVE, CLAIM, MAP_PAGE, RELEASE, ACCESS, PROBE, FAIL = range(10)
BOOT, ONE_G, FAR, PROBE_EACH = 1, 2, 4, 8
# VMM windows (mode bits 4..6, enum emu_window): the straddling ones and the
# one inside the hole must be refused with VMM_ERR_NON_CANONICAL.
STRADDLE_LOW, STRADDLE_HIGH, IN_HOLE, TOP, TOP_SMALL, HOLE_EDGE, HIGH_EDGE = (
    w << 4 for w in range(1, 8))
K, W, C, X = 1, 2, 4, 8          # vmm_attrs_t bits
S4K, S2M, S1G = 0, 1, 2
READ, WRITE, FETCH = 0, 2, 4      # access byte: kind << 1
CPL3 = 1


def u8(v): return struct.pack('<B', v & 0xFF)
def u16(v): return struct.pack('<H', v & 0xFFFF)
def u32(v): return struct.pack('<I', v & 0xFFFFFFFF)


def alloc(pages, attrs): return u8(ALLOC) + u8(pages - 1) + u8(attrs)
def set_(page, pages, cls, n, attrs): return u8(SET) + u16(page) + u8(pages - 1) + u8(cls) + u16(n) + u8(attrs)
def free(rec): return u8(FREE) + u8(rec)
def reserve(count, size, attrs, lazy): return u8(RESERVE) + u8(count - 1) + u8(size) + u8(attrs) + u8(lazy)
def claim(page, count, size, attrs, lazy): return u8(CLAIM) + u16(page) + u8(count - 1) + u8(size) + u8(attrs) + u8(lazy)
def map_page(rec, page, attrs): return u8(MAP_PAGE) + u8(rec) + u16(page) + u8(attrs)
def release(rec): return u8(RELEASE) + u8(rec)
def access(rec, off, a): return u8(ACCESS) + u8(rec) + u32(off) + u8(a)
def probe(): return u8(PROBE)
def fail(which, n): return u8(FAIL) + u8(which) + u8(n)


SEEDS = {
    'attrs_4k': u8(0) + b''.join(alloc(1 + a % 3, a) for a in range(16)),
    'free_unmaps': u8(0) + alloc(3, W | C) + alloc(2, K | X) + probe() + free(0) + free(0),
    'set_phys': u8(0) + set_(16, 4, 1, 1024, W | C) + set_(64, 2, 2, 3, K | W)
                + set_(128, 1, 3, 1, W | X) + set_(256, 2, 0, 0, W) + probe() + free(1),
    'large_pages': u8(0) + reserve(2, S2M, K | W, 0) + map_page(0, 0, K | W | C)
                   + map_page(0, 1, X) + reserve(2, S1G, W, 0) + map_page(1, 1, K | X)
                   + probe() + release(0),
    'demand': u8(0) + reserve(4, S4K, W | C, 1) + access(0, 0x1000, CPL3 | READ)
              + access(0, 0x2000, WRITE) + access(0, 0x2fff, CPL3 | FETCH)
              + reserve(1, S2M, K | X, 1) + access(1, 0x1234, FETCH)
              + access(1, 0x10, CPL3 | READ) + fail(0, 0) + access(0, 0x3000, WRITE),
    'claim': u8(0) + claim(512, 2, S2M, W, 1) + claim(0x10, 3, S4K, K, 0)
             + access(0, 0x200010, CPL3 | WRITE) + map_page(1, 1, K | W) + probe(),
    'boot_1g': u8(BOOT | ONE_G | FAR) + alloc(2, K | W | C) + reserve(2, S4K, K | W, 1)
               + access(1, 0x1000, WRITE) + probe(),
    'boot_2m': u8(BOOT) + alloc(1, K | X) + set_(8, 2, 1, 2000, K | W) + free(0) + probe(),
    'invalid': u8(0) + alloc(1, 0x90) + reserve(1, 7, W, 0) + claim(3, 1, S2M, W, 0)
               + fail(1, 0) + alloc(1, W) + fail(0, 0) + alloc(2, W) + probe(),
    'straddle_low': u8(STRADDLE_LOW) + alloc(1, W) + probe(),
    'straddle_high_boot': u8(STRADDLE_HIGH | BOOT) + alloc(1, W) + probe(),
    'in_hole_boot': u8(IN_HOLE | BOOT | ONE_G) + alloc(1, W),
    'top': u8(TOP) + reserve(3, S1G, W, 1) + access(0, 0xFFFFF000, WRITE)
           + claim(0xFFFF, 1, S4K, K | W, 0) + alloc(8, W | C) + probe(),
    'top_small_boot': u8(TOP_SMALL | BOOT) + reserve(1, S2M, K | W, 1)
                      + access(0, 0x1FFFFF, WRITE) + alloc(2, K) + probe(),
    'hole_edge': u8(HOLE_EDGE) + claim(0xDFF, 1, S4K, W | X, 1)
                 + access(0, 0xFFF, CPL3 | FETCH) + probe(),
    'high_edge_boot': u8(HIGH_EDGE | BOOT) + alloc(1, K | W) + set_(0, 2, 0, 0, K)
                      + probe(),
    # more than 64 frames in use below the pmm's hint: its word-skipping
    # search, within the op limit (EMU_FUZZ_MAX_OPS)
    'many_frames': u8(0) + b''.join(alloc(8, W) for _ in range(12)) + free(2)
                   + alloc(1, W) + alloc(8, W | C) + alloc(8, W),
    'paranoid': u8(PROBE_EACH) + alloc(1, W) + reserve(1, S2M, W | X, 1)
                + access(1, 0x1fffff, CPL3 | FETCH) + release(1),
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'corpus', 'emu')
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, 'seed_' + name), 'wb') as f:
        f.write(data)
print(f'{len(SEEDS)} seeds written to {os.path.normpath(out)}')
