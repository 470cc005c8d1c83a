/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest of the pfnmap_slot test, 64-bit mode: report the quadword at the
 * GPA in RSI (GUEST_REPORT64), then halt.
 */
#include "guest.h"

GUEST_BEGIN(pfnmap_guest)
	.code64
	mov	(%rsi), %rbx
	GUEST_REPORT64 %rbx
	hlt
GUEST_END(pfnmap_guest)

GUEST_NO_EXEC_STACK
