// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM objects and the VM fd.
 *
 * A VM lives while its fd or any of its vCPU fds is open (a kref), and
 * belongs to the mm of the process that created it: like KVM, its ioctls
 * fail with -EIO from any other mm (e.g. a fork()ed child).
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "kmod/hvm.h"

/* kvm_vm_ioctl_set_tss_addr(): (unsigned int)(-3 * PAGE_SIZE). */
#define HVM_TSS_ADDR_MAX	0xffffd000UL

static void hvm_vm_free(struct kref *kref)
{
	struct hvm_vm *vm = container_of(kref, struct hvm_vm, kref);
	unsigned int i;

	hvm_vm_obs_del(vm);
	for (i = 0; i < vm->nr_vcpus; i++)
		hvm_vcpu_free(vm->vcpus[i]);
	hvm_mmu_destroy(vm);
	if (hvm_ops->vm_destroy)
		hvm_ops->vm_destroy(vm);
	mmdrop(vm->mm);
	kfree(vm);
	hvm_objects_dec(HVM_OBJ_VMS);
	hvm_virt_put();
}

void hvm_vm_put(struct hvm_vm *vm)
{
	kref_put(&vm->kref, hvm_vm_free);
}

static struct hvm_vcpu *hvm_vm_find_vcpu(struct hvm_vm *vm, u32 id)
{
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i]->id == id)
			return vm->vcpus[i];
	return NULL;
}

/*
 * KVM_CREATE_VCPU: KVM's checks in KVM's order (id range, count, then
 * duplicate id). The id is a u32, as in KVM: upper bits of @arg are
 * ignored.
 */
static int hvm_vm_create_vcpu(struct hvm_vm *vm, unsigned long arg)
{
	u32 id = arg;
	struct hvm_vcpu *vcpu;
	int fd;

	if (id >= HVM_MAX_VCPU_ID)
		return -EINVAL;

	mutex_lock(&vm->lock);
	if (vm->nr_vcpus >= HVM_MAX_VCPUS) {
		fd = -EINVAL;
		goto out;
	}
	if (hvm_vm_find_vcpu(vm, id)) {
		fd = -EEXIST;
		goto out;
	}
	vcpu = hvm_vcpu_alloc(vm, id);
	if (IS_ERR(vcpu)) {
		fd = PTR_ERR(vcpu);
		goto out;
	}
	/* The vCPU fd's reference; the VM fd keeps the VM alive meanwhile. */
	kref_get(&vm->kref);
	fd = hvm_vcpu_create_fd(vcpu);
	if (fd < 0) {
		kref_put(&vm->kref, hvm_vm_free);
		hvm_vcpu_free(vcpu);
		goto out;
	}
	vm->vcpus[vm->nr_vcpus++] = vcpu;
out:
	mutex_unlock(&vm->lock);
	return fd;
}

/*
 * As KVM (x86.c): only before the first vCPU; the address is accepted
 * and unused, since hvmod never needs an identity-mapped page table.
 */
static int hvm_vm_set_identity_map_addr(struct hvm_vm *vm, void __user *argp)
{
	u64 addr;
	int r = -EINVAL;

	mutex_lock(&vm->lock);
	if (vm->nr_vcpus)
		goto out;
	r = copy_from_user(&addr, argp, sizeof(addr)) ? -EFAULT : 0;
out:
	mutex_unlock(&vm->lock);
	return r;
}

static long hvm_vm_ioctl(struct file *filp, unsigned int ioctl,
			 unsigned long arg)
{
	struct hvm_vm *vm = filp->private_data;

	if (vm->mm != current->mm)
		return -EIO;

	switch (ioctl) {
	case KVM_CREATE_VCPU:
		return hvm_vm_create_vcpu(vm, arg);
	case KVM_CHECK_EXTENSION:
		return hvm_check_extension(arg);
	case KVM_SET_USER_MEMORY_REGION:
		return hvm_vm_set_user_memory_region(vm, (void __user *)arg);
	case KVM_SET_TSS_ADDR:
		/*
		 * Needed by VT-x without unrestricted guest only: accepted
		 * and unused, with KVM's check that the three pages of the
		 * TSS end below 4 GiB.
		 */
		return arg > HVM_TSS_ADDR_MAX ? -EINVAL : 0;
	case KVM_SET_IDENTITY_MAP_ADDR:
		return hvm_vm_set_identity_map_addr(vm, (void __user *)arg);
	case KVM_GET_STATS_FD:
		return hvm_vm_stats_fd(vm);
	default:
		/* KVM's VM fd answers unknown ioctls with -ENOTTY. */
		return -ENOTTY;
	}
}

static int hvm_vm_release(struct inode *inode, struct file *filp)
{
	hvm_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations hvm_vm_fops = {
	.owner = THIS_MODULE,
	.release = hvm_vm_release,
	.unlocked_ioctl = hvm_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct hvm_vm *hvm_vm_alloc(void)
{
	struct hvm_vm *vm;
	int r;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	kref_init(&vm->kref);
	mutex_init(&vm->lock);
	mutex_init(&vm->slots_lock);
	vm->mm = current->mm;
	mmgrab(vm->mm);
	r = hvm_mmu_init(vm);
	if (r)
		goto fail;
	if (hvm_ops->vm_init) {
		r = hvm_ops->vm_init(vm);
		if (r) {
			hvm_mmu_destroy(vm);
			goto fail;
		}
	}
	hvm_objects_inc(HVM_OBJ_VMS);
	hvm_vm_obs_add(vm);
	return vm;
fail:
	mmdrop(vm->mm);
	kfree(vm);
	return ERR_PTR(r);
}

/* KVM_CREATE_VM: type 0 only, as on x86 KVM. */
int hvm_vm_create_fd(unsigned long type)
{
	struct hvm_vm *vm;
	int r, fd;

	if (type)
		return -EINVAL;
	r = hvm_virt_get();
	if (r)
		return r;
	vm = hvm_vm_alloc();
	if (IS_ERR(vm)) {
		hvm_virt_put();
		return PTR_ERR(vm);
	}
	/* From here the VM's kref owns the virtualization reference. */
	fd = anon_inode_getfd("hvm-vm", &hvm_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		hvm_vm_put(vm);
	return fd;
}
