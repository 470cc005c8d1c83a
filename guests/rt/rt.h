/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guests' freestanding runtime: port I/O, serial printf, fw_cfg,
 * the boot information hvtool passes, and exit. One source for 32-bit
 * (protected mode, paging off) and 64-bit (long mode, identity map)
 * guests; see Documentation/hvtool.rst for the boot state it relies on.
 */
#ifndef GUEST_RT_H
#define GUEST_RT_H

#include <stdarg.h>
#include <stdint.h>

#define RT_MAX_CPUS	8
#define COM1		0x3f8
#define EXIT_PORT	0xf4
#define FWCFG_SEL	0x510
#define FWCFG_DATA	0x511
#define MB_BOOT_MAGIC	0x2BADB002u
#define TESTDEV_BASE	0xd0000000ul

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b,
			 uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(0));
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* Multiboot information (the fields hvtool fills). */
struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __attribute__((packed));

struct mb_module {
	uint32_t mod_start, mod_end, string, reserved;
};

struct mb_mmap {
	uint32_t size;
	uint64_t base, len;
	uint32_t type;
} __attribute__((packed));

struct rt_boot {
	uint32_t magic;		/* EAX at entry */
	uint32_t info;		/* EBX at entry */
	unsigned int cpu;	/* EDI at entry: the vCPU index */
};
extern struct rt_boot rt_boot;

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
void rt_putc(char c);
/* 0: HLT with interrupts off (hvtool status 0); else the exit device. */
void rt_exit(int code) __attribute__((noreturn));
void rt_halt(void) __attribute__((noreturn));

struct mb_info *rt_mbi(void);
const char *rt_cmdline(void);
/* The value of KEY=N on the command line, or DEF. */
unsigned long rt_arg(const char *key, unsigned long def);
int rt_has_word(const char *word);

void fwcfg_read(uint16_t key, void *buf, uint32_t len);
/* A fw_cfg file's key and size by name; 0 when absent. */
uint16_t fwcfg_find(const char *name, uint32_t *size);

uint64_t rt_udiv64(uint64_t n, uint64_t d, uint64_t *rem);

int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, unsigned long n);
unsigned long strlen(const char *s);
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);

int main(void);
/* vCPUs other than 0 call this; the default halts at once. */
void secondary_main(unsigned int cpu);

#endif /* GUEST_RT_H */
