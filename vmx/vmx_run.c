// SPDX-License-Identifier: GPL-2.0-only
/*
 * One VT-x world switch (vmx_enter_guest()): TLB flushes, event
 * injection, the host state VM entry and exit do not keep, and the
 * record of the exit. Section numbers: Intel SDM, order no.
 * 326019-081US, vol. 3C.
 *
 * What a VM exit changes on the host and who restores it
 * (Documentation/design.rst, "Host state (VT-x)" has the table):
 *   - GDTR and IDTR limits become 0xffff (28.5.2): the GDT's is
 *     restored (load_fixmap_gdt()); the IDT's is harmless, no vector
 *     lies beyond the kernel's 256 entries;
 *   - TR's limit becomes 0x67: invalidate_tss_limit(), as kvm-intel;
 *   - LDTR becomes null; DS, ES, FS and GS get the null selectors of
 *     the host-state area: the thread's are reloaded here;
 *   - DR7 becomes 0x400 and IA32_DEBUGCTL 0 (28.5.1): hardware
 *     breakpoints and the host's DEBUGCTL come back here;
 *   - STAR, LSTAR, CSTAR, SFMASK and KERNEL_GS_BASE are not in the VMCS:
 *     the guest's go in before entry, the host's after the exit;
 *   - CR2 is the guest's while it runs; PKRU as for AMD-V (kmod/run.c).
 * Host interrupts that made the guest exit stay pending in the local
 * APIC ("acknowledge interrupt on exit" is 0) and are taken when
 * kmod/run.c enables interrupts; a host NMI is handed to the kernel's
 * handler before that (vmx_host_nmi()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hw_breakpoint.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "vmx/vmx.h"

/* The host's syscall MSRs: the same on every CPU (syscall_init()). */
static struct vmx_syscall_msrs vmx_host_msrs;

void vmx_host_msrs_init(void)
{
	rdmsrl(MSR_STAR, vmx_host_msrs.star);
	rdmsrl(MSR_LSTAR, vmx_host_msrs.lstar);
	rdmsrl(MSR_CSTAR, vmx_host_msrs.cstar);
	rdmsrl(MSR_SYSCALL_MASK, vmx_host_msrs.sfmask);
}

/* What the thread had before the entry, put back after the exit. */
struct vmx_host_saved {
	u16 ds, es, fs, gs, ldt;
	u64 fs_base, kernel_gs_base, debugctl;
	u32 pkru;
};

static void vmx_load_syscall_msrs(const struct vmx_syscall_msrs *m)
{
	wrmsrl(MSR_STAR, m->star);
	wrmsrl(MSR_LSTAR, m->lstar);
	wrmsrl(MSR_CSTAR, m->cstar);
	wrmsrl(MSR_SYSCALL_MASK, m->sfmask);
	wrmsrl(MSR_KERNEL_GS_BASE, m->kernel_gs_base);
}

static void vmx_save_host(struct vmx_vcpu *vmx, struct vmx_host_saved *h)
{
	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	store_ldt(h->ldt);
	rdmsrl(MSR_FS_BASE, h->fs_base);
	rdmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	h->debugctl = get_debugctlmsr();
	vmcs_write(vmx, HOST_FS_BASE, h->fs_base);
}

static void vmx_restore_host(struct vmx_vcpu *vmx,
			     const struct vmx_host_saved *h)
{
	struct vmx_syscall_msrs host = vmx_host_msrs;

	rdmsrl(MSR_KERNEL_GS_BASE, vmx->msrs.kernel_gs_base);
	if (h->ldt)
		asm volatile("lldt %0" : : "rm" (h->ldt));
	if (h->ds)
		loadsegment(ds, h->ds);
	if (h->es)
		loadsegment(es, h->es);
	if (h->fs) {
		loadsegment(fs, h->fs);
		wrmsrl(MSR_FS_BASE, h->fs_base);
	}
	if (h->gs)
		load_gs_index(h->gs);
	host.kernel_gs_base = h->kernel_gs_base;
	vmx_load_syscall_msrs(&host);
	load_fixmap_gdt(smp_processor_id());
	invalidate_tss_limit();
	if (h->debugctl)
		update_debugctlmsr(h->debugctl);
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
}

/* This EPTP's translations on this CPU: single-context if supported. */
int vmx_invept(u64 eptp)
{
	u64 desc[2] = { eptp, 0 };

	if (vmx_caps.invept_single)
		return vmx_insn_invept(VMX_INV_SINGLE, desc);
	return vmx_insn_invept(VMX_INV_ALL, desc);
}

/*
 * Guest-linear translations of this vCPU. Without VPIDs, VM entry
 * flushes them itself (29.4.3.1); INVVPID single-context needs
 * support, else all contexts.
 */
static int vmx_invvpid(struct vmx_vcpu *vmx)
{
	u64 desc[2] = { vmx->vpid, 0 };

	if (!vmx->vpid)
		return 0;
	if (vmx_caps.invvpid_single)
		return vmx_insn_invvpid(VMX_INV_SINGLE, desc);
	return vmx_insn_invvpid(VMX_INV_ALL, desc);
}

/*
 * Removed nested translations bump vm->tlb_gen (kmod/mmu.c): INVEPT
 * drops this EPTP's guest-physical and combined translations on this
 * CPU (a vCPU arriving from another CPU flushes anyway, vmx_vmcs.c).
 */
static int vmx_flush(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	s64 gen = atomic64_read(&vcpu->vm->tlb_gen);
	int r = 0;

	if (vmx->tlb_gen != gen || hvm_force_flush) {
		vmx->tlb_gen = gen;
		vmx->flush_ept = true;
	}
	if (hvm_force_flush)
		vmx->flush_tlb = true;
	if (vmx->flush_ept)
		r = vmx_invept(((struct vmx_vm *)vcpu->vm->arch)->eptp);
	if (!r && vmx->flush_tlb)
		r = vmx_invvpid(vmx);
	if (r)
		pr_err_ratelimited("INVEPT/INVVPID failed (%d)\n", r);
	vmx->flush_ept = false;
	vmx->flush_tlb = false;
	return r;
}

void vmx_flush_guest_tlb(struct hvm_vcpu *vcpu)
{
	to_vmx(vcpu)->flush_tlb = true;
}

/* CPU-based controls, with the VMCS current (entry path or vmx_get()). */
void vmx_set_exec_ctl(struct vmx_vcpu *vmx, u32 bit, bool on)
{
	u32 ctls = on ? vmx->exec_ctls | bit : vmx->exec_ctls & ~bit;

	if (ctls == vmx->exec_ctls)
		return;
	vmx->exec_ctls = ctls;
	vmcs_write(vmx, CPU_BASED_VM_EXEC_CONTROL, ctls);
}

/* HOST_CR3 and HOST_CR4 change under a thread (PCIDs, CR4 bits). */
static void vmx_write_host_crs(struct vmx_vcpu *vmx)
{
	u64 cr3 = __read_cr3(), cr4 = cr4_read_shadow();

	if (cr3 != vmx->host_cr3) {
		vmcs_write(vmx, HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (cr4 != vmx->host_cr4) {
		vmcs_write(vmx, HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
}

static void vmx_write_guest_regs(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	vmcs_write(vmx, GUEST_RIP, vcpu->rip);
	vmcs_write(vmx, GUEST_RSP, vcpu->gpr[HVM_RSP]);
	vmcs_write(vmx, GUEST_RFLAGS, vcpu->rflags);
	vmcs_write(vmx, GUEST_INTERRUPTIBILITY_INFO, vmx->intr_state);
	if (vmx->cr2 != native_read_cr2())
		native_write_cr2(vmx->cr2);
}

/* Right after the exit, before anything can change them. */
static void vmx_read_exit(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	struct vmx_exit_info *e = &vmx->exit;

	vmx->cr2 = native_read_cr2();
	e->reason = vmcs_read(vmx, VM_EXIT_REASON);
	e->qual = vmcs_read(vmx, EXIT_QUALIFICATION);
	e->intr_info = vmcs_read(vmx, VM_EXIT_INTR_INFO);
	e->intr_error = vmcs_read(vmx, VM_EXIT_INTR_ERROR_CODE);
	e->idt_info = vmcs_read(vmx, IDT_VECTORING_INFO_FIELD);
	e->idt_error = vmcs_read(vmx, IDT_VECTORING_ERROR_CODE);
	e->insn_len = vmcs_read(vmx, VM_EXIT_INSTRUCTION_LEN);
	e->gpa = vmcs_read(vmx, GUEST_PHYSICAL_ADDRESS);
	vcpu->rip = vmcs_read(vmx, GUEST_RIP);
	vcpu->gpr[HVM_RSP] = vmcs_read(vmx, GUEST_RSP);
	vcpu->rflags = vmcs_read(vmx, GUEST_RFLAGS);
	vmx->intr_state = vmcs_read(vmx, GUEST_INTERRUPTIBILITY_INFO);
	/* Nothing injected survives an exit but through IDT vectoring. */
	vmcs_write(vmx, VM_ENTRY_INTR_INFO_FIELD, 0);
}

static bool vmx_exit_is_host_nmi(const struct vmx_exit_info *e)
{
	return (e->reason & 0xffff) == EXIT_REASON_EXCEPTION_NMI &&
	       (e->intr_info & INTR_INFO_VALID_MASK) &&
	       (e->intr_info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR;
}

static int vmx_switch(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	struct vmx_host_saved host;
	bool guest_pke;
	int r;

	vmx_save_host(vmx, &host);
	vmx_write_host_crs(vmx);
	guest_pke = vmcs_read(vmx, CR4_READ_SHADOW) & X86_CR4_PKE;
	host.pkru = hvm_pkru_enter(vcpu, guest_pke);
	vmx_load_syscall_msrs(&vmx->msrs);
	r = vmx_world_switch(vcpu->gpr, vmx->launched);
	vmx_restore_host(vmx, &host);
	hvm_pkru_exit(vcpu, host.pkru, guest_pke);
	return r;
}

/*
 * Interrupts and preemption are off and the VMCS is current here
 * (vmx_vcpu_load() ran just before, kmod/run.c).
 */
int vmx_enter_guest(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int r;

	if (vmx->broken || vmx->cpu != smp_processor_id())
		return -EIO;
	if (vmx_flush(vcpu, vmx))
		return -EIO;
	vmx_inject_events(vcpu, vmx);
	vmx_write_guest_regs(vcpu, vmx);
	if (vmx->broken)
		return -EIO;

	r = vmx_switch(vcpu, vmx);
	if (r == -EIO) {
		/* VMfail: the VM-instruction error says why (30.4). */
		vmx->exit.reason = VMX_EXIT_VMFAIL;
		vmx->exit.qual = vmcs_read(vmx, VM_INSTRUCTION_ERROR);
		vmx_record_exit(vcpu, vmx);
		return 0;
	}
	if (r) {
		vcpu->last_exit.reason = HVM_EXIT_R_FAIL_ENTRY;
		return r;
	}
	vmx_read_exit(vcpu, vmx);
	vmx_record_exit(vcpu, vmx);
	/* A failed entry (exit reason bit 31) leaves the VMCS unlaunched. */
	if (!(vmx->exit.reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		vmx->launched = true;
	if (vmx_exit_is_host_nmi(&vmx->exit))
		vmx_host_nmi();
	/*
	 * force_flush also makes every exit VMCLEAR the VMCS, so that the
	 * next use takes the path of a vCPU that moved to another CPU
	 * (VMPTRLD, host fields, VMLAUNCH): a 1-CPU sandbox runs it too.
	 */
	if (hvm_force_flush)
		vmx_vmcs_clear_local(vmx);
	return 0;
}
