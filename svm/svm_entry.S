/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AMD-V world switch (AMD APM vol. 2, rev. 3.42, 15.5 "VMRUN
 * Instruction" and 15.5.2 "VMSAVE and VMLOAD Instructions").
 *
 * VMRUN saves and restores only part of the host: RSP, RIP, RFLAGS, RAX,
 * CR0/CR3/CR4, EFER, GDTR/IDTR and ES/CS/SS/DS (into the VM_HSAVE_PA
 * area). FS, GS, TR and LDTR with their hidden parts, KERNEL_GS_BASE,
 * STAR/LSTAR/CSTAR/SFMASK and SYSENTER_CS/ESP/EIP are what VMSAVE and
 * VMLOAD move: the host's go to a per-CPU save area before the guest's
 * are loaded, and come back right after the guest's are saved. Every
 * other general register is the guest's between VMRUN and the stores
 * below, so the host's callee-saved ones live on the stack.
 *
 * Called by svm_run.c with interrupts off and GIF clear (CLGI): no NMI or
 * interrupt can see the guest's FS/GS/TR here.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm-generic/errno-base.h>

#include "kmod/guest_gprs.inc.S"

/* Stack slots after the pushes below. */
#define S_VMCB		0
#define S_GPRS		8
#define S_HOST		16

/* int svm_world_switch(u64 vmcb_pa, u64 *gprs, u64 host_save_pa) */
SYM_FUNC_START(svm_world_switch)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdx
	push	%rsi
	push	%rdi

	mov	%rdx, %rax
1:	vmsave
	mov	%rdi, %rax
2:	vmload

	HVM_LOAD_GUEST_GPRS %rsi
	mov	G_RSI(%rsi), %rsi

	/*
	 * RAX is the VMCB's address; the guest's RAX/RSP are in the VMCB.
	 * With V_INTR_MASKING, physical interrupts reach the guest (as an
	 * INTR exit) only if the host's IF was set at VMRUN (HIF, APM
	 * 15.21.1): set it here, where GIF=0 still holds every interrupt,
	 * and clear it at once after #VMEXIT, which restores IF=1 with
	 * GIF still 0.
	 */
	sti
3:	vmrun
	cli
	/* #VMEXIT: RAX and RSP are the host's again. */
4:	vmsave

	mov	S_GPRS(%rsp), %rax
	HVM_STORE_GUEST_GPRS %rax

	mov	S_HOST(%rsp), %rax
5:	vmload
	xor	%eax, %eax

.Lout:
	cli
	HVM_SCRUB_GUEST_STATE

	add	$24, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

	/*
	 * An SVM instruction faulted (EFER.SVME cleared under us by an
	 * emergency reboot, or a bad address): the host's FS/GS come back
	 * if the guest's were loaded, the callee-saved registers from the
	 * stack; report it.
	 */
.Lfault_guest_loaded:
	mov	S_HOST(%rsp), %rax
6:	vmload
.Lfault:
	mov	$-EFAULT, %eax
	jmp	.Lout

	_ASM_EXTABLE(1b, .Lfault)
	_ASM_EXTABLE(2b, .Lfault)
	_ASM_EXTABLE(3b, .Lfault_guest_loaded)
	_ASM_EXTABLE(4b, .Lfault_guest_loaded)
	_ASM_EXTABLE(5b, .Lfault)
	_ASM_EXTABLE(6b, .Lfault)
SYM_FUNC_END(svm_world_switch)
