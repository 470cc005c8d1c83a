# SPDX-License-Identifier: GPL-2.0-only
# The integer operations of MMIO emulation (kmod/x86_alu.c) against the
# host CPU's own instructions. -mno-red-zone: the reference runs PUSHF/POPF
# inside inline asm.
TESTS += $(OUT)/test_alu
ALU_SRCS := $(TOP)/kmod/x86_alu.c
ALU_DEPS := test_alu.c unit.h $(ALU_SRCS) $(TOP)/kmod/x86_alu.h \
	    $(TOP)/kmod/x86_decode.h $(TOP)/kmod/pure.h

$(OUT)/test_alu: $(ALU_DEPS)
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -mno-red-zone -o $@ test_alu.c $(ALU_SRCS)
