# SPDX-License-Identifier: GPL-2.0-only
# The capability decoders of both back ends.
TESTS += $(OUT)/test_caps
CAPS_SRCS := $(TOP)/svm/svm_caps.c $(TOP)/vmx/vmx_caps.c

$(OUT)/test_caps: test_caps.c unit.h $(CAPS_SRCS) $(TOP)/svm/svm_caps.h \
		  $(TOP)/vmx/vmx_caps.h $(TOP)/kmod/pure.h
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -o $@ test_caps.c $(CAPS_SRCS)
