// SPDX-License-Identifier: GPL-2.0-only
/*
 * Turning VMX/SVM operation on and off.
 *
 * hvmod holds the CPUs only while at least one of its VMs exists, like KVM
 * 6.1 does: the first VM turns virtualization on, on every online CPU, and
 * the last one turns it off. So kvm-amd/kvm-intel can run their VMs in the
 * same boot between hvmod's, and a CPU already in VMX/SVM operation (the
 * back end sees CR4.VMXE or EFER.SVME set) means another hypervisor holds
 * it: VM creation fails with -EBUSY and nothing is left half-enabled.
 *
 * Also keeps that state right across CPU hotplug, reboot and
 * suspend/resume. Crash/kexec is the back end's business (virt_on/off):
 * the kernel's emergency path already turns SVM off by itself, and VMX
 * needs a registered callback.
 *
 * Lock order: cpus_read_lock() (or the hotplug writer), then hvm_virt_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/syscore_ops.h>

#include "kmod/hvm.h"

static DEFINE_MUTEX(hvm_virt_lock);
/* Live VMs; virtualization is on while non-zero. [hvm_virt_lock] */
static unsigned int hvm_virt_users;
/* Set by the reboot notifier: no VM may turn virtualization on again. */
static bool hvm_rebooting;
/* This CPU is in VMX/SVM operation on hvmod's behalf. */
static DEFINE_PER_CPU(bool, hvm_cpu_enabled);
static enum cpuhp_state hvm_cpuhp_state;

struct hvm_enable_result {
	atomic_t failed;
	int first_error;
	int first_cpu;
};

/* Runs on one CPU with interrupts off. */
static int hvm_cpu_enable_local(void)
{
	int r;

	if (this_cpu_read(hvm_cpu_enabled))
		return 0;
	r = hvm_ops->cpu_enable();
	if (!r)
		this_cpu_write(hvm_cpu_enabled, true);
	return r;
}

static void hvm_cpu_disable_local(void)
{
	if (!this_cpu_read(hvm_cpu_enabled))
		return;
	hvm_ops->cpu_disable();
	this_cpu_write(hvm_cpu_enabled, false);
}

static void hvm_cpu_enable_ipi(void *data)
{
	struct hvm_enable_result *res = data;
	int r = hvm_cpu_enable_local();

	if (r && atomic_inc_return(&res->failed) == 1) {
		res->first_error = r;
		res->first_cpu = smp_processor_id();
	}
}

static void hvm_cpu_disable_ipi(void *unused)
{
	hvm_cpu_disable_local();
}

/* All online CPUs, or none: a failure on one CPU rolls every CPU back. */
static int hvm_enable_all(void)
{
	struct hvm_enable_result res = { .failed = ATOMIC_INIT(0) };
	int r;

	r = hvm_ops->virt_on();
	if (r)
		return r;
	on_each_cpu(hvm_cpu_enable_ipi, &res, 1);
	if (!atomic_read(&res.failed))
		return 0;

	on_each_cpu(hvm_cpu_disable_ipi, NULL, 1);
	hvm_ops->virt_off();
	/* Whatever the cause, KVM_CREATE_VM fails with -EBUSY, as in KVM. */
	if (res.first_error == -EBUSY)
		pr_warn_ratelimited("CPU %d is already in %s operation (another hypervisor, e.g. kvm, has a VM): VM creation refused\n",
				    res.first_cpu, hvm_ops->name);
	else
		pr_err_ratelimited("cannot enable %s on CPU %d: %d\n",
				   hvm_ops->name, res.first_cpu,
				   res.first_error);
	return -EBUSY;
}

static void hvm_disable_all(void)
{
	on_each_cpu(hvm_cpu_disable_ipi, NULL, 1);
	hvm_ops->virt_off();
}

/* Called for every new VM: the first one turns virtualization on. */
int hvm_virt_get(void)
{
	int r = 0;

	cpus_read_lock();
	mutex_lock(&hvm_virt_lock);
	if (hvm_rebooting)
		r = -EBUSY;
	else if (hvm_virt_users == 0)
		r = hvm_enable_all();
	if (!r)
		hvm_virt_users++;
	mutex_unlock(&hvm_virt_lock);
	cpus_read_unlock();
	return r;
}

/* Called when a VM is destroyed: the last one turns virtualization off. */
void hvm_virt_put(void)
{
	cpus_read_lock();
	mutex_lock(&hvm_virt_lock);
	if (!WARN_ON_ONCE(hvm_virt_users == 0) && --hvm_virt_users == 0)
		hvm_disable_all();
	mutex_unlock(&hvm_virt_lock);
	cpus_read_unlock();
}

/*
 * CPU hotplug: runs in the hotplug thread bound to @cpu, with the hotplug
 * lock held for writing, so hvm_virt_users cannot change under us without
 * hvm_virt_lock either; it is taken for lockdep's sake and clarity.
 */
static int hvm_cpu_online(unsigned int cpu)
{
	unsigned long flags;
	int r = 0;

	mutex_lock(&hvm_virt_lock);
	if (hvm_virt_users && !hvm_rebooting) {
		local_irq_save(flags);
		r = hvm_cpu_enable_local();
		local_irq_restore(flags);
	}
	mutex_unlock(&hvm_virt_lock);
	if (r)
		pr_err("cannot enable %s on new CPU %u: %d\n",
		       hvm_ops->name, cpu, r);
	return r;
}

static int hvm_cpu_offline(unsigned int cpu)
{
	unsigned long flags;

	mutex_lock(&hvm_virt_lock);
	local_irq_save(flags);
	hvm_cpu_disable_local();
	local_irq_restore(flags);
	mutex_unlock(&hvm_virt_lock);
	return 0;
}

/*
 * Reboot, halt, power-off: leave no CPU in VMX/SVM operation (VMX blocks
 * INIT, which a warm reboot needs). VMs may still exist: their processes
 * are being killed; new ones are refused from now on.
 */
static int hvm_reboot_notify(struct notifier_block *nb, unsigned long code,
			     void *unused)
{
	mutex_lock(&hvm_virt_lock);
	hvm_rebooting = true;
	mutex_unlock(&hvm_virt_lock);
	on_each_cpu(hvm_cpu_disable_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block hvm_reboot_nb = {
	.notifier_call = hvm_reboot_notify,
};

/*
 * Suspend/resume: syscore ops run on the one CPU left online, with
 * interrupts off, so no lock can be taken; the other CPUs went through
 * the hotplug callbacks already.
 */
static int hvm_syscore_suspend(void)
{
	hvm_cpu_disable_local();
	return 0;
}

static void hvm_syscore_resume(void)
{
	if (READ_ONCE(hvm_virt_users) && hvm_cpu_enable_local())
		pr_err("cannot re-enable %s on CPU %d after resume\n",
		       hvm_ops->name, smp_processor_id());
}

static struct syscore_ops hvm_syscore_ops = {
	.suspend = hvm_syscore_suspend,
	.resume = hvm_syscore_resume,
};

int hvm_virt_init(void)
{
	int r;

	r = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "hvmod:online",
			      hvm_cpu_online, hvm_cpu_offline);
	if (r < 0)
		return r;
	hvm_cpuhp_state = r;
	register_reboot_notifier(&hvm_reboot_nb);
	register_syscore_ops(&hvm_syscore_ops);
	return 0;
}

/* Only reached with no VM alive: every fd holds a module reference. */
void hvm_virt_exit(void)
{
	unregister_syscore_ops(&hvm_syscore_ops);
	unregister_reboot_notifier(&hvm_reboot_nb);
	cpuhp_remove_state(hvm_cpuhp_state);
}
