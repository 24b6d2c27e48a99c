/* SPDX-License-Identifier: MIT */
/* Host stand-ins for the hypervisor services the platform parsers use. */
#ifndef UNITTESTS_HV_PLATFORM_FAKE_PHYS_H
#define UNITTESTS_HV_PLATFORM_FAKE_PHYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "Physical memory": phys_to_virt(pa) is fake_mem + pa. */
#define FAKE_MEM_SIZE (1u << 20)
extern uint8_t fake_mem[FAKE_MEM_SIZE];

void fake_reset(void);
/* Everything printk() printed since fake_reset(). */
const char *fake_log(void);
bool fake_log_has(const char *needle);

#endif
