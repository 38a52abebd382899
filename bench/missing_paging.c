/* missing_paging.c - linked instead of bench_paging.c while
 * core/x86_64/paging.c is absent. */
#include "bench.h"

void bench_paging(const bench_opts_t *opts)
{
    (void)opts;
    bench_row_missing("map/unmap 4K/2M/1G, translate", "core/x86_64/paging.c missing");
}
