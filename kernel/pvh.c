/*
 * pvh.c - reading hvm_start_info (see pvh.h).
 */
#include "pvh.h"

typedef struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;  /* version >= 1 */
    uint32_t memmap_entries;
    uint32_t reserved;
} hvm_start_info_t;

typedef struct hvm_memmap_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
} hvm_memmap_entry_t;

uint32_t pvh_e820_to_memmap(uint32_t e820_type)
{
    switch (e820_type) {
    case E820_RAM: return MEMMAP_USABLE;
    case E820_ACPI: return MEMMAP_ACPI_RECLAIMABLE;
    case E820_NVS: return MEMMAP_ACPI_NVS;
    case E820_UNUSABLE: return MEMMAP_BAD_MEMORY;
    default: return MEMMAP_RESERVED;
    }
}

size_t pvh_memory_map(uint64_t phys, uint64_t access_offset,
                      memmap_entry_t *out, size_t cap)
{
    const hvm_start_info_t *info =
        (const hvm_start_info_t *)(uintptr_t)(phys + access_offset);
    if (phys == 0 || info->magic != PVH_START_MAGIC || info->version < 1 ||
        info->memmap_paddr == 0 || info->memmap_entries > cap)
        return 0;
    const hvm_memmap_entry_t *e =
        (const hvm_memmap_entry_t *)(uintptr_t)(info->memmap_paddr + access_offset);
    size_t n = 0;
    for (uint32_t i = 0; i < info->memmap_entries; i++) {
        if (e[i].size == 0)
            continue;
        out[n].base = e[i].addr;
        out[n].length = e[i].size;
        out[n].type = pvh_e820_to_memmap(e[i].type);
        n++;
    }
    return n;
}
