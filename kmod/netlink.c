// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generic netlink family "hvmod" (ABI: kmod/hvm_netlink.h and
 * Documentation/api.rst): list VMs and vCPUs, read statistics, set the
 * sampling of exit events, and the multicast group "exits".
 *
 * Guest RIPs and activity are sensitive: every operation needs
 * CAP_NET_ADMIN (GENL_ADMIN_PERM), joining the group CAP_SYS_ADMIN
 * (GENL_MCAST_CAP_SYS_ADMIN).
 *
 * The exit path only copies a sampled event into this CPU's ring (a
 * spinlock that only the ring's consumer contends) and schedules the
 * ring's work item; the work item builds and multicasts the messages.
 * Events lost to the per-vCPU rate limit or to a full ring are counted
 * in the VM's dropped counter.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/ktime.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>

#include "kmod/hvm.h"
#include "kmod/hvm_netlink.h"

#define HVM_NL_RING_SIZE	256	/* power of two */
#define HVM_NL_BATCH		32
/* 4 u32 and 4 u64 attributes, each u64 with room for a pad attribute. */
#define HVM_NL_EVENT_SIZE	(4 * nla_total_size(sizeof(u32)) + \
				 4 * nla_total_size_64bit(sizeof(u64)))

struct hvm_nl_event {
	u32 vm;
	u32 vcpu;
	u32 reason;
	u32 code;
	u64 rip;
	u64 timestamp_ns;
	u64 handle_ns;
	u64 dropped;
};

struct hvm_nl_ring {
	spinlock_t lock;		/* head, tail, ev */
	u32 head;
	u32 tail;
	struct hvm_nl_event ev[HVM_NL_RING_SIZE];
	struct work_struct work;
};

/* Dynamic per-CPU memory: a module's static per-CPU area is small. */
static struct hvm_nl_ring __percpu *hvm_nl_rings;
static bool hvm_nl_ready;

static const struct nla_policy hvm_nl_policy[HVMOD_A_MAX + 1] = {
	[HVMOD_A_VM_ID] = { .type = NLA_U32 },
	[HVMOD_A_VCPU_ID] = { .type = NLA_U32 },
	[HVMOD_A_SAMPLE] = { .type = NLA_U32 },
	[HVMOD_A_RATE] = { .type = NLA_U32 },
};

static const struct genl_multicast_group hvm_nl_groups[] = {
	{ .name = HVMOD_GENL_MCGRP_EXITS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

static struct genl_family hvm_nl_family;

/* One VM of the HVMOD_CMD_LIST_VMS dump. */
static int hvm_nl_put_vm(struct sk_buff *skb, struct hvm_vm *vm, u32 portid,
			 u32 seq, int flags)
{
	struct nlattr *vcpus;
	unsigned int i;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &hvm_nl_family, flags,
			  HVMOD_CMD_LIST_VMS);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, HVMOD_A_VM_ID, vm->obs.id) ||
	    nla_put_u32(skb, HVMOD_A_PID, vm->obs.pid) ||
	    nla_put_u32(skb, HVMOD_A_SAMPLE, READ_ONCE(vm->obs.sample)) ||
	    nla_put_u32(skb, HVMOD_A_RATE, READ_ONCE(vm->obs.rate)) ||
	    nla_put_u64_64bit(skb, HVMOD_A_DROPPED,
			      atomic64_read(&vm->obs.dropped), HVMOD_A_PAD))
		goto cancel;
	vcpus = nla_nest_start(skb, HVMOD_A_VCPUS);
	if (!vcpus)
		goto cancel;
	mutex_lock(&vm->lock);
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (nla_put_u32(skb, HVMOD_A_VCPU_ID, vm->vcpus[i]->id)) {
			mutex_unlock(&vm->lock);
			goto cancel;
		}
	}
	mutex_unlock(&vm->lock);
	nla_nest_end(skb, vcpus);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

struct hvm_nl_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	long index;
};

static int hvm_nl_dump_one(struct hvm_vm *vm, void *arg)
{
	struct hvm_nl_dump *d = arg;

	if (d->index++ < d->cb->args[0])
		return 0;
	if (hvm_nl_put_vm(d->skb, vm, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, NLM_F_MULTI))
		return 1;
	d->cb->args[0] = d->index;
	return 0;
}

static int hvm_nl_list_vms(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct hvm_nl_dump d = { .skb = skb, .cb = cb };

	hvm_vms_walk(hvm_nl_dump_one, &d);
	return skb->len;
}

static int hvm_nl_put_stats(struct sk_buff *skb,
			    const struct hvm_vcpu_stats *st)
{
	struct nlattr *reasons, *one;
	unsigned int r;

	if (nla_put_u64_64bit(skb, HVMOD_A_EXITS, st->exits, HVMOD_A_PAD) ||
	    nla_put_u64_64bit(skb, HVMOD_A_USER_EXITS, st->user_exits,
			      HVMOD_A_PAD) ||
	    nla_put_u64_64bit(skb, HVMOD_A_USER_TIME_NS, st->user_ns,
			      HVMOD_A_PAD) ||
	    nla_put(skb, HVMOD_A_USER_HIST, sizeof(st->user_hist),
		    st->user_hist))
		return -EMSGSIZE;
	reasons = nla_nest_start(skb, HVMOD_A_REASONS);
	if (!reasons)
		return -EMSGSIZE;
	for (r = 0; r < HVM_EXIT_R_NR; r++) {
		one = nla_nest_start(skb, HVMOD_A_REASON_STATS);
		if (!one ||
		    nla_put_u32(skb, HVMOD_A_REASON, r) ||
		    nla_put_u64_64bit(skb, HVMOD_A_COUNT, st->exit[r],
				      HVMOD_A_PAD) ||
		    nla_put_u64_64bit(skb, HVMOD_A_TIME_NS, st->exit_ns[r],
				      HVMOD_A_PAD) ||
		    nla_put(skb, HVMOD_A_HIST, sizeof(st->exit_hist[r]),
			    st->exit_hist[r]))
			return -EMSGSIZE;
		nla_nest_end(skb, one);
	}
	nla_nest_end(skb, reasons);
	return 0;
}

/* HVMOD_CMD_GET_STATS: the VM's sums, or one vCPU's counters. */
static int hvm_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct hvm_vcpu_stats *st;
	struct hvm_vcpu *vcpu = NULL;
	struct sk_buff *msg;
	struct hvm_vm *vm;
	unsigned int i;
	void *hdr;
	int r;

	if (!info->attrs[HVMOD_A_VM_ID])
		return -EINVAL;
	vm = hvm_vm_get_by_id(nla_get_u32(info->attrs[HVMOD_A_VM_ID]));
	if (!vm)
		return -ENOENT;
	r = -ENOMEM;
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		goto out_put;
	if (info->attrs[HVMOD_A_VCPU_ID]) {
		u32 id = nla_get_u32(info->attrs[HVMOD_A_VCPU_ID]);

		mutex_lock(&vm->lock);
		for (i = 0; i < vm->nr_vcpus; i++)
			if (vm->vcpus[i]->id == id)
				vcpu = vm->vcpus[i];
		mutex_unlock(&vm->lock);
		r = -ENOENT;
		if (!vcpu)
			goto out_free;
		/* vCPUs live as long as their VM, which we hold. */
		memcpy(st, &vcpu->stats, sizeof(*st));
	} else {
		hvm_stats_vm_sum(vm, st);
	}
	r = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE * 2, GFP_KERNEL);
	if (!msg)
		goto out_free;
	hdr = genlmsg_put_reply(msg, info, &hvm_nl_family, 0,
				HVMOD_CMD_GET_STATS);
	if (!hdr ||
	    nla_put_u32(msg, HVMOD_A_VM_ID, vm->obs.id) ||
	    (vcpu && nla_put_u32(msg, HVMOD_A_VCPU_ID, vcpu->id)) ||
	    nla_put_u64_64bit(msg, HVMOD_A_DROPPED,
			      atomic64_read(&vm->obs.dropped), HVMOD_A_PAD) ||
	    hvm_nl_put_stats(msg, st)) {
		nlmsg_free(msg);
		r = -EMSGSIZE;
		goto out_free;
	}
	genlmsg_end(msg, hdr);
	r = genlmsg_reply(msg, info);
out_free:
	kfree(st);
out_put:
	hvm_vm_put(vm);
	return r;
}

/* HVMOD_CMD_SET_SAMPLE: 1 exit in SAMPLE (0: none), at most RATE/s. */
static int hvm_nl_set_sample(struct sk_buff *skb, struct genl_info *info)
{
	struct hvm_vm *vm;

	if (!info->attrs[HVMOD_A_VM_ID] || !info->attrs[HVMOD_A_SAMPLE])
		return -EINVAL;
	if (info->attrs[HVMOD_A_RATE] &&
	    !nla_get_u32(info->attrs[HVMOD_A_RATE]))
		return -EINVAL;
	vm = hvm_vm_get_by_id(nla_get_u32(info->attrs[HVMOD_A_VM_ID]));
	if (!vm)
		return -ENOENT;
	if (info->attrs[HVMOD_A_RATE])
		WRITE_ONCE(vm->obs.rate, nla_get_u32(info->attrs[HVMOD_A_RATE]));
	WRITE_ONCE(vm->obs.sample, nla_get_u32(info->attrs[HVMOD_A_SAMPLE]));
	hvm_vm_put(vm);
	return 0;
}

static const struct genl_small_ops hvm_nl_ops[] = {
	{
		.cmd = HVMOD_CMD_LIST_VMS,
		.dumpit = hvm_nl_list_vms,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = HVMOD_CMD_GET_STATS,
		.doit = hvm_nl_get_stats,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = HVMOD_CMD_SET_SAMPLE,
		.doit = hvm_nl_set_sample,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family hvm_nl_family = {
	.name = HVMOD_GENL_NAME,
	.version = HVMOD_GENL_VERSION,
	.maxattr = HVMOD_A_MAX,
	.policy = hvm_nl_policy,
	.module = THIS_MODULE,
	.small_ops = hvm_nl_ops,
	.n_small_ops = ARRAY_SIZE(hvm_nl_ops),
	.resv_start_op = HVMOD_CMD_EXIT_EVENT,
	.mcgrps = hvm_nl_groups,
	.n_mcgrps = ARRAY_SIZE(hvm_nl_groups),
};

static void hvm_nl_send(const struct hvm_nl_event *ev)
{
	struct sk_buff *msg;
	void *hdr;

	/* Sized to the event: a small skb, so receive buffers hold many. */
	msg = genlmsg_new(HVM_NL_EVENT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &hvm_nl_family, 0, HVMOD_CMD_EXIT_EVENT);
	if (!hdr ||
	    nla_put_u32(msg, HVMOD_A_VM_ID, ev->vm) ||
	    nla_put_u32(msg, HVMOD_A_VCPU_ID, ev->vcpu) ||
	    nla_put_u32(msg, HVMOD_A_REASON, ev->reason) ||
	    nla_put_u32(msg, HVMOD_A_CODE, ev->code) ||
	    nla_put_u64_64bit(msg, HVMOD_A_RIP, ev->rip, HVMOD_A_PAD) ||
	    nla_put_u64_64bit(msg, HVMOD_A_TIMESTAMP_NS, ev->timestamp_ns,
			      HVMOD_A_PAD) ||
	    nla_put_u64_64bit(msg, HVMOD_A_HANDLE_NS, ev->handle_ns,
			      HVMOD_A_PAD) ||
	    nla_put_u64_64bit(msg, HVMOD_A_DROPPED, ev->dropped,
			      HVMOD_A_PAD)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&hvm_nl_family, msg, 0, 0, GFP_KERNEL);
}

/* The ring's consumer: batches out under the lock, sends without it. */
static void hvm_nl_work(struct work_struct *work)
{
	struct hvm_nl_ring *ring = container_of(work, struct hvm_nl_ring,
						work);
	struct hvm_nl_event *batch;
	unsigned int n, i;

	batch = kmalloc_array(HVM_NL_BATCH, sizeof(*batch), GFP_KERNEL);
	if (!batch)
		return;
	do {
		spin_lock(&ring->lock);
		for (n = 0; n < HVM_NL_BATCH && ring->tail != ring->head; n++)
			batch[n] = ring->ev[ring->tail++ % HVM_NL_RING_SIZE];
		spin_unlock(&ring->lock);
		if (!genl_has_listeners(&hvm_nl_family, &init_net, 0))
			continue;
		for (i = 0; i < n; i++)
			hvm_nl_send(&batch[i]);
	} while (n == HVM_NL_BATCH);
	kfree(batch);
}

/*
 * The exit path (kmod/run.c, vCPU mutex held, preemptible): 1 exit in
 * vm->obs.sample per vCPU, at most vm->obs.rate per second per vCPU.
 */
void hvm_netlink_exit_event(struct hvm_vcpu *vcpu, u64 exit_tsc, u64 now_tsc)
{
	struct hvm_vcpu_stats *st = &vcpu->stats;
	struct hvm_vm_obs *o = &vcpu->vm->obs;
	u32 sample = READ_ONCE(o->sample);
	struct hvm_nl_event *ev;
	struct hvm_nl_ring *ring;
	bool dropped = false;

	if (!hvm_nl_ready || !sample || ++st->sample_count < sample)
		return;
	st->sample_count = 0;
	if (time_after(jiffies, st->rl_start + HZ)) {
		st->rl_start = jiffies;
		st->rl_count = 0;
	}
	if (st->rl_count >= READ_ONCE(o->rate)) {
		atomic64_inc(&o->dropped);
		return;
	}
	st->rl_count++;

	ring = get_cpu_ptr(hvm_nl_rings);
	spin_lock(&ring->lock);
	if (ring->head - ring->tail >= HVM_NL_RING_SIZE) {
		dropped = true;
	} else {
		ev = &ring->ev[ring->head++ % HVM_NL_RING_SIZE];
		ev->vm = o->id;
		ev->vcpu = vcpu->id;
		ev->reason = vcpu->last_exit.reason;
		ev->code = vcpu->last_exit.code;
		ev->rip = vcpu->rip;
		ev->timestamp_ns = ktime_get_ns();
		ev->handle_ns = hvm_tsc_to_ns(now_tsc - exit_tsc);
		ev->dropped = atomic64_read(&o->dropped);
	}
	spin_unlock(&ring->lock);
	if (!dropped)
		schedule_work(&ring->work);
	put_cpu_ptr(hvm_nl_rings);
	if (dropped)
		atomic64_inc(&o->dropped);
}

int hvm_netlink_init(void)
{
	int cpu, r;

	hvm_nl_rings = alloc_percpu(struct hvm_nl_ring);
	if (!hvm_nl_rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct hvm_nl_ring *ring = per_cpu_ptr(hvm_nl_rings, cpu);

		spin_lock_init(&ring->lock);
		INIT_WORK(&ring->work, hvm_nl_work);
	}
	r = genl_register_family(&hvm_nl_family);
	if (r) {
		free_percpu(hvm_nl_rings);
		return r;
	}
	hvm_nl_ready = true;
	return 0;
}

/* No VM exists any more (module unload): nothing fills the rings. */
void hvm_netlink_exit(void)
{
	int cpu;

	hvm_nl_ready = false;
	for_each_possible_cpu(cpu)
		cancel_work_sync(&per_cpu_ptr(hvm_nl_rings, cpu)->work);
	genl_unregister_family(&hvm_nl_family);
	free_percpu(hvm_nl_rings);
}
