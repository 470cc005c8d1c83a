/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libhvm: thin helpers over the KVM ioctl ABI that /dev/hvm speaks, so the
 * same code drives /dev/hvm and /dev/kvm. Functions return -errno on
 * failure.
 */
#ifndef HVM_LIB_H
#define HVM_LIB_H

#include <linux/kvm.h>

#define HVM_DEFAULT_DEV	"/dev/hvm"

struct hvm_vcpu_handle {
	int fd;
	unsigned int id;
	struct kvm_run *run;
	size_t run_size;
};

int hvm_dev_open(const char *path);
int hvm_ioctl(int fd, unsigned long req, unsigned long arg);
int hvm_vm_create(int devfd);
int hvm_vcpu_open(int devfd, int vmfd, unsigned int id,
		  struct hvm_vcpu_handle *vcpu);
void hvm_vcpu_close(struct hvm_vcpu_handle *vcpu);

struct hvm_cap_name {
	int cap;
	const char *name;
};

/* KVM capabilities hvtool knows by name, for "hvtool info". */
extern const struct hvm_cap_name hvm_cap_names[];

#endif /* HVM_LIB_H */
