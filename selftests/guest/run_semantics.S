/* SPDX-License-Identifier: GPL-2.0-only */
/* Guests of the run_semantics test, in 64-bit mode. */
#include "guest.h"

/* Reports 1, reads a dword from port 0x81, reports it, halts. */
GUEST_BEGIN(run_in)
	.code64
	mov	$1, %eax
	out	%eax, $GUEST_PORT_REPORT
	mov	$-1, %rax
	in	$0x81, %eax
GUEST_LABEL(run_in_done)
	out	%eax, $GUEST_PORT_REPORT
	hlt
GUEST_END(run_in)

/* Spins without ever exiting on its own. */
GUEST_BEGIN(run_spin)
	.code64
1:	jmp	1b
GUEST_END(run_spin)

GUEST_NO_EXEC_STACK
