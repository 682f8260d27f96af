/// Renders the Dockerfile of a Zip function: base image as a build argument, layers under `/opt`, the
/// dependencies esb build resolved on the host, the code, the handler. Everything it copies is staged by
/// `esb build` under `build/` next to the Dockerfile (see docs/sam-support.md).
struct DockerfileRenderer {
    let options: GeneratorOptions

    func render(_ function: FunctionSpec, _ zip: FunctionSpec.ZipBuild) -> String {
        let runtime = zip.runtime
        let base = options.baseImages.image(for: runtime.identifier) ?? runtime.defaultBaseImage
        var lines = [
            YAMLText.header(options.templatePath),
            "# Function \(function.logicalID) (\(function.name)), runtime \(runtime.identifier). Build it with esb build, which",
            "# stages build/ next to this file: code/ (the code folder), deps/ (its dependencies) and layers/<name>/.",
            "ARG BASE_IMAGE=\(base)",
            "FROM ${BASE_IMAGE}",
        ]
        if case .python(let version) = runtime.family {
            lines.append(
                "# The box's runtime patch (boto3 endpoints, CloudWatch Logs as JSON lines), imported at interpreter start."
            )
            lines.append("COPY sitecustomize.py /var/lang/lib/python\(version)/site-packages/sitecustomize.py")
        }
        for layer in zip.layers {
            lines.append("COPY build/layers/\(layer.name)/ /opt/")
        }
        if zip.hasRequirements {
            lines.append("COPY build/deps/ /var/task/")
        }
        lines.append("COPY build/code/ /var/task/")
        lines.append("CMD [\(jsonString(zip.handler))]")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The Dockerfile that gives an Image function its `ImageConfig`: FROM the function's image as its own
    /// Dockerfile (or ImageUri) built it, then `WORKDIR`, `ENTRYPOINT`, `CMD` as Lambda would override them.
    /// Two functions sharing one Dockerfile and differing by `Command` thus get two images.
    func renderImageConfig(_ function: FunctionSpec, _ config: FunctionSpec.ImageConfig, baseImage: String) -> String {
        var lines = [
            YAMLText.header(options.templatePath),
            "# Function \(function.logicalID) (\(function.name)): its ImageConfig applied on top of its image. esb build builds",
            "# the image first (from its Dockerfile, or ImageUri), then this file with the same tag.",
            "ARG BASE_IMAGE=\(baseImage)",
            "FROM ${BASE_IMAGE}",
        ]
        if let directory = config.workingDirectory { lines.append("WORKDIR \(directory)") }
        if let entryPoint = config.entryPoint {
            lines.append("ENTRYPOINT [\(entryPoint.map(jsonString).joined(separator: ", "))]")
        }
        if let command = config.command { lines.append("CMD [\(command.map(jsonString).joined(separator: ", "))]") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
