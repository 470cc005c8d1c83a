// SPDX-License-Identifier: GPL-2.0-only
/*
 * rmmod (hvm only): every /dev/hvm, VM and vCPU fd, and every vCPU
 * mapping, pins the hvmod module.  delete_module(O_NONBLOCK) must be
 * refused while any of them exists and succeed once all are gone; the
 * module is then loaded again from HVM_MODULE (default /hvmod/hvmod.ko)
 * and /dev/hvm must answer again.
 *
 * A refused delete_module() fails with EWOULDBLOCK (kernel/module/main.c:
 * try_stop_module()); EBUSY is accepted as well.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "harness.h"
#include "hvm_test.h"

FIXTURE(mod) {
	int unused;
};

FIXTURE_SETUP(mod)
{
	ASSERT_TRUE(dev_is_hvm()) TH_LOG("rmmod only applies to hvm");
	if (!module_loaded())
		module_load();
	ASSERT_TRUE(module_loaded()) TH_LOG("%s is not loaded",
					    HVM_MODULE_NAME);
}

/* Leave the module loaded for whatever runs next, even after a failure. */
FIXTURE_TEARDOWN(mod)
{
	int err;

	if (module_loaded())
		return;
	err = module_load();
	if (err)
		TH_LOG("reloading %s: %s", HVM_MODULE_NAME, strerror(err));
}

static void expect_unload_refused(struct __test_metadata *_metadata,
				  const char *why)
{
	int err = module_unload();

	ASSERT_NE(0, err) TH_LOG("module unloaded while %s", why);
	ASSERT_TRUE(err == EWOULDBLOCK || err == EBUSY)
		TH_LOG("while %s: %s", why, strerror(err));
	ASSERT_TRUE(module_loaded());
}

/* After a reload the device answers and starts from zero objects. */
static void expect_device_answers(struct __test_metadata *_metadata)
{
	struct hvm_objects objs;
	int dev, vm, vcpu;

	dev = dev_open();
	ASSERT_LE(0, dev) TH_LOG("open %s: %s", dev_path(), strerror(-dev));
	ASSERT_EQ(KVM_API_VERSION, ioctl_value(dev, KVM_GET_API_VERSION, 0));
	vm = vm_create(dev);
	ASSERT_LE(0, vm) TH_LOG("KVM_CREATE_VM: %s", strerror(-vm));
	vcpu = vcpu_create(vm, 0);
	ASSERT_LE(0, vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-vcpu));
	close(vcpu);
	close(vm);
	close(dev);
	ASSERT_EQ(0, read_hvm_objects(&objs));
	EXPECT_EQ(0, objs.vms);
	EXPECT_EQ(0, objs.vcpus);
	EXPECT_EQ(0, objs.pages);
	EXPECT_EQ(0, objs.pinned);
}

static void unload_and_reload(struct __test_metadata *_metadata)
{
	int err = module_unload();

	ASSERT_EQ(0, err) TH_LOG("delete_module: %s", strerror(err));
	ASSERT_FALSE(module_loaded());
	ASSERT_GT(0, dev_open()) TH_LOG("%s opened without the module",
					dev_path());
	err = module_load();
	ASSERT_EQ(0, err) TH_LOG("finit_module: %s", strerror(err));
	expect_device_answers(_metadata);
}

TEST_F(mod, reload_works)
{
	unload_and_reload(_metadata);
}

TEST_F(mod, dev_fd_holds_module)
{
	int dev = dev_open();

	ASSERT_LE(0, dev) TH_LOG("open %s: %s", dev_path(), strerror(-dev));
	expect_unload_refused(_metadata, "the /dev fd is open");
	close(dev);
	unload_and_reload(_metadata);
}

TEST_F(mod, vm_fd_holds_module)
{
	int dev, vm;

	dev = dev_open();
	ASSERT_LE(0, dev) TH_LOG("open %s: %s", dev_path(), strerror(-dev));
	vm = vm_create(dev);
	ASSERT_LE(0, vm) TH_LOG("KVM_CREATE_VM: %s", strerror(-vm));
	close(dev);
	expect_unload_refused(_metadata, "a VM fd is open");
	close(vm);
	unload_and_reload(_metadata);
}

TEST_F(mod, vcpu_fd_holds_module)
{
	int dev, vm, vcpu;

	dev = dev_open();
	ASSERT_LE(0, dev) TH_LOG("open %s: %s", dev_path(), strerror(-dev));
	vm = vm_create(dev);
	ASSERT_LE(0, vm) TH_LOG("KVM_CREATE_VM: %s", strerror(-vm));
	vcpu = vcpu_create(vm, 0);
	ASSERT_LE(0, vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-vcpu));
	close(dev);
	close(vm);
	expect_unload_refused(_metadata, "a vCPU fd is open");
	close(vcpu);
	unload_and_reload(_metadata);
}

TEST_F(mod, vcpu_mapping_holds_module)
{
	int dev, vm, vcpu;
	long size;
	void *run;

	dev = dev_open();
	ASSERT_LE(0, dev) TH_LOG("open %s: %s", dev_path(), strerror(-dev));
	size = ioctl_value(dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	ASSERT_LT(0, size);
	vm = vm_create(dev);
	ASSERT_LE(0, vm) TH_LOG("KVM_CREATE_VM: %s", strerror(-vm));
	vcpu = vcpu_create(vm, 0);
	ASSERT_LE(0, vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-vcpu));
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ASSERT_NE(MAP_FAILED, run) TH_LOG("mmap: %s", strerror(errno));
	close(dev);
	close(vm);
	close(vcpu);
	expect_unload_refused(_metadata, "only a vCPU mapping is left");
	/* The mapping still works while it pins the module. */
	read_byte(run);
	ASSERT_EQ(0, munmap(run, size));
	unload_and_reload(_metadata);
}

TEST_HARNESS_MAIN
