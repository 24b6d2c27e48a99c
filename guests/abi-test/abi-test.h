/* SPDX-License-Identifier: MIT */
/* Shared by abi-test's entry.S and C code. */
#ifndef GUESTS_ABI_TEST_H
#define GUESTS_ABI_TEST_H

/* The event-channel callback vector the guest asks for (HVM_PARAM_CALLBACK_IRQ). */
#define ABI_TEST_UPCALL_VECTOR 0xE0

#endif
