// SPDX-License-Identifier: GPL-2.0-only
/*
 * exit_stats: KVM_GET_STATS_FD in KVM's binary format (api.rst 4.133),
 * read by one reader (lib/stats_fd.h) on /dev/kvm and /dev/hvm:
 * KVM_CAP_BINARY_STATS_FD is 1; the VM and vCPU fds have a sane header
 * (offsets in order, an id string), descriptors with unique non-empty
 * names and valid type/unit/base, data inside the file; the vCPU's
 * "exits" counter (both have one) grows by at least the guest's
 * EXIT_CPUID_COUNT CPUIDs (guest/exit_stats.S) plus its report.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>

#include "guest_harness.h"
#include "hvm_test.h"
#include "stats_fd.h"
#include "guest/exit_stats.h"

/* TEST() bodies get an unused "variant" parameter. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

GUEST_CODE_DECLARE(exit_cpuid);

/* Checks every structural rule of the format on @fd (consumed). */
static void check_format(struct __test_metadata *_metadata, int fd,
			 bool vcpu)
{
	struct stats_fd s;
	uint64_t end = 0;
	unsigned int i, j;
	char buf[8];

	ASSERT_LE(0, fd) TH_LOG("KVM_GET_STATS_FD: %s", strerror(-fd));
	/* KVM's stats fd is read-only and close-on-exec. */
	EXPECT_EQ(O_RDONLY, fcntl(fd, F_GETFL) & O_ACCMODE);
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(0, stats_open(&s, fd));
	EXPECT_EQ(0U, s.hdr.flags);
	EXPECT_LT(0U, s.hdr.num_desc);
	EXPECT_LE(sizeof(s.hdr), s.hdr.id_offset);
	EXPECT_LE(s.hdr.id_offset + s.hdr.name_size, s.hdr.desc_offset);
	EXPECT_LE(s.hdr.desc_offset + s.hdr.num_desc * s.desc_size,
		  s.hdr.data_offset);
	/* The id: NUL-terminated within name_size, not empty. */
	EXPECT_LT(0UL, strlen(s.id));
	EXPECT_GT(s.hdr.name_size, strlen(s.id));
	if (vcpu)
		EXPECT_NE(NULL, strstr(s.id, "vcpu-")) TH_LOG("id %s", s.id);
	for (i = 0; i < s.hdr.num_desc; i++) {
		struct kvm_stats_desc *d = stats_desc(&s, i);
		uint32_t type = d->flags & KVM_STATS_TYPE_MASK;

		EXPECT_LT(0UL, strlen(d->name));
		EXPECT_GT(s.hdr.name_size, strnlen(d->name, s.hdr.name_size))
			TH_LOG("descriptor %u: name not terminated", i);
		EXPECT_LE(type, (uint32_t)KVM_STATS_TYPE_MAX) TH_LOG("%s", d->name);
		EXPECT_LE(d->flags & KVM_STATS_UNIT_MASK, (uint32_t)KVM_STATS_UNIT_MAX)
			TH_LOG("%s", d->name);
		EXPECT_LE(d->flags & KVM_STATS_BASE_MASK, (uint32_t)KVM_STATS_BASE_MAX)
			TH_LOG("%s", d->name);
		EXPECT_LT(0, d->size) TH_LOG("%s", d->name);
		EXPECT_EQ(0UL, d->offset % sizeof(uint64_t)) TH_LOG("%s", d->name);
		if (type == KVM_STATS_TYPE_LINEAR_HIST) {
			EXPECT_LT(0U, d->bucket_size) TH_LOG("%s", d->name);
		} else {
			EXPECT_EQ(0U, d->bucket_size) TH_LOG("%s", d->name);
		}
		if (d->offset + d->size * sizeof(uint64_t) > end)
			end = d->offset + d->size * sizeof(uint64_t);
		for (j = 0; j < i; j++)
			EXPECT_NE(0, strcmp(d->name, stats_desc(&s, j)->name))
				TH_LOG("duplicate name %s", d->name);
	}
	/* Every value is readable; the file ends with the data. */
	for (i = 0; i < s.hdr.num_desc; i++) {
		struct kvm_stats_desc *d = stats_desc(&s, i);
		uint64_t *v = calloc(d->size, sizeof(*v));

		EXPECT_EQ(0, stats_read(&s, d, v, d->size)) TH_LOG("%s", d->name);
		free(v);
	}
	EXPECT_EQ(0L, pread(fd, buf, sizeof(buf), s.hdr.data_offset + end));
	stats_close(&s);
}

TEST(capability)
{
	int dev = dev_open();

	ASSERT_LE(0, dev);
	EXPECT_EQ(1, check_cap(dev, KVM_CAP_BINARY_STATS_FD));
	close(dev);
}

TEST(vm_format)
{
	struct guest_vm *vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	int fd = ioctl(vm->vm, KVM_GET_STATS_FD, 0);

	check_format(_metadata, fd < 0 ? -errno : fd, false);
	vm_destroy(vm);
}

TEST(vcpu_format)
{
	struct guest_vm *vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	int fd = ioctl(vm->vcpu, KVM_GET_STATS_FD, 0);

	check_format(_metadata, fd < 0 ? -errno : fd, true);
	vm_destroy(vm);
}

/* "exits" grows by the guest's exits: its CPUIDs, its OUT, its HLT. */
TEST(exits_grow)
{
	struct guest_vm *vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	uint64_t before, after_report, after_hlt;
	struct stats_fd s;
	int fd = ioctl(vm->vcpu, KVM_GET_STATS_FD, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, stats_open(&s, fd));
	before = stats_get(&s, "exits");
	ASSERT_NE(UINT64_MAX, before) TH_LOG("no \"exits\" statistic");
	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(exit_cpuid));
	ASSERT_REPORT(vm, 1);
	after_report = stats_get(&s, "exits");
	EXPECT_LE(before + EXIT_CPUID_COUNT + 1ULL, after_report)
		TH_LOG("before %llu after %llu", (unsigned long long)before,
		       (unsigned long long)after_report);
	ASSERT_HALTED_AT(vm, GUEST_GPA(exit_cpuid, exit_cpuid_end));
	after_hlt = stats_get(&s, "exits");
	EXPECT_LT(after_report, after_hlt);
	stats_close(&s);
	vm_destroy(vm);
}

TEST_HARNESS_MAIN
