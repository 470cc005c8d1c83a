// SPDX-License-Identifier: GPL-2.0-only
/* A machine and its run (see vm.h). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vm.h"

#define X86_EFLAGS_IF	0x200

static const char *const reason_names[HVT_NR_REASONS] = {
	[KVM_EXIT_IO] = "io", [KVM_EXIT_HLT] = "hlt", [KVM_EXIT_MMIO] = "mmio",
	[KVM_EXIT_SHUTDOWN] = "shutdown", [KVM_EXIT_FAIL_ENTRY] = "fail_entry",
	[KVM_EXIT_INTR] = "intr", [KVM_EXIT_INTERNAL_ERROR] = "internal_error",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "irq_window_open",
};

static const char *reason_name(unsigned int r)
{
	return r < HVT_NR_REASONS && reason_names[r] ? reason_names[r] : "other";
}

void hvt_machine_stop(struct hvt_machine *m, int status, const char *msg)
{
	pthread_mutex_lock(&m->lock);
	if (!m->stopping) {
		m->stopping = 1;
		m->status = status;
		if (msg)
			fprintf(stderr, "%s\n", msg);
	}
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

static void on_guest_exit(void *ctx, int status)
{
	hvt_machine_stop(ctx, status, NULL);
}

int hvt_machine_init(struct hvt_machine *m, const struct hvt_config *cfg,
		     const char *cmdline)
{
	static const char version[] = "hvtool " HVT_VERSION;
	uint32_t len = cmdline ? strlen(cmdline) + 1 : 1;

	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	m->dev = m->vm = -1;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	m->mem = mmap(NULL, cfg->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->mem == MAP_FAILED) {
		m->mem = NULL;
		fprintf(stderr, "hvtool: guest memory (%llu MiB): %s\n",
			(unsigned long long)(cfg->mem_size >> 20),
			strerror(errno));
		return -1;
	}
	hvt_bus_init(&m->bus, stderr);
	hvt_uart_init(&m->uart, HVT_COM1, cfg->serial);
	hvt_exitdev_init(&m->exitdev, on_guest_exit, m);
	hvt_pic_init(&m->pic);
	hvt_pci_init(&m->pci);
	hvt_cmos_init(&m->cmos, cfg->mem_size);
	hvt_testdev_init(&m->testdev);
	if (hvt_fwcfg_init(&m->fwcfg, cfg->cpus, cfg->mem_size) ||
	    hvt_fwcfg_add(&m->fwcfg, FW_CFG_CMDLINE_SIZE, &len, 4) ||
	    hvt_fwcfg_add(&m->fwcfg, FW_CFG_CMDLINE_DATA, cmdline ? cmdline : "",
			  len) ||
	    hvt_fwcfg_add_file(&m->fwcfg, "opt/hvtool/cmdline",
			       cmdline ? cmdline : "", len - 1) ||
	    hvt_fwcfg_add_file(&m->fwcfg, "opt/hvtool/version", version,
			       sizeof(version) - 1) ||
	    hvt_fwcfg_finish(&m->fwcfg) ||
	    hvt_bus_register(&m->bus, &m->uart.dev) ||
	    hvt_bus_register(&m->bus, &m->exitdev.dev) ||
	    hvt_bus_register(&m->bus, &m->fwcfg.dev) ||
	    hvt_bus_register(&m->bus, &m->pic.master) ||
	    hvt_bus_register(&m->bus, &m->pic.slave) ||
	    hvt_bus_register(&m->bus, &m->pci.dev) ||
	    hvt_bus_register(&m->bus, &m->cmos.dev) ||
	    hvt_bus_register(&m->bus, &m->testdev.dev)) {
		fprintf(stderr, "hvtool: device set-up failed\n");
		return -1;
	}
	return 0;
}

static int vmm_error(const char *what, int err)
{
	fprintf(stderr, "hvtool: %s: %s\n", what, strerror(-err));
	return HVT_EXIT_VMM;
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int code64)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code64;
	s->db = !code64;
}

static int set_boot_state(struct hvt_vcpu *v, const struct hvt_boot *b)
{
	struct kvm_sregs sr;
	struct kvm_regs regs;
	int r;

	r = hvm_ioctl(v->h.fd, KVM_GET_SREGS, (unsigned long)&sr);
	if (r < 0)
		return r;
	memset(&regs, 0, sizeof(regs));
	regs.rflags = 2;
	regs.rdi = v->index;
	if (b->mode == HVT_REAL16) {
		sr.cs.selector = b->real_cs;
		sr.cs.base = (uint32_t)b->real_cs << 4;
		regs.rip = b->entry - sr.cs.base;
	} else {
		int l = b->mode == HVT_LONG64;

		seg(&sr.cs, l ? HVT_SEL_CODE64 : HVT_SEL_CODE32, 0xb, l);
		seg(&sr.ds, HVT_SEL_DATA, 0x3, 0);
		sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
		sr.tr.type = 0xb;		/* busy 32/64-bit TSS */
		sr.tr.present = 1;
		sr.tr.s = 0;
		sr.gdt.base = HVT_GDT_ADDR;
		sr.gdt.limit = 4 * 8 - 1;
		sr.idt.base = 0;
		sr.idt.limit = 0;
		sr.cr0 = 0x11;			/* PE, ET */
		sr.cr4 = 0;
		sr.efer = 0;
		if (l) {
			sr.cr0 |= 0x80000000;	/* PG */
			sr.cr3 = HVT_PML4_ADDR;
			sr.cr4 = 0x20;		/* PAE */
			sr.efer = 0x500;	/* LME, LMA */
		}
		regs.rip = b->entry;
		regs.rax = b->eax;
		regs.rbx = b->ebx;
	}
	r = hvm_ioctl(v->h.fd, KVM_SET_SREGS, (unsigned long)&sr);
	if (!r)
		r = hvm_ioctl(v->h.fd, KVM_SET_REGS, (unsigned long)&regs);
	return r;
}

/* The supported CPUID table, with this vCPU's APIC ID. */
static int set_cpuid(struct hvt_machine *m, struct hvt_vcpu *v)
{
	struct kvm_cpuid2 *c;
	unsigned int i, nent = 256;
	int r;

	c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
	if (!c)
		return -ENOMEM;
	c->nent = nent;
	r = hvm_ioctl(m->dev, KVM_GET_SUPPORTED_CPUID, (unsigned long)c);
	for (i = 0; !r && i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == 1)
			e->ebx = (e->ebx & 0x00ffffff) | v->index << 24;
		if (e->function == 0xb || e->function == 0x1f)
			e->edx = v->index;
	}
	if (!r)
		r = hvm_ioctl(v->h.fd, KVM_SET_CPUID2, (unsigned long)c);
	free(c);
	return r;
}

int hvt_machine_create(struct hvt_machine *m, const struct hvt_boot *boot)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0,
		.memory_size = m->cfg.mem_size,
		.userspace_addr = (uintptr_t)m->mem,
	};
	unsigned int i;
	int r;

	m->dev = hvm_dev_open(m->cfg.dev_path);
	if (m->dev < 0)
		return vmm_error(m->cfg.dev_path, m->dev);
	m->vm = hvm_vm_create(m->dev);
	if (m->vm < 0)
		return vmm_error("KVM_CREATE_VM", m->vm);
	r = hvm_ioctl(m->vm, KVM_SET_USER_MEMORY_REGION,
		      (unsigned long)&region);
	if (r < 0)
		return vmm_error("KVM_SET_USER_MEMORY_REGION", r);
	m->vcpus = calloc(m->cfg.cpus, sizeof(*m->vcpus));
	if (!m->vcpus)
		return vmm_error("vCPUs", -ENOMEM);
	for (i = 0; i < m->cfg.cpus; i++) {
		struct hvt_vcpu *v = &m->vcpus[i];
		char what[48];

		v->m = m;
		v->index = i;
		r = hvm_vcpu_open(m->dev, m->vm, i, &v->h);
		snprintf(what, sizeof(what), "KVM_CREATE_VCPU %u", i);
		if (r < 0)
			return vmm_error(what, r);
		m->nr_vcpus++;
		r = set_cpuid(m, v);
		snprintf(what, sizeof(what), "vCPU %u: CPUID", i);
		if (r < 0)
			return vmm_error(what, r);
		r = set_boot_state(v, boot);
		snprintf(what, sizeof(what), "vCPU %u: boot state", i);
		if (r < 0)
			return vmm_error(what, r);
	}
	return 0;
}

static uint64_t vcpu_rip(struct hvt_vcpu *v, uint64_t *rflags)
{
	struct kvm_regs regs;

	if (hvm_ioctl(v->h.fd, KVM_GET_REGS, (unsigned long)&regs) < 0)
		return *rflags = 0, ~0ull;
	*rflags = regs.rflags;
	return regs.rip;
}

static void vcpu_stop(struct hvt_vcpu *v, int status, const char *fmt,
		      unsigned long long arg)
{
	uint64_t rflags;
	char msg[200];

	snprintf(msg, sizeof(msg), fmt, v->index, arg,
		 (unsigned long long)vcpu_rip(v, &rflags));
	hvt_machine_stop(v->m, status, msg);
}

static void vcpu_halted(struct hvt_vcpu *v)
{
	struct hvt_machine *m = v->m;
	uint64_t rflags, rip = vcpu_rip(v, &rflags);
	char msg[160];
	int all;

	if (rflags & X86_EFLAGS_IF) {
		snprintf(msg, sizeof(msg),
			 "hvtool: vCPU %u halted with interrupts enabled at rip %#llx: nothing can wake it",
			 v->index, (unsigned long long)rip);
		hvt_machine_stop(m, HVT_EXIT_HALT_IF, msg);
		return;
	}
	pthread_mutex_lock(&m->lock);
	all = ++m->halted == m->nr_vcpus;
	pthread_mutex_unlock(&m->lock);
	if (all)
		hvt_machine_stop(m, HVT_EXIT_HALT, NULL);
}

static void *vcpu_thread(void *arg)
{
	struct hvt_vcpu *v = arg;
	struct hvt_machine *m = v->m;
	struct kvm_run *run = v->h.run;
	unsigned int i;
	int r;

	while (!m->stopping) {
		r = hvm_ioctl(v->h.fd, KVM_RUN, 0);
		if (r == -EINTR || r == -EAGAIN)
			continue;
		if (r < 0) {
			vcpu_stop(v, HVT_EXIT_INTERNAL,
				  "hvtool: vCPU %u: KVM_RUN failed (errno %llu) at rip %#llx",
				  -r);
			break;
		}
		v->exits[run->exit_reason < HVT_NR_REASONS ?
			 run->exit_reason : 0]++;
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			for (i = 0; i < run->io.count; i++)
				hvt_bus_access(&m->bus, HVT_PIO, run->io.port,
					       (uint8_t *)run +
					       run->io.data_offset +
					       i * run->io.size, run->io.size,
					       run->io.direction ==
					       KVM_EXIT_IO_OUT);
			continue;
		case KVM_EXIT_MMIO:
			hvt_bus_access(&m->bus, HVT_MMIO, run->mmio.phys_addr,
				       run->mmio.data, run->mmio.len,
				       run->mmio.is_write);
			continue;
		case KVM_EXIT_HLT:
			vcpu_halted(v);
			break;
		case KVM_EXIT_SHUTDOWN:
			vcpu_stop(v, HVT_EXIT_SHUTDOWN,
				  "hvtool: vCPU %u: shutdown (triple fault)%.0llu at rip %#llx",
				  0);
			break;
		case KVM_EXIT_FAIL_ENTRY:
			vcpu_stop(v, HVT_EXIT_FAIL_ENTRY,
				  "hvtool: vCPU %u: failed entry, hardware reason %#llx, rip %#llx",
				  run->fail_entry.hardware_entry_failure_reason);
			break;
		case KVM_EXIT_INTERNAL_ERROR:
			vcpu_stop(v, HVT_EXIT_INTERNAL,
				  "hvtool: vCPU %u: internal error, suberror %llu, rip %#llx",
				  run->internal.suberror);
			break;
		default:
			vcpu_stop(v, HVT_EXIT_INTERNAL,
				  "hvtool: vCPU %u: unexpected exit reason %llu at rip %#llx",
				  run->exit_reason);
			break;
		}
		break;
	}
	v->done = 1;
	return NULL;
}

static void on_kick(int sig)
{
	(void)sig;
}

static void summary(struct hvt_machine *m, double secs)
{
	unsigned int i, r;

	fprintf(stderr, "hvtool: status %d after %.3f s\n", m->status, secs);
	for (i = 0; i < m->nr_vcpus; i++) {
		fprintf(stderr, "hvtool: vCPU %u exits:", i);
		for (r = 0; r < HVT_NR_REASONS; r++)
			if (m->vcpus[i].exits[r])
				fprintf(stderr, " %s %lu", reason_name(r),
					m->vcpus[i].exits[r]);
		fprintf(stderr, "\n");
	}
	if (m->bus.unhandled)
		fprintf(stderr, "hvtool: %lu unhandled accesses\n",
			m->bus.unhandled);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int hvt_machine_run(struct hvt_machine *m)
{
	struct sigaction sa = { .sa_handler = on_kick };
	struct timespec deadline;
	double t0 = now();
	unsigned int i;
	char msg[96];
	int r;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	clock_gettime(CLOCK_REALTIME, &deadline);
	if (m->cfg.timeout_s > 0) {
		double t = deadline.tv_sec + deadline.tv_nsec / 1e9 +
			   m->cfg.timeout_s;

		deadline.tv_sec = (time_t)t;
		deadline.tv_nsec = (long)((t - (double)deadline.tv_sec) * 1e9);
	}
	for (i = 0; i < m->nr_vcpus; i++) {
		r = pthread_create(&m->vcpus[i].thread, NULL, vcpu_thread,
				   &m->vcpus[i]);
		if (r) {
			hvt_machine_stop(m, HVT_EXIT_VMM,
					 "hvtool: cannot start a vCPU thread");
			break;
		}
		m->vcpus[i].started = 1;
	}
	pthread_mutex_lock(&m->lock);
	while (!m->stopping) {
		if (m->cfg.timeout_s <= 0) {
			pthread_cond_wait(&m->cond, &m->lock);
			continue;
		}
		if (pthread_cond_timedwait(&m->cond, &m->lock, &deadline) ==
		    ETIMEDOUT && !m->stopping) {
			m->stopping = 1;
			m->status = HVT_EXIT_TIMEOUT;
			snprintf(msg, sizeof(msg),
				 "hvtool: timeout: the guest still ran after %g s",
				 m->cfg.timeout_s);
			fprintf(stderr, "%s\n", msg);
		}
	}
	pthread_mutex_unlock(&m->lock);
	for (i = 0; i < m->nr_vcpus; i++) {
		struct hvt_vcpu *v = &m->vcpus[i];

		if (!v->started)
			continue;
		v->h.run->immediate_exit = 1;
		while (!v->done) {
			pthread_kill(v->thread, SIGUSR1);
			usleep(1000);
		}
		pthread_join(v->thread, NULL);
	}
	fflush(m->cfg.serial);
	if (m->cfg.verbose)
		summary(m, now() - t0);
	return m->status;
}

void hvt_machine_destroy(struct hvt_machine *m)
{
	unsigned int i;

	for (i = 0; i < m->nr_vcpus; i++)
		hvm_vcpu_close(&m->vcpus[i].h);
	free(m->vcpus);
	if (m->vm >= 0)
		close(m->vm);
	if (m->dev >= 0)
		close(m->dev);
	if (m->mem)
		munmap(m->mem, m->cfg.mem_size);
	hvt_fwcfg_free(&m->fwcfg);
}
