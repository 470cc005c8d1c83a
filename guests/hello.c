// SPDX-License-Identifier: GPL-2.0-only
/*
 * hello32 / hello64: what a guest sees of hvtool. Built twice: hello32 is
 * a Multiboot ELF32 kernel (32-bit protected mode, paging off), hello64 a
 * plain ELF64 (long mode). Prints the boot information, the command line,
 * the memory map and modules, fw_cfg, CMOS, PCI, PIC and UART answers,
 * and with --cpus N checks that every vCPU started with its index (EDI)
 * and its APIC ID. Every line is deterministic for a given command line.
 *
 * Command-line words: exit=N (end through the exit device with N),
 * crash (triple fault), sti-hlt (HLT with interrupts on), unhandled
 * (read an unhandled port), spin (loop for ever, for --timeout).
 */
#include "rt.h"

#ifdef __x86_64__
#define NAME "hello64"
#else
#define NAME "hello32"
#endif

static volatile unsigned int checked_in;
static volatile uint8_t apic_ok[RT_MAX_CPUS];

void secondary_main(unsigned int cpu)
{
	uint32_t a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	apic_ok[cpu] = (b >> 24) == cpu ? 1 : 2;
	__atomic_fetch_add(&checked_in, 1, __ATOMIC_SEQ_CST);
}

static void show_modules(struct mb_info *mbi)
{
	struct mb_module *m = (void *)(unsigned long)mbi->mods_addr;
	uint32_t i, j;

	printf(NAME ": %u module(s)\n", mbi->mods_count);
	for (i = 0; i < mbi->mods_count; i++, m++) {
		const char *p = (const char *)(unsigned long)m->mod_start;

		printf(NAME ": module %u \"%s\" %u bytes, page-aligned %s: \"",
		       i, (const char *)(unsigned long)m->string,
		       m->mod_end - m->mod_start,
		       m->mod_start & 0xfff ? "no" : "yes");
		for (j = 0; j < m->mod_end - m->mod_start && j < 32; j++) {
			if (p[j] == '\n')
				break;
			rt_putc(p[j] >= ' ' && p[j] < 127 ? p[j] : '.');
		}
		printf("\"\n");
	}
}

static void show_mbi(void)
{
	struct mb_info *mbi = rt_mbi();
	struct mb_mmap *e;
	unsigned long at;

	printf(NAME ": entry EAX %s, EBX %s\n",
	       rt_boot.magic == MB_BOOT_MAGIC ? "0x2badb002 (Multiboot)" :
	       rt_boot.magic ? "unexpected" : "0 (plain ELF)",
	       mbi ? "the boot information" : "0");
	if (!mbi)
		return;
	printf(NAME ": flags %x, boot loader \"%s\"\n", mbi->flags,
	       (const char *)(unsigned long)mbi->boot_loader_name);
	printf(NAME ": cmdline \"%s\"\n", rt_cmdline());
	printf(NAME ": mem_lower %u KiB, mem_upper %u KiB\n", mbi->mem_lower,
	       mbi->mem_upper);
	for (at = mbi->mmap_addr; at < mbi->mmap_addr + mbi->mmap_length;
	     at += e->size + 4) {
		e = (struct mb_mmap *)at;
		printf(NAME ": mmap %08llx-%08llx type %u\n",
		       (unsigned long long)e->base,
		       (unsigned long long)(e->base + e->len), e->type);
	}
	show_modules(mbi);
}

static void show_fwcfg(uint16_t *ncpus)
{
	uint8_t sig[5] = { 0 }, buf[64], hdr[4], e[64];
	uint32_t id, n, i, size;
	uint64_t ram;
	uint16_t key;

	fwcfg_read(0x00, sig, 4);
	fwcfg_read(0x01, &id, 4);
	fwcfg_read(0x05, ncpus, 2);
	fwcfg_read(0x03, &ram, 8);
	printf(NAME ": fw_cfg signature \"%s\", id %u, %u CPU(s), RAM %llu MiB\n",
	       sig, id, *ncpus, (unsigned long long)(ram >> 20));
	fwcfg_read(0x19, hdr, 4);
	n = (uint32_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3];
	for (i = 0; i < n; i++) {
		uint32_t j;

		for (j = 0; j < 64; j++)
			e[j] = inb(FWCFG_DATA);
		printf(NAME ": fw_cfg file \"%s\" key %x, %u bytes\n",
		       (const char *)e + 8, e[4] << 8 | e[5],
		       (uint32_t)e[0] << 24 | e[1] << 16 | e[2] << 8 | e[3]);
	}
	key = fwcfg_find("opt/hvtool/cmdline", &size);
	if (key && size < sizeof(buf)) {
		fwcfg_read(key, buf, size);
		buf[size] = 0;
		printf(NAME ": fw_cfg cmdline %s the Multiboot one\n",
		       strcmp((char *)buf, rt_cmdline()) ? "differs from" :
		       "equals");
	}
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static void show_devices(void)
{
	uint8_t scratch;

	printf(NAME ": CMOS base %u KiB, extended %u KiB, above 16 MiB %u x 64 KiB, RTC %s\n",
	       cmos(0x15) | cmos(0x16) << 8, cmos(0x17) | cmos(0x18) << 8,
	       cmos(0x34) | cmos(0x35) << 8,
	       cmos(0x0d) & 0x80 ? "valid" : "invalid");
	outl(0xcf8, 0x80000000);
	printf(NAME ": PCI 00:00.0 id %x, address register %x\n", inl(0xcfc),
	       inl(0xcf8));
	outb(0x21, 0xfb);
	outb(0xa1, 0xff);
	printf(NAME ": PIC masks %x %x\n", inb(0x21), inb(0xa1));
	outb(COM1 + 7, 0x5a);
	scratch = inb(COM1 + 7);
	printf(NAME ": UART scratch %x, LSR %x, IIR %x\n", scratch,
	       inb(COM1 + 5), inb(COM1 + 2));
}

static void wait_cpus(unsigned int n)
{
	unsigned long spins = 0;
	unsigned int i, ok = 0;

	while (checked_in < n - 1 && spins++ < (1ul << 31))
		cpu_relax();
	for (i = 1; i < n && i < RT_MAX_CPUS; i++)
		ok += apic_ok[i] == 1;
	printf(NAME ": %u of %u secondary vCPU(s) started with their index and APIC ID\n",
	       ok, n - 1);
}

static void crash(void)
{
	struct {
		uint16_t limit;
		unsigned long base;
	} __attribute__((packed)) idt = { 0, 0 };

	printf(NAME ": triple fault next\n");
	__asm__ volatile("lidt %0; int3" : : "m"(idt));
}

int main(void)
{
	uint16_t ncpus = 1;

	printf(NAME ": hello from vCPU %u\n", rt_boot.cpu);
	show_mbi();
	show_fwcfg(&ncpus);
	show_devices();
	if (ncpus > 1)
		wait_cpus(ncpus);
	if (rt_has_word("unhandled"))
		printf(NAME ": port 0x2f8 reads %x\n", inb(0x2f8));
	if (rt_has_word("crash"))
		crash();
	if (rt_has_word("spin")) {
		printf(NAME ": spinning\n");
		for (;;)
			cpu_relax();
	}
	if (rt_has_word("sti-hlt")) {
		printf(NAME ": HLT with interrupts on next\n");
		__asm__ volatile("sti; hlt");
	}
	printf(NAME ": done, exit %lu\n", rt_arg("exit", 0));
	return rt_arg("exit", 0);
}
