/*
 * fuzz_driver.h - the one loop every fuzz target runs (libxml2 fuzz/api.c
 * style): configuration bytes, then ops, each followed by its checks, then
 * the full check, then a reset that makes the next input run as if it were
 * the first (findings reproduce alone).
 *
 * A target supplies its op table (fuzz_ops.h) and these hooks, and defines
 * its entry point with FUZZ_TARGET(target):
 *   create       once per process: the state, the doubles (arena, pool);
 *   setup        reads the configuration (which allocation / frame call
 *                fails first, the window...) and builds what the ops drive;
 *                false: nothing to run (setup checked what there was);
 *   run_op       decodes one op's arguments, runs it, judges its result
 *                against the model;
 *   check_op     after every op, at a cost proportional to what the op
 *                touched (NULL: none);
 *   check_final  at the end of the input: every structure in full;
 *   reset        undoes the input (after setup, whatever it returned);
 *   spent        true when the ops so far used up the target's work budget
 *                (pages mapped, frames taken...): the program ends there,
 *                like at max_ops (NULL: no budget).
 * At most max_ops ops run (FUZZ_MAX_OPS; 0: a configuration, no program).
 */
#ifndef HARNESS_FUZZ_DRIVER_H
#define HARNESS_FUZZ_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fail_frames.h"
#include "frame_pool.h"
#include "fuzz_data.h"
#include "fuzz_ops.h"

typedef struct fuzz_target {
    const fuzz_op_desc_t *ops;
    unsigned nops;
    unsigned max_ops;
    void *(*create)(void);
    bool (*setup)(void *state, fuzz_data_t *fd);
    void (*run_op)(void *state, fuzz_data_t *fd, unsigned op);
    void (*check_op)(void *state);
    void (*check_final)(void *state);
    void (*reset)(void *state);
    bool (*spent)(const void *state);
} fuzz_target_t;

/* Runs one input through target t. Returns 0 (a failed check aborts). */
int fuzz_drive(const fuzz_target_t *t, const uint8_t *data, size_t size);

/* Returns the countdown a configuration byte arms: 0 none (-1), else the
 * allocation number v - 1 (from 0) fails. */
long fuzz_fail_countdown(uint8_t v);

/* Defines the engine's entry point for target t. */
#define FUZZ_TARGET(t)                                                 \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);      \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)       \
    {                                                                  \
        return fuzz_drive(&(t), data, size);                           \
    }

/* Creates a frame pool of nframes frames at physical base behind ff, a
 * fail_frames that fails allocations only (claims are the models' to
 * judge): fail_frames_iface(ff) is the targets' frame source. */
void fuzz_frames_create(frame_pool_t *pool, fail_frames_t *ff, uint64_t base, size_t nframes);

#endif
