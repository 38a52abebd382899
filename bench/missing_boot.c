/* missing_boot.c - linked instead of bench_boot.c while core/x86_64/boot.c
 * is absent. */
#include "bench.h"

void bench_boot(const bench_opts_t *opts)
{
    (void)opts;
    bench_row_missing("boot init 1G/64G/1T", "core/x86_64/boot.c missing");
}
