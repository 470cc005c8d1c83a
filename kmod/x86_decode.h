/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 instruction decoder: length, operands and a semantic summary of one
 * guest instruction, for MMIO emulation and for advancing RIP past
 * intercepted instructions when the CPU does not report the next RIP
 * (AMD-V without NRIP-save or decode assists).
 *
 * Pure code: no kernel dependency, compiled into the module and into the
 * native unit tests (selftests/unit). The input bytes are guest-controlled
 * and treated as hostile: the decoder never reads past the caller's length
 * nor past the architectural 15-byte limit.
 *
 * References: Intel SDM vol. 2, order no. 325383-081US.
 */
#ifndef HVMOD_X86_DECODE_H
#define HVMOD_X86_DECODE_H

#include "kmod/pure.h"

/* SDM 2.3.11: at most 15 bytes; a longer instruction raises #GP. */
#define X86_MAX_INSN_LEN	15

/* "No register" in the register-number fields below. */
#define X86_REG_NONE		0xff

/*
 * Code-segment modes. Real mode and 16-bit protected mode both default to
 * 16-bit operands and addresses; they differ in that VEX and EVEX do not
 * exist in real mode. Compatibility mode is PROT16 or PROT32 by CS.D.
 */
enum x86_mode {
	X86_MODE_REAL16,
	X86_MODE_PROT16,
	X86_MODE_PROT32,
	X86_MODE_LONG64,
};

/* Positive codes; the functions below return them negated. */
enum x86_decode_error {
	X86_DECODE_TRUNCATED = 1,	/* need more bytes than the caller gave */
	X86_DECODE_TOO_LONG,		/* longer than 15 bytes: #GP */
	X86_DECODE_INVALID,		/* undefined encoding: #UD */
	X86_DECODE_NO_MEM,		/* no memory operand to compute */
	X86_DECODE_UNSUPPORTED,		/* address not computable (VSIB, ...) */
};

/* Segment registers, in the ModRM.reg encoding of MOV Sreg (SDM 3.4.2). */
enum x86_seg {
	X86_SEG_ES,
	X86_SEG_CS,
	X86_SEG_SS,
	X86_SEG_DS,
	X86_SEG_FS,
	X86_SEG_GS,
	X86_SEG_NONE,
};

/* Group 1 prefixes, the last of F2/F3 wins (SDM 2.1.1). */
enum x86_rep {
	X86_REP_NONE,
	X86_REP_REPE,		/* F3: REP / REPE / REPZ */
	X86_REP_REPNE,		/* F2: REPNE / REPNZ */
};

/* SIMD prefix, in the encoding of VEX.pp (SDM 2.3.5.6). */
enum x86_pp {
	X86_PP_NONE,
	X86_PP_66,
	X86_PP_F3,
	X86_PP_F2,
};

enum x86_encoding {
	X86_ENC_LEGACY,
	X86_ENC_VEX2,		/* C5 and one payload byte */
	X86_ENC_VEX3,		/* C4 and two payload bytes */
	X86_ENC_EVEX,		/* 62 and three payload bytes */
};

/* Opcode maps, numbered as VEX.mmmmm / EVEX.mmm select them. */
enum x86_map {
	X86_MAP_1BYTE = 0,
	X86_MAP_0F = 1,
	X86_MAP_0F38 = 2,
	X86_MAP_0F3A = 3,
	X86_MAP_EVEX5 = 5,
	X86_MAP_EVEX6 = 6,
};

/*
 * What an MMIO emulator needs to know. The operation is named from the
 * point of view of the r/m operand as memory; it is meaningful for an
 * access only when X86_INSN_MEM is set.
 */
enum x86_op {
	X86_OP_OTHER,
	X86_OP_MOV_TO_MEM,	/* MOV r/m, reg / moffs, rAX; MOVNTI; MOVDIRI */
	X86_OP_MOV_FROM_MEM,	/* MOV reg, r/m / rAX, moffs */
	X86_OP_MOVZX,
	X86_OP_MOVSX,		/* also MOVSXD */
	X86_OP_STORE_IMM,	/* MOV r/m, imm */
	X86_OP_MOVS,
	X86_OP_STOS,
	X86_OP_LODS,
	X86_OP_CMPS,
	X86_OP_SCAS,
	X86_OP_INS,
	X86_OP_OUTS,
	X86_OP_IN,
	X86_OP_OUT,
	X86_OP_ALU,		/* see enum x86_alu */
	X86_OP_NOT,
	X86_OP_NEG,
	X86_OP_INC,
	X86_OP_DEC,
	X86_OP_XCHG,
	X86_OP_BT,
	X86_OP_BTS,
	X86_OP_BTR,
	X86_OP_BTC,
	X86_OP_CMPXCHG,
	X86_OP_XADD,
	X86_OP_VECTOR_LOAD,	/* SSE/AVX/AVX-512 and MMX moves */
	X86_OP_VECTOR_STORE,
	X86_OP_MOV_TO_CR,
	X86_OP_MOV_FROM_CR,
	X86_OP_MOV_TO_DR,
	X86_OP_MOV_FROM_DR,
};

/* In the order of the opcode bits 5:3 of 00-3F and ModRM.reg of 80-83. */
enum x86_alu {
	X86_ALU_ADD,
	X86_ALU_OR,
	X86_ALU_ADC,
	X86_ALU_SBB,
	X86_ALU_AND,
	X86_ALU_SUB,
	X86_ALU_XOR,
	X86_ALU_CMP,
	X86_ALU_TEST,
};

/* Kind of the register operand (struct x86_insn.reg_num). */
enum x86_reg_kind {
	X86_RK_NONE,
	X86_RK_GPR,		/* 0-15; see X86_INSN_HIGH8 */
	X86_RK_SEG,		/* enum x86_seg */
	X86_RK_CR,
	X86_RK_DR,
	X86_RK_MMX,		/* MM0-MM7 */
	X86_RK_VEC,		/* XMM/YMM/ZMM 0-31 */
};

/* Where the memory operand's address comes from. */
enum x86_mem_kind {
	X86_MEM_NONE,
	X86_MEM_MODRM,		/* ModRM/SIB/displacement */
	X86_MEM_MOFFS,		/* A0-A3: absolute offset in disp */
	X86_MEM_STRING,		/* rSI source and/or ES:rDI destination */
	X86_MEM_XLAT,		/* rBX + AL */
};

/* REX bits (SDM 2.2.1), also filled from VEX/EVEX (un-inverted). */
#define X86_REX_B		0x1
#define X86_REX_X		0x2
#define X86_REX_R		0x4
#define X86_REX_W		0x8

/* struct x86_insn.flags */
#define X86_INSN_OPSIZE		BIT(0)	/* 66 prefix seen */
#define X86_INSN_ADSIZE		BIT(1)	/* 67 prefix seen */
#define X86_INSN_LOCK		BIT(2)	/* F0 prefix seen */
#define X86_INSN_REX		BIT(3)	/* a REX prefix is in effect */
#define X86_INSN_MODRM		BIT(4)
#define X86_INSN_SIB		BIT(5)
#define X86_INSN_RIP_REL	BIT(6)	/* RIP/EIP + disp32 (64-bit mode) */
#define X86_INSN_VSIB		BIT(7)	/* index is a vector register */
#define X86_INSN_MEM		BIT(8)	/* has a memory operand */
#define X86_INSN_MEM_READ	BIT(9)	/* ... which the operation reads */
#define X86_INSN_MEM_WRITE	BIT(10)	/* ... and/or writes */
#define X86_INSN_MEM_DST	BIT(11)	/* memory is the first operand */
#define X86_INSN_HIGH8		BIT(12)	/* reg_num 4-7 are AH, CH, DH, BH */
#define X86_INSN_UD		BIT(13)	/* UD1/UD2: decodes, raises #UD */
#define X86_INSN_EVEX_Z		BIT(14)	/* EVEX zeroing-masking */
#define X86_INSN_EVEX_B		BIT(15)	/* EVEX broadcast/rounding */

struct x86_insn {
	u8 length;		/* bytes, 1..15 */
	u8 nr_prefixes;		/* legacy and REX prefix bytes */
	enum x86_mode mode;
	u32 flags;		/* X86_INSN_* */

	/* Prefixes */
	enum x86_seg seg_override;	/* last segment prefix, or NONE */
	enum x86_rep rep;
	enum x86_pp simd_prefix;	/* mandatory prefix or VEX.pp */
	u8 rex;				/* X86_REX_* in effect */
	enum x86_encoding encoding;
	u8 vex[3];			/* raw VEX/EVEX payload bytes */
	u8 vex_vvvv;			/* extra register, un-inverted */
	u8 vex_l;			/* VEX.L or EVEX.L'L */
	u8 evex_aaa;			/* EVEX opmask register */

	/* Opcode */
	enum x86_map map;
	u8 opcode;

	/* ModRM and SIB, raw fields then extended register numbers */
	u8 modrm, mod, reg, rm;
	u8 sib, scale, index, base;
	u8 modrm_reg;		/* reg with REX.R (and EVEX.R') */
	u8 modrm_rm;		/* rm register with REX.B, if mod == 3 */
	u8 ea_base;		/* address registers or X86_REG_NONE */
	u8 ea_index;
	u8 ea_scale;		/* shift count 0-3 */

	/* Displacement and immediates (sizes in bytes, 0 if absent) */
	u8 disp_size;
	u8 disp_scale;		/* EVEX disp8*N: N, 0 if unknown */
	u8 imm_size;
	u8 imm2_size;
	u64 disp;		/* sign-extended; moffs zero-extended */
	/*
	 * The immediate as the operation uses it: sign-extended to the
	 * operand size (then zero-extended) where the SDM sign-extends it
	 * (Ib of 6A/6B/83, Iz of 64-bit operations), relative branch
	 * offsets sign-extended to 64 bits, others zero-extended (port
	 * numbers, INT n, shift counts, Iw, Ib of byte operations, ...).
	 */
	u64 imm;
	u64 imm2;		/* ENTER level, far pointer selector, ... */

	/* Sizes in bytes */
	u8 opsize;		/* effective operand size: 1, 2, 4 or 8 */
	u8 addrsize;		/* effective address size: 2, 4 or 8 */

	/* Semantic summary */
	enum x86_op op;
	enum x86_alu alu;	/* for X86_OP_ALU */
	enum x86_reg_kind reg_kind;
	u8 reg_num;		/* register operand, X86_REG_NONE if none */
	enum x86_mem_kind mem_kind;
	enum x86_seg mem_seg;	/* segment of the memory operand */
	u16 mem_size;		/* bytes accessed, 0 if unknown or none */
};

/*
 * Decode the instruction at @bytes (@len bytes available) in @mode.
 * Returns 0 or -X86_DECODE_TRUNCATED, -X86_DECODE_TOO_LONG or
 * -X86_DECODE_INVALID. @insn is always written; on error its contents
 * describe what was decoded so far.
 */
int x86_decode(const u8 *bytes, size_t len, enum x86_mode mode,
	       struct x86_insn *insn);

/*
 * Offset of the memory operand (segment base NOT added), truncated to the
 * address size. @gprs are indexed by register number (0 = rAX ... 15 =
 * r15), @rip_next is the address of the next instruction (for RIP-relative
 * operands). String instructions give rDI for STOS, SCAS and INS and rSI
 * for the others. Returns 0, -X86_DECODE_NO_MEM or -X86_DECODE_UNSUPPORTED.
 */
int x86_insn_effective_address(const struct x86_insn *insn,
			       const u64 gprs[16], u64 rip_next, u64 *ea);

/*
 * Both operands of a string instruction: @src = rSI (segment mem_seg) and
 * @dst = rDI (segment ES), truncated to the address size.
 */
int x86_insn_string_addresses(const struct x86_insn *insn,
			      const u64 gprs[16], u64 *src, u64 *dst);

#endif /* HVMOD_X86_DECODE_H */
