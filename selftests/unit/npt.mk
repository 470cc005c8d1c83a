# SPDX-License-Identifier: GPL-2.0-only
# The nested page-table formats and mapper/walker (npt/), built plain and
# with AddressSanitizer + UndefinedBehaviorSanitizer (its RESULT lines are
# named unit/npt_asan.* so that both runs count).
TESTS += $(OUT)/test_npt $(OUT)/test_npt_asan
NPT_SRCS := $(TOP)/npt/npt.c $(TOP)/npt/npt_format.c
NPT_DEPS := test_npt.c unit.h $(NPT_SRCS) $(TOP)/npt/npt.h \
	    $(TOP)/npt/npt_format.h $(TOP)/kmod/pure.h
NPT_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer

$(OUT)/test_npt: $(NPT_DEPS)
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -o $@ test_npt.c $(NPT_SRCS)

$(OUT)/test_npt_asan: $(NPT_DEPS)
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -O1 $(NPT_SANITIZE) -DNPT_TEST_PREFIX='"npt_asan."' \
		-o $@ test_npt.c $(NPT_SRCS)
