/* SPDX-License-Identifier: GPL-2.0-only */
/* "hvtool run": see run.c. */
#ifndef HVTOOL_RUN_H
#define HVTOOL_RUN_H

int cmd_run(const char *dev_path, int argc, char **argv);

#endif /* HVTOOL_RUN_H */
