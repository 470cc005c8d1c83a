// SPDX-License-Identifier: GPL-2.0-only
/*
 * memslots: KVM_SET_USER_MEMORY_REGION on the VM fd of the device under
 * test (HVM_DEV): create, modify, move and delete slots, the limits, and
 * every errno.
 *
 * KVM 6.1 reference (virt/kvm/kvm_main.c unless noted):
 *   kvm_vm_ioctl(): -EIO from another mm, copy_from_user() -> -EFAULT;
 *   kvm_vm_ioctl_set_memory_region(): (u16)slot >= KVM_USER_MEM_SLOTS;
 *   check_memory_region_flags(): LOG_DIRTY_PAGES | READONLY only;
 *   __kvm_set_memory_region(): size, gpa and userspace_addr page-aligned,
 *     access_ok() over the size, address space, gpa + size wrap,
 *     KVM_MEM_MAX_NR_PAGES; size 0 deletes (-EINVAL if no slot); an
 *     existing slot may only move; overlap -EEXIST
 *     (kvm_check_memslot_overlap());
 *   arch/x86/kvm/x86.c:kvm_arch_prepare_memory_region(): the last gfn of a
 *     created or moved slot must not exceed kvm_mmu_max_gfn().
 * Every errno is the same on hvm and kvm, except where a test branches on
 * dev_is_hvm() and says why (hvmod's differences on purpose).
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "harness.h"
#include "hvm_test.h"

/* hvmod's KVM_CAP_NR_MEMSLOTS (HVM_MEMSLOTS). */
#define HVM_NR_MEMSLOTS		32
/* KVM_MEM_MAX_NR_PAGES, include/linux/kvm_host.h. */
#define MEM_MAX_NR_PAGES	((1ULL << 31) - 1)
/* hvmod's 4-level nested tables translate guest-physical bits 47:0. */
#define HVM_GPA_BITS		48
/* Pages of the fixture's backing mapping. */
#define BACKING_PAGES		16
#define KERNEL_ADDR		0xffff800000000000ULL
#define GPA_4G			0x100000000ULL

FIXTURE(memslots) {
	int dev;
	int vm;
	unsigned long pg;
	char *mem;		/* BACKING_PAGES anonymous pages */
};

FIXTURE_SETUP(memslots)
{
	self->pg = page_size();
	self->dev = dev_open();
	ASSERT_LE(0, self->dev)
		TH_LOG("open %s: %s", dev_path(), strerror(-self->dev));
	self->vm = vm_create(self->dev);
	ASSERT_LE(0, self->vm) TH_LOG("KVM_CREATE_VM: %s", strerror(-self->vm));
	self->mem = mmap(NULL, BACKING_PAGES * self->pg,
			 PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem) TH_LOG("mmap: %s", strerror(errno));
}

FIXTURE_TEARDOWN(memslots)
{
	munmap(self->mem, BACKING_PAGES * self->pg);
	close(self->vm);
	close(self->dev);
}

/* KVM_SET_USER_MEMORY_REGION: 0, or the errno. */
static int set_region(int vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		      uint64_t size, uint64_t uaddr)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = uaddr,
	};

	return ioctl_errno(vm, KVM_SET_USER_MEMORY_REGION, (unsigned long)&r);
}

static int delete_region(int vm, uint32_t slot)
{
	return set_region(vm, slot, 0, 0, 0, 0);
}

/* Address of page @n of the fixture's backing. */
#define UA(n)		((uint64_t)(uintptr_t)(self->mem + (n) * self->pg))
#define PAGES(n)	((uint64_t)(n) * self->pg)

/* CPUID 0x80000008 EAX[7:0]: the MAXPHYADDR KVM reads (mmu.h). */
static unsigned int host_phys_bits(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (__get_cpuid_max(0x80000000, NULL) < 0x80000008)
		return 0;
	__cpuid(0x80000008, eax, ebx, ecx, edx);
	return eax & 0xff;
}

/* kvm-amd's npt / kvm-intel's ept parameter: does KVM use nested paging? */
static bool kvm_tdp_enabled(void)
{
	static const char * const params[] = {
		"/sys/module/kvm_amd/parameters/npt",
		"/sys/module/kvm_intel/parameters/ept",
	};
	unsigned int i;
	char c = 'Y';
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		f = fopen(params[i], "re");
		if (!f)
			continue;
		if (fread(&c, 1, 1, f) != 1)
			c = 'Y';
		fclose(f);
		break;
	}
	return c == 'Y' || c == '1';
}

/*
 * Guest-physical address bits a slot may use. KVM: kvm_mmu_max_gfn(), the
 * host MAXPHYADDR with nested paging, else 52. hvmod: the same, capped at
 * the 48 bits of its 4-level nested tables (a difference on purpose; it
 * shows only on hosts with MAXPHYADDR > 48).
 */
static unsigned int slot_gpa_bits(void)
{
	unsigned int bits = host_phys_bits();

	if (dev_is_hvm())
		return bits < HVM_GPA_BITS ? bits : HVM_GPA_BITS;
	return kvm_tdp_enabled() ? bits : 52;
}

/*
 * The end of user space, TASK_SIZE_MAX (access_ok()'s limit): 2^47 or,
 * with 5-level paging, 2^56, less one page. Only a 5-level kernel lets a
 * fixed mapping sit above 2^47.
 */
static uint64_t user_space_end(unsigned long pg)
{
	void *hi = (void *)(1ULL << 50);
	void *p;

	p = mmap(hi, pg, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == hi) {
		munmap(p, pg);
		return (1ULL << 56) - pg;
	}
	if (p != MAP_FAILED)
		munmap(p, pg);
	return (1ULL << 47) - pg;
}

TEST_F(memslots, caps)
{
	long nr = check_cap(self->dev, KVM_CAP_NR_MEMSLOTS);
	long as = check_cap(self->dev, KVM_CAP_MULTI_ADDRESS_SPACE);

	TH_LOG("%s: NR_MEMSLOTS %ld MULTI_ADDRESS_SPACE %ld", dev_label(),
	       nr, as);
	ASSERT_EQ(1, check_cap(self->dev, KVM_CAP_USER_MEMORY));
	ASSERT_EQ(1, check_cap(self->dev, KVM_CAP_READONLY_MEM));
	ASSERT_EQ(nr, check_cap(self->vm, KVM_CAP_NR_MEMSLOTS));
	/* The issue asks for at least 32 slots. */
	ASSERT_LE(HVM_NR_MEMSLOTS, nr);
	if (dev_is_hvm()) {
		/* hvmod: 32 slots and one address space (no SMM). */
		ASSERT_EQ(HVM_NR_MEMSLOTS, nr);
		ASSERT_EQ(0, as);
	} else {
		/* KVM x86: KVM_USER_MEM_SLOTS, 2 address spaces (SMM). */
		ASSERT_EQ(2, as);
	}
}

TEST_F(memslots, create_modify_delete)
{
	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0, PAGES(2), UA(0)));
	/* The same parameters again: nothing to change. */
	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0, PAGES(2), UA(0)));
	/* An existing slot cannot change its backing or size... */
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, 0, PAGES(2), UA(2)));
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, 0, PAGES(1), UA(0)));
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, 0, PAGES(3), UA(0)));
	/* ...or become read-only. */
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, KVM_MEM_READONLY, 0,
				     PAGES(2), UA(0)));
	ASSERT_EQ(0, delete_region(self->vm, 0));
	ASSERT_EQ(EINVAL, delete_region(self->vm, 0));
}

TEST_F(memslots, readonly)
{
	ASSERT_EQ(0, set_region(self->vm, 1, KVM_MEM_READONLY, 0, PAGES(1),
				UA(0)));
	/* Stored: the same call is a no-op, dropping the flag is not. */
	ASSERT_EQ(0, set_region(self->vm, 1, KVM_MEM_READONLY, 0, PAGES(1),
				UA(0)));
	ASSERT_EQ(EINVAL, set_region(self->vm, 1, 0, 0, PAGES(1), UA(0)));
	/* A read-only slot moves like any other. */
	ASSERT_EQ(0, set_region(self->vm, 1, KVM_MEM_READONLY, PAGES(8),
				PAGES(1), UA(0)));
	ASSERT_EQ(0, delete_region(self->vm, 1));
}

TEST_F(memslots, flags)
{
	unsigned int bit;
	int err;

	for (bit = 2; bit < 32; bit++) {
		EXPECT_EQ(EINVAL, set_region(self->vm, 0, 1U << bit, 0,
					     PAGES(1), UA(0)))
			TH_LOG("flag bit %u", bit);
	}
	/*
	 * hvmod has no dirty logging and refuses KVM_MEM_LOG_DIRTY_PAGES
	 * rather than accept a flag it would not honour; KVM accepts it.
	 */
	err = set_region(self->vm, 0, KVM_MEM_LOG_DIRTY_PAGES, 0, PAGES(1),
			 UA(0));
	ASSERT_EQ(dev_is_hvm() ? EINVAL : 0, err);
	err = set_region(self->vm, 1, KVM_MEM_LOG_DIRTY_PAGES |
			 KVM_MEM_READONLY, PAGES(1), PAGES(1), UA(1));
	ASSERT_EQ(dev_is_hvm() ? EINVAL : 0, err);
}

TEST_F(memslots, move)
{
	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0, PAGES(2), UA(0)));
	ASSERT_EQ(0, set_region(self->vm, 1, 0, PAGES(16), PAGES(1), UA(2)));
	/* Away, then onto the other slot's last page: -EEXIST. */
	ASSERT_EQ(0, set_region(self->vm, 0, 0, PAGES(32), PAGES(2), UA(0)));
	ASSERT_EQ(EEXIST, set_region(self->vm, 0, 0, PAGES(15), PAGES(2),
				     UA(0)));
	/* Overlapping its own old place is fine. */
	ASSERT_EQ(0, set_region(self->vm, 0, 0, PAGES(33), PAGES(2), UA(0)));
	/* The place it left is free. */
	ASSERT_EQ(0, set_region(self->vm, 2, 0, 0, PAGES(2), UA(4)));
	/*
	 * The modify checks come before the overlap check: a new size on
	 * top of another slot is -EINVAL, not -EEXIST.
	 */
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, PAGES(16), PAGES(3),
				     UA(0)));
	/* A move above 4 GiB. */
	ASSERT_EQ(0, set_region(self->vm, 0, 0, GPA_4G, PAGES(2), UA(0)));
}

TEST_F(memslots, overlap)
{
	const uint64_t base = PAGES(16);

	ASSERT_EQ(0, set_region(self->vm, 0, 0, base, PAGES(4), UA(0)));
	/* Same range, starting below, ending inside, inside, around. */
	ASSERT_EQ(EEXIST, set_region(self->vm, 1, 0, base, PAGES(4), UA(4)));
	ASSERT_EQ(EEXIST, set_region(self->vm, 1, 0, base - PAGES(1),
				     PAGES(2), UA(4)));
	ASSERT_EQ(EEXIST, set_region(self->vm, 1, 0, base + PAGES(3),
				     PAGES(2), UA(4)));
	ASSERT_EQ(EEXIST, set_region(self->vm, 1, 0, base + PAGES(1),
				     PAGES(1), UA(4)));
	ASSERT_EQ(EEXIST, set_region(self->vm, 1, 0, base - PAGES(1),
				     PAGES(8), UA(4)));
	/* Adjacent on either side. */
	ASSERT_EQ(0, set_region(self->vm, 1, 0, base - PAGES(1), PAGES(1),
				UA(4)));
	ASSERT_EQ(0, set_region(self->vm, 2, 0, base + PAGES(4), PAGES(1),
				UA(5)));
	/* Slots may share their backing (host aliases are allowed). */
	ASSERT_EQ(0, set_region(self->vm, 3, 0, PAGES(64), PAGES(4), UA(0)));
}

TEST_F(memslots, delete_recreate)
{
	ASSERT_EQ(0, set_region(self->vm, 5, 0, 0, PAGES(4), UA(0)));
	ASSERT_EQ(0, delete_region(self->vm, 5));
	/* The id and the range are free again, with any parameters. */
	ASSERT_EQ(0, set_region(self->vm, 5, KVM_MEM_READONLY, PAGES(2),
				PAGES(2), UA(8)));
	ASSERT_EQ(0, set_region(self->vm, 6, 0, 0, PAGES(2), UA(0)));
	/* Size 0 deletes whatever the other fields say. */
	ASSERT_EQ(0, set_region(self->vm, 5, KVM_MEM_READONLY, PAGES(100), 0,
				UA(3)));
	ASSERT_EQ(EINVAL, delete_region(self->vm, 5));
	ASSERT_EQ(0, set_region(self->vm, 5, 0, PAGES(2), PAGES(2), UA(8)));
}

TEST_F(memslots, delete_nonexistent)
{
	/* __kvm_set_memory_region(): !old || !old->npages -> -EINVAL. */
	ASSERT_EQ(EINVAL, delete_region(self->vm, 0));
	ASSERT_EQ(EINVAL, delete_region(self->vm, HVM_NR_MEMSLOTS - 1));
	ASSERT_EQ(EINVAL, set_region(self->vm, 3, 0, PAGES(4), 0, UA(0)));
}

TEST_F_TIMEOUT(memslots, all_slots, 300)
{
	long nr = check_cap(self->dev, KVM_CAP_NR_MEMSLOTS);
	struct timespec t0, t1;
	size_t len;
	char *mem;
	long i;
	int err;

	ASSERT_LT(0, nr);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* One page per slot from one mapping, never touched. */
	len = nr * self->pg;
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, mem) TH_LOG("mmap: %s", strerror(errno));
	for (i = 0; i < nr; i++) {
		err = set_region(self->vm, i, 0, PAGES(i), PAGES(1),
				 (uintptr_t)mem + PAGES(i));
		ASSERT_EQ(0, err) TH_LOG("slot %ld: %s", i, strerror(err));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("%s: %ld slots created in %.2f s", dev_label(), nr,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	/* kvm_vm_ioctl_set_memory_region(): id >= the count. */
	ASSERT_EQ(EINVAL, set_region(self->vm, nr, 0, PAGES(nr), PAGES(1),
				     (uintptr_t)mem));
	ASSERT_EQ(EINVAL, delete_region(self->vm, nr));
	/* All slots used: a delete makes room for a re-create. */
	ASSERT_EQ(0, delete_region(self->vm, nr - 1));
	ASSERT_EQ(0, set_region(self->vm, nr - 1, 0, GPA_4G, PAGES(1),
				(uintptr_t)mem));
	munmap(mem, len);
}

TEST_F(memslots, slot_field)
{
	/* Bits 0-15: the id; 0xffff is past any slot count. */
	ASSERT_EQ(EINVAL, set_region(self->vm, 0xffff, 0, 0, PAGES(1), UA(0)));
	if (dev_is_hvm()) {
		/* hvmod accepts HVM_NR_MEMSLOTS ids, so 32 already fails. */
		ASSERT_EQ(EINVAL, set_region(self->vm, HVM_NR_MEMSLOTS, 0, 0,
					     PAGES(1), UA(0)));
	}
	/* Bits 16-31: the address space; x86 KVM has two (SMM). */
	ASSERT_EQ(EINVAL, set_region(self->vm, 2 << 16, 0, 0, PAGES(1),
				     UA(0)));
	ASSERT_EQ(EINVAL, set_region(self->vm, 0xffff0000, 0, 0, PAGES(1),
				     UA(0)));
	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0, PAGES(1), UA(0)));
	/*
	 * Address space 1 is KVM's SMM space, where the same gpa does not
	 * overlap address space 0. hvmod has no SMM and refuses it.
	 */
	ASSERT_EQ(dev_is_hvm() ? EINVAL : 0,
		  set_region(self->vm, 1 << 16, 0, 0, PAGES(1), UA(0)));
}

TEST_F(memslots, misaligned)
{
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, 0, self->pg / 2, UA(0)));
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, 0, PAGES(1) + 1, UA(0)));
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, self->pg / 2, PAGES(1),
				     UA(0)));
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, GPA_4G + 8, PAGES(1),
				     UA(0)));
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, 0, PAGES(1),
				     UA(0) + 64));
	/* Deleting checks the alignment of the other fields too. */
	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0, PAGES(1), UA(0)));
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, 0, 0, UA(0) + 64));
}

TEST_F(memslots, wrap_and_size)
{
	/* gpa + size wraps (to 0, and past 0). */
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, -PAGES(1), PAGES(1),
				     UA(0)));
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, -PAGES(1), PAGES(2),
				     UA(0)));
	/* More than KVM_MEM_MAX_NR_PAGES pages (within user space). */
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, 0,
				     PAGES(MEM_MAX_NR_PAGES + 1), UA(0)));
}

TEST_F(memslots, above_4g)
{
	ASSERT_EQ(0, set_region(self->vm, 0, 0, GPA_4G, PAGES(4), UA(0)));
	ASSERT_EQ(0, set_region(self->vm, 1, 0, 0, PAGES(4), UA(4)));
	ASSERT_EQ(EEXIST, set_region(self->vm, 2, 0, GPA_4G + PAGES(3),
				     PAGES(1), UA(8)));
	ASSERT_EQ(0, delete_region(self->vm, 0));
	ASSERT_EQ(0, set_region(self->vm, 2, 0, GPA_4G + PAGES(3), PAGES(1),
				UA(8)));
}

TEST_F(memslots, max_gpa)
{
	unsigned int bits = host_phys_bits();
	uint64_t top;

	ASSERT_LT(0U, bits) TH_LOG("no CPUID 0x80000008");
	bits = slot_gpa_bits();
	top = 1ULL << bits;
	TH_LOG("%s: host MAXPHYADDR %u, slots below 2^%u", dev_label(),
	       host_phys_bits(), bits);
	/*
	 * kvm_arch_prepare_memory_region(): last gfn <= kvm_mmu_max_gfn().
	 * Crossing the limit by one page, just past it, just below it.
	 */
	ASSERT_EQ(EINVAL, set_region(self->vm, 1, 0, top - PAGES(1),
				     PAGES(2), UA(1)));
	ASSERT_EQ(EINVAL, set_region(self->vm, 1, 0, top, PAGES(1), UA(1)));
	ASSERT_EQ(0, set_region(self->vm, 0, 0, top - PAGES(1), PAGES(1),
				UA(0)));
	/* The overlap check comes first: -EEXIST, not -EINVAL. */
	ASSERT_EQ(EEXIST, set_region(self->vm, 1, 0, top - PAGES(1),
				     PAGES(2), UA(1)));
	/* A move past the limit. */
	ASSERT_EQ(0, set_region(self->vm, 1, 0, 0, PAGES(1), UA(1)));
	ASSERT_EQ(EINVAL, set_region(self->vm, 1, 0, top, PAGES(1), UA(1)));
}

TEST_F(memslots, bad_uaddr)
{
	uint64_t end = user_space_end(self->pg);

	TH_LOG("end of user space 0x%llx", (unsigned long long)end);

	/* access_ok() over the whole size: a kernel address. */
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, 0, PAGES(1), KERNEL_ADDR));
	/* Ending at the end of user space is fine, one page more is not. */
	ASSERT_EQ(EINVAL, set_region(self->vm, 0, 0, 0, PAGES(2),
				     end - PAGES(1)));
	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0, PAGES(1), end - PAGES(1)));
	/*
	 * Only the range is checked, not what is mapped there: an unmapped
	 * address, even 0, is accepted (a later guest access fails).
	 */
	ASSERT_EQ(0, set_region(self->vm, 1, 0, PAGES(1), PAGES(1), 0));
}

TEST_F(memslots, efault)
{
	struct kvm_userspace_memory_region *r;
	char *two;

	ASSERT_EQ(EFAULT, ioctl_errno(self->vm, KVM_SET_USER_MEMORY_REGION, 0));
	/* A struct that runs into an inaccessible page. */
	two = mmap(NULL, PAGES(2), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, two);
	ASSERT_EQ(0, mprotect(two + self->pg, self->pg, PROT_NONE));
	r = (void *)(two + self->pg - 8);
	memset(r, 0, 8);
	ASSERT_EQ(EFAULT, ioctl_errno(self->vm, KVM_SET_USER_MEMORY_REGION,
				      (unsigned long)r));
	munmap(two, PAGES(2));
}

TEST_F(memslots, per_vm)
{
	int vm2 = vm_create(self->dev);

	ASSERT_LE(0, vm2) TH_LOG("KVM_CREATE_VM: %s", strerror(-vm2));
	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0, PAGES(2), UA(0)));
	ASSERT_EQ(0, set_region(vm2, 0, 0, 0, PAGES(2), UA(0)));
	ASSERT_EQ(0, set_region(vm2, 1, 0, PAGES(2), PAGES(2), UA(2)));
	ASSERT_EQ(EINVAL, delete_region(self->vm, 1));
	close(vm2);
}

/* kvm_vm_ioctl(): another mm gets -EIO before the argument is read. */
TEST_F(memslots, other_mm)
{
	pid_t pid;

	ASSERT_EQ(0, set_region(self->vm, 0, 0, 0, PAGES(1), UA(0)));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (set_region(self->vm, 1, 0, PAGES(1), PAGES(1),
			       UA(1)) != EIO)
			_exit(1);
		if (ioctl_errno(self->vm, KVM_SET_USER_MEMORY_REGION, 0) != EIO)
			_exit(2);
		_exit(delete_region(self->vm, 0) == EIO ? 0 : 3);
	}
	ASSERT_EQ(0, wait_child(pid));
	/* Nothing changed: slot 0 is there, slot 1 is not. */
	ASSERT_EQ(EEXIST, set_region(self->vm, 1, 0, 0, PAGES(1), UA(1)));
	ASSERT_EQ(EINVAL, delete_region(self->vm, 1));
}

/*
 * The deprecated KVM_SET_MEMORY_REGION is gone from KVM 6.1 (no handler in
 * kvm_vm_ioctl() or kvm_arch_vm_ioctl()): the VM fd's unknown-ioctl errno.
 */
TEST_F(memslots, legacy_ioctl)
{
	struct kvm_memory_region r = {
		.memory_size = PAGES(1),
	};

	ASSERT_EQ(ENOTTY, ioctl_errno(self->vm, KVM_SET_MEMORY_REGION,
				      (unsigned long)&r));
}

TEST_HARNESS_MAIN
