// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest writes of CR4, the arch-neutral part: which bits the vCPU may set
 * and which changes are refused, as KVM 6.1 decides them
 * (arch/x86/kvm/x86.c: kvm_is_valid_cr4(), __cr4_reserved_bits(),
 * kvm_set_cr4(), kvm_post_set_cr4()). A back end that intercepts the
 * write calls hvm_set_cr4() with the value and injects #GP(0) itself when
 * it is refused; KVM_SET_SREGS checks its CR4 with hvm_cr4_valid().
 *
 * The CPUID bits a vCPU's CR4 bits depend on are read from the vCPU's own
 * table (KVM_SET_CPUID2), never from the host's: a bit whose feature that
 * table does not offer is reserved, whatever the host has.
 */
#include <asm/processor-flags.h>

#include "kmod/hvm.h"

/* kvm_set_cr4(): with PAE paging, a change of these reloads the PDPTEs. */
#define HVM_CR4_PDPTR_BITS	(X86_CR4_PGE | X86_CR4_PSE | X86_CR4_PAE | \
				 X86_CR4_SMEP)
/*
 * A change of these makes the guest's cached translations stale: the
 * write the CPU would have done flushes them, so hvmod flushes the
 * vCPU's TLB before the next entry. KVM: KVM_MMU_CR4_ROLE_BITS and the
 * PGE/PCIDE/PAE/SMEP flushes of kvm_post_set_cr4(); hvmod flushes the
 * whole ASID for any of them.
 */
#define HVM_CR4_FLUSH_BITS	(X86_CR4_PGE | X86_CR4_PAE | X86_CR4_PSE | \
				 X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_PKE | \
				 X86_CR4_PCIDE | X86_CR4_LA57)
/* A PDPTE's reserved bits below MAXPHYADDR (SDM vol. 3A 4.4.1). */
#define HVM_PDPTE_RSVD_LOW	0x1e6ULL
#define HVM_PDPTE_P		BIT_ULL(0)
#define HVM_CR3_PCID		0xfffULL

/*
 * CR4 bits hvmod supports at all, the vCPU's CPUID aside (KVM's
 * cr4_reserved_bits, from its kvm_cpu_caps). OSXSAVE, UMIP, LA57, PCIDE
 * and VMXE are never allowed: hvmod neither switches XCR0 (XSETBV is
 * #UD), nor emulates UMIP, nor has 5-level or PCID-tagged guest paging,
 * nor nests. PKE is allowed on a host with OSPKE: hvmod switches PKRU
 * around every entry (kmod/run.c), although it hides PKU in
 * KVM_GET_SUPPORTED_CPUID (Documentation/api.rst).
 */
static u64 hvm_cr4_supported(void)
{
	u64 ok = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |
		 X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |
		 X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	if (boot_cpu_has(X86_FEATURE_FSGSBASE))
		ok |= X86_CR4_FSGSBASE;
	if (boot_cpu_has(X86_FEATURE_SMEP))
		ok |= X86_CR4_SMEP;
	if (boot_cpu_has(X86_FEATURE_SMAP))
		ok |= X86_CR4_SMAP;
	if (boot_cpu_has(X86_FEATURE_OSPKE))
		ok |= X86_CR4_PKE;
	return ok;
}

/* Bit @bit of register @reg of the vCPU's CPUID leaf @fn, sub-leaf 0. */
static bool hvm_guest_has(struct hvm_vcpu *vcpu, u32 fn, unsigned int reg,
			  unsigned int bit)
{
	const struct kvm_cpuid_entry2 *e;
	u32 val;

	e = hvm_cpuid_find(vcpu->cpuid.entries, vcpu->cpuid.nent, fn, 0);
	if (!e)
		return false;
	switch (reg) {
	case HVM_CPUID_EAX:
		val = e->eax;
		break;
	case HVM_CPUID_EBX:
		val = e->ebx;
		break;
	case HVM_CPUID_ECX:
		val = e->ecx;
		break;
	default:
		val = e->edx;
		break;
	}
	return val & BIT(bit);
}

/* CR4 bits with their feature flag, as __cr4_reserved_bits() lists them. */
static const struct {
	u64 cr4;
	u32 fn;
	unsigned int reg, bit;
} hvm_cr4_features[] = {
	{ X86_CR4_OSXSAVE, 0x1, HVM_CPUID_ECX, 26 },	/* XSAVE */
	{ X86_CR4_VMXE, 0x1, HVM_CPUID_ECX, 5 },	/* VMX */
	{ X86_CR4_PCIDE, 0x1, HVM_CPUID_ECX, 17 },	/* PCID */
	{ X86_CR4_FSGSBASE, 0x7, HVM_CPUID_EBX, 0 },	/* FSGSBASE */
	{ X86_CR4_SMEP, 0x7, HVM_CPUID_EBX, 7 },	/* SMEP */
	{ X86_CR4_SMAP, 0x7, HVM_CPUID_EBX, 20 },	/* SMAP */
	{ X86_CR4_UMIP, 0x7, HVM_CPUID_ECX, 2 },	/* UMIP */
	{ X86_CR4_PKE, 0x7, HVM_CPUID_ECX, 3 },		/* PKU */
	{ X86_CR4_LA57, 0x7, HVM_CPUID_ECX, 16 },	/* LA57 */
};

/*
 * kvm_is_valid_cr4(): no bit hvmod does not support, and no bit whose
 * feature the vCPU's CPUID does not offer.
 */
bool hvm_cr4_valid(struct hvm_vcpu *vcpu, u64 cr4)
{
	unsigned int i;

	if (cr4 & ~hvm_cr4_supported())
		return false;
	for (i = 0; i < ARRAY_SIZE(hvm_cr4_features); i++)
		if ((cr4 & hvm_cr4_features[i].cr4) &&
		    !hvm_guest_has(vcpu, hvm_cr4_features[i].fn,
				   hvm_cr4_features[i].reg,
				   hvm_cr4_features[i].bit))
			return false;
	return true;
}

/*
 * load_pdptrs() as far as it can refuse: the four PDPTEs at CR3[31:5]
 * must be in guest RAM, and a present one must have no reserved bit
 * (with NPT the CPU loads them itself at the next entry).
 */
static bool hvm_pdptes_valid(struct hvm_vcpu *vcpu, u64 cr3)
{
	u64 rsvd = HVM_PDPTE_RSVD_LOW |
		   ~((1ULL << boot_cpu_data.x86_phys_bits) - 1);
	u64 pdpte[4];
	unsigned int i;

	if (hvm_read_guest(vcpu->vm, cr3 & 0xffffffe0, pdpte, sizeof(pdpte)))
		return false;
	for (i = 0; i < ARRAY_SIZE(pdpte); i++)
		if ((pdpte[i] & HVM_PDPTE_P) && (pdpte[i] & rsvd))
			return false;
	return true;
}

/*
 * A guest's MOV to CR4 (kvm_set_cr4()). Returns 0 when the value is
 * taken, the TLB flush it calls for requested; 1 when it is refused: the
 * caller injects #GP(0) and leaves RIP on the instruction.
 */
int hvm_set_cr4(struct hvm_vcpu *vcpu, u64 cr4)
{
	struct kvm_sregs s;
	u64 old;

	hvm_ops->get_sregs(vcpu, &s);
	old = s.cr4;
	if (!hvm_cr4_valid(vcpu, cr4))
		return 1;
	if (s.efer & EFER_LMA) {
		/* Long mode cannot leave PAE paging nor change its depth. */
		if (!(cr4 & X86_CR4_PAE) || ((cr4 ^ old) & X86_CR4_LA57))
			return 1;
	} else if ((s.cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) &&
		   ((cr4 ^ old) & HVM_CR4_PDPTR_BITS) &&
		   !hvm_pdptes_valid(vcpu, s.cr3)) {
		return 1;
	}
	/* PCIDs exist only in long mode, and CR3 must hold PCID 0. */
	if ((cr4 & X86_CR4_PCIDE) && !(old & X86_CR4_PCIDE) &&
	    ((s.cr3 & HVM_CR3_PCID) || !(s.efer & EFER_LMA)))
		return 1;
	hvm_ops->set_cr4(vcpu, cr4);
	if ((cr4 ^ old) & HVM_CR4_FLUSH_BITS)
		hvm_ops->flush_guest_tlb(vcpu);
	return 0;
}
