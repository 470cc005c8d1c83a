// SPDX-License-Identifier: GPL-2.0-only
/*
 * run_semantics: how KVM_RUN returns other than by a guest exit.
 *  - kvm_run->immediate_exit set: KVM_RUN fails with EINTR at once and
 *    leaves exit_reason alone; the guest does not run.
 *  - The same right after an IN exit: the pending IN is completed first
 *    (the data reaches RAX, RIP moves past the IN, as KVM_GET_REGS
 *    shows), then EINTR, exit_reason still KVM_EXIT_IO.  This is how
 *    userspace makes guest state consistent before saving it (api.rst,
 *    KVM_RUN / immediate_exit).
 *  - A signal arriving while the guest spins: EINTR with exit_reason
 *    KVM_EXIT_INTR.
 *
 * KVM 6.1 reference: arch/x86/kvm/x86.c: kvm_arch_vcpu_ioctl_run() runs
 * complete_userspace_io before the !vcpu->wants_to_run (immediate_exit)
 * check; vcpu_run() / kvm_vcpu_exit_request(): signal_pending() ->
 * KVM_EXIT_INTR.  The guests are in guest/run_semantics.S.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <time.h>

#include "guest_harness.h"
#include "hvm_test.h"

/* An exit_reason no exit has: the test can tell it was not written. */
#define UNTOUCHED_REASON	0x5a5a5a5aU
/* The interval of the signal timer: often, so one lands in KVM_RUN. */
#define TIMER_NS		(20 * 1000 * 1000)

GUEST_CODE_DECLARE(run_in);
GUEST_CODE_DECLARE(run_spin);
GUEST_LABEL_DECLARE(run_in_done);

FIXTURE(run_semantics) {
	struct guest_vm *vm;
};

FIXTURE_SETUP(run_semantics)
{
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
}

FIXTURE_TEARDOWN(run_semantics)
{
	vm_destroy(self->vm);
}

TEST_F(run_semantics, immediate_exit)
{
	struct guest_vm *vm = self->vm;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(run_in));
	vm->run->exit_reason = UNTOUCHED_REASON;
	vm->run->immediate_exit = 1;
	ASSERT_EQ(-EINTR, vcpu_run(vm));
	ASSERT_EQ(UNTOUCHED_REASON, vm->run->exit_reason);
	/* The guest has not moved. */
	ASSERT_EQ((uint64_t)GUEST_CODE_GPA, vcpu_get_rip(vm));
	vm->run->immediate_exit = 0;
	ASSERT_REPORT(vm, 1);
}

TEST_F(run_semantics, immediate_exit_completes_in)
{
	struct guest_vm *vm = self->vm;
	struct kvm_regs regs;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(run_in));
	ASSERT_REPORT(vm, 1);
	ASSERT_EXIT(vm, KVM_EXIT_IO);
	ASSERT_EQ(KVM_EXIT_IO_IN, vm->run->io.direction);
	ASSERT_EQ(0x81, vm->run->io.port);
	ASSERT_EQ(4, vm->run->io.size);
	vcpu_io_complete_in(vm, 0x600dda7a);

	vm->run->immediate_exit = 1;
	ASSERT_EQ(-EINTR, vcpu_run(vm));
	ASSERT_EQ((__u32)KVM_EXIT_IO, vm->run->exit_reason);
	vcpu_get_regs(vm, &regs);
	EXPECT_EQ(0x600dda7aULL, regs.rax);
	EXPECT_EQ(GUEST_GPA(run_in, run_in_done), regs.rip);

	/* Once only: the guest goes on with the value, no second IN. */
	vm->run->immediate_exit = 0;
	ASSERT_REPORT(vm, 0x600dda7a);
	ASSERT_HALTED_AT(vm, GUEST_GPA(run_in, run_in_end));
}

static volatile sig_atomic_t signals_seen;

static void on_timer(int sig)
{
	(void)sig;
	signals_seen++;
}

/* A periodic SIGUSR1 to this process; returns the timer, or NULL. */
static int start_timer(timer_t *timer)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_SIGNAL,
		.sigev_signo = SIGUSR1,
	};
	struct itimerspec its = {
		.it_value.tv_nsec = TIMER_NS,
		.it_interval.tv_nsec = TIMER_NS,
	};
	struct sigaction sa = { .sa_handler = on_timer };

	if (sigaction(SIGUSR1, &sa, NULL))
		return -errno;
	if (timer_create(CLOCK_MONOTONIC, &sev, timer))
		return -errno;
	if (timer_settime(*timer, 0, &its, NULL))
		return -errno;
	return 0;
}

TEST_F(run_semantics, signal)
{
	struct guest_vm *vm = self->vm;
	timer_t timer;
	uint64_t rip;
	int ret;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(run_spin));
	ASSERT_EQ(0, start_timer(&timer));
	/*
	 * A signal handled just before KVM_RUN is gone before it starts;
	 * the next one interrupts it, as the guest never exits itself.
	 */
	ret = vcpu_run(vm);
	timer_delete(timer);
	ASSERT_EQ(-EINTR, ret) TH_LOG("%s", vcpu_exit_str(vm));
	ASSERT_EQ((__u32)KVM_EXIT_INTR, vm->run->exit_reason);
	ASSERT_LE(1, signals_seen);
	/* Still spinning in its loop. */
	rip = vcpu_get_rip(vm);
	ASSERT_LE((uint64_t)GUEST_CODE_GPA, rip);
	ASSERT_GT(GUEST_GPA(run_spin, run_spin_end), rip);
}

TEST_HARNESS_MAIN
