// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu_limits: KVM_CREATE_VCPU limits, the kvm_run mapping and
 * KVM_GET_REGS / KVM_SET_REGS on a vCPU that has never run.
 *
 * KVM 6.1 reference: virt/kvm/kvm_main.c:kvm_vm_ioctl_create_vcpu(),
 * kvm_vcpu_fault(), kvm_vcpu_ioctl(); arch/x86/kvm/x86.c:
 * kvm_arch_vcpu_precreate(), kvm_vcpu_reset(), __set_regs().
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "harness.h"
#include "hvm_test.h"

/* Architectural RESET state as KVM's kvm_vcpu_reset() sets it. */
#define RESET_RIP	0xfff0ULL
#define RESET_RFLAGS	0x2ULL		/* X86_EFLAGS_FIXED */
#define RESET_RDX	0x600ULL	/* no CPUID yet: family 6 */

#define RFLAGS_FIXED	0x2ULL

/* Creating KVM's 1024 vCPUs can be slow under an emulator. */
#define MAX_VCPUS_TIMEOUT	300

static const char * const reg_names[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"rip", "rflags",
};

#define NR_REGS	(sizeof(struct kvm_regs) / sizeof(__u64))
static_assert(ARRAY_SIZE(reg_names) == NR_REGS, "struct kvm_regs layout");

static void expect_regs(struct __test_metadata *_metadata,
			const struct kvm_regs *want,
			const struct kvm_regs *got)
{
	const __u64 *w = (const __u64 *)want, *g = (const __u64 *)got;
	unsigned int i, mismatches = 0;

	for (i = 0; i < NR_REGS; i++) {
		if (w[i] == g[i])
			continue;
		TH_LOG("%s: expected %#llx, got %#llx", reg_names[i],
		       w[i], g[i]);
		mismatches++;
	}
	EXPECT_EQ(0U, mismatches);
}

static void reset_regs(struct kvm_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	regs->rip = RESET_RIP;
	regs->rflags = RESET_RFLAGS;
	regs->rdx = RESET_RDX;
}

static void pattern_regs(struct kvm_regs *regs)
{
	__u64 *r = (__u64 *)regs;
	unsigned int i;

	for (i = 0; i < NR_REGS; i++)
		r[i] = 0x0101010101010101ULL * (i + 1);
	regs->rip = 0x1000;
	regs->rflags = 0x246;	/* IF, ZF, PF and the fixed bit */
}

static sigjmp_buf sigbus_env;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(sigbus_env, 1);
}

/* Reads one byte; returns true if that raised SIGBUS. */
static bool read_raises_sigbus(const unsigned char *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(sigbus_env, 1)) {
		sigaction(SIGBUS, &old, NULL);
		return true;
	}
	read_byte(p);
	sigaction(SIGBUS, &old, NULL);
	return false;
}

/* Two read-write pages, the second one made inaccessible. */
static unsigned char *map_guarded_page(void)
{
	long page = page_size();
	unsigned char *p;

	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + page, page, PROT_NONE)) {
		munmap(p, 2 * page);
		return NULL;
	}
	return p;
}

FIXTURE(vm) {
	int dev;
	int vm;
	long max_vcpus;
	long max_vcpu_id;
	long mmap_size;
};

FIXTURE_SETUP(vm)
{
	self->vm = -1;
	self->dev = dev_open();
	ASSERT_LE(0, self->dev)
		TH_LOG("open %s: %s", dev_path(), strerror(-self->dev));
	self->vm = vm_create(self->dev);
	ASSERT_LE(0, self->vm)
		TH_LOG("KVM_CREATE_VM: %s", strerror(-self->vm));
	self->max_vcpus = check_cap(self->dev, KVM_CAP_MAX_VCPUS);
	self->max_vcpu_id = check_cap(self->dev, KVM_CAP_MAX_VCPU_ID);
	self->mmap_size = ioctl_value(self->dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	ASSERT_LT(0, self->max_vcpus);
	ASSERT_LE(self->max_vcpus, self->max_vcpu_id);
	ASSERT_LT(0, self->mmap_size);
}

FIXTURE_TEARDOWN(vm)
{
	if (self->vm >= 0)
		close(self->vm);
	close(self->dev);
}

TEST_F(vm, id_at_max_vcpu_id)
{
	ASSERT_EQ(-EINVAL, vcpu_create(self->vm, self->max_vcpu_id));
}

TEST_F(vm, id_minus_one)
{
	/* KVM takes the id as u32: both are 0xffffffff there. */
	ASSERT_EQ(-EINVAL, vcpu_create(self->vm, 0xffffffffUL));
	ASSERT_EQ(-EINVAL, vcpu_create(self->vm, ~0UL));
}

TEST_F(vm, id_upper_bits_ignored)
{
	int vcpu = vcpu_create(self->vm, (1UL << 32) | 1);

	/* kvm_vm_ioctl_create_vcpu(kvm, u32 id): the upper bits are cut. */
	ASSERT_LE(0, vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-vcpu));
	ASSERT_EQ(-EEXIST, vcpu_create(self->vm, 1));
	close(vcpu);
}

TEST_F(vm, id_below_max_vcpu_id)
{
	int vcpu = vcpu_create(self->vm, self->max_vcpu_id - 1);

	ASSERT_LE(0, vcpu) TH_LOG("id %ld: %s", self->max_vcpu_id - 1,
				  strerror(-vcpu));
	close(vcpu);
}

TEST_F(vm, duplicate_id)
{
	int vcpu = vcpu_create(self->vm, 0);

	ASSERT_LE(0, vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-vcpu));
	ASSERT_EQ(-EEXIST, vcpu_create(self->vm, 0));
	/* Closing the fd does not destroy the vCPU: that is VM teardown. */
	close(vcpu);
	ASSERT_EQ(-EEXIST, vcpu_create(self->vm, 0));
}

TEST_F_TIMEOUT(vm, max_vcpus, MAX_VCPUS_TIMEOUT)
{
	struct hvm_objects objs;
	long id;
	int vcpu;

	for (id = 0; id < self->max_vcpus; id++) {
		vcpu = vcpu_create(self->vm, id);
		ASSERT_LE(0, vcpu) TH_LOG("id %ld: %s", id, strerror(-vcpu));
		/* RLIMIT_NOFILE is 1024, as is KVM's MAX_VCPUS. */
		close(vcpu);
	}
	if (dev_is_hvm()) {
		ASSERT_EQ(0, read_hvm_objects(&objs));
		EXPECT_EQ(self->max_vcpus, objs.vcpus);
	}
	/* One more, with an unused id if there is one. */
	if (self->max_vcpu_id > self->max_vcpus)
		ASSERT_EQ(-EINVAL, vcpu_create(self->vm, self->max_vcpus));
	/* kvm_vm_ioctl_create_vcpu() checks the count before the id. */
	ASSERT_EQ(-EINVAL, vcpu_create(self->vm, 0));
}

TEST_F(vm, run_mmap)
{
	struct kvm_run *run, *run2;
	int vcpu = vcpu_create(self->vm, 0);

	ASSERT_LE(0, vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-vcpu));
	run = mmap(NULL, self->mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu, 0);
	ASSERT_NE(MAP_FAILED, run) TH_LOG("mmap: %s", strerror(errno));
	run2 = mmap(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED,
		    vcpu, 0);
	ASSERT_NE(MAP_FAILED, run2) TH_LOG("mmap: %s", strerror(errno));

	/* Never run: the page is still zeroed. */
	EXPECT_EQ((__u32)KVM_EXIT_UNKNOWN, run->exit_reason);
	EXPECT_EQ(0, run->immediate_exit);
	/* Both mappings show the same kernel page. */
	run->immediate_exit = 1;
	EXPECT_EQ(1, run2->immediate_exit);
	run2->immediate_exit = 0;
	EXPECT_EQ(0, run->immediate_exit);

	ASSERT_EQ(0, munmap(run2, page_size()));
	ASSERT_EQ(0, munmap(run, self->mmap_size));
	close(vcpu);
}

TEST_F(vm, mmap_past_end_sigbus)
{
	long page = page_size(), len = self->mmap_size + page, off;
	unsigned char *map;
	int vcpu = vcpu_create(self->vm, 0);

	ASSERT_LE(0, vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-vcpu));
	/* kvm_vcpu_mmap() does not check the length; the fault does. */
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ASSERT_NE(MAP_FAILED, map) TH_LOG("mmap: %s", strerror(errno));
	for (off = 0; off < self->mmap_size; off += page) {
		EXPECT_FALSE(read_raises_sigbus(map + off))
			TH_LOG("page at offset %ld", off);
	}
	/* kvm_vcpu_fault() -> kvm_arch_vcpu_fault(): VM_FAULT_SIGBUS */
	EXPECT_TRUE(read_raises_sigbus(map + self->mmap_size));
	ASSERT_EQ(0, munmap(map, len));
	close(vcpu);
}

TEST_F(vm, regs_reset_state)
{
	struct kvm_regs want, got;
	int vcpu = vcpu_create(self->vm, 0);

	ASSERT_LE(0, vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-vcpu));
	memset(&got, 0xa5, sizeof(got));
	ASSERT_EQ(0, ioctl_errno(vcpu, KVM_GET_REGS, (unsigned long)&got));
	reset_regs(&want);
	expect_regs(_metadata, &want, &got);
	close(vcpu);
}

TEST_F(vm, regs_round_trip)
{
	struct kvm_regs want, got;
	int vcpu = vcpu_create(self->vm, 0);

	ASSERT_LE(0, vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-vcpu));
	pattern_regs(&want);
	ASSERT_EQ(0, ioctl_errno(vcpu, KVM_SET_REGS, (unsigned long)&want));
	ASSERT_EQ(0, ioctl_errno(vcpu, KVM_GET_REGS, (unsigned long)&got));
	expect_regs(_metadata, &want, &got);

	/* __set_regs(): rflags | X86_EFLAGS_FIXED */
	want.rflags = 0;
	ASSERT_EQ(0, ioctl_errno(vcpu, KVM_SET_REGS, (unsigned long)&want));
	ASSERT_EQ(0, ioctl_errno(vcpu, KVM_GET_REGS, (unsigned long)&got));
	want.rflags = RFLAGS_FIXED;
	expect_regs(_metadata, &want, &got);
	close(vcpu);
}

TEST_F(vm, regs_per_vcpu)
{
	struct kvm_regs set, want, got;
	int vcpu0, vcpu1;

	vcpu0 = vcpu_create(self->vm, 0);
	ASSERT_LE(0, vcpu0) TH_LOG("vCPU 0: %s", strerror(-vcpu0));
	vcpu1 = vcpu_create(self->vm, 1);
	ASSERT_LE(0, vcpu1) TH_LOG("vCPU 1: %s", strerror(-vcpu1));
	pattern_regs(&set);
	ASSERT_EQ(0, ioctl_errno(vcpu0, KVM_SET_REGS, (unsigned long)&set));
	ASSERT_EQ(0, ioctl_errno(vcpu1, KVM_GET_REGS, (unsigned long)&got));
	reset_regs(&want);
	expect_regs(_metadata, &want, &got);
	close(vcpu1);
	close(vcpu0);
}

TEST_F(vm, regs_bad_pointer)
{
	struct kvm_regs set, got, *straddle;
	long page = page_size();
	unsigned char *guard;
	int vcpu = vcpu_create(self->vm, 0);

	ASSERT_LE(0, vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(-vcpu));
	guard = map_guarded_page();
	ASSERT_NE(NULL, guard);
	straddle = (struct kvm_regs *)(guard + page - sizeof(set) / 2);

	/* copy_to_user() / memdup_user() fail: -EFAULT */
	EXPECT_EQ(EFAULT, ioctl_errno(vcpu, KVM_GET_REGS, 0));
	EXPECT_EQ(EFAULT, ioctl_errno(vcpu, KVM_SET_REGS, 0));
	EXPECT_EQ(EFAULT, ioctl_errno(vcpu, KVM_GET_REGS,
				      (unsigned long)(guard + page)));
	EXPECT_EQ(EFAULT, ioctl_errno(vcpu, KVM_GET_REGS,
				      (unsigned long)straddle));

	/* A SET_REGS that faults half-way changes nothing. */
	pattern_regs(&set);
	ASSERT_EQ(0, ioctl_errno(vcpu, KVM_SET_REGS, (unsigned long)&set));
	memset(guard, 0, page);
	EXPECT_EQ(EFAULT, ioctl_errno(vcpu, KVM_SET_REGS,
				      (unsigned long)straddle));
	ASSERT_EQ(0, ioctl_errno(vcpu, KVM_GET_REGS, (unsigned long)&got));
	expect_regs(_metadata, &set, &got);

	munmap(guard, 2 * page);
	close(vcpu);
}

TEST_HARNESS_MAIN
