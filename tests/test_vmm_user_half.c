/*
 * A VMM over a whole user half, [0x1000, 0x0000800000000000): 2^35 - 1
 * pages on the x86 page tables. Allocates (first and next fit), claims at
 * both ends and in the middle, reserves aligned runs, frees, and checks
 * that the bitmap's memory follows what is used, that every failure part
 * way (allocator, frames) changes nothing, and that deinit returns all.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "fail_alloc.h"
#include "fail_frames.h"
#include "hostmem.h"
#include "xorshift.h"
#include "core/vmm.h"
#include "core/x86_64/paging.h"

#define K4 VMM_PAGE_SIZE
#define USER_START 0x1000ull
#define USER_END 0x0000800000000000ull
#define RW (VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE) /* user pages */
#define LIVE_MAX 256

static hostmem_t hm;
static fail_frames_t ff;
static fail_alloc_t fa;
static x86_paging_t pt;
static vmm_t vmm;
static uint64_t rng_state = 0x0123456789ABCDEFull;

static void setup(void)
{
    CHECK(hostmem_init(&hm, 0x100000, 32u << 20));
    fail_frames_init(&ff, &hm.frames);
    fail_alloc_init(&fa);
    vmm_frames_t frames = fail_frames_iface(&ff);
    vmm_allocator_t alloc = fail_alloc_iface(&fa);
    CHECK_OK(x86_paging_init(&pt, &frames, hm.access_offset));
    vmm_mapper_t mapper = x86_paging_mapper(&pt);
    CHECK_OK(vmm_init(&vmm, USER_START, USER_END, &alloc, &mapper, &frames));
}

static void teardown(void)
{
    vmm_deinit(&vmm);
    CHECK(pt.table_frames == 1 && vmm.bitmap.num_free == vmm.bitmap.num_entries);
    x86_paging_destroy(&pt);
    CHECK(ff.outstanding == 0 && fa.live == 0);
    hostmem_destroy(&hm);
}

static bool is_set(uint64_t va)
{
    bool b = false;
    CHECK_OK(vmm_is_set(&vmm, va, &b));
    return b;
}

/* Returns true when va is mapped by the tables. */
static bool mapped(uint64_t va)
{
    x86_walk_t w;
    return x86_translate(&pt, va, &w) == VMM_OK;
}

/* The window, its ends, claims at the top, the middle and the bottom. */
static void test_window_and_claims(void)
{
    setup();
    CHECK(vmm.bitmap.num_entries == ((size_t)1 << 35) - 1u && fa.live == 0);
    bool b;
    CHECK_ERR(vmm_is_set(&vmm, 0, &b), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(vmm_is_set(&vmm, USER_END, &b), VMM_ERR_OUT_OF_BOUNDS);
    CHECK(!is_set(USER_START) && !is_set(USER_END - K4));
    /* the last page of the user half, lazily */
    CHECK_OK(vmm_claim(&vmm, USER_END - K4, 1, K4, RW, VMM_RESERVE_LAZY));
    CHECK(is_set(USER_END - K4) && !is_set(USER_END - 2 * K4));
    CHECK_ERR(vmm_claim(&vmm, USER_END - K4, 1, K4, RW, 0), VMM_ERR_ALREADY_ALLOCATED);
    CHECK_ERR(vmm_claim(&vmm, USER_END - K4, 2, K4, RW, 0), VMM_ERR_OUT_OF_BOUNDS);
    /* a 1 GiB page at 64 TiB, then 2 MiB pages right below it */
    uint64_t mid = 0x0000400000000000ull;
    CHECK_OK(vmm_claim(&vmm, mid, 1, VMM_SIZE_1G, RW, 0));
    CHECK_OK(vmm_claim(&vmm, mid - 4 * VMM_SIZE_2M, 4, VMM_SIZE_2M, RW, 0));
    CHECK_ERR(vmm_claim(&vmm, mid + VMM_SIZE_1G - K4, 2, K4, RW, 0), VMM_ERR_ALREADY_ALLOCATED);
    CHECK(is_set(mid) && is_set(mid + VMM_SIZE_1G - K4) && !is_set(mid + VMM_SIZE_1G));
    /* the first page */
    CHECK_OK(vmm_claim(&vmm, USER_START, 1, K4, RW, 0));
    size_t used = 1 + 1 + 262144 + 2048;
    CHECK(vmm.bitmap.num_free == vmm.bitmap.num_entries - used);
    CHECK(hbitmap_check(&vmm.bitmap));
    /* the memory tracks the partly used regions: a few paths, not 4 GiB */
    CHECK(hbitmap_bytes(&vmm.bitmap) < 64u * 1024u);
    CHECK_OK(vmm_release(&vmm, mid));
    CHECK_OK(vmm_release(&vmm, mid - 4 * VMM_SIZE_2M));
    CHECK_OK(vmm_release(&vmm, USER_END - K4));
    CHECK(!is_set(mid) && !is_set(USER_END - K4) && is_set(USER_START));
    CHECK_OK(vmm_release(&vmm, USER_START));
    CHECK(fa.live == 0 && vmm.bitmap.num_free == vmm.bitmap.num_entries);
    teardown();
}

/* First fit lands at the lowest free address; reservations keep their
 * alignment; next fit moves on; allocations are mapped where returned. */
static void test_alloc_and_reserve(void)
{
    setup();
    uint64_t a, b, r;
    CHECK_OK(vmm_set_fit(&vmm, VMM_FIT_FIRST));
    CHECK_ERR(vmm_set_fit(&vmm, (vmm_fit_t)7), VMM_ERR_INVALID_ARGUMENT);
    CHECK_OK(vmm_alloc(&vmm, 4, RW, &a));
    CHECK(a == USER_START && mapped(a) && mapped(a + 3 * K4) && !mapped(a + 4 * K4));
    CHECK_OK(vmm_reserve(&vmm, 3, VMM_SIZE_2M, RW, VMM_RESERVE_LAZY, &r));
    CHECK(r == VMM_SIZE_2M);
    CHECK_OK(vmm_alloc(&vmm, 2, RW, &b));
    CHECK(b == a + 4 * K4);
    CHECK_OK(vmm_free(&vmm, a));
    CHECK_OK(vmm_alloc(&vmm, 3, RW, &a));
    CHECK(a == USER_START); /* first fit reuses the hole */
    CHECK_OK(vmm_set_fit(&vmm, VMM_FIT_NEXT));
    uint64_t c;
    CHECK_OK(vmm_alloc(&vmm, 1, RW, &c));
    CHECK(c == a + 3 * K4); /* after the last allocation (a), in the hole */
    /* a 1 GiB-aligned reservation anywhere in 128 TiB */
    uint64_t g;
    CHECK_OK(vmm_reserve(&vmm, 2, VMM_SIZE_1G, RW, 0, &g));
    CHECK(g % VMM_SIZE_1G == 0 && g >= VMM_SIZE_1G && is_set(g) && is_set(g + 2 * VMM_SIZE_1G - K4));
    CHECK(hbitmap_check(&vmm.bitmap));
    teardown();
}

/* Random allocations and frees with the allocator and the frame source
 * failing at every point: a failure changes nothing. */
static void test_random_with_failures(void)
{
    setup();
    CHECK_OK(vmm_set_fit(&vmm, VMM_FIT_FIRST));
    uint64_t live[LIVE_MAX];
    size_t nlive = 0;
    for (int i = 0; i < 600; i++) {
        if (nlive == LIVE_MAX || (nlive > 0 && xorshift_below(&rng_state, 3) == 0)) {
            size_t k = (size_t)xorshift_below(&rng_state, nlive);
            size_t free0 = vmm.bitmap.num_free, live0 = fa.live;
            fa.countdown = 0;
            vmm_status_t st = vmm_free(&vmm, live[k]);
            fa.countdown = -1;
            if (st == VMM_ERR_OUT_OF_MEMORY) {
                CHECK(vmm.bitmap.num_free == free0 && fa.live == live0 && mapped(live[k]));
                st = vmm_free(&vmm, live[k]);
            }
            CHECK_OK(st);
            CHECK(!mapped(live[k]) && !is_set(live[k]));
            live[k] = live[--nlive];
            continue;
        }
        size_t pages = 1 + (size_t)xorshift_below(&rng_state, 8);
        uint64_t va = 0;
        for (long fail = 0;; fail++) {
            size_t free0 = vmm.bitmap.num_free, live0 = fa.live, bytes0 = fa.live_bytes;
            long frames0 = ff.outstanding;
            bool frames = (fail & 1) != 0;
            if (frames)
                ff.countdown = fail / 2;
            else
                fa.countdown = fail / 2;
            vmm_status_t st = vmm_alloc(&vmm, pages, RW, &va);
            fa.countdown = -1;
            ff.countdown = -1;
            if (st == VMM_OK)
                break;
            CHECK(st == VMM_ERR_OUT_OF_MEMORY || st == VMM_ERR_OUT_OF_FRAMES);
            CHECK(vmm.bitmap.num_free == free0 && fa.live == live0 && fa.live_bytes == bytes0 &&
                  ff.outstanding == frames0);
            if (fail > 64) {
                CHECK(!"alloc keeps failing");
                break;
            }
        }
        CHECK(is_set(va) && mapped(va) && mapped(va + (pages - 1) * K4));
        live[nlive++] = va;
    }
    CHECK(hbitmap_check(&vmm.bitmap));
    teardown();
}

int main(void)
{
    RUN(test_window_and_claims);
    RUN(test_alloc_and_reserve);
    RUN(test_random_with_failures);
    return check_exit();
}
