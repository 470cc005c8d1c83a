// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of userspace/lib/loader.c on crafted images: valid ELF32,
 * ELF64, Multiboot (ELF and address-field images) and flat binaries, then
 * truncated and malicious headers, each of which must be refused with a
 * message and without a byte written outside guest memory (a guard area
 * follows it and is checked after every load), then random mutations of
 * valid headers.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "lib/loader.h"
#include "unit.h"

#define MEM_SIZE	(8u << 20)
#define GUARD		65536
#define IMG_MAX		0x4000
#define PAYLOAD_OFF	0x1000
#define PAYLOAD_LEN	0x100

static uint8_t *mem;
static uint8_t img[IMG_MAX];
static char err[256];
static struct hvt_boot boot;

static int guard_intact(void)
{
	unsigned int i;

	for (i = 0; i < GUARD; i++)
		if (mem[MEM_SIZE + i] != 0xa5)
			return 0;
	return 1;
}

static int load(size_t size, int flat, uint64_t at, const char *cmdline,
		const struct hvt_module *mods, unsigned int nr)
{
	struct hvt_image im = {
		.data = img, .size = size, .flat = flat, .load_addr = at,
		.cmdline = cmdline, .mods = mods, .nr_mods = nr,
	};

	memset(mem, 0x5a, MEM_SIZE);
	memset(mem + MEM_SIZE, 0xa5, GUARD);
	return hvt_load(&im, mem, MEM_SIZE, &boot, err, sizeof(err));
}

static uint32_t rd32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, mem + gpa, 4);
	return v;
}

static uint64_t rd64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, mem + gpa, 8);
	return v;
}

static void payload(void)
{
	unsigned int i;

	for (i = 0; i < PAYLOAD_LEN; i++)
		img[PAYLOAD_OFF + i] = i ^ 0x3c;
}

/* A valid executable: one PT_LOAD of PAYLOAD_LEN bytes (+0x100 bss) at
 * 1 MiB, entry 16 bytes in. Returns its size. */
static size_t mk_elf(int is64)
{
	memset(img, 0, sizeof(img));
	payload();
	if (is64) {
		Elf64_Ehdr *h = (void *)img;
		Elf64_Phdr *p = (void *)(img + sizeof(*h));

		memcpy(h->e_ident, ELFMAG, SELFMAG);
		h->e_ident[EI_CLASS] = ELFCLASS64;
		h->e_ident[EI_DATA] = ELFDATA2LSB;
		h->e_ident[EI_VERSION] = EV_CURRENT;
		h->e_type = ET_EXEC;
		h->e_machine = EM_X86_64;
		h->e_version = EV_CURRENT;
		h->e_entry = 0x100010;
		h->e_phoff = sizeof(*h);
		h->e_ehsize = sizeof(*h);
		h->e_phentsize = sizeof(*p);
		h->e_phnum = 1;
		p->p_type = PT_LOAD;
		p->p_offset = PAYLOAD_OFF;
		p->p_vaddr = p->p_paddr = 0x100000;
		p->p_filesz = PAYLOAD_LEN;
		p->p_memsz = PAYLOAD_LEN + 0x100;
	} else {
		Elf32_Ehdr *h = (void *)img;
		Elf32_Phdr *p = (void *)(img + sizeof(*h));

		memcpy(h->e_ident, ELFMAG, SELFMAG);
		h->e_ident[EI_CLASS] = ELFCLASS32;
		h->e_ident[EI_DATA] = ELFDATA2LSB;
		h->e_ident[EI_VERSION] = EV_CURRENT;
		h->e_type = ET_EXEC;
		h->e_machine = EM_386;
		h->e_version = EV_CURRENT;
		h->e_entry = 0x100010;
		h->e_phoff = sizeof(*h);
		h->e_ehsize = sizeof(*h);
		h->e_phentsize = sizeof(*p);
		h->e_phnum = 1;
		p->p_type = PT_LOAD;
		p->p_offset = PAYLOAD_OFF;
		p->p_vaddr = p->p_paddr = 0x100000;
		p->p_filesz = PAYLOAD_LEN;
		p->p_memsz = PAYLOAD_LEN + 0x100;
	}
	return PAYLOAD_OFF + PAYLOAD_LEN;
}

static Elf32_Ehdr *eh32(void) { return (void *)img; }
static Elf32_Phdr *ph32(void) { return (void *)(img + sizeof(Elf32_Ehdr)); }
static Elf64_Ehdr *eh64(void) { return (void *)img; }
static Elf64_Phdr *ph64(void) { return (void *)(img + sizeof(Elf64_Ehdr)); }

static void put_mb(size_t off, uint32_t flags)
{
	uint32_t h[3] = { MB_HEADER_MAGIC, flags, -(MB_HEADER_MAGIC + flags) };

	memcpy(img + off, h, sizeof(h));
}

/* A non-ELF Multiboot image with address fields: the file is loaded at
 * 2 MiB, header 0x40 bytes in, 0x1000 bytes of bss. */
static size_t mk_aout(void)
{
	uint32_t f[5] = { 0x200040, 0x200000, 0x200000 + 0x800,
			  0x200000 + 0x1800, 0x200080 };

	memset(img, 0, sizeof(img));
	memset(img + 0x80, 0x90, 0x780);
	put_mb(0x40, 0x10003);
	memcpy(img + 0x40 + 12, f, sizeof(f));
	return 0x800;
}

static void set_aout(unsigned int field, uint32_t v)
{
	memcpy(img + 0x40 + 12 + 4 * field, &v, 4);
}

#define REFUSED(name, expr, needle)					\
	do {								\
		int r_ = (expr);					\
		CHECK(name, r_ == -1 && strstr(err, needle) &&		\
		      !strchr(err, '\n') && guard_intact());		\
		if (r_ != -1 || !strstr(err, needle))			\
			printf("#   got %d, \"%s\"\n", r_, err);	\
	} while (0)

static void valid_images(void)
{
	static const char text[] = "module one\n";
	struct hvt_module mods[2] = {
		{ "a", text, sizeof(text) - 1, "first arg" },
		{ "b", "x", 1, NULL },
	};
	size_t n;

	n = mk_elf(0);
	CHECK("elf32.loads", !load(n, 0, 0, "a b", NULL, 0));
	CHECK("elf32.state", boot.kind == HVT_ELF32 &&
	      boot.mode == HVT_PROT32 && boot.entry == 0x100010 &&
	      boot.eax == 0 && boot.ebx == HVT_MBI_ADDR);
	CHECK("elf32.bytes", !memcmp(mem + 0x100000, img + PAYLOAD_OFF,
				     PAYLOAD_LEN));
	CHECK("elf32.bss_zeroed", mem[0x100000 + PAYLOAD_LEN] == 0 &&
	      mem[0x100000 + PAYLOAD_LEN + 0xff] == 0 &&
	      mem[0x100000 + PAYLOAD_LEN + 0x100] == 0x5a);
	CHECK("elf32.no_page_tables", rd64(HVT_PML4_ADDR) == 0);
	CHECK("mbi.mem", rd32(HVT_MBI_ADDR + 4) == 639 &&
	      rd32(HVT_MBI_ADDR + 8) == (MEM_SIZE - 0x100000) / 1024);
	CHECK("mbi.flags", rd32(HVT_MBI_ADDR) == 0x24d);
	CHECK("mbi.cmdline", !strcmp((char *)mem + rd32(HVT_MBI_ADDR + 16),
				     "a b"));
	CHECK("mbi.loader_name",
	      !strcmp((char *)mem + rd32(HVT_MBI_ADDR + 64), "hvtool"));
	CHECK("mbi.mmap", rd32(HVT_MBI_ADDR + 44) == 72 &&
	      rd32(HVT_MBI_ADDR + 48) == HVT_MMAP_ADDR &&
	      rd32(HVT_MMAP_ADDR) == 20 && rd64(HVT_MMAP_ADDR + 4) == 0 &&
	      rd64(HVT_MMAP_ADDR + 12) == HVT_LOW_MEM_END &&
	      rd32(HVT_MMAP_ADDR + 20) == 1 &&
	      rd32(HVT_MMAP_ADDR + 24 + 20) == 2 &&
	      rd64(HVT_MMAP_ADDR + 48 + 4) == 0x100000 &&
	      rd64(HVT_MMAP_ADDR + 48 + 12) == MEM_SIZE - 0x100000);
	CHECK("gdt", rd64(HVT_GDT_ADDR + HVT_SEL_CODE32) ==
	      0x00cf9b000000ffffull &&
	      rd64(HVT_GDT_ADDR + HVT_SEL_CODE64) == 0x00af9b000000ffffull);

	n = mk_elf(1);
	CHECK("elf64.loads", !load(n, 0, 0, NULL, NULL, 0));
	CHECK("elf64.state", boot.kind == HVT_ELF64 &&
	      boot.mode == HVT_LONG64 && boot.entry == 0x100010 &&
	      boot.ebx == HVT_MBI_ADDR && rd32(HVT_MBI_ADDR + 16) &&
	      mem[rd32(HVT_MBI_ADDR + 16)] == 0);
	CHECK("elf64.page_tables", rd64(HVT_PML4_ADDR) == (HVT_PDPT_ADDR | 3) &&
	      rd64(HVT_PDPT_ADDR + 24) == ((HVT_PD_ADDR + 0x3000) | 3) &&
	      rd64(HVT_PD_ADDR) == 0x83 &&
	      rd64(HVT_PD_ADDR + 8 * 2047) == (0xffe00000ull | 0x83));

	n = mk_elf(0);
	put_mb(0x400, 0x3);
	CHECK("multiboot_elf.loads", !load(n, 0, 0, "mb", mods, 2));
	CHECK("multiboot_elf.state", boot.kind == HVT_MULTIBOOT &&
	      boot.mode == HVT_PROT32 && boot.eax == MB_BOOT_MAGIC &&
	      boot.ebx == HVT_MBI_ADDR && boot.entry == 0x100010);
	CHECK("multiboot.modules", rd32(HVT_MBI_ADDR + 20) == 2 &&
	      rd32(HVT_MODS_ADDR) == 0x101000 &&
	      rd32(HVT_MODS_ADDR + 4) == 0x101000 + sizeof(text) - 1 &&
	      !memcmp(mem + 0x101000, text, sizeof(text) - 1) &&
	      !strcmp((char *)mem + rd32(HVT_MODS_ADDR + 8), "first arg") &&
	      rd32(HVT_MODS_ADDR + 16) == 0x102000 &&
	      mem[0x102000] == 'x' &&
	      !strcmp((char *)mem + rd32(HVT_MODS_ADDR + 24), ""));

	n = mk_aout();
	CHECK("multiboot_aout.loads", !load(n, 0, 0, NULL, NULL, 0));
	CHECK("multiboot_aout.state", boot.kind == HVT_MULTIBOOT &&
	      boot.entry == 0x200080 && boot.eax == MB_BOOT_MAGIC &&
	      mem[0x200080] == 0x90 && mem[0x2007ff] == 0x90 &&
	      mem[0x200800] == 0 && mem[0x2017ff] == 0 &&
	      mem[0x201800] == 0x5a);
	set_aout(2, 0);			/* load_end 0: the whole file */
	set_aout(3, 0);			/* no bss */
	CHECK("multiboot_aout.load_end_0", !load(n, 0, 0, NULL, NULL, 0) &&
	      mem[0x2007ff] == 0x90 && mem[0x200800] == 0x5a);

	memset(img, 0xf4, 16);
	CHECK("flat.real_mode", !load(16, 1, 0x7c00, NULL, NULL, 0) &&
	      boot.kind == HVT_FLAT && boot.mode == HVT_REAL16 &&
	      boot.real_cs == 0 && boot.entry == 0x7c00 &&
	      mem[0x7c0f] == 0xf4 && mem[0x7c10] == 0x5a &&
	      mem[HVT_MBI_ADDR] == 0x5a);
	CHECK("flat.real_mode_high", !load(16, 1, 0x12340, NULL, NULL, 0) &&
	      boot.real_cs == 0x1000 && boot.entry == 0x12340);
	CHECK("flat.protected_mode", !load(16, 1, 0x300000, "x", NULL, 0) &&
	      boot.mode == HVT_PROT32 && boot.entry == 0x300000 &&
	      boot.ebx == HVT_MBI_ADDR);
	CHECK("flat.not_an_elf_check", !load(16, 1, 0x7c00, NULL, NULL, 0));
}

static void bad_elf(void)
{
	size_t n;

	n = mk_elf(0);
	REFUSED("bad.empty", load(0, 0, 0, NULL, NULL, 0), "empty");
	REFUSED("bad.not_elf", load(3, 0, 0, NULL, NULL, 0),
		"not an ELF or Multiboot");
	REFUSED("bad.elf_ident_truncated", load(8, 0, 0, NULL, NULL, 0),
		"truncated");
	REFUSED("bad.elf_header_truncated", load(40, 0, 0, NULL, NULL, 0),
		"header truncated");
	mk_elf(1);
	REFUSED("bad.elf64_header_truncated", load(60, 0, 0, NULL, NULL, 0),
		"header truncated");
	mk_elf(0);
	img[EI_CLASS] = 7;
	REFUSED("bad.elf_class", load(n, 0, 0, NULL, NULL, 0), "class");
	mk_elf(0);
	img[EI_DATA] = ELFDATA2MSB;
	REFUSED("bad.elf_big_endian", load(n, 0, 0, NULL, NULL, 0),
		"little-endian");
	mk_elf(0);
	eh32()->e_machine = EM_ARM;
	REFUSED("bad.elf_machine", load(n, 0, 0, NULL, NULL, 0), "machine");
	mk_elf(0);
	eh32()->e_type = ET_DYN;
	REFUSED("bad.elf_type", load(n, 0, 0, NULL, NULL, 0), "ET_EXEC");
	mk_elf(0);
	eh32()->e_phentsize = 12;
	REFUSED("bad.phentsize", load(n, 0, 0, NULL, NULL, 0),
		"program header size");
	mk_elf(0);
	eh32()->e_phoff = 0xfffffff0;
	REFUSED("bad.phoff_beyond_file", load(n, 0, 0, NULL, NULL, 0),
		"program headers");
	mk_elf(1);
	eh64()->e_phoff = 0xffffffffffffffc0ull;
	REFUSED("bad.phoff_wraps", load(n, 0, 0, NULL, NULL, 0),
		"program headers");
	mk_elf(0);
	eh32()->e_phnum = 0xffff;
	REFUSED("bad.phnum_beyond_file", load(n, 0, 0, NULL, NULL, 0),
		"program headers");
	mk_elf(0);
	eh32()->e_phnum = 0;
	REFUSED("bad.phnum_zero", load(n, 0, 0, NULL, NULL, 0),
		"program headers");
	mk_elf(0);
	ph32()->p_type = PT_NOTE;
	REFUSED("bad.no_pt_load", load(n, 0, 0, NULL, NULL, 0), "PT_LOAD");
	mk_elf(0);
	ph32()->p_filesz = PAYLOAD_LEN + 1;
	REFUSED("bad.segment_beyond_file", load(n, 0, 0, NULL, NULL, 0),
		"beyond the end of the file");
	mk_elf(0);
	ph32()->p_offset = 0xffffff00;
	REFUSED("bad.segment_offset_huge", load(n, 0, 0, NULL, NULL, 0),
		"beyond the end of the file");
	mk_elf(1);
	ph64()->p_offset = 0xffffffffffffff00ull;
	REFUSED("bad.segment_offset_wraps", load(n, 0, 0, NULL, NULL, 0),
		"beyond the end of the file");
	mk_elf(0);
	ph32()->p_filesz = 0x200;
	ph32()->p_memsz = 0x100;
	REFUSED("bad.filesz_above_memsz", load(n, 0, 0, NULL, NULL, 0),
		"above memory size");
	mk_elf(0);
	ph32()->p_paddr = ph32()->p_vaddr = MEM_SIZE - 0x100;
	REFUSED("bad.segment_past_memory", load(n, 0, 0, NULL, NULL, 0),
		"outside guest memory");
	mk_elf(0);
	ph32()->p_memsz = 0xffffffff;
	REFUSED("bad.segment_huge_memsz", load(n, 0, 0, NULL, NULL, 0),
		"outside guest memory");
	mk_elf(1);
	ph64()->p_paddr = 0xffffffffffffff00ull;
	ph64()->p_memsz = 0x1000;
	REFUSED("bad.segment_paddr_wraps", load(n, 0, 0, NULL, NULL, 0),
		"outside guest memory");
	mk_elf(0);
	ph32()->p_paddr = ph32()->p_vaddr = 0x7000;
	eh32()->e_entry = 0x7000;
	REFUSED("bad.segment_in_boot_area", load(n, 0, 0, NULL, NULL, 0),
		"boot area");
	mk_elf(0);
	eh32()->e_entry = 0x100000 + PAYLOAD_LEN + 0x100;
	REFUSED("bad.entry_outside", load(n, 0, 0, NULL, NULL, 0),
		"entry point");
	mk_elf(1);
	ph64()->p_vaddr = 0xffffffff80000000ull;
	eh64()->e_entry = 0xffffffff80000010ull;
	REFUSED("bad.elf64_vaddr_not_paddr", load(n, 0, 0, NULL, NULL, 0),
		"entry point");
	mk_elf(1);
	put_mb(0x400, 3);
	REFUSED("bad.multiboot_in_elf64", load(n, 0, 0, NULL, NULL, 0),
		"ELF64");
}

static void bad_multiboot(void)
{
	struct hvt_module mods[HVT_MAX_MODULES + 1];
	static char longline[8192];
	unsigned int i;
	size_t n;

	n = mk_aout();
	img[0x48]++;
	REFUSED("bad.mb_checksum", load(n, 0, 0, NULL, NULL, 0),
		"not an ELF or Multiboot");
	memset(img, 0, sizeof(img));
	put_mb(8192, 0x10003);
	REFUSED("bad.mb_header_past_8k", load(IMG_MAX, 0, 0, NULL, NULL, 0),
		"not an ELF or Multiboot");
	memset(img, 0, sizeof(img));
	put_mb(8184, 0x10003);
	REFUSED("bad.mb_header_straddles_8k",
		load(IMG_MAX, 0, 0, NULL, NULL, 0), "not an ELF or Multiboot");
	n = mk_aout();
	put_mb(0x40, 0x10007 | 0x8);
	REFUSED("bad.mb_unsupported_flags", load(n, 0, 0, NULL, NULL, 0),
		"unsupported");
	n = mk_aout();
	put_mb(0x40, 0x3);
	REFUSED("bad.mb_no_address_fields", load(n, 0, 0, NULL, NULL, 0),
		"flag 16");
	mk_aout();
	REFUSED("bad.mb_address_fields_truncated",
		load(0x40 + 20, 0, 0, NULL, NULL, 0), "truncated");
	n = mk_aout();
	set_aout(1, 0x200050);
	REFUSED("bad.mb_load_above_header", load(n, 0, 0, NULL, NULL, 0),
		"load_addr");
	n = mk_aout();
	set_aout(1, 0x100000);
	REFUSED("bad.mb_header_before_file", load(n, 0, 0, NULL, NULL, 0),
		"load_addr");
	n = mk_aout();
	set_aout(2, 0x1ff000);
	REFUSED("bad.mb_load_end_below", load(n, 0, 0, NULL, NULL, 0),
		"load_end_addr");
	n = mk_aout();
	set_aout(2, 0x200000 + 0x900);
	REFUSED("bad.mb_load_end_beyond_file", load(n, 0, 0, NULL, NULL, 0),
		"beyond the end of the file");
	n = mk_aout();
	set_aout(3, 0x200100);
	REFUSED("bad.mb_bss_end_below", load(n, 0, 0, NULL, NULL, 0),
		"bss_end_addr");
	n = mk_aout();
	set_aout(3, 0xffffff00);
	REFUSED("bad.mb_bss_past_memory", load(n, 0, 0, NULL, NULL, 0),
		"outside guest memory");
	n = mk_aout();
	set_aout(0, 0xfffff040);
	set_aout(1, 0xfffff000);
	set_aout(2, 0xfffff800);
	set_aout(3, 0);
	REFUSED("bad.mb_load_past_memory", load(n, 0, 0, NULL, NULL, 0),
		"outside guest memory");
	n = mk_aout();
	set_aout(4, 0x300000);
	REFUSED("bad.mb_entry_outside", load(n, 0, 0, NULL, NULL, 0),
		"entry_addr");
	n = mk_aout();
	set_aout(0, 0x1040);
	set_aout(1, 0x1000);
	set_aout(2, 0x1800);
	set_aout(3, 0);
	set_aout(4, 0x1080);
	REFUSED("bad.mb_in_boot_area", load(n, 0, 0, NULL, NULL, 0),
		"boot area");

	n = mk_elf(0);
	for (i = 0; i <= HVT_MAX_MODULES; i++)
		mods[i] = (struct hvt_module){ "m", "x", 1, "s" };
	REFUSED("bad.too_many_modules",
		load(n, 0, 0, NULL, mods, HVT_MAX_MODULES + 1), "too many");
	mods[0].size = MEM_SIZE;
	REFUSED("bad.module_too_big", load(n, 0, 0, NULL, mods, 1),
		"does not fit");
	memset(longline, 'a', sizeof(longline) - 1);
	REFUSED("bad.cmdline_too_long", load(n, 0, 0, longline, NULL, 0),
		"command line");
	REFUSED("bad.flat_past_memory",
		load(16, 1, MEM_SIZE - 8, NULL, NULL, 0),
		"outside guest memory");
	REFUSED("bad.flat_crosses_1m", load(16, 1, 0xffff8, NULL, NULL, 0),
		"crosses 1 MiB");
	REFUSED("bad.small_memory", hvt_load(&(struct hvt_image){
		.data = img, .size = 16, .flat = 1, .load_addr = 0x7c00 },
		mem, 0x100000, &boot, err, sizeof(err)), "below 2 MiB");
}

/* Random byte changes in the headers of valid images: never a crash
 * (ASan/UBSan watch) nor a write past guest memory. */
static void mutations(void)
{
	unsigned int i, j, seed = 12345, ok = 1, loaded = 0, kinds;
	size_t n;

	for (i = 0; i < 6000; i++) {
		kinds = i % 3;
		n = kinds == 2 ? mk_aout() : mk_elf(kinds);
		if (kinds == 0 && i % 2)
			put_mb(0x400, 0x3);
		for (j = 0; j < 1 + i % 4; j++) {
			seed = seed * 1103515245 + 12345;
			img[(seed >> 8) % (kinds == 2 ? 0x70 : 0x80)] =
				seed >> 20;
		}
		if (!load(n, 0, 0, "m", NULL, 0))
			loaded++;
		else if (!err[0])
			ok = 0;
		if (!guard_intact())
			ok = 0;
	}
	printf("# %u of 6000 mutated images still loaded\n", loaded);
	CHECK("mutations.no_stray_writes", ok);
}

int main(void)
{
	mem = malloc(MEM_SIZE + GUARD);
	if (!mem)
		return 1;
	valid_images();
	bad_elf();
	bad_multiboot();
	mutations();
	free(mem);
	return unit_failures ? 1 : 0;
}
