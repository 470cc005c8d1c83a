// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMCSs: the controls every one gets, which CPU each is active on, and
 * the initial (RESET) content. Section numbers: Intel SDM, order no.
 * 326019-081US, vol. 3C.
 *
 * A VMCS is active on at most one CPU (24.1): a CPU that wants it while
 * another has it asks that one, by IPI, to VMCLEAR it first. Each CPU
 * keeps the list of the VMCSs active on it, so that VMXOFF (CPU going
 * offline, last VM gone) clears them all first. vmx_get()/vmx_put()
 * bracket every VMREAD/VMWRITE outside the world switch: with
 * preemption off, the VMCS is current on this CPU in between.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <linux/smp.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/tlbflush.h>

#include "vmx/vmx.h"

/* PAT after RESET (SDM vol. 3A 11.12.4). */
#define VMX_PAT_RESET		0x0007040600070406ULL
/* Access rights (24.4.1): present code/data, LDT, busy 16-bit TSS. */
#define VMX_AR_CODE		0x9b
#define VMX_AR_DATA		0x93
#define VMX_AR_LDT		0x82
#define VMX_AR_TSS16_BUSY	0x8b

struct vmx_controls vmx_ctls;

static DEFINE_PER_CPU(struct list_head, vmx_loaded);
static DEFINE_PER_CPU(struct vmx_vcpu *, vmx_current);

/*
 * A control MSR's low half has the bits that must be 1, its high half
 * those that may be 1 (A.3-A.5). @want must be allowed; @optional is
 * taken where allowed. -EOPNOTSUPP if something wanted is missing.
 */
static int vmx_adjust(u64 msr, u32 want, u32 optional, u32 *out, int index)
{
	u32 must = msr, may = msr >> 32;

	if (want & ~may) {
		pr_err("VT-x control set %d lacks %#x: not loading\n", index,
		       want & ~may);
		return -EOPNOTSUPP;
	}
	*out = must | want | (optional & may);
	return 0;
}

/*
 * What each control does and why is in Documentation/design.rst
 * ("Mandatory intercepts (VT-x)"). Port I/O exits unconditionally;
 * every MSR exits (the bitmap is all ones); CR3 accesses stay with the
 * guest (EPT); RDTSCP, INVPCID and XSAVES are not enabled, so they #UD.
 */
int vmx_controls_init(const struct vmx_cap_msrs *m)
{
	u32 exec, exec2 = SECONDARY_EXEC_ENABLE_EPT |
			  SECONDARY_EXEC_UNRESTRICTED_GUEST;
	int r;

	r = vmx_adjust(m->pinbased, PIN_BASED_EXT_INTR_MASK |
		       PIN_BASED_NMI_EXITING | PIN_BASED_VIRTUAL_NMIS, 0,
		       &vmx_ctls.pin, 0);
	exec = CPU_BASED_HLT_EXITING | CPU_BASED_MWAIT_EXITING |
	       CPU_BASED_RDPMC_EXITING | CPU_BASED_CR8_LOAD_EXITING |
	       CPU_BASED_CR8_STORE_EXITING | CPU_BASED_MOV_DR_EXITING |
	       CPU_BASED_UNCOND_IO_EXITING | CPU_BASED_USE_MSR_BITMAPS |
	       CPU_BASED_MONITOR_EXITING | CPU_BASED_USE_TSC_OFFSETTING |
	       CPU_BASED_ACTIVATE_SECONDARY_CONTROLS;
	r = r ?: vmx_adjust(m->procbased, exec, 0, &vmx_ctls.exec, 1);
	/* "Must be 1" bits of the non-TRUE MSR that TRUE lets go: CR3. */
	vmx_ctls.exec &= ~(CPU_BASED_CR3_LOAD_EXITING |
			   CPU_BASED_CR3_STORE_EXITING);
	if ((u32)m->procbased & (CPU_BASED_CR3_LOAD_EXITING |
				 CPU_BASED_CR3_STORE_EXITING)) {
		pr_err("VT-x: CR3 exiting cannot be turned off: not loading\n");
		return -EOPNOTSUPP;
	}
	r = r ?: vmx_adjust(m->procbased2, exec2,
			    SECONDARY_EXEC_ENABLE_VPID |
			    SECONDARY_EXEC_WBINVD_EXITING,
			    &vmx_ctls.exec2, 2);
	r = r ?: vmx_adjust(m->exit, VM_EXIT_HOST_ADDR_SPACE_SIZE |
			    VM_EXIT_SAVE_IA32_EFER | VM_EXIT_LOAD_IA32_EFER |
			    VM_EXIT_SAVE_IA32_PAT | VM_EXIT_LOAD_IA32_PAT, 0,
			    &vmx_ctls.exit, 3);
	r = r ?: vmx_adjust(m->entry, VM_ENTRY_LOAD_IA32_EFER |
			    VM_ENTRY_LOAD_IA32_PAT, 0, &vmx_ctls.entry, 4);
	/* Set per vCPU from EFER.LMA. */
	vmx_ctls.entry &= ~VM_ENTRY_IA32E_MODE;
	if (!vmx_caps.vpid || !vmx_caps.invvpid)
		vmx_ctls.exec2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	return r;
}

void vmx_loaded_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(&per_cpu(vmx_loaded, cpu));
}

/* A failed VMX instruction: logged, and the vCPU runs no more. */
static void vmx_insn_failed(struct vmx_vcpu *vmx, const char *insn, u32 field,
			    int r)
{
	vmx->broken = true;
	pr_err_ratelimited("%s %#x failed (%d) on CPU %d\n", insn, field, r,
			   raw_smp_processor_id());
}

u64 vmcs_read(struct vmx_vcpu *vmx, u32 field)
{
	u64 value = 0;
	int r = vmx_insn_vmread(field, &value);

	if (unlikely(r))
		vmx_insn_failed(vmx, "VMREAD", field, r);
	return value;
}

void vmcs_write(struct vmx_vcpu *vmx, u32 field, u64 value)
{
	int r = vmx_insn_vmwrite(field, value);

	if (unlikely(r))
		vmx_insn_failed(vmx, "VMWRITE", field, r);
}

/* On the CPU the VMCS is active on, interrupts off. */
void vmx_vmcs_clear_local(void *arg)
{
	struct vmx_vcpu *vmx = arg;
	int r;

	if (vmx->cpu != smp_processor_id())
		return;
	r = vmx_insn_vmclear(&vmx->vmcs_pa);
	if (r)
		vmx_insn_failed(vmx, "VMCLEAR", 0, r);
	list_del(&vmx->loaded_link);
	if (this_cpu_read(vmx_current) == vmx)
		this_cpu_write(vmx_current, NULL);
	vmx->launched = false;
	/* The list and VMCLEAR before another CPU may take the VMCS. */
	smp_wmb();
	WRITE_ONCE(vmx->cpu, -1);
}

/*
 * Makes the VMCS clear, wherever it is active. A CPU that went offline
 * cleared its VMCSs on the way (vmx_vmcs_clear_cpu()), so a failed IPI
 * leaves nothing behind.
 */
void vmx_vmcs_clear(struct vmx_vcpu *vmx)
{
	int cpu = READ_ONCE(vmx->cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, vmx_vmcs_clear_local, vmx, 1);
	/* Pairs with vmx_vmcs_clear_local()'s: see its VMCLEAR done. */
	smp_rmb();
}

/* Before VMXOFF on this CPU (interrupts off): every VMCS active here. */
void vmx_vmcs_clear_cpu(void)
{
	struct vmx_vcpu *vmx, *tmp;

	list_for_each_entry_safe(vmx, tmp, this_cpu_ptr(&vmx_loaded),
				 loaded_link)
		vmx_vmcs_clear_local(vmx);
}

/* Host fields that differ per CPU (24.5): rewritten when the CPU changes. */
static void vmx_write_host_cpu_fields(struct vmx_vcpu *vmx)
{
	struct desc_ptr gdt, idt;
	u64 gs_base, sysenter_esp;

	native_store_gdt(&gdt);
	store_idt(&idt);
	rdmsrl(MSR_GS_BASE, gs_base);
	rdmsrl(MSR_IA32_SYSENTER_ESP, sysenter_esp);
	vmcs_write(vmx, HOST_GDTR_BASE, gdt.address);
	vmcs_write(vmx, HOST_IDTR_BASE, idt.address);
	vmcs_write(vmx, HOST_TR_BASE,
		   (unsigned long)&get_cpu_entry_area(smp_processor_id())->tss.x86_tss);
	vmcs_write(vmx, HOST_GS_BASE, gs_base);
	vmcs_write(vmx, HOST_IA32_SYSENTER_ESP, sysenter_esp);
}

/*
 * Preemption off, interrupts on: the VMCS becomes active (if it was
 * elsewhere, that CPU clears it first) and current on this CPU. A VMCS
 * new to this CPU gets its per-CPU host fields and, since this CPU may
 * hold stale translations of this guest from an earlier stay, a flush.
 */
static void vmx_vmcs_load(struct vmx_vcpu *vmx)
{
	int cpu = smp_processor_id();
	unsigned long flags;
	bool moved = false;
	int r;

	if (READ_ONCE(vmx->cpu) != cpu)
		vmx_vmcs_clear(vmx);
	local_irq_save(flags);
	if (vmx->cpu != cpu) {
		list_add(&vmx->loaded_link, this_cpu_ptr(&vmx_loaded));
		vmx->cpu = cpu;
		vmx->launched = false;
		moved = true;
	}
	if (this_cpu_read(vmx_current) != vmx) {
		r = vmx_insn_vmptrld(&vmx->vmcs_pa);
		if (r)
			vmx_insn_failed(vmx, "VMPTRLD", 0, r);
		else
			this_cpu_write(vmx_current, vmx);
	}
	if (moved) {
		vmx_write_host_cpu_fields(vmx);
		vmx->flush_tlb = true;
		vmx->flush_ept = true;
	}
	local_irq_restore(flags);
}

/* The ops table's vcpu_load: preemption is already off (kmod/run.c). */
void vmx_vcpu_load(struct hvm_vcpu *vcpu)
{
	vmx_vmcs_load(to_vmx(vcpu));
}

void vmx_get(struct vmx_vcpu *vmx)
{
	preempt_disable();
	vmx_vmcs_load(vmx);
}

void vmx_put(void)
{
	preempt_enable();
}

/* Host fields the same on every CPU (24.5, 26.2.3), RIP and RSP aside. */
static void vmx_write_host_constant(struct vmx_vcpu *vmx)
{
	u64 efer, pat, cs, eip;

	rdmsrl(MSR_EFER, efer);
	rdmsrl(MSR_IA32_CR_PAT, pat);
	rdmsrl(MSR_IA32_SYSENTER_CS, cs);
	rdmsrl(MSR_IA32_SYSENTER_EIP, eip);
	vmcs_write(vmx, HOST_CR0, read_cr0());
	vmcs_write(vmx, HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(vmx, HOST_SS_SELECTOR, __KERNEL_DS);
	/*
	 * DS, ES, FS and GS come back null; the selectors the thread had
	 * are reloaded after the exit (vmx_run.c): a host selector field
	 * must have RPL 0 (26.2.3), a user selector has 3.
	 */
	vmcs_write(vmx, HOST_DS_SELECTOR, 0);
	vmcs_write(vmx, HOST_ES_SELECTOR, 0);
	vmcs_write(vmx, HOST_FS_SELECTOR, 0);
	vmcs_write(vmx, HOST_GS_SELECTOR, 0);
	vmcs_write(vmx, HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_write(vmx, HOST_IA32_SYSENTER_CS, cs);
	vmcs_write(vmx, HOST_IA32_SYSENTER_EIP, eip);
	vmcs_write(vmx, HOST_IA32_EFER, efer);
	vmcs_write(vmx, HOST_IA32_PAT, pat);
	vmcs_write(vmx, HOST_RIP, (unsigned long)vmx_vmexit);
}

static void vmx_write_seg(struct vmx_vcpu *vmx, unsigned int seg, u16 sel,
			  u64 base, u32 ar)
{
	vmcs_write(vmx, GUEST_ES_SELECTOR + seg * 2, sel);
	vmcs_write(vmx, GUEST_ES_BASE + seg * 2, base);
	vmcs_write(vmx, GUEST_ES_LIMIT + seg * 2, 0xffff);
	vmcs_write(vmx, GUEST_ES_AR_BYTES + seg * 2, ar);
}

/* VMCS segment numbers: the order of the GUEST_*_SELECTOR fields. */
enum { VMX_ES, VMX_CS, VMX_SS, VMX_DS, VMX_FS, VMX_GS, VMX_LDTR, VMX_TR };

/*
 * RESET state as KVM sets it (see svm_init_save() for the values);
 * CR0 keeps CD and NW as the guest sees them (the hardware's NE is
 * forced, vmx_state.c).
 */
static void vmx_write_guest_reset(struct vmx_vcpu *vmx)
{
	vmx_write_seg(vmx, VMX_CS, 0xf000, 0xffff0000, VMX_AR_CODE);
	vmx_write_seg(vmx, VMX_DS, 0, 0, VMX_AR_DATA);
	vmx_write_seg(vmx, VMX_ES, 0, 0, VMX_AR_DATA);
	vmx_write_seg(vmx, VMX_SS, 0, 0, VMX_AR_DATA);
	vmx_write_seg(vmx, VMX_FS, 0, 0, VMX_AR_DATA);
	vmx_write_seg(vmx, VMX_GS, 0, 0, VMX_AR_DATA);
	vmx_write_seg(vmx, VMX_LDTR, 0, 0, VMX_AR_LDT);
	vmx_write_seg(vmx, VMX_TR, 0, 0, VMX_AR_TSS16_BUSY);
	vmcs_write(vmx, GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(vmx, GUEST_IDTR_LIMIT, 0xffff);
	vmcs_write(vmx, GUEST_DR7, HVM_DR7_RESET);
	vmcs_write(vmx, GUEST_IA32_PAT, VMX_PAT_RESET);
	vmcs_write(vmx, GUEST_IA32_DEBUGCTL, 0);
	/* No VMCS shadowing: the link pointer must be all ones (26.3.1.5). */
	vmcs_write(vmx, VMCS_LINK_POINTER, ~0ULL);
	vmcs_write(vmx, GUEST_ACTIVITY_STATE, 0);
	vmcs_write(vmx, GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(vmx, GUEST_PENDING_DBG_EXCEPTIONS, 0);
}

static void vmx_write_controls(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx)
{
	const struct vmx_vm *vm = vcpu->vm->arch;

	vmx->exec_ctls = vmx_ctls.exec;
	vmx->entry_ctls = vmx_ctls.entry;
	vmcs_write(vmx, PIN_BASED_VM_EXEC_CONTROL, vmx_ctls.pin);
	vmcs_write(vmx, CPU_BASED_VM_EXEC_CONTROL, vmx->exec_ctls);
	vmcs_write(vmx, SECONDARY_VM_EXEC_CONTROL, vmx_ctls.exec2);
	vmcs_write(vmx, VM_EXIT_CONTROLS, vmx_ctls.exit);
	vmcs_write(vmx, VM_ENTRY_CONTROLS, vmx->entry_ctls);
	/*
	 * #DB and #AC: a guest can make their delivery raise them again
	 * forever, with no exit (CVE-2015-5307, CVE-2015-8104).
	 */
	vmcs_write(vmx, EXCEPTION_BITMAP, BIT(DB_VECTOR) | BIT(AC_VECTOR));
	vmcs_write(vmx, PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(vmx, PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(vmx, CR3_TARGET_COUNT, 0);
	vmcs_write(vmx, VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(vmx, VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(vmx, VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(vmx, VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write(vmx, MSR_BITMAP, vmx_msr_bitmap_pa);
	vmcs_write(vmx, EPT_POINTER, vm->eptp);
	if (vmx_ctls.exec2 & SECONDARY_EXEC_ENABLE_VPID)
		vmcs_write(vmx, VIRTUAL_PROCESSOR_ID, vmx->vpid);
	/*
	 * Every CR0 bit but TS and every CR4 bit is the host's: a guest
	 * write that changes one exits (vmx_exit.c), a read gets the
	 * shadow, the guest's view (25.3).
	 */
	vmcs_write(vmx, CR0_GUEST_HOST_MASK, ~(u64)X86_CR0_TS);
	vmcs_write(vmx, CR4_GUEST_HOST_MASK, ~0ULL);
	vmcs_write(vmx, TSC_OFFSET, 0);
}

/* A new vCPU's VMCS: cleared, loaded, filled, left active here. */
int vmx_vmcs_setup(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int r;

	r = vmx_insn_vmclear(&vmx->vmcs_pa);
	if (r)
		return r;
	vmx_get(vmx);
	vmx_write_host_constant(vmx);
	vmx_write_controls(vcpu, vmx);
	vmx_write_guest_reset(vmx);
	vmx_put();
	vmx_set_cr0(vcpu, X86_CR0_NW | X86_CR0_CD | X86_CR0_ET);
	vmx_set_cr4(vcpu, 0);
	hvm_dregs_reset(&vmx->dregs);
	vmx->misc_enable = MSR_IA32_MISC_ENABLE_BTS_UNAVAIL |
			   MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL;
	return vmx->broken ? -EIO : 0;
}
