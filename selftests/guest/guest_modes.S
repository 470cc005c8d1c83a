/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guests of guest_modes: one per CPU mode.  Each computes something only
 * its mode can, reports the results (OUT to GUEST_PORT_REPORT), leaves
 * known values in registers for KVM_GET_REGS and halts.
 */
#include "guest.h"

/*
 * Real mode: a segment register is a paragraph number.  DS = 0x800 puts
 * offset 0 at linear 0x8000, the first byte of this blob; the byte read
 * through it proves the segment base was applied.  Then a loop (CX as
 * LOOP's counter) sums 1..10, and the stack (SS:SP, SS = 0x2000) is used.
 */
GUEST_BEGIN(real_guest)
	.code16
	mov	$(GUEST_CODE_GPA >> 4), %ax
	mov	%ax, %ds
	movb	real_byte - real_guest_start, %al
	out	%al, $GUEST_PORT_REPORT		/* 0x5a */
	xor	%ax, %ax
	mov	%ax, %ds
	mov	$10, %cx
1:	add	%cx, %ax
	loop	1b
	out	%ax, $GUEST_PORT_REPORT		/* 55 */
	push	%ax
	pop	%bx				/* BX = 55 */
	/* A store and a load through DS = 0 at an absolute offset. */
	movw	$0x1234, GUEST_GPA(real_guest, real_word)
	mov	GUEST_GPA(real_guest, real_word), %dx
	hlt
GUEST_LABEL(real_after_hlt)
	jmp	real_after_hlt
real_byte:
	.byte	0x5a
	.balign	2
real_word:
	.word	0
GUEST_END(real_guest)

/*
 * 32-bit protected mode, flat, paging off: a 32x32->64 multiply and a
 * store above 1 MiB, out of real mode's reach.
 */
GUEST_BEGIN(prot32_guest)
	.code32
	mov	$100000, %eax
	mov	$100000, %ecx
	mul	%ecx				/* EDX:EAX = 10^10 */
	out	%eax, $GUEST_PORT_REPORT	/* 0x540be400 */
	mov	%edx, %eax
	out	%eax, $GUEST_PORT_REPORT	/* 2 */
	movl	$0xdeadbeef, 0x100000
	mov	0x100000, %ebx
	mov	%ebx, %eax
	out	%eax, $GUEST_PORT_REPORT	/* 0xdeadbeef */
	mov	$0x89abcdef, %esi
	hlt
GUEST_LABEL(prot32_after_hlt)
	jmp	prot32_after_hlt
GUEST_END(prot32_guest)

/*
 * 64-bit mode: a 64-bit byte swap (reported as two halves), R8-R15, and
 * a store to 4 GiB + 0x1000 through the identity mapping: the test puts
 * a second slot there.
 */
GUEST_BEGIN(long64_guest)
	.code64
	movabs	$0x0123456789abcdef, %rax
	bswap	%rax				/* 0xefcdab8967452301 */
	mov	%rax, %rbx
	out	%eax, $GUEST_PORT_REPORT	/* 0x67452301 */
	shr	$32, %rax
	out	%eax, $GUEST_PORT_REPORT	/* 0xefcdab89 */
	movabs	$0x100001000, %rdi
	movabs	$0x1122334455667788, %r15
	mov	%r15, (%rdi)
	mov	(%rdi), %r8
	hlt
GUEST_LABEL(long64_after_hlt)
	jmp	long64_after_hlt
GUEST_END(long64_guest)

GUEST_NO_EXEC_STACK
