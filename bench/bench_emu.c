/*
 * bench_emu.c - vmm_bench_emu: Unicorn checked translations per second.
 *
 * The core maps every other 4 KiB page of a 16 MiB range (x86_map, in a
 * hostmem buffer that the emulator uses as physical memory). Each probe is a
 * random CPL0 read: Unicorn's MMU (uc_vmem_translate, and real load snippets)
 * must agree with the core's software walk (x86_translate): same physical
 * address and byte when mapped, #PF with error code 0 and CR2 = address when
 * not. The baseline is x86_translate alone on the same probes.
 *
 *   vmm_bench_emu [--smoke]     exit 1 on a disagreement, 2 on setup errors
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "core/pmm.h"
#include "core/x86_64/paging.h"
#include "hostmem.h"
#include "machine.h"

#define HOST_BASE ((uint64_t)0x100000)
#define HOST_BYTES ((uint64_t)48 << 20)
#define VIRT_BASE ((uint64_t)0x0000008000000000)
#define TARGET_PAGES 4096u                 /* 16 MiB of probed range */
#define ATTRS (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)
#define TRANSLATE_BUDGET_NS 1500000000ull
#define SNIPPET_BUDGET_NS 1500000000ull

typedef struct emu_bench {
    hostmem_t hm;
    x86_paging_t pt;
    uint64_t target_phys;   /* first frame of the mapped targets */
    emu_machine_t *m;
} emu_bench_t;

/* Maps the machine's auxiliary pages with the attributes machine.h asks. */
static bool map_aux(x86_paging_t *pt)
{
    static const vmm_attrs_t attrs[EMU_AUX_PAGES] = {
        [EMU_AUX_CODE] = VMM_ATTR_EXECUTABLE | VMM_ATTR_CACHABLE,
        [EMU_AUX_GDT] = VMM_ATTR_KERNEL | VMM_ATTR_CACHABLE,
        [EMU_AUX_STACK] = VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE,
    };
    for (int i = 0; i < EMU_AUX_PAGES; i++)
        if (x86_map(pt, EMU_AUX_VA + (uint64_t)i * VMM_PAGE_SIZE,
                    emu_aux_phys((emu_aux_page_t)i), VMM_PAGE_SIZE,
                    VMM_SIZE_4K, attrs[i]) != VMM_OK)
            return false;
    return true;
}

/* Builds tables, targets and the machine; false (with a message) on error. */
static bool setup(emu_bench_t *b)
{
    if (!hostmem_init(&b->hm, HOST_BASE, HOST_BYTES) ||
        x86_paging_init(&b->pt, &b->hm.frames, b->hm.access_offset) != VMM_OK ||
        pmm_alloc_contiguous(&b->hm.pmm, TARGET_PAGES, 1, &b->target_phys) != VMM_OK) {
        fprintf(stderr, "bench_emu: host setup failed\n");
        return false;
    }
    for (uint64_t p = 0; p < TARGET_PAGES; p += 2)
        if (x86_map(&b->pt, VIRT_BASE + p * VMM_PAGE_SIZE,
                    b->target_phys + p * VMM_PAGE_SIZE, VMM_PAGE_SIZE,
                    VMM_SIZE_4K, ATTRS) != VMM_OK) {
            fprintf(stderr, "bench_emu: x86_map failed\n");
            return false;
        }
    uint8_t *t = hostmem_ptr(&b->hm, b->target_phys);
    for (uint64_t i = 0; i < TARGET_PAGES * VMM_PAGE_SIZE; i++)
        t[i] = (uint8_t)(i * 131u + (i >> 12));
    if (!map_aux(&b->pt)) {
        fprintf(stderr, "bench_emu: mapping the auxiliary pages failed\n");
        return false;
    }
    b->m = emu_open(b->hm.buf, b->hm.base, b->hm.size);
    if (b->m == NULL || !emu_start(b->m, b->pt.pml4)) {
        fprintf(stderr, "bench_emu: the emulated machine did not start\n");
        return false;
    }
    return true;
}

/* Returns true when the emulator's outcome for a CPL0 read of va agrees
 * with the core's walk (and, for snippets, the byte loaded). */
static bool agrees(const emu_bench_t *b, uint64_t va, const emu_outcome_t *o,
                   bool snippet)
{
    x86_walk_t w;
    if (x86_translate(&b->pt, va, &w) != VMM_OK)
        return o->vector == EMU_VEC_PF && o->error_code == 0 && o->cr2 == va;
    if (o->vector != EMU_VEC_NONE)
        return false;
    if (snippet)
        return o->data == *(const uint8_t *)hostmem_ptr(&b->hm, w.phys);
    return o->phys == w.phys;
}

/* Runs probes until budget_ns (or max); returns probes per second. */
static double probe_rate(emu_bench_t *b, bool snippet, uint64_t max,
                         uint64_t budget_ns, uint64_t seed)
{
    bench_rng_t rng;
    bench_rng_seed(&rng, seed);
    uint64_t n = 0, t0 = bench_now_ns(), t = t0;
    while (n < max && (budget_ns == 0 || t - t0 < budget_ns)) {
        uint64_t va = VIRT_BASE + bench_rng_range(&rng, 0, TARGET_PAGES * VMM_PAGE_SIZE - 1u);
        emu_outcome_t o;
        if (snippet)
            emu_access(b->m, EMU_CPL0, va, EMU_READ, 0, UINT64_MAX, &o);
        else
            emu_translate(b->m, EMU_CPL0, va, EMU_READ, &o);
        if (!agrees(b, va, &o, snippet))
            bench_fail("%s of %#llx: emulator and core disagree (vector %d)",
                       snippet ? "snippet" : "translate",
                       (unsigned long long)va, o.vector);
        if (++n % 64 == 0)
            t = bench_now_ns();
    }
    return (double)n / ((double)(bench_now_ns() - t0) / 1e9);
}

/* Returns the core's x86_translate rate on the same kind of probes. */
static double core_rate(const emu_bench_t *b, uint64_t count)
{
    bench_rng_t rng;
    bench_rng_seed(&rng, 7);
    uint64_t mapped = 0, t0 = bench_now_ns();
    for (uint64_t i = 0; i < count; i++) {
        x86_walk_t w;
        uint64_t va = VIRT_BASE + bench_rng_range(&rng, 0, TARGET_PAGES * VMM_PAGE_SIZE - 1u);
        mapped += x86_translate(&b->pt, va, &w) == VMM_OK;
    }
    double rate = (double)count / ((double)(bench_now_ns() - t0) / 1e9);
    if (mapped == 0 || mapped == count)
        bench_fail("core probes: %llu of %llu mapped, expected about half",
                   (unsigned long long)mapped, (unsigned long long)count);
    return rate;
}

int main(int argc, char **argv)
{
    bool smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
    emu_bench_t b;
    memset(&b, 0, sizeof b);
    if (!setup(&b))
        return 2;
    double tr = probe_rate(&b, false, smoke ? 2000 : UINT64_MAX,
                           smoke ? 0 : TRANSLATE_BUDGET_NS, 1);
    double sn = probe_rate(&b, true, smoke ? 500 : UINT64_MAX,
                           smoke ? 0 : SNIPPET_BUDGET_NS, 2);
    double core = core_rate(&b, smoke ? 10000 : 4000000);
    char v[32], c[32], base[64];
    snprintf(base, sizeof base, "core x86_translate %s", bench_fmt_rate(c, sizeof c, core));
    bench_row("Unicorn uc_vmem_translate, checked vs core walk",
              bench_fmt_rate(v, sizeof v, tr), base, tr / core,
              "random CPL0 reads, half unmapped");
    bench_row("Unicorn load snippets, checked vs core walk",
              bench_fmt_rate(v, sizeof v, sn), base, sn / core,
              "uc_emu_start per access");
    emu_close(b.m);
    x86_paging_destroy(&b.pt);
    hostmem_destroy(&b.hm);
    return bench_failures() ? 1 : 0;
}
