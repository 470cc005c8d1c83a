// SPDX-License-Identifier: GPL-2.0-only
/*
 * Integer operations with their status flags (x86_alu.h).
 */
#include "kmod/x86_alu.h"

static u64 x86_size_mask(u8 size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static u64 x86_sign_bit(u8 size)
{
	return 1ULL << (size * 8 - 1);
}

/* ZF, SF and PF of @res (PF: even parity of its low byte). */
static u64 x86_flags_zsp(u64 res, u8 size)
{
	u64 flags = 0;
	u8 low = res;

	low ^= low >> 4;
	low ^= low >> 2;
	low ^= low >> 1;
	if (!(low & 1))
		flags |= X86_FLAG_PF;
	if (!res)
		flags |= X86_FLAG_ZF;
	if (res & x86_sign_bit(size))
		flags |= X86_FLAG_SF;
	return flags;
}

/* AF: the carry or borrow out of bit 3. */
static u64 x86_flag_af(u64 a, u64 b, u64 res)
{
	return (a ^ b ^ res) & 0x10 ? X86_FLAG_AF : 0;
}

/* @a + @b + @carry: the result and CF, AF, OF. */
static u64 x86_add(u8 size, u64 a, u64 b, bool carry, u64 *flags)
{
	u64 mask = x86_size_mask(size);
	u64 res = (a + b + carry) & mask;

	*flags = x86_flag_af(a, b, res);
	if (res < a || (carry && res == a))
		*flags |= X86_FLAG_CF;
	if ((a ^ res) & (b ^ res) & x86_sign_bit(size))
		*flags |= X86_FLAG_OF;
	return res;
}

/* @a - @b - @borrow: the result and CF, AF, OF. */
static u64 x86_sub(u8 size, u64 a, u64 b, bool borrow, u64 *flags)
{
	u64 mask = x86_size_mask(size);
	u64 res = (a - b - borrow) & mask;

	*flags = x86_flag_af(a, b, res);
	if (a < b || (borrow && a == b))
		*flags |= X86_FLAG_CF;
	if ((a ^ b) & (a ^ res) & x86_sign_bit(size))
		*flags |= X86_FLAG_OF;
	return res;
}

static u64 x86_set_status(u64 rflags, u64 flags, u64 which)
{
	return (rflags & ~which) | (flags & which);
}

u64 x86_alu(enum x86_alu alu, u8 size, u64 dst, u64 src, u64 *rflags)
{
	u64 mask = x86_size_mask(size);
	bool cf = *rflags & X86_FLAG_CF;
	u64 flags = 0, res;

	dst &= mask;
	src &= mask;
	switch (alu) {
	case X86_ALU_ADD:
		res = x86_add(size, dst, src, false, &flags);
		break;
	case X86_ALU_ADC:
		res = x86_add(size, dst, src, cf, &flags);
		break;
	case X86_ALU_SUB:
	case X86_ALU_CMP:
		res = x86_sub(size, dst, src, false, &flags);
		break;
	case X86_ALU_SBB:
		res = x86_sub(size, dst, src, cf, &flags);
		break;
	case X86_ALU_OR:
		res = dst | src;
		break;
	case X86_ALU_XOR:
		res = dst ^ src;
		break;
	case X86_ALU_AND:
	case X86_ALU_TEST:
	default:
		res = dst & src;
		break;
	}
	*rflags = x86_set_status(*rflags, flags | x86_flags_zsp(res, size),
				 X86_FLAGS_STATUS);
	return res;
}

u64 x86_unary(enum x86_unary op, u8 size, u64 val, u64 *rflags)
{
	u64 mask = x86_size_mask(size);
	u64 flags, res;

	val &= mask;
	switch (op) {
	case X86_UNARY_NOT:
		/* No flag changes. */
		return ~val & mask;
	case X86_UNARY_NEG:
		res = x86_sub(size, 0, val, false, &flags);
		break;
	case X86_UNARY_INC:
		res = x86_add(size, val, 1, false, &flags);
		/* INC and DEC leave CF alone. */
		flags = (flags & ~X86_FLAG_CF) | (*rflags & X86_FLAG_CF);
		break;
	case X86_UNARY_DEC:
	default:
		res = x86_sub(size, val, 1, false, &flags);
		flags = (flags & ~X86_FLAG_CF) | (*rflags & X86_FLAG_CF);
		break;
	}
	*rflags = x86_set_status(*rflags, flags | x86_flags_zsp(res, size),
				 X86_FLAGS_STATUS);
	return res;
}
