#if canImport(Glibc)
import Glibc
#endif

/// What identifies one version of a file: replaced by rename (a new inode), rewritten in place (size, mtime).
public struct FileFingerprint: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedNanos: Int64

    /// The file's fingerprint, nil when it does not exist (or cannot be read).
    public static func of(_ path: String) -> FileFingerprint? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileFingerprint(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedNanos: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }
}

/// The daemons' file watch (docs/configuration.md, "Reload"): the configuration files are looked at every
/// `interval`; once a change has settled (nothing changed for one more interval, so files replaced one after the
/// other by `esb deploy` are read together) the process sends itself SIGHUP, so a change is reloaded exactly as a
/// SIGHUP is: one reload path, serialised, a broken file keeping the old configuration.
///
/// A poll rather than inotify: it sees a file replaced by rename inside a bind-mounted directory the same way as one
/// edited in place, and costs a few `stat` calls a second.
public enum ConfigFileWatch {
    /// Starts watching `paths`; cancel the task to stop.
    public static func start(paths: [String], interval: Duration) -> Task<Void, Never> {
        Task.detached {
            var last = paths.map(FileFingerprint.of)
            var settling = false
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                let now = paths.map(FileFingerprint.of)
                if now != last {
                    last = now
                    settling = true
                } else if settling {
                    settling = false
                    kill(getpid(), SIGHUP)
                }
            }
        }
    }
}
