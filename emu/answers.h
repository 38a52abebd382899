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
 * leaf says, a #PF must report va in CR2, or nothing is remembered).
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

/* The walk of one address: what its answers are remembered by. */
typedef struct answer_walk {
    x86_pte_t entries[X86_LEVELS]; /* read, PML4 first, A/D masked; 0 below */
    uint8_t levels;                /* entries read (0: non-canonical)      */
    bool usable;                   /* every table read was in the buffer   */
    uint64_t leaf_phys;            /* present leaf: where va lands by it   */
    uint64_t hash;                 /* of levels and entries                */
} answer_walk_t;

/* Reads the walk of va in w's tables: the entries the MMU reads, up to the
 * first not-present entry or the leaf. */
void answer_read_walk(const world_t *w, uint64_t va, answer_walk_t *walk);

/* Returns true and in *out the emulator's earlier answer to an access of
 * kind at cpl to va, whose walk is walk, when there is one. */
bool answer_find(const answer_walk_t *walk, uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                 emu_outcome_t *out);

/* Remembers the emulator's answer got to that access: nothing when the
 * walk read memory outside the buffer, got completed somewhere else than
 * the leaf says, or got is a #PF with CR2 other than va. */
void answer_keep(const answer_walk_t *walk, uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                 const emu_outcome_t *got);

#endif
