// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMCB of a vCPU: its initial intercepts and RESET state, and the
 * architectural state (segments, control registers, MSRs) the core reads
 * and writes through the ops table. Field layout: the kernel's
 * <asm/svm.h>; meanings: AMD APM vol. 2, rev. 3.42, appendix B.
 */
#include <asm/msr.h>
#include <asm/processor-flags.h>

#include "svm/svm.h"

/* PAT after RESET (SDM vol. 3A 11.12.4). */
#define SVM_PAT_RESET		0x0007040600070406ULL
#define SVM_DR6_RESET		0xffff0ff0ULL
/* IA32_MISC_ENABLE after reset as KVM reports it: no BTS, no PEBS. */
#define SVM_MISC_ENABLE_RESET	(MSR_IA32_MISC_ENABLE_BTS_UNAVAIL | \
				 MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL)

/*
 * Intercepts every guest gets (Documentation/design.rst, "Mandatory
 * intercepts (AMD-V)", gives each one's reason and test). Port I/O and
 * MSR accesses all exit: the permission maps are all ones.
 */
static const u8 svm_intercepts[] = {
	INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_INIT,
	INTERCEPT_RDPMC, INTERCEPT_CPUID, INTERCEPT_RSM, INTERCEPT_INVD,
	INTERCEPT_HLT, INTERCEPT_INVLPGA, INTERCEPT_IOIO_PROT,
	INTERCEPT_MSR_PROT, INTERCEPT_TASK_SWITCH, INTERCEPT_SHUTDOWN,
	INTERCEPT_VMRUN, INTERCEPT_VMMCALL, INTERCEPT_VMLOAD,
	INTERCEPT_VMSAVE, INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT,
	INTERCEPT_RDTSCP, INTERCEPT_WBINVD, INTERCEPT_MONITOR,
	INTERCEPT_MWAIT, INTERCEPT_XSETBV, INTERCEPT_RDPRU,
	INTERCEPT_INVPCID,
	/*
	 * CR4 writes: the bits a guest may set follow its CPUID
	 * (kmod/cr.c). Reads stay with the CPU, as in KVM with NPT.
	 */
	INTERCEPT_CR4_WRITE,
	/*
	 * #DB and #AC: a guest can make their delivery raise them again
	 * forever, with no exit (CVE-2015-5307, CVE-2015-8104); they are
	 * intercepted and re-injected.
	 */
	INTERCEPT_EXCEPTION_OFFSET + DB_VECTOR,
	INTERCEPT_EXCEPTION_OFFSET + AC_VECTOR,
};

static void svm_set_intercept(struct vmcb_control_area *c, unsigned int bit)
{
	c->intercepts[bit / 32] |= BIT(bit % 32);
}

static void svm_init_control(struct vmcb_control_area *c)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(svm_intercepts); i++)
		svm_set_intercept(c, svm_intercepts[i]);
	/* Every debug-register access: the guest's DR0-3 are emulated. */
	c->intercepts[INTERCEPT_DR] = 0xffffffff;
	c->iopm_base_pa = svm_iopm_pa;
	c->msrpm_base_pa = svm_msrpm_pa;
	/* The guest's IF and TPR are virtual; host interrupts exit. */
	c->int_ctl = V_INTR_MASKING_MASK;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
}

static void svm_init_seg(struct vmcb_seg *s, u16 sel, u64 base, u16 attrib)
{
	s->selector = sel;
	s->base = base;
	s->limit = 0xffff;
	s->attrib = attrib;
}

/*
 * RESET state as KVM sets it (kvm_vcpu_reset(), init_vmcb()): CS
 * f000:fff0 with base ffff0000, data segments read/write, CR0 with CD,
 * NW and ET. KVM clears CD and NW in the hardware CR0 and intercepts CR0
 * reads to hide it; hvmod runs the guest with them set until it clears
 * them itself, as a real CPU after RESET would.
 */
static void svm_init_save(struct vmcb_save_area *s)
{
	const u16 data = SVM_SELECTOR_P_MASK | SVM_SELECTOR_S_MASK | 3;

	svm_init_seg(&s->cs, 0xf000, 0xffff0000,
		     SVM_SELECTOR_P_MASK | SVM_SELECTOR_S_MASK | 0xb);
	svm_init_seg(&s->ds, 0, 0, data);
	svm_init_seg(&s->es, 0, 0, data);
	svm_init_seg(&s->ss, 0, 0, data);
	svm_init_seg(&s->fs, 0, 0, data);
	svm_init_seg(&s->gs, 0, 0, data);
	/* LDT (type 2) and a busy 16-bit TSS (type 3), both present. */
	svm_init_seg(&s->ldtr, 0, 0, SVM_SELECTOR_P_MASK | 2);
	svm_init_seg(&s->tr, 0, 0, SVM_SELECTOR_P_MASK | 3);
	s->gdtr.limit = 0xffff;
	s->idtr.limit = 0xffff;
	s->cr0 = X86_CR0_NW | X86_CR0_CD | X86_CR0_ET;
	/* VMRUN requires EFER.SVME; the guest never sees it (svm_get_msr). */
	s->efer = EFER_SVME;
	s->dr6 = SVM_DR6_RESET;
	s->dr7 = HVM_DR7_RESET;
	s->g_pat = SVM_PAT_RESET;
}

void svm_vmcb_init(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	memset(svm->vmcb, 0, PAGE_SIZE);
	svm_init_control(&svm->vmcb->control);
	svm->vmcb->control.nested_cr3 =
		((struct svm_vm *)vcpu->vm->arch)->nested_cr3;
	svm_init_save(&svm->vmcb->save);
	svm->asid_cpu = -1;
	hvm_dregs_reset(&svm->dregs);
	svm->misc_enable = SVM_MISC_ENABLE_RESET;
}

/* svm_get_segment() in KVM, with its adjustments of type and DPL. */
static void svm_seg_to_kvm(const struct vmcb_seg *s, struct kvm_segment *k)
{
	k->base = s->base;
	k->limit = s->limit;
	k->selector = s->selector;
	k->type = s->attrib & SVM_SELECTOR_TYPE_MASK;
	k->s = !!(s->attrib & SVM_SELECTOR_S_MASK);
	k->dpl = (s->attrib >> SVM_SELECTOR_DPL_SHIFT) & 3;
	k->present = !!(s->attrib & SVM_SELECTOR_P_MASK);
	k->avl = !!(s->attrib & SVM_SELECTOR_AVL_MASK);
	k->l = !!(s->attrib & SVM_SELECTOR_L_MASK);
	k->db = !!(s->attrib & SVM_SELECTOR_DB_MASK);
	k->g = !!(s->attrib & SVM_SELECTOR_G_MASK);
	k->unusable = !k->present;
}

static void svm_seg_from_kvm(struct vmcb_seg *s, const struct kvm_segment *k)
{
	s->base = k->base;
	s->limit = k->limit;
	s->selector = k->selector;
	s->attrib = (k->type & SVM_SELECTOR_TYPE_MASK) |
		    (k->s & 1) << SVM_SELECTOR_S_SHIFT |
		    (k->dpl & 3) << SVM_SELECTOR_DPL_SHIFT |
		    ((k->present & 1) && !k->unusable) << SVM_SELECTOR_P_SHIFT |
		    (k->avl & 1) << SVM_SELECTOR_AVL_SHIFT |
		    (k->l & 1) << SVM_SELECTOR_L_SHIFT |
		    (k->db & 1) << SVM_SELECTOR_DB_SHIFT |
		    (k->g & 1) << SVM_SELECTOR_G_SHIFT;
}

void svm_get_sregs(struct hvm_vcpu *vcpu, struct kvm_sregs *k)
{
	struct vmcb_save_area *s = &to_svm(vcpu)->vmcb->save;

	svm_seg_to_kvm(&s->cs, &k->cs);
	svm_seg_to_kvm(&s->ds, &k->ds);
	svm_seg_to_kvm(&s->es, &k->es);
	svm_seg_to_kvm(&s->fs, &k->fs);
	svm_seg_to_kvm(&s->gs, &k->gs);
	svm_seg_to_kvm(&s->ss, &k->ss);
	svm_seg_to_kvm(&s->tr, &k->tr);
	svm_seg_to_kvm(&s->ldtr, &k->ldt);
	/* As KVM: TR reads busy, usable data segments accessed, SS CPL. */
	k->tr.type |= 2;
	k->ds.type |= !k->ds.unusable;
	k->es.type |= !k->es.unusable;
	k->fs.type |= !k->fs.unusable;
	k->gs.type |= !k->gs.unusable;
	if (k->ss.unusable)
		k->ss.db = 0;
	k->ss.dpl = s->cpl;
	k->gdt.base = s->gdtr.base;
	k->gdt.limit = s->gdtr.limit;
	k->idt.base = s->idtr.base;
	k->idt.limit = s->idtr.limit;
	k->cr0 = s->cr0;
	k->cr2 = s->cr2;
	k->cr3 = s->cr3;
	k->cr4 = s->cr4;
	k->cr8 = svm_get_cr8(vcpu);
	k->efer = s->efer & ~EFER_SVME;
}

int svm_set_sregs(struct hvm_vcpu *vcpu, const struct kvm_sregs *k)
{
	struct vmcb_save_area *s = &to_svm(vcpu)->vmcb->save;

	svm_seg_from_kvm(&s->cs, &k->cs);
	svm_seg_from_kvm(&s->ds, &k->ds);
	svm_seg_from_kvm(&s->es, &k->es);
	svm_seg_from_kvm(&s->fs, &k->fs);
	svm_seg_from_kvm(&s->gs, &k->gs);
	svm_seg_from_kvm(&s->ss, &k->ss);
	svm_seg_from_kvm(&s->tr, &k->tr);
	svm_seg_from_kvm(&s->ldtr, &k->ldt);
	s->cpl = k->ss.dpl & 3;
	s->gdtr.base = k->gdt.base;
	s->gdtr.limit = k->gdt.limit;
	s->idtr.base = k->idt.base;
	s->idtr.limit = k->idt.limit;
	s->cr0 = k->cr0;
	s->cr2 = k->cr2;
	s->cr3 = k->cr3;
	s->cr4 = k->cr4;
	s->efer = k->efer | EFER_SVME;
	svm_set_cr8(vcpu, k->cr8 & V_TPR_MASK);
	return 0;
}

u64 svm_get_cr8(struct hvm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->control.int_ctl & V_TPR_MASK;
}

void svm_set_cr8(struct hvm_vcpu *vcpu, u64 cr8)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->int_ctl = (c->int_ctl & ~V_TPR_MASK) | (cr8 & V_TPR_MASK);
}

/*
 * A guest's CR4 write the core has checked. The VMCB holds CR4 as the
 * guest sees it (no bit is forced on, unlike KVM's host MCE): the CPU
 * takes it at the next VMRUN.
 */
void svm_set_cr4(struct hvm_vcpu *vcpu, u64 cr4)
{
	to_svm(vcpu)->vmcb->save.cr4 = cr4;
}

/*
 * A guest write may not toggle LME while paging is on. LMA is the CPU's
 * to set, from a guest write or from userspace's KVM_SET_MSRS alike
 * (KVM's set_efer() keeps the vCPU's): only KVM_SET_SREGS changes it.
 */
static int svm_set_efer(struct vmcb_save_area *s, u64 efer, bool host)
{
	if (!hvm_efer_valid(efer))
		return 1;
	if (!host && (s->cr0 & X86_CR0_PG) && ((efer ^ s->efer) & EFER_LME))
		return 1;
	efer = (efer & ~EFER_LMA) | (s->efer & EFER_LMA);
	s->efer = efer | EFER_SVME;
	return 0;
}

/*
 * As kvm-amd with a non-Intel guest CPUID: SYSENTER_CS keeps all 64
 * bits as written, SYSENTER_ESP/EIP the 32 that AMD's SYSENTER uses
 * (kvm-amd keeps the high halves only to imitate Intel CPUs; hvmod
 * does not).
 */
static u64 svm_msr_stored(u32 index, u64 data)
{
	if (index == MSR_IA32_SYSENTER_ESP || index == MSR_IA32_SYSENTER_EIP)
		return (u32)data;
	return data;
}

static u64 *svm_msr_field(struct vmcb_save_area *s, u32 index)
{
	switch (index) {
	case MSR_STAR:
		return &s->star;
	case MSR_LSTAR:
		return &s->lstar;
	case MSR_CSTAR:
		return &s->cstar;
	case MSR_SYSCALL_MASK:
		return &s->sfmask;
	case MSR_KERNEL_GS_BASE:
		return &s->kernel_gs_base;
	case MSR_FS_BASE:
		return &s->fs.base;
	case MSR_GS_BASE:
		return &s->gs.base;
	case MSR_IA32_SYSENTER_CS:
		return &s->sysenter_cs;
	case MSR_IA32_SYSENTER_ESP:
		return &s->sysenter_esp;
	case MSR_IA32_SYSENTER_EIP:
		return &s->sysenter_eip;
	case MSR_IA32_CR_PAT:
		return &s->g_pat;
	default:
		return NULL;
	}
}

static bool svm_msr_is_address(u32 index)
{
	return index == MSR_LSTAR || index == MSR_CSTAR ||
	       index == MSR_KERNEL_GS_BASE || index == MSR_FS_BASE ||
	       index == MSR_GS_BASE;
}

/*
 * The MSRs a guest has. Everything else, VM_HSAVE_PA, VM_CR, SPEC_CTRL
 * and TSC_AUX included, raises #GP (hvm_handle_rdmsr()).
 */
int svm_get_msr(struct hvm_vcpu *vcpu, u32 index, u64 *data)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u64 *field = svm_msr_field(&svm->vmcb->save, index);

	if (field) {
		*data = *field;
		return 0;
	}
	switch (index) {
	case MSR_EFER:
		*data = svm->vmcb->save.efer & ~EFER_SVME;
		return 0;
	case MSR_IA32_TSC:
		*data = rdtsc() + svm->vmcb->control.tsc_offset;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*data = svm->misc_enable;
		return 0;
	default:
		return 1;
	}
}

int svm_set_msr(struct hvm_vcpu *vcpu, u32 index, u64 data, bool host)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u64 *field = svm_msr_field(&svm->vmcb->save, index);

	if (field) {
		if (svm_msr_is_address(index) && !__is_canonical_address(data, 48))
			return 1;
		if (index == MSR_IA32_CR_PAT && !hvm_pat_valid(data))
			return 1;
		*field = svm_msr_stored(index, data);
		return 0;
	}
	switch (index) {
	case MSR_EFER:
		return svm_set_efer(&svm->vmcb->save, data, host);
	case MSR_IA32_TSC:
		svm->vmcb->control.tsc_offset = data - rdtsc();
		return 0;
	case MSR_IA32_MISC_ENABLE:
		if (!host && data != svm->misc_enable)
			return 1;
		svm->misc_enable = data;
		return 0;
	default:
		return 1;
	}
}
