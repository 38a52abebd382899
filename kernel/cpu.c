/*
 * cpu.c - GDT, TSS and IDT (see cpu.h).
 */
#include "cpu.h"

#include <stdint.h>

#include "arch.h"
#include "stack.h"

/* Segment descriptor fields (flat 64-bit segments). */
#define GDT_CODE64 0x00AF9A000000FFFFull /* P, DPL0, code, L=1 */
#define GDT_DATA   0x00CF92000000FFFFull /* P, DPL0, data, writable */
#define GDT_USER_DATA   0x00CFF2000000FFFFull /* P, DPL3, data, writable */
#define GDT_USER_CODE64 0x00AFFA000000FFFFull /* P, DPL3, code, L=1 */
#define TSS_TYPE_AVAILABLE 0x89ull       /* P, 64-bit TSS available */
#define IDT_INTERRUPT_GATE 0x8Eu         /* P, DPL0, 64-bit interrupt gate */
#define IDT_GATE_PRESENT 0x80u
#define IST_DOUBLE_FAULT 1u
#define IST_STACK_SIZE 8192u
#define RSP0_STACK_SIZE 16384u

typedef struct __attribute__((packed)) tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} tss_t;

typedef struct __attribute__((packed)) idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} idt_gate_t;

typedef struct __attribute__((packed)) table_ptr {
    uint16_t limit;
    uint64_t base;
} table_ptr_t;

extern const uint64_t isr_table[NUM_EXCEPTIONS];

static uint64_t gdt[7]; /* null, code, data, user data, user code, TSS x2 */
static tss_t tss;
static idt_gate_t idt[NUM_EXCEPTIONS];
static _Alignas(16) uint8_t df_stack[IST_STACK_SIZE];
static _Alignas(16) uint8_t rsp0_stack[RSP0_STACK_SIZE];

/* Returns the two GDT words of a 64-bit TSS descriptor for t. */
static void tss_descriptor(const tss_t *t, uint64_t out[2])
{
    uint64_t base = (uint64_t)(uintptr_t)t;
    uint64_t limit = sizeof(*t) - 1u;
    out[0] = (limit & 0xFFFFull) | ((base & 0xFFFFFFull) << 16) |
             (TSS_TYPE_AVAILABLE << 40) | (((limit >> 16) & 0xFull) << 48) |
             (((base >> 24) & 0xFFull) << 56);
    out[1] = base >> 32;
}

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[1] = GDT_CODE64;
    gdt[2] = GDT_DATA;
    gdt[3] = GDT_USER_DATA;
    gdt[4] = GDT_USER_CODE64;
    stack_paint((uint64_t *)rsp0_stack, (uint64_t *)(rsp0_stack + sizeof(rsp0_stack)));
    stack_paint((uint64_t *)df_stack, (uint64_t *)(df_stack + sizeof(df_stack)));
    tss.rsp[0] = (uint64_t)(uintptr_t)(rsp0_stack + sizeof(rsp0_stack));
    tss.ist[IST_DOUBLE_FAULT - 1u] = (uint64_t)(uintptr_t)(df_stack + sizeof(df_stack));
    tss.iomap_base = sizeof(tss);
    tss_descriptor(&tss, &gdt[SEL_TSS / sizeof(gdt[0])]);
    table_ptr_t ptr = { sizeof(gdt) - 1u, (uint64_t)(uintptr_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "movw %w1, %%ds\n\tmovw %w1, %%es\n\tmovw %w1, %%ss\n\t"
        "movw %w1, %%fs\n\tmovw %w1, %%gs\n\t"
        "pushq %2\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "ltr %w3"
        : : "m"(ptr), "r"(SEL_KERNEL_DATA), "i"((uint64_t)SEL_KERNEL_CODE), "r"(SEL_TSS)
        : "rax", "memory");
}

void cpu_stacks(struct kstack *rsp0, struct kstack *df)
{
    *rsp0 = (kstack_t){ "rsp0", (uint64_t *)rsp0_stack,
                        (uint64_t *)(rsp0_stack + sizeof(rsp0_stack)) };
    *df = (kstack_t){ "#DF", (uint64_t *)df_stack, (uint64_t *)(df_stack + sizeof(df_stack)) };
}

/* Points IDT vector v at handler, on IST stack ist (0: current stack). */
static void idt_set(unsigned v, uint64_t handler, uint8_t ist)
{
    idt[v].offset_low = (uint16_t)handler;
    idt[v].selector = SEL_KERNEL_CODE;
    idt[v].ist = ist;
    idt[v].type_attr = IDT_INTERRUPT_GATE;
    idt[v].offset_mid = (uint16_t)(handler >> 16);
    idt[v].offset_high = (uint32_t)(handler >> 32);
    idt[v].reserved = 0;
}

void idt_init(void)
{
    for (unsigned v = 0; v < NUM_EXCEPTIONS; v++)
        idt_set(v, isr_table[v], v == VEC_DF ? IST_DOUBLE_FAULT : 0);
#ifdef KERNEL_MUTANT_NO_PF_GATE
    /* Mutant (tests only): no #PF gate, so the first #PF becomes a #DF,
     * which must be reported on its own stack. */
    idt[VEC_PF].type_attr &= (uint8_t)~IDT_GATE_PRESENT;
#endif
    table_ptr_t ptr = { sizeof(idt) - 1u, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(ptr) : "memory");
}
