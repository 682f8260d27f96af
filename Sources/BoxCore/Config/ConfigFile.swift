import Posix

/// Reads a configuration file as UTF-8 text. The only file I/O in BoxCore: it happens at start-up and on reload,
/// never on a request path.
enum ConfigFile {
    /// The text of the file at `path`; nil when nothing is there (the daemons then start with an empty
    /// configuration); an error for an unreadable file or bytes that are not UTF-8 (at the first bad byte).
    static func read(path: String) throws(ConfigError) -> String? {
        guard let kind = FileIO.kind(of: path) else { return nil }
        if kind == .directory { throw ConfigError(path: path, message: "is a directory, not a file") }
        let bytes: [UInt8]
        do {
            bytes = try FileIO.readAll(path)
        } catch {
            throw ConfigError(path: path, message: "cannot read the file")
        }
        return try decode(bytes, path: path)
    }

    /// `bytes` as a String, or an error at the first byte that is not valid UTF-8 (a silent U+FFFD in a function's
    /// environment would be worse than a clear start-up error).
    static func decode(_ bytes: [UInt8], path: String) throws(ConfigError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1
        var column = 1
        // The bytes are not valid UTF-8, so decoding stops at the first bad one.
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            line += scalar == "\n" ? 1 : 0
            column = scalar == "\n" ? 1 : column + 1
        }
        throw ConfigError(path: path, line: line, column: column, message: "the file is not valid UTF-8")
    }
}
