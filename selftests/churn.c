// SPDX-License-Identifier: GPL-2.0-only
/*
 * churn: create and destroy a VM with 4 vCPUs (each with its kvm_run page
 * mapped) many times, then check that nothing was left behind.
 *
 * HVM_CHURN overrides the number of cycles (default 1000).
 *
 * On hvm the debugfs object counters must be exactly one VM and its vCPUs
 * during each cycle and all zero afterwards.  On both devices the growth of
 * memory use over the cycles, measured after a warm-up, must stay below
 * SLOPE_KIB_PER_CYCLE per cycle: 4 KiB, i.e. 4 MiB over 1,000 cycles.  As
 * measurement noise does not shrink with fewer cycles, the budget is never
 * below SLOPE_FLOOR_KIB (1 MiB; it only matters for HVM_CHURN < 256).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "harness.h"
#include "hvm_test.h"

#define CHURN_CYCLES_DEFAULT	1000
#define CHURN_WARMUP_CYCLES	100
#define CHURN_VCPUS		4
#define SLOPE_KIB_PER_CYCLE	4
#define SLOPE_FLOOR_KIB		1024
/* Seconds per test case; an emulator makes each cycle slow. */
#define CHURN_TIMEOUT		400

/* What one cycle needs. */
struct churn {
	int dev;
	long nr_vcpus;
	long mmap_size;
	long pinned_seen;	/* most pinned pages seen with one VM live */
};

FIXTURE(churn) {
	struct churn c;
	long cycles;
};

FIXTURE_SETUP(churn)
{
	long max_vcpus;

	struct churn *c = &self->c;

	c->dev = dev_open();
	ASSERT_LE(0, c->dev)
		TH_LOG("open %s: %s", dev_path(), strerror(-c->dev));
	self->cycles = env_long("HVM_CHURN", CHURN_CYCLES_DEFAULT);
	ASSERT_LT(0, self->cycles) TH_LOG("bad HVM_CHURN");
	max_vcpus = check_cap(c->dev, KVM_CAP_MAX_VCPUS);
	ASSERT_LT(0, max_vcpus);
	c->nr_vcpus = max_vcpus < CHURN_VCPUS ? max_vcpus : CHURN_VCPUS;
	c->mmap_size = ioctl_value(c->dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	ASSERT_LT(0, c->mmap_size);
}

FIXTURE_TEARDOWN(churn)
{
	close(self->c.dev);
}

static void expect_objects_zero(struct __test_metadata *_metadata,
				const char *when)
{
	struct hvm_objects objs;

	ASSERT_EQ(0, read_hvm_objects(&objs))
		TH_LOG("cannot read %s", HVM_OBJECTS_PATH);
	EXPECT_EQ(0, objs.vms) TH_LOG("%s", when);
	EXPECT_EQ(0, objs.vcpus) TH_LOG("%s", when);
	EXPECT_EQ(0, objs.pages) TH_LOG("%s", when);
	EXPECT_EQ(0, objs.pinned) TH_LOG("%s", when);
}

/* With exactly one VM alive, the counters must show it. */
static void expect_objects_live(struct __test_metadata *_metadata,
				struct churn *c, long cycle)
{
	struct hvm_objects objs;

	ASSERT_EQ(0, read_hvm_objects(&objs))
		TH_LOG("cannot read %s", HVM_OBJECTS_PATH);
	ASSERT_EQ(1, objs.vms) TH_LOG("cycle %ld", cycle);
	ASSERT_EQ(c->nr_vcpus, objs.vcpus) TH_LOG("cycle %ld", cycle);
	ASSERT_LT(0, objs.pages) TH_LOG("cycle %ld", cycle);
	if (objs.pinned > c->pinned_seen)
		c->pinned_seen = objs.pinned;
}

static void churn_one(struct __test_metadata *_metadata, struct churn *c,
		      long cycle, bool check_objects)
{
	struct kvm_run *run[CHURN_VCPUS];
	int vm, vcpu[CHURN_VCPUS];
	long i;

	vm = vm_create(c->dev);
	ASSERT_LE(0, vm) TH_LOG("cycle %ld: KVM_CREATE_VM: %s", cycle,
				strerror(-vm));
	for (i = 0; i < c->nr_vcpus; i++) {
		vcpu[i] = vcpu_create(vm, i);
		ASSERT_LE(0, vcpu[i])
			TH_LOG("cycle %ld: vCPU %ld: %s", cycle, i,
			       strerror(-vcpu[i]));
		run[i] = mmap(NULL, c->mmap_size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, vcpu[i], 0);
		ASSERT_NE(MAP_FAILED, run[i])
			TH_LOG("cycle %ld: mmap: %s", cycle, strerror(errno));
		/* Fault the page in; munmap() below keeps the store. */
		run[i]->immediate_exit = 0;
	}
	if (check_objects)
		expect_objects_live(_metadata, c, cycle);

	for (i = 0; i < c->nr_vcpus; i++)
		munmap(run[i], c->mmap_size);
	/* Alternate which fd drops the last VM reference. */
	if (cycle & 1)
		close(vm);
	for (i = 0; i < c->nr_vcpus; i++)
		close(vcpu[i]);
	if (!(cycle & 1))
		close(vm);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void churn_many(struct __test_metadata *_metadata, struct churn *c,
		       long cycles, bool check_objects)
{
	double start = now_seconds();
	long cycle;

	for (cycle = 0; cycle < cycles; cycle++)
		churn_one(_metadata, c, cycle, check_objects);
	TH_LOG("%s: %ld cycles of 1 VM + %ld vCPUs in %.1f s", dev_label(),
	       cycles, c->nr_vcpus, now_seconds() - start);
}

TEST_F_TIMEOUT(churn, cycle_counters, CHURN_TIMEOUT)
{
	bool hvm = dev_is_hvm();

	if (hvm)
		expect_objects_zero(_metadata, "before: leak from earlier test?");
	churn_many(_metadata, &self->c, self->cycles, hvm);
	if (hvm) {
		expect_objects_zero(_metadata, "after the cycles");
		TH_LOG("hvm: %ld cycles, at most %ld pinned pages per VM",
		       self->cycles, self->c.pinned_seen);
	}
}

TEST_F_TIMEOUT(churn, memory_slope, CHURN_TIMEOUT)
{
	struct mem_sample before, after;
	long avail_delta, slab_delta, limit;

	churn_many(_metadata, &self->c, CHURN_WARMUP_CYCLES, false);
	ASSERT_EQ(0, mem_sample_take(&before)) TH_LOG("/proc/meminfo");
	churn_many(_metadata, &self->c, self->cycles, false);
	ASSERT_EQ(0, mem_sample_take(&after)) TH_LOG("/proc/meminfo");

	/*
	 * Deltas are after - before: memory consumed shows as a negative
	 * MemAvailable delta and a positive Slab delta.
	 */
	avail_delta = after.avail_kib - before.avail_kib;
	slab_delta = after.slab_kib - before.slab_kib;
	printf("CHURN %s cycles=%ld memavail_delta_kib=%ld slab_delta_kib=%ld\n",
	       dev_label(), self->cycles, avail_delta, slab_delta);
	fflush(stdout);

	limit = self->cycles * SLOPE_KIB_PER_CYCLE;
	if (limit < SLOPE_FLOOR_KIB)
		limit = SLOPE_FLOOR_KIB;
	TH_LOG("growth limit %ld KiB (%d KiB/cycle, floor %d KiB)",
	       limit, SLOPE_KIB_PER_CYCLE, SLOPE_FLOOR_KIB);
	EXPECT_LT(-avail_delta, limit) TH_LOG("MemAvailable shrank");
	EXPECT_LT(slab_delta, limit) TH_LOG("Slab grew");
}

TEST_HARNESS_MAIN
