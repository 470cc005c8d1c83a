// SPDX-License-Identifier: GPL-2.0-only
/*
 * The nested page-table mapper and walker (see npt.h). Every traversal is
 * iterative, with at most NPT_LEVELS levels of explicit state: no
 * recursion, and every loop is bounded by the 512 entries of the at most
 * four tables on the current path.
 */
#include "npt/npt.h"

static u64 *npt_table_va(const struct npt *npt, u64 hpa)
{
	return npt->ops->hpa_to_va(npt->ctx, hpa);
}

/* A new, cleared table page, or NULL. */
static u64 *npt_new_table(struct npt *npt, u64 *hpa)
{
	u64 *table = npt->ops->alloc_table(npt->ctx, hpa);
	unsigned int i;

	if (!table)
		return NULL;
	/* Entry stores: ordered before the store that will link the table. */
	for (i = 0; i < NPT_ENTRIES; i++)
		npt_set_entry(&table[i], 0);
	npt->nr_tables++;
	return table;
}

static void npt_free_table(struct npt *npt, u64 *table, u64 hpa)
{
	npt->ops->free_table(npt->ctx, table, hpa);
	npt->nr_tables--;
}

static bool npt_table_empty(const struct npt *npt, const u64 *table)
{
	unsigned int i;

	for (i = 0; i < NPT_ENTRIES; i++)
		if (npt->fmt->present(npt_get_entry(&table[i])))
			return false;
	return true;
}

int npt_init(struct npt *npt, const struct npt_format *fmt,
	     const struct npt_ops *ops, void *ctx, unsigned int flags)
{
	npt->fmt = fmt;
	npt->ops = ops;
	npt->ctx = ctx;
	npt->flags = flags;
	npt->nr_tables = 0;
	npt->root_hpa = 0;
	npt->root = npt_new_table(npt, &npt->root_hpa);
	return npt->root ? 0 : NPT_ENOMEM;
}

void npt_destroy(struct npt *npt)
{
	if (!npt->root)
		return;
	npt_zap_range(npt, 0, NPT_GPA_LIMIT, NULL, NULL);
	npt_free_table(npt, npt->root, npt->root_hpa);
	npt->root = NULL;
	npt->root_hpa = 0;
}

/*
 * The entry that maps @gpa: the leaf, or the first non-present entry; its
 * level in *@level.
 */
static u64 *npt_lookup(const struct npt *npt, u64 gpa, int *level)
{
	const struct npt_format *fmt = npt->fmt;
	u64 *table = npt->root;
	u64 *ptep = NULL;
	int l;

	for (l = NPT_LEVELS; l >= NPT_LEVEL_4K; l--) {
		u64 pte;

		ptep = &table[NPT_INDEX(gpa, l)];
		pte = npt_get_entry(ptep);
		*level = l;
		if (!fmt->present(pte) || npt_pte_leaf(fmt, pte, l))
			break;
		table = npt_table_va(npt, npt_pte_addr(fmt, pte, l));
	}
	return ptep;
}

int npt_map(struct npt *npt, u64 gpa, u64 hpa, int level, unsigned int perms,
	    unsigned int memtype)
{
	const struct npt_format *fmt = npt->fmt;
	u64 ad = fmt->accessed_mask | fmt->dirty_mask;
	u64 *table = npt->root;
	u64 *ptep, leaf, pte;
	int l, ret;

	if (level != NPT_LEVEL_4K && level != NPT_LEVEL_2M)
		return NPT_EINVAL;
	if ((gpa & (NPT_LEVEL_SIZE(level) - 1)) || gpa >= NPT_GPA_LIMIT)
		return NPT_EINVAL;
	ret = npt_make_leaf(fmt, &leaf, hpa, level, perms, memtype,
			    npt->flags);
	if (ret)
		return ret;

	for (l = NPT_LEVELS; l > level; l--) {
		u64 table_hpa;

		ptep = &table[NPT_INDEX(gpa, l)];
		pte = npt_get_entry(ptep);
		if (!fmt->present(pte)) {
			table = npt_new_table(npt, &table_hpa);
			if (!table)
				return NPT_ENOMEM;
			npt_set_entry(ptep, npt_make_table(fmt, table_hpa));
			continue;
		}
		/* A larger leaf already maps @gpa. */
		if (npt_pte_leaf(fmt, pte, l))
			return NPT_EEXIST;
		table = npt_table_va(npt, npt_pte_addr(fmt, pte, l));
	}

	ptep = &table[NPT_INDEX(gpa, level)];
	pte = npt_get_entry(ptep);
	if (fmt->present(pte)) {
		/* The CPU may have set A/D since: they do not count. */
		if (npt_pte_leaf(fmt, pte, level) && (pte & ~ad) == leaf)
			return NPT_ALREADY;
		/* Another leaf, or (2 MiB) a table of 4 KiB leaves. */
		return NPT_EEXIST;
	}
	npt_set_entry(ptep, leaf);
	return 0;
}

int npt_protect(struct npt *npt, u64 gpa, unsigned int perms)
{
	const struct npt_format *fmt = npt->fmt;
	u64 ad = fmt->accessed_mask | fmt->dirty_mask;
	u64 *ptep, old, new;
	unsigned int old_perms;
	int level, ret;

	if (gpa >= NPT_GPA_LIMIT)
		return NPT_EINVAL;
	ptep = npt_lookup(npt, gpa, &level);
	old = npt_get_entry(ptep);
	if (!fmt->present(old))
		return NPT_ENOENT;
	ret = npt_make_leaf(fmt, &new, npt_pte_addr(fmt, old, level), level,
			    perms, fmt->memtype(old, level), npt->flags);
	if (ret)
		return ret;
	new |= old & ad;
	if (new == old)
		return 0;
	old_perms = fmt->perms(old);
	npt_set_entry(ptep, new);
	return (old_perms & ~perms) ? NPT_FLUSH : 0;
}

int npt_walk(const struct npt *npt, u64 gpa, struct npt_walk_result *res)
{
	const struct npt_format *fmt = npt->fmt;
	u64 *ptep, pte, size;
	int level;

	*res = (struct npt_walk_result){ 0 };
	if (gpa >= NPT_GPA_LIMIT)
		return NPT_EINVAL;
	ptep = npt_lookup(npt, gpa, &level);
	pte = npt_get_entry(ptep);
	res->level = level;
	res->pte = pte;
	if (!fmt->present(pte))
		return NPT_ENOENT;
	size = NPT_LEVEL_SIZE(level);
	res->present = true;
	res->gpa_base = gpa & ~(size - 1);
	res->hpa = npt_pte_addr(fmt, pte, level) + (gpa & (size - 1));
	res->perms = fmt->perms(pte);
	res->memtype = fmt->memtype(pte, level);
	res->ad_valid = npt_format_has_ad(fmt, npt->flags);
	if (res->ad_valid) {
		res->accessed = npt_pte_accessed(fmt, pte);
		res->dirty = npt_pte_dirty(fmt, pte);
	}
	return 0;
}

/*
 * The path from the root to the table being scanned: tables[l] is the
 * table of level l (tables[NPT_LEVELS] the root), index[l] the entry of it
 * being looked at, base[l] the first gpa the table maps.
 */
struct npt_cursor {
	u64 *tables[NPT_LEVELS + 1];
	u64 hpa[NPT_LEVELS + 1];
	u64 base[NPT_LEVELS + 1];
	unsigned int index[NPT_LEVELS + 1];
	int level;
};

static u64 npt_cursor_gpa(const struct npt_cursor *c)
{
	return c->base[c->level] +
	       (u64)c->index[c->level] * NPT_LEVEL_SIZE(c->level);
}

static void npt_cursor_init(struct npt_cursor *c, const struct npt *npt,
			    u64 gpa)
{
	c->level = NPT_LEVELS;
	c->tables[NPT_LEVELS] = npt->root;
	c->hpa[NPT_LEVELS] = npt->root_hpa;
	c->base[NPT_LEVELS] = 0;
	c->index[NPT_LEVELS] = NPT_INDEX(gpa, NPT_LEVELS);
}

/* Enter the table @pte (at the cursor) links; start at @gpa if inside. */
static void npt_cursor_down(struct npt_cursor *c, const struct npt *npt,
			    u64 pte, u64 gpa)
{
	u64 entry_gpa = npt_cursor_gpa(c);
	u64 hpa = npt_pte_addr(npt->fmt, pte, c->level);

	c->level--;
	c->tables[c->level] = npt_table_va(npt, hpa);
	c->hpa[c->level] = hpa;
	c->base[c->level] = entry_gpa;
	c->index[c->level] = entry_gpa < gpa ? NPT_INDEX(gpa, c->level) : 0;
}

long npt_zap_range(struct npt *npt, u64 gpa, u64 size,
		   void (*on_leaf)(void *ctx, u64 gpa, u64 hpa, int level),
		   void *ctx)
{
	const struct npt_format *fmt = npt->fmt;
	struct npt_cursor c;
	long cleared = 0;
	u64 end;

	if ((gpa | size) & (NPT_PAGE_SIZE - 1))
		return NPT_EINVAL;
	if (gpa >= NPT_GPA_LIMIT || size > NPT_GPA_LIMIT - gpa)
		return NPT_EINVAL;
	if (!size)
		return 0;
	end = gpa + size;

	npt_cursor_init(&c, npt, gpa);
	for (;;) {
		int l = c.level;
		u64 *ptep, pte;

		if (c.index[l] == NPT_ENTRIES || npt_cursor_gpa(&c) >= end) {
			/* Done with this table: up, freeing it if empty. */
			if (l == NPT_LEVELS)
				break;
			c.level++;
			if (npt_table_empty(npt, c.tables[l])) {
				ptep = &c.tables[l + 1][c.index[l + 1]];
				npt_set_entry(ptep, 0);
				npt_free_table(npt, c.tables[l], c.hpa[l]);
				cleared++;
			}
			c.index[l + 1]++;
			continue;
		}
		ptep = &c.tables[l][c.index[l]];
		pte = npt_get_entry(ptep);
		if (!fmt->present(pte)) {
			c.index[l]++;
		} else if (npt_pte_leaf(fmt, pte, l)) {
			npt_set_entry(ptep, 0);
			cleared++;
			if (on_leaf)
				on_leaf(ctx, npt_cursor_gpa(&c),
					npt_pte_addr(fmt, pte, l), l);
			c.index[l]++;
		} else {
			npt_cursor_down(&c, npt, pte, gpa);
		}
	}
	return cleared;
}

static const char *npt_size_name(int level)
{
	switch (level) {
	case 1:
		return "4K";
	case 2:
		return "2M";
	default:
		return "1G";
	}
}

static void npt_dump_entry(const struct npt *npt, const struct npt_cursor *c,
			   u64 pte, void (*print)(void *ctx, const char *line),
			   void *ctx)
{
	const struct npt_format *fmt = npt->fmt;
	int l = c->level;
	int indent = 2 * (NPT_LEVELS - l);
	u64 gpa = npt_cursor_gpa(c);
	unsigned int perms, mt;
	char line[160];

	if (!npt_pte_leaf(fmt, pte, l)) {
		snprintf(line, sizeof(line),
			 "%*sL%d[%3u] gpa 0x%012llx pte 0x%016llx table 0x%llx",
			 indent, "", l, c->index[l], gpa, pte,
			 npt_pte_addr(fmt, pte, l));
		print(ctx, line);
		return;
	}
	perms = fmt->perms(pte);
	mt = fmt->memtype(pte, l);
	snprintf(line, sizeof(line),
		 "%*sL%d[%3u] gpa 0x%012llx pte 0x%016llx %s -> 0x%llx %c%c%c mt %u%s%s%s",
		 indent, "", l, c->index[l], gpa, pte, npt_size_name(l),
		 npt_pte_addr(fmt, pte, l),
		 perms & NPT_R ? 'r' : '-', perms & NPT_W ? 'w' : '-',
		 perms & NPT_X ? 'x' : '-', mt & NPT_MT_TYPE_MASK,
		 mt & NPT_MT_IPAT ? " ipat" : "",
		 npt_pte_accessed(fmt, pte) ? " A" : "",
		 npt_pte_dirty(fmt, pte) ? " D" : "");
	print(ctx, line);
}

void npt_dump(const struct npt *npt,
	      void (*print)(void *ctx, const char *line), void *ctx)
{
	const struct npt_format *fmt = npt->fmt;
	struct npt_cursor c;
	char line[96];

	snprintf(line, sizeof(line), "%s: root 0x%llx, %u tables",
		 fmt->name, npt->root_hpa, npt->nr_tables);
	print(ctx, line);
	if (!npt->root)
		return;

	npt_cursor_init(&c, npt, 0);
	for (;;) {
		int l = c.level;
		u64 pte;

		if (c.index[l] == NPT_ENTRIES) {
			if (l == NPT_LEVELS)
				break;
			c.level++;
			c.index[l + 1]++;
			continue;
		}
		pte = npt_get_entry(&c.tables[l][c.index[l]]);
		if (!fmt->present(pte)) {
			c.index[l]++;
			continue;
		}
		npt_dump_entry(npt, &c, pte, print, ctx);
		if (npt_pte_leaf(fmt, pte, l))
			c.index[l]++;
		else
			npt_cursor_down(&c, npt, pte, 0);
	}
}
