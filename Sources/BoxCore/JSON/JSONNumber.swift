/// A JSON number kept as its exact literal text, so integers of any size and decimals round-trip byte for
/// byte (an event's `requestTimeEpoch` or a function's `1.50` come back out unchanged).
/// Equality is textual: `1`, `1.0` and `1e0` are three different numbers here.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal as it appears in JSON text (RFC 8259 §6 grammar).
    public let text: String

    /// The number of an integer.
    public init(_ value: Int) { text = String(value) }

    /// The number of an `Int64` (epoch milliseconds and the like).
    public init(_ value: Int64) { text = String(value) }

    /// The number of a finite double in Swift's shortest round-trip form (`1.0`, `0.1`, `1e-05`);
    /// nil for NaN and infinities, which JSON cannot represent.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        text = value.description
    }

    /// Validates `text` against the JSON number grammar; nil when it is not a JSON number.
    public init?(text: String) {
        // The document parser would also accept surrounding whitespace: a bare literal starts and ends here.
        guard let first = text.utf8.first, let last = text.utf8.last,
            first == UInt8(ascii: "-") || (first &- UInt8(ascii: "0")) < 10, (last &- UInt8(ascii: "0")) < 10
        else { return nil }
        var parser = JSONParser(bytes: Array(text.utf8), maxDepth: 1)
        guard let value = try? parser.parseDocument(), case .number(let number) = value else { return nil }
        self = number
    }

    /// For the parser, which has already checked the grammar.
    init(validatedText: String) { text = validatedText }

    /// True when the literal has no fraction and no exponent.
    public var isInteger: Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// The value as an `Int` when it is an integer that fits: exact for integer literals; a literal with a
    /// fraction or exponent (`200.0`, `2e2`) counts when its value is integral.
    public var intValue: Int? {
        if isInteger { return Int(text) }
        // Int(exactly:) and rounded() call libm, which a BoxCore-only binary does not link: truncate by conversion.
        let d = doubleValue
        guard d > -9.223372036854775e18, d < 9.223372036854775e18 else { return nil }
        let i = Int(d)
        return Double(i) == d ? i : nil
    }

    /// The value as a double (the nearest one for literals that need more precision).
    public var doubleValue: Double { Double(text) ?? .nan }

    /// The literal text.
    public var description: String { text }
}
