import Foundation

/// Runs external programs (pip, npm, docker) for `esb build`: output to a log file, or streamed with
/// `--verbose`.
struct ProcessRunner {
    /// When set, output goes to the terminal instead of the log.
    var verbose: Bool

    /// Runs `arguments[0]` (looked up in PATH) in `directory`; appends its output to `log`. Returns the exit status.
    func run(_ arguments: [String], in directory: String? = nil, log: String) throws -> Int32 {
        guard let executable = Self.which(arguments[0]) else {
            throw CommandError("\(arguments[0]) not found in PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let handle = try Self.appendHandle(log)
        defer { try? handle.close() }
        handle.write(Data(("$ " + arguments.joined(separator: " ") + "\n").utf8))
        if !verbose {
            process.standardOutput = handle
            process.standardError = handle
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        handle.write(Data("[exit \(process.terminationStatus)]\n".utf8))
        return process.terminationStatus
    }

    static func appendHandle(_ path: String) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CommandError("cannot write \(path)") }
        handle.seekToEndOfFile()
        return handle
    }

    /// The absolute path of `name` from PATH (or `name` itself when it has a slash).
    static func which(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The last `count` lines of a log, for failure summaries.
    static func tail(_ path: String, lines count: Int) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        // docker's progress output rewrites lines with carriage returns: both end a line here.
        return String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .suffix(count + 1).map(String.init).filter { !$0.isEmpty }.suffix(count).map { $0 }
    }
}
