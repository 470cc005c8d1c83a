/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPUID for hvmod guests: the table userspace gives each vCPU
 * (KVM_SET_CPUID2 / KVM_GET_CPUID2), the answer to a guest's CPUID
 * instruction from that table, and the table of what hvmod supports
 * (KVM_GET_SUPPORTED_CPUID).
 *
 * Semantics and errno values are KVM's (Linux 6.1, arch/x86/kvm/cpuid.c);
 * where hvmod differs the comment says so. The lookup, the answer, the
 * run-time bits and the building of the supported table are pure code
 * (kmod/cpuid_table.c, also built into native unit tests); the ioctls are
 * kernel glue (kmod/cpuid.c).
 *
 * One difference in representation: KVM rewrites the run-time bits
 * (CPUID.1:ECX.OSXSAVE, CPUID.1:EDX.APIC, CPUID.7.0:ECX.OSPKE, the XSAVE
 * sizes of leaf 0xD, CPUID.0x12.1:ECX/EDX) into the stored table whenever
 * CR4, XCR0 or IA32_APIC_BASE change. hvmod stores the table as given and
 * applies those bits from a struct hvm_cpuid_state on every read (the
 * guest's CPUID, KVM_GET_CPUID2, the comparison after the first KVM_RUN),
 * which gives the same values because every rule overwrites its bits from
 * the state alone.
 */
#ifndef HVMOD_CPUID_H
#define HVMOD_CPUID_H

#include "kmod/pure.h"

#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif
#include <linux/kvm.h>

/* KVM_MAX_CPUID_ENTRIES (arch/x86/include/asm/kvm_host.h, 6.1). */
#define HVM_MAX_CPUID_ENTRIES	256

/*
 * The highest leaves hvmod reports (CPUID.0:EAX and CPUID.0x80000000:EAX
 * are the host's, capped to these). KVM's caps are 0x1f and 0x80000021.
 *
 * 0xd: every basic leaf above it either describes a feature hvmod hides
 * (0x12 SGX, 0x14 PT, 0x1d/0x1e AMX) or is reported as zeros by KVM 6.1
 * anyway (0xf/0x10 RDT, 0x15/0x16 clocks, 0x17-0x1c, 0x1f topology). 0xd
 * itself is kept as the "no XSAVE" leaf KVM reports on a host without
 * XSAVE, so that x87/SSE guests see the legacy 576-byte area.
 *
 * 0x8000001e: on AMD and Hygon hosts it keeps the cache topology leaf
 * 0x8000001d (TOPOEXT is kept, as in KVM) and reports 0x8000001e as KVM
 * does (zeros: topology is userspace's to describe). It stops before
 * 0x8000001f (SME/SEV: hvmod encrypts nothing, and a guest told about SME
 * would set C-bits in its page tables) and 0x80000021. Intel hosts stop at
 * their own 0x80000008.
 */
#define HVM_CPUID_MAX_BASIC	0x0000000du
#define HVM_CPUID_MAX_EXT	0x8000001eu

/* Register order of the arrays below and of the host_cpuid callback. */
enum { HVM_CPUID_EAX, HVM_CPUID_EBX, HVM_CPUID_ECX, HVM_CPUID_EDX };

/* Feature bits the run-time rules and their callers name. */
#define HVM_CPUID_1_ECX_XSAVE		BIT(26)
#define HVM_CPUID_1_ECX_OSXSAVE		BIT(27)
#define HVM_CPUID_1_ECX_HYPERVISOR	BIT(31)
#define HVM_CPUID_1_EDX_APIC		BIT(9)
#define HVM_CPUID_7_ECX_PKU		BIT(3)
#define HVM_CPUID_7_ECX_OSPKE		BIT(4)
#define HVM_CPUID_D_1_EAX_XSAVEC	BIT(1)
#define HVM_CPUID_D_1_EAX_XSAVES	BIT(3)

/* The architectural bits the run-time rules read. */
#define HVM_CR4_OSXSAVE			BIT_ULL(18)
#define HVM_CR4_PKE			BIT_ULL(22)
#define HVM_APIC_BASE_ENABLE		BIT_ULL(11)

/* struct hvm_cpuid_state.host: what KVM tests with boot_cpu_has(). */
#define HVM_CPUID_HOST_XSAVE		BIT(0)
#define HVM_CPUID_HOST_PKU		BIT(1)

/* A vCPU's table, set by KVM_SET_CPUID2; the caller serializes access. */
struct hvm_cpuid {
	u32 nent;
	struct kvm_cpuid_entry2 *entries;	/* kvmalloc'ed; NULL if nent 0 */
};

/*
 * What the run-time bits depend on: the vCPU's current CR4, XCR0 and
 * IA32_APIC_BASE (KVM: vcpu->arch.apic_base, 0 for a vCPU without an
 * in-kernel APIC until userspace sets it through KVM_SET_SREGS or
 * KVM_SET_MSRS), and two host features (HVM_CPUID_HOST_*): KVM updates
 * OSXSAVE only on an XSAVE host and OSPKE only on a PKU host.
 */
struct hvm_cpuid_state {
	u64 cr4;
	u64 xcr0;
	u64 apic_base;
	u32 host;
};

/*
 * Pure (kmod/cpuid_table.c).
 *
 * hvm_cpuid_find: the first entry for @function whose index is @index or
 * is not significant (no KVM_CPUID_FLAG_SIGNIFCANT_INDEX), as KVM's
 * cpuid_entry2_find(); NULL if none.
 */
const struct kvm_cpuid_entry2 *
hvm_cpuid_find(const struct kvm_cpuid_entry2 *e, u32 nent, u32 function,
	       u32 index);

/*
 * hvm_cpuid_answer: the guest's CPUID (KVM's kvm_cpuid() with exact_only
 * false). In: *eax the leaf, *ecx the sub-leaf. Out: the four registers,
 * with the run-time bits of @st. Returns true if an entry matched exactly
 * (KVM returns this too, for its trace point); false if the out-of-range
 * rule or the all-zeros answer applied.
 */
bool hvm_cpuid_answer(const struct kvm_cpuid_entry2 *e, u32 nent,
		      const struct hvm_cpuid_state *st,
		      u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);

/*
 * hvm_cpuid_entry_runtime: entry @i of table @e as the guest sees it, the
 * run-time bits of @st applied (what KVM's table, which
 * __kvm_update_cpuid_runtime() keeps up to date, holds), into *@out: for
 * KVM_GET_CPUID2.
 */
void hvm_cpuid_entry_runtime(const struct kvm_cpuid_entry2 *e, u32 nent,
			     u32 i, const struct hvm_cpuid_state *st,
			     struct kvm_cpuid_entry2 *out);

/*
 * hvm_cpuid_equal: KVM's kvm_cpuid_check_equal(), the test that lets an
 * unchanged table be set again after the first KVM_RUN: same nent, and
 * entry by entry the same function, index, flags and registers once the
 * run-time bits of @st are applied to both (KVM compares the updated new
 * table with its stored, always updated one).
 */
bool hvm_cpuid_equal(const struct kvm_cpuid_entry2 *a, u32 na,
		     const struct kvm_cpuid_entry2 *b, u32 nb,
		     const struct hvm_cpuid_state *st);

/*
 * hvm_cpuid_check_table: the checks of KVM's kvm_check_cpuid() that apply
 * to hvmod: CPUID.0x80000008:EAX[15:8] (linear address bits) must be 0,
 * 48 or 57. 0 or -EINVAL.
 */
int hvm_cpuid_check_table(const struct kvm_cpuid_entry2 *e, u32 nent);

/*
 * The nent rules of the three ioctls, 0 or -E2BIG:
 * _supported_nent: KVM_GET_SUPPORTED_CPUID, nent 0 is -E2BIG, more than
 *   HVM_MAX_CPUID_ENTRIES is clamped to it (not an error).
 * _set_nent: KVM_SET_CPUID2, more than HVM_MAX_CPUID_ENTRIES.
 * _get_nent: KVM_GET_CPUID2, the caller's @user_nent below the table's.
 */
int hvm_cpuid_supported_nent(u32 *nent);
int hvm_cpuid_set_nent(u32 nent);
int hvm_cpuid_get_nent(u32 user_nent, u32 nent);

/*
 * hvm_cpuid_build_supported: the KVM_GET_SUPPORTED_CPUID table, built from
 * the host's CPUID as @host_cpuid(@ctx, leaf, sub-leaf, regs) reports it
 * (in the kernel: the CPUID instruction on one CPU). Writes at most @max
 * entries to @out (padding zeroed) and their count to *@nent. Returns 0,
 * or -E2BIG if @max is too small (*@nent is then not written).
 */
int hvm_cpuid_build_supported(void (*host_cpuid)(void *ctx, u32 fn, u32 idx,
						 u32 regs[4]),
			      void *ctx, struct kvm_cpuid_entry2 *out,
			      u32 max, u32 *nent);

#ifdef __KERNEL__
/*
 * Kernel glue (kmod/cpuid.c). @argp is the ioctl argument. The vCPU ones
 * run under the vCPU's mutex; @st is the vCPU's current state.
 * hvm_cpuid_host_flags: the HVM_CPUID_HOST_* for hvm_cpuid_state.host.
 */
u32 hvm_cpuid_host_flags(void);
long hvm_cpuid_get_supported(struct kvm_cpuid2 __user *argp);
int hvm_cpuid_set(struct hvm_cpuid *c, const struct hvm_cpuid_state *st,
		  struct kvm_cpuid2 __user *argp, bool has_run);
int hvm_cpuid_get(const struct hvm_cpuid *c, const struct hvm_cpuid_state *st,
		  struct kvm_cpuid2 __user *argp);
void hvm_cpuid_free(struct hvm_cpuid *c);
#endif

#endif /* HVMOD_CPUID_H */
