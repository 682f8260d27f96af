// OpenSSL for Swift: the system headers plus plain-function wrappers for what Swift cannot import
// (function-like macros, variadic functions, SSL_OP_* / SSL_MODE_* constants).
#ifndef COPENSSLSHIMS_H
#define COPENSSLSHIMS_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>

static const uint64_t COpenSSLShims_SSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;
static const uint64_t COpenSSLShims_SSL_OP_NO_COMPRESSION = SSL_OP_NO_COMPRESSION;
static const uint64_t COpenSSLShims_SSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;
static const uint64_t COpenSSLShims_SSL_OP_IGNORE_UNEXPECTED_EOF = SSL_OP_IGNORE_UNEXPECTED_EOF;
static const long COpenSSLShims_SSL_MODE_ENABLE_PARTIAL_WRITE = SSL_MODE_ENABLE_PARTIAL_WRITE;
static const long COpenSSLShims_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER = SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
static const long COpenSSLShims_SSL_MODE_RELEASE_BUFFERS = SSL_MODE_RELEASE_BUFFERS;
static const int COpenSSLShims_TLS1_2_VERSION = TLS1_2_VERSION;
static const int COpenSSLShims_TLS1_3_VERSION = TLS1_3_VERSION;

// Function-like macros.
int COpenSSLShims_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
int COpenSSLShims_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version);
long COpenSSLShims_SSL_CTX_set_mode(SSL_CTX *ctx, long mode);
void COpenSSLShims_SSL_CTX_set_read_ahead(SSL_CTX *ctx, int yes);
int COpenSSLShims_SSL_set_tlsext_host_name(SSL *ssl, const char *name);
long COpenSSLShims_BIO_get_mem_data(BIO *bio, char **data);
void COpenSSLShims_OPENSSL_free(void *ptr);
long COpenSSLShims_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode);

// Server-side ALPN: selects "http/1.1" when the client offers it (the callback must be C).
void COpenSSLShims_SSL_CTX_select_alpn_http11(SSL_CTX *ctx);

// EVP_PKEY_Q_keygen is variadic: a fresh ECDSA P-256 key (NULL on failure).
EVP_PKEY *COpenSSLShims_generate_ec_p256_key(void);

#endif
