// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu_migrate (needs 2 CPUs): vCPU state must not depend on the host CPU
 * the ioctl runs on.  A VMCS or VMCB used on one CPU and then another must
 * still show the values last written, VMs created on one CPU may be
 * destroyed on another, and vCPUs of one VM may be used from several CPUs
 * at once.  KVM handles all of this (vcpu_load()/vcpu_put() around each
 * register access in arch/x86/kvm/x86.c:kvm_arch_vcpu_ioctl_get_regs()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "hvm_test.h"

#define MAX_CPUS	64
#define PASSES		3
#define CREATE_LOOPS	20
#define MAX_THREADS	4
#define THREAD_LOOPS	2000

FIXTURE(migrate) {
	int dev;
	int vm;
	int cpus[MAX_CPUS];
	int nr_cpus;
};

static int allowed_cpus(int *cpus, int max)
{
	cpu_set_t set;
	int cpu, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (cpu = 0; cpu < CPU_SETSIZE && n < max; cpu++)
		if (CPU_ISSET(cpu, &set))
			cpus[n++] = cpu;
	return n;
}

static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static void tagged_regs(struct kvm_regs *regs, __u64 tag)
{
	__u64 *r = (__u64 *)regs;
	unsigned int i;

	for (i = 0; i < sizeof(*regs) / sizeof(__u64); i++)
		r[i] = (tag << 8) | (i + 1);
	regs->rip = 0x1000 + tag;	/* canonical */
	regs->rflags = 0x2;
}

FIXTURE_SETUP(migrate)
{
	self->vm = -1;
	self->dev = dev_open();
	ASSERT_LE(0, self->dev)
		TH_LOG("open %s: %s", dev_path(), strerror(-self->dev));
	/*
	 * Each test SKIPs with fewer than 2 CPUs: with this harness a SKIP
	 * in the setup would not stop the test body.  run-suite never runs
	 * it there (min_cpus 2 in tests.list).
	 */
	self->nr_cpus = allowed_cpus(self->cpus, MAX_CPUS);
	self->vm = vm_create(self->dev);
	ASSERT_LE(0, self->vm)
		TH_LOG("KVM_CREATE_VM: %s", strerror(-self->vm));
}

FIXTURE_TEARDOWN(migrate)
{
	if (self->vm >= 0)
		close(self->vm);
	close(self->dev);
}

TEST_F(migrate, regs_follow_vcpu)
{
	struct kvm_regs set, got;
	int pass, i, cpu, next, vcpu;

	if (self->nr_cpus < 2)
		SKIP(return, "needs 2 CPUs, has %d", self->nr_cpus);
	vcpu = vcpu_create(self->vm, 0);
	ASSERT_LE(0, vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-vcpu));
	for (pass = 0; pass < PASSES; pass++) {
		for (i = 0; i < self->nr_cpus; i++) {
			cpu = self->cpus[i];
			next = self->cpus[(i + 1 + pass) % self->nr_cpus];
			ASSERT_EQ(0, pin_to_cpu(cpu));
			tagged_regs(&set, (__u64)pass << 16 | cpu);
			ASSERT_EQ(0, ioctl_errno(vcpu, KVM_SET_REGS,
						 (unsigned long)&set));
			ASSERT_EQ(0, pin_to_cpu(next));
			ASSERT_EQ(0, ioctl_errno(vcpu, KVM_GET_REGS,
						 (unsigned long)&got));
			ASSERT_EQ(0, memcmp(&set, &got, sizeof(set)))
				TH_LOG("set on CPU %d, read on CPU %d",
				       cpu, next);
		}
	}
	close(vcpu);
}

TEST_F(migrate, destroy_on_other_cpu)
{
	struct hvm_objects objs;
	int loop, vm, vcpu0, vcpu1, a, b;

	if (self->nr_cpus < 2)
		SKIP(return, "needs 2 CPUs, has %d", self->nr_cpus);
	for (loop = 0; loop < CREATE_LOOPS; loop++) {
		a = self->cpus[loop % self->nr_cpus];
		b = self->cpus[(loop + 1) % self->nr_cpus];
		ASSERT_EQ(0, pin_to_cpu(a));
		vm = vm_create(self->dev);
		ASSERT_LE(0, vm) TH_LOG("KVM_CREATE_VM: %s", strerror(-vm));
		vcpu0 = vcpu_create(vm, 0);
		ASSERT_LE(0, vcpu0) TH_LOG("vCPU 0: %s", strerror(-vcpu0));
		ASSERT_EQ(0, pin_to_cpu(b));
		vcpu1 = vcpu_create(vm, 1);
		ASSERT_LE(0, vcpu1) TH_LOG("vCPU 1: %s", strerror(-vcpu1));
		ASSERT_EQ(0, pin_to_cpu(a));
		close(vcpu1);
		ASSERT_EQ(0, pin_to_cpu(b));
		close(vm);
		close(vcpu0);
	}
	close(self->vm);
	self->vm = -1;
	if (dev_is_hvm()) {
		ASSERT_EQ(0, read_hvm_objects(&objs));
		EXPECT_EQ(0, objs.vms);
		EXPECT_EQ(0, objs.vcpus);
		EXPECT_EQ(0, objs.pages);
	}
}

struct vcpu_thread {
	pthread_t thread;
	int cpu;
	int vcpu;
	int error;	/* 0, or the loop that failed + 1 */
};

static void *vcpu_thread_fn(void *arg)
{
	struct vcpu_thread *t = arg;
	struct kvm_regs set, got;
	int loop;

	if (pin_to_cpu(t->cpu)) {
		t->error = -1;
		return NULL;
	}
	for (loop = 0; loop < THREAD_LOOPS; loop++) {
		tagged_regs(&set, (__u64)t->cpu << 16 | loop);
		if (ioctl_errno(t->vcpu, KVM_SET_REGS, (unsigned long)&set) ||
		    ioctl_errno(t->vcpu, KVM_GET_REGS, (unsigned long)&got) ||
		    memcmp(&set, &got, sizeof(set))) {
			t->error = loop + 1;
			break;
		}
	}
	return NULL;
}

TEST_F(migrate, parallel_vcpus)
{
	struct vcpu_thread t[MAX_THREADS];
	int i, n = self->nr_cpus < MAX_THREADS ? self->nr_cpus : MAX_THREADS;
	long max_vcpus = check_cap(self->dev, KVM_CAP_MAX_VCPUS);

	if (self->nr_cpus < 2)
		SKIP(return, "needs 2 CPUs, has %d", self->nr_cpus);
	if (max_vcpus < n)
		n = max_vcpus;
	for (i = 0; i < n; i++) {
		t[i].cpu = self->cpus[i];
		t[i].error = 0;
		t[i].vcpu = vcpu_create(self->vm, i);
		ASSERT_LE(0, t[i].vcpu)
			TH_LOG("vCPU %d: %s", i, strerror(-t[i].vcpu));
	}
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, pthread_create(&t[i].thread, NULL,
					    vcpu_thread_fn, &t[i]));
	}
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, pthread_join(t[i].thread, NULL));
	for (i = 0; i < n; i++) {
		EXPECT_EQ(0, t[i].error) TH_LOG("vCPU %d on CPU %d", i,
						t[i].cpu);
		close(t[i].vcpu);
	}
}

TEST_HARNESS_MAIN
