import BoxCore

/// The last step of every generation: what `esb generate` would write must be what the daemons accept. The
/// generated `functions.yml` and `routing.yml` go through BoxCore's own loaders (the ones `esb-gateway
/// --check-config` and `esb-manager --check-config` use, with the same route → function cross-check), and every
/// file path must stay inside the output folder. A refusal is an error of the run, so a defect of the generator
/// shows as `exit 1, nothing written` instead of a configuration the gateway refuses at reload (docs/sam-support.md).
package enum GeneratedConfigCheck {
    static func problems(in files: [GeneratedFile], outputDirectory: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for file in files where !isInside(file.path) {
            problems.append(
                .unlocated(
                    .error,
                    "internal: generated path \(quoted(file.path)) would leave the output folder; nothing was written"))
        }
        guard let functionsText = files.first(where: { $0.path == "functions.yml" })?.contents,
            let routingText = files.first(where: { $0.path == "routing.yml" })?.contents
        else { return problems }
        let refused = { (diagnostic: ConfigDiagnostic) in
            Diagnostic.unlocated(
                .error,
                "the generated \(diagnostic.path) would be refused by the box (\(diagnostic.description)); nothing was written"
            )
        }
        var functions: FunctionsConfig?
        do {
            // An empty environment: `${LOG_LEVEL}` and friends stay as written, exactly as an unset variable would.
            functions = try FunctionsConfig.parse(functionsText, path: "functions.yml", environment: [:])
        } catch {
            problems += error.diagnostics.map(refused)
        }
        do {
            let routing = try RoutingConfig.parse(routingText, path: "routing.yml")
            problems += (routing.warnings + (functions.map { routing.undefinedFunctions(in: $0) } ?? [])).map(refused)
        } catch {
            problems += error.diagnostics.map(refused)
        }
        return problems
    }

    /// A relative path without `..`, empty or absolute parts: it names a file under the output folder.
    package static func isInside(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0 != "." && $0 != ".." && !$0.unicodeScalars.contains { $0.value < 0x20 || $0 == "\\" }
        }
    }
}
