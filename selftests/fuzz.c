// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz: differential fuzzing of hvmod against KVM.  Random instruction
 * sequences (seeded, reproducible) run in 16-bit real mode, 32-bit
 * protected mode and 64-bit long mode, once on /dev/hvm and once on
 * /dev/kvm with the same CPUID table, the same initial state and the same
 * answers to IN and MMIO reads; the exits, the final registers and the
 * guest memory the programs can write must match under the rules of
 * selftests/README ("Differential fuzzing"), all applied in
 * normalize_and_compare() below.
 *
 * hvmod and KVM cannot both have a live VM (see interlock), so each mode
 * runs a chunk of programs on hvmod first (one VM, reused), keeps the
 * results, destroys that VM, then runs the same programs on KVM and
 * compares program by program.
 *
 * Environment: HVM_FUZZ_SEED (base seed), HVM_FUZZ_COUNT (programs per
 * mode), HVM_FUZZ_ONE (run only the program of this seed, in each mode),
 * HVM_FUZZ_CLASSES / HVM_FUZZ_SKIP_CLASSES (generator classes),
 * HVM_FUZZ_DEV (the device compared with /dev/kvm; default /dev/hvm,
 * /dev/kvm to check the runner against itself), HVM_FUZZ_VERBOSE=1,
 * HVM_FUZZ_DUMP=1 (print the programs, run nothing).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guest_harness.h"
#include "hvm_test.h"

/* ---- Layout (slot 0 is GUEST_MEM; everything else is MMIO) ---- */

#define FUZZ_MEM		0x40000		/* slot 0: 256 KiB at GPA 0 */
#define FUZZ_DATA_GPA		GUEST_DATA_GPA	/* 0x4000 */
#define FUZZ_DATA_SIZE		0x2000		/* two pages, compared */
#define FUZZ_STUB_GPA		0x7000		/* exception stubs, 8 bytes each */
#define FUZZ_NR_STUBS		32
#define FUZZ_CODE_SIZE		0x400		/* code area refilled each run */
/*
 * The stack pages, reset and compared: the one below the top and the one
 * above it (POPs past the top, and PUSHes and exception frames after
 * them, reach it).
 */
#define FUZZ_STACK_LOW		(GUEST_STACK_TOP - 0x1000)
#define FUZZ_STACK_SIZE		0x2000
/* MMIO window: no slot there; real mode reaches it through FS. */
#define FUZZ_MMIO_GPA		0xe0000ULL
#define FUZZ_MMIO_SIZE		0x3000
#define FUZZ_MMIO_SEG16		(FUZZ_MMIO_GPA >> 4)
#define FUZZ_PORT_EXC		0xf1		/* stubs OUT the vector here */

#define MAX_ITEMS		30
#define MIN_ITEMS		5
#define MAX_STEPS		200		/* KVM_RUN calls per program */
#define MAX_EVENTS		768
#define MAX_FAIL_LOGS		5		/* in full, then one line */
#define MAX_FAIL_LINES		100
#define FUZZ_CHUNK		250		/* programs per VM pair */
#define DEFAULT_SEED		0x68766d6f6466757aULL
#define DEFAULT_COUNT		1000		/* per mode: 3000 in all */
/* Bochs runs guests some ten times slower than QEMU: fewer there. */
#define DEFAULT_COUNT_VMX	150		/* per mode: 450 in all */

/* ---- Random numbers: splitmix64 ---- */

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

/* Uniform in [0, n). */
static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/* ---- Generator classes ---- */

enum fclass {
	C_ALU, C_MOV, C_LEA, C_UNARY, C_SHIFT, C_MUL, C_DIV, C_STACK,
	C_XCHG, C_CMOV, C_SETCC, C_BSWAP, C_JCC, C_MEM, C_MMIO,
	C_MMIO_SPLIT, C_MMIO_ALU, C_MMIO_STR, C_PIO, C_STRIO, C_CPUID, C_MSR, C_MSR_WIDE, C_MSR_GP, C_EXC, NR_CLASSES
};

static const char * const class_names[NR_CLASSES] = {
	[C_ALU] = "alu", [C_MOV] = "mov", [C_LEA] = "lea",
	[C_UNARY] = "unary", [C_SHIFT] = "shift", [C_MUL] = "mul",
	[C_DIV] = "div", [C_STACK] = "stack", [C_XCHG] = "xchg",
	[C_CMOV] = "cmov", [C_SETCC] = "setcc", [C_BSWAP] = "bswap",
	[C_JCC] = "jcc", [C_MEM] = "mem", [C_MMIO] = "mmio",
	[C_MMIO_SPLIT] = "mmio_split", [C_MMIO_ALU] = "mmio_alu",
	[C_MMIO_STR] = "mmio_str", [C_PIO] = "pio", [C_STRIO] = "strio",
	[C_CPUID] = "cpuid", [C_MSR] = "msr", [C_MSR_WIDE] = "msr_wide",
	[C_MSR_GP] = "msr_gp", [C_EXC] = "exc",
};

/* Relative weights: how often a class is drawn. */
static const unsigned int class_weight[NR_CLASSES] = {
	[C_ALU] = 12, [C_MOV] = 8, [C_LEA] = 3, [C_UNARY] = 4,
	[C_SHIFT] = 5, [C_MUL] = 3, [C_DIV] = 2, [C_STACK] = 4,
	[C_XCHG] = 2, [C_CMOV] = 3, [C_SETCC] = 2, [C_BSWAP] = 1,
	[C_JCC] = 4, [C_MEM] = 8, [C_MMIO] = 8, [C_MMIO_SPLIT] = 2,
	[C_MMIO_ALU] = 5, [C_MMIO_STR] = 3,
	[C_PIO] = 6, [C_STRIO] = 4, [C_CPUID] = 2, [C_MSR] = 2,
	[C_MSR_WIDE] = 1, [C_MSR_GP] = 1, [C_EXC] = 1,
};

/*
 * Classes off unless named in HVM_FUZZ_CLASSES: a class that finds a
 * known difference (an hvmod bug, reported) goes here, with the bug, so
 * that the default run passes while it stands. None today: msr_wide
 * and msr_gp were, until hvmod passed the VMLOAD/VMSAVE MSRs through
 * and set RF in the frames of the faults it injects.
 */
static const bool class_default_off[NR_CLASSES];

static bool class_on[NR_CLASSES];
static char class_list[256];

static int class_by_name(const char *name, size_t len)
{
	int i;

	for (i = 0; i < NR_CLASSES; i++)
		if (strlen(class_names[i]) == len &&
		    !strncmp(class_names[i], name, len))
			return i;
	return -1;
}

/* Applies a comma list: @on for each class named ("all" for all). */
static int apply_class_list(const char *list, bool on)
{
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		int c = class_by_name(p, len);

		if (len == 3 && !strncmp(p, "all", 3)) {
			for (c = 0; c < NR_CLASSES; c++)
				class_on[c] = on;
		} else if (c >= 0) {
			class_on[c] = on;
		} else if (len) {
			fprintf(stderr, "fuzz: unknown class '%.*s'\n",
				(int)len, p);
			return -1;
		}
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

static int setup_classes(void)
{
	const char *only = getenv("HVM_FUZZ_CLASSES");
	const char *skip = getenv("HVM_FUZZ_SKIP_CLASSES");
	size_t n = 0;
	int c;

	for (c = 0; c < NR_CLASSES; c++)
		class_on[c] = !class_default_off[c];
	if (only && *only) {
		for (c = 0; c < NR_CLASSES; c++)
			class_on[c] = false;
		if (apply_class_list(only, true))
			return -1;
	}
	if (skip && *skip && apply_class_list(skip, false))
		return -1;
	class_list[0] = 0;
	for (c = 0; c < NR_CLASSES; c++)
		if (class_on[c] && n < sizeof(class_list))
			n += snprintf(class_list + n, sizeof(class_list) - n,
				      "%s%s", n ? "," : "", class_names[c]);
	for (c = 0; c < NR_CLASSES; c++)
		if (class_on[c])
			return 0;
	fprintf(stderr, "fuzz: no generator class left\n");
	return -1;
}

/* ---- The encoder ---- */

struct item {
	uint8_t b[48];
	unsigned int n;
	int jcc_skip;		/* Jcc rel8: how many items it jumps over */
	bool no_skip;		/* a Jcc must not jump over it (stack) */
};

struct gen {
	struct rng r;
	enum guest_mode mode;
	unsigned int bits;	/* 16, 32, 64 */
	int stack_depth;	/* pushes - pops, in items */
	struct item *it;	/* the item being written */
};

struct prog {
	uint64_t seed;
	enum guest_mode mode;
	uint8_t code[FUZZ_CODE_SIZE];
	unsigned int len;
	unsigned int nr_items;
};

static void put(struct gen *g, uint8_t v)
{
	if (g->it->n < sizeof(g->it->b))
		g->it->b[g->it->n++] = v;
}

static void put_le(struct gen *g, uint64_t v, unsigned int n)
{
	while (n--) {
		put(g, v & 0xff);
		v >>= 8;
	}
}

static unsigned int nr_regs(struct gen *g)
{
	return g->bits == 64 ? 16 : 8;
}

/* A general register for an operand of @size bytes: never RSP. */
static int pick_reg(struct gen *g, unsigned int size)
{
	int r;

	do
		r = below(&g->r, nr_regs(g));
	while (r == 4 && size > 1);
	return r;
}

static unsigned int pick_size(struct gen *g)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };

	return sizes[below(&g->r, g->bits == 64 ? 4 : 3)];
}

/* Sizes of 2 bytes and up (CMOV, IMUL r/rm, BSWAP-like users). */
static unsigned int pick_size_wide(struct gen *g)
{
	static const unsigned int sizes[] = { 2, 4, 8 };

	return sizes[below(&g->r, g->bits == 64 ? 3 : 2)];
}

/* Operand-size prefix for @size (none for byte operations). */
static void opsize(struct gen *g, unsigned int size)
{
	if ((size == 2 && g->bits != 16) || (size == 4 && g->bits == 16))
		put(g, 0x66);
}

/* REX for 64-bit mode: W for @size 8, R/X/B for registers 8-15. */
static void rex(struct gen *g, unsigned int size, int reg, int index, int rm)
{
	uint8_t v = 0x40;

	if (g->bits != 64)
		return;
	if (size == 8)
		v |= 8;
	if (reg >= 8)
		v |= 4;
	if (index >= 8)
		v |= 2;
	if (rm >= 8)
		v |= 1;
	if (v != 0x40)
		put(g, v);
}

/*
 * Byte registers: with a REX prefix 4-7 are SPL/BPL/SIL/DIL, without one
 * AH/CH/DH/BH.  SPL would move the stack: a REX-encoded byte operation
 * uses AL instead of it.
 */
static void fix8(struct gen *g, unsigned int size, int *a, int *b)
{
	if (g->bits != 64 || size != 1 || (*a < 8 && *b < 8))
		return;
	if (*a == 4)
		*a = 0;
	if (*b == 4)
		*b = 0;
}

static uint8_t modrm(unsigned int mod, int reg, int rm)
{
	return (uint8_t)(mod << 6 | (reg & 7) << 3 | (rm & 7));
}

/* Opcode byte(s) then ModRM with two registers. */
static void op_rr(struct gen *g, unsigned int size, const uint8_t *op,
		  unsigned int oplen, int reg, int rm)
{
	unsigned int i;

	opsize(g, size);
	rex(g, size, reg, 0, rm);
	for (i = 0; i < oplen; i++)
		put(g, op[i]);
	put(g, modrm(3, reg, rm));
}

/*
 * Opcode then a ModRM naming the absolute address @addr (an offset in
 * the segment in real mode): disp16, disp32, or SIB with no base in
 * 64-bit mode (mod 00 r/m 101 would be RIP-relative there).  @seg is a
 * segment override prefix or 0.
 */
static void op_mem(struct gen *g, unsigned int size, uint8_t seg,
		   const uint8_t *op, unsigned int oplen, int reg,
		   uint64_t addr)
{
	unsigned int i;

	if (seg)
		put(g, seg);
	opsize(g, size);
	rex(g, size, reg, 0, 0);
	for (i = 0; i < oplen; i++)
		put(g, op[i]);
	switch (g->bits) {
	case 16:
		put(g, modrm(0, reg, 6));
		put_le(g, addr, 2);
		break;
	case 32:
		put(g, modrm(0, reg, 5));
		put_le(g, addr, 4);
		break;
	default:
		put(g, modrm(0, reg, 4));
		put(g, 0x25);
		put_le(g, addr, 4);
		break;
	}
}

/* An immediate of @size bytes (at most 4: imm32 is sign-extended). */
static void put_imm(struct gen *g, unsigned int size, uint64_t v)
{
	put_le(g, v, size > 4 ? 4 : size);
}

/* Interesting immediates: small, boundary values, random. */
static uint64_t pick_value(struct gen *g)
{
	static const uint64_t special[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x8000000000000000ULL,
		0xffffffffffffffffULL, 0x7fffffffffffffffULL,
	};

	switch (below(&g->r, 4)) {
	case 0:
		return special[below(&g->r, sizeof(special) /
					   sizeof(special[0]))];
	case 1:
		return below(&g->r, 64);
	default:
		return rnd(&g->r);
	}
}

/* MOV reg, imm of the register's full @size (B0+r / B8+r). */
static void mov_imm(struct gen *g, unsigned int size, int reg, uint64_t v)
{
	opsize(g, size);
	rex(g, size, 0, 0, reg);
	put(g, (size == 1 ? 0xb0 : 0xb8) + (reg & 7));
	put_le(g, v, size);
}

/* MOV of a 32-bit value into @reg: EAX.. (zero-extends in 64-bit mode). */
static void mov32(struct gen *g, int reg, uint32_t v)
{
	mov_imm(g, 4, reg, v);
}

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI };

/* ---- Generators: each writes one item ---- */

static void gen_alu(struct gen *g)
{
	unsigned int size = pick_size(g), op = below(&g->r, 9);
	int reg = pick_reg(g, size), rm = pick_reg(g, size);
	uint8_t opc;

	fix8(g, size, &reg, &rm);
	if (chance(&g->r, 50)) {
		/* reg, reg: op 0-7 ADD OR ADC SBB AND SUB XOR CMP, 8 TEST */
		opc = op == 8 ? 0x84 : op * 8 + 2 * below(&g->r, 2);
		opc += size > 1;
		op_rr(g, size, &opc, 1, reg, rm);
		return;
	}
	if (op == 8) {					/* TEST r/m, imm */
		opc = size == 1 ? 0xf6 : 0xf7;
		op_rr(g, size, &opc, 1, 0, rm);
		put_imm(g, size, pick_value(g));
		return;
	}
	if (size > 1 && chance(&g->r, 40)) {		/* 83 /n ib */
		opc = 0x83;
		op_rr(g, size, &opc, 1, op, rm);
		put(g, pick_value(g));
		return;
	}
	if (rm == RAX && chance(&g->r, 50)) {		/* AL/eAX short form */
		opsize(g, size);
		rex(g, size, 0, 0, 0);
		put(g, op * 8 + 4 + (size > 1));
		put_imm(g, size, pick_value(g));
		return;
	}
	opc = size == 1 ? 0x80 : 0x81;
	op_rr(g, size, &opc, 1, op, rm);
	put_imm(g, size, pick_value(g));
}

static void gen_mov(struct gen *g)
{
	unsigned int size = pick_size(g);
	int reg = pick_reg(g, size), rm = pick_reg(g, size);
	uint8_t opc;

	fix8(g, size, &reg, &rm);
	switch (below(&g->r, 3)) {
	case 0:
		opc = 0x88 + 2 * below(&g->r, 2) + (size > 1);
		op_rr(g, size, &opc, 1, reg, rm);
		break;
	case 1:
		mov_imm(g, size, rm, pick_value(g));
		break;
	default:					/* C6/C7 /0 */
		opc = size == 1 ? 0xc6 : 0xc7;
		op_rr(g, size, &opc, 1, 0, rm);
		put_imm(g, size, pick_value(g));
		break;
	}
}

static void gen_lea(struct gen *g)
{
	unsigned int size = g->bits == 16 ? 2 : pick_size_wide(g);
	int dst = pick_reg(g, size), base, index;
	bool d8 = chance(&g->r, 50);

	if (g->bits == 16) {
		if (chance(&g->r, 30))
			size = 4;
		opsize(g, size);
		put(g, 0x8d);
		put(g, modrm(d8 ? 1 : 2, dst, below(&g->r, 8)));
		put_le(g, rnd(&g->r), d8 ? 1 : 2);
		return;
	}
	base = below(&g->r, nr_regs(g));
	do
		index = below(&g->r, nr_regs(g));
	while (index == 4);
	opsize(g, size);
	rex(g, size, dst, index, base);
	put(g, 0x8d);
	put(g, modrm(d8 ? 1 : 2, dst, 4));
	put(g, (uint8_t)(below(&g->r, 4) << 6 | (index & 7) << 3 |
			 (base & 7)));
	put_le(g, rnd(&g->r), d8 ? 1 : 4);
}

static void gen_unary(struct gen *g)
{
	static const uint8_t sub[] = { 0, 1, 2, 3 };	/* INC DEC NOT NEG */
	unsigned int size = pick_size(g), s = sub[below(&g->r, 4)];
	int rm = pick_reg(g, size), dummy = 0;
	uint8_t opc;

	fix8(g, size, &rm, &dummy);
	if (s < 2)
		opc = size == 1 ? 0xfe : 0xff;
	else
		opc = size == 1 ? 0xf6 : 0xf7;
	op_rr(g, size, &opc, 1, s, rm);
}

static void gen_shift(struct gen *g)
{
	static const uint8_t sub[] = { 0, 1, 2, 3, 4, 5, 7 };
	unsigned int size = pick_size(g), s = sub[below(&g->r, 7)];
	int rm = pick_reg(g, size), dummy = 0;
	uint8_t opc;

	fix8(g, size, &rm, &dummy);
	switch (below(&g->r, 3)) {
	case 0:
		opc = size == 1 ? 0xc0 : 0xc1;
		op_rr(g, size, &opc, 1, s, rm);
		put(g, chance(&g->r, 70) ? below(&g->r, 8 * size + 1) :
					   rnd(&g->r) & 0xff);
		break;
	case 1:
		opc = size == 1 ? 0xd0 : 0xd1;
		op_rr(g, size, &opc, 1, s, rm);
		break;
	default:
		opc = size == 1 ? 0xd2 : 0xd3;
		op_rr(g, size, &opc, 1, s, rm);
		break;
	}
}

static void gen_mul(struct gen *g)
{
	unsigned int size = pick_size(g);
	int reg = pick_reg(g, size), rm = pick_reg(g, size);
	uint8_t opc[2];

	fix8(g, size, &reg, &rm);
	if (size == 1 || chance(&g->r, 40)) {		/* MUL/IMUL r/m */
		opc[0] = size == 1 ? 0xf6 : 0xf7;
		op_rr(g, size, opc, 1, 4 + below(&g->r, 2), rm);
		return;
	}
	switch (below(&g->r, 3)) {
	case 0:
		opc[0] = 0x0f;
		opc[1] = 0xaf;
		op_rr(g, size, opc, 2, reg, rm);
		break;
	case 1:
		opc[0] = 0x69;
		op_rr(g, size, opc, 1, reg, rm);
		put_imm(g, size, pick_value(g));
		break;
	default:
		opc[0] = 0x6b;
		op_rr(g, size, opc, 1, reg, rm);
		put(g, pick_value(g));
		break;
	}
}

/*
 * DIV / IDIV that cannot overflow: DIV with the high half of the
 * dividend cleared, IDIV after CBW/CWD/CDQ/CQO with a positive divisor.
 * Rarely a deliberate #DE: a divisor of 0.
 */
static void gen_div(struct gen *g)
{
	unsigned int size = pick_size(g);
	bool zero = chance(&g->r, 8), sign = chance(&g->r, 50);
	uint64_t v = pick_value(g) & ((1ULL << (8 * (size > 4 ? 4 : size) -
						 1)) - 1);
	int div, dummy = 0;
	uint8_t opc;

	do
		div = pick_reg(g, size);
	while (div == RAX || div == RDX || (size == 1 && div == 4));
	fix8(g, size, &div, &dummy);
	if (div == RAX)
		div = RBX;
	mov_imm(g, size, div, zero ? 0 : (v ? v : 3));
	if (size == 1) {
		if (sign) {
			opsize(g, 2);
			put(g, 0x98);			/* CBW */
		} else {
			put(g, 0x30);			/* XOR AH, AH */
			put(g, modrm(3, 4, 4));
		}
	} else if (sign) {
		opsize(g, size);
		rex(g, size, 0, 0, 0);
		put(g, 0x99);				/* CWD/CDQ/CQO */
	} else {
		opc = 0x31;				/* XOR eDX, eDX */
		op_rr(g, size, &opc, 1, RDX, RDX);
	}
	opc = size == 1 ? 0xf6 : 0xf7;
	op_rr(g, size, &opc, 1, sign ? 7 : 6, div);
}

static void gen_stack(struct gen *g)
{
	int r = pick_reg(g, 2);

	g->it->no_skip = true;
	if (g->stack_depth > -3 && chance(&g->r, 40)) {
		rex(g, 0, 0, 0, r);
		put(g, 0x58 + (r & 7));			/* POP */
		g->stack_depth--;
		return;
	}
	g->stack_depth++;
	switch (below(&g->r, 4)) {
	case 0:
		put(g, 0x6a);
		put(g, pick_value(g));
		break;
	case 1:
		put(g, 0x9c);				/* PUSHF */
		break;
	default:
		rex(g, 0, 0, 0, r);
		put(g, 0x50 + (r & 7));
		break;
	}
}

static void gen_xchg(struct gen *g)
{
	unsigned int size = pick_size(g);
	int reg = pick_reg(g, size), rm = pick_reg(g, size);
	uint8_t opc = size == 1 ? 0x86 : 0x87;

	fix8(g, size, &reg, &rm);
	if (size > 1 && chance(&g->r, 30)) {		/* 90+r: eAX, r */
		opsize(g, size);
		rex(g, size, 0, 0, rm);
		put(g, 0x90 + (rm & 7));
		return;
	}
	op_rr(g, size, &opc, 1, reg, rm);
}

static void gen_cmov(struct gen *g)
{
	unsigned int size = pick_size_wide(g);
	uint8_t opc[2] = { 0x0f, 0x40 + below(&g->r, 16) };

	op_rr(g, size, opc, 2, pick_reg(g, size), pick_reg(g, size));
}

static void gen_setcc(struct gen *g)
{
	uint8_t opc[2] = { 0x0f, 0x90 + below(&g->r, 16) };
	int rm = pick_reg(g, 1), dummy = 0;

	fix8(g, 1, &rm, &dummy);
	op_rr(g, 1, opc, 2, 0, rm);
}

static void gen_bswap(struct gen *g)
{
	unsigned int size = g->bits == 64 && chance(&g->r, 50) ? 8 : 4;
	int r = pick_reg(g, size);

	opsize(g, size);
	rex(g, size, 0, 0, r);
	put(g, 0x0f);
	put(g, 0xc8 + (r & 7));
}

static void gen_jcc(struct gen *g)
{
	put(g, 0x70 + below(&g->r, 16));
	put(g, 0);			/* rel8, set by assemble() */
	g->it->jcc_skip = 1 + below(&g->r, 3);
}

/* Loads, stores and read-modify-writes of the data pages (RAM). */
static void gen_mem(struct gen *g)
{
	unsigned int size = pick_size(g);
	uint64_t addr = FUZZ_DATA_GPA + below(&g->r, FUZZ_DATA_SIZE - size + 1);
	int reg = pick_reg(g, size), dummy = 0;
	uint8_t opc[2];
	bool neg;

	fix8(g, size, &reg, &dummy);
	switch (below(&g->r, 7)) {
	case 0:						/* MOV r, m */
		opc[0] = 0x8a + (size > 1);
		op_mem(g, size, 0, opc, 1, reg, addr);
		break;
	case 1:						/* MOV m, r */
		opc[0] = 0x88 + (size > 1);
		op_mem(g, size, 0, opc, 1, reg, addr);
		break;
	case 2:						/* MOV m, imm */
		opc[0] = 0xc6 + (size > 1);
		op_mem(g, size, 0, opc, 1, 0, addr);
		put_imm(g, size, pick_value(g));
		break;
	case 3:						/* ALU m, r / r, m */
		opc[0] = below(&g->r, 8) * 8 + 2 * below(&g->r, 2) +
			 (size > 1);
		op_mem(g, size, 0, opc, 1, reg, addr);
		break;
	case 4:						/* ALU m, imm8 */
		opc[0] = size == 1 ? 0x80 : 0x83;
		op_mem(g, size, 0, opc, 1, below(&g->r, 8), addr);
		put(g, pick_value(g));
		break;
	case 5:						/* INC DEC NOT NEG m */
		neg = chance(&g->r, 50);
		if (neg)
			opc[0] = size == 1 ? 0xf6 : 0xf7;
		else
			opc[0] = size == 1 ? 0xfe : 0xff;
		op_mem(g, size, 0, opc, 1, 2 * neg + below(&g->r, 2), addr);
		break;
	default:					/* MOVZX/MOVSX r, m8 */
		if (size == 1)
			size = pick_size_wide(g);
		reg = pick_reg(g, size);
		opc[0] = 0x0f;
		opc[1] = 0xb6 + 8 * below(&g->r, 2);
		op_mem(g, size, 0, opc, 2, reg, addr);
		break;
	}
}

/*
 * MOV-like accesses to the MMIO window: every width the mode has, MOV
 * loads and stores, MOV imm, MOVZX/MOVSX, MOVSXD, and the moffs forms
 * (A0-A3).  @split: the access crosses a page boundary.
 */
static void gen_mmio_access(struct gen *g, bool split)
{
	unsigned int size, src, op = below(&g->r, 7);
	uint8_t seg = g->bits == 16 ? 0x64 : 0;		/* FS */
	uint64_t gpa, addr, page;
	int reg, dummy = 0;
	uint8_t opc[2];

	if (op == 5 && g->bits != 64)
		op = 0;
	switch (op) {
	case 4:			/* MOVZX/MOVSX: 1 or 2 bytes of MMIO */
		src = 1 + below(&g->r, 2);
		size = pick_size_wide(g);
		break;
	case 5:			/* MOVSXD: 4 bytes */
		src = 4;
		size = 8;
		break;
	default:
		size = src = pick_size(g);
		break;
	}
	if (split && src == 1) {	/* a byte cannot cross */
		if (op == 4)
			src = 2;
		else
			size = src = pick_size_wide(g);
	}
	if (split) {
		page = FUZZ_MMIO_GPA + 0x1000 * (1 + below(&g->r, 2));
		gpa = page - 1 - below(&g->r, src - 1);
	} else {
		gpa = FUZZ_MMIO_GPA + below(&g->r, FUZZ_MMIO_SIZE - src + 1);
		if ((gpa & 0xfff) + src > 0x1000)
			gpa &= ~0xfffULL;
	}
	addr = g->bits == 16 ? gpa - FUZZ_MMIO_GPA : gpa;
	reg = pick_reg(g, size);
	fix8(g, size, &reg, &dummy);
	switch (op) {
	case 0:
		opc[0] = 0x8a + (size > 1);
		op_mem(g, size, seg, opc, 1, reg, addr);
		break;
	case 1:
		opc[0] = 0x88 + (size > 1);
		op_mem(g, size, seg, opc, 1, reg, addr);
		break;
	case 2:
		opc[0] = 0xc6 + (size > 1);
		op_mem(g, size, seg, opc, 1, 0, addr);
		put_imm(g, size, pick_value(g));
		break;
	case 3:						/* moffs */
		if (seg)
			put(g, seg);
		opsize(g, size);
		rex(g, size, 0, 0, 0);
		put(g, 0xa0 + 2 * below(&g->r, 2) + (size > 1));
		put_le(g, addr, g->bits / 8);
		break;
	case 4:						/* MOVZX/MOVSX */
		opc[0] = 0x0f;
		opc[1] = 0xb6 + 8 * below(&g->r, 2) + (src == 2);
		op_mem(g, size, seg, opc, 2, reg, addr);
		break;
	case 5:						/* MOVSXD r64, m32 */
		opc[0] = 0x63;
		op_mem(g, 8, seg, opc, 1, reg, addr);
		break;
	default:					/* load again */
		opc[0] = 0x8a + (size > 1);
		op_mem(g, size, seg, opc, 1, reg, addr);
		break;
	}
}

static void gen_mmio(struct gen *g)
{
	gen_mmio_access(g, false);
}

static void gen_mmio_split(struct gen *g)
{
	gen_mmio_access(g, true);
}

/*
 * Read-modify-write and compare forms on the MMIO window: ALU m,r /
 * r,m / m,imm, TEST m,r / m,imm, NOT NEG INC DEC m.  Sometimes across a
 * page boundary.
 */
static void gen_mmio_alu(struct gen *g)
{
	unsigned int size = pick_size(g), n = below(&g->r, 8);
	uint8_t seg = g->bits == 16 ? 0x64 : 0;
	int reg = pick_reg(g, size), dummy = 0;
	uint64_t gpa, addr;
	uint8_t opc;

	fix8(g, size, &reg, &dummy);
	if (size > 1 && chance(&g->r, 15))
		gpa = FUZZ_MMIO_GPA + 0x1000 * (1 + below(&g->r, 2)) - 1 -
		      below(&g->r, size - 1);
	else
		gpa = FUZZ_MMIO_GPA + below(&g->r, FUZZ_MMIO_SIZE - size + 1);
	if (gpa + size > FUZZ_MMIO_GPA + FUZZ_MMIO_SIZE)
		gpa = FUZZ_MMIO_GPA;
	addr = g->bits == 16 ? gpa - FUZZ_MMIO_GPA : gpa;
	switch (below(&g->r, 7)) {
	case 0:						/* ALU m, r */
	case 1:						/* ALU r, m */
		opc = n * 8 + (size > 1) + 2 * below(&g->r, 2);
		op_mem(g, size, seg, &opc, 1, reg, addr);
		break;
	case 2:						/* ALU m, imm */
		if (size > 1 && chance(&g->r, 40)) {
			opc = 0x83;
			op_mem(g, size, seg, &opc, 1, n, addr);
			put(g, pick_value(g));
		} else {
			opc = size == 1 ? 0x80 : 0x81;
			op_mem(g, size, seg, &opc, 1, n, addr);
			put_imm(g, size, pick_value(g));
		}
		break;
	case 3:						/* TEST m, r */
		opc = 0x84 + (size > 1);
		op_mem(g, size, seg, &opc, 1, reg, addr);
		break;
	case 4:						/* TEST m, imm */
		opc = size == 1 ? 0xf6 : 0xf7;
		op_mem(g, size, seg, &opc, 1, 0, addr);
		put_imm(g, size, pick_value(g));
		break;
	case 5:						/* NOT, NEG */
		opc = size == 1 ? 0xf6 : 0xf7;
		op_mem(g, size, seg, &opc, 1, 2 + below(&g->r, 2), addr);
		break;
	default:					/* INC, DEC */
		opc = size == 1 ? 0xfe : 0xff;
		op_mem(g, size, seg, &opc, 1, below(&g->r, 2), addr);
		break;
	}
}

/*
 * MOVS, STOS, LODS with MMIO on one or both sides, REP or not (RCX
 * 0-4), DF 0 or 1.  Elements are aligned, so none crosses a page.  Real
 * mode: ES is 0 (RAM only), so the MMIO side is the source, through FS.
 */
static void gen_mmio_str(struct gen *g)
{
	unsigned int size = pick_size(g);
	unsigned int count = below(&g->r, 5), op = below(&g->r, 3);
	bool rep = chance(&g->r, 50), down = chance(&g->r, 35);
	unsigned int n = rep && count ? count : 1, span = n * size, sides;
	uint64_t src, dst, mmio, ram;

	/* op 0 MOVS, 1 STOS (dst), 2 LODS (src); sides: 1 src, 2 dst */
	if (g->bits == 16 && op == 1)
		op = 2;
	sides = op == 1 ? 2 : op == 2 ? 1 :
		g->bits == 16 ? 1 : 1 + below(&g->r, 3);
	mmio = FUZZ_MMIO_GPA + 0x40 +
	       below(&g->r, FUZZ_MMIO_SIZE - 0x80 - span) / size * size;
	ram = FUZZ_DATA_GPA + below(&g->r, FUZZ_DATA_SIZE - span) / size *
	      size;
	if (down) {
		mmio += span - size;
		ram += span - size;
	}
	src = sides & 1 ? mmio : ram;
	dst = sides & 2 ? (sides == 3 ? mmio + 0x1000 * (mmio <
				FUZZ_MMIO_GPA + 0x1000) : mmio) : ram;
	if (sides == 3 && dst == src)
		dst = mmio - 0x1000;
	if (g->bits == 16) {
		mov_imm(g, 2, RSI, (uint16_t)(src - (sides & 1 ?
						     FUZZ_MMIO_GPA : 0)));
		mov_imm(g, 2, RDI, (uint16_t)dst);
		if (rep)
			mov_imm(g, 2, RCX, count);
	} else {
		mov32(g, RSI, (uint32_t)src);
		mov32(g, RDI, (uint32_t)dst);
		if (rep)
			mov32(g, RCX, count);
	}
	put(g, down ? 0xfd : 0xfc);
	if (rep)
		put(g, 0xf3);
	if (g->bits == 16)
		put(g, 0x64);			/* FS: the source segment */
	opsize(g, size);
	rex(g, size, 0, 0, 0);
	put(g, (op == 0 ? 0xa4 : op == 1 ? 0xaa : 0xac) + (size > 1));
}

static uint16_t pick_port(struct gen *g, bool imm8)
{
	static const uint16_t ports[] = {
		0x0, 0x60, 0x61, 0x70, 0x71, 0x80, 0xcf8, 0xcfc, 0x3f8,
		0x3fd, 0x1234, 0xffff, 0xfffe,
	};
	uint16_t p = chance(&g->r, 50) ? ports[below(&g->r, 13)] :
					 (uint16_t)rnd(&g->r);

	return imm8 ? p & 0xff : p;
}

/* MOV DX, @port (16-bit operand). */
static void mov_dx(struct gen *g, uint16_t port)
{
	mov_imm(g, 2, RDX, port);
}

static unsigned int pick_io_size(struct gen *g)
{
	static const unsigned int sizes[] = { 1, 2, 4 };

	return sizes[below(&g->r, 3)];
}

static void gen_pio(struct gen *g)
{
	unsigned int size = pick_io_size(g);
	bool in = chance(&g->r, 50), dx = chance(&g->r, 50);

	if (dx)
		mov_dx(g, pick_port(g, false));
	opsize(g, size);
	if (dx) {
		put(g, (in ? 0xec : 0xee) + (size > 1));
	} else {
		put(g, (in ? 0xe4 : 0xe6) + (size > 1));
		put(g, pick_port(g, true));
	}
}

/*
 * INS/OUTS, with and without REP, DF clear or set, in the data pages
 * (sometimes across their page boundary).  RCX 0-8.
 */
static void gen_strio(struct gen *g)
{
	unsigned int size = pick_io_size(g), count = below(&g->r, 9);
	bool in = chance(&g->r, 50), rep = chance(&g->r, 60);
	bool down = chance(&g->r, 35);
	unsigned int n = rep ? count : 1, span = (n ? n : 1) * size;
	uint32_t start;

	if (chance(&g->r, 30))			/* around 0x5000 */
		start = 0x5000 - below(&g->r, span + 1);
	else
		start = FUZZ_DATA_GPA + below(&g->r, FUZZ_DATA_SIZE - span + 1);
	if (start < FUZZ_DATA_GPA)
		start = FUZZ_DATA_GPA;
	if (start + span > FUZZ_DATA_GPA + FUZZ_DATA_SIZE)
		start = FUZZ_DATA_GPA + FUZZ_DATA_SIZE - span;
	if (down)
		start += span - size;		/* the highest element */
	if (g->bits == 16)
		mov_imm(g, 2, in ? RDI : RSI, start);
	else
		mov32(g, in ? RDI : RSI, start);
	if (rep) {
		if (g->bits == 16)
			mov_imm(g, 2, RCX, count);
		else
			mov32(g, RCX, count);
	}
	mov_dx(g, pick_port(g, false));
	put(g, down ? 0xfd : 0xfc);		/* STD / CLD */
	if (rep)
		put(g, 0xf3);
	opsize(g, size);
	put(g, (in ? 0x6c : 0x6e) + (size > 1));
}

#define LEAF_HV		0x40000000

static void gen_cpuid(struct gen *g)
{
	static const uint32_t leaves[] = {
		0, 1, 2, 7, 0xd, 0x20, LEAF_HV, LEAF_HV + 1, LEAF_HV + 2,
		0x80000000, 0x80000001, 0x80000008, 0x8000001f,
		0xc0000000,
	};
	uint32_t leaf = chance(&g->r, 85) ?
			leaves[below(&g->r, sizeof(leaves) / sizeof(leaves[0]))] :
			(uint32_t)rnd(&g->r);

	mov32(g, RAX, leaf);
	mov32(g, RCX, below(&g->r, 3));
	put(g, 0x0f);
	put(g, 0xa2);
}

/*
 * WRMSR of a value, RDMSR back into clobbered EAX/EDX, for MSRs both
 * devices have (values they both accept: canonical addresses, 32-bit
 * SYSENTER values); or an unknown MSR: #GP.
 */
#define MSR_UNKNOWN	0x0badc0de

/* WRMSR/RDMSR of one MSR (@msr) with @v, into clobbered EAX/EDX. */
static void wrmsr_rdmsr(struct gen *g, uint32_t msr, uint64_t v)
{
	mov32(g, RCX, msr);
	mov32(g, RAX, (uint32_t)v);
	mov32(g, RDX, (uint32_t)(v >> 32));
	put(g, 0x0f);
	put(g, 0x30);
	mov32(g, RAX, (uint32_t)rnd(&g->r));
	mov32(g, RDX, (uint32_t)rnd(&g->r));
	put(g, 0x0f);
	put(g, 0x32);
}

static void gen_msr_wide(struct gen *g)
{
	wrmsr_rdmsr(g, 0x174, rnd(&g->r) | 0x10000);
}

static void gen_msr(struct gen *g)
{
	static const uint32_t msrs[] = {
		0x174, 0x175, 0x176,		/* SYSENTER_CS/ESP/EIP */
		0xc0000081,			/* STAR */
		0xc0000082, 0xc0000083,		/* LSTAR, CSTAR */
		0xc0000102,			/* KERNEL_GS_BASE */
	};
	uint32_t msr = msrs[below(&g->r, sizeof(msrs) / sizeof(msrs[0]))];
	uint64_t v = rnd(&g->r);

	if (msr == 0x174)		/* a selector: see msr_wide */
		v &= 0xffff;
	else if (msr < 0x200)
		v &= 0xffffffff;
	else if (msr != 0xc0000081)	/* canonical, 48 bits */
		v = (uint64_t)((int64_t)(v << 16) >> 16);
	wrmsr_rdmsr(g, msr, v);
}

static void gen_msr_gp(struct gen *g)
{
	mov32(g, RCX, MSR_UNKNOWN);
	put(g, 0x0f);
	put(g, chance(&g->r, 50) ? 0x30 : 0x32);
}

static void gen_exc(struct gen *g)
{
	put(g, 0x0f);			/* UD2: #UD */
	put(g, 0x0b);
}

static void (* const generators[NR_CLASSES])(struct gen *g) = {
	[C_ALU] = gen_alu, [C_MOV] = gen_mov, [C_LEA] = gen_lea,
	[C_UNARY] = gen_unary, [C_SHIFT] = gen_shift, [C_MUL] = gen_mul,
	[C_DIV] = gen_div, [C_STACK] = gen_stack, [C_XCHG] = gen_xchg,
	[C_CMOV] = gen_cmov, [C_SETCC] = gen_setcc, [C_BSWAP] = gen_bswap,
	[C_JCC] = gen_jcc, [C_MEM] = gen_mem, [C_MMIO] = gen_mmio,
	[C_MMIO_SPLIT] = gen_mmio_split, [C_MMIO_ALU] = gen_mmio_alu,
	[C_MMIO_STR] = gen_mmio_str, [C_PIO] = gen_pio,
	[C_STRIO] = gen_strio, [C_CPUID] = gen_cpuid, [C_MSR] = gen_msr,
	[C_MSR_WIDE] = gen_msr_wide, [C_MSR_GP] = gen_msr_gp,
	[C_EXC] = gen_exc,
};

static enum fclass pick_class(struct gen *g)
{
	unsigned int total = 0, x, c;

	for (c = 0; c < NR_CLASSES; c++)
		total += class_on[c] ? class_weight[c] : 0;
	x = below(&g->r, total);
	for (c = 0; c < NR_CLASSES; c++) {
		if (!class_on[c])
			continue;
		if (x < class_weight[c])
			return c;
		x -= class_weight[c];
	}
	return C_ALU;
}

static unsigned int mode_bits(enum guest_mode mode)
{
	return mode == GUEST_MODE_REAL ? 16 :
	       mode == GUEST_MODE_PROT32 ? 32 : 64;
}

static const char *mode_name(enum guest_mode mode)
{
	return mode == GUEST_MODE_REAL ? "real" :
	       mode == GUEST_MODE_PROT32 ? "prot32" : "long64";
}

/* The program of @seed in @mode: 5-30 items, then HLT. */
static void generate(struct prog *p, uint64_t seed, enum guest_mode mode)
{
	static struct item items[MAX_ITEMS];
	struct gen g = { .r = { mix64(seed) }, .mode = mode,
			 .bits = mode_bits(mode) };
	unsigned int n, i, j;

	memset(p, 0, sizeof(*p));
	p->seed = seed;
	p->mode = mode;
	n = MIN_ITEMS + below(&g.r, MAX_ITEMS - MIN_ITEMS + 1);
	for (i = 0; i < n; i++) {
		memset(&items[i], 0, sizeof(items[i]));
		g.it = &items[i];
		generators[pick_class(&g)](&g);
	}
	/* Jcc rel8 over the next items, never over a PUSH/POP. */
	for (i = 0; i < n; i++) {
		unsigned int rel = 0;

		if (!items[i].jcc_skip)
			continue;
		for (j = i + 1; j < n && j <= i + items[i].jcc_skip; j++) {
			if (items[j].no_skip ||
			    rel + items[j].n > 127)
				break;
			rel += items[j].n;
		}
		items[i].b[items[i].n - 1] = rel;
	}
	for (i = 0; i < n; i++) {
		memcpy(p->code + p->len, items[i].b, items[i].n);
		p->len += items[i].n;
	}
	p->code[p->len++] = 0xf4;			/* HLT */
	p->nr_items = n;
}

/* ---- Running a program on one device ---- */

enum ev_kind { EV_OUT, EV_IN, EV_MMIO_W, EV_MMIO_R };

struct event {
	uint8_t kind;
	uint8_t size;
	uint16_t port;
	uint32_t pad;
	uint64_t addr;		/* MMIO: GPA of the byte */
	uint64_t val;
};

/* How a run ended. */
enum term {
	T_HLT, T_SHUTDOWN, T_FAIL_ENTRY, T_INTERNAL, T_OTHER, T_ERRNO,
	T_STEPS, T_OVERFLOW,
};

static const char * const term_names[] = {
	"HLT", "SHUTDOWN", "FAIL_ENTRY", "INTERNAL_ERROR", "other exit",
	"KVM_RUN error", "step limit", "event overflow",
};

struct result {
	uint8_t term;
	uint32_t detail;	/* exit reason, suberror, errno */
	uint32_t steps;		/* KVM_RUN calls, for information */
	uint32_t nr_ev;
	struct kvm_regs regs;
	uint8_t data[FUZZ_DATA_SIZE];
	uint8_t stack[FUZZ_STACK_SIZE];
	struct event ev[MAX_EVENTS];
};

struct side {
	const char *path;
	const char *name;
	enum guest_mode mode;
	struct guest_vm *vm;
	struct kvm_sregs sregs;		/* the mode's start state */
	struct kvm_cpuid2 *cpuid;
	unsigned int vms_created;
};

/*
 * The CPUID table set on both devices: fixed, synthesized (not what
 * either supports), so both guests see the same values.  Vendor AMD (the
 * sandbox's), max basic leaf 7 and extended 0x80000001, and a made-up
 * hypervisor range.
 */
static const struct kvm_cpuid_entry2 cpuid_entries[] = {
	{ .function = 0, .eax = 7, .ebx = 0x68747541, .ecx = 0x444d4163,
	  .edx = 0x69746e65 },
	/* Family 0x17; FPU TSC MSR PAE CX8 APIC SEP PGE CMOV FXSR SSE SSE2 */
	{ .function = 1, .eax = 0x00800f12, .ebx = 0x00010800,
	  .ecx = 0x00000001,
	  .edx = 0x0700a971 | (1 << 9) },
	{ .function = 7, .index = 0, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
	  .eax = 0, .ebx = 0x00000009 },
	{ .function = LEAF_HV, .eax = LEAF_HV + 1, .ebx = 0x7a7a7566,
	  .ecx = 0x7a7a7566, .edx = 0x7a7a7566 },
	{ .function = LEAF_HV + 1, .eax = 0x01234567, .ebx = 0x89abcdef,
	  .ecx = 0xfedcba98, .edx = 0x76543210 },
	{ .function = 0x80000000, .eax = 0x80000001, .ebx = 0x68747541,
	  .ecx = 0x444d4163, .edx = 0x69746e65 },
	/* LAHF; SYSCALL NX LM */
	{ .function = 0x80000001, .eax = 0x00800f12, .ecx = 0x1,
	  .edx = (1 << 11) | (1 << 20) | (1 << 29) },
};

#define NR_CPUID	(sizeof(cpuid_entries) / sizeof(cpuid_entries[0]))

/* Exception stubs: MOV AL, vector; OUT FUZZ_PORT_EXC, AL; HLT. */
static void write_stubs_and_idt(struct guest_vm *vm, enum guest_mode mode)
{
	unsigned int v;

	for (v = 0; v < FUZZ_NR_STUBS; v++) {
		uint64_t gpa = FUZZ_STUB_GPA + 8 * v;
		uint8_t stub[8] = { 0xb0, (uint8_t)v, 0xe6, FUZZ_PORT_EXC,
				    0xf4, 0xf4, 0xf4, 0xf4 };
		uint32_t ivt;
		uint64_t gate;

		guest_write(vm, gpa, stub, sizeof(stub));
		switch (mode) {
		case GUEST_MODE_REAL:		/* IVT: offset, segment 0 */
			ivt = (uint32_t)gpa;
			guest_write(vm, 4 * v, &ivt, 4);
			break;
		case GUEST_MODE_PROT32:		/* 32-bit interrupt gate */
			gate = (gpa & 0xffff) |
			       (uint64_t)GUEST_SEL_CODE32 << 16 |
			       0x8eULL << 40 | ((gpa >> 16) & 0xffff) << 48;
			guest_write(vm, GUEST_IDT_GPA + 8 * v, &gate, 8);
			break;
		case GUEST_MODE_LONG64:
			guest_set_idt_gate(vm, v, gpa);
			break;
		}
	}
}

/*
 * APIC_BASE, set on both devices before KVM_SET_CPUID2: CPUID.1:EDX.APIC
 * follows its enable bit (KVM's runtime CPUID rule), and the two devices
 * start a vCPU without an in-kernel LAPIC with different values (see
 * selftests/README).  The xAPIC default: base 0xfee00000, EN, BSP.
 */
#define MSR_IA32_APICBASE	0x1b
#define FUZZ_APIC_BASE		0xfee00900ULL

static void set_apic_base(struct side *s, struct guest_vm *vm)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = MSR_IA32_APICBASE };

	if (ioctl(vm->vcpu, KVM_GET_MSRS, &m) != 1) {
		fprintf(stderr, "fuzz: KVM_GET_MSRS on %s: %s\n", s->path,
			strerror(errno));
		exit(1);
	}
	if (!s->vms_created)
		fprintf(stderr, "# %s: APIC_BASE %#llx at vCPU creation\n",
			s->path, (unsigned long long)m.e.data);
	m.e.data = FUZZ_APIC_BASE;
	if (ioctl(vm->vcpu, KVM_SET_MSRS, &m) != 1) {
		fprintf(stderr, "fuzz: KVM_SET_MSRS on %s: %s\n", s->path,
			strerror(errno));
		exit(1);
	}
}

static void side_open(struct side *s)
{
	struct guest_vm *vm = vm_create_with_vcpu_on(s->path, FUZZ_MEM);

	set_apic_base(s, vm);
	if (ioctl(vm->vcpu, KVM_SET_CPUID2, s->cpuid)) {
		fprintf(stderr, "fuzz: KVM_SET_CPUID2 on %s: %s\n", s->path,
			strerror(errno));
		exit(1);
	}
	write_stubs_and_idt(vm, s->mode);
	guest_set_mode(vm, s->mode);
	vcpu_get_sregs(vm, &s->sregs);
	if (s->mode == GUEST_MODE_REAL) {
		s->sregs.fs.selector = FUZZ_MMIO_SEG16;
		s->sregs.fs.base = FUZZ_MMIO_GPA;
	}
	s->vm = vm;
	s->vms_created++;
}

static void side_close(struct side *s)
{
	vm_destroy(s->vm);
	s->vm = NULL;
}

/* The byte an MMIO read of @gpa returns: split-independent. */
static uint8_t mmio_byte(uint64_t seed, uint64_t gpa)
{
	return (uint8_t)mix64(seed ^ (gpa * 0x100000001b3ULL));
}

/* Element @nth (counted over the whole program) of the IN stream. */
static uint32_t in_value(uint64_t seed, unsigned int nth, uint16_t port,
			 unsigned int size)
{
	return (uint32_t)mix64(seed ^ ((uint64_t)nth << 32) ^
			       ((uint64_t)port << 8) ^ size ^ 0x1f1f);
}

static bool add_event(struct result *r, struct event e)
{
	if (r->nr_ev >= MAX_EVENTS)
		return false;
	r->ev[r->nr_ev++] = e;
	return true;
}

/* Initial registers: random, RSP the mode's stack, flags random. */
static void initial_regs(const struct prog *p, struct kvm_regs *regs)
{
	struct rng r = { mix64(p->seed ^ 0x5eed) };
	__u64 *gpr = &regs->rax;
	unsigned int i;

	memset(regs, 0, sizeof(*regs));
	/* kvm_regs: rax rbx rcx rdx rsi rdi rsp rbp r8..r15 rip rflags */
	for (i = 0; i < 16; i++) {
		gpr[i] = rnd(&r);
		if (p->mode != GUEST_MODE_LONG64)
			gpr[i] = i < 8 ? (uint32_t)gpr[i] : 0;
	}
	regs->rsp = p->mode == GUEST_MODE_REAL ? 0xfff0 : GUEST_STACK_TOP;
	regs->rip = GUEST_CODE_GPA;
	/* CF PF AF ZF SF OF at random; DF, IF, TF clear. */
	regs->rflags = X86_RFLAGS_FIXED | (rnd(&r) & 0x8d5);
}

static void run_program(struct side *s, const struct prog *p,
			struct result *res)
{
	struct rng r = { mix64(p->seed ^ 0xda7a) };
	uint8_t code[FUZZ_CODE_SIZE];
	uint8_t data[FUZZ_DATA_SIZE];
	static const uint8_t zero[FUZZ_STACK_SIZE];
	struct kvm_regs regs;
	unsigned int nth_in = 0, i;
	struct guest_vm *vm;
	struct kvm_run *run;

	if (!s->vm)
		side_open(s);
	vm = s->vm;
	run = vm->run;
	memset(code, 0xf4, sizeof(code));
	memcpy(code, p->code, p->len);
	guest_write(vm, GUEST_CODE_GPA, code, sizeof(code));
	for (i = 0; i < sizeof(data); i += 8) {
		uint64_t v = rnd(&r);

		memcpy(data + i, &v, 8);
	}
	guest_write(vm, FUZZ_DATA_GPA, data, sizeof(data));
	guest_write(vm, FUZZ_STACK_LOW, zero, sizeof(zero));
	vcpu_set_sregs(vm, &s->sregs);
	initial_regs(p, &regs);
	vcpu_set_regs(vm, &regs);

	memset(res, 0, offsetof(struct result, ev));
	res->term = T_STEPS;
	for (res->steps = 0; res->steps < MAX_STEPS; res->steps++) {
		int ret = vcpu_run(vm);
		struct event e = { 0 };
		bool ok = true;

		if (ret < 0) {
			res->term = T_ERRNO;
			res->detail = -ret;
			break;
		}
		if (ret == KVM_EXIT_HLT) {
			res->term = T_HLT;
			break;
		}
		if (ret == KVM_EXIT_IO) {
			e.kind = run->io.direction == KVM_EXIT_IO_OUT ?
				 EV_OUT : EV_IN;
			e.size = run->io.size;
			e.port = run->io.port;
			for (i = 0; i < run->io.count && ok; i++) {
				if (e.kind == EV_IN)
					vcpu_io_set_element(vm, i,
						in_value(p->seed, nth_in++,
							 e.port, e.size));
				e.val = vcpu_io_element(vm, i);
				ok = add_event(res, e);
			}
		} else if (ret == KVM_EXIT_MMIO) {
			e.kind = run->mmio.is_write ? EV_MMIO_W : EV_MMIO_R;
			e.size = 1;
			for (i = 0; i < run->mmio.len && i < 8 && ok; i++) {
				e.addr = run->mmio.phys_addr + i;
				if (e.kind == EV_MMIO_R)
					run->mmio.data[i] =
						mmio_byte(p->seed, e.addr);
				e.val = run->mmio.data[i];
				ok = add_event(res, e);
			}
		} else {
			res->detail = ret;
			res->term = ret == KVM_EXIT_SHUTDOWN ? T_SHUTDOWN :
				    ret == KVM_EXIT_FAIL_ENTRY ? T_FAIL_ENTRY :
				    ret == KVM_EXIT_INTERNAL_ERROR ?
				    T_INTERNAL : T_OTHER;
			if (ret == KVM_EXIT_INTERNAL_ERROR)
				res->detail = run->internal.suberror;
			break;
		}
		if (!ok) {
			res->term = T_OVERFLOW;
			break;
		}
	}
	vcpu_get_regs(vm, &res->regs);
	guest_read(vm, FUZZ_DATA_GPA, res->data, sizeof(res->data));
	guest_read(vm, FUZZ_STACK_LOW, res->stack, sizeof(res->stack));
	/*
	 * Only a vCPU that halted is reused: after SHUTDOWN kvm-amd
	 * re-initializes it, and an unfinished IN or MMIO read (step limit)
	 * or an error would carry over into the next program.
	 */
	if (res->term != T_HLT)
		side_close(s);
}

/* ---- Comparison (the rules of selftests/README) ---- */

static const char * const gpr_names[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags",
};

/*
 * Returns NULL if @a (device under test) and @b (KVM) agree, else what
 * differs first.  The traces are already normalized when recorded: each
 * string I/O exit is flattened into its elements, each MMIO exit into
 * its bytes (so batching and splitting are not compared, only the
 * stream of elements and bytes in order), IN and MMIO read answers do
 * not depend on how the accesses were batched or split.
 */
#define UD_VECTOR	6
#define X86_RFLAGS_RF	(1ULL << 16)

/* Vectors whose exception pushes an error code. */
static bool has_error_code(unsigned int v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21;
}

/*
 * The RFLAGS image of a #UD frame, RF cleared: kvm-amd intercepts #UD
 * (to patch VMCALL/VMMCALL) and injects it again, and KVM sets RF in the
 * RFLAGS it pushes for a fault it injects; under hvmod the CPU delivers
 * #UD itself, and the emulated CPU (QEMU) pushes RF = 0.  The frame is
 * found from the stub the guest halted in (RIP past its HLT) and RSP.
 */
static void mask_ud_frame(const struct result *r, enum guest_mode mode,
			  uint8_t *stack)
{
	uint64_t rip = r->regs.rip, w = mode == GUEST_MODE_LONG64 ? 8 : 4;
	uint64_t v = (rip - FUZZ_STUB_GPA - 5) / 8, at;

	if (mode == GUEST_MODE_REAL || r->term != T_HLT ||
	    rip != FUZZ_STUB_GPA + 8 * v + 5 || v != UD_VECTOR)
		return;
	/* RIP (error code) CS RFLAGS, upwards from RSP */
	at = r->regs.rsp + w * (2 + has_error_code(v)) + 2;
	if (at >= FUZZ_STACK_LOW && at < FUZZ_STACK_LOW + FUZZ_STACK_SIZE)
		stack[at - FUZZ_STACK_LOW] &= ~(X86_RFLAGS_RF >> 16);
}

static const char *normalize_and_compare(const struct result *a,
					 const struct result *b,
					 enum guest_mode mode,
					 char *buf, size_t len)
{
	const __u64 *ga = &a->regs.rax, *gb = &b->regs.rax;
	static uint8_t sa[FUZZ_STACK_SIZE], sb[FUZZ_STACK_SIZE];
	unsigned int i;

	if (a->term != b->term || a->detail != b->detail) {
		snprintf(buf, len, "end: %s (%u) vs %s (%u)",
			 term_names[a->term], a->detail,
			 term_names[b->term], b->detail);
		return buf;
	}
	/*
	 * SHUTDOWN: only the exit reason (kvm-amd re-initializes the vCPU
	 * before returning, so its registers say nothing about the guest).
	 */
	if (a->term == T_SHUTDOWN)
		return NULL;
	for (i = 0; i < a->nr_ev && i < b->nr_ev; i++)
		if (memcmp(&a->ev[i], &b->ev[i], sizeof(a->ev[i]))) {
			snprintf(buf, len, "event %u differs", i);
			return buf;
		}
	if (a->nr_ev != b->nr_ev) {
		snprintf(buf, len, "%u events vs %u", a->nr_ev, b->nr_ev);
		return buf;
	}
	/* All registers, RFLAGS unmasked: both run on the same CPU. */
	for (i = 0; i < 18; i++)
		if (ga[i] != gb[i]) {
			snprintf(buf, len, "%s: %#" PRIx64 " vs %#" PRIx64,
				 gpr_names[i], (uint64_t)ga[i],
				 (uint64_t)gb[i]);
			return buf;
		}
	for (i = 0; i < FUZZ_DATA_SIZE; i++)
		if (a->data[i] != b->data[i]) {
			snprintf(buf, len, "data byte %#x: %#x vs %#x",
				 FUZZ_DATA_GPA + i, a->data[i], b->data[i]);
			return buf;
		}
	memcpy(sa, a->stack, sizeof(sa));
	memcpy(sb, b->stack, sizeof(sb));
	mask_ud_frame(a, mode, sa);
	mask_ud_frame(b, mode, sb);
	for (i = 0; i < FUZZ_STACK_SIZE; i++)
		if (sa[i] != sb[i]) {
			snprintf(buf, len, "stack byte %#x: %#x vs %#x",
				 FUZZ_STACK_LOW + i, sa[i], sb[i]);
			return buf;
		}
	return NULL;
}

static void dump_result(const char *name, const struct result *r)
{
	const __u64 *g = &r->regs.rax;
	unsigned int i;

	fprintf(stderr, "#   %s: %s (%u) after %u KVM_RUNs, %u events\n",
		name, term_names[r->term], r->detail, r->steps, r->nr_ev);
	for (i = 0; i < 18; i++) {
		fprintf(stderr, "%s%s=%016" PRIx64, i % 4 ? " " : "#     ",
			gpr_names[i], (uint64_t)g[i]);
		if (i % 4 == 3 || i == 17)
			fputc('\n', stderr);
	}
	for (i = 0; i < r->nr_ev; i++) {
		const struct event *e = &r->ev[i];

		switch (e->kind) {
		case EV_OUT:
		case EV_IN:
			fprintf(stderr, "#     %3u %s port %#x size %u %#"
				PRIx64 "\n", i, e->kind == EV_OUT ? "out" :
				"in ", e->port, e->size, e->val);
			break;
		default:
			fprintf(stderr, "#     %3u mmio %s %#" PRIx64 " %#02"
				PRIx64 "\n", i, e->kind == EV_MMIO_W ?
				"write" : "read ", e->addr, e->val);
			break;
		}
	}
}

static void dump_prog(const struct prog *p)
{
	unsigned int i;

	fprintf(stderr, "#   %s, %u items, %u bytes:", mode_name(p->mode),
		p->nr_items, p->len);
	for (i = 0; i < p->len; i++)
		fprintf(stderr, "%s%02x", i % 32 ? " " : "\n#     ",
			p->code[i]);
	fputc('\n', stderr);
}

/* ---- The test ---- */

static uint64_t env_u64(const char *name, uint64_t def, bool *set)
{
	const char *s = getenv(name);
	char *end;
	uint64_t v;

	if (set)
		*set = false;
	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "fuzz: bad %s '%s'\n", name, s);
		exit(1);
	}
	if (set)
		*set = true;
	return v;
}

static uint64_t prog_seed(uint64_t base, enum guest_mode mode,
			  unsigned int index)
{
	return mix64(base ^ mix64(((uint64_t)mode << 32) | index));
}

static const char *test_path(void)
{
	const char *s = getenv("HVM_FUZZ_DEV");

	if (s && *s)
		return s;
	return dev_is_hvm() ? dev_path() : HVM_DEV_DEFAULT;
}

static struct kvm_cpuid2 *make_cpuid(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) +
				      NR_CPUID * sizeof(c->entries[0]));

	if (!c)
		return NULL;
	c->nent = NR_CPUID;
	memcpy(c->entries, cpuid_entries, sizeof(cpuid_entries));
	return c;
}

static void fuzz_mode(struct __test_metadata *_metadata,
		      enum guest_mode mode)
{
	bool one_set, verbose = env_long("HVM_FUZZ_VERBOSE", 0) > 0;
	uint64_t base = env_u64("HVM_FUZZ_SEED", DEFAULT_SEED, NULL);
	uint64_t one = env_u64("HVM_FUZZ_ONE", 0, &one_set);
	const char *sandbox = getenv("HVM_SANDBOX");
	long def = sandbox && !strcmp(sandbox, "vmx") ? DEFAULT_COUNT_VMX :
						   DEFAULT_COUNT;
	long count = one_set ? 1 : env_long("HVM_FUZZ_COUNT", def);
	struct side dut = { .path = test_path(), .name = "dut", .mode = mode };
	struct side ref = { .path = KVM_DEV_PATH, .name = "kvm", .mode = mode };
	unsigned int terms[8] = { 0 }, failures = 0, nr_events = 0;
	struct result *results, *r = NULL;
	struct prog *p = NULL;
	char why[160];
	long i, first;

	ASSERT_EQ(0, setup_classes());
	ASSERT_LT(0, count);
	if (getenv("HVM_FUZZ_DUMP")) {		/* generator check: no devices */
		for (i = 0; i < count; i++) {
			generate(p ? p : (p = calloc(1, sizeof(*p))),
				 one_set ? one : prog_seed(base, mode, i), mode);
			printf("%s %#" PRIx64 " ", mode_name(mode), p->seed);
			for (unsigned int k = 0; k < p->len; k++)
				printf("%02x", p->code[k]);
			printf("\n");
		}
		free(p);
		return;
	}
	dut.cpuid = ref.cpuid = make_cpuid();
	ASSERT_NE(NULL, dut.cpuid);
	results = calloc(FUZZ_CHUNK, sizeof(*results));
	r = calloc(1, sizeof(*r));
	p = calloc(1, sizeof(*p));
	ASSERT_TRUE(results && r && p);
	if (one_set)
		fprintf(stderr, "# fuzz %s: program seed %#" PRIx64 "\n",
			mode_name(mode), one);
	else
		fprintf(stderr, "# fuzz %s: %ld programs, HVM_FUZZ_SEED=%#"
			PRIx64 "\n", mode_name(mode), count, base);
	fprintf(stderr, "# %s vs %s, classes %s\n", dut.path, ref.path,
		class_list);

	/*
	 * In chunks: the device under test runs a chunk of programs (one
	 * VM), its VM goes, then KVM runs the same chunk and each program
	 * is compared.  Chunks bound the memory the results take.
	 */
	for (first = 0; first < count; first += FUZZ_CHUNK) {
		long n = count - first < FUZZ_CHUNK ? count - first :
						       FUZZ_CHUNK;

		for (i = first; i < first + n; i++) {
			generate(p, one_set ? one : prog_seed(base, mode, i),
				 mode);
			run_program(&dut, p, &results[i - first]);
		}
		if (dut.vm)
			side_close(&dut);
		for (i = first; i < first + n; i++) {
			const struct result *a = &results[i - first];
			const char *diff;

			generate(p, one_set ? one : prog_seed(base, mode, i),
				 mode);
			run_program(&ref, p, r);
			terms[r->term]++;
			nr_events += r->nr_ev;
			diff = normalize_and_compare(a, r, mode, why,
						     sizeof(why));
			if (!diff && !(verbose || one_set))
				continue;
			if (diff)
				failures++;
			if (diff && failures > MAX_FAIL_LOGS) {
				if (failures <= MAX_FAIL_LINES)
					fprintf(stderr, "# MISMATCH %s program "
						"%ld: %s (HVM_FUZZ_ONE=%#"
						PRIx64 ")\n", mode_name(mode),
						i, diff, p->seed);
				continue;
			}
			fprintf(stderr, "# %s %s program %ld: %s\n"
				"#   rerun: HVM_FUZZ_ONE=%#" PRIx64
				" HVM_FUZZ_CLASSES=%s\n",
				diff ? "MISMATCH" : "ok", mode_name(mode), i,
				diff ? diff : "same", p->seed, class_list);
			dump_prog(p);
			dump_result(dut.path, a);
			dump_result(ref.path, r);
		}
		if (ref.vm)
			side_close(&ref);
	}
	fprintf(stderr, "# fuzz %s: %ld programs, %u mismatches; KVM ended "
		"HLT %u, SHUTDOWN %u, other %u; %u events; VMs %u + %u\n",
		mode_name(mode), count, failures, terms[T_HLT],
		terms[T_SHUTDOWN], (unsigned int)count - terms[T_HLT] -
		terms[T_SHUTDOWN], nr_events, dut.vms_created,
		ref.vms_created);
	free(results);
	free(r);
	free(p);
	free(dut.cpuid);
	EXPECT_EQ(0U, failures);
}

FIXTURE(fuzz) {
	int unused;
};

FIXTURE_SETUP(fuzz)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(fuzz)
{
	(void)self;
}

TEST_F_TIMEOUT(fuzz, real, 300)
{
	fuzz_mode(_metadata, GUEST_MODE_REAL);
}

TEST_F_TIMEOUT(fuzz, prot32, 300)
{
	fuzz_mode(_metadata, GUEST_MODE_PROT32);
}

TEST_F_TIMEOUT(fuzz, long64, 300)
{
	fuzz_mode(_metadata, GUEST_MODE_LONG64);
}

TEST_HARNESS_MAIN
