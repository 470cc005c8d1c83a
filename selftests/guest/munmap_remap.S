/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guests of the munmap_remap test, 64-bit mode.  remap_enter (in slot 0)
 * jumps to the code page of slot 1, where the host copies remap_a, later
 * remap_b: both loop on one MMIO store to (%rbx), of different length,
 * width and value:
 *   remap_a: MOVL $0x11111111, (%rbx)   6 bytes, 4-byte store
 *   remap_b: MOVQ %rax, (%rbx)          3 bytes, 8-byte store
 * Each is followed by jumps back and padded with HLT.
 */
#include "guest.h"

GUEST_BEGIN(remap_enter)
	.code64
	jmp	*%rcx
GUEST_END(remap_enter)

GUEST_BEGIN(remap_a)
	.code64
1:	movl	$0x11111111, (%rbx)	/* 0: 6 bytes */
	jmp	1b			/* 6 */
	.fill	8, 1, 0xf4
GUEST_END(remap_a)

/*
 * The vCPU resumes at offset 6 (past remap_a's store) or 3 (past its
 * own): both jump back to the store.
 */
GUEST_BEGIN(remap_b)
	.code64
1:	movq	%rax, (%rbx)		/* 0: 3 bytes */
	jmp	1b			/* 3 */
	nop				/* 5 */
	jmp	1b			/* 6 */
	.fill	8, 1, 0xf4
GUEST_END(remap_b)

GUEST_NO_EXEC_STACK
