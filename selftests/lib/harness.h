/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kselftest harness, included the same way by every test.
 *
 * Tests are built with -Wextra; the harness' SIGALRM handler has an unused
 * parameter, so that one warning is silenced for the harness only.
 *
 * ASSERT_*() and EXPECT_*() expand to two statements (the check, then a
 * for loop that runs an optional TH_LOG() and bails out).  As the body of
 * a loop or of an if with an else they must be braced, whatever checkpatch
 * says about braces around single statements.
 */
#ifndef HVM_HARNESS_H
#define HVM_HARNESS_H

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include <string.h>
#include <unistd.h>

#include "hvm_test.h"

/*
 * Fixture setup shared by tests that need the device, a VM and vCPU 0
 * (fds -1 until opened, so that teardown after a failed setup is safe).
 */
static inline void fds_open(struct __test_metadata *_metadata, int *dev,
			    int *vm, int *vcpu)
{
	*vm = -1;
	*vcpu = -1;
	*dev = dev_open();
	ASSERT_LE(0, *dev) TH_LOG("open %s: %s", dev_path(), strerror(-*dev));
	*vm = vm_create(*dev);
	ASSERT_LE(0, *vm) TH_LOG("KVM_CREATE_VM: %s", strerror(-*vm));
	*vcpu = vcpu_create(*vm, 0);
	ASSERT_LE(0, *vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-*vcpu));
}

static inline void fds_close(int dev, int vm, int vcpu)
{
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	if (dev >= 0)
		close(dev);
}

#endif /* HVM_HARNESS_H */
