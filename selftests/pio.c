// SPDX-License-Identifier: GPL-2.0-only
/*
 * pio: port I/O exits (KVM_EXIT_IO).  OUT and IN of widths 1, 2 and 4
 * with an immediate port and with DX; REP OUTS and REP INS of each width.
 * Checks run->io (direction, port, size, count) and the data at
 * run->io.data_offset; for IN, that the data userspace leaves there
 * reaches the register or memory when KVM_RUN is called again, with RIP
 * past the instruction.  The guests are in guest/pio.S.
 *
 * What KVM 6.1 does with string I/O (arch/x86/kvm/emulate.c: em_out(),
 * pio_in_emulated(); x86.c: emulator_pio_in_emulated()), asserted on KVM
 * and logged on both devices:
 *   - REP OUTS: one element per exit (count 1); the emulator hands out
 *     one element per iteration.
 *   - REP INS: batched.  One exit asks for n = min(bytes left in RDI's
 *     page, 1024 / size, RCX) elements (the byte count of the page is
 *     compared with an element count as it is); the emulator stores all
 *     n and continues with the next batch.
 * hvmod batches the same way (kmod/emulate_pio.c), so the counts are
 * asserted on both devices.
 */
#include "guest_harness.h"
#include "hvm_test.h"

#define PORT_IMM	0x80
#define PORT_DX		0x1234
#define PORT_STR	0x3f0
#define MAX_EXITS	64

GUEST_CODE_DECLARE(pio_out);
GUEST_CODE_DECLARE(pio_in);
GUEST_CODE_DECLARE(pio_outs);
GUEST_CODE_DECLARE(pio_ins);
GUEST_LABEL_DECLARE(outs_pattern);

FIXTURE(pio) {
	struct guest_vm *vm;
};

FIXTURE_SETUP(pio)
{
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
}

FIXTURE_TEARDOWN(pio)
{
	vm_destroy(self->vm);
}

/* Run to the next exit: one I/O access of one element. */
static void expect_io(struct __test_metadata *_metadata, struct guest_vm *vm,
		      uint8_t dir, uint16_t port, uint8_t size)
{
	struct kvm_run *run = vm->run;

	ASSERT_EXIT(vm, KVM_EXIT_IO);
	ASSERT_EQ(dir, run->io.direction) TH_LOG("%s", vcpu_exit_str(vm));
	ASSERT_EQ(port, run->io.port) TH_LOG("%s", vcpu_exit_str(vm));
	ASSERT_EQ(size, run->io.size) TH_LOG("%s", vcpu_exit_str(vm));
	ASSERT_EQ(1U, run->io.count) TH_LOG("%s", vcpu_exit_str(vm));
	/* The data lies inside the vCPU mapping. */
	ASSERT_LE(sizeof(*run), run->io.data_offset);
	ASSERT_GE(vm->run_size, run->io.data_offset + size);
}

TEST_F(pio, out)
{
	static const struct {
		uint16_t port;
		uint8_t size;
		uint32_t data;
	} outs[] = {
		{ PORT_IMM, 1, 0x11 },
		{ PORT_IMM, 2, 0x2233 },
		{ PORT_IMM, 4, 0x44556677 },
		{ PORT_DX, 1, 0x88 },
		{ PORT_DX, 2, 0x99aa },
		{ PORT_DX, 4, 0xbbccddee },
	};
	struct guest_vm *vm = self->vm;
	unsigned int i;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(pio_out));
	for (i = 0; i < ARRAY_SIZE(outs); i++) {
		expect_io(_metadata, vm, KVM_EXIT_IO_OUT, outs[i].port,
			  outs[i].size);
		EXPECT_EQ(outs[i].data, vcpu_io_value(vm))
			TH_LOG("OUT #%u", i);
	}
	ASSERT_HALTED_AT(vm, GUEST_GPA(pio_out, pio_out_end));
}

TEST_F(pio, in)
{
	static const struct {
		uint16_t port;
		uint8_t size;
		uint32_t data;
	} ins[] = {
		{ PORT_IMM, 1, 0xa5 },
		{ PORT_IMM, 2, 0xbeef },
		{ PORT_IMM, 4, 0xcafef00d },
		{ PORT_DX, 1, 0x5a },
		{ PORT_DX, 2, 0x8001 },
		{ PORT_DX, 4, 0x80000001 },
	};
	struct guest_vm *vm = self->vm;
	struct kvm_regs regs;
	unsigned int i;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(pio_in));
	for (i = 0; i < ARRAY_SIZE(ins); i++) {
		expect_io(_metadata, vm, KVM_EXIT_IO_IN, ins[i].port,
			  ins[i].size);
		vcpu_io_complete_in(vm, ins[i].data);
	}
	ASSERT_HALTED_AT(vm, GUEST_GPA(pio_in, pio_in_end));

	vcpu_get_regs(vm, &regs);
	/* AL and AX merge into RAX; EAX zero-extends into it. */
	EXPECT_EQ(0xffffffffffffffa5ULL, regs.rbx);
	EXPECT_EQ(0xffffffffffffbeefULL, regs.rcx);
	EXPECT_EQ(0x00000000cafef00dULL, regs.rsi);
	EXPECT_EQ(0xffffffffffffff5aULL, regs.r8);
	EXPECT_EQ(0xffffffffffff8001ULL, regs.r9);
	EXPECT_EQ(0x0000000080000001ULL, regs.r10);
}

/* Byte @i of the stream the host feeds to REP INS. */
static uint8_t in_byte(unsigned int i)
{
	return (uint8_t)(i * 7 + 3);
}

/*
 * One REP string instruction of @total elements of @size bytes on
 * PORT_STR, over as many exits as the backend takes.  OUT: the data is
 * appended to @buf.  IN: the data is in_byte(0), in_byte(1)... and
 * reaches guest memory on the KVM_RUN after each exit.  The count of each
 * exit goes to @counts; returns how many exits there were.
 */
static unsigned int string_io(struct __test_metadata *_metadata,
			      struct guest_vm *vm, uint8_t dir,
			      uint8_t size, unsigned int total, uint8_t *buf,
			      unsigned int *counts)
{
	struct kvm_run *run = vm->run;
	unsigned int done = 0, exits = 0, i;
	uint8_t *data;

	while (done < total) {
		ASSERT_EXIT(vm, KVM_EXIT_IO);
		ASSERT_EQ(dir, run->io.direction);
		ASSERT_EQ(PORT_STR, run->io.port);
		ASSERT_EQ(size, run->io.size);
		ASSERT_LE(1U, run->io.count);
		ASSERT_GE(total - done, run->io.count)
			TH_LOG("more elements than RCX: %s", vcpu_exit_str(vm));
		ASSERT_GE(vm->run_size, run->io.data_offset +
			  run->io.count * size);
		ASSERT_GT((unsigned int)MAX_EXITS, exits);
		data = vcpu_io_data(vm);
		for (i = 0; i < run->io.count * size; i++) {
			if (dir == KVM_EXIT_IO_OUT)
				buf[done * size + i] = data[i];
			else
				data[i] = in_byte(done * size + i);
		}
		counts[exits++] = run->io.count;
		done += run->io.count;
	}
	return exits;
}

static void log_counts(struct __test_metadata *_metadata, const char *insn,
		       const unsigned int *counts, unsigned int exits)
{
	char line[256];
	unsigned int i;
	int n = 0;

	for (i = 0; i < exits && n < (int)sizeof(line) - 12; i++)
		n += snprintf(line + n, sizeof(line) - n, " %u", counts[i]);
	TH_LOG("%s: %s: %u exits, counts%s", dev_label(), insn, exits, line);
}

TEST_F(pio, rep_outs)
{
	static const uint8_t sizes[] = { 1, 2, 4 };
	static const char * const names[] = { "OUTSB", "OUTSW", "OUTSL" };
	struct guest_vm *vm = self->vm;
	unsigned int counts[MAX_EXITS], exits, i, j;
	uint8_t buf[16];

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(pio_outs));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(buf, 0, sizeof(buf));
		exits = string_io(_metadata, vm, KVM_EXIT_IO_OUT, sizes[i],
				  sizeof(buf) / sizes[i], buf, counts);
		log_counts(_metadata, names[i], counts, exits);
		for (j = 0; j < sizeof(buf); j++)
			EXPECT_EQ(j * 0x11, buf[j]) TH_LOG("byte %u", j);
		/* One element per exit. */
		EXPECT_EQ(sizeof(buf) / sizes[i], exits);
	}
	ASSERT_HALTED_AT(vm, GUEST_GPA(pio_outs, outs_pattern));
}

/* What KVM's read-ahead asks for per exit (see the top of this file). */
static const unsigned int kvm_insb_counts[] = { 8, 16 };
static const unsigned int kvm_insw_counts[] = { 512, 88 };
static const unsigned int kvm_insl_counts[] = { 4 };

static void check_ins(struct __test_metadata *_metadata, struct guest_vm *vm,
		      const char *name, uint8_t size, unsigned int total,
		      const unsigned int *kvm_counts,
		      unsigned int kvm_exits)
{
	unsigned int counts[MAX_EXITS], exits, i;

	exits = string_io(_metadata, vm, KVM_EXIT_IO_IN, size, total, NULL,
			  counts);
	log_counts(_metadata, name, counts, exits);
	ASSERT_EQ(kvm_exits, exits);
	for (i = 0; i < exits; i++)
		EXPECT_EQ(kvm_counts[i], counts[i]) TH_LOG("exit %u", i);
}

static void check_ins_memory(struct __test_metadata *_metadata,
			     struct guest_vm *vm, uint64_t gpa,
			     unsigned int bytes)
{
	uint8_t *mem = guest_hva(vm, gpa);
	unsigned int i, bad = 0;

	for (i = 0; i < bytes; i++)
		bad += mem[i] != in_byte(i);
	EXPECT_EQ(0U, bad) TH_LOG("%u of %u bytes at %#llx differ", bad,
				  bytes, (unsigned long long)gpa);
	/* The bytes either side are untouched. */
	EXPECT_EQ(0, mem[-1]);
	EXPECT_EQ(0, mem[bytes]);
}

TEST_F(pio, rep_ins)
{
	struct guest_vm *vm = self->vm;
	struct kvm_regs regs;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(pio_ins));
	check_ins(_metadata, vm, "INSB", 1, 24, kvm_insb_counts, ARRAY_SIZE(kvm_insb_counts));
	check_ins(_metadata, vm, "INSW", 2, 600, kvm_insw_counts, ARRAY_SIZE(kvm_insw_counts));
	check_ins(_metadata, vm, "INSL", 4, 4, kvm_insl_counts, ARRAY_SIZE(kvm_insl_counts));
	ASSERT_HALTED_AT(vm, GUEST_GPA(pio_ins, pio_ins_end));

	check_ins_memory(_metadata, vm, GUEST_DATA_GPA + 0x1000 - 8, 24);
	check_ins_memory(_metadata, vm, GUEST_DATA_GPA + 0x2000, 1200);
	check_ins_memory(_metadata, vm, GUEST_DATA_GPA + 0x3000, 16);
	vcpu_get_regs(vm, &regs);
	EXPECT_EQ(0ULL, regs.rcx);
	EXPECT_EQ(GUEST_DATA_GPA + 0x1000ULL + 16, regs.r8);
	EXPECT_EQ(GUEST_DATA_GPA + 0x2000ULL + 1200, regs.r9);
	EXPECT_EQ(GUEST_DATA_GPA + 0x3000ULL + 16, regs.rdi);
}

TEST_HARNESS_MAIN
