/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <hv/page_alloc.h>
#include <hv/printk.h>
#include "fake_phys.h"

uint8_t fake_mem[FAKE_MEM_SIZE];
static char log_buf[16384];
static size_t log_len;

void fake_reset(void)
{
    memset(fake_mem, 0, sizeof(fake_mem));
    log_len = 0;
    log_buf[0] = 0;
}

const char *fake_log(void)
{
    return log_buf;
}

bool fake_log_has(const char *needle)
{
    return strstr(log_buf, needle) != NULL;
}

void *phys_to_virt(paddr_t pa)
{
    assert_true(paddr_val(pa) < FAKE_MEM_SIZE);
    return fake_mem + paddr_val(pa);
}

void printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(log_buf + log_len, sizeof(log_buf) - log_len, fmt, ap);
    va_end(ap);
    if (n > 0)
        log_len = strnlen(log_buf, sizeof(log_buf) - 1);
}
