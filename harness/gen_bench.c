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
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_ops.h"
#include "xorshift.h"

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

/* Returns the next pseudo-random number (tests/lib/xorshift.h). */
static uint64_t next(uint64_t *rng) { return xorshift_below(rng, 0); }

/* A read_va argument (2 values): mostly the window start + a small slot. */
static unsigned va(uint64_t *v, uint64_t *rng)
{
    v[0] = PERCENT(rng, 85) ? 0 : (uint8_t)(next(rng) & VA_MODE_STRAY);
    v[1] = next(rng) % 600u;
    return 2;
}

/* attrs: valid bits, rarely a raw (maybe invalid) byte. */
static uint64_t attrs(uint64_t *rng)
{
    return PERCENT(rng, 3) ? next(rng) & 0xFFu : next(rng) & ATTR_VALID_BITS;
}

/* Appends one op with its arguments, encoded by the vmm table (fuzz_ops.h). */
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
    uint64_t v[FUZZ_OP_MAX_ARGS];
    unsigned n = 0;
    switch (code) {
    case VMM_OP_ALLOC: v[n++] = 1u + next(rng) % 16u; v[n++] = attrs(rng); break;
    case VMM_OP_SET:
        n += va(v, rng);
        v[n++] = 1u + next(rng) % 16u;
        v[n++] = next(rng) & 0x1u;                 /* with phys, well formed */
        v[n++] = 1024u + next(rng) % 16384u;
        v[n++] = attrs(rng);
        break;
    case VMM_OP_FREE: case VMM_OP_IS_SET: case VMM_OP_RELEASE: n += va(v, rng); break;
    case VMM_OP_RESERVE: case VMM_OP_CLAIM:
        if (code == VMM_OP_CLAIM)
            n += va(v, rng);
        v[n++] = 1u + next(rng) % 8u;
        v[n++] = PERCENT(rng, 80) ? 0 : PERCENT(rng, 90) ? 1 : 2; /* 4K, 2M, 1G */
        v[n++] = attrs(rng);
        v[n++] = next(rng) & 0x1u;                 /* LAZY */
        break;
    case VMM_OP_MAP_PAGE:
        v[n++] = next(rng) & 0x7Fu;
        v[n++] = next(rng) % 8u;
        v[n++] = PERCENT(rng, 70) ? 0 : 1;         /* pool or device frames */
        v[n++] = next(rng) % 4096u;
        v[n++] = attrs(rng);
        break;
    case VMM_OP_FAULT: n += va(v, rng); v[n++] = next(rng) & 0x1Fu; break;
    case VMM_OP_FREE_RECORD: case VMM_OP_RELEASE_RECORD: v[n++] = next(rng) & 0xFFu; break;
    case VMM_OP_FAULT_RECORD:
        v[n++] = next(rng) & 0x7Fu;
        v[n++] = next(rng) % 16u;
        v[n++] = next(rng) & 0x7u;                 /* P W U, no reserved bit */
        break;
    case VMM_OP_FAIL: v[n++] = next(rng) & FAIL_FRAMES; v[n++] = next(rng) % 8u; break;
    default: break;
    }
    if (!fuzz_op_encode(fuzz_format("vmm"), code, v, n, p->buf, &p->len, BENCH_MAX)) {
        fprintf(stderr, "gen_bench: op %u disagrees with its table\n", code);
        exit(1);
    }
}

/* Builds program number k: the configuration, then BENCH_OPS ops. */
static void program(prog_t *p, uint64_t *rng)
{
    p->len = 0;
    uint64_t config[] = {
        next(rng) & 0xFFu,       /* window class + offset */
        64u + next(rng) % 4000u, /* window pages          */
        0, 0, 0,                 /* no alloc or frame failure, not paranoid */
    };
    fuzz_encode(VMM_CONFIG, config, 5, p->buf, &p->len, BENCH_MAX);
    for (unsigned i = 0; i < BENCH_OPS; i++)
        op(p, rng);
}

int main(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("usage: %s OUTDIR [N [SEED]]\n", argv[0]);
        return 0;
    }
    /* an option is no OUTDIR (it made a folder called "--bogus"); N and
     * SEED are whole numbers (strtoul took "x" for 0 inputs) */
    char *end = NULL;
    unsigned long count = DEFAULT_COUNT;
    uint64_t rng = DEFAULT_SEED;
    bool bad = argc < 2 || argc > 4 || argv[1][0] == '-' || argv[1][0] == '\0';
    if (!bad && argc > 2) {
        count = strtoul(argv[2], &end, 10);
        bad = argv[2][0] < '0' || argv[2][0] > '9' || *end != '\0' || count == 0;
    }
    if (!bad && argc > 3) {
        rng = strtoull(argv[3], &end, 10);
        bad = argv[3][0] < '0' || argv[3][0] > '9' || *end != '\0';
    }
    if (bad) {
        fprintf(stderr, "usage: %s OUTDIR [N [SEED]] (N > 0 inputs, SEED a number)\n", argv[0]);
        return 1;
    }
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
