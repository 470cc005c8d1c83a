// SPDX-License-Identifier: GPL-2.0-only
/*
 * exit_obs: hvmod's own exit instrumentation, run against /dev/hvm only:
 * KVM's tracepoints (kvm:kvm_exit...), stats names and KVM's lack of a
 * netlink family differ, so KVM is no oracle here. The guest
 * (guest/exit_stats.S) makes EXIT_CPUID_COUNT CPUIDs of one leaf, then
 * a report (OUT) and HLT.
 *
 *   histograms   exits_cpuid is exactly the guest's CPUIDs, the handling
 *                histogram holds as many samples, the userspace round
 *                trip histogram one per completed KVM_RUN round trip;
 *                the VM fd sums its vCPU; debugfs shows the same counts
 *   tracepoint   hvmod/hvm_cpuid enabled through tracefs: one event per
 *                CPUID, with the guest's leaf and this VM's id
 *   netlink      a privileged subscriber of group "exits" sees sampled
 *                CPUID exits of its VM with a RIP in the guest's code;
 *                GET_STATS answers; a process without capabilities
 *                (setuid nobody) is refused the group and the ops
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "guest_harness.h"
#include "hvm_test.h"
#include "stats_fd.h"
#include "guest/exit_stats.h"
#include "../kmod/hvm_netlink.h"

/* TEST() bodies get an unused "variant" parameter. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

GUEST_CODE_DECLARE(exit_cpuid);

#define REASON_CPUID	4U	/* HVMOD_EXIT_REASON_NAMES[4] */
#define TRACEFS		"/sys/kernel/tracing"
#define DEBUGFS		"/sys/kernel/debug"

static uint64_t hist_sum(struct stats_fd *s, const char *name)
{
	struct kvm_stats_desc *d = stats_find(s, name);
	uint64_t v[64] = { 0 }, sum = 0;
	unsigned int i;

	if (!d || d->size > 64 || stats_read(s, d, v, d->size))
		return UINT64_MAX;
	for (i = 0; i < d->size; i++)
		sum += v[i];
	return sum;
}

/* Runs the guest to its HLT: 2 KVM_RUNs (report, HLT). */
static void run_guest(struct __test_metadata *_metadata, struct guest_vm *vm)
{
	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(exit_cpuid));
	ASSERT_REPORT(vm, 1);
	ASSERT_HALTED_AT(vm, GUEST_GPA(exit_cpuid, exit_cpuid_end));
}

/* The value of line "@name v" in the debugfs stats of a VM, or -1. */
static long long debugfs_value(const char *path, const char *name)
{
	char line[512], key[64];
	long long v = -1, x;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", key, &x) == 2 && !strcmp(key, name))
			v = x;
	fclose(f);
	return v;
}

TEST(histograms)
{
	struct guest_vm *vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	struct stats_fd s, vs;
	char path[300];
	struct dirent *de;
	bool found = false;
	DIR *dir;
	int fd;

	fd = ioctl(vm->vcpu, KVM_GET_STATS_FD, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, stats_open(&s, fd));
	fd = ioctl(vm->vm, KVM_GET_STATS_FD, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, stats_open(&vs, fd));
	run_guest(_metadata, vm);

	EXPECT_EQ((uint64_t)EXIT_CPUID_COUNT, stats_get(&s, "exits_cpuid"));
	EXPECT_EQ((uint64_t)EXIT_CPUID_COUNT, hist_sum(&s, "exit_hist_cpuid"));
	EXPECT_LE((uint64_t)1, stats_get(&s, "exits_io"));
	EXPECT_EQ((uint64_t)1, stats_get(&s, "exits_hlt"));
	EXPECT_LT((uint64_t)0, stats_get(&s, "exit_time_cpuid"));
	/* Two KVM_RUNs returned; one round trip (report -> HLT) closed. */
	EXPECT_EQ((uint64_t)2, stats_get(&s, "user_exits"));
	EXPECT_EQ((uint64_t)1, hist_sum(&s, "user_hist"));
	EXPECT_EQ(stats_get(&s, "exits"), stats_get(&vs, "exits"));
	EXPECT_EQ((uint64_t)EXIT_CPUID_COUNT, stats_get(&vs, "exits_cpuid"));
	EXPECT_EQ((uint64_t)EXIT_CPUID_COUNT, hist_sum(&vs, "exit_hist_cpuid"));

	/* debugfs: the one VM directory whose counts are ours. */
	mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	dir = opendir(DEBUGFS "/hvmod");
	ASSERT_NE(NULL, dir) TH_LOG("%s/hvmod: %s", DEBUGFS, strerror(errno));
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "vm", 2))
			continue;
		snprintf(path, sizeof(path), DEBUGFS "/hvmod/%s/stats",
			 de->d_name);
		if (debugfs_value(path, "exits") == (long long)stats_get(&s, "exits") &&
		    debugfs_value(path, "exits_cpuid") == EXIT_CPUID_COUNT &&
		    debugfs_value(path, "vcpu0.exits_cpuid") == EXIT_CPUID_COUNT)
			found = true;
	}
	closedir(dir);
	EXPECT_TRUE(found) TH_LOG("no debugfs VM with our counts");
	stats_close(&s);
	stats_close(&vs);
	vm_destroy(vm);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

TEST(tracepoint)
{
	struct guest_vm *vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	char line[1024], want[64];
	unsigned int count = 0, other = 0;
	struct stat st;
	FILE *f;

	if (stat(TRACEFS "/events", &st))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	ASSERT_EQ(0, stat(TRACEFS "/events/hvmod/hvm_cpuid", &st))
		TH_LOG("no hvmod events in %s", TRACEFS);
	ASSERT_EQ(0, stat(TRACEFS "/events/hvmod/hvm_exit/format", &st));
	ASSERT_EQ(0, write_file(TRACEFS "/trace", ""));
	ASSERT_EQ(0, write_file(TRACEFS "/events/hvmod/hvm_cpuid/enable", "1"));
	run_guest(_metadata, vm);
	ASSERT_EQ(0, write_file(TRACEFS "/events/hvmod/hvm_cpuid/enable", "0"));

	snprintf(want, sizeof(want), "leaf 0x%x subleaf 0x0 ", EXIT_CPUID_LEAF);
	f = fopen(TRACEFS "/trace", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || !strstr(line, "hvm_cpuid:"))
			continue;
		if (strstr(line, want))
			count++;
		else
			other++;
	}
	fclose(f);
	EXPECT_EQ((unsigned int)EXIT_CPUID_COUNT, count);
	EXPECT_EQ(0U, other);
	vm_destroy(vm);
}

/* Generic netlink over a raw socket. */
struct nl_msg {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	char attrs[512];
};

static void nl_put(struct nl_msg *m, uint16_t type, const void *data,
		   uint16_t len)
{
	struct nlattr *a = (void *)((char *)m + NLMSG_ALIGN(m->nlh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh.nlmsg_len = NLMSG_ALIGN(m->nlh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void nl_init(struct nl_msg *m, uint16_t family, uint8_t cmd,
		    uint16_t flags)
{
	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = family;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	m->nlh.nlmsg_seq = 1;
	m->genl.cmd = cmd;
	m->genl.version = 1;
}

/* Attribute @type at top level of a genl message, or NULL. */
static struct nlattr *nl_attr(struct nlmsghdr *nlh, uint16_t type)
{
	int len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	struct nlattr *a = (void *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);

	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		len -= NLA_ALIGN(a->nla_len);
		a = (void *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return NULL;
}

static void *nla_data(struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static uint32_t nl_u32(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *a = nl_attr(nlh, type);
	uint32_t v = UINT32_MAX;

	if (a)
		memcpy(&v, nla_data(a), 4);
	return v;
}

static uint64_t nl_u64(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *a = nl_attr(nlh, type);
	uint64_t v = UINT64_MAX;

	if (a)
		memcpy(&v, nla_data(a), 8);
	return v;
}

/*
 * Bound at once: an unbound netlink socket has port id 0, the kernel's
 * own, and multicasts from the kernel skip that port.
 */
static int nl_socket(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 2 };
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (s < 0)
		return -errno;
	if (bind(s, (struct sockaddr *)&addr, sizeof(addr))) {
		close(s);
		return -errno;
	}
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return s;
}

/*
 * Sends @m, receives the answer into @buf: > 0 bytes of a reply, or
 * -errno of an error ack (0: a bare ack).
 */
static int nl_call(int s, struct nl_msg *m, char *buf, size_t size)
{
	struct nlmsghdr *nlh = (void *)buf;
	int n;

	if (send(s, m, m->nlh.nlmsg_len, 0) < 0)
		return -errno;
	n = recv(s, buf, size, 0);
	if (n < 0)
		return -errno;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
	return n;
}

/* The family id and the "exits" group id; 0, or -errno. */
static int nl_resolve(int s, uint16_t *family, uint32_t *group)
{
	static char buf[8192];
	struct nlmsghdr *nlh = (void *)buf;
	struct nlattr *grps, *g;
	struct nl_msg m;
	int n, len;

	nl_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	nl_put(&m, CTRL_ATTR_FAMILY_NAME, HVMOD_GENL_NAME,
	       sizeof(HVMOD_GENL_NAME));
	n = nl_call(s, &m, buf, sizeof(buf));
	if (n <= 0)
		return n ? n : -EPROTO;
	*family = nl_u32(nlh, CTRL_ATTR_FAMILY_ID) & 0xffff;
	*group = 0;
	grps = nl_attr(nlh, CTRL_ATTR_MCAST_GROUPS);
	if (!grps)
		return -ENOENT;
	len = grps->nla_len - NLA_HDRLEN;
	g = nla_data(grps);
	/* One nested group: its ID and NAME attributes. */
	while (len >= NLA_HDRLEN) {
		struct nlattr *a = nla_data(g);
		int alen = g->nla_len - NLA_HDRLEN;

		while (alen >= NLA_HDRLEN) {
			if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				memcpy(group, nla_data(a), 4);
			alen -= NLA_ALIGN(a->nla_len);
			a = (void *)((char *)a + NLA_ALIGN(a->nla_len));
		}
		len -= NLA_ALIGN(g->nla_len);
		g = (void *)((char *)g + NLA_ALIGN(g->nla_len));
	}
	return *group ? 0 : -ENOENT;
}

/* Our VM's id from HVMOD_CMD_LIST_VMS (the newest VM of this pid). */
static int nl_our_vm(int s, uint16_t family, uint32_t *vm_id)
{
	static char buf[32768];
	struct nl_msg m;
	int n, found = -ENOENT;

	nl_init(&m, family, HVMOD_CMD_LIST_VMS, NLM_F_DUMP);
	if (send(s, &m, m.nlh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *nlh = (void *)buf;

		n = recv(s, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (; NLMSG_OK(nlh, (unsigned int)n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				return found;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
			if (nl_u32(nlh, HVMOD_A_PID) == (uint32_t)getpid()) {
				*vm_id = nl_u32(nlh, HVMOD_A_VM_ID);
				found = 0;
			}
		}
	}
}

TEST(netlink)
{
	struct guest_vm *vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	uint64_t code_lo = GUEST_CODE_GPA, code_hi;
	static char buf[16384];
	unsigned int events = 0;
	uint32_t group, vm_id = 0, sample = 1;
	uint16_t family;
	struct nl_msg m;
	int s, ev, n;

	code_hi = GUEST_GPA(exit_cpuid, exit_cpuid_end);
	s = nl_socket();
	ASSERT_LE(0, s);
	ASSERT_EQ(0, nl_resolve(s, &family, &group));
	ASSERT_EQ(0, nl_our_vm(s, family, &vm_id));

	/* Bad requests: no VM id, an unknown VM. */
	nl_init(&m, family, HVMOD_CMD_SET_SAMPLE, NLM_F_ACK);
	nl_put(&m, HVMOD_A_SAMPLE, &sample, 4);
	EXPECT_EQ(-EINVAL, nl_call(s, &m, buf, sizeof(buf)));
	nl_init(&m, family, HVMOD_CMD_GET_STATS, 0);
	n = 0x7fffffff;
	nl_put(&m, HVMOD_A_VM_ID, &n, 4);
	EXPECT_EQ(-ENOENT, nl_call(s, &m, buf, sizeof(buf)));

	nl_init(&m, family, HVMOD_CMD_SET_SAMPLE, NLM_F_ACK);
	nl_put(&m, HVMOD_A_VM_ID, &vm_id, 4);
	nl_put(&m, HVMOD_A_SAMPLE, &sample, 4);
	ASSERT_EQ(0, nl_call(s, &m, buf, sizeof(buf)));

	ev = nl_socket();
	ASSERT_LE(0, ev);
	ASSERT_EQ(0, setsockopt(ev, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&group, sizeof(group)));
	n = 1 << 20;
	setsockopt(ev, SOL_SOCKET, SO_RCVBUF, &n, sizeof(n));
	run_guest(_metadata, vm);
	/*
	 * Events come from a work item: read until 2 s of silence. A
	 * receive buffer overrun (ENOBUFS) loses events, not the test.
	 */
	for (;;) {
		struct nlmsghdr *nlh = (void *)buf;

		n = recv(ev, buf, sizeof(buf), 0);
		if (n < 0 && errno == ENOBUFS) {
			TH_LOG("receive buffer overrun: events lost");
			continue;
		}
		if (n <= 0)
			break;

		for (; NLMSG_OK(nlh, (unsigned int)n); nlh = NLMSG_NEXT(nlh, n)) {
			uint64_t rip = nl_u64(nlh, HVMOD_A_RIP);

			if (nl_u32(nlh, HVMOD_A_VM_ID) != vm_id ||
			    nl_u32(nlh, HVMOD_A_REASON) != REASON_CPUID)
				continue;
			EXPECT_EQ(0U, nl_u32(nlh, HVMOD_A_VCPU_ID));
			EXPECT_TRUE(rip >= code_lo && rip < code_hi)
				TH_LOG("rip %#llx", (unsigned long long)rip);
			EXPECT_NE(UINT64_MAX, nl_u64(nlh, HVMOD_A_TIMESTAMP_NS));
			EXPECT_NE(UINT64_MAX, nl_u64(nlh, HVMOD_A_HANDLE_NS));
			EXPECT_NE(UINT64_MAX, nl_u64(nlh, HVMOD_A_DROPPED));
			EXPECT_EQ(host_cpu_is_amd() ? 0x72U : 0U,
				  nl_u32(nlh, HVMOD_A_CODE) &
				  (host_cpu_is_amd() ? 0xffffU : 0U));
			events++;
		}
	}
	/* Rate limit 1000/s per vCPU by default: all 100 fit. */
	EXPECT_LT(0U, events) TH_LOG("VM %u: no CPUID event", vm_id);
	EXPECT_GE((unsigned int)EXIT_CPUID_COUNT, events);

	nl_init(&m, family, HVMOD_CMD_GET_STATS, 0);
	nl_put(&m, HVMOD_A_VM_ID, &vm_id, 4);
	n = nl_call(s, &m, buf, sizeof(buf));
	ASSERT_LT(0, n) TH_LOG("GET_STATS: %s", strerror(-n));
	EXPECT_EQ(vm_id, nl_u32((void *)buf, HVMOD_A_VM_ID));
	EXPECT_LE((uint64_t)EXIT_CPUID_COUNT + 2, nl_u64((void *)buf, HVMOD_A_EXITS));
	EXPECT_EQ((uint64_t)2, nl_u64((void *)buf, HVMOD_A_USER_EXITS));
	close(ev);
	close(s);
	vm_destroy(vm);
}

/*
 * Without capabilities (uid nobody): GENL_ADMIN_PERM ops fail with
 * -EPERM, joining the group (GENL_MCAST_CAP_SYS_ADMIN) with EPERM.
 */
TEST(netlink_unprivileged)
{
	uint32_t group;
	uint16_t family;
	pid_t pid;
	int s, status;

	s = nl_socket();
	ASSERT_LE(0, s);
	ASSERT_EQ(0, nl_resolve(s, &family, &group));
	close(s);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		static char buf[8192];
		struct nl_msg m;
		uint32_t id;
		int r = 0;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		s = nl_socket();
		if (s < 0)
			_exit(11);
		if (!setsockopt(s, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&group, sizeof(group)) || errno != EPERM)
			r |= 1;
		nl_init(&m, family, HVMOD_CMD_LIST_VMS, NLM_F_DUMP);
		if (nl_call(s, &m, buf, sizeof(buf)) != -EPERM)
			r |= 2;
		id = 1;
		nl_init(&m, family, HVMOD_CMD_GET_STATS, 0);
		nl_put(&m, HVMOD_A_VM_ID, &id, 4);
		if (nl_call(s, &m, buf, sizeof(buf)) != -EPERM)
			r |= 4;
		_exit(r);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("1: group joined, 2: LIST_VMS allowed, 4: GET_STATS allowed");
}

TEST_HARNESS_MAIN
