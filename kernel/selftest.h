/*
 * selftest.h - the self-tests run after the CR3 switch, on the real
 * (emulated) MMU. Each prints one "TEST <name>: ok|FAILED" line.
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include <stdbool.h>

/* Runs every self-test (all of them, even after a failure); returns true
 * when all passed. */
bool selftest_run(void);

#endif
