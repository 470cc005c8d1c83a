// SPDX-License-Identifier: GPL-2.0-only
/*
 * bad_ioctls: unknown or misplaced ioctl numbers on each kind of fd, and
 * ioctls issued from a fork()ed child, which does not share the VM's mm.
 *
 * KVM 6.1 reference (virt/kvm/kvm_main.c unless noted):
 *   system fd: kvm_dev_ioctl() -> arch/x86/kvm/x86.c:kvm_arch_dev_ioctl()
 *              default: -EINVAL; no mm check.
 *   VM fd:     kvm_vm_ioctl(): kvm->mm != current->mm -> -EIO first;
 *              arch/x86/kvm/x86.c:kvm_arch_vm_ioctl() default: -ENOTTY.
 *   vCPU fd:   kvm_vcpu_ioctl(): mm check -> -EIO first; then
 *              _IOC_TYPE(ioctl) != KVMIO -> -EINVAL;
 *              arch/x86/kvm/x86.c:kvm_arch_vcpu_ioctl() default: -EINVAL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "harness.h"
#include "hvm_test.h"

#define IOCTL_UNKNOWN_KVMIO	_IO(KVMIO, 0xff)
#define IOCTL_FOREIGN		_IOW('x', 1, int)
#define IOCTL_ZERO		0UL

/* Numbers no fd kind of KVM knows. */
static const unsigned long unknown_ioctls[] = {
	IOCTL_UNKNOWN_KVMIO,
	IOCTL_FOREIGN,
	IOCTL_ZERO,
};

/* Valid KVM ioctls sent to the wrong kind of fd. */
static const unsigned long not_for_dev[] = {
	KVM_CREATE_VCPU, KVM_GET_REGS, KVM_SET_REGS, KVM_RUN,
};

static const unsigned long not_for_vm[] = {
	KVM_GET_API_VERSION, KVM_CREATE_VM, KVM_GET_VCPU_MMAP_SIZE,
	KVM_GET_REGS, KVM_SET_REGS, KVM_RUN,
};

static const unsigned long not_for_vcpu[] = {
	KVM_GET_API_VERSION, KVM_CREATE_VM, KVM_CHECK_EXTENSION,
	KVM_GET_VCPU_MMAP_SIZE, KVM_CREATE_VCPU,
};

/* An ioctl and the errno KVM returns for it. */
struct ioctl_case {
	const char *what;
	int fd;
	unsigned long req;
	unsigned long arg;
	int err;
};

/* Zeroed, so that no ioctl reads garbage if it does use its argument. */
static struct kvm_regs scratch[8];

#define SCRATCH	((unsigned long)scratch)

/* Runs the cases; returns 0 or the 1-based index of the first mismatch. */
static int run_cases(const struct ioctl_case *c, int n)
{
	int i, err;

	for (i = 0; i < n; i++) {
		err = ioctl_errno(c[i].fd, c[i].req, c[i].arg);
		if (err != c[i].err) {
			fprintf(stderr, "# %s: errno %d (%s), expected %d (%s)\n",
				c[i].what, err, strerror(err), c[i].err,
				strerror(c[i].err));
			return i + 1;
		}
	}
	return 0;
}

static void expect_errno_all(struct __test_metadata *_metadata, int fd,
			     const unsigned long *reqs, unsigned int n,
			     int err)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		EXPECT_EQ(err, ioctl_errno(fd, reqs[i], SCRATCH))
			TH_LOG("ioctl %#lx", reqs[i]);
	}
}

FIXTURE(fds) {
	int dev;
	int vm;
	int vcpu;
};

FIXTURE_SETUP(fds)
{
	fds_open(_metadata, &self->dev, &self->vm, &self->vcpu);
}

FIXTURE_TEARDOWN(fds)
{
	fds_close(self->dev, self->vm, self->vcpu);
}

TEST_F(fds, dev_unknown_ioctls)
{
	expect_errno_all(_metadata, self->dev, unknown_ioctls,
			 ARRAY_SIZE(unknown_ioctls), EINVAL);
	expect_errno_all(_metadata, self->dev, not_for_dev,
			 ARRAY_SIZE(not_for_dev), EINVAL);
}

TEST_F(fds, vm_unknown_ioctls)
{
	expect_errno_all(_metadata, self->vm, unknown_ioctls,
			 ARRAY_SIZE(unknown_ioctls), ENOTTY);
	expect_errno_all(_metadata, self->vm, not_for_vm,
			 ARRAY_SIZE(not_for_vm), ENOTTY);
}

TEST_F(fds, vcpu_unknown_ioctls)
{
	expect_errno_all(_metadata, self->vcpu, unknown_ioctls,
			 ARRAY_SIZE(unknown_ioctls), EINVAL);
	expect_errno_all(_metadata, self->vcpu, not_for_vcpu,
			 ARRAY_SIZE(not_for_vcpu), EINVAL);
}

/* In the child every VM and vCPU ioctl fails with -EIO, known or not. */
static int child_vm_vcpu_ioctls(int vm, int vcpu)
{
	const struct ioctl_case cases[] = {
		{ "vm CREATE_VCPU", vm, KVM_CREATE_VCPU, 1, EIO },
		{ "vm CHECK_EXTENSION", vm, KVM_CHECK_EXTENSION,
		  KVM_CAP_MAX_VCPUS, EIO },
		{ "vm unknown", vm, IOCTL_UNKNOWN_KVMIO, SCRATCH, EIO },
		{ "vm foreign", vm, IOCTL_FOREIGN, SCRATCH, EIO },
		{ "vcpu GET_REGS", vcpu, KVM_GET_REGS, SCRATCH, EIO },
		{ "vcpu SET_REGS", vcpu, KVM_SET_REGS, SCRATCH, EIO },
		{ "vcpu RUN", vcpu, KVM_RUN, 0, EIO },
		{ "vcpu unknown", vcpu, IOCTL_UNKNOWN_KVMIO, SCRATCH, EIO },
		{ "vcpu foreign", vcpu, IOCTL_FOREIGN, SCRATCH, EIO },
	};

	return run_cases(cases, ARRAY_SIZE(cases));
}

TEST_F(fds, child_vm_vcpu_eio)
{
	struct kvm_regs regs;
	pid_t pid;
	int vcpu1;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(child_vm_vcpu_ioctls(self->vm, self->vcpu));
	ASSERT_EQ(0, wait_child(pid)) TH_LOG("child failed, see above");

	/* The child's attempts changed nothing; the parent still works. */
	vcpu1 = vcpu_create(self->vm, 1);
	ASSERT_LE(0, vcpu1) TH_LOG("KVM_CREATE_VCPU 1: %s", strerror(-vcpu1));
	close(vcpu1);
	ASSERT_EQ(0, ioctl_errno(self->vcpu, KVM_GET_REGS,
				 (unsigned long)&regs));
}

/* The system fd has no owner: the child can use it, even to make VMs. */
static int child_dev_ioctls(int dev, long max_vcpus, long mmap_size)
{
	int vm, vcpu, ret;

	if (ioctl_value(dev, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return 1;
	if (check_cap(dev, KVM_CAP_MAX_VCPUS) != max_vcpus)
		return 2;
	if (ioctl_value(dev, KVM_GET_VCPU_MMAP_SIZE, 0) != mmap_size)
		return 3;
	if (ioctl_errno(dev, IOCTL_UNKNOWN_KVMIO, SCRATCH) != EINVAL)
		return 4;
	vm = vm_create(dev);
	if (vm < 0)
		return 5;
	vcpu = vcpu_create(vm, 0);
	ret = vcpu < 0 ? 6 : 0;
	if (!ret && ioctl_errno(vcpu, KVM_GET_REGS, SCRATCH))
		ret = 7;
	if (vcpu >= 0)
		close(vcpu);
	close(vm);
	return ret;
}

TEST_F(fds, child_dev_ioctls)
{
	long max_vcpus = check_cap(self->dev, KVM_CAP_MAX_VCPUS);
	long mmap_size = ioctl_value(self->dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	pid_t pid;

	ASSERT_LT(0, max_vcpus);
	ASSERT_LT(0, mmap_size);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(child_dev_ioctls(self->dev, max_vcpus, mmap_size));
	ASSERT_EQ(0, wait_child(pid)) TH_LOG("child check failed");
}

TEST_HARNESS_MAIN
