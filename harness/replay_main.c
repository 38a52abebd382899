/*
 * replay_main.c - the plain replayer: runs a fuzz target's
 * LLVMFuzzerTestOneInput on files and directories, with any compiler and no
 * fuzzing engine (ctest label regress, ./fuzz.sh repro).
 *
 *   replay_<target> [-v] FILE|DIR...
 *   replay_<target> -b ROUNDS FILE|DIR...
 *   replay_<target> -h | --help
 *   -v   print the decoded op listing of every input
 *   -b   benchmark: load the inputs, run them all ROUNDS times, print the
 *        CPU time per input (getrusage, user + system; file I/O excluded)
 *   --   ends the options (a file whose name starts with '-')
 * Exits 0 when every input ran (a failed check aborts), 1 on a usage or I/O
 * error (an unknown option, -b without a positive ROUNDS, a path that is
 * neither a regular file nor a directory: a FIFO or a device would block or
 * never end) or when no input was found; -h: the usage on stdout, 0.
 */
#define _DEFAULT_SOURCE /* mmap flags, scandir, posix_memalign */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Larger files are refused (libFuzzer runs a file whole, whatever its
 * -max_len: so does this, up to this bound). */
#define REPLAY_MAX_INPUT ((size_t)64 << 20)
#define BENCH_MAX_INPUTS 100000u

typedef struct input {
    uint8_t *data;
    size_t size;
} input_t;

/* Inputs loaded by -b (bench mode); NULL: run each file as it is read. */
static input_t *bench_inputs;
static unsigned bench_count;

/* Runs the target on one file. Returns 0, or 1 when it cannot be read. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        perror(path);
        if (f)
            fclose(f);
        return 1;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > REPLAY_MAX_INPUT) {
        fprintf(stderr, "%s: %lld bytes, more than %zu MiB: not a fuzz input, not replayed\n", path,
                (long long)st.st_size, REPLAY_MAX_INPUT >> 20);
        fclose(f);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    /* Exactly the input's size, so ASan sees reads past its end. */
    uint8_t *input = malloc(size ? size : 1);
    size_t n = input ? fread(input, 1, size, f) : 0;
    fclose(f);
    if (!input || n != size) {
        fprintf(stderr, "%s: read error\n", path);
        free(input);
        return 1;
    }
    if (bench_inputs) {
        if (bench_count == BENCH_MAX_INPUTS) {
            fprintf(stderr, "%s: more than %u inputs\n", path, BENCH_MAX_INPUTS);
            free(input);
            return 1;
        }
        bench_inputs[bench_count++] = (input_t){ input, n };
        return 0;
    }
    if (fuzz_tracing())
        printf("=== %s (%zu bytes)\n", path, n);
    LLVMFuzzerTestOneInput(input, n);
    free(input);
    return 0;
}

/* Returns the CPU time (user + system) of the process so far, in us. */
static double cpu_us(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* Runs the loaded inputs rounds times (one warm-up round first, not
 * counted) and prints the CPU time per input. */
static void bench_run(unsigned rounds)
{
    for (unsigned i = 0; i < bench_count; i++)
        LLVMFuzzerTestOneInput(bench_inputs[i].data, bench_inputs[i].size);
    double start = cpu_us();
    for (unsigned r = 0; r < rounds; r++)
        for (unsigned i = 0; i < bench_count; i++)
            LLVMFuzzerTestOneInput(bench_inputs[i].data, bench_inputs[i].size);
    double per = (cpu_us() - start) / ((double)rounds * bench_count);
    printf("bench: %u inputs x %u rounds: %.1f us CPU/input (%.0f inputs/s per core)\n",
           bench_count, rounds, per, per > 0 ? 1e6 / per : 0.0);
    for (unsigned i = 0; i < bench_count; i++)
        free(bench_inputs[i].data);
    free(bench_inputs);
}

/* Replays path (file or directory, not recursive). Adds the inputs run to
 * *count. Returns 0 or 1 on error. */
static int replay_path(const char *path, unsigned *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
        /* a FIFO would block the open, a device never end: refused */
        fprintf(stderr, "%s: not a regular file or a directory: not replayed\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        ++*count;
        return replay_file(path);
    }
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        perror(path);
        return 1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", path, names[i]->d_name);
        if (names[i]->d_name[0] != '.' && stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
            ++*count;
            rc |= replay_file(full);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

/* Prints the usage to f. */
static void usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s [-v | -b ROUNDS] [--] FILE|DIR...\n"
            "  replays fuzz inputs (files, or every regular file of a directory)\n"
            "  -v         print the decoded op listing of every input\n"
            "  -b ROUNDS  benchmark: run the loaded inputs ROUNDS times (ROUNDS > 0)\n"
            "  -h, --help this text\n"
            "exit 0: every input ran and passed its checks; 1: a usage or I/O error,\n"
            "or no input found (a failed check aborts)\n",
            prog);
}

int main(int argc, char **argv)
{
    unsigned count = 0, rounds = 0;
    int rc = 0;
    int first = 1;
    bool trace = false;
    for (; first < argc && argv[first][0] == '-' && argv[first][1] != '\0'; first++) {
        const char *opt = argv[first];
        if (strcmp(opt, "--") == 0) {
            first++;
            break;
        }
        if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            usage(stdout, argv[0]);
            return 0;
        }
        if (strcmp(opt, "-v") == 0 && rounds == 0) {
            trace = true;
            continue;
        }
        if (strcmp(opt, "-b") == 0 && !trace && rounds == 0) {
            char *end = NULL;
            unsigned long r = 0;
            if (first + 1 < argc && argv[first + 1][0] >= '0' && argv[first + 1][0] <= '9')
                r = strtoul(argv[first + 1], &end, 10);
            if (r == 0 || r > 1000000000ul || end == NULL || *end != '\0') {
                fprintf(stderr, "%s: -b needs a number of rounds (1 .. 10^9), got %s%s%s\n",
                        argv[0], first + 1 < argc ? "'" : "",
                        first + 1 < argc ? argv[first + 1] : "nothing",
                        first + 1 < argc ? "'" : "");
                usage(stderr, argv[0]);
                return 1;
            }
            rounds = (unsigned)r;
            first++;
            continue;
        }
        if (strcmp(opt, "-b") == 0 && rounds != 0)
            fprintf(stderr, "%s: -b given twice\n", argv[0]);
        else if (strcmp(opt, "-v") == 0 || strcmp(opt, "-b") == 0)
            fprintf(stderr, "%s: -v and -b do not go together\n", argv[0]);
        else
            fprintf(stderr, "%s: unknown option '%s' (a file named so: put -- before it)\n",
                    argv[0], opt);
        usage(stderr, argv[0]);
        return 1;
    }
    if (first >= argc) {
        fprintf(stderr, "%s: no FILE or DIR given\n", argv[0]);
        usage(stderr, argv[0]);
        return 1;
    }
    if (trace)
        fuzz_set_trace(true);
    if (rounds != 0) {
        bench_inputs = calloc(BENCH_MAX_INPUTS, sizeof *bench_inputs);
        if (!bench_inputs) {
            fprintf(stderr, "%s: out of memory\n", argv[0]);
            return 1;
        }
    }
    for (int i = first; i < argc; i++)
        rc |= replay_path(argv[i], &count);
    if (bench_inputs && !rc && count)
        bench_run(rounds);
    if (!rc && count && fuzz_checks_run == 0) {
        /* a hollow harness (its driver or checks cut out) passes anything */
        fprintf(stderr, "replayed %u input(s) but not one check ran: the target checks nothing\n",
                count);
        return 1;
    }
    fprintf(stderr, "replayed %u input(s), %llu checks: %s\n", count, fuzz_checks_run,
            rc ? "I/O errors" : count ? "all checks passed" : "none found");
    return rc || count == 0;
}
