/*
 * A guest for the emulator's host tests: 1 MiB of memory at linear addresses
 * [0, FAKE_MEM_SIZE) (anything else, and one chosen page, page-faults), the
 * registers, segments and a log of every data access the emulator made.
 */
#ifndef UNITTESTS_HVM_EMULATE_FAKE_GUEST_H
#define UNITTESTS_HVM_EMULATE_FAKE_GUEST_H

#include "x86_emulate.h"

#define FAKE_MEM_SIZE      0x100000u
#define FAKE_NO_FAULT_PAGE (~0ull)
#define FAKE_LOG_MAX       1024

/* Page-fault error code bits the fake reports (not present). */
#define FAKE_PF_WRITE 0x2u
#define FAKE_PF_FETCH 0x10u

struct fake_access {
    struct x86_access access;
    bool write;
    uint64_t value;
};

struct fake_guest {
    uint8_t mem[FAKE_MEM_SIZE];
    uint64_t gpr[16];
    struct x86_segment seg[6];
    uint64_t fault_page; /* linear page that faults, or FAKE_NO_FAULT_PAGE */
    unsigned int fetch_calls;
    unsigned int naccess;
    struct fake_access log[FAKE_LOG_MAX];
};

extern const struct x86_emul_ops fake_guest_ops;

#endif
