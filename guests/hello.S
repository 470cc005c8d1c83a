/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hello: a tiny guest that boots like a boot sector (16-bit real mode,
 * loaded at 0x7c00 by "hvtool run --load-addr 0x7c00") and climbs to
 * 64-bit long mode by itself, printing on the serial port (OUT to 0x3f8,
 * one exit to the VMM per character) at each step:
 *
 *   real mode -> CPUID vendor -> protected mode (GDT, CR0.PE) ->
 *   long mode (4-level page tables, CR4.PAE, EFER.LME by WRMSR,
 *   CR0.PG) -> a few CPUIDs -> HLT with interrupts off, which hvtool
 *   turns into exit status 0.
 *
 * Page tables at 0x1000-0x3fff map the first 2 MiB with one large page.
 */
#define COM1		0x3f8
#define PML4		0x1000
#define PDPT		0x2000
#define PD		0x3000
#define STACK_TOP	0x7000
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define CR0_PE		(1 << 0)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define SEL_CODE32	0x08
#define SEL_DATA	0x10
#define SEL_CODE64	0x18

/*
 * Prints the NUL-terminated string at (E/R)SI; one body assembled for
 * each of the three modes (the encodings differ).
 */
.macro	PUTS
	mov	$COM1, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	outb	%al, %dx
	jmp	1b
2:	ret
.endm

	.text
	.code16
	.globl	_start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$STACK_TOP, %sp
	mov	$msg_real, %si
	call	puts16
	/* The vendor string, as this vCPU's CPUID table gives it. */
	xor	%eax, %eax
	cpuid
	mov	%ebx, vendor
	mov	%edx, vendor + 4
	mov	%ecx, vendor + 8
	mov	$msg_vendor, %si
	call	puts16
	lgdt	gdt_desc
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$SEL_CODE32, $prot32

puts16:
	PUTS

	.code32
prot32:
	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$STACK_TOP, %esp
	mov	$msg_prot, %esi
	call	puts32
	/* PML4[0] -> PDPT, PDPT[0] -> PD, PD[0]: 2 MiB at 0, RW, P, PS. */
	mov	$PML4, %edi
	xor	%eax, %eax
	mov	$(3 * 4096 / 4), %ecx
	rep stosl
	movl	$(PDPT | 3), PML4
	movl	$(PD | 3), PDPT
	movl	$0x83, PD
	mov	$PML4, %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	mov	%eax, %cr0
	ljmp	$SEL_CODE64, $long64

puts32:
	PUTS

	.code64
long64:
	mov	$msg_long, %esi
	call	puts64
	/* The highest basic and extended CPUID leaves, in hex. */
	xor	%eax, %eax
	cpuid
	call	puthex64
	mov	$msg_ext, %esi
	call	puts64
	mov	$0x80000000, %eax
	cpuid
	call	puthex64
	mov	$msg_bye, %esi
	call	puts64
	hlt

puts64:
	PUTS

/* Prints EAX as 8 hex digits. */
puthex64:
	mov	%eax, %ebx
	mov	$8, %ecx
	mov	$COM1, %dx
1:	rol	$4, %ebx
	mov	%ebx, %eax
	and	$0xf, %eax
	mov	hexdigits(%rax), %al
	outb	%al, %dx
	dec	%ecx
	jnz	1b
	ret

	.section .rodata
	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt
hexdigits:
	.ascii	"0123456789abcdef"
msg_real:
	.asciz	"hello: 16-bit real mode\r\n"
msg_vendor:
	.ascii	"hello: CPUID vendor \""
vendor:
	.ascii	"????????????"
	.asciz	"\"\r\n"
msg_prot:
	.asciz	"hello: 32-bit protected mode\r\n"
msg_long:
	.asciz	"hello: 64-bit long mode, paging on; CPUID max leaf 0x"
msg_ext:
	.asciz	", extended 0x"
msg_bye:
	.asciz	"\r\nhello: done, exit code 0\r\n"

	.section .note.GNU-stack, "", @progbits
