/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by the hvmod selftests.
 *
 * The device under test comes from the environment variable HVM_DEV
 * (default /dev/hvm).  The same binaries run against /dev/kvm, which is
 * the reference for semantics and errno values.
 */
#ifndef HVM_TEST_H
#define HVM_TEST_H

#include <stdbool.h>
#include <linux/kvm.h>

#define HVM_DEV_DEFAULT		"/dev/hvm"
#define KVM_DEV_PATH		"/dev/kvm"
#define HVM_OBJECTS_PATH	"/sys/kernel/debug/hvmod/objects"
#define HVM_MODULE_NAME		"hvmod"
#define HVM_MODULE_DEFAULT	"/hvmod/hvmod.ko"

/* Live object counters exported by hvmod in debugfs. */
struct hvm_objects {
	long vms;
	long vcpus;
	long pages;
	long pinned;
	long large_mappings;	/* 2 MiB nested leaves */
};

/* Device under test. */
const char *dev_path(void);
const char *dev_label(void);
bool dev_is_hvm(void);
bool path_is_kvm(const char *path);

/* These return a file descriptor, or -errno on failure. */
int dev_open(void);
int dev_open_path(const char *path);
int vm_create(int devfd);
int vcpu_create(int vmfd, unsigned long id);

/* Returns 0 if the ioctl succeeded, else its errno. */
int ioctl_errno(int fd, unsigned long req, unsigned long arg);
/* Returns the ioctl's value, or -errno on failure. */
long ioctl_value(int fd, unsigned long req, unsigned long arg);

long check_cap(int fd, long cap);
long page_size(void);
/* Reads a byte the compiler may not optimize away (faults in a page). */
unsigned char read_byte(const void *p);

/* Returns 0, or -errno if the counters cannot be read. */
int read_hvm_objects(struct hvm_objects *objs);

/* /proc/meminfo field in KiB, or -1. */
long meminfo_kib(const char *field);
long meminfo_available_kib(void);
long meminfo_slab_kib(void);

/*
 * MemAvailable (plus the free pages waiting on per-CPU lists) and Slab, in
 * KiB, taken after letting deferred frees settle so that two samples can
 * be compared.
 */
struct mem_sample {
	long avail_kib;
	long slab_kib;
};

/* Returns 0, or -1 if /proc/meminfo cannot be read. */
int mem_sample_take(struct mem_sample *sample);

long env_long(const char *name, long def);

/* Exit status of a child, 128 + signal if it was killed, -1 on error. */
int wait_child(int pid);

/* Module handling for the rmmod test: each returns 0 or an errno. */
bool module_loaded(void);
int module_unload(void);
int module_load(void);

#endif /* HVM_TEST_H */
