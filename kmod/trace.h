/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvmod's tracepoints (system "hvmod" in tracefs, perf and trace-cmd):
 * every one is fired by the arch-neutral core, so both back ends have
 * them. Each event names its VM (the id of hvmod's debugfs and netlink)
 * and vCPU.
 *
 *   hvm_entry            before every world switch
 *   hvm_exit             after it: vendor-neutral reason, raw vendor exit
 *                        code, info1/info2 (struct hvm_last_exit), RIP
 *   hvm_pio              an IN/OUT/INS/OUTS handed to userspace
 *   hvm_mmio             an MMIO access handed to userspace
 *   hvm_msr              RDMSR/WRMSR handled in the kernel
 *   hvm_cpuid            CPUID: leaf, subleaf and the answer
 *   hvm_npf              nested page fault: GPA, error/qualification,
 *                        mapped (0) or MMIO (1)
 *   hvm_inj_irq          a KVM_INTERRUPT vector went into the guest
 *   hvm_userspace_exit   KVM_RUN returns: exit reason and return value
 *
 * Out-of-tree build: define_trace.h includes this file again through
 * TRACE_INCLUDE_PATH/TRACE_INCLUDE_FILE, i.e. <kmod/trace.h>, which the
 * -I$(src) of Kbuild finds.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM hvmod

#if !defined(HVMOD_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define HVMOD_TRACE_H

#include <linux/tracepoint.h>

#include "kmod/hvm.h"

#define HVM_EXIT_REASON_SYMBOLS					\
	{ HVM_EXIT_R_EXTINT, "extint" },			\
	{ HVM_EXIT_R_IRQ_WINDOW, "irq_window" },		\
	{ HVM_EXIT_R_NMI_WINDOW, "nmi_window" },		\
	{ HVM_EXIT_R_EXCEPTION, "exception" },			\
	{ HVM_EXIT_R_CPUID, "cpuid" },				\
	{ HVM_EXIT_R_HLT, "hlt" },				\
	{ HVM_EXIT_R_IO, "io" },				\
	{ HVM_EXIT_R_MSR_READ, "msr_read" },			\
	{ HVM_EXIT_R_MSR_WRITE, "msr_write" },			\
	{ HVM_EXIT_R_NPF, "npf" },				\
	{ HVM_EXIT_R_CR, "cr" },				\
	{ HVM_EXIT_R_DR, "dr" },				\
	{ HVM_EXIT_R_HYPERCALL, "hypercall" },			\
	{ HVM_EXIT_R_SHUTDOWN, "shutdown" },			\
	{ HVM_EXIT_R_FAIL_ENTRY, "fail_entry" },		\
	{ HVM_EXIT_R_INSN, "insn" },				\
	{ HVM_EXIT_R_OTHER, "other" }

TRACE_EVENT(hvm_entry,
	TP_PROTO(struct hvm_vcpu *vcpu),
	TP_ARGS(vcpu),
	TP_STRUCT__entry(
		__field(u32, vm)
		__field(u32, vcpu)
		__field(u64, rip)
	),
	TP_fast_assign(
		__entry->vm = vcpu->vm->obs.id;
		__entry->vcpu = vcpu->id;
		__entry->rip = vcpu->rip;
	),
	TP_printk("vm %u vcpu %u rip 0x%llx", __entry->vm, __entry->vcpu,
		  __entry->rip)
);

TRACE_EVENT(hvm_exit,
	TP_PROTO(struct hvm_vcpu *vcpu),
	TP_ARGS(vcpu),
	TP_STRUCT__entry(
		__field(u32, vm)
		__field(u32, vcpu)
		__field(u32, reason)
		__field(u32, code)
		__field(u64, info1)
		__field(u64, info2)
		__field(u64, rip)
	),
	TP_fast_assign(
		__entry->vm = vcpu->vm->obs.id;
		__entry->vcpu = vcpu->id;
		__entry->reason = vcpu->last_exit.reason;
		__entry->code = vcpu->last_exit.code;
		__entry->info1 = vcpu->last_exit.info1;
		__entry->info2 = vcpu->last_exit.info2;
		__entry->rip = vcpu->rip;
	),
	TP_printk("vm %u vcpu %u reason %s code 0x%x info1 0x%llx info2 0x%llx rip 0x%llx",
		  __entry->vm, __entry->vcpu,
		  __print_symbolic(__entry->reason, HVM_EXIT_REASON_SYMBOLS),
		  __entry->code, __entry->info1, __entry->info2, __entry->rip)
);

TRACE_EVENT(hvm_pio,
	TP_PROTO(struct hvm_vcpu *vcpu, u16 port, u8 size, bool in, u32 count),
	TP_ARGS(vcpu, port, size, in, count),
	TP_STRUCT__entry(
		__field(u32, vm)
		__field(u32, vcpu)
		__field(u16, port)
		__field(u8, size)
		__field(u8, in)
		__field(u32, count)
	),
	TP_fast_assign(
		__entry->vm = vcpu->vm->obs.id;
		__entry->vcpu = vcpu->id;
		__entry->port = port;
		__entry->size = size;
		__entry->in = in;
		__entry->count = count;
	),
	TP_printk("vm %u vcpu %u %s port 0x%x size %u count %u",
		  __entry->vm, __entry->vcpu, __entry->in ? "in" : "out",
		  __entry->port, __entry->size, __entry->count)
);

TRACE_EVENT(hvm_mmio,
	TP_PROTO(struct hvm_vcpu *vcpu, u64 gpa, u32 len, bool write, u64 data),
	TP_ARGS(vcpu, gpa, len, write, data),
	TP_STRUCT__entry(
		__field(u32, vm)
		__field(u32, vcpu)
		__field(u64, gpa)
		__field(u32, len)
		__field(u8, write)
		__field(u64, data)
	),
	TP_fast_assign(
		__entry->vm = vcpu->vm->obs.id;
		__entry->vcpu = vcpu->id;
		__entry->gpa = gpa;
		__entry->len = len;
		__entry->write = write;
		__entry->data = data;
	),
	TP_printk("vm %u vcpu %u %s gpa 0x%llx len %u data 0x%llx",
		  __entry->vm, __entry->vcpu,
		  __entry->write ? "write" : "read", __entry->gpa,
		  __entry->len, __entry->data)
);

TRACE_EVENT(hvm_msr,
	TP_PROTO(struct hvm_vcpu *vcpu, bool write, u32 index, u64 data,
		 bool fault),
	TP_ARGS(vcpu, write, index, data, fault),
	TP_STRUCT__entry(
		__field(u32, vm)
		__field(u32, vcpu)
		__field(u32, index)
		__field(u8, write)
		__field(u8, fault)
		__field(u64, data)
	),
	TP_fast_assign(
		__entry->vm = vcpu->vm->obs.id;
		__entry->vcpu = vcpu->id;
		__entry->index = index;
		__entry->write = write;
		__entry->fault = fault;
		__entry->data = data;
	),
	TP_printk("vm %u vcpu %u %s msr 0x%x data 0x%llx%s",
		  __entry->vm, __entry->vcpu,
		  __entry->write ? "wrmsr" : "rdmsr", __entry->index,
		  __entry->data, __entry->fault ? " #GP" : "")
);

TRACE_EVENT(hvm_cpuid,
	TP_PROTO(struct hvm_vcpu *vcpu, u32 leaf, u32 subleaf, u32 eax, u32 ebx,
		 u32 ecx, u32 edx),
	TP_ARGS(vcpu, leaf, subleaf, eax, ebx, ecx, edx),
	TP_STRUCT__entry(
		__field(u32, vm)
		__field(u32, vcpu)
		__field(u32, leaf)
		__field(u32, subleaf)
		__field(u32, eax)
		__field(u32, ebx)
		__field(u32, ecx)
		__field(u32, edx)
	),
	TP_fast_assign(
		__entry->vm = vcpu->vm->obs.id;
		__entry->vcpu = vcpu->id;
		__entry->leaf = leaf;
		__entry->subleaf = subleaf;
		__entry->eax = eax;
		__entry->ebx = ebx;
		__entry->ecx = ecx;
		__entry->edx = edx;
	),
	TP_printk("vm %u vcpu %u leaf 0x%x subleaf 0x%x eax 0x%x ebx 0x%x ecx 0x%x edx 0x%x",
		  __entry->vm, __entry->vcpu, __entry->leaf, __entry->subleaf,
		  __entry->eax, __entry->ebx, __entry->ecx, __entry->edx)
);

TRACE_EVENT(hvm_npf,
	TP_PROTO(struct hvm_vcpu *vcpu, u64 gpa, u64 error, int result),
	TP_ARGS(vcpu, gpa, error, result),
	TP_STRUCT__entry(
		__field(u32, vm)
		__field(u32, vcpu)
		__field(u64, gpa)
		__field(u64, error)
		__field(int, result)
	),
	TP_fast_assign(
		__entry->vm = vcpu->vm->obs.id;
		__entry->vcpu = vcpu->id;
		__entry->gpa = gpa;
		__entry->error = error;
		__entry->result = result;
	),
	TP_printk("vm %u vcpu %u gpa 0x%llx error 0x%llx %s",
		  __entry->vm, __entry->vcpu, __entry->gpa, __entry->error,
		  __entry->result == 0 ? "mapped" :
		  __entry->result > 0 ? "mmio" : "failed")
);

TRACE_EVENT(hvm_inj_irq,
	TP_PROTO(struct hvm_vcpu *vcpu, u8 vector),
	TP_ARGS(vcpu, vector),
	TP_STRUCT__entry(
		__field(u32, vm)
		__field(u32, vcpu)
		__field(u8, vector)
	),
	TP_fast_assign(
		__entry->vm = vcpu->vm->obs.id;
		__entry->vcpu = vcpu->id;
		__entry->vector = vector;
	),
	TP_printk("vm %u vcpu %u vector 0x%x", __entry->vm, __entry->vcpu,
		  __entry->vector)
);

TRACE_EVENT(hvm_userspace_exit,
	TP_PROTO(struct hvm_vcpu *vcpu, u32 exit_reason, int ret),
	TP_ARGS(vcpu, exit_reason, ret),
	TP_STRUCT__entry(
		__field(u32, vm)
		__field(u32, vcpu)
		__field(u32, exit_reason)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->vm = vcpu->vm->obs.id;
		__entry->vcpu = vcpu->id;
		__entry->exit_reason = exit_reason;
		__entry->ret = ret;
	),
	TP_printk("vm %u vcpu %u exit_reason %u ret %d", __entry->vm,
		  __entry->vcpu, __entry->exit_reason, __entry->ret)
);

#endif /* HVMOD_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH kmod
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
