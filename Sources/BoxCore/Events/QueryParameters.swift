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
                    pairs.append(
                        (
                            QueryDecoding.decode(text[..<eq]),
                            QueryDecoding.decode(text[text.index(after: eq)...])
                        ))
                } else {
                    pairs.append((QueryDecoding.decode(text), ""))
                }
            }
        }
        self.pairs = pairs
        groups = groupedIndices(pairs) { $0 }
    }

    var isEmpty: Bool { pairs.isEmpty }
}

/// Header fields grouped by name, ignoring case; each group keeps the spelling of its first field.
struct HeaderGroups {
    /// For each distinct name (first-appearance order): its first spelling and the indices of its fields.
    let groups: [(name: String, indices: [Int])]

    init(_ headers: [(name: String, value: String)], excluding excluded: String? = nil) {
        groups = groupedIndices(headers) { name in
            if let excluded, ASCII.equalsIgnoringCase(name, excluded) { return nil }
            return ASCII.lowercased(name)
        }
    }
}

/// For each distinct `key` of the field names (first-appearance order; nil skips a field): the first name with
/// that key and the indices of its fields. A dictionary from key to group keeps this linear (a search of the
/// groups for every field was quadratic, and one request with thousands of names stalled the loop,
/// docs/gateway.md).
func groupedIndices(
    _ fields: [(name: String, value: String)], key: (String) -> String?
) -> [(name: String, indices: [Int])] {
    var groups: [(name: String, indices: [Int])] = []
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
