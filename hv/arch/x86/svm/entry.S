/* SPDX-License-Identifier: MIT */
/*
 * One guest entry and exit. C cannot do this part: the guest's registers must
 * be loaded and saved around VMRUN, and the host's hidden segment state
 * (FS/GS/TR/LDTR bases, KERNEL_GS_BASE, STAR/LSTAR/CSTAR/SFMASK, SYSENTER)
 * must be saved with VMSAVE before and restored with VMLOAD after, before any
 * C code touches %gs (the per-CPU pointer).
 *
 * void svm_enter_guest(paddr_t vmcb_pa, struct svm_gprs *gprs, paddr_t host_state_pa)
 *
 * Called with interrupts disabled. Host interrupts are enabled at VMRUN
 * (CLGI; STI; VMRUN; CLI; STGI) so that a physical interrupt makes the guest
 * exit (INTR); it stays pending until the caller enables interrupts.
 *
 * The guest's TR, LDTR, FS/GS bases and syscall MSRs are on the CPU from its
 * VMLOAD until the host's VMLOAD after #VMEXIT. All of that window runs with
 * the global interrupt flag clear (CLGI before the host's VMSAVE, STGI after
 * the host's VMLOAD): an NMI arriving meanwhile is held until STGI and taken
 * on the host's TSS, IST stacks and GS base, never on a TSS (and so stack
 * pointers) the guest chose. CLI alone would not do: it does not mask NMIs.
 * No guest can show this ordering (docs/security.md, "Hostile guests").
 *
 * After #VMEXIT, before the first RET: the return stack buffer is refilled
 * with harmless entries, so that no return the hypervisor executes can be
 * predicted from what the guest left there; and the guest's values are
 * cleared from the registers C code may leave unwritten.
 */

/* 32 calls whose return addresses are speculation traps; then the stack is unwound. */
#define RSB_ENTRIES 32
.macro fill_return_stack_buffer reg
    mov $(RSB_ENTRIES / 2), \reg
1:  call 2f
3:  pause
    lfence
    jmp 3b
2:  call 4f
5:  pause
    lfence
    jmp 5b
4:  dec \reg
    jnz 1b
    add $(RSB_ENTRIES * 8), %rsp
    lfence                          /* no speculation past a mispredicted JNZ */
.endm

/* Offsets in struct svm_gprs (svm.h). */
#define G_RBX 0x00
#define G_RCX 0x08
#define G_RDX 0x10
#define G_RSI 0x18
#define G_RDI 0x20
#define G_RBP 0x28
#define G_R8  0x30
#define G_R9  0x38
#define G_R10 0x40
#define G_R11 0x48
#define G_R12 0x50
#define G_R13 0x58
#define G_R14 0x60
#define G_R15 0x68

/* Stack slots after the prologue. */
#define S_VMCB  0x00
#define S_GPRS  0x08
#define S_HOST  0x10

    .text
    .globl svm_enter_guest
    .type svm_enter_guest, @function
svm_enter_guest:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdx
    push %rsi
    push %rdi

    clgi
    mov %rdx, %rax
    vmsave
    mov %rdi, %rax
    vmload

    mov G_RBX(%rsi), %rbx
    mov G_RCX(%rsi), %rcx
    mov G_RDX(%rsi), %rdx
    mov G_RDI(%rsi), %rdi
    mov G_RBP(%rsi), %rbp
    mov G_R8(%rsi), %r8
    mov G_R9(%rsi), %r9
    mov G_R10(%rsi), %r10
    mov G_R11(%rsi), %r11
    mov G_R12(%rsi), %r12
    mov G_R13(%rsi), %r13
    mov G_R14(%rsi), %r14
    mov G_R15(%rsi), %r15
    mov G_RSI(%rsi), %rsi

    sti
    vmrun
    /* #VMEXIT: host RSP is back; every other GPR but RAX holds guest values. */
    .globl svm_vmrun_return
svm_vmrun_return:
    push %rsi
    mov S_GPRS + 8(%rsp), %rsi
    mov %rbx, G_RBX(%rsi)
    mov %rcx, G_RCX(%rsi)
    mov %rdx, G_RDX(%rsi)
    mov %rdi, G_RDI(%rsi)
    mov %rbp, G_RBP(%rsi)
    mov %r8, G_R8(%rsi)
    mov %r9, G_R9(%rsi)
    mov %r10, G_R10(%rsi)
    mov %r11, G_R11(%rsi)
    mov %r12, G_R12(%rsi)
    mov %r13, G_R13(%rsi)
    mov %r14, G_R14(%rsi)
    mov %r15, G_R15(%rsi)
    pop %rbx
    mov %rbx, G_RSI(%rsi)

    fill_return_stack_buffer %ecx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %edi, %edi
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r11d, %r11d

    mov S_VMCB(%rsp), %rax
    vmsave
    mov S_HOST(%rsp), %rax
    vmload
    cli
    stgi

    add $24, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size svm_enter_guest, . - svm_enter_guest

    .section .note.GNU-stack, "", @progbits
