// SPDX-License-Identifier: GPL-2.0-only
/*
 * virt_state (AMD-V): the hypervisor holds SVM (EFER.SVME set) on every
 * online CPU exactly while one of its VMs exists, and CPU hotplug keeps
 * that true: a CPU brought online while a VM lives gets SVME, a CPU taken
 * offline loses it. KVM 6.1 does the same (hardware_enable_all() and its
 * cpuhp callbacks), so this runs against both devices. EFER is read with
 * the msr driver (/dev/cpu/N/msr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "hvm_test.h"

#define MSR_EFER	0xc0000080
#define EFER_SVME	(1ULL << 12)
#define MAX_CPUS	64

/* 1 or 0: EFER.SVME of @cpu; -errno if it cannot be read. */
static int cpu_svme(int cpu)
{
	char path[64];
	__u64 efer;
	int fd, n;

	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = pread(fd, &efer, sizeof(efer), MSR_EFER);
	close(fd);
	if (n != sizeof(efer))
		return -EIO;
	return !!(efer & EFER_SVME);
}

static int cpu_is_online(int cpu)
{
	char path[64], c = '1';
	int fd;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online",
		 cpu);
	fd = open(path, O_RDONLY);
	if (fd < 0)	/* CPU 0 has no "online" file: always online */
		return cpu == 0 || errno != ENOENT ? 1 : 0;
	if (read(fd, &c, 1) != 1)
		c = '0';
	close(fd);
	return c == '1';
}

static int cpu_set_online(int cpu, int online)
{
	char path[64];
	int fd, r = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online",
		 cpu);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, online ? "1" : "0", 1) != 1)
		r = -errno;
	close(fd);
	return r;
}

/*
 * Number of online CPUs whose SVME differs from @want, or -errno. A CPU
 * whose msr file cannot be read counts as an error: the test would be
 * blind there.
 */
static int cpus_not_in_state(int want)
{
	int cpu, bad = 0, s;
	long n = sysconf(_SC_NPROCESSORS_CONF);

	for (cpu = 0; cpu < n && cpu < MAX_CPUS; cpu++) {
		if (!cpu_is_online(cpu))
			continue;
		s = cpu_svme(cpu);
		if (s < 0)
			return s;
		bad += s != want;
	}
	return bad;
}

FIXTURE(virt) {
	int dev;
};

FIXTURE_SETUP(virt)
{
	/* The msr driver is a module in Debian's kernel. */
	if (access("/dev/cpu/0/msr", R_OK))
		ASSERT_EQ(0, system("modprobe msr"));
	ASSERT_EQ(1, cpu_svme(0) >= 0);
	self->dev = dev_open();
	ASSERT_GE(self->dev, 0);
}

FIXTURE_TEARDOWN(virt)
{
	close(self->dev);
}

TEST_F(virt, off_without_vms)
{
	EXPECT_EQ(0, cpus_not_in_state(0));
}

TEST_F(virt, on_while_vm_lives)
{
	int vm = vm_create(self->dev);

	ASSERT_GE(vm, 0);
	EXPECT_EQ(0, cpus_not_in_state(1));
	close(vm);
	EXPECT_EQ(0, cpus_not_in_state(0));
}

/* A vCPU fd alone keeps the VM, so SVM stays on until it is closed. */
TEST_F(virt, vcpu_fd_keeps_it_on)
{
	int vm = vm_create(self->dev), vcpu;

	ASSERT_GE(vm, 0);
	vcpu = vcpu_create(vm, 0);
	ASSERT_GE(vcpu, 0);
	close(vm);
	EXPECT_EQ(0, cpus_not_in_state(1));
	close(vcpu);
	EXPECT_EQ(0, cpus_not_in_state(0));
}

TEST_F(virt, two_vms_last_one_turns_off)
{
	int a = vm_create(self->dev), b = vm_create(self->dev);

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	close(a);
	EXPECT_EQ(0, cpus_not_in_state(1));
	close(b);
	EXPECT_EQ(0, cpus_not_in_state(0));
}

/* Needs a second CPU; the sandbox for this test has two (tests.list). */
TEST_F(virt, hotplug_follows_state)
{
	int vm;

	ASSERT_EQ(1, cpu_is_online(1));
	vm = vm_create(self->dev);
	ASSERT_GE(vm, 0);
	ASSERT_EQ(0, cpu_set_online(1, 0));
	EXPECT_EQ(0, cpus_not_in_state(1));
	ASSERT_EQ(0, cpu_set_online(1, 1));
	/* The CPU that came back online was given SVM by the cpuhp callback. */
	EXPECT_EQ(1, cpu_svme(1));
	close(vm);
	EXPECT_EQ(0, cpus_not_in_state(0));

	/* A VM created while CPU 1 is offline; CPU 1 joins later. */
	ASSERT_EQ(0, cpu_set_online(1, 0));
	vm = vm_create(self->dev);
	ASSERT_GE(vm, 0);
	ASSERT_EQ(0, cpu_set_online(1, 1));
	EXPECT_EQ(1, cpu_svme(1));
	close(vm);
	EXPECT_EQ(0, cpus_not_in_state(0));

	/* Without VMs, hotplug leaves SVM off. */
	ASSERT_EQ(0, cpu_set_online(1, 0));
	ASSERT_EQ(0, cpu_set_online(1, 1));
	EXPECT_EQ(0, cpus_not_in_state(0));
}

TEST_HARNESS_MAIN
