/* missing_vmm.c - linked instead of bench_vmm.c while core/vmm.c is absent. */
#include "bench.h"

void bench_vmm(const bench_opts_t *opts)
{
    (void)opts;
    bench_row_missing("VMM alloc/free and reserve/release", "core/vmm.c missing");
}

/* No VMM yet: no instruction counts for it. */
bool bench_icount_vmm(const char *what, unsigned log2, uint64_t iters)
{
    (void)what, (void)log2, (void)iters;
    return false;
}
