// SPDX-License-Identifier: MIT
#include <stdint.h>
#include <string.h>

/*
 * memcpy and memset move 8 bytes per step with rep movsq/stosq and finish with a
 * byte tail: fast-string microcode on silicon, and 8 bytes per emulated
 * iteration under QEMU's TCG instead of one. Both work forwards:
 * overlapping buffers go through memmove. DF is clear (the ABI's entry state).
 */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    void *d = dst;
    size_t tail = n & 7;

    n >>= 3;
    __asm__ volatile("rep movsq\n\t"
                     "movq %3, %%rcx\n\t"
                     "rep movsb"
                     : "+D"(d), "+S"(src), "+c"(n)
                     : "r"(tail)
                     : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n) {
        while (n--)
            *d++ = *s++;
    } else {
        d += n;
        s += n;
        while (n--)
            *--d = *--s;
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint64_t pattern = (unsigned char)c * 0x0101010101010101ull;
    void *d = dst;
    size_t tail = n & 7;

    n >>= 3;
    __asm__ volatile("rep stosq\n\t"
                     "movq %3, %%rcx\n\t"
                     "rep stosb"
                     : "+D"(d), "+c"(n)
                     : "a"(pattern), "r"(tail)
                     : "memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (; n; n--, p++)
        if (*p == (unsigned char)c)
            return (void *)p;
    return NULL;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}
