/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal native test harness for hvmod's pure code: each check prints
 * one "RESULT PASS|FAIL unit/<test>" line, the format make check counts.
 */
#ifndef HVMOD_UNIT_H
#define HVMOD_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed;

#define UNIT_CHECK(name, cond)						\
	do {								\
		int ok_ = !!(cond);					\
		printf("RESULT %s unit/%s\n", ok_ ? "PASS" : "FAIL", name); \
		if (!ok_) {						\
			printf("#   %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			unit_failed++;					\
		}							\
	} while (0)

static inline int unit_contains(const char *haystack, const char *needle)
{
	return haystack && strstr(haystack, needle) != NULL;
}

#endif /* HVMOD_UNIT_H */
