// SPDX-License-Identifier: GPL-2.0-only
/* Capstone 4 behind the small interface of decode_cs.h. */
#include <stdio.h>
#include <string.h>
#include <capstone/capstone.h>

#include "selftests/unit/decode_cs.h"

static csh handles[3];
static cs_insn *scratch[3];

static int mode_index(int bits)
{
	return bits == 16 ? 0 : bits == 32 ? 1 : 2;
}

int cs_wrap_open(void)
{
	static const cs_mode modes[3] = { CS_MODE_16, CS_MODE_32, CS_MODE_64 };
	int i;

	for (i = 0; i < 3; i++) {
		if (cs_open(CS_ARCH_X86, modes[i], &handles[i]) != CS_ERR_OK)
			return -1;
		cs_option(handles[i], CS_OPT_DETAIL, CS_OPT_ON);
		scratch[i] = cs_malloc(handles[i]);
		if (!scratch[i])
			return -1;
	}
	return 0;
}

void cs_wrap_close(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (scratch[i])
			cs_free(scratch[i], 1);
		cs_close(&handles[i]);
	}
}

int cs_wrap_decode(int bits, const unsigned char *bytes, size_t len,
		   struct cs_result *res)
{
	int m = mode_index(bits);
	const uint8_t *code = bytes;
	uint64_t addr = 0x1000;
	cs_insn *ci = scratch[m];
	cs_x86 *x;
	int i;

	if (!cs_disasm_iter(handles[m], &code, &len, &addr, ci))
		return 0;
	res->length = ci->size;
	res->mem_size = -1;
	x = &ci->detail->x86;
	for (i = 0; i < x->op_count; i++) {
		if (x->operands[i].type == X86_OP_MEM) {
			res->mem_size = x->operands[i].size;
			break;
		}
	}
	snprintf(res->text, sizeof(res->text), "%.31s %.90s", ci->mnemonic,
		 ci->op_str);
	return 1;
}
