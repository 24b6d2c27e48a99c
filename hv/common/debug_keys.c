// SPDX-License-Identifier: MIT
/* Debug keys (hv/debug_keys.h). */
#include <public/event_channel.h>
#include <hv/debug_keys.h>
#include <hv/domain.h>
#include <hv/domain_registry.h>
#include <hv/evtchn.h>
#include <hv/exit_stats.h>
#include <hv/printk.h>
#include <hv/timeline.h>

static void print_help(void);

/*
 * As Xen's 'q' ends its dump of each vCPU: VIRQ_DEBUG to every vCPU that
 * bound it, so the guest can print its own state. The registry lock is held.
 */
static void notify_debug_virq(void)
{
    unsigned int i, n = 0;

    for (i = 0; i < DOMAIN_REGISTRY_MAX; i++) {
        struct domain *d = domain_registry_at(i);

        for (unsigned int j = 0; d && d->state == DOMAIN_RUNNING && j < d->nr_vcpus; j++) {
            struct vcpu *v = d->vcpus[j];
            unsigned int port = __atomic_load_n(&v->ev.virq_port[VIRQ_DEBUG], __ATOMIC_RELAXED);

            if (!port)
                continue;
            printk("tessera: notifying domain %s vCPU %u (VIRQ_DEBUG, port %u)\n", d->name, j,
                   port);
            evtchn_send_virq(v, VIRQ_DEBUG);
            n++;
        }
    }
    printk("tessera: VIRQ_DEBUG sent to %u vCPUs\n", n);
}

static const struct {
    char key;
    const char *what;
    void (*run)(void);
} keys[] = {
    { 'h', "this list", print_help },
    { 'q', "send VIRQ_DEBUG to every vCPU that bound it", notify_debug_virq },
    { 't', "print the boot timeline", timeline_print },
    { 'p', "print the exit and hypercall counters", exit_stats_print },
};

static void print_help(void)
{
    printk("tessera: debug keys (serial input on the hypervisor):\n");
    for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++)
        printk("  %c  %s\n", keys[i].key, keys[i].what);
}

void debug_key(char ch)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++) {
        if (keys[i].key == ch) {
            keys[i].run();
            return;
        }
    }
}
