// libcurl for Swift: curl_easy_setopt / curl_easy_getinfo are variadic, so each argument type gets a
// typed static-inline wrapper.
#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>
#include <dlfcn.h>

typedef size_t (*CCurl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode CCurl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode CCurl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode CCurl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode CCurl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode CCurl_setopt_offset(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode CCurl_setopt_callback(CURL *h, CURLoption o, CCurl_data_callback v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode CCurl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode CCurl_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }

// Defined in ccurl.c: tells GnuTLS's library constructor to skip its implicit initialisation.
int _gnutls_global_init_skip(void);

// 1 when the dynamic linker resolves GnuTLS's `_gnutls_global_init_skip` hook to ccurl.c's definition (the
// executable exports it), 0 when GnuTLS would find its own weak default and initialise itself.
static inline int CCurl_gnutls_init_skip_is_exported(void) {
    return dlsym(RTLD_DEFAULT, "_gnutls_global_init_skip") == (void *)_gnutls_global_init_skip;
}

#endif
