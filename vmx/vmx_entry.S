/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VT-x world switch (Intel SDM, order no. 326019-081US, vol. 3C
 * 26 "VM Entries" and 28 "VM Exits").
 *
 * VM entry loads the guest's RSP, RIP and RFLAGS from the VMCS, not the
 * other general registers: they are loaded here. A VM exit loads the
 * host's RSP and RIP from the VMCS (HOST_RSP is written below, HOST_RIP
 * is vmx_vmexit) and leaves every other general register with the
 * guest's value, so the host's callee-saved ones live on the stack.
 *
 * Called by vmx_run.c with interrupts off and the vCPU's VMCS current.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/ibt.h>
#include <asm/unwind_hints.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>
#include <asm-generic/errno-base.h>

/* Offsets in u64 gprs[16], in the hardware numbering (enum hvm_gpr). */
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

/* The VMCS field encoding of HOST_RSP (appendix B.4.4). */
#define VMCS_HOST_RSP	0x6c14

/* int vmx_world_switch(u64 *gprs, bool launched) */
SYM_FUNC_START(vmx_world_switch)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* gprs: the exit path finds it at 0(%rsp). */
	push	%rdi

	/* The exit comes back with this RSP. */
	mov	$VMCS_HOST_RSP, %eax
1:	vmwrite	%rsp, %rax
	jbe	.Lvmfail_host

	/* The exit's stack is this one: vmx_vmexit restores this state. */
	UNWIND_HINT_SAVE
	/* ZF from this test chooses VMRESUME; the MOVs keep the flags. */
	test	%sil, %sil
	mov	%rdi, %rax
	mov	G_RCX(%rax), %rcx
	mov	G_RDX(%rax), %rdx
	mov	G_RBX(%rax), %rbx
	mov	G_RBP(%rax), %rbp
	mov	G_RSI(%rax), %rsi
	mov	G_RDI(%rax), %rdi
	mov	G_R8(%rax), %r8
	mov	G_R9(%rax), %r9
	mov	G_R10(%rax), %r10
	mov	G_R11(%rax), %r11
	mov	G_R12(%rax), %r12
	mov	G_R13(%rax), %r13
	mov	G_R14(%rax), %r14
	mov	G_R15(%rax), %r15
	mov	G_RAX(%rax), %rax
	jnz	.Lresume
2:	vmlaunch
	jmp	.Lvmfail
.Lresume:
3:	vmresume
	jmp	.Lvmfail

/* HOST_RIP: a VM exit lands here, on the stack left above. */
SYM_INNER_LABEL(vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	push	%rax
	mov	8(%rsp), %rax
	mov	%rcx, G_RCX(%rax)
	mov	%rdx, G_RDX(%rax)
	mov	%rbx, G_RBX(%rax)
	mov	%rbp, G_RBP(%rax)
	mov	%rsi, G_RSI(%rax)
	mov	%rdi, G_RDI(%rax)
	mov	%r8, G_R8(%rax)
	mov	%r9, G_R9(%rax)
	mov	%r10, G_R10(%rax)
	mov	%r11, G_R11(%rax)
	mov	%r12, G_R12(%rax)
	mov	%r13, G_R13(%rax)
	mov	%r14, G_R14(%rax)
	mov	%r15, G_R15(%rax)
	popq	G_RAX(%rax)
	xor	%eax, %eax

.Lout:
	/*
	 * No guest value may reach speculative host code: clear the
	 * registers the pops below do not overwrite, then overwrite the
	 * return stack buffer the guest filled (the kernel's own VM-exit
	 * mitigation, keyed on X86_FEATURE_RSB_VMEXIT).
	 */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT

	add	$8, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

	/*
	 * VMLAUNCH/VMRESUME failed (VMfail: the VM-instruction error field
	 * says why) or faulted: the guest's registers are loaded but the
	 * host's are on the stack. Report it.
	 */
.Lvmfail:
.Lvmfail_host:
	mov	$-EIO, %eax
	jmp	.Lout
.Lfault:
	mov	$-EFAULT, %eax
	jmp	.Lout

	_ASM_EXTABLE(1b, .Lfault)
	_ASM_EXTABLE(2b, .Lfault)
	_ASM_EXTABLE(3b, .Lfault)
SYM_FUNC_END(vmx_world_switch)

/*
 * A host NMI made the guest exit (NMI exiting, SDM 25.2): NMIs stay
 * blocked after such an exit, and the NMI was not delivered. Call the
 * host's handler through an interrupt frame, as the CPU would have: its
 * IRET unblocks NMIs. Interrupts are off.
 */
SYM_FUNC_START(vmx_host_nmi)
	push	%rbp
	mov	%rsp, %rbp
	and	$-16, %rsp
	push	$__KERNEL_DS
	push	%rbp
	pushf
	push	$__KERNEL_CS
	call	asm_exc_nmi_noist
	leave
	RET
SYM_FUNC_END(vmx_host_nmi)
