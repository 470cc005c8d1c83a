// SPDX-License-Identifier: GPL-2.0-only
/*
 * The AMD-V back end: probing, SVM operation on and off per CPU, and the
 * per-vCPU VMCB.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/mem_encrypt.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/virtext.h>

#include "kmod/hvm.h"
#include "svm/svm_caps.h"

#define SVM_CPUID_LEAF		0x8000000a
/* CPUID Fn8000_0001_ECX[2]: SVM (APM vol. 3, appendix E.4.2) */
#define SVM_CPUID_EXT1_SVM	BIT(2)
/* VM_CR[4] SVMDIS: firmware disabled SVM (APM vol. 2, 15.30.1) */
#define SVM_VM_CR_SVMDIS	BIT_ULL(4)

struct svm_vcpu {
	struct page *vmcb;
};

static struct svm_caps svm_caps;
/*
 * Host state-save area, one per CPU, allocated while virtualization is on:
 * VMRUN saves host state there and #VMEXIT reloads it (VM_HSAVE_PA, APM
 * vol. 2, 15.30.4).
 */
static DEFINE_PER_CPU(struct page *, svm_hsave_page);

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
	return 0;
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

	for_each_possible_cpu(cpu) {
		per_cpu(svm_hsave_page, cpu) = hvm_page_alloc();
		if (!per_cpu(svm_hsave_page, cpu)) {
			svm_free_hsave_pages();
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
	return 0;
}

/* Clears VM_HSAVE_PA, sets GIF and clears EFER.SVME (asm/virtext.h). */
static void svm_cpu_disable(void)
{
	cpu_svm_disable();
}

static int svm_vcpu_create(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm;

	svm = kzalloc(sizeof(*svm), GFP_KERNEL_ACCOUNT);
	if (!svm)
		return -ENOMEM;
	svm->vmcb = hvm_page_alloc();
	if (!svm->vmcb) {
		kfree(svm);
		return -ENOMEM;
	}
	vcpu->arch = svm;
	return 0;
}

static void svm_vcpu_free(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = vcpu->arch;

	hvm_page_free(svm->vmcb);
	kfree(svm);
}

const struct hvm_arch_ops hvm_svm_ops = {
	.name = "svm",
	.probe = svm_probe,
	.virt_on = svm_virt_on,
	.virt_off = svm_virt_off,
	.cpu_enable = svm_cpu_enable,
	.cpu_disable = svm_cpu_disable,
	.vcpu_create = svm_vcpu_create,
	.vcpu_free = svm_vcpu_free,
};
