/*
 * pte.h - the x86_64 paging-entry layout, written down once.
 *
 * Four levels, 512 entries of 8 bytes per table. Level 3 = PML4, 2 = PDPT,
 * 1 = PD, 0 = PT. A PDPT entry with PS maps 1 GiB, a PD entry with PS 2 MiB,
 * a PT entry 4 KiB. No other file uses a bare bit number for an entry.
 */
#ifndef CORE_X86_64_PTE_H
#define CORE_X86_64_PTE_H

#include <stdint.h>
#include "../vmm_cdefs.h"

VMM_BEGIN_DECLS

typedef uint64_t x86_pte_t;

#define X86_PTE_BIT(n) ((x86_pte_t)1 << (n))
#define X86_PTE_P   X86_PTE_BIT(0)  /* present                              */
#define X86_PTE_W   X86_PTE_BIT(1)  /* writable                             */
#define X86_PTE_U   X86_PTE_BIT(2)  /* user accessible                      */
#define X86_PTE_PWT X86_PTE_BIT(3)  /* write-through                        */
#define X86_PTE_PCD X86_PTE_BIT(4)  /* cache disable                        */
#define X86_PTE_A   X86_PTE_BIT(5)  /* accessed (set by the CPU)            */
#define X86_PTE_D   X86_PTE_BIT(6)  /* dirty (leaf, set by the CPU)         */
#define X86_PTE_PS  X86_PTE_BIT(7)  /* page size: 1 GiB/2 MiB leaf          */
#define X86_PTE_G   X86_PTE_BIT(8)  /* global (leaf)                        */
#define X86_PTE_PAT_LARGE X86_PTE_BIT(12) /* PAT bit of a 2M/1G leaf        */
#define X86_PTE_NX  X86_PTE_BIT(63) /* no execute (needs EFER.NXE)          */
/* Physical address bits 12..51 of an entry. */
#define X86_PTE_ADDR_MASK ((x86_pte_t)0x000FFFFFFFFFF000ull)
/* Bits the CPU sets by itself: mask them when comparing tables. */
#define X86_PTE_HW_BITS (X86_PTE_A | X86_PTE_D)

#define X86_PTE_ADDR(pte) ((uint64_t)((pte) & X86_PTE_ADDR_MASK))
#define X86_PTE_PRESENT(pte) (((pte) & X86_PTE_P) != 0)
#define X86_PTE_LARGE(pte) (((pte) & X86_PTE_PS) != 0)

/* Levels and indices (xv6's PX). */
#define X86_LEVELS 4
#define X86_LEVEL_PML4 3
#define X86_LEVEL_PDPT 2
#define X86_LEVEL_PD 1
#define X86_LEVEL_PT 0
#define X86_ENTRIES 512u
#define X86_PX_SHIFT(level) (12u + 9u * (unsigned)(level))
#define X86_PX(level, va) ((unsigned)(((uint64_t)(va) >> X86_PX_SHIFT(level)) & 0x1FFu))
/* Bytes mapped by one entry at level (4K, 2M, 1G, 512G). */
#define X86_LEVEL_SIZE(level) ((uint64_t)1 << X86_PX_SHIFT(level))

/* Canonical: bits 63..47 all equal (48-bit virtual addresses). */
#define X86_VA_BITS 48u
#define X86_CANONICAL(va) \
    ((((uint64_t)(va) >> (X86_VA_BITS - 1u)) == 0) || \
     (((uint64_t)(va) >> (X86_VA_BITS - 1u)) == (UINT64_MAX >> (X86_VA_BITS - 1u))))
/* Physical addresses must fit the entry's address field (52 bits). */
#define X86_PHYS_MAX ((uint64_t)1 << 52)

/* CR3: PML4 address plus PWT/PCD flags. */
#define X86_CR3_ADDR_MASK X86_PTE_ADDR_MASK

/* The top 512 GiB (PML4 slot 511): the kernel image lives here. */
#define X86_KERNEL_BASE ((uint64_t)0xFFFFFF8000000000ull)

VMM_END_DECLS

#endif
