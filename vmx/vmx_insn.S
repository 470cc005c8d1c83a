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

/*
 * The same outcome checks for the instructions that take a memory
 * operand (VMCLEAR, VMPTRLD: a VMCS's physical address) or two
 * registers (VMREAD, VMWRITE, INVEPT, INVVPID).
 */
.macro VMX_RESULT
	jbe	.Lfail_\@
	xorl	%eax, %eax
	RET
.Lfail_\@:
	movl	$-EIO, %eax
	RET
.endm

/* int vmx_insn_vmclear(const u64 *vmcs_pa) */
SYM_FUNC_START(vmx_insn_vmclear)
1:	vmclear	(%rdi)
	VMX_RESULT
2:	movl	$-EFAULT, %eax
	RET
	_ASM_EXTABLE(1b, 2b)
SYM_FUNC_END(vmx_insn_vmclear)

/* int vmx_insn_vmptrld(const u64 *vmcs_pa) */
SYM_FUNC_START(vmx_insn_vmptrld)
1:	vmptrld	(%rdi)
	VMX_RESULT
2:	movl	$-EFAULT, %eax
	RET
	_ASM_EXTABLE(1b, 2b)
SYM_FUNC_END(vmx_insn_vmptrld)

/* int vmx_insn_vmread(u64 field, u64 *value) */
SYM_FUNC_START(vmx_insn_vmread)
1:	vmread	%rdi, (%rsi)
	VMX_RESULT
2:	movl	$-EFAULT, %eax
	RET
	_ASM_EXTABLE(1b, 2b)
SYM_FUNC_END(vmx_insn_vmread)

/* int vmx_insn_vmwrite(u64 field, u64 value) */
SYM_FUNC_START(vmx_insn_vmwrite)
1:	vmwrite	%rsi, %rdi
	VMX_RESULT
2:	movl	$-EFAULT, %eax
	RET
	_ASM_EXTABLE(1b, 2b)
SYM_FUNC_END(vmx_insn_vmwrite)

/* int vmx_insn_invept(u64 type, const u64 *desc): desc is 128 bits */
SYM_FUNC_START(vmx_insn_invept)
1:	invept	(%rsi), %rdi
	VMX_RESULT
2:	movl	$-EFAULT, %eax
	RET
	_ASM_EXTABLE(1b, 2b)
SYM_FUNC_END(vmx_insn_invept)

/* int vmx_insn_invvpid(u64 type, const u64 *desc): desc is 128 bits */
SYM_FUNC_START(vmx_insn_invvpid)
1:	invvpid	(%rsi), %rdi
	VMX_RESULT
2:	movl	$-EFAULT, %eax
	RET
	_ASM_EXTABLE(1b, 2b)
SYM_FUNC_END(vmx_insn_invvpid)
