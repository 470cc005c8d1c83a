/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 32-bit start-up: hvtool enters here in protected mode, paging off,
 * with EAX = the Multiboot magic (Multiboot images), EBX = the Multiboot
 * information and EDI = the vCPU index. Each vCPU gets its own stack.
 */
#define STACK_SIZE	8192
#define MAX_CPUS	8

#ifdef MULTIBOOT
	.section .multiboot, "a"
	.balign	4
	.long	0x1BADB002		/* magic */
	.long	0x00000003		/* page-aligned modules, memory info */
	.long	-(0x1BADB002 + 0x00000003)
#endif

	.text
	.code32
	.globl	_start
_start:
	cli
	cmp	$MAX_CPUS, %edi
	jae	1f
	lea	1(%edi), %ecx
	shl	$13, %ecx
	lea	rt_stacks(%ecx), %esp
	push	%edi
	push	%ebx
	push	%eax
	call	rt_start
1:	cli
	hlt
	jmp	1b

	.bss
	.balign	16
rt_stacks:
	.skip	STACK_SIZE * MAX_CPUS

	.section .note.GNU-stack, "", @progbits
