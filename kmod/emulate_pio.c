// SPDX-License-Identifier: GPL-2.0-only
/*
 * String port I/O: INS and OUTS, with or without REP, emulated by the
 * core after the back end's I/O exit, with KVM 6.1's exits to userspace
 * (arch/x86/kvm/emulate.c and x86.c, as observed in the QEMU sandbox):
 *
 *  - OUTS hands out one element per exit (io.count 1);
 *  - INS asks for a batch: min(room in RDI's page, 1024 / size, RCX)
 *    elements, where "room" is the byte count left in the page counted
 *    as elements, as KVM compares them (below RDI for DF=1), at least 1.
 *
 * The next KVM_RUN completes the exit: INS data is stored at ES:rDI,
 * rSI/rDI step by the element size (down with DF=1), rCX counts down
 * with REP, all three at the instruction's address size. RIP stays on
 * the instruction while REP has elements left, so the guest runs it
 * again (and takes interrupts in between, as the CPU does); otherwise it
 * moves past it.
 *
 * The memory operand is checked against the guest's page-table rights
 * at its CPL. What the CPU would fault on (not present, not permitted,
 * not guest RAM, e.g. INS into MMIO) ends in KVM_EXIT_INTERNAL_ERROR
 * where KVM would inject #PF or emulate an MMIO access; segment limits
 * are not checked (Documentation/api.rst, differences).
 */
#include <asm/processor-flags.h>

#include "kmod/emulate.h"

/* KVM's read-ahead buffer for INS (struct read_cache). */
#define HVM_INS_BATCH_BYTES	1024

/* Elements this exit moves (0: REP with nothing left). */
static u32 hvm_pio_string_count(struct hvm_vcpu *vcpu,
				const struct x86_insn *insn, u8 size)
{
	u64 left = hvm_string_left(vcpu, insn);
	u64 rdi = vcpu->gpr[HVM_RDI] & hvm_addr_mask(insn->addrsize);
	u64 room;

	if (!left)
		return 0;
	if (insn->op == X86_OP_OUTS)
		return 1;
	room = (vcpu->rflags & X86_EFLAGS_DF) ? rdi & ~PAGE_MASK :
	       PAGE_SIZE - (rdi & ~PAGE_MASK);
	/* KVM's count is an unsigned int: RCX 2^32 counts as 0, then 1. */
	return max_t(u64, 1, min3(room, (u64)HVM_INS_BATCH_BYTES / size,
				  (u64)(u32)left));
}

/*
 * The I/O exit of an INS or OUTS on @port, @size bytes per element
 * (from the CPU's exit information); @next_rip follows the instruction.
 * Returns 0 (to userspace) or 1 (REP with a zero count: done).
 */
int hvm_exit_pio_string(struct hvm_vcpu *vcpu, u16 port, u8 size, bool in,
			u64 next_rip)
{
	struct hvm_pending *p = &vcpu->pending;
	struct x86_insn *insn = &p->insn;
	u8 bytes[X86_MAX_INSN_LEN];
	struct hvm_guest_mode gm;
	size_t len;

	hvm_guest_mode(vcpu, &gm);
	/* The instruction must still be the one that exited. */
	if (hvm_fetch(vcpu, &gm, insn, bytes, &len) ||
	    insn->op != (in ? X86_OP_INS : X86_OP_OUTS) ||
	    (size != 1 && size != 2 && size != 4))
		return hvm_emulation_failed(vcpu, bytes, len);
	p->size = size;
	p->in = in;
	p->next_rip = next_rip;
	p->count = hvm_pio_string_count(vcpu, insn, size);
	if (!p->count) {
		vcpu->rip = next_rip;
		return 1;
	}
	if (in) {
		/* The data area is zeroed, as for IN. */
		memset(vcpu->pio_data, 0, p->count * size);
	} else if (hvm_copy_virt(vcpu, &gm, hvm_string_src(vcpu, &gm, insn),
				 vcpu->pio_data, size, HVM_ACCESS_READ)) {
		return hvm_emulation_failed(vcpu, bytes, len);
	}
	hvm_fill_io_exit(vcpu, port, size, in, p->count);
	p->kind = HVM_PENDING_PIO_STRING;
	return 0;
}

/* Stores the elements userspace gave, one by one (each may fault). */
static int hvm_pio_string_store(struct hvm_vcpu *vcpu,
				const struct hvm_guest_mode *gm)
{
	struct hvm_pending *p = &vcpu->pending;
	const struct x86_insn *insn = &p->insn;
	u32 i;

	for (i = 0; i < p->count; i++) {
		if (hvm_copy_virt(vcpu, gm, hvm_string_dst(vcpu, gm, insn),
				  vcpu->pio_data + i * p->size, p->size,
				  HVM_ACCESS_WRITE))
			return -EFAULT;
		hvm_string_step(vcpu, insn, HVM_RDI, p->size);
	}
	return 0;
}

/*
 * The next KVM_RUN after a string I/O exit: store INS data, step the
 * registers, and move RIP past the instruction if nothing is left.
 * Returns 1, or 0 with an internal error when an element has nowhere
 * to go.
 */
int hvm_complete_pio_string(struct hvm_vcpu *vcpu)
{
	struct hvm_pending *p = &vcpu->pending;
	const struct x86_insn *insn = &p->insn;
	struct hvm_guest_mode gm;

	if (p->in) {
		hvm_guest_mode(vcpu, &gm);
		if (hvm_pio_string_store(vcpu, &gm)) {
			p->kind = HVM_PENDING_NONE;
			return hvm_emulation_failed(vcpu, NULL, 0);
		}
	} else {
		hvm_string_step(vcpu, insn, HVM_RSI, p->size);
	}
	hvm_string_next(vcpu, insn, p->next_rip, p->count);
	vcpu->rflags &= ~X86_EFLAGS_RF;
	return 1;
}
