// SPDX-License-Identifier: GPL-2.0-only
/*
 * Table-driven tests of the x86 instruction decoder (kmod/x86_decode.c):
 * the MMIO emulation subset and the intercepted instructions in 16, 32
 * and 64-bit modes, effective addresses, #UD/#GP/truncation cases, and
 * random byte strings that must never crash it (this file is also built
 * with -fsanitize=address,undefined as test_decode_asan).
 *
 * One RESULT line per group; the failing cases of a group are printed.
 */
#include <stdlib.h>
#include <string.h>

#include "selftests/unit/unit.h"
#include "kmod/x86_decode.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#ifdef DECODE_SANITIZED
#define PREFIX "decode_asan."
#else
#define PREFIX "decode."
#endif

#define R16	X86_MODE_REAL16
#define P16	X86_MODE_PROT16
#define P32	X86_MODE_PROT32
#define L64	X86_MODE_LONG64

#define TRUNC	(-X86_DECODE_TRUNCATED)
#define TOOLONG	(-X86_DECODE_TOO_LONG)
#define INVAL	(-X86_DECODE_INVALID)

/*
 * A case: bytes in hex, and the expectations. Fields left at 0 are not
 * checked, so the optional ones are stored plus one (MSZ, REG, ...).
 */
struct dcase {
	enum x86_mode mode;
	const char *hex;
	int ret;
	unsigned int len;
	unsigned int op1;		/* op + 1 */
	unsigned int msz1;		/* mem_size + 1 */
	unsigned int reg1;		/* reg_num + 1 */
	unsigned int osz;		/* opsize */
	unsigned int asz;		/* addrsize */
	unsigned int imm_chk;
	unsigned long long imm;
	unsigned int imm2_chk;
	unsigned long long imm2;
	unsigned int disp_chk;
	unsigned long long disp;
	unsigned int flags;		/* X86_INSN_* that must be set */
	unsigned int noflags;		/* X86_INSN_* that must be clear */
	unsigned int alu1;		/* alu + 1 */
	unsigned int rep1;		/* rep + 1 */
	unsigned int seg1;		/* mem_seg + 1 */
	unsigned int kind1;		/* reg_kind + 1 */
};

#define OK(n)		.ret = 0, .len = (n)
#define ERR(e)		.ret = (e)
#define MSZ(n)		.msz1 = (n) + 1
#define REG(n)		.reg1 = (n) + 1
#define IMM(v)		.imm_chk = 1, .imm = (v)
#define IMM2(v)		.imm2_chk = 1, .imm2 = (v)
#define DISP(v)		.disp_chk = 1, .disp = (v)
#define ALU(a)		.alu1 = (a) + 1
#define REP(r)		.rep1 = (r) + 1
#define SEG(s)		.seg1 = (s) + 1
#define KIND(k)		.kind1 = (k) + 1
#define OP(o)		.op1 = (o) + 1

static int parse_hex(const char *hex, unsigned char *out, size_t max)
{
	size_t n = 0;
	unsigned int v;
	int used;

	while (*hex) {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		if (n >= max || sscanf(hex, "%2x%n", &v, &used) != 1 ||
		    used != 2)
			return -1;
		out[n++] = v;
		hex += 2;
	}
	return n;
}

static const char *mode_name(enum x86_mode m)
{
	static const char *const names[] = { "real16", "prot16", "prot32",
					     "long64" };

	return (unsigned int)m < 4 ? names[m] : "?";
}

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			printf("#   %s [%s]: ", c->hex, mode_name(c->mode)); \
			printf(__VA_ARGS__);				\
			printf("\n");					\
			return 1;					\
		}							\
	} while (0)

/* Returns the number of failures (0 or 1). */
static int run_case(const struct dcase *c)
{
	unsigned char buf[32];
	struct x86_insn in;
	int n = parse_hex(c->hex, buf, sizeof(buf));
	int ret;

	CHECK(n >= 0, "bad hex");
	ret = x86_decode(buf, n, c->mode, &in);
	CHECK(ret == c->ret, "returned %d, expected %d", ret, c->ret);
	if (ret)
		return 0;
	CHECK(in.length == c->len, "length %u, expected %u", in.length,
	      c->len);
	CHECK(!c->op1 || in.op == c->op1 - 1, "op %d, expected %u", in.op,
	      c->op1 - 1);
	CHECK(!c->msz1 || in.mem_size == c->msz1 - 1,
	      "mem_size %u, expected %u", in.mem_size, c->msz1 - 1);
	CHECK(!c->reg1 || in.reg_num == c->reg1 - 1, "reg %u, expected %u",
	      in.reg_num, c->reg1 - 1);
	CHECK(!c->osz || in.opsize == c->osz, "opsize %u, expected %u",
	      in.opsize, c->osz);
	CHECK(!c->asz || in.addrsize == c->asz, "addrsize %u, expected %u",
	      in.addrsize, c->asz);
	CHECK(!c->imm_chk || in.imm == c->imm, "imm %#llx, expected %#llx",
	      (unsigned long long)in.imm, c->imm);
	CHECK(!c->imm2_chk || in.imm2 == c->imm2,
	      "imm2 %#llx, expected %#llx", (unsigned long long)in.imm2,
	      c->imm2);
	CHECK(!c->disp_chk || in.disp == c->disp,
	      "disp %#llx, expected %#llx", (unsigned long long)in.disp,
	      c->disp);
	CHECK((in.flags & c->flags) == c->flags, "flags %#x lack %#x",
	      in.flags, c->flags);
	CHECK(!(in.flags & c->noflags), "flags %#x have %#x", in.flags,
	      c->noflags);
	CHECK(!c->alu1 || in.alu == c->alu1 - 1, "alu %d, expected %u",
	      in.alu, c->alu1 - 1);
	CHECK(!c->rep1 || in.rep == c->rep1 - 1, "rep %d, expected %u",
	      in.rep, c->rep1 - 1);
	CHECK(!c->seg1 || in.mem_seg == c->seg1 - 1, "seg %d, expected %u",
	      in.mem_seg, c->seg1 - 1);
	CHECK(!c->kind1 || in.reg_kind == c->kind1 - 1,
	      "reg_kind %d, expected %u", in.reg_kind, c->kind1 - 1);
	return 0;
}

static void run_group(const char *name, const struct dcase *cases,
		      size_t n)
{
	char label[64];
	size_t i;
	int failed = 0;

	for (i = 0; i < n; i++)
		failed += run_case(&cases[i]);
	snprintf(label, sizeof(label), PREFIX "%s", name);
	if (failed)
		printf("#   %s: %d of %zu cases failed\n", label, failed, n);
	UNIT_CHECK(label, failed == 0);
}

#define GROUP(name, table) run_group(name, table, ARRAY_SIZE(table))

#define MEM	X86_INSN_MEM
#define RIP	X86_INSN_RIP_REL
#define DST	X86_INSN_MEM_DST
#define HI8	X86_INSN_HIGH8

/* MOV in every addressing form, MOV imm, MOV Sreg, moffs. */
static const struct dcase mov_cases[] = {
	{ L64, "89 07", OK(2), OP(X86_OP_MOV_TO_MEM), MSZ(4), REG(0),
	  .flags = MEM | DST | X86_INSN_MEM_WRITE },
	{ L64, "48 89 07", OK(3), OP(X86_OP_MOV_TO_MEM), MSZ(8), REG(0) },
	{ L64, "66 89 07", OK(3), OP(X86_OP_MOV_TO_MEM), MSZ(2), .osz = 2 },
	{ L64, "88 27", OK(2), OP(X86_OP_MOV_TO_MEM), MSZ(1), REG(4),
	  .flags = HI8 },
	{ L64, "40 88 27", OK(3), OP(X86_OP_MOV_TO_MEM), MSZ(1), REG(4),
	  .noflags = HI8 },
	{ L64, "44 88 07", OK(3), OP(X86_OP_MOV_TO_MEM), MSZ(1), REG(8) },
	{ L64, "4c 89 47 08", OK(4), OP(X86_OP_MOV_TO_MEM), MSZ(8), REG(8),
	  DISP(8) },
	{ L64, "41 89 00", OK(3), OP(X86_OP_MOV_TO_MEM), MSZ(4), REG(0) },
	{ L64, "8b 05 10 00 00 00", OK(6), OP(X86_OP_MOV_FROM_MEM), MSZ(4),
	  REG(0), DISP(0x10), .flags = RIP | X86_INSN_MEM_READ,
	  .noflags = DST },
	{ L64, "4c 8b 3d f0 ff ff ff", OK(7), OP(X86_OP_MOV_FROM_MEM),
	  MSZ(8), REG(15), DISP(0xfffffffffffffff0ULL), .flags = RIP },
	{ L64, "8a 04 25 00 10 00 00", OK(7), OP(X86_OP_MOV_FROM_MEM),
	  MSZ(1), REG(0), DISP(0x1000), .flags = X86_INSN_SIB,
	  .noflags = RIP },
	{ L64, "8b 44 24 f8", OK(4), OP(X86_OP_MOV_FROM_MEM), MSZ(4),
	  DISP(0xfffffffffffffff8ULL), SEG(X86_SEG_SS) },
	{ L64, "8b 84 24 00 01 00 00", OK(7), OP(X86_OP_MOV_FROM_MEM),
	  DISP(0x100) },
	{ L64, "c6 07 ff", OK(3), OP(X86_OP_STORE_IMM), MSZ(1), IMM(0xff),
	  .flags = DST },
	{ L64, "c7 07 ff ff ff ff", OK(6), OP(X86_OP_STORE_IMM), MSZ(4),
	  IMM(0xffffffff) },
	{ L64, "48 c7 07 ff ff ff ff", OK(7), OP(X86_OP_STORE_IMM), MSZ(8),
	  IMM(0xffffffffffffffffULL) },
	{ L64, "48 c7 07 ff ff ff 7f", OK(7), OP(X86_OP_STORE_IMM), MSZ(8),
	  IMM(0x7fffffff) },
	{ L64, "66 c7 07 34 12", OK(5), OP(X86_OP_STORE_IMM), MSZ(2),
	  IMM(0x1234) },
	{ L64, "c7 80 00 01 00 00 01 00 00 00", OK(10),
	  OP(X86_OP_STORE_IMM), MSZ(4), IMM(1), DISP(0x100) },
	{ L64, "a1 88 77 66 55 44 33 22 11", OK(9),
	  OP(X86_OP_MOV_FROM_MEM), MSZ(4), REG(0),
	  DISP(0x1122334455667788ULL), .asz = 8 },
	{ L64, "48 a3 88 77 66 55 44 33 22 11", OK(10),
	  OP(X86_OP_MOV_TO_MEM), MSZ(8), REG(0) },
	{ L64, "a2 00 10 00 00 00 00 00 00", OK(9), OP(X86_OP_MOV_TO_MEM),
	  MSZ(1) },
	{ L64, "67 a0 44 33 22 11", OK(6), OP(X86_OP_MOV_FROM_MEM), MSZ(1),
	  DISP(0x11223344), .asz = 4 },
	{ P32, "a1 44 33 22 11", OK(5), OP(X86_OP_MOV_FROM_MEM), MSZ(4),
	  DISP(0x11223344) },
	{ P32, "67 a1 22 11", OK(4), OP(X86_OP_MOV_FROM_MEM), MSZ(4),
	  DISP(0x1122), .asz = 2 },
	{ P32, "66 a3 44 33 22 11", OK(6), OP(X86_OP_MOV_TO_MEM), MSZ(2) },
	{ P16, "a1 22 11", OK(3), OP(X86_OP_MOV_FROM_MEM), MSZ(2) },
	{ R16, "66 a1 22 11", OK(4), OP(X86_OP_MOV_FROM_MEM), MSZ(4) },
	{ R16, "67 a3 44 33 22 11", OK(6), OP(X86_OP_MOV_TO_MEM), MSZ(2) },
	{ P32, "89 45 08", OK(3), OP(X86_OP_MOV_TO_MEM), MSZ(4), REG(0),
	  DISP(8), SEG(X86_SEG_SS) },
	{ P32, "8b 84 24 00 01 00 00", OK(7), OP(X86_OP_MOV_FROM_MEM) },
	{ P32, "8b 0d 00 10 00 00", OK(6), OP(X86_OP_MOV_FROM_MEM), REG(1),
	  DISP(0x1000), .noflags = RIP },
	{ P32, "88 3b", OK(2), OP(X86_OP_MOV_TO_MEM), MSZ(1), REG(7),
	  .flags = HI8 },
	{ P32, "67 8b 46 08", OK(4), OP(X86_OP_MOV_FROM_MEM), .asz = 2,
	  DISP(8), SEG(X86_SEG_SS) },
	{ P32, "c7 05 00 10 00 00 78 56 34 12", OK(10),
	  OP(X86_OP_STORE_IMM), MSZ(4), IMM(0x12345678) },
	{ P32, "66 c7 05 00 10 00 00 34 12", OK(9), OP(X86_OP_STORE_IMM),
	  MSZ(2), IMM(0x1234) },
	{ R16, "89 46 08", OK(3), OP(X86_OP_MOV_TO_MEM), MSZ(2), REG(0),
	  SEG(X86_SEG_SS) },
	{ R16, "66 89 46 08", OK(4), OP(X86_OP_MOV_TO_MEM), MSZ(4) },
	{ P16, "8b 03", OK(2), OP(X86_OP_MOV_FROM_MEM), MSZ(2),
	  SEG(X86_SEG_SS) },
	{ P16, "8b 1e 34 12", OK(4), OP(X86_OP_MOV_FROM_MEM), REG(3),
	  DISP(0x1234), SEG(X86_SEG_DS) },
	{ P16, "8b 87 fe ff", OK(4), OP(X86_OP_MOV_FROM_MEM),
	  DISP(0xfffffffffffffffeULL) },
	{ R16, "67 8b 44 24 08", OK(5), OP(X86_OP_MOV_FROM_MEM), .asz = 4 },
	{ R16, "c6 06 00 10 5a", OK(5), OP(X86_OP_STORE_IMM), MSZ(1),
	  IMM(0x5a) },
	{ L64, "8c 1f", OK(2), OP(X86_OP_MOV_TO_MEM), MSZ(2), REG(3),
	  KIND(X86_RK_SEG) },
	{ L64, "8e 1f", OK(2), OP(X86_OP_MOV_FROM_MEM), MSZ(2), REG(3) },
	{ P32, "8e 5d 08", OK(3), OP(X86_OP_MOV_FROM_MEM), MSZ(2) },
	{ L64, "b8 78 56 34 12", OK(5), IMM(0x12345678),
	  .noflags = MEM },
	{ L64, "48 b8 88 77 66 55 44 33 22 11", OK(10),
	  IMM(0x1122334455667788ULL) },
	{ L64, "41 b0 01", OK(3), IMM(1) },
	{ P16, "b8 34 12", OK(3), IMM(0x1234) },
	{ L64, "8b c0", OK(2), OP(X86_OP_MOV_FROM_MEM), .noflags = MEM },
};

static const struct dcase movx_cases[] = {
	{ L64, "0f b6 07", OK(3), OP(X86_OP_MOVZX), MSZ(1), REG(0),
	  .osz = 4 },
	{ L64, "48 0f b7 07", OK(4), OP(X86_OP_MOVZX), MSZ(2), .osz = 8 },
	{ L64, "66 0f be 07", OK(4), OP(X86_OP_MOVSX), MSZ(1), .osz = 2 },
	{ L64, "0f bf 0f", OK(3), OP(X86_OP_MOVSX), MSZ(2), REG(1) },
	{ L64, "44 0f b6 47 01", OK(5), OP(X86_OP_MOVZX), MSZ(1), REG(8),
	  DISP(1) },
	{ L64, "48 63 07", OK(3), OP(X86_OP_MOVSX), MSZ(4), .osz = 8 },
	{ L64, "4c 63 4c 24 08", OK(5), OP(X86_OP_MOVSX), MSZ(4), REG(9) },
	{ L64, "63 07", OK(2), OP(X86_OP_MOVSX), MSZ(4), .osz = 4 },
	{ P32, "0f b6 45 fc", OK(4), OP(X86_OP_MOVZX), MSZ(1) },
	{ P32, "0f bf 05 00 10 00 00", OK(7), OP(X86_OP_MOVSX), MSZ(2) },
	{ P32, "63 07", OK(2), OP(X86_OP_OTHER), MSZ(2) },	/* ARPL */
	{ R16, "0f b6 07", OK(3), OP(X86_OP_MOVZX), MSZ(1), .osz = 2 },
	{ R16, "66 0f b7 46 02", OK(5), OP(X86_OP_MOVZX), MSZ(2),
	  .osz = 4 },
};

static const struct dcase string_cases[] = {
	{ L64, "a4", OK(1), OP(X86_OP_MOVS), MSZ(1), REP(X86_REP_NONE),
	  .flags = MEM | X86_INSN_MEM_READ | X86_INSN_MEM_WRITE },
	{ L64, "f3 a4", OK(2), OP(X86_OP_MOVS), MSZ(1), REP(X86_REP_REPE) },
	{ L64, "f3 48 a5", OK(3), OP(X86_OP_MOVS), MSZ(8) },
	{ L64, "66 a5", OK(2), OP(X86_OP_MOVS), MSZ(2) },
	{ L64, "a5", OK(1), OP(X86_OP_MOVS), MSZ(4), SEG(X86_SEG_DS) },
	{ L64, "64 a5", OK(2), OP(X86_OP_MOVS), SEG(X86_SEG_FS) },
	{ L64, "aa", OK(1), OP(X86_OP_STOS), MSZ(1), SEG(X86_SEG_ES),
	  .flags = X86_INSN_MEM_WRITE, .noflags = X86_INSN_MEM_READ },
	{ L64, "f3 ab", OK(2), OP(X86_OP_STOS), MSZ(4), REP(X86_REP_REPE) },
	{ L64, "f3 48 ab", OK(3), OP(X86_OP_STOS), MSZ(8) },
	{ L64, "ac", OK(1), OP(X86_OP_LODS), MSZ(1),
	  .flags = X86_INSN_MEM_READ },
	{ L64, "48 ad", OK(2), OP(X86_OP_LODS), MSZ(8) },
	{ L64, "a6", OK(1), OP(X86_OP_CMPS), MSZ(1) },
	{ L64, "f3 a7", OK(2), OP(X86_OP_CMPS), MSZ(4), REP(X86_REP_REPE) },
	{ L64, "f2 ae", OK(2), OP(X86_OP_SCAS), MSZ(1), REP(X86_REP_REPNE),
	  SEG(X86_SEG_ES) },
	{ L64, "66 af", OK(2), OP(X86_OP_SCAS), MSZ(2) },
	{ L64, "6c", OK(1), OP(X86_OP_INS), MSZ(1), .osz = 1,
	  SEG(X86_SEG_ES) },
	{ L64, "f3 6d", OK(2), OP(X86_OP_INS), MSZ(4), .osz = 4 },
	{ L64, "66 6d", OK(2), OP(X86_OP_INS), MSZ(2), .osz = 2 },
	{ L64, "48 6d", OK(2), OP(X86_OP_INS), MSZ(4), .osz = 4 },
	{ L64, "6e", OK(1), OP(X86_OP_OUTS), MSZ(1) },
	{ L64, "f3 66 6f", OK(3), OP(X86_OP_OUTS), MSZ(2),
	  REP(X86_REP_REPE) },
	{ L64, "67 f3 a4", OK(3), OP(X86_OP_MOVS), .asz = 4 },
	{ P32, "f3 a5", OK(2), OP(X86_OP_MOVS), MSZ(4), .asz = 4 },
	{ P32, "67 f3 a4", OK(3), OP(X86_OP_MOVS), .asz = 2 },
	{ P32, "26 ac", OK(2), OP(X86_OP_LODS), SEG(X86_SEG_ES) },
	{ R16, "f3 a5", OK(2), OP(X86_OP_MOVS), MSZ(2), .asz = 2 },
	{ R16, "66 f3 a5", OK(3), OP(X86_OP_MOVS), MSZ(4) },
	{ R16, "f3 6d", OK(2), OP(X86_OP_INS), MSZ(2) },
	{ R16, "66 6f", OK(2), OP(X86_OP_OUTS), MSZ(4) },
	{ L64, "f2 f3 a4", OK(3), OP(X86_OP_MOVS), REP(X86_REP_REPE) },
	{ L64, "f3 f2 a6", OK(3), OP(X86_OP_CMPS), REP(X86_REP_REPNE) },
};

static const struct dcase alu_cases[] = {
	{ L64, "01 07", OK(2), OP(X86_OP_ALU), ALU(X86_ALU_ADD), MSZ(4),
	  REG(0), .flags = DST | X86_INSN_MEM_WRITE },
	{ L64, "03 07", OK(2), OP(X86_OP_ALU), ALU(X86_ALU_ADD), MSZ(4),
	  .noflags = DST | X86_INSN_MEM_WRITE },
	{ L64, "f0 01 07", OK(3), OP(X86_OP_ALU), .flags = X86_INSN_LOCK },
	{ L64, "08 27", OK(2), OP(X86_OP_ALU), ALU(X86_ALU_OR), MSZ(1),
	  REG(4), .flags = HI8 },
	{ L64, "48 11 07", OK(3), ALU(X86_ALU_ADC), OP(X86_OP_ALU), MSZ(8) },
	{ L64, "19 07", OK(2), ALU(X86_ALU_SBB), OP(X86_OP_ALU) },
	{ L64, "21 07", OK(2), ALU(X86_ALU_AND), OP(X86_OP_ALU) },
	{ L64, "66 29 07", OK(3), ALU(X86_ALU_SUB), OP(X86_OP_ALU), MSZ(2) },
	{ L64, "32 07", OK(2), ALU(X86_ALU_XOR), OP(X86_OP_ALU), MSZ(1) },
	{ L64, "39 07", OK(2), ALU(X86_ALU_CMP), OP(X86_OP_ALU),
	  .flags = DST, .noflags = X86_INSN_MEM_WRITE },
	{ L64, "3b 07", OK(2), ALU(X86_ALU_CMP), OP(X86_OP_ALU),
	  .noflags = DST },
	{ L64, "80 0f 01", OK(3), ALU(X86_ALU_OR), OP(X86_OP_ALU), MSZ(1),
	  IMM(1) },
	{ L64, "81 27 ff 00 00 00", OK(6), ALU(X86_ALU_AND), OP(X86_OP_ALU),
	  MSZ(4), IMM(0xff) },
	{ L64, "48 81 2f 00 00 00 80", OK(7), ALU(X86_ALU_SUB),
	  OP(X86_OP_ALU), MSZ(8), IMM(0xffffffff80000000ULL) },
	{ L64, "83 37 ff", OK(3), ALU(X86_ALU_XOR), OP(X86_OP_ALU), MSZ(4),
	  IMM(0xffffffff) },
	{ L64, "66 83 07 ff", OK(4), ALU(X86_ALU_ADD), MSZ(2), IMM(0xffff),
	  OP(X86_OP_ALU) },
	{ L64, "48 83 3f ff", OK(4), ALU(X86_ALU_CMP), MSZ(8),
	  IMM(0xffffffffffffffffULL), OP(X86_OP_ALU) },
	{ L64, "83 47 10 7f", OK(4), ALU(X86_ALU_ADD), IMM(0x7f), DISP(0x10),
	  OP(X86_OP_ALU) },
	{ L64, "84 07", OK(2), ALU(X86_ALU_TEST), OP(X86_OP_ALU), MSZ(1),
	  .flags = DST | X86_INSN_MEM_READ, .noflags = X86_INSN_MEM_WRITE },
	{ L64, "85 07", OK(2), ALU(X86_ALU_TEST), OP(X86_OP_ALU), MSZ(4) },
	{ L64, "f6 07 01", OK(3), ALU(X86_ALU_TEST), OP(X86_OP_ALU), MSZ(1),
	  IMM(1) },
	{ L64, "f7 07 01 00 00 00", OK(6), ALU(X86_ALU_TEST),
	  OP(X86_OP_ALU), MSZ(4), IMM(1) },
	{ L64, "66 f7 07 01 00", OK(5), ALU(X86_ALU_TEST), MSZ(2), IMM(1),
	  OP(X86_OP_ALU) },
	{ L64, "48 f7 07 ff ff ff ff", OK(7), ALU(X86_ALU_TEST), MSZ(8),
	  IMM(0xffffffffffffffffULL), OP(X86_OP_ALU) },
	{ L64, "f6 17", OK(2), OP(X86_OP_NOT), MSZ(1) },
	{ L64, "48 f7 1f", OK(3), OP(X86_OP_NEG), MSZ(8) },
	{ L64, "f0 f7 17", OK(3), OP(X86_OP_NOT) },
	{ L64, "f6 27", OK(2), OP(X86_OP_OTHER), MSZ(1) },	/* MUL */
	{ L64, "f7 3f", OK(2), OP(X86_OP_OTHER), MSZ(4) },	/* IDIV */
	{ L64, "04 01", OK(2), OP(X86_OP_ALU), REG(0), IMM(1),
	  .noflags = MEM },
	{ L64, "48 05 00 00 00 80", OK(6), OP(X86_OP_ALU),
	  IMM(0xffffffff80000000ULL) },
	{ L64, "a9 01 00 00 00", OK(5), OP(X86_OP_ALU), ALU(X86_ALU_TEST) },
	{ P32, "82 07 01", OK(3), OP(X86_OP_ALU), MSZ(1), IMM(1) },
	{ P32, "05 01 00 00 00", OK(5), OP(X86_OP_ALU) },
	{ P32, "66 81 05 00 10 00 00 34 12", OK(9), OP(X86_OP_ALU), MSZ(2),
	  IMM(0x1234) },
	{ R16, "05 01 00", OK(3), OP(X86_OP_ALU) },
	{ R16, "81 06 00 10 34 12", OK(6), OP(X86_OP_ALU), MSZ(2),
	  IMM(0x1234) },
	{ R16, "66 83 46 02 80", OK(5), OP(X86_OP_ALU), MSZ(4),
	  IMM(0xffffff80) },
};

/* XCHG, BT*, CMPXCHG, XADD, INC/DEC, MOVNTI, MOVDIRI, CMPXCHG8B. */
static const struct dcase rmw_cases[] = {
	{ L64, "87 07", OK(2), OP(X86_OP_XCHG), MSZ(4), REG(0),
	  .flags = X86_INSN_MEM_READ | X86_INSN_MEM_WRITE },
	{ L64, "86 27", OK(2), OP(X86_OP_XCHG), MSZ(1), REG(4), .flags = HI8 },
	{ L64, "f0 48 87 0f", OK(4), OP(X86_OP_XCHG), MSZ(8), REG(1) },
	{ L64, "0f a3 07", OK(3), OP(X86_OP_BT), MSZ(4), REG(0),
	  .noflags = X86_INSN_MEM_WRITE },
	{ L64, "48 0f ab 07", OK(4), OP(X86_OP_BTS), MSZ(8) },
	{ L64, "66 0f b3 07", OK(4), OP(X86_OP_BTR), MSZ(2) },
	{ L64, "0f bb 07", OK(3), OP(X86_OP_BTC), MSZ(4) },
	{ L64, "f0 0f ab 07", OK(4), OP(X86_OP_BTS) },
	{ L64, "0f ba 27 05", OK(4), OP(X86_OP_BT), MSZ(4), IMM(5) },
	{ L64, "0f ba 2f 05", OK(4), OP(X86_OP_BTS), IMM(5) },
	{ L64, "48 0f ba 37 3f", OK(5), OP(X86_OP_BTR), MSZ(8), IMM(0x3f) },
	{ L64, "f0 0f ba 3f 05", OK(5), OP(X86_OP_BTC) },
	{ L64, "0f b0 0f", OK(3), OP(X86_OP_CMPXCHG), MSZ(1), REG(1) },
	{ L64, "f0 48 0f b1 0f", OK(5), OP(X86_OP_CMPXCHG), MSZ(8), REG(1) },
	{ L64, "f0 0f c1 07", OK(4), OP(X86_OP_XADD), MSZ(4) },
	{ L64, "0f c0 07", OK(3), OP(X86_OP_XADD), MSZ(1) },
	{ L64, "fe 07", OK(2), OP(X86_OP_INC), MSZ(1) },
	{ L64, "fe 0f", OK(2), OP(X86_OP_DEC), MSZ(1) },
	{ L64, "ff 07", OK(2), OP(X86_OP_INC), MSZ(4) },
	{ L64, "48 ff 0f", OK(3), OP(X86_OP_DEC), MSZ(8) },
	{ L64, "66 ff 07", OK(3), OP(X86_OP_INC), MSZ(2) },
	{ L64, "f0 ff 47 08", OK(4), OP(X86_OP_INC) },
	{ L64, "0f c3 07", OK(3), OP(X86_OP_MOV_TO_MEM), MSZ(4), REG(0) },
	{ L64, "48 0f c3 0f", OK(4), OP(X86_OP_MOV_TO_MEM), MSZ(8), REG(1) },
	{ L64, "0f 38 f9 07", OK(4), OP(X86_OP_MOV_TO_MEM), MSZ(4) },
	{ L64, "66 0f 38 f8 07", OK(5), OP(X86_OP_OTHER) },
	{ L64, "0f c7 0f", OK(3), OP(X86_OP_OTHER), MSZ(8) },
	{ L64, "f0 48 0f c7 0f", OK(5), OP(X86_OP_OTHER), MSZ(16) },
	{ P32, "f0 0f c7 0f", OK(4), OP(X86_OP_OTHER), MSZ(8) },
	{ P32, "ff 05 00 10 00 00", OK(6), OP(X86_OP_INC), MSZ(4) },
	{ R16, "fe 06 00 10", OK(4), OP(X86_OP_INC), MSZ(1) },
	{ R16, "0f ba 2e 00 10 03", OK(6), OP(X86_OP_BTS), MSZ(2), IMM(3) },
};

/* SSE, AVX and AVX-512 moves to and from memory. */
static const struct dcase vector_cases[] = {
	{ L64, "66 0f 6f 07", OK(4), OP(X86_OP_VECTOR_LOAD), MSZ(16),
	  REG(0), KIND(X86_RK_VEC) },
	{ L64, "66 0f 7f 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(16),
	  .flags = DST | X86_INSN_MEM_WRITE },
	{ L64, "f3 0f 6f 07", OK(4), OP(X86_OP_VECTOR_LOAD), MSZ(16) },
	{ L64, "f3 0f 7f 0f", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(16),
	  REG(1) },
	{ L64, "66 44 0f 7f 07", OK(5), OP(X86_OP_VECTOR_STORE), REG(8) },
	{ L64, "66 0f 7f 05 00 01 00 00", OK(8), OP(X86_OP_VECTOR_STORE),
	  .flags = RIP },
	{ L64, "0f 10 07", OK(3), OP(X86_OP_VECTOR_LOAD), MSZ(16) },
	{ L64, "0f 11 07", OK(3), OP(X86_OP_VECTOR_STORE), MSZ(16) },
	{ L64, "66 0f 11 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(16) },
	{ L64, "f3 0f 10 07", OK(4), OP(X86_OP_VECTOR_LOAD), MSZ(4) },
	{ L64, "f2 0f 11 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(8) },
	{ L64, "0f 28 07", OK(3), OP(X86_OP_VECTOR_LOAD), MSZ(16) },
	{ L64, "66 0f 29 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(16) },
	{ L64, "0f 2b 07", OK(3), OP(X86_OP_VECTOR_STORE), MSZ(16) },
	{ L64, "f2 0f 2b 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(8) },
	{ L64, "66 0f e7 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(16) },
	{ L64, "0f e7 07", OK(3), OP(X86_OP_VECTOR_STORE), MSZ(8),
	  KIND(X86_RK_MMX) },
	{ L64, "66 0f d6 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(8) },
	{ L64, "f3 0f 7e 07", OK(4), OP(X86_OP_VECTOR_LOAD), MSZ(8) },
	{ L64, "66 0f 6e 07", OK(4), OP(X86_OP_VECTOR_LOAD), MSZ(4) },
	{ L64, "66 48 0f 6e 07", OK(5), OP(X86_OP_VECTOR_LOAD), MSZ(8) },
	{ L64, "66 0f 7e 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(4) },
	{ L64, "0f 6f 07", OK(3), OP(X86_OP_VECTOR_LOAD), MSZ(8),
	  KIND(X86_RK_MMX) },
	{ L64, "0f 7f 07", OK(3), OP(X86_OP_VECTOR_STORE), MSZ(8) },
	{ L64, "0f 12 07", OK(3), OP(X86_OP_VECTOR_LOAD), MSZ(8) },
	{ L64, "66 0f 13 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(8) },
	{ L64, "0f 16 07", OK(3), OP(X86_OP_VECTOR_LOAD), MSZ(8) },
	{ L64, "0f 17 07", OK(3), OP(X86_OP_VECTOR_STORE), MSZ(8) },
	{ L64, "66 0f 38 2a 07", OK(5), OP(X86_OP_VECTOR_LOAD), MSZ(16) },
	{ L64, "0f 58 07", OK(3), OP(X86_OP_OTHER) },		/* ADDPS */
	{ L64, "c5 fe 6f 07", OK(4), OP(X86_OP_VECTOR_LOAD), MSZ(32) },
	{ L64, "c5 fa 6f 07", OK(4), OP(X86_OP_VECTOR_LOAD), MSZ(16) },
	{ L64, "c5 fe 7f 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(32) },
	{ L64, "c5 7e 6f 07", OK(4), OP(X86_OP_VECTOR_LOAD), REG(8) },
	{ L64, "c4 c1 7e 6f 00", OK(5), OP(X86_OP_VECTOR_LOAD), MSZ(32) },
	{ L64, "c5 f8 11 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(16) },
	{ L64, "c5 fc 29 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(32) },
	{ L64, "c5 fa 10 07", OK(4), OP(X86_OP_VECTOR_LOAD), MSZ(4) },
	{ L64, "c4 e2 7d 2a 07", OK(5), OP(X86_OP_VECTOR_LOAD), MSZ(32) },
	{ L64, "c5 fd e7 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(32) },
	{ L64, "c5 f9 d6 07", OK(4), OP(X86_OP_VECTOR_STORE), MSZ(8) },
	{ L64, "c5 f8 77", OK(3) },				/* VZEROUPPER */
	{ L64, "c4 e3 7d 18 44 24 10 01", OK(8), IMM(1) }, /* VINSERTF128 */
	{ L64, "62 f1 fe 48 6f 07", OK(6), OP(X86_OP_VECTOR_LOAD), MSZ(64) },
	{ L64, "62 f1 7e 48 7f 07", OK(6), OP(X86_OP_VECTOR_STORE),
	  MSZ(64) },
	{ L64, "62 f1 7c 48 10 47 01", OK(7), OP(X86_OP_VECTOR_LOAD),
	  MSZ(64), DISP(1) },
	{ L64, "62 61 7c 48 11 07", OK(6), OP(X86_OP_VECTOR_STORE), REG(24) },
	{ L64, "62 f1 fd 28 7f 07", OK(6), OP(X86_OP_VECTOR_STORE), MSZ(32) },
	{ L64, "62 f1 7c 48 58 c1", OK(6), OP(X86_OP_OTHER) },	/* VADDPS */
	{ L64, "62 f3 7d 48 18 c1 01", OK(7), IMM(1) },	/* VINSERTF32X4 */
	{ P32, "66 0f 6f 07", OK(4), OP(X86_OP_VECTOR_LOAD), MSZ(16) },
	{ P32, "c5 fe 6f 07", OK(4), OP(X86_OP_VECTOR_LOAD), MSZ(32) },
	{ P32, "62 f1 fe 48 6f 07", OK(6), OP(X86_OP_VECTOR_LOAD), MSZ(64) },
	{ P16, "66 0f 6f 07", OK(4), OP(X86_OP_VECTOR_LOAD), MSZ(16) },
	{ P16, "c5 f8 10 c0", OK(4) },
	{ L64, "0f 0f 07 b4", OK(4), IMM(0xb4) },		/* PFMUL */
	{ L64, "0f 18 0f", OK(3), MSZ(0) },			/* PREFETCHT0 */
};

/* Instructions that exit without NRIP-save: only their length counts. */
static const struct dcase intercept_cases[] = {
	{ L64, "e4 60", OK(2), OP(X86_OP_IN), .osz = 1, IMM(0x60), REG(0) },
	{ L64, "e5 60", OK(2), OP(X86_OP_IN), .osz = 4 },
	{ L64, "66 e5 60", OK(3), OP(X86_OP_IN), .osz = 2 },
	{ L64, "e6 80", OK(2), OP(X86_OP_OUT), .osz = 1, IMM(0x80) },
	{ L64, "e7 80", OK(2), OP(X86_OP_OUT), .osz = 4 },
	{ L64, "ec", OK(1), OP(X86_OP_IN), .osz = 1 },
	{ L64, "ed", OK(1), OP(X86_OP_IN), .osz = 4 },
	{ L64, "66 ed", OK(2), OP(X86_OP_IN), .osz = 2 },
	{ L64, "48 ed", OK(2), OP(X86_OP_IN), .osz = 4 },
	{ L64, "ee", OK(1), OP(X86_OP_OUT), .osz = 1 },
	{ L64, "66 ef", OK(2), OP(X86_OP_OUT), .osz = 2 },
	{ R16, "ed", OK(1), OP(X86_OP_IN), .osz = 2 },
	{ R16, "66 ed", OK(2), OP(X86_OP_IN), .osz = 4 },
	{ R16, "e6 80", OK(2), OP(X86_OP_OUT), .osz = 1 },
	{ P32, "ef", OK(1), OP(X86_OP_OUT), .osz = 4 },
	{ L64, "0f a2", OK(2) },				/* CPUID */
	{ L64, "0f 32", OK(2) },				/* RDMSR */
	{ L64, "0f 30", OK(2) },				/* WRMSR */
	{ L64, "0f 31", OK(2) },				/* RDTSC */
	{ L64, "0f 01 f9", OK(3) },				/* RDTSCP */
	{ L64, "f4", OK(1) },					/* HLT */
	{ R16, "f4", OK(1) },
	{ L64, "cd 80", OK(2), IMM(0x80) },			/* INT n */
	{ L64, "cc", OK(1) },					/* INT3 */
	{ P32, "ce", OK(1) },					/* INTO */
	{ L64, "f1", OK(1) },					/* INT1 */
	{ L64, "0f 01 d9", OK(3) },				/* VMMCALL */
	{ L64, "0f 01 c1", OK(3) },				/* VMCALL */
	{ L64, "0f 01 d1", OK(3) },				/* XSETBV */
	{ L64, "0f 01 d0", OK(3) },				/* XGETBV */
	{ L64, "0f 01 d8", OK(3) },				/* VMRUN */
	{ L64, "0f 01 dd", OK(3) },				/* CLGI */
	{ L64, "0f 01 df", OK(3) },				/* INVLPGA */
	{ L64, "0f 01 c8", OK(3) },				/* MONITOR */
	{ L64, "0f 01 c9", OK(3) },				/* MWAIT */
	{ L64, "0f 01 3f", OK(3), MSZ(0) },			/* INVLPG */
	{ L64, "0f 01 10", OK(3), MSZ(10) },			/* LGDT */
	{ P32, "0f 01 0d 00 10 00 00", OK(7), MSZ(6) },		/* SIDT */
	{ L64, "0f 00 d8", OK(3) },				/* LTR */
	{ L64, "0f 01 f8", OK(3) },				/* SWAPGS */
	{ L64, "0f 05", OK(2) },				/* SYSCALL */
	{ L64, "48 0f 07", OK(3) },				/* SYSRETQ */
	{ P32, "0f 34", OK(2) },				/* SYSENTER */
	{ L64, "48 cf", OK(2) },				/* IRETQ */
	{ L64, "0f 06", OK(2) },				/* CLTS */
	{ L64, "0f 09", OK(2) },				/* WBINVD */
	{ L64, "0f 08", OK(2) },				/* INVD */
	{ L64, "0f ae f0", OK(3) },				/* MFENCE */
	{ L64, "0f ae 38", OK(3) },				/* CLFLUSH */
	{ L64, "f3 90", OK(2) },				/* PAUSE */
	{ L64, "9c", OK(1), .osz = 8 },				/* PUSHF */
	{ L64, "fa", OK(1) },					/* CLI */
	{ L64, "0f 20 d8", OK(3), OP(X86_OP_MOV_FROM_CR), REG(3),
	  KIND(X86_RK_CR), .osz = 8 },
	{ L64, "0f 22 d8", OK(3), OP(X86_OP_MOV_TO_CR), REG(3) },
	{ L64, "41 0f 22 e0", OK(4), OP(X86_OP_MOV_TO_CR), REG(4) },
	{ L64, "44 0f 22 c0", OK(4), OP(X86_OP_MOV_TO_CR), REG(8) },
	{ L64, "0f 20 00", OK(3), OP(X86_OP_MOV_FROM_CR), REG(0),
	  .noflags = MEM },			/* mod bits ignored */
	{ P32, "0f 22 c0", OK(3), OP(X86_OP_MOV_TO_CR), REG(0), .osz = 4 },
	{ P32, "f0 0f 22 c0", OK(4), OP(X86_OP_MOV_TO_CR), REG(8) },
	{ R16, "66 0f 22 c0", OK(4), OP(X86_OP_MOV_TO_CR), REG(0), .osz = 4 },
	{ L64, "0f 21 f8", OK(3), OP(X86_OP_MOV_FROM_DR), REG(7),
	  KIND(X86_RK_DR) },
	{ L64, "0f 23 c0", OK(3), OP(X86_OP_MOV_TO_DR), REG(0) },
	{ L64, "0f 0b", OK(2), .flags = X86_INSN_UD },		/* UD2 */
	{ L64, "0f b9 00", OK(3), .flags = X86_INSN_UD },	/* UD1 */
	{ L64, "0f 01 ca", OK(3) },				/* CLAC */
	{ L64, "c3", OK(1) },
	{ L64, "c2 08 00", OK(3), IMM(8) },
	{ L64, "e8 00 00 00 00", OK(5), IMM(0) },
	{ L64, "66 e8 fc ff ff ff", OK(6), IMM(0xfffffffffffffffcULL) },
	{ P32, "66 e8 fc ff", OK(4), IMM(0xfffffffffffffffcULL) },
	{ R16, "e8 fd ff", OK(3), IMM(0xfffffffffffffffdULL) },
	{ L64, "eb fe", OK(2), IMM(0xfffffffffffffffeULL) },
	{ L64, "0f 84 00 01 00 00", OK(6), IMM(0x100) },
	{ R16, "0f 84 00 01", OK(4), IMM(0x100) },
	{ L64, "ff 15 00 10 00 00", OK(6), MSZ(8), .flags = RIP },
	{ P32, "ff 25 00 10 00 00", OK(6), MSZ(4) },
	{ P32, "ff 2d 00 10 00 00", OK(6), MSZ(6) },		/* JMP far m */
	{ L64, "c8 10 00 01", OK(4), IMM(0x10), IMM2(1) },	/* ENTER */
	{ R16, "ea 00 10 00 f0", OK(5), IMM(0x1000), IMM2(0xf000) },
	{ P32, "ea 00 00 10 00 08 00", OK(7), IMM(0x100000), IMM2(8) },
	{ P32, "66 9a 00 10 08 00", OK(6), IMM(0x1000), IMM2(8) },
	{ L64, "c7 f8 00 00 00 00", OK(6) },			/* XBEGIN */
	{ L64, "c6 f8 01", OK(3), IMM(1) },			/* XABORT */
	{ L64, "f3 0f 1e fa", OK(4) },				/* ENDBR64 */
	{ L64, "66 f3 0f b8 c0", OK(5), .osz = 2 },		/* POPCNT */
	{ L64, "66 0f 78 c0 04 08", OK(6), IMM(4), IMM2(8) },	/* EXTRQ */
	{ L64, "f2 0f 79 c1", OK(4) },				/* INSERTQ */
	{ L64, "0f 78 c8", OK(3) },				/* VMREAD */
	{ L64, "d7", OK(1), MSZ(1), .flags = MEM },		/* XLAT */
	{ L64, "d9 07", OK(2), MSZ(4) },			/* FLD m32 */
	{ L64, "dd 3f", OK(2), MSZ(2) },			/* FNSTSW */
	{ L64, "db 2f", OK(2), MSZ(10) },			/* FLD m80 */
	{ L64, "df e0", OK(2) },				/* FNSTSW AX */
	{ L64, "8d 04 24", OK(3), MSZ(0) },			/* LEA */
	{ L64, "90", OK(1) },
	{ L64, "0f 1f 44 00 00", OK(5) },
	{ L64, "66 2e 0f 1f 84 00 00 00 00 00", OK(10) },
};

/* #UD encodings. */
static const struct dcase invalid_cases[] = {
	{ L64, "06", ERR(INVAL) }, { L64, "07", ERR(INVAL) }, { L64, "0e", ERR(INVAL) },
	{ L64, "16", ERR(INVAL) }, { L64, "17", ERR(INVAL) }, { L64, "1e", ERR(INVAL) },
	{ L64, "1f", ERR(INVAL) }, { L64, "27", ERR(INVAL) }, { L64, "2f", ERR(INVAL) },
	{ L64, "37", ERR(INVAL) }, { L64, "3f", ERR(INVAL) }, { L64, "60", ERR(INVAL) },
	{ L64, "61", ERR(INVAL) }, { L64, "82 07 01", ERR(INVAL) },
	{ L64, "9a 00 00 00 00 08 00", ERR(INVAL) }, { L64, "ce", ERR(INVAL) },
	{ L64, "d4 0a", ERR(INVAL) }, { L64, "d5 0a", ERR(INVAL) }, { L64, "d6", ERR(INVAL) },
	{ L64, "ea 00 00 00 00 08 00", ERR(INVAL) },
	{ L64, "62 00 00 00 00 00", ERR(INVAL) },	/* 62 is EVEX: map 0 */
	{ L64, "c4 e0 78 10 00", ERR(INVAL) },	/* C4 is VEX: map 0 */
	{ L64, "c4 e4 78 10 00", ERR(INVAL) },	/* VEX map 4 */
	{ L64, "62 f9 7c 48 10 07", ERR(INVAL) },	/* EVEX P0[3] set */
	{ L64, "62 f1 78 48 10 07", ERR(INVAL) },	/* EVEX P1[2] clear */
	{ L64, "62 f4 7c 48 10 07", ERR(INVAL) },	/* EVEX map 4 */
	{ L64, "66 c5 f8 10 00", ERR(INVAL) },	/* prefix before VEX */
	{ L64, "f3 c5 f8 10 00", ERR(INVAL) },
	{ L64, "f0 c5 f8 10 00", ERR(INVAL) },
	{ L64, "48 c5 f8 10 00", ERR(INVAL) },
	{ L64, "66 62 f1 7c 48 10 07", ERR(INVAL) },
	{ L64, "c4 e2 79 90 00", ERR(INVAL) },	/* VSIB without SIB */
	{ R16, "c5 f8 10 c0", ERR(INVAL) },		/* no VEX in real mode */
	{ R16, "62 f1 7c 48 10 c0", ERR(INVAL) },
	{ P32, "d6", OK(1) },			/* SALC */
	{ P32, "ce", OK(1) },
	{ P32, "c5 06", OK(2) },		/* LDS eax, [esi] */
	{ P32, "c4 06", OK(2) },		/* LES */
	{ P32, "62 06", OK(2) },		/* BOUND */
	{ R16, "c4 06 00 10", OK(4) },		/* LES ax, [0x1000] */
	{ P32, "c5 f8 10 c0", OK(4) },		/* VMOVUPS */
	{ L64, "0f 0b", OK(2) },
	{ L64, "0f ff 00", ERR(INVAL) },		/* UD0 */
	{ L64, "0f 04", ERR(INVAL) }, { L64, "0f 0a", ERR(INVAL) },
	{ L64, "0f 0c", ERR(INVAL) }, { L64, "0f 24 c0", ERR(INVAL) },
	{ L64, "0f 36", ERR(INVAL) }, { L64, "0f 39", ERR(INVAL) },
	{ L64, "0f 3b", ERR(INVAL) }, { L64, "0f a6", ERR(INVAL) },
	{ L64, "0f a7", ERR(INVAL) }, { L64, "0f 7a", ERR(INVAL) },
	{ L64, "0f 38 50 00", ERR(INVAL) },		/* undefined 0F 38 */
	{ L64, "0f 38 10 00", ERR(INVAL) },		/* PBLENDVB needs 66 */
	{ L64, "0f 3a 00 00 00", ERR(INVAL) },
	{ L64, "0f 7c 00", ERR(INVAL) },		/* HADDPD needs 66/F2 */
	{ L64, "0f f0 00", ERR(INVAL) },		/* LDDQU needs F2 */
	{ L64, "f2 0f f0 c0", ERR(INVAL) },		/* ... and memory */
	{ L64, "0f d7 00", ERR(INVAL) },		/* PMOVMSKB reg only */
	{ L64, "0f 73 d8 01", ERR(INVAL) },		/* PSRLDQ needs 66 */
	{ L64, "0f b8 00", ERR(INVAL) },		/* POPCNT needs F3 */
	{ L64, "fe 17", ERR(INVAL) }, { L64, "ff ff", ERR(INVAL) },
	{ L64, "ff d8", ERR(INVAL) }, { L64, "ff e8", ERR(INVAL) },
	{ L64, "8f c8", ERR(INVAL) }, { L64, "8f e8 78 c0 c0 00", ERR(INVAL) }, /* XOP */
	{ L64, "c6 c8 00", ERR(INVAL) }, { L64, "c7 08 00 00 00 00", ERR(INVAL) },
	{ L64, "8d c0", ERR(INVAL) }, { L64, "8e c8", ERR(INVAL) },
	{ L64, "8c f0", ERR(INVAL) }, { L64, "0f ba 07 05", ERR(INVAL) },
	{ L64, "0f 00 f0", ERR(INVAL) }, { L64, "0f c7 c8", ERR(INVAL) },
	{ L64, "0f b2 c0", ERR(INVAL) }, { L64, "0f c3 c0", ERR(INVAL) },
	{ L64, "d9 08", ERR(INVAL) }, { L64, "dd 28", ERR(INVAL) },
	{ L64, "0f 20 c8", ERR(INVAL) },		/* CR1 */
	{ L64, "0f 22 e8", ERR(INVAL) },		/* CR5 */
	{ L64, "44 0f 22 c8", ERR(INVAL) },		/* CR9 */
	{ L64, "44 0f 21 c0", ERR(INVAL) },		/* DR8 */
	{ L64, "f0 89 07", ERR(INVAL) },		/* LOCK MOV */
	{ L64, "f0 01 c0", ERR(INVAL) },		/* LOCK on a register */
	{ L64, "f0 03 07", ERR(INVAL) },		/* memory is the source */
	{ L64, "f0 39 07", ERR(INVAL) },		/* LOCK CMP */
	{ L64, "f0 85 07", ERR(INVAL) },		/* LOCK TEST */
	{ L64, "f0 0f a3 07", ERR(INVAL) },		/* LOCK BT */
	{ L64, "f0 90", ERR(INVAL) }, { L64, "f0 a4", ERR(INVAL) },
	{ L64, "f0 0f 21 c0", ERR(INVAL) },
	{ L64, "0f 0f 07 00", ERR(INVAL) },		/* 3DNow! suffix 00 */
	{ L64, "f3 0f 78 c0 00 00", ERR(INVAL) },
	{ L64, "66 0f 78 00 00 00", ERR(INVAL) },	/* EXTRQ needs a register */
	{ X86_MODE_LONG64 + 1, "90", ERR(INVAL) },	/* bad mode */
};

/* Prefix handling and the 15-byte limit. */
static const struct dcase prefix_cases[] = {
	{ L64, "48 66 89 07", OK(4), .osz = 2, MSZ(2), .noflags =
	  X86_INSN_REX },			/* REX not last: ignored */
	{ L64, "66 48 89 07", OK(4), .osz = 8, MSZ(8) },
	{ L64, "48 41 89 07", OK(4), .osz = 4 },	/* last REX wins */
	{ L64, "67 8b 07", OK(3), .asz = 4 },
	{ L64, "66 67 f3 2e 3e 26 64 65 36 89 07", OK(11), .osz = 2,
	  .asz = 4, SEG(X86_SEG_DS) },		/* SS ignored */
	{ P32, "66 67 f3 2e 3e 26 64 65 36 89 07", OK(11), .osz = 2,
	  .asz = 2, SEG(X86_SEG_SS) },
	{ L64, "2e 8b 07", OK(3), SEG(X86_SEG_DS) }, /* CS ignored */
	{ L64, "64 8b 07", OK(3), SEG(X86_SEG_FS) },
	{ L64, "65 48 8b 04 25 28 00 00 00", OK(9), SEG(X86_SEG_GS),
	  DISP(0x28) },
	{ P32, "2e 8b 07", OK(3), SEG(X86_SEG_CS) },
	{ P32, "8b 04 24", OK(3), SEG(X86_SEG_SS) },
	{ P32, "3e 8b 45 00", OK(4), SEG(X86_SEG_DS) },
	{ R16, "66 8b 07", OK(3), .osz = 4, .asz = 2 },
	{ R16, "67 66 8b 07", OK(4), .osz = 4, .asz = 4 },
	{ L64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", OK(15) },
	{ L64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", ERR(TOOLONG) },
	{ L64, "2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e", ERR(TOOLONG) },
	{ L64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 07", ERR(TOOLONG) },
	{ L64, "40 40 40 40 40 40 40 40 40 40 40 40 40 40 40 90", ERR(TOOLONG) },
	{ P32, "66 66 66 66 66 66 66 66 66 66 66 66 81 00 00 00", ERR(TOOLONG) },
	{ P32, "66 66 66 66 66 66 66 66 66 66 66 81 00 00 00", OK(15) },
	{ L64, "f0 2e 67 48 81 84 88 44 33 22 11 78 56 34 12", OK(15),
	  OP(X86_OP_ALU), MSZ(8), IMM(0x12345678) },
	{ L64, "66 66 66 66 66 66 66 66 66 66 66 66 66", ERR(TRUNC) },
	{ L64, "", ERR(TRUNC) },
};

/* Effective addresses: registers, RIP and the expected address. */
struct eacase {
	enum x86_mode mode;
	const char *hex;
	int ret;
	unsigned long long rip;		/* of the instruction */
	unsigned long long ea;
	unsigned int nregs;
	struct { unsigned int r; unsigned long long v; } regs[4];
};

#define RAX 0
#define RCX 1
#define RBX 3
#define RSP 4
#define RBP 5
#define RSI 6
#define RDI 7
#define R8  8
#define R12 12
#define R13 13

static const struct eacase ea_cases[] = {
	/* 16-bit forms (SDM table 2-1) */
	{ R16, "8b 43 10", 0, 0, 0x0020, 2,
	  { { RBP, 0xfff0 }, { RDI, 0x20 } } },	/* [bp+di+disp8], wraps */
	{ R16, "8b 00", 0, 0, 0x1244, 2, { { RBX, 0x1234 }, { RSI, 0x10 } } },
	{ P16, "8b 06 34 12", 0, 0, 0x1234, 0, { { 0, 0 } } },
	{ P16, "8b 87 fe ff", 0, 0, 0xffff, 1, { { RBX, 1 } } },
	{ R16, "8b 46 00", 0, 0, 0x8000, 1, { { RBP, 0x12348000 } } },
	{ R16, "67 8b 44 24 08", 0, 0, 0x10008, 1, { { RSP, 0x10000 } } },
	{ R16, "a1 34 12", 0, 0, 0x1234, 0, { { 0, 0 } } },
	/* 32-bit forms (SDM tables 2-2, 2-3) */
	{ P32, "8b 44 8b 08", 0, 0, 0x1048, 2, { { RBX, 0x1000 }, { RCX, 0x10 } } },
	{ P32, "8b 04 8d 00 10 00 00", 0, 0, 0x1040, 1, { { RCX, 0x10 } } },
	{ P32, "8b 05 00 10 00 00", 0, 0x5000, 0x1000, 0, { { 0, 0 } } },
	{ P32, "8b 44 24 fc", 0, 0, 0xfffffffc, 1, { { RSP, 0 } } },
	{ P32, "67 8b 46 08", 0, 0, 0x0008, 1, { { RBP, 0x1230000 } } },
	{ P32, "8b 84 e0 00 00 00 80", 0, 0, 0x80000080ULL, 2,
	  { { RAX, 0x80 }, { RSP, 0x10 } } },	/* index 100: none */
	/* 64-bit forms, REX.B/X, RIP-relative */
	{ L64, "48 8b 05 10 00 00 00", 0, 0x1000, 0x1017, 0, { { 0, 0 } } },
	{ L64, "8b 05 f0 ff ff ff", 0, 0x1000, 0xff6, 0, { { 0, 0 } } },
	{ L64, "67 8b 05 f0 ff ff ff", 0, 0x100000000ULL, 0xfffffff7ULL, 0,
	  { { 0, 0 } } },			/* EIP-relative wraps */
	{ L64, "66 0f 7f 05 00 01 00 00", 0, 0x1000, 0x1108, 0, { { 0, 0 } } },
	{ L64, "8b 04 25 00 10 00 00", 0, 0, 0x1000, 0, { { 0, 0 } } },
	{ L64, "42 8b 04 a5 00 00 00 00", 0, 0, 0x40, 1, { { R12, 0x10 } } },
	{ L64, "41 8b 04 24", 0, 0, 0x1234, 1, { { R12, 0x1234 } } },
	{ L64, "41 8b 45 00", 0, 0, 0x5678, 1, { { R13, 0x5678 } } },
	{ L64, "43 8b 04 2c", 0, 0, 0x3000, 2, { { R12, 0x1000 }, { R13, 0x2000 } } },
	{ L64, "4a 8b 04 20", 0, 0, 0x110, 2, { { RAX, 0x100 }, { R12, 0x10 } } },
	{ L64, "41 89 00", 0, 0, 0xdead0000ULL, 1, { { R8, 0xdead0000ULL } } },
	{ L64, "67 8b 00", 0, 0, 0x10, 1, { { RAX, 0x100000010ULL } } },
	{ L64, "48 8b 44 24 f8", 0, 0, 0xfffffffffffffff8ULL, 1, { { RSP, 0 } } },
	{ L64, "48 a1 88 77 66 55 44 33 22 11", 0, 0, 0x1122334455667788ULL, 0,
	  { { 0, 0 } } },
	{ L64, "a4", 0, 0, 0x2000, 2, { { RSI, 0x2000 }, { RDI, 0x3000 } } },
	{ L64, "aa", 0, 0, 0x3000, 2, { { RSI, 0x2000 }, { RDI, 0x3000 } } },
	{ L64, "67 ac", 0, 0, 0x2000, 1, { { RSI, 0x100002000ULL } } },
	{ P16, "ac", 0, 0, 0x2000, 1, { { RSI, 0x12002000ULL } } },
	{ L64, "d7", 0, 0, 0x10ff, 2, { { RBX, 0x1000 }, { RAX, 0x12ff } } },
	{ L64, "62 f1 7c 48 10 47 01", 0, 0, 0x1040, 1, { { RDI, 0x1000 } } },
	{ L64, "62 f1 7c 48 10 47 ff", 0, 0, 0xfc0, 1, { { RDI, 0x1000 } } },
	{ L64, "62 f1 fe 08 7e 47 02", 0, 0, 0x1010, 1, { { RDI, 0x1000 } } },
	{ L64, "62 f1 7c 48 10 87 00 01 00 00", 0, 0, 0x1100, 1,
	  { { RDI, 0x1000 } } },		/* disp32 is not scaled */
	{ L64, "62 f1 7c 48 58 47 01", -X86_DECODE_UNSUPPORTED, 0, 0, 0,
	  { { 0, 0 } } },			/* unknown disp8*N */
	{ L64, "c4 e2 79 90 04 88", -X86_DECODE_UNSUPPORTED, 0, 0, 0,
	  { { 0, 0 } } },			/* VSIB */
	{ L64, "89 c0", -X86_DECODE_NO_MEM, 0, 0, 0, { { 0, 0 } } },
	{ L64, "ec", -X86_DECODE_NO_MEM, 0, 0, 0, { { 0, 0 } } },
};

static int run_ea_case(const struct eacase *e)
{
	unsigned char buf[32];
	struct x86_insn in;
	unsigned long long gprs[16];
	unsigned long long ea = 0;
	int n = parse_hex(e->hex, buf, sizeof(buf));
	unsigned int i;
	int ret;

	for (i = 0; i < 16; i++)
		gprs[i] = 0x5555000000000000ULL + 0x1111 * i;
	for (i = 0; i < e->nregs; i++)
		gprs[e->regs[i].r] = e->regs[i].v;
	/* Unused registers hold garbage that must not leak into the sum. */
	if (e->nregs == 0)
		for (i = 0; i < 16; i++)
			gprs[i] = ~0ULL;
	ret = x86_decode(buf, n, e->mode, &in);
	if (ret) {
		printf("#   %s: decode failed %d\n", e->hex, ret);
		return 1;
	}
	ret = x86_insn_effective_address(&in, (const u64 *)gprs,
					 e->rip + in.length, (u64 *)&ea);
	if (ret != e->ret || (!ret && ea != e->ea)) {
		printf("#   %s [%s]: ea %#llx ret %d, expected %#llx ret %d\n",
		       e->hex, mode_name(e->mode), ea, ret, e->ea, e->ret);
		return 1;
	}
	return 0;
}

static void test_ea(void)
{
	static const enum x86_mode modes[3] = { R16, P32, L64 };
	static const char *const names[3] = { "ea16", "ea32", "ea64" };
	char label[64];
	unsigned int m;
	size_t i;

	for (m = 0; m < 3; m++) {
		int failed = 0;

		for (i = 0; i < ARRAY_SIZE(ea_cases); i++) {
			const struct eacase *e = &ea_cases[i];
			int is16 = e->mode == R16 || e->mode == P16;

			if ((m == 0 && is16) || (m && e->mode == modes[m]))
				failed += run_ea_case(e);
		}
		snprintf(label, sizeof(label), PREFIX "%s", names[m]);
		UNIT_CHECK(label, failed == 0);
	}
}

/* String operands and the argument checks of the API. */
static void test_api(void)
{
	static const unsigned char movs[] = { 0x67, 0xa5 };
	static const unsigned char mov[] = { 0x89, 0x07 };
	unsigned long long gprs[16] = { 0 };
	unsigned long long src = 0, dst = 0, ea;
	struct x86_insn in;
	int ok = 1;

	gprs[RSI] = 0x100001000ULL;
	gprs[RDI] = 0x200002000ULL;
	ok &= x86_decode(movs, sizeof(movs), L64, &in) == 0;
	ok &= x86_insn_string_addresses(&in, (const u64 *)gprs, (u64 *)&src,
					(u64 *)&dst) == 0;
	ok &= src == 0x1000 && dst == 0x2000;
	ok &= in.mem_seg == X86_SEG_DS;
	ok &= x86_decode(mov, sizeof(mov), L64, &in) == 0;
	ok &= x86_insn_string_addresses(&in, (const u64 *)gprs, (u64 *)&src,
					(u64 *)&dst) == -X86_DECODE_NO_MEM;
	ok &= x86_decode(mov, sizeof(mov), L64, NULL) == INVAL;
	ok &= x86_decode(NULL, 2, L64, &in) == INVAL;
	ok &= x86_decode(NULL, 0, L64, &in) == TRUNC;
	ok &= x86_insn_effective_address(NULL, (const u64 *)gprs, 0,
					 (u64 *)&ea) == INVAL;
	UNIT_CHECK(PREFIX "api", ok);
}

/*
 * Every proper prefix of a valid instruction is TRUNCATED; so is every
 * proper prefix of an invalid one, or INVALID once the #UD is known.
 */
static const char *const long_insns[][2] = {
	{ "L", "f0 2e 67 48 81 84 88 44 33 22 11 78 56 34 12" },
	{ "L", "62 f1 7c 48 10 84 88 44 33 22 11" },
	{ "L", "c4 e3 7d 18 84 88 44 33 22 11 01" },
	{ "L", "48 a1 88 77 66 55 44 33 22 11" },
	{ "L", "48 b8 88 77 66 55 44 33 22 11" },
	{ "L", "66 0f 3a 0f 84 88 44 33 22 11 08" },
	{ "L", "48 c7 84 24 00 01 00 00 ff ff ff ff" },
	{ "L", "c8 10 00 01" },
	{ "3", "66 67 c7 80 00 10 34 12" },
	{ "3", "ea 00 00 10 00 08 00" },
	{ "3", "c5 fe 6f 84 24 00 10 00 00" },
	{ "R", "66 67 f3 a5" },
	{ "R", "67 66 81 84 88 44 33 22 11 78 56 34 12" },
};

static void test_truncated(void)
{
	unsigned char buf[32];
	struct x86_insn in;
	int failed = 0;
	size_t i;
	int n, k, ret;

	for (i = 0; i < ARRAY_SIZE(long_insns); i++) {
		enum x86_mode mode = long_insns[i][0][0] == 'L' ? L64 :
				     long_insns[i][0][0] == '3' ? P32 : R16;

		n = parse_hex(long_insns[i][1], buf, sizeof(buf));
		ret = x86_decode(buf, n, mode, &in);
		if (ret || in.length != n) {
			printf("#   %s: %d, length %u\n", long_insns[i][1], ret,
			       in.length);
			failed++;
			continue;
		}
		for (k = 0; k < n; k++) {
			unsigned char *copy = malloc(k ? k : 1);

			memcpy(copy, buf, k);
			ret = x86_decode(copy, k, mode, &in);
			free(copy);
			if (ret != TRUNC) {
				printf("#   %s: at %d bytes: %d\n",
				       long_insns[i][1], k, ret);
				failed++;
			}
		}
	}
	UNIT_CHECK(PREFIX "truncated", failed == 0);
}

static unsigned long long rng_state = 0x2545f4914f6cdd1dULL;

static unsigned int rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 0x2545f4914f6cdd1dULL) >> 32;
}

/* Bytes that steer a random string into prefixes, escapes and VEX. */
static const unsigned char interesting[] = {
	0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x64, 0x40, 0x48, 0x4f, 0x0f,
	0x38, 0x3a, 0xc4, 0xc5, 0x62, 0x8f, 0xf6, 0xf7, 0xff, 0x04, 0x05,
	0x44, 0x84, 0xa0, 0xa1, 0xc7, 0xe0, 0xfe, 0x00,
};

static void fill_random(unsigned char *buf, size_t n, int structured)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (structured && (rng() & 1))
			buf[i] = interesting[rng() % sizeof(interesting)];
		else
			buf[i] = rng();
	}
}

static int valid_size(unsigned int v, unsigned int mask)
{
	return v < 16 && ((1U << v) & mask);
}

/* Invariants of a successful decode. */
static int check_success(const unsigned char *buf, size_t n,
			 enum x86_mode mode, const struct x86_insn *in)
{
	struct x86_insn again;
	unsigned long long gprs[16], ea;
	unsigned int i;
	int ret;

	if (in->length < 1 || in->length > X86_MAX_INSN_LEN || in->length > n)
		return 0;
	if (!valid_size(in->opsize, 0x116) || !valid_size(in->addrsize, 0x114))
		return 0;
	if (!valid_size(in->disp_size, 0x117) || in->imm_size > 8 ||
	    in->imm2_size > 2 || in->mem_size > 512)
		return 0;
	if (in->reg_num != X86_REG_NONE && in->reg_num >= 32)
		return 0;
	if (!!(in->flags & X86_INSN_MEM) != (in->mem_kind != X86_MEM_NONE))
		return 0;
	/* The same bytes, exactly as long as the instruction. */
	ret = x86_decode(buf, in->length, mode, &again);
	if (ret || again.length != in->length || again.op != in->op ||
	    again.flags != in->flags || again.imm != in->imm ||
	    again.disp != in->disp || again.mem_size != in->mem_size)
		return 0;
	/* One byte short. */
	if (x86_decode(buf, in->length - 1, mode, &again) != TRUNC)
		return 0;
	for (i = 0; i < 16; i++)
		gprs[i] = ((unsigned long long)rng() << 32) | rng();
	ret = x86_insn_effective_address(in, (const u64 *)gprs, gprs[0],
					 (u64 *)&ea);
	if (ret && ret != -X86_DECODE_NO_MEM && ret != -X86_DECODE_UNSUPPORTED)
		return 0;
	if (ret == -X86_DECODE_NO_MEM && (in->flags & X86_INSN_MEM))
		return 0;
	if (!ret && in->addrsize < 8 && (ea >> (8 * in->addrsize)))
		return 0;
	return 1;
}

static void test_random(const char *name, int structured,
			unsigned long count)
{
	static const enum x86_mode modes[4] = { R16, P16, P32, L64 };
	unsigned long i, bad = 0, ok = 0, printed = 0;
	struct x86_insn in;
	char label[64];

	for (i = 0; i < count; i++) {
		size_t n = rng() % 18;
		enum x86_mode mode = modes[rng() & 3];
		/* Exactly n bytes on the heap: ASan sees any over-read. */
		unsigned char *buf = malloc(n ? n : 1);
		int ret, good;

		fill_random(buf, n, structured);
		ret = x86_decode(n ? buf : NULL, n, mode, &in);
		switch (ret) {
		case 0:
			good = check_success(buf, n, mode, &in);
			ok++;
			break;
		case TRUNC:
			good = n < X86_MAX_INSN_LEN;
			break;
		case TOOLONG:
			good = n >= X86_MAX_INSN_LEN;
			break;
		case INVAL:
			/* Fewer bytes: still invalid, or truncated. */
			good = 1;
			if (n && !(i & 15)) {
				ret = x86_decode(buf, n - 1, mode, &in);
				good = ret == INVAL || ret == TRUNC;
			}
			break;
		default:
			good = 0;
		}
		if (!good) {
			bad++;
			if (printed++ < 10) {
				char hex[64];
				size_t j;

				for (j = 0; j < n; j++)
					sprintf(hex + 3 * j, "%02x ", buf[j]);
				hex[n ? 3 * n - 1 : 0] = 0;
				printf("#   %s [%s]: %d\n", hex,
				       mode_name(mode), ret);
			}
		}
		free(buf);
	}
	printf("# %s: %lu strings, %lu decoded, %lu broken invariants\n",
	       name, count, ok, bad);
	snprintf(label, sizeof(label), PREFIX "%s", name);
	UNIT_CHECK(label, bad == 0);
}

int main(void)
{
	const char *env = getenv("DECODE_SEED");

	if (env && *env)
		rng_state = strtoull(env, NULL, 0) | 1;
	GROUP("mov", mov_cases);
	GROUP("movx", movx_cases);
	GROUP("string", string_cases);
	GROUP("alu", alu_cases);
	GROUP("rmw", rmw_cases);
	GROUP("vector", vector_cases);
	GROUP("intercept", intercept_cases);
	GROUP("invalid", invalid_cases);
	GROUP("prefixes", prefix_cases);
	test_truncated();
	test_ea();
	test_api();
	test_random("random", 0, 500000);
	test_random("random_structured", 1, 500000);
	return unit_failed ? 1 : 0;
}
