/*
 * fuzz_pmm.c - fuzz target: the physical frame manager (pmm.h) and its
 * frame-source adapter (pmm_frames) against a per-frame model (free,
 * allocated, reserved) built from the memory map by the rules of pmm.h.
 *
 * Input: u8 entries (% 9), per entry u16 base (256-byte units), u16 length
 * (64-byte units), u8 type (% 9); then ops (fuzz_ops.h, PMM_OP_*).
 * After every op: the status is the model's, the free count matches, the
 * frames the op named match; a failed op changed no word of either bitmap
 * (compared in full) and no field of the pmm_t (the next-fit hint
 * included). At the end every frame is compared with the model.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pmm.h"
#include "fuzz_bits.h"
#include "fuzz_check.h"
#include "fuzz_data.h"
#include "fuzz_driver.h"

#define MAX_ENTRIES 8u
#define TYPE_COUNT 9u
#define BASE_UNIT 256u
#define LEN_UNIT 64u
#define MAX_FRAMES 8192u                  /* 32 MiB > largest base + length */
#define STORAGE_WORDS (2u * BITMAP_WORDS(MAX_FRAMES) + 2u)
#define FRAME(a) ((a) >> VMM_PAGE_SHIFT)
#define ADDR(f) ((uint64_t)(f) << VMM_PAGE_SHIFT)
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1u)) == 0)
#define BIT(st) (1ull << (st))
#define ADDR_FRAME_MASK 0x7FFFu
#define ADDR_ODD_SHIFT 15u      /* bit 15: one byte off */
#define RAW_FLAG 0x80u
#define ALIGN_SHIFTS 10u
#define LEN_WRAPS 0xFFFFu       /* reserve: one byte past 2^64 */
#define LEN_TO_TOP 0xFFFEu      /* reserve: to exactly 2^64 */

enum { FREE = 0, ALLOCATED = 1, RESERVED = 2 };

typedef struct pmm_state {
    pmm_t pmm;
    memmap_entry_t map[MAX_ENTRIES];
    size_t map_len;
    uint64_t storage[STORAGE_WORDS];
    uint64_t snap[STORAGE_WORDS];
    pmm_t snap_pmm;
    size_t words;
    uint8_t model[MAX_FRAMES];
    /* the model again as the pmm's two bitmaps would hold it (bit set:
     * not FREE / RESERVED), kept by model_set: whole-word compares */
    uint64_t mused[BITMAP_WORDS(MAX_FRAMES)], mres[BITMAP_WORDS(MAX_FRAMES)];
    size_t n;          /* managed frames */
    size_t free_frames;
    size_t lowest_free; /* the model's lowest free frame (n: none): what
                           pmm.h says the hint is, and pmm_alloc returns */
} pmm_state_t;

/* ---------------------------------------------------------------- model */

/* Sets (on) or clears bits [first, end) of words, a word at a time. */
static void set_bits(uint64_t *words, size_t first, size_t end, bool on)
{
    while (first < end) {
        size_t room = FUZZ_WORD_BITS - first % FUZZ_WORD_BITS;
        size_t take = room < end - first ? room : end - first;
        uint64_t mask = (take == FUZZ_WORD_BITS ? UINT64_MAX : ((uint64_t)1 << take) - 1u)
                        << (first % FUZZ_WORD_BITS);
        words[first / FUZZ_WORD_BITS] = on ? words[first / FUZZ_WORD_BITS] | mask
                                           : words[first / FUZZ_WORD_BITS] & ~mask;
        first += take;
    }
}

/* Builds the model from the map (pmm.h): returns the managed frame count.
 * A frame is free when a usable entry holds it whole and no other entry
 * touches it: every frame reserved, then the frames usable entries hold
 * free, then those other entries touch reserved again (entry by entry, not
 * frame by frame). */
static size_t model_init(pmm_state_t *s)
{
    size_t top = 0;
    for (size_t i = 0; i < s->map_len; i++) {
        const memmap_entry_t *e = &s->map[i];
        if (e->type != MEMMAP_USABLE || !e->length)
            continue;
        size_t first = (size_t)((e->base + VMM_PAGE_MASK) >> VMM_PAGE_SHIFT);
        size_t end = (size_t)FRAME(e->base + e->length);
        if (end > first && end > top)
            top = end;
    }
    memset(s->model, RESERVED, top);
    for (int usable = 1; usable >= 0; usable--)
        for (size_t i = 0; i < s->map_len; i++) {
            const memmap_entry_t *e = &s->map[i];
            if ((e->type == MEMMAP_USABLE) != usable || !e->length)
                continue;
            /* usable: the frames it holds whole; other: the frames it touches */
            size_t first = (size_t)(usable ? (e->base + VMM_PAGE_MASK) >> VMM_PAGE_SHIFT
                                           : FRAME(e->base));
            size_t end = (size_t)(usable ? FRAME(e->base + e->length)
                                         : (e->base + e->length + VMM_PAGE_MASK) >> VMM_PAGE_SHIFT);
            end = end < top ? end : top;
            if (first < end)
                memset(&s->model[first], usable ? FREE : RESERVED, end - first);
        }
    size_t words = BITMAP_WORDS(top);
    memset(s->mused, 0, words * sizeof s->mused[0]);
    memset(s->mres, 0, words * sizeof s->mres[0]);
    s->free_frames = 0;
    for (size_t f = 0, next; f < top; f = next) { /* per run of equal states */
        for (next = f + 1u; next < top && s->model[next] == s->model[f];)
            next++;
        set_bits(s->mused, f, next, s->model[f] != FREE);
        set_bits(s->mres, f, next, s->model[f] == RESERVED);
        s->free_frames += s->model[f] == FREE ? next - f : 0;
    }
    for (s->lowest_free = 0; s->lowest_free < top && s->model[s->lowest_free] != FREE;)
        s->lowest_free++;
    return top;
}

/* Sets model frame f to state. */
static void model_set(pmm_state_t *s, size_t f, uint8_t state)
{
    s->free_frames -= s->model[f] == FREE;
    s->model[f] = state;
    s->free_frames += state == FREE;
    set_bits(s->mused, f, f + 1u, state != FREE);
    set_bits(s->mres, f, f + 1u, state == RESERVED);
    if (state == FREE && f < s->lowest_free)
        s->lowest_free = f;
    while (s->lowest_free < s->n && s->model[s->lowest_free] != FREE)
        s->lowest_free++; /* amortised: each frame passed once per time it was freed */
}

/* ---------------------------------------------------------------- checks */

/* Reads bit f of bitmap bm. */
static bool bit(const bitmap_t *bm, size_t f)
{
    return (bm->words[f / BITMAP_WORD_BITS] >> (f % BITMAP_WORD_BITS)) & 1u;
}

/* Checks frame f against the model. */
static void check_frame(pmm_state_t *s, size_t f)
{
    if (f >= s->n)
        return;
    bool used = bit(&s->pmm.used, f), reserved = bit(&s->pmm.reserved, f);
    FUZZ_CHECK(used == (s->model[f] != FREE) && reserved == (s->model[f] == RESERVED),
               "pmm-frame", "frame %zu (0x%llx): used %d reserved %d, model %s", f,
               (unsigned long long)ADDR(f), used, reserved,
               s->model[f] == FREE ? "free" : s->model[f] == ALLOCATED ? "allocated"
                                                                       : "reserved");
}

/* Checks frames [f, f + count) (clipped to a few) and the free count. */
static void check_frames(pmm_state_t *s, size_t f, size_t count)
{
    for (size_t k = 0; k < count && k < 64u; k++)
        check_frame(s, f + k);
    FUZZ_CHECK(pmm_free_count(&s->pmm) == s->free_frames, "pmm-free-count",
               "pmm_free_count %zu, model %zu", pmm_free_count(&s->pmm), s->free_frames);
    FUZZ_CHECK(s->pmm.hint == s->lowest_free, "pmm-hint",
               "hint %zu, the lowest free frame is %zu", s->pmm.hint, s->lowest_free);
}

/* Checks every frame: both bitmaps a word at a time against the model's
 * (the bits of the managed frames), then the frames of a word that differs
 * one by one (which names the first wrong frame). */
static void check_all(pmm_state_t *s)
{
    FUZZ_CHECK(s->pmm.num_frames == s->n, "pmm-num-frames", "num_frames %zu, model %zu",
               s->pmm.num_frames, s->n);
    for (size_t w = 0; w < BITMAP_WORDS(s->n); w++) {
        size_t bits = s->n - w * FUZZ_WORD_BITS;
        uint64_t mask = bits >= FUZZ_WORD_BITS ? UINT64_MAX : ((uint64_t)1 << bits) - 1u;
        if (((s->pmm.used.words[w] ^ s->mused[w]) & mask) == 0 &&
            ((s->pmm.reserved.words[w] ^ s->mres[w]) & mask) == 0)
            continue;
        for (size_t f = w * FUZZ_WORD_BITS; f < s->n && f < (w + 1u) * FUZZ_WORD_BITS; f++)
            check_frame(s, f);
        FUZZ_CHECK(false, "pmm-model-bits", "harness bug: word %zu differs, no frame does", w);
    }
    check_frames(s, 0, 0);
}

/* The snapshot copies and compares the bitmaps' words before and after
 * every op: plain loops over the harness's own arrays, without ASan's
 * checks of the memcpy / memcmp ranges (a tenth of the time per input). */

/* Copies n words from src to dst. */
FUZZ_NO_ASAN static void copy_words(uint64_t *dst, const uint64_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
}

/* Returns true when n words of a and b are equal. */
FUZZ_NO_ASAN static bool same_words(const uint64_t *a, const uint64_t *b, size_t n)
{
    uint64_t diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= a[i] ^ b[i];
    return diff == 0;
}

/* A failed op must leave both bitmaps and the pmm_t (counters, next-fit
 * hint) as they were. */
static void snapshot_take(pmm_state_t *s)
{
    copy_words(s->snap, s->storage, s->words);
    s->snap_pmm = s->pmm;
}
static void snapshot_check(pmm_state_t *s)
{
    FUZZ_CHECK(same_words(s->snap, s->storage, s->words), "pmm-failed-op-changed",
               "a failed op changed the bitmaps");
    FUZZ_CHECK(memcmp(&s->snap_pmm, &s->pmm, sizeof s->pmm) == 0, "pmm-failed-op-changed",
               "a failed op changed the pmm_t (hint %zu -> %zu, free %zu -> %zu)",
               s->snap_pmm.hint, s->pmm.hint, s->snap_pmm.used.num_free, s->pmm.used.num_free);
}

/* Judges got against allowed (0: must succeed); on failure checks the
 * snapshot. Returns true on success. */
static bool judge(pmm_state_t *s, vmm_status_t got, uint64_t allowed, const char *check)
{
    if (got == VMM_OK) {
        FUZZ_CHECK(allowed == 0, check, "succeeded; model expects mask 0x%llx",
                   (unsigned long long)allowed);
        return true;
    }
    FUZZ_CHECK(got < 64 && ((allowed >> got) & 1u), check, "returned %s, model mask 0x%llx",
               vmm_strerror(got), (unsigned long long)allowed);
    snapshot_check(s);
    return false;
}

/* ---------------------------------------------------------------- ops */

/* Reads an address: u16 frame (+ one byte off when bit 15 is set). */
static uint64_t read_addr(fuzz_data_t *fd)
{
    uint16_t v = fd_u16(fd);
    return ADDR(v & ADDR_FRAME_MASK) + (v >> ADDR_ODD_SHIFT);
}

/* Reads an alignment byte: 1 << (v % 10), or v & 0x7F raw when bit 7. */
static size_t read_align(fuzz_data_t *fd)
{
    uint8_t v = fd_u8(fd);
    return (v & RAW_FLAG) ? (size_t)(v & ~RAW_FLAG) : (size_t)1 << (v % ALIGN_SHIFTS);
}

/* Returns the lowest frame starting count free frames at a multiple of
 * align (align a power of two): first fit, what pmm.h promises; s->n when
 * there is none. */
static size_t model_first_fit(const pmm_state_t *s, size_t count, size_t align)
{
    size_t f = 0;
    while (count <= s->n && f <= s->n - count) {
        /* the first free frame from f, rounded up to align: no aligned
         * frame before it starts a run (it is not free) */
        size_t a = fuzz_run_end(s->mused, f, s->n, true);
        a = (a + (align - 1u)) & ~(align - 1u);
        if (a > s->n - count)
            break;
        size_t used = fuzz_run_end(s->mused, a, a + count, false);
        if (used == a + count)
            return a;
        f = used + 1u; /* no run from a .. used holds the used frame */
    }
    return s->n;
}

/* pmm_alloc / pmm_alloc_contiguous / frames.alloc. */
static void op_alloc(pmm_state_t *s, size_t count, size_t align, int how)
{
    uint64_t phys = UINT64_MAX;
    snapshot_take(s);
    vmm_status_t got;
    if (how == 0) {
        count = align = 1;
        got = pmm_alloc(&s->pmm, &phys);
    } else if (how == 1) {
        got = pmm_alloc_contiguous(&s->pmm, count, align, &phys);
    } else {
        vmm_frames_t fr = pmm_frames(&s->pmm);
        got = fr.alloc(fr.ctx, count, align, &phys);
    }
    TRACE("%s(count=%zu, align=%zu) -> %s 0x%llx",
          how == 0 ? "alloc" : how == 1 ? "alloc_contiguous" : "frames.alloc", count, align,
          fuzz_status(got), (unsigned long long)phys);
    uint64_t allowed = 0;
    size_t fit = s->n;
    if (count == 0 || !IS_POW2(align))
        allowed = BIT(VMM_ERR_INVALID_ARGUMENT);
    else if ((fit = model_first_fit(s, count, align)) == s->n)
        allowed = BIT(VMM_ERR_OUT_OF_FRAMES);
    if (!judge(s, got, allowed, "pmm-alloc-status"))
        return;
    size_t f = (size_t)FRAME(phys);
    FUZZ_CHECK(f == fit, "pmm-alloc-first-fit", "handed out frame %zu, the lowest fit is %zu",
               f, fit);
    FUZZ_CHECK((phys & VMM_PAGE_MASK) == 0 && f % align == 0 && f + count <= s->n,
               "pmm-alloc-frame", "0x%llx: misaligned or unmanaged", (unsigned long long)phys);
    for (size_t k = 0; k < count; k++) {
        FUZZ_CHECK(s->model[f + k] == FREE, "pmm-alloc-frame",
                   "frame 0x%llx handed out but not free", (unsigned long long)ADDR(f + k));
        model_set(s, f + k, ALLOCATED);
    }
    check_frames(s, f, count);
}

/* The errors of own_frame-like checks of a single address. */
static uint64_t single_errors(const pmm_state_t *s, uint64_t phys)
{
    if (phys & VMM_PAGE_MASK)
        return BIT(VMM_ERR_MISALIGNED);
    if (FRAME(phys) >= s->n)
        return BIT(VMM_ERR_OUT_OF_BOUNDS);
    if (s->model[FRAME(phys)] == RESERVED)
        return BIT(VMM_ERR_FRAME_RESERVED);
    return 0;
}

/* pmm_free (claim = false) or pmm_claim of one frame. */
static void op_single(pmm_state_t *s, uint64_t phys, bool claim)
{
    snapshot_take(s);
    vmm_status_t got = claim ? pmm_claim(&s->pmm, phys) : pmm_free(&s->pmm, phys);
    TRACE("%s(0x%llx) -> %s", claim ? "claim" : "free", (unsigned long long)phys,
          fuzz_status(got));
    uint64_t allowed = single_errors(s, phys);
    if (!allowed && claim && s->model[FRAME(phys)] == ALLOCATED)
        allowed = BIT(VMM_ERR_PHYS_ALREADY_ALLOCATED);
    if (!allowed && !claim && s->model[FRAME(phys)] == FREE)
        allowed = BIT(VMM_ERR_FRAME_NOT_USED);
    if (judge(s, got, allowed, claim ? "pmm-claim-status" : "pmm-free-status"))
        model_set(s, (size_t)FRAME(phys), claim ? ALLOCATED : FREE);
    check_frames(s, phys < ADDR(s->n) ? (size_t)FRAME(phys) : 0, 1);
}

/* pmm_reserve(base, length). */
static void op_reserve(pmm_state_t *s, uint64_t base, uint64_t length)
{
    snapshot_take(s);
    vmm_status_t got = pmm_reserve(&s->pmm, base, length);
    TRACE("reserve(0x%llx, 0x%llx) -> %s", (unsigned long long)base,
          (unsigned long long)length, fuzz_status(got));
    uint64_t allowed = 0;
    size_t first = 0, end = 0;
    if (length == 0) {
        allowed = BIT(VMM_ERR_INVALID_ARGUMENT);
    } else if (length - 1u > UINT64_MAX - base) { /* may end exactly at 2^64 */
        allowed = BIT(VMM_ERR_OVERFLOW);
    } else {
        first = (size_t)(FRAME(base) < s->n ? FRAME(base) : s->n);
        uint64_t e = FRAME(base + (length - 1u)) + 1u; /* past the last byte's frame */
        end = (size_t)(e < s->n ? e : s->n);
        for (size_t f = first; f < end; f++)
            if (s->model[f] == ALLOCATED)
                allowed = BIT(VMM_ERR_PHYS_ALREADY_ALLOCATED);
    }
    if (judge(s, got, allowed, "pmm-reserve-status"))
        for (size_t f = first; f < end; f++)
            model_set(s, f, RESERVED);
    check_frames(s, first, end - first);
}

/* pmm_is_used / pmm_is_reserved. */
static void op_query(pmm_state_t *s, uint64_t phys)
{
    bool used = false, reserved = false;
    vmm_status_t a = pmm_is_used(&s->pmm, phys, &used);
    vmm_status_t b = pmm_is_reserved(&s->pmm, phys, &reserved);
    TRACE("is_used/is_reserved(0x%llx) -> %s %d / %s %d", (unsigned long long)phys,
          fuzz_status(a), used, fuzz_status(b), reserved);
    vmm_status_t want = FRAME(phys) < s->n ? VMM_OK : VMM_ERR_OUT_OF_BOUNDS;
    FUZZ_CHECK_STATUS(a, want, "pmm-is-used-status");
    FUZZ_CHECK_STATUS(b, want, "pmm-is-reserved-status");
    if (want == VMM_OK)
        FUZZ_CHECK(used == (s->model[FRAME(phys)] != FREE) &&
                       reserved == (s->model[FRAME(phys)] == RESERVED),
                   "pmm-query", "frame 0x%llx: used %d reserved %d, model state %u",
                   (unsigned long long)phys, used, reserved, s->model[FRAME(phys)]);
}

/* One call with a NULL pmm or out-pointer (call % 11): each must fail with
 * VMM_ERR_INVALID_ARGUMENT (pmm_free_count(NULL) answers 0), write no
 * out-pointer and leave the pmm as it was. */
static void op_null_arg(pmm_state_t *s, unsigned call, uint64_t phys)
{
    uint64_t out = 0;
    bool b = false;
    vmm_status_t got = VMM_ERR_INVALID_ARGUMENT;
    snapshot_take(s);
    call %= 11u;
    switch (call) {
    case 0: got = pmm_alloc(NULL, &out); break;
    case 1: got = pmm_alloc(&s->pmm, NULL); break;
    case 2: got = pmm_alloc_contiguous(NULL, 1, 1, &out); break;
    case 3: got = pmm_alloc_contiguous(&s->pmm, 1, 1, NULL); break;
    case 4: got = pmm_free(NULL, phys); break;
    case 5: got = pmm_claim(NULL, phys); break;
    case 6: got = pmm_reserve(NULL, phys, VMM_PAGE_SIZE); break;
    case 7: got = pmm_is_used(NULL, phys, &b); break;
    case 8: got = pmm_is_used(&s->pmm, phys, NULL); break;
    case 9: got = pmm_is_reserved(&s->pmm, phys, NULL); break;
    default:
        FUZZ_CHECK(pmm_free_count(NULL) == 0, "pmm-null-arg", "pmm_free_count(NULL) != 0");
        break;
    }
    TRACE("null_arg(call %u, 0x%llx) -> %s", call, (unsigned long long)phys, fuzz_status(got));
    FUZZ_CHECK_STATUS(got, VMM_ERR_INVALID_ARGUMENT, "pmm-null-arg");
    FUZZ_CHECK(out == 0 && !b, "pmm-null-arg", "a failed call wrote its out-pointer");
    snapshot_check(s);
}

/* frames.free / frames.claim over [phys, phys + count frames). */
static void op_frames_range(pmm_state_t *s, uint64_t phys, size_t count, bool claim)
{
    snapshot_take(s);
    vmm_frames_t fr = pmm_frames(&s->pmm);
    vmm_status_t got = claim ? fr.claim(fr.ctx, phys, count) : fr.free(fr.ctx, phys, count);
    TRACE("frames.%s(0x%llx, %zu) -> %s", claim ? "claim" : "free", (unsigned long long)phys,
          count, fuzz_status(got));
    uint64_t allowed = 0;
    if (phys & VMM_PAGE_MASK)
        allowed |= BIT(VMM_ERR_MISALIGNED);
    if (count == 0)
        allowed |= BIT(VMM_ERR_INVALID_ARGUMENT);
    size_t first = (size_t)(FRAME(phys) < s->n ? FRAME(phys) : s->n);
    size_t end = first + count < s->n ? first + count : s->n;
    if (!allowed)
        for (size_t f = first; f < end; f++) {
            if (claim && s->model[f] == ALLOCATED)
                allowed |= BIT(VMM_ERR_PHYS_ALREADY_ALLOCATED);
            if (!claim && s->model[f] == FREE)
                allowed |= BIT(VMM_ERR_FRAME_NOT_USED);
        }
    if (judge(s, got, allowed, claim ? "pmm-frames-claim-status" : "pmm-frames-free-status"))
        for (size_t f = first; f < end; f++)
            if (s->model[f] != RESERVED)
                model_set(s, f, claim ? ALLOCATED : FREE);
    check_frames(s, first, end - first);
}

/* frames.in_use over [phys, phys + count frames): exactly the status of
 * frames.h (misaligned, count 0; FRAME_NOT_USED when a managed frame of
 * the range is free, else VMM_OK, also when none is managed); changes
 * nothing. */
static void op_frames_in_use(pmm_state_t *s, uint64_t phys, size_t count)
{
    snapshot_take(s);
    vmm_frames_t fr = pmm_frames(&s->pmm);
    FUZZ_CHECK(fr.in_use != NULL, "pmm-frames-in-use", "the adapter has no in_use");
    vmm_status_t got = fr.in_use(fr.ctx, phys, count), want = VMM_OK;
    size_t first = (size_t)(FRAME(phys) < s->n ? FRAME(phys) : s->n);
    size_t end = first + count < s->n ? first + count : s->n;
    if (phys & VMM_PAGE_MASK)
        want = VMM_ERR_MISALIGNED;
    else if (count == 0)
        want = VMM_ERR_INVALID_ARGUMENT;
    else
        for (size_t f = first; f < end && want == VMM_OK; f++)
            if (s->model[f] == FREE)
                want = VMM_ERR_FRAME_NOT_USED;
    TRACE("frames.in_use(0x%llx, %zu) -> %s (%zu managed)", (unsigned long long)phys, count,
          fuzz_status(got), end - first);
    FUZZ_CHECK_STATUS(got, want, "pmm-frames-in-use");
    snapshot_check(s);
}

/* Decodes and runs one op. */
static void run_op(pmm_state_t *s, fuzz_data_t *fd, unsigned op)
{
    switch (op) {
    case PMM_OP_ALLOC: op_alloc(s, 1, 1, 0); break;
    case PMM_OP_ALLOC_CONTIGUOUS:
    case PMM_OP_FRAMES_ALLOC: {
        size_t count = fd_u8(fd);
        op_alloc(s, count, read_align(fd), op == PMM_OP_ALLOC_CONTIGUOUS ? 1 : 2);
        break;
    }
    case PMM_OP_FREE: op_single(s, read_addr(fd), false); break;
    case PMM_OP_CLAIM: op_single(s, read_addr(fd), true); break;
    case PMM_OP_RESERVE: {
        uint64_t base = (uint64_t)fd_u16(fd) * BASE_UNIT;
        uint16_t len = fd_u16(fd);
        uint64_t length = len == LEN_WRAPS    ? UINT64_MAX - base + 2u
                          : len == LEN_TO_TOP ? UINT64_MAX - base + 1u
                                              : (uint64_t)len * LEN_UNIT;
        op_reserve(s, base, length);
        break;
    }
    case PMM_OP_QUERY: op_query(s, read_addr(fd)); break;
    case PMM_OP_FRAMES_FREE:
    case PMM_OP_FRAMES_CLAIM: {
        uint64_t phys = read_addr(fd);
        op_frames_range(s, phys, fd_u8(fd), op == PMM_OP_FRAMES_CLAIM);
        break;
    }
    case PMM_OP_CHECK_ALL: TRACE("check_all (%zu frames)", s->n); check_all(s); break;
    case PMM_OP_FRAMES_IN_USE: {
        uint64_t phys = read_addr(fd);
        op_frames_in_use(s, phys, fd_u8(fd));
        break;
    }
    case PMM_OP_NULL_ARG: {
        unsigned call = fd_u8(fd);
        op_null_arg(s, call, read_addr(fd));
        break;
    }
    default: TRACE("nop (opcode %u)", op); break;
    }
}

/* fuzz_target_t hooks (fuzz_driver.h). */
static void *create(void) { return calloc(1, sizeof(pmm_state_t)); }

/* Reads the memory map, builds the model and the pmm; false when the map
 * has no frame (pmm_init must refuse it). */
static bool setup(void *state, fuzz_data_t *fd)
{
    pmm_state_t *s = state;
    s->map_len = fd_u8(fd) % (MAX_ENTRIES + 1u);
    for (size_t i = 0; i < s->map_len; i++) {
        uint64_t base = (uint64_t)fd_u16(fd) * BASE_UNIT;
        uint64_t len = (uint64_t)fd_u16(fd) * LEN_UNIT;
        s->map[i] = (memmap_entry_t){ base, len, fd_u8(fd) % TYPE_COUNT };
        TRACE("map[%zu]: base 0x%llx length 0x%llx type %u", i, (unsigned long long)base,
              (unsigned long long)len, s->map[i].type);
    }
    s->n = model_init(s);
    size_t words = pmm_storage_words(s->map, s->map_len);
    TRACE("managed frames %zu (model), pmm_storage_words %zu", s->n, words);
    if (s->n == 0) {
        FUZZ_CHECK(words == 0, "pmm-storage-words", "%zu words for a map without frames", words);
        FUZZ_CHECK_STATUS(pmm_init(&s->pmm, s->map, s->map_len, s->storage, STORAGE_WORDS),
                          VMM_ERR_INVALID_ARGUMENT, "pmm-init-empty");
        return false;
    }
    FUZZ_CHECK(words >= 2u * BITMAP_WORDS(s->n) && words <= STORAGE_WORDS, "pmm-storage-words",
               "%zu words for %zu frames", words, s->n);
    s->words = words;
    /* The same map with an entry whose end wraps past 2^64 last: refused. */
    memmap_entry_t wrapped[MAX_ENTRIES + 1u];
    memcpy(wrapped, s->map, s->map_len * sizeof wrapped[0]);
    wrapped[s->map_len] = (memmap_entry_t){ UINT64_MAX - VMM_PAGE_MASK, 2u * VMM_PAGE_SIZE,
                                            MEMMAP_USABLE };
    FUZZ_CHECK_STATUS(pmm_init(&s->pmm, wrapped, s->map_len + 1u, s->storage, words),
                      VMM_ERR_OVERFLOW, "pmm-init-wraps");
    memset(s->storage, 0xA5, sizeof s->storage); /* pmm_init must set what it owns */
    FUZZ_CHECK_STATUS(pmm_init(&s->pmm, s->map, s->map_len, s->storage, words - 1u),
                      VMM_ERR_OUT_OF_BOUNDS, "pmm-init-small");
    FUZZ_CHECK_STATUS(pmm_init(&s->pmm, s->map, s->map_len, s->storage, words), VMM_OK,
                      "pmm-init");
    check_all(s);
    return true;
}

static void run(void *state, fuzz_data_t *fd, unsigned op) { run_op(state, fd, op); }
static void final_check(void *state) { check_all(state); }
static void reset(void *state) { (void)state; }

static const fuzz_target_t target = {
    .ops = pmm_op_desc, .nops = PMM_OP_COUNT, .max_ops = FUZZ_MAX_OPS,
    .create = create, .setup = setup, .run_op = run, .check_op = NULL,
    .check_final = final_check, .reset = reset,
};
FUZZ_TARGET(target)
