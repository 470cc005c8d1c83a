# SPDX-License-Identifier: GPL-2.0-only
# The CPUID tables (kmod/cpuid_table.c), built plain and with
# AddressSanitizer + UndefinedBehaviorSanitizer (its RESULT lines are
# named unit/cpuid_asan.* so that both runs count).
TESTS += $(OUT)/test_cpuid $(OUT)/test_cpuid_asan
CPUID_SRCS := $(TOP)/kmod/cpuid_table.c
CPUID_DEPS := test_cpuid.c unit.h $(CPUID_SRCS) $(TOP)/kmod/cpuid.h \
	      $(TOP)/kmod/pure.h
CPUID_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all \
		  -fno-omit-frame-pointer

$(OUT)/test_cpuid: $(CPUID_DEPS)
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -o $@ test_cpuid.c $(CPUID_SRCS)

$(OUT)/test_cpuid_asan: $(CPUID_DEPS)
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -O1 $(CPUID_SANITIZE) \
		-DCPUID_TEST_PREFIX='"cpuid_asan."' -o $@ test_cpuid.c \
		$(CPUID_SRCS)
