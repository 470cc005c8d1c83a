/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvtool's native unit tests: one "RESULT PASS|FAIL unit/hvtool/<name>"
 * line per check (the format scripts/check counts), exit status 1 when
 * any check failed.
 */
#ifndef HVT_UNIT_H
#define HVT_UNIT_H

#include <stdio.h>

static int unit_failures;

#define CHECK(name, cond)						\
	do {								\
		int ok_ = !!(cond);					\
		printf("RESULT %s unit/hvtool/%s\n", ok_ ? "PASS" : "FAIL", \
		       name);						\
		if (!ok_) {						\
			printf("#   %s:%d: %s\n", __FILE__, __LINE__,	\
			       #cond);					\
			unit_failures++;				\
		}							\
	} while (0)

#endif /* HVT_UNIT_H */
