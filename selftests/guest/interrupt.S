/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guests of the interrupt test, in 64-bit mode, with an interrupt
 * handler the test installs in the IDT at its vector.
 */
#include "guest.h"

/*
 * Reports 1 with interrupts off, enables them, and spins until the
 * handler has run; then reports 2 and halts.
 */
GUEST_BEGIN(irq_window)
	.code64
	mov	$1, %eax
	out	%eax, $GUEST_PORT_REPORT
	sti
1:	cmpb	$0, irq_seen(%rip)
	je	1b
	mov	$2, %eax
	out	%eax, $GUEST_PORT_REPORT
	hlt

/* The handler: mark, report the vector the test put in IRQ_VECTOR. */
GUEST_LABEL(irq_window_handler)
	push	%rax
	movb	$1, irq_seen(%rip)
	mov	irq_vector(%rip), %eax
	out	%eax, $GUEST_PORT_REPORT
	pop	%rax
	iretq

	.balign	4
GUEST_LABEL(irq_vector)
	.long	0
irq_seen:
	.byte	0
GUEST_END(irq_window)

/* STI; HLT: the interrupt is injected while the vCPU is halted. */
GUEST_BEGIN(irq_halt)
	.code64
	sti
	hlt
GUEST_LABEL(irq_halt_resumed)
	mov	$2, %eax
	out	%eax, $GUEST_PORT_REPORT
	cli
	hlt

GUEST_LABEL(irq_halt_handler)
	push	%rax
	mov	$0x20, %eax
	out	%eax, $GUEST_PORT_REPORT
	pop	%rax
	iretq
GUEST_END(irq_halt)

GUEST_NO_EXEC_STACK
