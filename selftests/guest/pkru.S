/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of the pkru test, in 64-bit mode: set CR4.PKE (a #GP handler
 * reports 13 if the CPU refuses), WRPKRU a value that denies every data
 * access through protection key 0, report, then report RDPKRU.
 */
#include "guest.h"

#define X86_CR4_PKE		(1 << 22)
#define PKRU_DENY_KEY0		3	/* AD | WD of key 0 */

GUEST_BEGIN(pkru_guest)
	.code64
	mov	%cr4, %rax
	or	$X86_CR4_PKE, %rax
	mov	%rax, %cr4
	/* WRPKRU: ECX and EDX must be 0. No data access from here on. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	mov	$PKRU_DENY_KEY0, %eax
	wrpkru
	mov	$1, %eax
	out	%eax, $GUEST_PORT_REPORT
	xor	%ecx, %ecx
	rdpkru
	out	%eax, $GUEST_PORT_REPORT
	hlt

GUEST_LABEL(pkru_gp_handler)
	mov	$13, %eax
	out	%eax, $GUEST_PORT_REPORT
	hlt
GUEST_END(pkru_guest)

GUEST_NO_EXEC_STACK
