// SPDX-License-Identifier: GPL-2.0-only
/*
 * munmap_backing: munmap() of a slot's backing while the VM lives.
 *
 * Where KVM and hvmod differ on purpose (Documentation/api.rst,
 * "Differences from KVM"): KVM follows the munmap() through its MMU
 * notifier (the guest's mappings are zapped, and a later access to the
 * now unmapped userspace_addr makes KVM_RUN fail with EFAULT:
 * kvm_handle_error_pfn() in arch/x86/kvm/mmu/mmu.c); hvmod has no MMU
 * notifier and keeps the pages the guest already touched pinned until
 * the slot is deleted, so the guest keeps them.  What both must do: never
 * let the guest reach pages that were freed and reused.
 *
 * after_touch: the guest writes pattern A over its 2 MiB slot, the host
 * munmaps the backing, then fills a fresh 64 MiB mapping with pattern B
 * (the freed pages are reused), then the guest reads its slot again.
 * Accepted: all A (report 3), or KVM_RUN failing with EFAULT; on hvm it
 * must be all A (pinned), on kvm EFAULT.  Never B, nor anything else.
 * Then the slot is deleted (hvm: the pinned-page counter returns to
 * what it was) and the VM destroyed; run-suite checks the kernel log.
 *
 * before_touch: the backing is unmapped before the guest touched it:
 * KVM_RUN fails with EFAULT on both (hvm: pin_user_pages_fast() finds no
 * mapping), twice in a row, RIP on the first load.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "guest_harness.h"
#include "hvm_test.h"

#define SLOT_GPA	0x40000000ULL
#define SLOT_SIZE	0x200000ULL
#define NOISE_SIZE	(64ULL << 20)
#define PATTERN_A	0xa5a5a5a5a5a5a5a5ULL
#define PATTERN_B	0xb6b6b6b6b6b6b6b6ULL

GUEST_CODE_DECLARE(munmap_guest);
GUEST_LABEL_DECLARE(munmap_read);

FIXTURE(munmap_backing) {
	struct guest_vm *vm;
	void *noise;
};

FIXTURE_SETUP(munmap_backing)
{
	self->noise = NULL;
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
}

FIXTURE_TEARDOWN(munmap_backing)
{
	vm_destroy(self->vm);
	if (self->noise)
		munmap(self->noise, NOISE_SIZE);
}

/*
 * Slot 1, outside the library's bookkeeping: vm_destroy() must not
 * munmap the range again, whatever is mapped there by then.
 */
static int set_slot(struct guest_vm *vm, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = 1,
		.guest_phys_addr = SLOT_GPA,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	return ioctl_errno(vm->vm, KVM_SET_USER_MEMORY_REGION,
			   (unsigned long)&r);
}

static void *map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void start_guest(struct guest_vm *vm, uint64_t rip)
{
	struct kvm_regs regs;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(munmap_guest));
	vcpu_get_regs(vm, &regs);
	regs.rip = rip;
	regs.rsi = SLOT_GPA;
	regs.rcx = SLOT_SIZE / 8;
	regs.rdx = PATTERN_A;
	vcpu_set_regs(vm, &regs);
}

static long pinned_pages(void)
{
	struct hvm_objects o;

	return read_hvm_objects(&o) ? -1 : o.pinned;
}

/* Two 4-byte reports: a 64-bit value. */
static uint64_t report64(struct __test_metadata *_metadata,
			 struct guest_vm *vm)
{
	uint64_t v;

	ASSERT_EXIT(vm, KVM_EXIT_IO);
	ASSERT_TRUE(vcpu_is_report(vm));
	v = vcpu_io_value(vm);
	ASSERT_EXIT(vm, KVM_EXIT_IO);
	ASSERT_TRUE(vcpu_is_report(vm));
	return v | vcpu_io_value(vm) << 32;
}

TEST_F(munmap_backing, after_touch)
{
	struct guest_vm *vm = self->vm;
	uint64_t *backing, *noise, value, where;
	long pinned_before = dev_is_hvm() ? pinned_pages() : 0;
	size_t i;
	int ret;

	backing = map_anon(SLOT_SIZE);
	ASSERT_NE(NULL, backing);
	ASSERT_EQ(0, set_slot(vm, SLOT_SIZE, backing));
	start_guest(vm, GUEST_CODE_GPA);
	ASSERT_REPORT(vm, 1);
	ASSERT_EQ(PATTERN_A, backing[0]);
	ASSERT_EQ(PATTERN_A, backing[SLOT_SIZE / 8 - 1]);
	if (dev_is_hvm()) {
		/* Every page of the slot is pinned now. */
		ASSERT_LE(pinned_before + (long)(SLOT_SIZE / page_size()),
			  pinned_pages());
	}

	/*
	 * The noise mapping exists before the munmap, so it cannot take
	 * the slot's addresses, which stay unmapped; its pages are
	 * allocated (and the freed ones reused) by the memset after it.
	 */
	noise = map_anon(NOISE_SIZE);
	ASSERT_NE(NULL, noise);
	self->noise = noise;
	ASSERT_EQ(0, munmap(backing, SLOT_SIZE));
	for (i = 0; i < NOISE_SIZE / 8; i++)
		noise[i] = PATTERN_B;

	ret = vcpu_run(vm);
	TH_LOG("%s: after munmap: KVM_RUN %s; %s", dev_label(),
	       ret < 0 ? strerror(-ret) : "ok", vcpu_exit_str(vm));
	if (ret == KVM_EXIT_IO && vcpu_is_report(vm) &&
	    vcpu_io_value(vm) == 2) {
		value = report64(_metadata, vm);
		where = report64(_metadata, vm);
		ASSERT_NE(PATTERN_B, value)
			TH_LOG("the guest reads freed memory at %#llx",
			       (unsigned long long)where);
		ASSERT_EQ(PATTERN_A, value)
			TH_LOG("the guest reads %#llx at %#llx",
			       (unsigned long long)value,
			       (unsigned long long)where);
	}
	if (dev_is_hvm()) {
		/* hvmod: the pages stay pinned, the guest keeps A. */
		ASSERT_EQ(KVM_EXIT_IO, ret);
		ASSERT_TRUE(vcpu_is_report(vm));
		ASSERT_EQ(3U, vcpu_io_value(vm));
		ASSERT_EXIT(vm, KVM_EXIT_HLT);
	} else {
		/* KVM: the mapping is gone, so is the page. */
		ASSERT_EQ(-EFAULT, ret);
	}

	if (dev_is_hvm())
		pinned_before = pinned_pages();
	ASSERT_EQ(0, set_slot(vm, 0, backing));
	if (dev_is_hvm()) {
		/* The delete unpins the slot's pages, and only those. */
		ASSERT_EQ(pinned_before - (long)(SLOT_SIZE / page_size()),
			  pinned_pages());
	}
	/* The noise is untouched by all this. */
	for (i = 0; i < NOISE_SIZE / 8; i += 512) {
		ASSERT_EQ(PATTERN_B, noise[i]);
	}
}

TEST_F(munmap_backing, before_touch)
{
	struct guest_vm *vm = self->vm;
	uint64_t rip = GUEST_GPA(munmap_guest, munmap_read);
	void *backing;
	unsigned int i;
	int ret;

	backing = map_anon(SLOT_SIZE);
	ASSERT_NE(NULL, backing);
	ASSERT_EQ(0, set_slot(vm, SLOT_SIZE, backing));
	ASSERT_EQ(0, munmap(backing, SLOT_SIZE));
	start_guest(vm, rip);
	for (i = 0; i < 2; i++) {
		ret = vcpu_run(vm);
		ASSERT_EQ(-EFAULT, ret) TH_LOG("run %u: %s", i,
					       vcpu_exit_str(vm));
		/* The first load, MOV (%rdi), %rbx, did not complete. */
		ASSERT_EQ(rip + 6, vcpu_get_rip(vm));
	}
	ASSERT_EQ(0, set_slot(vm, 0, backing));
	/* Without the slot, the same load is an MMIO read. */
	ASSERT_EXIT(vm, KVM_EXIT_MMIO);
	ASSERT_EQ(SLOT_GPA, vm->run->mmio.phys_addr);
	ASSERT_EQ(0U, vm->run->mmio.is_write);
	ASSERT_EQ(8U, vm->run->mmio.len);
}

TEST_HARNESS_MAIN
