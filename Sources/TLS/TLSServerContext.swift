import COpenSSLShims
import Synchronization

/// A reloadable server TLS configuration: certificate chain and key from PEM files, ALPN `http/1.1`.
///
/// `reload()` builds a complete new `SSL_CTX` and swaps it in: connections accepted afterwards use the
/// new certificate, established ones keep theirs. A reload that fails leaves the old context in force.
public final class TLSServerContext: Sendable {
    let state: Mutex<(box: SSLContextBox, certificatePath: String, keyPath: String)>

    /// Loads a certificate chain and private key (PEM); fails if they do not match.
    public init(certificatePath: String, keyPath: String) throws(TLSError) {
        let box = try Self.load(certificatePath: certificatePath, keyPath: keyPath)
        state = Mutex((box, certificatePath, keyPath))
    }

    /// Re-reads the certificate and key (from the same paths, or new ones) for new connections.
    public func reload(certificatePath: String? = nil, keyPath: String? = nil) throws(TLSError) {
        let (cert, key) = state.withLock { ($0.certificatePath, $0.keyPath) }
        let newCert = certificatePath ?? cert, newKey = keyPath ?? key
        let box = try Self.load(certificatePath: newCert, keyPath: newKey)
        state.withLock { $0 = (box, newCert, newKey) }
    }

    /// The context new sessions are created from.
    var current: SSLContextBox { state.withLock { $0.box } }

    static func load(certificatePath: String, keyPath: String) throws(TLSError) -> SSLContextBox {
        ERR_clear_error()
        let box = try SSLContextBox.make(server: true)
        let ctx = box.pointer
        guard SSL_CTX_use_certificate_chain_file(ctx, certificatePath) == 1 else {
            throw TLSError.fromQueue("load certificate \(certificatePath)")
        }
        guard SSL_CTX_use_PrivateKey_file(ctx, keyPath, SSL_FILETYPE_PEM) == 1 else {
            throw TLSError.fromQueue("load private key \(keyPath)")
        }
        guard SSL_CTX_check_private_key(ctx) == 1 else {
            throw TLSError.fromQueue("certificate and key do not match")
        }
        COpenSSLShims_SSL_CTX_select_alpn_http11(ctx)
        return box
    }
}

/// Client TLS settings: certificate verification against a CA file (or the system store), or none.
public final class TLSClientContext: Sendable {
    let box: SSLContextBox
    /// Whether the peer's certificate and host name are verified.
    public let verifiesPeer: Bool

    /// - Parameters:
    ///   - caFile: PEM bundle of trusted CAs; nil uses the system store (when `verify` is true).
    ///   - verify: false accepts any certificate (the gateway's own self-signed one in tests).
    public init(caFile: String? = nil, verify: Bool = true) throws(TLSError) {
        ERR_clear_error()
        box = try SSLContextBox.make(server: false)
        verifiesPeer = verify
        let ctx = box.pointer
        if verify, let caFile {
            guard SSL_CTX_load_verify_locations(ctx, caFile, nil) == 1 else {
                throw TLSError.fromQueue("load CA file \(caFile)")
            }
        } else if verify {
            guard SSL_CTX_set_default_verify_paths(ctx) == 1 else { throw TLSError.fromQueue("load system CA store") }
        }
        SSL_CTX_set_verify(ctx, verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nil)
        let alpn: [UInt8] = [8] + Array("http/1.1".utf8)
        _ = SSL_CTX_set_alpn_protos(ctx, alpn, UInt32(alpn.count))
    }
}
