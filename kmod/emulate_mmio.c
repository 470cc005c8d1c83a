// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO: an access to a guest-physical address outside guest RAM (or a
 * write to a read-only slot) exits to userspace as KVM_EXIT_MMIO. The
 * faulting instruction is decoded and emulated here: MOV, MOVZX/MOVSX,
 * MOV of an immediate, the ALU operations with a memory operand (ADD,
 * OR, ADC, SBB, AND, SUB, XOR, CMP, TEST; NOT, NEG, INC, DEC), and one
 * element of MOVS, STOS and LODS (memcpy_toio() and friends).
 *
 * An instruction reads its memory operand first (if it does), then is
 * executed, then writes (if it does), as KVM's emulator:
 *  - an access that crosses a page is cut at the boundary
 *    (emulator_read_write()); each piece is translated on its own, a
 *    piece in guest RAM is done at once, each MMIO piece is one exit;
 *  - a read completes when the next KVM_RUN brings the last piece;
 *  - the instruction retires (registers, flags, RIP) before the exit of
 *    its write, which needs nothing back;
 *  - a REP string instruction moves one element per exit; RIP stays on
 *    it while elements are left, so the guest runs it again.
 * LOCK is ignored (KVM too emulates a locked MMIO access as a plain one).
 */
#include "kmod/emulate.h"
#include "kmod/x86_alu.h"

/* Internal: the instruction failed, the exit already says so. */
#define HVM_MMIO_FAILED		(-1)

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
	bool string = insn->mem_kind == X86_MEM_STRING;

	if (!(insn->flags & X86_INSN_MEM) || insn->mem_size < 1 ||
	    insn->mem_size > 8)
		return false;
	if (!string && insn->mem_kind != X86_MEM_MODRM &&
	    insn->mem_kind != X86_MEM_MOFFS)
		return false;
	switch (insn->op) {
	case X86_OP_MOVS:
	case X86_OP_STOS:
	case X86_OP_LODS:
		return string;
	case X86_OP_MOV_TO_MEM:
	case X86_OP_MOV_FROM_MEM:
		/* Not MOV to or from a segment register (8C, 8E). */
		return !string && insn->reg_kind == X86_RK_GPR;
	case X86_OP_MOVZX:
	case X86_OP_MOVSX:
	case X86_OP_STORE_IMM:
	case X86_OP_ALU:
	case X86_OP_NOT:
	case X86_OP_NEG:
	case X86_OP_INC:
	case X86_OP_DEC:
		return !string;
	default:
		return false;
	}
}

static bool hvm_mmio_reads(const struct x86_insn *insn)
{
	return insn->flags & X86_INSN_MEM_READ;
}

static bool hvm_mmio_writes(const struct x86_insn *insn)
{
	return insn->flags & X86_INSN_MEM_WRITE;
}

/* Linear addresses of the memory operand(s), for reading and writing. */
static int hvm_mmio_operands(struct hvm_vcpu *vcpu,
			     const struct hvm_guest_mode *gm,
			     const struct x86_insn *insn)
{
	struct hvm_pending *p = &vcpu->pending;
	u64 ea;

	if (insn->mem_kind == X86_MEM_STRING) {
		p->src_la = hvm_string_src(vcpu, gm, insn);
		p->dst_la = hvm_string_dst(vcpu, gm, insn);
		return 0;
	}
	if (x86_insn_effective_address(insn, vcpu->gpr,
				       vcpu->rip + insn->length, &ea))
		return -EINVAL;
	p->src_la = hvm_linear(gm, hvm_seg_base(gm, insn->mem_seg), ea);
	p->dst_la = p->src_la;
	return 0;
}

/*
 * One piece of the access, within one page: done at once in guest RAM
 * (0), or queued as an MMIO fragment (1). Its rights are checked at the
 * guest's CPL: the CPU checked only the access that faulted, not the
 * other operand of a MOVS nor the second page of a split access.
 */
static int hvm_mmio_piece(struct hvm_vcpu *vcpu,
			  const struct hvm_guest_mode *gm, u64 la, u8 offset,
			  u8 len)
{
	struct hvm_pending *p = &vcpu->pending;
	struct hvm_mmio_frag *f;
	u64 gpa;
	int r;

	r = hvm_translate(vcpu, gm, la,
			  p->in ? HVM_ACCESS_READ : HVM_ACCESS_WRITE, &gpa);
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

/*
 * Reads (@in) or writes p->data at @la, split into its pieces: how many
 * must go to userspace, or < 0 if a piece cannot be translated.
 */
static int hvm_mmio_access(struct hvm_vcpu *vcpu,
			   const struct hvm_guest_mode *gm, u64 la, bool in)
{
	struct hvm_pending *p = &vcpu->pending;
	u8 first = min_t(u64, p->size, PAGE_SIZE - (la & ~PAGE_MASK));
	int r;

	p->in = in;
	p->nr_frags = 0;
	p->frag = 0;
	r = hvm_mmio_piece(vcpu, gm, la, 0, first);
	if (r >= 0 && first < p->size)
		r = hvm_mmio_piece(vcpu, gm, hvm_linear(gm, la, first), first,
				   p->size - first);
	return r < 0 ? r : p->nr_frags;
}

/* Whether [@la, @la + @size) is in @fault_gpa's page. */
static bool hvm_mmio_covers(struct hvm_vcpu *vcpu,
			    const struct hvm_guest_mode *gm, u64 la, u8 size,
			    u64 fault_gpa)
{
	u64 gpa, last = hvm_linear(gm, la, size - 1);

	return (!hvm_translate(vcpu, gm, la, HVM_ACCESS_ANY, &gpa) &&
		gpa >> PAGE_SHIFT == fault_gpa >> PAGE_SHIFT) ||
	       (!hvm_translate(vcpu, gm, last, HVM_ACCESS_ANY, &gpa) &&
		gpa >> PAGE_SHIFT == fault_gpa >> PAGE_SHIFT);
}

/*
 * The decoded instruction must access @fault_gpa's page: another vCPU
 * may have changed the code since the fault.
 */
static bool hvm_mmio_faulted_here(struct hvm_vcpu *vcpu,
				  const struct hvm_guest_mode *gm,
				  u64 fault_gpa)
{
	const struct hvm_pending *p = &vcpu->pending;
	const struct x86_insn *insn = &p->insn;

	return (hvm_mmio_reads(insn) &&
		hvm_mmio_covers(vcpu, gm, p->src_la, p->size, fault_gpa)) ||
	       (hvm_mmio_writes(insn) &&
		hvm_mmio_covers(vcpu, gm, p->dst_la, p->size, fault_gpa));
}

/* The source operand of an ALU operation whose destination is memory. */
static u64 hvm_alu_source(struct hvm_vcpu *vcpu, const struct x86_insn *insn)
{
	return insn->imm_size ? insn->imm : hvm_read_reg(vcpu, insn, insn->opsize);
}

static enum x86_unary hvm_unary_op(enum x86_op op)
{
	switch (op) {
	case X86_OP_NOT:
		return X86_UNARY_NOT;
	case X86_OP_NEG:
		return X86_UNARY_NEG;
	case X86_OP_INC:
		return X86_UNARY_INC;
	default:
		return X86_UNARY_DEC;
	}
}

/* An ALU operation on the memory value @mem: the value to store, if any. */
static u64 hvm_mmio_alu(struct hvm_vcpu *vcpu, const struct x86_insn *insn,
			u64 mem)
{
	u8 size = insn->opsize;
	u64 res;

	if (insn->op != X86_OP_ALU)
		return x86_unary(hvm_unary_op(insn->op), size, mem,
				 &vcpu->rflags);
	if (insn->flags & X86_INSN_MEM_DST)
		return x86_alu(insn->alu, size, mem, hvm_alu_source(vcpu, insn),
			       &vcpu->rflags);
	/* The register is the destination. */
	res = x86_alu(insn->alu, size, hvm_read_reg(vcpu, insn, size), mem,
		      &vcpu->rflags);
	if (insn->alu != X86_ALU_CMP && insn->alu != X86_ALU_TEST)
		hvm_write_reg(vcpu, insn, size, res);
	return res;
}

/* A load's value into its register, as MOV/MOVZX/MOVSX/LODS define it. */
static void hvm_mmio_load(struct hvm_vcpu *vcpu, const struct x86_insn *insn,
			  u64 mem)
{
	u8 size = vcpu->pending.size;
	int bits = size * 8;

	switch (insn->op) {
	case X86_OP_LODS:
		hvm_assign_gpr(&vcpu->gpr[HVM_RAX], mem, size);
		return;
	case X86_OP_MOVSX:
		if (bits < 64)
			mem = (u64)((s64)(mem << (64 - bits)) >> (64 - bits));
		fallthrough;
	case X86_OP_MOVZX:
		hvm_write_reg(vcpu, insn, insn->opsize, mem);
		return;
	default:
		hvm_write_reg(vcpu, insn, size, mem);
	}
}

/*
 * Executes the instruction once its memory value (if it reads one) is
 * in p->data: registers, flags and RIP change, and p->data becomes the
 * value to write (if it writes one).
 */
static void hvm_mmio_execute(struct hvm_vcpu *vcpu)
{
	struct hvm_pending *p = &vcpu->pending;
	const struct x86_insn *insn = &p->insn;
	u64 val = 0;

	memcpy(&val, p->data, p->size);
	switch (insn->op) {
	case X86_OP_MOV_TO_MEM:
		val = hvm_read_reg(vcpu, insn, p->size);
		break;
	case X86_OP_STORE_IMM:
		val = insn->imm;
		break;
	case X86_OP_STOS:
		val = vcpu->gpr[HVM_RAX];
		hvm_string_step(vcpu, insn, HVM_RDI, p->size);
		break;
	case X86_OP_MOVS:
		hvm_string_step(vcpu, insn, HVM_RSI, p->size);
		hvm_string_step(vcpu, insn, HVM_RDI, p->size);
		break;
	case X86_OP_LODS:
		hvm_mmio_load(vcpu, insn, val);
		hvm_string_step(vcpu, insn, HVM_RSI, p->size);
		break;
	case X86_OP_MOV_FROM_MEM:
	case X86_OP_MOVZX:
	case X86_OP_MOVSX:
		hvm_mmio_load(vcpu, insn, val);
		break;
	default:
		val = hvm_mmio_alu(vcpu, insn, val);
		break;
	}
	memcpy(p->data, &val, p->size);
	/* An instruction that completes clears RF (SDM vol. 3A 17.3.1.1). */
	vcpu->rflags &= ~X86_EFLAGS_RF;
	if (insn->mem_kind == X86_MEM_STRING)
		hvm_string_next(vcpu, insn, p->next_rip, 1);
	else
		vcpu->rip = p->next_rip;
}

/*
 * Execute, then write if the instruction writes: 0 with the exit of the
 * first MMIO piece of the write, 1 when nothing is left for userspace,
 * HVM_MMIO_FAILED with an internal error if the write has nowhere to go.
 */
static int hvm_mmio_execute_and_write(struct hvm_vcpu *vcpu,
				      const struct hvm_guest_mode *gm)
{
	struct hvm_pending *p = &vcpu->pending;
	int r;

	hvm_mmio_execute(vcpu);
	if (!hvm_mmio_writes(&p->insn))
		return 1;
	r = hvm_mmio_access(vcpu, gm, p->dst_la, false);
	if (r < 0) {
		hvm_emulation_failed(vcpu, NULL, 0);
		return HVM_MMIO_FAILED;
	}
	if (!r)
		return 1;
	hvm_mmio_exit(vcpu);
	return 0;
}

/* After a read piece or all of them: the next exit, or 1 when done. */
static int hvm_mmio_after_read(struct hvm_vcpu *vcpu,
			       const struct hvm_guest_mode *gm)
{
	struct hvm_pending *p = &vcpu->pending;

	if (p->frag < p->nr_frags) {
		hvm_mmio_exit(vcpu);
		return 0;
	}
	return hvm_mmio_execute_and_write(vcpu, gm);
}

/*
 * The pending state after @r (0: an MMIO exit to complete) and the 0 or
 * 1 of the exit handlers and of hvm_complete_mmio().
 */
static int hvm_mmio_pending(struct hvm_vcpu *vcpu, int r)
{
	vcpu->pending.kind = r ? HVM_PENDING_NONE : HVM_PENDING_MMIO;
	return r > 0;
}

/*
 * An access to @fault_gpa that the CPU could not do (not guest RAM, or a
 * write to a read-only slot). Returns 0 (to userspace) or 1 (enter
 * again) as the exit handlers do.
 */
int hvm_emulate_mmio(struct hvm_vcpu *vcpu, u64 fault_gpa)
{
	struct hvm_pending *p = &vcpu->pending;
	u8 bytes[X86_MAX_INSN_LEN];
	struct hvm_guest_mode gm;
	size_t len;
	int r = 0;

	hvm_guest_mode(vcpu, &gm);
	if (hvm_fetch(vcpu, &gm, &p->insn, bytes, &len) ||
	    !hvm_mmio_op_supported(&p->insn) ||
	    hvm_mmio_operands(vcpu, &gm, &p->insn))
		return hvm_emulation_failed(vcpu, bytes, len);
	p->next_rip = hvm_insn_next_rip(&p->insn, vcpu->rip);
	p->size = p->insn.mem_size;
	p->nr_frags = 0;
	p->frag = 0;
	memset(p->data, 0, sizeof(p->data));
	if (!hvm_mmio_faulted_here(vcpu, &gm, fault_gpa))
		return hvm_emulation_failed(vcpu, bytes, len);
	/* REP with nothing left: the CPU does no access; neither do we. */
	if (p->insn.mem_kind == X86_MEM_STRING &&
	    !hvm_string_left(vcpu, &p->insn)) {
		vcpu->rip = p->next_rip;
		return 1;
	}
	if (hvm_mmio_reads(&p->insn))
		r = hvm_mmio_access(vcpu, &gm, p->src_la, true);
	if (r < 0)
		return hvm_emulation_failed(vcpu, bytes, len);
	return hvm_mmio_pending(vcpu, hvm_mmio_after_read(vcpu, &gm));
}

/*
 * The next KVM_RUN after an MMIO exit: take a read piece's data; then
 * the next piece's exit (0), or the rest of the instruction (0 if its
 * write exits, else 1).
 */
int hvm_complete_mmio(struct hvm_vcpu *vcpu)
{
	struct hvm_pending *p = &vcpu->pending;
	const struct hvm_mmio_frag *f = &p->frags[p->frag++];
	struct hvm_guest_mode gm;

	if (!p->in) {
		if (p->frag == p->nr_frags)
			return 1;
		hvm_mmio_exit(vcpu);
		return 0;
	}
	memcpy(p->data + f->offset, vcpu->run->mmio.data, f->len);
	hvm_guest_mode(vcpu, &gm);
	return hvm_mmio_pending(vcpu, hvm_mmio_after_read(vcpu, &gm));
}
