// SPDX-License-Identifier: GPL-2.0-only
/*
 * "hvtool run [options] IMAGE [-- guest args]": the command line of a
 * run. Everything is checked and every file read before any VM exists;
 * a bad option or image exits with status 2 and one line on stderr. The
 * machine itself is userspace/lib/ (vm.c, loader.c, devices.c, bus.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/vm.h"
#include "run.h"

#define MAX_FILE_SIZE	(1ull << 32)

void run_usage(FILE *f)
{
	fprintf(f,
		"usage: hvtool run [options] IMAGE [-- guest args]\n"
		"\n"
		"Runs IMAGE (ELF32, ELF64, Multiboot 1, or with --load-addr a flat\n"
		"binary) in a new VM; see Documentation/hvtool.rst.\n"
		"\n"
		"options:\n"
		"  -d, --dev PATH          device (default %s; /dev/kvm: KVM)\n"
		"  -m, --mem SIZE          guest memory, a number with K, M or G\n"
		"                          (no suffix: MiB), 2M to 3G (default 128M)\n"
		"  -c, --cpus N            vCPUs, 1 to %d (default 1)\n"
		"  -s, --serial FILE|stdio COM1 output (default stdio)\n"
		"  -i, --initrd FILE[,STRING]\n"
		"      --module FILE[,STRING]\n"
		"                          a Multiboot module (repeatable, at most %d)\n"
		"  -C, --cmdline STR       guest command line (guest args are appended)\n"
		"  -t, --timeout S         stop the guest after S seconds (status %d)\n"
		"  -a, --load-addr ADDR    load IMAGE as a flat binary at ADDR\n"
		"                          (below 1 MiB: 16-bit real mode)\n"
		"  -v, --verbose           exit counts and run time on stderr\n"
		"  -h, --help              this help\n"
		"\n"
		"exit status: the guest's exit-device code (V << 1) | 1 (odd);\n"
		"  %d all vCPUs halted with interrupts off, %d bad input,\n"
		"  %d shutdown, %d failed entry, %d internal error, %d timeout,\n"
		"  %d device or ioctl failure, %d HLT with interrupts on\n",
		HVM_DEFAULT_DEV, HVT_MAX_CPUS, HVT_MAX_MODULES,
		HVT_EXIT_TIMEOUT, HVT_EXIT_HALT, HVT_EXIT_USAGE,
		HVT_EXIT_SHUTDOWN, HVT_EXIT_FAIL_ENTRY, HVT_EXIT_INTERNAL,
		HVT_EXIT_TIMEOUT, HVT_EXIT_VMM, HVT_EXIT_HALT_IF);
}

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "hvtool: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	return -1;
}

/* A whole file in memory; -1 (message printed) when unreadable. */
static int read_file(const char *path, void **data, size_t *size)
{
	struct stat st;
	size_t done = 0;
	ssize_t n;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "hvtool: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size >= MAX_FILE_SIZE) {
		close(fd);
		return bad(S_ISREG(st.st_mode) ? "%s: larger than 4 GiB" :
			   "%s: not a regular file", path);
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		close(fd);
		return bad("%s: out of memory", path);
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, buf + done, st.st_size - done);
		if (n <= 0) {
			fprintf(stderr, "hvtool: %s: %s\n", path,
				n < 0 ? strerror(errno) : "file shrank while read");
			free(buf);
			close(fd);
			return -1;
		}
		done += n;
	}
	close(fd);
	*data = buf;
	*size = done;
	return 0;
}

/* A number with an optional K/M/G suffix; DEF_SHIFT without one. */
static int parse_size(const char *s, unsigned int def_shift, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = def_shift;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end) {
		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: return -1;
		}
		if (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B"))
			return -1;
	}
	if (v > (~0ull >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v > max)
		return -1;
	*out = v;
	return 0;
}

struct run_opts {
	struct hvt_config cfg;
	struct hvt_image img;
	struct hvt_module mods[HVT_MAX_MODULES];
	char *cmdline;
	const char *serial_path;
	const char *image_path;
};

static int add_module(struct run_opts *o, const char *arg)
{
	struct hvt_module *m;
	char *path = strdup(arg), *comma;

	if (!path)
		return bad("%s: out of memory", arg);
	if (o->img.nr_mods == HVT_MAX_MODULES) {
		free(path);
		return bad("%s: too many modules", arg);
	}
	m = &o->mods[o->img.nr_mods];
	comma = strchr(path, ',');
	if (comma)
		*comma = 0;
	m->path = path;
	m->string = comma ? comma + 1 : path;
	if (!*path)
		return bad("--module '%s': no file name", arg);
	if (read_file(path, (void **)&m->data, &m->size))
		return -1;
	o->img.nr_mods++;
	return 0;
}

/* --cmdline, then each guest argument, separated by spaces. */
static int join_cmdline(struct run_opts *o, const char *base, int argc,
			char **argv)
{
	size_t len = base ? strlen(base) : 0;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	o->cmdline = calloc(1, len + 1);
	if (!o->cmdline)
		return bad("%s", "out of memory");
	if (base)
		strcpy(o->cmdline, base);
	for (i = 0; i < argc; i++) {
		if (*o->cmdline)
			strcat(o->cmdline, " ");
		strcat(o->cmdline, argv[i]);
	}
	return 0;
}

/* Returns 0, 1 for --help, or -1 (message printed). */
static int parse(struct run_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "serial", required_argument, NULL, 's' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "module", required_argument, NULL, 'M' },
		{ "cmdline", required_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 't' },
		{ "load-addr", required_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmdline = NULL;
	uint64_t v;
	char *end;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+d:m:c:s:i:C:t:a:vh", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'd':
			o->cfg.dev_path = optarg;
			break;
		case 'm':
			if (parse_size(optarg, 20, &v) || v < (2ull << 20) ||
			    v > (3ull << 30) || v & 0xfff)
				return bad("--mem '%s': a size from 2M to 3G, a multiple of 4K",
					   optarg);
			o->cfg.mem_size = v;
			break;
		case 'c':
			if (parse_uint(optarg, HVT_MAX_CPUS, &v) || !v)
				return bad("--cpus '%s': 1 to " "64", optarg);
			o->cfg.cpus = v;
			break;
		case 's':
			o->serial_path = optarg;
			break;
		case 'i':
		case 'M':
			if (add_module(o, optarg))
				return -1;
			break;
		case 'C':
			cmdline = optarg;
			break;
		case 't':
			errno = 0;
			o->cfg.timeout_s = strtod(optarg, &end);
			if (errno || end == optarg || *end ||
			    !(o->cfg.timeout_s > 0 && o->cfg.timeout_s <= 1e6))
				return bad("--timeout '%s': seconds, above 0",
					   optarg);
			break;
		case 'a':
			if (parse_uint(optarg, 0xffffffffull, &v))
				return bad("--load-addr '%s': an address below 4 GiB",
					   optarg);
			o->img.flat = 1;
			o->img.load_addr = v;
			break;
		case 'v':
			o->cfg.verbose = 1;
			break;
		case 'h':
			run_usage(stdout);
			return 1;
		default:
			return bad("run: unknown option or missing value in '%s' (hvtool run --help)",
				   argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return bad("%s", "run: no IMAGE (hvtool run --help)");
	o->image_path = argv[optind++];
	if (optind < argc) {
		if (strcmp(argv[optind], "--"))
			return bad("run: '%s' after IMAGE: options go before IMAGE, guest args after --",
				   argv[optind]);
		optind++;
	}
	if (join_cmdline(o, cmdline, argc - optind, argv + optind))
		return -1;
	o->img.cmdline = o->cmdline;
	if (o->serial_path && strcmp(o->serial_path, "stdio")) {
		o->cfg.serial = fopen(o->serial_path, "we");
		if (!o->cfg.serial) {
			fprintf(stderr, "hvtool: --serial %s: %s\n",
				o->serial_path, strerror(errno));
			return -1;
		}
	}
	if (read_file(o->image_path, (void **)&o->img.data, &o->img.size))
		return -1;
	if (!o->img.size)
		return bad("%s: empty file", o->image_path);
	if (o->img.flat && o->img.load_addr >= o->cfg.mem_size)
		return bad("--load-addr: outside guest memory%s", "");
	return 0;
}

static void free_opts(struct run_opts *o)
{
	unsigned int i;

	for (i = 0; i < o->img.nr_mods; i++) {
		free((void *)o->mods[i].data);
		free((void *)o->mods[i].path);
	}
	free((void *)o->img.data);
	free(o->cmdline);
	if (o->cfg.serial && o->cfg.serial != stdout)
		fclose(o->cfg.serial);
}

int cmd_run(const char *dev_path, int argc, char **argv)
{
	static struct run_opts o;
	static struct hvt_machine m;
	struct hvt_boot boot;
	char err[256];
	int r;

	memset(&o, 0, sizeof(o));
	o.cfg.dev_path = dev_path;
	o.cfg.mem_size = 128ull << 20;
	o.cfg.cpus = 1;
	o.cfg.serial = stdout;
	o.img.mods = o.mods;
	r = parse(&o, argc, argv);
	if (r) {
		free_opts(&o);
		return r > 0 ? 0 : HVT_EXIT_USAGE;
	}
	if (hvt_machine_init(&m, &o.cfg, o.cmdline)) {
		r = HVT_EXIT_VMM;
		goto out;
	}
	if (hvt_load(&o.img, m.mem, o.cfg.mem_size, &boot, err, sizeof(err))) {
		fprintf(stderr, "hvtool: %s: %s\n", o.image_path, err);
		r = HVT_EXIT_USAGE;
		goto out;
	}
	if (o.cfg.verbose)
		fprintf(stderr, "hvtool: %s: %s, entry %#llx, %u vCPU(s), %llu MiB on %s\n",
			o.image_path, hvt_kind_name(boot.kind),
			(unsigned long long)boot.entry, o.cfg.cpus,
			(unsigned long long)(o.cfg.mem_size >> 20),
			o.cfg.dev_path);
	r = hvt_machine_create(&m, &boot);
	if (!r)
		r = hvt_machine_run(&m);
out:
	hvt_machine_destroy(&m);
	free_opts(&o);
	return r;
}
