/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "hvtool stat" and "hvtool trace" (stat.c, trace.c): clients of hvmod's
 * generic netlink family (kmod/hvm_netlink.h) through libnl-genl-3.
 */
#ifndef HVTOOL_OBS_H
#define HVTOOL_OBS_H

#include <stdint.h>
#include <netlink/netlink.h>

#include "../kmod/hvm_netlink.h"

struct hvnl {
	struct nl_sock *sk;
	int family;
};

struct hvnl_stats {
	uint64_t exits, user_exits, user_ns, dropped;
	uint64_t user_hist[HVMOD_HIST_BUCKETS];
	uint64_t count[HVMOD_NR_EXIT_REASONS];
	uint64_t time_ns[HVMOD_NR_EXIT_REASONS];
	uint64_t hist[HVMOD_NR_EXIT_REASONS][HVMOD_HIST_BUCKETS];
};

extern const char *const hvnl_reason_names[HVMOD_NR_EXIT_REASONS];

/* 0, or a message on stderr and -1. */
int hvnl_open(struct hvnl *h);
void hvnl_close(struct hvnl *h);
/* Ids of the live VMs (at most @max); count, or -1. */
int hvnl_list_vms(struct hvnl *h, uint32_t *ids, int max);
/* Statistics of VM @vm, added to @st; 0 or -1. */
int hvnl_get_stats(struct hvnl *h, uint32_t vm, struct hvnl_stats *st);
int hvnl_set_sample(struct hvnl *h, uint32_t vm, uint32_t sample,
		    uint32_t rate);
/* Reason by name, or -1. */
int hvnl_reason(const char *name);

int cmd_stat(int argc, char **argv);
int cmd_trace(int argc, char **argv);

#endif /* HVTOOL_OBS_H */
