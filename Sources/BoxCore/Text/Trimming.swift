/// The project's one whitespace trimmer (config values, header values, list items). Only ASCII whitespace is
/// trimmed: a configuration or protocol value never ends in other Unicode spaces by accident.
extension StringProtocol {
    /// Without leading and trailing characters for which `isTrimmed` holds.
    public func trimmed(where isTrimmed: (Character) -> Bool) -> SubSequence {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }

    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace, RFC 9110 §5.6.3).
    public func trimmingBlanks() -> SubSequence {
        trimmed { $0 == " " || $0 == "\t" }
    }

    /// Without leading and trailing spaces, tabs and line breaks (`"\r\n"` is one Swift `Character`).
    public func trimmingASCIIWhitespace() -> String {
        String(trimmed { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
    }
}
