/*
 * fuzz_data.h - the data provider: reads a fuzz input front to back as
 * little-endian integers (zstd's fuzz_data_producer, libxml2's xmlFuzzRead*).
 *
 * Reading past the end yields zeros, so every byte string is a valid program:
 * a truncated input simply ends with zero arguments. Nothing here allocates.
 */
#ifndef HARNESS_FUZZ_DATA_H
#define HARNESS_FUZZ_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fuzz_data {
    const uint8_t *next; /* first unread byte */
    size_t left;         /* bytes not yet read */
} fuzz_data_t;

/* Starts reading data[0 .. size). */
void fd_init(fuzz_data_t *fd, const uint8_t *data, size_t size);

/* Returns the next 1/2/4/8 bytes as an unsigned integer (0 past the end). */
uint8_t fd_u8(fuzz_data_t *fd);
uint16_t fd_u16(fuzz_data_t *fd);
uint32_t fd_u32(fuzz_data_t *fd);
uint64_t fd_u64(fuzz_data_t *fd);

/* Returns the low bit of the next byte. */
bool fd_bool(fuzz_data_t *fd);

/* Returns a value in [lo, hi] from the next 2 bytes (lo when hi <= lo). */
uint64_t fd_range(fuzz_data_t *fd, uint64_t lo, uint64_t hi);

/* Returns an index meant to probe a container of `limit` entries: mostly in
 * [0, limit + 1], sometimes the edges SIZE_MAX / SIZE_MAX - 1 / limit - 1, so
 * bounds checks and overflow checks both get hit. Uses 2 bytes. */
size_t fd_index(fuzz_data_t *fd, size_t limit);

/* True when no byte is left (the program has ended). */
bool fd_empty(const fuzz_data_t *fd);

#endif
