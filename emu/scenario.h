/*
 * scenario.h - scenario files: a world built line by line through the core's
 * API, then probed. Syntax (one command per line, '#' starts a comment;
 * numbers are C literals with an optional K/M/G suffix; $name is a value
 * stored by "-> $name", $name+N adds N):
 *
 *   phys BASE SIZE                 hostmem buffer (default 0 16M)
 *   window START END               the VMM window
 *   boot HHDM 1g|2m                build with x86_boot_init ...
 *   region TYPE BASE SIZE          ... with this memory-map entry
 *                                  (usable reserved acpi nvs bad bootloader
 *                                  kernel framebuffer)
 *   segment VIRT PHYS SIZE ATTRS   ... and this kernel segment
 *   start                          build the world
 *   alloc PAGES ATTRS [-> $v]
 *   set VIRT LEN PHYS|- ATTRS
 *   reserve COUNT SIZE ATTRS [lazy] [-> $v]
 *   claim VIRT COUNT SIZE ATTRS [lazy]
 *   frames COUNT ALIGN [-> $v]     frames from the frame source (to own
 *                                  what map_page hands to the VMM)
 *   map_page RES VIRT PHYS ATTRS
 *   free VIRT  |  release VIRT
 *   fail frames|alloc N            the (N+1)-th next call fails
 *   access VIRT cpl0|cpl3 read|write|fetch ok|ok=PHYS|pf=CODE|gp
 *                                  a hand-written expectation, checked with
 *                                  uc_vmem_translate and a real instruction,
 *                                  then judged three ways (probe.h)
 *   demand VIRT cpl0|cpl3 read|write|fetch
 *                                  the access must fault, be resolved by the
 *                                  core's fault decision, and land on retry
 *   verdict VIRT CODE NAME         x86_page_fault's verdict must be NAME
 *                                  (resolved spurious not-present readonly
 *                                  user-kernel nx reserved oom)
 *   probe                          probe_world: every page, edge, neighbour
 *   require-errors CODE...         these #PF error codes were seen so far
 * ATTRS: '|'-joined words from kernel user w x c (none: user, read-only,
 * uncached, no-exec). Any command may end with !VMM_ERR_... to expect that
 * error instead of VMM_OK.
 */
#ifndef EMU_SCENARIO_H
#define EMU_SCENARIO_H

#include <stdint.h>

#include "world.h"

typedef struct scenario_totals {
    world_stats_t stats;  /* summed over every world run             */
    unsigned failures;    /* failed commands and mismatches          */
    unsigned commands;
} scenario_totals_t;

/* Runs the scenario file at path, adding to *tot. Returns the failures of
 * this file (0: it passed). */
unsigned scenario_run_file(const char *path, scenario_totals_t *tot);

#endif
