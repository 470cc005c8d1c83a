/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of exit_stats and exit_obs (64-bit): EXIT_CPUID_COUNT CPUIDs of
 * leaf EXIT_CPUID_LEAF (subleaf 0), a report of 1, then HLT.
 */
#include "guest.h"
#include "exit_stats.h"

GUEST_BEGIN(exit_cpuid)
	.code64
	mov	$EXIT_CPUID_COUNT, %r8d
1:	mov	$EXIT_CPUID_LEAF, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%r8d
	jnz	1b
	mov	$1, %eax
	out	%eax, $GUEST_PORT_REPORT
	hlt
GUEST_END(exit_cpuid)

GUEST_NO_EXEC_STACK
