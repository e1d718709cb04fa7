// Named CSystemZlib, not CZlib: ZIPFoundation (used by Spreadsheet) ships a module map named CZlib, and two
// modules of one name cannot be in one build.
#ifndef FISCAL_ARCHIVE_CZLIB_SHIM_H
#define FISCAL_ARCHIVE_CZLIB_SHIM_H
#include <zlib.h>
#endif
