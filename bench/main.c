/*
 * main.c - vmm_bench: prints the core's figures as Markdown table rows.
 *
 *   vmm_bench [--smoke] [--max-log2 N] [--only GROUP] [--skip GROUP]...
 *             [--header]            GROUP: contig|vmm|paging|boot
 *   vmm_bench --icount first|next|pluto|hbitmap|reserve|reserve-2m|alloc LOG2 ITERS
 *
 * --icount runs one allocator without timing, for callgrind (bench.h).
 * --skip leaves a group out (run.sh runs contig and vmm in processes of
 * their own, then every other group with --skip contig --skip vmm).
 * --smoke runs tiny sizes with every cross-check (what ctest runs). Exit 1
 * when a cross-check failed, 2 on a usage or host error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

typedef struct group {
    const char *name;
    void (*run)(const bench_opts_t *opts);
} group_t;

static const group_t groups[] = {
    {"contig", bench_contig},
    {"vmm", bench_vmm},
    {"paging", bench_paging},
    {"boot", bench_boot},
};

/* Prints usage and returns 2. */
static int usage(void)
{
    fprintf(stderr, "usage: vmm_bench [--smoke] [--max-log2 N] "
                    "[--only GROUP] [--skip GROUP]... [--header]\n"
                    "       GROUP: contig|vmm|paging|boot\n"
                    "       vmm_bench --icount first|next|pluto|hbitmap|reserve|reserve-2m|alloc "
                    "LOG2 ITERS\n");
    return 2;
}

/* Returns true when name is one of the n names of list. */
static bool listed(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

/* Returns true when name is the name of a figure group. */
static bool is_group(const char *name)
{
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        if (strcmp(groups[g].name, name) == 0)
            return true;
    return false;
}

/* Prints the table header. */
static void print_header(void)
{
    printf("| Figure | Core | Baseline (same run) | Ratio | Note |\n");
    printf("| --- | --- | --- | --- | --- |\n");
}

int main(int argc, char **argv)
{
    bench_opts_t opts = {false, 24, NULL};
    bool header = false;
    const char *skip[sizeof groups / sizeof groups[0]];
    size_t nskip = 0;
    if (argc == 5 && strcmp(argv[1], "--icount") == 0) {
        unsigned log2 = (unsigned)strtoul(argv[3], NULL, 10);
        uint64_t iters = strtoull(argv[4], NULL, 10);
        if (log2 < 8 || log2 > 30 || iters == 0)
            return usage();
        if (!bench_icount_bitmap(argv[2], log2, iters) &&
            !bench_icount_vmm(argv[2], log2, iters))
            return usage();
        return bench_failures() ? 1 : 0;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--smoke") == 0)
            opts.smoke = true;
        else if (strcmp(argv[i], "--header") == 0)
            header = true;
        else if (strcmp(argv[i], "--max-log2") == 0 && i + 1 < argc)
            opts.max_log2 = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            opts.only = argv[++i];
        else if (strcmp(argv[i], "--skip") == 0 && i + 1 < argc && nskip < sizeof skip / sizeof skip[0])
            skip[nskip++] = argv[++i];
        else
            return usage();
    }
    for (size_t k = 0; k < nskip; k++) /* a misspelt group would run unnoticed */
        if (!is_group(skip[k]))
            return usage();
    if (header)
        print_header();
    bool found = false;
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        if ((opts.only && strcmp(opts.only, groups[g].name) != 0) ||
            listed(skip, nskip, groups[g].name))
            continue;
        found = true;
        groups[g].run(&opts);
    }
    if (!found)
        return usage();
    if (bench_failures()) {
        fprintf(stderr, "bench: %d cross-check(s) failed\n", bench_failures());
        return 1;
    }
    return 0;
}
