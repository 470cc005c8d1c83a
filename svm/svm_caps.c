// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decoding of the AMD-V capability leaf. Pure: no kernel dependency, so
 * selftests/unit checks it against the values of real and emulated CPUs.
 */
#include "svm/svm_caps.h"

void svm_caps_decode(struct svm_caps *caps, u32 eax, u32 ebx, u32 edx)
{
	caps->revision = eax & 0xff;
	caps->nr_asids = ebx;
	caps->npt = edx & SVM_CPUID_NPT;
	caps->nrip_save = edx & SVM_CPUID_NRIPS;
	caps->vmcb_clean = edx & SVM_CPUID_VMCB_CLEAN;
	caps->flush_by_asid = edx & SVM_CPUID_FLUSH_BY_ASID;
	caps->decode_assists = edx & SVM_CPUID_DECODE_ASSISTS;
	caps->pause_filter = edx & SVM_CPUID_PAUSE_FILTER;
	caps->vgif = edx & SVM_CPUID_VGIF;
	caps->avic = edx & SVM_CPUID_AVIC;
}

const char *svm_caps_missing(const struct svm_caps *caps)
{
	/* hvmod has no shadow paging: nested paging is required. */
	if (!caps->npt)
		return "no nested paging (NPT)";
	/* ASID 0 is the host's; a guest needs at least one other. */
	if (caps->nr_asids < 2)
		return "fewer than 2 ASIDs";
	return NULL;
}

int svm_caps_describe(const struct svm_caps *caps, char *buf, size_t len)
{
	return snprintf(buf, len,
			"SVM revision %u, %u ASIDs, NPT %s, NRIP-save %s, decode assists %s, VMCB clean bits %s, flush-by-ASID %s, vGIF %s, pause filter %s",
			caps->revision, caps->nr_asids, hvm_yes_no(caps->npt),
			hvm_yes_no(caps->nrip_save), hvm_yes_no(caps->decode_assists),
			hvm_yes_no(caps->vmcb_clean), hvm_yes_no(caps->flush_by_asid),
			hvm_yes_no(caps->vgif), hvm_yes_no(caps->pause_filter));
}
