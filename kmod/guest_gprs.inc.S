/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For the two world switches (svm/svm_entry.S, vmx/vmx_entry.S): where
 * each guest register lives in vcpu->gpr[] (enum hvm_gpr, the hardware
 * numbering), and the register moves and scrubbing both make the same
 * way. Included by assembler files only (hence .inc.S).
 */
#ifndef HVMOD_GUEST_GPRS_INC_S
#define HVMOD_GUEST_GPRS_INC_S

#include <asm/nospec-branch.h>

/* Offsets in u64 gpr[16]; RSP is not there (the VMCB/VMCS has it). */
#define G_RAX	(0 * 8)
#define G_RCX	(1 * 8)
#define G_RDX	(2 * 8)
#define G_RBX	(3 * 8)
#define G_RBP	(5 * 8)
#define G_RSI	(6 * 8)
#define G_RDI	(7 * 8)
#define G_R8	(8 * 8)
#define G_R9	(9 * 8)
#define G_R10	(10 * 8)
#define G_R11	(11 * 8)
#define G_R12	(12 * 8)
#define G_R13	(13 * 8)
#define G_R14	(14 * 8)
#define G_R15	(15 * 8)

/*
 * The guest's registers from gpr[] at \base, all but RAX, RSP and RSI:
 * each world switch uses one of RAX/RSI as \base and loads it last.
 */
.macro HVM_LOAD_GUEST_GPRS base:req
	mov	G_RCX(\base), %rcx
	mov	G_RDX(\base), %rdx
	mov	G_RBX(\base), %rbx
	mov	G_RBP(\base), %rbp
	mov	G_RDI(\base), %rdi
	mov	G_R8(\base), %r8
	mov	G_R9(\base), %r9
	mov	G_R10(\base), %r10
	mov	G_R11(\base), %r11
	mov	G_R12(\base), %r12
	mov	G_R13(\base), %r13
	mov	G_R14(\base), %r14
	mov	G_R15(\base), %r15
.endm

/* After the exit: the guest's registers but RAX and RSP to gpr[] at \base. */
.macro HVM_STORE_GUEST_GPRS base:req
	mov	%rcx, G_RCX(\base)
	mov	%rdx, G_RDX(\base)
	mov	%rbx, G_RBX(\base)
	mov	%rbp, G_RBP(\base)
	mov	%rsi, G_RSI(\base)
	mov	%rdi, G_RDI(\base)
	mov	%r8, G_R8(\base)
	mov	%r9, G_R9(\base)
	mov	%r10, G_R10(\base)
	mov	%r11, G_R11(\base)
	mov	%r12, G_R12(\base)
	mov	%r13, G_R13(\base)
	mov	%r14, G_R14(\base)
	mov	%r15, G_R15(\base)
.endm

/*
 * No guest value may reach speculative host code: clear the registers
 * the callee-saved pops that follow do not overwrite, then overwrite the
 * return stack buffer the guest filled (the kernel's own VM-exit
 * mitigation, keyed on X86_FEATURE_RSB_VMEXIT). RAX keeps the result.
 */
.macro HVM_SCRUB_GUEST_STATE
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT
.endm

#endif /* HVMOD_GUEST_GPRS_INC_S */
