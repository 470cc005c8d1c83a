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
#include <asm/apicdef.h>
#include <asm/msr-index.h>

#include "kmod/hvm.h"

#define HVM_RFLAGS_FIXED	0x2	/* RFLAGS bit 1 always reads as 1 */

/* Architectural INIT/RESET state of the registers KVM_GET_REGS returns. */
static void hvm_vcpu_reset_regs(struct hvm_vcpu *vcpu)
{
	memset(vcpu->gpr, 0, sizeof(vcpu->gpr));
	vcpu->rip = 0xfff0;
	vcpu->rflags = HVM_RFLAGS_FIXED;
	/*
	 * EDX holds the processor signature after RESET (SDM vol. 3A 10.1.2);
	 * KVM reports 0x600 until CPUID leaf 1 is set: so does hvmod.
	 */
	vcpu->gpr[HVM_RDX] = 0x600;
	/*
	 * IA32_APIC_BASE after RESET (SDM vol. 3A 10.4.4): the default base,
	 * enabled, BSP for vCPU 0. KVM 6.1 starts there too without an
	 * in-kernel local APIC (seen in the QEMU sandbox: 0xfee00900), and
	 * CPUID.1:EDX.APIC follows the enable bit.
	 */
	vcpu->apic_base = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
			  (vcpu->id == 0 ? MSR_IA32_APICBASE_BSP : 0);
	vcpu->irq_pending = -1;
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
	if (!fpu_alloc_guest_fpstate(&vcpu->guest_fpu))
		goto fail;
	r = hvm_ops->vcpu_create(vcpu);
	if (r)
		goto fail_fpu;
	hvm_objects_inc(HVM_OBJ_VCPUS);
	return vcpu;
fail_fpu:
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
fail:
	hvm_page_free_virt(vcpu->pio_data);
	hvm_page_free_virt(vcpu->run);
	kfree(vcpu);
	return ERR_PTR(r);
}

void hvm_vcpu_free(struct hvm_vcpu *vcpu)
{
	hvm_ops->vcpu_free(vcpu);
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
	hvm_cpuid_free(&vcpu->cpuid);
	hvm_page_free_virt(vcpu->pio_data);
	hvm_page_free_virt(vcpu->run);
	kfree(vcpu);
	hvm_objects_dec(HVM_OBJ_VCPUS);
}

/* struct kvm_regs is rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, r8-r15. */
static const u8 hvm_kvm_regs_order[HVM_NR_GPRS] = {
	HVM_RAX, HVM_RBX, HVM_RCX, HVM_RDX, HVM_RSI, HVM_RDI, HVM_RSP, HVM_RBP,
	HVM_R8, HVM_R9, HVM_R10, HVM_R11, HVM_R12, HVM_R13, HVM_R14, HVM_R15,
};

static int hvm_vcpu_get_regs(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct kvm_regs regs;
	u64 *out = &regs.rax;
	unsigned int i;

	for (i = 0; i < HVM_NR_GPRS; i++)
		out[i] = vcpu->gpr[hvm_kvm_regs_order[i]];
	regs.rip = vcpu->rip;
	regs.rflags = vcpu->rflags;
	if (copy_to_user(argp, &regs, sizeof(regs)))
		return -EFAULT;
	return 0;
}

static int hvm_vcpu_set_regs(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct kvm_regs regs;
	const u64 *in = &regs.rax;
	unsigned int i;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	for (i = 0; i < HVM_NR_GPRS; i++)
		vcpu->gpr[hvm_kvm_regs_order[i]] = in[i];
	vcpu->rip = regs.rip;
	/* As KVM's __set_regs(): the fixed bit cannot be cleared. */
	vcpu->rflags = regs.rflags | HVM_RFLAGS_FIXED;
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
	/* A back end that cannot run guests yet has no vCPU state either. */
	if (!hvm_ops->enter_guest && ioctl != KVM_GET_REGS &&
	    ioctl != KVM_SET_REGS)
		return -EINVAL;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;

	switch (ioctl) {
	case KVM_RUN:
		/* As KVM: the argument must be 0. */
		r = arg ? -EINVAL : hvm_vcpu_run(vcpu);
		break;
	case KVM_GET_REGS:
		r = hvm_vcpu_get_regs(vcpu, argp);
		break;
	case KVM_SET_REGS:
		r = hvm_vcpu_set_regs(vcpu, argp);
		break;
	case KVM_GET_FPU:
	case KVM_SET_FPU:
	case KVM_GET_XSAVE:
	case KVM_SET_XSAVE:
		r = hvm_vcpu_fpu_ioctl(vcpu, ioctl, argp);
		break;
	case KVM_GET_VCPU_EVENTS:
	case KVM_SET_VCPU_EVENTS:
	case KVM_NMI:
		r = hvm_vcpu_events_ioctl(vcpu, ioctl, argp);
		break;
	case KVM_GET_STATS_FD:
		r = hvm_vcpu_stats_fd(vcpu);
		break;
	default:
		r = hvm_vcpu_state_ioctl(vcpu, ioctl, argp);
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
