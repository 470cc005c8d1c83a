// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmio: guest accesses to guest-physical addresses without memory
 * become KVM_EXIT_MMIO.  Stores of 1, 2, 4 and 8 bytes (phys_addr, len,
 * is_write, data); loads of each width and MOVZX/MOVSX, whose value the
 * test supplies in run->mmio.data and the guest reports back, so the
 * merge/extension into the register is checked too; a KVM_MEM_READONLY
 * slot, which reads as memory but whose stores exit as MMIO writes and
 * leave it unchanged; and how an 8-byte access is split.
 *
 * KVM 6.1 reference: arch/x86/kvm/x86.c: emulator_read_write() splits an
 * access that crosses a page boundary into one per page
 * (emulator_read_write_onepage()); each part becomes an MMIO fragment of
 * at most 8 bytes and one exit (complete_emulated_mmio()).  So a
 * page-crossing 8-byte access 4 bytes before the boundary is two 4-byte
 * exits, low address first, for loads and stores alike; a misaligned one
 * within a page is a single 8-byte exit.  The guests are in
 * guest/mmio.S.
 */
#include "guest_harness.h"
#include "hvm_test.h"

#define MMIO_GPA	0xd0000000ULL
#define RO_GPA		0x400000ULL
#define RO_SIZE		0x10000ULL
#define RO_SLOT		1

GUEST_CODE_DECLARE(mmio_writes);
GUEST_CODE_DECLARE(mmio_reads);
GUEST_CODE_DECLARE(mmio_readonly);
GUEST_CODE_DECLARE(mmio_split);
GUEST_CODE_DECLARE(mmio_forms);
GUEST_LABEL_DECLARE(forms_bytes);

FIXTURE(mmio) {
	struct guest_vm *vm;
};

FIXTURE_SETUP(mmio)
{
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
}

FIXTURE_TEARDOWN(mmio)
{
	vm_destroy(self->vm);
}

/* Run to the next exit: an MMIO access of @len bytes at @gpa. */
static void expect_mmio(struct __test_metadata *_metadata,
			struct guest_vm *vm, bool is_write, uint64_t gpa,
			unsigned int len)
{
	struct kvm_run *run = vm->run;

	ASSERT_EXIT(vm, KVM_EXIT_MMIO);
	ASSERT_EQ(is_write, run->mmio.is_write) TH_LOG("%s", vcpu_exit_str(vm));
	ASSERT_EQ(gpa, run->mmio.phys_addr) TH_LOG("%s", vcpu_exit_str(vm));
	ASSERT_EQ(len, run->mmio.len) TH_LOG("%s", vcpu_exit_str(vm));
}

/* The guest reports a 64-bit value as two halves. */
static void expect_report64(struct __test_metadata *_metadata,
			    struct guest_vm *vm, uint64_t value)
{
	ASSERT_REPORT(vm, value & 0xffffffff);
	ASSERT_REPORT(vm, value >> 32);
}

TEST_F(mmio, writes)
{
	static const struct {
		uint64_t off;
		unsigned int len;
		uint64_t data;
	} w[] = {
		{ 0x10, 1, 0x11 },
		{ 0x20, 2, 0x2233 },
		{ 0x30, 4, 0x44556677 },
		{ 0x40, 8, 0x8899aabbccddeeffULL },
	};
	struct guest_vm *vm = self->vm;
	unsigned int i;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(mmio_writes));
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		expect_mmio(_metadata, vm, true, MMIO_GPA + w[i].off,
			    w[i].len);
		EXPECT_EQ(w[i].data, vcpu_mmio_value(vm)) TH_LOG("store %u", i);
	}
	ASSERT_HALTED_AT(vm, GUEST_GPA(mmio_writes, mmio_writes_end));
}

TEST_F(mmio, reads)
{
	/* What the test supplies, and what the guest's register becomes. */
	static const struct {
		uint64_t off;
		unsigned int len;
		uint64_t data;
		uint64_t reg;
	} r[] = {
		{ 0x10, 1, 0x5a, 0xffffffffffffff5aULL },	/* MOV r8 */
		{ 0x20, 2, 0x1234, 0xffffffffffff1234ULL },	/* MOV r16 */
		{ 0x30, 4, 0x89abcdef, 0x0000000089abcdefULL },	/* MOV r32 */
		{ 0x40, 8, 0x0123456789abcdefULL, 0x0123456789abcdefULL },
		{ 0x50, 1, 0xfe, 0xfe },			/* MOVZX */
		{ 0x60, 1, 0xfe, 0xfffffffffffffffeULL },	/* MOVSX */
		{ 0x70, 2, 0x8001, 0x8001 },			/* MOVZX */
		{ 0x80, 2, 0x8001, 0x00000000ffff8001ULL },	/* MOVSX */
	};
	struct guest_vm *vm = self->vm;
	unsigned int i;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(mmio_reads));
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		expect_mmio(_metadata, vm, false, MMIO_GPA + r[i].off,
			    r[i].len);
		vcpu_mmio_complete_read(vm, r[i].data);
		expect_report64(_metadata, vm, r[i].reg);
	}
	ASSERT_HALTED_AT(vm, GUEST_GPA(mmio_reads, mmio_reads_end));
}

TEST_F(mmio, readonly_slot)
{
	const uint64_t pattern = 0x0807060504030201ULL;
	struct guest_vm *vm = self->vm;
	uint64_t *ro;

	ro = vm_add_slot(vm, RO_SLOT, RO_GPA, RO_SIZE, KVM_MEM_READONLY);
	ro[1] = pattern;
	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(mmio_readonly));
	/* The load reads the slot's memory without an exit. */
	expect_report64(_metadata, vm, pattern);
	/* The store exits to userspace as an MMIO write... */
	expect_mmio(_metadata, vm, true, RO_GPA + 8, 4);
	EXPECT_EQ(0xabcdef01ULL, vcpu_mmio_value(vm));
	/* ...and does not reach the memory. */
	expect_report64(_metadata, vm, pattern);
	ASSERT_HALTED_AT(vm, GUEST_GPA(mmio_readonly, mmio_readonly_end));
	EXPECT_EQ(pattern, ro[1]);
}

TEST_F(mmio, split)
{
	const uint64_t boundary = MMIO_GPA + 0x1000;
	struct guest_vm *vm = self->vm;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(mmio_split));
	/* The store crossing the page boundary: two 4-byte halves. */
	expect_mmio(_metadata, vm, true, boundary - 4, 4);
	EXPECT_EQ(0x55667788ULL, vcpu_mmio_value(vm));
	expect_mmio(_metadata, vm, true, boundary, 4);
	EXPECT_EQ(0x11223344ULL, vcpu_mmio_value(vm));
	/* The load likewise; the guest sees the halves joined. */
	expect_mmio(_metadata, vm, false, boundary - 4, 4);
	vcpu_mmio_complete_read(vm, 0xddccbbaa);
	expect_mmio(_metadata, vm, false, boundary, 4);
	vcpu_mmio_complete_read(vm, 0x99887766);
	expect_report64(_metadata, vm, 0x99887766ddccbbaaULL);
	/* Misaligned but within one page: a single 8-byte exit. */
	expect_mmio(_metadata, vm, true, MMIO_GPA + 0x2003, 8);
	EXPECT_EQ(0x0102030405060708ULL, vcpu_mmio_value(vm));
	ASSERT_HALTED_AT(vm, GUEST_GPA(mmio_split, mmio_split_end));
}

/* A write exit of @len bytes at @gpa carrying @value. */
static void expect_write(struct __test_metadata *_metadata,
			 struct guest_vm *vm, uint64_t gpa, unsigned int len,
			 uint64_t value)
{
	expect_mmio(_metadata, vm, true, gpa, len);
	EXPECT_EQ(value, vcpu_mmio_value(vm)) TH_LOG("write at %#llx",
						     (unsigned long long)gpa);
}

/* A read exit of @len bytes at @gpa, answered with @value. */
static void answer_read(struct __test_metadata *_metadata,
			struct guest_vm *vm, uint64_t gpa, unsigned int len,
			uint64_t value)
{
	expect_mmio(_metadata, vm, false, gpa, len);
	vcpu_mmio_complete_read(vm, value);
}

/*
 * The ALU and string forms (guest/mmio.S, mmio_forms): each memory
 * access of the instruction is one exit, read before write; the flags
 * and registers the guest reports are the instruction's.
 */
TEST_F(mmio, alu_and_string_forms)
{
	struct guest_vm *vm = self->vm;
	unsigned int i;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(mmio_forms));
	answer_read(_metadata, vm, MMIO_GPA, 4, 0x01);
	expect_write(_metadata, vm, MMIO_GPA, 4, 0x11);
	answer_read(_metadata, vm, MMIO_GPA + 8, 4, 3);
	/* 3 - 5: CF, AF and SF set; PF clear (0xfe has seven bits set). */
	ASSERT_REPORT(vm, 0x91);
	answer_read(_metadata, vm, MMIO_GPA + 16, 4, 0x234);
	ASSERT_REPORT(vm, 0x1234);
	answer_read(_metadata, vm, MMIO_GPA + 24, 8, 0xffffffffffffffffULL);
	expect_write(_metadata, vm, MMIO_GPA + 24, 8, 0);
	answer_read(_metadata, vm, MMIO_GPA + 32, 2, 0x8000);
	expect_write(_metadata, vm, MMIO_GPA + 32, 2, 0x8000);
	/* NEG of 0x8000: CF, OF, SF, PF (0x00 low byte has even parity). */
	ASSERT_REPORT(vm, 0x885);
	for (i = 0; i < 3; i++)
		expect_write(_metadata, vm, MMIO_GPA + 0x100 + 4 * i, 4,
			     0xa5a5a5a5);
	ASSERT_REPORT(vm, MMIO_GPA + 0x10c);
	for (i = 0; i < 3; i++)
		expect_write(_metadata, vm, MMIO_GPA + 0x200 + i, 1,
			     0x11 * (i + 1));
	answer_read(_metadata, vm, MMIO_GPA + 0x300, 4, 0xcafef00d);
	ASSERT_REPORT(vm, 0xcafef00d);
	answer_read(_metadata, vm, MMIO_GPA + 0x304, 2, 0xbeef);
	expect_report64(_metadata, vm, 0xffffffffffffbeefULL);
	ASSERT_HALTED_AT(vm, GUEST_GPA(mmio_forms, forms_bytes));
}

TEST_HARNESS_MAIN
