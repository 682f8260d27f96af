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
        // A dictionary from name to group: linear in the number of pairs (a search of the groups for every pair
        // was quadratic, and one request with thousands of names stalled the loop, docs/gateway.md).
        var groups: [(name: String, indices: [Int])] = []
        var groupOf: [String: Int] = [:]
        for (i, pair) in pairs.enumerated() {
            if let g = groupOf[pair.name] {
                groups[g].indices.append(i)
            } else {
                groupOf[pair.name] = groups.count
                groups.append((pair.name, [i]))
            }
        }
        self.pairs = pairs
        self.groups = groups
    }

    var isEmpty: Bool { pairs.isEmpty }
}

/// Header fields grouped by name, ignoring case; each group keeps the spelling of its first field.
struct HeaderGroups {
    /// For each distinct name (first-appearance order): its first spelling and the indices of its fields.
    let groups: [(name: String, indices: [Int])]

    init(_ headers: [(name: String, value: String)], excluding excluded: String? = nil) {
        var groups: [(name: String, indices: [Int])] = []
        var groupOf: [String: Int] = [:]
        for (i, field) in headers.enumerated() {
            if let excluded, ASCII.equalsIgnoringCase(field.name, excluded) { continue }
            let key = ASCII.lowercased(field.name)
            if let g = groupOf[key] {
                groups[g].indices.append(i)
            } else {
                groupOf[key] = groups.count
                groups.append((field.name, [i]))
            }
        }
        self.groups = groups
    }
}
