/*
 * cpu.h - descriptor tables: the GDT (kernel and user code/data, a TSS whose
 * RSP0 stack takes exceptions from CPL3 and whose IST1 stack catches #DF)
 * and the IDT with the 32 exception vectors.
 */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#define SEL_KERNEL_CODE 0x08u
#define SEL_KERNEL_DATA 0x10u
#define SEL_USER_DATA   0x18u /* DPL3; request with RPL 3 */
#define SEL_USER_CODE   0x20u /* DPL3, 64-bit              */
#define SEL_TSS         0x28u
#define SEL_RPL_USER    3u

#define VEC_DF  8u  /* double fault        */
#define VEC_GP  13u /* general protection  */
#define VEC_PF  14u /* page fault          */
#define NUM_EXCEPTIONS 32u

/* Loads the kernel's GDT (reloading every segment register) and the TSS. */
void gdt_init(void);

struct kstack;

/* Stores the RSP0 stack (exceptions from CPL3) in *rsp0 and the #DF IST
 * stack in *df (stack.h); gdt_init painted both. */
void cpu_stacks(struct kstack *rsp0, struct kstack *df);

/* Loads an IDT routing vectors 0..31 to isr.S (#DF on its own stack). */
void idt_init(void);

#endif
