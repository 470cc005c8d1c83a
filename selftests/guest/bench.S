/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guests of the bench program (selftests/bench.c), all in 64-bit mode.
 * Each runs a loop of RCX iterations (the host sets RCX before the
 * first KVM_RUN), then reports the iterations left (0) with an OUT to
 * GUEST_PORT_REPORT and halts.  The loop bodies are the operation being
 * measured plus a DEC/JNZ pair.
 */
#include "guest.h"

#define BENCH_PORT	0x80		/* pio_out's port, not the report port */
#define BENCH_MMIO_GPA	0x40000000	/* 1 GiB: mapped by the page tables,
					 * outside every slot */

/* CPUID leaf 0, RCX times: each one an intercepted exit, handled in the
 * kernel without a return to userspace. */
GUEST_BEGIN(bench_cpuid)
	.code64
	mov	%rcx, %r8
	test	%r8, %r8
	jz	2f
1:	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%r8
	jnz	1b
2:	mov	%r8d, %eax
	out	%eax, $GUEST_PORT_REPORT
	hlt
GUEST_END(bench_cpuid)

/* OUT of one byte to BENCH_PORT, RCX times: each one KVM_EXIT_IO. */
GUEST_BEGIN(bench_pio_out)
	.code64
	test	%rcx, %rcx
	jz	2f
1:	mov	%cl, %al
	out	%al, $BENCH_PORT
	dec	%rcx
	jnz	1b
2:	mov	%ecx, %eax
	out	%eax, $GUEST_PORT_REPORT
	hlt
GUEST_END(bench_pio_out)

/* A 4-byte store to BENCH_MMIO_GPA, RCX times: each one KVM_EXIT_MMIO. */
GUEST_BEGIN(bench_mmio_write)
	.code64
	mov	$BENCH_MMIO_GPA, %edi
	test	%rcx, %rcx
	jz	2f
1:	mov	%ecx, (%rdi)
	dec	%rcx
	jnz	1b
2:	mov	%ecx, %eax
	out	%eax, $GUEST_PORT_REPORT
	hlt
GUEST_END(bench_mmio_write)

GUEST_NO_EXEC_STACK
