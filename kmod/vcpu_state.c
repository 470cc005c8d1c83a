// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU state ioctls other than the general registers: special registers,
 * MSRs, the CPUID table and interrupt injection. The checks and errno
 * values are KVM 6.1's (arch/x86/kvm/x86.c) unless Documentation/api.rst
 * says otherwise.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>

#include "kmod/hvm.h"

/* MAX_IO_MSRS, arch/x86/kvm/x86.c */
#define HVM_MAX_IO_MSRS		256

/* kvm_is_valid_cr0() */
bool hvm_cr0_valid(u64 cr0)
{
	if (cr0 >> 32)
		return false;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return false;
	return !((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE));
}

/* IA32_PAT: each of the 8 types is UC, WC, WT, WP, WB or UC- (0,1,4-7). */
bool hvm_pat_valid(u64 pat)
{
	unsigned int i;
	u8 type;

	for (i = 0; i < 8; i++) {
		type = pat >> (i * 8);
		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

/* EFER bits a guest may set: SCE, LME, LMA, NX (not SVME: no nesting). */
bool hvm_efer_valid(u64 efer)
{
	return !(efer & ~(u64)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX));
}

/*
 * kvm_is_valid_sregs(): long mode needs PAE and LMA and a CR3 within the
 * guest's physical address width; outside it, neither LMA nor CS.L. CR4
 * as a guest write of it would be checked against the vCPU's current
 * CPUID (kmod/cr.c).
 */
static bool hvm_sregs_valid(struct hvm_vcpu *vcpu,
			    const struct kvm_sregs *sregs)
{
	if ((sregs->efer & EFER_LME) && (sregs->cr0 & X86_CR0_PG)) {
		if (!(sregs->cr4 & X86_CR4_PAE) || !(sregs->efer & EFER_LMA))
			return false;
		if (sregs->cr3 >> boot_cpu_data.x86_phys_bits)
			return false;
	} else if ((sregs->efer & EFER_LMA) || sregs->cs.l) {
		return false;
	}
	return hvm_cr4_valid(vcpu, sregs->cr4) && hvm_cr0_valid(sregs->cr0) &&
	       hvm_efer_valid(sregs->efer);
}

static int hvm_vcpu_get_sregs(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct kvm_sregs sregs;

	memset(&sregs, 0, sizeof(sregs));
	hvm_ops->get_sregs(vcpu, &sregs);
	sregs.apic_base = vcpu->apic_base;
	/* Without an irqchip, a queued interrupt shows in the bitmap. */
	if (vcpu->irq_pending >= 0)
		__set_bit(vcpu->irq_pending,
			  (unsigned long *)sregs.interrupt_bitmap);
	if (copy_to_user(argp, &sregs, sizeof(sregs)))
		return -EFAULT;
	return 0;
}

static int hvm_vcpu_set_sregs(struct hvm_vcpu *vcpu, void __user *argp)
{
	const unsigned long *bitmap;
	struct kvm_sregs sregs;
	unsigned long irq;
	int r;

	if (copy_from_user(&sregs, argp, sizeof(sregs)))
		return -EFAULT;
	if (!hvm_sregs_valid(vcpu, &sregs))
		return -EINVAL;
	r = hvm_ops->set_sregs(vcpu, &sregs);
	if (r)
		return r;
	vcpu->apic_base = sregs.apic_base;
	/* __set_sregs(): the first set bit becomes a pending interrupt. */
	bitmap = (const unsigned long *)sregs.interrupt_bitmap;
	irq = find_first_bit(bitmap, KVM_NR_INTERRUPTS);
	if (irq < KVM_NR_INTERRUPTS)
		vcpu->irq_pending = irq;
	return 0;
}

/* kvm_vcpu_ioctl_interrupt() without an in-kernel irqchip. */
static int hvm_vcpu_interrupt(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct kvm_interrupt irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (irq.irq >= KVM_NR_INTERRUPTS)
		return -EINVAL;
	if (vcpu->irq_pending >= 0)
		return -ENXIO;
	vcpu->irq_pending = irq.irq;
	return 0;
}

/* Every MSR a guest has (both back ends keep the same set). */
static const u32 hvm_msr_indices[] = {
	MSR_IA32_APICBASE, MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
	MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE, MSR_FS_BASE, MSR_GS_BASE,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_IA32_CR_PAT, MSR_IA32_TSC, MSR_IA32_MISC_ENABLE,
};

/*
 * KVM_GET_MSR_INDEX_LIST: the count is written back first; a list too
 * small for it is -E2BIG (kvm_arch_dev_ioctl()).
 */
long hvm_get_msr_index_list(struct kvm_msr_list __user *user)
{
	u32 n;

	if (get_user(n, &user->nmsrs))
		return -EFAULT;
	if (put_user((u32)ARRAY_SIZE(hvm_msr_indices), &user->nmsrs))
		return -EFAULT;
	if (n < ARRAY_SIZE(hvm_msr_indices))
		return -E2BIG;
	if (copy_to_user(user->indices, hvm_msr_indices,
			 sizeof(hvm_msr_indices)))
		return -EFAULT;
	return 0;
}

/* MSRs the core owns; the others are the back end's. */
int hvm_get_msr(struct hvm_vcpu *vcpu, u32 index, u64 *data)
{
	switch (index) {
	case MSR_IA32_APICBASE:
		*data = vcpu->apic_base;
		return 0;
	default:
		return hvm_ops->get_msr(vcpu, index, data);
	}
}

int hvm_set_msr(struct hvm_vcpu *vcpu, u32 index, u64 data, bool host)
{
	switch (index) {
	case MSR_IA32_APICBASE:
		/* No APIC to move or disable: only userspace may change it. */
		if (!host && data != vcpu->apic_base)
			return 1;
		vcpu->apic_base = data;
		return 0;
	default:
		return hvm_ops->set_msr(vcpu, index, data, host);
	}
}

/*
 * __msr_io(): processes entries in order and stops at the first one that
 * fails; returns how many succeeded.
 */
static long hvm_vcpu_msrs(struct hvm_vcpu *vcpu, void __user *argp,
			  bool write)
{
	struct kvm_msrs __user *user = argp;
	struct kvm_msr_entry *entries;
	struct kvm_msrs msrs;
	size_t size;
	long i;

	if (copy_from_user(&msrs, user, sizeof(msrs)))
		return -EFAULT;
	if (msrs.nmsrs >= HVM_MAX_IO_MSRS)
		return -E2BIG;
	size = sizeof(*entries) * msrs.nmsrs;
	entries = memdup_user(user->entries, size);
	if (IS_ERR(entries))
		return PTR_ERR(entries);
	for (i = 0; i < msrs.nmsrs; i++) {
		if (write ? hvm_set_msr(vcpu, entries[i].index,
					entries[i].data, true) :
			    hvm_get_msr(vcpu, entries[i].index,
					&entries[i].data)) {
			/* KVM returns 0 as the data of the entry that failed. */
			if (!write)
				entries[i].data = 0;
			break;
		}
	}
	if (!write && copy_to_user(user->entries, entries, size))
		i = -EFAULT;
	kfree(entries);
	return i;
}

/* What CPUID's run-time bits depend on (kmod/cpuid.h). */
void hvm_vcpu_cpuid_state(struct hvm_vcpu *vcpu, struct hvm_cpuid_state *st)
{
	struct kvm_sregs sregs;

	hvm_ops->get_sregs(vcpu, &sregs);
	st->cr4 = sregs.cr4;
	/* No XSAVE for guests yet: XCR0 is x87 only, as after RESET. */
	st->xcr0 = 1;
	st->apic_base = vcpu->apic_base;
	st->host = hvm_cpuid_host_flags();
}

long hvm_vcpu_state_ioctl(struct hvm_vcpu *vcpu, unsigned int ioctl,
			  void __user *argp)
{
	struct hvm_cpuid_state st;

	switch (ioctl) {
	case KVM_GET_SREGS:
		return hvm_vcpu_get_sregs(vcpu, argp);
	case KVM_SET_SREGS:
		return hvm_vcpu_set_sregs(vcpu, argp);
	case KVM_INTERRUPT:
		return hvm_vcpu_interrupt(vcpu, argp);
	case KVM_GET_MSRS:
		return hvm_vcpu_msrs(vcpu, argp, false);
	case KVM_SET_MSRS:
		return hvm_vcpu_msrs(vcpu, argp, true);
	case KVM_SET_CPUID2:
		hvm_vcpu_cpuid_state(vcpu, &st);
		return hvm_cpuid_set(&vcpu->cpuid, &st, argp, vcpu->has_run);
	case KVM_GET_CPUID2:
		hvm_vcpu_cpuid_state(vcpu, &st);
		return hvm_cpuid_get(&vcpu->cpuid, &st, argp);
	default:
		return -EINVAL;
	}
}
