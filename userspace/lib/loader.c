// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest image loaders (see loader.h). Every size and offset read from an
 * image is checked against the image and against guest memory before it
 * is used, with overflow-safe arithmetic: a bad image is a message, never
 * a write outside the buffers.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "loader.h"

struct ctx {
	const struct hvt_image *img;
	uint8_t *mem;
	uint64_t mem_size;
	struct hvt_boot *boot;
	char *err;
	size_t errlen;
};

static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

const char *hvt_kind_name(enum hvt_kind kind)
{
	switch (kind) {
	case HVT_FLAT: return "flat binary";
	case HVT_ELF32: return "ELF32";
	case HVT_ELF64: return "ELF64";
	case HVT_MULTIBOOT: return "Multiboot";
	}
	return "?";
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *mem, uint64_t gpa, uint32_t v)
{
	memcpy(mem + gpa, &v, 4);
}

static void put64(uint8_t *mem, uint64_t gpa, uint64_t v)
{
	memcpy(mem + gpa, &v, 8);
}

/* [start, start + len) lies in the image file. */
static int in_file(const struct ctx *c, uint64_t off, uint64_t len)
{
	return off <= c->img->size && len <= c->img->size - off;
}

/*
 * [gpa, gpa + len) may receive image bytes: inside guest memory and
 * clear of the boot area (when there is one).
 */
static int place(struct ctx *c, const char *what, uint64_t gpa, uint64_t len,
		 int boot_area)
{
	if (gpa > c->mem_size || len > c->mem_size - gpa)
		return fail(c, "%s at %#llx-%#llx is outside guest memory (%llu MiB)",
			    what, (unsigned long long)gpa,
			    (unsigned long long)(gpa + len),
			    (unsigned long long)(c->mem_size >> 20));
	if (boot_area && len && gpa < HVT_BOOT_AREA_END &&
	    gpa + len > HVT_BOOT_AREA_START)
		return fail(c, "%s at %#llx-%#llx overlaps hvtool's boot area %#x-%#x",
			    what, (unsigned long long)gpa,
			    (unsigned long long)(gpa + len),
			    HVT_BOOT_AREA_START, HVT_BOOT_AREA_END);
	if (gpa < c->boot->image_start)
		c->boot->image_start = gpa;
	if (gpa + len > c->boot->image_end)
		c->boot->image_end = gpa + len;
	return 0;
}

long hvt_mb_find_header(const uint8_t *data, size_t size)
{
	size_t off, lim = size < MB_SEARCH_LEN ? size : MB_SEARCH_LEN;

	for (off = 0; off + 12 <= lim; off += 4) {
		uint32_t magic = get32(data + off);

		if (magic == MB_HEADER_MAGIC &&
		    (uint32_t)(magic + get32(data + off + 4) +
			       get32(data + off + 8)) == 0)
			return off;
	}
	return -1;
}

/* One PT_LOAD segment, from either ELF class. */
static int load_segment(struct ctx *c, unsigned int i, uint64_t off,
			uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
	char what[32];

	snprintf(what, sizeof(what), "segment %u", i);
	if (filesz > memsz)
		return fail(c, "ELF %s: file size %#llx above memory size %#llx",
			    what, (unsigned long long)filesz,
			    (unsigned long long)memsz);
	if (!in_file(c, off, filesz))
		return fail(c, "ELF %s: bytes %#llx+%#llx beyond the end of the file (%zu bytes)",
			    what, (unsigned long long)off,
			    (unsigned long long)filesz, c->img->size);
	if (place(c, what, paddr, memsz, 1))
		return -1;
	memcpy(c->mem + paddr, (const uint8_t *)c->img->data + off, filesz);
	memset(c->mem + paddr + filesz, 0, memsz - filesz);
	return 0;
}

static int load_elf(struct ctx *c)
{
	const uint8_t *d = c->img->data;
	int is64;
	uint64_t phoff, entry, off, paddr, filesz, memsz;
	unsigned int phnum, phentsize, machine, i, loads = 0;
	size_t want_phentsize;
	uint32_t type;
	int entry_ok = 0;

	if (c->img->size < EI_NIDENT)
		return fail(c, "ELF identification truncated (%zu bytes)",
			    c->img->size);
	if (d[EI_CLASS] != ELFCLASS32 && d[EI_CLASS] != ELFCLASS64)
		return fail(c, "ELF class %u is neither ELF32 nor ELF64",
			    d[EI_CLASS]);
	is64 = d[EI_CLASS] == ELFCLASS64;
	if (d[EI_DATA] != ELFDATA2LSB)
		return fail(c, "not a little-endian ELF image");
	if (c->img->size < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return fail(c, "ELF header truncated (%zu bytes)", c->img->size);
	/* The header fields both widths have, then one set of checks. */
	if (is64) {
		Elf64_Ehdr h;

		memcpy(&h, d, sizeof(h));
		machine = h.e_machine;
		type = h.e_type;
		phoff = h.e_phoff;
		phnum = h.e_phnum;
		phentsize = h.e_phentsize;
		entry = h.e_entry;
	} else {
		Elf32_Ehdr h;

		memcpy(&h, d, sizeof(h));
		machine = h.e_machine;
		type = h.e_type;
		phoff = h.e_phoff;
		phnum = h.e_phnum;
		phentsize = h.e_phentsize;
		entry = h.e_entry;
	}
	if (is64 && machine != EM_X86_64)
		return fail(c, "ELF64 machine %u is not x86-64", machine);
	if (!is64 && machine != EM_386)
		return fail(c, "ELF32 machine %u is not i386", machine);
	if (type != ET_EXEC)
		return fail(c, "ELF type %u is not an executable (ET_EXEC)", type);
	want_phentsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (phentsize != want_phentsize)
		return fail(c, "ELF program header size %u, expected %zu",
			    phentsize, want_phentsize);
	if (d[EI_VERSION] != EV_CURRENT)
		return fail(c, "ELF version %u unknown", d[EI_VERSION]);
	if (!phnum || !in_file(c, phoff, (uint64_t)phnum * phentsize))
		return fail(c, "ELF program headers (%u at %#llx) outside the file",
			    phnum, (unsigned long long)phoff);
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = d + phoff + (uint64_t)i * phentsize;
		uint64_t vaddr;

		if (is64) {
			Elf64_Phdr p;

			memcpy(&p, ph, sizeof(p));
			type = p.p_type;
			off = p.p_offset;
			vaddr = p.p_vaddr;
			paddr = p.p_paddr;
			filesz = p.p_filesz;
			memsz = p.p_memsz;
		} else {
			Elf32_Phdr p;

			memcpy(&p, ph, sizeof(p));
			type = p.p_type;
			off = p.p_offset;
			vaddr = p.p_vaddr;
			paddr = p.p_paddr;
			filesz = p.p_filesz;
			memsz = p.p_memsz;
		}
		if (type != PT_LOAD)
			continue;
		if (load_segment(c, i, off, paddr, filesz, memsz))
			return -1;
		loads++;
		/* Paging is off or an identity map: the entry must be
		 * where it was loaded. */
		if (entry >= vaddr && entry - vaddr < memsz && vaddr == paddr)
			entry_ok = 1;
	}
	if (!loads)
		return fail(c, "ELF image has no PT_LOAD segment");
	if (!entry_ok)
		return fail(c, "ELF entry point %#llx is not in a loaded segment (linked at its physical address)",
			    (unsigned long long)entry);
	c->boot->entry = entry;
	c->boot->kind = is64 ? HVT_ELF64 : HVT_ELF32;
	c->boot->mode = is64 ? HVT_LONG64 : HVT_PROT32;
	return 0;
}

/* A non-ELF image with a Multiboot header: its address fields (bit 16). */
static int load_mb_aout(struct ctx *c, long hoff, const uint8_t *h)
{
	uint32_t header_addr, load_addr, load_end, bss_end, entry;
	uint64_t off, len;

	if ((size_t)hoff + 32 > c->img->size)
		return fail(c, "Multiboot header address fields truncated");
	header_addr = get32(h + 12);
	load_addr = get32(h + 16);
	load_end = get32(h + 20);
	bss_end = get32(h + 24);
	entry = get32(h + 28);
	if (load_addr > header_addr || header_addr - load_addr > (uint64_t)hoff)
		return fail(c, "Multiboot load_addr %#x does not fit header_addr %#x at file offset %#lx",
			    load_addr, header_addr, hoff);
	off = hoff - (header_addr - load_addr);
	if (!load_end)
		len = c->img->size - off;
	else if (load_end < load_addr)
		return fail(c, "Multiboot load_end_addr %#x below load_addr %#x",
			    load_end, load_addr);
	else
		len = load_end - load_addr;
	if (!in_file(c, off, len))
		return fail(c, "Multiboot load range %#x+%#llx beyond the end of the file",
			    load_addr, (unsigned long long)len);
	if (bss_end && bss_end < load_addr + len)
		return fail(c, "Multiboot bss_end_addr %#x below the loaded end %#llx",
			    bss_end, (unsigned long long)(load_addr + len));
	if (place(c, "Multiboot image", load_addr,
		  (bss_end ? bss_end : load_addr + len) - (uint64_t)load_addr, 1))
		return -1;
	memcpy(c->mem + load_addr, (const uint8_t *)c->img->data + off, len);
	if (bss_end)
		memset(c->mem + load_addr + len, 0, bss_end - load_addr - len);
	if (entry < load_addr || entry >= c->boot->image_end)
		return fail(c, "Multiboot entry_addr %#x outside the loaded image",
			    entry);
	c->boot->entry = entry;
	return 0;
}

/* Appends S to the strings area; returns its GPA, or 0 when full. */
static uint32_t put_string(struct ctx *c, uint32_t *next, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t at = *next;

	if (n > HVT_BOOT_AREA_END - at)
		return 0;
	memcpy(c->mem + at, s, n);
	*next += n;
	return at;
}

static void put_mmap(struct ctx *c, uint32_t *at, uint64_t base, uint64_t len,
		     uint32_t type)
{
	put32(c->mem, *at, 20);
	put64(c->mem, *at + 4, base);
	put64(c->mem, *at + 12, len);
	put32(c->mem, *at + 20, type);
	*at += 24;
}

/*
 * The Multiboot information structure, modules loaded page-aligned after
 * the image, the GDT, and for long mode the page tables.
 */
static int write_boot_area(struct ctx *c)
{
	const struct hvt_image *img = c->img;
	uint32_t flags = 0x1 | 0x4 | 0x8 | 0x40 | 0x200;
	uint32_t strings = HVT_STRINGS_ADDR, at, mmap_at = HVT_MMAP_ADDR;
	uint64_t next = (c->boot->image_end + 0xfff) & ~0xfffull;
	static const uint64_t gdt[] = {
		0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull,
		0x00af9b000000ffffull,
	};
	unsigned int i;

	if (img->nr_mods > HVT_MAX_MODULES)
		return fail(c, "too many modules (%u, at most %u)",
			    img->nr_mods, HVT_MAX_MODULES);
	memset(c->mem + HVT_BOOT_AREA_START, 0,
	       HVT_BOOT_AREA_END - HVT_BOOT_AREA_START);
	memcpy(c->mem + HVT_GDT_ADDR, gdt, sizeof(gdt));
	for (i = 0; i < img->nr_mods; i++) {
		const struct hvt_module *m = &img->mods[i];
		uint32_t s = put_string(c, &strings, m->string ? m->string : "");

		if (!s)
			return fail(c, "module strings do not fit in the boot area");
		if (next > c->mem_size || m->size > c->mem_size - next ||
		    next + m->size > 0xffffffffull)
			return fail(c, "module %s (%zu bytes) does not fit in guest memory",
				    m->path, m->size);
		memcpy(c->mem + next, m->data, m->size);
		at = HVT_MODS_ADDR + 16 * i;
		put32(c->mem, at, next);
		put32(c->mem, at + 4, next + m->size);
		put32(c->mem, at + 8, s);
		next = (next + m->size + 0xfff) & ~0xfffull;
	}
	at = put_string(c, &strings, img->cmdline ? img->cmdline : "");
	if (!at)
		return fail(c, "command line longer than the boot area holds (%d bytes)",
			    HVT_BOOT_AREA_END - HVT_STRINGS_ADDR - 8);
	put32(c->mem, HVT_MBI_ADDR + 16, at);
	at = put_string(c, &strings, "hvtool");
	if (!at)
		return fail(c, "command line longer than the boot area holds");
	put32(c->mem, HVT_MBI_ADDR + 64, at);
	put32(c->mem, HVT_MBI_ADDR + 4, HVT_LOW_MEM_END >> 10);
	put32(c->mem, HVT_MBI_ADDR + 8,
	      (uint32_t)(((c->mem_size < 0x100000000ull ? c->mem_size :
			   0x100000000ull) - 0x100000) >> 10));
	put32(c->mem, HVT_MBI_ADDR + 20, img->nr_mods);
	put32(c->mem, HVT_MBI_ADDR + 24, HVT_MODS_ADDR);
	put_mmap(c, &mmap_at, 0, HVT_LOW_MEM_END, 1);
	put_mmap(c, &mmap_at, HVT_LOW_MEM_END, 0x100000 - HVT_LOW_MEM_END, 2);
	put_mmap(c, &mmap_at, 0x100000, c->mem_size - 0x100000, 1);
	put32(c->mem, HVT_MBI_ADDR + 44, mmap_at - HVT_MMAP_ADDR);
	put32(c->mem, HVT_MBI_ADDR + 48, HVT_MMAP_ADDR);
	put32(c->mem, HVT_MBI_ADDR, flags);
	if (c->boot->mode == HVT_LONG64) {
		put64(c->mem, HVT_PML4_ADDR, HVT_PDPT_ADDR | 3);
		for (i = 0; i < 4; i++)
			put64(c->mem, HVT_PDPT_ADDR + 8 * i,
			      (HVT_PD_ADDR + 0x1000 * i) | 3);
		for (i = 0; i < 2048; i++)
			put64(c->mem, HVT_PD_ADDR + 8 * i,
			      ((uint64_t)i << 21) | 0x83);
	}
	c->boot->ebx = HVT_MBI_ADDR;
	return 0;
}

static int load_flat(struct ctx *c)
{
	uint64_t a = c->img->load_addr, end;

	if (place(c, "flat image", a, c->img->size, 0))
		return -1;
	end = a + c->img->size;
	memcpy(c->mem + a, c->img->data, c->img->size);
	c->boot->kind = HVT_FLAT;
	c->boot->entry = a;
	if (end <= 0x100000) {
		c->boot->mode = HVT_REAL16;
		c->boot->real_cs = (a & 0xf0000) >> 4;
		return 0;
	}
	if (a < 0x100000)
		return fail(c, "flat image at %#llx-%#llx crosses 1 MiB: load it below 1 MiB (real mode) or at or above (protected mode)",
			    (unsigned long long)a, (unsigned long long)end);
	if (end > 0x100000000ull)
		return fail(c, "flat image above 4 GiB");
	c->boot->mode = HVT_PROT32;
	return 0;
}

int hvt_load(const struct hvt_image *img, uint8_t *mem, uint64_t mem_size,
	     struct hvt_boot *boot, char *err, size_t errlen)
{
	struct ctx c = { img, mem, mem_size, boot, err, errlen };
	const uint8_t *d = img->data;
	long mb = -1;
	int r;

	memset(boot, 0, sizeof(*boot));
	boot->image_start = UINT64_MAX;
	if (err && errlen)
		err[0] = 0;
	if (mem_size < 0x200000)
		return fail(&c, "guest memory below 2 MiB");
	if (!img->size)
		return fail(&c, "empty image");
	if (img->flat) {
		r = load_flat(&c);
		if (r || boot->mode == HVT_REAL16)
			return r;
		return write_boot_area(&c);
	}
	mb = hvt_mb_find_header(d, img->size);
	if (img->size >= SELFMAG && !memcmp(d, ELFMAG, SELFMAG)) {
		r = load_elf(&c);
		if (r)
			return r;
		if (mb >= 0 && boot->kind == HVT_ELF64)
			return fail(&c, "Multiboot header in an ELF64 image: Multiboot 1 kernels are 32-bit");
	} else if (mb < 0) {
		return fail(&c, "not an ELF or Multiboot image (use --load-addr for a flat binary)");
	}
	if (mb >= 0) {
		uint32_t flags = get32(d + mb + 4);

		if (flags & 0xfff8)
			return fail(&c, "Multiboot header asks for unsupported features (flags %#x)",
				    flags);
		if (boot->kind != HVT_ELF32) {
			if (!(flags & 0x10000))
				return fail(&c, "Multiboot header without address fields (flag 16) in a non-ELF image");
			if (load_mb_aout(&c, mb, d + mb))
				return -1;
		}
		boot->kind = HVT_MULTIBOOT;
		boot->mode = HVT_PROT32;
		boot->eax = MB_BOOT_MAGIC;
	}
	return write_boot_area(&c);
}
