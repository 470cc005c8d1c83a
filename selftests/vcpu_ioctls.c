// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu_ioctls: the state ioctls userspace uses around a vCPU, without
 * running guest code:
 *
 * - KVM_GET_MSR_INDEX_LIST (system fd): E2BIG with the count written back
 *   when the list does not fit, the list when it does; every listed MSR
 *   can be read with KVM_GET_MSRS.  hvmod's list is smaller than KVM's:
 *   only properties are compared, never the lists.
 * - KVM_GET_MSRS / KVM_SET_MSRS: round trip of the syscall, SYSENTER, PAT,
 *   EFER and TSC MSRs; the value is the number of entries processed, and
 *   processing stops at the first entry that fails; nmsrs limit (E2BIG)
 *   and EFAULT.
 * - KVM_SET_CPUID2 / KVM_GET_CPUID2: round trip, E2BIG limits.
 * - KVM_SET_TSS_ADDR / KVM_SET_IDENTITY_MAP_ADDR (VM fd): accepted values,
 *   the TSS address limit, the identity map only before the first vCPU.
 *
 * KVM 6.1 reference (arch/x86/kvm/x86.c unless noted):
 *   kvm_arch_dev_ioctl(KVM_GET_MSR_INDEX_LIST): nmsrs is written back
 *   first, then -E2BIG if the caller's was smaller, then the indices.
 *   msr_io(): -EFAULT for the header, -E2BIG if nmsrs >= MAX_IO_MSRS (256),
 *   memdup_user() of the entries (-EFAULT), __msr_io() stops at the first
 *   failing entry and returns how many succeeded; KVM_GET_MSRS copies all
 *   nmsrs entries back (-EFAULT).  A host read of an MSR KVM does not
 *   know fails and zeroes that entry's data (kvm_get_msr_ignored_check(),
 *   kvm.ignore_msrs off).  Address MSRs must be canonical, host writes
 *   too (__kvm_set_msr()); PAT must hold valid memory types.
 *   SYSENTER_ESP/EIP keep only 32 bits on kvm-amd unless the guest's CPUID
 *   is Intel's, and SYSENTER_CS only 32 on kvm-intel: the round-trip
 *   values fit in 32 bits, sysenter_widths checks the vendor's widths.
 *   A host write of EFER keeps the vCPU's LMA (set_efer()).
 *   KVM_SET_CPUID2: nent > KVM_MAX_CPUID_ENTRIES (256) is -E2BIG before
 *   anything is read; after the first KVM_RUN only an equal table is
 *   accepted (EINVAL).  KVM_GET_CPUID2: nent below the table's is -E2BIG;
 *   the header is copied back only on success and unchanged, so the
 *   caller's nent never changes (api.rst says otherwise; the code is the
 *   reference).
 *   kvm_vm_ioctl_set_tss_addr(): an address above 0xffffd000 (the last
 *   three pages below 4 GiB must fit) is -EINVAL; kvm-amd accepts any
 *   other, before or after vCPUs exist.  KVM_SET_IDENTITY_MAP_ADDR: -EINVAL
 *   once a vCPU was created (checked before the argument is read), else
 *   -EFAULT for a bad pointer; kvm-amd accepts any address.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "harness.h"
#include "hvm_test.h"
#include "guest.h"

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_IA32_CR_PAT		0x277
#define MSR_IA32_TSC		0x10
/* In no architectural MSR range: every KVM fails it. */
#define MSR_UNKNOWN		0x0badc0deU

#define EFER_NX			(1ULL << 11)
#define MAX_IO_MSRS		256	/* KVM's limit, nmsrs must be below */
#define MAX_CPUID_ENTRIES	256	/* KVM_MAX_CPUID_ENTRIES */
#define SENTINEL		0x5a5a5a5a5a5a5a5aULL
#define TSS_ADDR_MAX		0xffffd000UL

/* MSRs that every x86-64 KVM keeps for userspace (kvm-amd and kvm-intel). */
static const uint32_t common_msrs[] = {
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_IA32_CR_PAT, MSR_IA32_TSC,
};

/* Values for the round trip: canonical addresses, 32-bit SYSENTER values. */
static const struct kvm_msr_entry round_trip[] = {
	{ .index = MSR_STAR, .data = 0x0023001000000000ULL },
	{ .index = MSR_LSTAR, .data = 0xffffffff81234560ULL },
	{ .index = MSR_CSTAR, .data = 0x00007fffdeadb000ULL },
	{ .index = MSR_SYSCALL_MASK, .data = 0x47700 },
	{ .index = MSR_KERNEL_GS_BASE, .data = 0xffff888012345000ULL },
	{ .index = MSR_IA32_SYSENTER_CS, .data = 0x10 },
	{ .index = MSR_IA32_SYSENTER_ESP, .data = 0x12345678 },
	{ .index = MSR_IA32_SYSENTER_EIP, .data = 0x87654321 },
	/* WB, WT, UC-, UC, WC, WP, UC-, UC: every valid type. */
	{ .index = MSR_IA32_CR_PAT, .data = 0x0007050401000706ULL },
	{ .index = MSR_EFER, .data = EFER_SCE | EFER_NX },
};

#define NR_ROUND_TRIP	ARRAY_SIZE(round_trip)

/* struct kvm_msrs with room for @n entries. */
static struct kvm_msrs *msrs_alloc(unsigned int n)
{
	struct kvm_msrs *m = calloc(1, sizeof(*m) + n * sizeof(m->entries[0]));

	if (m)
		m->nmsrs = n;
	return m;
}

/* KVM_GET_MSRS / KVM_SET_MSRS: the count processed, or -errno. */
static long msrs_io(int vcpu, unsigned long req, struct kvm_msrs *m)
{
	return ioctl_value(vcpu, req, (unsigned long)m);
}

/* Reads one MSR: 0 and *data, or -1 if the ioctl processed no entry. */
static int get_msr(int vcpu, uint32_t index, uint64_t *data)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = index };

	if (msrs_io(vcpu, KVM_GET_MSRS, &m.hdr) != 1)
		return -1;
	*data = m.e.data;
	return 0;
}

static long set_msr(int vcpu, uint32_t index, uint64_t data)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = index, .e.data = data };

	return msrs_io(vcpu, KVM_SET_MSRS, &m.hdr);
}

/* KVM_GET_MSR_INDEX_LIST into a malloc()ed list; NULL on failure. */
static struct kvm_msr_list *msr_index_list(int dev)
{
	struct kvm_msr_list probe = { .nmsrs = 0 }, *list;

	if (ioctl_errno(dev, KVM_GET_MSR_INDEX_LIST, (unsigned long)&probe) !=
	    E2BIG || !probe.nmsrs)
		return NULL;
	list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(uint32_t));
	if (!list)
		return NULL;
	list->nmsrs = probe.nmsrs;
	if (ioctl_errno(dev, KVM_GET_MSR_INDEX_LIST, (unsigned long)list)) {
		free(list);
		return NULL;
	}
	return list;
}

static bool list_has(const struct kvm_msr_list *list, uint32_t index)
{
	unsigned int i;

	for (i = 0; i < list->nmsrs; i++)
		if (list->indices[i] == index)
			return true;
	return false;
}

FIXTURE(vcpu) {
	int dev;
	int vm;
	int vcpu;
};

FIXTURE_SETUP(vcpu)
{
	fds_open(_metadata, &self->dev, &self->vm, &self->vcpu);
}

FIXTURE_TEARDOWN(vcpu)
{
	fds_close(self->dev, self->vm, self->vcpu);
}

/* The E2BIG protocol and the list itself. */
TEST_F(vcpu, msr_index_list)
{
	struct kvm_msr_list *list;
	uint32_t n;
	unsigned int i, j;

	{
		struct kvm_msr_list zero = { .nmsrs = 0 };

		ASSERT_EQ(E2BIG, ioctl_errno(self->dev, KVM_GET_MSR_INDEX_LIST,
					     (unsigned long)&zero));
		n = zero.nmsrs;
	}
	ASSERT_LT(0U, n);
	TH_LOG("%s lists %u MSRs", dev_label(), n);
	list = calloc(1, sizeof(*list) + (n + 4) * sizeof(uint32_t));
	ASSERT_NE(NULL, list);

	/* One too few: E2BIG, nmsrs is the count, no index is written. */
	for (i = 0; i < n + 4; i++)
		list->indices[i] = MSR_UNKNOWN;
	list->nmsrs = n - 1;
	EXPECT_EQ(E2BIG, ioctl_errno(self->dev, KVM_GET_MSR_INDEX_LIST,
				     (unsigned long)list));
	EXPECT_EQ(n, list->nmsrs);
	EXPECT_EQ(MSR_UNKNOWN, list->indices[0]);

	/* Room to spare: nmsrs becomes the count, nothing past it written. */
	list->nmsrs = n + 4;
	ASSERT_EQ(0, ioctl_errno(self->dev, KVM_GET_MSR_INDEX_LIST,
				 (unsigned long)list));
	EXPECT_EQ(n, list->nmsrs);
	for (i = n; i < n + 4; i++)
		EXPECT_EQ(MSR_UNKNOWN, list->indices[i]);

	/* Exactly the count. */
	list->nmsrs = n;
	ASSERT_EQ(0, ioctl_errno(self->dev, KVM_GET_MSR_INDEX_LIST,
				 (unsigned long)list));
	EXPECT_EQ(n, list->nmsrs);

	/* No index twice; the common MSRs are there. */
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			EXPECT_NE(list->indices[i], list->indices[j])
				TH_LOG("MSR %#x listed twice", list->indices[i]);
		}
	}
	for (i = 0; i < ARRAY_SIZE(common_msrs); i++) {
		EXPECT_TRUE(list_has(list, common_msrs[i]))
			TH_LOG("MSR %#x not listed", common_msrs[i]);
	}

	/* The header must be readable and writable. */
	EXPECT_EQ(EFAULT, ioctl_errno(self->dev, KVM_GET_MSR_INDEX_LIST, 0));
	free(list);
}

/* Every listed MSR reads from userspace, alone and all in one call. */
TEST_F(vcpu, msr_index_list_readable)
{
	struct kvm_msr_list *list = msr_index_list(self->dev);
	struct kvm_msrs *m;
	unsigned int i, done, chunk;
	uint64_t data;

	ASSERT_NE(NULL, list);
	for (i = 0; i < list->nmsrs; i++) {
		EXPECT_EQ(0, get_msr(self->vcpu, list->indices[i], &data))
			TH_LOG("KVM_GET_MSRS of listed MSR %#x",
			       list->indices[i]);
	}
	m = msrs_alloc(MAX_IO_MSRS - 1);
	ASSERT_NE(NULL, m);
	for (done = 0; done < list->nmsrs; done += chunk) {
		chunk = list->nmsrs - done;
		if (chunk > MAX_IO_MSRS - 1)
			chunk = MAX_IO_MSRS - 1;
		m->nmsrs = chunk;
		for (i = 0; i < chunk; i++)
			m->entries[i].index = list->indices[done + i];
		EXPECT_EQ((long)chunk, msrs_io(self->vcpu, KVM_GET_MSRS, m));
	}
	free(m);
	free(list);
}

TEST_F(vcpu, msrs_round_trip)
{
	struct kvm_msrs *m = msrs_alloc(NR_ROUND_TRIP);
	unsigned int i;
	uint64_t data = 0;

	ASSERT_NE(NULL, m);
	memcpy(m->entries, round_trip, sizeof(round_trip));
	ASSERT_EQ((long)NR_ROUND_TRIP, msrs_io(self->vcpu, KVM_SET_MSRS, m));

	for (i = 0; i < NR_ROUND_TRIP; i++)
		m->entries[i].data = SENTINEL;
	ASSERT_EQ((long)NR_ROUND_TRIP, msrs_io(self->vcpu, KVM_GET_MSRS, m));
	for (i = 0; i < NR_ROUND_TRIP; i++) {
		EXPECT_EQ(round_trip[i].index, m->entries[i].index);
		EXPECT_EQ(round_trip[i].data, m->entries[i].data)
			TH_LOG("MSR %#x", round_trip[i].index);
	}

	/* One at a time, in the other order. */
	for (i = NR_ROUND_TRIP; i-- > 0;) {
		EXPECT_EQ(0, get_msr(self->vcpu, round_trip[i].index, &data));
		EXPECT_EQ(round_trip[i].data, data)
			TH_LOG("MSR %#x", round_trip[i].index);
	}

	/* nmsrs 0 does nothing and succeeds. */
	m->nmsrs = 0;
	EXPECT_EQ(0, msrs_io(self->vcpu, KVM_SET_MSRS, m));
	EXPECT_EQ(0, msrs_io(self->vcpu, KVM_GET_MSRS, m));
	free(m);
}

/* The TSC counts on from what was written (no timing: only >=). */
TEST_F(vcpu, msr_tsc)
{
	const uint64_t tsc = 1ULL << 44;
	uint64_t data = 0;

	ASSERT_EQ(1, set_msr(self->vcpu, MSR_IA32_TSC, tsc));
	ASSERT_EQ(0, get_msr(self->vcpu, MSR_IA32_TSC, &data));
	EXPECT_LE(tsc, data);
	EXPECT_GT(tsc << 1, data) TH_LOG("TSC %#llx", (unsigned long long)data);
}

/* Values the MSR rejects: nothing processed, the old value stays. */
TEST_F(vcpu, msrs_bad_values)
{
	static const struct kvm_msr_entry bad[] = {
		{ .index = MSR_LSTAR, .data = 0x0000800000000000ULL },
		{ .index = MSR_CSTAR, .data = 0x8000000000000000ULL },
		{ .index = MSR_KERNEL_GS_BASE, .data = 0x0001000000000000ULL },
		{ .index = MSR_IA32_CR_PAT, .data = 0x0007040600070402ULL },
		{ .index = MSR_IA32_CR_PAT, .data = 0x0807040600070406ULL },
	};
	unsigned int i;
	uint64_t old, data;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(0, get_msr(self->vcpu, bad[i].index, &old));
		EXPECT_EQ(0, set_msr(self->vcpu, bad[i].index, bad[i].data))
			TH_LOG("MSR %#x = %#llx", bad[i].index,
			       (unsigned long long)bad[i].data);
		ASSERT_EQ(0, get_msr(self->vcpu, bad[i].index, &data));
		EXPECT_EQ(old, data);
	}
	/* An unknown MSR, alone. */
	EXPECT_EQ(0, set_msr(self->vcpu, MSR_UNKNOWN, 0));
	EXPECT_EQ(-1, get_msr(self->vcpu, MSR_UNKNOWN, &data));
}

/* An unknown MSR in the middle: the entries after it are not processed. */
TEST_F(vcpu, msrs_stop_at_failure)
{
	struct kvm_msrs *m = msrs_alloc(3);
	uint64_t star, lstar;

	ASSERT_NE(NULL, m);
	ASSERT_EQ(1, set_msr(self->vcpu, MSR_STAR, 0x1111));
	ASSERT_EQ(1, set_msr(self->vcpu, MSR_LSTAR, 0x2222));

	m->entries[0].index = MSR_STAR;
	m->entries[0].data = 0x3333;
	m->entries[1].index = MSR_UNKNOWN;
	m->entries[1].data = 0;
	m->entries[2].index = MSR_LSTAR;
	m->entries[2].data = 0x4444;
	EXPECT_EQ(1, msrs_io(self->vcpu, KVM_SET_MSRS, m));
	ASSERT_EQ(0, get_msr(self->vcpu, MSR_STAR, &star));
	ASSERT_EQ(0, get_msr(self->vcpu, MSR_LSTAR, &lstar));
	EXPECT_EQ(0x3333ULL, star);
	EXPECT_EQ(0x2222ULL, lstar) TH_LOG("written past the failing entry");

	/* Reads likewise; the entry after the failure is copied back as is. */
	m->entries[0].data = SENTINEL;
	m->entries[1].data = SENTINEL;
	m->entries[2].data = SENTINEL;
	EXPECT_EQ(1, msrs_io(self->vcpu, KVM_GET_MSRS, m));
	EXPECT_EQ(0x3333ULL, m->entries[0].data);
	EXPECT_EQ(SENTINEL, m->entries[2].data);

	/* Failing first: nothing at all. */
	m->entries[0].index = MSR_UNKNOWN;
	m->entries[1].index = MSR_STAR;
	m->entries[1].data = 0x5555;
	m->nmsrs = 2;
	EXPECT_EQ(0, msrs_io(self->vcpu, KVM_SET_MSRS, m));
	ASSERT_EQ(0, get_msr(self->vcpu, MSR_STAR, &star));
	EXPECT_EQ(0x3333ULL, star);
	free(m);
}

/* KVM zeroes the data of the entry whose read failed. */
TEST_F(vcpu, get_msrs_failed_entry)
{
	struct kvm_msrs *m = msrs_alloc(2);

	ASSERT_NE(NULL, m);
	m->entries[0].index = MSR_STAR;
	m->entries[0].data = SENTINEL;
	m->entries[1].index = MSR_UNKNOWN;
	m->entries[1].data = SENTINEL;
	EXPECT_EQ(1, msrs_io(self->vcpu, KVM_GET_MSRS, m));
	EXPECT_EQ(0ULL, m->entries[1].data);
	free(m);
}

/*
 * EFER.LMA follows the vCPU's mode, not a KVM_SET_MSRS: a host write
 * keeps the current LMA whatever it says (set_efer() in x86.c).  Reset
 * state: LME|LMA written, LME read back.  Long mode: LME|SCE written,
 * LME|LMA|SCE read back.
 */
TEST_F(vcpu, efer_lma_kept)
{
	struct guest_vm *vm;
	struct kvm_sregs sr;
	uint64_t efer = 0;

	ASSERT_EQ(1, set_msr(self->vcpu, MSR_EFER, EFER_LME | EFER_LMA));
	ASSERT_EQ(0, get_msr(self->vcpu, MSR_EFER, &efer));
	EXPECT_EQ(EFER_LME, efer);
	ASSERT_EQ(0, ioctl_errno(self->vcpu, KVM_GET_SREGS,
				 (unsigned long)&sr));
	EXPECT_EQ(EFER_LME, sr.efer);

	vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	guest_set_mode(vm, GUEST_MODE_LONG64);
	ASSERT_EQ(1, set_msr(vm->vcpu, MSR_EFER, EFER_LME | EFER_SCE));
	ASSERT_EQ(0, get_msr(vm->vcpu, MSR_EFER, &efer));
	EXPECT_EQ(EFER_LME | EFER_LMA | EFER_SCE, efer);
	vcpu_get_sregs(vm, &sr);
	EXPECT_EQ(EFER_LME | EFER_LMA | EFER_SCE, sr.efer);
	vm_destroy(vm);
}

/*
 * How many bits of the SYSENTER MSRs a host write keeps depends on the
 * vendor: kvm-amd keeps SYSENTER_CS whole and only the low 32 bits of
 * ESP/EIP (the high ones only with an Intel guest CPUID vendor, not set
 * here: svm_set_msr()); kvm-intel keeps the low 32 bits of CS (a 32-bit
 * VMCS field) and ESP/EIP whole (natural width).
 */
TEST_F(vcpu, sysenter_widths)
{
	const uint64_t cs = 0x1234567800000010ULL;
	const uint64_t esp = 0xffffffff12345678ULL;
	const uint64_t eip = 0x00000001deadbeefULL;
	bool amd = host_cpu_is_amd();
	uint64_t data;

	ASSERT_EQ(1, set_msr(self->vcpu, MSR_IA32_SYSENTER_CS, cs));
	ASSERT_EQ(1, set_msr(self->vcpu, MSR_IA32_SYSENTER_ESP, esp));
	ASSERT_EQ(1, set_msr(self->vcpu, MSR_IA32_SYSENTER_EIP, eip));
	ASSERT_EQ(0, get_msr(self->vcpu, MSR_IA32_SYSENTER_CS, &data));
	EXPECT_EQ(amd ? cs : (uint32_t)cs, data);
	ASSERT_EQ(0, get_msr(self->vcpu, MSR_IA32_SYSENTER_ESP, &data));
	EXPECT_EQ(amd ? (uint32_t)esp : esp, data);
	ASSERT_EQ(0, get_msr(self->vcpu, MSR_IA32_SYSENTER_EIP, &data));
	EXPECT_EQ(amd ? (uint32_t)eip : eip, data);
}

TEST_F(vcpu, msrs_limits)
{
	struct kvm_msrs *m = msrs_alloc(MAX_IO_MSRS);
	unsigned int i;

	ASSERT_NE(NULL, m);
	for (i = 0; i < MAX_IO_MSRS; i++) {
		m->entries[i].index = MSR_STAR;
		m->entries[i].data = i;
	}
	/* nmsrs must be below 256; 255 entries are processed. */
	m->nmsrs = MAX_IO_MSRS;
	EXPECT_EQ(-E2BIG, msrs_io(self->vcpu, KVM_SET_MSRS, m));
	EXPECT_EQ(-E2BIG, msrs_io(self->vcpu, KVM_GET_MSRS, m));
	m->nmsrs = 0xffffffff;
	EXPECT_EQ(-E2BIG, msrs_io(self->vcpu, KVM_SET_MSRS, m));
	EXPECT_EQ(-E2BIG, msrs_io(self->vcpu, KVM_GET_MSRS, m));
	m->nmsrs = MAX_IO_MSRS - 1;
	EXPECT_EQ(MAX_IO_MSRS - 1, msrs_io(self->vcpu, KVM_SET_MSRS, m));
	EXPECT_EQ(MAX_IO_MSRS - 1, msrs_io(self->vcpu, KVM_GET_MSRS, m));
	/* The last write wins. */
	EXPECT_EQ(MAX_IO_MSRS - 2ULL, m->entries[0].data);
	free(m);
}

TEST_F(vcpu, msrs_efault)
{
	long page = page_size();
	struct kvm_msrs *m;
	char *p;

	EXPECT_EQ(-EFAULT, msrs_io(self->vcpu, KVM_GET_MSRS, NULL));
	EXPECT_EQ(-EFAULT, msrs_io(self->vcpu, KVM_SET_MSRS, NULL));

	/* The header fits in the first page; entries run into PROT_NONE. */
	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mprotect(p + page, page, PROT_NONE));
	m = (struct kvm_msrs *)(p + page - sizeof(*m) -
				sizeof(m->entries[0]));
	m->nmsrs = 2;
	m->entries[0].index = MSR_STAR;
	EXPECT_EQ(-EFAULT, msrs_io(self->vcpu, KVM_GET_MSRS, m));
	EXPECT_EQ(-EFAULT, msrs_io(self->vcpu, KVM_SET_MSRS, m));

	/* Readable but not writable: GET cannot copy the data back. */
	m->nmsrs = 1;
	m->entries[0].index = MSR_STAR;
	ASSERT_EQ(0, mprotect(p, page, PROT_READ));
	EXPECT_EQ(-EFAULT, msrs_io(self->vcpu, KVM_GET_MSRS, m));
	/* SET only reads: it works. */
	EXPECT_EQ(1, msrs_io(self->vcpu, KVM_SET_MSRS, m));
	munmap(p, 2 * page);
}

/* Bits of CPUID that KVM keeps in step with vCPU state (see cpuid.c). */
static uint32_t cpuid_runtime_mask(uint32_t function, unsigned int reg)
{
	if (function == 1 && reg == 2)
		return 1U << 27;		/* OSXSAVE */
	if (function == 1 && reg == 3)
		return 1U << 9;			/* APIC */
	if (function == 7 && reg == 2)
		return 1U << 4;			/* OSPKE */
	return 0;
}

static bool cpuid_entry_equal(const struct kvm_cpuid_entry2 *a,
			      const struct kvm_cpuid_entry2 *b)
{
	const uint32_t ra[4] = { a->eax, a->ebx, a->ecx, a->edx };
	const uint32_t rb[4] = { b->eax, b->ebx, b->ecx, b->edx };
	unsigned int r;

	if (a->function != b->function || a->index != b->index ||
	    a->flags != b->flags)
		return false;
	for (r = 0; r < 4; r++) {
		uint32_t mask = ~cpuid_runtime_mask(a->function, r);

		if ((ra[r] & mask) != (rb[r] & mask))
			return false;
	}
	return true;
}

#define CPUID_TABLE_MAX	16

/* Leaves 0, 1, 7.0, 0x80000000, 0x80000001 (if supported) + made-up ones. */
static struct kvm_cpuid2 *cpuid_table(int dev)
{
	static const uint32_t leaves[][2] = {
		{ 0, 0 }, { 1, 0 }, { 7, 0 }, { 0x80000000, 0 },
		{ 0x80000001, 0 },
	};
	struct guest_vm dummy = { .dev = dev };
	struct kvm_cpuid2 *supported = get_supported_cpuid(&dummy), *t;
	struct kvm_cpuid_entry2 *e;
	unsigned int i;

	if (!supported)
		return NULL;
	t = calloc(1, sizeof(*t) + CPUID_TABLE_MAX * sizeof(t->entries[0]));
	if (!t)
		goto out;
	for (i = 0; i < ARRAY_SIZE(leaves); i++) {
		e = cpuid_find(supported, leaves[i][0], leaves[i][1]);
		if (e)
			t->entries[t->nent++] = *e;
	}
	e = &t->entries[t->nent++];
	e->function = 0x40000000;
	e->eax = 0x40000001;
	e->ebx = 0x6f6d7668;
	e->ecx = 0x73655464;
	e->edx = 0x4d4d5674;
	e = &t->entries[t->nent++];
	e->function = 0x40000001;
	e->eax = 0x11223344;
	e->ebx = 0x55667788;
out:
	free(supported);
	return t;
}

TEST_F(vcpu, cpuid2)
{
	struct kvm_cpuid2 *t = cpuid_table(self->dev), *out;
	unsigned int i, n;

	ASSERT_NE(NULL, t);
	n = t->nent;
	ASSERT_LE(3U, n);
	out = calloc(1, sizeof(*out) + (CPUID_TABLE_MAX + 4) *
		     sizeof(out->entries[0]));
	ASSERT_NE(NULL, out);

	/* A new vCPU has an empty table. */
	out->nent = 0;
	EXPECT_EQ(0, ioctl_errno(self->vcpu, KVM_GET_CPUID2,
				 (unsigned long)out));
	EXPECT_EQ(0U, out->nent);

	ASSERT_EQ(0, ioctl_errno(self->vcpu, KVM_SET_CPUID2,
				 (unsigned long)t));

	/* Exactly the count. */
	out->nent = n;
	ASSERT_EQ(0, ioctl_errno(self->vcpu, KVM_GET_CPUID2,
				 (unsigned long)out));
	EXPECT_EQ(n, out->nent);
	for (i = 0; i < n; i++) {
		EXPECT_TRUE(cpuid_entry_equal(&t->entries[i], &out->entries[i]))
			TH_LOG("entry %u: function %#x", i,
			       t->entries[i].function);
	}

	/* More room: success, and nent stays what the caller gave. */
	memset(out->entries, 0xa5, (CPUID_TABLE_MAX + 4) *
	       sizeof(out->entries[0]));
	out->nent = CPUID_TABLE_MAX + 4;
	ASSERT_EQ(0, ioctl_errno(self->vcpu, KVM_GET_CPUID2,
				 (unsigned long)out));
	EXPECT_EQ(CPUID_TABLE_MAX + 4U, out->nent);
	for (i = 0; i < n; i++)
		EXPECT_TRUE(cpuid_entry_equal(&t->entries[i], &out->entries[i]));
	/* Nothing past the table is written. */
	EXPECT_EQ(0xa5a5a5a5U, out->entries[n].function);

	/* One too few: E2BIG, and the header is not written back. */
	out->nent = n - 1;
	EXPECT_EQ(E2BIG, ioctl_errno(self->vcpu, KVM_GET_CPUID2,
				     (unsigned long)out));
	EXPECT_EQ(n - 1, out->nent);
	out->nent = 0;
	EXPECT_EQ(E2BIG, ioctl_errno(self->vcpu, KVM_GET_CPUID2,
				     (unsigned long)out));
	EXPECT_EQ(0U, out->nent);

	/* A second SET replaces the table. */
	t->nent = n - 1;
	ASSERT_EQ(0, ioctl_errno(self->vcpu, KVM_SET_CPUID2,
				 (unsigned long)t));
	out->nent = n - 1;
	EXPECT_EQ(0, ioctl_errno(self->vcpu, KVM_GET_CPUID2,
				 (unsigned long)out));
	free(out);
	free(t);
}

/*
 * After the first KVM_RUN only the same table is accepted (and changes
 * nothing); any other is EINVAL (kvm_set_cpuid(): kvm_cpuid_check_equal()
 * once the vCPU has run).  "The same" is what KVM_GET_CPUID2 returns.
 */
TEST_F(vcpu, cpuid2_after_run)
{
	static const uint8_t hlt = 0xf4;
	struct kvm_cpuid2 *t = cpuid_table(self->dev), *cur, *out;
	size_t size = sizeof(*t) + CPUID_TABLE_MAX * sizeof(t->entries[0]);
	struct guest_vm *vm;
	unsigned int n, i;

	ASSERT_NE(NULL, t);
	n = t->nent;
	cur = calloc(1, size);
	out = calloc(1, size);
	ASSERT_NE(NULL, cur);
	ASSERT_NE(NULL, out);

	vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_SET_CPUID2, (unsigned long)t));
	guest_write(vm, GUEST_CODE_GPA, &hlt, 1);
	guest_set_mode(vm, GUEST_MODE_REAL);
	ASSERT_EQ(KVM_EXIT_HLT, vcpu_run(vm)) TH_LOG("%s", vcpu_exit_str(vm));

	cur->nent = CPUID_TABLE_MAX;
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_GET_CPUID2,
				 (unsigned long)cur));
	cur->nent = n;
	EXPECT_EQ(0, ioctl_errno(vm->vcpu, KVM_SET_CPUID2,
				 (unsigned long)cur));

	/* A changed register, a missing entry, an empty table: EINVAL. */
	memcpy(t, cur, size);
	t->entries[n - 1].eax ^= 1;
	EXPECT_EQ(EINVAL, ioctl_errno(vm->vcpu, KVM_SET_CPUID2,
				      (unsigned long)t));
	memcpy(t, cur, size);
	t->nent = n - 1;
	EXPECT_EQ(EINVAL, ioctl_errno(vm->vcpu, KVM_SET_CPUID2,
				      (unsigned long)t));
	t->nent = 0;
	EXPECT_EQ(EINVAL, ioctl_errno(vm->vcpu, KVM_SET_CPUID2,
				      (unsigned long)t));

	/* None of them changed the table. */
	out->nent = CPUID_TABLE_MAX;
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_GET_CPUID2,
				 (unsigned long)out));
	for (i = 0; i < n; i++) {
		EXPECT_TRUE(cpuid_entry_equal(&cur->entries[i],
					      &out->entries[i]))
			TH_LOG("entry %u", i);
	}
	out->nent = n - 1;
	EXPECT_EQ(E2BIG, ioctl_errno(vm->vcpu, KVM_GET_CPUID2,
				     (unsigned long)out));
	vm_destroy(vm);
	free(out);
	free(cur);
	free(t);
}

TEST_F(vcpu, cpuid2_limits)
{
	struct kvm_cpuid2 hdr = { .nent = MAX_CPUID_ENTRIES + 1 };
	struct kvm_cpuid2 *big;

	/* Rejected before the entries are read: none are needed. */
	EXPECT_EQ(E2BIG, ioctl_errno(self->vcpu, KVM_SET_CPUID2,
				     (unsigned long)&hdr));
	hdr.nent = 0xffffffff;
	EXPECT_EQ(E2BIG, ioctl_errno(self->vcpu, KVM_SET_CPUID2,
				     (unsigned long)&hdr));
	/* With the entries there too. */
	big = calloc(1, sizeof(*big) + (MAX_CPUID_ENTRIES + 1) *
		     sizeof(big->entries[0]));
	ASSERT_NE(NULL, big);
	big->nent = MAX_CPUID_ENTRIES + 1;
	EXPECT_EQ(E2BIG, ioctl_errno(self->vcpu, KVM_SET_CPUID2,
				     (unsigned long)big));
	free(big);

	EXPECT_EQ(EFAULT, ioctl_errno(self->vcpu, KVM_SET_CPUID2, 0));
	EXPECT_EQ(EFAULT, ioctl_errno(self->vcpu, KVM_GET_CPUID2, 0));
	/* An empty table is a valid table. */
	hdr.nent = 0;
	EXPECT_EQ(0, ioctl_errno(self->vcpu, KVM_SET_CPUID2,
				 (unsigned long)&hdr));
}

TEST_F(vcpu, tss_addr)
{
	static const unsigned long ok[] = {
		0xfffbd000, 0, 0x1000, TSS_ADDR_MAX - 0x1000, TSS_ADDR_MAX,
	};
	static const unsigned long bad[] = {
		TSS_ADDR_MAX + 1, 0xfffff000, 0xffffffff, 0x100000000UL,
		~0UL,
	};
	unsigned int i;

	/* The fixture's VM already has a vCPU: that does not matter. */
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		EXPECT_EQ(0, ioctl_errno(self->vm, KVM_SET_TSS_ADDR, ok[i]))
			TH_LOG("address %#lx", ok[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(EINVAL, ioctl_errno(self->vm, KVM_SET_TSS_ADDR,
					      bad[i]))
			TH_LOG("address %#lx", bad[i]);
	}
}

TEST_F(vcpu, identity_map_addr)
{
	uint64_t addr;
	int vm, vcpu;

	/* The fixture's VM has a vCPU: EINVAL, even for a bad pointer. */
	addr = 0xfffbc000;
	EXPECT_EQ(EINVAL, ioctl_errno(self->vm, KVM_SET_IDENTITY_MAP_ADDR,
				      (unsigned long)&addr));
	EXPECT_EQ(EINVAL, ioctl_errno(self->vm, KVM_SET_IDENTITY_MAP_ADDR, 0));

	vm = vm_create(self->dev);
	ASSERT_LE(0, vm);
	EXPECT_EQ(0, ioctl_errno(vm, KVM_SET_IDENTITY_MAP_ADDR,
				 (unsigned long)&addr));
	addr = 0;			/* back to the default */
	EXPECT_EQ(0, ioctl_errno(vm, KVM_SET_IDENTITY_MAP_ADDR,
				 (unsigned long)&addr));
	addr = 0x123456789000ULL;	/* kvm-amd does not look at it */
	EXPECT_EQ(0, ioctl_errno(vm, KVM_SET_IDENTITY_MAP_ADDR,
				 (unsigned long)&addr));
	EXPECT_EQ(EFAULT, ioctl_errno(vm, KVM_SET_IDENTITY_MAP_ADDR, 0));

	vcpu = vcpu_create(vm, 3);
	ASSERT_LE(0, vcpu);
	addr = 0xfffbc000;
	EXPECT_EQ(EINVAL, ioctl_errno(vm, KVM_SET_IDENTITY_MAP_ADDR,
				      (unsigned long)&addr));
	/* Still, after that vCPU's fd is closed: it was created. */
	close(vcpu);
	EXPECT_EQ(EINVAL, ioctl_errno(vm, KVM_SET_IDENTITY_MAP_ADDR,
				      (unsigned long)&addr));
	close(vm);
}

TEST_HARNESS_MAIN
