/* fuzz_driver.c - the loop every fuzz target runs (see fuzz_driver.h). */
#include "fuzz_driver.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "double_report.h"
#include "fuzz_check.h"

/* The test doubles' reporter: a failed double check is a finding, named
 * with the op being run like every other check. */
static void report_double(const char *check, const char *msg)
{
    fuzz_fail(check, "test double", 0, "%s", msg);
}

/* Every status the core can return has its own name (status.h's rule, not
 * the core's table: "VMM_OK", else "VMM_ERR_" and a distinct rest), and a
 * value past the end answers VMM_ERR_UNKNOWN: the names the op listings and
 * every failed check print. Once per process (the table is constant). */
static void check_status_names(void)
{
    unsigned long long before = fuzz_checks_run; /* not an input's check */
    for (int s = 0; s <= VMM_ERR_COUNT; s++) {
        const char *name = vmm_strerror((vmm_status_t)s);
        bool unknown = strcmp(name, "VMM_ERR_UNKNOWN") == 0;
        FUZZ_CHECK(s == VMM_ERR_COUNT ? unknown
                   : s == VMM_OK      ? strcmp(name, "VMM_OK") == 0
                                      : strncmp(name, "VMM_ERR_", 8) == 0 && !unknown,
                   "status-names", "vmm_strerror(%d) = %s", s, name);
        for (int o = 0; o < s && s < VMM_ERR_COUNT; o++)
            FUZZ_CHECK(strcmp(name, vmm_strerror((vmm_status_t)o)) != 0, "status-names",
                       "statuses %d and %d are both %s", o, s, name);
    }
    fuzz_checks_run = before;
}

int fuzz_drive(const fuzz_target_t *t, const uint8_t *data, size_t size)
{
    static void *state; /* one target per binary */
    if (!state) {
        double_set_reporter(report_double);
        check_status_names();
        state = t->create();
        if (!state)
            abort();
    }
    fuzz_data_t fd;
    fd_init(&fd, data, size);
    fuzz_op_begin(0, "(config)");
    if (t->setup(state, &fd)) {
        for (unsigned k = 1; k <= t->max_ops && !fd_empty(&fd); k++) {
            unsigned op = fd_u8(&fd);
            fuzz_op_begin(k, fuzz_op_name(t->ops, t->nops, op));
            t->run_op(state, &fd, op);
            if (t->check_op)
                t->check_op(state);
            if (t->spent && t->spent(state)) {
                TRACE("(work budget spent: the rest of the input is not run)");
                break;
            }
        }
        fuzz_op_begin(0, "(end of input)");
        t->check_final(state);
    }
    t->reset(state);
    return 0;
}

long fuzz_fail_countdown(uint8_t v) { return v ? (long)v - 1 : -1; }

/* ASan's defaults for every fuzz target and replayer (ASAN_OPTIONS in the
 * environment still overrides them, key by key). quarantine_size_mb: how
 * many MiB of freed heap blocks ASan holds back before reuse, to catch a
 * use after free. The core has no heap (freestanding: its blocks come from
 * fail_alloc's arena, which keeps a freed block poisoned until the input
 * ends), and the harness allocates only once per process, so the
 * quarantine holds libFuzzer's own per-input copy of the data (one small
 * block per execution). At the default 256 MiB every execution's copy
 * landed in fresh memory until the quarantine filled: a page fault per 2-3
 * executions, about 5% of the vmm target's time; 16 MiB still holds the
 * copies of the last ~100,000 inputs. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_HAVE_ASAN 1
#endif
#elif defined(__SANITIZE_ADDRESS__)
#define FUZZ_HAVE_ASAN 1
#endif
#ifdef FUZZ_HAVE_ASAN
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "quarantine_size_mb=16"; }
#endif

void fuzz_frames_create(frame_pool_t *pool, fail_frames_t *ff, uint64_t base, size_t nframes)
{
    frame_pool_create(pool, base, nframes);
    vmm_frames_t inner = frame_pool_frames(pool);
    fail_frames_init(ff, &inner);
    ff->fail_on = FAIL_FRAMES_ALLOC;
}
