// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvtool: the command-line front end of hvmod.
 *
 *   hvtool [--dev PATH] info           API version, mmap size, capabilities
 *   hvtool [--dev PATH] create [-n N]  create a VM with N vCPUs, show them
 *   hvtool [--dev PATH] run [options] IMAGE [-- guest args]   (run.c)
 *   hvtool version
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/hvm.h"
#include "lib/vm.h"
#include "run.h"
#include "obs.h"

static const char *dev_path = HVM_DEFAULT_DEV;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvtool [--dev PATH] COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  info              API version, vCPU mmap size, capabilities\n"
		"  create [-n N]     create a VM with N vCPUs (default 1),\n"
		"                    print each vCPU's reset registers, destroy it\n"
		"  run [options] IMAGE [-- guest args]\n"
		"                    run an ELF, Multiboot or flat guest image\n"
		"                    (hvtool run --help)\n"
		"  stat [-i S] [-n N] [VM]  exits per reason per second and\n"
		"                    latency percentiles (netlink)\n"
		"  trace [--reason R] [--sample N] [VM]  stream exit events\n"
		"  version           print hvtool's version\n"
		"\n"
		"options:\n"
		"  -d, --dev PATH    device to use (default %s; /dev/kvm\n"
		"                    runs the same commands on KVM)\n"
		"  -h, --help        this help\n"
		"  -V, --version     print hvtool's version\n", HVM_DEFAULT_DEV);
}

static int open_dev(void)
{
	int fd = hvm_dev_open(dev_path);

	if (fd < 0)
		fprintf(stderr, "hvtool: %s: %s\n", dev_path, strerror(-fd));
	return fd;
}

static int cmd_info(void)
{
	const struct hvm_cap_name *c;
	int fd = open_dev();

	if (fd < 0)
		return 1;
	printf("device:          %s\n", dev_path);
	printf("api version:     %d\n", hvm_ioctl(fd, KVM_GET_API_VERSION, 0));
	printf("vcpu mmap size:  %d\n",
	       hvm_ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0));
	printf("capabilities:\n");
	for (c = hvm_cap_names; c->name; c++)
		printf("  %-22s %d\n", c->name,
		       hvm_ioctl(fd, KVM_CHECK_EXTENSION, c->cap));
	close(fd);
	return 0;
}

static void show_vcpu(const struct hvm_vcpu_handle *v)
{
	struct kvm_regs regs;
	int r = hvm_ioctl(v->fd, KVM_GET_REGS, (unsigned long)&regs);

	if (r < 0) {
		printf("  vcpu %u: fd %d, KVM_GET_REGS: %s\n", v->id, v->fd,
		       strerror(-r));
		return;
	}
	printf("  vcpu %u: fd %d, kvm_run mapped (%zu bytes), rip=%#llx rflags=%#llx rdx=%#llx\n",
	       v->id, v->fd, v->run_size, regs.rip, regs.rflags, regs.rdx);
}

static int create_vcpus(int fd, int vmfd, int n)
{
	struct hvm_vcpu_handle v;
	int i, r;

	for (i = 0; i < n; i++) {
		r = hvm_vcpu_open(fd, vmfd, i, &v);
		if (r < 0) {
			fprintf(stderr, "hvtool: vcpu %d: %s\n", i, strerror(-r));
			return 1;
		}
		show_vcpu(&v);
		hvm_vcpu_close(&v);
	}
	return 0;
}

static int cmd_create(int argc, char **argv)
{
	int n = 1, opt, fd, vmfd, rc;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n') {
			usage(stderr);
			return 2;
		}
		n = atoi(optarg);
		if (n < 1) {
			fprintf(stderr, "hvtool: -n: bad vCPU count '%s'\n",
				optarg);
			return 2;
		}
	}
	fd = open_dev();
	if (fd < 0)
		return 1;
	vmfd = hvm_vm_create(fd);
	if (vmfd < 0) {
		fprintf(stderr, "hvtool: KVM_CREATE_VM: %s\n", strerror(-vmfd));
		close(fd);
		return 1;
	}
	printf("created VM: fd %d on %s\n", vmfd, dev_path);
	rc = create_vcpus(fd, vmfd, n);
	close(vmfd);
	close(fd);
	if (!rc)
		printf("destroyed VM and its %d vCPU(s)\n", n);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "+d:hV", opts, NULL)) != -1) {
		if (opt == 'd') {
			dev_path = optarg;
		} else if (opt == 'V') {
			printf("hvtool %s\n", HVT_VERSION);
			return 0;
		} else {
			usage(opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	argv += optind;
	argc -= optind;
	optind = 1;
	if (!strcmp(argv[0], "info"))
		return cmd_info();
	if (!strcmp(argv[0], "create"))
		return cmd_create(argc, argv);
	if (!strcmp(argv[0], "run"))
		return cmd_run(dev_path, argc, argv);
	if (!strcmp(argv[0], "stat"))
		return cmd_stat(argc, argv);
	if (!strcmp(argv[0], "trace"))
		return cmd_trace(argc, argv);
	if (!strcmp(argv[0], "version")) {
		printf("hvtool %s\n", HVT_VERSION);
		return 0;
	}
	fprintf(stderr, "hvtool: unknown command '%s'\n", argv[0]);
	usage(stderr);
	return 2;
}
