// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO: an access to a guest-physical address outside guest RAM (or a
 * write to a read-only slot) exits to userspace as KVM_EXIT_MMIO. The
 * faulting instruction is decoded here; MOV-like forms are emulated.
 *
 * As KVM (emulator_read_write()), an access that crosses a page is cut
 * at the boundary: each piece is translated on its own, a piece in
 * guest RAM is done at once, and each MMIO piece is one exit. A write
 * retires before its first exit; a read completes when the next KVM_RUN
 * brings the last piece's data.
 */
#include "kmod/emulate.h"

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
	hvm_assign_gpr(&vcpu->gpr[reg & 15], val, size);
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

/* Guest-linear address of the instruction's memory operand. */
static int hvm_mmio_linear(struct hvm_vcpu *vcpu,
			   const struct hvm_guest_mode *gm,
			   const struct x86_insn *insn, u64 *la)
{
	u64 ea;

	if (x86_insn_effective_address(insn, vcpu->gpr,
				       vcpu->rip + insn->length, &ea))
		return -EINVAL;
	*la = hvm_linear(gm, hvm_seg_base(&gm->sregs, insn->mem_seg), ea);
	return 0;
}

/*
 * One piece of the access, within one page: done at once in guest RAM
 * (0), or queued as an MMIO fragment (1). The CPU checked the rights of
 * the access that faulted, so the walk does not check them again.
 */
static int hvm_mmio_piece(struct hvm_vcpu *vcpu,
			  const struct hvm_guest_mode *gm, u64 la, u8 offset,
			  u8 len)
{
	struct hvm_pending *p = &vcpu->pending;
	struct hvm_mmio_frag *f;
	u64 gpa;
	int r;

	r = hvm_translate(vcpu, gm, la, HVM_ACCESS_ANY, &gpa);
	if (r)
		return r;
	if (p->in)
		r = hvm_read_guest(vcpu->vm, gpa, p->data + offset, len);
	else
		r = hvm_write_guest(vcpu->vm, gpa, p->data + offset, len);
	if (!r)
		return 0;
	f = &p->frags[p->nr_frags++];
	f->gpa = gpa;
	f->offset = offset;
	f->len = len;
	return 1;
}

/* The exit for the piece userspace is to handle now. */
static void hvm_mmio_exit(struct hvm_vcpu *vcpu)
{
	struct hvm_pending *p = &vcpu->pending;
	const struct hvm_mmio_frag *f = &p->frags[p->frag];
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = f->gpa;
	run->mmio.len = f->len;
	run->mmio.is_write = !p->in;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (!p->in)
		memcpy(run->mmio.data, p->data + f->offset, f->len);
}

static bool hvm_mmio_faulted_here(const struct hvm_pending *p, u64 fault_gpa)
{
	int i;

	for (i = 0; i < p->nr_frags; i++)
		if ((p->frags[i].gpa >> PAGE_SHIFT) == (fault_gpa >> PAGE_SHIFT))
			return true;
	return false;
}

/* Splits the access at @la into its pieces: how many must exit, or < 0. */
static int hvm_mmio_split(struct hvm_vcpu *vcpu,
			  const struct hvm_guest_mode *gm, u64 la)
{
	struct hvm_pending *p = &vcpu->pending;
	u8 first = min_t(u64, p->size, PAGE_SIZE - (la & ~PAGE_MASK));
	int r;

	p->nr_frags = 0;
	p->frag = 0;
	r = hvm_mmio_piece(vcpu, gm, la, 0, first);
	if (r >= 0 && first < p->size)
		r = hvm_mmio_piece(vcpu, gm, hvm_linear(gm, la, first), first,
				   p->size - first);
	return r < 0 ? r : p->nr_frags;
}

static void hvm_mmio_prepare(struct hvm_vcpu *vcpu,
			     const struct x86_insn *insn)
{
	struct hvm_pending *p = &vcpu->pending;
	u64 val;

	p->next_rip = hvm_insn_next_rip(insn, vcpu->rip);
	p->size = insn->mem_size;
	p->in = insn->op != X86_OP_MOV_TO_MEM && insn->op != X86_OP_STORE_IMM;
	memset(p->data, 0, sizeof(p->data));
	if (!p->in) {
		val = insn->op == X86_OP_STORE_IMM ? insn->imm :
		      hvm_read_reg(vcpu, insn, p->size);
		memcpy(p->data, &val, p->size);
	}
}

/*
 * An access to @fault_gpa that the CPU could not do (not guest RAM, or
 * a write to a read-only slot): decode it, do what is RAM, exit with the
 * first MMIO piece. The decoded access must touch @fault_gpa's page:
 * another vCPU may have changed the code since the fault. Returns 0 (to
 * userspace), 1 (enter again) as the exit handlers do.
 */
int hvm_emulate_mmio(struct hvm_vcpu *vcpu, u64 fault_gpa)
{
	struct hvm_pending *p = &vcpu->pending;
	u8 bytes[X86_MAX_INSN_LEN];
	struct hvm_guest_mode gm;
	size_t len;
	u64 la;
	int r;

	hvm_guest_mode(vcpu, &gm);
	if (hvm_fetch(vcpu, &gm, &p->insn, bytes, &len) ||
	    !hvm_mmio_op_supported(&p->insn) ||
	    hvm_mmio_linear(vcpu, &gm, &p->insn, &la))
		return hvm_emulation_failed(vcpu, bytes, len);
	hvm_mmio_prepare(vcpu, &p->insn);
	r = hvm_mmio_split(vcpu, &gm, la);
	if (!r) {
		/*
		 * All of it is RAM now (a slot came in since the fault): a
		 * write is done, a read runs again.
		 */
		if (!p->in)
			vcpu->rip = p->next_rip;
		return 1;
	}
	if (r < 0 || !hvm_mmio_faulted_here(p, fault_gpa))
		return hvm_emulation_failed(vcpu, bytes, len);

	p->kind = HVM_PENDING_MMIO;
	hvm_mmio_exit(vcpu);
	/*
	 * A write needs nothing back: as KVM's emulator, the instruction
	 * retires before the exit reaches userspace; further pieces go out
	 * on the next KVM_RUNs.
	 */
	if (!p->in) {
		vcpu->rip = p->next_rip;
		if (p->nr_frags == 1)
			p->kind = HVM_PENDING_NONE;
	}
	return 0;
}

/* A read's value into the register, as the instruction defines it. */
static void hvm_mmio_finish_read(struct hvm_vcpu *vcpu)
{
	struct hvm_pending *p = &vcpu->pending;
	const struct x86_insn *insn = &p->insn;
	int bits = p->size * 8;
	u64 val = 0;

	memcpy(&val, p->data, p->size);
	if (insn->op == X86_OP_MOVSX && bits < 64)
		val = (u64)((s64)(val << (64 - bits)) >> (64 - bits));
	hvm_write_reg(vcpu, insn, insn->op == X86_OP_MOV_FROM_MEM ?
		      p->size : insn->opsize, val);
	vcpu->rip = p->next_rip;
}

/*
 * The next KVM_RUN after an MMIO exit: take a read piece's data; exit
 * again for the next piece (0), or finish the instruction (1).
 */
int hvm_complete_mmio(struct hvm_vcpu *vcpu)
{
	struct hvm_pending *p = &vcpu->pending;
	const struct hvm_mmio_frag *f = &p->frags[p->frag];

	if (p->in)
		memcpy(p->data + f->offset, vcpu->run->mmio.data, f->len);
	if (++p->frag < p->nr_frags) {
		hvm_mmio_exit(vcpu);
		return 0;
	}
	if (p->in)
		hvm_mmio_finish_read(vcpu);
	return 1;
}
