import Foundation

/// The settings the day-to-day commands (`esb invoke`, `esb logs`) read: the process environment first, then the
/// `.env` file beside the compose file (the current folder unless `--env-file` says otherwise), as `docker
/// compose` reads it: `KEY=VALUE` lines, `#` comments, optional quotes around the value.
public struct BoxEnvironment: Sendable {
    /// Merged values (the process environment wins).
    public var values: [String: String]

    /// The process environment over the `.env` file at `envFile` (missing: ignored).
    public init(processEnvironment: [String: String]? = nil, envFile: String? = ".env") {
        let processEnvironment = processEnvironment ?? ProcessInfo.processInfo.environment
        var merged: [String: String] = [:]
        if let envFile, let data = FileManager.default.contents(atPath: envFile) {
            merged = Self.parse(String(decoding: data, as: UTF8.self))
        }
        for (key, value) in processEnvironment { merged[key] = value }
        values = merged
    }

    /// `KEY=VALUE` lines of a `.env` file.
    public static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var line = Substring(raw).drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }

    /// A non-empty value.
    public subscript(name: String) -> String? {
        values[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the box's default.
    public var region: String { self["AWS_REGION"] ?? self["AWS_DEFAULT_REGION"] ?? "ap-northeast-1" }
}
