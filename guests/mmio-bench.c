// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmio-bench: n=N (default 10000) 32-bit writes and reads of hvtool's
 * MMIO test device (0xd0000000), each an MMIO exit to hvtool; checks
 * every value read back and prints the TSC cycles per MMIO exit on a
 * "timing:" line.
 */
#include "rt.h"

int main(void)
{
	volatile uint32_t *regs = (volatile uint32_t *)TESTDEV_BASE;
	unsigned long n = rt_arg("n", 10000), i, bad = 0;
	uint64_t t0, t1;

	t0 = rdtsc();
	for (i = 0; i < n; i++) {
		regs[i & 1023] = i * 2654435761u;
		bad += regs[i & 1023] != (uint32_t)(i * 2654435761u);
	}
	t1 = rdtsc();
	printf("mmio-bench: %lu MMIO write+read pairs, %lu wrong values\n", n,
	       bad);
	printf("timing: mmio-bench %llu TSC cycles per MMIO exit\n",
	       (unsigned long long)rt_udiv64(t1 - t0, n ? 2 * n : 1, 0));
	return bad ? 3 : 0;
}
