// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_GET/SET_VCPU_EVENTS and KVM_NMI: the exception, NMI and interrupt
 * in delivery, waiting NMIs, NMI masking and the interrupt shadow (the
 * back end holds them: get_events/set_events, queue_nmi). The checks and
 * errno values are KVM 6.1's (kvm_vcpu_ioctl_x86_get/set_vcpu_events(),
 * kvm_vcpu_ioctl_nmi()); hvmod has no SMM, so setting SMM state other
 * than idle is -EINVAL (Documentation/api.rst, "Differences from KVM").
 */
#include <linux/uaccess.h>
#include <asm/irq_vectors.h>

#include "kmod/hvm.h"

/* The flags KVM 6.1 knows; any other bit is -EINVAL. */
#define HVM_EVENTS_FLAGS_KNOWN	(KVM_VCPUEVENT_VALID_NMI_PENDING |	\
				 KVM_VCPUEVENT_VALID_SIPI_VECTOR |	\
				 KVM_VCPUEVENT_VALID_SHADOW |		\
				 KVM_VCPUEVENT_VALID_SMM |		\
				 KVM_VCPUEVENT_VALID_PAYLOAD |		\
				 KVM_VCPUEVENT_VALID_TRIPLE_FAULT)
/*
 * Valid only once a capability enabled them (KVM_CAP_EXCEPTION_PAYLOAD,
 * KVM_CAP_X86_TRIPLE_FAULT_EVENT); hvmod enables neither.
 */
#define HVM_EVENTS_FLAGS_CAP	(KVM_VCPUEVENT_VALID_PAYLOAD |		\
				 KVM_VCPUEVENT_VALID_TRIPLE_FAULT)
/* What GET reports as valid, as KVM does without those capabilities. */
#define HVM_EVENTS_FLAGS_GET	(KVM_VCPUEVENT_VALID_NMI_PENDING |	\
				 KVM_VCPUEVENT_VALID_SHADOW |		\
				 KVM_VCPUEVENT_VALID_SMM)
/* The exception vectors: 0..31. */
#define HVM_NR_EXCEPTIONS	32

/* A fault hvmod raises: it gets RF when it goes in (hvm_mark_fault()). */
void hvm_exception_queue(struct hvm_queued_exception *e, u8 vector,
			 bool has_error, u32 error)
{
	e->pending = true;
	e->reinject = false;
	e->vector = vector;
	e->has_error = has_error;
	e->error = error;
}

/* For get_events: the queued exception, unless one is already in @ev. */
void hvm_exception_get_event(const struct hvm_queued_exception *e,
			     struct hvm_events *ev)
{
	if (ev->exception || !e->pending)
		return;
	ev->exception = true;
	ev->exception_nr = e->vector;
	ev->has_error = e->has_error;
	ev->error = e->has_error ? e->error : 0;
}

/* For set_events: userspace's exception, taken as already injected. */
void hvm_exception_set_event(struct hvm_queued_exception *e,
			     const struct hvm_events *ev)
{
	e->pending = ev->exception;
	e->reinject = ev->exception;
	e->vector = ev->exception_nr;
	e->has_error = ev->has_error;
	e->error = ev->error;
}

static int hvm_vcpu_get_events(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct kvm_vcpu_events events;
	struct hvm_events ev;

	hvm_ops->get_events(vcpu, &ev);
	memset(&events, 0, sizeof(events));
	/*
	 * Without KVM_CAP_EXCEPTION_PAYLOAD, KVM reports a pending
	 * exception as injected: hvmod's queued one is both.
	 */
	events.exception.injected = ev.exception;
	events.exception.nr = ev.exception_nr;
	events.exception.has_error_code = ev.has_error;
	events.exception.error_code = ev.error;
	events.interrupt.injected = ev.interrupt;
	events.interrupt.nr = ev.interrupt_nr;
	events.interrupt.shadow = ev.shadow;
	events.nmi.injected = ev.nmi;
	events.nmi.pending = ev.nmi_pending != 0;
	events.nmi.masked = ev.nmi_masked;
	/* sipi_vector, smi.*: no in-kernel APIC, no SMM: all 0. */
	events.flags = HVM_EVENTS_FLAGS_GET;
	if (copy_to_user(argp, &events, sizeof(events)))
		return -EFAULT;
	return 0;
}

/*
 * No SMM: only its idle state. smi.latched_init needs an in-kernel APIC;
 * KVM ignores it too.
 */
static bool hvm_events_smm_ok(const struct kvm_vcpu_events *e)
{
	return !((e->flags & KVM_VCPUEVENT_VALID_SMM) &&
		 (e->smi.smm || e->smi.pending || e->smi.smm_inside_nmi));
}

/*
 * KVM's checks, all before any state changes (KVM applies some state
 * before it rejects VALID_TRIPLE_FAULT; the errno is the same).
 */
static int hvm_events_check(const struct kvm_vcpu_events *e)
{
	if (e->flags & ~HVM_EVENTS_FLAGS_KNOWN)
		return -EINVAL;
	if (e->flags & HVM_EVENTS_FLAGS_CAP)
		return -EINVAL;
	/* exception.pending counts only with VALID_PAYLOAD: ignored. */
	if (e->exception.injected &&
	    (e->exception.nr >= HVM_NR_EXCEPTIONS ||
	     e->exception.nr == NMI_VECTOR))
		return -EINVAL;
	return hvm_events_smm_ok(e) ? 0 : -EINVAL;
}

static int hvm_vcpu_set_events(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct kvm_vcpu_events e;
	struct hvm_events ev;
	int r;

	if (copy_from_user(&e, argp, sizeof(e)))
		return -EFAULT;
	r = hvm_events_check(&e);
	if (r)
		return r;
	/* Without VALID_SHADOW the shadow stays as it is. */
	hvm_ops->get_events(vcpu, &ev);
	ev.exception = e.exception.injected;
	ev.exception_nr = ev.exception ? e.exception.nr : 0;
	ev.has_error = ev.exception && e.exception.has_error_code;
	ev.error = ev.has_error ? e.exception.error_code : 0;
	/*
	 * A software interrupt (INTn) cut short runs again from its RIP:
	 * KVM never reports one, and hvmod drops one set here.
	 */
	ev.interrupt = e.interrupt.injected && !e.interrupt.soft;
	ev.interrupt_nr = ev.interrupt ? e.interrupt.nr : 0;
	if (e.flags & KVM_VCPUEVENT_VALID_SHADOW)
		ev.shadow = e.interrupt.shadow;
	ev.nmi = e.nmi.injected;
	if (e.flags & KVM_VCPUEVENT_VALID_NMI_PENDING)
		ev.nmi_pending = e.nmi.pending;
	ev.nmi_masked = e.nmi.masked;
	/* sipi_vector: no in-kernel APIC, ignored as by KVM. */
	hvm_ops->set_events(vcpu, &ev);
	return 0;
}

long hvm_vcpu_events_ioctl(struct hvm_vcpu *vcpu, unsigned int ioctl,
			   void __user *argp)
{
	switch (ioctl) {
	case KVM_GET_VCPU_EVENTS:
		return hvm_vcpu_get_events(vcpu, argp);
	case KVM_SET_VCPU_EVENTS:
		return hvm_vcpu_set_events(vcpu, argp);
	default:
		/* KVM_NMI, kvm_vcpu_ioctl_nmi(): no argument, never fails. */
		hvm_ops->queue_nmi(vcpu);
		return 0;
	}
}
