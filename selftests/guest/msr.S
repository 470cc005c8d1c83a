/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of the msr test, in 64-bit mode, with a #GP handler the test
 * installs in the IDT (gate 13).
 */
#include "guest.h"

#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_KERNEL_GS_BASE	0xc0000102
/* In no architectural MSR range: RDMSR/WRMSR of it must #GP. */
#define MSR_UNKNOWN		0x0badc0de

GUEST_BEGIN(msr_guest)
	.code64
	/* WRMSR then RDMSR of SYSENTER_CS; report EAX, EDX read back. */
	mov	$MSR_IA32_SYSENTER_CS, %ecx
	mov	$0x0010, %eax
	xor	%edx, %edx
	wrmsr
	mov	$-1, %eax
	mov	$-1, %edx
	rdmsr
	out	%eax, $GUEST_PORT_REPORT
	mov	%edx, %eax
	out	%eax, $GUEST_PORT_REPORT
	/* The same with KERNEL_GS_BASE and a 64-bit canonical value. */
	mov	$MSR_KERNEL_GS_BASE, %ecx
	mov	$0x12345678, %eax
	mov	$0x00007fff, %edx
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
	rdmsr
	out	%eax, $GUEST_PORT_REPORT
	mov	%edx, %eax
	out	%eax, $GUEST_PORT_REPORT
	/* SWAPGS puts it in GS.base, for KVM_GET_SREGS to see. */
	swapgs
	/* The unknown MSR: each access reports #GP from the handler. */
	mov	$MSR_UNKNOWN, %ecx
	rdmsr
	mov	$0x600d, %eax			/* resumed after RDMSR */
	out	%eax, $GUEST_PORT_REPORT
	wrmsr
	mov	$0x600e, %eax			/* resumed after WRMSR */
	out	%eax, $GUEST_PORT_REPORT
	hlt

/*
 * #GP: report the vector and the error code, then return past the
 * faulting 2-byte RDMSR/WRMSR (the saved RIP points at it).
 */
GUEST_LABEL(msr_gp_handler)
	push	%rax
	mov	$13, %eax
	out	%eax, $GUEST_PORT_REPORT
	mov	8(%rsp), %rax			/* the error code */
	out	%eax, $GUEST_PORT_REPORT
	pop	%rax
	add	$8, %rsp			/* drop the error code */
	addq	$2, (%rsp)			/* RIP past the instruction */
	iretq
GUEST_END(msr_guest)

GUEST_NO_EXEC_STACK
