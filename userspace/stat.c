// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvtool stat [-i SEC] [-n COUNT] [VM]: a live table of exits per reason
 * per second and in-kernel handling latency percentiles (from the log2
 * histograms, so each percentile is a power-of-two upper bound), like
 * kvm_stat. Without VM, the sum over every VM. Also the netlink helpers
 * shared with "hvtool trace" (obs.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "obs.h"

const char *const hvnl_reason_names[HVMOD_NR_EXIT_REASONS] = {
	HVMOD_EXIT_REASON_NAMES
};

int hvnl_reason(const char *name)
{
	int i;

	for (i = 0; i < HVMOD_NR_EXIT_REASONS; i++)
		if (!strcmp(name, hvnl_reason_names[i]))
			return i;
	return -1;
}

int hvnl_open(struct hvnl *h)
{
	h->sk = nl_socket_alloc();
	if (!h->sk || genl_connect(h->sk)) {
		fprintf(stderr, "hvtool: generic netlink socket failed\n");
		return -1;
	}
	/*
	 * No automatic ACK: a reply (GET_STATS) would leave its ACK behind
	 * for the next request to trip over; SET_SAMPLE asks for one.
	 */
	nl_socket_disable_auto_ack(h->sk);
	h->family = genl_ctrl_resolve(h->sk, HVMOD_GENL_NAME);
	if (h->family < 0) {
		fprintf(stderr, "hvtool: netlink family %s: %s (is hvmod loaded?)\n",
			HVMOD_GENL_NAME, nl_geterror(h->family));
		nl_socket_free(h->sk);
		return -1;
	}
	return 0;
}

void hvnl_close(struct hvnl *h)
{
	nl_socket_free(h->sk);
}

static struct nlattr **parse(struct nl_msg *msg)
{
	static struct nlattr *tb[HVMOD_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, HVMOD_A_MAX, NULL))
		return NULL;
	return tb;
}

struct list_arg {
	uint32_t *ids;
	int max, n;
};

static int list_cb(struct nl_msg *msg, void *arg)
{
	struct list_arg *a = arg;
	struct nlattr **tb = parse(msg);

	if (tb && tb[HVMOD_A_VM_ID] && a->n < a->max)
		a->ids[a->n++] = nla_get_u32(tb[HVMOD_A_VM_ID]);
	return NL_OK;
}

static int request(struct hvnl *h, uint8_t cmd, int flags,
		   int (*cb)(struct nl_msg *, void *), void *arg,
		   uint32_t vm, int64_t sample, uint32_t rate)
{
	struct nl_msg *msg = nlmsg_alloc();
	int r;

	if (!msg)
		return -NLE_NOMEM;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0, flags, cmd,
		    HVMOD_GENL_VERSION);
	if (vm)
		nla_put_u32(msg, HVMOD_A_VM_ID, vm);
	if (sample >= 0)
		nla_put_u32(msg, HVMOD_A_SAMPLE, sample);
	if (rate)
		nla_put_u32(msg, HVMOD_A_RATE, rate);
	nl_socket_modify_cb(h->sk, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
	r = nl_send_auto(h->sk, msg);
	nlmsg_free(msg);
	if (r < 0)
		return r;
	return nl_recvmsgs_default(h->sk);
}

static int ignore_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int hvnl_list_vms(struct hvnl *h, uint32_t *ids, int max)
{
	struct list_arg a = { ids, max, 0 };
	int r = request(h, HVMOD_CMD_LIST_VMS, NLM_F_DUMP, list_cb, &a, 0, -1, 0);

	if (r < 0) {
		fprintf(stderr, "hvtool: list VMs: %s\n", nl_geterror(r));
		return -1;
	}
	return a.n;
}

static void add_hist(uint64_t *dst, struct nlattr *a)
{
	uint64_t v[HVMOD_HIST_BUCKETS] = { 0 };
	int i, len = nla_len(a);

	memcpy(v, nla_data(a), len < (int)sizeof(v) ? len : (int)sizeof(v));
	for (i = 0; i < HVMOD_HIST_BUCKETS; i++)
		dst[i] += v[i];
}

static int stats_cb(struct nl_msg *msg, void *arg)
{
	struct hvnl_stats *st = arg;
	struct nlattr **tb = parse(msg), *r;
	int rem;

	if (!tb)
		return NL_SKIP;
	if (tb[HVMOD_A_EXITS])
		st->exits += nla_get_u64(tb[HVMOD_A_EXITS]);
	if (tb[HVMOD_A_USER_EXITS])
		st->user_exits += nla_get_u64(tb[HVMOD_A_USER_EXITS]);
	if (tb[HVMOD_A_USER_TIME_NS])
		st->user_ns += nla_get_u64(tb[HVMOD_A_USER_TIME_NS]);
	if (tb[HVMOD_A_DROPPED])
		st->dropped += nla_get_u64(tb[HVMOD_A_DROPPED]);
	if (tb[HVMOD_A_USER_HIST])
		add_hist(st->user_hist, tb[HVMOD_A_USER_HIST]);
	if (!tb[HVMOD_A_REASONS])
		return NL_OK;
	nla_for_each_nested(r, tb[HVMOD_A_REASONS], rem) {
		struct nlattr *one[HVMOD_A_MAX + 1];
		uint32_t i;

		if (nla_parse_nested(one, HVMOD_A_MAX, r, NULL) ||
		    !one[HVMOD_A_REASON])
			continue;
		i = nla_get_u32(one[HVMOD_A_REASON]);
		if (i >= HVMOD_NR_EXIT_REASONS)
			continue;
		if (one[HVMOD_A_COUNT])
			st->count[i] += nla_get_u64(one[HVMOD_A_COUNT]);
		if (one[HVMOD_A_TIME_NS])
			st->time_ns[i] += nla_get_u64(one[HVMOD_A_TIME_NS]);
		if (one[HVMOD_A_HIST])
			add_hist(st->hist[i], one[HVMOD_A_HIST]);
	}
	return NL_OK;
}

int hvnl_get_stats(struct hvnl *h, uint32_t vm, struct hvnl_stats *st)
{
	int r = request(h, HVMOD_CMD_GET_STATS, 0, stats_cb, st, vm, -1, 0);

	if (r < 0) {
		fprintf(stderr, "hvtool: statistics of VM %u: %s\n", vm,
			nl_geterror(r));
		return -1;
	}
	return 0;
}

int hvnl_set_sample(struct hvnl *h, uint32_t vm, uint32_t sample,
		    uint32_t rate)
{
	int r = request(h, HVMOD_CMD_SET_SAMPLE, NLM_F_ACK, ignore_cb, NULL,
			vm, sample, rate);

	if (r < 0) {
		fprintf(stderr, "hvtool: sampling of VM %u: %s\n", vm,
			nl_geterror(r));
		return -1;
	}
	return 0;
}

/* Upper bound (ns) of the bucket holding percentile @p of @hist. */
static uint64_t percentile(const uint64_t *hist, double p)
{
	uint64_t total = 0, seen = 0;
	int i;

	for (i = 0; i < HVMOD_HIST_BUCKETS; i++)
		total += hist[i];
	if (!total)
		return 0;
	for (i = 0; i < HVMOD_HIST_BUCKETS; i++) {
		seen += hist[i];
		if (seen >= p * total)
			return i ? 1ULL << i : 0;
	}
	return 1ULL << (HVMOD_HIST_BUCKETS - 1);
}

static int sample_all(struct hvnl *h, int64_t vm, struct hvnl_stats *st)
{
	uint32_t ids[256];
	int i, n;

	memset(st, 0, sizeof(*st));
	if (vm >= 0)
		return hvnl_get_stats(h, vm, st);
	n = hvnl_list_vms(h, ids, 256);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		hvnl_get_stats(h, ids[i], st);
	return 0;
}

static void print_table(const struct hvnl_stats *a, const struct hvnl_stats *b,
			double sec)
{
	struct hvnl_stats *d = calloc(1, sizeof(*d));
	int i, k;

	for (i = 0; i < HVMOD_NR_EXIT_REASONS; i++) {
		d->count[i] = b->count[i] - a->count[i];
		for (k = 0; k < HVMOD_HIST_BUCKETS; k++)
			d->hist[i][k] = b->hist[i][k] - a->hist[i][k];
	}
	for (k = 0; k < HVMOD_HIST_BUCKETS; k++)
		d->user_hist[k] = b->user_hist[k] - a->user_hist[k];
	printf("%-12s %12s %10s %10s %10s %10s\n", "reason", "total",
	       "per s", "p50 ns<=", "p90 ns<=", "p99 ns<=");
	for (i = 0; i < HVMOD_NR_EXIT_REASONS; i++) {
		if (!b->count[i])
			continue;
		printf("%-12s %12llu %10.0f %10llu %10llu %10llu\n",
		       hvnl_reason_names[i], (unsigned long long)b->count[i],
		       d->count[i] / sec,
		       (unsigned long long)percentile(d->hist[i], 0.5),
		       (unsigned long long)percentile(d->hist[i], 0.9),
		       (unsigned long long)percentile(d->hist[i], 0.99));
	}
	printf("%-12s %12llu %10.0f %10llu %10llu %10llu\n", "(userspace)",
	       (unsigned long long)b->user_exits,
	       (b->user_exits - a->user_exits) / sec,
	       (unsigned long long)percentile(d->user_hist, 0.5),
	       (unsigned long long)percentile(d->user_hist, 0.9),
	       (unsigned long long)percentile(d->user_hist, 0.99));
	printf("exits %llu, netlink events dropped %llu\n\n",
	       (unsigned long long)b->exits, (unsigned long long)b->dropped);
	fflush(stdout);
	free(d);
}

int cmd_stat(int argc, char **argv)
{
	struct hvnl_stats *prev, *cur, *t;
	int opt, interval = 1, count = -1, rc = 1;
	int64_t vm = -1;
	struct hvnl h;

	while ((opt = getopt(argc, argv, "i:n:")) != -1) {
		if (opt == 'i') {
			interval = atoi(optarg);
		} else if (opt == 'n') {
			count = atoi(optarg);
		} else {
			fprintf(stderr, "usage: hvtool stat [-i SEC] [-n COUNT] [VM]\n");
			return 2;
		}
	}
	if (interval < 1)
		interval = 1;
	if (optind < argc)
		vm = strtoul(argv[optind], NULL, 0);
	if (hvnl_open(&h))
		return 1;
	prev = calloc(1, sizeof(*prev));
	cur = calloc(1, sizeof(*cur));
	if (!prev || !cur || sample_all(&h, vm, prev))
		goto out;
	while (count < 0 || count-- > 0) {
		sleep(interval);
		if (sample_all(&h, vm, cur))
			goto out;
		print_table(prev, cur, interval);
		t = prev;
		prev = cur;
		cur = t;
	}
	rc = 0;
out:
	free(prev);
	free(cur);
	hvnl_close(&h);
	return rc;
}
