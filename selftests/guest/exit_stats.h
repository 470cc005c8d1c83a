/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by guest/exit_stats.S, exit_stats.c and exit_obs.c. */
#define EXIT_CPUID_COUNT	100
#define EXIT_CPUID_LEAF		0x40000abc
