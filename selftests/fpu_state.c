// SPDX-License-Identifier: GPL-2.0-only
/*
 * fpu_state: the guest's x87/SSE state through KVM_GET/SET_FPU and
 * KVM_GET/SET_XSAVE, as a 64-bit guest sees it (FNSTCW, FNSTSW, STMXCSR,
 * XMM0-7 stored to memory, reported through OUT) and as the guest leaves
 * it; SET_XSAVE of an invalid header or MXCSR is EINVAL and changes
 * nothing; the host thread's own XMM registers and MXCSR are the same
 * after KVM_RUN as before. The guest is in guest/fpu_state.S.
 *
 * KVM 6.1 reference: arch/x86/kvm/x86.c: kvm_arch_vcpu_ioctl_get_fpu() /
 * _set_fpu() (the fxsave fields; MXCSR is left 0 by GET and ignored by
 * SET), kvm_vcpu_ioctl_x86_get_xsave() / _set_xsave();
 * arch/x86/kernel/fpu/core.c: fpu_copy_uabi_to_guest_fpstate() and
 * xstate.c: copy_uabi_to_xstate() (the EINVAL checks).
 */
#include <sys/syscall.h>

#include "guest_harness.h"
#include "hvm_test.h"

GUEST_CODE_DECLARE(fpu_guest);
GUEST_LABEL_DECLARE(fpu_guest_hlt1);

#define FPU_SEEN_XMM	(GUEST_DATA_GPA + 0x000)
#define FPU_NEW_XMM	(GUEST_DATA_GPA + 0x100)

#define X86_CR4_OSFXSR		(1ULL << 9)
#define X86_CR4_OSXMMEXCPT	(1ULL << 10)

#define FCW_RESET	0x037fU
#define MXCSR_RESET	0x1f80U
#define FCW_SET		0x027fU		/* SET_FPU: 53-bit precision */
#define FSW_SET		0x0020U		/* SET_FPU: precision flag */
#define FCW_GUEST	0x0e7fU		/* the guest's FLDCW */
#define MXCSR_GUEST	0x7f80U		/* the guest's LDMXCSR: RC toward 0 */
#define MXCSR_XSAVE	0x3f80U		/* SET_XSAVE: RC down */

/* Offsets in the XSAVE area (SDM vol. 1, 13.4). */
#define XS_FCW		0
#define XS_MXCSR	24
#define XS_ST		32
#define XS_XMM		160
#define XS_XSTATE_BV	512
#define XS_XCOMP_BV	520
#define XS_HDR_RSVD	528
#define XFEATURE_FPSSE	0x3ULL
#define XFEATURE_AVX	0x4ULL

FIXTURE(fpu_state) {
	struct guest_vm *vm;
};

FIXTURE_SETUP(fpu_state)
{
	struct kvm_sregs sr;

	self->vm = vm_create_with_vcpu(GUEST_MEM_DEFAULT);
	guest_start(self->vm, GUEST_MODE_LONG64, GUEST_CODE(fpu_guest));
	/* SSE instructions #UD without CR4.OSFXSR. */
	vcpu_get_sregs(self->vm, &sr);
	sr.cr4 |= X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	vcpu_set_sregs(self->vm, &sr);
}

FIXTURE_TEARDOWN(fpu_state)
{
	vm_destroy(self->vm);
}

static void fill(uint8_t *p, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static uint32_t rd32(const struct kvm_xsave *xs, unsigned int off)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)xs->region + off, sizeof(v));
	return v;
}

static uint64_t rd64(const struct kvm_xsave *xs, unsigned int off)
{
	uint64_t v;

	memcpy(&v, (const uint8_t *)xs->region + off, sizeof(v));
	return v;
}

static void wr32(struct kvm_xsave *xs, unsigned int off, uint32_t v)
{
	memcpy((uint8_t *)xs->region + off, &v, sizeof(v));
}

static void wr64(struct kvm_xsave *xs, unsigned int off, uint64_t v)
{
	memcpy((uint8_t *)xs->region + off, &v, sizeof(v));
}

struct host_sse {
	uint8_t xmm[8][16];
	uint32_t mxcsr;
};

/*
 * KVM_RUN as a raw syscall between loading and storing the host's
 * XMM0-7 and MXCSR, in one asm statement so that no compiler-generated
 * code touches them in between. Returns the syscall's result.
 */
static long run_keeping_sse(int vcpu, const struct host_sse *in,
			    struct host_sse *out)
{
	long ret;

	asm volatile("ldmxcsr 128(%[in])\n\t"
		     "movdqu 0(%[in]), %%xmm0\n\t"
		     "movdqu 16(%[in]), %%xmm1\n\t"
		     "movdqu 32(%[in]), %%xmm2\n\t"
		     "movdqu 48(%[in]), %%xmm3\n\t"
		     "movdqu 64(%[in]), %%xmm4\n\t"
		     "movdqu 80(%[in]), %%xmm5\n\t"
		     "movdqu 96(%[in]), %%xmm6\n\t"
		     "movdqu 112(%[in]), %%xmm7\n\t"
		     "syscall\n\t"
		     "movdqu %%xmm0, 0(%[out])\n\t"
		     "movdqu %%xmm1, 16(%[out])\n\t"
		     "movdqu %%xmm2, 32(%[out])\n\t"
		     "movdqu %%xmm3, 48(%[out])\n\t"
		     "movdqu %%xmm4, 64(%[out])\n\t"
		     "movdqu %%xmm5, 80(%[out])\n\t"
		     "movdqu %%xmm6, 96(%[out])\n\t"
		     "movdqu %%xmm7, 112(%[out])\n\t"
		     "stmxcsr 128(%[out])\n\t"
		     "ldmxcsr %[dflt]"
		     : "=a" (ret)
		     : "0" ((long)SYS_ioctl), "D" ((long)vcpu),
		       "S" ((long)KVM_RUN), "d" (0L), [in] "r" (in),
		       [out] "r" (out), [dflt] "m" (*(const uint32_t[]){
			       MXCSR_RESET })
		     : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3",
		       "xmm4", "xmm5", "xmm6", "xmm7");
	return ret;
}

static void get_xsave(struct guest_vm *vm, struct kvm_xsave *xs)
{
	int e;

	memset(xs, 0xa5, sizeof(*xs));
	e = ioctl_errno(vm->vcpu, KVM_GET_XSAVE, (unsigned long)xs);

	/* As the library's setup helpers: the test cannot go on. */
	if (e) {
		fprintf(stderr, "KVM_GET_XSAVE: %s\n", strerror(e));
		exit(1);
	}
}

TEST_F(fpu_state, caps)
{
	EXPECT_LT(0, check_cap(self->vm->dev, KVM_CAP_XSAVE));
}

/* The reset state: FNINIT's, MXCSR 0x1f80 (KVM_GET_FPU reports it 0). */
TEST_F(fpu_state, reset)
{
	struct guest_vm *vm = self->vm;
	struct kvm_xsave xs;
	struct kvm_fpu fpu;
	static const uint8_t zero[16][16];

	memset(&fpu, 0xa5, sizeof(fpu));
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_GET_FPU, (unsigned long)&fpu));
	EXPECT_EQ(FCW_RESET, fpu.fcw);
	EXPECT_EQ(0, fpu.fsw);
	EXPECT_EQ(0, fpu.ftwx);
	EXPECT_EQ(0U, fpu.mxcsr);
	EXPECT_EQ(0, memcmp(fpu.xmm, zero, sizeof(fpu.xmm)));
	get_xsave(vm, &xs);
	EXPECT_EQ(FCW_RESET, rd32(&xs, XS_FCW) & 0xffff);
	EXPECT_EQ(MXCSR_RESET, rd32(&xs, XS_MXCSR));
	EXPECT_EQ(0ULL, rd64(&xs, XS_XSTATE_BV) & ~XFEATURE_FPSSE);
	EXPECT_EQ(0ULL, rd64(&xs, XS_XCOMP_BV));
}

static void set_fpu_values(struct kvm_fpu *fpu)
{
	memset(fpu, 0, sizeof(*fpu));
	fpu->fcw = FCW_SET;
	fpu->fsw = FSW_SET;
	fill(&fpu->fpr[0][0], sizeof(fpu->fpr), 0x10);
	fill(&fpu->xmm[0][0], sizeof(fpu->xmm), 0x40);
	/* Reserved MXCSR bits: KVM ignores the field; nothing may fault. */
	fpu->mxcsr = 0xffffffff;
}

/*
 * SET_FPU after a first run, the guest reads and changes the state,
 * GET_FPU and GET_XSAVE show the guest's values; the host's SSE
 * registers survive the KVM_RUN in which the guest loads its own.
 */
TEST_F(fpu_state, set_fpu_guest_reads)
{
	struct guest_vm *vm = self->vm;
	uint8_t seen[8][16], next[8][16], fpr[8][16];
	struct host_sse in, out;
	unsigned int i;
	struct kvm_xsave xs;
	struct kvm_fpu fpu;
	long r;

	/* See set_fpu_fresh_vcpu: KVM needs the vCPU to have run once. */
	ASSERT_REPORT(vm, 0);
	set_fpu_values(&fpu);
	memcpy(fpr, fpu.fpr, sizeof(fpr));
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_SET_FPU, (unsigned long)&fpu));
	fill(&next[0][0], sizeof(next), 0x80);
	guest_write(vm, FPU_NEW_XMM, next, sizeof(next));

	ASSERT_REPORT(vm, FCW_SET);
	ASSERT_REPORT(vm, FSW_SET);
	ASSERT_REPORT(vm, MXCSR_RESET);
	ASSERT_REPORT(vm, 1);
	guest_read(vm, FPU_SEEN_XMM, seen, sizeof(seen));
	EXPECT_EQ(0, memcmp(seen, fpu.xmm, sizeof(seen)));

	fill(&in.xmm[0][0], sizeof(in.xmm), 0xc0);
	in.mxcsr = MXCSR_XSAVE;
	memset(&out, 0, sizeof(out));
	r = run_keeping_sse(vm->vcpu, &in, &out);
	ASSERT_EQ(0, r);
	ASSERT_EQ((uint32_t)KVM_EXIT_HLT, vm->run->exit_reason)
		TH_LOG("%s", vcpu_exit_str(vm));
	EXPECT_EQ(0, memcmp(in.xmm, out.xmm, sizeof(in.xmm)));
	EXPECT_EQ(in.mxcsr, out.mxcsr);
	EXPECT_EQ(GUEST_GPA(fpu_guest, fpu_guest_hlt1) + 1, vcpu_get_rip(vm));

	memset(&fpu, 0xa5, sizeof(fpu));
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_GET_FPU, (unsigned long)&fpu));
	EXPECT_EQ(FCW_GUEST, fpu.fcw);
	EXPECT_EQ(FSW_SET, fpu.fsw);
	EXPECT_EQ(0U, fpu.mxcsr);
	EXPECT_EQ(0, memcmp(fpu.xmm, next, sizeof(next)));
	get_xsave(vm, &xs);
	EXPECT_EQ(FCW_GUEST, rd32(&xs, XS_FCW) & 0xffff);
	EXPECT_EQ(MXCSR_GUEST, rd32(&xs, XS_MXCSR));
	EXPECT_EQ(0, memcmp((uint8_t *)xs.region + XS_XMM, next,
			    sizeof(next)));
	/* ST0-7: 10 bytes each in 16-byte slots (the rest is reserved). */
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(0, memcmp(fpu.fpr[i], fpr[i], 10))
			TH_LOG("GET_FPU ST%u", i);
		EXPECT_EQ(0, memcmp((uint8_t *)xs.region + XS_ST + 16 * i,
				    fpr[i], 10))
			TH_LOG("GET_XSAVE ST%u", i);
	}
	EXPECT_EQ(0ULL, rd64(&xs, XS_XSTATE_BV) & ~XFEATURE_FPSSE);
}

/*
 * SET_FPU on a vCPU that never ran. KVM 6.1 writes the values into the
 * legacy area but leaves XSTATE_BV 0, so the first entry's XRSTOR puts
 * x87 and SSE in their init state: the guest sees FNINIT's FCW and zero
 * XMM registers. hvmod marks both components present and the guest gets
 * the values (Documentation/api.rst, differences from KVM).
 */
TEST_F(fpu_state, set_fpu_fresh_vcpu)
{
	struct guest_vm *vm = self->vm;
	uint8_t seen[8][16];
	static const uint8_t zero[8][16];
	struct kvm_fpu fpu;
	bool hvm = dev_is_hvm();

	set_fpu_values(&fpu);
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_SET_FPU, (unsigned long)&fpu));
	ASSERT_REPORT(vm, 0);
	ASSERT_REPORT(vm, hvm ? FCW_SET : FCW_RESET);
	ASSERT_REPORT(vm, hvm ? FSW_SET : 0);
	ASSERT_REPORT(vm, MXCSR_RESET);
	ASSERT_REPORT(vm, 1);
	guest_read(vm, FPU_SEEN_XMM, seen, sizeof(seen));
	EXPECT_EQ(0, memcmp(seen, hvm ? fpu.xmm : zero, sizeof(seen)));
}

/* SET_XSAVE then GET_XSAVE gives it back; the guest sees it. */
TEST_F(fpu_state, set_xsave_round_trip)
{
	struct guest_vm *vm = self->vm;
	struct kvm_xsave xs, back;
	uint8_t xmm[16][16];

	get_xsave(vm, &xs);
	wr64(&xs, XS_XSTATE_BV, XFEATURE_FPSSE);
	wr32(&xs, XS_FCW, FCW_SET);
	wr32(&xs, XS_MXCSR, MXCSR_XSAVE);
	fill(&xmm[0][0], sizeof(xmm), 0x33);
	memcpy((uint8_t *)xs.region + XS_XMM, xmm, sizeof(xmm));
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_SET_XSAVE, (unsigned long)&xs));
	get_xsave(vm, &back);
	EXPECT_EQ(FCW_SET, rd32(&back, XS_FCW) & 0xffff);
	EXPECT_EQ(MXCSR_XSAVE, rd32(&back, XS_MXCSR));
	EXPECT_EQ(0, memcmp((uint8_t *)back.region + XS_XMM, xmm,
			    sizeof(xmm)));
	EXPECT_EQ(XFEATURE_FPSSE, rd64(&back, XS_XSTATE_BV));

	ASSERT_REPORT(vm, 0);
	ASSERT_REPORT(vm, FCW_SET);
	ASSERT_REPORT(vm, 0);
	ASSERT_REPORT(vm, MXCSR_XSAVE);
	ASSERT_REPORT(vm, 1);
	ASSERT_HALTED_AT(vm, GUEST_GPA(fpu_guest, fpu_guest_hlt1) + 1);

	/* Again after a run, while the guest is halted. */
	get_xsave(vm, &xs);
	wr64(&xs, XS_XSTATE_BV, XFEATURE_FPSSE);
	wr32(&xs, XS_MXCSR, MXCSR_XSAVE);
	wr32(&xs, XS_XMM + 16, 0xcafef00d);
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_SET_XSAVE, (unsigned long)&xs));
	ASSERT_REPORT(vm, MXCSR_XSAVE);
	ASSERT_REPORT(vm, 0xcafef00d);
	ASSERT_EXIT(vm, KVM_EXIT_HLT);
}

/*
 * SET_XSAVE of what XRSTOR would fault on: EINVAL, and the state stays
 * as it was (every check comes before the copy).
 */
TEST_F(fpu_state, set_xsave_invalid)
{
	struct guest_vm *vm = self->vm;
	struct kvm_xsave good, bad, now;

	get_xsave(vm, &good);
	wr64(&good, XS_XSTATE_BV, XFEATURE_FPSSE);
	wr32(&good, XS_MXCSR, MXCSR_XSAVE);
	ASSERT_EQ(0, ioctl_errno(vm->vcpu, KVM_SET_XSAVE,
				 (unsigned long)&good));

	/* XSTATE_BV bit 63: no such feature. */
	bad = good;
	wr64(&bad, XS_XSTATE_BV, XFEATURE_FPSSE | (1ULL << 63));
	wr32(&bad, XS_MXCSR, MXCSR_RESET);
	EXPECT_EQ(EINVAL, ioctl_errno(vm->vcpu, KVM_SET_XSAVE,
				      (unsigned long)&bad));
	/* XCOMP_BV: userspace's format is the standard one. */
	bad = good;
	wr64(&bad, XS_XCOMP_BV, (1ULL << 63) | XFEATURE_FPSSE);
	EXPECT_EQ(EINVAL, ioctl_errno(vm->vcpu, KVM_SET_XSAVE,
				      (unsigned long)&bad));
	/* The header's reserved bytes must be 0. */
	bad = good;
	wr32(&bad, XS_HDR_RSVD + 8, 1);
	EXPECT_EQ(EINVAL, ioctl_errno(vm->vcpu, KVM_SET_XSAVE,
				      (unsigned long)&bad));
	/* MXCSR bits 16-31 are reserved on every CPU. */
	bad = good;
	wr32(&bad, XS_MXCSR, 0xffff0000 | MXCSR_RESET);
	EXPECT_EQ(EINVAL, ioctl_errno(vm->vcpu, KVM_SET_XSAVE,
				      (unsigned long)&bad));
	/* The same with x87 alone in XSTATE_BV: MXCSR is still checked. */
	wr64(&bad, XS_XSTATE_BV, 1);
	EXPECT_EQ(EINVAL, ioctl_errno(vm->vcpu, KVM_SET_XSAVE,
				      (unsigned long)&bad));
	/*
	 * AVX: hvmod's guests have XCR0 x87|SSE only (no XSAVE in their
	 * CPUID); KVM takes any feature of its supported XCR0, so the
	 * answer there depends on the host.
	 */
	if (dev_is_hvm()) {
		bad = good;
		wr64(&bad, XS_XSTATE_BV, XFEATURE_FPSSE | XFEATURE_AVX);
		EXPECT_EQ(EINVAL, ioctl_errno(vm->vcpu, KVM_SET_XSAVE,
					      (unsigned long)&bad));
	}

	get_xsave(vm, &now);
	EXPECT_EQ(MXCSR_XSAVE, rd32(&now, XS_MXCSR));
	EXPECT_EQ(0, memcmp(now.region, good.region, XS_MXCSR));
	EXPECT_EQ(0, memcmp((uint8_t *)now.region + XS_ST,
			    (uint8_t *)good.region + XS_ST, 512 - XS_ST - 48));
	/* The guest runs with it (the restore did not fault). */
	ASSERT_REPORT(vm, 0);
	ASSERT_REPORT(vm, FCW_RESET);
	ASSERT_REPORT(vm, 0);
	ASSERT_REPORT(vm, MXCSR_XSAVE);
}

/* EFAULT for unreadable/unwritable arguments, as every vCPU ioctl. */
TEST_F(fpu_state, efault)
{
	int fd = self->vm->vcpu;

	EXPECT_EQ(EFAULT, ioctl_errno(fd, KVM_GET_FPU, 0));
	EXPECT_EQ(EFAULT, ioctl_errno(fd, KVM_SET_FPU, 0));
	EXPECT_EQ(EFAULT, ioctl_errno(fd, KVM_GET_XSAVE, 0));
	EXPECT_EQ(EFAULT, ioctl_errno(fd, KVM_SET_XSAVE, 0));
}

TEST_HARNESS_MAIN
