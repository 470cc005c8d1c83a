// SPDX-License-Identifier: GPL-2.0-only
/*
 * memtouch: the first touch of mib=N MiB (default 64) from 16 MiB up,
 * one write per 4 KiB page (each a nested page fault the kernel serves),
 * then a read-back check; prints the TSC cycles per page on a "timing:"
 * line. Exits with 3 when guest memory is too small.
 */
#include "rt.h"

#define START	0x1000000ul

int main(void)
{
	unsigned long mib = rt_arg("mib", 64), pages = mib * 256, i, bad = 0;
	struct mb_info *mbi = rt_mbi();
	uint64_t t0, t1;

	if (!mbi || START + mib * 0x100000 > 0x100000 + mbi->mem_upper * 1024ul) {
		printf("memtouch: %lu MiB from 16 MiB do not fit in guest memory\n",
		       mib);
		return 3;
	}
	t0 = rdtsc();
	for (i = 0; i < pages; i++)
		*(volatile unsigned long *)(START + i * 4096) = i;
	t1 = rdtsc();
	for (i = 0; i < pages; i++)
		bad += *(volatile unsigned long *)(START + i * 4096) != i;
	printf("memtouch: touched %lu MiB (%lu pages), %lu wrong values\n",
	       mib, pages, bad);
	printf("timing: memtouch %llu TSC cycles per first touch of a page\n",
	       (unsigned long long)rt_udiv64(t1 - t0, pages ? pages : 1, 0));
	return bad ? 5 : 0;
}
