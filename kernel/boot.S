/*
 * boot.S - the PVH entry: 32-bit protected mode, paging off (QEMU -kernel
 * with the XEN_ELFNOTE_PHYS32_ENTRY note below), ebx = hvm_start_info.
 *
 * The stub runs at its physical address (section .boot, linked low). It
 * loads static boot tables that map the low 4 GiB twice, identity and at
 * KERNEL_VMA (2 MiB pages), enables PAE, long mode, NX (when CPUID has it),
 * write protection and paging, and jumps to the higher-half 64-bit entry,
 * which zeroes .bss, sets the boot stack and calls kmain(start_info_phys).
 * The core later builds the real tables; these are then never used again.
 */
#define KERNEL_VMA      0xFFFFFFFF80000000
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define CR0_PE          (1 << 0)
#define CR0_WP          (1 << 16)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define MSR_EFER        0xC0000080
#define EFER_LME        (1 << 8)
#define EFER_NXE        (1 << 11)
#define CPUID_NX        (1 << 20)
#define CPUID_LM        (1 << 29)
#define PTE_P_W         0x3
#define PTE_P_W_PS      0x83
#define SEL_CODE64      0x08
#define SEL_DATA        0x10
#define DEBUG_EXIT_PORT 0xf4
#define BOOT_FAIL_CODE  0x02   /* QEMU exits with 5: "no long mode" */
#define COM1_PORT       0x3f8

/* The PVH note: QEMU jumps to the 8-byte physical entry address it holds. */
    .section .note.Xen, "a", @note
    .p2align 2
    .long 4                     /* name size: "Xen\0"  */
    .long 8                     /* descriptor size     */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .p2align 2
    .quad pvh_start32
    .p2align 2

    .section .boot.text, "ax", @progbits
    .code32
    .globl pvh_start32
pvh_start32:
    cli
    cld
    movl %ebx, %edi             /* start_info: kmain's first argument */

    movl $0x80000000, %eax      /* long mode at all? */
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $CPUID_LM, %edx
    jz no_long_mode
    movl %edx, %esi             /* keep the feature bits for NX */

    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4

    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    testl $CPUID_NX, %esi
    jz 1f
    orl $EFER_NXE, %eax
1:  wrmsr

    movl %cr0, %eax
    orl $(CR0_PG | CR0_WP | CR0_PE), %eax
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $SEL_CODE64, $boot_start64

no_long_mode:                   /* say why on COM1 (QEMU's UART needs no setup) */
    movl $no_long_mode_msg, %esi
1:  lodsb
    testb %al, %al
    jz 2f
    movw $COM1_PORT, %dx
    outb %al, %dx
    jmp 1b
2:  movw $DEBUG_EXIT_PORT, %dx
    movb $BOOT_FAIL_CODE, %al
    outb %al, %dx
3:  hlt
    jmp 3b
no_long_mode_msg:
    .asciz "PANIC: the CPU has no long mode (CPUID 0x80000001 EDX.LM): a 64-bit kernel cannot run\n"

    .code64
boot_start64:
    movw $SEL_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movabsq $kernel_entry64, %rax
    jmp *%rax

    .section .boot.data, "a", @progbits   /* read-only to the ELF; only the CPU sets A bits */
    .p2align 3
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF    /* 0x08: 64-bit kernel code */
    .quad 0x00CF92000000FFFF    /* 0x10: kernel data        */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .p2align 12
boot_pml4:
    .quad boot_pdpt_low + PTE_P_W
    .fill 510, 8, 0
    .quad boot_pdpt_high + PTE_P_W
boot_pdpt_low:                  /* 0..4 GiB identity */
    .quad boot_pd + PTE_P_W
    .quad boot_pd + 0x1000 + PTE_P_W
    .quad boot_pd + 0x2000 + PTE_P_W
    .quad boot_pd + 0x3000 + PTE_P_W
    .fill 508, 8, 0
boot_pdpt_high:                 /* KERNEL_VMA + 0..2 GiB (PDPT slots 510, 511) */
    .fill 510, 8, 0
    .quad boot_pd + PTE_P_W
    .quad boot_pd + 0x1000 + PTE_P_W
boot_pd:                        /* 2048 x 2 MiB = 4 GiB */
    .set boot_pd_addr, 0
    .rept 2048
    .quad boot_pd_addr + PTE_P_W_PS
    .set boot_pd_addr, boot_pd_addr + 0x200000
    .endr

/* The higher-half entry, at its link address. */
    .section .text
    .globl kernel_entry64
kernel_entry64:
    movq %rdi, %rbx             /* rep stos below uses rdi */
    movq $__bss_start, %rdi
    movq $__bss_end, %rcx
    subq %rdi, %rcx
    shrq $3, %rcx
    xorl %eax, %eax
    rep stosq
    movq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movl %ebx, %edi             /* zero-extends start_info's address */
    call kmain
3:  cli
    hlt
    jmp 3b

    .section .bss
    .p2align 12
    .globl boot_stack
boot_stack:
    .skip 16384
    .globl boot_stack_top
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
