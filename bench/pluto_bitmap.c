/* pluto_bitmap.c - Pluto's bitmap, ported line by line (see the header). */
#include "pluto_bitmap.h"

#define ENTRIES_PER_BITMAP 64u
/* Pluto's indexToBit: the bit of entry idx inside its word. */
#define INDEX_TO_BIT(idx) ((uint64_t)1 << ((idx) % ENTRIES_PER_BITMAP))

/* Binds the baseline to an existing state. */
void pluto_bitmap_attach(pluto_bitmap_t *pb, uint64_t *storage,
                         size_t num_entries, size_t num_free)
{
    pb->bitmaps = storage;
    pb->num_entries = num_entries;
    pb->num_bitmaps = (num_entries + ENTRIES_PER_BITMAP - 1u) / ENTRIES_PER_BITMAP;
    pb->num_free_entries = num_free;
}

/* Returns false for an out-of-bounds idx; else stores whether it is set. */
bool pluto_is_set(const pluto_bitmap_t *pb, size_t idx, bool *set)
{
    if (idx >= pb->num_entries)
        return false;
    *set = (pb->bitmaps[idx / ENTRIES_PER_BITMAP] & INDEX_TO_BIT(idx)) != 0;
    return true;
}

/* Returns false for an out-of-bounds idx; sets the entry if it is clear. */
bool pluto_set_entry(pluto_bitmap_t *pb, size_t idx)
{
    bool set;
    if (!pluto_is_set(pb, idx, &set))
        return false;
    if (!set) {
        pb->bitmaps[idx / ENTRIES_PER_BITMAP] |= INDEX_TO_BIT(idx);
        pb->num_free_entries--;
    }
    return true;
}

/* Returns false for an out-of-bounds idx; clears the entry if it is set. */
bool pluto_clear_entry(pluto_bitmap_t *pb, size_t idx)
{
    bool set;
    if (!pluto_is_set(pb, idx, &set))
        return false;
    if (set) {
        pb->bitmaps[idx / ENTRIES_PER_BITMAP] &= ~INDEX_TO_BIT(idx);
        pb->num_free_entries++;
    }
    return true;
}

/* Returns true and the first entry of the lowest run of num clear entries;
 * false when num exceeds the free count or no run exists. */
bool pluto_set_contiguous(pluto_bitmap_t *pb, size_t num, size_t *first)
{
    if (num > pb->num_free_entries)
        return false;
    size_t count = 0;
    size_t start = 0;
    bool have_start = false;
    for (size_t i = 0; i < pb->num_bitmaps; i++) {
        uint64_t bmp = pb->bitmaps[i];
        for (unsigned bit = 0; bit < ENTRIES_PER_BITMAP; bit++) {
            size_t entry = bit + i * ENTRIES_PER_BITMAP;
            if (entry >= pb->num_entries)
                return false;
            if ((bmp & ((uint64_t)1 << bit)) != 0) {
                count = 0;          /* a one: the run starts again */
                have_start = false;
            } else {
                count++;
                if (!have_start) {
                    start = entry;
                    have_start = true;
                }
                if (count == num)
                    break;
            }
        }
        if (count == num)
            break;
    }
    if (count != num || !have_start)
        return false;
    for (size_t k = 0; k < num; k++)
        pluto_set_entry(pb, start + k); /* cannot fail: the run was found */
    *first = start;
    return true;
}
