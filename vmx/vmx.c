// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VT-x back end: probing, VMX operation on and off per CPU, VMs
 * (their EPT pointer) and vCPUs (VMCS and VPID), and the ops table.
 * Section numbers: Intel SDM, order no. 326019-081US.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/idr.h>
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

/* EPTP (24.6.11): write-back, 4-level walk (length - 1 in bits 5:3). */
#define VMX_EPTP_WB		6ULL
#define VMX_EPTP_4LEVEL		(3ULL << 3)
/* VPIDs: 16 bits, 0 is the host's (29.1). */
#define VMX_MAX_VPID		0xffff

struct vmx_caps vmx_caps;
/* VMXON region, one per CPU, allocated while virtualization is on (24.11.5). */
static DEFINE_PER_CPU(struct page *, vmxon_page);
/* The MSR bitmap (24.6.9): all ones, every RDMSR and WRMSR exits. */
static struct page *vmx_msr_bitmap;
u64 vmx_msr_bitmap_pa;
static DEFINE_IDA(vmx_vpids);

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
	r |= rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
			 MSR_IA32_VMX_EXIT_CTLS, &m->exit);
	r |= rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
			 MSR_IA32_VMX_ENTRY_CTLS, &m->entry);
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
	int r;

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
	if (vmx_controls_init(&msrs))
		return -ENODEV;
	/* Module-wide, like svm's maps: not in the per-VM page counter. */
	vmx_msr_bitmap = alloc_page(GFP_KERNEL);
	if (!vmx_msr_bitmap)
		return -ENOMEM;
	memset(page_address(vmx_msr_bitmap), 0xff, PAGE_SIZE);
	vmx_msr_bitmap_pa = page_to_phys(vmx_msr_bitmap);
	vmx_loaded_init();
	vmx_host_msrs_init();
	r = vmx_emergency_init();
	if (r)
		__free_page(vmx_msr_bitmap);
	return r;
}

static void vmx_unprobe(void)
{
	vmx_emergency_exit();
	__free_page(vmx_msr_bitmap);
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

/*
 * Every EPT and VPID translation this CPU caches (with interrupts off):
 * the next hypervisor to use VMX here (kvm-intel, or hvmod again) may
 * reuse a VPID and an EPT root page of ours and must not meet our
 * guests' translations, whose pages are back with the host.
 */
static void vmx_flush_all_local(void)
{
	u64 desc[2] = { 0, 0 };

	if (vmx_caps.invept_all)
		vmx_insn_invept(VMX_INV_ALL, desc);
	if (vmx_caps.invvpid_all)
		vmx_insn_invvpid(VMX_INV_ALL, desc);
}

/*
 * VMCLEAR what is active here (SDM 24.11.1: VMXOFF may not write it
 * back), drop our translations, then VMXOFF and clear CR4.VMXE through
 * the kernel's helper (asm/virtext.h).
 */
static void vmx_cpu_disable(void)
{
	vmx_vmcs_clear_cpu();
	vmx_flush_all_local();
	if (cpu_vmxoff())
		pr_err_ratelimited("VMXOFF faulted on CPU %d\n",
				   smp_processor_id());
	intel_pt_handle_vmx(0);
}

/*
 * Guests need unrestricted guest (real mode and paging off without
 * emulation) and a way to flush EPT translations: refused here, at VM
 * creation, with a log line, when the CPU lacks them.
 */
static int vmx_vm_init(struct hvm_vm *vm)
{
	struct vmx_vm *vmx_vm;

	if (!vmx_caps.unrestricted_guest ||
	    !(vmx_ctls.exec2 & SECONDARY_EXEC_UNRESTRICTED_GUEST)) {
		pr_err_ratelimited("VT-x: this CPU has no unrestricted guest: cannot run guests\n");
		return -EOPNOTSUPP;
	}
	if (!vmx_caps.invept || !(vmx_caps.invept_single || vmx_caps.invept_all)) {
		pr_err_ratelimited("VT-x: this CPU has no INVEPT: cannot run guests\n");
		return -EOPNOTSUPP;
	}
	vmx_vm = kzalloc(sizeof(*vmx_vm), GFP_KERNEL_ACCOUNT);
	if (!vmx_vm)
		return -ENOMEM;
	vmx_vm->eptp = vm->npt.root_hpa | VMX_EPTP_WB | VMX_EPTP_4LEVEL;
	vm->arch = vmx_vm;
	return 0;
}

/* On each CPU: this VM's EPT translations (its vCPUs are gone). */
static void vmx_invept_local(void *eptp)
{
	vmx_invept(*(u64 *)eptp);
}

/*
 * The EPT root page goes back to the host and may become another VM's
 * root, with the same EPTP: no CPU may keep translations tagged with it.
 */
static void vmx_vm_destroy(struct hvm_vm *vm)
{
	struct vmx_vm *vmx_vm = vm->arch;

	on_each_cpu(vmx_invept_local, &vmx_vm->eptp, 1);
	kfree(vmx_vm);
}

/* A VPID per vCPU when the CPU has them; 0 (none) when they run out. */
static u16 vmx_alloc_vpid(void)
{
	int id;

	if (!(vmx_ctls.exec2 & SECONDARY_EXEC_ENABLE_VPID))
		return 0;
	id = ida_alloc_range(&vmx_vpids, 1, VMX_MAX_VPID, GFP_KERNEL);
	return id < 0 ? 0 : id;
}

static void vmx_vcpu_free(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = vcpu->arch;

	vmx_vmcs_clear(vmx);
	if (vmx->vpid)
		ida_free(&vmx_vpids, vmx->vpid);
	hvm_page_free(vmx->vmcs);
	kfree(vmx);
}

static int vmx_vcpu_create(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx;
	int r;

	vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	if (!vmx)
		return -ENOMEM;
	vmx->cpu = -1;
	INIT_LIST_HEAD(&vmx->loaded_link);
	vmx->vmcs = vmx_alloc_vmcs_page();
	if (!vmx->vmcs) {
		kfree(vmx);
		return -ENOMEM;
	}
	vmx->vmcs_pa = page_to_phys(vmx->vmcs);
	vmx->vpid = vmx_alloc_vpid();
	vcpu->arch = vmx;
	r = vmx_vmcs_setup(vcpu);
	if (r) {
		vmx_vcpu_free(vcpu);
		vcpu->arch = NULL;
	}
	return r;
}

const struct hvm_arch_ops hvm_vmx_ops = {
	.name = "vmx",
	.probe = vmx_probe,
	.unprobe = vmx_unprobe,
	.virt_on = vmx_virt_on,
	.virt_off = vmx_virt_off,
	.cpu_enable = vmx_cpu_enable,
	.cpu_disable = vmx_cpu_disable,
	.vm_init = vmx_vm_init,
	.vm_destroy = vmx_vm_destroy,
	.vcpu_create = vmx_vcpu_create,
	.vcpu_free = vmx_vcpu_free,
	.npt_format = &npt_format_ept,
	.vcpu_load = vmx_vcpu_load,
	.enter_guest = vmx_enter_guest,
	.handle_exit = vmx_handle_exit,
	.get_sregs = vmx_get_sregs,
	.set_sregs = vmx_set_sregs,
	.set_cr4 = vmx_set_cr4,
	.flush_guest_tlb = vmx_flush_guest_tlb,
	.get_cr8 = vmx_get_cr8,
	.set_cr8 = vmx_set_cr8,
	.get_msr = vmx_get_msr,
	.set_msr = vmx_set_msr,
	.queue_exception = vmx_queue_exception,
	.interrupt_allowed = vmx_interrupt_allowed,
	.inject_interrupt = vmx_inject_interrupt,
	.set_irq_window = vmx_set_irq_window,
	.get_events = vmx_get_events,
	.set_events = vmx_set_events,
	.queue_nmi = vmx_queue_nmi,
};
