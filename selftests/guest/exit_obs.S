/* SPDX-License-Identifier: GPL-2.0-only */
/* exit_obs runs the guest of exit_stats. */
#include "exit_stats.S"
