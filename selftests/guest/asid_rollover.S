/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of the asid_rollover test, in 64-bit mode.  Forever: if the host
 * set the flush flag (it changed the page-table entry of ASID_TEST_VA),
 * INVLPG that address and clear the flag, as an OS does after editing
 * its own page tables; then read the 4 bytes at ASID_TEST_VA and report
 * them.  Each report is one KVM_RUN; the next run goes round the loop.
 */
#include "guest.h"
#include "asid_rollover.h"

GUEST_BEGIN(asid_guest)
	.code64
1:	mov	$ASID_FLUSH_GPA, %rbx
	mov	$ASID_TEST_VA, %rsi
	cmpl	$0, (%rbx)
	je	2f
	invlpg	(%rsi)
	movl	$0, (%rbx)
2:	mov	(%rsi), %eax
	out	%eax, $GUEST_PORT_REPORT
	jmp	1b
GUEST_END(asid_guest)

GUEST_NO_EXEC_STACK
