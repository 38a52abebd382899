/*
 * fuzz_check.h - what a fuzz target reports: the op listing (trace) and the
 * checks whose failure is a finding.
 *
 * A failed FUZZ_CHECK prints the name of the check, the op being run (number
 * and name) and a message, then aborts: libFuzzer and AFL++ see a crash, the
 * replayer a non-zero exit. The harness (not the core) keeps the little global
 * state this needs: the trace switch and the current op.
 */
#ifndef HARNESS_FUZZ_CHECK_H
#define HARNESS_FUZZ_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"

/* Turns the op listing on (replayer -v, repro) or off (fuzzing). */
void fuzz_set_trace(bool on);
bool fuzz_tracing(void);

/* Marks the start of op number index named name (a string literal). */
void fuzz_op_begin(unsigned index, const char *name);

/* Prints one line of the op listing (only when tracing). */
void fuzz_trace_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define TRACE(...)                      \
    do {                                \
        if (fuzz_tracing())             \
            fuzz_trace_line(__VA_ARGS__); \
    } while (0)

/* Reports a broken check and aborts. Never returns. */
_Noreturn void fuzz_fail(const char *check, const char *file, int line,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* How many FUZZ_CHECKs the inputs ran in this process (the replayer
 * prints it and fails on 0: a harness that checks nothing passes every
 * input). */
extern unsigned long long fuzz_checks_run;

/* FUZZ_CHECK(cond, "check-name", "printf message", ...): aborts when !cond. */
#define FUZZ_CHECK(cond, check, ...)                                 \
    do {                                                             \
        fuzz_checks_run++;                                           \
        if (!(cond))                                                 \
            fuzz_fail(check, __FILE__, __LINE__, __VA_ARGS__);       \
    } while (0)

/* Checks that got == want (statuses), naming both on failure. */
#define FUZZ_CHECK_STATUS(got, want, check)                                  \
    FUZZ_CHECK((got) == (want), check, "returned %s, model expects %s",      \
               vmm_strerror(got), vmm_strerror(want))

/* Returns vmm_strerror(s) without the "VMM_ERR_" prefix, for listings. */
const char *fuzz_status(vmm_status_t s);

#endif
