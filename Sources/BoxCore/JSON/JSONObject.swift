/// A JSON object as an ORDERED list of members: serializing keeps the order in which members were parsed
/// or added (events and log lines read like AWS's samples), and duplicate keys survive a parse.
/// Lookup by key is linear (objects on the hot path have a handful of members) and returns the LAST member
/// with that key, as `JSON.parse` and Python's `json` do.
public struct JSONObject: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// One key/value member.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public var members: [Member]

    public init(members: [Member]) { self.members = members }

    /// An object with these key/value pairs, in this order.
    public init(_ pairs: [(String, JSONValue)]) {
        members = pairs.map { Member(key: $0.0, value: $0.1) }
    }

    /// `["a": 1, "b": "x"]` keeps the written order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// Number of members (duplicates counted).
    public var count: Int { members.count }

    public var isEmpty: Bool { members.isEmpty }

    public var keys: [String] { members.map(\.key) }

    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    /// The value of the last member with this key; setting replaces that member's value in place, or appends
    /// a new member; setting nil removes every member with the key.
    public subscript(key: String) -> JSONValue? {
        get {
            members.last { $0.key == key }?.value
        }
        set {
            guard let newValue else {
                members.removeAll { $0.key == key }
                return
            }
            if let index = members.lastIndex(where: { $0.key == key }) {
                members[index].value = newValue
            } else {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    public func contains(key: String) -> Bool { members.contains { $0.key == key } }

    /// Appends a member without looking for an existing one (the caller knows the key is new, or wants a duplicate).
    public mutating func append(key: String, value: JSONValue) {
        members.append(Member(key: key, value: value))
    }
}
