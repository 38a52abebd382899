/* rec_mapper.c - see rec_mapper.h. */
#include "rec_mapper.h"

#include "double_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_CAP 64u
#define IS_MULTIPLE(x, size) (((x) & ((size) - 1u)) == 0)

static const uint64_t sizes[] = {VMM_SIZE_4K, VMM_SIZE_2M, VMM_SIZE_1G};
#define NUM_SIZES (sizeof sizes / sizeof sizes[0])

/* Returns the slot index to start probing for key. */
static size_t home(const rec_mapper_t *m, uint64_t key)
{
    uint64_t h = (key >> 12) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 20) & (m->cap - 1u);
}

/* Returns the slot holding key, or NULL. */
static rec_slot_t *find(const rec_mapper_t *m, uint64_t key)
{
    for (size_t i = home(m, key);; i = (i + 1u) & (m->cap - 1u)) {
        if (!m->slots[i].used)
            return NULL;
        if (m->slots[i].page.virt == key)
            return &m->slots[i];
    }
}

/* Allocates a zeroed slot array; aborts when out of memory. */
static rec_slot_t *new_slots(size_t cap)
{
    rec_slot_t *s = calloc(cap, sizeof *s);
    if (s == NULL) {
        fprintf(stderr, "rec_mapper: out of memory\n");
        abort();
    }
    return s;
}

/* Inserts page (its key not present), growing the table when half full. */
static void insert(rec_mapper_t *m, const rec_page_t *page);

static void grow(rec_mapper_t *m)
{
    rec_slot_t *old = m->slots;
    size_t old_cap = m->cap;
    m->cap *= 2u;
    m->slots = new_slots(m->cap);
    m->count = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].used)
            insert(m, &old[i].page);
    free(old);
}

static void insert(rec_mapper_t *m, const rec_page_t *page)
{
    if (2u * (m->count + 1u) > m->cap)
        grow(m);
    size_t i = home(m, page->virt);
    while (m->slots[i].used)
        i = (i + 1u) & (m->cap - 1u);
    m->slots[i].used = true;
    m->slots[i].page = *page;
    m->count++;
}

/* Removes the slot s (backward-shift deletion keeps probe chains intact). */
static void erase(rec_mapper_t *m, rec_slot_t *s)
{
    size_t hole = (size_t)(s - m->slots);
    size_t j = hole;
    m->slots[hole].used = false;
    for (;;) {
        j = (j + 1u) & (m->cap - 1u);
        if (!m->slots[j].used)
            break;
        size_t h = home(m, m->slots[j].page.virt);
        /* move j into the hole unless its home lies cyclically in (hole, j] */
        bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
        if (!stays) {
            m->slots[hole] = m->slots[j];
            m->slots[j].used = false;
            hole = j;
        }
    }
    m->count--;
}

void rec_mapper_init(rec_mapper_t *m)
{
    memset(m, 0, sizeof *m);
    m->cap = INITIAL_CAP;
    m->slots = new_slots(m->cap);
    m->map_countdown = -1;
    m->unmap_countdown = -1;
    m->map_error = VMM_ERR_OUT_OF_FRAMES;
    m->unmap_error = VMM_ERR_NOT_MAPPED;
}

void rec_mapper_destroy(rec_mapper_t *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = 0;
    m->count = 0;
}

/* Returns the page of another size than page_size overlapping the page_size
 * page at virt, or NULL. */
static const rec_slot_t *other_size_overlap(const rec_mapper_t *m, uint64_t virt,
                                            uint64_t page_size)
{
    for (size_t k = 0; k < NUM_SIZES; k++) {
        if (sizes[k] <= page_size)
            continue;
        const rec_slot_t *s = find(m, virt & ~(sizes[k] - 1u));
        if (s != NULL && s->page.page_size == sizes[k])
            return s;
    }
    if (page_size == VMM_SIZE_4K)
        return NULL;
    const rec_slot_t *same = find(m, virt);
    if (same != NULL && same->page.page_size != page_size)
        return same;
    if (m->count < page_size / VMM_SIZE_4K) {
        for (size_t i = 0; i < m->cap; i++) {
            const rec_page_t *p = &m->slots[i].page;
            if (m->slots[i].used && p->page_size < page_size && p->virt >= virt &&
                p->virt - virt < page_size)
                return &m->slots[i];
        }
        return NULL;
    }
    for (uint64_t off = 0; off < page_size; off += VMM_SIZE_4K) {
        const rec_slot_t *s = find(m, virt + off);
        if (s != NULL && s->page.page_size < page_size)
            return s;
    }
    return NULL;
}

/* Checks page_size, len and alignment of a request. */
static vmm_status_t check_request(uint64_t virt, uint64_t phys, uint64_t len,
                                  uint64_t page_size)
{
    if ((page_size != VMM_SIZE_4K && page_size != VMM_SIZE_2M &&
         page_size != VMM_SIZE_1G) || len == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (!IS_MULTIPLE(virt, page_size) || !IS_MULTIPLE(phys, page_size) ||
        !IS_MULTIPLE(len, page_size))
        return VMM_ERR_MISALIGNED;
    if (len - 1u > UINT64_MAX - virt || len - 1u > UINT64_MAX - phys)
        return VMM_ERR_OVERFLOW;
    return VMM_OK;
}

static vmm_status_t rm_map(void *ctx, uint64_t virt, uint64_t phys, uint64_t len,
                           uint64_t page_size, vmm_attrs_t attrs)
{
    rec_mapper_t *m = ctx;
    m->map_calls++;
    if (double_countdown(&m->map_countdown))
        return m->map_error;
    if (attrs & ~VMM_ATTR_ALL)
        return VMM_ERR_INVALID_ARGUMENT;
    vmm_status_t st = check_request(virt, phys, len, page_size);
    if (st != VMM_OK)
        return st;
    for (uint64_t off = 0; off < len; off += page_size) {
        if (other_size_overlap(m, virt + off, page_size) != NULL)
            return VMM_ERR_LARGE_PAGE_CONFLICT;
        if (find(m, virt + off) != NULL)
            return VMM_ERR_ALREADY_MAPPED;
    }
    for (uint64_t off = 0; off < len; off += page_size) {
        rec_page_t p = {virt + off, phys + off, page_size, attrs};
        insert(m, &p);
    }
    return VMM_OK;
}

static vmm_status_t rm_unmap(void *ctx, uint64_t virt, uint64_t len, uint64_t page_size)
{
    rec_mapper_t *m = ctx;
    m->unmap_calls++;
    if (double_countdown(&m->unmap_countdown))
        return m->unmap_error;
    vmm_status_t st = check_request(virt, 0, len, page_size);
    if (st != VMM_OK)
        return st;
    for (uint64_t off = 0; off < len; off += page_size) {
        const rec_slot_t *s = find(m, virt + off);
        if (s == NULL || s->page.page_size != page_size)
            return other_size_overlap(m, virt + off, page_size) != NULL
                       ? VMM_ERR_LARGE_PAGE_CONFLICT
                       : VMM_ERR_NOT_MAPPED;
    }
    for (uint64_t off = 0; off < len; off += page_size)
        erase(m, find(m, virt + off));
    return VMM_OK;
}

bool rec_mapper_lookup(const rec_mapper_t *m, uint64_t virt, rec_page_t *out)
{
    for (size_t k = 0; k < NUM_SIZES; k++) {
        const rec_slot_t *s = find(m, virt & ~(sizes[k] - 1u));
        if (s != NULL && s->page.page_size == sizes[k]) {
            if (out != NULL)
                *out = s->page;
            return true;
        }
    }
    return false;
}

static vmm_status_t rm_query(void *ctx, uint64_t virt, uint64_t *phys,
                             vmm_attrs_t *attrs, uint64_t *page_size)
{
    rec_mapper_t *m = ctx;
    m->query_calls++;
    rec_page_t p;
    if (!rec_mapper_lookup(m, virt, &p))
        return VMM_ERR_NOT_MAPPED;
    if (phys != NULL)
        *phys = p.phys + (virt - p.virt);
    if (attrs != NULL)
        *attrs = p.attrs;
    if (page_size != NULL)
        *page_size = p.page_size;
    return VMM_OK;
}

vmm_mapper_t rec_mapper_iface(rec_mapper_t *m)
{
    vmm_mapper_t iface = {.map = rm_map, .unmap = rm_unmap, .query = rm_query, .ctx = m};
    return iface;
}

bool rec_mapper_next(const rec_mapper_t *m, size_t *cursor, rec_page_t *out)
{
    for (; *cursor < m->cap; (*cursor)++) {
        if (m->slots[*cursor].used) {
            *out = m->slots[(*cursor)++].page;
            return true;
        }
    }
    return false;
}

void rec_mapper_copy(rec_mapper_t *dst, const rec_mapper_t *src)
{
    *dst = *src;
    dst->slots = new_slots(src->cap);
    memcpy(dst->slots, src->slots, src->cap * sizeof *src->slots);
}

bool rec_mapper_equal(const rec_mapper_t *a, const rec_mapper_t *b)
{
    if (a->count != b->count)
        return false;
    size_t cursor = 0;
    rec_page_t p, q;
    while (rec_mapper_next(a, &cursor, &p)) {
        const rec_slot_t *s = find(b, p.virt);
        if (s == NULL)
            return false;
        q = s->page;
        if (q.phys != p.phys || q.page_size != p.page_size || q.attrs != p.attrs)
            return false;
    }
    return true;
}
