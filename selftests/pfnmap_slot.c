// SPDX-License-Identifier: GPL-2.0-only
/*
 * pfnmap_slot: a slot whose backing is a VM_IO | VM_PFNMAP mapping, here
 * /dev/mem's view of the BIOS area (0xf0000, which STRICT_DEVMEM lets
 * root map; remap_pfn_range() marks the VMA so), read-only.
 *
 * KVM maps such memory (hva_to_pfn_remapped()), and the guest reads what
 * the mapping shows. hvmod pins every guest page and cannot pin these:
 * KVM_RUN fails with EFAULT when the guest touches the slot, and the
 * kernel log says which guest-physical and user address could not be
 * pinned (kmod/mmu.c); nothing is mapped, the VM stays usable, and the
 * slot can be deleted (Documentation/api.rst, "Differences from KVM").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_harness.h"
#include "hvm_test.h"

#define BIOS_AREA	0xf0000
#define SLOT_ID		1
#define SLOT_GPA	0x40000000ULL

GUEST_CODE_DECLARE(pfnmap_guest);

FIXTURE(pfnmap_slot) {
	struct guest_vm *vm;
	int mem;
	void *bios;
};

FIXTURE_SETUP(pfnmap_slot)
{
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	self->mem = open("/dev/mem", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->mem) TH_LOG("/dev/mem: %s", strerror(errno));
	self->bios = mmap(NULL, page_size(), PROT_READ, MAP_SHARED,
			  self->mem, BIOS_AREA);
	ASSERT_NE(MAP_FAILED, self->bios)
		TH_LOG("mmap of /dev/mem at %#x: %s", BIOS_AREA,
		       strerror(errno));
}

FIXTURE_TEARDOWN(pfnmap_slot)
{
	if (self->bios != MAP_FAILED)
		munmap(self->bios, page_size());
	if (self->mem >= 0)
		close(self->mem);
	vm_destroy(self->vm);
}

static int set_slot(struct guest_vm *vm, void *hva, uint64_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = SLOT_ID,
		.flags = size ? KVM_MEM_READONLY : 0,
		.guest_phys_addr = SLOT_GPA,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	return ioctl_errno(vm->vm, KVM_SET_USER_MEMORY_REGION,
			   (unsigned long)&r);
}

TEST_F(pfnmap_slot, guest_read)
{
	struct guest_vm *vm = self->vm;
	uint64_t want, got;
	struct kvm_regs regs;
	int ret;

	memcpy(&want, self->bios, sizeof(want));
	ASSERT_EQ(0, set_slot(vm, self->bios, page_size()));
	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(pfnmap_guest));
	vcpu_get_regs(vm, &regs);
	regs.rsi = SLOT_GPA;
	vcpu_set_regs(vm, &regs);
	ret = vcpu_run(vm);
	if (dev_is_hvm()) {
		/* Refused, not mapped; the load is still to come. */
		ASSERT_EQ(-EFAULT, ret) TH_LOG("%s", vcpu_exit_str(vm));
		ASSERT_EQ((uint64_t)GUEST_CODE_GPA, vcpu_get_rip(vm));
		/* Without the slot the load is an MMIO read. */
		ASSERT_EQ(0, set_slot(vm, NULL, 0));
		ASSERT_EXIT(vm, KVM_EXIT_MMIO);
		ASSERT_EQ(SLOT_GPA, vm->run->mmio.phys_addr);
		return;
	}
	/* KVM maps it: the guest reads what the mapping shows. */
	ASSERT_EQ(KVM_EXIT_IO, ret) TH_LOG("%s", vcpu_exit_str(vm));
	got = vcpu_io_value(vm);
	ASSERT_REPORT(vm, want >> 32);
	got |= (uint64_t)vcpu_io_value(vm) << 32;
	EXPECT_EQ(want, got);
	ASSERT_EXIT(vm, KVM_EXIT_HLT);
}

TEST_HARNESS_MAIN
