/*
 * answers.c - the emulator's translate answers remembered by walk (see
 * answers.h): a direct-mapped table, a slot per hash of walk and access.
 */
#include "answers.h"

#include <string.h>

#include "probe.h"

#define ANSWER_SLOTS 4096u /* a power of 2 */
#define HASH_MUL 0x9E3779B97F4A7C15ull

/* One remembered answer. */
typedef struct answer {
    x86_pte_t entries[X86_LEVELS];
    uint8_t levels, cpl, kind;
    bool used;
    int vector;
    uint32_t error_code;
} answer_t;

static answer_t answers[ANSWER_SLOTS];

/* Returns h with v mixed in. */
static uint64_t mix(uint64_t h, uint64_t v)
{
    h = (h ^ v) * HASH_MUL;
    return h ^ (h >> 32);
}

NO_ASAN void answer_read_walk(const world_t *w, uint64_t va, answer_walk_t *walk)
{
    *walk = (answer_walk_t){.usable = true};
    if (probe_canonical(va)) {
        uint64_t table = w->pt.pml4;
        for (int level = X86_LEVEL_PML4; level >= X86_LEVEL_PT; level--) {
            const x86_pte_t *t = hostmem_ptr(&w->hm, table);
            if (t == NULL) {
                walk->usable = false;
                break;
            }
            x86_pte_t e = t[X86_PX(level, va)];
            walk->entries[walk->levels++] = e & ~X86_PTE_HW_BITS;
            if (!X86_PTE_PRESENT(e))
                break;
            if (level == X86_LEVEL_PT || X86_PTE_LARGE(e)) {
                uint64_t size = X86_LEVEL_SIZE(level);
                walk->leaf_phys = (X86_PTE_ADDR(e) & ~(size - 1u)) + (va & (size - 1u));
                break;
            }
            table = X86_PTE_ADDR(e);
        }
    }
    uint64_t h = mix(0, walk->levels);
    for (unsigned i = 0; i < walk->levels; i++)
        h = mix(h, walk->entries[i]);
    walk->hash = h;
}

/* Returns the slot of an access with walk. */
static answer_t *slot_of(const answer_walk_t *walk, emu_cpl_t cpl, emu_kind_t kind)
{
    uint64_t h = mix(walk->hash, (uint64_t)cpl * EMU_KINDS + (uint64_t)kind);
    return &answers[h & (ANSWER_SLOTS - 1u)];
}

NO_ASAN bool answer_find(const answer_walk_t *walk, uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                 emu_outcome_t *out)
{
    const answer_t *a = slot_of(walk, cpl, kind);
    if (!walk->usable || !a->used || a->levels != walk->levels || a->cpl != cpl ||
        a->kind != kind)
        return false;
    for (unsigned i = 0; i < walk->levels; i++)
        if (a->entries[i] != walk->entries[i])
            return false;
    *out = (emu_outcome_t){.vector = a->vector};
    if (a->vector == EMU_VEC_NONE)
        out->phys = walk->leaf_phys;
    else if (a->vector == EMU_VEC_PF)
        *out = (emu_outcome_t){.vector = EMU_VEC_PF, .cr2 = va, .error_code = a->error_code};
    return true;
}

void answer_keep(const answer_walk_t *walk, uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                 const emu_outcome_t *got)
{
    if (!walk->usable || got->vector == EMU_VEC_EMU_ERROR)
        return;
    if (got->vector == EMU_VEC_NONE && (walk->levels == 0 || got->phys != walk->leaf_phys))
        return;
    if (got->vector == EMU_VEC_PF && got->cr2 != va)
        return;
    answer_t *a = slot_of(walk, cpl, kind);
    *a = (answer_t){.levels = walk->levels, .cpl = (uint8_t)cpl, .kind = (uint8_t)kind,
                    .used = true, .vector = got->vector, .error_code = got->error_code};
    memcpy(a->entries, walk->entries, sizeof(a->entries));
}
