/// A YAML document that parsed but does not have the expected shape: wrong type, unknown key, missing key,
/// duplicate key, or a value out of range. It knows the position but not the file (the tree does not carry the
/// path); `located(in:)` makes it a `YAMLError` of the file.
public struct YAMLDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of mismatch this is (tests and callers branch on it; the text is for people).
    public enum Kind: Sendable, Equatable {
        /// The node is not of the expected type (`expected a mapping, found a sequence`).
        case wrongType
        case unknownKey
        /// A required key is absent (reported at the mapping's position).
        case missingKey
        /// A key that appears a second time (reported at the second occurrence).
        case duplicateKey
        /// The right type but an unacceptable value (bad name, out of range).
        case invalidValue
    }

    public var kind: Kind
    public var mark: YAMLMark
    public var message: String

    public init(_ kind: Kind, at mark: YAMLMark, _ message: String) {
        self.kind = kind
        self.mark = mark
        self.message = message
    }

    public var description: String { "\(mark): \(message)" }

    /// The same error as a `YAMLError` of file `path`, so callers keep one error type per file.
    public func located(in path: String) -> YAMLError {
        YAMLError(path: path, mark: mark, message: message)
    }
}
