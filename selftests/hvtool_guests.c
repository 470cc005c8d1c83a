// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvtool_guests: every example guest of guests/ run by "hvtool run" on
 * /dev/hvm and on /dev/kvm (devices "both" in tests.list: one binary
 * opens neither itself, it runs hvtool twice per case). One TEST per
 * case; for each:
 *   - both exit statuses equal the expected one (the guest's odd code, 0
 *     for a clean HLT, the even codes of Documentation/hvtool.rst),
 *   - the serial output, less the "timing:" lines, is the same on both
 *     devices, and holds the lines this case expects,
 *   - stderr holds the expected message, if any.
 * Cases cover each image kind (flat real mode, Multiboot ELF32, plain
 * ELF32, ELF64), modules and the command line, --cpus 3, every device,
 * the exit device, shutdown, HLT with IF=1, --timeout and bad input.
 *
 * HVM_HVTOOL and HVM_GUESTS override where the tool and the guest images
 * are (defaults: the sandbox's /hvmod paths).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "hvm_test.h"

#define MODULE_FILE	"/tmp/hvtool_guests.mod"
#define OUT_MAX		16384
#define MAX_EXPECT	12

struct result {
	int status;
	char out[OUT_MAX];	/* serial output, timing lines removed */
	char err[4096];
	char timing[512];	/* the "timing:" lines, for the log */
	int timing_lines;
};

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

static void slurp(FILE *f, char *buf, size_t size, struct result *r)
{
	char line[1024];
	size_t len = 0, n;

	buf[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, "timing:", 7)) {
			r->timing_lines++;
			n = strlen(r->timing);
			snprintf(r->timing + n, sizeof(r->timing) - n, "%s\n",
				 line);
			continue;
		}
		n = strlen(line);
		if (len + n + 2 < size) {
			memcpy(buf + len, line, n);
			buf[len + n] = '\n';
			len += n + 1;
			buf[len] = 0;
		}
	}
}

static void run_hvtool(const char *dev, const char *args, struct result *r)
{
	char cmd[1024], errfile[] = "/tmp/hvtool_guests.errXXXXXX";
	const char *guests = env_or("HVM_GUESTS", "/hvmod/guests/out");
	FILE *p, *e;
	char *a, *at;
	int fd, st;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	fd = mkstemp(errfile);
	if (fd < 0)
		return;
	close(fd);
	/* "@" in ARGS stands for the guest image folder. */
	a = strdup(args);
	if (!a)
		return;
	snprintf(cmd, sizeof(cmd), "%s --dev %s run",
		 env_or("HVM_HVTOOL", "/hvmod/userspace/hvtool"), dev);
	for (at = strtok(a, " "); at; at = strtok(NULL, " ")) {
		size_t l = strlen(cmd);

		if (at[0] == '@')
			snprintf(cmd + l, sizeof(cmd) - l, " %s%s", guests,
				 at + 1);
		else
			snprintf(cmd + l, sizeof(cmd) - l, " %s", at);
	}
	free(a);
	snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), " 2>%s",
		 errfile);
	p = popen(cmd, "r");
	if (!p)
		return;
	slurp(p, r->out, sizeof(r->out), r);
	st = pclose(p);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	e = fopen(errfile, "r");
	if (e) {
		size_t n = fread(r->err, 1, sizeof(r->err) - 1, e);

		r->err[n] = 0;
		fclose(e);
	}
	unlink(errfile);
}

static int count_lines(const char *s, const char *needle)
{
	int n = 0;

	for (; (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}

struct gcase {
	const char *args;
	int status;
	const char *expect[MAX_EXPECT];
	const char *err;	/* in stderr (both devices), or NULL */
	int timing;		/* a "timing:" line is expected */
};

static const struct gcase case_flat_real_mode = {
	.args = "--load-addr 0x7c00 @/hello.bin",
	.status = 0,
	.expect = { "hello: 16-bit real mode\n", "hello: CPUID vendor \"",
		    "hello: 32-bit protected mode\n",
		    "hello: 64-bit long mode, paging on",
		    "hello: done, exit code 0\n" },
};

static const struct gcase case_multiboot_elf32 = {
	.args = "--cmdline a=1 --module " MODULE_FILE ",mod-one --initrd "
		MODULE_FILE " @/hello32.elf -- x y",
	.status = 0,
	.expect = {
		"hello32: hello from vCPU 0\n",
		"hello32: entry EAX 0x2badb002 (Multiboot), EBX the boot information\n",
		"hello32: flags 24d, boot loader \"hvtool\"\n",
		"hello32: cmdline \"a=1 x y\"\n",
		"hello32: mem_lower 639 KiB, mem_upper 130048 KiB\n",
		"hello32: mmap 00000000-0009fc00 type 1\nhello32: mmap 0009fc00-00100000 type 2\nhello32: mmap 00100000-08000000 type 1\n",
		"hello32: 2 module(s)\nhello32: module 0 \"mod-one\" 19 bytes, page-aligned yes: \"module text\"\n",
		"hello32: module 1 \"" MODULE_FILE "\" 19 bytes",
		"hello32: fw_cfg signature \"QEMU\", id 1, 1 CPU(s), RAM 128 MiB\nhello32: fw_cfg file \"opt/hvtool/cmdline\" key 20, 7 bytes\nhello32: fw_cfg file \"opt/hvtool/version\" key 21,",
		"hello32: fw_cfg cmdline equals the Multiboot one\n",
		"hello32: CMOS base 640 KiB, extended 64512 KiB, above 16 MiB 1792 x 64 KiB, RTC valid\nhello32: PCI 00:00.0 id ffffffff, address register 80000000\nhello32: PIC masks fb ff\nhello32: UART scratch 5a, LSR 60, IIR 1\n",
		"hello32: done, exit 0\n",
	},
};

static const struct gcase case_elf64_smp = {
	.args = "--cpus 3 --mem 64M @/hello64.elf",
	.status = 0,
	.expect = {
		"hello64: entry EAX 0 (plain ELF), EBX the boot information\n",
		"hello64: cmdline \"\"\n",
		"hello64: mem_lower 639 KiB, mem_upper 64512 KiB\n",
		"hello64: fw_cfg signature \"QEMU\", id 1, 3 CPU(s), RAM 64 MiB\n",
		"hello64: 2 of 2 secondary vCPU(s) started with their index and APIC ID\n",
		"hello64: done, exit 0\n",
	},
};

static const struct gcase case_exit_device = {
	.args = "@/hello64.elf -- exit=21",
	.status = 43,
	.expect = { "hello64: done, exit 21\n" },
};

static const struct gcase case_triple_fault = {
	.args = "@/hello32.elf -- crash",
	.status = 4,
	.expect = { "hello32: triple fault next\n" },
	.err = "shutdown (triple fault)",
};

static const struct gcase case_hlt_interrupts_on = {
	.args = "@/hello64.elf -- sti-hlt",
	.status = 14,
	.expect = { "hello64: HLT with interrupts on next\n" },
	.err = "halted with interrupts enabled",
};

static const struct gcase case_timeout = {
	.args = "--timeout 2 @/hello32.elf -- spin",
	.status = 10,
	.expect = { "hello32: spinning\n" },
	.err = "hvtool: timeout",
};

static const struct gcase case_unhandled_port = {
	.args = "@/hello32.elf -- unhandled",
	.status = 0,
	.expect = { "hello32: port 0x2f8 reads ff\n" },
	.err = "hvtool: warning: unhandled port read at 0x2f8 (size 1), read as all ones\n",
};

static const struct gcase case_cpuid_bench = {
	.args = "@/cpuid-bench.elf -- n=3000",
	.status = 0,
	.expect = { "cpuid-bench: 3000 CPUID exits\n" },
	.timing = 1,
};

static const struct gcase case_io_bench = {
	.args = "@/io-bench.elf -- n=3000",
	.status = 0,
	.expect = { "io-bench: 3000 OUT+IN round trips, 0 wrong values\n" },
	.timing = 1,
};

static const struct gcase case_mmio_bench = {
	.args = "@/mmio-bench.elf -- n=3000",
	.status = 0,
	.expect = { "mmio-bench: 3000 MMIO write+read pairs, 0 wrong values\n" },
	.timing = 1,
};

static const struct gcase case_sieve = {
	.args = "@/sieve.elf",
	.status = 0,
	.expect = { "sieve: 148933 primes below 2000000\n" },
	.timing = 1,
};

static const struct gcase case_memtouch = {
	.args = "@/memtouch.elf -- mib=32",
	.status = 0,
	.expect = { "memtouch: touched 32 MiB (8192 pages), 0 wrong values\n" },
	.timing = 1,
};

static const struct gcase case_memtouch_too_big = {
	.args = "--mem 32M @/memtouch.elf -- mib=32",
	.status = 7,
	.expect = { "memtouch: 32 MiB from 16 MiB do not fit in guest memory\n" },
};

static const struct gcase case_bad_missing_file = {
	.args = "@/no-such-guest.elf",
	.status = 2,
	.err = "no-such-guest.elf: No such file or directory\n",
};

static const struct gcase case_bad_not_executable = {
	.args = "/hvmod/hvmod.ko",
	.status = 2,
	.err = "is not an executable (ET_EXEC)\n",
};

static const struct gcase case_bad_option_value = {
	.args = "--mem 1M @/hello32.elf",
	.status = 2,
	.err = "--mem '1M': a size from 2M to 3G",
};

/* Each line of S to stderr behind "# LABEL| ", for the TAP log. */
static void dump(const char *label, const struct result *r)
{
	const char *p = r->out, *nl;

	fprintf(stderr, "# %s| status %d\n", label, r->status);
	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		fprintf(stderr, "# %s| %.*s\n", label, (int)(nl - p), p);
	}
	for (p = r->timing; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		fprintf(stderr, "# %s| %.*s\n", label, (int)(nl - p), p);
	}
	for (p = r->err; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		fprintf(stderr, "# %s stderr| %.*s\n", label, (int)(nl - p), p);
	}
}

FIXTURE(hvtool_guests) {
	int unused;
};

FIXTURE_SETUP(hvtool_guests)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(hvtool_guests)
{
}

static void run_case(struct __test_metadata *_metadata, const struct gcase *c)
{
	static struct result hvm, kvm;
	unsigned int i;
	FILE *f = fopen(MODULE_FILE, "w");

	ASSERT_NE(NULL, f);
	fputs("module text\nline 2\n", f);
	fclose(f);
	run_hvtool(HVM_DEV_DEFAULT, c->args, &hvm);
	run_hvtool(KVM_DEV_PATH, c->args, &kvm);
	unlink(MODULE_FILE);
	fprintf(stderr, "# hvtool run %s\n", c->args);
	dump("hvm", &hvm);
	if (strcmp(hvm.out, kvm.out) || strcmp(hvm.err, kvm.err) ||
	    hvm.status != kvm.status || c->timing)
		dump("kvm", &kvm);
	EXPECT_EQ(c->status, hvm.status);
	EXPECT_EQ(c->status, kvm.status);
	EXPECT_STREQ(kvm.out, hvm.out);
	for (i = 0; i < MAX_EXPECT && c->expect[i]; i++) {
		EXPECT_NE(NULL, strstr(hvm.out, c->expect[i]))
			TH_LOG("missing: %s", c->expect[i]);
		EXPECT_NE(NULL, strstr(kvm.out, c->expect[i]));
	}
	EXPECT_EQ(c->timing, hvm.timing_lines);
	EXPECT_EQ(c->timing, kvm.timing_lines);
	if (c->err) {
		EXPECT_NE(NULL, strstr(hvm.err, c->err));
		EXPECT_NE(NULL, strstr(kvm.err, c->err));
		/* One line: the message, or each warning once. */
		EXPECT_EQ(1, count_lines(hvm.err, "\n"));
		EXPECT_EQ(1, count_lines(kvm.err, "\n"));
	} else {
		EXPECT_STREQ("", hvm.err);
		EXPECT_STREQ("", kvm.err);
	}
}

TEST_F(hvtool_guests, flat_real_mode)
{
	run_case(_metadata, &case_flat_real_mode);
}

TEST_F(hvtool_guests, multiboot_elf32)
{
	run_case(_metadata, &case_multiboot_elf32);
}

TEST_F(hvtool_guests, elf64_smp)
{
	run_case(_metadata, &case_elf64_smp);
}

TEST_F(hvtool_guests, exit_device)
{
	run_case(_metadata, &case_exit_device);
}

TEST_F(hvtool_guests, triple_fault)
{
	run_case(_metadata, &case_triple_fault);
}

TEST_F(hvtool_guests, hlt_interrupts_on)
{
	run_case(_metadata, &case_hlt_interrupts_on);
}

TEST_F(hvtool_guests, timeout)
{
	run_case(_metadata, &case_timeout);
}

TEST_F(hvtool_guests, unhandled_port)
{
	run_case(_metadata, &case_unhandled_port);
}

TEST_F(hvtool_guests, cpuid_bench)
{
	run_case(_metadata, &case_cpuid_bench);
}

TEST_F(hvtool_guests, io_bench)
{
	run_case(_metadata, &case_io_bench);
}

TEST_F(hvtool_guests, mmio_bench)
{
	run_case(_metadata, &case_mmio_bench);
}

TEST_F(hvtool_guests, sieve)
{
	run_case(_metadata, &case_sieve);
}

TEST_F(hvtool_guests, memtouch)
{
	run_case(_metadata, &case_memtouch);
}

TEST_F(hvtool_guests, memtouch_too_big)
{
	run_case(_metadata, &case_memtouch_too_big);
}

TEST_F(hvtool_guests, bad_missing_file)
{
	run_case(_metadata, &case_bad_missing_file);
}

TEST_F(hvtool_guests, bad_not_executable)
{
	run_case(_metadata, &case_bad_not_executable);
}

TEST_F(hvtool_guests, bad_option_value)
{
	run_case(_metadata, &case_bad_option_value);
}

TEST_HARNESS_MAIN
