/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of the vcpu_events test, in 64-bit mode, with handlers the test
 * installs in the IDT. Each handler reports its vector, the error code
 * (#GP), the low dword of the saved RIP (and RFLAGS for the interrupt),
 * then halts: an event injected by KVM_SET_VCPU_EVENTS or KVM_INTERRUPT
 * shows where it came in.
 */
#include "guest.h"

GUEST_BEGIN(ev_guest)
	.code64
GUEST_LABEL(ev_first)
	mov	$0x11, %eax
GUEST_LABEL(ev_second)
	out	%eax, $GUEST_PORT_REPORT
	hlt

GUEST_LABEL(ev_gp_handler)
	mov	$13, %eax
	out	%eax, $GUEST_PORT_REPORT
	pop	%rax				/* the error code */
	out	%eax, $GUEST_PORT_REPORT
	mov	(%rsp), %rax			/* RIP */
	out	%eax, $GUEST_PORT_REPORT
	hlt

GUEST_LABEL(ev_ud_handler)
	mov	$6, %eax
	out	%eax, $GUEST_PORT_REPORT
	mov	(%rsp), %rax			/* RIP */
	out	%eax, $GUEST_PORT_REPORT
	hlt

GUEST_LABEL(ev_irq_handler)
	mov	$0x30, %eax
	out	%eax, $GUEST_PORT_REPORT
	mov	(%rsp), %rax			/* RIP */
	out	%eax, $GUEST_PORT_REPORT
	mov	16(%rsp), %rax			/* RFLAGS */
	out	%eax, $GUEST_PORT_REPORT
	hlt
GUEST_END(ev_guest)

/*
 * NMIs: spins until its NMI handler (IDT gate 2) has run twice, then
 * reports 0x55 and halts. The handler counts, reports the count, then
 * 0x100 before its IRETQ: a second NMI that came in before the IRET
 * would show as a count report in between.
 */
GUEST_BEGIN(ev_nmi)
	.code64
1:	cmpl	$2, nmi_count(%rip)
	jb	1b
	mov	$0x55, %eax
	out	%eax, $GUEST_PORT_REPORT
	hlt

GUEST_LABEL(ev_nmi_handler)
	push	%rax
	incl	nmi_count(%rip)
	mov	nmi_count(%rip), %eax
	out	%eax, $GUEST_PORT_REPORT
	mov	$0x100, %eax
	out	%eax, $GUEST_PORT_REPORT
	pop	%rax
	iretq

	.balign	4
nmi_count:
	.long	0
GUEST_END(ev_nmi)

/*
 * Real mode: the #GP handler (IVT entry 13) reports the first word on
 * its stack: the return IP, or an error code if one had been pushed.
 */
GUEST_BEGIN(ev_real)
	.code16
	hlt
GUEST_LABEL(ev_real_handler)
	pop	%ax
	out	%ax, $GUEST_PORT_REPORT
	hlt
GUEST_END(ev_real)

GUEST_NO_EXEC_STACK
