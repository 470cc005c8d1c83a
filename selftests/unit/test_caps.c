// SPDX-License-Identifier: GPL-2.0-only
/*
 * Native tests of the capability decoders (svm/svm_caps.c,
 * vmx/vmx_caps.c) on the values of the two sandboxes' emulated CPUs and of
 * real CPUs, and on the values that must make hvmod refuse to load.
 */
#include "selftests/unit/unit.h"
#include "svm/svm_caps.h"
#include "vmx/vmx_caps.h"

/* QEMU TCG -cpu max: revision 1, 16 ASIDs, NPT + vGIF, no NRIP-save. */
#define QEMU_TCG_EDX	(SVM_CPUID_NPT | SVM_CPUID_VGIF)
/* A Zen 3 EPYC: 32768 ASIDs, NRIP-save, clean bits, decode assists, ... */
#define ZEN3_EDX	0x1ebfbcffu

static void test_svm(void)
{
	struct svm_caps c;
	char line[256];

	svm_caps_decode(&c, 1, 16, QEMU_TCG_EDX);
	UNIT_CHECK("svm.qemu_tcg_npt", c.npt && c.nr_asids == 16);
	UNIT_CHECK("svm.qemu_tcg_no_nrips", !c.nrip_save && !c.decode_assists);
	UNIT_CHECK("svm.qemu_tcg_vgif", c.vgif && !c.vmcb_clean);
	UNIT_CHECK("svm.qemu_tcg_usable", svm_caps_missing(&c) == NULL);
	svm_caps_describe(&c, line, sizeof(line));
	UNIT_CHECK("svm.describe", unit_contains(line, "16 ASIDs") &&
		   unit_contains(line, "NRIP-save no") &&
		   unit_contains(line, "NPT yes"));

	svm_caps_decode(&c, 1, 0x8000, ZEN3_EDX);
	UNIT_CHECK("svm.zen3_features", c.nrip_save && c.vmcb_clean &&
		   c.flush_by_asid && c.decode_assists && c.vgif);

	svm_caps_decode(&c, 1, 16, QEMU_TCG_EDX & ~SVM_CPUID_NPT);
	UNIT_CHECK("svm.refuse_without_npt",
		   unit_contains(svm_caps_missing(&c), "NPT"));
	svm_caps_decode(&c, 1, 1, QEMU_TCG_EDX);
	UNIT_CHECK("svm.refuse_one_asid",
		   unit_contains(svm_caps_missing(&c), "ASID"));
}

/* Bochs corei7_skylake_x-like values: EPT, VPID, unrestricted guest. */
static struct vmx_cap_msrs bochs_like(void)
{
	struct vmx_cap_msrs m = {
		.feature_control = 0x5,		/* locked, VMXON outside SMX */
		.basic = (1ULL << 55) | (6ULL << 50) | (4096ULL << 32) | 0x1,
		.pinbased = (0x7fULL << 32) | 0x16,
		.procbased = (0xfff9fffeULL << 32) | 0x04006172,
		.procbased2 = (0x1fffULL << 32),
		.ept_vpid = (1ULL << 6) | (1ULL << 14) | (1ULL << 16) |
			    (1ULL << 20) | (1ULL << 25) | (1ULL << 26) |
			    (1ULL << 32) | (1ULL << 41) | (1ULL << 42),
		.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff,
		.cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x3767ff,
	};
	return m;
}

static void test_vmx_decode(void)
{
	struct vmx_cap_msrs m = bochs_like();
	struct vmx_caps c;

	vmx_caps_decode(&c, &m);
	UNIT_CHECK("vmx.revision_size", c.vmcs_revision == 1 &&
		   c.vmcs_size == 4096 && c.vmcs_wb && c.true_ctls);
	UNIT_CHECK("vmx.ept_vpid_ug", c.ept && c.ept_4level && c.ept_wb &&
		   c.vpid && c.unrestricted_guest && c.invept_all &&
		   c.invvpid_single);
	UNIT_CHECK("vmx.preemption_timer", c.preemption_timer);
	UNIT_CHECK("vmx.usable", vmx_caps_missing(&c) == NULL);

	/* Without "activate secondary controls" EPT cannot be used at all. */
	m.procbased &= ~(1ULL << (32 + 31));
	vmx_caps_decode(&c, &m);
	UNIT_CHECK("vmx.no_secondary_no_ept", !c.ept && !c.vpid &&
		   !c.unrestricted_guest &&
		   unit_contains(vmx_caps_missing(&c), "EPT"));
}

static void test_vmx_refusals(void)
{
	struct vmx_cap_msrs m = bochs_like();
	struct vmx_caps c;

	m.feature_control = 0x4;	/* enabled but not locked */
	vmx_caps_decode(&c, &m);
	UNIT_CHECK("vmx.refuse_unlocked",
		   unit_contains(vmx_caps_missing(&c), "firmware"));
	m.feature_control = 0x1;	/* locked with VMX off */
	vmx_caps_decode(&c, &m);
	UNIT_CHECK("vmx.refuse_locked_off",
		   unit_contains(vmx_caps_missing(&c), "firmware"));

	m = bochs_like();
	m.basic &= ~(0xfULL << 50);	/* VMCS memory type UC */
	vmx_caps_decode(&c, &m);
	UNIT_CHECK("vmx.refuse_uc_vmcs",
		   unit_contains(vmx_caps_missing(&c), "write-back"));

	m = bochs_like();
	m.ept_vpid &= ~(1ULL << 14);	/* no WB EPT */
	vmx_caps_decode(&c, &m);
	UNIT_CHECK("vmx.refuse_ept_without_wb",
		   unit_contains(vmx_caps_missing(&c), "EPT"));
}

static void test_vmx_cr_fixed(void)
{
	struct vmx_cap_msrs m = bochs_like();
	struct vmx_caps c;
	/* A Linux host: PE MP ET NE WP AM PG; CR4 with PAE PGE OSFXSR ... */
	unsigned long long cr0 = 0x80050033, cr4 = 0x3606f0 | 0x2000;

	vmx_caps_decode(&c, &m);
	UNIT_CHECK("vmx.cr_fixed_linux_host", vmx_cr_fixed_ok(&c, cr0, cr4));
	UNIT_CHECK("vmx.cr_fixed_needs_vmxe",
		   !vmx_cr_fixed_ok(&c, cr0, cr4 & ~0x2000ULL));
	UNIT_CHECK("vmx.cr_fixed_needs_pg",
		   !vmx_cr_fixed_ok(&c, cr0 & ~0x80000000ULL, cr4));
	UNIT_CHECK("vmx.cr_fixed_rejects_fixed1_zero_bit",
		   !vmx_cr_fixed_ok(&c, cr0, cr4 | (1ULL << 23)));
}

int main(void)
{
	test_svm();
	test_vmx_decode();
	test_vmx_refusals();
	test_vmx_cr_fixed();
	return unit_failed ? 1 : 0;
}
