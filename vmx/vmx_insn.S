/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMX instructions whose every outcome must be checked (SDM vol. 3C 31.2,
 * "Conventions"): VMsucceed, VMfailInvalid (CF=1), VMfailValid (ZF=1) or a
 * fault (#UD/#GP), the last caught through the exception table.
 *
 * Each returns 0, -EIO for VMfail or -EFAULT for a fault.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm-generic/errno-base.h>

/* int vmx_insn_vmxon(const u64 *region_pa) */
SYM_FUNC_START(vmx_insn_vmxon)
1:	vmxon	(%rdi)
	jbe	2f
	xorl	%eax, %eax
	RET
2:	movl	$-EIO, %eax
	RET
3:	movl	$-EFAULT, %eax
	RET
	_ASM_EXTABLE(1b, 3b)
SYM_FUNC_END(vmx_insn_vmxon)
