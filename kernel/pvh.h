/*
 * pvh.h - the PVH boot information (Xen's hvm_start_info, version >= 1) and
 * its e820 memory map, translated into the core's memmap_entry_t.
 */
#ifndef KERNEL_PVH_H
#define KERNEL_PVH_H

#include <stddef.h>
#include <stdint.h>

#include "core/memmap.h"

#define PVH_START_MAGIC 0x336ec578u
#define PVH_MAX_MAP 64u

/* e820 entry types. */
#define E820_RAM 1u
#define E820_RESERVED 2u
#define E820_ACPI 3u
#define E820_NVS 4u
#define E820_UNUSABLE 5u

/* Reads the start info at phys (reachable at phys + access_offset), copies
 * its memory map into out (at most cap entries, 0-length entries skipped,
 * e820 types translated) and returns the number of entries; 0 when the
 * magic or version is wrong or the map is missing or too long. */
size_t pvh_memory_map(uint64_t phys, uint64_t access_offset,
                      memmap_entry_t *out, size_t cap);

/* Returns the core's type for an e820 type (unknown types are RESERVED). */
uint32_t pvh_e820_to_memmap(uint32_t e820_type);

#endif
