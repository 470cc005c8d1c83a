/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guests of the mmio test, in 64-bit mode.  MMIO_GPA has no slot; the
 * identity mapping makes it reachable.  RO_GPA is the test's read-only
 * slot.  See mmio.c for what the host supplies and expects.
 */
#include "guest.h"

#define MMIO_GPA	0xd0000000
#define RO_GPA		0x400000

/* MOV stores of 1, 2, 4 and 8 bytes. */
GUEST_BEGIN(mmio_writes)
	.code64
	mov	$MMIO_GPA, %edi
	movb	$0x11, 0x10(%rdi)
	movw	$0x2233, 0x20(%rdi)
	movl	$0x44556677, 0x30(%rdi)
	movabs	$0x8899aabbccddeeff, %rax
	mov	%rax, 0x40(%rdi)
	hlt
GUEST_END(mmio_writes)

/*
 * Loads of each width and the zero- and sign-extending forms, each into
 * a register preset to all ones, reported in full.
 */
GUEST_BEGIN(mmio_reads)
	.code64
	mov	$MMIO_GPA, %edi
	mov	$-1, %rbx
	mov	0x10(%rdi), %bl
	GUEST_REPORT64 %rbx
	mov	$-1, %rbx
	mov	0x20(%rdi), %bx
	GUEST_REPORT64 %rbx
	mov	$-1, %rbx
	mov	0x30(%rdi), %ebx
	GUEST_REPORT64 %rbx
	mov	$-1, %rbx
	mov	0x40(%rdi), %rbx
	GUEST_REPORT64 %rbx
	mov	$-1, %rbx
	movzbl	0x50(%rdi), %ebx
	GUEST_REPORT64 %rbx
	mov	$-1, %rbx
	movsbq	0x60(%rdi), %rbx
	GUEST_REPORT64 %rbx
	mov	$-1, %rbx
	movzwq	0x70(%rdi), %rbx
	GUEST_REPORT64 %rbx
	mov	$-1, %rbx
	movswl	0x80(%rdi), %ebx
	GUEST_REPORT64 %rbx
	hlt
GUEST_END(mmio_reads)

/*
 * The read-only slot: a load (no exit: it is memory), a store (an MMIO
 * write exit, memory unchanged), the same load again.
 */
GUEST_BEGIN(mmio_readonly)
	.code64
	mov	$RO_GPA, %edi
	mov	0x8(%rdi), %rbx
	GUEST_REPORT64 %rbx
	movl	$0xabcdef01, 0x8(%rdi)
	mov	0x8(%rdi), %rbx
	GUEST_REPORT64 %rbx
	hlt
GUEST_END(mmio_readonly)

/*
 * 8-byte accesses: one 4 bytes before a page boundary (crossing it),
 * one misaligned within a page.
 */
GUEST_BEGIN(mmio_split)
	.code64
	mov	$(MMIO_GPA + 0x1000 - 4), %edi
	movabs	$0x1122334455667788, %rax
	mov	%rax, (%rdi)
	mov	(%rdi), %rbx
	GUEST_REPORT64 %rbx
	mov	$(MMIO_GPA + 0x2003), %edi
	movabs	$0x0102030405060708, %rax
	mov	%rax, (%rdi)
	hlt
GUEST_END(mmio_split)

/*
 * Read-modify-write and compare forms, then string forms. RFLAGS is
 * reported with only the six status flags kept.
 */
#define STATUS_FLAGS	0x8d5
GUEST_BEGIN(mmio_forms)
	.code64
	mov	$MMIO_GPA, %edi
	orl	$0x10, (%rdi)			/* read, then write */
	cmpl	$5, 8(%rdi)			/* read: flags only */
	pushf
	pop	%rax
	and	$STATUS_FLAGS, %eax
	out	%eax, $GUEST_PORT_REPORT
	mov	$0x1000, %ebx
	add	16(%rdi), %ebx			/* read into a register */
	mov	%ebx, %eax
	out	%eax, $GUEST_PORT_REPORT
	incq	24(%rdi)			/* 8-byte read-modify-write */
	negw	32(%rdi)
	pushf
	pop	%rax
	and	$STATUS_FLAGS, %eax
	out	%eax, $GUEST_PORT_REPORT
	/* REP STOSL: three elements, one write exit each. */
	lea	0x100(%rdi), %rdi
	mov	$0xa5a5a5a5, %eax
	mov	$3, %ecx
	rep stosl
	mov	%edi, %eax
	out	%eax, $GUEST_PORT_REPORT
	/* REP MOVSB from guest RAM to MMIO. */
	lea	forms_bytes(%rip), %rsi
	mov	$(MMIO_GPA + 0x200), %edi
	mov	$3, %ecx
	rep movsb
	/* MOVSL from MMIO to guest RAM; LODSW from MMIO. */
	mov	$(MMIO_GPA + 0x300), %esi
	mov	$GUEST_DATA_GPA, %edi
	movsl
	mov	(GUEST_DATA_GPA), %eax
	out	%eax, $GUEST_PORT_REPORT
	mov	$-1, %rax
	lodsw
	GUEST_REPORT64 %rax
	hlt
GUEST_LABEL(forms_bytes)
	.byte	0x11, 0x22, 0x33
GUEST_END(mmio_forms)

GUEST_NO_EXEC_STACK
