/*
 * afl_main.c - AFL++ persistent-mode driver for a target's
 * LLVMFuzzerTestOneInput (shared-memory test cases, __AFL_LOOP). Built only
 * with afl-clang-fast, which defines the __AFL_* macros. Given file
 * arguments it replays them instead (afl-cmin, afl-tmin and crash triage).
 */
#define _DEFAULT_SOURCE /* mmap flags, scandir, posix_memalign */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define AFL_LOOP_COUNT 100000 /* inputs per fork before restarting */
#define AFL_FILE_MAX (1u << 20)

__AFL_FUZZ_INIT();

/* Runs the target once on a file (afl-cmin / afl-tmin / triage). */
static void run_file(const char *path)
{
    static uint8_t buf[AFL_FILE_MAX];
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
}

int main(int argc, char **argv)
{
    __AFL_INIT(); /* the fork server starts here (deferred) */
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            run_file(argv[i]);
        return 0;
    }
    const uint8_t *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(AFL_LOOP_COUNT)) {
        size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
        LLVMFuzzerTestOneInput(buf, len);
    }
    return 0;
}
