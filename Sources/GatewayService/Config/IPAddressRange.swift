import HTTP1

/// An IPv4 or IPv6 address with a prefix length (`10.0.0.0/8`, `::1`, `fd00::/8`): one `TRUSTED_PROXIES` entry.
public struct IPAddressRange: Sendable, Equatable {
    /// The network address as 16 bytes (IPv4 is stored as an IPv4-mapped IPv6 address).
    public let address: [UInt8]
    /// Prefix length in bits over the 16-byte form.
    public let prefixLength: Int

    /// Parses `ADDRESS` or `ADDRESS/PREFIX`; nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let bytes = Self.parseAddress(String(first)) else { return nil }
        let isV4 = !first.contains(":")
        let maxPrefix = isV4 ? 32 : 128
        var prefix = maxPrefix
        if parts.count == 2 {
            guard let p = Int(parts[1]), p >= 0, p <= maxPrefix else { return nil }
            prefix = p
        }
        address = bytes
        prefixLength = isV4 ? prefix + 96 : prefix
    }

    /// True when `text` (an address, optionally `[v6]:port` or `v4:port`) lies in this range.
    public func contains(_ text: String) -> Bool {
        guard let other = Self.parseAddress(Self.stripPort(text)) else { return false }
        return contains(address: other)
    }

    /// True when the 16-byte address `other` (`parseAddress`) lies in this range.
    func contains(address other: [UInt8]) -> Bool {
        var bits = prefixLength
        for i in 0..<16 where bits > 0 {
            let take = min(bits, 8)
            let mask: UInt8 = take == 8 ? 0xFF : ~(0xFF >> UInt8(take))
            if address[i] & mask != other[i] & mask { return false }
            bits -= take
        }
        return true
    }

    /// Removes a port and brackets from a peer address as a server reports it (`[::1]:5000`, `1.2.3.4:80`).
    /// On the UTF-8 bytes, not Characters: this runs for every request (docs/performance.md).
    static func stripPort(_ text: String) -> String {
        let utf8 = text.utf8
        if utf8.first == UInt8(ascii: "["), let close = text.firstIndex(ofASCII: UInt8(ascii: "]")) {
            return String(text[utf8.index(after: utf8.startIndex)..<close])
        }
        // Exactly one colon: IPv4 with a port. More than one: a bare IPv6 address.
        if let colon = text.firstIndex(ofASCII: UInt8(ascii: ":")), text.lastIndex(ofASCII: UInt8(ascii: ":")) == colon
        {
            return String(text[..<colon])
        }
        return text
    }

    /// An address in its 16-byte form, or nil.
    static func parseAddress(_ text: String) -> [UInt8]? {
        if !text.contains(":") {
            guard let v4 = parseIPv4(Substring(text)) else { return nil }
            return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + v4
        }
        return parseIPv6(text)
    }

    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isASCII), let v = UInt8(p) else { return nil }
            out.append(v)
        }
        return out
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        // Drop a zone id (`fe80::1%eth0`).
        let body = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        let halves = body.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return nil }
        func groups(_ s: Substring) -> [UInt8]? {
            if s.isEmpty { return [] }
            var out: [UInt8] = []
            let items = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, item) in items.enumerated() {
                if i == items.count - 1, item.contains(".") {
                    guard let v4 = parseIPv4(item) else { return nil }
                    out += v4
                    continue
                }
                guard !item.isEmpty, item.count <= 4, let v = UInt16(item, radix: 16) else { return nil }
                out += [UInt8(v >> 8), UInt8(v & 0xFF)]
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

extension [IPAddressRange] {
    /// True when one of the ranges holds `text` (an address, optionally with a port): parsed once for all of them,
    /// not once per range (`TRUSTED_PROXIES` is checked for every request).
    func containsAddress(_ text: String) -> Bool {
        guard !isEmpty, let address = IPAddressRange.parseAddress(IPAddressRange.stripPort(text)) else { return false }
        return contains { $0.contains(address: address) }
    }
}
