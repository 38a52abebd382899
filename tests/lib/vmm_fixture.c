/* vmm_fixture.c - see vmm_fixture.h. */
#include "vmm_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns calloc'd memory or aborts. */
static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL) {
        fprintf(stderr, "vmm_fixture: out of memory\n");
        abort();
    }
    return p;
}

/* Aborts with a message when st is not VMM_OK. */
static void must(vmm_status_t st, const char *what)
{
    if (st != VMM_OK) {
        fprintf(stderr, "vmm_fixture: %s failed: %s\n", what, vmm_strerror(st));
        abort();
    }
}

/* Reads the VMM's hierarchical bitmap into out (nwords words, the flat
 * layout): a uniform word by one range query, a mixed one bit by bit. */
static void read_bits(const hbitmap_t *hb, uint64_t *out, size_t nwords)
{
    for (size_t w = 0; w < nwords; w++) {
        size_t first = w * 64u;
        size_t n = hb->num_entries - first < 64u ? hb->num_entries - first : 64u;
        uint64_t word = 0;
        if (hbitmap_range_set(hb, first, n)) {
            word = n == 64u ? UINT64_MAX : ((uint64_t)1 << n) - 1u;
        } else if (!hbitmap_range_clear(hb, first, n)) {
            for (size_t k = 0; k < n; k++) {
                bool b = false;
                (void)hbitmap_test(hb, first + k, &b);
                word |= (uint64_t)b << k;
            }
        }
        out[w] = word;
    }
}

void fx_init(vmm_fixture_t *fx, uint64_t start, size_t pages, uint64_t phys_bytes)
{
    memset(fx, 0, sizeof *fx);
    if (phys_bytes < FX_LOW_RESERVED + VMM_PAGE_SIZE) {
        fprintf(stderr, "vmm_fixture: phys_bytes %#llx leaves no usable frame\n",
                (unsigned long long)phys_bytes);
        abort();
    }
    memmap_entry_t map[] = {
        {0, FX_LOW_RESERVED, MEMMAP_RESERVED},
        {FX_LOW_RESERVED, phys_bytes - FX_LOW_RESERVED, MEMMAP_USABLE},
    };
    fx->pmm_nwords = pmm_storage_words(map, 2);
    fx->pmm_words = xcalloc(fx->pmm_nwords, sizeof(uint64_t));
    must(pmm_init(&fx->pmm, map, 2, fx->pmm_words, fx->pmm_nwords), "pmm_init");
    vmm_frames_t inner = pmm_frames(&fx->pmm);
    fail_frames_init(&fx->ff, &inner);
    fail_alloc_init(&fx->fa);
    rec_mapper_init(&fx->rm);
    fx->nbits = BITMAP_WORDS(pages);
    fx->bits = xcalloc(fx->nbits, sizeof(uint64_t));
    vmm_allocator_t a = fail_alloc_iface(&fx->fa);
    vmm_mapper_t m = rec_mapper_iface(&fx->rm);
    vmm_frames_t f = fail_frames_iface(&fx->ff);
    must(vmm_init(&fx->vmm, start, start + (uint64_t)pages * VMM_PAGE_SIZE, &a, &m, &f),
         "vmm_init");
}

void fx_disarm(vmm_fixture_t *fx)
{
    fx->fa.countdown = -1;
    fx->ff.countdown = -1;
    fx->rm.map_countdown = -1;
    fx->rm.unmap_countdown = -1;
}

const uint64_t *fx_bits(vmm_fixture_t *fx)
{
    read_bits(&fx->vmm.bitmap, fx->bits, fx->nbits);
    return fx->bits;
}

bool fx_destroy(vmm_fixture_t *fx)
{
    fx_disarm(fx);
    vmm_deinit(&fx->vmm);
    bool ok = true;
    if (fx->fa.live != 0 || fx->ff.outstanding != 0 || fx->rm.count != 0 ||
        fx->vmm.bitmap.num_free != fx->vmm.bitmap.num_entries) {
        fprintf(stderr, "vmm_fixture: leak after deinit: %zu blocks, %ld frames, "
                        "%zu mappings, %zu pages\n",
                fx->fa.live, fx->ff.outstanding, fx->rm.count,
                fx->vmm.bitmap.num_entries - fx->vmm.bitmap.num_free);
        ok = false;
    }
    rec_mapper_destroy(&fx->rm);
    free(fx->bits);
    free(fx->pmm_words);
    return ok;
}

size_t fx_record_bytes(const vmm_record_t *rec)
{
    return vmm_record_store_bytes(rec, NULL);
}

/* One mapped page of a record, as the snapshot keeps it. */
typedef struct fx_page {
    uint64_t k, frame;
    uint64_t attrs;
} fx_page_t;

/* Returns the mapped pages of rec (through the accessors: the store's
 * layout is the core's) in a new array, their number in *n, plus one
 * last entry holding the store's bytes and blocks. */
static fx_page_t *record_pages(const vmm_record_t *r, size_t *n)
{
    size_t count = 0;
    for (size_t k = vmm_record_next_mapped(r, 0); k < r->nframes;
         k = vmm_record_next_mapped(r, k + 1))
        count++;
    fx_page_t *p = xcalloc(count + 1u, sizeof *p);
    size_t i = 0;
    for (size_t k = vmm_record_next_mapped(r, 0); k < r->nframes;
         k = vmm_record_next_mapped(r, k + 1), i++)
        p[i] = (fx_page_t){k, vmm_record_frame(r, k), vmm_record_page_attrs(r, k)};
    size_t blocks;
    p[i].frame = vmm_record_store_bytes(r, &blocks);
    p[i].k = blocks;
    *n = count + 1u;
    return p;
}

void fx_snap(const vmm_fixture_t *fx, fx_snapshot_t *s)
{
    memset(s, 0, sizeof *s);
    s->vmm = fx->vmm;
    s->bits = xcalloc(fx->nbits, sizeof(uint64_t));
    read_bits(&fx->vmm.bitmap, s->bits, fx->nbits);
    s->pmm = fx->pmm;
    s->pmm_words = xcalloc(fx->pmm_nwords, sizeof(uint64_t));
    memcpy(s->pmm_words, fx->pmm_words, fx->pmm_nwords * sizeof(uint64_t));
    for (const vmm_record_t *r = vmm_first_record(&fx->vmm); r != NULL; r = vmm_next_record(r))
        s->nrecords++;
    s->rec_ptrs = xcalloc(s->nrecords, sizeof *s->rec_ptrs);
    s->rec_bytes = xcalloc(s->nrecords, sizeof *s->rec_bytes);
    s->rec_sizes = xcalloc(s->nrecords, sizeof *s->rec_sizes);
    size_t i = 0;
    for (const vmm_record_t *r = vmm_first_record(&fx->vmm); r != NULL;
         r = vmm_next_record(r), i++) {
        s->rec_ptrs[i] = r;
        size_t n;
        fx_page_t *pages = record_pages(r, &n);
        s->rec_sizes[i] = sizeof *r + n * sizeof *pages;
        s->rec_bytes[i] = xcalloc(s->rec_sizes[i], 1);
        memcpy(s->rec_bytes[i], r, sizeof *r); /* the slot, then its mapped pages */
        memcpy(s->rec_bytes[i] + sizeof *r, pages, n * sizeof *pages);
        free(pages);
    }
    rec_mapper_copy(&s->rm, &fx->rm);
    s->fa_live = fx->fa.live;
    s->fa_live_bytes = fx->fa.live_bytes;
    s->ff_outstanding = fx->ff.outstanding;
}

/* Prints why and returns false. */
static bool differ(const char *why)
{
    fprintf(stderr, "vmm_fixture: state changed: %s\n", why);
    return false;
}

bool fx_same(const vmm_fixture_t *fx, const fx_snapshot_t *s)
{
    const vmm_t *a = &fx->vmm, *b = &s->vmm;
    if (a->start != b->start || a->end != b->end || a->hint != b->hint || a->fit != b->fit ||
        a->tree.root != b->tree.root || a->tree.count != b->tree.count ||
        a->bitmap.num_free != b->bitmap.num_free ||
        a->bitmap.num_entries != b->bitmap.num_entries)
        return differ("vmm header (hint, records, num_free)");
    /* the record index: its chunk list, spare and chunk count, and sound */
    if (memcmp(&a->index, &b->index, sizeof a->index) != 0)
        return differ("vmm record index chunks");
    if (!vmm_index_check(a))
        return differ("vmm record index structure");
    /* the hbitmap's embedded root, node counts and spare pool, then content */
    if (memcmp(&a->bitmap.root, &b->bitmap.root, sizeof a->bitmap.root) != 0 ||
        a->bitmap.nodes != b->bitmap.nodes || a->bitmap.leaves != b->bitmap.leaves ||
        a->bitmap.num_spare_nodes != b->bitmap.num_spare_nodes ||
        a->bitmap.num_spare_leaves != b->bitmap.num_spare_leaves)
        return differ("vmm hbitmap root, counts or spare pool");
    read_bits(&fx->vmm.bitmap, fx->bits, fx->nbits);
    if (memcmp(fx->bits, s->bits, fx->nbits * sizeof(uint64_t)) != 0)
        return differ("vmm bitmap words");
    if (!hbitmap_check(&fx->vmm.bitmap))
        return differ("vmm hbitmap structure");
    /* the whole pmm_t, its hint included */
    if (memcmp(&fx->pmm, &s->pmm, sizeof fx->pmm) != 0 ||
        memcmp(fx->pmm_words, s->pmm_words, fx->pmm_nwords * sizeof(uint64_t)) != 0)
        return differ("pmm");
    size_t i = 0;
    for (const vmm_record_t *r = vmm_first_record(a); r != NULL; r = vmm_next_record(r), i++) {
        if (i >= s->nrecords || r != s->rec_ptrs[i])
            return differ("record list");
        size_t n;
        fx_page_t *pages = record_pages(r, &n);
        bool same = sizeof *r + n * sizeof *pages == s->rec_sizes[i] &&
                    memcmp(r, s->rec_bytes[i], sizeof *r) == 0 &&
                    memcmp(pages, s->rec_bytes[i] + sizeof *r, n * sizeof *pages) == 0;
        free(pages);
        if (!same)
            return differ("record contents");
    }
    if (i != s->nrecords)
        return differ("record count");
    if (!rec_mapper_equal(&fx->rm, &s->rm))
        return differ("mappings");
    if (fx->fa.live != s->fa_live || fx->fa.live_bytes != s->fa_live_bytes)
        return differ("allocator live blocks");
    if (fx->ff.outstanding != s->ff_outstanding)
        return differ("frames outstanding");
    return true;
}

void fx_snap_free(fx_snapshot_t *s)
{
    for (size_t i = 0; i < s->nrecords; i++)
        free(s->rec_bytes[i]);
    free(s->rec_ptrs);
    free(s->rec_bytes);
    free(s->rec_sizes);
    free(s->bits);
    free(s->pmm_words);
    rec_mapper_destroy(&s->rm);
    memset(s, 0, sizeof *s);
}

/* Arms a failure of call n of kind k. */
static void arm(vmm_fixture_t *fx, int k, long n)
{
    long *cd[FX_INJ_KINDS] = {&fx->fa.countdown, &fx->ff.countdown,
                              &fx->rm.map_countdown, &fx->rm.unmap_countdown};
    *cd[k] = n;
}

/* Returns true when the armed failure of kind k fired (one-shot: the
 * countdown went back to -1). */
static bool fired(const vmm_fixture_t *fx, int k)
{
    const long cd[FX_INJ_KINDS] = {fx->fa.countdown, fx->ff.countdown,
                                   fx->rm.map_countdown, fx->rm.unmap_countdown};
    return cd[k] == -1;
}

static const char *const kind_names[FX_INJ_KINDS] = {"allocator", "frames", "map", "unmap"};

bool fx_inject_everywhere(const char *name, uint64_t start, size_t pages,
                          uint64_t phys_bytes, fx_setup_fn setup, fx_op_fn op,
                          void *ctx, size_t points[FX_INJ_KINDS])
{
    bool ok = true;
    for (int k = 0; k < FX_INJ_KINDS; k++) {
        vmm_fixture_t fx;
        fx_init(&fx, start, pages, phys_bytes);
        if (setup != NULL)
            setup(&fx, ctx);
        long n;
        for (n = 0; n < 100000; n++) {
            fx_snapshot_t s;
            fx_snap(&fx, &s);
            arm(&fx, k, n);
            vmm_status_t st = op(&fx, ctx);
            bool hit = fired(&fx, k);
            fx_disarm(&fx);
            if (!hit) {
                if (st != VMM_OK) {
                    fprintf(stderr, "%s: %s: no failure armed at call %ld but %s\n",
                            name, kind_names[k], n, vmm_strerror(st));
                    ok = false;
                }
                fx_snap_free(&s);
                break;
            }
            if (st == VMM_OK) {
                fprintf(stderr, "%s: %s call %ld failed but the operation succeeded\n",
                        name, kind_names[k], n);
                ok = false;
                fx_snap_free(&s);
                break;
            }
            if (!fx_same(&fx, &s)) {
                fprintf(stderr, "%s: %s call %ld failed (%s): state changed\n", name,
                        kind_names[k], n, vmm_strerror(st));
                ok = false;
            }
            fx_snap_free(&s);
        }
        if (points != NULL)
            points[k] = (size_t)n;
        if (!fx_destroy(&fx)) {
            fprintf(stderr, "%s: %s campaign: leak at the end\n", name, kind_names[k]);
            ok = false;
        }
    }
    return ok;
}
