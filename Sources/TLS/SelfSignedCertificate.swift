#if canImport(Glibc)
    import Glibc
#endif
import COpenSSLShims
import Posix

/// Self-signed certificates for the gateway's first start and for tests: ECDSA P-256 (fast handshakes),
/// SHA-256 signature, subject `CN=<commonName>`, SAN with the DNS names and IP addresses given.
public enum SelfSignedCertificate {
    /// Creates a certificate and key; returns both as PEM text.
    public static func generate(
        commonName: String = "localhost", dnsNames: [String] = ["localhost"], ipAddresses: [String] = ["127.0.0.1"],
        validDays: Int = 825
    ) throws(TLSError) -> (certificatePEM: String, keyPEM: String) {
        ERR_clear_error()
        guard let key = COpenSSLShims_generate_ec_p256_key() else { throw TLSError.fromQueue("generate P-256 key") }
        defer { EVP_PKEY_free(key) }
        guard let x509 = X509_new() else { throw TLSError.fromQueue("X509_new") }
        defer { X509_free(x509) }
        // Version 3 (value 2), a random 64-bit serial, valid from now for `validDays`.
        X509_set_version(x509, 2)
        var serial: UInt64 = 0
        _ = RAND_bytes(&serial, 8)
        ASN1_INTEGER_set_uint64(X509_get_serialNumber(x509), serial >> 1)
        X509_gmtime_adj(X509_getm_notBefore(x509), -60)
        X509_gmtime_adj(X509_getm_notAfter(x509), validDays * 86_400)
        X509_set_pubkey(x509, key)
        let name = X509_get_subject_name(x509)
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0)
        X509_set_issuer_name(x509, name)

        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, x509, x509, nil, nil, 0)
        let san = (dnsNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\($0)" }).joined(separator: ",")
        for (nid, value) in [
            (NID_subject_alt_name, san), (NID_basic_constraints, "critical,CA:TRUE"),
            (NID_key_usage, "critical,digitalSignature,keyCertSign"), (NID_ext_key_usage, "serverAuth"),
        ] where !value.isEmpty {
            guard let ext = X509V3_EXT_conf_nid(nil, &ctx, nid, value) else {
                throw TLSError.fromQueue("certificate extension \(value)")
            }
            X509_add_ext(x509, ext, -1)
            X509_EXTENSION_free(ext)
        }
        guard X509_sign(x509, key, EVP_sha256()) > 0 else { throw TLSError.fromQueue("X509_sign") }

        let certificatePEM = try pem { PEM_write_bio_X509($0, x509) }
        let keyPEM = try pem { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        return (certificatePEM, keyPEM)
    }

    /// Generates a certificate and writes `certificatePath` (mode 0644) and `keyPath` (mode 0600).
    public static func write(
        certificatePath: String, keyPath: String, commonName: String = "localhost",
        dnsNames: [String] = ["localhost"], ipAddresses: [String] = ["127.0.0.1"]
    ) throws(TLSError) {
        let (cert, key) = try generate(commonName: commonName, dnsNames: dnsNames, ipAddresses: ipAddresses)
        try writeFile(keyPath, key, mode: 0o600)
        try writeFile(certificatePath, cert, mode: 0o644)
    }

    /// `localhost` plus the names of `extra` that are not IP addresses (`TLS_SUBJECT_ALT_NAMES`).
    public static func defaultDNSNames(plus extra: [String]) -> [String] {
        unique(["localhost"] + extra.filter { !isIPAddress($0) })
    }

    /// `127.0.0.1` plus the IP addresses of `extra`.
    public static func defaultIPAddresses(plus extra: [String]) -> [String] {
        unique(["127.0.0.1"] + extra.filter(isIPAddress))
    }

    /// True for a numeric IPv4 or IPv6 address (what `IP:` in a SAN takes).
    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0.lowercased()).inserted }
    }

    static func pem(_ body: (OpaquePointer) -> Int32) throws(TLSError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw TLSError.fromQueue("BIO_new") }
        defer { BIO_free(bio) }
        guard body(bio) == 1 else { throw TLSError.fromQueue("PEM write") }
        var data: UnsafeMutablePointer<CChar>?
        let length = COpenSSLShims_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { throw TLSError("empty PEM output") }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    static func writeFile(_ path: String, _ text: String, mode: mode_t) throws(TLSError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw TLSError("cannot write \(path): errno \(errno)") }
        defer { close(fd) }
        do {
            try FileIO.writeAll(fd, Array(text.utf8))
        } catch {
            throw TLSError("cannot write \(path): \(error)")
        }
        // A key written with an old, wider mode keeps it under O_CREAT: set it explicitly.
        fchmod(fd, mode)
    }
}
