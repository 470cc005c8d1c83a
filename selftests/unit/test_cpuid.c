// SPDX-License-Identifier: GPL-2.0-only
/*
 * Native tests of the CPUID tables (kmod/cpuid_table.c): lookup, the
 * guest's answer (exact, out of range for Intel-rule and AMD-rule tables,
 * missing leaves), the run-time bits, the comparison after KVM_RUN, the
 * nent rules of the ioctls, and the supported table built from fake hosts
 * (Intel-like and AMD-like, with realistic values and with every feature
 * bit set, so that anything outside hvmod's whitelist shows).
 *
 * Built twice by cpuid.mk: plain, and with ASan+UBSan (CPUID_TEST_PREFIX
 * "cpuid_asan.") so both sets of RESULT lines are distinct.
 */
#include "selftests/unit/unit.h"
#include "kmod/cpuid.h"

#ifndef CPUID_TEST_PREFIX
#define CPUID_TEST_PREFIX "cpuid."
#endif

#define check(name, cond)						\
	do {								\
		char full_[128];					\
									\
		snprintf(full_, sizeof(full_), "%s%s", CPUID_TEST_PREFIX, \
			 name);						\
		UNIT_CHECK(full_, cond);				\
	} while (0)

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define SIG		KVM_CPUID_FLAG_SIGNIFCANT_INDEX

/* ---- helpers ------------------------------------------------------- */

static struct kvm_cpuid_entry2 ent(u32 fn, u32 idx, u32 flags, u32 a, u32 b,
				   u32 c, u32 d)
{
	struct kvm_cpuid_entry2 e = {
		.function = fn, .index = idx, .flags = flags,
		.eax = a, .ebx = b, .ecx = c, .edx = d,
	};
	return e;
}

/* Leaf 0 with a vendor string: EBX, EDX, ECX hold its three dwords. */
static struct kvm_cpuid_entry2 leaf0(u32 max, const char *vendor)
{
	struct kvm_cpuid_entry2 e = ent(0, 0, 0, max, 0, 0, 0);

	memcpy(&e.ebx, vendor, 4);
	memcpy(&e.edx, vendor + 4, 4);
	memcpy(&e.ecx, vendor + 8, 4);
	return e;
}

struct regs {
	u32 a, b, c, d;
	bool exact;
};

static struct regs ask(const struct kvm_cpuid_entry2 *t, u32 n,
		       const struct hvm_cpuid_state *st, u32 fn, u32 idx)
{
	struct regs r = { .a = fn, .c = idx, .b = 0xdead, .d = 0xbeef };

	r.exact = hvm_cpuid_answer(t, n, st, &r.a, &r.b, &r.c, &r.d);
	return r;
}

static bool regs_are(struct regs r, u32 a, u32 b, u32 c, u32 d)
{
	return r.a == a && r.b == b && r.c == c && r.d == d;
}

static bool regs_of(struct regs r, const struct kvm_cpuid_entry2 *e)
{
	return regs_are(r, e->eax, e->ebx, e->ecx, e->edx);
}

static const struct hvm_cpuid_state no_state;

/* ---- lookup and answer -------------------------------------------- */

static void test_lookup(void)
{
	struct kvm_cpuid_entry2 t[] = {
		leaf0(0xb, "GenuineIntel"),			/* 0 */
		ent(1, 0, 0, 0x906ea, 0x800, 0, 0),		/* 1 */
		ent(2, 5, 0, 0x00feff01, 0xf0, 0, 0),		/* 2 */
		ent(3, 0, 0, 0x33, 0, 0, 0),			/* 3 */
		ent(3, 0, 0, 0x34, 0, 0, 0),			/* 4 */
		ent(4, 0, SIG, 0x121, 0, 0, 0),			/* 5 */
		ent(4, 1, SIG, 0x122, 0, 0, 0),			/* 6 */
		ent(0xb, 0, SIG, 1, 2, 0x100, 0x11),		/* 7 */
		ent(0xb, 1, SIG, 4, 8, 0x201, 0x22),		/* 8 */
		ent(0x80000000, 0, 0, 0x80000008, 0, 0, 0),	/* 9 */
		ent(0x80000008, 0, 0, 0x3030, 0, 0, 0),		/* 10 */
	};
	const struct kvm_cpuid_entry2 *max_basic0 = &t[7];
	u32 n = ARRAY_LEN(t);
	struct regs r;

	check("find.indexed_match", hvm_cpuid_find(t, n, 4, 1) == &t[6]);
	check("find.indexed_miss", !hvm_cpuid_find(t, n, 4, 2));
	check("find.not_indexed_any_index",
	      hvm_cpuid_find(t, n, 2, 0) == &t[2] &&
	      hvm_cpuid_find(t, n, 2, 99) == &t[2]);
	check("find.first_match", hvm_cpuid_find(t, n, 3, 0) == &t[3]);
	check("find.missing_leaf", !hvm_cpuid_find(t, n, 0x80000001, 0));
	check("find.empty", !hvm_cpuid_find(NULL, 0, 0, 0));

	r = ask(t, n, &no_state, 4, 1);
	check("answer.exact", r.exact && regs_of(r, &t[6]));
	r = ask(t, n, &no_state, 2, 7);
	check("answer.not_indexed_ignores_ecx", r.exact && regs_of(r, &t[2]));
	r = ask(t, n, &no_state, 4, 2);
	check("answer.in_range_missing_subleaf_zeros",
	      !r.exact && regs_are(r, 0, 0, 0, 0));
	r = ask(t, n, &no_state, 5, 0);
	check("answer.in_range_missing_leaf_zeros",
	      !r.exact && regs_are(r, 0, 0, 0, 0));
	r = ask(t, n, &no_state, 0x80000001, 0);
	check("answer.in_range_missing_ext_zeros", regs_are(r, 0, 0, 0, 0));

	/* Intel rule: above the class's maximum, the max basic leaf. */
	r = ask(t, n, &no_state, 0x20, 0);
	check("answer.intel_above_basic_max", !r.exact &&
	      regs_of(r, max_basic0));
	r = ask(t, n, &no_state, 0x20, 1);
	check("answer.intel_redirect_keeps_subleaf", regs_of(r, &t[8]));
	r = ask(t, n, &no_state, 0x80000009, 0);
	check("answer.intel_above_ext_max", regs_of(r, max_basic0));
	r = ask(t, n, &no_state, 0x50000000, 0);
	check("answer.intel_0x50000000_is_basic_class",
	      regs_of(r, max_basic0));
	r = ask(t, n, &no_state, 0x40000000, 0);
	check("answer.intel_no_hypervisor_class", regs_of(r, max_basic0));
	r = ask(t, n, &no_state, 0xc0000000, 0);
	check("answer.intel_no_centaur_class", regs_of(r, max_basic0));

	/* Topology leaf: an undefined sub-leaf echoes CL, EDX from 0xb.1. */
	r = ask(t, n, &no_state, 0xb, 0x105);
	check("answer.leaf_b_undefined_subleaf",
	      !r.exact && regs_are(r, 0, 0, 5, 0x22));
	r = ask(t, n, &no_state, 0x20, 7);
	check("answer.redirect_to_leaf_b_undefined_subleaf",
	      regs_are(r, 0, 0, 7, 0x22));
	r = ask(t, n, &no_state, 0x1f, 3);
	check("answer.leaf_1f_above_max_is_leaf_b",
	      !r.exact && regs_are(r, 0, 0, 3, 0x22));

	r = ask(NULL, 0, &no_state, 1, 0);
	check("answer.empty_table_zeros", !r.exact && regs_are(r, 0, 0, 0, 0));
	r = ask(&t[1], n - 1, &no_state, 0x20, 0);
	check("answer.no_leaf0_zeros", regs_are(r, 0, 0, 0, 0));
}

static void test_classes(void)
{
	struct kvm_cpuid_entry2 t[] = {
		leaf0(1, "CentaurHauls"),
		ent(1, 0, 0, 0x6fe, 0, 0, 0),
		ent(0x40000000, 0, 0, 0x40000001, 1, 2, 3),
		ent(0x40000100, 0, 0, 0x40000100, 4, 5, 6),
		ent(0xc0000000, 0, 0, 0xc0000001, 0, 0, 0),
	};
	u32 n = ARRAY_LEN(t);
	struct regs r;

	r = ask(t, n, &no_state, 0x40000001, 0);
	check("answer.hv_class_in_range_missing", regs_are(r, 0, 0, 0, 0));
	r = ask(t, n, &no_state, 0x40000002, 0);
	check("answer.hv_class_above_max", regs_of(r, &t[1]));
	r = ask(t, n, &no_state, 0x40000100, 0);
	check("answer.hv_subclass_exact", r.exact && regs_of(r, &t[3]));
	r = ask(t, n, &no_state, 0x40000101, 0);
	check("answer.hv_subclass_above_max", regs_of(r, &t[1]));
	r = ask(t, n, &no_state, 0x40000200, 0);
	check("answer.hv_subclass_absent", regs_of(r, &t[1]));
	r = ask(t, n, &no_state, 0xc0000001, 0);
	check("answer.centaur_in_range_missing", regs_are(r, 0, 0, 0, 0));
	r = ask(t, n, &no_state, 0xc0000002, 0);
	check("answer.centaur_above_max", regs_of(r, &t[1]));
	r = ask(t, n, &no_state, 0xf0000000, 0);
	check("answer.centaur_class_covers_top", regs_of(r, &t[1]));
	/* No extended class at all: every extended leaf is out of range. */
	r = ask(t, n, &no_state, 0x80000000, 0);
	check("answer.ext_class_absent", regs_of(r, &t[1]));
}

static void test_amd_rule(void)
{
	static const char *const vendors[] = {
		"AuthenticAMD", "AMDisbetter!", "HygonGenuine",
	};
	struct kvm_cpuid_entry2 t[] = {
		leaf0(0xd, "AuthenticAMD"),
		ent(1, 0, 0, 0xa00f11, 0, 0, 0),
		ent(0xd, 0, SIG, 7, 576, 576, 0),
		ent(0x80000000, 0, 0, 0x80000008, 0, 0, 0),
	};
	u32 n = ARRAY_LEN(t);
	unsigned int i;
	struct regs r;
	bool zeros = true, exact = true;

	for (i = 0; i < ARRAY_LEN(vendors); i++) {
		t[0] = leaf0(0xd, vendors[i]);
		r = ask(t, n, &no_state, 0x20, 0);
		zeros &= regs_are(r, 0, 0, 0, 0) && !r.exact;
		r = ask(t, n, &no_state, 0x80000009, 0);
		zeros &= regs_are(r, 0, 0, 0, 0);
		r = ask(t, n, &no_state, 0x40000000, 0);
		zeros &= regs_are(r, 0, 0, 0, 0);
		r = ask(t, n, &no_state, 1, 0);
		exact &= r.exact && regs_of(r, &t[1]);
	}
	check("answer.amd_hygon_out_of_range_zeros", zeros);
	check("answer.amd_exact", exact);

	/* The vendor test is exact: a near miss follows Intel's rule. */
	t[0] = leaf0(0xd, "AuthenticAMd");
	r = ask(t, n, &no_state, 0x20, 0);
	check("answer.vendor_near_miss_is_intel_rule",
	      r.a == 7 && r.b == 576);
}

/* ---- run-time bits ------------------------------------------------- */

static void test_runtime(void)
{
	struct kvm_cpuid_entry2 t[] = {
		leaf0(0xd, "GenuineIntel"),
		ent(1, 0, 0, 0x906ea, 0x800,
		    HVM_CPUID_1_ECX_XSAVE | HVM_CPUID_1_ECX_OSXSAVE | 1,
		    HVM_CPUID_1_EDX_APIC | 1),
		ent(7, 0, SIG, 0, 0, HVM_CPUID_7_ECX_PKU |
		    HVM_CPUID_7_ECX_OSPKE, 0),
		ent(0xd, 0, SIG, 0xf, 999, 1088, 0),
		ent(0xd, 1, SIG, HVM_CPUID_D_1_EAX_XSAVEC, 999, 0, 0),
		ent(0xd, 2, SIG, 256, 576, 0, 0),
		ent(0xd, 3, SIG, 64, 1000, 2, 0),
		ent(0x12, 1, SIG, 0x36, 0, 0xff, 0xff),
	};
	struct hvm_cpuid_state st = { .host = HVM_CPUID_HOST_XSAVE |
						HVM_CPUID_HOST_PKU };
	struct kvm_cpuid_entry2 copy[ARRAY_LEN(t)], out;
	u32 n = ARRAY_LEN(t), i;
	struct regs r;
	bool same;

	st.cr4 = HVM_CR4_OSXSAVE;
	r = ask(t, n, &st, 1, 0);
	check("runtime.osxsave_on", r.c & HVM_CPUID_1_ECX_OSXSAVE);
	check("runtime.other_bits_kept", (r.c & 1) && (r.d & 1) &&
	      (r.c & HVM_CPUID_1_ECX_XSAVE) && r.a == 0x906ea);
	st.cr4 = 0;
	r = ask(t, n, &st, 1, 0);
	check("runtime.osxsave_off", !(r.c & HVM_CPUID_1_ECX_OSXSAVE));

	st.host = 0;
	r = ask(t, n, &st, 1, 0);
	check("runtime.osxsave_untouched_without_host_xsave",
	      r.c & HVM_CPUID_1_ECX_OSXSAVE);
	st.host = HVM_CPUID_HOST_XSAVE | HVM_CPUID_HOST_PKU;

	st.apic_base = 0xfee00000 | HVM_APIC_BASE_ENABLE;
	r = ask(t, n, &st, 1, 0);
	check("runtime.apic_on", r.d & HVM_CPUID_1_EDX_APIC);
	st.apic_base = 0xfee00000;
	r = ask(t, n, &st, 1, 0);
	check("runtime.apic_off", !(r.d & HVM_CPUID_1_EDX_APIC));

	st.cr4 = HVM_CR4_PKE;
	r = ask(t, n, &st, 7, 0);
	check("runtime.ospke_on", (r.c & HVM_CPUID_7_ECX_OSPKE) &&
	      (r.c & HVM_CPUID_7_ECX_PKU));
	st.cr4 = 0;
	r = ask(t, n, &st, 7, 0);
	check("runtime.ospke_off", !(r.c & HVM_CPUID_7_ECX_OSPKE));
	st.host = HVM_CPUID_HOST_XSAVE;
	r = ask(t, n, &st, 7, 0);
	check("runtime.ospke_untouched_without_host_pku",
	      r.c & HVM_CPUID_7_ECX_OSPKE);

	/* XSAVE sizes from the table's sub-leaves. */
	st.xcr0 = 1;
	r = ask(t, n, &st, 0xd, 0);
	check("runtime.xsave_size_x87", r.b == 576 && r.c == 1088 && r.a == 0xf);
	st.xcr0 = 7;
	r = ask(t, n, &st, 0xd, 0);
	check("runtime.xsave_size_avx", r.b == 576 + 256);
	st.xcr0 = 0xf;
	r = ask(t, n, &st, 0xd, 0);
	check("runtime.xsave_size_max_offset", r.b == 1064);
	r = ask(t, n, &st, 0xd, 1);
	check("runtime.xsave_compacted_aligned", r.b == 832 + 64);
	st.xcr0 = 1ull << 9;	/* a component without its sub-leaf */
	r = ask(t, n, &st, 0xd, 0);
	check("runtime.xsave_size_missing_subleaf", r.b == 576);
	t[4].eax = 0;
	st.xcr0 = 7;
	r = ask(t, n, &st, 0xd, 1);
	check("runtime.xsave_compacted_only_with_xsavec", r.b == 999);
	t[4].eax = HVM_CPUID_D_1_EAX_XSAVEC;

	r = ask(t, n, &st, 0x12, 1);
	check("runtime.sgx_xfrm", r.c == 3 && r.d == 0 && r.a == 0x36);

	/* The max basic leaf, reached out of range, carries its bits too. */
	t[0].eax = 1;
	st.apic_base = HVM_APIC_BASE_ENABLE;
	r = ask(t, n, &st, 0x30, 0);
	check("runtime.applies_after_redirect", !r.exact &&
	      (r.d & HVM_CPUID_1_EDX_APIC) && r.a == 0x906ea);
	t[0].eax = 0xd;

	/* KVM_GET_CPUID2's view agrees with the guest's. */
	st.cr4 = HVM_CR4_OSXSAVE;
	st.apic_base = 0;
	st.xcr0 = 7;
	same = true;
	for (i = 0; i < n; i++) {
		hvm_cpuid_entry_runtime(t, n, i, &st, &out);
		r = ask(t, n, &st, t[i].function, t[i].index);
		same &= regs_of(r, &out) && out.function == t[i].function &&
			out.index == t[i].index && out.flags == t[i].flags;
	}
	check("runtime.entry_view_matches_answer", same);
	hvm_cpuid_entry_runtime(t, n, 1, &st, &out);
	check("runtime.entry_view_bits",
	      (out.ecx & HVM_CPUID_1_ECX_OSXSAVE) &&
	      !(out.edx & HVM_CPUID_1_EDX_APIC));

	/* Only the entry KVM's lookup picks gets the bits. */
	{
		struct kvm_cpuid_entry2 two[] = {
			ent(1, 0, SIG, 0, 0, 0, 0),
			ent(1, 5, 0, 0, 0, 0, 0),
		};

		st.apic_base = HVM_APIC_BASE_ENABLE;
		r = ask(two, 2, &st, 1, 5);
		check("runtime.only_first_leaf1_entry",
		      r.exact && !(r.d & HVM_CPUID_1_EDX_APIC));
		r = ask(two, 2, &st, 1, 0);
		check("runtime.first_leaf1_entry",
		      r.exact && (r.d & HVM_CPUID_1_EDX_APIC));
	}

	/* The comparison after KVM_RUN sees the tables as the guest does. */
	memcpy(copy, t, sizeof(t));
	check("equal.identical", hvm_cpuid_equal(t, n, copy, n, &st));
	copy[1].ecx ^= HVM_CPUID_1_ECX_OSXSAVE;
	copy[1].edx ^= HVM_CPUID_1_EDX_APIC;
	copy[3].ebx = 12345;
	check("equal.runtime_bits_ignored",
	      hvm_cpuid_equal(t, n, copy, n, &st));
	copy[2].ebx ^= 1;
	check("equal.feature_change", !hvm_cpuid_equal(t, n, copy, n, &st));
	memcpy(copy, t, sizeof(t));
	copy[5].flags = 0;
	check("equal.flags_change", !hvm_cpuid_equal(t, n, copy, n, &st));
	memcpy(copy, t, sizeof(t));
	copy[6].index = 4;
	check("equal.index_change", !hvm_cpuid_equal(t, n, copy, n, &st));
	check("equal.nent_change", !hvm_cpuid_equal(t, n, t, n - 1, &st));
	check("equal.empty", hvm_cpuid_equal(NULL, 0, NULL, 0, &st));
}

/* ---- the ioctls' rules --------------------------------------------- */

static void test_rules(void)
{
	struct kvm_cpuid_entry2 t[] = {
		leaf0(1, "GenuineIntel"),
		ent(0x80000008, 0, 0, 0x3030, 0, 0, 0),
	};
	u32 n;

	n = 0;
	check("nent.supported_zero_e2big",
	      hvm_cpuid_supported_nent(&n) == -E2BIG && n == 0);
	n = 1;
	check("nent.supported_one", !hvm_cpuid_supported_nent(&n) && n == 1);
	n = 256;
	check("nent.supported_max", !hvm_cpuid_supported_nent(&n) && n == 256);
	n = 257;
	check("nent.supported_clamped",
	      !hvm_cpuid_supported_nent(&n) && n == 256);
	n = 0xffffffff;
	check("nent.supported_clamped_huge",
	      !hvm_cpuid_supported_nent(&n) && n == 256);
	check("nent.set", !hvm_cpuid_set_nent(0) && !hvm_cpuid_set_nent(256) &&
	      hvm_cpuid_set_nent(257) == -E2BIG &&
	      hvm_cpuid_set_nent(0xffffffff) == -E2BIG);
	check("nent.get", hvm_cpuid_get_nent(3, 4) == -E2BIG &&
	      !hvm_cpuid_get_nent(4, 4) && !hvm_cpuid_get_nent(100, 4) &&
	      !hvm_cpuid_get_nent(0, 0));

	check("check.vaddr48", !hvm_cpuid_check_table(t, 2));
	t[1].eax = 0x3930;
	check("check.vaddr57", !hvm_cpuid_check_table(t, 2));
	t[1].eax = 0x0030;
	check("check.vaddr0", !hvm_cpuid_check_table(t, 2));
	t[1].eax = 0x2830;
	check("check.vaddr40_einval", hvm_cpuid_check_table(t, 2) == -EINVAL);
	check("check.no_leaf", !hvm_cpuid_check_table(t, 1) &&
	      !hvm_cpuid_check_table(NULL, 0));
}

/* ---- fake hosts ---------------------------------------------------- */

struct fake_leaf {
	u32 fn, idx;
	u32 r[4];
};

struct fake_host {
	const struct fake_leaf *leaves;
	unsigned int n;
	u32 fill;	/* what a leaf not listed returns in all four */
	unsigned int calls;
};

static void fake_cpuid(void *ctx, u32 fn, u32 idx, u32 regs[4])
{
	struct fake_host *h = ctx;
	unsigned int i;

	h->calls++;
	for (i = 0; i < h->n; i++) {
		if (h->leaves[i].fn == fn && h->leaves[i].idx == idx) {
			memcpy(regs, h->leaves[i].r, sizeof(h->leaves[i].r));
			return;
		}
	}
	regs[0] = regs[1] = regs[2] = regs[3] = h->fill;
}

#define V(s)	((u32)(s)[0] | (u32)(s)[1] << 8 | (u32)(s)[2] << 16 | \
		 (u32)(s)[3] << 24)

/* A Cascade Lake server, bare metal. */
static const struct fake_leaf intel_host[] = {
	{ 0, 0, { 0x16, V("Genu"), V("ntel"), V("ineI") } },
	{ 1, 0, { 0x00050657, 0x1a400800, 0x7ffefbff, 0xbfebfbff } },
	{ 2, 0, { 0x00feff01, 0xf0, 0, 0 } },
	{ 4, 0, { 0x7c004121, 0x01c0003f, 0x3f, 0 } },
	{ 4, 1, { 0x7c004122, 0x01c0003f, 0x3f, 0 } },
	{ 4, 2, { 0x7c004143, 0x03c0003f, 0x3ff, 0 } },
	{ 4, 3, { 0x7c0fc163, 0x0280003f, 0xdfff, 4 } },
	{ 4, 4, { 0, 0, 0, 0 } },
	{ 5, 0, { 0x40, 0x40, 3, 0x2020 } },
	{ 6, 0, { 0x77, 2, 9, 0 } },
	{ 7, 0, { 0, 0xd39ffffb, 0x00000818, 0xbc000400 } },
	{ 0xa, 0, { 0x07300404, 0, 0, 0x603 } },
	{ 0xb, 0, { 1, 2, 0x100, 0x1a } },
	{ 0xd, 0, { 0x2ff, 0xa88, 0xa88, 0 } },
	{ 0xd, 1, { 0xf, 0xa08, 0, 0 } },
	{ 0x80000000, 0, { 0x80000008, 0, 0, 0 } },
	{ 0x80000001, 0, { 0, 0, 0x121, 0x2c100800 } },
	{ 0x80000006, 0, { 0, 0, 0x01006040, 0 } },
	{ 0x80000007, 0, { 0, 0, 0, 0x100 } },
	{ 0x80000008, 0, { 0x302e, 0, 0, 0 } },
};

/* A Zen 3 EPYC, bare metal. */
static const struct fake_leaf amd_host[] = {
	{ 0, 0, { 0x10, V("Auth"), V("cAMD"), V("enti") } },
	{ 1, 0, { 0x00a00f11, 0x05400800, 0x7ed8320b, 0x178bfbff } },
	{ 5, 0, { 0x40, 0x40, 3, 0x11 } },
	{ 6, 0, { 4, 0, 1, 0 } },
	{ 7, 0, { 0, 0x219c97a9, 0x0040069c, 0x10 } },
	{ 0xd, 0, { 0x207, 0x340, 0x988, 0 } },
	{ 0x80000000, 0, { 0x80000023, V("Auth"), V("cAMD"), V("enti") } },
	{ 0x80000001, 0, { 0x00a00f11, 0x40000000, 0x75c237ff, 0x2fd3fbff } },
	{ 0x80000007, 0, { 0, 0x3b, 0, 0x6799 } },
	{ 0x80000008, 0, { 0x3030, 0x111ef657, 0x0000707f, 0x00010000 } },
	{ 0x8000000a, 0, { 1, 0x8000, 0, 0x119b3cff } },
	{ 0x8000001d, 0, { 0x00004121, 0x01c0003f, 0x3f, 0 } },
	{ 0x8000001d, 1, { 0x00004122, 0x01c0003f, 0x3f, 0 } },
	{ 0x8000001d, 2, { 0x00004143, 0x01c0003f, 0x3ff, 2 } },
	{ 0x8000001d, 3, { 0x0003c163, 0x03c0003f, 0x7fff, 1 } },
	{ 0x8000001d, 4, { 0, 0, 0, 0 } },
	{ 0x8000001e, 0, { 0x12, 0x103, 0x303, 0 } },
	{ 0x8000001f, 0, { 0x0101fd3f, 0x4033, 0x1fd, 1 } },
};

/* Every feature bit set: only the whitelist may come through. */
static const struct fake_leaf intel_allones[] = {
	{ 0, 0, { 0x20, V("Genu"), V("ntel"), V("ineI") } },
	{ 4, 0, { 0x121, ~0u, ~0u, ~0u } },
	{ 4, 1, { 0, ~0u, ~0u, ~0u } },
	{ 0x80000000, 0, { 0x80000008, 0, 0, 0 } },
	{ 0x80000008, 0, { 0x3934, ~0u, ~0u, ~0u } },
};

static const struct fake_leaf amd_allones[] = {
	{ 0, 0, { 0x10, V("Auth"), V("cAMD"), V("enti") } },
	{ 4, 0, { 0, ~0u, ~0u, ~0u } },
	{ 0x80000000, 0, { 0x80000028, V("Auth"), V("cAMD"), V("enti") } },
	{ 0x80000008, 0, { 0x3934, ~0u, ~0u, ~0u } },
	{ 0x8000001d, 0, { 0x121, ~0u, ~0u, ~0u } },
	{ 0x8000001d, 1, { 0x122, ~0u, ~0u, ~0u } },
	{ 0x8000001d, 2, { 0, ~0u, ~0u, ~0u } },
};

#define OUT_MAX		HVM_MAX_CPUID_ENTRIES

static struct kvm_cpuid_entry2 out[OUT_MAX + 1];

static int build(const struct fake_leaf *l, unsigned int n, u32 fill,
		 u32 max, u32 *nent)
{
	struct fake_host h = { .leaves = l, .n = n, .fill = fill };

	memset(out, 0xaa, sizeof(out));
	return hvm_cpuid_build_supported(fake_cpuid, &h, out, max, nent);
}

static const struct kvm_cpuid_entry2 *get(u32 nent, u32 fn, u32 idx)
{
	return hvm_cpuid_find(out, nent, fn, idx);
}

/* Flags, padding, order: what every supported table must satisfy. */
static bool table_well_formed(u32 nent)
{
	bool ok = true, indexed;
	u32 i;

	for (i = 0; i < nent; i++) {
		const struct kvm_cpuid_entry2 *e = &out[i];

		indexed = e->function == 4 || e->function == 7 ||
			  e->function == 0xb || e->function == 0xd ||
			  e->function == 0x8000001d;
		ok &= e->flags == (indexed ? SIG : 0u);
		ok &= !e->padding[0] && !e->padding[1] && !e->padding[2];
		ok &= indexed || e->index == 0;
		ok &= e->function < 0x40000000 ||
		      (e->function >= 0x80000000 && e->function < 0x8000001f);
		if (i)
			ok &= e->function > out[i - 1].function ||
			      (e->function == out[i - 1].function &&
			       e->index == out[i - 1].index + 1);
	}
	/* Nothing was written past the count. */
	ok &= out[nent].function == 0xaaaaaaaa;
	return ok;
}

/* The hiding list of hvmod's design, bit by bit. */
static void check_hidden(const char *host, u32 nent)
{
	const struct kvm_cpuid_entry2 *l1 = get(nent, 1, 0);
	const struct kvm_cpuid_entry2 *l7 = get(nent, 7, 0);
	const struct kvm_cpuid_entry2 *x1 = get(nent, 0x80000001, 0);
	const struct kvm_cpuid_entry2 *x8 = get(nent, 0x80000008, 0);
	char name[96];

#define HIDDEN(e, reg, bit, what)					\
	do {								\
		snprintf(name, sizeof(name), "supported.%s.hides_%s",	\
			 host, what);					\
		check(name, (e) && !((e)->reg & (1u << (bit))));	\
	} while (0)

	HIDDEN(l1, ecx, 2, "dtes64");
	HIDDEN(l1, ecx, 3, "monitor");
	HIDDEN(l1, ecx, 5, "vmx");
	HIDDEN(l1, ecx, 6, "smx");
	HIDDEN(l1, ecx, 12, "fma");
	HIDDEN(l1, ecx, 15, "pdcm");
	HIDDEN(l1, ecx, 17, "pcid");
	HIDDEN(l1, ecx, 21, "x2apic");
	HIDDEN(l1, ecx, 24, "tsc_deadline");
	HIDDEN(l1, ecx, 26, "xsave");
	HIDDEN(l1, ecx, 27, "osxsave");
	HIDDEN(l1, ecx, 28, "avx");
	HIDDEN(l1, ecx, 29, "f16c");
	HIDDEN(l1, edx, 21, "ds");
	HIDDEN(l7, ebx, 1, "tsc_adjust");
	HIDDEN(l7, ebx, 2, "sgx");
	HIDDEN(l7, ebx, 5, "avx2");
	HIDDEN(l7, ebx, 10, "invpcid");
	HIDDEN(l7, ebx, 16, "avx512f");
	HIDDEN(l7, ebx, 25, "intel_pt");
	HIDDEN(l7, ebx, 31, "avx512vl");
	HIDDEN(l7, ecx, 2, "umip");
	HIDDEN(l7, ecx, 3, "pku");
	HIDDEN(l7, ecx, 4, "ospke");
	HIDDEN(l7, ecx, 5, "waitpkg");
	HIDDEN(l7, ecx, 16, "la57");
	HIDDEN(l7, ecx, 22, "rdpid");
	HIDDEN(l7, ecx, 30, "sgx_lc");
	HIDDEN(l7, edx, 24, "amx_tile");
	HIDDEN(l7, edx, 26, "spec_ctrl");
	HIDDEN(l7, edx, 27, "stibp");
	HIDDEN(l7, edx, 29, "arch_capabilities");
	HIDDEN(l7, edx, 31, "ssbd");
	HIDDEN(x1, ecx, 2, "svm");
	HIDDEN(x1, ecx, 11, "xop");
	HIDDEN(x1, edx, 27, "rdtscp");
	HIDDEN(x8, ebx, 12, "amd_ibpb");
	HIDDEN(x8, ebx, 14, "amd_ibrs");
	HIDDEN(x8, ebx, 24, "amd_ssbd");
	HIDDEN(x8, ebx, 25, "virt_ssbd");
#undef HIDDEN

	snprintf(name, sizeof(name), "supported.%s.hypervisor_bit", host);
	check(name, l1 && (l1->ecx & HVM_CPUID_1_ECX_HYPERVISOR));
	snprintf(name, sizeof(name), "supported.%s.apic_id_zero", host);
	check(name, l1 && !(l1->ebx & 0xff000000));
	snprintf(name, sizeof(name), "supported.%s.leaf7_subleaf0_only", host);
	check(name, l7 && l7->eax == 0 && !get(nent, 7, 1));
	snprintf(name, sizeof(name), "supported.%s.no_pmu", host);
	check(name, !get(nent, 0xa, 0) ||
	      (get(nent, 0xa, 0)->eax == 0 && get(nent, 0xa, 0)->edx == 0));
	snprintf(name, sizeof(name), "supported.%s.no_xsave_leaf", host);
	check(name, get(nent, 0xd, 0) && get(nent, 0xd, 0)->eax == 0 &&
	      get(nent, 0xd, 0)->edx == 0 && get(nent, 0xd, 0)->ebx == 576 &&
	      get(nent, 0xd, 0)->ecx == 576 && !get(nent, 0xd, 1));
	snprintf(name, sizeof(name), "supported.%s.no_monitor_leaf", host);
	check(name, get(nent, 5, 0) && !get(nent, 5, 0)->eax &&
	      !get(nent, 5, 0)->ebx && !get(nent, 5, 0)->ecx &&
	      !get(nent, 5, 0)->edx);
	snprintf(name, sizeof(name), "supported.%s.no_paravirt_leaves", host);
	check(name, !get(nent, 0x40000000, 0) && !get(nent, 0x40000001, 0));
	snprintf(name, sizeof(name), "supported.%s.well_formed", host);
	check(name, table_well_formed(nent));
}

static bool vendor_is(const struct kvm_cpuid_entry2 *e, const char *v)
{
	return e && e->ebx == V(v) && e->edx == V(v + 4) &&
	       e->ecx == V(v + 8);
}

static void test_supported_intel(void)
{
	const struct kvm_cpuid_entry2 *e;
	u32 nent = 0, nent2 = 0x1234, i;
	int r;

	r = build(intel_host, ARRAY_LEN(intel_host), 0, OUT_MAX, &nent);
	check("supported.intel.builds", r == 0);
	/* 0..0xd (14), four more cache sub-leaves, 0x80000000..8 (9). */
	check("supported.intel.count", nent == 14 + 4 + 9);
	check_hidden("intel", nent);

	e = get(nent, 0, 0);
	check("supported.intel.vendor_kept", vendor_is(e, "GenuineIntel"));
	check("supported.intel.max_basic", e && e->eax == HVM_CPUID_MAX_BASIC);
	e = get(nent, 0x80000000, 0);
	check("supported.intel.max_ext_host", e && e->eax == 0x80000008);
	e = get(nent, 1, 0);
	check("supported.intel.signature_kept", e && e->eax == 0x00050657 &&
	      (e->ebx & 0x00ffffff) == 0x400800);
	check("supported.intel.kept_1", e &&
	      (e->ecx & (1u << 20)) && (e->ecx & (1u << 23)) &&
	      (e->ecx & (1u << 25)) && (e->ecx & (1u << 13)) &&
	      (e->edx & (1u << 9)) && (e->edx & (1u << 25)) &&
	      (e->edx & (1u << 26)) && !(e->edx & (1u << 28)));
	e = get(nent, 7, 0);
	check("supported.intel.kept_7", e && (e->ebx & (1u << 7)) &&
	      (e->ebx & (1u << 20)) && (e->ebx & (1u << 0)) &&
	      (e->edx & (1u << 10)) && !(e->ecx & (1u << 11)));
	e = get(nent, 0x80000001, 0);
	check("supported.intel.kept_ext", e && (e->edx & (1u << 20)) &&
	      (e->edx & (1u << 29)) && (e->edx & (1u << 11)) &&
	      (e->edx & (1u << 26)) && (e->ecx & 1));
	e = get(nent, 4, 3);
	check("supported.intel.cache_leaf_kept", e && e->eax == 0x7c0fc163 &&
	      e->ebx == 0x0280003f && get(nent, 4, 4) && !get(nent, 4, 5));
	e = get(nent, 2, 0);
	check("supported.intel.leaf2_kept", e && e->eax == 0x00feff01);
	e = get(nent, 6, 0);
	check("supported.intel.leaf6_arat_only", e && e->eax == 4 &&
	      !e->ebx && !e->ecx && !e->edx);
	e = get(nent, 0xb, 0);
	check("supported.intel.leafb_zero", e && !e->eax && !e->ebx &&
	      !e->ecx && !e->edx);
	e = get(nent, 0x80000008, 0);
	check("supported.intel.address_sizes", e && e->eax == 0x302e);
	e = get(nent, 0x80000007, 0);
	check("supported.intel.invariant_tsc", e && e->edx == 0x100);

	/* A table that does not fit, one that just does. */
	r = build(intel_host, ARRAY_LEN(intel_host), 0, nent - 1, &nent2);
	check("supported.intel.e2big", r == -E2BIG && nent2 == 0x1234);
	r = build(intel_host, ARRAY_LEN(intel_host), 0, 1, &nent2);
	check("supported.intel.e2big_one", r == -E2BIG && nent2 == 0x1234);
	r = build(intel_host, ARRAY_LEN(intel_host), 0, nent, &nent2);
	check("supported.intel.exact_fit", r == 0 && nent2 == nent);

	/* Used as a vCPU table. */
	{
		struct hvm_cpuid_state st = {
			.apic_base = 0xfee00900, .xcr0 = 1,
			.host = HVM_CPUID_HOST_XSAVE,
		};
		struct regs q;

		q = ask(out, nent, &st, 1, 0);
		check("supported.intel.as_table_leaf1",
		      (q.d & HVM_CPUID_1_EDX_APIC) &&
		      (q.c & HVM_CPUID_1_ECX_HYPERVISOR) &&
		      !(q.c & HVM_CPUID_1_ECX_OSXSAVE));
		q = ask(out, nent, &st, 0x14, 0);
		check("supported.intel.as_table_above_max",
		      !q.exact && q.b == 576 && q.a == 0);
		q = ask(out, nent, &st, 0x4, 1);
		check("supported.intel.as_table_cache", q.exact &&
		      q.a == 0x7c004122);
	}

	/* Every bit set: exactly the whitelist plus the hypervisor bit. */
	r = build(intel_allones, ARRAY_LEN(intel_allones), ~0u, OUT_MAX,
		  &nent);
	check("supported.intel_allones.builds", r == 0 &&
	      nent == 14 + 1 + 9);
	check_hidden("intel_allones", nent);
	e = get(nent, 0x80000008, 0);
	check("supported.intel_allones.phys_capped_virt48",
	      e && e->eax == 0x3030 && !e->edx && (e->ecx & 0xffff0f00) == 0);
	e = get(nent, 0x80000001, 0);
	check("supported.intel_allones.ext1_masks", e &&
	      e->ecx == 0x006001f3 && e->edx == 0xe7d3fbff &&
	      (e->ebx & 0x0fff0000) == 0);
	e = get(nent, 1, 0);
	check("supported.intel_allones.leaf1_masks", e &&
	      e->ecx == 0xc2d82203 && e->edx == 0x0f8bfbff &&
	      e->ebx == 0x00ffffff);
	e = get(nent, 7, 0);
	check("supported.intel_allones.leaf7_masks", e &&
	      e->ebx == 0x219c2bd9 && e->ecx == 0x1a000100 &&
	      e->edx == 0x00014410);
	i = 0;
	for (e = out; e < out + nent; e++)
		if (e->function > HVM_CPUID_MAX_BASIC &&
		    e->function < 0x80000000)
			i++;
	check("supported.intel_allones.no_leaf_above_max", i == 0);
	e = get(nent, 0xc, 0);
	check("supported.intel_allones.reserved_leaf_zero", e && !e->eax &&
	      !e->ebx && !e->ecx && !e->edx);

	/* A host whose basic leaves stop below 0xd. */
	{
		struct fake_leaf small[ARRAY_LEN(intel_allones)];

		memcpy(small, intel_allones, sizeof(small));
		small[0].r[0] = 5;
		r = build(small, ARRAY_LEN(small), ~0u, OUT_MAX, &nent);
		check("supported.small_host.max_basic",
		      r == 0 && get(nent, 0, 0)->eax == 5 &&
		      get(nent, 5, 0) && !get(nent, 6, 0) &&
		      !get(nent, 0xd, 0));
	}
}

static void test_supported_amd(void)
{
	const struct kvm_cpuid_entry2 *e;
	u32 nent = 0, i;
	bool ok;
	int r;

	r = build(amd_host, ARRAY_LEN(amd_host), 0, OUT_MAX, &nent);
	check("supported.amd.builds", r == 0);
	/* 0..0xd (14), 0x80000000..0x8000001e (31), four more of 0x8000001d. */
	check("supported.amd.count", nent == 14 + 31 + 4);
	check_hidden("amd", nent);

	e = get(nent, 0, 0);
	check("supported.amd.vendor_kept", vendor_is(e, "AuthenticAMD"));
	e = get(nent, 0x80000000, 0);
	check("supported.amd.max_ext", e && e->eax == HVM_CPUID_MAX_EXT &&
	      vendor_is(e, "AuthenticAMD"));
	check("supported.amd.no_sev_leaf", !get(nent, 0x8000001f, 0) &&
	      !get(nent, 0x80000020, 0));
	e = get(nent, 0x8000000a, 0);
	check("supported.amd.no_svm_leaf", e && !e->eax && !e->ebx &&
	      !e->ecx && !e->edx);
	ok = true;
	for (i = 0; i <= 4; i++) {
		e = get(nent, 0x8000001d, i);
		ok &= e && e->flags == SIG && e->eax == amd_host[11 + i].r[0] &&
		      e->ebx == amd_host[11 + i].r[1];
	}
	check("supported.amd.cache_leaf_kept", ok && !get(nent, 0x8000001d, 5));
	e = get(nent, 0x8000001e, 0);
	check("supported.amd.topology_leaf_zero", e && !e->eax && !e->ebx &&
	      !e->ecx && !e->edx);
	e = get(nent, 0x80000001, 0);
	check("supported.amd.topoext_kept", e && (e->ecx & (1u << 22)) &&
	      e->eax == 0x00a00f11);
	e = get(nent, 1, 0);
	check("supported.amd.signature_kept", e && e->eax == 0x00a00f11 &&
	      (e->ebx & 0xff000000) == 0 && (e->ebx & 0xffffff) == 0x400800);
	e = get(nent, 0x80000008, 0);
	check("supported.amd.address_sizes", e && e->eax == 0x3030 &&
	      e->ebx == (0x111ef657u & 0x04000205u) && e->ecx == 0x707f &&
	      e->edx == 0);
	e = get(nent, 0x80000007, 0);
	check("supported.amd.power_mgmt", e && !e->ebx && e->edx == 0x100);
	e = get(nent, 4, 0);
	check("supported.amd.leaf4_single_zero", e && !e->eax &&
	      !get(nent, 4, 1));

	/* AMD rule once used as a vCPU table. */
	{
		struct regs q = ask(out, nent, &no_state, 0x20, 0);

		check("supported.amd.as_table_out_of_range_zeros",
		      !q.exact && regs_are(q, 0, 0, 0, 0));
	}

	r = build(amd_allones, ARRAY_LEN(amd_allones), ~0u, OUT_MAX, &nent);
	check("supported.amd_allones.builds", r == 0 && nent == 14 + 31 + 2);
	check_hidden("amd_allones", nent);
	e = get(nent, 0x80000008, 0);
	check("supported.amd_allones.ext8_ebx", e && e->ebx == 0x04000205);
	e = get(nent, 0x8000001a, 0);
	check("supported.amd_allones.perf_hints", e && e->eax == 7 &&
	      !e->ebx && !e->ecx && !e->edx);
	e = get(nent, 0x80000019, 0);
	check("supported.amd_allones.gb_tlb", e && e->eax == ~0u &&
	      e->ebx == ~0u && !e->ecx && !e->edx);
	e = get(nent, 0x80000006, 0);
	check("supported.amd_allones.l2", e && e->edx == ~0x00030000u);
	ok = true;
	for (i = 0x80000009; i <= 0x8000001e; i++) {
		if (i == 0x80000019 || i == 0x8000001a || i == 0x8000001d)
			continue;
		e = get(nent, i, 0);
		ok &= e && !e->eax && !e->ebx && !e->ecx && !e->edx;
	}
	check("supported.amd_allones.other_ext_zero", ok);
}

int main(void)
{
	test_lookup();
	test_classes();
	test_amd_rule();
	test_runtime();
	test_rules();
	test_supported_intel();
	test_supported_amd();
	return unit_failed ? 1 : 0;
}
