// SPDX-License-Identifier: GPL-2.0-only
/*
 * large_pages: guest memory backed by the host's transparent huge pages.
 * A 4 MiB slot at a 2 MiB-aligned GPA, with a 2 MiB-aligned backing that
 * THP fills with huge pages (MADV_HUGEPAGE; the sandbox kernel's THP mode
 * is "always"): the guest reads what userspace wrote in every 4 KiB page
 * and writes back, through whatever mappings the hypervisor chose.
 *
 * hvmod maps such a frame with one 2 MiB nested leaf (kmod/mmu.c): its
 * "large_mappings" counter (debugfs objects) must drop by the number of
 * huge pages backing the slot when the slot is deleted. The
 * same guest checks run on kvm, which maps huge pages too (its own
 * counters are not compared). A backing offset by 4 KiB from the GPA's
 * 2 MiB alignment cannot use 2 MiB leaves: none on hvm, and the guest
 * still sees the right pages.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "guest_harness.h"
#include "hvm_test.h"

#define SZ_2M		0x200000UL
#define SLOT_ID		1
#define SLOT_GPA	0x40000000ULL	/* 1 GiB: inside the identity map */
#define SLOT_SIZE	(2 * SZ_2M)
#define SLOT_PAGES	(SLOT_SIZE / 4096)

GUEST_CODE_DECLARE(large_pages_guest);

FIXTURE(large_pages) {
	struct guest_vm *vm;
	char *area;		/* mapping that holds the aligned backing */
	size_t area_size;
};

FIXTURE_SETUP(large_pages)
{
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	self->area_size = SLOT_SIZE + 2 * SZ_2M;
	self->area = mmap(NULL, self->area_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->area);
}

FIXTURE_TEARDOWN(large_pages)
{
	munmap(self->area, self->area_size);
	vm_destroy(self->vm);
}

/* Huge pages backing [@p, @p + @len), from /proc/self/smaps, in KiB. */
static long anon_huge_kib(const void *p, size_t len)
{
	unsigned long start, end, want = (unsigned long)p;
	char line[256];
	long kib = -1;
	bool in = false;
	FILE *f;

	f = fopen("/proc/self/smaps", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 &&
		    strchr(line, '-') < strchr(line, ' '))
			in = start <= want && want + len <= end;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			break;
	}
	fclose(f);
	return kib;
}

/* A backing at @offset from a 2 MiB boundary, filled as the guest expects. */
static char *prepare_backing(struct __test_metadata *_metadata,
			     FIXTURE_DATA(large_pages) *self, size_t offset)
{
	unsigned long base = ((unsigned long)self->area + SZ_2M - 1) &
			     ~(SZ_2M - 1);
	char *mem = (char *)base + offset;
	unsigned long i;

	ASSERT_EQ(0, madvise(mem, SLOT_SIZE, MADV_HUGEPAGE));
	for (i = 0; i < SLOT_PAGES; i++)
		*(uint64_t *)(mem + i * 4096) = SLOT_GPA + i * 4096;
	return mem;
}

static void set_slot(struct __test_metadata *_metadata, struct guest_vm *vm,
		     void *mem, uint64_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = SLOT_ID,
		.guest_phys_addr = SLOT_GPA,
		.memory_size = size,
		.userspace_addr = (uint64_t)(unsigned long)mem,
	};

	ASSERT_EQ(0, ioctl(vm->vm, KVM_SET_USER_MEMORY_REGION, &r))
		TH_LOG("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
}

/* The guest checks and writes every page of the slot; 0 pages differ. */
static void run_guest(struct __test_metadata *_metadata, struct guest_vm *vm,
		      const char *mem)
{
	struct kvm_regs regs;
	unsigned long i, bad = 0;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(large_pages_guest));
	vcpu_get_regs(vm, &regs);
	regs.rdi = SLOT_GPA;
	regs.rcx = SLOT_PAGES;
	vcpu_set_regs(vm, &regs);
	ASSERT_REPORT(vm, 0);
	ASSERT_EXIT(vm, KVM_EXIT_HLT);
	for (i = 0; i < SLOT_PAGES; i++)
		bad += *(const uint64_t *)(mem + i * 4096 + 8) !=
		       ~(SLOT_GPA + i * 4096);
	EXPECT_EQ(0UL, bad) TH_LOG("guest stores missing in %lu pages", bad);
}

static long large_mappings(struct __test_metadata *_metadata)
{
	struct hvm_objects objs;

	ASSERT_EQ(0, read_hvm_objects(&objs));
	return objs.large_mappings;
}

TEST_F(large_pages, aligned)
{
	char *mem = prepare_backing(_metadata, self, 0);
	long huge = anon_huge_kib(mem, SLOT_SIZE);

	/* Without huge pages there is nothing to test: a failure, not a skip. */
	ASSERT_LT(0, huge) TH_LOG("no transparent huge pages behind the slot");
	set_slot(_metadata, self->vm, mem, SLOT_SIZE);
	run_guest(_metadata, self->vm, mem);
	TH_LOG("%s: %ld KiB of huge pages behind the 4 MiB slot", dev_label(),
	       huge);
	/* Slot 0 may have 2 MiB leaves too: count what the delete removes. */
	if (dev_is_hvm()) {
		long before = large_mappings(_metadata);

		set_slot(_metadata, self->vm, mem, 0);
		EXPECT_EQ(huge / 2048, before - large_mappings(_metadata));
	}
}

TEST_F(large_pages, misaligned_backing)
{
	char *mem = prepare_backing(_metadata, self, 4096);

	set_slot(_metadata, self->vm, mem, SLOT_SIZE);
	run_guest(_metadata, self->vm, mem);
	if (dev_is_hvm()) {
		long before = large_mappings(_metadata);

		set_slot(_metadata, self->vm, mem, 0);
		EXPECT_EQ(before, large_mappings(_metadata));
	}
}

TEST_HARNESS_MAIN
