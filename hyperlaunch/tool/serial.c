/* SPDX-License-Identifier: MIT */
/*
 * Reading the machine's serial output as `tessera run` passes it on: what it
 * says about how the machine ended, and the split into one log per domain
 * (docs/domains.md "Consoles": a domain's lines are "<name>: <line>").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "tool.h"

/* Lines that tell how the run ended (hypervisor lines after their timestamp). */
#define REFUSED_MARK "tessera: launch tree: "
#define REFUSED_END  "; no domain is built"
#define PANIC_MARK   "PANIC on CPU "
#define QUIT_MARK    "QEMU: Terminated"

int serial_watch_init(struct serial_watch *w, const struct hl_plan *plan, const char *log_dir)
{
    memset(w, 0, sizeof(*w));
    w->plan = plan;
    w->log_dir = log_dir;
    if (!log_dir)
        return 0;
    char path[4096];
    snprintf(path, sizeof(path), "%s/hypervisor.log", log_dir);
    if (make_parents(path) != 0) /* DIR and its parents, as docs/tool.md says */
        return -1;
    w->hv_log = fopen(path, "w");
    if (!w->hv_log) {
        fprintf(stderr, "tessera: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* The domain whose console prints this line ("<name>: ..."), or -1. */
static int line_domain(const struct serial_watch *w, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    if (!colon || colon == line || (size_t)(colon - line) + 1 >= len || colon[1] != ' ')
        return -1;
    size_t name_len = (size_t)(colon - line);
    for (uint32_t i = 0; i < w->plan->nr_domains; i++) {
        const char *name = w->plan->domains[i].name;
        if (strlen(name) == name_len && memcmp(name, line, name_len) == 0)
            return (int)i;
    }
    return -1;
}

/* guest-NAME.log, as Xen's xenconsoled names them; odd bytes of a name become '_'. */
static FILE *domain_log(struct serial_watch *w, int dom)
{
    if (w->domain_logs[dom] || w->failed[dom])
        return w->domain_logs[dom];
    char name[HL_MAX_NAME], path[4096];
    snprintf(name, sizeof(name), "%s", w->plan->domains[dom].name);
    for (char *p = name; *p; p++)
        if (!(*p == '-' || *p == '_' || *p == '.' || (*p >= '0' && *p <= '9') ||
              (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            *p = '_';
    snprintf(path, sizeof(path), "%s/guest-%s.log", w->log_dir, name);
    w->domain_logs[dom] = fopen(path, "w");
    if (!w->domain_logs[dom]) {
        fprintf(stderr, "tessera: %s: %s\n", path, strerror(errno));
        w->failed[dom] = true;
    }
    return w->domain_logs[dom];
}

static bool contains(const char *line, size_t len, const char *what)
{
    size_t n = strlen(what);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(line + i, what, n) == 0)
            return true;
    return false;
}

static void watch_line(struct serial_watch *w, const char *line, size_t len)
{
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    int dom = line_domain(w, line, len);
    if (dom < 0) {
        /* A guest cannot forge these: its lines all carry its name first. */
        if (contains(line, len, REFUSED_MARK) && contains(line, len, REFUSED_END))
            w->refused = true;
        if (contains(line, len, PANIC_MARK))
            w->panic = true;
        if (contains(line, len, QUIT_MARK))
            w->quit = true;
    }
    if (!w->log_dir)
        return;
    FILE *f = dom < 0 ? w->hv_log : domain_log(w, dom);
    if (!f)
        return;
    size_t skip = dom < 0 ? 0 : strlen(w->plan->domains[dom].name) + 2;
    fwrite(line + skip, 1, len - skip, f);
    fputc('\n', f);
    fflush(f);
}

void serial_watch_feed(struct serial_watch *w, const char *data, size_t n)
{
    w->received |= n > 0;
    for (size_t i = 0; i < n; i++) {
        char c = data[i];
        if (c != '\n' && w->len < sizeof(w->line))
            w->line[w->len++] = c;
        /* An overlong line is cut, as the hypervisor cuts them. */
        if (c == '\n' || w->len == sizeof(w->line)) {
            watch_line(w, w->line, w->len);
            w->len = 0;
        }
    }
}

void serial_watch_end(struct serial_watch *w)
{
    if (w->len)
        watch_line(w, w->line, w->len);
    w->len = 0;
    if (w->hv_log)
        fclose(w->hv_log);
    w->hv_log = NULL;
    for (unsigned i = 0; i < HL_MAX_DOMAINS; i++)
        if (w->domain_logs[i]) {
            fclose(w->domain_logs[i]);
            w->domain_logs[i] = NULL;
        }
}

enum run_status run_status(const struct serial_watch *w, int qemu_status, bool timed_out)
{
    if (timed_out)
        return RUN_TIMEOUT;
    /*
     * Not a byte from the machine (the firmware prints at once): QEMU, or
     * qemu-boot before it, failed to start, and its exit status (QEMU's 1 for
     * a bad option, qemu-boot's 2, 127) is not the hypervisor's. Signals
     * (128 and up) are a QEMU stopped early.
     */
    if (!w->received && qemu_status > 0 && qemu_status < 128)
        return RUN_USAGE;
    /* isa-debug-exit: QEMU exits (s << 1) | 1 for the hypervisor's status s. */
    switch (qemu_status) {
    case 1: return RUN_CLEAN;
    case 3: return w->refused ? RUN_REFUSED : RUN_FAILED;
    case 5: return RUN_PANIC;
    }
    return w->panic ? RUN_PANIC : RUN_NO_STATUS;
}

const char *run_status_text(enum run_status s)
{
    switch (s) {
    case RUN_CLEAN: return "every domain ended cleanly";
    case RUN_REFUSED: return "the launch tree was refused: no domain was started";
    case RUN_USAGE: return "usage error, a file could not be read, or QEMU could not be started";
    case RUN_FAILED:
        return "the hypervisor ended the machine with its failure status "
               "(a domain ended uncleanly or halted the machine, or the "
               "domains could not be built)";
    case RUN_PANIC: return "the hypervisor panicked";
    case RUN_TIMEOUT: return "timeout: QEMU was stopped";
    case RUN_NO_STATUS:
        return "QEMU ended without a status from the hypervisor (left with "
               "the escape key, killed, or stopped before the hypervisor ran)";
    }
    return "?";
}
