/*
 * kernel.h - the kernel's verdict: QEMU's isa-debug-exit device (port 0xf4)
 * ends the run with status (value << 1) | 1, so a pass (0x10 -> 33) differs
 * from every QEMU failure (1, or 0 on a triple fault with -no-reboot).
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#define DEBUG_EXIT_PORT 0xF4u
#define EXIT_PASS 0x10u /* QEMU exit status 33 */
#define EXIT_FAIL 0x01u /* QEMU exit status 3  */
#define KERNEL_PASS_MARKER "VMM-KERNEL: ALL TESTS PASSED"
#define KERNEL_FAIL_MARKER "VMM-KERNEL: FAILED"

/* Ends the run: prints the verdict line and exits QEMU. */
__attribute__((noreturn)) void kernel_exit(bool pass);

/* Prints "PANIC: <message>" and ends the run as failed. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* The core's assert hook (core/vmm_assert.h): panics naming the invariant. */
__attribute__((noreturn)) void kernel_vmm_assert(const char *file, int line,
                                                 const char *cond);

/* Entry from boot.S: the physical address of hvm_start_info. */
void kmain(uint64_t start_info_phys);

#endif
