# SPDX-License-Identifier: GPL-2.0-only
#
# hvmod: top-level build. The module is built by Kbuild (see ./Kbuild)
# against KDIR: by default the headers of the sandbox kernel (Debian's
# linux-headers-amd64); on a real host, KDIR=/lib/modules/$(uname -r)/build.

ABI ?= $(shell scripts/abi 2>/dev/null)
KDIR ?= /usr/src/linux-headers-$(ABI)
LINUX_SRC ?= $(CURDIR)/.cache/linux-source
CHECKPATCH := $(LINUX_SRC)/scripts/checkpatch.pl
# Everything of the module that checkpatch must find clean. The
# tracepoint header is not C that checkpatch can parse (TRACE_EVENT's
# open-ended TP_* blocks, as in the kernel's own include/trace/events/):
# it is built with -Werror and checked by sparse instead.
MODULE_SRCS = Kbuild $(filter-out kmod/trace.h, \
		$(wildcard kmod/*.[chS] svm/*.[chS] vmx/*.[chS] \
			   npt/*.[chS] iommu/*.[chS]))

all: module hvtool guests selftests unit

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

hvtool:
	$(MAKE) -C userspace

guests:
	$(MAKE) -C guests

selftests:
	$(MAKE) -C selftests LINUX_SRC=$(LINUX_SRC)

unit:
	$(MAKE) -C selftests/unit
	$(MAKE) -C userspace/tests

# sparse on every module source (C=2: also files already built).
sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules

checkpatch:
	$(CHECKPATCH) --strict --no-tree --terse --show-types -f $(MODULE_SRCS)

deps:
	scripts/deps

# Builds, native unit tests, then the selftests in both emulator sandboxes
# against hvmod and KVM. Ends with "N passed, N failed".
check: deps
	scripts/check

# hvmod against kvm-amd in one AMD-V sandbox boot: BENCH lines with
# times per operation and their ratio (see README.md, Benchmarks).
bench: deps
	scripts/bench

# The same suite on this machine's own VT-x/AMD-V (as root, no emulator).
check-host:
	scripts/check --host

demo: deps
	scripts/demo

demo-host:
	scripts/demo --host

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean || true
	$(MAKE) -C userspace clean
	$(MAKE) -C guests clean
	$(MAKE) -C selftests clean
	$(MAKE) -C selftests/unit clean

.PHONY: all module hvtool guests selftests unit sparse checkpatch deps check \
	bench check-host demo demo-host clean
