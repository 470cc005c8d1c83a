// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvmod: module entry. Picks the back end once (by CPU vendor), checks the
 * hardware, and exposes /dev/hvm. Virtualization itself is not turned on
 * here: only while VMs exist (kmod/virt.c).
 *
 * Unloading with VMs alive cannot happen: /dev/hvm, every VM fd and every
 * vCPU fd hold a reference to this module (fops->owner).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <asm/processor.h>

#include "kmod/hvm.h"

const struct hvm_arch_ops *hvm_ops;

static const struct hvm_arch_ops *hvm_pick_backend(void)
{
	switch (boot_cpu_data.x86_vendor) {
	case X86_VENDOR_AMD:
	case X86_VENDOR_HYGON:
		return &hvm_svm_ops;
	case X86_VENDOR_INTEL:
	case X86_VENDOR_CENTAUR:
	case X86_VENDOR_ZHAOXIN:
		return &hvm_vmx_ops;
	default:
		return NULL;
	}
}

static int __init hvm_init(void)
{
	int r;

	hvm_ops = hvm_pick_backend();
	if (!hvm_ops) {
		pr_err("unsupported CPU vendor: neither AMD-V nor VT-x\n");
		return -ENODEV;
	}
	r = hvm_ops->probe();
	if (r)
		return r;
	r = hvm_virt_init();
	if (r)
		goto out_unprobe;
	hvm_debugfs_init();
	hvm_stats_init();
	r = hvm_netlink_init();
	if (r)
		goto out_debugfs;
	r = hvm_dev_register();
	if (r)
		goto out_netlink;
	pr_info("ready: /dev/hvm (%s back end)\n", hvm_ops->name);
	return 0;

out_netlink:
	hvm_netlink_exit();
out_debugfs:
	hvm_stats_exit();
	hvm_debugfs_exit();
	hvm_virt_exit();
out_unprobe:
	if (hvm_ops->unprobe)
		hvm_ops->unprobe();
	return r;
}

static void __exit hvm_exit(void)
{
	hvm_dev_unregister();
	hvm_netlink_exit();
	hvm_stats_exit();
	hvm_debugfs_exit();
	hvm_virt_exit();
	if (hvm_ops->unprobe)
		hvm_ops->unprobe();
}

module_init(hvm_init);
module_exit(hvm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvmod: a small type-2 hypervisor (VT-x/EPT, AMD-V/NPT)");
