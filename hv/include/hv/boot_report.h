/* SPDX-License-Identifier: MIT */
/* The end-of-boot report (format: docs/boot-report.md). */
#ifndef HV_BOOT_REPORT_H
#define HV_BOOT_REPORT_H

struct tessera_bootinfo;

/* bi through the direct map. Ends with the stable "tessera: boot complete:" line. */
void boot_report(const struct tessera_bootinfo *bi);
/* The architecture's "  mitigations:" line of the report. */
void boot_report_mitigations(void);

#endif
