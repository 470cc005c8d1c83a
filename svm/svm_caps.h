/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD-V capabilities, decoded from CPUID Fn8000_000A (AMD APM vol. 3,
 * rev. 3.35, appendix E.4.9). Pure code: also built into native tests.
 */
#ifndef HVMOD_SVM_CAPS_H
#define HVMOD_SVM_CAPS_H

#include "kmod/pure.h"

/* CPUID Fn8000_000A_EDX feature bits hvmod looks at. */
#define SVM_CPUID_NPT			BIT(0)
#define SVM_CPUID_LBRV			BIT(1)
#define SVM_CPUID_NRIPS			BIT(3)
#define SVM_CPUID_VMCB_CLEAN		BIT(5)
#define SVM_CPUID_FLUSH_BY_ASID		BIT(6)
#define SVM_CPUID_DECODE_ASSISTS	BIT(7)
#define SVM_CPUID_PAUSE_FILTER		BIT(10)
#define SVM_CPUID_AVIC			BIT(13)
#define SVM_CPUID_VGIF			BIT(16)

struct svm_caps {
	u32 revision;		/* EAX[7:0] */
	u32 nr_asids;		/* EBX: number of ASIDs, ASID 0 is the host's */
	bool npt;
	bool nrip_save;
	bool vmcb_clean;
	bool flush_by_asid;
	bool decode_assists;
	bool pause_filter;
	bool vgif;
	bool avic;
};

void svm_caps_decode(struct svm_caps *caps, u32 eax, u32 ebx, u32 edx);
/* Why hvmod cannot run on these capabilities, or NULL if it can. */
const char *svm_caps_missing(const struct svm_caps *caps);
/* One human-readable line for the kernel log. */
int svm_caps_describe(const struct svm_caps *caps, char *buf, size_t len);

#endif /* HVMOD_SVM_CAPS_H */
