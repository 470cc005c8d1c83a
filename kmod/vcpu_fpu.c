// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_GET/SET_FPU and KVM_GET/SET_XSAVE: the guest's x87/SSE state in
 * vcpu->guest_fpu, the kernel's guest FPU container. Outside KVM_RUN it
 * is in memory (run.c swaps it out before returning), and every vCPU
 * ioctl holds the vCPU mutex, so these read and write it in place.
 *
 * The guest's XCR0 is x87|SSE: hvmod hides XSAVE and keeps CR4.OSXSAVE
 * reserved (kmod/cpuid_table.c, vcpu_state.c), so XSETBV, XGETBV and the
 * VEX encodings #UD and FXSAVE's state is all a guest has.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>

#include "kmod/hvm.h"

#define HVM_GUEST_XCR0		XFEATURE_MASK_FPSSE

static struct fxregs_state *hvm_guest_fxsave(struct hvm_vcpu *vcpu)
{
	return &vcpu->guest_fpu.fpstate->regs.fxsave;
}

/*
 * kvm_arch_vcpu_ioctl_get_fpu(): the fxsave fields, but not MXCSR, which
 * KVM 6.1 leaves 0 (KVM_GET_XSAVE has it).
 */
static int hvm_vcpu_get_fpu(struct hvm_vcpu *vcpu, void __user *argp)
{
	const struct fxregs_state *fx = hvm_guest_fxsave(vcpu);
	struct kvm_fpu fpu;

	memset(&fpu, 0, sizeof(fpu));
	BUILD_BUG_ON(sizeof(fpu.fpr) != sizeof(fx->st_space));
	BUILD_BUG_ON(sizeof(fpu.xmm) != sizeof(fx->xmm_space));
	memcpy(fpu.fpr, fx->st_space, sizeof(fpu.fpr));
	fpu.fcw = fx->cwd;
	fpu.fsw = fx->swd;
	fpu.ftwx = fx->twd;
	fpu.last_opcode = fx->fop;
	fpu.last_ip = fx->rip;
	fpu.last_dp = fx->rdp;
	memcpy(fpu.xmm, fx->xmm_space, sizeof(fpu.xmm));
	if (copy_to_user(argp, &fpu, sizeof(fpu)))
		return -EFAULT;
	return 0;
}

/*
 * kvm_arch_vcpu_ioctl_set_fpu(). MXCSR is ignored, as by KVM 6.1: the
 * guest keeps its own, so no reserved MXCSR bit from userspace can reach
 * the FXRSTOR/XRSTOR of the next entry, where it would fault in the host.
 * Every other field has no reserved bits that the restore checks.
 */
static int hvm_vcpu_set_fpu(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct fxregs_state *fx = hvm_guest_fxsave(vcpu);
	struct kvm_fpu fpu;

	if (copy_from_user(&fpu, argp, sizeof(fpu)))
		return -EFAULT;
	memcpy(fx->st_space, fpu.fpr, sizeof(fx->st_space));
	fx->cwd = fpu.fcw;
	fx->swd = fpu.fsw;
	fx->twd = fpu.ftwx;
	fx->fop = fpu.last_opcode;
	fx->rip = fpu.last_ip;
	fx->rdp = fpu.last_dp;
	memcpy(fx->xmm_space, fpu.xmm, sizeof(fx->xmm_space));
	/*
	 * XRSTOR puts a component whose XSTATE_BV bit is clear in its init
	 * state and ignores the memory image: a vCPU that never ran has
	 * none set, and the values above would be lost. Both components'
	 * bits are in XCOMP_BV (every default feature is), so XRSTORS
	 * accepts them.
	 */
	if (cpu_feature_enabled(X86_FEATURE_XSAVE))
		vcpu->guest_fpu.fpstate->regs.xsave.header.xfeatures |=
			XFEATURE_MASK_FPSSE;
	return 0;
}

/*
 * kvm_vcpu_ioctl_x86_get_xsave(): the standard (non-compacted) format,
 * limited to the guest's XCR0 as KVM limits it to the guest's supported
 * XCR0 (x87|SSE without CPUID XSAVE).
 */
static int hvm_vcpu_get_xsave(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct kvm_xsave *xsave;
	int r = 0;

	xsave = kzalloc(sizeof(*xsave), GFP_KERNEL_ACCOUNT);
	if (!xsave)
		return -ENOMEM;
	fpu_copy_guest_fpstate_to_uabi(&vcpu->guest_fpu, xsave->region,
				       sizeof(xsave->region), HVM_GUEST_XCR0,
				       0);
	if (copy_to_user(argp, xsave, sizeof(*xsave)))
		r = -EFAULT;
	kfree(xsave);
	return r;
}

/*
 * kvm_vcpu_ioctl_x86_set_xsave(). The kernel's helper checks what the
 * restore would fault on: XSTATE_BV bits outside @xcr0 (the guest's, here
 * x87|SSE; KVM allows every feature it supports), a non-zero XCOMP_BV or
 * reserved header bytes, MXCSR bits the CPU does not have: -EINVAL.
 */
static int hvm_vcpu_set_xsave(struct hvm_vcpu *vcpu, void __user *argp)
{
	struct kvm_xsave *xsave;
	u32 pkru = 0;	/* never written: PKRU is not in HVM_GUEST_XCR0 */
	int r;

	xsave = memdup_user(argp, sizeof(*xsave));
	if (IS_ERR(xsave))
		return PTR_ERR(xsave);
	r = fpu_copy_uabi_to_guest_fpstate(&vcpu->guest_fpu, xsave->region,
					   HVM_GUEST_XCR0, &pkru);
	kfree(xsave);
	return r;
}

long hvm_vcpu_fpu_ioctl(struct hvm_vcpu *vcpu, unsigned int ioctl,
			void __user *argp)
{
	switch (ioctl) {
	case KVM_GET_FPU:
		return hvm_vcpu_get_fpu(vcpu, argp);
	case KVM_SET_FPU:
		return hvm_vcpu_set_fpu(vcpu, argp);
	case KVM_GET_XSAVE:
		return hvm_vcpu_get_xsave(vcpu, argp);
	default:
		return hvm_vcpu_set_xsave(vcpu, argp);
	}
}
