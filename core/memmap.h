/*
 * memmap.h - the boot memory map handed over by a bootloader.
 *
 * Entry types follow the Limine protocol (the Rust seed's bootloader), so a
 * Limine memory map can be passed through unchanged; a PVH/e820 map is
 * translated by the kernel (E820 1 -> USABLE, 3 -> ACPI_RECLAIMABLE, ...).
 */
#ifndef CORE_MEMMAP_H
#define CORE_MEMMAP_H

#include <stdint.h>
#include "vmm_cdefs.h"

VMM_BEGIN_DECLS

typedef enum memmap_type {
    MEMMAP_USABLE = 0,
    MEMMAP_RESERVED = 1,
    MEMMAP_ACPI_RECLAIMABLE = 2,
    MEMMAP_ACPI_NVS = 3,
    MEMMAP_BAD_MEMORY = 4,
    MEMMAP_BOOTLOADER_RECLAIMABLE = 5,
    MEMMAP_EXECUTABLE_AND_MODULES = 6,
    MEMMAP_FRAMEBUFFER = 7,
} memmap_type_t;

typedef struct memmap_entry {
    uint64_t base;   /* physical start, any alignment       */
    uint64_t length; /* bytes; 0-length entries are ignored */
    uint32_t type;   /* memmap_type_t                       */
} memmap_entry_t;

VMM_END_DECLS

#endif
