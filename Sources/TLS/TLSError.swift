import COpenSSLShims

/// A TLS failure: what was being done, and OpenSSL's error queue as text.
public struct TLSError: Error, Sendable, CustomStringConvertible {
    /// What failed, with OpenSSL's reason when it gave one.
    public let message: String

    /// An error with a plain message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// Drains the calling thread's OpenSSL error queue into an error.
    static func fromQueue(_ what: String) -> TLSError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return TLSError(reasons.isEmpty ? what : "\(what): \(reasons.joined(separator: "; "))")
    }
}

/// The single owner of an `SSL_CTX*`. Immutable after set-up and OpenSSL contexts are thread-safe for
/// creating sessions, hence `@unchecked Sendable`.
final class SSLContextBox: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        // Sessions created from it hold their own reference: freeing here never pulls the rug.
        SSL_CTX_free(pointer)
    }

    /// A context with the box's protocol policy: TLS 1.2 minimum (1.3 preferred by OpenSSL's default
    /// ordering), modern AEAD ciphers for 1.2, no renegotiation, no compression, EOF without
    /// close_notify treated as a plain close.
    static func make(server: Bool) throws(TLSError) -> SSLContextBox {
        guard let ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()) else {
            throw TLSError.fromQueue("SSL_CTX_new")
        }
        let box = SSLContextBox(taking: ctx)
        guard COpenSSLShims_SSL_CTX_set_min_proto_version(ctx, COpenSSLShims_TLS1_2_VERSION) == 1 else {
            throw TLSError.fromQueue("set minimum TLS version")
        }
        _ = SSL_CTX_set_options(
            ctx,
            COpenSSLShims_SSL_OP_NO_RENEGOTIATION | COpenSSLShims_SSL_OP_NO_COMPRESSION
                | COpenSSLShims_SSL_OP_IGNORE_UNEXPECTED_EOF
                | (server ? COpenSSLShims_SSL_OP_CIPHER_SERVER_PREFERENCE : 0))
        _ = COpenSSLShims_SSL_CTX_set_mode(
            ctx,
            COpenSSLShims_SSL_MODE_ENABLE_PARTIAL_WRITE | COpenSSLShims_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                | COpenSSLShims_SSL_MODE_RELEASE_BUFFERS)
        // Read ahead: a record's header and body in one read(2) instead of two (docs/performance.md, "System
        // calls"). Every read of a connection goes through SSL_read before it waits for the socket, so bytes
        // OpenSSL already holds are never left behind a wait.
        COpenSSLShims_SSL_CTX_set_read_ahead(ctx, 1)
        guard SSL_CTX_set_cipher_list(ctx, modernTLS12Ciphers) == 1 else {
            throw TLSError.fromQueue("set cipher list")
        }
        return box
    }

    /// Mozilla "intermediate" TLS 1.2 suites: ECDHE key exchange with AEAD ciphers only.
    static let modernTLS12Ciphers =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
}
