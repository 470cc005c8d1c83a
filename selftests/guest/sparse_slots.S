/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of the sparse_slots test, 64-bit mode.  Walks the table the host
 * wrote at GUEST_DATA_GPA: 16-byte entries {address, value}, address 0
 * ends it.  For each: stores the value at the (virtual) address, loads
 * it back and reports what it loaded (GUEST_REPORT64).  Then halts.
 */
#include "guest.h"

GUEST_BEGIN(sparse_guest)
	.code64
	mov	$GUEST_DATA_GPA, %rsi
1:	mov	(%rsi), %rdi
	test	%rdi, %rdi
	jz	2f
	mov	8(%rsi), %rax
	mov	%rax, (%rdi)
	mov	(%rdi), %rdx
	GUEST_REPORT64 %rdx
	add	$16, %rsi
	jmp	1b
2:	hlt
GUEST_END(sparse_guest)

GUEST_NO_EXEC_STACK
