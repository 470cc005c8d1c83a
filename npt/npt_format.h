/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry formats of the two nested page tables hvmod drives: AMD NPT and
 * Intel EPT. Both are 4-level radix trees of 4 KiB tables of 512 64-bit
 * entries indexed by guest-physical address bits 47:39, 38:30, 29:21 and
 * 20:12; they differ only in the bits of an entry, which this file
 * encodes and decodes. Pure code: also built into native unit tests.
 *
 * References:
 *   AMD64 Architecture Programmer's Manual vol. 2 (pub. 24593) rev. 3.42,
 *   section 15.25 "Nested Paging" (the nested table has the long-mode
 *   4-level format of section 5.3); Intel SDM vol. 3C, order no.
 *   326019-081US, section 29.3 "The Extended Page Table Mechanism (EPT)",
 *   tables 29-1 .. 29-6 (EPT PML4E, PDPTE (1 GiB and table), PDE (2 MiB
 *   and table), PTE).
 */
#ifndef HVMOD_NPT_FORMAT_H
#define HVMOD_NPT_FORMAT_H

#include "kmod/pure.h"

/* Levels: 1 = page table (4 KiB leaves), 2 = page directory (2 MiB). */
#define NPT_LEVELS		4
#define NPT_LEVEL_4K		1
#define NPT_LEVEL_2M		2
#define NPT_ENTRIES		512
#define NPT_PAGE_SHIFT		12
#define NPT_PAGE_SIZE		BIT_ULL(NPT_PAGE_SHIFT)
#define NPT_LEVEL_SHIFT(l)	(NPT_PAGE_SHIFT + 9 * ((l) - 1))
#define NPT_LEVEL_SIZE(l)	BIT_ULL(NPT_LEVEL_SHIFT(l))
#define NPT_INDEX(gpa, l)	((unsigned int)((gpa) >> NPT_LEVEL_SHIFT(l)) & 511)

/* Host-physical address bits 51:12 (the architectural maximum width). */
#define NPT_HPA_BITS		52
#define NPT_ADDR_MASK		((BIT_ULL(NPT_HPA_BITS) - 1) & ~0xfffULL)
/* A 4-level walk translates guest-physical bits 47:0 only. */
#define NPT_GPA_BITS		48
#define NPT_GPA_LIMIT		BIT_ULL(NPT_GPA_BITS)

/* Access rights of a leaf, in a format-neutral encoding. */
#define NPT_R			BIT(0)
#define NPT_W			BIT(1)
#define NPT_X			BIT(2)
#define NPT_RWX			(NPT_R | NPT_W | NPT_X)

/*
 * Memory types, with the values of the EPT memory-type field (SDM 29.3,
 * "EPT and Memory Typing") and of the MTRRs. NPT_MT_IPAT asks for EPT's "ignore PAT" bit: the type
 * of the leaf then overrides the guest's PAT. NPT_MT_UNKNOWN is only ever
 * returned by a decoder.
 */
#define NPT_MT_UC		0
#define NPT_MT_WC		1
#define NPT_MT_WT		4
#define NPT_MT_WP		5
#define NPT_MT_WB		6
#define NPT_MT_TYPE_MASK	0x7
#define NPT_MT_IPAT		BIT(3)
#define NPT_MT_UNKNOWN		0xff

/*
 * Per-table-tree options, given to npt_init(), passed to the builders.
 * NPT_F_EXEC_ONLY: EPT leaves may be execute-only; set it only if
 * IA32_VMX_EPT_VPID_CAP bit 0 is 1 (SDM 29.3.3.1, A.10). NPT_F_AD: EPT
 * accessed/dirty flags are enabled (EPTP bit 6, only if
 * IA32_VMX_EPT_VPID_CAP bit 21 is 1): only then does the CPU set EPT bits
 * 8 and 9. AMD NPT ignores both: its A/D flags are always maintained
 * (the nested table is an ordinary long-mode table) and it has no way to
 * express a present page that cannot be read.
 */
#define NPT_F_EXEC_ONLY		BIT(0)
#define NPT_F_AD		BIT(1)

/*
 * A PTE format. The generic code below and npt.c use only these hooks and
 * masks, so one walker serves both back ends.
 */
struct npt_format {
	const char *name;
	/* Non-leaf entry pointing to the table page at @hpa. */
	u64 (*make_table)(u64 hpa);
	/*
	 * Leaf mapping @hpa at @level (1 = 4 KiB, 2 = 2 MiB) with @perms
	 * (NPT_R/W/X) and @memtype (NPT_MT_*, optionally | NPT_MT_IPAT).
	 * Stores it in *@pte and returns 0, or returns NPT_EINVAL without
	 * touching *@pte if the format cannot express the request.
	 * @hpa alignment and width are checked by npt_make_leaf().
	 */
	int (*make_leaf)(u64 *pte, u64 hpa, int level, unsigned int perms,
			 unsigned int memtype, unsigned int flags);
	/* Does the entry map or point to anything? */
	bool (*present)(u64 pte);
	/* Rights of a present leaf, as NPT_R/W/X. */
	unsigned int (*perms)(u64 pte);
	/* Memory type of a present leaf at @level (NPT_MT_*, maybe | IPAT). */
	unsigned int (*memtype)(u64 pte, int level);
	/* "Page size" bit: a level-2 (or 3) entry with it set is a leaf. */
	u64 large_mask;
	/* Bits the CPU may set by itself in a live entry (A, D). */
	u64 accessed_mask;
	u64 dirty_mask;
	/* A/D maintained only if the tree was built with NPT_F_AD. */
	bool ad_needs_flag;
};

extern const struct npt_format npt_format_amd;
extern const struct npt_format npt_format_ept;

/* Errors, the values of the Linux errnos (the glue can return them). */
#define NPT_ENOENT		(-2)
#define NPT_ENOMEM		(-12)
#define NPT_EEXIST		(-17)
#define NPT_EINVAL		(-22)

u64 npt_make_table(const struct npt_format *fmt, u64 hpa);
/* Checks @level, @hpa (aligned to the level, below 2^52), then the format. */
int npt_make_leaf(const struct npt_format *fmt, u64 *pte, u64 hpa, int level,
		  unsigned int perms, unsigned int memtype, unsigned int flags);
bool npt_pte_present(const struct npt_format *fmt, u64 pte);
/* Is the present entry at @level a leaf (level 1, or large at 2 or 3)? */
bool npt_pte_leaf(const struct npt_format *fmt, u64 pte, int level);
bool npt_pte_large(const struct npt_format *fmt, u64 pte);
/* Address the entry points to: table, 4 KiB frame, or large-page base. */
u64 npt_pte_addr(const struct npt_format *fmt, u64 pte, int level);
unsigned int npt_pte_perms(const struct npt_format *fmt, u64 pte);
unsigned int npt_pte_memtype(const struct npt_format *fmt, u64 pte,
			     int level);
/* Do A/D flags exist in entries of a tree built with @flags? */
bool npt_format_has_ad(const struct npt_format *fmt, unsigned int flags);
bool npt_pte_accessed(const struct npt_format *fmt, u64 pte);
bool npt_pte_dirty(const struct npt_format *fmt, u64 pte);

#endif /* HVMOD_NPT_FORMAT_H */
