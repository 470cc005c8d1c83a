# SPDX-License-Identifier: GPL-2.0-only
# The x86 instruction decoder (kmod/x86_decode.c): table and random tests,
# the same tests under ASan/UBSan, and a differential test against
# Capstone (libcapstone-dev, installed by make deps).
TESTS += $(OUT)/test_decode $(OUT)/test_decode_asan $(OUT)/test_decode_capstone

DECODE_SRCS := $(TOP)/kmod/x86_decode.c
DECODE_DEPS := $(DECODE_SRCS) $(TOP)/kmod/x86_decode.h $(TOP)/kmod/pure.h
DECODE_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer

$(OUT)/test_decode: test_decode.c unit.h $(DECODE_DEPS)
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -o $@ test_decode.c $(DECODE_SRCS)

$(OUT)/test_decode_asan: test_decode.c unit.h $(DECODE_DEPS)
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -O1 $(DECODE_SANITIZE) -DDECODE_SANITIZED -o $@ \
		test_decode.c $(DECODE_SRCS)

$(OUT)/test_decode_capstone: decode_capstone.c decode_cs.c decode_cs.h \
			     $(DECODE_DEPS)
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -o $@ decode_capstone.c decode_cs.c $(DECODE_SRCS) \
		-lcapstone
