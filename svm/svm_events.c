// SPDX-License-Identifier: GPL-2.0-only
/*
 * AMD-V: the events of a vCPU between two entries, for
 * KVM_GET/SET_VCPU_EVENTS (kmod/vcpu_events.c). Two places hold them:
 * EXITINTINFO, the event the last exit interrupted, which
 * svm_inject_events() re-injects first; and the exception queued for the
 * next entry (svm->exception). The interrupt shadow is the VMCB's
 * INTERRUPT_SHADOW bit (APM vol. 2, rev. 3.42, 15.21.5), one bit for STI
 * and MOV SS alike.
 *
 * NMIs (KVM_NMI) as kvm-amd without vNMI: the VMCB does not keep the
 * guest's NMI blocking, so hvmod keeps it. Injecting an NMI masks NMIs
 * and intercepts IRET; the intercept comes before the IRET runs, so NMIs
 * are unmasked at the first exit after it with RIP elsewhere. An NMI that
 * waits for that (or for an interrupt shadow to end) goes in at the next
 * entry after the next exit of any kind; kvm-amd single-steps the guest
 * to get that exit sooner.
 */
#include <asm/irq_vectors.h>
#include <uapi/asm/kvm.h>

#include "svm/svm.h"

/*
 * #BP and #OF come from INT3 and INTO: cut short, they are not
 * re-injected (the instruction runs again, svm_inject_events()), and
 * KVM does not report them either (kvm_exception_is_soft()).
 */
static bool svm_vector_is_soft(u8 vector)
{
	return vector == BP_VECTOR || vector == OF_VECTOR;
}

/* The event EXITINTINFO holds, if the next entry re-injects it. */
static void svm_get_exitintinfo(const struct svm_vcpu *svm,
				struct hvm_events *ev)
{
	u32 info = svm->exitintinfo;
	u8 vector = info & SVM_EXITINTINFO_VEC_MASK;

	if (!(info & SVM_EXITINTINFO_VALID))
		return;
	switch (info & SVM_EXITINTINFO_TYPE_MASK) {
	case SVM_EXITINTINFO_TYPE_EXEPT:
		if (svm_vector_is_soft(vector))
			break;
		ev->exception = true;
		ev->exception_nr = vector;
		ev->has_error = info & SVM_EXITINTINFO_VALID_ERR;
		ev->error = ev->has_error ? svm->exitintinfo_err : 0;
		break;
	case SVM_EXITINTINFO_TYPE_INTR:
		ev->interrupt = true;
		ev->interrupt_nr = vector;
		break;
	case SVM_EXITINTINFO_TYPE_NMI:
		ev->nmi = true;
		break;
	}
}

static void svm_set_iret_intercept(struct svm_vcpu *svm, bool on)
{
	u32 *word = &svm->vmcb->control.intercepts[INTERCEPT_IRET / 32];
	u32 bit = BIT(INTERCEPT_IRET % 32);

	if (on)
		*word |= bit;
	else
		*word &= ~bit;
}

/* kvm-amd's svm_set_nmi_mask(): masked until the handler's IRET. */
static void svm_set_nmi_mask(struct svm_vcpu *svm, bool masked)
{
	svm->nmi_masked = masked;
	svm->nmi_iret = false;
	svm_set_iret_intercept(svm, masked);
}

static bool svm_nmi_in_delivery(const struct svm_vcpu *svm)
{
	return (svm->exitintinfo & SVM_EXITINTINFO_VALID) &&
	       (svm->exitintinfo & SVM_EXITINTINFO_TYPE_MASK) ==
	       SVM_EXITINTINFO_TYPE_NMI;
}

/*
 * KVM's process_nmi(): besides an NMI being handled (or in delivery),
 * one more can wait; with none being handled, two.
 */
void svm_queue_nmi(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u8 limit = svm->nmi_masked || svm_nmi_in_delivery(svm) ? 1 : 2;

	svm->nmi_pending = min_t(u8, svm->nmi_pending + 1, limit);
}

/* An NMI cut short by an exit goes in again: its handler will run. */
void svm_nmi_reinjected(struct svm_vcpu *svm)
{
	svm_set_nmi_mask(svm, true);
}

/* Called by svm_inject_events() when nothing more urgent goes in. */
bool svm_inject_nmi(struct svm_vcpu *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;

	if (!svm->nmi_pending || svm->nmi_masked ||
	    (c->int_state & SVM_INTERRUPT_SHADOW_MASK))
		return false;
	svm->nmi_pending--;
	c->event_inj = NMI_VECTOR | SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI;
	svm_set_nmi_mask(svm, true);
	return true;
}

/* IRET while NMIs are masked: it has not run yet (see the top). */
int svm_exit_iret(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	svm_set_iret_intercept(svm, false);
	svm->nmi_iret = true;
	svm->nmi_iret_rip = vcpu->rip;
	return 1;
}

/* After every exit: once the IRET has run, NMIs are unmasked. */
void svm_nmi_after_exit(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	if (svm->nmi_iret && vcpu->rip != svm->nmi_iret_rip) {
		svm->nmi_masked = false;
		svm->nmi_iret = false;
	}
}

void svm_get_events(struct hvm_vcpu *vcpu, struct hvm_events *ev)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	memset(ev, 0, sizeof(*ev));
	svm_get_exitintinfo(svm, ev);
	hvm_exception_get_event(&svm->exception, ev);
	/* As kvm-amd: the one bit reads as both kinds of shadow. */
	if (svm->vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK)
		ev->shadow = KVM_X86_SHADOW_INT_MOV_SS | KVM_X86_SHADOW_INT_STI;
	ev->nmi_pending = svm->nmi_pending;
	ev->nmi_masked = svm->nmi_masked;
}

/*
 * An exception goes to the queue, which injects it as an exception
 * whatever its vector (EXITINTINFO would drop a #BP). An NMI or an
 * interrupt goes to EXITINTINFO as if an exit had cut its delivery
 * short: injected at the next entry, IF or not, as KVM injects
 * nmi.injected and interrupt.injected. Only the most urgent of the three
 * is kept (exception, NMI, interrupt), as in KVM, whose next entry
 * injects that one and then clears the others.
 */
static u32 svm_intinfo_from_user(const struct hvm_events *ev)
{
	if (ev->exception)
		return 0;
	if (ev->nmi)
		return NMI_VECTOR | SVM_EXITINTINFO_VALID |
		       SVM_EXITINTINFO_TYPE_NMI;
	if (ev->interrupt)
		return ev->interrupt_nr | SVM_EXITINTINFO_VALID |
		       SVM_EXITINTINFO_TYPE_INTR;
	return 0;
}

void svm_set_events(struct hvm_vcpu *vcpu, const struct hvm_events *ev)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;

	svm->exitintinfo = 0;
	svm->exitintinfo_err = 0;
	hvm_exception_set_event(&svm->exception, ev);
	svm->exitintinfo = svm_intinfo_from_user(ev);
	/* KVM keeps what process_nmi() would: at most 2 waiting. */
	svm->nmi_pending = min_t(u8, ev->nmi_pending, 2);
	svm_set_nmi_mask(svm, ev->nmi_masked);
	if (ev->shadow)
		c->int_state |= SVM_INTERRUPT_SHADOW_MASK;
	else
		c->int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}
