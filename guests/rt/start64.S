/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 64-bit start-up: hvtool enters here in long mode (identity map of the
 * first 4 GiB) with EBX = the Multiboot-format information and EDI = the
 * vCPU index. Each vCPU gets its own stack.
 */
#define STACK_SIZE	8192
#define MAX_CPUS	8

	.text
	.code64
	.globl	_start
_start:
	cli
	cmp	$MAX_CPUS, %edi
	jae	1f
	lea	1(%rdi), %rcx
	shl	$13, %rcx
	lea	rt_stacks(%rip), %rsp
	add	%rcx, %rsp
	mov	%edi, %edx
	mov	%ebx, %esi
	mov	%eax, %edi
	call	rt_start
1:	cli
	hlt
	jmp	1b

	.bss
	.balign	16
rt_stacks:
	.skip	STACK_SIZE * MAX_CPUS

	.section .note.GNU-stack, "", @progbits
