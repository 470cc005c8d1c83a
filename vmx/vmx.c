// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VT-x back end: probing, VMX operation on and off per CPU, and the
 * per-vCPU VMCS. Section numbers: Intel SDM, order no. 326019-081US.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/msr.h>
#include <asm/perf_event.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/virtext.h>

#include "kmod/hvm.h"
#include "vmx/vmx.h"
#include "vmx/vmx_caps.h"

/* CPUID.1:ECX[5]: VMX (SDM vol. 3C 23.6) */
#define VMX_CPUID1_ECX_VMX	BIT(5)

struct vmx_vcpu {
	struct page *vmcs;
};

static struct vmx_caps vmx_caps;
/* VMXON region, one per CPU, allocated while virtualization is on (24.11.5). */
static DEFINE_PER_CPU(struct page *, vmxon_page);

/* Capability MSRs; the TRUE_ ones when BASIC[55] says they exist (A.2). */
static int vmx_read_cap_msrs(struct vmx_cap_msrs *m)
{
	bool true_ctls;
	int r = 0;

	r |= rdmsrl_safe(MSR_IA32_FEAT_CTL, &m->feature_control);
	r |= rdmsrl_safe(MSR_IA32_VMX_BASIC, &m->basic);
	if (r)
		return -EIO;
	true_ctls = m->basic & VMX_BASIC_TRUE_CTLS;
	r |= rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			 MSR_IA32_VMX_PINBASED_CTLS, &m->pinbased);
	r |= rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			 MSR_IA32_VMX_PROCBASED_CTLS, &m->procbased);
	r |= rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED0, &m->cr0_fixed0);
	r |= rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED1, &m->cr0_fixed1);
	r |= rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED0, &m->cr4_fixed0);
	r |= rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED1, &m->cr4_fixed1);
	if (r)
		return -EIO;
	/* Absent when their controls cannot be set: leave them 0 then. */
	if (rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &m->procbased2))
		m->procbased2 = 0;
	if (rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &m->ept_vpid))
		m->ept_vpid = 0;
	return 0;
}

static int vmx_probe(void)
{
	struct vmx_cap_msrs msrs = { 0 };
	const char *missing;
	char line[256];

	if (!(cpuid_ecx(1) & VMX_CPUID1_ECX_VMX)) {
		pr_err("this CPU has no VMX (VT-x): not loading\n");
		return -ENODEV;
	}
	if (vmx_read_cap_msrs(&msrs)) {
		pr_err("cannot read the VMX capability MSRs: not loading\n");
		return -ENODEV;
	}
	vmx_caps_decode(&vmx_caps, &msrs);
	missing = vmx_caps_missing(&vmx_caps);
	if (missing) {
		pr_err("VT-x unusable: %s: not loading\n", missing);
		return -ENODEV;
	}
	vmx_caps_describe(&vmx_caps, line, sizeof(line));
	pr_info("VT-x: %s\n", line);
	return vmx_emergency_init();
}

static void vmx_unprobe(void)
{
	vmx_emergency_exit();
}

static void vmx_free_vmxon_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		hvm_page_free(per_cpu(vmxon_page, cpu));
		per_cpu(vmxon_page, cpu) = NULL;
	}
}

/* A VMXON region or VMCS starts with the revision identifier (24.2). */
static struct page *vmx_alloc_vmcs_page(void)
{
	struct page *page = hvm_page_alloc();

	if (page)
		*(u32 *)page_address(page) = vmx_caps.vmcs_revision;
	return page;
}

static int vmx_virt_on(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		per_cpu(vmxon_page, cpu) = vmx_alloc_vmcs_page();
		if (!per_cpu(vmxon_page, cpu)) {
			vmx_free_vmxon_pages();
			return -ENOMEM;
		}
	}
	vmx_emergency_claim();
	return 0;
}

static void vmx_virt_off(void)
{
	vmx_emergency_release();
	vmx_free_vmxon_pages();
}

static int vmx_cpu_enable(void)
{
	u64 pa = page_to_phys(this_cpu_read(vmxon_page));
	u64 feat;
	int r;

	/*
	 * CR4.VMXE through the kernel's shadow: kvm-intel reads the same
	 * shadow, so a set bit means it holds this CPU (and vice versa).
	 */
	if (cr4_read_shadow() & X86_CR4_VMXE)
		return -EBUSY;
	/* Firmware may have configured CPUs differently: check this one. */
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat) ||
	    !(feat & FEAT_CTL_LOCKED) ||
	    !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX))
		return -EIO;
	if (!vmx_cr_fixed_ok(&vmx_caps, read_cr0(),
			     __read_cr4() | X86_CR4_VMXE))
		return -EIO;

	/* Tell Intel PT that this CPU enters VMX operation, as KVM does. */
	intel_pt_handle_vmx(1);
	cr4_set_bits(X86_CR4_VMXE);
	r = vmx_insn_vmxon(&pa);
	if (r) {
		cr4_clear_bits(X86_CR4_VMXE);
		intel_pt_handle_vmx(0);
	}
	return r;
}

/* VMXOFF and clear CR4.VMXE through the kernel's helper (asm/virtext.h). */
static void vmx_cpu_disable(void)
{
	if (cpu_vmxoff())
		pr_err_ratelimited("VMXOFF faulted on CPU %d\n",
				   smp_processor_id());
	intel_pt_handle_vmx(0);
}

static int vmx_vcpu_create(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx;

	vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	if (!vmx)
		return -ENOMEM;
	vmx->vmcs = vmx_alloc_vmcs_page();
	if (!vmx->vmcs) {
		kfree(vmx);
		return -ENOMEM;
	}
	vcpu->arch = vmx;
	return 0;
}

static void vmx_vcpu_free(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = vcpu->arch;

	hvm_page_free(vmx->vmcs);
	kfree(vmx);
}

const struct hvm_arch_ops hvm_vmx_ops = {
	.name = "vmx",
	.probe = vmx_probe,
	.unprobe = vmx_unprobe,
	.virt_on = vmx_virt_on,
	.virt_off = vmx_virt_off,
	.cpu_enable = vmx_cpu_enable,
	.cpu_disable = vmx_cpu_disable,
	.vcpu_create = vmx_vcpu_create,
	.vcpu_free = vmx_vcpu_free,
	/* Guests do not run on VT-x yet: no enter_guest (see kmod/vcpu.c). */
	.npt_format = &npt_format_ept,
};
