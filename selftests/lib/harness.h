/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kselftest harness, included the same way by every test.
 *
 * Tests are built with -Wextra; the harness' SIGALRM handler has an unused
 * parameter, so that one warning is silenced for the harness only.
 *
 * ASSERT_*() and EXPECT_*() expand to two statements (the check, then a
 * for loop that runs an optional TH_LOG() and bails out).  As the body of
 * a loop or of an if with an else they must be braced, whatever checkpatch
 * says about braces around single statements.
 */
#ifndef HVM_HARNESS_H
#define HVM_HARNESS_H

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#endif /* HVM_HARNESS_H */
