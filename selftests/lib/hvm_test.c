// SPDX-License-Identifier: GPL-2.0-only
/*
 * Small helpers shared by the hvmod selftests.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "hvm_test.h"

/* /dev/kvm is the misc device 10:232 (KVM_MINOR). */
#define KVM_MISC_MAJOR	10
#define KVM_MISC_MINOR	232

const char *dev_path(void)
{
	const char *path = getenv("HVM_DEV");

	return path && *path ? path : HVM_DEV_DEFAULT;
}

bool path_is_kvm(const char *path)
{
	const char *base;
	struct stat st;

	if (!stat(path, &st) && S_ISCHR(st.st_mode))
		return major(st.st_rdev) == KVM_MISC_MAJOR &&
		       minor(st.st_rdev) == KVM_MISC_MINOR;

	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return !strcmp(base, "kvm");
}

bool dev_is_hvm(void)
{
	return !path_is_kvm(dev_path());
}

const char *dev_label(void)
{
	return dev_is_hvm() ? "hvm" : "kvm";
}

int dev_open_path(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int dev_open(void)
{
	return dev_open_path(dev_path());
}

long ioctl_value(int fd, unsigned long req, unsigned long arg)
{
	long ret = ioctl(fd, req, arg);

	return ret < 0 ? -errno : ret;
}

int ioctl_errno(int fd, unsigned long req, unsigned long arg)
{
	return ioctl(fd, req, arg) < 0 ? errno : 0;
}

int vm_create(int devfd)
{
	return ioctl_value(devfd, KVM_CREATE_VM, 0);
}

int vcpu_create(int vmfd, unsigned long id)
{
	return ioctl_value(vmfd, KVM_CREATE_VCPU, id);
}

long check_cap(int fd, long cap)
{
	return ioctl_value(fd, KVM_CHECK_EXTENSION, cap);
}

long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

unsigned char read_byte(const void *p)
{
	/* An atomic load is never optimized away, as READ_ONCE(). */
	return __atomic_load_n((const unsigned char *)p, __ATOMIC_RELAXED);
}

static int store_object(struct hvm_objects *objs, const char *key, long val)
{
	if (!strcmp(key, "vms"))
		objs->vms = val;
	else if (!strcmp(key, "vcpus"))
		objs->vcpus = val;
	else if (!strcmp(key, "pages"))
		objs->pages = val;
	else if (!strcmp(key, "pinned"))
		objs->pinned = val;
	else if (!strcmp(key, "large_mappings"))
		objs->large_mappings = val;
	else
		return 0;
	return 1;
}

int read_hvm_objects(struct hvm_objects *objs)
{
	char line[128], key[32];
	int found = 0;
	FILE *f;
	long val;

	f = fopen(HVM_OBJECTS_PATH, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %ld", key, &val) == 2)
			found += store_object(objs, key, val);
	fclose(f);
	return found == 5 ? 0 : -EINVAL;
}

long meminfo_kib(const char *field)
{
	size_t len = strlen(field);
	char line[128];
	long val = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			val = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

long meminfo_available_kib(void)
{
	return meminfo_kib("MemAvailable");
}

long meminfo_slab_kib(void)
{
	return meminfo_kib("Slab");
}

static int write_string(const char *path, const char *s)
{
	ssize_t len = strlen(s), n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	close(fd);
	return n == len ? 0 : -EIO;
}

/* Frees the empty slabs each cache keeps (also the per-CPU partial ones). */
static void shrink_slab_caches(void)
{
	char path[320];
	struct dirent *d;
	DIR *dir;

	dir = opendir("/sys/kernel/slab");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		/* Skip ".", ".." and the aliases (symlinks). */
		if (d->d_name[0] == '.' || d->d_type == DT_LNK)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 d->d_name);
		write_string(path, "1\n");
	}
	closedir(dir);
}

/*
 * Freed pages wait on per-CPU lists, which MemFree and MemAvailable do not
 * count: up to the zone's low watermark (about 5 MiB with 1 GiB of RAM),
 * more than a leak budget.  /proc/zoneinfo shows them ("count:" of each
 * CPU's pageset); they are added back.
 */
static long pcp_pages(void)
{
	char line[128];
	long count, total = 0;
	FILE *f;

	f = fopen("/proc/zoneinfo", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &count) == 1)
			total += count;
	fclose(f);
	return total;
}

int mem_sample_take(struct mem_sample *sample)
{
	long pcp_kib;

	sync();
	/* Not fatal if these fail: they only reduce noise. */
	write_string("/proc/sys/vm/drop_caches", "3\n");
	/* Let RCU callbacks free what they hold, then drop empty slabs. */
	usleep(500 * 1000);
	shrink_slab_caches();
	/* Fold the per-CPU counter deltas into the global counters. */
	write_string("/proc/sys/vm/stat_refresh", "1\n");

	pcp_kib = pcp_pages() * (page_size() / 1024);
	sample->avail_kib = meminfo_available_kib();
	sample->slab_kib = meminfo_slab_kib();
	if (sample->avail_kib < 0 || sample->slab_kib < 0)
		return -1;
	sample->avail_kib += pcp_kib;
	return 0;
}

long env_long(const char *name, long def)
{
	const char *s = getenv(name);
	char *end;
	long val;

	if (!s || !*s)
		return def;
	val = strtol(s, &end, 0);
	return *end ? def : val;
}

bool module_loaded(void)
{
	return !access("/sys/module/" HVM_MODULE_NAME, F_OK);
}

int module_unload(void)
{
	if (syscall(SYS_delete_module, HVM_MODULE_NAME, O_NONBLOCK))
		return errno;
	return 0;
}

static void wait_for_dev_node(void)
{
	int i;

	for (i = 0; i < 50 && access(dev_path(), F_OK); i++)
		usleep(100 * 1000);
}

int module_load(void)
{
	const char *path = getenv("HVM_MODULE");
	int fd, err = 0;

	if (!path || !*path)
		path = HVM_MODULE_DEFAULT;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = errno;
	close(fd);
	if (!err)
		wait_for_dev_node();
	return err;
}

int wait_child(int pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
