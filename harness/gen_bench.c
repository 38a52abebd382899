/*
 * gen_bench.c - writes N pseudo-random 64-op programs for the `vmm` target,
 * the workload of the exec/s goal (issue 4): harness/bench-vmm.sh replays
 * them (CPU us/input) and runs libFuzzer on them (exec/s).
 *
 *   fuzz_gen_bench OUTDIR [N [SEED]]   writes OUTDIR/bench-NNNNN (N = 200)
 *
 * Every program has the 6 configuration bytes and exactly 64 ops with all
 * their argument bytes (fuzz_ops.h). Ops are drawn so that about half of
 * them succeed, as in a grown corpus: small allocations and reservations,
 * addresses near the window start, records picked by index; a few bad
 * arguments, failure injections and full checks. Same SEED, same bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_ops.h"

#define BENCH_OPS 64u
#define BENCH_MAX 1024u
#define DEFAULT_COUNT 200u
#define DEFAULT_SEED 4u
#define PERCENT(rng, p) (next(rng) % 100u < (p))
#define ATTR_VALID_BITS 0xFu   /* vmm.h: WRITABLE KERNEL CACHABLE EXECUTABLE */
#define VA_MODE_STRAY 0x3Fu    /* every read_va mode bit                    */
#define FAIL_FRAMES 0x1u

typedef struct prog {
    uint8_t buf[BENCH_MAX];
    size_t len;
} prog_t;

/* Returns the next xorshift64 value. */
static uint64_t next(uint64_t *rng)
{
    uint64_t x = *rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *rng = x;
}

/* Appends the low `bytes` bytes of v, little-endian. */
static void put(prog_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes && p->len < BENCH_MAX; i++)
        p->buf[p->len++] = (uint8_t)(v >> (8u * i));
}

/* Appends a read_va argument: mostly the window start + a small slot. */
static void va(prog_t *p, uint64_t *rng)
{
    uint8_t mode = PERCENT(rng, 85) ? 0 : (uint8_t)(next(rng) & VA_MODE_STRAY);
    put(p, mode, 1);
    put(p, next(rng) % 600u, 2);
}

/* Appends attrs: valid bits, rarely a raw (maybe invalid) byte. */
static void attrs(prog_t *p, uint64_t *rng)
{
    put(p, PERCENT(rng, 3) ? next(rng) & 0xFFu : next(rng) & ATTR_VALID_BITS, 1);
}

/* Appends one op with its arguments. */
static void op(prog_t *p, uint64_t *rng)
{
    static const uint8_t mix[] = {
        VMM_OP_ALLOC, VMM_OP_ALLOC, VMM_OP_ALLOC, VMM_OP_SET, VMM_OP_SET, VMM_OP_FREE,
        VMM_OP_IS_SET, VMM_OP_IS_SET, VMM_OP_RESERVE, VMM_OP_RESERVE, VMM_OP_CLAIM,
        VMM_OP_MAP_PAGE, VMM_OP_MAP_PAGE, VMM_OP_RELEASE, VMM_OP_FAULT,
        VMM_OP_FREE_RECORD, VMM_OP_FREE_RECORD, VMM_OP_RELEASE_RECORD,
        VMM_OP_FAULT_RECORD, VMM_OP_FAULT_RECORD, VMM_OP_FAULT_RECORD,
    };
    uint8_t code = mix[next(rng) % sizeof mix];
    if (PERCENT(rng, 1))
        code = VMM_OP_CHECK_ALL;
    else if (PERCENT(rng, 2))
        code = VMM_OP_FAIL;
    put(p, code, 1);
    switch (code) {
    case VMM_OP_ALLOC: put(p, 1u + next(rng) % 16u, 1); attrs(p, rng); break;
    case VMM_OP_SET:
        va(p, rng);
        put(p, 1u + next(rng) % 16u, 1);
        put(p, next(rng) & 0x1u, 1);            /* with phys, well formed */
        put(p, 1024u + next(rng) % 16384u, 2);
        attrs(p, rng);
        break;
    case VMM_OP_FREE: case VMM_OP_IS_SET: case VMM_OP_RELEASE: va(p, rng); break;
    case VMM_OP_RESERVE: case VMM_OP_CLAIM:
        if (code == VMM_OP_CLAIM)
            va(p, rng);
        put(p, 1u + next(rng) % 8u, 1);
        put(p, PERCENT(rng, 80) ? 0 : PERCENT(rng, 90) ? 1 : 2, 1); /* 4K, 2M, 1G */
        attrs(p, rng);
        put(p, next(rng) & 0x1u, 1);            /* LAZY */
        break;
    case VMM_OP_MAP_PAGE:
        put(p, next(rng) & 0x7Fu, 1);
        put(p, next(rng) % 8u, 2);
        put(p, PERCENT(rng, 70) ? 0 : 1, 1);    /* pool or device frames */
        put(p, next(rng) % 4096u, 2);
        attrs(p, rng);
        break;
    case VMM_OP_FAULT: va(p, rng); put(p, next(rng) & 0x1Fu, 1); break;
    case VMM_OP_FREE_RECORD: case VMM_OP_RELEASE_RECORD: put(p, next(rng), 1); break;
    case VMM_OP_FAULT_RECORD:
        put(p, next(rng) & 0x7Fu, 1);
        put(p, next(rng) % 16u, 2);
        put(p, next(rng) & 0x7u, 1);            /* P W U, no reserved bit */
        break;
    case VMM_OP_FAIL: put(p, next(rng) & FAIL_FRAMES, 1); put(p, next(rng) % 8u, 1); break;
    default: break;
    }
}

/* Builds program number k: the configuration, then BENCH_OPS ops. */
static void program(prog_t *p, uint64_t *rng)
{
    p->len = 0;
    put(p, next(rng) & 0xFFu, 1);               /* window class + offset */
    put(p, 64u + next(rng) % 4000u, 2);         /* window pages          */
    put(p, 0, 1);                               /* no alloc failure      */
    put(p, 0, 1);                               /* no frame failure      */
    put(p, 0, 1);                               /* flags: not paranoid   */
    for (unsigned i = 0; i < BENCH_OPS; i++)
        op(p, rng);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s OUTDIR [N [SEED]]\n", argv[0]);
        return 1;
    }
    unsigned long count = argc > 2 ? strtoul(argv[2], NULL, 10) : DEFAULT_COUNT;
    uint64_t rng = argc > 3 ? strtoull(argv[3], NULL, 10) : DEFAULT_SEED;
    rng = rng * 0x9E3779B97F4A7C15ull + 1u;
    if (mkdir(argv[1], 0755) != 0 && errno != EEXIST) {
        perror(argv[1]);
        return 1;
    }
    for (unsigned long k = 0; k < count; k++) {
        prog_t p;
        char path[4096];
        program(&p, &rng);
        snprintf(path, sizeof path, "%s/bench-%05lu", argv[1], k);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(p.buf, 1, p.len, f) != p.len || fclose(f) != 0) {
            perror(path);
            return 1;
        }
    }
    return 0;
}
