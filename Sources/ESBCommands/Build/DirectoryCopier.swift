import Foundation
import Posix
import SAMGenerator

/// Copies a code or layer folder into a build folder, leaving out what never belongs in an image: version
/// control and tool folders, Python caches, and the esb output folder itself (a CodeUri of `.` contains it).
struct DirectoryCopier {
    static let skippedNames: Set<String> = [
        ".git", ".hg", ".svn", ".aws-sam", ".esb", "__pycache__", ".pytest_cache", ".venv",
    ]

    /// Absolute folders never copied (the output folder).
    var excluded: Set<String>

    /// Copies the folder's content into `destination`; a single file (`CodeUri: src/function.py`) is copied into it.
    func copy(_ source: String, to destination: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: destination, withIntermediateDirectories: true)
        if FileIO.kind(of: source) == .regularFile {
            try fm.copyItem(atPath: source, toPath: destination + "/" + PathTools.lastComponent(source))
            return
        }
        for name in try fm.contentsOfDirectory(atPath: source).sorted() {
            let from = source + "/" + name
            if Self.skippedNames.contains(name) || name.hasSuffix(".pyc")
                || excluded.contains(PathTools.normalize(from))
            {
                continue
            }
            let to = destination + "/" + name
            let attributes = try fm.attributesOfItem(atPath: from)
            if attributes[.type] as? FileAttributeType == .typeDirectory {
                try copy(from, to: to)
            } else {
                try fm.copyItem(atPath: from, toPath: to)
            }
        }
    }
}
