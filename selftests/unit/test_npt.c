// SPDX-License-Identifier: GPL-2.0-only
/*
 * Native tests of the nested page-table formats and mapper (npt/): exact
 * entry bits of both formats, map/walk/protect/zap/dump on both, the
 * refusals, and a seeded randomized differential test against a flat
 * reference model, with table-leak accounting through a fake allocator
 * (aligned heap pages at fake host-physical addresses near 2^52).
 *
 * Built twice by npt.mk: plain, and with ASan+UBSan (NPT_TEST_PREFIX
 * "npt_asan.") so both sets of RESULT lines are distinct.
 */
#include <stdlib.h>
#include "selftests/unit/unit.h"
#include "npt/npt.h"

#ifndef NPT_TEST_PREFIX
#define NPT_TEST_PREFIX "npt."
#endif

/* UNIT_CHECK with the prefix; @cond is printed as written on failure. */
#define check(name, cond)						\
	do {								\
		char full_[128];					\
									\
		snprintf(full_, sizeof(full_), "%s%s", NPT_TEST_PREFIX,	\
			 name);						\
		UNIT_CHECK(full_, cond);				\
	} while (0)

/* The same, named "<prefix><format>.<name>". */
#define checkf(cond, fmt_name, name)					\
	do {								\
		char full_[128];					\
									\
		snprintf(full_, sizeof(full_), "%s%s.%s",		\
			 NPT_TEST_PREFIX, fmt_name, name);		\
		UNIT_CHECK(full_, cond);				\
	} while (0)

/* ---- fake table allocator ---------------------------------------- */

#define FAKE_HPA_BASE	0xfff0000000000ULL	/* bits 51:40 set */
#define MAX_SLOTS	4096

struct talloc {
	void *va[MAX_SLOTS];
	unsigned char state[MAX_SLOTS];	/* 0 free, 1 live, 2 pending */
	unsigned int free_stack[MAX_SLOTS];
	unsigned int nr_free, nr_slots;
	unsigned int live, pending;
	int fail_after;		/* < 0: never fail; else allocations left */
	bool defer;		/* free_table only queues until flush */
	unsigned int errors;	/* bad hpa/va seen */
};

static void talloc_init(struct talloc *a)
{
	memset(a, 0, sizeof(*a));
	a->fail_after = -1;
}

static void *t_alloc(void *ctx, u64 *hpa)
{
	struct talloc *a = ctx;
	unsigned int slot;
	void *va;

	if (a->fail_after == 0)
		return NULL;
	if (a->fail_after > 0)
		a->fail_after--;
	if (a->nr_free)
		slot = a->free_stack[--a->nr_free];
	else if (a->nr_slots < MAX_SLOTS)
		slot = a->nr_slots++;
	else
		return NULL;
	va = aligned_alloc(4096, 4096);
	if (!va)
		abort();
	memset(va, 0xa5, 4096);		/* npt must clear it */
	a->va[slot] = va;
	a->state[slot] = 1;
	a->live++;
	*hpa = FAKE_HPA_BASE + ((u64)slot << 12);
	return va;
}

static long t_slot(struct talloc *a, u64 hpa)
{
	u64 s;

	if (hpa < FAKE_HPA_BASE || (hpa & 0xfff))
		return -1;
	s = (hpa - FAKE_HPA_BASE) >> 12;
	if (s >= a->nr_slots)
		return -1;
	return (long)s;
}

static void t_release(struct talloc *a, unsigned int slot)
{
	free(a->va[slot]);
	a->va[slot] = NULL;
	a->state[slot] = 0;
	a->free_stack[a->nr_free++] = slot;
}

static void t_free(void *ctx, void *va, u64 hpa)
{
	struct talloc *a = ctx;
	long slot = t_slot(a, hpa);

	if (slot < 0 || a->state[slot] != 1 || a->va[slot] != va) {
		a->errors++;
		return;
	}
	a->live--;
	if (a->defer) {
		a->state[slot] = 2;
		a->pending++;
		return;
	}
	t_release(a, slot);
}

/* The "after the TLB flush" step of a deferring kernel glue. */
static void talloc_flush(struct talloc *a)
{
	unsigned int s;

	for (s = 0; s < a->nr_slots; s++)
		if (a->state[s] == 2)
			t_release(a, s);
	a->pending = 0;
}

static void *t_va(void *ctx, u64 hpa)
{
	struct talloc *a = ctx;
	long slot = t_slot(a, hpa);

	/* A link to a freed or unknown page is a bug: stop right there. */
	if (slot < 0 || a->state[slot] != 1) {
		fprintf(stderr, "npt: hpa_to_va(%#llx): not a live table\n",
			hpa);
		abort();
	}
	return a->va[slot];
}

static const struct npt_ops t_ops = {
	.alloc_table = t_alloc,
	.free_table = t_free,
	.hpa_to_va = t_va,
};

/* ---- helpers ------------------------------------------------------ */

struct leaf_rec {
	u64 gpa, hpa;
	int level;
};

struct leaf_log {
	struct leaf_rec *v;
	size_t n, cap;
};

static void log_leaf(void *ctx, u64 gpa, u64 hpa, int level)
{
	struct leaf_log *log = ctx;

	if (log->n == log->cap) {
		log->cap = log->cap ? 2 * log->cap : 64;
		log->v = realloc(log->v, log->cap * sizeof(*log->v));
		if (!log->v)
			abort();
	}
	log->v[log->n++] = (struct leaf_rec){ gpa, hpa, level };
}

/* The entry mapping @gpa, found by hand (to play the CPU setting A/D). */
static u64 *leaf_ptep(struct npt *npt, u64 gpa)
{
	u64 *table = npt->root;
	int l;

	for (l = NPT_LEVELS; l >= 1; l--) {
		u64 *p = &table[NPT_INDEX(gpa, l)];

		if (!npt_pte_present(npt->fmt, *p))
			return NULL;
		if (npt_pte_leaf(npt->fmt, *p, l))
			return p;
		table = t_va(npt->ctx, npt_pte_addr(npt->fmt, *p, l));
	}
	return NULL;
}

/* Tables reachable from the root (the allocator must agree: no leak). */
static unsigned int count_tables(const struct npt *npt, u64 *table, int l)
{
	unsigned int n = 1, i;

	if (l == 1)
		return 1;
	for (i = 0; i < NPT_ENTRIES; i++) {
		u64 e = table[i];

		if (npt_pte_present(npt->fmt, e) &&
		    !npt_pte_leaf(npt->fmt, e, l))
			n += count_tables(npt, t_va(npt->ctx,
					  npt_pte_addr(npt->fmt, e, l)), l - 1);
	}
	return n;
}

struct dump_buf {
	char text[16384];
	size_t len;
	unsigned int lines;
};

static void dump_line(void *ctx, const char *line)
{
	struct dump_buf *d = ctx;
	int n = snprintf(d->text + d->len, sizeof(d->text) - d->len, "%s\n",
			 line);

	if (n > 0 && d->len + n < sizeof(d->text))
		d->len += n;
	d->lines++;
}

static u64 rng_state;

static u64 rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static u64 rnd_below(u64 n)
{
	return rnd() % n;
}

/* ---- entry formats, bit-exact ------------------------------------- */

static u64 leaf(const struct npt_format *f, u64 hpa, int level,
		unsigned int perms, unsigned int mt, unsigned int flags,
		int *ret)
{
	u64 pte = 0xdeadbeef;

	*ret = npt_make_leaf(f, &pte, hpa, level, perms, mt, flags);
	return pte;
}

static void test_ept_format(void)
{
	const struct npt_format *f = &npt_format_ept;
	unsigned int wb = NPT_MT_WB | NPT_MT_IPAT;
	u64 e, top = 0xffffffffff000ULL;
	int r, ok;

	e = leaf(f, 0x12345000, 1, NPT_RWX, wb, 0, &r);
	check("ept.leaf_4k_wb_rwx", r == 0 && e == 0x12345077);
	e = leaf(f, 0x12345000, 1, NPT_RWX, NPT_MT_WB, 0, &r);
	check("ept.leaf_4k_wb_no_ipat", r == 0 && e == 0x12345037);
	e = leaf(f, 0x12345000, 1, NPT_R, NPT_MT_UC, 0, &r);
	check("ept.leaf_4k_uc_r", r == 0 && e == 0x12345001);
	e = leaf(f, 0x40000000, 2, NPT_R | NPT_W, wb, 0, &r);
	check("ept.leaf_2m_bit7", r == 0 && e == 0x400000f3 &&
	      (e & BIT_ULL(7)));
	e = leaf(f, 0x12345000, 1, NPT_RWX, wb, 0, &r);
	check("ept.leaf_4k_no_bit7", !(e & BIT_ULL(7)));
	check("ept.table", npt_make_table(f, 0x5000) == 0x5007);
	check("ept.table_high", npt_make_table(f, top) == (top | 7));
	e = leaf(f, top, 1, NPT_R | NPT_X, NPT_MT_WT, 0, &r);
	check("ept.leaf_addr_51_12", r == 0 && e == (top | 0x25) &&
	      npt_pte_addr(f, e, 1) == top);

	/* Misconfigurations (SDM 29.3.3.1) are refused. */
	leaf(f, 0x1000, 1, NPT_W, wb, NPT_F_EXEC_ONLY, &r);
	check("ept.refuse_w_without_r", r == NPT_EINVAL);
	leaf(f, 0x1000, 1, NPT_W | NPT_X, wb, NPT_F_EXEC_ONLY, &r);
	check("ept.refuse_wx_without_r", r == NPT_EINVAL);
	leaf(f, 0x1000, 1, NPT_X, wb, 0, &r);
	check("ept.refuse_x_only_without_cap", r == NPT_EINVAL);
	e = leaf(f, 0x1000, 1, NPT_X, wb, NPT_F_EXEC_ONLY, &r);
	check("ept.x_only_with_cap", r == 0 && e == 0x1074);
	leaf(f, 0x1000, 1, 0, wb, 0, &r);
	check("ept.refuse_no_rights", r == NPT_EINVAL);
	ok = 1;
	leaf(f, 0x1000, 1, NPT_R, 2, 0, &r);
	ok &= r == NPT_EINVAL;
	leaf(f, 0x1000, 1, NPT_R, 3, 0, &r);
	ok &= r == NPT_EINVAL;
	leaf(f, 0x1000, 1, NPT_R, 7, 0, &r);
	ok &= r == NPT_EINVAL;
	check("ept.refuse_reserved_memtypes", ok);
	leaf(f, 0x201000, 2, NPT_R, wb, 0, &r);
	check("ept.refuse_misaligned_2m", r == NPT_EINVAL);
	leaf(f, 1ULL << 52, 1, NPT_R, wb, 0, &r);
	check("ept.refuse_hpa_52", r == NPT_EINVAL);
	leaf(f, 0x40000000, 3, NPT_R, wb, 0, &r);
	check("ept.refuse_level_3", r == NPT_EINVAL);
	leaf(f, 0x1000, 1, NPT_R | BIT(5), wb, 0, &r);
	check("ept.refuse_unknown_perm", r == NPT_EINVAL);

	/* Decoding. */
	e = 0x400003f3;			/* 2M RW WB IPAT A D */
	check("ept.decode_2m", npt_pte_present(f, e) &&
	      npt_pte_leaf(f, e, 2) && npt_pte_large(f, e) &&
	      npt_pte_perms(f, e) == (NPT_R | NPT_W) &&
	      npt_pte_memtype(f, e, 2) == wb &&
	      npt_pte_addr(f, e, 2) == 0x40000000 &&
	      npt_pte_accessed(f, e) && npt_pte_dirty(f, e));
	check("ept.decode_table_not_leaf", !npt_pte_leaf(f, 0x5007, 2) &&
	      !npt_pte_leaf(f, 0x5007, 4));
	check("ept.decode_pte_bit7_ignored",
	      npt_pte_leaf(f, 0x12345000 | 0x80 | 1, 1) &&
	      npt_pte_addr(f, 0x12345081, 1) == 0x12345000);
	check("ept.not_present", !npt_pte_present(f, 0x12345000 | 0x70) &&
	      npt_pte_present(f, 4));
	check("ept.ad_only_with_flag", !npt_format_has_ad(f, 0) &&
	      npt_format_has_ad(f, NPT_F_AD));
}

static void test_amd_format(void)
{
	const struct npt_format *f = &npt_format_amd;
	u64 nx = BIT_ULL(63), e, top = 0xffffffffff000ULL;
	int r;

	e = leaf(f, 0x12345000, 1, NPT_RWX, NPT_MT_WB, 0, &r);
	check("amd.leaf_4k_rwx", r == 0 && e == 0x12345007);
	e = leaf(f, 0x12345000, 1, NPT_R | NPT_W, NPT_MT_WB, 0, &r);
	check("amd.leaf_4k_rw_nx", r == 0 && e == (nx | 0x12345007));
	e = leaf(f, 0x12345000, 1, NPT_R, NPT_MT_WB, 0, &r);
	check("amd.leaf_4k_r_nx_us", r == 0 && e == (nx | 0x12345005));
	e = leaf(f, 0x12345000, 1, NPT_R | NPT_X, NPT_MT_WB, 0, &r);
	check("amd.leaf_4k_rx", r == 0 && e == 0x12345005);
	e = leaf(f, 0x12345000, 1, NPT_RWX, NPT_MT_UC, 0, &r);
	check("amd.leaf_4k_uc", r == 0 && e == 0x1234501f);
	e = leaf(f, 0x12345000, 1, NPT_RWX, NPT_MT_WB | NPT_MT_IPAT, 0, &r);
	check("amd.ipat_ignored", r == 0 && e == 0x12345007);
	e = leaf(f, 0x40000000, 2, NPT_RWX, NPT_MT_WB, 0, &r);
	check("amd.leaf_2m_ps", r == 0 && e == 0x40000087);
	check("amd.table_p_rw_us", npt_make_table(f, 0x5000) == 0x5007);
	e = leaf(f, top, 1, NPT_R | NPT_W, NPT_MT_WB, 0, &r);
	check("amd.leaf_addr_51_12", r == 0 && e == (nx | top | 7) &&
	      npt_pte_addr(f, e, 1) == top);

	leaf(f, 0x1000, 1, NPT_W, NPT_MT_WB, 0, &r);
	check("amd.refuse_w_without_r", r == NPT_EINVAL);
	leaf(f, 0x1000, 1, NPT_X, NPT_MT_WB, NPT_F_EXEC_ONLY, &r);
	check("amd.refuse_x_only", r == NPT_EINVAL);
	leaf(f, 0x1000, 1, NPT_R, NPT_MT_WC, 0, &r);
	check("amd.refuse_wc", r == NPT_EINVAL);

	/* A 2 MiB leaf with the PAT bit (12): the address starts at 21. */
	e = 0x40000000 | BIT_ULL(12) | 0x87;
	check("amd.decode_2m_pat_bit", npt_pte_leaf(f, e, 2) &&
	      npt_pte_addr(f, e, 2) == 0x40000000 &&
	      npt_pte_memtype(f, e, 2) == NPT_MT_UNKNOWN);
	e = nx | 0x12345000 | 0x67;	/* RW, A, D */
	check("amd.decode_4k", npt_pte_perms(f, e) == (NPT_R | NPT_W) &&
	      npt_pte_memtype(f, e, 1) == NPT_MT_WB &&
	      npt_pte_accessed(f, e) && npt_pte_dirty(f, e));
	check("amd.not_present", !npt_pte_present(f, 0x12345006) &&
	      npt_format_has_ad(f, 0));
}

/* ---- map/walk/protect/zap on one format --------------------------- */

static void test_ops(const struct npt_format *f, unsigned int flags)
{
	const char *n = f->name;
	unsigned int wb = NPT_MT_WB | NPT_MT_IPAT;
	unsigned int want_mt = f == &npt_format_ept ? wb : NPT_MT_WB;
	struct npt_walk_result w;
	struct leaf_log log = { 0 };
	struct dump_buf *d;
	struct talloc *a;
	struct npt npt;
	u64 *p, h4 = 0xabc000, h2 = 0x7fe00000;
	int r, ok;

	a = malloc(sizeof(*a));
	d = malloc(sizeof(*d));
	if (!a || !d)
		abort();
	talloc_init(a);

	a->fail_after = 0;
	checkf(npt_init(&npt, f, &t_ops, a, flags) == NPT_ENOMEM, n,
	       "init_enomem");
	a->fail_after = -1;
	r = npt_init(&npt, f, &t_ops, a, flags);
	checkf(r == 0 && npt.nr_tables == 1 && a->live == 1 &&
	       npt.root_hpa == FAKE_HPA_BASE + 0x1000 * (a->nr_slots - 1), n,
	       "init");

	r = npt_map(&npt, 0x1000, h4, 1, NPT_RWX, wb);
	checkf(r == 0 && npt.nr_tables == 4 && a->live == 4, n, "map_4k");
	r = npt_walk(&npt, 0x1234, &w);
	checkf(r == 0 && w.present && w.level == 1 && w.hpa == h4 + 0x234 &&
	       w.gpa_base == 0x1000 && w.perms == NPT_RWX &&
	       w.memtype == want_mt, n, "walk_4k");
	r = npt_walk(&npt, 0x2000, &w);
	checkf(r == NPT_ENOENT && !w.present && w.level == 1, n,
	       "walk_absent_l1");
	r = npt_walk(&npt, 0x200000, &w);
	checkf(r == NPT_ENOENT && w.level == 2, n, "walk_absent_l2");
	r = npt_walk(&npt, 1ULL << 40, &w);
	checkf(r == NPT_ENOENT && w.level == 4, n, "walk_absent_l4");
	checkf(npt_walk(&npt, NPT_GPA_LIMIT, &w) == NPT_EINVAL, n,
	       "walk_beyond_48");

	r = npt_map(&npt, 0x40000000, h2, 2, NPT_R | NPT_W, wb);
	checkf(r == 0 && npt.nr_tables == 5, n, "map_2m");
	r = npt_walk(&npt, 0x40123456, &w);
	checkf(r == 0 && w.level == 2 && w.hpa == h2 + 0x123456 &&
	       w.gpa_base == 0x40000000 && w.perms == (NPT_R | NPT_W) &&
	       (w.pte & f->large_mask), n, "walk_2m");

	/* Refusals. */
	checkf(npt_map(&npt, 0x40001000, h4, 1, NPT_RWX, wb) == NPT_EEXIST &&
	       npt.nr_tables == 5, n, "refuse_4k_in_2m");
	checkf(npt_map(&npt, 0, h2, 2, NPT_RWX, wb) == NPT_EEXIST, n,
	       "refuse_2m_over_table");
	checkf(npt_map(&npt, 0x1000, h4 + 0x1000, 1, NPT_RWX, wb) ==
	       NPT_EEXIST, n, "refuse_other_leaf");
	checkf(npt_map(&npt, 0x1000, h4, 1, NPT_R, wb) == NPT_EEXIST, n,
	       "refuse_other_perms");
	checkf(npt_map(&npt, 0x40000000, h2 + 0x200000, 2, NPT_R | NPT_W,
		       wb) == NPT_EEXIST, n, "refuse_other_2m");
	ok = npt_map(&npt, 0x1800, h4, 1, NPT_R, wb) == NPT_EINVAL &&
	     npt_map(&npt, 0x201000, h2, 2, NPT_R, wb) == NPT_EINVAL &&
	     npt_map(&npt, 0x5000, h4 + 8, 1, NPT_R, wb) == NPT_EINVAL &&
	     npt_map(&npt, 0x600000, h4, 2, NPT_R, wb) == NPT_EINVAL;
	checkf(ok, n, "refuse_misaligned");
	ok = npt_map(&npt, NPT_GPA_LIMIT, h4, 1, NPT_R, wb) == NPT_EINVAL &&
	     npt_map(&npt, 1ULL << 52, h4, 1, NPT_R, wb) == NPT_EINVAL &&
	     npt_map(&npt, 0x5000, 1ULL << 52, 1, NPT_R, wb) == NPT_EINVAL;
	checkf(ok, n, "refuse_too_wide");
	checkf(npt_map(&npt, 0, 0, 3, NPT_R, wb) == NPT_EINVAL &&
	       npt_map(&npt, 0x5000, h4, 0, NPT_R, wb) == NPT_EINVAL, n,
	       "refuse_level");
	checkf(npt_map(&npt, 0x5000, h4, 1, NPT_W, wb) == NPT_EINVAL &&
	       npt.nr_tables == 5, n, "refuse_w_without_r");
	checkf(npt_walk(&npt, 0x1800, &w) == 0 && w.hpa == h4 + 0x800 &&
	       npt_walk(&npt, 0x5000, &w) == NPT_ENOENT, n,
	       "refusals_changed_nothing");

	/* Idempotent: the second vCPU's identical map changes nothing. */
	checkf(npt_map(&npt, 0x1000, h4, 1, NPT_RWX, wb) == NPT_ALREADY &&
	       npt_map(&npt, 0x40000000, h2, 2, NPT_R | NPT_W, wb) ==
	       NPT_ALREADY && npt.nr_tables == 5, n, "idempotent_map");
	/* ... even after the CPU set A and D. */
	p = leaf_ptep(&npt, 0x1000);
	*p |= f->accessed_mask | f->dirty_mask;
	r = npt_map(&npt, 0x1000, h4, 1, NPT_RWX, wb);
	npt_walk(&npt, 0x1000, &w);
	checkf(r == NPT_ALREADY && w.ad_valid && w.accessed && w.dirty, n,
	       "idempotent_map_with_ad");

	/* Read fault then write fault: protect upgrades, keeps A/D. */
	checkf(npt_map(&npt, 0x3000, h4 + 0x3000, 1, NPT_R, wb) == 0, n,
	       "map_read_only");
	p = leaf_ptep(&npt, 0x3000);
	*p |= f->accessed_mask;
	r = npt_protect(&npt, 0x3000, NPT_R | NPT_W);
	npt_walk(&npt, 0x3000, &w);
	checkf(r == 0 && w.perms == (NPT_R | NPT_W) && w.hpa == h4 + 0x3000 &&
	       w.memtype == want_mt && (w.pte & f->accessed_mask), n,
	       "protect_upgrade");
	checkf(npt_protect(&npt, 0x3000, NPT_R | NPT_W) == 0, n,
	       "protect_same");
	checkf(npt_protect(&npt, 0x3000, NPT_R) == NPT_FLUSH &&
	       npt_walk(&npt, 0x3000, &w) == 0 && w.perms == NPT_R, n,
	       "protect_downgrade_flush");
	checkf(npt_protect(&npt, 0x3000, NPT_W) == NPT_EINVAL &&
	       npt_walk(&npt, 0x3000, &w) == 0 && w.perms == NPT_R, n,
	       "protect_refuse_w_without_r");
	checkf(npt_protect(&npt, 0x40100000, NPT_RWX) == 0 &&
	       npt_walk(&npt, 0x40000000, &w) == 0 && w.perms == NPT_RWX &&
	       w.level == 2 && w.hpa == h2, n, "protect_2m");
	checkf(npt_protect(&npt, 0x9000, NPT_RWX) == NPT_ENOENT &&
	       npt_protect(&npt, 1ULL << 45, NPT_RWX) == NPT_ENOENT &&
	       npt_protect(&npt, NPT_GPA_LIMIT, NPT_RWX) == NPT_EINVAL, n,
	       "protect_absent");

	/* Dump. */
	d->len = 0;
	d->lines = 0;
	d->text[0] = 0;
	npt_dump(&npt, dump_line, d);
	/* header, L4[0], L3[0], L2[0], 2 L1 leaves, L3[1], its 2M leaf */
	checkf(d->lines == 8 && unit_contains(d->text, f->name) &&
	       unit_contains(d->text, "5 tables") &&
	       unit_contains(d->text, "4K -> 0xabc000 rwx") &&
	       unit_contains(d->text, "2M -> 0x7fe00000 rwx") &&
	       unit_contains(d->text, "      L1[  3]"), n, "dump");

	/* Zap a 4 KiB leaf: reported, its table stays (0x3000 is left). */
	r = npt_zap_range(&npt, 0x1000, 0x1000, log_leaf, &log);
	checkf(r == 1 && log.n == 1 && log.v[0].gpa == 0x1000 &&
	       log.v[0].hpa == h4 && log.v[0].level == 1 &&
	       npt.nr_tables == 5 && npt_walk(&npt, 0x1000, &w) == NPT_ENOENT,
	       n, "zap_4k");
	/* Zap cutting the 2 MiB leaf: cleared and reported whole. */
	log.n = 0;
	r = npt_zap_range(&npt, 0x40100000, 0x1000, log_leaf, &log);
	checkf(r == 2 && log.n == 1 && log.v[0].gpa == 0x40000000 &&
	       log.v[0].hpa == h2 && log.v[0].level == 2 &&
	       npt.nr_tables == 4 && a->live == 4 &&
	       npt_walk(&npt, 0x40000000, &w) == NPT_ENOENT, n,
	       "zap_cuts_2m");
	checkf(npt_zap_range(&npt, 0x1001, 0x1000, NULL, NULL) == NPT_EINVAL &&
	       npt_zap_range(&npt, 0, 0x800, NULL, NULL) == NPT_EINVAL &&
	       npt_zap_range(&npt, 0x1000, NPT_GPA_LIMIT, NULL, NULL) ==
	       NPT_EINVAL && npt_zap_range(&npt, 0, 0, NULL, NULL) == 0, n,
	       "zap_refuse");
	/* Empty ranges change nothing and need no flush. */
	checkf(npt_zap_range(&npt, 0x200000, 0x200000, NULL, NULL) == 0 &&
	       npt.nr_tables == 4, n, "zap_nothing");
	/* The last leaf: all its tables go, the root stays. */
	log.n = 0;
	r = npt_zap_range(&npt, 0, NPT_GPA_LIMIT, log_leaf, &log);
	checkf(r == 4 && log.n == 1 && log.v[0].gpa == 0x3000 &&
	       npt.nr_tables == 1 && a->live == 1, n, "zap_frees_tables");

	/* ENOMEM leaves valid empty tables; the next map reuses them. */
	a->fail_after = 1;
	r = npt_map(&npt, 0x123456000, h4, 1, NPT_R, wb);
	checkf(r == NPT_ENOMEM && npt.nr_tables == 2 && a->live == 2 &&
	       npt_walk(&npt, 0x123456000, &w) == NPT_ENOENT && w.level == 3,
	       n, "map_enomem");
	a->fail_after = -1;
	r = npt_map(&npt, 0x123456000, h4, 1, NPT_R, wb);
	checkf(r == 0 && npt.nr_tables == 4, n, "map_after_enomem");
	a->fail_after = 0;
	r = npt_map(&npt, 0x8000000000ULL, h4, 1, NPT_R, wb);
	a->fail_after = -1;
	checkf(r == NPT_ENOMEM && npt.nr_tables == 4, n, "map_enomem_root");
	a->fail_after = 1;
	npt_map(&npt, 0x8000000000ULL, h4, 1, NPT_R, wb);
	a->fail_after = -1;
	/* A zap over the empty leftover frees it (and says flush). */
	r = npt_zap_range(&npt, 0x8000000000ULL, 0x1000, NULL, NULL);
	checkf(r == 1 && npt.nr_tables == 4 && a->live == 4, n,
	       "zap_frees_leftover");

	/* Deferred release: leaves recorded, tables queued, then flush. */
	log.n = 0;
	a->defer = true;
	npt_map(&npt, 0x123457000, h4 + 0x1000, 1, NPT_R, wb);
	npt_map(&npt, 0x200000, h2, 2, NPT_R, wb);
	r = npt_zap_range(&npt, 0, NPT_GPA_LIMIT, log_leaf, &log);
	ok = r == 7 && log.n == 3 && a->pending == 4 && a->live == 1 &&
	     log.v[0].gpa == 0x200000 && log.v[1].gpa == 0x123456000 &&
	     log.v[2].gpa == 0x123457000;
	talloc_flush(a);
	a->defer = false;
	checkf(ok && a->pending == 0 && npt.nr_tables == 1, n,
	       "zap_deferred_release");

	/* Destroy frees every table, even with leaves still mapped. */
	npt_map(&npt, 0x1000, h4, 1, NPT_R, wb);
	npt_map(&npt, 0xffffffe00000ULL, h2, 2, NPT_R, wb);
	npt_destroy(&npt);
	checkf(a->live == 0 && npt.nr_tables == 0 && !npt.root &&
	       a->errors == 0, n, "destroy_no_leak");

	free(log.v);
	free(d);
	free(a);
}

/* ---- randomized differential test --------------------------------- */

#define REGIONS		4
#define REGION_PAGES	2048		/* 8 MiB: four 2 MiB blocks */
#define NR_PAGES	(REGIONS * REGION_PAGES)
#define NR_BLOCKS	(NR_PAGES / 512)
#define MAX_KEYS	64

/* In gpa order; region 1 straddles a 1 GiB boundary, region 3 ends at
 * the top of the 48-bit space.
 */
static const u64 region_base[REGIONS] = {
	0x0, 0xbfc00000ULL, 0x8000000000ULL, 0xffffff800000ULL,
};

struct mpage {
	u8 level;		/* 0: unmapped, 1, 2 */
	u8 perms;
	u8 mt;			/* as npt_walk() decodes it */
	u64 hpa;		/* of this 4 KiB page */
};

struct model {
	struct mpage page[NR_PAGES];
	u64 key[MAX_KEYS];	/* live tables: level << 56 | gpa prefix */
	unsigned int nr_keys;
};

struct rctx {
	const struct npt_format *f;
	unsigned int flags;
	struct npt npt;
	struct talloc *a;
	struct model *m;
	struct leaf_log log;
	unsigned long ops, failures;
	unsigned long n_ok, n_already, n_eexist, n_enomem, n_zap, n_prot;
};

static u64 page_gpa(unsigned int p)
{
	return region_base[p / REGION_PAGES] +
	       (u64)(p % REGION_PAGES) * NPT_PAGE_SIZE;
}

/* Key of the table of @level holding the entry for @gpa. */
static u64 table_key(int level, u64 gpa)
{
	u64 prefix = level == NPT_LEVELS ? 0 :
		     gpa >> NPT_LEVEL_SHIFT(level + 1);

	return (u64)level << 56 | prefix;
}

static int key_find(const struct model *m, u64 key)
{
	unsigned int i;

	for (i = 0; i < m->nr_keys; i++)
		if (m->key[i] == key)
			return i;
	return -1;
}

static void key_add(struct model *m, u64 key)
{
	if (key_find(m, key) < 0) {
		if (m->nr_keys == MAX_KEYS)
			abort();
		m->key[m->nr_keys++] = key;
	}
}

static void fail(struct rctx *c, const char *what, u64 gpa, long got,
		 long want)
{
	if (c->failures++ < 10)
		printf("#   %s op %lu: %s gpa %#llx: got %ld, want %ld\n",
		       c->f->name, c->ops, what, gpa, got, want);
}

static unsigned int norm_mt(const struct rctx *c, unsigned int mt)
{
	return c->f == &npt_format_amd ? mt & NPT_MT_TYPE_MASK : mt;
}

static void rnd_rights(const struct rctx *c, unsigned int *perms,
		       unsigned int *mt)
{
	static const unsigned int ept_perms[] = {
		NPT_R, NPT_R | NPT_W, NPT_R | NPT_X, NPT_RWX, NPT_X,
	};
	static const unsigned int ept_mts[] = {
		NPT_MT_WB | NPT_MT_IPAT, NPT_MT_WB, NPT_MT_UC, NPT_MT_WC,
		NPT_MT_WT, NPT_MT_WP, NPT_MT_UC | NPT_MT_IPAT,
	};
	static const unsigned int amd_mts[] = {
		NPT_MT_WB, NPT_MT_UC, NPT_MT_WB | NPT_MT_IPAT,
	};

	if (c->f == &npt_format_ept) {
		*perms = ept_perms[rnd_below(5)];
		*mt = ept_mts[rnd_below(7)];
	} else {
		*perms = ept_perms[rnd_below(4)];
		*mt = amd_mts[rnd_below(3)];
	}
}

static void check_page(struct rctx *c, unsigned int p)
{
	const struct mpage *mp = &c->m->page[p];
	u64 off = rnd_below(NPT_PAGE_SIZE);
	struct npt_walk_result w;
	int r = npt_walk(&c->npt, page_gpa(p) + off, &w);

	if (!mp->level) {
		if (r != NPT_ENOENT || w.present)
			fail(c, "walk absent", page_gpa(p), r, NPT_ENOENT);
		return;
	}
	if (r || w.level != mp->level || w.hpa != mp->hpa + off ||
	    w.perms != mp->perms || w.memtype != mp->mt)
		fail(c, "walk", page_gpa(p), (long)w.hpa, (long)(mp->hpa + off));
}

static void check_tables(struct rctx *c)
{
	if (c->npt.nr_tables != c->a->live)
		fail(c, "nr_tables vs allocator", 0, c->npt.nr_tables,
		     c->a->live);
	if (c->npt.nr_tables != c->m->nr_keys)
		fail(c, "nr_tables vs model", 0, c->npt.nr_tables,
		     c->m->nr_keys);
}

/* Tables missing on the way to a leaf at @level for @gpa, top first. */
static unsigned int missing_keys(const struct model *m, u64 gpa, int level,
				 u64 *keys)
{
	unsigned int n = 0;
	int l;

	for (l = NPT_LEVELS - 1; l >= level; l--)
		if (key_find(m, table_key(l, gpa)) < 0)
			keys[n++] = table_key(l, gpa);
	return n;
}

static void do_map(struct rctx *c, int level)
{
	struct model *m = c->m;
	unsigned int npages = level == 2 ? 512 : 1;
	unsigned int p = rnd_below(NR_PAGES) & ~(npages - 1);
	u64 gpa = page_gpa(p), hpa, keys[NPT_LEVELS];
	unsigned int perms, mt, i, nmiss, budget = ~0u;
	bool busy = false, same = false;
	long want;
	int r;

	rnd_rights(c, &perms, &mt);
	hpa = rnd() & NPT_ADDR_MASK & ~(NPT_LEVEL_SIZE(level) - 1);
	/* Often: the exact mapping already there (a second vCPU's fault). */
	if (m->page[p].level == level && rnd_below(3) == 0) {
		hpa = m->page[p].hpa;
		perms = m->page[p].perms;
		mt = m->page[p].mt;
	}
	for (i = 0; i < npages; i++)
		busy |= m->page[p + i].level != 0;
	if (level == 2 && key_find(m, table_key(1, gpa)) >= 0)
		busy = true;
	if (busy)
		same = m->page[p].level == level && m->page[p].hpa == hpa &&
		       m->page[p].perms == perms &&
		       m->page[p].mt == norm_mt(c, mt);
	nmiss = missing_keys(m, gpa, level, keys);
	if (rnd_below(20) == 0) {
		budget = rnd_below(3);
		c->a->fail_after = budget;
	}

	r = npt_map(&c->npt, gpa, hpa, level, perms, mt);
	c->a->fail_after = -1;

	if (busy) {
		want = same ? NPT_ALREADY : NPT_EEXIST;
	} else if (nmiss > budget) {
		want = NPT_ENOMEM;
		for (i = 0; i < budget; i++)
			key_add(m, keys[i]);
	} else {
		want = 0;
		for (i = 0; i < nmiss; i++)
			key_add(m, keys[i]);
		for (i = 0; i < npages; i++) {
			m->page[p + i] = (struct mpage){
				level, perms, norm_mt(c, mt),
				hpa + (u64)i * NPT_PAGE_SIZE };
		}
	}
	if (r != want)
		fail(c, level == 2 ? "map 2M" : "map 4K", gpa, r, want);
	c->n_ok += r == 0;
	c->n_already += r == NPT_ALREADY;
	c->n_eexist += r == NPT_EEXIST;
	c->n_enomem += r == NPT_ENOMEM;
	for (i = 0; i < npages; i += npages > 1 ? 97 : 1)
		check_page(c, p + i);
	check_page(c, p + npages - 1);
}

/* First page of the leaf that maps page @p. */
static unsigned int leaf_first(const struct model *m, unsigned int p)
{
	return m->page[p].level == 2 ? p & ~511u : p;
}

static void do_protect(struct rctx *c)
{
	struct model *m = c->m;
	unsigned int p = rnd_below(NR_PAGES), perms, mt, first, i, n;
	u64 gpa = page_gpa(p) + rnd_below(NPT_PAGE_SIZE), ad_before = 0, *pte;
	long want;
	int r;

	rnd_rights(c, &perms, &mt);
	if (rnd_below(50) == 0)
		perms = NPT_W;			/* refused by both formats */
	pte = leaf_ptep(&c->npt, gpa);
	if (pte)
		ad_before = *pte & (c->f->accessed_mask | c->f->dirty_mask);
	r = npt_protect(&c->npt, gpa, perms);
	if (!m->page[p].level) {
		want = NPT_ENOENT;
	} else if (perms == NPT_W) {
		want = NPT_EINVAL;
	} else {
		first = leaf_first(m, p);
		n = m->page[p].level == 2 ? 512 : 1;
		want = (m->page[first].perms & ~perms) ? NPT_FLUSH : 0;
		for (i = 0; i < n; i++)
			m->page[first + i].perms = perms;
		if (pte && (*pte & (c->f->accessed_mask | c->f->dirty_mask)) !=
		    ad_before)
			fail(c, "protect lost A/D", gpa, 0, 1);
	}
	if (r != want)
		fail(c, "protect", gpa, r, want);
	c->n_prot++;
	check_page(c, p);
}

/* The CPU sets A (and D) in a live leaf. */
static void do_touch(struct rctx *c)
{
	unsigned int p = rnd_below(NR_PAGES);
	u64 *pte = leaf_ptep(&c->npt, page_gpa(p));

	if (pte && npt_format_has_ad(c->f, c->flags))
		*pte |= c->f->accessed_mask |
			(rnd_below(2) ? c->f->dirty_mask : 0);
}

static bool key_in_range(u64 key, u64 start, u64 end)
{
	int level = key >> 56;
	u64 prefix = key & ((1ULL << 56) - 1);
	u64 lo, size;

	if (level == NPT_LEVELS)
		return false;			/* the root stays */
	size = NPT_LEVEL_SIZE(level + 1);
	lo = prefix * size;
	return lo < end && start < lo + size;
}

/* Does anything (a leaf, or a table of level @level - 1) live in @key? */
static bool key_used(const struct model *m, u64 key)
{
	int level = key >> 56;
	u64 size = NPT_LEVEL_SIZE(level + 1);
	u64 lo = (key & ((1ULL << 56) - 1)) * size;
	unsigned int p, i;

	for (p = 0; p < NR_PAGES; p += 512) {
		u64 g = page_gpa(p);

		if (g < lo || g >= lo + size)
			continue;
		for (i = 0; i < 512; i++) {
			/* A level-1 table holds 4 KiB leaves only. */
			if (m->page[p + i].level == 1 ||
			    (level > 1 && m->page[p + i].level))
				return true;
		}
	}
	for (i = 0; i < m->nr_keys; i++) {
		u64 k = m->key[i];

		if ((int)(k >> 56) == level - 1 &&
		    key_in_range(k, lo, lo + size))
			return true;
	}
	return false;
}

static void do_zap(struct rctx *c)
{
	struct model *m = c->m;
	unsigned int p = rnd_below(NR_PAGES), i, k, j, expect_n = 0;
	u64 start, end, size;
	unsigned int freed = 0;
	bool bad = false;
	int r, l;

	switch (rnd_below(10)) {
	case 0:					/* everything */
		start = 0;
		end = NPT_GPA_LIMIT;
		break;
	case 1:					/* across regions */
		start = page_gpa(p);
		end = region_base[REGIONS - 1] + rnd_below(REGION_PAGES) *
		      NPT_PAGE_SIZE + NPT_PAGE_SIZE;
		if (end <= start)
			end = start + NPT_PAGE_SIZE;
		break;
	default:
		start = page_gpa(p);
		size = (1 + rnd_below(rnd_below(4) ? 8 : 1100)) * NPT_PAGE_SIZE;
		end = start + size > NPT_GPA_LIMIT ? NPT_GPA_LIMIT :
		      start + size;
		break;
	}
	c->log.n = 0;
	r = npt_zap_range(&c->npt, start, end - start, log_leaf, &c->log);

	/* Expected leaves, in gpa order (regions are in gpa order). */
	for (i = 0; i < NR_PAGES; i++) {
		struct mpage *mp = &m->page[i];
		unsigned int first = leaf_first(m, i), n;
		u64 g = page_gpa(first);

		if (!mp->level || first != i)
			continue;
		n = mp->level == 2 ? 512 : 1;
		if (!(g < end && start < g + n * NPT_PAGE_SIZE))
			continue;
		if (expect_n >= c->log.n || c->log.v[expect_n].gpa != g ||
		    c->log.v[expect_n].hpa != mp->hpa ||
		    c->log.v[expect_n].level != mp->level)
			bad = true;
		expect_n++;
		for (j = 0; j < n; j++)
			m->page[i + j].level = 0;
	}
	if (bad || expect_n != c->log.n)
		fail(c, "zap leaves", start, c->log.n, expect_n);

	/* Tables the zap visited and left empty go, bottom up. */
	for (l = 1; l < NPT_LEVELS; l++) {
		for (k = 0; k < m->nr_keys; k++) {
			u64 key = m->key[k];

			if ((int)(key >> 56) != l ||
			    !key_in_range(key, start, end) || key_used(m, key))
				continue;
			m->key[k--] = m->key[--m->nr_keys];
			freed++;
		}
	}
	if (r != (int)(expect_n + freed))
		fail(c, "zap count", start, r, expect_n + freed);
	c->n_zap++;
	for (i = 0; i < 8; i++)
		check_page(c, rnd_below(NR_PAGES));
	if (end - start <= 64 * NPT_PAGE_SIZE)
		for (i = 0; i < NR_PAGES; i++)
			if (page_gpa(i) + NPT_PAGE_SIZE > start &&
			    page_gpa(i) < end)
				check_page(c, i);
}

static void full_check(struct rctx *c)
{
	unsigned int i, n;

	for (i = 0; i < NR_PAGES; i++)
		check_page(c, i);
	n = count_tables(&c->npt, c->npt.root, NPT_LEVELS);
	if (n != c->a->live)
		fail(c, "reachable tables", 0, n, c->a->live);
}

static void test_random(const struct npt_format *f, unsigned int flags,
			unsigned long nr_ops, u64 seed)
{
	struct rctx *c = calloc(1, sizeof(*c));
	char name[64];
	unsigned int i;
	int r;

	if (!c)
		abort();
	c->f = f;
	c->flags = flags;
	c->a = malloc(sizeof(*c->a));
	c->m = calloc(1, sizeof(*c->m));
	if (!c->a || !c->m)
		abort();
	talloc_init(c->a);
	rng_state = seed;
	if (npt_init(&c->npt, f, &t_ops, c->a, flags))
		abort();
	key_add(c->m, table_key(NPT_LEVELS, 0));

	for (c->ops = 0; c->ops < nr_ops; c->ops++) {
		unsigned int op = rnd_below(100);

		if (op < 35)
			do_map(c, 1);
		else if (op < 50)
			do_map(c, 2);
		else if (op < 65)
			do_protect(c);
		else if (op < 75)
			do_touch(c);
		else if (op < 85)
			do_zap(c);
		else
			for (i = 0; i < 4; i++)
				check_page(c, rnd_below(NR_PAGES));
		for (i = 0; i < 4; i++)
			check_page(c, rnd_below(NR_PAGES));
		check_tables(c);
		if (c->ops % 1000 == 999)
			full_check(c);
	}
	full_check(c);

	/* Everything out: each leaf reported once, only the root left. */
	c->log.n = 0;
	r = npt_zap_range(&c->npt, 0, NPT_GPA_LIMIT, log_leaf, &c->log);
	for (i = 0; i < NR_PAGES; i++)
		if (c->m->page[i].level && leaf_first(c->m, i) == i)
			c->log.n--;
	if (c->log.n || r < 0 || c->npt.nr_tables != 1 || c->a->live != 1)
		fail(c, "final zap", 0, (long)c->log.n, 0);
	npt_destroy(&c->npt);
	if (c->a->live || c->a->errors)
		fail(c, "leak after destroy", 0, c->a->live, 0);

	printf("# %s: %lu ops (seed %#llx): %lu mapped, %lu already, ",
	       f->name, nr_ops, seed, c->n_ok, c->n_already);
	printf("%lu eexist, %lu enomem, %lu zaps, %lu protects\n",
	       c->n_eexist, c->n_enomem, c->n_zap, c->n_prot);
	snprintf(name, sizeof(name), "random_%s", f->name);
	check(name, c->failures == 0 && c->n_ok && c->n_already &&
	      c->n_eexist && c->n_enomem);
	free(c->log.v);
	free(c->m);
	free(c->a);
	free(c);
}

int main(int argc, char **argv)
{
	unsigned long nr_ops = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
	u64 seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x6e707421ULL;

	test_ept_format();
	test_amd_format();
	test_ops(&npt_format_ept, NPT_F_AD);
	test_ops(&npt_format_amd, 0);
	test_random(&npt_format_ept, NPT_F_EXEC_ONLY | NPT_F_AD, nr_ops, seed);
	test_random(&npt_format_amd, 0, nr_ops, seed + 1);
	return unit_failed ? 1 : 0;
}
