#ifndef FISCAL_ARCHIVE_CLIBXML2_SHIM_H
#define FISCAL_ARCHIVE_CLIBXML2_SHIM_H

// Debian's libxml2 pulls in the system ICU headers, which clash with Foundation's own ICU
// ("'UErrorCode' has different definitions in different modules"). Read the version header
// first and switch libxml2's ICU support off before anything else includes it.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/parserInternals.h>

/// `xmlFree` is a global function-pointer variable, which Swift 6 rejects as shared mutable state.
static inline void clibxml2_free(void *pointer) { xmlFree(pointer); }

/// A no-op generic error handler: libxml2's default one writes every recovered HTML error to stderr.
static inline void clibxml2_silent_error(void *context, const char *message, ...) {
    (void)context; (void)message;
}

/// Installs the silent handler for the calling thread (libxml2 keeps it per thread).
static inline void clibxml2_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, clibxml2_silent_error);
    xmlSetStructuredErrorFunc(NULL, NULL);
}

#endif
