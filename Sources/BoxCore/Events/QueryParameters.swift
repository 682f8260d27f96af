/// A query string split and decoded the way API Gateway does it: `&`-separated pairs, the first `=` splits
/// name from value (`?flag` → `flag` = ""), empty pairs skipped, `%XX` and `+` decoded. Keys keep their first
/// order of appearance; values keep request order.
struct QueryParameters {
    /// Decoded pairs in request order.
    let pairs: [(name: String, value: String)]
    /// For each distinct name (first-appearance order), the indices of its pairs.
    let groups: [(name: String, indices: [Int])]

    init(rawQuery: String?) {
        var pairs: [(name: String, value: String)] = []
        if let rawQuery, !rawQuery.isEmpty {
            for part in rawQuery.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
                let text = Substring(part)
                if let eq = text.firstIndex(of: "=") {
                    pairs.append((Self.decode(text[..<eq]), Self.decode(text[text.index(after: eq)...])))
                } else {
                    pairs.append((Self.decode(text), ""))
                }
            }
        }
        self.pairs = pairs
        groups = groupedIndices(pairs) { $0 }
    }

    var isEmpty: Bool { pairs.isEmpty }

    /// `+` is a space (form encoding), then `PercentDecoding`'s rules (`%XX` escapes, a stray `%` stays, invalid
    /// UTF-8 becomes U+FFFD), as API Gateway decodes query strings.
    static func decode(_ text: Substring) -> String {
        let utf8 = text.utf8
        guard utf8.contains(UInt8(ascii: "+")) else { return PercentDecoding.decode(utf8) }
        // Plus signs become spaces before escapes are decoded, so an escaped "%2B" still ends up a literal "+".
        return PercentDecoding.decode(utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 })
    }
}

/// Header fields grouped by name, ignoring case; each group keeps the spelling of its first field.
func headerGroups(
    _ headers: [(name: String, value: String)], excluding excluded: String? = nil
) -> [(name: String, indices: [Int])] {
    groupedIndices(headers) { name in
        if let excluded, ASCII.equalsIgnoringCase(name, excluded) { return nil }
        return ASCII.lowercased(name)
    }
}

/// For each distinct `key` of the field names (first-appearance order; nil skips a field): the first name with
/// that key and the indices of its fields. A dictionary from key to group keeps this linear (a search of the
/// groups for every field was quadratic, and one request with thousands of names stalled the loop,
/// docs/gateway.md); up to `linearSearchLimit` fields (a usual request's headers) searching the few keys is
/// cheaper than building and hashing into a dictionary (docs/performance.md).
func groupedIndices(
    _ fields: [(name: String, value: String)], key: (String) -> String?
) -> [(name: String, indices: [Int])] {
    var groups: [(name: String, indices: [Int])] = []
    if fields.count <= linearSearchLimit {
        var keys: [String] = []
        keys.reserveCapacity(fields.count)
        for (i, field) in fields.enumerated() {
            guard let key = key(field.name) else { continue }
            if let g = keys.firstIndex(of: key) {
                groups[g].indices.append(i)
            } else {
                keys.append(key)
                groups.append((field.name, [i]))
            }
        }
        return groups
    }
    var groupOf: [String: Int] = [:]
    for (i, field) in fields.enumerated() {
        guard let key = key(field.name) else { continue }
        if let g = groupOf[key] {
            groups[g].indices.append(i)
        } else {
            groupOf[key] = groups.count
            groups.append((field.name, [i]))
        }
    }
    return groups
}

/// Fields up to which `groupedIndices` searches its keys instead of hashing them: at most 16 × 16 / 2 string
/// comparisons, most of them between short names that differ in their first bytes.
let linearSearchLimit = 16
