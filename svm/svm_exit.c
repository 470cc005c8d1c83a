// SPDX-License-Identifier: GPL-2.0-only
/*
 * AMD-V exits: one table indexed by the VMCB's EXITCODE (APM vol. 2,
 * rev. 3.42, appendix C), one small handler per reason. Handlers return
 * as the ops table's handle_exit: > 0 to enter again, 0 to return to
 * userspace with vcpu->run filled, -errno to fail KVM_RUN. A reason with
 * no handler dumps the VMCB (rate-limited) and becomes
 * KVM_EXIT_INTERNAL_ERROR: never a BUG().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/nospec.h>
#include <linux/ratelimit.h>
#include <asm/debugreg.h>
#include <asm/processor-flags.h>

#include "svm/svm.h"

/* CR write EXITINFO1 with decode assists (APM 15.33.1): a MOV, its GPR. */
#define SVM_CR_EXITINFO1_MOV	BIT_ULL(63)
/* Nested page fault error code (APM 15.25.6): bit 1, a write. */
#define SVM_NPF_WRITE		BIT_ULL(1)

typedef int (*svm_exit_fn)(struct hvm_vcpu *vcpu, struct svm_vcpu *svm);

/* KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON data: the reason, the CPU. */
static int svm_exit_unexpected(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 2);
	const struct vmcb_control_area *c = &svm->vmcb->control;
	u64 data[2] = { c->exit_code, raw_smp_processor_id() };

	if (__ratelimit(&rs)) {
		pr_warn("unexpected exit %#x (info1 %#llx info2 %#llx intinfo %#x) at rip %#llx\n",
			c->exit_code, c->exit_info_1, c->exit_info_2,
			c->exit_int_info, vcpu->rip);
		print_hex_dump(KERN_WARNING, "hvmod: vmcb: ", DUMP_PREFIX_OFFSET,
			       32, 8, svm->vmcb, 0x400, false);
	}
	return hvm_exit_internal_error(vcpu,
				       KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON,
				       data, ARRAY_SIZE(data));
}

/* The RIP after the intercepted instruction: NRIP-save, or decoding. */
static int svm_next_rip(struct hvm_vcpu *vcpu, struct svm_vcpu *svm,
			u64 *next_rip)
{
	if (svm_caps.nrip_save) {
		*next_rip = svm->vmcb->control.next_rip;
		return 0;
	}
	return hvm_next_rip(vcpu, next_rip);
}

static int svm_undecodable(struct hvm_vcpu *vcpu)
{
	return hvm_exit_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION,
				       NULL, 0);
}

/* Host interrupts and NMIs are taken right after the exit (svm_run.c). */
static int svm_exit_nop(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	return 1;
}

static int svm_exit_ud(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	svm_queue_exception(vcpu, UD_VECTOR, false, 0);
	return 1;
}

/* RDPMC with no PMU: #GP(0), as KVM without a vPMU. */
static int svm_exit_gp(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	svm_queue_exception(vcpu, GP_VECTOR, true, 0);
	return 1;
}

/* INVD and WBINVD: no cache is the guest's own; nothing to do. */
static int svm_exit_skip(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	u64 next;

	if (svm_next_rip(vcpu, svm, &next))
		return svm_undecodable(vcpu);
	vcpu->rip = next;
	return 1;
}

/* #DB and #AC, intercepted only to break delivery loops: back in. */
static int svm_exit_reflect(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	u32 vector = svm->vmcb->control.exit_code - SVM_EXIT_EXCP_BASE;

	svm_queue_exception(vcpu, vector, vector == AC_VECTOR,
			    svm->vmcb->control.exit_info_1);
	return 1;
}

static int svm_exit_vintr(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	svm_set_irq_window(vcpu, false);
	return 1;
}

static int svm_exit_hlt(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	u64 next;

	if (svm_next_rip(vcpu, svm, &next))
		return svm_undecodable(vcpu);
	vcpu->rip = next;
	return hvm_exit_to_user(vcpu, KVM_EXIT_HLT);
}

static int svm_exit_shutdown(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	return hvm_exit_to_user(vcpu, KVM_EXIT_SHUTDOWN);
}

static int svm_exit_cpuid(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	u64 next;

	if (svm_next_rip(vcpu, svm, &next))
		return svm_undecodable(vcpu);
	return hvm_handle_cpuid(vcpu, next);
}

static int svm_exit_vmmcall(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	u64 next;

	if (svm_next_rip(vcpu, svm, &next))
		return svm_undecodable(vcpu);
	return hvm_handle_hypercall(vcpu, next);
}

static int svm_exit_msr(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	u64 next;

	if (svm_next_rip(vcpu, svm, &next))
		return svm_undecodable(vcpu);
	if (svm->vmcb->control.exit_info_1)
		return hvm_handle_wrmsr(vcpu, next);
	return hvm_handle_rdmsr(vcpu, next);
}

/*
 * IOIO (APM 15.10.2): EXITINFO1 has the port, the direction, the size
 * and the string/REP bits; EXITINFO2 is always the next RIP. The core
 * emulates INS/OUTS (kmod/emulate_pio.c).
 */
static int svm_exit_ioio(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	u64 info = svm->vmcb->control.exit_info_1;
	u8 size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;

	if (info & SVM_IOIO_STR_MASK)
		return hvm_exit_pio_string(vcpu, info >> 16, size,
					   info & SVM_IOIO_TYPE_MASK,
					   svm->vmcb->control.exit_info_2);
	return hvm_exit_pio(vcpu, info >> 16, size, info & SVM_IOIO_TYPE_MASK,
			    svm->vmcb->control.exit_info_2);
}

/* Nested page fault: EXITINFO1 is the error code, EXITINFO2 the GPA. */
static int svm_exit_npf(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	u64 error = svm->vmcb->control.exit_info_1;
	u64 gpa = svm->vmcb->control.exit_info_2;
	int r;

	r = hvm_mmu_fault(vcpu, gpa, error & SVM_NPF_WRITE);
	if (r <= 0)
		return r ? r : 1;
	return hvm_emulate_mmio(vcpu, gpa);
}

/*
 * MOV to or from a debug register (kmod/dr.c emulates them all). DR4/DR5
 * alias DR6/DR7 unless CR4.DE (then #UD); CPL > 0 gets #GP.
 */
static int svm_exit_dr(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	struct vmcb_save_area *s = &svm->vmcb->save;
	struct x86_insn insn;

	if (hvm_fetch_insn(vcpu, &insn) ||
	    (insn.op != X86_OP_MOV_TO_DR && insn.op != X86_OP_MOV_FROM_DR))
		return svm_undecodable(vcpu);
	if (insn.reg_num > 7 || ((insn.reg_num == 4 || insn.reg_num == 5) &&
				 (s->cr4 & X86_CR4_DE)))
		return svm_exit_ud(vcpu, svm);
	if (s->cpl)
		return svm_exit_gp(vcpu, svm);
	if (hvm_mov_dr(vcpu, &svm->dregs, insn.reg_num, insn.modrm_rm,
		       insn.op == X86_OP_MOV_TO_DR,
		       insn.mode == X86_MODE_LONG64))
		return svm_exit_gp(vcpu, svm);
	vcpu->rip = hvm_insn_next_rip(&insn, vcpu->rip);
	return 1;
}

/*
 * MOV to CR4 (the only CR write intercepted). With decode assists,
 * EXITINFO1 names the source GPR; without them (QEMU's SVM), the
 * instruction is decoded. The CPU has checked CPL 0 and the mode before
 * the intercept (APM 15.7.1). The operand is 64 bits in 64-bit mode, 32
 * elsewhere. A refused value is #GP(0) with RIP on the instruction.
 */
static int svm_exit_write_cr4(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	const struct vmcb_save_area *s = &svm->vmcb->save;
	u64 info = svm->vmcb->control.exit_info_1;
	struct x86_insn insn;
	unsigned int gpr;
	bool wide;
	u64 next, val;

	if (svm_caps.decode_assists && (info & SVM_CR_EXITINFO1_MOV)) {
		if (svm_next_rip(vcpu, svm, &next))
			return svm_undecodable(vcpu);
		gpr = info & SVM_EXITINFO_REG_MASK;
		wide = (s->efer & EFER_LMA) && (s->cs.attrib & SVM_SELECTOR_L_MASK);
	} else {
		if (hvm_fetch_insn(vcpu, &insn) || insn.op != X86_OP_MOV_TO_CR ||
		    insn.reg_num != 4)
			return svm_undecodable(vcpu);
		gpr = insn.modrm_rm;
		wide = insn.mode == X86_MODE_LONG64;
		next = hvm_insn_next_rip(&insn, vcpu->rip);
	}
	val = vcpu->gpr[gpr & 15];
	if (!wide)
		val = (u32)val;
	if (hvm_set_cr4(vcpu, val))
		return svm_exit_gp(vcpu, svm);
	vcpu->rip = next;
	return 1;
}

static const svm_exit_fn svm_exit_table[] = {
	[SVM_EXIT_WRITE_CR4] = svm_exit_write_cr4,
	[SVM_EXIT_READ_DR0 ... SVM_EXIT_WRITE_DR7] = svm_exit_dr,
	[SVM_EXIT_EXCP_BASE + DB_VECTOR] = svm_exit_reflect,
	[SVM_EXIT_EXCP_BASE + AC_VECTOR] = svm_exit_reflect,
	[SVM_EXIT_INTR] = svm_exit_nop,
	[SVM_EXIT_NMI] = svm_exit_nop,
	[SVM_EXIT_SMI] = svm_exit_nop,
	[SVM_EXIT_INIT] = svm_exit_nop,
	[SVM_EXIT_VINTR] = svm_exit_vintr,
	[SVM_EXIT_RDPMC] = svm_exit_gp,
	[SVM_EXIT_CPUID] = svm_exit_cpuid,
	[SVM_EXIT_RSM] = svm_exit_ud,
	[SVM_EXIT_INVD] = svm_exit_skip,
	[SVM_EXIT_HLT] = svm_exit_hlt,
	[SVM_EXIT_INVLPGA] = svm_exit_ud,
	[SVM_EXIT_IOIO] = svm_exit_ioio,
	[SVM_EXIT_MSR] = svm_exit_msr,
	[SVM_EXIT_SHUTDOWN] = svm_exit_shutdown,
	[SVM_EXIT_VMRUN] = svm_exit_ud,
	[SVM_EXIT_VMMCALL] = svm_exit_vmmcall,
	[SVM_EXIT_VMLOAD] = svm_exit_ud,
	[SVM_EXIT_VMSAVE] = svm_exit_ud,
	[SVM_EXIT_STGI] = svm_exit_ud,
	[SVM_EXIT_CLGI] = svm_exit_ud,
	[SVM_EXIT_SKINIT] = svm_exit_ud,
	[SVM_EXIT_RDTSCP] = svm_exit_ud,
	[SVM_EXIT_WBINVD] = svm_exit_skip,
	[SVM_EXIT_MONITOR] = svm_exit_ud,
	[SVM_EXIT_MWAIT] = svm_exit_ud,
	[SVM_EXIT_XSETBV] = svm_exit_ud,
	[SVM_EXIT_RDPRU] = svm_exit_ud,
	[SVM_EXIT_INVPCID] = svm_exit_ud,
	[SVM_EXIT_NPF] = svm_exit_npf,
	[SVM_EXIT_IRET] = svm_exit_iret,	/* svm_events.c */
};

/* The vendor-neutral class of an EXITCODE (struct hvm_last_exit). */
static u32 svm_exit_reason(u64 code)
{
	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
	case SVM_EXIT_INIT:
		return HVM_EXIT_R_EXTINT;
	case SVM_EXIT_VINTR:
		return HVM_EXIT_R_IRQ_WINDOW;
	case SVM_EXIT_IRET:
		return HVM_EXIT_R_NMI_WINDOW;
	case SVM_EXIT_EXCP_BASE ... SVM_EXIT_EXCP_BASE + 31:
		return HVM_EXIT_R_EXCEPTION;
	case SVM_EXIT_CPUID:
		return HVM_EXIT_R_CPUID;
	case SVM_EXIT_HLT:
		return HVM_EXIT_R_HLT;
	case SVM_EXIT_IOIO:
		return HVM_EXIT_R_IO;
	case SVM_EXIT_NPF:
		return HVM_EXIT_R_NPF;
	case SVM_EXIT_READ_CR0 ... SVM_EXIT_WRITE_CR0 + 15:
		return HVM_EXIT_R_CR;
	case SVM_EXIT_READ_DR0 ... SVM_EXIT_WRITE_DR7:
		return HVM_EXIT_R_DR;
	case SVM_EXIT_VMMCALL:
		return HVM_EXIT_R_HYPERCALL;
	case SVM_EXIT_SHUTDOWN:
		return HVM_EXIT_R_SHUTDOWN;
	case SVM_EXIT_RDPMC:
	case SVM_EXIT_RSM:
	case SVM_EXIT_INVD:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD ... SVM_EXIT_SKINIT:
	case SVM_EXIT_RDTSCP:
	case SVM_EXIT_WBINVD:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_XSETBV:
	case SVM_EXIT_RDPRU:
	case SVM_EXIT_INVPCID:
		return HVM_EXIT_R_INSN;
	default:
		return HVM_EXIT_R_OTHER;
	}
}

/* Called by svm_enter_guest() right after #VMEXIT. */
void svm_record_exit(struct hvm_vcpu *vcpu, struct svm_vcpu *svm)
{
	const struct vmcb_control_area *c = &svm->vmcb->control;
	struct hvm_last_exit *e = &vcpu->last_exit;
	u64 code = ((u64)c->exit_code_hi << 32) | c->exit_code;

	e->code = c->exit_code;
	e->info1 = c->exit_info_1;
	e->info2 = c->exit_info_2;
	if (c->exit_code == (u32)SVM_EXIT_ERR)
		e->reason = HVM_EXIT_R_FAIL_ENTRY;
	else if (code == SVM_EXIT_MSR)
		e->reason = c->exit_info_1 ? HVM_EXIT_R_MSR_WRITE :
					     HVM_EXIT_R_MSR_READ;
	else
		e->reason = svm_exit_reason(code);
}

int svm_handle_exit(struct hvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u32 code = svm->vmcb->control.exit_code;
	int r;

	/*
	 * VMEXIT_INVALID: VMRUN's consistency checks failed (APM 15.5.1).
	 * The reason is the 32-bit EXITCODE, 0xffffffff, as kvm-amd gives.
	 */
	if (code == (u32)SVM_EXIT_ERR)
		return hvm_exit_fail_entry(vcpu, code);
	if (svm->vmcb->control.exit_code_hi || code >= ARRAY_SIZE(svm_exit_table) ||
	    !svm_exit_table[code])
		return svm_exit_unexpected(vcpu, svm);
	code = array_index_nospec(code, ARRAY_SIZE(svm_exit_table));
	r = svm_exit_table[code](vcpu, svm);
	/*
	 * An instruction emulated here has retired: the STI/MOV SS
	 * interrupt shadow it sat in is over (kvm_skip_emulated_instruction()).
	 */
	if (vcpu->rip != svm->vmcb->save.rip)
		svm->vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
	return r;
}
