import BoxCrypto
import Foundation
import SAMGenerator

/// Prepares one function's docker build context and builds its image.
///
/// For a Zip function the context is `DIR/functions/<name>/` (the generated Dockerfile and runtime patch),
/// and this stager fills its `build/` folder: `code/` (a copy of the code folder, the one code file, or the
/// unpacked .zip deployment package), `deps/` (requirements.txt
/// installed with `pip install --target` for the image's Python version and platform, on this machine),
/// `layers/<name>/` (each layer's content; under `python/` with its requirements for `BuildMethod:
/// python3.x`). `package.json` is installed with `npm install --omit=dev` in the staged code folder.
/// Resolved requirements are kept in `DIR/functions/<name>/pip-cache/<key>/`, keyed by the requirements text,
/// Python version and architecture, so a rebuild with unchanged requirements needs no index.
final class FunctionStager {
    let outputDirectory: String
    let name: String
    let function: BuildManifest.Function
    let runner: ProcessRunner
    /// `--no-cache`: resolve requirements again instead of reusing `pip-cache/`.
    let refresh: Bool
    private var usedCacheKeys: Set<String> = []

    init(outputDirectory: String, name: String, function: BuildManifest.Function, runner: ProcessRunner, refresh: Bool)
    {
        self.outputDirectory = outputDirectory
        self.name = name
        self.function = function
        self.runner = runner
        self.refresh = refresh
    }

    /// `DIR/functions/<name>/build.log`: pip, npm and docker output.
    var logPath: String { outputDirectory + "/functions/\(name)/build.log" }

    private func path(_ relative: String?) -> String? {
        relative.map { PathTools.join(outputDirectory, $0) }
    }

    /// Stages the build folder; returns notes for the progress line (fallbacks taken).
    func stage() throws -> [String] {
        let fm = FileManager.default
        try fm.createDirectory(atPath: PathTools.directory(logPath), withIntermediateDirectories: true)
        _ = fm.createFile(atPath: logPath, contents: nil)
        guard function.kind == "zip" else { return [] }
        guard let context = path(function.context), let code = path(function.code), let runtime = function.runtime
        else {
            throw CommandError("build.yml lacks context, code or runtime for \(name)")
        }
        let build = context + "/build"
        if fm.fileExists(atPath: build) { try fm.removeItem(atPath: build) }
        let copier = DirectoryCopier(excluded: [PathTools.normalize(outputDirectory)])
        guard fm.fileExists(atPath: code) else { throw CommandError("code folder \(code) does not exist") }
        if code.hasSuffix(".zip") {
            try unpack(code, into: build + "/code")
        } else {
            try copier.copy(code, to: build + "/code")
        }
        var notes: [String] = []
        let pythonVersion = runtime.hasPrefix("python") ? String(runtime.dropFirst("python".count)) : nil
        if function.requirements, let pythonVersion {
            try fm.createDirectory(atPath: build + "/deps", withIntermediateDirectories: true)
            notes += try pipInstall(
                requirements: code + "/requirements.txt", into: build + "/deps", python: pythonVersion)
        }
        if function.packageJSON {
            let status = try runner.run(
                ["npm", "install", "--omit=dev", "--no-audit", "--no-fund", "--no-package-lock"], in: build + "/code",
                log: logPath)
            guard status == 0 else { throw CommandError("npm install failed (exit \(status))") }
        }
        for layer in function.layers {
            guard let source = path(layer.source) else { continue }
            let destination = build + "/layers/\(layer.name)" + (layer.pythonBuild ? "/python" : "")
            try copier.copy(source, to: destination)
            if layer.pythonBuild, layer.requirements, let pythonVersion {
                notes += try pipInstall(
                    requirements: source + "/requirements.txt", into: destination, python: pythonVersion)
            }
        }
        pruneCache()
        return notes
    }

    private var pipCache: String { outputDirectory + "/functions/\(name)/pip-cache" }

    /// The requirements installed into `target`, from `pip-cache/` when the same requirements were resolved
    /// before for the same Python version and architecture.
    /// A `.zip` deployment package as the code folder, unpacked with Python's zipfile module (the build host has
    /// python3 for pip already; no unzip tool is needed).
    private func unpack(_ archive: String, into folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let python = ProcessInfo.processInfo.environment["ESB_PYTHON"] ?? "python3"
        let status = try runner.run([python, "-m", "zipfile", "-e", archive, folder], log: logPath)
        guard status == 0 else { throw CommandError("unpacking \(archive) failed (exit \(status)); see \(logPath)") }
    }

    private func pipInstall(requirements: String, into target: String, python version: String) throws -> [String] {
        let fm = FileManager.default
        let text = fm.contents(atPath: requirements).map { Array($0) } ?? []
        let key = String(SHA256.hexHash(Array("\(version) \(function.architecture)\n".utf8) + text).prefix(16))
        let cached = pipCache + "/" + key
        var notes: [String] = []
        if refresh || !fm.fileExists(atPath: cached + "/.complete") {
            try? fm.removeItem(atPath: cached)
            let partial = cached + ".partial"
            try? fm.removeItem(atPath: partial)
            try fm.createDirectory(atPath: partial, withIntermediateDirectories: true)
            notes = try resolveRequirements(requirements, into: partial, python: version)
            _ = fm.createFile(atPath: partial + "/.complete", contents: Data(notes.joined(separator: "\n").utf8))
            try fm.moveItem(atPath: partial, toPath: cached)
        } else if let data = fm.contents(atPath: cached + "/.complete"), !data.isEmpty {
            notes = [String(decoding: data, as: UTF8.self)]
        }
        usedCacheKeys.insert(key)
        try DirectoryCopier(excluded: [PathTools.normalize(cached + "/.complete")]).copy(cached, to: target)
        return notes
    }

    /// Drops cache entries this build did not use (older requirements).
    private func pruneCache() {
        let fm = FileManager.default
        for entry in (try? fm.contentsOfDirectory(atPath: pipCache)) ?? [] where !usedCacheKeys.contains(entry) {
            try? fm.removeItem(atPath: pipCache + "/" + entry)
        }
    }

    /// Binary wheels for the image's platform first; if some requirement has no wheel, this machine's
    /// Python installs everything (sdists of pure-Python packages build fine that way).
    private func resolveRequirements(_ requirements: String, into target: String, python version: String) throws
        -> [String]
    {
        let python = ProcessInfo.processInfo.environment["ESB_PYTHON"] ?? "python3"
        let arch = function.architecture == "arm64" ? "aarch64" : "x86_64"
        var platforms = ["manylinux2014_\(arch)"]
        if let minor = Int(version.split(separator: ".").last ?? ""), minor >= 12 {
            platforms.append("manylinux_2_28_\(arch)")  // AL2023-based images (python3.12+) have glibc 2.34
        }
        let common = [
            python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--target", target, "-r",
            requirements,
        ]
        let binaryOnly =
            common + platforms.flatMap { ["--platform", $0] } + [
                "--implementation", "cp", "--python-version", version, "--only-binary=:all:",
            ]
        if try runner.run(binaryOnly, log: logPath) == 0 { return [] }
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let status = try runner.run(common, log: logPath)
        guard status == 0 else {
            throw CommandError("pip install -r \(PathTools.lastComponent(requirements)) failed (exit \(status))")
        }
        return [
            "some requirements had no \(platforms[0]) wheel for Python \(version): installed with \(python) of this machine"
        ]
    }

    /// `docker build` of the function's Dockerfile, or of `dockerfile` in `context` (paths relative to the output
    /// folder, or absolute), tagged with the image name of functions.yml.
    func dockerBuild(
        image: String, dockerfile: String? = nil, context: String? = nil, baseImage: String? = nil, noCache: Bool
    ) throws {
        guard let context = path(context ?? function.context), let dockerfile = path(dockerfile ?? function.dockerfile)
        else {
            throw CommandError("build.yml lacks context or dockerfile for \(name)")
        }
        var arguments = [
            ProcessInfo.processInfo.environment["ESB_DOCKER"] ?? "docker", "build", "-t", image, "-f", dockerfile,
        ]
        if let baseImage, function.kind == "zip" { arguments += ["--build-arg", "BASE_IMAGE=\(baseImage)"] }
        if noCache { arguments.append("--no-cache") }
        arguments.append(context)
        let status = try runner.run(arguments, log: logPath)
        guard status == 0 else { throw CommandError("docker build failed (exit \(status))") }
    }
}
