// SPDX-License-Identifier: MIT
/*
 * Port I/O. Guests own no devices: every port is intercepted (svm.c), reads
 * return all ones as from an empty bus and writes go nowhere, except the
 * Bochs/QEMU debug port 0xE9, whose bytes go to the domain's console. String
 * I/O (INS/OUTS) is not emulated yet: the domain crashes with a message.
 */
#include <hv/dom_console.h>
#include <hv/printk.h>
#include "svm.h"

#define IOIO_IN       (1ull << 0)
#define IOIO_STRING   (1ull << 2)
#define IOIO_SIZE8    (1ull << 4)
#define IOIO_SIZE16   (1ull << 5)
#define IOIO_SIZE32   (1ull << 6)
#define IOIO_PORT(i)  ((uint16_t)((i) >> 16))

#define DEBUG_CONSOLE_PORT 0xE9

struct svm_exit_outcome svm_exit_ioio(struct vcpu *v, struct svm_vcpu *s)
{
    uint64_t info = s->vmcb->control.exitinfo1;
    uint16_t port = IOIO_PORT(info);
    /* IOIO is the one exit that reports the next RIP (EXITINFO2), even without NRIP save. */
    uint64_t len = s->vmcb->control.exitinfo2 - s->vmcb->save.rip;
    unsigned int size = (info & IOIO_SIZE32) ? 4 : (info & IOIO_SIZE16) ? 2 : 1;

    if (len == 0 || len > 15)
        return svm_crash("IOIO exit with an impossible next RIP");
    if (info & IOIO_STRING) {
        printk("%s: vCPU %u: string I/O on port 0x%x is not emulated\n", v->domain->name,
               v->id, port);
        return svm_crash("string I/O");
    }
    if (info & IOIO_IN) {
        uint64_t mask = size == 4 ? 0xFFFFFFFFull : (1ull << (8 * size)) - 1;

        /* A 32-bit IN zero-extends into RAX; 8/16-bit ones keep the upper bits. */
        if (size == 4)
            s->vmcb->save.rax = mask;
        else
            s->vmcb->save.rax |= mask;
    } else if (port == DEBUG_CONSOLE_PORT && size == 1) {
        char c = (char)s->vmcb->save.rax;

        dom_console_write(&v->domain->console, &c, 1);
    }
    return svm_advance((unsigned int)len);
}
