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
 */
#ifndef HVMOD_ARCH_OPS_H
#define HVMOD_ARCH_OPS_H

struct hvm_vm;
struct hvm_vcpu;

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
};

extern const struct hvm_arch_ops hvm_svm_ops;
extern const struct hvm_arch_ops hvm_vmx_ops;

/* The back end chosen at load; set once, before /dev/hvm exists. */
extern const struct hvm_arch_ops *hvm_ops;

#endif /* HVMOD_ARCH_OPS_H */
