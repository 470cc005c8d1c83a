// SPDX-License-Identifier: GPL-2.0-only
/*
 * sieve: the primes below n=N (default 2000000, at most 16000000) by the
 * sieve of Eratosthenes; compute only, no exits until it prints. A plain
 * ELF32 image (no Multiboot header): 32-bit protected mode, paging off.
 */
#include "rt.h"

#define MAX_N	16000000ul

static uint8_t composite[MAX_N / 8 + 1];

int main(void)
{
	unsigned long n = rt_arg("n", 2000000), i, j, count = 0;
	uint64_t t0, t1;

	if (n > MAX_N)
		n = MAX_N;
	t0 = rdtsc();
	for (i = 2; i * i < n; i++)
		if (!(composite[i / 8] & (1 << (i % 8))))
			for (j = i * i; j < n; j += i)
				composite[j / 8] |= 1 << (j % 8);
	for (i = 2; i < n; i++)
		count += !(composite[i / 8] & (1 << (i % 8)));
	t1 = rdtsc();
	printf("sieve: %lu primes below %lu\n", count, n);
	printf("timing: sieve %llu TSC cycles per number\n",
	       (unsigned long long)rt_udiv64(t1 - t0, n ? n : 1, 0));
	return 0;
}
