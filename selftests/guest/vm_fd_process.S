/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of the vm_fd_process test, in 64-bit mode: reports the first
 * word of the data page, does an IN (the test answers it, possibly from
 * another process through that process's mapping of the vCPU), reports
 * what it read, reports the data page again (userspace rewrote it
 * meanwhile), stores a word for userspace to read and halts.
 * fdp_spin keeps a vCPU inside KVM_RUN until a signal stops it.
 */
#include "guest.h"

#define FDP_PORT_IN	0x71	/* vm_fd_process.c: FDP_PORT_IN */

GUEST_BEGIN(fdp_guest)
	.code64
	mov	$GUEST_DATA_GPA, %rbx
	mov	(%rbx), %eax
	out	%eax, $GUEST_PORT_REPORT
	in	$FDP_PORT_IN, %eax
	out	%eax, $GUEST_PORT_REPORT
	mov	(%rbx), %eax
	out	%eax, $GUEST_PORT_REPORT
	movl	$0x5eed, 4(%rbx)
	mov	$0x600d, %eax
	out	%eax, $GUEST_PORT_REPORT
	hlt
GUEST_LABEL(fdp_guest_done)
GUEST_END(fdp_guest)

/* Counts in the first word of the data page, forever. */
GUEST_BEGIN(fdp_spin)
	.code64
	mov	$GUEST_DATA_GPA, %rbx
1:	incl	(%rbx)
	jmp	1b
GUEST_END(fdp_spin)

GUEST_NO_EXEC_STACK
