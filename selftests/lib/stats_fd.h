/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reader of KVM's binary statistics fd (KVM_GET_STATS_FD, api.rst
 * 4.133), the same for /dev/kvm and /dev/hvm: header, id, descriptors,
 * then each statistic's u64s at data_offset + desc->offset.
 */
#ifndef HVM_STATS_FD_H
#define HVM_STATS_FD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>

struct stats_fd {
	int fd;
	struct kvm_stats_header hdr;
	char *id;
	char *descs;		/* num_desc entries of desc_size bytes */
	size_t desc_size;
};

static inline struct kvm_stats_desc *stats_desc(struct stats_fd *s,
						unsigned int i)
{
	return (struct kvm_stats_desc *)(s->descs + i * s->desc_size);
}

/* 0, or -1 if a pread() came up short. */
static inline int stats_open(struct stats_fd *s, int fd)
{
	size_t n;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	if (pread(fd, &s->hdr, sizeof(s->hdr), 0) != sizeof(s->hdr))
		return -1;
	if (s->hdr.name_size == 0 || s->hdr.name_size > 4096 ||
	    s->hdr.num_desc > 100000)
		return -1;
	s->id = calloc(1, s->hdr.name_size + 1);
	if (pread(fd, s->id, s->hdr.name_size, s->hdr.id_offset) !=
	    (ssize_t)s->hdr.name_size)
		return -1;
	s->desc_size = sizeof(struct kvm_stats_desc) + s->hdr.name_size;
	n = s->desc_size * s->hdr.num_desc;
	s->descs = calloc(1, n + 1);
	if (pread(fd, s->descs, n, s->hdr.desc_offset) != (ssize_t)n)
		return -1;
	return 0;
}

static inline void stats_close(struct stats_fd *s)
{
	free(s->id);
	free(s->descs);
	close(s->fd);
}

/* The descriptor named @name, or NULL. */
static inline struct kvm_stats_desc *stats_find(struct stats_fd *s,
						const char *name)
{
	unsigned int i;

	for (i = 0; i < s->hdr.num_desc; i++)
		if (!strncmp(stats_desc(s, i)->name, name, s->hdr.name_size) &&
		    strlen(name) < s->hdr.name_size)
			return stats_desc(s, i);
	return NULL;
}

/* Reads @d's @n values (at most d->size); 0, or -1. */
static inline int stats_read(struct stats_fd *s, struct kvm_stats_desc *d,
			     uint64_t *val, unsigned int n)
{
	size_t len = (n < d->size ? n : d->size) * sizeof(uint64_t);

	return pread(s->fd, val, len, s->hdr.data_offset + d->offset) ==
	       (ssize_t)len ? 0 : -1;
}

/* The first value of statistic @name, or UINT64_MAX. */
static inline uint64_t stats_get(struct stats_fd *s, const char *name)
{
	struct kvm_stats_desc *d = stats_find(s, name);
	uint64_t v;

	if (!d || stats_read(s, d, &v, 1))
		return UINT64_MAX;
	return v;
}

#endif /* HVM_STATS_FD_H */
