/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal interfaces of the VT-x back end. */
#ifndef HVMOD_VMX_H
#define HVMOD_VMX_H

#include <linux/types.h>

/* vmx/vmx_insn.S: 0, -EIO (VMfail) or -EFAULT (fault). */
int vmx_insn_vmxon(const u64 *region_pa);

/* vmx/vmx_emergency.c: VMXOFF on crash/emergency reboot. */
int vmx_emergency_init(void);
void vmx_emergency_exit(void);
void vmx_emergency_claim(void);
void vmx_emergency_release(void);

#endif /* HVMOD_VMX_H */
