#if canImport(Glibc)
    import Glibc
#endif

/// Blocking file calls on raw descriptors, for the gateway's event spool (docs/async-invocations.md): directories,
/// appends, positioned reads, `fdatasync`, and whole files written durably (temporary file, fsync, rename, fsync of
/// the directory). They block: call them from a thread of their own or at start-up, never from an event loop.
public enum FileIO {

    public static func makeDirectory(_ path: String) throws(PosixError) {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o755) != 0 && errno != EEXIST {
                throw PosixError(code: errno, operation: "mkdir \(partial)")
            }
        }
    }

    public static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public static func openForAppend(_ path: String) throws(PosixError) -> Int32 {
        try syscallBlocking("open \(path)") { open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
    }

    /// Opens (creating) `path` and takes an exclusive `flock` on it without waiting. The returned descriptor holds
    /// the lock until it is closed or the process exits, however the process ends; the file itself is never
    /// removed (a stale file holds no lock). Fails with `EWOULDBLOCK` while another open file description holds it,
    /// in this process or another (docs/async-invocations.md: one gateway per spool directory).
    public static func lockExclusively(_ path: String) throws(PosixError) -> Int32 {
        let fd = try syscallBlocking("open \(path)") { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let error = PosixError.current("flock \(path)")
            close(fd)
            throw error
        }
        return fd
    }

    public static func openForReading(_ path: String) throws(PosixError) -> Int32 {
        try syscallBlocking("open \(path)") { open(path, O_RDONLY | O_CLOEXEC) }
    }

    public static func readAll(_ path: String) throws(PosixError) -> [UInt8] {
        let fd = try openForReading(path)
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try syscallBlocking("read \(path)") {
                chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            }
            if n == 0 { return out }
            out += chunk[0..<n]
        }
    }

    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(PosixError) {
        var done = 0
        while done < bytes.count {
            let n = try syscallBlocking("write") {
                bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            }
            done += n
        }
    }

    public static func readAt(_ fd: Int32, offset: Int, count: Int) throws(PosixError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = try syscallBlocking("pread") {
                out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            }
            if n == 0 { throw PosixError(code: EIO, operation: "pread (short file)") }
            done += n
        }
        return out
    }

    public static func syncData(_ fd: Int32) throws(PosixError) {
        guard fdatasync(fd) == 0 else { throw PosixError(code: errno, operation: "fdatasync") }
    }

    /// Makes a directory's entries (a new or renamed file) durable.
    public static func syncDirectory(_ path: String) throws(PosixError) {
        let fd = try syscallBlocking("open \(path)") { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw PosixError(code: errno, operation: "fsync \(path)") }
    }

    /// Writes a whole file durably: temporary file, fsync, rename, fsync of the directory.
    public static func writeDurably(directory: String, name: String, bytes: [UInt8]) throws(PosixError) {
        let tmp = "\(directory)/.\(name).tmp", final = "\(directory)/\(name)"
        let fd = try syscallBlocking("open \(tmp)") { open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        do throws(PosixError) {
            try writeAll(fd, bytes)
            guard fsync(fd) == 0 else { throw PosixError(code: errno, operation: "fsync \(tmp)") }
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        try rename(tmp, to: final)
        try syncDirectory(directory)
    }

    public static func remove(_ path: String) { unlink(path) }

    /// `rename(2)`: atomically replaces `destination` (same file system).
    public static func rename(_ source: String, to destination: String) throws(PosixError) {
        guard Glibc.rename(source, destination) == 0 else {
            throw PosixError(code: errno, operation: "rename \(destination)")
        }
    }

    /// What is at `path` (symbolic links followed): nil when nothing is.
    public static func kind(of path: String) -> FileKind? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regularFile
        default: return .other
        }
    }
    public static func closeDescriptor(_ fd: Int32) { close(fd) }
}

/// The kinds of file `FileIO.kind(of:)` tells apart.
public enum FileKind: Sendable, Equatable {
    case directory
    case regularFile
    case other
}

extension PosixError {
    /// The disk (or the user's quota) is full: the caller refuses new data rather than failing the process.
    public var isNoSpace: Bool { code == ENOSPC || code == EDQUOT }

    /// `ENOENT` for `operation`: something asked for is not there.
    public static func notFound(_ operation: String) -> PosixError { PosixError(code: ENOENT, operation: operation) }
}
