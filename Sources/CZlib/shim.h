#ifndef FISCAL_ARCHIVE_CZLIB_SHIM_H
#define FISCAL_ARCHIVE_CZLIB_SHIM_H
#include <zlib.h>
#endif
