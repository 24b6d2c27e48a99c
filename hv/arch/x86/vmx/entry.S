/* SPDX-License-Identifier: MIT */
/*
 * One guest entry and exit. C cannot do this part: the guest's registers
 * must be loaded right before VMLAUNCH/VMRESUME and saved right at the exit,
 * where the CPU lands on HOST_RIP (vmx_exit_return) with HOST_RSP, written
 * here at each entry, and with everything else the VMCS's host state says.
 *
 * int vmx_enter_guest(struct vmx_gprs *gprs, bool launched)
 *
 * Called with interrupts disabled; physical interrupts and NMIs make the
 * guest exit (pin-based controls) and wait for the caller to enable
 * interrupts. Returns 0 after an exit, 1 if the entry failed with
 * VMfailInvalid, 2 with VMfailValid (VM_INSTRUCTION_ERROR says why).
 *
 * After the exit, before the first RET: the return stack buffer is refilled
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

/* Offsets in struct vmx_gprs (vmx.h). */
#define G_RAX 0x00
#define G_RBX 0x08
#define G_RCX 0x10
#define G_RDX 0x18
#define G_RSI 0x20
#define G_RDI 0x28
#define G_RBP 0x30
#define G_R8  0x38
#define G_R9  0x40
#define G_R10 0x48
#define G_R11 0x50
#define G_R12 0x58
#define G_R13 0x60
#define G_R14 0x68
#define G_R15 0x70

#define VMCS_HOST_RSP 0x6C14

    .text
    .globl vmx_enter_guest
    .type vmx_enter_guest, @function
vmx_enter_guest:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdi

    mov $VMCS_HOST_RSP, %eax
    vmwrite %rsp, %rax
    jbe .Lfailed

    /* MOVs leave the flags alone: the test decides VMLAUNCH or VMRESUME below. */
    test %sil, %sil
    mov G_RAX(%rdi), %rax
    mov G_RBX(%rdi), %rbx
    mov G_RCX(%rdi), %rcx
    mov G_RDX(%rdi), %rdx
    mov G_RSI(%rdi), %rsi
    mov G_RBP(%rdi), %rbp
    mov G_R8(%rdi), %r8
    mov G_R9(%rdi), %r9
    mov G_R10(%rdi), %r10
    mov G_R11(%rdi), %r11
    mov G_R12(%rdi), %r12
    mov G_R13(%rdi), %r13
    mov G_R14(%rdi), %r14
    mov G_R15(%rdi), %r15
    mov G_RDI(%rdi), %rdi
    jnz 1f
    vmlaunch
    jmp .Lfailed
1:  vmresume

.Lfailed:
    /* CF: VMfailInvalid; ZF: VMfailValid. The guest's values are in the registers. */
    mov $1, %eax
    jc 2f
    mov $2, %eax
2:  xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %edi, %edi
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r11d, %r11d
    jmp .Lreturn

    /* VM exit: RSP is HOST_RSP; every GPR holds a guest value. */
    .globl vmx_exit_return
vmx_exit_return:
    push %rdi
    mov 8(%rsp), %rdi
    mov %rax, G_RAX(%rdi)
    mov %rbx, G_RBX(%rdi)
    mov %rcx, G_RCX(%rdi)
    mov %rdx, G_RDX(%rdi)
    mov %rsi, G_RSI(%rdi)
    mov %rbp, G_RBP(%rdi)
    mov %r8, G_R8(%rdi)
    mov %r9, G_R9(%rdi)
    mov %r10, G_R10(%rdi)
    mov %r11, G_R11(%rdi)
    mov %r12, G_R12(%rdi)
    mov %r13, G_R13(%rdi)
    mov %r14, G_R14(%rdi)
    mov %r15, G_R15(%rdi)
    pop %rbx
    mov %rbx, G_RDI(%rdi)

    fill_return_stack_buffer %ecx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %edi, %edi
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r11d, %r11d
    xor %eax, %eax

.Lreturn:
    add $8, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size vmx_enter_guest, . - vmx_enter_guest

    .section .note.GNU-stack, "", @progbits
