// SPDX-License-Identifier: MIT
/*
 * Framebuffer text console (hv/fbcon.h). Writers only change a copy of the
 * text (under text_lock, a leaf taken inside console_lock); drawing compares
 * it with what the screen shows and draws the cells that differ (128 pixel
 * writes each), never reading the framebuffer back (slow on video memory).
 * When the cursor passes the last row the text moves up by half a screen, so
 * a full redraw happens once per half screen of lines. From
 * fbcon_start_drawing() (once the boot CPU's timer is set up) a timer draws
 * every RENDER_NS what changed, the lines written before it included, so
 * neither the boot's lines nor a guest's console line cost drawing on their
 * way to the serial port; after a panic each write draws at once. The font
 * is console-setup's
 * Lat15-Fixed16, converted at build time (psf-to-font.py).
 */
#include <string.h>
#include <boot/bootinfo.h>
#include <hv/fbcon.h>
#include <hv/printk.h>
#include <hv/spinlock.h>
#include <hv/time.h>
#include <hv/timer.h>
#include <asm/paging.h>

#define GLYPH_W   8
#define GLYPH_H   16
#define MAX_COLS  480 /* 3840 pixels */
#define MAX_ROWS  160 /* 2560 pixels */
#define TAB       8
#define RENDER_NS 50000000ull /* 20 times a second */

extern const uint8_t fbcon_font[95][16];

static volatile uint32_t *fb; /* NULL: off */
static uint32_t pixels_per_line, cols, rows, fg, bg;
static uint32_t cur_col, cur_row;     /* under text_lock */
static char text[MAX_ROWS][MAX_COLS]; /* under text_lock */
static bool changed;                  /* under text_lock: text differs from shown */
static spinlock_t text_lock = SPINLOCK_INIT;
static char snapshot[MAX_ROWS][MAX_COLS]; /* the drawing CPU's copy of text */
static char shown[MAX_ROWS][MAX_COLS];    /* what the framebuffer shows */
static bool panicking;
static struct timer render_timer;

static void draw_cell(uint32_t row, uint32_t col, char c)
{
    unsigned char ch = (unsigned char)c;
    const uint8_t *glyph = fbcon_font[(ch >= 0x20 && ch < 0x7F ? ch : '?') - 0x20];
    volatile uint32_t *p = fb + (uint64_t)row * GLYPH_H * pixels_per_line + col * GLYPH_W;
    /* Two pixels a store (left one low), from the glyph row's bit pairs: no inner loop. */
    const uint64_t pairs[4] = { (uint64_t)bg << 32 | bg, (uint64_t)fg << 32 | bg,
                                (uint64_t)bg << 32 | fg, (uint64_t)fg << 32 | fg };

    for (unsigned int y = 0; y < GLYPH_H; y++, p += pixels_per_line) {
        volatile uint64_t *q = (volatile uint64_t *)p;
        unsigned int bits = glyph[y];

        q[0] = pairs[(bits >> 6) & 3];
        q[1] = pairs[(bits >> 4) & 3];
        q[2] = pairs[(bits >> 2) & 3];
        q[3] = pairs[bits & 3];
    }
}

/*
 * Draws the cells whose text changed since they were drawn. One CPU at a
 * time: the timer's CPU, and after a panic (the other CPUs stopped) the writer.
 */
static void render(void)
{
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < cols; c++)
            if (snapshot[r][c] != shown[r][c]) {
                draw_cell(r, c, snapshot[r][c]);
                shown[r][c] = snapshot[r][c];
            }
}

/* Copies the text if it changed; true if there is something to draw. */
static bool take_snapshot(bool locked)
{
    bool any;

    if (locked)
        spin_lock(&text_lock);
    any = changed;
    if (any)
        memcpy(snapshot, text, sizeof(text[0]) * rows);
    changed = false;
    if (locked)
        spin_unlock(&text_lock);
    return any;
}

static void render_fired(struct timer *t)
{
    if (take_snapshot(true))
        render();
    timer_set(t, now_ns() + RENDER_NS);
}

static void new_line(void)
{
    cur_col = 0;
    if (++cur_row < rows)
        return;
    /* Half a screen up: the cost of redrawing is shared by rows / 2 lines. */
    uint32_t keep = rows - rows / 2;

    memmove(text[0], text[rows / 2], sizeof(text[0]) * keep);
    memset(text[keep], ' ', sizeof(text[0]) * (rows - keep));
    cur_row = keep;
}

static void put_char(char ch)
{
    if (ch == '\n') {
        new_line();
        return;
    }
    if (ch == '\r')
        return;
    if (ch == '\t') {
        do
            put_char(' ');
        while (cur_col % TAB);
        return;
    }
    if (cur_col == cols)
        new_line();
    text[cur_row][cur_col++] = ch;
}

void fbcon_write(const char *s, size_t len)
{
    /* A panic stopped the other CPUs, perhaps holding text_lock: go without it. */
    bool locked = !panicking;

    if (!fb)
        return;
    if (locked)
        spin_lock(&text_lock);
    for (size_t i = 0; i < len; i++)
        put_char(s[i]);
    changed = true;
    if (locked)
        spin_unlock(&text_lock);
    if (panicking && take_snapshot(locked))
        render();
}

void fbcon_start_drawing(void)
{
    if (!fb)
        return;
    render_timer.fn = render_fired;
    timer_set(&render_timer, now_ns() + RENDER_NS);
}

void fbcon_enter_panic(void)
{
    panicking = true;
}

/* White in the framebuffer's pixel format; 0 if it has none we can draw. */
static uint32_t white(const struct tessera_framebuffer *f)
{
    switch (f->format) {
    case TESSERA_FB_RGBX8888:
    case TESSERA_FB_BGRX8888: return 0x00FFFFFFu;
    case TESSERA_FB_BITMASK: return f->red_mask | f->green_mask | f->blue_mask;
    default: return 0;
    }
}

/*
 * The whole framebuffer to bg, 64 bytes a loop: under QEMU TCG a loop's
 * iteration costs more than its stores (4 MiB: about 0.7 ms, against 5 ms a
 * pixel at a time).
 */
static void clear_screen(uint64_t bytes)
{
    volatile uint64_t *q = (volatile uint64_t *)fb;
    uint64_t pair = (uint64_t)bg << 32 | bg, n = bytes / 8, i = 0;

    for (; i + 8 <= n; i += 8) {
        q[i] = pair;
        q[i + 1] = pair;
        q[i + 2] = pair;
        q[i + 3] = pair;
        q[i + 4] = pair;
        q[i + 5] = pair;
        q[i + 6] = pair;
        q[i + 7] = pair;
    }
    for (; i < n; i++)
        q[i] = pair;
    if (bytes % 8)
        fb[bytes / 4 - 1] = bg;
}

void fbcon_init(const struct tessera_bootinfo *bi)
{
    const struct tessera_framebuffer *f = &bi->framebuffer;
    uint64_t bytes = (uint64_t)f->pixels_per_line * f->height * 4;

    if (f->format == TESSERA_FB_NONE) {
        printk("tessera: framebuffer console: off (no GOP framebuffer)\n");
        return;
    }
    /* The loader's GOP mode: 32-bit pixels, the size it reported must hold the picture. */
    if (!white(f) || f->width < GLYPH_W || f->height < GLYPH_H || f->pixels_per_line < f->width ||
        !f->base || bytes > f->size) {
        printk("tessera: framebuffer console: off (framebuffer %ux%u format %u at %#llx "
               "not usable)\n",
               f->width, f->height, f->format, (unsigned long long)f->base);
        return;
    }
    pixels_per_line = f->pixels_per_line;
    cols = MIN(f->width / GLYPH_W, (uint32_t)MAX_COLS);
    rows = MIN(f->height / GLYPH_H, (uint32_t)MAX_ROWS);
    fg = white(f);
    bg = 0;
    memset(text, ' ', sizeof(text));
    memset(shown, ' ', sizeof(shown));
    cur_col = cur_row = 0;
    fb = ioremap(mk_paddr(f->base), bytes);
    clear_screen(bytes);
    printk("tessera: framebuffer console: %ux%u at %#llx, %ux%u characters\n", f->width, f->height,
           (unsigned long long)f->base, cols, rows);
}
