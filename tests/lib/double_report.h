/*
 * double_report.h - how the test doubles (fail_alloc, fail_frames,
 * frame_pool, rec_mapper) report a misuse by the code under test (a double
 * free, a wrong size, a foreign pointer): a named check and a message, then
 * abort. Tests keep the default (print to stderr, abort); a fuzz harness
 * installs its own reporter, which names the op being run before it aborts.
 */
#ifndef TESTS_DOUBLE_REPORT_H
#define TESTS_DOUBLE_REPORT_H

#include <stdbool.h>

/* A reporter: must not return. */
typedef void (*double_reporter_t)(const char *check, const char *msg);

/* Installs fn (NULL: the default). */
void double_set_reporter(double_reporter_t fn);

/* Reports a broken check through the reporter and aborts. Never returns. */
_Noreturn void double_fail(const char *check, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The one-shot countdown every double arms: returns true when this call
 * must fail (*countdown was 0; it becomes -1), else counts down (-1: never
 * fails). Inline, so a double that reports nothing (fail_frames) needs no
 * stdio and builds freestanding (the kernel's self-tests link it). */
static inline bool double_countdown(long *countdown)
{
    if (*countdown == 0) {
        *countdown = -1;
        return true;
    }
    if (*countdown > 0)
        (*countdown)--;
    return false;
}

/* DOUBLE_CHECK(cond, "check-name", "printf message", ...). */
#define DOUBLE_CHECK(cond, check, ...)       \
    do {                                     \
        if (!(cond))                         \
            double_fail(check, __VA_ARGS__); \
    } while (0)

#endif
