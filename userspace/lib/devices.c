// SPDX-License-Identifier: GPL-2.0-only
/* hvtool's devices (see devices.h and Documentation/hvtool.rst). */
#include <stdlib.h>
#include <string.h>

#include "devices.h"

static uint32_t get_val(const uint8_t *data, unsigned int size)
{
	uint32_t v = 0;

	memcpy(&v, data, size < 4 ? size : 4);
	return v;
}

static void put_byte(uint8_t *data, unsigned int size, uint8_t v)
{
	memset(data, 0, size);
	data[0] = v;
}

static void dev_setup(struct hvt_dev *d, const char *name,
		      enum hvt_space space, uint64_t base, uint64_t len,
		      hvt_access_fn fn, void *priv)
{
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->space = space;
	d->base = base;
	d->len = len;
	d->access = fn;
	d->priv = priv;
}

/* --- 16550A UART --- */

#define LCR_DLAB	0x80
#define MCR_LOOP	0x10

static uint8_t uart_read(struct hvt_uart *u, unsigned int reg)
{
	int dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case 0: return dlab ? u->dll : 0;	/* RBR: no input */
	case 1: return dlab ? u->dlm : u->ier;
	case 2: return 0x01 | u->iir_fifo;	/* no interrupt pending */
	case 3: return u->lcr;
	case 4: return u->mcr;
	case 5: return 0x60;			/* THRE | TEMT */
	case 6:
		if (u->mcr & MCR_LOOP)
			return (u->mcr & 0x02) << 3 | (u->mcr & 0x01) << 5 |
			       (u->mcr & 0x04) << 4 | (u->mcr & 0x08) << 4;
		return 0xb0;			/* DCD | DSR | CTS */
	default: return u->scr;
	}
}

static void uart_write(struct hvt_uart *u, unsigned int reg, uint8_t v)
{
	int dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case 0:
		if (dlab) {
			u->dll = v;
		} else if (!(u->mcr & MCR_LOOP) && u->out) {
			fputc(v, u->out);
			fflush(u->out);
		}
		break;
	case 1:
		if (dlab)
			u->dlm = v;
		else
			u->ier = v & 0x0f;
		break;
	case 2: u->iir_fifo = v & 1 ? 0xc0 : 0; break;
	case 3: u->lcr = v; break;
	case 4: u->mcr = v & 0x1f; break;
	case 7: u->scr = v; break;
	default: break;				/* LSR, MSR: read-only */
	}
}

static void uart_access(struct hvt_dev *d, uint64_t addr, uint8_t *data,
			unsigned int size, int write)
{
	struct hvt_uart *u = d->priv;

	if (write)
		uart_write(u, addr, data[0]);
	else
		put_byte(data, size, uart_read(u, addr));
}

void hvt_uart_init(struct hvt_uart *u, uint16_t base, FILE *out)
{
	memset(u, 0, sizeof(*u));
	dev_setup(&u->dev, "uart", HVT_PIO, base, 8, uart_access, u);
	u->out = out;
	u->lcr = 0x03;
	u->dll = 12;			/* 9600 baud */
}

/* --- isa-debug-exit --- */

static void exit_access(struct hvt_dev *d, uint64_t addr, uint8_t *data,
			unsigned int size, int write)
{
	struct hvt_exitdev *e = d->priv;

	(void)addr;
	if (!write) {
		memset(data, 0xff, size);
		return;
	}
	e->status = ((get_val(data, size) << 1) | 1) & 0xff;
	if (e->on_exit)
		e->on_exit(e->ctx, e->status);
}

void hvt_exitdev_init(struct hvt_exitdev *e,
		      void (*on_exit)(void *ctx, int status), void *ctx)
{
	memset(e, 0, sizeof(*e));
	dev_setup(&e->dev, "exit", HVT_PIO, HVT_EXIT_PORT, 1, exit_access, e);
	e->on_exit = on_exit;
	e->ctx = ctx;
	e->status = -1;
}

/* --- fw_cfg --- */

static struct hvt_fwcfg_item *fwcfg_item(struct hvt_fwcfg *f, uint16_t key)
{
	unsigned int i;

	for (i = 0; i < f->nr_items; i++)
		if (f->items[i].key == key)
			return &f->items[i];
	return NULL;
}

static void fwcfg_access(struct hvt_dev *d, uint64_t addr, uint8_t *data,
			 unsigned int size, int write)
{
	struct hvt_fwcfg *f = d->priv;
	struct hvt_fwcfg_item *it;
	unsigned int i;

	if (addr == 0) {			/* selector */
		if (write) {
			f->sel = get_val(data, size < 2 ? size : 2);
			f->off = 0;
		} else {
			memset(data, 0, size);
			memcpy(data, &f->sel, size < 2 ? size : 2);
		}
		return;
	}
	if (write)				/* data writes: ignored */
		return;
	it = fwcfg_item(f, f->sel);
	for (i = 0; i < size; i++, f->off++)
		data[i] = it && f->off < it->size ? it->data[f->off] : 0;
}

int hvt_fwcfg_add(struct hvt_fwcfg *f, uint16_t key, const void *data,
		  uint32_t size)
{
	struct hvt_fwcfg_item *it;

	if (f->nr_items == HVT_FWCFG_MAX_ITEMS || fwcfg_item(f, key))
		return -1;
	it = &f->items[f->nr_items];
	it->data = malloc(size ? size : 1);
	if (!it->data)
		return -1;
	memcpy(it->data, data, size);
	it->size = size;
	it->key = key;
	f->nr_items++;
	return 0;
}

int hvt_fwcfg_add_file(struct hvt_fwcfg *f, const char *name,
		       const void *data, uint32_t size)
{
	uint16_t key = FW_CFG_FILE_FIRST + f->nr_files;

	if (strlen(name) >= sizeof(f->items[0].name) ||
	    hvt_fwcfg_add(f, key, data, size))
		return -1;
	strcpy(f->items[f->nr_items - 1].name, name);
	f->nr_files++;
	return 0;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

int hvt_fwcfg_finish(struct hvt_fwcfg *f)
{
	uint32_t size = 4 + 64 * f->nr_files;
	uint8_t *dir = calloc(1, size), *e;
	unsigned int i;
	int r;

	if (!dir)
		return -1;
	be32(dir, f->nr_files);
	e = dir + 4;
	for (i = 0; i < f->nr_items; i++) {
		struct hvt_fwcfg_item *it = &f->items[i];

		if (it->key < FW_CFG_FILE_FIRST)
			continue;
		be32(e, it->size);
		e[4] = it->key >> 8;
		e[5] = it->key;
		memcpy(e + 8, it->name, sizeof(it->name));
		e += 64;
	}
	r = hvt_fwcfg_add(f, FW_CFG_FILE_DIR, dir, size);
	free(dir);
	return r;
}

int hvt_fwcfg_init(struct hvt_fwcfg *f, unsigned int cpus, uint64_t ram)
{
	uint32_t id = 1;		/* traditional interface, no DMA */
	uint16_t n = cpus;

	memset(f, 0, sizeof(*f));
	dev_setup(&f->dev, "fw_cfg", HVT_PIO, HVT_FWCFG_PORT, 2, fwcfg_access,
		  f);
	return hvt_fwcfg_add(f, FW_CFG_SIGNATURE, "QEMU", 4) ||
	       hvt_fwcfg_add(f, FW_CFG_ID, &id, 4) ||
	       hvt_fwcfg_add(f, FW_CFG_RAM_SIZE, &ram, 8) ||
	       hvt_fwcfg_add(f, FW_CFG_NB_CPUS, &n, 2) ||
	       hvt_fwcfg_add(f, FW_CFG_MAX_CPUS, &n, 2) ? -1 : 0;
}

void hvt_fwcfg_free(struct hvt_fwcfg *f)
{
	unsigned int i;

	for (i = 0; i < f->nr_items; i++)
		free(f->items[i].data);
	f->nr_items = 0;
}

/* --- 8259A PICs --- */

static void pic_access(struct hvt_dev *d, uint64_t addr, uint8_t *data,
		       unsigned int size, int write)
{
	struct hvt_pic *p = d->priv;
	int which = d == &p->slave;

	if (write) {
		if (addr == 1)
			p->imr[which] = data[0];
		return;
	}
	put_byte(data, size, addr == 1 ? p->imr[which] : 0);
}

void hvt_pic_init(struct hvt_pic *p)
{
	memset(p, 0, sizeof(*p));
	dev_setup(&p->master, "pic-master", HVT_PIO, 0x20, 2, pic_access, p);
	dev_setup(&p->slave, "pic-slave", HVT_PIO, 0xa0, 2, pic_access, p);
}

/* --- PCI configuration mechanism #1, no devices --- */

static void pci_access(struct hvt_dev *d, uint64_t addr, uint8_t *data,
		       unsigned int size, int write)
{
	struct hvt_pci *p = d->priv;

	if (addr == 0 && size == 4) {
		if (write)
			p->addr = get_val(data, 4);
		else
			memcpy(data, &p->addr, 4);
		return;
	}
	if (!write)
		memset(data, 0xff, size);
}

void hvt_pci_init(struct hvt_pci *p)
{
	memset(p, 0, sizeof(*p));
	dev_setup(&p->dev, "pci", HVT_PIO, 0xcf8, 8, pci_access, p);
}

/* --- CMOS/RTC --- */

static uint8_t cmos_time(struct hvt_cmos *c, unsigned int reg)
{
	time_t t = c->fixed_time ? c->fixed_time : time(NULL);
	struct tm tm;
	int v;

	gmtime_r(&t, &tm);
	switch (reg) {
	case 0x00: v = tm.tm_sec; break;
	case 0x02: v = tm.tm_min; break;
	case 0x04: v = tm.tm_hour; break;
	case 0x06: v = tm.tm_wday + 1; break;
	case 0x07: v = tm.tm_mday; break;
	case 0x08: v = tm.tm_mon + 1; break;
	case 0x09: v = tm.tm_year % 100; break;
	default: v = 19 + tm.tm_year / 100; break;	/* 0x32: century */
	}
	if (c->ram[0x0b] & 0x04)			/* binary mode */
		return v;
	return (v / 10) << 4 | v % 10;
}

static void cmos_access(struct hvt_dev *d, uint64_t addr, uint8_t *data,
			unsigned int size, int write)
{
	struct hvt_cmos *c = d->priv;
	unsigned int r = c->index;

	if (addr == 0) {
		if (write)
			c->index = data[0] & 0x7f;	/* bit 7: NMI mask */
		else
			put_byte(data, size, 0xff);
		return;
	}
	if (write) {
		if (r != 0x0c && r != 0x0d)
			c->ram[r] = data[0];
		return;
	}
	switch (r) {
	case 0x00: case 0x02: case 0x04: case 0x06: case 0x07:
	case 0x08: case 0x09: case 0x32:
		put_byte(data, size, cmos_time(c, r));
		break;
	case 0x0a:
		put_byte(data, size, c->ram[r] & 0x7f);	/* UIP clear */
		break;
	default:
		put_byte(data, size, c->ram[r]);
	}
}

void hvt_cmos_init(struct hvt_cmos *c, uint64_t ram)
{
	uint64_t ext = ram > 0x100000 ? (ram - 0x100000) >> 10 : 0;
	uint64_t high = ram > 0x1000000 ? (ram - 0x1000000) >> 16 : 0;

	memset(c, 0, sizeof(*c));
	dev_setup(&c->dev, "cmos", HVT_PIO, 0x70, 2, cmos_access, c);
	if (ext > 0xfc00)
		ext = 0xfc00;
	if (high > 0xffff)
		high = 0xffff;
	c->ram[0x0a] = 0x26;
	c->ram[0x0b] = 0x02;			/* 24 h, BCD */
	c->ram[0x0d] = 0x80;			/* valid RAM and time */
	c->ram[0x15] = 640 & 0xff;
	c->ram[0x16] = 640 >> 8;
	c->ram[0x17] = c->ram[0x30] = ext & 0xff;
	c->ram[0x18] = c->ram[0x31] = ext >> 8;
	c->ram[0x34] = high & 0xff;
	c->ram[0x35] = high >> 8;
}

/* --- test device --- */

static void testdev_access(struct hvt_dev *d, uint64_t addr, uint8_t *data,
			   unsigned int size, int write)
{
	struct hvt_testdev *t = d->priv;
	unsigned int i;

	for (i = 0; i < size; i++, addr++) {
		if (addr >= HVT_TESTDEV_LEN) {
			if (!write)
				data[i] = 0xff;
		} else if (write) {
			t->regs[addr] = data[i];
		} else {
			data[i] = t->regs[addr];
		}
	}
}

void hvt_testdev_init(struct hvt_testdev *t)
{
	memset(t, 0, sizeof(*t));
	dev_setup(&t->dev, "testdev", HVT_MMIO, HVT_TESTDEV_BASE,
		  HVT_TESTDEV_LEN, testdev_access, t);
}
