/// A query string split and decoded the way API Gateway does it: `&`-separated pairs, the first `=` splits
/// name from value (`?flag` → `flag` = ""), empty pairs skipped, `%XX` and `+` decoded. Keys keep their first
/// order of appearance; values keep request order.
struct QueryParameters {
    /// Decoded pairs in request order.
    let pairs: [(name: String, value: String)]
    /// The pairs grouped by name (first-appearance order).
    let groups: FieldGroups

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
        groups = FieldGroups(pairs, ignoringCase: false)
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
func headerGroups(_ headers: [(name: String, value: String)], excluding excluded: String? = nil) -> FieldGroups {
    FieldGroups(headers, ignoringCase: true, excluding: excluded)
}

/// Fields grouped by name (exactly, or ignoring ASCII case): for each distinct name (first-appearance order), the
/// name of its first field and its fields' indices in order; fields named `excluded` (same comparison) are left
/// out.
///
/// The indices are a chain through one array (`next`), not an array per group, and up to `linearSearchLimit`
/// fields (a usual request's headers) the groups are searched by comparing names in place: a request's headers
/// made an index array and a lower-cased key String per name (docs/performance.md). More fields go through a
/// dictionary from key to group, which keeps building linear (a search of the groups for every field was
/// quadratic, and one request with thousands of names stalled the loop, docs/gateway.md).
struct FieldGroups {
    struct Group {
        /// The name of the group's first field.
        let name: String
        let first: Int
        fileprivate(set) var last: Int
    }

    private(set) var groups: [Group] = []
    /// For each field, the index of the next field of its group, or -1.
    private var next: [Int]

    init(_ fields: [(name: String, value: String)], ignoringCase: Bool, excluding excluded: String? = nil) {
        next = Array(repeating: -1, count: fields.count)
        groups.reserveCapacity(min(fields.count, 4 * linearSearchLimit))
        func same(_ a: String, _ b: String) -> Bool { ignoringCase ? ASCII.equalsIgnoringCase(a, b) : a == b }
        if fields.count <= linearSearchLimit {
            for (i, field) in fields.enumerated() {
                if let excluded, same(field.name, excluded) { continue }
                if let g = groups.firstIndex(where: { same($0.name, field.name) }) {
                    append(i, to: g)
                } else {
                    groups.append(Group(name: field.name, first: i, last: i))
                }
            }
            return
        }
        var groupOf: [String: Int] = [:]
        for (i, field) in fields.enumerated() {
            if let excluded, same(field.name, excluded) { continue }
            let key = ignoringCase ? ASCII.lowercased(field.name) : field.name
            if let g = groupOf[key] {
                append(i, to: g)
            } else {
                groupOf[key] = groups.count
                groups.append(Group(name: field.name, first: i, last: i))
            }
        }
    }

    private mutating func append(_ field: Int, to g: Int) {
        next[groups[g].last] = field
        groups[g].last = field
    }

    var isEmpty: Bool { groups.isEmpty }

    /// The indices of `group`'s fields, in field order.
    func indices(of group: Group) -> Indices { Indices(chain: next, current: group.first) }

    struct Indices: Sequence, IteratorProtocol {
        let chain: [Int]
        var current: Int

        mutating func next() -> Int? {
            guard current >= 0 else { return nil }
            defer { current = chain[current] }
            return current
        }
    }
}

/// Fields up to which `FieldGroups` compares names instead of hashing them: at most 16 × 16 / 2 comparisons, most
/// of them between names of different lengths or first bytes.
let linearSearchLimit = 16
