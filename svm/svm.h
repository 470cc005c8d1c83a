/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD-V back end: state shared by its files (svm.c: probe and SVM on/off;
 * svm_vmcb.c: VMCB set-up and architectural state; svm_run.c: the world
 * switch; svm_exit.c: the exit table; svm_events.c: events between
 * entries for KVM_GET/SET_VCPU_EVENTS).
 *
 * Lock legend as in kmod/hvm.h: [V] the vCPU's mutex; [I] only with
 * interrupts off on the CPU that runs the vCPU.
 */
#ifndef HVMOD_SVM_H
#define HVMOD_SVM_H

#include <asm/svm.h>

#include "kmod/hvm.h"
#include "svm/svm_caps.h"

struct svm_vm {
	struct page *pml5;		/* (o) 5-level hosts only, else NULL */
	u64 nested_cr3;			/* (o) for every VMCB of the VM */
};

struct svm_vcpu {
	struct page *vmcb_page;		/* (o) */
	struct vmcb *vmcb;		/* (o) its address */
	u64 vmcb_pa;			/* (o) its physical address */
	int asid_cpu;			/* [I] CPU the ASID is valid on, or -1 */
	u64 asid_gen;			/* [I] that CPU's ASID generation */
	s64 tlb_gen;			/* [I] vm->tlb_gen at the last flush */
	bool flush_tlb;			/* [V] flush the ASID at next entry */
	u32 exitintinfo;		/* [V] event the last exit interrupted */
	u32 exitintinfo_err;		/* [V] its error code */
	struct hvm_queued_exception exception;	/* [V] queued for entry */
	bool irq_window;		/* [V] exit when interrupts can go in */
	u8 nmi_pending;			/* [V] NMIs waiting (KVM_NMI): 0..2 */
	bool nmi_masked;		/* [V] an NMI handler runs: until IRET */
	bool nmi_iret;			/* [V] its IRET was intercepted ... */
	u64 nmi_iret_rip;		/* [V] ... here: unmasked once RIP moves */
	struct hvm_dregs dregs;		/* [V] as the guest sees them */
	u64 misc_enable;		/* [V] IA32_MISC_ENABLE */
};

static inline struct svm_vcpu *to_svm(struct hvm_vcpu *vcpu)
{
	return vcpu->arch;
}

extern struct svm_caps svm_caps;
/* Pages of the I/O and MSR permission maps: all ones, shared, read-only. */
extern u64 svm_iopm_pa, svm_msrpm_pa;

/* svm_vmcb.c */
void svm_vmcb_init(struct hvm_vcpu *vcpu);
void svm_get_sregs(struct hvm_vcpu *vcpu, struct kvm_sregs *sregs);
int svm_set_sregs(struct hvm_vcpu *vcpu, const struct kvm_sregs *sregs);
int svm_get_msr(struct hvm_vcpu *vcpu, u32 index, u64 *data);
int svm_set_msr(struct hvm_vcpu *vcpu, u32 index, u64 data, bool host);
u64 svm_get_cr8(struct hvm_vcpu *vcpu);
void svm_set_cr8(struct hvm_vcpu *vcpu, u64 cr8);
void svm_set_cr4(struct hvm_vcpu *vcpu, u64 cr4);

/* svm_run.c */
int svm_run_init(void);
void svm_run_exit(void);
void svm_run_cpu_enable(void);
int svm_enter_guest(struct hvm_vcpu *vcpu);
void svm_queue_exception(struct hvm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error);
bool svm_interrupt_allowed(struct hvm_vcpu *vcpu);
void svm_inject_interrupt(struct hvm_vcpu *vcpu, u8 vector);
void svm_set_irq_window(struct hvm_vcpu *vcpu, bool on);
void svm_flush_guest_tlb(struct hvm_vcpu *vcpu);

/* svm_events.c */
void svm_get_events(struct hvm_vcpu *vcpu, struct hvm_events *ev);
void svm_set_events(struct hvm_vcpu *vcpu, const struct hvm_events *ev);
void svm_queue_nmi(struct hvm_vcpu *vcpu);
bool svm_inject_nmi(struct svm_vcpu *svm);
void svm_nmi_reinjected(struct svm_vcpu *svm);
void svm_nmi_after_exit(struct hvm_vcpu *vcpu, struct svm_vcpu *svm);
int svm_exit_iret(struct hvm_vcpu *vcpu, struct svm_vcpu *svm);

/* svm_exit.c */
int svm_handle_exit(struct hvm_vcpu *vcpu);
void svm_record_exit(struct hvm_vcpu *vcpu, struct svm_vcpu *svm);

/* svm_entry.S: 0, or -EFAULT if an SVM instruction faulted. */
int svm_world_switch(u64 vmcb_pa, u64 *gprs, u64 host_save_pa);

#endif /* HVMOD_SVM_H */
