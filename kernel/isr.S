/*
 * isr.S - exception entry stubs and fault probes.
 *
 * Every CPU exception vector 0..31 pushes (error code or 0, vector) and
 * saves the general registers into a trap_frame_t (trap.h), clears
 * RFLAGS.AC, then calls trap_dispatch(frame); the handler may change the
 * frame (rip, rsp, rax) to recover, and the stub returns with iretq.
 *
 * The probes do one access that may fault. When a fatal fault hits the
 * probe's access instruction, the handler resumes at the probe's fixup with
 * rax = 0, so the probe returns false instead of crashing.
 */
    .text

#define RFLAGS_AC (1 << 18) /* core/x86_64/pf.h's X86_RFLAGS_AC (C only) */

/* isr_noerr n: entry for an exception without a CPU error code. */
.macro isr_noerr n
isr_\n:
    pushq $0
    pushq $\n
    jmp isr_common
.endm

/* isr_err n: entry for an exception with a CPU error code. */
.macro isr_err n
isr_\n:
    pushq $\n
    jmp isr_common
.endm

isr_noerr 0
isr_noerr 1
isr_noerr 2
isr_noerr 3
isr_noerr 4
isr_noerr 5
isr_noerr 6
isr_noerr 7
isr_err   8
isr_noerr 9
isr_err   10
isr_err   11
isr_err   12
isr_err   13
isr_err   14
isr_noerr 15
isr_noerr 16
isr_err   17
isr_noerr 18
isr_noerr 19
isr_noerr 20
isr_err   21
isr_noerr 22
isr_noerr 23
isr_noerr 24
isr_noerr 25
isr_noerr 26
isr_noerr 27
isr_noerr 28
isr_err   29
isr_err   30
isr_noerr 31

isr_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    cld
#ifndef KERNEL_MUTANT_AC_KEPT /* tests only: see CMakeLists.txt */
    /* RFLAGS.AC off whatever the interrupted code had (a user's popf can set
     * it, and no gate clears it): SMAP then guards the handler too. Any CPU
     * runs this (clac needs SMAP); iretq gives the interrupted code its AC. */
    pushfq
    andq $~RFLAGS_AC, (%rsp)
    popfq
#endif
    call trap_dispatch
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp              /* vector and error code */
    iretq

/* The table of entry addresses, indexed by vector (read by idt_init). */
    .section .rodata
    .p2align 3
    .globl isr_table
isr_table:
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad isr_\n
.endr

    .text
/* bool probe_read64(uint64_t addr, uint64_t *out): *out = *(uint64_t *)addr. */
    .globl probe_read64, probe_read64_insn, probe_read64_fixup
probe_read64:
    xorl %eax, %eax
probe_read64_insn:
    movq (%rdi), %rdx
    movq %rdx, (%rsi)
    movl $1, %eax
probe_read64_fixup:
    ret

/* bool probe_write64(uint64_t addr, uint64_t value): *(uint64_t *)addr = value. */
    .globl probe_write64, probe_write64_insn, probe_write64_fixup
probe_write64:
    xorl %eax, %eax
probe_write64_insn:
    movq %rsi, (%rdi)
    movl $1, %eax
probe_write64_fixup:
    ret

/* bool probe_call(uint64_t addr): calls addr (code that returns 1 in eax).
 * A fetch fault at addr itself is recovered by returning to the caller. */
    .globl probe_call
probe_call:
    xorl %eax, %eax
    call *%rdi
    ret


/* uint64_t user_run(uint64_t rip, uint64_t rsp, uint64_t arg): runs code at
 * CPL3 from rip with stack rsp and rdi = arg, interrupts off. The code ends
 * by faulting (ud2, or a fatal access): the trap handler then resumes
 * user_return at CPL0 on the stack saved here (trap.c), and user_run
 * returns. */
#define SEL_USER_DATA_RPL3 (0x18 | 3)
#define SEL_USER_CODE_RPL3 (0x20 | 3)
#define RFLAGS_RESERVED 0x2
    .text
    .globl user_run, user_return
user_run:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, user_kernel_rsp(%rip)
    pushq $SEL_USER_DATA_RPL3
    pushq %rsi
    pushq $RFLAGS_RESERVED
    pushq $SEL_USER_CODE_RPL3
    pushq %rdi
    movq %rdx, %rdi
    xorl %eax, %eax
    iretq
user_return:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret

    .bss
    .p2align 3
    .globl user_kernel_rsp
user_kernel_rsp:
    .quad 0

    .section .note.GNU-stack, "", @progbits
