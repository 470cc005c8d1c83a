// SPDX-License-Identifier: GPL-2.0-only
/*
 * VT-x: events between two entries (Intel SDM, order no. 326019-081US,
 * vol. 3C 27.2.4 "Information for VM Exits During Event Delivery",
 * 26.6 "Event Injection"). Three places hold them: the IDT-vectoring
 * information of the last exit (an event it cut short), which goes in
 * again first; the exception queued by hvmod or userspace; and the NMIs
 * waiting (KVM_NMI). The guest's interruptibility state (STI and MOV SS
 * shadows, blocking by NMI) is the VMCS's, kept in vmx->intr_state
 * between entries: with "virtual NMIs" the CPU tracks NMI blocking
 * until IRET itself, unlike AMD-V.
 *
 * A software interrupt (INT n), INT3/INTO or ICEBP cut short goes in
 * again as such, with the instruction length the exit gave (27.2.5),
 * as kvm-intel does.
 */
#include <asm/irq_vectors.h>
#include <uapi/asm/kvm.h>

#include "vmx/vmx.h"

#define VMX_INTR_INFO_KEEP	(INTR_INFO_VECTOR_MASK | \
				 INTR_INFO_INTR_TYPE_MASK | \
				 INTR_INFO_DELIVER_CODE_MASK | \
				 INTR_INFO_VALID_MASK)
#define VMX_SHADOWS		(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)

static bool vmx_type_is_soft(u32 info)
{
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;

	return type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	       type == INTR_TYPE_PRIV_SW_EXCEPTION;
}

void vmx_queue_exception(struct hvm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error)
{
	hvm_exception_queue(&to_vmx(vcpu)->exception, vector, has_error, error);
}

bool vmx_interrupt_allowed(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	return (vcpu->rflags & X86_EFLAGS_IF) &&
	       !(vmx->intr_state & VMX_SHADOWS) &&
	       !(vmx->exit.idt_info & INTR_INFO_VALID_MASK) &&
	       !vmx->exception.pending;
}

/* Called only on the entry path (vmx_inject_events()), VMCS current. */
void vmx_inject_interrupt(struct hvm_vcpu *vcpu, u8 vector)
{
	vmcs_write(to_vmx(vcpu), VM_ENTRY_INTR_INFO_FIELD,
		   vector | INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK);
}

void vmx_set_irq_window(struct hvm_vcpu *vcpu, bool on)
{
	to_vmx(vcpu)->irq_window = on;
}

/* The event the last exit cut short; false if there was none. */
static bool vmx_reinject(struct vmx_vcpu *vmx)
{
	u32 info = vmx->exit.idt_info;

	vmx->exit.idt_info = 0;
	if (!(info & INTR_INFO_VALID_MASK))
		return false;
	if (info & INTR_INFO_DELIVER_CODE_MASK)
		vmcs_write(vmx, VM_ENTRY_EXCEPTION_ERROR_CODE,
			   vmx->exit.idt_error);
	if (vmx_type_is_soft(info))
		vmcs_write(vmx, VM_ENTRY_INSTRUCTION_LEN, vmx->exit.insn_len);
	/* Its delivery starts over: NMIs are not blocked yet (26.3.1.5). */
	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		vmx->intr_state &= ~GUEST_INTR_STATE_NMI;
	vmcs_write(vmx, VM_ENTRY_INTR_INFO_FIELD, info & VMX_INTR_INFO_KEEP);
	return true;
}

static bool vmx_inject_exception(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	struct hvm_queued_exception *e = &vmx->exception;
	bool err;

	if (!e->pending)
		return false;
	/*
	 * Real mode pushes no error code, and VM entry refuses one there
	 * with unrestricted guest (26.2.1.3).
	 */
	err = e->has_error &&
	      (vmcs_read(vmx, CR0_READ_SHADOW) & X86_CR0_PE);
	if (err)
		vmcs_write(vmx, VM_ENTRY_EXCEPTION_ERROR_CODE, e->error);
	vmcs_write(vmx, VM_ENTRY_INTR_INFO_FIELD, e->vector |
		   INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK |
		   (err ? INTR_INFO_DELIVER_CODE_MASK : 0));
	e->pending = false;
	if (!e->reinject)
		hvm_mark_fault(vcpu, e->vector);
	e->reinject = false;
	return true;
}

static bool vmx_inject_nmi(struct vmx_vcpu *vmx)
{
	if (!vmx->nmi_pending ||
	    (vmx->intr_state & (VMX_SHADOWS | GUEST_INTR_STATE_NMI)))
		return false;
	vmx->nmi_pending--;
	vmcs_write(vmx, VM_ENTRY_INTR_INFO_FIELD, NMI_VECTOR |
		   INTR_TYPE_NMI_INTR | INTR_INFO_VALID_MASK);
	return true;
}

/*
 * Events for this entry, most urgent first (as svm_inject_events()),
 * then the window exits: an interrupt or NMI that cannot go in now
 * makes the guest exit as soon as it can (interrupt-window and
 * NMI-window exiting, 25.2).
 */
void vmx_inject_events(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	bool want_irq = vcpu->irq_pending >= 0 ||
			READ_ONCE(vcpu->run->request_interrupt_window) ||
			vmx->irq_window;

	if (!vmx_reinject(vmx) && !vmx_inject_exception(vcpu, vmx) &&
	    !vmx_inject_nmi(vmx) && vcpu->irq_pending >= 0 &&
	    vmx_interrupt_allowed(vcpu)) {
		vmx_inject_interrupt(vcpu, vcpu->irq_pending);
		vcpu->irq_pending = -1;
	}
	vmx_set_exec_ctl(vmx, CPU_BASED_INTR_WINDOW_EXITING, want_irq);
	vmx_set_exec_ctl(vmx, CPU_BASED_NMI_WINDOW_EXITING,
			 vmx->nmi_pending > 0);
}

/*
 * An exit caused by a fault of the guest's IRET (an EPT violation, an
 * intercepted exception) unblocked NMIs that the IRET, run again, must
 * find blocked (27.2.3): block them again.
 */
void vmx_nmi_unblocked_by_iret(struct vmx_vcpu *vmx, bool unblocked)
{
	if (unblocked && !(vmx->exit.idt_info & INTR_INFO_VALID_MASK))
		vmx->intr_state |= GUEST_INTR_STATE_NMI;
}

/* kvm's process_nmi(): besides an NMI being handled, one more waits. */
void vmx_queue_nmi(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u8 limit = vmx->intr_state & GUEST_INTR_STATE_NMI ? 1 : 2;

	vmx->nmi_pending = min_t(u8, vmx->nmi_pending + 1, limit);
}

static void vmx_get_idt_event(const struct vmx_vcpu *vmx,
			      struct hvm_events *ev)
{
	u32 info = vmx->exit.idt_info;

	if (!(info & INTR_INFO_VALID_MASK) || vmx_type_is_soft(info))
		return;
	switch (info & INTR_INFO_INTR_TYPE_MASK) {
	case INTR_TYPE_HARD_EXCEPTION:
		ev->exception = true;
		ev->exception_nr = info & INTR_INFO_VECTOR_MASK;
		ev->has_error = info & INTR_INFO_DELIVER_CODE_MASK;
		ev->error = ev->has_error ? vmx->exit.idt_error : 0;
		break;
	case INTR_TYPE_EXT_INTR:
		ev->interrupt = true;
		ev->interrupt_nr = info & INTR_INFO_VECTOR_MASK;
		break;
	case INTR_TYPE_NMI_INTR:
		ev->nmi = true;
		break;
	}
}

void vmx_get_events(struct hvm_vcpu *vcpu, struct hvm_events *ev)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	memset(ev, 0, sizeof(*ev));
	vmx_get_idt_event(vmx, ev);
	hvm_exception_get_event(&vmx->exception, ev);
	if (vmx->intr_state & GUEST_INTR_STATE_STI)
		ev->shadow |= KVM_X86_SHADOW_INT_STI;
	if (vmx->intr_state & GUEST_INTR_STATE_MOV_SS)
		ev->shadow |= KVM_X86_SHADOW_INT_MOV_SS;
	ev->nmi_pending = vmx->nmi_pending;
	ev->nmi_masked = vmx->intr_state & GUEST_INTR_STATE_NMI;
}

/* As svm_set_events(): the most urgent of exception, NMI, interrupt. */
void vmx_set_events(struct hvm_vcpu *vcpu, const struct hvm_events *ev)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 info = 0;

	hvm_exception_set_event(&vmx->exception, ev);
	if (!ev->exception && ev->nmi)
		info = NMI_VECTOR | INTR_TYPE_NMI_INTR | INTR_INFO_VALID_MASK;
	else if (!ev->exception && ev->interrupt)
		info = ev->interrupt_nr | INTR_TYPE_EXT_INTR |
		       INTR_INFO_VALID_MASK;
	vmx->exit.idt_info = info;
	vmx->exit.idt_error = 0;
	vmx->nmi_pending = min_t(u8, ev->nmi_pending, 2);
	vmx->intr_state &= ~(VMX_SHADOWS | GUEST_INTR_STATE_NMI);
	if (ev->nmi_masked)
		vmx->intr_state |= GUEST_INTR_STATE_NMI;
	/* One kind of shadow at a time (26.3.1.5), MOV SS first, as KVM. */
	if (ev->shadow & KVM_X86_SHADOW_INT_MOV_SS)
		vmx->intr_state |= GUEST_INTR_STATE_MOV_SS;
	else if (ev->shadow & KVM_X86_SHADOW_INT_STI)
		vmx->intr_state |= GUEST_INTR_STATE_STI;
}
