/*
 * probe.h - judging a world: every probed address, at CPL0 and CPL3, for
 * read, write and fetch, must behave the same three ways:
 *   intent    what the VMM state means (records, map_page attributes, boot
 *             configuration), computed here without the core's tables;
 *   core walk what x86_translate finds in the core's tables;
 *   emulator  what the emulated MMU does (uc_vmem_translate, and real
 *             instructions: the physical address reached and the byte read,
 *             or the fault with CR2 and the error code).
 * An emulated #PF is also handed to the core's fault decision
 * (x86_page_fault), whose verdict must follow from the intent; a demand fault
 * it resolves is retried and must land in the new frame.
 */
#ifndef EMU_PROBE_H
#define EMU_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/fault.h"
#include "machine.h"
#include "world.h"

/* What an address is meant to be. */
typedef struct intent {
    bool canonical;
    bool mapped;          /* a page is meant to be mapped there            */
    bool lazy;            /* unmapped page of a lazy reservation           */
    uint64_t phys;        /* mapped: physical address the byte lands at    */
    uint64_t page_size;   /* mapped: size of that page                     */
    vmm_attrs_t attrs;    /* mapped or lazy: its attributes                */
    const char *source;   /* "alloc record", "direct map", ...             */
} intent_t;

/* Bit of a #PF error code / fault verdict in world_stats_t's "seen" sets. */
#define PROBE_SEEN_BIT(v) ((uint64_t)1 << ((v) & 0x3Fu))

/* For the hot readers of the buffer and of the checks' own tables: each
 * read is of a 4 KiB table hostmem_ptr returned (the buffer is a multiple
 * of 4 KiB) or of a masked slot, where ASan's checks can find nothing and
 * cost a third of the time (as in harness/fuzz_walk.c). */
#if defined(__clang__) || defined(__GNUC__)
#define NO_ASAN __attribute__((no_sanitize("address")))
#else
#define NO_ASAN
#endif

/* Probe flags. */
#define PROBE_TRANSLATE 1u /* uc_vmem_translate checks                      */
#define PROBE_EXECUTE 2u   /* real loads, stores and fetches                */
#define PROBE_DECIDE 4u    /* emulated #PF -> fault decision (demand paging) */
#define PROBE_ALL (PROBE_TRANSLATE | PROBE_EXECUTE | PROBE_DECIDE)
#define PROBE_CHANGED 8u   /* probe_world: skip a point whose walk entries
                              (A/D aside) and intent are as at its last
                              PROBE_CHANGED probe (the emulated MMU is a
                              function of them: same answers again)      */

/* Fills *it with what va is meant to be in w. */
void probe_intent(const world_t *w, uint64_t va, intent_t *it);

/* Checks va at both privilege levels for every kind of access. Returns the
 * number of mismatches (each reported on stderr). */
unsigned probe_va(world_t *w, uint64_t va, unsigned flags);

/* probe_va at one CPL (the leaf check with CPL0), noting in seen[kind] the
 * vector the translate check got (EMU_VEC_NONE when there was none). */
unsigned probe_va_at(world_t *w, uint64_t va, emu_cpl_t cpl, unsigned flags,
                     int seen[EMU_KINDS]);

/* Checks one access; returns 1 on a mismatch, else 0. PROBE_TRANSLATE |
 * PROBE_DECIDE without PROBE_EXECUTE: a translate #PF goes to the fault
 * decision, and a resolved demand fault is translated again. */
unsigned probe_access(world_t *w, uint64_t va, emu_cpl_t cpl, emu_kind_t kind,
                      unsigned flags);

/* Probes every page of w: both edges of each mapped or meant-to-be-mapped
 * page, its unmapped neighbours, large-page interiors, and fixed addresses
 * (kernel region, direct map, non-canonical); every point at CPL0 first,
 * then at CPL3 (one context switch per level). Returns the mismatches. */
unsigned probe_world(world_t *w, unsigned flags);

/* Probes every point like probe_world, with translate checks and the fault
 * decision on their #PFs, then executes a sample: for each privilege and
 * kind of access, one point where the translate check completed and one
 * where it raised #PF, and for one privilege and kind one where it raised
 * #GP (when there are such points), all chosen by seed. Returns the
 * mismatches. */
unsigned probe_world_sampled(world_t *w, uint64_t seed);

/* A hash of what decides every check of va: the intent and the entries
 * a walk reads (A/D bits masked; the core's walk and the emulator's are
 * functions of them), read from the buffer (answers.h). */
uint64_t probe_signature(const world_t *w, uint64_t va);

/* True when va is canonical for 4-level paging (the harness's rule,
 * fuzz_canonical, independent of the core's X86_CANONICAL). */
bool probe_canonical(uint64_t va);

/* The verdict the fault decision should give for a #PF with error_code at
 * va, following the intent. */
vmm_fault_kind_t probe_expected_verdict(const world_t *w, uint64_t va,
                                        uint32_t error_code);

#endif
