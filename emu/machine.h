/*
 * machine.h - an emulated x86_64 CPU (Unicorn 2.1.4) whose MMU walks page
 * tables that live in a host buffer standing for physical memory.
 *
 * The machine knows nothing about the core: the caller builds the tables
 * (with the core, or by hand), maps the machine's three auxiliary pages
 * (code, GDT, kernel stack: emu_aux_page) into them, then calls emu_start.
 * Every check starts from a clean CPU state at CPL0 or CPL3 (a saved context
 * is restored after a fault), so a fault never leaks into the next check.
 */
#ifndef EMU_MACHINE_H
#define EMU_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kinds of access a probe makes. */
typedef enum emu_kind { EMU_READ = 0, EMU_WRITE = 1, EMU_FETCH = 2 } emu_kind_t;
#define EMU_KINDS 3

/* Privilege levels probed. */
typedef enum emu_cpl { EMU_CPL0 = 0, EMU_CPL3 = 1 } emu_cpl_t;
#define EMU_CPLS 2

/* Exception vectors the machine reports. */
#define EMU_VEC_NONE (-1)
#define EMU_VEC_PF 14
#define EMU_VEC_GP 13
/* Not an exception: the emulator itself failed (unbacked physical memory). */
#define EMU_VEC_EMU_ERROR 256

/* The machine's pages: mapped by the caller at EMU_AUX_VA + i * 4 KiB to
 * physical EMU_AUX_PHYS + i * 4 KiB. Nothing else may use the 2 MiB at
 * EMU_AUX_VA; the pages after the three are left unmapped on purpose. */
#define EMU_AUX_VA ((uint64_t)0x00007FFFFF000000ull)
#define EMU_AUX_PHYS ((uint64_t)0x000000FF00000000ull)
#define EMU_AUX_REGION ((uint64_t)2 << 20)
typedef enum emu_aux_page {
    EMU_AUX_CODE = 0,  /* user, read-only, executable (CPL0 and CPL3 run it) */
    EMU_AUX_GDT = 1,   /* kernel, read-only, not executable                  */
    EMU_AUX_STACK = 2, /* kernel, writable, not executable                   */
    EMU_AUX_PAGES = 3
} emu_aux_page_t;

/* Outcome of one access, as the emulated CPU saw it. */
typedef struct emu_outcome {
    int vector;          /* EMU_VEC_NONE: the access completed          */
    uint64_t phys;       /* completed translate: physical address      */
    uint8_t data;        /* completed snippet read: the byte loaded    */
    uint64_t cr2;        /* #PF: the faulting address                  */
    uint32_t error_code; /* #PF: the error code                        */
} emu_outcome_t;

typedef struct emu_machine emu_machine_t;

/* Opens a machine with phys_size bytes at host (4 KiB aligned, size a
 * multiple of 4 KiB) as physical memory [phys_base, phys_base + phys_size).
 * Returns NULL (and prints why) when Unicorn refuses. */
emu_machine_t *emu_open(void *host, uint64_t phys_base, uint64_t phys_size);
void emu_close(emu_machine_t *m);

/* Physical address of an auxiliary page (what the caller maps). */
uint64_t emu_aux_phys(emu_aux_page_t page);

/* Loads CR0/CR4/EFER(NXE)/CR3 and the GDT, saves the CPL0 context, enters
 * CPL3 with iretq and saves that context, then finds where the saved context
 * keeps the #PF error code by faulting on the auxiliary pages. False (and a
 * message) when any of it does not behave as on hardware. */
bool emu_start(emu_machine_t *m, uint64_t cr3);

/* Points the machine at other tables (cr3) in the same physical memory:
 * emu_start the first time, afterwards only CR3 in both clean contexts is
 * rewritten and the TLB flushed (translated blocks stay: they are keyed by
 * physical address, and fetch checks drop the blocks they plant). */
bool emu_switch(emu_machine_t *m, uint64_t cr3);

/* Drops every translated block (and the emulator's bookkeeping of them:
 * what block generation allocated is freed). */
void emu_flush_code(emu_machine_t *m);

/* Blocks Unicorn translates keep memory until every block is dropped: the
 * snippets' blocks and those of fetch plants are translated once and kept.
 * When blocks were dropped since the last call (a store into a frame with
 * a plant, a plant among the snippets), drops every block and translates
 * the snippets' blocks again, so that each fuzz input that ends with this
 * call frees at least what it translated (a later input that translates a
 * new plant is the only one to allocate, and running it again allocates
 * nothing). Call while the tables map the machine's pages. */
void emu_trim_code(emu_machine_t *m);

/* Forgets cached translations (call after the tables change): the TLB is
 * flushed before the next check that asks the emulator. */
void emu_flush(emu_machine_t *m);

/* Walks the tables for va as an access of kind at cpl would, without
 * executing code (uc_vmem_translate). */
void emu_translate(emu_machine_t *m, emu_cpl_t cpl, uint64_t va,
                   emu_kind_t kind, emu_outcome_t *out);

/* Executes a real one-byte load, store (of value) or instruction fetch at
 * va at cpl. A fetch plants a one-byte instruction at fetch_phys (where va
 * is expected to land; UINT64_MAX: plant nothing) for the duration of the
 * check, and succeeds only when that instruction ran. */
void emu_access(emu_machine_t *m, emu_cpl_t cpl, uint64_t va, emu_kind_t kind,
                uint8_t value, uint64_t fetch_phys, emu_outcome_t *out);

/* Physical memory access through the emulator. */
bool emu_phys_read(emu_machine_t *m, uint64_t phys, void *buf, size_t len);
bool emu_phys_write(emu_machine_t *m, uint64_t phys, const void *buf, size_t len);

/* Highest physical address width the emulated CPU reports (MAXPHYADDR). */
unsigned emu_phys_bits(const emu_machine_t *m);

/* Names for reports. */
const char *emu_kind_name(emu_kind_t kind);
const char *emu_cpl_name(emu_cpl_t cpl);

#endif
