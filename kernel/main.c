/*
 * main.c - kmain: console, descriptor tables, memory, self-tests, verdict.
 */
#include "kernel.h"

#include <stdarg.h>

#include "arch.h"
#include "cpu.h"
#include "mm.h"
#include "selftest.h"
#include "serial.h"
#include "stack.h"

void kernel_exit(bool pass)
{
    kprintf("%s\n", pass ? KERNEL_PASS_MARKER : KERNEL_FAIL_MARKER);
    outb(DEBUG_EXIT_PORT, pass ? EXIT_PASS : EXIT_FAIL);
    halt_forever(); /* only without the isa-debug-exit device */
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kprintf("PANIC: ");
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);
    kernel_exit(false);
}

/* The core's assert hook (core/vmm_assert.h, -DVMM_ASSERT_HOOK): a broken
 * invariant of the core becomes a kernel panic naming it. */
void kernel_vmm_assert(const char *file, int line, const char *cond)
{
    panic("core invariant broken at %s:%d: %s", file, line, cond);
}

#ifdef KERNEL_MUTANT_BROKEN_INVARIANT
/* Mutant (tests only): breaks the table queue's count so that the core's
 * VMM_ASSERT fires; the hook must turn it into a panic. */
static void break_invariant(void)
{
    kmm.table_queue.count++;
    (void)x86_table_queue_flush(&kmm.table_queue);
}
#endif

void kmain(uint64_t start_info_phys)
{
    stack_paint_boot();
    serial_init();
    kprintf("VMM-KERNEL: booted (PVH start info at 0x%lx)\n", start_info_phys);
    gdt_init();
    idt_init();
    mm_init(start_info_phys);
#ifdef KERNEL_MUTANT_BROKEN_INVARIANT
    break_invariant();
#endif
    kernel_exit(selftest_run());
}
