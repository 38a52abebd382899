/* Reentrancy (vmm.h, "Reentrancy"): a callback the VMM makes (allocator,
 * frame source, mapper) that calls back into the same vmm_t gets
 * VMM_ERR_BUSY from every call that may change the VMM (a fault:
 * NOT_PRESENT with status VMM_ERR_BUSY), and the interrupted call ends as
 * if nothing had happened. For each outer operation and each kind of
 * callback, the hook fires at the 1st, 2nd, ... call of that kind until the
 * operation makes no more: every inner call must be refused, the outer call
 * must return what it returns without the hook, and the end state (bitmap,
 * records, frames, mappings) must equal the state of a run without it.
 * Before the guard, an allocator calling vmm_reserve handed one range out
 * twice (an outside review found it; no test or fuzz input re-entered). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/fault.h"
#include "core/pmm.h"
#include "core/vmm.h"
#include "reentry.h"
#include "vmm_fixture.h"

#define K4 VMM_PAGE_SIZE
#define START 0x40000000ull
#define PAGES 4096u
#define PHYS_BYTES (16u << 20)
#define RW (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)

static reentry_t hook; /* the VMM's interfaces: the fixture's, re-entering when armed */

/* A fixture whose VMM calls the fixture's interfaces through the hook
 * (vmm_init again over the empty VMM fx_init made, with the wrappers). */
static void hooked_init(vmm_fixture_t *fx)
{
    fx_init(fx, START, PAGES, PHYS_BYTES);
    vmm_allocator_t a;
    vmm_frames_t f;
    vmm_mapper_t m;
    reentry_wrap(&hook, &fx->vmm.allocator, &fx->vmm.frames, &fx->vmm.mapper, &a, &f, &m);
    CHECK_OK(vmm_deinit(&fx->vmm));
    CHECK_OK(vmm_init(&fx->vmm, START, START + (uint64_t)PAGES * K4, &a, &m, &f));
}

/* One outer operation: setup (not hooked), then the operation, which
 * returns a status and stores a result value (an address, a verdict). */
typedef struct scenario {
    const char *name;
    void (*setup)(vmm_fixture_t *fx);
    vmm_status_t (*op)(vmm_fixture_t *fx, uint64_t *value);
} scenario_t;

static uint64_t lazy_at; /* the lazy reservation the setups make */

static void s_none(vmm_fixture_t *fx) { (void)fx; }
static void s_records(vmm_fixture_t *fx)
{
    uint64_t v;
    CHECK_OK(vmm_alloc(&fx->vmm, 3, RW, &v));
    CHECK_OK(vmm_reserve(&fx->vmm, 600, K4, RW, VMM_RESERVE_LAZY, &lazy_at));
    vmm_access_t write = { .write = true };
    for (uint64_t p = 0; p < 600; p += 97)
        CHECK(vmm_fault(&fx->vmm, lazy_at + p * K4, write, NULL) == VMM_FAULT_RESOLVED);
    CHECK_OK(vmm_reserve(&fx->vmm, 8, K4, RW, 0, &v));
}
static vmm_status_t o_alloc(vmm_fixture_t *fx, uint64_t *v)
{
    return vmm_alloc(&fx->vmm, 5, RW, v);
}
static vmm_status_t o_set(vmm_fixture_t *fx, uint64_t *v)
{
    vmm_range_t r = { START + 3000 * K4, START + 3002 * K4 };
    vmm_range_t phys = { 0x900000, 0x902000 };
    *v = r.start;
    return vmm_set(&fx->vmm, r, &phys, RW);
}
static vmm_status_t o_reserve(vmm_fixture_t *fx, uint64_t *v)
{
    return vmm_reserve(&fx->vmm, 1000, K4, RW, VMM_RESERVE_LAZY, v);
}
static vmm_status_t o_claim(vmm_fixture_t *fx, uint64_t *v)
{
    *v = START + 2000 * K4;
    return vmm_claim(&fx->vmm, *v, 700, K4, RW, 0);
}
static vmm_status_t o_map_page(vmm_fixture_t *fx, uint64_t *v)
{
    uint64_t phys; /* through the fixture's frame source, which counts it */
    CHECK_OK(hook.f.alloc(hook.f.ctx, 1, 1, &phys));
    *v = lazy_at + 300 * K4;
    return vmm_map_page(&fx->vmm, lazy_at, *v, phys, RW);
}
static vmm_status_t o_fault(vmm_fixture_t *fx, uint64_t *v)
{
    vmm_access_t write = { .write = true };
    vmm_fault_result_t out;
    *v = vmm_fault(&fx->vmm, lazy_at + 260 * K4, write, &out);
    return out.status;
}
static vmm_status_t o_free(vmm_fixture_t *fx, uint64_t *v)
{
    *v = vmm_first_record(&fx->vmm)->virt; /* the alloc of s_records */
    return vmm_free(&fx->vmm, *v);
}
static vmm_status_t o_release(vmm_fixture_t *fx, uint64_t *v)
{
    *v = lazy_at;
    return vmm_release(&fx->vmm, lazy_at);
}
static vmm_status_t o_deinit(vmm_fixture_t *fx, uint64_t *v)
{
    *v = 0;
    return vmm_deinit(&fx->vmm);
}

static const scenario_t scenarios[] = {
    { "alloc", s_records, o_alloc },     { "set with phys", s_records, o_set },
    { "reserve", s_none, o_reserve },    { "claim", s_none, o_claim },
    { "map_page", s_records, o_map_page }, { "demand fault", s_records, o_fault },
    { "free", s_records, o_free },       { "release", s_records, o_release },
    { "deinit", s_records, o_deinit },
};

/* The state a run ends in, compared between a hooked run and a plain one. */
typedef struct outcome {
    vmm_status_t st;
    uint64_t value;
    size_t records, pmm_free, live_blocks, mappings;
    uint64_t *bits;
} outcome_t;

static void outcome_take(vmm_fixture_t *fx, vmm_status_t st, uint64_t value, outcome_t *o)
{
    o->st = st;
    o->value = value;
    o->records = vmm_record_count(&fx->vmm);
    o->pmm_free = pmm_free_count(&fx->pmm);
    o->live_blocks = fx->fa.live;
    o->mappings = fx->rm.count;
    o->bits = malloc(fx->nbits * sizeof(uint64_t));
    memcpy(o->bits, fx_bits(fx), fx->nbits * sizeof(uint64_t));
}

static bool outcome_same(const outcome_t *a, const outcome_t *b, size_t nbits)
{
    return a->st == b->st && a->value == b->value && a->records == b->records &&
           a->pmm_free == b->pmm_free && a->live_blocks == b->live_blocks &&
           a->mappings == b->mappings && memcmp(a->bits, b->bits, nbits * 8u) == 0;
}

/* Runs sc with the hook armed at the n-th call of kind k (k < 0: not
 * armed); stores the outcome. Returns whether the hook fired. */
static bool run(const scenario_t *sc, int k, long n, outcome_t *o)
{
    vmm_fixture_t fx;
    hooked_init(&fx);
    sc->setup(&fx);
    reentry_arm(&hook, &fx.vmm, k, n);
    uint64_t value = 0;
    vmm_status_t st = sc->op(&fx, &value);
    bool fired = hook.fired != 0;
    CHECK(hook.wrong == 0);
    if (hook.wrong != 0)
        fprintf(stderr, "  %s\n", hook.first_wrong);
    reentry_arm(&hook, &fx.vmm, -1, -1);
    CHECK(vmm_index_check(&fx.vmm));
    outcome_take(&fx, st, value, o);
    CHECK(fx_destroy(&fx)); /* nothing leaked, every frame back */
    return fired;
}

/* Every scenario, every callback kind, every call of it: refused inside,
 * unharmed outside. */
static void test_reentry_everywhere(void)
{
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        const scenario_t *sc = &scenarios[i];
        outcome_t plain;
        run(sc, -1, -1, &plain);
        CHECK(plain.st == VMM_OK);
        size_t points = 0;
        for (int k = 0; k < REENTRY_KINDS; k++) {
            for (long n = 0;; n++) {
                outcome_t got;
                int before = check_failures;
                bool fired = run(sc, k, n, &got);
                if (!fired) {
                    free(got.bits);
                    break;
                }
                points++;
                CHECK(outcome_same(&got, &plain, BITMAP_WORDS(PAGES)));
                if (check_failures != before)
                    fprintf(stderr, "  %s: re-entered at %s call %ld\n", sc->name,
                            reentry_kind_name(k), n);
                free(got.bits);
            }
        }
        fprintf(stderr, "  %-14s %zu callback points re-entered\n", sc->name, points);
        CHECK(points > 0);
        free(plain.bits);
    }
}

/* The review's case: an allocator that reserves on the same VMM while
 * vmm_reserve is running got the very range the outer call then returned. */
static void test_reserve_inside_allocator(void)
{
    vmm_fixture_t fx;
    hooked_init(&fx);
    reentry_arm(&hook, &fx.vmm, REENTRY_ALLOC, 0);
    uint64_t v = 0;
    CHECK_OK(vmm_reserve(&fx.vmm, 1, K4, RW, 0, &v));
    CHECK(hook.fired == 1 && hook.wrong == 0 && hook.refused > 0);
    CHECK(vmm_record_count(&fx.vmm) == 1 && vmm_find_record(&fx.vmm, v) != NULL);
    CHECK(vmm_index_check(&fx.vmm));
    CHECK(fx_destroy(&fx));
}

/* Outside any call the guard is down: a vmm_t is busy only inside one, and
 * a call that failed (nothing changed) leaves it down too. */
static void test_guard_down_between_calls(void)
{
    vmm_fixture_t fx;
    hooked_init(&fx);
    uint64_t v;
    CHECK_ERR(vmm_alloc(&fx.vmm, PAGES + 1u, RW, &v), VMM_ERR_NO_SPACE);
    CHECK(!fx.vmm.busy);
    fx.fa.countdown = 0;
    CHECK_ERR(vmm_reserve(&fx.vmm, 4, K4, RW, 0, &v), VMM_ERR_OUT_OF_MEMORY);
    CHECK(!fx.vmm.busy);
    CHECK_OK(vmm_reserve(&fx.vmm, 4, K4, RW, 0, &v));
    CHECK_OK(vmm_release(&fx.vmm, v));
    CHECK(!fx.vmm.busy);
    CHECK(fx_destroy(&fx));
}

int main(void)
{
    RUN(test_reentry_everywhere);
    RUN(test_reserve_inside_allocator);
    RUN(test_guard_down_between_calls);
    return check_exit();
}
