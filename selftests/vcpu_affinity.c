// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu_affinity: two vCPUs of one VM in two threads, each running
 * guest/vcpu_affinity.S: a deterministic computation held in general and
 * XMM registers, checked against a copy in memory on every iteration and
 * reported every AFF_EVERY iterations.  The two vCPUs start from
 * different seeds and constants, so a register (or FPU/SSE state) mixed
 * up between them, or with the host threads that use SSE themselves
 * (memset between runs), shows up as a wrong report or a mismatch
 * (an OUT to AFF_PORT_BAD).
 *
 * Meanwhile the main thread moves each vCPU thread between CPU 0 and
 * CPU 1 (pthread_setaffinity_np), FLIPS times, waiting after each move
 * for a report of both vCPUs.  Asserted: every report is the value this
 * file computes; after the run, each thread is on the CPU it was last
 * moved to (sched_getcpu()); once halted, each vCPU's RSI, R9, R10 are
 * its own and R8 equals its memory copy.  The signals case also sends SIGUSR1 (a
 * no-op handler) to the threads while they run: KVM_RUN then returns
 * -EINTR with KVM_EXIT_INTR and is simply called again; it goes on until
 * each thread had MIN_EINTR of them (no time bound: the harness' own
 * timeout catches a hang).
 *
 * KVM 6.1: vcpu_load()/kvm_arch_vcpu_load() follow a vCPU to a new CPU;
 * the guest FPU is swapped in by kvm_load_guest_fpu() in KVM_RUN.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "guest_harness.h"
#include "hvm_test.h"

#define AFF_EVERY	200			/* guest/vcpu_affinity.S */
#define AFF_MUL		6364136223846793005ULL
#define AFF_PORT_BAD	0xf1
#define NR_REPORT	10			/* 5 x GUEST_REPORT64 */
#define FLIPS		200
#define MIN_EINTR	20

#define X86_CR0_MP	(1ULL << 1)
#define X86_CR0_EM	(1ULL << 2)
#define X86_CR0_TS	(1ULL << 3)
#define X86_CR4_OSFXSR	(1ULL << 9)
#define X86_CR4_OSXMMEXCPT (1ULL << 10)

/* Layout of a vCPU's block in guest memory (see the .S). */
struct block {
	uint64_t x0, c;
	uint64_t xmm0[2], xmm1[2], xmm9[2];
	uint64_t stop;
	uint64_t x, lo, hi;
};

#define BLOCK_GPA(id)	(GUEST_DATA_GPA + (id) * 0x200)

GUEST_CODE_DECLARE(aff);

struct vcpu_thread {
	struct guest_vcpu *v;
	pthread_t thread;
	struct block init;
	atomic_uint reports;
	atomic_uint eintr;
	atomic_bool failed;
	atomic_bool done;
	int cpu_after;
	char msg[256];
};

static void on_signal(int sig)
{
	(void)sig;
}

/* The expected state after @n iterations. */
static void expect(const struct block *b, uint64_t n, uint64_t out[5])
{
	uint64_t x = b->x0, lo = b->xmm0[0], hi = b->xmm0[1], t;

	while (n--) {
		x = x * AFF_MUL + b->c;
		t = hi + b->xmm1[1];
		hi = lo + b->xmm1[0];
		lo = t;
	}
	out[0] = x;
	out[1] = lo;
	out[2] = hi;
	out[3] = b->xmm9[0];
	out[4] = b->xmm9[1];
}

static void *vcpu_loop(void *arg)
{
	struct vcpu_thread *t = arg;
	struct kvm_run *run = t->v->run;
	uint64_t want[5] = { 0 }, state = 0;
	unsigned int i = 0, n = 0;
	char scratch[4096];
	int r;

	for (;;) {
		r = gvcpu_run(t->v);
		if (r == KVM_EXIT_HLT)
			break;
		if (r == -EINTR) {
			if (run->exit_reason != KVM_EXIT_INTR) {
				snprintf(t->msg, sizeof(t->msg),
					 "vCPU %u: EINTR with exit %u",
					 t->v->id, run->exit_reason);
				atomic_store(&t->failed, true);
				break;
			}
			atomic_fetch_add(&t->eintr, 1);
			continue;
		}
		if (r != KVM_EXIT_IO || !gvcpu_is_report(t->v) ||
		    run->io.size != 4) {
			snprintf(t->msg, sizeof(t->msg), "vCPU %u: %s",
				 t->v->id, gvcpu_exit_str(t->v));
			atomic_store(&t->failed, true);
			break;
		}
		if (i == 0)
			expect(&t->init, (uint64_t)++n * AFF_EVERY, want);
		/* Low half, then high half of want[i / 2]. */
		if (i % 2 == 0) {
			state = gvcpu_io_value(t->v);
		} else {
			state |= gvcpu_io_value(t->v) << 32;
			if (state != want[i / 2]) {
				snprintf(t->msg, sizeof(t->msg),
					 "vCPU %u report %u value %u: %#llx, "
					 "expected %#llx", t->v->id, n, i / 2,
					 (unsigned long long)state,
					 (unsigned long long)want[i / 2]);
				atomic_store(&t->failed, true);
				break;
			}
		}
		if (++i == NR_REPORT) {
			i = 0;
			atomic_fetch_add(&t->reports, 1);
			/* The host thread uses SSE too between runs. */
			memset(scratch, 0x11 * (t->v->id + 1), sizeof(scratch));
			__asm__ volatile("" : : "r"(scratch) : "memory");
		}
	}
	t->cpu_after = sched_getcpu();
	atomic_store(&t->done, true);
	return NULL;
}

FIXTURE(vcpu_affinity) {
	struct guest_vm *vm;
	struct vcpu_thread t[2];
	unsigned int started;	/* threads running */
};

/* Makes both guests halt and waits for their threads. */
static void stop_threads(FIXTURE_DATA(vcpu_affinity) *self)
{
	volatile uint64_t *stop;
	unsigned int j;

	for (j = 0; j < 2; j++) {
		stop = guest_hva(self->vm, BLOCK_GPA(j) +
				 offsetof(struct block, stop));
		*stop = 1;
	}
	for (j = 0; j < self->started; j++)
		pthread_join(self->t[j].thread, NULL);
	self->started = 0;
}

FIXTURE_SETUP(vcpu_affinity)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct kvm_sregs sr;
	struct kvm_regs regs;
	unsigned int i;

	memset(self->t, 0, sizeof(self->t));
	self->started = 0;
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	guest_load_code(self->vm, GUEST_CODE(aff));
	self->t[0].v = guest_vcpu0(self->vm);
	self->t[1].v = vcpu_add(self->vm, 1);
	for (i = 0; i < 2; i++) {
		struct block *b = &self->t[i].init;
		uint64_t k = 0x0101010101010101ULL * (i + 1);

		b->x0 = 0x0123456789abcdefULL ^ k;
		b->c = 0x9e3779b97f4a7c15ULL + 2 * i;
		b->xmm0[0] = 0x1000000000000000ULL * (i + 1) + 1;
		b->xmm0[1] = 0x0200000000000000ULL * (i + 1) + 2;
		b->xmm1[0] = 0x0003000000000003ULL * (i + 1);
		b->xmm1[1] = 0x0000500000000005ULL * (i + 1);
		b->xmm9[0] = 0xa9a9a9a9a9a9a9a9ULL ^ k;
		b->xmm9[1] = 0x9a9a9a9a9a9a9a9aULL ^ k;
		guest_write(self->vm, BLOCK_GPA(i), b, sizeof(*b));

		gvcpu_set_mode(self->t[i].v, GUEST_MODE_LONG64);
		gvcpu_get_sregs(self->t[i].v, &sr);
		sr.cr0 = (sr.cr0 | X86_CR0_MP) & ~(X86_CR0_EM | X86_CR0_TS);
		sr.cr4 |= X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
		gvcpu_set_sregs(self->t[i].v, &sr);
		gvcpu_get_regs(self->t[i].v, &regs);
		regs.rsi = BLOCK_GPA(i);
		gvcpu_set_regs(self->t[i].v, &regs);
	}
}

FIXTURE_TEARDOWN(vcpu_affinity)
{
	/* After a failed assertion the threads still run. */
	stop_threads(self);
	vm_destroy(self->vm);
}

static bool any_done(struct vcpu_thread *t)
{
	return atomic_load(&t[0].done) || atomic_load(&t[1].done);
}

static int move_to(pthread_t thread, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(thread, sizeof(set), &set);
}

/* Waits for one more report of each vCPU; false if a thread stopped. */
static bool wait_reports(struct vcpu_thread *t)
{
	unsigned int old[2] = { atomic_load(&t[0].reports),
				atomic_load(&t[1].reports) };

	while ((atomic_load(&t[0].reports) == old[0] ||
		atomic_load(&t[1].reports) == old[1]) && !any_done(t))
		usleep(200);
	return !any_done(t);
}

static void run_flips(struct __test_metadata *_metadata,
		      FIXTURE_DATA(vcpu_affinity) *self, bool signals)
{
	struct vcpu_thread *t = self->t;
	int last[2] = { -1, -1 };
	unsigned int i, j, sent = 0;

	ASSERT_LE(2, sysconf(_SC_NPROCESSORS_ONLN));
	for (j = 0; j < 2; j++) {
		ASSERT_EQ(0, pthread_create(&t[j].thread, NULL, vcpu_loop,
					    &t[j]));
		self->started = j + 1;
	}
	for (i = 0; ; i++) {
		bool more = i < FLIPS;

		if (signals && (atomic_load(&t[0].eintr) < MIN_EINTR ||
				atomic_load(&t[1].eintr) < MIN_EINTR))
			more = true;
		if (!more || any_done(t))
			break;
		for (j = 0; j < 2; j++) {
			last[j] = (i + j) % 2;
			ASSERT_EQ(0, move_to(t[j].thread, last[j]));
			if (signals) {
				ASSERT_EQ(0, pthread_kill(t[j].thread,
							  SIGUSR1));
				sent++;
			}
		}
		if (!wait_reports(t))
			break;
	}
	TH_LOG("%s: %u moves, %u + %u reports, %u signals, %u + %u EINTR",
	       dev_label(), i, atomic_load(&t[0].reports),
	       atomic_load(&t[1].reports), sent, atomic_load(&t[0].eintr),
	       atomic_load(&t[1].eintr));
	stop_threads(self);
	for (j = 0; j < 2; j++) {
		ASSERT_FALSE(atomic_load(&t[j].failed)) TH_LOG("%s", t[j].msg);
		ASSERT_EQ(last[j], t[j].cpu_after)
			TH_LOG("vCPU %u's thread", j);
		ASSERT_LE((unsigned int)FLIPS, atomic_load(&t[j].reports));
		if (signals) {
			ASSERT_LE((unsigned int)MIN_EINTR, atomic_load(&t[j].eintr));
		}
	}
	/* Halted: each vCPU's registers are its own, x equals its copy. */
	for (j = 0; j < 2; j++) {
		struct kvm_regs regs;
		struct block b;

		gvcpu_get_regs(t[j].v, &regs);
		guest_read(self->vm, BLOCK_GPA(j), &b, sizeof(b));
		ASSERT_EQ(BLOCK_GPA(j), regs.rsi);
		ASSERT_EQ(t[j].init.c, regs.r9);
		ASSERT_EQ(AFF_MUL, regs.r10);
		ASSERT_EQ(b.x, regs.r8) TH_LOG("vCPU %u", j);
	}
}

TEST_F_TIMEOUT(vcpu_affinity, flips, 300)
{
	run_flips(_metadata, self, false);
}

TEST_F_TIMEOUT(vcpu_affinity, flips_signals, 300)
{
	run_flips(_metadata, self, true);
}

TEST_HARNESS_MAIN
