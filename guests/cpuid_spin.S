/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpuid_spin: a boot-sector guest for "hvtool run" that keeps hvmod busy
 * with exits for Documentation/instrumenting-exits.rst: SPIN_ROUNDS
 * rounds of SPIN_CPUIDS CPUIDs (leaf 0, handled in the kernel) and one
 * '.' on COM1 (an exit to userspace), then a newline, exit code 0 to
 * port 0xf4 and HLT. Stays in 16-bit real mode.
 */
#define COM1		0x3f8
#define EXIT_PORT	0xf4
#define SPIN_ROUNDS	40
#define SPIN_CPUIDS	5000

	.text
	.code16
	.globl	_start
_start:
	cli
	mov	$SPIN_ROUNDS, %edi
1:	mov	$SPIN_CPUIDS, %esi
2:	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%esi
	jnz	2b
	mov	$COM1, %dx
	mov	$'.', %al
	outb	%al, %dx
	dec	%edi
	jnz	1b
	mov	$'\n', %al
	outb	%al, %dx
	xor	%al, %al
	outb	%al, $EXIT_PORT
	hlt
