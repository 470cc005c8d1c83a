// SPDX-License-Identifier: GPL-2.0-only
/*
 * api: system-fd ioctls of the device under test (HVM_DEV).
 *
 * KVM 6.1 is the reference: virt/kvm/kvm_main.c:kvm_dev_ioctl() and
 * kvm_vm_ioctl_check_extension_generic(), arch/x86/kvm/x86.c:
 * kvm_vm_ioctl_check_extension() and kvm_arch_init_vm().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "harness.h"
#include "hvm_test.h"

/* Capabilities hvmod does not implement yet but KVM 6.1 x86 reports. */
static const long unimplemented_caps[] = {
	KVM_CAP_IRQCHIP,
	KVM_CAP_SYNC_REGS,
	KVM_CAP_X86_USER_SPACE_MSR,
};

/* Numbers no KVM version defines. */
static const long unknown_caps[] = { -1, 1000, 0x7fffffff };

/* Highest capability number probed when comparing VM and system fds. */
#define CAP_PROBE_LAST	255

FIXTURE(api) {
	int dev;
};

FIXTURE_SETUP(api)
{
	self->dev = dev_open();
	ASSERT_LE(0, self->dev)
		TH_LOG("open %s: %s", dev_path(), strerror(-self->dev));
}

FIXTURE_TEARDOWN(api)
{
	close(self->dev);
}

TEST_F(api, api_version)
{
	ASSERT_EQ(KVM_API_VERSION,
		  ioctl_value(self->dev, KVM_GET_API_VERSION, 0));
	/* kvm_dev_ioctl(): a non-zero argument is -EINVAL. */
	ASSERT_EQ(EINVAL, ioctl_errno(self->dev, KVM_GET_API_VERSION, 1));
}

TEST_F(api, vcpu_caps)
{
	long nr = check_cap(self->dev, KVM_CAP_NR_VCPUS);
	long max = check_cap(self->dev, KVM_CAP_MAX_VCPUS);
	long max_id = check_cap(self->dev, KVM_CAP_MAX_VCPU_ID);

	TH_LOG("%s: NR_VCPUS %ld MAX_VCPUS %ld MAX_VCPU_ID %ld",
	       dev_label(), nr, max, max_id);
	ASSERT_LT(0, nr);
	ASSERT_LE(nr, max);
	ASSERT_LE(max, max_id);
	ASSERT_LT(0, check_cap(self->dev, KVM_CAP_CHECK_EXTENSION_VM));
}

TEST_F(api, unimplemented_caps)
{
	unsigned int i;
	long val;

	for (i = 0; i < ARRAY_SIZE(unimplemented_caps); i++) {
		val = check_cap(self->dev, unimplemented_caps[i]);
		if (dev_is_hvm()) {
			EXPECT_EQ(0, val)
				TH_LOG("hvm cap %ld", unimplemented_caps[i]);
		} else {
			EXPECT_LT(0, val)
				TH_LOG("kvm cap %ld", unimplemented_caps[i]);
		}
	}
}

TEST_F(api, unknown_caps)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(unknown_caps); i++) {
		EXPECT_EQ(0, check_cap(self->dev, unknown_caps[i]))
			TH_LOG("cap %ld", unknown_caps[i]);
	}
}

TEST_F(api, vm_caps_match_dev)
{
	long cap, on_dev, on_vm;
	int vm = vm_create(self->dev);

	ASSERT_LE(0, vm) TH_LOG("KVM_CREATE_VM: %s", strerror(-vm));
	for (cap = 0; cap <= CAP_PROBE_LAST; cap++) {
		on_dev = check_cap(self->dev, cap);
		on_vm = check_cap(vm, cap);
		EXPECT_EQ(on_dev, on_vm) TH_LOG("cap %ld", cap);
	}
	close(vm);
}

TEST_F(api, mmap_size)
{
	long size = ioctl_value(self->dev, KVM_GET_VCPU_MMAP_SIZE, 0);

	TH_LOG("%s: vCPU mmap size %ld", dev_label(), size);
	ASSERT_LE((long)sizeof(struct kvm_run), size);
	ASSERT_EQ(0, size % page_size());
}

TEST_F(api, mmap_size_arg)
{
	/* kvm_dev_ioctl(): a non-zero argument is -EINVAL. */
	ASSERT_EQ(EINVAL, ioctl_errno(self->dev, KVM_GET_VCPU_MMAP_SIZE, 1));
}

TEST_F(api, mmap_size_maps)
{
	long size = ioctl_value(self->dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	unsigned char *map;
	int vm, vcpu;
	long off;

	ASSERT_LT(0, size);
	vm = vm_create(self->dev);
	ASSERT_LE(0, vm) TH_LOG("KVM_CREATE_VM: %s", strerror(-vm));
	vcpu = vcpu_create(vm, 0);
	ASSERT_LE(0, vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-vcpu));

	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ASSERT_NE(MAP_FAILED, map) TH_LOG("mmap: %s", strerror(errno));
	for (off = 0; off < size; off += page_size())
		read_byte(map + off);
	ASSERT_EQ(0, munmap(map, size));
	close(vcpu);
	close(vm);
}

TEST_F(api, create_vm_types)
{
	int vm;

	/* kvm_arch_init_vm(): x86 accepts only type 0. */
	ASSERT_EQ(EINVAL, ioctl_errno(self->dev, KVM_CREATE_VM, 1));
	ASSERT_EQ(EINVAL, ioctl_errno(self->dev, KVM_CREATE_VM, ~0UL));
	vm = vm_create(self->dev);
	ASSERT_LE(0, vm) TH_LOG("KVM_CREATE_VM: %s", strerror(-vm));
	close(vm);
}

TEST_F(api, two_vms)
{
	int vm[2], vcpu[2], i;

	for (i = 0; i < 2; i++) {
		vm[i] = vm_create(self->dev);
		ASSERT_LE(0, vm[i]) TH_LOG("VM %d: %s", i, strerror(-vm[i]));
	}
	/* vCPU ids are per VM. */
	for (i = 0; i < 2; i++) {
		vcpu[i] = vcpu_create(vm[i], 0);
		ASSERT_LE(0, vcpu[i])
			TH_LOG("vCPU in VM %d: %s", i, strerror(-vcpu[i]));
	}
	for (i = 0; i < 2; i++) {
		close(vcpu[i]);
		close(vm[i]);
	}
}

TEST_F(api, fds_are_cloexec)
{
	int vm, vcpu;

	/*
	 * kvm_dev_ioctl_create_vm() uses get_unused_fd_flags(O_CLOEXEC),
	 * create_vcpu_fd() uses anon_inode_getfd(..., O_RDWR | O_CLOEXEC).
	 */
	vm = vm_create(self->dev);
	ASSERT_LE(0, vm) TH_LOG("KVM_CREATE_VM: %s", strerror(-vm));
	vcpu = vcpu_create(vm, 0);
	ASSERT_LE(0, vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-vcpu));
	EXPECT_EQ(FD_CLOEXEC, fcntl(vm, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(FD_CLOEXEC, fcntl(vcpu, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(vm, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(O_RDWR, fcntl(vcpu, F_GETFL) & O_ACCMODE);
	close(vcpu);
	close(vm);
}

TEST_HARNESS_MAIN
