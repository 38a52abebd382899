/*
 * selftest_util.h - what the self-test files share: expectations that print
 * the first failure and return false, fixtures, probes of the MMU and frame
 * sources that misbehave on purpose.
 */
#ifndef KERNEL_SELFTEST_UTIL_H
#define KERNEL_SELFTEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/x86_64/pf.h"
#include "tests/lib/fail_frames.h"
#include "cpu.h"
#include "mm.h"
#include "serial.h"
#include "trap.h"

/* Expectations checked so far (EXPECT, EXPECT_ST): the runner fails a
 * self-test that checked none, since it would pass whatever the core did. */
extern unsigned long selftest_expects;

#define EXPECT(cond)                                                        \
    do {                                                                    \
        selftest_expects++;                                                 \
        if (!(cond)) {                                                      \
            kprintf("    expectation failed (line %d): %s\n", __LINE__, #cond); \
            return false;                                                   \
        }                                                                   \
    } while (0)

#define EXPECT_ST(expr, want)                                               \
    do {                                                                    \
        vmm_status_t got_ = (expr);                                         \
        selftest_expects++;                                                 \
        if (got_ != (want)) {                                               \
            kprintf("    line %d: %s = %s, want %s\n", __LINE__, #expr,     \
                    vmm_strerror(got_), vmm_strerror(want));                \
            return false;                                                   \
        }                                                                   \
    } while (0)

#define PAGE VMM_PAGE_SIZE
#define WINDOW_PAGES ((MM_WINDOW_END - MM_WINDOW_START) / PAGE)
#define PATTERN(v) ((v) * 0x9E3779B97F4A7C15ull ^ 0xA5A5A5A5A5A5A5A5ull)
#define NON_CANONICAL 0x0000800000000000ull /* first address past the low half */
#define CODE_RET_ONE 0xC300000001B8ull      /* mov $1, %eax; ret */
#define DIRTY_BYTE 0xA5u
/* Keeps the compiler from moving memory accesses across this point: the
 * #PF handler reads kmm behind the compiler's back. */
#define COMPILER_BARRIER() __asm__ volatile("" : : : "memory")

/* Fixtures: a read-only word, a writable word, and code in a data page. */
extern const uint64_t selftest_rodata_word;
extern uint64_t selftest_data_word;
extern uint64_t selftest_code_in_data;

/* Returns the free frames plus those the page tables hold, so that counts
 * compare equal whatever table frames a mapping needed. */
size_t free_frames(void);
/* Returns the volatile word at virt. */
volatile uint64_t *word_at(uint64_t virt);
/* Returns the word at user address virt, read at CPL0 between stac and
 * clac when SMAP is on (the loaded address space's page). */
uint64_t user_read64(uint64_t virt);
/* Returns true when virt is in the kernel image's segments. */
bool in_image(uint64_t virt);
/* Returns the number of window pages the image occupies. */
uint64_t image_pages(void);
/* Returns true when an access to virt faults with the core's verdict want
 * (a probe read or write, recovered by the handler). */
bool faults_with(uint64_t virt, bool write, vmm_fault_kind_t want);
/* Returns true when a CPL0 call of virt faults on the fetch with the core's
 * verdict want (probe_call, recovered). */
bool call_faults_with(uint64_t virt, vmm_fault_kind_t want);
/* Returns true when virt translates to phys with the given rights. */
bool walk_is(uint64_t virt, uint64_t phys, bool writable, bool executable);
/* Returns the address (through the direct map) of the 4 KiB leaf entry
 * mapping virt, or NULL when a level on the way is missing or large. */
volatile x86_pte_t *leaf_entry(uint64_t virt);

/* A frame source over inner whose allocation number allow (from 0) fails:
 * the tests' and the harness's double (tests/lib/fail_frames.h, listed in
 * kernel/doubles.list), failing allocations only. */
void failing_frames_init(fail_frames_t *ff, const vmm_frames_t *inner, long allow);
/* Returns an allocator that always fails (tests/lib's fail_alloc takes its
 * blocks from malloc or mmap: it does not fit the freestanding kernel). */
vmm_allocator_t null_allocator(void);
/* Fills count frames from phys with DIRTY_BYTE (through the direct map). */
void dirty_fill(uint64_t phys, size_t count);

/* Makes the VMM's data frames dirty (DIRTY_BYTE) until undirty_frames(). */
void dirty_frames(void);
void undirty_frames(void);

/* The tests (selftest_vmm.c, selftest_fault.c, selftest_user.c,
 * selftest_aspace.c): true
 * when passed. */
bool test_window_reserved(void);
bool test_tables_live(void);
bool test_alloc_free(void);
bool test_set_round_trip(void);
bool test_errors_change_nothing(void);
bool test_shared_frame_borrowed(void);
bool test_reentry_refused(void);
bool test_demand_paging_4k(void);
bool test_demand_paging_2m(void);
bool test_fatal_faults(void);
bool test_rare_fault_verdicts(void);
bool test_user_rights(void);
bool test_kernel_denied_user_pages(void);
/* selftest_aspace.c */
bool test_two_aspaces_same_va(void);
bool test_unmap_then_access_faults(void);
bool test_remap_reads_new_frame(void);
bool test_sparse_release_one_flush(void);
bool test_global_kernel_mapping_survives_cr3_switch(void);
bool test_aspace_destroy_returns_frames(void);
bool test_heap_grows(void);
bool test_window_final(void);
/* selftest_stack.c */
bool test_stacks_within_bounds(void);

#endif
