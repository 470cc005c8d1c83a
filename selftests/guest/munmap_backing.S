/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of the munmap_backing test, 64-bit mode.  RSI: GPA of the slot,
 * RCX: its size in quadwords, RDX: pattern A.
 * From the start: fills the slot with A, reports 1, then goes on as
 * from munmap_read: reads every quadword; at the first that is not A it
 * reports 2, the value (GUEST_REPORT64) and its GPA (GUEST_REPORT64) and
 * halts; if all are A it reports 3 and halts.
 */
#include "guest.h"

GUEST_BEGIN(munmap_guest)
	.code64
	mov	%rsi, %rdi
	mov	%rcx, %r8
1:	mov	%rdx, (%rdi)
	add	$8, %rdi
	dec	%r8
	jnz	1b
	mov	$1, %eax
	out	%eax, $GUEST_PORT_REPORT
GUEST_LABEL(munmap_read)
	mov	%rsi, %rdi
	mov	%rcx, %r8
2:	mov	(%rdi), %rbx
	cmp	%rdx, %rbx
	jne	3f
	add	$8, %rdi
	dec	%r8
	jnz	2b
	mov	$3, %eax
	out	%eax, $GUEST_PORT_REPORT
	hlt
3:	mov	$2, %eax
	out	%eax, $GUEST_PORT_REPORT
	GUEST_REPORT64 %rbx
	GUEST_REPORT64 %rdi
	hlt
GUEST_END(munmap_guest)

GUEST_NO_EXEC_STACK
