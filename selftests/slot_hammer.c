// SPDX-License-Identifier: GPL-2.0-only
/*
 * slot_hammer: memory slots changed under a running vCPU.  One VM, two
 * vCPUs in two threads, both running guest/slot_hammer.S: each
 * increments a counter in a slot of its own and reports it now and then
 * with the tag word beside it, which only the host writes.
 *
 * vCPU 0's slot (slot 1) is never touched: its reports must be exactly
 * HAMMER_EVERY, 2 * HAMMER_EVERY, ... with its tag, and nothing else may
 * exit.  Meanwhile the main thread takes vCPU 1's slot (slot 2) through
 * CYCLES cycles of: delete (memory_size 0), wait until vCPU 1 has taken
 * an MMIO exit, then bring it back with fresh backing whose tag word
 * names the new backing (the old one is munmap()ed), cycle i % 4 being
 *   0: at the same GPA,
 *   1: at another GPA (the guest's mailbox then points there),
 *   2: at the same GPA, read-only (stores become MMIO writes),
 *   3: no delete: the slot moves with its backing (a KVM "move": same
 *      slot and userspace_addr, new GPA; the mailbox follows).
 * After each it waits until vCPU 1 reports the tag of the backing now
 * in place (the guest reads the new backing) and vCPU 0 reported again.
 *
 * vCPU 1's thread answers MMIO exits like a memory cell and asserts:
 * MMIO exits are 8-byte accesses at the counter or tag GPA of the
 * slot's current or previous place, and only when the slot was absent
 * (or read-only, for stores) at some point of that KVM_RUN; a tag is
 * never one of a deleted backing once an MMIO exit showed the delete
 * (stale data), nor anything else than a known tag (host memory).
 * Progress is waited for, never timed: a hang is the harness' timeout.
 *
 * KVM 6.1: kvm_set_memslot() (virt/kvm/kvm_main.c) invalidates the slot
 * and zaps its SPTEs before the change; a guest access without a slot is
 * emulated MMIO (arch/x86/kvm/mmu/mmu.c: kvm_handle_noslot_fault()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_harness.h"
#include "hvm_test.h"

#define HAMMER_EVERY	500	/* guest/slot_hammer.S */
#define CYCLES		50

#define SLOT_SIZE	0x10000ULL
#define COUNTER_OFF	0x3000ULL	/* counter, then the tag at + 8 */
#define SLOT0_GPA	0x40000000ULL	/* vCPU 0: slot 1 at 1 GiB */
#define SLOT_A_GPA	0x80000000ULL	/* vCPU 1: slot 2 at 2 or 3 GiB */
#define SLOT_B_GPA	0xc0000000ULL
#define MAILBOX0_GPA	GUEST_DATA_GPA
#define MAILBOX1_GPA	(GUEST_DATA_GPA + 0x100)

/* The tag word of backing @gen; vCPU 0's; what MMIO loads of it return. */
#define TAG(gen)	(0x7a000000U + (gen))
#define TAG_MAX_GEN	0xffffU
#define TAG0		0x7b000000U
#define TAG_MMIO	0x4d4d4d4dU

GUEST_CODE_DECLARE(hammer);

struct shared {
	/* Written by the main thread. */
	atomic_uint seq;	/* odd while a slot ioctl is under way */
	atomic_ullong gpa;	/* slot 2's GPA now (its counter page) */
	atomic_ullong prev_gpa;	/* and before the last move */
	atomic_bool present;
	atomic_bool readonly;
	atomic_uint dead;	/* backings 0 .. dead - 1 are deleted */
	atomic_uint gen;	/* the newest backing */
	/* Written by the vCPU threads. */
	atomic_uint mmio_exits;		/* vCPU 1 */
	atomic_int seen_gen;		/* vCPU 1: newest tag reported */
	atomic_uint last_tag;		/* vCPU 1: its last tag */
	atomic_uint reports[2];
	atomic_bool failed[2];
	atomic_bool done[2];
	char msg[2][256];
};

struct vcpu_thread {
	struct guest_vcpu *v;
	struct shared *sh;
	pthread_t thread;
};

static void fail(struct shared *sh, unsigned int id, const char *what,
		 struct guest_vcpu *v)
{
	snprintf(sh->msg[id], sizeof(sh->msg[id]), "vCPU %u: %s; %s", id,
		 what, gvcpu_exit_str(v));
	atomic_store(&sh->failed[id], true);
}

/* vCPU 0: reports k * HAMMER_EVERY and TAG0, then HLT once stopped. */
static void *vcpu0_loop(void *arg)
{
	struct vcpu_thread *t = arg;
	struct shared *sh = t->sh;
	uint32_t n = 0;
	bool tag_next = false;
	int r;

	for (;;) {
		r = gvcpu_run(t->v);
		if (r == KVM_EXIT_HLT)
			break;
		if (r == -EINTR)
			continue;
		if (r != KVM_EXIT_IO || !gvcpu_is_report(t->v)) {
			fail(sh, 0, "unexpected exit", t->v);
			break;
		}
		if (!tag_next) {
			n += HAMMER_EVERY;
			if (gvcpu_io_value(t->v) != n) {
				fail(sh, 0, "counter is not k * every",
				     t->v);
				break;
			}
		} else {
			if (gvcpu_io_value(t->v) != TAG0) {
				fail(sh, 0, "wrong tag", t->v);
				break;
			}
			atomic_fetch_add(&sh->reports[0], 1);
		}
		tag_next = !tag_next;
	}
	atomic_store(&sh->done[0], true);
	return NULL;
}

/* Is @gpa the counter or the tag of the slot at @base? */
static bool at_counter(uint64_t gpa, uint64_t base)
{
	return gpa == base + COUNTER_OFF || gpa == base + COUNTER_OFF + 8;
}

/* Could the slot have been at @gpa's page, mapped for this access? */
static bool slot_mapped(struct shared *sh, uint64_t gpa, bool write)
{
	return atomic_load(&sh->present) &&
	       at_counter(gpa, atomic_load(&sh->gpa)) &&
	       !(write && atomic_load(&sh->readonly));
}

/*
 * vCPU 1: MMIO exits answered as a memory cell (counter) and TAG_MMIO
 * (tag); reports checked against the generations of the backing.
 */
static void *vcpu1_loop(void *arg)
{
	struct vcpu_thread *t = arg;
	struct shared *sh = t->sh;
	struct kvm_run *run = t->v->run;
	unsigned int fence = 0;
	uint64_t cell = 0;
	bool tag_next = false;
	bool mapped_before;
	unsigned int seq;
	int r;

	for (;;) {
		seq = atomic_load(&sh->seq);
		mapped_before = !(seq & 1);
		r = gvcpu_run(t->v);
		if (r == KVM_EXIT_HLT)
			break;
		if (r == -EINTR)
			continue;
		if (r == KVM_EXIT_MMIO) {
			uint64_t gpa = run->mmio.phys_addr;
			bool write = run->mmio.is_write;

			if (run->mmio.len != 8 ||
			    !(at_counter(gpa, atomic_load(&sh->gpa)) ||
			      at_counter(gpa, atomic_load(&sh->prev_gpa)))) {
				fail(sh, 1, "MMIO exit elsewhere", t->v);
				break;
			}
			/*
			 * No slot ioctl ran during this KVM_RUN and the slot
			 * was mapped throughout: the access had memory.
			 */
			if (mapped_before && atomic_load(&sh->seq) == seq &&
			    slot_mapped(sh, gpa, write)) {
				fail(sh, 1, "MMIO exit with the slot there",
				     t->v);
				break;
			}
			if (write && (gpa & 8) == 0)
				cell = gvcpu_mmio_value(t->v);
			else if (!write)
				gvcpu_mmio_complete_read(t->v, gpa & 8 ?
							 TAG_MMIO : cell);
			/* Read after the exit: never ahead of the guest. */
			fence = atomic_load(&sh->dead);
			atomic_fetch_add(&sh->mmio_exits, 1);
			continue;
		}
		if (r != KVM_EXIT_IO || !gvcpu_is_report(t->v)) {
			fail(sh, 1, "unexpected exit", t->v);
			break;
		}
		if (tag_next) {
			uint32_t tag = gvcpu_io_value(t->v);
			unsigned int g = tag - TAG(0);

			if (tag != TAG_MMIO &&
			    (tag < TAG(0) || g > atomic_load(&sh->gen))) {
				fail(sh, 1, "tag of no backing", t->v);
				break;
			}
			if (tag != TAG_MMIO && g < fence) {
				fail(sh, 1, "tag of a deleted backing", t->v);
				break;
			}
			if (tag != TAG_MMIO)
				atomic_store(&sh->seen_gen, g);
			atomic_store(&sh->last_tag, tag);
			atomic_fetch_add(&sh->reports[1], 1);
		}
		tag_next = !tag_next;
	}
	atomic_store(&sh->done[1], true);
	return NULL;
}

FIXTURE(slot_hammer) {
	struct guest_vm *vm;
	struct shared sh;
	struct vcpu_thread t[2];
	unsigned int started;	/* threads running */
	void *backing[CYCLES + 1];
};

FIXTURE_SETUP(slot_hammer)
{
	memset(&self->sh, 0, sizeof(self->sh));
	memset(self->backing, 0, sizeof(self->backing));
	self->started = 0;
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
}

/* Makes both guests halt and waits for their threads. */
static void stop_threads(FIXTURE_DATA(slot_hammer) *self)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		volatile uint64_t *stop = guest_hva(self->vm, i ?
						    MAILBOX1_GPA + 8 :
						    MAILBOX0_GPA + 8);
		*stop = 1;
	}
	for (i = 0; i < self->started; i++)
		pthread_join(self->t[i].thread, NULL);
	self->started = 0;
}

FIXTURE_TEARDOWN(slot_hammer)
{
	unsigned int i;

	/* After a failed assertion the threads still run. */
	stop_threads(self);

	vm_destroy(self->vm);
	for (i = 0; i <= CYCLES; i++) {
		if (self->backing[i])
			munmap(self->backing[i], SLOT_SIZE);
	}
}

static int set_slot(struct guest_vm *vm, struct shared *sh, uint64_t gpa,
		    uint64_t size, void *hva, uint32_t flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = 2,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};
	int err;

	atomic_fetch_add(&sh->seq, 1);
	err = ioctl_errno(vm->vm, KVM_SET_USER_MEMORY_REGION,
			  (unsigned long)&r);
	atomic_fetch_add(&sh->seq, 1);
	return err;
}

/* Fresh backing for generation @gen: counter 0, the tag beside it. */
static void *new_backing(unsigned int gen)
{
	uint64_t *p = mmap(NULL, SLOT_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned int i;

	if (p == MAP_FAILED)
		return NULL;
	/* Every word a pattern of this generation; then counter + tag. */
	for (i = 0; i < SLOT_SIZE / 8; i++)
		p[i] = 0x5a5a000000000000ULL | (uint64_t)gen << 32 | i;
	p[COUNTER_OFF / 8] = 0;
	p[COUNTER_OFF / 8 + 1] = TAG(gen);
	return p;
}

static bool any_failed(struct shared *sh)
{
	return atomic_load(&sh->failed[0]) || atomic_load(&sh->failed[1]) ||
	       atomic_load(&sh->done[0]) || atomic_load(&sh->done[1]);
}

/* Waits until *@var != @old or a thread fails. */
#define WAIT_CHANGE(sh, var, old) ({					\
	while (atomic_load(var) == (old) && !any_failed(sh))		\
		usleep(200);						\
	!any_failed(sh);						\
})

static void set_mailbox(struct guest_vm *vm, uint64_t mailbox, uint64_t gpa)
{
	volatile uint64_t *m = guest_hva(vm, mailbox);

	m[0] = gpa + COUNTER_OFF;
}

TEST_F_TIMEOUT(slot_hammer, delete_readd_move, 300)
{
	struct guest_vm *vm = self->vm;
	struct shared *sh = &self->sh;
	uint64_t *slot0, gpa = SLOT_A_GPA;
	unsigned int i, old, old0, gen = 0;
	struct kvm_regs regs;

	slot0 = vm_add_slot(vm, 1, SLOT0_GPA, SLOT_SIZE, 0);
	slot0[COUNTER_OFF / 8 + 1] = TAG0;
	self->backing[0] = new_backing(0);
	ASSERT_NE(NULL, self->backing[0]);
	ASSERT_EQ(0, set_slot(vm, sh, gpa, SLOT_SIZE, self->backing[0], 0));
	atomic_store(&sh->gpa, gpa);
	atomic_store(&sh->prev_gpa, gpa);
	atomic_store(&sh->present, true);
	atomic_store(&sh->seen_gen, -1);

	set_mailbox(vm, MAILBOX0_GPA, SLOT0_GPA);
	set_mailbox(vm, MAILBOX1_GPA, gpa);

	guest_load_code(vm, GUEST_CODE(hammer));
	self->t[0].v = guest_vcpu0(vm);
	self->t[1].v = vcpu_add(vm, 1);
	for (i = 0; i < 2; i++) {
		gvcpu_set_mode(self->t[i].v, GUEST_MODE_LONG64);
		gvcpu_get_regs(self->t[i].v, &regs);
		regs.rsi = i ? MAILBOX1_GPA : MAILBOX0_GPA;
		gvcpu_set_regs(self->t[i].v, &regs);
		self->t[i].sh = sh;
	}
	ASSERT_EQ(0, pthread_create(&self->t[0].thread, NULL, vcpu0_loop,
				    &self->t[0]));
	self->started = 1;
	ASSERT_EQ(0, pthread_create(&self->t[1].thread, NULL, vcpu1_loop,
				    &self->t[1]));
	self->started = 2;

	/* Backing 0 is read before the first delete. */
	while (atomic_load(&sh->seen_gen) < 0 && !any_failed(sh))
		usleep(200);

	old0 = atomic_load(&sh->reports[0]);
	for (i = 0; i < CYCLES && !any_failed(sh); i++) {
		unsigned int mode = i % 4;
		uint64_t new_gpa = gpa == SLOT_A_GPA ? SLOT_B_GPA :
						       SLOT_A_GPA;

		if (mode == 3) {
			/* A move: same backing, same tag, new GPA. */
			atomic_store(&sh->prev_gpa, gpa);
			atomic_store(&sh->present, false);
			ASSERT_EQ(0, set_slot(vm, sh, new_gpa, SLOT_SIZE,
					      self->backing[gen],
					      atomic_load(&sh->readonly) ?
					      KVM_MEM_READONLY : 0));
			gpa = new_gpa;
			atomic_store(&sh->gpa, gpa);
			atomic_store(&sh->present, true);
			set_mailbox(vm, MAILBOX1_GPA, gpa);
			/*
			 * The guest stops at each report until its thread
			 * took it, so all iterations of the second report
			 * from now read the new mailbox: the same tag,
			 * through the new GPA.
			 */
			old = atomic_load(&sh->reports[1]);
			if (!WAIT_CHANGE(sh, &sh->reports[1], old))
				break;
			old = atomic_load(&sh->reports[1]);
			if (!WAIT_CHANGE(sh, &sh->reports[1], old))
				break;
			ASSERT_EQ(TAG(gen), atomic_load(&sh->last_tag))
				TH_LOG("cycle %u: after the move", i);
			continue;
		}
		old = atomic_load(&sh->mmio_exits);
		atomic_store(&sh->present, false);
		ASSERT_EQ(0, set_slot(vm, sh, gpa, 0, self->backing[gen], 0));
		atomic_store(&sh->dead, gen + 1);
		if (!WAIT_CHANGE(sh, &sh->mmio_exits, old))
			break;
		/* The old backing must not be what the guest sees. */
		munmap(self->backing[gen], SLOT_SIZE);
		self->backing[gen] = NULL;

		gen++;
		self->backing[gen] = new_backing(gen);
		ASSERT_NE(NULL, self->backing[gen]);
		atomic_store(&sh->gen, gen);
		if (mode == 1) {
			atomic_store(&sh->prev_gpa, gpa);
			gpa = new_gpa;
			atomic_store(&sh->gpa, gpa);
			set_mailbox(vm, MAILBOX1_GPA, gpa);
		}
		atomic_store(&sh->readonly, mode == 2);
		ASSERT_EQ(0, set_slot(vm, sh, gpa, SLOT_SIZE,
				      self->backing[gen],
				      mode == 2 ? KVM_MEM_READONLY : 0));
		atomic_store(&sh->present, true);
		while (atomic_load(&sh->seen_gen) != (int)gen &&
		       !any_failed(sh))
			usleep(200);
		/* vCPU 0 goes on meanwhile. */
		WAIT_CHANGE(sh, &sh->reports[0], old0);
		old0 = atomic_load(&sh->reports[0]);
	}
	TH_LOG("%s: %u cycles, %u reports of vCPU 0, %u of vCPU 1, %u MMIO "
	       "exits", dev_label(), i, atomic_load(&sh->reports[0]),
	       atomic_load(&sh->reports[1]), atomic_load(&sh->mmio_exits));

	/* vCPU 0 ran on throughout; one more report, then stop both. */
	old = atomic_load(&sh->reports[0]);
	WAIT_CHANGE(sh, &sh->reports[0], old);
	stop_threads(self);
	ASSERT_FALSE(atomic_load(&sh->failed[0])) TH_LOG("%s", sh->msg[0]);
	ASSERT_FALSE(atomic_load(&sh->failed[1])) TH_LOG("%s", sh->msg[1]);
	ASSERT_EQ((unsigned int)CYCLES, i);
	ASSERT_LT(0U, atomic_load(&sh->reports[0]));
	/* Backing gen's tag survives in memory; the guest never wrote it. */
	ASSERT_EQ((uint64_t)TAG(gen),
		  ((uint64_t *)self->backing[gen])[COUNTER_OFF / 8 + 1]);
	ASSERT_EQ(0, set_slot(vm, sh, gpa, 0, self->backing[gen], 0));
}

TEST_HARNESS_MAIN
