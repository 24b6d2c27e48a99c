/* SPDX-License-Identifier: MIT */
/*
 * Xen's hypercall error numbers: a hypercall fails with -XEN_Exxx. The values
 * are x86 Linux's, as in Xen's public/errno.h, and are the ABI: a guest
 * compares against them. Everything in hv/ that returns an error number uses
 * these names (internal errors too, so there is one vocabulary).
 *
 * Written as Xen writes it: a list of XEN_ERRNO(name, value). Included
 * plainly it defines enum xen_errno (XEN_EPERM = 1, ...); an includer that
 * defines XEN_ERRNO() itself gets just the list expanded with it (a table of
 * names, say), and this header #undefs it again.
 */
#ifndef XEN_ERRNO
#ifndef PUBLIC_ERRNO_H
#define PUBLIC_ERRNO_H
#define XEN_ERRNO(name, value) XEN_##name = value,
enum xen_errno {
#define PUBLIC_ERRNO_ENUM
#endif
#endif

#ifdef XEN_ERRNO
    XEN_ERRNO(EPERM, 1)     /* operation not permitted */
    XEN_ERRNO(ENOENT, 2)    /* no such entry (a vCPU id) */
        XEN_ERRNO(ESRCH, 3) /* no such domain */
        XEN_ERRNO(EINTR, 4) XEN_ERRNO(EIO, 5) XEN_ERRNO(ENXIO, 6) XEN_ERRNO(E2BIG, 7)
            XEN_ERRNO(ENOEXEC, 8) XEN_ERRNO(EBADF, 9) XEN_ERRNO(ECHILD, 10) XEN_ERRNO(EAGAIN, 11)
                XEN_ERRNO(EWOULDBLOCK, 11) XEN_ERRNO(ENOMEM, 12) XEN_ERRNO(EACCES, 13)
                    XEN_ERRNO(EFAULT, 14) /* a guest address that cannot be accessed */
        XEN_ERRNO(EBUSY, 16) XEN_ERRNO(EEXIST, 17) XEN_ERRNO(EXDEV, 18) XEN_ERRNO(ENODEV, 19)
            XEN_ERRNO(EISDIR, 21) XEN_ERRNO(EINVAL, 22) XEN_ERRNO(ENFILE, 23) XEN_ERRNO(EMFILE, 24)
                XEN_ERRNO(ENOSPC, 28) /* no free port */
        XEN_ERRNO(EROFS, 30) XEN_ERRNO(EMLINK, 31) XEN_ERRNO(EDOM, 33) XEN_ERRNO(ERANGE, 34)
            XEN_ERRNO(EDEADLK, 35) XEN_ERRNO(EDEADLOCK, 35) XEN_ERRNO(ENAMETOOLONG, 36)
                XEN_ERRNO(ENOLCK, 37) XEN_ERRNO(ENOSYS, 38) /* no such hypercall or subcommand */
        XEN_ERRNO(ENOTEMPTY, 39) XEN_ERRNO(ENODATA, 61)
            XEN_ERRNO(ETIME, 62) /* a singleshot timer already in the past */
        XEN_ERRNO(EBADMSG, 74) XEN_ERRNO(EOVERFLOW, 75) XEN_ERRNO(EILSEQ, 84)
            XEN_ERRNO(ERESTART, 85) XEN_ERRNO(ENOTSOCK, 88) XEN_ERRNO(EMSGSIZE, 90)
                XEN_ERRNO(EOPNOTSUPP, 95) XEN_ERRNO(EADDRINUSE, 98) XEN_ERRNO(EADDRNOTAVAIL, 99)
                    XEN_ERRNO(ENOBUFS, 105) XEN_ERRNO(EISCONN, 106) XEN_ERRNO(ENOTCONN, 107)
                        XEN_ERRNO(ETIMEDOUT, 110) XEN_ERRNO(ECONNREFUSED, 111)
#undef XEN_ERRNO
#endif

#ifdef PUBLIC_ERRNO_ENUM
#undef PUBLIC_ERRNO_ENUM
};
#endif
