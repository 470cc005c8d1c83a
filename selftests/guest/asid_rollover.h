/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Layout shared by the asid_rollover test and its guest (both include
 * it): the guest reads ASID_TEST_VA, which is mapped by a 4 KiB page
 * table at ASID_PT_GPA (in place of the 2 MiB identity mapping of
 * 2-4 MiB, beyond the 2 MiB slot) to page A or page B.
 */
#ifndef HVM_ASID_ROLLOVER_H
#define HVM_ASID_ROLLOVER_H

#define ASID_TEST_VA		0x200000	/* PD entry 1 */
#define ASID_PT_GPA		(GUEST_DATA_GPA + 0x0000)
#define ASID_PAGE_A_GPA		(GUEST_DATA_GPA + 0x1000)
#define ASID_PAGE_B_GPA		(GUEST_DATA_GPA + 0x2000)
/* Non-zero: the host changed the PTE, the guest must INVLPG. */
#define ASID_FLUSH_GPA		(GUEST_DATA_GPA + 0x3000)

#endif /* HVM_ASID_ROLLOVER_H */
