/// Path arithmetic on `/`-separated strings (no file-system access): joining, `.`/`..` folding and relative
/// paths, so generated files name code folders relative to the output folder on every machine.
package enum PathTools {
    /// `base` + `path`, unless `path` is absolute; folded.
    package static func join(_ base: String, _ path: String) -> String {
        path.hasPrefix("/") ? normalize(path) : normalize(base + "/" + path)
    }

    /// Folds `.`, `..` and repeated slashes; keeps a leading `/`; "" becomes ".".
    package static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !absolute {
                    parts.append(part)
                }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The path of `target` as seen from folder `base` (both absolute).
    package static func relative(from base: String, to target: String) -> String {
        let b = normalize(base).split(separator: "/")
        let t = normalize(target).split(separator: "/")
        var common = 0
        while common < b.count, common < t.count, b[common] == t[common] { common += 1 }
        let ups = Array(repeating: "..", count: b.count - common)
        let rest = t[common...].map(String.init)
        let joined = (ups + rest).joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }

    /// The last component: `/a/b/c` → `c`.
    package static func lastComponent(_ path: String) -> String {
        String(normalize(path).split(separator: "/").last ?? "")
    }

    /// The folder of a path: `/a/b/c` → `/a/b`.
    package static func directory(_ path: String) -> String {
        let n = normalize(path)
        guard let slash = n.lastIndex(of: "/") else { return "." }
        return slash == n.startIndex ? "/" : String(n[..<slash])
    }
}

/// What the generator may ask about the files next to a template (absolute paths). The CLI passes the real file
/// system; the generator itself does no other I/O.
public protocol ProjectFileSystem: Sendable {
    func isDirectory(_ path: String) -> Bool
    func isFile(_ path: String) -> Bool
    /// The text of a file the template names for the generator to read (an API's OpenAPI document); nil when it
    /// cannot be read.
    func readText(_ path: String) -> String?
}

extension ProjectFileSystem {
    /// A file system that only answers where files are reads nothing.
    public func readText(_ path: String) -> String? { nil }
}
