/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guests of the pio test, all in 64-bit mode.  See pio.c for what the
 * host expects of each.
 */
#include "guest.h"

#define PORT_IMM	0x80	/* the port of the immediate forms */
#define PORT_DX		0x1234	/* a port only the DX forms can reach */
#define PORT_STR	0x3f0	/* the port of the string forms */

/* OUT of widths 1, 2 and 4, immediate port then DX port. */
GUEST_BEGIN(pio_out)
	.code64
	mov	$0x11, %al
	out	%al, $PORT_IMM
	mov	$0x2233, %ax
	out	%ax, $PORT_IMM
	mov	$0x44556677, %eax
	out	%eax, $PORT_IMM
	mov	$PORT_DX, %dx
	mov	$0x88, %al
	out	%al, %dx
	mov	$0x99aa, %ax
	out	%ax, %dx
	mov	$0xbbccddee, %eax
	out	%eax, %dx
	hlt
GUEST_END(pio_out)

/*
 * IN of widths 1, 2 and 4 with RAX all ones beforehand: 1 and 2 bytes
 * merge into RAX, 4 bytes zero-extend (as any 32-bit register write).
 * Each result is parked in another register for KVM_GET_REGS.
 */
GUEST_BEGIN(pio_in)
	.code64
	mov	$-1, %rax
	in	$PORT_IMM, %al
	mov	%rax, %rbx
	mov	$-1, %rax
	in	$PORT_IMM, %ax
	mov	%rax, %rcx
	mov	$-1, %rax
	in	$PORT_IMM, %eax
	mov	%rax, %rsi
	mov	$PORT_DX, %dx
	mov	$-1, %rax
	in	%dx, %al
	mov	%rax, %r8
	mov	$-1, %rax
	in	%dx, %ax
	mov	%rax, %r9
	mov	$-1, %rax
	in	%dx, %eax
	mov	%rax, %r10
	hlt
GUEST_END(pio_in)

/* REP OUTSB, OUTSW, OUTSL of the same 16 bytes. */
GUEST_BEGIN(pio_outs)
	.code64
	cld
	mov	$PORT_STR, %dx
	lea	outs_pattern(%rip), %rsi
	mov	$16, %ecx
	rep outsb
	lea	outs_pattern(%rip), %rsi
	mov	$8, %ecx
	rep outsw
	lea	outs_pattern(%rip), %rsi
	mov	$4, %ecx
	rep outsl
	hlt
GUEST_LABEL(outs_pattern)
	.byte	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77
	.byte	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
GUEST_END(pio_outs)

/*
 * REP INSB of 24 bytes starting 8 bytes before a page boundary, REP INSW
 * of 600 words from a page start, REP INSL of 4 dwords: the destinations
 * are in GUEST_DATA_GPA's pages.  The registers at the end show RCX run
 * down and RDI advanced.
 */
GUEST_BEGIN(pio_ins)
	.code64
	cld
	mov	$PORT_STR, %dx
	mov	$(GUEST_DATA_GPA + 0x1000 - 8), %edi
	mov	$24, %ecx
	rep insb
	mov	%rdi, %r8
	mov	$(GUEST_DATA_GPA + 0x2000), %edi
	mov	$600, %ecx
	rep insw
	mov	%rdi, %r9
	mov	$(GUEST_DATA_GPA + 0x3000), %edi
	mov	$4, %ecx
	rep insl
	hlt
GUEST_END(pio_ins)

GUEST_NO_EXEC_STACK
