/*
 * vmm_index.c - the records and their index (vmm_index.h): record slots
 * packed VMM_INDEX_CHUNK_NODES to a chunk, a slab in Bonwick's sense, and
 * the B+ tree vmm_t.tree from record start to record. The
 * chunks with a free slot form the list vmm_index_t.partial; a full chunk
 * is on no list (its records find it by masking their address); an empty
 * one goes back to the allocator. Records never move, so a record pointer
 * stays valid for the record's lifetime.
 */
#include "vmm_records.h"

#include "vmm_assert.h"

/* Returns the chunk holding record r. */
#define CHUNK_OF(r) \
    ((vmm_index_chunk_t *)((uintptr_t)(r) & ~(uintptr_t)(VMM_INDEX_CHUNK_BYTES - 1u)))

/* Makes the index empty. */
void vmm_index_init(vmm_t *vmm)
{
    vmm_btree_init(&vmm->tree);
    vmm->index.partial = 0;
    vmm->index.spare = 0;
    vmm->index.chunks = 0;
}

/* Links chunk c at the head of the partial list. */
static void partial_push(vmm_index_t *ix, vmm_index_chunk_t *c)
{
    c->prev = 0;
    c->next = ix->partial;
    if (ix->partial != 0)
        ix->partial->prev = c;
    ix->partial = c;
}

/* Unlinks chunk c from the partial list. */
static void partial_unlink(vmm_index_t *ix, vmm_index_chunk_t *c)
{
    if (c->prev != 0)
        c->prev->next = c->next;
    else
        ix->partial = c->next;
    if (c->next != 0)
        c->next->prev = c->prev;
}

/* Takes a chunk from the allocator with every record free; NULL when the
 * allocator fails. */
static vmm_index_chunk_t *chunk_new(vmm_t *vmm)
{
    vmm_index_chunk_t *c = vmm->allocator.alloc(vmm->allocator.ctx, sizeof *c,
                                                VMM_INDEX_CHUNK_BYTES);
    if (c == 0)
        return 0;
    VMM_ASSERT(CHUNK_OF(c) == c); /* the allocator honours alignment */
    c->prev = c->next = 0;
    c->used = 0;
    c->free = 0;
    c->owner = vmm;
    for (size_t i = VMM_INDEX_CHUNK_NODES; i-- > 0;) {
        c->records[i].kind = 0;
        c->records[i].next_free = c->free;
        c->free = &c->records[i];
    }
    return c;
}

/* Gives chunk c back to the allocator. */
static void chunk_delete(vmm_t *vmm, vmm_index_chunk_t *c)
{
    vmm->allocator.free(vmm->allocator.ctx, c, sizeof *c);
    vmm->index.chunks--;
}

/* Takes a spare chunk when no chunk has a free record, and the tree nodes
 * indexing virt needs; see vmm_index.h. */
vmm_status_t vmm_index_prepare(vmm_t *vmm, uint64_t virt, vmm_bpath_t *path)
{
    if (vmm->index.partial == 0 && vmm->index.spare == 0) {
        vmm->index.spare = chunk_new(vmm);
        if (vmm->index.spare == 0)
            return VMM_ERR_OUT_OF_MEMORY;
        vmm->index.chunks++;
    }
    if (vmm->index.partial != 0) /* the record vmm_index_take will pop: a hint */
        __builtin_prefetch(vmm->index.partial->free, 1);
    vmm_btree_seek(&vmm->tree, virt, path);
    vmm_status_t st = vmm_btree_prepare_at(&vmm->tree, &vmm->allocator, path);
    if (st != VMM_OK)
        vmm_index_unprepare(vmm);
    return st;
}

/* Gives back the spare chunk and nodes prepare took. */
void vmm_index_unprepare(vmm_t *vmm)
{
    vmm_btree_unprepare(&vmm->tree, &vmm->allocator);
    if (vmm->index.spare != 0)
        chunk_delete(vmm, vmm->index.spare);
    vmm->index.spare = 0;
}

/* Pops a free record of the first partial chunk (the spare when there is
 * none). */
vmm_record_t *vmm_index_take(vmm_t *vmm)
{
    vmm_index_t *ix = &vmm->index;
    if (ix->partial == 0) {
        VMM_ASSERT(ix->spare != 0); /* vmm_index_prepare was not called */
        partial_push(ix, ix->spare);
        ix->spare = 0;
    }
    vmm_index_chunk_t *c = ix->partial;
    vmm_record_t *rec = c->free;
    c->free = rec->next_free;
    if (++c->used == VMM_INDEX_CHUNK_NODES)
        partial_unlink(ix, c);
    rec->frames = 0;
    return rec;
}

/* Pushes rec on its chunk's free stack; the chunk goes back to the
 * allocator when that was its last record. */
void vmm_index_put(vmm_t *vmm, vmm_record_t *rec)
{
    vmm_index_chunk_t *c = CHUNK_OF(rec);
    rec->kind = 0;
    rec->next_free = c->free;
    c->free = rec;
    if (c->used-- == VMM_INDEX_CHUNK_NODES)
        partial_push(&vmm->index, c);
    if (c->used == 0) {
        partial_unlink(&vmm->index, c);
        chunk_delete(vmm, c);
    }
}

/* Starts loading rec's chunk header; see vmm_index.h. */
void vmm_index_prefetch(const vmm_record_t *rec)
{
    __builtin_prefetch(CHUNK_OF(rec), 1);
}

/* Inserts rec under rec->virt at path. */
void vmm_index_insert(vmm_t *vmm, vmm_record_t *rec, const vmm_bpath_t *path)
{
    vmm_btree_insert_at(&vmm->tree, path, rec->virt, rec);
}

/* Removes rec, found at path, from the tree. */
void vmm_index_remove(vmm_t *vmm, vmm_record_t *rec, const vmm_bpath_t *path)
{
    VMM_ASSERT(path->leaf != 0 && path->pos != 0 && path->leaf->ptr[path->pos - 1u] == rec);
    vmm_btree_remove_at(&vmm->tree, &vmm->allocator, path);
}

/* Returns the vmm_t whose chunk holds rec. */
const vmm_t *vmm_index_owner(const vmm_record_t *rec)
{
    return CHUNK_OF(rec)->owner;
}

/* Returns true when r is one of chunk c's record slots (not just inside
 * it). */
static bool record_of_chunk(const vmm_record_t *r, const vmm_index_chunk_t *c)
{
    uintptr_t off = (uintptr_t)r - (uintptr_t)&c->records[0];
    return (uintptr_t)r >= (uintptr_t)&c->records[0] &&
           off < VMM_INDEX_CHUNK_NODES * sizeof *r && off % sizeof *r == 0;
}

/* Returns true when rec's per-page data agrees with its kind (vmm.h). */
static bool frames_ok(const vmm_record_t *r)
{
    if (r->kind == VMM_REC_ALLOC)
        return r->frames != 0 && r->mapped == 0 && r->nframes == r->pages;
    if (r->kind == VMM_REC_SET)
        return r->frames == 0 && r->mapped == 0 && r->nframes == 0;
    return r->kind == VMM_REC_RESERVE && r->mapped <= r->nframes &&
           vmm_record_store_check(r);
}

/* Returns true when every value of the tree is a record of a chunk of
 * vmm's, keyed by its virt, with per-page data that agrees with its kind
 * (the leaves walked in order: vmm_btree_check checked their chain). */
static bool records_ok(const vmm_t *vmm)
{
    const vmm_bnode_t *b = vmm->tree.root;
    while (b != 0 && !b->leaf)
        b = b->ptr[0];
    for (; b != 0; b = b->next)
        for (unsigned i = 0; i < b->n; i++) {
            const vmm_record_t *r = b->ptr[i];
            if (r->virt != b->key[i] || !record_of_chunk(r, CHUNK_OF(r)) ||
                CHUNK_OF(r)->owner != vmm || !frames_ok(r))
                return false;
        }
    return true;
}

/* Returns true when chunk c's free stack holds exactly its unused records:
 * VMM_INDEX_CHUNK_NODES - used of its own slots, each out of the tree. */
static bool free_stack_ok(const vmm_index_chunk_t *c)
{
    size_t n = 0;
    for (const vmm_record_t *f = c->free; f != 0; f = f->next_free)
        if (++n > VMM_INDEX_CHUNK_NODES || !record_of_chunk(f, c) || f->kind != 0)
            return false;
    return n == VMM_INDEX_CHUNK_NODES - c->used;
}

/* Checks the index (see vmm.h). */
bool vmm_index_check(const vmm_t *vmm)
{
    if (vmm == 0 || !vmm_btree_check(&vmm->tree) || vmm->index.spare != 0 || !records_ok(vmm))
        return false;
    size_t partial = 0, used = 0;
    const vmm_index_chunk_t *prev = 0;
    for (const vmm_index_chunk_t *c = vmm->index.partial; c != 0; prev = c, c = c->next) {
        if (++partial > vmm->index.chunks || CHUNK_OF(c) != c || c->prev != prev ||
            c->used == 0 || c->used >= VMM_INDEX_CHUNK_NODES || !free_stack_ok(c))
            return false;
        used += c->used;
    }
    return used + (vmm->index.chunks - partial) * VMM_INDEX_CHUNK_NODES == vmm->tree.count;
}
