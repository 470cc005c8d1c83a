// SPDX-License-Identifier: GPL-2.0-only
/*
 * hlt_shutdown: HLT without an in-kernel irqchip is KVM_EXIT_HLT with RIP
 * past the HLT, and the next KVM_RUN resumes there; a triple fault is
 * KVM_EXIT_SHUTDOWN.  The guests are in guest/hlt_shutdown.S.
 *
 * KVM 6.1 reference: arch/x86/kvm/x86.c: __kvm_emulate_halt() (no
 * in-kernel LAPIC: exit to userspace, mp_state stays runnable);
 * svm/svm.c: shutdown_interception(); vmx/vmx.c: handle_triple_fault().
 * What the vCPU holds after a shutdown differs (kvm-amd INITs it, as the
 * VMCB is undefined then; kvm-intel leaves it), so it is not checked.
 */
#include "guest_harness.h"
#include "hvm_test.h"

GUEST_CODE_DECLARE(hlt_twice);
GUEST_CODE_DECLARE(triple_fault64);
GUEST_CODE_DECLARE(triple_fault16);
GUEST_LABEL_DECLARE(hlt_first_done);

FIXTURE(hlt_shutdown) {
	struct guest_vm *vm;
};

FIXTURE_SETUP(hlt_shutdown)
{
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
}

FIXTURE_TEARDOWN(hlt_shutdown)
{
	vm_destroy(self->vm);
}

TEST_F(hlt_shutdown, hlt)
{
	struct guest_vm *vm = self->vm;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(hlt_twice));
	ASSERT_HALTED_AT(vm, GUEST_GPA(hlt_twice, hlt_first_done));
	/* Halted is not a state the vCPU keeps: it runs on. */
	ASSERT_REPORT(vm, 1);
	ASSERT_HALTED_AT(vm, GUEST_GPA(hlt_twice, hlt_twice_end));
}

TEST_F(hlt_shutdown, triple_fault_long_mode)
{
	struct guest_vm *vm = self->vm;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(triple_fault64));
	ASSERT_REPORT(vm, 1);
	ASSERT_EXIT(vm, KVM_EXIT_SHUTDOWN);
}

TEST_F(hlt_shutdown, triple_fault_real_mode)
{
	struct guest_vm *vm = self->vm;

	guest_start(vm, GUEST_MODE_REAL, GUEST_CODE(triple_fault16));
	ASSERT_REPORT(vm, 1);
	ASSERT_EXIT(vm, KVM_EXIT_SHUTDOWN);
}

TEST_HARNESS_MAIN
