/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvmod core objects: VMs and vCPUs, as seen by the arch-neutral core.
 *
 * Lock legend for struct fields:
 *   (o)  set once at creation, read-only afterwards
 *   [lock] protected by the struct's lock
 *   [S]  protected by the VM's slots_lock (serializes memory slot changes)
 *   [V]  protected by the vCPU's mutex (held by every vCPU ioctl)
 */
#ifndef HVMOD_HVM_H
#define HVMOD_HVM_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/kvm.h>
#include <linux/fs.h>
#include <asm/fpu/api.h>

#include "kmod/arch_ops.h"
#include "kmod/cpuid.h"
#include "kmod/stats.h"
#include "kmod/x86_decode.h"
#include "npt/npt.h"

#define HVM_API_VERSION		12
/*
 * vCPU ids are the guests' APIC ids; without x2APIC support they must fit
 * the xAPIC's 8-bit id, and 0xff is the broadcast id: ids 0..254. The
 * vCPU count bounds the per-VM array.
 */
#define HVM_MAX_VCPUS		64
#define HVM_MAX_VCPU_ID		255
/* Page 0: struct kvm_run; page 1: port I/O data (KVM_PIO_PAGE_OFFSET). */
#define HVM_VCPU_MMAP_PAGES	2
/*
 * User memory slots per VM (KVM_CAP_NR_MEMSLOTS), one address space: ids
 * 0..31 in bits 0-15 of the slot field, bits 16-31 must be 0.
 */
#define HVM_MEMSLOTS		32

/*
 * One guest-physical memory slot (KVM_SET_USER_MEMORY_REGION): guest
 * frames [base_gfn, base_gfn + npages) are backed by the caller's memory
 * at userspace_addr. As in KVM, a slot with npages 0 does not exist.
 */
struct hvm_memslot {
	u64 base_gfn;
	u64 npages;			/* 0: free */
	u64 userspace_addr;
	u32 flags;			/* 0 or KVM_MEM_READONLY */
};

/*
 * Guest general registers in the hardware's numbering (the ModRM and REX
 * register numbers, SDM vol. 2 2.1.5), which the decoder and the world
 * switch use; KVM_GET/SET_REGS convert from and to struct kvm_regs.
 */
enum hvm_gpr {
	HVM_RAX, HVM_RCX, HVM_RDX, HVM_RBX, HVM_RSP, HVM_RBP, HVM_RSI, HVM_RDI,
	HVM_R8, HVM_R9, HVM_R10, HVM_R11, HVM_R12, HVM_R13, HVM_R14, HVM_R15,
	HVM_NR_GPRS,
};

/*
 * An instruction whose exit went to userspace and that the next KVM_RUN
 * completes (api.rst: "the data [...] will be visible to the guest on
 * the next KVM_RUN"): registers written from kvm_run, RIP advanced.
 */
enum hvm_pending_kind {
	HVM_PENDING_NONE,
	HVM_PENDING_PIO,	/* IN or OUT: run->io */
	HVM_PENDING_PIO_STRING,	/* INS or OUTS, maybe REP: run->io */
	HVM_PENDING_MMIO,	/* an MMIO access: run->mmio */
};

/* One piece of an MMIO access: at most 8 bytes, within one page. */
struct hvm_mmio_frag {
	u64 gpa;
	u8 offset;		/* of the piece in hvm_pending.data */
	u8 len;
};

struct hvm_pending {
	enum hvm_pending_kind kind;
	u64 next_rip;		/* RIP once the instruction is done */
	struct x86_insn insn;	/* MMIO, string I/O: the instruction */
	u8 size;		/* bytes of the access, or of one element */
	bool in;		/* IN, MMIO read phase: data goes to the guest */
	u32 count;		/* string I/O: elements in this exit */
	/*
	 * MMIO: an access that crosses a page is cut in two at the page
	 * boundary, as KVM's emulator_read_write() does; a piece in guest
	 * RAM is done at once, each other piece is one exit.
	 */
	u8 nr_frags;
	u8 frag;		/* the piece userspace has now */
	struct hvm_mmio_frag frags[2];
	u8 data[8];		/* the bytes of the whole access */
	/* MMIO: linear addresses read from and written to */
	u64 src_la;
	u64 dst_la;
};

struct hvm_vm {
	struct kref kref;		/* VM fd + one per vCPU fd */
	struct mm_struct *mm;		/* (o) creator's mm, mmgrab()ed */
	struct mutex lock;		/* serializes vCPU creation */
	struct hvm_vcpu *vcpus[HVM_MAX_VCPUS];	/* [lock] */
	unsigned int nr_vcpus;		/* [lock] */
	/*
	 * Serializes memory slot changes; taken alone (never with lock or
	 * a vCPU mutex held) for now. The nested page fault path will need
	 * a slot lookup under it, or under a scheme that replaces it there.
	 */
	struct mutex slots_lock;
	struct hvm_memslot memslots[HVM_MEMSLOTS];	/* [S] index: slot id */
	/*
	 * Nested page tables, changed under slots_lock (faults and slot
	 * changes); read by the CPUs' walkers while guests run.
	 */
	struct npt npt;			/* [S] */
	/*
	 * Bumped after every change that removes a translation; a vCPU
	 * whose last-seen value differs flushes its TLB before entry.
	 */
	atomic64_t tlb_gen;
	struct hvm_vm_obs obs;		/* kmod/stats.h */
	void *arch;			/* (o) back end's VM state */
};

struct hvm_vcpu {
	struct hvm_vm *vm;		/* (o) */
	u32 id;				/* (o) KVM_CREATE_VCPU argument */
	struct mutex mutex;		/* one ioctl at a time */
	struct kvm_run *run;		/* (o) mmap page 0 */
	void *pio_data;			/* (o) mmap page 1 */
	u64 gpr[HVM_NR_GPRS];		/* [V] enum hvm_gpr order */
	u64 rip;			/* [V] */
	u64 rflags;			/* [V] */
	u64 apic_base;			/* [V] IA32_APIC_BASE as userspace set it */
	struct hvm_pending pending;	/* [V] completed by the next KVM_RUN */
	struct hvm_cpuid cpuid;		/* [V] KVM_SET_CPUID2 */
	bool has_run;			/* [V] KVM_RUN was called once */
	int irq_pending;		/* [V] KVM_INTERRUPT vector, or -1 */
	struct fpu_guest guest_fpu;	/* [V] kernel's guest-FPU state */
	u32 pkru;			/* [V] guest PKRU, outside guest_fpu */
	struct hvm_last_exit last_exit;	/* [V] filled by enter_guest */
	struct hvm_vcpu_stats stats;	/* [V] kmod/stats.h */
	void *arch;			/* (o) back end's vCPU state */
};

/* kmod/dev.c */
long hvm_check_extension(long cap);
int hvm_dev_register(void);
void hvm_dev_unregister(void);

/* kmod/vm.c */
int hvm_vm_create_fd(unsigned long type);
void hvm_vm_put(struct hvm_vm *vm);

/* kmod/memslot.c */
int hvm_vm_set_user_memory_region(struct hvm_vm *vm,
				  const void __user *argp);

/* kmod/mmu.c: nested paging glue (npt/ on pinned user pages). */
int hvm_mmu_init(struct hvm_vm *vm);
void hvm_mmu_destroy(struct hvm_vm *vm);
/* 0: mapped; 1: not guest RAM (or a write to a read-only slot): MMIO. */
int hvm_mmu_fault(struct hvm_vcpu *vcpu, u64 gpa, bool write);
int hvm_mmu_zap_slot(struct hvm_vm *vm, struct hvm_memslot *slot);
/* Guest-physical reads and writes through the slots (never MMIO). */
int hvm_read_guest(struct hvm_vm *vm, u64 gpa, void *buf, size_t len);
int hvm_write_guest(struct hvm_vm *vm, u64 gpa, const void *buf,
		    size_t len);

/* kmod/run.c: KVM_RUN and the exits the core handles for both ends. */
int hvm_vcpu_run(struct hvm_vcpu *vcpu);
void hvm_fill_io_exit(struct hvm_vcpu *vcpu, u16 port, u8 size, bool in,
		      u32 count);
int hvm_exit_pio(struct hvm_vcpu *vcpu, u16 port, u8 size, bool in,
		 u64 next_rip);
int hvm_exit_to_user(struct hvm_vcpu *vcpu, u32 reason);
u32 hvm_pkru_enter(struct hvm_vcpu *vcpu, bool guest_pke);
void hvm_pkru_exit(struct hvm_vcpu *vcpu, u32 host_pkru, bool guest_pke);
int hvm_exit_internal_error(struct hvm_vcpu *vcpu, u32 suberror,
			    const u64 *data, u32 ndata);
int hvm_exit_fail_entry(struct hvm_vcpu *vcpu, u64 reason);
void hvm_mark_fault(struct hvm_vcpu *vcpu, u8 vector);
/* Module parameter force_flush: flush every guest TLB at every entry. */
extern bool hvm_force_flush;
int hvm_handle_cpuid(struct hvm_vcpu *vcpu, u64 next_rip);
int hvm_handle_hypercall(struct hvm_vcpu *vcpu, u64 next_rip);
int hvm_handle_rdmsr(struct hvm_vcpu *vcpu, u64 next_rip);
int hvm_handle_wrmsr(struct hvm_vcpu *vcpu, u64 next_rip);

/* kmod/emulate.c: instructions the core decodes itself. */
int hvm_fetch_insn(struct hvm_vcpu *vcpu, struct x86_insn *insn);
u64 hvm_insn_next_rip(const struct x86_insn *insn, u64 rip);
int hvm_next_rip(struct hvm_vcpu *vcpu, u64 *next_rip);
int hvm_emulate_mmio(struct hvm_vcpu *vcpu, u64 gpa);
int hvm_complete_mmio(struct hvm_vcpu *vcpu);
int hvm_exit_pio_string(struct hvm_vcpu *vcpu, u16 port, u8 size, bool in,
			u64 next_rip);
int hvm_complete_pio_string(struct hvm_vcpu *vcpu);

/* kmod/vcpu_state.c: the state ioctls of the vCPU fd other than REGS. */
long hvm_vcpu_state_ioctl(struct hvm_vcpu *vcpu, unsigned int ioctl,
			  void __user *argp);
long hvm_get_msr_index_list(struct kvm_msr_list __user *user);
void hvm_vcpu_cpuid_state(struct hvm_vcpu *vcpu, struct hvm_cpuid_state *st);
bool hvm_cr0_valid(u64 cr0);
bool hvm_efer_valid(u64 efer);
bool hvm_pat_valid(u64 pat);
/* 0, or 1 for an MSR that does not exist or a refused value (#GP). */
int hvm_get_msr(struct hvm_vcpu *vcpu, u32 index, u64 *data);
int hvm_set_msr(struct hvm_vcpu *vcpu, u32 index, u64 data, bool host);

/*
 * kmod/cr.c: CR4 as the vCPU's CPUID allows it; a guest's MOV to CR4
 * (0, or 1 for #GP).
 */
bool hvm_cr4_valid(struct hvm_vcpu *vcpu, u64 cr4);
int hvm_set_cr4(struct hvm_vcpu *vcpu, u64 cr4);

/* kmod/dr.c: the guest's debug registers, emulated for both back ends. */
/* DR7 after RESET: bit 10 reads as 1, no breakpoint enabled. */
#define HVM_DR7_RESET		0x400ULL
struct hvm_dregs {
	u64 dr[4];
	u64 dr6, dr7;
};

void hvm_dregs_reset(struct hvm_dregs *d);
int hvm_mov_dr(struct hvm_vcpu *vcpu, struct hvm_dregs *d, unsigned int n,
	       unsigned int gpr, bool to_dr, bool wide);

/* kmod/vcpu_fpu.c: KVM_GET/SET_FPU, KVM_GET/SET_XSAVE. */
long hvm_vcpu_fpu_ioctl(struct hvm_vcpu *vcpu, unsigned int ioctl,
			void __user *argp);

/* kmod/vcpu_events.c: KVM_GET/SET_VCPU_EVENTS, KVM_NMI. */
long hvm_vcpu_events_ioctl(struct hvm_vcpu *vcpu, unsigned int ioctl,
			   void __user *argp);
void hvm_exception_queue(struct hvm_queued_exception *e, u8 vector,
			 bool has_error, u32 error);
void hvm_exception_get_event(const struct hvm_queued_exception *e,
			     struct hvm_events *ev);
void hvm_exception_set_event(struct hvm_queued_exception *e,
			     const struct hvm_events *ev);

/* kmod/vcpu.c */
struct hvm_vcpu *hvm_vcpu_alloc(struct hvm_vm *vm, u32 id);
void hvm_vcpu_free(struct hvm_vcpu *vcpu);
int hvm_vcpu_create_fd(struct hvm_vcpu *vcpu);

/* kmod/virt.c: virtualization on every CPU while at least one VM lives. */
int hvm_virt_init(void);
void hvm_virt_exit(void);
int hvm_virt_get(void);
void hvm_virt_put(void);

/* kmod/objects.c: live-object accounting, visible in debugfs. */
enum hvm_object_kind {
	HVM_OBJ_VMS,
	HVM_OBJ_VCPUS,
	HVM_OBJ_PAGES,
	HVM_OBJ_PINNED,
	HVM_OBJ_LARGE,		/* 2 MiB nested mappings */
	HVM_OBJ_NR,
};

void hvm_objects_inc(enum hvm_object_kind kind);
void hvm_objects_dec(enum hvm_object_kind kind);
struct page *hvm_page_alloc(void);
void hvm_page_free(struct page *page);
void *hvm_page_alloc_virt(void);
void hvm_page_free_virt(void *va);
int hvm_debugfs_init(void);
void hvm_debugfs_exit(void);

#endif /* HVMOD_HVM_H */
