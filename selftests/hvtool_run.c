// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvtool_run: "hvtool run" with the example guest guests/hello.S, which
 * climbs from real mode to long mode by itself (GDT, CR0.PE, page
 * tables, EFER.LME by WRMSR, CR0.PG) and prints each step on COM1. On
 * both devices the output must be the same five lines and the exit status
 * 0 (the guest ends with HLT, interrupts off): what `make demo` shows,
 * checked. A flat image needs --load-addr (0x7c00: real mode, 0000:7c00).
 *
 * HVM_HVTOOL and HVM_GUESTS override where the tool and the guest images
 * are (defaults: the sandbox's /hvmod paths).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"
#include "hvm_test.h"

static const char *const expected[] = {
	"hello: 16-bit real mode",
	"hello: CPUID vendor \"",
	"hello: 32-bit protected mode",
	"hello: 64-bit long mode, paging on; CPUID max leaf 0x",
	"hello: done, exit code 0",
};

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

FIXTURE(hvtool_run) {
	int unused;
};

FIXTURE_SETUP(hvtool_run)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(hvtool_run)
{
}

TEST_F(hvtool_run, hello)
{
	char cmd[512], line[256];
	unsigned int seen = 0;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "%s --dev %s run --load-addr 0x7c00 %s/hello.bin 2>&1",
		 env_or("HVM_HVTOOL", "/hvmod/userspace/hvtool"), dev_path(),
		 env_or("HVM_GUESTS", "/hvmod/guests/out"));
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	while (fgets(line, sizeof(line), p)) {
		TH_LOG("%s", strtok(line, "\r\n") ? line : "");
		if (seen < sizeof(expected) / sizeof(expected[0]) &&
		    !strncmp(line, expected[seen], strlen(expected[seen])))
			seen++;
	}
	status = pclose(p);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(sizeof(expected) / sizeof(expected[0]), seen);
}

TEST_HARNESS_MAIN
