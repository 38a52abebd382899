/*
 * qemu_exit.S - the QEMU baseline kernel: a PVH entry whose first
 * instructions write to isa-debug-exit, so QEMU exits at once. Booting it
 * measures QEMU's own start-up and firmware, the floor of any boot.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define DEBUG_EXIT_PORT 0xf4
#define EXIT_VALUE 0x10 /* QEMU exits with (0x10 << 1) | 1 = 33 */

    .section .note.Xen, "a", @note
    .p2align 2
    .long 4                          /* name size: "Xen\0"        */
    .long 8                          /* descriptor size           */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .p2align 2
    .quad pvh_entry

    .text
    .code32
    .globl pvh_entry
pvh_entry:
    movb $EXIT_VALUE, %al
    outb %al, $DEBUG_EXIT_PORT
1:  hlt
    jmp 1b
