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

#include "kmod/arch_ops.h"

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
	void *arch;			/* (o) back end's VM state */
};

struct hvm_vcpu {
	struct hvm_vm *vm;		/* (o) */
	u32 id;				/* (o) KVM_CREATE_VCPU argument */
	struct mutex mutex;		/* one ioctl at a time */
	struct kvm_run *run;		/* (o) mmap page 0 */
	void *pio_data;			/* (o) mmap page 1 */
	struct kvm_regs regs;		/* [V] general registers, RIP, RFLAGS */
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
