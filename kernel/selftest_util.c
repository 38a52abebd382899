/*
 * selftest_util.c - helpers shared by the self-tests (see selftest_util.h).
 */
#include "selftest_util.h"

const uint64_t selftest_rodata_word = 0x0123456789ABCDEFull;
uint64_t selftest_data_word = 0x1122334455667788ull;
uint64_t selftest_code_in_data = CODE_RET_ONE;

/* Returns the free frames plus those the page tables and the heap's growth
 * hold (both stay by design), so that counts compare equal whatever table
 * frames a mapping needed and whether a refill grew the heap meanwhile. */
size_t free_frames(void)
{
    return pmm_free_count(&kmm.pmm) + kmm.pt.table_frames +
           kmm.heap_grows * MM_HEAP_GROW_PAGES;
}

/* Returns the volatile word at virt. */
volatile uint64_t *word_at(uint64_t virt)
{
    return (volatile uint64_t *)(uintptr_t)virt;
}

/* Returns the word at user address virt, read at CPL0 as a kernel's
 * copy_from_user reads it: between stac and clac when SMAP is on. */
uint64_t user_read64(uint64_t virt)
{
    if (kmm.smap)
        stac();
    uint64_t v = *word_at(virt);
    if (kmm.smap)
        clac();
    return v;
}

/* Returns true when virt is in the kernel image's segments. */
bool in_image(uint64_t virt)
{
    return virt >= (uint64_t)(uintptr_t)__text_start &&
           virt < (uint64_t)(uintptr_t)__data_end;
}

/* Returns the number of window pages the image occupies. */
uint64_t image_pages(void)
{
    return ((uint64_t)(uintptr_t)__data_end - (uint64_t)(uintptr_t)__text_start) / PAGE;
}

/* Returns true when an access to virt faults with the core's verdict want
 * (a probe read or write, recovered by the handler). */
bool faults_with(uint64_t virt, bool write, vmm_fault_kind_t want)
{
    fault_record_t rec;
    uint64_t value = 0;
    trap_expect(&rec, 0);
    bool done = write ? probe_write64(virt, PATTERN(virt)) : probe_read64(virt, &value);
    unsigned hits = trap_disarm();
    if (done || hits != 1 || !rec.hit || rec.vector != VEC_PF || rec.addr != virt ||
        rec.kind != want) {
        kprintf("    access to 0x%lx: done %d, hits %u, vector %lu, verdict %s (want %s)\n",
                virt, done, hits, rec.vector, vmm_fault_name(rec.kind), vmm_fault_name(want));
        return false;
    }
    return true;
}

/* Returns true when a CPL0 call of virt faults on the fetch (error code:
 * I set, U clear) with the core's verdict want, recovered. */
bool call_faults_with(uint64_t virt, vmm_fault_kind_t want)
{
    fault_record_t rec;
    trap_expect(&rec, virt);
    bool ran = probe_call(virt);
    EXPECT(trap_disarm() == 1);
    EXPECT(!ran && rec.vector == VEC_PF && rec.kind == want);
    EXPECT(rec.addr == virt && (rec.error & X86_PF_I) && !(rec.error & X86_PF_U));
    return true;
}

/* Returns true when virt translates to phys with the given rights. */
bool walk_is(uint64_t virt, uint64_t phys, bool writable, bool executable)
{
    x86_walk_t w;
    EXPECT_ST(x86_translate(&kmm.pt, virt, &w), VMM_OK);
    EXPECT(w.phys == phys);
    EXPECT(w.writable == writable && w.executable == executable && !w.user);
    return true;
}

/* Returns the address (through the direct map) of the 4 KiB leaf entry
 * mapping virt, or NULL when a level on the way is missing or large. */
volatile x86_pte_t *leaf_entry(uint64_t virt)
{
    uint64_t table = kmm.pt.pml4;
    for (int level = X86_LEVEL_PML4; level > X86_LEVEL_PT; level--) {
        x86_pte_t e = ((volatile x86_pte_t *)mm_phys_to_virt(table))[X86_PX(level, virt)];
        if (!X86_PTE_PRESENT(e) || X86_PTE_LARGE(e))
            return 0;
        table = X86_PTE_ADDR(e);
    }
    return (volatile x86_pte_t *)mm_phys_to_virt(table) + X86_PX(X86_LEVEL_PT, virt);
}

/* Arms ff over inner: allocation number allow fails (claims never). */
void failing_frames_init(fail_frames_t *ff, const vmm_frames_t *inner, long allow)
{
    fail_frames_init(ff, inner);
    ff->fail_on = FAIL_FRAMES_ALLOC;
    ff->countdown = allow;
}

/* An allocator that always fails. */
static void *null_alloc(void *ctx, size_t size, size_t align)
{
    (void)ctx, (void)size, (void)align;
    return 0;
}

static void null_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx, (void)ptr, (void)size;
}

vmm_allocator_t null_allocator(void)
{
    return (vmm_allocator_t){ null_alloc, null_free, 0 };
}

void dirty_fill(uint64_t phys, size_t count)
{
    volatile uint8_t *p = mm_phys_to_virt(phys);
    for (uint64_t i = 0; i < count * PAGE; i++)
        p[i] = DIRTY_BYTE;
}

/* A frame source handing out recycled-looking frames: each is filled with
 * DIRTY_BYTE through the direct map, so a handler that forgets to zero a
 * demand page is caught. */
static vmm_status_t dirty_alloc(void *ctx, size_t count, size_t align, uint64_t *phys)
{
    const vmm_frames_t *inner = ctx;
    vmm_status_t st = inner->alloc(inner->ctx, count, align, phys);
    if (st == VMM_OK)
        dirty_fill(*phys, count);
    return st;
}

static vmm_status_t dirty_free(void *ctx, uint64_t phys, size_t count)
{
    const vmm_frames_t *inner = ctx;
    return inner->free(inner->ctx, phys, count);
}

static vmm_status_t dirty_claim(void *ctx, uint64_t phys, size_t count)
{
    const vmm_frames_t *inner = ctx;
    return inner->claim(inner->ctx, phys, count);
}

static vmm_status_t dirty_in_use(void *ctx, uint64_t phys, size_t count)
{
    const vmm_frames_t *inner = ctx;
    return inner->in_use(inner->ctx, phys, count);
}

static void dirty_zero(void *ctx, uint64_t phys, size_t count)
{
    const vmm_frames_t *inner = ctx;
    inner->zero(inner->ctx, phys, count);
}

static vmm_frames_t clean_frames;
/* Makes the VMM's data frames dirty until undirty_frames(). */
void dirty_frames(void)
{
    clean_frames = kmm.vmm.frames;
    kmm.vmm.frames = (vmm_frames_t){ .alloc = dirty_alloc, .free = dirty_free,
                                     .claim = dirty_claim, .ctx = &clean_frames,
                                     .in_use = dirty_in_use, .zero = dirty_zero };
    COMPILER_BARRIER();
}

void undirty_frames(void)
{
    COMPILER_BARRIER();
    kmm.vmm.frames = clean_frames;
}
