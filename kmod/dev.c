// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/hvm: the system ioctls of the KVM ABI that hvmod implements.
 * Numbers, structures and errno values are KVM 6.1's (api.rst); an ioctl
 * hvmod does not implement fails with -EINVAL, as unknown ones do on
 * /dev/kvm.
 */
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "kmod/hvm.h"

/*
 * Only what is implemented answers non-zero (KVM_CHECK_EXTENSION is also
 * answered on VM fds, hence KVM_CAP_CHECK_EXTENSION_VM).
 */
long hvm_check_extension(long cap)
{
	switch (cap) {
	case KVM_CAP_CHECK_EXTENSION_VM:
		return 1;
	case KVM_CAP_NR_VCPUS:
		return min_t(unsigned int, num_online_cpus(), HVM_MAX_VCPUS);
	case KVM_CAP_MAX_VCPUS:
		return HVM_MAX_VCPUS;
	case KVM_CAP_MAX_VCPU_ID:
		return HVM_MAX_VCPU_ID;
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_EXT_CPUID:
	case KVM_CAP_SET_TSS_ADDR:
	case KVM_CAP_SET_IDENTITY_MAP_ADDR:
	case KVM_CAP_BINARY_STATS_FD:
		return 1;
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_XSAVE:
	case KVM_CAP_VCPU_EVENTS:
	case KVM_CAP_USER_NMI:
		/* Only where guests run (not yet on VT-x). */
		return !!hvm_ops->enter_guest;
	case KVM_CAP_NR_MEMSLOTS:
		return HVM_MEMSLOTS;
	default:
		return 0;
	}
}

static long hvm_dev_ioctl(struct file *filp, unsigned int ioctl,
			  unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		return arg ? -EINVAL : HVM_API_VERSION;
	case KVM_CHECK_EXTENSION:
		return hvm_check_extension(arg);
	case KVM_CREATE_VM:
		return hvm_vm_create_fd(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		return arg ? -EINVAL : HVM_VCPU_MMAP_PAGES * PAGE_SIZE;
	case KVM_GET_SUPPORTED_CPUID:
		return hvm_cpuid_get_supported((void __user *)arg);
	case KVM_GET_MSR_INDEX_LIST:
		return hvm_get_msr_index_list((void __user *)arg);
	case KVM_TRACE_ENABLE:
	case KVM_TRACE_PAUSE:
	case KVM_TRACE_DISABLE:
		/* Long-removed ioctls that KVM still answers this way. */
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
}

static const struct file_operations hvm_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hvm_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice hvm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hvm",
	.fops = &hvm_dev_fops,
	/* Like /dev/kvm before udev widens it: root only by default. */
	.mode = 0600,
};

int hvm_dev_register(void)
{
	return misc_register(&hvm_misc);
}

void hvm_dev_unregister(void)
{
	misc_deregister(&hvm_misc);
}
