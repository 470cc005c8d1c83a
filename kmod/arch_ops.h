/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seam between the arch-neutral core (kmod/) and a back end (svm/,
 * vmx/). One table per back end, chosen once at module load; the core
 * never looks inside a back end's state (vm->arch, vcpu->arch).
 *
 * Calling contexts:
 *   probe, unprobe              module load/unload, process context
 *   virt_on, virt_off           process context, under cpus_read_lock() and
 *                               the core's virtualization lock, before the
 *                               first cpu_enable / after the last
 *                               cpu_disable of one "virtualization on" period
 *   cpu_enable, cpu_disable     on the CPU concerned, interrupts disabled
 *   vm_init .. vcpu_free        process context, no CPU affinity
 *   vcpu_*, get/set_*, inject   process context, vCPU mutex held
 *   vcpu_load                   vCPU mutex held, preemption disabled,
 *                               interrupts enabled: right before each
 *                               enter_guest
 *   enter_guest                 vCPU mutex held, preemption and interrupts
 *                               disabled, virtualization on this CPU
 */
#ifndef HVMOD_ARCH_OPS_H
#define HVMOD_ARCH_OPS_H

#include <linux/types.h>

struct hvm_vm;
struct hvm_vcpu;
struct kvm_sregs;
struct npt_format;

/*
 * Events of a vCPU between two entries, as KVM_GET/SET_VCPU_EVENTS see
 * them. An exception, NMI or external interrupt here is in delivery: the
 * next entry delivers it whatever the guest's IF (one cut short by the
 * last exit, queued by hvmod, or set by userspace). nr and error are 0
 * when nothing is in delivery. NMIs waiting to be delivered are counted
 * apart (at most 2, as KVM's process_nmi() keeps); an NMI handler runs
 * with NMIs masked until its IRET.
 */
struct hvm_events {
	bool exception;
	u8 exception_nr;
	bool has_error;
	u32 error;
	bool interrupt;
	u8 interrupt_nr;
	u8 shadow;		/* KVM_X86_SHADOW_INT_MOV_SS | _STI bits */
	bool nmi;
	u8 nmi_pending;
	bool nmi_masked;
};

/*
 * Vendor-neutral exit reasons (statistics, tracepoints, netlink events).
 * Every hardware exit maps to exactly one; keep hvm_exit_reason_names[]
 * (kmod/stats.c) and HVM_EXIT_REASON_SYMBOLS (kmod/trace.h) in step.
 * This order is ABI: the netlink family and the stats names use it.
 */
enum hvm_exit_reason {
	HVM_EXIT_R_EXTINT,	/* host interrupt, NMI, SMI, INIT */
	HVM_EXIT_R_IRQ_WINDOW,	/* the guest can take an interrupt */
	HVM_EXIT_R_NMI_WINDOW,	/* IRET of an NMI handler (NMI unmasked) */
	HVM_EXIT_R_EXCEPTION,	/* an intercepted exception */
	HVM_EXIT_R_CPUID,
	HVM_EXIT_R_HLT,
	HVM_EXIT_R_IO,		/* IN, OUT, INS, OUTS */
	HVM_EXIT_R_MSR_READ,
	HVM_EXIT_R_MSR_WRITE,
	HVM_EXIT_R_NPF,		/* nested page fault / EPT violation */
	HVM_EXIT_R_CR,		/* control-register access */
	HVM_EXIT_R_DR,		/* debug-register access */
	HVM_EXIT_R_HYPERCALL,	/* VMMCALL / VMCALL */
	HVM_EXIT_R_SHUTDOWN,	/* triple fault */
	HVM_EXIT_R_FAIL_ENTRY,	/* the entry itself failed */
	HVM_EXIT_R_INSN,	/* other intercepted instructions */
	HVM_EXIT_R_OTHER,	/* anything else (unexpected exits) */
	HVM_EXIT_R_NR,
};

/*
 * The last exit, filled by the back end's enter_guest right after the
 * world switch (before handle_exit), read by the core for tracepoints,
 * statistics and netlink events (kmod/trace.h, kmod/stats.c):
 *   reason  enum hvm_exit_reason
 *   code    the raw vendor exit code: the VMCB EXITCODE (AMD-V), the
 *           basic exit reason with its flag bits (VT-x)
 *   info1   EXITINFO1 (AMD-V), the exit qualification (VT-x)
 *   info2   EXITINFO2 (AMD-V), the guest-physical address of an EPT
 *           violation or misconfiguration, else 0 (VT-x)
 * When enter_guest fails (returns -errno), reason is HVM_EXIT_R_FAIL_ENTRY.
 */
struct hvm_last_exit {
	u32 reason;
	u32 code;
	u64 info1;
	u64 info2;
};

/*
 * An exception queued for the next entry, by hvmod (a fault it raises)
 * or by KVM_SET_VCPU_EVENTS; both back ends keep one
 * (kmod/vcpu_events.c has its helpers).
 */
struct hvm_queued_exception {
	bool pending;
	/*
	 * Set by KVM_SET_VCPU_EVENTS: without KVM_CAP_EXCEPTION_PAYLOAD,
	 * KVM takes such an exception as already injected, so it goes in
	 * without the RF a newly raised fault gets.
	 */
	bool reinject;
	bool has_error;
	u8 vector;
	u32 error;
};

struct hvm_arch_ops {
	const char *name;	/* "svm" or "vmx": logs and debugfs */

	/*
	 * Check that this CPU has the extension, that firmware left it
	 * usable and that the features hvmod cannot do without are there.
	 * Logs the features found. 0, or -ENODEV with one pr_err line.
	 */
	int (*probe)(void);
	void (*unprobe)(void);

	/* Per-CPU areas and crash callbacks for one period of use. */
	int (*virt_on)(void);
	void (*virt_off)(void);

	/*
	 * Enter/leave VMX or SVM operation on this CPU. -EBUSY when another
	 * hypervisor already holds the CPU (CR4.VMXE or EFER.SVME set).
	 */
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);

	int (*vm_init)(struct hvm_vm *vm);
	void (*vm_destroy)(struct hvm_vm *vm);
	int (*vcpu_create)(struct hvm_vcpu *vcpu);
	void (*vcpu_free)(struct hvm_vcpu *vcpu);

	/* The nested page-table format (npt/npt_format.h). */
	const struct npt_format *npt_format;

	/*
	 * Optional: make the vCPU's per-CPU hardware state usable on this
	 * CPU (VT-x: the VMCS active and current here, cleared by IPI on
	 * the CPU it was on). May send IPIs, so interrupts are on.
	 */
	void (*vcpu_load)(struct hvm_vcpu *vcpu);
	/*
	 * One world switch: guest registers from vcpu->gpr/rip/rflags in,
	 * and back out at the exit, which the back end records for
	 * handle_exit, and describes in vcpu->last_exit (above). 0, or
	 * -errno if the CPU could not even try.
	 */
	int (*enter_guest)(struct hvm_vcpu *vcpu);
	/*
	 * Handles the exit recorded by enter_guest through the back end's
	 * table indexed by hardware exit reason. Returns > 0 to enter the
	 * guest again, 0 when vcpu->run describes an exit to userspace,
	 * -errno for KVM_RUN to fail with.
	 */
	int (*handle_exit)(struct hvm_vcpu *vcpu);

	/* Architectural state the core reads and writes. */
	void (*get_sregs)(struct hvm_vcpu *vcpu, struct kvm_sregs *sregs);
	int (*set_sregs)(struct hvm_vcpu *vcpu, const struct kvm_sregs *sregs);
	/*
	 * CR4 as a guest write leaves it, after the core's checks
	 * (kmod/cr.c); nothing else of the state changes.
	 */
	void (*set_cr4)(struct hvm_vcpu *vcpu, u64 cr4);
	/*
	 * Drop every translation the vCPU's guest may have cached (its
	 * ASID/VPID, global ones included) before its next entry.
	 */
	void (*flush_guest_tlb)(struct hvm_vcpu *vcpu);
	/* The task-priority register as CR8 (4 bits). */
	u64 (*get_cr8)(struct hvm_vcpu *vcpu);
	void (*set_cr8)(struct hvm_vcpu *vcpu, u64 cr8);
	/* 0, or 1 if the MSR does not exist / the value is refused (#GP). */
	int (*get_msr)(struct hvm_vcpu *vcpu, u32 index, u64 *data);
	int (*set_msr)(struct hvm_vcpu *vcpu, u32 index, u64 data, bool host);
	/* Queues an exception for the next entry. */
	void (*queue_exception)(struct hvm_vcpu *vcpu, u8 vector,
				bool has_error, u32 error);
	/* External interrupts (KVM_INTERRUPT, no in-kernel irqchip). */
	bool (*interrupt_allowed)(struct hvm_vcpu *vcpu);
	void (*inject_interrupt)(struct hvm_vcpu *vcpu, u8 vector);
	/* Exit as soon as the guest can take an interrupt (or not). */
	void (*set_irq_window)(struct hvm_vcpu *vcpu, bool on);
	/*
	 * KVM_GET/SET_VCPU_EVENTS. set_events replaces every event in
	 * delivery; the core has checked @ev (vector < 32 and not NMI).
	 */
	void (*get_events)(struct hvm_vcpu *vcpu, struct hvm_events *ev);
	void (*set_events)(struct hvm_vcpu *vcpu, const struct hvm_events *ev);
	/* KVM_NMI: one more NMI waits for the guest to take it. */
	void (*queue_nmi)(struct hvm_vcpu *vcpu);
};

extern const struct hvm_arch_ops hvm_svm_ops;
extern const struct hvm_arch_ops hvm_vmx_ops;

/* The back end chosen at load; set once, before /dev/hvm exists. */
extern const struct hvm_arch_ops *hvm_ops;

#endif /* HVMOD_ARCH_OPS_H */
