// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nested paging glue: npt/ trees whose leaves map pinned pages of the
 * VM's user memory, filled lazily on nested page faults.
 *
 * Locking: every change of the tree (fault, zap, destroy) holds the VM's
 * slots_lock, so two vCPUs faulting on one page give one pin and one
 * mapping (the second sees NPT_ALREADY and drops its pin). The CPUs'
 * walkers read the tree without a lock (npt/npt.h).
 *
 * Pinning: a fault in a writable slot pins with FOLL_WRITE, even for a
 * read, so that the shared zero page (or any page whose copy-on-write is
 * pending) is never what the guest sees: it is broken first. Read-only
 * slots pin without FOLL_WRITE and map the page read-only. Pages stay
 * pinned (FOLL_LONGTERM) until their slot is deleted or moved, or the VM
 * dies; without MMU notifiers, a munmap() of the backing does not reach
 * the guest, which keeps the pinned pages (Documentation/design.rst).
 * VM_IO and VM_PFNMAP backings cannot be pinned: KVM_RUN fails -EFAULT.
 *
 * Large pages: a fault in a 2 MiB guest frame backed by a huge page of
 * the host (transparent or hugetlbfs), aligned alike in guest-physical
 * and user space and wholly inside the slot, maps the frame with one
 * 2 MiB leaf (512 pins). A frame that already has 4 KiB mappings stays
 * in 4 KiB pages.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kmod/hvm.h"
#include "kmod/trace.h"

/* A 2 MiB frame: its pages and their order. */
#define HVM_ORDER_2M		(21 - PAGE_SHIFT)
#define HVM_PAGES_2M		BIT(HVM_ORDER_2M)

static void *hvm_npt_alloc_table(void *ctx, u64 *hpa)
{
	struct page *page = hvm_page_alloc();

	if (!page)
		return NULL;
	*hpa = page_to_phys(page);
	return page_address(page);
}

/*
 * Tables are freed at once: every zap that frees tables is followed by a
 * flush on every CPU before slots_lock is dropped, and no CPU walks the
 * tree of a VM between the zap and that flush but the ones the flush
 * kicks out (hvm_mmu_zap_slot()).
 */
static void hvm_npt_free_table(void *ctx, void *va, u64 hpa)
{
	hvm_page_free(virt_to_page(va));
}

static void *hvm_npt_hpa_to_va(void *ctx, u64 hpa)
{
	return __va(hpa);
}

static const struct npt_ops hvm_npt_ops = {
	.alloc_table = hvm_npt_alloc_table,
	.free_table = hvm_npt_free_table,
	.hpa_to_va = hvm_npt_hpa_to_va,
};

int hvm_mmu_init(struct hvm_vm *vm)
{
	atomic64_set(&vm->tlb_gen, 0);
	return npt_init(&vm->npt, hvm_ops->npt_format, &hvm_npt_ops, vm, 0);
}

/*
 * Unpins a page that was mapped for the guest. A page of a writable
 * slot is marked dirty: the guest (or emulation, through the kernel
 * mapping) may have written it without the kernel knowing, and a file
 * or shmem page must then be written back, not dropped.
 */
static void hvm_unpin_mapped(struct page *page, bool writable)
{
	unpin_user_pages_dirty_lock(&page, 1, writable);
	hvm_objects_dec(HVM_OBJ_PINNED);
}

static struct hvm_memslot *hvm_find_slot(struct hvm_vm *vm, u64 gfn)
{
	struct hvm_memslot *slot;
	unsigned int i;

	for (i = 0; i < HVM_MEMSLOTS; i++) {
		slot = &vm->memslots[i];
		if (slot->npages && gfn >= slot->base_gfn &&
		    gfn - slot->base_gfn < slot->npages)
			return slot;
	}
	return NULL;
}

static void hvm_unpin_leaf(void *ctx, u64 gpa, u64 hpa, int level)
{
	unsigned long i, n = NPT_LEVEL_SIZE(level) >> PAGE_SHIFT;
	struct hvm_memslot *slot = hvm_find_slot(ctx, gpa >> PAGE_SHIFT);
	bool writable = !slot || !(slot->flags & KVM_MEM_READONLY);

	if (level == NPT_LEVEL_2M)
		hvm_objects_dec(HVM_OBJ_LARGE);
	for (i = 0; i < n; i++)
		hvm_unpin_mapped(pfn_to_page((hpa >> PAGE_SHIFT) + i), writable);
}

/* No vCPU runs any more (the last reference is gone). */
void hvm_mmu_destroy(struct hvm_vm *vm)
{
	if (!vm->npt.root)
		return;
	npt_zap_range(&vm->npt, 0, NPT_GPA_LIMIT, hvm_unpin_leaf, vm);
	npt_destroy(&vm->npt);
}

static unsigned long hvm_slot_uaddr(const struct hvm_memslot *slot, u64 gfn)
{
	return slot->userspace_addr + ((gfn - slot->base_gfn) << PAGE_SHIFT);
}

static unsigned int hvm_slot_gup_flags(const struct hvm_memslot *slot)
{
	return FOLL_LONGTERM |
	       ((slot->flags & KVM_MEM_READONLY) ? 0 : FOLL_WRITE);
}

static unsigned int hvm_slot_perms(const struct hvm_memslot *slot)
{
	return (slot->flags & KVM_MEM_READONLY) ? NPT_R | NPT_X : NPT_RWX;
}

static void hvm_unpin_pages(struct page **pages, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		unpin_user_page(pages[i]);
}

/*
 * Whether @gfn's 2 MiB frame may be one leaf: the frame lies inside the
 * slot, its user address is 2 MiB-aligned too, @page (pinned) is part of
 * a huge page (THP or hugetlbfs) and no 4 KiB table is there already.
 */
static bool hvm_may_map_2m(struct hvm_vm *vm, const struct hvm_memslot *slot,
			   u64 gfn, struct page *page)
{
	u64 base = ALIGN_DOWN(gfn, HVM_PAGES_2M);
	struct npt_walk_result walk;

	if (base < slot->base_gfn ||
	    base + HVM_PAGES_2M > slot->base_gfn + slot->npages ||
	    !IS_ALIGNED(hvm_slot_uaddr(slot, base), SZ_2M) ||
	    compound_order(compound_head(page)) < HVM_ORDER_2M)
		return false;
	switch (npt_walk(&vm->npt, base << PAGE_SHIFT, &walk)) {
	case 0:
		return walk.level == NPT_LEVEL_2M;
	case NPT_ENOENT:
		return walk.level >= NPT_LEVEL_2M;
	default:
		return false;
	}
}

/*
 * Pins the 512 pages of @gfn's frame and maps them with one 2 MiB leaf
 * if they are one aligned, physically contiguous block (a huge page may
 * be split, or migrated by FOLL_LONGTERM, after the check above). 0 when
 * mapped (or already mapped), else the caller maps 4 KiB.
 */
static int hvm_map_2m(struct hvm_vm *vm, const struct hvm_memslot *slot,
		      u64 gfn)
{
	u64 base = ALIGN_DOWN(gfn, HVM_PAGES_2M);
	struct page **pages;
	unsigned long pfn, i;
	long n;
	int r = -EAGAIN;

	pages = kvmalloc_array(HVM_PAGES_2M, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	n = pin_user_pages_fast(hvm_slot_uaddr(slot, base), HVM_PAGES_2M,
				hvm_slot_gup_flags(slot), pages);
	if (n == HVM_PAGES_2M) {
		pfn = page_to_pfn(pages[0]);
		for (i = 1; i < n && page_to_pfn(pages[i]) == pfn + i; i++)
			;
		if (i == n && IS_ALIGNED(pfn, HVM_PAGES_2M))
			r = npt_map(&vm->npt, base << PAGE_SHIFT,
				    PFN_PHYS(pfn), NPT_LEVEL_2M,
				    hvm_slot_perms(slot), NPT_MT_WB);
	}
	if (r == 0) {
		for (i = 0; i < n; i++)
			hvm_objects_inc(HVM_OBJ_PINNED);
		hvm_objects_inc(HVM_OBJ_LARGE);
	} else if (n > 0) {
		hvm_unpin_pages(pages, n);
	}
	kvfree(pages);
	return r == NPT_ALREADY ? 0 : r;
}

static int hvm_pin_and_map(struct hvm_vm *vm, struct hvm_memslot *slot,
			   u64 gfn)
{
	unsigned long uaddr = hvm_slot_uaddr(slot, gfn);
	struct page *page;
	long n;
	int r;

	n = pin_user_pages_fast(uaddr, 1, hvm_slot_gup_flags(slot), &page);
	if (n != 1) {
		pr_warn_ratelimited("guest page at gpa %#llx: its backing at %#lx cannot be pinned (unmapped, VM_IO or VM_PFNMAP)\n",
				    gfn << PAGE_SHIFT, uaddr);
		return -EFAULT;
	}
	if (hvm_may_map_2m(vm, slot, gfn, page) && !hvm_map_2m(vm, slot, gfn)) {
		/* The 2 MiB leaf holds pins of its own. */
		unpin_user_page(page);
		return 0;
	}
	r = npt_map(&vm->npt, gfn << PAGE_SHIFT, page_to_phys(page),
		    NPT_LEVEL_4K, hvm_slot_perms(slot), NPT_MT_WB);
	if (r) {
		unpin_user_page(page);
		/* Another vCPU mapped it first: nothing to do. */
		return r == NPT_ALREADY ? 0 : r;
	}
	hvm_objects_inc(HVM_OBJ_PINNED);
	return 0;
}

/*
 * A nested page fault at @gpa: 0 once the page is mapped, 1 for MMIO
 * (no slot, or a write to a read-only slot), -errno for KVM_RUN.
 */
int hvm_mmu_fault(struct hvm_vcpu *vcpu, u64 gpa, bool write)
{
	struct hvm_vm *vm = vcpu->vm;
	struct hvm_memslot *slot;
	int r = 1;

	mutex_lock(&vm->slots_lock);
	slot = hvm_find_slot(vm, gpa >> PAGE_SHIFT);
	if (slot && !(write && (slot->flags & KVM_MEM_READONLY)))
		r = hvm_pin_and_map(vm, slot, gpa >> PAGE_SHIFT);
	mutex_unlock(&vm->slots_lock);
	trace_hvm_npf(vcpu, gpa, vcpu->last_exit.info1, r);
	return r;
}

static void hvm_kick_nop(void *unused)
{
}

/*
 * Takes every vCPU of every VM out of guest mode once. A vCPU reads
 * tlb_gen with interrupts off right before entry: one that read the old
 * value is still in its interrupts-off window or in the guest, where
 * this IPI makes it exit; it sees the new value on its next entry and
 * flushes. on_each_cpu() waits for every CPU.
 */
static void hvm_flush_all_vcpus(struct hvm_vm *vm)
{
	atomic64_inc(&vm->tlb_gen);
	/* The new value is visible before any CPU takes the IPI. */
	smp_mb__after_atomic();
	on_each_cpu(hvm_kick_nop, NULL, 1);
}

struct hvm_zapped {
	struct page **pages;
	unsigned long nr, max;
};

static void hvm_record_leaf(void *ctx, u64 gpa, u64 hpa, int level)
{
	struct hvm_zapped *z = ctx;
	unsigned long i, n = NPT_LEVEL_SIZE(level) >> PAGE_SHIFT;

	if (level == NPT_LEVEL_2M)
		hvm_objects_dec(HVM_OBJ_LARGE);

	for (i = 0; i < n && z->nr < z->max; i++)
		z->pages[z->nr++] = pfn_to_page((hpa >> PAGE_SHIFT) + i);
}

/*
 * Before a slot is deleted or moved (slots_lock held): zap its mappings,
 * kick every vCPU out and flush, and only then unpin (npt/npt.h).
 */
int hvm_mmu_zap_slot(struct hvm_vm *vm, struct hvm_memslot *slot)
{
	struct hvm_zapped z = { .max = slot->npages };
	unsigned long i;
	long cleared;

	lockdep_assert_held(&vm->slots_lock);
	z.pages = kvmalloc_array(z.max, sizeof(*z.pages), GFP_KERNEL_ACCOUNT);
	if (!z.pages)
		return -ENOMEM;
	cleared = npt_zap_range(&vm->npt, slot->base_gfn << PAGE_SHIFT,
				slot->npages << PAGE_SHIFT, hvm_record_leaf, &z);
	if (cleared > 0)
		hvm_flush_all_vcpus(vm);
	for (i = 0; i < z.nr; i++)
		hvm_unpin_mapped(z.pages[i],
				 !(slot->flags & KVM_MEM_READONLY));
	kvfree(z.pages);
	return 0;
}

/* Copies between guest RAM and @buf, page by page. */
/*
 * One page's part of a copy, through the page the guest is running on
 * if @gpa is mapped: after a munmap() or a replaced backing, the
 * slot's user address may show other memory than the pinned page (no
 * MMU notifiers), and emulation must see what the guest sees. A page
 * not mapped yet is read or written through the user address, from
 * which its fault will pin it.
 */
static int hvm_guest_copy_page(struct hvm_vm *vm, struct hvm_memslot *slot,
			       u64 gpa, void *buf, size_t len, bool write)
{
	unsigned long uaddr = hvm_slot_uaddr(slot, gpa >> PAGE_SHIFT) +
			      (gpa & ~PAGE_MASK);
	struct npt_walk_result walk;
	void *va;

	if (npt_walk(&vm->npt, gpa, &walk)) {
		if (write)
			return copy_to_user((void __user *)uaddr, buf, len) ?
			       -EFAULT : 0;
		return copy_from_user(buf, (void __user *)uaddr, len) ?
		       -EFAULT : 0;
	}
	va = kmap_local_page(pfn_to_page(walk.hpa >> PAGE_SHIFT)) +
	     (gpa & ~PAGE_MASK);
	if (write)
		memcpy(va, buf, len);
	else
		memcpy(buf, va, len);
	kunmap_local(va);
	return 0;
}

static int hvm_guest_copy(struct hvm_vm *vm, u64 gpa, void *buf, size_t len,
			  bool write)
{
	struct hvm_memslot *slot;
	size_t chunk;
	int r = 0;

	mutex_lock(&vm->slots_lock);
	while (len && !r) {
		chunk = min_t(size_t, len, PAGE_SIZE - (gpa & ~PAGE_MASK));
		slot = hvm_find_slot(vm, gpa >> PAGE_SHIFT);
		if (!slot || (write && (slot->flags & KVM_MEM_READONLY))) {
			r = -EFAULT;
			break;
		}
		r = hvm_guest_copy_page(vm, slot, gpa, buf, chunk, write);
		buf += chunk;
		gpa += chunk;
		len -= chunk;
	}
	mutex_unlock(&vm->slots_lock);
	return r;
}

int hvm_read_guest(struct hvm_vm *vm, u64 gpa, void *buf, size_t len)
{
	return hvm_guest_copy(vm, gpa, buf, len, false);
}

int hvm_write_guest(struct hvm_vm *vm, u64 gpa, const void *buf, size_t len)
{
	return hvm_guest_copy(vm, gpa, (void *)buf, len, true);
}
