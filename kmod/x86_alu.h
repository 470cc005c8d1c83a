/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The integer operations the core emulates on MMIO operands, with their
 * arithmetic flags, in pure C (no host instruction runs with guest
 * values): compiled into the module and into a native unit test that
 * compares every result and flag with the host CPU's own instructions.
 *
 * Reference: Intel SDM vol. 1, 3.4.3.1 (status flags) and vol. 2 (each
 * instruction's "Flags Affected"). Where the SDM leaves a flag undefined
 * (AF after AND, OR, XOR and TEST) it is cleared, as AMD and Intel CPUs
 * and QEMU do.
 */
#ifndef HVMOD_X86_ALU_H
#define HVMOD_X86_ALU_H

#include "kmod/pure.h"
#include "kmod/x86_decode.h"

#define X86_FLAG_CF	BIT(0)
#define X86_FLAG_PF	BIT(2)
#define X86_FLAG_AF	BIT(4)
#define X86_FLAG_ZF	BIT(6)
#define X86_FLAG_SF	BIT(7)
#define X86_FLAG_OF	BIT(11)
#define X86_FLAGS_STATUS (X86_FLAG_CF | X86_FLAG_PF | X86_FLAG_AF | \
			  X86_FLAG_ZF | X86_FLAG_SF | X86_FLAG_OF)

/* The one-operand operations (enum x86_op values the decoder gives). */
enum x86_unary {
	X86_UNARY_NOT,
	X86_UNARY_NEG,
	X86_UNARY_INC,
	X86_UNARY_DEC,
};

/*
 * @dst op @src on @size bytes (1, 2, 4, 8). @rflags is the value before
 * (ADC and SBB read CF); its status flags are updated as the instruction
 * does. Returns the result, which CMP and TEST do not store.
 */
u64 x86_alu(enum x86_alu alu, u8 size, u64 dst, u64 src, u64 *rflags);

/* NOT, NEG, INC, DEC of @val; as x86_alu(). */
u64 x86_unary(enum x86_unary op, u8 size, u64 val, u64 *rflags);

#endif /* HVMOD_X86_ALU_H */
