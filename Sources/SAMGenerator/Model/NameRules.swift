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

    /// Function names: `[a-z0-9][a-z0-9_.-]{0,62}` (PRODUCT.md §2.1); they are also container and image names.
    static func isValidFunctionName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count), isLowerAlnum(bytes[0]) else { return false }
        return bytes.dropFirst().allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// DynamoDB table names: 3 to 255 of `[a-zA-Z0-9_.-]`.
    static func isValidTableName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return (3...255).contains(bytes.count)
            && bytes.allSatisfy { isLowerAlnum($0) || isUpper($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
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
