// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of userspace/lib/bus.c and devices.c: registration by range,
 * unhandled accesses (all ones, one warning per port), and each device's
 * registers as a guest driver sees them through the bus.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/devices.h"
#include "unit.h"

static struct hvt_bus bus;
static char *warn_buf, *out_buf;
static size_t warn_len, out_len;

static uint32_t in(uint16_t port, unsigned int size)
{
	uint32_t v = 0;

	hvt_bus_access(&bus, HVT_PIO, port, (uint8_t *)&v, size, 0);
	return v;
}

static int out(uint16_t port, unsigned int size, uint32_t v)
{
	return hvt_bus_access(&bus, HVT_PIO, port, (uint8_t *)&v, size, 1);
}

static int exit_status = -1, exit_calls;

static void on_exit_cb(void *ctx, int status)
{
	(void)ctx;
	exit_status = status;
	exit_calls++;
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_bus(void)
{
	static struct hvt_testdev t;
	static struct hvt_dev a = { .name = "a", .space = HVT_PIO,
				    .base = 0x600, .len = 8 };
	static struct hvt_dev b;
	uint64_t v = 0;

	b = a;
	b.base = 0x607;
	b.len = 1;
	CHECK("bus.register", !hvt_bus_register(&bus, &a) &&
	      hvt_bus_find(&bus, HVT_PIO, 0x607) == &a &&
	      !hvt_bus_find(&bus, HVT_PIO, 0x608) &&
	      !hvt_bus_find(&bus, HVT_MMIO, 0x600));
	CHECK("bus.overlap_refused", hvt_bus_register(&bus, &b) == -1);
	b.space = HVT_MMIO;
	b.len = 0;
	CHECK("bus.empty_refused", hvt_bus_register(&bus, &b) == -1);
	b.len = 1;
	b.base = ~0ull;
	b.len = 2;
	CHECK("bus.wrap_refused", hvt_bus_register(&bus, &b) == -1);
	CHECK("bus.unhandled_reads_ones", in(0x2f8, 1) == 0xff &&
	      in(0x2f8, 4) == 0xffffffff && in(0x2f9, 2) == 0xffff);
	CHECK("bus.unhandled_write_ok", out(0x2f8, 1, 0x12) == 0);
	fflush(bus.warn);
	CHECK("bus.one_warning_per_port", lines(warn_buf) == 2 &&
	      strstr(warn_buf, "unhandled port read at 0x2f8 (size 1)") &&
	      strstr(warn_buf, "0x2f9"));
	hvt_bus_access(&bus, HVT_MMIO, 0xfee00000, (uint8_t *)&v, 8, 0);
	CHECK("bus.mmio_unhandled", v == ~0ull && bus.unhandled == 5);
	hvt_testdev_init(&t);
	CHECK("bus.mmio_register", !hvt_bus_register(&bus, &t.dev));
	v = 0x1122334455667788ull;
	hvt_bus_access(&bus, HVT_MMIO, HVT_TESTDEV_BASE + 8, (uint8_t *)&v, 8,
		       1);
	v = 0;
	hvt_bus_access(&bus, HVT_MMIO, HVT_TESTDEV_BASE + 12, (uint8_t *)&v, 4,
		       0);
	CHECK("testdev.round_trip", v == 0x11223344);
	v = 0;
	hvt_bus_access(&bus, HVT_MMIO, HVT_TESTDEV_BASE + HVT_TESTDEV_LEN - 2,
		       (uint8_t *)&v, 4, 0);
	CHECK("testdev.past_end_ones", v == 0xffff0000);
}

static void test_uart(void)
{
	static struct hvt_uart u;
	FILE *f = open_memstream(&out_buf, &out_len);

	hvt_uart_init(&u, HVT_COM1, f);
	CHECK("uart.register", !hvt_bus_register(&bus, &u.dev));
	CHECK("uart.lsr_thre", in(0x3fd, 1) == 0x60);
	out(0x3f8, 1, 'h');
	out(0x3f8, 1, 'i');
	CHECK("uart.thr_output", out_len == 2 && !memcmp(out_buf, "hi", 2));
	out(0x3ff, 1, 0xa5);
	CHECK("uart.scratch", in(0x3ff, 1) == 0xa5);
	CHECK("uart.iir_no_interrupt", in(0x3fa, 1) == 0x01);
	out(0x3fa, 1, 0x07);
	CHECK("uart.iir_fifo", in(0x3fa, 1) == 0xc1);
	out(0x3fb, 1, 0x83);
	out(0x3f8, 1, 0x01);
	out(0x3f9, 1, 0x00);
	CHECK("uart.dlab_divisor", in(0x3f8, 1) == 0x01 && in(0x3f9, 1) == 0 &&
	      out_len == 2);
	out(0x3fb, 1, 0x03);
	out(0x3f9, 1, 0xff);
	CHECK("uart.ier_4_bits", in(0x3f9, 1) == 0x0f);
	CHECK("uart.rbr_empty", in(0x3f8, 1) == 0 &&
	      !(in(0x3fd, 1) & 1));
	CHECK("uart.msr", in(0x3fe, 1) == 0xb0);
	out(0x3fc, 1, 0x1f);
	out(0x3f8, 1, 'X');
	CHECK("uart.loopback", in(0x3fe, 1) == 0xf0 && out_len == 2);
	out(0x3fc, 1, 0x03);
	fclose(f);
}

static void test_exit(void)
{
	static struct hvt_exitdev e;

	hvt_exitdev_init(&e, on_exit_cb, NULL);
	CHECK("exit.register", !hvt_bus_register(&bus, &e.dev));
	out(0xf4, 1, 0);
	CHECK("exit.zero_is_1", exit_status == 1 && e.status == 1);
	out(0xf4, 1, 21);
	CHECK("exit.v_is_2v_plus_1", exit_status == 43 && exit_calls == 2);
	out(0xf4, 2, 0x1ff);
	CHECK("exit.wide_write_wraps_odd", exit_status == 0xff);
	out(0xf4, 4, 0x80);
	CHECK("exit.128_wraps", exit_status == 1);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void fw_read(uint16_t key, void *buf, unsigned int n)
{
	uint8_t *p = buf;

	out(0x510, 2, key);
	while (n--)
		*p++ = in(0x511, 1);
}

static void test_fwcfg(void)
{
	static struct hvt_fwcfg f;
	uint8_t buf[64], dir[4 + 64 * 2];
	uint64_t ram = 0;
	uint32_t id = 0;
	uint16_t n = 0;

	CHECK("fwcfg.init", !hvt_fwcfg_init(&f, 3, 128ull << 20) &&
	      !hvt_fwcfg_add_file(&f, "opt/a", "hello", 5) &&
	      !hvt_fwcfg_add_file(&f, "etc/b", "xy", 2) &&
	      !hvt_fwcfg_finish(&f));
	CHECK("fwcfg.duplicate_key_refused",
	      hvt_fwcfg_add(&f, FW_CFG_ID, "x", 1) == -1);
	CHECK("fwcfg.register", !hvt_bus_register(&bus, &f.dev));
	fw_read(FW_CFG_SIGNATURE, buf, 4);
	CHECK("fwcfg.signature", !memcmp(buf, "QEMU", 4));
	fw_read(FW_CFG_ID, &id, 4);
	CHECK("fwcfg.id", id == 1);
	fw_read(FW_CFG_NB_CPUS, &n, 2);
	CHECK("fwcfg.nb_cpus", n == 3);
	fw_read(FW_CFG_RAM_SIZE, &ram, 8);
	CHECK("fwcfg.ram_size", ram == 128ull << 20);
	fw_read(FW_CFG_FILE_DIR, dir, sizeof(dir));
	CHECK("fwcfg.dir_count", be32(dir) == 2);
	CHECK("fwcfg.dir_entries", be32(dir + 4) == 5 && dir[8] == 0 &&
	      dir[9] == 0x20 && !strcmp((char *)dir + 12, "opt/a") &&
	      be32(dir + 68) == 2 && dir[73] == 0x21 &&
	      !strcmp((char *)dir + 76, "etc/b"));
	fw_read(0x21, buf, 4);
	CHECK("fwcfg.file_data_then_zeros", !memcmp(buf, "xy\0\0", 4));
	fw_read(0x1234, buf, 2);
	CHECK("fwcfg.unknown_key_zeros", buf[0] == 0 && buf[1] == 0);
	out(0x510, 2, 0x20);
	CHECK("fwcfg.wide_data_read", in(0x511, 4) == 0x6c6c6568 &&
	      in(0x511, 1) == 'o');
	CHECK("fwcfg.selector_reads_back", in(0x510, 2) == 0x20);
	hvt_fwcfg_free(&f);
}

static void test_pic_pci(void)
{
	static struct hvt_pic p;
	static struct hvt_pci c;

	hvt_pic_init(&p);
	hvt_pci_init(&c);
	CHECK("pic.register", !hvt_bus_register(&bus, &p.master) &&
	      !hvt_bus_register(&bus, &p.slave));
	out(0x20, 1, 0x11);
	out(0x21, 1, 0x20);
	out(0x21, 1, 0xfb);
	out(0xa1, 1, 0xff);
	CHECK("pic.masks", in(0x21, 1) == 0xfb && in(0xa1, 1) == 0xff &&
	      in(0x20, 1) == 0);
	CHECK("pci.register", !hvt_bus_register(&bus, &c.dev));
	out(0xcf8, 4, 0x80001000);
	CHECK("pci.address_reads_back", in(0xcf8, 4) == 0x80001000);
	CHECK("pci.no_device", in(0xcfc, 4) == 0xffffffff &&
	      in(0xcfe, 2) == 0xffff && in(0xcff, 1) == 0xff);
	CHECK("pci.byte_address_ones", in(0xcf8, 1) == 0xff);
}

static void test_cmos(void)
{
	static struct hvt_cmos c;

	hvt_cmos_init(&c, 128ull << 20);
	c.fixed_time = 1795473045;	/* 2026-11-23 22:30:45 UTC, Mon */
	CHECK("cmos.register", !hvt_bus_register(&bus, &c.dev));
#define RD(r) (out(0x70, 1, (r)), in(0x71, 1))
	CHECK("cmos.time_bcd", RD(0) == 0x45 && RD(2) == 0x30 &&
	      RD(4) == 0x22 && RD(6) == 0x02 && RD(7) == 0x23 &&
	      RD(8) == 0x11 && RD(9) == 0x26 && RD(0x32) == 0x20);
	CHECK("cmos.status", RD(0x0a) == 0x26 && RD(0x0b) == 0x02 &&
	      RD(0x0d) == 0x80);
	out(0x70, 1, 0x0b);
	out(0x71, 1, 0x06);
	CHECK("cmos.time_binary", RD(0) == 45 && RD(9) == 26);
	CHECK("cmos.nmi_bit_ignored", (out(0x70, 1, 0x80), in(0x71, 1)) == 45);
	CHECK("cmos.base_memory", RD(0x15) == 0x80 && RD(0x16) == 0x02);
	CHECK("cmos.extended_memory", RD(0x17) == 0x00 && RD(0x18) == 0xfc &&
	      RD(0x30) == 0x00 && RD(0x31) == 0xfc);
	CHECK("cmos.high_memory", (RD(0x34) | RD(0x35) << 8) == 1792);
	out(0x70, 1, 0x40);
	out(0x71, 1, 0x99);
	CHECK("cmos.ram", RD(0x40) == 0x99);
	hvt_cmos_init(&c, 8ull << 20);
	CHECK("cmos.small_memory", (RD(0x17) | RD(0x18) << 8) == 7168 &&
	      RD(0x34) == 0);
#undef RD
}

int main(void)
{
	hvt_bus_init(&bus, open_memstream(&warn_buf, &warn_len));
	test_bus();
	test_uart();
	test_exit();
	test_fwcfg();
	test_pic_pci();
	test_cmos();
	fclose(bus.warn);
	free(warn_buf);
	free(out_buf);
	return unit_failures ? 1 : 0;
}
