// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu_events: KVM_GET/SET_VCPU_EVENTS. The reset state; an exception
 * (#GP with its error code, #UD) and an external interrupt set as
 * injected reach the guest's IDT handlers on the next KVM_RUN, at the
 * RIP where the guest stood; the interrupt shadow round-trips and holds
 * a KVM_INTERRUPT vector back for one instruction; EINVAL for unknown
 * flags, flags whose capability is not enabled and bad exception
 * vectors. NMIs from KVM_NMI and from nmi.injected reach the guest's
 * handler, masked until its IRET; NMI state round-trips. SMM state: KVM
 * takes it, hvmod, which has no SMM, only the idle values (EINVAL
 * otherwise, Documentation/api.rst).
 * The guest is in guest/vcpu_events.S.
 *
 * KVM 6.1 reference: arch/x86/kvm/x86.c:
 * kvm_vcpu_ioctl_x86_get_vcpu_events() / _set_vcpu_events(),
 * kvm_inject_exception(), kvm_vcpu_ioctl_nmi(), process_nmi();
 * svm/svm.c: svm_get/set_interrupt_shadow(), svm_inject_nmi(),
 * iret_interception().
 */
#include "guest_harness.h"
#include "hvm_test.h"

#define GP_VECTOR	13
#define UD_VECTOR	6
#define IRQ_VECTOR	0x30
#define NMI_VECTOR	2
#define GP_ERROR	0x1234U

/* What GET reports as valid: KVM without any event capability. */
#define FLAGS_GET	(KVM_VCPUEVENT_VALID_NMI_PENDING |		\
			 KVM_VCPUEVENT_VALID_SHADOW |			\
			 KVM_VCPUEVENT_VALID_SMM)

GUEST_CODE_DECLARE(ev_guest);
GUEST_LABEL_DECLARE(ev_first);
GUEST_LABEL_DECLARE(ev_second);
GUEST_LABEL_DECLARE(ev_gp_handler);
GUEST_LABEL_DECLARE(ev_ud_handler);
GUEST_LABEL_DECLARE(ev_irq_handler);
GUEST_CODE_DECLARE(ev_nmi);
GUEST_LABEL_DECLARE(ev_nmi_handler);
GUEST_CODE_DECLARE(ev_real);
GUEST_LABEL_DECLARE(ev_real_handler);

#define EV_GPA(label)	((uint32_t)GUEST_GPA(ev_guest, label))

FIXTURE(vcpu_events) {
	struct guest_vm *vm;
};

FIXTURE_SETUP(vcpu_events)
{
	struct guest_vm *vm;

	vm = self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(ev_guest));
	guest_set_idt_gate(vm, GP_VECTOR, GUEST_GPA(ev_guest, ev_gp_handler));
	guest_set_idt_gate(vm, UD_VECTOR, GUEST_GPA(ev_guest, ev_ud_handler));
	guest_set_idt_gate(vm, IRQ_VECTOR,
			   GUEST_GPA(ev_guest, ev_irq_handler));
}

FIXTURE_TEARDOWN(vcpu_events)
{
	vm_destroy(self->vm);
}

static int get_events(struct guest_vm *vm, struct kvm_vcpu_events *ev)
{
	memset(ev, 0xa5, sizeof(*ev));
	return ioctl_errno(vm->vcpu, KVM_GET_VCPU_EVENTS, (unsigned long)ev);
}

static int set_events(struct guest_vm *vm, const struct kvm_vcpu_events *ev)
{
	return ioctl_errno(vm->vcpu, KVM_SET_VCPU_EVENTS, (unsigned long)ev);
}

static void set_if(struct guest_vm *vm)
{
	struct kvm_regs regs;

	vcpu_get_regs(vm, &regs);
	regs.rflags |= X86_RFLAGS_IF;
	vcpu_set_regs(vm, &regs);
}

/* On AMD the one shadow bit reads as both kinds (svm_get_interrupt_shadow). */
static uint8_t shadow_read_back(void)
{
	return host_cpu_is_amd() ?
	       KVM_X86_SHADOW_INT_MOV_SS | KVM_X86_SHADOW_INT_STI :
	       KVM_X86_SHADOW_INT_STI;
}

TEST_F(vcpu_events, caps)
{
	EXPECT_LT(0, check_cap(self->vm->dev, KVM_CAP_VCPU_EVENTS));
	EXPECT_LT(0, check_cap(self->vm->dev, KVM_CAP_USER_NMI));
	/* KVM 6.1 x86 never reports it, though VALID_SHADOW works. */
	EXPECT_EQ(0, check_cap(self->vm->dev, KVM_CAP_INTR_SHADOW));
}

TEST_F(vcpu_events, reset)
{
	struct kvm_vcpu_events ev, want;

	memset(&want, 0, sizeof(want));
	want.flags = FLAGS_GET;
	ASSERT_EQ(0, get_events(self->vm, &ev));
	EXPECT_EQ(0, memcmp(&want, &ev, sizeof(ev)))
		TH_LOG("flags %#x exception %u/%u interrupt %u/%u shadow %u",
		       ev.flags, ev.exception.injected, ev.exception.nr,
		       ev.interrupt.injected, ev.interrupt.nr,
		       ev.interrupt.shadow);
}

TEST_F(vcpu_events, inject_gp)
{
	struct guest_vm *vm = self->vm;
	struct kvm_vcpu_events ev;

	memset(&ev, 0, sizeof(ev));
	ev.exception.injected = 1;
	ev.exception.nr = GP_VECTOR;
	ev.exception.has_error_code = 1;
	ev.exception.error_code = GP_ERROR;
	ASSERT_EQ(0, set_events(vm, &ev));
	ASSERT_EQ(0, get_events(vm, &ev));
	EXPECT_EQ(1, ev.exception.injected);
	EXPECT_EQ(GP_VECTOR, ev.exception.nr);
	EXPECT_EQ(1, ev.exception.has_error_code);
	EXPECT_EQ(GP_ERROR, ev.exception.error_code);
	EXPECT_EQ(0, ev.exception.pending);
	EXPECT_EQ((uint32_t)FLAGS_GET, ev.flags);

	ASSERT_REPORT(vm, GP_VECTOR);
	ASSERT_REPORT(vm, GP_ERROR);
	ASSERT_REPORT(vm, EV_GPA(ev_first));
	ASSERT_EXIT(vm, KVM_EXIT_HLT);
	ASSERT_EQ(0, get_events(vm, &ev));
	EXPECT_EQ(0, ev.exception.injected);
}

TEST_F(vcpu_events, inject_ud)
{
	struct guest_vm *vm = self->vm;
	struct kvm_vcpu_events ev;

	memset(&ev, 0, sizeof(ev));
	ev.exception.injected = 1;
	ev.exception.nr = UD_VECTOR;
	ASSERT_EQ(0, set_events(vm, &ev));
	ASSERT_EQ(0, get_events(vm, &ev));
	EXPECT_EQ(1, ev.exception.injected);
	EXPECT_EQ(UD_VECTOR, ev.exception.nr);
	EXPECT_EQ(0, ev.exception.has_error_code);

	ASSERT_REPORT(vm, UD_VECTOR);
	ASSERT_REPORT(vm, EV_GPA(ev_first));
	ASSERT_EXIT(vm, KVM_EXIT_HLT);
	ASSERT_EQ(0, get_events(vm, &ev));
	EXPECT_EQ(0, ev.exception.injected);
}

/*
 * Real-mode exceptions push no error code: one set with the vector is
 * dropped on injection (KVM's kvm_inject_exception()).
 */
TEST_F(vcpu_events, inject_gp_real_mode)
{
	struct guest_vm *vm = self->vm;
	struct kvm_vcpu_events ev;
	uint16_t ivt[2];

	guest_start(vm, GUEST_MODE_REAL, GUEST_CODE(ev_real));
	ivt[0] = (uint16_t)GUEST_GPA(ev_real, ev_real_handler);
	ivt[1] = 0;
	guest_write(vm, GP_VECTOR * 4, ivt, sizeof(ivt));
	memset(&ev, 0, sizeof(ev));
	ev.exception.injected = 1;
	ev.exception.nr = GP_VECTOR;
	ev.exception.has_error_code = 1;
	ev.exception.error_code = GP_ERROR;
	ASSERT_EQ(0, set_events(vm, &ev));
	ASSERT_REPORT(vm, GUEST_CODE_GPA);
	ASSERT_EXIT(vm, KVM_EXIT_HLT);
}

TEST_F(vcpu_events, inject_interrupt)
{
	struct guest_vm *vm = self->vm;
	struct kvm_vcpu_events ev;

	set_if(vm);
	memset(&ev, 0, sizeof(ev));
	ev.interrupt.injected = 1;
	ev.interrupt.nr = IRQ_VECTOR;
	ASSERT_EQ(0, set_events(vm, &ev));
	ASSERT_EQ(0, get_events(vm, &ev));
	EXPECT_EQ(1, ev.interrupt.injected);
	EXPECT_EQ(IRQ_VECTOR, ev.interrupt.nr);
	EXPECT_EQ(0, ev.interrupt.soft);
	EXPECT_EQ(0, ev.exception.injected);

	ASSERT_REPORT(vm, IRQ_VECTOR);
	ASSERT_REPORT(vm, EV_GPA(ev_first));
	ASSERT_REPORT(vm, X86_RFLAGS_FIXED | X86_RFLAGS_IF);
	ASSERT_EXIT(vm, KVM_EXIT_HLT);
	ASSERT_EQ(0, get_events(vm, &ev));
	EXPECT_EQ(0, ev.interrupt.injected);
}

TEST_F(vcpu_events, shadow_round_trip)
{
	struct guest_vm *vm = self->vm;
	struct kvm_vcpu_events ev;

	memset(&ev, 0, sizeof(ev));
	ev.flags = KVM_VCPUEVENT_VALID_SHADOW;
	ev.interrupt.shadow = KVM_X86_SHADOW_INT_STI;
	ASSERT_EQ(0, set_events(vm, &ev));
	ASSERT_EQ(0, get_events(vm, &ev));
	EXPECT_EQ(shadow_read_back(), ev.interrupt.shadow);
	/* Without VALID_SHADOW the shadow is left alone. */
	memset(&ev, 0, sizeof(ev));
	ASSERT_EQ(0, set_events(vm, &ev));
	ASSERT_EQ(0, get_events(vm, &ev));
	EXPECT_EQ(shadow_read_back(), ev.interrupt.shadow);
	ev.flags = KVM_VCPUEVENT_VALID_SHADOW;
	ev.interrupt.shadow = 0;
	ASSERT_EQ(0, set_events(vm, &ev));
	ASSERT_EQ(0, get_events(vm, &ev));
	EXPECT_EQ(0, ev.interrupt.shadow);
}

/*
 * A KVM_INTERRUPT vector with IF set: without a shadow the guest takes
 * it before its first instruction, with one after it.
 */
static void interrupt_after_shadow(struct __test_metadata *_metadata,
				   struct guest_vm *vm, bool shadow)
{
	struct kvm_interrupt irq = { .irq = IRQ_VECTOR };
	struct kvm_vcpu_events ev;

	set_if(vm);
	memset(&ev, 0, sizeof(ev));
	ev.flags = KVM_VCPUEVENT_VALID_SHADOW;
	ev.interrupt.shadow = shadow ? KVM_X86_SHADOW_INT_STI : 0;
	ASSERT_EQ(0, set_events(vm, &ev));
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_INTERRUPT,
				 (unsigned long)&irq));
	ASSERT_REPORT(vm, IRQ_VECTOR);
	/*
	 * kvm-amd in the QEMU sandbox delivers the vector before the first
	 * instruction even with the shadow set (seen in every run, cause not
	 * known: QEMU's VINTR or kvm-amd's window handling); hvmod keeps to
	 * the APM (15.21.5: the shadow holds interrupts off for one
	 * instruction). Logged, not asserted, on KVM.
	 */
	if (shadow && !dev_is_hvm()) {
		ASSERT_EXIT(vm, KVM_EXIT_IO);
		TH_LOG("kvm: interrupt with shadow taken at RIP %#llx (first %#x, second %#x)",
		       (unsigned long long)vcpu_io_value(vm),
		       EV_GPA(ev_first), EV_GPA(ev_second));
	} else {
		ASSERT_REPORT(vm, shadow ? EV_GPA(ev_second) :
				  EV_GPA(ev_first));
	}
	ASSERT_REPORT(vm, X86_RFLAGS_FIXED | X86_RFLAGS_IF);
	ASSERT_EXIT(vm, KVM_EXIT_HLT);
}

TEST_F(vcpu_events, no_shadow_interrupt)
{
	interrupt_after_shadow(_metadata, self->vm, false);
}

TEST_F(vcpu_events, shadow_defers_interrupt)
{
	interrupt_after_shadow(_metadata, self->vm, true);
}

TEST_F(vcpu_events, bad_flags_and_vectors)
{
	struct guest_vm *vm = self->vm;
	struct kvm_vcpu_events ev, want;
	static const uint32_t bad_flags[] = {
		0x40, 0x80000000,
		/* Need KVM_CAP_EXCEPTION_PAYLOAD / _X86_TRIPLE_FAULT_EVENT. */
		KVM_VCPUEVENT_VALID_PAYLOAD,
		KVM_VCPUEVENT_VALID_TRIPLE_FAULT,
	};
	static const uint8_t bad_vectors[] = { 2, 32, 255 };
	unsigned int i;

	for (i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++) {
		memset(&ev, 0, sizeof(ev));
		ev.flags = bad_flags[i];
		EXPECT_EQ(EINVAL, set_events(vm, &ev))
			TH_LOG("flags %#x", bad_flags[i]);
	}
	for (i = 0; i < sizeof(bad_vectors); i++) {
		memset(&ev, 0, sizeof(ev));
		ev.exception.injected = 1;
		ev.exception.nr = bad_vectors[i];
		EXPECT_EQ(EINVAL, set_events(vm, &ev))
			TH_LOG("vector %u", bad_vectors[i]);
	}
	/*
	 * exception.pending counts only with VALID_PAYLOAD: ignored. (Its
	 * vector stays 0: KVM would keep a non-zero one in exception.nr.)
	 */
	memset(&ev, 0, sizeof(ev));
	ev.exception.pending = 1;
	EXPECT_EQ(0, set_events(vm, &ev));
	/* Nothing took effect. */
	memset(&want, 0, sizeof(want));
	want.flags = FLAGS_GET;
	ASSERT_EQ(0, get_events(vm, &ev));
	EXPECT_EQ(0, memcmp(&want, &ev, sizeof(ev)));
	EXPECT_EQ(EFAULT, ioctl_errno(vm->vcpu, KVM_GET_VCPU_EVENTS, 0));
	EXPECT_EQ(EFAULT, ioctl_errno(vm->vcpu, KVM_SET_VCPU_EVENTS, 0));
}

static void nmi_start(struct guest_vm *vm)
{
	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(ev_nmi));
	guest_set_idt_gate(vm, NMI_VECTOR, GUEST_GPA(ev_nmi, ev_nmi_handler));
}

static void expect_nmi_state(struct __test_metadata *_metadata,
			     struct guest_vm *vm, int injected, int pending,
			     int masked)
{
	struct kvm_vcpu_events ev;

	ASSERT_EQ(0, get_events(vm, &ev));
	EXPECT_EQ(injected, ev.nmi.injected);
	EXPECT_EQ(pending, ev.nmi.pending);
	EXPECT_EQ(masked, ev.nmi.masked);
}

/*
 * The handler's second half and the second NMI, which waits for the
 * first handler's IRET (the count reports come one handler at a time).
 */
static void nmi_finish(struct __test_metadata *_metadata,
		       struct guest_vm *vm)
{
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_NMI, 0));
	expect_nmi_state(_metadata, vm, 0, 1, 1);
	ASSERT_REPORT(vm, 0x100);
	ASSERT_REPORT(vm, 2);
	ASSERT_REPORT(vm, 0x100);
	ASSERT_REPORT(vm, 0x55);
	ASSERT_EXIT(vm, KVM_EXIT_HLT);
	expect_nmi_state(_metadata, vm, 0, 0, 0);
}

TEST_F(vcpu_events, nmi_masked_until_iret)
{
	struct guest_vm *vm = self->vm;

	nmi_start(vm);
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_NMI, 0));
	expect_nmi_state(_metadata, vm, 0, 1, 0);
	ASSERT_REPORT(vm, 1);
	expect_nmi_state(_metadata, vm, 0, 0, 1);
	nmi_finish(_metadata, vm);
}

TEST_F(vcpu_events, nmi_injected)
{
	struct guest_vm *vm = self->vm;
	struct kvm_vcpu_events ev;

	nmi_start(vm);
	memset(&ev, 0, sizeof(ev));
	ev.nmi.injected = 1;
	ASSERT_EQ(0, set_events(vm, &ev));
	expect_nmi_state(_metadata, vm, 1, 0, 0);
	ASSERT_REPORT(vm, 1);
	expect_nmi_state(_metadata, vm, 0, 0, 1);
	nmi_finish(_metadata, vm);
}

/* nmi.pending counts only with VALID_NMI_PENDING; masked always. */
TEST_F(vcpu_events, nmi_state_round_trip)
{
	struct guest_vm *vm = self->vm;
	struct kvm_vcpu_events ev;

	memset(&ev, 0, sizeof(ev));
	ev.nmi.pending = 1;
	ev.nmi.masked = 1;
	ASSERT_EQ(0, set_events(vm, &ev));
	expect_nmi_state(_metadata, vm, 0, 0, 1);
	ev.flags = KVM_VCPUEVENT_VALID_NMI_PENDING;
	ASSERT_EQ(0, set_events(vm, &ev));
	expect_nmi_state(_metadata, vm, 0, 1, 1);
	memset(&ev, 0, sizeof(ev));
	ev.flags = KVM_VCPUEVENT_VALID_NMI_PENDING;
	ASSERT_EQ(0, set_events(vm, &ev));
	expect_nmi_state(_metadata, vm, 0, 0, 0);
}

/*
 * SMM state: set on KVM; hvmod, which has no SMM, accepts only the idle
 * values. Fields whose VALID_ flag is clear are ignored by both.
 */
TEST_F(vcpu_events, smm)
{
	struct guest_vm *vm = self->vm;
	int want = dev_is_hvm() ? EINVAL : 0;
	struct kvm_vcpu_events ev;

	memset(&ev, 0, sizeof(ev));
	ev.smi.smm = 1;
	ev.smi.pending = 1;
	EXPECT_EQ(0, set_events(vm, &ev));
	ev.flags = KVM_VCPUEVENT_VALID_SIPI_VECTOR;
	ev.sipi_vector = 0x12;
	EXPECT_EQ(0, set_events(vm, &ev));
	memset(&ev, 0, sizeof(ev));
	ev.flags = KVM_VCPUEVENT_VALID_SMM;
	ev.smi.latched_init = 1;
	EXPECT_EQ(0, set_events(vm, &ev));
	ASSERT_EQ(0, get_events(vm, &ev));
	EXPECT_EQ(0, ev.smi.smm);
	EXPECT_EQ(0, ev.smi.pending);
	EXPECT_EQ(0, ev.smi.latched_init);
	EXPECT_EQ(0U, ev.sipi_vector);

	memset(&ev, 0, sizeof(ev));
	ev.flags = KVM_VCPUEVENT_VALID_SMM;
	ev.smi.pending = 1;
	EXPECT_EQ(want, set_events(vm, &ev));
	ev.smi.pending = 0;
	ev.smi.smm = 1;
	EXPECT_EQ(want, set_events(vm, &ev));
	if (!want)
		return;
	/* hvmod: nothing changed. */
	ASSERT_EQ(0, get_events(vm, &ev));
	EXPECT_EQ(0, ev.smi.smm);
	EXPECT_EQ(0, ev.smi.pending);
}

TEST_HARNESS_MAIN
