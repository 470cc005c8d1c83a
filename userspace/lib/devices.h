/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvtool's devices; each embeds its struct hvt_dev and is registered on a
 * bus with hvt_bus_register(&x.dev). Documentation/hvtool.rst lists what
 * each one answers.
 */
#ifndef HVT_DEVICES_H
#define HVT_DEVICES_H

#include <stdio.h>
#include <time.h>

#include "bus.h"

#define HVT_COM1		0x3f8
#define HVT_EXIT_PORT		0xf4
#define HVT_FWCFG_PORT		0x510
#define HVT_TESTDEV_BASE	0xd0000000ull
#define HVT_TESTDEV_LEN		0x1000

/* 16550A UART: THR output to OUT; no input (LSR.DR stays 0). */
struct hvt_uart {
	struct hvt_dev dev;
	FILE *out;
	uint8_t ier, iir_fifo, lcr, mcr, scr, dll, dlm;
};
void hvt_uart_init(struct hvt_uart *u, uint16_t base, FILE *out);

/* isa-debug-exit: a write of V asks for exit status (V << 1) | 1. */
struct hvt_exitdev {
	struct hvt_dev dev;
	void (*on_exit)(void *ctx, int status);
	void *ctx;
	int status;		/* -1 until written */
};
void hvt_exitdev_init(struct hvt_exitdev *e,
		      void (*on_exit)(void *ctx, int status), void *ctx);

/* QEMU fw_cfg, traditional I/O interface (selector 0x510, data 0x511). */
#define HVT_FWCFG_MAX_ITEMS	32
#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_ID		0x01
#define FW_CFG_RAM_SIZE		0x03
#define FW_CFG_NB_CPUS		0x05
#define FW_CFG_MAX_CPUS		0x0f
#define FW_CFG_CMDLINE_SIZE	0x14
#define FW_CFG_CMDLINE_DATA	0x15
#define FW_CFG_FILE_DIR		0x19
#define FW_CFG_FILE_FIRST	0x20

struct hvt_fwcfg_item {
	uint16_t key;
	uint8_t *data;
	uint32_t size;
	char name[56];		/* files only */
};

struct hvt_fwcfg {
	struct hvt_dev dev;
	struct hvt_fwcfg_item items[HVT_FWCFG_MAX_ITEMS];
	unsigned int nr_items, nr_files;
	uint16_t sel;
	uint32_t off;
};
/* Signature, ID, RAM size and CPU counts; then add items and files. */
int hvt_fwcfg_init(struct hvt_fwcfg *f, unsigned int cpus, uint64_t ram);
int hvt_fwcfg_add(struct hvt_fwcfg *f, uint16_t key, const void *data,
		  uint32_t size);
int hvt_fwcfg_add_file(struct hvt_fwcfg *f, const char *name,
		       const void *data, uint32_t size);
/* Builds the file directory (key 0x19); call after the last file. */
int hvt_fwcfg_finish(struct hvt_fwcfg *f);
void hvt_fwcfg_free(struct hvt_fwcfg *f);

/* 8259A pair: ports accepted, masks read back, nothing delivered. */
struct hvt_pic {
	struct hvt_dev master, slave;
	uint8_t imr[2];
};
void hvt_pic_init(struct hvt_pic *p);

/* PCI configuration mechanism #1 with no device behind it. */
struct hvt_pci {
	struct hvt_dev dev;
	uint32_t addr;
};
void hvt_pci_init(struct hvt_pci *p);

/* MC146818 CMOS/RTC: time (BCD, 24 h) and memory size registers. */
struct hvt_cmos {
	struct hvt_dev dev;
	uint8_t index;
	uint8_t ram[128];
	time_t fixed_time;	/* 0: the host's clock at each read */
};
void hvt_cmos_init(struct hvt_cmos *c, uint64_t ram);

/* hvtool test device: 4 KiB of MMIO scratch registers (benchmarks). */
struct hvt_testdev {
	struct hvt_dev dev;
	uint8_t regs[HVT_TESTDEV_LEN];
};
void hvt_testdev_init(struct hvt_testdev *t);

#endif /* HVT_DEVICES_H */
