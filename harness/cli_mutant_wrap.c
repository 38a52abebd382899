/*
 * cli_mutant_wrap.c - a broken core for the command-line tests: linked with
 * -Wl,--wrap=bitmap_test, it inverts every answer of bitmap_test, so that
 * inputs of corpus/bitmap/ that test a bit make replay_bitmap fail a check
 * (harness/test-cli.sh turns one into a crash file for ./fuzz.sh repro).
 */
#include "core/bitmap.h"

vmm_status_t __real_bitmap_test(const bitmap_t *bm, size_t i, bool *is_set);
vmm_status_t __wrap_bitmap_test(const bitmap_t *bm, size_t i, bool *is_set);

/* Returns what bitmap_test returns, with the bit's value inverted. */
vmm_status_t __wrap_bitmap_test(const bitmap_t *bm, size_t i, bool *is_set)
{
    vmm_status_t s = __real_bitmap_test(bm, i, is_set);
    if (s == VMM_OK && is_set)
        *is_set = !*is_set;
    return s;
}
