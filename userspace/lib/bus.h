/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device bus: port I/O and MMIO address spaces where devices register
 * by range. One lock serialises every access, so devices need none of
 * their own and a run's output does not depend on vCPU timing more than
 * the guest's own code does.
 */
#ifndef HVT_BUS_H
#define HVT_BUS_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

enum hvt_space { HVT_PIO, HVT_MMIO };

struct hvt_dev;

/*
 * Called with the bus lock held. ADDR is relative to the device's base.
 * A read fills DATA (SIZE bytes, little-endian); a write reads it.
 */
typedef void (*hvt_access_fn)(struct hvt_dev *dev, uint64_t addr,
			      uint8_t *data, unsigned int size, int write);

struct hvt_dev {
	const char *name;
	enum hvt_space space;
	uint64_t base, len;
	hvt_access_fn access;
	void *priv;
	struct hvt_dev *next;
};

#define HVT_WARN_MMIO_MAX	64

struct hvt_bus {
	pthread_mutex_t lock;
	struct hvt_dev *devs;
	FILE *warn;			/* where warnings go (stderr) */
	uint8_t warned_port[65536 / 8];
	uint64_t warned_mmio[HVT_WARN_MMIO_MAX];
	unsigned int nr_warned_mmio;
	unsigned long unhandled;
};

void hvt_bus_init(struct hvt_bus *bus, FILE *warn);
/* 0, or -1 when the range is empty or overlaps a registered device. */
int hvt_bus_register(struct hvt_bus *bus, struct hvt_dev *dev);
struct hvt_dev *hvt_bus_find(struct hvt_bus *bus, enum hvt_space space,
			     uint64_t addr);
/*
 * One access. Nobody at ADDR: a read returns all ones, and a one-line
 * warning is printed the first time for that port (MMIO: address).
 * Returns 1 when a device handled it, 0 otherwise.
 */
int hvt_bus_access(struct hvt_bus *bus, enum hvt_space space, uint64_t addr,
		   uint8_t *data, unsigned int size, int write);

#endif /* HVT_BUS_H */
