// SPDX-License-Identifier: GPL-2.0-only
/*
 * io-bench: n=N (default 10000) OUT + IN pairs on the UART's scratch
 * register (0x3ff), each a round trip to hvtool; checks every value read
 * back and prints the TSC cycles per port I/O exit on a "timing:" line.
 */
#include "rt.h"

int main(void)
{
	unsigned long n = rt_arg("n", 10000), i, bad = 0;
	uint64_t t0, t1;

	t0 = rdtsc();
	for (i = 0; i < n; i++) {
		outb(COM1 + 7, i);
		bad += inb(COM1 + 7) != (uint8_t)i;
	}
	t1 = rdtsc();
	printf("io-bench: %lu OUT+IN round trips, %lu wrong values\n", n, bad);
	printf("timing: io-bench %llu TSC cycles per port I/O exit\n",
	       (unsigned long long)rt_udiv64(t1 - t0, n ? 2 * n : 1, 0));
	return bad ? 3 : 0;
}
