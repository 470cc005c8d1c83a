// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one translation unit that instantiates hvmod's tracepoints
 * (kmod/trace.h); every other file only includes the header.
 */
#include "kmod/hvm.h"

#define CREATE_TRACE_POINTS
#include "kmod/trace.h"
