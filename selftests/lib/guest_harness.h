/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Assertions about guest exits, for tests that include harness.h and
 * guest.h.  They use the harness' ASSERT_*(), so they need _metadata in
 * scope (any TEST / TEST_F body, or a helper that takes it).  Each logs
 * the exit in full when it fails.
 */
#ifndef HVM_GUEST_HARNESS_H
#define HVM_GUEST_HARNESS_H

#include <string.h>

#include "guest.h"
#include "harness.h"

/* KVM_RUN once; it must succeed with exit reason @reason. */
#define ASSERT_EXIT(vm, reason) do {					\
	int __ret = vcpu_run(vm);					\
									\
	ASSERT_EQ(reason, __ret)					\
		TH_LOG("KVM_RUN: %s; %s", __ret < 0 ?			\
		       strerror(-__ret) : "ok", vcpu_exit_str(vm));	\
} while (0)

/* KVM_RUN once; the guest must report (GUEST_PORT_REPORT) @value. */
#define ASSERT_REPORT(vm, value) do {					\
	ASSERT_EXIT(vm, KVM_EXIT_IO);					\
	ASSERT_TRUE(vcpu_is_report(vm))					\
		TH_LOG("not a report: %s", vcpu_exit_str(vm));		\
	ASSERT_EQ((uint64_t)(value), vcpu_io_value(vm))			\
		TH_LOG("%s", vcpu_exit_str(vm));			\
} while (0)

/* KVM_RUN once; the guest must halt with RIP just past its HLT. */
#define ASSERT_HALTED_AT(vm, rip) do {					\
	ASSERT_EXIT(vm, KVM_EXIT_HLT);					\
	ASSERT_EQ((uint64_t)(rip), vcpu_get_rip(vm));			\
} while (0)

#endif /* HVM_GUEST_HARNESS_H */
