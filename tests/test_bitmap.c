/* The bitmap against a bool-array model: every operation, every error. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "xorshift.h"
#include "core/bitmap.h"

#define MAXN 700

static bool model[MAXN];
static uint64_t storage[BITMAP_WORDS(MAXN) + 1];

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
/* Returns a pseudo-random number below bound (tests/lib/xorshift.h). */
static uint64_t rnd(uint64_t bound) { return xorshift_below(&rng_state, bound); }

/* The model's answer to find_set: lowest s >= hint, (s - hint) % align == 0. */
static bool model_find(size_t n, size_t num, size_t align, size_t hint, size_t *out)
{
    for (size_t s = hint; s + n <= num; s += align) {
        bool ok = true;
        for (size_t k = 0; k < n && ok; k++)
            ok = !model[s + k];
        if (ok) {
            *out = s;
            return true;
        }
    }
    return false;
}

static void check_same(const bitmap_t *bm, size_t num)
{
    size_t free_count = 0;
    for (size_t i = 0; i < num; i++) {
        bool b = false;
        CHECK_OK(bitmap_test(bm, i, &b));
        if (b != model[i]) {
            CHECK(b == model[i]);
            return;
        }
        free_count += !model[i];
    }
    CHECK(bm->num_free == free_count);
    /* tail bits of the last word stay zero */
    if (num % 64)
        CHECK((bm->words[bm->num_words - 1] >> (num % 64)) == 0);
}

static void test_init_errors(void)
{
    bitmap_t bm;
    CHECK_ERR(bitmap_init(&bm, NULL, 4, 10), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_init(&bm, storage, 4, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_init(&bm, storage, 1, 65), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_OK(bitmap_init(&bm, storage, 2, 65));
    CHECK(bm.num_free == 65 && bm.num_words == 2);
}

static void test_bad_input_changes_nothing(void)
{
    bitmap_t bm;
    size_t out = 12345;
    bool b;
    CHECK_OK(bitmap_init(&bm, storage, BITMAP_WORDS(100), 100));
    CHECK_OK(bitmap_set_range(&bm, 10, 20));
    uint64_t before[2] = {storage[0], storage[1]};
    size_t free_before = bm.num_free;
    CHECK_ERR(bitmap_set(&bm, 100), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(bitmap_clear(&bm, 100), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(bitmap_test(&bm, 100, &b), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(bitmap_set_range(&bm, 0, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_clear_range(&bm, 5, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_set_range(&bm, 90, 11), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(bitmap_clear_range(&bm, 1, SIZE_MAX), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(bitmap_find_set(&bm, 0, 1, 0, &out), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_find_set(&bm, 1, 3, 0, &out), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_find_set(&bm, 1, 0, 0, &out), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_find_set(&bm, 1, 1, 101, &out), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(bitmap_find_set(&bm, 81, 1, 0, &out), VMM_ERR_NO_SPACE);
    CHECK_ERR(bitmap_find_set(&bm, 71, 1, 0, &out), VMM_ERR_NO_SPACE);
    CHECK_ERR(bitmap_find_set(&bm, 1, 1, 100, &out), VMM_ERR_NO_SPACE);
    CHECK(out == 12345);
    /* range queries: an empty or out-of-range run is neither all set nor
     * all clear (bits 10..29 are set) */
    CHECK(bitmap_range_set(&bm, 10, 20) && !bitmap_range_clear(&bm, 10, 20));
    CHECK(bitmap_range_clear(&bm, 30, 70) && !bitmap_range_set(&bm, 30, 70));
    CHECK(!bitmap_range_set(&bm, 10, 0) && !bitmap_range_clear(&bm, 40, 0));
    CHECK(!bitmap_range_set(&bm, 100, 1) && !bitmap_range_clear(&bm, 100, 1));
    CHECK(!bitmap_range_clear(&bm, 90, 11) && !bitmap_range_clear(&bm, 31, SIZE_MAX));
    CHECK(storage[0] == before[0] && storage[1] == before[1]);
    CHECK(bm.num_free == free_before);
}

/* One rule for NULL (issue 12): a NULL bitmap or out-pointer makes every
 * status-returning function return VMM_ERR_INVALID_ARGUMENT before any other
 * check, and the bool queries answer false; nothing changes, not even the
 * storage a NULL bm would have been initialised over. */
static void test_null_pointers_change_nothing(void)
{
    bitmap_t bm;
    size_t out = 12345;
    bool b = true;
    CHECK_OK(bitmap_init(&bm, storage, BITMAP_WORDS(100), 100));
    CHECK_OK(bitmap_set_range(&bm, 10, 20));
    const bitmap_t header = bm;
    uint64_t before[2] = {storage[0], storage[1]};
    /* every other argument valid: only the NULL is wrong */
    CHECK_ERR(bitmap_test(&bm, 10, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_find_set(&bm, 1, 1, 0, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_find_set(&bm, 4, 4, 0, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_init(NULL, storage, BITMAP_WORDS(100), 100), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_set(NULL, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_clear(NULL, 10), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_test(NULL, 10, &b), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_set_range(NULL, 0, 5), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_clear_range(NULL, 10, 5), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_find_set(NULL, 1, 1, 0, &out), VMM_ERR_INVALID_ARGUMENT);
    CHECK(!bitmap_range_clear(NULL, 0, 5));
    CHECK(!bitmap_range_set(NULL, 10, 5));
    /* the NULL is reported first, whatever else is wrong */
    CHECK_ERR(bitmap_test(&bm, 100, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_find_set(&bm, 1, 1, 101, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_find_set(&bm, 81, 1, 0, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_set(NULL, SIZE_MAX), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(bitmap_init(NULL, storage, 0, 100), VMM_ERR_INVALID_ARGUMENT);
    CHECK(out == 12345 && b);
    CHECK(memcmp(&header, &bm, sizeof bm) == 0);
    CHECK(storage[0] == before[0] && storage[1] == before[1]);
}

static void test_find_first_aligned_run(void)
{
    bitmap_t bm;
    size_t out;
    CHECK_OK(bitmap_init(&bm, storage, BITMAP_WORDS(512), 512));
    CHECK_OK(bitmap_set(&bm, 0));
    CHECK_OK(bitmap_find_set(&bm, 64, 64, 0, &out));
    CHECK(out == 64);
    CHECK_OK(bitmap_find_set(&bm, 3, 1, 0, &out));
    CHECK(out == 1);
    /* phase comes from the hint: runs start at 5 + k * 8 */
    CHECK_OK(bitmap_find_set(&bm, 2, 8, 5, &out));
    CHECK(out == 5);
    CHECK_OK(bitmap_find_set(&bm, 2, 8, 5, &out));
    CHECK(out == 13);
    CHECK(bm.num_free == 512 - 1 - 64 - 3 - 2 - 2);
}

static void test_random_against_model(void)
{
    for (int round = 0; round < 300; round++) {
        size_t num = 1 + rnd(MAXN);
        bitmap_t bm;
        CHECK_OK(bitmap_init(&bm, storage, BITMAP_WORDS(num), num));
        memset(model, 0, sizeof model);
        for (int op = 0; op < 200; op++) {
            size_t a = rnd(num + 2), n = rnd(num / 4 + 3);
            switch (rnd(5)) {
            case 0:
                CHECK_ERR(bitmap_set(&bm, a), a < num ? VMM_OK : VMM_ERR_OUT_OF_BOUNDS);
                if (a < num) model[a] = true;
                break;
            case 1:
                CHECK_ERR(bitmap_clear(&bm, a), a < num ? VMM_OK : VMM_ERR_OUT_OF_BOUNDS);
                if (a < num) model[a] = false;
                break;
            case 2:
            case 3: {
                bool set = rnd(2);
                vmm_status_t want = n == 0 ? VMM_ERR_INVALID_ARGUMENT
                                  : (a < num && n <= num - a) ? VMM_OK : VMM_ERR_OUT_OF_BOUNDS;
                CHECK_ERR(set ? bitmap_set_range(&bm, a, n) : bitmap_clear_range(&bm, a, n), want);
                if (want == VMM_OK)
                    for (size_t k = 0; k < n; k++) model[a + k] = set;
                break;
            }
            default: {
                size_t align = (size_t)1 << rnd(7), hint = rnd(num + 1), got = 0, want = 0;
                if (n == 0) n = 1;
                bool found = model_find(n, num, align, hint, &want);
                vmm_status_t st = bitmap_find_set(&bm, n, align, hint, &got);
                CHECK_ERR(st, found ? VMM_OK : VMM_ERR_NO_SPACE);
                if (found && st == VMM_OK) {
                    CHECK(got == want);
                    for (size_t k = 0; k < n; k++) model[want + k] = true;
                }
            }
            }
            check_same(&bm, num);
            if (check_failures) return;
        }
        CHECK(bitmap_range_clear(&bm, 0, num) == (bm.num_free == num));
        CHECK(bitmap_range_set(&bm, 0, num) == (bm.num_free == 0));
    }
}

int main(void)
{
    RUN(test_init_errors);
    RUN(test_bad_input_changes_nothing);
    RUN(test_null_pointers_change_nothing);
    RUN(test_find_first_aligned_run);
    RUN(test_random_against_model);
    return check_exit();
}
