// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm_fd_process: VM and vCPU fds in a process other than the VM's owner
 * (the process whose mm created the VM).
 *
 * - scm_rights_receiver: the fds go over a unix socket (SCM_RIGHTS) to a
 *   process forked before the VM existed.  There every VM and vCPU ioctl
 *   fails with EIO, KVM_RUN included, also while the owner's vCPU waits
 *   for the answer to an IN; mmap of the VM fd is ENODEV; mmap of the
 *   vCPU fd works and shows the owner's kvm_run (the same pages): the
 *   receiver answers the owner's IN through it.  It closes its fds; the
 *   owner then runs its guest to completion and closes: nothing is left.
 * - scm_rights_owner_exits: the owner sends its fds and exits; the
 *   receiver still has a VM, gets EIO, maps the vCPU, and freeing the
 *   VM falls to it (closing the vCPU fd, then the VM fd).
 * - fork_child: a fork()ed child answers the IN through its own mapping
 *   and tries KVM_RUN (EIO; bad_ioctls covers the other ioctls there);
 *   the parent rewrites guest memory after the fork (copy-on-write must
 *   not split the guest's view from userspace's), the guest completes.
 * - fork_child_last_reference: the owner closes everything first; the
 *   child's inherited fds and mapping keep the VM until it closes them.
 * - foreign_ioctls_while_running: while a thread of the owner is inside
 *   KVM_RUN (the guest spins), a child's VM and vCPU ioctls return EIO
 *   at once: the owner check comes before the vCPU's lock.  A signal
 *   then stops the guest (EINTR, KVM_EXIT_INTR).
 *
 * "Nothing is left" is read, on hvm, from hvmod's object counters
 * (read_hvm_objects(): VMs, vCPUs, pages and pinned pages all 0); on kvm
 * from KVM's debugfs, which has one "<pid>-<fd>" directory per live VM
 * with a "vcpu<N>" directory per vCPU.
 *
 * KVM 6.1 reference (virt/kvm/kvm_main.c): kvm_vm_ioctl() and
 * kvm_vcpu_ioctl() return -EIO first when kvm->mm != current->mm;
 * kvm_vcpu_mmap() and kvm_vcpu_fault() have no such check (any process
 * holding the fd maps kvm_run and the PIO page); kvm_vm_fops has no
 * mmap, so mmap of a VM fd is -ENODEV.  A VM lives until its last file
 * reference (VM fd, vCPU fd or vCPU mapping) is gone, in any process.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "guest_harness.h"
#include "hvm_test.h"

#define FDP_PORT_IN	0x71	/* guest/vm_fd_process.S: FDP_PORT_IN */
#define DATA_BEFORE	0x1111beef
#define DATA_AFTER	0x2222beef
#define GUEST_STORE	0x5eed
#define GUEST_DONE	0x600d
#define KVM_DEBUGFS	"/sys/kernel/debug/kvm"

GUEST_CODE_DECLARE(fdp_guest);
GUEST_CODE_DECLARE(fdp_spin);
GUEST_LABEL_DECLARE(fdp_guest_done);

/* Zeroed arguments: no ioctl may get far enough to use them. */
static struct kvm_sregs scratch[4];

#define SCRATCH	((unsigned long)scratch)

/* Child processes report through stderr and their exit status. */
#define child_fail(fmt, ...)						\
	fprintf(stderr, "# child %d: " fmt "\n", getpid(), ##__VA_ARGS__)

/* Sends @n fds and one 64-bit word. Returns 0 or -1. */
static int send_fds(int sock, const int *fds, unsigned int n, uint64_t word)
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = &word, .iov_len = sizeof(word) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *c;

	if (n > 2)
		return -1;
	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	return sendmsg(sock, &msg, 0) == sizeof(word) ? 0 : -1;
}

/* Receives exactly @n fds and the word. Returns 0 or -1. */
static int recv_fds(int sock, int *fds, unsigned int n, uint64_t *word)
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = word, .iov_len = sizeof(*word) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;

	if (n > 2 || recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != sizeof(*word))
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(n * sizeof(int)))
		return -1;
	memcpy(fds, CMSG_DATA(c), n * sizeof(int));
	return 0;
}

/* Live VMs and vCPUs on the device under test (see the top comment). */
struct live {
	long vms;
	long vcpus;
	long pages;	/* hvm only, else 0 */
	long pinned;	/* hvm only, else 0 */
};

static long count_vcpu_dirs(const char *vm_dir)
{
	char path[sizeof(KVM_DEBUGFS) + 2 + sizeof(((struct dirent *)0)->d_name)];
	struct dirent *e;
	long n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", KVM_DEBUGFS, vm_dir);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vcpu", 4))
			n++;
	closedir(d);
	return n;
}

static int read_live(struct live *l)
{
	struct hvm_objects objs;
	struct dirent *e;
	DIR *d;
	int pid, fd;
	char c;

	memset(l, 0, sizeof(*l));
	if (dev_is_hvm()) {
		int r = read_hvm_objects(&objs);

		if (r)
			return r;
		l->vms = objs.vms;
		l->vcpus = objs.vcpus;
		l->pages = objs.pages;
		l->pinned = objs.pinned;
		return 0;
	}
	d = opendir(KVM_DEBUGFS);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		long n;

		if (sscanf(e->d_name, "%d-%d%c", &pid, &fd, &c) != 2)
			continue;
		l->vms++;
		n = count_vcpu_dirs(e->d_name);
		if (n < 0) {
			closedir(d);
			return -EIO;
		}
		l->vcpus += n;
	}
	closedir(d);
	return 0;
}

#define EXPECT_LIVE(vms_, vcpus_, when) do {				\
	struct live __l;						\
									\
	ASSERT_EQ(0, read_live(&__l))					\
		TH_LOG("cannot read %s", dev_is_hvm() ?			\
		       HVM_OBJECTS_PATH : KVM_DEBUGFS);			\
	EXPECT_EQ(vms_, __l.vms) TH_LOG("VMs %s", when);		\
	EXPECT_EQ(vcpus_, __l.vcpus) TH_LOG("vCPUs %s", when);		\
	if ((vms_) == 0) {						\
		EXPECT_EQ(0, __l.pages) TH_LOG("pages %s", when);	\
		EXPECT_EQ(0, __l.pinned) TH_LOG("pinned %s", when);	\
	}								\
} while (0)

static uint32_t read_u32(struct guest_vm *vm, uint64_t gpa)
{
	uint32_t v;

	guest_read(vm, gpa, &v, sizeof(v));
	return v;
}

static void write_u32(struct guest_vm *vm, uint64_t gpa, uint32_t v)
{
	guest_write(vm, gpa, &v, sizeof(v));
}

static bool is_fdp_in(const struct kvm_run *run)
{
	return run->exit_reason == KVM_EXIT_IO &&
	       run->io.direction == KVM_EXIT_IO_IN &&
	       run->io.port == FDP_PORT_IN && run->io.size == 4 &&
	       run->io.count == 1;
}

/* A VM whose guest has reported DATA_BEFORE and waits in its IN. */
static struct guest_vm *start_guest(struct __test_metadata *_metadata)
{
	struct guest_vm *vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);

	write_u32(vm, GUEST_DATA_GPA, DATA_BEFORE);
	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(fdp_guest));
	ASSERT_REPORT(vm, DATA_BEFORE);
	ASSERT_EXIT(vm, KVM_EXIT_IO);
	ASSERT_TRUE(is_fdp_in(vm->run)) TH_LOG("%s", vcpu_exit_str(vm));
	return vm;
}

/*
 * The rest of the guest: the IN returns @in (already written to the PIO
 * page, by this process or another), the data page is rewritten from
 * here first, the guest's store shows here.
 */
static void finish_guest(struct __test_metadata *_metadata,
			 struct guest_vm *vm, uint32_t in)
{
	ASSERT_TRUE(is_fdp_in(vm->run)) TH_LOG("%s", vcpu_exit_str(vm));
	write_u32(vm, GUEST_DATA_GPA, DATA_AFTER);
	ASSERT_REPORT(vm, in);
	ASSERT_REPORT(vm, DATA_AFTER);
	ASSERT_REPORT(vm, GUEST_DONE);
	ASSERT_HALTED_AT(vm, GUEST_GPA(fdp_guest, fdp_guest_done));
	EXPECT_EQ((uint32_t)GUEST_STORE, read_u32(vm, GUEST_DATA_GPA + 4));
}

struct ioctl_case {
	const char *what;
	int vcpu;		/* on the vCPU fd, else the VM fd */
	unsigned long req;
	unsigned long arg;
};

static const struct ioctl_case foreign_ioctls[] = {
	{ "CREATE_VCPU", 0, KVM_CREATE_VCPU, 1 },
	{ "CHECK_EXTENSION", 0, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY },
	{ "SET_USER_MEMORY_REGION", 0, KVM_SET_USER_MEMORY_REGION, SCRATCH },
	{ "SET_TSS_ADDR", 0, KVM_SET_TSS_ADDR, 0xfffbd000 },
	{ "SET_IDENTITY_MAP_ADDR", 0, KVM_SET_IDENTITY_MAP_ADDR, SCRATCH },
	{ "RUN", 1, KVM_RUN, 0 },
	{ "GET_REGS", 1, KVM_GET_REGS, SCRATCH },
	{ "SET_REGS", 1, KVM_SET_REGS, SCRATCH },
	{ "GET_SREGS", 1, KVM_GET_SREGS, SCRATCH },
	{ "SET_SREGS", 1, KVM_SET_SREGS, SCRATCH },
	{ "GET_MSRS", 1, KVM_GET_MSRS, SCRATCH },
	{ "SET_MSRS", 1, KVM_SET_MSRS, SCRATCH },
	{ "GET_CPUID2", 1, KVM_GET_CPUID2, SCRATCH },
	{ "SET_CPUID2", 1, KVM_SET_CPUID2, SCRATCH },
	{ "INTERRUPT", 1, KVM_INTERRUPT, SCRATCH },
};

/* In a process that does not own the VM: every ioctl above is EIO. */
static int foreign_ioctls_eio(int vm, int vcpu)
{
	unsigned int i;
	int err, bad = 0;

	for (i = 0; i < ARRAY_SIZE(foreign_ioctls); i++) {
		const struct ioctl_case *c = &foreign_ioctls[i];

		err = ioctl_errno(c->vcpu ? vcpu : vm, c->req, c->arg);
		if (err != EIO) {
			child_fail("%s %s: errno %d (%s), expected EIO",
				   c->vcpu ? "vCPU" : "VM", c->what, err,
				   strerror(err));
			bad = 1;
		}
	}
	return bad;
}

/*
 * What a non-owner does with the vCPU fd: mmap it, find the owner's
 * pending IN in kvm_run, answer it with @in, try KVM_RUN (EIO; the exit
 * stays as it was) and unmap.  @mmap_size from the owner.
 */
static int foreign_answer_in(int vm, int vcpu, size_t mmap_size, uint32_t in)
{
	struct kvm_run *run;
	void *p;

	p = mmap(NULL, page_size(), PROT_READ, MAP_SHARED, vm, 0);
	if (p != MAP_FAILED || errno != ENODEV) {
		child_fail("mmap of the VM fd: %s, expected ENODEV",
			   p == MAP_FAILED ? strerror(errno) : "mapped");
		return 1;
	}
	run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu,
		   0);
	if (run == MAP_FAILED) {
		child_fail("mmap of the vCPU fd: %s", strerror(errno));
		return 1;
	}
	if (!is_fdp_in(run)) {
		child_fail("kvm_run: exit %u dir %u port %#x, not the IN",
			   run->exit_reason, run->io.direction, run->io.port);
		return 1;
	}
	memcpy((char *)run + run->io.data_offset, &in, sizeof(in));
	if (ioctl_errno(vcpu, KVM_RUN, 0) != EIO) {
		child_fail("KVM_RUN after answering: not EIO");
		return 1;
	}
	if (!is_fdp_in(run)) {
		child_fail("kvm_run changed by a failed KVM_RUN");
		return 1;
	}
	munmap(run, mmap_size);
	return 0;
}

/* Forked before the VM exists; gets its fds from the socket. */
static int receiver(int sock, uint32_t in)
{
	uint64_t mmap_size;
	int fds[2], r;

	if (recv_fds(sock, fds, 2, &mmap_size)) {
		child_fail("recvmsg: %s", strerror(errno));
		return 1;
	}
	r = foreign_ioctls_eio(fds[0], fds[1]);
	r |= foreign_answer_in(fds[0], fds[1], mmap_size, in);
	/* Anything left to do in this process is still EIO. */
	r |= foreign_ioctls_eio(fds[0], fds[1]);
	close(fds[1]);
	close(fds[0]);
	return r;
}

/* No state: each case makes its own VM and processes. */
FIXTURE(fdp) {
	int unused;
};

FIXTURE_SETUP(fdp)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(fdp)
{
}

TEST_F(fdp, scm_rights_receiver)
{
	const uint32_t in = 0xc0ffee42;
	struct guest_vm *vm;
	int sv[2], fds[2];
	pid_t pid;

	EXPECT_LIVE(0, 0, "before the test");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sv[0]);
		_exit(receiver(sv[1], in));
	}
	close(sv[1]);

	vm = start_guest(_metadata);
	EXPECT_LIVE(1, 1, "with the guest started");
	fds[0] = vm->vm;
	fds[1] = vm->vcpu;
	ASSERT_EQ(0, send_fds(sv[0], fds, 2, vm->run_size));
	ASSERT_EQ(0, wait_child(pid)) TH_LOG("receiver failed, see above");
	close(sv[0]);

	/* The receiver closed its copies: the owner's keep the VM. */
	EXPECT_LIVE(1, 1, "after the receiver closed its fds");
	finish_guest(_metadata, vm, in);
	vm_destroy(vm);
	EXPECT_LIVE(0, 0, "after the owner closed its fds");
}

/* Owner: start the guest, send its fds, exit. */
static int owner_then_exit(int sock)
{
	struct guest_vm *vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	int fds[2], r;

	write_u32(vm, GUEST_DATA_GPA, DATA_BEFORE);
	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(fdp_guest));
	r = vcpu_run(vm);
	if (r != KVM_EXIT_IO || !vcpu_is_report(vm) ||
	    vcpu_io_value(vm) != DATA_BEFORE) {
		child_fail("first run: %s", vcpu_exit_str(vm));
		return 1;
	}
	r = vcpu_run(vm);
	if (r != KVM_EXIT_IO || !is_fdp_in(vm->run)) {
		child_fail("second run: %s", vcpu_exit_str(vm));
		return 1;
	}
	fds[0] = vm->vm;
	fds[1] = vm->vcpu;
	if (send_fds(sock, fds, 2, vm->run_size)) {
		child_fail("sendmsg: %s", strerror(errno));
		return 1;
	}
	/* exit() closes, unmaps and tears the whole mm down. */
	return 0;
}

TEST_F(fdp, scm_rights_owner_exits)
{
	uint64_t mmap_size;
	int sv[2], fds[2];
	struct live l;
	pid_t pid;

	EXPECT_LIVE(0, 0, "before the test");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sv[0]);
		_exit(owner_then_exit(sv[1]));
	}
	close(sv[1]);
	ASSERT_EQ(0, recv_fds(sv[0], fds, 2, &mmap_size))
		TH_LOG("recvmsg: %s", strerror(errno));
	ASSERT_EQ(0, wait_child(pid)) TH_LOG("owner failed, see above");
	close(sv[0]);

	/* Its owner is gone; the VM is not. */
	EXPECT_LIVE(1, 1, "after the owner exited");
	if (!read_live(&l) && dev_is_hvm())
		TH_LOG("hvm: %ld pages, %ld pinned without an owner",
		       l.pages, l.pinned);
	EXPECT_EQ(0, foreign_ioctls_eio(fds[0], fds[1]));
	EXPECT_EQ(0, foreign_answer_in(fds[0], fds[1], mmap_size, 1));

	close(fds[1]);
	EXPECT_LIVE(1, 1, "with only the VM fd left");
	close(fds[0]);
	EXPECT_LIVE(0, 0, "after the last fd was closed");
}

/* Forked child: answer the IN through a fresh mapping, try KVM_RUN. */
static int child_answer(struct guest_vm *vm, uint32_t in)
{
	int r = foreign_answer_in(vm->vm, vm->vcpu, vm->run_size, in);
	uint32_t seen;

	/* The inherited mapping is the same page. */
	memcpy(&seen, (char *)vm->run + vm->run->io.data_offset, sizeof(seen));
	if (!r && seen != in) {
		child_fail("inherited mapping: %#x, not %#x", seen, in);
		r = 1;
	}
	close(vm->vcpu);
	close(vm->vm);
	return r;
}

TEST_F(fdp, fork_child)
{
	const uint32_t in = 0xf00d4321;
	struct guest_vm *vm;
	pid_t pid;

	EXPECT_LIVE(0, 0, "before the test");
	vm = start_guest(_metadata);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(child_answer(vm, in));
	ASSERT_EQ(0, wait_child(pid)) TH_LOG("child failed, see above");

	EXPECT_LIVE(1, 1, "after the child exited");
	/* The data page is written after the fork (copy-on-write). */
	finish_guest(_metadata, vm, in);
	vm_destroy(vm);
	EXPECT_LIVE(0, 0, "after the owner closed its fds");
}

/* Waits for the owner to be done, then drops the last references. */
static int last_reference_child(struct guest_vm *vm, int go)
{
	char c;

	if (read(go, &c, 1) != 1) {
		child_fail("no go from the parent");
		return 1;
	}
	if (!is_fdp_in(vm->run)) {
		child_fail("inherited kvm_run: exit %u", vm->run->exit_reason);
		return 1;
	}
	if (ioctl_errno(vm->vcpu, KVM_RUN, 0) != EIO) {
		child_fail("KVM_RUN: not EIO");
		return 1;
	}
	close(vm->vcpu);
	close(vm->vm);
	/* The inherited kvm_run mapping is the last reference. */
	munmap(vm->run, vm->run_size);
	return 0;
}

TEST_F(fdp, fork_child_last_reference)
{
	struct guest_vm *vm;
	int go[2];
	pid_t pid;

	EXPECT_LIVE(0, 0, "before the test");
	vm = start_guest(_metadata);
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(go[1]);
		_exit(last_reference_child(vm, go[0]));
	}
	close(go[0]);

	vm_destroy(vm);
	EXPECT_LIVE(1, 1, "with only the child's references");
	ASSERT_EQ(1, write(go[1], "g", 1));
	close(go[1]);
	ASSERT_EQ(0, wait_child(pid)) TH_LOG("child failed, see above");
	EXPECT_LIVE(0, 0, "after the child exited");
}

static void on_signal(int sig)
{
	(void)sig;
}

static void *spin_thread(void *arg)
{
	return (void *)(long)vcpu_run(arg);
}

/* Waits for the go, then tries every ioctl on the busy vCPU's VM. */
static int while_running_child(int vm, int vcpu, int go)
{
	char c;

	if (read(go, &c, 1) != 1) {
		child_fail("no go from the parent");
		return 1;
	}
	return foreign_ioctls_eio(vm, vcpu);
}

TEST_F(fdp, foreign_ioctls_while_running)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct guest_vm *vm;
	pthread_t thread;
	void *ret;
	int go[2];
	pid_t pid;

	EXPECT_LIVE(0, 0, "before the test");
	vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	write_u32(vm, GUEST_DATA_GPA, 0);
	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(fdp_spin));
	/* The child is forked before the thread exists. */
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(go[1]);
		_exit(while_running_child(vm->vm, vm->vcpu, go[0]));
	}
	close(go[0]);

	/* No SA_RESTART: the signal makes KVM_RUN return EINTR. */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, pthread_create(&thread, NULL, spin_thread, vm));
	/* Once the guest counts, the thread is inside KVM_RUN. */
	while (!read_u32(vm, GUEST_DATA_GPA))
		sched_yield();
	ASSERT_EQ(1, write(go[1], "g", 1));
	close(go[1]);
	EXPECT_EQ(0, wait_child(pid)) TH_LOG("child failed, see above");

	ASSERT_EQ(0, pthread_kill(thread, SIGUSR1));
	ASSERT_EQ(0, pthread_join(thread, &ret));
	EXPECT_EQ(-EINTR, (long)ret);
	EXPECT_EQ((uint32_t)KVM_EXIT_INTR, vm->run->exit_reason);
	vm_destroy(vm);
	EXPECT_LIVE(0, 0, "after the owner closed its fds");
}

TEST_HARNESS_MAIN
