/*
 * gen_corpus.c - writes the seed corpora: small, meaningful programs in the
 * input format of fuzz_ops.h, one directory per target.
 *
 *   fuzz_gen_corpus OUTDIR     writes OUTDIR/<target>/seed-<name>
 *
 * The fuzzers start from these and merge only inputs that add coverage
 * (./fuzz.sh). Re-running the generator gives the same bytes.
 */
#define _DEFAULT_SOURCE /* fmemopen */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/x86_64/pte.h"
#include "fuzz_ops.h"

#define PROG_MAX 4096u
/* fd_index edge slots (fuzz_data.c): limit + 2 + k */
#define IDX_SIZE_MAX(limit) ((limit) + 2u)

typedef struct prog {
    uint8_t buf[PROG_MAX];
    size_t len;
} prog_t;

static const char *out_dir;

/* Appends the low `bytes` bytes of v, little-endian. */
static void put(prog_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        if (p->len < PROG_MAX)
            p->buf[p->len++] = (uint8_t)(v >> (8u * i));
    }
}
static void u8(prog_t *p, uint64_t v) { put(p, v, 1); }

/* Creates dir (and its parent) if missing. Exits on error. */
static void make_dir(const char *dir)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        perror(dir);
        exit(1);
    }
}

/* Writes p as OUTDIR/target/seed-name. Exits on error. */
static void save(const char *target, const char *name, const prog_t *p)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, target);
    make_dir(path);
    snprintf(path, sizeof path, "%s/%s/seed-%s", out_dir, target, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p->buf, 1, p->len, f) != p->len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* Returns the format (fuzz_ops.h) of target. Exits when there is none. */
static const fuzz_format_t *format(const char *target)
{
    const fuzz_format_t *f = fuzz_format(target);
    if (f)
        return f;
    fprintf(stderr, "gen_corpus: no format for %s\n", target);
    exit(1);
}

/* Exits naming what: a call of the seed encoders that disagrees with its
 * table (fuzz_ops.h) is a bug of this file. */
static void encode_failed(const char *what, const char *widths, unsigned n)
{
    fprintf(stderr, "gen_corpus: %s takes %zu values (\"%s\"), given %u (or no room)\n", what,
            strlen(widths), widths, n);
    exit(1);
}

/* Appends values v[0 .. n) with the widths in widths. */
static void put_widths(prog_t *p, const char *what, const char *widths, const uint64_t *v,
                       unsigned n)
{
    if (!fuzz_encode(widths, v, n, p->buf, &p->len, PROG_MAX))
        encode_failed(what, widths, n);
}

/* Appends op v[0] and its arguments v[1 .. n) as the table of f says. */
static void put_op(prog_t *p, const fuzz_format_t *f, const uint64_t *v, unsigned n)
{
    if (!fuzz_op_encode(f, (unsigned)v[0], v + 1, n - 1u, p->buf, &p->len, PROG_MAX))
        encode_failed(v[0] < f->nops ? f->ops[v[0]].name : "an op out of the table",
                      v[0] < f->nops ? f->ops[v[0]].args : "", n - 1u);
}

/* Starts program p with f's configuration bytes v[0 .. n). */
static void put_config(prog_t *p, const fuzz_format_t *f, const uint64_t *v, unsigned n)
{
    p->len = 0;
    put_widths(p, "config", f->config, v, n);
}

#define VALUES(...) (const uint64_t[]){ __VA_ARGS__ }, \
    (unsigned)(sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t))
/* OP(p, "target", OPCODE, args...) / CONFIG(p, "target", values...) */
#define OP(p, t, ...) put_op((p), format(t), VALUES(__VA_ARGS__))
#define CONFIG(p, t, ...) put_config((p), format(t), VALUES(__VA_ARGS__))

/* Writes f's dictionary to out: one entry per op, its opcode byte (when
 * the target has opcodes) and the example arguments of its table row. */
static void write_dict(FILE *out, const fuzz_format_t *f)
{
    fprintf(out, "# %s: one entry per op of its table in harness/fuzz_ops.h (opcode, example\n"
                 "# arguments), written by harness/gen_corpus.c; ctest dict_current checks it\n",
            f->target);
    for (unsigned op = 0; op < f->nops; op++) {
        const fuzz_op_desc_t *d = &f->ops[op];
        prog_t e = { .len = 0 };
        if (f->has_opcode)
            u8(&e, op);
        put_widths(&e, d->name, d->args, d->example + 1, d->nexample);
        fprintf(out, "%s_", f->target);
        for (const char *c = d->name; *c; c++)
            fputc(*c == '.' ? '_' : *c, out);
        fprintf(out, "=\"");
        for (size_t k = 0; k < e.len; k++)
            fprintf(out, "\\x%02x", e.buf[k]);
        fprintf(out, "\"\n");
    }
}

/* Writes OUTDIR/<target>.dict for every target. Exits on error. */
static void save_dicts(void)
{
    for (unsigned i = 0; i < fuzz_format_count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.dict", out_dir, fuzz_formats[i].target);
        FILE *f = fopen(path, "w");
        if (!f) {
            perror(path);
            exit(1);
        }
        write_dict(f, &fuzz_formats[i]);
        if (fclose(f) != 0) {
            perror(path);
            exit(1);
        }
    }
}

/* Prints every table (for people and scripts): per target
 * its config widths, then per op: value, name, argument widths. */
static void print_tables(void)
{
    for (unsigned i = 0; i < fuzz_format_count; i++) {
        const fuzz_format_t *f = &fuzz_formats[i];
        printf("target %s config %s opcodes %s max_ops %u max_len %u\n", f->target,
               f->config[0] ? f->config : "-", f->has_opcode ? "yes" : "no", f->max_ops,
               f->max_len);
        for (unsigned op = 0; op < f->nops; op++)
            printf("op %s %u %s %s\n", f->target, op, f->ops[op].name,
                   f->ops[op].args[0] ? f->ops[op].args : "-");
    }
}

/* ---- bitmap ------------------------------------------------------------ */

/* Starts a bitmap program over n entries (n - 1 encodes n) with slack words. */
static void bm_config(prog_t *p, unsigned n, unsigned slack)
{
    CONFIG(p, "bitmap", n - 1u, slack);
}
static void bm_op1(prog_t *p, unsigned op, unsigned a)
{
    OP(p, "bitmap", op, a);
}
static void bm_op2(prog_t *p, unsigned op, unsigned a, unsigned b)
{
    OP(p, "bitmap", op, a, b);
}
static void bm_find(prog_t *p, unsigned cnt, unsigned align_byte, unsigned hint)
{
    OP(p, "bitmap", BITMAP_OP_FIND_SET, cnt, align_byte, hint);
}

static void gen_bitmap(void)
{
    prog_t p;
    /* single entries at the edges of a small bitmap */
    bm_config(&p, 10, 0);
    bm_op1(&p, BITMAP_OP_SET, 0);
    bm_op1(&p, BITMAP_OP_SET, 9);
    bm_op1(&p, BITMAP_OP_SET, 10);
    bm_op1(&p, BITMAP_OP_TEST, 9);
    bm_op1(&p, BITMAP_OP_TEST, 5);
    bm_op1(&p, BITMAP_OP_CLEAR, 9);
    bm_op1(&p, BITMAP_OP_CLEAR, 9);
    bm_op1(&p, BITMAP_OP_TEST, IDX_SIZE_MAX(10));
    save("bitmap", "single", &p);

    /* ranges across word boundaries, queries */
    bm_config(&p, 130, 1);
    bm_op2(&p, BITMAP_OP_SET_RANGE, 60, 10);
    bm_op2(&p, BITMAP_OP_RANGE_SET, 60, 10);
    bm_op2(&p, BITMAP_OP_RANGE_SET, 59, 10);
    bm_op2(&p, BITMAP_OP_RANGE_CLEAR, 70, 60);
    bm_op2(&p, BITMAP_OP_CLEAR_RANGE, 64, 2);
    bm_op2(&p, BITMAP_OP_SET_RANGE, 120, 11);
    bm_op2(&p, BITMAP_OP_SET_RANGE, 5, 0);
    bm_op2(&p, BITMAP_OP_SET_RANGE, IDX_SIZE_MAX(130), 2);
    bm_op2(&p, BITMAP_OP_CLEAR_RANGE, 1, IDX_SIZE_MAX(130));
    save("bitmap", "ranges", &p);

    /* first fit with alignment and hints, until full */
    bm_config(&p, 200, 0);
    bm_op2(&p, BITMAP_OP_SET_RANGE, 3, 1);
    bm_find(&p, 4, 2, 0);     /* align 4 */
    bm_find(&p, 64, 0, 1);    /* align 1, hint 1 */
    bm_find(&p, 10, 3, 5);    /* align 8, phase 5 */
    bm_find(&p, 3, 0x83, 0);  /* align 3: invalid */
    bm_find(&p, 0, 0, 0);     /* n = 0 */
    bm_find(&p, 1, 0, 201);   /* hint past the end */
    bm_find(&p, 1, 0, 200);   /* hint at the end: no space */
    bm_find(&p, 150, 0, 0);   /* too long */
    bm_op2(&p, BITMAP_OP_SET_RANGE, 0, 200);
    bm_find(&p, 1, 0, 0);
    save("bitmap", "find", &p);

    /* bad re-initialisation leaves everything */
    bm_config(&p, 64, 2);
    bm_op1(&p, BITMAP_OP_SET, 63);
    OP(&p, "bitmap", BITMAP_OP_INIT_BAD, 0);
    OP(&p, "bitmap", BITMAP_OP_INIT_BAD, 1);
    OP(&p, "bitmap", BITMAP_OP_INIT_BAD, 2);
    bm_op1(&p, BITMAP_OP_TEST, 63);
    save("bitmap", "init-bad", &p);

    /* every public call with a NULL bm or out-pointer (status.h's rule) */
    bm_config(&p, 99, 1);
    bm_op2(&p, BITMAP_OP_SET_RANGE, 10, 20);
    for (unsigned kind = 0; kind < 11; kind++)
        OP(&p, "bitmap", BITMAP_OP_NULL_ARG, kind, 10, 5);
    bm_op1(&p, BITMAP_OP_TEST, 10);
    save("bitmap", "null-arg", &p);

}

/* ---- paging ------------------------------------------------------------ */

/* region byte: base index (fuzz_paging.c region_base) | unit << 3 */
#define PG_LOW 0u
#define PG_1G 1u
#define PG_TOP_LOW 2u
#define PG_HIGH 3u
#define PG_KERNEL 4u
#define PG_TOP 5u
#define PG_NONCANON 6u
#define PG_UNIT_2M (1u << 3)
#define PG_UNIT_1G (2u << 3)
#define PG_S4K 0u
#define PG_S2M 1u
#define PG_S1G 2u
#define PG_RW_KERNEL 0x7u /* KERNEL | WRITABLE | CACHABLE */

static void pg_config(prog_t *p, unsigned fail, unsigned flags)
{
    CONFIG(p, "paging", fail, flags);
}
static void pg_map(prog_t *p, unsigned op, unsigned region, unsigned slot, unsigned size,
                   unsigned n, uint32_t phys, unsigned attrs)
{
    OP(p, "paging", op, region, slot, size, n, phys, attrs);
}
static void pg_unmap(prog_t *p, unsigned op, unsigned region, unsigned slot, unsigned size,
                     unsigned n)
{
    OP(p, "paging", op, region, slot, size, n);
}
static void pg_query(prog_t *p, unsigned op, unsigned region, unsigned slot, unsigned off)
{
    OP(p, "paging", op, region, slot, off);
}

static void gen_paging(void)
{
    prog_t p;
    /* 4K pages across a table boundary, queried, unmapped: tables freed */
    pg_config(&p, 0, 0);
    pg_map(&p, PAGING_OP_MAP, PG_LOW, 510, PG_S4K, 4, 0x1234, PG_RW_KERNEL);
    pg_query(&p, PAGING_OP_TRANSLATE, PG_LOW, 511, 7);
    pg_query(&p, PAGING_OP_MAPPER_QUERY, PG_LOW, 512, 100);
    pg_query(&p, PAGING_OP_TRANSLATE, PG_LOW, 514, 0);
    OP(&p, "paging", PAGING_OP_CHECK_ALL);
    pg_unmap(&p, PAGING_OP_UNMAP, PG_LOW, 510, PG_S4K, 2);
    pg_unmap(&p, PAGING_OP_MAPPER_UNMAP, PG_LOW, 512, PG_S4K, 2);
    pg_unmap(&p, PAGING_OP_UNMAP, PG_LOW, 512, PG_S4K, 1);
    OP(&p, "paging", PAGING_OP_CHECK_ALL);
    save("paging", "4k", &p);

    /* 2M pages and 4K conflicts both ways */
    pg_config(&p, 0, 1);
    pg_map(&p, PAGING_OP_MAP, PG_1G | PG_UNIT_2M, 1, PG_S2M, 2, 7, 0x0);
    pg_map(&p, PAGING_OP_MAP, PG_1G | PG_UNIT_2M, 2, PG_S4K, 1, 9, 0x2);
    pg_unmap(&p, PAGING_OP_UNMAP, PG_1G | PG_UNIT_2M, 2, PG_S4K, 1);
    pg_map(&p, PAGING_OP_MAP, PG_1G | PG_UNIT_2M, 3, PG_S4K, 1, 9, 0x2);
    pg_map(&p, PAGING_OP_MAP, PG_1G | PG_UNIT_2M, 3, PG_S2M, 1, 9, 0x2);
    pg_unmap(&p, PAGING_OP_UNMAP, PG_1G | PG_UNIT_2M, 3, PG_S2M, 1);
    pg_unmap(&p, PAGING_OP_UNMAP, PG_1G | PG_UNIT_2M, 1, PG_S2M, 3);
    pg_unmap(&p, PAGING_OP_UNMAP, PG_1G | PG_UNIT_2M, 1, PG_S2M, 2);
    pg_query(&p, PAGING_OP_TRANSLATE, PG_1G | PG_UNIT_2M, 3, 5);
    save("paging", "2m", &p);

    /* 1G pages in the kernel slot and at the top of the lower half */
    pg_config(&p, 0, 0);
    pg_map(&p, PAGING_OP_MAPPER_MAP, PG_KERNEL | PG_UNIT_1G, 0, PG_S1G, 2, 3, 0xF);
    pg_query(&p, PAGING_OP_MAPPER_QUERY, PG_KERNEL | PG_UNIT_1G, 1, 0xFFFF);
    pg_map(&p, PAGING_OP_MAP, PG_KERNEL | PG_UNIT_2M, 3, PG_S2M, 1, 3, 0xF);
    pg_map(&p, PAGING_OP_MAP, PG_TOP_LOW, 0, PG_S1G, 1, 1, 0x8);
    pg_map(&p, PAGING_OP_MAP, PG_TOP_LOW, 0, PG_S1G, 2, 1, 0x8);
    pg_map(&p, PAGING_OP_MAP, PG_TOP, 0, PG_S1G, 1, 5, 0x1);
    OP(&p, "paging", PAGING_OP_CHECK_ALL);
    save("paging", "1g", &p);

    /* argument errors: nothing may change */
    pg_config(&p, 0, 1);
    pg_map(&p, PAGING_OP_MAP, PG_NONCANON, 0, PG_S4K, 1, 1, 0);
    pg_map(&p, PAGING_OP_MAP, PG_TOP, 0, PG_S4K, 0xFF, 1, 0);
    pg_map(&p, PAGING_OP_MAP, PG_LOW, 1, 7, 1, 1, 0);
    pg_map(&p, PAGING_OP_MAP, PG_LOW, 1, PG_S4K, 0, 1, 0);
    pg_map(&p, PAGING_OP_MAP, PG_LOW, 1, PG_S4K, 1, 1, 0x90);
    pg_map(&p, PAGING_OP_MAP, PG_LOW, 1, PG_S2M, 1, 1, 0);
    pg_map(&p, PAGING_OP_MAP, PG_LOW | PG_UNIT_2M, 1, PG_S2M, 1, 0x80000001u, 0);
    pg_map(&p, PAGING_OP_MAP, PG_LOW, 1, PG_S4K, 1, 0x7FFFFFFFu, 0);
    pg_map(&p, PAGING_OP_MAP, PG_LOW, 1, PG_S4K, 2, 0x7FFFFFFFu, 0);
    pg_unmap(&p, PAGING_OP_UNMAP, PG_NONCANON, 0, PG_S4K, 1);
    pg_unmap(&p, PAGING_OP_UNMAP, PG_LOW, 1, PG_S4K, 1);
    pg_query(&p, PAGING_OP_TRANSLATE, PG_NONCANON, 0, 0);
    pg_query(&p, PAGING_OP_MAPPER_QUERY, PG_NONCANON, 0, 0);
    save("paging", "errors", &p);

    /* frame failures: at init, and part-way through a map */
    pg_config(&p, 1, 0);
    OP(&p, "paging", PAGING_OP_FAIL_FRAMES, 1);
    pg_map(&p, PAGING_OP_MAP, PG_HIGH, 0, PG_S4K, 1, 1, 0x3);
    pg_map(&p, PAGING_OP_MAP, PG_HIGH, 0, PG_S4K, 1, 1, 0x3);
    OP(&p, "paging", PAGING_OP_FAIL_FRAMES, 0);
    pg_map(&p, PAGING_OP_MAP, PG_HIGH | PG_UNIT_1G, 1, PG_S4K, 1, 1, 0x3);
    OP(&p, "paging", PAGING_OP_CHECK_ALL);
    save("paging", "fail", &p);

}

/* ---- vmm ---------------------------------------------------------------- */

/* va mode bits (fuzz_vmm.c read_va) */
#define VA_START 0u
#define VA_2M 1u
#define VA_1G 2u
#define VA_END 3u
#define VA_U2M (1u << 2)
#define VA_U1G (2u << 2)
#define VA_BELOW 0x10u
#define VA_ODD 0x20u
#define KW 0x7u   /* KERNEL | WRITABLE | CACHABLE */
#define SIZE_STRADDLE_BIT 0x8000u /* config size: small window across its base (fuzz_vmm.c) */
#define PF_W 0x2u
#define PF_U 0x4u
#define PF_RSVD 0x8u
#define PF_I 0x10u

static void vm_config(prog_t *p, unsigned cls, unsigned size, unsigned afail, unsigned ffail,
                      unsigned flags)
{
    CONFIG(p, "vmm", cls, size, afail, ffail, flags);
}
static void vm_alloc(prog_t *p, unsigned pages, unsigned attrs)
{
    OP(p, "vmm", VMM_OP_ALLOC, pages, attrs);
}
static void vm_set(prog_t *p, unsigned mode, unsigned slot, unsigned pages, unsigned pmode,
                   unsigned pframe, unsigned attrs)
{
    OP(p, "vmm", VMM_OP_SET, mode, slot, pages, pmode, pframe, attrs);
}
static void vm_at(prog_t *p, unsigned op, unsigned mode, unsigned slot)
{
    OP(p, "vmm", op, mode, slot);
}
static void vm_reserve(prog_t *p, unsigned count, unsigned size, unsigned attrs, unsigned flags)
{
    OP(p, "vmm", VMM_OP_RESERVE, count, size, attrs, flags);
}
static void vm_claim(prog_t *p, unsigned mode, unsigned slot, unsigned count, unsigned size,
                     unsigned attrs, unsigned flags)
{
    OP(p, "vmm", VMM_OP_CLAIM, mode, slot, count, size, attrs, flags);
}
static void vm_map_page(prog_t *p, unsigned idx, unsigned page, unsigned pmode, unsigned pframe,
                        unsigned attrs)
{
    OP(p, "vmm", VMM_OP_MAP_PAGE, idx, page, pmode, pframe, attrs);
}
static void vm_fault(prog_t *p, unsigned mode, unsigned slot, unsigned code)
{
    OP(p, "vmm", VMM_OP_FAULT, mode, slot, code);
}
static void vm_fault_code(prog_t *p, unsigned mode, unsigned slot, unsigned code)
{
    OP(p, "vmm", VMM_OP_FAULT_CODE, mode, slot, code);
}
static void vm_fault_cpu(prog_t *p, unsigned mode, unsigned slot, unsigned code, unsigned cpu)
{
    OP(p, "vmm", VMM_OP_FAULT_CPU, mode, slot, code, cpu);
}
static void vm_rec(prog_t *p, unsigned op, unsigned idx)
{
    OP(p, "vmm", op, idx);
}
static void vm_fault_rec(prog_t *p, unsigned idx, unsigned page, unsigned code)
{
    OP(p, "vmm", VMM_OP_FAULT_RECORD, idx, page, code);
}
static void vm_fail(prog_t *p, unsigned which, unsigned n)
{
    OP(p, "vmm", VMM_OP_FAIL, which, n);
}

static void gen_vmm(void)
{
    prog_t p;
    /* Pluto's API over a window that does not start at 0 */
    vm_config(&p, 0 + (3u << 3), 63, 0, 0, 0);
    vm_alloc(&p, 3, KW);
    vm_at(&p, VMM_OP_IS_SET, VA_START, 2);
    vm_at(&p, VMM_OP_IS_SET, VA_START, 3);
    vm_set(&p, VA_START, 10, 2, 0, 0, 0x4);
    vm_set(&p, VA_START, 20, 2, 1, 2000, 0x6);
    vm_set(&p, VA_START, 21, 2, 1, 3000, 0x6);
    vm_at(&p, VMM_OP_IS_SET, VA_START, 21);
    vm_at(&p, VMM_OP_IS_SET, VA_END, 0);
    vm_at(&p, VMM_OP_IS_SET, VA_START | VA_BELOW, 1);
    vm_at(&p, VMM_OP_FREE, VA_START, 11);
    vm_rec(&p, VMM_OP_RELEASE_RECORD, 0);
    vm_rec(&p, VMM_OP_FREE_RECORD, 0);
    vm_alloc(&p, 64, KW);
    vm_alloc(&p, 30, 0x3);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    vm_at(&p, VMM_OP_FREE, VA_START, 20);
    save("vmm", "pluto", &p);

    /* reservations: demand faults, map_page, release (4K) */
    vm_config(&p, 3 + (1u << 3), 200, 0, 0, 1);
    vm_reserve(&p, 4, 0, KW, 1);
    vm_fault_rec(&p, 0, 1, PF_W);
    vm_fault_rec(&p, 0, 1, PF_W);
    vm_fault_rec(&p, 0, 1, PF_U);
    vm_fault_rec(&p, 0, 0, PF_I);
    vm_map_page(&p, 0, 2, 0, 0, 0xB);
    vm_map_page(&p, 0, 2, 0, 0, 0xB);
    vm_map_page(&p, 0, 3, 1, 77, 0x0);
    vm_fault_rec(&p, 0, 3, PF_W | PF_U);
    vm_fault_rec(&p, 0, 2, PF_I | PF_U);
    vm_reserve(&p, 2, 0, 0x2, 0);
    vm_fault_rec(&p, 1, 0, PF_W);
    vm_claim(&p, VA_START, 100, 3, 0, 0x3, 1);
    vm_claim(&p, VA_START, 101, 3, 0, 0x3, 1);
    vm_rec(&p, VMM_OP_RELEASE_RECORD, 0);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "reserve-4k", &p);

    /* 2M reservations in a window that starts 4K past a 1G boundary */
    vm_config(&p, 1 + (1u << 3), 4095, 0, 0, 0);
    vm_reserve(&p, 2, 1, KW, 1);
    vm_fault_rec(&p, 0, 700, PF_W);
    vm_fault_rec(&p, 0, 0, PF_W);
    vm_claim(&p, VA_2M | VA_U2M, 4, 1, 1, 0x3, 0);
    vm_claim(&p, VA_2M | VA_U2M | VA_ODD, 5, 1, 1, 0x3, 0);
    vm_claim(&p, VA_START, 1, 1, 1, 0x3, 0);
    vm_map_page(&p, 1, 0, 0, 0, 0x3);
    vm_map_page(&p, 1, 0, 2, 0, 0x3);
    vm_map_page(&p, 1, 0, 4, 0, 0x3);
    vm_reserve(&p, 40, 1, 0, 0);
    vm_at(&p, VMM_OP_RELEASE, VA_2M | VA_U2M, 4);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "reserve-2m", &p);

    /* 1G reservations in a 2 GiB window */
    vm_config(&p, 7, 0, 0, 0, 0);
    vm_reserve(&p, 1, 2, KW, 1);
    vm_fault_rec(&p, 0, 5, PF_W);
    vm_map_page(&p, 0, 0, 1, 3, 0xF);
    vm_fault_rec(&p, 0, 5, PF_W);
    vm_reserve(&p, 2, 2, KW, 1);
    vm_claim(&p, VA_1G | VA_U1G, 1, 1, 2, 0x3, 0);
    vm_alloc(&p, 5, 0x2);
    vm_rec(&p, VMM_OP_RELEASE_RECORD, 0);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "reserve-1g", &p);

    /* allocation and frame failures part-way */
    vm_config(&p, 4, 500, 1, 0, 0);
    vm_alloc(&p, 4, KW);
    vm_alloc(&p, 4, KW);
    vm_fail(&p, 1, 2);
    vm_alloc(&p, 4, KW);
    vm_fail(&p, 1, 0);
    vm_set(&p, VA_START, 100, 1, 1, 5000, KW);
    vm_fail(&p, 0, 0);
    vm_set(&p, VA_START, 100, 1, 1, 5000, KW);
    vm_fail(&p, 0, 0);
    vm_reserve(&p, 1, 0, KW, 1);
    vm_reserve(&p, 1, 0, KW, 1);
    vm_fail(&p, 1, 0);
    vm_fault_rec(&p, 1, 0, PF_W);
    vm_fault_rec(&p, 1, 0, PF_W);
    vm_fail(&p, 1, 1);
    vm_map_page(&p, 1, 0, 0, 0, KW);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "failures", &p);

    /* argument errors: nothing may change */
    vm_config(&p, 6, 1000, 0, 0, 1);
    vm_alloc(&p, 2, KW);
    vm_set(&p, VA_START | VA_ODD, 4, 1, 0, 0, 0);
    vm_set(&p, VA_END, 0, 1, 0, 0, 0);
    vm_set(&p, VA_START, 4, 0, 0, 0, 0);
    vm_set(&p, VA_START, 4, 1, 0, 0, 0x90);
    vm_set(&p, VA_START, 4, 1, 3, 1, 0);
    vm_set(&p, VA_START, 4, 1, 5, 1, 0);
    vm_set(&p, VA_START, 4, 1, 9, 1, 0);
    vm_set(&p, VA_START, 0, 1, 0, 0, 0);
    vm_claim(&p, VA_START | VA_ODD, 8, 1, 0, 0, 0);
    vm_claim(&p, VA_START, 0, 1, 0, 0, 0);
    vm_claim(&p, VA_END | VA_BELOW, 1, 2, 0, 0, 0);
    vm_reserve(&p, 1, 9, 0, 0);
    vm_reserve(&p, 1, 0, 0, 0x82);
    vm_reserve(&p, 0, 0, 0, 0);
    vm_reserve(&p, 255, 2, 0, 0);
    vm_alloc(&p, 0, 0);
    vm_alloc(&p, 1, 0x90);
    vm_at(&p, VMM_OP_FREE, VA_START, 1);
    vm_at(&p, VMM_OP_FREE, VA_START, 7);
    vm_at(&p, VMM_OP_FREE, VA_END, 0);
    vm_at(&p, VMM_OP_RELEASE, VA_START, 0);
    vm_fault(&p, VA_START, 9, PF_W);
    vm_fault(&p, VA_START, 0, PF_RSVD);
    vm_fault(&p, VA_START, 0, PF_U | PF_W);
    vm_map_page(&p, 0, 0, 0, 0, 0);
    vm_map_page(&p, 0x80, 1, 0, 0, 0);
    save("vmm", "errors", &p);

    /* #PF error codes with bits the decoder does not know (AMD's RMP bit
     * 31, a future bit 20) and HLAT: fatal on a page the tables allow,
     * spurious with HLAT alone, still not present / resolved elsewhere */
    vm_config(&p, 3 + (1u << 3), 200, 0, 0, 0);
    vm_alloc(&p, 2, KW);
    vm_fault_code(&p, VA_START, 0, 0x80000001u | PF_W);
    vm_fault_code(&p, VA_START, 1, 0x00100001u);
    vm_fault_code(&p, VA_START, 0, 0x81u | PF_W);
    vm_fault_code(&p, VA_START, 0, 0x80000001u | PF_U);
    vm_fault_code(&p, VA_START, 40, 0x80000000u);
    vm_reserve(&p, 4, 0, KW, 1);
    vm_fault_rec(&p, 1, 0, PF_W);
    vm_fault_code(&p, VA_START, 3, 0x80000000u | PF_W);
    save("vmm", "pf_unknown_bits", &p);

    /* SMEP / SMAP (the CPU byte: 1 SMEP, 2 SMAP, 4 RFLAGS.AC, 8 CPL3): a CPL0
     * access to a user page that CR4 denies is fatal, a lazy user page is
     * not mapped for it; AC lifts SMAP only; kernel pages and CPL3 accesses
     * are judged as without them */
    vm_config(&p, 3 + (1u << 3), 200, 0, 0, 0);
    vm_alloc(&p, 1, 0xE);  /* user RWX */
    vm_alloc(&p, 1, KW);
    vm_fault_cpu(&p, VA_START, 0, 0x1u, 0x3);          /* SMAP read      */
    vm_fault_cpu(&p, VA_START, 0, 0x1u | PF_W, 0x7);   /* stac'd write   */
    vm_fault_cpu(&p, VA_START, 0, 0x1u | PF_I, 0x5);   /* SMEP fetch     */
    vm_fault_cpu(&p, VA_START, 0, 0x1u | PF_I, 0x2);   /* SMAP: a fetch  */
    vm_fault_cpu(&p, VA_START, 1, 0x1u | PF_W, 0x3);   /* kernel page    */
    vm_fault_cpu(&p, VA_START, 0, 0x1u | PF_U, 0x3);   /* CPL3           */
    vm_fault_cpu(&p, VA_START, 0, 0x1u, 0xE);          /* implicit, AC   */
    vm_reserve(&p, 2, 0, 0x6, 1);                      /* lazy user RW   */
    vm_fault_cpu(&p, VA_START, 2, PF_W, 0x2);
    vm_fault_cpu(&p, VA_START, 2, PF_W, 0x6);
    vm_fault_cpu(&p, VA_START, 3, PF_I, 0x1);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "smep_smap", &p);

    /* a window that runs into non-canonical space */
    vm_config(&p, 2, 1023, 0, 0, 0);
    vm_reserve(&p, 255, 0, KW, 1);
    vm_reserve(&p, 255, 0, KW, 1);
    vm_reserve(&p, 255, 0, KW, 1);
    vm_fault_rec(&p, 1, 254, PF_W);
    vm_fault_rec(&p, 2, 254, PF_W);
    vm_map_page(&p, 2, 254, 1, 5, KW);
    vm_alloc(&p, 200, KW);
    vm_set(&p, VA_START, 1000, 20, 1, 4000, KW);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "noncanonical", &p);

    /* borrowed reservations (flags byte bit 1): one pool frame mapped by
     * two of them (pmode 0x8: a frame a borrowed page maps), each release
     * frees none; LAZY with BORROWED is refused */
    vm_config(&p, 3 + (1u << 3), 200, 0, 0, 1);
    vm_reserve(&p, 2, 0, KW, 2);
    vm_reserve(&p, 1, 0, KW, 2);
    vm_reserve(&p, 1, 0, KW, 3);
    vm_map_page(&p, 0, 0, 0, 0, KW);
    vm_map_page(&p, 1, 0, 0x8, 0, KW);
    vm_map_page(&p, 0, 1, 0x8, 0, KW);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    vm_rec(&p, VMM_OP_RELEASE_RECORD, 0);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    vm_rec(&p, VMM_OP_RELEASE_RECORD, 0);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "borrowed", &p);

    /* the top of the address space */
    vm_config(&p, 5 + (2u << 3), 4095, 0, 0, 0);
    vm_alloc(&p, 8, KW);
    vm_claim(&p, VA_END | VA_BELOW, 4, 4, 0, KW, 1);
    vm_fault(&p, VA_END | VA_BELOW, 1, 0);
    vm_at(&p, VMM_OP_IS_SET, VA_END | VA_BELOW, 1);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "top", &p);

    /* a window across the canonical hole's high edge (size bit 15: the
     * window straddles its base): vmm_init must refuse it */
    vm_config(&p, 3, 0x8000u | 200u, 0, 0, 0);
    vm_alloc(&p, 1, KW);
    save("vmm", "hole-high", &p);

    /* every public call with one NULL pointer argument (status.h's rule) */
    vm_config(&p, 0 + (3u << 3), 63, 0, 0, 0);
    vm_alloc(&p, 3, KW);
    for (unsigned call = 0; call < 15; call++)
        OP(&p, "vmm", VMM_OP_NULL_ARG, call, VA_START, 1u);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "null-args", &p);
    /* a 2-page window straddling 0x1000 starts at address 0: a record keyed 0
     * is the tree's first (vmm_btree_check's lowest bound is 0) */
    vm_config(&p, 0, SIZE_STRADDLE_BIT | 1u, 0, 0, 0);
    vm_alloc(&p, 1, KW);
    vm_alloc(&p, 1, KW);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "window-at-zero", &p);
    /* pages unmapped (and mapped again one size smaller) behind the VMM:
     * vmm_release / vmm_free must refuse before unmapping anything; a 2M
     * reservation whose second page alone changed, the first page alone in
     * its tables (a release that unmapped it first would take table frames
     * to map it again: with a frame failure armed, that traps) */
    vm_config(&p, 1 + (1u << 3), 4095, 0, 0, 0);
    vm_reserve(&p, 3, 1, KW, 1);
    vm_fault_rec(&p, 0, 0, PF_W);
    vm_fault_rec(&p, 0, 512, PF_W);
    vm_fault_rec(&p, 0, 1024, PF_W);
    OP(&p, "vmm", VMM_OP_RELEASE_BEHIND, 0, 1, 0);
    OP(&p, "vmm", VMM_OP_RELEASE_BEHIND, 0, 1, 1);
    vm_fail(&p, 1, 0);
    OP(&p, "vmm", VMM_OP_RELEASE_BEHIND, 0, 2, 1);
    vm_fail(&p, 1, 0);
    OP(&p, "vmm", VMM_OP_RELEASE_BEHIND, 0, 2, 0);
    OP(&p, "vmm", VMM_OP_RELEASE_BEHIND, 0, 2, 3);
    vm_alloc(&p, 3, KW);
    OP(&p, "vmm", VMM_OP_RELEASE_BEHIND, 1, 2, 2);
    OP(&p, "vmm", VMM_OP_RELEASE_BEHIND, 1, 1, 0);
    vm_set(&p, VA_START, 3000, 2, 1, 100, KW);
    OP(&p, "vmm", VMM_OP_RELEASE_BEHIND, 2, 1, 2);
    vm_rec(&p, VMM_OP_RELEASE_RECORD, 0);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "release-behind", &p);
    /* 4K reservation pages across a 2M boundary: the second run changed */
    vm_config(&p, 1 + (1u << 3), 4095, 0, 0, 0);
    vm_claim(&p, VA_START, 510, 4, 0, KW, 1);
    vm_fault_rec(&p, 0, 0, PF_W);
    vm_fault_rec(&p, 0, 3, PF_W);
    OP(&p, "vmm", VMM_OP_RELEASE_BEHIND, 0, 3, 0);
    vm_fail(&p, 1, 0);
    OP(&p, "vmm", VMM_OP_RELEASE_BEHIND, 0, 3, 0);
    vm_rec(&p, VMM_OP_RELEASE_RECORD, 0);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "release-behind-4k", &p);
    /* pinned records (vmm_pin): free / release / release_behind refuse them
     * with VMM_ERR_PINNED (a release of a non-reservation still says
     * NOT_RESERVATION), nothing changed; pin errors; deinit frees them */
    vm_config(&p, 1 + (1u << 3), 4095, 0, 0, 0);
    vm_reserve(&p, 3, 0, KW, 1);
    vm_fault_rec(&p, 0, 1, PF_W);
    vm_alloc(&p, 2, KW);
    vm_set(&p, VA_START, 3000, 2, 1, 100, KW);
    vm_rec(&p, VMM_OP_PIN_RECORD, 0);
    vm_rec(&p, VMM_OP_PIN_RECORD, 1);
    vm_rec(&p, VMM_OP_PIN_RECORD, 1);
    vm_rec(&p, VMM_OP_PIN_RECORD, 2);
    vm_rec(&p, VMM_OP_RELEASE_RECORD, 0);
    vm_rec(&p, VMM_OP_FREE_RECORD, 0);
    vm_rec(&p, VMM_OP_FREE_RECORD, 1);
    vm_rec(&p, VMM_OP_RELEASE_RECORD, 1);
    vm_rec(&p, VMM_OP_FREE_RECORD, 2);
    OP(&p, "vmm", VMM_OP_RELEASE_BEHIND, 0, 1, 0);
    vm_fault_rec(&p, 0, 2, PF_W);
    vm_at(&p, VMM_OP_FREE, VA_START, 1);
    vm_alloc(&p, 1, KW);
    vm_rec(&p, VMM_OP_FREE_RECORD, 3);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "pinned", &p);
    /* vmm_deinit mid-program (op deinit), then the same vmm_t used again:
     * every kind of record, deinit, the same again, the window's lowest
     * pages handed out first again (next fit's hint back to 0) */
    for (unsigned round = 0; round < 2; round++) {
        if (round == 0)
            vm_config(&p, 1 + (1u << 3), 4095, 0, 0, 0);
        vm_alloc(&p, 3, KW);
        vm_reserve(&p, 2, 1, KW, 1);
        vm_fault_rec(&p, 1, 0, PF_W);
        vm_set(&p, VA_START, 3000, 2, 1, 100, KW);
        vm_rec(&p, VMM_OP_PIN_RECORD, 2);
        vm_reserve(&p, 1, 0, KW, 2);
        vm_map_page(&p, 3, 0, 0x8, 0, KW);
        OP(&p, "vmm", VMM_OP_CHECK_ALL);
        OP(&p, "vmm", VMM_OP_DEINIT);
        OP(&p, "vmm", VMM_OP_CHECK_ALL);
    }
    save("vmm", "deinit-reuse", &p);
    /* callbacks calling back into the VMM (op reenter): inside an alloc's
     * frame allocation and record allocation, a lazy reservation's demand
     * fault, a release's unmap and frame free, a set's claim: every inner
     * call refused (VMM_ERR_BUSY), every outer one as without it */
    vm_config(&p, 1 + (1u << 3), 4095, 0, 0, 0);
    OP(&p, "vmm", VMM_OP_REENTER, 2, 1);
    vm_alloc(&p, 3, KW);
    OP(&p, "vmm", VMM_OP_REENTER, 0, 0);
    vm_reserve(&p, 2, 0, KW, 1);
    OP(&p, "vmm", VMM_OP_REENTER, 5, 0);
    vm_fault_rec(&p, 1, 1, PF_W);
    OP(&p, "vmm", VMM_OP_REENTER, 9, 0);
    vm_fault_rec(&p, 1, 0, PF_W);
    OP(&p, "vmm", VMM_OP_REENTER, 8, 0);
    vm_rec(&p, VMM_OP_RELEASE_RECORD, 1);
    OP(&p, "vmm", VMM_OP_REENTER, 3, 1);
    vm_rec(&p, VMM_OP_FREE_RECORD, 0);
    OP(&p, "vmm", VMM_OP_REENTER, 4, 0);
    vm_set(&p, VA_START, 3000, 2, 1, 100, KW);
    OP(&p, "vmm", VMM_OP_REENTER, 1, 0);
    OP(&p, "vmm", VMM_OP_DEINIT);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "reenter", &p);
    /* an unmap failing inside vmm_release / vmm_free: the runs already
     * unmapped are mapped again, the error returned, nothing changed */
    vm_config(&p, 1 + (1u << 3), 4095, 0, 0, 0);
    vm_claim(&p, VA_START, 510, 4, 0, KW, 1);
    vm_fault_rec(&p, 0, 0, PF_W);
    vm_fault_rec(&p, 0, 3, PF_W);
    OP(&p, "vmm", VMM_OP_FAIL_UNMAP, 1);
    vm_rec(&p, VMM_OP_RELEASE_RECORD, 0);
    OP(&p, "vmm", VMM_OP_FAIL_UNMAP, 0);
    vm_rec(&p, VMM_OP_RELEASE_RECORD, 0);
    vm_reserve(&p, 3, 1, KW, 1);
    vm_fault_rec(&p, 1, 0, PF_W);
    vm_fault_rec(&p, 1, 1024, PF_W);
    OP(&p, "vmm", VMM_OP_FAIL_UNMAP, 1);
    vm_rec(&p, VMM_OP_FREE_RECORD, 1);
    vm_alloc(&p, 3, KW);
    OP(&p, "vmm", VMM_OP_FAIL_UNMAP, 0);
    vm_rec(&p, VMM_OP_FREE_RECORD, 2);
    vm_rec(&p, VMM_OP_FREE_RECORD, 2);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "unmap-fails", &p);
    /* descending claims and frees from both ends: left-heavy record trees */
    vm_config(&p, 1 + (1u << 3), 4095, 0, 0, 0);
    for (unsigned i = 0; i < 24; i++)
        vm_claim(&p, VA_START, 2000 - 20 * i, 1, 0, KW, 0);
    for (unsigned i = 0; i < 6; i++) {
        vm_at(&p, VMM_OP_FREE, VA_START, 2000 - 60 * i);
        vm_claim(&p, VA_START, 2005 - 80 * i, 1, 0, KW, 0);
    }
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    save("vmm", "tree-descending", &p);
    /* the shortest insert/remove order (of random ones over 16 keys) after
     * which a rotation at balance 1 leaves a node two out of balance */
    static const int tree_order[] = { 1, 16, 6, 8, 14, 15, 7, 11, 10, 12, -6, -15 };
    vm_config(&p, 1 + (1u << 3), 4095, 0, 0, 0);
    for (unsigned i = 0; i < sizeof tree_order / sizeof tree_order[0]; i++) {
        int k = tree_order[i];
        if (k > 0)
            vm_claim(&p, VA_START, 2u * (unsigned)k, 1, 0, KW, 0);
        else
            vm_at(&p, VMM_OP_FREE, VA_START, 2u * (unsigned)-k);
    }
    save("vmm", "tree-rotations", &p);
    /* 31 one-page reservations in ascending order: the B+ tree's root leaf
     * splits into 15 + 16 records; releasing the top 6 leaves the second
     * leaf at VMM_BTREE_MIN, then releasing the lowest 6 leaves the first
     * leaf below it with no left sibling and a right one that cannot lend:
     * the first child merges with its right sibling (vmm_btree.c) */
    vm_config(&p, 1 + (1u << 3), 4095, 0, 0, 0);
    for (unsigned i = 0; i < 31; i++)
        vm_reserve(&p, 1, 0, KW, 0);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    for (unsigned i = 0; i < 6; i++)
        vm_at(&p, VMM_OP_RELEASE, VA_START, 30 - i);
    for (unsigned i = 0; i < 6; i++)
        vm_at(&p, VMM_OP_RELEASE, VA_START, i);
    OP(&p, "vmm", VMM_OP_CHECK_ALL);
    vm_reserve(&p, 3, 0, KW, 0);
    save("vmm", "tree-merge-first-child", &p);
}

/* ---- boot_init ---------------------------------------------------------- */

static void bt_config(prog_t *p, unsigned flags, unsigned slot, unsigned ffail, unsigned afail,
                      unsigned entries)
{
    CONFIG(p, "boot_init", flags, slot, ffail, afail, entries);
}
/* base = mib MiB + off bytes, length = units * 64 KiB + bytes */
static void bt_entry(prog_t *p, unsigned mib, unsigned off, unsigned units, unsigned bytes,
                     unsigned type)
{
    OP(p, "boot_init", BOOT_PART_ENTRY, mib, off, units, bytes, type);
}
/* virt page (bit 15: one byte off), phys page, size in 64-byte units */
static void bt_seg(prog_t *p, unsigned vpage, unsigned ppage, unsigned size64, unsigned attrs)
{
    OP(p, "boot_init", BOOT_PART_SEGMENT, vpage, ppage, size64, attrs);
}
/* A PC-like map: low memory, a hole, RAM, ACPI, a framebuffer, modules. */
static void bt_pc_map(prog_t *p)
{
    bt_entry(p, 0, 0x1000, 9, 0xE000, 0);        /* [4K, 636K) usable            */
    bt_entry(p, 0, 0x9F000, 0, 0x61000, 1);      /* reserved up to 1 MiB         */
    bt_entry(p, 1, 0, 2030, 0, 0);               /* 1 MiB .. ~128 MiB usable     */
    bt_entry(p, 128, 0, 16, 0, 2);               /* ACPI reclaimable             */
    bt_entry(p, 4032, 0, 128, 0, 7);             /* framebuffer at ~3.9 GiB      */
    bt_entry(p, 2, 0x345, 3, 0x10, 6);           /* modules, unaligned, overlaps */
    bt_entry(p, 4096, 0, 16384, 0, 5);           /* 1 GiB bootloader reclaimable */
}
static void bt_kernel(prog_t *p)
{
    u8(p, 3);
    bt_seg(p, 0, 512, 0x140, 0x8);    /* text: executable            */
    bt_seg(p, 5, 517, 0x40, 0x0);     /* rodata                      */
    bt_seg(p, 6, 518, 0x300, 0x2);    /* data: writable              */
}

static void gen_boot_init(void)
{
    prog_t p;
    bt_config(&p, 0, 0, 0, 0, 7);     /* 2M pages, window at the hhdm */
    bt_pc_map(&p);
    bt_kernel(&p);
    save("boot_init", "pc-2m", &p);

    bt_config(&p, 1 | (1u << 3), 0, 0, 0, 7); /* 1G pages, window at the kernel */
    bt_pc_map(&p);
    bt_kernel(&p);
    save("boot_init", "pc-1g", &p);

    bt_config(&p, 2 | (2u << 3), 3, 0, 0, 4); /* another hhdm, overlapping entries */
    bt_entry(&p, 10, 0x123, 40, 7, 0);
    bt_entry(&p, 11, 0, 40, 0, 0);
    bt_entry(&p, 11, 0, 40, 0, 4);            /* bad memory: not mapped */
    bt_entry(&p, 12, 0, 0, 0, 0);             /* length 0 */
    u8(&p, 1);
    bt_seg(&p, 100, 7, 1, 0xB);
    save("boot_init", "overlap", &p);

    bt_config(&p, 4, 0, 0, 0, 1);             /* hhdm in the kernel's slot: conflict */
    bt_entry(&p, 0, 0, 512, 0, 0);
    bt_kernel(&p);
    save("boot_init", "conflict", &p);

    bt_config(&p, 0, 0, 0, 0, 2);             /* errors in the input */
    bt_entry(&p, 0, 0, 0xFFFF, 0, 0);         /* base + length wraps */
    bt_entry(&p, 1, 0, 1, 0, 0);
    u8(&p, 2);
    bt_seg(&p, 0x8001, 1, 1, 0);              /* misaligned virt */
    bt_seg(&p, 4, 1, 1, 0x90);                /* bad attrs */
    save("boot_init", "errors", &p);

    bt_config(&p, 1 | 0x80, 0, 0, 0, 1);      /* hhdm not 1G aligned */
    bt_entry(&p, 1, 0, 1, 0, 0);
    u8(&p, 0);
    save("boot_init", "misaligned-hhdm", &p);

    bt_config(&p, 3u << 3, 0, 0, 0, 1);       /* empty window */
    bt_entry(&p, 1, 0, 1, 0, 0);
    u8(&p, 0);
    save("boot_init", "empty-window", &p);

    bt_config(&p, 0x60, 0, 0, 0, 1);          /* bitmap one word short */
    bt_entry(&p, 1, 0, 1, 0, 0);
    u8(&p, 0);
    save("boot_init", "small-bitmap", &p);

    bt_config(&p, 0, 0, 3, 0, 7);             /* a table frame fails part-way */
    bt_pc_map(&p);
    bt_kernel(&p);
    save("boot_init", "frame-fail", &p);

    bt_config(&p, 0, 0, 0, 1, 7);             /* the VMM's record allocation fails */
    bt_pc_map(&p);
    bt_kernel(&p);
    save("boot_init", "alloc-fail", &p);

    /* windows across the canonical hole's low and high edges (vmm_init
     * must refuse them: VMM_ERR_NON_CANONICAL), and one ending at the top
     * page of the address space */
    static const char *const edge[] = { "window-hole-low", "window-hole-high", "window-top" };
    for (unsigned slot = 1; slot <= 3; slot++) {
        bt_config(&p, 3u << 3, slot, 0, 0, 7);
        bt_pc_map(&p);
        bt_kernel(&p);
        save("boot_init", edge[slot - 1u], &p);
    }

    /* kernel segments ending exactly at 2^64 (the last byte of the address
     * space): accepted and mapped; one more byte would wrap (OVERFLOW) */
    bt_config(&p, 1, 0, 0, 0, 2);            /* 1G pages */
    bt_entry(&p, 0, 0x1000, 9, 0xE000, 0);
    bt_entry(&p, 1, 0, 16, 0, 0);
    bt_kernel(&p);
    OP(&p, "boot_init", BOOT_PART_TOP, 1);   /* text at the top; the others below */
    save("boot_init", "segment-top", &p);
    bt_config(&p, 0x60, 0, 0, 0, 1);          /* the higher half's window */
    bt_entry(&p, 1, 0, 16, 0, 0);
    u8(&p, 1);
    bt_seg(&p, 0, 512, 0x41, 0x2);            /* 4160 bytes: 2 pages */
    OP(&p, "boot_init", BOOT_PART_TOP, 1);
    save("boot_init", "segment-top-window", &p);
    /* direct-map runs made of several regions, each touching the next one
     * only after the first has grown the run (one record per run) */
    bt_config(&p, 0, 0, 0, 0, 4);             /* 2M pages, window at the hhdm */
    bt_entry(&p, 6, 0, 32, 0, 0);             /* [6, 8) MiB                   */
    bt_entry(&p, 4, 0, 32, 0, 0);             /* [4, 6) MiB                   */
    bt_entry(&p, 2, 0, 32, 0, 0);             /* [2, 4) MiB                   */
    bt_entry(&p, 0, 0, 16, 0, 0);             /* [0, 1) MiB                   */
    u8(&p, 0);
    save("boot_init", "chained-runs", &p);
    /* NULL map / segment arrays with entries: INVALID_ARGUMENT (none with
     * zero entries: accepted) */
    static const char *const nulls[] = { "null-map", "null-kernel", "null-both-empty" };
    for (unsigned k = 0; k < 3; k++) {
        bt_config(&p, 0, 0, 0, 0, k == 2 ? 0 : 1);
        if (k != 2)
            bt_entry(&p, 1, 0, 16, 0, 0);
        u8(&p, k == 2 ? 0 : 1);
        if (k != 2)
            bt_seg(&p, 0, 512, 0x40, 0x2);
        OP(&p, "boot_init", BOOT_PART_TOP, 0);
        OP(&p, "boot_init", BOOT_PART_NULLS, k == 0 ? 1 : k == 1 ? 2 : 3);
        save("boot_init", nulls[k], &p);
    }
}

/* ---- emu --------------------------------------------------------------- */

/* vmm_attrs_t bits, page sizes and access bytes as the emu table encodes
 * them (fuzz_ops.h). */
#define EK 1u /* kernel     */
#define EW 2u /* writable   */
#define EC 4u /* cachable   */
#define EX 8u /* executable */
#define S4K 0u
#define S2M 1u
#define S1G 2u
#define AREAD 0u
#define AWRITE 2u
#define AFETCH 4u
#define ACPL3 1u
#define WIN(w) EMU_MODE_OF_WINDOW(EMU_WINDOW_##w)

static void emu_start(prog_t *p, unsigned mode) { CONFIG(p, "emu", mode); }
static void emu_alloc(prog_t *p, unsigned pages, unsigned attrs)
{
    OP(p, "emu", EMU_OP_ALLOC, pages - 1u, attrs);
}
static void emu_set(prog_t *p, unsigned page, unsigned pages, unsigned cls, unsigned n,
                    unsigned attrs)
{
    OP(p, "emu", EMU_OP_SET, page, pages - 1u, cls, n, attrs);
}
static void emu_rec(prog_t *p, unsigned op, unsigned rec) { OP(p, "emu", op, rec); }
static void emu_reserve(prog_t *p, unsigned count, unsigned size, unsigned attrs, unsigned lazy)
{
    OP(p, "emu", EMU_OP_RESERVE, count - 1u, size, attrs, lazy);
}
static void emu_claim(prog_t *p, unsigned page, unsigned count, unsigned size, unsigned attrs,
                      unsigned lazy)
{
    OP(p, "emu", EMU_OP_CLAIM, page, count - 1u, size, attrs, lazy);
}
static void emu_map_page(prog_t *p, unsigned rec, unsigned page, unsigned attrs)
{
    OP(p, "emu", EMU_OP_MAP_PAGE, rec, page, attrs);
}
static void emu_access(prog_t *p, unsigned rec, unsigned off, unsigned access)
{
    OP(p, "emu", EMU_OP_ACCESS, rec, off, access);
}
static void emu_probe(prog_t *p) { OP(p, "emu", EMU_OP_PROBE); }
static void emu_fail(prog_t *p, unsigned which, unsigned n) { OP(p, "emu", EMU_OP_FAIL, which, n); }

static void gen_emu(void)
{
    prog_t p;
    emu_start(&p, 0); /* every attribute combination on 4K pages */
    for (unsigned a = 0; a < 16; a++)
        emu_alloc(&p, 1u + a % 3u, a);
    save("emu", "attrs-4k", &p);

    emu_start(&p, 0);
    emu_alloc(&p, 3, EW | EC);
    emu_alloc(&p, 2, EK | EX);
    emu_probe(&p);
    emu_rec(&p, EMU_OP_FREE, 0);
    emu_rec(&p, EMU_OP_FREE, 0);
    save("emu", "free-unmaps", &p);

    emu_start(&p, 0);
    emu_set(&p, 16, 4, 1, 1024, EW | EC);
    emu_set(&p, 64, 2, 2, 3, EK | EW);
    emu_set(&p, 128, 1, 3, 1, EW | EX);
    emu_set(&p, 256, 2, 0, 0, EW);
    emu_probe(&p);
    emu_rec(&p, EMU_OP_FREE, 1);
    save("emu", "set-phys", &p);

    emu_start(&p, 0);
    emu_reserve(&p, 2, S2M, EK | EW, 0);
    emu_map_page(&p, 0, 0, EK | EW | EC);
    emu_map_page(&p, 0, 1, EX);
    emu_reserve(&p, 2, S1G, EW, 0);
    emu_map_page(&p, 1, 1, EK | EX);
    emu_probe(&p);
    emu_rec(&p, EMU_OP_RELEASE, 0);
    save("emu", "large-pages", &p);

    emu_start(&p, 0); /* demand faults, the last one out of frames */
    emu_reserve(&p, 4, S4K, EW | EC, 1);
    emu_access(&p, 0, 0x1000, ACPL3 | AREAD);
    emu_access(&p, 0, 0x2000, AWRITE);
    emu_access(&p, 0, 0x2fff, ACPL3 | AFETCH);
    emu_reserve(&p, 1, S2M, EK | EX, 1);
    emu_access(&p, 1, 0x1234, AFETCH);
    emu_access(&p, 1, 0x10, ACPL3 | AREAD);
    emu_fail(&p, 0, 0);
    emu_access(&p, 0, 0x3000, AWRITE);
    save("emu", "demand", &p);

    emu_start(&p, 0);
    emu_claim(&p, 512, 2, S2M, EW, 1);
    emu_claim(&p, 0x10, 3, S4K, EK, 0);
    emu_access(&p, 0, 0x200010, ACPL3 | AWRITE);
    emu_map_page(&p, 1, 1, EK | EW);
    emu_probe(&p);
    save("emu", "claim", &p);

    emu_start(&p, EMU_MODE_BOOT | EMU_MODE_1G | EMU_MODE_FAR_REGION);
    emu_alloc(&p, 2, EK | EW | EC);
    emu_reserve(&p, 2, S4K, EK | EW, 1);
    emu_access(&p, 1, 0x1000, AWRITE);
    emu_probe(&p);
    save("emu", "boot-1g", &p);

    emu_start(&p, EMU_MODE_BOOT);
    emu_alloc(&p, 1, EK | EX);
    emu_set(&p, 8, 2, 1, 2000, EK | EW);
    emu_rec(&p, EMU_OP_FREE, 0);
    emu_probe(&p);
    save("emu", "boot-2m", &p);

    emu_start(&p, 0); /* invalid arguments, allocation failures */
    emu_alloc(&p, 1, 0x90);
    emu_reserve(&p, 1, 7, EW, 0);
    emu_claim(&p, 3, 1, S2M, EW, 0);
    emu_fail(&p, 1, 0);
    emu_alloc(&p, 1, EW);
    emu_fail(&p, 0, 0);
    emu_alloc(&p, 2, EW);
    emu_probe(&p);
    save("emu", "invalid", &p);

    /* windows across the canonical hole: init must refuse them */
    emu_start(&p, WIN(STRADDLE_LOW));
    emu_alloc(&p, 1, EW);
    emu_probe(&p);
    save("emu", "straddle-low", &p);
    emu_start(&p, WIN(STRADDLE_HIGH) | EMU_MODE_BOOT);
    emu_alloc(&p, 1, EW);
    emu_probe(&p);
    save("emu", "straddle-high-boot", &p);
    emu_start(&p, WIN(IN_HOLE) | EMU_MODE_BOOT | EMU_MODE_1G);
    emu_alloc(&p, 1, EW);
    save("emu", "in-hole-boot", &p);

    emu_start(&p, WIN(TOP));
    emu_reserve(&p, 3, S1G, EW, 1);
    emu_access(&p, 0, 0xFFFFF000u, AWRITE);
    emu_claim(&p, 0xFFFF, 1, S4K, EK | EW, 0);
    emu_alloc(&p, 8, EW | EC);
    emu_probe(&p);
    save("emu", "top", &p);

    emu_start(&p, WIN(TOP_SMALL) | EMU_MODE_BOOT);
    emu_reserve(&p, 1, S2M, EK | EW, 1);
    emu_access(&p, 0, 0x1FFFFF, AWRITE);
    emu_alloc(&p, 2, EK);
    emu_probe(&p);
    save("emu", "top-small-boot", &p);

    emu_start(&p, WIN(HOLE_EDGE));
    emu_claim(&p, 0xDFF, 1, S4K, EW | EX, 1);
    emu_access(&p, 0, 0xFFF, ACPL3 | AFETCH);
    emu_probe(&p);
    save("emu", "hole-edge", &p);

    emu_start(&p, WIN(HIGH_EDGE) | EMU_MODE_BOOT);
    emu_alloc(&p, 1, EK | EW);
    emu_set(&p, 0, 2, 0, 0, EK);
    emu_probe(&p);
    save("emu", "high-edge-boot", &p);

    /* more than 64 frames in use below the pmm's hint: its word-skipping
     * search, within the op limit (EMU_MAX_OPS) */
    emu_start(&p, 0);
    for (unsigned i = 0; i < 12; i++)
        emu_alloc(&p, 8, EW);
    emu_rec(&p, EMU_OP_FREE, 2);
    emu_alloc(&p, 1, EW);
    emu_alloc(&p, 8, EW | EC);
    emu_alloc(&p, 8, EW);
    save("emu", "many-frames", &p);

    emu_start(&p, EMU_MODE_PROBE_EACH);
    emu_alloc(&p, 1, EW);
    emu_reserve(&p, 1, S2M, EW | EX, 1);
    emu_access(&p, 1, 0x1fffff, ACPL3 | AFETCH);
    emu_rec(&p, EMU_OP_RELEASE, 1);
    save("emu", "paranoid", &p);
}

/* ---- pmm ------------------------------------------------------------------ */

static void pm_entry(prog_t *p, unsigned base256, unsigned len64, unsigned type)
{
    put_widths(p, "pmm entry", PMM_ENTRY, VALUES(base256, len64, type));
}
#define PM_ADDR(frame, odd) ((frame) | ((odd) ? 0x8000u : 0))

static void gen_pmm(void)
{
    prog_t p;
    /* a PC-like map: low RAM, a reserved hole, RAM with a module inside */
    CONFIG(&p, "pmm", 5);
    pm_entry(&p, 0x10, 0x2780, 0);       /* [4K, 636K) usable              */
    pm_entry(&p, 0x9F0, 0x1840, 1);      /* reserved up to 1 MiB           */
    pm_entry(&p, 0x1000, 0xC000, 0);     /* [1 MiB, 4 MiB) usable          */
    pm_entry(&p, 0x2003, 0x20, 6);       /* module, unaligned: reserves 2  */
    pm_entry(&p, 0x3FF8, 0x100, 0);      /* usable, partly outside frames  */
    OP(&p, "pmm", PMM_OP_ALLOC);
    OP(&p, "pmm", PMM_OP_ALLOC);
    OP(&p, "pmm", PMM_OP_ALLOC_CONTIGUOUS, 8, 3);
    OP(&p, "pmm", PMM_OP_FRAMES_ALLOC, 200, 7);
    OP(&p, "pmm", PMM_OP_FRAMES_ALLOC, 2, 0x83);
    OP(&p, "pmm", PMM_OP_FREE, PM_ADDR(1, 0));
    OP(&p, "pmm", PMM_OP_FREE, PM_ADDR(1, 0));
    OP(&p, "pmm", PMM_OP_FREE, PM_ADDR(200, 0));
    OP(&p, "pmm", PMM_OP_FREE, PM_ADDR(5, 1));
    OP(&p, "pmm", PMM_OP_FREE, PM_ADDR(0x7FFF, 0));
    OP(&p, "pmm", PMM_OP_CLAIM, PM_ADDR(300, 0));
    OP(&p, "pmm", PMM_OP_CLAIM, PM_ADDR(300, 0));
    OP(&p, "pmm", PMM_OP_QUERY, PM_ADDR(300, 0));
    OP(&p, "pmm", PMM_OP_QUERY, PM_ADDR(0x200, 0));
    OP(&p, "pmm", PMM_OP_RESERVE, 0x1400, 0x100);
    OP(&p, "pmm", PMM_OP_RESERVE, 0x12C0, 0x40);
    OP(&p, "pmm", PMM_OP_RESERVE, 0x10, 0);
    OP(&p, "pmm", PMM_OP_RESERVE, 0x10, 0xFFFF);
    OP(&p, "pmm", PMM_OP_RESERVE, 0x3000, 0xFFFE); /* to exactly 2^64 */
    OP(&p, "pmm", PMM_OP_FRAMES_CLAIM, PM_ADDR(250, 0), 20);
    OP(&p, "pmm", PMM_OP_FRAMES_FREE, PM_ADDR(250, 0), 20);
    OP(&p, "pmm", PMM_OP_FRAMES_FREE, PM_ADDR(250, 0), 20);
    OP(&p, "pmm", PMM_OP_FRAMES_CLAIM, PM_ADDR(150, 0), 100);
    OP(&p, "pmm", PMM_OP_FRAMES_FREE, PM_ADDR(150, 0), 0);
    OP(&p, "pmm", PMM_OP_CHECK_ALL);
    save("pmm", "pc", &p);

    /* no usable frame at all; then one frame only, allocated twice */
    CONFIG(&p, "pmm", 2);
    pm_entry(&p, 0, 0x3F, 0);            /* less than a frame */
    pm_entry(&p, 0x100, 0x100, 2);
    save("pmm", "empty", &p);
    CONFIG(&p, "pmm", 1);
    pm_entry(&p, 0x10, 0x40, 0);
    OP(&p, "pmm", PMM_OP_ALLOC);
    OP(&p, "pmm", PMM_OP_ALLOC);
    OP(&p, "pmm", PMM_OP_FREE, PM_ADDR(1, 0));
    OP(&p, "pmm", PMM_OP_ALLOC_CONTIGUOUS, 1, 1);
    save("pmm", "one-frame", &p);

    /* every public call with one NULL pointer argument (status.h's rule) */
    CONFIG(&p, "pmm", 1);
    pm_entry(&p, 0x10, 0x400, 0);
    OP(&p, "pmm", PMM_OP_ALLOC);
    for (unsigned call = 0; call < 11; call++)
        OP(&p, "pmm", PMM_OP_NULL_ARG, call, PM_ADDR(2, 0));
    OP(&p, "pmm", PMM_OP_CHECK_ALL);
    save("pmm", "null-args", &p);

    /* frames.in_use: allocated, free, reserved, unmanaged (none of the
     * range managed: VMM_OK), across the managed end, misaligned, count 0 */
    CONFIG(&p, "pmm", 2);
    pm_entry(&p, 0x10, 0x2780, 0);       /* [4K, 636K) usable              */
    pm_entry(&p, 0x9F0, 0x1840, 1);      /* reserved up to 1 MiB           */
    OP(&p, "pmm", PMM_OP_FRAMES_ALLOC, 4, 0);
    OP(&p, "pmm", PMM_OP_FRAMES_IN_USE, PM_ADDR(1, 0), 4);
    OP(&p, "pmm", PMM_OP_FRAMES_IN_USE, PM_ADDR(1, 0), 5);
    OP(&p, "pmm", PMM_OP_FRAMES_IN_USE, PM_ADDR(0, 0), 1);
    OP(&p, "pmm", PMM_OP_FRAMES_IN_USE, PM_ADDR(200, 0), 50);
    OP(&p, "pmm", PMM_OP_FRAMES_IN_USE, PM_ADDR(0x7000, 0), 4);
    OP(&p, "pmm", PMM_OP_FRAMES_IN_USE, PM_ADDR(250, 0), 255);
    OP(&p, "pmm", PMM_OP_FRAMES_IN_USE, PM_ADDR(150, 0), 255);
    OP(&p, "pmm", PMM_OP_FRAMES_IN_USE, PM_ADDR(1, 1), 1);
    OP(&p, "pmm", PMM_OP_FRAMES_IN_USE, PM_ADDR(1, 0), 0);
    OP(&p, "pmm", PMM_OP_CHECK_ALL);
    save("pmm", "frames-in-use", &p);
}

/* ---- aspace ------------------------------------------------------------ */

/* window bytes (fuzz_aspace.c windows[]) and their flags */
#define AS_BOTTOM 0u
#define AS_MID 1u
#define AS_TOP 2u
#define AS_WHOLE 3u
#define AS_SMALL 4u
#define AS_ACROSS 5u
#define AS_BELOW 6u
#define AS_ABOVE 7u
#define AS_EMPTY 8u
#define AS_MISALIGNED 9u
#define AS_KERNEL 10u
#define AS_WRAPPER 0x40u
#define AS_QUEUE 0x80u
#define AS_RW 0x3u /* WRITABLE | CACHABLE: a user page */

static void gen_aspace(void)
{
    prog_t p;
    /* two spaces over one kernel: kernel pages seen by both, user pages by
     * their own only; switch; destroy returns everything */
    CONFIG(&p, "aspace", 0, 0);
    OP(&p, "aspace", ASPACE_OP_KMAP, 1, 0, 3);
    OP(&p, "aspace", ASPACE_OP_CREATE, 0, AS_MID);
    OP(&p, "aspace", ASPACE_OP_CREATE, 1, AS_BOTTOM);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 0, 3, AS_RW);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 1, 5, 0x1);
    OP(&p, "aspace", ASPACE_OP_KMAP, 2, 3, 1);
    OP(&p, "aspace", ASPACE_OP_SWITCH, 0);
    OP(&p, "aspace", ASPACE_OP_SWITCH, 1);
    OP(&p, "aspace", ASPACE_OP_KUNMAP, 0);
    OP(&p, "aspace", ASPACE_OP_CHECK_ALL);
    OP(&p, "aspace", ASPACE_OP_FREE, 0, 0);
    OP(&p, "aspace", ASPACE_OP_DESTROY, 1);
    OP(&p, "aspace", ASPACE_OP_DESTROY, 1);
    OP(&p, "aspace", ASPACE_OP_CHECK_ALL);
    save("aspace", "two-spaces", &p);
    /* the release queue: emptied tables wait until flush; a space across a
     * PML4 slot frees two PDPTs; destroy bypasses the queue */
    CONFIG(&p, "aspace", 0, 0);
    OP(&p, "aspace", ASPACE_OP_CREATE, 0, AS_ACROSS | AS_QUEUE);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 0, 15, AS_RW);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 0, 4, AS_RW);
    OP(&p, "aspace", ASPACE_OP_FREE, 0, 0);
    OP(&p, "aspace", ASPACE_OP_CHECK_ALL);
    OP(&p, "aspace", ASPACE_OP_FLUSH);
    OP(&p, "aspace", ASPACE_OP_FREE, 0, 0);
    OP(&p, "aspace", ASPACE_OP_CREATE, 2, AS_TOP | AS_QUEUE | AS_WRAPPER);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 2, 15, AS_RW);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 2, 0, AS_RW);
    OP(&p, "aspace", ASPACE_OP_FREE, 2, 1);
    OP(&p, "aspace", ASPACE_OP_DESTROY, 2);
    OP(&p, "aspace", ASPACE_OP_FLUSH);
    save("aspace", "queue", &p);
    /* windows the core must refuse, every bad argument, the kernel half
     * through a space's own tables */
    CONFIG(&p, "aspace", 0, 0);
    OP(&p, "aspace", ASPACE_OP_CREATE, 0, AS_BELOW);
    OP(&p, "aspace", ASPACE_OP_CREATE, 0, AS_ABOVE);
    OP(&p, "aspace", ASPACE_OP_CREATE, 0, AS_EMPTY);
    OP(&p, "aspace", ASPACE_OP_CREATE, 0, AS_MISALIGNED);
    OP(&p, "aspace", ASPACE_OP_CREATE, 0, AS_KERNEL);
    for (unsigned k = 0; k < 14; k++)
        OP(&p, "aspace", ASPACE_OP_CREATE_BAD, 1, k);
    OP(&p, "aspace", ASPACE_OP_KERNEL_VIA_SPACE, 2, 0, 0, 0);
    OP(&p, "aspace", ASPACE_OP_KERNEL_VIA_SPACE, 2, 1, 0, 0);
    OP(&p, "aspace", ASPACE_OP_CREATE, 0, AS_WHOLE);
    OP(&p, "aspace", ASPACE_OP_KMAP, 0, 7, 3);
    OP(&p, "aspace", ASPACE_OP_KMAP, 0, 7, 3);
    for (unsigned k = 0; k < 3; k++)
        OP(&p, "aspace", ASPACE_OP_KERNEL_VIA_SPACE, 0, k, 0, 7);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 0, 2, 0x83);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 0, 2, 0xC0);
    OP(&p, "aspace", ASPACE_OP_CHECK_ALL);
    save("aspace", "refused", &p);
    /* small window filled up (NO_SPACE), allocator and frame failures part-way */
    CONFIG(&p, "aspace", 0, 0);
    OP(&p, "aspace", ASPACE_OP_CREATE, 3, AS_SMALL | AS_WRAPPER);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 3, 4, AS_RW);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 3, 4, AS_RW);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 3, 0, AS_RW);
    OP(&p, "aspace", ASPACE_OP_FREE, 3, 0);
    OP(&p, "aspace", ASPACE_OP_FAIL, 0, 3, 0);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 3, 1, AS_RW);
    OP(&p, "aspace", ASPACE_OP_FAIL, 1, 0, 1);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 3, 3, AS_RW);
    OP(&p, "aspace", ASPACE_OP_FAIL, 1, 0, 0);
    OP(&p, "aspace", ASPACE_OP_CREATE, 1, AS_MID);
    OP(&p, "aspace", ASPACE_OP_FAIL, 0, 3, 0);
    OP(&p, "aspace", ASPACE_OP_FREE, 3, 0);
    OP(&p, "aspace", ASPACE_OP_CHECK_ALL);
    save("aspace", "failures", &p);
    CONFIG(&p, "aspace", 1, 1);
    OP(&p, "aspace", ASPACE_OP_CREATE, 0, AS_MID);
    OP(&p, "aspace", ASPACE_OP_CREATE, 0, AS_MID);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 0, 1, AS_RW);
    save("aspace", "fail-first", &p);
    /* pages unmapped behind the VMM's back (across a 2 MiB line, in the
     * wrapper's space too): free refused, destroy returns every frame */
    CONFIG(&p, "aspace", 0, 0);
    OP(&p, "aspace", ASPACE_OP_CREATE, 0, AS_ACROSS | AS_QUEUE);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 0, 7, AS_RW);
    OP(&p, "aspace", ASPACE_OP_UNMAP_BEHIND, 0, 0, 1);
    OP(&p, "aspace", ASPACE_OP_UNMAP_BEHIND, 0, 0, 6);
    OP(&p, "aspace", ASPACE_OP_UNMAP_BEHIND, 0, 0, 2);
    OP(&p, "aspace", ASPACE_OP_FREE, 0, 0);
    OP(&p, "aspace", ASPACE_OP_CHECK_ALL);
    OP(&p, "aspace", ASPACE_OP_CREATE, 1, AS_MID | AS_WRAPPER);
    OP(&p, "aspace", ASPACE_OP_ALLOC, 1, 3, AS_RW);
    OP(&p, "aspace", ASPACE_OP_UNMAP_BEHIND, 1, 0, 3);
    OP(&p, "aspace", ASPACE_OP_FREE, 1, 0);
    OP(&p, "aspace", ASPACE_OP_DESTROY, 1);
    OP(&p, "aspace", ASPACE_OP_DESTROY, 0);
    OP(&p, "aspace", ASPACE_OP_FLUSH);
    OP(&p, "aspace", ASPACE_OP_CHECK_ALL);
    save("aspace", "unmap-behind", &p);
}

/* ---- hbitmap ------------------------------------------------------------ */

/* The hbitmap corpus is the fuzzers' (merged runs); the seeds here reach
 * what a run does not. */
static void gen_hbitmap(void)
{
    prog_t p;
    /* every refusal of hbitmap_init (fuzz_hbitmap.c op_bad_init: kind % 6;
     * kind 11: one more past HBITMAP_MAX_ENTRIES), on the smallest window
     * and on the largest, between updates of the window */
    static const unsigned window[2] = { 0, 9 };
    for (unsigned w = 0; w < 2; w++) {
        CONFIG(&p, "hbitmap", window[w], 0);
        OP(&p, "hbitmap", HB_OP_SET_RANGE, 0, 0, 0, 1, 0);
        for (unsigned kind = 0; kind < 6; kind++)
            OP(&p, "hbitmap", HB_OP_BAD_INIT, kind);
        OP(&p, "hbitmap", HB_OP_BAD_INIT, 11);
        OP(&p, "hbitmap", HB_OP_CHECK_ALL);
        save("hbitmap", w == 0 ? "bad-init-small" : "bad-init-largest", &p);
    }
}

/* Compares the dictionaries the tables give with dir/<target>.dict.
 * Returns 0 when all match, 1 (naming each) otherwise. */
static int check_dicts(const char *dir)
{
    int rc = 0;
    for (unsigned i = 0; i < fuzz_format_count; i++) {
        char path[4096], want[16384], have[16384];
        FILE *mem = fmemopen(want, sizeof want, "w");
        if (!mem)
            return 1;
        write_dict(mem, &fuzz_formats[i]);
        long wn = ftell(mem);
        fclose(mem);
        snprintf(path, sizeof path, "%s/%s.dict", dir, fuzz_formats[i].target);
        FILE *f = fopen(path, "r");
        size_t hn = f ? fread(have, 1, sizeof have, f) : 0;
        if (f)
            fclose(f);
        if (wn < 0 || hn != (size_t)wn || memcmp(want, have, hn) != 0) {
            fprintf(stderr, "%s differs from the table in harness/fuzz_ops.h: run "
                            "./fuzz.sh gen\n", path);
            rc = 1;
        }
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--ops") == 0) {
        print_tables();
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--max-len") == 0) {
        printf("%u\n", format(argv[2])->max_len);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--check-dicts") == 0)
        return check_dicts(argv[2]);
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: %s OUTDIR | --check-dicts CORPUSDIR | --ops | --max-len TARGET\n", argv[0]);
        return 1;
    }
    out_dir = argv[1];
    make_dir(out_dir);
    gen_bitmap();
    gen_paging();
    gen_vmm();
    gen_boot_init();
    gen_pmm();
    gen_aspace();
    gen_emu();
    gen_hbitmap();
    save_dicts();
    return 0;
}
