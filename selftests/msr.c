// SPDX-License-Identifier: GPL-2.0-only
/*
 * msr: RDMSR/WRMSR in a 64-bit guest.  Two MSRs every x86-64 CPU has
 * round-trip (SYSENTER_CS; KERNEL_GS_BASE, whose value SWAPGS then moves
 * into GS.base, seen through KVM_GET_SREGS).  RDMSR and WRMSR of an
 * index in no MSR range raise #GP(0), which the guest's own handler (IDT
 * gate 13) catches and reports before resuming past the instruction.
 * The guest is in guest/msr.S.
 *
 * KVM 6.1 reference: arch/x86/kvm/x86.c: kvm_emulate_rdmsr() /
 * kvm_emulate_wrmsr(): an MSR KVM does not know injects #GP (unless
 * kvm.ignore_msrs, off by default, or a userspace MSR filter/exit, not
 * used); svm/svm.c, vmx/vmx.c: SYSENTER_CS and KERNEL_GS_BASE.
 */
#include "guest_harness.h"
#include "hvm_test.h"

#define GP_VECTOR	13

GUEST_CODE_DECLARE(msr_guest);
GUEST_LABEL_DECLARE(msr_gp_handler);

FIXTURE(msr) {
	struct guest_vm *vm;
};

FIXTURE_SETUP(msr)
{
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
}

FIXTURE_TEARDOWN(msr)
{
	vm_destroy(self->vm);
}

TEST_F(msr, rdmsr_wrmsr)
{
	struct guest_vm *vm = self->vm;
	struct kvm_sregs sr;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(msr_guest));
	guest_set_idt_gate(vm, GP_VECTOR,
			   GUEST_GPA(msr_guest, msr_gp_handler));

	ASSERT_REPORT(vm, 0x10);		/* SYSENTER_CS */
	ASSERT_REPORT(vm, 0);
	ASSERT_REPORT(vm, 0x12345678);		/* KERNEL_GS_BASE */
	ASSERT_REPORT(vm, 0x7fff);
	/* RDMSR of the unknown MSR: #GP(0), then on past it. */
	ASSERT_REPORT(vm, GP_VECTOR);
	ASSERT_REPORT(vm, 0);
	ASSERT_REPORT(vm, 0x600d);
	vcpu_get_sregs(vm, &sr);
	EXPECT_EQ(0x00007fff12345678ULL, sr.gs.base);
	/* WRMSR likewise. */
	ASSERT_REPORT(vm, GP_VECTOR);
	ASSERT_REPORT(vm, 0);
	ASSERT_REPORT(vm, 0x600e);
	ASSERT_HALTED_AT(vm, GUEST_GPA(msr_guest, msr_gp_handler));
}

TEST_HARNESS_MAIN
