/*
 * run_scenarios.c - runs scenario files (emu/scenarios/NAME.emu) and prints
 * many accesses were checked and how fast.
 *
 *   emu_scenarios FILE|DIR...
 * Exits 0 when every scenario passed, 1 otherwise.
 */
#define _DEFAULT_SOURCE /* scandir, alphasort */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/fault.h"
#include "probe.h"
#include "scenario.h"

/* Seconds on a monotonic clock. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned failed_files; /* scenario files that failed */

/* Runs path (a file, or the *.emu files of a directory). */
static unsigned run_path(const char *path, scenario_totals_t *tot, unsigned *files)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        struct dirent **names;
        int n = scandir(path, &names, NULL, alphasort);
        unsigned bad = n < 0;
        for (int i = 0; i < n; i++) {
            const char *name = names[i]->d_name;
            size_t len = strlen(name);
            if (len > 4 && strcmp(name + len - 4, ".emu") == 0) {
                char full[4096];
                snprintf(full, sizeof(full), "%s/%s", path, name);
                bad += run_path(full, tot, files);
            }
            free(names[i]);
        }
        free(names);
        return bad;
    }
    ++*files;
    unsigned bad = scenario_run_file(path, tot);
    fprintf(stderr, "%-50s %s\n", path, bad ? "FAILED" : "ok");
    failed_files += bad != 0;
    return bad;
}

int main(int argc, char **argv)
{
    scenario_totals_t tot = {0};
    unsigned files = 0, bad = 0;
    double t0 = now();
    for (int i = 1; i < argc; i++)
        bad += run_path(argv[i], &tot, &files);
    double dt = now() - t0;
    const world_stats_t *s = &tot.stats;
    printf("emu scenarios: %u file(s), %u command(s), %llu translations checked, "
           "%llu emulated accesses, %llu faults decided, %llu demand faults resolved, "
           "%llu mismatches, %.2f s\n", files, tot.commands,
           (unsigned long long)s->translations, (unsigned long long)s->accesses,
           (unsigned long long)s->faults_decided, (unsigned long long)s->demand_resolved,
           (unsigned long long)s->mismatches, dt);
    printf("#PF error codes observed:");
    for (unsigned code = 0; code < 32; code++)
        if (s->error_bits_seen & PROBE_SEEN_BIT(code))
            printf(" %#x", code);
    printf("\nfault verdicts observed:");
    for (int v = 0; v < VMM_FAULT_KIND_COUNT; v++)
        if (s->verdicts_seen & PROBE_SEEN_BIT(v))
            printf(" \"%s\"", vmm_fault_name((vmm_fault_kind_t)v));
    printf("\n%u passed, %u failed\n", files - failed_files, failed_files);
    return files == 0 || bad != 0;
}
