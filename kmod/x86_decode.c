// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 instruction decoder (see x86_decode.h for what it is used for).
 *
 * The decode follows the instruction format of the Intel SDM vol. 2
 * (325383-081US), chapter 2:
 *
 *   [legacy prefixes] [REX] [0F [38|3A] | VEX | EVEX] opcode [ModRM [SIB]]
 *   [displacement] [immediate]
 *
 * Which of ModRM and immediate follow an opcode, and how operand sizes
 * default, comes from per-opcode attribute tables transcribed from the
 * opcode maps of appendix A; the register forms of a few opcode groups
 * are checked for #UD encodings after the ModRM byte.
 *
 * The input is guest-controlled: every byte is read through fetch(),
 * which refuses to go past the caller's length or the 15-byte limit,
 * every loop has a constant bound, every table is indexed by a u8 into a
 * 256-entry array or masked to its size, and nothing is stored outside
 * the caller's struct x86_insn.
 */
#include "kmod/x86_decode.h"

/*
 * Opcode attributes. The low four bits are the immediate kind (the
 * operand-type letters of SDM A.2.1/A.2.2), the others are flags.
 */
#define IK_NONE		0
#define IK_B		1	/* Ib, zero-extended */
#define IK_BS		2	/* Ib, sign-extended to the operand size */
#define IK_W		3	/* Iw */
#define IK_Z		4	/* Iz: 16 or 32 bits */
#define IK_V		5	/* Iv: 16, 32 or 64 bits (B8+r) */
#define IK_J8		6	/* Jb */
#define IK_JZ		7	/* Jz */
#define IK_AP		8	/* Ap: offset16/32 then selector16 */
#define IK_ENTER	9	/* Iw, Ib */
#define IK_MOFFS	10	/* Ob/Ov: address-sized offset */
#define IK_GRP3		11	/* F6/F7: Ib/Iz for /0 and /1 only */
#define IK_MASK		0x000f

#define MO	0x0010	/* a ModRM byte follows */
#define BY	0x0020	/* byte operation */
#define N64	0x0040	/* i64: #UD in 64-bit mode */
#define D64	0x0080	/* d64: 64-bit operand by default in 64-bit mode */
#define F64	0x0100	/* f64: 64-bit operand in 64-bit mode, 66 ignored */
#define UD	0x0200	/* undefined in every mode */

/* Short names for the tables only. */
#define I8	IK_B
#define S8	IK_BS
#define IW	IK_W
#define IZ	IK_Z
#define IV	IK_V
#define J8	IK_J8
#define JZ	IK_JZ
#define AP	IK_AP
#define EN	IK_ENTER
#define MF	IK_MOFFS
#define G3	IK_GRP3

/*
 * One-byte opcode map (SDM table A-2). Prefix bytes and 0F are consumed
 * before this table is consulted (their entries are 0); 40-4F are REX in
 * 64-bit mode; C4/C5/62 reach it only as LES/LDS/BOUND.
 */
static const u16 onebyte_attr[256] = {
	/* 00 */ MO | BY, MO, MO | BY, MO, I8 | BY, IZ, N64, N64,
	/* 08 */ MO | BY, MO, MO | BY, MO, I8 | BY, IZ, N64, 0,
	/* 10 */ MO | BY, MO, MO | BY, MO, I8 | BY, IZ, N64, N64,
	/* 18 */ MO | BY, MO, MO | BY, MO, I8 | BY, IZ, N64, N64,
	/* 20 */ MO | BY, MO, MO | BY, MO, I8 | BY, IZ, 0, N64,
	/* 28 */ MO | BY, MO, MO | BY, MO, I8 | BY, IZ, 0, N64,
	/* 30 */ MO | BY, MO, MO | BY, MO, I8 | BY, IZ, 0, N64,
	/* 38 */ MO | BY, MO, MO | BY, MO, I8 | BY, IZ, 0, N64,
	/* 40 */ 0, 0, 0, 0, 0, 0, 0, 0,
	/* 48 */ 0, 0, 0, 0, 0, 0, 0, 0,
	/* 50 */ D64, D64, D64, D64, D64, D64, D64, D64,
	/* 58 */ D64, D64, D64, D64, D64, D64, D64, D64,
	/* 60 */ N64, N64, MO | N64, MO, 0, 0, 0, 0,
	/* 68 */ IZ | D64, MO | IZ, S8 | D64, MO | S8, BY, 0, BY, 0,
	/* 70 */ J8 | F64, J8 | F64, J8 | F64, J8 | F64,
	/* 74 */ J8 | F64, J8 | F64, J8 | F64, J8 | F64,
	/* 78 */ J8 | F64, J8 | F64, J8 | F64, J8 | F64,
	/* 7c */ J8 | F64, J8 | F64, J8 | F64, J8 | F64,
	/* 80 */ MO | BY | I8, MO | IZ, MO | BY | I8 | N64, MO | S8,
	/* 84 */ MO | BY, MO, MO | BY, MO,
	/* 88 */ MO | BY, MO, MO | BY, MO, MO, MO, MO, MO | D64,
	/* 90 */ 0, 0, 0, 0, 0, 0, 0, 0,
	/* 98 */ 0, 0, AP | N64, 0, D64, D64, 0, 0,
	/* a0 */ MF | BY, MF, MF | BY, MF, BY, 0, BY, 0,
	/* a8 */ I8 | BY, IZ, BY, 0, BY, 0, BY, 0,
	/* b0 */ I8 | BY, I8 | BY, I8 | BY, I8 | BY,
	/* b4 */ I8 | BY, I8 | BY, I8 | BY, I8 | BY,
	/* b8 */ IV, IV, IV, IV, IV, IV, IV, IV,
	/* c0 */ MO | BY | I8, MO | I8, IW | F64, F64, MO, MO, MO | BY | I8, MO | IZ,
	/* c8 */ EN | D64, D64, IW, 0, 0, I8, N64, 0,
	/* d0 */ MO | BY, MO, MO | BY, MO, I8 | N64, I8 | N64, N64, BY,
	/* d8 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* e0 */ J8 | F64, J8 | F64, J8 | F64, J8 | F64, I8 | BY, I8, I8 | BY, I8,
	/* e8 */ JZ | F64, JZ | F64, AP | N64, J8 | F64, BY, 0, BY, 0,
	/* f0 */ 0, 0, 0, 0, 0, 0, MO | BY | G3, MO | G3,
	/* f8 */ 0, 0, 0, 0, 0, 0, MO | BY, MO,
};

/*
 * Two-byte opcode map, 0F xx (SDM table A-3). 0F 38 and 0F 3A are
 * escapes consumed before the lookup. 0F 0F is 3DNow! (AMD): ModRM and
 * an opcode suffix byte read as an immediate. 0F FF (UD0) has a ModRM
 * byte on Intel and none on AMD, so its length is unknown: invalid.
 */
static const u16 twobyte_attr[256] = {
	/* 00 */ MO, MO, MO, MO, UD, 0, 0, 0,
	/* 08 */ 0, 0, UD, 0, UD, MO, 0, MO | I8,
	/* 10 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* 18 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* 20 */ MO | F64, MO | F64, MO | F64, MO | F64, UD, UD, UD, UD,
	/* 28 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* 30 */ 0, 0, 0, 0, 0, 0, UD, 0,
	/* 38 */ 0, UD, 0, UD, UD, UD, UD, UD,
	/* 40 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* 48 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* 50 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* 58 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* 60 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* 68 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* 70 */ MO | I8, MO | I8, MO | I8, MO | I8, MO, MO, MO, 0,
	/* 78 */ MO, MO, UD, UD, MO, MO, MO, MO,
	/* 80 */ JZ | F64, JZ | F64, JZ | F64, JZ | F64,
	/* 84 */ JZ | F64, JZ | F64, JZ | F64, JZ | F64,
	/* 88 */ JZ | F64, JZ | F64, JZ | F64, JZ | F64,
	/* 8c */ JZ | F64, JZ | F64, JZ | F64, JZ | F64,
	/* 90 */ MO | BY, MO | BY, MO | BY, MO | BY,
	/* 94 */ MO | BY, MO | BY, MO | BY, MO | BY,
	/* 98 */ MO | BY, MO | BY, MO | BY, MO | BY,
	/* 9c */ MO | BY, MO | BY, MO | BY, MO | BY,
	/* a0 */ D64, D64, 0, MO, MO | I8, MO, UD, UD,
	/* a8 */ D64, D64, 0, MO, MO | I8, MO, MO, MO,
	/* b0 */ MO | BY, MO, MO, MO, MO, MO, MO, MO,
	/* b8 */ MO, MO, MO | I8, MO, MO, MO, MO, MO,
	/* c0 */ MO | BY, MO, MO | I8, MO, MO | I8, MO | I8, MO | I8, MO,
	/* c8 */ 0, 0, 0, 0, 0, 0, 0, 0,
	/* d0 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* d8 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* e0 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* e8 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* f0 */ MO, MO, MO, MO, MO, MO, MO, MO,
	/* f8 */ MO, MO, MO, MO, MO, MO, MO, UD,
};

/*
 * SIMD opcodes exist only with some mandatory prefixes (SDM tables A-3 to
 * the NP, 66, F3 and F2 rows). Inclusive opcode ranges and a mask
 * of the allowed prefixes, bit n for enum x86_pp n.
 */
#define PNP	0x1
#define P66	0x2
#define PF3	0x4
#define PF2	0x8

struct pp_range {
	u8 lo, hi, mask;
};

/* 0F map: only the opcodes that do not accept all four prefixes. */
static const struct pp_range map0f_prefixes[] = {
	{ 0x13, 0x15, PNP | P66 }, { 0x16, 0x16, PNP | P66 | PF3 },
	{ 0x17, 0x17, PNP | P66 }, { 0x28, 0x29, PNP | P66 },
	{ 0x2e, 0x2f, PNP | P66 },
	{ 0x50, 0x50, PNP | P66 }, { 0x52, 0x53, PNP | PF3 },
	{ 0x54, 0x57, PNP | P66 }, { 0x5b, 0x5b, PNP | P66 | PF3 },
	{ 0x60, 0x6b, PNP | P66 }, { 0x6c, 0x6d, P66 },
	{ 0x6e, 0x6e, PNP | P66 }, { 0x6f, 0x6f, PNP | P66 | PF3 },
	{ 0x71, 0x76, PNP | P66 }, { 0x7c, 0x7d, P66 | PF2 },
	{ 0x7e, 0x7f, PNP | P66 | PF3 }, { 0xc4, 0xc6, PNP | P66 },
	{ 0xd0, 0xd0, P66 | PF2 }, { 0xd1, 0xd5, PNP | P66 },
	{ 0xd6, 0xd6, P66 | PF3 | PF2 }, { 0xd7, 0xdf, PNP | P66 },
	{ 0xe0, 0xe5, PNP | P66 }, { 0xe6, 0xe6, P66 | PF3 | PF2 },
	{ 0xe7, 0xef, PNP | P66 }, { 0xf0, 0xf0, PF2 },
	{ 0xf1, 0xfe, PNP | P66 },
};

/*
 * Legacy (non-VEX) three-byte maps, every defined opcode: SSSE3, SSE4,
 * AES, SHA, GFNI, Key Locker, MOVBE/CRC32, ADCX/ADOX, WRSS/WRUSS,
 * MOVDIRI/MOVDIR64B, ENQCMD and the VMX/INVPCID invalidations. Every
 * 0F 38 opcode has a ModRM byte and no immediate; every 0F 3A opcode has
 * both.
 */
static const struct pp_range map0f38_prefixes[] = {
	{ 0x00, 0x0b, PNP | P66 }, { 0x10, 0x10, P66 }, { 0x14, 0x15, P66 },
	{ 0x17, 0x17, P66 }, { 0x1c, 0x1e, PNP | P66 }, { 0x20, 0x25, P66 },
	{ 0x28, 0x2b, P66 }, { 0x30, 0x35, P66 }, { 0x37, 0x41, P66 },
	{ 0x80, 0x82, P66 }, { 0xc8, 0xcd, PNP }, { 0xcf, 0xcf, P66 },
	{ 0xd8, 0xd8, PF3 }, { 0xdb, 0xdb, P66 }, { 0xdc, 0xdf, P66 | PF3 },
	{ 0xf0, 0xf1, PNP | P66 | PF2 }, { 0xf5, 0xf5, P66 },
	{ 0xf6, 0xf6, PNP | P66 | PF3 }, { 0xf8, 0xf8, P66 | PF3 | PF2 },
	{ 0xf9, 0xf9, PNP }, { 0xfa, 0xfb, PF3 },
};

static const struct pp_range map0f3a_prefixes[] = {
	{ 0x08, 0x0e, P66 }, { 0x0f, 0x0f, PNP | P66 }, { 0x14, 0x17, P66 },
	{ 0x20, 0x22, P66 }, { 0x40, 0x42, P66 }, { 0x44, 0x44, P66 },
	{ 0x60, 0x63, P66 }, { 0xcc, 0xcc, PNP }, { 0xce, 0xcf, P66 },
	{ 0xdf, 0xdf, P66 },
};

#define N_RANGES(a)	(sizeof(a) / sizeof((a)[0]))

/* The prefix mask of @op in @table, @def if it is not listed. */
static u8 pp_mask(u8 op, const struct pp_range *table, size_t n, u8 def)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (op >= table[i].lo && op <= table[i].hi)
			return table[i].mask;
	return def;
}

/*
 * The SIMD form an instruction selects. F2/F3 (the last one) win over 66
 * (SDM 2.1.2); a prefix that selects no form is taken as an ignored
 * prefix, as disassemblers do: the SDM reserves such uses ("#UD or a
 * different instruction") but the length does not depend on it, and a
 * guest instruction we are asked to decode has already been accepted by
 * the CPU. Returns false if no form remains.
 */
static bool resolve_pp(struct x86_insn *insn, u8 mask)
{
	if (mask & (1U << (insn->simd_prefix & 3)))
		return true;
	if ((insn->flags & X86_INSN_OPSIZE) && (mask & P66)) {
		insn->simd_prefix = X86_PP_66;
		return true;
	}
	if (mask & PNP) {
		insn->simd_prefix = X86_PP_NONE;
		return true;
	}
	return false;
}

/* 3DNow! opcode suffixes (AMD APM vol. 5), 0F 0F ModRM suffix. */
static const u8 amd3dnow_defined[][2] = {
	{ 0x0c, 0x0d }, { 0x1c, 0x1d }, { 0x8a, 0x8a }, { 0x8e, 0x8e },
	{ 0x90, 0x90 }, { 0x94, 0x94 }, { 0x96, 0x97 }, { 0x9a, 0x9a },
	{ 0x9e, 0x9e }, { 0xa0, 0xa0 }, { 0xa4, 0xa4 }, { 0xa6, 0xa7 },
	{ 0xaa, 0xaa }, { 0xae, 0xae }, { 0xb0, 0xb0 }, { 0xb4, 0xb4 },
	{ 0xb6, 0xb7 }, { 0xbb, 0xbb }, { 0xbf, 0xbf },
};

static bool in_ranges(u8 v, const u8 (*ranges)[2], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v >= ranges[i][0] && v <= ranges[i][1])
			return true;
	return false;
}

/* 16-bit ModRM addressing (SDM table 2-1): BX+SI, BX+DI, BP+SI, ... */
#define RBX	3
#define RBP	5
#define RSI	6
#define RDI	7
static const u8 ea16_base[8] = { RBX, RBX, RBP, RBP, RSI, RDI, RBP, RBX };
static const u8 ea16_index[8] = {
	RSI, RDI, RSI, RDI, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE,
	X86_REG_NONE,
};

/* The decoding cursor: bytes are read only through fetch() and peek(). */
struct cursor {
	const u8 *bytes;
	size_t len;
	unsigned int pos;
};

static int check_pos(const struct cursor *c)
{
	if (c->pos >= X86_MAX_INSN_LEN)
		return -X86_DECODE_TOO_LONG;
	if (c->pos >= c->len)
		return -X86_DECODE_TRUNCATED;
	return 0;
}

static int fetch(struct cursor *c, u8 *b)
{
	int ret = check_pos(c);

	if (ret)
		return ret;
	*b = c->bytes[c->pos++];
	return 0;
}

static int peek(const struct cursor *c, u8 *b)
{
	int ret = check_pos(c);

	if (ret)
		return ret;
	*b = c->bytes[c->pos];
	return 0;
}

/* Little-endian field of 1..8 bytes (SDM 1.3.1: x86 is little-endian). */
static int fetch_le(struct cursor *c, unsigned int size, u64 *val)
{
	unsigned int i;
	u8 b;
	int ret;

	*val = 0;
	for (i = 0; i < size && i < 8; i++) {
		ret = fetch(c, &b);
		if (ret)
			return ret;
		*val |= (u64)b << (8 * i);
	}
	return 0;
}

static u64 size_mask(unsigned int bytes)
{
	if (bytes >= 8)
		return ~0ULL;
	return (1ULL << (8 * bytes)) - 1;
}

/* Sign-extend the low @bytes (1..8) bytes of @val to 64 bits. */
static u64 sign_extend(u64 val, unsigned int bytes)
{
	u64 sign;

	if (bytes < 1 || bytes >= 8)
		return val;
	sign = 1ULL << (8 * bytes - 1);
	val &= size_mask(bytes);
	return (val ^ sign) - sign;
}

static bool is64(const struct x86_insn *insn)
{
	return insn->mode == X86_MODE_LONG64;
}

static bool is_evex(const struct x86_insn *insn)
{
	return insn->encoding == X86_ENC_EVEX;
}

/* Legacy prefixes, groups 1 to 4 (SDM 2.1.1). Returns false if none. */
static bool legacy_prefix(struct x86_insn *insn, u8 b)
{
	switch (b) {
	case 0x26:
		insn->seg_override = X86_SEG_ES;
		break;
	case 0x2e:
		insn->seg_override = X86_SEG_CS;
		break;
	case 0x36:
		insn->seg_override = X86_SEG_SS;
		break;
	case 0x3e:
		insn->seg_override = X86_SEG_DS;
		break;
	case 0x64:
		insn->seg_override = X86_SEG_FS;
		break;
	case 0x65:
		insn->seg_override = X86_SEG_GS;
		break;
	case 0x66:
		insn->flags |= X86_INSN_OPSIZE;
		break;
	case 0x67:
		insn->flags |= X86_INSN_ADSIZE;
		break;
	case 0xf0:
		insn->flags |= X86_INSN_LOCK;
		break;
	case 0xf2:
		insn->rep = X86_REP_REPNE;
		break;
	case 0xf3:
		insn->rep = X86_REP_REPE;
		break;
	default:
		return false;
	}
	return true;
}

/*
 * Prefixes may come in any order and number, up to the 15-byte limit.
 * A REX prefix (64-bit mode only) counts only if it immediately precedes
 * the opcode (or escape); a legacy prefix after it cancels it (SDM 2.2.1).
 * Returns the first byte that is not a prefix in @opc.
 */
static int decode_prefixes(struct cursor *c, struct x86_insn *insn, u8 *opc)
{
	unsigned int i;
	u8 b, rex = 0;
	int ret;

	for (i = 0; i < X86_MAX_INSN_LEN; i++) {
		ret = fetch(c, &b);
		if (ret)
			return ret;
		if (is64(insn) && (b & 0xf0) == 0x40) {
			rex = b;
			continue;
		}
		if (!legacy_prefix(insn, b)) {
			if (rex) {
				insn->flags |= X86_INSN_REX;
				insn->rex = rex & 0xf;
			}
			insn->nr_prefixes = c->pos - 1;
			*opc = b;
			return 0;
		}
		rex = 0;
	}
	return -X86_DECODE_TOO_LONG;
}

/* F2/F3, whichever came last, take precedence over 66 (SDM 2.1.2). */
static enum x86_pp legacy_simd_prefix(const struct x86_insn *insn)
{
	if (insn->rep == X86_REP_REPNE)
		return X86_PP_F2;
	if (insn->rep == X86_REP_REPE)
		return X86_PP_F3;
	if (insn->flags & X86_INSN_OPSIZE)
		return X86_PP_66;
	return X86_PP_NONE;
}

/*
 * C4/C5 are VEX and 62 is EVEX in 64-bit mode. Elsewhere they are
 * LES/LDS/BOUND unless the next byte has bits 7:6 set, which would be a
 * register operand those instructions do not accept (SDM 2.3.5, 2.7.1).
 * Returns 1 for VEX/EVEX, 0 for the legacy instruction.
 */
static int vex_present(const struct cursor *c, const struct x86_insn *insn)
{
	u8 next;
	int ret;

	if (is64(insn))
		return 1;
	ret = peek(c, &next);
	if (ret)
		return ret;
	return (next & 0xc0) == 0xc0;
}

/* A VEX/EVEX prefix after F0, 66, F2, F3 or REX is #UD (SDM 2.3.2-2.3.4). */
static int vex_check_prefixes(const struct x86_insn *insn)
{
	if (insn->mode == X86_MODE_REAL16)
		return -X86_DECODE_INVALID;	/* no VEX/EVEX in real mode */
	if (insn->flags & (X86_INSN_OPSIZE | X86_INSN_LOCK | X86_INSN_REX))
		return -X86_DECODE_INVALID;
	if (insn->rep != X86_REP_NONE)
		return -X86_DECODE_INVALID;
	return 0;
}

/*
 * VEX (SDM 2.3.5): C5 [R vvvv L pp] or C4 [R X B mmmmm] [W vvvv L pp],
 * R, X, B and vvvv inverted. Outside 64-bit mode VEX.B and vvvv[3] are
 * ignored (and R, X are 1 by vex_present()).
 */
static int decode_vex(struct cursor *c, struct x86_insn *insn, u8 first)
{
	u8 p1, p2;
	int ret;

	ret = vex_check_prefixes(insn);
	if (!ret)
		ret = fetch(c, &p1);
	if (ret)
		return ret;
	insn->vex[0] = p1;
	if (first == 0xc5) {
		insn->encoding = X86_ENC_VEX2;
		insn->map = X86_MAP_0F;
		p2 = p1 & 0x7f;		/* same W vvvv L pp layout, W = 0 */
		insn->rex = (p1 & 0x80) ? 0 : X86_REX_R;
	} else {
		ret = fetch(c, &p2);
		if (ret)
			return ret;
		insn->vex[1] = p2;
		insn->encoding = X86_ENC_VEX3;
		insn->map = p1 & 0x1f;
		insn->rex = ((p1 & 0x80) ? 0 : X86_REX_R) |
			    ((p1 & 0x40) ? 0 : X86_REX_X) |
			    ((p1 & 0x20) ? 0 : X86_REX_B) |
			    ((p2 & 0x80) ? X86_REX_W : 0);
	}
	insn->vex_vvvv = (~p2 >> 3) & 0xf;
	insn->vex_l = (p2 >> 2) & 1;
	insn->simd_prefix = p2 & 3;
	if (!is64(insn)) {
		insn->rex &= X86_REX_W;
		insn->vex_vvvv &= 7;
	}
	/* SDM 2.3.6.1: only maps 0F, 0F38 and 0F3A exist. */
	if (insn->map < X86_MAP_0F || insn->map > X86_MAP_0F3A)
		return -X86_DECODE_INVALID;
	return fetch(c, &insn->opcode);
}

/*
 * EVEX (SDM 2.7.1): 62 P0 P1 P2,
 *   P0 = R X B R' 0 mmm, P1 = W vvvv 1 pp, P2 = z L'L b V' aaa,
 * with R, X, B, R', vvvv and V' inverted. P0[3] must be 0 and P1[2]
 * must be 1; maps 1, 2, 3 (and 5, 6 of AVX512-FP16) exist.
 */
static int decode_evex(struct cursor *c, struct x86_insn *insn)
{
	u8 p[3];
	unsigned int i;
	int ret;

	ret = vex_check_prefixes(insn);
	for (i = 0; i < 3 && !ret; i++)
		ret = fetch(c, &p[i]);
	if (ret)
		return ret;
	__builtin_memcpy(insn->vex, p, sizeof(p));
	insn->encoding = X86_ENC_EVEX;
	if ((p[0] & 0x08) || !(p[1] & 0x04))
		return -X86_DECODE_INVALID;
	insn->map = p[0] & 7;
	if (insn->map == 0 || insn->map == 4 || insn->map == 7)
		return -X86_DECODE_INVALID;
	insn->rex = ((p[0] & 0x80) ? 0 : X86_REX_R) |
		    ((p[0] & 0x40) ? 0 : X86_REX_X) |
		    ((p[0] & 0x20) ? 0 : X86_REX_B) |
		    ((p[1] & 0x80) ? X86_REX_W : 0);
	insn->vex_vvvv = ((~p[1] >> 3) & 0xf) | ((p[2] & 0x08) ? 0 : 0x10);
	insn->simd_prefix = p[1] & 3;
	insn->vex_l = (p[2] >> 5) & 3;
	insn->evex_aaa = p[2] & 7;
	if (p[2] & 0x80)
		insn->flags |= X86_INSN_EVEX_Z;
	if (p[2] & 0x10)
		insn->flags |= X86_INSN_EVEX_B;
	if (!is64(insn)) {
		insn->rex &= X86_REX_W;
		insn->vex_vvvv &= 7;
	}
	return fetch(c, &insn->opcode);
}

/* EVEX.R' extends ModRM.reg to 32 vector registers (64-bit mode). */
static u8 evex_rr(const struct x86_insn *insn)
{
	if (!is_evex(insn) || !is64(insn) || (insn->vex[0] & 0x10))
		return 0;
	return 0x10;
}

static int decode_opcode(struct cursor *c, struct x86_insn *insn, u8 b)
{
	int ret;

	insn->simd_prefix = legacy_simd_prefix(insn);
	if (b == 0x0f) {
		ret = fetch(c, &b);
		if (ret)
			return ret;
		insn->map = X86_MAP_0F;
		if (b == 0x38 || b == 0x3a) {
			insn->map = b == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
			ret = fetch(c, &b);
			if (ret)
				return ret;
		}
		insn->opcode = b;
		return 0;
	}
	if (b == 0xc4 || b == 0xc5 || b == 0x62) {
		ret = vex_present(c, insn);
		if (ret < 0)
			return ret;
		if (ret && b == 0x62)
			return decode_evex(c, insn);
		if (ret)
			return decode_vex(c, insn, b);
	}
	insn->map = X86_MAP_1BYTE;
	insn->opcode = b;
	return 0;
}

/*
 * VEX/EVEX maps (SDM 2.3.6, 2.7): every opcode has a ModRM byte except
 * VZEROUPPER/VZEROALL (VEX 0F 77); immediates are those of the legacy
 * forms: 0F 70-73 and C2, C4-C6, and all of 0F 3A.
 */
static u16 vex_attr(const struct x86_insn *insn)
{
	u8 op = insn->opcode;

	switch (insn->map) {
	case X86_MAP_0F:
		if (op == 0x77 && !is_evex(insn))
			return 0;
		if ((op >= 0x70 && op <= 0x73) || op == 0xc2 ||
		    (op >= 0xc4 && op <= 0xc6))
			return MO | I8;
		return MO;
	case X86_MAP_0F3A:
		return MO | I8;
	case X86_MAP_0F38:
	case X86_MAP_EVEX5:
	case X86_MAP_EVEX6:
		return MO;
	default:
		return UD;
	}
}

static u16 opcode_attr(struct x86_insn *insn)
{
	u8 op = insn->opcode;

	if (insn->encoding != X86_ENC_LEGACY)
		return vex_attr(insn);
	switch (insn->map) {
	case X86_MAP_1BYTE:
		return onebyte_attr[op];
	case X86_MAP_0F:
		if (!resolve_pp(insn, pp_mask(op, map0f_prefixes,
					      N_RANGES(map0f_prefixes), 0xf)))
			return UD;
		return twobyte_attr[op];
	case X86_MAP_0F38:
		if (!resolve_pp(insn, pp_mask(op, map0f38_prefixes,
					      N_RANGES(map0f38_prefixes), 0)))
			return UD;
		return MO;
	case X86_MAP_0F3A:
		if (!resolve_pp(insn, pp_mask(op, map0f3a_prefixes,
					      N_RANGES(map0f3a_prefixes), 0)))
			return UD;
		return MO | I8;
	default:
		return UD;
	}
}

/* Default and overridden address size (SDM vol. 1 3.6, 3.6.1). */
static u8 address_size(const struct x86_insn *insn)
{
	bool ovr = insn->flags & X86_INSN_ADSIZE;

	switch (insn->mode) {
	case X86_MODE_LONG64:
		return ovr ? 4 : 8;
	case X86_MODE_PROT32:
		return ovr ? 2 : 4;
	default:
		return ovr ? 4 : 2;
	}
}

/*
 * Operand size of a "v" operand (SDM 2.2.1.2, vol. 1 3.6.1 and A.2.5):
 * REX.W beats 66; d64 instructions default to 64 bits and f64 ones
 * ignore 66 in 64-bit mode (Intel behaviour; AMD honours 66 on near
 * branches).
 */
static u8 operand_size(const struct x86_insn *insn, u16 attr)
{
	bool ovr = insn->flags & X86_INSN_OPSIZE;

	if (is64(insn)) {
		if ((attr & F64) || (insn->rex & X86_REX_W))
			return 8;
		if (attr & D64)
			return ovr ? 2 : 8;
		return ovr ? 2 : 4;
	}
	if (insn->mode == X86_MODE_PROT32)
		return ovr ? 2 : 4;
	return ovr ? 4 : 2;
}

/* The default segment is SS for rBP/rSP-based addresses (SDM vol. 1 3.7.4). */
static enum x86_seg pick_seg(const struct x86_insn *insn, enum x86_seg def)
{
	enum x86_seg ovr = insn->seg_override;

	/* 64-bit mode ignores CS, DS, ES and SS overrides (vol. 1 3.4.2.1). */
	if (ovr == X86_SEG_NONE || (is64(insn) && ovr < X86_SEG_FS))
		return def;
	return ovr;
}

static int fetch_disp(struct cursor *c, struct x86_insn *insn,
		      unsigned int size)
{
	u64 v;
	int ret;

	if (!size)
		return 0;
	ret = fetch_le(c, size, &v);
	if (ret)
		return ret;
	insn->disp = sign_extend(v, size);
	insn->disp_size = size;
	return 0;
}

/* 16-bit addressing forms (SDM table 2-1). */
static int decode_mem16(struct cursor *c, struct x86_insn *insn)
{
	u8 rm = insn->rm & 7;

	if (insn->mod == 0 && rm == 6) {
		insn->ea_base = X86_REG_NONE;
		insn->ea_index = X86_REG_NONE;
		insn->mem_seg = pick_seg(insn, X86_SEG_DS);
		return fetch_disp(c, insn, 2);
	}
	insn->ea_base = ea16_base[rm];
	insn->ea_index = ea16_index[rm];
	insn->mem_seg = pick_seg(insn, insn->ea_base == RBP ?
				 X86_SEG_SS : X86_SEG_DS);
	return fetch_disp(c, insn, insn->mod == 1 ? 1 : insn->mod == 2 ? 2 : 0);
}

/*
 * SIB byte (SDM table 2-3): index 100 means none unless REX.X extends it
 * (or the index is a vector register); base 101 with mod 00 means disp32
 * and no base, whatever REX.B says.
 */
static int decode_sib(struct cursor *c, struct x86_insn *insn,
		      unsigned int *dsize)
{
	u8 sib, index;
	int ret;

	ret = fetch(c, &sib);
	if (ret)
		return ret;
	insn->flags |= X86_INSN_SIB;
	insn->sib = sib;
	insn->scale = sib >> 6;
	insn->index = (sib >> 3) & 7;
	insn->base = sib & 7;
	insn->ea_scale = insn->scale;
	index = insn->index | ((insn->rex & X86_REX_X) ? 8 : 0);
	if (insn->flags & X86_INSN_VSIB) {
		/* EVEX.V' is the fifth bit of a vector index (SDM 2.7). */
		insn->ea_index = index | (insn->vex_vvvv & 0x10);
	} else {
		insn->ea_index = index == 4 ? X86_REG_NONE : index;
	}
	if (insn->base == 5 && insn->mod == 0) {
		insn->ea_base = X86_REG_NONE;
		*dsize = 4;
	} else {
		insn->ea_base = insn->base | ((insn->rex & X86_REX_B) ? 8 : 0);
	}
	return 0;
}

/* 32/64-bit addressing forms (SDM table 2-2, 2.2.1.6 RIP-relative). */
static int decode_mem32(struct cursor *c, struct x86_insn *insn)
{
	unsigned int dsize = 0;
	int ret;

	insn->ea_base = X86_REG_NONE;
	insn->ea_index = X86_REG_NONE;
	if (insn->rm == 4) {
		ret = decode_sib(c, insn, &dsize);
		if (ret)
			return ret;
	} else if (insn->flags & X86_INSN_VSIB) {
		return -X86_DECODE_INVALID;	/* VSIB needs a SIB byte */
	} else if (insn->mod == 0 && insn->rm == 5) {
		dsize = 4;
		if (is64(insn))
			insn->flags |= X86_INSN_RIP_REL;
	} else {
		insn->ea_base = insn->rm | ((insn->rex & X86_REX_B) ? 8 : 0);
	}
	if (insn->mod == 1)
		dsize = 1;
	else if (insn->mod == 2)
		dsize = 4;
	insn->mem_seg = pick_seg(insn, (insn->ea_base == 4 ||
					insn->ea_base == 5) ?
				 X86_SEG_SS : X86_SEG_DS);
	return fetch_disp(c, insn, dsize);
}

/*
 * MOV to/from control and debug registers (0F 20-23) always take a
 * register operand: the mod bits are ignored (SDM MOV-Control Registers).
 */
static bool modrm_forces_reg(const struct x86_insn *insn)
{
	return insn->encoding == X86_ENC_LEGACY && insn->map == X86_MAP_0F &&
	       insn->opcode >= 0x20 && insn->opcode <= 0x23;
}

static int decode_modrm(struct cursor *c, struct x86_insn *insn)
{
	u8 m;
	int ret;

	ret = fetch(c, &m);
	if (ret)
		return ret;
	insn->flags |= X86_INSN_MODRM;
	insn->modrm = m;
	insn->mod = m >> 6;
	insn->reg = (m >> 3) & 7;
	insn->rm = m & 7;
	insn->modrm_reg = insn->reg | ((insn->rex & X86_REX_R) ? 8 : 0) |
			  evex_rr(insn);
	insn->modrm_rm = X86_REG_NONE;
	if (insn->mod == 3 || modrm_forces_reg(insn)) {
		insn->modrm_rm = insn->rm | ((insn->rex & X86_REX_B) ? 8 : 0);
		/* EVEX.X extends a register r/m to 32 registers. */
		if (is_evex(insn) && (insn->rex & X86_REX_X))
			insn->modrm_rm |= 0x10;
		return 0;
	}
	insn->flags |= X86_INSN_MEM;
	insn->mem_kind = X86_MEM_MODRM;
	if (insn->addrsize == 2)
		return decode_mem16(c, insn);
	return decode_mem32(c, insn);
}

/* Gathers and scatters address memory through a vector index (VSIB). */
static bool uses_vsib(const struct x86_insn *insn)
{
	u8 op = insn->opcode;

	if (insn->encoding == X86_ENC_LEGACY || insn->map != X86_MAP_0F38)
		return false;
	if (op >= 0x90 && op <= 0x93)
		return true;
	return is_evex(insn) &&
	       ((op >= 0xa0 && op <= 0xa3) || op == 0xc6 || op == 0xc7);
}

static bool reg_in(u8 reg, unsigned int mask)
{
	return mask & (1U << (reg & 7));
}

/*
 * #UD forms of the one-byte groups and of instructions that need a
 * memory operand (SDM table A-6 and the instruction pages).
 */
static int check_onebyte_modrm(const struct x86_insn *insn)
{
	bool regform = insn->mod == 3;
	u8 reg = insn->reg;

	switch (insn->opcode) {
	case 0x62:	/* BOUND */
	case 0x8d:	/* LEA */
	case 0xc4:	/* LES */
	case 0xc5:	/* LDS */
		return regform ? -X86_DECODE_INVALID : 0;
	case 0x8c:	/* MOV r/m, Sreg */
		return reg > 5 ? -X86_DECODE_INVALID : 0;
	case 0x8e:	/* MOV Sreg, r/m: not CS */
		return reg > 5 || reg == 1 ? -X86_DECODE_INVALID : 0;
	case 0x8f:	/* group 1A: POP only (AMD XOP otherwise) */
		return reg ? -X86_DECODE_INVALID : 0;
	case 0xc6:	/* group 11: MOV, or XABORT/XBEGIN as C6/C7 F8 */
	case 0xc7:
		return reg && insn->modrm != 0xf8 ? -X86_DECODE_INVALID : 0;
	case 0xfe:	/* group 4: INC, DEC */
		return reg > 1 ? -X86_DECODE_INVALID : 0;
	case 0xff:	/* group 5: /7 undefined, far CALL/JMP need memory */
		if (reg == 7 || (regform && (reg == 3 || reg == 5)))
			return -X86_DECODE_INVALID;
		return 0;
	case 0xd9:	/* x87 reserved memory forms */
		return !regform && reg == 1 ? -X86_DECODE_INVALID : 0;
	case 0xdb:
		return !regform && (reg == 4 || reg == 6) ?
			-X86_DECODE_INVALID : 0;
	case 0xdd:
		return !regform && reg == 5 ? -X86_DECODE_INVALID : 0;
	}
	return 0;
}

/* Control registers that exist (SDM MOV-Control Registers): 0, 2-4, 8. */
static u8 cr_number(const struct x86_insn *insn)
{
	/* AMD's LOCK MOV CR0 is MOV CR8 (APM vol. 3, AltMovCr8). */
	return insn->modrm_reg | ((insn->flags & X86_INSN_LOCK) ? 8 : 0);
}

static int check_mov_cr_dr(const struct x86_insn *insn)
{
	u8 cr;

	if (insn->opcode & 1)		/* 0F 21/23: DR0-DR7 */
		return insn->modrm_reg > 7 ? -X86_DECODE_INVALID : 0;
	cr = cr_number(insn);
	if (cr == 0 || cr == 2 || cr == 3 || cr == 4 || cr == 8)
		return 0;
	return -X86_DECODE_INVALID;
}

static int check_0f_modrm(const struct x86_insn *insn)
{
	bool regform = insn->mod == 3;
	u8 reg = insn->reg;
	enum x86_pp pp = insn->simd_prefix;

	switch (insn->opcode) {
	case 0x00:	/* group 6: /6 and /7 undefined */
		return reg > 5 ? -X86_DECODE_INVALID : 0;
	case 0x20 ... 0x23:
		return check_mov_cr_dr(insn);
	case 0x71:	/* groups 12, 13: register forms /2, /4, /6 */
	case 0x72:
		return regform && reg_in(reg, 0x54) ? 0 : -X86_DECODE_INVALID;
	case 0x73:	/* group 14: /2, /6, and 66 /3, /7 */
		if (!regform || !reg_in(reg, pp == X86_PP_66 ? 0xcc : 0x44))
			return -X86_DECODE_INVALID;
		return 0;
	case 0x50:	/* MOVMSKPS, PEXTRW, PMOVMSKB, MASKMOVQ: registers */
	case 0xc5:
	case 0xd7:
	case 0xf7:
		return regform ? 0 : -X86_DECODE_INVALID;
	case 0xd6:	/* F3/F2: MOVQ2DQ/MOVDQ2Q, registers */
		return pp != X86_PP_66 && !regform ? -X86_DECODE_INVALID : 0;
	case 0xf0:	/* LDDQU needs memory */
		return regform ? -X86_DECODE_INVALID : 0;
	case 0x78:	/* VMREAD; 66: EXTRQ /0; F2: INSERTQ (AMD SSE4a) */
	case 0x79:	/* VMWRITE; 66/F2: EXTRQ/INSERTQ register forms */
		if (pp == X86_PP_F3)
			return -X86_DECODE_INVALID;
		if (pp != X86_PP_NONE && !regform)
			return -X86_DECODE_INVALID;
		if (insn->opcode == 0x78 && pp == X86_PP_66 && reg)
			return -X86_DECODE_INVALID;
		return 0;
	case 0x13:	/* MOVLPS/MOVHPS/MOVNTPS/MOVNTI/MOVNTQ stores */
	case 0x17:
	case 0x2b:
	case 0xb2:	/* LSS, LFS, LGS need a far pointer in memory */
	case 0xb4:
	case 0xb5:
	case 0xc3:
	case 0xe7:
		return regform ? -X86_DECODE_INVALID : 0;
	case 0xb8:	/* POPCNT needs F3 (no JMPE outside IA-64) */
		return pp == X86_PP_F3 ? 0 : -X86_DECODE_INVALID;
	case 0xba:	/* group 8: /4-/7 only */
		return reg < 4 ? -X86_DECODE_INVALID : 0;
	case 0xc7:	/* group 9 */
		if (reg == 0 || reg == 2 || (regform && reg >= 1 && reg <= 5))
			return -X86_DECODE_INVALID;
		return 0;
	}
	return 0;
}

/*
 * MOVNTDQA, INVEPT/INVVPID/INVPCID, MOVBE (not CRC32), MOVDIRI and
 * MOVDIR64B need memory.
 */
static int check_0f38_modrm(const struct x86_insn *insn)
{
	u8 op = insn->opcode;

	if (insn->mod != 3)
		return 0;
	if (op == 0x2a || (op >= 0x80 && op <= 0x82) || op == 0xf8 ||
	    op == 0xf9 ||
	    ((op == 0xf0 || op == 0xf1) && insn->simd_prefix != X86_PP_F2))
		return -X86_DECODE_INVALID;
	return 0;
}

static int check_modrm(const struct x86_insn *insn)
{
	if (insn->encoding != X86_ENC_LEGACY)
		return 0;
	if (insn->map == X86_MAP_1BYTE)
		return check_onebyte_modrm(insn);
	if (insn->map == X86_MAP_0F)
		return check_0f_modrm(insn);
	if (insn->map == X86_MAP_0F38)
		return check_0f38_modrm(insn);
	return 0;
}

/* Group 5 (FF): near CALL/JMP are f64, PUSH is d64 (SDM table A-6). */
static u16 group_attr(const struct x86_insn *insn, u16 attr)
{
	if (insn->encoding != X86_ENC_LEGACY || insn->map != X86_MAP_1BYTE ||
	    insn->opcode != 0xff)
		return attr;
	if (insn->reg == 2 || insn->reg == 4)
		return attr | F64;
	if (insn->reg == 6)
		return attr | D64;
	return attr;
}

/*
 * Read an immediate of @size bytes. With @ext, it is sign-extended to
 * @ext bytes and then zero-extended: the value the operation uses.
 */
static int read_imm(struct cursor *c, struct x86_insn *insn,
		    unsigned int size, unsigned int ext)
{
	u64 v;
	int ret;

	ret = fetch_le(c, size, &v);
	if (ret)
		return ret;
	if (ext)
		v = sign_extend(v, size) & size_mask(ext);
	insn->imm = v;
	insn->imm_size = size;
	return 0;
}

static int read_imm2(struct cursor *c, struct x86_insn *insn,
		     unsigned int size)
{
	int ret;

	ret = fetch_le(c, size, &insn->imm2);
	if (!ret)
		insn->imm2_size = size;
	return ret;
}

/* Immediates (SDM A.2.2): Iz is 16 or 32 bits, even for 64-bit operands. */
static int decode_imm(struct cursor *c, struct x86_insn *insn,
		      unsigned int kind, u8 vsize)
{
	unsigned int z = vsize == 2 ? 2 : 4;
	int ret;

	switch (kind) {
	case IK_B:
		return read_imm(c, insn, 1, 0);
	case IK_BS:
		return read_imm(c, insn, 1, vsize);
	case IK_W:
		return read_imm(c, insn, 2, 0);
	case IK_Z:
		return read_imm(c, insn, z, vsize);
	case IK_V:
		return read_imm(c, insn, vsize, 0);
	case IK_J8:
		return read_imm(c, insn, 1, 8);
	case IK_JZ:
		return read_imm(c, insn, z, 8);
	case IK_AP:
		ret = read_imm(c, insn, z, 0);
		return ret ? ret : read_imm2(c, insn, 2);
	case IK_ENTER:
		ret = read_imm(c, insn, 2, 0);
		return ret ? ret : read_imm2(c, insn, 1);
	case IK_MOFFS:
		ret = fetch_le(c, insn->addrsize, &insn->disp);
		if (ret)
			return ret;
		insn->disp_size = insn->addrsize;
		insn->flags |= X86_INSN_MEM;
		insn->mem_kind = X86_MEM_MOFFS;
		insn->mem_seg = pick_seg(insn, X86_SEG_DS);
		return 0;
	case IK_GRP3:
		if (insn->reg > 1)
			return 0;
		if (insn->opcode == 0xf6)
			return read_imm(c, insn, 1, 0);
		return read_imm(c, insn, z, vsize);
	}
	return 0;
}

/* EXTRQ/INSERTQ (66/F2 0F 78) take two byte immediates (AMD SSE4a). */
static int decode_special_imm(struct cursor *c, struct x86_insn *insn)
{
	int ret;

	if (insn->encoding != X86_ENC_LEGACY || insn->map != X86_MAP_0F ||
	    insn->opcode != 0x78 || insn->simd_prefix == X86_PP_NONE)
		return 0;
	ret = read_imm(c, insn, 1, 0);
	return ret ? ret : read_imm2(c, insn, 1);
}

/*
 * Semantic classification. mem_size defaults to the operand size and is
 * cleared at the end when there is no memory operand.
 */
static void set_op(struct x86_insn *insn, enum x86_op op, u32 access)
{
	insn->op = op;
	if (insn->flags & X86_INSN_MEM)
		insn->flags |= access;
}

#define ACC_R	X86_INSN_MEM_READ
#define ACC_W	(X86_INSN_MEM_WRITE | X86_INSN_MEM_DST)
#define ACC_RW	(X86_INSN_MEM_READ | X86_INSN_MEM_WRITE | X86_INSN_MEM_DST)
#define ACC_RD	(X86_INSN_MEM_READ | X86_INSN_MEM_DST)

/* The register operand; byte registers 4-7 are AH-BH without REX. */
static void set_gpr(struct x86_insn *insn, u8 num, bool byte)
{
	insn->reg_kind = X86_RK_GPR;
	insn->reg_num = num;
	if (byte && !(insn->flags & X86_INSN_REX) && num >= 4 && num <= 7)
		insn->flags |= X86_INSN_HIGH8;
}

static void set_alu(struct x86_insn *insn, enum x86_alu alu, bool mem_dst)
{
	u32 acc = ACC_R;

	if (mem_dst)
		acc = (alu == X86_ALU_CMP || alu == X86_ALU_TEST) ?
		      ACC_RD : ACC_RW;
	insn->alu = alu;
	set_op(insn, X86_OP_ALU, acc);
}

/* 00-3D: ADD, OR, ADC, SBB, AND, SUB, XOR, CMP in six forms each. */
static void classify_alu(struct x86_insn *insn, bool byte)
{
	u8 form = insn->opcode & 7;
	enum x86_alu alu = (insn->opcode >> 3) & 7;

	if (form >= 4) {		/* AL/rAX, imm */
		set_gpr(insn, 0, byte);
		set_alu(insn, alu, false);
		return;
	}
	set_gpr(insn, insn->modrm_reg, byte);
	set_alu(insn, alu, form < 2);	/* Eb,Gb / Ev,Gv write memory */
}

/* String instructions (SDM vol. 1 7.3.9): rSI in DS (overridable), rDI in ES. */
static void classify_string(struct x86_insn *insn, enum x86_op op,
			    u32 access, bool uses_di_only)
{
	insn->flags |= X86_INSN_MEM;
	insn->mem_kind = X86_MEM_STRING;
	insn->mem_seg = uses_di_only ? X86_SEG_ES : pick_seg(insn, X86_SEG_DS);
	set_op(insn, op, access);
}

/* I/O sizes are 1, 2 or 4: REX.W is ignored, 66 selects 16 bits. */
static void set_io_size(struct x86_insn *insn)
{
	bool ovr = insn->flags & X86_INSN_OPSIZE;

	if (insn->opsize != 1) {
		if (insn->mode == X86_MODE_PROT32 || is64(insn))
			insn->opsize = ovr ? 2 : 4;
		else
			insn->opsize = ovr ? 4 : 2;
	}
	insn->mem_size = insn->opsize;
}

static void classify_io(struct x86_insn *insn)
{
	u8 op = insn->opcode;

	set_io_size(insn);
	switch (op) {
	case 0x6c:
	case 0x6d:
		classify_string(insn, X86_OP_INS, ACC_W, true);
		return;
	case 0x6e:
	case 0x6f:
		classify_string(insn, X86_OP_OUTS, ACC_R, false);
		return;
	}
	set_gpr(insn, 0, false);
	/* E4-E7: port in imm8; EC-EF: port in DX. Bit 1 set: OUT. */
	insn->op = (op & 2) ? X86_OP_OUT : X86_OP_IN;
}

static void classify_a0(struct x86_insn *insn, bool byte)
{
	u8 op = insn->opcode;

	switch (op) {
	case 0xa0 ... 0xa3:	/* MOV with moffs */
		set_gpr(insn, 0, false);
		set_op(insn, op >= 0xa2 ? X86_OP_MOV_TO_MEM :
		       X86_OP_MOV_FROM_MEM, op >= 0xa2 ? ACC_W : ACC_R);
		return;
	case 0xa4:
	case 0xa5:
		classify_string(insn, X86_OP_MOVS, ACC_R | ACC_W, false);
		return;
	case 0xa6:
	case 0xa7:
		classify_string(insn, X86_OP_CMPS, ACC_R, false);
		return;
	case 0xa8:
	case 0xa9:
		set_gpr(insn, 0, byte);
		set_alu(insn, X86_ALU_TEST, false);
		return;
	case 0xaa:
	case 0xab:
		classify_string(insn, X86_OP_STOS, ACC_W, true);
		return;
	case 0xac:
	case 0xad:
		classify_string(insn, X86_OP_LODS, ACC_R, false);
		return;
	case 0xae:
	case 0xaf:
		classify_string(insn, X86_OP_SCAS, ACC_R, true);
		return;
	}
}

/* 80-8F: group 1, TEST, XCHG, MOV, LEA, MOV Sreg, POP. */
static void classify_80(struct x86_insn *insn, bool byte)
{
	u8 op = insn->opcode;

	switch (op) {
	case 0x80 ... 0x83:
		set_alu(insn, insn->reg, true);
		return;
	case 0x84:
	case 0x85:
		set_gpr(insn, insn->modrm_reg, byte);
		set_alu(insn, X86_ALU_TEST, true);
		return;
	case 0x86:
	case 0x87:
		set_gpr(insn, insn->modrm_reg, byte);
		set_op(insn, X86_OP_XCHG, ACC_RW);
		return;
	case 0x88 ... 0x8b:
		set_gpr(insn, insn->modrm_reg, byte);
		set_op(insn, op < 0x8a ? X86_OP_MOV_TO_MEM :
		       X86_OP_MOV_FROM_MEM, op < 0x8a ? ACC_W : ACC_R);
		return;
	case 0x8c:	/* a segment register is stored as 16 bits */
	case 0x8e:
		insn->reg_kind = X86_RK_SEG;
		insn->reg_num = insn->reg;
		insn->mem_size = 2;
		set_op(insn, op == 0x8c ? X86_OP_MOV_TO_MEM :
		       X86_OP_MOV_FROM_MEM, op == 0x8c ? ACC_W : ACC_R);
		return;
	case 0x8d:	/* LEA: no access */
		insn->mem_size = 0;
		return;
	case 0x8f:
		set_op(insn, X86_OP_OTHER, ACC_W);
		return;
	}
}

/* F6/F7 group 3, FE group 4, FF group 5 (SDM table A-6). */
static void classify_group345(struct x86_insn *insn)
{
	u8 reg = insn->reg;

	if (insn->opcode <= 0xf7) {
		if (reg <= 1)
			set_alu(insn, X86_ALU_TEST, true);
		else if (reg == 2)
			set_op(insn, X86_OP_NOT, ACC_RW);
		else if (reg == 3)
			set_op(insn, X86_OP_NEG, ACC_RW);
		else
			set_op(insn, X86_OP_OTHER, ACC_R);
		return;
	}
	if (reg <= 1) {
		set_op(insn, reg ? X86_OP_DEC : X86_OP_INC, ACC_RW);
		return;
	}
	/* FF /3, /5: far pointer m16:16/32/64; the others read opsize. */
	if (reg == 3 || reg == 5)
		insn->mem_size = insn->opsize + 2;
	set_op(insn, X86_OP_OTHER, ACC_R);
}

/* x87 memory operand sizes (SDM A.4, escape opcode maps, by opcode and reg). */
static u16 x87_mem_size(const struct x86_insn *insn)
{
	static const u8 dx_size[8] = { 4, 0, 4, 0, 8, 0, 2, 0 };
	u8 reg = insn->reg;
	u16 env = insn->opsize == 2 ? 14 : 28;
	u16 state = insn->opsize == 2 ? 94 : 108;

	switch (insn->opcode) {
	case 0xd9:		/* FLD/FST/FSTP m32, FLDENV, FLDCW, ... */
		if (reg <= 3)
			return 4;
		return (reg == 4 || reg == 6) ? env : 2;
	case 0xdb:		/* m32int, FLD/FSTP m80 */
		return reg <= 3 ? 4 : 10;
	case 0xdd:		/* m64, FRSTOR/FNSAVE, FNSTSW */
		if (reg <= 3)
			return 8;
		return (reg == 4 || reg == 6) ? state : 2;
	case 0xdf:		/* m16int, FBLD/FBSTP m80, m64int */
		if (reg <= 3)
			return 2;
		return (reg & 1) ? 8 : 10;
	}
	/* D8 m32fp, DA m32int, DC m64fp, DE m16int */
	return dx_size[insn->opcode & 7];
}

static void classify_onebyte(struct x86_insn *insn, u16 attr)
{
	bool byte = attr & BY;
	u8 op = insn->opcode;

	if (op < 0x40 && (op & 7) < 6) {
		classify_alu(insn, byte);
		return;
	}
	switch (op) {
	case 0x62:		/* BOUND: two bounds */
		insn->mem_size = 2 * insn->opsize;
		set_op(insn, X86_OP_OTHER, ACC_R);
		return;
	case 0x63:		/* MOVSXD r, r/m32 (64-bit); ARPL r/m16 */
		if (is64(insn)) {
			set_gpr(insn, insn->modrm_reg, false);
			insn->mem_size = insn->opsize == 2 ? 2 : 4;
			set_op(insn, X86_OP_MOVSX, ACC_R);
		} else {
			insn->mem_size = 2;
			set_op(insn, X86_OP_OTHER, ACC_RW);
		}
		return;
	case 0x6c ... 0x6f:
	case 0xe4 ... 0xe7:
	case 0xec ... 0xef:
		classify_io(insn);
		return;
	case 0x80 ... 0x8f:
		classify_80(insn, byte);
		return;
	case 0xa0 ... 0xaf:
		classify_a0(insn, byte);
		return;
	case 0xc4:		/* LES, LDS: m16:16/32 */
	case 0xc5:
		insn->mem_size = insn->opsize + 2;
		set_op(insn, X86_OP_OTHER, ACC_R);
		return;
	case 0xc6:
	case 0xc7:
		if (insn->reg == 0)
			set_op(insn, X86_OP_STORE_IMM, ACC_W);
		return;
	case 0xd7:		/* XLAT: DS:[rBX + AL] */
		insn->flags |= X86_INSN_MEM;
		insn->mem_kind = X86_MEM_XLAT;
		insn->mem_seg = pick_seg(insn, X86_SEG_DS);
		insn->mem_size = 1;
		set_op(insn, X86_OP_OTHER, ACC_R);
		return;
	case 0xd8 ... 0xdf:
		insn->mem_size = x87_mem_size(insn);
		return;
	case 0xf6:
	case 0xf7:
	case 0xfe:
	case 0xff:
		classify_group345(insn);
		return;
	}
}

static u16 vector_length(const struct x86_insn *insn)
{
	if (insn->encoding == X86_ENC_LEGACY)
		return 16;
	if (insn->vex_l > 2)
		return 0;		/* EVEX.L'L = 11b is reserved */
	return 16 << insn->vex_l;
}

/* MOVD/MOVQ size: REX.W / VEX.W / EVEX.W, only in 64-bit mode. */
static u16 movd_size(const struct x86_insn *insn)
{
	return is64(insn) && (insn->rex & X86_REX_W) ? 8 : 4;
}

/*
 * Size of the memory operand of a SIMD move, 0 if the opcode/prefix pair
 * is not one. *store is set for moves to memory, *mmx for MMX registers
 * (legacy encoding without prefix). SDM instruction pages MOVUPS ...
 * MOVNTDQ; VL is 16, 32 or 64 bytes from VEX.L/EVEX.L'L.
 */
static u16 vecmove_size(const struct x86_insn *insn, bool *store, bool *mmx)
{
	enum x86_pp pp = insn->simd_prefix;
	bool legacy = insn->encoding == X86_ENC_LEGACY;
	bool ps_pd = pp == X86_PP_NONE || pp == X86_PP_66;
	u16 vl = vector_length(insn);
	u8 op = insn->opcode;

	*store = op == 0x11 || op == 0x13 || op == 0x17 || op == 0x29 ||
		 op == 0x2b || op == 0x7f || op == 0xd6 || op == 0xe7 ||
		 (op == 0x7e && pp != X86_PP_F3);
	*mmx = legacy && pp == X86_PP_NONE &&
	       (op == 0x6e || op == 0x6f || op == 0x7e || op == 0x7f ||
		op == 0xe7);
	switch (op) {
	case 0x10:		/* MOVUPS/MOVUPD/MOVSS/MOVSD */
	case 0x11:
		return pp == X86_PP_F3 ? 4 : pp == X86_PP_F2 ? 8 : vl;
	case 0x12:		/* MOVLPS/MOVLPD, MOVSLDUP, MOVDDUP */
		if (ps_pd)
			return vl == 16 ? 8 : 0;
		return pp == X86_PP_F3 || vl != 16 ? vl : 8;
	case 0x16:		/* MOVHPS/MOVHPD, MOVSHDUP */
		if (ps_pd)
			return vl == 16 ? 8 : 0;
		return pp == X86_PP_F3 ? vl : 0;
	case 0x13:		/* MOVLPS/MOVLPD, MOVHPS/MOVHPD stores */
	case 0x17:
		return ps_pd && vl == 16 ? 8 : 0;
	case 0x28:		/* MOVAPS/MOVAPD */
	case 0x29:
		return ps_pd ? vl : 0;
	case 0x2b:		/* MOVNTPS/MOVNTPD; AMD MOVNTSS/MOVNTSD */
		if (ps_pd)
			return vl;
		if (!legacy)
			return 0;
		return pp == X86_PP_F3 ? 4 : 8;
	case 0x6e:		/* MOVD/MOVQ mm/xmm, r/m (128-bit only) */
		if (vl != 16)
			return 0;
		return (*mmx || pp == X86_PP_66) ? movd_size(insn) : 0;
	case 0x7e:		/* MOVD/MOVQ r/m, mm/xmm; F3: MOVQ xmm, m64 */
		if (vl != 16)
			return 0;
		if (pp == X86_PP_F3)
			return 8;
		return (*mmx || pp == X86_PP_66) ? movd_size(insn) : 0;
	case 0x6f:		/* MOVQ mm, MOVDQA, MOVDQU (EVEX: DQU8/16) */
	case 0x7f:
		if (*mmx)
			return 8;
		if (pp == X86_PP_NONE || (pp == X86_PP_F2 && !is_evex(insn)))
			return 0;
		return vl;
	case 0xd6:		/* MOVQ xmm/m64, xmm */
		return pp == X86_PP_66 && vl == 16 ? 8 : 0;
	case 0xe7:		/* MOVNTQ, MOVNTDQ */
		if (*mmx)
			return 8;
		return pp == X86_PP_66 ? vl : 0;
	}
	return 0;
}

/*
 * EVEX moves encode the element size in EVEX.W (VEX ignores it): PS, SS,
 * MOVSLDUP, MOVSHDUP, MOVNTDQ(A) are W0; PD, SD, MOVDDUP and the MOVQ
 * forms W1. Other W values are not these instructions.
 */
static bool evex_w_ok(const struct x86_insn *insn)
{
	bool w = insn->rex & X86_REX_W;
	enum x86_pp pp = insn->simd_prefix;

	if (!is_evex(insn))
		return true;
	if (insn->map == X86_MAP_0F38)		/* MOVNTDQA */
		return !w;
	switch (insn->opcode) {
	case 0x10 ... 0x13:
	case 0x16:
	case 0x17:
	case 0x28:
	case 0x29:
	case 0x2b:
		return w == (pp == X86_PP_66 || pp == X86_PP_F2);
	case 0x7e:
		return pp != X86_PP_F3 || w;
	case 0xd6:
		return w;
	case 0xe7:
		return !w;
	}
	return true;
}

static void set_vecmove(struct x86_insn *insn, u16 size, bool store,
			bool mmx)
{
	insn->mem_size = size;
	insn->reg_kind = mmx ? X86_RK_MMX : X86_RK_VEC;
	insn->reg_num = mmx ? insn->reg : insn->modrm_reg;
	/* For these moves EVEX disp8*N has N = the memory operand size. */
	if (is_evex(insn))
		insn->disp_scale = size;
	set_op(insn, store ? X86_OP_VECTOR_STORE : X86_OP_VECTOR_LOAD,
	       store ? ACC_W : ACC_R);
}

static void classify_vecmove(struct x86_insn *insn)
{
	bool store, mmx;
	u16 size = vecmove_size(insn, &store, &mmx);

	if (size && evex_w_ok(insn))
		set_vecmove(insn, size, store, mmx);
}

/* 0F 20-23: the GPR is r/m, the control/debug register is reg. */
static void classify_mov_cr_dr(struct x86_insn *insn)
{
	bool dr = insn->opcode & 1;
	bool to = insn->opcode & 2;

	insn->reg_kind = dr ? X86_RK_DR : X86_RK_CR;
	insn->reg_num = dr ? insn->modrm_reg : cr_number(insn);
	insn->opsize = is64(insn) ? 8 : 4;
	if (dr)
		insn->op = to ? X86_OP_MOV_TO_DR : X86_OP_MOV_FROM_DR;
	else
		insn->op = to ? X86_OP_MOV_TO_CR : X86_OP_MOV_FROM_CR;
}

static void classify_bt(struct x86_insn *insn, u8 which, bool imm)
{
	static const enum x86_op bt_ops[4] = {
		X86_OP_BT, X86_OP_BTS, X86_OP_BTR, X86_OP_BTC,
	};

	if (!imm)
		set_gpr(insn, insn->modrm_reg, false);
	set_op(insn, bt_ops[which & 3], (which & 3) ? ACC_RW : ACC_RD);
}

/* 0F 01: SGDT/SIDT/LGDT/LIDT m16&32/64, SMSW/LMSW m16, INVLPG m8. */
static u16 group7_mem_size(const struct x86_insn *insn)
{
	if (insn->reg <= 3)
		return 2 + (is64(insn) ? 8 : 4);
	if (insn->reg == 4 || insn->reg == 6)
		return 2;
	return 0;
}

static void classify_0f(struct x86_insn *insn, u16 attr)
{
	bool byte = attr & BY;
	u8 op = insn->opcode;

	insn->mem_size = 0;
	switch (op) {
	case 0x00:		/* SLDT/STR/LLDT/LTR/VERR/VERW m16 */
	case 0x02:		/* LAR, LSL: r/m16 */
	case 0x03:
		insn->mem_size = 2;
		return;
	case 0x01:
		insn->mem_size = group7_mem_size(insn);
		return;
	case 0x0b:		/* UD2 */
	case 0xb9:		/* UD1 */
		insn->flags |= X86_INSN_UD;
		return;
	case 0x20 ... 0x23:
		classify_mov_cr_dr(insn);
		return;
	case 0x40 ... 0x4f:	/* CMOVcc, SETcc, SHLD/SHRD, IMUL, ... */
	case 0x90 ... 0x9f:
	case 0xa4:
	case 0xa5:
	case 0xac:
	case 0xad:
	case 0xaf:
	case 0xb8:
	case 0xbc:
	case 0xbd:
		insn->mem_size = insn->opsize;
		set_op(insn, X86_OP_OTHER, ACC_R);
		return;
	case 0xa3:
	case 0xab:
	case 0xb3:
	case 0xbb:
		insn->mem_size = insn->opsize;
		classify_bt(insn, (op >> 3) & 3, false);
		return;
	case 0xba:
		insn->mem_size = insn->opsize;
		classify_bt(insn, insn->reg & 3, true);
		return;
	case 0xb0:
	case 0xb1:
	case 0xc0:
	case 0xc1:
		insn->mem_size = insn->opsize;
		set_gpr(insn, insn->modrm_reg, byte);
		set_op(insn, op < 0xc0 ? X86_OP_CMPXCHG : X86_OP_XADD, ACC_RW);
		return;
	case 0xb2:		/* LSS, LFS, LGS: m16:16/32/64 */
	case 0xb4:
	case 0xb5:
		insn->mem_size = insn->opsize + 2;
		set_op(insn, X86_OP_OTHER, ACC_R);
		return;
	case 0xb6:		/* MOVZX/MOVSX Gv, Eb/Ew */
	case 0xb7:
	case 0xbe:
	case 0xbf:
		insn->mem_size = (op & 1) ? 2 : 1;
		set_gpr(insn, insn->modrm_reg, false);
		set_op(insn, op < 0xb8 ? X86_OP_MOVZX : X86_OP_MOVSX, ACC_R);
		return;
	case 0xc3:		/* MOVNTI m32/64, r32/64 */
		insn->mem_size = movd_size(insn);
		set_gpr(insn, insn->modrm_reg, false);
		set_op(insn, X86_OP_MOV_TO_MEM, ACC_W);
		return;
	case 0xc7:		/* CMPXCHG8B/16B */
		if (insn->reg == 1) {
			insn->mem_size = is64(insn) &&
					 (insn->rex & X86_REX_W) ? 16 : 8;
			set_op(insn, X86_OP_OTHER, ACC_RW);
		}
		return;
	}
	classify_vecmove(insn);
}

/* 0F 38: MOVNTDQA (SSE4.1 streaming load), MOVDIRI, MOVBE/CRC32. */
static void classify_0f38(struct x86_insn *insn)
{
	u8 op = insn->opcode;

	insn->mem_size = 0;
	if (op == 0x2a && insn->simd_prefix == X86_PP_66 && evex_w_ok(insn)) {
		set_vecmove(insn, vector_length(insn), false, false);
		return;
	}
	if (insn->encoding != X86_ENC_LEGACY)
		return;
	if (op == 0xf9 && insn->simd_prefix == X86_PP_NONE) {
		insn->mem_size = movd_size(insn);
		set_gpr(insn, insn->modrm_reg, false);
		set_op(insn, X86_OP_MOV_TO_MEM, ACC_W);
	} else if (op == 0xf0 || op == 0xf1) {
		bool crc8 = op == 0xf0 && insn->simd_prefix == X86_PP_F2;

		insn->mem_size = crc8 ? 1 : insn->opsize;
		set_op(insn, X86_OP_OTHER, ACC_R);
	}
}

static void classify(struct x86_insn *insn, u16 attr)
{
	insn->reg_num = X86_REG_NONE;
	insn->mem_size = insn->opsize;
	if (insn->encoding == X86_ENC_LEGACY && insn->map == X86_MAP_1BYTE)
		classify_onebyte(insn, attr);
	else if (insn->map == X86_MAP_0F && insn->encoding == X86_ENC_LEGACY)
		classify_0f(insn, attr);
	else if (insn->map == X86_MAP_0F38)
		classify_0f38(insn);
	else
		insn->mem_size = 0;
	if (insn->map == X86_MAP_0F && insn->encoding != X86_ENC_LEGACY)
		classify_vecmove(insn);
	if (!(insn->flags & X86_INSN_MEM))
		insn->mem_size = 0;
}

/*
 * LOCK is #UD except on the read-modify-write instructions below with a
 * memory destination (SDM LOCK instruction page), and on AMD's MOV CR8
 * alias LOCK MOV CR0.
 */
static bool lock_allowed(const struct x86_insn *insn)
{
	if (insn->op == X86_OP_MOV_TO_CR || insn->op == X86_OP_MOV_FROM_CR)
		return true;
	if (!(insn->flags & X86_INSN_MEM_DST))
		return false;
	switch (insn->op) {
	case X86_OP_ALU:
		return insn->alu != X86_ALU_CMP && insn->alu != X86_ALU_TEST;
	case X86_OP_NOT:
	case X86_OP_NEG:
	case X86_OP_INC:
	case X86_OP_DEC:
	case X86_OP_XCHG:
	case X86_OP_BTS:
	case X86_OP_BTR:
	case X86_OP_BTC:
	case X86_OP_CMPXCHG:
	case X86_OP_XADD:
		return true;
	default:		/* CMPXCHG8B/16B */
		return insn->encoding == X86_ENC_LEGACY &&
		       insn->map == X86_MAP_0F && insn->opcode == 0xc7 &&
		       insn->reg == 1;
	}
}

/* Checks that need the whole instruction. */
static int check_late(const struct x86_insn *insn)
{
	if ((insn->flags & X86_INSN_LOCK) && !lock_allowed(insn))
		return -X86_DECODE_INVALID;
	/* 3DNow!: the suffix byte is the opcode. */
	if (insn->encoding == X86_ENC_LEGACY && insn->map == X86_MAP_0F &&
	    insn->opcode == 0x0f &&
	    !in_ranges(insn->imm, amd3dnow_defined, N_RANGES(amd3dnow_defined)))
		return -X86_DECODE_INVALID;
	return 0;
}

/* Everything after the opcode byte. */
static int decode_body(struct cursor *c, struct x86_insn *insn)
{
	u16 attr = opcode_attr(insn);
	u8 vsize;
	int ret;

	if ((attr & UD) || ((attr & N64) && is64(insn)))
		return -X86_DECODE_INVALID;
	insn->addrsize = address_size(insn);
	if (uses_vsib(insn))
		insn->flags |= X86_INSN_VSIB;
	insn->disp_scale = is_evex(insn) ? 0 : 1;
	if (attr & MO) {
		ret = decode_modrm(c, insn);
		if (!ret)
			ret = check_modrm(insn);
		if (ret)
			return ret;
		attr = group_attr(insn, attr);
	}
	vsize = operand_size(insn, attr);
	insn->opsize = (attr & BY) ? 1 : vsize;
	ret = decode_imm(c, insn, attr & IK_MASK, vsize);
	if (!ret)
		ret = decode_special_imm(c, insn);
	if (ret)
		return ret;
	classify(insn, attr);
	return check_late(insn);
}

int x86_decode(const u8 *bytes, size_t len, enum x86_mode mode,
	       struct x86_insn *insn)
{
	struct cursor c = { .bytes = bytes, .len = len, .pos = 0 };
	u8 b;
	int ret;

	if (!insn)
		return -X86_DECODE_INVALID;
	__builtin_memset(insn, 0, sizeof(*insn));
	insn->mode = mode;
	insn->seg_override = X86_SEG_NONE;
	insn->mem_seg = X86_SEG_NONE;
	insn->reg_num = X86_REG_NONE;
	insn->modrm_rm = X86_REG_NONE;
	insn->ea_base = X86_REG_NONE;
	insn->ea_index = X86_REG_NONE;
	if ((!bytes && len) || (unsigned int)mode > X86_MODE_LONG64)
		return -X86_DECODE_INVALID;

	ret = decode_prefixes(&c, insn, &b);
	if (!ret)
		ret = decode_opcode(&c, insn, b);
	if (!ret)
		ret = decode_body(&c, insn);
	insn->length = c.pos;
	return ret;
}

/* ModRM/SIB address: base + index * scale + displacement (SDM 2.1.5). */
static int modrm_address(const struct x86_insn *insn, const u64 gprs[16],
			 u64 rip_next, u64 *addr)
{
	u64 disp = insn->disp;

	if (insn->flags & X86_INSN_VSIB)
		return -X86_DECODE_UNSUPPORTED;
	/* EVEX scales a disp8 by the operand's N (SDM 2.7.5). */
	if (is_evex(insn) && insn->disp_size == 1) {
		if (!insn->disp_scale)
			return -X86_DECODE_UNSUPPORTED;
		disp *= insn->disp_scale;
	}
	if (insn->flags & X86_INSN_RIP_REL) {
		*addr = rip_next + disp;
		return 0;
	}
	*addr = disp;
	if (insn->ea_base != X86_REG_NONE)
		*addr += gprs[insn->ea_base & 15];
	if (insn->ea_index != X86_REG_NONE)
		*addr += gprs[insn->ea_index & 15] << (insn->ea_scale & 3);
	return 0;
}

/* String instructions that only use rDI (in ES). */
static bool string_uses_di(const struct x86_insn *insn)
{
	return insn->op == X86_OP_STOS || insn->op == X86_OP_SCAS ||
	       insn->op == X86_OP_INS;
}

int x86_insn_effective_address(const struct x86_insn *insn,
			       const u64 gprs[16], u64 rip_next, u64 *ea)
{
	u64 addr;
	int ret;

	if (!insn || !gprs || !ea)
		return -X86_DECODE_INVALID;
	switch (insn->mem_kind) {
	case X86_MEM_MODRM:
		ret = modrm_address(insn, gprs, rip_next, &addr);
		if (ret)
			return ret;
		break;
	case X86_MEM_MOFFS:
		addr = insn->disp;
		break;
	case X86_MEM_STRING:
		addr = gprs[string_uses_di(insn) ? RDI : RSI];
		break;
	case X86_MEM_XLAT:
		addr = gprs[RBX] + (gprs[0] & 0xff);
		break;
	default:
		return -X86_DECODE_NO_MEM;
	}
	/* Addresses wrap at the address size (SDM vol. 1 3.3.7). */
	*ea = addr & size_mask(insn->addrsize);
	return 0;
}

int x86_insn_string_addresses(const struct x86_insn *insn,
			      const u64 gprs[16], u64 *src, u64 *dst)
{
	u64 mask;

	if (!insn || !gprs || !src || !dst)
		return -X86_DECODE_INVALID;
	if (insn->mem_kind != X86_MEM_STRING)
		return -X86_DECODE_NO_MEM;
	mask = size_mask(insn->addrsize);
	*src = gprs[RSI] & mask;
	*dst = gprs[RDI] & mask;
	return 0;
}
