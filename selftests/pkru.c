// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkru: a guest that sets CR4.PKE and loads PKRU with a value that denies
 * every access through protection key 0 (the key of all ordinary user
 * memory) must not leave that value in the host: PKRU is not part of the
 * FPU state the kernel swaps for guests, so the hypervisor switches it
 * itself around the world switch (KVM: kvm_load_{guest,host}_xsave_state;
 * hvmod: hvm_pkru_enter/exit). Were it left behind, this process would
 * fault on its own stack as soon as KVM_RUN returned.
 *
 * Checked: the process's PKRU is the same before and after each KVM_RUN,
 * and the guest reads back its own value on the next entry. Both
 * devices: the table is KVM_GET_SUPPORTED_CPUID's with CPUID.7.0:ECX.PKU
 * set by the test. CR4.PKE follows the vCPU's CPUID on both (hvmod
 * intercepts CR4 writes, kmod/cr.c); hvmod hides PKU in its supported
 * table (KVM_GET_XSAVE does not carry PKRU) but KVM_SET_CPUID2 takes the
 * bit as given, and on a host with OSPKE hvmod then lets the guest set
 * CR4.PKE (Documentation/api.rst). Needs a host with PKU enabled
 * (OSPKE), as the QEMU sandbox's.
 */
#include <cpuid.h>

#include "guest_harness.h"
#include "hvm_test.h"

#define GP_VECTOR	13
#define PKRU_DENY_KEY0	3
#define CPUID_7_ECX_PKU	(1U << 3)

GUEST_CODE_DECLARE(pkru_guest);
GUEST_LABEL_DECLARE(pkru_gp_handler);

FIXTURE(pkru) {
	struct guest_vm *vm;
};

FIXTURE_SETUP(pkru)
{
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
}

FIXTURE_TEARDOWN(pkru)
{
	vm_destroy(self->vm);
}

static bool host_has_ospke(void)
{
	unsigned int a, b, c, d;

	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1U << 4));
}

static uint32_t rdpkru(void)
{
	uint32_t eax, edx;

	asm volatile("rdpkru" : "=a" (eax), "=d" (edx) : "c" (0));
	return eax;
}

TEST_F(pkru, guest_value_stays_in_guest)
{
	struct guest_vm *vm = self->vm;
	struct kvm_cpuid_entry2 *leaf7;
	struct kvm_cpuid2 *cpuid;
	uint32_t mine;

	ASSERT_TRUE(host_has_ospke())
		TH_LOG("the host has no PKU enabled: nothing to test");
	cpuid = get_supported_cpuid(vm);
	ASSERT_NE(NULL, cpuid);
	leaf7 = cpuid_find(cpuid, 7, 0);
	ASSERT_NE(NULL, leaf7);
	leaf7->ecx |= CPUID_7_ECX_PKU;
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_SET_CPUID2,
				 (unsigned long)cpuid));
	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(pkru_guest));
	guest_set_idt_gate(vm, GP_VECTOR,
			   GUEST_GPA(pkru_guest, pkru_gp_handler));
	mine = rdpkru();
	/* CR4.PKE taken, PKRU written, then the report exit. */
	ASSERT_REPORT(vm, 1);
	EXPECT_EQ(mine, rdpkru());
	/* The guest's own value came back in with it. */
	ASSERT_REPORT(vm, PKRU_DENY_KEY0);
	EXPECT_EQ(mine, rdpkru());
	ASSERT_EXIT(vm, KVM_EXIT_HLT);
	free(cpuid);
}

TEST_HARNESS_MAIN
