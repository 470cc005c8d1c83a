// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory slots: KVM_SET_USER_MEMORY_REGION on the VM fd.
 *
 * The checks, their order and their errno values are KVM 6.1's:
 * virt/kvm/kvm_main.c kvm_vm_ioctl_set_memory_region(),
 * check_memory_region_flags(), __kvm_set_memory_region() and
 * kvm_check_memslot_overlap(); arch/x86/kvm/x86.c
 * kvm_arch_prepare_memory_region(). Where hvmod differs on purpose (see
 * Documentation/api.rst): 32 slots instead of KVM_USER_MEM_SLOTS, one
 * address space (KVM x86 has a second one for SMM), no dirty logging
 * (KVM_MEM_LOG_DIRTY_PAGES is rejected), and guest-physical addresses
 * below 2^48, the reach of the 4-level nested page tables.
 *
 * Guest pages are pinned and mapped lazily by the nested page fault path
 * (kmod/mmu.c); deleting or moving a slot zaps its mappings, flushes and
 * unpins before the slot changes. Writes to a KVM_MEM_READONLY slot are
 * MMIO exits.
 */
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/uaccess.h>
#include <asm/processor.h>

#include "kmod/hvm.h"
#include "npt/npt_format.h"

/* check_memory_region_flags() without KVM_MEM_LOG_DIRTY_PAGES. */
#define HVM_MEM_VALID_FLAGS	KVM_MEM_READONLY
/* KVM_MEM_MAX_NR_PAGES, include/linux/kvm_host.h. */
#define HVM_MEM_MAX_NR_PAGES	((1ULL << 31) - 1)

static unsigned int hvm_memslot_as_id(u32 slot)
{
	return slot >> 16;
}

static u16 hvm_memslot_id(u32 slot)
{
	return (u16)slot;
}

/*
 * __kvm_set_memory_region()'s "general sanity checks", in its order (all
 * -EINVAL). Where KVM checks as_id against KVM_ADDRESS_SPACE_NUM (2 on
 * x86: SMM), hvmod has one address space. KVM's other checks there are
 * moot: memory_size always fits an unsigned long on x86-64, and the id
 * is already below HVM_MEMSLOTS.
 */
static bool
hvm_memslot_region_valid(const struct kvm_userspace_memory_region *mem)
{
	u64 size = mem->memory_size;
	u64 gpa = mem->guest_phys_addr;
	u64 uaddr = mem->userspace_addr;

	if (!PAGE_ALIGNED(size) || !PAGE_ALIGNED(gpa))
		return false;
	/*
	 * The whole range must be user memory. KVM also refuses a tagged
	 * address (uaddr != untagged_addr(uaddr)): on x86 in 6.1 (no LAM)
	 * untagged_addr() is the identity, so there is nothing to refuse.
	 */
	if (!PAGE_ALIGNED(uaddr) || !access_ok(u64_to_user_ptr(uaddr), size))
		return false;
	if (hvm_memslot_as_id(mem->slot))
		return false;
	if (gpa + size < gpa)
		return false;
	return (size >> PAGE_SHIFT) <= HVM_MEM_MAX_NR_PAGES;
}

/*
 * kvm_mmu_max_gfn() with nested paging (arch/x86/kvm/mmu.h): the host's
 * MAXPHYADDR as kvm_get_shadow_phys_bits() reads it (CPUID, because SME
 * and MKTME reduce boot_cpu_data.x86_phys_bits), and for hvmod at most
 * the 48 bits a 4-level nested walk translates.
 */
static u64 hvm_memslot_max_gfn(void)
{
	unsigned int bits = boot_cpu_data.x86_phys_bits;

	if (boot_cpu_data.extended_cpuid_level >= 0x80000008)
		bits = cpuid_eax(0x80000008) & 0xff;
	bits = min_t(unsigned int, bits, NPT_GPA_BITS);
	return (1ULL << (bits - PAGE_SHIFT)) - 1;
}

/*
 * kvm_check_memslot_overlap(): does any slot other than @id intersect
 * [@start, @end)?
 */
static bool hvm_memslot_overlaps(struct hvm_vm *vm, unsigned int id,
				 u64 start, u64 end)
{
	const struct hvm_memslot *slot;
	unsigned int i;

	for (i = 0; i < HVM_MEMSLOTS; i++) {
		slot = &vm->memslots[i];
		if (i == id || !slot->npages)
			continue;
		if (start < slot->base_gfn + slot->npages &&
		    slot->base_gfn < end)
			return true;
	}
	return false;
}

/*
 * The checks a new place for slot @id must pass (create or move): the
 * overlap check of __kvm_set_memory_region() (-EEXIST), then
 * kvm_arch_prepare_memory_region()'s limit (-EINVAL).
 */
static int hvm_memslot_check_place(struct hvm_vm *vm, unsigned int id,
				   u64 base_gfn, u64 npages)
{
	if (hvm_memslot_overlaps(vm, id, base_gfn, base_gfn + npages))
		return -EEXIST;
	if (base_gfn + npages - 1 > hvm_memslot_max_gfn())
		return -EINVAL;
	return 0;
}

/* __kvm_set_memory_region() with memory_size 0. */
static int hvm_memslot_delete(struct hvm_vm *vm, struct hvm_memslot *slot)
{
	int r;

	if (!slot->npages)
		return -EINVAL;
	r = hvm_mmu_zap_slot(vm, slot);
	if (r)
		return r;
	memset(slot, 0, sizeof(*slot));
	return 0;
}

static int hvm_memslot_create(struct hvm_vm *vm, unsigned int id,
			      const struct kvm_userspace_memory_region *mem,
			      u64 base_gfn, u64 npages)
{
	struct hvm_memslot *slot = &vm->memslots[id];
	int r;

	/*
	 * KVM also refuses a total page count across slots that overflows
	 * an unsigned long; 32 slots of at most 2^31 pages cannot.
	 */
	r = hvm_memslot_check_place(vm, id, base_gfn, npages);
	if (r)
		return r;
	slot->base_gfn = base_gfn;
	slot->npages = npages;
	slot->userspace_addr = mem->userspace_addr;
	slot->flags = mem->flags;
	return 0;
}

/*
 * An existing slot may only move (KVM_MR_MOVE): a different size or
 * backing address, or a change of KVM_MEM_READONLY, is -EINVAL. KVM's
 * other change, KVM_MR_FLAGS_ONLY, toggles KVM_MEM_LOG_DIRTY_PAGES, which
 * hvmod refuses; so the same base is "nothing to change".
 */
static int hvm_memslot_modify(struct hvm_vm *vm, unsigned int id,
			      const struct kvm_userspace_memory_region *mem,
			      u64 base_gfn, u64 npages)
{
	struct hvm_memslot *slot = &vm->memslots[id];
	int r;

	if (mem->userspace_addr != slot->userspace_addr ||
	    npages != slot->npages ||
	    ((mem->flags ^ slot->flags) & KVM_MEM_READONLY))
		return -EINVAL;
	if (base_gfn == slot->base_gfn)
		return 0;
	r = hvm_memslot_check_place(vm, id, base_gfn, npages);
	if (r)
		return r;
	r = hvm_mmu_zap_slot(vm, slot);
	if (r)
		return r;
	slot->base_gfn = base_gfn;
	return 0;
}

/* The part of __kvm_set_memory_region() that reads the VM's slots. */
static int hvm_memslot_set(struct hvm_vm *vm, unsigned int id,
			   const struct kvm_userspace_memory_region *mem)
{
	struct hvm_memslot *slot = &vm->memslots[id];
	u64 base_gfn = mem->guest_phys_addr >> PAGE_SHIFT;
	u64 npages = mem->memory_size >> PAGE_SHIFT;

	lockdep_assert_held(&vm->slots_lock);
	if (!npages)
		return hvm_memslot_delete(vm, slot);
	if (!slot->npages)
		return hvm_memslot_create(vm, id, mem, base_gfn, npages);
	return hvm_memslot_modify(vm, id, mem, base_gfn, npages);
}

static int hvm_set_memory_region(struct hvm_vm *vm,
				 const struct kvm_userspace_memory_region *mem)
{
	unsigned int id = hvm_memslot_id(mem->slot);
	int r;

	/* kvm_vm_ioctl_set_memory_region(): the id, before anything else. */
	if (id >= HVM_MEMSLOTS)
		return -EINVAL;
	/* check_memory_region_flags(), then the general sanity checks. */
	if (mem->flags & ~HVM_MEM_VALID_FLAGS)
		return -EINVAL;
	if (!hvm_memslot_region_valid(mem))
		return -EINVAL;
	id = array_index_nospec(id, HVM_MEMSLOTS);

	/* As kvm_set_memory_region(): not killable. */
	mutex_lock(&vm->slots_lock);
	r = hvm_memslot_set(vm, id, mem);
	mutex_unlock(&vm->slots_lock);
	return r;
}

/* KVM_SET_USER_MEMORY_REGION; the caller has checked the mm (-EIO). */
int hvm_vm_set_user_memory_region(struct hvm_vm *vm,
				  const void __user *argp)
{
	struct kvm_userspace_memory_region mem;

	if (copy_from_user(&mem, argp, sizeof(mem)))
		return -EFAULT;
	return hvm_set_memory_region(vm, &mem);
}
