// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvtool trace [--reason R] [--sample N] [--rate R] [--count C] [VM]:
 * sets the sampling of VM (every VM without one) to 1 exit in N, joins
 * the multicast group "exits" and prints each event (VM, vCPU, reason,
 * raw code, guest RIP, time, handling time, dropped count) until C
 * events or a signal; sampling is turned off again at the end.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "obs.h"

static volatile sig_atomic_t stop;
static long remaining = -1;
static int want_reason = -1;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[HVMOD_A_MAX + 1];
	uint32_t reason;

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, HVMOD_A_MAX, NULL) ||
	    !tb[HVMOD_A_REASON] || !tb[HVMOD_A_RIP])
		return NL_SKIP;
	reason = nla_get_u32(tb[HVMOD_A_REASON]);
	if (want_reason >= 0 && reason != (uint32_t)want_reason)
		return NL_OK;
	printf("%llu.%09llu vm %u vcpu %u %-10s code %#x rip %#llx handled %llu ns dropped %llu\n",
	       (unsigned long long)(nla_get_u64(tb[HVMOD_A_TIMESTAMP_NS]) / 1000000000),
	       (unsigned long long)(nla_get_u64(tb[HVMOD_A_TIMESTAMP_NS]) % 1000000000),
	       nla_get_u32(tb[HVMOD_A_VM_ID]), nla_get_u32(tb[HVMOD_A_VCPU_ID]),
	       reason < HVMOD_NR_EXIT_REASONS ? hvnl_reason_names[reason] : "?",
	       nla_get_u32(tb[HVMOD_A_CODE]),
	       (unsigned long long)nla_get_u64(tb[HVMOD_A_RIP]),
	       (unsigned long long)nla_get_u64(tb[HVMOD_A_HANDLE_NS]),
	       (unsigned long long)nla_get_u64(tb[HVMOD_A_DROPPED]));
	fflush(stdout);
	if (remaining > 0 && --remaining == 0)
		stop = 1;
	return NL_OK;
}

int cmd_trace(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "sample", required_argument, NULL, 's' },
		{ "rate", required_argument, NULL, 'R' },
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t sample = 1, rate = 0, ids[256];
	struct hvnl h, ev;
	int opt, grp, n, i, rc = 1;

	while ((opt = getopt_long(argc, argv, "r:s:R:c:", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			want_reason = hvnl_reason(optarg);
			if (want_reason < 0) {
				fprintf(stderr, "hvtool: unknown reason '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 's':
			sample = strtoul(optarg, NULL, 0);
			break;
		case 'R':
			rate = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			remaining = strtol(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: hvtool trace [--reason R] [--sample N] [--rate R] [--count C] [VM]\n");
			return 2;
		}
	}
	if (hvnl_open(&h))
		return 1;
	if (optind < argc) {
		ids[0] = strtoul(argv[optind], NULL, 0);
		n = 1;
	} else {
		n = hvnl_list_vms(&h, ids, 256);
	}
	if (n <= 0) {
		fprintf(stderr, "hvtool: no VM to trace\n");
		goto out;
	}
	if (hvnl_open(&ev))
		goto out;
	nl_socket_disable_seq_check(ev.sk);
	grp = genl_ctrl_resolve_grp(ev.sk, HVMOD_GENL_NAME,
				    HVMOD_GENL_MCGRP_EXITS);
	if (grp < 0 || nl_socket_add_membership(ev.sk, grp)) {
		fprintf(stderr, "hvtool: joining group %s: %s\n",
			HVMOD_GENL_MCGRP_EXITS,
			grp < 0 ? nl_geterror(grp) : strerror(errno));
		hvnl_close(&ev);
		goto out;
	}
	nl_socket_modify_cb(ev.sk, NL_CB_VALID, NL_CB_CUSTOM, event_cb, NULL);
	for (i = 0; i < n; i++)
		hvnl_set_sample(&h, ids[i], sample, rate);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop)
		if (nl_recvmsgs_default(ev.sk) < 0 && !stop)
			break;
	for (i = 0; i < n; i++)
		hvnl_set_sample(&h, ids[i], 0, 0);
	hvnl_close(&ev);
	rc = 0;
out:
	hvnl_close(&h);
	return rc;
}
