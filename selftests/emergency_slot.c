// SPDX-License-Identifier: GPL-2.0-only
/*
 * emergency_slot (VT-x, hvm): the kernel's emergency "disable
 * virtualization" callback has one slot (6.1's reboot.c), which kvm-intel
 * fills from load to unload; a second registration WARNs. hvmod takes the
 * slot only while it holds VMX and kvm_intel is absent, and hands it over
 * when kvm_intel loads or unloads meanwhile (vmx/vmx_emergency.c). This
 * walks every hand-over and asserts that the kernel logged no WARNING.
 * Leaves kvm_intel loaded, as run-suite had it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "hvm_test.h"

/* WARNING lines in the kernel log so far, or -1. */
static int kernel_warnings(void)
{
	FILE *f = popen("dmesg | grep -c 'WARNING:'", "r");
	int n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	pclose(f);
	return n;
}

static int set_kvm_intel_loaded(int load)
{
	return system(load ? "modprobe kvm_intel" : "rmmod kvm_intel");
}

/* A fixture only because the 6.1 harness's plain TEST() trips -Wextra. */
FIXTURE(slot) {
	int unused;
};

FIXTURE_SETUP(slot)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(slot)
{
}

TEST_F(slot, hand_over_both_ways)
{
	int before = kernel_warnings(), dev, vm;

	ASSERT_LE(0, before);
	ASSERT_EQ(0, set_kvm_intel_loaded(0));
	dev = dev_open();
	ASSERT_LE(0, dev);

	/* kvm_intel absent: hvmod's first VM puts hvmod in the slot. */
	vm = vm_create(dev);
	ASSERT_LE(0, vm);
	/* kvm_intel loads while hvmod holds VMX: hvmod steps aside. */
	EXPECT_EQ(0, set_kvm_intel_loaded(1));
	/* kvm_intel unloads: hvmod takes the slot back... */
	EXPECT_EQ(0, set_kvm_intel_loaded(0));
	/* ...and gives it up with its last VM. */
	close(vm);

	/* Again with the VM created while kvm_intel is present. */
	EXPECT_EQ(0, set_kvm_intel_loaded(1));
	vm = vm_create(dev);
	ASSERT_LE(0, vm);
	EXPECT_EQ(0, close(vm));
	close(dev);
	EXPECT_EQ(before, kernel_warnings());
}

TEST_HARNESS_MAIN
