// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPUID tables (see cpuid.h): lookup, the guest's answer with its
 * run-time bits, the nent rules of the ioctls, and the supported table.
 * Pure code: also built into native unit tests (selftests/unit).
 *
 * The behaviour is KVM's, Linux 6.1 arch/x86/kvm/cpuid.c; the function
 * comments name the KVM function each one follows. Register and bit
 * positions: Intel SDM vol. 2A (325383-081US), CPUID; AMD APM vol. 3
 * (24594) rev. 3.35, appendix E.
 */
#include "kmod/cpuid.h"

#define SIGNIFICANT	KVM_CPUID_FLAG_SIGNIFCANT_INDEX

#ifndef __KERNEL__
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* The 512-byte legacy (x87/SSE) region plus the 64-byte XSAVE header. */
#define XSAVE_LEGACY_SIZE	576u

/*
 * The XCR0 bits hvmod can give a guest: x87 and SSE, which need no XSAVE
 * (hvmod reports no XSAVE and does not switch XCR0). Only the SGX rule
 * reads it.
 */
#define HVM_SUPPORTED_XCR0	0x3ull

/* Leaf 0 EBX, ECX, EDX: the vendors whose tables use AMD's range rule. */
#define AUTHENTICAMD_EBX	0x68747541u	/* "Auth" */
#define AUTHENTICAMD_ECX	0x444d4163u	/* "cAMD" */
#define AUTHENTICAMD_EDX	0x69746e65u	/* "enti" */
#define AMDISBETTER_EBX		0x69444d41u	/* "AMDi" */
#define AMDISBETTER_ECX		0x21726574u	/* "ter!" */
#define AMDISBETTER_EDX		0x74656273u	/* "sbet" */
#define HYGONGENUINE_EBX	0x6f677948u	/* "Hygo" */
#define HYGONGENUINE_ECX	0x656e6975u	/* "uine" */
#define HYGONGENUINE_EDX	0x6e65476eu	/* "nGen" */

static u32 min_u32(u32 a, u32 b)
{
	return a < b ? a : b;
}

static u32 *entry_reg(struct kvm_cpuid_entry2 *e, unsigned int reg)
{
	switch (reg) {
	case HVM_CPUID_EAX:
		return &e->eax;
	case HVM_CPUID_EBX:
		return &e->ebx;
	case HVM_CPUID_ECX:
		return &e->ecx;
	default:
		return &e->edx;
	}
}

static void set_bit_to(u32 *reg, u32 bit, bool on)
{
	if (on)
		*reg |= bit;
	else
		*reg &= ~bit;
}

/* The leaves whose sub-leaf is significant (KVM's cpuid_function_is_indexed). */
static bool function_is_indexed(u32 function)
{
	switch (function) {
	case 0x4:
	case 0x7:
	case 0xb:
	case 0xd:
	case 0xf:
	case 0x10:
	case 0x12:
	case 0x14:
	case 0x17:
	case 0x18:
	case 0x1d:
	case 0x1e:
	case 0x1f:
	case 0x8000001d:
		return true;
	default:
		return false;
	}
}

/* ------------------------------------------------------------------ */
/* Lookup and answer                                                   */
/* ------------------------------------------------------------------ */

/* KVM's cpuid_entry2_find() with a real index. */
const struct kvm_cpuid_entry2 *
hvm_cpuid_find(const struct kvm_cpuid_entry2 *e, u32 nent, u32 function,
	       u32 index)
{
	u32 i;

	for (i = 0; i < nent; i++) {
		if (e[i].function != function)
			continue;
		if (!(e[i].flags & SIGNIFICANT) || e[i].index == index)
			return &e[i];
	}
	return NULL;
}

/*
 * KVM's cpuid_entry2_find() with KVM_CPUID_INDEX_NOT_SIGNIFICANT (its
 * kvm_find_cpuid_entry()): the first entry for @function, whatever its
 * index and flags.
 */
static const struct kvm_cpuid_entry2 *
find_function(const struct kvm_cpuid_entry2 *e, u32 nent, u32 function)
{
	u32 i;

	for (i = 0; i < nent; i++)
		if (e[i].function == function)
			return &e[i];
	return NULL;
}

/*
 * Size of the XSAVE area for @xcr0 (KVM's xstate_required_size()), from
 * the table's sub-leaves 0xd.2 .. 0xd.62: EAX size, EBX offset in the
 * standard format, ECX[1] 64-byte alignment in the compacted one. KVM
 * reads the host's sub-leaves instead; hvmod takes the table as the truth,
 * and a component without its sub-leaf counts for nothing.
 */
static u32 xsave_size(const struct kvm_cpuid_entry2 *t, u32 nent, u64 xcr0,
		      bool compacted)
{
	u32 size = XSAVE_LEGACY_SIZE;
	u32 i, j, off;

	for (i = 2; i < 63; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		for (j = 0; j < nent; j++)
			if (t[j].function == 0xd && t[j].index == i &&
			    (t[j].flags & SIGNIFICANT))
				break;
		if (j == nent)
			continue;
		if (!compacted)
			off = t[j].ebx;
		else if (t[j].ecx & BIT(1))
			off = (size + 63) & ~63u;
		else
			off = size;
		if (off + t[j].eax > size)
			size = off + t[j].eax;
	}
	return size;
}

/*
 * The run-time bits of entry @e of table @t (KVM's
 * __kvm_update_cpuid_runtime()), applied to @r, @e's registers. Each rule
 * applies to the entry KVM's own lookup picks, so it is tested by
 * identity. KVM's MWAIT rule is left out: it applies only once userspace
 * disables KVM_X86_QUIRK_MISC_ENABLE_NO_MWAIT, which hvmod does not offer.
 */
static void runtime_bits(const struct kvm_cpuid_entry2 *t, u32 nent,
			 const struct kvm_cpuid_entry2 *e,
			 const struct hvm_cpuid_state *st, u32 r[4])
{
	u64 xcr0;

	switch (e->function) {
	case 0x1:
		if (e != find_function(t, nent, 0x1))
			break;
		if (st->host & HVM_CPUID_HOST_XSAVE)
			set_bit_to(&r[HVM_CPUID_ECX], HVM_CPUID_1_ECX_OSXSAVE,
				   st->cr4 & HVM_CR4_OSXSAVE);
		set_bit_to(&r[HVM_CPUID_EDX], HVM_CPUID_1_EDX_APIC,
			   st->apic_base & HVM_APIC_BASE_ENABLE);
		break;
	case 0x7:
		if (e == hvm_cpuid_find(t, nent, 0x7, 0) &&
		    (st->host & HVM_CPUID_HOST_PKU))
			set_bit_to(&r[HVM_CPUID_ECX], HVM_CPUID_7_ECX_OSPKE,
				   st->cr4 & HVM_CR4_PKE);
		break;
	case 0xd:
		/* Not else-if: an entry without a significant index is both. */
		if (e == hvm_cpuid_find(t, nent, 0xd, 0))
			r[HVM_CPUID_EBX] = xsave_size(t, nent, st->xcr0, false);
		if (e == hvm_cpuid_find(t, nent, 0xd, 1) &&
		    (r[HVM_CPUID_EAX] & (HVM_CPUID_D_1_EAX_XSAVEC |
					 HVM_CPUID_D_1_EAX_XSAVES)))
			r[HVM_CPUID_EBX] = xsave_size(t, nent, st->xcr0, true);
		break;
	case 0x12:
		/*
		 * SGX: the allowed XFRM follows the guest's supported XCR0,
		 * and x87/SSE are always allowed.
		 */
		if (e != hvm_cpuid_find(t, nent, 0x12, 1))
			break;
		e = hvm_cpuid_find(t, nent, 0xd, 0);
		xcr0 = e ? (e->eax | (u64)e->edx << 32) & HVM_SUPPORTED_XCR0 : 0;
		r[HVM_CPUID_ECX] &= (u32)xcr0;
		r[HVM_CPUID_EDX] &= (u32)(xcr0 >> 32);
		r[HVM_CPUID_ECX] |= 0x3;
		break;
	}
}

/* The registers the guest sees for entry @e of table @t. */
static void entry_regs(const struct kvm_cpuid_entry2 *t, u32 nent,
		       const struct kvm_cpuid_entry2 *e,
		       const struct hvm_cpuid_state *st, u32 r[4])
{
	r[HVM_CPUID_EAX] = e->eax;
	r[HVM_CPUID_EBX] = e->ebx;
	r[HVM_CPUID_ECX] = e->ecx;
	r[HVM_CPUID_EDX] = e->edx;
	runtime_bits(t, nent, e, st, r);
}

void hvm_cpuid_entry_runtime(const struct kvm_cpuid_entry2 *e, u32 nent,
			     u32 i, const struct hvm_cpuid_state *st,
			     struct kvm_cpuid_entry2 *out)
{
	u32 r[4];

	entry_regs(e, nent, &e[i], st, r);
	*out = e[i];
	out->eax = r[HVM_CPUID_EAX];
	out->ebx = r[HVM_CPUID_EBX];
	out->ecx = r[HVM_CPUID_ECX];
	out->edx = r[HVM_CPUID_EDX];
}

static bool vendor_is_amd_like(const struct kvm_cpuid_entry2 *basic)
{
	u32 b = basic->ebx, c = basic->ecx, d = basic->edx;

	return (b == AUTHENTICAMD_EBX && c == AUTHENTICAMD_ECX &&
		d == AUTHENTICAMD_EDX) ||
	       (b == AMDISBETTER_EBX && c == AMDISBETTER_ECX &&
		d == AMDISBETTER_EDX) ||
	       (b == HYGONGENUINE_EBX && c == HYGONGENUINE_ECX &&
		d == HYGONGENUINE_EDX);
}

/*
 * KVM's get_out_of_range_cpuid_entry(). Intel (and Centaur, and any
 * vendor but AMD and Hygon) answer a leaf above the maximum of its class
 * with the highest basic leaf, at the requested sub-leaf; AMD and Hygon
 * answer zeros. Classes, each existing iff its base leaf has an entry
 * whose EAX is the class's maximum: basic (0x0-0x3fffffff and
 * 0x50000000-0x7fffffff, base 0), one per 0x100 leaves of the hypervisor
 * range 0x40000000-0x4fffffff, extended (0x80000000-0xbfffffff) and
 * Centaur (0xc0000000 and up). A leaf of a class that does not exist is
 * out of range too. Updates *@function to the leaf actually used.
 */
static const struct kvm_cpuid_entry2 *
out_of_range_entry(const struct kvm_cpuid_entry2 *t, u32 nent, u32 *function,
		   u32 index)
{
	const struct kvm_cpuid_entry2 *basic, *class;
	u32 fn = *function;

	basic = find_function(t, nent, 0);
	if (!basic || vendor_is_amd_like(basic))
		return NULL;

	if (fn >= 0x40000000 && fn <= 0x4fffffff)
		class = find_function(t, nent, fn & 0xffffff00);
	else if (fn >= 0xc0000000)
		class = find_function(t, nent, 0xc0000000);
	else
		class = find_function(t, nent, fn & 0x80000000);
	if (class && fn <= class->eax)
		return NULL;

	*function = basic->eax;
	return hvm_cpuid_find(t, nent, basic->eax, index);
}

/* KVM's kvm_cpuid(), exact_only false. */
bool hvm_cpuid_answer(const struct kvm_cpuid_entry2 *e, u32 nent,
		      const struct hvm_cpuid_state *st,
		      u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	const struct kvm_cpuid_entry2 *entry, *sub1;
	u32 function = *eax, index = *ecx;
	u32 r[4] = { 0, 0, 0, 0 };
	bool exact;

	entry = hvm_cpuid_find(e, nent, function, index);
	exact = !!entry;
	if (!entry)
		entry = out_of_range_entry(e, nent, &function, index);

	if (entry) {
		entry_regs(e, nent, entry, st, r);
	} else if (function == 0xb || function == 0x1f) {
		/*
		 * An extended topology leaf exists iff its sub-leaf 1 does;
		 * then an undefined sub-leaf still echoes ECX[7:0] and gives
		 * the x2APIC id in EDX. @function may be the max basic leaf
		 * here, as in KVM.
		 */
		sub1 = hvm_cpuid_find(e, nent, function, 1);
		if (sub1) {
			r[HVM_CPUID_ECX] = index & 0xff;
			r[HVM_CPUID_EDX] = sub1->edx;
		}
	}

	*eax = r[HVM_CPUID_EAX];
	*ebx = r[HVM_CPUID_EBX];
	*ecx = r[HVM_CPUID_ECX];
	*edx = r[HVM_CPUID_EDX];
	return exact;
}

/* ------------------------------------------------------------------ */
/* The ioctls' rules                                                   */
/* ------------------------------------------------------------------ */

int hvm_cpuid_supported_nent(u32 *nent)
{
	if (*nent < 1)
		return -E2BIG;
	if (*nent > HVM_MAX_CPUID_ENTRIES)
		*nent = HVM_MAX_CPUID_ENTRIES;
	return 0;
}

int hvm_cpuid_set_nent(u32 nent)
{
	return nent > HVM_MAX_CPUID_ENTRIES ? -E2BIG : 0;
}

int hvm_cpuid_get_nent(u32 user_nent, u32 nent)
{
	return user_nent < nent ? -E2BIG : 0;
}

/* KVM's kvm_cpuid_check_equal(), on the tables as the guest sees them. */
bool hvm_cpuid_equal(const struct kvm_cpuid_entry2 *a, u32 na,
		     const struct kvm_cpuid_entry2 *b, u32 nb,
		     const struct hvm_cpuid_state *st)
{
	u32 i, ra[4], rb[4];

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		if (a[i].function != b[i].function ||
		    a[i].index != b[i].index || a[i].flags != b[i].flags)
			return false;
		entry_regs(a, na, &a[i], st, ra);
		entry_regs(b, nb, &b[i], st, rb);
		if (ra[0] != rb[0] || ra[1] != rb[1] || ra[2] != rb[2] ||
		    ra[3] != rb[3])
			return false;
	}
	return true;
}

/*
 * KVM's kvm_check_cpuid(). Its other check, enabling the dynamic XSAVE
 * components of CPUID.0xd.0 (AMX tile data) in the guest FPU, does not
 * apply: hvmod has no XSAVE for guests.
 */
int hvm_cpuid_check_table(const struct kvm_cpuid_entry2 *e, u32 nent)
{
	const struct kvm_cpuid_entry2 *best;
	u32 vaddr_bits;

	best = find_function(e, nent, 0x80000008);
	if (best) {
		vaddr_bits = (best->eax >> 8) & 0xff;
		if (vaddr_bits != 48 && vaddr_bits != 57 && vaddr_bits != 0)
			return -EINVAL;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The supported table                                                 */
/* ------------------------------------------------------------------ */

/*
 * What hvmod keeps of the host's feature registers: a whitelist, one line
 * per kept feature. Below each, the features of that register KVM 6.1
 * reports and hvmod hides, with the reason; bits named in neither list are
 * hidden by KVM too.
 *
 * Kept features that need MSR or intercept work in the back ends, as in
 * KVM: MSR, TSC, MCE/MCA (IA32_MCG_*), MTRR, PAT, SEP (SYSENTER MSRs),
 * SYSCALL/LM/NX (EFER, STAR...), FSGSBASE/SMEP/SMAP (CR4 bits the guest
 * may set), WBNOINVD (the WBINVD intercept also catches it).
 */
struct cpuid_keep {
	u32 function;		/* sub-leaf 0 */
	unsigned int reg;	/* HVM_CPUID_EAX .. HVM_CPUID_EDX */
	u32 keep;
};

static const struct cpuid_keep cpuid_keep[] = {
	{ 0x1, HVM_CPUID_ECX,
	  BIT(0) |	/* SSE3 */
	  BIT(1) |	/* PCLMULQDQ */
	  BIT(9) |	/* SSSE3 */
	  BIT(13) |	/* CMPXCHG16B */
	  BIT(19) |	/* SSE4.1 */
	  BIT(20) |	/* SSE4.2 */
	  BIT(22) |	/* MOVBE */
	  BIT(23) |	/* POPCNT */
	  BIT(25) |	/* AES-NI (legacy SSE encoding) */
	  BIT(30) },	/* RDRAND */
	/*
	 * Hidden, 1:ECX:
	 *  12 FMA: VEX-encoded, uses the AVX state, which needs XSAVE.
	 *  15 PDCM: IA32_PERF_CAPABILITIES; hvmod has no PMU.
	 *  17 PCID: CR4.PCIDE and the CR3 no-flush bit are not handled by
	 *     hvmod's CR3/CR4 paths and TLB management.
	 *  21 x2APIC: no x2APIC (MSR) emulation; vCPU ids fit the xAPIC.
	 *  26 XSAVE: hvmod does not switch XCR0 (nor XSS) around the guest.
	 *  27 OSXSAVE: not a feature: the run-time copy of CR4.OSXSAVE.
	 *  28 AVX, 29 F16C: YMM state, which needs XSAVE.
	 *  (KVM too: 2 DTES64, 4 DS-CPL: debug store, a PMU part; 3 MONITOR:
	 *  MWAIT must not idle a CPU in the guest; 5 VMX: no nesting; 6 SMX:
	 *  GETSEC; 24 TSC-deadline: no in-kernel LAPIC timer.)
	 *  31 hypervisor: not a host feature; hvmod sets it (below).
	 */
	{ 0x1, HVM_CPUID_EDX,
	  BIT(0) |	/* FPU */
	  BIT(1) |	/* VME */
	  BIT(2) |	/* DE */
	  BIT(3) |	/* PSE */
	  BIT(4) |	/* TSC */
	  BIT(5) |	/* MSR */
	  BIT(6) |	/* PAE */
	  BIT(7) |	/* MCE */
	  BIT(8) |	/* CX8 */
	  BIT(9) |	/* APIC (then the run-time APIC_BASE.EN copy) */
	  BIT(11) |	/* SEP */
	  BIT(12) |	/* MTRR */
	  BIT(13) |	/* PGE */
	  BIT(14) |	/* MCA */
	  BIT(15) |	/* CMOV */
	  BIT(16) |	/* PAT */
	  BIT(17) |	/* PSE-36 */
	  BIT(19) |	/* CLFLUSH */
	  BIT(23) |	/* MMX */
	  BIT(24) |	/* FXSR */
	  BIT(25) |	/* SSE */
	  BIT(26) |	/* SSE2 */
	  BIT(27) },	/* SS (self snoop) */
	/*
	 * Hidden, 1:EDX, as in KVM: 18 PSN (leaf 3 is zeros), 21 DS and 22
	 * ACPI (debug store, thermal MSRs), 28 HTT (topology is userspace's
	 * to describe), 29 TM, 31 PBE.
	 */
	{ 0x7, HVM_CPUID_EBX,
	  BIT(0) |	/* FSGSBASE */
	  BIT(3) |	/* BMI1 */
	  BIT(4) |	/* HLE */
	  BIT(6) |	/* FDP_EXCPTN_ONLY */
	  BIT(7) |	/* SMEP */
	  BIT(8) |	/* BMI2 */
	  BIT(9) |	/* ERMS */
	  BIT(11) |	/* RTM */
	  BIT(13) |	/* ZERO_FCS_FDS */
	  BIT(18) |	/* RDSEED */
	  BIT(19) |	/* ADX */
	  BIT(20) |	/* SMAP */
	  BIT(23) |	/* CLFLUSHOPT */
	  BIT(24) |	/* CLWB */
	  BIT(29) },	/* SHA-NI (legacy SSE encoding) */
	/*
	 * Hidden, 7.0:EBX:
	 *   1 TSC_ADJUST: IA32_TSC_ADJUST is not emulated (KVM sets it).
	 *   2 SGX: no EPC, ENCLS/ENCLV not handled.
	 *   5 AVX2: YMM state, XSAVE.
	 *  10 INVPCID: goes with PCID (hidden); the back ends leave it
	 *     disabled (VT-x) or must intercept it (AMD-V).
	 *  16 AVX512F, 17 AVX512DQ, 21 AVX512_IFMA, 26 AVX512PF, 27 AVX512ER,
	 *  28 AVX512CD, 30 AVX512BW, 31 AVX512VL: ZMM/opmask state, XSAVE.
	 *  (KVM too: 14 MPX, 25 Intel PT.)
	 */
	{ 0x7, HVM_CPUID_ECX,
	  BIT(8) |	/* GFNI (legacy SSE encoding) */
	  BIT(25) |	/* CLDEMOTE */
	  BIT(27) |	/* MOVDIRI */
	  BIT(28) },	/* MOVDIR64B */
	/*
	 * Hidden, 7.0:ECX:
	 *   1 AVX512_VBMI, 6 AVX512_VBMI2, 11 AVX512_VNNI, 12 AVX512_BITALG,
	 *  14 AVX512_VPOPCNTDQ: ZMM state, XSAVE.
	 *   2 UMIP: CR4.UMIP is not handled, and hvmod does not intercept
	 *     the descriptor-table instructions to emulate it.
	 *   3 PKU, 4 OSPKE: KVM_GET_XSAVE does not carry PKRU (no XSAVE).
	 *     hvmod switches PKRU around entry, and a table userspace sets
	 *     PKU in lets the guest set CR4.PKE (kmod/cr.c).
	 *   9 VAES, 10 VPCLMULQDQ: VEX/EVEX on YMM/ZMM, XSAVE.
	 *  16 LA57: no 5-level paging (CR4.LA57); hvmod's NPT and the
	 *     reported address sizes are 48-bit.
	 *  22 RDPID: reads IA32_TSC_AUX, which is not switched.
	 *  24 BUS_LOCK_DETECT: IA32_DEBUGCTL is not emulated.
	 *  30 SGX_LC: SGX.
	 *  (KVM too: 5 WAITPKG: IA32_UMWAIT_CONTROL and the VT-x control
	 *  are not set up.)
	 */
	{ 0x7, HVM_CPUID_EDX,
	  BIT(4) |	/* FSRM */
	  BIT(10) |	/* MD_CLEAR (VERW clears buffers) */
	  BIT(14) |	/* SERIALIZE */
	  BIT(16) },	/* TSXLDTRK */
	/*
	 * Hidden, 7.0:EDX:
	 *   2 AVX512_4VNNIW, 3 AVX512_4FMAPS, 8 AVX512_VP2INTERSECT,
	 *  23 AVX512_FP16: ZMM state, XSAVE.
	 *  22 AMX_BF16, 24 AMX_TILE, 25 AMX_INT8: tile state, XSAVE.
	 *  26 IBRS/IBPB (SPEC_CTRL), 27 STIBP, 31 SSBD: IA32_SPEC_CTRL and
	 *     IA32_PRED_CMD are not passed through yet; to expose once the
	 *     back ends switch SPEC_CTRL around VM entry.
	 *  29 ARCH_CAPABILITIES: IA32_ARCH_CAPABILITIES is not emulated
	 *     (KVM emulates it and always sets the bit).
	 */
	{ 0x80000001, HVM_CPUID_ECX,
	  BIT(0) |	/* LAHF/SAHF in 64-bit mode */
	  BIT(1) |	/* CmpLegacy */
	  BIT(4) |	/* AltMovCr8 */
	  BIT(5) |	/* ABM (LZCNT) */
	  BIT(6) |	/* SSE4A */
	  BIT(7) |	/* MisAlignSse */
	  BIT(8) |	/* 3DNowPrefetch */
	  BIT(21) |	/* TBM (general-purpose registers only) */
	  BIT(22) },	/* TopologyExtensions (0x8000001d, 0x8000001e) */
	/*
	 * Hidden, 0x80000001:ECX:
	 *   9 OSVW: the OS-visible-workaround MSRs are not emulated.
	 *  11 XOP, 16 FMA4: YMM state, XSAVE.
	 *  (KVM too: 2 SVM: no nesting; 3 ExtApicSpace; 10 IBS and 23
	 *  PerfCtrExtCore: no PMU; 12 SKINIT; 13 WDT; 15 LWP.)
	 */
	{ 0x80000001, HVM_CPUID_EDX,
	  BIT(0) | BIT(1) | BIT(2) | BIT(3) |	/* FPU VME DE PSE */
	  BIT(4) | BIT(5) | BIT(6) | BIT(7) |	/* TSC MSR PAE MCE */
	  BIT(8) | BIT(9) |			/* CX8 APIC */
	  BIT(11) |	/* SYSCALL/SYSRET */
	  BIT(12) | BIT(13) | BIT(14) | BIT(15) |	/* MTRR PGE MCA CMOV */
	  BIT(16) | BIT(17) |			/* PAT PSE-36 */
	  BIT(20) |	/* NX */
	  BIT(22) |	/* MmxExt */
	  BIT(23) |	/* MMX */
	  BIT(24) |	/* FXSR */
	  BIT(25) |	/* FFXSR */
	  BIT(26) |	/* 1-GiB pages (walked by the NPT/EPT hardware) */
	  BIT(29) |	/* LM */
	  BIT(30) |	/* 3DNowExt */
	  BIT(31) },	/* 3DNow */
	/*
	 * Hidden, 0x80000001:EDX:
	 *  27 RDTSCP: reads IA32_TSC_AUX, which is not switched.
	 */
	{ 0x80000007, HVM_CPUID_EDX,
	  BIT(8) },	/* invariant TSC */
	/* Hidden as in KVM: the power-management bits. */
	{ 0x80000008, HVM_CPUID_EBX,
	  BIT(0) |	/* CLZERO */
	  BIT(2) |	/* XSaveErPtr: FXSAVE always saves the FP pointers */
	  BIT(9) |	/* WBNOINVD */
	  BIT(26) },	/* SSB_NO: not affected by speculative store bypass */
	/*
	 * Hidden, 0x80000008:EBX:
	 *  12 IBPB, 14 IBRS, 15 STIBP, 17 STIBP always on, 24 SSBD,
	 *  25 VIRT_SSBD, 28 PSFD: IA32_SPEC_CTRL, IA32_PRED_CMD and
	 *     VIRT_SPEC_CTRL are neither passed through nor emulated yet.
	 */
};

/* CPUID.6:EAX[2], ARAT: the APIC timer runs in every C-state. */
#define CPUID_6_EAX_ARAT	BIT(2)

struct cpuid_builder {
	void (*host_cpuid)(void *ctx, u32 fn, u32 idx, u32 regs[4]);
	void *ctx;
	struct kvm_cpuid_entry2 *out;
	u32 max;
	u32 n;
};

/* KVM's do_host_cpuid(): the next entry, the host's values, its flag. */
static struct kvm_cpuid_entry2 *host_entry(struct cpuid_builder *b,
					   u32 function, u32 index)
{
	struct kvm_cpuid_entry2 *e;
	u32 r[4] = { 0, 0, 0, 0 };

	if (b->n >= b->max)
		return NULL;
	e = &b->out[b->n++];
	b->host_cpuid(b->ctx, function, index, r);
	*e = (struct kvm_cpuid_entry2) {
		.function = function,
		.index = index,
		.flags = function_is_indexed(function) ? SIGNIFICANT : 0,
		.eax = r[HVM_CPUID_EAX],
		.ebx = r[HVM_CPUID_EBX],
		.ecx = r[HVM_CPUID_ECX],
		.edx = r[HVM_CPUID_EDX],
	};
	return e;
}

static void zero_regs(struct kvm_cpuid_entry2 *e)
{
	e->eax = 0;
	e->ebx = 0;
	e->ecx = 0;
	e->edx = 0;
}

/* One leaf and its sub-leaves (KVM's __do_cpuid_func()). */
static int build_leaf(struct cpuid_builder *b, u32 function)
{
	struct kvm_cpuid_entry2 *e;
	unsigned int i;
	u32 phys;

	e = host_entry(b, function, 0);
	if (!e)
		return -E2BIG;

	for (i = 0; i < ARRAY_SIZE(cpuid_keep); i++)
		if (cpuid_keep[i].function == function)
			*entry_reg(e, cpuid_keep[i].reg) &= cpuid_keep[i].keep;

	switch (function) {
	case 0x0:
		/* EBX, ECX, EDX: the host's vendor. */
		e->eax = min_u32(e->eax, HVM_CPUID_MAX_BASIC);
		break;
	case 0x1:
		/*
		 * EAX: the host's family/model/stepping. EBX[31:24], the
		 * initial APIC id, is zeroed: KVM leaves the id of the CPU
		 * that ran the ioctl there, a value of no use to anyone;
		 * userspace sets the vCPU's. KVM does not set the hypervisor
		 * bit either (QEMU does, from its CPU model): hvmod reports
		 * it, so that a table taken as is tells the guest.
		 */
		e->ebx &= 0x00ffffff;
		e->ecx |= HVM_CPUID_1_ECX_HYPERVISOR;
		break;
	case 0x2:
		/* Cache and TLB descriptors: the host's. */
		break;
	case 0x4:
	case 0x8000001d:
		/*
		 * Deterministic cache parameters: the host's, every sub-leaf
		 * up to and including the first whose type (EAX[4:0]) is 0.
		 */
		for (i = 1; e->eax & 0x1f; i++) {
			e = host_entry(b, function, i);
			if (!e)
				return -E2BIG;
		}
		break;
	case 0x6:
		/* Power management: only ARAT, as KVM. */
		zero_regs(e);
		e->eax = CPUID_6_EAX_ARAT;
		break;
	case 0x7:
		/*
		 * Sub-leaf 0 only (EAX, the last sub-leaf, 0): what 7.1 and
		 * 7.2 can report in KVM 6.1 is all hidden (7.1:EAX AVX-VNNI,
		 * AVX512_BF16; 7.2:EDX SPEC_CTRL controls).
		 */
		e->eax = 0;
		break;
	case 0xd:
		/*
		 * No XSAVE: what KVM reports on a host without it, the x87/SSE
		 * legacy area and header, no components, no sub-leaf 1.
		 */
		zero_regs(e);
		e->ebx = XSAVE_LEGACY_SIZE;
		e->ecx = XSAVE_LEGACY_SIZE;
		break;
	case 0x80000000:
		/* EBX, ECX, EDX: the vendor on AMD, zeros on Intel. */
		e->eax = min_u32(e->eax, HVM_CPUID_MAX_EXT);
		break;
	case 0x80000001:
		/* EAX: the signature; EBX[27:16] reserved. */
		e->ebx &= ~0x0fff0000u;
		break;
	case 0x80000002:
	case 0x80000003:
	case 0x80000004:
	case 0x80000005:
		/* Brand string, L1 cache and TLB: the host's. */
		break;
	case 0x80000006:
		/* L2/L3 cache and TLB: the host's, reserved EDX[17:16] 0. */
		e->edx &= ~0x00030000u;
		break;
	case 0x80000007:
		e->eax = 0;
		e->ebx = 0;
		e->ecx = 0;
		break;
	case 0x80000008:
		/*
		 * EAX[7:0] physical address bits: the host's, at most 48,
		 * what hvmod's 4-level nested paging translates. EAX[15:8]
		 * linear address bits: 48 (LA57 is hidden; KVM reports the
		 * host's, at least 48). EAX[23:16] guest physical size: 0,
		 * as KVM. ECX: the host's core count and APIC id size only.
		 */
		phys = min_u32(e->eax & 0xff, 48);
		e->eax = phys | 48u << 8;
		e->ecx &= ~0xffff0f00u;
		e->edx = 0;
		break;
	case 0x80000019:
		/* 1-GiB page TLB: the host's EAX, EBX. */
		e->ecx = 0;
		e->edx = 0;
		break;
	case 0x8000001a:
		/* Performance optimizations: FP128, MOVU, FP256 hints. */
		e->eax &= 0x7;
		e->ebx = 0;
		e->ecx = 0;
		e->edx = 0;
		break;
	default:
		/*
		 * Reported, as zeros: 3 (serial number), 5 (MONITOR/MWAIT),
		 * 8, 9 (DCA), 0xa (no PMU), 0xb (topology: userspace's; KVM
		 * leaves the host's x2APIC id in EDX), 0xc, and the
		 * extended leaves 0x80000009-0x80000018 (0x8000000a: no
		 * SVM), 0x8000001b (IBS), 0x8000001c (LWP), 0x8000001e
		 * (topology, as KVM).
		 */
		zero_regs(e);
		break;
	}
	return 0;
}

/* A class: its base leaf, then every leaf up to the base's EAX. */
static int build_class(struct cpuid_builder *b, u32 base)
{
	u32 first = b->n, fn, limit;
	int r;

	r = build_leaf(b, base);
	if (r)
		return r;
	/* Capped by build_leaf, so that fn cannot wrap. */
	limit = b->out[first].eax;
	for (fn = base + 1; fn <= limit; fn++) {
		r = build_leaf(b, fn);
		if (r)
			return r;
	}
	return 0;
}

/*
 * KVM's kvm_dev_ioctl_get_cpuid() for KVM_GET_SUPPORTED_CPUID, with
 * kvm_set_cpu_caps()'s masks replaced by hvmod's (cpuid_keep). Two of
 * KVM's four classes: basic and extended. KVM also reports the Centaur
 * leaves 0xc0000000-0xc0000004 on Centaur hosts (hvmod does not support
 * that vendor), and its paravirtual leaves 0x40000000 ("KVMKVMKVM") and
 * 0x40000001 (KVM_FEATURE_*): hvmod has no paravirtual interface, so a
 * guest that finds no signature there uses none.
 */
int hvm_cpuid_build_supported(void (*host_cpuid)(void *ctx, u32 fn, u32 idx,
						 u32 regs[4]),
			      void *ctx, struct kvm_cpuid_entry2 *out,
			      u32 max, u32 *nent)
{
	struct cpuid_builder b = {
		.host_cpuid = host_cpuid,
		.ctx = ctx,
		.out = out,
		.max = max,
	};
	int r;

	r = build_class(&b, 0);
	if (!r)
		r = build_class(&b, 0x80000000);
	if (r)
		return r;
	*nent = b.n;
	return 0;
}
