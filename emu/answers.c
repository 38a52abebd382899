/*
 * answers.c - the emulator's translate answers remembered by walk (see
 * answers.h): a direct-mapped table, a slot per hash of the walk.
 */
#include "answers.h"

#include <string.h>

#include "probe.h"

#define ANSWER_SLOTS 4096u /* a power of 2 */

/* One remembered answer. */
typedef struct answer {
    answer_key_t key;
    bool used;
    int vector;
    uint32_t error_code;
} answer_t;

static answer_t answers[ANSWER_SLOTS];

/* Returns the bytes of a leaf entry at level: 4K, 2M, 1G. */
static uint64_t leaf_size(int level)
{
    return X86_LEVEL_SIZE(level);
}

/* Reads the walk of va into key (the entries the MMU reads: up to the
 * first not-present entry or the leaf). */
static void read_walk(const world_t *w, uint64_t va, answer_key_t *key)
{
    key->usable = true;
    if (!probe_canonical(va))
        return; /* #GP before any walk: levels stays 0 */
    uint64_t table = w->pt.pml4;
    for (int level = X86_LEVEL_PML4; level >= X86_LEVEL_PT; level--) {
        const x86_pte_t *t = hostmem_ptr(&w->hm, table);
        if (t == NULL) {
            key->usable = false;
            return;
        }
        x86_pte_t e = t[X86_PX(level, va)];
        key->entries[key->levels++] = e & ~X86_PTE_HW_BITS;
        if (!X86_PTE_PRESENT(e))
            return;
        if (level == X86_LEVEL_PT || X86_PTE_LARGE(e)) {
            uint64_t size = leaf_size(level);
            key->leaf_phys = (X86_PTE_ADDR(e) & ~(size - 1u)) + (va & (size - 1u));
            return;
        }
        table = X86_PTE_ADDR(e);
    }
}

/* Returns the slot of a walk (FNV-1a over what the answer depends on). */
static answer_t *slot_of(const answer_key_t *key)
{
    uint64_t h = 0xCBF29CE484222325ull;
    h = (h ^ key->levels) * 0x100000001B3ull;
    h = (h ^ key->cpl) * 0x100000001B3ull;
    h = (h ^ key->kind) * 0x100000001B3ull;
    for (unsigned i = 0; i < key->levels; i++)
        h = (h ^ key->entries[i] ^ (key->entries[i] >> 32)) * 0x100000001B3ull;
    return &answers[(h ^ (h >> 29)) & (ANSWER_SLOTS - 1u)];
}

/* True when a and b are the same walk and access (the leaf's landing
 * aside: it follows from the entries and va). */
static bool same_walk(const answer_key_t *a, const answer_key_t *b)
{
    return a->levels == b->levels && a->cpl == b->cpl && a->kind == b->kind &&
           memcmp(a->entries, b->entries, sizeof(a->entries)) == 0;
}

bool answer_find(const world_t *w, uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                 answer_key_t *key, emu_outcome_t *out)
{
    memset(key, 0, sizeof(*key));
    key->cpl = (uint8_t)cpl;
    key->kind = (uint8_t)kind;
    read_walk(w, va, key);
    const answer_t *a = slot_of(key);
    if (!key->usable || !a->used || !same_walk(&a->key, key))
        return false;
    *out = (emu_outcome_t){.vector = a->vector};
    if (a->vector == EMU_VEC_NONE)
        out->phys = key->leaf_phys;
    else if (a->vector == EMU_VEC_PF)
        *out = (emu_outcome_t){.vector = EMU_VEC_PF, .cr2 = va, .error_code = a->error_code};
    return true;
}

void answer_keep(const answer_key_t *key, uint64_t va, const emu_outcome_t *got)
{
    if (!key->usable || got->vector == EMU_VEC_EMU_ERROR)
        return;
    if (got->vector == EMU_VEC_NONE && (key->levels == 0 || got->phys != key->leaf_phys))
        return;
    if (got->vector == EMU_VEC_PF && got->cr2 != va)
        return;
    answer_t *a = slot_of(key);
    *a = (answer_t){.key = *key, .used = true, .vector = got->vector,
                    .error_code = got->error_code};
}

void answer_forget_all(void)
{
    memset(answers, 0, sizeof(answers));
}
