// SPDX-License-Identifier: MIT
/* The PV test guests' probes: the trap recorder and its checks (include/pv-guest.h). */
#include "pv-guest.h"

volatile unsigned int pv_trap_count, pv_trap_vector;
volatile uint64_t pv_trap_error, pv_trap_rip;
uint64_t pv_probe_resume, pv_probe_rip;

void pv_probe_trap(uint64_t *frame, struct pv_saved_regs *regs, unsigned int vector)
{
    (void)regs;
    pv_trap_vector = vector;
    pv_trap_error = pv_vector_has_error(vector) ? frame[-1] : 0;
    pv_trap_rip = frame[0];
    pv_trap_count++;
    frame[0] = pv_probe_resume;
}

void pv_check_fault(const char *what, unsigned int before, unsigned int vector, uint64_t error)
{
    bool once = pv_trap_count == before + 1;
    bool ok =
        once && pv_trap_vector == vector && pv_trap_error == error && pv_trap_rip == pv_probe_rip;

    pv_check(what, ok,
             once ? (uint64_t)pv_trap_vector << 16 | pv_trap_error
                  : 0xDEAD0000u + (pv_trap_count - before));
}

void pv_check_no_fault(const char *what, unsigned int before)
{
    pv_check(what, pv_trap_count == before, (uint64_t)pv_trap_vector << 16 | pv_trap_error);
}
