// use_core.cpp - a C++ kernel's view of the core: every public header
// included as C++, core/ compiled as C11 and linked in, a few calls made.
// Fails (exit 1) when a declaration lost its C linkage or a call misbehaves.
#include "core/alloc.h"
#include "core/bitmap.h"
#include "core/fault.h"
#include "core/frames.h"
#include "core/hbitmap.h"
#include "core/mapper.h"
#include "core/memmap.h"
#include "core/pmm.h"
#include "core/status.h"
#include "core/vmm.h"
#include "core/vmm_assert.h"
#include "core/vmm_btree.h"
#include "core/x86_64/aspace.h"
#include "core/x86_64/boot.h"
#include "core/x86_64/paging.h"
#include "core/x86_64/pf.h"
#include "core/x86_64/pte.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

static void *heap_alloc(void *, size_t size, size_t align)
{
    return ::aligned_alloc(align, (size + align - 1) / align * align); // C11 and C++17; glibc has it for C++11 too
}

static void heap_free(void *, void *p, size_t) { std::free(p); }

static int failures;

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            std::printf("FAIL line %d: %s\n", __LINE__, #cond);            \
            failures++;                                                    \
        }                                                                  \
    } while (0)

int main()
{
    CHECK(std::strcmp(vmm_strerror(VMM_OK), "VMM_OK") == 0);
    vmm_allocator_t heap = { heap_alloc, heap_free, nullptr };
    hbitmap_t hb;
    CHECK(hbitmap_init(&hb, (size_t)1 << 35, &heap) == VMM_OK);
    size_t first = 0;
    CHECK(hbitmap_find_set(&hb, 64, 1, 0, &first) == VMM_OK && first == 0);
    CHECK(hbitmap_clear_range(&hb, 0, 64) == VMM_OK && hbitmap_check(&hb));
    hbitmap_destroy(&hb);
    CHECK(x86_range_mappable(0xFFFF800000000000ull, 4096) == VMM_OK);
    CHECK(x86_range_mappable(0x0000800000000000ull, 4096) == VMM_ERR_NON_CANONICAL);
    vmm_t vmm;
    std::memset(&vmm, 0, sizeof vmm);
    CHECK(vmm_set_fit(&vmm, VMM_FIT_FIRST) == VMM_ERR_INVALID_ARGUMENT);
    if (failures == 0)
        std::printf("the core's headers work from C++, calls link and behave\n");
    return failures != 0;
}
