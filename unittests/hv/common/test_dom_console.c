// SPDX-License-Identifier: MIT
/*
 * The PV console ring as the hypervisor serves it (hv/common/dom_console.c),
 * against the fake arch layer: output lines, index wrap-around, hostile
 * producer/consumer indices, overlong lines, control characters, and input
 * given to the ring; debug keys while the hypervisor owns the input, and
 * each completed line reported to the boot timeline.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <public/io/console.h>
#include <asm/serial.h>
#include <hv/debug_keys.h>
#include <hv/dom_console.h>
#include <hv/domain.h>
#include <hv/domain_registry.h>
#include <hv/evtchn.h>
#include <hv/printk.h>
#include <hv/timeline.h>
#include <hv/timer.h>
#include "../fake_hv.h"
#include "fake_arch.h"

#define RING_PORT 3

static struct domain *d;
static struct xencons_interface *ring;
static char serial[16384];
static size_t serial_len;
static const char *serial_in; /* what serial_getc() returns next */
static unsigned int ring_notifies;
static struct timer *input_poll_timer; /* armed by the first console */
static char debug_keys[16];            /* what debug_key() was given */
static unsigned int lines_reported;    /* timeline_domain_output() calls for d */

void debug_key(char ch)
{
    size_t n = strlen(debug_keys);

    if (n < sizeof(debug_keys) - 1)
        debug_keys[n] = ch;
}

void timeline_domain_output(uint16_t domid)
{
    assert_int_equal(domid, d->domid);
    lines_reported++;
}

void console_write(const char *s, size_t len)
{
    if (len > sizeof(serial) - 1 - serial_len)
        len = sizeof(serial) - 1 - serial_len;
    memcpy(serial + serial_len, s, len);
    serial_len += len;
    serial[serial_len] = '\0';
}

int serial_getc(void)
{
    return serial_in && *serial_in ? (unsigned char)*serial_in++ : -1;
}

void evtchn_send_from_hypervisor(struct domain *dom, unsigned int port)
{
    assert_ptr_equal(dom, d);
    assert_int_equal(port, RING_PORT);
    ring_notifies++;
}

void evtchn_raise_virq_console(struct domain *dom)
{
    (void)dom;
}

static int setup(void **state)
{
    (void)state;
    fake_arch_reset();
    fake_console_reset();
    serial_len = 0;
    serial[0] = '\0';
    serial_in = NULL;
    ring_notifies = 0;
    memset(debug_keys, 0, sizeof(debug_keys));
    lines_reported = 0;
    d = calloc(1, sizeof(*d));
    ring = aligned_alloc(4096, 4096);
    memset(ring, 0, 4096);
    d->domid = 1;
    strcpy(d->name, "dom1");
    dom_console_init(&d->console, d->name, d->domid, true);
    if (!input_poll_timer)
        input_poll_timer = fake_last_timer;
    domain_registry_add(d);
    dom_console_attach_ring(&d->console, ring, 0x1234, RING_PORT);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dom_console_give_input(NULL);
    domain_registry_remove(d);
    free(ring);
    free(d);
    return 0;
}

/* The guest writes s at out_prod and advances it. */
static void guest_write(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        ring->out[MASK_XENCONS_IDX(ring->out_prod + i, ring->out)] = s[i];
    ring->out_prod += (XENCONS_RING_IDX)len;
}

static void test_output_line(void **state)
{
    (void)state;
    guest_write("hello\n", 6);
    dom_console_ring_notify(d, RING_PORT);
    assert_string_equal(serial, "dom1: hello\n");
    assert_int_equal(lines_reported, 1);
    assert_int_equal(ring->out_cons, 6);
    assert_int_equal(ring_notifies, 1);
    /* A notify on another port is not the console's. */
    guest_write("x\n", 2);
    dom_console_ring_notify(d, RING_PORT + 1);
    assert_int_equal(ring->out_cons, 6);
}

/* Free-running indices wrap at 2^32; bytes sit at the masked positions. */
static void test_index_wrap(void **state)
{
    (void)state;
    ring->out_cons = ring->out_prod = 0xFFFFFFFCu;
    guest_write("abcdefgh\n", 9);
    assert_int_equal(ring->out_prod, 5);
    dom_console_ring_notify(d, RING_PORT);
    assert_string_equal(serial, "dom1: abcdefgh\n");
    assert_int_equal(ring->out_cons, 5);
}

/* Indices further apart than the ring: nothing taken, said once. */
static void test_hostile_output_indices(void **state)
{
    (void)state;
    ring->out_cons = 100;
    ring->out_prod = 100 + sizeof(ring->out) + 1;
    dom_console_ring_notify(d, RING_PORT);
    assert_int_equal(ring->out_cons, 100);
    assert_string_equal(serial, "");
    assert_non_null(strstr(fake_console, "console ring output indices corrupt"));
    fake_console_reset();
    /* Producer behind the consumer. */
    ring->out_prod = 99;
    dom_console_ring_notify(d, RING_PORT);
    assert_int_equal(ring->out_cons, 100);
    assert_string_equal(fake_console, "");
    assert_int_equal(ring_notifies, 0);
    /* Sane again: served again. */
    ring->out_prod = 100;
    guest_write("ok\n", 3);
    dom_console_ring_notify(d, RING_PORT);
    assert_string_equal(serial, "dom1: ok\n");
}

/* A line longer than DOM_CONSOLE_LINE_MAX is split; a step takes at most RING_STEP. */
static void test_overlong_line(void **state)
{
    char buf[600];
    const char *p, *nl;
    unsigned int steps = 0, lines = 0;

    (void)state;
    memset(buf, 'x', sizeof(buf));
    guest_write(buf, sizeof(buf));
    while (ring->out_cons != ring->out_prod && steps < 10) {
        XENCONS_RING_IDX before = ring->out_cons;

        dom_console_ring_notify(d, RING_PORT);
        assert_true(ring->out_cons - before <= DOM_CONSOLE_RING_STEP);
        steps++;
    }
    assert_int_equal(ring->out_cons, ring->out_prod);
    dom_console_flush(&d->console);
    for (p = serial; (nl = strchr(p, '\n')); p = nl + 1) {
        assert_memory_equal(p, "dom1: ", 6);
        assert_true((size_t)(nl - p - 6) <= DOM_CONSOLE_LINE_MAX);
        lines++;
    }
    assert_int_equal(lines, 3); /* 256 + 256 + 88 */
}

/*
 * Out of serial budget: the ring keeps what cannot be paid for, even the
 * first part of an overlong line (a flooding guest's ring stays full).
 */
static void test_budget_holds_ring(void **state)
{
    char buf[600];

    (void)state;
    d->console.tokens = 0;
    d->console.refill_ns = fake_now;
    memset(buf, 'x', sizeof(buf));
    guest_write(buf, sizeof(buf));
    dom_console_ring_notify(d, RING_PORT);
    assert_int_equal(ring->out_cons, DOM_CONSOLE_LINE_MAX - 1);
    assert_string_equal(serial, "");
    dom_console_ring_notify(d, RING_PORT);
    assert_int_equal(ring->out_cons, DOM_CONSOLE_LINE_MAX - 1);
}

/* The guest cannot drive the terminal: control bytes are neutralised. */
static void test_control_characters(void **state)
{
    (void)state;
    guest_write("\x1b[2Jred\x7f\r\n", 11);
    dom_console_ring_notify(d, RING_PORT);
    assert_string_equal(serial, "dom1: .[2Jred?\n");
}

/* Serial input reaches the ring once the guest has notified, not past its room. */
static void test_input_to_ring(void **state)
{
    (void)state;
    assert_non_null(input_poll_timer);
    dom_console_give_input(&d->console);
    serial_in = "ab";
    input_poll_timer->fn(input_poll_timer);
    assert_int_equal(ring->in_prod, 0); /* not connected yet: waits */
    dom_console_ring_notify(d, RING_PORT);
    assert_int_equal(ring->in_prod, 2);
    assert_memory_equal(ring->in, "ab", 2);
    /* Hostile input indices: nothing is given. */
    ring->in_cons = ring->in_prod + 7;
    serial_in = "cd";
    input_poll_timer->fn(input_poll_timer);
    assert_int_equal(ring->in_prod, 2);
    /* A full ring takes only what fits. */
    ring->in_cons = ring->in_prod - (XENCONS_RING_IDX)sizeof(ring->in) + 1;
    input_poll_timer->fn(input_poll_timer);
    assert_int_equal(ring->in_prod, 3);
    assert_int_equal(ring->in[2], 'c');
}

/* Ctrl-A three times moves the input on; past the last domain, keys are debug keys. */
static void test_debug_keys(void **state)
{
    (void)state;
    dom_console_give_input(&d->console);
    serial_in = "t\x01\x01\x01th";
    input_poll_timer->fn(input_poll_timer);
    assert_string_equal(debug_keys, "th");
    dom_console_ring_notify(d, RING_PORT);
    assert_int_equal(ring->in_prod, 3); /* 't' and two Ctrl-A reached the domain */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_output_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_output_indices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlong_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_budget_holds_ring, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control_characters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_to_ring, setup, teardown),
        cmocka_unit_test_setup_teardown(test_debug_keys, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
