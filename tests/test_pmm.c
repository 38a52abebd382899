/* The physical frame manager: construction from memory maps, every operation,
 * every error, the frame-source adapter, and "an error changes nothing". */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "core/pmm.h"

#define K4 VMM_PAGE_SIZE
#define STORAGE_WORDS 64

static uint64_t storage[STORAGE_WORDS];

/* A full copy of a pmm's observable state. */
typedef struct snap {
    pmm_t pmm;
    uint64_t words[STORAGE_WORDS];
} snap_t;

static void take(snap_t *s, const pmm_t *pmm)
{
    s->pmm = *pmm;
    memcpy(s->words, storage, sizeof storage);
}

static bool same(const snap_t *s, const pmm_t *pmm)
{
    return memcmp(&s->pmm, pmm, sizeof *pmm) == 0 &&
           memcmp(s->words, storage, sizeof storage) == 0;
}

static bool used(const pmm_t *pmm, uint64_t phys)
{
    bool u = false;
    CHECK_OK(pmm_is_used(pmm, phys, &u));
    return u;
}

static bool reserved(const pmm_t *pmm, uint64_t phys)
{
    bool r = false;
    CHECK_OK(pmm_is_reserved(pmm, phys, &r));
    return r;
}

/* A map like a PC's: low memory, a hole, usable RAM with an unaligned start
 * and a bootloader/kernel region, ACPI overlapping usable RAM. */
static const memmap_entry_t pc_map[] = {
    {0x0, 0x9F000, MEMMAP_USABLE},
    {0x9F000, 0x61000, MEMMAP_RESERVED},
    {0x100800, 0x100000 - 0x800, MEMMAP_USABLE},      /* frames 0x101..0x1FF */
    {0x200000, 0x40000, MEMMAP_EXECUTABLE_AND_MODULES},
    {0x240000, 0x1C0000, MEMMAP_USABLE},              /* up to 0x400000     */
    {0x3FF000, 0x10, MEMMAP_ACPI_RECLAIMABLE},        /* touches frame 0x3FF */
    {0x500000, 0, MEMMAP_USABLE},                     /* ignored: empty     */
    {0x800000, 0x1000, MEMMAP_FRAMEBUFFER},           /* beyond RAM         */
};
#define PC_COUNT (sizeof pc_map / sizeof pc_map[0])
#define PC_FRAMES 0x3FFu /* frame 0x3FF is the last managed one (reserved) */

static void init_pc(pmm_t *pmm)
{
    CHECK(pmm_storage_words(pc_map, PC_COUNT) <= STORAGE_WORDS);
    CHECK_OK(pmm_init(pmm, pc_map, PC_COUNT, storage, STORAGE_WORDS));
}

static void test_storage_words(void)
{
    CHECK(pmm_storage_words(pc_map, PC_COUNT) == 2 * BITMAP_WORDS(0x400));
    memmap_entry_t none[] = {{0, 0x10000, MEMMAP_RESERVED}, {0x800, 0x800, MEMMAP_USABLE}};
    CHECK(pmm_storage_words(none, 2) == 0);
    CHECK(pmm_storage_words(none, 0) == 0);
    CHECK(pmm_storage_words(NULL, 3) == 0);
}

static void test_init_layout(void)
{
    pmm_t pmm;
    init_pc(&pmm);
    CHECK(pmm.num_frames == 0x400);
    /* usable, free */
    CHECK(!used(&pmm, 0x0) && !reserved(&pmm, 0x0));
    CHECK(!used(&pmm, 0x9E000));
    /* reserved hole and the partial frame of the unaligned usable start */
    CHECK(used(&pmm, 0x9F000) && reserved(&pmm, 0x9F000));
    CHECK(used(&pmm, 0x100000) && reserved(&pmm, 0x100000));
    CHECK(!used(&pmm, 0x101000));
    /* executable and modules: reserved */
    CHECK(reserved(&pmm, 0x200000) && reserved(&pmm, 0x23F000));
    CHECK(!used(&pmm, 0x240000));
    /* ACPI touching the last usable frame makes it reserved */
    CHECK(reserved(&pmm, 0x3FF000));
    CHECK(!used(&pmm, 0x3FE000));
    /* beyond: unmanaged */
    bool b;
    CHECK_ERR(pmm_is_used(&pmm, 0x400000, &b), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(pmm_is_reserved(&pmm, 0x800000, &b), VMM_ERR_OUT_OF_BOUNDS);
    size_t expect = 0x9F + (0x200 - 0x101) + (0x3FF - 0x240);
    CHECK(pmm_free_count(&pmm) == expect);
}

static void test_init_order_independent(void)
{
    /* the reserved entry first: still reserved */
    memmap_entry_t map[] = {{0x3000, 0x1000, MEMMAP_BAD_MEMORY},
                            {0x0, 0x10000, MEMMAP_USABLE}};
    pmm_t pmm;
    CHECK_OK(pmm_init(&pmm, map, 2, storage, STORAGE_WORDS));
    CHECK(reserved(&pmm, 0x3000) && !used(&pmm, 0x2000) && !used(&pmm, 0x4000));
    CHECK(pmm_free_count(&pmm) == 15);
}

static void test_init_errors(void)
{
    pmm_t pmm;
    memset(&pmm, 0xA5, sizeof pmm);
    pmm_t before = pmm;
    memmap_entry_t none[] = {{0, 0x10000, MEMMAP_ACPI_NVS}};
    CHECK_ERR(pmm_init(&pmm, none, 1, storage, STORAGE_WORDS), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(pmm_init(&pmm, pc_map, 0, storage, STORAGE_WORDS), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(pmm_init(&pmm, pc_map, PC_COUNT, NULL, STORAGE_WORDS), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(pmm_init(&pmm, NULL, 1, storage, STORAGE_WORDS), VMM_ERR_INVALID_ARGUMENT);
    size_t need = pmm_storage_words(pc_map, PC_COUNT);
    CHECK_ERR(pmm_init(&pmm, pc_map, PC_COUNT, storage, need - 1), VMM_ERR_OUT_OF_BOUNDS);
    memmap_entry_t wrap[] = {{0, 0x10000, MEMMAP_USABLE},
                             {UINT64_MAX - 0xFFF, 0x2000, MEMMAP_RESERVED}};
    CHECK_ERR(pmm_init(&pmm, wrap, 2, storage, STORAGE_WORDS), VMM_ERR_OVERFLOW);
    CHECK(memcmp(&pmm, &before, sizeof pmm) == 0);
    /* an entry may end exactly at 2^64 (x86_boot_init agrees): accepted,
     * its frames are beyond managed memory; one byte further is refused */
    memmap_entry_t top[] = {{0, 0x10000, MEMMAP_USABLE},
                            {UINT64_MAX - 0xFFF, 0x1000, MEMMAP_RESERVED},
                            {0x8000, UINT64_MAX - 0x7FFF, MEMMAP_RESERVED}};
    CHECK_OK(pmm_init(&pmm, top, 3, storage, STORAGE_WORDS));
    CHECK(pmm.num_frames == 16 && pmm_free_count(&pmm) == 8);
    memcpy(&before, &pmm, sizeof pmm);
    top[1].length = 0x1001;
    CHECK_ERR(pmm_init(&pmm, top, 3, storage, STORAGE_WORDS), VMM_ERR_OVERFLOW);
    CHECK(memcmp(&pmm, &before, sizeof pmm) == 0);
    CHECK_OK(pmm_init(&pmm, pc_map, PC_COUNT, storage, need));
    /* pmm_reserve: to exactly 2^64 is unmanaged and skipped, a byte further
     * is refused; neither changes anything */
    memcpy(&before, &pmm, sizeof pmm);
    CHECK_ERR(pmm_reserve(&pmm, UINT64_MAX - 0xFFF, 0x1001), VMM_ERR_OVERFLOW);
    CHECK_OK(pmm_reserve(&pmm, UINT64_MAX - 0xFFF, 0x1000));
    CHECK(memcmp(&pmm, &before, sizeof pmm) == 0);
}

static void test_alloc_free_all(void)
{
    pmm_t pmm;
    init_pc(&pmm);
    size_t total = pmm_free_count(&pmm);
    static uint64_t got[0x400];
    size_t n = 0;
    uint64_t phys;
    while (pmm_alloc(&pmm, &phys) == VMM_OK) {
        CHECK((phys & VMM_PAGE_MASK) == 0);
        CHECK(!reserved(&pmm, phys) && used(&pmm, phys));
        for (size_t i = 0; i < n; i++)
            if (got[i] == phys)
                CHECK(!"frame handed out twice");
        got[n++] = phys;
    }
    CHECK(n == total);
    CHECK(pmm_free_count(&pmm) == 0);
    snap_t s;
    take(&s, &pmm);
    CHECK_ERR(pmm_alloc(&pmm, &phys), VMM_ERR_OUT_OF_FRAMES);
    CHECK_ERR(pmm_alloc_contiguous(&pmm, 1, 1, &phys), VMM_ERR_OUT_OF_FRAMES);
    CHECK(same(&s, &pmm));
    for (size_t i = 0; i < n; i++)
        CHECK_OK(pmm_free(&pmm, got[i]));
    CHECK(pmm_free_count(&pmm) == total);
}

/* The hint is the lowest free frame: allocation is first fit, and any
 * sequence of calls that restores the bitmaps restores the whole pmm_t. */
static void test_alloc_lowest_first(void)
{
    pmm_t pmm;
    init_pc(&pmm);
    uint64_t a, b, c, d;
    pmm_t fresh = pmm;
    CHECK_OK(pmm_alloc(&pmm, &a));
    CHECK_OK(pmm_alloc(&pmm, &b));
    CHECK(b == a + K4);
    CHECK_OK(pmm_free(&pmm, a));
    CHECK_OK(pmm_alloc(&pmm, &c));
    CHECK(c == a); /* first fit: the lowest free frame comes back */
    CHECK_OK(pmm_alloc_contiguous(&pmm, 4, 4, &d));
    CHECK(d % (4 * K4) == 0 && d > b);
    vmm_frames_t f = pmm_frames(&pmm);
    CHECK_OK(f.free(f.ctx, d, 4));
    CHECK_OK(pmm_free(&pmm, b));
    CHECK_OK(pmm_free(&pmm, c));
    CHECK(memcmp(&pmm, &fresh, sizeof pmm) == 0); /* hint included */
    /* frames interface: alloc / claim / free in any order restore it too */
    CHECK_OK(f.alloc(f.ctx, 1, 1, &a));
    CHECK_OK(f.alloc(f.ctx, 1, 1, &b));
    CHECK_OK(f.free(f.ctx, a, 1));
    CHECK_OK(f.claim(f.ctx, a, 1));
    CHECK_OK(f.free(f.ctx, b, 1));
    CHECK_OK(f.free(f.ctx, a, 1));
    CHECK(memcmp(&pmm, &fresh, sizeof pmm) == 0);
}

static void test_alloc_contiguous(void)
{
    pmm_t pmm;
    init_pc(&pmm);
    uint64_t p;
    /* 0x200 frames aligned to 0x200 cannot fit below 0x400 (reserved at 0x3FF) */
    CHECK_ERR(pmm_alloc_contiguous(&pmm, 0x200, 0x200, &p), VMM_ERR_OUT_OF_FRAMES);
    /* 64 frames aligned to 64: first fit at frame 0 */
    CHECK_OK(pmm_alloc_contiguous(&pmm, 64, 64, &p));
    CHECK(p == 0);
    /* 128 aligned 128: 0x0 is taken, 0x80 runs into the hole at 0x9F,
     * 0x100 is the reserved partial frame: 0x180 */
    CHECK_OK(pmm_alloc_contiguous(&pmm, 128, 128, &p));
    CHECK(p == 0x180000);
    for (uint64_t f = 0; f < 128; f++)
        CHECK(used(&pmm, p + f * K4));
    /* unaligned run spanning from the unaligned usable start */
    CHECK_OK(pmm_alloc_contiguous(&pmm, 0x50, 1, &p));
    CHECK(p == 0x40000);
    snap_t s;
    take(&s, &pmm);
    CHECK_ERR(pmm_alloc_contiguous(&pmm, 0, 1, &p), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(pmm_alloc_contiguous(&pmm, 1, 0, &p), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(pmm_alloc_contiguous(&pmm, 1, 3, &p), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(pmm_alloc_contiguous(&pmm, 0x401, 1, &p), VMM_ERR_OUT_OF_FRAMES);
    CHECK_ERR(pmm_alloc_contiguous(&pmm, SIZE_MAX, 1, &p), VMM_ERR_OUT_OF_FRAMES);
    CHECK(same(&s, &pmm));
}

static void test_free_claim_errors(void)
{
    pmm_t pmm;
    init_pc(&pmm);
    uint64_t p;
    CHECK_OK(pmm_alloc(&pmm, &p));
    snap_t s;
    take(&s, &pmm);
    CHECK_ERR(pmm_free(&pmm, p + 1), VMM_ERR_MISALIGNED);
    CHECK_ERR(pmm_free(&pmm, 0x400000), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(pmm_free(&pmm, UINT64_MAX & ~VMM_PAGE_MASK), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(pmm_free(&pmm, 0x9F000), VMM_ERR_FRAME_RESERVED);
    CHECK_ERR(pmm_free(&pmm, 0x3FF000), VMM_ERR_FRAME_RESERVED);
    CHECK_ERR(pmm_free(&pmm, p + K4), VMM_ERR_FRAME_NOT_USED);
    CHECK_ERR(pmm_claim(&pmm, p), VMM_ERR_PHYS_ALREADY_ALLOCATED);
    CHECK_ERR(pmm_claim(&pmm, 0x200000), VMM_ERR_FRAME_RESERVED);
    CHECK_ERR(pmm_claim(&pmm, 0x400000), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(pmm_claim(&pmm, 0x5001), VMM_ERR_MISALIGNED);
    CHECK(same(&s, &pmm));
    CHECK_OK(pmm_free(&pmm, p));
    CHECK_ERR(pmm_free(&pmm, p), VMM_ERR_FRAME_NOT_USED); /* double free */
    CHECK_OK(pmm_claim(&pmm, 0x5000));
    CHECK(used(&pmm, 0x5000));
    CHECK_OK(pmm_free(&pmm, 0x5000));
    CHECK(!used(&pmm, 0x5000));
}

static void test_reserve(void)
{
    pmm_t pmm;
    init_pc(&pmm);
    size_t before = pmm_free_count(&pmm);
    /* touches frames 0x10..0x12 (unaligned both ends) */
    CHECK_OK(pmm_reserve(&pmm, 0x10800, 0x2000));
    CHECK(reserved(&pmm, 0x10000) && reserved(&pmm, 0x11000) && reserved(&pmm, 0x12000));
    CHECK(!used(&pmm, 0xF000) && !used(&pmm, 0x13000));
    CHECK(pmm_free_count(&pmm) == before - 3);
    CHECK_ERR(pmm_free(&pmm, 0x11000), VMM_ERR_FRAME_RESERVED);
    /* re-reserving reserved frames, or frames beyond RAM, is fine */
    CHECK_OK(pmm_reserve(&pmm, 0x10000, 0x1000));
    CHECK_OK(pmm_reserve(&pmm, 0x3FE000, 0x100000));
    CHECK(reserved(&pmm, 0x3FE000));
    CHECK_OK(pmm_reserve(&pmm, 0x10000000, 0x1000));
    uint64_t p;
    CHECK_OK(pmm_claim(&pmm, 0x30000));
    snap_t s;
    take(&s, &pmm);
    CHECK_ERR(pmm_reserve(&pmm, 0x2F000, 0x3000), VMM_ERR_PHYS_ALREADY_ALLOCATED);
    CHECK_ERR(pmm_reserve(&pmm, 0x1000, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(pmm_reserve(&pmm, UINT64_MAX - 0xFFF, 0x2000), VMM_ERR_OVERFLOW);
    CHECK(same(&s, &pmm));
    CHECK(!used(&pmm, 0x2F000)); /* not partially applied */
    (void)p;
}

static void test_frames_adapter(void)
{
    pmm_t pmm;
    init_pc(&pmm);
    vmm_frames_t fr = pmm_frames(&pmm);
    CHECK(fr.ctx == &pmm);
    uint64_t p;
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &p));
    CHECK(used(&pmm, p));
    CHECK_OK(fr.free(fr.ctx, p, 1));
    CHECK(!used(&pmm, p));
    CHECK_OK(fr.alloc(fr.ctx, 16, 16, &p));
    CHECK(p % (16 * K4) == 0);
    CHECK_OK(fr.free(fr.ctx, p, 16));

    /* claim/free across reserved and unmanaged frames: those are skipped */
    size_t before = pmm_free_count(&pmm);
    CHECK_OK(fr.claim(fr.ctx, 0x9D000, 4)); /* 0x9D,0x9E usable; 0x9F,0xA0 reserved */
    CHECK(pmm_free_count(&pmm) == before - 2);
    CHECK(reserved(&pmm, 0x9F000)); /* still reserved */
    CHECK_OK(fr.free(fr.ctx, 0x9D000, 4));
    CHECK(pmm_free_count(&pmm) == before);
    CHECK(used(&pmm, 0x9F000) && reserved(&pmm, 0x9F000));
    CHECK_OK(fr.claim(fr.ctx, 0x3FE000, 8)); /* 0x3FE usable, rest beyond RAM */
    CHECK(used(&pmm, 0x3FE000));
    CHECK_OK(fr.free(fr.ctx, 0x3FE000, 8));
    CHECK(!used(&pmm, 0x3FE000));
    CHECK_OK(fr.claim(fr.ctx, 0xFEE00000, 1)); /* device memory: nothing */
    CHECK_OK(fr.free(fr.ctx, 0xFEE00000, 1));
    CHECK(pmm_free_count(&pmm) == before);

    /* errors change nothing, not even partly */
    CHECK_OK(fr.claim(fr.ctx, 0x5000, 1));
    snap_t s;
    take(&s, &pmm);
    CHECK_ERR(fr.claim(fr.ctx, 0x3000, 4), VMM_ERR_PHYS_ALREADY_ALLOCATED);
    CHECK_ERR(fr.free(fr.ctx, 0x4000, 2), VMM_ERR_FRAME_NOT_USED);
    CHECK_ERR(fr.free(fr.ctx, 0x5800, 1), VMM_ERR_MISALIGNED);
    CHECK_ERR(fr.free(fr.ctx, 0x5000, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(fr.claim(fr.ctx, 0x5000, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(fr.claim(fr.ctx, UINT64_MAX & ~VMM_PAGE_MASK, 2), VMM_ERR_OVERFLOW);
    CHECK_ERR(fr.free(fr.ctx, UINT64_MAX & ~VMM_PAGE_MASK, 2), VMM_ERR_OVERFLOW);
    CHECK_ERR(fr.claim(fr.ctx, 0x6800, 1), VMM_ERR_MISALIGNED);
    /* the last frame of the address space: no wrap, unmanaged, skipped */
    CHECK_OK(fr.claim(fr.ctx, UINT64_MAX & ~VMM_PAGE_MASK, 1));
    CHECK_OK(fr.free(fr.ctx, UINT64_MAX & ~VMM_PAGE_MASK, 1));
    CHECK_ERR(fr.alloc(fr.ctx, 0, 1, &p), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(fr.alloc(fr.ctx, 1, 6, &p), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(fr.alloc(fr.ctx, 0x1000, 1, &p), VMM_ERR_OUT_OF_FRAMES);
    /* in_use: every managed frame used (allocated or reserved); unmanaged
     * frames count as used, a range of none of them too */
    CHECK(fr.in_use != NULL);
    CHECK_OK(fr.in_use(fr.ctx, 0x5000, 1));
    CHECK_OK(fr.in_use(fr.ctx, 0x9F000, 2));          /* reserved */
    CHECK_OK(fr.in_use(fr.ctx, 0xFEE00000, 1));       /* unmanaged */
    CHECK_OK(fr.in_use(fr.ctx, UINT64_MAX & ~VMM_PAGE_MASK, 1));
    CHECK_ERR(fr.in_use(fr.ctx, 0x4000, 2), VMM_ERR_FRAME_NOT_USED);
    CHECK_ERR(fr.in_use(fr.ctx, 0x5000, 2), VMM_ERR_FRAME_NOT_USED); /* 0x6000 free */
    CHECK_ERR(fr.in_use(fr.ctx, 0x3FE000, 8), VMM_ERR_FRAME_NOT_USED); /* 0x3FE free */
    CHECK_ERR(fr.in_use(fr.ctx, 0x5800, 1), VMM_ERR_MISALIGNED);
    CHECK_ERR(fr.in_use(fr.ctx, 0x5000, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(fr.in_use(fr.ctx, UINT64_MAX & ~VMM_PAGE_MASK, 2), VMM_ERR_OVERFLOW);
    CHECK_ERR(fr.in_use(NULL, 0x5000, 1), VMM_ERR_INVALID_ARGUMENT);
    CHECK(same(&s, &pmm));
    CHECK(!used(&pmm, 0x3000) && !used(&pmm, 0x4000));
}

/* Frames are tracked from 0 even when RAM starts high; a map starting at
 * 1 MiB leaves the low frames reserved. */
static void test_high_start(void)
{
    memmap_entry_t map[] = {{0x100000, 0x10000, MEMMAP_USABLE}};
    pmm_t pmm;
    CHECK_OK(pmm_init(&pmm, map, 1, storage, STORAGE_WORDS));
    CHECK(pmm_free_count(&pmm) == 16);
    CHECK(reserved(&pmm, 0));
    uint64_t p;
    CHECK_OK(pmm_alloc(&pmm, &p));
    CHECK(p == 0x100000);
    CHECK_OK(pmm_alloc_contiguous(&pmm, 8, 8, &p));
    CHECK(p == 0x108000);
}

int main(void)
{
    RUN(test_storage_words);
    RUN(test_init_layout);
    RUN(test_init_order_independent);
    RUN(test_init_errors);
    RUN(test_alloc_free_all);
    RUN(test_alloc_lowest_first);
    RUN(test_alloc_contiguous);
    RUN(test_free_claim_errors);
    RUN(test_reserve);
    RUN(test_frames_adapter);
    RUN(test_high_start);
    return check_exit();
}
