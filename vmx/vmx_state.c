// SPDX-License-Identifier: GPL-2.0-only
/*
 * The architectural state of a VT-x guest that the core reads and
 * writes: segments, control registers, EFER and MSRs. Most of it lives
 * in the VMCS (read and written between vmx_get() and vmx_put()); what
 * VM entry does not load (the syscall MSRs, DR0-3, DR6/DR7 as the guest
 * sees them, CR8) lives in struct vmx_vcpu. Field meanings: Intel SDM,
 * order no. 326019-081US, vol. 3C 24.4 and 25.3; the conversions follow
 * kvm-intel's, which is the oracle in the Bochs sandbox.
 */
#include <asm/msr.h>
#include <asm/processor-flags.h>

#include "vmx/vmx.h"

/* Access rights (24.4.1): bit 16 marks an unusable segment. */
#define VMX_AR_UNUSABLE		BIT(16)
#define VMX_AR_L		BIT(13)
/* The guest's CR0 bits VM entry refuses to be 0 (PE, PG: unrestricted). */
#define VMX_CR0_GUEST_FREE	(X86_CR0_PE | X86_CR0_PG)

/* struct kvm_sregs order: CS DS ES FS GS SS TR LDT. */
static const unsigned int vmx_sregs_order[8] = { 1, 3, 0, 4, 5, 2, 7, 6 };

static struct kvm_segment *vmx_sregs_seg(struct kvm_sregs *k, unsigned int i)
{
	struct kvm_segment *segs[8] = { &k->cs, &k->ds, &k->es, &k->fs,
					&k->gs, &k->ss, &k->tr, &k->ldt };

	return segs[i];
}

static void vmx_read_seg(struct vmx_vcpu *vmx, unsigned int n,
			 struct kvm_segment *k)
{
	u32 ar = vmcs_read(vmx, GUEST_ES_AR_BYTES + n * 2);

	k->selector = vmcs_read(vmx, GUEST_ES_SELECTOR + n * 2);
	k->base = vmcs_read(vmx, GUEST_ES_BASE + n * 2);
	k->limit = vmcs_read(vmx, GUEST_ES_LIMIT + n * 2);
	k->unusable = !!(ar & VMX_AR_UNUSABLE);
	k->type = ar & 15;
	k->s = (ar >> 4) & 1;
	k->dpl = (ar >> 5) & 3;
	/* A usable segment is present (26.3.1.2): kvm-intel says so. */
	k->present = !k->unusable;
	k->avl = (ar >> 12) & 1;
	k->l = (ar >> 13) & 1;
	k->db = (ar >> 14) & 1;
	k->g = (ar >> 15) & 1;
	k->padding = 0;
}

/*
 * kvm-intel's conversion: a segment not present is unusable; with
 * unrestricted guest the accessed bit of every segment but LDTR is
 * set, as the CPU has it after RESET (older VMMs cleared it).
 */
static void vmx_write_seg(struct vmx_vcpu *vmx, unsigned int n,
			  const struct kvm_segment *k)
{
	u32 ar, type = k->type;

	if (n != 6)
		type |= 1;
	if (k->unusable || !k->present)
		ar = VMX_AR_UNUSABLE;
	else
		ar = (type & 15) | (k->s & 1) << 4 | (k->dpl & 3) << 5 |
		     1 << 7 | (k->avl & 1) << 12 | (k->l & 1) << 13 |
		     (k->db & 1) << 14 | (k->g & 1) << 15;
	vmcs_write(vmx, GUEST_ES_SELECTOR + n * 2, k->selector);
	vmcs_write(vmx, GUEST_ES_BASE + n * 2, k->base);
	vmcs_write(vmx, GUEST_ES_LIMIT + n * 2, k->limit);
	vmcs_write(vmx, GUEST_ES_AR_BYTES + n * 2, ar);
}

/* CR0 as the guest sees it: TS is its own, the rest the read shadow. */
static u64 vmx_read_cr0(struct vmx_vcpu *vmx)
{
	return (vmcs_read(vmx, GUEST_CR0) & X86_CR0_TS) |
	       (vmcs_read(vmx, CR0_READ_SHADOW) & ~(u64)X86_CR0_TS);
}

/*
 * The hardware CR0 is the guest's with the bits VMX operation forces
 * (A.7: NE), except PE and PG, which unrestricted guest frees.
 */
static void vmx_write_cr0(struct vmx_vcpu *vmx, u64 cr0)
{
	u64 forced = vmx_caps.cr0_fixed0 & ~(u64)VMX_CR0_GUEST_FREE;

	vmcs_write(vmx, CR0_READ_SHADOW, cr0);
	vmcs_write(vmx, GUEST_CR0, cr0 | forced);
}

/*
 * EFER: VM entry loads it (VM_ENTRY_LOAD_IA32_EFER), and "IA-32e mode
 * guest" must equal its LMA (26.3.1.1); LME without LMA goes in as 0,
 * as kvm-intel does, so that paging can be on outside long mode.
 */
static void vmx_write_efer(struct vmx_vcpu *vmx, u64 efer)
{
	u64 hw = efer;

	vmx->efer = efer;
	if (!(efer & EFER_LMA))
		hw &= ~EFER_LME;
	if (efer & EFER_LMA)
		vmx->entry_ctls |= VM_ENTRY_IA32E_MODE;
	else
		vmx->entry_ctls &= ~VM_ENTRY_IA32E_MODE;
	vmcs_write(vmx, VM_ENTRY_CONTROLS, vmx->entry_ctls);
	vmcs_write(vmx, GUEST_IA32_EFER, hw);
}

/*
 * PAE paging outside long mode: with EPT, VM entry takes the four
 * PDPTEs from the VMCS, not from CR3 (26.3.2.4); load them whenever the
 * guest enters that mode or userspace sets it. The CPU stores them back
 * at each exit, so a guest MOV to CR3 (no exit) keeps them right.
 */
static void vmx_load_pdptrs(struct hvm_vcpu *vcpu, struct vmx_vcpu *vmx,
			    u64 cr0, u64 cr3, u64 cr4)
{
	u64 pdpte[4] = { 0 };
	unsigned int i;

	if (!(cr0 & X86_CR0_PG) || !(cr4 & X86_CR4_PAE) ||
	    (vmx->efer & EFER_LMA))
		return;
	if (hvm_read_guest(vcpu->vm, cr3 & 0xffffffe0, pdpte, sizeof(pdpte)))
		memset(pdpte, 0, sizeof(pdpte));
	for (i = 0; i < 4; i++)
		vmcs_write(vmx, GUEST_PDPTR0 + i * 2, pdpte[i]);
}

void vmx_get_sregs(struct hvm_vcpu *vcpu, struct kvm_sregs *k)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned int i;

	vmx_get(vmx);
	for (i = 0; i < 8; i++)
		vmx_read_seg(vmx, vmx_sregs_order[i], vmx_sregs_seg(k, i));
	k->gdt.base = vmcs_read(vmx, GUEST_GDTR_BASE);
	k->gdt.limit = vmcs_read(vmx, GUEST_GDTR_LIMIT);
	k->idt.base = vmcs_read(vmx, GUEST_IDTR_BASE);
	k->idt.limit = vmcs_read(vmx, GUEST_IDTR_LIMIT);
	k->cr0 = vmx_read_cr0(vmx);
	k->cr3 = vmcs_read(vmx, GUEST_CR3);
	k->cr4 = vmcs_read(vmx, CR4_READ_SHADOW);
	vmx_put();
	k->cr2 = vmx->cr2;
	k->cr8 = vmx->cr8;
	k->efer = vmx->efer;
}

int vmx_set_sregs(struct hvm_vcpu *vcpu, const struct kvm_sregs *k)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct kvm_sregs s = *k;
	unsigned int i;

	vmx_get(vmx);
	for (i = 0; i < 8; i++)
		vmx_write_seg(vmx, vmx_sregs_order[i], vmx_sregs_seg(&s, i));
	vmcs_write(vmx, GUEST_GDTR_BASE, k->gdt.base);
	vmcs_write(vmx, GUEST_GDTR_LIMIT, k->gdt.limit);
	vmcs_write(vmx, GUEST_IDTR_BASE, k->idt.base);
	vmcs_write(vmx, GUEST_IDTR_LIMIT, k->idt.limit);
	vmx_write_cr0(vmx, k->cr0);
	vmcs_write(vmx, GUEST_CR3, k->cr3);
	vmcs_write(vmx, CR4_READ_SHADOW, k->cr4);
	vmcs_write(vmx, GUEST_CR4, k->cr4 | vmx_caps.cr4_fixed0);
	vmx_write_efer(vmx, k->efer);
	vmx_load_pdptrs(vcpu, vmx, k->cr0, k->cr3, k->cr4);
	vmx_put();
	vmx->cr2 = k->cr2;
	vmx->cr8 = k->cr8 & 15;
	vmx_flush_guest_tlb(vcpu);
	return 0;
}

/* CR4 as the guest wrote it (checked by kmod/cr.c); VMXE stays hidden. */
void vmx_set_cr4(struct hvm_vcpu *vcpu, u64 cr4)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_get(vmx);
	vmcs_write(vmx, CR4_READ_SHADOW, cr4);
	vmcs_write(vmx, GUEST_CR4, cr4 | vmx_caps.cr4_fixed0);
	vmx_load_pdptrs(vcpu, vmx, vmx_read_cr0(vmx),
			vmcs_read(vmx, GUEST_CR3), cr4);
	vmx_put();
}

/* 64-bit code: EFER.LMA and CS.L (the width of CR and DR operands). */
bool vmx_long_mode_code(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 ar;

	if (!(vmx->efer & EFER_LMA))
		return false;
	vmx_get(vmx);
	ar = vmcs_read(vmx, GUEST_CS_AR_BYTES);
	vmx_put();
	return ar & VMX_AR_L;
}

/*
 * A guest's MOV to CR0 or LMSW (kvm_set_cr0()): 0 when taken, 1 for
 * #GP(0). Setting PG with EFER.LME enters long mode (LMA), clearing it
 * leaves; both need PAE and 32-bit code, as on the CPU (SDM vol. 3A
 * 10.8.5).
 */
int vmx_set_cr0(struct hvm_vcpu *vcpu, u64 cr0)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 old, cr4, efer = vmx->efer;
	int r = 0;

	cr0 |= X86_CR0_ET;
	if (!hvm_cr0_valid(cr0))
		return 1;
	cr0 &= X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS |
	       X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_AM |
	       X86_CR0_NW | X86_CR0_CD | X86_CR0_PG;
	vmx_get(vmx);
	old = vmx_read_cr0(vmx);
	cr4 = vmcs_read(vmx, CR4_READ_SHADOW);
	if (!(old & X86_CR0_PG) && (cr0 & X86_CR0_PG) && (efer & EFER_LME)) {
		if (!(cr4 & X86_CR4_PAE) ||
		    (vmcs_read(vmx, GUEST_CS_AR_BYTES) & VMX_AR_L))
			r = 1;
		efer |= EFER_LMA;
	} else if ((old & X86_CR0_PG) && !(cr0 & X86_CR0_PG)) {
		if ((efer & EFER_LMA) &&
		    (vmcs_read(vmx, GUEST_CS_AR_BYTES) & VMX_AR_L))
			r = 1;
		if (cr4 & X86_CR4_PCIDE)
			r = 1;
		efer &= ~EFER_LMA;
	}
	if (!r) {
		vmx_write_cr0(vmx, cr0);
		if (efer != vmx->efer)
			vmx_write_efer(vmx, efer);
		vmx_load_pdptrs(vcpu, vmx, cr0, vmcs_read(vmx, GUEST_CR3), cr4);
	}
	vmx_put();
	if (!r && ((cr0 ^ old) & (X86_CR0_PG | X86_CR0_WP | X86_CR0_PE)))
		vmx_flush_guest_tlb(vcpu);
	return r;
}

u64 vmx_get_cr0(struct hvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 cr0;

	vmx_get(vmx);
	cr0 = vmx_read_cr0(vmx);
	vmx_put();
	return cr0;
}

u64 vmx_get_cr8(struct hvm_vcpu *vcpu)
{
	return to_vmx(vcpu)->cr8;
}

void vmx_set_cr8(struct hvm_vcpu *vcpu, u64 cr8)
{
	to_vmx(vcpu)->cr8 = cr8 & 15;
}

/* MSRs in struct vmx_vcpu (switched around VM entry by vmx_run.c). */
static u64 *vmx_msr_soft(struct vmx_vcpu *vmx, u32 index)
{
	switch (index) {
	case MSR_STAR:
		return &vmx->msrs.star;
	case MSR_LSTAR:
		return &vmx->msrs.lstar;
	case MSR_CSTAR:
		return &vmx->msrs.cstar;
	case MSR_SYSCALL_MASK:
		return &vmx->msrs.sfmask;
	case MSR_KERNEL_GS_BASE:
		return &vmx->msrs.kernel_gs_base;
	case MSR_IA32_MISC_ENABLE:
		return &vmx->misc_enable;
	default:
		return NULL;
	}
}

/* MSRs VM entry loads from guest-state fields (24.4.1, 24.4.2). */
static u32 vmx_msr_field(u32 index)
{
	switch (index) {
	case MSR_FS_BASE:
		return GUEST_FS_BASE;
	case MSR_GS_BASE:
		return GUEST_GS_BASE;
	case MSR_IA32_SYSENTER_CS:
		return GUEST_SYSENTER_CS;
	case MSR_IA32_SYSENTER_ESP:
		return GUEST_SYSENTER_ESP;
	case MSR_IA32_SYSENTER_EIP:
		return GUEST_SYSENTER_EIP;
	case MSR_IA32_CR_PAT:
		return GUEST_IA32_PAT;
	case MSR_IA32_TSC:
		return TSC_OFFSET;
	default:
		return 0;
	}
}

static bool vmx_msr_is_address(u32 index)
{
	return index == MSR_LSTAR || index == MSR_CSTAR ||
	       index == MSR_KERNEL_GS_BASE || index == MSR_FS_BASE ||
	       index == MSR_GS_BASE || index == MSR_IA32_SYSENTER_ESP ||
	       index == MSR_IA32_SYSENTER_EIP;
}

/*
 * The MSRs a guest has. Everything else, IA32_FEATURE_CONTROL, the VMX
 * capability MSRs, SPEC_CTRL and TSC_AUX included, raises #GP
 * (hvm_handle_rdmsr()).
 */
int vmx_get_msr(struct hvm_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 *soft = vmx_msr_soft(vmx, index);
	u32 field = vmx_msr_field(index);

	if (soft) {
		*data = *soft;
		return 0;
	}
	if (index == MSR_EFER) {
		*data = vmx->efer;
		return 0;
	}
	if (!field)
		return 1;
	vmx_get(vmx);
	*data = vmcs_read(vmx, field);
	vmx_put();
	if (index == MSR_IA32_TSC)
		*data += rdtsc();
	return 0;
}

static int vmx_set_efer_msr(struct vmx_vcpu *vmx, u64 efer, bool host)
{
	u64 cr0;

	if (!hvm_efer_valid(efer))
		return 1;
	vmx_get(vmx);
	cr0 = vmx_read_cr0(vmx);
	if (!host && (cr0 & X86_CR0_PG) && ((efer ^ vmx->efer) & EFER_LME)) {
		vmx_put();
		return 1;
	}
	efer = (efer & ~EFER_LMA) | (vmx->efer & EFER_LMA);
	vmx_write_efer(vmx, efer);
	vmx_put();
	return 0;
}

int vmx_set_msr(struct hvm_vcpu *vcpu, u32 index, u64 data, bool host)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 *soft = vmx_msr_soft(vmx, index);
	u32 field = vmx_msr_field(index);

	if (vmx_msr_is_address(index) && !__is_canonical_address(data, 48))
		return 1;
	if (index == MSR_IA32_CR_PAT && !hvm_pat_valid(data))
		return 1;
	if (index == MSR_IA32_MISC_ENABLE && !host && data != vmx->misc_enable)
		return 1;
	if (soft) {
		*soft = data;
		return 0;
	}
	if (index == MSR_EFER)
		return vmx_set_efer_msr(vmx, data, host);
	if (!field)
		return 1;
	if (index == MSR_IA32_TSC)
		data -= rdtsc();
	vmx_get(vmx);
	vmcs_write(vmx, field, data);
	vmx_put();
	return 0;
}
