/* SPDX-License-Identifier: MIT */
/*
 * Emulated MMIO (mmio.c): a nested page fault on a P2M_MMIO_EMUL page runs
 * the faulting instruction through the instruction emulator (emulate/),
 * its accesses to that page going to the device, every other access to the
 * guest's RAM. Kept apart from hvm.h: the emulator's header has its own
 * x86 definitions.
 */
#ifndef HVM_MMIO_H
#define HVM_MMIO_H

#include <asm/hvm/hvm.h>

/* A device behind an emulated page: offset in the page, size 1, 2 or 4. */
struct hvm_mmio_device {
    const char *name;
    uint32_t (*read)(struct vcpu *v, uint32_t offset, unsigned int size);
    void (*write)(struct vcpu *v, uint32_t offset, unsigned int size, uint32_t value);
};

/* Emulates the instruction that faulted on e->npf.gpa's page, which dev serves. */
struct hvm_outcome hvm_mmio_emulate(struct vcpu *v, const struct hvm_exit *e,
                                    const struct hvm_mmio_device *dev);

#endif
