/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest of the cpuid test, in 64-bit mode. */
#include "guest.h"

/*
 * At GUEST_DATA_GPA the host leaves a dword count, then that many
 * (function, index) dword pairs.  For each, CPUID, then EAX, EBX, ECX
 * and EDX are reported in that order.
 */
GUEST_BEGIN(cpuid_guest)
	.code64
	mov	$GUEST_DATA_GPA, %esi
	mov	(%rsi), %r8d
	add	$4, %rsi
1:	test	%r8d, %r8d
	jz	2f
	mov	(%rsi), %eax
	mov	4(%rsi), %ecx
	add	$8, %rsi
	cpuid
	out	%eax, $GUEST_PORT_REPORT
	mov	%ebx, %eax
	out	%eax, $GUEST_PORT_REPORT
	mov	%ecx, %eax
	out	%eax, $GUEST_PORT_REPORT
	mov	%edx, %eax
	out	%eax, $GUEST_PORT_REPORT
	dec	%r8d
	jmp	1b
2:	hlt
GUEST_END(cpuid_guest)

GUEST_NO_EXEC_STACK
