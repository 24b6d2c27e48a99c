// SPDX-License-Identifier: MIT
/*
 * Port I/O. Guests own no devices: every port is intercepted (the back-end's
 * I/O permission map), reads return all ones as from an empty bus and writes
 * go nowhere, except the Bochs/QEMU debug port 0xE9, whose bytes go to the
 * domain's console. String I/O (INS/OUTS) is not emulated yet: the domain
 * crashes with a message.
 */
#include <hv/dom_console.h>
#include <hv/printk.h>
#include "hvm.h"

#define DEBUG_CONSOLE_PORT 0xE9

struct hvm_outcome hvm_exit_io(struct vcpu *v, const struct hvm_exit *e)
{
    unsigned int size = e->io.size, len = e->insn_len;

    /* Every back-end reports the length of an I/O instruction (SVM: the next RIP). */
    if (len == 0 || len > X86_MAX_INSN_LEN)
        return hvm_crash("IOIO exit with an impossible next RIP");
    if (e->io.string) {
        printk("%s: vCPU %u: string I/O on port 0x%x is not emulated\n", v->domain->name, v->id,
               e->io.port);
        return hvm_crash("string I/O");
    }
    if (e->io.in) {
        uint64_t mask = size == 4 ? 0xFFFFFFFFull : (1ull << (8 * size)) - 1;

        /* A 32-bit IN zero-extends into RAX; 8/16-bit ones keep the upper bits. */
        hvm_be->set_reg(v, GREG_RAX, size == 4 ? mask : hvm_be->get_reg(v, GREG_RAX) | mask);
    } else if (e->io.port == DEBUG_CONSOLE_PORT && size == 1) {
        char c = (char)hvm_be->get_reg(v, GREG_RAX);

        dom_console_write(&v->domain->console, &c, 1);
    }
    return hvm_advance(len);
}
