// SPDX-License-Identifier: GPL-2.0-only
/*
 * The AMD-V back end: probing, SVM operation on and off per CPU, the
 * permission maps, and the per-vCPU VMCB; the ops table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/mem_encrypt.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/virtext.h>

#include "svm/svm.h"

#define SVM_CPUID_LEAF		0x8000000a
/* CPUID Fn8000_0001_ECX[2]: SVM (APM vol. 3, appendix E.4.2) */
#define SVM_CPUID_EXT1_SVM	BIT(2)
/* VM_CR[4] SVMDIS: firmware disabled SVM (APM vol. 2, 15.30.1) */
#define SVM_VM_CR_SVMDIS	BIT_ULL(4)

/* APM 15.10.1 / 15.11: 12 KiB I/O map, 8 KiB MSR map, contiguous. */
#define SVM_IOPM_ORDER		2
#define SVM_MSRPM_ORDER		1

struct svm_caps svm_caps;
u64 svm_iopm_pa, svm_msrpm_pa;
static struct page *svm_iopm, *svm_msrpm;
/*
 * Host state-save area, one per CPU, allocated while virtualization is on:
 * VMRUN saves host state there and #VMEXIT reloads it (VM_HSAVE_PA, APM
 * vol. 2, 15.30.4).
 */
static DEFINE_PER_CPU(struct page *, svm_hsave_page);

/* All ones: every port and every MSR access exits (design.rst). */
static struct page *svm_alloc_all_ones(unsigned int order, u64 *pa)
{
	struct page *page = alloc_pages(GFP_KERNEL, order);

	if (!page)
		return NULL;
	memset(page_address(page), 0xff, PAGE_SIZE << order);
	*pa = __sme_set(page_to_phys(page));
	return page;
}

/*
 * The MSRs a guest reads and writes without an exit: those VMLOAD and
 * VMSAVE switch (APM vol. 2, rev. 3.42, 15.5.2), whose host values the
 * host's VMLOAD puts back after every exit (svm_entry.S). kvm-amd passes
 * the same ones through, so the guest sees the CPU's own behaviour
 * (e.g. the width SYSENTER_CS keeps). Every other MSR exits.
 */
static const u32 svm_passthrough_msrs[] = {
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
};

/*
 * MSRPM (APM 15.11): two bits per MSR, read then write intercept, for
 * the ranges 0-0x1fff, 0xc0000000-0xc0001fff and 0xc0010000-0xc0011fff,
 * at 0, 2 KiB and 4 KiB into the map.
 */
static void svm_msrpm_pass(u8 *map, u32 msr)
{
	u32 range = msr >> 16 == 0xc001 ? 2 : msr >> 16 == 0xc000 ? 1 : 0;
	u32 bit = (msr & 0x1fff) * 2;

	map[range * 0x800 + bit / 8] &= ~(3 << (bit % 8));
}

static int svm_alloc_permission_maps(void)
{
	unsigned int i;

	svm_iopm = svm_alloc_all_ones(SVM_IOPM_ORDER, &svm_iopm_pa);
	svm_msrpm = svm_alloc_all_ones(SVM_MSRPM_ORDER, &svm_msrpm_pa);
	if (svm_iopm && svm_msrpm) {
		for (i = 0; i < ARRAY_SIZE(svm_passthrough_msrs); i++)
			svm_msrpm_pass(page_address(svm_msrpm),
				       svm_passthrough_msrs[i]);
		return 0;
	}
	if (svm_iopm)
		__free_pages(svm_iopm, SVM_IOPM_ORDER);
	if (svm_msrpm)
		__free_pages(svm_msrpm, SVM_MSRPM_ORDER);
	return -ENOMEM;
}

static int svm_probe(void)
{
	u32 eax, ebx, ecx, edx;
	const char *missing;
	char line[256];
	u64 vm_cr;

	if (cpuid_eax(0x80000000) < SVM_CPUID_LEAF ||
	    !(cpuid_ecx(0x80000001) & SVM_CPUID_EXT1_SVM)) {
		pr_err("this AMD CPU has no SVM (AMD-V): not loading\n");
		return -ENODEV;
	}
	if (rdmsrl_safe(MSR_VM_CR, &vm_cr) || (vm_cr & SVM_VM_CR_SVMDIS)) {
		pr_err("SVM is disabled by firmware (VM_CR.SVMDIS): enable it in the BIOS setup\n");
		return -ENODEV;
	}
	cpuid(SVM_CPUID_LEAF, &eax, &ebx, &ecx, &edx);
	svm_caps_decode(&svm_caps, eax, ebx, edx);
	missing = svm_caps_missing(&svm_caps);
	if (missing) {
		pr_err("AMD-V unusable: %s: not loading\n", missing);
		return -ENODEV;
	}
	svm_caps_describe(&svm_caps, line, sizeof(line));
	pr_info("AMD-V: %s\n", line);
	return svm_alloc_permission_maps();
}

static void svm_unprobe(void)
{
	__free_pages(svm_iopm, SVM_IOPM_ORDER);
	__free_pages(svm_msrpm, SVM_MSRPM_ORDER);
}

static void svm_free_hsave_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		hvm_page_free(per_cpu(svm_hsave_page, cpu));
		per_cpu(svm_hsave_page, cpu) = NULL;
	}
}

/* Every possible CPU gets its area, so a CPU plugged in later has one. */
static int svm_virt_on(void)
{
	int cpu;

	if (svm_run_init())
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		per_cpu(svm_hsave_page, cpu) = hvm_page_alloc();
		if (!per_cpu(svm_hsave_page, cpu)) {
			svm_free_hsave_pages();
			svm_run_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * No crash callback is needed: the kernel's emergency path (reboot.c,
 * cpu_emergency_disable_virtualization) always runs
 * cpu_emergency_svm_disable(), which sets GIF and clears EFER.SVME.
 */
static void svm_virt_off(void)
{
	svm_free_hsave_pages();
	svm_run_exit();
}

static int svm_cpu_enable(void)
{
	struct page *hsave = this_cpu_read(svm_hsave_page);
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	/* Set by someone else (kvm-amd): that hypervisor owns this CPU. */
	if (efer & EFER_SVME)
		return -EBUSY;
	if (wrmsrl_safe(MSR_EFER, efer | EFER_SVME))
		return -EIO;
	wrmsrl(MSR_VM_HSAVE_PA, __sme_set(page_to_phys(hsave)));
	svm_run_cpu_enable();
	return 0;
}

/* Clears VM_HSAVE_PA, sets GIF and clears EFER.SVME (asm/virtext.h). */
static void svm_cpu_disable(void)
{
	cpu_svm_disable();
}

/*
 * The nested table has the host's paging mode (APM vol. 2, 15.25.3: the
 * walk uses the host's CR4/EFER at VMRUN). npt/ builds 4-level trees for
 * guest-physical addresses below 2^48; on a host with 5-level paging
 * (CR4.LA57) one more table on top, whose entry 0 links that tree,
 * covers the same addresses.
 */
static int svm_vm_init(struct hvm_vm *vm)
{
	struct svm_vm *svm_vm;
	u64 *pml5;

	svm_vm = kzalloc(sizeof(*svm_vm), GFP_KERNEL_ACCOUNT);
	if (!svm_vm)
		return -ENOMEM;
	svm_vm->nested_cr3 = vm->npt.root_hpa;
	if (native_read_cr4() & X86_CR4_LA57) {
		svm_vm->pml5 = hvm_page_alloc();
		if (!svm_vm->pml5) {
			kfree(svm_vm);
			return -ENOMEM;
		}
		pml5 = page_address(svm_vm->pml5);
		pml5[0] = npt_make_table(&npt_format_amd, vm->npt.root_hpa);
		svm_vm->nested_cr3 = page_to_phys(svm_vm->pml5);
	}
	vm->arch = svm_vm;
	return 0;
}

static void svm_vm_destroy(struct hvm_vm *vm)
{
	struct svm_vm *svm_vm = vm->arch;

	hvm_page_free(svm_vm->pml5);
	kfree(svm_vm);
}

static int svm_vcpu_create(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm;

	svm = kzalloc(sizeof(*svm), GFP_KERNEL_ACCOUNT);
	if (!svm)
		return -ENOMEM;
	svm->vmcb_page = hvm_page_alloc();
	if (!svm->vmcb_page) {
		kfree(svm);
		return -ENOMEM;
	}
	svm->vmcb = page_address(svm->vmcb_page);
	svm->vmcb_pa = __sme_set(page_to_phys(svm->vmcb_page));
	vcpu->arch = svm;
	svm_vmcb_init(vcpu);
	return 0;
}

static void svm_vcpu_free(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = vcpu->arch;

	hvm_page_free(svm->vmcb_page);
	kfree(svm);
}

const struct hvm_arch_ops hvm_svm_ops = {
	.name = "svm",
	.probe = svm_probe,
	.unprobe = svm_unprobe,
	.virt_on = svm_virt_on,
	.virt_off = svm_virt_off,
	.cpu_enable = svm_cpu_enable,
	.cpu_disable = svm_cpu_disable,
	.vm_init = svm_vm_init,
	.vm_destroy = svm_vm_destroy,
	.vcpu_create = svm_vcpu_create,
	.vcpu_free = svm_vcpu_free,
	.npt_format = &npt_format_amd,
	.enter_guest = svm_enter_guest,
	.handle_exit = svm_handle_exit,
	.get_sregs = svm_get_sregs,
	.set_sregs = svm_set_sregs,
	.set_cr4 = svm_set_cr4,
	.flush_guest_tlb = svm_flush_guest_tlb,
	.get_cr8 = svm_get_cr8,
	.set_cr8 = svm_set_cr8,
	.get_msr = svm_get_msr,
	.set_msr = svm_set_msr,
	.queue_exception = svm_queue_exception,
	.interrupt_allowed = svm_interrupt_allowed,
	.inject_interrupt = svm_inject_interrupt,
	.set_irq_window = svm_set_irq_window,
	.get_events = svm_get_events,
	.set_events = svm_set_events,
	.queue_nmi = svm_queue_nmi,
};
