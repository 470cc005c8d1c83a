// SPDX-License-Identifier: GPL-2.0-only
/*
 * VT-x exits: one table indexed by the basic exit reason (Intel SDM,
 * order no. 326019-081US, vol. 3C appendix C), one small handler per
 * reason, returning as the ops table's handle_exit: > 0 to enter again,
 * 0 to return to userspace with vcpu->run filled, -errno to fail
 * KVM_RUN. A reason with no handler logs the exit (rate-limited) and
 * becomes KVM_EXIT_INTERNAL_ERROR: never a BUG().
 *
 * Every instruction exit gives its length (VM_EXIT_INSTRUCTION_LEN,
 * 27.2.5), so no handler decodes to skip an instruction.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/nospec.h>
#include <linux/ratelimit.h>
#include <asm/debugreg.h>
#include <asm/processor-flags.h>

#include "vmx/vmx.h"

/* Exit qualifications (27.2.1). */
#define VMX_IO_SIZE(q)		(((q) & 7) + 1)
#define VMX_IO_IN		BIT(3)
#define VMX_IO_STRING		BIT(4)
#define VMX_EPT_WRITE		BIT(1)
#define VMX_EPT_NMI_UNBLOCK	BIT(12)
#define VMX_CR_NUM(q)		((q) & 15)
#define VMX_CR_TYPE(q)		(((q) >> 4) & 3)
#define VMX_CR_GPR(q)		(((q) >> 8) & 15)
#define VMX_CR_LMSW_SRC(q)	(((q) >> 16) & 0xffff)
#define VMX_DR_NUM(q)		((q) & 7)
#define VMX_DR_FROM		BIT(4)
#define VMX_DR_GPR(q)		(((q) >> 8) & 15)

/* Basic exit reasons <asm/vmx.h> does not name (appendix C). */
#define VMX_EXIT_GETSEC		11
#define VMX_EXIT_RSM		17

enum { VMX_CR_MOV_TO, VMX_CR_MOV_FROM, VMX_CR_CLTS, VMX_CR_LMSW };

typedef int (*vmx_exit_fn)(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx);

/* KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON data: the reason, the CPU. */
static int vmx_exit_unexpected(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 2);
	const struct vmx_exit_info *e = &vmx->exit;
	u64 data[2] = { e->reason, raw_smp_processor_id() };

	if (__ratelimit(&rs))
		pr_warn("unexpected exit %#x (qual %#llx intr %#x idt %#x gpa %#llx) at rip %#llx\n",
			e->reason, e->qual, e->intr_info, e->idt_info, e->gpa,
			vcpu->rip);
	return hvm_exit_internal_error(vcpu,
				       KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON,
				       data, ARRAY_SIZE(data));
}

static u64 vmx_next_rip(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	return vcpu->rip + vmx->exit.insn_len;
}

/* Host interrupts and NMIs were taken after the exit (vmx_run.c). */
static int vmx_exit_nop(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	return 1;
}

/* VMX instructions, GETSEC, RSM, MONITOR/MWAIT...: no such feature. */
static int vmx_exit_ud(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	vmx_queue_exception(vcpu, UD_VECTOR, false, 0);
	return 1;
}

/* RDPMC with no PMU: #GP(0), as KVM without a vPMU. */
static int vmx_exit_gp(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	vmx_queue_exception(vcpu, GP_VECTOR, true, 0);
	return 1;
}

/* INVD and WBINVD: no cache is the guest's own; nothing to do. */
static int vmx_exit_skip(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	vcpu->rip = vmx_next_rip(vcpu, vmx);
	return 1;
}

/*
 * #DB and #AC, intercepted only to break delivery loops (as on AMD-V):
 * back in. ICEBP's #DB goes in again as ICEBP, with its length.
 */
static int vmx_exit_exception(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	const struct vmx_exit_info *e = &vmx->exit;
	u32 info = e->intr_info;
	u8 vector = info & INTR_INFO_VECTOR_MASK;

	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		return 1;
	vmx_nmi_unblocked_by_iret(vmx, info & INTR_INFO_UNBLOCK_NMI);
	if (vector == DB_VECTOR) {
		/* B0-B3, BD, BS of the qualification go to DR6 (27.2.1). */
		vmx->dregs.dr6 = DR6_RESERVED | (e->qual & 0x600f);
		if ((info & INTR_INFO_INTR_TYPE_MASK) ==
		    INTR_TYPE_PRIV_SW_EXCEPTION && !(e->idt_info & INTR_INFO_VALID_MASK)) {
			vmx->exit.idt_info = info & ~INTR_INFO_UNBLOCK_NMI;
			return 1;
		}
	}
	if (vector != DB_VECTOR && vector != AC_VECTOR)
		return vmx_exit_unexpected(vcpu, vmx);
	vmx_queue_exception(vcpu, vector, vector == AC_VECTOR, e->intr_error);
	return 1;
}

static int vmx_exit_triple_fault(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	return hvm_exit_to_user(vcpu, KVM_EXIT_SHUTDOWN);
}

static int vmx_exit_irq_window(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	vmx->irq_window = false;
	return 1;
}

static int vmx_exit_cpuid(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	return hvm_handle_cpuid(vcpu, vmx_next_rip(vcpu, vmx));
}

static int vmx_exit_hlt(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	vcpu->rip = vmx_next_rip(vcpu, vmx);
	return hvm_exit_to_user(vcpu, KVM_EXIT_HLT);
}

static int vmx_exit_vmcall(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	return hvm_handle_hypercall(vcpu, vmx_next_rip(vcpu, vmx));
}

static int vmx_exit_msr_read(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	return hvm_handle_rdmsr(vcpu, vmx_next_rip(vcpu, vmx));
}

static int vmx_exit_msr_write(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	return hvm_handle_wrmsr(vcpu, vmx_next_rip(vcpu, vmx));
}

/* I/O instruction (27.2.1, table 27-5); the core emulates INS/OUTS. */
static int vmx_exit_io(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit.qual;
	u16 port = q >> 16;

	if (q & VMX_IO_STRING)
		return hvm_exit_pio_string(vcpu, port, VMX_IO_SIZE(q),
					   q & VMX_IO_IN,
					   vmx_next_rip(vcpu, vmx));
	return hvm_exit_pio(vcpu, port, VMX_IO_SIZE(q), q & VMX_IO_IN,
			    vmx_next_rip(vcpu, vmx));
}

/* EPT violation: guest RAM not mapped yet, or MMIO (27.2.1, 29.3.3.2). */
static int vmx_exit_ept_violation(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	u64 gpa = vmx->exit.gpa;
	int r;

	vmx_nmi_unblocked_by_iret(vmx, vmx->exit.qual & VMX_EPT_NMI_UNBLOCK);
	r = hvm_mmu_fault(vcpu, gpa, vmx->exit.qual & VMX_EPT_WRITE);
	if (r <= 0)
		return r ? r : 1;
	return hvm_emulate_mmio(vcpu, gpa);
}

/* MOV DR: the CPU checked CPL and CR4.DE before the exit (25.1.1). */
static int vmx_exit_dr(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit.qual;

	if (hvm_mov_dr(vcpu, &vmx->dregs, VMX_DR_NUM(q), VMX_DR_GPR(q),
		       !(q & VMX_DR_FROM), vmx_long_mode_code(vcpu)))
		return vmx_exit_gp(vcpu, vmx);
	vcpu->rip = vmx_next_rip(vcpu, vmx);
	return 1;
}

/* LMSW loads CR0[3:0] but cannot clear PE (SDM vol. 2, LMSW). */
static u64 vmx_lmsw_value(struct hvm_vcpu *vcpu, u64 q)
{
	u64 cr0 = vmx_get_cr0(vcpu), src = VMX_CR_LMSW_SRC(q) & 0xf;

	return (cr0 & ~0xeULL) | src | (cr0 & X86_CR0_PE);
}

/*
 * Control-register accesses (27.2.1, table 27-3): writes of CR0 and CR4
 * bits the guest does not own (all but CR0.TS), LMSW, and CR8 both
 * ways. A refused value is #GP(0) with RIP on the instruction.
 */
static int vmx_exit_cr(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit.qual, val = vcpu->gpr[VMX_CR_GPR(q)];
	int refused;

	if (!vmx_long_mode_code(vcpu))
		val = (u32)val;
	switch (VMX_CR_TYPE(q) << 4 | VMX_CR_NUM(q)) {
	case VMX_CR_MOV_TO << 4 | 0:
		refused = vmx_set_cr0(vcpu, val);
		break;
	case VMX_CR_MOV_TO << 4 | 4:
		refused = hvm_set_cr4(vcpu, val);
		break;
	case VMX_CR_MOV_TO << 4 | 8:
		refused = val & ~15ULL;
		if (!refused)
			vmx->cr8 = val;
		break;
	case VMX_CR_MOV_FROM << 4 | 8:
		vcpu->gpr[VMX_CR_GPR(q)] = vmx->cr8;
		refused = 0;
		break;
	case VMX_CR_LMSW << 4 | 0:
		refused = vmx_set_cr0(vcpu, vmx_lmsw_value(vcpu, q));
		break;
	default:
		return vmx_exit_unexpected(vcpu, vmx);
	}
	if (refused)
		return vmx_exit_gp(vcpu, vmx);
	vcpu->rip = vmx_next_rip(vcpu, vmx);
	return 1;
}

static const vmx_exit_fn vmx_exit_table[] = {
	[EXIT_REASON_EXCEPTION_NMI] = vmx_exit_exception,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = vmx_exit_nop,
	[EXIT_REASON_TRIPLE_FAULT] = vmx_exit_triple_fault,
	[EXIT_REASON_INIT_SIGNAL] = vmx_exit_nop,
	[EXIT_REASON_SIPI_SIGNAL] = vmx_exit_nop,
	[EXIT_REASON_INTERRUPT_WINDOW] = vmx_exit_irq_window,
	[EXIT_REASON_NMI_WINDOW] = vmx_exit_nop,
	[EXIT_REASON_CPUID] = vmx_exit_cpuid,
	[VMX_EXIT_GETSEC] = vmx_exit_ud,
	[EXIT_REASON_HLT] = vmx_exit_hlt,
	[EXIT_REASON_INVD] = vmx_exit_skip,
	[EXIT_REASON_RDPMC] = vmx_exit_gp,
	[VMX_EXIT_RSM] = vmx_exit_ud,
	[EXIT_REASON_VMCALL] = vmx_exit_vmcall,
	[EXIT_REASON_VMCLEAR ... EXIT_REASON_VMON] = vmx_exit_ud,
	[EXIT_REASON_CR_ACCESS] = vmx_exit_cr,
	[EXIT_REASON_DR_ACCESS] = vmx_exit_dr,
	[EXIT_REASON_IO_INSTRUCTION] = vmx_exit_io,
	[EXIT_REASON_MSR_READ] = vmx_exit_msr_read,
	[EXIT_REASON_MSR_WRITE] = vmx_exit_msr_write,
	[EXIT_REASON_MWAIT_INSTRUCTION] = vmx_exit_ud,
	[EXIT_REASON_MONITOR_INSTRUCTION] = vmx_exit_ud,
	[EXIT_REASON_EPT_VIOLATION] = vmx_exit_ept_violation,
	[EXIT_REASON_INVEPT] = vmx_exit_ud,
	[EXIT_REASON_INVVPID] = vmx_exit_ud,
	[EXIT_REASON_WBINVD] = vmx_exit_skip,
	[EXIT_REASON_XSETBV] = vmx_exit_ud,
	[EXIT_REASON_VMFUNC] = vmx_exit_ud,
};

/* Basic exit reason -> the core's vendor-neutral one (kmod/arch_ops.h). */
static const u8 vmx_neutral_reason[] = {
	[EXIT_REASON_EXCEPTION_NMI] = HVM_EXIT_R_EXCEPTION,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = HVM_EXIT_R_EXTINT,
	[EXIT_REASON_TRIPLE_FAULT] = HVM_EXIT_R_SHUTDOWN,
	[EXIT_REASON_INIT_SIGNAL] = HVM_EXIT_R_EXTINT,
	[EXIT_REASON_SIPI_SIGNAL] = HVM_EXIT_R_EXTINT,
	[EXIT_REASON_INTERRUPT_WINDOW] = HVM_EXIT_R_IRQ_WINDOW,
	[EXIT_REASON_NMI_WINDOW] = HVM_EXIT_R_NMI_WINDOW,
	[EXIT_REASON_CPUID] = HVM_EXIT_R_CPUID,
	[EXIT_REASON_HLT] = HVM_EXIT_R_HLT,
	[EXIT_REASON_VMCALL] = HVM_EXIT_R_HYPERCALL,
	[EXIT_REASON_CR_ACCESS] = HVM_EXIT_R_CR,
	[EXIT_REASON_DR_ACCESS] = HVM_EXIT_R_DR,
	[EXIT_REASON_IO_INSTRUCTION] = HVM_EXIT_R_IO,
	[EXIT_REASON_MSR_READ] = HVM_EXIT_R_MSR_READ,
	[EXIT_REASON_MSR_WRITE] = HVM_EXIT_R_MSR_WRITE,
	[EXIT_REASON_EPT_VIOLATION] = HVM_EXIT_R_NPF,
	[EXIT_REASON_EPT_MISCONFIG] = HVM_EXIT_R_NPF,
};

/* vcpu->last_exit for the core's statistics and tracepoints. */
void vmx_record_exit(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	struct hvm_last_exit *e = &vcpu->last_exit;
	u32 basic = vmx->exit.reason & 0xffff;

	e->code = vmx->exit.reason;
	e->info1 = vmx->exit.qual;
	e->info2 = 0;
	if (basic == EXIT_REASON_EPT_VIOLATION ||
	    basic == EXIT_REASON_EPT_MISCONFIG)
		e->info2 = vmx->exit.gpa;
	if (vmx->exit.reason == VMX_EXIT_VMFAIL ||
	    (vmx->exit.reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		e->reason = HVM_EXIT_R_FAIL_ENTRY;
	else if (basic < ARRAY_SIZE(vmx_neutral_reason) &&
		 (vmx_neutral_reason[basic] || !basic))
		e->reason = vmx_neutral_reason[basic];
	else if (basic < ARRAY_SIZE(vmx_exit_table) && vmx_exit_table[basic])
		e->reason = HVM_EXIT_R_INSN;
	else
		e->reason = HVM_EXIT_R_OTHER;
}

int vmx_handle_exit(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 reason = vmx->exit.reason;
	u64 rip = vcpu->rip;
	int r;

	/* VMfail: KVM reports the VM-instruction error (30.4). */
	if (reason == VMX_EXIT_VMFAIL)
		return hvm_exit_fail_entry(vcpu, vmx->exit.qual);
	/* Invalid guest state, MSR loading, machine check (26.8): whole. */
	if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY)
		return hvm_exit_fail_entry(vcpu, reason);
	reason &= 0xffff;
	if (reason >= ARRAY_SIZE(vmx_exit_table) || !vmx_exit_table[reason])
		return vmx_exit_unexpected(vcpu, vmx);
	reason = array_index_nospec(reason, ARRAY_SIZE(vmx_exit_table));
	r = vmx_exit_table[reason](vcpu, vmx);
	/*
	 * An instruction emulated here has retired: the STI/MOV SS
	 * shadow it sat in is over (kvm_skip_emulated_instruction()).
	 */
	if (vcpu->rip != rip)
		vmx->intr_state &= ~(GUEST_INTR_STATE_STI |
				     GUEST_INTR_STATE_MOV_SS);
	return r;
}
