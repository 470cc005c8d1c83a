// SPDX-License-Identifier: GPL-2.0-only
/*
 * guest_modes: a guest in each CPU mode the library sets up (16-bit real
 * mode, 32-bit flat protected mode, 64-bit long mode with paging)
 * computes something, reports it with OUT and halts.  The test checks the
 * reports, KVM_EXIT_HLT with RIP just past the HLT, the general registers
 * (KVM_GET_REGS) and CR0/CR4/EFER and CS (KVM_GET_SREGS) as the guest
 * left them.  The guests are in guest/guest_modes.S.
 *
 * KVM 6.1 reference: arch/x86/kvm/x86.c: __set_sregs(),
 * kvm_emulate_halt() (HLT skips the instruction, then exits to userspace
 * without an in-kernel irqchip), kvm_fast_pio().
 */
#include "guest_harness.h"
#include "hvm_test.h"

GUEST_CODE_DECLARE(real_guest);
GUEST_CODE_DECLARE(prot32_guest);
GUEST_CODE_DECLARE(long64_guest);
GUEST_LABEL_DECLARE(real_after_hlt);
GUEST_LABEL_DECLARE(prot32_after_hlt);
GUEST_LABEL_DECLARE(long64_after_hlt);

#define GPA_4G		0x100000000ULL
#define SLOT_4G_SIZE	0x200000ULL

FIXTURE(guest_modes) {
	struct guest_vm *vm;
};

FIXTURE_SETUP(guest_modes)
{
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
}

FIXTURE_TEARDOWN(guest_modes)
{
	vm_destroy(self->vm);
}

TEST_F(guest_modes, real_mode)
{
	struct guest_vm *vm = self->vm;
	struct kvm_sregs sr;
	struct kvm_regs regs;

	guest_start(vm, GUEST_MODE_REAL, GUEST_CODE(real_guest));
	ASSERT_REPORT(vm, 0x5a);		/* read through DS = 0x800 */
	ASSERT_REPORT(vm, 55);
	ASSERT_EQ(2, vm->run->io.size);
	ASSERT_HALTED_AT(vm, GUEST_GPA(real_guest, real_after_hlt));

	vcpu_get_regs(vm, &regs);
	EXPECT_EQ(55ULL, regs.rbx & 0xffff);
	EXPECT_EQ(0x1234ULL, regs.rdx & 0xffff);
	EXPECT_EQ(0ULL, regs.rcx & 0xffff);	/* LOOP ran it down */
	/* PUSH and POP: SP back where guest_set_mode() put it. */
	EXPECT_EQ(0xfff0ULL, regs.rsp);
	vcpu_get_sregs(vm, &sr);
	EXPECT_EQ(0ULL, sr.cr0 & (X86_CR0_PE | X86_CR0_PG));
	EXPECT_EQ(0ULL, sr.efer & (EFER_LME | EFER_LMA));
	EXPECT_EQ(0, sr.cs.selector);
	EXPECT_EQ(0, sr.ds.selector);
	EXPECT_EQ(0ULL, sr.ds.base);
	EXPECT_EQ(GUEST_STACK_SEG16, sr.ss.selector);
}

TEST_F(guest_modes, protected_mode_32)
{
	struct guest_vm *vm = self->vm;
	struct kvm_sregs sr;
	struct kvm_regs regs;

	guest_start(vm, GUEST_MODE_PROT32, GUEST_CODE(prot32_guest));
	ASSERT_REPORT(vm, 0x540be400);		/* 10^10, low half */
	ASSERT_EQ(4, vm->run->io.size);
	ASSERT_REPORT(vm, 2);			/* and high half */
	ASSERT_REPORT(vm, 0xdeadbeef);		/* stored above 1 MiB */
	ASSERT_HALTED_AT(vm, GUEST_GPA(prot32_guest, prot32_after_hlt));

	vcpu_get_regs(vm, &regs);
	EXPECT_EQ(0xdeadbeefULL, regs.rbx);
	EXPECT_EQ(0x89abcdefULL, regs.rsi);
	EXPECT_EQ(2ULL, regs.rdx);
	EXPECT_EQ((uint64_t)GUEST_STACK_TOP, regs.rsp);
	EXPECT_EQ(0xdeadbeef, *(uint32_t *)guest_hva(vm, 0x100000));
	vcpu_get_sregs(vm, &sr);
	EXPECT_EQ(X86_CR0_PE, sr.cr0 & (X86_CR0_PE | X86_CR0_PG));
	EXPECT_EQ(0ULL, sr.cr4 & X86_CR4_PAE);
	EXPECT_EQ(0ULL, sr.efer & (EFER_LME | EFER_LMA));
	EXPECT_EQ(GUEST_SEL_CODE32, sr.cs.selector);
	EXPECT_EQ(1, sr.cs.db);
	EXPECT_EQ(0, sr.cs.l);
}

TEST_F(guest_modes, long_mode_64)
{
	struct guest_vm *vm = self->vm;
	struct kvm_sregs sr;
	struct kvm_regs regs;
	uint64_t *above_4g;

	/* A slot above 4 GiB, reached through the identity mapping. */
	above_4g = vm_add_slot(vm, 1, GPA_4G, SLOT_4G_SIZE, 0);
	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(long64_guest));
	ASSERT_REPORT(vm, 0x67452301);
	ASSERT_REPORT(vm, 0xefcdab89);
	ASSERT_HALTED_AT(vm, GUEST_GPA(long64_guest, long64_after_hlt));

	vcpu_get_regs(vm, &regs);
	EXPECT_EQ(0xefcdab8967452301ULL, regs.rbx);
	EXPECT_EQ(0xefcdab89ULL, regs.rax);
	EXPECT_EQ(0x1122334455667788ULL, regs.r15);
	EXPECT_EQ(0x1122334455667788ULL, regs.r8);
	EXPECT_EQ(GPA_4G + 0x1000, regs.rdi);
	EXPECT_EQ(0x1122334455667788ULL, above_4g[0x1000 / 8]);
	vcpu_get_sregs(vm, &sr);
	EXPECT_EQ(X86_CR0_PE | X86_CR0_PG,
		  sr.cr0 & (X86_CR0_PE | X86_CR0_PG));
	EXPECT_EQ(X86_CR4_PAE, sr.cr4 & X86_CR4_PAE);
	EXPECT_EQ(EFER_LME | EFER_LMA, sr.efer & (EFER_LME | EFER_LMA));
	EXPECT_EQ((uint64_t)GUEST_PT_GPA, sr.cr3);
	EXPECT_EQ(GUEST_SEL_CODE64, sr.cs.selector);
	EXPECT_EQ(1, sr.cs.l);
	EXPECT_EQ(0, sr.cs.db);
}

TEST_HARNESS_MAIN
