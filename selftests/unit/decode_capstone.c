// SPDX-License-Identifier: GPL-2.0-only
/*
 * Differential test of kmod/x86_decode.c against Capstone 4 (Debian 12's
 * libcapstone4, 4.0.2) in 16, 32 and 64-bit mode, on
 *  (a) a systematic corpus: every opcode of the one-byte, 0F, 0F 38 and
 *      0F 3A maps under 11 legacy prefix combinations (and 9 REX ones in
 *      64-bit mode), with every ModRM byte and, when a SIB follows, three
 *      SIB bytes (base 100b, base 101b, index none), followed by filler
 *      bytes for displacements and immediates; VEX2, VEX3 and EVEX forms
 *      of every opcode of each map with every W/L/pp (and EVEX.b) and 8
 *      ModRM/SIB forms;
 *  (b) DECODE_RANDOM (default 200000) random 15-byte strings per mode,
 *      from a fixed seed (DECODE_SEED overrides it).
 * Both decoders see the same 15 bytes. DECODE_PRINT=n prints up to n
 * details per mode, DECODE_EXAMPLES=1 examples of every class below.
 *
 * Comparison rules
 * ----------------
 * When both decode, the lengths must be equal. Excused (counted per
 * rule), all checked by hand against the SDM:
 *  L1 66-prefixed near CALL/JMP/Jcc rel (E8, E9, 0F 8x) in 64-bit mode:
 *     Capstone follows AMD (rel16); we follow the Intel SDM (66 ignored,
 *     rel32). Never an MMIO access nor an intercepted instruction.
 *  L2 0F B9 (UD1): Capstone 4 has no ModRM byte; the SDM has "0F B9 /r".
 *  L3 66/F2 0F 78: AMD SSE4a EXTRQ/INSERTQ take imm8, imm8; Capstone 4
 *     only knows VMREAD there.
 *  L4 RET imm16 / CALL rel with REX.W and 66 or 67 in 64-bit mode:
 *     Capstone 4 reads a 4-byte Iw (RET) or a rel16 (CALL after 67).
 *  L5 66 together with F2/F3 on a non-SIMD instruction (66 F2 E8, 66 F3
 *     68): Capstone 4 drops the 66.
 *  L6 EVEX embedded rounding (mod 11b, EVEX.b): Capstone 4 consumes one
 *     byte more than the instruction has.
 * For the emulation subset (MOV, MOVZX/MOVSX(D), MOV imm, string and
 * I/O string instructions, ALU, NOT/NEG/INC/DEC, XCHG, BT*, CMPXCHG,
 * XADD, MOVNTI, SIMD moves) with a memory operand, the size of
 * Capstone's first memory operand must equal our mem_size. Excused:
 *  M1 66 together with F2/F3: Capstone 4 drops the 66 on integer
 *     instructions, and takes 66 over F2/F3 as the SIMD prefix (the SDM:
 *     F2/F3 win, as in 66 F2 0F 38 F1 CRC32 r32, r/m16).
 *  M2 16-bit mode: Capstone 4 ignores 66/F2/F3 as SIMD prefixes.
 *  M3 66 and 67 together: Capstone 4 ignores 66 as a SIMD prefix.
 *  M4 66 63 (MOVSXD r16, r/m16 in the SDM): Capstone 4 reads a dword.
 *  M5 VEX/EVEX.W1 MOVD/MOVQ outside 64-bit mode: W is ignored there
 *     (VMOVQ r64/m64 is "N.E."); Capstone 4 reads a qword.
 *  M6 F2/F3 followed by another prefix (other than one REX): Capstone 4
 *     only takes a mandatory prefix next to the opcode; the SDM has no
 *     such rule (prefixes come in any order, 2.1.1).
 *  M7 REX.W with 67 on INS/OUTS: Capstone 4 takes the 67 for a 66.
 *  M8 EVEX VMOVQ xmm, m64 (F3 0F 7E): Capstone 4 reports 16 bytes.
 * Anything else fails and prints the bytes.
 *
 * When only one side decodes, the case is counted in a class (below,
 * wclass_names and cclass_names). Ours and Capstone's #UD sets differ:
 * we do not check which VEX/EVEX opcodes exist, accept every x87 and
 * hint/group register form, AMD's LOCK MOV CR8, and instructions newer
 * than Capstone 4 (GFNI, MOVDIRI, ENQCMD, Key Locker, ...); Capstone
 * accepts LOCK anywhere, prefixes before VEX/EVEX, MOV to CS, CR1/CR5-7/
 * CR9-15, DR8-15, AMD XOP and VIA PadLock, which the SDM makes #UD, and
 * has bugs with 66 together with F2/F3 or 67 and in 16-bit mode.
 * Unexplained cases are printed as examples but do not fail: the length
 * of what the CPU executed, not the #UD set, is what matters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod/x86_decode.h"
#include "selftests/unit/decode_cs.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Lines of details printed per mode (DECODE_PRINT overrides). */
static unsigned long max_print = 40;
/* DECODE_EXAMPLES=1: also print examples of the explained classes. */
static int all_examples;

enum {
	L_NONE, L_NEAR_BRANCH_66, L_UD1, L_SSE4A, L_REXW_IMM, L_66_REP,
	L_EVEX_ROUNDING, NR_LRULES
};
static const char *const lrule_names[NR_LRULES] = {
	"unexplained", "L1 66 near branch", "L2 UD1 ModRM",
	"L3 SSE4a EXTRQ/INSERTQ", "L4 REX.W+66/67 CALL/RET imm",
	"L5 66 with F2/F3", "L6 EVEX rounding",
};

enum {
	M_NONE, M_66_REP, M_16BIT_SSE, M_66_67_SSE, M_MOVSXD_66, M_MOVQ_W1,
	M_REP_NOT_LAST, M_REXW_67, M_EVEX_MOVQ, NR_MRULES
};
static const char *const mrule_names[NR_MRULES] = {
	"unexplained", "M1 66 with F2/F3", "M2 16-bit SIMD prefix",
	"M3 66+67 SIMD", "M4 66 MOVSXD", "M5 W1 MOVQ outside 64-bit",
	"M6 F2/F3 not last", "M7 REX.W+67 INS/OUTS", "M8 EVEX MOVQ load",
};

enum {
	W_VEX, W_X87, W_AMD_CR8, W_3DNOW, W_GROUP, W_NEW, W_CS16, W_66_67,
	W_66_REP, W_REX_SREG, W_OTHER, NR_WCLASSES
};
static const char *const wclass_names[NR_WCLASSES] = {
	"VEX/EVEX opcode not checked", "x87 register form",
	"AMD LOCK MOV CR8", "3DNow!", "group register/hint form",
	"newer than Capstone 4", "Capstone bug: 16-bit SIMD prefix",
	"Capstone bug: 66+67 SIMD", "Capstone bug: 66 with F2/F3",
	"REX.R on MOV Sreg (ignored)", "unexplained",
};

enum {
	C_XOP, C_LOCK, C_VEX_PREFIX, C_UD0, C_VMX_SSE4A, C_CR_DR, C_MOV_CS,
	C_PADLOCK, C_VSIB, C_66_REP, C_OTHER, NR_CCLASSES
};
static const char *const cclass_names[NR_CCLASSES] = {
	"AMD XOP", "LOCK on a non-lockable instruction",
	"prefix before VEX/EVEX", "UD0 (vendor-dependent length)",
	"0F 78/79 with a prefix", "nonexistent CR/DR", "MOV CS",
	"VIA PadLock", "VSIB without SIB", "SIMD form with 66 and F2/F3",
	"unexplained",
};

struct stats {
	unsigned long total;
	unsigned long both;
	unsigned long len_fail;
	unsigned long excused[NR_LRULES];
	unsigned long we_only[NR_WCLASSES];
	unsigned long cs_only[NR_CCLASSES];
	unsigned long both_fail;
	unsigned long msz_checked;
	unsigned long msz_fail;
	unsigned long msz_excused[NR_MRULES];
	unsigned long printed;
	unsigned long examples;
};

static void hex(const unsigned char *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 3 * i, "%02x ", b[i]);
	out[n ? 3 * n - 1 : 0] = 0;
}

/* Offset of the first non-prefix byte (legacy prefixes and REX). */
static size_t skip_prefixes(const unsigned char *b, size_t n, int bits)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (b[i]) {
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64:
		case 0x65: case 0x66: case 0x67: case 0xf0: case 0xf2:
		case 0xf3:
			continue;
		}
		if (bits == 64 && (b[i] & 0xf0) == 0x40)
			continue;
		break;
	}
	return i;
}

static int has_prefix(const unsigned char *b, size_t end, unsigned char p)
{
	size_t i;

	for (i = 0; i < end; i++)
		if (b[i] == p)
			return 1;
	return 0;
}

static int is_legacy(const struct x86_insn *in, enum x86_map map)
{
	return in->encoding == X86_ENC_LEGACY && in->map == map;
}

/* 66 and F2/F3 both present. */
static int has_66_rep(const struct x86_insn *in)
{
	return (in->flags & X86_INSN_OPSIZE) && in->rep != X86_REP_NONE;
}

static int length_rule(int bits, const struct x86_insn *in)
{
	u8 op = in->opcode;

	if (bits == 64 && (in->flags & X86_INSN_OPSIZE) &&
	    ((is_legacy(in, X86_MAP_1BYTE) && (op == 0xe8 || op == 0xe9)) ||
	     (is_legacy(in, X86_MAP_0F) && (op & 0xf0) == 0x80)))
		return L_NEAR_BRANCH_66;
	if (is_legacy(in, X86_MAP_0F) && op == 0xb9)
		return L_UD1;
	if (is_legacy(in, X86_MAP_0F) && op == 0x78 &&
	    in->simd_prefix != X86_PP_NONE)
		return L_SSE4A;
	if (bits == 64 && (in->rex & X86_REX_W) &&
	    (in->flags & (X86_INSN_OPSIZE | X86_INSN_ADSIZE)) &&
	    is_legacy(in, X86_MAP_1BYTE) && (op == 0xc2 || op == 0xe8))
		return L_REXW_IMM;
	if (has_66_rep(in) && in->encoding == X86_ENC_LEGACY)
		return L_66_REP;
	if (in->encoding == X86_ENC_EVEX && in->mod == 3 &&
	    (in->flags & X86_INSN_EVEX_B))
		return L_EVEX_ROUNDING;
	return L_NONE;
}

static int is_simd(const struct x86_insn *in)
{
	return in->op == X86_OP_VECTOR_LOAD || in->op == X86_OP_VECTOR_STORE ||
	       in->map == X86_MAP_0F38 || in->map == X86_MAP_0F3A ||
	       (in->map == X86_MAP_0F && in->simd_prefix != X86_PP_NONE);
}

/* Prefixes other than one REX follow the last F2/F3. */
static int rep_not_last(const unsigned char *b, size_t n, int bits)
{
	size_t i, end = skip_prefixes(b, n, bits);
	size_t last = end;

	for (i = 0; i < end; i++)
		if (b[i] == 0xf2 || b[i] == 0xf3)
			last = i;
	if (last == end)
		return 0;
	if (bits == 64 && end && (b[end - 1] & 0xf0) == 0x40)
		end--;
	return end > last + 1;
}

static int msize_rule(const unsigned char *b, size_t n, int bits,
		      const struct x86_insn *in)
{
	if (has_66_rep(in))
		return M_66_REP;
	if (bits == 16 && is_simd(in) && in->simd_prefix != X86_PP_NONE)
		return M_16BIT_SSE;
	if (is_simd(in) && (in->flags & X86_INSN_OPSIZE) &&
	    (in->flags & X86_INSN_ADSIZE))
		return M_66_67_SSE;
	if (is_legacy(in, X86_MAP_1BYTE) && in->opcode == 0x63 &&
	    in->opsize == 2)
		return M_MOVSXD_66;
	if (bits != 64 && (in->rex & X86_REX_W) && in->map == X86_MAP_0F &&
	    (in->opcode == 0x6e || in->opcode == 0x7e))
		return M_MOVQ_W1;
	if (is_simd(in) && rep_not_last(b, n, bits))
		return M_REP_NOT_LAST;
	if ((in->op == X86_OP_INS || in->op == X86_OP_OUTS) &&
	    (in->rex & X86_REX_W) && (in->flags & X86_INSN_ADSIZE))
		return M_REXW_67;
	if (in->encoding == X86_ENC_EVEX && in->map == X86_MAP_0F &&
	    in->opcode == 0x7e && in->simd_prefix == X86_PP_F3)
		return M_EVEX_MOVQ;
	return M_NONE;
}

/* Capstone 4 does not know these (all are in the SDM or AMD's APM). */
static int newer_than_capstone(const struct x86_insn *in)
{
	u8 op = in->opcode;

	if (in->encoding != X86_ENC_LEGACY)
		return 0;
	if (in->map == X86_MAP_0F3A)		/* GFNI */
		return op == 0xce || op == 0xcf;
	if (in->map != X86_MAP_0F38)
		return 0;
	/* GFNI, Key Locker, WRSS/WRUSS, MOVDIRI/MOVDIR64B, ENQCMD(S) */
	return op == 0xcf || op == 0xd8 || op == 0xf5 || op >= 0xf8 ||
	       (op >= 0xdc && in->simd_prefix == X86_PP_F3) ||
	       (op == 0xf6 && in->simd_prefix == X86_PP_NONE);
}

static int we_only_class(int bits, const struct x86_insn *in)
{
	u8 op = in->opcode;

	if (in->encoding != X86_ENC_LEGACY)
		return W_VEX;
	if (newer_than_capstone(in))
		return W_NEW;
	if (has_66_rep(in))
		return W_66_REP;
	if (bits == 16 && in->map != X86_MAP_1BYTE &&
	    in->simd_prefix != X86_PP_NONE)
		return W_CS16;
	if (in->map != X86_MAP_1BYTE && in->simd_prefix == X86_PP_66 &&
	    (in->flags & X86_INSN_ADSIZE))
		return W_66_67;
	if (in->map == X86_MAP_1BYTE && op >= 0xd8 && op <= 0xdf)
		return W_X87;
	if (in->map == X86_MAP_1BYTE && (op == 0x8c || op == 0x8e) &&
	    (in->rex & X86_REX_R))
		return W_REX_SREG;
	if (in->map == X86_MAP_0F && (op == 0x20 || op == 0x22) &&
	    (in->flags & X86_INSN_LOCK))
		return W_AMD_CR8;
	if (in->map == X86_MAP_0F && op == 0x0f)
		return W_3DNOW;
	if (in->map == X86_MAP_0F &&
	    (op == 0x01 || op == 0xae || op == 0xc7 || op == 0x0d ||
	     (op >= 0x18 && op <= 0x1f)))
		return W_GROUP;
	return W_OTHER;
}

static int cs_only_class(const unsigned char *b, size_t n, int bits,
			 const struct x86_insn *in)
{
	size_t o = skip_prefixes(b, n, bits);
	unsigned char op = o < n ? b[o] : 0;
	int legacy0f = in->encoding == X86_ENC_LEGACY &&
		       in->map == X86_MAP_0F && op == 0x0f;

	if (op == 0x8f && o + 1 < n && ((b[o + 1] >> 3) & 7))
		return C_XOP;
	if ((op == 0xc4 || op == 0xc5 || op == 0x62) &&
	    (bits == 64 || (o + 1 < n && (b[o + 1] & 0xc0) == 0xc0)) &&
	    (has_prefix(b, o, 0x66) || has_prefix(b, o, 0xf2) ||
	     has_prefix(b, o, 0xf3) || has_prefix(b, o, 0xf0) ||
	     (bits == 64 && o && (b[o - 1] & 0xf0) == 0x40)))
		return C_VEX_PREFIX;
	if (in->flags & X86_INSN_VSIB)
		return C_VSIB;
	if (legacy0f && in->opcode == 0xff)
		return C_UD0;
	if (legacy0f && (in->opcode == 0x78 || in->opcode == 0x79))
		return C_VMX_SSE4A;
	if (legacy0f && in->opcode >= 0x20 && in->opcode <= 0x23)
		return C_CR_DR;
	if (legacy0f && (in->opcode == 0xa6 || in->opcode == 0xa7))
		return C_PADLOCK;
	if (op == 0x8e && (in->flags & X86_INSN_MODRM) && in->reg == 1)
		return C_MOV_CS;
	if (in->flags & X86_INSN_LOCK)
		return C_LOCK;
	if (has_66_rep(in))
		return C_66_REP;
	return C_OTHER;
}

/* Our emulation subset: the memory size must match Capstone's. */
static int in_subset(const struct x86_insn *in)
{
	switch (in->op) {
	case X86_OP_OTHER:
	case X86_OP_IN:
	case X86_OP_OUT:
	case X86_OP_MOV_TO_CR:
	case X86_OP_MOV_FROM_CR:
	case X86_OP_MOV_TO_DR:
	case X86_OP_MOV_FROM_DR:
		return 0;
	default:
		return (in->flags & X86_INSN_MEM) != 0;
	}
}

static void report(struct stats *st, const char *what, int bits,
		   const unsigned char *b, size_t n, const struct x86_insn *in,
		   const struct cs_result *cr)
{
	char h[64];

	if (st->printed++ >= max_print)
		return;
	hex(b, n, h);
	printf("#   %s (%d-bit) %s: ours len %u msz %u op %d, capstone len %u msz %d \"%s\"\n",
	       what, bits, h, in->length, in->mem_size, in->op, cr->length,
	       cr->mem_size, cr->text);
}

static void example(struct stats *st, const char *what, int bits,
		    const unsigned char *b, size_t n, int ret,
		    const struct cs_result *cr)
{
	char h[64];

	if (st->examples++ >= max_print)
		return;
	hex(b, n, h);
	if (cr)
		printf("#   %s (%d-bit) %s: ours %d, capstone len %u \"%s\"\n",
		       what, bits, h, ret, cr->length, cr->text);
	else
		printf("#   %s (%d-bit) %s: ours len %d, capstone fails\n",
		       what, bits, h, ret);
}

static enum x86_mode mode_of(int bits)
{
	return bits == 16 ? X86_MODE_PROT16 :
	       bits == 32 ? X86_MODE_PROT32 : X86_MODE_LONG64;
}

static void compare(struct stats *st, int bits, const unsigned char *b,
		    size_t n)
{
	struct x86_insn in;
	struct cs_result cr;
	int ret = x86_decode(b, n, mode_of(bits), &in);
	int ok = cs_wrap_decode(bits, b, n, &cr);
	int rule, c;

	st->total++;
	if (ret == 0 && ok) {
		st->both++;
		if (in.length != cr.length) {
			rule = length_rule(bits, &in);
			st->excused[rule]++;
			if (rule == L_NONE) {
				st->len_fail++;
				report(st, "LENGTH", bits, b, n, &in, &cr);
			}
			return;
		}
		if (in_subset(&in) && cr.mem_size > 0) {
			st->msz_checked++;
			if (cr.mem_size != in.mem_size) {
				rule = msize_rule(b, n, bits, &in);
				st->msz_excused[rule]++;
				if (rule == M_NONE) {
					st->msz_fail++;
					report(st, "MEMSIZE", bits, b, n, &in,
					       &cr);
				}
			}
		}
	} else if (ret == 0) {
		c = we_only_class(bits, &in);
		st->we_only[c]++;
		if (c == W_OTHER || all_examples)
			example(st, wclass_names[c], bits, b, in.length,
				in.length, NULL);
	} else if (ok) {
		c = cs_only_class(b, n, bits, &in);
		st->cs_only[c]++;
		if (c == C_OTHER || all_examples)
			example(st, cclass_names[c], bits, b, cr.length,
				ret, &cr);
	} else {
		st->both_fail++;
	}
}

/* Filler for displacements and immediates: no prefix, no escape. */
static const unsigned char filler[15] = {
	0x11, 0x22, 0x33, 0x44, 0x55, 0x11, 0x22, 0x33,
	0x44, 0x55, 0x11, 0x22, 0x33, 0x44, 0x55,
};

static void emit(struct stats *st, int bits, const unsigned char *head,
		 size_t hlen)
{
	unsigned char buf[X86_MAX_INSN_LEN];
	size_t n = hlen < sizeof(buf) ? hlen : sizeof(buf);

	memcpy(buf, head, n);
	memcpy(buf + n, filler, sizeof(buf) - n);
	compare(st, bits, buf, sizeof(buf));
}

struct pfx {
	unsigned char len;
	unsigned char b[3];
};

static const struct pfx legacy_pfx[] = {
	{ 0, { 0 } }, { 1, { 0x66 } }, { 1, { 0x67 } }, { 1, { 0xf2 } },
	{ 1, { 0xf3 } }, { 1, { 0xf0 } }, { 1, { 0x2e } }, { 1, { 0x64 } },
	{ 2, { 0x66, 0x67 } }, { 2, { 0xf3, 0x66 } }, { 2, { 0x66, 0xf2 } },
};

static const struct pfx rex_pfx[] = {
	{ 1, { 0x40 } }, { 1, { 0x41 } }, { 1, { 0x44 } }, { 1, { 0x48 } },
	{ 1, { 0x4f } }, { 2, { 0x66, 0x48 } }, { 2, { 0x48, 0x66 } },
	{ 2, { 0xf3, 0x48 } }, { 3, { 0x66, 0x67, 0x41 } },
};

/* ModRM, then the SIB bytes worth trying when a SIB follows. */
static void modrm_forms(struct stats *st, int bits, unsigned char *head,
			size_t hlen)
{
	static const unsigned char sibs[] = { 0x24, 0x05, 0x65 };
	unsigned int m, s;
	int sib_possible;

	for (m = 0; m < 256; m++) {
		head[hlen] = m;
		sib_possible = (m & 7) == 4 && (m >> 6) != 3;
		if (!sib_possible) {
			emit(st, bits, head, hlen + 1);
			continue;
		}
		for (s = 0; s < sizeof(sibs); s++) {
			head[hlen + 1] = sibs[s];
			emit(st, bits, head, hlen + 2);
		}
	}
}

static void legacy_corpus(struct stats *st, int bits, const struct pfx *p)
{
	static const unsigned char esc[4][2] = {
		{ 0 }, { 0x0f }, { 0x0f, 0x38 }, { 0x0f, 0x3a },
	};
	unsigned char head[X86_MAX_INSN_LEN + 4];
	unsigned int map, op;
	size_t h;

	for (map = 0; map < 4; map++) {
		for (op = 0; op < 256; op++) {
			memcpy(head, p->b, p->len);
			h = p->len;
			memcpy(head + h, esc[map], map ? (map == 1 ? 1 : 2) : 0);
			h += map ? (map == 1 ? 1 : 2) : 0;
			head[h++] = op;
			modrm_forms(st, bits, head, h);
		}
	}
}

/* A few ModRM forms for the VEX/EVEX corpus. */
static const unsigned char vex_modrm[][2] = {
	{ 0x00, 0 }, { 0x05, 0 }, { 0x04, 0x24 }, { 0x04, 0x05 },
	{ 0x44, 0x24 }, { 0x80, 0 }, { 0xc1, 0 }, { 0x3f, 0 },
};

static void vex_tail(struct stats *st, int bits, unsigned char *head,
		     size_t h)
{
	unsigned int op, m;

	for (op = 0; op < 256; op++) {
		head[h] = op;
		for (m = 0; m < ARRAY_SIZE(vex_modrm); m++) {
			head[h + 1] = vex_modrm[m][0];
			head[h + 2] = vex_modrm[m][1];
			emit(st, bits, head, h + (vex_modrm[m][1] ? 3 : 2));
		}
	}
}

static void vex_corpus(struct stats *st, int bits)
{
	unsigned char head[X86_MAX_INSN_LEN + 4];
	unsigned int map, lpp, w, l, b;

	for (lpp = 0; lpp < 8; lpp++) {		/* VEX2: R=1 vvvv=1111 */
		head[0] = 0xc5;
		head[1] = 0xf8 | lpp;
		vex_tail(st, bits, head, 2);
	}
	for (map = 0; map < 5; map++) {		/* VEX3 */
		for (w = 0; w < 16; w++) {
			head[0] = 0xc4;
			head[1] = 0xe0 | map;
			head[2] = ((w & 8) << 4) | 0x78 | (w & 7);
			vex_tail(st, bits, head, 3);
		}
	}
	for (map = 0; map < 8; map++) {		/* EVEX */
		for (w = 0; w < 8; w++) {
			for (l = 0; l < 3; l++) {
				for (b = 0; b < 2; b++) {
					head[0] = 0x62;
					head[1] = 0xf0 | map;
					head[2] = ((w & 4) << 5) | 0x7c |
						  (w & 3);
					head[3] = (l << 5) | (b << 4) | 0x08;
					vex_tail(st, bits, head, 4);
				}
			}
		}
	}
}

static unsigned long long rng_state;

static unsigned long long rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void random_corpus(struct stats *st, int bits, unsigned long n)
{
	unsigned char buf[X86_MAX_INSN_LEN];
	unsigned long i;
	unsigned int j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < sizeof(buf); j++)
			buf[j] = rng() >> 56;
		compare(st, bits, buf, sizeof(buf));
	}
}

static unsigned long env_ulong(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

static void summary(const struct stats *st, int bits)
{
	int i;

	printf("# %d-bit: %lu encodings, both decode %lu, length mismatches %lu",
	       bits, st->total, st->both, st->len_fail);
	for (i = 1; i < NR_LRULES; i++)
		printf(", excused %s: %lu", lrule_names[i], st->excused[i]);
	printf("\n# %d-bit: memory sizes compared %lu, mismatches %lu",
	       bits, st->msz_checked, st->msz_fail);
	for (i = 1; i < NR_MRULES; i++)
		printf(", excused %s: %lu", mrule_names[i], st->msz_excused[i]);
	printf("\n");
	printf("# %d-bit: only we decode:", bits);
	for (i = 0; i < NR_WCLASSES; i++)
		printf(" %s %lu;", wclass_names[i], st->we_only[i]);
	printf("\n# %d-bit: only Capstone decodes:", bits);
	for (i = 0; i < NR_CCLASSES; i++)
		printf(" %s %lu;", cclass_names[i], st->cs_only[i]);
	printf("\n# %d-bit: neither decodes %lu\n", bits, st->both_fail);
}

int main(void)
{
	static const int modes[3] = { 16, 32, 64 };
	unsigned long n = env_ulong("DECODE_RANDOM", 200000);
	unsigned long seed = env_ulong("DECODE_SEED", 0x5eedf00dUL);
	int failed = 0;
	unsigned int i, k;

	max_print = env_ulong("DECODE_PRINT", max_print);
	all_examples = env_ulong("DECODE_EXAMPLES", 0) != 0;

	if (cs_wrap_open()) {
		printf("RESULT FAIL unit/decode_capstone.open\n");
		return 1;
	}
	printf("# capstone differential test: %lu random strings per mode, seed %#lx\n",
	       n, seed);
	for (i = 0; i < 3; i++) {
		struct stats st;
		int bits = modes[i];

		memset(&st, 0, sizeof(st));
		rng_state = seed + bits;
		for (k = 0; k < ARRAY_SIZE(legacy_pfx); k++)
			legacy_corpus(&st, bits, &legacy_pfx[k]);
		if (bits == 64)
			for (k = 0; k < ARRAY_SIZE(rex_pfx); k++)
				legacy_corpus(&st, bits, &rex_pfx[k]);
		vex_corpus(&st, bits);
		random_corpus(&st, bits, n);
		summary(&st, bits);
		if (st.len_fail || st.msz_fail)
			failed = 1;
		printf("RESULT %s unit/decode_capstone.%dbit\n",
		       st.len_fail || st.msz_fail ? "FAIL" : "PASS", bits);
	}
	cs_wrap_close();
	return failed;
}
