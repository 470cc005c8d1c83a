/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of the fpu_state test, in 64-bit mode with CR4.OSFXSR set by the
 * test. The test reads and writes these addresses of the data area.
 */
#include "guest.h"

#define FPU_SEEN_XMM	(GUEST_DATA_GPA + 0x000)	/* XMM0-7 as found */
#define FPU_NEW_XMM	(GUEST_DATA_GPA + 0x100)	/* XMM0-7 to load */
#define FPU_SCRATCH	(GUEST_DATA_GPA + 0x200)

/*
 * Reports 0 (so that the test can let the vCPU run once first), then
 * reports FCW, FSW and MXCSR as userspace left them, stores XMM0-7 to
 * FPU_SEEN_XMM and reports 1; then loads FCW 0x0e7f, MXCSR 0x7f80 and
 * XMM0-7 from FPU_NEW_XMM and halts. After the HLT: reports MXCSR and
 * the low dword of XMM1 and halts again.
 */
GUEST_BEGIN(fpu_guest)
	.code64
	xor	%eax, %eax			/* a first exit: report 0 */
	out	%eax, $GUEST_PORT_REPORT
	fnstcw	FPU_SCRATCH
	movzwl	FPU_SCRATCH, %eax
	out	%eax, $GUEST_PORT_REPORT
	fnstsw	%ax
	movzwl	%ax, %eax
	out	%eax, $GUEST_PORT_REPORT
	stmxcsr	FPU_SCRATCH
	mov	FPU_SCRATCH, %eax
	out	%eax, $GUEST_PORT_REPORT
	movdqu	%xmm0, FPU_SEEN_XMM + 0x00
	movdqu	%xmm1, FPU_SEEN_XMM + 0x10
	movdqu	%xmm2, FPU_SEEN_XMM + 0x20
	movdqu	%xmm3, FPU_SEEN_XMM + 0x30
	movdqu	%xmm4, FPU_SEEN_XMM + 0x40
	movdqu	%xmm5, FPU_SEEN_XMM + 0x50
	movdqu	%xmm6, FPU_SEEN_XMM + 0x60
	movdqu	%xmm7, FPU_SEEN_XMM + 0x70
	mov	$1, %eax
	out	%eax, $GUEST_PORT_REPORT

	movw	$0x0e7f, FPU_SCRATCH
	fldcw	FPU_SCRATCH
	movl	$0x7f80, FPU_SCRATCH
	ldmxcsr	FPU_SCRATCH
	movdqu	FPU_NEW_XMM + 0x00, %xmm0
	movdqu	FPU_NEW_XMM + 0x10, %xmm1
	movdqu	FPU_NEW_XMM + 0x20, %xmm2
	movdqu	FPU_NEW_XMM + 0x30, %xmm3
	movdqu	FPU_NEW_XMM + 0x40, %xmm4
	movdqu	FPU_NEW_XMM + 0x50, %xmm5
	movdqu	FPU_NEW_XMM + 0x60, %xmm6
	movdqu	FPU_NEW_XMM + 0x70, %xmm7
GUEST_LABEL(fpu_guest_hlt1)
	hlt

	stmxcsr	FPU_SCRATCH
	mov	FPU_SCRATCH, %eax
	out	%eax, $GUEST_PORT_REPORT
	movd	%xmm1, %eax
	out	%eax, $GUEST_PORT_REPORT
	hlt
GUEST_END(fpu_guest)

GUEST_NO_EXEC_STACK
