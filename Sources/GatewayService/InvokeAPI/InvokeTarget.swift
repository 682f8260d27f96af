import BoxCrypto

/// The function an Invoke API path names (docs/contract.md §3.6): a name, a partial ARN (`ACCOUNT:function:NAME`) or a full
/// ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`), optionally with `:QUALIFIER` or `?Qualifier=`.
public struct InvokeTarget: Sendable, Equatable {
    /// The function name.
    public var name: String
    /// The qualifier (`$LATEST`, a version or an alias) or nil when none was given.
    public var qualifier: String?
    /// The region named by a full ARN, if any.
    public var region: String?

    /// The account id the box uses in every ARN.
    public static let accountID = "000000000000"
    /// The path prefix and suffix of the Invoke API.
    static let pathPrefix = "/2015-03-31/functions/"
    static let pathSuffix = "/invocations"

    /// True when the box can serve this qualifier: only `$LATEST` exists (an empty one means the same).
    public var isServableVersion: Bool { qualifier == nil || qualifier == "" || qualifier == "$LATEST" }

    /// The function's ARN as AWS prints it in `Function not found: <arn>` (with the qualifier when one was given).
    public func arn(defaultRegion: String) -> String {
        var arn = "arn:aws:lambda:\(region ?? defaultRegion):\(Self.accountID):function:\(name)"
        if let qualifier, !qualifier.isEmpty { arn += ":" + qualifier }
        return arn
    }

    /// True when `path` has the Invoke API's shape `/2015-03-31/functions/{name}/invocations`.
    public static func isInvokePath(_ path: Substring) -> Bool {
        // The byte count first: it is constant time and turns away every usual route path (shorter than the two
        // affixes) before the prefix comparison, which took a thousand instructions per proxied request.
        path.utf8.count > pathPrefix.utf8.count + pathSuffix.utf8.count && path.hasPrefix(pathPrefix)
            && path.hasSuffix(pathSuffix)
    }

    /// Parses the still percent-encoded `{name}` of an Invoke API path and the raw query; nil when the path
    /// cannot name a function (the caller answers `ResourceNotFoundException`).
    public static func parse(path: Substring, query: Substring?) -> InvokeTarget? {
        guard isInvokePath(path) else { return nil }
        let raw = path.dropFirst(pathPrefix.count).dropLast(pathSuffix.count)
        guard !raw.contains("/"), let decoded = StrictPercentDecoding.decode(raw),
            var target = parse(identifier: decoded)
        else {
            return nil
        }
        if let q = query, let given = StrictPercentDecoding.queryValue(named: "Qualifier", in: q) {
            // Both forms given and different: AWS refuses the combination; the box reports "not found".
            if let own = target.qualifier, own != given { return nil }
            target.qualifier = given
        }
        return target
    }

    /// Parses a decoded function identifier; nil when it cannot name a function.
    public static func parse(identifier: String) -> InvokeTarget? {
        let parts = identifier.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var name: String
        var qualifier: String?
        var region: String?
        if parts.first == "arn" {
            // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
            guard parts.count == 7 || parts.count == 8, parts[1].hasPrefix("aws"), parts[2] == "lambda",
                parts[5] == "function"
            else { return nil }
            name = parts[6]
            region = parts[3].isEmpty ? nil : parts[3]
            qualifier = parts.count == 8 ? parts[7] : nil
        } else if parts.count >= 3, parts[1] == "function" {
            // ACCOUNT:function:NAME[:QUALIFIER]
            guard parts.count <= 4 else { return nil }
            name = parts[2]
            qualifier = parts.count == 4 ? parts[3] : nil
        } else {
            // NAME[:QUALIFIER]
            guard parts.count <= 2 else { return nil }
            name = parts[0]
            qualifier = parts.count == 2 ? parts[1] : nil
        }
        let allowed: (UInt8) -> Bool = {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
        guard !name.isEmpty, name.utf8.count <= 140, name.utf8.allSatisfy(allowed) else { return nil }
        return InvokeTarget(name: name, qualifier: qualifier, region: region)
    }
}

extension InvokeTarget {
    /// The pattern AWS Lambda holds a function name, ARN or partial ARN to (its Invoke API reference).
    static let namePattern =
        #"(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?"#
        + #"([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?"#

    /// Why AWS would refuse `name` (decoded) as a `functionName` with `ValidationException`, in its words; nil when
    /// it is well formed (a well-formed name the box does not know is `ResourceNotFoundException`, docs/gateway.md).
    /// Only called for a name `parse` refused, so the pattern is compiled off the hot path.
    static func constraintViolation(functionName name: String) -> String? {
        let subject = "Value '\(name)' at 'functionName' failed to satisfy constraint: "
        if name.utf8.count > 170 { return subject + "Member must have length less than or equal to 170" }
        guard let pattern = try? Regex(namePattern), (try? pattern.wholeMatch(in: name)) == nil else { return nil }
        return subject + "Member must satisfy regular expression pattern: " + namePattern
    }
}

extension InvokeTarget {
    /// True when the name carries a qualifier (`f:1`) and `?Qualifier=` names another one: AWS refuses that with
    /// `InvalidParameterValueException` (docs/gateway.md).
    static func hasConflictingQualifiers(identifier: String, query: Substring?) -> Bool {
        guard let query, let given = StrictPercentDecoding.queryValue(named: "Qualifier", in: query),
            let own = parse(identifier: identifier)?.qualifier
        else { return false }
        return own != given
    }
}

/// Percent-decoding of path segments and query values (`+` is a space only in queries).
enum StrictPercentDecoding {
    /// Decodes `%XX` escapes; nil when an escape is malformed or the result is not UTF-8.
    static func decode<S: StringProtocol>(_ text: S, plusIsSpace: Bool = false) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var it = Array(text.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%") {
                guard let h = it.popFirst(), let l = it.popFirst(), let hv = Hex.value(ofDigit: h),
                    let lv = Hex.value(ofDigit: l)
                else {
                    return nil
                }
                out.append(hv << 4 | lv)
            } else if plusIsSpace, b == UInt8(ascii: "+") {
                out.append(0x20)
            } else {
                out.append(b)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    /// The decoded value of the first `name=value` pair in a raw query string.
    static func queryValue(named name: String, in query: Substring) -> String? {
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if decode(kv[0], plusIsSpace: true) == name {
                return kv.count == 2 ? decode(kv[1], plusIsSpace: true) : ""
            }
        }
        return nil
    }
}
