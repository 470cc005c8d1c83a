// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the core emulates itself: fetching and decoding the guest's
 * current instruction (for the next RIP when the CPU does not report it,
 * and for MMIO), the guest's own page walk that the fetch needs, and
 * MMIO accesses by MOV-like instructions.
 *
 * Everything read here is guest-controlled. Guest page tables and code
 * are read through the memory slots with copy_from_user() from the VM's
 * user mapping (never through a host-physical address); anything that is
 * not plain guest RAM makes the fetch fail and KVM_RUN report an
 * internal error.
 */
#include <linux/uaccess.h>
#include <asm/processor-flags.h>

#include "kmod/hvm.h"

#define HVM_PTE_P		BIT_ULL(0)
#define HVM_PTE_PS		BIT_ULL(7)
#define HVM_PTE_ADDR		0x000ffffffffff000ULL

struct hvm_guest_mode {
	struct kvm_sregs sregs;
	enum x86_mode mode;
};

static void hvm_guest_mode(struct hvm_vcpu *vcpu, struct hvm_guest_mode *gm)
{
	struct kvm_sregs *s = &gm->sregs;

	hvm_ops->get_sregs(vcpu, s);
	if (!(s->cr0 & X86_CR0_PE) || (vcpu->rflags & X86_EFLAGS_VM))
		gm->mode = X86_MODE_REAL16;
	else if ((s->efer & EFER_LMA) && s->cs.l)
		gm->mode = X86_MODE_LONG64;
	else
		gm->mode = s->cs.db ? X86_MODE_PROT32 : X86_MODE_PROT16;
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
 * Guest-virtual to guest-physical through the guest's paging structures
 * (SDM vol. 3A 4.3-4.5): 32-bit, PAE and 4-level paging, large pages.
 * Rights are not checked: the CPU already performed the access that
 * exited. -EFAULT if an entry is not present or not in guest RAM.
 */
static int hvm_gva_to_gpa(struct hvm_vcpu *vcpu, const struct kvm_sregs *s,
			  u64 va, u64 *gpa)
{
	bool wide = s->cr4 & X86_CR4_PAE;
	int level, shift;
	u64 table, pte;

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
		if (level == 1 || (level <= 3 && (pte & HVM_PTE_PS) &&
				   (level < 3 || (s->efer & EFER_LMA))))
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

/* Reads @len guest-virtual bytes, page by page. */
static int hvm_read_virt(struct hvm_vcpu *vcpu, const struct kvm_sregs *s,
			 u64 va, void *buf, size_t len)
{
	size_t chunk;
	u64 gpa;

	while (len) {
		chunk = min_t(size_t, len, PAGE_SIZE - (va & ~PAGE_MASK));
		if (hvm_gva_to_gpa(vcpu, s, va, &gpa) ||
		    hvm_read_guest(vcpu->vm, gpa, buf, chunk))
			return -EFAULT;
		buf += chunk;
		va += chunk;
		len -= chunk;
	}
	return 0;
}

static u64 hvm_linear(const struct hvm_guest_mode *gm, u64 base, u64 off)
{
	return gm->mode == X86_MODE_LONG64 ? base + off : (u32)(base + off);
}

/*
 * Decodes the instruction at CS:RIP. The fetch is cut at the end of
 * what is readable, so an instruction that ends right before an
 * unmapped page still decodes.
 */
static int hvm_fetch(struct hvm_vcpu *vcpu, const struct hvm_guest_mode *gm,
		     struct x86_insn *insn, u8 *bytes, size_t *len)
{
	u64 ip = hvm_linear(gm, gm->sregs.cs.base, vcpu->rip);
	size_t first = min_t(size_t, X86_MAX_INSN_LEN,
			     PAGE_SIZE - (ip & ~PAGE_MASK));

	*len = 0;
	if (hvm_read_virt(vcpu, &gm->sregs, ip, bytes, first))
		return -EFAULT;
	*len = first;
	if (first < X86_MAX_INSN_LEN &&
	    !hvm_read_virt(vcpu, &gm->sregs, ip + first, bytes + first,
			   X86_MAX_INSN_LEN - first))
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

static u64 hvm_seg_base(const struct kvm_sregs *s, enum x86_seg seg)
{
	const struct kvm_segment *segs[] = {
		&s->es, &s->cs, &s->ss, &s->ds, &s->fs, &s->gs,
	};

	return seg < X86_SEG_NONE ? segs[seg]->base : 0;
}

/* A register operand of @size bytes, with AH..BH for HIGH8 encodings. */
static u64 hvm_read_reg(struct hvm_vcpu *vcpu, const struct x86_insn *insn,
			u8 size)
{
	u8 reg = insn->reg_num;

	if (size == 1 && (insn->flags & X86_INSN_HIGH8) && reg >= 4 && reg < 8)
		return (vcpu->gpr[reg - 4] >> 8) & 0xff;
	return vcpu->gpr[reg & 15];
}

/* MOV semantics: 8/16-bit writes merge, 32-bit zero-extend, 64 replace. */
static void hvm_write_reg(struct hvm_vcpu *vcpu, const struct x86_insn *insn,
			  u8 size, u64 val)
{
	u8 reg = insn->reg_num;
	u64 *dst;

	if (size == 1 && (insn->flags & X86_INSN_HIGH8) && reg >= 4 && reg < 8) {
		dst = &vcpu->gpr[reg - 4];
		*dst = (*dst & ~0xff00ULL) | ((val & 0xff) << 8);
		return;
	}
	dst = &vcpu->gpr[reg & 15];
	switch (size) {
	case 1:
		*dst = (*dst & ~0xffULL) | (val & 0xff);
		break;
	case 2:
		*dst = (*dst & ~0xffffULL) | (val & 0xffff);
		break;
	case 4:
		*dst = (u32)val;
		break;
	default:
		*dst = val;
		break;
	}
}

static bool hvm_mmio_op_supported(const struct x86_insn *insn)
{
	if (!(insn->flags & X86_INSN_MEM) ||
	    (insn->mem_kind != X86_MEM_MODRM && insn->mem_kind != X86_MEM_MOFFS))
		return false;
	switch (insn->op) {
	case X86_OP_MOV_TO_MEM:
	case X86_OP_MOV_FROM_MEM:
	case X86_OP_MOVZX:
	case X86_OP_MOVSX:
	case X86_OP_STORE_IMM:
		return insn->mem_size >= 1 && insn->mem_size <= 8;
	default:
		return false;
	}
}

/* KVM_INTERNAL_ERROR_EMULATION with the instruction's bytes, as KVM. */
static int hvm_emulation_failed(struct hvm_vcpu *vcpu, const u8 *bytes,
				size_t len)
{
	u64 data[3] = { 0 };

	data[0] = len;
	memcpy(&data[1], bytes, min_t(size_t, len, 2 * sizeof(u64)));
	return hvm_exit_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION,
				       data, ARRAY_SIZE(data));
}

/* Guest-physical address of the instruction's memory operand. */
static int hvm_mmio_address(struct hvm_vcpu *vcpu,
			    const struct hvm_guest_mode *gm,
			    const struct x86_insn *insn, u64 *gpa)
{
	u64 ea;

	if (x86_insn_effective_address(insn, vcpu->gpr,
				       vcpu->rip + insn->length, &ea))
		return -EINVAL;
	ea = hvm_linear(gm, hvm_seg_base(&gm->sregs, insn->mem_seg), ea);
	return hvm_gva_to_gpa(vcpu, &gm->sregs, ea, gpa);
}

/*
 * An access to @fault_gpa (not guest RAM, or a write to a read-only
 * slot): decode, then one KVM_EXIT_MMIO. RIP moves past a write at
 * once, past a read when the next KVM_RUN brings its value. Accesses that cross a page are
 * not split yet: they fail as an emulation error.
 */
int hvm_emulate_mmio(struct hvm_vcpu *vcpu, u64 fault_gpa)
{
	struct hvm_pending *p = &vcpu->pending;
	struct x86_insn *insn = &p->insn;
	struct kvm_run *run = vcpu->run;
	u8 bytes[X86_MAX_INSN_LEN];
	struct hvm_guest_mode gm;
	size_t len;
	u64 gpa, val;

	hvm_guest_mode(vcpu, &gm);
	if (hvm_fetch(vcpu, &gm, insn, bytes, &len) ||
	    !hvm_mmio_op_supported(insn) ||
	    hvm_mmio_address(vcpu, &gm, insn, &gpa) ||
	    (gpa >> PAGE_SHIFT) != (fault_gpa >> PAGE_SHIFT) ||
	    ((gpa + insn->mem_size - 1) >> PAGE_SHIFT) != (gpa >> PAGE_SHIFT))
		return hvm_emulation_failed(vcpu, bytes, len);

	p->kind = HVM_PENDING_MMIO;
	p->next_rip = hvm_insn_next_rip(insn, vcpu->rip);
	p->gpa = gpa;
	p->size = insn->mem_size;
	p->in = insn->op != X86_OP_MOV_TO_MEM && insn->op != X86_OP_STORE_IMM;

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = p->size;
	run->mmio.is_write = !p->in;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (!p->in) {
		val = insn->op == X86_OP_STORE_IMM ? insn->imm :
		      hvm_read_reg(vcpu, insn, p->size);
		memcpy(run->mmio.data, &val, p->size);
		/*
		 * A write needs nothing back: as KVM's emulator, the
		 * instruction retires before the exit reaches userspace.
		 */
		vcpu->rip = p->next_rip;
		p->kind = HVM_PENDING_NONE;
	}
	return 0;
}

/* The next KVM_RUN after an MMIO exit: a read's value into the register. */
int hvm_complete_mmio(struct hvm_vcpu *vcpu)
{
	struct hvm_pending *p = &vcpu->pending;
	const struct x86_insn *insn = &p->insn;
	u64 val = 0;
	int bits;

	if (p->in) {
		memcpy(&val, vcpu->run->mmio.data, p->size);
		bits = p->size * 8;
		if (insn->op == X86_OP_MOVSX && bits < 64)
			val = (u64)((s64)(val << (64 - bits)) >> (64 - bits));
		hvm_write_reg(vcpu, insn, insn->op == X86_OP_MOV_FROM_MEM ?
			      p->size : insn->opsize, val);
	}
	vcpu->rip = p->next_rip;
	return 1;
}
