// SPDX-License-Identifier: GPL-2.0-only
/* libhvm: device, VM and vCPU set-up over the KVM ioctl ABI. */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hvm.h"

#define CAP(x) { KVM_CAP_##x, #x }
const struct hvm_cap_name hvm_cap_names[] = {
	CAP(NR_VCPUS), CAP(MAX_VCPUS), CAP(MAX_VCPU_ID),
	CAP(CHECK_EXTENSION_VM), CAP(USER_MEMORY), CAP(NR_MEMSLOTS),
	CAP(IMMEDIATE_EXIT), CAP(IRQCHIP), CAP(SET_TSS_ADDR),
	CAP(EXT_CPUID), CAP(MP_STATE), CAP(VCPU_EVENTS), CAP(XSAVE),
	CAP(READONLY_MEM), CAP(GET_MSR_FEATURES), CAP(X86_USER_SPACE_MSR),
	CAP(SET_GUEST_DEBUG), CAP(BINARY_STATS_FD),
	{ 0, NULL },
};

int hvm_ioctl(int fd, unsigned long req, unsigned long arg)
{
	int r = ioctl(fd, req, arg);

	return r < 0 ? -errno : r;
}

int hvm_dev_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int hvm_vm_create(int devfd)
{
	return hvm_ioctl(devfd, KVM_CREATE_VM, 0);
}

int hvm_vcpu_open(int devfd, int vmfd, unsigned int id,
		  struct hvm_vcpu_handle *vcpu)
{
	int size, r;
	void *run;

	size = hvm_ioctl(devfd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		return size;
	r = hvm_ioctl(vmfd, KVM_CREATE_VCPU, id);
	if (r < 0)
		return r;
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, r, 0);
	if (run == MAP_FAILED) {
		int err = -errno;

		close(r);
		return err;
	}
	vcpu->fd = r;
	vcpu->id = id;
	vcpu->run = run;
	vcpu->run_size = size;
	return 0;
}

void hvm_vcpu_close(struct hvm_vcpu_handle *vcpu)
{
	munmap(vcpu->run, vcpu->run_size);
	close(vcpu->fd);
}
