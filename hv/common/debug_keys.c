// SPDX-License-Identifier: MIT
/* Debug keys (hv/debug_keys.h). */
#include <hv/debug_keys.h>
#include <hv/exit_stats.h>
#include <hv/printk.h>
#include <hv/timeline.h>

static void print_help(void);

static const struct {
    char key;
    const char *what;
    void (*run)(void);
} keys[] = {
    { 'h', "this list", print_help },
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
