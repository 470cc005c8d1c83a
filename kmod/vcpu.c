// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU objects and the vCPU fd.
 *
 * A vCPU belongs to its VM and is freed with it; its fd holds a reference
 * to the VM, and an mmap of the fd holds the file, so a mapping of the
 * kvm_run page alone keeps the VM (and the module) alive. vCPU ioctls are
 * serialized by the vCPU's mutex.
 */
#include <linux/anon_inodes.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kmod/hvm.h"

#define HVM_RFLAGS_FIXED	0x2	/* RFLAGS bit 1 always reads as 1 */

/* Architectural INIT/RESET state of the registers KVM_GET_REGS returns. */
static void hvm_vcpu_reset_regs(struct hvm_vcpu *vcpu)
{
	memset(&vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->regs.rip = 0xfff0;
	vcpu->regs.rflags = HVM_RFLAGS_FIXED;
	/*
	 * EDX holds the processor signature after RESET (SDM vol. 3A 10.1.2);
	 * KVM reports 0x600 until CPUID leaf 1 is set: so does hvmod.
	 */
	vcpu->regs.rdx = 0x600;
}

struct hvm_vcpu *hvm_vcpu_alloc(struct hvm_vm *vm, u32 id)
{
	struct hvm_vcpu *vcpu;
	int r = -ENOMEM;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return ERR_PTR(-ENOMEM);
	vcpu->vm = vm;
	vcpu->id = id;
	mutex_init(&vcpu->mutex);
	vcpu->run = hvm_page_alloc_virt();
	vcpu->pio_data = hvm_page_alloc_virt();
	if (!vcpu->run || !vcpu->pio_data)
		goto fail;
	hvm_vcpu_reset_regs(vcpu);
	r = hvm_ops->vcpu_create(vcpu);
	if (r)
		goto fail;
	hvm_objects_inc(HVM_OBJ_VCPUS);
	return vcpu;
fail:
	hvm_page_free_virt(vcpu->pio_data);
	hvm_page_free_virt(vcpu->run);
	kfree(vcpu);
	return ERR_PTR(r);
}

void hvm_vcpu_free(struct hvm_vcpu *vcpu)
{
	hvm_ops->vcpu_free(vcpu);
	hvm_page_free_virt(vcpu->pio_data);
	hvm_page_free_virt(vcpu->run);
	kfree(vcpu);
	hvm_objects_dec(HVM_OBJ_VCPUS);
}

static int hvm_vcpu_get_regs(struct hvm_vcpu *vcpu, void __user *argp)
{
	if (copy_to_user(argp, &vcpu->regs, sizeof(vcpu->regs)))
		return -EFAULT;
	return 0;
}

static int hvm_vcpu_set_regs(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct kvm_regs regs;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	/* As KVM's __set_regs(): the fixed bit cannot be cleared. */
	regs.rflags |= HVM_RFLAGS_FIXED;
	vcpu->regs = regs;
	return 0;
}

static long hvm_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			   unsigned long arg)
{
	struct hvm_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	long r;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	/* KVM rejects foreign ioctl types on vCPU fds before anything else. */
	if (_IOC_TYPE(ioctl) != KVMIO)
		return -EINVAL;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;

	switch (ioctl) {
	case KVM_GET_REGS:
		r = hvm_vcpu_get_regs(vcpu, argp);
		break;
	case KVM_SET_REGS:
		r = hvm_vcpu_set_regs(vcpu, argp);
		break;
	default:
		r = -EINVAL;
		break;
	}
	mutex_unlock(&vcpu->mutex);
	return r;
}

/* mmap: page 0 is struct kvm_run, page 1 the port I/O data; beyond: SIGBUS. */
static vm_fault_t hvm_vcpu_fault(struct vm_fault *vmf)
{
	struct hvm_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff == 0)
		page = virt_to_page(vcpu->run);
	else if (vmf->pgoff == 1)
		page = virt_to_page(vcpu->pio_data);
	else
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct hvm_vcpu_vm_ops = {
	.fault = hvm_vcpu_fault,
};

static int hvm_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	vma->vm_ops = &hvm_vcpu_vm_ops;
	return 0;
}

static int hvm_vcpu_release(struct inode *inode, struct file *filp)
{
	struct hvm_vcpu *vcpu = filp->private_data;

	hvm_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations hvm_vcpu_fops = {
	.owner = THIS_MODULE,
	.release = hvm_vcpu_release,
	.unlocked_ioctl = hvm_vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = hvm_vcpu_mmap,
	.llseek = noop_llseek,
};

int hvm_vcpu_create_fd(struct hvm_vcpu *vcpu)
{
	char name[24];

	snprintf(name, sizeof(name), "hvm-vcpu:%u", vcpu->id);
	return anon_inode_getfd(name, &hvm_vcpu_fops, vcpu,
				O_RDWR | O_CLOEXEC);
}
