/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ABI of hvmod's generic netlink family "hvmod" (version 1), shared with
 * userspace (hvtool, selftests): only <linux/types.h> is needed.
 * Documentation/api.rst, "Generic netlink family hvmod", describes it.
 */
#ifndef HVMOD_NETLINK_H
#define HVMOD_NETLINK_H

#define HVMOD_GENL_NAME		"hvmod"
#define HVMOD_GENL_VERSION	1
#define HVMOD_GENL_MCGRP_EXITS	"exits"

enum hvmod_cmd {
	HVMOD_CMD_UNSPEC,
	HVMOD_CMD_LIST_VMS,	/* dump: one HVMOD_CMD_LIST_VMS per VM */
	HVMOD_CMD_GET_STATS,	/* VM_ID [VCPU_ID] -> statistics */
	HVMOD_CMD_SET_SAMPLE,	/* VM_ID SAMPLE [RATE] */
	HVMOD_CMD_EXIT_EVENT,	/* multicast, group "exits" */
	__HVMOD_CMD_MAX,
};

enum hvmod_attr {
	HVMOD_A_UNSPEC,
	HVMOD_A_VM_ID,		/* u32 */
	HVMOD_A_PID,		/* u32: the VM creator's process id */
	HVMOD_A_VCPU_ID,	/* u32 */
	HVMOD_A_VCPUS,		/* nest of HVMOD_A_VCPU_ID */
	HVMOD_A_SAMPLE,		/* u32: 1 exit in N is sent, 0 none */
	HVMOD_A_RATE,		/* u32: at most N events/s per vCPU */
	HVMOD_A_DROPPED,	/* u64: events lost (rate limit, full ring) */
	HVMOD_A_EXITS,		/* u64 */
	HVMOD_A_USER_EXITS,	/* u64 */
	HVMOD_A_USER_TIME_NS,	/* u64 */
	HVMOD_A_USER_HIST,	/* binary: u64[HVMOD_HIST_BUCKETS] */
	HVMOD_A_REASONS,	/* nest of HVMOD_A_REASON_STATS */
	HVMOD_A_REASON_STATS,	/* nest: REASON COUNT TIME_NS HIST */
	HVMOD_A_REASON,		/* u32: enum hvmod_exit_reason */
	HVMOD_A_COUNT,		/* u64 */
	HVMOD_A_TIME_NS,	/* u64 */
	HVMOD_A_HIST,		/* binary: u64[HVMOD_HIST_BUCKETS] */
	HVMOD_A_CODE,		/* u32: raw vendor exit code */
	HVMOD_A_RIP,		/* u64: guest RIP at the exit */
	HVMOD_A_TIMESTAMP_NS,	/* u64: CLOCK_MONOTONIC ns of the exit */
	HVMOD_A_HANDLE_NS,	/* u64: in-kernel handling time */
	HVMOD_A_PAD,
	__HVMOD_A_MAX,
};

#define HVMOD_A_MAX		(__HVMOD_A_MAX - 1)
#define HVMOD_HIST_BUCKETS	32

/* Vendor-neutral exit reasons: kmod/arch_ops.h enum hvm_exit_reason. */
#define HVMOD_EXIT_REASON_NAMES						\
	"extint", "irq_window", "nmi_window", "exception", "cpuid",	\
	"hlt", "io", "msr_read", "msr_write", "npf", "cr", "dr",	\
	"hypercall", "shutdown", "fail_entry", "insn", "other"
#define HVMOD_NR_EXIT_REASONS	17

#endif /* HVMOD_NETLINK_H */
