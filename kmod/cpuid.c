// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPUID ioctls: KVM_GET_SUPPORTED_CPUID (system), KVM_SET_CPUID2 and
 * KVM_GET_CPUID2 (vCPU). The tables and their rules are in cpuid_table.c;
 * this file copies them in and out. Errno values and what is written back
 * to the caller's nent follow KVM 6.1 (arch/x86/kvm/x86.c and cpuid.c):
 *
 * - KVM_GET_SUPPORTED_CPUID: nent 0 is E2BIG; nent above
 *   HVM_MAX_CPUID_ENTRIES is clamped; a table that does not fit is E2BIG.
 *   On success the entries are copied out, then nent is set to their
 *   count. On any error nothing is written. (api.rst says a too large
 *   nent gives ENOMEM; KVM's code, and hvmod, clamp it.)
 * - KVM_SET_CPUID2: nent above HVM_MAX_CPUID_ENTRIES is E2BIG; after the
 *   vCPU's first KVM_RUN only an equal table is accepted (EINVAL
 *   otherwise) and it changes nothing; before, the table is checked and
 *   replaces the old one.
 * - KVM_GET_CPUID2: nent below the table's is E2BIG. KVM's nent update on
 *   that path never reaches the caller (its ioctl handler copies the
 *   header back only on success), and on success it leaves nent as
 *   given: so nent is never changed. The entries carry the run-time bits.
 */
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>

#include "kmod/cpuid.h"

u32 hvm_cpuid_host_flags(void)
{
	u32 flags = 0;

	if (boot_cpu_has(X86_FEATURE_XSAVE))
		flags |= HVM_CPUID_HOST_XSAVE;
	if (boot_cpu_has(X86_FEATURE_PKU))
		flags |= HVM_CPUID_HOST_PKU;
	return flags;
}

static void hvm_host_cpuid(void *ctx, u32 fn, u32 idx, u32 regs[4])
{
	cpuid_count(fn, idx, &regs[HVM_CPUID_EAX], &regs[HVM_CPUID_EBX],
		    &regs[HVM_CPUID_ECX], &regs[HVM_CPUID_EDX]);
}

long hvm_cpuid_get_supported(struct kvm_cpuid2 __user *argp)
{
	struct kvm_cpuid_entry2 *buf;
	struct kvm_cpuid2 hdr;
	u32 nent;
	long r;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	r = hvm_cpuid_supported_nent(&hdr.nent);
	if (r)
		return r;

	buf = kvcalloc(hdr.nent, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	/* Every leaf from the same CPU. */
	get_cpu();
	r = hvm_cpuid_build_supported(hvm_host_cpuid, NULL, buf, hdr.nent,
				      &nent);
	put_cpu();
	if (r)
		goto out;

	r = -EFAULT;
	if (copy_to_user(argp->entries, buf, array_size(nent, sizeof(*buf))))
		goto out;
	hdr.nent = nent;
	if (copy_to_user(argp, &hdr, sizeof(hdr)))
		goto out;
	r = 0;
out:
	kvfree(buf);
	return r;
}

int hvm_cpuid_set(struct hvm_cpuid *c, const struct hvm_cpuid_state *st,
		  struct kvm_cpuid2 __user *argp, bool has_run)
{
	struct kvm_cpuid_entry2 *e = NULL;
	struct kvm_cpuid2 hdr;
	int r;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	r = hvm_cpuid_set_nent(hdr.nent);
	if (r)
		return r;
	if (hdr.nent) {
		e = vmemdup_user(argp->entries,
				 array_size(hdr.nent, sizeof(*e)));
		if (IS_ERR(e))
			return PTR_ERR(e);
	}

	/*
	 * KVM cannot change a vCPU's model once it has run (its MMU caches
	 * MAXPHYADDR and friends), but QEMU sets the same table again when
	 * it reuses a vCPU fd for CPU hot-plug: an equal table is accepted
	 * and changes nothing.
	 */
	if (has_run) {
		r = hvm_cpuid_equal(e, hdr.nent, c->entries, c->nent, st) ?
		    0 : -EINVAL;
		kvfree(e);
		return r;
	}

	r = hvm_cpuid_check_table(e, hdr.nent);
	if (r) {
		kvfree(e);
		return r;
	}

	/* Stored as given: the run-time bits are applied on every read. */
	kvfree(c->entries);
	c->entries = e;
	c->nent = hdr.nent;
	return 0;
}

int hvm_cpuid_get(const struct hvm_cpuid *c, const struct hvm_cpuid_state *st,
		  struct kvm_cpuid2 __user *argp)
{
	struct kvm_cpuid_entry2 out;
	struct kvm_cpuid2 hdr;
	u32 i;
	int r;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	r = hvm_cpuid_get_nent(hdr.nent, c->nent);
	if (r)
		return r;

	/* Entry by entry: no allocation, so no ENOMEM KVM would not give. */
	for (i = 0; i < c->nent; i++) {
		hvm_cpuid_entry_runtime(c->entries, c->nent, i, st, &out);
		if (copy_to_user(&argp->entries[i], &out, sizeof(out)))
			return -EFAULT;
	}

	/* KVM writes the header back unchanged. */
	if (copy_to_user(argp, &hdr, sizeof(hdr)))
		return -EFAULT;
	return 0;
}

void hvm_cpuid_free(struct hvm_cpuid *c)
{
	kvfree(c->entries);
	c->entries = NULL;
	c->nent = 0;
}
