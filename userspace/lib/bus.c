// SPDX-License-Identifier: GPL-2.0-only
/* The device bus (see bus.h). */
#include <string.h>

#include "bus.h"

void hvt_bus_init(struct hvt_bus *bus, FILE *warn)
{
	memset(bus, 0, sizeof(*bus));
	pthread_mutex_init(&bus->lock, NULL);
	bus->warn = warn;
}

int hvt_bus_register(struct hvt_bus *bus, struct hvt_dev *dev)
{
	struct hvt_dev *d;

	if (!dev->len || dev->base + dev->len < dev->base)
		return -1;
	for (d = bus->devs; d; d = d->next)
		if (d->space == dev->space && dev->base < d->base + d->len &&
		    d->base < dev->base + dev->len)
			return -1;
	dev->next = bus->devs;
	bus->devs = dev;
	return 0;
}

struct hvt_dev *hvt_bus_find(struct hvt_bus *bus, enum hvt_space space,
			     uint64_t addr)
{
	struct hvt_dev *d;

	for (d = bus->devs; d; d = d->next)
		if (d->space == space && addr >= d->base &&
		    addr - d->base < d->len)
			return d;
	return NULL;
}

static int first_warning(struct hvt_bus *bus, enum hvt_space space,
			 uint64_t addr)
{
	unsigned int i;

	if (space == HVT_PIO) {
		uint8_t bit = 1 << (addr & 7);

		if (bus->warned_port[(addr & 0xffff) >> 3] & bit)
			return 0;
		bus->warned_port[(addr & 0xffff) >> 3] |= bit;
		return 1;
	}
	for (i = 0; i < bus->nr_warned_mmio; i++)
		if (bus->warned_mmio[i] == addr)
			return 0;
	/* Past the table, stay quiet rather than flood. */
	if (bus->nr_warned_mmio == HVT_WARN_MMIO_MAX)
		return 0;
	bus->warned_mmio[bus->nr_warned_mmio++] = addr;
	return 1;
}

int hvt_bus_access(struct hvt_bus *bus, enum hvt_space space, uint64_t addr,
		   uint8_t *data, unsigned int size, int write)
{
	struct hvt_dev *d;
	int handled = 0;

	pthread_mutex_lock(&bus->lock);
	d = hvt_bus_find(bus, space, addr);
	if (d) {
		d->access(d, addr - d->base, data, size, write);
		handled = 1;
	} else {
		bus->unhandled++;
		if (!write)
			memset(data, 0xff, size);
		if (first_warning(bus, space, addr) && bus->warn)
			fprintf(bus->warn,
				"hvtool: warning: unhandled %s %s at %#llx (size %u)%s\n",
				space == HVT_PIO ? "port" : "MMIO",
				write ? "write" : "read",
				(unsigned long long)addr, size,
				write ? "" : ", read as all ones");
	}
	pthread_mutex_unlock(&bus->lock);
	return handled;
}
