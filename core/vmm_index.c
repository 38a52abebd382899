/*
 * vmm_index.c - the record index (vmm_index.h): tree nodes packed
 * VMM_INDEX_CHUNK_NODES to a chunk, a slab in Bonwick's sense. The chunks
 * with a free node form the list vmm_index_t.partial; a full chunk is on no
 * list (its nodes find it by masking their address); an empty one goes back
 * to the allocator. Nodes never move, so a record keeps its node
 * (rec->index) for its lifetime.
 */
#include "vmm_index.h"

#include "vmm_assert.h"

/* Returns the chunk holding node n. */
#define CHUNK_OF(n) \
    ((vmm_index_chunk_t *)((uintptr_t)(n) & ~(uintptr_t)(VMM_INDEX_CHUNK_BYTES - 1u)))

/* Makes the index empty. */
void vmm_index_init(vmm_t *vmm)
{
    vmm_tree_init(&vmm->tree);
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

/* Takes a chunk from the allocator with every node free; NULL when the
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
    for (size_t i = VMM_INDEX_CHUNK_NODES; i-- > 0;) {
        vmm_tree_node_init(&c->nodes[i].tree, 0);
        c->nodes[i].u.next_free = c->free;
        c->free = &c->nodes[i];
    }
    return c;
}

/* Gives chunk c back to the allocator. */
static void chunk_delete(vmm_t *vmm, vmm_index_chunk_t *c)
{
    vmm->allocator.free(vmm->allocator.ctx, c, sizeof *c);
    vmm->index.chunks--;
}

/* Takes a spare chunk when no chunk has a free node; see vmm_index.h. */
vmm_status_t vmm_index_prepare(vmm_t *vmm)
{
    if (vmm->index.partial != 0 || vmm->index.spare != 0)
        return VMM_OK;
    vmm->index.spare = chunk_new(vmm);
    if (vmm->index.spare == 0)
        return VMM_ERR_OUT_OF_MEMORY;
    vmm->index.chunks++;
    return VMM_OK;
}

/* Gives back the spare chunk prepare took. */
void vmm_index_unprepare(vmm_t *vmm)
{
    if (vmm->index.spare != 0)
        chunk_delete(vmm, vmm->index.spare);
    vmm->index.spare = 0;
}

/* Pops a free node of the first partial chunk (the spare when there is
 * none) and ties it to rec, then inserts it. */
void vmm_index_insert(vmm_t *vmm, vmm_record_t *rec)
{
    vmm_index_t *ix = &vmm->index;
    if (ix->partial == 0) {
        VMM_ASSERT(ix->spare != 0); /* vmm_index_prepare was not called */
        partial_push(ix, ix->spare);
        ix->spare = 0;
    }
    vmm_index_chunk_t *c = ix->partial;
    vmm_index_node_t *n = c->free;
    c->free = n->u.next_free;
    if (++c->used == VMM_INDEX_CHUNK_NODES)
        partial_unlink(ix, c);
    n->u.rec = rec;
    rec->index = n;
    vmm_tree_node_init(&n->tree, rec->virt);
    VMM_ASSERT(vmm_tree_insert(&vmm->tree, &n->tree) == VMM_OK);
}

/* Removes rec's node from the tree and frees it; its chunk goes back to
 * the allocator when that was its last node. */
void vmm_index_remove(vmm_t *vmm, vmm_record_t *rec)
{
    vmm_index_node_t *n = rec->index;
    vmm_index_chunk_t *c = CHUNK_OF(n);
    VMM_ASSERT(vmm_tree_remove(&vmm->tree, &n->tree) == VMM_OK); /* height 0 now */
    rec->index = 0;
    n->u.next_free = c->free;
    c->free = n;
    if (c->used-- == VMM_INDEX_CHUNK_NODES)
        partial_push(&vmm->index, c);
    if (c->used == 0) {
        partial_unlink(&vmm->index, c);
        chunk_delete(vmm, c);
    }
}

/* Returns the record of a tree node, or NULL. */
const vmm_record_t *vmm_record_of_node(const vmm_tree_node_t *node)
{
    return node != 0 ? vmm_index_record(node) : 0;
}

/* Returns true when node n is one of chunk c's nodes (not just inside it). */
static bool node_of_chunk(const vmm_index_node_t *n, const vmm_index_chunk_t *c)
{
    uintptr_t off = (uintptr_t)n - (uintptr_t)&c->nodes[0];
    return (uintptr_t)n >= (uintptr_t)&c->nodes[0] &&
           off < VMM_INDEX_CHUNK_NODES * sizeof *n && off % sizeof *n == 0;
}

/* Returns true when every node of the tree names its record, which names
 * it back and starts at its key, and is a node of its chunk. */
static bool nodes_ok(const vmm_t *vmm)
{
    for (const vmm_tree_node_t *t = vmm_tree_first(&vmm->tree); t != 0; t = vmm_tree_next(t)) {
        const vmm_index_node_t *n = VMM_TREE_ENTRY(t, const vmm_index_node_t, tree);
        if (n->u.rec == 0 || n->u.rec->index != n || n->u.rec->virt != t->key ||
            !node_of_chunk(n, CHUNK_OF(n)))
            return false;
    }
    return true;
}

/* Returns true when chunk c's free stack holds exactly its unused nodes:
 * VMM_INDEX_CHUNK_NODES - used of its own nodes, each out of the tree. */
static bool free_stack_ok(const vmm_index_chunk_t *c)
{
    size_t n = 0;
    for (const vmm_index_node_t *f = c->free; f != 0; f = f->u.next_free)
        if (++n > VMM_INDEX_CHUNK_NODES || !node_of_chunk(f, c) || f->tree.height != 0)
            return false;
    return n == VMM_INDEX_CHUNK_NODES - c->used;
}

/* Checks the index (see vmm.h). */
bool vmm_index_check(const vmm_t *vmm)
{
    if (vmm == 0 || !vmm_tree_check(&vmm->tree) || vmm->index.spare != 0 || !nodes_ok(vmm))
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
