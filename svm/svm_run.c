// SPDX-License-Identifier: GPL-2.0-only
/*
 * One AMD-V world switch (svm_enter_guest()): ASID and TLB control, event
 * injection, GIF, the host state VMRUN does not keep, and the record of
 * the event an exit interrupted.
 *
 * ASIDs (APM vol. 2, rev. 3.42, 15.16): each CPU hands out 1..max in
 * order within a generation. A vCPU keeps its ASID while it stays on one
 * CPU in one generation; on any other CPU it takes a new one, so TLB
 * entries it left behind elsewhere are never used again. When a CPU runs
 * out, its generation moves on and the next VMRUN flushes every ASID.
 * Removing a nested translation bumps vm->tlb_gen; a vCPU that sees a
 * new value flushes before entry (kmod/mmu.c kicks the running ones).
 * A guest CR4 write that changes paging sets flush_tlb: the same flush.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hw_breakpoint.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <asm/debugreg.h>

#include "svm/svm.h"

struct svm_cpu_asids {
	u64 gen;
	u32 next;
};

static DEFINE_PER_CPU(struct svm_cpu_asids, svm_asids);
/* Host FS/GS/TR/LDTR and syscall MSRs while a guest runs (VMSAVE). */
static DEFINE_PER_CPU(struct page *, svm_host_save);

int svm_run_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		per_cpu(svm_host_save, cpu) = hvm_page_alloc();
		if (!per_cpu(svm_host_save, cpu)) {
			svm_run_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

void svm_run_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		hvm_page_free(per_cpu(svm_host_save, cpu));
		per_cpu(svm_host_save, cpu) = NULL;
	}
}

/*
 * SVM was (re)enabled on this CPU: another hypervisor may have used any
 * ASID meanwhile. A new generation with no ASID left makes the first
 * VMRUN take a fresh one and flush them all.
 */
void svm_run_cpu_enable(void)
{
	struct svm_cpu_asids *a = this_cpu_ptr(&svm_asids);

	a->gen++;
	a->next = svm_caps.nr_asids;
}

static void svm_pick_asid(struct svm_vcpu *svm, int cpu)
{
	struct svm_cpu_asids *a = this_cpu_ptr(&svm_asids);
	struct vmcb_control_area *c = &svm->vmcb->control;

	if (svm->asid_cpu == cpu && svm->asid_gen == a->gen)
		return;
	if (a->next >= svm_caps.nr_asids || a->next == 0) {
		a->gen++;
		a->next = 1;
		c->tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	}
	c->asid = a->next++;
	svm->asid_cpu = cpu;
	svm->asid_gen = a->gen;
}

static void svm_pick_tlb_control(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	s64 gen = atomic64_read(&vcpu->vm->tlb_gen);

	if (svm->tlb_gen != gen || svm->flush_tlb) {
		svm->tlb_gen = gen;
		svm->flush_tlb = false;
		if (c->tlb_ctl == TLB_CONTROL_DO_NOTHING)
			c->tlb_ctl = svm_caps.flush_by_asid ?
				     TLB_CONTROL_FLUSH_ASID :
				     TLB_CONTROL_FLUSH_ALL_ASID;
	}
	if (hvm_force_flush)
		c->tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
}

/*
 * The guest changed how it translates (kmod/cr.c): its ASID's entries,
 * global ones included, go at the next VMRUN (redundant, and harmless,
 * when that entry takes a new ASID).
 */
void svm_flush_guest_tlb(struct hvm_vcpu *vcpu)
{
	to_svm(vcpu)->flush_tlb = true;
}

void svm_queue_exception(struct hvm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error)
{
	hvm_exception_queue(&to_svm(vcpu)->exception, vector, has_error, error);
}

bool svm_interrupt_allowed(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	return (vcpu->rflags & X86_EFLAGS_IF) &&
	       !(svm->vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK) &&
	       !(svm->vmcb->control.event_inj & SVM_EVTINJ_VALID) &&
	       !(svm->exitintinfo & SVM_EXITINTINFO_VALID) &&
	       !svm->exception.pending;
}

void svm_inject_interrupt(struct hvm_vcpu *vcpu, u8 vector)
{
	to_svm(vcpu)->vmcb->control.event_inj = vector | SVM_EVTINJ_VALID |
						 SVM_EVTINJ_TYPE_INTR;
}

/*
 * A virtual interrupt request (V_IRQ, priority 15, TPR ignored) that the
 * guest never receives: the VINTR intercept fires first, as soon as the
 * guest can take an interrupt (APM 15.21.4), as KVM's svm_set_vintr().
 */
void svm_set_irq_window(struct hvm_vcpu *vcpu, bool on)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;
	u32 *word = &c->intercepts[INTERCEPT_VINTR / 32];
	u32 bit = BIT(INTERCEPT_VINTR % 32);

	svm->irq_window = on;
	c->int_ctl &= ~V_IRQ_INJECTION_BITS_MASK;
	if (on) {
		c->int_ctl |= V_IRQ_MASK | V_IGN_TPR_MASK |
			      (0xf << V_INTR_PRIO_SHIFT);
		*word |= bit;
	} else {
		*word &= ~bit;
	}
}

/*
 * Events for this entry, most urgent first: the event the last exit
 * interrupted, a queued exception, an NMI (KVM_NMI) if NMIs are not
 * masked, then a KVM_INTERRUPT vector if the guest can take it. A
 * software interrupt (INTn, INT3, INTO) cut short is not re-injected:
 * its RIP still points at the instruction, which runs again (without
 * NRIP-save there is no next RIP to inject with).
 */
static void svm_inject_events(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	u32 info = svm->exitintinfo, type = info & SVM_EXITINTINFO_TYPE_MASK;
	struct hvm_queued_exception *e = &svm->exception;

	svm->exitintinfo = 0;
	if ((info & SVM_EXITINTINFO_VALID) && type != SVM_EXITINTINFO_TYPE_SOFT &&
	    !(type == SVM_EXITINTINFO_TYPE_EXEPT &&
	      ((info & SVM_EXITINTINFO_VEC_MASK) == BP_VECTOR ||
	       (info & SVM_EXITINTINFO_VEC_MASK) == OF_VECTOR))) {
		c->event_inj = info;
		c->event_inj_err = svm->exitintinfo_err;
		if (type == SVM_EXITINTINFO_TYPE_NMI)
			svm_nmi_reinjected(svm);
		return;
	}
	if (e->pending) {
		/*
		 * Real-mode exceptions push no error code, and neither does
		 * KVM's kvm_inject_exception() there: drop one that came
		 * with the vector (e.g. from KVM_SET_VCPU_EVENTS).
		 */
		bool err = e->has_error && (svm->vmcb->save.cr0 & X86_CR0_PE);

		c->event_inj = e->vector | SVM_EVTINJ_VALID |
			       SVM_EVTINJ_TYPE_EXEPT |
			       (err ? SVM_EVTINJ_VALID_ERR : 0);
		c->event_inj_err = e->error;
		e->pending = false;
		if (!e->reinject)
			hvm_mark_fault(vcpu, e->vector);
		e->reinject = false;
		return;
	}
	if (svm_inject_nmi(svm))
		return;
	if (vcpu->irq_pending >= 0 && svm_interrupt_allowed(vcpu)) {
		svm_inject_interrupt(vcpu, vcpu->irq_pending);
		vcpu->irq_pending = -1;
	}
}

static void svm_clgi(void)
{
	asm volatile("clgi" ::: "memory");
}

static void svm_stgi(void)
{
	asm volatile("stgi" ::: "memory");
}

/*
 * Interrupts are off (kmod/run.c). With GIF clear as well, no NMI can
 * arrive between the VMLOAD of the guest's segment state and the VMLOAD
 * of the host's; a host NMI or interrupt that made the guest exit is
 * taken at STGI (NMI) or when run.c enables interrupts.
 */
int svm_enter_guest(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	bool guest_pke;
	u32 host_pkru;
	int r;

	svm_pick_asid(svm, smp_processor_id());
	svm_pick_tlb_control(vcpu, svm);
	svm_inject_events(vcpu, svm);
	svm_set_irq_window(vcpu, vcpu->irq_pending >= 0 ||
			   READ_ONCE(vcpu->run->request_interrupt_window));
	vmcb->save.rax = vcpu->gpr[HVM_RAX];
	vmcb->save.rsp = vcpu->gpr[HVM_RSP];
	vmcb->save.rip = vcpu->rip;
	vmcb->save.rflags = vcpu->rflags;
	/* The guest's DR7 stays virtual: no breakpoint on host addresses. */
	vmcb->save.dr7 = HVM_DR7_RESET;
	/* No VMCB clean bits: every field is reloaded on every VMRUN. */
	vmcb->control.clean = 0;

	/* CR4 writes exit (kmod/cr.c): PKE cannot change in the guest. */
	guest_pke = vmcb->save.cr4 & X86_CR4_PKE;
	host_pkru = hvm_pkru_enter(vcpu, guest_pke);
	svm_clgi();
	r = svm_world_switch(svm->vmcb_pa, vcpu->gpr,
			     page_to_phys(this_cpu_read(svm_host_save)));
	svm_stgi();
	hvm_pkru_exit(vcpu, host_pkru, guest_pke);

	/* #VMEXIT leaves DR7 disabled; hardware breakpoints come back. */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	vcpu->gpr[HVM_RAX] = vmcb->save.rax;
	vcpu->gpr[HVM_RSP] = vmcb->save.rsp;
	vcpu->rip = vmcb->save.rip;
	vcpu->rflags = vmcb->save.rflags;
	svm_nmi_after_exit(vcpu, svm);
	vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
	vmcb->control.event_inj = 0;
	svm->exitintinfo = vmcb->control.exit_int_info;
	svm->exitintinfo_err = vmcb->control.exit_int_info_err;
	svm_record_exit(vcpu, svm);
	return r;
}
