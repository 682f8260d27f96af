/// A route's path template (`/api/users/{user_id}`, `/files/{proxy+}`), parsed into segments once, at load.
///
/// Rules (docs/contract.md §2.2, API Gateway's): starts with `/`; `/` alone is the root; no empty segment and no
/// trailing `/`; `{name}` is a whole segment (name = letters, digits, `_`, `.`, `-`); `{name+}` only as the last
/// segment; a name at most once; no `?`, `#`, or whitespace. Literal segments are stored percent-decoded, because
/// requests are compared segment by segment after decoding.
public struct RoutePath: Sendable, Hashable, CustomStringConvertible {
    /// One segment of the template.
    public enum Segment: Sendable, Hashable {
        /// Must equal the request's (decoded) segment.
        case literal(String)
        /// `{name}`: any one non-empty segment.
        case parameter(String)
        /// `{name+}`: the rest of the path, one segment or more, `/` kept.
        case greedy(String)
    }

    /// The template as written.
    public let template: String
    /// The segments (empty for `/`).
    public let segments: [Segment]

    /// Parses `template`; the error message says what is wrong.
    public init(parsing template: String) throws(RoutePathError) {
        guard template.hasPrefix("/") else { throw RoutePathError("path must start with '/'") }
        if let bad = template.first(where: { $0 == "?" || $0 == "#" || $0.isWhitespace }) {
            throw RoutePathError("path must not contain \(bad.isWhitespace ? "whitespace" : "'\(bad)'")")
        }
        self.template = template
        guard template != "/" else {
            segments = []
            return
        }
        if template.hasSuffix("/") { throw RoutePathError("path must not end with '/'") }
        var segments: [Segment] = []
        var names: Set<String> = []
        let parts = template.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (i, part) in parts.enumerated() {
            if part.isEmpty { throw RoutePathError("path must not contain an empty segment ('//')") }
            guard part.contains("{") || part.contains("}") else {
                segments.append(.literal(PercentDecoding.decode(part.utf8)))
                continue
            }
            guard part.first == "{", part.last == "}", part.count > 2 else {
                throw RoutePathError("'{name}' must be a whole segment, found '\(part)'")
            }
            var name = part.dropFirst().dropLast()
            let greedy = name.last == "+"
            if greedy { name = name.dropLast() }
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isNameByte) else {
                throw RoutePathError("invalid parameter name in '\(part)': use letters, digits, '_', '.', '-'")
            }
            guard names.insert(String(name)).inserted else {
                throw RoutePathError("parameter '\(name)' appears twice")
            }
            if greedy {
                guard i == parts.count - 1 else {
                    throw RoutePathError("'{\(name)+}' must be the last segment")
                }
                segments.append(.greedy(String(name)))
            } else {
                segments.append(.parameter(String(name)))
            }
        }
        self.segments = segments
    }

    public var description: String { template }

    /// The template with parameter names erased (`/a/{}/{+}`): two routes with the same shape and method can
    /// never both be chosen, so the loader rejects the second.
    public var shape: String {
        "/"
            + segments.map {
                switch $0 {
                case .literal(let s): s
                case .parameter: "{}"
                case .greedy: "{+}"
                }
            }.joined(separator: "/")
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "_")
            || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
    }
}

/// Why a path template was refused.
public struct RoutePathError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
