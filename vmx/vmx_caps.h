/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VT-x capabilities, decoded from the VMX capability MSRs (Intel SDM
 * vol. 3D, order no. 326019-081US, appendix A). Pure code: also built into
 * native unit tests.
 */
#ifndef HVMOD_VMX_CAPS_H
#define HVMOD_VMX_CAPS_H

#include "kmod/pure.h"

/* Raw MSR values, read once at load. */
struct vmx_cap_msrs {
	u64 feature_control;	/* IA32_FEATURE_CONTROL (0x3a) */
	u64 basic;		/* IA32_VMX_BASIC (0x480) */
	u64 pinbased;		/* IA32_VMX_(TRUE_)PINBASED_CTLS */
	u64 procbased;		/* IA32_VMX_(TRUE_)PROCBASED_CTLS */
	u64 procbased2;		/* IA32_VMX_PROCBASED_CTLS2, 0 if absent */
	u64 exit;		/* IA32_VMX_(TRUE_)EXIT_CTLS */
	u64 entry;		/* IA32_VMX_(TRUE_)ENTRY_CTLS */
	u64 ept_vpid;		/* IA32_VMX_EPT_VPID_CAP, 0 if absent */
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

struct vmx_caps {
	u32 vmcs_revision;	/* BASIC[30:0] */
	u32 vmcs_size;		/* BASIC[44:32] */
	bool vmcs_wb;		/* BASIC[53:50] == 6: VMCS memory type WB */
	bool true_ctls;		/* BASIC[55]: TRUE_* control MSRs exist */
	bool firmware_ok;	/* FEATURE_CONTROL locked, VMXON outside SMX */
	bool secondary;		/* "activate secondary controls" allowed */
	bool ept;
	bool ept_4level;
	bool ept_wb;
	bool ept_2m;
	bool ept_ad;
	bool invept, invept_single, invept_all;
	bool vpid;
	bool invvpid, invvpid_single, invvpid_all;
	bool unrestricted_guest;
	bool preemption_timer;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

void vmx_caps_decode(struct vmx_caps *caps, const struct vmx_cap_msrs *msrs);
/* Why hvmod cannot run on these capabilities, or NULL if it can. */
const char *vmx_caps_missing(const struct vmx_caps *caps);
int vmx_caps_describe(const struct vmx_caps *caps, char *buf, size_t len);
/* CR0/CR4 values allowed in VMX operation (SDM vol. 3C 24.8, A.7, A.8)? */
bool vmx_cr_fixed_ok(const struct vmx_caps *caps, u64 cr0, u64 cr4);

#endif /* HVMOD_VMX_CAPS_H */
