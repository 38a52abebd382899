/*
 * arch.h - the x86_64 instructions the kernel needs, as inline functions,
 * and the control-register bits it sets. Nothing here keeps state.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#define BIT64(n) ((uint64_t)1 << (n))
#define BIT32(n) ((uint32_t)1 << (n))

/* CPUID leaves and feature bits used by the kernel. */
#define CPUID_EXT_MAX      0x80000000u
#define CPUID_EXT_FEATURES 0x80000001u
#define CPUID_EDX_NX       BIT32(20)
#define CPUID_EDX_PAGE1GB  BIT32(26)
#define CPUID_EDX_LM       BIT32(29)
#define CPUID_STRUCT_FEATURES 7u  /* leaf 7, sub-leaf 0: EBX              */
#define CPUID_EBX_SMEP     BIT32(7)
#define CPUID_EBX_SMAP     BIT32(20)

/* The virtual address the kernel image is linked at (top 2 GiB, inside the
 * top 512 GiB): physical p of the image is at KERNEL_VMA + p. */
#define KERNEL_VMA 0xFFFFFFFF80000000ull

/* Writes one byte to an I/O port. */
static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

/* Returns one byte read from an I/O port. */
static inline uint8_t inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

/* Executes CPUID for leaf (sub-leaf 0) and returns the four registers. */
static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c,
                         uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                     : "a"(leaf), "c"(0u));
}

/* Returns true when extended CPUID leaf 0x80000001 reports bit in EDX. */
static inline bool cpuid_ext_edx(uint32_t bit)
{
    uint32_t a, b, c, d;
    cpuid(CPUID_EXT_MAX, &a, &b, &c, &d);
    if (a < CPUID_EXT_FEATURES)
        return false;
    cpuid(CPUID_EXT_FEATURES, &a, &b, &c, &d);
    return (d & bit) != 0;
}

/* Returns true when CPUID leaf 7 (sub-leaf 0) reports bit in EBX. */
static inline bool cpuid_leaf7_ebx(uint32_t bit)
{
    uint32_t a, b, c, d;
    cpuid(0, &a, &b, &c, &d);
    if (a < CPUID_STRUCT_FEATURES)
        return false;
    cpuid(CPUID_STRUCT_FEATURES, &a, &b, &c, &d);
    return (b & bit) != 0;
}

/* Returns CR2 (the faulting address of the last #PF). */
static inline uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

/* Returns CR3. */
static inline uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

/* Loads CR3 (switches address space, flushes non-global TLB entries only:
 * with CR4.PGE on, global kernel entries stay). */
static inline void write_cr3(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

/* CR4 bits the kernel sets (or, LA57, refuses) after boot.S. */
#define CR4_PGE  BIT64(7)  /* global pages: G entries survive a CR3 load   */
#define CR4_LA57 BIT64(12) /* 5-level paging (the kernel refuses it)      */
/* CR4.SMEP / CR4.SMAP and RFLAGS.AC: the core's X86_CR4_SMEP / _SMAP and
 * X86_RFLAGS_AC (core/x86_64/pf.h), which the #PF handler hands it. */

/* Returns CR4. */
static inline uint64_t read_cr4(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

/* Loads CR4 (toggling PGE flushes the whole TLB, global entries too). */
static inline void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/* Drops the TLB entry of the page holding virt (global or not) and every
 * paging-structure cache entry. */
static inline void invlpg(uint64_t virt)
{
    __asm__ volatile("invlpg (%0)" : : "r"(virt) : "memory");
}

/* Lets the kernel's explicit accesses reach user pages under SMAP (sets
 * RFLAGS.AC; only on a CPU with SMAP: elsewhere stac is #UD). */
static inline void stac(void)
{
    __asm__ volatile("stac" : : : "memory", "cc");
}

/* Returns RFLAGS. */
static inline uint64_t read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

/* Ends what stac began (clears RFLAGS.AC). */
static inline void clac(void)
{
    __asm__ volatile("clac" : : : "memory", "cc");
}

/* Stops the CPU for good (interrupts are never enabled). */
static inline __attribute__((noreturn)) void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

#endif
