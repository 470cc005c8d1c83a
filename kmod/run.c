// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_RUN: the arch-neutral run loop, and the exits both back ends hand
 * to the core (port I/O, CPUID, MSRs, hypercalls, exits to userspace).
 *
 * The order of KVM_RUN is kvm_arch_vcpu_ioctl_run()'s in KVM 6.1: load
 * the guest FPU, take run->cr8, complete the instruction whose exit went
 * to userspace, then check immediate_exit; post_kvm_run_save() fills
 * if_flag, cr8, apic_base and ready_for_interrupt_injection on every
 * return. Each entry is preceded, with interrupts off, by the check of
 * pending work that vcpu_enter_guest() makes.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/task_work.h>
#include <asm/fpu/api.h>
#include <asm/pkru.h>
#include <asm/processor-flags.h>
#include <uapi/linux/kvm_para.h>

#include "kmod/emulate.h"
#include "kmod/trace.h"

bool hvm_force_flush;
module_param_named(force_flush, hvm_force_flush, bool, 0444);
MODULE_PARM_DESC(force_flush,
		 "flush every guest TLB entry (ASIDs, VPIDs, EPT) at every entry (for emulators that cannot show a missing flush)");

/* hvm_enter_once() */
#define HVM_ENTERED		1	/* the guest ran: handle the exit */
#define HVM_RETRY		2	/* nothing ran (rescheduled): again */

/* IN: AL/AX are merged into RAX, EAX is zero-extended (as a MOV). */
static void hvm_write_rax_sized(struct hvm_vcpu *vcpu, const void *data,
				u8 size)
{
	u64 val = size < 4 ? vcpu->gpr[HVM_RAX] : 0;

	memcpy(&val, data, size);
	vcpu->gpr[HVM_RAX] = val;
}

static int hvm_complete_pending(struct hvm_vcpu *vcpu)
{
	struct hvm_pending *p = &vcpu->pending;
	int r = 1;

	switch (p->kind) {
	case HVM_PENDING_NONE:
		return 1;
	case HVM_PENDING_PIO:
		if (p->in)
			hvm_write_rax_sized(vcpu, vcpu->pio_data, p->size);
		vcpu->rip = p->next_rip;
		break;
	case HVM_PENDING_PIO_STRING:
		r = hvm_complete_pio_string(vcpu);
		break;
	case HVM_PENDING_MMIO:
		r = hvm_complete_mmio(vcpu);
		break;
	}
	if (r > 0)
		p->kind = HVM_PENDING_NONE;
	return r;
}

/*
 * xfer_to_guest_mode_work_pending() and what KVM does about it, with one
 * difference: rseq's notify-resume work waits for the return to
 * userspace (the thread runs no user code meanwhile); task work, which
 * the kernel does not export to modules, makes KVM_RUN return
 * KVM_EXIT_INTR so that it runs (Documentation/api.rst).
 */
static bool hvm_work_pending(void)
{
	return signal_pending(current) || need_resched() ||
	       task_work_pending(current);
}

static int hvm_handle_work(struct hvm_vcpu *vcpu)
{
	if (signal_pending(current) || task_work_pending(current)) {
		vcpu->run->exit_reason = KVM_EXIT_INTR;
		return -EINTR;
	}
	schedule();
	return HVM_RETRY;
}

/*
 * Observability around one exit (kmod/stats.c, kmod/netlink.c): the TSC
 * at the exit, or 0 when neither statistics nor sampling want it.
 */
static bool hvm_obs_wanted(struct hvm_vcpu *vcpu)
{
	return READ_ONCE(hvm_stats_on) || READ_ONCE(vcpu->vm->obs.sample);
}

static void hvm_obs_exit(struct hvm_vcpu *vcpu, u64 exit_tsc)
{
	u64 now;

	if (!exit_tsc)
		return;
	now = rdtsc();
	if (READ_ONCE(hvm_stats_on))
		hvm_stats_exit_handled(vcpu, exit_tsc, now);
	if (READ_ONCE(vcpu->vm->obs.sample))
		hvm_netlink_exit_event(vcpu, exit_tsc, now);
}

static int hvm_enter_once(struct hvm_vcpu *vcpu, u64 *exit_tsc)
{
	int irq = vcpu->irq_pending;
	int r;

	preempt_disable();
	if (hvm_ops->vcpu_load)
		hvm_ops->vcpu_load(vcpu);
	local_irq_disable();
	if (hvm_work_pending()) {
		local_irq_enable();
		preempt_enable();
		return hvm_handle_work(vcpu);
	}
	/* The guest FPU state must be in the registers (kvm: same check). */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	/*
	 * Running a guest is a quiescent state for RCU, as user mode is
	 * (KVM: guest_context_enter_irqoff()); without this, a vCPU that
	 * exits and re-enters without ever sleeping stalls RCU.
	 */
	rcu_note_context_switch(false);
	trace_hvm_entry(vcpu);
	r = hvm_ops->enter_guest(vcpu);
	*exit_tsc = hvm_obs_wanted(vcpu) ? rdtsc() : 0;
	/* A host interrupt that caused the exit is taken here. */
	local_irq_enable();
	preempt_enable();
	if (r)
		return r;
	if (irq >= 0 && vcpu->irq_pending < 0)
		trace_hvm_inj_irq(vcpu, irq);
	trace_hvm_exit(vcpu);
	return HVM_ENTERED;
}

/*
 * dm_request_for_irq_injection() && ..._ready_for_interrupt_injection():
 * userspace asked for a window and an interrupt could go in now.
 */
static bool hvm_irq_window_open(struct hvm_vcpu *vcpu)
{
	return READ_ONCE(vcpu->run->request_interrupt_window) &&
	       vcpu->irq_pending < 0 && hvm_ops->interrupt_allowed(vcpu);
}

static int hvm_run_loop(struct hvm_vcpu *vcpu)
{
	u64 exit_tsc;
	int r;

	for (;;) {
		r = hvm_enter_once(vcpu, &exit_tsc);
		if (r == HVM_ENTERED) {
			vcpu->has_run = true;
			r = hvm_ops->handle_exit(vcpu);
			hvm_obs_exit(vcpu, exit_tsc);
		}
		if (r <= 0)
			return r;
		if (hvm_irq_window_open(vcpu))
			return hvm_exit_to_user(vcpu, KVM_EXIT_IRQ_WINDOW_OPEN);
	}
}

/*
 * KVM_RUN returns: the userspace-exit tracepoint (and MMIO's, whose
 * access is then in run->mmio), and the start of the round trip that
 * the next KVM_RUN closes (hvm_stats_run_begin()).
 */
static void hvm_obs_user_exit(struct hvm_vcpu *vcpu, int r)
{
	struct kvm_run *run = vcpu->run;

	if (trace_hvm_mmio_enabled() && !r && run->exit_reason == KVM_EXIT_MMIO) {
		u64 data = 0;

		memcpy(&data, run->mmio.data, min_t(u32, run->mmio.len, 8));
		trace_hvm_mmio(vcpu, run->mmio.phys_addr, run->mmio.len,
			       run->mmio.is_write, data);
	}
	trace_hvm_userspace_exit(vcpu, run->exit_reason, r);
	if (READ_ONCE(hvm_stats_on)) {
		vcpu->stats.user_exits++;
		vcpu->stats.user_tsc = rdtsc();
	}
}

/* post_kvm_run_save() */
static void hvm_post_run_save(struct hvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	run->if_flag = !!(vcpu->rflags & X86_EFLAGS_IF);
	run->cr8 = hvm_ops->get_cr8(vcpu);
	run->apic_base = vcpu->apic_base;
	run->ready_for_interrupt_injection = vcpu->irq_pending < 0 &&
					     hvm_ops->interrupt_allowed(vcpu);
}

int hvm_vcpu_run(struct hvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int r;

	if (vcpu->stats.user_tsc)
		hvm_stats_run_begin(vcpu, rdtsc());
	run->flags = 0;
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, true);
	/* kvm_set_cr8(): the TPR is 4 bits; more is -EINVAL. */
	if (run->cr8 > 15) {
		r = -EINVAL;
		goto out;
	}
	hvm_ops->set_cr8(vcpu, run->cr8);
	r = hvm_complete_pending(vcpu);
	if (r <= 0)
		goto out;
	if (READ_ONCE(run->immediate_exit)) {
		r = -EINTR;
		goto out;
	}
	r = hvm_run_loop(vcpu);
out:
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, false);
	hvm_post_run_save(vcpu);
	hvm_obs_user_exit(vcpu, r);
	return r;
}

/*
 * PKRU around the world switch (back ends call these with interrupts
 * off, right before and right after it). The kernel's guest-FPU swap
 * leaves PKRU out (XFEATURE_MASK_FPSTATE), and the guest can WRPKRU
 * once it sets CR4.PKE, which kmod/cr.c allows when its CPUID offers
 * PKU: left in place, its value would govern the host's own accesses to
 * user memory, here and in the VMM after KVM_RUN. As KVM
 * (kvm_load_{guest,host}_xsave_state), the guest's value goes in for
 * the guest only, and only while its CR4.PKE is set (@guest_pke): with
 * PKE clear, PKRU means nothing to the guest and WRPKRU is #UD, so the
 * host's value may stay. WRPKRU is not cheap (QEMU flushes its TLB on
 * it): only on a change.
 */
u32 hvm_pkru_enter(struct hvm_vcpu *vcpu, bool guest_pke)
{
	u32 host = read_pkru();

	if (guest_pke && cpu_feature_enabled(X86_FEATURE_OSPKE) &&
	    vcpu->pkru != host)
		write_pkru(vcpu->pkru);
	return host;
}

void hvm_pkru_exit(struct hvm_vcpu *vcpu, u32 host_pkru, bool guest_pke)
{
	if (!guest_pke || !cpu_feature_enabled(X86_FEATURE_OSPKE))
		return;
	vcpu->pkru = read_pkru();
	if (vcpu->pkru != host_pkru)
		write_pkru(host_pkru);
}

int hvm_exit_to_user(struct hvm_vcpu *vcpu, u32 reason)
{
	vcpu->run->exit_reason = reason;
	return 0;
}

/* run->io of a KVM_EXIT_IO: the data is in the second page of the mmap. */
void hvm_fill_io_exit(struct hvm_vcpu *vcpu, u16 port, u8 size, bool in,
		      u32 count)
{
	struct kvm_run *run = vcpu->run;

	trace_hvm_pio(vcpu, port, size, in, count);
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = size;
	run->io.port = port;
	run->io.count = count;
	run->io.data_offset = KVM_PIO_PAGE_OFFSET * PAGE_SIZE;
}

/*
 * KVM_EXIT_IO for one IN or OUT (count 1). RIP stays on the instruction
 * until the next KVM_RUN completes it, as KVM's kvm_fast_pio() does.
 */
int hvm_exit_pio(struct hvm_vcpu *vcpu, u16 port, u8 size, bool in,
		 u64 next_rip)
{
	hvm_fill_io_exit(vcpu, port, size, in, 1);
	/* An IN finds the data area zeroed, as with KVM. */
	if (in)
		memset(vcpu->pio_data, 0, size);
	else
		memcpy(vcpu->pio_data, &vcpu->gpr[HVM_RAX], size);
	vcpu->pending.kind = HVM_PENDING_PIO;
	vcpu->pending.next_rip = next_rip;
	vcpu->pending.size = size;
	vcpu->pending.in = in;
	return 0;
}

int hvm_exit_internal_error(struct hvm_vcpu *vcpu, u32 suberror,
			    const u64 *data, u32 ndata)
{
	struct kvm_run *run = vcpu->run;

	ndata = min_t(u32, ndata, ARRAY_SIZE(run->internal.data));
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = ndata;
	memcpy(run->internal.data, data, ndata * sizeof(*data));
	return 0;
}

/*
 * A fault is delivered with RF set in the RFLAGS image it pushes (SDM
 * vol. 3A 17.3.1.1), so that IRET does not re-trigger an instruction
 * breakpoint; KVM sets RF for every fault it queues (exception_type():
 * #DB, #BP and #OF are traps, #DF and #MC aborts, all others faults),
 * not for one an exit interrupted, whose delivery the CPU resumes as it
 * began it (found by the fuzz test: a #DE cut short by a nested page
 * fault on its stack). The back ends call this for the faults they
 * queue themselves.
 */
void hvm_mark_fault(struct hvm_vcpu *vcpu, u8 vector)
{
	switch (vector) {
	case DB_VECTOR:
	case BP_VECTOR:
	case OF_VECTOR:
	case DF_VECTOR:
	case MC_VECTOR:
		return;
	default:
		vcpu->rflags |= X86_EFLAGS_RF;
	}
}

int hvm_exit_fail_entry(struct hvm_vcpu *vcpu, u64 reason)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = reason;
	run->fail_entry.cpu = raw_smp_processor_id();
	return 0;
}

/* Writes a 32-bit result register: zero-extended, as the CPU does. */
static void hvm_set_gpr32(struct hvm_vcpu *vcpu, enum hvm_gpr reg, u32 val)
{
	vcpu->gpr[reg] = val;
}

int hvm_handle_cpuid(struct hvm_vcpu *vcpu, u64 next_rip)
{
	u32 eax = vcpu->gpr[HVM_RAX], ecx = vcpu->gpr[HVM_RCX], ebx, edx;
	u32 leaf = eax, subleaf = ecx;
	struct hvm_cpuid_state st;

	hvm_vcpu_cpuid_state(vcpu, &st);
	hvm_cpuid_answer(vcpu->cpuid.entries, vcpu->cpuid.nent, &st,
			 &eax, &ebx, &ecx, &edx);
	trace_hvm_cpuid(vcpu, leaf, subleaf, eax, ebx, ecx, edx);
	hvm_set_gpr32(vcpu, HVM_RAX, eax);
	hvm_set_gpr32(vcpu, HVM_RBX, ebx);
	hvm_set_gpr32(vcpu, HVM_RCX, ecx);
	hvm_set_gpr32(vcpu, HVM_RDX, edx);
	vcpu->rip = next_rip;
	return 1;
}

/*
 * kvm_emulate_hypercall(): RAX is the number (EAX outside 64-bit mode),
 * CPL > 0 gets -KVM_EPERM. hvmod implements no hypercall: every number
 * but KVM_HC_VAPIC_POLL_IRQ (a no-op returning 0) gets -KVM_ENOSYS.
 */
int hvm_handle_hypercall(struct hvm_vcpu *vcpu, u64 next_rip)
{
	struct hvm_guest_mode gm;
	u64 nr = vcpu->gpr[HVM_RAX];
	long ret = -KVM_ENOSYS;
	bool long64;

	hvm_guest_mode(vcpu, &gm);
	long64 = gm.mode == X86_MODE_LONG64;
	if (!long64)
		nr = (u32)nr;
	if (gm.cpl)
		ret = -KVM_EPERM;
	else if (nr == KVM_HC_VAPIC_POLL_IRQ)
		ret = 0;
	vcpu->gpr[HVM_RAX] = long64 ? (u64)ret : (u32)ret;
	vcpu->rip = next_rip;
	return 1;
}

/* RDMSR: ECX in, EDX:EAX out; #GP(0) for an MSR hvmod does not have. */
int hvm_handle_rdmsr(struct hvm_vcpu *vcpu, u64 next_rip)
{
	u32 index = vcpu->gpr[HVM_RCX];
	u64 data = 0;

	if (hvm_get_msr(vcpu, index, &data)) {
		trace_hvm_msr(vcpu, false, index, 0, true);
		hvm_ops->queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	trace_hvm_msr(vcpu, false, index, data, false);
	hvm_set_gpr32(vcpu, HVM_RAX, (u32)data);
	hvm_set_gpr32(vcpu, HVM_RDX, data >> 32);
	vcpu->rip = next_rip;
	return 1;
}

int hvm_handle_wrmsr(struct hvm_vcpu *vcpu, u64 next_rip)
{
	u64 data = (u32)vcpu->gpr[HVM_RAX] | (vcpu->gpr[HVM_RDX] << 32);
	u32 index = vcpu->gpr[HVM_RCX];
	bool fault = hvm_set_msr(vcpu, index, data, false);

	trace_hvm_msr(vcpu, true, index, data, fault);
	if (fault) {
		hvm_ops->queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	vcpu->rip = next_rip;
	return 1;
}
