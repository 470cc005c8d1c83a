// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's debug registers, for both back ends. hvmod gives guests no
 * hardware breakpoints yet: DR0-3, DR6 and DR7 never reach the CPU while
 * a guest runs (its DR7 there is 0x400, nothing enabled), every MOV to
 * or from a debug register exits, and this file emulates it.
 */
#include "kmod/hvm.h"

#include <asm/debugreg.h>

void hvm_dregs_reset(struct hvm_dregs *d)
{
	memset(d, 0, sizeof(*d));
	d->dr6 = DR6_RESERVED;
	d->dr7 = HVM_DR7_RESET;
}

/* DR4 and DR5 alias DR6 and DR7 (the caller has checked CR4.DE). */
static u64 *hvm_dreg(struct hvm_dregs *d, unsigned int n)
{
	if (n < 4)
		return &d->dr[n];
	return n == 4 || n == 6 ? &d->dr6 : &d->dr7;
}

/*
 * MOV between GPR @gpr and DR@n (0..7), with a 64-bit operand in 64-bit
 * code and a 32-bit one elsewhere. Returns 0, or 1 for #GP: a DR6/DR7
 * value with bits 63:32 set (SDM vol. 3B 18.2.6). The caller checked
 * CPL 0 and CR4.DE, which the CPU checks before the intercept on VT-x.
 */
int hvm_mov_dr(struct hvm_vcpu *vcpu, struct hvm_dregs *d, unsigned int n,
	       unsigned int gpr, bool to_dr, bool wide)
{
	u64 *dr = hvm_dreg(d, n & 7), val;

	if (!to_dr) {
		vcpu->gpr[gpr & 15] = wide ? *dr : (u32)*dr;
		return 0;
	}
	val = vcpu->gpr[gpr & 15];
	if (!wide)
		val = (u32)val;
	if (n >= 6 && val >> 32)
		return 1;
	*dr = n >= 6 ? val | (n & 1 ? HVM_DR7_RESET : DR6_RESERVED) : val;
	return 0;
}
