// SPDX-License-Identifier: GPL-2.0-only
/*
 * interlock: hvmod and KVM cannot both own VMX/SVM.  Whichever hypervisor
 * has a live VM holds virtualization on every CPU; KVM_CREATE_VM on the
 * other one fails with -EBUSY until the holder's last VM is destroyed.
 *
 * Needs both devices: /dev/kvm and HVM_DEV (default /dev/hvm).
 *
 * KVM 6.1 reference: virt/kvm/kvm_main.c:kvm_create_vm() calls
 * hardware_enable_all(), which returns -EBUSY when enabling fails on any
 * CPU (arch/x86/kvm/svm/svm.c:svm_hardware_enable(): EFER.SVME already set;
 * arch/x86/kvm/vmx/vmx.c:vmx_hardware_enable(): CR4.VMXE already set).
 * A VM lives until its last reference goes: the VM fd, any vCPU fd
 * (kvm_vcpu_release()), and through it any vCPU mapping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "harness.h"
#include "hvm_test.h"

#define ROUNDS	5

/* One hypervisor: its name and its system fd. */
struct side {
	const char *name;
	int dev;
};

FIXTURE(both) {
	struct side hvm;
	struct side kvm;
};

static const char *hvm_path(void)
{
	return dev_is_hvm() ? dev_path() : HVM_DEV_DEFAULT;
}

FIXTURE_SETUP(both)
{
	self->hvm.name = "hvm";
	self->kvm.name = "kvm";
	self->kvm.dev = -1;
	self->hvm.dev = dev_open_path(hvm_path());
	ASSERT_LE(0, self->hvm.dev)
		TH_LOG("open %s: %s", hvm_path(), strerror(-self->hvm.dev));
	self->kvm.dev = dev_open_path(KVM_DEV_PATH);
	ASSERT_LE(0, self->kvm.dev)
		TH_LOG("open %s: %s", KVM_DEV_PATH, strerror(-self->kvm.dev));
}

FIXTURE_TEARDOWN(both)
{
	if (self->kvm.dev >= 0)
		close(self->kvm.dev);
	close(self->hvm.dev);
}

static void expect_busy(struct __test_metadata *_metadata,
			const struct side *other, const char *why)
{
	int vm = vm_create(other->dev);

	if (vm >= 0)
		close(vm);
	ASSERT_EQ(-EBUSY, vm) TH_LOG("%s VM while %s", other->name, why);
	/* The refused side still answers system ioctls. */
	ASSERT_EQ(KVM_API_VERSION,
		  ioctl_value(other->dev, KVM_GET_API_VERSION, 0));
}

static void expect_usable(struct __test_metadata *_metadata,
			  const struct side *side, const char *why)
{
	int vm = vm_create(side->dev);

	ASSERT_LE(0, vm) TH_LOG("%s VM after %s: %s", side->name, why,
				strerror(-vm));
	close(vm);
}

/* A failed KVM_CREATE_VM on hvm must leave no object behind. */
static void expect_no_hvm_objects(struct __test_metadata *_metadata)
{
	struct hvm_objects objs;

	ASSERT_EQ(0, read_hvm_objects(&objs))
		TH_LOG("cannot read %s", HVM_OBJECTS_PATH);
	EXPECT_EQ(0, objs.vms);
	EXPECT_EQ(0, objs.vcpus);
	EXPECT_EQ(0, objs.pages);
	EXPECT_EQ(0, objs.pinned);
}

/* holder keeps two VMs; other is refused until both are closed. */
static void hold_two_vms(struct __test_metadata *_metadata,
			 const struct side *holder, const struct side *other)
{
	int vm1, vm2;

	vm1 = vm_create(holder->dev);
	ASSERT_LE(0, vm1) TH_LOG("%s VM: %s", holder->name, strerror(-vm1));
	vm2 = vm_create(holder->dev);
	ASSERT_LE(0, vm2) TH_LOG("%s VM: %s", holder->name, strerror(-vm2));
	expect_busy(_metadata, other, "two VMs live");
	close(vm1);
	expect_busy(_metadata, other, "one VM live");
	close(vm2);
	expect_usable(_metadata, other, "the last VM closed");
}

/* The VM fd is closed first: the vCPU fd alone keeps the VM alive. */
static void hold_by_vcpu_fd(struct __test_metadata *_metadata,
			    const struct side *holder,
			    const struct side *other)
{
	int vm, vcpu;

	vm = vm_create(holder->dev);
	ASSERT_LE(0, vm) TH_LOG("%s VM: %s", holder->name, strerror(-vm));
	vcpu = vcpu_create(vm, 0);
	ASSERT_LE(0, vcpu) TH_LOG("%s vCPU: %s", holder->name,
				  strerror(-vcpu));
	close(vm);
	expect_busy(_metadata, other, "a vCPU fd is open");
	close(vcpu);
	expect_usable(_metadata, other, "the vCPU fd closed");
}

/* All fds are closed: the kvm_run mapping alone keeps the VM alive. */
static void hold_by_mapping(struct __test_metadata *_metadata,
			    const struct side *holder,
			    const struct side *other)
{
	long size = ioctl_value(holder->dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	void *run;
	int vm, vcpu;

	ASSERT_LT(0, size);
	vm = vm_create(holder->dev);
	ASSERT_LE(0, vm) TH_LOG("%s VM: %s", holder->name, strerror(-vm));
	vcpu = vcpu_create(vm, 0);
	ASSERT_LE(0, vcpu) TH_LOG("%s vCPU: %s", holder->name,
				  strerror(-vcpu));
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ASSERT_NE(MAP_FAILED, run) TH_LOG("mmap: %s", strerror(errno));
	close(vcpu);
	close(vm);
	expect_busy(_metadata, other, "a vCPU is mapped");
	ASSERT_EQ(0, munmap(run, size));
	expect_usable(_metadata, other, "the mapping went away");
}

TEST_F(both, kvm_blocks_hvm)
{
	int vm = vm_create(self->kvm.dev);

	ASSERT_LE(0, vm) TH_LOG("kvm VM: %s", strerror(-vm));
	expect_busy(_metadata, &self->hvm, "a kvm VM is live");
	expect_no_hvm_objects(_metadata);
	close(vm);
	expect_usable(_metadata, &self->hvm, "the kvm VM closed");
}

TEST_F(both, hvm_blocks_kvm)
{
	int vm = vm_create(self->hvm.dev);

	ASSERT_LE(0, vm) TH_LOG("hvm VM: %s", strerror(-vm));
	expect_busy(_metadata, &self->kvm, "an hvm VM is live");
	close(vm);
	expect_usable(_metadata, &self->kvm, "the hvm VM closed");
}

TEST_F(both, alternate)
{
	int round;

	for (round = 0; round < ROUNDS; round++) {
		TH_LOG("round %d", round);
		hold_two_vms(_metadata, &self->hvm, &self->kvm);
		hold_two_vms(_metadata, &self->kvm, &self->hvm);
	}
}

TEST_F(both, vcpu_fd_keeps_hold)
{
	hold_by_vcpu_fd(_metadata, &self->hvm, &self->kvm);
	hold_by_vcpu_fd(_metadata, &self->kvm, &self->hvm);
}

TEST_F(both, mapping_keeps_hold)
{
	hold_by_mapping(_metadata, &self->hvm, &self->kvm);
	hold_by_mapping(_metadata, &self->kvm, &self->hvm);
}

TEST_HARNESS_MAIN
