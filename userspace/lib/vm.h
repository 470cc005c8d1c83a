/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A machine: guest memory, a VM on /dev/hvm or /dev/kvm, its vCPUs (one
 * thread each), the device bus and hvtool's devices, and the rules that
 * turn the way the guest ended into hvtool's exit status.
 */
#ifndef HVT_VM_H
#define HVT_VM_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "devices.h"
#include "hvm.h"
#include "loader.h"

/* hvtool run's exit status; the guest's own codes are odd. */
#define HVT_EXIT_HALT		0	/* every vCPU: HLT with IF=0 */
#define HVT_EXIT_USAGE		2	/* bad option or image, no VM made */
#define HVT_EXIT_SHUTDOWN	4	/* triple fault */
#define HVT_EXIT_FAIL_ENTRY	6	/* KVM_EXIT_FAIL_ENTRY */
#define HVT_EXIT_INTERNAL	8	/* internal error, unexpected exit */
#define HVT_EXIT_TIMEOUT	10	/* --timeout expired */
#define HVT_EXIT_VMM		12	/* device or ioctl failure in set-up */
#define HVT_EXIT_HALT_IF	14	/* HLT with IF=1: nothing can wake it */

#define HVT_VERSION		"0.2"
#define HVT_MAX_CPUS		64
#define HVT_NR_REASONS		64

struct hvt_machine;

struct hvt_vcpu {
	struct hvt_machine *m;
	struct hvm_vcpu_handle h;
	unsigned int index;
	pthread_t thread;
	int started;
	volatile int done;
	unsigned long exits[HVT_NR_REASONS];
};

struct hvt_config {
	const char *dev_path;
	uint64_t mem_size;
	unsigned int cpus;
	FILE *serial;
	double timeout_s;	/* 0: none */
	int verbose;
};

struct hvt_machine {
	struct hvt_config cfg;
	uint8_t *mem;
	int dev, vm;
	struct hvt_vcpu *vcpus;
	unsigned int nr_vcpus;
	struct hvt_bus bus;
	struct hvt_uart uart;
	struct hvt_exitdev exitdev;
	struct hvt_fwcfg fwcfg;
	struct hvt_pic pic;
	struct hvt_pci pci;
	struct hvt_cmos cmos;
	struct hvt_testdev testdev;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	volatile int stopping;
	int status;
	unsigned int halted;
};

/* Guest memory (anonymous, zeroed) and the devices; no VM yet. */
int hvt_machine_init(struct hvt_machine *m, const struct hvt_config *cfg,
		     const char *cmdline);
/* Opens the device, creates the VM, memory slot and vCPUs in BOOT's
 * state. Returns 0 or an HVT_EXIT_* status (message printed). */
int hvt_machine_create(struct hvt_machine *m, const struct hvt_boot *boot);
/* Runs until the guest ends; returns the exit status. */
int hvt_machine_run(struct hvt_machine *m);
void hvt_machine_destroy(struct hvt_machine *m);

/* Ends the run with STATUS (the first caller wins); MSG to stderr. */
void hvt_machine_stop(struct hvt_machine *m, int status, const char *msg);

#endif /* HVT_VM_H */
