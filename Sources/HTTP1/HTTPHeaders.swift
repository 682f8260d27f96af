/// An ordered list of header fields as they appeared on the wire: names keep the sender's spelling,
/// repeated names stay separate entries, lookups ignore ASCII case.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init() { fields = [] }

    /// Room for `capacity` fields without regrowing (the parser reserves what a head's lines need).
    public init(capacity: Int) {
        fields = []
        fields.reserveCapacity(capacity)
    }

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// Appends a field, keeping any earlier one of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field of this name (any case) with one field.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    public mutating func remove(name: String) {
        // Looked up first: `removeAll` takes the array for writing (and its closure copies each field) even when
        // nothing matches, which is the usual case (a response's ids are added, not replaced).
        guard contains(name: name) else { return }
        fields.removeAll { Self.namesEqual($0.name, name) }
    }

    /// The first value of the field, or nil.
    public subscript(name: String) -> String? {
        // By index: `first { }` would copy each field (two retains and releases) it looks at.
        for i in fields.indices where Self.namesEqual(fields[i].name, name) { return fields[i].value }
        return nil
    }

    /// Every value of the field, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.namesEqual($0.name, name) }.map(\.value)
    }

    public func contains(name: String) -> Bool {
        for i in fields.indices where Self.namesEqual(fields[i].name, name) { return true }
        return false
    }

    /// ASCII case-insensitive comparison (header names are ASCII tokens).
    /// Runs per header lookup (a request makes about 20): on spans of the UTF-8 bytes, several times fewer
    /// instructions than zipping two `UTF8View`s (docs/performance.md).
    public static func namesEqual(_ a: String, _ b: String) -> Bool {
        // Lengths first (constant time on native strings): most names a lookup passes differ in length, and
        // taking a String's span is a runtime call of its own.
        guard a.utf8.count == b.utf8.count else { return false }
        let x = a.utf8.span, y = b.utf8.span
        for i in 0..<x.count {
            let p = x[i], q = y[i]
            if p != q && asciiLower(p) != asciiLower(q) { return false }
        }
        return true
    }

    @inline(__always) static func asciiLower(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }
}
