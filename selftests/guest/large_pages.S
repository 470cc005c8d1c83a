/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of the large_pages test, in 64-bit mode: for each of RCX 4 KiB
 * pages from RDI, check that the page's first quadword holds the page's
 * own guest-physical address (userspace wrote it), store its complement
 * in the second quadword, and at the end report the number of pages
 * whose check failed.
 */
#include "guest.h"

GUEST_BEGIN(large_pages_guest)
	.code64
	xor	%r8, %r8			/* pages that differed */
1:	cmp	(%rdi), %rdi
	je	2f
	inc	%r8
2:	mov	%rdi, %rax
	not	%rax
	mov	%rax, 8(%rdi)
	add	$0x1000, %rdi
	dec	%rcx
	jnz	1b
	mov	%r8, %rax
	out	%eax, $GUEST_PORT_REPORT
	hlt
GUEST_END(large_pages_guest)

GUEST_NO_EXEC_STACK
