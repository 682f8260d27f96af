/// The `BINARY_MEDIA_TYPES` list (docs/contract.md §3.1): request bodies whose Content-Type matches are passed to the
/// function base64-encoded. Entries are media types (`application/octet-stream`), type wildcards (`image/*`)
/// or `*/*`; matching ignores case and Content-Type parameters (`; charset=...`).
public struct BinaryMediaTypes: Sendable, Equatable {
    /// The entries, lower-cased and trimmed.
    public private(set) var patterns: [String]

    public init() { patterns = [] }

    public init(_ patterns: [String]) {
        self.patterns = patterns.compactMap { entry in
            let trimmed = String(entry.trimmingBlanks()).lowercased()
            return trimmed.isEmpty ? nil : trimmed
        }
    }

    /// True when `contentType`'s media type matches an entry.
    public func matches(contentType: String?) -> Bool {
        guard !patterns.isEmpty, let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .trimmingBlanks()
            .lowercased()
        guard !mediaType.isEmpty else { return false }
        for pattern in patterns {
            if pattern == "*/*" || pattern == mediaType { return true }
            if pattern.hasSuffix("/*"), mediaType.hasPrefix(pattern.dropLast()) { return true }
        }
        return false
    }
}
