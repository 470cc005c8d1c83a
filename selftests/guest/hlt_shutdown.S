/* SPDX-License-Identifier: GPL-2.0-only */
/* Guests of the hlt_shutdown test. */
#include "guest.h"

/* Two HLTs: the second KVM_RUN resumes past the first. */
GUEST_BEGIN(hlt_twice)
	.code64
	hlt
GUEST_LABEL(hlt_first_done)
	mov	$1, %eax
	out	%eax, $GUEST_PORT_REPORT
	hlt
GUEST_END(hlt_twice)

/*
 * Long mode: load an empty IDT (limit 0) and execute UD2.  #UD cannot be
 * delivered (its gate is past the limit: #GP), nor can #GP, so #DF; and
 * #DF neither: the CPU shuts down (triple fault).
 */
GUEST_BEGIN(triple_fault64)
	.code64
	mov	$1, %eax
	out	%eax, $GUEST_PORT_REPORT
	lidt	empty_idtr(%rip)
	ud2
	hlt
	.balign	8
empty_idtr:
	.word	0
	.quad	0
GUEST_END(triple_fault64)

/* Real mode: the same with an IVT of limit 0 and INT3. */
GUEST_BEGIN(triple_fault16)
	.code16
	mov	$1, %ax
	out	%ax, $GUEST_PORT_REPORT
	lidt	GUEST_GPA(triple_fault16, empty_ivt)
	int3
	hlt
	.balign	8
empty_ivt:
	.word	0
	.long	0
GUEST_END(triple_fault16)

GUEST_NO_EXEC_STACK
