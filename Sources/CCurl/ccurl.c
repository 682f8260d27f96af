// Wrappers live in CCurl.h as static inline functions; this file gives the target a translation unit.
#include "CCurl.h"

// Debian's libcurl uses OpenSSL, but its dependencies (librtmp, libldap) pull GnuTLS into every process that links
// libcurl, and GnuTLS initialises itself from a library constructor: about 0.6 MB of an idle esb-manager's resident
// memory (docs/performance.md, "Memory"), for a library that never carries a Docker call. GnuTLS's documented way
// out (its GNUTLS_SKIP_GLOBAL_INIT macro) is this strong definition of the weak hook its constructor asks; librtmp
// and libldap call gnutls_global_init() themselves before any use, so nothing that might use GnuTLS goes without
// it. The linker exports the symbol from the executable (CCurl's linkerSettings in Package.swift), or GnuTLS would
// not see it.
int _gnutls_global_init_skip(void) { return 1; }
