/*
 * xorshift.h - the tests' deterministic pseudo-random numbers (xorshift64).
 * Each test keeps its own state, so its sequence depends on its seed only.
 */
#ifndef TESTS_XORSHIFT_H
#define TESTS_XORSHIFT_H

#include <stdint.h>

/* Advances *state and returns a number below bound (any value when bound
 * is 0). *state must not be 0. */
static inline uint64_t xorshift_below(uint64_t *state, uint64_t bound)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return bound ? x % bound : x;
}

#endif
