// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmod/x86_alu.c against the host CPU: every operation at every size on
 * edge values and seeded random values, with random incoming status
 * flags; the result and all six status flags must equal what the CPU's
 * own instruction produces.
 */
#include <stdint.h>
#include <stdlib.h>

#include "unit.h"
#include "kmod/x86_alu.h"

#define RANDOM_CASES	20000

/*
 * One reference instruction: load RFLAGS from *fl, run INSN on the
 * size-typed operands, store RFLAGS back.
 */
#define REF_BINARY(insn, type, cd, cs, d, s, fl)			\
	asm volatile("push %[f]\n\tpopf\n\t" insn " %[src], %[dst]\n\t"	\
		     "pushf\n\tpop %[f]"				\
		     : [dst] cd (d), [f] "+r" (*(fl))			\
		     : [src] cs (s) : "cc")

#define REF_UNARY(insn, cd, d, fl)					\
	asm volatile("push %[f]\n\tpopf\n\t" insn " %[dst]\n\t"		\
		     "pushf\n\tpop %[f]"				\
		     : [dst] cd (d), [f] "+r" (*(fl)) : : "cc")

/* The CPU's result of @alu for each operand size. */
#define REF_ALU_CASE(name, insn)					\
	case X86_ALU_##name:						\
		switch (size) {						\
		case 1: { uint8_t d = dst, s = src;			\
			REF_BINARY(insn "b", u8, "+q", "q", d, s, fl);	\
			return d; }					\
		case 2: { uint16_t d = dst, s = src;			\
			REF_BINARY(insn "w", u16, "+r", "r", d, s, fl);	\
			return d; }					\
		case 4: { uint32_t d = dst, s = src;			\
			REF_BINARY(insn "l", u32, "+r", "r", d, s, fl);	\
			return d; }					\
		default: { uint64_t d = dst, s = src;			\
			REF_BINARY(insn "q", u64, "+r", "r", d, s, fl);	\
			return d; }					\
		}

static u64 ref_alu(enum x86_alu alu, u8 size, u64 dst, u64 src, u64 *fl)
{
	switch (alu) {
	REF_ALU_CASE(ADD, "add")
	REF_ALU_CASE(OR, "or")
	REF_ALU_CASE(ADC, "adc")
	REF_ALU_CASE(SBB, "sbb")
	REF_ALU_CASE(AND, "and")
	REF_ALU_CASE(SUB, "sub")
	REF_ALU_CASE(XOR, "xor")
	REF_ALU_CASE(CMP, "cmp")
	REF_ALU_CASE(TEST, "test")
	}
	return 0;
}

#define REF_UNARY_CASE(name, insn)					\
	case X86_UNARY_##name:						\
		switch (size) {						\
		case 1: { uint8_t d = val;				\
			REF_UNARY(insn "b", "+q", d, fl); return d; }	\
		case 2: { uint16_t d = val;				\
			REF_UNARY(insn "w", "+r", d, fl); return d; }	\
		case 4: { uint32_t d = val;				\
			REF_UNARY(insn "l", "+r", d, fl); return d; }	\
		default: { uint64_t d = val;				\
			REF_UNARY(insn "q", "+r", d, fl); return d; }	\
		}

static u64 ref_unary(enum x86_unary op, u8 size, u64 val, u64 *fl)
{
	switch (op) {
	REF_UNARY_CASE(NOT, "not")
	REF_UNARY_CASE(NEG, "neg")
	REF_UNARY_CASE(INC, "inc")
	REF_UNARY_CASE(DEC, "dec")
	}
	return 0;
}

static u64 host_rflags(void)
{
	u64 fl;

	asm volatile("pushf\n\tpop %0" : "=r" (fl));
	return fl;
}

static u64 rand64(void)
{
	return ((u64)random() << 42) ^ ((u64)random() << 21) ^ random();
}

/* Operands that sit on carries, overflows and sign changes. */
static const u64 edges[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
	0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, 0x0f, 0x10,
};

static const char *const alu_names[] = {
	"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test",
};
static const char *const unary_names[] = { "not", "neg", "inc", "dec" };
static const u8 sizes[] = { 1, 2, 4, 8 };

/* One case; prints the first few mismatches. Returns 1 if it differs. */
static int check_alu(enum x86_alu alu, u8 size, u64 dst, u64 src, u64 fl)
{
	u64 want_fl = fl, got_fl = fl, want, got;

	want = ref_alu(alu, size, dst, src, &want_fl);
	got = x86_alu(alu, size, dst, src, &got_fl);
	/* CMP and TEST store nothing: only their flags count. */
	if (alu == X86_ALU_CMP || alu == X86_ALU_TEST)
		got = want;
	if (want == got && want_fl == got_fl)
		return 0;
	printf("#   %s%u %#llx, %#llx (flags %#llx): got %#llx/%#llx, cpu %#llx/%#llx\n",
	       alu_names[alu], size * 8, dst, src, fl, got, got_fl, want,
	       want_fl);
	return 1;
}

static int check_unary(enum x86_unary op, u8 size, u64 val, u64 fl)
{
	u64 want_fl = fl, got_fl = fl, want, got;

	want = ref_unary(op, size, val, &want_fl);
	got = x86_unary(op, size, val, &got_fl);
	if (want == got && want_fl == got_fl)
		return 0;
	printf("#   %s%u %#llx (flags %#llx): got %#llx/%#llx, cpu %#llx/%#llx\n",
	       unary_names[op], size * 8, val, fl, got, got_fl, want, want_fl);
	return 1;
}

/* Incoming flags: the host's, with random status bits. */
static u64 random_flags(u64 base)
{
	return (base & ~(u64)X86_FLAGS_STATUS) | (rand64() & X86_FLAGS_STATUS);
}

int main(void)
{
	u64 base = host_rflags();
	unsigned int op, si, i, j, bad;
	char name[64];

	srandom(0x68766d);
	for (op = X86_ALU_ADD; op <= X86_ALU_TEST; op++) {
		for (si = 0, bad = 0; si < sizeof(sizes); si++) {
			for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
				for (j = 0; j < sizeof(edges) / sizeof(edges[0]); j++)
					bad += check_alu(op, sizes[si], edges[i], edges[j],
							 random_flags(base));
			for (i = 0; i < RANDOM_CASES; i++)
				bad += check_alu(op, sizes[si], rand64(), rand64(),
						 random_flags(base));
		}
		snprintf(name, sizeof(name), "alu.%s", alu_names[op]);
		UNIT_CHECK(name, bad == 0);
	}
	for (op = X86_UNARY_NOT; op <= X86_UNARY_DEC; op++) {
		for (si = 0, bad = 0; si < sizeof(sizes); si++) {
			for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
				bad += check_unary(op, sizes[si], edges[i],
						   random_flags(base));
			for (i = 0; i < RANDOM_CASES; i++)
				bad += check_unary(op, sizes[si], rand64(),
						   random_flags(base));
		}
		snprintf(name, sizeof(name), "alu.%s", unary_names[op]);
		UNIT_CHECK(name, bad == 0);
	}
	return unit_failed ? 1 : 0;
}
