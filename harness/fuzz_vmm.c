/*
 * fuzz_vmm.c - fuzz target: the VMM (vmm.h, fault.h, pf.h) over the REAL
 * x86_64 page tables in host memory, against a plain model: an array of
 * records, each with its frames and per-page attributes.
 *
 * Config bytes: window class (base | offset << 3), window size, allocator
 * failure countdown, frame failure countdown, flags (unused: it once asked
 * for the full check after every op, which VMM_FUZZ_PARANOID=1 in the
 * environment now does). Ops: fuzz_ops.h (VMM_OP_*). A program ends after
 * VMM_MAX_OPS ops or once its ops mapped, unmapped and checked
 * VMM_WORK_BUDGET pages (harness/README.md, "Program length").
 *
 * After every op (cheap, proportional to what it touched):
 *  - the status is one the model allows (frame / allocator failures only
 *    when one was injected);
 *  - counters: bitmap free count == model, records in the list == model,
 *    allocator blocks live == records, frames in use == frames the records
 *    own + table frames;
 *  - success: the pages the op touched and their neighbours are (un)set in
 *    the bitmap (one range query per run of the model's bits) and walk
 *    (harness's own walker) to the model's frame with the model's flags;
 *    the core's #PF decode equals the model's (fault ops);
 *    alloc and reserve return the model's next-fit address (from the page
 *    after the last alloc or reserve, rounded up to the alignment, then
 *    from the window's first aligned page: one pass over the model's gaps);
 *  - the record tree: the model's count, the B+ tree's height bound, no
 *    spare node, and vmm_btree_find_le / vmm_btree_next at the op's key
 *    against the model's records around it (O(log n));
 *  - op reenter: the armed callback's calls back into the VMM were all
 *    refused with VMM_ERR_BUSY (tests/lib/reentry.h; the op they
 *    interrupted is checked as any other);
 *  - every unmap the VMM made was followed by the mapper's flush before the
 *    op returned (fail_mapper's unflushed count; tests/test_vmm_flush.c
 *    checks the order against frame frees);
 *  - free / release never take a frame, and fail (changing nothing) when
 *    an unmap fails (fail_unmap: the VMM's mapper is the tables' one with
 *    an unmap that fails on demand); release_behind (a mapped page
 *    unmapped, or mapped again smaller, behind the VMM through the mapper)
 *    must be refused with the first changed page's error, taking or giving
 *    back no frame, before the page is put back;
 *  - failure: the vmm_t (num_free, records head, hint), the bitmap words
 *    the op could have changed (check_bitmap_unchanged says why those
 *    suffice; against the model's own bitmap, no copy per op), the record
 *    headers around the op's range (every one after alloc, reserve or a
 *    rollback; the list walked against the model's sorted records), the frame,
 *    table and block counts are as before, the op's page is unchanged, and
 *    the records the op named still equal the model (frames[], attributes).
 * Full check (end of input; after every op with VMM_FUZZ_PARANOID=1; the
 * CHECK_ALL op runs its O(records) part: counters and record headers): every
 * record equals the model, the whole bitmap equals the model's (a range
 * query per record and per gap), every leaf in the tables is a model page
 * and every model page is mapped. Then vmm_deinit must give back every
 * block and every frame but the PML4, and the frame pool is put back as it
 * was created (frame_pool_reset), so an input runs the same after any other.
 * Per-input cost: nothing is cleared or copied per window; the model's
 * lookups are binary searches over records sorted by address.
 */
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fault.h"
#include "core/vmm.h"
#include "core/bitmap.h"
#include "core/hbitmap.h"
#include "core/x86_64/paging.h"
#include "core/x86_64/pf.h"
#include "fail_alloc.h"
#include "fail_mapper.h"
#include "fuzz_bits.h"
#include "fuzz_check.h"
#include "fuzz_data.h"
#include "fuzz_driver.h"
#include "fuzz_walk.h"
#include "reentry.h"

/* Sanitizer-free harness code: FUZZ_NO_SAN for the vmm_t snapshot (below);
 * FUZZ_NO_ASAN for the model lookups run once per page an op touched and per
 * leaf of the end-of-input walk (model_at, model_mapped, check_page_cached,
 * leaf_seen...). They read only this target's state, one object whose
 * arrays (records, frames, attributes, the model's bitmap) lie side by
 * side: ASan cannot see an index past one of them (it lands in the next
 * field), so its check of every read found nothing; it cost a third of
 * those functions' time. The core they call stays fully checked. */

#define POOL_BASE 0x400000ull            /* managed frames: [4 MiB, 36 MiB) */
#define POOL_FRAMES 8192u
#define UNMANAGED_BASE 0x100000000ull    /* device memory for map_page      */
#define MAX_RECORDS 256u
#define MAX_FRAMES 1024u                 /* per model record: big_counts     */
#define SMALL_WINDOW_PAGES 4096u
#define HUGE_WINDOW_PAGES (1u << 18)     /* 1 GiB (+ up to 256 MiB): 1G pages */
#define STORAGE_WORDS (BITMAP_WORDS(HUGE_WINDOW_PAGES + 65536u) + 1u)
#define FULL_COMPARE_WORDS 1024u         /* failed ops compare whole bitmaps
                                            up to here (every small window) */
#define WINDOW_BASES 8u
#define HUGE_CLASS 7u
static uint64_t work_budget; /* VMM_WORK_BUDGET (VMM_FUZZ_WORK=N to measure another) */
#define ATTR_RAW_FLAG 0x80u
#define FLAGS_RAW_FLAG 0x80u
#define FLAGS_LAZY_BIT 0x01u     /* a flags byte: VMM_RESERVE_LAZY     */
#define FLAGS_BORROWED_BIT 0x02u /* a flags byte: VMM_RESERVE_BORROWED */
#define PAGES(bytes) ((bytes) >> VMM_PAGE_SHIFT)
#define BIT(st) (1ull << (st))
#define DIV_POW2(x, p) ((x) >> __builtin_ctzll(p)) /* x / p, p a power of two */
/* Input encoding (fuzz_ops.h): the va mode byte, set's phys byte,
 * map_page's index and phys bytes, fail's which byte. */
#define VA_BASE_MASK 0x3u      /* start, start up to 2M, up to 1G, end */
#define VA_UNIT_SHIFT 2u
#define VA_UNIT_MASK 0x3u      /* slot unit 4K, 2M, 1G, 4K */
#define VA_BELOW 0x10u
#define VA_ODD 0x20u
#define SET_WITH_PHYS 0x1u
#define SET_PHYS_LONGER 0x2u
#define SET_PHYS_ODD 0x4u
#define SET_PHYS_EMPTY 0x8u
#define SET_ODD_BYTES 0x10u
#define MAP_NOT_START 0x80u    /* reservation + page * 4K */
#define MAP_VIRT_4K_OFF 0x4u
#define MAP_PHYS_MASK 0x3u
#define MAP_PHYS_POOL 0x0u     /* else device memory; 2: one frame off */
#define MAP_PHYS_ODD 0x2u
#define MAP_PHYS_SHARED 0x8u   /* pool mode, a borrowed reservation: a frame
                                  another borrowed page maps (shared memory) */
#define FAIL_WHICH_FRAMES 0x1u
#define SIZE_STRADDLE 0x8000u  /* config: small window across its base */
#define ARENA_BYTES (8u << 20) /* record blocks: 256 ops x the largest, with room */

static const uint64_t window_base[WINDOW_BASES] = {
    0x0000000000001000ull, 0x0000000040000000ull, 0x00007FFFFFE00000ull,
    0xFFFF800000000000ull, X86_KERNEL_BASE,       0xFFFFFFFFFF000000ull,
    0x000000003FE00000ull, 0x0000000080000000ull,
};
static const uint64_t unit_size[4] = { VMM_SIZE_4K, VMM_SIZE_2M, VMM_SIZE_1G, VMM_SIZE_4K };

typedef struct model_record {
    uint64_t virt, pages, page_size, phys;
    vmm_attrs_t attrs;
    uint32_t kind, flags, nframes;
    /* per page (RESERVE: per page_size page); MAX_FRAMES entries kept out
     * of line, so the headers the lookups scan share a few cache lines */
    uint64_t *frames;
    vmm_attrs_t *page_attrs;
} model_record_t;

typedef struct vmm_state {
    frame_pool_t pool;
    fail_frames_t ff;   /* the core's frame source: pool, failing on demand */
    fail_alloc_t alloc;
    x86_paging_t pt;
    vmm_t vmm;
    vmm_t snap_vmm;     /* snapshot: the vmm_t before the op            */
    bool snap_same;     /* snap_vmm equals vmm (a failed op was compared
                           with it since): the next snapshot copies nothing */
    vmm_t init_dirt;    /* 0x5A bytes: what the bad vmm_init calls get   */
    uint64_t storage[STORAGE_WORDS]; /* words read from the VMM's hbitmap */
    size_t mb_lo, mb_hi;           /* words of mbits written this input:
                                      all zero outside [mb_lo, mb_hi)  */
    uint64_t mbits[STORAGE_WORDS]; /* the model's bitmap, kept per op; all
                                      zero between inputs              */
    size_t storage_words;
    uint64_t start, end, window_pages;
    bool paranoid;      /* VMM_FUZZ_PARANOID=1: full check after every op */
    uint64_t work;      /* pages the ops mapped, unmapped or checked      */
    bool mappable;      /* the model's verdict: the window avoids the canonical hole */
    /* model */
    model_record_t recs[MAX_RECORDS];
    uint64_t frame_store[MAX_RECORDS][MAX_FRAMES];   /* recs[i].frames ...  */
    vmm_attrs_t attr_store[MAX_RECORDS][MAX_FRAMES]; /* ... .page_attrs     */
    size_t nrecs;
    size_t frame_blocks; /* allocator blocks of the core records' per-page data */
    uint16_t order[MAX_RECORDS]; /* indices into recs, sorted by virt  */
    uint64_t used_pages;
    uint64_t hint;            /* next fit: the page after the last alloc / reserve */
    size_t owned_frames;      /* pool frames the records own          */
    size_t borrowed_frames;   /* pool frames the harness lent to
                                 VMM_RESERVE_BORROWED reservations: still
                                 the harness's, freed by it after the
                                 last release that maps them          */
    uint8_t *lent;            /* per pool frame: borrowed pages mapping it */
    size_t lent_hi;           /* lent[] is 0 from here on             */
    uint8_t *owned;           /* per pool frame: owned by a record    */
    size_t owned_hi;          /* owned[] is 0 from here on            */
    size_t leaves_seen;
    model_record_t *last;     /* model_at's cache                    */
    uint64_t tree_key;        /* the last record added or removed:   */
    bool tree_touched;        /* the tree paths check_op checks      */
    /* snapshot of a failing op */
    uint64_t touch_va, touch_len;  /* the op's argument range (bitmap)  */
    size_t op_frames;              /* most frames the op may take       */
    bool rolled_back;              /* failed after an injected failure  */
    size_t snap_in_use, snap_tables, snap_live, snap_live_bytes;
    size_t snap_frame_failures, snap_alloc_failures;
    /* the mapper the VMM gets: the tables' mapper behind a fail_mapper
     * (tests/lib), armed only inside vmm_free / vmm_release (op_free) */
    fail_mapper_t fm;
    /* the interfaces the VMM gets wrap those three: op reenter arms one call
       to call back into the VMM (tests/lib/reentry.h) */
    reentry_t reent;
    long unmap_countdown;     /* VMM_OP_FAIL_UNMAP: unmap calls inside free /
                                 release left before the failing one; -1 never */
    size_t snap_unmap_failures;
} vmm_state_t;

/* ================================================================ model */

/* Returns true when [a, a + alen) and [b, b + blen) overlap (no wrap). */
static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* Returns true when model record r holds va. */
FUZZ_NO_ASAN static bool model_holds(const model_record_t *r, uint64_t va)
{
    return va >= r->virt && va - r->virt < r->pages * VMM_PAGE_SIZE;
}

/* Returns the end (first byte after) of model record r. */
static uint64_t model_end(const model_record_t *r)
{
    return r->virt + r->pages * VMM_PAGE_SIZE;
}

/* Returns the number of model records whose start is below va (binary
 * search of order[]: records never overlap, so ends are sorted too). */
FUZZ_NO_ASAN static size_t model_below(const vmm_state_t *s, uint64_t va)
{
    size_t lo = 0, hi = s->nrecs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2u;
        if (s->recs[s->order[mid]].virt < va)
            lo = mid + 1u;
        else
            hi = mid;
    }
    return lo;
}

/* Returns the model record holding va, or NULL (the last hit first: checks
 * walk a record page by page). */
FUZZ_NO_ASAN static model_record_t *model_at(vmm_state_t *s, uint64_t va)
{
    if (s->last && model_holds(s->last, va))
        return s->last;
    if (va == UINT64_MAX)
        return NULL;
    size_t n = model_below(s, va + 1u); /* records starting at or below va */
    if (n && model_holds(&s->recs[s->order[n - 1u]], va))
        return s->last = &s->recs[s->order[n - 1u]];
    return NULL;
}

/* Returns the mask of bits [lo, hi) of one word (0 <= lo < hi <= 64). */
#define WORD_MASK(lo, hi) \
    (((hi) == BITMAP_WORD_BITS ? UINT64_MAX : (((uint64_t)1 << (hi)) - 1u)) & (UINT64_MAX << (lo)))

/* Sets (on) or clears bits [first, first + n) of words: the partial words
 * at the ends by mask, the whole words between by a plain fill. The model's
 * own bitmap (mbits, sized for the largest window: STORAGE_WORDS), so
 * unsanitized: a 1 GiB reservation sets 4,096 words, each ASan-checked
 * before (model_add was 1.4% of the target's time). */
FUZZ_NO_SAN static void set_bits(uint64_t *words, size_t first, uint64_t n, bool on)
{
    size_t end = first + (size_t)n;
    if (first >= end)
        return;
    size_t w = first / BITMAP_WORD_BITS, wl = (end - 1u) / BITMAP_WORD_BITS;
    size_t lo = first % BITMAP_WORD_BITS, hi = (end - 1u) % BITMAP_WORD_BITS + 1u;
    if (w == wl) {
        uint64_t m = WORD_MASK(lo, hi);
        words[w] = on ? words[w] | m : words[w] & ~m;
        return;
    }
    uint64_t head = WORD_MASK(lo, BITMAP_WORD_BITS), tail = WORD_MASK(0, hi);
    words[w] = on ? words[w] | head : words[w] & ~head;
    words[wl] = on ? words[wl] | tail : words[wl] & ~tail;
    uint64_t fill = on ? UINT64_MAX : 0;
    for (size_t k = w + 1u; k < wl; k++)
        words[k] = fill;
}

/* Sets (on) or clears bits [first, first + n) of the model's bitmap, noting
 * the words written (mb_lo, mb_hi). */
static void model_bits(vmm_state_t *s, size_t first, uint64_t n, bool on)
{
    size_t lo = first / BITMAP_WORD_BITS, hi = (first + (size_t)n + BITMAP_WORD_BITS - 1u) /
                                                 BITMAP_WORD_BITS;
    s->mb_lo = lo < s->mb_lo ? lo : s->mb_lo;
    s->mb_hi = hi > s->mb_hi ? hi : s->mb_hi;
    set_bits(s->mbits, first, n, on);
}

/* Returns the end of the run of v in the model's bitmap from bit i, at
 * most end (fuzz_run_end): words outside [mb_lo, mb_hi) are zero, so only
 * those in it are read (a 2^18-page window has 4,096 words). */
static size_t model_run_end(const vmm_state_t *s, size_t i, size_t end, bool v)
{
    if (s->mb_lo >= s->mb_hi) /* nothing written: all zero */
        return v && i < end ? i : end;
    if (v)
        return fuzz_run_end(s->mbits, i, end, true);
    size_t lo = s->mb_lo * BITMAP_WORD_BITS, hi = s->mb_hi * BITMAP_WORD_BITS;
    if (i < lo)
        i = lo < end ? lo : end; /* [i, lo) is zero */
    size_t stop = hi < end ? hi : end;
    if (i >= stop)
        return end;
    size_t at = fuzz_run_end(s->mbits, i, stop, false);
    return at == stop ? end : at;
}

/* Returns bit i of words. */
FUZZ_NO_ASAN static bool bit_of(const uint64_t *words, size_t i)
{
    return (words[i / BITMAP_WORD_BITS] >> (i % BITMAP_WORD_BITS)) & 1u;
}

/* Returns true when entries [first, end) of the VMM's hierarchical bitmap
 * equal the model's bits: one range query of the core per run of equal
 * model bits, so the cost is the runs the model has there, not the pages. */
static bool bitmap_equal(const vmm_state_t *s, size_t first, size_t end)
{
    const hbitmap_t *hb = &s->vmm.bitmap;
    while (first < end) {
        bool v = bit_of(s->mbits, first);
        size_t next = model_run_end(s, first, end, v);
        if (!(v ? hbitmap_range_set(hb, first, next - first)
                : hbitmap_range_clear(hb, first, next - first)))
            return false;
        first = next;
    }
    return true;
}

#define READ_BLOCK_WORDS 64u /* a leaf of the hierarchical bitmap */

/* Reads words [from, to) of the VMM's hierarchical bitmap into s->storage
 * (the flat layout), a uniform word by one range query. */
static void read_words(vmm_state_t *s, size_t from, size_t to)
{
    const hbitmap_t *hb = &s->vmm.bitmap;
    for (size_t w = from; w < to; w++) {
        /* a uniform block of up to READ_BLOCK_WORDS words: one query each way */
        size_t bw = to - w < READ_BLOCK_WORDS ? to - w : READ_BLOCK_WORDS;
        size_t bfirst = w * BITMAP_WORD_BITS;
        size_t bn = hb->num_entries - bfirst < bw * BITMAP_WORD_BITS ? hb->num_entries - bfirst
                                                                    : bw * BITMAP_WORD_BITS;
        if (bw > 1 && bn == bw * BITMAP_WORD_BITS) {
            bool clear = hbitmap_range_clear(hb, bfirst, bn);
            if (clear || hbitmap_range_set(hb, bfirst, bn)) {
                for (size_t k = 0; k < bw; k++)
                    s->storage[w + k] = clear ? 0 : UINT64_MAX;
                w += bw - 1u;
                continue;
            }
        }
        size_t first = w * BITMAP_WORD_BITS;
        size_t n = hb->num_entries - first < BITMAP_WORD_BITS ? hb->num_entries - first
                                                               : BITMAP_WORD_BITS;
        uint64_t word = 0;
        if (hbitmap_range_set(hb, first, n)) {
            word = n == BITMAP_WORD_BITS ? UINT64_MAX : ((uint64_t)1 << n) - 1u;
        } else if (!hbitmap_range_clear(hb, first, n)) {
            for (size_t k = 0; k < n; k++) {
                bool b = false;
                (void)hbitmap_test(hb, first + k, &b);
                word |= (uint64_t)b << k;
            }
        }
        s->storage[w] = word;
    }
}

/* Returns true when [va, va + len) is inside the window. */
FUZZ_NO_ASAN static bool in_window(const vmm_state_t *s, uint64_t va, uint64_t len)
{
    return va >= s->start && va < s->end && len <= s->end - va;
}

/* Returns true when no model record overlaps [va, va + len) (len > 0, no
 * wrap): the last record starting below va + len must end by va. */
static bool model_free(vmm_state_t *s, uint64_t va, uint64_t len)
{
    size_t n = model_below(s, va + len);
    const model_record_t *r = n ? &s->recs[s->order[n - 1u]] : NULL;
    return !r || !overlap(va, len, r->virt, r->pages * VMM_PAGE_SIZE);
}

/* Returns true when the window has len free bytes at an address aligned to
 * align: some gap between records (or the window's ends) holds them. */
static bool model_has_space(vmm_state_t *s, uint64_t len, uint64_t align)
{
    uint64_t from = s->start;
    for (size_t i = 0; i <= s->nrecs; i++) {
        uint64_t to = i < s->nrecs ? s->recs[s->order[i]].virt : s->end;
        uint64_t va = (from + (align - 1u)) & ~(align - 1u);
        if (va >= from && va < to && len <= to - va)
            return true;
        if (i < s->nrecs)
            from = model_end(&s->recs[s->order[i]]);
    }
    return false;
}

/* Returns the lowest page index >= from, in phase with phase modulo align
 * (pages), where pages free pages start in the model's window, or
 * UINT64_MAX: one pass over the gaps between the model's records. */
static uint64_t model_fit_from(vmm_state_t *s, uint64_t pages, uint64_t align, uint64_t phase,
                               uint64_t from)
{
    uint64_t gap = 0;
    for (size_t i = 0; i <= s->nrecs; i++) {
        const model_record_t *r = i < s->nrecs ? &s->recs[s->order[i]] : NULL;
        uint64_t end = r ? PAGES(r->virt - s->start) : s->window_pages;
        uint64_t c = gap > from ? gap : from;
        c = phase + ((c - phase + align - 1u) / align) * align;
        if (c < end && pages <= end - c)
            return c;
        if (r)
            gap = end + r->pages;
    }
    return UINT64_MAX;
}

/* The model's placement of vmm_alloc / vmm_reserve (vmm.h, next fit):
 * returns the address of the lowest run of pages free pages aligned to
 * align pages at or after the page after the last alloc or reserve (s->hint,
 * rounded up to the alignment), else the lowest from the window's first
 * aligned page; false when there is none. */
static bool model_next_fit(vmm_state_t *s, uint64_t pages, uint64_t align, uint64_t *va)
{
    uint64_t base = PAGES(s->start);
    uint64_t phase = (align - (base % align)) % align; /* first aligned page */
    if (phase >= s->window_pages)
        return false;
    uint64_t from = s->hint > phase ? phase + ((s->hint - phase + align - 1u) / align) * align
                                    : phase;
    uint64_t first = from <= s->window_pages ? model_fit_from(s, pages, align, phase, from)
                                             : UINT64_MAX;
    if (first == UINT64_MAX)
        first = model_fit_from(s, pages, align, phase, phase);
    if (first == UINT64_MAX)
        return false;
    *va = s->start + first * VMM_PAGE_SIZE;
    return true;
}

/* Returns true when every 4K page of [va, va + len) is canonical. */
static bool canonical_range(uint64_t va, uint64_t len)
{
    return X86_CANONICAL(va) && X86_CANONICAL(va + (len - 1u)) &&
           (va >> (X86_VA_BITS - 1u)) == ((va + (len - 1u)) >> (X86_VA_BITS - 1u));
}

/* Marks the pool frames of [phys, phys + count frames) owned (or not).
 * The clip is frame_pool_clip's, inline (once per page an op maps); owned[]
 * is indexed only inside the clip (unsanitized: per page an op maps). */
FUZZ_NO_ASAN static void own_frames(vmm_state_t *s, uint64_t phys, uint64_t count, bool own)
{
    uint64_t base = s->pool.base, pool_end = base + (uint64_t)s->pool.nframes * VMM_PAGE_SIZE;
    uint64_t end = count > (UINT64_MAX - phys) >> VMM_PAGE_SHIFT ? UINT64_MAX
                                                                 : phys + count * VMM_PAGE_SIZE;
    uint64_t lo = phys > base ? phys : base, hi = end < pool_end ? end : pool_end;
    size_t first = lo < hi ? (size_t)PAGES(lo - base) : 0;
    size_t n = lo < hi ? (size_t)PAGES(hi - lo) : 0;
    if (own && first + n > s->owned_hi)
        s->owned_hi = first + n;
    for (size_t i = first; i < first + n; i++) {
        FUZZ_CHECK(s->owned[i] != own, "vmm-frame-owner", "frame 0x%llx %s",
                   (unsigned long long)(s->pool.base + i * VMM_PAGE_SIZE),
                   own ? "is owned by two records" : "was not owned");
        s->owned[i] = own;
    }
    s->owned_frames = own ? s->owned_frames + n : s->owned_frames - n;
}

/* Counts the pool frames of [phys, phys + count frames) as lent once more
 * to a borrowed reservation's page (lend), or once less: a frame no
 * borrowed page maps any more goes back to the pool (it was the harness's
 * all along; the core must have freed none of it). */
static void borrowed_pool_frames(vmm_state_t *s, uint64_t phys, uint64_t count, bool lend)
{
    uint64_t base = s->pool.base;
    size_t first = 0, n = frame_pool_clip(&s->pool, phys, count, &first);
    vmm_frames_t f = frame_pool_frames(&s->pool);
    if (lend && first + n > s->lent_hi)
        s->lent_hi = first + n;
    for (size_t i = first; i < first + n; i++) {
        if (lend) {
            FUZZ_CHECK(s->lent[i] < UINT8_MAX, "vmm-model-full", "a frame lent 255 times");
            s->borrowed_frames += s->lent[i]++ == 0;
            continue;
        }
        FUZZ_CHECK(s->lent[i] != 0, "vmm-borrowed-frames", "frame 0x%llx was not lent",
                   (unsigned long long)(base + i * VMM_PAGE_SIZE));
        if (--s->lent[i] != 0)
            continue;
        FUZZ_CHECK(f.free(f.ctx, base + i * VMM_PAGE_SIZE, 1) == VMM_OK, "vmm-borrowed-frames",
                   "frame 0x%llx, lent to borrowed reservations, is not in use after their "
                   "release", (unsigned long long)(base + i * VMM_PAGE_SIZE));
        s->borrowed_frames--;
    }
}

/* Returns true when model record r is a borrowed reservation. */
static bool model_borrowed(const model_record_t *r)
{
    return r->kind == VMM_REC_RESERVE && (r->flags & VMM_RESERVE_BORROWED) != 0;
}

/* Gives back what the harness lent to borrowed reservation r's mapped
 * pages, r gone from the core (released, or the core deinit): the core
 * unmapped them and freed none. */
static void return_lent(vmm_state_t *s, const model_record_t *r)
{
    for (uint32_t k = 0; k < r->nframes; k++)
        if (r->frames[k] != VMM_NO_FRAME)
            borrowed_pool_frames(s, r->frames[k], PAGES(r->page_size), false);
}

static size_t model_store_blocks(const model_record_t *m);

/* Adds a model record; returns it. */
static model_record_t *model_add(vmm_state_t *s, uint32_t kind, uint64_t virt, uint64_t pages)
{
    FUZZ_CHECK(s->nrecs < MAX_RECORDS, "vmm-model-full", "model record capacity");
    size_t pos = model_below(s, virt);
    memmove(&s->order[pos + 1u], &s->order[pos], (s->nrecs - pos) * sizeof s->order[0]);
    s->order[pos] = (uint16_t)s->nrecs;
    model_record_t *r = &s->recs[s->nrecs++];
    uint64_t *frames = r->frames;
    vmm_attrs_t *page_attrs = r->page_attrs;
    memset(r, 0, sizeof *r);
    r->frames = frames;
    r->page_attrs = page_attrs;
    r->kind = kind;
    r->virt = virt;
    r->pages = pages;
    r->page_size = VMM_PAGE_SIZE;
    r->phys = VMM_NO_FRAME;
    s->used_pages += pages;
    s->last = NULL;
    s->tree_key = virt;
    s->tree_touched = true;
    model_bits(s, (size_t)PAGES(virt - s->start), pages, true);
    return r;
}

/* Removes model record r, disowning its frames. */
static void model_remove(vmm_state_t *s, model_record_t *r)
{
    s->frame_blocks -= model_store_blocks(r);
    if (r->kind == VMM_REC_SET && r->phys != VMM_NO_FRAME)
        own_frames(s, r->phys, r->pages, false);
    if (model_borrowed(r))
        return_lent(s, r);
    for (uint32_t k = 0; !model_borrowed(r) && k < r->nframes; k++)
        if (r->frames[k] != VMM_NO_FRAME)
            own_frames(s, r->frames[k], PAGES(r->page_size), false);
    s->used_pages -= r->pages;
    s->tree_key = r->virt;
    s->tree_touched = true;
    model_bits(s, (size_t)PAGES(r->virt - s->start), r->pages, false);
    /* drop r from order[]; the last record moves into r's slot */
    size_t pos = model_below(s, r->virt), idx = (size_t)(r - s->recs);
    memmove(&s->order[pos], &s->order[pos + 1u], (s->nrecs - 1u - pos) * sizeof s->order[0]);
    model_record_t *last = &s->recs[--s->nrecs];
    if (last != r) {
        s->order[model_below(s, last->virt)] = (uint16_t)idx;
        /* the slots trade places: r's arrays go to the free slot */
        model_record_t gone = *r;
        *r = *last;
        last->frames = gone.frames;
        last->page_attrs = gone.page_attrs;
    }
    s->last = NULL;
}

/* Drops every model record at the end of an input: the words of the
 * model's bitmap the input wrote zeroed (all zero again), owned[] up to
 * owned_hi (the frames were the core's to give back: vmm_deinit's frame
 * and leak checks judge that, not the model). */
static void model_clear(vmm_state_t *s)
{
    if (s->mb_lo < s->mb_hi)
        memset(&s->mbits[s->mb_lo], 0, (s->mb_hi - s->mb_lo) * sizeof s->mbits[0]);
    s->mb_lo = SIZE_MAX;
    s->mb_hi = 0;
    memset(s->owned, 0, s->owned_hi);
    s->owned_hi = 0;
    s->owned_frames = 0;
    s->borrowed_frames = 0;
    memset(s->lent, 0, s->lent_hi);
    s->lent_hi = 0;
    s->nrecs = 0;
    s->frame_blocks = 0;
    s->used_pages = 0;
    s->last = NULL;
}

/* Returns true when the model maps va: *phys and *attrs of its page. */
FUZZ_NO_ASAN static bool model_mapped(vmm_state_t *s, uint64_t va, uint64_t *phys,
                                 vmm_attrs_t *attrs, uint64_t *size)
{
    /* no record outside the window, none where the model's bitmap is clear */
    if (!in_window(s, va, 1) || !bit_of(s->mbits, (size_t)PAGES(va - s->start)))
        return false;
    model_record_t *r = model_at(s, va);
    if (!r)
        return false;
    uint64_t off = va - r->virt;
    if (r->kind == VMM_REC_SET) {
        if (r->phys == VMM_NO_FRAME)
            return false;
        *phys = r->phys + (off & ~VMM_PAGE_MASK);
        *attrs = r->attrs;
        *size = VMM_SIZE_4K;
        return true;
    }
    size_t k = (size_t)DIV_POW2(off, r->page_size);
    if (r->frames[k] == VMM_NO_FRAME)
        return false;
    *phys = r->frames[k];
    *attrs = r->kind == VMM_REC_ALLOC ? r->attrs : r->page_attrs[k];
    *size = r->page_size;
    return true;
}

/* ================================================================ checks */

/* Returns the fewest entries a B+ tree of height h holds (vmm_btree.h: a
 * root of 1 entry (leaf) or 2 children, every other node VMM_BTREE_MIN). */
static uint64_t btree_min_entries(unsigned h)
{
    if (h <= 1)
        return h;
    uint64_t n = 2;
    for (unsigned d = 2; d < h && n < UINT64_MAX / VMM_BTREE_MIN; d++)
        n *= VMM_BTREE_MIN;
    return n * VMM_BTREE_MIN;
}

/* After an op: the record tree holds the model's count within the B+
 * tree's height bound with no spare node, and around the key the op added
 * or removed (else the op's address) vmm_btree_find_le and vmm_btree_next
 * give the model's records: the last starting at or below key and the
 * first above it (O(log n)). The whole tree: check_all. */
static void check_tree_near(vmm_state_t *s, uint64_t key)
{
    const vmm_t *v = &s->vmm;
    FUZZ_CHECK(v->tree.count == s->nrecs && v->tree.nspare == 0, "vmm-tree-count",
               "tree count %zu (%u spare nodes), model %zu", v->tree.count, v->tree.nspare,
               s->nrecs);
    FUZZ_CHECK(btree_min_entries(v->tree.height) <= v->tree.count &&
                   v->tree.height <= VMM_BTREE_MAX_HEIGHT && (v->tree.root == NULL) == (v->tree.count == 0),
               "vmm-tree-height", "tree of %zu records is %u high: above the B+ tree bound",
               v->tree.count, v->tree.height);
    size_t le = key == UINT64_MAX ? s->nrecs : model_below(s, key + 1u);
    const model_record_t *below = le != 0 ? &s->recs[s->order[le - 1u]] : NULL;
    const model_record_t *above = le < s->nrecs ? &s->recs[s->order[le]] : NULL;
    uint64_t found = 0;
    const vmm_record_t *b = vmm_btree_find_le(&v->tree, key, &found);
    const vmm_record_t *n = vmm_btree_next(&v->tree, key, false);
    FUZZ_CHECK(below ? b && b->virt == below->virt && found == below->virt : b == NULL,
               "vmm-tree-find", "vmm_btree_find_le(0x%llx): %s 0x%llx; the model has %s 0x%llx",
               (unsigned long long)key, b ? "record" : "NULL", (unsigned long long)(b ? b->virt : 0),
               below ? "record" : "none", (unsigned long long)(below ? below->virt : 0));
    FUZZ_CHECK(above ? n && n->virt == above->virt : n == NULL, "vmm-tree-next",
               "vmm_btree_next(0x%llx): %s 0x%llx; the model has %s 0x%llx",
               (unsigned long long)key, n ? "record" : "NULL", (unsigned long long)(n ? n->virt : 0),
               above ? "record" : "none", (unsigned long long)(above ? above->virt : 0));
}

/* Returns the bytes of per-page data the core holds for model record m
 * (vmm.h) and stores in *blocks (if not NULL) how many allocator blocks:
 * an ALLOC record's frames block; a reservation's sparse store, built
 * from the pages the model has mapped (no page is ever unmapped on its
 * own: what a map took stays until the release): chunks of 256 frames
 * (+ an attribute byte each) under levels of 512-pointer nodes, as many
 * levels as nframes needs, the top one sized by nframes (a single chunk
 * of nframes frames when 256 cover them); 0 otherwise. Computed from the
 * model's pages, not the core's: per level, the distinct page prefixes. */
static size_t model_store_bytes(const model_record_t *m, size_t *blocks)
{
    size_t bytes = 0, n = 0;
    if (m->kind == VMM_REC_ALLOC) {
        bytes = m->nframes * sizeof(uint64_t), n = 1;
    } else if (m->kind == VMM_REC_RESERVE) {
        unsigned h = 0;
        while ((uint64_t)m->nframes > (uint64_t)1 << (8u + 9u * h))
            h++;
        for (unsigned l = 0; l <= h; l++) {
            unsigned shift = l == 0 ? 8u : 8u + 9u * l; /* pages under one level-l node */
            size_t nodes = 0;
            uint64_t last = UINT64_MAX;
            for (uint32_t k = 0; k < m->nframes; k++) {
                if (m->frames[k] == VMM_NO_FRAME || (uint64_t)k >> shift == last)
                    continue;
                last = (uint64_t)k >> shift;
                nodes++;
            }
            size_t each = l == 0 ? 256u * 9u : 512u * sizeof(void *);
            if (l == h && h == 0)
                each = m->nframes * 9u;
            else if (l == h)
                each = (size_t)(((uint64_t)m->nframes + ((uint64_t)1 << (8u + 9u * (h - 1u))) -
                                 1u) >> (8u + 9u * (h - 1u))) * sizeof(void *);
            bytes += nodes * each, n += nodes;
        }
    }
    if (blocks != NULL)
        *blocks = n;
    return bytes;
}

/* Returns the allocator blocks of model record m's per-page data. */
static size_t model_store_blocks(const model_record_t *m)
{
    size_t blocks;
    model_store_bytes(m, &blocks);
    return blocks;
}

/* Checks the cheap global counters. */
static void check_counters(vmm_state_t *s)
{
    FUZZ_CHECK(s->vmm.bitmap.num_free == s->window_pages - s->used_pages, "vmm-free-count",
               "bitmap num_free %zu, model %llu", s->vmm.bitmap.num_free,
               (unsigned long long)(s->window_pages - s->used_pages));
    size_t nodes = s->vmm.bitmap.nodes + s->vmm.bitmap.leaves, chunks = s->vmm.index.chunks;
    FUZZ_CHECK(s->alloc.live == s->frame_blocks + nodes + chunks + s->vmm.tree.nodes,
               "vmm-record-blocks", "%zu allocator blocks live, model has %zu per-page blocks + "
               "%zu bitmap nodes + %zu index chunks + %zu tree nodes", s->alloc.live,
               s->frame_blocks, nodes, chunks, s->vmm.tree.nodes);
    /* every chunk holds a record's node (an empty one goes back), and the
     * records' nodes fit in them */
    FUZZ_CHECK(chunks <= s->nrecs && chunks * VMM_INDEX_CHUNK_NODES >= s->nrecs &&
                   s->vmm.index.spare == NULL,
               "vmm-index-chunks", "%zu index chunks for %zu records", chunks, s->nrecs);
    FUZZ_CHECK(frame_pool_in_use(&s->pool) ==
                   s->owned_frames + s->borrowed_frames + s->pt.table_frames,
               "vmm-frames-in-use", "%zu frames in use; records own %zu, %zu lent to borrowed "
               "reservations + %zu table frames", frame_pool_in_use(&s->pool), s->owned_frames,
               s->borrowed_frames, s->pt.table_frames);
}

/* Returns true when the core's record list has exactly the model's records
 * in address order, every header field equal (frames[] are compared where an
 * op names a record and at the end); *count = records walked. */
/* Returns true when core record r has model record m's header. */
static bool same_header(const vmm_record_t *r, const model_record_t *m)
{
    return r->virt == m->virt && r->pages == m->pages && r->page_size == m->page_size &&
           r->phys == m->phys && r->attrs == m->attrs && r->kind == m->kind &&
           r->flags == m->flags && r->nframes == m->nframes;
}

/* Returns true when the core's record list, from its record at index first
 * of the model's order (r, or the first record when first is 0 and r is
 * NULL), holds the model's records first .. last - 1 in address order with
 * their headers; last == nrecs: and nothing after. *count = records walked
 * (past last: last + 1). */
static bool records_from(const vmm_state_t *s, const vmm_record_t *r, size_t first, size_t last,
                         size_t *count)
{
    size_t n = first;
    bool same = true;
    for (; r && n <= last; r = vmm_next_record(r), n++) {
        if (n == last)
            return *count = n + (last == s->nrecs), last != s->nrecs && same;
        same &= same_header(r, &s->recs[s->order[n]]);
    }
    *count = n;
    return same && n == last;
}

/* Returns true when the core's record list has exactly the model's records
 * in address order, every header field equal (frames[] are compared where an
 * op names a record and at the end); *count = records walked. */
static bool records_match(const vmm_state_t *s, size_t *count)
{
    return records_from(s, vmm_first_record(&s->vmm), 0, s->nrecs, count);
}

/* As records_match, for the records an op on [va, va + len) could reach:
 * the last one starting at or below va, those starting in the range and the
 * one after (O(records the op touched); records_match: at the end). The
 * tree's count must be the model's. */
static bool records_near(vmm_state_t *s, uint64_t va, uint64_t len, size_t *count)
{
    *count = s->vmm.tree.count;
    if (s->vmm.tree.count != s->nrecs)
        return false;
    size_t first = model_below(s, va + 1u);   /* records starting at or below va */
    first = first ? first - 1u : 0;
    uint64_t hi = len == 0 ? va : len - 1u > UINT64_MAX - va ? UINT64_MAX : va + (len - 1u);
    size_t last = model_below(s, hi == UINT64_MAX ? hi : hi + 1u) + 1u;
    last = last < s->nrecs ? last : s->nrecs;
    if (first >= last)
        return true; /* no records */
    const vmm_record_t *r = vmm_find_record(&s->vmm, s->recs[s->order[first]].virt);
    if (!r || r->virt != s->recs[s->order[first]].virt)
        return false;
    return records_from(s, r, first, last, count);
}

/* The snapshot's copy and compare of the vmm_t (2 KiB with the bitmap's
 * root node) run on every op: without ASan's check of each word and UBSan's
 * pointer, alignment and null checks of each step (both are the harness's
 * own objects, whole and aligned: the _Static_assert below), they cost a
 * tenth; with UBSan's checks they were 9% of the target's time. */

/* Copies the vmm_t: clang inlines it as one rep movsq (no memcpy call:
 * ASan's interceptor checked both ranges in its runtime on every op; a
 * word loop took 4x as long). */
FUZZ_NO_SAN static void copy_vmm(vmm_t *dst, const vmm_t *src)
{
#if defined(__clang__) && __clang_major__ >= 11
    __builtin_memcpy_inline(dst, src, sizeof *dst); /* inline, no call */
#else
    uint64_t *d = (uint64_t *)(void *)dst;
    const uint64_t *p = (const uint64_t *)(const void *)src;
    for (size_t i = 0; i < sizeof *dst / sizeof *d; i++)
        d[i] = p[i];
#endif
}

/* Returns true when two vmm_t are equal word by word (padding included:
 * the snapshot is a copy). */
FUZZ_NO_SAN static bool same_vmm(const vmm_t *a, const vmm_t *b)
{
    const uint64_t *x = (const uint64_t *)(const void *)a;
    const uint64_t *y = (const uint64_t *)(const void *)b;
    uint64_t d0 = 0, d1 = 0, d2 = 0; /* three independent chains, then the rest */
    const size_t n = sizeof *a / sizeof *x, whole = n - n % 3u;
    for (size_t i = 0; i < whole; i += 3u) {
        d0 |= x[i] ^ y[i];
        d1 |= x[i + 1u] ^ y[i + 1u];
        d2 |= x[i + 2u] ^ y[i + 2u];
    }
    if (n % 3u > 0u) /* the one or two words left (n is a constant) */
        d0 |= x[whole] ^ y[whole];
    if (n % 3u > 1u)
        d1 |= x[whole + 1u] ^ y[whole + 1u];
    return (d0 | d1 | d2) == 0;
}

_Static_assert(sizeof(vmm_t) % sizeof(uint64_t) == 0 && alignof(vmm_t) >= alignof(uint64_t),
               "vmm_t is compared as words");

/* Takes the snapshot a failing op must leave unchanged: the vmm_t and the
 * counters (O(1)). The bitmap needs no copy: the model keeps its own
 * (mbits), equal to the core's before every op. The vmm_t is copied only
 * when it may differ from the last snapshot: not after a failed op that
 * snapshot_check compared with it (equal then), unless something between
 * that op and this one may have changed it (setup, null_arg: snap_same
 * cleared there). */
static void snapshot_take(vmm_state_t *s)
{
    if (!s->snap_same)
        copy_vmm(&s->snap_vmm, &s->vmm);
    s->snap_same = false; /* the op runs now */
    s->rolled_back = false;
    s->snap_in_use = frame_pool_in_use(&s->pool);
    s->snap_tables = s->pt.table_frames;
    s->snap_live = s->alloc.live;
    s->snap_live_bytes = s->alloc.live_bytes;
}

/* Compares bitmap words [from, to) with the model's; names the first that
 * differs. */
static void compare_words(vmm_state_t *s, size_t from, size_t to)
{
    if (to > s->storage_words)
        to = s->storage_words;
    size_t last = to * BITMAP_WORD_BITS < s->window_pages ? to * BITMAP_WORD_BITS
                                                          : (size_t)s->window_pages;
    if (from >= to || bitmap_equal(s, from * BITMAP_WORD_BITS, last))
        return;
    read_words(s, from, to); /* they differ: find the word */
    while (from + 1u < to && s->storage[from] == s->mbits[from])
        from++;
    FUZZ_CHECK(false, "vmm-failed-op-changed", "a failed op changed bitmap word %zu: 0x%016llx, "
               "before 0x%016llx", from, (unsigned long long)s->storage[from],
               (unsigned long long)s->mbits[from]);
}

/* Compares the bitmap words a failed op could have changed with the model's
 * (equal to the core's before the op). Why these suffice: the core writes the
 * bitmap only through hbitmap.c, whose every write moves num_free by the bits
 * it flips, and num_free is compared (in the vmm_t). So a failed op that
 * changed bits without moving num_free set some and cleared others: only a
 * rollback would do that, and then the whole bitmap is compared. Otherwise
 * the words of the op's argument range (+ a word each side) are compared,
 * and every bitmap of a small window (<= FULL_COMPARE_WORDS words) in full.
 * The hbitmap's structure on the op's range is checked too (its nodes are
 * counted in the allocator's live blocks, compared by snapshot_check). */
static void check_bitmap_unchanged(vmm_state_t *s)
{
    size_t words = s->storage_words;
    if (words <= FULL_COMPARE_WORDS || s->rolled_back) {
        compare_words(s, 0, words);
        return;
    }
    uint64_t lo = s->touch_va, hi = s->touch_va + s->touch_len;
    if (hi < lo)
        hi = s->end; /* wraps: up to the window's end */
    if (s->touch_len == 0 || hi <= s->start || lo >= s->end)
        return;
    lo = lo < s->start ? s->start : lo;
    hi = hi > s->end ? s->end : hi;
    size_t first = (size_t)(PAGES(lo - s->start) / BITMAP_WORD_BITS);
    size_t last = (size_t)(PAGES(hi - s->start - 1u) / BITMAP_WORD_BITS);
    compare_words(s, first ? first - 1u : 0, last + 2u);
    size_t lo_page = (size_t)PAGES(lo - s->start), hi_page = (size_t)PAGES(hi - s->start - 1u);
    /* the two paths' shared nodes are checked once */
    FUZZ_CHECK(hbitmap_check_range(&s->vmm.bitmap, lo_page, hi_page - lo_page + 1u),
               "vmm-hbitmap-structure", "the hbitmap's path to page %zu or %zu is broken", lo_page,
               hi_page);
}

/* Checks that a failed op changed nothing: the vmm_t (bitmap header with
 * num_free, records head, hint), the bitmap words it could have touched,
 * every record header (hash over the list, O(records)), frames in use,
 * table frames and allocator blocks (counters). The records it named are
 * compared in full by the op (check_named_record). Page tables: a table
 * left behind shows in table_frames / frames in use (compared here); a leaf
 * left behind at the op's page in check_page (op_end), anywhere else in the
 * end-of-input walk (vmm-stray-mapping). */
static void snapshot_check(vmm_state_t *s)
{
    size_t n;
    FUZZ_CHECK(same_vmm(&s->snap_vmm, &s->vmm), "vmm-failed-op-changed",
               "a failed op changed the vmm_t (hint, records head, bitmap header)");
    s->snap_same = true;
    check_bitmap_unchanged(s);
    /* an op with no range (alloc, reserve) or rolled back: every record */
    bool near = s->touch_len != 0 && !s->rolled_back;
    FUZZ_CHECK(near ? records_near(s, s->touch_va, s->touch_len, &n) : records_match(s, &n),
               "vmm-failed-op-changed", "a failed op changed the record list near 0x%llx (%zu "
               "records, model %zu, or a header)", (unsigned long long)s->touch_va, n, s->nrecs);
    FUZZ_CHECK(frame_pool_in_use(&s->pool) == s->snap_in_use && s->pt.table_frames == s->snap_tables,
               "vmm-failed-op-changed", "a failed op changed frames in use %zu -> %zu or table "
               "frames %zu -> %zu", s->snap_in_use, frame_pool_in_use(&s->pool), s->snap_tables,
               s->pt.table_frames);
    FUZZ_CHECK(s->alloc.live == s->snap_live && s->alloc.live_bytes == s->snap_live_bytes,
               "vmm-failed-op-changed", "a failed op changed the allocator's live blocks %zu "
               "-> %zu (bytes %zu -> %zu)", s->snap_live, s->alloc.live, s->snap_live_bytes,
               s->alloc.live_bytes);
}

/* Checks one page: bitmap bit (when test_bit) and mapping against the model (walks
 * through *cache: pages checked together share their page table). */
FUZZ_NO_ASAN static void check_page_cached(vmm_state_t *s, uint64_t va, fuzz_walk_cache_t *cache,
                                      bool test_bit)
{
    if (test_bit && in_window(s, va, 1)) {
        size_t i = (size_t)PAGES(va - s->start);
        bool bit = false;
        (void)hbitmap_test(&s->vmm.bitmap, i, &bit);
        FUZZ_CHECK(bit == bit_of(s->mbits, i), "vmm-bitmap-page",
                   "page 0x%llx: bitmap bit %d, model %s", (unsigned long long)va, bit,
                   bit_of(s->mbits, i) ? "in a record" : "free");
    }
    if (!X86_CANONICAL(va))
        return;
    x86_pte_t leaf = 0;
    uint64_t size = 0, mphys = 0, msize = 0;
    vmm_attrs_t mattrs = 0;
    bool mapped = fuzz_walk_va_cached(&s->pool, s->pt.pml4, va, &leaf, &size, cache);
    bool want = model_mapped(s, va, &mphys, &mattrs, &msize);
    FUZZ_CHECK(mapped == want, "vmm-mapped", "page 0x%llx is %smapped, model says %smapped",
               (unsigned long long)va, mapped ? "" : "not ", want ? "" : "not ");
    if (!want)
        return;
    FUZZ_CHECK(size == msize && X86_PTE_ADDR(leaf) == mphys &&
                   (leaf & ~X86_PTE_ADDR_MASK) == fuzz_expected_pte(mattrs, msize, va),
               "vmm-mapping", "page 0x%llx: entry 0x%llx size 0x%llx; model frame 0x%llx "
               "size 0x%llx attrs 0x%x", (unsigned long long)va, (unsigned long long)leaf,
               (unsigned long long)size, (unsigned long long)mphys, (unsigned long long)msize,
               mattrs);
}

/* Checks one page on its own. */
static void check_page(vmm_state_t *s, uint64_t va)
{
    fuzz_walk_cache_t cache = { 0, NULL };
    check_page_cached(s, va, &cache, true);
}

/* Checks the pages of [va, va + len) (inside the window) by step, and the
 * pages around it: every bitmap bit of the range and its neighbours, one
 * query per run of equal model bits, then each page's mapping. */
static void check_range(vmm_state_t *s, uint64_t va, uint64_t len, uint64_t step)
{
    fuzz_walk_cache_t cache = { 0, NULL };
    s->work += len / step;
    FUZZ_CHECK(in_window(s, va, len), "vmm-harness", "check_range outside the window");
    uint64_t lo = va - s->start >= VMM_PAGE_SIZE ? va - VMM_PAGE_SIZE : s->start;
    uint64_t hi = s->end - (va + len) >= VMM_PAGE_SIZE ? va + len + VMM_PAGE_SIZE : s->end;
    FUZZ_CHECK(bitmap_equal(s, (size_t)PAGES(lo - s->start), (size_t)PAGES(hi - s->start)),
               "vmm-bitmap-page", "a bitmap bit of [0x%llx, 0x%llx) is not the model's",
               (unsigned long long)lo, (unsigned long long)hi);
    check_page_cached(s, va - VMM_PAGE_SIZE, &cache, false);
    for (uint64_t off = 0; off < len; off += step)
        check_page_cached(s, va + off, &cache, false);
    check_page_cached(s, va + len, &cache, false);
}

/* Checks a core record against its model record. */
static void check_record(const vmm_record_t *r, const model_record_t *m)
{
    FUZZ_CHECK(r->virt == m->virt && r->pages == m->pages && r->kind == m->kind &&
                   r->page_size == m->page_size && r->attrs == m->attrs &&
                   r->flags == m->flags && r->phys == m->phys && r->nframes == m->nframes,
               "vmm-record", "record at 0x%llx: pages %llu kind %u size 0x%llx attrs 0x%x "
               "flags %u phys 0x%llx nframes %llu; model pages %llu kind %u size 0x%llx attrs "
               "0x%x flags %u phys 0x%llx nframes %u", (unsigned long long)r->virt,
               (unsigned long long)r->pages, r->kind, (unsigned long long)r->page_size, r->attrs,
               r->flags, (unsigned long long)r->phys, (unsigned long long)r->nframes,
               (unsigned long long)m->pages,
               m->kind, (unsigned long long)m->page_size, m->attrs, m->flags,
               (unsigned long long)m->phys, m->nframes);
    for (uint32_t k = 0; k < m->nframes; k++) {
        FUZZ_CHECK(vmm_record_frame(r, k) == m->frames[k], "vmm-record-frames",
                   "record 0x%llx frame %u: 0x%llx, model 0x%llx", (unsigned long long)r->virt,
                   k, (unsigned long long)vmm_record_frame(r, k),
                   (unsigned long long)m->frames[k]);
        /* vmm.h: a mapped page's own attrs, an unmapped one's rec->attrs */
        vmm_attrs_t want = m->kind == VMM_REC_RESERVE && m->frames[k] != VMM_NO_FRAME
                               ? m->page_attrs[k] : m->attrs;
        FUZZ_CHECK(vmm_record_page_attrs(r, k) == want, "vmm-record-attrs",
                   "record 0x%llx page %u attrs 0x%x, model 0x%x",
                   (unsigned long long)r->virt, k, vmm_record_page_attrs(r, k), want);
    }
    FUZZ_CHECK(vmm_record_page_attrs(r, m->nframes) == m->attrs, "vmm-record-attrs",
               "record 0x%llx past its last frame: attrs 0x%x, model 0x%x",
               (unsigned long long)r->virt, vmm_record_page_attrs(r, m->nframes), m->attrs);
    /* the walk over the mapped pages (skipping absent chunks) meets the
     * model's mapped pages, in order, and nothing else */
    uint32_t want = 0;
    for (size_t k = vmm_record_next_mapped(r, 0); k < m->nframes;
         k = vmm_record_next_mapped(r, k + 1), want++) {
        while (want < m->nframes && m->frames[want] == VMM_NO_FRAME)
            want++;
        FUZZ_CHECK(k == want, "vmm-record-next-mapped",
                   "record 0x%llx: next mapped page %zu, model %u", (unsigned long long)r->virt,
                   k, want);
    }
    while (want < m->nframes && m->frames[want] == VMM_NO_FRAME)
        want++;
    FUZZ_CHECK(want == m->nframes, "vmm-record-next-mapped",
               "record 0x%llx: the walk ends before mapped page %u", (unsigned long long)r->virt,
               want);
}

/* Checks the core's record for model record m (an op that named it failed
 * or passed over it: it must still equal the model). */
static void check_named_record(vmm_state_t *s, const model_record_t *m)
{
    const vmm_record_t *r = vmm_find_record(&s->vmm, m->virt);
    FUZZ_CHECK(r && r->virt == m->virt, "vmm-record-lost", "record 0x%llx is gone",
               (unsigned long long)m->virt);
    check_record(r, m);
}

/* fuzz_walk_all callback: a leaf must be a model page, exactly. */
FUZZ_NO_ASAN static void leaf_seen(void *ctx, uint64_t va, x86_pte_t leaf, uint64_t size)
{
    vmm_state_t *s = ctx;
    uint64_t mphys = 0, msize = 0;
    vmm_attrs_t mattrs = 0;
    bool want = model_mapped(s, va, &mphys, &mattrs, &msize);
    FUZZ_CHECK(want && msize == size && X86_PTE_ADDR(leaf) == mphys &&
                   (leaf & ~X86_PTE_ADDR_MASK) == fuzz_expected_pte(mattrs, size, va),
               "vmm-stray-mapping", "tables map 0x%llx (entry 0x%llx, size 0x%llx); model: %s "
               "frame 0x%llx attrs 0x%x", (unsigned long long)va, (unsigned long long)leaf,
               (unsigned long long)size, want ? "mapped" : "NOT mapped",
               (unsigned long long)mphys, mattrs);
    s->leaves_seen++;
}

/* Full check: the record tree (vmm_btree_check) and every record, the whole
 * bitmap, every leaf of the tables. */
static void check_all(vmm_state_t *s)
{
    check_counters(s);
    /* records: sorted, non-overlapping, each equal to its model record */
    size_t n = 0;
    uint64_t prev_end = 0;
    FUZZ_CHECK(vmm_btree_check(&s->vmm.tree) && s->vmm.tree.count == s->nrecs, "vmm-tree",
               "the record tree breaks an invariant of vmm_btree.h (count %zu, model %zu)",
               s->vmm.tree.count, s->nrecs);
    FUZZ_CHECK(vmm_index_check(&s->vmm), "vmm-index",
               "the record index breaks an invariant of vmm_index_check (vmm.h)");
    for (const vmm_record_t *r = vmm_first_record(&s->vmm); r; r = vmm_next_record(r)) {
        FUZZ_CHECK(++n <= s->nrecs, "vmm-record-count", "more records than the model's %zu",
                   s->nrecs);
        FUZZ_CHECK(n == 1 || r->virt >= prev_end, "vmm-record-order",
                   "record 0x%llx overlaps or precedes the one before", (unsigned long long)r->virt);
        prev_end = r->virt + r->pages * VMM_PAGE_SIZE;
        model_record_t *m = model_at(s, r->virt);
        FUZZ_CHECK(m && m->virt == r->virt, "vmm-record-unknown",
                   "record 0x%llx is not in the model", (unsigned long long)r->virt);
        check_record(r, m);
        FUZZ_CHECK(vmm_find_record(&s->vmm, r->virt + (r->pages - 1u) * VMM_PAGE_SIZE) == r,
                   "vmm-find-record", "vmm_find_record misses the last page of 0x%llx",
                   (unsigned long long)r->virt);
    }
    FUZZ_CHECK(n == s->nrecs, "vmm-record-count", "%zu records, model %zu", n, s->nrecs);
    /* the frames blocks: per frame, its address (and, for a reservation,
     * its attributes byte); the records are slots of the index's chunks */
    size_t bytes = 0, blocks = 0;
    for (size_t i = 0; i < s->nrecs; i++) {
        size_t nb;
        bytes += model_store_bytes(&s->recs[i], &nb);
        blocks += nb;
    }
    FUZZ_CHECK(blocks == s->frame_blocks, "vmm-model-blocks",
               "harness bug: %zu per-page blocks, counted %zu", blocks,
               s->frame_blocks);
    bytes += hbitmap_bytes(&s->vmm.bitmap); /* and the bitmap's nodes */
    bytes += s->vmm.index.chunks * sizeof(vmm_index_chunk_t); /* and the index's chunks */
    bytes += s->vmm.tree.nodes * sizeof(vmm_bnode_t);          /* and the tree's nodes */
    FUZZ_CHECK(s->alloc.live_bytes == bytes, "vmm-record-bytes",
               "%zu bytes in record and bitmap blocks, model %zu", s->alloc.live_bytes, bytes);
    /* the bitmap, built again from the model */
    size_t words = s->storage_words;
    FUZZ_CHECK(hbitmap_check(&s->vmm.bitmap), "vmm-hbitmap-structure",
               "the hbitmap's summaries, counts or canonical form are broken");
    /* each gap between records clear, each record set: one range query of
     * the core per gap and per record; the kept model bitmap must agree */
    size_t prev = 0, pages = (size_t)s->window_pages;
    for (size_t i = 0; i <= s->nrecs; i++) {
        const model_record_t *m = i < s->nrecs ? &s->recs[s->order[i]] : NULL;
        size_t lo = m ? (size_t)PAGES(m->virt - s->start) : pages;
        size_t hi = m ? lo + (size_t)m->pages : pages;
        FUZZ_CHECK(lo == prev || hbitmap_range_clear(&s->vmm.bitmap, prev, lo - prev),
                   "vmm-bitmap", "bitmap pages [%zu, %zu) (a gap) are not all clear", prev, lo);
        FUZZ_CHECK(lo == hi || hbitmap_range_set(&s->vmm.bitmap, lo, hi - lo), "vmm-bitmap",
                   "bitmap pages [%zu, %zu) (record 0x%llx) are not all set", lo, hi,
                   (unsigned long long)(m ? m->virt : 0));
        FUZZ_CHECK(model_run_end(s, prev, lo, false) == lo && model_run_end(s, lo, hi, true) == hi,
                   "vmm-model-bitmap", "harness bug: kept model bitmap disagrees with the "
                   "records in pages [%zu, %zu)", prev, hi);
        prev = hi;
    }
    FUZZ_CHECK(pages % BITMAP_WORD_BITS == 0 ||
                   s->mbits[words - 1u] >> (pages % BITMAP_WORD_BITS) == 0,
               "vmm-model-bitmap", "harness bug: kept model bitmap has bits past the window");
    /* every leaf is a model page; as many leaves as mapped model pages */
    size_t mapped = 0;
    for (size_t i = 0; i < s->nrecs; i++) {
        const model_record_t *m = &s->recs[i];
        if (m->kind == VMM_REC_SET)
            mapped += m->phys != VMM_NO_FRAME ? m->pages : 0;
        else
            for (uint32_t k = 0; k < m->nframes; k++)
                mapped += m->frames[k] != VMM_NO_FRAME;
    }
    s->leaves_seen = 0;
    size_t tables = fuzz_walk_all(&s->pool, s->pt.pml4, leaf_seen, s);
    FUZZ_CHECK(s->leaves_seen == mapped, "vmm-leaf-count", "%zu pages mapped, model %zu",
               s->leaves_seen, mapped);
    FUZZ_CHECK(tables == s->pt.table_frames, "vmm-table-count", "walk found %zu tables, pt %zu",
               tables, s->pt.table_frames);
}

/* ================================================================ judging */

/* An upper bound on the table frames a 4 KiB range of n pages may need:
 * n / 512 + 2 PTs, n / 2^18 + 2 PDs, 2 PDPTs (n / 256 + 8 covers them). An
 * op that takes no data frame may still need 8 (the old fixed margin).
 * OUT_OF_FRAMES is a legal answer when fewer frames than that are free. */
#define OP_TABLE_FRAMES(n) ((size_t)(n) / 256u + 8u)
#define OP_FRAMES_DEFAULT OP_TABLE_FRAMES(0)

/* Returns true when got is VMM_OK, which the model must allow
 * (may_succeed). An error must be in allowed (bit per status), or be
 * explained by a failure injected during the op when args_ok (the op got
 * past its argument and state checks): OUT_OF_MEMORY after an allocator
 * failure, OUT_OF_FRAMES after a frame failure or with the pool nearly
 * empty. Aborts otherwise. */
static bool judge(vmm_state_t *s, vmm_status_t got, bool may_succeed, uint64_t allowed,
                  bool args_ok, const char *check)
{
    if (got == VMM_OK) {
        FUZZ_CHECK(may_succeed, check, "succeeded; the model expects an error (mask 0x%llx)",
                   (unsigned long long)allowed);
        return true;
    }
    bool frames_failed = s->ff.failures != s->snap_frame_failures ||
                         frame_pool_in_use(&s->pool) + s->op_frames > s->pool.nframes;
    bool alloc_failed = s->alloc.failures != s->snap_alloc_failures;
    bool unmap_failed = s->fm.failures != s->snap_unmap_failures;
    if (args_ok && ((got == VMM_ERR_OUT_OF_FRAMES && frames_failed) ||
                    (got == VMM_ERR_OUT_OF_MEMORY && alloc_failed) ||
                    (got == VMM_ERR_NOT_MAPPED && unmap_failed))) {
        s->rolled_back = true; /* past its checks: compare everything */
        return false;
    }
    FUZZ_CHECK(got < 64 && ((allowed >> got) & 1u), check,
               "returned %s; model allows mask 0x%llx%s", vmm_strerror(got),
               (unsigned long long)allowed, may_succeed ? " or success" : "");
    return false;
}

/* Starts an op whose arguments name [va, va + len) (len 0: none): snapshot
 * and failure counters. */
static void op_start_range(vmm_state_t *s, uint64_t va, uint64_t len)
{
    s->touch_va = va;
    s->touch_len = len;
    s->op_frames = OP_FRAMES_DEFAULT;
    snapshot_take(s);
    s->snap_frame_failures = s->ff.failures;
    s->snap_alloc_failures = s->alloc.failures;
    s->snap_unmap_failures = s->fm.failures;
}

/* Starts an op that names no address range (alloc, reserve). */
static void op_start(vmm_state_t *s) { op_start_range(s, 0, 0); }

/* Ends an op: a failed op changed nothing; the counters hold. */
static void op_end(vmm_state_t *s, bool ok)
{
    if (!ok) {
        snapshot_check(s);
        if (s->touch_len)
            check_page(s, s->touch_va & ~VMM_PAGE_MASK);
    }
    check_counters(s);
    check_tree_near(s, s->tree_touched ? s->tree_key : s->touch_va);
    s->tree_touched = false;
    if (s->paranoid)
        check_all(s);
}

/* ================================================================ inputs */

/* Reads an address near the window: mode byte (bits 0-1 base: start, start
 * rounded up to 2M, to 1G, end; bits 2-3 unit 4K/2M/1G/4K; bit 4 below the
 * base; bit 5 one byte off) and a u16 slot. */
static uint64_t read_va(vmm_state_t *s, fuzz_data_t *fd)
{
    uint8_t mode = fd_u8(fd);
    uint64_t slot = fd_u16(fd);
    uint64_t base;
    switch (mode & VA_BASE_MASK) {
    case 0: base = s->start; break;
    case 1: base = (s->start + (VMM_SIZE_2M - 1u)) & ~(VMM_SIZE_2M - 1u); break;
    case 2: base = (s->start + (VMM_SIZE_1G - 1u)) & ~(VMM_SIZE_1G - 1u); break;
    default: base = s->end; break;
    }
    uint64_t off = slot * unit_size[(mode >> VA_UNIT_SHIFT) & VA_UNIT_MASK];
    uint64_t va = (mode & VA_BELOW) ? base - off : base + off;
    return (mode & VA_ODD) ? va + 1u : va;
}

/* Reads attrs: valid bits, or a raw byte (maybe invalid). */
static vmm_attrs_t read_attrs(fuzz_data_t *fd)
{
    uint8_t v = fd_u8(fd);
    return (v & ATTR_RAW_FLAG) ? (vmm_attrs_t)(v & ~ATTR_RAW_FLAG) : (v & VMM_ATTR_ALL);
}

/* Reads a page size: 0 4K, 1 2M, 2 1G, else an invalid size. */
static uint64_t read_size(fuzz_data_t *fd)
{
    uint8_t v = fd_u8(fd);
    return v < 3 ? unit_size[v] : (uint64_t)v << 12;
}

/* Reads reservation flags: LAZY and BORROWED bits, or raw (maybe invalid). */
static uint32_t read_flags(fuzz_data_t *fd)
{
    uint8_t v = fd_u8(fd);
    if (v & FLAGS_RAW_FLAG)
        return (uint32_t)(v & ~FLAGS_RAW_FLAG);
    return (v & FLAGS_LAZY_BIT ? VMM_RESERVE_LAZY : 0u) |
           (v & FLAGS_BORROWED_BIT ? VMM_RESERVE_BORROWED : 0u);
}

/* Returns the model record number idx % nrecs, or NULL when there is none. */
static model_record_t *pick_record(vmm_state_t *s, uint8_t idx)
{
    return s->nrecs ? &s->recs[idx % s->nrecs] : NULL;
}

/* ================================================================ ops */

/* frames.zero of the target's frame source (ctx: the pool): clears the
 * pool's poison words only (nothing reads the rest of a data frame), which
 * is what fresh_frames_zeroed looks at. */
static void pool_zero(void *ctx, uint64_t phys, size_t count)
{
    frame_pool_unpoison(ctx, phys, count);
}

/* Checks that count fresh frames from phys, just mapped by vmm_alloc or a
 * demand fault, went through frames.zero (zero-before-visible, vmm.h). */
static void fresh_frames_zeroed(vmm_state_t *s, uint64_t phys, size_t count, const char *what)
{
    for (size_t i = 0; i < count; i++, phys += VMM_PAGE_SIZE)
        FUZZ_CHECK(!frame_pool_poisoned(&s->pool, phys), "vmm-zero",
                   "%s: frame 0x%llx mapped without frames.zero", what,
                   (unsigned long long)phys);
}

/* vmm_alloc */
static void op_alloc(vmm_state_t *s, fuzz_data_t *fd)
{
    size_t pages = fd_u8(fd);
    vmm_attrs_t attrs = read_attrs(fd);
    uint64_t allowed = 0;
    bool ok = true;
    s->work += pages;
    if (pages == 0 || (attrs & ~VMM_ATTR_ALL)) {
        allowed |= BIT(VMM_ERR_INVALID_ARGUMENT);
        ok = false;
    } else if (!model_has_space(s, pages * VMM_PAGE_SIZE, VMM_PAGE_SIZE)) {
        allowed |= BIT(VMM_ERR_NO_SPACE);
        ok = false;
    }
    op_start(s);
    s->op_frames = pages + OP_TABLE_FRAMES(pages);
    uint64_t virt = 0;
    vmm_status_t got = vmm_alloc(&s->vmm, pages, attrs, &virt);
    TRACE("alloc(pages=%zu, attrs=0x%x) -> %s 0x%llx", pages, attrs, fuzz_status(got),
          (unsigned long long)virt);
    /* the mapper refuses pages of a window that reaches non-canonical space */
    uint64_t late = ok && !canonical_range(s->start, s->end - s->start)
                        ? BIT(VMM_ERR_NON_CANONICAL) : 0;
    bool done = judge(s, got, ok, ok ? late : allowed, ok, "vmm-alloc-status");
    if (done) {
        uint64_t len = pages * VMM_PAGE_SIZE;
        uint64_t want = 0;
        FUZZ_CHECK(in_window(s, virt, len) && (virt & VMM_PAGE_MASK) == 0 &&
                       model_free(s, virt, len),
                   "vmm-alloc-range", "alloc returned 0x%llx: outside the window or in use",
                   (unsigned long long)virt);
        FUZZ_CHECK(model_next_fit(s, pages, 1, &want) && virt == want, "vmm-alloc-next-fit",
                   "alloc returned 0x%llx; next fit from page %llu gives 0x%llx",
                   (unsigned long long)virt, (unsigned long long)s->hint,
                   (unsigned long long)want);
        s->hint = PAGES(virt - s->start) + pages;
        model_record_t *r = model_add(s, VMM_REC_ALLOC, virt, pages);
        r->attrs = attrs;
        r->nframes = (uint32_t)pages;
        s->frame_blocks++;
        /* the frames the core chose (its record); check_range then checks
         * every page maps to them with the model's flags */
        const vmm_record_t *core = vmm_find_record(&s->vmm, virt);
        FUZZ_CHECK(core && core->virt == virt && core->nframes == pages, "vmm-alloc-mapped",
                   "no record of %zu frames at the allocated 0x%llx", pages,
                   (unsigned long long)virt);
        for (size_t k = 0; k < pages; k++) {
            uint64_t va = virt + k * VMM_PAGE_SIZE;
            r->frames[k] = vmm_record_frame(core, k);
            FUZZ_CHECK(frame_pool_is_used(&s->pool, r->frames[k]), "vmm-alloc-frame",
                       "page 0x%llx maps frame 0x%llx, not one from the frame source",
                       (unsigned long long)va, (unsigned long long)r->frames[k]);
            own_frames(s, r->frames[k], 1, true);
            fresh_frames_zeroed(s, r->frames[k], 1, "vmm_alloc");
        }
        check_range(s, virt, len, VMM_PAGE_SIZE);
    }
    op_end(s, done);
}

/* vmm_set */
static void op_set(vmm_state_t *s, fuzz_data_t *fd)
{
    uint64_t va = read_va(s, fd);
    uint64_t pages = fd_u8(fd);
    uint8_t pmode = fd_u8(fd);
    uint64_t pframe = fd_u16(fd);
    vmm_attrs_t attrs = read_attrs(fd);
    vmm_range_t virt = { va, va + pages * VMM_PAGE_SIZE };
    vmm_range_t phys = { pframe * VMM_PAGE_SIZE, pframe * VMM_PAGE_SIZE + pages * VMM_PAGE_SIZE };
    if (pmode & SET_PHYS_LONGER)
        phys.end += VMM_PAGE_SIZE;          /* size mismatch */
    if (pmode & SET_PHYS_ODD)
        phys.start += SET_ODD_BYTES;                /* misaligned    */
    if (pmode & SET_PHYS_EMPTY)
        phys.end = phys.start;              /* empty         */
    bool with_phys = pmode & SET_WITH_PHYS;
    s->work += pages;
    /* the model: errors as vmm.h lists them (any applicable one) */
    uint64_t allowed = 0;
    if (attrs & ~VMM_ATTR_ALL)
        allowed |= BIT(VMM_ERR_INVALID_ARGUMENT);
    if (virt.start >= virt.end)
        allowed |= BIT(VMM_ERR_INVALID_VIRT);
    if ((virt.start | virt.end) & VMM_PAGE_MASK)
        allowed |= BIT(VMM_ERR_MISALIGNED);
    if (virt.start < virt.end && !in_window(s, virt.start, virt.end - virt.start))
        allowed |= BIT(VMM_ERR_OUT_OF_BOUNDS);
    if (with_phys) {
        if (phys.start >= phys.end)
            allowed |= BIT(VMM_ERR_INVALID_PHYS);
        else if (phys.end - phys.start != virt.end - virt.start)
            allowed |= BIT(VMM_ERR_PHYS_VIRT_MISMATCH);
        if (phys.start & VMM_PAGE_MASK)
            allowed |= BIT(VMM_ERR_MISALIGNED);
    }
    if (!allowed && !model_free(s, virt.start, virt.end - virt.start))
        allowed |= BIT(VMM_ERR_ALREADY_ALLOCATED);
    bool args_ok = allowed == 0;
    if (args_ok && with_phys) { /* found after the record is allocated */
        for (uint64_t k = 0; k < pages; k++)
            if (frame_pool_is_used(&s->pool, phys.start + k * VMM_PAGE_SIZE))
                allowed |= BIT(VMM_ERR_PHYS_ALREADY_ALLOCATED);
        if (!canonical_range(virt.start, virt.end - virt.start))
            allowed |= BIT(VMM_ERR_NON_CANONICAL);
    }
    op_start_range(s, virt.start, virt.end > virt.start ? virt.end - virt.start : 0);
    s->op_frames = OP_TABLE_FRAMES((virt.end > virt.start ? virt.end - virt.start : 0) / VMM_PAGE_SIZE);
    vmm_status_t got = vmm_set(&s->vmm, virt, with_phys ? &phys : NULL, attrs);
    TRACE("set(virt=[0x%llx, 0x%llx), phys=%s[0x%llx, 0x%llx), attrs=0x%x) -> %s",
          (unsigned long long)virt.start, (unsigned long long)virt.end, with_phys ? "" : "NULL ",
          (unsigned long long)phys.start, (unsigned long long)phys.end, attrs, fuzz_status(got));
    bool done = judge(s, got, allowed == 0, allowed, args_ok, "vmm-set-status");
    if (done) {
        model_record_t *r = model_add(s, VMM_REC_SET, virt.start, pages);
        r->attrs = attrs;
        if (with_phys) {
            r->phys = phys.start;
            own_frames(s, phys.start, pages, true);
        }
        check_range(s, virt.start, virt.end - virt.start, VMM_PAGE_SIZE);
    }
    op_end(s, done);
}

/* The errors of record_at(va) in the model; *rec = the record starting at va. */
static uint64_t record_errors(vmm_state_t *s, uint64_t va, model_record_t **rec)
{
    *rec = NULL;
    if (!in_window(s, va, 1))
        return BIT(VMM_ERR_OUT_OF_BOUNDS);
    model_record_t *r = model_at(s, va);
    if (!r)
        return BIT(VMM_ERR_NOT_ALLOCATED);
    if (r->virt != va)
        return BIT(VMM_ERR_NOT_START);
    *rec = r;
    return 0;
}

/* vmm_free (release = false) or vmm_release at va. */
static void op_free(vmm_state_t *s, uint64_t va, bool release)
{
    model_record_t *r;
    uint64_t allowed = record_errors(s, va, &r);
    if (!allowed && release && r->kind != VMM_REC_RESERVE)
        allowed = BIT(VMM_ERR_NOT_RESERVATION);
    else if (!allowed && (r->flags & VMM_RECORD_PINNED))
        allowed = BIT(VMM_ERR_PINNED);
    model_record_t *holder = model_at(s, va);
    op_start_range(s, holder ? holder->virt : va,
                   holder ? holder->pages * VMM_PAGE_SIZE : VMM_PAGE_SIZE);
    size_t calls = s->ff.calls;
    /* An unmap fails (VMM_ERR_NOT_MAPPED, nothing unmapped) when the
     * countdown of VMM_OP_FAIL_UNMAP reaches it: here only (an unmap failing
     * in vmm_alloc's undo or in vmm_deinit traps by contract), and only with
     * no frame failure armed and frames to spare (the release then maps the
     * pages it unmapped again: a failure there traps by contract too). */
    bool may_fail = s->ff.countdown < 0 && frame_pool_in_use(&s->pool) + 1024u < s->pool.nframes;
    s->fm.unmap_countdown = may_fail ? s->unmap_countdown : -1;
    vmm_status_t got = release ? vmm_release(&s->vmm, va) : vmm_free(&s->vmm, va);
    if (may_fail)
        s->unmap_countdown = s->fm.unmap_countdown;
    s->fm.unmap_countdown = -1;
    TRACE("%s(0x%llx) -> %s%s", release ? "release" : "free", (unsigned long long)va,
          fuzz_status(got), s->fm.failures != s->snap_unmap_failures ? " (an unmap failed)" : "");
    /* only mapping again what a failed unmap call had unmapped takes frames */
    FUZZ_CHECK(s->ff.calls == calls || (got != VMM_OK && s->fm.failures != s->snap_unmap_failures),
               "vmm-free-frames", "%s took %zu frame(s)", release ? "release" : "free",
               s->ff.calls - calls);
    FUZZ_CHECK(got != VMM_OK || s->fm.failures == s->snap_unmap_failures, "vmm-free-unmap-failed",
               "%s succeeded though an unmap failed (vmm.h: the error is returned, nothing "
               "changed)", release ? "release" : "free");
    bool done = judge(s, got, allowed == 0, allowed, allowed == 0,
                      release ? "vmm-release-status" : "vmm-free-status");
    if (done) {
        uint64_t len = r->pages * VMM_PAGE_SIZE, step = r->page_size;
        model_remove(s, r);
        check_range(s, va, len, step);
    }
    op_end(s, done);
}

/* vmm_is_set and vmm_find_record at va. */
static void op_is_set(vmm_state_t *s, uint64_t va)
{
    bool set = false;
    vmm_status_t got = vmm_is_set(&s->vmm, va, &set);
    model_record_t *m = in_window(s, va, 1) ? model_at(s, va) : NULL;
    TRACE("is_set(0x%llx) -> %s %s", (unsigned long long)va, fuzz_status(got),
          got ? "" : set ? "set" : "clear");
    FUZZ_CHECK_STATUS(got, in_window(s, va, 1) ? VMM_OK : VMM_ERR_OUT_OF_BOUNDS,
                      "vmm-is-set-status");
    FUZZ_CHECK(got != VMM_OK || set == (m != NULL), "vmm-is-set",
               "is_set(0x%llx) = %d, model %d", (unsigned long long)va, set, m != NULL);
    const vmm_record_t *r = vmm_find_record(&s->vmm, va);
    FUZZ_CHECK((r == NULL) == (model_at(s, va) == NULL) && (!r || r->virt == model_at(s, va)->virt),
               "vmm-find-record", "vmm_find_record(0x%llx) disagrees with the model",
               (unsigned long long)va);
    check_counters(s);
}

/* Adds a reservation to the model. */
static void model_reserve(vmm_state_t *s, uint64_t virt, size_t count, uint64_t size,
                          vmm_attrs_t attrs, uint32_t flags)
{
    model_record_t *r = model_add(s, VMM_REC_RESERVE, virt, count * PAGES(size));
    r->page_size = size;
    r->attrs = attrs;
    r->flags = flags;
    r->nframes = (uint32_t)count;
    for (size_t k = 0; k < count; k++)
        r->frames[k] = VMM_NO_FRAME;
}

/* Returns the argument errors of a reservation request. */
static uint64_t reserve_arg_errors(size_t count, uint64_t size, vmm_attrs_t attrs, uint32_t flags)
{
    if (count == 0 || (attrs & ~VMM_ATTR_ALL) || (flags & ~VMM_RESERVE_FLAGS_ALL) ||
        (flags & VMM_RESERVE_LAZY && flags & VMM_RESERVE_BORROWED) ||
        (size != VMM_SIZE_4K && size != VMM_SIZE_2M && size != VMM_SIZE_1G))
        return BIT(VMM_ERR_INVALID_ARGUMENT);
    return 0;
}

/* Reservation sizes past a byte (pages of page_size): a store of one
 * chunk of exactly 256 pages, and stores of two levels (the top and 2 to
 * 4 chunks of 256 pages), whose first map in a chunk takes the top and
 * the chunk: an allocator failure may fire between them. */
#define BIG_COUNT_FIRST 251u
static const size_t big_counts[] = {256, 257, 511, 768, MAX_FRAMES};
_Static_assert(BIG_COUNT_FIRST + sizeof big_counts / sizeof big_counts[0] == 256u,
               "byte values BIG_COUNT_FIRST .. 255 name big_counts");

/* Reads a reservation's count of pages: a byte, its top values meaning
 * big_counts. */
static size_t read_count(fuzz_data_t *fd)
{
    uint8_t v = fd_u8(fd);
    return v < BIG_COUNT_FIRST ? v : big_counts[v - BIG_COUNT_FIRST];
}

/* vmm_reserve */
static void op_reserve(vmm_state_t *s, fuzz_data_t *fd)
{
    size_t count = read_count(fd);
    uint64_t size = read_size(fd);
    vmm_attrs_t attrs = read_attrs(fd);
    uint32_t flags = read_flags(fd);
    uint64_t allowed = reserve_arg_errors(count, size, attrs, flags);
    if (!allowed && !model_has_space(s, count * size, size))
        allowed = BIT(VMM_ERR_NO_SPACE);
    op_start(s);
    uint64_t virt = 0;
    vmm_status_t got = vmm_reserve(&s->vmm, count, size, attrs, flags, &virt);
    TRACE("reserve(count=%zu, size=0x%llx, attrs=0x%x, flags=0x%x) -> %s 0x%llx", count,
          (unsigned long long)size, attrs, flags, fuzz_status(got), (unsigned long long)virt);
    bool done = judge(s, got, allowed == 0, allowed, allowed == 0, "vmm-reserve-status");
    if (done) {
        FUZZ_CHECK(in_window(s, virt, count * size) && (virt & (size - 1u)) == 0 &&
                       model_free(s, virt, count * size),
                   "vmm-reserve-range", "reserve returned 0x%llx: misaligned, outside the "
                   "window or in use", (unsigned long long)virt);
        uint64_t want = 0;
        FUZZ_CHECK(model_next_fit(s, count * PAGES(size), PAGES(size), &want) && virt == want,
                   "vmm-reserve-next-fit", "reserve returned 0x%llx; next fit from page %llu "
                   "gives 0x%llx", (unsigned long long)virt, (unsigned long long)s->hint,
                   (unsigned long long)want);
        s->hint = PAGES(virt - s->start) + count * PAGES(size);
        model_reserve(s, virt, count, size, attrs, flags);
        check_range(s, virt, count * size, size);
    }
    op_end(s, done);
}

/* vmm_claim */
static void op_claim(vmm_state_t *s, fuzz_data_t *fd)
{
    uint64_t va = read_va(s, fd);
    size_t count = read_count(fd);
    uint64_t size = read_size(fd);
    vmm_attrs_t attrs = read_attrs(fd);
    uint32_t flags = read_flags(fd);
    uint64_t allowed = reserve_arg_errors(count, size, attrs, flags);
    uint64_t len = count * size;
    if (!allowed) {
        if (va & (size - 1u))
            allowed |= BIT(VMM_ERR_MISALIGNED);
        if (len - 1u > UINT64_MAX - va)
            allowed |= BIT(VMM_ERR_OVERFLOW);
        else if (!in_window(s, va, len))
            allowed |= BIT(VMM_ERR_OUT_OF_BOUNDS);
        if (!allowed && !model_free(s, va, len))
            allowed |= BIT(VMM_ERR_ALREADY_ALLOCATED);
    }
    op_start_range(s, va, len);
    vmm_status_t got = vmm_claim(&s->vmm, va, count, size, attrs, flags);
    TRACE("claim(0x%llx, count=%zu, size=0x%llx, attrs=0x%x, flags=0x%x) -> %s",
          (unsigned long long)va, count, (unsigned long long)size, attrs, flags,
          fuzz_status(got));
    bool done = judge(s, got, allowed == 0, allowed, allowed == 0, "vmm-claim-status");
    if (done) {
        model_reserve(s, va, count, size, attrs, flags);
        check_range(s, va, len, size);
    }
    op_end(s, done);
}

/* Finds a page of page_size that a borrowed reservation maps to pool
 * frames, the pick-th such (mod their number) in model order; stores its
 * frame in *phys. False when there is none. */
static bool lent_frame(vmm_state_t *s, uint64_t page_size, uint64_t pick, uint64_t *phys)
{
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t seen = 0;
        for (size_t i = 0; i < s->nrecs; i++) {
            const model_record_t *m = &s->recs[i];
            for (uint32_t k = 0; model_borrowed(m) && m->page_size == page_size &&
                                 k < m->nframes; k++) {
                uint64_t f = m->frames[k];
                if (f == VMM_NO_FRAME || !frame_pool_owns(&s->pool, f))
                    continue;
                if (pass == 1 && seen == pick % n) {
                    *phys = f;
                    return true;
                }
                seen++;
            }
        }
        if ((n = seen) == 0)
            return false;
    }
    return false;
}

/* vmm_map_page: reservation from the model (or a bogus address), page of
 * it, frames handed over (pool frames taken by the harness, or device
 * memory outside the pool). */
static void op_map_page(vmm_state_t *s, fuzz_data_t *fd)
{
    uint8_t idx = fd_u8(fd);
    uint16_t page = fd_u16(fd);
    uint8_t pmode = fd_u8(fd);
    uint64_t pframe = fd_u16(fd);
    vmm_attrs_t attrs = read_attrs(fd);
    model_record_t *r = pick_record(s, idx);
    uint64_t reservation = r ? r->virt : s->start;
    if (idx & MAP_NOT_START)
        reservation += (uint64_t)page * VMM_PAGE_SIZE;   /* maybe not a start */
    uint64_t size = r ? r->page_size : VMM_SIZE_4K;
    uint64_t count = r && r->kind == VMM_REC_RESERVE ? r->nframes : 1;
    uint64_t va = (r ? r->virt : s->start) + (uint64_t)(page % (count + 1u)) * size;
    if (pmode & MAP_VIRT_4K_OFF)
        va += VMM_PAGE_SIZE;                               /* misaligned for 2M/1G */
    /* the frames to hand over */
    uint64_t phys = UNMANAGED_BASE + pframe * size;
    bool taken = false;
    bool shared = (pmode & MAP_PHYS_MASK) == MAP_PHYS_POOL && (pmode & MAP_PHYS_SHARED) &&
                  r && model_borrowed(r) && lent_frame(s, size, pframe, &phys);
    if ((pmode & MAP_PHYS_MASK) == MAP_PHYS_POOL && size != VMM_SIZE_1G && !shared)
        taken = frame_pool_take(&s->pool, (size_t)PAGES(size), (size_t)PAGES(size), &phys);
    if ((pmode & MAP_PHYS_MASK) == MAP_PHYS_ODD)
        phys += VMM_PAGE_SIZE;                             /* misaligned phys */
    /* the model */
    model_record_t *m;
    uint64_t allowed = (attrs & ~VMM_ATTR_ALL) ? BIT(VMM_ERR_INVALID_ARGUMENT) : 0;
    uint64_t rec_err = record_errors(s, reservation, &m);
    if (rec_err == BIT(VMM_ERR_OUT_OF_BOUNDS))
        rec_err = BIT(VMM_ERR_NOT_ALLOCATED);
    allowed |= rec_err;
    size_t k = 0;
    if (!allowed) {
        if (m->kind != VMM_REC_RESERVE)
            allowed = BIT(VMM_ERR_NOT_RESERVATION);
        else if (va < m->virt || va - m->virt >= m->pages * VMM_PAGE_SIZE)
            allowed = BIT(VMM_ERR_NOT_IN_RESERVATION);
        else if ((va | phys) & (m->page_size - 1u))
            allowed = BIT(VMM_ERR_MISALIGNED);
        else if (m->frames[k = (size_t)((va - m->virt) / m->page_size)] != VMM_NO_FRAME)
            allowed = BIT(VMM_ERR_ALREADY_MAPPED);
    }
    bool args_ok = allowed == 0;
    if (args_ok && !canonical_range(va, m->page_size))
        allowed = BIT(VMM_ERR_NON_CANONICAL); /* the mapper's error */
    op_start_range(s, va, VMM_PAGE_SIZE);
    if (taken) /* the harness's own frames are not part of the snapshot */
        s->snap_in_use = frame_pool_in_use(&s->pool);
    vmm_status_t got = vmm_map_page(&s->vmm, reservation, va, phys, attrs);
    TRACE("map_page(reservation=0x%llx, virt=0x%llx, phys=0x%llx%s, attrs=0x%x) -> %s",
          (unsigned long long)reservation, (unsigned long long)va, (unsigned long long)phys,
          taken ? " (pool)" : "", attrs, fuzz_status(got));
    bool done = judge(s, got, allowed == 0, allowed, args_ok, "vmm-map-page-status");
    if (done) {
        s->frame_blocks -= model_store_blocks(m); /* the chunk and path it took */
        m->frames[k] = phys;
        s->frame_blocks += model_store_blocks(m);
        m->page_attrs[k] = attrs;
        if (model_borrowed(m)) /* still the harness's: lent */
            borrowed_pool_frames(s, phys, PAGES(m->page_size), true);
        else
            own_frames(s, phys, PAGES(m->page_size), true);
        check_range(s, va, m->page_size, m->page_size);
    }
    if (!done) {
        snapshot_check(s);
        if (r)
            check_named_record(s, r);
        if (taken) { /* the frames were not handed over: take them back */
            vmm_frames_t f = frame_pool_frames(&s->pool);
            f.free(f.ctx, phys, (size_t)PAGES(size));
        }
    }
    op_end(s, true);
}

/* The model's own reading of a #PF error code (Intel SDM vol. 3, 4.7),
 * not the core's x86_pf_decode: bit 0 present, 1 write, 2 user, 3 reserved
 * bit, 4 instruction fetch, 5 protection key, 6 shadow stack, 15 SGX. */
#define PF_CODE_P 0x01u
#define PF_CODE_W 0x02u
#define PF_CODE_U 0x04u
#define PF_CODE_RSVD 0x08u
#define PF_CODE_I 0x10u
#define PF_CODE_PK 0x20u
#define PF_CODE_SS 0x40u
#define PF_CODE_SGX 0x8000u
#define PF_CODE_HLAT 0x80u
/* Every bit the model gives a meaning (HLAT's: none, it only says how the
 * walk was done); any other set bit is a cause the decoder does not know. */
#define PF_CODE_MEANT (PF_CODE_P | PF_CODE_W | PF_CODE_U | PF_CODE_RSVD | PF_CODE_I | \
                       PF_CODE_PK | PF_CODE_SS | PF_CODE_HLAT | PF_CODE_SGX)
/* The op's byte holds bits 0-6 of the error code; its bit 7 stands for SGX
 * (bit 15). VMM_OP_FAULT_CODE gives all 32 bits. */
#define PF_CODE_FROM_BYTE(b) (((uint32_t)(b) & 0x7Fu) | (((uint32_t)(b) & 0x80u) << 8))
/* VMM_OP_FAULT_CPU's CPU byte: bit 0 CR4.SMEP, bit 1 CR4.SMAP, bit 2
 * RFLAGS.AC, bit 3 the faulting context ran at CPL3 (SDM vol. 3, 4.6: SMAP
 * denies a supervisor data access to a user page unless AC is set and the
 * access is explicit, i.e. made below CPL3; SMEP a supervisor fetch from
 * one). The CR4, RFLAGS and CS handed to the core carry other bits set too,
 * which must not count. */
#define CPU_SMEP 0x1u
#define CPU_SMAP 0x2u
#define CPU_AC 0x4u
#define CPU_CPL3 0x8u
#define CS_KERNEL 0x08u /* a kernel / a user code selector */
#define CS_USER 0x2Bu
#define CR4_OTHER_BITS 0x6A0u  /* PAE, PGE, OSFXSR, OSXMMEXCPT */
#define RFLAGS_OTHER_BITS 0x202u /* IF, the reserved bit 1 */
typedef struct model_access {
    bool present, write, user, reserved, fetch, pkey, shadow_stack, enclave, other;
    bool smep, smap; /* the CPU denies a supervisor fetch / data access to a user page */
} model_access_t;

static model_access_t model_pf_decode(uint32_t code, uint8_t cpu)
{
    return (model_access_t){ .present = code & PF_CODE_P, .write = code & PF_CODE_W,
                             .user = code & PF_CODE_U, .reserved = code & PF_CODE_RSVD,
                             .fetch = code & PF_CODE_I, .pkey = code & PF_CODE_PK,
                             .shadow_stack = code & PF_CODE_SS,
                             .enclave = code & PF_CODE_SGX,
                             .other = (code & ~PF_CODE_MEANT) != 0,
                             .smep = cpu & CPU_SMEP,
                             .smap = (cpu & CPU_SMAP) && (!(cpu & CPU_AC) || (cpu & CPU_CPL3)) };
}

/* vmm_fault at va with the #PF error code code: through x86_page_fault, or
 * with cpu_state through x86_page_fault_cpu, cpu being its CPU byte. */
static void op_fault_code(vmm_state_t *s, uint64_t va, uint32_t code, bool cpu_state,
                          uint8_t cpu)
{
    model_access_t a = model_pf_decode(code, cpu_state ? cpu : 0);
    /* the model's verdicts */
    uint64_t allowed = 0; /* bit per vmm_fault_kind_t */
    uint64_t mphys = 0, msize = 0;
    vmm_attrs_t mattrs = 0;
    model_record_t *r = model_at(s, va);
    bool mapped = X86_CANONICAL(va) && model_mapped(s, va, &mphys, &mattrs, &msize);
    bool lazy = !mapped && r && r->kind == VMM_REC_RESERVE && (r->flags & VMM_RESERVE_LAZY);
    if (lazy)
        mattrs = r->attrs;
    if (a.reserved) {
        allowed = BIT(VMM_FAULT_RESERVED_BIT);
    } else if (a.pkey) {
        allowed = BIT(VMM_FAULT_PROTECTION_KEY);
    } else if (a.shadow_stack) {
        allowed = BIT(VMM_FAULT_SHADOW_STACK);
    } else if (a.enclave) {
        allowed = BIT(VMM_FAULT_ENCLAVE);
    } else if (mapped || lazy) {
        if (a.user && (mattrs & VMM_ATTR_KERNEL))
            allowed |= BIT(VMM_FAULT_USER_KERNEL);
        if (!a.user && !(mattrs & VMM_ATTR_KERNEL) && (a.fetch ? a.smep : a.smap))
            allowed |= BIT(VMM_FAULT_KERNEL_USER);
        if (a.write && !(mattrs & VMM_ATTR_WRITABLE))
            allowed |= BIT(VMM_FAULT_WRITE_READONLY);
        if (a.fetch && !(mattrs & VMM_ATTR_EXECUTABLE))
            allowed |= BIT(VMM_FAULT_NX_FETCH);
        /* the tables allow the access: a retry would fault again when the
         * CPU reported a cause nobody decodes, so that is fatal */
        if (!allowed && mapped)
            allowed = a.other ? BIT(VMM_FAULT_UNKNOWN_CAUSE) : BIT(VMM_FAULT_SPURIOUS);
        else if (!allowed)
            allowed = BIT(VMM_FAULT_RESOLVED) | BIT(VMM_FAULT_OUT_OF_MEMORY);
    } else {
        allowed = BIT(VMM_FAULT_NOT_PRESENT);
    }
    /* the core's decode of the same code, against the model's */
    uint64_t cr4 = CR4_OTHER_BITS | (cpu & CPU_SMEP ? X86_CR4_SMEP : 0) |
                   (cpu & CPU_SMAP ? X86_CR4_SMAP : 0);
    uint64_t rflags = RFLAGS_OTHER_BITS | (cpu & CPU_AC ? X86_RFLAGS_AC : 0);
    uint64_t cs = cpu & CPU_CPL3 ? CS_USER : CS_KERNEL;
    vmm_access_t core_a = cpu_state ? x86_pf_decode_cpu(code, cr4, rflags, cs) : x86_pf_decode(code);
    FUZZ_CHECK(core_a.present == a.present && core_a.write == a.write && core_a.user == a.user &&
                   core_a.reserved == a.reserved && core_a.fetch == a.fetch &&
                   core_a.pkey == a.pkey && core_a.shadow_stack == a.shadow_stack &&
                   core_a.enclave == a.enclave && core_a.other == a.other &&
                   core_a.deny_user_fetch == a.smep && core_a.deny_user_data == a.smap,
               "vmm-pf-decode", "x86_pf_decode(0x%x, cpu 0x%x): present %d write %d user %d "
               "reserved %d fetch %d pkey %d shadow_stack %d enclave %d other %d "
               "deny_user_fetch %d deny_user_data %d", code, cpu_state ? cpu : 0,
               core_a.present, core_a.write, core_a.user, core_a.reserved, core_a.fetch,
               core_a.pkey, core_a.shadow_stack, core_a.enclave, core_a.other,
               core_a.deny_user_fetch, core_a.deny_user_data);
    op_start_range(s, va, VMM_PAGE_SIZE);
    vmm_fault_result_t out;
    vmm_fault_kind_t kind = cpu_state ? x86_page_fault_cpu(&s->vmm, va, code, cr4, rflags, cs, &out)
                                      : x86_page_fault(&s->vmm, va, code, &out);
    TRACE("fault(0x%llx, code=0x%x, cpu=%s%s%s) -> %s%s%s", (unsigned long long)va, code,
          a.smep ? "SMEP " : "", a.smap ? "SMAP" : "", a.smep || a.smap ? "" : "-",
          vmm_fault_name(kind), kind == VMM_FAULT_OUT_OF_MEMORY ? " status " : "",
          kind == VMM_FAULT_OUT_OF_MEMORY ? fuzz_status(out.status) : "");
    FUZZ_CHECK(kind < VMM_FAULT_KIND_COUNT && ((allowed >> kind) & 1u) && out.kind == kind,
               "vmm-fault-verdict", "verdict %s; model allows mask 0x%llx",
               vmm_fault_name(kind), (unsigned long long)allowed);
    if (kind == VMM_FAULT_OUT_OF_MEMORY) {
        bool explained = s->ff.failures != s->snap_frame_failures ||
                         s->alloc.failures != s->snap_alloc_failures ||
                         !canonical_range(va & ~(r->page_size - 1u), r->page_size) ||
                         r->page_size == VMM_SIZE_1G ||
                         frame_pool_in_use(&s->pool) + 520u > s->pool.nframes ||
                         !frame_pool_has_run(&s->pool, (size_t)PAGES(r->page_size),
                                            (size_t)PAGES(r->page_size));
        FUZZ_CHECK(explained && out.status != VMM_OK, "vmm-fault-oom",
                   "OUT_OF_MEMORY (%s) with frames to spare", vmm_strerror(out.status));
    }
    bool done = kind == VMM_FAULT_RESOLVED;
    if (!done && r)
        check_named_record(s, r);
    if (done) {
        uint64_t page = va & ~(r->page_size - 1u);
        size_t k = (size_t)((page - r->virt) / r->page_size);
        FUZZ_CHECK(out.page == page && out.page_size == r->page_size &&
                       (out.phys & (r->page_size - 1u)) == 0,
                   "vmm-fault-resolved", "resolved page 0x%llx size 0x%llx phys 0x%llx; model "
                   "page 0x%llx size 0x%llx", (unsigned long long)out.page,
                   (unsigned long long)out.page_size, (unsigned long long)out.phys,
                   (unsigned long long)page, (unsigned long long)r->page_size);
        for (uint64_t f = 0; f < PAGES(r->page_size); f++)
            FUZZ_CHECK(frame_pool_is_used(&s->pool, out.phys + f * VMM_PAGE_SIZE),
                       "vmm-fault-frame", "demand frame 0x%llx is not from the frame source",
                       (unsigned long long)(out.phys + f * VMM_PAGE_SIZE));
        s->frame_blocks -= model_store_blocks(r); /* the chunk and path it took */
        r->frames[k] = out.phys;
        s->frame_blocks += model_store_blocks(r);
        r->page_attrs[k] = r->attrs;
        own_frames(s, out.phys, PAGES(r->page_size), true);
        fresh_frames_zeroed(s, out.phys, (size_t)PAGES(r->page_size), "demand fault");
        check_range(s, page, r->page_size, r->page_size);
    }
    op_end(s, done);
}

/* op_fault_code with the error code the op's byte stands for
 * (PF_CODE_FROM_BYTE). */
static void op_fault(vmm_state_t *s, uint64_t va, uint8_t byte)
{
    op_fault_code(s, va, PF_CODE_FROM_BYTE(byte), false, 0);
}

/* Returns true and the page of model record r that mapped page number k
 * (of r's mapped pages, from the page k % (r's pages) on, cyclic) is: its
 * address, frame, size and attributes; false when r maps nothing. */
static bool model_mapped_page(const model_record_t *r, uint8_t k, uint64_t *va, uint64_t *phys,
                              uint64_t *size, vmm_attrs_t *attrs)
{
    if (r->kind == VMM_REC_SET) {
        if (r->phys == VMM_NO_FRAME)
            return false;
        uint64_t off = (uint64_t)(k % r->pages) * VMM_PAGE_SIZE;
        *va = r->virt + off, *phys = r->phys + off, *size = VMM_SIZE_4K, *attrs = r->attrs;
        return true;
    }
    for (uint32_t i = 0; i < r->nframes; i++) {
        uint32_t j = (uint32_t)((k + i) % r->nframes);
        if (r->frames[j] == VMM_NO_FRAME)
            continue;
        *va = r->virt + (uint64_t)j * r->page_size, *phys = r->frames[j], *size = r->page_size;
        *attrs = r->kind == VMM_REC_RESERVE ? r->page_attrs[j] : r->attrs;
        return true;
    }
    return false;
}

/* vmm_pin of record r (NULL: of the window's start, which the model
 * judges): the record gets VMM_RECORD_PINNED, nothing else changes; a
 * failed pin changes nothing (args_ok false: pin takes nothing, so no
 * injected failure explains an error). */
static void op_pin(vmm_state_t *s, model_record_t *r)
{
    uint64_t va = r ? r->virt : s->start;
    model_record_t *m;
    uint64_t allowed = record_errors(s, va, &m);
    op_start_range(s, va, m ? m->pages * VMM_PAGE_SIZE : VMM_PAGE_SIZE);
    vmm_status_t got = vmm_pin(&s->vmm, va);
    TRACE("pin(0x%llx) -> %s", (unsigned long long)va, fuzz_status(got));
    bool done = judge(s, got, allowed == 0, allowed, false, "vmm-pin-status");
    if (done) { /* only the flag changed: the rest as a failed op leaves it */
        m->flags |= VMM_RECORD_PINNED;
        snapshot_check(s);
        check_named_record(s, m);
    }
    op_end(s, done);
}

/* vmm_release (mode BEHIND_FREE: vmm_free) of a record one of whose mapped
 * pages was unmapped behind the VMM's back through the mapper and, with
 * BEHIND_REMAP, mapped again one page size smaller (4K pages stay
 * unmapped). The model: the call refuses with the error of the first page
 * that changed (vmm.h: a reservation is queried page by page before
 * anything is unmapped: NOT_MAPPED, or LARGE_PAGE_CONFLICT for a page of
 * another size; ALLOC and SET: the one unmap call's NOT_MAPPED), or
 * NOT_RESERVATION, or OUT_OF_MEMORY after an injected allocator failure;
 * nothing changed and no frame was taken or given back (a release that
 * unmapped part and mapped it again would take table frames: with a frame
 * failure armed, its re-map traps). The harness's own re-map may fail only
 * after an injected frame failure (then the page is just unmapped). Then the
 * page is put back as it was, and checked. */
#define BEHIND_REMAP 0x1u
#define BEHIND_FREE 0x2u
static void op_release_behind(vmm_state_t *s, fuzz_data_t *fd)
{
    model_record_t *r = pick_record(s, fd_u8(fd));
    uint8_t k = fd_u8(fd), mode = fd_u8(fd);
    uint64_t va, phys, size;
    vmm_attrs_t attrs;
    if (!r || !model_mapped_page(r, k, &va, &phys, &size, &attrs)) {
        TRACE("release_behind: no mapped page (nop)");
        return;
    }
    bool release = !(mode & BEHIND_FREE);
    s->work += 1u;
    vmm_status_t st = x86_unmap(&s->pt, va, size, size);
    FUZZ_CHECK_STATUS(st, VMM_OK, "vmm-behind-unmap");
    uint64_t small = size == VMM_SIZE_1G ? VMM_SIZE_2M : VMM_SIZE_4K;
    bool remapped = false;
    if ((mode & BEHIND_REMAP) && size != VMM_SIZE_4K) {
        size_t failures = s->ff.failures;
        st = x86_map(&s->pt, va, phys, small, small, attrs);
        remapped = st == VMM_OK;
        FUZZ_CHECK(remapped || (st == VMM_ERR_OUT_OF_FRAMES &&
                                (s->ff.failures != failures ||
                                 frame_pool_in_use(&s->pool) + 4u > s->pool.nframes)),
                   "vmm-behind-remap", "mapping 0x%llx again with 0x%llx pages: %s",
                   (unsigned long long)va, (unsigned long long)small, vmm_strerror(st));
    }
    vmm_status_t want = remapped ? VMM_ERR_LARGE_PAGE_CONFLICT : VMM_ERR_NOT_MAPPED;
    if (release && r->kind != VMM_REC_RESERVE)
        want = VMM_ERR_NOT_RESERVATION;
    else if (r->flags & VMM_RECORD_PINNED)
        want = VMM_ERR_PINNED; /* refused before anything is queried */
    op_start_range(s, r->virt, r->pages * VMM_PAGE_SIZE);
    size_t calls = s->ff.calls;
    long outstanding = s->ff.outstanding;
    st = release ? vmm_release(&s->vmm, r->virt) : vmm_free(&s->vmm, r->virt);
    TRACE("release_behind: page 0x%llx (0x%llx) unmapped%s, %s(0x%llx) -> %s",
          (unsigned long long)va, (unsigned long long)size,
          remapped ? " and mapped again smaller" : "", release ? "release" : "free",
          (unsigned long long)r->virt, fuzz_status(st));
    bool oom = st == VMM_ERR_OUT_OF_MEMORY && s->alloc.failures != s->snap_alloc_failures;
    FUZZ_CHECK(st == want || oom, "vmm-release-behind-status", "returned %s; the model "
               "expects %s", vmm_strerror(st), vmm_strerror(want));
    snapshot_check(s);
    FUZZ_CHECK(s->ff.calls == calls && s->ff.outstanding == outstanding,
               "vmm-release-behind-frames", "a refused release took %zu frame(s) and gave "
               "back %ld", s->ff.calls - calls, outstanding + (long)(s->ff.calls - calls) -
               s->ff.outstanding);
    check_named_record(s, r);
    /* put the page back, no failure injected */
    long countdown = s->ff.countdown;
    s->ff.countdown = -1;
    if (remapped)
        FUZZ_CHECK_STATUS(x86_unmap(&s->pt, va, small, small), VMM_OK, "vmm-behind-restore");
    FUZZ_CHECK_STATUS(x86_map(&s->pt, va, phys, size, size, attrs), VMM_OK,
                      "vmm-behind-restore");
    s->ff.countdown = countdown;
    check_range(s, va, size, size);
    op_end(s, true);
}

/* Returns a page of record idx: the record's start + page * 4K. */
static uint64_t record_page(vmm_state_t *s, uint8_t idx, uint16_t page)
{
    model_record_t *r = pick_record(s, idx);
    if (!r)
        return s->start + (uint64_t)page * VMM_PAGE_SIZE;
    return r->virt + (uint64_t)(page % (r->pages + 1u)) * VMM_PAGE_SIZE + (idx >> 7);
}

/* Decodes and runs one op. */
/* One public call with one NULL pointer argument (status.h's NULL rule):
 * VMM_ERR_INVALID_ARGUMENT (false / NULL / 0 for queries) and nothing
 * changed, which the per-op checks then confirm against the model. */
static void op_null_arg(vmm_state_t *s, unsigned call, uint64_t va)
{
    enum { CALLS = 15 };
    uint64_t out = 0;
    bool b = false;
    vmm_range_t r = {va, va + VMM_PAGE_SIZE};
    vmm_access_t acc = {0};
    vmm_fault_result_t res;
    vmm_status_t got = VMM_ERR_INVALID_ARGUMENT;
    call %= CALLS;
    s->snap_same = false; /* a broken NULL check may change the vmm_t */
    switch (call) {
    case 0: got = vmm_is_set(&s->vmm, va, NULL); break;
    case 1: got = vmm_alloc(&s->vmm, 1, 0, NULL); break;
    case 2: got = vmm_reserve(&s->vmm, 1, VMM_SIZE_4K, 0, VMM_RESERVE_LAZY, NULL); break;
    case 3: got = vmm_is_set(NULL, va, &b); break;
    case 4: got = vmm_set(NULL, r, NULL, 0); break;
    case 5: got = vmm_free(NULL, va); break;
    case 6: got = vmm_claim(NULL, va, 1, VMM_SIZE_4K, 0, 0); break;
    case 7: got = vmm_map_page(NULL, va, va, POOL_BASE, 0); break;
    case 8: got = vmm_release(NULL, va); break;
    case 9: got = vmm_alloc(NULL, 1, 0, &out); break;
    case 10: got = vmm_reserve(NULL, 1, VMM_SIZE_4K, 0, 0, &out); break;
    case 11: got = x86_translate(&s->pt, va, NULL); break;
    case 12: got = x86_map(NULL, va, POOL_BASE, VMM_PAGE_SIZE, VMM_PAGE_SIZE, 0); break;
    case 13: {
        /* the queries, and the record tree's own NULL rules (vmm_btree.h) */
        uint64_t found = 1;
        FUZZ_CHECK(vmm_find_record(NULL, va) == NULL && vmm_first_record(NULL) == NULL &&
                   vmm_next_record(NULL) == NULL && vmm_record_page_attrs(NULL, 0) == 0 &&
                   vmm_record_frame(NULL, 0) == VMM_NO_FRAME,
                   "vmm-null-arg", "a NULL query answered");
        FUZZ_CHECK(vmm_btree_find_le(NULL, va, &found) == NULL && found == 1 &&
                   vmm_btree_next(NULL, va, false) == NULL && !vmm_btree_check(NULL),
                   "vmm-null-arg", "a NULL tree answered");
        break;
    }
    default:
        FUZZ_CHECK(vmm_fault(NULL, va, acc, &res) == VMM_FAULT_NOT_PRESENT &&
                   res.status == VMM_ERR_INVALID_ARGUMENT, "vmm-null-arg",
                   "vmm_fault(NULL) was not fatal");
        break;
    }
    TRACE("null_arg(call %u, va 0x%llx) -> %s", call, (unsigned long long)va, fuzz_status(got));
    FUZZ_CHECK_STATUS(got, VMM_ERR_INVALID_ARGUMENT, "vmm-null-arg");
    FUZZ_CHECK(out == 0, "vmm-null-arg", "a failed call wrote its out-pointer");
}

/* Checks that every call a callback made back into the VMM (op reenter)
 * was refused with VMM_ERR_BUSY (vmm.h, "Reentrancy"). The interrupted op
 * itself was checked against the model as any other. */
static void check_reentry(vmm_state_t *s)
{
    if (s->reent.fired == 0)
        return;
    TRACE("  reenter fired: %u calls back into the VMM refused, %u not", s->reent.refused,
          s->reent.wrong);
    FUZZ_CHECK(s->reent.wrong == 0, "vmm-reentry", "%s", s->reent.first_wrong);
    s->reent.fired = 0;
}

/* vmm_deinit with every injection disarmed (it cannot fail: vmm.h), then
 * checks it gave everything back: records, blocks, tables, frames (the
 * borrowed reservations' frames, which it unmapped and freed none of, go
 * back to the harness that lent them), and the model starts afresh. */
static void deinit_and_check(vmm_state_t *s)
{
    s->ff.countdown = -1;
    s->alloc.countdown = -1;
    s->unmap_countdown = -1;
    FUZZ_CHECK_STATUS(vmm_deinit(&s->vmm), VMM_OK, "vmm-deinit");
    check_reentry(s);
    s->snap_same = false; /* the vmm_t changed: the next snapshot copies it */
    for (size_t i = 0; i < s->nrecs; i++)
        if (model_borrowed(&s->recs[i]))
            return_lent(s, &s->recs[i]);
    model_clear(s);
    FUZZ_CHECK(s->vmm.tree.root == NULL && s->vmm.tree.count == 0 && s->alloc.live == 0,
               "vmm-deinit", "vmm_deinit left %zu record blocks, tree count %zu",
               s->alloc.live, s->vmm.tree.count);
    FUZZ_CHECK(s->pt.table_frames == 1 && frame_pool_in_use(&s->pool) == 1, "vmm-deinit",
               "after vmm_deinit: %zu table frames, %zu frames in use (want the PML4 only)",
               s->pt.table_frames, frame_pool_in_use(&s->pool));
    FUZZ_CHECK(s->vmm.bitmap.num_free == s->vmm.bitmap.num_entries, "vmm-deinit",
               "after vmm_deinit: %zu of %zu pages free", s->vmm.bitmap.num_free,
               s->vmm.bitmap.num_entries);
}

/* vmm_deinit in the middle of a program (vmm.h: the vmm_t stays usable, an
 * empty VMM over the same window): the program goes on with the model
 * afresh and next fit's hint back to 0. */
static void op_deinit(vmm_state_t *s)
{
    TRACE("deinit");
    deinit_and_check(s);
    s->hint = 0;
}

static void run_op(vmm_state_t *s, fuzz_data_t *fd, unsigned op)
{
    switch (op) {
    case VMM_OP_ALLOC: op_alloc(s, fd); break;
    case VMM_OP_SET: op_set(s, fd); break;
    case VMM_OP_FREE: op_free(s, read_va(s, fd), false); break;
    case VMM_OP_IS_SET: op_is_set(s, read_va(s, fd)); break;
    case VMM_OP_RESERVE: op_reserve(s, fd); break;
    case VMM_OP_CLAIM: op_claim(s, fd); break;
    case VMM_OP_MAP_PAGE: op_map_page(s, fd); break;
    case VMM_OP_RELEASE: op_free(s, read_va(s, fd), true); break;
    case VMM_OP_FAULT: {
        uint64_t va = read_va(s, fd);
        op_fault(s, va, fd_u8(fd));
        break;
    }
    case VMM_OP_FREE_RECORD:
    case VMM_OP_RELEASE_RECORD: {
        model_record_t *r = pick_record(s, fd_u8(fd));
        op_free(s, r ? r->virt : s->start, op == VMM_OP_RELEASE_RECORD);
        break;
    }
    case VMM_OP_PIN_RECORD: op_pin(s, pick_record(s, fd_u8(fd))); break;
    case VMM_OP_DEINIT: op_deinit(s); break;
    case VMM_OP_FAULT_RECORD: {
        uint8_t idx = fd_u8(fd);
        uint64_t va = record_page(s, idx, fd_u16(fd));
        op_fault(s, va, fd_u8(fd));
        break;
    }
    case VMM_OP_FAIL: {
        uint8_t which = fd_u8(fd), n = fd_u8(fd);
        TRACE("fail: %s allocation %u from now fails", which & FAIL_WHICH_FRAMES ? "frame" : "record", n + 1u);
        if (which & FAIL_WHICH_FRAMES)
            s->ff.countdown = n;
        else
            s->alloc.countdown = n;
        break;
    }
    case VMM_OP_NULL_ARG: {
        unsigned call = fd_u8(fd);
        op_null_arg(s, call, read_va(s, fd));
        break;
    }
    case VMM_OP_RELEASE_BEHIND: op_release_behind(s, fd); break;
    case VMM_OP_FAIL_UNMAP:
        s->unmap_countdown = fd_u8(fd);
        TRACE("fail_unmap: unmap %ld from now fails (inside free / release)", s->unmap_countdown + 1);
        break;
    case VMM_OP_FAULT_CODE: {
        uint64_t va = read_va(s, fd);
        op_fault_code(s, va, fd_u32(fd), false, 0);
        break;
    }
    case VMM_OP_FAULT_CPU: {
        uint64_t va = read_va(s, fd);
        uint32_t code = fd_u32(fd);
        op_fault_code(s, va, code, true, fd_u8(fd));
        break;
    }
    case VMM_OP_CHECK_ALL: {
        /* the full check runs at the end of every input (and after every op
         * with VMM_FUZZ_PARANOID=1): here the O(records) part of it */
        size_t n;
        TRACE("check_all (%zu records, %llu pages used, %zu table frames)%s", s->nrecs,
              (unsigned long long)s->used_pages, s->pt.table_frames,
              s->paranoid ? "" : ": counters and records now, the rest at the end");
        check_counters(s);
        FUZZ_CHECK(records_match(s, &n), "vmm-record", "the record list (%zu records) is not "
                   "the model's %zu", n, s->nrecs);
        if (s->paranoid)
            check_all(s);
        break;
    }
    case VMM_OP_REENTER: {
        int kind = fd_u8(fd) % REENTRY_KINDS;
        long n = fd_u8(fd);
        TRACE("reenter: %s call %ld from now calls back into the VMM", reentry_kind_name(kind),
              n + 1);
        reentry_arm(&s->reent, &s->vmm, kind, n);
        break;
    }
    default: TRACE("nop (opcode %u)", op); break;
    }
    check_reentry(s);
    FUZZ_CHECK(s->fm.unflushed == 0, "vmm-flush", "%zu unmaps not flushed when the op "
               "returned (mapper.h: flush after a free / release's unmaps)", s->fm.unflushed);
}

/* Bad vmm_init calls: each must fail and leave *vmm untouched (a vmm_t of
 * 0x5A bytes, s->init_dirt, copied in and compared word by word: no 2 KiB
 * memset and memcmp per input). */
static void check_bad_inits(vmm_state_t *s, const vmm_allocator_t *a, const vmm_mapper_t *m,
                            const vmm_frames_t *f)
{
    const vmm_t *before = &s->init_dirt;
    copy_vmm(&s->vmm, before);
    FUZZ_CHECK_STATUS(vmm_init(&s->vmm, s->start, s->start, a, m, f),
                      VMM_ERR_INVALID_VIRT, "vmm-init-empty");
    FUZZ_CHECK_STATUS(vmm_init(&s->vmm, s->start + 1u, s->end, a, m, f), VMM_ERR_MISALIGNED,
                      "vmm-init-misaligned");
    FUZZ_CHECK_STATUS(vmm_init(&s->vmm, s->start, s->end, NULL, m, f),
                      VMM_ERR_INVALID_ARGUMENT, "vmm-init-null");
    FUZZ_CHECK(same_vmm(before, &s->vmm), "vmm-init-bad-unchanged",
               "a failed vmm_init changed the vmm_t");
}

/* Reads the configuration and builds tables + VMM. Returns false when the
 * model says the window cannot be mapped (vmm_init refused it, as it must). */
static bool setup(void *state, fuzz_data_t *fd)
{
    vmm_state_t *s = state;
    uint8_t cls = fd_u8(fd);
    uint16_t size = fd_u16(fd);
    uint8_t alloc_fail = fd_u8(fd), frame_fail = fd_u8(fd), flags = fd_u8(fd);
    unsigned base = cls % WINDOW_BASES;
    s->start = window_base[base] + (uint64_t)(cls / WINDOW_BASES) * VMM_PAGE_SIZE;
    s->window_pages = base == HUGE_CLASS ? HUGE_WINDOW_PAGES + size
                                         : 1u + size % SMALL_WINDOW_PAGES;
    /* size bit 15 (small windows): the window straddles its base, so base
     * 3 runs across the canonical hole's high edge */
    if (base != HUGE_CLASS && (size & SIZE_STRADDLE) &&
        s->start >= (s->window_pages / 2u) * VMM_PAGE_SIZE)
        s->start -= (s->window_pages / 2u) * VMM_PAGE_SIZE;
    if (s->start != 0 && s->window_pages >= PAGES(0 - s->start))
        s->window_pages = PAGES(0 - s->start) - 1u;  /* end must not wrap */
    s->end = s->start + s->window_pages * VMM_PAGE_SIZE;
    s->storage_words = BITMAP_WORDS(s->window_pages);
    (void)flags; /* was: 1 = full check after every op (now VMM_FUZZ_PARANOID) */
    s->work = 0;
    s->mappable = fuzz_window_mappable(s->start, s->end);
    s->nrecs = 0;
    s->frame_blocks = 0;
    s->last = NULL;
    s->used_pages = 0;
    s->hint = 0;
    s->owned_frames = 0;
    s->borrowed_frames = 0;
    s->tree_touched = false;
    fail_alloc_reset(&s->alloc);
    fail_frames_reset(&s->ff);
    vmm_frames_t frames = fail_frames_iface(&s->ff);
    vmm_status_t st;
    vmm_allocator_t a = fail_alloc_iface(&s->alloc);
    vmm_mapper_t x = x86_paging_mapper(&s->pt);
    fail_mapper_init(&s->fm, &x);
    s->unmap_countdown = -1;
    vmm_mapper_t m = fail_mapper_iface(&s->fm);
    s->snap_same = false; /* a new vmm_t */
    check_bad_inits(s, &a, &m, &frames);
    /* a dirty vmm_t: vmm_init must set everything it uses */
    memset(&s->vmm, 0xFF, sizeof s->vmm);
    vmm_allocator_t wa;
    vmm_frames_t wf;
    vmm_mapper_t wm;
    reentry_wrap(&s->reent, &a, &frames, &m, &wa, &wf, &wm);
    st = vmm_init(&s->vmm, s->start, s->end, &wa, &wm, &wf);
    TRACE("config: window [0x%llx, 0x%llx) (%llu pages), record alloc %d fails, frame alloc %d "
          "fails, paranoid=%d; vmm_init -> %s", (unsigned long long)s->start,
          (unsigned long long)s->end, (unsigned long long)s->window_pages,
          alloc_fail ? (int)alloc_fail : -1, frame_fail ? (int)frame_fail : -1, s->paranoid,
          fuzz_status(st));
    FUZZ_CHECK_STATUS(st, s->mappable ? VMM_OK : VMM_ERR_NON_CANONICAL, "vmm-init");
    if (!s->mappable)
        return false;
    s->alloc.countdown = fuzz_fail_countdown(alloc_fail);
    s->ff.countdown = fuzz_fail_countdown(frame_fail);
    check_counters(s);
    return true;
}

/* fuzz_target_t hooks (fuzz_driver.h). */
static void *create(void)
{
    vmm_state_t *s = calloc(1, sizeof *s);
    if (!s || !(s->owned = calloc(POOL_FRAMES, 1)) || !(s->lent = calloc(POOL_FRAMES, 1)))
        abort();
    const char *paranoid = getenv("VMM_FUZZ_PARANOID");
    s->paranoid = paranoid && strcmp(paranoid, "1") == 0;
    const char *wb = getenv("VMM_FUZZ_WORK");
    work_budget = wb ? strtoull(wb, NULL, 0) : VMM_WORK_BUDGET;
    s->mb_lo = SIZE_MAX; /* mbits: nothing written yet */
    memset(&s->init_dirt, 0x5A, sizeof s->init_dirt);
    fuzz_frames_create(&s->pool, &s->ff, POOL_BASE, POOL_FRAMES);
    s->ff.inner.zero = pool_zero; /* fresh_frames_zeroed checks it ran */
    /* the tables' PML4, kept across inputs (pml4_reset) */
    vmm_frames_t frames = fail_frames_iface(&s->ff);
    if (x86_paging_init(&s->pt, &frames, frame_pool_offset(&s->pool)) != VMM_OK ||
        !frame_pool_keep(&s->pool))
        abort();
    fail_alloc_init(&s->alloc);
    fail_alloc_use_arena(&s->alloc, ARENA_BYTES);
    for (size_t i = 0; i < MAX_RECORDS; i++) {
        s->recs[i].frames = s->frame_store[i];
        s->recs[i].page_attrs = s->attr_store[i];
    }
    return s;
}

static void run(void *state, fuzz_data_t *fd, unsigned op) { run_op(state, fd, op); }

/* Returns true when the input's ops mapped, unmapped and checked more pages
 * than the budget (VMM_WORK_BUDGET): its program ends there. */
static bool spent(const void *state)
{
    const vmm_state_t *s = state;
    return s->work > work_budget;
}
static void final_check(void *state) { check_all(state); }

/* Checks that the input left the PML4 (kept across inputs: created once
 * by x86_paging_init in create) with no entry present, then zeroes it, as
 * x86_paging_init would: every input starts from the same empty tables
 * (the same frame, as before). Creating and destroying the PML4 per input
 * cost ~5% of the time (two ASan-checked passes over its 512 entries);
 * x86_paging_init / x86_paging_destroy are the paging target's and the
 * unit tests' to check. Reads and writes only the pool's mmap (which ASan
 * never poisons). One pass ORs the 512 entries (vectorized; a loop with the
 * check in it was not, 0.8% of the time); only a PML4 with some non-zero
 * entry is gone through again, entry by entry: each checked, then zeroed. */
FUZZ_NO_SAN static void pml4_reset(vmm_state_t *s)
{
    uint64_t *t = frame_pool_host(&s->pool, s->pt.pml4);
    x86_pte_t any = 0; /* the OR of every entry: one vectorized pass */
    for (unsigned i = 0; i < X86_ENTRIES; i++)
        any |= t[i];
    for (unsigned i = 0; any != 0 && i < X86_ENTRIES; i++) { /* rare: name the entry */
        FUZZ_CHECK(!X86_PTE_PRESENT(t[i]), "vmm-deinit", "PML4 entry %u (0x%llx) is still "
                   "present after the input", i, (unsigned long long)t[i]);
        t[i] = 0;
    }
    FUZZ_CHECK(s->pt.table_frames == 1, "vmm-deinit", "%zu table frames, want the PML4 only",
               s->pt.table_frames);
}

/* Undoes what the input did (records, then tables): the pool and the arena
 * are as created, so the next input runs as if it were the first. */
static void reset(void *state)
{
    vmm_state_t *s = state;
    s->ff.countdown = -1;
    s->alloc.countdown = -1;
    s->unmap_countdown = -1;
    reentry_arm(&s->reent, &s->vmm, -1, -1);
    if (s->mappable)
        deinit_and_check(s);
    pml4_reset(s);
    FUZZ_CHECK(frame_pool_reset(&s->pool), "vmm-leak", "frames leaked");
    fail_alloc_reset(&s->alloc);
}

static const fuzz_target_t target = {
    .ops = vmm_op_desc, .nops = VMM_OP_COUNT, .max_ops = VMM_MAX_OPS,
    .create = create, .setup = setup, .run_op = run, .check_op = NULL,
    .check_final = final_check, .reset = reset, .spent = spent,
};
FUZZ_TARGET(target)
