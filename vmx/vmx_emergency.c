// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMXOFF on the kernel's emergency paths (crash/kexec, emergency reboot).
 *
 * A CPU left in VMX operation blocks INIT, so a crash kernel or a reboot
 * would hang. The kernel calls one registered callback on every CPU on
 * those paths (cpu_emergency_register_virt_callback(), 6.1's reboot.c).
 * It has a single slot, and kvm-intel occupies it from load to unload;
 * registering a second time WARNs. kvm-intel's callback VMXOFFs any CPU
 * whose CR4.VMXE is set, which covers hvmod's CPUs too, so hvmod only
 * takes the slot while it holds VMX and kvm-intel is not loaded:
 *
 *   - when hvmod turns VMX on (claim), it registers unless kvm_intel is
 *     loaded (seen by the module notifier, or present in sysfs);
 *   - kvm_intel COMING (before its init runs): hvmod unregisters first;
 *   - kvm_intel GOING (after its exit unregistered): hvmod registers again
 *     if it still holds VMX.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <asm/reboot.h>
#include <asm/virtext.h>

#include "vmx/vmx.h"

static DEFINE_MUTEX(vmx_emergency_lock);
static bool vmx_held;		/* hvmod holds VMX [vmx_emergency_lock] */
static bool vmx_registered;	/* our callback is in the slot [lock] */
static bool kvm_intel_live;	/* between its COMING and GOING [lock] */

/* NMI context on every CPU of a crashing system. */
static void vmx_emergency_disable(void)
{
	__cpu_emergency_vmxoff();
}

static void vmx_callback_sync(void)
{
	bool want = vmx_held && !kvm_intel_live;

	lockdep_assert_held(&vmx_emergency_lock);
	if (want == vmx_registered)
		return;
	if (want)
		cpu_emergency_register_virt_callback(vmx_emergency_disable);
	else
		cpu_emergency_unregister_virt_callback(vmx_emergency_disable);
	vmx_registered = want;
}

/* kvm_intel loaded before hvmod was: its sysfs directory says so. */
static bool kvm_intel_in_sysfs(void)
{
	struct path path;

	if (kern_path("/sys/module/kvm_intel", LOOKUP_FOLLOW, &path))
		return false;
	path_put(&path);
	return true;
}

static int vmx_module_notify(struct notifier_block *nb, unsigned long state,
			     void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "kvm_intel"))
		return NOTIFY_DONE;
	mutex_lock(&vmx_emergency_lock);
	if (state == MODULE_STATE_COMING)
		kvm_intel_live = true;
	else if (state == MODULE_STATE_GOING)
		kvm_intel_live = false;
	vmx_callback_sync();
	mutex_unlock(&vmx_emergency_lock);
	return NOTIFY_OK;
}

static struct notifier_block vmx_module_nb = {
	.notifier_call = vmx_module_notify,
};

void vmx_emergency_claim(void)
{
	mutex_lock(&vmx_emergency_lock);
	vmx_held = true;
	if (kvm_intel_in_sysfs())
		kvm_intel_live = true;
	vmx_callback_sync();
	mutex_unlock(&vmx_emergency_lock);
}

void vmx_emergency_release(void)
{
	mutex_lock(&vmx_emergency_lock);
	vmx_held = false;
	vmx_callback_sync();
	mutex_unlock(&vmx_emergency_lock);
}

int vmx_emergency_init(void)
{
	return register_module_notifier(&vmx_module_nb);
}

void vmx_emergency_exit(void)
{
	unregister_module_notifier(&vmx_module_nb);
}
