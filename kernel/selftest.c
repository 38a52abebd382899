/*
 * selftest.c - the self-test runner (see selftest.h).
 */
#include "selftest.h"

#include <stddef.h>

#include "selftest_util.h"

unsigned long selftest_expects;

typedef struct selftest {
    const char *name;
    bool (*run)(void);
} selftest_t;

bool selftest_run(void)
{
    static const selftest_t tests[] = {
        { "window_set_exactly_when_reserved", test_window_reserved },
        { "core_tables_live_after_cr3_switch", test_tables_live },
        { "alloc_free_round_trip_through_mmu", test_alloc_free },
        { "set_round_trip_through_mmu", test_set_round_trip },
        { "errors_and_failures_change_nothing", test_errors_change_nothing },
        { "shared_frame_in_two_borrowed_reservations", test_shared_frame_borrowed },
        { "reentry_refused_call_unharmed", test_reentry_refused },
        { "demand_paging_4k", test_demand_paging_4k },
        { "demand_paging_2m", test_demand_paging_2m },
        { "fatal_faults_reported_and_recovered", test_fatal_faults },
        { "rare_fault_verdicts_reserved_bit_no_frame", test_rare_fault_verdicts },
        { "user_mode_rights_through_mmu", test_user_rights },
        { "kernel_denied_user_pages_smep_smap", test_kernel_denied_user_pages },
        { "two_aspaces_same_va_each_reads_its_own_at_cpl3", test_two_aspaces_same_va },
        { "unmap_then_access_faults", test_unmap_then_access_faults },
        { "remap_reads_new_frame", test_remap_reads_new_frame },
        { "sparse_release_one_tlb_flush", test_sparse_release_one_flush },
        { "global_kernel_mapping_survives_cr3_switch",
          test_global_kernel_mapping_survives_cr3_switch },
        { "aspace_destroy_returns_every_frame", test_aspace_destroy_returns_frames },
        { "heap_grows_through_window", test_heap_grows },
        { "window_consistent_at_end", test_window_final },
        { "stacks_within_bounds", test_stacks_within_bounds },
    };
    size_t n = sizeof(tests) / sizeof(tests[0]), passed = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned long before = selftest_expects;
        bool ok = tests[i].run();
        unsigned long made = selftest_expects - before;
        if (ok && made == 0) {
            kprintf("    checked no expectation: it would pass whatever the core did\n");
            ok = false;
        }
        passed += ok;
        kprintf("TEST %s: %s (%lu expectations)\n", tests[i].name, ok ? "ok" : "FAILED", made);
    }
    kprintf("VMM-KERNEL: %lu of %lu self-tests passed\n", (unsigned long)passed,
            (unsigned long)n);
    return passed == n;
}
