// SPDX-License-Identifier: GPL-2.0-only
/*
 * cr4: which CR4 values a guest's MOV to CR4 and KVM_SET_SREGS may set,
 * as KVM 6.1 decides them (kvm_set_cr4(), kvm_is_valid_cr4()): a bit
 * whose feature the vCPU's CPUID does not offer is reserved, whatever the
 * host has; long mode cannot clear PAE nor change LA57; PCIDE needs PCID.
 * hvmod intercepts CR4 writes on AMD-V to apply these rules (before, the
 * CPU took any bit the host had).
 *
 * The vCPU's table is KVM_GET_SUPPORTED_CPUID's with XSAVE, PCID and PKU
 * cleared, so that OSXSAVE, PCIDE and PKE are reserved on both devices
 * (hvmod hides XSAVE and PCID anyway; KVM offers them on the sandbox).
 *
 * Guest (guest/cr4.S): PGE on and off and OSFXSR on are taken and read
 * back, and KVM_GET_SREGS shows the new CR4; PKE, OSXSAVE, PCIDE, LA57
 * and clearing PAE each raise #GP(0) on the MOV itself, and CR4 stays.
 * Userspace: KVM_SET_SREGS with a bit the CPUID hides is EINVAL.
 */
#include "guest_harness.h"
#include "hvm_test.h"

#define GP_VECTOR		13
#define CR4_PAE			(1ULL << 5)
#define CR4_PGE			(1ULL << 7)
#define CR4_OSFXSR		(1ULL << 9)
#define CR4_OSXSAVE		(1ULL << 18)
#define CR4_PKE			(1ULL << 22)
#define CPUID_1_ECX_PCID	(1U << 17)
#define CPUID_1_ECX_XSAVE	(1U << 26)
#define CPUID_7_ECX_PKU		(1U << 3)

GUEST_CODE_DECLARE(cr4_guest);
GUEST_LABEL_DECLARE(cr4_gp_handler);
GUEST_LABEL_DECLARE(cr4_set_pke);
GUEST_LABEL_DECLARE(cr4_set_osxsave);
GUEST_LABEL_DECLARE(cr4_set_pcide);
GUEST_LABEL_DECLARE(cr4_set_la57);
GUEST_LABEL_DECLARE(cr4_clear_pae);

FIXTURE(cr4) {
	struct guest_vm *vm;
};

FIXTURE_SETUP(cr4)
{
	struct kvm_cpuid_entry2 *e;
	struct kvm_cpuid2 *cpuid;

	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	cpuid = get_supported_cpuid(self->vm);
	ASSERT_NE(NULL, cpuid);
	e = cpuid_find(cpuid, 1, 0);
	ASSERT_NE(NULL, e);
	e->ecx &= ~(CPUID_1_ECX_XSAVE | CPUID_1_ECX_PCID);
	e = cpuid_find(cpuid, 7, 0);
	if (e)
		e->ecx &= ~CPUID_7_ECX_PKU;
	ASSERT_EQ(0, ioctl_errno(self->vm->vcpu, KVM_SET_CPUID2,
				 (unsigned long)cpuid));
	free(cpuid);
	guest_start(self->vm, GUEST_MODE_LONG64, GUEST_CODE(cr4_guest));
	guest_set_idt_gate(self->vm, GP_VECTOR,
			   GUEST_GPA(cr4_guest, cr4_gp_handler));
}

FIXTURE_TEARDOWN(cr4)
{
	vm_destroy(self->vm);
}

static uint64_t sregs_cr4(struct guest_vm *vm)
{
	struct kvm_sregs sr;

	vcpu_get_sregs(vm, &sr);
	return sr.cr4;
}

/* One refused write at @rip: #GP(0) there, then CR4 still @cr4. */
#define ASSERT_CR4_GP(vm, rip, cr4) do {				\
	ASSERT_REPORT(vm, GP_VECTOR);					\
	ASSERT_REPORT(vm, 0);						\
	ASSERT_REPORT(vm, (uint32_t)(rip));				\
	ASSERT_REPORT(vm, cr4);						\
} while (0)

TEST_F(cr4, guest_writes)
{
	struct guest_vm *vm = self->vm;
	const uint64_t base = CR4_PAE | CR4_OSFXSR;

	ASSERT_REPORT(vm, CR4_PAE);
	ASSERT_REPORT(vm, CR4_PAE | CR4_PGE);
	EXPECT_EQ(CR4_PAE | CR4_PGE, sregs_cr4(vm));
	ASSERT_REPORT(vm, CR4_PAE);
	EXPECT_EQ(CR4_PAE, sregs_cr4(vm));
	ASSERT_REPORT(vm, base);
	EXPECT_EQ(base, sregs_cr4(vm));
	ASSERT_CR4_GP(vm, GUEST_GPA(cr4_guest, cr4_set_pke), base);
	ASSERT_CR4_GP(vm, GUEST_GPA(cr4_guest, cr4_set_osxsave), base);
	ASSERT_CR4_GP(vm, GUEST_GPA(cr4_guest, cr4_set_pcide), base);
	ASSERT_CR4_GP(vm, GUEST_GPA(cr4_guest, cr4_set_la57), base);
	ASSERT_CR4_GP(vm, GUEST_GPA(cr4_guest, cr4_clear_pae), base);
	ASSERT_EXIT(vm, KVM_EXIT_HLT);
	EXPECT_EQ(base, sregs_cr4(vm));
}

/* kvm_is_valid_sregs(): the same CPUID rule for KVM_SET_SREGS. */
TEST_F(cr4, set_sregs)
{
	struct guest_vm *vm = self->vm;
	struct kvm_sregs sr;

	vcpu_get_sregs(vm, &sr);
	sr.cr4 |= CR4_OSXSAVE;
	EXPECT_EQ(EINVAL, ioctl_errno(vm->vcpu, KVM_SET_SREGS,
				      (unsigned long)&sr));
	sr.cr4 &= ~CR4_OSXSAVE;
	sr.cr4 |= CR4_PKE;
	EXPECT_EQ(EINVAL, ioctl_errno(vm->vcpu, KVM_SET_SREGS,
				      (unsigned long)&sr));
	sr.cr4 &= ~CR4_PKE;
	sr.cr4 |= CR4_PGE;
	EXPECT_EQ(0, ioctl_errno(vm->vcpu, KVM_SET_SREGS, (unsigned long)&sr));
	EXPECT_EQ(CR4_PAE | CR4_PGE, sregs_cr4(vm));
}

TEST_HARNESS_MAIN
