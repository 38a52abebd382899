/*
 * check.h - the unit tests' assertions. A failed CHECK prints where and what,
 * counts the failure and goes on; CHECK_OK / CHECK_ERR compare statuses by
 * name. check_exit() ends a test binary: exit 1 if anything failed.
 */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include "core/status.h"

extern int check_failures;
extern int check_count;

#define CHECK(cond)                                                          \
    do {                                                                     \
        check_count++;                                                       \
        if (!(cond)) {                                                       \
            check_failures++;                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
        }                                                                    \
    } while (0)

#define CHECK_ERR(expr, expected)                                            \
    do {                                                                     \
        vmm_status_t check_got_ = (expr);                                    \
        check_count++;                                                       \
        if (check_got_ != (expected)) {                                      \
            check_failures++;                                                \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s\n", __FILE__, \
                    __LINE__, #expr, vmm_strerror(check_got_),               \
                    vmm_strerror(expected));                                 \
        }                                                                    \
    } while (0)

#define CHECK_OK(expr) CHECK_ERR(expr, VMM_OK)

/* Runs a test function, printing its name. */
#define RUN(test)                                  \
    do {                                           \
        int before_ = check_failures;              \
        test();                                    \
        fprintf(stderr, "%-50s %s\n", #test,       \
                check_failures == before_ ? "ok" : "FAILED"); \
    } while (0)

/* Prints the totals; returns the process exit status. */
int check_exit(void);

#endif
