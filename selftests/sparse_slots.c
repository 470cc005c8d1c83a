// SPDX-License-Identifier: GPL-2.0-only
/*
 * sparse_slots: a long-mode guest using slots at sparse guest-physical
 * addresses, and many small slots at once.  The guest
 * (guest/sparse_slots.S) stores a value at each address of a table,
 * loads it back and reports it.
 *
 * sparse: slots of 2 MiB at 4 GiB, 64 GiB + 2 MiB and just below the
 * top of the guest-physical space, 2^bits - 2 MiB, where bits is the
 * device's KVM_GET_SUPPORTED_CPUID 0x80000008 EAX[7:0] (the guest's
 * MAXPHYADDR; set with KVM_SET_CPUID2), at most the host's and at most
 * 48 (the reach of 4-level nested paging, hvmod's limit).  The library
 * identity-maps only the first 8 GiB, so the test adds a PD of its own
 * (PDPT entry 16: virtual 16 GiB + 2 MiB * i maps region i).  Slots:
 * the signature is in the slot's host mapping at the same offset, and
 * the load returns it.  Holes next to each slot (just above, just
 * below): the store is a KVM_EXIT_MMIO write with the exact GPA, the
 * load an MMIO read at the same GPA, whose answer the guest reports.
 *
 * many: KVM_CAP_NR_MEMSLOTS is at least 32, and that many slots (at
 * most 64: KVM has 32764) of one page each, every other page, exist at
 * once; the guest touches each, and a hole between two is MMIO.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "guest_harness.h"
#include "hvm_test.h"

#define MIB		(1ULL << 20)
#define GIB		(1ULL << 30)
#define SPARSE_SIZE	(2 * MIB)
#define EXTRA_PD_GPA	0x100000ULL	/* a free page of slot 0 */
#define WINDOW_PDPTE	16		/* virtual 16 GiB */
#define WINDOW_VA	(WINDOW_PDPTE * GIB)
#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)
#define MAX_SMALL	64
#define SMALL_GPA	0x80000000ULL

GUEST_CODE_DECLARE(sparse_guest);

struct access {
	uint64_t va;
	uint64_t gpa;
	uint64_t value;
	uint64_t *host;		/* NULL: a hole, MMIO */
};

FIXTURE(sparse_slots) {
	struct guest_vm *vm;
	void *small;
	size_t small_size;
};

FIXTURE_SETUP(sparse_slots)
{
	self->small = NULL;
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
}

FIXTURE_TEARDOWN(sparse_slots)
{
	vm_destroy(self->vm);
	if (self->small)
		munmap(self->small, self->small_size);
}

/* Writes the table of @n accesses and runs the guest through it. */
static void run_table(struct __test_metadata *_metadata,
		      struct guest_vm *vm, const struct access *a,
		      unsigned int n)
{
	uint64_t table[2 * 128 + 2] = { 0 };
	struct kvm_run *run = vm->run;
	unsigned int i;

	ASSERT_GE(128U, n);
	for (i = 0; i < n; i++) {
		table[2 * i] = a[i].va;
		table[2 * i + 1] = a[i].value;
	}
	guest_write(vm, GUEST_DATA_GPA, table, sizeof(table));
	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(sparse_guest));
	for (i = 0; i < n; i++) {
		uint64_t expect = a[i].value, got;

		if (!a[i].host) {
			ASSERT_EXIT(vm, KVM_EXIT_MMIO);
			ASSERT_EQ(a[i].gpa, run->mmio.phys_addr)
				TH_LOG("access %u: %s", i, vcpu_exit_str(vm));
			ASSERT_EQ(1U, run->mmio.is_write);
			ASSERT_EQ(8U, run->mmio.len);
			ASSERT_EQ(a[i].value, vcpu_mmio_value(vm));
			ASSERT_EXIT(vm, KVM_EXIT_MMIO);
			ASSERT_EQ(a[i].gpa, run->mmio.phys_addr)
				TH_LOG("access %u: %s", i, vcpu_exit_str(vm));
			ASSERT_EQ(0U, run->mmio.is_write);
			ASSERT_EQ(8U, run->mmio.len);
			expect = ~a[i].value;
			vcpu_mmio_complete_read(vm, expect);
		}
		ASSERT_EXIT(vm, KVM_EXIT_IO);
		ASSERT_TRUE(vcpu_is_report(vm)) TH_LOG("%s", vcpu_exit_str(vm));
		got = vcpu_io_value(vm);
		ASSERT_EXIT(vm, KVM_EXIT_IO);
		ASSERT_TRUE(vcpu_is_report(vm)) TH_LOG("%s", vcpu_exit_str(vm));
		got |= vcpu_io_value(vm) << 32;
		ASSERT_EQ(expect, got) TH_LOG("access %u at GPA %#llx", i,
					      (unsigned long long)a[i].gpa);
		if (a[i].host) {
			ASSERT_EQ(a[i].value, *a[i].host)
				TH_LOG("access %u at GPA %#llx", i,
				       (unsigned long long)a[i].gpa);
		}
	}
	ASSERT_EXIT(vm, KVM_EXIT_HLT);
}

/* The guest's MAXPHYADDR for this test (see the top of the file). */
static unsigned int gpa_bits(struct guest_vm *vm, struct kvm_cpuid2 *cpuid)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(cpuid, 0x80000008, 0);
	unsigned int eax, ebx, ecx, edx, bits;

	(void)vm;
	if (!e || !__get_cpuid(0x80000008, &eax, &ebx, &ecx, &edx))
		return 0;
	bits = e->eax & 0xff;
	if (bits > (eax & 0xff))
		bits = eax & 0xff;
	return bits > 48 ? 48 : bits;
}

TEST_F(sparse_slots, sparse)
{
	struct guest_vm *vm = self->vm;
	struct kvm_cpuid2 *cpuid = get_supported_cpuid(vm);
	uint64_t region[7], top, *pdpt, *pd;
	struct access a[16];
	char *slot[3];
	unsigned int bits, i, n = 0;

	ASSERT_NE(NULL, cpuid);
	bits = gpa_bits(vm, cpuid);
	ASSERT_LE(37U, bits) TH_LOG("MAXPHYADDR %u", bits);
	top = 1ULL << bits;
	TH_LOG("%s: guest MAXPHYADDR %u (device %u), top slot at %#llx",
	       dev_label(), bits,
	       cpuid_find(cpuid, 0x80000008, 0)->eax & 0xff,
	       (unsigned long long)(top - SPARSE_SIZE));
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_SET_CPUID2,
				 (unsigned long)cpuid));
	free(cpuid);

	region[0] = 4 * GIB;				/* slot */
	region[1] = 4 * GIB + SPARSE_SIZE;		/* hole */
	region[2] = 64 * GIB;				/* hole */
	region[3] = 64 * GIB + SPARSE_SIZE;		/* slot */
	region[4] = 64 * GIB + 2 * SPARSE_SIZE;		/* hole */
	region[5] = top - 2 * SPARSE_SIZE;		/* hole */
	region[6] = top - SPARSE_SIZE;			/* slot */
	slot[0] = vm_add_slot(vm, 1, region[0], SPARSE_SIZE, 0);
	slot[1] = vm_add_slot(vm, 2, region[3], SPARSE_SIZE, 0);
	slot[2] = vm_add_slot(vm, 3, region[6], SPARSE_SIZE, 0);

	/* Virtual WINDOW_VA + 2 MiB * i -> region i, 2 MiB pages. */
	pdpt = guest_hva(vm, GUEST_PT_GPA + 0x1000);
	pd = guest_hva(vm, EXTRA_PD_GPA);
	ASSERT_NE(NULL, pd);
	pdpt[WINDOW_PDPTE] = EXTRA_PD_GPA | PTE_P | PTE_RW;
	for (i = 0; i < 7; i++)
		pd[i] = region[i] | PTE_P | PTE_RW | PTE_PS;

#define ACCESS(r, off, host_base) do {					\
	a[n].va = WINDOW_VA + (r) * SPARSE_SIZE + (off);		\
	a[n].gpa = region[r] + (off);					\
	a[n].value = 0x5153000000000000ULL | a[n].gpa;			\
	a[n].host = (host_base) ? (uint64_t *)((host_base) + (off)) :	\
				  NULL;					\
	n++;								\
} while (0)
	ACCESS(0, 0, slot[0]);
	ACCESS(0, 0x1ff8, slot[0]);
	ACCESS(0, SPARSE_SIZE - 8, slot[0]);
	ACCESS(1, 0, NULL);			/* just above slot 1 */
	ACCESS(1, 0x123450, NULL);
	ACCESS(2, SPARSE_SIZE - 8, NULL);	/* just below slot 2 */
	ACCESS(3, 0, slot[1]);
	ACCESS(3, SPARSE_SIZE - 8, slot[1]);
	ACCESS(4, 0, NULL);			/* just above slot 2 */
	ACCESS(5, SPARSE_SIZE - 8, NULL);	/* just below slot 3 */
	ACCESS(6, 0, slot[2]);
	ACCESS(6, 0x7777 * 8, slot[2]);
	ACCESS(6, SPARSE_SIZE - 8, slot[2]);
#undef ACCESS
	run_table(_metadata, vm, a, n);
}

TEST_F(sparse_slots, many)
{
	struct guest_vm *vm = self->vm;
	long nr = check_cap(vm->dev, KVM_CAP_NR_MEMSLOTS);
	struct access a[MAX_SMALL + 1];
	long pg = page_size();
	unsigned int i, n = 0;

	TH_LOG("%s: KVM_CAP_NR_MEMSLOTS %ld", dev_label(), nr);
	ASSERT_LE(32, nr);
	if (nr > MAX_SMALL)
		nr = MAX_SMALL;
	self->small_size = nr * pg;
	self->small = mmap(NULL, self->small_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->small);
	/* Slot 0 is the library's; ids 1 .. nr - 1, every other page. */
	for (i = 1; i < nr; i++) {
		struct kvm_userspace_memory_region r = {
			.slot = i,
			.guest_phys_addr = SMALL_GPA + 2 * i * pg,
			.memory_size = pg,
			.userspace_addr = (uintptr_t)self->small + i * pg,
		};

		ASSERT_EQ(0, ioctl_errno(vm->vm, KVM_SET_USER_MEMORY_REGION,
					 (unsigned long)&r))
			TH_LOG("slot %u", i);
		a[n].gpa = r.guest_phys_addr + 8 * i;
		a[n].va = a[n].gpa;		/* identity-mapped */
		a[n].value = 0x4d53000000000000ULL | (uint64_t)i << 32 |
			     a[n].gpa;
		a[n].host = (uint64_t *)((char *)self->small + i * pg +
					 8 * i);
		n++;
	}
	/* The page between slots 1 and 2: no slot. */
	a[n].gpa = SMALL_GPA + 3 * pg + 0x100;
	a[n].va = a[n].gpa;
	a[n].value = 0x484f4c4500000000ULL;
	a[n].host = NULL;
	n++;
	run_table(_metadata, vm, a, n);
}

TEST_HARNESS_MAIN
