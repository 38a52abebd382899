/*
 * fuzz_paging.c - fuzz target: x86_64 map / unmap / translate at 4K, 2M and
 * 1G against a model of the address space (a list of mappings), with the
 * tables in host memory (frame_pool) read back by an independent walker
 * (fuzz_walk). Opcodes: fuzz_ops.h.
 *
 * After every op: the status is one the model allows, the op's pages walk to
 * what the model says, table frames in use equal pt.table_frames. A failed op
 * must leave the model's view, the table count and (config flag) every table
 * byte unchanged. CHECK_ALL and the end of every input walk all tables: the
 * leaves are exactly the model's, nothing else is mapped, no frame leaks.
 * The flag also walks all tables after every op that may have changed them:
 * not after an op that never called the core (nop, fail_frames, check_all),
 * nor after a failed op whose snapshot proved every table frame unchanged
 * (same tables, same model: the last walk's verdict stands).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/x86_64/paging.h"
#include "fuzz_check.h"
#include "fuzz_data.h"
#include "fuzz_driver.h"
#include "fuzz_walk.h"

#define POOL_FRAMES 512u
#define POOL_BASE 0x100000ull         /* tables live at 1 MiB and up      */
#define MAX_MAPS 2048u                /* model capacity (pages)           */
#define MAX_RUN 8u                    /* pages per map/unmap op           */
#define RUN_OVERFLOW 0xFFu            /* n byte asking for a wrapping len */
#define REGION_COUNT 8u
#define REGION_MASK 0x7u
#define UNIT_SHIFT 3u                 /* region byte bits 3..4: slot unit */
#define UNIT_MASK 0x3u
#define ATTR_RAW_FLAG 0x80u           /* attrs byte: raw (maybe invalid)  */
#define PHYS_RAW_FLAG 0x80000000u     /* phys: 4K granular, else * size   */
#define PHYS_HUGE 0x7FFFFFFFu         /* phys: just below 2^52            */
#define FLAG_PARANOID 0x1u            /* config: full check after each op */

/* Bases the fuzzer picks from: both halves, their edges, the kernel slot,
 * a non-canonical address. */
static const uint64_t region_base[REGION_COUNT] = {
    0x0000000000000000ull, 0x0000000040000000ull, 0x00007FFFC0000000ull,
    0xFFFF800000000000ull, X86_KERNEL_BASE,       0xFFFFFFFFC0000000ull,
    0x0000800000000000ull, 0x0000001000000000ull,
};
static const uint64_t unit_size[4] = { VMM_SIZE_4K, VMM_SIZE_2M, VMM_SIZE_1G, VMM_SIZE_4K };

typedef struct mapping {
    uint64_t virt, phys, size;
    vmm_attrs_t attrs;
} mapping_t;

typedef struct paging_state {
    frame_pool_t pool;
    fail_frames_t ff;      /* the core's frame source: pool, failing on demand */
    x86_paging_t pt;
    bool paranoid;
    bool full_check_due;   /* paranoid: the last op may have changed a table */
    mapping_t maps[MAX_MAPS];
    size_t nmaps;
    /* full-check scratch */
    size_t leaves_seen;
    uint8_t *snapshot;
    uint16_t snapshot_frame[POOL_FRAMES]; /* pool index of each copied frame */
    size_t snapshot_tables;
} paging_state_t;

typedef struct request {
    uint64_t virt, phys, len, size;
    vmm_attrs_t attrs;
} request_t;

/* ---------------------------------------------------------------- model */

/* The model's pages are kept sorted by virt (they never overlap), so every
 * lookup is a binary search: the per-op checks look up ~20 addresses and
 * the full check every leaf, and a linear scan made both grow with the
 * model (quadratic full check, ~1 ms per input near MAX_MAPS pages). */

/* Returns the number of model pages whose virt is <= va. */
static size_t model_rank(const paging_state_t *s, uint64_t va)
{
    size_t lo = 0, hi = s->nmaps;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2u;
        if (s->maps[mid].virt <= va)
            lo = mid + 1u;
        else
            hi = mid;
    }
    return lo;
}

/* Returns the model mapping overlapping [va, va + size), or NULL: the last
 * page starting at or below the range's last byte is the only candidate
 * (pages are disjoint and sorted, so their ends are sorted too). */
static mapping_t *model_overlap(paging_state_t *s, uint64_t va, uint64_t size)
{
    uint64_t last = va + (size - 1u) < va ? UINT64_MAX : va + (size - 1u);
    size_t i = model_rank(s, last);
    if (i == 0)
        return NULL;
    mapping_t *m = &s->maps[i - 1u];
    return va <= m->virt + (m->size - 1u) ? m : NULL;
}

/* Returns the model mapping holding va, or NULL. */
static mapping_t *model_find(paging_state_t *s, uint64_t va)
{
    return model_overlap(s, va, 1);
}

/* Adds the pages of a successful map (n pages of size from virt, phys):
 * one block at their sorted place (the model found no overlap). */
static void model_add(paging_state_t *s, const request_t *r)
{
    size_t n = (size_t)(r->len / r->size);
    FUZZ_CHECK(n <= MAX_MAPS - s->nmaps, "paging-model-full", "model capacity");
    size_t at = model_rank(s, r->virt);
    memmove(&s->maps[at + n], &s->maps[at], (s->nmaps - at) * sizeof s->maps[0]);
    for (size_t k = 0; k < n; k++)
        s->maps[at + k] = (mapping_t){ r->virt + k * r->size, r->phys + k * r->size, r->size,
                                       r->attrs };
    s->nmaps += n;
}

/* Returns true when page_size is one of the three. */
static bool size_ok(uint64_t size)
{
    return size == VMM_SIZE_4K || size == VMM_SIZE_2M || size == VMM_SIZE_1G;
}

/* Returns true when va is canonical. */
static bool canonical(uint64_t va) { return X86_CANONICAL(va); }

/* Adds to *allowed (a bit per status) every argument error of the range
 * part of a request; returns true when there is one. */
static bool range_errors(const request_t *r, uint64_t *allowed)
{
    uint64_t a = 0;
    if (!size_ok(r->size) || r->len == 0)
        a |= 1ull << VMM_ERR_INVALID_ARGUMENT;
    if (size_ok(r->size) && ((r->virt | r->len) & (r->size - 1u)))
        a |= 1ull << VMM_ERR_MISALIGNED;
    if (r->len && r->len - 1u > UINT64_MAX - r->virt)
        a |= 1ull << VMM_ERR_OVERFLOW;
    else if (r->len) {
        uint64_t last = r->virt + (r->len - 1u);
        if (!canonical(r->virt) || !canonical(last) ||
            (r->virt >> (X86_VA_BITS - 1u)) != (last >> (X86_VA_BITS - 1u)))
            a |= 1ull << VMM_ERR_NON_CANONICAL;
    }
    *allowed |= a;
    return a != 0;
}

/* Returns the statuses a map request may return (bit per status); *ok =
 * success is the only right answer (frame failures aside). */
static uint64_t map_expect(paging_state_t *s, const request_t *r)
{
    uint64_t a = 0;
    if (r->attrs & ~VMM_ATTR_ALL)
        a |= 1ull << VMM_ERR_INVALID_ARGUMENT;
    range_errors(r, &a);
    if (size_ok(r->size) && (r->phys & (r->size - 1u)))
        a |= 1ull << VMM_ERR_MISALIGNED;
    if (r->phys >= X86_PHYS_MAX || r->len > X86_PHYS_MAX - r->phys)
        a |= 1ull << VMM_ERR_INVALID_PHYS;
    if (a)
        return a;
    for (uint64_t off = 0; off < r->len; off += r->size) {
        mapping_t *m = model_overlap(s, r->virt + off, r->size);
        if (m)
            a |= 1ull << (m->size == r->size ? VMM_ERR_ALREADY_MAPPED
                                             : VMM_ERR_LARGE_PAGE_CONFLICT);
    }
    return a;
}

/* Returns the statuses an unmap request may return (0: must succeed). */
static uint64_t unmap_expect(paging_state_t *s, const request_t *r)
{
    uint64_t a = 0;
    if (range_errors(r, &a))
        return a;
    for (uint64_t off = 0; off < r->len; off += r->size) {
        uint64_t va = r->virt + off;
        mapping_t *m = model_overlap(s, va, r->size);
        if (!m)
            a |= 1ull << VMM_ERR_NOT_MAPPED;
        else if (m->size != r->size || m->virt != va)
            a |= 1ull << VMM_ERR_LARGE_PAGE_CONFLICT;
        /* a different-size mapping may sit beside an unmapped hole */
        if (m && m->size < r->size)
            a |= 1ull << VMM_ERR_NOT_MAPPED;
    }
    return a;
}

/* ---------------------------------------------------------------- checks */

/* Checks one page of the model against the tables (own walker). */
static void check_va(paging_state_t *s, uint64_t va)
{
    if (!canonical(va))
        return;
    x86_pte_t leaf = 0;
    uint64_t size = 0;
    bool mapped = fuzz_walk_va(&s->pool, s->pt.pml4, va, &leaf, &size);
    mapping_t *m = model_find(s, va);
    FUZZ_CHECK(mapped == (m != NULL), "paging-mapped",
               "va 0x%llx is %s in the tables but %s in the model",
               (unsigned long long)va, mapped ? "mapped" : "not mapped",
               m ? "mapped" : "not mapped");
    if (!m)
        return;
    x86_pte_t want = fuzz_expected_pte(m->attrs, m->size, va);
    FUZZ_CHECK(size == m->size, "paging-page-size", "va 0x%llx: size 0x%llx, model 0x%llx",
               (unsigned long long)va, (unsigned long long)size, (unsigned long long)m->size);
    FUZZ_CHECK(X86_PTE_ADDR(leaf) == m->phys, "paging-frame",
               "va 0x%llx: frame 0x%llx, model 0x%llx", (unsigned long long)va,
               (unsigned long long)X86_PTE_ADDR(leaf), (unsigned long long)m->phys);
    FUZZ_CHECK((leaf & ~X86_PTE_ADDR_MASK) == want, "paging-flags",
               "va 0x%llx: flags 0x%llx, attrs 0x%x want 0x%llx", (unsigned long long)va,
               (unsigned long long)(leaf & ~X86_PTE_ADDR_MASK), m->attrs,
               (unsigned long long)want);
}

/* Checks the pages of a request range (at most MAX_RUN pages and their
 * neighbours) and the frame accounting. */
static void check_touched(paging_state_t *s, const request_t *r)
{
    FUZZ_CHECK(s->pt.table_frames == frame_pool_in_use(&s->pool), "paging-table-frames",
               "pt.table_frames %zu, frames in use %zu", s->pt.table_frames,
               frame_pool_in_use(&s->pool));
    if (!size_ok(r->size) || r->len == 0 || r->len > MAX_RUN * r->size)
        return;
    for (uint64_t off = 0; off <= r->len; off += r->size) {
        check_va(s, r->virt + off);
        check_va(s, r->virt + off + (r->size - 1u));
    }
    check_va(s, r->virt - 1u);
}

/* fuzz_walk_all callback: the leaf must be a model mapping, exactly. */
static void leaf_seen(void *ctx, uint64_t va, x86_pte_t leaf, uint64_t size)
{
    paging_state_t *s = ctx;
    mapping_t *m = model_find(s, va);
    FUZZ_CHECK(m && m->virt == va && m->size == size, "paging-stray-leaf",
               "va 0x%llx (size 0x%llx) is mapped, the model has no such page",
               (unsigned long long)va, (unsigned long long)size);
    FUZZ_CHECK(X86_PTE_ADDR(leaf) == m->phys &&
                   (leaf & ~X86_PTE_ADDR_MASK) == fuzz_expected_pte(m->attrs, size, va),
               "paging-leaf", "va 0x%llx: entry 0x%llx, model phys 0x%llx attrs 0x%x",
               (unsigned long long)va, (unsigned long long)leaf,
               (unsigned long long)m->phys, m->attrs);
    s->leaves_seen++;
}

/* Walks everything: leaves == model, tables == counters. */
static void check_all(paging_state_t *s)
{
    s->leaves_seen = 0;
    size_t tables = fuzz_walk_all(&s->pool, s->pt.pml4, leaf_seen, s);
    FUZZ_CHECK(s->leaves_seen == s->nmaps, "paging-leaf-count",
               "%zu leaves in the tables, %zu pages in the model", s->leaves_seen, s->nmaps);
    FUZZ_CHECK(tables == s->pt.table_frames && tables == frame_pool_in_use(&s->pool),
               "paging-table-count", "walk found %zu tables, pt says %zu, frames in use %zu",
               tables, s->pt.table_frames, frame_pool_in_use(&s->pool));
}

/* Copies every in-use pool frame and its index (paranoid snapshots of ops
 * that may fail); stops at the last frame in use. */
static void snapshot_take(paging_state_t *s)
{
    size_t k = 0, in_use = frame_pool_in_use(&s->pool);
    for (size_t i = 0; i < s->pool.nframes && k < in_use; i++) {
        if (!s->pool.used[i])
            continue;
        s->snapshot_frame[k] = (uint16_t)i;
        memcpy(s->snapshot + k++ * VMM_PAGE_SIZE, s->pool.host + i * VMM_PAGE_SIZE,
               VMM_PAGE_SIZE);
    }
    s->snapshot_tables = k;
}

/* Compares the pool with the snapshot: same frames in use, same bytes. */
static void snapshot_check(paging_state_t *s)
{
    FUZZ_CHECK(frame_pool_in_use(&s->pool) == s->snapshot_tables, "paging-failed-op-changed",
               "a failed op changed the number of table frames (%zu -> %zu)",
               s->snapshot_tables, frame_pool_in_use(&s->pool));
    size_t k = 0;
    for (size_t i = 0; i < s->pool.nframes && k < s->snapshot_tables; i++) {
        if (!s->pool.used[i])
            continue;
        FUZZ_CHECK(s->snapshot_frame[k] == i &&
                       memcmp(s->snapshot + k * VMM_PAGE_SIZE,
                              s->pool.host + i * VMM_PAGE_SIZE, VMM_PAGE_SIZE) == 0,
                   "paging-failed-op-changed", "a failed op changed table frame %zu", i);
        k++;
    }
}

/* Returns true when a map/unmap the model judged (allowed) may fail: an
 * argument error, an armed frame failure, or a pool about to run out (what
 * judge accepts). Paranoid runs snapshot exactly these ops. */
static bool may_fail(paging_state_t *s, uint64_t allowed)
{
    return allowed != 0 || s->ff.countdown >= 0 ||
           frame_pool_in_use(&s->pool) + 4 > s->pool.nframes;
}

/* Paranoid check of a failed op: it was foreseen (snapshot taken) and left
 * every table frame as it was. The model is unchanged too, so the last full
 * check's verdict stands: the full check after this op is not due. */
static void failed_op_paranoid(paging_state_t *s, bool snapped)
{
    FUZZ_CHECK(snapped, "paging-failed-op-changed",
               "an op failed that could not (frames in use %zu, no failure armed)",
               frame_pool_in_use(&s->pool));
    snapshot_check(s);
    s->full_check_due = false;
}

/* ---------------------------------------------------------------- ops */

/* Reads va: region byte (base, unit) and slot. */
static uint64_t read_va(fuzz_data_t *fd)
{
    uint8_t r = fd_u8(fd);
    uint64_t slot = fd_u16(fd);
    return region_base[r & REGION_MASK] + slot * unit_size[(r >> UNIT_SHIFT) & UNIT_MASK];
}

/* Reads size byte: 0 4K, 1 2M, 2 1G, else an invalid size. */
static uint64_t read_size(fuzz_data_t *fd)
{
    uint8_t v = fd_u8(fd);
    return v < 3 ? unit_size[v] : (uint64_t)v << 12;
}

/* Reads the page count: v % 9 pages, or a length that wraps. */
static uint64_t read_len(fuzz_data_t *fd, uint64_t size)
{
    uint8_t v = fd_u8(fd);
    if (v == RUN_OVERFLOW)
        return 0 - size;
    return (uint64_t)(v % (MAX_RUN + 1u)) * size;
}

/* Reads phys: frame * size, raw 4K frame, or just below 2^52. */
static uint64_t read_phys(fuzz_data_t *fd, uint64_t size)
{
    uint32_t v = fd_u32(fd);
    if (v == PHYS_HUGE)
        return X86_PHYS_MAX - VMM_SIZE_4K;
    if (v & PHYS_RAW_FLAG)
        return (uint64_t)(v & ~PHYS_RAW_FLAG) << VMM_PAGE_SHIFT;
    return (uint64_t)v * (size_ok(size) ? size : VMM_SIZE_4K);
}

/* Reads attrs: valid bits, or a raw byte (maybe invalid). */
static vmm_attrs_t read_attrs(fuzz_data_t *fd)
{
    uint8_t v = fd_u8(fd);
    return (v & ATTR_RAW_FLAG) ? (vmm_attrs_t)(v & ~ATTR_RAW_FLAG) : (v & VMM_ATTR_ALL);
}

/* Checks got against the allowed set; frame failure allowed when the pool
 * failed during the op. Returns true when the op succeeded. */
static bool judge(paging_state_t *s, vmm_status_t got, uint64_t allowed,
                  size_t failures_before, const char *check)
{
    bool frames_failed = s->ff.failures != failures_before;
    if (got == VMM_OK) {
        FUZZ_CHECK(allowed == 0, check, "succeeded; model expects an error (mask 0x%llx)",
                   (unsigned long long)allowed);
        return true;
    }
    if (got == VMM_ERR_OUT_OF_FRAMES && allowed == 0) {
        FUZZ_CHECK(frames_failed || frame_pool_in_use(&s->pool) + 4 > s->pool.nframes, check,
                   "OUT_OF_FRAMES but the frame source never failed");
        return false;
    }
    FUZZ_CHECK(got < 64 && (allowed >> got) & 1u, check, "returned %s, model allows mask 0x%llx%s",
               vmm_strerror(got), (unsigned long long)allowed, allowed ? "" : " (must succeed)");
    return false;
}

/* Runs a map (directly or through the mapper interface). */
static void op_map(paging_state_t *s, fuzz_data_t *fd, bool via_mapper)
{
    request_t r;
    r.virt = read_va(fd);
    r.size = read_size(fd);
    r.len = read_len(fd, r.size);
    r.phys = read_phys(fd, r.size);
    r.attrs = read_attrs(fd);
    uint64_t allowed = map_expect(s, &r);
    size_t failures = s->ff.failures;
    size_t tables = s->pt.table_frames;
    bool snapped = s->paranoid && may_fail(s, allowed);
    if (snapped)
        snapshot_take(s);
    vmm_status_t got;
    if (via_mapper) {
        vmm_mapper_t m = x86_paging_mapper(&s->pt);
        got = m.map(m.ctx, r.virt, r.phys, r.len, r.size, r.attrs);
    } else {
        got = x86_map(&s->pt, r.virt, r.phys, r.len, r.size, r.attrs);
    }
    TRACE("%smap(virt=0x%llx, phys=0x%llx, len=0x%llx, size=0x%llx, attrs=0x%x) -> %s",
          via_mapper ? "mapper." : "", (unsigned long long)r.virt, (unsigned long long)r.phys,
          (unsigned long long)r.len, (unsigned long long)r.size, r.attrs, fuzz_status(got));
    if (judge(s, got, allowed, failures, "paging-map-status")) {
        model_add(s, &r);
    } else {
        FUZZ_CHECK(s->pt.table_frames == tables, "paging-failed-op-changed",
                   "failed map changed table_frames %zu -> %zu", tables, s->pt.table_frames);
        if (s->paranoid)
            failed_op_paranoid(s, snapped);
    }
    check_touched(s, &r);
}

/* Removes the model page at va (must exist). */
static void model_remove(paging_state_t *s, uint64_t va)
{
    size_t i = model_rank(s, va);
    FUZZ_CHECK(i > 0 && s->maps[i - 1u].virt == va, "paging-model", "model lost page 0x%llx",
               (unsigned long long)va);
    memmove(&s->maps[i - 1u], &s->maps[i], (s->nmaps - i) * sizeof s->maps[0]);
    s->nmaps--;
}

/* Runs an unmap. */
static void op_unmap(paging_state_t *s, fuzz_data_t *fd, bool via_mapper)
{
    request_t r = { 0 };
    r.virt = read_va(fd);
    r.size = read_size(fd);
    r.len = read_len(fd, r.size);
    uint64_t allowed = unmap_expect(s, &r);
    size_t failures = s->ff.failures;
    size_t tables = s->pt.table_frames;
    bool snapped = s->paranoid && may_fail(s, allowed);
    if (snapped)
        snapshot_take(s);
    vmm_status_t got;
    if (via_mapper) {
        vmm_mapper_t m = x86_paging_mapper(&s->pt);
        got = m.unmap(m.ctx, r.virt, r.len, r.size);
    } else {
        got = x86_unmap(&s->pt, r.virt, r.len, r.size);
    }
    TRACE("%sunmap(virt=0x%llx, len=0x%llx, size=0x%llx) -> %s", via_mapper ? "mapper." : "",
          (unsigned long long)r.virt, (unsigned long long)r.len, (unsigned long long)r.size,
          fuzz_status(got));
    if (judge(s, got, allowed, failures, "paging-unmap-status")) {
        for (uint64_t off = 0; off < r.len; off += r.size)
            model_remove(s, r.virt + off);
    } else {
        FUZZ_CHECK(s->pt.table_frames == tables, "paging-failed-op-changed",
                   "failed unmap changed table_frames %zu -> %zu", tables, s->pt.table_frames);
        if (s->paranoid)
            failed_op_paranoid(s, snapped);
    }
    check_touched(s, &r);
}

/* Runs x86_translate or mapper.query on va + offset and checks it. */
static void op_translate(paging_state_t *s, fuzz_data_t *fd, bool via_mapper)
{
    uint64_t va = read_va(fd) + ((uint64_t)fd_u16(fd) << 5);
    mapping_t *m = canonical(va) ? model_find(s, va) : NULL;
    uint64_t phys = 0, size = 0;
    vmm_attrs_t attrs = 0;
    vmm_status_t got;
    if (via_mapper) {
        vmm_mapper_t mp = x86_paging_mapper(&s->pt);
        got = mp.query(mp.ctx, va, &phys, &attrs, &size);
    } else {
        x86_walk_t w;
        got = x86_translate(&s->pt, va, &w);
        phys = w.phys;
        size = w.page_size;
        attrs = got == VMM_OK ? x86_walk_attrs(&w) : 0;
    }
    TRACE("%s(0x%llx) -> %s phys=0x%llx size=0x%llx attrs=0x%x",
          via_mapper ? "mapper.query" : "translate", (unsigned long long)va, fuzz_status(got),
          (unsigned long long)phys, (unsigned long long)size, attrs);
    vmm_status_t want = m ? VMM_OK : !canonical(va) && !via_mapper ? VMM_ERR_NON_CANONICAL
                                                                   : VMM_ERR_NOT_MAPPED;
    FUZZ_CHECK_STATUS(got, want, "paging-translate-status");
    if (!m)
        return;
    FUZZ_CHECK(phys == m->phys + (va - m->virt) && size == m->size && attrs == m->attrs,
               "paging-translate", "va 0x%llx -> phys 0x%llx size 0x%llx attrs 0x%x; model "
               "phys 0x%llx size 0x%llx attrs 0x%x", (unsigned long long)va,
               (unsigned long long)phys, (unsigned long long)size, attrs,
               (unsigned long long)(m->phys + (va - m->virt)), (unsigned long long)m->size,
               m->attrs);
}

/* Decodes and runs one op. */
static void run_op(paging_state_t *s, fuzz_data_t *fd, unsigned op)
{
    switch (op) {
    case PAGING_OP_MAP: op_map(s, fd, false); break;
    case PAGING_OP_UNMAP: op_unmap(s, fd, false); break;
    case PAGING_OP_TRANSLATE: op_translate(s, fd, false); break;
    case PAGING_OP_CHECK_ALL:
        TRACE("check_all (%zu pages, %zu tables)", s->nmaps, s->pt.table_frames);
        check_all(s);
        break;
    case PAGING_OP_MAPPER_MAP: op_map(s, fd, true); break;
    case PAGING_OP_MAPPER_UNMAP: op_unmap(s, fd, true); break;
    case PAGING_OP_MAPPER_QUERY: op_translate(s, fd, true); break;
    case PAGING_OP_FAIL_FRAMES: {
        uint8_t n = fd_u8(fd);
        TRACE("fail_frames: allocation %u from now fails", n + 1u);
        s->ff.countdown = n;
        break;
    }
    default: TRACE("nop (opcode %u)", op); break;
    }
}

/* fuzz_target_t hooks (fuzz_driver.h). */
static void *create(void)
{
    paging_state_t *s = calloc(1, sizeof *s);
    if (!s || !(s->snapshot = malloc((size_t)POOL_FRAMES * VMM_PAGE_SIZE)))
        abort();
    fuzz_frames_create(&s->pool, &s->ff, POOL_BASE, POOL_FRAMES);
    return s;
}

/* Reads the configuration; builds the tables (again when the armed frame
 * failure hit x86_paging_init, which must then keep nothing). */
static bool setup(void *state, fuzz_data_t *fd)
{
    paging_state_t *s = state;
    uint8_t fail = fd_u8(fd);
    s->paranoid = fd_u8(fd) == FLAG_PARANOID;
    s->nmaps = 0;
    fail_frames_reset(&s->ff);
    s->ff.countdown = fuzz_fail_countdown(fail);
    vmm_frames_t frames = fail_frames_iface(&s->ff);
    vmm_status_t st = x86_paging_init(&s->pt, &frames, frame_pool_offset(&s->pool));
    TRACE("config: frame alloc %d fails, paranoid=%d; x86_paging_init -> %s",
          fail ? (int)fail : -1, s->paranoid, fuzz_status(st));
    if (st != VMM_OK) {
        FUZZ_CHECK(st == VMM_ERR_OUT_OF_FRAMES && s->ff.failures == 1, "paging-init",
                   "x86_paging_init returned %s", vmm_strerror(st));
        FUZZ_CHECK(frame_pool_in_use(&s->pool) == 0, "paging-init-leak",
                   "failed init kept a frame");
        st = x86_paging_init(&s->pt, &frames, frame_pool_offset(&s->pool));
    }
    FUZZ_CHECK_STATUS(st, VMM_OK, "paging-init");
    FUZZ_CHECK(s->pt.table_frames == 1, "paging-init", "fresh tables hold %zu frames",
               s->pt.table_frames);
    check_all(s);
    return true;
}

/* Returns true when op calls the core: the tables can change only then
 * (a nop, fail_frames or check_all leaves them as the last check saw them;
 * nops are most ops of a mutated input). */
static bool calls_core(unsigned op)
{
    return op == PAGING_OP_MAP || op == PAGING_OP_UNMAP || op == PAGING_OP_TRANSLATE ||
           op == PAGING_OP_MAPPER_MAP || op == PAGING_OP_MAPPER_UNMAP ||
           op == PAGING_OP_MAPPER_QUERY;
}

static void run(void *state, fuzz_data_t *fd, unsigned op)
{
    paging_state_t *s = state;
    s->full_check_due = calls_core(op);
    run_op(s, fd, op);
}

/* The full check after every op that may have changed the tables (called
 * the core and did not fail with its tables proved unchanged) when the
 * configuration asks for it. */
static void check_op(void *state)
{
    paging_state_t *s = state;
    if (s->paranoid && s->full_check_due)
        check_all(s);
}

static void final_check(void *state) { check_all(state); }

/* Gives every table frame back: the pool is as created. */
static void reset(void *state)
{
    paging_state_t *s = state;
    s->ff.countdown = -1;
    x86_paging_destroy(&s->pt);
    FUZZ_CHECK(frame_pool_in_use(&s->pool) == 0, "paging-destroy-leak",
               "%zu frames still in use after x86_paging_destroy", frame_pool_in_use(&s->pool));
}

static const fuzz_target_t target = {
    .ops = paging_op_desc, .nops = PAGING_OP_COUNT, .max_ops = FUZZ_MAX_OPS,
    .create = create, .setup = setup, .run_op = run, .check_op = check_op,
    .check_final = final_check, .reset = reset,
};
FUZZ_TARGET(target)
