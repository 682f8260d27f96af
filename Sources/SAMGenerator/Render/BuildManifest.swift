package import YAML

/// `build.yml`: what `esb build` needs to know about each function beyond `functions.yml` — where its code,
/// layers and Dockerfile are. Written by `esb generate` next to `functions.yml`; paths are relative to the
/// folder holding it.
public struct BuildManifest: Sendable, Equatable {
    /// How one function's image is built.
    public struct Function: Sendable, Equatable {
        /// `zip` (generated Dockerfile, staged build folder), `dockerfile` (the user's Dockerfile and
        /// context), `prebuilt` (ImageUri: nothing to build).
        public var kind: String
        /// Runtime identifier (`python3.11`); nil for images.
        public var runtime: String?
        public var architecture: String
        public var dockerfile: String?
        public var context: String?
        /// The code folder (zip).
        public var code: String?
        /// The code folder has a `requirements.txt` to install.
        public var requirements = false
        /// The code folder has a `package.json` to install.
        public var packageJSON = false
        /// Layers in the order they are copied to `/opt`.
        public var layers: [Layer] = []
        /// `dockerfile` kind: the generated Dockerfile that applies the function's ImageConfig, built after the
        /// user's Dockerfile with the same tag (its context is its own folder).
        public var imageConfig: String?
    }

    /// A layer to stage under `build/layers/<name>/`.
    public struct Layer: Sendable, Equatable {
        /// The layer's name (folder under `build/layers`).
        public var name: String
        /// ContentUri.
        public var source: String
        /// `BuildMethod: python3.x`: the content goes under `python/`, with its requirements installed there.
        public var pythonBuild: Bool
        /// The layer has a `requirements.txt` (only used with `pythonBuild`).
        public var requirements: Bool
    }

    /// Function name → build description.
    public var functions: [String: Function]

    /// The file's text, first line the generated-file header.
    func render(templatePath: String) -> String {
        var lines = [
            YAMLText.header(templatePath),
            "# Read by esb build: how each function's image is built. Paths are relative to this folder.",
            functions.isEmpty ? "functions: {}" : "functions:",
        ]
        for (name, f) in functions.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(YAMLText.key(name)):")
            lines.append("    kind: \(f.kind)")
            if let runtime = f.runtime { lines.append("    runtime: \(YAMLText.string(runtime))") }
            lines.append("    architecture: \(f.architecture)")
            if let v = f.dockerfile { lines.append("    dockerfile: \(YAMLText.string(v))") }
            if let v = f.context { lines.append("    context: \(YAMLText.string(v))") }
            if let v = f.code { lines.append("    code: \(YAMLText.string(v))") }
            if let v = f.imageConfig { lines.append("    image_config: \(YAMLText.string(v))") }
            if f.kind == "zip" {
                lines.append("    requirements: \(f.requirements)")
                lines.append("    package_json: \(f.packageJSON)")
                lines.append(f.layers.isEmpty ? "    layers: []" : "    layers:")
                for layer in f.layers {
                    lines.append("      - name: \(YAMLText.string(layer.name))")
                    lines.append("        source: \(YAMLText.string(layer.source))")
                    lines.append("        python_build: \(layer.pythonBuild)")
                    lines.append("        requirements: \(layer.requirements)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a `build.yml`; errors are `PATH:LINE:COLUMN: message`.
    package static func parse(_ text: String, path: String) throws(YAMLError) -> BuildManifest {
        let root = try YAMLDocument.parse(text, path: path)
        do {
            var functions: [String: Function] = [:]
            for entry in try root.mappingReader().required("functions").mappingReader(nullIsEmpty: true).entries {
                let m = try entry.value.mappingReader()
                var layers: [Layer] = []
                for item in try m["layers"]?.items(nullIsEmpty: true) ?? [] {
                    let l = try item.mappingReader()
                    layers.append(
                        Layer(
                            name: try l.required("name").string(), source: try l.required("source").string(),
                            pythonBuild: try l["python_build"]?.bool() ?? false,
                            requirements: try l["requirements"]?.bool() ?? false))
                }
                functions[entry.key] = Function(
                    kind: try m.required("kind").string(), runtime: try m["runtime"]?.string(),
                    architecture: try m["architecture"]?.string() ?? "x86_64",
                    dockerfile: try m["dockerfile"]?.string(),
                    context: try m["context"]?.string(), code: try m["code"]?.string(),
                    requirements: try m["requirements"]?.bool() ?? false,
                    packageJSON: try m["package_json"]?.bool() ?? false,
                    layers: layers, imageConfig: try m["image_config"]?.string())
            }
            return BuildManifest(functions: functions)
        } catch {
            throw error.located(in: path)
        }
    }
}
