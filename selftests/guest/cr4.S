/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of the cr4 test, in 64-bit mode (CR4 = PAE to start with), with
 * a #GP handler in gate 13. Writes that must be taken: PGE on then off,
 * OSFXSR on; each is read back and reported. Writes that must raise #GP
 * (the test's CPUID hides XSAVE, PCID and PKU): PKE, OSXSAVE, PCIDE,
 * clearing PAE, LA57; the handler reports the vector, the error code and
 * the faulting RIP, and the guest then reports CR4, unchanged.
 */
#include "guest.h"

#define X86_CR4_PAE		0x20
#define X86_CR4_PGE		0x80
#define X86_CR4_OSFXSR		0x200
#define X86_CR4_LA57		0x1000
#define X86_CR4_PCIDE		0x20000
#define X86_CR4_OSXSAVE		0x40000
#define X86_CR4_PKE		0x400000

/* Report CR4 as the guest reads it. */
.macro report_cr4
	mov	%cr4, %rax
	out	%eax, $GUEST_PORT_REPORT
.endm

/* CR4 | \bits through RAX, at \label: 3 bytes, 0f 22 e0. */
.macro set_cr4 bits, label
	mov	%cr4, %rax
	or	$\bits, %rax
GUEST_LABEL(\label)
	mov	%rax, %cr4
.endm

GUEST_BEGIN(cr4_guest)
	.code64
	report_cr4
	set_cr4	X86_CR4_PGE, cr4_set_pge
	report_cr4
	mov	%cr4, %rax
	and	$~X86_CR4_PGE, %rax
	mov	%rax, %cr4
	report_cr4
	set_cr4	X86_CR4_OSFXSR, cr4_set_osfxsr
	report_cr4
	/* Each of these raises #GP; the handler resumes past it. */
	set_cr4	X86_CR4_PKE, cr4_set_pke
	report_cr4
	set_cr4	X86_CR4_OSXSAVE, cr4_set_osxsave
	report_cr4
	set_cr4	X86_CR4_PCIDE, cr4_set_pcide
	report_cr4
	set_cr4	X86_CR4_LA57, cr4_set_la57
	report_cr4
	mov	%cr4, %rax
	and	$~X86_CR4_PAE, %rax
GUEST_LABEL(cr4_clear_pae)
	mov	%rax, %cr4
	report_cr4
	hlt

/*
 * #GP: report the vector, the error code and the saved RIP, then return
 * past the 3-byte MOV to CR4.
 */
GUEST_LABEL(cr4_gp_handler)
	push	%rax
	mov	$13, %eax
	out	%eax, $GUEST_PORT_REPORT
	mov	8(%rsp), %rax			/* the error code */
	out	%eax, $GUEST_PORT_REPORT
	mov	16(%rsp), %rax			/* the faulting RIP */
	out	%eax, $GUEST_PORT_REPORT
	pop	%rax
	add	$8, %rsp			/* drop the error code */
	addq	$3, (%rsp)
	iretq
GUEST_END(cr4_guest)

GUEST_NO_EXEC_STACK
