/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A thin wrapper around Capstone for decode_capstone.c. It lives in its
 * own file because Capstone's x86.h declares an "enum x86_insn" that
 * clashes with hvmod's struct x86_insn.
 */
#ifndef HVMOD_DECODE_CS_H
#define HVMOD_DECODE_CS_H

#include <stddef.h>

struct cs_result {
	unsigned int length;
	int mem_size;		/* size of the first memory operand, -1: none */
	char text[128];		/* mnemonic and operands */
};

/* Returns 0, or -1 if Capstone cannot be opened. */
int cs_wrap_open(void);
void cs_wrap_close(void);
/* @bits is 16, 32 or 64. Returns 1 if Capstone decodes an instruction. */
int cs_wrap_decode(int bits, const unsigned char *bytes, size_t len,
		   struct cs_result *res);

#endif /* HVMOD_DECODE_CS_H */
