// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live-object accounting: every VM, vCPU and page hvmod allocates (and,
 * later, every guest page it pins) is counted here, and the counts are
 * readable in debugfs, so a test can prove that a VM's destruction gives
 * everything back.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/seq_file.h>

#include "kmod/hvm.h"

static atomic_long_t hvm_objects[HVM_OBJ_NR];
static struct dentry *hvm_debugfs_dir;

static const char * const hvm_object_names[HVM_OBJ_NR] = {
	[HVM_OBJ_VMS] = "vms",
	[HVM_OBJ_VCPUS] = "vcpus",
	[HVM_OBJ_PAGES] = "pages",
	[HVM_OBJ_PINNED] = "pinned",
	[HVM_OBJ_LARGE] = "large_mappings",
};

void hvm_objects_inc(enum hvm_object_kind kind)
{
	atomic_long_inc(&hvm_objects[kind]);
}

void hvm_objects_dec(enum hvm_object_kind kind)
{
	atomic_long_dec(&hvm_objects[kind]);
}

/* Zeroed, charged to the caller's memory cgroup as KVM does. */
struct page *hvm_page_alloc(void)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (page)
		hvm_objects_inc(HVM_OBJ_PAGES);
	return page;
}

void hvm_page_free(struct page *page)
{
	if (!page)
		return;
	__free_page(page);
	hvm_objects_dec(HVM_OBJ_PAGES);
}

void *hvm_page_alloc_virt(void)
{
	struct page *page = hvm_page_alloc();

	return page ? page_address(page) : NULL;
}

void hvm_page_free_virt(void *va)
{
	if (va)
		hvm_page_free(virt_to_page(va));
}

static int hvm_objects_show(struct seq_file *m, void *unused)
{
	int i;

	for (i = 0; i < HVM_OBJ_NR; i++)
		seq_printf(m, "%s %ld\n", hvm_object_names[i],
			   atomic_long_read(&hvm_objects[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvm_objects);

static int hvm_backend_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%s\n", hvm_ops->name);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvm_backend);

int hvm_debugfs_init(void)
{
	/* debugfs is optional: hvmod works without it, errors are ignored. */
	hvm_debugfs_dir = debugfs_create_dir("hvmod", NULL);
	debugfs_create_file("objects", 0400, hvm_debugfs_dir, NULL,
			    &hvm_objects_fops);
	debugfs_create_file("backend", 0400, hvm_debugfs_dir, NULL,
			    &hvm_backend_fops);
	return 0;
}

void hvm_debugfs_exit(void)
{
	debugfs_remove_recursive(hvm_debugfs_dir);
}
