import Foundation
import Testing

@testable import SAMGenerator

/// Where the test templates and goldens live, and the golden comparison itself.
enum Fixtures {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
    // Outside the test target's folder: SwiftPM warns about every non-Swift file inside a target.
    static let fixtures =
        URL(fileURLWithPath: testsDirectory).deletingLastPathComponent().path + "/SAMGeneratorFixtures"
    static let templates = fixtures + "/Templates"
    static let golden = fixtures + "/Golden"
    static let repository = URL(fileURLWithPath: testsDirectory).deletingLastPathComponent().deletingLastPathComponent()
        .path

    /// Goldens are rewritten only on request: `ESB_UPDATE_GOLDEN=1 swift test --filter SAMGeneratorTests`.
    static var updating: Bool { ProcessInfo.processInfo.environment["ESB_UPDATE_GOLDEN"] == "1" }

    /// Stands in for the runtime patch in goldens (its real content is checked by `RuntimePatchTests`).
    static let patchPlaceholder = "<runtime/python/sitecustomize.py>\n"

    /// Options as the CLI builds them when run from the template's folder, with the machine-dependent parts
    /// fixed: output under `.esb`, x86_64 build machine, the patch placeholder.
    static func options(template: String, file: String) -> GeneratorOptions {
        let directory = templates + "/" + template
        var options = GeneratorOptions(
            templatePath: file, templateDirectory: directory, outputDirectory: directory + "/.esb")
        options.hostArchitecture = "x86_64"
        options.runtimePatch = patchPlaceholder
        return options
    }

    static func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    /// Every file under `directory`, relative, sorted.
    static func files(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                out.append(path)
            }
        }
        return out.sorted()
    }

    /// Compares `files` (path → text) with the golden folder `name`, or rewrites it when updating.
    static func checkGolden(_ name: String, files: [String: String], sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let folder = golden + "/" + name
        if updating {
            try? FileManager.default.removeItem(atPath: folder)
            for (path, text) in files {
                let target = folder + "/" + path
                try FileManager.default.createDirectory(
                    atPath: URL(fileURLWithPath: target).deletingLastPathComponent().path,
                    withIntermediateDirectories: true)
                try text.write(toFile: target, atomically: true, encoding: .utf8)
            }
            return
        }
        let expected = Self.files(under: folder)
        #expect(
            expected == files.keys.sorted(), "files differ from Golden/\(name) (ESB_UPDATE_GOLDEN=1 rewrites goldens)",
            sourceLocation: sourceLocation)
        for path in expected {
            guard let actual = files[path] else { continue }
            let wanted = try read(folder + "/" + path)
            #expect(actual == wanted, "Golden/\(name)/\(path) differs", sourceLocation: sourceLocation)
        }
    }
}
