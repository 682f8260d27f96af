import Foundation

/// How logical ids become names, and which names the box accepts.
enum NameRules {
    /// `HelloWorldFunction` → `hello-world-function`, `S3TestFunction` → `s3-test-function`,
    /// `APIHandler` → `api-handler`: a hyphen before an upper-case letter that follows a lower-case letter or
    /// digit, or that starts a new word after an acronym. Characters other than letters and digits become
    /// hyphens.
    static func kebabCase(_ id: String) -> String {
        let chars = Array(id)
        var out = ""
        for (i, c) in chars.enumerated() {
            guard c.isLetter || c.isNumber, c.isASCII else {
                if !out.isEmpty, out.last != "-" { out.append("-") }
                continue
            }
            if c.isUppercase, i > 0, out.last != "-" {
                let previous = chars[i - 1]
                let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
                let afterLowerOrDigit = previous.isLowercase || previous.isNumber
                let acronymEnds = previous.isUppercase && (next?.isLowercase ?? false)
                if afterLowerOrDigit || acronymEnds { out.append("-") }
            }
            out.append(contentsOf: c.lowercased())
        }
        while out.last == "-" { out.removeLast() }
        return out
    }

    /// Function names: AWS's rule, `[A-Za-z0-9_-]{1,64}`, case kept (docs/sam-support.md). They name folders,
    /// containers and log streams, so nothing else may pass (no `.`, no `/`, no control characters).
    static func isValidFunctionName(_ name: String) -> Bool {
        functionNameProblem(name) == nil
    }

    /// Why `name` is not a function name, said so that a SAM user need not guess (nil when it is one).
    static func functionNameProblem(_ name: String) -> String? {
        let count = name.utf8.count
        if count == 0 { return "is empty" }
        if count > 64 { return "is too long (\(count) > 64 characters)" }
        if let bad = name.unicodeScalars.first(where: { !isNameScalar($0) }) {
            let shown = bad.value < 0x20 || bad.value == 0x7F ? String(format: "U+%04X", bad.value) : "'\(bad)'"
            return "contains \(shown); AWS allows letters, digits, '-' and '_' (at most 64)"
        }
        return nil
    }

    /// CloudFormation logical ids: letters and digits only. They appear in generated comments, so a newline
    /// or anything else outside that set is refused rather than written.
    static func isValidLogicalID(_ id: String) -> Bool {
        !id.isEmpty && id.unicodeScalars.allSatisfy { $0.isASCII && (isLetterOrDigit(UInt8($0.value))) }
    }

    /// The repository part of a Docker image name: Docker wants lower case, function names may have capitals.
    static func imageRepository(_ name: String) -> String {
        name.lowercased()
    }

    /// `[A-Za-z0-9_-]`: what function and layer names are made of.
    static func isNameScalar(_ s: Unicode.Scalar) -> Bool {
        s.isASCII && (isLetterOrDigit(UInt8(s.value)) || s == "-" || s == "_")
    }

    private static func isLetterOrDigit(_ b: UInt8) -> Bool { isLowerAlnum(b) || isUpper(b) }

    /// DynamoDB table names: 3 to 255 of `[a-zA-Z0-9_.-]`.
    static func isValidTableName(_ name: String) -> Bool {
        (3...255).contains(name.utf8.count) && name.unicodeScalars.allSatisfy { isNameScalar($0) || $0 == "." }
    }

    /// S3 bucket names: 3 to 63 of `[a-z0-9.-]`, starting and ending with a letter or digit.
    static func isValidBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count), let first = bytes.first, let last = bytes.last,
            isLowerAlnum(first), isLowerAlnum(last)
        else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }

    private static func isUpper(_ b: UInt8) -> Bool { b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
}
