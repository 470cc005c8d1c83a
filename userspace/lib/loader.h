/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest image loaders: ELF32, ELF64, Multiboot 1 and flat binaries.
 * They work on a guest-memory buffer only (no VM, no ioctl), so that the
 * native unit tests (userspace/tests/) run them on crafted images. The
 * memory map they assume is in Documentation/hvtool.rst ("Boot state").
 */
#ifndef HVT_LOADER_H
#define HVT_LOADER_H

#include <stddef.h>
#include <stdint.h>

/* Low guest memory that hvtool itself uses for non-real-mode images. */
#define HVT_GDT_ADDR		0x1000
#define HVT_PML4_ADDR		0x2000
#define HVT_PDPT_ADDR		0x3000
#define HVT_PD_ADDR		0x4000	/* four pages: 0-4 GiB, 2 MiB pages */
#define HVT_MBI_ADDR		0x8000	/* Multiboot information */
#define HVT_MMAP_ADDR		0x8100	/* its memory map */
#define HVT_MODS_ADDR		0x8400	/* its module list */
#define HVT_STRINGS_ADDR	0x8800	/* command line, module strings */
#define HVT_BOOT_AREA_START	0x1000
#define HVT_BOOT_AREA_END	0xa000
#define HVT_LOW_MEM_END		0x9fc00	/* mem_lower: 639 KiB */
#define HVT_MAX_MODULES		32
#define HVT_FLAT_DEFAULT	0x7c00

/* Segment selectors of the GDT at HVT_GDT_ADDR. */
#define HVT_SEL_CODE32		0x08
#define HVT_SEL_DATA		0x10
#define HVT_SEL_CODE64		0x18

#define MB_HEADER_MAGIC		0x1BADB002u
#define MB_BOOT_MAGIC		0x2BADB002u
#define MB_SEARCH_LEN		8192

enum hvt_kind { HVT_FLAT, HVT_ELF32, HVT_ELF64, HVT_MULTIBOOT };
enum hvt_mode { HVT_REAL16, HVT_PROT32, HVT_LONG64 };

struct hvt_module {
	const char *path;	/* for messages */
	const void *data;
	size_t size;
	const char *string;	/* may be NULL */
};

struct hvt_image {
	const void *data;
	size_t size;
	int flat;		/* load as a flat binary at load_addr */
	uint64_t load_addr;
	const char *cmdline;	/* may be NULL */
	const struct hvt_module *mods;
	unsigned int nr_mods;
};

/* Where to start: filled by hvt_load(). */
struct hvt_boot {
	enum hvt_kind kind;
	enum hvt_mode mode;
	uint64_t entry;		/* RIP; in real mode CS base + IP */
	uint16_t real_cs;	/* real mode: CS selector (base = cs << 4) */
	uint32_t eax, ebx;
	uint64_t image_start, image_end;	/* loaded bytes, incl. bss */
};

/*
 * Loads IMG into MEM (MEM_SIZE bytes of guest memory at GPA 0), writes
 * the boot area (GDT, page tables, Multiboot information) and fills
 * BOOT. Returns 0, or -1 with a one-line reason in ERR.
 */
int hvt_load(const struct hvt_image *img, uint8_t *mem, uint64_t mem_size,
	     struct hvt_boot *boot, char *err, size_t errlen);

const char *hvt_kind_name(enum hvt_kind kind);

/* Offset of a valid Multiboot header in the first 8 KiB, or -1. */
long hvt_mb_find_header(const uint8_t *data, size_t size);

#endif /* HVT_LOADER_H */
