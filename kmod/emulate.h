/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the core's instruction emulation (emulate*.c): the guest's mode
 * and its memory as an instruction sees them. Not for the back ends,
 * which go through hvm.h.
 */
#ifndef HVMOD_EMULATE_H
#define HVMOD_EMULATE_H

#include "kmod/hvm.h"

/* The guest's state that decoding and addressing depend on. */
struct hvm_guest_mode {
	struct kvm_sregs sregs;
	enum x86_mode mode;
	u8 cpl;
};

/* What an emulated access must be allowed to do (hvm_translate()). */
enum hvm_access {
	HVM_ACCESS_ANY,		/* already done by the CPU: no check */
	HVM_ACCESS_READ,
	HVM_ACCESS_WRITE,
};

void hvm_guest_mode(struct hvm_vcpu *vcpu, struct hvm_guest_mode *gm);
u64 hvm_linear(const struct hvm_guest_mode *gm, u64 base, u64 off);
u64 hvm_seg_base(const struct hvm_guest_mode *gm, enum x86_seg seg);
int hvm_translate(struct hvm_vcpu *vcpu, const struct hvm_guest_mode *gm,
		  u64 va, enum hvm_access access, u64 *gpa);
int hvm_copy_virt(struct hvm_vcpu *vcpu, const struct hvm_guest_mode *gm,
		  u64 va, void *buf, size_t len, enum hvm_access access);
int hvm_fetch(struct hvm_vcpu *vcpu, const struct hvm_guest_mode *gm,
	      struct x86_insn *insn, u8 *bytes, size_t *len);
void hvm_assign_gpr(u64 *reg, u64 val, u8 size);
u64 hvm_addr_mask(u8 addrsize);
void hvm_string_step(struct hvm_vcpu *vcpu, const struct x86_insn *insn,
		     enum hvm_gpr reg, u8 size);
u64 hvm_string_left(struct hvm_vcpu *vcpu, const struct x86_insn *insn);
void hvm_string_next(struct hvm_vcpu *vcpu, const struct x86_insn *insn,
		     u64 next_rip, u32 n);
u64 hvm_string_src(struct hvm_vcpu *vcpu, const struct hvm_guest_mode *gm,
		   const struct x86_insn *insn);
u64 hvm_string_dst(struct hvm_vcpu *vcpu, const struct hvm_guest_mode *gm,
		   const struct x86_insn *insn);
int hvm_emulation_failed(struct hvm_vcpu *vcpu, const u8 *bytes, size_t len);

#endif /* HVMOD_EMULATE_H */
