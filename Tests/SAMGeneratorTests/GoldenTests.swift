import Foundation
import Testing

@testable import ESBCommands
@testable import SAMGenerator

/// `esb generate` over realistic templates, compared file by file with `Golden/` (regenerated only with
/// `ESB_UPDATE_GOLDEN=1`), and broken templates that must fail at the right line and column.
@Suite("Generator goldens")
struct GoldenTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var golden: String
        var template: String
        var file: String
        var arguments: [String] = []
        var testDescription: String { golden }
    }

    static let cases: [Case] = [
        Case(golden: "reference-e2e", template: "reference-e2e", file: "template.yaml"),
        Case(golden: "shop", template: "shop", file: "template.yaml"),
        Case(
            golden: "shop-prod", template: "shop", file: "template.yaml",
            arguments: [
                "--param", "Stage=prod", "--region", "us-east-1", "--base-image",
                "python3.11=esb-local/lambda-python:3.11",
            ]),
        Case(golden: "node-json", template: "node-json", file: "template.json"),
    ]

    @Test(arguments: cases)
    func generatesTheGoldenProject(_ c: Case) throws {
        var options = Fixtures.options(template: c.template, file: c.file)
        var arguments = c.arguments[...]
        while let flag = arguments.popFirst(), let value = arguments.popFirst() {
            switch flag {
            case "--param":
                let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
                options.parameters[parts[0]] = parts[1]
            case "--region": options.region = value
            case "--base-image": try options.baseImages.add(value)
            default: Issue.record("unknown flag \(flag)")
            }
        }
        let text = try Fixtures.read(Fixtures.templates + "/\(c.template)/\(c.file)")
        let project = try ProjectGenerator.generate(templateText: text, options: options, fileSystem: LocalFileSystem())
        var files = Dictionary(uniqueKeysWithValues: project.files.map { ($0.path, $0.contents) })
        files["diagnostics.txt"] = project.warnings.map(\.description).joined(separator: "\n") + "\n"
        try Fixtures.checkGolden(c.golden, files: files)
    }

    /// generator.yml instead of flags: parameters, base images, image prefix and tag, region, stack name, paths.
    @Test func generatorConfigFileGivesTheSameOptionsAsFlags() throws {
        var request = GenerateRequest()
        request.config = Fixtures.templates + "/images/generator.yml"
        var (options, warnings) = try GenerateCommandRunner.options(for: request)
        #expect(options.outputDirectory == Fixtures.templates + "/images/out")
        #expect(options.parameters == ["Owner": "media-team"])
        #expect(options.imagePrefix == "registry.local/esb/")
        #expect(options.imageTag == "v1")
        #expect(options.region == "us-west-2")
        #expect(options.stackName == "media")
        #expect(options.baseImages.image(for: "python3.12") == "esb-local/lambda-python:3.12")
        // Diagnostics name the template as the user would (relative to the current folder); fix it for the golden.
        options.templatePath = "template.yaml"
        options.outputDirectory = Fixtures.templates + "/images/.esb"
        options.hostArchitecture = "x86_64"
        options.runtimePatch = Fixtures.patchPlaceholder
        let text = try Fixtures.read(Fixtures.templates + "/images/template.yaml")
        let project = try ProjectGenerator.generate(templateText: text, options: options, fileSystem: LocalFileSystem())
        var files = Dictionary(uniqueKeysWithValues: project.files.map { ($0.path, $0.contents) })
        let lines =
            warnings.map { $0.description.replacingOccurrences(of: Fixtures.templates + "/images/", with: "") }
            + project.warnings.map(\.description)
        files["diagnostics.txt"] = lines.joined(separator: "\n") + "\n"
        try Fixtures.checkGolden("images", files: files)
    }

    struct Broken: CustomTestStringConvertible, Sendable {
        var file: String
        /// `LINE:COLUMN: message start` of the first error.
        var firstError: String
        var testDescription: String { file }
    }

    static let broken: [Broken] = [
        Broken(file: "yaml-syntax.yaml", firstError: "6:6: error: did not find expected key"),
        Broken(file: "unknown-ref.yaml", firstError: "10:18: error: unresolved reference \"MissingTable\""),
        Broken(file: "bad-function-name.yaml", firstError: "9:21: error: function name \"Orders.Dev\" contains '.'"),
        Broken(
            file: "parameter-not-allowed.yaml",
            firstError: "2:3: error: the Default of Stage is \"qa\", not one of AllowedValues"),
        Broken(
            file: "missing-code.yaml", firstError: "5:16: error: CodeUri folder \"functions/missing/\" does not exist"),
        Broken(file: "unsupported-runtime.yaml", firstError: "3:14: error: runtime \"java21\" is not supported"),
        Broken(file: "select-out-of-range.yaml", firstError: "10:27: error: Fn::Select index 2 is out of range"),
        Broken(file: "condition-cycle.yaml", firstError: "3:12: error: condition A depends on itself"),
        Broken(
            file: "duplicate-names.yaml",
            firstError: "11:3: error: function name \"orders\" is already used by the function at line 7"),
        Broken(file: "event-without-method.yaml", firstError: "9:9: error: Api event Get needs both Path and Method"),
        Broken(file: "several-errors.yaml", firstError: "11:16: error: Timeout must be between 1 and 900, found 901"),
        Broken(
            file: "missing-parameter.yaml",
            firstError: "2:3: error: parameter Owner has no Default; pass --param Owner=VALUE"),
    ]

    @Test(arguments: broken)
    func brokenTemplatesFailAtTheRightPlace(_ b: Broken) throws {
        let path = "broken/\(b.file)"
        var options = Fixtures.options(template: "broken", file: path)
        options.templateDirectory = Fixtures.templates + "/broken"
        let text = try Fixtures.read(Fixtures.templates + "/" + path)
        do {
            _ = try ProjectGenerator.generate(templateText: text, options: options, fileSystem: LocalFileSystem())
            Issue.record("\(b.file) was accepted")
        } catch {
            let first = try #require(error.errors.first)
            #expect(first.description.hasPrefix("\(path):\(b.firstError)"), "\(first)")
            let all = (error.errors + error.warnings).sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            try Fixtures.checkGolden(
                "broken/" + b.file.replacingOccurrences(of: ".yaml", with: ""),
                files: ["diagnostics.txt": all.map(\.description).joined(separator: "\n") + "\n"])
        }
    }
}
