/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Types for the "pure" parts of hvmod: code with no kernel dependency that
 * is compiled both into the module and into native unit tests
 * (selftests/unit), so that it can be tested without a sandbox.
 */
#ifndef HVMOD_PURE_H
#define HVMOD_PURE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
/* The kernel's own x86-64 definitions (asm-generic/int-ll64.h). */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))
#endif

/* For one-line feature reports in the kernel log. */
static inline const char *hvm_yes_no(bool b)
{
	return b ? "yes" : "no";
}

#endif /* HVMOD_PURE_H */
