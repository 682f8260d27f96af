/// A JSON number kept as its exact literal text, so integers of any size and decimals round-trip byte for
/// byte (an event's `requestTimeEpoch` or a function's `1.50` come back out unchanged).
/// Equality is textual: `1`, `1.0` and `1e0` are three different numbers here.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal as it appears in JSON text (RFC 8259 §6 grammar).
    public let text: String

    public init(_ value: Int) { text = String(value) }

    public init(_ value: Int64) { text = String(value) }

    /// The number of a finite double in Swift's shortest round-trip form (`1.0`, `0.1`, `1e-05`);
    /// nil for NaN and infinities, which JSON cannot represent.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        text = value.description
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

    public var description: String { text }
}
