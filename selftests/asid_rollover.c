// SPDX-License-Identifier: GPL-2.0-only
/*
 * asid_rollover: more vCPUs on one CPU than the CPU has ASIDs (QEMU's
 * AMD-V has 16; kvm-amd and hvmod hand them out per CPU with
 * generations, so they roll over many times), and still no guest ever
 * sees a TLB entry another guest left behind.
 *
 * NR_VMS VMs with one vCPU each run in round-robin from one thread, many
 * rounds.  Every guest reads the same guest-virtual address
 * (ASID_TEST_VA), which its own page tables map through a 4 KiB page
 * table to page A or page B of its own memory; the page holds that VM's
 * current value (round << 12 | id).  A stale translation from another
 * VM (same ASID number in an older generation, or a flush that did not
 * happen) would read that other VM's page and report its id.  Before
 * each run userspace writes the new value; every fourth round it also
 * moves the PTE to the other page, poisons the old one and sets a flag
 * for the guest to INVLPG (guest/asid_rollover.S), as an OS would.
 *
 * Cases: all on one CPU; moving between two CPUs every round, and before
 * every run (on a one-CPU machine they stay on the one and say so: the
 * cases need no second CPU to be meaningful); one CPU with one VM
 * destroyed and a new one created every round (new vCPUs take ASIDs
 * mid-generation); two threads with half the VMs each, on different
 * CPUs, swapping CPUs every round (both allocate ASIDs at once).
 *
 * QEMU's TLB does not keep entries per ASID, so there a missing flush
 * cannot show; the test still drives the allocator through its
 * rollovers, and on real hardware it would catch the missing flush.
 * HVM_ASID_ROUNDS overrides the number of rounds (default 300).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest_harness.h"
#include "hvm_test.h"
#include "guest/asid_rollover.h"

GUEST_CODE_DECLARE(asid_guest);

#define NR_VMS			40	/* more than twice 16 ASIDs */
#define ROUNDS_DEFAULT		300
#define FLIP_EVERY		4	/* rounds between PTE changes */
#define ID_BITS			12
#define MAX_LOGGED		10
/* Seconds per case: an emulator makes each run slow. */
#define ASID_TIMEOUT		300

#define PTE_P			(1ULL << 0)
#define PTE_RW			(1ULL << 1)
/* The library's page directory for the first GiB (guest.c). */
#define GUEST_PD_GPA		(GUEST_PT_GPA + 2 * 0x1000)
#define POISON			0xdead0000U

struct asid_vm {
	struct guest_vm *vm;
	unsigned int id;
	uint64_t page;		/* ASID_PAGE_A_GPA or ASID_PAGE_B_GPA */
};

static void write_u32(struct guest_vm *vm, uint64_t gpa, uint32_t v)
{
	guest_write(vm, gpa, &v, sizeof(v));
}

static void write_pte(struct guest_vm *vm, uint64_t gpa, uint64_t pte)
{
	guest_write(vm, gpa, &pte, sizeof(pte));
}

/* A VM whose guest loops reading ASID_TEST_VA, mapped to its page A. */
static void asid_vm_create(struct asid_vm *v, unsigned int id)
{
	static const char zero[0x1000];

	v->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	v->id = id;
	v->page = ASID_PAGE_A_GPA;
	guest_start(v->vm, GUEST_MODE_LONG64, GUEST_CODE(asid_guest));
	guest_write(v->vm, ASID_PT_GPA, zero, sizeof(zero));
	write_pte(v->vm, ASID_PT_GPA, ASID_PAGE_A_GPA | PTE_P | PTE_RW);
	/* PD entry 1 (2-4 MiB) now points to the page table. */
	write_pte(v->vm, GUEST_PD_GPA + 8, ASID_PT_GPA | PTE_P | PTE_RW);
	write_u32(v->vm, ASID_PAGE_A_GPA, id);
	write_u32(v->vm, ASID_PAGE_B_GPA, POISON | id);
	write_u32(v->vm, ASID_FLUSH_GPA, 0);
}

/* The first @n CPUs this thread may run on; returns how many there are. */
static int allowed_cpus(int *cpus, int n)
{
	cpu_set_t set;
	int cpu, found = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -errno;
	for (cpu = 0; cpu < CPU_SETSIZE && found < n; cpu++)
		if (CPU_ISSET(cpu, &set))
			cpus[found++] = cpu;
	return found;
}

static int pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

enum asid_mode {
	ASID_PINNED,
	ASID_HOP,		/* the other CPU every round */
	ASID_HOP_EVERY_RUN,	/* the other CPU before every run */
	ASID_RECREATE,		/* pinned; one VM replaced every round */
};

/*
 * One thread's share: its VMs, run round-robin.  No harness assertions
 * (it may be a second thread): failures are logged to stderr and
 * counted; a run that is not a report stops the worker.
 */
struct asid_worker {
	enum asid_mode mode;
	int cpus[2];
	int ncpus;
	int first;		/* index in cpus[] of the first CPU */
	unsigned int nr_vms;
	unsigned int first_id;
	long rounds;
	unsigned int errors;	/* wrong values read */
	bool broken;		/* an exit that was not a report */
	struct asid_vm vms[NR_VMS];
};

static int worker_cpu(struct asid_worker *w, long n)
{
	return w->cpus[(w->first + n) % w->ncpus];
}

static void *asid_worker_run(void *arg)
{
	struct asid_worker *w = arg;
	unsigned int next_id = w->first_id, i;
	int cpu = worker_cpu(w, 0);
	long r;

	if (pin_to(cpu)) {
		fprintf(stderr, "# pin to CPU %d: %s\n", cpu, strerror(errno));
		w->broken = true;
		return NULL;
	}
	for (i = 0; i < w->nr_vms; i++)
		asid_vm_create(&w->vms[i], next_id++);

	for (r = 0; r < w->rounds && !w->broken; r++) {
		if (w->mode == ASID_HOP) {
			cpu = worker_cpu(w, r);
			w->broken |= pin_to(cpu) != 0;
		}
		if (w->mode == ASID_RECREATE) {
			struct asid_vm *v = &w->vms[r % w->nr_vms];

			vm_destroy(v->vm);
			asid_vm_create(v, next_id++ % (1U << ID_BITS));
		}
		for (i = 0; i < w->nr_vms && !w->broken; i++) {
			struct asid_vm *v = &w->vms[i];
			uint32_t want = (uint32_t)r << ID_BITS | v->id;
			uint32_t got;
			int ret;

			if (w->mode == ASID_HOP_EVERY_RUN) {
				cpu = worker_cpu(w, r + i);
				w->broken |= pin_to(cpu) != 0;
			}
			if (r % FLIP_EVERY == FLIP_EVERY - 1) {
				write_u32(v->vm, v->page, POISON | v->id);
				v->page = v->page == ASID_PAGE_A_GPA ?
					  ASID_PAGE_B_GPA : ASID_PAGE_A_GPA;
				write_pte(v->vm, ASID_PT_GPA,
					  v->page | PTE_P | PTE_RW);
				write_u32(v->vm, ASID_FLUSH_GPA, 1);
			}
			write_u32(v->vm, v->page, want);
			ret = vcpu_run(v->vm);
			if (ret != KVM_EXIT_IO || !vcpu_is_report(v->vm)) {
				fprintf(stderr, "# round %ld VM %u: KVM_RUN %s; "
					"%s\n", r, v->id, ret < 0 ?
					strerror(-ret) : "ok",
					vcpu_exit_str(v->vm));
				w->broken = true;
				break;
			}
			got = vcpu_io_value(v->vm);
			if (got == want)
				continue;
			if (++w->errors <= MAX_LOGGED)
				fprintf(stderr, "# round %ld VM %u (cpu %d, "
					"page %#llx): read %#x (round %u id "
					"%u), want %#x\n", r, v->id, cpu,
					(unsigned long long)v->page, got,
					got >> ID_BITS,
					got & ((1U << ID_BITS) - 1), want);
		}
	}
	for (i = 0; i < w->nr_vms; i++)
		vm_destroy(w->vms[i].vm);
	return NULL;
}

/* Sets up @nr workers sharing NR_VMS VMs; each starts on another CPU. */
static void asid_run(struct __test_metadata *_metadata, enum asid_mode mode,
		     unsigned int nr)
{
	long rounds = env_long("HVM_ASID_ROUNDS", ROUNDS_DEFAULT);
	struct asid_worker *w = calloc(nr, sizeof(*w));
	pthread_t threads[2];
	unsigned int i;
	int cpus[2], ncpus;

	ASSERT_NE(NULL, w);
	ASSERT_GE(2U, nr);
	ASSERT_LT(0, rounds);
	ASSERT_GT(1L << (32 - ID_BITS), rounds);
	ncpus = allowed_cpus(cpus, 2);
	ASSERT_LT(0, ncpus);
	if ((nr > 1 || mode == ASID_HOP || mode == ASID_HOP_EVERY_RUN) &&
	    ncpus < 2)
		TH_LOG("one CPU: every run is on CPU %d", cpus[0]);
	for (i = 0; i < nr; i++) {
		w[i].mode = mode;
		memcpy(w[i].cpus, cpus, sizeof(cpus));
		w[i].ncpus = ncpus;
		w[i].first = i;
		w[i].nr_vms = NR_VMS / nr;
		w[i].first_id = i * NR_VMS;
		w[i].rounds = rounds;
	}
	if (nr == 1) {
		asid_worker_run(&w[0]);
	} else {
		for (i = 0; i < nr; i++)
			ASSERT_EQ(0, pthread_create(&threads[i], NULL,
						    asid_worker_run, &w[i]));
		for (i = 0; i < nr; i++)
			ASSERT_EQ(0, pthread_join(threads[i], NULL));
	}
	for (i = 0; i < nr; i++) {
		EXPECT_FALSE(w[i].broken) TH_LOG("worker %u stopped", i);
		EXPECT_EQ(0U, w[i].errors)
			TH_LOG("worker %u: %u wrong reports of %ld", i,
			       w[i].errors, rounds * w[i].nr_vms);
	}
	free(w);
}

/* No state: each case makes and frees its own VMs. */
FIXTURE(asid) {
	int unused;
};

FIXTURE_SETUP(asid)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(asid)
{
}

TEST_F_TIMEOUT(asid, pinned, ASID_TIMEOUT)
{
	asid_run(_metadata, ASID_PINNED, 1);
}

TEST_F_TIMEOUT(asid, cpu_hop, ASID_TIMEOUT)
{
	asid_run(_metadata, ASID_HOP, 1);
}

TEST_F_TIMEOUT(asid, cpu_hop_every_run, ASID_TIMEOUT)
{
	asid_run(_metadata, ASID_HOP_EVERY_RUN, 1);
}

/* Two threads with 20 VMs each, on different CPUs, swapping each round. */
TEST_F_TIMEOUT(asid, two_threads_hop, ASID_TIMEOUT)
{
	asid_run(_metadata, ASID_HOP, 2);
}

TEST_F_TIMEOUT(asid, pinned_recreate, ASID_TIMEOUT)
{
	asid_run(_metadata, ASID_RECREATE, 1);
}

TEST_HARNESS_MAIN
