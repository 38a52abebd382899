/*
 * replay_main.c - the plain replayer: runs a fuzz target's
 * LLVMFuzzerTestOneInput on files and directories, with any compiler and no
 * fuzzing engine (ctest label regress, ./fuzz.sh repro).
 *
 *   replay_<target> [-v] FILE|DIR...
 *   -v   print the decoded op listing of every input
 * Exits 0 when every input ran (a failed check aborts), 1 on a usage or I/O
 * error or when no input was found.
 */
#define _DEFAULT_SOURCE /* mmap flags, scandir, posix_memalign */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (1u << 20) /* larger files are not fuzz inputs */

/* Runs the target on one file. Returns 0, or 1 when it cannot be read. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0 || st.st_size < 0 ||
        (size_t)st.st_size > REPLAY_MAX_INPUT) {
        perror(path);
        if (f)
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
    if (fuzz_tracing())
        printf("=== %s (%zu bytes)\n", path, n);
    LLVMFuzzerTestOneInput(input, n);
    free(input);
    return 0;
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

int main(int argc, char **argv)
{
    unsigned count = 0;
    int rc = 0;
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        fuzz_set_trace(true);
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: %s [-v] FILE|DIR...\n", argv[0]);
        return 1;
    }
    for (int i = first; i < argc; i++)
        rc |= replay_path(argv[i], &count);
    fprintf(stderr, "replayed %u input(s): %s\n", count,
            rc ? "I/O errors" : count ? "all checks passed" : "none found");
    return rc || count == 0;
}
