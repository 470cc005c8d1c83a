// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decoding of the VMX capability MSRs. Pure: no kernel dependency, so
 * selftests/unit checks it against the values of real and emulated CPUs.
 * Section numbers: Intel SDM, order no. 326019-081US (March 2023).
 */
#include "vmx/vmx_caps.h"

#define FEAT_CTL_LOCKED_BIT		BIT_ULL(0)
#define FEAT_CTL_VMXON_OUTSIDE_SMX	BIT_ULL(2)

/* Control MSRs: bits 63:32 say which controls may be 1 (A.3 - A.5). */
static bool allowed1(u64 ctl_msr, unsigned int bit)
{
	return (ctl_msr >> 32) & BIT_ULL(bit);
}

#define PROCBASED_SECONDARY	31	/* A.3.2 */
#define PROCBASED2_EPT		1	/* A.3.3 */
#define PROCBASED2_VPID		5
#define PROCBASED2_UNRESTRICTED	7
#define PINBASED_PREEMPT_TIMER	6	/* A.3.1 */

static void vmx_decode_basic(struct vmx_caps *caps, u64 basic)
{
	caps->vmcs_revision = basic & 0x7fffffff;
	caps->vmcs_size = (basic >> 32) & 0x1fff;
	caps->vmcs_wb = ((basic >> 50) & 0xf) == 6;
	caps->true_ctls = basic & BIT_ULL(55);
}

/* IA32_VMX_EPT_VPID_CAP (A.10) */
static void vmx_decode_ept_vpid(struct vmx_caps *caps, u64 cap)
{
	caps->ept_4level = cap & BIT_ULL(6);
	caps->ept_wb = cap & BIT_ULL(14);
	caps->ept_2m = cap & BIT_ULL(16);
	caps->invept = cap & BIT_ULL(20);
	caps->ept_ad = cap & BIT_ULL(21);
	caps->invept_single = cap & BIT_ULL(25);
	caps->invept_all = cap & BIT_ULL(26);
	caps->invvpid = cap & BIT_ULL(32);
	caps->invvpid_single = cap & BIT_ULL(41);
	caps->invvpid_all = cap & BIT_ULL(42);
}

void vmx_caps_decode(struct vmx_caps *caps, const struct vmx_cap_msrs *m)
{
	u64 fc = m->feature_control;

	*caps = (struct vmx_caps){ 0 };
	caps->firmware_ok = (fc & FEAT_CTL_LOCKED_BIT) &&
			    (fc & FEAT_CTL_VMXON_OUTSIDE_SMX);
	vmx_decode_basic(caps, m->basic);
	caps->secondary = allowed1(m->procbased, PROCBASED_SECONDARY);
	if (caps->secondary) {
		caps->ept = allowed1(m->procbased2, PROCBASED2_EPT);
		caps->vpid = allowed1(m->procbased2, PROCBASED2_VPID);
		caps->unrestricted_guest =
			allowed1(m->procbased2, PROCBASED2_UNRESTRICTED);
	}
	if (caps->ept || caps->vpid)
		vmx_decode_ept_vpid(caps, m->ept_vpid);
	caps->preemption_timer = allowed1(m->pinbased, PINBASED_PREEMPT_TIMER);
	caps->cr0_fixed0 = m->cr0_fixed0;
	caps->cr0_fixed1 = m->cr0_fixed1;
	caps->cr4_fixed0 = m->cr4_fixed0;
	caps->cr4_fixed1 = m->cr4_fixed1;
}

const char *vmx_caps_missing(const struct vmx_caps *caps)
{
	/* hvmod never writes IA32_FEATURE_CONTROL: firmware's choice rules. */
	if (!caps->firmware_ok)
		return "VMX disabled by firmware (IA32_FEATURE_CONTROL): enable it in BIOS setup";
	/* VMXON/VMCS regions are single pages mapped write-back (A.1). */
	if (!caps->vmcs_size || caps->vmcs_size > 4096)
		return "unsupported VMCS region size";
	if (!caps->vmcs_wb)
		return "VMCS memory type is not write-back";
	/* hvmod has no shadow paging. */
	if (!caps->ept)
		return "no EPT";
	if (!caps->ept_4level || !caps->ept_wb)
		return "EPT lacks 4-level walks or write-back memory type";
	return NULL;
}

int vmx_caps_describe(const struct vmx_caps *caps, char *buf, size_t len)
{
	return snprintf(buf, len,
			"VMCS revision %#x, EPT %s (2M %s, A/D %s, INVEPT %s), VPID %s (INVVPID %s), unrestricted guest %s, preemption timer %s, true controls %s",
			caps->vmcs_revision, hvm_yes_no(caps->ept),
			hvm_yes_no(caps->ept_2m), hvm_yes_no(caps->ept_ad),
			hvm_yes_no(caps->invept), hvm_yes_no(caps->vpid),
			hvm_yes_no(caps->invvpid),
			hvm_yes_no(caps->unrestricted_guest),
			hvm_yes_no(caps->preemption_timer),
			hvm_yes_no(caps->true_ctls));
}

/*
 * A bit set in FIXED0 must be 1, a bit clear in FIXED1 must be 0 (A.7,
 * A.8). Unrestricted guest relaxes PE/PG for the guest, not for VMXON.
 */
bool vmx_cr_fixed_ok(const struct vmx_caps *caps, u64 cr0, u64 cr4)
{
	if ((cr0 & caps->cr0_fixed0) != caps->cr0_fixed0 ||
	    (cr0 & ~caps->cr0_fixed1))
		return false;
	return (cr4 & caps->cr4_fixed0) == caps->cr4_fixed0 &&
	       !(cr4 & ~caps->cr4_fixed1);
}
