/*
 * fuzz_bits.h - the models' flat bitmaps (64-bit words, bit i of word
 * i / 64): the runs of equal bits a check compares with one range query of
 * the core's bitmap each.
 */
#ifndef HARNESS_FUZZ_BITS_H
#define HARNESS_FUZZ_BITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_nosan.h"

#define FUZZ_WORD_BITS 64u

/* Returns bit i of words. */
static inline bool fuzz_bit(const uint64_t *words, size_t i)
{
    return (words[i / FUZZ_WORD_BITS] >> (i % FUZZ_WORD_BITS)) & 1u;
}

/* The models' bitmaps are arrays inside their target's state: ASan cannot
 * see a read past one (it would land in the next field), so its check of
 * every word found nothing and cost most of the vmm target's end-of-input
 * bitmap check; UBSan's shift and index checks go too (i % 64 < 64). */

/* Returns the first index in [i, end) whose bit in words is not v, or end
 * (a word at a time): the end of the run of v starting at i. */
FUZZ_NO_SAN static inline size_t fuzz_run_end(const uint64_t *words, size_t i, size_t end, bool v)
{
    uint64_t flip = v ? UINT64_MAX : 0;
    if (i >= end)
        return end;
    /* the first word from bit i, then whole words until one differs */
    uint64_t w = (words[i / FUZZ_WORD_BITS] ^ flip) >> (i % FUZZ_WORD_BITS);
    size_t k = i / FUZZ_WORD_BITS, kend = (end + FUZZ_WORD_BITS - 1u) / FUZZ_WORD_BITS;
    if (!w) {
        while (++k < kend && words[k] == flip)
            ;
        if (k == kend)
            return end;
        w = words[k] ^ flip;
        i = k * FUZZ_WORD_BITS;
    }
    size_t at = i + (size_t)__builtin_ctzll(w);
    return at < end ? at : end;
}

#endif
