#if canImport(Glibc)
import Glibc
#endif

/// The few blocking file calls of the event spool, on raw descriptors (docs/async-invocations.md). Only the
/// spool's writer thread and start-up call the writing ones; `pread` is safe from any thread.
enum SpoolFiles {
    struct IOError: Error, CustomStringConvertible {
        var call: String
        var errno: Int32
        var description: String { "\(call): \(String(cString: strerror(errno)))" }
        var isNoSpace: Bool { errno == ENOSPC || errno == EDQUOT }
    }

    static func makeDirectory(_ path: String) throws(IOError) {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o755) != 0 && errno != EEXIST { throw IOError(call: "mkdir \(partial)", errno: errno) }
        }
    }

    static func list(_ directory: String) -> [String] {
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

    static func openForAppend(_ path: String) throws(IOError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IOError(call: "open \(path)", errno: errno) }
        return fd
    }

    static func openForReading(_ path: String) throws(IOError) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError(call: "open \(path)", errno: errno) }
        return fd
    }

    static func readAll(_ path: String) throws(IOError) -> [UInt8] {
        let fd = try openForReading(path)
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(call: "read \(path)", errno: errno)
            }
            if n == 0 { return out }
            out += chunk[0..<n]
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(IOError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(call: "write", errno: errno)
            }
            done += n
        }
    }

    static func readAt(_ fd: Int32, offset: Int, count: Int) throws(IOError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(call: "pread", errno: errno)
            }
            if n == 0 { throw IOError(call: "pread (short file)", errno: EIO) }
            done += n
        }
        return out
    }

    static func syncData(_ fd: Int32) throws(IOError) {
        guard fdatasync(fd) == 0 else { throw IOError(call: "fdatasync", errno: errno) }
    }

    /// Makes a directory's entries (a new or renamed file) durable.
    static func syncDirectory(_ path: String) throws(IOError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError(call: "open \(path)", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw IOError(call: "fsync \(path)", errno: errno) }
    }

    /// Writes a whole file durably: temporary file, fsync, rename, fsync of the directory.
    static func writeDurably(directory: String, name: String, bytes: [UInt8]) throws(IOError) {
        let tmp = "\(directory)/.\(name).tmp", final = "\(directory)/\(name)"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IOError(call: "open \(tmp)", errno: errno) }
        do throws(IOError) {
            try writeAll(fd, bytes)
            guard fsync(fd) == 0 else { throw IOError(call: "fsync \(tmp)", errno: errno) }
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        guard rename(tmp, final) == 0 else { throw IOError(call: "rename \(final)", errno: errno) }
        try syncDirectory(directory)
    }

    static func remove(_ path: String) { unlink(path) }
    static func closeDescriptor(_ fd: Int32) { close(fd) }
}
