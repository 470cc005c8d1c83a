/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest of the bad_state test, in 64-bit mode. */
#include "guest.h"

/* Reports 1 and halts: it runs only once the state is fixed. */
GUEST_BEGIN(bad_state_guest)
	.code64
	mov	$1, %eax
	out	%eax, $GUEST_PORT_REPORT
	hlt
GUEST_END(bad_state_guest)

GUEST_NO_EXEC_STACK
