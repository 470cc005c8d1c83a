/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The nested page-table mapper and walker shared by both back ends (AMD
 * NPT, Intel EPT), parameterized by a struct npt_format. Pure code: table
 * pages come from the caller through struct npt_ops (in the kernel, pages
 * of the buddy allocator; in the unit tests, aligned heap memory with fake
 * physical addresses), so it is compiled unchanged into native tests.
 *
 * Locking is the caller's. The kernel glue serializes npt_map(),
 * npt_protect(), npt_zap_range(), npt_init() and npt_destroy() of one
 * tree with a per-VM lock (spinlock or mutex); npt_walk() and npt_dump()
 * need the same lock, or at least the guarantee that no table is freed
 * meanwhile. The CPUs' page walkers, though, read the tree concurrently
 * while guests run, with no lock: every entry is therefore written with a
 * single 64-bit store (npt_set_entry()), so that a walker sees the old
 * or the new entry, never half of each.
 *
 * TLB flushes are the caller's too, and so is the order of teardown. A
 * zap makes entries non-present, but other CPUs may keep using cached
 * translations (TLB) and cached non-leaf entries (paging-structure
 * caches) until the glue flushes them (INVEPT single-context, or a TLB
 * flush of the VM's ASID on every CPU). So:
 *   1. under the lock, npt_zap_range() clears the entries; its on_leaf
 *      callback only RECORDS each leaf (e.g. queues the page, or marks it
 *      in the memslot's pin array): it must not unpin or free anything;
 *      ops->free_table() likewise must only queue the table page;
 *   2. if npt_zap_range() returned > 0, the glue flushes;
 *   3. only then does it unpin the recorded pages and free the queued
 *      table pages (and may drop the lock first).
 * Releasing earlier would let a guest keep reading or writing a page the
 * host has reused, or let a stale cached non-leaf entry lead a walker
 * into a reused table page.
 */
#ifndef HVMOD_NPT_H
#define HVMOD_NPT_H

#include "npt/npt_format.h"

/*
 * Positive "success, but" codes. NPT_ALREADY: npt_map() found exactly
 * this leaf already present (two vCPUs faulted on the same page): nothing
 * was written, and the caller must drop the extra reference it took on
 * the page for this map. NPT_FLUSH: npt_protect() removed a right, and
 * the caller must flush before relying on the removal.
 */
#define NPT_ALREADY		1
#define NPT_FLUSH		2

struct npt_ops {
	/*
	 * One 4 KiB, 4 KiB-aligned page for a table; its host-physical
	 * address in *@hpa (below 2^52, 4 KiB-aligned). NULL if none.
	 * The page need not be zeroed: npt clears it before linking it.
	 */
	void *(*alloc_table)(void *ctx, u64 *hpa);
	/*
	 * Give back a table page npt no longer links. Caches of other CPUs
	 * may still point to it: the kernel glue must defer the real free
	 * until after its next flush (see above).
	 */
	void (*free_table)(void *ctx, void *va, u64 hpa);
	/* Virtual address of a table page npt linked (kernel: __va()). */
	void *(*hpa_to_va)(void *ctx, u64 hpa);
};

struct npt {
	const struct npt_format *fmt;
	const struct npt_ops *ops;
	void *ctx;
	void *root;
	u64 root_hpa;		/* for the EPTP or the VMCB's N_CR3 */
	unsigned int nr_tables;	/* table pages allocated, root included */
	unsigned int flags;	/* NPT_F_* */
};

struct npt_walk_result {
	/* Level of the leaf, or of the first non-present entry (4 .. 1). */
	int level;
	bool present;
	u64 pte;		/* that entry, as read */
	u64 gpa_base;		/* first gpa of the leaf (present only) */
	u64 hpa;		/* what the walked gpa translates to */
	unsigned int perms;	/* NPT_R/W/X */
	unsigned int memtype;	/* NPT_MT_*, maybe | NPT_MT_IPAT */
	bool ad_valid;		/* accessed/dirty mean something (see fmt) */
	bool accessed;
	bool dirty;
};

/*
 * One entry, written or read with a single untorn 64-bit access the
 * compiler may neither split, merge, elide nor reorder with the other
 * entry accesses: the CPU's page walker reads entries concurrently with
 * these writes and must never see a torn entry, and a new table must be
 * seen cleared before the entry that links it (x86 stores are not
 * reordered with other stores; these accesses keep the compiler from
 * doing so). In the kernel these are WRITE_ONCE()/READ_ONCE(), which
 * are volatile 64-bit accesses (asm-generic/rwonce.h). Natively they are
 * GCC's atomic built-ins, release/acquire: also one aligned "mov" on
 * x86-64, and at least as strongly ordered; a literal volatile cast here
 * would be flagged by checkpatch (VOLATILE) in this kernel source file.
 */
static inline void npt_set_entry(u64 *ptep, u64 pte)
{
#ifdef __KERNEL__
	WRITE_ONCE(*ptep, pte);
#else
	__atomic_store_n(ptep, pte, __ATOMIC_RELEASE);
#endif
}

static inline u64 npt_get_entry(const u64 *ptep)
{
#ifdef __KERNEL__
	return READ_ONCE(*ptep);
#else
	return __atomic_load_n(ptep, __ATOMIC_ACQUIRE);
#endif
}

/* An empty tree (just a root). @flags: NPT_F_*. 0 or NPT_ENOMEM. */
int npt_init(struct npt *npt, const struct npt_format *fmt,
	     const struct npt_ops *ops, void *ctx, unsigned int flags);
/*
 * Frees every table, root included, without reporting leaves: zap the
 * whole range first (npt_zap_range(npt, 0, NPT_GPA_LIMIT, ...)) if their
 * pages must be released. No CPU may use the tree any more.
 */
void npt_destroy(struct npt *npt);

/*
 * Maps [@gpa, @gpa + size of @level) to @hpa: @level 1 = 4 KiB, 2 = 2 MiB,
 * @perms NPT_R/W/X, @memtype NPT_MT_* (| NPT_MT_IPAT). Returns:
 *   0            mapped (a new mapping needs no flush);
 *   NPT_ALREADY  an identical leaf (same level, address, rights, type,
 *                whatever its A/D flags) is there: nothing changed;
 *   NPT_EEXIST   something else is there: another leaf at this level, a
 *                larger leaf covering @gpa, or (2 MiB map) a 4 KiB table:
 *                the caller zaps first, or upgrades with npt_protect();
 *   NPT_EINVAL   misaligned @gpa/@hpa, @gpa >= 2^48 (a 4-level walk
 *                translates 48 bits), @hpa >= 2^52, bad level, rights or
 *                type the format cannot express (e.g. EPT W without R);
 *   NPT_ENOMEM   no table page. Tables already linked on the way stay:
 *                they are empty and valid, the next map reuses them and
 *                a zap over them frees them (unlinking them here would
 *                need a flush: a CPU may have cached the entry).
 */
int npt_map(struct npt *npt, u64 gpa, u64 hpa, int level, unsigned int perms,
	    unsigned int memtype);

/*
 * Sets the rights of the leaf mapping @gpa (the whole leaf: 4 KiB or
 * 2 MiB) to @perms, keeping its address, type and A/D flags: the
 * "read fault, then write fault" path upgrades R(X) to RW(X). Returns 0
 * if no right was removed (no flush needed: a fault on a stale, more
 * restrictive TLB entry makes the CPU drop it and walk again), NPT_FLUSH
 * if one was, NPT_ENOENT if @gpa is not mapped, NPT_EINVAL for rights the
 * format refuses. The read-modify-write may lose an A/D flag the CPU sets
 * in between: hvmod does not track dirty pages through them (yet).
 */
int npt_protect(struct npt *npt, u64 gpa, unsigned int perms);

/* 0 and *@res if @gpa is mapped, NPT_ENOENT (with res->level), NPT_EINVAL. */
int npt_walk(const struct npt *npt, u64 gpa, struct npt_walk_result *res);

/*
 * Clears every leaf that maps any byte of [@gpa, @gpa + @size) (both
 * 4 KiB-aligned) and frees every table left empty (never the root).
 * A 2 MiB leaf the range cuts is cleared WHOLE and reported whole: the
 * caller remaps the part it wanted to keep. @on_leaf (may be NULL) gets
 * each cleared leaf's first gpa, hpa and level, in increasing gpa order,
 * right after the entry is cleared and before any flush: it must only
 * record it (see the order at the top of this file). Returns the number
 * of entries cleared (leaves and links to freed tables): > 0 means the
 * caller must flush before releasing anything; or NPT_EINVAL.
 */
long npt_zap_range(struct npt *npt, u64 gpa, u64 size,
		   void (*on_leaf)(void *ctx, u64 gpa, u64 hpa, int level),
		   void *ctx);

/* Prints the tree, one line per present entry, through @print. */
void npt_dump(const struct npt *npt,
	      void (*print)(void *ctx, const char *line), void *ctx);

#endif /* HVMOD_NPT_H */
