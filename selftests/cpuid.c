// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpuid: KVM_SET_CPUID2 with a small table, then the guest's CPUID
 * returns it.  The table has leaves 0, 1, 7.0, 0x80000000 and 0x80000001
 * from KVM_GET_SUPPORTED_CPUID on the system fd, and a made-up
 * hypervisor range 0x40000000-0x40000001 no CPU has, so the values can
 * only come from the table.  The guest (guest/cpuid.S) reports the four
 * registers of each leaf.
 *
 * KVM 6.1 reference: arch/x86/kvm/cpuid.c: kvm_vcpu_ioctl_set_cpuid2(),
 * kvm_cpuid() (values as set), kvm_update_cpuid_runtime(): a few bits
 * follow guest state rather than the table, and are masked here:
 * 1.ECX OSXSAVE (CR4.OSXSAVE), 1.EDX APIC (APIC_BASE enable, which the
 * backend decides without an in-kernel LAPIC), 7.0.ECX OSPKE (CR4.PKE).
 */
#include <errno.h>
#include <stdlib.h>

#include "guest_harness.h"
#include "hvm_test.h"

#define LEAF_HV			0x40000000
#define CPUID_1_ECX_OSXSAVE	(1U << 27)
#define CPUID_1_EDX_APIC	(1U << 9)
#define CPUID_7_ECX_OSPKE	(1U << 4)

GUEST_CODE_DECLARE(cpuid_guest);

/* Leaves copied from KVM_GET_SUPPORTED_CPUID (if it has them). */
static const uint32_t copied_leaves[][2] = {
	{ 0, 0 }, { 1, 0 }, { 7, 0 }, { 0x80000000, 0 }, { 0x80000001, 0 },
};

/* The made-up leaves: a signature ("hvmodTestVMM") and a pattern. */
static const struct kvm_cpuid_entry2 made_up[] = {
	{ .function = LEAF_HV, .eax = LEAF_HV + 1, .ebx = 0x6f6d7668,
	  .ecx = 0x73655464, .edx = 0x4d4d5674 },
	{ .function = LEAF_HV + 1, .eax = 0x11223344, .ebx = 0x55667788,
	  .ecx = 0x99aabbcc, .edx = 0xddeeff00 },
};

#define MAX_ENTRIES	(ARRAY_SIZE(copied_leaves) + ARRAY_SIZE(made_up))

FIXTURE(cpuid) {
	struct guest_vm *vm;
	struct kvm_cpuid2 *table;
};

FIXTURE_SETUP(cpuid)
{
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	self->table = calloc(1, sizeof(*self->table) +
			     MAX_ENTRIES * sizeof(self->table->entries[0]));
	ASSERT_NE(NULL, self->table);
}

FIXTURE_TEARDOWN(cpuid)
{
	free(self->table);
	vm_destroy(self->vm);
}

/* The supported leaves of copied_leaves[], then the made-up ones. */
static void build_table(struct __test_metadata *_metadata,
			struct guest_vm *vm, struct kvm_cpuid2 *table)
{
	struct kvm_cpuid2 *supported = get_supported_cpuid(vm);
	struct kvm_cpuid_entry2 *e;
	unsigned int i;

	ASSERT_NE(NULL, supported)
		TH_LOG("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	for (i = 0; i < ARRAY_SIZE(copied_leaves); i++) {
		e = cpuid_find(supported, copied_leaves[i][0],
			       copied_leaves[i][1]);
		if (e)
			table->entries[table->nent++] = *e;
	}
	free(supported);
	/* Leaf 0 (max leaf, vendor) at least. */
	ASSERT_LE(1U, table->nent);
	for (i = 0; i < ARRAY_SIZE(made_up); i++)
		table->entries[table->nent++] = made_up[i];
}

/* The guest's list of leaves to query: all of the table's. */
static void write_queries(struct guest_vm *vm, struct kvm_cpuid2 *table)
{
	uint32_t q[1 + 2 * MAX_ENTRIES];
	unsigned int i;

	q[0] = table->nent;
	for (i = 0; i < table->nent; i++) {
		q[1 + 2 * i] = table->entries[i].function;
		q[2 + 2 * i] = table->entries[i].index;
	}
	guest_write(vm, GUEST_DATA_GPA, q, sizeof(q));
}

/* Bits of a register that KVM keeps in step with guest state. */
static uint32_t runtime_mask(uint32_t function, unsigned int reg)
{
	if (function == 1 && reg == 2)
		return CPUID_1_ECX_OSXSAVE;
	if (function == 1 && reg == 3)
		return CPUID_1_EDX_APIC;
	if (function == 7 && reg == 2)
		return CPUID_7_ECX_OSPKE;
	return 0;
}

TEST_F(cpuid, set_cpuid2)
{
	static const char * const regs[] = { "eax", "ebx", "ecx", "edx" };
	struct guest_vm *vm = self->vm;
	struct kvm_cpuid2 *t = self->table;
	unsigned int i, r;

	build_table(_metadata, vm, t);
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_SET_CPUID2, (unsigned long)t));
	write_queries(vm, t);
	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(cpuid_guest));

	for (i = 0; i < t->nent; i++) {
		struct kvm_cpuid_entry2 *e = &t->entries[i];
		uint32_t want[4] = { e->eax, e->ebx, e->ecx, e->edx };

		for (r = 0; r < 4; r++) {
			uint32_t mask = ~runtime_mask(e->function, r);

			ASSERT_EXIT(vm, KVM_EXIT_IO);
			ASSERT_TRUE(vcpu_is_report(vm));
			EXPECT_EQ(want[r] & mask, vcpu_io_value(vm) & mask)
				TH_LOG("CPUID %#x.%u %s", e->function,
				       e->index, regs[r]);
		}
	}
	ASSERT_HALTED_AT(vm, GUEST_GPA(cpuid_guest, cpuid_guest_end));
}

TEST_HARNESS_MAIN
