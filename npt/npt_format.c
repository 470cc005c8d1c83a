// SPDX-License-Identifier: GPL-2.0-only
/*
 * The two nested page-table entry formats: AMD NPT (APM vol. 2 rev. 3.42,
 * 15.25) and Intel EPT (SDM vol. 3C, 326019-081US, 29.3). Pure code.
 */
#include "npt/npt_format.h"

/*
 * AMD NPT. The nested table is an ordinary long-mode 4-level table (APM
 * 15.25; entry formats of 5.3, figures 5-20 .. 5-23), walked with the
 * host's paging controls:
 *  - every access of the nested walk is a user-mode access (15.25.5,
 *    "Nested Table Walk"), so U/S must be 1 at every level, leaves and
 *    tables alike, or the guest takes a #NPF on each access;
 *  - NX (bit 63) is honoured only if the host's EFER.NXE is 1, and is a
 *    reserved bit otherwise. hvmod assumes NX is usable: x86-64 Linux
 *    enables EFER.NXE on every CPU that has NX, and a CPU with SVM+NPT
 *    has NX. Without it, any non-executable leaf would be a reserved-bit
 *    #NPF, so a kernel glue must refuse NPT if EFER.NXE is 0;
 *  - PS (bit 7) in a level-2 entry makes it a 2 MiB leaf whose address is
 *    bits 51:21 (bit 12 is then the PAT bit); in a 4 KiB leaf bit 7 is PAT;
 *  - the address of a table or frame is bits 51:12; A (bit 5) is set by
 *    the walker in every entry it uses, D (bit 6) in leaves it writes.
 * Memory type: PWT/PCD/PAT of the leaf select an entry of the HOST's PAT
 * MSR, and the result is combined with the guest's type (15.25, the
 * guest's PAT is the VMCB's G_PAT). Only PAT entries 0 (WB) and 3 (UC) are
 * the same in the power-on PAT and in Linux's (arch/x86/mm/pat), so
 * only WB and UC are offered. AMD has no "ignore PAT" bit: NPT_MT_IPAT
 * is accepted and ignored (with a WB leaf the guest's own type wins).
 */
#define AMD_P		BIT_ULL(0)
#define AMD_RW		BIT_ULL(1)
#define AMD_US		BIT_ULL(2)
#define AMD_PWT		BIT_ULL(3)
#define AMD_PCD		BIT_ULL(4)
#define AMD_A		BIT_ULL(5)
#define AMD_D		BIT_ULL(6)
#define AMD_PS		BIT_ULL(7)
#define AMD_PAT_4K	BIT_ULL(7)
#define AMD_PAT_LARGE	BIT_ULL(12)
#define AMD_NX		BIT_ULL(63)

static u64 amd_make_table(u64 hpa)
{
	return hpa | AMD_P | AMD_RW | AMD_US;
}

static int amd_make_leaf(u64 *pte, u64 hpa, int level, unsigned int perms,
			 unsigned int memtype, unsigned int flags)
{
	u64 e = hpa | AMD_P | AMD_US;

	(void)flags;
	/* Present means readable: no write-only or execute-only pages. */
	if (!(perms & NPT_R))
		return NPT_EINVAL;
	if (perms & NPT_W)
		e |= AMD_RW;
	if (!(perms & NPT_X))
		e |= AMD_NX;
	switch (memtype & NPT_MT_TYPE_MASK) {
	case NPT_MT_WB:				/* PAT index 0 */
		break;
	case NPT_MT_UC:				/* PAT index 3 */
		e |= AMD_PCD | AMD_PWT;
		break;
	default:
		return NPT_EINVAL;
	}
	if (level == NPT_LEVEL_2M)
		e |= AMD_PS;
	*pte = e;
	return 0;
}

static bool amd_present(u64 pte)
{
	return pte & AMD_P;
}

static unsigned int amd_perms(u64 pte)
{
	unsigned int perms = NPT_R;

	if (pte & AMD_RW)
		perms |= NPT_W;
	if (!(pte & AMD_NX))
		perms |= NPT_X;
	return perms;
}

static unsigned int amd_memtype(u64 pte, int level)
{
	u64 pat = level == NPT_LEVEL_4K ? AMD_PAT_4K : AMD_PAT_LARGE;

	if (pte & pat)
		return NPT_MT_UNKNOWN;
	switch (pte & (AMD_PCD | AMD_PWT)) {
	case 0:
		return NPT_MT_WB;
	case AMD_PCD | AMD_PWT:
		return NPT_MT_UC;
	default:
		return NPT_MT_UNKNOWN;
	}
}

const struct npt_format npt_format_amd = {
	.name = "npt",
	.make_table = amd_make_table,
	.make_leaf = amd_make_leaf,
	.present = amd_present,
	.perms = amd_perms,
	.memtype = amd_memtype,
	.large_mask = AMD_PS,
	.accessed_mask = AMD_A,
	.dirty_mask = AMD_D,
	.ad_needs_flag = false,
};

/*
 * Intel EPT (SDM 29.3.2, tables 29-1 .. 29-6):
 *  - bit 0 read, bit 1 write, bit 2 execute (for supervisor-mode linear
 *    addresses when "mode-based execute control" is 1; hvmod leaves that
 *    control 0, so bit 2 is simply "execute" and bit 10 is ignored). An
 *    entry with bits 2:0 all 0 is not present;
 *  - non-leaf entries: hvmod sets R, W and X (rights are the AND of all
 *    levels), bits 7:3 are reserved (0), bit 8 is "accessed";
 *  - leaves: bits 5:3 memory type, bit 6 ignore PAT, bit 7 "maps a large
 *    page" in a PDE (ignored in a PTE), bit 8 accessed, bit 9 dirty,
 *    bits 20:12 of a 2 MiB leaf reserved;
 *  - address bits 51:12 (bits above MAXPHYADDR reserved);
 *  - A/D (bits 8, 9) are set by the CPU only if EPTP bit 6 enables them
 *    (29.3, "Accessed and Dirty Flags for EPT"); otherwise they are
 *    ignored, hvmod writes them 0, and npt_format_has_ad() says they
 *    mean nothing.
 * EPT misconfigurations (29.3.3.1) the builder refuses: write without
 * read (bit 1 set, bit 0 clear), execute-only (only bit 2 set) unless the
 * CPU supports it (NPT_F_EXEC_ONLY), memory types 2, 3 and 7.
 */
#define EPT_R		BIT_ULL(0)
#define EPT_W		BIT_ULL(1)
#define EPT_X		BIT_ULL(2)
#define EPT_MT_SHIFT	3
#define EPT_MT_MASK	(7ULL << EPT_MT_SHIFT)
#define EPT_IPAT	BIT_ULL(6)
#define EPT_LARGE	BIT_ULL(7)
#define EPT_A		BIT_ULL(8)
#define EPT_D		BIT_ULL(9)

static u64 ept_make_table(u64 hpa)
{
	return hpa | EPT_R | EPT_W | EPT_X;
}

static bool ept_memtype_ok(unsigned int type)
{
	return type == NPT_MT_UC || type == NPT_MT_WC || type == NPT_MT_WT ||
	       type == NPT_MT_WP || type == NPT_MT_WB;
}

static int ept_make_leaf(u64 *pte, u64 hpa, int level, unsigned int perms,
			 unsigned int memtype, unsigned int flags)
{
	unsigned int type = memtype & NPT_MT_TYPE_MASK;
	u64 e = hpa;

	if (!perms)
		return NPT_EINVAL;
	if ((perms & NPT_W) && !(perms & NPT_R))
		return NPT_EINVAL;
	if (perms == NPT_X && !(flags & NPT_F_EXEC_ONLY))
		return NPT_EINVAL;
	if (!ept_memtype_ok(type))
		return NPT_EINVAL;
	if (perms & NPT_R)
		e |= EPT_R;
	if (perms & NPT_W)
		e |= EPT_W;
	if (perms & NPT_X)
		e |= EPT_X;
	e |= (u64)type << EPT_MT_SHIFT;
	if (memtype & NPT_MT_IPAT)
		e |= EPT_IPAT;
	if (level == NPT_LEVEL_2M)
		e |= EPT_LARGE;
	*pte = e;
	return 0;
}

static bool ept_present(u64 pte)
{
	return pte & (EPT_R | EPT_W | EPT_X);
}

static unsigned int ept_perms(u64 pte)
{
	unsigned int perms = 0;

	if (pte & EPT_R)
		perms |= NPT_R;
	if (pte & EPT_W)
		perms |= NPT_W;
	if (pte & EPT_X)
		perms |= NPT_X;
	return perms;
}

static unsigned int ept_memtype(u64 pte, int level)
{
	unsigned int mt = (pte & EPT_MT_MASK) >> EPT_MT_SHIFT;

	(void)level;			/* same field at both levels */
	if (!ept_memtype_ok(mt))
		return NPT_MT_UNKNOWN;
	if (pte & EPT_IPAT)
		mt |= NPT_MT_IPAT;
	return mt;
}

const struct npt_format npt_format_ept = {
	.name = "ept",
	.make_table = ept_make_table,
	.make_leaf = ept_make_leaf,
	.present = ept_present,
	.perms = ept_perms,
	.memtype = ept_memtype,
	.large_mask = EPT_LARGE,
	.accessed_mask = EPT_A,
	.dirty_mask = EPT_D,
	.ad_needs_flag = true,
};

/* Format-neutral helpers. */

u64 npt_make_table(const struct npt_format *fmt, u64 hpa)
{
	return fmt->make_table(hpa & NPT_ADDR_MASK);
}

int npt_make_leaf(const struct npt_format *fmt, u64 *pte, u64 hpa, int level,
		  unsigned int perms, unsigned int memtype, unsigned int flags)
{
	if (level != NPT_LEVEL_4K && level != NPT_LEVEL_2M)
		return NPT_EINVAL;
	if (hpa & (NPT_LEVEL_SIZE(level) - 1))
		return NPT_EINVAL;
	if (hpa >> NPT_HPA_BITS)
		return NPT_EINVAL;
	if (perms & ~NPT_RWX)
		return NPT_EINVAL;
	if (memtype & ~(NPT_MT_TYPE_MASK | NPT_MT_IPAT))
		return NPT_EINVAL;
	return fmt->make_leaf(pte, hpa, level, perms, memtype, flags);
}

bool npt_pte_present(const struct npt_format *fmt, u64 pte)
{
	return fmt->present(pte);
}

bool npt_pte_large(const struct npt_format *fmt, u64 pte)
{
	return pte & fmt->large_mask;
}

bool npt_pte_leaf(const struct npt_format *fmt, u64 pte, int level)
{
	if (!fmt->present(pte))
		return false;
	if (level == NPT_LEVEL_4K)
		return true;
	/* hvmod maps no 1 GiB page, but a walker must not misread one. */
	return (level == 2 || level == 3) && (pte & fmt->large_mask);
}

u64 npt_pte_addr(const struct npt_format *fmt, u64 pte, int level)
{
	u64 mask = NPT_ADDR_MASK;

	/* A large leaf's address starts at bit 21 (30): bit 12 is PAT. */
	if (level > NPT_LEVEL_4K && npt_pte_leaf(fmt, pte, level))
		mask &= ~(NPT_LEVEL_SIZE(level) - 1);
	return pte & mask;
}

unsigned int npt_pte_perms(const struct npt_format *fmt, u64 pte)
{
	return fmt->perms(pte);
}

unsigned int npt_pte_memtype(const struct npt_format *fmt, u64 pte,
			     int level)
{
	return fmt->memtype(pte, level);
}

bool npt_format_has_ad(const struct npt_format *fmt, unsigned int flags)
{
	return !fmt->ad_needs_flag || (flags & NPT_F_AD);
}

bool npt_pte_accessed(const struct npt_format *fmt, u64 pte)
{
	return pte & fmt->accessed_mask;
}

bool npt_pte_dirty(const struct npt_format *fmt, u64 pte)
{
	return pte & fmt->dirty_mask;
}
