/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VT-x back end: state shared by its files (vmx.c: probe, VMX on/off,
 * VM and vCPU objects; vmx_vmcs.c: which VMCS is loaded where, and the
 * VMCS's controls and RESET state; vmx_state.c: architectural state the
 * core reads and writes; vmx_run.c: the world switch around
 * vmx_entry.S; vmx_exit.c: the exit table; vmx_events.c: events
 * between entries). Section numbers: Intel SDM, order no. 326019-081US.
 *
 * Lock legend as in kmod/hvm.h: [V] the vCPU's mutex; [I] changed only
 * with interrupts off on the CPU in @cpu (or by an IPI run there).
 */
#ifndef HVMOD_VMX_H
#define HVMOD_VMX_H

#include <linux/list.h>
#include <linux/types.h>
#include <asm/vmx.h>

#include "kmod/hvm.h"
#include "vmx/vmx_caps.h"

/* INVEPT and INVVPID types (31.3). */
#define VMX_INV_SINGLE		1
#define VMX_INV_ALL		2
/* Exit reason recorded for a VMLAUNCH/VMRESUME that failed (VMfail). */
#define VMX_EXIT_VMFAIL		0xffffffffU

/* The fields an exit leaves for its handler (read right after it). */
struct vmx_exit_info {
	u32 reason;		/* VM_EXIT_REASON, whole */
	u64 qual;		/* EXIT_QUALIFICATION */
	u32 intr_info;		/* VM_EXIT_INTR_INFO */
	u32 intr_error;		/* VM_EXIT_INTR_ERROR_CODE */
	u32 idt_info;		/* IDT_VECTORING_INFO_FIELD */
	u32 idt_error;		/* IDT_VECTORING_ERROR_CODE */
	u32 insn_len;		/* VM_EXIT_INSTRUCTION_LEN */
	u64 gpa;		/* GUEST_PHYSICAL_ADDRESS (EPT exits) */
};

/* The guest MSRs VM entry does not load: switched around it (vmx_run.c). */
struct vmx_syscall_msrs {
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
};

struct vmx_vm {
	u64 eptp;			/* (o) EPT pointer for every VMCS */
};

struct vmx_vcpu {
	struct page *vmcs;		/* (o) */
	u64 vmcs_pa;			/* (o) its physical address */
	u16 vpid;			/* (o) 0: none (flushed at every entry) */
	/*
	 * Where the VMCS is active (SDM 24.1): a CPU number, or -1 when it
	 * is clear. Only that CPU VMCLEARs it (itself, or in an IPI).
	 */
	int cpu;			/* [I] */
	bool launched;			/* [I] VMLAUNCH done since VMCLEAR */
	struct list_head loaded_link;	/* [I] on that CPU's list */
	bool broken;			/* [V] a VMX instruction failed */
	bool flush_tlb;			/* [V] INVVPID before the next entry */
	bool flush_ept;			/* [V] INVEPT before the next entry */
	s64 tlb_gen;			/* [V] vm->tlb_gen at the last flush */
	struct vmx_exit_info exit;	/* [V] of the last exit */
	u32 intr_state;			/* [V] GUEST_INTERRUPTIBILITY_INFO */
	struct hvm_queued_exception exception;	/* [V] */
	bool irq_window;		/* [V] interrupt-window exiting on */
	u8 nmi_pending;			/* [V] NMIs waiting (KVM_NMI): 0..2 */
	u64 efer;			/* [V] guest EFER as it sees it */
	u64 cr8;			/* [V] the guest's TPR (4 bits) */
	u64 cr2;			/* [V] in the CPU only while it runs */
	struct hvm_dregs dregs;		/* [V] as the guest sees them */
	u64 misc_enable;		/* [V] IA32_MISC_ENABLE */
	struct vmx_syscall_msrs msrs;	/* [V] guest values */
	u32 entry_ctls;			/* [V] VM_ENTRY_CONTROLS as written */
	u32 exec_ctls;			/* [V] CPU_BASED_VM_EXEC_CONTROL */
	u64 host_cr3, host_cr4;		/* [I] as last written to the VMCS */
};

static inline struct vmx_vcpu *to_vmx(struct hvm_vcpu *vcpu)
{
	return vcpu->arch;
}

/* The controls every VMCS gets, computed once at probe (vmx_vmcs.c). */
struct vmx_controls {
	u32 pin, exec, exec2, exit, entry;
};

extern struct vmx_caps vmx_caps;
extern struct vmx_controls vmx_ctls;
extern u64 vmx_msr_bitmap_pa;

/* vmx_insn.S: 0, -EIO (VMfail) or -EFAULT (fault, e.g. VMX is off). */
int vmx_insn_vmxon(const u64 *region_pa);
int vmx_insn_vmclear(const u64 *vmcs_pa);
int vmx_insn_vmptrld(const u64 *vmcs_pa);
int vmx_insn_vmread(u64 field, u64 *value);
int vmx_insn_vmwrite(u64 field, u64 value);
int vmx_insn_invept(u64 type, const u64 *desc);
int vmx_insn_invvpid(u64 type, const u64 *desc);

/* vmx_entry.S */
int vmx_world_switch(u64 *gprs, bool launched);
void vmx_host_nmi(void);
extern const u8 vmx_vmexit[];

/* vmx_emergency.c: VMXOFF on crash/emergency reboot. */
int vmx_emergency_init(void);
void vmx_emergency_exit(void);
void vmx_emergency_claim(void);
void vmx_emergency_release(void);

/* vmx_vmcs.c */
int vmx_controls_init(const struct vmx_cap_msrs *msrs);
int vmx_vmcs_setup(struct hvm_vcpu *vcpu);
void vmx_get(struct vmx_vcpu *vmx);
void vmx_put(void);
u64 vmcs_read(struct vmx_vcpu *vmx, u32 field);
void vmcs_write(struct vmx_vcpu *vmx, u32 field, u64 value);
void vmx_vmcs_clear(struct vmx_vcpu *vmx);
void vmx_vmcs_clear_local(void *vmx);
void vmx_vmcs_clear_cpu(void);
void vmx_loaded_init(void);
void vmx_vcpu_load(struct hvm_vcpu *vcpu);

/* vmx_state.c */
void vmx_get_sregs(struct hvm_vcpu *vcpu, struct kvm_sregs *sregs);
int vmx_set_sregs(struct hvm_vcpu *vcpu, const struct kvm_sregs *sregs);
void vmx_set_cr4(struct hvm_vcpu *vcpu, u64 cr4);
int vmx_set_cr0(struct hvm_vcpu *vcpu, u64 cr0);
u64 vmx_get_cr0(struct hvm_vcpu *vcpu);
u64 vmx_get_cr8(struct hvm_vcpu *vcpu);
void vmx_set_cr8(struct hvm_vcpu *vcpu, u64 cr8);
int vmx_get_msr(struct hvm_vcpu *vcpu, u32 index, u64 *data);
int vmx_set_msr(struct hvm_vcpu *vcpu, u32 index, u64 data, bool host);
bool vmx_long_mode_code(struct hvm_vcpu *vcpu);

/* vmx_run.c */
int vmx_enter_guest(struct hvm_vcpu *vcpu);
void vmx_flush_guest_tlb(struct hvm_vcpu *vcpu);
int vmx_invept(u64 eptp);
void vmx_set_exec_ctl(struct vmx_vcpu *vmx, u32 bit, bool on);
void vmx_host_msrs_init(void);

/* vmx_events.c */
void vmx_queue_exception(struct hvm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error);
bool vmx_interrupt_allowed(struct hvm_vcpu *vcpu);
void vmx_inject_interrupt(struct hvm_vcpu *vcpu, u8 vector);
void vmx_set_irq_window(struct hvm_vcpu *vcpu, bool on);
void vmx_inject_events(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx);
void vmx_get_events(struct hvm_vcpu *vcpu, struct hvm_events *ev);
void vmx_set_events(struct hvm_vcpu *vcpu, const struct hvm_events *ev);
void vmx_queue_nmi(struct hvm_vcpu *vcpu);
void vmx_nmi_unblocked_by_iret(struct vmx_vcpu *vmx, bool unblocked);

/* vmx_exit.c */
int vmx_handle_exit(struct hvm_vcpu *vcpu);
void vmx_record_exit(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx);

#endif /* HVMOD_VMX_H */
