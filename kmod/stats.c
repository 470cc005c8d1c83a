// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exit statistics: per-vCPU counters and log2 histograms filled by the
 * run loop (kmod/run.c), read through the binary stats fd of
 * KVM_GET_STATS_FD (KVM's format, api.rst 4.133: a header, an id
 * string, descriptors, then u64 data) and through debugfs
 * (hvmod/vm<id>/stats, text). Also the list of live VMs that debugfs
 * and the netlink family (kmod/netlink.c) walk.
 *
 * Times are TSC deltas converted to ns when recorded (a multiply and a
 * shift). The module parameter "stats" (writable) turns the counting
 * off: the run loop then reads no TSC at all.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/tsc.h>

#include "kmod/hvm.h"

bool hvm_stats_on = true;
module_param_named(stats, hvm_stats_on, bool, 0644);
MODULE_PARM_DESC(stats, "Count exits and time their handling (default 1)");

/* KVM_STATS_NAME_SIZE of KVM 6.1 (include/linux/kvm_host.h). */
#define HVM_STATS_NAME_SIZE	48

const char * const hvm_exit_reason_names[HVM_EXIT_R_NR] = {
	[HVM_EXIT_R_EXTINT] = "extint",
	[HVM_EXIT_R_IRQ_WINDOW] = "irq_window",
	[HVM_EXIT_R_NMI_WINDOW] = "nmi_window",
	[HVM_EXIT_R_EXCEPTION] = "exception",
	[HVM_EXIT_R_CPUID] = "cpuid",
	[HVM_EXIT_R_HLT] = "hlt",
	[HVM_EXIT_R_IO] = "io",
	[HVM_EXIT_R_MSR_READ] = "msr_read",
	[HVM_EXIT_R_MSR_WRITE] = "msr_write",
	[HVM_EXIT_R_NPF] = "npf",
	[HVM_EXIT_R_CR] = "cr",
	[HVM_EXIT_R_DR] = "dr",
	[HVM_EXIT_R_HYPERCALL] = "hypercall",
	[HVM_EXIT_R_SHUTDOWN] = "shutdown",
	[HVM_EXIT_R_FAIL_ENTRY] = "fail_entry",
	[HVM_EXIT_R_INSN] = "insn",
	[HVM_EXIT_R_OTHER] = "other",
};

/* ns = cycles * hvm_tsc_mult >> HVM_TSC_SHIFT */
#define HVM_TSC_SHIFT		20
static u32 hvm_tsc_mult;

u64 hvm_tsc_to_ns(u64 cycles)
{
	return mul_u64_u32_shr(cycles, hvm_tsc_mult, HVM_TSC_SHIFT);
}

/* Bucket 0 holds 0, bucket i (i > 0) [2^(i-1), 2^i); the last the rest. */
static unsigned int hvm_hist_bucket(u64 ns)
{
	return min_t(unsigned int, fls64(ns), HVM_HIST_BUCKETS - 1);
}

void hvm_stats_exit_handled(struct hvm_vcpu *vcpu, u64 exit_tsc, u64 now_tsc)
{
	struct hvm_vcpu_stats *st = &vcpu->stats;
	u32 reason = vcpu->last_exit.reason;
	u64 ns = hvm_tsc_to_ns(now_tsc - exit_tsc);

	if (reason >= HVM_EXIT_R_NR)
		reason = HVM_EXIT_R_OTHER;
	st->exits++;
	st->exit[reason]++;
	st->exit_ns[reason] += ns;
	st->exit_hist[reason][hvm_hist_bucket(ns)]++;
}

/* KVM_RUN begins: close the round trip the last return opened. */
void hvm_stats_run_begin(struct hvm_vcpu *vcpu, u64 now_tsc)
{
	struct hvm_vcpu_stats *st = &vcpu->stats;
	u64 ns;

	if (!st->user_tsc)
		return;
	ns = hvm_tsc_to_ns(now_tsc - st->user_tsc);
	st->user_tsc = 0;
	st->user_ns += ns;
	st->user_hist[hvm_hist_bucket(ns)]++;
}

/* The VM list: debugfs, netlink. */
static DEFINE_MUTEX(hvm_vm_list_lock);
static LIST_HEAD(hvm_vm_list);
static u32 hvm_vm_next_id;
static struct dentry *hvm_stats_debugfs;

int hvm_vms_walk(hvm_vm_fn fn, void *arg)
{
	struct hvm_vm *vm;
	int r = 0;

	mutex_lock(&hvm_vm_list_lock);
	list_for_each_entry(vm, &hvm_vm_list, obs.node) {
		r = fn(vm, arg);
		if (r)
			break;
	}
	mutex_unlock(&hvm_vm_list_lock);
	return r;
}

/* A reference to VM @id (hvm_vm_put() it), or NULL. */
struct hvm_vm *hvm_vm_get_by_id(u32 id)
{
	struct hvm_vm *vm, *found = NULL;

	mutex_lock(&hvm_vm_list_lock);
	list_for_each_entry(vm, &hvm_vm_list, obs.node) {
		if (vm->obs.id == id && kref_get_unless_zero(&vm->kref)) {
			found = vm;
			break;
		}
	}
	mutex_unlock(&hvm_vm_list_lock);
	return found;
}

/* Sums the VM's vCPUs' counters into @sum (user_tsc excluded). */
void hvm_stats_vm_sum(struct hvm_vm *vm, struct hvm_vcpu_stats *sum)
{
	const size_t n = offsetof(struct hvm_vcpu_stats, user_tsc) / sizeof(u64);
	unsigned int i;
	size_t k;

	memset(sum, 0, sizeof(*sum));
	mutex_lock(&vm->lock);
	for (i = 0; i < vm->nr_vcpus; i++) {
		const u64 *src = (const u64 *)&vm->vcpus[i]->stats;
		u64 *dst = (u64 *)sum;

		for (k = 0; k < n; k++)
			dst[k] += READ_ONCE(src[k]);
	}
	mutex_unlock(&vm->lock);
}

/*
 * Descriptors, built once at load: every entry names a run of u64s in
 * struct hvm_vcpu_stats (offset, size), the data section of the stats
 * fd being that struct up to user_tsc.
 */
struct hvm_stat_def {
	char name[HVM_STATS_NAME_SIZE];
	u32 flags;
	s16 exponent;
	u16 size;
	u32 offset;
};

#define HVM_NR_STATS	(4 + 3 * HVM_EXIT_R_NR)
static struct hvm_stat_def hvm_stat_defs[HVM_NR_STATS];
static unsigned int hvm_nr_stat_defs;

#define HVM_STAT_NS	(KVM_STATS_UNIT_SECONDS | KVM_STATS_BASE_POW10)

static void hvm_stat_def_add(const char *name, const char *sfx, u32 flags,
			     u16 size, size_t offset)
{
	struct hvm_stat_def *d = &hvm_stat_defs[hvm_nr_stat_defs++];

	snprintf(d->name, sizeof(d->name), "%s%s", name, sfx);
	d->flags = flags;
	d->exponent = (flags & KVM_STATS_UNIT_MASK) == KVM_STATS_UNIT_SECONDS ?
		      -9 : 0;
	d->size = size;
	d->offset = offset;
}

static void hvm_stat_defs_build(void)
{
	unsigned int r;

	hvm_stat_def_add("exits", "", KVM_STATS_TYPE_CUMULATIVE, 1,
			 offsetof(struct hvm_vcpu_stats, exits));
	hvm_stat_def_add("user_exits", "", KVM_STATS_TYPE_CUMULATIVE, 1,
			 offsetof(struct hvm_vcpu_stats, user_exits));
	for (r = 0; r < HVM_EXIT_R_NR; r++) {
		const char *n = hvm_exit_reason_names[r];

		hvm_stat_def_add("exits_", n, KVM_STATS_TYPE_CUMULATIVE, 1,
				 offsetof(struct hvm_vcpu_stats, exit[r]));
		hvm_stat_def_add("exit_time_", n,
				 KVM_STATS_TYPE_CUMULATIVE | HVM_STAT_NS, 1,
				 offsetof(struct hvm_vcpu_stats, exit_ns[r]));
		hvm_stat_def_add("exit_hist_", n,
				 KVM_STATS_TYPE_LOG_HIST | HVM_STAT_NS,
				 HVM_HIST_BUCKETS,
				 offsetof(struct hvm_vcpu_stats, exit_hist[r]));
	}
	hvm_stat_def_add("user_time", "", KVM_STATS_TYPE_CUMULATIVE | HVM_STAT_NS,
			 1, offsetof(struct hvm_vcpu_stats, user_ns));
	hvm_stat_def_add("user_hist", "", KVM_STATS_TYPE_LOG_HIST | HVM_STAT_NS,
			 HVM_HIST_BUCKETS,
			 offsetof(struct hvm_vcpu_stats, user_hist));
}

/* The stats fd: one per KVM_GET_STATS_FD; holds a reference to the VM. */
struct hvm_stats_file {
	struct hvm_vm *vm;
	struct hvm_vcpu *vcpu;		/* NULL: the VM's sums */
	struct mutex lock;		/* the data part of buf */
	size_t data_offset;
	size_t size;
	u8 buf[];
};

#define HVM_STATS_DATA_SIZE	offsetof(struct hvm_vcpu_stats, user_tsc)

static void hvm_stats_file_fill(struct hvm_stats_file *sf, const char *id)
{
	struct kvm_stats_header *h = (void *)sf->buf;
	const size_t desc_size = sizeof(struct kvm_stats_desc) +
				 HVM_STATS_NAME_SIZE;
	unsigned int i;

	h->flags = 0;
	h->name_size = HVM_STATS_NAME_SIZE;
	h->num_desc = hvm_nr_stat_defs;
	h->id_offset = sizeof(*h);
	h->desc_offset = h->id_offset + HVM_STATS_NAME_SIZE;
	h->data_offset = h->desc_offset + hvm_nr_stat_defs * desc_size;
	strscpy(sf->buf + h->id_offset, id, HVM_STATS_NAME_SIZE);
	for (i = 0; i < hvm_nr_stat_defs; i++) {
		struct kvm_stats_desc *d = (void *)(sf->buf + h->desc_offset +
						    i * desc_size);
		const struct hvm_stat_def *def = &hvm_stat_defs[i];

		d->flags = def->flags;
		d->exponent = def->exponent;
		d->size = def->size;
		d->offset = def->offset;
		d->bucket_size = 0;
		strscpy(d->name, def->name, HVM_STATS_NAME_SIZE);
	}
	sf->data_offset = h->data_offset;
}

static ssize_t hvm_stats_read(struct file *file, char __user *user,
			      size_t size, loff_t *pos)
{
	struct hvm_stats_file *sf = file->private_data;
	struct hvm_vcpu_stats *sum;
	ssize_t r;

	mutex_lock(&sf->lock);
	if (*pos + size > sf->data_offset) {
		if (sf->vcpu) {
			const u64 *src = (const u64 *)&sf->vcpu->stats;
			u64 *dst = (u64 *)(sf->buf + sf->data_offset);
			size_t k;

			for (k = 0; k < HVM_STATS_DATA_SIZE / sizeof(u64); k++)
				dst[k] = READ_ONCE(src[k]);
		} else {
			sum = kmalloc(sizeof(*sum), GFP_KERNEL);
			if (!sum) {
				mutex_unlock(&sf->lock);
				return -ENOMEM;
			}
			hvm_stats_vm_sum(sf->vm, sum);
			memcpy(sf->buf + sf->data_offset, sum,
			       HVM_STATS_DATA_SIZE);
			kfree(sum);
		}
	}
	r = simple_read_from_buffer(user, size, pos, sf->buf, sf->size);
	mutex_unlock(&sf->lock);
	return r;
}

static int hvm_stats_release(struct inode *inode, struct file *file)
{
	struct hvm_stats_file *sf = file->private_data;

	hvm_vm_put(sf->vm);
	kvfree(sf);
	return 0;
}

static const struct file_operations hvm_stats_fops = {
	.owner = THIS_MODULE,
	.read = hvm_stats_read,
	.release = hvm_stats_release,
	.llseek = noop_llseek,
};

static int hvm_stats_fd(struct hvm_vm *vm, struct hvm_vcpu *vcpu)
{
	const size_t desc_size = sizeof(struct kvm_stats_desc) +
				 HVM_STATS_NAME_SIZE;
	struct hvm_stats_file *sf;
	char id[HVM_STATS_NAME_SIZE];
	struct file *file;
	size_t size;
	int fd;

	size = sizeof(struct kvm_stats_header) + HVM_STATS_NAME_SIZE +
	       hvm_nr_stat_defs * desc_size + HVM_STATS_DATA_SIZE;
	sf = kvzalloc(sizeof(*sf) + size, GFP_KERNEL_ACCOUNT);
	if (!sf)
		return -ENOMEM;
	sf->vm = vm;
	sf->vcpu = vcpu;
	sf->size = size;
	mutex_init(&sf->lock);
	if (vcpu)
		snprintf(id, sizeof(id), "hvm-%d/vcpu-%u", task_pid_nr(current),
			 vcpu->id);
	else
		snprintf(id, sizeof(id), "hvm-%d", task_pid_nr(current));
	hvm_stats_file_fill(sf, id);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		kvfree(sf);
		return fd;
	}
	file = anon_inode_getfile("hvm-stats", &hvm_stats_fops, sf, O_RDONLY);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		kvfree(sf);
		return PTR_ERR(file);
	}
	/* As KVM's stats fd: pread() at any offset. */
	file->f_mode |= FMODE_PREAD;
	kref_get(&vm->kref);
	fd_install(fd, file);
	return fd;
}

int hvm_vm_stats_fd(struct hvm_vm *vm)
{
	return hvm_stats_fd(vm, NULL);
}

int hvm_vcpu_stats_fd(struct hvm_vcpu *vcpu)
{
	return hvm_stats_fd(vcpu->vm, vcpu);
}

/* debugfs: hvmod/vm<id>/stats, "name value..." lines, VM then vCPUs. */
static void hvm_stats_print(struct seq_file *m, const char *prefix,
			    const struct hvm_vcpu_stats *st)
{
	unsigned int i, k;

	for (i = 0; i < hvm_nr_stat_defs; i++) {
		const struct hvm_stat_def *d = &hvm_stat_defs[i];
		const u64 *v = (const u64 *)((const u8 *)st + d->offset);

		seq_printf(m, "%s%s", prefix, d->name);
		for (k = 0; k < d->size; k++)
			seq_printf(m, " %llu", READ_ONCE(v[k]));
		seq_putc(m, '\n');
	}
}

static int hvm_vm_stats_show(struct seq_file *m, void *unused)
{
	struct hvm_vm *vm = m->private;
	struct hvm_vcpu_stats *sum;
	char prefix[24];
	unsigned int i;

	sum = kmalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum)
		return -ENOMEM;
	hvm_stats_vm_sum(vm, sum);
	hvm_stats_print(m, "", sum);
	kfree(sum);
	mutex_lock(&vm->lock);
	for (i = 0; i < vm->nr_vcpus; i++) {
		snprintf(prefix, sizeof(prefix), "vcpu%u.", vm->vcpus[i]->id);
		hvm_stats_print(m, prefix, &vm->vcpus[i]->stats);
	}
	mutex_unlock(&vm->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvm_vm_stats);

void hvm_vm_obs_add(struct hvm_vm *vm)
{
	char name[16];

	vm->obs.pid = task_tgid_nr(current);
	vm->obs.rate = 1000;
	mutex_lock(&hvm_vm_list_lock);
	vm->obs.id = ++hvm_vm_next_id;
	list_add_tail(&vm->obs.node, &hvm_vm_list);
	mutex_unlock(&hvm_vm_list_lock);
	/*
	 * debugfs removal (hvm_vm_obs_del) waits for readers in the show
	 * function and fails later ones: the VM outlives every access.
	 */
	if (!hvm_stats_debugfs)
		return;
	snprintf(name, sizeof(name), "vm%u", vm->obs.id);
	vm->obs.debugfs = debugfs_create_dir(name, hvm_stats_debugfs);
	debugfs_create_file("stats", 0400, vm->obs.debugfs, vm,
			    &hvm_vm_stats_fops);
}

void hvm_vm_obs_del(struct hvm_vm *vm)
{
	debugfs_remove_recursive(vm->obs.debugfs);
	mutex_lock(&hvm_vm_list_lock);
	list_del(&vm->obs.node);
	mutex_unlock(&hvm_vm_list_lock);
}

int hvm_stats_init(void)
{
	u32 khz = tsc_khz ? tsc_khz : 1000000;

	hvm_tsc_mult = div_u64(1000000ULL << HVM_TSC_SHIFT, khz);
	hvm_stat_defs_build();
	hvm_stats_debugfs = debugfs_lookup("hvmod", NULL);
	return 0;
}

void hvm_stats_exit(void)
{
	dput(hvm_stats_debugfs);
}
