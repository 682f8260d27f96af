import Foundation
import Posix
public import SAMGenerator

/// The real file system, for `ProjectGenerator` run by the CLI.
public struct LocalFileSystem: ProjectFileSystem {
    public init() {}

    /// True when `path` is a folder (symbolic links followed).
    public func isDirectory(_ path: String) -> Bool {
        FileIO.kind(of: path) == .directory
    }

    /// True when `path` is a regular file (symbolic links followed).
    public func isFile(_ path: String) -> Bool {
        FileIO.kind(of: path) == .regularFile
    }

    /// The file's text when it is a readable regular file of valid UTF-8.
    public func readText(_ path: String) -> String? {
        guard isFile(path), let bytes = try? FileIO.readAll(path) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// `path` made absolute against the current folder and folded.
    public static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? PathTools.normalize(path) : PathTools.join(FileManager.default.currentDirectoryPath, path)
    }
}
