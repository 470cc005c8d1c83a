/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of the vcpu_affinity test, run by two vCPUs at once in 64-bit
 * mode with SSE enabled (CR4.OSFXSR).  RSI holds the GPA of the vCPU's
 * own block in slot 0 (vcpu_affinity.c, struct block):
 *    0 x0     8 c     16 xmm0 init   32 xmm1 init   48 xmm9 init
 *   64 stop  72 x (memory copy)   80 lo, 88 hi (memory copy of xmm0)
 * Per iteration, in registers only:
 *   x = x * AFF_MUL + c                                  (R8; c in R9)
 *   xmm0 = swap of the quadwords of (xmm0 + xmm1)        (PADDQ, PSHUFD)
 * and the same in memory with general registers, compared with the
 * registers every time; a difference is an OUT to AFF_PORT_BAD and HLT.
 * XMM9 is never written after the start.  Every AFF_EVERY iterations it
 * reports (GUEST_REPORT64 each) x, xmm0's low and high quadword and
 * xmm9's low and high quadword.  It halts once stop is non-zero.
 */
#include "guest.h"

#define AFF_EVERY	200
#define AFF_MUL		6364136223846793005
#define AFF_PORT_BAD	0xf1

GUEST_BEGIN(aff)
	.code64
	mov	0(%rsi), %r8
	mov	8(%rsi), %r9
	movdqu	16(%rsi), %xmm0
	movdqu	32(%rsi), %xmm1
	movdqu	48(%rsi), %xmm9
	mov	%r8, 72(%rsi)
	movdqu	%xmm0, 80(%rsi)
	movabs	$AFF_MUL, %r10
1:	mov	$AFF_EVERY, %ecx
2:	cmpq	$0, 64(%rsi)
	jne	9f
	/* Registers. */
	imul	%r10, %r8
	add	%r9, %r8
	paddq	%xmm1, %xmm0
	pshufd	$0x4e, %xmm0, %xmm0
	/* Memory: lo' = hi + c1, hi' = lo + c0 (c0, c1 at 32, 40). */
	mov	72(%rsi), %rax
	imul	%r10, %rax
	add	%r9, %rax
	mov	%rax, 72(%rsi)
	mov	80(%rsi), %rax
	mov	88(%rsi), %rdx
	add	40(%rsi), %rdx
	add	32(%rsi), %rax
	mov	%rdx, 80(%rsi)
	mov	%rax, 88(%rsi)
	/* Compare. */
	cmp	72(%rsi), %r8
	jne	8f
	movq	%xmm0, %rax
	cmp	80(%rsi), %rax
	jne	8f
	pshufd	$0x4e, %xmm0, %xmm2
	movq	%xmm2, %rax
	cmp	88(%rsi), %rax
	jne	8f
	dec	%ecx
	jnz	2b
	GUEST_REPORT64 %r8
	movq	%xmm0, %rdx
	GUEST_REPORT64 %rdx
	pshufd	$0x4e, %xmm0, %xmm2
	movq	%xmm2, %rdx
	GUEST_REPORT64 %rdx
	movq	%xmm9, %rdx
	GUEST_REPORT64 %rdx
	pshufd	$0x4e, %xmm9, %xmm2
	movq	%xmm2, %rdx
	GUEST_REPORT64 %rdx
	jmp	1b
8:	out	%eax, $AFF_PORT_BAD
9:	hlt
GUEST_END(aff)

GUEST_NO_EXEC_STACK
