// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench: hvmod against KVM in the same boot and the same process.  Not a
 * harness test (it asserts no timing; run-suite never runs it): it prints
 * one line per benchmark,
 *
 *   BENCH <sandbox> <name> hvm=<ns> kvm=<ns> ratio=<hvm/kvm>
 *
 * where <ns> is the median over the rounds of the wall-clock time of one
 * operation in nanoseconds, and ratio > 1 means hvmod is slower.  Lines
 * starting with '#' give the details (iterations, every round's figure,
 * CPUID exits per second).  scripts/bench (make bench) boots a sandbox
 * and runs it.
 *
 * Benchmarks, each on /dev/hvm and /dev/kvm in turn, round after round
 * (hvm, kvm, hvm, kvm, ...) so that drift of the emulator's speed hits
 * both alike:
 *   cpuid       a 64-bit guest runs CPUID (leaf 0) N times: exits handled
 *               in the kernel, one KVM_RUN for all of them
 *   pio_out     OUT to port 0x80 N times: every exit goes to userspace
 *               (KVM_EXIT_IO) and back with KVM_RUN
 *   mmio_write  a 4-byte store to a GPA without a slot N times:
 *               KVM_EXIT_MMIO round trips
 *   vm_create   KVM_CREATE_VM, a 2 MiB slot, one vCPU and its kvm_run
 *               mapping, then all of it closed again: one cycle
 *   cpuid_stats hvmod only: the cpuid benchmark with exit statistics
 *               and hvmod's tracepoints off (a: module parameter
 *               stats=0, no hvmod event enabled in tracefs) and on (b:
 *               stats=1, every hvmod event enabled), rounds alternating;
 *               printed as BENCH <sandbox> cpuid_stats a=<ns> b=<ns>
 *               ratio=<b/a>
 * VM setup and teardown are outside the timed part of the guest
 * benchmarks.  Every exit is checked (reason, port or address, count):
 * a device that takes a shortcut fails the run instead of winning it.
 *
 * N, the operations of one round, is calibrated per benchmark and
 * device so that a round takes about HVM_BENCH_MS milliseconds on that
 * device (so N may differ between hvm and kvm: the figures are per
 * operation), unless HVM_BENCH_N gives it.
 *
 * Environment:
 *   HVM_SANDBOX       name in the BENCH lines (default "svm")
 *   HVM_BENCH_ROUNDS  rounds per device (default 7; odd: a true median)
 *   HVM_BENCH_MS      target milliseconds of one round (default 500)
 *   HVM_BENCH_N       iterations per round for every benchmark (no
 *                     calibration)
 *   HVM_BENCH_ONLY    run only the benchmark of this name
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "guest.h"
#include "hvm_test.h"

#define BENCH_PORT	0x80		/* as in guest/bench.S */
#define BENCH_MMIO_GPA	0x40000000ULL

#define NR_DEVS		2
#define MAX_ROUNDS	31
#define MIN_N		3
#define MAX_N		10000000

GUEST_CODE_DECLARE(bench_cpuid);
GUEST_CODE_DECLARE(bench_pio_out);
GUEST_CODE_DECLARE(bench_mmio_write);

static const char *const dev_paths[NR_DEVS] = { "/dev/hvm", "/dev/kvm" };
static const char *const dev_names[NR_DEVS] = { "hvm", "kvm" };

struct bench {
	const char *name;
	/* Runs @n operations on @dev; returns the seconds they took. */
	double (*run)(int dev, unsigned long n);
};

static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A VM of guest.h's layout on @dev running the guest [start, end) in
 * long mode with RCX = @n.  The library opens HVM_DEV, so point it there.
 */
static struct guest_vm *guest_vm_for(int dev, const char *start,
				     const char *end, unsigned long n)
{
	struct guest_vm *vm;
	struct kvm_regs regs;

	if (setenv("HVM_DEV", dev_paths[dev], 1))
		fail("setenv: %s", strerror(errno));
	vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	guest_start(vm, GUEST_MODE_LONG64, start, end);
	vcpu_get_regs(vm, &regs);
	regs.rcx = n;
	vcpu_set_regs(vm, &regs);
	return vm;
}

/* KVM_RUN once more; -EINTR and KVM_EXIT_INTR are not expected either. */
static int run_once(int dev, struct guest_vm *vm, const char *bench)
{
	int r = vcpu_run(vm);

	if (r < 0)
		fail("%s on %s: KVM_RUN: %s", bench, dev_names[dev],
		     strerror(-r));
	return r;
}

/* The guest's last words: a report of 0 iterations left, then HLT. */
static void expect_end(int dev, struct guest_vm *vm, const char *bench)
{
	if (!vcpu_is_report(vm) || vcpu_io_value(vm) != 0)
		fail("%s on %s: expected the final report 0, got %s", bench,
		     dev_names[dev], vcpu_exit_str(vm));
	if (run_once(dev, vm, bench) != KVM_EXIT_HLT)
		fail("%s on %s: expected HLT, got %s", bench, dev_names[dev],
		     vcpu_exit_str(vm));
}

static double bench_cpuid(int dev, unsigned long n)
{
	struct guest_vm *vm = guest_vm_for(dev, GUEST_CODE(bench_cpuid), n);
	double t0, t;

	t0 = now();
	/* All n CPUIDs are handled in the kernel: one KVM_RUN. */
	run_once(dev, vm, "cpuid");
	t = now() - t0;
	expect_end(dev, vm, "cpuid");
	vm_destroy(vm);
	return t;
}

static double bench_pio_out(int dev, unsigned long n)
{
	struct guest_vm *vm = guest_vm_for(dev, GUEST_CODE(bench_pio_out), n);
	struct kvm_run *run = vm->run;
	unsigned long i;
	double t0, t;

	t0 = now();
	for (i = 0; i < n; i++) {
		if (run_once(dev, vm, "pio_out") != KVM_EXIT_IO ||
		    run->io.direction != KVM_EXIT_IO_OUT ||
		    run->io.port != BENCH_PORT || run->io.size != 1 ||
		    run->io.count != 1)
			fail("pio_out on %s: exit %lu: expected OUT to %#x, got %s",
			     dev_names[dev], i, BENCH_PORT, vcpu_exit_str(vm));
	}
	run_once(dev, vm, "pio_out");
	t = now() - t0;
	expect_end(dev, vm, "pio_out");
	vm_destroy(vm);
	return t;
}

static double bench_mmio_write(int dev, unsigned long n)
{
	struct guest_vm *vm = guest_vm_for(dev, GUEST_CODE(bench_mmio_write),
					   n);
	struct kvm_run *run = vm->run;
	unsigned long i;
	double t0, t;

	t0 = now();
	for (i = 0; i < n; i++) {
		if (run_once(dev, vm, "mmio_write") != KVM_EXIT_MMIO ||
		    !run->mmio.is_write ||
		    run->mmio.phys_addr != BENCH_MMIO_GPA ||
		    run->mmio.len != 4)
			fail("mmio_write on %s: exit %lu: expected a store to %#llx, got %s",
			     dev_names[dev], i, BENCH_MMIO_GPA,
			     vcpu_exit_str(vm));
	}
	run_once(dev, vm, "mmio_write");
	t = now() - t0;
	expect_end(dev, vm, "mmio_write");
	vm_destroy(vm);
	return t;
}

/*
 * n cycles of: a VM with a 2 MiB slot and one vCPU with its kvm_run
 * mapping, then everything closed.  The slot's memory is mapped once,
 * outside the timing; the device is opened once per round.
 */
static double bench_vm_create(int dev, unsigned long n)
{
	size_t mem_size = GUEST_MEM_DEFAULT;
	struct kvm_userspace_memory_region r = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = mem_size,
	};
	int fd, vmfd, vcpufd;
	long run_size;
	unsigned long i;
	double t0, t;
	void *mem, *run;

	fd = dev_open_path(dev_paths[dev]);
	if (fd < 0)
		fail("open %s: %s", dev_paths[dev], strerror(-fd));
	run_size = ioctl_value(fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		fail("KVM_GET_VCPU_MMAP_SIZE on %s: %ld", dev_names[dev],
		     run_size);
	mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	r.userspace_addr = (uintptr_t)mem;

	t0 = now();
	for (i = 0; i < n; i++) {
		vmfd = vm_create(fd);
		if (vmfd < 0)
			fail("vm_create on %s: cycle %lu: KVM_CREATE_VM: %s",
			     dev_names[dev], i, strerror(-vmfd));
		if (ioctl(vmfd, KVM_SET_USER_MEMORY_REGION, &r))
			fail("vm_create on %s: KVM_SET_USER_MEMORY_REGION: %s",
			     dev_names[dev], strerror(errno));
		vcpufd = vcpu_create(vmfd, 0);
		if (vcpufd < 0)
			fail("vm_create on %s: KVM_CREATE_VCPU: %s",
			     dev_names[dev], strerror(-vcpufd));
		run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   vcpufd, 0);
		if (run == MAP_FAILED)
			fail("vm_create on %s: mmap of the vCPU: %s",
			     dev_names[dev], strerror(errno));
		munmap(run, run_size);
		close(vcpufd);
		close(vmfd);
	}
	t = now() - t0;
	munmap(mem, mem_size);
	close(fd);
	return t;
}

static const struct bench benches[] = {
	{ "cpuid", bench_cpuid },
	{ "pio_out", bench_pio_out },
	{ "mmio_write", bench_mmio_write },
	{ "vm_create", bench_vm_create },
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, unsigned int count)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, count * sizeof(*s));
	qsort(s, count, sizeof(*s), cmp_double);
	return count % 2 ? s[count / 2] :
			   (s[count / 2 - 1] + s[count / 2]) / 2;
}

/*
 * Iterations per round on each device: about @target_s seconds there.
 * Runs of 1, 4, 16, ... operations until one takes an eighth of that;
 * the short runs before it are the warm-up (the first runs of a guest are
 * several times slower under an emulator, which translates its code).
 */
static void calibrate(const struct bench *b, double target_s,
		      unsigned long n[NR_DEVS])
{
	unsigned long k;
	double t, per_op;
	int dev;

	for (dev = 0; dev < NR_DEVS; dev++) {
		for (k = 1;; k *= 4) {
			t = b->run(dev, k);
			if (t >= target_s / 8 || k >= MAX_N / 4)
				break;
		}
		per_op = t / k;
		printf("# %s: calibration on %s: %lu operations, %.0f ns each\n",
		       b->name, dev_names[dev], k, per_op * 1e9);
		n[dev] = per_op > 0 ? (unsigned long)(target_s / per_op) :
				      MAX_N;
		if (n[dev] < MIN_N)
			n[dev] = MIN_N;
		if (n[dev] > MAX_N)
			n[dev] = MAX_N;
	}
}

static void print_rounds(const char *name, int dev, const double *ns,
			 unsigned int rounds)
{
	unsigned int i;

	printf("# %s: %s ns/op by round:", name, dev_names[dev]);
	for (i = 0; i < rounds; i++)
		printf(" %.0f", ns[i]);
	printf("\n");
}

static void run_bench(const struct bench *b, const char *sandbox,
		      unsigned int rounds, long fixed_n, double target_s)
{
	double ns[NR_DEVS][MAX_ROUNDS], med[NR_DEVS];
	unsigned long n[NR_DEVS];
	unsigned int i;
	int dev;

	if (fixed_n > 0)
		n[0] = n[1] = fixed_n;
	else
		calibrate(b, target_s, n);
	printf("# %s: operations per round: hvm %lu, kvm %lu; %u rounds\n",
	       b->name, n[0], n[1], rounds);
	for (i = 0; i < rounds; i++)
		for (dev = 0; dev < NR_DEVS; dev++)
			ns[dev][i] = b->run(dev, n[dev]) * 1e9 / n[dev];
	for (dev = 0; dev < NR_DEVS; dev++) {
		print_rounds(b->name, dev, ns[dev], rounds);
		med[dev] = median(ns[dev], rounds);
	}
	if (!strcmp(b->name, "cpuid"))
		printf("# cpuid: CPUID exits per second: hvm=%.0f kvm=%.0f\n",
		       1e9 / med[0], 1e9 / med[1]);
	printf("BENCH %s %s hvm=%.0f kvm=%.0f ratio=%.3f\n", sandbox, b->name,
	       med[0], med[1], med[0] / med[1]);
	fflush(stdout);
}

#define STATS_PARAM	"/sys/module/hvmod/parameters/stats"
#define TRACE_ENABLE	"/sys/kernel/tracing/events/hvmod/enable"

static void write_str(const char *path, const char *v)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(v, f) < 0 || fclose(f))
		fail("write %s to %s: %s", v, path, strerror(errno));
}

static void set_obs(bool on)
{
	write_str(STATS_PARAM, on ? "Y" : "N");
	write_str(TRACE_ENABLE, on ? "1" : "0");
}

static void run_stats_bench(const char *sandbox, unsigned int rounds,
			    long fixed_n, double target_s)
{
	const struct bench *b = &benches[0];	/* cpuid */
	double ns[3][MAX_ROUNDS], med[3];
	unsigned long n[NR_DEVS];
	unsigned int i;
	int on;

	if (fixed_n > 0)
		n[0] = fixed_n;
	else
		calibrate(b, target_s, n);
	printf("# cpuid_stats: %lu CPUIDs per round on hvm; %u rounds\n",
	       n[0], rounds);
	for (i = 0; i < rounds; i++) {
		for (on = 0; on < 2; on++) {
			set_obs(on);
			ns[on][i] = b->run(0, n[0]) * 1e9 / n[0];
		}
		/* Statistics alone, tracepoints off. */
		set_obs(true);
		write_str(TRACE_ENABLE, "0");
		ns[2][i] = b->run(0, n[0]) * 1e9 / n[0];
	}
	/* Back to the module's defaults: statistics on, tracing off. */
	write_str(STATS_PARAM, "Y");
	write_str(TRACE_ENABLE, "0");
	write_str("/sys/kernel/tracing/trace", "");
	for (on = 0; on < 3; on++) {
		printf("# cpuid_stats: %s ns/op by round:",
		       on == 2 ? "stats only" : on ? "on" : "off");
		for (i = 0; i < rounds; i++)
			printf(" %.0f", ns[on][i]);
		printf("\n");
		med[on] = median(ns[on], rounds);
	}
	printf("# cpuid_stats: statistics only (tracepoints off): %.0f ns,"
	       " ratio to off %.3f\n", med[2], med[2] / med[0]);
	printf("BENCH %s cpuid_stats a=%.0f b=%.0f ratio=%.3f\n", sandbox,
	       med[0], med[1], med[1] / med[0]);
	fflush(stdout);
}

/* Stay on the CPU we started on: no migrations in the middle of a round. */
static void pin_to_current_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		printf("# could not pin to CPU %d: %s\n", cpu,
		       strerror(errno));
	else
		printf("# pinned to CPU %d\n", cpu);
}

int main(void)
{
	const char *sandbox = getenv("HVM_SANDBOX");
	const char *only = getenv("HVM_BENCH_ONLY");
	long rounds = env_long("HVM_BENCH_ROUNDS", 7);
	long target_ms = env_long("HVM_BENCH_MS", 500);
	long fixed_n = env_long("HVM_BENCH_N", 0);
	unsigned int i, ran = 0;
	int dev, fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!sandbox || !*sandbox)
		sandbox = "svm";
	if (rounds < 1 || rounds > MAX_ROUNDS)
		fail("HVM_BENCH_ROUNDS must be 1..%d", MAX_ROUNDS);
	if (target_ms < 1)
		fail("HVM_BENCH_MS must be positive");
	if (fixed_n < 0 || fixed_n > MAX_N)
		fail("HVM_BENCH_N must be 0..%d", MAX_N);
	for (dev = 0; dev < NR_DEVS; dev++) {
		fd = dev_open_path(dev_paths[dev]);
		if (fd < 0)
			fail("open %s: %s", dev_paths[dev], strerror(-fd));
		close(fd);
	}
	pin_to_current_cpu();
	printf("# times are wall-clock ns per operation, medians of %ld rounds;"
	       " ratio = hvm / kvm (> 1: hvmod slower)\n", rounds);
	for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		if (only && *only && strcmp(only, benches[i].name))
			continue;
		run_bench(&benches[i], sandbox, rounds, fixed_n,
			  target_ms / 1000.0);
		ran++;
	}
	if (!only || !*only || !strcmp(only, "cpuid_stats")) {
		run_stats_bench(sandbox, rounds, fixed_n, target_ms / 1000.0);
		ran++;
	}
	if (!ran)
		fail("no benchmark named '%s'", only);
	return 0;
}
