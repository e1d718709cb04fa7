// Intel's ISA-L (`libisal-dev`): its deflate (igzip) and CRC-32, for the workbooks' ZIP entries.
#ifndef FISCAL_ARCHIVE_CISAL_SHIM_H
#define FISCAL_ARCHIVE_CISAL_SHIM_H
#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>

// The level-1 work buffer's suggested size (a macro of macros, which Swift does not import).
static inline unsigned int cisal_level1_buffer_size(void) { return ISAL_DEF_LVL1_DEFAULT; }
#endif
