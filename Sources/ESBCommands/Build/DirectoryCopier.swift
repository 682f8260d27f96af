import Foundation
import SAMGenerator

/// Copies a code or layer folder into a build folder, leaving out what never belongs in an image: version
/// control and tool folders, Python caches, and the esb output folder itself (a CodeUri of `.` contains it).
struct DirectoryCopier {
    static let skippedNames: Set<String> = [
        ".git", ".hg", ".svn", ".aws-sam", ".esb", "__pycache__", ".pytest_cache", ".venv",
    ]

    /// Absolute folders never copied (the output folder).
    var excluded: Set<String>

    func copy(_ source: String, to destination: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: destination, withIntermediateDirectories: true)
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
