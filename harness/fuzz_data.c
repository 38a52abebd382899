/* fuzz_data.c - the data provider (see fuzz_data.h). */
#include "fuzz_data.h"

#define FD_EDGE_SLOTS 4u /* fd_index: values past limit + 1 that map to edges */

void fd_init(fuzz_data_t *fd, const uint8_t *data, size_t size)
{
    fd->next = data;
    fd->left = data ? size : 0;
}

/* Returns the next `bytes` bytes (1..8) little-endian; zeros past the end. */
static uint64_t fd_bytes(fuzz_data_t *fd, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        uint64_t b = 0;
        if (fd->left) {
            b = *fd->next++;
            fd->left--;
        }
        v |= b << (8u * i);
    }
    return v;
}

uint8_t fd_u8(fuzz_data_t *fd) { return (uint8_t)fd_bytes(fd, 1); }
uint16_t fd_u16(fuzz_data_t *fd) { return (uint16_t)fd_bytes(fd, 2); }
uint32_t fd_u32(fuzz_data_t *fd) { return (uint32_t)fd_bytes(fd, 4); }
uint64_t fd_u64(fuzz_data_t *fd) { return fd_bytes(fd, 8); }
bool fd_bool(fuzz_data_t *fd) { return (fd_u8(fd) & 1u) != 0; }
bool fd_empty(const fuzz_data_t *fd) { return fd->left == 0; }

uint64_t fd_range(fuzz_data_t *fd, uint64_t lo, uint64_t hi)
{
    uint64_t v = fd_u16(fd);
    if (hi <= lo)
        return lo;
    uint64_t span = hi - lo;
    return span == UINT64_MAX ? v : lo + v % (span + 1u);
}

size_t fd_index(fuzz_data_t *fd, size_t limit)
{
    size_t v = fd_u16(fd);
    size_t slots = limit + 2u + FD_EDGE_SLOTS;
    v %= slots;
    if (v < limit + 2u)
        return v;
    switch (v - (limit + 2u)) {
    case 0: return SIZE_MAX;
    case 1: return SIZE_MAX - 1u;
    case 2: return limit ? limit - 1u : 0;
    default: return limit / 2u;
    }
}
