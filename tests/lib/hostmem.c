/* hostmem.c - a host buffer standing for physical memory (see hostmem.h). */
#include "hostmem.h"

#include <stdlib.h>
#include <string.h>

#include "core/status.h"

/* Returns true and sets up hm; see hostmem.h. */
bool hostmem_init(hostmem_t *hm, uint64_t base, uint64_t size)
{
    memset(hm, 0, sizeof(*hm));
    if (size == 0 || ((base | size) & VMM_PAGE_MASK) || base + size < base)
        return false;
    hm->buf = aligned_alloc(VMM_PAGE_SIZE, (size_t)size);
    if (hm->buf == NULL)
        return false;
    memset(hm->buf, HOSTMEM_POISON, (size_t)size);
    hm->base = base;
    hm->size = size;
    hm->access_offset = (uint64_t)(uintptr_t)hm->buf - base;
    hm->map[0] = (memmap_entry_t){ .base = base, .length = size,
                                   .type = MEMMAP_USABLE };
    size_t words = pmm_storage_words(hm->map, 1);
    hm->pmm_storage = calloc(words, sizeof(uint64_t));
    if (hm->pmm_storage == NULL ||
        pmm_init(&hm->pmm, hm->map, 1, hm->pmm_storage, words) != VMM_OK) {
        hostmem_destroy(hm);
        return false;
    }
    hm->frames = pmm_frames(&hm->pmm);
    return true;
}

/* Releases everything hostmem_init allocated. */
void hostmem_destroy(hostmem_t *hm)
{
    free(hm->buf);
    free(hm->pmm_storage);
    memset(hm, 0, sizeof(*hm));
}

/* Returns the host pointer of phys, or NULL outside the buffer. */
void *hostmem_ptr(const hostmem_t *hm, uint64_t phys)
{
    if (phys < hm->base || phys - hm->base >= hm->size)
        return NULL;
    return hm->buf + (phys - hm->base);
}

/* Returns true with a copy of the pmm's used bitmap and free count. */
bool hostmem_snap_take(const hostmem_t *hm, hostmem_snap_t *snap)
{
    snap->words = hm->pmm.used.num_words + hm->pmm.reserved.num_words;
    snap->free_frames = pmm_free_count(&hm->pmm);
    snap->pmm = hm->pmm;
    snap->used = malloc(snap->words * sizeof(uint64_t));
    if (snap->used == NULL)
        return false;
    memcpy(snap->used, hm->pmm.used.words, hm->pmm.used.num_words * sizeof(uint64_t));
    memcpy(snap->used + hm->pmm.used.num_words, hm->pmm.reserved.words,
           hm->pmm.reserved.num_words * sizeof(uint64_t));
    return true;
}

/* Returns true when the pmm matches the snapshot exactly. */
bool hostmem_snap_same(const hostmem_t *hm, const hostmem_snap_t *snap)
{
    size_t uw = hm->pmm.used.num_words;
    return snap->used != NULL && memcmp(&hm->pmm, &snap->pmm, sizeof snap->pmm) == 0 &&
           pmm_free_count(&hm->pmm) == snap->free_frames &&
           memcmp(hm->pmm.used.words, snap->used, uw * sizeof(uint64_t)) == 0 &&
           memcmp(hm->pmm.reserved.words, snap->used + uw,
                  hm->pmm.reserved.num_words * sizeof(uint64_t)) == 0;
}

/* Releases the snapshot's copy. */
void hostmem_snap_free(hostmem_snap_t *snap)
{
    free(snap->used);
    snap->used = NULL;
}
