// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest-running helpers for the hvmod selftests; see guest.h.
 *
 * Only ioctls of <linux/kvm.h> are used, with KVM 6.1 semantics, so that
 * the same binary runs on /dev/hvm and /dev/kvm (kvm-amd or kvm-intel).
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "guest.h"
#include "hvm_test.h"

/* Page-table entry bits (APM vol. 2, 5.3 / SDM vol. 3, 4.5). */
#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)
#define PT_ENTRIES	512
#define PAGE_4K		0x1000ULL
#define PAGE_2M		(1ULL << 21)
#define GIB		(1ULL << 30)

#define GUEST_PML4_GPA	GUEST_PT_GPA
#define GUEST_PDPT_GPA	(GUEST_PT_GPA + PAGE_4K)
#define GUEST_PD_GPA	(GUEST_PT_GPA + 2 * PAGE_4K)

/* Segment types (S = 1): execute/read accessed code, read/write data. */
#define SEG_TYPE_CODE	0xb
#define SEG_TYPE_DATA	0x3
/* System type 0xb: busy TSS (32-bit, or 64-bit in long mode). */
#define SEG_TYPE_TSS	0xb
#define TSS_LIMIT	0x67	/* the 104-byte TSS, no I/O bitmap */
#define REAL_LIMIT	0xffff

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "guest: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	/* Any non-zero status fails the harness test that called us. */
	exit(1);
}

static void vm_ioctl_or_die(int fd, unsigned long req, void *arg,
			    const char *what)
{
	if (ioctl(fd, req, arg) < 0)
		die("%s on %s: %s", what, dev_path(), strerror(errno));
}

int vm_try_add_slot(struct guest_vm *vm, uint32_t id, uint64_t gpa,
		    uint64_t size, uint32_t flags, void **hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = id,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
	};
	struct guest_slot *s;
	void *mem;
	int err;

	if (vm->nr_slots == GUEST_MAX_SLOTS)
		return ENOSPC;
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return errno;
	r.userspace_addr = (uintptr_t)mem;
	err = ioctl_errno(vm->vm, KVM_SET_USER_MEMORY_REGION,
			  (unsigned long)&r);
	if (err) {
		munmap(mem, size);
		return err;
	}
	s = &vm->slots[vm->nr_slots++];
	s->id = id;
	s->flags = flags;
	s->gpa = gpa;
	s->size = size;
	s->hva = mem;
	if (hva)
		*hva = mem;
	return 0;
}

void *vm_add_slot(struct guest_vm *vm, uint32_t id, uint64_t gpa,
		  uint64_t size, uint32_t flags)
{
	void *hva;
	int err;

	err = vm_try_add_slot(vm, id, gpa, size, flags, &hva);
	if (err)
		die("slot %u at %#llx (%#llx bytes, flags %#x): %s", id,
		    (unsigned long long)gpa, (unsigned long long)size, flags,
		    strerror(err));
	return hva;
}

void *guest_hva(struct guest_vm *vm, uint64_t gpa)
{
	unsigned int i;

	for (i = 0; i < vm->nr_slots; i++) {
		struct guest_slot *s = &vm->slots[i];

		if (gpa >= s->gpa && gpa - s->gpa < s->size)
			return (char *)s->hva + (gpa - s->gpa);
	}
	return NULL;
}

/* Host address of [gpa, gpa + len), which must lie in one slot. */
static void *guest_range(struct guest_vm *vm, uint64_t gpa, size_t len)
{
	char *first = guest_hva(vm, gpa);

	if (!first || (len && guest_hva(vm, gpa + len - 1) !=
		       first + len - 1))
		die("GPA range %#llx+%#zx is not in one slot",
		    (unsigned long long)gpa, len);
	return first;
}

void guest_write(struct guest_vm *vm, uint64_t gpa, const void *src,
		 size_t len)
{
	memcpy(guest_range(vm, gpa, len), src, len);
}

void guest_read(struct guest_vm *vm, uint64_t gpa, void *dst, size_t len)
{
	memcpy(dst, guest_range(vm, gpa, len), len);
}

/* An 8-byte code or data descriptor, flat base 0 and 4 GiB limit. */
static uint64_t flat_descriptor(unsigned int type, bool l, bool db)
{
	uint64_t d = 0xffff;				/* limit 15:0 */

	d |= (uint64_t)(0x10 | type) << 40;		/* S = 1, type */
	d |= 1ULL << 47;				/* P */
	d |= 0xfULL << 48;				/* limit 19:16 */
	d |= (uint64_t)l << 53;
	d |= (uint64_t)db << 54;
	d |= 1ULL << 55;				/* G */
	return d;
}

/*
 * The GDT: the selectors of guest.h, and a busy TSS descriptor.  Its
 * first 8 bytes are also a valid 32-bit TSS descriptor, so protected mode
 * uses the same TR; the upper 8 (base 63:32) are 0.
 */
static void write_gdt(struct guest_vm *vm)
{
	uint64_t gdt[GUEST_GDT_SIZE / 8] = { 0 };
	uint64_t tss = TSS_LIMIT;

	gdt[GUEST_SEL_CODE64 / 8] = flat_descriptor(SEG_TYPE_CODE, true,
						    false);
	gdt[GUEST_SEL_DATA / 8] = flat_descriptor(SEG_TYPE_DATA, false, true);
	gdt[GUEST_SEL_CODE32 / 8] = flat_descriptor(SEG_TYPE_CODE, false,
						    true);
	tss |= (uint64_t)(GUEST_TSS_GPA & 0xffffff) << 16;
	tss |= (uint64_t)SEG_TYPE_TSS << 40;
	tss |= 1ULL << 47;				/* P */
	tss |= (uint64_t)((GUEST_TSS_GPA >> 24) & 0xff) << 56;
	gdt[GUEST_SEL_TSS / 8] = tss;
	guest_write(vm, GUEST_GDT_GPA, gdt, sizeof(gdt));
}

/*
 * 4-level tables mapping the first GUEST_IDMAP_GIB GiB 1:1 with 2 MiB
 * pages, writable.  Addresses without a slot are mapped too: MMIO tests
 * need guest-virtual access to them.
 */
static void write_page_tables(struct guest_vm *vm)
{
	uint64_t *pml4 = guest_range(vm, GUEST_PML4_GPA, PAGE_4K);
	uint64_t *pdpt = guest_range(vm, GUEST_PDPT_GPA, PAGE_4K);
	uint64_t *pd = guest_range(vm, GUEST_PD_GPA,
				   GUEST_IDMAP_GIB * PAGE_4K);
	unsigned int i;

	pml4[0] = GUEST_PDPT_GPA | PTE_P | PTE_RW;
	for (i = 0; i < GUEST_IDMAP_GIB; i++)
		pdpt[i] = (GUEST_PD_GPA + i * PAGE_4K) | PTE_P | PTE_RW;
	for (i = 0; i < GUEST_IDMAP_GIB * PT_ENTRIES; i++)
		pd[i] = (uint64_t)i * PAGE_2M | PTE_P | PTE_RW | PTE_PS;
}

static struct kvm_run *map_run(struct guest_vm *vm, int vcpu_fd,
				size_t *run_size)
{
	long size = ioctl_value(vm->dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_run *run;

	if (size < (long)sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE: %ld", size);
	*run_size = size;
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd,
		   0);
	if (run == MAP_FAILED)
		die("mmap of the vCPU: %s", strerror(errno));
	return run;
}

static struct guest_vcpu *new_vcpu_handle(struct guest_vm *vm, uint32_t id,
					  int fd, struct kvm_run *run,
					  size_t run_size)
{
	struct guest_vcpu *v = calloc(1, sizeof(*v));

	if (!v)
		die("out of memory");
	v->vm = vm;
	v->id = id;
	v->fd = fd;
	v->run = run;
	v->run_size = run_size;
	return v;
}

struct guest_vcpu *vcpu_add(struct guest_vm *vm, uint32_t id)
{
	struct kvm_run *run;
	size_t run_size;
	int fd;

	if (!id || id >= GUEST_MAX_VCPUS || vm->vcpus[id])
		die("vcpu_add: bad or used id %u", id);
	fd = vcpu_create(vm->vm, id);
	if (fd < 0)
		die("KVM_CREATE_VCPU %u: %s", id, strerror(-fd));
	run = map_run(vm, fd, &run_size);
	vm->vcpus[id] = new_vcpu_handle(vm, id, fd, run, run_size);
	return vm->vcpus[id];
}

struct guest_vcpu *guest_vcpu0(struct guest_vm *vm)
{
	return vm->vcpus[0];
}

struct guest_vm *vm_create_with_vcpu_on(const char *path, size_t mem_size)
{
	struct guest_vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		die("out of memory");
	if (mem_size < GUEST_MEM_MIN || mem_size % page_size())
		die("bad guest memory size %#zx", mem_size);
	vm->dev = dev_open_path(path);
	if (vm->dev < 0)
		die("open %s: %s", path, strerror(-vm->dev));
	vm->vm = vm_create(vm->dev);
	if (vm->vm < 0)
		die("KVM_CREATE_VM on %s: %s", path, strerror(-vm->vm));
	vm_add_slot(vm, 0, 0, mem_size, 0);
	vm->vcpu = vcpu_create(vm->vm, 0);
	if (vm->vcpu < 0)
		die("KVM_CREATE_VCPU: %s", strerror(-vm->vcpu));
	vm->run = map_run(vm, vm->vcpu, &vm->run_size);
	vm->vcpus[0] = new_vcpu_handle(vm, 0, vm->vcpu, vm->run,
				       vm->run_size);
	write_gdt(vm);
	write_page_tables(vm);
	/* The IDT and TSS pages stay zero: no gates, no stacks. */
	return vm;
}

struct guest_vm *vm_create_with_vcpu(size_t mem_size)
{
	return vm_create_with_vcpu_on(dev_path(), mem_size);
}

void vm_destroy(struct guest_vm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	for (i = 1; i < GUEST_MAX_VCPUS; i++) {
		struct guest_vcpu *v = vm->vcpus[i];

		if (!v)
			continue;
		munmap(v->run, v->run_size);
		close(v->fd);
		free(v);
	}
	free(vm->vcpus[0]);
	munmap(vm->run, vm->run_size);
	close(vm->vcpu);
	close(vm->vm);
	close(vm->dev);
	for (i = 0; i < vm->nr_slots; i++)
		munmap(vm->slots[i].hva, vm->slots[i].size);
	free(vm);
}

void guest_load_code(struct guest_vm *vm, const char *start,
		     const char *end)
{
	size_t len = end - start;

	if (len > GUEST_CODE_MAX)
		die("guest code of %zu bytes is larger than %u", len,
		    GUEST_CODE_MAX);
	guest_write(vm, GUEST_CODE_GPA, start, len);
}

static struct kvm_segment segment(uint16_t sel, uint64_t base,
				  uint32_t limit, uint8_t type)
{
	struct kvm_segment s = {
		.base = base,
		.limit = limit,
		.selector = sel,
		.type = type,
		.present = 1,
		.s = 1,
	};

	return s;
}

/* A flat 4 GiB segment; @l for 64-bit code (which needs D = 0). */
static struct kvm_segment flat_segment(uint16_t sel, uint8_t type, bool l)
{
	struct kvm_segment s = segment(sel, 0, 0xffffffff, type);

	s.g = 1;
	s.l = l;
	s.db = !l;
	return s;
}

static void set_data_segments(struct kvm_sregs *sr, struct kvm_segment seg)
{
	sr->ds = seg;
	sr->es = seg;
	sr->fs = seg;
	sr->gs = seg;
	sr->ss = seg;
}

/*
 * Real mode as after reset but with CS = 0 (not 0xf000 with base
 * 0xffff0000): code at GUEST_CODE_GPA is at offset GUEST_CODE_GPA.
 * CD and NW are cleared: nothing here wants the caches off.
 */
static void sregs_real(struct kvm_sregs *sr)
{
	sr->cr0 = X86_CR0_ET;
	sr->cr4 = 0;
	sr->efer = 0;
	sr->cs = segment(0, 0, REAL_LIMIT, SEG_TYPE_CODE);
	set_data_segments(sr, segment(0, 0, REAL_LIMIT, SEG_TYPE_DATA));
	sr->ss = segment(GUEST_STACK_SEG16, GUEST_STACK_SEG16 << 4,
			 REAL_LIMIT, SEG_TYPE_DATA);
	/* The interrupt vector table at 0 (all zero: no handlers). */
	sr->idt.base = 0;
	sr->idt.limit = 0x3ff;
}

/*
 * TR: VM entry on VT-x requires a usable busy TSS in protected and long
 * mode (SDM vol. 3, 27.3.1.2); SVM does not check, but the same state
 * keeps the tests portable.  LDTR keeps its reset value (usable, empty).
 */
static void set_tr(struct kvm_sregs *sr)
{
	sr->tr = segment(GUEST_SEL_TSS, GUEST_TSS_GPA, TSS_LIMIT,
			 SEG_TYPE_TSS);
	sr->tr.s = 0;
	sr->gdt.base = GUEST_GDT_GPA;
	sr->gdt.limit = GUEST_GDT_SIZE - 1;
}

static void sregs_prot32(struct kvm_sregs *sr)
{
	sr->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE;
	sr->cr4 = 0;
	sr->efer = 0;
	sr->cs = flat_segment(GUEST_SEL_CODE32, SEG_TYPE_CODE, false);
	set_data_segments(sr, flat_segment(GUEST_SEL_DATA, SEG_TYPE_DATA,
					   false));
	set_tr(sr);
	/* 256 8-byte gates at GUEST_IDT_GPA, all absent. */
	sr->idt.base = GUEST_IDT_GPA;
	sr->idt.limit = 256 * 8 - 1;
}

static void sregs_long64(struct kvm_sregs *sr)
{
	sr->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_PG;
	sr->cr3 = GUEST_PML4_GPA;
	sr->cr4 = X86_CR4_PAE;
	sr->efer = EFER_LME | EFER_LMA;
	sr->cs = flat_segment(GUEST_SEL_CODE64, SEG_TYPE_CODE, true);
	set_data_segments(sr, flat_segment(GUEST_SEL_DATA, SEG_TYPE_DATA,
					   false));
	set_tr(sr);
	sr->idt.base = GUEST_IDT_GPA;
	sr->idt.limit = 256 * 16 - 1;
}

/*
 * The single-vCPU API works on vm->vcpu / vm->run as they are, through
 * a handle made on the spot.
 */
static struct guest_vcpu vcpu0_of(struct guest_vm *vm)
{
	struct guest_vcpu v = {
		.vm = vm,
		.id = 0,
		.fd = vm->vcpu,
		.run = vm->run,
		.run_size = vm->run_size,
	};

	return v;
}

void gvcpu_set_mode(struct guest_vcpu *v, enum guest_mode mode)
{
	struct kvm_sregs sr;
	struct kvm_regs regs = {
		.rip = GUEST_CODE_GPA,
		.rsp = GUEST_STACK_TOP - v->id * GUEST_VCPU_STACK,
		.rflags = X86_RFLAGS_FIXED,
	};

	/* Start from the vCPU's own values for what is not set here. */
	gvcpu_get_sregs(v, &sr);
	switch (mode) {
	case GUEST_MODE_REAL:
		sregs_real(&sr);
		regs.rsp -= (GUEST_STACK_SEG16 << 4) + 0x10;
		break;
	case GUEST_MODE_PROT32:
		sregs_prot32(&sr);
		break;
	case GUEST_MODE_LONG64:
		sregs_long64(&sr);
		break;
	}
	gvcpu_set_sregs(v, &sr);
	gvcpu_set_regs(v, &regs);
}

void guest_set_mode(struct guest_vm *vm, enum guest_mode mode)
{
	struct guest_vcpu v = vcpu0_of(vm);

	gvcpu_set_mode(&v, mode);
}

void guest_start(struct guest_vm *vm, enum guest_mode mode,
		 const char *start, const char *end)
{
	guest_load_code(vm, start, end);
	guest_set_mode(vm, mode);
}

void guest_set_idt_gate(struct guest_vm *vm, unsigned int vector,
			uint64_t handler_gpa)
{
	uint64_t gate[2];

	if (vector > 255)
		die("IDT vector %u", vector);
	gate[0] = handler_gpa & 0xffff;
	gate[0] |= (uint64_t)GUEST_SEL_CODE64 << 16;
	gate[0] |= 0xeULL << 40;			/* interrupt gate */
	gate[0] |= 1ULL << 47;				/* P, DPL 0 */
	gate[0] |= ((handler_gpa >> 16) & 0xffff) << 48;
	gate[1] = handler_gpa >> 32;
	guest_write(vm, GUEST_IDT_GPA + vector * 16, gate, sizeof(gate));
}

void gvcpu_get_regs(struct guest_vcpu *v, struct kvm_regs *regs)
{
	vm_ioctl_or_die(v->fd, KVM_GET_REGS, regs, "KVM_GET_REGS");
}

void gvcpu_set_regs(struct guest_vcpu *v, const struct kvm_regs *regs)
{
	vm_ioctl_or_die(v->fd, KVM_SET_REGS, (void *)regs, "KVM_SET_REGS");
}

void gvcpu_get_sregs(struct guest_vcpu *v, struct kvm_sregs *sregs)
{
	vm_ioctl_or_die(v->fd, KVM_GET_SREGS, sregs, "KVM_GET_SREGS");
}

void gvcpu_set_sregs(struct guest_vcpu *v, const struct kvm_sregs *sregs)
{
	vm_ioctl_or_die(v->fd, KVM_SET_SREGS, (void *)sregs,
			"KVM_SET_SREGS");
}

void vcpu_get_regs(struct guest_vm *vm, struct kvm_regs *regs)
{
	vm_ioctl_or_die(vm->vcpu, KVM_GET_REGS, regs, "KVM_GET_REGS");
}

void vcpu_set_regs(struct guest_vm *vm, const struct kvm_regs *regs)
{
	vm_ioctl_or_die(vm->vcpu, KVM_SET_REGS, (void *)regs,
			"KVM_SET_REGS");
}

void vcpu_get_sregs(struct guest_vm *vm, struct kvm_sregs *sregs)
{
	vm_ioctl_or_die(vm->vcpu, KVM_GET_SREGS, sregs, "KVM_GET_SREGS");
}

void vcpu_set_sregs(struct guest_vm *vm, const struct kvm_sregs *sregs)
{
	vm_ioctl_or_die(vm->vcpu, KVM_SET_SREGS, (void *)sregs,
			"KVM_SET_SREGS");
}

uint64_t vcpu_get_rip(struct guest_vm *vm)
{
	struct kvm_regs regs;

	vcpu_get_regs(vm, &regs);
	return regs.rip;
}

int gvcpu_run(struct guest_vcpu *v)
{
	if (ioctl(v->fd, KVM_RUN, 0) < 0)
		return -errno;
	return v->run->exit_reason;
}

int vcpu_run(struct guest_vm *vm)
{
	struct guest_vcpu v = vcpu0_of(vm);

	return gvcpu_run(&v);
}

void *vcpu_io_data(struct guest_vm *vm)
{
	return (char *)vm->run + vm->run->io.data_offset;
}

/* Little-endian load or store of @size bytes (1, 2, 4 or 8). */
static uint64_t load_le(const void *p, unsigned int size)
{
	uint64_t v = 0;

	memcpy(&v, p, size < sizeof(v) ? size : sizeof(v));
	return v;
}

static void store_le(void *p, unsigned int size, uint64_t v)
{
	memcpy(p, &v, size < sizeof(v) ? size : sizeof(v));
}

uint64_t vcpu_io_element(struct guest_vm *vm, unsigned int i)
{
	char *data = vcpu_io_data(vm);

	return load_le(data + i * vm->run->io.size, vm->run->io.size);
}

uint64_t vcpu_io_value(struct guest_vm *vm)
{
	return vcpu_io_element(vm, 0);
}

void vcpu_io_set_element(struct guest_vm *vm, unsigned int i,
			 uint64_t value)
{
	char *data = vcpu_io_data(vm);

	store_le(data + i * vm->run->io.size, vm->run->io.size, value);
}

void vcpu_io_complete_in(struct guest_vm *vm, uint64_t value)
{
	unsigned int i;

	for (i = 0; i < vm->run->io.count; i++)
		vcpu_io_set_element(vm, i, value);
}

bool gvcpu_is_report(struct guest_vcpu *v)
{
	return v->run->exit_reason == KVM_EXIT_IO &&
	       v->run->io.direction == KVM_EXIT_IO_OUT &&
	       v->run->io.port == GUEST_PORT_REPORT &&
	       v->run->io.count == 1;
}

bool vcpu_is_report(struct guest_vm *vm)
{
	struct guest_vcpu v = vcpu0_of(vm);

	return gvcpu_is_report(&v);
}

uint64_t gvcpu_io_value(struct guest_vcpu *v)
{
	return load_le((char *)v->run + v->run->io.data_offset,
		       v->run->io.size);
}

uint64_t gvcpu_mmio_value(struct guest_vcpu *v)
{
	return load_le(v->run->mmio.data, v->run->mmio.len);
}

void gvcpu_mmio_complete_read(struct guest_vcpu *v, uint64_t value)
{
	store_le(v->run->mmio.data, v->run->mmio.len, value);
}

uint64_t vcpu_mmio_value(struct guest_vm *vm)
{
	struct guest_vcpu v = vcpu0_of(vm);

	return gvcpu_mmio_value(&v);
}

void vcpu_mmio_complete_read(struct guest_vm *vm, uint64_t value)
{
	struct guest_vcpu v = vcpu0_of(vm);

	gvcpu_mmio_complete_read(&v, value);
}

static const char * const exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "EXCEPTION",
	[KVM_EXIT_IO] = "IO",
	[KVM_EXIT_HYPERCALL] = "HYPERCALL",
	[KVM_EXIT_DEBUG] = "DEBUG",
	[KVM_EXIT_HLT] = "HLT",
	[KVM_EXIT_MMIO] = "MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
	[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
	[KVM_EXIT_INTR] = "INTR",
	[KVM_EXIT_SET_TPR] = "SET_TPR",
	[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
	[KVM_EXIT_NMI] = "NMI",
	[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	[KVM_EXIT_X86_RDMSR] = "X86_RDMSR",
	[KVM_EXIT_X86_WRMSR] = "X86_WRMSR",
};

const char *exit_reason_str(int reason)
{
	if (reason < 0 || reason >= (int)(sizeof(exit_names) /
					  sizeof(exit_names[0])) ||
	    !exit_names[reason])
		return "?";
	return exit_names[reason];
}

static int exit_details(struct guest_vcpu *v, char *buf, size_t len)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return snprintf(buf, len, " %s port %#x size %u count %u"
				" data %#llx",
				run->io.direction == KVM_EXIT_IO_OUT ?
				"out" : "in", run->io.port, run->io.size,
				run->io.count,
				(unsigned long long)gvcpu_io_value(v));
	case KVM_EXIT_MMIO:
		return snprintf(buf, len, " %s gpa %#llx len %u data %#llx",
				run->mmio.is_write ? "write" : "read",
				(unsigned long long)run->mmio.phys_addr,
				run->mmio.len,
				(unsigned long long)gvcpu_mmio_value(v));
	case KVM_EXIT_FAIL_ENTRY:
		return snprintf(buf, len, " reason %#llx",
				(unsigned long long)
				run->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		return snprintf(buf, len, " suberror %u ndata %u",
				run->internal.suberror, run->internal.ndata);
	}
	return 0;
}

const char *gvcpu_exit_str(struct guest_vcpu *v)
{
	static __thread char buf[256];
	struct kvm_regs regs;
	int n;

	n = snprintf(buf, sizeof(buf), "exit %u (%s)", v->run->exit_reason,
		     exit_reason_str(v->run->exit_reason));
	n += exit_details(v, buf + n, sizeof(buf) - n);
	/* Not gvcpu_get_regs(): a message must not kill the test. */
	if (!ioctl(v->fd, KVM_GET_REGS, &regs))
		snprintf(buf + n, sizeof(buf) - n, " rip %#llx",
			 (unsigned long long)regs.rip);
	return buf;
}

const char *vcpu_exit_str(struct guest_vm *vm)
{
	struct guest_vcpu v = vcpu0_of(vm);

	return gvcpu_exit_str(&v);
}

struct kvm_cpuid2 *get_supported_cpuid(struct guest_vm *vm)
{
	struct kvm_cpuid2 *cpuid = NULL;
	unsigned int nent;

	/* The table's size is not known up front: grow until it fits. */
	for (nent = 64; nent <= 4096; nent *= 2) {
		free(cpuid);
		cpuid = calloc(1, sizeof(*cpuid) +
			       nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return NULL;
		cpuid->nent = nent;
		if (!ioctl(vm->dev, KVM_GET_SUPPORTED_CPUID, cpuid))
			return cpuid;
		if (errno != E2BIG)
			break;
	}
	free(cpuid);
	return NULL;
}

struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *cpuid,
				    uint32_t function, uint32_t index)
{
	unsigned int i;

	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function != function)
			continue;
		if (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		    e->index == index)
			return e;
	}
	return NULL;
}

bool host_cpu_is_amd(void)
{
	unsigned int eax, ebx, ecx, edx;

	__cpuid(0, eax, ebx, ecx, edx);
	/* "AuthenticAMD" (and Hygon's "HygonGenuine", also SVM). */
	return (ebx == 0x68747541 && ecx == 0x444d4163 &&
		edx == 0x69746e65) ||
	       (ebx == 0x6f677948 && ecx == 0x656e6975 &&
		edx == 0x6e65476e);
}
