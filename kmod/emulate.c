// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest as the core's emulation sees it: its CPU mode, its own page
 * walk, reads and writes of guest-virtual memory, and fetching and
 * decoding its current instruction (for the next RIP when the CPU does
 * not report it, for MMIO in emulate_mmio.c and for string I/O in
 * emulate_pio.c).
 *
 * Everything read here is guest-controlled. Guest page tables and code
 * are read through the memory slots with copy_from_user() from the VM's
 * user mapping (never through a host-physical address); anything that is
 * not plain guest RAM makes the fetch fail and KVM_RUN report an
 * internal error.
 */
#include <linux/uaccess.h>
#include <asm/processor-flags.h>

#include "kmod/emulate.h"

#define HVM_PTE_P		BIT_ULL(0)
#define HVM_PTE_RW		BIT_ULL(1)
#define HVM_PTE_US		BIT_ULL(2)
#define HVM_PTE_PS		BIT_ULL(7)
#define HVM_PTE_ADDR		0x000ffffffffff000ULL

void hvm_guest_mode(struct hvm_vcpu *vcpu, struct hvm_guest_mode *gm)
{
	struct kvm_sregs *s = &gm->sregs;

	hvm_ops->get_sregs(vcpu, s);
	/* Virtual-8086 mode runs at CPL 3; SS.DPL is the CPL otherwise. */
	gm->cpl = (vcpu->rflags & X86_EFLAGS_VM) ? 3 : s->ss.dpl;
	if (!(s->cr0 & X86_CR0_PE) || (vcpu->rflags & X86_EFLAGS_VM)) {
		gm->mode = X86_MODE_REAL16;
		if (!(s->cr0 & X86_CR0_PE))
			gm->cpl = 0;
	} else if ((s->efer & EFER_LMA) && s->cs.l) {
		gm->mode = X86_MODE_LONG64;
	} else {
		gm->mode = s->cs.db ? X86_MODE_PROT32 : X86_MODE_PROT16;
	}
}

/* One level of the guest's walk: the entry for @va at @shift. */
static int hvm_walk_entry(struct hvm_vcpu *vcpu, u64 table, u64 va,
			  int shift, bool wide, u64 *pte)
{
	u32 pte32;
	u64 index;

	if (wide) {
		index = (va >> shift) & 511;
		return hvm_read_guest(vcpu->vm, table + index * 8, pte, 8);
	}
	index = (va >> shift) & 1023;
	if (hvm_read_guest(vcpu->vm, table + index * 4, &pte32, 4))
		return -EFAULT;
	*pte = pte32;
	return 0;
}

/*
 * A leaf above level 1: PS in a PDE (in 32-bit paging only with
 * CR4.PSE), or in a PDPTE with 4-level paging (1 GiB pages).
 */
static bool hvm_pte_is_large(const struct kvm_sregs *s, u64 pte, int level)
{
	if (!(pte & HVM_PTE_PS) || level > 3)
		return false;
	if (level == 3)
		return s->efer & EFER_LMA;
	return (s->cr4 & X86_CR4_PAE) || (s->cr4 & X86_CR4_PSE);
}

/*
 * Guest-virtual to guest-physical through the guest's paging structures
 * (SDM vol. 3A 4.3-4.5): 32-bit, PAE and 4-level paging, large pages.
 * @rights gets the R/W and U/S bits that every level grants (PAE's
 * PDPTEs have none). -EFAULT if an entry is not present or not in guest
 * RAM.
 */
static int hvm_gva_to_gpa(struct hvm_vcpu *vcpu, const struct kvm_sregs *s,
			  u64 va, u64 *gpa, u64 *rights)
{
	bool wide = s->cr4 & X86_CR4_PAE;
	int level, shift;
	u64 table, pte;

	*rights = HVM_PTE_RW | HVM_PTE_US;
	if (!(s->cr0 & X86_CR0_PG)) {
		*gpa = (u32)va;
		return 0;
	}
	if (s->efer & EFER_LMA) {
		level = 4;
		table = s->cr3 & HVM_PTE_ADDR;
	} else if (wide) {
		/* PAE: four PDPTEs at CR3[31:5]. */
		level = 3;
		table = s->cr3 & 0xffffffe0;
	} else {
		level = 2;
		table = s->cr3 & 0xfffff000;
	}
	for (; level >= 1; level--) {
		shift = wide ? 12 + 9 * (level - 1) : 12 + 10 * (level - 1);
		if (level == 3 && !(s->efer & EFER_LMA)) {
			if (hvm_read_guest(vcpu->vm, table + ((va >> 30) & 3) * 8,
					   &pte, 8))
				return -EFAULT;
		} else if (hvm_walk_entry(vcpu, table, va, shift, wide, &pte)) {
			return -EFAULT;
		}
		if (!(pte & HVM_PTE_P))
			return -EFAULT;
		if (level != 3 || (s->efer & EFER_LMA))
			*rights &= pte;
		if (level == 1 || hvm_pte_is_large(s, pte, level))
			break;
		table = wide ? pte & HVM_PTE_ADDR : pte & 0xfffff000;
	}
	if (level == 1) {
		*gpa = (wide ? pte & HVM_PTE_ADDR : pte & 0xfffff000) |
		       (va & 0xfff);
	} else if (wide) {
		*gpa = (pte & HVM_PTE_ADDR & ~((1ULL << shift) - 1)) |
		       (va & ((1ULL << shift) - 1));
	} else {
		/* 4 MiB page: bits 20:13 of the PDE are PA bits 39:32. */
		*gpa = (pte & 0xffc00000) | ((pte & 0x1fe000) << 19) |
		       (va & 0x3fffff);
	}
	return 0;
}

/*
 * The guest-physical address of an access the core makes on the guest's
 * behalf (an instruction it emulates), with the rights the guest's page
 * tables give at its CPL (SDM vol. 3A 4.6; SMAP and protection keys are
 * not checked). A translation the CPU itself already used, such as a
 * fetch, passes HVM_ACCESS_ANY.
 */
int hvm_translate(struct hvm_vcpu *vcpu, const struct hvm_guest_mode *gm,
		  u64 va, enum hvm_access access, u64 *gpa)
{
	bool user = gm->cpl == 3;
	u64 rights;

	if (hvm_gva_to_gpa(vcpu, &gm->sregs, va, gpa, &rights))
		return -EFAULT;
	if (access == HVM_ACCESS_ANY)
		return 0;
	if (user && !(rights & HVM_PTE_US))
		return -EACCES;
	if (access == HVM_ACCESS_WRITE && !(rights & HVM_PTE_RW) &&
	    (user || (gm->sregs.cr0 & X86_CR0_WP)))
		return -EACCES;
	return 0;
}

/* Copies @len guest-virtual bytes to or from @buf, page by page. */
int hvm_copy_virt(struct hvm_vcpu *vcpu, const struct hvm_guest_mode *gm,
		  u64 va, void *buf, size_t len, enum hvm_access access)
{
	size_t chunk;
	u64 gpa;
	int r;

	while (len) {
		chunk = min_t(size_t, len, PAGE_SIZE - (va & ~PAGE_MASK));
		r = hvm_translate(vcpu, gm, va, access, &gpa);
		if (r)
			return r;
		if (access == HVM_ACCESS_WRITE)
			r = hvm_write_guest(vcpu->vm, gpa, buf, chunk);
		else
			r = hvm_read_guest(vcpu->vm, gpa, buf, chunk);
		if (r)
			return r;
		buf += chunk;
		va = hvm_linear(gm, va, chunk);
		len -= chunk;
	}
	return 0;
}

u64 hvm_linear(const struct hvm_guest_mode *gm, u64 base, u64 off)
{
	return gm->mode == X86_MODE_LONG64 ? base + off : (u32)(base + off);
}

/*
 * Decodes the instruction at CS:RIP. The fetch is cut at the end of
 * what is readable, so an instruction that ends right before an
 * unmapped page still decodes.
 */
int hvm_fetch(struct hvm_vcpu *vcpu, const struct hvm_guest_mode *gm,
	      struct x86_insn *insn, u8 *bytes, size_t *len)
{
	u64 ip = hvm_linear(gm, hvm_seg_base(gm, X86_SEG_CS), vcpu->rip);
	size_t first = min_t(size_t, X86_MAX_INSN_LEN,
			     PAGE_SIZE - (ip & ~PAGE_MASK));

	*len = 0;
	if (hvm_copy_virt(vcpu, gm, ip, bytes, first, HVM_ACCESS_ANY))
		return -EFAULT;
	*len = first;
	if (first < X86_MAX_INSN_LEN &&
	    !hvm_copy_virt(vcpu, gm, hvm_linear(gm, ip, first), bytes + first,
			   X86_MAX_INSN_LEN - first, HVM_ACCESS_ANY))
		*len = X86_MAX_INSN_LEN;
	return x86_decode(bytes, *len, gm->mode, insn) ? -EINVAL : 0;
}

int hvm_fetch_insn(struct hvm_vcpu *vcpu, struct x86_insn *insn)
{
	struct hvm_guest_mode gm;
	u8 bytes[X86_MAX_INSN_LEN];
	size_t len;

	hvm_guest_mode(vcpu, &gm);
	return hvm_fetch(vcpu, &gm, insn, bytes, &len);
}

/* RIP after @insn at @rip: it wraps at the code segment's width. */
u64 hvm_insn_next_rip(const struct x86_insn *insn, u64 rip)
{
	rip += insn->length;
	if (insn->mode == X86_MODE_LONG64)
		return rip;
	return insn->mode == X86_MODE_PROT32 ? (u32)rip : (u16)rip;
}

/* The next RIP when the CPU does not report it (no NRIP-save). */
int hvm_next_rip(struct hvm_vcpu *vcpu, u64 *next_rip)
{
	struct x86_insn insn;
	int r;

	r = hvm_fetch_insn(vcpu, &insn);
	if (r)
		return r;
	*next_rip = hvm_insn_next_rip(&insn, vcpu->rip);
	return 0;
}

/*
 * The base of @seg for an address: in 64-bit mode only FS and GS have
 * one (SDM vol. 1 3.4.2.1; KVM's seg_base()), whatever the hidden
 * bases of the others hold.
 */
u64 hvm_seg_base(const struct hvm_guest_mode *gm, enum x86_seg seg)
{
	const struct kvm_sregs *s = &gm->sregs;
	const struct kvm_segment *segs[] = {
		&s->es, &s->cs, &s->ss, &s->ds, &s->fs, &s->gs,
	};

	if (seg >= X86_SEG_NONE ||
	    (gm->mode == X86_MODE_LONG64 && seg < X86_SEG_FS))
		return 0;
	return segs[seg]->base;
}

/*
 * KVM_INTERNAL_ERROR_EMULATION in KVM's layout (struct kvm_run's
 * emulation_failure, prepare_emulation_failure_exit()): flags, then the
 * instruction's size and bytes padded with NOPs when it has them.
 */
int hvm_emulation_failed(struct hvm_vcpu *vcpu, const u8 *bytes, size_t len)
{
	u64 data[3] = { 0 };
	u8 *insn = (u8 *)&data[1];

	len = min_t(size_t, len, X86_MAX_INSN_LEN);
	if (len) {
		data[0] = KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
		insn[0] = len;
		memset(insn + 1, 0x90, X86_MAX_INSN_LEN);
		memcpy(insn + 1, bytes, len);
	}
	return hvm_exit_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION,
				       data, len ? 3 : 1);
}

/*
 * A general register written with @size bytes as an instruction does:
 * 8 and 16 bits merge, 32 bits zero-extend (SDM vol. 1 3.4.1.1), 64
 * replace.
 */
void hvm_assign_gpr(u64 *reg, u64 val, u8 size)
{
	switch (size) {
	case 1:
		*reg = (*reg & ~0xffULL) | (val & 0xff);
		break;
	case 2:
		*reg = (*reg & ~0xffffULL) | (val & 0xffff);
		break;
	case 4:
		*reg = (u32)val;
		break;
	default:
		*reg = val;
		break;
	}
}

u64 hvm_addr_mask(u8 addrsize)
{
	return addrsize == 8 ? ~0ULL : (1ULL << (addrsize * 8)) - 1;
}

/*
 * A string instruction's rSI or rDI after one element of @size bytes
 * (down with DF=1), at the instruction's address size.
 */
void hvm_string_step(struct hvm_vcpu *vcpu, const struct x86_insn *insn,
		     enum hvm_gpr reg, u8 size)
{
	s64 step = (vcpu->rflags & X86_EFLAGS_DF) ? -(s64)size : size;

	hvm_assign_gpr(&vcpu->gpr[reg], vcpu->gpr[reg] + step, insn->addrsize);
}

/* REP elements left (1 without REP). */
u64 hvm_string_left(struct hvm_vcpu *vcpu, const struct x86_insn *insn)
{
	return insn->rep ? vcpu->gpr[HVM_RCX] & hvm_addr_mask(insn->addrsize) :
	       1;
}

/*
 * After @n elements: rCX counts them with REP; RIP moves past the
 * instruction when nothing is left, and stays with REP elements left, so
 * that the guest runs the instruction again (and takes interrupts in
 * between, as the CPU does).
 */
void hvm_string_next(struct hvm_vcpu *vcpu, const struct x86_insn *insn,
		     u64 next_rip, u32 n)
{
	if (insn->rep)
		hvm_assign_gpr(&vcpu->gpr[HVM_RCX], vcpu->gpr[HVM_RCX] - n,
			       insn->addrsize);
	if (!insn->rep || !hvm_string_left(vcpu, insn))
		vcpu->rip = next_rip;
}

/* Linear address of the element at rSI (segment as decoded, DS default). */
u64 hvm_string_src(struct hvm_vcpu *vcpu, const struct hvm_guest_mode *gm,
		   const struct x86_insn *insn)
{
	u64 off = vcpu->gpr[HVM_RSI] & hvm_addr_mask(insn->addrsize);

	return hvm_linear(gm, hvm_seg_base(gm, insn->mem_seg), off);
}

/* Linear address of the element at ES:rDI (no override possible). */
u64 hvm_string_dst(struct hvm_vcpu *vcpu, const struct hvm_guest_mode *gm,
		   const struct x86_insn *insn)
{
	u64 off = vcpu->gpr[HVM_RDI] & hvm_addr_mask(insn->addrsize);

	return hvm_linear(gm, hvm_seg_base(gm, X86_SEG_ES), off);
}
