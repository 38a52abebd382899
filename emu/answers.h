/*
 * answers.h - the emulator's translate answers, remembered by the walk that
 * produced them.
 *
 * What uc_vmem_translate answers for an access is a function of the entries
 * its walk reads (A/D aside: the MMU sets them, they decide nothing), the
 * privilege level and the kind of access; the control registers never
 * change. The answer for va (completed: the leaf's frame plus va's offset;
 * #PF: the error code, CR2 = va; #GP) therefore holds for every address
 * whose walk reads the same entries: a page's two edges, a large page's
 * interior, the unmapped neighbours in one table. The checks ask the
 * emulator once per distinct walk and access and reuse its answer, after
 * checking it against the walk (a completed translate must land where the
 * leaf says, or nothing is remembered).
 *
 * The entries are read here from the buffer standing for physical memory,
 * by the architecture's rules, never through the core.
 */
#ifndef EMU_ANSWERS_H
#define EMU_ANSWERS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/x86_64/pte.h"
#include "machine.h"
#include "world.h"

/* The walk of one access: what an answer is remembered by. */
typedef struct answer_key {
    x86_pte_t entries[X86_LEVELS]; /* read, PML4 first, A/D masked; 0 below */
    uint8_t levels;                /* entries read (0: non-canonical)      */
    uint8_t cpl, kind;
    bool usable;                   /* every table read was in the buffer   */
    uint64_t leaf_phys;            /* present leaf: where va lands by it   */
} answer_key_t;

/* Fills *key with the walk of an access to va at cpl of kind in w's
 * tables. Returns true and the emulator's earlier answer in *out when
 * there is one. */
bool answer_find(const world_t *w, uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                 answer_key_t *key, emu_outcome_t *out);

/* Remembers the emulator's answer got for the walk key of va: nothing when
 * the walk read memory outside the buffer, got completed somewhere else
 * than the leaf says, or got is a #PF with CR2 other than va. */
void answer_keep(const answer_key_t *key, uint64_t va, const emu_outcome_t *got);

/* Forgets every answer (a machine of another configuration). */
void answer_forget_all(void);

#endif
