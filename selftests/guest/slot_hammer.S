/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of the slot_hammer test, run by two vCPUs at once in 64-bit
 * mode.  RSI holds the GPA of the vCPU's mailbox in slot 0:
 *   +0  GPA of its counter (the host moves it), +8  stop flag.
 * Each iteration loads the counter's GPA from the mailbox, increments
 * the counter there (a load and a store) and loads the tag beside it
 * (counter GPA + 8, written only by the host).  Every HAMMER_EVERY
 * iterations it reports the counter's low half, then the tag's.  It
 * halts once the stop flag is set.
 */
#include "guest.h"

#define HAMMER_EVERY	500

GUEST_BEGIN(hammer)
	.code64
1:	mov	$HAMMER_EVERY, %ecx
2:	mov	8(%rsi), %rax
	test	%rax, %rax
	jnz	3f
	mov	(%rsi), %rbx
	mov	(%rbx), %rax
	inc	%rax
	mov	%rax, (%rbx)
	mov	8(%rbx), %rdx
	dec	%ecx
	jnz	2b
	out	%eax, $GUEST_PORT_REPORT
	mov	%edx, %eax
	out	%eax, $GUEST_PORT_REPORT
	jmp	1b
3:	hlt
GUEST_END(hammer)

GUEST_NO_EXEC_STACK
