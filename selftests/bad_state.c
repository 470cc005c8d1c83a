// SPDX-License-Identifier: GPL-2.0-only
/*
 * bad_state: guest state that KVM_SET_SREGS accepts but the hardware's
 * VM-entry checks reject gives KVM_EXIT_FAIL_ENTRY.  The state: long mode
 * (EFER.LME/LMA, CR0.PG, CR4.PAE) with a code segment that has both L
 * and D set.  KVM_SET_SREGS checks CS.L only outside long mode
 * (kvm_is_valid_sregs()); VMRUN's consistency checks (APM vol. 2,
 * 15.5.1: "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D are all non-zero")
 * and VM entry's guest-state checks (SDM vol. 3, 27.3.1.2: in IA-32e
 * mode, CS.L = 1 requires CS.D = 0) both refuse it.  Setting a good
 * state again makes the same vCPU run.  What the registers hold after
 * the failed entry is not checked: QEMU's VMEXIT_INVALID leaves RIP
 * elsewhere than the guest's entry point, and the APM does not say.
 * The guest is in guest/bad_state.S.
 *
 * hardware_entry_failure_reason as KVM 6.1 reports it:
 *   kvm-amd (svm/svm.c:svm_handle_exit()): the VMCB's 32-bit exit code,
 *     SVM_EXIT_ERR (VMEXIT_INVALID, -1), so 0xffffffff (seen in the QEMU
 *     sandbox); fail_entry.cpu the CPU it ran on.
 *   kvm-intel (vmx/vmx.c:__vmx_handle_exit()): the full exit reason,
 *     0x80000021 (entry failure | invalid guest state), seen in the
 *     Bochs sandbox.
 */
#include <unistd.h>

#include "guest_harness.h"
#include "hvm_test.h"

/* The VMCB's 32-bit exit code field: -1 as a u32, zero-extended. */
#define SVM_EXIT_ERR			0xffffffffULL
#define VMX_ENTRY_FAIL_GUEST_STATE	0x80000021ULL

GUEST_CODE_DECLARE(bad_state_guest);

FIXTURE(bad_state) {
	struct guest_vm *vm;
};

FIXTURE_SETUP(bad_state)
{
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
}

FIXTURE_TEARDOWN(bad_state)
{
	vm_destroy(self->vm);
}

TEST_F(bad_state, long_mode_cs_l_and_d)
{
	struct guest_vm *vm = self->vm;
	struct kvm_run *run = vm->run;
	uint64_t want = host_cpu_is_amd() ? SVM_EXIT_ERR :
					    VMX_ENTRY_FAIL_GUEST_STATE;
	struct kvm_sregs sr;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(bad_state_guest));
	vcpu_get_sregs(vm, &sr);
	sr.cs.db = 1;
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_SET_SREGS, (unsigned long)&sr));

	ASSERT_EXIT(vm, KVM_EXIT_FAIL_ENTRY);
	EXPECT_EQ(want, run->fail_entry.hardware_entry_failure_reason);
	EXPECT_GT(sysconf(_SC_NPROCESSORS_CONF), run->fail_entry.cpu);
	TH_LOG("%s: reason %#llx cpu %u", dev_label(),
	       (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
	       run->fail_entry.cpu);

	/* A good state (RIP included) and the vCPU runs the guest. */
	guest_set_mode(vm, GUEST_MODE_LONG64);
	ASSERT_REPORT(vm, 1);
	ASSERT_HALTED_AT(vm, GUEST_GPA(bad_state_guest, bad_state_guest_end));
}

TEST_HARNESS_MAIN
