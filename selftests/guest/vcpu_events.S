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

GUEST_NO_EXEC_STACK
