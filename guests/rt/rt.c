// SPDX-License-Identifier: GPL-2.0-only
/* The guests' runtime (see rt.h). */
#include "rt.h"

struct rt_boot rt_boot;

void rt_start(uint32_t magic, uint32_t info, unsigned int cpu);

__attribute__((weak)) void secondary_main(unsigned int cpu)
{
	(void)cpu;
}

void rt_halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void rt_exit(int code)
{
	if (code)
		outb(EXIT_PORT, code);
	rt_halt();
}

void rt_start(uint32_t magic, uint32_t info, unsigned int cpu)
{
	if (cpu) {
		secondary_main(cpu);
		rt_halt();
	}
	rt_boot.magic = magic;
	rt_boot.info = info;
	rt_boot.cpu = cpu;
	rt_exit(main());
}

/* --- strings --- */

unsigned long strlen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, unsigned long n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, ~0ul);
}

void *memset(void *d, int c, unsigned long n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

/* --- serial printf --- */

void rt_putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, c);
}

/* 64-bit division without libgcc (the 32-bit guests have none). */
uint64_t rt_udiv64(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;
	int i;

	if (!d)
		return 0;
	for (i = 63; i >= 0; i--) {
		r = r << 1 | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	if (rem)
		*rem = r;
	return q;
}

static void put_num(unsigned long long v, unsigned int base, int width,
		    char pad, int neg)
{
	char buf[24];
	int n = 0;

	do {
		uint64_t digit;

		v = rt_udiv64(v, base, &digit);
		buf[n++] = "0123456789abcdef"[digit];
	} while (v);
	if (neg)
		width--;
	if (neg && pad == '0')
		rt_putc('-');
	for (; width > n; width--)
		rt_putc(pad);
	if (neg && pad != '0')
		rt_putc('-');
	while (n)
		rt_putc(buf[--n]);
}

int vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int width = 0, lng = 0;
		char pad = ' ';
		unsigned long long u;
		long long s;
		const char *str;

		if (*fmt != '%') {
			rt_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng > 1 ? va_arg(ap, long long) :
			    lng ? va_arg(ap, long) : va_arg(ap, int);
			put_num(s < 0 ? -(unsigned long long)s : (unsigned long long)s,
				10, width, pad, s < 0);
			break;
		case 'u':
		case 'x':
			u = lng > 1 ? va_arg(ap, unsigned long long) :
			    lng ? va_arg(ap, unsigned long) :
			    va_arg(ap, unsigned int);
			put_num(u, *fmt == 'u' ? 10 : 16, width, pad, 0);
			break;
		case 'p':
			put_num((unsigned long)va_arg(ap, void *), 16, width,
				pad, 0);
			break;
		case 's':
			str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			for (width -= strlen(str); width > 0; width--)
				rt_putc(' ');
			while (*str)
				rt_putc(*str++);
			break;
		case 'c':
			rt_putc(va_arg(ap, int));
			break;
		case '%':
			rt_putc('%');
			break;
		default:
			rt_putc('%');
			rt_putc(*fmt);
			if (!*fmt)
				return 0;
		}
	}
	return 0;
}

int printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	return 0;
}

/* --- boot information, command line --- */

struct mb_info *rt_mbi(void)
{
	return (struct mb_info *)(unsigned long)rt_boot.info;
}

const char *rt_cmdline(void)
{
	struct mb_info *mbi = rt_mbi();

	if (!mbi || !(mbi->flags & 4) || !mbi->cmdline)
		return "";
	return (const char *)(unsigned long)mbi->cmdline;
}

/* The word starting at P equals W (words end at a space or '='). */
static int word_is(const char *p, const char *w, unsigned long n)
{
	return !strncmp(p, w, n) && (p[n] == 0 || p[n] == ' ' || p[n] == '=');
}

static const char *find_word(const char *w)
{
	const char *p = rt_cmdline();
	unsigned long n = strlen(w);

	while (*p) {
		while (*p == ' ')
			p++;
		if (word_is(p, w, n))
			return p + n;
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}

int rt_has_word(const char *word)
{
	const char *p = find_word(word);

	return p && *p != '=';
}

unsigned long rt_arg(const char *key, unsigned long def)
{
	const char *p = find_word(key);
	unsigned long v = 0;

	if (!p || *p != '=' || p[1] < '0' || p[1] > '9')
		return def;
	for (p++; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + *p - '0';
	return v;
}

/* --- fw_cfg --- */

void fwcfg_read(uint16_t key, void *buf, uint32_t len)
{
	uint8_t *p = buf;

	outw(FWCFG_SEL, key);
	while (len--)
		*p++ = inb(FWCFG_DATA);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

uint16_t fwcfg_find(const char *name, uint32_t *size)
{
	uint8_t hdr[4], e[64];
	uint32_t n, i;
	uint16_t found = 0;

	fwcfg_read(0x19, hdr, 4);
	n = be32(hdr);
	for (i = 0; i < n; i++) {
		unsigned int j;

		for (j = 0; j < 64; j++)
			e[j] = inb(FWCFG_DATA);
		if (!found && !strcmp((const char *)e + 8, name)) {
			found = e[4] << 8 | e[5];
			*size = be32(e);
		}
	}
	return found;
}
