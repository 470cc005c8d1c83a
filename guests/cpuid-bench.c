// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpuid-bench: n=N (default 20000) CPUIDs, each a VM exit handled in the
 * kernel; prints the TSC cycles per CPUID exit on a "timing:" line.
 */
#include "rt.h"

int main(void)
{
	unsigned long n = rt_arg("n", 20000), i;
	uint32_t a, b, c, d;
	uint64_t t0, t1;

	for (i = 0; i < 100; i++)
		cpuid(0, &a, &b, &c, &d);
	t0 = rdtsc();
	for (i = 0; i < n; i++)
		cpuid(0, &a, &b, &c, &d);
	t1 = rdtsc();
	printf("cpuid-bench: %lu CPUID exits\n", n);
	printf("timing: cpuid-bench %llu TSC cycles per CPUID exit\n",
	       (unsigned long long)rt_udiv64(t1 - t0, n ? n : 1, 0));
	return 0;
}
