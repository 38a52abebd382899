/* fuzz_ops.c - the op descriptors, built from the tables of fuzz_ops.h. */
#include "fuzz_ops.h"

#include <string.h>

#define FUZZ_OP_DESC(e, v, n, a, ...)                                              \
    [v] = { n, a, { 0, __VA_ARGS__ },                                              \
            (unsigned)(sizeof((const uint64_t[]){ 0, __VA_ARGS__ }) / sizeof(uint64_t) - 1u) },

const fuzz_op_desc_t bitmap_op_desc[BITMAP_OP_COUNT] = { BITMAP_OPS(FUZZ_OP_DESC) };
const fuzz_op_desc_t paging_op_desc[PAGING_OP_COUNT] = { PAGING_OPS(FUZZ_OP_DESC) };
const fuzz_op_desc_t vmm_op_desc[VMM_OP_COUNT] = { VMM_OPS(FUZZ_OP_DESC) };
const fuzz_op_desc_t pmm_op_desc[PMM_OP_COUNT] = { PMM_OPS(FUZZ_OP_DESC) };
const fuzz_op_desc_t boot_init_part_desc[BOOT_PART_COUNT] = { BOOT_INIT_PARTS(FUZZ_OP_DESC) };
const fuzz_op_desc_t hbitmap_op_desc[HB_OP_COUNT] = { HBITMAP_OPS(FUZZ_OP_DESC) };
const fuzz_op_desc_t aspace_op_desc[ASPACE_OP_COUNT] = { ASPACE_OPS(FUZZ_OP_DESC) };
const fuzz_op_desc_t emu_op_desc[EMU_OP_COUNT] = { EMU_OPS(FUZZ_OP_DESC) };

const fuzz_format_t fuzz_formats[] = {
    { "bitmap", BITMAP_CONFIG, bitmap_op_desc, BITMAP_OP_COUNT, 1, FUZZ_MAX_OPS, FUZZ_MAX_LEN },
    { "pmm", PMM_CONFIG, pmm_op_desc, PMM_OP_COUNT, 1, FUZZ_MAX_OPS, FUZZ_MAX_LEN },
    { "paging", PAGING_CONFIG, paging_op_desc, PAGING_OP_COUNT, 1, FUZZ_MAX_OPS, FUZZ_MAX_LEN },
    { "vmm", VMM_CONFIG, vmm_op_desc, VMM_OP_COUNT, 1, VMM_MAX_OPS, VMM_MAX_LEN },
    { "boot_init", BOOT_INIT_CONFIG, boot_init_part_desc, BOOT_PART_COUNT, 0, 0, FUZZ_MAX_LEN },
    { "hbitmap", HBITMAP_CONFIG, hbitmap_op_desc, HB_OP_COUNT, 1, HBITMAP_MAX_OPS, HBITMAP_MAX_LEN },
    { "aspace", ASPACE_CONFIG, aspace_op_desc, ASPACE_OP_COUNT, 1, FUZZ_MAX_OPS, ASPACE_MAX_LEN },
    { "emu", EMU_CONFIG, emu_op_desc, EMU_OP_COUNT, 1, EMU_MAX_OPS, EMU_MAX_LEN },
};
const unsigned fuzz_format_count = sizeof fuzz_formats / sizeof fuzz_formats[0];

const char *fuzz_op_name(const fuzz_op_desc_t *ops, unsigned n, unsigned op)
{
    return op < n ? ops[op].name : "nop";
}

const fuzz_format_t *fuzz_format(const char *target)
{
    for (unsigned i = 0; i < fuzz_format_count; i++)
        if (strcmp(fuzz_formats[i].target, target) == 0)
            return &fuzz_formats[i];
    return NULL;
}

int fuzz_encode(const char *widths, const uint64_t *v, unsigned n, uint8_t *buf, size_t *len,
                size_t cap)
{
    size_t bytes = 0;
    for (const char *w = widths; *w; w++)
        bytes += (size_t)(*w - '0');
    if (strlen(widths) != n || bytes > cap - *len)
        return 0;
    for (unsigned i = 0; i < n; i++)
        for (unsigned b = 0; b < (unsigned)(widths[i] - '0'); b++)
            buf[(*len)++] = (uint8_t)(v[i] >> (8u * b));
    return 1;
}

int fuzz_op_encode(const fuzz_format_t *f, unsigned op, const uint64_t *v, unsigned n,
                   uint8_t *buf, size_t *len, size_t cap)
{
    if (op >= f->nops || *len + (f->has_opcode ? 1u : 0u) > cap)
        return 0;
    size_t at = *len;
    if (f->has_opcode)
        buf[(*len)++] = (uint8_t)op;
    if (fuzz_encode(f->ops[op].args, v, n, buf, len, cap))
        return 1;
    *len = at;
    return 0;
}
