#if canImport(Glibc)
    import Glibc
#endif
import COpenSSLShims

/// What a non-blocking TLS operation did: progressed, or needs the socket readable/writable first.
public enum TLSIOResult: Sendable, Equatable {
    /// Done: bytes transferred (0 for a finished handshake or shutdown).
    case done(Int)
    /// Wait until the socket is readable, then call again.
    case wantRead
    /// Wait until the socket is writable, then call again.
    case wantWrite
    /// The peer closed the TLS session (close_notify or a plain EOF).
    case closed
}

/// One TLS connection over a non-blocking socket: the single owner of its `SSL*`.
///
/// The socket descriptor stays owned by the caller (OpenSSL's socket BIO does not close it). All calls
/// for one session must come from one thread at a time (the connection's event loop): OpenSSL's error
/// queue is per thread and is cleared before every call.
public struct TLSSession: ~Copyable {
    let ssl: OpaquePointer

    /// A server-side session on an accepted socket, from the context's current certificate.
    public init(server context: TLSServerContext, socket fd: Int32) throws(TLSError) {
        let box = context.current
        guard let ssl = SSL_new(box.pointer) else { throw TLSError.fromQueue("SSL_new") }
        guard SSL_set_fd(ssl, fd) == 1 else {
            SSL_free(ssl)
            throw TLSError.fromQueue("SSL_set_fd")
        }
        SSL_set_accept_state(ssl)
        self.ssl = ssl
    }

    /// A client-side session on a connected socket; `serverName` goes out as SNI and is verified
    /// against the certificate when the context verifies peers.
    public init(client context: TLSClientContext, socket fd: Int32, serverName: String?) throws(TLSError) {
        guard let ssl = SSL_new(context.box.pointer) else { throw TLSError.fromQueue("SSL_new") }
        guard SSL_set_fd(ssl, fd) == 1 else {
            SSL_free(ssl)
            throw TLSError.fromQueue("SSL_set_fd")
        }
        if let serverName {
            let isIP = serverName.contains(":") || serverName.allSatisfy { $0.isNumber || $0 == "." }
            if !isIP { _ = COpenSSLShims_SSL_set_tlsext_host_name(ssl, serverName) }
            if context.verifiesPeer {
                let ok =
                    isIP
                    ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName) : SSL_set1_host(ssl, serverName)
                guard ok == 1 else {
                    SSL_free(ssl)
                    throw TLSError.fromQueue("set expected host name")
                }
            }
        }
        SSL_set_connect_state(ssl)
        self.ssl = ssl
    }

    deinit {
        SSL_free(ssl)
    }

    /// Advances the handshake.
    public func handshake() throws(TLSError) -> TLSIOResult {
        ERR_clear_error()
        let rc = SSL_do_handshake(ssl)
        if rc == 1 { return .done(0) }
        return try outcome(rc, "TLS handshake")
    }

    /// Reads decrypted bytes.
    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(TLSError) -> TLSIOResult {
        ERR_clear_error()
        var n = 0
        if SSL_read_ex(ssl, buffer, count, &n) == 1 { return .done(n) }
        return try outcome(0, "TLS read")
    }

    /// Encrypts and writes bytes (partial writes allowed).
    public func write(from buffer: UnsafeRawPointer, count: Int) throws(TLSError) -> TLSIOResult {
        ERR_clear_error()
        var n = 0
        if SSL_write_ex(ssl, buffer, count, &n) == 1 { return .done(n) }
        return try outcome(0, "TLS write")
    }

    /// Sends close_notify (best effort, does not wait for the peer's).
    public func shutdown() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    func outcome(_ rc: Int32, _ what: String) throws(TLSError) -> TLSIOResult {
        switch SSL_get_error(ssl, rc) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            // With SSL_OP_IGNORE_UNEXPECTED_EOF a bare EOF is ZERO_RETURN; SYSCALL is a socket error.
            let code = errno
            if code == 0 { return .closed }
            throw TLSError("\(what): socket error \(code)")
        default:
            throw TLSError.fromQueue(what)
        }
    }
}
