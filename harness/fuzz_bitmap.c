/*
 * fuzz_bitmap.c - fuzz target: every bitmap operation against a bool-array
 * model (opcodes: fuzz_ops.h). After every op the words, the free count, the
 * tail bits and a canary past the storage must match the model exactly; a
 * failed op must leave all of it unchanged (the model did not change).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/bitmap.h"
#include "fuzz_check.h"
#include "fuzz_data.h"
#include "fuzz_driver.h"

#define MAX_WORDS (BITMAP_WORDS(BITMAP_FUZZ_MAX) + 3u)
#define CANARY 0xC0FFEE0DDBA11ull
#define ALIGN_RAW_FLAG 0x80u
#define ALIGN_RAW_MASK 0x7Fu
#define ALIGN_MAX_SHIFT 8u
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1u)) == 0)

typedef struct bitmap_state {
    bitmap_t bm;
    uint64_t storage[MAX_WORDS + 1]; /* + canary word */
    size_t storage_words;
    bool model[BITMAP_FUZZ_MAX];
    size_t n;
    size_t model_free;
} bitmap_state_t;

/* Returns true when [first, first + cnt) is a valid non-empty range. */
static bool model_range_ok(const bitmap_state_t *s, size_t first, size_t cnt)
{
    return cnt != 0 && first < s->n && cnt <= s->n - first;
}

/* Returns true when every model entry of the valid range equals value. */
static bool model_range_all(const bitmap_state_t *s, size_t first, size_t cnt, bool value)
{
    for (size_t i = first; i < first + cnt; i++)
        if (s->model[i] != value)
            return false;
    return true;
}

/* Sets model entries of a valid range to value, keeping the free count. */
static void model_range_apply(bitmap_state_t *s, size_t first, size_t cnt, bool value)
{
    for (size_t i = first; i < first + cnt; i++) {
        if (s->model[i] != value)
            s->model_free += value ? (size_t)-1 : 1u;
        s->model[i] = value;
    }
}

/* The model's first fit: lowest s >= hint, (s - hint) % align == 0, with cnt
 * clear entries. Returns true and *first, or false. */
static bool model_find(const bitmap_state_t *s, size_t cnt, size_t align,
                       size_t hint, size_t *first)
{
    for (size_t at = hint; at < s->n && cnt <= s->n - at; at += align) {
        if (model_range_all(s, at, cnt, false)) {
            *first = at;
            return true;
        }
    }
    return false;
}

/* Compares the bitmap with the model: every word, tail bits, counters. */
static void verify(const bitmap_state_t *s)
{
    FUZZ_CHECK(s->bm.words == s->storage && s->bm.num_entries == s->n &&
                   s->bm.num_words == BITMAP_WORDS(s->n),
               "bitmap-header", "words/num_entries/num_words changed");
    FUZZ_CHECK(s->bm.num_free == s->model_free, "bitmap-free-count",
               "num_free %zu, model %zu", s->bm.num_free, s->model_free);
    for (size_t w = 0; w < s->storage_words; w++) {
        uint64_t want = 0;
        for (size_t b = 0; b < BITMAP_WORD_BITS; b++) {
            size_t i = w * BITMAP_WORD_BITS + b;
            if (i < s->n && s->model[i])
                want |= (uint64_t)1 << b;
        }
        FUZZ_CHECK(s->storage[w] == want, "bitmap-words",
                   "word %zu is 0x%016llx, model 0x%016llx (tail bits and slack "
                   "words must stay 0)", w, (unsigned long long)s->storage[w],
                   (unsigned long long)want);
    }
    FUZZ_CHECK(s->storage[s->storage_words] == CANARY, "bitmap-canary",
               "the word after the storage was written");
}

/* Reads an alignment: mostly powers of two, sometimes any small value. */
static size_t read_align(fuzz_data_t *fd)
{
    uint8_t v = fd_u8(fd);
    if (v & ALIGN_RAW_FLAG)
        return v & ALIGN_RAW_MASK;
    return (size_t)1 << (v % ALIGN_MAX_SHIFT);
}

/* Runs one single-entry op (set, clear, test). */
static void op_single(bitmap_state_t *s, unsigned op, size_t i)
{
    vmm_status_t want = i < s->n ? VMM_OK : VMM_ERR_OUT_OF_BOUNDS;
    vmm_status_t got;
    bool value = false;
    if (op == BITMAP_OP_TEST)
        got = bitmap_test(&s->bm, i, &value);
    else
        got = op == BITMAP_OP_SET ? bitmap_set(&s->bm, i) : bitmap_clear(&s->bm, i);
    TRACE("%s(%zu) -> %s%s", op == BITMAP_OP_SET ? "set" : op == BITMAP_OP_CLEAR ? "clear" : "test",
          i, fuzz_status(got), op == BITMAP_OP_TEST && !got ? (value ? " set" : " clear") : "");
    FUZZ_CHECK_STATUS(got, want, "bitmap-single-status");
    if (got != VMM_OK)
        return;
    if (op == BITMAP_OP_TEST)
        FUZZ_CHECK(value == s->model[i], "bitmap-test-value", "entry %zu: got %d, model %d",
                   i, value, s->model[i]);
    else
        model_range_apply(s, i, 1, op == BITMAP_OP_SET);
}

/* Runs set_range / clear_range. */
static void op_range(bitmap_state_t *s, bool set, size_t first, size_t cnt)
{
    vmm_status_t got = set ? bitmap_set_range(&s->bm, first, cnt)
                           : bitmap_clear_range(&s->bm, first, cnt);
    TRACE("%s_range(%zu, %zu) -> %s", set ? "set" : "clear", first, cnt, fuzz_status(got));
    if (model_range_ok(s, first, cnt)) {
        FUZZ_CHECK_STATUS(got, VMM_OK, "bitmap-range-status");
        model_range_apply(s, first, cnt, set);
    } else if (cnt == 0) {
        FUZZ_CHECK(got == VMM_ERR_INVALID_ARGUMENT || got == VMM_ERR_OUT_OF_BOUNDS,
                   "bitmap-range-status", "empty range returned %s", vmm_strerror(got));
    } else {
        FUZZ_CHECK_STATUS(got, VMM_ERR_OUT_OF_BOUNDS, "bitmap-range-status");
    }
}

/* Runs range_clear / range_set (queries). */
static void op_range_query(bitmap_state_t *s, bool set, size_t first, size_t cnt)
{
    bool got = set ? bitmap_range_set(&s->bm, first, cnt)
                   : bitmap_range_clear(&s->bm, first, cnt);
    bool want = model_range_ok(s, first, cnt) && model_range_all(s, first, cnt, set);
    TRACE("range_%s(%zu, %zu) -> %s", set ? "set" : "clear", first, cnt, got ? "true" : "false");
    FUZZ_CHECK(got == want, "bitmap-range-query", "returned %d, model %d", got, want);
}

/* Runs find_set and checks the first fit. */
static void op_find(bitmap_state_t *s, size_t cnt, size_t align, size_t hint)
{
    size_t first = SIZE_MAX;
    vmm_status_t got = bitmap_find_set(&s->bm, cnt, align, hint, &first);
    TRACE("find_set(n=%zu, align=%zu, hint=%zu) -> %s %zu", cnt, align, hint,
          fuzz_status(got), got ? 0 : first);
    bool bad_arg = cnt == 0 || !IS_POW2(align);
    bool bad_hint = hint > s->n;
    if (bad_arg || bad_hint) {
        FUZZ_CHECK((bad_arg && got == VMM_ERR_INVALID_ARGUMENT) ||
                       (bad_hint && got == VMM_ERR_OUT_OF_BOUNDS),
                   "bitmap-find-status", "bad arguments returned %s", vmm_strerror(got));
        return;
    }
    size_t want = 0;
    if (!model_find(s, cnt, align, hint, &want)) {
        FUZZ_CHECK_STATUS(got, VMM_ERR_NO_SPACE, "bitmap-find-status");
        return;
    }
    FUZZ_CHECK_STATUS(got, VMM_OK, "bitmap-find-status");
    FUZZ_CHECK(first == want, "bitmap-find-first", "found %zu, model's first fit is %zu",
               first, want);
    model_range_apply(s, first, cnt, true);
}

/* Calls bitmap_init with bad arguments: it must fail and change nothing. */
static void op_init_bad(bitmap_state_t *s, uint8_t kind)
{
    vmm_status_t got, want;
    bitmap_t before = s->bm;
    switch (kind % 3u) {
    case 0:
        got = bitmap_init(&s->bm, NULL, s->storage_words, s->n);
        want = VMM_ERR_INVALID_ARGUMENT;
        break;
    case 1:
        got = bitmap_init(&s->bm, s->storage, s->storage_words, 0);
        want = VMM_ERR_INVALID_ARGUMENT;
        break;
    default:
        got = bitmap_init(&s->bm, s->storage, BITMAP_WORDS(s->n) - 1u, s->n);
        want = VMM_ERR_OUT_OF_BOUNDS;
        break;
    }
    TRACE("init_bad(kind %u) -> %s", kind % 3u, fuzz_status(got));
    FUZZ_CHECK_STATUS(got, want, "bitmap-init-bad-status");
    FUZZ_CHECK(memcmp(&before, &s->bm, sizeof before) == 0, "bitmap-init-bad-unchanged",
               "failed bitmap_init changed the bitmap_t");
}

/* Calls one public function with a NULL bm or out-pointer, the other
 * arguments valid where possible: it must return VMM_ERR_INVALID_ARGUMENT
 * (false for the queries) and change nothing (verify() after the op). */
static void op_null_arg(bitmap_state_t *s, uint8_t kind, size_t i, size_t cnt)
{
    size_t first = SIZE_MAX;
    bool value = false;
    vmm_status_t got = VMM_ERR_INVALID_ARGUMENT;
    cnt = cnt == 0 ? 1 : cnt;
    switch (kind % 11u) {
    case 0: got = bitmap_test(&s->bm, i, NULL); break;
    case 1: got = bitmap_find_set(&s->bm, cnt, 1, 0, NULL); break;
    case 2: got = bitmap_find_set(NULL, cnt, 1, 0, &first); break;
    case 3: got = bitmap_test(NULL, i, &value); break;
    case 4: got = bitmap_set(NULL, i); break;
    case 5: got = bitmap_clear(NULL, i); break;
    case 6: got = bitmap_set_range(NULL, i, cnt); break;
    case 7: got = bitmap_clear_range(NULL, i, cnt); break;
    case 8: got = bitmap_init(NULL, s->storage, s->storage_words, s->n); break;
    case 9: value = bitmap_range_clear(NULL, i, cnt); break;
    default: value = bitmap_range_set(NULL, i, cnt); break;
    }
    TRACE("null_arg(kind %u, %zu, %zu) -> %s", kind % 11u, i, cnt, fuzz_status(got));
    FUZZ_CHECK_STATUS(got, VMM_ERR_INVALID_ARGUMENT, "bitmap-null-status");
    FUZZ_CHECK(!value && first == SIZE_MAX, "bitmap-null-out",
               "a call with a NULL argument wrote an answer");
}

/* Decodes and runs one op. */
static void run_op(bitmap_state_t *s, fuzz_data_t *fd, unsigned op)
{
    switch (op) {
    case BITMAP_OP_SET:
    case BITMAP_OP_CLEAR:
    case BITMAP_OP_TEST:
        op_single(s, op, fd_index(fd, s->n));
        break;
    case BITMAP_OP_SET_RANGE:
    case BITMAP_OP_CLEAR_RANGE: {
        size_t first = fd_index(fd, s->n);
        op_range(s, op == BITMAP_OP_SET_RANGE, first, fd_index(fd, s->n));
        break;
    }
    case BITMAP_OP_RANGE_CLEAR:
    case BITMAP_OP_RANGE_SET: {
        size_t first = fd_index(fd, s->n);
        op_range_query(s, op == BITMAP_OP_RANGE_SET, first, fd_index(fd, s->n));
        break;
    }
    case BITMAP_OP_FIND_SET: {
        size_t cnt = fd_index(fd, s->n);
        size_t align = read_align(fd);
        op_find(s, cnt, align, fd_index(fd, s->n));
        break;
    }
    case BITMAP_OP_INIT_BAD:
        op_init_bad(s, fd_u8(fd));
        break;
    case BITMAP_OP_NULL_ARG: {
        uint8_t kind = fd_u8(fd);
        size_t i = fd_index(fd, s->n);
        op_null_arg(s, kind, i, fd_index(fd, s->n));
        break;
    }
    default:
        TRACE("nop (opcode %u)", op);
        break;
    }
}

/* fuzz_target_t hooks (fuzz_driver.h). */
static void *create(void)
{
    static bitmap_state_t s; /* large: not on the stack; setup resets it */
    return &s;
}

/* Reads the configuration and builds the bitmap over dirty storage. */
static bool setup(void *state, fuzz_data_t *fd)
{
    bitmap_state_t *s = state;
    s->n = 1u + fd_u16(fd) % BITMAP_FUZZ_MAX;
    s->storage_words = BITMAP_WORDS(s->n) + fd_u8(fd) % 3u;
    /* Dirty storage: bitmap_init must clear what it owns. */
    memset(s->storage, 0xFF, s->storage_words * sizeof s->storage[0]);
    s->storage[s->storage_words] = CANARY;
    memset(s->model, 0, s->n * sizeof s->model[0]);
    s->model_free = s->n;
    TRACE("config: entries=%zu storage_words=%zu", s->n, s->storage_words);
    vmm_status_t st = bitmap_init(&s->bm, s->storage, s->storage_words, s->n);
    FUZZ_CHECK_STATUS(st, VMM_OK, "bitmap-init");
    /* Slack words past num_words are the caller's: zero them for verify. */
    for (size_t w = BITMAP_WORDS(s->n); w < s->storage_words; w++)
        s->storage[w] = 0;
    verify(s);
    return true;
}

static void run(void *state, fuzz_data_t *fd, unsigned op) { run_op(state, fd, op); }
static void check(void *state) { verify(state); }
static void reset(void *state) { (void)state; }

static const fuzz_target_t target = {
    .ops = bitmap_op_desc, .nops = BITMAP_OP_COUNT, .max_ops = FUZZ_MAX_OPS,
    .create = create, .setup = setup, .run_op = run, .check_op = check,
    .check_final = check, .reset = reset,
};
FUZZ_TARGET(target)
