/* SPDX-License-Identifier: GPL-2.0-only */
/* "hvtool run": see run.c. */
#ifndef HVTOOL_RUN_H
#define HVTOOL_RUN_H

#include <stdio.h>

int cmd_run(const char *dev_path, int argc, char **argv);
void run_usage(FILE *f);

#endif /* HVTOOL_RUN_H */
