// SPDX-License-Identifier: GPL-2.0-only
/*
 * "hvtool run": load a flat guest image at 0x7c00 in a VM with one vCPU,
 * start it in 16-bit real mode (CS:IP 0000:7c00, as a boot sector), and
 * serve its exits until it halts:
 *   OUT to 0x3f8 (COM1)   bytes go to stdout
 *   OUT to 0xf4           the guest's exit code (and the run ends)
 *   other port I/O, MMIO  reads get zeros, writes are counted
 *   HLT                   the run ends
 * SHUTDOWN, FAIL_ENTRY and INTERNAL_ERROR end it with a message. At the
 * end, one line per exit reason with its count and the time taken.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lib/hvm.h"
#include "run.h"

#define LOAD_GPA	0x7c00
#define COM1_PORT	0x3f8
#define EXIT_PORT	0xf4
#define NR_REASONS	64

struct guest {
	int dev, vm;
	struct hvm_vcpu_handle vcpu;
	void *mem;
	size_t mem_size;
	unsigned long exits[NR_REASONS];
	int exit_code;		/* from EXIT_PORT, or -1 */
};

static const char *const reason_names[NR_REASONS] = {
	[KVM_EXIT_IO] = "io", [KVM_EXIT_HLT] = "hlt", [KVM_EXIT_MMIO] = "mmio",
	[KVM_EXIT_SHUTDOWN] = "shutdown", [KVM_EXIT_FAIL_ENTRY] = "fail_entry",
	[KVM_EXIT_INTR] = "intr", [KVM_EXIT_INTERNAL_ERROR] = "internal_error",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "irq_window_open",
};

static int load_image(struct guest *g, const char *path)
{
	size_t room = g->mem_size - LOAD_GPA;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "hvtool: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = read(fd, (char *)g->mem + LOAD_GPA, room);
	close(fd);
	if (n <= 0 || (size_t)n == room) {
		fprintf(stderr, "hvtool: %s: %s\n", path,
			n < 0 ? strerror(errno) : n ? "larger than guest memory" :
			"empty");
		return -1;
	}
	return 0;
}

static int setup_memory(struct guest *g)
{
	struct kvm_userspace_memory_region r = { .slot = 0 };
	int err;

	g->mem = mmap(NULL, g->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (g->mem == MAP_FAILED) {
		fprintf(stderr, "hvtool: guest memory: %s\n", strerror(errno));
		return -1;
	}
	r.memory_size = g->mem_size;
	r.userspace_addr = (uintptr_t)g->mem;
	err = hvm_ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, (unsigned long)&r);
	if (err < 0)
		fprintf(stderr, "hvtool: KVM_SET_USER_MEMORY_REGION: %s\n",
			strerror(-err));
	return err;
}

/* Real mode at 0000:7c00, everything else as the reset state leaves it. */
static int setup_vcpu(struct guest *g)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = LOAD_GPA, .rflags = 2 };
	int err;

	err = hvm_vcpu_open(g->dev, g->vm, 0, &g->vcpu);
	if (!err)
		err = hvm_ioctl(g->vcpu.fd, KVM_GET_SREGS, (unsigned long)&sregs);
	if (!err) {
		sregs.cs.selector = 0;
		sregs.cs.base = 0;
		err = hvm_ioctl(g->vcpu.fd, KVM_SET_SREGS,
				(unsigned long)&sregs);
	}
	if (!err)
		err = hvm_ioctl(g->vcpu.fd, KVM_SET_REGS, (unsigned long)&regs);
	if (err < 0)
		fprintf(stderr, "hvtool: vCPU setup: %s\n", strerror(-err));
	return err;
}

static void give_cpuid(struct guest *g)
{
	struct kvm_cpuid2 *c;
	int nent = 256;

	c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
	if (!c)
		return;
	c->nent = nent;
	/* The supported table, as a VMM would start from; best effort. */
	if (!hvm_ioctl(g->dev, KVM_GET_SUPPORTED_CPUID, (unsigned long)c))
		hvm_ioctl(g->vcpu.fd, KVM_SET_CPUID2, (unsigned long)c);
	free(c);
}

/* One port I/O exit. Returns 1 when the guest asked to end the run. */
static int serve_io(struct guest *g)
{
	struct kvm_run *run = g->vcpu.run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	size_t bytes = (size_t)run->io.size * run->io.count;

	if (run->io.direction == KVM_EXIT_IO_IN) {
		memset(data, 0, bytes);
		return 0;
	}
	if (run->io.port == COM1_PORT) {
		fwrite(data, 1, bytes, stdout);
		fflush(stdout);
	} else if (run->io.port == EXIT_PORT) {
		g->exit_code = data[0];
		return 1;
	}
	return 0;
}

static const char *reason_name(unsigned int reason)
{
	return reason < NR_REASONS && reason_names[reason] ?
	       reason_names[reason] : "other";
}

/* Serves exits until the guest ends: 0 for a clean end, 1 otherwise. */
static int run_loop(struct guest *g)
{
	struct kvm_run *run = g->vcpu.run;
	int err;

	for (;;) {
		err = hvm_ioctl(g->vcpu.fd, KVM_RUN, 0);
		if (err == -EINTR)
			continue;
		if (err < 0) {
			fprintf(stderr, "hvtool: KVM_RUN: %s\n", strerror(-err));
			return 1;
		}
		g->exits[run->exit_reason < NR_REASONS ? run->exit_reason : 0]++;
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (serve_io(g))
				return 0;
			break;
		case KVM_EXIT_MMIO:
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0, sizeof(run->mmio.data));
			break;
		case KVM_EXIT_HLT:
			return 0;
		case KVM_EXIT_FAIL_ENTRY:
			fprintf(stderr, "hvtool: failed entry, reason %#llx\n",
				run->fail_entry.hardware_entry_failure_reason);
			return 1;
		case KVM_EXIT_INTERNAL_ERROR:
			fprintf(stderr, "hvtool: internal error, suberror %u\n",
				run->internal.suberror);
			return 1;
		default:
			fprintf(stderr, "hvtool: exit %s (%u)\n",
				reason_name(run->exit_reason), run->exit_reason);
			return 1;
		}
	}
}

static void print_summary(const struct guest *g, double seconds)
{
	struct kvm_regs regs;
	unsigned int i;

	if (!hvm_ioctl(g->vcpu.fd, KVM_GET_REGS, (unsigned long)&regs))
		printf("hvtool: guest stopped at rip %#llx", regs.rip);
	if (g->exit_code >= 0)
		printf(", exit code %d", g->exit_code);
	printf("; %.3f s\nhvtool: exits:", seconds);
	for (i = 0; i < NR_REASONS; i++)
		if (g->exits[i])
			printf(" %s %lu", reason_name(i), g->exits[i]);
	printf("\n");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_run_args(int argc, char **argv, size_t *mem_mib)
{
	int opt;

	while ((opt = getopt(argc, argv, "m:")) != -1) {
		if (opt != 'm')
			return -1;
		*mem_mib = strtoul(optarg, NULL, 0);
		if (*mem_mib < 1 || *mem_mib > 4096) {
			fprintf(stderr, "hvtool: -m: 1 to 4096 MiB\n");
			return -1;
		}
	}
	return optind == argc - 1 ? optind : -1;
}

int cmd_run(const char *dev_path, int argc, char **argv)
{
	struct guest g = { .dev = -1, .vm = -1, .exit_code = -1 };
	size_t mem_mib = 2;
	int arg, rc = 1;
	double t0;

	arg = parse_run_args(argc, argv, &mem_mib);
	if (arg < 0) {
		fprintf(stderr, "usage: hvtool run [-m MiB] IMAGE\n");
		return 2;
	}
	g.mem_size = mem_mib << 20;
	g.dev = hvm_dev_open(dev_path);
	if (g.dev < 0) {
		fprintf(stderr, "hvtool: %s: %s\n", dev_path, strerror(-g.dev));
		return 1;
	}
	g.vm = hvm_vm_create(g.dev);
	if (g.vm < 0) {
		fprintf(stderr, "hvtool: KVM_CREATE_VM: %s\n", strerror(-g.vm));
		goto out;
	}
	if (setup_memory(&g) || load_image(&g, argv[arg]) || setup_vcpu(&g))
		goto out;
	give_cpuid(&g);
	t0 = now();
	rc = run_loop(&g);
	print_summary(&g, now() - t0);
	if (!rc && g.exit_code > 0)
		rc = 1;
	hvm_vcpu_close(&g.vcpu);
out:
	if (g.vm >= 0)
		close(g.vm);
	close(g.dev);
	return rc;
}
