// SPDX-License-Identifier: GPL-2.0-only
/*
 * interrupt: KVM_INTERRUPT without an in-kernel irqchip, as api.rst
 * describes it: userspace sets kvm_run->request_interrupt_window, gets
 * KVM_EXIT_IRQ_WINDOW_OPEN once the guest can take an interrupt
 * (ready_for_interrupt_injection and if_flag set), and injects the
 * vector with KVM_INTERRUPT; the guest's IDT handler runs and reports
 * it.  Also: injecting into a guest halted with interrupts on, and the
 * EINVAL of a vector above 255.  The guests are in guest/interrupt.S.
 *
 * KVM 6.1 reference: arch/x86/kvm/x86.c: kvm_vcpu_ioctl_interrupt(),
 * dm_request_for_irq_injection(), vcpu_run() (the IRQ_WINDOW_OPEN exit),
 * post_kvm_run_save() (if_flag, ready_for_interrupt_injection).
 */
#include "guest_harness.h"
#include "hvm_test.h"

#define VECTOR_WINDOW	0x40
#define VECTOR_HALT	0x20

GUEST_CODE_DECLARE(irq_window);
GUEST_CODE_DECLARE(irq_halt);
GUEST_LABEL_DECLARE(irq_window_handler);
GUEST_LABEL_DECLARE(irq_vector);
GUEST_LABEL_DECLARE(irq_halt_handler);
GUEST_LABEL_DECLARE(irq_halt_resumed);

FIXTURE(interrupt) {
	struct guest_vm *vm;
};

FIXTURE_SETUP(interrupt)
{
	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
}

FIXTURE_TEARDOWN(interrupt)
{
	vm_destroy(self->vm);
}

static int inject(struct guest_vm *vm, unsigned int vector)
{
	struct kvm_interrupt irq = { .irq = vector };

	return ioctl_errno(vm->vcpu, KVM_INTERRUPT, (unsigned long)&irq);
}

TEST_F(interrupt, window)
{
	struct guest_vm *vm = self->vm;
	struct kvm_run *run = vm->run;
	uint32_t vector = VECTOR_WINDOW;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(irq_window));
	guest_set_idt_gate(vm, VECTOR_WINDOW,
			   GUEST_GPA(irq_window, irq_window_handler));
	guest_write(vm, GUEST_GPA(irq_window, irq_vector), &vector,
		    sizeof(vector));

	run->request_interrupt_window = 1;
	/* Interrupts off: not ready, whatever was requested. */
	ASSERT_REPORT(vm, 1);
	EXPECT_EQ(0, run->if_flag);
	EXPECT_EQ(0, run->ready_for_interrupt_injection);
	/* STI opens the window (after its one-instruction shadow). */
	ASSERT_EXIT(vm, KVM_EXIT_IRQ_WINDOW_OPEN);
	ASSERT_EQ(1, run->if_flag);
	ASSERT_EQ(1, run->ready_for_interrupt_injection);

	EXPECT_EQ(EINVAL, inject(vm, 256));
	ASSERT_EQ(0, inject(vm, VECTOR_WINDOW));
	run->request_interrupt_window = 0;
	ASSERT_REPORT(vm, VECTOR_WINDOW);	/* the handler */
	ASSERT_REPORT(vm, 2);			/* the loop saw it */
	ASSERT_EXIT(vm, KVM_EXIT_HLT);
}

TEST_F(interrupt, halted)
{
	struct guest_vm *vm = self->vm;
	struct kvm_run *run = vm->run;

	guest_start(vm, GUEST_MODE_LONG64, GUEST_CODE(irq_halt));
	guest_set_idt_gate(vm, VECTOR_HALT,
			   GUEST_GPA(irq_halt, irq_halt_handler));

	/* HLT in STI's shadow: by the exit the shadow is over. */
	ASSERT_HALTED_AT(vm, GUEST_GPA(irq_halt, irq_halt_resumed));
	ASSERT_EQ(1, run->if_flag);
	ASSERT_EQ(1, run->ready_for_interrupt_injection);
	ASSERT_EQ(0, inject(vm, VECTOR_HALT));
	/* The handler runs, then IRETQ returns past the HLT. */
	ASSERT_REPORT(vm, VECTOR_HALT);
	ASSERT_REPORT(vm, 2);
	/* CLI; HLT: the handler's code follows the HLT. */
	ASSERT_HALTED_AT(vm, GUEST_GPA(irq_halt, irq_halt_handler));
}

TEST_HARNESS_MAIN
