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

#include "kmod/guest_gprs.inc.S"

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
	HVM_LOAD_GUEST_GPRS %rax
	mov	G_RSI(%rax), %rsi
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
	HVM_STORE_GUEST_GPRS %rax
	popq	G_RAX(%rax)
	xor	%eax, %eax

.Lout:
	HVM_SCRUB_GUEST_STATE

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
