// SPDX-License-Identifier: GPL-2.0-only
/*
 * munmap_remap: the guest's view and the emulator's view of a slot whose
 * backing was replaced.  Slot 1 holds code that loops on an MMIO store
 * (guest/munmap_remap.S: remap_a, a 6-byte MOVL of 0x11111111); after
 * the guest ran it, the host munmap()s the page and maps a fresh one at
 * the same address (MAP_FIXED_NOREPLACE) holding remap_b (a 3-byte
 * MOVQ %rax) instead, laid out so that the vCPU, resuming 6 bytes past
 * the store it last exited on, jumps back to the store either way.
 *
 * KVM follows the new mapping (MMU notifier), so the guest now runs
 * remap_b: 8-byte MMIO writes of RAX, RIP 3 bytes past each.  hvmod
 * keeps the old page pinned (Documentation/api.rst, "Differences from
 * KVM"), so the guest would keep running remap_a: 4-byte writes of
 * 0x11111111, RIP 6 bytes past.  Either is consistent and accepted on
 * hvm (kvm must be the first); what must never happen is a mix: an
 * exit that describes one instruction while the CPU executed the other
 * (an MMIO emulator that decodes the instruction from the new mapping
 * while the guest runs the old page).
 *
 * hvmod fails it (tests.list keeps it to kvm): the first exit after the
 * remap is remap_b's 8-byte store with RIP 3 past it, while the CPU runs
 * the pinned remap_a page, so it resumes in the middle of remap_a's MOVL
 * and the next exit is a HLT at CODE_GPA + 9.  The emulator fetches the
 * instruction through the slot's userspace_addr (kmod/mmu.c:
 * hvm_read_guest()), not from the pinned page the guest executes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "guest_harness.h"
#include "hvm_test.h"

#define CODE_GPA	0x40000000ULL
#define MMIO_GPA	0xd0000000ULL
#define RAX_VALUE	0x2222222222222222ULL
#define A_VALUE		0x11111111ULL

GUEST_CODE_DECLARE(remap_enter);
GUEST_CODE_DECLARE(remap_a);
GUEST_CODE_DECLARE(remap_b);

FIXTURE(munmap_remap) {
	struct guest_vm *vm;
	void *page;
};

FIXTURE_SETUP(munmap_remap)
{
	self->page = NULL;
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
}

FIXTURE_TEARDOWN(munmap_remap)
{
	vm_destroy(self->vm);
	if (self->page)
		munmap(self->page, page_size());
}

/* One exit: a store of remap_a (1) or remap_b (2), else 0. */
static int which_store(struct guest_vm *vm)
{
	struct kvm_run *run = vm->run;
	uint64_t rip = vcpu_get_rip(vm);

	if (run->exit_reason != KVM_EXIT_MMIO || !run->mmio.is_write ||
	    run->mmio.phys_addr != MMIO_GPA)
		return 0;
	if (run->mmio.len == 4 && vcpu_mmio_value(vm) == A_VALUE &&
	    rip == CODE_GPA + 6)
		return 1;
	if (run->mmio.len == 8 && vcpu_mmio_value(vm) == RAX_VALUE &&
	    rip == CODE_GPA + 3)
		return 2;
	return 0;
}

TEST_F(munmap_remap, code_page)
{
	struct guest_vm *vm = self->vm;
	struct kvm_userspace_memory_region r = {
		.slot = 1,
		.guest_phys_addr = CODE_GPA,
		.memory_size = page_size(),
	};
	struct kvm_regs regs;
	int i, kind, first = 0;
	void *page;

	page = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	self->page = page;
	memcpy(page, remap_a_start, remap_a_end - remap_a_start);
	r.userspace_addr = (uintptr_t)page;
	ASSERT_EQ(0, ioctl_errno(vm->vm, KVM_SET_USER_MEMORY_REGION,
				 (unsigned long)&r));

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(remap_enter));
	vcpu_get_regs(vm, &regs);
	regs.rcx = CODE_GPA;
	regs.rbx = MMIO_GPA;
	regs.rax = RAX_VALUE;
	vcpu_set_regs(vm, &regs);
	for (i = 0; i < 2; i++) {
		ASSERT_EXIT(vm, KVM_EXIT_MMIO);
		ASSERT_EQ(1, which_store(vm)) TH_LOG("%s", vcpu_exit_str(vm));
	}

	/* The same address, a new page with other code. */
	ASSERT_EQ(0, munmap(page, page_size()));
	self->page = NULL;
	page = mmap(page, page_size(), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_EQ((void *)(uintptr_t)r.userspace_addr, page);
	self->page = page;
	memcpy(page, remap_b_start, remap_b_end - remap_b_start);

	for (i = 0; i < 3; i++) {
		int ret = vcpu_run(vm);

		TH_LOG("%s: after the remap, run %d: %s; %s", dev_label(), i,
		       ret < 0 ? strerror(-ret) : "ok", vcpu_exit_str(vm));
		ASSERT_EQ(KVM_EXIT_MMIO, ret);
		kind = which_store(vm);
		ASSERT_NE(0, kind) TH_LOG("neither remap_a's nor remap_b's "
					  "store: %s", vcpu_exit_str(vm));
		if (!first)
			first = kind;
		/* One instruction throughout, not a mix. */
		ASSERT_EQ(first, kind);
	}
	if (!dev_is_hvm()) {
		/* KVM runs the new page. */
		ASSERT_EQ(2, first);
	}
	ASSERT_EQ(0, ioctl_errno(vm->vm, KVM_SET_USER_MEMORY_REGION,
				 (unsigned long)&(struct kvm_userspace_memory_region){
					 .slot = 1 }));
}

TEST_HARNESS_MAIN
