// SPDX-License-Identifier: GPL-2.0-only
/*
 * AMD-V: the events of a vCPU between two entries, for
 * KVM_GET/SET_VCPU_EVENTS (kmod/vcpu_events.c). Two places hold them:
 * EXITINTINFO, the event the last exit interrupted, which
 * svm_inject_events() re-injects first; and the exception queued for the
 * next entry (svm->exception). The interrupt shadow is the VMCB's
 * INTERRUPT_SHADOW bit (APM vol. 2, rev. 3.42, 15.21.5), one bit for STI
 * and MOV SS alike.
 */
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
	}
}

void svm_get_events(struct hvm_vcpu *vcpu, struct hvm_events *ev)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	const struct svm_pending_exception *e = &svm->exception;

	memset(ev, 0, sizeof(*ev));
	svm_get_exitintinfo(svm, ev);
	if (!ev->exception && e->pending) {
		ev->exception = true;
		ev->exception_nr = e->vector;
		ev->has_error = e->has_error;
		ev->error = e->has_error ? e->error : 0;
	}
	/* As kvm-amd: the one bit reads as both kinds of shadow. */
	if (svm->vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK)
		ev->shadow = KVM_X86_SHADOW_INT_MOV_SS | KVM_X86_SHADOW_INT_STI;
}

/*
 * An exception goes to the queue, which injects it as an exception
 * whatever its vector (EXITINTINFO would drop a #BP). An interrupt goes
 * to EXITINTINFO as if an exit had cut its delivery short: injected at
 * the next entry, IF or not, as KVM injects interrupt.injected. With
 * both, the exception wins and the interrupt is lost, as in KVM, whose
 * next entry injects the exception and then clears its interrupt queue.
 */
void svm_set_events(struct hvm_vcpu *vcpu, const struct hvm_events *ev)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct svm_pending_exception *e = &svm->exception;
	struct vmcb_control_area *c = &svm->vmcb->control;

	svm->exitintinfo = 0;
	svm->exitintinfo_err = 0;
	e->pending = ev->exception;
	e->vector = ev->exception_nr;
	e->has_error = ev->has_error;
	e->error = ev->error;
	if (ev->interrupt && !ev->exception)
		svm->exitintinfo = ev->interrupt_nr | SVM_EXITINTINFO_VALID |
				   SVM_EXITINTINFO_TYPE_INTR;
	if (ev->shadow)
		c->int_state |= SVM_INTERRUPT_SHADOW_MASK;
	else
		c->int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}
