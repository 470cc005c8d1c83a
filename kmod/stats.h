/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exit statistics (kmod/stats.c), the binary stats fd (KVM_GET_STATS_FD)
 * and the debugfs view; the netlink family (kmod/netlink.c).
 *
 * Counters are per vCPU, plain u64s written only by the thread that runs
 * the vCPU (under its mutex): no atomics, no shared cache lines. Readers
 * (stats fd, debugfs, netlink) read them unlocked: a 64-bit load on x86
 * is never torn; a reader may see one counter a step ahead of another.
 * The VM's figures are the sums of its vCPUs' at read time.
 */
#ifndef HVMOD_STATS_H
#define HVMOD_STATS_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/types.h>

#include "kmod/arch_ops.h"

/* log2 histogram buckets (KVM_STATS_TYPE_LOG_HIST): 0, [1,2), [2,4)... */
#define HVM_HIST_BUCKETS	32

struct hvm_vcpu_stats {
	u64 exits;				/* every exit */
	u64 user_exits;				/* KVM_RUN returns */
	u64 exit[HVM_EXIT_R_NR];		/* per reason */
	u64 exit_ns[HVM_EXIT_R_NR];		/* in-kernel handling, sum */
	u64 exit_hist[HVM_EXIT_R_NR][HVM_HIST_BUCKETS];	/* handling, ns */
	u64 user_ns;				/* userspace round trips, sum */
	u64 user_hist[HVM_HIST_BUCKETS];	/* round trip, ns */
	/* Not statistics: state of the measurement. */
	u64 user_tsc;		/* TSC when KVM_RUN last returned, or 0 */
	u32 sample_count;	/* netlink: exits since the last sample */
	u32 rl_count;		/* netlink: events in this rate window */
	unsigned long rl_start;	/* netlink: jiffies the window began */
};

/* Per-VM observability state; (o) and [lock] as in kmod/hvm.h. */
struct hvm_vm_obs {
	struct list_head node;		/* [hvm_vm_list_lock] */
	u32 id;				/* (o) unique while the module lives */
	pid_t pid;			/* (o) creator's tgid */
	struct dentry *debugfs;		/* (o) hvmod/vm<id> */
	u32 sample;			/* netlink: 1 in N exits, 0 = none */
	u32 rate;			/* netlink: events/s per vCPU at most */
	atomic64_t dropped;		/* netlink: events lost */
};

struct hvm_vm;
struct hvm_vcpu;

/* Global switch (module parameter "stats"). */
extern bool hvm_stats_on;

/* kmod/stats.c */
int hvm_stats_init(void);
void hvm_stats_exit(void);
void hvm_vm_obs_add(struct hvm_vm *vm);
void hvm_vm_obs_del(struct hvm_vm *vm);
int hvm_vm_stats_fd(struct hvm_vm *vm);
int hvm_vcpu_stats_fd(struct hvm_vcpu *vcpu);
void hvm_stats_vm_sum(struct hvm_vm *vm, struct hvm_vcpu_stats *sum);
u64 hvm_tsc_to_ns(u64 cycles);
extern const char * const hvm_exit_reason_names[HVM_EXIT_R_NR];
/* Runs @fn on every VM, under the VM list's lock; stops at non-zero. */
typedef int (*hvm_vm_fn)(struct hvm_vm *vm, void *arg);
int hvm_vms_walk(hvm_vm_fn fn, void *arg);
struct hvm_vm *hvm_vm_get_by_id(u32 id);

/* The run loop's hooks (kmod/run.c). */
void hvm_stats_exit_handled(struct hvm_vcpu *vcpu, u64 exit_tsc,
			    u64 now_tsc);
void hvm_stats_run_begin(struct hvm_vcpu *vcpu, u64 now_tsc);

/* kmod/netlink.c */
int hvm_netlink_init(void);
void hvm_netlink_exit(void);
void hvm_netlink_exit_event(struct hvm_vcpu *vcpu, u64 exit_tsc,
			    u64 now_tsc);

#endif /* HVMOD_STATS_H */
