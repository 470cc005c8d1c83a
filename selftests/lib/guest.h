/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest-running helpers for the hvmod selftests: a VM with one vCPU and
 * guest memory at GPA 0, guest code copied to a fixed address, and the
 * three CPU modes (16-bit real, 32-bit flat protected, 64-bit long mode
 * with paging) set up through KVM_SET_SREGS / KVM_SET_REGS.
 *
 * This header is shared with the guests' .S files (guest/<test>.S): the
 * layout and port numbers below are plain constants; the C declarations
 * are hidden from the assembler.  selftests/README describes the
 * conventions.
 */
#ifndef HVM_GUEST_H
#define HVM_GUEST_H

/*
 * Guest-physical layout of the first slot (GPA 0 up).  Every address
 * stays below 64 KiB where real mode needs it to, so one set of numbers
 * serves all three modes: real mode runs with CS base 0, so an offset is
 * a guest-physical address there too.
 */
#define GUEST_GDT_GPA		0x1000	/* GDT: the selectors below */
#define GUEST_IDT_GPA		0x2000	/* 256 64-bit gates, all absent */
#define GUEST_TSS_GPA		0x3000	/* the TSS that TR points to */
#define GUEST_DATA_GPA		0x4000	/* 4 pages free for tests */
#define GUEST_DATA_SIZE		0x4000
#define GUEST_CODE_GPA		0x8000	/* guest code is loaded here */
#define GUEST_CODE_MAX		0x8000	/* ... up to 0xffff */
#define GUEST_PT_GPA		0x10000	/* PML4, PDPT, then the PDs */
#define GUEST_STACK_TOP		0x30000	/* stacks grow down from here */
/* Real mode: SS base 0x20000, SP 0xfff0 gives the same stack top. */
#define GUEST_STACK_SEG16	0x2000
#define GUEST_MEM_MIN		0x30000	/* the layout above needs this */
#define GUEST_MEM_DEFAULT	0x200000	/* 2 MiB */

/*
 * gvcpu_set_mode() gives vCPU n the stack below GUEST_STACK_TOP -
 * n * GUEST_VCPU_STACK (vCPU 0: GUEST_STACK_TOP, as guest_set_mode()).
 */
#define GUEST_VCPU_STACK	0x2000

/* Long mode maps this many GiB of guest-physical space 1:1, 2 MiB pages. */
#define GUEST_IDMAP_GIB		8

/* Selectors of the GDT at GUEST_GDT_GPA. */
#define GUEST_SEL_CODE64	0x08
#define GUEST_SEL_DATA		0x10	/* flat 4 GiB read/write data */
#define GUEST_SEL_CODE32	0x18
#define GUEST_SEL_TSS		0x20	/* 16 bytes: a 64-bit descriptor */
#define GUEST_GDT_SIZE		0x30

/*
 * Guests report through port I/O, which exits to userspace the same way
 * on every backend.  An OUT of 1, 2 or 4 bytes to GUEST_PORT_REPORT hands
 * the host one value; the test decides what the sequence of values means.
 * Guests finish with HLT, which is KVM_EXIT_HLT without an in-kernel
 * irqchip.
 */
#define GUEST_PORT_REPORT	0xf0

#ifdef __ASSEMBLER__

/* Guest-physical address of @sym in the guest code blob @name. */
#define GUEST_GPA(name, sym)	(GUEST_CODE_GPA + ((sym) - name##_start))

/*
 * GUEST_BEGIN(name) ... GUEST_END(name) brackets one guest code blob in a
 * .S file: name_start and name_end delimit it in the test binary, which
 * only copies it (guest_load_code()), never runs it.  The blob is linked
 * at some host address but runs at GUEST_CODE_GPA, so it must be
 * position-independent, or name absolute addresses with GUEST_GPA().
 * The mode directive (.code16/.code32/.code64) follows GUEST_BEGIN.
 */
#define GUEST_BEGIN(name)					\
	.pushsection .rodata.guest, "a";			\
	.balign 16;						\
	.globl name##_start;					\
name##_start:

/* .code64 again: the mode directive is assembler-wide, not per section. */
#define GUEST_END(name)						\
	.globl name##_end;					\
name##_end:							\
	.code64;						\
	.popsection

/* A label the test refers to (GUEST_LABEL_DECLARE(sym) in C), e.g. a RIP. */
#define GUEST_LABEL(sym)					\
	.globl sym;						\
sym:

/*
 * 64-bit mode: report the 64-bit register \reg as two 4-byte reports,
 * low half first.  Clobbers RAX.
 */
.macro	GUEST_REPORT64 reg
	mov	\reg, %rax
	out	%eax, $GUEST_PORT_REPORT
	shr	$32, %rax
	out	%eax, $GUEST_PORT_REPORT
.endm

/* Guest code needs no executable stack in the test binary. */
#define GUEST_NO_EXEC_STACK	.section .note.GNU-stack, "", @progbits

#else /* !__ASSEMBLER__ */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

/* Declares the symbols GUEST_BEGIN(name) / GUEST_END(name) define. */
#define GUEST_CODE_DECLARE(name)				\
	extern const char name##_start[], name##_end[]

/* Declares a label that GUEST_LABEL(sym) made visible. */
#define GUEST_LABEL_DECLARE(sym)	extern const char sym[]

/* Guest-physical address of @sym in the guest code blob @name. */
#define GUEST_GPA(name, sym)					\
	((uint64_t)GUEST_CODE_GPA + (uint64_t)((sym) - name##_start))

/* The start/end pair that guest_load_code() takes. */
#define GUEST_CODE(name)	name##_start, name##_end

enum guest_mode {
	GUEST_MODE_REAL,	/* 16-bit real mode, CS = DS = 0 */
	GUEST_MODE_PROT32,	/* 32-bit protected mode, flat, no paging */
	GUEST_MODE_LONG64,	/* 64-bit mode, 4-level identity paging */
};

/* CR0, CR4 and EFER bits the library sets (and tests check). */
#define X86_CR0_PE		(1ULL << 0)
#define X86_CR0_ET		(1ULL << 4)
#define X86_CR0_NE		(1ULL << 5)
#define X86_CR0_PG		(1ULL << 31)
#define X86_CR4_PAE		(1ULL << 5)
#define EFER_SCE		(1ULL << 0)
#define EFER_LME		(1ULL << 8)
#define EFER_LMA		(1ULL << 10)
#define X86_RFLAGS_FIXED	(1ULL << 1)
#define X86_RFLAGS_IF		(1ULL << 9)

#define GUEST_MAX_SLOTS		8
/* vcpu_add() ids are below this; each vCPU gets its own stack. */
#define GUEST_MAX_VCPUS		8

struct guest_slot {
	uint32_t id;
	uint32_t flags;		/* KVM_MEM_* */
	uint64_t gpa;
	uint64_t size;
	void *hva;		/* anonymous memory backing the slot */
};

/*
 * One vCPU of a guest_vm, for tests with more than one: vcpu_add() makes
 * one, guest_vcpu0() gives the handle of the VM's first vCPU.  Each has
 * its own fd and kvm_run mapping; the gvcpu_*() helpers below take it.
 */
struct guest_vcpu {
	struct guest_vm *vm;
	uint32_t id;
	int fd;
	struct kvm_run *run;
	size_t run_size;
};

struct guest_vm {
	int dev;		/* HVM_DEV */
	int vm;
	int vcpu;		/* vCPU 0: the single-vCPU API uses it */
	struct kvm_run *run;
	size_t run_size;
	unsigned int nr_slots;
	struct guest_slot slots[GUEST_MAX_SLOTS];
	/* [0] describes vCPU 0 above; vcpu_add() fills the others. */
	struct guest_vcpu *vcpus[GUEST_MAX_VCPUS];
};

/*
 * Opens HVM_DEV, creates a VM with slot 0 of @mem_size bytes (page
 * multiple, at least GUEST_MEM_MIN) at GPA 0, one vCPU (id 0) and its
 * kvm_run mapping, and writes the GDT, TSS, IDT and page tables of the
 * layout above.  The vCPU stays in its reset state until
 * guest_set_mode().  Dies (exit 1, with a message) if any step fails:
 * a test cannot go on without its VM.
 */
struct guest_vm *vm_create_with_vcpu(size_t mem_size);
/* The same on the device at @path instead of HVM_DEV. */
struct guest_vm *vm_create_with_vcpu_on(const char *path, size_t mem_size);
void vm_destroy(struct guest_vm *vm);

/*
 * Adds slot @id of @size bytes of fresh anonymous memory at @gpa, with
 * KVM_MEM_* @flags (e.g. KVM_MEM_READONLY).  Returns the host address of
 * its memory.  Dies on failure.
 */
void *vm_add_slot(struct guest_vm *vm, uint32_t id, uint64_t gpa,
		  uint64_t size, uint32_t flags);
/* The same, returning 0 or the ioctl's errno instead of dying. */
int vm_try_add_slot(struct guest_vm *vm, uint32_t id, uint64_t gpa,
		    uint64_t size, uint32_t flags, void **hva);

/* Host address of guest-physical @gpa, or NULL outside every slot. */
void *guest_hva(struct guest_vm *vm, uint64_t gpa);
/* Copy to / from guest memory; die if the range is not in one slot. */
void guest_write(struct guest_vm *vm, uint64_t gpa, const void *src,
		 size_t len);
void guest_read(struct guest_vm *vm, uint64_t gpa, void *dst, size_t len);

/* Copies the blob [start, end) to GUEST_CODE_GPA. */
void guest_load_code(struct guest_vm *vm, const char *start,
		     const char *end);

/*
 * Sets CR0/CR4/EFER, the segments, GDTR/IDTR and TR for @mode through
 * KVM_SET_SREGS, then the general registers through KVM_SET_REGS: RIP at
 * GUEST_CODE_GPA, the stack at GUEST_STACK_TOP, RFLAGS with only the
 * fixed bit, everything else 0.  Dies on failure.
 */
void guest_set_mode(struct guest_vm *vm, enum guest_mode mode);
/* Load the blob and enter @mode at its first byte. */
void guest_start(struct guest_vm *vm, enum guest_mode mode,
		 const char *start, const char *end);

/* Points 64-bit IDT gate @vector at @handler_gpa (interrupt gate, DPL 0). */
void guest_set_idt_gate(struct guest_vm *vm, unsigned int vector,
			uint64_t handler_gpa);

/* Register access; all die on failure. */
void vcpu_get_regs(struct guest_vm *vm, struct kvm_regs *regs);
void vcpu_set_regs(struct guest_vm *vm, const struct kvm_regs *regs);
void vcpu_get_sregs(struct guest_vm *vm, struct kvm_sregs *sregs);
void vcpu_set_sregs(struct guest_vm *vm, const struct kvm_sregs *sregs);
uint64_t vcpu_get_rip(struct guest_vm *vm);

/*
 * KVM_RUN once.  Returns run->exit_reason when the ioctl succeeds, else
 * -errno (e.g. -EINTR): negative values never collide with exit reasons.
 */
int vcpu_run(struct guest_vm *vm);

/* The data of the last KVM_EXIT_IO: run->io.data_offset into kvm_run. */
void *vcpu_io_data(struct guest_vm *vm);
/* Its first element (run->io.size bytes), zero-extended. */
uint64_t vcpu_io_value(struct guest_vm *vm);
/* Element @i of a string I/O exit. */
uint64_t vcpu_io_element(struct guest_vm *vm, unsigned int i);
/* Fills every element of an IN exit with @value (to run->io.size bytes). */
void vcpu_io_complete_in(struct guest_vm *vm, uint64_t value);
/* Writes element @i of an IN exit. */
void vcpu_io_set_element(struct guest_vm *vm, unsigned int i,
			 uint64_t value);

/* Was the last exit an OUT to GUEST_PORT_REPORT? */
bool vcpu_is_report(struct guest_vm *vm);
/* Value of the last MMIO write exit (run->mmio.len bytes). */
uint64_t vcpu_mmio_value(struct guest_vm *vm);
/* Completes an MMIO read exit: the guest's load returns @value. */
void vcpu_mmio_complete_read(struct guest_vm *vm, uint64_t value);

/*
 * More than one vCPU.  vcpu_add() creates vCPU @id (1 .. GUEST_MAX_VCPUS
 * - 1) in @vm with its kvm_run mapping; vm_destroy() closes it.  The
 * handle of vCPU 0 (the one the functions above use) is guest_vcpu0().
 * A handle may be used from any thread, one thread at a time.  All die
 * on failure, except gvcpu_run(), which returns as vcpu_run() does.
 */
struct guest_vcpu *vcpu_add(struct guest_vm *vm, uint32_t id);
struct guest_vcpu *guest_vcpu0(struct guest_vm *vm);
/*
 * guest_set_mode() for one vCPU: the same state, but the stack of vCPU
 * @id (GUEST_VCPU_STACK); RIP is GUEST_CODE_GPA, the code is not loaded.
 */
void gvcpu_set_mode(struct guest_vcpu *v, enum guest_mode mode);
void gvcpu_get_regs(struct guest_vcpu *v, struct kvm_regs *regs);
void gvcpu_set_regs(struct guest_vcpu *v, const struct kvm_regs *regs);
void gvcpu_get_sregs(struct guest_vcpu *v, struct kvm_sregs *sregs);
void gvcpu_set_sregs(struct guest_vcpu *v, const struct kvm_sregs *sregs);
int gvcpu_run(struct guest_vcpu *v);
bool gvcpu_is_report(struct guest_vcpu *v);
/* First element of the last I/O exit, as vcpu_io_value(). */
uint64_t gvcpu_io_value(struct guest_vcpu *v);
uint64_t gvcpu_mmio_value(struct guest_vcpu *v);
void gvcpu_mmio_complete_read(struct guest_vcpu *v, uint64_t value);
/* vcpu_exit_str() for @v; the buffer is per thread. */
const char *gvcpu_exit_str(struct guest_vcpu *v);

/* Name of a KVM_EXIT_* for messages ("IO", "HLT", ... or "?"). */
const char *exit_reason_str(int reason);
/* One line describing the last exit (reason and its details), for logs. */
const char *vcpu_exit_str(struct guest_vm *vm);

/*
 * KVM_GET_SUPPORTED_CPUID on the system fd: a malloc()ed table, or NULL
 * with errno set.
 */
struct kvm_cpuid2 *get_supported_cpuid(struct guest_vm *vm);
/* The entry for @function/@index in @cpuid, or NULL. */
struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *cpuid,
				    uint32_t function, uint32_t index);

/* Is the host CPU (and so the hardware backend) AMD's? */
bool host_cpu_is_amd(void);

#endif /* !__ASSEMBLER__ */

#endif /* HVM_GUEST_H */
