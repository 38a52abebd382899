/* fuzz_ops.c - the op descriptors, built from the tables of fuzz_ops.h. */
#include "fuzz_ops.h"

#define FUZZ_OP_DESC(e, v, n, a, ...)                                              \
    [v] = { n, a, { 0, __VA_ARGS__ },                                              \
            (unsigned)(sizeof((const uint64_t[]){ 0, __VA_ARGS__ }) / sizeof(uint64_t) - 1u) },

const fuzz_op_desc_t bitmap_op_desc[BITMAP_OP_COUNT] = { BITMAP_OPS(FUZZ_OP_DESC) };
const fuzz_op_desc_t paging_op_desc[PAGING_OP_COUNT] = { PAGING_OPS(FUZZ_OP_DESC) };
const fuzz_op_desc_t vmm_op_desc[VMM_OP_COUNT] = { VMM_OPS(FUZZ_OP_DESC) };
const fuzz_op_desc_t pmm_op_desc[PMM_OP_COUNT] = { PMM_OPS(FUZZ_OP_DESC) };
const fuzz_op_desc_t boot_init_part_desc[BOOT_PART_COUNT] = { BOOT_INIT_PARTS(FUZZ_OP_DESC) };

const fuzz_format_t fuzz_formats[] = {
    { "bitmap", BITMAP_CONFIG, bitmap_op_desc, BITMAP_OP_COUNT, 1, FUZZ_MAX_OPS, FUZZ_MAX_LEN },
    { "pmm", PMM_CONFIG, pmm_op_desc, PMM_OP_COUNT, 1, FUZZ_MAX_OPS, FUZZ_MAX_LEN },
    { "paging", PAGING_CONFIG, paging_op_desc, PAGING_OP_COUNT, 1, FUZZ_MAX_OPS, FUZZ_MAX_LEN },
    { "vmm", VMM_CONFIG, vmm_op_desc, VMM_OP_COUNT, 1, VMM_MAX_OPS, VMM_MAX_LEN },
    { "boot_init", BOOT_INIT_CONFIG, boot_init_part_desc, BOOT_PART_COUNT, 0, 0, FUZZ_MAX_LEN },
};
const unsigned fuzz_format_count = sizeof fuzz_formats / sizeof fuzz_formats[0];

const char *fuzz_op_name(const fuzz_op_desc_t *ops, unsigned n, unsigned op)
{
    return op < n ? ops[op].name : "nop";
}
